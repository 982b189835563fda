"""Messages, embeds, components and forms as a person reads them in a terminal."""

import asyncio
import re
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.tryit.forms import form_fields, form_texts
from loopback.server import LoopbackDiscord
from loopback.world import Attachment, Message

_MENTION = re.compile(r"<(@!?|@&|#|/[\w -]+:|t:|a?:\w+:)(\d+)(?::\w)?>")
_JUMP = re.compile(r"https://discord\.com/channels/\d+/(\d+)/\d+")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
ACTION_ROW, BUTTON, TEXT_DISPLAY = 1, 2, 10
LINK_STYLE = 5


def _columns(char: str) -> int:
    if unicodedata.combining(char) or char in "\ufe0f\u200d":  # joiners, emoji variation
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def width_of(text: str) -> int:
    """Terminal columns ``text`` takes: wide characters (most emoji) count two."""
    return sum(_columns(char) for char in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width``, keeping its own line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, width, replace_whitespace=False) or [""]
    return lines


@dataclass
class Controls:
    """The buttons and select menus of the last output, numbered from 1 as shown."""

    buttons: list[tuple[Message, dict[str, Any]]] = field(default_factory=list)
    selects: list[tuple[Message, int]] = field(default_factory=list)


def _size(attachment: Attachment) -> str:
    size = len(attachment.data)
    return f"{size} bytes" if size < 1024 else f"{size / 1024:,.0f} KB"


