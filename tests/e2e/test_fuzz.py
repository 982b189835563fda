"""Hostile input, generated: every slash command, option and modal of the real bot, driven
through the loopback Discord with values a mischievous member might send.

For every input the bot must answer (the loopback rejects anything outside Discord's
limits, which would leave the member with no answer), must not fail internally, and must
not notify anyone.
"""

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.content import load_content
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.tryit.demo import start_bot, stop_bot
from loopback import interactions as ix
from loopback.server import LoopbackDiscord
from loopback.world import GUILD_TEXT, MANAGE_GUILD, Member
from tests.conftest import DATA_DIR

T = TypeVar("T")
INTERNAL_ERROR = "something went wrong on our side"

MENTIONS = ["@everyone", "@here", "<@&{role}>", "<@{user}>", "<@!{user}>", "<#{channel}>"]
NASTY = [
    "",
    " ",
    "\u200b",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "🎛️🎚️🎧" * 30,
    "```\ncode\n```",
    "# Heading\n> quote",
    "[click](https://example.com)",
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "https://" + "a" * 3000 + ".com",
    "https://xn--80ak6aa92e.com/ünïcödé",
    "Mars/Olympus",
    "25:99",
    "-1",
    "9" * 40,
    "\x00\x01",
    "a" * 5000,
]


def hostile_text(role: int, user: int, channel: int) -> st.SearchStrategy[str]:
    mention = st.sampled_from(MENTIONS).map(
        lambda m: m.format(role=role, user=user, channel=channel)
    )
    pieces = st.one_of(st.sampled_from(NASTY), mention, st.text(max_size=60))
    return st.lists(pieces, min_size=1, max_size=4).map(" ".join)


