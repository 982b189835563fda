"""Where a mentorship happens: the pair's private room (a thread, a private channel, or DMs)
and the server's mentor role. Shared by ``/mentor`` and the request buttons."""

import logging

import discord

from bot.client import ProducerBot
from bot.services.community.mentoring import Introduction
from bot.ui import delivery
from bot.ui.roles import grant_problems
from cogs.profiles.render import introduction

log = logging.getLogger(__name__)
NO_PRIVATE_ROOM = (
    "I couldn't open a private thread in <#{channel}> for {what}, so I used DMs instead. "
    "Give me **Create Private Threads** in that channel (or **Manage Channels**, and I'll "
    "open a small private channel when threads are not allowed)."
)


async def introduce(bot: ProducerBot, intro: Introduction) -> str:
    """Introduce the pair in a private thread of the channel the request came from, or
    a private channel beside it when the server allows no private threads, or else by
    DM. Returns where, for the mentor's reply."""
    request = intro.request
    pair = [request.mentor_id, request.mentee_id]
    guild = bot.get_guild(request.guild_id)
    embeds = introduction(
        [intro.mentor, intro.mentee], intro.starters, bot.services.profiles.skill_names, "Welcome!"
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
    await recognise(bot, request.guild_id, request.mentor_id)
    if room is not None:
        await bot.services.mentoring.set_thread(request.guild_id, intro.mentorship_id, room.id)
        return f"in {room.mention}"
    await no_room(bot, request.guild_id, request.origin_channel_id, "a mentor introduction")
    for user_id in pair:
        await delivery.send_dm(
            bot, bot.services.safety, request.guild_id, user_id, text, embeds=embeds
        )
    return "by DM"


async def no_room(bot: ProducerBot, guild_id: int, channel_id: int | None, what: str) -> None:
    text = NO_PRIVATE_ROOM.format(channel=channel_id, what=what)
    await bot.tell_moderators(guild_id, "private-threads", text)


async def recognise(bot: ProducerBot, guild_id: int, mentor_id: int) -> None:
    """Give the server's mentor role to a mentor with a running mentorship, and take it
    from one without; a role the bot may not give is reported to the moderators."""
    role_id = (await bot.services.guild_settings.get(guild_id)).mentor_role_id
    guild = bot.get_guild(guild_id)
    if role_id is None or guild is None:
        return
    role = guild.get_role(role_id)
    problems = grant_problems(role, guild, "/mentor role") if role else ["It was deleted."]
    if role is None or problems:
        text = "I couldn't give or take the mentor role: " + " ".join(problems)
        await bot.tell_moderators(guild_id, "mentor-role", text)
        return
    mentoring = await bot.services.mentoring.active_mentorships(guild_id, mentor_id) > 0
    try:
        member = await guild.fetch_member(mentor_id)
        if mentoring and role not in member.roles:
            await member.add_roles(role, reason="Mentoring a member")
        elif not mentoring and role in member.roles:
            await member.remove_roles(role, reason="No running mentorship")
    except discord.HTTPException:
        log.warning("guild %s: mentor role not updated for %s", guild_id, mentor_id)
