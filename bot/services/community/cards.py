"""The bot's cards for moderators (a report in the mod-log, a suggestion): the message that
shows a record, so a change made elsewhere (on the dashboard) reaches it too."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Card:
    channel_id: int
    message_id: int
