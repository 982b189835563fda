"""Pictures are drawn in turn: one member asking again and again waits behind nobody and
holds at most one place in the queue, so others are never more than one drawing behind."""

import asyncio
import threading

import pytest

from bot.render_pool import RenderPool, StillDrawing

ALICE, BOB = 1, 2


async def test_a_member_has_one_drawing_at_a_time_and_others_keep_their_turn() -> None:
    pool = RenderPool(workers=1)
    release = threading.Event()
    order: list[str] = []

    def draw(name: str) -> str:
        if name == "alice-1":
            release.wait(5)
        order.append(name)
        return name

    first = asyncio.create_task(pool.run(ALICE, draw, "alice-1"))
    await asyncio.sleep(0.05)  # alice's drawing holds the only worker
    bobs = asyncio.create_task(pool.run(BOB, draw, "bob"))
    await asyncio.sleep(0.05)
    for _ in range(5):
        with pytest.raises(StillDrawing):
            await pool.run(ALICE, draw, "alice-again")
    release.set()
    assert await first == "alice-1" and await bobs == "bob"
    assert order == ["alice-1", "bob"]
    assert await pool.run(ALICE, draw, "alice-2") == "alice-2"  # free again once done


async def test_a_failed_drawing_frees_the_member() -> None:
    pool = RenderPool()

    def broken() -> None:
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        await pool.run(ALICE, broken)
    assert await pool.run(ALICE, str, 5) == "5"
