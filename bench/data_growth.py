"""Member-facing query times as the database grows: 10,000 members, 1,000,000 challenge
entries and 5,000,000 votes (and the points ledger, feedback, profiles, mentors and skill
maps that go with them), on SQLite and on PostgreSQL, at several fractions of that size.

    .venv/bin/python -m bench.data_growth [--backend sqlite|postgresql|both] [--quick]
        [--fractions 0.1 0.333 1] [--runs 50] [--explain] [--out bench/results/data_growth.json]

Every timed call is the project's own service method (what the cogs call), on a fresh
``Database`` with the production engine settings. The schema comes from the migrations;
rows are bulk-inserted (SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL), shaped
like two producer servers that ran daily challenges for a year: one with all the members,
one small. Members' activity is skewed (a few enter daily, most now and then), votes are
skewed (a few popular entries), and the points ledger holds exactly the awards the results
job would have written (entry, votes, streak bonus with freezes, podium, helpful feedback).

Each size is built from scratch in its own database (a temporary SQLite file, left without
ANALYZE as the bot leaves it; a scratch PostgreSQL database, VACUUM ANALYZEd as autovacuum
would, created and dropped again), timed, then deleted. Calls run one at a time on the
big guild, each with a different member. ``--quick`` divides every size by 20 (a smoke run
of about a minute per backend). PostgreSQL is skipped with a note when it cannot be
reached.

Printed per backend: p50 / p95 / max wall time of each call at each size, its growth from
the smallest to the largest size (k: time ~ data^k, 0 flat, 1 linear), whether p95 at the
largest size meets the 20 ms target (member-facing calls; scheduled jobs have no target),
and the CPU time of this process per call (on SQLite that includes the database's own
work, so it stays meaningful when other processes load the machine). With ``--explain``
the statements of every call over the target are shown with their plans (EXPLAIN QUERY
PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL); the plans of every call at the largest size
are always written to the JSON.
"""

