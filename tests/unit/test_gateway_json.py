"""Gateway and REST JSON: NUL and lone surrogates are cleaned, everything else (emoji
escaped as surrogate pairs too) comes through as sent."""

import json

import pytest

from bot.gateway_json import loads


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("tip \U0001f4a1 of the day", "tip \U0001f4a1 of the day"),
        ("caf\u00e9 \u2014 \u4e2d\u6587", "caf\u00e9 \u2014 \u4e2d\u6587"),
        ("a\x00b", "ab"),
        ("lone \ud800 high", "lone \ufffd high"),
        ("lone \udfff low\x00", "lone \ufffd low"),
        ("\ud83d", "\ufffd"),
    ],
)
def test_strings_are_read_as_sent_unless_unsafe(sent: str, read: str) -> None:
    event = {"d": {"content": sent, "embeds": [{"title": sent}], "n": 1}}
    escaped = json.dumps(event)
    forms: list[str | bytes] = [escaped, escaped.encode()]
    if not any(0xD800 <= ord(char) <= 0xDFFF for char in sent):  # UTF-8 can carry it raw
        forms.append(json.dumps(event, ensure_ascii=False).encode())
    for form in forms:
        assert loads(form) == {"d": {"content": read, "embeds": [{"title": read}], "n": 1}}
