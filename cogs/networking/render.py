"""Texts and embeds of the networking introductions."""

from datetime import date

import discord

from bot.services.community.matching import RoundPlan
from bot.services.community.networking import WEEKDAYS, NetworkSettings, RoundStats
from bot.ui.embeds import BRAND_COLOUR
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
    title = f"Preview of the round of {day:%d %B} (seed {plan.seed})"
    return pages(title, entries, "Nobody has joined yet.")


def stats(data: RoundStats) -> discord.Embed:
    embed = discord.Embed(title="Networking introductions", colour=BRAND_COLOUR)
    if data.round_on is not None:
        rate = data.met / max(data.groups, 1)
        embed.add_field(
            name=f"Round of {data.round_on:%d %B}",
            value=f"{data.groups} group(s), meet rate {rate:.0%} ({data.met} met)",
            inline=False,
        )
    embed.add_field(
        name="Totals",
        value=(
            f"{data.rounds} round(s), {data.intros} introduction(s), {data.met_total} met\n"
            f"{data.active} member(s) taking part, {data.paused} paused"
        ),
        inline=False,
    )
    return embed
