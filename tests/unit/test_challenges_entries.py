"""Entries, votes and feedback: validated, once per member, counted by the database, and
confined to their guild."""

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import ChallengeServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.challenges import ChallengeSubmission, ChallengeVote
from bot.services.careers.guidance import CareerService
from bot.services.careers.progress import SkillState
from bot.services.challenges.common import ChallengeClosed, PostInfo
from bot.services.challenges.entries import AUDIO_MAX_BYTES, AudioFile, check_audio, check_link

GUILD, OTHER, CHANNEL = 1, 2, 100
ALICE, BOB, CAROL = 11, 12, 13
LINK = "https://example.com/my-take"


@pytest.fixture
def career(any_database: Database, clock: ManualClock, content: Content) -> CareerService:
    return CareerService(any_database, clock, content)


@pytest.fixture
async def services(
    any_database: Database, clock: ManualClock, content: Content, career: CareerService
) -> ChallengeServices:
    return build_services(any_database, clock, content).challenges


async def open_challenge(services: ChallengeServices, clock: ManualClock, guild: int) -> PostInfo:
    await services.settings.setup(guild, CHANNEL, "00:00", "UTC")
    [post] = await services.posting.claim_due(clock.now())
    await services.posting.confirm(post, 500 + guild, None)
    return await services.entries.open_post(guild)


@pytest.fixture
async def post(services: ChallengeServices, clock: ManualClock) -> PostInfo:
    return await open_challenge(services, clock, GUILD)


async def enter(services: ChallengeServices, post: PostInfo, user: int, message: int) -> int:
    entry = await services.entries.submit(GUILD, user, post.id, link=LINK, notes=None, file=None)
    await services.entries.attach(GUILD, entry.submission_id, message)
    return entry.submission_id


@pytest.mark.parametrize(
    "link",
    [
        "ftp://example.com/a.mp3",
        "javascript:alert(1)",
        "example.com/a",
        "https://",
        "https://x/" + "a" * 500,
    ],
)
def test_bad_links_are_refused(link: str) -> None:
    with pytest.raises(InvalidInput, match="https://"):
        check_link(link)


