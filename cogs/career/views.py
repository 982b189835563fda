"""Career views: the path menu and tip buttons (persistent), and the guild-tip forms."""

import re
from typing import Any

import discord

from bot.checks import producer_bot, require_guild_id
from bot.content.career import CareerContent, Level
from bot.errors import NotFound
from bot.services.careers.guidance import TIP_TEXT_MAX, TIP_TEXT_MIN, CareerService
from bot.services.careers.tip_pick import GUILD_TIP_PREFIX, TipCard
from bot.ui.buttons import UNUSABLE, IdButton, parse_id
from bot.ui.errors import reports_errors
from bot.ui.forms import IdForm, Submitted
from bot.ui.pages import NO_KEY, show_page
from bot.ui.views import PersistentButtons
from cogs.career import render

ANY = "-"


PATHS = "career-paths"
"""The page source of ``/career paths``: the overview, then one page per path."""


def path_pages(career: CareerContent) -> list[discord.Embed]:
    """The overview of the routes, then each path in the order of the menu."""
    return [render.paths_overview(career), *(render.path_detail(career, p) for p in career.paths)]


class PathMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"career:paths-menu"):
    """The menu that opens a path, above the page turns on every page of ``/career paths``.
    Persistent: it answers after a restart too."""

    def __init__(self, career: CareerContent) -> None:
        options = [
            discord.SelectOption(
                label=path.name, value=path.id, emoji=path.emoji, description=path.summary
            )
            for path in career.paths
        ]
        menu = discord.ui.Select[Any](
            custom_id="career:paths-menu", placeholder="Open a path…", options=options
        )
        super().__init__(menu)
        self.career = career

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> "PathMenu":
        return cls(producer_bot(interaction).content.career)

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        ids = [path.id for path in self.career.paths]
        chosen = next(iter(self.item.values), "")
        if chosen not in ids:
            raise NotFound(UNUSABLE)
        await show_page(interaction, PATHS, NO_KEY, ids.index(chosen) + 1)


def _service(interaction: discord.Interaction) -> CareerService:
    return producer_bot(interaction).services.career


class SaveTipButton(IdButton, template="career:save:{tip_id:word}"):
    """Saves the tip for whoever presses it (works on daily posts and after restarts)."""

    def __init__(self, tip_id: str) -> None:
        number = tip_id.removeprefix(GUILD_TIP_PREFIX)
        if number != tip_id and number.isdigit():
            parse_id(number)  # a server's own tip: its number must be a database id
        custom_id = self.custom_id_for(tip_id=tip_id)
        super().__init__(discord.ui.Button(label="Save", emoji="🔖", custom_id=custom_id))
        self.tip_id = tip_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        await service.save_tip(require_guild_id(interaction), interaction.user.id, self.tip_id)
        await interaction.response.send_message(
            f"Saved tip `{self.tip_id}`. See your saved tips with `/career saved`.", ephemeral=True
        )


class AnotherTipButton(IdButton, template="career:another:{topic:word}:{level:word}"):
    """Shows the member another tip of the same selection (``-``: any topic or level)."""

    def __init__(self, topic: str | None, level: Level | str | None) -> None:
        self.topic = None if topic == ANY else topic
        self.level = None if level is None or level == ANY else Level(level)
        custom_id = self.custom_id_for(
            topic=self.topic or ANY, level=self.level.value if self.level else ANY
        )
        super().__init__(
            discord.ui.Button(
                label="Another", emoji="🎲", style=discord.ButtonStyle.primary, custom_id=custom_id
            )
        )

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        service = _service(interaction)
        card = await service.next_tip(
            require_guild_id(interaction), interaction.user.id, self.topic, self.level
        )
        await interaction.response.edit_message(
            embed=render.tip(producer_bot(interaction).content.career, card),
            view=tip_view(card.id, self.topic, self.level),
        )


def tip_view(tip_id: str, topic: str | None, level: Level | None) -> discord.ui.View:
    return PersistentButtons(AnotherTipButton(topic, level), SaveTipButton(tip_id))


def daily_view(tip_id: str) -> discord.ui.View:
    return PersistentButtons(SaveTipButton(tip_id))


class GuildTipForm(
    IdForm,
    title="A tip for this server",
    template="career:tip-form:{topic:word}:{level:word}",
    moderators=True,
):
    """A new tip of the server's own, for ``topic`` and ``level``."""

    done = "Added"

    def __init__(self, topic: str, level: str) -> None:
        self.topic, self.level = topic, level

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        text = discord.ui.TextInput[Any](
            custom_id="text",
            style=discord.TextStyle.paragraph,
            min_length=TIP_TEXT_MIN,
            max_length=TIP_TEXT_MAX,
            placeholder=f"One or two concrete sentences to act on today ({TIP_TEXT_MIN}+ "
            "characters).",
        )
        return [("The tip", text)]

    async def save(self, interaction: discord.Interaction, text: str) -> TipCard:
        """Store the tip; the card members will see."""
        return await _service(interaction).add_guild_tip(
            require_guild_id(interaction), interaction.user.id, self.topic, self.level, text
        )

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        card = await self.save(interaction, submitted.text("text"))
        await interaction.response.send_message(
            f"{self.done} the tip `{card.id}`; members of this server can now get it.",
            embed=render.tip(producer_bot(interaction).content.career, card),
            ephemeral=True,
        )


class GuildTipEditForm(
    GuildTipForm,
    title="A tip for this server",
    template="career:tip-edit:{tip_id:word}:{topic:word}:{level:word}",
    moderators=True,
):
    """One of the server's tips, with a new text and perhaps a new topic or level."""

    done = "Updated"

    def __init__(self, tip_id: str, topic: str, level: str) -> None:
        super().__init__(topic, level)
        self.tip_id = tip_id

    async def save(self, interaction: discord.Interaction, text: str) -> TipCard:
        return await _service(interaction).edit_guild_tip(
            require_guild_id(interaction), self.tip_id, self.topic, self.level, text
        )
