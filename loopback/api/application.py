"""The bot's own resources: its user and application, gateway info, DMs, and the
registration (sync) of its application commands."""

from typing import Any

from aiohttp import web

from loopback.api.base import API, PAYLOAD, Resource
from loopback.api.errors import DiscordError, json_response
from loopback.api.oauth2 import OAUTH_USER
from loopback.limits import check_command


class ApplicationRoutes(Resource):
    """``/users/@me``, ``/oauth2/applications/@me``, ``/gateway``, commands and DMs."""

    def routes(self) -> list[web.RouteDef]:
        commands = API + "/applications/{app}/commands"
        guild_commands = API + "/applications/{app}/guilds/{guild}/commands"
        return [
            web.get(API + "/users/@me", self.me),
            web.get(API + "/oauth2/applications/@me", self.application),
            web.get(API + "/gateway/bot", self.gateway),
            web.get(API + "/gateway", self.gateway),
            web.get(guild_commands, self.get_commands),
            web.get(commands, self.get_commands),
            web.put(guild_commands, self.put_commands),
            web.put(commands, self.put_commands),
            web.post(API + "/users/@me/channels", self.open_dm),
        ]

    async def me(self, request: web.Request) -> web.Response:
        """The bot, or with an OAuth2 Bearer token the user who signed in."""
        return json_response(request.get(OAUTH_USER, self.discord.bot_user).to_json())

    async def application(self, request: web.Request) -> web.Response:
        discord = self.discord
        return json_response(
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

    async def gateway(self, request: web.Request) -> web.Response:
        discord = self.discord
        url = discord.base_url.replace("http", "ws", 1) + "/gateway"
        remaining = max(0, discord.identify_budget - discord.identify_count)
        limit = {
            "total": discord.identify_budget,
            "remaining": remaining,
            "reset_after": 86_400_000,
            "max_concurrency": 1,
        }
        return json_response({"url": url, "shards": 1, "session_start_limit": limit})

    def registered(self, request: web.Request) -> list[dict[str, Any]]:
        """The global or guild command list the request's path names."""
        if int(request.match_info["app"]) != self.discord.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        if "guild" in request.match_info:
            return self.discord.guild_commands.setdefault(int(request.match_info["guild"]), [])
        return self.discord.commands

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.registered(request))

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: what discord.py's tree sync sends, checked as Discord checks it."""
        commands = request[PAYLOAD].get("_list")
        if not isinstance(commands, list):
            raise DiscordError.invalid(["body: must be a list of commands"])
        problems = [p for index, c in enumerate(commands) for p in check_command(c, f"{index}.")]
        if len(commands) > 100:
            problems.append("body: at most 100 commands")
        if problems:
            raise DiscordError.invalid(problems)
        target = self.registered(request)
        guild_id = request.match_info.get("guild")
        target.clear()
        ids = self.discord.ids
        for command in commands:
            stored = dict(command, id=str(ids.next()), version=str(ids.next()))
            stored["application_id"] = str(self.discord.application_id)
            if guild_id:
                stored["guild_id"] = guild_id
            stored.setdefault("type", 1)
            stored.setdefault("default_member_permissions", None)
            target.append(stored)
        return json_response(target)

    async def open_dm(self, request: web.Request) -> web.Response:
        user = self.discord.users.get(int(request[PAYLOAD].get("recipient_id", 0)))
        if user is None:
            raise DiscordError.unknown("User", 10013)
        return json_response(self.discord.dm_channel(user).to_json())
