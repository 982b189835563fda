"""Resume means resume: an unfinished producer-type quiz or knowledge round is offered to
continue or to start over, never dropped silently; the choice works after a restart too."""

from datetime import timedelta

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import (
    LETTERS,
    Server,
    answer_type_questions,
    asked_question,
    best_answers,
    start_bot,
    stop_bot,
)


async def test_an_unfinished_type_quiz_offers_to_continue_or_start_over(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    picks = best_answers(content, "engineer")
    total = len(content.quiz.type_questions)
    bot, task = await start_bot(discord, database, clock, content)
    try:
        first = await discord.slash("quiz type", member=server.alice)
        await answer_type_questions(discord, first.message, server.alice, content, picks[:4])
        assert f"Question 5 of {total}" in first.message.text
    finally:
        await stop_bot(bot, task)

    bot, task = await start_bot(discord, database, clock, content)
    try:
        again = await discord.slash("quiz type", member=server.alice)
        assert again.ephemeral
        assert f"you answered 4 questions of {total}" in again.text
        labels = [button["label"] for button in again.message.buttons()]
        assert labels == ["Continue from question 5", "Start over"]

        # Someone else's press is refused; the owner's continues where they stopped.
        refused = await discord.click(again.message, "Continue from question 5", member=server.bob)
        assert "belongs to someone else" in refused.text
        resumed = await discord.click(
            again.message, "Continue from question 5", member=server.alice
        )
        assert f"Question 5 of {total}" in resumed.message.text
        done = await answer_type_questions(discord, again.message, server.alice, content, picks[4:])
        assert "You lean to" in done.message.text

        # Starting over is a choice, and then it starts at question 1.
        retake = await discord.slash("quiz type", member=server.alice)
        await answer_type_questions(discord, retake.message, server.alice, content, picks[:2])
        offer = await discord.slash("quiz type", member=server.alice)
        assert "Continue from question 3" in offer.message.buttons()[0]["label"]
        fresh = await discord.click(offer.message, "Start over", member=server.alice)
        assert f"Question 1 of {total}" in fresh.message.text
        stale = await discord.click(
            retake.message, picks_label(content, 2, picks), member=server.alice
        )
        assert "newer quiz" in stale.followups[0].text
    finally:
        await stop_bot(bot, task)


def picks_label(content: Content, position: int, picks: list[int]) -> str:
    return content.quiz.type_questions[position].answers[picks[position]].text


async def test_an_unfinished_knowledge_round_offers_to_continue_or_start_over(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    bot, task = await start_bot(discord, database, clock, content)
    try:
        reply = await discord.slash("quiz skills", member=server.alice, topic="effects", length=3)
        first = asked_question(content, reply.text)
        await discord.click(reply.message, LETTERS[first.answer], member=server.alice)
    finally:
        await stop_bot(bot, task)  # answered question 1, never pressed "Next question"

    bot, task = await start_bot(discord, database, clock, content)
    try:
        offer = await discord.slash("quiz skills", member=server.alice, length=4)
        assert offer.ephemeral
        assert "question 2 of 3 is next" in offer.text
        labels = [button["label"] for button in offer.message.buttons()]
        assert labels == ["Continue from question 2", "Start over"]
        refused = await discord.click(offer.message, labels[0], member=server.bob)
        assert "belongs to someone else" in refused.text
        await discord.click(offer.message, labels[0], member=server.alice)
        assert "Question 2 of 3" in offer.message.text
        assert asked_question(content, offer.message.text).topic == "effects"

        # Away past the answer window: the question on screen counts as missed.
        clock.advance(timedelta(seconds=31))
        again = await discord.slash("quiz skills", member=server.alice, length=4)
        assert again.message.buttons()[0]["label"] == "Continue from question 3"
        await discord.click(again.message, "Start over", member=server.alice)
        assert "Question 1 of 4" in again.message.text  # the options of the command that offered
        stale = await discord.click(offer.message, "A", member=server.alice)
        assert "round is over" in stale.text
    finally:
        await stop_bot(bot, task)
