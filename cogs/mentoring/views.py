"""The mentor's offer form, the Accept / Decline buttons of a request, and feedback on an
ended mentorship: all answered from their custom id, after a restart too."""

from collections.abc import Mapping
from typing import Any

import discord

from bot.checks import button_of_this_guild, producer_bot, require_guild_id
from bot.numbers import parse_number
from bot.services.community.mentoring import AVAILABILITY_MAX, CAPACITY_MAX, MentorInfo
from bot.services.community.safety import COMMENT_MAX
from bot.ui import delivery
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.forms import IdForm, Inputs, Prefill, Submitted
from bot.ui.text import plural
from bot.ui.views import NOT_YOURS, PersistentButtons
from cogs.mentoring import rooms
from cogs.profiles.views import menu, text_field

PLACES = {str(n): f"{n} at once" for n in range(1, CAPACITY_MAX + 1)}
WAYS = {"dm": "By DM", "thread": "In a private thread here"}


class OfferForm(IdForm, title="Offer mentoring", template="mentor:offer-form"):
    """Topics, places, availability and how requests reach the mentor: opened with the
    member's current offer, if any. Its topics are the bot's skills, so ``opened`` builds it
    for each opening."""

    @classmethod
    def opened(cls, skill_names: Mapping[str, str], current: MentorInfo | None) -> discord.ui.Modal:
        """The form for a member whose offer is ``current`` (None: not a mentor yet)."""
        availability = discord.ui.TextInput[Any](
            custom_id="availability",
            max_length=AVAILABILITY_MAX,
            placeholder="Weekday evenings, UTC+1",
        )
        inputs: Inputs = [
            ("Topics you can teach", menu(skill_names, custom_id="topics")),
            ("How many mentees", menu(PLACES, many=False, custom_id="capacity")),
            ("When you are available", availability),
            ("How requests reach you", menu(WAYS, many=False, custom_id="delivery")),
        ]
        values: Prefill = {"capacity": "2", "delivery": "dm"}
        if current is not None:
            values = {
                "topics": current.topics,
                "capacity": str(current.capacity),
                "availability": current.availability,
                "delivery": "dm" if current.dm_requests else "thread",
            }
        return cls.prefilled(values, inputs=inputs)

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        places = submitted.one("capacity")
        mentor = await producer_bot(interaction).services.mentoring.offer(
            require_guild_id(interaction),
            interaction.user.id,
            submitted.chosen("topics"),
            parse_number(places, CAPACITY_MAX) or 0,
            submitted.text("availability"),
            submitted.chosen("delivery") != ["thread"],
        )
        await interaction.response.send_message(
            f"You're a mentor for {plural(len(mentor.topics), 'topic')} with "
            f"{plural(mentor.capacity, 'place')}. "
            "Members can find you with `/mentor find`; pause any time with `/mentor pause`.",
            ephemeral=True,
        )


ACTIONS = ("accept", "decline")


class RequestButton(IdButton, template="mentor:{action:word}:{guild_id:id}:{request_id:id}"):
    """Accept or Decline on a mentoring request; the custom id carries which request, and
    the service checks that the one clicking is its mentor. Works after a restart."""

    def __init__(self, action: str, guild_id: int, request_id: int) -> None:
        if action not in ACTIONS:
            raise ValueError(f"no mentoring request action {action!r}")
        accept = action == "accept"
        super().__init__(
            discord.ui.Button(
                label="Accept" if accept else "Decline",
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(
                    action=action, guild_id=guild_id, request_id=request_id
                ),
            )
        )
        self.action, self.guild_id, self.request_id = action, guild_id, request_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        button_of_this_guild(interaction, self.guild_id)
        bot = producer_bot(interaction)
        if self.action == "decline":
            request = await bot.services.mentoring.decline(
                self.guild_id, self.request_id, interaction.user.id
            )
            await interaction.response.edit_message(
                content="You declined this request. Thanks for answering!", view=None
            )
            await delivery.send_dm(
                bot,
                bot.services.safety,
                self.guild_id,
                request.mentee_id,
                f"<@{request.mentor_id}> can't take you on as a mentee right now. "
                "`/mentor find` suggests others.",
            )
            return
        await interaction.response.defer()
        intro = await bot.services.mentoring.accept(
            self.guild_id, self.request_id, interaction.user.id
        )
        where = await rooms.introduce(bot, intro)
        await interaction.edit_original_response(
            content=f"You accepted. Say hello {where}!", view=None
        )


def request_view(guild_id: int, request_id: int) -> discord.ui.View:
    return PersistentButtons(
        RequestButton("accept", guild_id, request_id),
        RequestButton("decline", guild_id, request_id),
    )


STARS = {str(n): "★" * n for n in range(5, 0, -1)}


class FeedbackForm(
    IdForm,
    title="How did the mentorship go?",
    template="mentorship:feedback-form:{guild_id:id}:{mentorship_id:id}",
):
    """A rating and a comment for the moderators, from either member of the mentorship
    (the service checks that the sender is one of them)."""

    def __init__(self, guild_id: int, mentorship_id: int) -> None:
        self.guild_id, self.mentorship_id = guild_id, mentorship_id

    @classmethod
    def inputs(cls) -> Inputs:
        comment = text_field("comment", max_length=COMMENT_MAX, paragraph=True)
        return [
            ("Rating", menu(STARS, many=False, custom_id="rating")),
            ("Anything the moderators should know?", comment),
        ]

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        button_of_this_guild(interaction, self.guild_id)
        rating = parse_number(submitted.one("rating"), len(STARS)) or 0
        safety = producer_bot(interaction).services.safety
        comment = submitted.text("comment")
        await safety.feedback(
            self.guild_id, self.mentorship_id, interaction.user.id, rating, comment
        )
        await interaction.response.send_message(
            "Thank you: only the moderators see your feedback.", ephemeral=True
        )


class FeedbackButton(
    IdButton, template="mentorship:feedback:{guild_id:id}:{mentorship_id:id}:{owner_id:id}"
):
    """Leave feedback on an ended mentorship: only for the member it was sent to. Works
    after a restart, in the server or in a DM."""

    def __init__(self, guild_id: int, mentorship_id: int, owner_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Leave feedback",
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(
                    guild_id=guild_id, mentorship_id=mentorship_id, owner_id=owner_id
                ),
            )
        )
        self.guild_id, self.mentorship_id, self.owner_id = guild_id, mentorship_id, owner_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        button_of_this_guild(interaction, self.guild_id)
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        form = FeedbackForm.prefilled(
            {"rating": "5"}, guild_id=self.guild_id, mentorship_id=self.mentorship_id
        )
        await interaction.response.send_modal(form)


def ended_view(guild_id: int, mentorship_id: int, owner_id: int) -> discord.ui.View:
    """The "Leave feedback" button for ``owner_id``, one of the two members."""
    return PersistentButtons(FeedbackButton(guild_id, mentorship_id, owner_id))
