"""Answers to interactions: the callback, follow-ups, and the webhook routes that read,
edit and delete the original response and follow-up messages."""

import time
from typing import Any

from aiohttp import web

from loopback import interactions as ix
from loopback.api.base import API, FILES, INTERACTION_DEFAULT_PARSE, LOADING_FLAG, PAYLOAD, Resource
from loopback.api.errors import UNKNOWN_INTERACTION, DiscordError, json_response
from loopback.limits import check_choices, check_modal
from loopback.world import EPHEMERAL_FLAG, Attachment, Message


class InteractionRoutes(Resource):
    """``/interactions/{id}/{token}/callback`` and ``/webhooks/{app}/{token}...``."""

    def routes(self) -> list[web.RouteDef]:
        webhook_message = API + "/webhooks/{app}/{token}/messages/{message}"
        return [
            web.post(API + "/interactions/{interaction}/{token}/callback", self.callback),
            web.post(API + "/webhooks/{app}/{token}", self.followup),
            web.get(webhook_message, self.get_webhook_message),
            web.patch(webhook_message, self.edit_webhook_message),
            web.delete(webhook_message, self.delete_webhook_message),
        ]

    def record_of(self, request: web.Request) -> ix.InteractionRecord:
        """The interaction whose token the webhook path carries."""
        token = request.match_info["token"]
        for record in self.discord.interactions.values():
            if record.token == token:
                return record
        raise DiscordError.unknown("Webhook", 10015)

    def webhook_message(self, request: web.Request, record: ix.InteractionRecord) -> Message:
        """The message a webhook path names: ``@original`` or a message id."""
        if request.match_info["message"] == "@original":
            if record.response_message_id is None:
                raise DiscordError.unknown("Message", 10008)
            return self.discord.messages[record.response_message_id]
        return self.message_of(request)

    async def callback(self, request: web.Request) -> web.Response:
        """The bot's first answer to an interaction, within the deadline and only once."""
        discord = self.discord
        record = discord.interactions.get(int(request.match_info["interaction"]))
        if record is None or record.token != request.match_info["token"]:
            raise UNKNOWN_INTERACTION
        if record.callback_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.sent_at > discord.interaction_deadline:
            raise UNKNOWN_INTERACTION
        payload = request[PAYLOAD]
        kind, data = payload.get("type"), payload.get("data") or {}
        message = self.answer(record, kind, data, request[FILES])
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
        return json_response(body)

    def answer(
        self,
        record: ix.InteractionRecord,
        kind: Any,
        data: dict[str, Any],
        files: list[Attachment],
    ) -> Message | None:
        """Apply a callback of type ``kind``; the message it posted or updated, if any."""
        discord = self.discord
        channel = discord.channels[record.channel_id]
        if kind == ix.CHANNEL_MESSAGE:
            return discord.post_message(
                channel, data, files, default_parse=INTERACTION_DEFAULT_PARSE, record=record
            )
        if kind == ix.DEFERRED_CHANNEL_MESSAGE:
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
            return message
        if kind in (ix.DEFERRED_UPDATE_MESSAGE, ix.UPDATE_MESSAGE):
            if record.source_message_id is None:
                raise DiscordError(400, 40004, "This interaction has no message to update")
            message = discord.messages[record.source_message_id]
            if kind == ix.UPDATE_MESSAGE:
                discord.edit_message(message, data, files, default_parse=INTERACTION_DEFAULT_PARSE)
            return message
        if kind == ix.AUTOCOMPLETE_RESULT:
            if problems := check_choices(data.get("choices") or []):
                raise DiscordError.invalid(problems)
            return None
        if kind == ix.MODAL:
            if record.type == ix.MODAL_SUBMIT:
                raise DiscordError(400, 50035, "A modal cannot answer a modal submit")
            if problems := check_modal(data):
                raise DiscordError.invalid(problems)
            return None
        raise DiscordError.invalid([f"type: unsupported callback type {kind}"])

    async def followup(self, request: web.Request) -> web.Response:
        discord = self.discord
        record = self.record_of(request)
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
        return json_response(message.to_json())

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        return json_response(self.webhook_message(request, self.record_of(request)).to_json())

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self.record_of(request)
        message = self.webhook_message(request, record)
        self.discord.edit_message(
            message, request[PAYLOAD], request[FILES], default_parse=INTERACTION_DEFAULT_PARSE
        )
        message.flags &= ~LOADING_FLAG
        if request.match_info["message"] == "@original":
            record.original_edits += 1
        record.touch()
        return json_response(message.to_json())

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        self.webhook_message(request, self.record_of(request)).deleted = True
        return web.Response(status=204)
