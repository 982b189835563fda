"""Embeds and pictures for the career feature. The picture builders are CPU-bound: call
them through ``asyncio.to_thread``."""

import io

import discord

from bot.charts import Segment, Tile, stacked_chart, tier_map
from bot.content.career import CareerContent, CareerPath, GearCategory, PathKind
from bot.content.skills import Tier
from bot.services.careers.daily_tip import DailySchedule
from bot.services.careers.guidance import NextSteps, SkillStatus, SkillTally
from bot.services.careers.progress import SkillState
from bot.services.careers.tip_pick import TipCard
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text

STATE_ICON = {
    SkillState.NOT_STARTED: "⬜",
    SkillState.LEARNING: "🟨",
    SkillState.DONE: "✅",
    SkillState.SKIPPED: "⏭️",
}
VERIFIED_ICON = "🌟"
NOT_STARTED, LEARNING, DONE, VERIFIED, SKIPPED = (
    "#949BA4",
    "#F0B232",
    "#3BB273",
    "#A3A9F9",
    "#C9A27E",
)
"""The states' colours on Discord's dark theme, each readable as text on it."""
TILE_OF = {
    SkillState.NOT_STARTED: ("not started", NOT_STARTED, "○"),
    SkillState.LEARNING: ("learning", LEARNING, "◐"),
    SkillState.DONE: ("done", DONE, "✓"),
    SkillState.SKIPPED: ("skipped", SKIPPED, "»"),
}
LEGEND = (
    ("learning", LEARNING),
    ("done", DONE),
    ("verified", VERIFIED),
    ("skipped", SKIPPED),
)
TIER_TITLE = {
    Tier.FOUNDATIONAL: "Foundational",
    Tier.ADVANCED: "Advanced",
    Tier.PROFESSIONAL: "Professional",
}


def _bullets(items: list[str]) -> str:
    return truncate("\n".join(f"• {item}" for item in items), 1024)


def paths_overview(career: CareerContent) -> discord.Embed:
    embed = discord.Embed(
        title="Routes into music production",
        colour=BRAND_COLOUR,
        description=(
            "There is no single way in. Pick a route from the menu to see what it involves, "
            "the steps, the skills it builds and its trade-offs."
        ),
    )
    sections: tuple[tuple[PathKind, str], ...] = (
        ("route", "Ways in"),
        ("next-career", "Where producers move on to"),
    )
    for kind, heading in sections:
        lines = [f"{p.emoji} **{p.name}**: {p.summary}" for p in career.paths_of(kind)]
        embed.add_field(name=heading, value=truncate("\n".join(lines), 1024), inline=False)
    return embed


def path_detail(career: CareerContent, path: CareerPath) -> discord.Embed:
    embed = discord.Embed(
        title=f"{path.emoji} {path.name}", colour=BRAND_COLOUR, description=path.overview
    )
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(path.steps, start=1))
    embed.add_field(name="Steps", value=truncate(steps, 1024), inline=False)
    skills = ", ".join(career.skill(skill_id).name for skill_id in path.skills)
    embed.add_field(name="Skills it builds", value=truncate(skills, 1024), inline=False)
    embed.add_field(name="What comes next", value=path.leads_to, inline=False)
    embed.add_field(name="Upsides", value=_bullets(path.upsides), inline=True)
    embed.add_field(name="Downsides", value=_bullets(path.downsides), inline=True)
    return embed


def _tip_text(card: TipCard) -> str:
    """A server's own tip made inert (its moderators wrote it); the bot's shown as written."""
    return member_text(card.text) if card.from_guild else card.text


def tip(career: CareerContent, card: TipCard, *, heading: str = "") -> discord.Embed:
    topic = career.topic(card.topic)
    embed = discord.Embed(
        title=f"{heading}{topic.emoji} {topic.name} · {card.level.value}",
        description=(f"*{card.note}*\n\n" if card.note else "") + _tip_text(card),
        colour=BRAND_COLOUR,
    )
    origin = "a tip from this server" if card.from_guild else "tip"
    embed.set_footer(text=f"{origin} {card.id}")
    return embed


def tip_pages(career: CareerContent, cards: list[TipCard], title: str) -> list[discord.Embed]:
    pages = []
    for start in range(0, len(cards), 5):
        embed = discord.Embed(title=title, colour=BRAND_COLOUR)
        for card in cards[start : start + 5]:
            topic = career.topic(card.topic)
            embed.add_field(
                name=f"{topic.emoji} {topic.name} · {card.level.value} · `{card.id}`",
                value=truncate(_tip_text(card), 1024),
                inline=False,
            )
        pages.append(embed)
    return pages


def _tile(status: SkillStatus) -> Tile:
    if status.verified_by:
        return Tile(status.skill.name, f"verified: {status.verified_by}", VERIFIED, "★")
    word, colour, glyph = TILE_OF[status.state]
    return Tile(status.skill.name, word, colour, glyph)


def _icon(status: SkillStatus) -> str:
    return VERIFIED_ICON if status.verified_by else STATE_ICON[status.state]


def skill_map_picture(statuses: list[SkillStatus], who: str) -> bytes:
    """The three tiers of the skill map with every skill's state, in words and colour."""
    done = sum(status.state is SkillState.DONE for status in statuses)
    tiers = [
        (title, [_tile(s) for s in statuses if s.skill.tier is tier])
        for tier, title in TIER_TITLE.items()
    ]
    return tier_map(
        tiers, title=f"Skill map of {who}", subtitle=f"{done} of {len(statuses)} skills done"
    )


