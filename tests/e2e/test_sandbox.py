"""``python -m bot sandbox`` as a person uses it: typed into a pseudo-terminal, or run
with the shipped tour script, and read off the screen."""

import signal
import subprocess
import sys
from pathlib import Path

import pexpect

from bot.tryit.render import Controls, Renderer
from loopback.server import LoopbackDiscord
from loopback.world import Attachment, Message
from tests.e2e.helpers import REPO, environment

TOUR = REPO / "bot" / "tryit" / "tour.txt"
ALICE = "alice@Beat Lab #general> "
MONA = "mona@Beat Lab #general> "
BOB = "bob@Beat Lab #general> "
MEMBERS = "Members: olivia (owner), mona (moderator), alice, bob, chen, dara"


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment whose temporary folder (the sandbox's files) is ``tmp_path``."""
    return environment(tmp_path, TMPDIR=str(tmp_path), TERM="dumb")


def spawn(tmp_path: Path) -> pexpect.spawn:
    terminal = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "sandbox"],
        cwd=str(tmp_path),
        env=sandbox_env(tmp_path),
        encoding="utf-8",
        dimensions=(50, 100),
        timeout=30,
    )
    # On close, the sandbox may still be starting its audio worker: give it time to go.
    terminal.delayafterterminate = 1.0
    terminal.expect_exact(ALICE)
    return terminal


def type_line(terminal: pexpect.spawn, line: str, prompt: str = ALICE) -> str:
    """Type ``line`` and Enter; what the screen shows until the next prompt."""
    terminal.send(line + "\r")
    terminal.expect_exact(prompt)
    return str(terminal.before)