class Renderer:
    """Turns what the bot sent into lines of text ``width`` columns wide, naming people,
    roles and channels as Discord shows them and pointing at saved attachments."""

    def __init__(self, discord: LoopbackDiscord, width: int, attachments: Path) -> None:
        self.discord = discord
        self.width = width
        self.attachments = attachments
        self.saved: dict[int, Path] = {}

    # -- text ------------------------------------------------------------------------------

    def text(self, raw: str) -> str:
        """Mentions as names, timestamps as dates, bold markers dropped."""
        text = _JUMP.sub(self._jump, _MENTION.sub(self._mention, raw))
        return _BOLD.sub(lambda m: m[1] or m[2], text)

    def _jump(self, match: re.Match[str]) -> str:
        """A link to a message, as where it is (``read`` shows it)."""
        channel = self.discord.channels.get(int(match[1]))
        return f"(a message in #{channel.name})" if channel else match[0]

    def _mention(self, match: re.Match[str]) -> str:
        kind, number = match[1], int(match[2])
        if kind.startswith("@&"):
            roles = (g.roles.get(number) for g in self.discord.guilds.values())
            return "@" + next((r.name for r in roles if r), "unknown-role")
        if kind.startswith("@"):
            user = self.discord.users.get(number)
            return "@" + (user.username if user else "unknown-user")
        if kind == "#":
            channel = self.discord.channels.get(number)
            return "#" + (channel.name if channel else "unknown-channel")
        if kind == "t:":
            return datetime.fromtimestamp(number, UTC).strftime("%Y-%m-%d %H:%M UTC")
        if kind.startswith("/"):
            return kind.removesuffix(":")  # a command mention: "/career tip"
        return ":" + kind.split(":")[1] + ":"  # a custom emoji

    # -- attachments -----------------------------------------------------------------------

    async def save_attachments(self, messages: Iterable[Message]) -> None:
        """Write every new attachment of ``messages`` into the attachments folder."""
        new = [a for m in messages for a in m.attachments if a.id not in self.saved]
        if new:
            self.saved.update(await asyncio.to_thread(self._write, new))

    def _write(self, attachments: list[Attachment]) -> dict[int, Path]:
        self.attachments.mkdir(parents=True, exist_ok=True)
        written = {}
        for attachment in attachments:
            path = self.attachments / Path(attachment.filename).name
            number = 1
            while path.exists():
                number += 1
                stem, suffix = Path(attachment.filename).stem, Path(attachment.filename).suffix
                path = self.attachments / f"{stem}-{number}{suffix}"
            path.write_bytes(attachment.data)
            written[attachment.id] = path
        return written

    # -- frames ----------------------------------------------------------------------------

    def frame(self, title: str, body: list[str], footer: list[str]) -> list[str]:
        """A box: ``title`` on its top edge (inside if too long), ``footer`` below a rule."""
        inner = self.width - 4
        lines = []
        if title and width_of(title) <= inner - 2:
            top = f"╭─ {title} "
            lines.append(top + "─" * (self.width - 1 - width_of(top)) + "╮")
        else:
            lines.append("╭" + "─" * (self.width - 2) + "╮")
            body = [*wrap(title, inner), *body] if title else body
        lines += [self._row(line) for line in body]
        if footer:
            lines.append("├" + "─" * (self.width - 2) + "┤")
            lines += [self._row(line) for line in footer]
        lines.append("╰" + "─" * (self.width - 2) + "╯")
        return lines

    def _row(self, line: str) -> str:
        return f"│ {line}{' ' * max(0, self.width - 4 - width_of(line))} │"

    def embed(self, embed: dict[str, Any]) -> list[str]:
        inner = self.width - 4
        body: list[str] = []
        if author := (embed.get("author") or {}).get("name"):
            body += wrap(self.text(author), inner)
        if description := embed.get("description"):
            body += wrap(self.text(description), inner)
        if body and embed.get("fields"):
            body.append("")
        for item in embed.get("fields") or []:
            body += wrap(self.text(item["name"]), inner)
            body += ["  " + line for line in wrap(self.text(item["value"]), inner - 2)]
        for kind in ("image", "thumbnail"):
            if url := (embed.get(kind) or {}).get("url"):
                body.append(f"[{kind}: {url.removeprefix('attachment://')}]")
        footer = [(embed.get("footer") or {}).get("text") or ""]
        if stamp := embed.get("timestamp"):
            moment = datetime.fromisoformat(stamp).astimezone(UTC)
            footer.append(moment.strftime("%Y-%m-%d %H:%M UTC"))
        footer_text = " · ".join(self.text(part) for part in footer if part)
        title = self.text(embed.get("title") or "")
        return self.frame(title, body, wrap(footer_text, inner) if footer_text else [])

    def form(self, modal: dict[str, Any]) -> list[str]:
        """A modal as the form a member would fill in: each field, how it is answered,
        and the options of its menu."""
        body = [
            line for text in form_texts(modal) for line in wrap(self.text(text), self.width - 4)
        ]
        paragraphs = False
        for number, item in enumerate(form_fields(modal), start=1):
            body.append(f"{number}. {item.label} ({item.traits()})")
            paragraphs = paragraphs or item.paragraph
            for hint in (item.description, item.placeholder):
                if hint:
                    body += [f"   e.g. {line}" for line in wrap(hint, self.width - 10)]
            for option, choice in enumerate(item.menu.get("options") or [], start=1):
                default = " (chosen)" if choice.get("default") else ""
                body += wrap(f"   {option}. {choice['label']}{default}", self.width - 4)
        title = f"Form: {modal.get('title', '')}"
        hint = "Type `fill` to answer it, field by field."
        if paragraphs:
            hint += ' A paragraph can take several lines between two lines of """.'
        return [*self.frame(title, body, []), hint]

    # -- messages --------------------------------------------------------------------------

    def message(self, message: Message, controls: Controls, note: str = "") -> list[str]:
        """``message`` with a header line, its buttons and selects numbered into
        ``controls``, and where its attachments were saved."""
        notes = [note] if note else []
        if message.ephemeral:
            notes.append("only you can see this")
        if message.edited_at and not note:
            notes.append("edited")
        lines = [f"◆ {message.author.username}" + "".join(f" · {n}" for n in notes)]
        if message.content:
            lines += wrap(self.text(message.content), self.width)
        for embed in message.embeds:
            lines += self.embed(embed)
        for component in message.walk_components():
            if component.get("type") == TEXT_DISPLAY:
                lines += wrap(self.text(component.get("content") or ""), self.width)
        lines += self._buttons(message, controls)
        lines += self._selects(message, controls)
        for attachment in message.attachments:
            where = self.saved.get(attachment.id)
            lines.append(f"📎 {attachment.filename} ({_size(attachment)}) saved to {where}")
        return lines

    def _buttons(self, message: Message, controls: Controls) -> list[str]:
        """One line per action row (buttons outside rows, in sections, come last)."""
        rows = [
            [c for c in row.get("components") or [] if c.get("type") == BUTTON]
            for row in message.components
            if row.get("type") == ACTION_ROW
        ]
        in_rows = {id(button) for row in rows for button in row}
        rows.append([b for b in message.buttons() if id(b) not in in_rows])
        lines = []
        for row in rows:
            labels = []
            for button in row:
                controls.buttons.append((message, button))
                labels.append(f"[{len(controls.buttons)}] {self._button_label(button)}")
            if labels:
                lines.append("  ".join(labels))
        return lines

    @staticmethod
    def _button_label(button: dict[str, Any]) -> str:
        emoji = (button.get("emoji") or {}).get("name")
        label = " ".join(part for part in (emoji, button.get("label")) if part)
        if button.get("style") == LINK_STYLE:
            label += f" ↗ {button.get('url')}"
        return label + (" (disabled)" if button.get("disabled") else "")

    def _selects(self, message: Message, controls: Controls) -> list[str]:
        lines = []
        for index, select in enumerate(message.selects()):
            controls.selects.append((message, index))
            low, high = select.get("min_values", 1), select.get("max_values", 1)
            pick = f"pick {low}" if low == high else f"pick {low} to {high}"
            title = select.get("placeholder") or "Choose"
            disabled = " (disabled)" if select.get("disabled") else ""
            lines.append(f"[select {len(controls.selects)}] {title} ({pick}){disabled}")
            for number, option in enumerate(select.get("options") or [], start=1):
                extra = f" — {option['description']}" if option.get("description") else ""
                default = " (default)" if option.get("default") else ""
                item = f"{number}. {option['label']}{extra}{default}"
                lines += textwrap.wrap(
                    item, self.width, initial_indent="   ", subsequent_indent="      "
                )
        return lines
