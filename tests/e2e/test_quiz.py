"""The quiz end to end through the loopback Discord: the type quiz across a restart, role
rewards, a solo round with a late answer, a live round with 20 members at once, guild
questions and leaderboards."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.models.quiz import QuizAnswer, QuizRound
from bot.services.quiz.producer_type import rank_type_answers
from loopback.server import LoopbackDiscord
from loopback.world import ADMINISTRATOR
from tests.e2e.helpers import (
    LETTERS,
    Server,
    answer_type_questions,
    asked_question,
    best_answers,
    eventually,
    start_bot,
    stop_bot,
)

PNG = b"\x89PNG\r\n\x1a\n"
OUTSIDER = 4_000_000


# -- the producer-type quiz -------------------------------------------------------------------


async def test_a_whole_type_quiz_with_back_and_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    picks = best_answers(content, "engineer")
    bot, task = await start_bot(discord, database, clock, content)
    try:
        reply = await discord.slash("quiz type", member=server.alice)
        assert reply.ephemeral
        message = reply.message
        assert "Question 1 of 16" in reply.text
        assert message.buttons()[-1]["label"] == "Back"
        assert message.buttons()[-1]["disabled"] is True

        await answer_type_questions(discord, message, server.alice, content, picks[:3])
        assert "Question 4 of 16" in message.text
        back = await discord.click(message, "Back", member=server.alice)
        assert back.message.id == message.id
        assert "Question 3 of 16" in message.text
        refused = await discord.click(message, message.buttons()[0]["label"], member=server.bob)
        assert refused.followups[0].ephemeral
        assert "belongs to someone else" in refused.followups[0].text
        assert "Question 3 of 16" in message.text
        await answer_type_questions(discord, message, server.alice, content, picks[2:8])
        assert "Question 9 of 16" in message.text
    finally:
        await stop_bot(bot, task)

    bot, task = await start_bot(discord, database, clock, content)
    try:
        await answer_type_questions(discord, message, server.alice, content, picks[8:])
        [embed] = message.embeds
        assert embed["title"] == "🎚️ You lean to The Engineer"
        ranking = rank_type_answers(content.quiz, picks)
        assert ranking[0][0] == "engineer"
        for type_id, percent in ranking:
            assert f"{content.quiz.type(type_id).name}: {percent} %" in message.text
        assert "/career paths" in message.text
        assert "lens, not a verdict" in message.text
        assert embed["image"]["url"] == "attachment://producer-type.png"
        assert message.attachments[0].data.startswith(PNG)
        assert message.buttons() == []  # no role is set for this type

        me = await discord.slash("quiz me", member=server.alice)
        assert me.ephemeral
        assert "You lean to The Engineer" in me.text
        assert me.message.attachments[0].data.startswith(PNG)
        nobody = await discord.slash("quiz me", member=server.bob)
        assert "haven't taken the producer-type quiz" in nobody.text

        stats = await discord.slash("quiz stats", member=server.bob)
        assert stats.ephemeral
        assert "The Engineer: 1 (100 %)" in stats.text
        assert stats.message.attachments[0].data.startswith(PNG)
    finally:
        await stop_bot(bot, task)


# -- role rewards -----------------------------------------------------------------------------


async def test_role_rewards_success_and_what_blocks_them(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    guild = server.guild
    bot_role = next(role for role in guild.roles.values() if role.name == "Producer Bot")
    bot_role.position = 10
    mods = next(role for role in guild.roles.values() if role.name == "Mods")
    mods.position = 9  # a moderator may only hand out roles below their own
    engineers = discord.add_role(guild, "Engineers", position=3)
    phenoms = discord.add_role(guild, "Phenoms", position=4)
    admins = discord.add_role(guild, "Admins", permissions=ADMINISTRATOR, position=2)
    top = discord.add_role(guild, "Top", position=99)
    bot, task = await start_bot(discord, database, clock, content)
    try:
        refused = await discord.slash(
            "quiz roles", member=server.alice, type="engineer", role=engineers
        )
        assert "Only moderators" in refused.text
        unsafe = await discord.slash(
            "quiz roles", member=server.moderator, type="engineer", role=admins
        )
        assert "**Admins** carries Administrator" in unsafe.text
        done = await discord.slash(
            "quiz roles", member=server.moderator, type="engineer", role=engineers
        )
        assert done.ephemeral
        assert f"can now take <@&{engineers.id}>" in done.text
        assert "can't hand it out" not in done.text
        await discord.slash("quiz roles", member=server.moderator, type="phenom", role=phenoms)

        started = await discord.slash("quiz type", member=server.alice)
        message = started.message
        await answer_type_questions(
            discord, message, server.alice, content, best_answers(content, "engineer")
        )

        # The bot's cache says the role is below it, Discord knows better: a 403 is explained.
        engineers.position = 50
        stale = await discord.click(message, "Take my role", member=server.alice)
        assert "Discord refused to give you **Engineers**" in stale.text
        assert [r.status for r in discord.requests if str(engineers.id) in r.path][-1] == 403
        engineers.position = 3

        taken = await discord.click(message, "Take my role", member=server.alice)
        assert taken.ephemeral
        assert "you now have **Engineers**" in taken.text
        assert engineers.id in server.alice.role_ids
        twice = await discord.click(message, "Take my role", member=server.alice)
        assert "You already have **Engineers**" in twice.text

        warned = await discord.slash("quiz roles", member=server.owner, type="engineer", role=top)
        assert "But I can't hand it out yet" in warned.text
        assert "drag **Producer Bot** above **Top**" in warned.text
        blocked = await discord.click(message, "Take my role", member=server.alice)
        assert blocked.ephemeral
        assert "I can't give you **Top** yet" in blocked.text
        assert "drag **Producer Bot** above **Top**" in blocked.text
        assert top.id not in server.alice.role_ids
        assert not [r for r in discord.requests if r.method == "PUT" and str(top.id) in r.path]
        await discord.slash("quiz roles", member=server.moderator, type="engineer", role=engineers)

        retake = await discord.slash("quiz type", member=server.alice)
        await answer_type_questions(
            discord, retake.message, server.alice, content, best_answers(content, "phenom")
        )
        assert "You lean to The Phenom" in retake.message.text
        stale_button = await discord.click(message, "Take my role", member=server.alice)
        assert "newer result" in stale_button.text
        swapped = await discord.click(retake.message, "Take my role", member=server.alice)
        assert "you now have **Phenoms**" in swapped.text
        assert phenoms.id in server.alice.role_ids
        assert engineers.id not in server.alice.role_ids
    finally:
        await stop_bot(bot, task)


# -- knowledge rounds -------------------------------------------------------------------------


async def test_a_solo_round_with_a_late_answer_and_a_review(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    clock: ManualClock,
    content: Content,
) -> None:
    choices = await discord.autocomplete("quiz skills", "topic", member=server.alice, topic="mix")
    assert [c["value"] for c in choices] == ["mixing-mastering"]

    reply = await discord.slash("quiz skills", member=server.alice, topic="effects", length=3)
    assert reply.ephemeral
    message = reply.message
    assert "Question 1 of 3" in reply.text
    first = asked_question(content, message.text)
    assert first.topic == "effects"
    refused = await discord.click(message, "A", member=server.bob)
    assert "belongs to someone else" in refused.text

    right = await discord.click(message, LETTERS[first.answer], member=server.alice)
    assert right.message.id == message.id
    assert "✅ Right! +100 points" in message.text
    assert first.explanation[:60] in message.text

    await discord.click(message, "Next question", member=server.alice)
    assert "Question 2 of 3" in message.text
    second = asked_question(content, message.text)
    clock.advance(timedelta(seconds=31))
    await discord.click(message, LETTERS[second.answer], member=server.alice)
    assert "Too late" in message.text
    assert "counts as missed" in message.text

    await discord.click(message, "Next question", member=server.alice)
    third = asked_question(content, message.text)
    await discord.click(message, LETTERS[(third.answer + 1) % 4], member=server.alice)
    assert "❌ Not quite." in message.text
    assert f"The answer is **{third.correct_choice}**" in message.text
    assert "You got **1 of 3** right, for **100 points**" in message.text
    assert "2 missed questions will come back" in message.text
    assert message.buttons() == []

    clock.advance(timedelta(days=1))
    review = await discord.slash("quiz skills", member=server.alice, topic="effects", length=3)
    assert asked_question(content, review.text).id in {second.id, third.id}

    board = await discord.slash("quiz leaderboard", member=server.alice, period="week")
    assert "**#1** <@" in board.text
    assert "#1 of 1 with 100 points" in board.text


async def test_a_live_round_with_twenty_members_answering_at_once(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    channel = discord.default_channel(server.guild)
    players = [discord.add_member(server.guild, f"player{n}") for n in range(20)]
    refused = await discord.slash("quiz live", member=server.alice)
    assert "Only moderators" in refused.text
    started = await discord.slash("quiz live", member=server.moderator, questions=2)
    assert started.ephemeral
    assert "Live round started: 2 questions" in started.text
    busy = await discord.slash("quiz live", member=server.moderator, questions=2)
    assert "already running" in busy.text
    [question_message] = discord.channel_messages(channel)
    assert question_message.pings.nobody
    first = asked_question(content, question_message.text)

    picks = {player.id: LETTERS[n % 4] for n, player in enumerate(players)}
    clicks = [discord.click(question_message, picks[p.id], member=p) for p in players]
    clicks += [discord.click(question_message, picks[p.id], member=p) for p in players[:5]]
    replies = await asyncio.gather(*clicks)
    texts = [reply.text for reply in replies]
    assert all(reply.ephemeral for reply in replies)
    assert sum("Locked in" in text for text in texts) == 20
    assert sum("already answered" in text for text in texts) == 5
    changes = [discord.click(question_message, "D", member=p) for p in players[:5]]
    for change in await asyncio.gather(*changes):
        assert "your first answer counts" in change.text
    async with database.read() as session:
        stored = await session.scalar(select(func.count()).select_from(QuizAnswer))
    assert stored == 20

    clock.advance(timedelta(seconds=31))
    await eventually(
        lambda: len(discord.channel_messages(channel)) == 3,
        "the first question's results and the second question",
    )
    _, results, second_message = discord.channel_messages(channel)
    right = sum(1 for letter in picks.values() if letter == LETTERS[first.answer])
    assert f"{right} of 20 members got it right" in results.text
    assert results.pings.nobody
    assert question_message.buttons() == []
    assert "(closed)" in question_message.text
    assert "Question 2 of 2" in second_message.text

    second = asked_question(content, second_message.text)
    winner = next(p for p in players if picks[p.id] == LETTERS[first.answer])
    await discord.click(second_message, LETTERS[second.answer], member=winner)
    clock.advance(timedelta(seconds=31))
    await eventually(
        lambda: len(discord.channel_messages(channel)) == 5,
        "the second question's results and the podium",
    )
    podium = discord.channel_messages(channel)[-1]
    assert "final podium" in podium.text
    assert f"🥇 <@{winner.id}>: 200 points" in podium.text
    assert "20 players" in podium.text
    assert podium.pings.nobody
    async with database.read() as session:
        row = await session.scalar(select(QuizRound))
    assert row is not None
    assert (row.status, row.active_slot) == ("done", None)


# -- guild questions and leaderboards ---------------------------------------------------------


async def test_moderators_add_and_remove_guild_questions(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    refused = await discord.slash(
        "quiz add", member=server.alice, topic="business", difficulty="easy"
    )
    assert "Only moderators" in refused.text
    form = await discord.slash(
        "quiz add", member=server.moderator, topic="business", difficulty="easy"
    )
    assert form.modal["title"] == "Add a quiz question"
    added = await discord.submit(
        form,
        {
            "Question": "Who collects the mechanical royalties in our co-op?",
            "Correct answer": "The co-op's publisher",
            "Three wrong answers, one per line": "The drummer\nThe venue\nNobody",
            "Why the answer is right": "Our co-op's publisher registers every song.",
        },
        member=server.moderator,
    )
    assert added.ephemeral
    assert "Added to 💼 Royalties, Licensing & Copyright" in added.text
    bad = await discord.slash(
        "quiz add", member=server.moderator, topic="cooking", difficulty="easy"
    )
    assert "not a quiz topic" in bad.text

    assert await discord.autocomplete("quiz remove", "question", member=server.alice) == []
    [choice] = await discord.autocomplete(
        "quiz remove", "question", member=server.moderator, question="royalties"
    )
    assert choice["name"] == "Who collects the mechanical royalties in our co-op?"
    removed = await discord.slash("quiz remove", member=server.moderator, question=choice["value"])
    assert "Removed: **Who collects" in removed.text
    again = await discord.slash("quiz remove", member=server.moderator, question=choice["value"])
    assert "not one of this server's questions" in again.text
    assert await discord.autocomplete("quiz remove", "question", member=server.moderator) == []


async def test_the_leaderboard_pages_ties_and_the_callers_own_rank(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    database: Database,
    clock: ManualClock,
) -> None:
    members = [discord.add_member(server.guild, f"fan{n}") for n in range(23)]
    scores = [300 - 10 * (n // 2) for n in range(23)]  # pairs tie: 300, 300, 290, 290, ...
    async with database.write() as session:
        for guild_id in (server.guild.id, 1):
            round_row = QuizRound(
                guild_id=guild_id,
                kind="solo",
                user_id=server.owner.id,
                channel_id=None,
                topic=None,
                question_keys=["x"],
                position=0,
                window_seconds=30,
                question_started_at=clock.now(),
                status="done",
                active_slot=None,
                created_at=clock.now(),
            )
            session.add(round_row)
            await session.flush()
            for n, (member, points) in enumerate(zip(members, scores, strict=True)):
                session.add(
                    QuizAnswer(
                        guild_id=guild_id,
                        round_id=round_row.id,
                        position=0,
                        user_id=member.id if guild_id != 1 else OUTSIDER + n,
                        question_key="daw-acronym",
                        topic="daws-workflow",
                        choice=2,
                        correct=True,
                        points=points,
                        answered_at=clock.now(),
                    )
                )
    last = members[-1]
    reply = await discord.slash("quiz leaderboard", member=last)
    assert reply.ephemeral
    page = reply.message
    assert page.text.count("**#1**") == 2
    assert f"**#3** <@{members[2].id}>: 290 points" in page.text
    assert "#23 of 23 with 190 points" in page.text
    assert str(OUTSIDER) not in page.text  # the other guild's members
    assert page.embeds[0]["footer"]["text"].endswith("Page 1 of 3")
    await discord.click(page, "Next", member=last)
    await discord.click(page, "Next", member=last)
    assert f"**#23** <@{last.id}>: 190 points ← you" in page.text

    topic = await discord.slash("quiz leaderboard", member=last, topic="business", period="month")
    assert "No points in this period yet." in topic.text
    assert "You have no points here yet" in topic.text
