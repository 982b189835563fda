"""Sending something exactly once: a post of the day, a reminder, a results message.

A send is claimed in the database before anything goes to Discord (a unique row, or a
claim time set by compare-and-set), and confirmed with the message id afterwards. A claim
that was never confirmed (a crash, a network error) may be taken over once its lease has
run out, and is sent again with the same nonce, so Discord returns the first message
instead of posting twice.
"""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.errors import InvalidInput

T = TypeVar("T")

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)
CLAIM_LEASE = timedelta(seconds=90)
"""How long a claimer has to confirm its send before another tick may send it again (with
the same nonce, well inside the few minutes Discord remembers one)."""
CLAIM_BATCH = 50
"""Daily posts claimed at a time: sent within seconds, far inside their lease."""


def parse_post_time(text: str) -> str:
    """``HH:MM`` in 24-hour form, or ``InvalidInput``."""
    match = _TIME.match(text.strip())
    if match is None:
        raise InvalidInput("Give the time as HH:MM in 24-hour form, for example `09:30`.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def due_date(now: datetime, zone: str, post_time: str) -> date | None:
    """The local date in ``zone`` if its ``post_time`` has come, else None. Only today is
    ever due: a day the bot was down for entirely is skipped, a late start posts late."""
    local = now.astimezone(ZoneInfo(zone))
    hours, minutes = (int(part) for part in post_time.split(":"))
    return local.date() if local.time() >= time(hours, minutes) else None


def lease_running(claimed_at: datetime | None, now: datetime, lease: timedelta) -> bool:
    """Whether a claim made at ``claimed_at`` still holds: its sender may yet confirm."""
    return claimed_at is not None and now - claimed_at < lease


async def claim_send(
    session: AsyncSession,
    row: ColumnElement[bool],
    claimed: InstrumentedAttribute[datetime | None],
    sent: InstrumentedAttribute[int | None],
    claimed_at: datetime | None,
    now: datetime,
    lease: timedelta,
) -> bool:
    """Claim the send of the ``row`` whose ``claimed`` column reads ``claimed_at``: a first
    claim, or the take-over of an unconfirmed one whose ``lease`` (``CLAIM_LEASE`` on the
    caller's clock) ran out. Compare-and-set on
    the claim time, so one claimer wins."""
    if lease_running(claimed_at, now, lease):
        return False
    unchanged = claimed.is_(None) if claimed_at is None else claimed == claimed_at
    result = await session.execute(
        update(claimed.class_).where(row, unchanged, sent.is_(None)).values({claimed.key: now})
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def in_batches(
    claim: Callable[[], Awaitable[list[T]]], send: Callable[[T], Awaitable[object]]
) -> None:
    """Claim ``CLAIM_BATCH`` at a time and send each batch concurrently (the shared send
    budget paces them) until nothing due is left. A new batch starts sending as soon as it
    is claimed, queueing behind the one still sending, so the budget never idles between
    batches; at most two batches are in flight, which keeps every send inside its lease."""
    batch = await claim()
    previous: Awaitable[object] | None = None
    while batch:
        sending = asyncio.gather(*(send(item) for item in batch))
        if previous is not None:
            await previous
        following = await claim() if len(batch) == CLAIM_BATCH else []
        previous, batch = sending, following
    if previous is not None:
        await previous
