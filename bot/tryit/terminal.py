"""``python -m bot sandbox``: the real bot on the loopback Discord, driven from a terminal.

A person types slash commands as in Discord and the sandbox's own commands (``click``,
``fill``, ``as``, ``read``, ``clock``, ``role`` …); ``--script FILE`` runs such lines and
prints the transcript.
"""

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.content import ContentError
from bot.settings import Settings
from bot.tryit.clockwork import Timekeeper
from bot.tryit.commandline import CommandBook, InputError, LocalFile
from bot.tryit.demo import MEMBERS, Sandbox, open_sandbox
from bot.tryit.forms import FormFiller, pick
from bot.tryit.keyboard import Keyboard, LineSource, ScriptLines
from bot.tryit.render import Controls, Renderer
from bot.tryit.roles import RoleDesk
from bot.web import base_url
from bot.web import serving as web_dashboard
from bot.web.discord_api import OAuthClient
from loopback import interactions as ix
from loopback.world import DM, Message

HELP = """\
Type a slash command as in Discord, for example /help or /settings timezone zone:Europe/Berlin
  (Tab completes commands, options and choices; quote values with spaces: title:"Mix night";
  channels are #name, roles @Role, members @name, files a path: file:./take.wav).
  And these sandbox commands:
  click N              press button [N] of the last message shown
  select N a,b         choose a and b in [select N]: numbers, names, @members, @Roles, #channels
  fill                 answer the open form, field by field (a paragraph takes several lines
                       between two lines of \"\"\"; a file upload takes a path)
  as NAME              act as another member: {members}
  read [#channel] [N]  the last N (default 5) messages in a channel or thread you can see
                       (without a name: where the bot last posted something new)
  dms [NAME]           the bot's direct messages to a member (default: you)
  clock [+30s|+5m|+1d|YYYY-MM-DD HH:MM]   move the bot's clock; what is due happens now
  clock run [SPEED]    let time run (SPEED times real time, default 1); clock stop
  role [new NAME | give @Role @name | take @Role @name]   roles, as in Discord's settings
  help                 this list
  quit                 leave (Ctrl-D works too)"""

