"""The rules of points and streaks, as pure functions (``/challenge rules`` shows them)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

ENTRY_POINTS = 10
VOTE_POINTS = 2
PODIUM_POINTS = (15, 10, 5)
STREAK_BONUS_MAX = 10
HELPFUL_POINTS = 3
FREEZE_EVERY = 7
MAX_FREEZES = 2

RULES = (
    f"**Enter**: {ENTRY_POINTS} points for every challenge you submit to before its deadline "
    "(one entry per challenge; submitting again replaces your entry and clears its votes).",
    f"**Votes**: {VOTE_POINTS} points for every vote your entry receives. One vote per member "
    "and entry, never for yourself; voting closes at the deadline.",
    f"**Podium**: {', '.join(map(str, PODIUM_POINTS))} points for the three entries with the "
    "most votes (at least one; ties go to the earlier entry). Moderators may require some "
    "feedback on others' entries before yours can place.",
    f"**Streak bonus**: 1 point per day of your streak, up to {STREAK_BONUS_MAX}, each time "
    "you enter.",
    f"**Helpful feedback**: {HELPFUL_POINTS} points when an entry's author marks your feedback "
    "helpful.",
    "**Streaks** count consecutive challenge days you entered, by this server's local date "
    "of each challenge (days without a challenge don't break them). Every "
    f"{FREEZE_EVERY} entries in a row earn a freeze (at most {MAX_FREEZES} banked) that covers "
    "one missed challenge by itself.",
)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    best: int
    freezes: int


def streak_over(days: Iterable[date], entered: Collection[date]) -> Streak:
    """The streak after the challenge ``days`` (closed ones, in any order) for a member
    who entered on ``entered``. A miss spends a banked freeze if there is one, else ends
    the streak; every ``FREEZE_EVERY`` entries in a row bank a freeze."""
    current = best = freezes = run = 0
    for day in sorted(set(days)):
        if day in entered:
            current, run = current + 1, run + 1
            best = max(best, current)
            if run % FREEZE_EVERY == 0:
                freezes = min(MAX_FREEZES, freezes + 1)
        elif current and freezes:
            freezes -= 1
        else:
            current = run = 0
    return Streak(current, best, freezes)


def streak_bonus(streak: int) -> int:
    return min(streak, STREAK_BONUS_MAX)


@dataclass(frozen=True, slots=True)
class EntryTally:
    """An entry at the deadline: its votes, when it was (last) submitted, and how much
    feedback its author gave on others' entries of the same challenge."""

    submission_id: int
    user_id: int
    votes: int
    submitted_at: datetime
    feedback_given: int


def podium(entries: Iterable[EntryTally], feedback_required: int) -> list[EntryTally]:
    """The top three eligible entries: most votes (at least one), the earlier on a tie."""
    eligible = [e for e in entries if e.votes > 0 and e.feedback_given >= feedback_required]
    eligible.sort(key=lambda e: (-e.votes, e.submitted_at, e.submission_id))
    return eligible[: len(PODIUM_POINTS)]


@dataclass(frozen=True, slots=True)
class Award:
    user_id: int
    reason: str
    points: int


def awards(
    entries: Iterable[EntryTally], placed: list[EntryTally], streaks: dict[int, int]
) -> list[Award]:
    """Every award one challenge's results give (zero-point awards left out)."""
    found: list[Award] = []
    for entry in entries:
        found.append(Award(entry.user_id, "entry", ENTRY_POINTS))
        found.append(Award(entry.user_id, "votes", VOTE_POINTS * entry.votes))
        found.append(Award(entry.user_id, "streak", streak_bonus(streaks.get(entry.user_id, 0))))
    for place, (entry, points) in enumerate(zip(placed, PODIUM_POINTS, strict=False), start=1):
        found.append(Award(entry.user_id, f"place{place}", points))
    return [award for award in found if award.points > 0]
