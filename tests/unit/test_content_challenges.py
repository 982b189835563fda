"""Tests for the built-in challenge bank: the real data file and the validators guarding it."""

import copy
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.content.base import ContentError
from bot.content.challenges import (
    Challenge,
    ChallengeBank,
    Constraints,
    Difficulty,
    load_challenges,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BANK_FILE = DATA_DIR / "challenges" / "bank.yaml"

# Written out here rather than imported, so a change to the module's list is caught.
SKILLS = (
    "music-theory",
    "daw-operation",
    "recording",
    "editing-comping",
    "mixing-basics",
    "sound-design",
    "mastering",
    "live-tracking",
    "licensing-copyright",
    "workflow-automation",
    "communication",
    "scheduling-budgeting",
    "networking",
    "problem-solving",
    "adaptability",
)
AUDIO_SKILLS = (
    "mixing-basics",
    "sound-design",
    "music-theory",
    "recording",
    "editing-comping",
    "mastering",
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Raw = dict[str, Any]


@pytest.fixture(scope="module")
def bank() -> ChallengeBank:
    return load_challenges(DATA_DIR)


@pytest.fixture(scope="module")
def raw_bank() -> Raw:
    raw = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


# ── the real bank ─────────────────────────────────────────────────────────────


def test_bank_has_enough_challenges(bank: ChallengeBank) -> None:
    assert len(bank.challenges) >= 130


def test_every_skill_has_every_difficulty(bank: ChallengeBank) -> None:
    counts = Counter((c.skill, c.difficulty.value) for c in bank.challenges)
    missing = [
        (skill, difficulty)
        for skill in SKILLS
        for difficulty in ("easy", "medium", "hard")
        if counts[skill, difficulty] == 0
    ]
    assert missing == []


def test_briefs_are_unique(bank: ChallengeBank) -> None:
    briefs = Counter(" ".join(c.brief.casefold().split()) for c in bank.challenges)
    assert [brief for brief, seen in briefs.items() if seen > 1] == []


def test_ids_are_unique_slugs(bank: ChallengeBank) -> None:
    ids = [c.id for c in bank.challenges]
    assert len(ids) == len(set(ids))
    for challenge_id in ids:
        assert SLUG.fullmatch(challenge_id), challenge_id


def test_titles_are_unique(bank: ChallengeBank) -> None:
    titles = [c.title.casefold() for c in bank.challenges]
    assert len(titles) == len(set(titles))


def test_every_skill_is_known_and_covered(bank: ChallengeBank) -> None:
    counts: Counter[str] = Counter(c.skill for c in bank.challenges)
    assert set(counts) == set(SKILLS)
    for skill in SKILLS:
        minimum = 5 if skill in AUDIO_SKILLS else 2
        assert counts[skill] >= minimum, skill


def test_every_difficulty_used_often(bank: ChallengeBank) -> None:
    counts = Counter(c.difficulty for c in bank.challenges)
    for difficulty in ("easy", "medium", "hard"):
        assert counts[Difficulty(difficulty)] >= 12, difficulty


def test_at_least_half_have_constraints(bank: ChallengeBank) -> None:
    constrained = [c for c in bank.challenges if c.constraints is not None]
    assert 2 * len(constrained) >= len(bank.challenges)


def test_fields_within_limits(bank: ChallengeBank) -> None:
    for c in bank.challenges:
        assert 0 < len(c.title) <= 80, c.id
        assert 0 < len(c.brief) <= 700, c.id
        assert 1 <= c.hours_to_submit <= 168, c.id
        if c.constraints is not None:
            limits = c.constraints
            assert any(v is not None for v in limits.model_dump().values()), c.id
            assert limits.tempo_bpm is None or 40 <= limits.tempo_bpm <= 240, c.id
            assert limits.key is None or len(limits.key) <= 20, c.id
            assert limits.length is None or len(limits.length) <= 40, c.id
            assert limits.tools is None or len(limits.tools) <= 120, c.id


def test_briefs_say_what_to_post(bank: ChallengeBank) -> None:
    # Every challenge must end in something members can share in the channel.
    for c in bank.challenges:
        assert "post" in c.brief.lower(), c.id
        assert "strong entry" in c.brief.lower(), c.id


def test_briefs_are_plain_text(bank: ChallengeBank) -> None:
    for c in bank.challenges:
        assert "\n" not in c.brief, c.id
        assert "/" not in c.id, c.id
        assert "http" not in c.brief.lower(), c.id


def test_get_returns_challenge(bank: ChallengeBank) -> None:
    first = bank.challenges[0]
    assert bank.get(first.id) is first
    assert bank.get("eq-only-mix").skill == "mixing-basics"


def test_get_unknown_raises(bank: ChallengeBank) -> None:
    with pytest.raises(ContentError):
        bank.get("no-such-challenge")


def test_for_skill_filters(bank: ChallengeBank) -> None:
    total = 0
    for skill in SKILLS:
        found = bank.for_skill(skill)
        assert found, skill
        assert all(c.skill == skill for c in found)
        total += len(found)
    assert total == len(bank.challenges)


def test_for_skill_unknown_raises(bank: ChallengeBank) -> None:
    with pytest.raises(ContentError):
        bank.for_skill("juggling")


def test_models_are_frozen(bank: ChallengeBank) -> None:
    with pytest.raises(ValidationError):
        bank.challenges[0].title = "changed"  # type: ignore[misc]


def test_hours_default_to_a_day() -> None:
    challenge = Challenge.model_validate(
        {
            "id": "x-test",
            "title": "T",
            "brief": "B",
            "skill": "recording",
            "difficulty": "easy",
        }
    )
    assert challenge.hours_to_submit == 24
    assert challenge.constraints is None


def test_constraints_accept_partial() -> None:
    assert Constraints(key="F minor").tempo_bpm is None


# ── validators, on broken copies of the real file ─────────────────────────────


def _write(tmp_path: Path, raw: object) -> Path:
    folder = tmp_path / "challenges"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bank.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return tmp_path


def _first_with_constraints(raw: Raw) -> Raw:
    return next(c for c in raw["challenges"] if c.get("constraints"))


def _set(field: str, value: object) -> Callable[[Raw], None]:
    def mutate(raw: Raw) -> None:
        raw["challenges"][0][field] = value

    return mutate


def _set_constraint(field: str, value: object) -> Callable[[Raw], None]:
    def mutate(raw: Raw) -> None:
        _first_with_constraints(raw)["constraints"][field] = value

    return mutate


def _duplicate_id(raw: Raw) -> None:
    raw["challenges"][1]["id"] = raw["challenges"][0]["id"]


def _duplicate_title(raw: Raw) -> None:
    raw["challenges"][1]["title"] = raw["challenges"][0]["title"].upper()


def _too_few(raw: Raw) -> None:
    raw["challenges"] = raw["challenges"][:63]


def _drop_field(raw: Raw) -> None:
    del raw["challenges"][0]["brief"]


def _empty_constraints(raw: Raw) -> None:
    _first_with_constraints(raw)["constraints"] = {}


def _starve_skill(skill: str, keep: int) -> Callable[[Raw], None]:
    def mutate(raw: Raw) -> None:
        kept = 0
        survivors = []
        for c in raw["challenges"]:
            if c["skill"] == skill:
                kept += 1
                if kept > keep:
                    continue
            survivors.append(c)
        raw["challenges"] = survivors

    return mutate


def _starve_difficulty(raw: Raw) -> None:
    hard = [c for c in raw["challenges"] if c["difficulty"] == "hard"]
    for c in hard[11:]:
        c["difficulty"] = "medium"


def _strip_constraints(raw: Raw) -> None:
    challenges = raw["challenges"]
    allowed = (len(challenges) - 1) // 2
    seen = 0
    for c in challenges:
        if c.get("constraints"):
            seen += 1
            if seen > allowed:
                del c["constraints"]


MUTATIONS: dict[str, Callable[[Raw], None]] = {
    "duplicate id": _duplicate_id,
    "duplicate title, other case": _duplicate_title,
    "fewer than 64": _too_few,
    "missing brief": _drop_field,
    "unknown skill": _set("skill", "juggling"),
    "unknown difficulty": _set("difficulty", "extreme"),
    "id not a slug": _set("id", "Not A Slug"),
    "id with trailing dash": _set("id", "trailing-"),
    "title too long": _set("title", "x" * 81),
    "blank title": _set("title", "   "),
    "brief too long": _set("brief", "x" * 701),
    "hours zero": _set("hours_to_submit", 0),
    "hours over a week": _set("hours_to_submit", 169),
    "unknown field": _set("points", 10),
    "tempo too slow": _set_constraint("tempo_bpm", 39),
    "tempo too fast": _set_constraint("tempo_bpm", 241),
    "key too long": _set_constraint("key", "x" * 21),
    "length too long": _set_constraint("length", "x" * 41),
    "tools too long": _set_constraint("tools", "x" * 121),
    "unknown constraint": _set_constraint("genre", "house"),
    "empty constraints": _empty_constraints,
    "networking below 2": _starve_skill("networking", 1),
    "mastering below 5": _starve_skill("mastering", 4),
    "sound-design below 5": _starve_skill("sound-design", 4),
    "hard used 11 times": _starve_difficulty,
    "constraints under half": _strip_constraints,
}


def test_unmodified_copy_loads(tmp_path: Path, raw_bank: Raw) -> None:
    # Control: the round trip itself must not be what makes the broken copies fail.
    bank = load_challenges(_write(tmp_path, copy.deepcopy(raw_bank)))
    assert len(bank.challenges) == len(raw_bank["challenges"])


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_broken_copy_is_rejected(tmp_path: Path, raw_bank: Raw, name: str) -> None:
    raw = copy.deepcopy(raw_bank)
    MUTATIONS[name](raw)
    assert raw != raw_bank, "mutation changed nothing"
    with pytest.raises(ContentError):
        load_challenges(_write(tmp_path, raw))


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ContentError):
        load_challenges(tmp_path)


def test_malformed_yaml_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "challenges"
    folder.mkdir()
    (folder / "bank.yaml").write_text("challenges: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        load_challenges(tmp_path)


def test_top_level_list_is_rejected(tmp_path: Path, raw_bank: Raw) -> None:
    with pytest.raises(ContentError):
        load_challenges(_write(tmp_path, raw_bank["challenges"]))
