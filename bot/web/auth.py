"""Signing in with Discord (OAuth2 authorization code with ``state``), signing out, and the
list of servers the user moderates where the bot is."""

import asyncio
import logging
import secrets

from aiohttp import web

from bot.services.core.moderators import moderates
from bot.web.base import dashboard, page, signed_in
from bot.web.discord_api import DiscordUnavailable
from bot.web.security import SESSION_COOKIE, STATE_COOKIE, STATE_LIFETIME, set_cookie

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """The landing page; with ``?go=1``, off to Discord's authorize page."""
    if "go" not in request.query:
        return page(request, "login.html", None)
    board = dashboard(request)
    if not board.login_limit.allow(request.remote or "?"):
        raise web.HTTPTooManyRequests(text="Too many sign-ins from here: wait a minute.")
    state = board.sessions.new_state()
    response = web.HTTPFound(board.api.authorize_url(state))
    set_cookie(request, response, STATE_COOKIE, state, STATE_LIFETIME)
    raise response


@routes.get("/callback")
async def callback(request: web.Request) -> web.StreamResponse:
    board = dashboard(request)
    state = request.query.get("state", "")
    cookie = request.cookies.get(STATE_COOKIE, "")
    if not board.login_limit.allow(request.remote or "?"):
        raise web.HTTPTooManyRequests(text="Too many sign-ins from here: wait a minute.")
    if not (state and secrets.compare_digest(state, cookie) and board.sessions.take_state(state)):
        raise web.HTTPForbidden(text="This sign-in link has expired: sign in again.")
    if "code" not in request.query:
        raise web.HTTPFound("/login")
    try:
        who = await board.api.sign_in(request.query["code"])
    except DiscordUnavailable as error:
        log.warning("sign-in failed: %s", error)
        raise web.HTTPForbidden(text="Discord did not confirm the sign-in: try again.") from None
    session = board.sessions.open(who.user_id, who.name, who.guilds)
    log.info("dashboard sign-in by user %d", who.user_id)
    response = web.HTTPSeeOther("/")
    set_cookie(request, response, SESSION_COOKIE, session.id)
    response.del_cookie(STATE_COOKIE, path="/")
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    dashboard(request).sessions.close(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@routes.get("/")
async def servers(request: web.Request) -> web.StreamResponse:
    """The servers the user moderates now, where the bot is."""
    session = signed_in(request)
    board = dashboard(request)

    async def moderated(guild_id: int) -> bool:
        powers = await board.api.powers(guild_id, session.user_id)
        config = await board.app.services.guild_settings.get(guild_id)
        return powers is not None and moderates(powers.manage_guild, powers.role_ids, config)

    ids = sorted(session.guilds, key=lambda guild_id: session.guilds[guild_id].lower())
    try:
        checks = await asyncio.gather(*(moderated(guild_id) for guild_id in ids))
    except DiscordUnavailable:
        raise web.HTTPServiceUnavailable(text="Discord did not answer: try again soon.") from None
    allowed = zip(ids, checks, strict=True)
    mine = [(guild_id, session.guilds[guild_id]) for guild_id, ok in allowed if ok]
    return page(request, "servers.html", None, servers=mine)
