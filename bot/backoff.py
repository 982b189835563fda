"""How long to wait before restarting after a crash: doubling from a few seconds to a
quarter of an hour, and back to the start once a run has lasted a while."""

from dataclasses import dataclass


@dataclass
class Backoff:
    first: float = 5.0
    longest: float = 900.0
    stable_after: float = 600.0
    """A run this long (seconds) counts as healthy: the next crash waits ``first`` again."""
    _next: float = 0.0

    def after_crash(self, ran_for: float) -> float:
        """Seconds to wait before the next start, after a run of ``ran_for`` seconds."""
        if ran_for >= self.stable_after or self._next == 0.0:
            self._next = self.first
        delay, self._next = self._next, min(self._next * 2, self.longest)
        return delay
