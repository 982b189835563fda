"""``python -m bot sandbox``: the real bot on the loopback Discord, driven from a terminal.

A person types slash commands as in Discord and the sandbox's own commands (``click``,
``fill``, ``as``, ``read``, ``clock`` …); ``--script FILE`` runs such lines and prints the
transcript.
"""

import asyncio
import re
import shutil
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.content import ContentError
from bot.settings import Settings
from bot.tryit.commandline import CommandBook, InputError
from bot.tryit.demo import MEMBERS, Sandbox, open_sandbox
from bot.tryit.keyboard import Keyboard, LineSource, ScriptLines
from bot.tryit.render import STRING_SELECT, Controls, Renderer, form_fields
from loopback import interactions as ix
from loopback.world import DM, Message

HELP = """\
Type a slash command as in Discord, for example /help or /settings timezone zone:Europe/Berlin
  (Tab completes commands, options and choices; quote values with spaces: title:"Mix night";
  channels are #name, roles @Role, members @name). And these sandbox commands:
  click N              press button [N] of the last message shown
  select N a,b         choose options a and b (numbers or values) in [select N]
  fill                 answer the open form, field by field
  as NAME              act as another member: {members}
  read #channel [N]    the last N (default 5) messages in a channel
  dms [NAME]           the bot's direct messages to a member (default: you)
  clock [+1d|+3h|YYYY-MM-DD HH:MM]   move the bot's clock; what is due happens now
  help                 this list
  quit                 leave (Ctrl-D works too)"""

