"""Ear training: questions whose material is audio the bot generates itself.

A question's key holds its kind, difficulty and seed (``ear:band:hard:1234``): the same key
always gives the same question and the same audio, so a result can be reproduced and
checked. Every file has two clips, the first as reference, with a short silence between.
Rendering is CPU work: call ``render_audio`` through ``asyncio.to_thread``.
"""

import io
import random
import wave
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bot.numbers import parse_number

EAR_TOPIC = "ear-training"
EAR_PREFIX = "ear:"
AUDIO_FILE = "ear-training.wav"
RATE = 16_000
CLIP, GAP = 1.5, 0.4
TEMPO_CLIP = 3.0
LEVELS = ("easy", "medium", "hard")
KINDS = ("band", "compression", "loudness", "pan", "tempo")

OCTAVES = (125, 250, 500, 1000, 2000, 4000)
BAND_BOOST_DB = {"easy": 12.0, "medium": 8.0, "hard": 5.0}
RATIO = {"easy": 8.0, "medium": 4.0, "hard": 2.0}
LOUDNESS_STEPS_DB = {"easy": (3, 10), "medium": (2, 6), "hard": (1, 3)}
PAN = {"easy": 1.0, "medium": 0.6, "hard": 0.3}
TEMPO_GAP_BPM = {"easy": 30, "medium": 10, "hard": 4}
THRESHOLD_DB = -20.0
FIRST_SECOND = ["The first clip", "The second clip"]

Samples = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class EarSpec:
    """What a key asks for, decoded."""

    kind: str
    difficulty: str
    seed: int

    @property
    def key(self) -> str:
        return f"{EAR_PREFIX}{self.kind}:{self.difficulty}:{self.seed}"


def is_ear_key(key: str) -> bool:
    return key.startswith(EAR_PREFIX)


def parse_key(key: str) -> EarSpec | None:
    """The spec in ``key``, or None if it is not a valid ear-training key."""
    parts = key.removeprefix(EAR_PREFIX).split(":")
    if not is_ear_key(key) or len(parts) != 3:
        return None
    kind, difficulty, seed = parts[0], parts[1], parse_number(parts[2], 2**31)
    if kind not in KINDS or difficulty not in LEVELS or seed is None:
        return None
    return EarSpec(kind, difficulty, seed)


def random_keys(rng: random.Random, count: int) -> list[str]:
    """``count`` fresh questions of every kind and difficulty."""
    return [
        EarSpec(rng.choice(KINDS), rng.choice(LEVELS), rng.randrange(2**31)).key
        for _ in range(count)
    ]


# -- the questions ----------------------------------------------------------------------------


class EarText(NamedTuple):
    prompt: str
    choices: list[str]
    answer: int
    explanation: str


def question_text(spec: EarSpec) -> EarText:
    """The question, its choices and its answer for ``spec`` (the audio is separate)."""
    rng = random.Random(spec.seed)
    second = rng.random() < 0.5
    which = FIRST_SECOND[int(second)].removeprefix("The ").lower()
    if spec.kind == "band":
        answer_hz = rng.choice(OCTAVES)
        options = sorted([answer_hz, *rng.sample([f for f in OCTAVES if f != answer_hz], 3)])
        prompt = "The second clip is the first with one octave band boosted. Which band?"
        choices, answer = [_hz(f) for f in options], options.index(answer_hz)
        why = (
            f"The octave around {_hz(answer_hz)} was boosted by {BAND_BOOST_DB[spec.difficulty]:g}"
            " dB. Low bands add weight or boom, mids add honk or presence, highs add air or hiss."
        )
    elif spec.kind == "compression":
        prompt = "Both clips have the same average level. Which one was compressed?"
        choices, answer = FIRST_SECOND, int(second)
        why = (
            f"The {which} was compressed at {RATIO[spec.difficulty]:g}:1, so its loud and soft "
            "hits sit closer together; the other kept the full difference between them."
        )
    elif spec.kind == "loudness":
        small, big = LOUDNESS_STEPS_DB[spec.difficulty]
        step = rng.choice((small, big))
        choices = [f"The {c}, by about {s} dB" for c in ("first", "second") for s in (small, big)]
        answer = 2 * int(second) + (step == big)
        prompt = "Which clip is louder, and by about how much?"
        why = f"The {which} was {step} dB louder. 1 dB is just noticeable, 6 dB is obvious."
    elif spec.kind == "pan":
        choices, answer = ["Left", "Right"], int(second)
        prompt = "The first clip is in the centre. Is the second panned left or right?"
        why = (
            f"It was panned {int(PAN[spec.difficulty] * 100)} % to the "
            f"{choices[answer].lower()}. Headphones make small pans easier to hear."
        )
    else:
        slow = rng.randrange(80, 121)
        fast = slow + TEMPO_GAP_BPM[spec.difficulty]
        choices, answer = FIRST_SECOND, int(second)
        prompt = "Two click tracks. Which one has the higher tempo?"
        why = f"The {which} ran at {fast} BPM, the other at {slow} BPM."
    return EarText(prompt, choices, answer, why)


