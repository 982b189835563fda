"""Forged and stale custom ids on every persistent button, pressed through the loopback.

A custom id comes back as the member's client sends it, so it can be anything: an id too
large for the database, digits of another script, the id of something deleted since, a
word the button never writes. Every press gets a short private answer, and nothing is
logged as an error.
"""

import logging

import pytest

from bot.client import ProducerBot
from loopback import interactions as ix
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, press_posted

INTERNAL_ERROR = "something went wrong on our side"
GUILD, ID, INDEX = "<guild>", "<id>", "<index>"
"""The numeric parts of a custom id: this server's id, a stored thing's id, a position."""
GONE = {ID: "4242", INDEX: "0"}
"""Well-formed values that name nothing: no test here stores anything."""
BAD_NUMBERS = (str(2**63), "99999999999999999999999", "²", "٣")
"""Beyond the database's BIGINT (and Discord's snowflakes), and digits of other scripts."""

BUTTONS: dict[str, tuple[str, ...]] = {
    "challenge submit": ("challenge:submit", ID),
    "challenge vote": ("challenge:vote", ID),
    "challenge feedback": ("challenge:feedback", ID),
    "challenge helpful": ("challenge:helpful", ID),
    "suggestion handled": ("suggestions:handled", ID),
    "mentor accept": ("mentor:accept", GUILD, ID),
    "mentor decline": ("mentor:decline", GUILD, ID),
    "network check-in": ("network:checkin", GUILD, ID, "met"),
    "career save": ("career:save", "no-such-tip"),
    "career another": ("career:another", "no-such-topic", "-"),
    "quiz type answer": ("quiz:type", ID, INDEX, INDEX),
    "quiz type back": ("quiz:back", ID, INDEX),
    "quiz take role": ("quiz:role", ID),
    "quiz solo answer": ("quiz:solo", ID, INDEX, INDEX),
    "quiz solo next": ("quiz:next", ID, INDEX),
    "quiz solo continue": ("quiz:continue", ID),
    "quiz solo start over": ("quiz:over", ID, INDEX, "all"),
    "quiz live answer": ("quiz:live", ID, INDEX, INDEX),
}
"""Every kind of persistent button, as the parts of its custom id."""

FORMS = {
    "challenge submit": {"Or a link to your track": "https://example.com/take"},
    "challenge feedback": {"Your feedback": "The low end is tight; try less reverb."},
}
"""What a member types into the form that a button opens."""

NEVER_WRITTEN = (
    "network:checkin:<guild>:4242:maybe",
    "mentor:approve:<guild>:4242",
    "career:save:g99999999999999999999999",
    "career:save:g²",
    "career:another:-:expert",
    "quiz:solo:4242:0:9",
    "quiz:live:4242:0:9",
    "quiz:type:4242:0:-1",
    "challenge:vote:",
    "challenge:vote:12abc",
    "pages:nothing-here:-:0",
    "pages:challenge-board:decade:0",
    "pages:quiz-board:fortnight-mixing:0",
    "pages:challenge-history:alice:0",
    "pages:challenge-history:99999999999999999999999:0",
    "pages:help:-:²",
)
"""Custom ids with a part no button writes: an unknown answer, action, level, letter, page
source or key."""


def custom_id(parts: tuple[str, ...], guild_id: int) -> str:
    values = {GUILD: str(guild_id), **GONE}
    return ":".join(values.get(part, part) for part in parts)


def forged(parts: tuple[str, ...], guild_id: int) -> list[str]:
    """The custom id with each numeric part in turn replaced by each bad number."""
    found = []
    for index, part in enumerate(parts):
        if part in (GUILD, ID, INDEX):
            for bad in BAD_NUMBERS:
                found.append(custom_id((*parts[:index], bad, *parts[index + 1 :]), guild_id))
    return found


async def assert_polite(reply: ix.Reply, pressed: str) -> None:
    """The member sees a private sentence: the answer, or the follow-up of a deferred update."""
    if reply.record.callback_type == ix.DEFERRED_UPDATE_MESSAGE:
        [answer, *_] = await reply.wait_followups(1)
    else:
        answer = reply.message
    assert answer.ephemeral, (pressed, answer.text)
    assert answer.text and INTERNAL_ERROR not in answer.text, (pressed, answer.text)


def assert_no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def test_ids_beyond_bigint_or_in_other_scripts_are_refused_politely(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for parts in BUTTONS.values():
        for pressed in forged(parts, server.guild.id):
            await assert_polite(await press_posted(discord, server.moderator, pressed), pressed)
    assert_no_errors_logged(caplog)


async def test_a_well_formed_id_of_something_gone_is_answered_politely(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for kind, parts in BUTTONS.items():
        pressed = custom_id(parts, server.guild.id)
        reply = await press_posted(discord, server.moderator, pressed)
        if kind in FORMS:  # the button opens a form; the answer comes when it is sent
            assert reply.record.callback_type == ix.MODAL, kind
            reply = await discord.submit(reply, FORMS[kind], member=server.moderator)
        await assert_polite(reply, pressed)
    assert_no_errors_logged(caplog)


async def test_words_a_button_never_writes_are_refused_politely(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for pattern in NEVER_WRITTEN:
        pressed = pattern.replace(GUILD, str(server.guild.id))
        await assert_polite(await press_posted(discord, server.moderator, pressed), pressed)
    assert_no_errors_logged(caplog)
