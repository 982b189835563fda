"""Bulk import of quiz questions from a CSV or YAML file: each row read, then checked by the
question bank's own rules, so the preview shows per-row errors before anything is saved."""

import csv
import io
from dataclasses import dataclass

import yaml

from bot.errors import DomainError
from bot.services.quiz.bank import QuestionBank

COLUMNS = ("topic", "difficulty", "prompt", "correct", "wrong1", "wrong2", "wrong3", "explanation")
MAX_ROWS = 200


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    fields: dict[str, str]
    error: str | None

    @property
    def wrong(self) -> str:
        return "\n".join(self.fields.get(f"wrong{n}", "") for n in (1, 2, 3))


class UnreadableFile(DomainError):
    """The file as a whole cannot be read."""


def _records(text: str, filename: str) -> list[dict[str, object]]:
    if filename.lower().endswith((".yaml", ".yml")):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise UnreadableFile(f"The YAML file cannot be read: {error}") from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise UnreadableFile("The YAML file must be a list of questions (mappings).")
        return data
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise UnreadableFile(
            f"The CSV's first line must name the columns; missing: {', '.join(missing)}."
        )
    return list(reader)


def _fields(record: dict[str, object]) -> dict[str, str]:
    fields = {key: str(record.get(key) or "").strip() for key in COLUMNS}
    wrong = record.get("wrong")
    if isinstance(wrong, list):
        for n, answer in enumerate(wrong[:3], start=1):
            fields[f"wrong{n}"] = str(answer).strip()
    return fields


def read_questions(bank: QuestionBank, text: str, filename: str) -> list[Row]:
    """Every row of the file, each with the bank's complaint about it (None: it can be saved)."""
    records = _records(text, filename)
    if len(records) > MAX_ROWS:
        raise UnreadableFile(f"Import at most {MAX_ROWS} questions at a time.")
    rows = []
    for number, record in enumerate(records, start=1):
        fields = _fields(record)
        row = Row(number, fields, None)
        try:
            bank.check(
                fields["topic"],
                fields["difficulty"],
                fields["prompt"],
                fields["correct"],
                row.wrong,
                fields["explanation"],
            )
        except DomainError as error:
            row = Row(number, fields, str(error))
        rows.append(row)
    return rows
