"""Musicianship drills on plain tones: intervals and chord qualities."""

import random
from collections.abc import Callable

import numpy as np

from bot.services.quiz.ear import signals as s
from bot.services.quiz.ear.drill import Drill, Level
from bot.services.quiz.ear.signals import Samples

INTERVALS = (
    "minor 2nd", "major 2nd", "minor 3rd", "major 3rd", "perfect 4th", "tritone",
    "perfect 5th", "minor 6th", "major 6th", "minor 7th", "major 7th", "octave",
)  # fmt: skip
INTERVAL = (  # (played together, the choices: a fixed set, "any" or "near")
    (False, (2, 4, 7, 12)),
    (False, (3, 4, 5, 7)),
    (False, "any"),
    (True, (3, 4, 7, 10)),
    (True, "any"),
    (True, "near"),
)
PITCH = "semitones between the heard notes and the nearest wrong choice"
INTERVAL_LEVELS = (
    Level(
        "melodic: major 2nd, major 3rd, 5th or octave",
        0.75,
        PITCH,
    ),
    Level("melodic: 3rds, 4th or 5th", 0.75, PITCH),
    Level("melodic: any four intervals", 0.75, PITCH),
    Level("harmonic: 3rds, 5th or minor 7th", 0.75, PITCH),
    Level("harmonic: any four intervals", 0.75, PITCH),
    Level("harmonic: four neighbouring intervals", 0.75, PITCH),
)
NOTE_CLIP = 1.6


def _played(
    tones: list[tuple[float, float, float]],
) -> Callable[[np.random.Generator], list[Samples]]:
    """One clip of notes, each given as (frequency, start, length)."""

    def audio(noise: np.random.Generator) -> list[Samples]:
        clip = np.zeros(s.count(NOTE_CLIP))
        for frequency, start, length in tones:
            s.place(clip, s.note(frequency, length), start)
        return [s.faded(s.stereo(0.3 * clip / np.max(np.abs(clip))))]

    return audio


def interval(level: int, rng: random.Random) -> Drill:
    together, offered = INTERVAL[level - 1]
    top = 11 if together else 12  # an octave played together hides in the lower note's tone
    if isinstance(offered, tuple):
        options = list(offered)
    elif offered == "any":
        options = sorted(rng.sample(range(1, top + 1), 4))
    else:
        low = rng.randrange(1, top - 2)
        options = list(range(low, low + 4))
    semitones = rng.choice(options)
    root = s.midi_hz(rng.randrange(50, 63))
    upper = root * 2 ** (semitones / 12)
    if together:
        prompt = "Two notes played together. Which interval is it?"
        tones = [(root, 0.0, NOTE_CLIP), (upper, 0.0, NOTE_CLIP)]
    else:
        prompt = "Two notes, the lower first. Which interval is it?"
        tones = [(root, 0.0, NOTE_CLIP / 2), (upper, NOTE_CLIP / 2, NOTE_CLIP / 2)]
    name = INTERVALS[semitones - 1]
    why = f"The notes were {semitones} semitone{'s' * (semitones > 1)} apart: a {name}."
    choices = [INTERVALS[i - 1] for i in options]
    return Drill(prompt, choices, options.index(semitones), why, _played(tones))


CHORDS = {
    "major": (4, 7),
    "minor": (3, 7),
    "diminished": (3, 6),
    "augmented": (4, 8),
    "major 7th": (4, 7, 11),
    "dominant 7th": (4, 7, 10),
    "minor 7th": (3, 7, 10),
    "half-diminished": (3, 6, 10),
}
CHORD_SETS = (
    ("major", "minor"),
    ("major", "minor", "diminished", "augmented"),
    ("major 7th", "dominant 7th", "minor 7th", "half-diminished"),
    tuple(CHORDS),
)
CHORD_LEVELS = (
    Level("major or minor", 0.75, PITCH),
    Level("major, minor, diminished or augmented", 0.75, PITCH),
    Level("the four seventh chords", 0.75, PITCH),
    Level("any four of the eight", 0.75, PITCH),
)
CHORD_WORDS = {
    "major": "a major third with a minor third on top, which sounds bright and settled",
    "minor": "a minor third with a major third on top, which sounds darker",
    "diminished": "two minor thirds stacked, which sounds tense and wants to move",
    "augmented": "two major thirds stacked, which sounds unresolved and dreamy",
    "major 7th": "a major triad with a major seventh, which sounds soft and lush",
    "dominant 7th": "a major triad with a minor seventh, which sounds bluesy and pulls home",
    "minor 7th": "a minor triad with a minor seventh, which sounds mellow",
    "half-diminished": "a diminished triad with a minor seventh, which sounds dark and unsettled",
}


def chord(level: int, rng: random.Random) -> Drill:
    offered = CHORD_SETS[level - 1]
    options = list(offered) if len(offered) <= 4 else rng.sample(offered, 4)
    name = rng.choice(options)
    root = s.midi_hz(rng.randrange(50, 60))
    tones = [(root * 2 ** (step / 12), 0.0, NOTE_CLIP) for step in (0, *CHORDS[name])]
    why = f"A {name} chord: {CHORD_WORDS[name]}."
    prompt = "A chord, root at the bottom. What quality is it?"
    return Drill(prompt, options, options.index(name), why, _played(tones))
