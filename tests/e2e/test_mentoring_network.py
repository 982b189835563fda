"""/network end to end: setup, a full round with check-ins, left-out and paused members."""

from datetime import UTC, datetime, timedelta

from bot.client import ProducerBot
from bot.clock import ManualClock
from loopback.server import LoopbackDiscord
from loopback.world import Channel, Member
from tests.e2e.helpers import Server, private_threads

MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # the clock starts on Mon 23 Nov


async def set_up(discord: LoopbackDiscord, server: Server, every: int = 2) -> Channel:
    lounge = discord.add_channel(server.guild, "networking")
    await discord.dispatch("CHANNEL_CREATE", lounge.to_json(), server.guild.id)
    refused = await discord.slash(
        "network setup", member=server.alice, channel=lounge, every=every, day=0, size=2
    )
    assert "Only moderators" in refused.text
    done = await discord.slash(
        "network setup", member=server.moderator, channel=lounge, every=every, day=0, size=2
    )
    assert "on Monday at noon" in done.text and "Monday 30 November" in done.text
    return lounge


async def join(discord: LoopbackDiscord, *members: Member) -> None:
    for member in members:
        joined = await discord.slash("network join", member=member)
        assert joined.ephemeral and "You're in" in joined.text


async def test_a_full_round_with_preview_intros_check_ins_and_stats(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    await set_up(discord, server)
    carol, dave, erin = (discord.add_member(server.guild, n) for n in ("carol", "dave", "erin"))
    members = [server.alice, server.bob, carol, dave, erin]
    await join(discord, *members)

    preview = await discord.slash("network preview", member=server.moderator)
    assert preview.ephemeral and "Group 2" in preview.text and "Group 3" not in preview.text
    assert all(f"<@{m.id}>" in preview.text for m in members)
    assert private_threads(discord) == [] and not any(discord.dms(m.user) for m in members)

    clock.set(MONDAY_NOON)
    await bot.scheduler.run_due()
    made = private_threads(discord)
    assert sorted(len(t.thread_members - {discord.bot_user.id}) for t in made) == [2, 3]
    for thread in made:
        [intro] = discord.channel_messages(thread)
        assert intro.pings.users == thread.thread_members - {discord.bot_user.id}
        assert "meet each other" in intro.content and "Conversation starters" in intro.text
    assert "Did you meet" not in str([discord.channel_messages(t)[0].text for t in made])

    clock.set(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))  # halfway through two weeks
    await bot.scheduler.run_due()
    pair = next(t for t in made if len(t.thread_members) == 3)
    checkin = discord.channel_messages(pair)[1]
    assert "did you meet?" in checkin.content
    assert checkin.pings.users == pair.thread_members - {discord.bot_user.id}
    insider = next(m for m in members if m.id in pair.thread_members)
    outsider = next(m for m in members if m.id not in pair.thread_members)
    answered = await discord.click(checkin, "Yes", member=insider)
    assert answered.ephemeral and "Great" in answered.text
    stranger = await discord.click(checkin, "Not yet", member=outsider)
    assert "for the members of this introduction" in stranger.text

    stats = await discord.slash("network stats", member=server.moderator)
    assert "2 groups, meet rate 50% (1 met)" in stats.text
    assert "5 members taking part" in stats.text
    assert "Only moderators" in (await discord.slash("network stats", member=server.bob)).text

    await bot.scheduler.run_due()  # nothing is sent twice
    assert sum(len(discord.channel_messages(t)) for t in made) == 4


async def test_left_out_members_are_told_why_and_ignored_intros_pause(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    await set_up(discord, server, every=1)
    carol = discord.add_member(server.guild, "carol")
    await join(discord, server.alice, server.bob, carol)
    await discord.slash("block", member=carol, options={"member": server.alice})
    await discord.slash("block", member=carol, options={"member": server.bob})

    for week in range(3):
        clock.set(MONDAY_NOON + timedelta(weeks=week))
        await bot.scheduler.run_due()
    [first, *_] = private_threads(discord)
    assert first.thread_members == {discord.bot_user.id, server.alice.id, server.bob.id}
    told = discord.dms(carol.user)
    assert len(told) == 3 and "someone you blocked or who blocked you" in told[0].text
    assert told[0].pings.nobody

    clock.set(MONDAY_NOON + timedelta(weeks=3))  # the third round ends unanswered
    await bot.scheduler.run_due()
    [paused] = [m for m in discord.dms(server.alice.user) if "paused" in m.text]
    assert "/network join" in paused.text
    stats = await discord.slash("network stats", member=server.moderator)
    assert "2 paused" in stats.text
    assert "You're in" in (await discord.slash("network join", member=server.alice)).text
    assert "Only moderators" in (await discord.slash("network stop", member=server.bob)).text
    assert "are off" in (await discord.slash("network stop", member=server.moderator)).text
    told_before = len(discord.dms(carol.user))
    clock.set(MONDAY_NOON + timedelta(weeks=4))
    await bot.scheduler.run_due()
    assert len(discord.dms(carol.user)) == told_before  # no round, so nobody left out
    gone = await discord.slash("network join", member=server.bob)
    assert "not set up" in gone.text
