"""The settings page over HTTP: every schedule set and turned off through the services the
slash commands use, each change in the audit log; a channel of another server is refused."""

from bot.app import App
from loopback.server import LoopbackDiscord
from tests.web.conftest import Visitor, World, sign_in


async def test_schedules_are_set_and_turned_off(
    discord: LoopbackDiscord, dashboard: str, visitors: list[Visitor], world: World, app: App
) -> None:
    guild = world.server.guild
    channel = discord.add_channel(guild, "studio")
    foreign = discord.add_channel(world.other, "theirs")
    mona = await sign_in(discord, dashboard, visitors, world.server.moderator)
    _, page = await mona.get(f"/g/{guild.id}/settings")
    assert "#studio" in page and "#theirs" not in page
    base, studio = f"/g/{guild.id}/settings/schedule", str(channel.id)
    assert await mona.post(f"{base}/tips", channel=studio, time="08:30") == 303
    assert (
        await mona.post(
            f"{base}/challenges", channel=studio, time="19:00", every="weekly", days="fri"
        )
        == 303
    )
    assert (
        await mona.post(f"{base}/networking", channel=studio, weeks="2", weekday="2", size="3")
        == 303
    )
    overview = await app.services.overview.overview(guild.id)
    assert overview.daily_tip and (overview.daily_tip.post_time, overview.daily_tip.enabled) == (
        "08:30",
        True,
    )
    assert overview.challenges and overview.challenges.weekdays == 1 << 4
    assert overview.networking and (overview.networking.every_weeks, overview.networking.size) == (
        2,
        3,
    )
    assert await mona.post(f"{base}/tips", off="1") == 303
    assert await mona.post(f"{base}/networking", off="1") == 303
    overview = await app.services.overview.overview(guild.id)
    assert overview.daily_tip is None or not overview.daily_tip.enabled
    assert overview.networking is None or not overview.networking.enabled

    assert await mona.post(f"{base}/tips", channel=str(foreign.id), time="07:00") == 303
    _, page = await mona.get(f"/g/{guild.id}/settings")
    assert "Pick one of this server&#39;s text channels." in page
    _, page = await mona.get(f"/g/{guild.id}/moderation")
    assert "challenges weekly at 19:00" in page and "networking off" in page
