import logging
from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.services.community.networking import WEEKDAYS, CheckIn, GroupIntro, NetworkService, Notice
from bot.services.community.profiles import ProfileService
from bot.services.community.safety import SafetyService
from bot.ui import delivery
from bot.ui.pages import PageSource, send_pages
from cogs.networking import render
from cogs.networking.views import checkin_view
from cogs.profiles.render import introduction

log = logging.getLogger(__name__)
JOB = "networking:rounds"


PREVIEW = "network-preview"
"""The page source of who would meet whom next (moderators)."""


@app_commands.guild_only()
class NetworkingCog(
    commands.GroupCog,
    name="Networking",
    group_name="network",
    group_description="Regular introductions to other producers here.",
):
    def __init__(
        self,
        bot: ProducerBot,
        service: NetworkService,
        profiles: ProfileService,
        safety: SafetyService,
    ) -> None:
        self.bot, self.service, self.profiles, self.safety = bot, service, profiles, safety
        bot.page_sources[PREVIEW] = PageSource(self._preview, moderator=True, slow=True)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.register(JOB, self.run_rounds)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(JOB)

    # -- moderators ------------------------------------------------------------------------

    @app_commands.command(name="setup", description="Moderators: schedule the introductions.")
    @app_commands.describe(
        channel="Where the private introduction threads open",
        every="How many weeks between rounds",
        day="The weekday rounds start (at noon, server time)",
        size="People per group",
    )
    @app_commands.choices(
        day=[app_commands.Choice(name=name, value=index) for index, name in enumerate(WEEKDAYS)]
    )
    @moderator_only
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        every: Literal[1, 2, 4],
        day: int,
        size: Literal[2, 3],
    ) -> None:
        settings = await self.service.setup(
            require_guild_id(interaction), channel.id, every, day, size
        )
        await interaction.response.send_message(
            f"Introductions run {render.schedule(settings)}.", ephemeral=True
        )

    @app_commands.command(name="stop", description="Moderators: turn the introductions off.")
    @moderator_only
    async def stop(self, interaction: discord.Interaction) -> None:
        await self.service.stop(require_guild_id(interaction))
        await interaction.response.send_message(
            "Introductions are off; `/network setup` turns them on again.", ephemeral=True
        )

    @app_commands.command(name="preview", description="Moderators: who would meet whom next.")
    @moderator_only
    async def preview(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_pages(interaction, PREVIEW)

    async def _preview(self, interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        day, plan = await self.service.preview(require_guild_id(interaction))
        return render.preview_pages(day, plan)

    @app_commands.command(name="stats", description="Moderators: meet rate and totals.")
    @moderator_only
    async def stats(self, interaction: discord.Interaction) -> None:
        data = await self.service.stats(require_guild_id(interaction))
        await interaction.response.send_message(embed=render.stats(data), ephemeral=True)

    # -- members ---------------------------------------------------------------------------

    @app_commands.command(name="join", description="Take part in the introductions.")
    async def join(self, interaction: discord.Interaction) -> None:
        settings = await self.service.join(require_guild_id(interaction), interaction.user.id)
        await interaction.response.send_message(
            f"You're in! Introductions run {render.schedule(settings)}. A fuller "
            "`/profile edit` makes better matches.",
            ephemeral=True,
        )

    @app_commands.command(name="leave", description="Stop taking part in the introductions.")
    async def leave(self, interaction: discord.Interaction) -> None:
        await self.service.leave(require_guild_id(interaction), interaction.user.id)
        await interaction.response.send_message("You have left the introductions.", ephemeral=True)

    @app_commands.command(name="pause", description="Skip the introductions until you rejoin.")
    async def pause(self, interaction: discord.Interaction) -> None:
        await self.service.leave(require_guild_id(interaction), interaction.user.id, pause=True)
        await interaction.response.send_message(
            "Paused. `/network join` brings you back.", ephemeral=True
        )

    # -- the rounds ------------------------------------------------------------------------

    async def run_rounds(self, now: datetime) -> None:
        """Close ended rounds, start due ones, then send what is claimed."""
        await self.service.close_rounds(now)
        await self.service.start_rounds(now)
        for notice in await self.service.claim_notices(now):
            await self._tell(notice)
        for intro in await self.service.claim_intros(now):
            await self._introduce(intro)
        for check in await self.service.claim_checkins(now):
            await self._check_in(check)

    async def _tell(self, notice: Notice) -> None:
        """Send a notice once: stamped as sent even when the member can't be reached (a
        closed DM and no thread), so it is not retried every minute."""
        guild = self.bot.get_guild(notice.guild_id)
        text = render.PAUSED if notice.reason == "paused" else render.left_out(notice.reason)
        await self.bot.services.fanout.wait(2)  # a DM channel and the message
        told = await delivery.tell(
            self.bot, self.safety, guild, notice.user_id, notice.channel_id, text
        )
        if not told:
            log.warning("guild %s: could not tell %s", notice.guild_id, notice.user_id)
        await self.service.confirm_notice(notice.id, self.bot.clock.now())

    async def _introduce(self, intro: GroupIntro) -> None:
        guild = self.bot.get_guild(intro.guild_id)
        members = [profile.user_id for profile in intro.members]
        title = f"Round of {intro.round_on:%d %B}"
        embeds = introduction(intro.members, intro.starters, self.profiles.skill_names, title)
        halfway = discord.utils.format_dt(intro.checkin_at, "D")
        text = (
            " ".join(f"<@{user}>" for user in members)
            + f": meet each other! Find a time for a chat; I'll check in on {halfway}."
        )
        channel = delivery.text_channel(guild, intro.channel_id)
        await self.bot.services.fanout.wait(
            2 + len(members)
        )  # the thread, its members, the message
        thread = await delivery.private_thread(channel, title, members, text, embeds=embeds)
        if thread is None:
            await self.bot.tell_moderators(
                intro.guild_id,
                "private-threads",
                f"I couldn't open private threads in <#{intro.channel_id}> for the networking "
                "introductions, so I sent them by DM. Give me **Create Private Threads** "
                "there, or pick another channel with `/network setup`.",
            )
            for user_id in members:
                await delivery.send_dm(
                    self.bot, self.safety, intro.guild_id, user_id, text, embeds=embeds
                )
        await self.service.confirm_intro(intro.guild_id, intro.group_id, thread.id if thread else 0)
        log.info("network intro guild=%s group=%s", intro.guild_id, intro.group_id)

    async def _check_in(self, check: CheckIn) -> None:
        view = checkin_view(check.guild_id, check.group_id)
        text = render.checkin(check.members)
        await self.bot.services.fanout.wait(len(check.members))
        if check.thread_id == 0:
            for user_id in check.members:
                await delivery.send_dm(
                    self.bot, self.safety, check.guild_id, user_id, text, view=view
                )
            return
        try:
            thread = self.bot.get_channel(check.thread_id) or await self.bot.fetch_channel(
                check.thread_id
            )
            pings = delivery.mentions(check.members)
            if isinstance(thread, discord.Thread):
                await thread.send(text, view=view, allowed_mentions=pings)
        except discord.HTTPException:
            log.warning("guild %s: no check-in in thread %s", check.guild_id, check.thread_id)
