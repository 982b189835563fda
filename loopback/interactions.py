"""Interaction payloads as Discord builds them, from the commands a bot registered, and the
record of how the bot answered each one."""

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loopback.world import Attachment, Channel, Guild, Member, Message, Role, User

if TYPE_CHECKING:
    from loopback.server import LoopbackDiscord

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types.
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
SELECT_OPTION_TYPES = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}
"""Select menus whose values are Discord objects, and the option type they resolve as."""


@dataclass
class InteractionRecord:
    """One interaction the loopback Discord sent, and everything the bot did with it."""

    id: int
    token: str
    type: int
    user: User
    guild_id: int | None
    channel_id: int
    source_message_id: int | None = None
    sent_at: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    answered_at: float | None = None
    callback_data: dict[str, Any] = field(default_factory=dict)
    response_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    original_edits: int = 0
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @staticmethod
    def new_token() -> str:
        return "interaction-" + secrets.token_urlsafe(24)

    def touch(self) -> None:
        """Something happened: wake whoever waits; settle once the answer is visible."""
        if self.callback_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE):
            if self.original_edits or self.followup_ids:
                self.settled.set()
        elif self.callback_type is not None:
            self.settled.set()
        self.changed.set()


@dataclass
class Reply:
    """What a member sees after an interaction: the message the bot answered with (new or
    updated), a modal, or autocomplete choices."""

    discord: "LoopbackDiscord"
    record: InteractionRecord

    @property
    def message(self) -> Message:
        message_id = self.record.response_message_id
        if message_id is None and self.record.followup_ids:
            message_id = self.record.followup_ids[0]
        if message_id is None:
            raise AssertionError(f"the bot answered with no message ({self.record.callback_type})")
        return self.discord.messages[message_id]

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def text(self) -> str:
        return self.message.text

    @property
    def modal(self) -> dict[str, Any]:
        if self.record.callback_type != MODAL:
            raise AssertionError("the bot did not answer with a modal")
        return self.record.callback_data

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.record.callback_data.get("choices") or [])

    @property
    def followups(self) -> list[Message]:
        return [self.discord.messages[message_id] for message_id in self.record.followup_ids]

    async def wait_followups(self, count: int, timeout: float = 10.0) -> list[Message]:
        """Wait until the bot has sent ``count`` follow-up messages."""
        deadline = time.monotonic() + timeout
        while len(self.record.followup_ids) < count:
            self.record.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"expected {count} follow-ups, got {self.followups}")
            try:
                await asyncio.wait_for(self.record.changed.wait(), remaining)
            except TimeoutError:
                continue
        return self.followups


def member_json(guild: Guild, member: Member) -> dict[str, Any]:
    data = member.to_json()
    data["permissions"] = str(guild.permissions_of(member))
    return data


def resolve_value(
    value: Any, kind: int, guild: Guild | None, resolved: dict[str, dict[str, Any]]
) -> Any:
    if kind in (USER, MENTIONABLE) and isinstance(value, Member | User):
        user = value.user if isinstance(value, Member) else value
        resolved.setdefault("users", {})[str(user.id)] = user.to_json()
        if isinstance(value, Member) and guild is not None:
            member = member_json(guild, value)
            member.pop("user")
            resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)
    if kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = value.to_json()
        return str(value.id)
    if kind == CHANNEL and isinstance(value, Channel):
        channel = value.to_json()
        channel["permissions"] = str((1 << 41) - 1)
        resolved.setdefault("channels", {})[str(value.id)] = channel
        return str(value.id)
    if kind == ATTACHMENT and isinstance(value, Attachment):
        resolved.setdefault("attachments", {})[str(value.id)] = value.to_json()
        return str(value.id)
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    if kind == STRING:
        return str(value)
    raise TypeError(f"cannot pass {value!r} as an option of type {kind}")


