"""The quiz's rules as pure functions: points for an answer, ranks with ties, leaderboard
periods, the review schedule, and whether a role is safe for the bot to hand out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

ANSWER_WINDOW = timedelta(seconds=30)
MAX_POINTS = 100
BASE_POINTS = 50
"""A correct answer scores ``BASE_POINTS`` plus up to ``MAX_POINTS - BASE_POINTS`` for speed."""

REVIEW_INTERVALS = (timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(days=21))
"""How long a missed question waits in each Leitner box before it comes back."""

Period = Literal["week", "month", "all"]


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


# -- role rewards ---------------------------------------------------------------------------

DANGEROUS_PERMISSIONS = {
    "administrator": "Administrator",
    "manage_guild": "Manage Server",
    "manage_roles": "Manage Roles",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "mention_everyone": "Mention Everyone",
}
"""Permissions a role handed out by the bot must never carry (discord.py names: labels)."""


@dataclass(frozen=True, slots=True)
class RoleFacts:
    """What the bot knows about a role, as plain values."""

    name: str
    position: int
    permissions: frozenset[str]
    managed: bool = False
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class BotFacts:
    """The bot's own standing in the guild."""

    manage_roles: bool
    top_role_name: str
    top_position: int


def unsafe_role_reasons(role: RoleFacts) -> list[str]:
    """Why a role must never be a reward, whatever the bot's own permissions."""
    if role.is_default:
        return ["@everyone is not a role I can hand out. Pick another role with `/quiz roles`."]
    if role.managed:
        return [
            f"**{role.name}** is managed by an integration (a bot or server boosts), so nobody "
            "can hand it out. Pick another role with `/quiz roles`."
        ]
    powers = [label for name, label in DANGEROUS_PERMISSIONS.items() if name in role.permissions]
    if powers:
        return [
            f"**{role.name}** carries {', '.join(powers)}: I never hand out roles with "
            "moderator powers. A moderator can remove those permissions from the role in "
            "Server Settings → Roles, or pick another role with `/quiz roles`."
        ]
    return []


def grant_blockers(role: RoleFacts, bot: BotFacts) -> list[str]:
    """Everything that stops the bot from giving ``role`` safely, each with its fix."""
    reasons = unsafe_role_reasons(role)
    if not bot.manage_roles:
        reasons.append(
            "I don't have the **Manage Roles** permission. A moderator can grant it to my "
            f"role **{bot.top_role_name}** in Server Settings → Roles."
        )
    if role.position >= bot.top_position:
        reasons.append(
            f"**{role.name}** is not below my highest role **{bot.top_role_name}**, and "
            "Discord only lets me give roles below my own. A moderator can drag "
            f"**{bot.top_role_name}** above **{role.name}** in Server Settings → Roles."
        )
    return reasons
