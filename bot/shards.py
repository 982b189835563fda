"""Which guilds' scheduled work belongs to this process. Discord puts a guild on shard
``(guild_id >> 22) % shard_count``; a process runs all shards or the ones it is given."""

from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, SQLColumnExpression, literal_column, true


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards this process runs: ``ids`` out of ``count`` (None: every shard)."""

    count: int = 1
    ids: tuple[int, ...] | None = None

    @property
    def every(self) -> bool:
        return self.ids is None or set(range(self.count)) <= set(self.ids)

    def owns(self, guild_id: int) -> bool:
        return self.every or (guild_id >> 22) % self.count in (self.ids or ())

    def holds(self, guild_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
        """``owns`` in SQL, for claims that take a limited batch: other processes' guilds
        never fill (or lock) this process's batch."""
        if self.every:
            return true()
        shard = guild_id.op(">>", return_type=BigInteger)(literal_column("22")) % self.count
        return shard.in_(self.ids or ())


EVERY_SHARD = Shards()
