"""The quiz's rules as pure functions: points for an answer, ranks with ties, leaderboard
periods and the review schedule."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.core.periods import Period

ANSWER_WINDOW = timedelta(seconds=30)
MAX_POINTS = 100
BASE_POINTS = 50
"""A correct answer scores ``BASE_POINTS`` plus up to ``MAX_POINTS - BASE_POINTS`` for speed."""

REVIEW_INTERVALS = (timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(days=21))
"""How long a missed question waits in each Leitner box before it comes back."""


def elapsed_since(start: datetime, now: datetime) -> timedelta:
    """Time from ``start`` to ``now``, never negative (clocks of two processes may differ)."""
    return max(now - start, timedelta(0))


def is_late(elapsed: timedelta, window: timedelta) -> bool:
    """An answer after the window counts as missed."""
    return elapsed > window


def answer_points(correct: bool, elapsed: timedelta, window: timedelta) -> int:
    """0 for a wrong or late answer; otherwise 50 to 100, more the faster it came.

    The speed bonus is the remaining share of the window, rounded down:
    at 0 s of 30 s it is 50 (100 points), at 15 s it is 25 (75 points).
    """
    if not correct or is_late(elapsed, window):
        return 0
    remaining = window - elapsed
    bonus = (MAX_POINTS - BASE_POINTS) * remaining // window
    return BASE_POINTS + int(bonus)


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    user_id: int
    points: int


def rank_totals(totals: Sequence[tuple[int, int]]) -> list[Ranked]:
    """``(user_id, points)`` pairs ranked best first. Equal points share a rank and the next
    rank skips (100, 80, 80, 50 rank 1, 2, 2, 4); ties are listed by user id."""
    ordered = sorted(totals, key=lambda pair: (-pair[1], pair[0]))
    ranked: list[Ranked] = []
    for index, (user_id, points) in enumerate(ordered):
        same = ranked and ranked[-1].points == points
        ranked.append(Ranked(ranked[-1].rank if same else index + 1, user_id, points))
    return ranked


def period_start(period: Period, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When a leaderboard period began in the guild's time zone: Monday 00:00 of this week,
    the 1st of this month, or None for all time."""
    if period == "all":
        return None
    local = now.astimezone(zone).date()
    first = local - timedelta(days=local.weekday()) if period == "week" else local.replace(day=1)
    return datetime.combine(first, time(0), tzinfo=zone)


def next_review(box: int, now: datetime) -> datetime | None:
    """When a question in Leitner ``box`` comes back, or None once it is learned."""
    if box >= len(REVIEW_INTERVALS):
        return None
    return now + REVIEW_INTERVALS[box]
