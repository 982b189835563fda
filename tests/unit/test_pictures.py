"""Every picture the bot draws, drawn and checked: a PNG of the agreed width and a sane
height, whose smallest text stays at least Discord's body text when a phone shows the
picture across its chat column."""

import io
from collections.abc import Callable
from datetime import date

import pytest
from PIL import Image

from bot.charts import BODY_TEXT, PHONE_WIDTH, SMALLEST_TEXT_KEY, WIDTH, Bar
from bot.content import Content
from bot.services.careers.guidance import SkillStatus, SkillTally
from bot.services.careers.progress import SkillState
from bot.services.community.weekly_board import Board
from bot.services.quiz.producer_type import TypeResult
from bot.services.quiz.rules import Ranked
from cogs.career import render as career
from cogs.leaderboard import render as leaderboard
from cogs.quiz import render as quiz

TALLEST = 4000
"""Taller pictures turn into a thin strip in Discord's preview."""


def _statuses(content: Content) -> list[SkillStatus]:
    states = list(SkillState)
    return [
        SkillStatus(skill, states[i % len(states)], "mentor sign-off" if i == 2 else None)
        for i, skill in enumerate(content.career.skills)
    ]


def _tallies(content: Content) -> list[SkillTally]:
    return [
        SkillTally(skill, i % 5, i % 3, i % 2, int(i % 4 == 0))
        for i, skill in enumerate(content.career.skills)
    ]


def _type_result(content: Content) -> TypeResult:
    ids = [t.id for t in content.quiz.types]
    scores = {type_id: 10 + 3 * i for i, type_id in enumerate(ids)}
    return TypeResult(1, 1, scores, [(t, 20) for t in ids], None)  # type: ignore[arg-type]


def _board(challenges: int, quiz: int) -> Board:
    return Board(
        1,
        1,
        1,
        date(2026, 11, 23),
        [Ranked(i + 1, i, 50 - 5 * i) for i in range(challenges)],
        [Ranked(i + 1, i, 900 - 100 * i) for i in range(quiz)],
    )


def _name(user_id: int) -> str:
    return "A member whose display name is as long as Discord allows" if user_id else "Bo"


PICTURES: dict[str, Callable[[Content], bytes]] = {
    "skill map": lambda c: career.skill_map_picture(_statuses(c), "A member with a long name"),
    "empty skill map": lambda c: career.skill_map_picture(
        [SkillStatus(s, SkillState.NOT_STARTED, None) for s in c.career.skills], "Bo"
    ),
    "community": lambda c: career.community_picture(_tallies(c)),
    "empty community": lambda c: career.community_picture(
        [SkillTally(s, 0, 0) for s in c.career.skills]
    ),
    "producer type": lambda c: quiz.type_chart(_type_result(c), c),
    "type statistics": lambda c: quiz.stats_chart(
        [Bar(t.name, 100 / len(c.quiz.types)) for t in c.quiz.types]
    ),
    "weekly leaderboard": lambda c: leaderboard.board_picture(_board(5, 5), _name),
    "quiet weekly leaderboard": lambda c: leaderboard.board_picture(_board(1, 0), _name),
}


@pytest.mark.parametrize("name", PICTURES)
def test_every_picture_is_legible_on_a_phone(name: str, content: Content) -> None:
    png = PICTURES[name](content)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    width, height = image.size
    assert width == WIDTH and 200 <= height <= TALLEST
    smallest = int(image.info[SMALLEST_TEXT_KEY])
    assert smallest * PHONE_WIDTH / width >= BODY_TEXT
    # Not a blank canvas: text and colour were drawn.
    assert len(image.convert("RGB").getcolors(maxcolors=100_000) or []) > 20