@dataclass
class Harness:
    """The loopback Discord and the real bot, running in their own thread and loop, so
    that hypothesis (which is synchronous) can drive them example after example."""

    loop: asyncio.AbstractEventLoop
    discord: LoopbackDiscord
    members: list[Member]
    moderator: Member
    database_file: Path
    refusals: list[str]
    """What the bot refused, in order (its "refused ..." log lines)."""

    def stored(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read straight from the database file."""
        with contextlib.closing(sqlite3.connect(self.database_file)) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                )
            ]
            return {
                table: sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"')))
                for table in tables
            }

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    folder = tmp_path_factory.mktemp("fuzz")

    async def setup() -> tuple[Any, ...]:
        database = Database.from_url(f"sqlite+aiosqlite:///{folder / 'fuzz.sqlite3'}")
        await upgrade_to_head(database)
        discord = LoopbackDiscord()
        await discord.start()
        guild = discord.add_guild("Fuzz Lab")
        mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD, position=1)
        moderator = discord.add_member(guild, "mona", roles=(mods,))
        members = [discord.add_member(guild, name) for name in ("alice", "bob")]
        for name in ("tips", "challenges", "introductions", "suggestions", "mod-log"):
            discord.add_channel(guild, name)
        clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        bot, task = await start_bot(discord, database, clock, load_content(Path(DATA_DIR)))
        return database, discord, members, moderator, bot, task

    database, discord, members, moderator, bot, task = asyncio.run_coroutine_threadsafe(
        setup(), loop
    ).result(60)
    refusals, tree_log = Refusals(), logging.getLogger("bot.ui.errors")
    level = tree_log.level
    tree_log.setLevel(logging.INFO)
    tree_log.addHandler(refusals)
    yield Harness(loop, discord, members, moderator, folder / "fuzz.sqlite3", refusals.seen)
    tree_log.removeHandler(refusals)
    tree_log.setLevel(level)

    async def teardown() -> None:
        await stop_bot(bot, task)
        await discord.stop()
        await database.close()

    asyncio.run_coroutine_threadsafe(teardown(), loop).result(60)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


class Refusals(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("refused"):
            self.seen.append(record.getMessage())


def leaves(command: dict[str, Any]) -> list[tuple[list[str], list[dict[str, Any]]]]:
    """Every invocable path of a registered command, with its options."""
    found = []
    for option in command.get("options") or []:
        if option["type"] == ix.SUB_COMMAND:
            found.append(([command["name"], option["name"]], option.get("options") or []))
        elif option["type"] == ix.SUB_COMMAND_GROUP:
            for sub in option.get("options") or []:
                found.append(
                    ([command["name"], option["name"], sub["name"]], sub.get("options") or [])
                )
    return found or [([command["name"]], command.get("options") or [])]


def option_value(
    draw: st.DrawFn, option: dict[str, Any], harness: Harness, text: st.SearchStrategy[str]
) -> Any:
    guild = harness.discord.guilds[harness.moderator.guild_id]
    kind = option["type"]
    if option.get("choices"):
        return draw(st.sampled_from([choice["value"] for choice in option["choices"]]))
    if kind == ix.STRING:
        return draw(text)
    if kind == ix.INTEGER:
        low, high = option.get("min_value", -(2**53)), option.get("max_value", 2**53)
        return draw(st.one_of(st.sampled_from([low, high]), st.integers(low, high)))
    if kind == ix.NUMBER:
        return draw(st.floats(option.get("min_value", -1e9), option.get("max_value", 1e9)))
    if kind == ix.BOOLEAN:
        return draw(st.booleans())
    if kind in (ix.USER, ix.MENTIONABLE):
        return draw(st.sampled_from([*harness.members, harness.moderator]))
    if kind == ix.ROLE:
        return draw(st.sampled_from(list(guild.roles.values())))
    if kind == ix.CHANNEL:
        return draw(st.sampled_from([c for c in guild.channels.values() if c.type == GUILD_TEXT]))
    if kind == ix.ATTACHMENT:
        name = draw(
            st.sampled_from(["take.mp3", "take.wav", "virus.exe", "x" * 200 + ".mp3", "noext"])
        )
        mime = draw(st.sampled_from(["audio/mpeg", "audio/wav", "application/x-msdownload", None]))
        return harness.discord.upload(name, draw(st.binary(max_size=2048)), mime)
    raise AssertionError(f"unknown option type {kind}")


@st.composite
def invocations(draw: st.DrawFn, harness: Harness) -> tuple[str, Member, dict[str, Any], str]:
    discord = harness.discord
    guild = discord.guilds[harness.moderator.guild_id]
    mods = next(role for role in guild.roles.values() if role.name == "Mods")
    text = hostile_text(mods.id, harness.members[1].id, discord.default_channel(guild).id)
    command = draw(st.sampled_from(sorted(discord.commands, key=lambda c: c["name"])))
    path, options = draw(st.sampled_from(leaves(command)))
    values = {}
    for option in options:
        if option.get("required") or draw(st.booleans()):
            values[option["name"]] = option_value(draw, option, harness, text)
    actor = draw(st.sampled_from([*harness.members, harness.moderator]))
    return " ".join(path), actor, values, draw(text)


def assert_safe(harness: Harness, reply: ix.Reply, before: set[int]) -> None:
    discord = harness.discord
    new = [message for message_id, message in discord.messages.items() if message_id not in before]
    for message in new:
        assert message.pings.nobody, (message.content, message.pings)
        assert INTERNAL_ERROR not in message.text, message.text


def unchanged_if_refused(harness: Harness, rows: dict[str, Any], refused: int) -> None:
    """A refused input leaves the stored data as it was."""
    if len(harness.refusals) > refused:
        assert harness.stored() == rows, f"refused, yet stored data changed: {harness.refusals[-1]}"


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_hostile_input_never_breaks_the_bot_or_pings_anyone(
    harness: Harness, data: st.DataObject
) -> None:
    command, actor, options, modal_text = data.draw(invocations(harness))
    discord = harness.discord
    before, rows, refused = set(discord.messages), harness.stored(), len(harness.refusals)
    reply = harness.run(discord.slash(command, member=actor, options=options))
    assert_safe(harness, reply, before)
    unchanged_if_refused(harness, rows, refused)
    if reply.record.callback_type == ix.MODAL:
        answers = {}
        for row in reply.modal.get("components") or []:
            inner = row.get("component") or (row.get("components") or [{}])[0]
            if inner.get("type") == 4:
                limit = inner.get("max_length", 4000)
                answers[inner["custom_id"]] = (modal_text or "x")[:limit] or "x"
        before, rows, refused = set(discord.messages), harness.stored(), len(harness.refusals)
        try:
            submitted = harness.run(discord.submit(reply, answers, member=actor))
        except LookupError:
            return  # a form with fields we cannot fill with text (uploads, selects)
        assert_safe(harness, submitted, before)
        unchanged_if_refused(harness, rows, refused)
