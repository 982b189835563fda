"""Reaching members privately: a DM where they opted in (unless their DMs are known to be
closed), otherwise a private thread; introductions in a private thread that mentions, and
so notifies, exactly the members introduced; and background sends that retry what may
pass."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import aiohttp
import discord

from bot.services.community.safety import SafetyService

log = logging.getLogger(__name__)
T = TypeVar("T")
CLOSED_DMS = 50007


def text_channel(guild: discord.Guild | None, channel_id: int | None) -> discord.TextChannel | None:
    channel = guild.get_channel(channel_id) if guild and channel_id else None
    if isinstance(channel, discord.Thread):
        channel = channel.parent
    return channel if isinstance(channel, discord.TextChannel) else None


def mentions(user_ids: Sequence[int]) -> discord.AllowedMentions:
    return discord.AllowedMentions(users=[discord.Object(user_id) for user_id in user_ids])


async def private_thread(
    channel: discord.TextChannel | None,
    name: str,
    user_ids: Sequence[int],
    content: str,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> discord.Thread | None:
    """A private thread in ``channel`` with ``user_ids`` added and one message that pings
    them (and nobody else); None if the bot may not create it."""
    if channel is None:
        return None
    try:
        thread = await channel.create_thread(
            name=name[:100], type=discord.ChannelType.private_thread, invitable=False
        )
        for user_id in user_ids:
            await thread.add_user(discord.Object(user_id))
        await thread.send(
            content,
            embeds=list(embeds),
            view=view or discord.utils.MISSING,
            allowed_mentions=mentions(user_ids),
        )
    except discord.HTTPException:
        log.warning("could not open a private thread in %s", channel.id, exc_info=True)
        return None
    return thread


def _private_to(
    guild: discord.Guild, user_ids: Sequence[int]
) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
    """Overwrites that hide a channel from everyone but ``user_ids`` and the bot."""
    member = discord.PermissionOverwrite(
        view_channel=True, send_messages=True, read_message_history=True, attach_files=True
    )
    return {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        guild.me: discord.PermissionOverwrite(
            view_channel=True, send_messages=True, embed_links=True
        ),
        **{discord.Object(user_id): member for user_id in user_ids},
    }


async def private_channel(
    channel: discord.TextChannel,
    name: str,
    user_ids: Sequence[int],
    content: str,
    *,
    embeds: Sequence[discord.Embed] = (),
) -> discord.TextChannel | None:
    """A text channel beside ``channel`` that only ``user_ids`` (and the bot) can see, with
    one message that pings them; for servers that allow no private threads. None if the
    bot may not create it (it needs Manage Channels)."""
    guild = channel.guild
    try:
        created = await guild.create_text_channel(
            name[:100],
            category=channel.category,
            overwrites=_private_to(guild, user_ids),
            reason="A private introduction (private threads are not allowed here)",
        )
        await created.send(content, embeds=list(embeds), allowed_mentions=mentions(user_ids))
    except discord.HTTPException:
        log.warning("could not open a private channel in guild %s", guild.id, exc_info=True)
        return None
    return created


async def send_dm(
    client: discord.Client,
    safety: SafetyService,
    guild_id: int,
    user_id: int,
    content: str,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> discord.Message | None:
    """DM a member who opted in; a closed DM (50007) is remembered and never retried."""
    if await safety.dm_closed(guild_id, user_id):
        return None
    try:
        channel = await client.create_dm(discord.Object(user_id))
        return await channel.send(content, embeds=list(embeds), view=view or discord.utils.MISSING)
    except discord.Forbidden as error:
        if error.code == CLOSED_DMS:
            await safety.remember_closed_dm(guild_id, user_id)
        return None
    except discord.HTTPException:
        log.warning("could not DM %s", user_id, exc_info=True)
        return None


async def tell(
    client: discord.Client,
    safety: SafetyService,
    guild: discord.Guild | None,
    user_id: int,
    channel_id: int | None,
    content: str,
    *,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> bool:
    """Reach one member privately: a DM, or else a private thread with only them in the
    guild's ``channel_id``. False if neither worked."""
    if guild is None:
        return False
    if await send_dm(client, safety, guild.id, user_id, content, embeds=embeds, view=view):
        return True
    channel = text_channel(guild, channel_id)
    thread = await private_thread(
        channel, "A note for you", [user_id], f"<@{user_id}> {content}", embeds=embeds, view=view
    )
    return thread is not None


TRANSIENT = (discord.DiscordServerError, aiohttp.ClientError, TimeoutError)
"""Failures that may pass: Discord's server errors, a dropped connection, a timeout."""
RETRY_DELAYS = (1.0, 2.0, 4.0)
"""Pauses between attempts: about seven seconds in all, inside a graceful stop's wait."""


async def with_retries(attempt: Callable[[], Awaitable[T]]) -> T:
    """``attempt()``, tried again after each pause of ``RETRY_DELAYS`` while it fails in a
    way that may pass; the last failure is raised. Only for background work: a member's
    interaction cannot wait this long."""
    for delay in RETRY_DELAYS:
        try:
            return await attempt()
        except TRANSIENT as error:
            log.warning("Discord failed (%s); trying again in %.0f s", error, delay)
            await asyncio.sleep(delay)
    return await attempt()


async def update_card(card: discord.PartialMessage, **changes: object) -> bool:
    """Edit one of the bot's cards; whether nothing is left to do (done, or the card is gone
    or out of the bot's reach). False when a try later may pass."""
    try:
        await card.edit(**changes)  # type: ignore[arg-type]
    except (discord.NotFound, discord.Forbidden) as error:
        log.info("card %s in channel %s not updated: %s", card.id, card.channel.id, error)
    except discord.HTTPException:
        log.warning("card %s not updated, will retry", card.id, exc_info=True)
        return False
    return True
