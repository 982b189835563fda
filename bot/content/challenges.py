"""The built-in bank of daily production challenges (``data/challenges/bank.yaml``)."""

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from bot.content.base import ContentError, ContentModel, load_yaml
from bot.content.skills import ALL_SKILL_IDS, SkillId

# Skills centred on audio work need a deeper pool than the others.
_AUDIO_SKILLS: frozenset[str] = frozenset(
    {"mixing-basics", "sound-design", "music-theory", "recording", "editing-comping", "mastering"}
)
_MIN_CHALLENGES = 64
_MIN_PER_SKILL = 2
_MIN_PER_AUDIO_SKILL = 5
_MIN_PER_DIFFICULTY = 12

_Slug = Annotated[
    str,
    StringConstraints(min_length=3, max_length=64, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
]


def _text(max_length: int) -> StringConstraints:
    """A trimmed, non-empty string of at most ``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


class Difficulty(StrEnum):
    """How demanding a challenge is."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Constraints(ContentModel):
    """Optional limits that make a challenge concrete; at least one must be set."""

    tempo_bpm: Annotated[int, Field(ge=40, le=240)] | None = None
    key: Annotated[str, _text(20)] | None = None
    length: Annotated[str, _text(40)] | None = None
    tools: Annotated[str, _text(120)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if all(value is None for value in self.model_dump().values()):
            raise ValueError("constraints must set at least one field (or be omitted)")
        return self


class Challenge(ContentModel):
    """One daily exercise: what to make, which skill it trains and how long there is."""

    id: _Slug
    title: Annotated[str, _text(80)]
    brief: Annotated[str, _text(700)]
    skill: SkillId
    difficulty: Difficulty
    hours_to_submit: Annotated[int, Field(ge=1, le=168)] = 24
    constraints: Constraints | None = None


class ChallengeBank(ContentModel):
    """Every built-in challenge, checked for coverage of skills and difficulties."""

    challenges: list[Challenge]

    @model_validator(mode="after")
    def _check_bank(self) -> Self:
        count = len(self.challenges)
        if count < _MIN_CHALLENGES:
            raise ValueError(f"need at least {_MIN_CHALLENGES} challenges, found {count}")
        _reject_duplicates("id", [c.id for c in self.challenges])
        _reject_duplicates("title", [c.title.casefold() for c in self.challenges])

        per_skill: Counter[str] = Counter(c.skill for c in self.challenges)
        for skill in ALL_SKILL_IDS:
            needed = _MIN_PER_AUDIO_SKILL if skill in _AUDIO_SKILLS else _MIN_PER_SKILL
            if per_skill[skill] < needed:
                raise ValueError(
                    f"skill {skill!r} needs at least {needed} challenges, has {per_skill[skill]}"
                )

        per_difficulty = Counter(c.difficulty for c in self.challenges)
        for difficulty in Difficulty:
            if per_difficulty[difficulty] < _MIN_PER_DIFFICULTY:
                raise ValueError(
                    f"difficulty {difficulty.value!r} needs at least {_MIN_PER_DIFFICULTY}"
                    f" challenges, has {per_difficulty[difficulty]}"
                )

        constrained = sum(1 for c in self.challenges if c.constraints is not None)
        if constrained * 2 < count:
            raise ValueError(
                f"at least half of the challenges need constraints, only {constrained}/{count}"
            )
        return self

    def get(self, challenge_id: str) -> Challenge:
        """Return the challenge with this id, or raise ``ContentError``."""
        for challenge in self.challenges:
            if challenge.id == challenge_id:
                return challenge
        raise ContentError(f"unknown challenge id: {challenge_id!r}")

    def for_skill(self, skill: str) -> list[Challenge]:
        """Return the challenges training ``skill``, in file order; unknown skills raise."""
        if skill not in ALL_SKILL_IDS:
            raise ContentError(f"unknown skill id: {skill!r}")
        return [c for c in self.challenges if c.skill == skill]


def _reject_duplicates(field: str, values: list[str]) -> None:
    repeated = sorted(value for value, seen in Counter(values).items() if seen > 1)
    if repeated:
        raise ValueError(f"duplicate challenge {field}s: {', '.join(repeated)}")


def load_challenges(data_dir: Path) -> ChallengeBank:
    """Load and validate ``challenges/bank.yaml`` under the repository's ``data/`` folder."""
    return load_yaml(data_dir / "challenges" / "bank.yaml", ChallengeBank)
