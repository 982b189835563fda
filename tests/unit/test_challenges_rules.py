"""The points and streak rules, as pure functions, on their edge cases."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.services.challenges.rules import (
    ENTRY_POINTS,
    MAX_FREEZES,
    PODIUM_POINTS,
    RULES,
    STREAK_BONUS_MAX,
    VOTE_POINTS,
    Award,
    EntryTally,
    Streak,
    awards,
    podium,
    streak_over,
)
from bot.services.core.exactly_once import due_date

MONDAY = date(2027, 3, 1)


def days(count: int, start: date = MONDAY) -> list[date]:
    return [start + timedelta(days=offset) for offset in range(count)]


def test_consecutive_entries_build_a_streak() -> None:
    assert streak_over(days(3), set(days(3))) == Streak(3, 3, 0)


def test_a_missed_day_without_a_freeze_ends_the_streak() -> None:
    challenge_days = days(5)
    entered = set(challenge_days) - {challenge_days[2]}
    assert streak_over(challenge_days, entered) == Streak(2, 2, 0)


def test_a_freeze_is_earned_every_seven_entries_and_covers_one_missed_day() -> None:
    challenge_days = days(10)
    entered = set(challenge_days) - {challenge_days[7]}
    # 7 entries bank a freeze; day 8 is missed and covered; days 9 and 10 continue.
    assert streak_over(challenge_days, entered) == Streak(9, 9, 0)
    # Two misses in a row: the freeze covers the first, the second ends the streak.
    entered -= {challenge_days[8]}
    assert streak_over(challenge_days, entered) == Streak(1, 7, 0)


def test_at_most_two_freezes_are_banked() -> None:
    challenge_days = days(30)
    assert streak_over(challenge_days, set(challenge_days)).freezes == MAX_FREEZES
    entered = set(challenge_days[:28])  # then two misses, both covered
    assert streak_over(challenge_days, entered) == Streak(28, 28, 0)


def test_days_without_a_challenge_do_not_break_a_streak() -> None:
    weekdays = [day for day in days(14) if day.weekday() < 5]
    assert streak_over(weekdays, set(weekdays)).current == 10


def test_the_order_of_days_does_not_matter() -> None:
    challenge_days = days(6)
    entered = set(challenge_days) - {challenge_days[1]}
    assert streak_over(reversed(challenge_days), entered) == streak_over(challenge_days, entered)


def test_a_challenge_belongs_to_the_local_date_of_the_guild() -> None:
    # 23:30 in New York is already the next day in UTC: the post is for the New York date.
    late = datetime(2027, 3, 2, 4, 30, tzinfo=UTC)
    assert due_date(late, "America/New_York", "23:30") == date(2027, 3, 1)
    assert due_date(late, "America/New_York", "23:31") is None
    # Just after local midnight the new day is not due until its post time.
    assert due_date(late + timedelta(hours=1), "America/New_York", "09:00") is None


def entry(sid: int, votes: int, minute: int, feedback: int = 0) -> EntryTally:
    at = datetime(2027, 3, 1, 12, minute, tzinfo=UTC)
    return EntryTally(sid, 100 + sid, votes, at, feedback)


def test_the_podium_ranks_votes_then_the_earlier_entry() -> None:
    entries = [entry(1, 3, 30), entry(2, 5, 40), entry(3, 3, 10), entry(4, 1, 0), entry(5, 0, 0)]
    assert [e.submission_id for e in podium(entries, 0)] == [2, 3, 1]


def test_the_podium_needs_votes_and_the_required_feedback() -> None:
    entries = [entry(1, 4, 0, feedback=1), entry(2, 3, 0, feedback=2), entry(3, 0, 0, 5)]
    assert [e.submission_id for e in podium(entries, 2)] == [2]
    assert podium([entry(1, 0, 0)], 0) == []


def test_awards_for_entry_votes_streak_and_place() -> None:
    first, second = entry(1, 4, 0), entry(2, 0, 5)
    found = awards([first, second], [first], {101: 3, 102: 40})
    assert found == [
        Award(101, "entry", ENTRY_POINTS),
        Award(101, "votes", 4 * VOTE_POINTS),
        Award(101, "streak", 3),
        Award(102, "entry", ENTRY_POINTS),
        Award(102, "streak", STREAK_BONUS_MAX),
        Award(101, "place1", PODIUM_POINTS[0]),
    ]


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_fits_an_embed_field(rule: str) -> None:
    assert 0 < len(rule) <= 1024
