"""An operator's mistakes in content files and configuration end the command with one or two
lines that name the problem and its fix, exit code 1, no traceback and no restart loop."""

import shutil
from pathlib import Path

import pytest

from tests.e2e.helpers import REPO, cli

CORRUPTIONS = {
    "binary garbage": bytes(range(256)) * 8,
    "deep nesting": b"a: " + b"[" * 100_000,
    "deep mappings": b"a: " + b"{b: " * 5_000 + b"}" * 5_000,
    "not a mapping": b"- just\n- a list\n",
    "bad YAML": b"tips: [unclosed\n  - x: :\n",
}


def short_and_clean(err: str) -> None:
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 2, err


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
async def test_a_corrupt_content_file_is_named_in_one_line(tmp_path: Path, corruption: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "career" / "tips.yaml").write_bytes(CORRUPTIONS[corruption])

    code, out, err = await cli(tmp_path, "check", DATA_DIR=str(data))
    assert code == 1
    [line] = [row for row in out.splitlines() if row.startswith("content")]
    assert "tips.yaml" in line and "FAIL" in line and len(line) < 300, line
    short_and_clean(err)

    code, out, err = await cli(tmp_path, "run", DATA_DIR=str(data), DISCORD_TOKEN="token")
    assert code == 1, "a content problem must end run, not restart it"
    assert "tips.yaml" in err and "restarting" not in err, err
    short_and_clean(err)


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("postgres://bot:secret@db/bot", "postgresql+asyncpg://bot:***@db/bot"),
        ("postgresql://bot:secret@db/bot", "postgresql+asyncpg://bot:***@db/bot"),
        ("postgresql+psycopg2://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
        ("sqlite:///bot.sqlite3", "sqlite+aiosqlite:///bot.sqlite3"),
        ("mysql://bot@db/bot", "postgresql+asyncpg://"),
        ("not a url at all", "sqlite+aiosqlite:///"),
    ],
)
async def test_a_database_url_without_an_async_driver_says_how_to_write_it(
    tmp_path: Path, url: str, fix: str
) -> None:
    code, out, err = await cli(tmp_path, "run", DATABASE_URL=url, DISCORD_TOKEN="token")
    assert code == 1 and out == ""
    assert err.startswith("Invalid configuration: DATABASE_URL:") and fix in err, err
    assert "secret" not in err
    short_and_clean(err)