def skill_map(statuses: list[SkillStatus], who: str) -> tuple[discord.Embed, discord.File]:
    """The member's skill map: a picture, and the same facts as text for screen readers."""
    png = skill_map_picture(statuses, who)
    done = sum(status.state is SkillState.DONE for status in statuses)
    embed = discord.Embed(
        title=f"Skill map: {done} of {len(statuses)} done",
        colour=BRAND_COLOUR,
        description=(
            f"⬜ not started · 🟨 learning · ✅ done · {VERIFIED_ICON} verified by other "
            "members · ⏭️ skipped"
        ),
    )
    for tier, title in TIER_TITLE.items():
        lines = [
            f"{_icon(s)} {s.skill.name}"
            + (f" (verified: {s.verified_by})" if s.verified_by else "")
            for s in statuses
            if s.skill.tier is tier
        ]
        embed.add_field(name=title, value="\n".join(lines), inline=False)
    embed.set_image(url="attachment://skill-map.png")
    embed.set_footer(
        text="Update a skill with /career mark. Votes or feedback on your challenge entries, "
        "or a mentor's sign-off, verify it."
    )
    return embed, discord.File(io.BytesIO(png), filename="skill-map.png")


def _active(tally: SkillTally) -> int:
    return tally.learning + tally.done + tally.verified + tally.skipped


def community_picture(tallies: list[SkillTally]) -> bytes:
    ranked = sorted(tallies, key=lambda t: (-_active(t), -t.learning, t.skill.name))
    rows = [
        (
            t.skill.name,
            [
                Segment("learning", t.learning),
                Segment("done", t.done),
                Segment("verified", t.verified),
                Segment("skipped", t.skipped),
            ],
        )
        for t in ranked
    ]
    return stacked_chart(
        rows, title="Where this server stands", legend=LEGEND, value_label="members"
    )


def community(tallies: list[SkillTally]) -> tuple[discord.Embed, discord.File]:
    png = community_picture(tallies)
    ranked = sorted(tallies, key=lambda t: (-_active(t), -t.learning, t.skill.name))
    embed = discord.Embed(
        title="Where the community stands",
        colour=BRAND_COLOUR,
        description=(
            "Skills many members are learning make good topics for challenges and workshops."
        ),
    )
    lines = [
        f"**{t.skill.name}**: {t.learning} learning, {t.done} done, {t.verified} verified, "
        f"{t.skipped} skipped"
        for t in ranked
    ]
    embed.add_field(name="By skill", value=truncate("\n".join(lines), 1024), inline=False)
    embed.set_image(url="attachment://community.png")
    return embed, discord.File(io.BytesIO(png), filename="community.png")


def next_steps(steps: NextSteps) -> discord.Embed:
    embed = discord.Embed(title="Your next steps", colour=BRAND_COLOUR)
    if steps.skills:
        lines = [f"**{skill.name}**: {skill.practice}" for skill in steps.skills]
        embed.add_field(name="Learn next", value=truncate("\n".join(lines), 1024), inline=False)
    else:
        embed.add_field(name="Learn next", value="You have covered the whole skill map!")
    reason = (
        f"Suits your producer type, {steps.producer_type}."
        if steps.producer_type
        else "Fits the skills you are working on; take `/quiz type` for a sharper match."
    )
    embed.add_field(
        name=f"A path that fits: {steps.path.emoji} {steps.path.name}",
        value=f"{steps.path.summary}\n{reason} See it with `/career paths`.",
        inline=False,
    )
    if steps.exercise is not None:
        embed.add_field(
            name=f"Try this: {steps.exercise.title}",
            value=truncate(steps.exercise.brief, 1024),
            inline=False,
        )
    embed.set_footer(text="Mark progress with /career mark; see it with /career skills")
    return embed


def gear_overview(career: CareerContent) -> discord.Embed:
    embed = discord.Embed(
        title="The studio tech stack",
        colour=BRAND_COLOUR,
        description="Neutral starting points. Pick a category with `/career gear category:`.",
    )
    for category in career.gear:
        names = ", ".join(item.name for item in category.items)
        embed.add_field(
            name=f"{category.emoji} {category.name}", value=truncate(names, 1024), inline=False
        )
    return embed


def gear_category(category: GearCategory) -> discord.Embed:
    embed = discord.Embed(
        title=f"{category.emoji} {category.name}", colour=BRAND_COLOUR, description=category.advice
    )
    for item in category.items:
        embed.add_field(name=item.name, value=item.note, inline=False)
    return embed


def portfolio(career: CareerContent) -> list[discord.Embed]:
    return [
        discord.Embed(
            title=f"Portfolio: {section.title}", description=section.body, colour=BRAND_COLOUR
        )
        for section in career.portfolio.sections
    ]


def daily_setting(schedule: DailySchedule | None) -> str:
    if schedule is None:
        return (
            "The tip of the day is not set up. Choose a channel and a time, e.g. "
            "`/career daily channel:#tips time:09:00`."
        )
    where = f"in <#{schedule.channel_id}> every day at {schedule.post_time} ({schedule.timezone})"
    if not schedule.enabled:
        return (
            f"The tip of the day is **off** (it was {where}). Give a channel and a time to "
            "turn it on again."
        )
    return f"The tip of the day is **on**: {where}. Stop it with `off:True`."
