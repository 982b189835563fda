"""The loopback Discord's HTTP API: the routes discord.py calls, answered like Discord."""

import json
import time
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web

from loopback import interactions as ix
from loopback.limits import check_choices, check_command, check_modal
from loopback.world import (
    CREATE_PRIVATE_THREADS,
    DM,
    EPHEMERAL_FLAG,
    GUILD_TEXT,
    MANAGE_CHANNELS,
    MANAGE_ROLES,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Attachment,
    Channel,
    Message,
)

if TYPE_CHECKING:
    from loopback.server import Fault, LoopbackDiscord

API = "/api/v{version:\\d+}"
LOADING_FLAG = 1 << 7
CHANNEL_DEFAULT_PARSE = ["everyone", "roles", "users"]
INTERACTION_DEFAULT_PARSE = ["users"]


class DiscordError(Exception):
    """An error response in Discord's shape: ``{"code": ..., "message": ..., "errors": ...}``."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    @classmethod
    def invalid(cls, problems: list[str]) -> "DiscordError":
        """Discord's "Invalid Form Body", with the problems in its nested error format."""
        errors = {"_errors": [{"code": "INVALID_FORM_BODY", "message": p} for p in problems]}
        return cls(400, 50035, "Invalid Form Body", errors)

    @classmethod
    def unknown(cls, what: str, code: int) -> "DiscordError":
        return cls(404, code, f"Unknown {what}")

    def response(self) -> web.Response:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, status=self.status)


def _json(body: Any, status: int = 200) -> web.Response:
    # Discord answers with exactly "application/json" (no charset), which discord.py expects.
    return web.Response(
        body=json.dumps(body).encode(), status=status, content_type="application/json"
    )


PAYLOAD = web.RequestKey("payload", dict)
FILES = web.RequestKey("files", list)


class RateLimitedError(DiscordError):
    def __init__(self, retry_after: float, *, is_global: bool = False) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.retry_after, self.is_global = retry_after, is_global

    def response(self) -> web.Response:
        body = {"message": self.message, "retry_after": self.retry_after, "global": self.is_global}
        response = _json(body, status=429)
        response.headers["Retry-After"] = str(self.retry_after)
        response.headers["Via"] = "1.1 loopback"  # discord.py treats a 429 without it as a ban
        return response


def _fault_error(fault: "Fault") -> DiscordError:
    if fault.status == 429:
        return RateLimitedError(fault.retry_after)
    return DiscordError(fault.status, fault.code, f"{fault.status}: injected fault")


UNKNOWN_INTERACTION = DiscordError(404, 10062, "Unknown interaction")


def within_global_limit(discord: "LoopbackDiscord") -> None:
    """Count the request against the global limit over the last second, or refuse it."""
    if discord.global_rate_limit is None:
        return
    now, recent = time.monotonic(), discord.recent_requests
    while recent and recent[0] <= now - 1.0:
        recent.popleft()
    if len(recent) >= discord.global_rate_limit:
        raise RateLimitedError(round(recent[0] + 1.0 - now, 3), is_global=True)
    recent.append(now)


