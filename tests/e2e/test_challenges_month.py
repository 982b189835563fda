"""Thirty simulated days for three guilds in different time zones, through the loopback
Discord: daylight-saving changes, a restart in the middle of a posting and half a day of
downtime still give exactly one post per guild and challenge day, none skipped."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.core.exactly_once import CLAIM_LEASE
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Channel, Guild, Member
from tests.e2e.helpers import start_bot, stop_bot

START = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)
END = START + timedelta(days=30)
STEP = timedelta(hours=1)
DOWN, UP = datetime(2027, 3, 19, 10, 0, tzinfo=UTC), datetime(2027, 3, 19, 22, 0, tzinfo=UTC)
CRASH = datetime(2027, 3, 25, 11, 0, tzinfo=UTC)  # New York's post time that day


@dataclass
class Community:
    """A guild with its schedule, and every challenge post seen with the time it appeared."""

    zone: str
    post_time: time
    every: str
    guild: Guild
    moderator: Member
    channel: Channel
    seen: dict[int, datetime] = field(default_factory=dict)

    def expected_days(self) -> list[date]:
        """Local dates from the set-up day whose post time comes before the end, by the
        cadence (on the set-up day, a post time already past posts at once)."""
        zone, days = ZoneInfo(self.zone), []
        day = START.astimezone(zone).date()
        while datetime.combine(day, self.post_time, zone) < END:
            if self.every == "daily" or day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days


async def community(
    discord: LoopbackDiscord, name: str, zone: str, at: str, every: str
) -> Community:
    guild = discord.add_guild(name)
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    moderator = discord.add_member(guild, f"{name}-mod", roles=(mods,))
    channel = discord.add_channel(guild, "challenges")
    hours, minutes = map(int, at.split(":"))
    return Community(zone, time(hours, minutes), every, guild, moderator, channel)


def observe(discord: LoopbackDiscord, places: list[Community], now: datetime) -> None:
    for place in places:
        for message in discord.channel_messages(place.channel):
            if (message.nonce or "").startswith("c"):
                place.seen.setdefault(message.id, now)


@pytest.mark.slow
async def test_thirty_days_three_zones_one_post_per_day(
    discord: LoopbackDiscord, database: Database, clock: ManualClock, content: Content
) -> None:
    clock.set(START)
    places = [
        await community(discord, "nyc", "America/New_York", "07:00", "daily"),
        await community(discord, "berlin", "Europe/Berlin", "18:00", "weekdays"),
        await community(discord, "sydney", "Australia/Sydney", "02:00", "daily"),
    ]
    bot, task = await start_bot(discord, database, clock, content)
    for place in places:
        options = {
            "channel": place.channel,
            "time": f"{place.post_time:%H:%M}",
            "timezone": place.zone,
        }
        await discord.slash("challenge setup", member=place.moderator, **options)
        await discord.slash("challenge cadence", member=place.moderator, every=place.every)

    now = START
    try:
        while now < END:
            if now == DOWN:  # half a day of downtime
                await stop_bot(bot, task)
                now = UP
                clock.set(now)
                bot, task = await start_bot(discord, database, clock, content)
            elif now == CRASH:  # a restart in the middle of New York's posting
                bot, task = await crash_while_posting(
                    discord, database, clock, content, bot, task, places
                )
                now += STEP
                continue
            clock.set(now)
            await bot.scheduler.run_due()
            observe(discord, places, now)
            now += STEP
    finally:
        await stop_bot(bot, task)

    for place in places:
        zone = ZoneInfo(place.zone)
        posts = [discord.messages[message_id] for message_id in place.seen]
        days = [
            datetime.strptime(m.nonce or "", f"c{place.guild.id % 10**12}%y%m%d").date()
            for m in posts
        ]
        assert sorted(days) == place.expected_days(), place.zone  # each day once, none missed
        assert all(m.thread_id is not None for m in posts)
        # At the local post time, across New York's (Mar 14), Berlin's (Mar 28) and Sydney's
        # (Apr 4, where 02:00 comes twice) clock changes; late only after the downtime.
        for day, seen in zip(days, place.seen.values(), strict=True):
            scheduled = datetime.combine(day, place.post_time, zone).astimezone(UTC)
            late = DOWN <= scheduled < UP
            assert seen == (UP if late else max(scheduled, START)), (place.zone, day)
    assert [len(p.expected_days()) for p in places] == [31, 22, 31]


async def crash_while_posting(
    discord: LoopbackDiscord,
    database: Database,
    clock: ManualClock,
    content: Content,
    bot: ProducerBot,
    task: "asyncio.Task[None]",
    places: list[Community],
) -> tuple[ProducerBot, "asyncio.Task[None]"]:
    """New York's post goes out, then Discord stalls on its thread (a long 429) and the
    process dies. The restarted bot sends the same post again after the lease: the nonce
    makes Discord return the first message, so the channel still shows one."""
    nyc = places[0]
    before = len(discord.channel_messages(nyc.channel))
    stall = discord.inject_fault("POST", "/threads", 429, retry_after=60)
    clock.set(CRASH)  # the scheduler wakes and starts posting
    await discord.wait_for_messages(nyc.channel, before + 1)
    observe(discord, places, CRASH)
    await stop_bot(bot, task)  # the post is out, its thread and confirmation are not
    stall.times = 0
    restarted = await start_bot(discord, database, clock, content)
    clock.set(CRASH + CLAIM_LEASE / 2)
    await restarted[0].scheduler.run_due()
    clock.set(CRASH + CLAIM_LEASE * 2)
    await restarted[0].scheduler.run_due()
    nonce = f"c{nyc.guild.id % 10**12}270325"
    sends = [
        r for r in discord.requests if isinstance(r.body, dict) and r.body.get("nonce") == nonce
    ]
    assert len(sends) == 2  # sent again after the lease...
    assert len(discord.channel_messages(nyc.channel)) == before + 1  # ...and shown once
    return restarted
