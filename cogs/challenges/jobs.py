"""The Discord side of the scheduled challenge work: posting each day's challenge with its
thread, the reminder, the results, the "streak at risk" DMs and the champion role.

Each step sends what the services claimed, with a deterministic nonce, and confirms it;
a failed send is left unconfirmed, so a later tick sends it again after the lease.
"""

import logging
from datetime import datetime

import discord

from bot.app import ChallengeServices
from bot.client import ProducerBot
from bot.services.challenges.common import PostInfo
from bot.services.challenges.entries import HalfDone
from bot.services.challenges.posting import ChampionChange
from bot.services.challenges.scores import Results
from bot.services.community.weekly_board import FEATURE as LEADERBOARD_FEATURE
from bot.services.core.exactly_once import in_batches
from bot.ui.embeds import truncate
from bot.ui.roles import grant_problems
from bot.ui.views import PersistentButtons
from cogs.challenges import render
from cogs.challenges.views import SubmitButton, entries_channel, entry_view, strike_replaced

log = logging.getLogger(__name__)
THREAD_ALREADY_EXISTS = 160004
DMS_CLOSED = 50007


class ChallengeJobs:
    def __init__(self, bot: ProducerBot, services: ChallengeServices) -> None:
        self.bot = bot
        self.services = services
        self.career = bot.content.career

    def register(self) -> None:
        for name, job in (
            ("post", self.post_due),
            ("remind", self.remind),
            ("results", self.close_due),
            ("nudge", self.nudge),
            ("champion", self.crown),
            ("repair", self.repair),
        ):
            self.bot.scheduler.register(f"challenges:{name}", job)

    def unregister(self) -> None:
        for name in ("post", "remind", "results", "nudge", "champion", "repair"):
            self.bot.scheduler.unregister(f"challenges:{name}")

    def _channel(self, post: PostInfo) -> discord.TextChannel | None:
        channel = self.bot.get_channel(post.channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    # -- entries a crash or an outage left half-done -----------------------------------------

    async def repair(self, now: datetime) -> None:
        """Re-post entries that were saved but never shown, and strike through the earlier
        take of a replaced entry, where an interruption left either undone."""
        for half in await self.services.entries.half_done(now):
            if not self.bot.guild_available(half.entry.post.guild_id):
                continue
            try:
                await self._finish(half)
            except discord.HTTPException as error:
                log.warning("entry %s not repaired yet: %s", half.entry.submission_id, error)

    async def _finish(self, half: HalfDone) -> None:
        entry, guild_id = half.entry, half.entry.post.guild_id
        channel = await entries_channel(self.bot, entry.post.entries_channel_id)
        if half.message_id is None:
            message = await channel.send(
                render.entry_heading(entry),
                embed=render.entry(entry, file_lost=entry.file_name is not None),
                view=entry_view(entry.submission_id),
            )
            await self.services.entries.attach(guild_id, entry.submission_id, message.id)
        await strike_replaced(channel, self.services, entry)

    # -- the daily post ----------------------------------------------------------------------

    async def post_due(self, now: datetime) -> None:
        await in_batches(lambda: self.services.posting.claim_due(now), self.send_post)

    async def send_post(self, post: PostInfo) -> discord.Message | None:
        """Post the challenge and open its thread; pauses the guild if the channel is gone
        or closed to the bot, leaves the claim unconfirmed on other errors."""
        if not self.bot.guild_available(post.guild_id):
            return None  # an outage, or not loaded yet: the claim lapses and is retried
        channel = self._channel(post)
        if channel is None:
            await self._pause(post)
            return None
        await self.bot.services.fanout.wait(2)  # the post and its thread
        try:
            message = await channel.send(
                embed=render.challenge(self.career, post),
                view=PersistentButtons(SubmitButton(post.id)),
                nonce=post.nonce("c"),
            )
            thread = await self._thread(channel, message, post)
        except discord.Forbidden:
            await self._pause(post)
            return None
        except discord.HTTPException:
            log.warning("guild %s: challenge not posted, will retry", post.guild_id, exc_info=True)
            return None
        await self.services.posting.confirm(post, message.id, thread.id if thread else None)
        log.info("challenge posted guild=%s date=%s", post.guild_id, post.local_date)
        return message

    async def _pause(self, post: PostInfo) -> None:
        await self.services.settings.set_paused(post.guild_id, True)
        await self.bot.tell_moderators(
            post.guild_id,
            "challenge-channel",
            f"I couldn't post today's challenge in <#{post.channel_id}>: the channel is gone "
            "or I lack View Channel, Send Messages or Embed Links there, so the daily "
            "challenges are **paused**. Fix the channel (or pick another with `/challenge "
            "setup`), then `/challenge resume`.",
        )

    async def _thread(
        self, channel: discord.TextChannel, message: discord.Message, post: PostInfo
    ) -> discord.Thread | None:
        name = truncate(f"{post.title} · entries", 100)
        try:
            return await message.create_thread(name=name, auto_archive_duration=1440)
        except discord.Forbidden:
            return None  # no thread permission: entries go to the channel
        except discord.HTTPException as error:
            if error.code != THREAD_ALREADY_EXISTS:
                raise
            return channel.get_thread(message.id)  # a retry: Discord gives it the post's id

    # -- reminder, results, nudges, champion -------------------------------------------------

    async def remind(self, now: datetime) -> None:
        for item in await self.services.posting.claim_reminders(now):
            channel = self._channel(item.post)
            if channel is None:
                continue
            roles = [discord.Object(item.role_id)] if item.role_id else False
            mentions = discord.AllowedMentions(
                everyone=False, users=False, roles=roles, replied_user=False
            )
            await self.bot.services.fanout.wait()
            try:
                message = await channel.send(
                    render.reminder(item), allowed_mentions=mentions, nonce=item.post.nonce("r")
                )
            except discord.HTTPException:
                log.warning("guild %s: reminder not sent", item.post.guild_id, exc_info=True)
                continue
            await self.services.posting.confirm_reminder(item.post, message.id)

    async def close_due(self, now: datetime) -> None:
        for outcome in await self.services.posting.claim_results(now):
            await self._publish(outcome)

    async def _publish(self, outcome: Results) -> None:
        """Close the post (no more Submit button) and, if anyone entered, post the results."""
        post = outcome.post
        channel = self._channel(post)
        if channel is None or post.message_id is None:
            return
        await self.bot.services.fanout.wait(2)  # close the post, announce the results
        try:
            closed = channel.get_partial_message(post.message_id)
            await closed.edit(embed=render.challenge(self.career, post, closed=True), view=None)
            message_id = post.message_id
            if outcome.entries:
                sent = await channel.send(
                    embed=render.results(self.career, outcome), nonce=post.nonce("w")
                )
                message_id = sent.id
        except discord.HTTPException:
            log.warning("guild %s: results not posted, will retry", post.guild_id, exc_info=True)
            return
        await self.services.posting.confirm_results(post, message_id)
        log.info("challenge results guild=%s date=%s", post.guild_id, post.local_date)

    async def nudge(self, now: datetime) -> None:
        for item in await self.services.posting.claim_nudges(now):
            guild = self.bot.get_guild(item.post.guild_id)
            await self.bot.services.fanout.wait(2)  # a DM channel and the message
            try:
                dm = await self.bot.create_dm(discord.Object(item.user_id))
                await dm.send(render.nudge(item, guild.name if guild else "your server"))
            except discord.Forbidden as error:
                if error.code == DMS_CLOSED:
                    await self.services.entries.dms_closed(item.post.guild_id, item.user_id)
            except discord.HTTPException:
                log.info("could not nudge user %s", item.user_id, exc_info=True)

    async def crown(self, now: datetime) -> None:
        for change in await self.services.posting.claim_champions(now):
            await self._move_role(change)

    async def _move_role(self, change: ChampionChange) -> None:
        guild = self.bot.get_guild(change.guild_id)
        role = guild.get_role(change.role_id) if guild else None
        if guild is None:
            return  # the guild left; its data goes after the grace period
        problems = (
            grant_problems(role, guild, "/challenge champion")
            if role
            else ["The champion role was deleted."]
        )
        if role is None or problems:
            text = f"I couldn't hand out the challenge champion role: {' '.join(problems)}"
            await self.bot.tell_moderators(change.guild_id, "champion-role", text)
            return
        reason = f"Challenge champion of {change.month}"
        for user_id, give in ((change.previous_user_id, False), (change.user_id, True)):
            if user_id is None or change.previous_user_id == change.user_id:
                continue
            try:
                member = await guild.fetch_member(user_id)
                await (member.add_roles if give else member.remove_roles)(role, reason=reason)
            except discord.HTTPException:
                log.warning("guild %s: champion role not moved for %s", guild.id, user_id)
        if change.user_id is not None and change.user_id != change.previous_user_id:
            await self._announce(change, change.user_id)

    async def _announce(self, change: ChampionChange, user_id: int) -> None:
        """A new champion is announced in the leaderboard channel, or else the challenges'."""
        config = await self.bot.services.guild_settings.get(change.guild_id)
        channel_id = config.channels.get(LEADERBOARD_FEATURE)
        if channel_id is None:
            channel_id = (await self.services.settings.settings(change.guild_id)).channel_id
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        await self.bot.services.fanout.wait()
        try:
            await channel.send(
                render.champion(user_id, change.month, change.role_id),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(user_id)], roles=False, everyone=False
                ),
            )
        except discord.HTTPException:
            log.info("guild %s: champion not announced", change.guild_id, exc_info=True)