def build_api(discord: "LoopbackDiscord") -> web.Application:
    """The HTTP application, bound to ``discord``'s state."""

    async def read(request: web.Request) -> tuple[dict[str, Any], list[Attachment]]:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            payload = json.loads(str(form.get("payload_json") or "{}"))
            files = []
            for key, value in form.items():
                if key.startswith("files[") and isinstance(value, web.FileField):
                    attachment_id = discord.ids.next()
                    files.append(
                        Attachment(
                            attachment_id,
                            value.filename,
                            value.content_type,
                            value.file.read(),
                            f"{discord.base_url}/attachments/{attachment_id}/{value.filename}",
                        )
                    )
            return payload, files
        if request.can_read_body:
            body = await request.json()
            return (body if isinstance(body, dict) else {"_list": body}), []
        return {}, []

    @web.middleware
    async def errors_and_record(request: web.Request, handler: Any) -> web.StreamResponse:
        payload: dict[str, Any] | None = None
        try:
            if request.path.startswith("/api/"):
                payload, files = await read(request)
                request[PAYLOAD], request[FILES] = payload, files
                needs_token = request.path.split("/")[3] not in ("webhooks", "interactions")
                if needs_token and request.headers.get("Authorization") != f"Bot {discord.token}":
                    raise DiscordError(401, 0, "401: Unauthorized")
                if needs_token:
                    within_global_limit(discord)
            fault = discord.take_fault(request.method, request.path)
            if fault is not None:
                raise _fault_error(fault)
            response = cast(web.StreamResponse, await handler(request))
        except DiscordError as error:
            response = error.response()
        except web.HTTPNotFound:
            response = DiscordError(404, 0, "404: Not Found").response()
        if request.path.startswith("/api/"):
            body = payload.get("_list", payload) if payload is not None else None
            discord.record(request.method, request.path, body, response.status)
        return response

    routes = web.RouteTableDef()

    def channel_of(request: web.Request) -> Channel:
        channel = discord.channels.get(int(request.match_info["channel"]))
        if channel is None:
            raise DiscordError.unknown("Channel", 10003)
        return channel

    def message_of(request: web.Request, channel_id: int | None = None) -> Message:
        message = discord.messages.get(int(request.match_info["message"]))
        if message is None or message.deleted:
            raise DiscordError.unknown("Message", 10008)
        if channel_id is not None and message.channel_id != channel_id:
            raise DiscordError.unknown("Message", 10008)
        return message

    def record_of(request: web.Request) -> ix.InteractionRecord:
        token = request.match_info["token"]
        for record in discord.interactions.values():
            if record.token == token:
                return record
        raise DiscordError.unknown("Webhook", 10015)

    @routes.get(API + "/users/@me")
    async def me(request: web.Request) -> web.Response:
        return _json(discord.bot_user.to_json())

    @routes.get(API + "/oauth2/applications/@me")
    async def application(request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(discord.application_id),
                "name": discord.bot_user.username,
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": discord.owner.to_json(),
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
            }
        )

    @routes.get(API + "/gateway")
    @routes.get(API + "/gateway/bot")
    async def gateway(request: web.Request) -> web.Response:
        url = discord.base_url.replace("http", "ws", 1) + "/gateway"
        remaining = max(0, discord.identify_budget - discord.identify_count)
        limit = {
            "total": discord.identify_budget,
            "remaining": remaining,
            "reset_after": 86_400_000,
            "max_concurrency": 1,
        }
        return _json({"url": url, "shards": 1, "session_start_limit": limit})

    def registered(request: web.Request) -> list[dict[str, Any]]:
        if int(request.match_info["app"]) != discord.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        if "guild" in request.match_info:
            return discord.guild_commands.setdefault(int(request.match_info["guild"]), [])
        return discord.commands

    @routes.get(API + "/applications/{app}/commands")
    @routes.get(API + "/applications/{app}/guilds/{guild}/commands")
    async def get_commands(request: web.Request) -> web.Response:
        return _json(registered(request))

    @routes.put(API + "/applications/{app}/commands")
    @routes.put(API + "/applications/{app}/guilds/{guild}/commands")
    async def put_commands(request: web.Request) -> web.Response:
        commands = request[PAYLOAD].get("_list")
        if not isinstance(commands, list):
            raise DiscordError.invalid(["body: must be a list of commands"])
        problems = [p for index, c in enumerate(commands) for p in check_command(c, f"{index}.")]
        if len(commands) > 100:
            problems.append("body: at most 100 commands")
        if problems:
            raise DiscordError.invalid(problems)
        target = registered(request)
        guild_id = request.match_info.get("guild")
        target.clear()
        for command in commands:
            stored = dict(command, id=str(discord.ids.next()), version=str(discord.ids.next()))
            stored["application_id"] = str(discord.application_id)
            if guild_id:
                stored["guild_id"] = guild_id
            stored.setdefault("type", 1)
            stored.setdefault("default_member_permissions", None)
            target.append(stored)
        return _json(target)

    @routes.post(API + "/interactions/{interaction}/{token}/callback")
    async def callback(request: web.Request) -> web.Response:
        record = discord.interactions.get(int(request.match_info["interaction"]))
        if record is None or record.token != request.match_info["token"]:
            raise UNKNOWN_INTERACTION
        if record.callback_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.sent_at > discord.interaction_deadline:
            raise UNKNOWN_INTERACTION
        payload, files = request[PAYLOAD], request[FILES]
        kind, data = payload.get("type"), payload.get("data") or {}
        message: Message | None = None
        channel = discord.channels[record.channel_id]
        if kind == ix.CHANNEL_MESSAGE:
            message = discord.post_message(
                channel, data, files, default_parse=INTERACTION_DEFAULT_PARSE, record=record
            )
        elif kind == ix.DEFERRED_CHANNEL_MESSAGE:
            message = Message(
                discord.ids.next(),
                channel.id,
                channel.guild_id,
                discord.bot_user,
                flags=((data.get("flags") or 0) & EPHEMERAL_FLAG) | LOADING_FLAG,
                application_id=discord.application_id,
                interaction_id=record.id,
            )
            discord.messages[message.id] = message
        elif kind in (ix.DEFERRED_UPDATE_MESSAGE, ix.UPDATE_MESSAGE):
            if record.source_message_id is None:
                raise DiscordError(400, 40004, "This interaction has no message to update")
            message = discord.messages[record.source_message_id]
            if kind == ix.UPDATE_MESSAGE:
                discord.edit_message(message, data, files, default_parse=INTERACTION_DEFAULT_PARSE)
        elif kind == ix.AUTOCOMPLETE_RESULT:
            if problems := check_choices(data.get("choices") or []):
                raise DiscordError.invalid(problems)
        elif kind == ix.MODAL:
            if record.type == ix.MODAL_SUBMIT:
                raise DiscordError(400, 50035, "A modal cannot answer a modal submit")
            if problems := check_modal(data):
                raise DiscordError.invalid(problems)
        else:
            raise DiscordError.invalid([f"type: unsupported callback type {kind}"])
        record.callback_type, record.callback_data = kind, data
        record.answered_at = time.monotonic()
        if message is not None:
            record.response_message_id = message.id
        record.touch()
        body: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == ix.DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            body["resource"] = {"type": kind, "message": message.to_json()}
        return _json(body)

    def webhook_message(request: web.Request, record: ix.InteractionRecord) -> Message:
        if request.match_info["message"] == "@original":
            if record.response_message_id is None:
                raise DiscordError.unknown("Message", 10008)
            return discord.messages[record.response_message_id]
        return message_of(request)

    @routes.post(API + "/webhooks/{app}/{token}")
    async def followup(request: web.Request) -> web.Response:
        record = record_of(request)
        if record.callback_type is None:
            raise DiscordError.unknown("Webhook", 10015)
        channel = discord.channels[record.channel_id]
        message = discord.post_message(
            channel,
            request[PAYLOAD],
            request[FILES],
            default_parse=INTERACTION_DEFAULT_PARSE,
            record=record,
        )
        if record.callback_type == ix.DEFERRED_CHANNEL_MESSAGE and not record.original_edits:
            # The first follow-up after a "thinking" defer replaces the loading message.
            loading = discord.messages[record.response_message_id or 0]
            loading.deleted = True
            record.response_message_id = message.id
            record.original_edits += 1
        else:
            record.followup_ids.append(message.id)
        record.touch()
        return _json(message.to_json())

    @routes.get(API + "/webhooks/{app}/{token}/messages/{message}")
    async def get_webhook_message(request: web.Request) -> web.Response:
        return _json(webhook_message(request, record_of(request)).to_json())

    @routes.patch(API + "/webhooks/{app}/{token}/messages/{message}")
    async def edit_webhook_message(request: web.Request) -> web.Response:
        record = record_of(request)
        message = webhook_message(request, record)
        discord.edit_message(
            message, request[PAYLOAD], request[FILES], default_parse=INTERACTION_DEFAULT_PARSE
        )
        message.flags &= ~LOADING_FLAG
        if request.match_info["message"] == "@original":
            record.original_edits += 1
        record.touch()
        return _json(message.to_json())

    @routes.delete(API + "/webhooks/{app}/{token}/messages/{message}")
    async def delete_webhook_message(request: web.Request) -> web.Response:
        webhook_message(request, record_of(request)).deleted = True
        return web.Response(status=204)

    @routes.get(API + "/channels/{channel}")
    async def get_channel(request: web.Request) -> web.Response:
        return _json(channel_of(request).to_json())

    @routes.post(API + "/channels/{channel}/messages")
    async def send_message(request: web.Request) -> web.Response:
        channel = channel_of(request)
        if channel.type == DM and not channel.recipients[0].dms_open:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        message = discord.post_message(
            channel, request[PAYLOAD], request[FILES], default_parse=CHANNEL_DEFAULT_PARSE
        )
        return _json(message.to_json())

    @routes.get(API + "/channels/{channel}/messages/{message}")
    async def get_message(request: web.Request) -> web.Response:
        return _json(message_of(request, channel_of(request).id).to_json())

    @routes.patch(API + "/channels/{channel}/messages/{message}")
    async def edit_message(request: web.Request) -> web.Response:
        message = message_of(request, channel_of(request).id)
        if message.author.id != discord.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        discord.edit_message(
            message, request[PAYLOAD], request[FILES], default_parse=CHANNEL_DEFAULT_PARSE
        )
        return _json(message.to_json())

    @routes.delete(API + "/channels/{channel}/messages/{message}")
    async def delete_message(request: web.Request) -> web.Response:
        message_of(request, channel_of(request).id).deleted = True
        return web.Response(status=204)

    async def open_thread(
        parent: Channel, name: str, kind: int, starter: Message | None = None
    ) -> Channel:
        if parent.guild_id is None or parent.type not in (0, 5):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        guild = discord.guilds[parent.guild_id]
        if kind == PRIVATE_THREAD:
            bot_may(guild, CREATE_PRIVATE_THREADS)
        # A thread started from a message has that message's id, as on Discord.
        thread = discord.add_channel(
            guild, name, kind=kind, channel_id=starter.id if starter else None
        )
        thread.parent_id, thread.owner_id = parent.id, discord.bot_user.id
        thread.thread_members.add(discord.bot_user.id)
        await discord.dispatch(
            "THREAD_CREATE", dict(thread.to_json(), newly_created=True), guild.id
        )
        return thread

    @routes.post(API + "/channels/{channel}/messages/{message}/threads")
    async def thread_from_message(request: web.Request) -> web.Response:
        parent = channel_of(request)
        message = message_of(request, parent.id)
        if message.thread_id is not None:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        thread = await open_thread(parent, request[PAYLOAD].get("name", ""), PUBLIC_THREAD, message)
        message.thread_id = thread.id
        return _json(thread.to_json(), status=201)

    @routes.post(API + "/channels/{channel}/threads")
    async def thread_alone(request: web.Request) -> web.Response:
        payload = request[PAYLOAD]
        kind = int(payload.get("type") or PRIVATE_THREAD)
        thread = await open_thread(channel_of(request), payload.get("name", ""), kind)
        return _json(thread.to_json(), status=201)

    @routes.put(API + "/channels/{channel}/thread-members/{user}")
    async def join_thread(request: web.Request) -> web.Response:
        channel_of(request).thread_members.add(int(request.match_info["user"]))
        return web.Response(status=204)

    @routes.post(API + "/users/@me/channels")
    async def open_dm(request: web.Request) -> web.Response:
        user = discord.users.get(int(request[PAYLOAD].get("recipient_id", 0)))
        if user is None:
            raise DiscordError.unknown("User", 10013)
        return _json(discord.dm_channel(user).to_json())

    def bot_may(guild: Any, permission: int) -> None:
        """Refuse, like Discord, what the bot's roles don't allow in ``guild``."""
        if not guild.permissions_of(guild.members[discord.bot_user.id]) & permission:
            raise DiscordError(403, 50013, "Missing Permissions")

    def guild_of(request: web.Request) -> Any:
        guild = discord.guilds.get(int(request.match_info["guild"]))
        if guild is None:
            raise DiscordError.unknown("Guild", 10004)
        return guild

    @routes.get(API + "/guilds/{guild}")
    async def get_guild(request: web.Request) -> web.Response:
        return _json(guild_of(request).to_json())

    @routes.post(API + "/guilds/{guild}/channels")
    async def create_channel(request: web.Request) -> web.Response:
        guild, payload = guild_of(request), request[PAYLOAD]
        bot_may(guild, MANAGE_CHANNELS)
        if int(payload.get("type") or GUILD_TEXT) != GUILD_TEXT:
            raise DiscordError.invalid(["only text channels are supported here"])
        channel = discord.add_channel(
            guild,
            str(payload.get("name", ""))[:100],
            parent_id=int(payload["parent_id"]) if payload.get("parent_id") else None,
            overwrites=list(payload.get("permission_overwrites") or []),
        )
        return _json(channel.to_json(), status=201)

    @routes.get(API + "/guilds/{guild}/roles")
    async def get_roles(request: web.Request) -> web.Response:
        return _json([role.to_json() for role in guild_of(request).roles.values()])

    @routes.get(API + "/guilds/{guild}/members/{user}")
    async def get_member(request: web.Request) -> web.Response:
        member = guild_of(request).members.get(int(request.match_info["user"]))
        if member is None:
            raise DiscordError.unknown("Member", 10007)
        return _json(member.to_json())

    @routes.put(API + "/guilds/{guild}/members/{user}/roles/{role}")
    @routes.delete(API + "/guilds/{guild}/members/{user}/roles/{role}")
    async def member_role(request: web.Request) -> web.Response:
        guild = guild_of(request)
        member = guild.members.get(int(request.match_info["user"]))
        role = guild.roles.get(int(request.match_info["role"]))
        if member is None or role is None:
            raise DiscordError.unknown("Member" if member is None else "Role", 10007)
        bot_may(guild, MANAGE_ROLES)
        if role.position >= guild.top_position(guild.members[discord.bot_user.id]):
            raise DiscordError(403, 50013, "Missing Permissions")
        if request.method == "PUT" and role.id not in member.role_ids:
            member.role_ids.append(role.id)
        elif request.method == "DELETE" and role.id in member.role_ids:
            member.role_ids.remove(role.id)
        update = dict(member.to_json(), guild_id=str(guild.id))
        await discord.dispatch("GUILD_MEMBER_UPDATE", update, guild.id)
        return web.Response(status=204)

    @routes.get("/attachments/{attachment}/{filename}")
    async def attachment(request: web.Request) -> web.Response:
        wanted = int(request.match_info["attachment"])
        if wanted in discord.uploads:
            upload = discord.uploads[wanted]
            return web.Response(body=upload.data, content_type=upload.content_type or "")
        for message in discord.messages.values():
            for item in message.attachments:
                if item.id == wanted:
                    return web.Response(body=item.data, content_type=item.content_type or "")
        raise web.HTTPNotFound()

    @routes.route("*", API + "/{rest:.*}")
    async def unsupported(request: web.Request) -> web.Response:
        raise DiscordError(404, 0, f"404: Not Found ({request.method} {request.path})")

    app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[errors_and_record])
    app.add_routes(routes)
    return app
