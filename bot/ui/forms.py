"""Forms named by their custom id, as ``IdButton``'s buttons are: ``challenge:entry:{post_id:id}``.

discord.py keeps every form it sends until the member submits it (a form has no timeout),
and a form and its inputs refer to each other, so every opening left objects that only a
full garbage collection frees; and a form opened before a restart answered only "expired",
losing what the member had typed. An ``IdForm`` is sent finished, so discord.py keeps
nothing; the one form of each custom id is built once and shared. Its submission is read
from the interaction and answered from its custom id, by any process, after a restart too.
A form whose inputs depend on the bot (a select of its skills) or show the member's own
(their current choices and text) is built for each opening, with ``prefilled``.
"""

import functools
import logging
import re
from collections.abc import Callable, Collection, Coroutine, Mapping, Sequence
from typing import Any, ClassVar, cast

import discord

from bot.checks import ensure_moderator
from bot.errors import NotFound
from bot.ui.buttons import BadField, Template
from bot.ui.errors import report_error

log = logging.getLogger(__name__)
ROW, LABEL = 1, 18
"""Discord's component types that hold inputs: an action row, and a label around one."""
SELECT, TEXT, FILES = 3, 4, 19
"""Discord's component types of the inputs a form reads: a (string) select, a text input,
a file upload."""
UNUSABLE = "That form names something that does not exist. Please open it again."


Inputs = list[tuple[str, discord.ui.Item[Any]]]
"""A form's inputs, each with the label shown above it and a custom id of its own (by which
the submission is read: a generated one would differ in every process)."""
Prefill = Mapping[str, str | Collection[str]]
"""What a form's inputs start at, by input custom id: a text input's text, or the value (or
values) of the options a select starts with chosen."""


class Submitted:
    """What a member typed, chose and attached in a submitted form, by input custom id."""

    def __init__(self, interaction: discord.Interaction) -> None:
        data = cast(Mapping[str, Any], interaction.data or {})
        attachments = data.get("resolved", {}).get("attachments", {})
        self._texts: dict[str, str] = {}
        self._chosen: dict[str, list[str]] = {}
        self._files: dict[str, list[discord.Attachment]] = {}
        for component in _inputs(data.get("components", [])):
            custom_id, kind = str(component["custom_id"]), component.get("type")
            if kind == TEXT:
                self._texts[custom_id] = str(component.get("value", ""))
            elif kind == SELECT:
                self._chosen[custom_id] = [str(value) for value in component.get("values", [])]
            elif kind == FILES:  # a file upload's values are the ids of its attachments
                self._files[custom_id] = [
                    discord.Attachment(data=attachments[str(key)], state=interaction._state)
                    for key in component.get("values", [])
                    if str(key) in attachments
                ]

    def text(self, custom_id: str) -> str:
        """A text input's value ("" when the member left it empty)."""
        return self._texts.get(custom_id, "")

    def chosen(self, custom_id: str) -> list[str]:
        """The values of the options chosen in a select (none when the member chose none)."""
        return self._chosen.get(custom_id, [])

    def one(self, custom_id: str) -> str:
        """The value chosen in a single-choice select ("" when none was)."""
        return next(iter(self.chosen(custom_id)), "")

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


def _prefill(component: discord.ui.Item[Any], values: Prefill) -> None:
    """Start a text input at its text in ``values``, or a select with its options there
    chosen (and no others); an input ``values`` does not name is left as it is."""
    if isinstance(component, discord.ui.TextInput) and component.custom_id in values:
        text = values[component.custom_id]
        if not isinstance(text, str):
            raise TypeError(f"a text input starts at a text, not at {text!r}")
        component.default = text or None
    elif isinstance(component, discord.ui.Select) and component.custom_id in values:
        value = values[component.custom_id]
        chosen = {value} if isinstance(value, str) else set(value)
        for option in component.options:
            option.default = option.value in chosen


class IdForm:
    """A form whose custom id is its class's ``template`` with the fields filled in. A
    subclass gives its ``title``, its ``inputs`` (or, when they depend on the bot, gives them
    to ``prefilled``) and ``answer``; ``__init__`` takes the fields as keyword arguments, and
    ``shown`` (or ``prefilled``) is the form to send. With
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
    def inputs(cls) -> Inputs:
        """The form's inputs (see ``Inputs``)."""
        raise NotImplementedError

    @classmethod
    def shown(cls, **fields: object) -> discord.ui.Modal:
        """The form naming ``fields``, to send with ``send_modal``."""
        return cls._shown(cls.template.fill(**fields))

    @classmethod
    def prefilled(
        cls,
        values: Prefill,
        *,
        inputs: Inputs | None = None,
        title: str | None = None,
        **fields: object,
    ) -> discord.ui.Modal:
        """``shown``, with inputs starting at ``values`` (see ``Prefill``): built for this
        opening, as what it shows is the member's own. ``inputs`` stands for the class's
        own when they depend on the bot (a select of its skills), ``title`` for its title
        when one class serves several forms."""
        return cls._build(cls.template.fill(**fields), values, inputs, title)

    @classmethod
    def _build(
        cls,
        custom_id: str,
        values: Prefill | None = None,
        inputs: Inputs | None = None,
        title: str | None = None,
    ) -> discord.ui.Modal:
        modal = discord.ui.Modal(title=title or cls.title, custom_id=custom_id, timeout=None)
        for text, component in cls.inputs() if inputs is None else inputs:
            if not component._provided_custom_id:
                raise TypeError(f"{cls.__name__}: the input {text!r} has no custom id of its own")
            if values:
                _prefill(component, values)
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
