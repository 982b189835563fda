"""Logging set-up: text for people, or one JSON object a line for log collectors.

A JSON line has ``time``, ``level``, ``logger`` and ``message``, then whatever is known of
the interaction at hand: ``guild``, ``member``, ``command``, ``component`` and
``reference``. They come from three places: ``extra=`` fields of the log call; ``name=%s``
in the message of the call (``"unexpected error ref=%s"`` gives ``reference``); and the
interaction the error reporter is answering in this task (``interaction_failed``).
"""

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import discord

FIELDS = ("guild", "member", "command", "component", "reference")
"""The interaction fields a JSON line may carry, in this order."""
_RENAMED = {"ref": "reference", "user": "member", "guild_id": "guild"}

_interaction: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "interaction_fields", default=None
)
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")
_NAMED = re.compile(r"(\w+)=$")

VOICE_WARNINGS = ("PyNaCl is not installed", "davey is not installed")
"""discord.py warns at start that voice is unsupported; this bot never joins voice."""


def interaction_fields(interaction: discord.Interaction) -> dict[str, object]:
    """Guild, member, command and component of ``interaction``, for a log line."""
    data: dict[str, object] = dict(interaction.data or {})
    return {
        "guild": interaction.guild_id,
        "member": interaction.user.id,
        "command": interaction.command.qualified_name if interaction.command else None,
        "component": data.get("custom_id"),
    }


def interaction_failed(interaction: discord.Interaction, *, refused: bool) -> None:
    """Called by the error reporter before it logs: the rest of this task's log lines carry
    the interaction's fields, and listeners of ``interaction_failed`` (the metrics) hear of
    it, ``refused`` (the member's mistake) or not (a fault of ours)."""
    _interaction.set(interaction_fields(interaction))
    interaction.client.dispatch("interaction_failed", interaction, refused)


def _named_arguments(record: logging.LogRecord) -> dict[str, object]:
    """``name=%s`` in the message template: the argument it stands for, by name."""
    if not isinstance(record.msg, str) or not isinstance(record.args, tuple):
        return {}
    found: dict[str, object] = {}
    index = 0
    for placeholder in _PLACEHOLDER.finditer(record.msg):
        if placeholder[0] == "%%":
            continue
        named = _NAMED.search(record.msg, 0, placeholder.start())
        if named is not None and index < len(record.args):
            found[_RENAMED.get(named[1], named[1])] = record.args[index]
        index += 1
    return {key: value for key, value in found.items() if key in FIELDS}


class JsonFormatter(logging.Formatter):
    """One JSON object a line; a traceback goes in ``exception``, never over several lines."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        known = {**(_interaction.get() or {}), **_named_arguments(record)}
        known.update({key: getattr(record, key) for key in FIELDS if hasattr(record, key)})
        line.update({key: known[key] for key in FIELDS if known.get(key) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class _NoVoiceWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == "discord.client" and record.getMessage().startswith(VOICE_WARNINGS)
        )


def configure_logging(level: str, log_format: str) -> None:
    """Log to stderr at ``level``, as text or JSON; Alembic only says what goes wrong."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(_NoVoiceWarnings())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
