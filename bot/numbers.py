"""Whole numbers that arrive as text (ids in custom ids and options, hours in a form):
ASCII digits only, and never larger than the database's BIGINT can hold."""

BIGINT_MAX = 2**63 - 1


def parse_number(text: str, maximum: int = BIGINT_MAX) -> int | None:
    """``text`` as a number from 0 to ``maximum``, or None. Digits of other scripts
    ("²", "٣"), signs, spaces and numbers out of range are refused rather than raising."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if number <= maximum else None
