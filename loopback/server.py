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
import collections
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from loopback import interactions as ix
from loopback.api import build_api
from loopback.api.oauth2 import OAuth2
from loopback.gateway import PRIVILEGED_INTENTS, GatewayClose, GatewaySession, serve_gateway
from loopback.state import DiscordState
from loopback.world import (
    MEMBER_PERMISSIONS,
    Channel,
    Guild,
    Member,
    Message,
    User,
)

INTERACTION_DEADLINE = 3.0


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


class LoopbackDiscord(DiscordState):
    """A Discord-compatible API on loopback, with a driver for tests and the sandbox."""

    def __init__(
        self, *, token: str = "loopback-token", interaction_deadline: float = INTERACTION_DEADLINE
    ) -> None:
        super().__init__()
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, ix.InteractionRecord] = {}
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.identify_count = 0
        self.identify_budget = 1000
        self.global_rate_limit: int | None = None
        """Requests per second the bot may make (interaction responses aside), as Discord's
        global rate limit; None: unlimited. Beyond it, 429 with ``global: true``."""
        self.recent_requests: collections.deque[float] = collections.deque()
        self.sessions: list[GatewaySession] = []
        self.identified = asyncio.Event()
        self.oauth2 = OAuth2()
        """The dashboard's OAuth2 application (its client id is ``application_id``)."""
        self._pending: list[asyncio.Future[None]] = []
        self._runner: web.AppRunner | None = None

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

    def announce(self, event: str, data: dict[str, Any], guild_id: int) -> None:
        if any(session.identified for session in self.sessions):
            self._pending.append(asyncio.ensure_future(self.dispatch(event, data, guild_id)))

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

    # -- acting as a member ----------------------------------------------------------------

    def _find_command(self, path: list[str], guild: Guild | None) -> dict[str, Any]:
        candidates = list(self.commands)
        if guild is not None:
            candidates += self.guild_commands.get(guild.id, [])
        for command in candidates:
            if command["name"] == path[0] and command.get("type", 1) == 1:
                contexts = command.get("contexts") or [0, 1, 2]
                if guild is None and (command.get("dm_permission") is False or 1 not in contexts):
                    raise LookupError(f"/{path[0]} is a server command: Discord offers no DM use")
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
        pending, self._pending = self._pending, []
        await asyncio.gather(*pending)  # changes to the world reach the bot first
        self.interactions[record.id] = record
        record.sent_at = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", payload, record.guild_id)
        try:
            await asyncio.wait_for(record.settled.wait(), timeout)
        except TimeoutError:
            tried = [r.status for r in self.requests if f"/interactions/{record.id}/" in r.path]
            raise AssertionError(
                f"the bot gave no visible answer to interaction {payload.get('data')} "
                f"within {timeout}s (callback type {record.callback_type}, answers the "
                f"loopback refused: {tried})"
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
        values: list[Any],
        *,
        member: Member | User,
        index: int = 0,
        timeout: float = 10.0,
    ) -> ix.Reply:
        """Choose ``values`` in the message's ``index``-th select menu: option values for a
        string select; members, roles or channels for the other kinds."""
        component = message.selects()[index]
        allowed = {option["value"] for option in component.get("options") or []}
        if allowed and not set(values) <= allowed:
            raise LookupError(f"{values} are not all options of the select ({sorted(allowed)})")
        data: dict[str, Any] = {
            "custom_id": component["custom_id"],
            "component_type": component["type"],
        }
        kind = ix.SELECT_OPTION_TYPES.get(component["type"])
        if kind is None:
            data["values"] = [str(value) for value in values]
        else:
            guild = self.guilds.get(message.guild_id or 0)
            resolved: dict[str, dict[str, Any]] = {}
            data["values"] = [ix.resolve_value(value, kind, guild, resolved) for value in values]
            data["resolved"] = resolved
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
        guild = self.guilds.get(source.guild_id or 0)
        payload["data"] = ix.modal_submit_data(modal_reply.modal, answers, guild)
        if modal_reply.record.source_message_id is not None:
            payload["message"] = self.messages[modal_reply.record.source_message_id].to_json()
            record.source_message_id = modal_reply.record.source_message_id
        return await self._send(payload, record, 10.0)
