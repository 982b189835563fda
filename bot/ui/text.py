"""Showing what members wrote (bios, notes, messages, feedback, reports) without letting it
ping anyone, break the card it sits in, or pass for something the bot or Discord said."""

import re

import discord

INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
"""Zero-width spaces and the bidirectional controls that reorder what follows them (the
joiners inside emoji sequences stay)."""
LINE_START = re.compile(r"^[ \t]*(?:(?:[-*+]|\d+\.)[ \t]+)*(?=#{1,3}\s|-#\s|>)", re.MULTILINE)
"""Headings, subtext and quotes at the start of a line, also inside a list item."""
MASKED_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?[^)\n]*\)")
MENTION = re.compile(r"<(@[!&]?\d+|#\d+|/[^<>]+)>")
"""User, role, channel and command mentions: they would show as pills."""
FENCE = re.compile("`{3,}")
"""A code fence, and the runs of backticks around it."""
BLANK_LINES = re.compile(r"\n{3,}")


def member_text(text: str) -> str:
    """``text`` as a member wrote it, made inert: mentions show without pinging or turning
    into pills, masked links show their real address (a ``](`` left over, as in nested
    brackets, is split apart), headings, subtext, quotes and code fences show as typed,
    invisible and direction-changing characters go, and blank runs shrink. Bold, italics
    and inline code stay: they can't break out of the text. Truncate after, not before."""
    text = INVISIBLE.sub("", text)
    text = MASKED_LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] else m[2], text)
    text = text.replace("](", "]\u200b(")
    text = FENCE.sub(lambda m: "\\`" * len(m[0]), text)
    text = LINE_START.sub(lambda m: m[0] + "\\", text)
    text = MENTION.sub(lambda m: f"<\u200b{m[1]}>", discord.utils.escape_mentions(text))
    return BLANK_LINES.sub("\n\n", text).strip()


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 vote``, ``2 votes``; ``many`` for nouns that do not just add an s
    (``plural(n, "piece of feedback", "pieces of feedback")``)."""
    return f"{count} {noun}" if count == 1 else f"{count} {many or noun + 's'}"
