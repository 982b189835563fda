"""Every picture the bot draws, drawn and checked: a PNG of the agreed width and a sane
height, whose smallest text stays at least Discord's body text when a phone shows the
picture across its chat column."""

import io
from collections.abc import Callable

import pytest
from PIL import Image

from bot.charts import BODY_TEXT, PHONE_WIDTH, SMALLEST_TEXT_KEY, WIDTH, Bar
from bot.content import Content
from bot.services.careers.guidance import SkillState, SkillStatus, SkillTally
from bot.services.quiz.producer_type import TypeResult
from cogs.career import render as career
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
