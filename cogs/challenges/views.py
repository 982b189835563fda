"""Persistent buttons on challenge posts, entries and feedback, and the members' forms.

Every button is a ``DynamicItem`` with a ``challenge:<action>:<id>`` custom id, so it works
after a restart; the id only names the thing, the services check who may act on it.
"""

import io
import logging
from typing import Any

import discord

from bot.app import ChallengeServices
from bot.audio.pool import Analysis
from bot.audio.summary import card, describe
from bot.checks import producer_bot, require_guild_id
from bot.errors import InvalidInput, NotAllowed
from bot.services.challenges.entries import (
    FEEDBACK_MAX,
    FEEDBACK_MIN,
    LINK_MAX,
    NOTES_MAX,
    AudioFile,
    Entry,
    check_audio,
)
from bot.services.core.cooldowns import ENTRY_COOLDOWN
from bot.ui import delivery
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.forms import IdForm, Submitted
from bot.ui.text import member_text, plural
from bot.ui.views import PersistentButtons
from cogs.challenges import render

log = logging.getLogger(__name__)
Button = discord.ui.Button[Any]


def challenge_services(interaction: discord.Interaction) -> ChallengeServices:
    return producer_bot(interaction).services.challenges


async def entries_channel(
    client: discord.Client, channel_id: int
) -> discord.TextChannel | discord.Thread:
    """The thread (or channel) where a challenge's entries and feedback are posted."""
    channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        raise NotAllowed("The challenge's channel is gone; please tell a moderator.")
    return channel


NOT_SHOWN = (
    "Your entry is saved, but Discord would not show it in the challenge's thread just now. "
    "I'll post it there within a few minutes{file}."
)
NO_PERMISSION = (
    "Your entry is saved, but I may not post in the challenge's thread. Please ask a "
    "moderator to check my permissions there; I'll post it once I can{file}."
)


async def strike_replaced(
    channel: discord.TextChannel | discord.Thread, services: ChallengeServices, entry: Entry
) -> None:
    """Strike through the re-post of the earlier take ``entry`` replaced, then forget it;
    if Discord refuses, the repair job tries again later."""
    if entry.replaced_message_id is None:
        return
    old = channel.get_partial_message(entry.replaced_message_id)
    try:
        await old.edit(content=render.REPLACED, embed=None, view=None, attachments=[])
    except discord.NotFound:
        log.info("entry %s: the replaced take was already deleted", entry.submission_id)
    except discord.HTTPException:
        return
    await services.entries.struck(entry.post.guild_id, entry.submission_id)


async def download(attachment: discord.Attachment) -> bytes:
    """The member's file, fetched before anything is saved: a file Discord no longer has
    is a clear error, not a saved entry without its track."""
    try:
        return await attachment.read()
    except (discord.HTTPException, *delivery.TRANSIENT):
        raise InvalidInput(
            "I couldn't fetch your file from Discord. Please attach it again."
        ) from None


def _entry_files(
    entry: Entry, audio: AudioFile | None, track: bytes, analysis: Analysis | None
) -> list[discord.File]:
    """The listening copy first (what voters should play), the picture, the original."""
    if audio is None:
        return []
    files = []
    if analysis and analysis.copy:
        name = render.copy_file_name(entry, audio.filename)
        files.append(discord.File(io.BytesIO(analysis.copy.data), name))
    if analysis:
        files.append(discord.File(io.BytesIO(analysis.picture), render.PICTURE))
    files.append(discord.File(io.BytesIO(track), render.entry_file_name(entry, audio.filename)))
    return files


def _analysed(analysis: Analysis | None) -> render.Analysed | None:
    if analysis is None:
        return None
    copy = describe(analysis.copy) if analysis.copy else None
    return render.Analysed(card(analysis.report), copy)


