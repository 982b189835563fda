"""``/profile edit``: the member's card with a button per section, each opening a short
form of selects and text fields that starts at what the profile says now. Buttons and forms
are named by their custom id, so a panel shown before a restart still edits."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot.checks import producer_bot, require_guild_id
from bot.errors import NotFound
from bot.services.community.profiles import (
    BIO_MAX,
    DAWS,
    EXPERIENCE,
    GENRES,
    LINK_MAX,
    LOOKING_FOR,
    PRIVATE_FIELDS,
    ROLES,
    ProfileInfo,
    ProfileService,
)
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.forms import UNUSABLE, IdForm, Inputs, Prefill, Submitted
from bot.ui.views import NOT_YOURS, PersistentButtons
from cogs.profiles import render

LINKS = 3
"""Portfolio links a profile shows."""
VISIBILITY = {"visible": "Every member", "hidden": "Only me (hidden)"}


def menu(labels: Mapping[str, str], *, many: bool = True, custom_id: str) -> discord.ui.Select[Any]:
    """A select of ``labels`` (by value); choosing none is allowed, and the service says
    what it needs."""
    options = [
        discord.SelectOption(label=label[:100], value=value)
        for value, label in list(labels.items())[:25]
    ]
    return discord.ui.Select(
        custom_id=custom_id,
        options=options,
        min_values=0,
        max_values=len(options) if many else 1,
        required=False,
    )


def text_field(
    custom_id: str, *, max_length: int, paragraph: bool = False, placeholder: str = ""
) -> discord.ui.TextInput[Any]:
    """An optional text input."""
    return discord.ui.TextInput(
        custom_id=custom_id,
        required=False,
        max_length=max_length,
        placeholder=placeholder or None,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
    )


Save = Callable[[ProfileService, int, int, Submitted], Awaitable[ProfileInfo]]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the profile: its button, its form (inputs and what they start at, from
    the profile) and how a submission is saved."""

    label: str
    emoji: str
    title: str
    form: Callable[[ProfileService, ProfileInfo], tuple[Inputs, Prefill]]
    save: Save


def _about(_: ProfileService, profile: ProfileInfo) -> tuple[Inputs, Prefill]:
    zone = text_field("zone", max_length=64, placeholder="Europe/Berlin or UTC+2")
    inputs: Inputs = [
        ("What you do", menu(ROLES, custom_id="roles")),
        ("Experience", menu(EXPERIENCE, many=False, custom_id="experience")),
        ("Time zone", zone),
        ("Short bio", text_field("bio", max_length=BIO_MAX, paragraph=True)),
    ]
    values: Prefill = {
        "roles": profile.roles,
        "experience": (profile.experience,) if profile.experience else (),
        "zone": profile.timezone or "",
        "bio": profile.bio,
    }
    return inputs, values


async def _save_about(
    service: ProfileService, guild_id: int, user_id: int, submitted: Submitted
) -> ProfileInfo:
    return await service.save_about(
        guild_id,
        user_id,
        submitted.chosen("roles"),
        submitted.one("experience") or None,
        submitted.text("zone"),
        submitted.text("bio"),
    )


def _skills(service: ProfileService, profile: ProfileInfo) -> tuple[Inputs, Prefill]:
    names = service.skill_names
    inputs: Inputs = [
        ("Skills you have", menu(names, custom_id="have")),
        ("Skills you want to learn", menu(names, custom_id="want")),
        ("You are looking for", menu(LOOKING_FOR, custom_id="looking")),
    ]
    return inputs, {"have": profile.skills, "want": profile.goals, "looking": profile.looking_for}


async def _save_skills(
    service: ProfileService, guild_id: int, user_id: int, submitted: Submitted
) -> ProfileInfo:
    return await service.save_skills(
        guild_id,
        user_id,
        submitted.chosen("have"),
        submitted.chosen("want"),
        submitted.chosen("looking"),
    )


def _scene(_: ProfileService, profile: ProfileInfo) -> tuple[Inputs, Prefill]:
    inputs: Inputs = [
        ("Genres", menu(GENRES, custom_id="genres")),
        ("DAWs", menu(DAWS, custom_id="daws")),
    ]
    return inputs, {"genres": profile.genres, "daws": profile.daws}


