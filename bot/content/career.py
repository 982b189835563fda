"""Career guidance content: routes into production, skills, tips, gear and portfolio advice.

Everything lives in ``data/career/*.yaml``. The length limits keep every item inside Discord's
embed limits (field value 1024, select option label/description 100).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, ValidationError, model_validator

from bot.content.base import ContentError, ContentModel, describe, load_yaml
from bot.content.skills import SKILL_IDS, Tier


class Level(StrEnum):
    """Experience level a tip is written for."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


PathKind = Literal["route", "next-career"]

PATH_IDS: Final[dict[str, PathKind]] = {
    "formal-education": "route",
    "musician-first": "route",
    "recording-engineer": "route",
    "a-and-r": "route",
    "production-assistant": "route",
    "internships-apprenticeships": "route",
    "self-taught-online": "route",
    "freelance": "route",
    "study-and-work": "route",
    "artist-management": "next-career",
    "booking": "next-career",
    "label-management": "next-career",
}
REQUIRED_TOPIC_IDS: Final[tuple[str, ...]] = (
    "getting-started",
    "education",
    "hands-on",
    "networking",
    "portfolio",
    "studio-gear",
    "mixing-mastering",
    "business-money",
    "industry-trends",
    "wellbeing",
)
GEAR_CATEGORY_IDS: Final[tuple[str, ...]] = (
    "daws",
    "interfaces",
    "microphones",
    "monitors",
    "controllers",
    "plugins",
    "editing-tools",
    "collaboration-distribution",
)
MIN_TIPS: Final = 90
MIN_TIPS_PER_TOPIC: Final = 7
MIN_LEVELS_PER_TOPIC: Final = 2
MIN_TIPS_PER_LEVEL: Final = 15

_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _check_emoji(value: str) -> str:
    """Accept exactly one emoji (variation selectors, skin tones and ZWJ sequences allowed)."""
    for part in value.replace("\ufe0f", "").split("\u200d"):
        base = [char for char in part if ord(char) not in _SKIN_TONES]
        if len(base) != 1 or unicodedata.category(base[0]) != "So":
            raise ValueError(f"{value!r} is not a single emoji")
    return value


