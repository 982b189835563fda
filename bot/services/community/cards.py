"""The bot's cards for moderators (a report in the mod-log, a suggestion): the message that
shows a record, so a change made elsewhere (on the dashboard) reaches it too."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select, update

from bot.db.engine import Database
from bot.models.community import Report, Suggestion

Row = TypeVar("Row", Report, Suggestion)
Info = TypeVar("Info")


@dataclass(frozen=True, slots=True)
class Card:
    channel_id: int
    message_id: int


async def outdated_cards(
    database: Database, model: type[Row], info: Callable[[Row], Info], owns: Callable[[int], bool]
) -> list[tuple[Info, Card]]:
    """Records of ``model`` handled away from their card, as ``info``, with the card to
    bring up to date, in the guilds ``owns`` says this process serves."""
    async with database.read() as session:
        rows = await session.scalars(
            select(model)
            .where(model.card_outdated.is_(True), model.message_id.is_not(None))
            .order_by(model.id)
        )
        return [
            (info(row), Card(row.channel_id, row.message_id))
            for row in rows
            if owns(row.guild_id) and row.channel_id is not None and row.message_id is not None
        ]


async def card_updated(database: Database, model: type[Row], guild_id: int, row_id: int) -> None:
    """The card of record ``row_id`` shows it as it is."""
    async with database.write() as session:
        await session.execute(
            update(model)
            .where(model.guild_id == guild_id, model.id == row_id)
            .values(card_outdated=False)
        )
