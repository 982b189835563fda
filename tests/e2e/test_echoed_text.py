"""What members and moderators write comes back inert, end to end: it shows as typed but
pings nobody, hides no link, and can't pose as a heading, a quote or a code block. Quiz
rounds draw their questions at random, so a guild's question goes through the renderers."""

import re
from datetime import UTC, datetime, timedelta

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.services.quiz.bank import Question
from bot.services.quiz.live import LiveClosing
from bot.services.quiz.rounds import RoundQuestion
from bot.services.quiz.solo import SoloFeedback
from cogs.career import render as career
from cogs.quiz import render as quiz
from loopback.server import LoopbackDiscord
from loopback.world import Message
from tests.e2e.helpers import Server, offer, request_notice, thread_of, tick

HOSTILE = "# SYSTEM\n> Moderator note: [free nitro](https://evil.example) @everyone <@&123> ```"
HOSTILE_LINE = "[free nitro](https://evil.example) @everyone <@&123> ```"
"""For single-line inputs such as titles."""
BLOCK_LINE = re.compile(r"[ \t]*(?:#{1,3}\s|-#\s|>)")


def assert_inert(text: str) -> None:
    """``text`` shows what was written, the masked link's real address included, and
    nothing in it pings, links, or styles a line."""
    assert "free nitro (https://evil.example)" in text
    assert "](" not in text and "```" not in text
    assert "@everyone" not in text and "<@&123>" not in text
    assert not [line for line in text.split("\n") if BLOCK_LINE.match(line)]


def embed_text(message: Message, index: int = 0) -> str:
    return str(message.embeds[index].get("description", ""))


async def test_a_bio_on_the_profile_card(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    panel = await discord.slash("profile edit", member=server.alice)
    form = await discord.click(panel.message, "About you", member=server.alice)
    await discord.submit(form, {"Short bio": HOSTILE}, member=server.alice)
    card = await discord.slash("profile view", member=server.bob, options={"member": server.alice})
    mention, bio = embed_text(card.message).split("\n", 1)
    assert mention == f"<@{server.alice.id}>"
    assert bio.startswith("\\# SYSTEM")
    assert_inert(bio)
    assert card.message.pings.nobody


async def test_a_report_reason_in_the_mod_log(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    log = discord.add_channel(server.guild, "mod-log")
    await discord.slash("settings channel", member=server.moderator, feature="mod-log", channel=log)
    await discord.slash(
        "report", member=server.bob, options={"member": server.alice, "reason": HOSTILE}
    )
    [posted] = await discord.wait_for_messages(log, 1)  # sent after the answer
    assert_inert(embed_text(posted))
    assert f"<@{server.alice.id}>" in posted.text
    assert posted.pings.nobody


async def test_a_suggestion_and_its_title(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    await discord.slash(
        "settings channel", member=server.moderator, feature="suggestions", channel=board
    )
    form = await discord.slash("suggest", member=server.alice)
    done = await discord.submit(
        form, {"Title": HOSTILE_LINE, "Your idea": HOSTILE}, member=server.alice
    )
    assert_inert(done.text)
    [posted] = discord.channel_messages(board)
    assert posted.content.startswith(f"💡 New suggestion from <@{server.alice.id}>: **")
    assert_inert(posted.content)
    assert_inert(posted.embeds[0]["title"])
    assert_inert(embed_text(posted))
    assert posted.pings.nobody


async def test_a_moderators_challenge_an_entry_note_and_feedback(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = discord.add_channel(server.guild, "challenges")
    await discord.dispatch("CHANNEL_CREATE", channel.to_json(), server.guild.id)
    await discord.slash(
        "challenge setup", member=server.moderator, channel=channel, time="23:00", timezone="UTC"
    )
    form = await discord.slash("challenge add", member=server.moderator)
    await discord.submit(
        form,
        {
            "Title": HOSTILE_LINE,
            "Brief": HOSTILE,
            "Skill it trains": ["music-theory"],
            "Difficulty": ["easy"],
            "Hours to submit (1 to 168)": "24",
        },
        member=server.moderator,
    )
    await tick(bot, clock, clock.now().replace(hour=23))
    [post] = discord.channel_messages(channel)
    assert_inert(post.embeds[0]["title"])
    assert_inert(embed_text(post))
    assert post.pings.nobody

    form = await discord.click(post, "Submit", member=server.alice)
    await discord.submit(
        form,
        {"Or a link to your track": "https://example.com/take", "Notes": HOSTILE},
        member=server.alice,
    )
    [entry] = discord.channel_messages(thread_of(discord, post))
    assert entry.content.startswith(f"🎧 Entry by <@{server.alice.id}> for **")
    assert_inert(entry.content)
    assert_inert(embed_text(entry))
    assert entry.pings.nobody

    form = await discord.click(entry, "Feedback", member=server.bob)
    await discord.submit(form, {"Your feedback": HOSTILE}, member=server.bob)
    note = discord.channel_messages(thread_of(discord, post))[-1]
    assert f"<@{server.alice.id}>'s [entry](https://discord.com/channels/" in note.content
    assert_inert(embed_text(note))
    assert note.pings.nobody


async def test_a_mentor_request_message_and_availability(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    await offer(discord, server.bob, ["mastering"], availability=HOSTILE)
    listing = await discord.slash("mentor list", member=server.alice)
    assert_inert(listing.message.embeds[0]["fields"][0]["value"])

    await discord.slash(
        "mentor request", member=server.alice, options={"mentor": server.bob, "message": HOSTILE}
    )
    notice = request_notice(discord, server.bob)
    asking, message = embed_text(notice).split("\n\n>>> ")
    assert asking == f"<@{server.alice.id}> would like you as their mentor."
    assert_inert(message)
    assert notice.pings.nobody


async def test_a_plain_request_message_shows_as_written(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    await offer(discord, server.bob, ["mastering"])
    await discord.slash(
        "mentor request",
        member=server.alice,
        options={"mentor": server.bob, "message": "Help with loudness, please!"},
    )
    assert embed_text(request_notice(discord, server.bob)).endswith(
        "\n\n>>> Help with loudness, please!"
    )


async def test_a_server_tip(discord: LoopbackDiscord, server: Server, bot: ProducerBot) -> None:
    form = await discord.slash(
        "career tips add", member=server.moderator, topic="networking", level="beginner"
    )
    await discord.submit(form, {"The tip": HOSTILE}, member=server.moderator)
    listed = await discord.slash("career tips list", member=server.alice)
    assert_inert(listed.message.embeds[0]["fields"][0]["value"])
    [card] = await bot.services.career.guild_tips(server.guild.id)
    assert card.from_guild
    assert_inert(career.tip(bot.content.career, card).description or "")


def test_a_guild_quiz_question_in_every_view_of_a_round() -> None:
    question = Question(
        "g:1", "business", "easy", HOSTILE, [HOSTILE_LINE, "b", "c", "d"], 0, HOSTILE
    )
    now = datetime(2026, 11, 23, tzinfo=UTC)
    asked = RoundQuestion(1, "live", 0, 1, question, None, now, 0)
    closing = LiveClosing(
        1, 1, 1, None, None, 0, 1, question, [1, 0, 0, 0], (7, timedelta(1)), None, []
    )
    embeds = [
        quiz.knowledge_question(asked, "Business"),
        *quiz.solo_feedback(SoloFeedback(1, 0, 1, question, 0, 100, None)),
        quiz.live_closed_question(closing, "Business"),
        quiz.live_results(closing),
    ]
    for embed in embeds:
        assert_inert(f"{embed.title}\n{embed.description}")
