"""Career services on a real database."""

import random
from collections import Counter

import pytest

from bot.clock import ManualClock
from bot.content import Content
from bot.content.career import Level
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.services.careers.guidance import CareerService
from bot.services.careers.progress import SkillState
from bot.services.quiz.producer_type import TypeQuizService, TypeResult

GUILD, OTHER_GUILD, ALICE, BOB = 1, 2, 10, 11


@pytest.fixture
def service(any_database: Database, clock: ManualClock, content: Content) -> CareerService:
    return CareerService(any_database, clock, content, random.Random(7))


async def test_no_tip_repeats_until_the_topic_is_exhausted(
    service: CareerService, content: Content
) -> None:
    topic_size = len(content.career.tips_for("networking"))
    first_round = [
        (await service.next_tip(GUILD, ALICE, "networking")).id for _ in range(topic_size)
    ]
    assert len(set(first_round)) == topic_size
    second_round = [
        (await service.next_tip(GUILD, ALICE, "networking")).id for _ in range(topic_size)
    ]
    assert set(second_round) == set(first_round)
    # Another member, and the same member in another guild, start afresh.
    assert (await service.next_tip(GUILD, BOB, "networking")).topic == "networking"


async def test_tips_follow_topic_and_level_then_widen(
    service: CareerService, content: Content
) -> None:
    for _ in range(len(content.career.tips_for("portfolio", Level.ADVANCED))):
        tip = await service.next_tip(GUILD, ALICE, "portfolio", Level.ADVANCED)
        assert (tip.topic, tip.level, tip.note) == ("portfolio", Level.ADVANCED, "")
    wider = await service.next_tip(GUILD, ALICE, "portfolio", Level.ADVANCED)
    assert (wider.topic, wider.level) == ("portfolio", Level.INTERMEDIATE)
    assert "seen every advanced tip on Portfolio" in wider.note
    with pytest.raises(InvalidInput, match="no tip topic"):
        await service.next_tip(GUILD, ALICE, "karaoke")


async def test_guild_tips_join_the_pool_of_their_guild_only(
    service: CareerService, content: Content
) -> None:
    added = await service.add_guild_tip(
        GUILD,
        ALICE,
        "networking",
        "beginner",
        "Say hi in #introductions before asking for feedback.",
    )
    size = len(content.career.tips_for("networking", Level.BEGINNER))
    seen = {
        (await service.next_tip(GUILD, ALICE, "networking", Level.BEGINNER)).id
        for _ in range(size + 1)
    }
    assert added.id in seen
    elsewhere = {
        (await service.next_tip(OTHER_GUILD, ALICE, "networking", Level.BEGINNER)).id
        for _ in range(size)
    }
    assert added.id not in elsewhere
    with pytest.raises(NotFound):
        await service.remove_guild_tip(OTHER_GUILD, added.id)
    edited = await service.edit_guild_tip(
        GUILD, added.id, "portfolio", "advanced", "Keep credits per track."
    )
    assert (edited.topic, edited.level, edited.text) == (
        "portfolio",
        Level.ADVANCED,
        "Keep credits per track.",
    )
    with pytest.raises(InvalidInput, match="between 10"):
        await service.add_guild_tip(GUILD, ALICE, "networking", "beginner", "short")


async def test_saving_tips(service: CareerService) -> None:
    tip = await service.next_tip(GUILD, ALICE)
    await service.save_tip(GUILD, ALICE, tip.id)
    await service.save_tip(GUILD, ALICE, tip.id)  # saving twice keeps one
    assert [card.id for card in await service.saved_tips(GUILD, ALICE)] == [tip.id]
    assert await service.saved_tips(OTHER_GUILD, ALICE) == []
    await service.unsave_tip(GUILD, ALICE, tip.id)
    with pytest.raises(NotFound):
        await service.unsave_tip(GUILD, ALICE, tip.id)
    with pytest.raises(NotFound):
        await service.save_tip(GUILD, ALICE, "no-such-tip")


async def test_skill_marks_with_did_you_mean(service: CareerService) -> None:
    status = await service.mark_skill(GUILD, ALICE, "Mastering", SkillState.LEARNING)
    assert (status.skill.id, status.state) == ("mastering", SkillState.LEARNING)
    await service.mark_skill(GUILD, ALICE, "mastering", SkillState.DONE)
    with pytest.raises(InvalidInput, match="Did you mean \\*\\*Mastering\\*\\*"):
        await service.mark_skill(GUILD, ALICE, "masterng", SkillState.DONE)
    states = {s.skill.id: s.state for s in await service.skill_map(GUILD, ALICE)}
    assert states["mastering"] is SkillState.DONE
    assert Counter(states.values())[SkillState.NOT_STARTED] == len(states) - 1
    other = {s.skill.id: s.state for s in await service.skill_map(OTHER_GUILD, ALICE)}
    assert other["mastering"] is SkillState.NOT_STARTED


async def test_verified_skills_show_their_evidence(service: CareerService) -> None:
    await service.verify_skill(GUILD, ALICE, "recording", "mentor sign-off")
    [recording] = [s for s in await service.skill_map(GUILD, ALICE) if s.skill.id == "recording"]
    assert (recording.state, recording.verified_by) == (SkillState.DONE, "mentor sign-off")


async def test_next_steps_start_with_foundations_and_fit_a_path(service: CareerService) -> None:
    steps = await service.next_steps(GUILD, ALICE)
    assert [s.tier.value for s in steps.skills] == ["foundational"] * 3
    assert steps.exercise is not None
    assert steps.exercise.skill == steps.skills[0].id
    for skill in ("music-theory", "daw-operation", "recording", "editing-comping"):
        await service.mark_skill(GUILD, ALICE, skill, SkillState.DONE)
    await service.mark_skill(GUILD, ALICE, "sound-design", SkillState.LEARNING)
    steps = await service.next_steps(GUILD, ALICE)
    assert [s.id for s in steps.skills] == ["mixing-basics", "sound-design", "mastering"]
    assert set(steps.path.skills) & {"music-theory", "daw-operation", "recording"}


async def test_next_steps_follow_the_producer_type_once_the_quiz_is_taken(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    types = TypeQuizService(any_database, clock, content.quiz)
    service = CareerService(any_database, clock, content, random.Random(7), producer_types=types)
    before = await service.next_steps(GUILD, ALICE)
    assert before.producer_type is None

    step = await types.start(GUILD, ALICE)
    result = None
    while not isinstance(result, TypeResult):
        result = await types.answer(GUILD, step.session_id, ALICE, step.position, 0)
        if not isinstance(result, TypeResult):
            step = result
    producer_type = content.quiz.type(result.primary)
    after = await service.next_steps(GUILD, ALICE)
    assert after.producer_type == producer_type.name
    assert after.path.id == producer_type.path
    assert (await service.next_steps(OTHER_GUILD, ALICE)).producer_type is None


async def test_community_counts_are_per_guild(service: CareerService) -> None:
    await service.mark_skill(GUILD, ALICE, "mastering", SkillState.LEARNING)
    await service.mark_skill(GUILD, BOB, "mastering", SkillState.DONE)
    await service.mark_skill(OTHER_GUILD, BOB, "mastering", SkillState.LEARNING)
    [mastering] = [t for t in await service.community(GUILD) if t.skill.id == "mastering"]
    assert (mastering.learning, mastering.done) == (1, 1)
