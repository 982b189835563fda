"""The persistent check-in buttons posted halfway through a round."""

import re
from typing import Any

import discord

from bot.checks import button_of_this_guild, producer_bot
from bot.services.community.safety import ANSWERS
from bot.tree import reports_errors
from bot.ui.views import PersistentButtons

THANKS = {
    "met": "Great to hear! Keep in touch.",
    "not-yet": "No rush: there is still half a round to go.",
    "skip": "Noted, no worries. See you next round.",
}


class CheckInButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"network:checkin:(?P<guild>\d+):(?P<group>\d+):(?P<answer>[a-z-]+)",
):
    """ "Did you meet?" Each member answers for themselves; others are refused."""

    def __init__(self, guild_id: int, group_id: int, answer: str) -> None:
        style = discord.ButtonStyle.success if answer == "met" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=ANSWERS[answer],
                style=style,
                custom_id=f"network:checkin:{guild_id}:{group_id}:{answer}",
            )
        )
        self.guild_id, self.group_id, self.answer = guild_id, group_id, answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> "CheckInButton":
        return cls(int(match["guild"]), int(match["group"]), match["answer"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        button_of_this_guild(interaction, self.guild_id)
        safety = producer_bot(interaction).services.safety
        await safety.check_in(self.guild_id, self.group_id, interaction.user.id, self.answer)
        await interaction.response.send_message(THANKS[self.answer], ephemeral=True)


def checkin_view(guild_id: int, group_id: int) -> discord.ui.View:
    return PersistentButtons(*(CheckInButton(guild_id, group_id, answer) for answer in ANSWERS))
