"""Read-mostly data kept in memory, trusted only while the database says it is current.

Each copy is stored with the stamp it was read at (a version number the database raises on
every change, with whatever else tells a recreated row apart). A reader fetches the
current stamp in the same unit of work as it would read the data, one indexed read, and
loads the data again only when the stamp moved. So a change made by this process or by
any other (another shard, the dashboard) is seen by the very next read, and an unchanged
guild costs one primary-key lookup instead of the queries that build the value.
"""

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class VersionedCache(Generic[K, V]):
    """Values by key, each with the stamp it was read at."""

    def __init__(self) -> None:
        self._entries: dict[K, tuple[Hashable, V]] = {}

    def lookup(self, key: K, stamp: Hashable) -> V | None:
        """The copy of ``key`` if it was read at ``stamp``, else None."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] == stamp else None

    def store(self, key: K, stamp: Hashable, value: V) -> V:
        self._entries[key] = (stamp, value)
        return value

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
