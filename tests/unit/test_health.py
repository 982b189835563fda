import asyncio
import logging
import re
import time

import pytest

from bot.health import HealthMonitor, resident_mb


async def test_a_blocked_loop_shows_in_the_health_line(caplog: pytest.LogCaptureFixture) -> None:
    monitor = HealthMonitor(interval=0.4)
    with caplog.at_level(logging.INFO, logger="bot.health"):
        monitor.start()
        await asyncio.sleep(0.1)
        time.sleep(0.25)  # noqa: ASYNC251  (on purpose: something blocks the event loop)
        await asyncio.sleep(0.5)
        await monitor.stop()
    [line, *_] = [r.getMessage() for r in caplog.records if r.name == "bot.health"]
    found = re.search(r"max=(\d+\.\d) ms rss=([\d.]+) MB", line)
    assert found is not None, line
    assert float(found[1]) >= 150
    assert float(found[2]) == pytest.approx(resident_mb() or 0, rel=0.5)
