"""Texts and embeds of the networking introductions."""

from datetime import date

import discord

from bot.services.community.matching import RoundPlan
from bot.services.community.networking import WEEKDAYS, NetworkSettings, RoundStats
from bot.ui.embeds import BRAND_COLOUR
from bot.ui.text import plural
from cogs.mentoring.render import pages

LEFT_OUT = {
    "alone": "you were the only member taking part this round",
    "blocked": "everyone else taking part is someone you blocked or who blocked you",
    "no-room": "no group could take one more member without pairing people who blocked each other",
}


def schedule(settings: NetworkSettings) -> str:
    every = "week" if settings.every_weeks == 1 else f"{settings.every_weeks} weeks"
    return (
        f"every {every} on {WEEKDAYS[settings.weekday]} at noon ({settings.timezone}), "
        f"in groups of {settings.size}, in <#{settings.channel_id}>; first round "
        f"{settings.first_round:%A %d %B}"
    )


def left_out(reason: str) -> str:
    return (
        f"No introduction for you this round: {LEFT_OUT.get(reason, reason)}. "
        "You stay in for the next one."
    )


PAUSED = (
    "You didn't answer your last three introductions, so I paused your networking "
    "introductions. Come back any time with `/network join`."
)


def checkin(members: tuple[int, ...]) -> str:
    who = " ".join(f"<@{user}>" for user in members)
    return f"Halfway through the round, {who}: did you meet? Each of you, tap your answer."


def preview_pages(day: date, plan: RoundPlan) -> list[discord.Embed]:
    entries = [
        (f"Group {number}", " · ".join(f"<@{user}>" for user in group))
        for number, group in enumerate(plan.groups, 1)
    ]
    entries += [(f"Left out: {reason}", f"<@{user}>") for user, reason in plan.left_out.items()]
    title = f"Preview of the round of {day:%d %B}"
    return pages(title, entries, "Nobody has joined yet.")


def stats(data: RoundStats) -> discord.Embed:
    embed = discord.Embed(title="Networking introductions", colour=BRAND_COLOUR)
    if data.round_on is not None:
        value = (
            f"{plural(data.groups, 'group')}, meet rate {data.met / data.groups:.0%} "
            f"({data.met} met)"
            if data.groups
            else "No groups were formed: nobody could be introduced that round."
        )
        embed.add_field(name=f"Round of {data.round_on:%d %B}", value=value, inline=False)
    embed.add_field(
        name="Totals",
        value=(
            f"{plural(data.rounds, 'round')}, {plural(data.intros, 'introduction')}, "
            f"{data.met_total} met\n"
            f"{plural(data.active, 'member')} taking part, {data.paused} paused"
        ),
        inline=False,
    )
    return embed
