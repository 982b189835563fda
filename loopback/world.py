"""What the loopback Discord knows: users, guilds, roles, channels, members and messages,
and how each is written as the JSON Discord's API uses."""

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (Discord's documented values).
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
MANAGE_ROLES = 1 << 28
MANAGE_THREADS = 1 << 34
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)

# Channel types.
GUILD_TEXT = 0
DM = 1
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12

EPHEMERAL_FLAG = 1 << 6


class Snowflakes:
    """Ids that sort by creation time, like Discord's. Each id takes its own millisecond,
    a few apart (seeded, so runs repeat), so guilds spread over shards
    (``(id >> 22) % shard_count``) as real ones do."""

    def __init__(self) -> None:
        self._last = 0
        self._steps = random.Random(22)

    def next(self) -> int:
        now = int(time.time() * 1000) - DISCORD_EPOCH_MS
        millis = max(now, self._last + self._steps.randint(1, 7))
        self._last = millis
        return millis << 22


def sum_bits(values: Iterable[int]) -> int:
    """The bits of ``values`` together (bitwise or)."""
    total = 0
    for value in values:
        total |= value
    return total


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    dms_open: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Channel:
    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    recipients: list[User] = field(default_factory=list)
    thread_members: set[int] = field(default_factory=set)
    position: int = 0
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    """Permission overwrites as the API takes them: ``id``, ``type`` (0 role, 1 member),
    ``allow`` and ``deny``; ``Guild.permissions_in`` applies them."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "flags": 0}
        if self.type == DM:
            data["recipients"] = [user.to_json() for user in self.recipients]
            data["last_message_id"] = None
            return data
        data.update(
            name=self.name,
            guild_id=str(self.guild_id),
            position=self.position,
            permission_overwrites=self.overwrites,
            nsfw=False,
            parent_id=str(self.parent_id) if self.parent_id else None,
            topic=None,
            last_message_id=None,
            rate_limit_per_user=0,
        )
        if self.type in (PUBLIC_THREAD, PRIVATE_THREAD):
            data["owner_id"] = str(self.owner_id)
            data["member_count"] = len(self.thread_members)
            data["message_count"] = 0
            data["thread_metadata"] = {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso(datetime.now(UTC)),
                "locked": False,
                "invitable": self.type == PUBLIC_THREAD,
            }
        return data

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    guild_id: int
    user: User
    role_ids: list[int] = field(default_factory=list)
    joined_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user.to_json(),
            "nick": None,
            "avatar": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": iso(self.joined_at),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def permissions_of(self, member: Member) -> int:
        if member.user.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def permissions_in(self, member: Member, channel: Channel) -> int:
        """``member``'s permissions in ``channel``, after its overwrites, as Discord works
        them out: @everyone's, then the member's roles' together, then the member's own.
        A thread has its parent's."""
        if channel.type in (PUBLIC_THREAD, PRIVATE_THREAD) and channel.parent_id in self.channels:
            channel = self.channels[channel.parent_id]
        value = self.permissions_of(member)
        if value == ALL_PERMISSIONS:
            return value
        mine = {o["id"]: o for o in channel.overwrites}
        layers = [
            [mine.get(str(self.id))],
            [mine.get(str(role_id)) for role_id in member.role_ids],
            [mine.get(str(member.id))],
        ]
        for layer in layers:
            found = [o for o in layer if o is not None]
            deny = sum_bits(int(o.get("deny") or 0) for o in found)
            allow = sum_bits(int(o.get("allow") or 0) for o in found)
            value = (value & ~deny) | allow
        return value

    def can_see(self, member: Member, channel: Channel) -> bool:
        """Whether Discord shows ``member`` the channel: View Channel there, and for a
        private thread, being in it (or Manage Threads)."""
        allowed = self.permissions_in(member, channel)
        if not allowed & VIEW_CHANNEL:
            return False
        if channel.type == PRIVATE_THREAD:
            return member.id in channel.thread_members or bool(allowed & MANAGE_THREADS)
        return True

    def top_position(self, member: Member) -> int:
        return max((self.roles[role_id].position for role_id in member.role_ids), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [role.to_json() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": iso(datetime.now(UTC)),
            "channels": [
                channel.to_json()
                for channel in self.channels.values()
                if channel.type not in (PUBLIC_THREAD, PRIVATE_THREAD)
            ],
            "threads": [
                channel.to_json()
                for channel in self.channels.values()
                if channel.type in (PUBLIC_THREAD, PRIVATE_THREAD)
            ],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class Attachment:
    id: int
    filename: str
    content_type: str | None
    data: bytes
    url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }


@dataclass
class Pings:
    """Who a message actually notifies, after Discord applies ``allowed_mentions``."""

    everyone: bool = False
    roles: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)

    @property
    def nobody(self) -> bool:
        return not (self.everyone or self.roles or self.users)


@dataclass
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    pings: Pings = field(default_factory=Pings)
    nonce: str | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited_at: datetime | None = None
    deleted: bool = False
    thread_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_json(),
            "content": self.content,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": False,
            "mention_everyone": self.pings.everyone,
            "mentions": [],
            "mention_roles": [str(role_id) for role_id in sorted(self.pings.roles)],
            "attachments": [attachment.to_json() for attachment in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 0,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.application_id is not None:
            data["webhook_id"] = str(self.application_id)
            data["application_id"] = str(self.application_id)
        return data

    # What a person sees on the message, for tests and the sandbox.

    def walk_components(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        stack = list(reversed(self.components))
        while stack:
            component = stack.pop()
            found.append(component)
            children = component.get("components") or []
            if "component" in component:
                children = [component["component"], *children]
            if "accessory" in component:
                children = [component["accessory"], *children]
            stack.extend(reversed(children))
        return found

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") == 2]

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") in (3, 5, 6, 7, 8)]

    @property
    def text(self) -> str:
        """Content and every embed's text, joined: handy for assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts.append(embed.get("title", ""))
            parts.append(embed.get("description", ""))
            for embed_field in embed.get("fields", []):
                parts.append(f"{embed_field.get('name', '')}\n{embed_field.get('value', '')}")
            parts.append(embed.get("footer", {}).get("text", ""))
        return "\n".join(part for part in parts if part)