QUIET_PERIOD = 0.05
"""Seconds without a new message after which the bot is taken to be done posting."""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Session:
    """One person at the sandbox: who they act as, and what they last saw."""

    def __init__(self, sandbox: Sandbox, width: int, here: Path | None = None) -> None:
        self.sandbox = sandbox
        self.discord = sandbox.discord
        self.demo = sandbox.demo
        self.member = self.demo.members[MEMBERS[0]]  # a member, not a moderator
        self.book = CommandBook(self.discord, self.demo)
        self.book.viewer = self.member
        self.renderer = Renderer(self.discord, width, sandbox.attachments)
        self.controls = Controls()
        self.modal: ix.Reply | None = None
        self.lines: LineSource | None = None
        self.here = here or Path.cwd()
        """Where relative file paths start: the script's folder, or the working folder."""
        self.filling = False
        self.keyboard: Keyboard | None = None
        self.time = Timekeeper(sandbox, self._background)
        self.roles = RoleDesk(self.discord, self.demo)
        self._known = set(self.discord.messages)
        """Messages the person was shown or told about (or that predate the session)."""
        self._last_place = ""
        """The last channel or thread the person was told the bot posted in."""
        self._busy = asyncio.Lock()
        self._loop = asyncio.get_running_loop()
        self._verbs: dict[str, Callable[[str], Awaitable[None]]] = {
            "click": self.click,
            "select": self.select,
            "fill": self.fill,
            "as": self.act_as,
            "read": self.read,
            "dms": self.dms,
            "clock": self.move_clock,
            "role": self.role,
            "help": self.help,
        }

    @property
    def prompt(self) -> str:
        channel = self.discord.default_channel(self.demo.guild)
        return f"{self.member.user.username}@{self.demo.guild.name} #{channel.name}> "

    def say(self, *lines: str) -> None:
        if self.keyboard is not None:
            self.keyboard.interrupt(lines)
        else:
            print(*lines, sep="\n", flush=True)

    async def banner(self) -> None:
        guild = self.demo.guild
        self.say(
            "Producer bot sandbox: the real bot on a pretend Discord; nothing leaves this machine.",
            f"Server {guild.name}: {self.demo.channel_list()}",
            f"Members: {self.demo.who()}",
            f"Clock: {await self.time.local(self.sandbox.clock.now())}",
            f"Files: {self.sandbox.folder} (database, attachments, log; removed when you leave)",
            "Type a slash command such as /help (Tab completes), or `help` for the sandbox's own.",
        )

    # -- the loop --------------------------------------------------------------------------

    async def run(self, lines: LineSource) -> str | None:
        """Carry out ``lines`` until ``quit`` or their end. A script stops at its first
        failing line: returns where and why; an interactive session just goes on."""
        self.lines = lines
        try:
            while True:
                async with self._busy:
                    await self.tell_new()
                line = await lines.read(self.prompt)
                if line is None or line.strip() in ("quit", "exit"):
                    break
                try:
                    async with self._busy:
                        await self.run_line(line.strip())
                except InputError as problem:
                    self.say(f"! {problem}")
                    if isinstance(lines, ScriptLines):
                        return f"{lines.where}: {problem}"
        finally:
            await self.time.stop()
        return None

    async def run_line(self, line: str) -> None:
        verb, _, rest = line.partition(" ")
        if not line:
            return
        if line.startswith("/"):
            call = self.book.parse(line)
            for name, value in call.options.items():
                if isinstance(value, LocalFile):
                    call.options[name] = await self._filler().attach(value.path)
            await self._interact(
                self.discord.slash(call.command, member=self.member, options=call.options)
            )
        elif verb.lower() in self._verbs:
            await self._verbs[verb.lower()](rest.strip())
        else:
            raise InputError(
                f"{verb!r} is not a command: type a slash command such as /help, or `help`."
            )

    def _filler(self) -> FormFiller:
        assert self.lines is not None
        return FormFiller(self.lines, self.discord, self.demo, self.here)

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
            options = [f"{label} " for label, _ in self.demo.places(self.member)]
        elif verb == "clock":
            options = ["+30s ", "+5m ", "+1h ", "+1d ", "+7d ", "run ", "stop "]
        elif verb == "role":
            options = ["new ", "give ", "take ", *(f"{r} " for r in self.demo.role_names())]
            options += [f"@{name} " for name in self.demo.members]
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
        try:
            reply = await action
        except AssertionError:
            raise InputError(
                f"The bot gave no answer in time; its log is {self.sandbox.log_file}"
            ) from None
        except LookupError as error:
            raise InputError(str(error)) from None
        await self._settle()
        self._known |= await self._show_reply(reply)
        await self.tell_new()

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

    def _sees(self, message: Message) -> bool:
        """Whether the acting member would see ``message`` in Discord."""
        channel = self.discord.channels[message.channel_id]
        if channel.type == DM:
            return channel.recipients[0].id == self.member.id
        return not message.ephemeral and self.demo.guild.can_see(self.member, channel)

    def _reachable(self, message: Message) -> Message:
        """``message``, if the acting member sees it and so may use its buttons and menus."""
        record = self.discord.interactions.get(message.interaction_id or 0)
        mine = record is not None and record.user.id == self.member.id
        if (message.ephemeral and not mine) or not (message.ephemeral or self._sees(message)):
            raise InputError(
                f"{self.member.user.username} cannot see that message: "
                f"`read` a channel, or act `as` the member it was shown to."
            )
        return message

    def _unseen(self) -> list[Message]:
        """New messages the acting member can see and was not told about yet; a message
        they cannot see waits until someone who can acts."""
        return [
            message
            for message_id, message in list(self.discord.messages.items())
            if message_id not in self._known and not message.deleted and self._sees(message)
        ]

    def _place(self, message: Message) -> str:
        """Where ``message`` is: ``#channel`` (as ``read`` takes it), or ``dms NAME``."""
        channel = self.discord.channels[message.channel_id]
        if channel.type == DM:
            return f"dms {channel.recipients[0].username}"
        return self.demo.label(channel)

    async def tell_new(self) -> None:
        """One line per place where the bot posted something new the member can see."""
        places: dict[str, list[Message]] = {}
        for message in self._unseen():
            self._known.add(message.id)
            places.setdefault(self._place(message), []).append(message)
        for place, posted in places.items():
            self._last_place = place if place.startswith("#") else self._last_place
            command = f"read {place}" if place.startswith("#") else place
            where = place.replace("dms ", "a DM to ")
            self.say(f"→ The bot posted {_count(len(posted), 'message')} in {where}: `{command}`")

    async def _background(self) -> None:
        """After a tick of a running clock: tell what was posted, unless a line is running."""
        if not self._busy.locked():
            async with self._busy:
                await self._settle()
                await self.tell_new()

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
        self._reachable(message)
        await self._interact(self.discord.click(message, button["custom_id"], member=self.member))

    async def select(self, argument: str) -> None:
        number, _, wanted = argument.partition(" ")
        message, index = self.controls.selects[
            self._number(number, len(self.controls.selects), "select menu") - 1
        ]
        menu = self._reachable(message).selects()[index]
        if menu.get("disabled"):
            raise InputError(f"Select {number} is disabled.")
        values = pick(menu, wanted, self.demo, self.member)
        await self._interact(self.discord.select(message, values, member=self.member, index=index))

    async def fill(self, _: str) -> None:
        if self.modal is None or self.lines is None:
            raise InputError("No form is open: a command or button opens one.")
        modal = self.modal
        self.filling = True
        try:
            answers = await self._filler().answers(modal.modal, self.member)
        finally:
            self.filling = False
        self.modal = None
        await self._interact(self.discord.submit(modal, answers, member=self.member))

    async def act_as(self, name: str) -> None:
        member = self.demo.member(name)
        if member is None:
            raise InputError(f"No member called {name!r}. Members: {self.demo.who()}.")
        self.member, self.modal = member, None
        self.book.viewer = member
        self.say(f"You are now {member.user.username}.")

    async def read(self, argument: str) -> None:
        words = argument.split()
        count = int(words.pop()) if len(words) > 1 and words[-1].isdigit() else 5
        if words and words[0].isdigit():
            count = int(words.pop())
        name = " ".join(words) or self._last_place
        channel = self.demo.channel(name, self.member)
        if channel is None:
            channels = self.demo.channel_list(self.member)
            raise InputError(f"No channel {name or '(none given)'!r}. Channels: {channels}")
        messages = self.discord.channel_messages(channel)
        shown = messages[-count:] if count else []
        earlier = f", the last {len(shown)} shown" if len(shown) < len(messages) else ""
        self.say(f"{self.demo.label(channel)}: {_count(len(messages), 'message')}{earlier}")
        self._known |= {m.id for m in messages}
        await self._show(shown)

    async def dms(self, name: str) -> None:
        member = self.demo.member(name) if name else self.member
        if member is None:
            raise InputError(f"No member called {name!r}. Members: {self.demo.who()}.")
        messages = self.discord.dms(member.user)
        self.say(f"Direct messages to {member.user.username}: {len(messages) or 'none yet'}")
        if member.id == self.member.id:
            self._known |= {m.id for m in messages}
        await self._show(messages)

    async def move_clock(self, argument: str) -> None:
        clock, time = self.sandbox.clock, self.time
        verb, _, speed = argument.partition(" ")
        if verb == "run":
            if speed and not speed.removeprefix("x").isdigit():
                raise InputError("Run the clock at a whole speed: clock run 60")
            time.start(float(speed.removeprefix("x") or 1))
            self.say(
                f"The clock runs at {time.speed:g}x real time from "
                f"{await time.local(clock.now())}; `clock stop` stops it."
            )
            return
        if verb == "stop":
            await time.stop()
        if not argument or verb == "stop":
            running = f", running at {time.speed:g}x real time" if time.running else ""
            self.say(f"Clock: {await time.local(clock.now())}{running}")
            return
        await time.move_to(await time.when(argument))
        await self._settle()
        posted = self._unseen()
        self._known |= {m.id for m in posted}
        self.say(f"Clock: {await time.local(clock.now())}")
        if not posted:
            self.say("Nothing was due: the bot posted nothing you can see.")
        places: dict[str, list[Message]] = {}
        for message in posted:
            places.setdefault(self._place(message), []).append(message)
        for place, messages in places.items():
            self._last_place = place if place.startswith("#") else self._last_place
            self.say(f"In {place.replace('dms ', 'a DM to ')}:")
            await self._show(messages)

    async def role(self, argument: str) -> None:
        self.say(*self.roles.run(self.member, argument))

    async def help(self, _: str) -> None:
        self.say(HELP.format(members=", ".join(self.demo.members)))


