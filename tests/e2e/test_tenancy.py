"""Two guilds sharing members: nothing of one guild is ever visible or changeable from the
other.

Guild A (the ``server`` of the other e2e tests) and guild B hold the same people: mona
moderates both, alice and bob are members of both. Every feature leaves data in A through
the real commands, each text carrying ``MARKER-A``; B gets a little data of its own,
carrying ``MARKER-B``. Then:

* every read command runs in B as the same people, and neither ``MARKER-A`` nor the id of
  any channel, thread, role or message of A shows in what they see (text, embeds, buttons,
  menus, forms, attached files, every page); B's own data does show, and the same read in
  A shows A's data, so the check can see a leak when there is one;
* every way to change A's data from B (commands naming A's things, A's persistent buttons
  pressed from a message in B) is refused, and A's rows are byte for byte the same after.

The list of read commands is checked against the commands the bot registers, so a new
command must be classified here before this test passes.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.base import Base
from bot.db.engine import Database
from bot.services.challenges.common import ChallengeCard
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from loopback.interactions import MODAL, Reply
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Channel, Guild, Member, Message
from tests.conftest import START, migrated_database
from tests.e2e.helpers import (
    LETTERS,
    Server,
    add_server,
    answer_type_questions,
    asked_question,
    best_answers,
    channel_named,
    offer,
    post_today,
    request_notice,
    start_bot,
    stop_bot,
    thread_of,
    tick,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

A, B = "MARKER-A", "MARKER-B"
TIP_TOPIC, TIP_LEVEL = "getting-started", "advanced"
BUILT_IN_TIPS = 2
"""The world shows this many built-in tips of that topic and level: with A's own, three, so
"Another" pressed three times shows every one."""
QUESTION_TOPIC = "effects"
BUILT_IN_QUESTIONS = 17
"""The world asks this many built-in questions of its topic: with A's own, still fewer than a
20-question round, so a round's length shows whether A's question is in the pool."""


# -- the two guilds ---------------------------------------------------------------------------


@dataclass
class World:
    """Both guilds, the running bot, and what A left behind to be attacked from B."""

    discord: LoopbackDiscord
    bot: ProducerBot
    database: Database
    clock: ManualClock
    a: Server
    b: Server
    tip_ids: dict[str, str] = field(default_factory=dict)
    question_keys: dict[str, str] = field(default_factory=dict)
    a_messages: dict[str, Message] = field(default_factory=dict)
    """A's messages with persistent buttons (two are DMs about A), by what they are."""

    def guild(self, name: str) -> Server:
        return {"A": self.a, "B": self.b}[name]


def member_of(guild: Guild, member: Member, *roles: int) -> Member:
    """``member``'s user (the same person) as a member of ``guild`` too."""
    joined = Member(guild.id, member.user, list(roles))
    guild.members[member.id] = joined
    return joined


def guild_b(discord: LoopbackDiscord, a: Server) -> Server:
    """Another guild with the same moderator and members as ``a``, and its own owner."""
    guild = discord.add_guild("Other Lab", owner="otto")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    return Server(
        guild=guild,
        owner=guild.members[guild.owner_id],
        moderator=member_of(guild, a.moderator, mods.id),
        alice=member_of(guild, a.alice),
        bob=member_of(guild, a.bob),
    )


def person(server: Server, name: str) -> Member:
    people = {"mona": server.moderator, "alice": server.alice, "bob": server.bob}
    return people[name]


@pytest.fixture(scope="module")
def content(content: Content) -> Content:
    """The real content, with ``BUILT_IN_QUESTIONS`` of the quiz's ``QUESTION_TOPIC`` and
    ``BUILT_IN_TIPS`` of the tips' ``TIP_TOPIC`` and ``TIP_LEVEL``."""
    questions = content.quiz.knowledge
    kept = [q for q in questions if q.topic == QUESTION_TOPIC][:BUILT_IN_QUESTIONS]
    quiz = content.quiz.model_copy(
        update={"knowledge": [q for q in questions if q.topic != QUESTION_TOPIC] + kept}
    )
    tips = content.career.tips
    chosen = [t for t in tips if (t.topic, t.level) == (TIP_TOPIC, TIP_LEVEL)][:BUILT_IN_TIPS]
    others = [t for t in tips if (t.topic, t.level) != (TIP_TOPIC, TIP_LEVEL)]
    career = content.career.model_copy(update={"tips": others + chosen})
    return replace(content, quiz=quiz, career=career)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, content: Content
) -> AsyncIterator[World]:
    """One world per database for the whole module (building it takes a while), like the
    ``server`` fixture's guild plus guild B. The reads run first; the attempts from B come
    after them, as one deletes mona's data in B."""
    database = await migrated_database(request.param, tmp_path_factory.mktemp("tenancy"))
    discord = LoopbackDiscord()
    await discord.start()
    a = add_server(discord)
    for name in ("suggestions", "mod-log", "networking", "challenges"):
        discord.add_channel(a.guild, name)
    b = guild_b(discord, a)  # both guilds exist before the bot connects
    discord.add_channel(b.guild, "challenges")
    clock = ManualClock(START)
    try:
        bot, task = await start_bot(discord, database, clock, content)
        try:
            world = World(discord, bot, database, clock, a, b)
            await challenge_day_in_b(world)
            await fill_a(world, content)
            await fill_b(world)
            yield world
        finally:
            await stop_bot(bot, task)
    finally:
        await discord.stop()
        await database.close()


