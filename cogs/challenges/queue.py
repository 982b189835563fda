"""Moderators' queue: the forms to write, edit and move a challenge (named by their custom
id, so answered after a restart too), and the paginated plan of the coming days with edit,
move and remove for the scheduled items."""

from datetime import date
from typing import Any

import discord

from bot.app import ChallengeServices
from bot.checks import ensure_moderator, producer_bot, require_guild_id
from bot.content.career import CareerContent
from bot.content.challenges import Difficulty
from bot.services.challenges.common import BRIEF_MAX, TITLE_MAX, ChallengeCard
from bot.services.challenges.schedule import QueueItem
from bot.ui.forms import IdForm, Inputs, Submitted
from bot.ui.text import member_text
from bot.ui.views import OwnedView, numbered
from cogs.challenges import render
from cogs.challenges.views import challenge_services

ANY_DAY = "any"
"""The date field of a new challenge's form without a date: the end of the queue."""


def _select(custom_id: str, options: list[tuple[str, str]], current: str) -> discord.ui.Select[Any]:
    return discord.ui.Select(
        custom_id=custom_id,
        options=[
            discord.SelectOption(label=label, value=value, default=value == current)
            for value, label in options
        ],
    )


def challenge_inputs(career: CareerContent) -> Inputs:
    """Title, brief, skill (of the bot's skill map), difficulty and deadline, blank."""
    title = discord.ui.TextInput[Any](
        custom_id="title", max_length=TITLE_MAX, placeholder="Eight-bar hook"
    )
    brief = discord.ui.TextInput[Any](
        custom_id="brief",
        style=discord.TextStyle.paragraph,
        max_length=BRIEF_MAX,
        placeholder="What to make, in two or three concrete sentences.",
    )
    skills = [(skill.id, skill.name) for skill in career.skills]
    levels = [(level.value, level.value.title()) for level in Difficulty]
    return [
        ("Title", title),
        ("Brief", brief),
        ("Skill it trains", _select("skill", skills, "")),
        ("Difficulty", _select("difficulty", levels, "medium")),
        (
            "Hours to submit (1 to 168)",
            discord.ui.TextInput[Any](custom_id="hours", max_length=4, default="24"),
        ),
    ]


def submitted_card(interaction: discord.Interaction, submitted: Submitted) -> ChallengeCard:
    """The challenge a moderator wrote in a challenge form, checked."""
    skill, level = submitted.one("skill"), submitted.one("difficulty")
    return challenge_services(interaction).schedule.card(
        submitted.text("title"), submitted.text("brief"), skill, level, submitted.text("hours")
    )


class ChallengeForm(
    IdForm,
    title="A challenge for this server",
    template="challenge:add-form:{on:word}",
    moderators=True,
):
    """A new challenge for the local date ``on`` (``YYYY-MM-DD``), or for the end of the
    queue (``ANY_DAY``)."""

    def __init__(self, on: str) -> None:
        self.on = None if on == ANY_DAY else on

    @classmethod
    def opened(cls, career: CareerContent, on: date | None) -> discord.ui.Modal:
        day = on.isoformat() if on else ANY_DAY
        return cls.prefilled({}, inputs=challenge_inputs(career), on=day)

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        added = await challenge_services(interaction).schedule.add(
            require_guild_id(interaction),
            interaction.user.id,
            submitted_card(interaction, submitted),
            self.on,
        )
        where = (
            f"for {added.local_date:%a %d %b %Y}" if added.local_date else "at the end of the queue"
        )
        await interaction.response.send_message(
            f"Scheduled **{member_text(added.card.title)}** {where}. See `/challenge queue`.",
            ephemeral=True,
        )


class ChallengeEditForm(
    IdForm,
    title="A challenge for this server",
    template="challenge:edit-form:{item_id:id}",
    moderators=True,
):
    """A queued challenge, opened with what it says now; sent from the queue, which it
    then shows updated."""

    def __init__(self, item_id: int) -> None:
        self.item_id = item_id

    @classmethod
    def opened(cls, career: CareerContent, item: QueueItem) -> discord.ui.Modal:
        card = item.card
        values = {
            "title": card.title,
            "brief": card.brief,
            "skill": card.skill,
            "difficulty": card.difficulty,
            "hours": str(card.hours_to_submit),
        }
        return cls.prefilled(values, inputs=challenge_inputs(career), item_id=item.id)

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        services = challenge_services(interaction)
        card = submitted_card(interaction, submitted)
        await services.schedule.edit(require_guild_id(interaction), self.item_id, card)
        await QueueView.refresh(interaction, services)


class MoveForm(
    IdForm, title="Move a challenge", template="challenge:move-form:{item_id:id}", moderators=True
):
    """A queued challenge's new date, or the next or last place of the queue."""

    def __init__(self, item_id: int) -> None:
        self.item_id = item_id

    @classmethod
    def inputs(cls) -> Inputs:
        to = discord.ui.TextInput[Any](custom_id="to", max_length=10, placeholder="2027-03-14")
        return [("New date (YYYY-MM-DD), or next / end", to)]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        services = challenge_services(interaction)
        await services.schedule.move(
            require_guild_id(interaction), self.item_id, submitted.text("to")
        )
        await QueueView.refresh(interaction, services)


QUEUE_FORMS = (ChallengeForm, ChallengeEditForm, MoveForm)


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
        if self.chosen is not None:
            await interaction.response.send_modal(
                ChallengeEditForm.opened(self.career, self.chosen)
            )

    @discord.ui.button(label="Move", emoji="↕️", row=2)
    async def move(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        if self.chosen is not None:
            await interaction.response.send_modal(MoveForm.shown(item_id=self.chosen.id))

    @discord.ui.button(label="Remove", emoji="🗑️", style=discord.ButtonStyle.danger, row=2)
    async def remove(
        self, interaction: discord.Interaction, _: discord.ui.Button["QueueView"]
    ) -> None:
        if self.chosen is not None:
            await self.services.schedule.remove(require_guild_id(interaction), self.chosen.id)
            await QueueView.refresh(interaction, self.services)
