from bot.backoff import Backoff


def test_crashes_in_a_row_wait_longer_and_longer_up_to_a_limit() -> None:
    backoff = Backoff(first=5, longest=60, stable_after=600)
    assert [backoff.after_crash(ran_for=1) for _ in range(6)] == [5, 10, 20, 40, 60, 60]


def test_a_healthy_run_starts_the_waits_over() -> None:
    backoff = Backoff(first=5, longest=60, stable_after=600)
    backoff.after_crash(ran_for=1)
    backoff.after_crash(ran_for=1)
    assert backoff.after_crash(ran_for=3_600) == 5
    assert backoff.after_crash(ran_for=1) == 10
