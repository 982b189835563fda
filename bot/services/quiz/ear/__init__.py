"""Ear training: questions whose audio the bot makes itself, drilled level by level.

A question's key holds its kind, level and seed (``ear:eq:3:1234``): the same key always
gives the same question and the same audio, so a result can be reproduced and checked, and
the audio can be cached by key. Rendering is CPU work: call ``render_audio`` off the event
loop (``asyncio.to_thread``).
"""

import functools
import io
import random
from collections.abc import Mapping
from dataclasses import dataclass

import av
import numpy as np

from bot.numbers import parse_number
from bot.services.quiz.ear.drill import Drill, Kind, Level
from bot.services.quiz.ear.kinds import KINDS
from bot.services.quiz.ear.signals import RATE, Samples, count

__all__ = ["KINDS", "Drill", "EarSpec", "Kind", "Level"]

EAR_TOPIC = "ear-training"
EAR_PREFIX = "ear:"
AUDIO_FILE = "ear-training.ogg"
"""Ogg Opus: Discord plays it inline, and a clip pair stays well under 100 KB."""
BIT_RATE = 128_000
GAP, PAD = 0.5, 0.05
"""Seconds of silence between two clips, and before the first and after the last (a player
that trims a few milliseconds at an end then trims silence, never the fade)."""
CACHE = 64
"""Rendered files kept by key (about 60 KB each)."""


@dataclass(frozen=True, slots=True)
class EarSpec:
    """What a key asks for, decoded."""

    kind: str
    level: int
    seed: int

    @property
    def key(self) -> str:
        return f"{EAR_PREFIX}{self.kind}:{self.level}:{self.seed}"


def is_ear_key(key: str) -> bool:
    return key.startswith(EAR_PREFIX)


def parse_key(key: str) -> EarSpec | None:
    """The spec in ``key``, or None if it is not a valid ear-training key."""
    parts = key.removeprefix(EAR_PREFIX).split(":")
    if not is_ear_key(key) or len(parts) != 3 or parts[0] not in KINDS:
        return None
    level = parse_number(parts[1], len(KINDS[parts[0]].levels))
    seed = parse_number(parts[2], 2**31)
    if level is None or level < 1 or seed is None:
        return None
    return EarSpec(parts[0], level, seed)


def random_keys(rng: random.Random, count: int, levels: Mapping[str, int]) -> list[str]:
    """``count`` fresh questions of every kind, each at the member's level for its kind
    (``levels``; the first level for a kind not in it)."""
    kinds = list(KINDS)
    return [
        EarSpec(kind, levels.get(kind, 1), rng.randrange(2**31)).key
        for kind in (rng.choice(kinds) for _ in range(count))
    ]


def drill(spec: EarSpec) -> Drill:
    """The question for ``spec``: its text at once, its audio on demand."""
    return KINDS[spec.kind].build(spec.level, random.Random(spec.seed))


def clips(spec: EarSpec) -> list[Samples]:
    """The question's stereo clips as floats at ``RATE``, before encoding."""
    return drill(spec).audio(np.random.default_rng(spec.seed))


@functools.lru_cache(maxsize=CACHE)
def render_audio(key: str) -> bytes:
    """The question's clips, a short pause between them, as one Ogg Opus file; their levels
    are kept relative to each other."""
    spec = parse_key(key)
    if spec is None:
        raise ValueError(f"not an ear-training key: {key!r}")
    parts = clips(spec)
    gap, pad = np.zeros((count(GAP), 2)), np.zeros((count(PAD), 2))
    joined = np.concatenate([pad, *[part for clip in parts for part in (gap, clip)][1:], pad])
    joined *= 0.9 / max(float(np.max(np.abs(joined))), 1e-9)
    return encode(joined)


def encode(samples: Samples) -> bytes:
    """Stereo float samples at ``RATE`` as Ogg Opus."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream(
            "libopus", rate=RATE, layout="stereo", options={"compression_level": "5"}
        )
        stream.bit_rate = BIT_RATE
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples.T, dtype=np.float32), format="fltp", layout="stereo"
        )
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buffer.getvalue()