_STEP = re.compile(r"(\d+)([wdhm])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
QUIET_PERIOD = 0.05
"""Seconds without a new message after which the bot is taken to be done posting."""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Session:
    """One person at the sandbox: who they act as, and what they last saw."""

    def __init__(self, sandbox: Sandbox, width: int) -> None:
        self.sandbox = sandbox
        self.discord = sandbox.discord
        self.demo = sandbox.demo
        self.member = self.demo.members[MEMBERS[0]]  # a member, not a moderator
        self.book = CommandBook(self.discord, self.demo)
        self.renderer = Renderer(self.discord, width, sandbox.attachments)
        self.controls = Controls()
        self.modal: ix.Reply | None = None
        self.lines: LineSource | None = None
        self.filling = False
        self._loop = asyncio.get_running_loop()
        self._verbs: dict[str, Callable[[str], Awaitable[None]]] = {
            "click": self.click,
            "select": self.select,
            "fill": self.fill,
            "as": self.act_as,
            "read": self.read,
            "dms": self.dms,
            "clock": self.move_clock,
            "help": self.help,
        }

    @property
    def prompt(self) -> str:
        channel = self.discord.default_channel(self.demo.guild)
        return f"{self.member.user.username}@{self.demo.guild.name} #{channel.name}> "

    def say(self, *lines: str) -> None:
        print(*lines, sep="\n", flush=True)

    async def banner(self) -> None:
        guild = self.demo.guild
        channels = " ".join(f"#{c.name}" for c in guild.channels.values())
        self.say(
            "Producer bot sandbox: the real bot on a pretend Discord; nothing leaves this machine.",
            f"Server {guild.name}: {channels}",
            f"Members: {self.demo.who()}",
            f"Clock: {await self._local(self.sandbox.clock.now())}",
            f"Files: {self.sandbox.folder} (database, attachments, log)",
            "Type a slash command such as /help (Tab completes), or `help` for the sandbox's own.",
        )

    # -- the loop --------------------------------------------------------------------------

    async def run(self, lines: LineSource) -> str | None:
        """Carry out ``lines`` until ``quit`` or their end. A script stops at its first
        failing line: returns where and why; an interactive session just goes on."""
        self.lines = lines
        while (line := await lines.read(self.prompt)) is not None:
            if line.strip() in ("quit", "exit"):
                break
            try:
                await self.run_line(line.strip())
            except InputError as problem:
                self.say(f"! {problem}")
                if isinstance(lines, ScriptLines):
                    return f"{lines.where}: {problem}"
        return None

    async def run_line(self, line: str) -> None:
        verb, _, rest = line.partition(" ")
        if not line:
            return
        if line.startswith("/"):
            call = self.book.parse(line)
            await self._interact(
                self.discord.slash(call.command, member=self.member, options=call.options)
            )
        elif verb.lower() in self._verbs:
            await self._verbs[verb.lower()](rest.strip())
        else:
            raise InputError(
                f"{verb!r} is not a command: type a slash command such as /help, or `help`."
            )

    def complete(self, before: str, word: str) -> list[str]:
        """Tab completion of the word being typed after ``before``."""
        if self.filling:
            return []
        if before.lstrip().startswith("/"):
            return self.book.complete(before, word, self._autocomplete)
        verb = before.split()[0] if before.split() else ""
        if not verb:
            options = [f"/{c['name']} " for c in self.book.commands()]
            options += [f"{v} " for v in (*self._verbs, "quit")]
        elif verb in ("as", "dms"):
            options = [f"{name} " for name in self.demo.members]
        elif verb == "read":
            options = [f"#{c.name} " for c in self.demo.guild.channels.values()]
        elif verb == "clock":
            options = ["+1h ", "+1d ", "+7d "]
        else:
            options = []
        return [option for option in options if option.startswith(word)]

    def _autocomplete(
        self, path: list[str], option: str, typed: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Ask the bot for choices, from the keyboard's thread."""
        request = self.discord.autocomplete(
            " ".join(path), option, member=self.member, options=typed
        )
        return asyncio.run_coroutine_threadsafe(request, self._loop).result(timeout=10)

    # -- interactions ----------------------------------------------------------------------

    async def _interact(self, action: Awaitable[ix.Reply]) -> None:
        """Send an interaction, show the answer, and say what the bot posted elsewhere."""
        before = set(self.discord.messages)
        try:
            reply = await action
        except AssertionError:
            raise InputError(
                f"The bot gave no answer in time; its log is {self.sandbox.log_file}"
            ) from None
        except LookupError as error:
            raise InputError(str(error)) from None
        await self._settle()
        shown = await self._show_reply(reply)
        self._announce(
            [m for m in self._posted_since(before) if m.id not in shown and not m.ephemeral]
        )

    async def _settle(self) -> None:
        """Let the bot finish what follows an answer (follow-ups, posts elsewhere)."""
        while True:
            self.discord.message_posted.clear()
            try:
                await asyncio.wait_for(self.discord.message_posted.wait(), QUIET_PERIOD)
            except TimeoutError:
                return

    async def _show_reply(self, reply: ix.Reply) -> set[int]:
        if reply.record.callback_type == ix.MODAL:
            self.modal = reply
            self.say(*self.renderer.form(reply.modal))
            return set()
        message = reply.message
        messages = [message, *(m for m in reply.followups if m.id != message.id)]
        updated = reply.record.callback_type in (ix.UPDATE_MESSAGE, ix.DEFERRED_UPDATE_MESSAGE)
        await self._show(messages, "updated the message" if updated else "")
        return {m.id for m in messages}

    async def _show(self, messages: list[Message], note: str = "") -> None:
        await self.renderer.save_attachments(messages)
        controls = Controls()
        for message in messages:
            self.say(*self.renderer.message(message, controls, note))
        if controls.buttons or controls.selects:
            self.controls = controls

    def _posted_since(self, before: set[int]) -> list[Message]:
        return [
            message
            for message_id, message in list(self.discord.messages.items())
            if message_id not in before and not message.deleted
        ]

    def _by_place(self, messages: list[Message]) -> dict[str, list[Message]]:
        """``messages`` grouped by where they are: ``#channel``, or ``dms NAME``."""
        places: dict[str, list[Message]] = {}
        for message in messages:
            channel = self.discord.channels[message.channel_id]
            place = f"dms {channel.recipients[0].username}" if channel.type == DM else ""
            places.setdefault(place or f"#{channel.name}", []).append(message)
        return places

    def _announce(self, messages: list[Message]) -> None:
        for place, posted in self._by_place(messages).items():
            command = f"read {place}" if place.startswith("#") else place
            where = place.replace("dms ", "a DM to ")
            self.say(f"→ The bot posted {_count(len(posted), 'message')} in {where}: `{command}`")

    # -- the sandbox's commands ------------------------------------------------------------

    @staticmethod
    def _number(text: str, available: int, what: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= available:
            if not available:
                raise InputError(f"No {what} is shown: run a command that shows one first.")
            raise InputError(f"Give a {what} number from 1 to {available}.")
        return int(text)

    async def click(self, argument: str) -> None:
        message, button = self.controls.buttons[
            self._number(argument, len(self.controls.buttons), "button") - 1
        ]
        if "custom_id" not in button:
            raise InputError(f"That button opens a link: {button.get('url')}")
        if button.get("disabled"):
            raise InputError(f"The button {button.get('label') or argument!r} is disabled.")
        await self._interact(self.discord.click(message, button["custom_id"], member=self.member))

    async def select(self, argument: str) -> None:
        number, _, wanted = argument.partition(" ")
        message, index = self.controls.selects[
            self._number(number, len(self.controls.selects), "select menu") - 1
        ]
        menu = message.selects()[index]
        if menu["type"] != STRING_SELECT:
            raise InputError("Menus of members, roles or channels are not supported here yet.")
        options = menu.get("options") or []
        values = []
        for token in (t.strip() for t in wanted.split(",") if t.strip()):
            if token.isdigit() and 1 <= int(token) <= len(options):
                values.append(options[int(token) - 1]["value"])
                continue
            found = [
                o["value"]
                for o in options
                if token.lower() in (o["value"].lower(), o["label"].lower())
            ]
            if not found:
                raise InputError(f"{token!r} is not an option of select {number}.")
            values += found[:1]
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(values) <= high:
            raise InputError(f"Choose {low} to {high} options, for example: select {number} 1")
        await self._interact(self.discord.select(message, values, member=self.member, index=index))

    async def fill(self, _: str) -> None:
        if self.modal is None or self.lines is None:
            raise InputError("No form is open: a command or button opens one.")
        modal, answers = self.modal, {}
        self.filling = True
        try:
            for field in form_fields(modal.modal):
                answer = await self.lines.read(f"  {field.label}: ")
                if answer is None:
                    raise InputError("The input ended before the form was filled in.")
                if problem := field.check(answer.strip() or field.value):
                    raise InputError(f"{problem}: the form was not sent (`fill` starts again).")
                answers[field.custom_id] = answer.strip() or field.value
        finally:
            self.filling = False
        self.modal = None
        await self._interact(self.discord.submit(modal, answers, member=self.member))

    async def act_as(self, name: str) -> None:
        member = self.demo.member(name)
        if member is None:
            raise InputError(f"No member called {name!r}. Members: {self.demo.who()}.")
        self.member, self.modal = member, None
        self.say(f"You are now {member.user.username}.")

    async def read(self, argument: str) -> None:
        words = argument.split()
        count = int(words.pop()) if len(words) > 1 and words[-1].isdigit() else 5
        name = " ".join(words)
        channel = self.demo.channel(name)
        if channel is None:
            channels = " ".join(f"#{c.name}" for c in self.demo.guild.channels.values())
            raise InputError(f"No channel {name or '(none given)'!r}. Channels: {channels}")
        messages = self.discord.channel_messages(channel)
        shown = messages[-count:] if count else []
        earlier = f", the last {len(shown)} shown" if len(shown) < len(messages) else ""
        self.say(f"#{channel.name}: {_count(len(messages), 'message')}{earlier}")
        await self._show(shown)

    async def dms(self, name: str) -> None:
        member = self.demo.member(name) if name else self.member
        if member is None:
            raise InputError(f"No member called {name!r}. Members: {self.demo.who()}.")
        messages = self.discord.dms(member.user)
        self.say(f"Direct messages to {member.user.username}: {len(messages) or 'none yet'}")
        await self._show(messages)

    async def move_clock(self, argument: str) -> None:
        clock = self.sandbox.clock
        if not argument:
            self.say(f"Clock: {await self._local(clock.now())}")
            return
        target = await self._when(argument)
        if target < clock.now():
            raise InputError(
                f"The clock only moves forward; it is {await self._local(clock.now())}."
            )
        before = set(self.discord.messages)
        clock.set(target)
        await self.sandbox.bot.scheduler.run_due()
        await self._settle()
        posted = [m for m in self._posted_since(before) if not m.ephemeral]
        self.say(f"Clock: {await self._local(clock.now())}")
        if not posted:
            self.say("Nothing was due: the bot posted nothing.")
        for place, messages in self._by_place(posted).items():
            self.say(f"In {place.replace('dms ', 'a DM to ')}:")
            await self._show(messages)

    async def _when(self, text: str) -> datetime:
        now = self.sandbox.clock.now()
        if text.startswith("+"):
            steps = _STEP.findall(text[1:])
            if not steps or "".join(n + u for n, u in steps) != text[1:]:
                raise InputError("Move the clock by +30m, +3h, +1d, +2w (or +1d12h).")
            return now + sum(
                (timedelta(**{_UNITS[unit]: int(n)}) for n, unit in steps), timedelta()
            )
        zone = (await self.sandbox.bot.services.guild_settings.get(self.demo.guild.id)).zone
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=zone)
            except ValueError:
                continue
        raise InputError("Give a time like 2026-12-24 19:00 (the server's time zone) or +1d.")

    async def _local(self, moment: datetime) -> str:
        config = await self.sandbox.bot.services.guild_settings.get(self.demo.guild.id)
        local = moment.astimezone(config.zone).strftime("%a %Y-%m-%d %H:%M")
        utc = "" if config.timezone == "UTC" else f" ({moment.strftime('%H:%M')} UTC)"
        return f"{local} {config.timezone}{utc}"

    async def help(self, _: str) -> None:
        self.say(HELP.format(members=", ".join(self.demo.members)))


async def run(settings: Settings, script: Path | None) -> None:
    """``python -m bot sandbox [--script FILE]``. A failing script line, or content that
    does not load, ends the program with one line and exit code 1."""
    lines = None
    if script is not None:
        try:
            text = await asyncio.to_thread(script.read_text, encoding="utf-8")
        except OSError as error:
            raise SystemExit(f"Cannot read the script {script}: {error.strerror}") from None
        lines = ScriptLines(str(script), text.splitlines())
    width = max(48, min(100, shutil.get_terminal_size((88, 24)).columns))
    try:
        async with open_sandbox(settings) as sandbox:
            session = Session(sandbox, width)
            await session.banner()
            if lines is not None:
                failure = await session.run(lines)
            else:
                with Keyboard(session.complete) as keyboard:
                    failure = await session.run(keyboard)
    except ContentError as error:
        raise SystemExit(f"Content problem: {error}") from None
    if failure:
        raise SystemExit(f"The script stopped at {failure}")
