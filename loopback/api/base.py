"""What every resource module shares: the route prefix, the parsed request body, and
``Resource``, the base class that finds channels, messages and guilds or answers 404."""

from typing import TYPE_CHECKING

from aiohttp import web

from loopback.api.errors import DiscordError
from loopback.world import Channel, Guild, Message

if TYPE_CHECKING:
    from loopback.server import LoopbackDiscord

API = "/api/v{version:\\d+}"
LOADING_FLAG = 1 << 7
CHANNEL_DEFAULT_PARSE = ["everyone", "roles", "users"]
INTERACTION_DEFAULT_PARSE = ["users"]

PAYLOAD = web.RequestKey("payload", dict)
"""The request's JSON body (``payload_json`` for a multipart one); a list is under "_list"."""
FILES = web.RequestKey("files", list)
"""The files a multipart request uploaded, as ``Attachment``s."""


class Resource:
    """A group of routes bound to ``discord``'s state; subclasses list them in ``routes``."""

    def __init__(self, discord: "LoopbackDiscord") -> None:
        self.discord = discord

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    def channel_of(self, request: web.Request) -> Channel:
        channel = self.discord.channels.get(int(request.match_info["channel"]))
        if channel is None:
            raise DiscordError.unknown("Channel", 10003)
        return channel

    def message_of(self, request: web.Request, channel_id: int | None = None) -> Message:
        message = self.discord.messages.get(int(request.match_info["message"]))
        if message is None or message.deleted:
            raise DiscordError.unknown("Message", 10008)
        if channel_id is not None and message.channel_id != channel_id:
            raise DiscordError.unknown("Message", 10008)
        return message

    def guild_of(self, request: web.Request) -> Guild:
        guild = self.discord.guilds.get(int(request.match_info["guild"]))
        if guild is None:
            raise DiscordError.unknown("Guild", 10004)
        return guild

    def bot_may(self, guild: Guild, permission: int) -> None:
        """Refuse, like Discord, what the bot's roles don't allow in ``guild``."""
        if not guild.permissions_of(guild.members[self.discord.bot_user.id]) & permission:
            raise DiscordError(403, 50013, "Missing Permissions")
