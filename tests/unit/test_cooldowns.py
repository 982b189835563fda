import asyncio
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.errors import InvalidInput
from bot.services.core.cooldowns import CooldownService, OnCooldown

GUILD, ALICE = 1, 10


async def test_a_cooldown_holds_until_it_runs_out(
    any_database: Database, clock: ManualClock
) -> None:
    cooldowns = CooldownService(any_database, clock)
    await cooldowns.start(GUILD, ALICE, "report", timedelta(minutes=10))
    clock.advance(timedelta(minutes=4))
    with pytest.raises(OnCooldown, match="again in 6 minutes") as refused:
        await cooldowns.start(GUILD, ALICE, "report", timedelta(minutes=10))
    assert refused.value.wait == timedelta(minutes=6)
    await cooldowns.start(GUILD, ALICE, "request", timedelta(minutes=10))  # another action
    await cooldowns.start(GUILD + 1, ALICE, "report", timedelta(minutes=10))  # another guild
    clock.advance(timedelta(minutes=6))
    await cooldowns.start(GUILD, ALICE, "report", timedelta(minutes=10))


async def test_a_restarted_process_sees_the_same_cooldown(
    any_database: Database, clock: ManualClock
) -> None:
    await CooldownService(any_database, clock).start(GUILD, ALICE, "entry", timedelta(seconds=30))
    with pytest.raises(OnCooldown, match="30 seconds"):
        await CooldownService(any_database, clock).start(
            GUILD, ALICE, "entry", timedelta(seconds=30)
        )


async def test_concurrent_attempts_let_exactly_one_through(
    any_database: Database, clock: ManualClock
) -> None:
    cooldowns = CooldownService(any_database, clock)
    results = await asyncio.gather(
        *(cooldowns.start(GUILD, ALICE, "report", timedelta(minutes=5)) for _ in range(20)),
        return_exceptions=True,
    )
    started = [r for r in results if not isinstance(r, OnCooldown)]
    assert started == [clock.now() + timedelta(minutes=5)]


async def test_an_action_that_fails_gives_its_cooldown_back(
    any_database: Database, clock: ManualClock
) -> None:
    cooldowns = CooldownService(any_database, clock)
    with pytest.raises(InvalidInput):
        async with cooldowns.hold(GUILD, ALICE, "request", timedelta(seconds=30)):
            raise InvalidInput("that mentor is paused")
    async with cooldowns.hold(GUILD, ALICE, "request", timedelta(seconds=30)):
        pass  # went through: the cooldown stays
    with pytest.raises(OnCooldown, match="30 seconds"):
        async with cooldowns.hold(GUILD, ALICE, "request", timedelta(seconds=30)):
            pytest.fail("a second request within the cooldown must not run")
