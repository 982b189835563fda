"""Helpers shared by the unit and the end-to-end tests."""

import asyncio
import inspect
import time
from collections.abc import Callable

POLL = 0.02
"""Seconds between two looks at a condition ``eventually`` waits for."""


async def eventually(
    condition: Callable[[], object],
    what: str | Callable[[], str] = "the condition",
    timeout: float = 10.0,
) -> None:
    """Wait until ``condition()`` is true (it may be a coroutine function): for work done
    after an answer, such as a role change, a follow-up or a log line. After ``timeout``
    seconds the test fails, saying what it waited for: ``what``, or ``what()`` then."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not true after {timeout} s: {said}")
        await asyncio.sleep(POLL)
