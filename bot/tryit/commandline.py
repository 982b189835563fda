"""Slash commands typed as in Discord (``/settings channel feature:suggestions
channel:#suggestions``): parsed against the commands the bot registered, and completed."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.tryit.demo import DemoGuild
from loopback import interactions as ix
from loopback.server import LoopbackDiscord
from loopback.world import Member

_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}

Definition = dict[str, Any]
Autocomplete = Callable[[list[str], str, dict[str, Any]], list[dict[str, Any]]]
"""Asks the bot for choices: (command path, focused option, options typed so far)."""


class InputError(Exception):
    """A line the sandbox cannot carry out; its text is the one line the person reads."""


@dataclass(frozen=True)
class LocalFile:
    """A file on this machine given for an attachment option (``file:./take.wav``); the
    session reads and uploads it as Discord's client would."""

    path: Path


@dataclass
class SlashCall:
    path: list[str]
    options: dict[str, Any]

    @property
    def command(self) -> str:
        return " ".join(self.path)


def split_words(line: str) -> list[str]:
    """Words separated by spaces; double quotes keep spaces (``title:"Mix night"``)."""
    if line.count('"') % 2:
        raise InputError('A double quote (") is not closed.')
    return [word.replace('"', "") for word in _TOKEN.findall(line)]


def quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


def _subcommands(node: Definition) -> list[Definition]:
    kinds = (ix.SUB_COMMAND, ix.SUB_COMMAND_GROUP)
    return [o for o in node.get("options") or [] if o["type"] in kinds]


def _names(items: list[Definition], prefix: str = "") -> str:
    return ", ".join(prefix + item["name"] for item in items)


