"""The loopback Discord: a stand-in for Discord's REST API and gateway on 127.0.0.1.

The real, unmodified discord.py client connects to it when its API base points here. It
keeps a small world (guilds, members, channels, messages), records every request, rejects
what real Discord rejects, and lets a test or the sandbox act as members::

    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Beat Lab")
    alice = discord.add_member(guild, "alice")
    reply = await discord.slash("help", member=alice)
    await discord.click(reply.message, "Next", member=alice)
"""

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox import interactions as ix
from bot.sandbox.gateway import PRIVILEGED_INTENTS, GatewayClose, GatewaySession, serve_gateway
from bot.sandbox.limits import check_message, compute_pings
from bot.sandbox.rest import DiscordError, build_api
from bot.sandbox.world import (
    DM,
    GUILD_TEXT,
    MANAGE_ROLES,
    MEMBER_PERMISSIONS,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
)

INTERACTION_DEADLINE = 3.0
BOT_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_ROLES | (1 << 36) | (1 << 13)


@dataclass
class Fault:
    """An error the loopback Discord answers instead of handling a request."""

    method: str
    path_contains: str
    status: int
    code: int = 0
    retry_after: float = 0.0
    times: int = 1


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any] | list[Any] | None
    status: int


class LoopbackDiscord:
    """A Discord-compatible API on loopback, with a driver for tests and the sandbox."""

    def __init__(
        self, *, token: str = "loopback-token", interaction_deadline: float = INTERACTION_DEADLINE
    ) -> None:
        self.ids = Snowflakes()
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.application_id = self.ids.next()
        self.bot_user = User(self.application_id, "producer-bot", bot=True)
        self.owner = User(self.ids.next(), "app-owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.uploads: dict[int, Attachment] = {}
        self.commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, ix.InteractionRecord] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.identify_count = 0
        self.sessions: list[GatewaySession] = []
        self.identified = asyncio.Event()
        self.message_posted = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host``; returns the base URL to give the bot as its API base."""
        app = build_api(self)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()  # type: ignore[union-attr]
        self.base_url = f"http://{bound[0]}:{bound[1]}"
        return self.base_url

    async def stop(self) -> None:
        for session in list(self.sessions):
            await session.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        return await serve_gateway(request, self._identify, self.sessions)

    async def _identify(self, session: GatewaySession, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            raise GatewayClose(4004, "Authentication failed.")
        if session.intents & PRIVILEGED_INTENTS:
            raise GatewayClose(4014, "Disallowed intent(s).")
        guilds = [guild for guild in self.guilds.values() if session.covers_guild(guild.id)]
        await session.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.bot_user.to_json(),
                "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
                "session_id": self.ids.next(),
                "resume_gateway_url": self.base_url.replace("http", "ws", 1) + "/gateway",
                "shard": [session.shard_id, session.shard_count],
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", self.guild_create_payload(guild))
        self.identify_count += 1
        self.identified.set()

    def guild_create_payload(self, guild: Guild) -> dict[str, Any]:
        data = guild.to_json()
        data["members"] = [guild.members[self.bot_user.id].to_json()]
        return data

    async def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None) -> None:
        """Send a gateway event to the session that owns ``guild_id``'s shard."""
        for session in list(self.sessions):
            if session.identified and session.covers_guild(guild_id):
                await session.dispatch(event, data)
                return
        raise AssertionError(f"no connected bot session receives {event} for guild {guild_id}")

    # -- faults, as Discord has them ---------------------------------------------------------

    def inject_fault(
        self,
        method: str,
        path_contains: str,
        status: int,
        *,
        code: int = 0,
        retry_after: float = 0.0,
        times: int = 1,
    ) -> Fault:
        """Answer the next ``times`` matching requests with an error (429, 500, 403...)."""
        fault = Fault(method.upper(), path_contains, status, code, retry_after, times)
        self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and fault.path_contains in path:
                fault.times -= 1
                return fault
        return None

    async def drop_connections(self) -> None:
        """Close every gateway connection abruptly, as a network failure would."""
        self.identified.clear()
        for session in list(self.sessions):
            await session.socket.close(code=4000, message=b"connection lost")

    async def request_reconnect(self) -> None:
        """Ask every client to reconnect (gateway opcode 7)."""
        self.identified.clear()
        for session in list(self.sessions):
            await session.send({"op": 7, "d": None})

    async def invalidate_sessions(self) -> None:
        """Invalidate every session (gateway opcode 9): clients must identify again."""
        self.identified.clear()
        for session in list(self.sessions):
            await session.send({"op": 9, "d": False})

    def record(self, method: str, path: str, body: Any, status: int) -> None:
        self.requests.append(RecordedRequest(method, path, body, status))

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
        return role

    def add_member(self, guild: Guild, name: str, *, roles: tuple[Role, ...] = ()) -> Member:
        user = self.add_user(name)
        member = Member(guild.id, user, [role.id for role in roles])
        guild.members[user.id] = member
        return member

    def add_channel(self, guild: Guild, name: str, *, kind: int = GUILD_TEXT) -> Channel:
        channel = Channel(self.ids.next(), name, kind, guild.id, position=len(guild.channels))
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

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
            for earlier in self.messages.values():
                if earlier.channel_id == channel.id and earlier.nonce == str(nonce):
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

    # -- acting as a member ----------------------------------------------------------------

    def _find_command(self, path: list[str], guild: Guild | None) -> dict[str, Any]:
        candidates = list(self.commands)
        if guild is not None:
            candidates += self.guild_commands.get(guild.id, [])
        for command in candidates:
            if command["name"] == path[0] and command.get("type", 1) == 1:
                return command
        raise LookupError(f"/{path[0]} is not registered (has the bot synced its commands?)")

    def _base_payload(
        self, kind: int, actor: Member | User, channel: Channel | None
    ) -> tuple[dict[str, Any], ix.InteractionRecord]:
        user = actor.user if isinstance(actor, Member) else actor
        guild = self.guilds[actor.guild_id] if isinstance(actor, Member) else None
        if channel is None:
            channel = self.default_channel(guild) if guild else self.dm_channel(user)
        record = ix.InteractionRecord(
            self.ids.next(),
            ix.InteractionRecord.new_token(),
            kind,
            user,
            guild.id if guild else None,
            channel.id,
        )
        payload: dict[str, Any] = {
            "id": str(record.id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": record.token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": channel.to_json(),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": 0 if guild else 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None and isinstance(actor, Member):
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["member"] = ix.member_json(guild, actor)
            payload["app_permissions"] = str(guild.permissions_of(guild.members[self.bot_user.id]))
        else:
            payload["user"] = user.to_json()
            payload["app_permissions"] = str(MEMBER_PERMISSIONS)
        return payload, record

    async def _send(
        self, payload: dict[str, Any], record: ix.InteractionRecord, timeout: float
    ) -> ix.Reply:
        self.interactions[record.id] = record
        record.sent_at = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", payload, record.guild_id)
        try:
            await asyncio.wait_for(record.settled.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot gave no visible answer to interaction {payload.get('data')} "
                f"within {timeout}s (callback type {record.callback_type})"
            ) from None
        return ix.Reply(self, record)

    async def slash(
        self,
        command: str,
        /,
        *,
        member: Member | User,
        in_channel: Channel | None = None,
        timeout: float = 10.0,
        options: dict[str, Any] | None = None,
        **named_options: Any,
    ) -> ix.Reply:
        """Run ``/command`` (with subcommands separated by spaces) as ``member``.

        It runs in ``in_channel`` (default: the guild's first text channel, or the DM).
        Options are keyword arguments; one whose name clashes with a parameter here (such
        as ``member``) goes in ``options={...}``.
        """
        options = {**(options or {}), **named_options}
        path = command.strip().lstrip("/").split()
        guild = self.guilds[member.guild_id] if isinstance(member, Member) else None
        payload, record = self._base_payload(ix.APPLICATION_COMMAND, member, in_channel)
        payload["data"] = ix.command_data(self._find_command(path, guild), path, options, guild)
        return await self._send(payload, record, timeout)

    async def autocomplete(
        self,
        command: str,
        option: str,
        /,
        *,
        member: Member | User,
        options: dict[str, Any] | None = None,
        **named_options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while ``member`` types ``option``."""
        options = {**(options or {}), **named_options}
        path = command.strip().lstrip("/").split()
        guild = self.guilds[member.guild_id] if isinstance(member, Member) else None
        options.setdefault(option, "")
        payload, record = self._base_payload(ix.AUTOCOMPLETE, member, None)
        payload["data"] = ix.command_data(
            self._find_command(path, guild), path, options, guild, focused=option
        )
        reply = await self._send(payload, record, 10.0)
        return reply.choices

    async def click(
        self, message: Message, button: str, /, *, member: Member | User, timeout: float = 10.0
    ) -> ix.Reply:
        """Press the button whose label, emoji or custom id is ``button``."""
        for component in message.buttons():
            emoji = (component.get("emoji") or {}).get("name")
            if button in (component.get("label"), component.get("custom_id"), emoji):
                if component.get("disabled"):
                    raise AssertionError(f"the button {button!r} is disabled")
                data = {"custom_id": component["custom_id"], "component_type": 2}
                return await self._component(message, data, member, timeout)
        labels = [component.get("label") for component in message.buttons()]
        raise LookupError(f"no button {button!r} on the message (buttons: {labels})")

    async def select(
        self,
        message: Message,
        values: list[str],
        *,
        member: Member | User,
        index: int = 0,
        timeout: float = 10.0,
    ) -> ix.Reply:
        """Choose ``values`` in the message's ``index``-th select menu."""
        component = message.selects()[index]
        allowed = {option["value"] for option in component.get("options") or []}
        if allowed and not set(values) <= allowed:
            raise LookupError(f"{values} are not all options of the select ({sorted(allowed)})")
        data = {
            "custom_id": component["custom_id"],
            "component_type": component["type"],
            "values": values,
        }
        return await self._component(message, data, member, timeout)

    async def _component(
        self, message: Message, data: dict[str, Any], member: Member | User, timeout: float
    ) -> ix.Reply:
        channel = self.channels[message.channel_id]
        payload, record = self._base_payload(ix.MESSAGE_COMPONENT, member, channel)
        payload["data"] = data
        payload["message"] = message.to_json()
        record.source_message_id = message.id
        return await self._send(payload, record, timeout)

    async def submit(
        self, modal_reply: ix.Reply, answers: dict[str, Any], *, member: Member | User
    ) -> ix.Reply:
        """Fill in and submit the modal the bot opened in ``modal_reply``."""
        source = self.channels[modal_reply.record.channel_id]
        payload, record = self._base_payload(ix.MODAL_SUBMIT, member, source)
        payload["data"] = ix.modal_submit_data(modal_reply.modal, answers)
        if modal_reply.record.source_message_id is not None:
            payload["message"] = self.messages[modal_reply.record.source_message_id].to_json()
            record.source_message_id = modal_reply.record.source_message_id
        return await self._send(payload, record, 10.0)
