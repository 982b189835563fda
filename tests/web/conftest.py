"""Dashboard fixtures: the loopback Discord (which serves the OAuth2 log-in), the bot's
services on a real database, and the dashboard on a real port, signed in through Discord's
authorization-code flow; ``browser`` is Debian's Chromium driven by Playwright."""

import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from bot.app import App, assemble
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.web.app import build_web
from bot.web.discord_api import DiscordAPI, OAuthClient
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Guild, Member
from tests.e2e.helpers import Server, add_server

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class World:
    """Beat Lab (``server``), and Other Lab, moderated by olga, who is a plain member of
    Beat Lab."""

    server: Server
    other: Guild
    olga: Member


@pytest.fixture
async def discord() -> AsyncIterator[LoopbackDiscord]:
    loopback = LoopbackDiscord()
    await loopback.start()
    yield loopback
    await loopback.stop()


@pytest.fixture
def world(discord: LoopbackDiscord) -> World:
    server = add_server(discord)
    other = discord.add_guild("Other Lab")
    mods = discord.add_role(other, "Mods", permissions=MANAGE_GUILD)
    olga = discord.add_member(other, "olga", roles=(mods,))
    server.guild.members[olga.id] = Member(server.guild.id, olga.user)
    return World(server, other, olga)


@pytest.fixture
def elsewhere(discord: LoopbackDiscord, world: World) -> Guild:
    """A guild where mona is a member and the bot is not (no bot may connect after it)."""
    guild = discord.add_guild("Elsewhere")
    del guild.members[discord.bot_user.id]
    guild.members[world.server.moderator.id] = Member(guild.id, world.server.moderator.user)
    return guild


@pytest.fixture
def app(database: Database, clock: ManualClock, content: Content) -> App:
    return assemble(database, clock, content)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def dashboard(discord: LoopbackDiscord, app: App) -> AsyncIterator[str]:
    """The dashboard's base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret = discord.oauth2.client_secret
    oauth = OAuthClient(str(discord.application_id), secret, base + "/callback")
    async with aiohttp.ClientSession() as http:
        api = DiscordAPI(http, discord.base_url, oauth, discord.token)
        runner = web.AppRunner(build_web(app, api, secure_cookies=False), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield base
        await runner.cleanup()


@dataclass
class Visitor:
    """An HTTP client with its own cookies; ``csrf`` is read off the last page."""

    http: aiohttp.ClientSession
    base: str
    csrf: str = ""

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=False) as response:
            text = await response.text()
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        return response.status, text

    async def post(self, path: str, csrf: str | None = None, **form: str) -> int:
        data = {"csrf": self.csrf if csrf is None else csrf, **form}
        if csrf == "-":
            del data["csrf"]
        async with self.http.post(self.base + path, data=data, allow_redirects=False) as response:
            return response.status


@pytest.fixture
async def visitors(discord: LoopbackDiscord, dashboard: str) -> AsyncIterator[list[Visitor]]:
    """Made by ``sign_in``; closed at the end."""
    made: list[Visitor] = []
    yield made
    for visitor in made:
        await visitor.http.close()


async def sign_in(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor], member: Member | None
) -> Visitor:
    """A visitor signed in as ``member`` through the loopback's OAuth2 (None: anonymous)."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    visitor = Visitor(http, dashboard)
    visitors.append(visitor)
    if member is not None:
        discord.oauth2.approve_as = member.user
        async with http.get(dashboard + "/login?go=1") as response:
            assert response.status == 200, await response.text()
            assert str(response.url) == dashboard + "/"
        discord.oauth2.approve_as = None
        await visitor.get("/")
    return visitor


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium, or skip (``.ci/run`` installs it where it can)."""
    pytest.importorskip("playwright.async_api")
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium is not installed")
    return path
