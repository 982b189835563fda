"""Levels measured block by block as the track is decoded: loudness (ITU-R BS.1770-4 with
EBU R128 gating, K-weighting from pyloudnorm), loudness range (EBU Tech 3342), true peak
(4x oversampled), sample peak and clipping, stereo correlation and mono loss. Beside them
it keeps what the slower estimates and the picture need, all small: a mono copy at about
11 kHz, and per 100 ms the waveform's extent and a coarse spectrum."""

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyloudnorm import IIRfilter
from scipy import ndimage, signal

from bot.audio.decode import Block

Floats = npt.NDArray[np.float64]

HOP_SECONDS = 0.1
GATING_HOPS = 4
"""400 ms gating blocks, overlapping by 75 %."""
SHORT_TERM_HOPS = 30
"""3 s short-term windows (Tech 3342 takes one every 100 ms)."""
BLOCK_HOPS = 10
"""Blocks of a second: small enough to keep memory flat, big enough to cost little."""
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
RANGE_GATE = -20.0
RANGE_PERCENTILES = (10.0, 95.0)
CLIPPED = 0.9999
"""A sample at least this close to full scale counts as clipped."""
OVERSAMPLING = 4
EDGE = 16
"""Samples of context on each side of an oversampled block (the filter reaches 10)."""
ANALYSIS_RATE = 11025
SPECTRUM_SIZE = 2048
BANDS = 96
LOWEST_BAND = 30.0
TOTAL_LOSS = 40.0
"""A mono sum this many dB under the stereo level is reported as a total loss."""


def power_db(power: float) -> float:
    return 10 * math.log10(power) if power > 0 else -math.inf


def loudness(power: Floats | float) -> Floats:
    """BS.1770's loudness of a mean square (already summed over channels)."""
    with np.errstate(divide="ignore"):
        return np.asarray(-0.691 + 10 * np.log10(power), dtype=np.float64)


def k_weighting(rate: int) -> Floats:
    """BS.1770's two K-weighting stages as second-order sections."""
    stages = (
        IIRfilter(4.0, 1 / math.sqrt(2), 1500.0, rate, "high_shelf"),
        IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"),
    )
    return np.array([np.concatenate([f.b * f.passband_gain, f.a]) for f in stages])


def integrated(hop_power: Floats) -> float:
    """Gated loudness of 100 ms mean squares (summed over channels), in LUFS."""
    if len(hop_power) < GATING_HOPS:
        return -math.inf
    blocks = np.convolve(hop_power, np.ones(GATING_HOPS) / GATING_HOPS, mode="valid")
    levels = loudness(blocks)
    kept = blocks[levels > ABSOLUTE_GATE]
    if not len(kept):
        return -math.inf
    gate = float(loudness(kept.mean())) + RELATIVE_GATE
    kept = blocks[(levels > ABSOLUTE_GATE) & (levels > gate)]
    return float(loudness(kept.mean()))


def short_term(hop_power: Floats) -> Floats:
    """Loudness of each 3 s window, one every 100 ms."""
    if len(hop_power) < SHORT_TERM_HOPS:
        return loudness(np.array([hop_power.mean()])) if len(hop_power) else np.array([])
    windows = np.convolve(hop_power, np.ones(SHORT_TERM_HOPS) / SHORT_TERM_HOPS, mode="valid")
    return loudness(windows)


def loudness_range(short: Floats) -> float:
    """EBU Tech 3342: the spread (10th to 95th percentile) of the short-term loudness above
    the absolute gate and 20 LU under the mean of what passed it."""
    kept = short[short > ABSOLUTE_GATE]
    if len(kept) < 2:
        return 0.0
    gate = float(loudness(float(np.mean(10 ** ((kept + 0.691) / 10))))) + RANGE_GATE
    kept = kept[kept > gate]
    low, high = np.percentile(kept, RANGE_PERCENTILES)
    return float(high - low)


def _phases() -> Floats:
    """The three in-between phases of a 4x interpolation filter (a 49-tap windowed sinc
    whose phase 0 passes the samples through unchanged), one column per phase."""
    taps = signal.firwin(12 * OVERSAMPLING + 1, 1 / OVERSAMPLING) * OVERSAMPLING
    return np.stack([taps[phase::OVERSAMPLING][:12] for phase in range(1, OVERSAMPLING)])