async def deliver_entry(
    interaction: discord.Interaction,
    post_id: int,
    link: str | None,
    notes: str | None,
    attachment: discord.Attachment | None,
) -> None:
    """Store a member's entry, re-post it in the challenge's thread (a file with its
    technical report, picture and listening copy, worked out off the event loop), and
    keep that message's id: Discord's attachment URLs expire. If the re-post fails, the
    member is told exactly that, and the repair job posts it later."""
    guild_id = require_guild_id(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    services = challenge_services(interaction)
    audio, track, analysis = None, b"", None
    if attachment is not None:
        audio = AudioFile(
            attachment.filename,
            attachment.content_type,
            attachment.size,
            interaction.filesize_limit,  # boosted servers allow more than 10 MiB
        )
        check_audio(audio)
    cooldowns = producer_bot(interaction).services.cooldowns
    # The cooldown comes first: a member on it is told so before their file is analysed.
    async with cooldowns.hold(guild_id, interaction.user.id, "challenge-entry", ENTRY_COOLDOWN):
        if attachment is not None and audio is not None:
            track = await download(attachment)
            analysis = await producer_bot(interaction).audio.analyse(
                interaction.user.id, track, audio.filename, audio.limit, audio.limit
            )
        entry = await services.entries.submit(
            guild_id,
            interaction.user.id,
            post_id,
            link=link,
            notes=notes,
            file=audio,
            analysis=analysis.report.summary() if analysis else None,
        )
    channel = await entries_channel(interaction.client, entry.post.entries_channel_id)
    file_note = " (send your file again to share it)" if audio else ""
    try:
        message = await delivery.with_retries(
            lambda: channel.send(
                render.entry_heading(entry),
                embed=render.entry(entry, analysed=_analysed(analysis)),
                files=_entry_files(entry, audio, track, analysis),
                view=entry_view(entry.submission_id),
            )
        )
    except discord.Forbidden:
        raise NotAllowed(NO_PERMISSION.format(file=file_note)) from None
    except (discord.HTTPException, *delivery.TRANSIENT):
        raise NotAllowed(NOT_SHOWN.format(file=file_note)) from None
    await services.entries.attach(guild_id, entry.submission_id, message.id)
    await strike_replaced(channel, services, entry)
    verb = "replaced your earlier take" if entry.replaced_message_id else "is in"
    blind = f" It shows as **Entry {entry.label}** until the results." if entry.label else ""
    await interaction.followup.send(
        f"Your entry for **{member_text(entry.post.title)}** {verb}: {message.jump_url}{blind}",
        ephemeral=True,
    )


class SubmitForm(IdForm, title="Submit your take", template="challenge:entry:{post_id:id}"):
    """An audio file and/or a link, plus notes."""

    def __init__(self, post_id: int) -> None:
        self.post_id = post_id

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        track = discord.ui.FileUpload[Any](custom_id="track", required=False, max_values=1)
        link = discord.ui.TextInput[Any](
            custom_id="link", required=False, max_length=LINK_MAX, placeholder="https://…"
        )
        notes = discord.ui.TextInput[Any](
            custom_id="notes",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NOTES_MAX,
            placeholder="What you tried, what you'd like feedback on.",
        )
        return [("Audio file", track), ("Or a link to your track", link), ("Notes", notes)]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        files = submitted.files("track")
        link, notes = submitted.text("link"), submitted.text("notes")
        await deliver_entry(interaction, self.post_id, link, notes, files[0] if files else None)


class SubmitButton(IdButton, template="challenge:submit:{post_id:id}"):
    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                emoji="🎧",
                style=discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(post_id=post_id),
            )
        )
        self.post_id = post_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(SubmitForm.shown(post_id=self.post_id))


class VoteButton(IdButton, template="challenge:vote:{submission_id:id}"):
    def __init__(self, submission_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Vote",
                emoji="👍",
                style=discord.ButtonStyle.success,
                custom_id=self.custom_id_for(submission_id=submission_id),
            )
        )
        self.submission_id = submission_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        message_id = interaction.message.id if interaction.message else 0
        votes = await challenge_services(interaction).entries.vote(
            guild_id, self.submission_id, interaction.user.id, message_id
        )  # one short write: answered at once, well inside Discord's 3 seconds
        await interaction.response.send_message(
            f"Vote counted: this take has {plural(votes, 'vote')}.", ephemeral=True
        )


class FeedbackForm(
    IdForm, title="Feedback on this take", template="challenge:feedback-form:{submission_id:id}"
):
    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        text = discord.ui.TextInput[Any](
            custom_id="text",
            style=discord.TextStyle.paragraph,
            min_length=FEEDBACK_MIN,
            max_length=FEEDBACK_MAX,
            placeholder=f"What works, and one thing to try next (at least {FEEDBACK_MIN} "
            "characters).",
        )
        return [("Your feedback", text)]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        guild_id = require_guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = challenge_services(interaction)
        note = await services.entries.give_feedback(
            guild_id, self.submission_id, interaction.user.id, submitted.text("text")
        )
        heading, embed = render.feedback(note)
        channel = await entries_channel(interaction.client, note.post.entries_channel_id)
        message = await channel.send(
            heading, embed=embed, view=PersistentButtons(HelpfulButton(note.id))
        )
        await services.entries.attach_feedback(guild_id, note.id, message.id)
        await interaction.followup.send("Thanks: your feedback is posted.", ephemeral=True)


class FeedbackButton(IdButton, template="challenge:feedback:{submission_id:id}"):
    def __init__(self, submission_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Feedback",
                emoji="💬",
                custom_id=self.custom_id_for(submission_id=submission_id),
            )
        )
        self.submission_id = submission_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackForm.shown(submission_id=self.submission_id))


class HelpfulButton(IdButton, template="challenge:helpful:{feedback_id:id}"):
    def __init__(self, feedback_id: int, *, marked: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Marked helpful" if marked else "Helpful",
                emoji="🙏",
                disabled=marked,
                custom_id=self.custom_id_for(feedback_id=feedback_id),
            )
        )
        self.feedback_id = feedback_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild_id(interaction)
        await interaction.response.defer()
        await challenge_services(interaction).entries.mark_helpful(
            guild_id, self.feedback_id, interaction.user.id
        )
        await interaction.edit_original_response(
            view=PersistentButtons(HelpfulButton(self.feedback_id, marked=True))
        )


def entry_view(submission_id: int) -> discord.ui.View:
    return PersistentButtons(VoteButton(submission_id), FeedbackButton(submission_id))


DYNAMIC_ITEMS = (SubmitButton, VoteButton, FeedbackButton, HelpfulButton)
FORMS = (SubmitForm, FeedbackForm)
