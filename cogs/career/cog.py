import logging
from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.content.career import CareerContent, Level
from bot.errors import InvalidInput
from bot.services.careers.daily_tip import DailyTipService, DueTip
from bot.services.careers.guidance import CareerService
from bot.services.careers.progress import SkillState
from bot.services.core.exactly_once import in_batches
from bot.ui.pages import PageSource, send_pages
from cogs.career import render
from cogs.career.views import (
    PATHS,
    GuildTipEditForm,
    GuildTipForm,
    PathMenu,
    daily_view,
    path_pages,
    tip_view,
)

log = logging.getLogger(__name__)

LevelName = Literal["beginner", "intermediate", "advanced"]
StateName = Literal["not-started", "learning", "done", "skipped"]


SAVED, PORTFOLIO, GUILD_TIPS = "career-saved", "career-portfolio", "career-guild-tips"
"""Page sources: the member's saved tips, the portfolio guide, the server's own tips."""


def topic_choices(career: CareerContent, current: str) -> list[app_commands.Choice[str]]:
    needle = current.lower()
    return [
        app_commands.Choice(name=f"{t.emoji} {t.name}", value=t.id)
        for t in career.topics
        if needle in t.name.lower() or needle in t.id
    ][:25]


class CareerCog(
    commands.GroupCog,
    name="Career",
    group_name="career",
    group_description="Routes into music production, tips, skills and gear.",
):
    def __init__(self, bot: ProducerBot, service: CareerService, daily: DailyTipService) -> None:
        self.bot = bot
        self.career = bot.content.career
        self.service = service
        self.daily = daily
        self.path_pages = path_pages(self.career)
        bot.page_sources[SAVED] = PageSource(self._saved)
        bot.page_sources[PORTFOLIO] = PageSource(self._portfolio)
        bot.page_sources[GUILD_TIPS] = PageSource(self._guild_tips)
        bot.page_sources[PATHS] = PageSource(self._paths, above=lambda: PathMenu(self.career))
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.register("career:daily-tip", self.post_daily_tips)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister("career:daily-tip")

    # -- members ---------------------------------------------------------------------------

    @app_commands.command(name="paths", description="The routes into music production, one by one.")
    async def paths(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, PATHS)

    @app_commands.command(name="tip", description="A practical tip you have not seen yet.")
    @app_commands.describe(
        topic="What the tip is about (start typing)", level="Your experience level"
    )
    @app_commands.guild_only()
    async def tip(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        level: LevelName | None = None,
    ) -> None:
        chosen = Level(level) if level else None
        card = await self.service.next_tip(
            require_guild_id(interaction), interaction.user.id, topic, chosen
        )
        await interaction.response.send_message(
            embed=render.tip(self.career, card),
            view=tip_view(card.id, topic, chosen),
            ephemeral=True,
        )

    @tip.autocomplete("topic")
    async def _topics(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.lower()
        return [
            app_commands.Choice(name=f"{t.emoji} {t.name}", value=t.id)
            for t in self.career.topics
            if needle in t.name.lower() or needle in t.id
        ][:25]

    @app_commands.command(name="saved", description="The tips you saved.")
    @app_commands.guild_only()
    async def saved(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, SAVED)

    async def _saved(self, interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        cards = await self.service.saved_tips(require_guild_id(interaction), interaction.user.id)
        if not cards:
            raise InvalidInput("You have no saved tips yet: press **Save** under a tip.")
        return render.tip_pages(self.career, cards, f"Your saved tips ({len(cards)})")

    @app_commands.command(name="unsave", description="Remove a tip from your saved tips.")
    @app_commands.describe(tip="The tip's id, shown under each saved tip")
    @app_commands.guild_only()
    async def unsave(self, interaction: discord.Interaction, tip: str) -> None:
        await self.service.unsave_tip(require_guild_id(interaction), interaction.user.id, tip)
        await interaction.response.send_message(
            f"Removed `{tip}` from your saved tips.", ephemeral=True
        )

    @unsave.autocomplete("tip")
    async def _saved_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        cards = await self.service.saved_tips(require_guild_id(interaction), interaction.user.id)
        return [
            app_commands.Choice(name=f"{card.id}: {card.text}"[:100], value=card.id)
            for card in cards
            if current.lower() in f"{card.id} {card.text}".lower()
        ][:25]

    @app_commands.command(name="skills", description="Your skill map and progress, as a picture.")
    @app_commands.guild_only()
    async def skills(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        statuses = await self.service.skill_map(require_guild_id(interaction), interaction.user.id)
        embed, picture = await self.bot.renders.run(
            interaction.user.id, render.skill_map, statuses, interaction.user.display_name
        )
        await interaction.followup.send(embed=embed, file=picture, ephemeral=True)

    @app_commands.command(name="mark", description="Set where you stand on a skill.")
    @app_commands.describe(skill="A skill of the skill map (start typing)", state="Where you stand")
    @app_commands.guild_only()
    async def mark(self, interaction: discord.Interaction, skill: str, state: StateName) -> None:
        status = await self.service.mark_skill(
            require_guild_id(interaction), interaction.user.id, skill, SkillState(state)
        )
        await interaction.response.send_message(
            f"{render.STATE_ICON[status.state]} **{status.skill.name}** is now *{state}*.",
            ephemeral=True,
        )

    @mark.autocomplete("skill")
    async def _skill_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=s.name, value=s.id)
            for s in self.service.search_skills(current)
        ]

    @app_commands.command(
        name="next", description="Three skills to learn next, a path and an exercise."
    )
    @app_commands.guild_only()
    async def next(self, interaction: discord.Interaction) -> None:
        steps = await self.service.next_steps(require_guild_id(interaction), interaction.user.id)
        await interaction.response.send_message(embed=render.next_steps(steps), ephemeral=True)

    @app_commands.command(
        name="gear", description="The studio tech stack, as neutral starting points."
    )
    @app_commands.describe(category="Which part of the studio")
    @app_commands.choices(
        category=[
            app_commands.Choice(name="DAWs", value="daws"),
            app_commands.Choice(name="Audio interfaces", value="interfaces"),
            app_commands.Choice(name="Microphones", value="microphones"),
            app_commands.Choice(name="Monitors", value="monitors"),
            app_commands.Choice(name="Controllers", value="controllers"),
            app_commands.Choice(name="Plug-ins", value="plugins"),
            app_commands.Choice(name="Editing tools", value="editing-tools"),
            app_commands.Choice(
                name="Collaboration & distribution", value="collaboration-distribution"
            ),
        ]
    )
    async def gear(self, interaction: discord.Interaction, category: str | None = None) -> None:
        embed = (
            render.gear_category(self.career.gear_category(category))
            if category
            else render.gear_overview(self.career)
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="portfolio", description="How to build a portfolio that gets you work."
    )
    async def portfolio(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, PORTFOLIO)

    async def _paths(self, _interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        return self.path_pages  # the same for everyone: built once, shown as numbered copies

    async def _portfolio(self, _interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        return render.portfolio(self.career)

    tips = app_commands.Group(
        name="tips", description="This server's own tips: read them, or (moderators) curate them."
    )

    @tips.command(name="list", description="The tips this server's moderators wrote.")
    @app_commands.guild_only()
    async def tips_list(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, GUILD_TIPS)

    async def _guild_tips(self, interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        cards = await self.service.guild_tips(require_guild_id(interaction))
        if not cards:
            raise InvalidInput(
                "This server has no tips of its own yet (moderators: `/career tips add`)."
            )
        return render.tip_pages(self.career, cards, f"Tips from this server ({len(cards)})")

    # -- moderators ------------------------------------------------------------------------

    @app_commands.command(
        name="community", description="Moderators: what the server is learning, as a chart."
    )
    @app_commands.guild_only()
    @moderator_only
    async def community(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        tallies = await self.service.community(require_guild_id(interaction))
        embed, picture = await self.bot.renders.run(interaction.user.id, render.community, tallies)
        await interaction.followup.send(embed=embed, file=picture, ephemeral=True)

    @app_commands.command(
        name="daily",
        description="Moderators: post a tip of the day, stop it, or (no options) see it.",
    )
    @app_commands.describe(
        channel="Where to post the tip",
        time="Local time of day, HH:MM (the server's time zone, see /settings)",
        off="Turn the tip of the day off",
    )
    @app_commands.guild_only()
    @moderator_only
    async def daily_tip(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: str | None = None,
        off: bool = False,
    ) -> None:
        guild_id = require_guild_id(interaction)
        if off:
            await self.daily.disable(guild_id)
            text = "The tip of the day is off."
        elif channel is None and time is None:
            text = render.daily_setting(await self.daily.current(guild_id))
        elif channel is None or time is None:
            raise InvalidInput(
                "Give both a channel and a time, e.g. `channel:#tips time:09:00`, or `off:True`."
            )
        else:
            schedule = await self.daily.configure(guild_id, channel.id, time)
            text = (
                f"A tip will be posted in {channel.mention} every day at {schedule.post_time} "
                f"({schedule.timezone})."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @tips.command(name="add", description="Moderators: add a tip for this server.")
    @app_commands.describe(topic="The tip's topic", level="Who the tip is for")
    @app_commands.guild_only()
    @moderator_only
    async def tips_add(
        self, interaction: discord.Interaction, topic: str, level: LevelName
    ) -> None:
        self.service.check_topic(topic)  # refused now, not after the moderator has typed
        await interaction.response.send_modal(GuildTipForm.shown(topic=topic, level=level))

    @tips.command(name="edit", description="Moderators: change one of this server's tips.")
    @app_commands.describe(tip="The server tip to change", topic="A new topic", level="A new level")
    @app_commands.guild_only()
    @moderator_only
    async def tips_edit(
        self,
        interaction: discord.Interaction,
        tip: str,
        topic: str | None = None,
        level: LevelName | None = None,
    ) -> None:
        cards = {
            card.id: card for card in await self.service.guild_tips(require_guild_id(interaction))
        }
        if tip not in cards:
            raise InvalidInput(
                "Pick one of this server's own tips (built-in tips can't be edited)."
            )
        card = cards[tip]
        self.service.check_topic(topic)
        form = GuildTipEditForm.prefilled(
            {"text": card.text},
            tip_id=tip,
            topic=topic or card.topic,
            level=level or card.level.value,
        )
        await interaction.response.send_modal(form)

    @tips.command(name="remove", description="Moderators: remove one of this server's tips.")
    @app_commands.describe(tip="The server tip to remove")
    @app_commands.guild_only()
    @moderator_only
    async def tips_remove(self, interaction: discord.Interaction, tip: str) -> None:
        card = await self.service.remove_guild_tip(require_guild_id(interaction), tip)
        await interaction.response.send_message(f"Removed the tip `{card.id}`.", ephemeral=True)

    @tips_add.autocomplete("topic")
    @tips_edit.autocomplete("topic")
    async def _any_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return topic_choices(self.career, current)

    @tips_edit.autocomplete("tip")
    @tips_remove.autocomplete("tip")
    async def _guild_tip_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        cards = await self.service.guild_tips(require_guild_id(interaction))
        return [
            app_commands.Choice(name=f"{card.id}: {card.text}"[:100], value=card.id)
            for card in cards
            if current.lower() in f"{card.id} {card.text}".lower()
        ][:25]

    # -- the tip of the day ----------------------------------------------------------------

    async def post_daily_tips(self, now: datetime) -> None:
        await in_batches(lambda: self.daily.claim_due(now, self.bot.owns_guild), self._post)

    async def _post(self, due: DueTip) -> None:
        if not self.bot.guild_available(due.guild_id):
            return  # an outage, or not loaded yet: the claim lapses and is retried
        channel = self.bot.get_channel(due.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            await self._stop_daily(due)
            return
        embed = render.tip(self.career, due.tip, heading="Tip of the day · ")
        await self.bot.services.fanout.wait()
        try:
            message = await channel.send(embed=embed, view=daily_view(due.tip.id), nonce=due.nonce)
        except discord.Forbidden:
            await self._stop_daily(due)
            return
        except discord.HTTPException:
            log.warning("guild %s: daily tip not sent, will retry", due.guild_id, exc_info=True)
            return
        await self.daily.confirm(due, message.id)
        log.info("tip of the day posted guild=%s date=%s", due.guild_id, due.local_date)

    async def _stop_daily(self, due: DueTip) -> None:
        await self.daily.disable(due.guild_id)
        await self.bot.tell_moderators(
            due.guild_id,
            "tip-channel",
            f"I couldn't post the tip of the day in <#{due.channel_id}>: the channel is gone "
            "or I lack View Channel, Send Messages or Embed Links there, so the tip of the "
            "day is **off**. Fix the channel, then turn it on again with `/career daily`.",
        )