# -- leaving data behind through the real commands -------------------------------------------


async def about(discord: LoopbackDiscord, member: Member, bio: str, **more: Any) -> None:
    panel = await discord.slash("profile edit", member=member)
    form = await discord.click(panel.message, "About you", member=member)
    saved = await discord.submit(form, {"Short bio": bio, **more}, member=member)
    assert bio in saved.text


async def offer_mentoring(discord: LoopbackDiscord, mentor: Member, availability: str) -> None:
    """``mentor`` offers mastering and mixing basics, available at ``availability``."""
    done = await offer(discord, mentor, ["mastering", "mixing-basics"], availability=availability)
    assert "You're a mentor" in done.text


async def add_tip(discord: LoopbackDiscord, moderator: Member, text: str) -> str:
    form = await discord.slash(
        "career tips add", member=moderator, topic=TIP_TOPIC, level=TIP_LEVEL
    )
    added = await discord.submit(form, {"The tip": text}, member=moderator)
    return added.text.split("`")[1]


async def showing_tip(discord: LoopbackDiscord, member: Member, tip_id: str) -> Message:
    """A ``/career tip`` answer showing the tip ``tip_id`` (with its Save button)."""
    reply = await discord.slash("career tip", member=member, topic=TIP_TOPIC, level=TIP_LEVEL)
    seen: set[str] = set()
    # Every tip of the selection shows once before any repeats.
    while (footer := reply.message.embeds[0]["footer"]["text"]) not in seen:
        if footer.endswith(tip_id):
            return reply.message
        seen.add(footer)
        await discord.click(reply.message, "Another", member=member)
    raise AssertionError(f"the tip {tip_id} never showed")


async def add_question(discord: LoopbackDiscord, moderator: Member, topic: str, marker: str) -> str:
    form = await discord.slash("quiz add", member=moderator, topic=topic, difficulty="easy")
    added = await discord.submit(
        form,
        {
            "Question": f"{marker}: which effect repeats a sound?",
            "Correct answer": "Delay",
            "Three wrong answers, one per line": "Gate\nEQ\nCompressor",
            "Why the answer is right": "A delay plays the sound again later.",
        },
        member=moderator,
    )
    assert marker in added.text
    questions = await own_questions(discord, moderator)
    return questions[marker]


async def own_questions(discord: LoopbackDiscord, moderator: Member) -> dict[str, str]:
    """The guild's own questions by marker, as the moderators' menu offers them."""
    choices = await discord.autocomplete("quiz remove", "question", member=moderator)
    return {c["name"].split(":")[0]: str(c["value"]) for c in choices}


async def solo_round(discord: LoopbackDiscord, member: Member, content: Content) -> None:
    """A three-question round on built-in questions, every answer right."""
    reply = await discord.slash("quiz skills", member=member, topic="mixing-mastering", length=3)
    message = reply.message
    for number in range(3):
        if number:
            await discord.click(message, "Next question", member=member)
        question = asked_question(content, message.text)
        await discord.click(message, LETTERS[question.answer], member=member)
    assert "You got **3 of 3** right" in message.text


async def start_challenges(discord: LoopbackDiscord, server: Server) -> Channel:
    """Challenges in #challenges at 09:30 UTC: not due yet when the clock starts at 09:00,
    so the first day is posted by ``post_today`` alone, not by a tick of the bot's own."""
    channel = channel_named(server.guild, "challenges")
    done = await discord.slash(
        "challenge setup", member=server.moderator, channel=channel, time="09:30", timezone="UTC"
    )
    assert "at 09:30 (UTC)" in done.text
    return channel


