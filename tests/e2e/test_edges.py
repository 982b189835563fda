"""Input a real client can send that once crashed a command: time zones shaped like folders
or too long, numbers in other scripts' digits. Each gets a friendly answer and no ERROR log."""

import logging

import pytest
from sqlalchemy import func, select

from bot.client import ProducerBot
from bot.models.community import Report
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, eventually

APOLOGY = "Sorry, something went wrong"
BAD_ZONES = ["America", "Europe", "Asia", "US", "Etc", "😀" * 64, "A" * 300, "../etc"]


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors


async def test_a_time_zone_that_is_a_folder_or_too_long_is_refused_kindly(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = next(iter(server.guild.channels.values()))
    panel = await discord.slash("profile edit", member=server.alice)
    for zone in BAD_ZONES:
        with caplog.at_level(logging.INFO):
            settings = await discord.slash("settings timezone", member=server.moderator, zone=zone)
            setup = await discord.slash(
                "challenge setup",
                member=server.moderator,
                channel=channel,
                time="09:00",
                timezone=zone,
            )
            form = await discord.click(panel.message, "About you", member=server.alice)
            profile = await discord.submit(form, {"Time zone": zone}, member=server.alice)
        for reply in (settings, setup, profile):
            assert reply.ephemeral and "is not a time zone I know" in reply.text, reply.text
            assert APOLOGY not in reply.text
    no_errors(caplog)


async def test_a_time_zone_in_any_letter_case_is_accepted(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    reply = await discord.slash(
        "settings timezone", member=server.moderator, zone="america/los_angeles"
    )
    assert "Time zone set to **America/Los_Angeles**" in reply.text


async def test_a_tip_id_or_the_hours_in_other_digits_or_out_of_range_are_refused(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        for tip in ("g²", "g٣", "g99999999999999999999999", "g-1"):
            reply = await discord.slash("career tips remove", member=server.moderator, tip=tip)
            assert reply.ephemeral and APOLOGY not in reply.text, reply.text
        for hours in ("²", "٣", "99999999999999999999999"):
            form = await discord.slash("challenge add", member=server.moderator)
            reply = await discord.submit(
                form,
                {
                    "Title": "Eight-bar hook",
                    "Brief": "Write an eight-bar vocal hook over four chords.",
                    "Skill it trains": ["music-theory"],
                    "Difficulty": ["easy"],
                    "Hours to submit (1 to 168)": hours,
                },
                member=server.moderator,
            )
            assert "The deadline is a number of hours from 1 to 168" in reply.text, reply.text
    no_errors(caplog)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 3.5), (500, 0.0), (403, 0.0)])
async def test_a_report_is_answered_at_once_and_stored_once_when_mod_log_is_slow_or_failing(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    status: int,
    retry_after: float,
) -> None:
    log = discord.add_channel(server.guild, "mod-log")
    await discord.slash("settings channel", member=server.moderator, feature="mod-log", channel=log)
    times = 1 if status == 429 else 5  # one slow rate limit, or a channel that keeps failing
    discord.inject_fault(
        "POST", f"/channels/{log.id}/messages", status, retry_after=retry_after, times=times
    )
    reply = await discord.slash(
        "report",
        member=server.alice,
        options={"member": server.bob, "reason": "Spamming links in every channel"},
        timeout=2.5,
    )
    assert reply.ephemeral and "Your report went to the moderators" in reply.text
    async with bot.database.read() as session:
        stored = await session.scalar(select(func.count()).select_from(Report))
    assert stored == 1
    if status == 429:
        await eventually(lambda: discord.channel_messages(log), "the report reached mod-log")
        assert len(discord.channel_messages(log)) == 1


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff\x00"])
async def test_nul_and_lone_surrogates_in_member_text_behave_alike_on_every_database(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    caplog: pytest.LogCaptureFixture,
    bad: str,
) -> None:
    panel = await discord.slash("profile edit", member=server.alice)
    form = await discord.click(panel.message, "About you", member=server.alice)
    with caplog.at_level(logging.INFO):
        saved = await discord.submit(
            form,
            {"What you do": ["beatmaker"], "Short bio": f"Dusty{bad}drums", "Time zone": ""},
            member=server.alice,
        )
        shown = await discord.slash("profile view", member=server.alice)
    assert APOLOGY not in saved.text and "Beatmaker" in saved.text
    assert "Dusty" in shown.text and "drums" in shown.text and "\x00" not in shown.text
    no_errors(caplog)


FORMS: list[tuple[str, dict[str, object], dict[str, object]]] = [
    (
        "career tips add",
        {"topic": "networking", "level": "beginner"},
        {"The tip": "Bring two finished loops to every meetup."},
    ),
    (
        "quiz add",
        {"topic": "effects", "difficulty": "easy"},
        {
            "Question": "Which effect adds echoes?",
            "Correct answer": "Delay",
            "Three wrong answers, one per line": "Gate\nLimiter\nDe-esser",
            "Why the answer is right": "A delay repeats the sound after a set time.",
        },
    ),
    (
        "challenge add",
        {},
        {
            "Title": "Eight-bar hook",
            "Brief": "Write an eight-bar vocal hook over four chords.",
            "Skill it trains": ["music-theory"],
            "Difficulty": ["easy"],
            "Hours to submit (1 to 168)": "36",
        },
    ),
]


@pytest.mark.parametrize(("command", "options", "answers"), FORMS)
async def test_a_moderator_form_is_checked_again_when_it_is_sent(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    command: str,
    options: dict[str, object],
    answers: dict[str, object],
) -> None:
    form = await discord.slash(command, member=server.moderator, options=options)
    assert form.modal
    mods = next(r for r in server.guild.roles.values() if r.name == "Mods")
    server.moderator.role_ids.remove(mods.id)  # the role is taken away while the form is open
    refused = await discord.submit(form, answers, member=server.moderator)
    assert "Only moderators" in refused.text, refused.text
