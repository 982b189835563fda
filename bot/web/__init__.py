"""The moderators' web dashboard (``python -m bot web``): Discord log-in, then settings,
challenges, content, community charts and the moderation queue of each server the user
moderates. It calls the bot's services; what needs Discord goes through the database."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.app import App, build_app
from bot.settings import Settings
from bot.web.app import build_web
from bot.web.discord_api import DiscordAPI, OAuthClient

log = logging.getLogger(__name__)


class NotConfigured(Exception):
    """A setting the dashboard needs is missing; the text names it."""


def base_url(settings: Settings) -> str:
    return (settings.web_base_url or f"http://127.0.0.1:{settings.web_port}").rstrip("/")


@contextlib.asynccontextmanager
async def serving(
    app: App, settings: Settings, api_base: str | None, oauth: OAuthClient, bot_token: str
) -> AsyncIterator[str]:
    """The dashboard for ``app`` on ``WEB_HOST``:``WEB_PORT`` while the block runs; yields
    its public address."""
    public = base_url(settings)
    async with aiohttp.ClientSession() as http:
        api = DiscordAPI(http, api_base, oauth, bot_token)
        secure = public.startswith("https://")
        runner = web.AppRunner(build_web(app, api, secure_cookies=secure), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.web_host, settings.web_port).start()
            log.info("dashboard at %s (listening on %s)", public, settings.web_port)
            yield public
        finally:
            await runner.cleanup()


async def serve(settings: Settings) -> None:
    """Serve the dashboard until SIGTERM or SIGINT."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    secret = settings.discord_client_secret
    if not (token and settings.discord_client_id and secret):
        raise NotConfigured(
            "the dashboard needs DISCORD_TOKEN, DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET"
        )
    app = await build_app(settings)
    redirect = base_url(settings) + "/callback"
    oauth = OAuthClient(settings.discord_client_id, secret.get_secret_value(), redirect)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stopping.set)
    try:
        async with serving(app, settings, settings.discord_api_base, oauth, token):
            await stopping.wait()
    finally:
        await app.database.close()
