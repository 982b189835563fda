"""What the loopback Discord holds: users, guilds, channels and messages, and the ways a
test or the sandbox builds that world and reads what the bot posted."""

import asyncio
import contextlib
import time
from typing import Any

from loopback import interactions as ix
from loopback.api.errors import DiscordError
from loopback.limits import check_message, compute_pings
from loopback.world import (
    DM,
    GUILD_TEXT,
    MANAGE_ROLES,
    MEMBER_PERMISSIONS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
)

BOT_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_ROLES | (1 << 36) | (1 << 13)


class DiscordState:
    """The world of the loopback Discord, without its network side."""

    def __init__(self) -> None:
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.bot_user = User(self.application_id, "producer-bot", bot=True)
        self.owner = User(self.ids.next(), "app-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self._by_nonce: dict[tuple[int, str], Message] = {}
        """The first message of each channel and nonce, for ``enforce_nonce``."""
        self.uploads: dict[int, Attachment] = {}
        self.message_posted = asyncio.Event()
        self.base_url = ""

    def announce(self, event: str, data: dict[str, Any], guild_id: int) -> None:
        """Tell connected bots about a change to the world, as Discord's gateway would."""

    # -- building the world ----------------------------------------------------------------

    def add_user(self, name: str, *, dms_open: bool = True) -> User:
        user = User(self.ids.next(), name, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: str = "owner") -> Guild:
        guild_id = self.ids.next()
        owner_user = self.add_user(owner)
        guild = Guild(guild_id, name, owner_user.id)
        guild.roles[guild_id] = Role(guild_id, guild_id, "@everyone", MEMBER_PERMISSIONS, 0)
        guild.members[owner_user.id] = Member(guild_id, owner_user)
        bot_role = self.add_role(guild, "Producer Bot", permissions=BOT_PERMISSIONS, managed=True)
        guild.members[self.bot_user.id] = Member(guild_id, self.bot_user, [bot_role.id])
        self.guilds[guild_id] = guild
        self.add_channel(guild, "general")
        return guild

    def add_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        managed: bool = False,
    ) -> Role:
        if position is None:
            position = max(role.position for role in guild.roles.values()) + 1
        role = Role(self.ids.next(), guild.id, name, permissions, position, managed=managed)
        guild.roles[role.id] = role
        self.announce(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_json()}, guild.id
        )
        return role

    def move_role(self, role: Role, position: int) -> None:
        """Put ``role`` at ``position`` (1 is just above @everyone), the others closing up
        around it as in Discord's role list; every moved role is announced."""
        guild = self.guilds[role.guild_id]
        others = sorted(
            (r for r in guild.roles.values() if r.id not in (guild.id, role.id)),
            key=lambda r: r.position,
        )
        index = max(0, min(position - 1, len(others)))
        ordered = [*others[:index], role, *others[index:]]
        for number, each in enumerate(ordered, start=1):
            if each.position != number:
                each.position = number
                self.announce(
                    "GUILD_ROLE_UPDATE",
                    {"guild_id": str(guild.id), "role": each.to_json()},
                    guild.id,
                )

    def create_role(self, guild: Guild, name: str, *, permissions: int = 0) -> Role:
        """A role made in the server's settings: new roles start at the bottom."""
        role = self.add_role(guild, name, permissions=permissions)
        self.move_role(role, 1)
        return role

    def set_member_roles(self, member: Member, role_ids: list[int]) -> None:
        """A member's roles changed by someone in Discord's app, announced to the bot."""
        member.role_ids = list(role_ids)
        update = dict(member.to_json(), guild_id=str(member.guild_id))
        self.announce("GUILD_MEMBER_UPDATE", update, member.guild_id)

    def add_member(self, guild: Guild, name: str, *, roles: tuple[Role, ...] = ()) -> Member:
        user = self.add_user(name)
        member = Member(guild.id, user, [role.id for role in roles])
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild: Guild,
        name: str,
        *,
        kind: int = GUILD_TEXT,
        channel_id: int | None = None,
        parent_id: int | None = None,
        overwrites: list[dict[str, Any]] | None = None,
    ) -> Channel:
        channel_id = channel_id or self.ids.next()
        channel = Channel(channel_id, name, kind, guild.id, parent_id, position=len(guild.channels))
        channel.overwrites = overwrites or []
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            self.announce("CHANNEL_CREATE", channel.to_json(), guild.id)
        return channel

    def set_permissions(self, role: Role, permissions: int) -> None:
        """A server admin changes what ``role`` allows."""
        role.permissions = permissions
        self.announce(
            "GUILD_ROLE_UPDATE",
            {"guild_id": str(role.guild_id), "role": role.to_json()},
            role.guild_id,
        )

    def bot_role(self, guild: Guild) -> Role:
        """The role Discord made for the bot when it joined ``guild``."""
        return guild.roles[guild.members[self.bot_user.id].role_ids[0]]

    def remove_guild(self, guild: Guild) -> None:
        """Kick the bot out of ``guild``."""
        del self.guilds[guild.id]
        self.announce("GUILD_DELETE", {"id": str(guild.id)}, guild.id)

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> Attachment:
        """A file as a member would attach it: for attachment options and file uploads."""
        attachment_id = self.ids.next()
        url = f"{self.base_url}/attachments/{attachment_id}/{filename}"
        attachment = Attachment(attachment_id, filename, content_type, data, url)
        self.uploads[attachment_id] = attachment
        return attachment

    def dm_channel(self, user: User) -> Channel:
        for channel in self.channels.values():
            if channel.type == DM and channel.recipients[0].id == user.id:
                return channel
        channel = Channel(self.ids.next(), "", DM, recipients=[user])
        self.channels[channel.id] = channel
        return channel

    def default_channel(self, guild: Guild) -> Channel:
        return next(c for c in guild.channels.values() if c.type == GUILD_TEXT)

    # -- messages --------------------------------------------------------------------------

    def post_message(
        self,
        channel: Channel,
        payload: dict[str, Any],
        attachments: list[Attachment],
        *,
        default_parse: list[str],
        record: ix.InteractionRecord | None = None,
    ) -> Message:
        """Validate and store a message the bot sends; ``enforce_nonce`` dedupes retries."""
        problems = check_message(payload, has_files=bool(attachments))
        if problems:
            raise DiscordError.invalid(problems)
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self._by_nonce.get((channel.id, str(nonce)))
            if earlier is not None:
                return earlier
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        content = payload.get("content") or ""
        message = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.bot_user,
            content=content,
            embeds=payload.get("embeds") or [],
            components=payload.get("components") or [],
            attachments=attachments,
            flags=payload.get("flags") or 0,
            pings=compute_pings(content, payload.get("allowed_mentions"), default_parse, guild),
            nonce=str(nonce) if nonce is not None else None,
            application_id=self.application_id if record else None,
            interaction_id=record.id if record else None,
        )
        self.messages[message.id] = message
        if message.nonce is not None:
            self._by_nonce.setdefault((channel.id, message.nonce), message)
        self.message_posted.set()
        return message

    def edit_message(
        self,
        message: Message,
        payload: dict[str, Any],
        attachments: list[Attachment],
        *,
        default_parse: list[str],
    ) -> Message:
        problems = check_message(payload, edit=True)
        if problems:
            raise DiscordError.invalid(problems)
        if "content" in payload:
            message.content = payload["content"] or ""
        for key in ("embeds", "components"):
            if key in payload:
                setattr(message, key, payload[key] or [])
        if "attachments" in payload:
            kept = {
                int(item["id"]) for item in payload["attachments"] or [] if "filename" not in item
            }
            message.attachments = [a for a in message.attachments if a.id in kept] + attachments
        guild = self.guilds.get(message.guild_id) if message.guild_id else None
        message.pings = compute_pings(
            message.content, payload.get("allowed_mentions"), default_parse, guild
        )
        message.edited_at = message.created_at.__class__.now(message.created_at.tzinfo)
        return message

    def channel_messages(self, channel: Channel) -> list[Message]:
        """What members see in a channel: no ephemeral or deleted messages."""
        return [
            message
            for message in self.messages.values()
            if message.channel_id == channel.id and not message.ephemeral and not message.deleted
        ]

    def dms(self, user: User) -> list[Message]:
        return self.channel_messages(self.dm_channel(user))

    async def wait_for_messages(
        self, channel: Channel, count: int, *, timeout: float = 10.0
    ) -> list[Message]:
        """Wait until ``channel`` shows at least ``count`` messages (scheduled posts, say)."""
        deadline = time.monotonic() + timeout
        while len(self.channel_messages(channel)) < count:
            self.message_posted.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                found = len(self.channel_messages(channel))
                raise AssertionError(f"#{channel.name} has {found} messages, expected {count}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.message_posted.wait(), remaining)
        return self.channel_messages(channel)
