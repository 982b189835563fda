"""Everything a member or moderator can do in Discord can be done in the sandbox: one
scripted session (the tour, then the rest) reaches every slash command, every form and
every button and menu of the bot. What "every" means is read off the bot itself: the
command tree, the forms and persistent buttons its cogs define, and the items of every
view it sends, so a new command or button the sandbox cannot reach fails this test."""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ui.view import ViewStore

from bot.settings import Settings
from bot.tryit.demo import open_sandbox
from bot.tryit.keyboard import ScriptLines
from bot.tryit.terminal import Session
from bot.ui.forms import IdForm
from tests.e2e.helpers import REPO

TOUR = REPO / "bot" / "tryit" / "tour.txt"

THE_REST = """
as chen
read #challenges 1
click 1
fill
take.wav

A slower take.
read 3
click 2
fill
Lovely low end; the hats are a touch loud.
as alice
read 1
click 1
/career tip
click 1
/help command:settings
/help
click 2
click 1
/career paths
select 1 2
click 2
click 1
/career saved
/career unsave tip:networking-03
/career next
/career gear category:DAWs
/career portfolio
click 2
click 1
/career tips list
/profile view member:@alice
/challenge leaderboard period:week
/challenge history member:@alice
/challenge streak
/challenge rules
/analyze file:take.wav
/challenge streakdm enabled:true
/quiz skills length:3
click 1
click 1
/quiz skills length:3
click 1
/quiz skills length:3
click 2
/quiz leaderboard period:all
/quiz me
/quiz stats
/mentor list
/mentor find
/mentor mine
/block member:@dara
/unblock member:@dara
/report member:@dara reason:"Spamming links in #general"
/network join
/network pause
/network leave
as mona
read #mod-log 1
click 1
/mentor signoff mentee:@alice skill:mixing
/mentor end member:@alice
click 1
fill
4
Great sessions, very patient.
/mentor pause
/mentor resume
/mentor feedback
role new Mentors
/mentor role role:@Mentors
/challenge champion role:@Mentors
/challenge reminder hours:2
/challenge feedback required:1
/challenge cadence every:weekdays
/challenge pause
/challenge resume
/challenge add date:2099-01-05
fill
Eight-bar hook
Write an eight-bar hook with one synth and one drum loop.
sound design
easy
48
/challenge schedule challenge:limiter
/challenge queue
click 2
click 1
select 1 1
click 3
fill
Eight-bar hook, again




/challenge queue
select 1 1
click 4
fill
end
/challenge queue
select 1 1
click 5
/career community
/career daily channel:#tips time:09:00
/career tips add topic:networking level:beginner
fill
Say thanks in public when someone helps you.
/career tips edit tip:g1 level:intermediate
fill
Thank people in public when they help you out.
/career tips remove tip:g1
/quiz add topic:mixing-mastering difficulty:easy
fill
Which filter removes low rumble?
A high-pass filter
\"\"\"
A low-pass filter
A notch at 10 kHz
A shelf boost at 60 Hz
\"\"\"
High-pass filters let the highs through and cut the lows.
/quiz remove question:rumble
/quiz roles type:mentor-producer role:@Engineers
/quiz roles type:musician-producer role:@Engineers
/quiz roles type:artist-producer role:@Engineers
/quiz roles type:phenom role:@Engineers
/settings modrole role:@Moderators
/settings channel feature:mod-log channel:#mod-log
/network setup channel:#introductions every:1 day:Monday size:2
/network preview
/network stats
as dara
/quiz type
click 1
/quiz type
click 1
/quiz type
click 2
click 1
click 6
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
click 1
/privacy export
/privacy delete
click 2
/privacy delete
click 1
/profile delete
as olivia
/profile edit
click 1
fill
1
1
Europe/Berlin
I make beats.
click 3
fill
1
1
click 4
fill
https://example.com/me


click 5
fill
2
1
as bob
/network join
as chen
/network join
clock +7d
clock +3d
click 1
as mona
/network stop
"""


def _subclasses(base: type) -> Iterator[type]:
    for child in base.__subclasses__():
        yield child
        yield from _subclasses(child)


