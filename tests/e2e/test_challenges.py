"""/challenge end to end through the loopback Discord: posting, entries, votes, feedback,
results, reminders, DMs, the champion role, the queue and moderators' rights."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.core.cooldowns import ENTRY_COOLDOWN
from loopback.server import LoopbackDiscord
from loopback.world import Message
from tests.audio_signals import encode, progression
from tests.e2e.helpers import (
    Server,
    post_today,
    set_up_challenges,
    start_bot,
    stop_bot,
    thread_of,
    tick,
)

MP3 = encode(progression(0, False, seconds=2.0, rate=22050), 22050, "mp3")


async def test_a_day_of_challenge_from_post_to_results(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    [post] = discord.channel_messages(channel)
    assert "Daily challenge" in post.text and post.nonce is not None
    thread = thread_of(discord, post)

    # Alice submits a file and a link through the modal; Bob a link by command.
    form = await discord.click(post, "Submit", member=server.alice)
    take = discord.upload("take.mp3", MP3, "audio/mpeg")
    done = await discord.submit(
        form,
        {"Audio file": [take], "Or a link to your track": "https://example.com/t", "Notes": "EQ"},
        member=server.alice,
    )
    assert done.ephemeral and "is in" in done.text
    bob = await discord.slash(
        "challenge submit", member=server.bob, link="https://example.com/bob", notes="first go"
    )
    assert "is in" in bob.text
    alice_entry, bob_entry = discord.channel_messages(thread)
    assert alice_entry.attachments[-1].data == MP3 and alice_entry.pings.nobody
    assert (
        f"<@{server.alice.id}>" in alice_entry.text and "https://example.com/t" in alice_entry.text
    )

    # Entries fan out into the thread: a second one within seconds waits.
    hasty = await discord.slash("challenge submit", member=server.bob, link="https://e.com/b")
    assert "again in 10 seconds" in hasty.text and hasty.ephemeral
    clock.advance(ENTRY_COOLDOWN)

    # Bad inputs are refused with a sentence, privately (and cost no cooldown).
    bad_link = await discord.slash("challenge submit", member=server.bob, link="ftp://x/y")
    assert bad_link.ephemeral and "https://" in bad_link.text
    picture = discord.upload("cover.png", b"\x89PNG", "image/png")
    bad_file = await discord.slash("challenge submit", member=server.bob, file=picture)
    assert "not an audio file" in bad_file.text

    # Votes: one per member, none for oneself.
    assert "1 vote" in (await discord.click(alice_entry, "Vote", member=server.bob)).text
    assert "already voted" in (await discord.click(alice_entry, "Vote", member=server.bob)).text
    assert "your own" in (await discord.click(alice_entry, "Vote", member=server.alice)).text
    assert "2 votes" in (await discord.click(alice_entry, "Vote", member=server.moderator)).text

    # Feedback, marked helpful by the entry's author only.
    form = await discord.click(alice_entry, "Feedback", member=server.bob)
    sent = await discord.submit(
        form, {"Your feedback": "The low end is tight; try less reverb."}, member=server.bob
    )
    assert "feedback is posted" in sent.text
    note = discord.channel_messages(thread)[-1]
    assert "less reverb" in note.text and note.pings.nobody
    refused = await discord.click(note, "Helpful", member=server.bob)
    assert "Only the entry's author" in refused.followups[0].text
    await discord.click(note, "Helpful", member=server.alice)
    assert note.buttons()[0]["disabled"] is True

    # Bob replaces his take: the old post says so, the new one collects votes.
    again = await discord.slash("challenge submit", member=server.bob, link="https://e.com/b2")
    assert "replaced your earlier take" in again.text
    assert "replaced" in bob_entry.text and bob_entry.buttons() == []

    # At the deadline: the post closes, results are posted, points and streaks count.
    await tick(bot, clock, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    messages = discord.channel_messages(channel)  # the results, and the next day's post
    assert len(messages) == 3
    results = next(m for m in messages if "Results" in m.text)
    assert f"🥇 <@{server.alice.id}>: 2 votes" in results.text and results.pings.nobody
    assert post.buttons() == [] and "Closed" in post.text
    late = await discord.click(alice_entry, "Vote", member=server.owner)
    assert "closed" in late.text

    board = await discord.slash("challenge leaderboard", member=server.bob, period="all")
    assert board.ephemeral and f"<@{server.alice.id}> · 30 points" in board.text
    assert "You: #2 with 14 points" in board.text  # entry 10, streak 1, helpful feedback 3
    streak = await discord.slash(
        "challenge streak", member=server.bob, options={"member": server.alice}
    )
    assert "Current\n1 day" in streak.text
    history = await discord.slash("challenge history", member=server.alice)
    assert "2 votes · 30 points · 🥇" in history.text
    rules = await discord.slash("challenge rules", member=server.alice)
    assert "Streak bonus" in rules.text and "freeze" in rules.text


async def test_moderator_subcommands_are_refused_to_members_and_other_guilds(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    attempts = [
        ("challenge setup", {"channel": channel, "time": "10:00"}),
        ("challenge pause", {}),
        ("challenge resume", {}),
        ("challenge postnow", {}),
        ("challenge cadence", {"every": "weekly"}),
        ("challenge reminder", {"hours": 2}),
        ("challenge champion", {}),
        ("challenge feedback", {"required": 1}),
        ("challenge add", {}),
        ("challenge schedule", {"challenge": "x"}),
        ("challenge queue", {}),
    ]
    for command, options in attempts:
        refused = await discord.slash(command, member=server.alice, **options)
        assert refused.ephemeral and "Only moderators" in refused.text, command

    # A moderator of another guild is a plain member here.
    other = discord.add_guild("Other Lab")
    mods = discord.add_role(other, "Mods", permissions=1 << 5)
    visitor = discord.add_member(other, "vic", roles=(mods,))
    server.guild.members[visitor.id] = type(visitor)(server.guild.id, visitor.user)
    refused = await discord.slash("challenge pause", member=server.guild.members[visitor.id])
    assert "Only moderators" in refused.text

    # A crafted button from this guild's entry does nothing in the other guild.
    post = await post_today(discord, server, channel)
    await discord.slash("challenge submit", member=server.alice, link="https://e.com/a")
    [entry] = discord.channel_messages(thread_of(discord, post))
    await discord.dispatch("GUILD_CREATE", discord.guild_create_payload(other), other.id)
    foreign = discord.default_channel(other)
    copy = Message(discord.ids.next(), foreign.id, other.id, discord.bot_user, "copy")
    copy.components = entry.components
    discord.messages[copy.id] = copy
    stolen = await discord.click(copy, "Vote", member=visitor)
    assert "no longer exists" in stolen.text


async def test_the_reminder_mentions_only_the_chosen_role(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    producers = discord.add_role(server.guild, "Producers")
    await discord.dispatch(
        "GUILD_ROLE_CREATE",
        {"guild_id": str(server.guild.id), "role": producers.to_json()},
        server.guild.id,
    )
    done = await discord.slash(
        "challenge reminder", member=server.moderator, hours=3, role=producers
    )
    assert f"Reminder 3 h before the deadline, mentioning <@&{producers.id}>" in done.text
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    await tick(bot, clock, datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    post, reminder = discord.channel_messages(channel)
    assert reminder.content.startswith(f"⏰ <@&{producers.id}> 3 hours left")
    assert reminder.pings.roles == {producers.id}
    assert not reminder.pings.everyone and not reminder.pings.users
    await tick(bot, clock, clock.now() + timedelta(minutes=30))
    assert len(discord.channel_messages(channel)) == 2  # once
    assert post.pings.nobody


async def test_streak_dms_go_to_opted_in_members_and_closed_dms_are_remembered(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    for member in (server.alice, server.bob):
        reply = await discord.slash("challenge streakdm", member=member, enabled=True)
        assert "DM you" in reply.text
    server.bob.user.dms_open = False
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    for member in (server.alice, server.bob):
        await discord.slash("challenge submit", member=member, link="https://e.com/day-1")
    await tick(bot, clock, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # results, day 2 posted
    posted = [message.text for message in discord.channel_messages(channel)]
    assert len(posted) == 3, posted
    await tick(bot, clock, datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # 3 h before day 2 ends
    [dm] = discord.dms(server.alice.user)
    assert "1-day challenge streak" in dm.text and "at risk" in dm.text
    closed = [r for r in discord.requests if r.status == 403 and r.path.endswith("/messages")]
    assert len(closed) == 1  # Bob's closed DMs, tried once

    await tick(bot, clock, datetime(2026, 11, 27, 6, 0, tzinfo=UTC))  # Bob is not tried again
    closed = [r for r in discord.requests if r.status == 403 and r.path.endswith("/messages")]
    assert len(closed) == 1


async def test_the_champion_role_moves_to_the_months_top_member(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    admins = discord.add_role(server.guild, "Admins", permissions=1 << 3)
    champion = discord.add_role(server.guild, "Champion")
    bot_role = server.guild.roles[server.guild.members[discord.bot_user.id].role_ids[0]]
    bot_role.position = 50  # above every other role, as a server admin would arrange
    mods = next(role for role in server.guild.roles.values() if role.name == "Mods")
    mods.position = 49  # a moderator may only hand out roles below their own
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    bot, task = await start_bot(discord, database, clock, content)
    try:
        await set_up_challenges(discord, server, bot)
        refused = await discord.slash("challenge champion", member=server.moderator, role=admins)
        assert "moderator powers" in refused.text
        done = await discord.slash("challenge champion", member=server.moderator, role=champion)
        assert f"<@&{champion.id}>" in done.text
        # December: Alice is the only one with points; January: Bob.
        months = [(datetime(2026, 12, 1, 9, tzinfo=UTC), server.alice)]
        months.append((datetime(2027, 1, 1, 9, tzinfo=UTC), server.bob))
        for first, member in months:
            await tick(bot, clock, first)
            await discord.slash("challenge submit", member=member, link="https://e.com/a")
            await tick(bot, clock, first + timedelta(days=31, hours=-8))  # next month begins
            assert champion.id in member.role_ids
        assert champion.id not in server.alice.role_ids  # it moved on to Bob
    finally:
        await stop_bot(bot, task)


async def test_moderators_schedule_edit_move_and_remove_in_the_queue(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, content: Content
) -> None:
    await set_up_challenges(discord, server, bot, queued=0)
    form = await discord.slash("challenge add", member=server.moderator)
    added = await discord.submit(
        form,
        {
            "Title": "Eight-bar hook",
            "Brief": "Write an eight-bar vocal hook over four chords.",
            "Skill it trains": ["music-theory"],
            "Difficulty": ["easy"],
            "Hours to submit (1 to 168)": "36",
        },
        member=server.moderator,
    )
    assert "Scheduled **Eight-bar hook** at the end of the queue" in added.text
    choices = await discord.autocomplete(
        "challenge schedule", "challenge", member=server.moderator, challenge="bass"
    )
    assert 0 < len(choices) <= 25
    dated = await discord.slash(
        "challenge schedule",
        member=server.moderator,
        challenge=choices[0]["value"],
        date="2026-11-30",
    )
    assert "for 2026-11-30" in dated.text

    queue = await discord.slash("challenge queue", member=server.moderator)
    assert queue.ephemeral and "Eight-bar hook" in queue.text and "from the bank" in queue.text
    assert "Page 1 of 2" in queue.text
    [menu] = queue.message.selects()
    hook = next(o["value"] for o in menu["options"] if o["label"] == "Eight-bar hook")
    await discord.select(queue.message, [hook], member=server.moderator)
    edit = await discord.click(queue.message, "Edit", member=server.moderator)
    changes = {
        "Title": "Nine-bar hook",
        "Skill it trains": ["music-theory"],
        "Difficulty": ["easy"],
    }
    await discord.submit(edit, changes, member=server.moderator)
    assert "Nine-bar hook" in queue.message.text

    await discord.select(queue.message, [hook], member=server.moderator)
    move = await discord.click(queue.message, "Move", member=server.moderator)
    await discord.submit(
        move, {"New date (YYYY-MM-DD), or next / end": "2026-11-29"}, member=server.moderator
    )
    assert "`Sun 29 Nov` **Nine-bar hook**" in queue.message.text

    await discord.select(queue.message, [hook], member=server.moderator)
    await discord.click(queue.message, "Remove", member=server.moderator)
    assert "Nine-bar hook" not in queue.message.text
    others = await discord.click(queue.message, "Next", member=server.alice)
    assert "belong to someone else" in others.text


@pytest.mark.parametrize("kind", ["bank"])
def test_every_bank_challenge_renders_within_discords_limits(kind: str, content: Content) -> None:
    from bot.services.challenges.common import ChallengeCard, PostInfo
    from cogs.challenges import render
    from loopback.limits import check_embeds

    embeds = []
    for number, challenge in enumerate(content.challenges.challenges):
        card = ChallengeCard.from_bank(challenge)
        post = PostInfo(
            number,
            1,
            datetime(2027, 1, 1).date(),
            card.title,
            card.brief,
            card.skill,
            card.difficulty,
            card.constraints,
            2,
            3,
            4,
            datetime(2027, 1, 2, tzinfo=UTC),
        )
        embeds += [
            render.challenge(content.career, post),
            render.challenge(content.career, post, closed=True),
        ]
    assert [p for embed in embeds for p in check_embeds([embed.to_dict()])] == []
    assert len(embeds) == 2 * len(content.challenges.challenges)


async def test_a_channel_closed_to_the_bot_pauses_and_tells_the_moderators_once(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    """Permissions removed: the post gets 403, is not retried in a loop, the challenges
    pause, and the mod-log says what to fix. The same failure again the same day (after a
    hasty resume) is logged, not posted to the moderators a second time."""
    log = discord.add_channel(server.guild, "mod-log")
    await discord.dispatch("CHANNEL_CREATE", log.to_json(), server.guild.id)
    await discord.slash("settings channel", member=server.moderator, feature="mod-log", channel=log)
    channel = await set_up_challenges(discord, server, bot)
    posting = f"/channels/{channel.id}/messages"
    discord.inject_fault("POST", posting, 403, code=50013, times=2)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert (await bot.services.challenges.settings.settings(server.guild.id)).paused
    [alert] = discord.channel_messages(log)
    assert "`/challenge resume`" in alert.embeds[0]["description"] and alert.pings.nobody
    await discord.slash("challenge resume", member=server.moderator)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 5, tzinfo=UTC))  # the claim's lease is over
    attempts = [r for r in discord.requests if r.method == "POST" and r.path.endswith(posting)]
    assert [r.status for r in attempts] == [403, 403]
    assert len(discord.channel_messages(log)) == 1
    await discord.slash("challenge resume", member=server.moderator)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 10, tzinfo=UTC))
    assert len(discord.channel_messages(channel)) == 1  # fixed: today's challenge is out


async def test_a_refused_form_is_not_kept(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    """Discord closes a form once it is sent; a refused one must not stay in memory."""
    channel = await set_up_challenges(discord, server, bot)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    [post] = discord.channel_messages(channel)
    open_forms = bot._connection._view_store._modals
    before = len(open_forms)
    for _ in range(3):
        form = await discord.click(post, "Submit", member=server.alice)
        refused = await discord.submit(
            form, {"Or a link to your track": "ftp://x/y"}, member=server.alice
        )
        assert "https://" in refused.text
    assert len(open_forms) == before
