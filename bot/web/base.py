"""What every page of the dashboard shares: the services, the signed-in session, and the
check that the user moderates the server of the URL.

Every page of a server goes through ``moderator_of``, which asks Discord (with the bot's
token) for the member's roles and powers on each request, so a moderator who loses the role
loses the dashboard at once; a guild id that is not one of the user's is refused the same way.
"""

from dataclasses import dataclass

import aiohttp_jinja2
from aiohttp import web

from bot.app import App
from bot.services.challenges.calendar import ChallengeCalendar
from bot.services.community.queue import ModerationQueue
from bot.services.community.stats import CommunityStats
from bot.services.core.audit import AuditService
from bot.services.core.guild_settings import GuildConfig
from bot.services.core.moderators import moderates
from bot.web.discord_api import DiscordAPI, DiscordUnavailable
from bot.web.security import SESSION, RateLimit, Session, Sessions


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the pages use: the bot's services, Discord, sessions and the audit log."""

    app: App
    api: DiscordAPI
    sessions: Sessions
    login_limit: RateLimit
    audit: AuditService
    calendar: ChallengeCalendar
    queue: ModerationQueue
    stats: CommunityStats


DASHBOARD = web.AppKey("dashboard", Dashboard)


@dataclass(frozen=True, slots=True)
class Place:
    """A server page's context: the guild, checked to be moderated by the signed-in user."""

    guild_id: int
    name: str
    session: Session
    config: GuildConfig

    def url(self, page: str = "") -> str:
        return f"/g/{self.guild_id}/{page}".rstrip("/")


def dashboard(request: web.Request) -> Dashboard:
    return request.app[DASHBOARD]


def signed_in(request: web.Request) -> Session:
    """The session, or a redirect to the log-in (a write without one never gets here)."""
    session: Session | None = request.get(SESSION)
    if session is None:
        raise web.HTTPFound("/login")
    return session


async def moderator_of(request: web.Request) -> Place:
    """The guild of the URL, if the signed-in user moderates it right now; else 403."""
    session = signed_in(request)
    text = request.match_info["guild"]
    guild_id = int(text) if text.isdigit() else 0
    if guild_id not in session.guilds:
        raise web.HTTPForbidden(text="You are not a moderator of that server.")
    board = dashboard(request)
    try:
        powers = await board.api.powers(guild_id, session.user_id)
    except DiscordUnavailable:
        raise web.HTTPServiceUnavailable(text="Discord did not answer: try again soon.") from None
    config = await board.app.services.guild_settings.get(guild_id)
    if powers is None or not moderates(powers.manage_guild, powers.role_ids, config):
        raise web.HTTPForbidden(text="You are not a moderator of that server.")
    return Place(guild_id, session.guilds[guild_id], session, config)


def flash(session: Session, text: str, *, error: bool = False) -> None:
    session.flash = (text, error)


def back(place: Place, page: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(place.url(page))


async def audit(request: web.Request, place: Place, action: str, detail: str) -> None:
    await dashboard(request).audit.record(place.guild_id, place.session.user_id, action, detail)


def page(
    request: web.Request, template: str, place: Place | None, **context: object
) -> web.Response:
    session = request.get(SESSION)
    message = None
    if session is not None:
        message, session.flash = session.flash, None
    return aiohttp_jinja2.render_template(
        template,
        request,
        {"place": place, "session": session, "flash": message, **context},
    )
