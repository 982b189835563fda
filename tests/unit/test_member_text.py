"""member_text: what members write is shown as typed, never as pings, pills, hidden links,
headings, quotes or code blocks."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.text import member_text

ZWSP = "\u200b"
LINE_PREFIXES = ["", "  ", "\t", "- ", "1. ", "* ", "- - "]
BLOCK_MARKERS = ["", "#", "# ", "## ", "### ", "-# ", ">", "> ", ">>> "]
INLINE = [
    *(" ", "x", "nitro", "`", "```", "[", "]", "[x]", "(", ")", "](", "<", ">", "123", ":"),
    *("<@", "<@!", "<@&", "<#", "</", "@", "@everyone", "@here", "every", "one", "\n"),
    *("https://evil.example", ZWSP, "\u202e", "\u200f", "\u2066", "\ufeff", "\u061c"),
]
line = st.tuples(
    st.sampled_from(LINE_PREFIXES),
    st.sampled_from(BLOCK_MARKERS),
    st.lists(st.sampled_from(INLINE), max_size=12).map("".join),
).map("".join)
markup = st.lists(line, max_size=5).map("\n".join)
PLAIN_CHARACTERS = st.characters(categories=["L", "N"]) | st.sampled_from(" .,!?'-:;\n")
plain = st.text(PLAIN_CHARACTERS).map(lambda text: re.sub(r"\n{3,}", "\n\n", text).strip())

MASKED_LINK = re.compile(r"\[[^\]\n]*\]\([^)\n]*\)")
PILL = re.compile(r"<(?:@[!&]?\d+|#\d+|/[^<>\n]+:\d+)>")
BLOCK_LINE = re.compile(r"[ \t]*(?:(?:[-*+]|\d+\.)[ \t]+)*(?:#{1,3}[ \t]|-#[ \t]|>)")
"""A line Discord shows as a heading, subtext or quote, also inside a list item."""


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("# SYSTEM", "\\# SYSTEM"),
        ("## Rules\n### Now", "\\## Rules\n\\### Now"),
        ("-# small print", "\\-# small print"),
        ("> Moderator note", "\\> Moderator note"),
        (">>> all of it", "\\>>> all of it"),
        ("  > indented", "\\> indented"),
        ("- # big bullet\n1. > quoted item", "- \\# big bullet\n1. \\> quoted item"),
        ("#hashtag, and a # inside", "#hashtag, and a # inside"),
    ],
)
def test_headings_subtext_and_quotes_at_line_starts_are_escaped(written: str, shown: str) -> None:
    assert member_text(written) == shown


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("[free nitro](https://evil.example)", "free nitro (https://evil.example)"),
        ("[free nitro](<https://evil.example>)", "free nitro (https://evil.example)"),
        ('[x](https://evil.example "a title")', "x (https://evil.example)"),
        ("[](https://evil.example)", "https://evil.example"),
        ("see [my beat](https://a.example/b) now", "see my beat (https://a.example/b) now"),
    ],
)
def test_masked_links_show_their_real_address(written: str, shown: str) -> None:
    assert member_text(written) == shown


@pytest.mark.parametrize(
    "written", ["[a [b] c](https://evil.example)", "[[x](https://a.example)](https://evil.example)"]
)
def test_nested_brackets_leave_no_link_behind_a_label(written: str) -> None:
    shown = member_text(written)
    assert "](" not in shown and "https://evil.example" in shown


def test_code_fences_are_escaped_but_inline_markup_stays() -> None:
    assert member_text("```py\nrm -rf```") == "\\`\\`\\`py\nrm -rf\\`\\`\\`"
    assert member_text("`````") == "\\`" * 5
    assert member_text("**bold** _italic_ `code`") == "**bold** _italic_ `code`"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("hi @everyone and @here", f"hi @{ZWSP}everyone and @{ZWSP}here"),
        ("<@123>", f"<{ZWSP}@123>"),
        ("<@!123>", f"<{ZWSP}@!123>"),
        ("<@&123>", f"<{ZWSP}@&123>"),
        ("<#123>", f"<{ZWSP}#123>"),
        ("</ban:123>", f"<{ZWSP}/ban:123>"),
        ("</</ban:123>", f"</<{ZWSP}/ban:123>"),
    ],
)
def test_mentions_neither_ping_nor_become_pills(written: str, shown: str) -> None:
    assert member_text(written) == shown


def test_invisible_and_direction_characters_go_but_emoji_joiners_stay() -> None:
    assert member_text("ad\u202emin\u200b\u2066 \ufeffsays\u061c hi") == "admin says hi"
    assert member_text("@\u200beveryone") == f"@{ZWSP}everyone"
    assert member_text("👩\u200d💻") == "👩\u200d💻"


def test_blank_runs_shrink_and_edges_are_trimmed() -> None:
    assert member_text("\n\n  one\n\n\n\n\ntwo  \n") == "one\n\ntwo"


@given(markup | st.text())
def test_nothing_written_gets_out_of_the_text(written: str) -> None:
    shown = member_text(written)
    assert "@everyone" not in shown and "@here" not in shown
    assert not PILL.search(shown)
    assert not MASKED_LINK.search(shown)
    assert "```" not in shown
    assert not [line for line in shown.split("\n") if BLOCK_LINE.match(line)]


@given(plain)
def test_plain_text_is_unchanged(written: str) -> None:
    assert member_text(written) == written
