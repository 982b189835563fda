"""Guilds and their members: the guild, its roles, a member, and adding or removing a
member's role."""

from aiohttp import web

from loopback.api.base import API, Resource
from loopback.api.errors import DiscordError, json_response
from loopback.world import MANAGE_ROLES


class GuildRoutes(Resource):
    """``/guilds/{guild}``, its ``roles`` and ``members/{user}[/roles/{role}]``."""

    def routes(self) -> list[web.RouteDef]:
        member_role = API + "/guilds/{guild}/members/{user}/roles/{role}"
        return [
            web.get(API + "/guilds/{guild}", self.get_guild),
            web.get(API + "/guilds/{guild}/roles", self.get_roles),
            web.get(API + "/guilds/{guild}/channels", self.get_channels),
            web.get(API + "/guilds/{guild}/members/{user}", self.get_member),
            web.delete(member_role, self.member_role),
            web.put(member_role, self.member_role),
        ]

    async def get_guild(self, request: web.Request) -> web.Response:
        return json_response(self.guild_of(request).to_json())

    async def get_roles(self, request: web.Request) -> web.Response:
        return json_response([role.to_json() for role in self.guild_of(request).roles.values()])

    async def get_channels(self, request: web.Request) -> web.Response:
        guild = self.guild_of(request)
        return json_response([c.to_json() for c in guild.channels.values() if c.parent_id is None])

    async def get_member(self, request: web.Request) -> web.Response:
        member = self.guild_of(request).members.get(int(request.match_info["user"]))
        if member is None:
            raise DiscordError.unknown("Member", 10007)
        return json_response(member.to_json())

    async def member_role(self, request: web.Request) -> web.Response:
        """PUT adds the role, DELETE removes it; the bot must outrank it, as on Discord."""
        guild = self.guild_of(request)
        member = guild.members.get(int(request.match_info["user"]))
        role = guild.roles.get(int(request.match_info["role"]))
        if member is None or role is None:
            raise DiscordError.unknown("Member" if member is None else "Role", 10007)
        self.bot_may(guild, MANAGE_ROLES)
        if role.position >= guild.top_position(guild.members[self.discord.bot_user.id]):
            raise DiscordError(403, 50013, "Missing Permissions")
        if request.method == "PUT" and role.id not in member.role_ids:
            member.role_ids.append(role.id)
        elif request.method == "DELETE" and role.id in member.role_ids:
            member.role_ids.remove(role.id)
        update = dict(member.to_json(), guild_id=str(guild.id))
        await self.discord.dispatch("GUILD_MEMBER_UPDATE", update, guild.id)
        return web.Response(status=204)
