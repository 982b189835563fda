"""Program material and the processors ear-training drills apply to it.

Everything is float64 at ``RATE``: mono material has shape ``(n,)``, stereo ``(n, 2)``.
Each generator takes a NumPy generator, so a question's seed fixes its audio.
"""

import functools

import numpy as np
import numpy.typing as npt
from scipy import signal as sp
from scipy.ndimage import maximum_filter1d

RATE = 48_000
"""Opus works at 48 kHz, so every clip is made at that rate: the top octave is all there."""
FADE = 0.02
"""Seconds of raised-cosine fade at both ends of every clip."""

Samples = npt.NDArray[np.float64]
NYQUIST = RATE / 2
SNARE_HIGH = sp.butter(2, 1500 / NYQUIST, "high", output="sos")
CLAP_BAND = sp.butter(2, [800 / NYQUIST, 6000 / NYQUIST], "band", output="sos")
HAT_HIGH = sp.butter(2, 7000 / NYQUIST, "high", output="sos")


def count(seconds: float) -> int:
    return round(seconds * RATE)


def rms(samples: Samples) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def db(gain: float) -> float:
    return float(10 ** (gain / 20))


def faded(samples: Samples) -> Samples:
    """``samples`` faded in and out, so a clip never starts or stops with a step."""
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, count(FADE)))
    shape = np.ones(len(samples))
    shape[: len(ramp)], shape[-len(ramp) :] = ramp, ramp[::-1]
    return samples * (shape if samples.ndim == 1 else shape[:, None])


def stereo(mono: Samples) -> Samples:
    return np.stack([mono, mono], axis=1)


# -- program material ---------------------------------------------------------------------------


def pink_noise(noise: np.random.Generator, seconds: float) -> Samples:
    """Pink noise (equal energy per octave) from 20 Hz up, at an RMS of 0.1."""
    n = count(seconds)
    frequencies = np.fft.rfftfreq(n, 1 / RATE)
    spectrum = noise.normal(size=n // 2 + 1) + 1j * noise.normal(size=n // 2 + 1)
    spectrum /= np.sqrt(np.maximum(frequencies, 20.0))
    spectrum[frequencies < 20] = 0
    out: Samples = np.fft.irfft(spectrum, n)
    return 0.1 * out / rms(out)


def _decay(seconds: float, tau: float) -> Samples:
    return np.exp(-np.arange(count(seconds)) / (tau * RATE))


def kick(noise: np.random.Generator) -> Samples:
    t = np.arange(count(0.35)) / RATE
    pitch = 48 + 110 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(pitch) / RATE) * _decay(0.35, 0.09)
    click = noise.normal(size=len(t)) * _decay(0.35, 0.002) * 0.3
    return body + click


def snare(noise: np.random.Generator, seconds: float = 0.25) -> Samples:
    t = np.arange(count(seconds)) / RATE
    tone = np.sin(2 * np.pi * 190 * t) * _decay(seconds, 0.04)
    rattle: Samples = sp.sosfilt(SNARE_HIGH, noise.normal(size=len(t)))
    return 0.6 * tone + 0.5 * rattle * _decay(seconds, 0.06)


def clap(noise: np.random.Generator) -> Samples:
    """A 15 ms burst of band-passed noise: short enough to hear a room's pre-delay after it."""
    burst = noise.normal(size=count(0.015)) * _decay(0.015, 0.003)
    return np.asarray(sp.sosfilt(CLAP_BAND, burst), dtype=np.float64)


def hat(noise: np.random.Generator) -> Samples:
    sizzle: Samples = sp.sosfilt(HAT_HIGH, noise.normal(size=count(0.08)))
    return 0.35 * sizzle * _decay(0.08, 0.015)


def place(out: Samples, sound: Samples, at: float, gain: float = 1.0) -> None:
    start = count(at)
    end = min(len(out), start + len(sound))
    out[start:end] += gain * sound[: end - start]


def drum_loop(noise: np.random.Generator, seconds: float, bpm: float = 110) -> Samples:
    """Kick, snare and eighth-note hats at uneven velocities (some hits loud, some soft)."""
    out = np.zeros(count(seconds))
    eighth = 30 / bpm
    for step in range(int(seconds / eighth)):
        at = 0.03 + step * eighth
        if step % 4 == 0:
            place(out, kick(noise), at, noise.uniform(0.7, 1.0))
        if step % 4 == 2:
            place(out, snare(noise), at, noise.uniform(0.25, 0.9))
        place(out, hat(noise), at, noise.uniform(0.2, 0.8))
    return out / float(np.max(np.abs(out)))


def note(frequency: float, seconds: float, partials: int = 4) -> Samples:
    """A plucked tone: harmonics at 1/k amplitude, decaying, faded in and out."""
    t = np.arange(count(seconds)) / RATE
    tone = sum(np.sin(2 * np.pi * frequency * k * t) / k for k in range(1, partials + 1))
    return faded(np.asarray(tone * np.exp(-t / (seconds * 0.6)), dtype=np.float64))


def midi_hz(midi: float) -> float:
    return float(440 * 2 ** ((midi - 69) / 12))


