"""Helpers shared by the end-to-end tests: starting the bot, waiting for it, and the steps
several features' tests take (a challenge day, a mentor offer, a quiz, the command line).
Fixtures stay in ``conftest.py``; test modules import from here, never from each other.
``eventually`` lives in ``tests/helpers.py`` (unit tests use it too) and is re-exported."""

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.content.quiz import KnowledgeQuestion
from bot.db.engine import Database
from bot.tryit import demo
from bot.tryit.demo import stop_bot
from loopback.interactions import Reply
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, PRIVATE_THREAD, Channel, Guild, Member, Message
from tests.helpers import eventually

__all__ = [
    "LETTERS",
    "QUIET_SCHEDULER",
    "REPO",
    "Server",
    "add_server",
    "answer_type_questions",
    "asked_question",
    "best_answers",
    "channel_named",
    "cli",
    "environment",
    "eventually",
    "offer",
    "post_today",
    "private_threads",
    "request_notice",
    "set_up_challenges",
    "start_bot",
    "start_run",
    "stop_bot",
    "thread_of",
    "tick",
]

REPO = Path(__file__).resolve().parents[2]
QUIET_SCHEDULER = 3600.0
"""Seconds between the scheduler's own ticks in tests: time moves only when a test moves
the clock (or calls ``run_due``), so a tick can't race the test's own steps."""


# -- the guild and the bot --------------------------------------------------------------------


@dataclass
class Server:
    """A guild with an owner, a moderator and two members."""

    guild: Guild
    owner: Member
    moderator: Member
    alice: Member
    bob: Member


def add_server(discord: LoopbackDiscord) -> Server:
    """The guild of most tests: "Beat Lab", with mona (Manage Server), alice and bob."""
    guild = discord.add_guild("Beat Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    return Server(
        guild=guild,
        owner=guild.members[guild.owner_id],
        moderator=discord.add_member(guild, "mona", roles=(mods,)),
        alice=discord.add_member(guild, "alice"),
        bob=discord.add_member(guild, "bob"),
    )


async def start_bot(
    discord: LoopbackDiscord,
    database: Database,
    clock: ManualClock,
    content: Content,
    extra_extensions: tuple[str, ...] = (),
    **options: Any,
) -> tuple[ProducerBot, "asyncio.Task[None]"]:
    """The real bot, connected to ``discord``, with a quiet scheduler (``QUIET_SCHEDULER``)
    unless ``options`` say otherwise. Stop it with ``stop_bot``."""
    options.setdefault("scheduler_interval", QUIET_SCHEDULER)
    return await demo.start_bot(discord, database, clock, content, extra_extensions, **options)


@contextlib.asynccontextmanager
async def running_bot(
    discord: LoopbackDiscord, database: Database, clock: ManualClock, content: Content
) -> AsyncIterator[ProducerBot]:
    """The real bot as ``start_bot`` starts it, stopped on leaving: one run of a process."""
    bot, task = await start_bot(discord, database, clock, content)
    try:
        yield bot
    finally:
        await stop_bot(bot, task)


async def press_posted(discord: LoopbackDiscord, member: Member, pressed: str) -> Reply:
    """Press a button with the custom id ``pressed`` on a message the bot once posted (a
    member's client sends whatever custom id the message holds)."""
    guild = discord.guilds[member.guild_id]
    button = {"type": 2, "style": 1, "label": "Old button", "custom_id": pressed}
    message = discord.post_message(
        discord.default_channel(guild),
        {"content": "An old post", "components": [{"type": 1, "components": [button]}]},
        [],
        default_parse=[],
    )
    return await discord.click(message, pressed, member=member, timeout=5)


def channel_named(guild: Guild, name: str) -> Channel:
    """The channel of ``guild`` called ``name``."""
    return next(c for c in guild.channels.values() if c.name == name)


def private_threads(discord: LoopbackDiscord) -> list[Channel]:
    """Every private thread, in every guild (mentoring introductions, closed-DM requests)."""
    return [c for c in discord.channels.values() if c.type == PRIVATE_THREAD]


# -- challenges -------------------------------------------------------------------------------