def _hz(frequency: int) -> str:
    return f"{frequency // 1000} kHz" if frequency >= 1000 else f"{frequency} Hz"


# -- the audio --------------------------------------------------------------------------------


def _seconds(duration: float) -> int:
    return int(duration * RATE)


def _pink_noise(rng: np.random.Generator, count: int) -> Samples:
    spectrum = rng.normal(size=count // 2 + 1) + 1j * rng.normal(size=count // 2 + 1)
    frequencies = np.fft.rfftfreq(count, 1 / RATE)
    spectrum /= np.sqrt(np.maximum(frequencies, 20.0))
    spectrum[0] = 0
    noise: Samples = np.fft.irfft(spectrum, count)
    return noise / float(np.max(np.abs(noise)))


def boost_band(samples: Samples, centre: float, gain_db: float) -> Samples:
    """``samples`` with the octave around ``centre`` raised by ``gain_db``."""
    spectrum = np.fft.rfft(samples)
    frequencies = np.fft.rfftfreq(len(samples), 1 / RATE)
    band = (frequencies >= centre / np.sqrt(2)) & (frequencies < centre * np.sqrt(2))
    spectrum[band] *= 10 ** (gain_db / 20)
    return np.fft.irfft(spectrum, len(samples))


def _hits(rng: np.random.Generator, levels: list[float]) -> Samples:
    """A loop of decaying noise hits, one every 0.18 s, at the given peak levels."""
    out = np.zeros(_seconds(CLIP))
    decay = np.exp(-np.arange(_seconds(0.12)) / (0.025 * RATE))
    for index, level in enumerate(levels):
        start = _seconds(0.05 + 0.18 * index)
        burst = rng.uniform(-1, 1, len(decay)) * decay
        out[start : start + len(decay)] += level * burst / np.max(np.abs(burst))
    return out


def compress_level(level: float, ratio: float) -> float:
    """A hit's peak after an ideal compressor (threshold -20 dBFS, ``ratio``)."""
    level_db = 20 * np.log10(level)
    if level_db <= THRESHOLD_DB:
        return level
    return float(10 ** ((THRESHOLD_DB + (level_db - THRESHOLD_DB) / ratio) / 20))


def _rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def _clicks(bpm: int, duration: float) -> Samples:
    out = np.zeros(_seconds(duration))
    blip = np.sin(2 * np.pi * 1000 * np.arange(_seconds(0.02)) / RATE)
    for beat in np.arange(0.05, duration - 0.05, 60 / bpm):
        start = _seconds(beat)
        out[start : start + len(blip)] = blip
    return out


def clips(spec: EarSpec) -> tuple[Samples, Samples]:
    """The two clips of a question (mono, or stereo as shape (n, 2) for pan)."""
    rng = random.Random(spec.seed)
    second = rng.random() < 0.5
    noise = np.random.default_rng(spec.seed)
    if spec.kind == "band":
        centre = rng.choice(OCTAVES)
        first = _pink_noise(noise, _seconds(CLIP))
        return first, boost_band(first, centre, BAND_BOOST_DB[spec.difficulty])
    if spec.kind == "compression":
        levels = [float(v) for v in noise.permutation([1.0, 0.5, 0.25, 0.12] * 2)]
        plain = _hits(np.random.default_rng(spec.seed), levels)
        squeezed = _hits(
            np.random.default_rng(spec.seed),
            [compress_level(v, RATIO[spec.difficulty]) for v in levels],
        )
        squeezed *= _rms(plain) / _rms(squeezed)
        return (squeezed, plain) if not second else (plain, squeezed)
    if spec.kind == "loudness":
        small, big = LOUDNESS_STEPS_DB[spec.difficulty]
        step = rng.choice((small, big))
        base = 0.3 * _pink_noise(noise, _seconds(CLIP))
        louder = base * 10 ** (step / 20)
        return (base, louder) if second else (louder, base)
    if spec.kind == "pan":
        mono = 0.5 * _pink_noise(noise, _seconds(CLIP))
        position = PAN[spec.difficulty] * (1 if second else -1)
        angle = (position + 1) * np.pi / 4
        centre = np.stack([mono, mono], axis=1) * np.cos(np.pi / 4)
        return centre, np.stack([mono * np.cos(angle), mono * np.sin(angle)], axis=1)
    slow = rng.randrange(80, 121)
    fast = slow + TEMPO_GAP_BPM[spec.difficulty]
    pair = (_clicks(slow, TEMPO_CLIP), _clicks(fast, TEMPO_CLIP))
    return pair if second else (pair[1], pair[0])


def render_audio(key: str) -> bytes:
    """The question's two clips as one 16-bit WAV file, levels kept relative to each other."""
    spec = parse_key(key)
    if spec is None:
        raise ValueError(f"not an ear-training key: {key!r}")
    first, second = clips(spec)
    silence = np.zeros((_seconds(GAP), *first.shape[1:]))
    signal = np.concatenate([first, silence, second])
    signal *= 0.9 / max(np.max(np.abs(signal)), 1e-9)
    pcm = (signal * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1 if signal.ndim == 1 else 2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
