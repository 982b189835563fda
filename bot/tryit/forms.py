"""Forms (Discord's modals) and menus in a terminal: the fields of every kind a modal can
hold (text, select menus of options, members, roles or channels, file uploads), and how a
person's typed answer becomes what Discord's client would send."""

import asyncio
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.tryit.commandline import InputError
from bot.tryit.demo import DemoGuild
from bot.tryit.keyboard import LineSource
from loopback.server import LoopbackDiscord
from loopback.world import Attachment, Member

ACTION_ROW, TEXT_INPUT, TEXT_DISPLAY, LABEL = 1, 4, 10, 18
STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 3, 5, 6, 7, 8
FILE_UPLOAD = 19
SELECTS = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)
MULTILINE = '"""'
"""A line of just this starts an answer of several lines; the next such line ends it."""
UPLOAD_LIMIT = 10 * 1024 * 1024
"""The upload size Discord allows a member without boosts (the loopback says the same)."""

_WHAT = {
    USER_SELECT: "members (@name)",
    ROLE_SELECT: "roles (@Role)",
    MENTIONABLE_SELECT: "members or roles (@name)",
    CHANNEL_SELECT: "channels (#name)",
}


@dataclass(frozen=True)
class FormField:
    """One field of a modal: a text input, a select menu or a file upload."""

    label: str
    custom_id: str
    kind: int = TEXT_INPUT
    required: bool = True
    paragraph: bool = False
    min_length: int = 0
    max_length: int = 4000
    placeholder: str = ""
    value: str = ""
    description: str = ""
    menu: dict[str, Any] = field(default_factory=dict)
    """The select or upload component itself, for picking from it."""

    def check(self, answer: str) -> str | None:
        """Why Discord's client would not send the text ``answer``, if it would not."""
        if not answer and self.required:
            return f"{self.label} is required"
        if answer and not self.min_length <= len(answer) <= self.max_length:
            return f"{self.label} needs {self.min_length} to {self.max_length} characters"
        return None

    def traits(self) -> str:
        """How the field is answered, in a few words."""
        need = "required" if self.required else "optional"
        if self.kind == TEXT_INPUT:
            shape = ", paragraph" if self.paragraph else ""
            return f"{need}{shape}, up to {self.max_length} characters"
        low, high = picks(self.menu, self.required)
        if self.kind == FILE_UPLOAD:
            files = "a file" if high == 1 else f"up to {high} files"
            return f"{need}, {files}: a path on this machine"
        count = f"pick {low}" if low == high else f"pick {low} to {high}"
        return f"{need}, {count}" + (f" {_WHAT[self.kind]}" if self.kind in _WHAT else "")

    def prompt(self) -> str:
        if self.kind == TEXT_INPUT:
            return f"  {self.label}: "
        return f"  {self.label} ({self.traits().split(', ', 1)[1]}): "


def picks(menu: dict[str, Any], required: bool = True) -> tuple[int, int]:
    """How many values a menu or upload takes: (at least, at most)."""
    low = menu.get("min_values", 1 if required else 0)
    return (low if required else 0), menu.get("max_values", 1)


def form_fields(modal: dict[str, Any]) -> list[FormField]:
    """The fields of a modal, in order (rows of one input, or labelled components)."""
    found = []
    for row in modal.get("components") or []:
        inner = row["component"] if row.get("type") == LABEL else (row.get("components") or [{}])[0]
        kind = inner.get("type")
        if kind not in (TEXT_INPUT, FILE_UPLOAD, *SELECTS):
            continue
        required = inner.get("required", True) and (kind == TEXT_INPUT or picks(inner)[0] > 0)
        found.append(
            FormField(
                label=row.get("label") or inner.get("label") or "Answer",
                custom_id=inner["custom_id"],
                kind=kind,
                required=required,
                paragraph=inner.get("style") == 2,
                min_length=inner.get("min_length", 0),
                max_length=inner.get("max_length", 4000),
                placeholder=inner.get("placeholder") or "",
                value=inner.get("value") or "",
                description=row.get("description") or "",
                menu=inner,
            )
        )
    return found


def form_texts(modal: dict[str, Any]) -> list[str]:
    """The read-only text a modal shows between its fields."""
    return [
        row.get("content") or "" for row in modal.get("components") or [] if row.get("type") == 10
    ]


