"""Moderators' queue: the form to write a challenge, and the paginated plan of the coming
days with edit, move and remove for the scheduled items."""

import discord

from bot.app import ChallengeServices
from bot.checks import ensure_moderator, producer_bot, require_guild_id
from bot.content.career import CareerContent
from bot.content.challenges import Difficulty
from bot.services.challenges.common import BRIEF_MAX, TITLE_MAX, ChallengeCard
from bot.services.challenges.schedule import QueueItem
from bot.ui.text import member_text
from bot.ui.views import ModeratorModal, OwnedView, numbered
from cogs.challenges import render


def _select(
    options: list[tuple[str, str]], current: str | None
) -> discord.ui.Select["ChallengeForm"]:
    return discord.ui.Select(
        options=[
            discord.SelectOption(label=label, value=value, default=value == current)
            for value, label in options
        ]
    )


class ChallengeForm(ModeratorModal, title="A challenge for this server"):
    """Title, brief, skill, difficulty and deadline: for a new item, or to edit one."""

    def __init__(
        self,
        services: ChallengeServices,
        career: CareerContent,
        *,
        on: str | None = None,
        item: QueueItem | None = None,
    ) -> None:
        super().__init__()
        self.services, self.on, self.item = services, on, item
        card = item.card if item else None
        self.name: discord.ui.TextInput[ChallengeForm] = discord.ui.TextInput(
            max_length=TITLE_MAX, default=card.title if card else None, placeholder="Eight-bar hook"
        )
        self.brief: discord.ui.TextInput[ChallengeForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            max_length=BRIEF_MAX,
            default=card.brief if card else None,
            placeholder="What to make, in two or three concrete sentences.",
        )
        self.skill = _select([(s.id, s.name) for s in career.skills], card.skill if card else None)
        levels = [(level.value, level.value.title()) for level in Difficulty]
        self.difficulty = _select(levels, card.difficulty if card else "medium")
        self.hours: discord.ui.TextInput[ChallengeForm] = discord.ui.TextInput(
            max_length=4, default=str(card.hours_to_submit if card else 24)
        )
        for text, component in (
            ("Title", self.name),
            ("Brief", self.brief),
            ("Skill it trains", self.skill),
            ("Difficulty", self.difficulty),
            ("Hours to submit (1 to 168)", self.hours),
        ):
            self.add_item(discord.ui.Label(text=text, component=component))

    def card(self) -> ChallengeCard:
        skill = self.skill.values[0] if self.skill.values else ""
        level = self.difficulty.values[0] if self.difficulty.values else ""
        return self.services.schedule.card(
            self.name.value, self.brief.value, skill, level, self.hours.value
        )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        if self.item is not None:
            await self.services.schedule.edit(guild_id, self.item.id, self.card())
            await QueueView.refresh(interaction, self.services)
            return
        added = await self.services.schedule.add(
            guild_id, interaction.user.id, self.card(), self.on
        )
        where = (
            f"for {added.local_date:%a %d %b %Y}" if added.local_date else "at the end of the queue"
        )
        await interaction.response.send_message(
            f"Scheduled **{member_text(added.card.title)}** {where}. See `/challenge queue`.",
            ephemeral=True,
        )


class MoveForm(ModeratorModal, title="Move a challenge"):
    to: discord.ui.TextInput["MoveForm"] = discord.ui.TextInput(
        label="New date (YYYY-MM-DD), or next / end", max_length=10, placeholder="2027-03-14"
    )

    def __init__(self, services: ChallengeServices, item_id: int) -> None:
        super().__init__()
        self.services, self.item_id = services, item_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.services.schedule.move(
            require_guild_id(interaction), self.item_id, self.to.value
        )
        await QueueView.refresh(interaction, self.services)


class QueueView(OwnedView):
    """The plan, page by page, with a menu of the scheduled items to edit, move or remove.
    Kept in memory (the menu's choice is its state): after a restart it says it expired."""

    def __init__(
        self,
        owner_id: int,
        services: ChallengeServices,
        career: CareerContent,
        pages: list[discord.Embed],
        items: list[QueueItem],
    ) -> None:
        if not pages:
            raise ValueError("the queue needs at least one page")
        super().__init__(owner_id)
        self.pages, self.index = pages, 0
        self.services, self.career = services, career
        self.items = {item.id: item for item in items}
        self.chosen: QueueItem | None = None
        if items:
            self.menu: discord.ui.Select[QueueView] = discord.ui.Select(
                placeholder="Pick a scheduled challenge to change…",
                options=[render.queue_option(item) for item in items[:25]],
                row=1,
            )
            self.menu.callback = self._choose  # type: ignore[method-assign]
            self.add_item(self.menu)
        self._sync_actions()
        self._sync_turns()

    @property
    def page(self) -> discord.Embed:
        return numbered(self.pages, self.index)

    def _sync_turns(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(self.pages) - 1

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = index
        self._sync_turns()
        await interaction.response.edit_message(embed=self.page, view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        await self._show(interaction, self.index + 1)

    @classmethod
    async def build(
        cls, owner_id: int, guild_id: int, services: ChallengeServices, career: CareerContent
    ) -> "QueueView":
        settings = await services.settings.settings(guild_id)
        plan = await services.schedule.plan(guild_id)
        items = await services.schedule.queue(guild_id)
        return cls(owner_id, services, career, render.plan(settings, plan, items), items)

    @classmethod
    async def refresh(cls, interaction: discord.Interaction, services: ChallengeServices) -> None:
        """Answer a change made from the queue with the updated queue."""
        career = producer_bot(interaction).content.career
        view = await cls.build(interaction.user.id, require_guild_id(interaction), services, career)
        await interaction.response.edit_message(embed=view.page, view=view)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """The owner, and only while they are still a moderator."""
        if not await super().interaction_check(interaction):
            return False
        await ensure_moderator(interaction)
        return True

    def _sync_actions(self) -> None:
        for button in (self.edit, self.move, self.remove):
            button.disabled = self.chosen is None

    async def _choose(self, interaction: discord.Interaction) -> None:
        self.chosen = self.items[int(self.menu.values[0])]
        self._sync_actions()
        await interaction.response.edit_message(view=self)

    async def send(self, interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
        await interaction.response.send_message(embed=self.page, view=self, ephemeral=ephemeral)

    @discord.ui.button(label="Edit", emoji="✏️", row=2)
    async def edit(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        await interaction.response.send_modal(
            ChallengeForm(self.services, self.career, item=self.chosen)
        )

    @discord.ui.button(label="Move", emoji="↕️", row=2)
    async def move(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        if self.chosen is not None:
            await interaction.response.send_modal(MoveForm(self.services, self.chosen.id))

    @discord.ui.button(label="Remove", emoji="🗑️", style=discord.ButtonStyle.danger, row=2)
    async def remove(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        if self.chosen is not None:
            await self.services.schedule.remove(require_guild_id(interaction), self.chosen.id)
            await QueueView.refresh(interaction, self.services)
