"""Forms named by their custom id, as ``IdButton``'s buttons are: ``challenge:entry:{post_id:id}``.

discord.py keeps every form it sends until the member submits it (a form has no timeout),
and a form and its inputs refer to each other, so every opening left objects that only a
full garbage collection frees; and a form opened before a restart answered only "expired",
losing what the member had typed. An ``IdForm`` is sent finished, so discord.py keeps
nothing; the one form of each custom id is built once and shared. Its submission is read
from the interaction and answered from its custom id, by any process, after a restart too.
"""

import functools
import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, ClassVar, cast

import discord

from bot.checks import ensure_moderator
from bot.errors import NotFound
from bot.ui.buttons import BadField, Template
from bot.ui.errors import report_error

log = logging.getLogger(__name__)
ROW, LABEL = 1, 18
"""Discord's component types that hold inputs: an action row, and a label around one."""
UNUSABLE = "That form names something that does not exist. Please open it again."


class Submitted:
    """What a member typed and attached in a submitted form, by input custom id."""

    def __init__(self, interaction: discord.Interaction) -> None:
        data = cast(Mapping[str, Any], interaction.data or {})
        attachments = data.get("resolved", {}).get("attachments", {})
        self._texts: dict[str, str] = {}
        self._files: dict[str, list[discord.Attachment]] = {}
        for component in _inputs(data.get("components", [])):
            custom_id = str(component["custom_id"])
            if "value" in component:
                self._texts[custom_id] = str(component["value"])
            else:  # a file upload's values are the ids of its attachments
                self._files[custom_id] = [
                    discord.Attachment(data=attachments[str(key)], state=interaction._state)
                    for key in component.get("values", [])
                    if str(key) in attachments
                ]

    def text(self, custom_id: str) -> str:
        """A text input's value ("" when the member left it empty)."""
        return self._texts.get(custom_id, "")

    def files(self, custom_id: str) -> list[discord.Attachment]:
        """The files attached to a file upload."""
        return self._files.get(custom_id, [])


def _inputs(components: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for component in components:
        if component.get("type") == ROW:
            found += _inputs(component.get("components", []))
        elif component.get("type") == LABEL:
            found += _inputs([component["component"]])
        elif "custom_id" in component:
            found.append(component)
    return found


class IdForm:
    """A form whose custom id is its class's ``template`` with the fields filled in. A
    subclass gives its ``title``, its ``inputs`` and ``answer``; ``__init__`` takes the fields
    as keyword arguments, and ``shown`` (or ``prefilled``) is the form to send. With
    ``moderators=True`` only moderators may send it: checked when it is sent, as the member
    may have lost the role since it opened."""

    title: ClassVar[str]
    template: ClassVar[Template]
    moderators: ClassVar[bool]
    _shown: ClassVar[Callable[[str], discord.ui.Modal]]

    def __init_subclass__(cls, *, title: str, template: str, moderators: bool = False) -> None:
        cls.title, cls.template, cls.moderators = title, Template(template), moderators
        cls._shown = functools.lru_cache(maxsize=512)(cls._build)

    @classmethod
    def inputs(cls) -> list[tuple[str, discord.ui.Item[Any]]]:
        """The form's inputs, each with the label shown above it."""
        raise NotImplementedError

    @classmethod
    def shown(cls, **fields: object) -> discord.ui.Modal:
        """The form naming ``fields``, to send with ``send_modal``."""
        return cls._shown(cls.template.fill(**fields))

    @classmethod
    def prefilled(cls, values: Mapping[str, str], **fields: object) -> discord.ui.Modal:
        """``shown``, with text inputs starting at ``values`` (by input custom id): built for
        this opening, as what it shows is the member's own."""
        return cls._build(cls.template.fill(**fields), values)

    @classmethod
    def _build(cls, custom_id: str, values: Mapping[str, str] | None = None) -> discord.ui.Modal:
        modal = discord.ui.Modal(title=cls.title, custom_id=custom_id, timeout=None)
        for text, component in cls.inputs():
            if values and isinstance(component, discord.ui.TextInput):
                component.default = values.get(component.custom_id, component.default)
            modal.add_item(discord.ui.Label(text=text, component=component))
        modal.stop()  # finished: discord.py does not keep it
        return modal

    async def answer(self, interaction: discord.Interaction, submitted: Submitted) -> None:
        """Act on the submission and answer the member."""
        raise NotImplementedError


class Forms:
    """The bot's ``IdForm`` classes, and the answer to a submission of one of them."""

    def __init__(self) -> None:
        self._forms: list[type[IdForm]] = []

    def add(self, *forms: type[IdForm]) -> None:
        self._forms += forms

    def remove(self, *forms: type[IdForm]) -> None:
        self._forms = [form for form in self._forms if form not in forms]

    def answer(self, interaction: discord.Interaction) -> Coroutine[Any, Any, None] | None:
        """The answer to ``interaction`` if it submits one of these forms, else None."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return None
        custom_id = str(cast(Mapping[str, Any], interaction.data or {}).get("custom_id", ""))
        for form in self._forms:
            if match := form.template.compiled.fullmatch(custom_id):
                return _answer(form, match, interaction)
        return None


async def _answer(
    form: type[IdForm], match: re.Match[str], interaction: discord.Interaction
) -> None:
    try:
        if form.moderators:
            await ensure_moderator(interaction)
        try:
            fields = form.template.read(match)
        except BadField as error:
            log.debug("unusable form custom id: %s", error)
            raise NotFound(UNUSABLE) from None
        submission = cast(Callable[..., IdForm], form)(**fields)
        await submission.answer(interaction, Submitted(interaction))
    except Exception as error:  # every error reaches the member and the log
        await report_error(interaction, error)
