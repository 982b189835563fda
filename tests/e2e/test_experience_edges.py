"""Rough edges, smoothed, end to end through the loopback Discord."""

from datetime import UTC, datetime, timedelta

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from cogs.profiles import render
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import (
    Server,
    answer_type_questions,
    best_answers,
    offer,
    post_today,
    set_up_challenges,
    thread_of,
    tick,
)


async def test_help_shows_groups_options_as_discord_shows_them_and_marks_moderators(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    group = await discord.slash("help", member=server.alice, command="career")
    assert group.ephemeral and "There is no command" not in group.text
    assert "`/career tip [topic] [level]`" in group.text
    assert "`/career daily [channel] [time] [off]` 🛡️" in group.text
    assert "`/career skills`\n" in group.text  # members' commands carry no mark
    choices = await discord.autocomplete("help", "command", member=server.alice, command="car")
    assert "career" in [c["value"] for c in choices]

    roles = await discord.slash("help", member=server.alice, command="quiz roles")
    assert "/quiz roles <type> [role]" in roles.text and "producer_type" not in roles.text
    assert "For moderators only" in roles.text
    every = await discord.slash("help", member=server.alice)
    assert "/quiz roles <type>" not in every.text  # the overview page lists groups


async def test_a_file_over_the_servers_upload_limit_is_refused_in_plain_words(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    await post_today(discord, server, channel)
    big = discord.upload("mix.wav", b"RIFF" + b"\0" * (10 * 2**20 + 20_000), "audio/wav")
    refused = await discord.slash("challenge submit", member=server.alice, file=big)
    assert refused.ephemeral
    assert "`mix.wav` is 10.02 MiB, more than this server's upload limit of 10 MiB" in refused.text


async def test_networking_words_a_round_without_groups_and_hides_its_internals(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    lounge = discord.add_channel(server.guild, "networking")
    await discord.dispatch("CHANNEL_CREATE", lounge.to_json(), server.guild.id)
    await discord.slash(
        "network setup", member=server.moderator, channel=lounge, every=1, day=0, size=2
    )
    await discord.slash("network join", member=server.alice)  # alone: no group can form
    preview = await discord.slash("network preview", member=server.moderator)
    assert "Preview of the round of" in preview.text and "seed" not in preview.text
    await tick(bot, clock, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    stats = await discord.slash("network stats", member=server.moderator)
    assert "No groups were formed" in stats.text and "meet rate" not in stats.text
    assert "1 round, 0 introductions" in stats.text and "1 member taking part" in stats.text


async def test_counts_read_as_english(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    post = await post_today(discord, server, channel)
    await discord.slash("challenge submit", member=server.alice, link="https://e.com/a")
    entry = discord.channel_messages(thread_of(discord, post))[0]
    vote = await discord.click(entry, "Vote", member=server.bob)
    assert "this take has 1 vote." in vote.text
    feedback = await discord.slash("challenge feedback", member=server.moderator, required=1)
    assert "1 piece of feedback" in feedback.text and "pieces" not in feedback.text
    offer_reply = await offer(discord, server.bob, ["mastering"])
    assert "1 topic with 2 places" in offer_reply.text


async def test_a_weekly_challenge_stays_open_a_week_and_says_weekly(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))  # a Tuesday
    channel = await set_up_challenges(discord, server, bot)
    weekly = await discord.slash(
        "challenge cadence", member=server.moderator, every="weekly", days="tue"
    )
    assert "Tue" in weekly.text or "Tuesday" in weekly.text
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    [post] = discord.channel_messages(channel)
    assert "Weekly challenge" in post.text and "Daily challenge" not in post.text
    opened = await bot.services.challenges.entries.open_post(server.guild.id)
    assert opened.deadline_at - datetime(2026, 11, 24, 9, 0, tzinfo=UTC) == timedelta(days=7)
    await tick(bot, clock, datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # still open on Friday
    entered = await discord.slash("challenge submit", member=server.alice, link="https://e.com/a")
    assert "is in" in entered.text


async def test_profile_cards_show_what_is_filled_in_and_agree_on_what_i_do(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, content: Content
) -> None:
    empty = await discord.slash("profile view", member=server.alice)
    assert "—" not in empty.text and "has not filled in a profile yet" in empty.text
    assert "Not filled in yet: What I do, Skills" in empty.message.embeds[0]["footer"]["text"]

    panel = await discord.slash("profile edit", member=server.alice)
    form = await discord.click(panel.message, "About you", member=server.alice)
    await discord.submit(
        form,
        {"What you do": ["beatmaker"], "Experience": [], "Time zone": "", "Short bio": ""},
        member=server.alice,
    )
    quiz = await discord.slash("quiz type", member=server.alice)
    await answer_type_questions(
        discord, quiz.message, server.alice, content, best_answers(content, "engineer")
    )
    card = await discord.slash("profile view", member=server.alice)
    fields = {f["name"]: f["value"] for f in card.message.embeds[0]["fields"]}
    assert fields["What I do"] == "Beatmaker"
    assert "Producer type (quiz)" in fields and "Genres" not in fields
    footer = card.message.embeds[0]["footer"]["text"]
    assert "Not filled in yet:" in footer and "What I do" not in footer

    # An introduction card says the same under "What I do".
    intro = render.introduction(
        [await bot.services.profiles.get(server.guild.id, server.alice.id)], [], {}, "Hello"
    )
    assert intro[0].fields[0].name == "What I do" and intro[0].fields[0].value == "Beatmaker"
