"""Helpers shared by the unit and the end-to-end tests."""

import asyncio
import inspect
import io
import time
import wave
from collections.abc import Callable

import numpy as np

from bot.services.quiz import ear_training

POLL = 0.02
"""Seconds between two looks at a condition ``eventually`` waits for."""


async def eventually(
    condition: Callable[[], object],
    what: str | Callable[[], str] = "the condition",
    timeout: float = 10.0,
) -> None:
    """Wait until ``condition()`` is true (it may be a coroutine function): for work done
    after an answer, such as a role change, a follow-up or a log line. After ``timeout``
    seconds the test fails, saying what it waited for: ``what``, or ``what()`` then."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not true after {timeout} s: {said}")
        await asyncio.sleep(POLL)


def heard_answer(kind: str, choices: list[str], wav: bytes) -> int:
    """Work out the right choice from the audio alone, as an attentive listener would."""
    with wave.open(io.BytesIO(wav)) as audio:
        samples = np.frombuffer(audio.readframes(audio.getnframes()), "<i2") / 32767
        if audio.getnchannels() == 2:
            samples = samples.reshape(-1, 2)
    length = int(
        ear_training.RATE * (ear_training.TEMPO_CLIP if kind == "tempo" else ear_training.CLIP)
    )
    first, second = samples[:length], samples[length + int(ear_training.RATE * ear_training.GAP) :]

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(x**2)))

    if kind == "band":
        freqs = np.fft.rfftfreq(length, 1 / ear_training.RATE)
        gain = np.abs(np.fft.rfft(second)) / (np.abs(np.fft.rfft(first)) + 1e-12)
        hz = [int(c.split()[0]) * (1000 if "kHz" in c else 1) for c in choices]
        bands = [(freqs >= f / 1.5) & (freqs < f * 1.5) for f in hz]
        return int(np.argmax([np.median(gain[band]) for band in bands]))
    if kind == "compression":
        hop, start = int(0.18 * ear_training.RATE), int(0.05 * ear_training.RATE)
        peaks = [
            [np.max(np.abs(c[start + i * hop : start + (i + 1) * hop])) for i in range(8)]
            for c in (first, second)
        ]
        return int(np.argmin([max(p) / min(p) for p in peaks]))  # the smaller dynamic range
    if kind == "loudness":
        difference = 20 * np.log10(rms(second) / rms(first))
        said = [(-1 if "first" in c else 1) * float(c.split()[-2]) for c in choices]
        return int(np.argmin([abs(difference - value) for value in said]))
    if kind == "pan":
        return int(rms(second[:, 1]) > rms(second[:, 0]))
    gaps = []
    for clip in (first, second):
        loud = np.flatnonzero(np.abs(clip) > 0.3)
        onsets = loud[np.insert(np.diff(loud) > ear_training.RATE // 10, 0, True)]
        gaps.append(float(np.median(np.diff(onsets))))
    return int(gaps[1] < gaps[0])
