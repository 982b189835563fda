import asyncio
import logging
import re
import time

import pytest

from bot.health import HealthMonitor, resident_mb
from tests.helpers import eventually


def health_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.health"]


async def test_a_blocked_loop_shows_in_the_health_line(caplog: pytest.LogCaptureFixture) -> None:
    monitor = HealthMonitor(interval=0.4)
    with caplog.at_level(logging.INFO, logger="bot.health"):
        monitor.start()
        await asyncio.sleep(0)  # the monitor starts timing its first tick
        time.sleep(0.25)  # noqa: ASYNC251  (on purpose: something blocks the event loop)
        await eventually(lambda: health_lines(caplog), "a health line")
        await monitor.stop()
    [line, *_] = health_lines(caplog)
    found = re.search(r"max=(\d+\.\d) ms rss=([\d.]+) MB", line)
    assert found is not None, line
    assert float(found[1]) >= 150
    assert float(found[2]) == pytest.approx(resident_mb() or 0, rel=0.5)