@functools.lru_cache(maxsize=8)
def _chords(root: int, seconds: float) -> Samples:
    """Bass under a chord pad whose four voices spread from left to right (read-only)."""
    n = count(seconds)
    bass = np.zeros(n)
    for index, step in enumerate((0, 0, 5, 7)):
        place(bass, note(midi_hz(root - 12 + step), seconds / 4, partials=3), index * seconds / 4)
    out = np.stack([0.5 * bass, 0.5 * bass], axis=1)
    for voice, interval in enumerate((12, 16, 19, 23)):
        sound = note(midi_hz(root + interval) * (1 + 0.002 * (voice - 1.5)), seconds)
        pan = (voice / 3) * 0.8 + 0.1
        out[:, 0] += 0.25 * np.sqrt(1 - pan) * sound
        out[:, 1] += 0.25 * np.sqrt(pan) * np.roll(sound, count(0.007 * voice))
    out.flags.writeable = False
    return out


def little_mix(noise: np.random.Generator, seconds: float) -> Samples:
    """A stereo loop: drums in the centre, bass, a chord pad with its voices spread left and
    right, and a shaker on one side: wide, but with a solid centre."""
    root = 45 + int(noise.integers(0, 7))
    drums = 0.6 * drum_loop(noise, seconds)
    shaker = np.zeros(count(seconds))
    for step in range(int(seconds / 0.136)):
        place(shaker, hat(noise), 0.1 + step * 0.136, noise.uniform(0.1, 0.4))
    mix = _chords(root, seconds) + drums[:, None]
    mix[:, 0] += 0.3 * shaker
    mix[:, 1] += 0.1 * np.roll(shaker, count(0.011))
    return 0.5 * mix / float(np.max(np.abs(mix)))


# -- processors ---------------------------------------------------------------------------------


def bell(samples: Samples, centre: float, gain_db: float, q: float) -> Samples:
    """A peaking EQ (the RBJ cookbook's) at ``centre`` Hz."""
    amplitude = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * centre / RATE
    alpha = np.sin(w0) / (2 * q)
    b = [1 + alpha * amplitude, -2 * np.cos(w0), 1 - alpha * amplitude]
    a = [1 + alpha / amplitude, -2 * np.cos(w0), 1 - alpha / amplitude]
    return np.asarray(sp.lfilter(b, a, samples, axis=0), dtype=np.float64)


def compress(samples: Samples, ratio: float, attack: float, threshold_db: float = -24) -> Samples:
    """A feed-forward compressor: the gain follows the level held over 50 ms (the release)
    and closes in with the ``attack`` time constant, so a slow attack lets onsets through."""
    level = np.abs(samples if samples.ndim == 1 else samples.max(axis=1))
    window = count(0.05)
    held = maximum_filter1d(level, window, origin=(window - 1) // 2)
    over = np.maximum(20 * np.log10(np.maximum(held, 1e-9)) - threshold_db, 0)
    reduction = over * (1 - 1 / ratio)
    pole = np.exp(-1 / (attack * RATE))
    smooth: Samples = sp.lfilter([1 - pole], [1, -pole], reduction)
    gain = 10 ** (-smooth / 20)
    return samples * (gain if samples.ndim == 1 else gain[:, None])


def reverb(
    samples: Samples, noise: np.random.Generator, decay: float, predelay: float, wet: float = 0.5
) -> Samples:
    """``samples`` (mono) in a room: a stereo tail of decaying noise with ``decay`` seconds of
    RT60, starting ``predelay`` seconds after the dry sound."""
    length = count(min(decay * 1.2, 3.0))
    envelope = 10 ** (-3 * np.arange(length) / (decay * RATE))
    tail = noise.normal(size=(length, 2)) * envelope[:, None]
    tail /= np.sqrt(np.sum(tail**2, axis=0) / 2)
    response = np.concatenate([np.zeros((count(predelay), 2)), tail])
    room = sp.fftconvolve(samples[:, None], response, axes=0)[: len(samples)]
    return np.asarray(stereo(samples) + wet * room, dtype=np.float64)


def echo(samples: Samples, delay: float, feedback: float = 0.4, repeats: int = 5) -> Samples:
    out = samples.copy()
    for k in range(1, repeats + 1):
        shift = count(delay * k)
        if shift < len(samples):
            out[shift:] += feedback**k * samples[: len(samples) - shift]
    return out


def saturate(samples: Samples, drive: float) -> Samples:
    """Soft clipping (tanh) driven ``drive`` times into the curve, at the input's RMS."""
    peak = float(np.max(np.abs(samples)))
    out = np.tanh(drive * samples / peak)
    return out * rms(samples) / rms(out)


def widen(samples: Samples, width: float) -> Samples:
    """Stereo width by mid/side: 0 is mono, 1 leaves the mix as it is."""
    mid = samples.mean(axis=1, keepdims=True)
    side = (samples[:, :1] - samples[:, 1:]) / 2
    return np.concatenate([mid + width * side, mid - width * side], axis=1)


def pan(mono: Samples, position: float) -> Samples:
    """Constant-power pan: -1 hard left, 0 centre, 1 hard right."""
    angle = (position + 1) * np.pi / 4
    return np.stack([mono * np.cos(angle), mono * np.sin(angle)], axis=1)
