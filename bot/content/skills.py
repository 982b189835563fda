"""The skill map's fifteen skill ids, in three tiers: the one list every content table
(skills, challenges, producer types) is checked against."""

from enum import StrEnum
from typing import Final, Literal, get_args


class Tier(StrEnum):
    """Stage of a producer's development a skill belongs to."""

    FOUNDATIONAL = "foundational"
    ADVANCED = "advanced"
    PROFESSIONAL = "professional"


SkillId = Literal[
    # foundational
    "music-theory",
    "daw-operation",
    "recording",
    "editing-comping",
    "mixing-basics",
    # advanced
    "sound-design",
    "mastering",
    "live-tracking",
    "licensing-copyright",
    "workflow-automation",
    # professional
    "communication",
    "scheduling-budgeting",
    "networking",
    "problem-solving",
    "adaptability",
]
"""A skill of the map, as content files name it."""

ALL_SKILL_IDS: Final[tuple[str, ...]] = get_args(SkillId)

SKILL_IDS: Final[dict[Tier, tuple[str, ...]]] = {
    tier: ALL_SKILL_IDS[5 * number : 5 * number + 5] for number, tier in enumerate(Tier)
}
"""The skills of each tier, five each, in the order of ``SkillId``."""
