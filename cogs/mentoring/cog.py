import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.errors import InvalidInput
from bot.services.community.mentoring import (
    MESSAGE_MAX,
    Introduction,
    MentoringService,
    SentRequest,
)
from bot.services.community.profiles import ProfileService
from bot.services.community.safety import SafetyService
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from bot.ui import delivery
from bot.ui.roles import choice_problems, grant_problems
from bot.ui.views import Paginator
from cogs.mentoring import render
from cogs.mentoring.views import EndedView, OfferModal, request_view
from cogs.profiles.render import introduction, profile_embed

log = logging.getLogger(__name__)
NO_PRIVATE_ROOM = (
    "I couldn't open a private thread in <#{channel}> for {what}, so I used DMs instead. "
    "Give me **Create Private Threads** in that channel (or **Manage Channels**, and I'll "
    "open a small private channel when threads are not allowed)."
)


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
        self, bot: ProducerBot, service: MentoringService, profiles: ProfileService
    ) -> None:
        self.bot, self.service, self.profiles = bot, service, profiles
        self.safety = SafetyService(bot.database, bot.clock)
        super().__init__()

    async def introduce(self, intro: Introduction) -> str:
        """Introduce the pair in a private thread of the channel the request came from, or
        a private channel beside it when the server allows no private threads, or else by
        DM. Returns where, for the mentor's reply."""
        request = intro.request
        pair = [request.mentor_id, request.mentee_id]
        guild = self.bot.get_guild(request.guild_id)
        embeds = introduction(
            [intro.mentor, intro.mentee], intro.starters, self.profiles.skill_names, "Welcome!"
        )
        text = f"<@{request.mentor_id}> meet your mentee <@{request.mentee_id}>!"
        channel = delivery.text_channel(guild, request.origin_channel_id)
        room: discord.Thread | discord.TextChannel | None = None
        if channel is not None:
            room = await delivery.private_thread(
                channel, "Mentoring", pair, text, embeds=embeds
            ) or await delivery.private_channel(
                channel, f"mentoring-{intro.mentorship_id}", pair, text, embeds=embeds
            )
        await self.recognise(request.guild_id, request.mentor_id)
        if room is not None:
            await self.service.set_thread(request.guild_id, intro.mentorship_id, room.id)
            return f"in {room.mention}"
        await self._no_room(request.guild_id, request.origin_channel_id, "a mentor introduction")
        for user_id in pair:
            await delivery.send_dm(
                self.bot, self.safety, request.guild_id, user_id, text, embeds=embeds
            )
        return "by DM"

    # -- mentors ---------------------------------------------------------------------------

    @app_commands.command(name="offer", description="Become a mentor, or change your offer.")
    async def offer(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        current = await self.service.offer_of(guild_id, interaction.user.id)
        await interaction.response.send_modal(OfferModal(self, guild_id, current))

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
        mentors = await self.service.mentors(require_guild_id(interaction), skill)
        pages = render.mentor_pages(mentors, self.profiles.skill_names)
        await Paginator(interaction.user.id, pages).send(interaction)

    @app_commands.command(name="find", description="Mentors suggested for you, with reasons.")
    @app_commands.describe(skill="A skill you want help with (start typing)")
    async def find(self, interaction: discord.Interaction, skill: str | None = None) -> None:
        ranked = await self.service.find(require_guild_id(interaction), interaction.user.id, skill)
        pages = render.suggestion_pages(ranked, self.profiles.skill_names)
        await Paginator(interaction.user.id, pages).send(interaction)

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
        async with self.bot.cooldowns.hold(
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
            await self._no_room(guild_id, request.origin_channel_id, "a mentoring request")
        return "in a private thread here" if thread else ""

    async def _no_room(self, guild_id: int, channel_id: int | None, what: str) -> None:
        text = NO_PRIVATE_ROOM.format(channel=channel_id, what=what)
        await self.bot.tell_moderators(guild_id, "private-threads", text)

    async def recognise(self, guild_id: int, mentor_id: int) -> None:
        """Give the server's mentor role to a mentor with a running mentorship, and take it
        from one without; a role the bot may not give is reported to the moderators."""
        role_id = (await self.bot.guild_settings.get(guild_id)).mentor_role_id
        guild = self.bot.get_guild(guild_id)
        if role_id is None or guild is None:
            return
        role = guild.get_role(role_id)
        problems = grant_problems(role, guild, "/mentor role") if role else ["It was deleted."]
        if role is None or problems:
            text = "I couldn't give or take the mentor role: " + " ".join(problems)
            await self.bot.tell_moderators(guild_id, "mentor-role", text)
            return
        mentoring = await self.service.active_mentorships(guild_id, mentor_id) > 0
        try:
            member = await guild.fetch_member(mentor_id)
            if mentoring and role not in member.roles:
                await member.add_roles(role, reason="Mentoring a member")
            elif not mentoring and role in member.roles:
                await member.remove_roles(role, reason="No running mentorship")
        except discord.HTTPException:
            log.warning("guild %s: mentor role not updated for %s", guild_id, mentor_id)

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
            view=EndedView(self, guild_id, interaction.user.id, ended.id),
            ephemeral=True,
        )
        await self.recognise(guild_id, ended.mentor_id)

    @app_commands.command(name="mine", description="Your mentorships and requests.")
    async def mine(self, interaction: discord.Interaction) -> None:
        pairings, requests = await self.service.mine(
            require_guild_id(interaction), interaction.user.id
        )
        pages = render.mine_pages(interaction.user.id, pairings, requests)
        await Paginator(interaction.user.id, pages).send(interaction)

    @app_commands.command(name="feedback", description="Moderators: feedback on mentorships.")
    @moderator_only
    async def feedback(self, interaction: discord.Interaction) -> None:
        found = await self.safety.all_feedback(require_guild_id(interaction))
        await Paginator(interaction.user.id, render.feedback_pages(found)).send(interaction)

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
        await self.bot.guild_settings.set_mentor_role(guild_id, role.id if role else None)
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