def test_links_and_audio_files_that_pass() -> None:
    assert check_link("  https://soundcloud.com/me/take-1 ") == "https://soundcloud.com/me/take-1"
    check_audio(AudioFile("Take 1.WAV", "audio/wav", 1000))
    check_audio(AudioFile("take.flac", None, AUDIO_MAX_BYTES))
    boosted = 50 * 2**20  # a server at boost level 2
    check_audio(AudioFile("stems.wav", "audio/wav", 30 * 2**20, boosted))


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        (AudioFile("take.exe", "application/octet-stream", 10), "not an audio file"),
        (AudioFile("take.mp3", "image/png", 10), "not an audio file"),
        (
            AudioFile("take.mp3", "audio/mpeg", AUDIO_MAX_BYTES + 20_000),
            r"is 10\.02 MiB, more than this server's upload limit of 10 MiB",
        ),
        (
            AudioFile("take.wav", "audio/wav", 60 * 2**20, 50 * 2**20),
            "is 60.00 MiB, more than this server's upload limit of 50 MiB",
        ),
    ],
)
def test_files_are_checked_for_type_and_size(file: AudioFile, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        check_audio(file)


async def test_an_entry_is_verified_by_votes_and_can_be_replaced_before_the_deadline(
    services: ChallengeServices, post: PostInfo, career: CareerService, clock: ManualClock
) -> None:
    with pytest.raises(InvalidInput, match="audio file or give a link"):
        await services.entries.submit(GUILD, ALICE, post.id, link=" ", notes="hi", file=None)
    first = await enter(services, post, ALICE, 900)
    statuses = {s.skill.id: s for s in await career.skill_map(GUILD, ALICE)}
    assert statuses[post.skill].state is SkillState.NOT_STARTED  # nobody heard it yet
    assert statuses[post.skill].verified_by is None

    await services.entries.vote(GUILD, first, BOB, 900)
    statuses = {s.skill.id: s for s in await career.skill_map(GUILD, ALICE)}
    assert statuses[post.skill].state is SkillState.DONE
    assert statuses[post.skill].verified_by == "votes on a challenge entry"
    file = AudioFile("take2.mp3", "audio/mpeg", 2048)
    replaced = await services.entries.submit(
        GUILD, ALICE, post.id, link=None, notes="second go", file=file
    )
    assert (replaced.submission_id, replaced.replaced_message_id) == (first, 900)
    assert (replaced.file_name, replaced.link, replaced.notes) == ("take2.mp3", None, "second go")
    await services.entries.attach(GUILD, first, 901)
    with pytest.raises(NotAllowed, match="replaced"):
        await services.entries.vote(GUILD, first, CAROL, 900)
    assert await services.entries.vote(GUILD, first, BOB, 901) == 1  # the old vote was cleared

    clock.set(post.deadline_at)
    with pytest.raises(ChallengeClosed):
        await services.entries.submit(GUILD, ALICE, post.id, link=LINK, notes=None, file=None)
    with pytest.raises(ChallengeClosed):
        await services.entries.vote(GUILD, first, CAROL, 901)


async def test_votes_once_per_member_and_never_for_oneself(
    services: ChallengeServices, post: PostInfo
) -> None:
    entry = await enter(services, post, ALICE, 900)
    with pytest.raises(NotAllowed, match="your own"):
        await services.entries.vote(GUILD, entry, ALICE, 900)
    assert await services.entries.vote(GUILD, entry, BOB, 900) == 1
    with pytest.raises(NotAllowed, match="already voted"):
        await services.entries.vote(GUILD, entry, BOB, 900)
    assert await services.entries.vote(GUILD, entry, CAROL, 900) == 2


async def test_feedback_once_per_entry_and_helpful_points(
    services: ChallengeServices, post: PostInfo
) -> None:
    entry = await enter(services, post, ALICE, 900)
    with pytest.raises(NotAllowed, match="not your own"):
        await services.entries.give_feedback(GUILD, entry, ALICE, "Nice low end on this one.")
    with pytest.raises(InvalidInput, match="between"):
        await services.entries.give_feedback(GUILD, entry, BOB, "ok")
    note = await services.entries.give_feedback(
        GUILD, entry, BOB, "The kick and bass clash at 60 Hz."
    )
    assert (note.author_id, note.receiver_id, note.entry_message_id) == (BOB, ALICE, 900)
    with pytest.raises(NotAllowed, match="already left feedback"):
        await services.entries.give_feedback(GUILD, entry, BOB, "Another thought on the mix.")
    with pytest.raises(NotAllowed, match="entry's author"):
        await services.entries.mark_helpful(GUILD, note.id, BOB)
    for _ in range(2):  # marking twice awards once
        assert (await services.entries.mark_helpful(GUILD, note.id, ALICE)).helpful
    board = await services.scores.leaderboard(GUILD, "all", BOB)
    assert board.mine is not None and board.mine.points == 3


async def test_another_guild_cannot_reach_an_entry_or_a_challenge(
    services: ChallengeServices, post: PostInfo, clock: ManualClock
) -> None:
    entry = await enter(services, post, ALICE, 900)
    other = await open_challenge(services, clock, OTHER)
    with pytest.raises(NotFound):
        await services.entries.vote(OTHER, entry, BOB, 900)
    with pytest.raises(NotFound):
        await services.entries.give_feedback(OTHER, entry, BOB, "Sneaky feedback from afar.")
    with pytest.raises(NotFound):
        await services.entries.submit(OTHER, BOB, post.id, link=LINK, notes=None, file=None)
    assert other.id != post.id


async def test_fifty_entries_and_fifty_votes_at_once_are_each_stored_once(
    services: ChallengeServices, post: PostInfo, any_database: Database
) -> None:
    members = list(range(1000, 1050))
    entries = await asyncio.gather(
        *(enter(services, post, user, 10_000 + user) for user in members)
    )

    def ballot(index: int) -> Coroutine[Any, Any, int]:
        """Member ``index`` votes for the next member's entry."""
        target = (index + 1) % len(members)
        return services.entries.vote(
            GUILD, entries[target], members[index], 10_000 + members[target]
        )

    # Every member votes twice at the same moment: one counts, the other is refused.
    outcomes = await asyncio.gather(
        *(ballot(index) for index in range(50) for _ in range(2)), return_exceptions=True
    )
    assert outcomes.count(1) == 50
    assert sum(isinstance(outcome, NotAllowed) for outcome in outcomes) == 50
    async with any_database.read() as session:
        submissions = await session.scalar(select(func.count()).select_from(ChallengeSubmission))
        stored = await session.scalar(select(func.count()).select_from(ChallengeVote))
    assert (len(set(entries)), submissions, stored) == (50, 50, 50)


async def test_nudges_go_to_opted_in_members_with_a_streak(
    services: ChallengeServices, post: PostInfo, clock: ManualClock
) -> None:
    await enter(services, post, ALICE, 900)
    await enter(services, post, BOB, 901)
    clock.set(post.deadline_at)
    [results] = await services.posting.claim_results(clock.now())
    await services.posting.confirm_results(results.post, 1)
    await services.entries.set_nudges(GUILD, ALICE, True)
    await services.entries.set_nudges(GUILD, BOB, True)
    await services.entries.dms_closed(GUILD, BOB)

    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    [tomorrow] = await services.posting.claim_due(clock.now())
    await services.posting.confirm(tomorrow, 902, None)
    clock.set(tomorrow.deadline_at - timedelta(hours=3))
    [nudge] = await services.posting.claim_nudges(clock.now())
    assert (nudge.user_id, nudge.streak, nudge.freezes, nudge.post.id) == (ALICE, 1, 0, tomorrow.id)
    assert await services.posting.claim_nudges(clock.now()) == []