@contextlib.asynccontextmanager
async def _dashboard(sandbox: Sandbox, settings: Settings, wanted: bool) -> AsyncIterator[None]:
    """With ``wanted``, the web dashboard on ``WEB_PORT`` for the sandbox's server: the
    loopback Discord's sign-in page lists the members to sign in as."""
    if not wanted:
        yield
        return
    discord = sandbox.discord
    redirect = base_url(settings) + "/callback"
    oauth = OAuthClient(str(discord.application_id), discord.oauth2.client_secret, redirect)
    try:
        serving = web_dashboard(sandbox.bot.app, settings, discord.base_url, oauth, discord.token)
        async with serving as address:
            print(f"Dashboard: {address} (sign in as any member of the server)")
            yield
    except OSError as error:
        raise SystemExit(f"WEB_PORT {settings.web_port} cannot be used: {error.strerror}") from None


async def run(settings: Settings, script: Path | None, dashboard: bool = False) -> None:
    """``python -m bot sandbox [--script FILE] [--dashboard]``. A failing script line, or
    content that does not load, ends the program with one line and exit code 1."""
    lines = None
    if script is not None:
        try:
            text = await asyncio.to_thread(script.read_text, encoding="utf-8")
        except OSError as error:
            raise SystemExit(f"Cannot read the script {script}: {error.strerror}") from None
        lines = ScriptLines(str(script), text.splitlines())
    width = max(48, min(100, shutil.get_terminal_size((88, 24)).columns))
    try:
        async with open_sandbox(settings) as sandbox, _dashboard(sandbox, settings, dashboard):
            if lines is not None and script is not None:
                session = Session(sandbox, width, Path.cwd() / script.parent)
                await session.banner()
                failure = await session.run(lines)
            else:
                session = Session(sandbox, width)
                await session.banner()
                with Keyboard(session.complete) as keyboard:
                    session.keyboard = keyboard
                    failure = await session.run(keyboard)
    except ContentError as error:
        raise SystemExit(f"Content problem: {error}") from None
    if failure:
        raise SystemExit(f"The script stopped at {failure}")
