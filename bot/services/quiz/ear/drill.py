"""What a drill is: a kind, its levels, and a question with its audio made on demand."""

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.services.quiz.ear.signals import Samples

FIRST_SECOND = ["The first clip", "The second clip"]


@dataclass(frozen=True, slots=True)
class Level:
    asks: str
    threshold: float
    unit: str


@dataclass(frozen=True, slots=True)
class Drill:
    prompt: str
    choices: list[str]
    answer: int
    explanation: str
    audio: Callable[[np.random.Generator], list[Samples]]
    """Makes the stereo clips (played one after another, a short pause between them) from
    the question's noise generator; the text never needs them."""


Builder = Callable[[int, random.Random], Drill]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    material: str
    levels: tuple[Level, ...]
    build: Builder
