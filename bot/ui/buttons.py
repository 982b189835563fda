"""Persistent buttons whose custom id carries ids, such as ``challenge:vote:123``.

A custom id comes back from the member's client, so it may be stale or forged. ``IdButton``
reads every one in one place: ids are ASCII digits that fit a Discord snowflake and the
database's BIGINT, positions fit its INTEGER. When a custom id cannot be read, or names
nothing the button can be built for, the press gets a stand-in that tells the member so,
privately. (discord.py only logs an error raised in ``from_custom_id``, and the member
sees "This interaction failed".)
"""

import logging
import re
from collections.abc import Callable
from typing import Any, ClassVar, Self, cast

import discord

from bot.errors import NotFound
from bot.numbers import BIGINT_MAX, parse_number
from bot.ui.errors import report_error

log = logging.getLogger(__name__)

Button = discord.ui.Button[Any]
ID_MAX = BIGINT_MAX
"""The largest Discord snowflake, and the largest value of the database's BIGINT."""
INDEX_MAX = 2**31 - 1
"""The largest position (of a question, an answer) that the database's INTEGER holds."""
UNUSABLE = (
    "That button no longer works: it points to something that no longer exists. "
    "Run the command again."
)

_WORD = re.compile(r"[A-Za-z0-9_-]+")
_FIELD = re.compile(r"\{(?P<name>\w+):(?P<kind>\w+)\}")


class BadField(ValueError):
    """A part of a custom id that is not what a button writes there."""


def _number(text: str, low: int, high: int) -> int:
    value = parse_number(text, high)
    if value is None or value < low:
        raise BadField(f"{text!r} is not a number from {low} to {high} in ASCII digits")
    return value


def parse_id(text: str) -> int:
    """A Discord or database id: ASCII digits, 1 <= n < 2**63."""
    return _number(text, 1, ID_MAX)


def parse_index(text: str) -> int:
    """A position counted from 0: ASCII digits, n < 2**31."""
    return _number(text, 0, INDEX_MAX)


def parse_word(text: str) -> str:
    """A name such as a tip id or an answer: ASCII letters, digits, ``-`` and ``_``."""
    if _WORD.fullmatch(text) is None:
        raise BadField(f"{text!r} is not a word")
    return text


Parser = Callable[[str], int | str]
KINDS: dict[str, Parser] = {"id": parse_id, "index": parse_index, "word": parse_word}
"""The kinds of field a template names, and how each is read."""


def _braces_escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class Template:
    """A custom id with fields, e.g. ``quiz:next:{round_id:id}:{position:index}`` (kinds:
    see ``KINDS``): how it is written, matched and read back."""

    def __init__(self, text: str) -> None:
        self.pattern, self.parsers, end = "", dict[str, Parser](), 0
        self._format = ""
        # A field matches anything up to the next colon, so a forged value gets an answer.
        for field in _FIELD.finditer(text):
            between = text[end : field.start()]
            self.pattern += re.escape(between) + f"(?P<{field['name']}>[^:]*)"
            self._format += _braces_escaped(between) + "{" + field["name"] + "}"
            self.parsers[field["name"]] = KINDS[field["kind"]]
            end = field.end()
        self.pattern += re.escape(text[end:])
        self._format += _braces_escaped(text[end:])
        self.compiled = re.compile(self.pattern)

    def fill(self, **fields: object) -> str:
        """The custom id naming ``fields``."""
        return self._format.format(**fields)

    def read(self, match: re.Match[str]) -> dict[str, int | str]:
        """The fields of a matched custom id; ``BadField`` if one is not what ``fill`` writes."""
        return {name: self.parsers[name](text) for name, text in match.groupdict().items()}


class IdButton(discord.ui.DynamicItem[Button], template=r"(?!)"):
    """A persistent button whose custom id is its class's ``template`` with the fields
    filled in, e.g. ``template="quiz:next:{round_id:id}:{position:index}"`` (kinds: see
    ``KINDS``). ``__init__`` takes the fields as keyword arguments and writes the custom id
    with ``custom_id_for``. A subclass without a template is an abstract base.
    """

    _template: ClassVar[Template | None] = None
    usable: bool = True
    """False for the stand-in of a custom id that names nothing: it only refuses."""

    def __init_subclass__(cls, *, template: str | None = None) -> None:
        cls._template = Template(template) if template else None
        super().__init_subclass__(template=cls._template.pattern if cls._template else r"(?!)")

    @classmethod
    def custom_id_for(cls, **fields: object) -> str:
        """The custom id naming ``fields``."""
        if cls._template is None:
            raise TypeError(f"{cls.__name__} is abstract: it has no template")
        return cls._template.fill(**fields)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        """The button a matched custom id names, or a stand-in that refuses politely."""
        try:
            assert cls._template is not None  # only a template's pattern matches
            fields = cls._template.read(match)
            return cast(Callable[..., Self], cls)(**fields)  # __init__ takes the fields
        except (ValueError, LookupError) as error:  # a bad field, or one __init__ refuses
            log.debug("unusable custom id %r: %s", match.string, error)
        # Without its fields (no __init__): interaction_check answers before any callback.
        stand_in = cls.__new__(cls)
        discord.ui.DynamicItem.__init__(stand_in, discord.ui.Button(custom_id=match.string))
        stand_in.usable = False
        return stand_in

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls.from_match(match)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if self.usable:
            return await super().interaction_check(interaction)
        await report_error(interaction, NotFound(UNUSABLE))
        return False