class CommandBook:
    """The commands registered on the loopback Discord, as the demo guild's members see
    them; resolves option values (``#channel``, ``@Role``, ``@member``) in that guild."""

    def __init__(self, discord: LoopbackDiscord, demo: DemoGuild) -> None:
        self._discord = discord
        self._demo = demo
        self.viewer: Member | None = None
        """Who is typing: channel options offer only the channels they can see."""

    def commands(self) -> list[Definition]:
        registered = self._discord.commands + self._discord.guild_commands.get(
            self._demo.guild.id, []
        )
        return sorted((c for c in registered if c.get("type", 1) == 1), key=lambda c: c["name"])

    def _walk(self, words: list[str]) -> tuple[list[str], Definition, list[str]]:
        """The command path at the start of ``words``, its definition, and the rest."""
        name = words[0].lstrip("/").lower()
        node = next((c for c in self.commands() if c["name"] == name), None)
        if node is None:
            raise InputError(f"There is no command /{name}. Commands: {self._command_list()}.")
        path, rest = [name], words[1:]
        while children := _subcommands(node):
            if not rest:
                raise InputError(f"/{' '.join(path)} needs one of: {_names(children)}.")
            child = next((c for c in children if c["name"] == rest[0].lower()), None)
            if child is None:
                raise InputError(
                    f"/{' '.join(path)} has no {rest[0]!r}; it has: {_names(children)}."
                )
            node, path, rest = child, [*path, child["name"]], rest[1:]
        return path, node, rest

    def _command_list(self) -> str:
        return _names(self.commands(), "/")

    def parse(self, line: str) -> SlashCall:
        """``/command sub name:value ...`` as the options ``LoopbackDiscord.slash`` takes."""
        words = split_words(line)
        path, node, rest = self._walk(words)
        known = {option["name"]: option for option in node.get("options") or []}
        options: dict[str, Any] = {}
        for word in rest:
            name, colon, text = word.partition(":")
            option = known.get(name.lower())
            if not colon or option is None:
                listed = ", ".join(f"{n}:" for n in known) or "none"
                raise InputError(
                    f"/{' '.join(path)}: {word!r} is not an option (options: {listed})."
                )
            if option["name"] in options:
                raise InputError(f"The option {name}: is given twice.")
            if not text:
                raise InputError(f"{name}: needs a value after the colon.")
            options[option["name"]] = self.value(option, text)
        missing = [n for n, o in known.items() if o.get("required") and n not in options]
        if missing:
            needed = " ".join(f"{n}:…" for n in missing)
            raise InputError(f"/{' '.join(path)} needs {needed}")
        return SlashCall(path, options)

    def value(self, option: Definition, text: str) -> Any:
        """``text`` as the value of ``option``, checked as Discord's client checks it."""
        name, kind = option["name"], option["type"]
        if choices := option.get("choices"):
            for choice in choices:
                if text.lower() in (str(choice["value"]).lower(), choice["name"].lower()):
                    return choice["value"]
            listed = ", ".join(quoted(choice["name"]) for choice in choices)
            raise InputError(f"{name}: must be one of {listed}.")
        if kind == ix.STRING:
            return self._string(option, text)
        if kind in (ix.INTEGER, ix.NUMBER):
            return self._number(option, text)
        if kind == ix.BOOLEAN:
            if text.lower() not in _TRUE | _FALSE:
                raise InputError(f"{name}: answer true or false.")
            return text.lower() in _TRUE
        return self._mention(option, text)

    @staticmethod
    def _string(option: Definition, text: str) -> str:
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        if not low <= len(text) <= high:
            raise InputError(f"{option['name']}: needs {low} to {high} characters.")
        return text

    @staticmethod
    def _number(option: Definition, text: str) -> float | int:
        convert = int if option["type"] == ix.INTEGER else float
        try:
            number = convert(text)
        except ValueError:
            raise InputError(f"{option['name']}: {text!r} is not a number.") from None
        low, high = option.get("min_value"), option.get("max_value")
        if (low is not None and number < low) or (high is not None and number > high):
            raise InputError(f"{option['name']}: must be between {low} and {high}.")
        return number

    def _mention(self, option: Definition, text: str) -> Any:
        name, kind, demo = option["name"], option["type"], self._demo
        if kind == ix.ATTACHMENT:
            return LocalFile(Path(text).expanduser())
        if kind == ix.CHANNEL:
            if found := demo.channel(text, self.viewer):
                return found
            channels = ", ".join(demo.channel_list(self.viewer).split())
            raise InputError(f"{name}: no channel {text!r}. Channels: {channels}.")
        if kind in (ix.USER, ix.MENTIONABLE) and (member := demo.member(text)):
            return member
        if kind in (ix.ROLE, ix.MENTIONABLE) and (role := demo.role(text)):
            return role
        if kind == ix.USER:
            raise InputError(f"{name}: no member {text!r}. Members: {demo.who()}.")
        what = "role" if kind == ix.ROLE else "role or member"
        raise InputError(f"{name}: no {what} {text!r}. Roles: {', '.join(demo.role_names())}.")

    # -- completion ------------------------------------------------------------------------

    def complete(self, before: str, word: str, autocomplete: Autocomplete) -> list[str]:
        """What may replace ``word``, typed after ``before`` on a slash-command line."""
        words = split_words(before)
        if not words:
            return [f"/{c['name']} " for c in self.commands() if f"/{c['name']}".startswith(word)]
        named = self._named(words)
        if named is not None and _subcommands(named):
            return [f"{c['name']} " for c in _subcommands(named) if c["name"].startswith(word)]
        try:
            path, node, rest = self._walk(words)
        except InputError:
            return []
        known = {option["name"]: option for option in node.get("options") or []}
        name, colon, partial = word.partition(":")
        if not colon:
            used = {w.partition(":")[0] for w in rest}
            return [f"{n}:" for n in known if n.startswith(word) and n not in used]
        option = known.get(name)
        if option is None:
            return []
        if option.get("autocomplete"):
            typed = {**self._typed(known, rest), option["name"]: partial}
            values = [str(c["value"]) for c in autocomplete(path, option["name"], typed)]
        else:
            values = self._values(option)
        starting = [v for v in values if v.lower().startswith(partial.lower())]
        if not starting and len(values) == 1:
            starting = values  # the bot matched inside the name: "berl" for Europe/Berlin
        return [f"{name}:{quoted(value)} " for value in starting]

    def _named(self, words: list[str]) -> Definition | None:
        """The command, group or subcommand that ``words`` name exactly, if any."""
        node = next((c for c in self.commands() if f"/{c['name']}" == words[0]), None)
        for word in words[1:]:
            if node is None:
                return None
            node = next((c for c in _subcommands(node) if c["name"] == word), None)
        return node

    def _typed(self, known: dict[str, Definition], rest: list[str]) -> dict[str, Any]:
        """The options already typed whose values are valid."""
        typed: dict[str, Any] = {}
        for word in rest:
            name, _, text = word.partition(":")
            if name in known:
                try:
                    typed[name] = self.value(known[name], text)
                except InputError:
                    continue
        return typed

    def _values(self, option: Definition) -> list[str]:
        if choices := option.get("choices"):
            return [str(choice["name"]) for choice in choices]
        kind = option["type"]
        values = []
        if kind == ix.BOOLEAN:
            values = ["true", "false"]
        if kind == ix.CHANNEL:
            values = [label for label, _ in self._demo.places(self.viewer)]
        if kind in (ix.USER, ix.MENTIONABLE):
            values += [f"@{name}" for name in self._demo.members]
        if kind in (ix.ROLE, ix.MENTIONABLE):
            values += self._demo.role_names()
        return values
