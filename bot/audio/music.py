"""Tempo and key estimates from the mono copy at about 11 kHz.

Tempo: an onset envelope (spectral flux of log magnitudes), its autocorrelation, and the
tempo between ``SLOWEST`` and ``FASTEST`` BPM whose beat period and its first multiples line
up best with the envelope's repetitions (the multiples settle the decimals; the falling
autocorrelation of longer lags keeps a faster pulse from being read at half speed).

Key: a chromagram (energy per pitch class between ``LOW_NOTE`` and ``HIGH_NOTE`` Hz)
correlated with the Krumhansl-Kessler major and minor profiles in all 24 keys."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

FRAMES_AT_ONCE = 64
SLOWEST, FASTEST = 70.0, 180.0
TEMPO_STEP = 0.05
MULTIPLES = 8
FASTER_BIAS = 0.3
"""Between two tempi that fit equally (a pulse heard at half speed fits too), the faster."""
ONSET_SIZE, ONSET_HOP = 512, 64
"""At about 5.5 kHz: the beat is carried by kicks, snares and bass, and cymbals above
2.7 kHz mostly subdivide it."""
COMPRESSION = 10.0
SMOOTHING = 7
CHROMA_SIZE = 8192
LOW_NOTE, HIGH_NOTE = 55.0, 2000.0
NOTES = ("C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B")
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
TEMPO_SECONDS = 60.0
"""The tempo is read from the middle minute: enough for a steady pulse, and a long track
costs no more."""
MIN_SECONDS = 4.0
"""Shorter than this, neither estimate means much."""


@dataclass(frozen=True, slots=True)
class Key:
    tonic: int
    """Pitch class, 0 = C."""
    minor: bool
    confidence: float
    """The profile's correlation, -1 to 1."""

    @property
    def name(self) -> str:
        return f"{NOTES[self.tonic]} {'minor' if self.minor else 'major'}"


def _magnitudes(samples: Samples, size: int, hop: int) -> Iterator[npt.NDArray[np.float32]]:
    """Magnitude spectra of Hann-windowed frames, ``FRAMES_AT_ONCE`` frames at a time (so
    a long track never holds its whole spectrogram)."""
    if len(samples) < size:
        samples = np.pad(samples, (0, size - len(samples)))
    count = 1 + (len(samples) - size) // hop
    frames = np.lib.stride_tricks.as_strided(
        samples, (count, size), (samples.strides[0] * hop, samples.strides[0]), writeable=False
    )
    window = np.hanning(size).astype(np.float32)
    for start in range(0, count, FRAMES_AT_ONCE):
        yield np.abs(np.fft.rfft(frames[start : start + FRAMES_AT_ONCE] * window, axis=1))


def onset_envelope(samples: Samples) -> npt.NDArray[np.float64]:
    """Spectral flux at half the mono copy's rate (pairs averaged: what folds over is
    above the band the beat is heard in, and only changes of energy count here)."""
    even = len(samples) // 2 * 2
    half = (samples[:even:2] + samples[1:even:2]) * np.float32(0.5)
    parts, previous = [], None
    for magnitudes in _magnitudes(half, ONSET_SIZE, ONSET_HOP):
        spectrum = np.log1p(COMPRESSION * magnitudes)
        joined = spectrum if previous is None else np.vstack([previous, spectrum])
        parts.append(np.maximum(np.diff(joined, axis=0), 0).sum(axis=1))
        previous = spectrum[-1:]
    flux = np.concatenate(parts)
    flux = np.convolve(flux, np.hanning(SMOOTHING), mode="same")
    return np.asarray(flux - flux.mean(), dtype=np.float64)


def tempo(samples: Samples, rate: float) -> float | None:
    """Beats per minute, or None when the track is too short or has no steady pulse."""
    if len(samples) < MIN_SECONDS * rate:
        return None
    middle, span = len(samples) // 2, int(TEMPO_SECONDS * rate) // 2
    envelope = onset_envelope(samples[max(0, middle - span) : middle + span])
    frames_per_second = rate / 2 / ONSET_HOP
    size = 1 << int(np.ceil(np.log2(2 * len(envelope))))
    spectrum = np.fft.rfft(envelope, size)
    autocorrelation = np.fft.irfft(np.abs(spectrum) ** 2, size)[: len(envelope)]
    if autocorrelation[0] <= 0:
        return None
    autocorrelation /= autocorrelation[0] * (1 - np.arange(len(envelope)) / len(envelope))
    candidates = np.round(np.arange(SLOWEST, FASTEST + TEMPO_STEP, TEMPO_STEP), 2)
    periods = 60 * frames_per_second / candidates
    lags = periods[:, None] * np.arange(1, MULTIPLES + 1)[None, :]
    usable = lags < len(autocorrelation) / 2
    heights = np.interp(lags, np.arange(len(autocorrelation)), autocorrelation)
    scores = np.where(usable, heights, 0).sum(axis=1) / np.maximum(usable.sum(axis=1), 1)
    scores *= 1 + FASTER_BIAS * np.log2(candidates / SLOWEST)
    best = int(np.argmax(scores))
    if scores[best] < 0.05:
        return None
    return float(candidates[best])


def key(samples: Samples, rate: float) -> Key | None:
    """The most likely key, or None for a track without pitched content."""
    if len(samples) < MIN_SECONDS * rate:
        return None
    energy = sum(
        np.square(magnitudes, dtype=np.float64).sum(axis=0)
        for magnitudes in _magnitudes(samples, CHROMA_SIZE, CHROMA_SIZE // 2)
    )
    frequencies = np.fft.rfftfreq(CHROMA_SIZE, 1 / rate)
    band = (frequencies >= LOW_NOTE) & (frequencies <= HIGH_NOTE)
    classes = np.round(12 * np.log2(frequencies[band] / 440.0) + 9).astype(int) % 12
    chroma = np.bincount(classes, weights=np.sqrt(energy[band]), minlength=12)
    if not chroma.any():
        return None
    best: Key | None = None
    for minor, profile in ((False, MAJOR), (True, MINOR)):
        for tonic in range(12):
            score = float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1])
            if best is None or score > best.confidence:
                best = Key(tonic, minor, score)
    return best
