"""The suggestion form (answered from its custom id) and the persistent "Mark handled"
button."""

from typing import Any

import discord

from bot.checks import ensure_moderator, producer_bot, require_guild_id
from bot.errors import NotAllowed, NotFound
from bot.services.community.suggestions import BODY_MAX, TITLE_MAX, SuggestionInfo
from bot.services.core.cooldowns import SUGGEST_COOLDOWN
from bot.ui.buttons import IdButton
from bot.ui.embeds import BRAND_COLOUR
from bot.ui.errors import reports_errors
from bot.ui.forms import IdForm, Submitted
from bot.ui.text import member_text
from bot.ui.views import PersistentButtons, handled_view


def suggestion_embed(suggestion: SuggestionInfo, author: str) -> discord.Embed:
    embed = discord.Embed(
        title=member_text(suggestion.title),
        description=member_text(suggestion.body),
        colour=BRAND_COLOUR,
    )
    embed.set_author(name=f"Suggestion from {author}")
    state = "handled" if suggestion.status == "handled" else "open"
    embed.set_footer(text=f"Suggestion #{suggestion.id} · {state}")
    embed.timestamp = suggestion.created_at
    return embed


def announcement(suggestion: SuggestionInfo) -> str:
    """The message text: it names the author and quotes the title, so it must never ping."""
    return f"💡 New suggestion from <@{suggestion.author_id}>: **{member_text(suggestion.title)}**"


async def suggestions_channel(interaction: discord.Interaction) -> discord.abc.Messageable:
    """The channel this guild's suggestions go to; ``NotFound`` if none is set up."""
    config = await producer_bot(interaction).services.guild_settings.get(
        require_guild_id(interaction)
    )
    channel_id = config.channels.get("suggestions")
    channel = (
        interaction.guild.get_channel(channel_id) if interaction.guild and channel_id else None
    )
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        raise NotFound(
            "Suggestions are not set up here yet: a moderator can choose a channel "
            "with `/settings channel feature:suggestions`."
        )
    return channel


class SuggestionForm(IdForm, title="Suggest something", template="suggestions:new"):
    """A title and the idea; posted to the suggestions channel set up when it is sent."""

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        headline = discord.ui.TextInput[Any](
            custom_id="title", max_length=TITLE_MAX, placeholder="A weekly mix-feedback night"
        )
        details = discord.ui.TextInput[Any](
            custom_id="idea",
            style=discord.TextStyle.paragraph,
            max_length=BODY_MAX,
            placeholder="What should change, and why would it help the community?",
        )
        return [("Title", headline), ("Your idea", details)]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        guild_id = require_guild_id(interaction)
        channel = await suggestions_channel(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        service = producer_bot(interaction).services.suggestions
        cooldowns = producer_bot(interaction).services.cooldowns
        async with cooldowns.hold(guild_id, interaction.user.id, "suggest", SUGGEST_COOLDOWN):
            suggestion = await service.create(
                guild_id, interaction.user.id, submitted.text("title"), submitted.text("idea")
            )
        view = PersistentButtons(HandledButton(suggestion.id))
        try:
            message = await channel.send(
                announcement(suggestion),
                embed=suggestion_embed(suggestion, interaction.user.display_name),
                view=view,
            )
        except discord.Forbidden:
            raise NotAllowed(
                "Your suggestion is saved, but I may not post in the suggestions channel. "
                "Please ask a moderator to check my permissions there."
            ) from None
        await service.attach_message(guild_id, suggestion.id, message.channel.id, message.id)
        await interaction.followup.send(
            f"Thanks! Your suggestion **{member_text(suggestion.title)}** is with the moderators.",
            ephemeral=True,
        )


class HandledButton(IdButton, template="suggestions:handled:{suggestion_id:id}"):
    """Moderators press it to close a suggestion; it works across restarts."""

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Mark handled",
                style=discord.ButtonStyle.success,
                custom_id=self.custom_id_for(suggestion_id=suggestion_id),
            )
        )
        self.suggestion_id = suggestion_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await ensure_moderator(interaction)
        service = producer_bot(interaction).services.suggestions
        suggestion = await service.mark_handled(
            require_guild_id(interaction), self.suggestion_id, interaction.user.id, on_card=True
        )
        await interaction.response.edit_message(
            content=announcement(suggestion),
            embed=suggestion_embed(suggestion, author_on(interaction.message)),
            view=handled_view(f"Handled by {interaction.user.display_name}"),
        )


def author_on(card: discord.Message | None) -> str:
    """The author's name as the suggestion's card shows it (names are not stored)."""
    author = card.embeds[0].author.name if card is not None and card.embeds else None
    return (author or "").removeprefix("Suggestion from ")