import argparse
import asyncio
import gc
import json
import math
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import sqlalchemy
from sqlalchemy import Table, event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from bench import record
from bot.app import build_services
from bot.clock import ManualClock
from bot.content import Content, load_content
from bot.db.engine import Database, create_engine
from bot.db.migrate import upgrade_to_head
from bot.errors import DomainError
from bot.models import (
    Block,
    ChallengeConfig,
    ChallengeFeedback,
    ChallengeMember,
    ChallengePoints,
    ChallengePost,
    ChallengeStanding,
    ChallengeSubmission,
    ChallengeVote,
    GuildSettings,
    MentorOffer,
    MentorRequest,
    Mentorship,
    Profile,
    SkillProgress,
)
from bot.services.challenges.common import PostInfo, describe_constraints
from bot.services.challenges.rules import (
    ENTRY_POINTS,
    FREEZE_EVERY,
    HELPFUL_POINTS,
    MAX_FREEZES,
    PODIUM_POINTS,
    STREAK_BONUS_MAX,
    VOTE_POINTS,
)
from bot.services.challenges.scores import period_keys
from bot.services.community.profiles import (
    DAWS,
    EXPERIENCE,
    GENRES,
    LOOKING_FOR,
    ROLES,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "data"
TARGET_MS = 20.0

# The full size, and the shape around it.
MEMBERS, ENTRIES, VOTES = 10_000, 1_000_000, 5_000_000
MENTOR_SHARE = 0.05  # 500 mentors among 10,000 members
SMALL_GUILD_SHARE = 0.02  # of members and of entries
DAYS = 365
NOW = datetime(2027, 6, 27, 20, 0, tzinfo=UTC)  # a Sunday: the week and month are nearly full
BIG_GUILD, SMALL_GUILD = 1_180_000_000_000_000_001, 1_180_000_000_000_000_002
USER_BASE = 400_000_000_000_000_000
NEWCOMER_BASE = USER_BASE + 50_000_000  # ids of members who never did anything yet
MESSAGE_BASE = 1_250_000_000_000_000_000
FEEDBACK_PER_ENTRY = 0.06
HELPFUL_SHARE = 0.3
RISK_DM_SHARE = 0.2
ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC+05:30",
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Sizes:
    members: int
    entries: int
    votes: int

    def scaled(self, fraction: float) -> "Sizes":
        return Sizes(
            max(20, round(self.members * fraction)),
            max(500, round(self.entries * fraction)),
            max(2500, round(self.votes * fraction)),
        )

    @property
    def label(self) -> str:
        return f"{self.members:,} m / {short(self.entries)} e / {short(self.votes)} v"


def short(number: int) -> str:
    if number >= 1_000_000:
        return f"{number / 1_000_000:.3g}M"
    if number >= 1_000:
        return f"{number / 1_000:.3g}k"
    return str(number)


# -- loading -----------------------------------------------------------------------------


class Loader(Protocol):
    async def small(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert a table of a few thousand rows (any column types)."""
        ...

    async def bulk(self, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
        """Insert many rows of plain values (ints, strings, dates, aware datetimes)."""
        ...


class SqliteLoader:
    """Core ``insert(Table)`` executemany, one transaction per batch, on a loading engine
    of its own (a bigger page cache for the index inserts; the timed engine is fresh)."""

    BATCH = 200_000

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def small(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            async with self.engine.begin() as connection:
                await connection.execute(insert(table), rows)

    async def bulk(self, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
        for start in range(0, len(rows), self.BATCH):
            batch = [
                dict(zip(columns, row, strict=True)) for row in rows[start : start + self.BATCH]
            ]
            async with self.engine.begin() as connection:
                await connection.execute(insert(table), batch)


class PostgresLoader:
    """Small tables through Core; big ones through asyncpg's COPY on a raw connection."""

    def __init__(self, engine: AsyncEngine, raw: Any) -> None:
        self.engine = engine
        self.raw = raw  # asyncpg.Connection

    async def small(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            async with self.engine.begin() as connection:
                await connection.execute(insert(table), rows)

    async def bulk(self, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
        await self.raw.copy_records_to_table(table.name, records=rows, columns=list(columns))


# -- the data ----------------------------------------------------------------------------


@dataclass
class GuildSpec:
    guild_id: int
    zone: str
    post_hour: int
    members: IntArray  # user ids
    entries: int
    votes: int
    mentors: int
    channel_id: int


@dataclass
class PostPlan:
    id: int
    day: int
    local_date: date
    claimed_at: datetime
    deadline_at: datetime
    window: int  # minutes from the post to its deadline or to now, whichever comes first

    @property
    def closed(self) -> bool:
        return self.deadline_at <= NOW


@dataclass
class PostEntries:
    """One post's entries: submission ids, authors (member index), minutes after the post
    they were submitted, and votes received."""

    post: PostPlan
    ids: IntArray
    authors: IntArray
    offsets: IntArray
    votes: IntArray


@dataclass
class GuildFacts:
    """What the timed calls need to know about a built guild."""

    guild_id: int
    members: list[int]
    today: PostInfo
    last_closed: PostInfo
    entries_today: list[tuple[int, int, int]]  # (submission id, message id, votes)
    not_entered_today: list[int]


Periods = tuple[str, ...]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


class Builder:
    def __init__(self, loader: Loader, content: Content, seed: int) -> None:
        self.loader = loader
        self.content = content
        self.rng = np.random.default_rng(seed)
        self.counts = Counts()
        self.next_post = self.next_submission = self.next_feedback = self.next_point = 1
        self.next_request = self.next_mentorship = 1
        self.points: list[Row] = []
        self.standings: dict[tuple[int, str, int], int] = defaultdict(int)
        self.skill_ids = [skill.id for skill in content.career.skills]

    async def flush_points(self, force: bool = False) -> None:
        if self.points and (force or len(self.points) >= 500_000):
            await self.bulk(ChallengePoints.__table__, POINT_COLUMNS, self.points)
            self.points = []

    async def bulk(self, table: Any, columns: Sequence[str], rows: list[Row]) -> None:
        await self.loader.bulk(table, columns, rows)
        self.counts.add(table.name, len(rows))

    async def small(self, table: Any, rows: list[dict[str, Any]]) -> None:
        await self.loader.small(table, rows)
        self.counts.add(table.name, len(rows))

    # -- challenges ----------------------------------------------------------------------

    def plan_posts(self, spec: GuildSpec) -> list[PostPlan]:
        zone = ZoneInfo(spec.zone)
        today = NOW.astimezone(zone).date()
        bank = self.content.challenges.challenges
        plans = []
        for day in range(DAYS):
            local = today - timedelta(days=DAYS - 1 - day)
            claimed = datetime.combine(local, clock_time(spec.post_hour), zone).astimezone(UTC)
            claimed += timedelta(seconds=int(self.rng.integers(0, 50)))
            hours = bank[(day * 7 + spec.guild_id) % len(bank)].hours_to_submit
            deadline = claimed + timedelta(hours=hours)
            window = int((min(deadline, NOW) - claimed).total_seconds() // 60)
            plans.append(PostPlan(self.next_post, day, local, claimed, deadline, max(window, 1)))
            self.next_post += 1
        return plans

    async def posts(self, spec: GuildSpec, plans: list[PostPlan]) -> None:
        bank = self.content.challenges.challenges
        rows = []
        for plan in plans:
            card = bank[(plan.day * 7 + spec.guild_id) % len(bank)]
            closed = plan.closed
            reminder = plan.deadline_at - timedelta(hours=3)
            rows.append(
                {
                    "id": plan.id,
                    "guild_id": spec.guild_id,
                    "local_date": plan.local_date,
                    "auto": True,
                    "bank_id": card.id,
                    "title": card.title,
                    "brief": card.brief,
                    "skill": card.skill,
                    "difficulty": card.difficulty.value,
                    "constraints": describe_constraints(card.constraints),
                    "channel_id": spec.channel_id,
                    "message_id": MESSAGE_BASE + plan.id,
                    "thread_id": MESSAGE_BASE + 1_000_000 + plan.id,
                    "claimed_at": plan.claimed_at,
                    "deadline_at": plan.deadline_at,
                    "reminder_claimed_at": reminder if reminder <= NOW else None,
                    "reminder_message_id": MESSAGE_BASE + 2_000_000 + plan.id
                    if reminder <= NOW
                    else None,
                    "results_claimed_at": plan.deadline_at + timedelta(seconds=30)
                    if closed
                    else None,
                    "results_message_id": MESSAGE_BASE + 3_000_000 + plan.id if closed else None,
                    "nudged_at": reminder if reminder <= NOW else None,
                }
            )
        await self.small(ChallengePost.__table__, rows)

    def who_entered(self, spec: GuildSpec, plans: list[PostPlan]) -> BoolArray:
        """Entered[day, member]: skewed activity (Beta), fewer entries on posts still open
        (only part of their window has passed)."""
        members = len(spec.members)
        activity = self.rng.beta(0.6, 1.6, members)
        share = np.array([min(1.0, plan.window / (24 * 60)) for plan in plans])
        expected = float(share.sum() * activity.sum())
        activity = np.minimum(activity * spec.entries / expected, 0.98)
        draws = self.rng.random((len(plans), members))
        entered: BoolArray = draws < (share[:, None] * activity[None, :])
        return entered

    def votes_for(
        self, members: int, authors: IntArray, total: int
    ) -> tuple[IntArray, IntArray, IntArray]:
        """``total`` votes over the entries of ``authors``: skewed per entry (log-normal,
        and a few ten times as popular), at most one per voter and entry, none for oneself.
        Returns (entry index per vote, voter index per vote, votes per entry)."""
        entries = len(authors)
        cap = max(0, (members - 1) // 2)
        if entries == 0 or total == 0 or cap == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(entries, dtype=np.int64)
        weights = self.rng.lognormal(0.0, 1.0, entries)
        weights[self.rng.random(entries) < 0.01] *= 10
        counts = np.minimum(self.rng.multinomial(total, weights / weights.sum()), cap)
        entry = np.repeat(np.arange(entries, dtype=np.int64), counts)
        voter = self.rng.integers(0, members, len(entry), dtype=np.int64)
        while True:
            key = entry * members + voter
            _, first = np.unique(key, return_index=True)
            bad = np.ones(len(key), dtype=np.bool_)
            bad[first] = False
            bad |= voter == authors[entry]
            if not bad.any():
                break
            voter[bad] = self.rng.integers(0, members, int(bad.sum()), dtype=np.int64)
        return entry, voter, counts.astype(np.int64)

    async def challenges(self, spec: GuildSpec) -> tuple[list[PostEntries], BoolArray]:
        plans = self.plan_posts(spec)
        await self.posts(spec, plans)
        entered = self.who_entered(spec, plans)
        shares = np.array([min(1.0, p.window / (24 * 60)) for p in plans])
        per_entry = spec.votes / max(1.0, float((entered.sum(axis=1) * shares).sum()))
        members = len(spec.members)
        user_ids = spec.members
        posts: list[PostEntries] = []
        subs: list[Row] = []
        votes: list[Row] = []
        feedback: list[Row] = []
        for plan in plans:
            authors = np.flatnonzero(entered[plan.day]).astype(np.int64)
            self.rng.shuffle(authors)
            offsets = np.sort(self.rng.integers(0, plan.window, len(authors), dtype=np.int64))
            ids = np.arange(self.next_submission, self.next_submission + len(authors))
            self.next_submission += len(authors)
            minutes = [plan.claimed_at + timedelta(minutes=m) for m in range(plan.window + 1)]
            share = min(1.0, plan.window / (24 * 60))
            wanted = round(len(authors) * per_entry * share)
            entry, voter, counts = self.votes_for(members, authors, wanted)
            posts.append(PostEntries(plan, ids, authors, offsets, counts))
            for index, (sid, author, offset) in enumerate(
                zip(ids.tolist(), authors.tolist(), offsets.tolist(), strict=True)
            ):
                uid = int(user_ids[author])
                kind = index % 10
                subs.append(
                    (
                        sid,
                        spec.guild_id,
                        plan.id,
                        uid,
                        None if kind < 2 else f"https://soundcloud.com/u{uid % 10**9}/take-{sid}",
                        f"take-{sid}.wav" if kind < 4 else None,
                        "Tried parallel compression on the drums; feedback on the low end?"
                        if kind in (3, 7, 8)
                        else None,
                        MESSAGE_BASE + 10_000_000 + sid,
                        minutes[offset],
                    )
                )
            if len(entry):
                order = np.lexsort((user_ids[voter], entry))
                entry, voter = entry[order], voter[order]
                starts = offsets[entry]
                voted = starts + (self.rng.random(len(entry)) * (plan.window - starts)).astype(
                    np.int64
                )
                votes.extend(
                    zip(
                        ids[entry].tolist(),
                        user_ids[voter].tolist(),
                        [spec.guild_id] * len(entry),
                        [minutes[m] for m in voted.tolist()],
                        strict=True,
                    )
                )
            feedback.extend(self.feedback_for(spec, plan, ids, authors, offsets, minutes))
            if len(votes) >= 400_000 or plan is plans[-1]:
                await self.bulk(ChallengeSubmission.__table__, SUBMISSION_COLUMNS, subs)
                await self.bulk(ChallengeVote.__table__, VOTE_COLUMNS, votes)
                await self.bulk(ChallengeFeedback.__table__, FEEDBACK_COLUMNS, feedback)
                subs, votes, feedback = [], [], []
        return posts, entered

    def feedback_for(
        self,
        spec: GuildSpec,
        plan: PostPlan,
        ids: IntArray,
        authors: IntArray,
        offsets: IntArray,
        minutes: list[datetime],
    ) -> list[Row]:
        members = len(spec.members)
        wanted = round(len(ids) * FEEDBACK_PER_ENTRY)
        if wanted == 0 or members < 2:
            return []
        entry = self.rng.integers(0, len(ids), wanted, dtype=np.int64)
        writer = self.rng.integers(0, members, wanted, dtype=np.int64)
        _, first = np.unique(entry * members + writer, return_index=True)
        keep = np.zeros(wanted, dtype=np.bool_)
        keep[first] = True
        keep &= writer != authors[entry]
        rows = []
        for e, w in zip(entry[keep].tolist(), writer[keep].tolist(), strict=True):
            fid = self.next_feedback
            self.next_feedback += 1
            start = int(offsets[e])
            written = minutes[start + int(self.rng.integers(0, plan.window - start + 1))]
            helpful = bool(self.rng.random() < HELPFUL_SHARE)
            author = int(spec.members[w])
            rows.append(
                (
                    fid,
                    spec.guild_id,
                    int(ids[e]),
                    author,
                    "Nice groove; the kick and bass fight around 60 Hz, try a shorter tail.",
                    helpful,
                    MESSAGE_BASE + 20_000_000 + fid,
                    written,
                )
            )
            if helpful:
                awarded = min(written + timedelta(hours=1), NOW)
                periods = period_keys(awarded.astimezone(ZoneInfo(spec.zone)).date())
                source = f"feedback:{fid}:helpful"
                self.point(spec.guild_id, author, source, HELPFUL_POINTS, awarded, periods)
        return rows

    def point(
        self, guild_id: int, user_id: int, source: str, points: int, at: datetime, periods: Periods
    ) -> None:
        """A ledger row, and its points added to the member's running totals."""
        self.points.append((self.next_point, guild_id, user_id, source, points, at))
        self.next_point += 1
        for period in periods:
            self.standings[guild_id, period, user_id] += points

    async def flush_standings(self) -> None:
        rows = [
            (guild, period, user, points)
            for (guild, period, user), points in self.standings.items()
        ]
        await self.bulk(ChallengeStanding.__table__, STANDING_COLUMNS, rows)
        self.standings.clear()

    async def ledger(self, spec: GuildSpec, posts: list[PostEntries], entered: BoolArray) -> None:
        """The awards the results job writes when each post closes, in the order they close:
        entry, votes, streak bonus (streaks over the days closed by then, with freezes) and
        the podium."""
        members, zone = len(spec.members), ZoneInfo(spec.zone)
        state_days: list[int] = []
        state = streak_start(members)
        closed_days: list[int] = []
        for item in sorted((p for p in posts if p.post.closed), key=lambda p: p.post.deadline_at):
            plan = item.post
            closed_days.append(plan.day)
            target = sorted(day for day in closed_days if day <= plan.day)
            if target[: len(state_days)] != state_days:
                state_days, state = [], streak_start(members)
            for day in target[len(state_days) :]:
                state = streak_step(state, entered[day])
            state_days = target
            current = state[0]
            users = spec.members[item.authors].tolist()
            bonus = np.minimum(current[item.authors], STREAK_BONUS_MAX).tolist()
            at = plan.deadline_at
            periods = period_keys(at.astimezone(zone).date())
            prefix = f"post:{plan.id}:"
            for user, votes, streak in zip(users, item.votes.tolist(), bonus, strict=True):
                self.point(spec.guild_id, user, prefix + "entry", ENTRY_POINTS, at, periods)
                if votes:
                    self.point(
                        spec.guild_id, user, prefix + "votes", VOTE_POINTS * votes, at, periods
                    )
                if streak:
                    self.point(spec.guild_id, user, prefix + "streak", streak, at, periods)
            eligible = np.flatnonzero(item.votes > 0)
            order = eligible[
                np.lexsort((item.ids[eligible], item.offsets[eligible], -item.votes[eligible]))
            ]
            for place, (index, points) in enumerate(
                zip(order.tolist(), PODIUM_POINTS, strict=False), start=1
            ):
                self.point(
                    spec.guild_id, users[index], f"{prefix}place{place}", points, at, periods
                )
            await self.flush_points()
        await self.flush_points(force=True)
        await self.flush_standings()

    # -- members: profiles, mentors, skill maps, preferences -----------------------------

    async def community(self, spec: GuildSpec) -> None:
        rng, guild, users = self.rng, spec.guild_id, spec.members.tolist()
        created = NOW - timedelta(days=400)
        profiles = []

        def pick(names: Iterable[str], low: int, high: int) -> list[str]:
            count = int(rng.integers(low, high + 1))
            return sorted(str(n) for n in rng.choice(sorted(names), count, replace=False))

        for index, user in enumerate(users):
            profiles.append(
                {
                    "guild_id": guild,
                    "user_id": user,
                    "roles": pick(ROLES, 1, 2),
                    "genres": pick(GENRES, 1, 3),
                    "daws": pick(DAWS, 1, 2),
                    "experience": pick(EXPERIENCE, 1, 1)[0],
                    "timezone": ZONES[index % len(ZONES)] if index % 7 else None,
                    "looking_for": pick(LOOKING_FOR, 0, 2),
                    "bio": "Beatmaker from the coast, lo-fi and house; learning to mix vocals "
                    "properly and to finish tracks instead of collecting loops.",
                    "links": [f"https://soundcloud.com/u{user % 10**9}"] if index % 3 else [],
                    "private_fields": ["timezone"] if index % 5 == 0 else [],
                    "hidden": index % 33 == 0,
                    "created_at": created,
                    "updated_at": created + timedelta(days=int(rng.integers(0, 400))),
                }
            )
        await self.small(Profile.__table__, profiles)

        mentor_ids = rng.choice(users, min(len(users), spec.mentors), replace=False).tolist()
        offers, capacity = [], {}
        for mentor in mentor_ids:
            capacity[mentor] = int(rng.integers(1, 6))
            offers.append(
                {
                    "guild_id": guild,
                    "user_id": mentor,
                    "topics": sorted(
                        rng.choice(self.skill_ids, int(rng.integers(1, 5)), replace=False).tolist()
                    ),
                    "capacity": capacity[mentor],
                    "availability": "weekday evenings, some Sunday mornings",
                    "dm_requests": bool(rng.random() < 0.7),
                    "paused": bool(rng.random() < 0.1),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        await self.small(MentorOffer.__table__, offers)

        requests: list[dict[str, Any]] = []
        mentorships: list[dict[str, Any]] = []
        active_pairs: set[tuple[int, int]] = set()
        for mentor in mentor_ids:
            running = int(rng.integers(0, capacity[mentor] + 1)) // 2
            for number in range(running + int(rng.poisson(2))):
                mentee = int(rng.choice(users))
                active = number < running
                if mentee == mentor or (active and (mentor, mentee) in active_pairs):
                    continue
                started = NOW - timedelta(days=int(rng.integers(1, 360)))
                request_id = self.request(requests, guild, mentee, mentor, "accepted", started)
                if active:
                    active_pairs.add((mentor, mentee))
                mentorships.append(
                    {
                        "id": self.next_mentorship,
                        "guild_id": guild,
                        "mentor_id": mentor,
                        "mentee_id": mentee,
                        "request_id": request_id,
                        "active_pair": f"{mentor}:{mentee}" if active else None,
                        "thread_id": MESSAGE_BASE + 30_000_000 + self.next_mentorship,
                        "started_at": started,
                        "ended_at": None if active else started + timedelta(days=20),
                        "ended_by": None if active else mentor,
                    }
                )
                self.next_mentorship += 1
            for _ in range(int(rng.poisson(1))):
                mentee = int(rng.choice(users))
                if mentee != mentor:
                    asked = NOW - timedelta(days=int(rng.integers(1, 360)))
                    self.request(requests, guild, mentee, mentor, "declined", asked)
        for mentee in rng.choice(users, len(users) // 50, replace=False).tolist():
            mentor = int(rng.choice(mentor_ids))
            if mentor != mentee:
                asked = NOW - timedelta(days=int(rng.integers(0, 10)))
                self.request(requests, guild, mentee, mentor, "pending", asked)
        await self.small(MentorRequest.__table__, requests)
        await self.small(Mentorship.__table__, mentorships)

        blocks = {
            (int(a), int(b))
            for a, b in rng.choice(users, (max(1, len(users) // 100), 2)).tolist()
            if a != b
        }
        await self.small(
            Block.__table__,
            [
                {"guild_id": guild, "blocker_id": a, "blocked_id": b, "created_at": created}
                for a, b in sorted(blocks)
            ],
        )

        skills, members = [], []
        states = ("learning", "learning", "done", "done", "skipped")
        for user in users:
            for skill in rng.choice(
                self.skill_ids, int(rng.integers(0, 10)), replace=False
            ).tolist():
                state = states[int(rng.integers(0, len(states)))]
                verified = "challenge entry" if state == "done" and rng.random() < 0.4 else None
                skills.append(
                    {
                        "guild_id": guild,
                        "user_id": user,
                        "skill_id": skill,
                        "state": state,
                        "verified_by": verified,
                        "updated_at": created + timedelta(days=int(rng.integers(0, 400))),
                    }
                )
            if rng.random() < RISK_DM_SHARE:
                members.append(
                    {
                        "guild_id": guild,
                        "user_id": user,
                        "risk_dm": True,
                        "dm_closed": bool(rng.random() < 0.05),
                    }
                )
        await self.small(SkillProgress.__table__, skills)
        await self.small(ChallengeMember.__table__, members)

    def request(
        self,
        rows: list[dict[str, Any]],
        guild: int,
        mentee: int,
        mentor: int,
        status: str,
        at: datetime,
    ) -> int:
        number = self.next_request
        self.next_request += 1
        pending = status == "pending"
        rows.append(
            {
                "id": number,
                "guild_id": guild,
                "mentee_id": mentee,
                "mentor_id": mentor,
                "message": "Hi! I'd love help with mixing vocals, I'm stuck on harshness.",
                "status": status,
                "pending_slot": 1 if pending else None,
                "open_pair": f"{mentee}:{mentor}" if pending else None,
                "origin_channel_id": None,
                "created_at": at,
                "decided_at": None if pending else at + timedelta(hours=5),
            }
        )
        return number

    async def guilds(self, specs: list[GuildSpec]) -> None:
        created = NOW - timedelta(days=400)
        await self.small(
            GuildSettings.__table__,
            [
                {
                    "guild_id": spec.guild_id,
                    "timezone": spec.zone,
                    "moderator_role_id": MESSAGE_BASE + 40_000_000 + n,
                    "mentor_role_id": None,
                    "created_at": created,
                    "updated_at": created,
                    "left_at": None,
                }
                for n, spec in enumerate(specs)
            ],
        )
        await self.small(
            ChallengeConfig.__table__,
            [
                {
                    "guild_id": spec.guild_id,
                    "channel_id": spec.channel_id,
                    "post_time": f"{spec.post_hour:02d}:00",
                    "weekdays": 127,
                    "paused": False,
                    "reminder_hours": 3,
                    "reminder_role_id": None,
                    "champion_role_id": MESSAGE_BASE + 41_000_000 + n,
                    "champion_user_id": int(spec.members[0]),
                    "champion_month": "2027-05",
                    "feedback_required": 0,
                }
                for n, spec in enumerate(specs)
            ],
        )

    async def build(self, specs: list[GuildSpec]) -> tuple[list[GuildFacts], dict[str, float]]:
        phases: dict[str, float] = {}
        started = time.perf_counter()
        await self.guilds(specs)
        facts = []
        for spec in specs:
            posts, entered = await self.challenges(spec)
            facts.append(self.facts(spec, posts, entered))
            await self.ledger(spec, posts, entered)
        phases["challenges"] = time.perf_counter() - started
        started = time.perf_counter()
        for spec in specs:
            await self.community(spec)
        phases["members"] = time.perf_counter() - started
        return facts, phases

    def facts(self, spec: GuildSpec, posts: list[PostEntries], entered: BoolArray) -> GuildFacts:
        today, closed = posts[-1], [p for p in posts if p.post.closed][-1]
        return GuildFacts(
            spec.guild_id,
            spec.members.tolist(),
            self.info(spec, today.post),
            self.info(spec, closed.post),
            [
                (sid, MESSAGE_BASE + 10_000_000 + sid, votes)
                for sid, votes in zip(today.ids.tolist(), today.votes.tolist(), strict=True)
            ],
            spec.members[~entered[today.post.day]].tolist(),
        )

    def info(self, spec: GuildSpec, plan: PostPlan) -> PostInfo:
        card = self.content.challenges.challenges[
            (plan.day * 7 + spec.guild_id) % len(self.content.challenges.challenges)
        ]
        return PostInfo(
            plan.id,
            spec.guild_id,
            plan.local_date,
            card.title,
            card.brief,
            card.skill,
            card.difficulty.value,
            describe_constraints(card.constraints),
            spec.channel_id,
            MESSAGE_BASE + plan.id,
            MESSAGE_BASE + 1_000_000 + plan.id,
            plan.deadline_at,
        )


SUBMISSION_COLUMNS = (
    "id",
    "guild_id",
    "post_id",
    "user_id",
    "link",
    "file_name",
    "notes",
    "message_id",
    "submitted_at",
)
VOTE_COLUMNS = ("submission_id", "voter_id", "guild_id", "voted_at")
FEEDBACK_COLUMNS = (
    "id",
    "guild_id",
    "submission_id",
    "author_id",
    "text",
    "helpful",
    "message_id",
    "created_at",
)
POINT_COLUMNS = ("id", "guild_id", "user_id", "source", "points", "awarded_at")
STANDING_COLUMNS = ("guild_id", "period", "user_id", "points")
Streaks = tuple[IntArray, IntArray, IntArray]  # current, run, freezes per member


def streak_start(members: int) -> Streaks:
    zero = np.zeros(members, dtype=np.int64)
    return zero, zero.copy(), zero.copy()


def streak_step(state: Streaks, entered: BoolArray) -> Streaks:
    """One challenge day of ``challenges_rules.streak_over`` for every member at once."""
    current, run, freezes = state
    frozen = ~entered & (current > 0) & (freezes > 0)
    new_run = np.where(entered, run + 1, np.where(frozen, run, 0))
    new_current = np.where(entered, current + 1, np.where(frozen, current, 0))
    earned = entered & (new_run % FREEZE_EVERY == 0)
    new_freezes = np.where(
        earned, np.minimum(MAX_FREEZES, freezes + 1), np.where(frozen, freezes - 1, freezes)
    )
    return new_current, new_run, new_freezes


def guild_specs(sizes: Sizes) -> list[GuildSpec]:
    small_members = max(10, round(sizes.members * SMALL_GUILD_SHARE))
    small_entries = round(sizes.entries * SMALL_GUILD_SHARE)
    small_votes = round(sizes.votes * SMALL_GUILD_SHARE)
    mentors = max(5, round(sizes.members * MENTOR_SHARE))
    return [
        GuildSpec(
            BIG_GUILD,
            "America/New_York",
            12,
            USER_BASE + np.arange(sizes.members, dtype=np.int64),
            sizes.entries - small_entries,
            sizes.votes - small_votes,
            mentors,
            MESSAGE_BASE + 50_000_001,
        ),
        GuildSpec(
            SMALL_GUILD,
            "Europe/Berlin",
            9,
            USER_BASE + 7 * np.arange(small_members, dtype=np.int64),
            small_entries,
            small_votes,
            max(2, round(small_members * MENTOR_SHARE)),
            MESSAGE_BASE + 50_000_002,
        ),
    ]


# -- backends ----------------------------------------------------------------------------


class Backend(Protocol):
    name: str
    url: str

    async def create(self) -> None: ...

    async def loader(self) -> tuple[Loader, Callable[[], Awaitable[None]]]: ...

    async def finish(self) -> None: ...

    async def size_bytes(self) -> int: ...

    async def drop(self) -> None: ...


class SqliteBackend:
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "growth.sqlite3"
        self.url = f"sqlite+aiosqlite:///{self.path}"

    async def create(self) -> None:
        await self.drop()

    async def loader(self) -> tuple[Loader, Callable[[], Awaitable[None]]]:
        engine = create_engine(self.url)

        @event.listens_for(engine.sync_engine, "connect")
        def _bigger_cache(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA cache_size=-500000")

        return SqliteLoader(engine), engine.dispose

    async def finish(self) -> None:
        # A clean file: the WAL folded in (as after the bot ran a while); no ANALYZE, which
        # the bot never runs either.
        with sqlite3.connect(self.path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def size_bytes(self) -> int:
        return sum(
            p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.exists()
        )

    async def drop(self) -> None:
        remove_files(self.path)


def remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresBackend:
    name = "postgresql"

    def __init__(self, server: str, database: str) -> None:
        self.server = server.rstrip("/")
        self.database = database
        self.url = f"{self.server}/{database}"

    async def _admin(self, *statements: str) -> None:
        engine = create_async_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                for statement in statements:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    async def version(self) -> str:
        engine = create_async_engine(f"{self.server}/postgres")
        try:
            async with engine.connect() as connection:
                return str(await connection.scalar(text("SHOW server_version")))
        finally:
            await engine.dispose()

    async def create(self) -> None:
        await self._admin(
            f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}"',
        )

    async def loader(self) -> tuple[Loader, Callable[[], Awaitable[None]]]:
        engine = create_async_engine(self.url)
        connection = await engine.connect()
        raw = (await connection.get_raw_connection()).driver_connection

        async def close() -> None:
            await connection.close()
            await engine.dispose()

        return PostgresLoader(engine, raw), close

    async def finish(self) -> None:
        """Sequences past the ids written, and the planner statistics and visibility map
        autovacuum would have made by the time members query (VACUUM ANALYZE)."""
        engine = create_async_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                for table in sqlalchemy_tables_with_serial_id():
                    await connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
                await connection.exec_driver_sql("VACUUM ANALYZE")
        finally:
            await engine.dispose()

    async def size_bytes(self) -> int:
        engine = create_async_engine(self.url)
        try:
            async with engine.connect() as connection:
                return int(
                    await connection.scalar(text("SELECT pg_database_size(current_database())"))
                    or 0
                )
        finally:
            await engine.dispose()

    async def drop(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def sqlalchemy_tables_with_serial_id() -> list[str]:
    models = (ChallengePost, ChallengeSubmission, ChallengeFeedback, ChallengePoints)
    return [model.__tablename__ for model in (*models, MentorRequest, Mentorship)]


# -- timing ------------------------------------------------------------------------------


@dataclass
class Timed:
    name: str
    kind: str  # "read", "write" (member-facing) or "job" (scheduled, no target)
    times_ms: list[float]
    cpu_ms: list[float]  # this process's CPU time: on SQLite that includes the database's
    statements: list[tuple[str, Any]] = field(default_factory=list)
    refused: int = 0

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.times_ms)
        return {
            "query": self.name,
            "kind": self.kind,
            "runs": len(ordered),
            "p50_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)], 3),
            "max_ms": round(ordered[-1], 3),
            "mean_ms": round(statistics.fmean(ordered), 3),
            "cpu_p50_ms": round(statistics.median(self.cpu_ms), 3),
            "refused": self.refused,
        }


class Recorder:
    """The statements a call sends (captured once per query, for EXPLAIN)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.capturing: list[tuple[str, Any]] | None = None
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(
        self,
        _conn: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if self.capturing is not None:
            self.capturing.append((statement, parameters))


Call = Callable[[int], Awaitable[object]]


async def answered(call: Call, run: int) -> bool:
    """Run one call; False if the service refused it (a member-facing error message, such
    as a hidden profile: still a full answer, and timed as one)."""
    try:
        await call(run)
    except DomainError:
        return False
    return True


async def measure(
    recorder: Recorder,
    name: str,
    kind: str,
    call: Call,
    runs: int,
    max_seconds: float,
    warmup: int = 2,
) -> Timed:
    for index in range(warmup):
        await answered(call, 10_000 + index)
    recorder.capturing = []
    await answered(call, 20_000)
    statements, recorder.capturing = recorder.capturing, None
    times: list[float] = []
    cpu: list[float] = []
    refused = 0
    began = time.perf_counter()
    for index in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        refused += not await answered(call, index)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if time.perf_counter() - began > max_seconds and len(times) >= 5:
            break
    return Timed(name, kind, times, cpu, statements, refused)


def scenarios(
    database: Database, content: Content, facts: list[GuildFacts], seed: int
) -> list[tuple[str, str, Call]]:
    """The member-facing calls (and three scheduled jobs) on the big guild."""
    clock = ManualClock(NOW)
    services = build_services(database, clock, content)
    career = services.career
    challenges, profiles, mentoring = services.challenges, services.profiles, services.mentoring
    big = facts[0]
    guild = big.guild_id
    rng = np.random.default_rng(seed)
    members = [int(m) for m in rng.choice(big.members, 64)]

    def member(run: int) -> int:
        return members[run % len(members)]

    entries = sorted(big.entries_today, key=lambda e: -e[2])
    newcomers = iter(big.not_entered_today)
    fresh_voters = iter(range(NEWCOMER_BASE, NEWCOMER_BASE + 10**6))
    today = big.today

    async def submit(_run: int) -> object:
        user = next(newcomers, None) or next(fresh_voters)
        return await challenges.entries.submit(
            guild, user, today.id, link="https://soundcloud.com/new/take", notes=None, file=None
        )

    async def vote(run: int) -> object:
        if not entries:
            return None
        # Every other vote on today's most popular entry (the longest count), else any.
        sid, message, _ = entries[0] if run % 2 == 0 else entries[run * 7919 % len(entries)]
        return await challenges.entries.vote(guild, sid, next(fresh_voters), message)

    async def close(_run: int) -> object:
        # Yesterday's results again, in a transaction rolled back: all the reads and the
        # (no-op) award upserts the results job does when a day closes.
        async with AsyncSession(database.engine) as session:
            closing = await challenges.scores.tally(session, big.last_closed)
            results = await challenges.scores.settle(session, closing)
            await session.rollback()
        return results

    async def at_risk(_run: int) -> object:
        async with database.read() as session:
            post = await session.get(ChallengePost, today.id)
            assert post is not None
            return await challenges.scores.at_risk(session, post)

    async def month_top(_run: int) -> object:
        async with database.read() as session:
            return await challenges.scores.month_top(session, guild, date(2027, 5, 31))

    scores = challenges.scores
    return [
        (
            "challenge leaderboard week",
            "read",
            lambda r: scores.leaderboard(guild, "week", member(r)),
        ),
        (
            "challenge leaderboard month",
            "read",
            lambda r: scores.leaderboard(guild, "month", member(r)),
        ),
        (
            "challenge leaderboard all",
            "read",
            lambda r: scores.leaderboard(guild, "all", member(r)),
        ),
        ("challenge streak", "read", lambda r: scores.streak(guild, member(r))),
        ("challenge history", "read", lambda r: scores.history(guild, member(r))),
        ("challenge open post", "read", lambda r: challenges.entries.open_post(guild)),
        ("career skill map", "read", lambda r: career.skill_map(guild, member(r))),
        ("career next steps", "read", lambda r: career.next_steps(guild, member(r))),
        ("career community", "read", lambda r: career.community(guild)),
        ("mentor find", "read", lambda r: mentoring.find(guild, member(r))),
        ("mentor list", "read", lambda r: mentoring.mentors(guild)),
        ("mentor mine", "read", lambda r: mentoring.mine(guild, member(r))),
        ("profile card", "read", lambda r: profiles.card(guild, member(r), member(r + 1))),
        ("challenge submit", "write", submit),
        ("challenge vote", "write", vote),
        ("job: results of a day", "job", close),
        ("job: streak-at-risk DMs", "job", at_risk),
        ("job: monthly champion", "job", month_top),
    ]


async def explain(database: Database, statements: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The plan of every SELECT a call sent."""
    plans = []
    sqlite = database.dialect == "sqlite"
    for statement, parameters in statements:
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
        async with database.engine.connect() as connection:
            rows = (await connection.exec_driver_sql(prefix + statement, parameters)).all()
        lines = [
            clip(f"{'  ' * depth(row, rows)}{row[-1]}" if sqlite else str(row[0]), 400)
            for row in rows
        ]
        plans.append({"statement": clip(" ".join(statement.split()), 2000), "plan": lines})
    return plans


def clip(line: str, length: int) -> str:
    """Long IN lists (thousands of ids) cut short."""
    return line if len(line) <= length else line[:length] + " …"


def depth(row: Any, rows: Sequence[Any]) -> int:
    """Nesting of an EXPLAIN QUERY PLAN row (its parent chain)."""
    parents = {r[0]: r[1] for r in rows}
    level, parent = 0, row[1]
    while parent in parents:
        level, parent = level + 1, parents[parent]
    return level


# -- one size on one backend -------------------------------------------------------------


async def run_size(
    backend: Backend,
    content: Content,
    sizes: Sizes,
    fraction: float,
    options: argparse.Namespace,
    with_plans: bool,
) -> dict[str, Any]:
    print(f"\n[{backend.name}] building {sizes.label} ...", file=sys.stderr, flush=True)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    await backend.create()
    database = Database.from_url(backend.url)
    try:
        await upgrade_to_head(database)
    finally:
        await database.close()
    phases["migrate"] = time.perf_counter() - started
    loader, close_loader = await backend.loader()
    builder = Builder(loader, content, seed=round(fraction * 1000))
    try:
        facts, built = await builder.build(guild_specs(sizes))
    finally:
        await close_loader()
    phases |= built
    step = time.perf_counter()
    await backend.finish()
    phases["finish"] = time.perf_counter() - step
    phases["total"] = time.perf_counter() - started
    size = await backend.size_bytes()
    print(
        f"[{backend.name}] built in {phases['total']:.0f} s ({size / 2**20:,.0f} MiB): "
        + ", ".join(f"{k} {v:,}" for k, v in builder.counts.rows.items()),
        file=sys.stderr,
        flush=True,
    )
    database = Database.from_url(backend.url)
    recorder = Recorder(database.engine)
    timed: list[Timed] = []
    rows = builder.counts.rows
    del builder  # its rows are loaded; then, as the bot does once ready, set aside what is left
    gc.collect()
    gc.freeze()
    load_before = os.getloadavg()
    try:
        for name, kind, call in scenarios(database, content, facts, seed=7):
            runs, warmup = (options.job_runs, 1) if kind == "job" else (options.runs, 2)
            item = await measure(recorder, name, kind, call, runs, options.max_seconds, warmup)
            timed.append(item)
            row = item.row()
            print(
                f"[{backend.name}]   {name:30} p50 {row['p50_ms']:9.2f}  p95 {row['p95_ms']:9.2f}"
                f"  max {row['max_ms']:9.2f} ms  cpu p50 {row['cpu_p50_ms']:9.2f} ms"
                f"  ({row['runs']} runs)",
                file=sys.stderr,
                flush=True,
            )
        plans: dict[str, list[dict[str, Any]]] = {}
        for item in timed:
            slow = item.kind != "job" and item.row()["p95_ms"] > TARGET_MS
            if with_plans or (options.explain and slow):
                plans[item.name] = await explain(database, item.statements)
    finally:
        await database.close()
    if not options.keep:
        await backend.drop()
    return {
        "fraction": fraction,
        "sizes": {"members": sizes.members, "entries": sizes.entries, "votes": sizes.votes},
        "rows": rows,
        "build_seconds": {k: round(v, 1) for k, v in phases.items()},
        "database_bytes": size,
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "queries": [item.row() for item in timed],
        "plans": plans,
    }


# -- report ------------------------------------------------------------------------------


def growth(
    rows: list[dict[str, Any]], name: str, stat: str = "p50_ms"
) -> tuple[float, float] | None:
    """``stat`` at the largest size over the smallest, and the exponent k of
    time ~ rows^k between them (0: flat, 1: linear in the data)."""
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    a = next(q for q in first["queries"] if q["query"] == name)[stat]
    b = next(q for q in last["queries"] if q["query"] == name)[stat]
    data = (last["sizes"]["entries"] + last["sizes"]["votes"]) / (
        first["sizes"]["entries"] + first["sizes"]["votes"]
    )
    ratio = b / a if a > 0 else float("inf")
    return ratio, math.log(ratio) / math.log(data) if data > 1 and ratio > 0 else 0.0


def report(backend: str, version: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{backend} {version}: p50 / p95 / max in ms per size (runs per query in the JSON)")
    width = 24
    header = f"{'query':30} {'kind':5}"
    for row in rows:
        s = row["sizes"]
        label = f"{short(s['members'])} m {short(s['entries'])} e {short(s['votes'])} v"
        header += f" | {label:>{width}}"
    print(header + f" | {'growth p50':>16} | <{TARGET_MS:g} ms p95")
    names = [q["query"] for q in rows[0]["queries"]]
    for name in names:
        line = ""
        kind = ""
        for row in rows:
            q = next(q for q in row["queries"] if q["query"] == name)
            kind = q["kind"]
            cell = f"{q['p50_ms']:.1f} / {q['p95_ms']:.1f} / {q['max_ms']:.1f}"
            line += f" | {cell:>{width}}"
        found = growth(rows, name)
        grown = f"x{found[0]:.2f} (k={found[1]:+.2f})" if found else "-"
        last = next(q for q in rows[-1]["queries"] if q["query"] == name)
        verdict = "-" if kind == "job" else ("yes" if last["p95_ms"] <= TARGET_MS else "NO")
        print(f"{name:30} {kind:5}{line} | {grown:>16} | {verdict}")
    print(
        "\nCPU time of this process per call, p50 in ms (on SQLite it includes the database's"
        " work, so it shows the cost without other processes competing for the cores; on"
        " PostgreSQL it is the client side only):"
    )
    for name in names:
        cells = [
            next(q for q in row["queries"] if q["query"] == name)["cpu_p50_ms"] for row in rows
        ]
        found = growth(rows, name, "cpu_p50_ms")
        grown = f"x{found[0]:.2f} (k={found[1]:+.2f})" if found else "-"
        print(f"{name:30} " + " | ".join(f"{cell:>10.1f}" for cell in cells) + f" | {grown}")
    print("\nbuild (seconds) and rows:")
    for row in rows:
        b = row["build_seconds"]
        counts = row["rows"]
        print(
            f"  {row['fraction']:<6.3g} total {b['total']:7.1f} (migrate {b['migrate']:.1f}, "
            f"challenges {b['challenges']:.1f}, members {b['members']:.1f}, "
            f"finish {b['finish']:.1f})  {row['database_bytes'] / 2**20:8,.0f} MiB  "
            f"entries {counts.get('challenge_submissions', 0):,}  "
            f"votes {counts.get('challenge_votes', 0):,}  "
            f"ledger {counts.get('challenge_points', 0):,}  "
            f"feedback {counts.get('challenge_feedback', 0):,}  "
            f"profiles {counts.get('profiles', 0):,}  "
            f"mentors {counts.get('mentor_offers', 0):,}  "
            f"skill rows {counts.get('skill_progress', 0):,}"
        )


def print_plans(backend: str, rows: list[dict[str, Any]]) -> None:
    last = rows[-1]
    slow = {
        q["query"]
        for q in last["queries"]
        if q["kind"] != "job" and q["p95_ms"] > TARGET_MS and q["query"] in last["plans"]
    }
    for name in sorted(slow):
        print(f"\n{backend}: plans of `{name}` at the largest size")
        for plan in last["plans"][name]:
            print(f"  {plan['statement'][:400]}")
            for line in plan["plan"]:
                print(f"      {line}")


async def reachable(backend: PostgresBackend) -> str | None:
    try:
        return await asyncio.wait_for(backend.version(), 10)
    except Exception as error:
        print(f"PostgreSQL unreachable at {backend.server}: {error!r}", file=sys.stderr)
        return None


async def main(options: argparse.Namespace) -> dict[str, Any]:
    content = load_content(DATA)
    base = Sizes(MEMBERS, ENTRIES, VOTES)
    if options.quick:
        base = base.scaled(1 / 20)
    fractions = sorted(options.fractions)
    record: dict[str, Any] = {"backends": {}, "notes": []}
    names = ("sqlite", "postgresql") if options.backend == "both" else (options.backend,)
    for name in names:
        version = sqlite3.sqlite_version
        backend: Backend
        if name == "sqlite":
            workdir = Path(tempfile.mkdtemp(prefix="data-growth-", dir=options.workdir))
            backend = SqliteBackend(workdir)
        else:
            postgres = PostgresBackend(options.pg_server, options.pg_database)
            found = await reachable(postgres)
            if found is None:
                note = f"PostgreSQL skipped: not reachable at {options.pg_server}"
                record["notes"].append(note)
                print(note)
                continue
            version, backend = found, postgres
        rows = []
        try:
            for fraction in fractions:
                sizes = base.scaled(fraction)
                rows.append(
                    await run_size(
                        backend, content, sizes, fraction, options, fraction == fractions[-1]
                    )
                )
        finally:
            if name == "sqlite" and not options.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        record["backends"][name] = {"version": version, "sizes": rows}
        report(name, version, rows)
        if options.explain:
            print_plans(name, rows)
    return record


def machine() -> dict[str, Any]:
    return record.machine() | {
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "numpy": np.__version__,
    }


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="every size divided by 20")
    parser.add_argument(
        "--fractions",
        type=float,
        nargs="+",
        default=[0.1, 1 / 3, 1.0],
        help="sizes to build, as fractions of the full size",
    )
    parser.add_argument("--runs", type=int, default=50, help="timed runs per query")
    parser.add_argument("--job-runs", type=int, default=5, help="timed runs per job")
    parser.add_argument(
        "--max-seconds", type=float, default=20.0, help="stop a query's runs after this long"
    )
    parser.add_argument("--explain", action="store_true", help="print plans of slow queries")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite file goes")
    parser.add_argument("--pg-server", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-database", default="bench_growth")
    parser.add_argument("--out", type=Path, default=RESULTS / "data_growth.json")
    return parser.parse_args(argv)


def cli(argv: Sequence[str] | None = None) -> None:
    options = parse(argv)
    started = time.perf_counter()
    record = asyncio.run(main(options))
    record["machine"] = machine()
    record["options"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()}
    record["target_ms"] = TARGET_MS
    record["now"] = NOW.isoformat()
    record["seconds"] = round(time.perf_counter() - started, 1)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(record, indent=2, default=str))
    print(f"\nwritten to {options.out} ({record['seconds']:.0f} s in all)")


if __name__ == "__main__":
    cli()
