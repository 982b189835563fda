"""Channel messages: send, fetch, edit and delete, and the download of their attachments."""

from aiohttp import web

from loopback.api.base import API, CHANNEL_DEFAULT_PARSE, FILES, PAYLOAD, Resource
from loopback.api.errors import DiscordError, json_response
from loopback.world import DM


class MessageRoutes(Resource):
    """``/channels/{channel}/messages[/{message}]`` and ``/attachments/{id}/{filename}``."""

    def routes(self) -> list[web.RouteDef]:
        message = API + "/channels/{channel}/messages/{message}"
        return [
            web.post(API + "/channels/{channel}/messages", self.send_message),
            web.get(message, self.get_message),
            web.patch(message, self.edit_message),
            web.delete(message, self.delete_message),
            web.get("/attachments/{attachment}/{filename}", self.attachment),
        ]

    async def send_message(self, request: web.Request) -> web.Response:
        channel = self.channel_of(request)
        if channel.type == DM and not channel.recipients[0].dms_open:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        message = self.discord.post_message(
            channel, request[PAYLOAD], request[FILES], default_parse=CHANNEL_DEFAULT_PARSE
        )
        return json_response(message.to_json())

    async def get_message(self, request: web.Request) -> web.Response:
        return json_response(self.message_of(request, self.channel_of(request).id).to_json())

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.message_of(request, self.channel_of(request).id)
        if message.author.id != self.discord.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        self.discord.edit_message(
            message, request[PAYLOAD], request[FILES], default_parse=CHANNEL_DEFAULT_PARSE
        )
        return json_response(message.to_json())

    async def delete_message(self, request: web.Request) -> web.Response:
        self.message_of(request, self.channel_of(request).id).deleted = True
        return web.Response(status=204)

    async def attachment(self, request: web.Request) -> web.Response:
        """The bytes of a member's upload or of a file the bot attached to a message."""
        wanted = int(request.match_info["attachment"])
        if wanted in self.discord.uploads:
            upload = self.discord.uploads[wanted]
            return web.Response(body=upload.data, content_type=upload.content_type or "")
        for message in self.discord.messages.values():
            for item in message.attachments:
                if item.id == wanted:
                    return web.Response(body=item.data, content_type=item.content_type or "")
        raise web.HTTPNotFound()
