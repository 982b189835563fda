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


def profile_embed(
    profile: ProfileInfo,
    skill_names: dict[str, str],
    *,
    compact: bool = False,
    private: Collection[str] = (),
    producer_type: str | None = None,
) -> discord.Embed:
    """A member's card; ``private`` fields are marked with a lock (the owner's own view),
    ``compact`` keeps several cards inside one message's limits."""
    limit = COMPACT_FIELD if compact else 1024
    bio = member_text(profile.bio)
    if compact:
        bio = truncate(bio, COMPACT_BIO)
    embed = discord.Embed(
        title="Producer profile",
        colour=BRAND_COLOUR,
        description=f"<@{profile.user_id}>" + (f"\n{bio}" if bio else ""),
    )

    def add(key: str, title: str, value: str) -> None:
        lock = " 🔒" if key in private else ""
        embed.add_field(name=title + lock, value=truncate(value or NOTHING, limit), inline=True)

    doing = names(profile.roles, ROLES)
    if producer_type:
        doing = f"{doing}\n{producer_type} (quiz)" if profile.roles else f"{producer_type} (quiz)"
    add("roles", "What I do", doing)
    add("skills", "Skills", names(profile.skills, skill_names))
    add("goals", "Learning", names(profile.goals, skill_names))
    add("genres", "Genres", names(profile.genres, GENRES))
    add("daws", "DAWs", names(profile.daws, DAWS))
    add("experience", "Experience", EXPERIENCE.get(profile.experience or "", NOTHING))
    add("timezone", "Time zone", profile.timezone or NOTHING)
    add("looking_for", "Looking for", names(profile.looking_for, LOOKING_FOR))
    if profile.links:
        add("links", "Portfolio", "\n".join(f"<{member_text(link)}>" for link in profile.links))
    return embed


def card(card: ProfileCard, skill_names: dict[str, str]) -> discord.Embed:
    embed = profile_embed(
        card.profile, skill_names, private=card.private_shown, producer_type=card.producer_type
    )
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
        embed.set_footer(text=f"{hidden}{marks}Change it with /profile edit.")
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
