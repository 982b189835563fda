"""Profile cards and introductions. Members appear as mentions inside embeds, which show
their names and never ping."""

from collections.abc import Collection

import discord

from bot.services.community.profiles import (
    DAWS,
    EXPERIENCE,
    GENRES,
    LOOKING_FOR,
    ROLES,
    ProfileCard,
    ProfileInfo,
)
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text, plural

NOTHING = "—"
COMPACT_FIELD = 150
COMPACT_BIO = 200


def names(values: tuple[str, ...] | frozenset[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(value, value) for value in values) or NOTHING


FIELDS = {
    "roles": "What I do",
    "skills": "Skills",
    "goals": "Learning",
    "genres": "Genres",
    "daws": "DAWs",
    "experience": "Experience",
    "timezone": "Time zone",
    "looking_for": "Looking for",
    "links": "Portfolio",
}


def _values(profile: ProfileInfo, skill_names: dict[str, str]) -> dict[str, str]:
    """Each field of the card as text, empty when the member has not filled it in."""

    def listed(values: tuple[str, ...], labels: dict[str, str]) -> str:
        return ", ".join(labels.get(value, value) for value in values)

    return {
        "roles": listed(profile.roles, ROLES),
        "skills": listed(profile.skills, skill_names),
        "goals": listed(profile.goals, skill_names),
        "genres": listed(profile.genres, GENRES),
        "daws": listed(profile.daws, DAWS),
        "experience": EXPERIENCE.get(profile.experience or "", ""),
        "timezone": profile.timezone or "",
        "looking_for": listed(profile.looking_for, LOOKING_FOR),
        "links": "\n".join(f"<{member_text(link)}>" for link in profile.links),
    }


def profile_embed(
    profile: ProfileInfo,
    skill_names: dict[str, str],
    *,
    compact: bool = False,
    private: Collection[str] = (),
) -> discord.Embed:
    """A member's card with the fields they filled in (the same "What I do" everywhere);
    ``private`` fields are marked with a lock (the owner's own view), ``compact`` keeps
    several cards inside one message's limits."""
    limit = COMPACT_FIELD if compact else 1024
    bio = member_text(profile.bio)
    if compact:
        bio = truncate(bio, COMPACT_BIO)
    embed = discord.Embed(
        title="Producer profile",
        colour=BRAND_COLOUR,
        description=f"<@{profile.user_id}>" + (f"\n{bio}" if bio else ""),
    )
    for key, value in _values(profile, skill_names).items():
        if value:
            lock = " 🔒" if key in private else ""
            embed.add_field(name=FIELDS[key] + lock, value=truncate(value, limit), inline=True)
    if not embed.fields and not bio:
        embed.description = f"<@{profile.user_id}> has not filled in a profile yet."
    return embed


def card(card: ProfileCard, skill_names: dict[str, str]) -> discord.Embed:
    embed = profile_embed(card.profile, skill_names, private=card.private_shown)
    if card.producer_type:
        embed.add_field(name="Producer type (quiz)", value=card.producer_type, inline=True)
    if card.mentor_topics or card.mentored:
        state = " (paused)" if card.mentor_paused else ""
        topics = names(card.mentor_topics, skill_names)
        embed.add_field(
            name=f"Mentor{state}",
            value=truncate(
                f"Topics: {topics}\nHas mentored {plural(card.mentored, 'member')}", 1024
            ),
            inline=False,
        )
    if card.own:
        hidden = "Your profile is hidden from everyone else. " if card.profile.hidden else ""
        marks = "🔒 fields only you can see. " if card.private_shown else ""
        values = _values(card.profile, skill_names)
        empty = [FIELDS[key] for key, value in values.items() if not value]
        todo = f"Not filled in yet: {', '.join(empty)}. " if empty else ""
        embed.set_footer(text=f"{hidden}{marks}{todo}Change it with /profile edit.")
    return embed


def introduction(
    profiles: list[ProfileInfo], starters: list[str], skill_names: dict[str, str], title: str
) -> list[discord.Embed]:
    """The cards of everyone introduced (public fields only) and conversation starters."""
    embeds = [profile_embed(profile.public(), skill_names, compact=True) for profile in profiles]
    ideas = "\n".join(f"{number}. {idea}" for number, idea in enumerate(starters, start=1))
    description = f"Conversation starters:\n{ideas}"
    embeds.append(discord.Embed(title=title, colour=BRAND_COLOUR, description=description))
    return embeds