PHASES = _phases().astype(np.float32)
GAIN = float(np.abs(PHASES).sum(axis=1).max())
"""No interpolated value exceeds the largest sample within reach times this."""


class _TruePeak:
    """The highest 4x oversampled magnitude (BS.1770-4 Annex 2), block by block: each block
    is interpolated with ``EDGE`` samples of its neighbours, so block edges read like the
    middle. Stretches of 100 ms whose samples, times the filter's gain, cannot beat the
    peak found so far are skipped: the answer is the same, and a quiet passage costs
    nothing."""

    def __init__(self, channels: int, hop: int) -> None:
        self._history = np.zeros((channels, EDGE), dtype=np.float32)
        self._hop = hop
        self.peak = 0.0

    def feed(self, block: Block) -> None:
        buffer = np.concatenate([self._history, block], axis=1)
        end = buffer.shape[1] - EDGE
        magnitude = np.abs(buffer).max(axis=0)
        self.peak = max(self.peak, float(magnitude.max()))
        if end > EDGE:
            starts = range(EDGE, end, self._hop)
            loud = [
                magnitude[start - EDGE : start + self._hop + EDGE].max() * GAIN > self.peak
                for start in starts
            ]
            runs = itertools.groupby(zip(starts, loud, strict=True), key=lambda item: item[1])
            for needed, group in runs:
                if needed:
                    run = [start for start, _ in group]
                    last = min(end, run[-1] + self._hop)
                    self._interpolate(buffer[:, run[0] - EDGE : last + EDGE])
        self._history = buffer[:, -2 * EDGE :]

    def _interpolate(self, part: Block) -> None:
        for weights in PHASES:
            between = ndimage.correlate1d(part, weights, axis=1)[:, EDGE:-EDGE]
            self.peak = max(self.peak, float(between.max()), -float(between.min()))

    def finish(self) -> None:
        self.feed(np.zeros((self._history.shape[0], EDGE), dtype=np.float32))


class _Decimator:
    """A mono copy at about ``ANALYSIS_RATE``: low-passed (filter state kept across blocks),
    then every ``factor``-th sample."""

    def __init__(self, rate: int) -> None:
        self.factor = max(1, round(rate / ANALYSIS_RATE))
        self.rate = rate / self.factor
        self._sos = signal.butter(4, 0.9 / self.factor, output="sos") if self.factor > 1 else None
        self._state = np.zeros((2, 2)) if self._sos is not None else None
        self._position = 0
        self._parts: list[npt.NDArray[np.float32]] = []

    def feed(self, mono: Floats) -> None:
        if self._sos is not None:
            mono, self._state = signal.sosfilt(self._sos, mono, zi=self._state)
        first = (-self._position) % self.factor
        self._parts.append(mono[first :: self.factor].astype(np.float32))
        self._position += len(mono)

    def samples(self) -> npt.NDArray[np.float32]:
        return np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)


