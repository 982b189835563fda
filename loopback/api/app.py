"""The HTTP application: every resource's routes behind one middleware that parses the
body, checks the bot token and the global rate limit, injects faults, turns
``DiscordError`` into Discord's error JSON, and records each API request."""

import json
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from loopback.api.application import ApplicationRoutes
from loopback.api.base import API, FILES, PAYLOAD, Resource
from loopback.api.channels import ChannelRoutes
from loopback.api.errors import DiscordError, RateLimitedError, fault_error
from loopback.api.guilds import GuildRoutes
from loopback.api.interactions import InteractionRoutes
from loopback.api.messages import MessageRoutes
from loopback.api.oauth2 import OAUTH_USER, OAuth2Routes, bearer_user
from loopback.world import Attachment

if TYPE_CHECKING:
    from loopback.server import LoopbackDiscord

RESOURCES: list[type[Resource]] = [
    OAuth2Routes,
    ApplicationRoutes,
    InteractionRoutes,
    ChannelRoutes,
    MessageRoutes,
    GuildRoutes,
]


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


async def read_body(
    discord: "LoopbackDiscord", request: web.Request
) -> tuple[dict[str, Any], list[Attachment]]:
    """The JSON payload (a list under "_list") and the uploaded files of ``request``."""
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
    if request.content_type == "application/x-www-form-urlencoded":
        return {}, []  # OAuth2's token exchange: its handler reads the form
    if request.can_read_body:
        body = await request.json()
        return (body if isinstance(body, dict) else {"_list": body}), []
    return {}, []


def errors_and_record(discord: "LoopbackDiscord") -> Middleware:
    """The middleware every request passes through, bound to ``discord``'s state."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        payload: dict[str, Any] | None = None
        try:
            if request.path.startswith("/api/"):
                payload, files = await read_body(discord, request)
                request[PAYLOAD], request[FILES] = payload, files
                authorization = request.headers.get("Authorization", "")
                needs_token = request.path.split("/")[3] not in ("webhooks", "interactions")
                if request.path.endswith(("/oauth2/token", "/oauth2/authorize")):
                    needs_token = False
                elif authorization.startswith("Bearer "):
                    if not request.path.endswith(("/users/@me", "/users/@me/guilds")):
                        raise DiscordError(401, 0, "401: Unauthorized")
                    request[OAUTH_USER] = bearer_user(discord, authorization)
                    needs_token = False
                if needs_token and authorization != f"Bot {discord.token}":
                    raise DiscordError(401, 0, "401: Unauthorized")
                if needs_token:
                    within_global_limit(discord)
            fault = discord.take_fault(request.method, request.path)
            if fault is not None:
                raise fault_error(fault)
            response = await handler(request)
        except DiscordError as error:
            response = error.response()
        except web.HTTPNotFound:
            response = DiscordError(404, 0, "404: Not Found").response()
        if request.path.startswith("/api/"):
            body = payload.get("_list", payload) if payload is not None else None
            discord.record(request.method, request.path, body, response.status)
        return response

    return middleware


async def unsupported(request: web.Request) -> web.Response:
    """Any other API route: a 404 that names it, so a test shows what the bot called."""
    raise DiscordError(404, 0, f"404: Not Found ({request.method} {request.path})")


def build_api(discord: "LoopbackDiscord") -> web.Application:
    """The HTTP application, bound to ``discord``'s state."""
    app = web.Application(
        client_max_size=64 * 1024 * 1024, middlewares=[errors_and_record(discord)]
    )
    for resource in RESOURCES:
        app.add_routes(resource(discord).routes())
    # Last: aiohttp tries routes in the order they were added.
    app.router.add_route("*", API + "/{rest:.*}", unsupported)
    return app
