"""Test signals for the audio analysis, generated rather than stored, and their encodings."""

import io

import av
import numpy as np
import numpy.typing as npt
from scipy import signal

Signal = npt.NDArray[np.float32]
"""``(channels, samples)`` at ±1.0 full scale."""


def sine(
    frequency: float,
    dbfs: float,
    seconds: float,
    rate: int = 48000,
    *,
    phase_degrees: float = 0.0,
    amplitude: float | None = None,
) -> npt.NDArray[np.float64]:
    """A mono sine whose peak is ``dbfs`` (or ``amplitude``)."""
    peak = amplitude if amplitude is not None else 10 ** (dbfs / 20)
    t = np.arange(int(seconds * rate)) / rate
    return np.asarray(
        peak * np.sin(2 * np.pi * frequency * t + np.radians(phase_degrees)), dtype=np.float64
    )


def stereo(mono: npt.NDArray[np.float64], right: npt.NDArray[np.float64] | None = None) -> Signal:
    return np.stack([mono, mono if right is None else right]).astype(np.float32)


def steps(levels: list[tuple[float, float]], rate: int = 48000) -> Signal:
    """Stereo 1 kHz tones at ``(dBFS, seconds)`` one after the other (Tech 3341/3342)."""
    return stereo(np.concatenate([sine(1000, db, s, rate) for db, s in levels]))


def _hit(
    rate: int, seconds: float, frequency: float, decay: float, noise: float, seed: int
) -> npt.NDArray[np.float64]:
    t = np.arange(int(seconds * rate)) / rate
    rng = np.random.default_rng(seed)
    body = np.sin(2 * np.pi * frequency * t) * (1 - noise) + rng.uniform(-1, 1, len(t)) * noise
    return body * np.exp(-t / decay)


def clicks(bpm: float, seconds: float = 8.0, rate: int = 44100) -> Signal:
    """A metronome: a short click on every beat, the first of each bar higher."""
    out = np.zeros(int(seconds * rate))
    beat = 60 / bpm
    for index in range(int(seconds / beat)):
        hit = _hit(rate, 0.03, 2000 if index % 4 == 0 else 1500, 0.005, 0.1, index)
        start = round(index * beat * rate)
        out[start : start + len(hit)] += 0.5 * hit[: len(out) - start]
    return stereo(out)


def drums(bpm: float, seconds: float = 8.0, rate: int = 44100) -> Signal:
    """A rock beat: kick on 1 and 3, snare on 2 and 4, closed hi-hat on every eighth."""
    out = np.zeros(int(seconds * rate))
    beat = 60 / bpm
    kick = _hit(rate, 0.25, 55, 0.08, 0.05, 1)
    snare = _hit(rate, 0.2, 190, 0.06, 0.7, 2)
    hat = np.diff(_hit(rate, 0.05, 8000, 0.01, 0.9, 3), prepend=0.0)  # cymbals are bright
    for eighth in range(int(seconds / beat * 2)):
        start = round(eighth * beat / 2 * rate)
        parts = [(hat, 0.25)]
        if eighth % 4 == 0:
            parts.append((kick, 0.8))
        elif eighth % 4 == 2:
            parts.append((snare, 0.6))
        for hit, gain in parts:
            end = min(len(out), start + len(hit))
            out[start:end] += gain * hit[: end - start]
    return stereo(out / max(1.0, float(np.abs(out).max()) / 0.9))


MAJOR_CHORDS = ((0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7))
"""I, IV, V, I (semitones above the tonic)."""
MINOR_CHORDS = ((0, 3, 7), (5, 8, 12), (7, 11, 14), (0, 3, 7))
"""i, iv, V, i (harmonic minor's dominant)."""


def progression(tonic: int, minor: bool, seconds: float = 8.0, rate: int = 22050) -> Signal:
    """Four chords of organ-like tones (a few harmonics) with the tonic's root in the bass;
    ``tonic`` is a pitch class, 0 = C."""
    chords = MINOR_CHORDS if minor else MAJOR_CHORDS
    length = int(seconds / len(chords) * rate)
    t = np.arange(length) / rate
    envelope = np.minimum(1, np.minimum(t, t[::-1]) / 0.02)
    parts = []
    for chord in chords:
        tone = np.zeros(length)
        root = 48 + tonic + chord[0]
        notes = [root - 12, *(60 + tonic + step for step in chord)]
        for note in notes:
            frequency = 440 * 2 ** ((note - 69) / 12)
            for harmonic, weight in ((1, 1.0), (2, 0.5), (3, 0.25)):
                tone += weight * np.sin(2 * np.pi * frequency * harmonic * t)
        parts.append(tone * envelope)
    out = np.concatenate(parts)
    return stereo(0.5 * out / np.abs(out).max())


FORMATS = {
    "wav": ("wav", "pcm_s16le", None),
    "aiff": ("aiff", "pcm_s16be", None),
    "flac": ("flac", "flac", None),
    "mp3": ("mp3", "libmp3lame", 320_000),
    "ogg": ("ogg", "libopus", 256_000),
    "m4a": ("ipod", "aac", 320_000),
}
"""Extension: (container, codec, bit rate) of every format the bot accepts."""


def encode(audio: Signal, rate: int, extension: str = "wav") -> bytes:
    """``audio`` as a file of the given format, encoded by PyAV."""
    container_format, codec, bit_rate = FORMATS[extension]
    if codec == "libopus" and rate != 48000:
        raise ValueError("Opus takes 48 kHz")
    buffer = io.BytesIO()
    layout = "mono" if audio.shape[0] == 1 else "stereo"
    with av.open(buffer, "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, av.AudioStream)
        if bit_rate:
            stream.bit_rate = bit_rate
        formats = stream.codec_context.codec.audio_formats
        assert formats
        sample_format = formats[0].name
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(audio, dtype=np.float32), format="fltp", layout=layout
        )
        frame.rate = rate
        resampler = av.AudioResampler(format=sample_format, layout=layout, rate=rate)
        for converted in resampler.resample(frame):
            container.mux(stream.encode(converted))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def faded(audio: Signal, rate: int = 48000, seconds: float = 0.05) -> Signal:
    """``audio`` with short fades at both ends, so its edges add no peaks of their own."""
    ramp = np.sin(np.linspace(0, np.pi / 2, int(seconds * rate))) ** 2
    out = audio.copy()
    out[:, : len(ramp)] *= ramp
    out[:, -len(ramp) :] *= ramp[::-1]
    return out


def burst(offset: int, seconds: float = 1.0, rate: int = 48000) -> Signal:
    """Tech 3341 cases 20-23: a half-scale sine at fs/6 with one period of a full-scale sine
    at fs/4 in the middle, each part starting at zero so the phase runs on across the joins.
    Made at 4x the rate, then low-passed and decimated from ``offset`` (0-3) fine samples in,
    and faded at both ends."""
    tone = 0.5 * np.sin(2 * np.pi * np.arange(round(seconds / 2 * rate / 6) * 24) / 24)
    peak = np.sin(2 * np.pi * np.arange(16) / 16)
    fine = np.concatenate([tone, peak, tone])
    return faded(stereo(signal.resample_poly(fine[offset:], 1, 4)), rate)
