"""What the dashboard asks Discord (or any Discord-compatible API at ``DISCORD_API_BASE``):
the OAuth2 login (authorize page, code exchange, the user and their guilds) with the user's
token, and a member's roles and powers with the bot's token. Tokens never leave this module."""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import discord

DISCORD_SITE = "https://discord.com"
SCOPES = "identify guilds"
TIMEOUT = aiohttp.ClientTimeout(total=10)
NAMES_MAX = 50
NAMES_TTL = 300.0


class DiscordUnavailable(Exception):
    """Discord refused or failed a request the dashboard needs."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: int
    name: str
    guilds: dict[int, str]
    """The guilds the user is in, by id: their names."""


@dataclass(frozen=True, slots=True)
class MemberPowers:
    """What the moderator check needs of a member: Manage Server (owners and
    administrators have it) and their role ids."""

    manage_guild: bool
    role_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Role:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OAuthClient:
    client_id: str
    client_secret: str
    redirect_uri: str


class DiscordAPI:
    def __init__(
        self, http: aiohttp.ClientSession, site: str | None, oauth: OAuthClient, bot_token: str
    ) -> None:
        self._http = http
        self._site = (site or DISCORD_SITE).rstrip("/")
        self._api = f"{self._site}/api/v10"
        self._oauth = oauth
        self._bot = {"Authorization": f"Bot {bot_token}"}
        self._names: dict[tuple[int, int], tuple[str, float]] = {}

    def authorize_url(self, state: str) -> str:
        query = {
            "client_id": self._oauth.client_id,
            "redirect_uri": self._oauth.redirect_uri,
            "response_type": "code",
            "scope": SCOPES,
            "state": state,
        }
        return f"{self._site}/oauth2/authorize?{urlencode(query)}"

    async def _json(self, method: str, path: str, **options: Any) -> Any:
        try:
            async with self._http.request(
                method, self._api + path, timeout=TIMEOUT, **options
            ) as response:
                if response.status == 404 or response.status == 403:
                    return None
                if response.status >= 400:
                    raise DiscordUnavailable(f"{method} {path.split('?')[0]}: {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DiscordUnavailable(f"{method} {path}: {type(error).__name__}") from None

    async def sign_in(self, code: str) -> SignedIn:
        """Exchange the authorization code, read the user and their guilds, and forget the
        user's token: the dashboard keeps only who they are."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._oauth.redirect_uri,
            "client_id": self._oauth.client_id,
            "client_secret": self._oauth.client_secret,
        }
        grant = await self._json("POST", "/oauth2/token", data=form)
        if not grant or "access_token" not in grant:
            raise DiscordUnavailable("the authorization code was refused")
        user_auth = {"Authorization": f"Bearer {grant['access_token']}"}
        user = await self._json("GET", "/users/@me", headers=user_auth)
        guilds = await self._json("GET", "/users/@me/guilds", headers=user_auth)
        if not user or guilds is None:
            raise DiscordUnavailable("the signed-in user could not be read")
        name = user.get("global_name") or user["username"]
        return SignedIn(int(user["id"]), name, {int(g["id"]): g["name"] for g in guilds})

    async def powers(self, guild_id: int, user_id: int) -> MemberPowers | None:
        """The member's powers now, read with the bot's token; None when the bot is not in
        the guild or the user no longer is."""
        guild = await self._json("GET", f"/guilds/{guild_id}", headers=self._bot)
        member = guild and await self._json(
            "GET", f"/guilds/{guild_id}/members/{user_id}", headers=self._bot
        )
        if not guild or not member:
            return None
        role_ids = frozenset(int(role_id) for role_id in member["roles"])
        value = 0
        for role in guild["roles"]:
            if int(role["id"]) in role_ids or int(role["id"]) == guild_id:
                value |= int(role["permissions"])
        permissions = discord.Permissions(value)
        manage = (
            int(guild["owner_id"]) == user_id
            or permissions.administrator
            or permissions.manage_guild
        )
        return MemberPowers(manage, role_ids)

    async def names(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
        """Display names of the guild's members among ``user_ids`` (at most ``NAMES_MAX``
        looked up, each kept for ``NAMES_TTL`` seconds); members who left are missing."""
        now = time.monotonic()
        wanted = [
            user_id
            for user_id in dict.fromkeys(user_ids)
            if self._names.get((guild_id, user_id), ("", 0.0))[1] < now
        ][:NAMES_MAX]

        async def one(user_id: int) -> None:
            member = await self._json(
                "GET", f"/guilds/{guild_id}/members/{user_id}", headers=self._bot
            )
            if member:
                user = member["user"]
                name = member.get("nick") or user.get("global_name") or user["username"]
                self._names[guild_id, user_id] = (name, now + NAMES_TTL)

        await asyncio.gather(*(one(user_id) for user_id in wanted))
        return {
            user_id: name
            for (guild, user_id), (name, _) in self._names.items()
            if guild == guild_id
        }

    async def channels(self, guild_id: int) -> list[Channel]:
        """The guild's text channels, in Discord's order."""
        rows = await self._json("GET", f"/guilds/{guild_id}/channels", headers=self._bot) or []
        text = [row for row in rows if row.get("type") == 0]
        text.sort(key=lambda row: (row.get("position", 0), int(row["id"])))
        return [Channel(int(row["id"]), row["name"]) for row in text]

    async def roles(self, guild_id: int) -> list[Role]:
        rows = await self._json("GET", f"/guilds/{guild_id}/roles", headers=self._bot) or []
        rows = [row for row in rows if int(row["id"]) != guild_id and not row.get("managed")]
        rows.sort(key=lambda row: -int(row.get("position", 0)))
        return [Role(int(row["id"]), row["name"]) for row in rows]
