"""Fan-out in batches: every item sent once, the next batch queued behind the one sending,
never more than two batches in flight."""

import asyncio

from bot.services.core.exactly_once import CLAIM_BATCH, in_batches


async def test_batches_overlap_by_one_and_send_everything_once() -> None:
    due = list(range(2 * CLAIM_BATCH + 7))
    sent: list[int] = []
    in_flight: set[int] = set()
    most_in_flight = 0
    overlapped = False

    async def claim() -> list[int]:
        batch = due[:CLAIM_BATCH]
        del due[:CLAIM_BATCH]
        return batch

    async def send(item: int) -> None:
        nonlocal most_in_flight, overlapped
        in_flight.add(item)
        most_in_flight = max(most_in_flight, len(in_flight))
        overlapped |= any(other // CLAIM_BATCH != item // CLAIM_BATCH for other in in_flight)
        await asyncio.sleep(0.01 + item % CLAIM_BATCH * 0.001)  # later items wait longer
        in_flight.discard(item)
        sent.append(item)

    await in_batches(claim, send)
    assert sorted(sent) == list(range(2 * CLAIM_BATCH + 7))
    assert overlapped, "the next batch waited for the whole previous one"
    assert most_in_flight <= 2 * CLAIM_BATCH


async def test_nothing_due_sends_nothing() -> None:
    async def claim() -> list[int]:
        return []

    async def send(item: int) -> None:
        raise AssertionError("nothing was due")

    await in_batches(claim, send)