@dataclass(frozen=True, slots=True)
class Levels:
    seconds: float
    integrated: float
    """LUFS; -inf for a silent track."""
    true_peak: float
    sample_peak: float
    clipped: int
    loudness_range: float
    correlation: float | None
    """None for a mono track."""
    mono_loss: float | None
    """dB lost when the channels are summed to mono; inf for a total loss."""
    short_term: Floats
    """Short-term loudness every 100 ms (the first 3 s in one value)."""


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the tempo, key and picture are drawn from."""

    mono: npt.NDArray[np.float32]
    mono_rate: float
    extent: npt.NDArray[np.float32]
    """Per 100 ms, the lowest and highest sample of the mono mix: ``(hops, 2)``."""
    spectrum: npt.NDArray[np.float32]
    """Per 100 ms, dB in ``BANDS`` log-spaced bands: ``(hops, BANDS)``."""
    band_edges: Floats


class Meter:
    def __init__(self, rate: int, channels: int) -> None:
        self.rate = rate
        self.hop = max(1, round(rate * HOP_SECONDS))
        self._sos = k_weighting(rate).astype(np.float32)
        self._state = np.zeros((2, channels, 2), dtype=np.float32)
        self._true_peak = _TruePeak(channels, self.hop)
        self._decimator = _Decimator(rate)
        self._samples = 0
        self._peak = 0.0
        self._clipped = 0
        self._raw = np.zeros((2, 2))
        self._weighted = np.zeros((2, 2))
        self._hops: list[Floats] = []
        self._extent: list[npt.NDArray[np.float32]] = []
        self._spectra: list[npt.NDArray[np.float32]] = []
        nyquist = rate / 2
        self.band_edges = np.geomspace(LOWEST_BAND, min(nyquist, 20000.0), BANDS + 1)
        bins = np.fft.rfftfreq(SPECTRUM_SIZE, 1 / rate)
        self._band_bins = np.searchsorted(bins, self.band_edges[:-1])
        self._window = np.hanning(min(SPECTRUM_SIZE, self.hop)).astype(np.float32)

    @property
    def block_size(self) -> int:
        """Feed blocks of this many samples (the last may be shorter): whole 100 ms hops."""
        return self.hop * BLOCK_HOPS

    def feed(self, block: Block) -> None:
        self._samples += block.shape[1]
        magnitude = np.abs(block)
        self._peak = max(self._peak, float(magnitude.max()))
        self._clipped += int(np.count_nonzero(magnitude >= CLIPPED))
        self._true_peak.feed(block)
        weighted, self._state = signal.sosfilt(self._sos, block, axis=1, zi=self._state)
        if block.shape[0] == 2:
            self._raw += _products(block)
            self._weighted += _products(weighted)
        whole = (block.shape[1] // self.hop) * self.hop
        hops = whole // self.hop
        squares = np.square(weighted[:, :whole]).reshape(block.shape[0], hops, self.hop)
        self._hops.append(squares.mean(axis=2).sum(axis=0))
        mono = block.mean(axis=0)
        self._decimator.feed(mono.astype(np.float64))
        framed = mono[:whole].reshape(hops, self.hop)
        self._extent.append(np.stack([framed.min(axis=1), framed.max(axis=1)], axis=1))
        windows = framed[:, : len(self._window)] * self._window
        power = np.square(np.abs(np.fft.rfft(windows, SPECTRUM_SIZE, axis=1)))
        bands = np.add.reduceat(power, self._band_bins, axis=1) / np.maximum(
            np.diff(np.append(self._band_bins, power.shape[1])), 1
        )
        self._spectra.append((10 * np.log10(bands + 1e-12)).astype(np.float32))

    def levels(self) -> Levels:
        self._true_peak.finish()
        hop_power = np.concatenate(self._hops) if self._hops else np.zeros(0)
        short = short_term(hop_power)
        correlation = mono_loss = None
        if self._raw.any():
            (ll, lr), (_, rr) = self._raw
            correlation = float(lr / math.sqrt(ll * rr)) if ll > 0 and rr > 0 else 0.0
            (ll, lr), (_, rr) = self._weighted
            stereo, summed = (ll + rr) / 2, (ll + rr + 2 * lr) / 4
            mono_loss = power_db(stereo) - power_db(summed) if summed > 0 else math.inf
            if mono_loss >= TOTAL_LOSS:
                mono_loss = math.inf
            mono_loss = max(0.0, mono_loss)
        return Levels(
            seconds=self._samples / self.rate,
            integrated=integrated(hop_power),
            true_peak=20 * math.log10(self._true_peak.peak) if self._true_peak.peak else -math.inf,
            sample_peak=20 * math.log10(self._peak) if self._peak else -math.inf,
            clipped=self._clipped,
            loudness_range=loudness_range(short),
            correlation=correlation,
            mono_loss=mono_loss,
            short_term=short,
        )

    def sketch(self) -> Sketch:
        return Sketch(
            mono=self._decimator.samples(),
            mono_rate=self._decimator.rate,
            extent=np.concatenate(self._extent) if self._extent else np.zeros((0, 2), np.float32),
            spectrum=np.concatenate(self._spectra)
            if self._spectra
            else np.zeros((0, BANDS), np.float32),
            band_edges=self.band_edges,
        )


def _products(block: Floats | Block) -> Floats:
    """The channels' sums of products: ``[[LL, LR], [RL, RR]]``."""
    return np.asarray(block @ block.T, dtype=np.float64)
