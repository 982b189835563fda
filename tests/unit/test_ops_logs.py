"""LOG_FORMAT=json: one object a line, with the interaction's fields where known."""

import json
import logging
import sys

from bot.logs import VOICE_WARNINGS, JsonFormatter, configure_logging


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("bot.ui.errors", logging.ERROR, __file__, 1, msg, args, None)
    made.__dict__.update(extra)
    return made


def test_a_line_has_time_level_logger_message_and_named_arguments() -> None:
    line = JsonFormatter().format(
        record("unexpected error ref=%s %s", "ab12cd34", "guild=1 user=2 command='x'")
    )
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR" and parsed["logger"] == "bot.ui.errors"
    assert parsed["message"] == "unexpected error ref=ab12cd34 guild=1 user=2 command='x'"
    assert parsed["reference"] == "ab12cd34"
    assert parsed["time"].endswith("+00:00")


def test_extra_fields_are_kept_and_a_traceback_stays_on_one_line() -> None:
    try:
        raise ValueError("the amp caught fire")
    except ValueError:
        failed = record("%d%% done, guild_id=%s", 50, 7, member=42, command="quiz start")
        failed.exc_info = sys.exc_info()
    line = JsonFormatter().format(failed)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "50% done, guild_id=7"
    assert (parsed["guild"], parsed["member"], parsed["command"]) == (7, 42, "quiz start")
    assert "ValueError: the amp caught fire" in parsed["exception"]


def test_voice_warnings_are_silenced_and_others_are_not(capsys: object) -> None:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    try:
        configure_logging("INFO", "json")
        client = logging.getLogger("discord.client")
        for warning in VOICE_WARNINGS:
            client.warning("%s, voice will NOT be supported", warning)
        client.warning("something else")
        [handler] = root.handlers
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert [json.loads(line)["message"] for line in err.splitlines()] == ["something else"]
