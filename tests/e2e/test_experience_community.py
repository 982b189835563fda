"""A community that can see itself, end to end through the loopback Discord: the weekly
public leaderboard, the champion announcement, reports handled like suggestions, settings
that show every schedule and channel, and mentoring that keeps both sides informed."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.charts import BODY_TEXT, PHONE_WIDTH, SMALLEST_TEXT_KEY, WIDTH
from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from loopback.server import LoopbackDiscord
from loopback.world import Channel, Member, Message
from tests.e2e.helpers import (
    LETTERS,
    Server,
    asked_question,
    eventually,
    offer,
    request_notice,
    set_up_challenges,
    start_bot,
    stop_bot,
    thread_of,
    tick,
)


async def _board_channel(discord: LoopbackDiscord, server: Server) -> Channel:
    channel = discord.add_channel(server.guild, "leaderboard")
    await discord.dispatch("CHANNEL_CREATE", channel.to_json(), server.guild.id)
    chosen = await discord.slash(
        "settings channel", member=server.moderator, feature="leaderboard", channel=channel
    )
    assert "**leaderboard** will post in" in chosen.text
    return channel


async def test_the_weekly_leaderboard_is_posted_once_on_monday_in_the_chosen_channel(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))  # a Tuesday
    bot, task = await start_bot(discord, database, clock, content)
    try:
        board_channel = await _board_channel(discord, server)
        challenges = await set_up_challenges(discord, server, bot)
        await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
        [post] = discord.channel_messages(challenges)
        for member in (server.alice, server.bob):
            await discord.slash("challenge submit", member=member, link="https://e.com/t")
        alice_entry = discord.channel_messages(thread_of(discord, post))[0]
        await discord.click(alice_entry, "Vote", member=server.bob)

        # Bob answers one quiz question right.
        quiz = await discord.slash("quiz skills", member=server.bob, topic="effects", length=3)
        question = asked_question(content, quiz.message.text)
        await discord.click(quiz.message, LETTERS[question.answer], member=server.bob)

        await tick(bot, clock, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # results
        await tick(bot, clock, datetime(2026, 11, 29, 9, 0, tzinfo=UTC))  # Sunday
        assert discord.channel_messages(board_channel) == []

        await tick(bot, clock, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday
        [board] = discord.channel_messages(board_channel)
        assert "Last week's leaders" in board.text and "23 Nov to 29 Nov 2026" in board.text
        challenges_field, quiz_field = board.embeds[0]["fields"]
        assert challenges_field["value"].startswith(f"🥇 <@{server.alice.id}> · ")
        assert f"<@{server.bob.id}>" in challenges_field["value"]
        assert quiz_field["value"] == f"🥇 <@{server.bob.id}> · 100 points"
        assert "weekly" in board.embeds[0]["footer"]["text"]
        assert board.pings.nobody
        picture = Image.open(io.BytesIO(board.attachments[0].data))
        assert board.attachments[0].filename == "leaderboard.png"
        assert picture.size[0] == WIDTH
        assert int(picture.info[SMALLEST_TEXT_KEY]) * PHONE_WIDTH / WIDTH >= BODY_TEXT

        # Later ticks, and a restart, do not post the week again.
        await tick(bot, clock, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    finally:
        await stop_bot(bot, task)
    bot, task = await start_bot(discord, database, clock, content)
    try:
        await tick(bot, clock, datetime(2026, 11, 30, 13, 0, tzinfo=UTC))
        assert len(discord.channel_messages(board_channel)) == 1
    finally:
        await stop_bot(bot, task)


async def test_a_new_champion_is_announced_in_the_leaderboard_channel(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    champion = discord.add_role(server.guild, "Champion")
    bot_role = server.guild.roles[server.guild.members[discord.bot_user.id].role_ids[0]]
    bot_role.position = 50
    mods = next(role for role in server.guild.roles.values() if role.name == "Mods")
    mods.position = 49
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    bot, task = await start_bot(discord, database, clock, content)
    try:
        board_channel = await _board_channel(discord, server)
        await set_up_challenges(discord, server, bot)
        await discord.slash("challenge champion", member=server.moderator, role=champion)
        first = datetime(2026, 12, 1, 9, tzinfo=UTC)
        await tick(bot, clock, first)
        await discord.slash("challenge submit", member=server.alice, link="https://e.com/a")
        await tick(bot, clock, first + timedelta(days=31, hours=-8))  # January begins
        assert champion.id in server.alice.role_ids
        [news] = [m for m in discord.channel_messages(board_channel) if "champion" in m.text]
        assert f"<@{server.alice.id}>" in news.text and "December 2026" in news.text
        assert news.pings.users == {server.alice.id} and not news.pings.roles
    finally:
        await stop_bot(bot, task)


async def test_a_report_is_marked_handled_by_a_moderator_across_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    bot, task = await start_bot(discord, database, clock, content)
    try:
        log = discord.add_channel(server.guild, "mod-log")
        await discord.dispatch("CHANNEL_CREATE", log.to_json(), server.guild.id)
        await discord.slash(
            "settings channel", member=server.moderator, feature="mod-log", channel=log
        )
        reason = "Spammed my DMs with paid promo links after I declined."
        await discord.slash(
            "report", member=server.bob, options={"member": server.alice, "reason": reason}
        )
        [card] = await discord.wait_for_messages(log, 1)
        assert "Report #" in card.text and "open" in card.text
        assert [b["label"] for b in card.buttons()] == ["Mark handled"]
    finally:
        await stop_bot(bot, task)
    bot, task = await start_bot(discord, database, clock, content)
    try:
        refused = await discord.click(card, "Mark handled", member=server.alice)
        assert "Only moderators" in refused.text
        handled = await discord.click(card, "Mark handled", member=server.moderator)
        assert handled.message.id == card.id
        assert "handled" in card.embeds[0]["footer"]["text"]
        assert f"<@{server.moderator.id}>" in card.text
        [label] = card.buttons()
        assert label["disabled"] is True and label["label"].startswith("Handled by")
    finally:
        await stop_bot(bot, task)


async def test_settings_show_every_schedule_and_channel_and_daily_shows_its_setting(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    empty = await discord.slash("settings show", member=server.moderator)
    assert "**Tip of the day**: not set up" in empty.text
    assert "**Challenges**: not set up" in empty.text
    assert "**Networking introductions**: off" in empty.text
    assert "**Weekly leaderboard**: off" in empty.text
    assert "not set up" in (await discord.slash("career daily", member=server.moderator)).text

    tips = discord.add_channel(server.guild, "tips")
    await discord.dispatch("CHANNEL_CREATE", tips.to_json(), server.guild.id)
    await discord.slash("career daily", member=server.moderator, channel=tips, time="08:30")
    challenges = await set_up_challenges(discord, server, bot)
    await discord.slash(
        "network setup", member=server.moderator, channel=challenges, every=2, day=3, size=2
    )
    board = await _board_channel(discord, server)

    shown = await discord.slash("settings show", member=server.moderator)
    assert f"**Tip of the day**: <#{tips.id}> every day at 08:30 (UTC)" in shown.text
    assert f"**Challenges**: <#{challenges.id}> at 09:00 (UTC) every day" in shown.text
    assert f"**Networking introductions**: <#{challenges.id}> every 2 weeks" in shown.text
    assert f"**Weekly leaderboard**: <#{board.id}> every Monday at 09:00" in shown.text
    assert "Channel: leaderboard" in shown.text and "Channel: mod-log" in shown.text

    daily = await discord.slash("career daily", member=server.moderator)
    assert daily.ephemeral
    assert f"**on**: in <#{tips.id}> every day at 08:30 (UTC)" in daily.text
    await discord.slash("career daily", member=server.moderator, off=True)
    assert "**off**" in (await discord.slash("career daily", member=server.moderator)).text


async def _describe(bot: ProducerBot, server: Server, member: Member, zone: str) -> None:
    profiles, guild = bot.services.profiles, server.guild.id
    await profiles.save_about(guild, member.id, [], None, zone, "")
    await profiles.save_scene(guild, member.id, ["trap", "lo-fi"], ["fl-studio"])


async def test_mentoring_tells_both_sides_and_explains_its_suggestions(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    await _describe(bot, server, server.alice, "Europe/Berlin")
    await _describe(bot, server, server.bob, "Europe/Paris")
    await discord.slash("career mark", member=server.alice, skill="mastering", state="learning")
    await offer(discord, server.bob, ["mastering"])

    found = await discord.slash("mentor find", member=server.alice)
    why = found.message.embeds[0]["fields"][0]["value"]
    assert "covers your goal Mastering" in why
    assert "shares your genres Trap, Lo-fi" in why or "shares your genres Lo-fi, Trap" in why
    assert "same DAW (FL Studio)" in why and "shares your time zone" in why
    assert "2 free places" in why
    unknown = await discord.slash("mentor find", member=server.alice, skill="karaoke")
    assert unknown.ephemeral and "There is no skill called `karaoke`" in unknown.text
    near = await discord.slash("mentor find", member=server.alice, skill="masterin")
    assert "Did you mean **Mastering**" in near.text

    # The mentor ends the mentorship: the mentee is told, by DM.
    await discord.slash("mentor request", member=server.alice, options={"mentor": server.bob})
    await discord.click(request_notice(discord, server.bob), "Accept", member=server.bob)
    ended = await discord.slash("mentor end", member=server.bob, options={"member": server.alice})
    assert "has ended" in ended.text

    def told() -> list[Message]:
        return [m for m in discord.dms(server.alice.user) if "ended your mentorship" in m.text]

    await eventually(told, "the mentee's notice")
    assert len(told()) == 1 and f"Your mentor <@{server.bob.id}>" in told()[0].text

    # A request nobody answers lapses after 14 days, visibly, and the mentee is told.
    carol = discord.add_member(server.guild, "carol")
    await offer(discord, carol, ["mastering"])
    clock.advance(REQUEST_COOLDOWN)
    asked = await discord.slash("mentor request", member=server.alice, options={"mentor": carol})
    assert "on its way" in asked.text
    clock.advance(timedelta(days=13))
    await bot.scheduler.run_due()
    assert not [m for m in discord.dms(server.alice.user) if "lapsed" in m.text]
    clock.advance(timedelta(days=1, minutes=1))
    await bot.scheduler.run_due()
    [lapsed] = [m for m in discord.dms(server.alice.user) if "lapsed" in m.text]
    assert f"<@{carol.id}>" in lapsed.text and "14 days" in lapsed.text
    mine = await discord.slash("mentor mine", member=server.alice)
    assert f"to <@{carol.id}>: expired" in mine.text
    late = await discord.click(request_notice(discord, carol), "Accept", member=carol)
    assert "already expired" in (await late.wait_followups(1))[0].text
    await bot.scheduler.run_due()  # told once
    assert len([m for m in discord.dms(server.alice.user) if "lapsed" in m.text]) == 1
