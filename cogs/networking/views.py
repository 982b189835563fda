"""The persistent check-in buttons posted halfway through a round."""

import discord

from bot.checks import button_of_this_guild, producer_bot
from bot.services.community.safety import ANSWERS
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.views import PersistentButtons

THANKS = {
    "met": "Great to hear! Keep in touch.",
    "not-yet": "No rush: there is still half a round to go.",
    "skip": "Noted, no worries. See you next round.",
}


class CheckInButton(IdButton, template="network:checkin:{guild_id:id}:{group_id:id}:{answer:word}"):
    """ "Did you meet?" Each member answers for themselves; others are refused."""

    def __init__(self, guild_id: int, group_id: int, answer: str) -> None:
        style = discord.ButtonStyle.success if answer == "met" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=ANSWERS[answer],
                style=style,
                custom_id=self.custom_id_for(guild_id=guild_id, group_id=group_id, answer=answer),
            )
        )
        self.guild_id, self.group_id, self.answer = guild_id, group_id, answer

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        button_of_this_guild(interaction, self.guild_id)
        safety = producer_bot(interaction).services.safety
        await safety.check_in(self.guild_id, self.group_id, interaction.user.id, self.answer)
        await interaction.response.send_message(THANKS[self.answer], ephemeral=True)


def checkin_view(guild_id: int, group_id: int) -> discord.ui.View:
    return PersistentButtons(*(CheckInButton(guild_id, group_id, answer) for answer in ANSWERS))
