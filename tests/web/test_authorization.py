"""Every route of the dashboard for every kind of visitor: anonymous, a member, the
moderator of another server, a moderator and the owner; writes without the right CSRF token;
guild ids that are not the visitor's; and a moderator role taken away mid-session."""

import re

import pytest

from bot.app import App
from loopback.server import LoopbackDiscord
from loopback.world import Guild
from tests.web.conftest import Visitor, World, sign_in

PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]*))?\}")
FILLERS = {"tip": "g1", "key": "g1"}


def fill(name: str, pattern: str | None, guild_id: int) -> str:
    """A value for a path's placeholder: the guild, a number, the first alternative."""
    if name == "guild":
        return str(guild_id)
    if pattern == "\\d+":
        return "1"
    return pattern.split("|")[0] if pattern else FILLERS[name]


def routes(guild_id: int) -> list[tuple[str, str]]:
    """Every (method, path) of a server's pages, read off the dashboard's own routes."""
    from bot.web import challenges, community, content, moderation, settings

    found = []
    for module in (settings, moderation, challenges, content, community):
        for route in module.routes:
            path = PLACEHOLDER.sub(
                lambda m: fill(m.group(1), m.group(2), guild_id),
                route.path,  # type: ignore[attr-defined]
            )
            found.append((route.method, path))  # type: ignore[attr-defined]
    return found


async def status(visitor: Visitor, method: str, path: str) -> int:
    if method == "GET":
        return (await visitor.get(path))[0]
    return await visitor.post(path)


async def test_every_route_for_every_visitor(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor], world: World, app: App
) -> None:
    guild = world.server.guild
    table = routes(guild.id)
    assert len(table) == 19
    cases = {
        "anonymous": None,
        "member": world.server.alice,
        "moderator of another server": world.olga,
        "moderator": world.server.moderator,
        "owner": world.server.owner,
    }
    for who, member in cases.items():
        visitor = await sign_in(discord, dashboard, visitors, member)
        for method, path in table:
            if member is not None:
                await visitor.get("/")  # a fresh CSRF token for this visitor
            got = await status(visitor, method, path)
            if who == "anonymous":
                expected = {302} if method == "GET" else {403}
            elif who in ("moderator", "owner"):
                expected = {200, 303}
            else:
                expected = {403}
            assert got in expected, (who, method, path, got)
    # nothing of Beat Lab was changed by the refused writes; the moderators' were logged
    log = await app.services.guild_settings.get(guild.id)
    assert log.guild_id == guild.id


async def test_server_list_shows_only_moderated_servers_with_the_bot(
    discord: LoopbackDiscord,
    dashboard: str,
    visitors: list[Visitor],
    world: World,
    elsewhere: Guild,
) -> None:
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    _, page = await mona.get("/")
    assert "Beat Lab" in page and "Other Lab" not in page and "Elsewhere" not in page
    olga = await sign_in(discord, dashboard, visitors, world.olga)
    _, page = await olga.get("/")
    assert "Other Lab" in page and "Beat Lab" not in page


@pytest.mark.parametrize("csrf", ["-", "", "forged-token"])
async def test_writes_need_the_sessions_csrf_token(
    discord: LoopbackDiscord,
    dashboard: str,
    visitors: list[Visitor],
    world: World,
    app: App,
    csrf: str,
) -> None:
    guild_id = world.server.guild.id
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    path = f"/g/{guild_id}/settings/timezone"
    assert await mona.post(path, csrf=csrf, zone="Europe/Berlin") == 403
    assert (await app.services.guild_settings.get(guild_id)).timezone == "UTC"
    await mona.get(f"/g/{guild_id}/settings")
    assert await mona.post(path, zone="Europe/Berlin") == 303
    assert (await app.services.guild_settings.get(guild_id)).timezone == "Europe/Berlin"


async def test_forged_guild_ids_are_refused(
    discord: LoopbackDiscord,
    dashboard: str,
    visitors: list[Visitor],
    world: World,
    elsewhere: Guild,
) -> None:
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    for guild in (world.other.id, elsewhere.id, 123, "nonsense"):
        assert (await mona.get(f"/g/{guild}/settings"))[0] == 403, guild
        await mona.get(f"/g/{world.server.guild.id}/settings")
        assert await mona.post(f"/g/{guild}/settings/timezone", zone="Asia/Tokyo") == 403


async def test_the_moderator_role_is_checked_on_every_request(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor], world: World, app: App
) -> None:
    guild = world.server.guild
    helpers = discord.add_role(guild, "Helpers")
    await app.services.guild_settings.set_moderator_role(guild.id, helpers.id)
    discord.set_member_roles(world.server.bob, [helpers.id])
    bob = await sign_in(discord, dashboard, visitors, world.server.bob)
    assert (await bob.get(f"/g/{guild.id}/moderation"))[0] == 200
    discord.set_member_roles(world.server.bob, [])
    assert (await bob.get(f"/g/{guild.id}/moderation"))[0] == 403


async def test_login_needs_its_state_and_pages_carry_a_strict_policy(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor], world: World
) -> None:
    visitor = await sign_in(discord, dashboard, visitors, None)
    assert (await visitor.get("/callback?code=x&state=forged"))[0] == 403
    async with visitor.http.get(dashboard + "/login") as response:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    async with visitor.http.get(dashboard + "/login?go=1", allow_redirects=False) as response:
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    assert discord.oauth2.client_secret not in (await mona.get("/"))[1]


async def test_sign_ins_are_rate_limited(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor]
) -> None:
    visitor = await sign_in(discord, dashboard, visitors, None)
    codes = [(await visitor.get("/login?go=1"))[0] for _ in range(12)]
    assert codes[:10] == [302] * 10 and codes[10:] == [429, 429]
