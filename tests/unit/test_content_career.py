"""Tests for the career content files and their schema."""

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.base import ContentError
from bot.content.career import (
    GEAR_CATEGORY_IDS,
    PATH_IDS,
    REQUIRED_TOPIC_IDS,
    CareerContent,
    Level,
    load_career,
)
from bot.content.skills import SKILL_IDS, Tier
from bot.ui.text import member_text

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

Data = dict[str, Any]


@pytest.fixture(scope="module")
def content() -> CareerContent:
    return load_career(DATA_DIR)


# --- the real files -----------------------------------------------------------


def test_skills_are_exactly_the_fifteen_in_their_tiers(content: CareerContent) -> None:
    assert len(content.skills) == 15
    for tier, ids in SKILL_IDS.items():
        assert [s.id for s in content.skills_in(tier)] == list(ids)
    assert content.skill("mastering").tier is Tier.ADVANCED
    assert content.skill("music-theory").tier is Tier.FOUNDATIONAL
    assert content.skill("adaptability").tier is Tier.PROFESSIONAL


def test_paths_routes_and_next_careers(content: CareerContent) -> None:
    assert {p.id: p.kind for p in content.paths} == PATH_IDS
    assert len(content.paths_of("route")) == 9
    assert {p.id for p in content.paths_of("next-career")} == {
        "artist-management",
        "booking",
        "label-management",
    }
    skill_ids = {s.id for s in content.skills}
    for path in content.paths:
        assert 3 <= len(path.steps) <= 6
        assert 2 <= len(path.upsides) <= 4
        assert 2 <= len(path.downsides) <= 4
        assert set(path.skills) <= skill_ids


def test_tip_counts_and_spread(content: CareerContent) -> None:
    assert {t.id for t in content.topics} >= set(REQUIRED_TOPIC_IDS)
    assert len(content.tips) >= 90
    assert len({t.id for t in content.tips}) == len(content.tips)
    for topic in content.topics:
        tips = content.tips_for(topic.id)
        assert len(tips) >= 7, topic.id
        assert len({t.level for t in tips}) >= 2, topic.id
    per_level = Counter(t.level for t in content.tips)
    for level in Level:
        assert per_level[level] >= 15, level


def test_tip_bank_covers_every_topic_at_every_level(content: CareerContent) -> None:
    assert len(content.tips) >= 160
    thin = [
        (topic.id, level.value)
        for topic in content.topics
        for level in Level
        if len(content.tips_for(topic.id, level)) < 4
    ]
    assert thin == []


def test_tip_texts_are_unique(content: CareerContent) -> None:
    texts = Counter(" ".join(t.text.casefold().split()) for t in content.tips)
    assert [text for text, seen in texts.items() if seen > 1] == []


def test_tips_are_shown_as_written(content: CareerContent) -> None:
    """Only servers' own tips are made inert; the bot's must need nothing."""
    assert [tip.id for tip in content.tips if member_text(tip.text) != tip.text] == []


def test_gear_and_portfolio(content: CareerContent) -> None:
    assert [c.id for c in content.gear] == list(GEAR_CATEGORY_IDS)
    for category in content.gear:
        assert 3 <= len(category.items) <= 8
    assert content.gear_category("daws").items[0].name
    assert 5 <= len(content.portfolio.sections) <= 7


def test_everything_fits_discord_limits(content: CareerContent) -> None:
    for path in content.paths:
        assert len(path.name) <= 100
        assert len(path.summary) <= 100
        assert len(path.overview) <= 4096
        assert len("\n".join(path.steps)) <= 1024
        assert len("\n".join(path.upsides)) <= 1024
        assert len("\n".join(path.downsides)) <= 1024
    for category in content.gear:
        assert len("\n".join(f"{i.name}: {i.note}" for i in category.items)) <= 4096
    assert all(len(t.text) <= 500 for t in content.tips)
    assert all(len(s.body) <= 1024 for s in content.portfolio.sections)


def test_path_overview_lists_fit_one_field_each(content: CareerContent) -> None:
    """``/career paths`` lists each kind in one embed field, whole, in the select's 25 options."""
    assert len(content.paths) <= 25
    for kind in ("route", "next-career"):
        lines = [f"{p.emoji} **{p.name}**: {p.summary}" for p in content.paths_of(kind)]
        assert len("\n".join(lines)) <= 1024, kind


def test_freelance_and_combined_routes(content: CareerContent) -> None:
    freelance = content.path("freelance")
    assert freelance.kind == "route"
    assert {"networking", "scheduling-budgeting"} <= set(freelance.skills)
    combined = content.path("study-and-work")
    assert combined.kind == "route"
    assert "course" in combined.summary and "interning" in combined.summary


def test_lookups(content: CareerContent) -> None:
    assert content.path("a-and-r").name
    assert content.topic("wellbeing").emoji
    assert content.tips_for() == content.tips
    beginner_networking = content.tips_for("networking", Level.BEGINNER)
    assert beginner_networking
    assert all(t.topic == "networking" and t.level is Level.BEGINNER for t in beginner_networking)
    advanced = content.tips_for(level=Level.ADVANCED)
    assert advanced
    assert all(t.level is Level.ADVANCED for t in advanced)
    for lookup in (content.skill, content.path, content.topic, content.gear_category):
        with pytest.raises(KeyError):
            lookup("no-such-id")
    with pytest.raises(KeyError):
        content.tips_for("no-such-topic")