async def set_up_challenges(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, queued: int = 7
) -> Channel:
    """A #challenges channel the bot knows, set up for 09:00 UTC, with ``queued`` 24-hour
    challenges queued (the bank's deadlines vary)."""
    channel = discord.add_channel(server.guild, "challenges")
    await discord.dispatch("CHANNEL_CREATE", channel.to_json(), server.guild.id)
    done = await discord.slash(
        "challenge setup", member=server.moderator, channel=channel, time="09:00", timezone="UTC"
    )
    assert done.ephemeral and "at 09:00 (UTC)" in done.text
    services = bot.services.challenges
    for day in range(queued):
        card = services.schedule.card(f"Day {day}", "Make a beat.", "sound-design", "easy", 24)
        await services.schedule.add(server.guild.id, server.moderator.id, card, None)
    return channel


async def post_today(discord: LoopbackDiscord, server: Server, channel: Channel) -> Message:
    """A moderator posts today's challenge now; the post (the channel's only message)."""
    reply = await discord.slash("challenge postnow", member=server.moderator)
    assert "Posted" in reply.text
    [post] = discord.channel_messages(channel)
    return post


async def tick(bot: ProducerBot, clock: ManualClock, when: datetime) -> None:
    """Move the clock and wait until the scheduled work due by then is done."""
    clock.set(when)
    await bot.scheduler.run_due()


def thread_of(discord: LoopbackDiscord, post: Message) -> Channel:
    """The thread a challenge post opened for its entries."""
    assert post.thread_id is not None
    return discord.channels[post.thread_id]


# -- mentoring --------------------------------------------------------------------------------


async def offer(
    discord: LoopbackDiscord,
    mentor: Member,
    topics: list[str],
    *,
    availability: str = "Weekday evenings",
    dm: bool = True,
) -> Reply:
    """``mentor`` offers mentoring in ``topics`` through the form (two mentees; requests
    by DM, or in a thread if not ``dm``)."""
    form = await discord.slash("mentor offer", member=mentor)
    return await discord.submit(
        form,
        {
            "Topics you can teach": topics,
            "How many mentees": ["2"],
            "When you are available": availability,
            "How requests reach you": ["dm" if dm else "thread"],
        },
        member=mentor,
    )


def request_notice(discord: LoopbackDiscord, mentor: Member) -> Message:
    """The one DM to ``mentor`` with buttons: a mentoring request to accept or decline."""
    [notice] = [
        m for m in discord.dms(mentor.user) if any(b.get("label") == "Accept" for b in m.buttons())
    ]
    return notice


# -- the quiz ---------------------------------------------------------------------------------

LETTERS = "ABCD"
"""The answer buttons of a knowledge question, in order."""


def best_answers(content: Content, type_id: str) -> list[int]:
    """For each type question, the answer that weighs ``type_id`` most (first on ties)."""
    return [
        max(range(len(q.answers)), key=lambda i: (q.answers[i].weights[type_id], -i))  # type: ignore[index]
        for q in content.quiz.type_questions
    ]


async def answer_type_questions(
    discord: LoopbackDiscord, message: Message, member: Member, content: Content, picks: list[int]
) -> Reply:
    """Click the answers ``picks`` on the producer-type quiz ``message``, from the question
    it shows on; the last answer's reply."""
    reply = None
    for pick in picks:
        footer = message.embeds[0]["footer"]["text"]
        position = int(footer.split()[1]) - 1
        label = content.quiz.type_questions[position].answers[pick].text
        reply = await discord.click(message, label, member=member)
    assert reply is not None
    return reply


def asked_question(content: Content, text: str) -> KnowledgeQuestion:
    """The built-in question whose prompt a message shows (the longest match)."""
    found = [q for q in content.quiz.knowledge if f"**{q.prompt}**" in text]
    return max(found, key=lambda q: len(q.prompt))


# -- the command line -------------------------------------------------------------------------


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This process's environment without the bot's settings, plus a SQLite database in
    ``tmp_path``, this checkout on the import path, and ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_LEVEL"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


async def cli(tmp_path: Path, *args: str, **extra: str) -> tuple[int, str, str]:
    """``python -m bot *args`` in ``tmp_path`` to its end: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=environment(tmp_path, **extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def start_run(
    tmp_path: Path,
    discord: LoopbackDiscord,
    *flags: str,
    log_name: str = "run.log",
    logged_in: bool = True,
    **extra: str,
) -> asyncio.subprocess.Process:
    """``python -m bot run`` against ``discord`` (``extra``: more environment), once it has
    logged in to the gateway (unless not ``logged_in``). Its log goes to ``log_name`` in
    ``tmp_path``."""
    discord.identified.clear()
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url, **extra}
    with (tmp_path / log_name).open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *flags,
            cwd=tmp_path,
            env=environment(tmp_path, **env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    if logged_in:
        await asyncio.wait_for(discord.identified.wait(), 30)
    return process
