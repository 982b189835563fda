"""Shared views: persistent buttons, one that only its owner may use, and forms."""

import contextlib
from typing import Any

import discord

from bot.ui.errors import report_error


class PersistentButtons(discord.ui.View):
    """Buttons that answer from their custom id (``DynamicItem``s registered with the bot),
    also after a restart. The view is finished from the start, so discord.py keeps nothing
    for it: no entry per message, and no 15-minute timer per ephemeral reply (which, at 20
    interactions a second, had held thousands of dead views in memory)."""

    def __init__(self, *items: discord.ui.Item[Any]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)
        self.stop()


def handled_view(label: str) -> PersistentButtons:
    """A disabled label where a "Mark handled" button was: nothing is left to answer."""
    return PersistentButtons(
        discord.ui.Button(label=label[:80], style=discord.ButtonStyle.secondary, disabled=True)
    )


HANDLED_ELSEWHERE = "Handled on the dashboard"
"""The label of a card handled away from it."""


def numbered(pages: list[discord.Embed], index: int) -> discord.Embed:
    """A copy of page ``index`` with its number in the footer (the pages stay as they are:
    they may be shared by every answer)."""
    page = pages[index].copy()
    footer = page.footer.text
    counter = f"Page {index + 1} of {len(pages)}"
    return page.set_footer(text=f"{footer} · {counter}" if footer else counter)


NOT_YOURS = "These buttons belong to someone else. Run the command yourself to get your own."


class OwnedView(discord.ui.View):
    """A view that answers only the member it was made for, and routes errors to the one
    error handler. On timeout its buttons are disabled (when it knows its message)."""

    def __init__(self, owner_id: int, *, timeout: float | None = 180) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)

    async def on_timeout(self) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


class ReportingModal(discord.ui.Modal):
    """A modal whose errors reach the one error handler. A refused form is finished too:
    Discord has closed it, and discord.py would otherwise keep it (it has no timeout)."""

    async def on_error(  # type: ignore[override]  # Modal narrows View's signature
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        self.stop()
        await report_error(interaction, error)