def pick(
    menu: dict[str, Any], text: str, demo: DemoGuild, viewer: Member, *, required: bool = True
) -> list[Any]:
    """What ``text`` chooses in ``menu``: option values (by number, value or label) for a
    menu of options; members, roles or channels (by @name or #name) for the others.
    Empty text keeps the menu's defaults."""
    kind, options = menu.get("type"), menu.get("options") or []
    tokens = [token.strip() for token in text.split(",") if token.strip()]
    chosen: list[Any] = []
    if not tokens and kind == STRING_SELECT:
        chosen = [o["value"] for o in options if o.get("default")]
    for token in tokens:
        chosen.append(_one(kind, options, token, demo, viewer))
    low, high = picks(menu, required)
    if not low <= len(chosen) <= high:
        raise InputError(f"Choose {low} to {high} (numbers or names, separated by commas).")
    return chosen


def _one(
    kind: Any, options: list[dict[str, Any]], token: str, demo: DemoGuild, viewer: Member
) -> Any:
    if kind == STRING_SELECT:
        if token.isdigit() and 1 <= int(token) <= len(options):
            return options[int(token) - 1]["value"]
        for option in options:
            if token.lower() in (option["value"].lower(), option["label"].lower()):
                return option["value"]
        starting = [o for o in options if o["label"].lower().startswith(token.lower())]
        if len(starting) == 1:
            return starting[0]["value"]
        listed = ", ".join(o["label"] for o in options)
        raise InputError(f"{token!r} is not an option. Options: {listed}.")
    if kind in (USER_SELECT, MENTIONABLE_SELECT) and (member := demo.member(token)):
        return member
    if kind in (ROLE_SELECT, MENTIONABLE_SELECT) and (role := demo.role(token)):
        return role
    if kind == CHANNEL_SELECT and (channel := demo.channel(token, viewer)):
        return channel
    if kind == CHANNEL_SELECT:
        raise InputError(f"No channel {token!r}. Channels: {demo.channel_list(viewer)}.")
    if kind == ROLE_SELECT:
        raise InputError(f"No role {token!r}. Roles: {', '.join(demo.role_names())}.")
    raise InputError(f"No member {token!r}. Members: {demo.who()}.")


def local_path(text: str) -> Path:
    """A path as typed, ``~`` expanded."""
    return Path(text.strip()).expanduser()


def read_file(path: Path) -> bytes:
    """The bytes of a file a member attaches, or one line saying why not (blocking: call it
    in a thread)."""
    path = path.expanduser()
    try:
        size = path.stat().st_size
        if size > UPLOAD_LIMIT:
            raise InputError(f"{path.name} is {size / 2**20:.1f} MB; Discord takes up to 10 MB.")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder: give a file.") from None
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.") from None


def upload(discord: LoopbackDiscord, path: Path, data: bytes) -> Attachment:
    """``data`` attached as Discord's client attaches a file: its name and guessed type."""
    content_type = mimetypes.guess_type(path.name)[0]
    return discord.upload(path.name, data, content_type)


class FormFiller:
    """Reads the answers to a form from the person's lines, field by field, as Discord's
    client would send them: text, chosen values, or files uploaded from this machine."""

    def __init__(
        self, lines: LineSource, discord: LoopbackDiscord, demo: DemoGuild, here: Path
    ) -> None:
        self.lines, self.discord, self.demo, self.here = lines, discord, demo, here

    async def answers(self, modal: dict[str, Any], member: Member) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for item in form_fields(modal):
            line = await self._line(item.prompt())
            if item.kind == TEXT_INPUT:
                answers[item.custom_id] = await self._text(item, line)
            elif item.kind == FILE_UPLOAD:
                answers[item.custom_id] = await self.files(item, line)
            else:
                answers[item.custom_id] = pick(
                    item.menu, line, self.demo, member, required=item.required
                )
        return answers

    async def _line(self, prompt: str) -> str:
        line = await self.lines.read(prompt, raw=True)
        if line is None:
            raise InputError("The input ended before the form was filled in.")
        return line

    async def _text(self, item: FormField, line: str) -> str:
        answer = line.strip()
        if answer == MULTILINE and item.paragraph:
            parts = []
            while (more := await self._line("  … ")).strip() != MULTILINE:
                parts.append(more.rstrip())
            answer = "\n".join(parts).strip()
        answer = answer or item.value
        if problem := item.check(answer):
            raise InputError(f"{problem}: the form was not sent (`fill` starts again).")
        return answer

    async def files(self, item: FormField, line: str) -> list[Attachment]:
        paths = [local_path(p) for p in line.split(",") if p.strip()]
        low, high = picks(item.menu, item.required)
        if not low <= len(paths) <= high:
            raise InputError(f"{item.label}: give {low} to {high} file paths.")
        return [await self.attach(path) for path in paths]

    async def attach(self, path: Path) -> Attachment:
        """The file at ``path`` (from ``here`` when relative) uploaded as a member's."""
        path = self.here / path
        return upload(self.discord, path, await asyncio.to_thread(read_file, path))
