"""The dashboard's aiohttp application: security middleware, templates and every page."""

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.app import App
from bot.services.challenges.calendar import ChallengeCalendar
from bot.services.community.queue import ModerationQueue
from bot.services.community.stats import CommunityStats
from bot.services.core.audit import AuditService
from bot.web import auth, challenges, community, content, moderation, settings
from bot.web.base import DASHBOARD, Dashboard
from bot.web.discord_api import DiscordAPI
from bot.web.security import (
    LOGINS_PER_MINUTE,
    SECURE_COOKIES,
    SESSIONS,
    RateLimit,
    Sessions,
    headers,
    sessions_and_csrf,
)

HERE = Path(__file__).parent
MAX_UPLOAD = 512 * 1024


def build_web(app: App, api: DiscordAPI, *, secure_cookies: bool) -> web.Application:
    """The dashboard for ``app``'s services, logging in through ``api``."""
    web_app = web.Application(middlewares=[headers, sessions_and_csrf], client_max_size=MAX_UPLOAD)
    sessions = Sessions()
    web_app[SESSIONS] = sessions
    web_app[SECURE_COOKIES] = secure_cookies
    web_app[DASHBOARD] = Dashboard(
        app,
        api,
        sessions,
        RateLimit(LOGINS_PER_MINUTE),
        AuditService(app.database, app.clock),
        ChallengeCalendar(app.database, app.clock, app.services.challenges.schedule),
        ModerationQueue(app.database),
        CommunityStats(app.database, app.clock),
    )
    aiohttp_jinja2.setup(
        web_app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    web_app.router.add_static("/static", HERE / "static")
    for module in (auth, settings, moderation, challenges, content, community):
        web_app.add_routes(module.routes)
    return web_app
