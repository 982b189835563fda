"""Reading Discord's JSON so that no member's text can break the bot.

discord.py parses every gateway event with orjson when it is installed, and orjson refuses
a lone surrogate escape (``"\\ud800"``) that a client can put in any text field: the event
would end the shard's connection. And PostgreSQL's text columns cannot hold NUL, which
SQLite stores. So events are parsed tolerantly, and every string in them is cleaned the
same way for both databases: NUL removed, a lone surrogate shown as U+FFFD.
"""

import json
import re
from typing import Any

import discord.utils
import orjson

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_NUL = "\\u0000"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSAFE.sub(lambda found: "" if found[0] == "\x00" else "\ufffd", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def loads(text: str | bytes | bytearray | memoryview) -> Any:
    """Parse ``text``; strings with NUL or lone surrogates come back cleaned. Orjson refuses
    a lone surrogate, so only such text is parsed again by the standard library; text with
    no NUL escape (nearly every event; emoji escaped as surrogate pairs included) costs one
    substring check more than orjson."""
    raw = text if isinstance(text, str) else bytes(text).decode()
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _clean(json.loads(raw))
    return _clean(parsed) if _NUL in raw else parsed


def install() -> None:
    """Make discord.py read gateway events and REST answers with ``loads``."""
    discord.utils._from_json = loads
