"""``/profile edit``: a panel of sections, each a short form of selects and text fields."""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import discord

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
from bot.ui.views import OwnedView, ReportingModal
from cogs.profiles import render

Save = Callable[[], Coroutine[Any, Any, ProfileInfo]]
Chosen = tuple[str, ...] | frozenset[str]


def menu(
    labels: Mapping[str, str],
    chosen: Chosen,
    *,
    many: bool = True,
    custom_id: str = discord.utils.MISSING,
) -> discord.ui.Select[Any]:
    """A select of ``labels`` (by value) with ``chosen`` preselected; choosing none is
    allowed, and the service says what it needs."""
    options = [
        discord.SelectOption(label=label[:100], value=value, default=value in chosen)
        for value, label in list(labels.items())[:25]
    ]
    return discord.ui.Select(
        custom_id=custom_id,
        options=options,
        min_values=0,
        max_values=len(options) if many else 1,
        required=False,
    )


def choices(
    text: str, labels: dict[str, str], chosen: Chosen, *, many: bool = True
) -> discord.ui.Label["SectionModal"]:
    """A labelled select of ``labels`` with the member's current ``chosen`` preselected."""
    return discord.ui.Label(text=text, component=menu(labels, chosen, many=many))


def picked(label: discord.ui.Label["SectionModal"]) -> list[str]:
    assert isinstance(label.component, discord.ui.Select)
    return list(label.component.values)


def text_field(
    label: str, value: str, *, max_length: int, paragraph: bool = False, placeholder: str = ""
) -> discord.ui.TextInput["SectionModal"]:
    return discord.ui.TextInput(
        label=label,
        default=value or None,
        required=False,
        max_length=max_length,
        placeholder=placeholder or None,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
    )


class SectionModal(ReportingModal):
    """One section of the profile; ``save`` stores it, then the panel shows the new card."""

    def __init__(self, title: str, editor: "ProfileEditor", save: Save) -> None:
        super().__init__(title=title)
        self.editor, self.save = editor, save

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.editor.show(interaction, await self.save())


class ProfileEditor(OwnedView):
    """The member's card with a button per section."""

    def __init__(self, guild_id: int, owner_id: int, service: ProfileService) -> None:
        super().__init__(owner_id)
        self.guild_id, self.service = guild_id, service
        self.profile = ProfileInfo(guild_id, owner_id)

    def embed(self) -> discord.Embed:
        return render.profile_embed(
            self.profile, self.service.skill_names, private=self.profile.private_fields
        )

    async def show(self, interaction: discord.Interaction, profile: ProfileInfo) -> None:
        self.profile = profile
        await interaction.response.edit_message(
            content="Saved. Anything else?", embed=self.embed(), view=self
        )

    async def _open(
        self, interaction: discord.Interaction, title: str, save: Save, *items: Any
    ) -> None:
        modal = SectionModal(title, self, save)
        for item in items:
            modal.add_item(item)
        await interaction.response.send_modal(modal)

    @discord.ui.button(label="About you", emoji="🎛️", style=discord.ButtonStyle.primary)
    async def about(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        p = self.profile
        roles = choices("What you do", ROLES, p.roles)
        level = choices("Experience", EXPERIENCE, (p.experience or "",), many=False)
        zone = text_field(
            "Time zone", p.timezone or "", max_length=64, placeholder="Europe/Berlin or UTC+2"
        )
        bio = text_field("Short bio", p.bio, max_length=BIO_MAX, paragraph=True)

        async def save() -> ProfileInfo:
            experience = next(iter(picked(level)), None)
            return await self.service.save_about(
                self.guild_id, self.owner_id, picked(roles), experience, zone.value, bio.value
            )

        await self._open(interaction, "About you", save, roles, level, zone, bio)

    @discord.ui.button(label="Skills & goals", emoji="🎯")
    async def skills(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        names = self.service.skill_names
        have = choices("Skills you have", names, self.profile.skills)
        want = choices("Skills you want to learn", names, self.profile.goals)
        looking = choices("You are looking for", LOOKING_FOR, self.profile.looking_for)

        async def save() -> ProfileInfo:
            return await self.service.save_skills(
                self.guild_id, self.owner_id, picked(have), picked(want), picked(looking)
            )

        await self._open(interaction, "Skills and goals", save, have, want, looking)

    @discord.ui.button(label="Genres & DAWs", emoji="🎚️")
    async def scene(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        genres = choices("Genres", GENRES, self.profile.genres)
        daws = choices("DAWs", DAWS, self.profile.daws)

        async def save() -> ProfileInfo:
            return await self.service.save_scene(
                self.guild_id, self.owner_id, picked(genres), picked(daws)
            )

        await self._open(interaction, "Genres and DAWs", save, genres, daws)

    @discord.ui.button(label="Links", emoji="🔗")
    async def links(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        current = [*self.profile.links, "", "", ""]
        fields = [
            text_field(f"Portfolio link {n + 1}", current[n], max_length=LINK_MAX) for n in range(3)
        ]

        async def save() -> ProfileInfo:
            links = [field.value for field in fields]
            return await self.service.save_links(self.guild_id, self.owner_id, links)

        await self._open(interaction, "Portfolio links", save, *fields)

    @discord.ui.button(label="Privacy", emoji="🔒")
    async def privacy(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        who = {"visible": "Every member", "hidden": "Only me (hidden)"}
        shown = "hidden" if self.profile.hidden else "visible"
        visibility = choices("Who sees your profile", who, (shown,), many=False)
        private = choices("Keep these private", PRIVATE_FIELDS, self.profile.private_fields)

        async def save() -> ProfileInfo:
            hidden = picked(visibility) == ["hidden"]
            return await self.service.save_privacy(
                self.guild_id, self.owner_id, hidden, picked(private)
            )

        await self._open(interaction, "Privacy", save, visibility, private)