# Non-empty, no leading/trailing whitespace; OneLine additionally forbids line breaks.
OneLine = Annotated[str, Field(pattern=r"^\S(?:.*\S)?$")]
Text = Annotated[str, Field(pattern=r"(?s)^\S(?:.*\S)?$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Emoji = Annotated[str, Field(max_length=16), AfterValidator(_check_emoji)]


def _require_unique(kind: str, ids: Iterable[str]) -> None:
    duplicates = sorted(key for key, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise ValueError(f"duplicate {kind} ids: {', '.join(duplicates)}")


class Skill(ContentModel):
    """One skill in the producer skill map."""

    id: Slug
    name: Annotated[OneLine, Field(max_length=60)]
    tier: Tier
    summary: Annotated[OneLine, Field(max_length=100)]
    practice: Annotated[Text, Field(max_length=400)]


class CareerPath(ContentModel):
    """A route into production, or a career producers often move on to."""

    id: Slug
    name: Annotated[OneLine, Field(max_length=60)]
    kind: PathKind
    emoji: Emoji
    summary: Annotated[OneLine, Field(max_length=100)]
    overview: Annotated[Text, Field(max_length=900)]
    steps: list[Annotated[OneLine, Field(max_length=200)]] = Field(min_length=3, max_length=6)
    skills: list[Slug] = Field(min_length=1)
    leads_to: Annotated[Text, Field(max_length=600)]
    upsides: list[Annotated[OneLine, Field(max_length=150)]] = Field(min_length=2, max_length=4)
    downsides: list[Annotated[OneLine, Field(max_length=150)]] = Field(min_length=2, max_length=4)

    @model_validator(mode="after")
    def _skills_listed_once(self) -> Self:
        _require_unique(f"skill (in path {self.id!r})", self.skills)
        return self


class Topic(ContentModel):
    """A tip category."""

    id: Slug
    name: Annotated[OneLine, Field(max_length=40)]
    emoji: Emoji


class Tip(ContentModel):
    """One short, actionable tip; its id is ``<topic>-<number>``, e.g. ``networking-03``."""

    id: Slug
    topic: Slug
    level: Level
    text: Annotated[Text, Field(max_length=500)]

    @model_validator(mode="after")
    def _id_matches_topic(self) -> Self:
        if not re.fullmatch(rf"{re.escape(self.topic)}-\d{{2,3}}", self.id):
            raise ValueError(f"tip id {self.id!r} must look like '{self.topic}-01'")
        return self


class GearItem(ContentModel):
    """A well-known product with a neutral one-line description."""

    name: Annotated[OneLine, Field(max_length=60)]
    note: Annotated[OneLine, Field(max_length=200)]


class GearCategory(ContentModel):
    """A kind of studio gear, with starting advice and example products."""

    id: Slug
    name: Annotated[OneLine, Field(max_length=40)]
    emoji: Emoji
    advice: Annotated[Text, Field(max_length=500)]
    items: list[GearItem] = Field(min_length=3, max_length=8)

    @model_validator(mode="after")
    def _items_listed_once(self) -> Self:
        _require_unique(f"item (in gear category {self.id!r})", (i.name for i in self.items))
        return self


class PortfolioSection(ContentModel):
    """One section of the portfolio-building guide."""

    id: Slug
    title: Annotated[OneLine, Field(max_length=80)]
    body: Annotated[Text, Field(max_length=900)]


class PortfolioAdvice(ContentModel):
    """The portfolio guide; also the shape of ``portfolio.yaml``."""

    sections: list[PortfolioSection] = Field(min_length=5, max_length=7)

    @model_validator(mode="after")
    def _unique_sections(self) -> Self:
        _require_unique("portfolio section", (s.id for s in self.sections))
        return self


def _check_skills(skills: list[Skill]) -> None:
    _require_unique("skill", (s.id for s in skills))
    expected = {skill_id: tier for tier, ids in SKILL_IDS.items() for skill_id in ids}
    found = {s.id: s.tier for s in skills}
    problems = [f"missing skill {i!r}" for i in expected if i not in found]
    problems += [f"unexpected skill {i!r}" for i in found if i not in expected]
    problems += [
        f"skill {i!r} must be tier {expected[i]!r}"
        for i, tier in found.items()
        if i in expected and tier != expected[i]
    ]
    if problems:
        raise ValueError("; ".join(problems))


def _check_paths(paths: list[CareerPath]) -> None:
    _require_unique("path", (p.id for p in paths))
    found = {p.id: p.kind for p in paths}
    problems = [f"missing path {i!r}" for i in PATH_IDS if i not in found]
    problems += [f"unexpected path {i!r}" for i in found if i not in PATH_IDS]
    problems += [
        f"path {i!r} must be kind {PATH_IDS[i]!r}"
        for i, kind in found.items()
        if i in PATH_IDS and kind != PATH_IDS[i]
    ]
    if problems:
        raise ValueError("; ".join(problems))


def _check_tips(topics: list[Topic], tips: list[Tip]) -> None:
    _require_unique("topic", (t.id for t in topics))
    _require_unique("tip", (t.id for t in tips))
    topic_ids = {t.id for t in topics}
    problems = [f"missing topic {i!r}" for i in REQUIRED_TOPIC_IDS if i not in topic_ids]
    problems += [
        f"tip {t.id!r} has unknown topic {t.topic!r}" for t in tips if t.topic not in topic_ids
    ]
    if len(tips) < MIN_TIPS:
        problems.append(f"need at least {MIN_TIPS} tips, found {len(tips)}")
    for topic_id in sorted(topic_ids):
        in_topic = [t for t in tips if t.topic == topic_id]
        if len(in_topic) < MIN_TIPS_PER_TOPIC:
            problems.append(
                f"topic {topic_id!r} needs at least {MIN_TIPS_PER_TOPIC} tips, "
                f"found {len(in_topic)}"
            )
        if len({t.level for t in in_topic}) < MIN_LEVELS_PER_TOPIC:
            problems.append(f"topic {topic_id!r} needs tips at {MIN_LEVELS_PER_TOPIC}+ levels")
    per_level = Counter(t.level for t in tips)
    problems += [
        f"level {level.value!r} needs at least {MIN_TIPS_PER_LEVEL} tips, found {per_level[level]}"
        for level in Level
        if per_level[level] < MIN_TIPS_PER_LEVEL
    ]
    if problems:
        raise ValueError("; ".join(problems))


def _check_gear(categories: list[GearCategory]) -> None:
    _require_unique("gear category", (c.id for c in categories))
    found = {c.id for c in categories}
    problems = [f"missing gear category {i!r}" for i in GEAR_CATEGORY_IDS if i not in found]
    problems += [f"unexpected gear category {i!r}" for i in found if i not in GEAR_CATEGORY_IDS]
    if problems:
        raise ValueError("; ".join(problems))


class SkillsFile(ContentModel):
    """Shape of ``skills.yaml``."""

    skills: list[Skill]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_skills(self.skills)
        return self


class PathsFile(ContentModel):
    """Shape of ``paths.yaml``."""

    paths: list[CareerPath]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_paths(self.paths)
        return self


class TipsFile(ContentModel):
    """Shape of ``tips.yaml``: the topics and the tips filed under them."""

    topics: list[Topic]
    tips: list[Tip]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_tips(self.topics, self.tips)
        return self


class GearFile(ContentModel):
    """Shape of ``gear.yaml``."""

    categories: list[GearCategory]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_gear(self.categories)
        return self


class CareerContent(ContentModel):
    """All career content, validated as a whole (including cross-file references)."""

    paths: list[CareerPath]
    skills: list[Skill]
    topics: list[Topic]
    tips: list[Tip]
    gear: list[GearCategory]
    portfolio: PortfolioAdvice

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_skills(self.skills)
        _check_paths(self.paths)
        _check_tips(self.topics, self.tips)
        _check_gear(self.gear)
        known = {s.id for s in self.skills}
        for path in self.paths:
            unknown = [s for s in path.skills if s not in known]
            if unknown:
                raise ValueError(f"path {path.id!r} names unknown skills: {', '.join(unknown)}")
        return self

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id; ``KeyError`` if there is none."""
        for skill in self.skills:
            if skill.id == skill_id:
                return skill
        raise KeyError(skill_id)

    def path(self, path_id: str) -> CareerPath:
        """The career path with this id; ``KeyError`` if there is none."""
        for path in self.paths:
            if path.id == path_id:
                return path
        raise KeyError(path_id)

    def topic(self, topic_id: str) -> Topic:
        """The tip topic with this id; ``KeyError`` if there is none."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def gear_category(self, category_id: str) -> GearCategory:
        """The gear category with this id; ``KeyError`` if there is none."""
        for category in self.gear:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def skills_in(self, tier: Tier) -> list[Skill]:
        """Skills of one tier, in file order."""
        return [s for s in self.skills if s.tier == tier]

    def paths_of(self, kind: PathKind) -> list[CareerPath]:
        """Routes (``"route"``) or later careers (``"next-career"``), in file order."""
        return [p for p in self.paths if p.kind == kind]

    def tips_for(self, topic: str | None = None, level: Level | None = None) -> list[Tip]:
        """Tips filtered by topic and/or level (``None`` = any); ``KeyError`` on unknown topic."""
        if topic is not None:
            self.topic(topic)
        return [
            t
            for t in self.tips
            if (topic is None or t.topic == topic) and (level is None or t.level == level)
        ]


def load_career(data_dir: Path) -> CareerContent:
    """Load and cross-check ``data_dir/career/*.yaml``; any problem raises ``ContentError``."""
    folder = data_dir / "career"
    paths = load_yaml(folder / "paths.yaml", PathsFile)
    skills = load_yaml(folder / "skills.yaml", SkillsFile)
    tips = load_yaml(folder / "tips.yaml", TipsFile)
    gear = load_yaml(folder / "gear.yaml", GearFile)
    portfolio = load_yaml(folder / "portfolio.yaml", PortfolioAdvice)
    try:
        return CareerContent(
            paths=paths.paths,
            skills=skills.skills,
            topics=tips.topics,
            tips=tips.tips,
            gear=gear.categories,
            portfolio=portfolio,
        )
    except ValidationError as error:
        raise ContentError(f"career content: {describe(error)}") from None