def _ours(kind: type) -> set[type]:
    """The subclasses of ``kind`` the bot defines (cogs and the shared UI), loaded."""
    return {
        cls
        for cls in _subclasses(kind)
        if not cls.__name__.startswith("_")
        and cls.__module__.startswith(("cogs.", "bot.ui."))
        and cls.__module__ in sys.modules
    }


def _item_name(item: discord.ui.Item[Any]) -> str:
    callback: Any = getattr(item, "callback", None)
    function = getattr(callback, "callback", callback)  # a decorated item's callback
    return str(getattr(function, "__name__", None) or getattr(item, "custom_id", "?"))


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[Any]]:
    """What the bot handled: its views' items, forms and persistent buttons; and what it
    showed: the items of every view it sent."""
    seen: dict[str, set[Any]] = {"items": set(), "shown": set(), "modals": set(), "dynamic": set()}
    view_task, modal_task, add_view = (
        discord.ui.View._scheduled_task,
        discord.ui.Modal._scheduled_task,
        ViewStore.add_view,
    )

    async def on_item(view: discord.ui.View, item: Any, interaction: Any) -> None:
        seen["items"].add((type(view).__name__, _item_name(item)))
        await view_task(view, item, interaction)

    async def on_modal(modal: discord.ui.Modal, *args: Any) -> None:
        seen["modals"].add(type(modal).__name__)
        await modal_task(modal, *args)

    def on_add(store: ViewStore, view: Any, message_id: int | None = None) -> None:
        if isinstance(view, discord.ui.View) and not view.is_persistent():
            seen["shown"] |= {(type(view).__name__, _item_name(i)) for i in view.children}
        add_view(store, view, message_id)

    monkeypatch.setattr(discord.ui.View, "_scheduled_task", on_item)
    monkeypatch.setattr(discord.ui.Modal, "_scheduled_task", on_modal)
    monkeypatch.setattr(ViewStore, "add_view", on_add)
    return seen


def _leaf_commands(tree: app_commands.CommandTree[Any]) -> set[str]:
    return {c.qualified_name for c in tree.walk_commands() if isinstance(c, app_commands.Command)}


async def test_a_scripted_session_reaches_every_command_form_and_button(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reached: dict[str, set[Any]],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    lines = TOUR.read_text(encoding="utf-8").splitlines() + THE_REST.splitlines()
    async with open_sandbox(Settings(data_dir=REPO / "data")) as sandbox:
        commands: set[str] = set()
        slash = sandbox.discord.slash

        async def recording(command: str, /, **options: Any) -> Any:
            commands.add(command)
            return await slash(command, **options)

        monkeypatch.setattr(sandbox.discord, "slash", recording)
        dynamic: set[str] = set()
        for cls in _ours(discord.ui.DynamicItem):
            if "callback" in vars(cls):
                monkeypatch.setattr(cls, "callback", _recorded(cls, dynamic, "callback"))
        for cls in _ours(IdForm):  # forms answered from their custom id, inherited or not
            monkeypatch.setattr(cls, "answer", _recorded(cls, reached["modals"], "answer"))
        session = Session(sandbox, 100, TOUR.parent)
        failure = await session.run(ScriptLines("the script", lines))
        expected_commands = _leaf_commands(sandbox.bot.tree)
        forms = {
            c.__name__
            for c in _ours(discord.ui.Modal) | _ours(IdForm)
            if c.__module__.startswith("cogs.")
        }
        buttons = {
            c.__name__ for c in _ours(discord.ui.DynamicItem) if c.__module__.startswith("cogs.")
        }
        decorated = {
            (cls.__name__, name)
            for cls in _ours(discord.ui.View)
            for name in getattr(cls, "__view_children_items__", {})
        }
    out = capsys.readouterr().out
    assert failure is None, failure + out[-3000:]
    assert "not supported" not in out.lower()
    assert "Traceback" not in out
    assert len(forms) >= 9 and len(buttons) >= 14  # the bot's own, found
    for missing in (
        expected_commands - commands,
        forms - reached["modals"],
        buttons - dynamic,
        (decorated | reached["shown"]) - reached["items"],
    ):
        assert not missing, f"the sandbox session did not reach {sorted(missing)}"


def _recorded(cls: type, names: set[str], method: str) -> Any:
    original = getattr(cls, method)

    async def recording(self: Any, *args: Any) -> Any:
        names.add(cls.__name__)
        return await original(self, *args)

    return recording
