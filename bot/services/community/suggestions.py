"""Suggestions: members write them, moderators mark them handled."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.models.community import Suggestion
from bot.services.community.cards import Card, card_updated, outdated_cards

TITLE_MAX = 100
BODY_MAX = 1500


@dataclass(frozen=True, slots=True)
class SuggestionInfo:
    id: int
    guild_id: int
    author_id: int
    title: str
    body: str
    status: str
    created_at: datetime
    handled_by: int | None

    @classmethod
    def of(cls, row: Suggestion) -> "SuggestionInfo":
        return cls(
            row.id,
            row.guild_id,
            row.author_id,
            row.title,
            row.body,
            row.status,
            row.created_at,
            row.handled_by,
        )


class SuggestionService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def create(self, guild_id: int, author_id: int, title: str, body: str) -> SuggestionInfo:
        title, body = title.strip(), body.strip()
        if not title or not body:
            raise InvalidInput("A suggestion needs a title and a description.")
        if len(title) > TITLE_MAX or len(body) > BODY_MAX:
            raise InvalidInput(
                f"Keep the title under {TITLE_MAX} characters and the text under {BODY_MAX}."
            )
        async with self._database.write() as session:
            row = Suggestion(
                guild_id=guild_id,
                author_id=author_id,
                title=title,
                body=body,
                status="open",
                created_at=self._clock.now(),
            )
            session.add(row)
            await session.flush()
            return SuggestionInfo.of(row)

    async def attach_message(
        self, guild_id: int, suggestion_id: int, channel_id: int, message_id: int
    ) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(Suggestion)
                .where(Suggestion.guild_id == guild_id, Suggestion.id == suggestion_id)
                .values(channel_id=channel_id, message_id=message_id)
            )

    async def mark_handled(
        self, guild_id: int, suggestion_id: int, moderator_id: int, *, on_card: bool = False
    ) -> SuggestionInfo:
        """Close an open suggestion. Atomic: two moderators clicking at once close it once.
        Closed away from its card (``on_card`` False), the card is owed an update."""
        async with self._database.write() as session:
            result = await session.execute(
                update(Suggestion)
                .where(
                    Suggestion.guild_id == guild_id,
                    Suggestion.id == suggestion_id,
                    Suggestion.status == "open",
                )
                .values(
                    status="handled",
                    handled_by=moderator_id,
                    handled_at=self._clock.now(),
                    card_outdated=not on_card,
                )
            )
            row = await session.scalar(
                select(Suggestion).where(
                    Suggestion.guild_id == guild_id, Suggestion.id == suggestion_id
                )
            )
        if row is None:
            raise NotFound("That suggestion no longer exists.")
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise InvalidInput("That suggestion was already marked as handled.")
        return SuggestionInfo.of(row)

    async def outdated_cards(
        self, owns: Callable[[int], bool]
    ) -> list[tuple[SuggestionInfo, Card]]:
        """Suggestions handled away from their card, with the card to bring up to date."""
        return await outdated_cards(self._database, Suggestion, SuggestionInfo.of, owns)

    async def card_updated(self, guild_id: int, suggestion_id: int) -> None:
        await card_updated(self._database, Suggestion, guild_id, suggestion_id)
