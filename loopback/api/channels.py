"""Channels and threads: fetch and create channels, open threads, add thread members."""

from aiohttp import web

from loopback.api.base import API, PAYLOAD, Resource
from loopback.api.errors import DiscordError, json_response
from loopback.world import (
    CREATE_PRIVATE_THREADS,
    GUILD_TEXT,
    MANAGE_CHANNELS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Message,
)


class ChannelRoutes(Resource):
    """``/channels/{channel}``, ``/guilds/{guild}/channels``, threads and thread members."""

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(API + "/channels/{channel}", self.get_channel),
            web.post(
                API + "/channels/{channel}/messages/{message}/threads", self.thread_from_message
            ),
            web.post(API + "/channels/{channel}/threads", self.thread_alone),
            web.put(API + "/channels/{channel}/thread-members/{user}", self.join_thread),
            web.post(API + "/guilds/{guild}/channels", self.create_channel),
        ]

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self.channel_of(request).to_json())

    async def create_channel(self, request: web.Request) -> web.Response:
        guild, payload = self.guild_of(request), request[PAYLOAD]
        self.bot_may(guild, MANAGE_CHANNELS)
        if int(payload.get("type") or GUILD_TEXT) != GUILD_TEXT:
            raise DiscordError.invalid(["only text channels are supported here"])
        channel = self.discord.add_channel(
            guild,
            str(payload.get("name", ""))[:100],
            parent_id=int(payload["parent_id"]) if payload.get("parent_id") else None,
            overwrites=list(payload.get("permission_overwrites") or []),
        )
        return json_response(channel.to_json(), status=201)

    async def open_thread(
        self, parent: Channel, name: str, kind: int, starter: Message | None = None
    ) -> Channel:
        """A new thread under ``parent``, announced to the bot as Discord does."""
        discord = self.discord
        if parent.guild_id is None or parent.type not in (0, 5):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        guild = discord.guilds[parent.guild_id]
        if kind == PRIVATE_THREAD:
            self.bot_may(guild, CREATE_PRIVATE_THREADS)
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

    async def thread_from_message(self, request: web.Request) -> web.Response:
        parent = self.channel_of(request)
        message = self.message_of(request, parent.id)
        if message.thread_id is not None:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        name = request[PAYLOAD].get("name", "")
        thread = await self.open_thread(parent, name, PUBLIC_THREAD, message)
        message.thread_id = thread.id
        return json_response(thread.to_json(), status=201)

    async def thread_alone(self, request: web.Request) -> web.Response:
        payload = request[PAYLOAD]
        kind = int(payload.get("type") or PRIVATE_THREAD)
        thread = await self.open_thread(self.channel_of(request), payload.get("name", ""), kind)
        return json_response(thread.to_json(), status=201)

    async def join_thread(self, request: web.Request) -> web.Response:
        self.channel_of(request).thread_members.add(int(request.match_info["user"]))
        return web.Response(status=204)