# --- broken copies are rejected ---------------------------------------------------


def _broken_copy(tmp_path: Path, file: str, mutate: Callable[[Data], None]) -> Path:
    shutil.copytree(DATA_DIR / "career", tmp_path / "career")
    target = tmp_path / "career" / file
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    mutate(data)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return tmp_path


def _set_first(key: str, field: str, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data[key][0][field] = value

    return mutate


def _dup_tip(data: Data) -> None:
    data["tips"][1]["id"] = data["tips"][0]["id"]


def _thin_topic(data: Data) -> None:
    data["tips"] = [
        t for t in data["tips"] if t["topic"] != "wellbeing" or t["id"] <= "wellbeing-06"
    ]


def _one_level_topic(data: Data) -> None:
    for tip in data["tips"]:
        if tip["topic"] == "education":
            tip["level"] = "beginner"


def _no_advanced_tips(data: Data) -> None:
    for tip in data["tips"]:
        if tip["level"] == "advanced":
            tip["level"] = "intermediate"


def _too_few_tips(data: Data) -> None:
    kept: Counter[str] = Counter()
    tips = []
    for tip in data["tips"]:
        if kept[tip["topic"]] < 8:
            kept[tip["topic"]] += 1
            tips.append(tip)
    data["tips"] = tips


def _drop_topic(data: Data) -> None:
    data["topics"] = [t for t in data["topics"] if t["id"] != "industry-trends"]
    data["tips"] = [t for t in data["tips"] if t["topic"] != "industry-trends"]


def _two_gear_items(data: Data) -> None:
    data["categories"][0]["items"] = data["categories"][0]["items"][:2]


def _four_sections(data: Data) -> None:
    data["sections"] = data["sections"][:4]


BROKEN: list[tuple[str, str, Callable[[Data], None], str]] = [
    (
        "paths.yaml",
        "unknown skill",
        _set_first("paths", "skills", ["music-theory", "juggling"]),
        "juggling",
    ),
    ("paths.yaml", "wrong kind", _set_first("paths", "kind", "next-career"), "must be kind"),
    ("paths.yaml", "too few steps", _set_first("paths", "steps", ["a", "b"]), "steps"),
    ("paths.yaml", "long summary", _set_first("paths", "summary", "x" * 101), "summary"),
    ("paths.yaml", "bad emoji", _set_first("paths", "emoji", "ab"), "single emoji"),
    ("paths.yaml", "extra key", _set_first("paths", "salary", "lots"), "salary"),
    ("skills.yaml", "renamed skill", _set_first("skills", "id", "theory"), "missing skill"),
    ("skills.yaml", "wrong tier", _set_first("skills", "tier", "advanced"), "must be tier"),
    ("skills.yaml", "two-line summary", _set_first("skills", "summary", "a\nb"), "summary"),
    ("tips.yaml", "duplicate tip id", _dup_tip, "duplicate tip ids"),
    ("tips.yaml", "unknown topic", _set_first("tips", "topic", "cooking"), "cooking"),
    ("tips.yaml", "bad level", _set_first("tips", "level", "expert"), "level"),
    ("tips.yaml", "long tip", _set_first("tips", "text", "x " * 251), "text"),
    ("tips.yaml", "id not topic", _set_first("tips", "id", "wellbeing-99"), "must look like"),
    ("tips.yaml", "thin topic", _thin_topic, "'wellbeing' needs at least 7"),
    ("tips.yaml", "one level topic", _one_level_topic, "'education' needs tips at"),
    ("tips.yaml", "no advanced tips", _no_advanced_tips, "level 'advanced'"),
    ("tips.yaml", "under 90 tips", _too_few_tips, "at least 90 tips"),
    ("tips.yaml", "missing topic", _drop_topic, "missing topic 'industry-trends'"),
    ("gear.yaml", "two items", _two_gear_items, "items"),
    ("gear.yaml", "renamed category", _set_first("categories", "id", "software"), "software"),
    ("portfolio.yaml", "four sections", _four_sections, "sections"),
]


@pytest.mark.parametrize(
    ("file", "mutate", "message"),
    [pytest.param(f, m, msg, id=name) for f, name, m, msg in BROKEN],
)
def test_broken_content_is_rejected(
    tmp_path: Path, file: str, mutate: Callable[[Data], None], message: str
) -> None:
    data_dir = _broken_copy(tmp_path, file, mutate)
    with pytest.raises(ContentError, match=message):
        load_career(data_dir)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    data_dir = _broken_copy(tmp_path, "tips.yaml", lambda data: None)
    assert len(load_career(data_dir).tips) == len(load_career(DATA_DIR).tips)


def test_missing_and_empty_files_are_rejected(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR / "career", tmp_path / "career")
    (tmp_path / "career" / "gear.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ContentError, match=r"gear\.yaml"):
        load_career(tmp_path)
    (tmp_path / "career" / "gear.yaml").unlink()
    with pytest.raises(ContentError, match=r"gear\.yaml"):
        load_career(tmp_path)


def test_cross_file_reference_is_checked(tmp_path: Path) -> None:
    """A path naming a skill that skills.yaml lacks fails the whole-content check."""
    data_dir = _broken_copy(
        tmp_path, "paths.yaml", _set_first("paths", "skills", ["music-theory", "no-such-skill"])
    )
    with pytest.raises(ContentError, match=r"(?s)career content: .*unknown skills: no-such-skill"):
        load_career(data_dir)