async def fill_a(world: World, content: Content) -> None:
    discord, bot, a = world.discord, world.bot, world.a
    mona, alice, bob = a.moderator, a.alice, a.bob
    for feature, name in (("suggestions", "suggestions"), ("mod-log", "mod-log")):
        channel = channel_named(a.guild, name)
        await discord.slash("settings channel", member=mona, feature=feature, channel=channel)

    # Challenges: a closed day with entries, votes, feedback and results; later an open day.
    channel = await start_challenges(discord, a)
    schedule = bot.services.challenges.schedule
    first = ChallengeCard(f"{A}-CHALLENGE", "Make a beat.", "sound-design", "easy", 24)
    filler = ChallengeCard(f"{A}-CHALLENGE-DAY-2", "Make a drum loop.", "recording", "easy", 24)
    for card in (first, filler):
        await schedule.add(a.guild.id, mona.id, card, None)
    post = await post_today(discord, a, channel)
    take = "https://a.example/MARKER-A-TAKE"
    await discord.slash("challenge submit", member=alice, link=take, notes=f"{A}-NOTES")
    await discord.slash("challenge submit", member=bob, link="https://a.example/bob")
    alice_entry, _ = discord.channel_messages(thread_of(discord, post))
    await discord.click(alice_entry, "Vote", member=bob)
    await discord.click(alice_entry, "Vote", member=mona)
    form = await discord.click(alice_entry, "Feedback", member=bob)
    await discord.submit(form, {"Your feedback": f"{A}-CRITIQUE: a tight low end."}, member=bob)
    note = discord.channel_messages(thread_of(discord, post))[-1]
    await discord.click(note, "Helpful", member=alice)

    # Networking: a round, and its check-in halfway through.
    lounge = channel_named(a.guild, "networking")
    await discord.slash("network setup", member=mona, channel=lounge, every=1, day=1, size=2)
    for member in (alice, bob):
        await discord.slash("network join", member=member)
    await tick(bot, world.clock, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    second = ChallengeCard(f"{A}-CHALLENGE-2", "Make a hook.", "music-theory", "easy", 48)
    await schedule.add(a.guild.id, mona.id, second, None)
    await tick(bot, world.clock, datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    threads = [c for c in a.guild.channels.values() if c.parent_id == lounge.id]
    [check_in] = [m for m in discord.channel_messages(threads[0]) if m.buttons()]
    world.a_messages["network check-in"] = check_in

    # Today's open challenge: entries, and feedback not yet marked helpful.
    [today] = [m for m in discord.channel_messages(channel) if m.buttons()]
    assert f"{A}-CHALLENGE-2" in today.text
    world.a_messages["challenge post"] = today
    await discord.slash("challenge submit", member=alice, link="https://a.example/alice-2")
    await discord.slash("challenge submit", member=bob, link="https://a.example/bob-2")
    _, bob_entry = discord.channel_messages(thread_of(discord, today))
    world.a_messages["challenge entry"] = bob_entry
    form = await discord.click(bob_entry, "Feedback", member=mona)
    await discord.submit(form, {"Your feedback": f"{A}-CRITIQUE-2: more air."}, member=mona)
    world.a_messages["challenge feedback"] = discord.channel_messages(thread_of(discord, today))[-1]
    later = ChallengeCard(f"{A}-QUEUED", "Make another beat.", "mastering", "hard", 48)
    await schedule.add(a.guild.id, mona.id, later, None)

    # Profiles.
    await about(discord, alice, f"{A}-BIO-ALICE", **{"Time zone": "Europe/Berlin"})
    panel = await discord.slash("profile edit", member=alice)
    form = await discord.click(panel.message, "Links", member=alice)
    await discord.submit(
        form, {"Portfolio link 1": "https://a.example/MARKER-A-LINK"}, member=alice
    )
    await about(discord, bob, f"{A}-BIO-BOB")

    # Career: a server tip alice saved, a skill she finished.
    world.tip_ids["A"] = await add_tip(discord, mona, f"{A}-TIP: bring two finished loops.")
    tip = await showing_tip(discord, alice, world.tip_ids["A"])
    await discord.click(tip, "Save", member=alice)
    world.a_messages["career tip"] = tip
    await discord.slash("career mark", member=alice, skill="mastering", state="done")

    # Quiz: alice's producer type and points, a server question, bob's open quiz and round.
    reply = await discord.slash("quiz type", member=alice)
    picks = best_answers(content, "engineer")
    await answer_type_questions(discord, reply.message, alice, content, picks)
    world.question_keys["A"] = await add_question(discord, mona, QUESTION_TOPIC, f"{A}-QUESTION")
    await solo_round(discord, alice, content)
    world.a_messages["quiz type"] = (await discord.slash("quiz type", member=bob)).message
    round_ = await discord.slash("quiz skills", member=bob, topic="business", length=3)
    world.a_messages["quiz round"] = round_.message

    # Mentoring: a mentorship that ended with feedback, a running one, a waiting request.
    await offer_mentoring(discord, bob, f"{A}-AVAIL")
    await discord.slash("mentor request", member=alice, mentor=bob, message=f"{A}-REQUEST")
    await discord.click(request_notice(discord, bob), "Accept", member=bob)
    ended = await discord.slash("mentor end", member=alice, options={"member": bob})
    form = await discord.click(ended.message, "Leave feedback", member=alice)
    comment = {"Rating": ["4"], "Anything the moderators should know?": f"{A}-FEEDBACK"}
    await discord.submit(form, comment, member=alice)
    world.clock.advance(REQUEST_COOLDOWN)
    await discord.slash("mentor request", member=alice, mentor=bob, message=f"{A}-AGAIN")
    await discord.click(request_notice(discord, bob), "Accept", member=bob)
    await discord.slash("mentor request", member=mona, mentor=bob, message=f"{A}-WAITING")
    world.a_messages["mentor request"] = request_notice(discord, bob)
    await discord.slash("mentor request", member=a.owner, mentor=bob, message=f"{A}-WAITING-2")
    [other] = [m for m in discord.dms(bob.user) if m.buttons() and f"{A}-WAITING-2" in m.text]
    world.a_messages["another mentor request"] = other

    # Safety and suggestions.
    await discord.slash("block", member=alice, options={"member": mona})
    reason = f"{A}-REPORT: spam links"
    await discord.slash("report", member=bob, options={"member": alice, "reason": reason})
    form = await discord.slash("suggest", member=alice)
    await discord.submit(
        form, {"Title": f"{A}-SUGGESTION", "Your idea": "Listening parties"}, member=alice
    )
    [suggestion] = discord.channel_messages(channel_named(a.guild, "suggestions"))
    world.a_messages["suggestion"] = suggestion

    await discord.slash("settings timezone", member=mona, zone="Asia/Tokyo")


async def challenge_day_in_b(world: World) -> None:
    """One challenge day in B that bob enters, before the clock moves; then B pauses."""
    discord, b = world.discord, world.b
    channel = await start_challenges(discord, b)
    card = ChallengeCard(f"{B}-CHALLENGE", "Make a loop.", "mixing-basics", "easy", 24)
    await world.bot.services.challenges.schedule.add(b.guild.id, b.moderator.id, card, None)
    await post_today(discord, b, channel)
    await discord.slash("challenge submit", member=b.bob, link="https://b.example/MARKER-B-TAKE")
    await discord.slash("challenge pause", member=b.moderator)


async def fill_b(world: World) -> None:
    """B's own data: what B's reads must show (and only that)."""
    discord, b = world.discord, world.b
    later = ChallengeCard(f"{B}-QUEUED", "Make another loop.", "mastering", "easy", 24)
    await world.bot.services.challenges.schedule.add(b.guild.id, b.moderator.id, later, None)
    await about(discord, b.bob, f"{B}-BIO-BOB")
    await offer_mentoring(discord, b.alice, f"{B}-AVAIL")
    world.tip_ids["B"] = await add_tip(discord, b.moderator, f"{B}-TIP: finish one loop a day.")
    tip = await showing_tip(discord, b.alice, world.tip_ids["B"])
    await discord.click(tip, "Save", member=b.alice)
    world.question_keys["B"] = await add_question(discord, b.moderator, "business", f"{B}-QUESTION")


# -- what a member sees ------------------------------------------------------------------------


def shown(reply: Reply) -> str:
    """Everything the member sees in an answer: a form, or the message with its embeds,
    buttons, menus and attached files, and any follow-ups."""
    if reply.record.callback_type == MODAL:
        return json.dumps(reply.modal, ensure_ascii=False)
    messages = [reply.message, *reply.followups]
    return "\n".join(message_json(message) for message in messages)


def message_json(message: Message) -> str:
    files = [attachment.data.decode("latin-1") for attachment in message.attachments]
    return json.dumps([message.to_json(), files], ensure_ascii=False)


async def every_page(discord: LoopbackDiscord, reply: Reply, member: Member) -> list[str]:
    """What the answer shows on each of its pages (pressing Next while there is one)."""
    seen = [shown(reply)]
    if reply.record.callback_type == MODAL:
        return seen
    message = reply.message
    for _ in range(40):
        following = [b for b in message.buttons() if b.get("label") == "Next"]
        if not following or following[0].get("disabled"):
            break
        await discord.click(message, "Next", member=member)
        seen.append(message_json(message))
    return seen


def a_snowflakes(world: World) -> set[str]:
    """Ids of A's guild, channels, threads, roles and messages: none belongs in B."""
    guild = world.a.guild
    ids = {guild.id, *guild.channels, *guild.roles}
    ids |= {m.id for m in world.discord.messages.values() if m.guild_id == guild.id}
    return {str(i) for i in ids}


def leaks(world: World, texts: Iterable[str]) -> list[str]:
    text = "\n".join(texts)
    found = [A] if A in text else []
    return found + sorted(i for i in a_snowflakes(world) if i in text)


# -- the read commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A command that shows stored data, run the same way in A and in B. ``in_a`` shows
    in A (A's data, so the check can see it), ``in_b`` in B (B's own data or an empty
    state); options naming ``@someone`` mean that person in the guild the read runs in."""

    command: str
    actor: str
    in_a: str
    in_b: str
    options: dict[str, Any] = field(default_factory=dict)
    press: tuple[str, ...] = ()
    """Buttons pressed on the answer, in order, each showing more."""
    autocomplete: str | None = None
    """Instead of running the command, the choices offered while typing this option."""

    @property
    def id(self) -> str:
        parts = [f"/{self.command}", *(f"{k}={v}" for k, v in self.options.items())]
        if self.autocomplete:
            parts.append(f"(typing {self.autocomplete})")
        return " ".join([*parts, "as", self.actor])


BEST_1, BEST_0 = ('"name": "Best", "value": "1"', '"name": "Best", "value": "0"')
READS = [
    Read("help", "alice", "Producer bot: help", "Producer bot: help"),
    Read("career paths", "alice", "Routes into music", "Routes into music"),
    Read("career gear", "alice", "studio tech stack", "studio tech stack"),
    Read("career portfolio", "alice", "Portfolio:", "Portfolio:"),
    Read("challenge rules", "alice", "Streak bonus", "Streak bonus"),
    Read(
        "career tip",
        "bob",
        f"{A}-TIP",
        f"{B}-TIP",
        {"topic": TIP_TOPIC, "level": TIP_LEVEL},
        press=("Another",) * (BUILT_IN_TIPS + 1),
    ),
    Read("career saved", "alice", f"{A}-TIP", f"{B}-TIP"),
    Read("career skills", "alice", "✅ Mastering", "0 of 15 done"),
    Read("career next", "alice", "Suits your producer type", "take `/quiz type`"),
    Read("career tips list", "alice", f"{A}-TIP", f"{B}-TIP"),
    Read(
        "career community",
        "mona",
        "**Mastering**: 0 learning, 1 done",
        "**Mastering**: 0 learning, 0 done",
    ),
    # Alice has more points than bob in A, and none in B.
    Read("challenge leaderboard", "bob", "You: #2 with", "You: #1 with", {"period": "all"}),
    Read("challenge history", "alice", f"{A}-CHALLENGE", "No entries yet."),
    Read("challenge history", "alice", f"{A}-CHALLENGE", f"{B}-CHALLENGE", {"member": "@bob"}),
    Read("challenge streak", "alice", BEST_1, BEST_0),
    Read("challenge streak", "alice", BEST_1, BEST_1, {"member": "@bob"}),
    Read("challenge queue", "mona", f"{A}-QUEUED", f"{B}-QUEUED"),
    Read("mentor list", "alice", f"{A}-AVAIL", f"{B}-AVAIL"),
    Read("mentor find", "mona", f"{A}-AVAIL", f"{B}-AVAIL"),  # alice blocked mona in A only
    Read("mentor mine", "alice", "You are the mentee", "No mentorships or requests yet"),
    Read("mentor mine", "bob", "You are the mentor", "No mentorships or requests yet"),
    Read("mentor feedback", "mona", f"{A}-FEEDBACK", "No feedback yet."),
    Read("mentor offer", "bob", f"{A}-AVAIL", "Offer mentoring"),
    Read("mentor offer", "alice", "Offer mentoring", f"{B}-AVAIL"),
    Read("network preview", "mona", "Group 1", "not set up here yet"),
    Read("network stats", "mona", "2 members taking part", "0 members taking part"),
    Read("privacy export", "alice", f"{A}-BIO-ALICE", f"{B}-AVAIL"),
    Read("privacy export", "bob", f"{A}-REPORT", f"{B}-BIO-BOB"),
    Read("privacy export", "mona", f"{A}-QUESTION", f"{B}-QUESTION"),
    Read("profile edit", "bob", f"{A}-BIO-BOB", f"{B}-BIO-BOB"),
    Read("profile view", "alice", f"{A}-BIO-ALICE", "Change it with /profile edit"),
    Read("profile view", "alice", f"{A}-BIO-BOB", f"{B}-BIO-BOB", {"member": "@bob"}),
    Read("profile view", "bob", f"{A}-BIO-ALICE", "no public profile", {"member": "@alice"}),
    Read("quiz me", "alice", "You lean to The Engineer", "haven't taken"),
    Read("quiz stats", "bob", "The Engineer: 1 (100 %)", "Nobody has taken"),
    Read("quiz leaderboard", "alice", "#1 of 1 with", "No points in this period yet."),
    Read(
        "quiz skills",
        "mona",
        f"Question 1 of {BUILT_IN_QUESTIONS + 1}",  # the built-in questions and A's own
        f"Question 1 of {BUILT_IN_QUESTIONS}",
        {"topic": QUESTION_TOPIC, "length": 20},
    ),
    Read("settings show", "mona", "Asia/Tokyo", "UTC"),
    Read("career unsave", "alice", f"{A}-TIP", f"{B}-TIP", autocomplete="tip"),
    Read("career tips edit", "mona", f"{A}-TIP", f"{B}-TIP", autocomplete="tip"),
    Read("career tips remove", "mona", f"{A}-TIP", f"{B}-TIP", autocomplete="tip"),
    Read("quiz remove", "mona", f"{A}-QUESTION", f"{B}-QUESTION", autocomplete="question"),
]

WRITES = {
    # Each only stores what the member gives; refusing them from B is tested below where
    # they name something of A.
    "analyze": "reads only the file it is given and keeps nothing",
    "block": "stores a block",
    "unblock": "tried from B on A's block",
    "report": "posts a report",
    "suggest": "posts a suggestion",
    "career mark": "stores a skill state",
    "career unsave": "tried from B on A's saved tip (its menu is a read above)",
    "career daily": "schedules the tip of the day",
    "career tips add": "stores a server tip",
    "career tips edit": "tried from B on A's tip (its menu is a read above)",
    "career tips remove": "tried from B on A's tip (its menu is a read above)",
    "challenge submit": "tried from B while only A has an open challenge",
    "challenge streakdm": "stores an opt-in",
    "challenge setup": "stores the schedule",
    "challenge pause": "changes B's own schedule",
    "challenge resume": "changes B's own schedule",
    "challenge postnow": "posts B's challenge",
    "challenge cadence": "stores the cadence",
    "challenge reminder": "stores the reminder",
    "challenge champion": "stores the champion role",
    "challenge feedback": "stores the feedback rule",
    "challenge add": "stores a queued challenge",
    "challenge schedule": "stores a queued challenge",
    "mentor pause": "tried from B by A's mentor",
    "mentor resume": "tried from B by A's mentor",
    "mentor request": "tried from B to A's mentor",
    "mentor signoff": "tried from B by A's mentor",
    "mentor end": "tried from B on A's mentorship",
    "mentor role": "stores the mentor role",
    "network setup": "stores the schedule",
    "network stop": "tried from B, where networking is not set up",
    "network join": "stores a member",
    "network leave": "tried from B by A's members",
    "network pause": "tried from B by A's members",
    "privacy delete": "run in B; A's rows stay",
    "profile delete": "tried from B by a member with a profile in A only",
    "quiz type": "starts a quiz (its buttons are tried from B below)",
    "quiz roles": "stores a role reward",
    "quiz live": "posts in the channel; its questions come from the pool /quiz skills reads",
    "quiz add": "stores a question",
    "quiz remove": "tried from B on A's question (its menu is a read above)",
    "settings timezone": "stores the time zone",
    "settings modrole": "stores the moderator role",
    "settings channel": "stores a channel",
}


def registered_commands(discord: LoopbackDiscord) -> set[str]:
    """The qualified names of every slash command the bot registered."""
    names: set[str] = set()

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        subcommands = [o for o in options if o["type"] in (1, 2)]
        if not subcommands:
            names.add(prefix)
        for sub in subcommands:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in discord.commands:
        walk(command["name"], command.get("options") or [])
    return names


def options_in(server: Server, options: dict[str, Any]) -> dict[str, Any]:
    return {
        key: person(server, value[1:])
        if isinstance(value, str) and value.startswith("@")
        else value
        for key, value in options.items()
    }


async def run(world: World, read: Read, where: str) -> list[str]:
    """Run ``read`` in guild ``where``; returns what its actor saw."""
    server = world.guild(where)
    actor = person(server, read.actor)
    options = options_in(server, read.options)
    if read.autocomplete is not None:
        choices = await world.discord.autocomplete(
            read.command, read.autocomplete, member=actor, options=options
        )
        return [json.dumps(choices, ensure_ascii=False)]
    reply = await world.discord.slash(read.command, member=actor, options=options)
    seen = await every_page(world.discord, reply, actor)
    for label in read.press:
        await world.discord.click(reply.message, label, member=actor)
        seen.append(message_json(reply.message))
    return seen


async def test_every_command_is_classified_as_a_read_or_a_write(world: World) -> None:
    reads = {read.command for read in READS if read.autocomplete is None}
    assert not reads & set(WRITES)
    unclassified = registered_commands(world.discord) - reads - set(WRITES)
    gone = (reads | set(WRITES)) - registered_commands(world.discord)
    assert (unclassified, gone) == (set(), set()), (
        "classify each new command: a read (it shows stored data) goes in READS, a write "
        "in WRITES; remove commands that are gone"
    )


@pytest.mark.parametrize("read", READS, ids=lambda read: read.id)
async def test_in_a_the_read_shows_as_data(world: World, read: Read) -> None:
    """The control: A's data is there to be seen, where it belongs."""
    seen = await run(world, read, "A")
    assert any(read.in_a in text for text in seen), seen[0][:2000]


@pytest.mark.parametrize("read", READS, ids=lambda read: read.id)
async def test_in_b_the_read_shows_bs_data_and_nothing_of_a(world: World, read: Read) -> None:
    seen = await run(world, read, "B")
    assert leaks(world, seen) == [], seen
    assert any(read.in_b in text for text in seen), seen[0][:2000]


# -- changing A's data from B ------------------------------------------------------------------


async def a_rows(world: World) -> dict[str, list[str]]:
    """Every row of guild A, table by table."""
    rows: dict[str, list[str]] = {}
    async with world.database.read() as session:
        for table in Base.metadata.sorted_tables:
            if "guild_id" in table.c:
                found = await session.execute(
                    select(table).where(table.c.guild_id == world.a.guild.id)
                )
                rows[table.name] = sorted(repr(tuple(row)) for row in found)
    return rows


def forged(world: World, what: str) -> Message:
    """A's message ``what`` as a forged interaction would carry it: its buttons, shown in
    B's channel (real Discord only delivers a click from where the message is)."""
    original = world.a_messages[what]
    channel = world.discord.default_channel(world.b.guild)
    copy = Message(world.discord.ids.next(), channel.id, world.b.guild.id, original.author)
    copy.content, copy.embeds, copy.components = "", [], original.components
    world.discord.messages[copy.id] = copy
    return copy


def said(reply: Reply) -> str:
    """The answer's text, and its follow-ups' (an error after a deferral comes as one)."""
    parts = [message.text for message in reply.followups]
    if reply.record.response_message_id is not None:
        parts.append(reply.message.text)
    return "\n".join(parts)


async def press(
    world: World, what: str, who: str, button: str | None = None, form: dict[str, Any] | None = None
) -> Reply:
    """``who`` (as a member of B) presses ``button`` (default: the first) on a forged copy
    of A's message ``what``, and fills in the ``form`` it opens, if any."""
    copy, member = forged(world, what), person(world.b, who)
    reply = await world.discord.click(copy, button or copy.buttons()[0]["custom_id"], member=member)
    return reply if form is None else await world.discord.submit(reply, form, member=member)


def slash(command: str, who: str, **options: Any) -> Callable[[World], Awaitable[Reply]]:
    """``who`` runs ``command`` in B; options naming ``@someone`` mean them in B."""

    def attempt(world: World) -> Awaitable[Reply]:
        member = person(world.b, who)
        return world.discord.slash(command, member=member, options=options_in(world.b, options))

    return attempt


def a_tip(world: World) -> str:
    return world.tip_ids["A"]


def a_question(world: World) -> str:
    return world.question_keys["A"]


async def delete_my_data(world: World) -> Reply:
    ask = await world.discord.slash("privacy delete", member=world.b.moderator)
    return await world.discord.click(ask.message, "Delete my data", member=world.b.moderator)


@dataclass(frozen=True)
class Attempt:
    """A try, from B, at something of A; ``refusal`` is what the member is told (any
    answer will do for the known leaks, whose rows in A change)."""

    name: str
    act: Callable[[World], Awaitable[Reply]]
    refusal: str


ATTEMPTS = [
    # A's persistent buttons, pressed from B.
    Attempt(
        "save A's server tip",
        lambda w: press(w, "career tip", "alice", "Save"),
        "That tip no longer exists",
    ),
    Attempt(
        "submit to A's open challenge",
        lambda w: press(
            w, "challenge post", "alice", "Submit", {"Or a link to your track": "https://b.x/t"}
        ),
        "does not exist in this server",
    ),
    Attempt(
        "vote for an entry in A",
        lambda w: press(w, "challenge entry", "alice", "Vote"),
        "That entry no longer exists",
    ),
    Attempt(
        "give feedback on an entry in A",
        lambda w: press(
            w, "challenge entry", "alice", "Feedback", {"Your feedback": "Nice groove, more bass."}
        ),
        "That entry no longer exists",
    ),
    Attempt(
        "mark feedback in A helpful",
        lambda w: press(w, "challenge feedback", "bob", "Helpful"),
        "That feedback no longer exists",
    ),
    Attempt(
        "mark A's suggestion handled",
        lambda w: press(w, "suggestion", "mona", "Mark handled"),
        "That suggestion no longer exists",
    ),
    Attempt(
        "answer bob's producer-type quiz in A",
        lambda w: press(w, "quiz type", "bob"),
        "That quiz no longer exists",
    ),
    Attempt(
        "answer bob's quiz round in A",
        lambda w: press(w, "quiz round", "bob", "A"),
        "That quiz round no longer exists",
    ),
    # Commands in B naming A's things.
    Attempt(
        "end a mentorship of A",
        slash("mentor end", "alice", member="@bob"),
        "no running mentorship",
    ),
    Attempt(
        "sign off a skill of A's mentee",
        slash("mentor signoff", "bob", mentee="@alice", skill="mastering"),
        "no running mentorship",
    ),
    Attempt("pause A's mentor offer", slash("mentor pause", "bob"), "not a mentor here yet"),
    Attempt("resume A's mentor offer", slash("mentor resume", "bob"), "not a mentor here yet"),
    Attempt(
        "ask A's mentor",
        slash("mentor request", "mona", mentor="@bob"),
        "not offering mentoring here",
    ),
    Attempt("lift A's block", slash("unblock", "alice", member="@mona"), "haven't blocked"),
    Attempt("delete A's profile", slash("profile delete", "alice"), "no profile here"),
    Attempt("leave A's introductions", slash("network leave", "alice"), "haven't joined"),
    Attempt("pause A's introductions", slash("network pause", "bob"), "haven't joined"),
    Attempt("stop A's introductions", slash("network stop", "mona"), "not set up here"),
    Attempt(
        "unsave A's tip",
        lambda w: slash("career unsave", "alice", tip=a_tip(w))(w),
        "not in your saved tips",
    ),
    Attempt(
        "edit A's server tip",
        lambda w: slash("career tips edit", "mona", tip=a_tip(w))(w),
        "one of this server's own tips",
    ),
    Attempt(
        "remove A's server tip",
        lambda w: slash("career tips remove", "mona", tip=a_tip(w))(w),
        "no tip with that id",
    ),
    Attempt(
        "remove A's quiz question",
        lambda w: slash("quiz remove", "mona", question=a_question(w))(w),
        "not one of this server's questions",
    ),
    Attempt(
        "enter A's open challenge",
        slash("challenge submit", "alice", link="https://b.example/take"),
        "no open challenge",
    ),
    Attempt("delete my data, in B", delete_my_data, "records deleted"),
]
FORGED = "belongs to another server"
FORGED_CLICKS = [
    # Each by the one person the button is for, so only the guild check can refuse them.
    Attempt(
        "accept A's request, as its mentor, from B",
        lambda w: press(w, "mentor request", "bob", "Accept"),
        FORGED,
    ),
    Attempt(
        "decline A's request, as its mentor, from B",
        lambda w: press(w, "another mentor request", "bob", "Decline"),
        FORGED,
    ),
    Attempt(
        "answer A's check-in, as one of its group, from B",
        lambda w: press(w, "network check-in", "alice", "Yes"),
        FORGED,
    ),
]


@pytest.mark.parametrize("attempt", [*ATTEMPTS, *FORGED_CLICKS], ids=lambda attempt: attempt.name)
async def test_from_b_nothing_of_a_changes(world: World, attempt: Attempt) -> None:
    before = await a_rows(world)
    reply = await attempt.act(world)
    assert attempt.refusal in said(reply)
    assert leaks(world, [said(reply)]) == []
    assert await a_rows(world) == before