async def _save_scene(
    service: ProfileService, guild_id: int, user_id: int, submitted: Submitted
) -> ProfileInfo:
    return await service.save_scene(
        guild_id, user_id, submitted.chosen("genres"), submitted.chosen("daws")
    )


def _links(_: ProfileService, profile: ProfileInfo) -> tuple[Inputs, Prefill]:
    inputs: Inputs = [
        (f"Portfolio link {n + 1}", text_field(f"link{n}", max_length=LINK_MAX))
        for n in range(LINKS)
    ]
    return inputs, {f"link{n}": link for n, link in enumerate(profile.links[:LINKS])}


async def _save_links(
    service: ProfileService, guild_id: int, user_id: int, submitted: Submitted
) -> ProfileInfo:
    links = [submitted.text(f"link{n}") for n in range(LINKS)]
    return await service.save_links(guild_id, user_id, links)


def _privacy(_: ProfileService, profile: ProfileInfo) -> tuple[Inputs, Prefill]:
    inputs: Inputs = [
        ("Who sees your profile", menu(VISIBILITY, many=False, custom_id="visibility")),
        ("Keep these private", menu(PRIVATE_FIELDS, custom_id="private")),
    ]
    shown = "hidden" if profile.hidden else "visible"
    return inputs, {"visibility": shown, "private": profile.private_fields}


async def _save_privacy(
    service: ProfileService, guild_id: int, user_id: int, submitted: Submitted
) -> ProfileInfo:
    hidden = submitted.one("visibility") == "hidden"
    return await service.save_privacy(guild_id, user_id, hidden, submitted.chosen("private"))


SECTIONS = {
    "about": Section("About you", "🎛️", "About you", _about, _save_about),
    "skills": Section("Skills & goals", "🎯", "Skills and goals", _skills, _save_skills),
    "scene": Section("Genres & DAWs", "🎚️", "Genres and DAWs", _scene, _save_scene),
    "links": Section("Links", "🔗", "Portfolio links", _links, _save_links),
    "privacy": Section("Privacy", "🔒", "Privacy", _privacy, _save_privacy),
}


def _section(key: str) -> Section:
    section = SECTIONS.get(key)
    if section is None:
        raise NotFound(UNUSABLE)
    return section


def _profiles(interaction: discord.Interaction) -> ProfileService:
    return producer_bot(interaction).services.profiles


class SectionButton(IdButton, template="profile:edit:{owner_id:id}:{section:word}"):
    """Opens a section's form, starting at what the owner's profile says now."""

    def __init__(self, owner_id: int, section: str) -> None:
        shown = SECTIONS[section]
        primary = section == "about"
        super().__init__(
            discord.ui.Button(
                label=shown.label,
                emoji=shown.emoji,
                style=discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(owner_id=owner_id, section=section),
            )
        )
        self.owner_id, self.section = owner_id, section

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        service = _profiles(interaction)
        profile = await service.get(require_guild_id(interaction), interaction.user.id)
        section = SECTIONS[self.section]
        inputs, values = section.form(service, profile)
        form = SectionForm.prefilled(values, inputs=inputs, title=section.title, key=self.section)
        await interaction.response.send_modal(form)


class SectionForm(IdForm, title="Your profile", template="profile:form:{key:word}"):
    """A section's form: saved for whoever sends it, then the panel shows the new card."""

    def __init__(self, key: str) -> None:
        self.section = _section(key)

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        service = _profiles(interaction)
        guild_id, user_id = require_guild_id(interaction), interaction.user.id
        profile = await self.section.save(service, guild_id, user_id, submitted)
        card = editor_card(service, profile)
        await interaction.response.edit_message(
            content="Saved. Anything else?", embed=card, view=panel(user_id)
        )


def editor_card(service: ProfileService, profile: ProfileInfo) -> discord.Embed:
    """The member's own card, private fields marked."""
    return render.profile_embed(profile, service.skill_names, private=profile.private_fields)


def panel(owner_id: int) -> discord.ui.View:
    """A button per section, for the member ``owner_id``."""
    return PersistentButtons(*(SectionButton(owner_id, key) for key in SECTIONS))