def command_data(
    command: dict[str, Any],
    path: list[str],
    values: dict[str, Any],
    guild: Guild | None,
    focused: str | None = None,
) -> dict[str, Any]:
    """The ``data`` of an application-command (or autocomplete) interaction."""
    resolved: dict[str, dict[str, Any]] = {}
    definitions = command.get("options") or []
    nested: list[dict[str, Any]] = []
    container = nested
    for name in path[1:]:
        match = next((option for option in definitions if option["name"] == name), None)
        if match is None:
            raise LookupError(f"/{' '.join(path)}: no subcommand {name!r}")
        node: dict[str, Any] = {"name": name, "type": match["type"], "options": []}
        container.append(node)
        container = node["options"]
        definitions = match.get("options") or []
    known = {option["name"]: option for option in definitions}
    for name, value in values.items():
        if name not in known:
            raise LookupError(f"/{' '.join(path)} has no option {name!r} (has {sorted(known)})")
        option = {"name": name, "type": known[name]["type"]}
        if name == focused:
            option["value"] = str(value)
            option["focused"] = True
        else:
            option["value"] = resolve_value(value, known[name]["type"], guild, resolved)
        container.append(option)
    missing = [
        name for name, option in known.items() if option.get("required") and name not in values
    ]
    if missing and focused is None:
        raise LookupError(f"/{' '.join(path)} needs the options {missing}")
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": command.get("type", 1),
        "options": nested,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _answer(
    inner: dict[str, Any], value: Any, resolved: dict[str, dict[str, Any]], guild: Guild | None
) -> dict[str, Any]:
    """One submitted modal component: text for a text input, values for a select (members,
    roles and channels resolved), and attachment ids (resolved) for a file upload."""
    answered: dict[str, Any] = {"type": inner["type"], "custom_id": inner["custom_id"]}
    if inner["type"] == 4:
        answered["value"] = "" if value is None else str(value)
        return answered
    items = [] if value is None else value if isinstance(value, list) else [value]
    if inner["type"] == 19:
        for attachment in items:
            if not isinstance(attachment, Attachment):
                raise TypeError(f"a file upload takes Attachment objects, not {attachment!r}")
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.to_json()
        answered["values"] = [str(attachment.id) for attachment in items]
    elif kind := SELECT_OPTION_TYPES.get(inner["type"]):
        answered["values"] = [
            resolve_value(item, kind, guild, resolved)
            if not isinstance(item, str | int)
            else str(item)
            for item in items
        ]
    else:
        answered["values"] = [str(item) for item in items]
    return answered


def modal_submit_data(
    modal: dict[str, Any], answers: dict[str, Any], guild: Guild | None = None
) -> dict[str, Any]:
    """The ``data`` of a modal submit. Answers are keyed by a field's label or custom id:
    text for a text input, a list of values for a select (Members, Roles or Channels for
    those menus), Attachments for a file upload."""
    rows: list[dict[str, Any]] = []
    resolved: dict[str, dict[str, Any]] = {}
    unused = dict(answers)
    for row in modal.get("components") or []:
        if row.get("type") == 18:
            inner, label = row["component"], row.get("label")
        elif row.get("type") == 1:
            inner, label = (row.get("components") or [{}])[0], None
        else:
            continue  # text displays and other read-only parts
        label = label or inner.get("label")
        key = label if label in unused else inner["custom_id"]
        value = unused.pop(key, None)
        if value is None and inner["type"] == 4:
            value = inner.get("value")
        elif value is None and inner["type"] == 3:
            value = [o["value"] for o in inner.get("options") or [] if o.get("default")] or None
        if inner.get("required", True) and not value and inner.get("min_values", 1) != 0:
            raise LookupError(f"the modal field {label!r} is required")
        answered = _answer(inner, value, resolved, guild)
        if row.get("type") == 18:
            rows.append({"type": 18, "component": answered})
        else:
            rows.append({"type": 1, "components": [answered]})
    if unused:
        raise LookupError(f"the modal has no fields {sorted(unused)}")
    data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": rows}
    if resolved:
        data["resolved"] = resolved
    return data
