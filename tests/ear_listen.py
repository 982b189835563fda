"""An attentive listener for ear-training clips, made of plain measurements (band energy by
FFT, RMS, crest factor, inter-channel correlation, decay time, autocorrelation, spectral
peaks) and nothing of the bot's own code: it says which choice the audio holds and by how
much it holds it."""

import io
import re

import av
import numpy as np
import numpy.typing as npt
from scipy.signal import find_peaks

Clip = npt.NDArray[np.float64]
RATE = 48_000


def decode(data: bytes) -> tuple[Clip, int]:
    """A compressed file as stereo float samples, and its sample rate."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray() for frame in container.decode(stream)]
        rate = stream.sample_rate
    samples = np.concatenate(frames, axis=1).T.astype(np.float64)
    return (samples if samples.shape[1] == 2 else np.repeat(samples, 2, axis=1)), rate


def split(samples: Clip, clips: int, rate: int = RATE) -> list[Clip]:
    """The file cut into ``clips`` at its longest silences between sounds."""
    quiet = np.abs(samples).max(axis=1) < 1e-3
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(int), [0]])))
    inside = [
        (start, end)
        for start, end in zip(edges[::2], edges[1::2], strict=True)
        if start > 0 and end < len(samples)
    ]
    runs = sorted(inside, key=lambda r: r[0] - r[1])
    cuts = sorted((start + end) // 2 for start, end in runs[: clips - 1] if end - start > rate // 4)
    return [part for part in np.split(samples, cuts) if len(part)]


def aligned(first: Clip, second: Clip) -> tuple[Clip, Clip]:
    """The two clips shifted onto each other (by cross-correlation) and cut to one length."""
    a, b = first.mean(axis=1), second.mean(axis=1)
    size = len(a) + len(b)
    lag = int(np.argmax(np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)))))
    lag = lag - size if lag > size // 2 else lag
    first, second = (first[lag:], second) if lag >= 0 else (first, second[-lag:])
    length = min(len(first), len(second))
    return first[:length], second[:length]


def rms(x: Clip) -> float:
    return float(np.sqrt(np.mean(x**2)))


def crest_db(x: Clip) -> float:
    """Short-term crest factor: the loudest 5 ms (RMS) over the whole clip's RMS."""
    frame = RATE // 200
    mono = x.mean(axis=1)[: len(x) // frame * frame]
    return float(
        20 * np.log10(np.sqrt(np.mean(mono.reshape(-1, frame) ** 2, axis=1)).max() / rms(x))
    )


def hertz(label: str) -> float:
    number, unit = label.split()
    return float(number) * (1000 if unit == "kHz" else 1)


def band_change_db(reference: Clip, processed: Clip, low: float, high: float) -> float:
    freqs = np.fft.rfftfreq(len(reference), 1 / RATE)
    band = (freqs >= low) & (freqs < high)
    power = [
        np.mean(np.abs(np.fft.rfft(x.mean(axis=1), len(reference)))[band] ** 2)
        for x in (reference, processed)
    ]
    return float(10 * np.log10(power[1] / power[0]))


def decay_seconds(x: Clip) -> float:
    """RT60 from the Schroeder curve of the part after the loudest moment (T20 times 3)."""
    energy = x.mean(axis=1)[int(np.argmax(np.abs(x.mean(axis=1)))) :] ** 2
    curve = 10 * np.log10(np.cumsum(energy[::-1])[::-1] / np.sum(energy) + 1e-30)
    start, end = np.argmax(curve < -5), np.argmax(curve < -25)
    return float(3 * (end - start) / RATE)


def tail_onset_ms(x: Clip) -> float:
    """When the room answers: the first millisecond, 15 ms or more after the hit's peak,
    whose level is within 30 dB of that peak."""
    mono = x.mean(axis=1)
    peak = int(np.argmax(np.abs(mono)))
    frames = np.sqrt(np.mean(mono[peak : peak + RATE // 2].reshape(-1, RATE // 1000) ** 2, axis=1))
    level = 20 * np.log10(frames / frames.max() + 1e-12)
    return float(15 + np.argmax(level[15:] > -30))


def echo_seconds(x: Clip) -> float:
    """The strongest repeat between 30 ms and 600 ms, by autocorrelation."""
    mono = x.mean(axis=1)
    spectrum = np.fft.rfft(mono, 2 * len(mono))
    correlation = np.fft.irfft(np.abs(spectrum) ** 2)[: len(mono)]
    low, high = int(0.03 * RATE), int(0.6 * RATE)
    return float((low + np.argmax(correlation[low:high])) / RATE)


def correlation(x: Clip) -> float:
    return float(np.sum(x[:, 0] * x[:, 1]) / np.sqrt(np.sum(x[:, 0] ** 2) * np.sum(x[:, 1] ** 2)))


def pitches(x: Clip) -> list[float]:
    """Semitones above the lowest note of the notes within its octave (partials, which lie
    an octave or more above their note, left out)."""
    mono = x.mean(axis=1) * np.hanning(len(x))
    magnitude = np.abs(np.fft.rfft(mono, 4 * len(mono)))
    freqs = np.fft.rfftfreq(4 * len(mono), 1 / RATE)
    usable = (freqs > 60) & (freqs < 1500)
    found, _ = find_peaks(magnitude * usable, height=0.2 * magnitude[usable].max())
    notes = freqs[found]
    steps = 12 * np.log2(notes / notes[0])
    return [float(step) for step in steps if 0.5 < step < 11.5]


def fundamental(x: Clip) -> float:
    mono = x.mean(axis=1) * np.hanning(len(x))
    magnitude = np.abs(np.fft.rfft(mono, 4 * len(mono)))
    freqs = np.fft.rfftfreq(4 * len(mono), 1 / RATE)
    return float(freqs[np.argmax(magnitude * (freqs > 60))])


INTERVALS = (
    "minor 2nd", "major 2nd", "minor 3rd", "major 3rd", "perfect 4th", "tritone",
    "perfect 5th", "minor 6th", "major 6th", "minor 7th", "major 7th", "octave",
)  # fmt: skip
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


def _two(first: float, second: float) -> tuple[int, float]:
    """Choice 0 or 1 for whichever value is larger, and by how much."""
    return int(second > first), abs(second - first)


def hear(kind: str, prompt: str, choices: list[str], clips: list[Clip]) -> tuple[int, float]:
    """The choice the clips hold, and the measured difference behind it."""
    if kind == "eq":
        reference, processed = clips
        width = 2 ** (1 / 6) if "third-octave" in prompt else 2**0.5
        sign = -1 if " cut " in prompt else 1

        def change(label: str) -> float:
            return sign * band_change_db(reference, processed, hertz(label) / width,
                                         hertz(label) * width)  # fmt: skip

        scores = [min(change(band) for band in choice.split(" and ")) for choice in choices]
        return int(np.argmax(scores)), float(max(scores))
    if kind == "level":
        return _two(*(20 * np.log10(rms(clip)) for clip in clips))
    if kind == "compression":
        heard, gap = _two(*(crest_db(clip) for clip in clips))
        return (heard if "slower attack" in prompt else 1 - heard), gap
    if kind == "saturation":
        clean, driven = aligned(*sorted(clips, key=crest_db, reverse=True))
        fit = np.sum(clean * driven) / np.sum(clean**2)
        residue = 10 * np.log10(np.sum((driven - fit * clean) ** 2) / np.sum(driven**2))
        return int(crest_db(clips[1]) < crest_db(clips[0])), float(residue)
    if kind == "reverb":
        if "decay" in prompt:
            times = [decay_seconds(clip) for clip in clips]
            return int(np.argmax(times)), max(times) / min(times)
        return _two(*(tail_onset_ms(clip) for clip in clips))
    if kind == "delay":
        times = [echo_seconds(clip) for clip in clips]
        return int(np.argmax(times)), max(times) / min(times)
    if kind == "stereo":
        if "panned" in prompt:
            second = clips[1]
            return _two(*(20 * np.log10(rms(second[:, side]) + 1e-12) for side in (0, 1)))
        return _two(*(-correlation(clip) for clip in clips))
    if kind == "interval":
        [clip] = clips
        if "lower first" in prompt:
            half = len(clip) // 2
            heard = 12 * np.log2(fundamental(clip[half:]) / fundamental(clip[:half]))
        else:
            [heard] = pitches(clip)
        steps = [INTERVALS.index(choice) + 1 for choice in choices]
        distance = [abs(heard - step) for step in steps]
        best = int(np.argmin(distance))
        return best, min(d for i, d in enumerate(distance) if i != best)
    [clip] = clips
    heard_notes = pitches(clip)

    def apart(name: str) -> float:
        notes = CHORDS[name]
        if len(notes) != len(heard_notes):
            return 12.0
        return max(abs(h - n) for h, n in zip(heard_notes, notes, strict=True))

    distance = [apart(choice) for choice in choices]
    best = int(np.argmin(distance))
    return best, min(d for i, d in enumerate(distance) if i != best)


def choices_in(text: str) -> list[str]:
    """The lettered choices of a question message."""
    return re.findall(r"^\*\*[A-E]\*\* (.+)$", text, flags=re.MULTILINE)
