"""OAuth2 for a web dashboard, as Discord serves it: the authorize page, the token exchange
(authorization code, checked against the client's secret and redirect URI), and the signed-in
user and their guilds behind a Bearer token.

The authorize page approves at once as ``OAuth2.approve_as`` when a test sets it; otherwise
it lists the loopback's users to sign in as, which is how the sandbox tries the dashboard.
"""

import html
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from aiohttp import web

from loopback.api.base import API, Resource
from loopback.api.errors import DiscordError, json_response
from loopback.world import User

if TYPE_CHECKING:
    from loopback.server import LoopbackDiscord

CODE_LIFETIME = 600.0
TOKEN_LIFETIME = 604_800
SCOPES = frozenset({"identify", "guilds"})

OAUTH_USER = web.RequestKey("oauth_user", User)
"""The user a request's Bearer token belongs to (set by the API's middleware)."""


@dataclass
class Grant:
    user_id: int
    redirect_uri: str
    expires: float


@dataclass
class OAuth2:
    """The loopback's OAuth2 application: its secret, pending codes and issued tokens."""

    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    approve_as: User | None = None
    """Approve every authorization as this user, without a page (tests)."""
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)

    def grant(self, user: User, redirect_uri: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(user.id, redirect_uri, time.monotonic() + CODE_LIFETIME)
        return code


def bearer_user(discord: "LoopbackDiscord", authorization: str) -> User:
    """The user of a ``Bearer`` token, or Discord's 401."""
    user_id = discord.oauth2.tokens.get(authorization.removeprefix("Bearer ").strip())
    if user_id is None or user_id not in discord.users:
        raise DiscordError(401, 0, "401: Unauthorized")
    return discord.users[user_id]


def _redirect(uri: str, **query: str) -> web.HTTPFound:
    return web.HTTPFound(f"{uri}{'&' if '?' in uri else '?'}{urlencode(query)}")


class OAuth2Routes(Resource):
    """``/oauth2/authorize``, ``/oauth2/token``, ``/users/@me/guilds``."""

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/oauth2/authorize", self.authorize),
            web.get(API + "/oauth2/authorize", self.authorize),
            web.post(API + "/oauth2/token", self.token),
            web.get(API + "/users/@me/guilds", self.guilds),
        ]

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if query.get("client_id") != str(self.discord.application_id):
            raise web.HTTPBadRequest(text="Unknown application")
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            raise web.HTTPBadRequest(text="Invalid OAuth2 request")
        if not set(query.get("scope", "").split()) <= SCOPES:
            raise web.HTTPBadRequest(text="Invalid scope")
        redirect_uri, state = query["redirect_uri"], query.get("state", "")
        oauth = self.discord.oauth2
        chosen = query.get("as_user", "")
        user = oauth.approve_as or (
            self.discord.users.get(int(chosen)) if chosen.isdigit() else None
        )
        if query.get("deny"):
            raise _redirect(redirect_uri, error="access_denied", state=state)
        if user is not None:
            raise _redirect(redirect_uri, code=oauth.grant(user, redirect_uri), state=state)
        return self._chooser(request)

    def _chooser(self, request: web.Request) -> web.Response:
        """A page listing the people to sign in as (the sandbox's Discord has no log-in)."""
        links = []
        for user in self.discord.users.values():
            if user.bot:
                continue
            target = f"{request.path}?{urlencode({**request.query, 'as_user': str(user.id)})}"
            links.append(f'<li><a href="{html.escape(target)}">{html.escape(user.username)}</a>')
        deny = f"{request.path}?{urlencode({**request.query, 'deny': '1'})}"
        body = (
            "<!doctype html><title>Authorize</title><h1>Sign in to the dashboard as</h1>"
            f"<ul>{''.join(links)}</ul><p><a href='{html.escape(deny)}'>Cancel</a></p>"
        )
        return web.Response(text=body, content_type="text/html")

    async def token(self, request: web.Request) -> web.Response:
        """The authorization-code exchange (form-encoded, like Discord's)."""
        form = await request.post()
        oauth = self.discord.oauth2
        client_ok = form.get("client_id") == str(self.discord.application_id) and (
            secrets.compare_digest(str(form.get("client_secret", "")), oauth.client_secret)
        )
        if not client_ok:
            return json_response({"error": "invalid_client"}, status=401)
        grant = oauth.codes.pop(str(form.get("code", "")), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.expires < time.monotonic()
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return json_response({"error": "invalid_grant"}, status=400)
        token = secrets.token_urlsafe(32)
        oauth.tokens[token] = grant.user_id
        return json_response(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": secrets.token_urlsafe(32),
                "scope": "identify guilds",
            }
        )

    async def guilds(self, request: web.Request) -> web.Response:
        user = request.get(OAUTH_USER)
        if user is None:
            raise DiscordError(401, 0, "401: Unauthorized")
        listed = []
        for guild in self.discord.guilds.values():
            member = guild.members.get(user.id)
            if member is None:
                continue
            listed.append(
                {
                    "id": str(guild.id),
                    "name": guild.name,
                    "icon": None,
                    "owner": guild.owner_id == user.id,
                    "permissions": str(guild.permissions_of(member)),
                    "features": [],
                }
            )
        return json_response(listed)
