import logging
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.errors import InvalidInput
from bot.services.community.mentoring import (
    MESSAGE_MAX,
    MentoringService,
    SentRequest,
)
from bot.services.community.profiles import ProfileService
from bot.services.community.safety import SafetyService
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from bot.ui import delivery
from bot.ui.pages import PageSource, key_of, optional_key, send_pages
from bot.ui.roles import choice_problems
from cogs.mentoring import render, rooms
from cogs.mentoring.views import OfferForm, ended_view, request_view
from cogs.profiles.render import profile_embed

log = logging.getLogger(__name__)

LAPSE_JOB = "mentoring:lapse-requests"
MENTORS, SUGGESTIONS = "mentor-list", "mentor-find"
"""Page sources: the mentors, and the suggestions for the member (by skill, if any)."""
MINE, FEEDBACK = "mentor-mine", "mentor-feedback"
"""Page sources: the member's mentorships and requests; feedback (moderators)."""


def skill_choices(names: dict[str, str], current: str) -> list[app_commands.Choice[str]]:
    needle = current.lower()
    return [
        app_commands.Choice(name=name, value=skill_id)
        for skill_id, name in names.items()
        if needle in name.lower() or needle in skill_id
    ][:25]


@app_commands.guild_only()
class MentoringCog(
    commands.GroupCog,
    name="Mentoring",
    group_name="mentor",
    group_description="Find a mentor, or mentor others.",
):
    def __init__(
        self,
        bot: ProducerBot,
        service: MentoringService,
        profiles: ProfileService,
        safety: SafetyService,
    ) -> None:
        self.bot, self.service, self.profiles, self.safety = bot, service, profiles, safety
        bot.page_sources[MENTORS] = PageSource(self._mentors)
        bot.page_sources[SUGGESTIONS] = PageSource(self._suggestions)
        bot.page_sources[MINE] = PageSource(self._mine)
        bot.page_sources[FEEDBACK] = PageSource(self._feedback, moderator=True)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.register(LAPSE_JOB, self.lapse_requests)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(LAPSE_JOB)

    # -- mentors ---------------------------------------------------------------------------

    @app_commands.command(name="offer", description="Become a mentor, or change your offer.")
    async def offer(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        current = await self.service.offer_of(guild_id, interaction.user.id)
        await interaction.response.send_modal(OfferForm.opened(self.profiles.skill_names, current))

    @app_commands.command(name="pause", description="Stop getting new requests for a while.")
    async def pause(self, interaction: discord.Interaction) -> None:
        await self.service.set_paused(require_guild_id(interaction), interaction.user.id, True)
        await interaction.response.send_message(
            "Paused: nobody is suggested you or can ask you. `/mentor resume` to come back.",
            ephemeral=True,
        )

    @app_commands.command(name="resume", description="Take new mentoring requests again.")
    async def resume(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        await self.service.set_paused(guild_id, interaction.user.id, False)
        await interaction.response.send_message(
            "Welcome back: you take requests again.", ephemeral=True
        )

    @app_commands.command(name="list", description="The mentors of this server.")
    @app_commands.describe(skill="Only mentors teaching this skill (start typing)")
    async def list_mentors(
        self, interaction: discord.Interaction, skill: str | None = None
    ) -> None:
        key = key_of(self.service.skill_id(skill))
        await send_pages(interaction, MENTORS, key)

    async def _mentors(self, interaction: discord.Interaction, skill: str) -> list[discord.Embed]:
        found = await self.service.mentors(require_guild_id(interaction), optional_key(skill))
        return render.mentor_pages(found, self.profiles.skill_names)

    @app_commands.command(name="find", description="Mentors suggested for you, with reasons.")
    @app_commands.describe(skill="A skill you want help with (start typing)")
    async def find(self, interaction: discord.Interaction, skill: str | None = None) -> None:
        key = key_of(self.service.skill_id(skill))
        await send_pages(interaction, SUGGESTIONS, key)

    async def _suggestions(
        self, interaction: discord.Interaction, skill: str
    ) -> list[discord.Embed]:
        ranked = await self.service.find(
            require_guild_id(interaction), interaction.user.id, optional_key(skill)
        )
        return render.suggestion_pages(ranked, self.profiles.skill_names)

    # -- requests and mentorships ----------------------------------------------------------

    @app_commands.command(name="request", description="Ask a mentor to mentor you.")
    @app_commands.describe(mentor="The mentor to ask", message="What you'd like help with")
    async def request(
        self,
        interaction: discord.Interaction,
        mentor: discord.Member,
        message: app_commands.Range[str, 1, MESSAGE_MAX] | None = None,
    ) -> None:
        guild_id = require_guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = delivery.text_channel(interaction.guild, interaction.channel_id)
        async with self.bot.services.cooldowns.hold(
            guild_id, interaction.user.id, "mentor-request", REQUEST_COOLDOWN
        ):
            sent = await self.service.request(
                guild_id,
                interaction.user.id,
                mentor.id,
                message or "",
                channel.id if channel else None,
            )
        where = await self._deliver(sent, channel)
        reply = (
            f"Your request is on its way to {mentor.mention} ({where}). You'll hear back when "
            "they answer; follow it with `/mentor mine`."
            if where
            else "Your request is saved, but I couldn't reach that mentor: ask a moderator to "
            "check my permissions to create private threads."
        )
        await interaction.followup.send(reply, ephemeral=True)

    async def _deliver(self, sent: SentRequest, channel: discord.TextChannel | None) -> str:
        """Show the request to its mentor: by DM if they take requests so, else in a private
        thread with them; returns where, or "" if neither worked."""
        request, guild_id = sent.request, sent.request.guild_id
        mentee = await self.profiles.get(guild_id, request.mentee_id)
        embeds = [
            render.request_embed(request),
            profile_embed(mentee.public(), self.profiles.skill_names, compact=True),
        ]
        view = request_view(guild_id, request.id)
        text = "A mentoring request for you."
        if sent.by_dm and await delivery.send_dm(
            self.bot, self.safety, guild_id, request.mentor_id, text, embeds=embeds, view=view
        ):
            return "by DM"
        text = f"<@{request.mentor_id}>, you have a mentoring request."
        thread = await delivery.private_thread(
            channel, "Mentoring request", [request.mentor_id], text, embeds=embeds, view=view
        )
        if thread is None:
            await rooms.no_room(
                self.bot, guild_id, request.origin_channel_id, "a mentoring request"
            )
        return "in a private thread here" if thread else ""

    @app_commands.command(
        name="signoff", description="Mentors: sign off a skill your mentee has shown."
    )
    @app_commands.describe(mentee="Your mentee", skill="The skill they have shown (start typing)")
    async def signoff(
        self, interaction: discord.Interaction, mentee: discord.Member, skill: str
    ) -> None:
        name = await self.service.sign_off(
            require_guild_id(interaction), interaction.user.id, mentee.id, skill
        )
        await interaction.response.send_message(
            f"Signed off: **{name}** now shows as verified on {mentee.mention}'s skill map.",
            ephemeral=True,
        )

    @app_commands.command(name="end", description="End a mentorship, then leave feedback.")
    @app_commands.describe(member="Your mentor or mentee")
    async def end(self, interaction: discord.Interaction, member: discord.Member) -> None:
        guild_id = require_guild_id(interaction)
        ended = await self.service.end(guild_id, interaction.user.id, member.id)
        await interaction.response.send_message(
            f"Your mentorship with {member.mention} has ended. How did it go? Only the "
            "moderators see your feedback.",
            view=ended_view(guild_id, ended.id, interaction.user.id),
            ephemeral=True,
        )
        # The other side hears it from the bot, not by finding out later.
        await delivery.tell(
            self.bot,
            self.safety,
            interaction.guild,
            member.id,
            interaction.channel_id,
            render.ended_notice(interaction.user.id, ended, interaction.guild),
            view=ended_view(guild_id, ended.id, member.id),
        )
        await rooms.recognise(self.bot, guild_id, ended.mentor_id)

    async def lapse_requests(self, now: datetime) -> None:
        """Requests unanswered for 14 days lapse, and their mentees are told."""
        for request in await self.service.lapse_requests(now, self.bot.owns_guild):
            await self.bot.services.fanout.wait(2)
            await delivery.tell(
                self.bot,
                self.safety,
                self.bot.get_guild(request.guild_id),
                request.mentee_id,
                request.origin_channel_id,
                render.lapsed_notice(request),
            )

    @app_commands.command(name="mine", description="Your mentorships and requests.")
    async def mine(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, MINE)

    async def _mine(self, interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        pairings, requests = await self.service.mine(
            require_guild_id(interaction), interaction.user.id
        )
        return render.mine_pages(interaction.user.id, pairings, requests)

    @app_commands.command(name="feedback", description="Moderators: feedback on mentorships.")
    @moderator_only
    async def feedback(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, FEEDBACK)

    async def _feedback(self, interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        return render.feedback_pages(await self.safety.all_feedback(require_guild_id(interaction)))

    @app_commands.command(
        name="role", description="Moderators: a role mentors hold while they mentor, or none."
    )
    @app_commands.describe(role="The mentor role (leave empty to stop giving one)")
    @moderator_only
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        guild_id = require_guild_id(interaction)
        if role is not None and isinstance(interaction.user, discord.Member):
            problems = choice_problems(role, interaction.user, "/mentor role")
            if problems:
                raise InvalidInput("\n".join(problems))
        await self.bot.services.guild_settings.set_mentor_role(guild_id, role.id if role else None)
        await interaction.response.send_message(
            f"Mentors now hold {role.mention} while they mentor someone; it goes when their "
            "last mentorship ends."
            if role
            else "Mentors no longer get a role.",
            ephemeral=True,
        )

    @list_mentors.autocomplete("skill")
    @find.autocomplete("skill")
    @signoff.autocomplete("skill")
    async def _skills(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return skill_choices(self.profiles.skill_names, current)