def run_script(tmp_path: Path, script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
        cwd=tmp_path,
        env=sandbox_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_renders_framed_pages_with_numbered_buttons(tmp_path: Path) -> None:
    terminal = spawn(tmp_path)
    banner = str(terminal.before)
    assert MEMBERS in banner
    assert f"Files: {tmp_path}" in banner

    screen = type_line(terminal, "/help")
    assert "◆ producer-bot · only you can see this" in screen
    assert "╭─ Producer bot: help ─" in screen
    assert "│ /settings" in screen
    assert "│ Page 1 of " in screen
    assert "╰───" in screen
    assert "[1] ◀️ Previous (disabled)  [2] ▶️ Next" in screen

    screen = type_line(terminal, "click 2")
    assert "updated the message" in screen
    assert "│ Page 2 of " in screen
    assert "[1] ◀️ Previous  [2] ▶️ Next" in screen

    screen = type_line(terminal, "click 1")
    assert "│ Page 1 of " in screen
    assert "The button 'Previous' is disabled." in type_line(terminal, "click 1")
    assert "Give a button number from 1 to 2." in type_line(terminal, "click 9")

    terminal.send("quit\r")
    terminal.expect(pexpect.EOF)
    terminal.close()
    assert terminal.exitstatus == 0


def test_acting_as_the_moderator_and_moving_the_clock(tmp_path: Path) -> None:
    terminal = spawn(tmp_path)
    refused = type_line(terminal, "/settings timezone zone:Europe/Berlin")
    assert "only you can see this" in refused
    assert "Only moderators can do that" in refused

    assert f"No member called 'zed'. {MEMBERS}." in type_line(terminal, "as zed")
    assert "You are now mona." in type_line(terminal, "as mona", MONA)

    assert "Time zone set to Europe/Berlin." in type_line(
        terminal, "/settings timezone zone:Europe/Berlin", MONA
    )
    screen = type_line(terminal, "/settings show", MONA)
    assert "╭─ Server settings ─" in screen
    assert "│   Europe/Berlin" in screen
    assert "│   #suggestions" in screen

    screen = type_line(terminal, "clock 2099-12-24 19:00", MONA)
    assert "Clock: Thu 2099-12-24 19:00 Europe/Berlin (18:00 UTC)" in screen
    assert "Nothing was due" in screen
    assert "The clock only moves forward" in type_line(terminal, "clock 2000-01-01", MONA)
    assert "Clock: Fri 2099-12-25 22:30" in type_line(terminal, "clock +1d3h30m", MONA)

    terminal.sendeof()
    terminal.expect(pexpect.EOF)
    terminal.close()
    assert terminal.exitstatus == 0


def test_a_suggestion_through_the_form_and_the_channel(tmp_path: Path) -> None:
    terminal = spawn(tmp_path)
    screen = type_line(terminal, "/suggest")
    assert "╭─ Form: Suggest something ─" in screen
    assert "1. Title (required, up to 100 characters)" in screen
    bob = "bob@Beat Lab #general> "
    type_line(terminal, "as bob", bob)
    assert "! No form is open" in type_line(terminal, "fill", bob)  # the form was alice's
    type_line(terminal, "as alice")
    type_line(terminal, "/suggest")

    terminal.send("fill\r")
    terminal.expect_exact("  Title: ")
    terminal.send("Weekly mix night\r")
    terminal.expect_exact("  Your idea: ")
    screen = type_line(terminal, "Every Friday, bounce and notes.")
    assert "Thanks! Your suggestion Weekly mix night is with the moderators." in screen
    assert "→ The bot posted 1 message in #suggestions: `read #suggestions`" in screen

    screen = type_line(terminal, "read #suggestions")
    assert "#suggestions: 1 message" in screen
    assert "💡 New suggestion from @alice: Weekly mix night" in screen
    assert "│ Every Friday, bounce and notes." in screen
    assert "[1] Mark handled" in screen
    assert "only you can see this" not in screen

    type_line(terminal, "as mona", MONA)
    screen = type_line(terminal, "click 1", MONA)
    assert "Suggestion #1 · handled" in screen
    assert "[1] Handled by Mona (disabled)" in screen
    assert "Direct messages to alice: none yet" in type_line(terminal, "dms alice", MONA)
    terminal.close(force=True)


def test_mistakes_get_one_friendly_line(tmp_path: Path) -> None:
    terminal = spawn(tmp_path)
    mistakes = {
        "/nothing": "! There is no command /nothing. Commands: ",
        "/settings": "! /settings needs one of: show, timezone, modrole, channel.",
        "/settings bogus": "! /settings has no 'bogus'; it has: show, timezone, modrole,",
        "/settings timezone": "! /settings timezone needs zone:…",
        "/settings timezone zone:UTC colour:red": "'colour:red' is not an option (options: zone:)",
        '/help command:"settings': '! A double quote (") is not closed.',
        "/settings channel feature:nope": "! feature: must be one of suggestions",
        "/settings channel feature:suggestions channel:#nowhere": "no channel '#nowhere'",
        "/settings modrole role:@Nobody": "Roles: @everyone, @Moderators, @Members.",
        "/settings timezone zone:": "! zone: needs a value after the colon.",
        "dance": "! 'dance' is not a command: type a slash command such as /help, or `help`.",
        "read #nowhere": "! No channel '#nowhere'. Channels: #general #challenges",
        "clock soon": "! Give a time like 2026-12-24 19:00",
        "select 1 a": "! No select menu is shown: run a command that shows one first.",
    }
    for line, message in mistakes.items():
        screen = type_line(terminal, line)
        assert message in screen, (line, screen)
        assert "Traceback" not in screen
    assert "click N" in type_line(terminal, "help")
    terminal.close(force=True)


def test_tab_completes_commands_options_and_choices(tmp_path: Path) -> None:
    terminal = spawn(tmp_path)
    assert "You are now mona." in type_line(terminal, "as mo\t", MONA)
    # /settings timezone: the command, the subcommand, then the bot's autocomplete.
    screen = type_line(terminal, "/sett\ttim\tzone:Europe/Ber\t", MONA)
    assert "Time zone set to Europe/Berlin." in screen
    # An option name, a choice value and a channel.
    screen = type_line(terminal, "/settings channel fea\tsug\tchan\t#sugg\t", MONA)
    assert "suggestions will post in #suggestions." in screen
    terminal.close(force=True)


def test_ctrl_c_ends_the_session_and_gives_the_terminal_back(tmp_path: Path) -> None:
    command = f"trap true INT; {sys.executable} -m bot sandbox; echo exit=$?; stty -a"
    terminal = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        cwd=str(tmp_path),
        env=sandbox_env(tmp_path),
        encoding="utf-8",
        timeout=30,
        # A terminal's shell takes Ctrl-C, even when the tests run where it is ignored (a
        # job started in the background of a shell without job control).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    terminal.expect_exact(ALICE)
    terminal.send("/hel")
    terminal.expect_exact("/hel")  # readline has the half-typed line
    terminal.sendintr()
    terminal.expect(r"exit=(\d+)")
    assert terminal.match[1] == "130"
    terminal.expect(pexpect.EOF)
    settings = str(terminal.before).split()
    assert "icanon" in settings
    assert "echo" in settings


def test_the_tour_runs_as_a_script_and_prints_the_transcript(tmp_path: Path) -> None:
    result = run_script(tmp_path, TOUR)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "Traceback" not in out
    for expected in (
        f"{ALICE}/help",
        "╭─ Producer bot: help ─",
        f"{ALICE}click 2",
        "│ Page 2 of ",
        "Only moderators can do that",
        f"{ALICE}as mona",
        f"{MONA}/settings timezone zone:Europe/Berlin",
        "Time zone set to Europe/Berlin.",
        "╭─ Form: Suggest something ─",
        "  Title: Weekly mix-feedback night",
        "→ The bot posted 1 message in #suggestions",
        "💡 New suggestion from @alice: Weekly mix-feedback night",
        "[1] Handled by Mona (disabled)",
        "  Skills you have (pick 0 to 15): DAW operation, mixing",
        "Role @Engineers made.",
        "can now take @Engineers.",
        "Live quiz · Question 1 of 1",
        f"{BOB}clock +31s",
        "Live quiz: final podium",
        "🎧 Entry by @alice",
        "📎 take.wav (4 KB) saved to ",
        "Vote counted: this take has 1 vote.",
        "  How requests reach you (pick 0 to 1): thread",
        "→ The bot posted 1 message in #Mentoring request",
        "You accepted. Say hello in #Mentoring!",
        "@mona meet your mentee @alice!",
        "Try next:",
    ):
        assert expected in out, expected
    assert "# A short tour of the producer bot" in out
    assert "not supported" not in out
    assert list(tmp_path.glob("producer-bot-sandbox-*")) == []  # cleaned up after itself


def test_a_failing_script_line_stops_the_script_with_one_line(tmp_path: Path) -> None:
    script = tmp_path / "broken.txt"
    script.write_text("/help\nas zed\n/help\n", encoding="utf-8")
    result = run_script(tmp_path, script)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"The script stopped at {script} line 2: No member called 'zed'. {MEMBERS}."
    )
    assert result.stdout.count(f"{ALICE}/help") == 1

    missing = run_script(tmp_path, tmp_path / "missing.txt")
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("Cannot read the script")


async def test_attachments_are_saved_and_their_path_shown(tmp_path: Path) -> None:
    discord = LoopbackDiscord()
    picture = Attachment(1, "skills.png", "image/png", b"\x89PNG picture", "http://x/skills.png")
    again = Attachment(2, "skills.png", "image/png", b"another", "http://x/2/skills.png")
    message = Message(
        3,
        4,
        None,
        discord.bot_user,
        content="Your **skill map** <t:1800000000:f>",
        embeds=[{"title": "Skills", "image": {"url": "attachment://skills.png"}}],
        attachments=[picture, again],
    )
    renderer = Renderer(discord, 60, tmp_path / "attachments")
    await renderer.save_attachments([message])
    lines = renderer.message(message, Controls())
    assert lines[1] == "Your skill map 2027-01-15 08:00 UTC"
    assert "│ [image: skills.png]" in "\n".join(lines)
    first, second = (
        tmp_path / "attachments" / "skills.png",
        tmp_path / "attachments" / "skills-2.png",
    )
    assert f"📎 skills.png (12 bytes) saved to {first}" in lines
    assert f"📎 skills.png (7 bytes) saved to {second}" in lines
    assert first.read_bytes() == b"\x89PNG picture"
    assert second.read_bytes() == b"another"
