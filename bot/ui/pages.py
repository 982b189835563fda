"""Paginated answers whose Previous and Next buttons are persistent.

A paginated answer names its source (a builder a cog adds to the bot's ``page_sources``,
such as the challenge leaderboard) and the source's key (the period, a skill) in its
buttons' custom ids, so a page turn builds the pages again: nothing is kept per answer (a
view with its pages, kept for minutes, was most of what the bot's garbage collector walked
under load), the pages are current, and the buttons answer after a restart too. The
answers are ephemeral, so only the member they were sent to can press them; a source for
moderators is checked again on every press.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.checks import ensure_moderator, producer_bot
from bot.errors import NotFound
from bot.ui.buttons import UNUSABLE, BadField, IdButton, parse_id
from bot.ui.errors import reports_errors
from bot.ui.views import PersistentButtons, numbered

Word = TypeVar("Word", bound=str)
Build = Callable[[discord.Interaction, str], Awaitable[list[discord.Embed]]]
NO_KEY = "-"
"""The key of a source that needs none."""


def key_of(value: str | int | None) -> str:
    """The key naming ``value`` (a word or an id; None for none)."""
    return NO_KEY if value is None else str(value)


def optional_key(key: str) -> str | None:
    """The word a key names, None for none."""
    return None if key == NO_KEY else key


def key_among(key: str, choices: tuple[Word, ...]) -> Word:
    """``key`` if it is one of ``choices``; a key the bot never writes is refused."""
    if key not in choices:
        raise NotFound(UNUSABLE)
    return choices[choices.index(key)]


def key_id(key: str) -> int:
    """The id a key names; a key the bot never writes is refused."""
    try:
        return parse_id(key)
    except BadField as error:
        raise NotFound(UNUSABLE) from error


@dataclass(frozen=True, slots=True)
class PageSource:
    build: Build
    """The pages for the member who pressed, from the key in the custom id."""
    moderator: bool = False
    """Only moderators may turn its pages (checked on every press)."""
    slow: bool = False
    """Building may take long: a press is deferred first (Discord's 3 seconds)."""
    above: Callable[[], discord.ui.Item[Any]] | None = None
    """A persistent item shown above the page turns on every page (a menu that opens one)."""

    def turns(self, name: str, key: str, index: int, count: int) -> PersistentButtons:
        """The items under page ``index`` of ``count`` of this source, named ``name``."""
        return page_turns(name, key, index, count, *([self.above()] if self.above else []))


class PageButton(IdButton, template="pages:{source:word}:{key:word}:{index:index}"):
    """Shows page ``index`` of ``source``'s pages for ``key``."""

    def __init__(
        self, source: str, key: str, index: int, *, back: bool = False, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if back else "Next",
                emoji="◀️" if back else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(source=source, key=key, index=index),
                disabled=disabled,
            )
        )
        self.source, self.key, self.index = source, key, index

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        source = producer_bot(interaction).page_sources.get(self.source)
        if source is None:
            raise NotFound(UNUSABLE)
        if source.moderator:
            await ensure_moderator(interaction)
        if source.slow:
            await interaction.response.defer()
        await show_page(interaction, self.source, self.key, self.index, source)


async def show_page(
    interaction: discord.Interaction,
    name: str,
    key: str,
    index: int,
    source: PageSource | None = None,
) -> None:
    """Replace the message a persistent item of source ``name`` (``source``, if the caller
    has it) is on with page ``index`` for ``key`` (a follow-up edit if the press was
    deferred)."""
    source = source or producer_bot(interaction).page_sources[name]
    pages = await source.build(interaction, key)
    index = min(index, len(pages) - 1)  # fewer pages than when it was shown
    page, turns = numbered(pages, index), source.turns(name, key, index, len(pages))
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=page, view=turns)
    else:
        await interaction.response.edit_message(embed=page, view=turns)


def page_turns(
    source: str, key: str, index: int, count: int, *above: discord.ui.Item[Any]
) -> PersistentButtons:
    """Previous and Next for page ``index`` of ``count`` (none for a single page), under
    the items ``above``."""
    if count == 1:
        return PersistentButtons(*above)
    return PersistentButtons(
        *above,
        PageButton(source, key, max(index - 1, 0), back=True, disabled=index == 0),
        PageButton(source, key, min(index + 1, count - 1), disabled=index == count - 1),
    )


async def send_pages(interaction: discord.Interaction, source: str, key: str = NO_KEY) -> None:
    """Answer ``interaction`` privately with the first page ``source`` builds for ``key``, as
    a follow-up if it was deferred (the command has checked who may see it)."""
    pages_of = producer_bot(interaction).page_sources[source]
    pages = await pages_of.build(interaction, key)
    if not pages:
        raise ValueError("an answer needs at least one page")
    page, turns = numbered(pages, 0), pages_of.turns(source, key, 0, len(pages))
    if interaction.response.is_done():
        await interaction.followup.send(embed=page, view=turns, ephemeral=True)
    else:
        await interaction.response.send_message(embed=page, view=turns, ephemeral=True)
