"""Bulk import of quiz questions or tips from a CSV or YAML file: each row read, then checked
by the services' own rules, so the preview shows per-row errors before anything is saved."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from bot.errors import DomainError, InvalidInput

QUESTION_COLUMNS = (
    "topic",
    "difficulty",
    "prompt",
    "correct",
    "wrong1",
    "wrong2",
    "wrong3",
    "explanation",
)
TIP_COLUMNS = ("topic", "level", "text")
MAX_ROWS = 200


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    fields: dict[str, str]
    error: str | None


def wrong_answers(fields: dict[str, str]) -> str:
    """The three wrong answers, one per line, as the question bank takes them."""
    return "\n".join(fields.get(f"wrong{n}", "") for n in (1, 2, 3))


def _records(text: str, filename: str, columns: tuple[str, ...]) -> list[dict[str, object]]:
    if filename.lower().endswith((".yaml", ".yml")):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise InvalidInput(f"The YAML file cannot be read: {error}") from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise InvalidInput("The YAML file must be a list of entries (mappings).")
        return data
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        names = ", ".join(missing)
        raise InvalidInput(f"The CSV's first line must name the columns; missing: {names}.")
    return list(reader)


def _fields(record: dict[str, object], columns: tuple[str, ...]) -> dict[str, str]:
    fields = {key: str(record.get(key) or "").strip() for key in columns}
    wrong = record.get("wrong")
    if isinstance(wrong, list):
        for n, answer in enumerate(wrong[:3], start=1):
            fields[f"wrong{n}"] = str(answer).strip()
    return fields


def read_rows(
    text: str,
    filename: str,
    columns: tuple[str, ...],
    check: Callable[[dict[str, str]], object],
) -> list[Row]:
    """Every row of the file, each with ``check``'s complaint about it (None: it can be
    saved). ``InvalidInput`` when the file as a whole cannot be read."""
    records = _records(text, filename, columns)
    if len(records) > MAX_ROWS:
        raise InvalidInput(f"Import at most {MAX_ROWS} rows at a time.")
    rows = []
    for number, record in enumerate(records, start=1):
        fields = _fields(record, columns)
        try:
            check(fields)
        except DomainError as error:
            rows.append(Row(number, fields, str(error)))
        else:
            rows.append(Row(number, fields, None))
    return rows
