"""Any track the bot accepts (WAV, AIFF, FLAC, MP3, OGG/Opus or Vorbis, M4A/AAC) decoded by
PyAV (FFmpeg) into planar float blocks, one block at a time: memory stays bounded whatever
the track's length, and a track over the length limit is refused as soon as it passes it."""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import av
import av.error
import numpy as np
import numpy.typing as npt

from bot.audio.errors import CorruptAudio, NotAudio, TooLong, UnsupportedCodec

Block = npt.NDArray[np.float32]
"""Samples as ``(channels, samples)``, full scale at ±1.0."""
Track = bytes | Path
"""A file's bytes, or the file itself (read as it is decoded, never held whole)."""

MAX_SECONDS = 15 * 60
"""The longest track analysed."""
FULL_SCALE = {"s16": 2**15, "s32": 2**31, "flt": 1, "dbl": 1}
"""Sample formats converted without the resampler, and their full scale."""
LOSSLESS = ("flac", "alac", "wavpack", "tta", "ape")


@dataclass(frozen=True, slots=True)
class Source:
    """What the file says about itself."""

    rate: int
    channels: int
    """As stored; decoded blocks have one channel (mono) or two (anything more is mixed
    down to stereo)."""
    bit_depth: int | None
    """None for a lossy codec, where bit depth means nothing."""
    codec: str
    declared_seconds: float | None


class Decoder:
    """``with Decoder(data, name) as track: for block in track.blocks(size): ...``"""

    def __init__(self, data: Track, name: str, max_seconds: float = MAX_SECONDS) -> None:
        self._name = name
        self._max_seconds = max_seconds
        try:
            source = str(data) if isinstance(data, Path) else io.BytesIO(data)
            self._container = av.open(source, mode="r")
        except (av.error.FFmpegError, UnicodeDecodeError, ValueError):
            raise NotAudio(name) from None
        if not self._container.streams.audio:
            self._container.close()
            raise NotAudio(name)
        self._stream = self._container.streams.audio[0]
        try:
            self.source = self._describe()
        except BaseException:
            self._container.close()
            raise

    def _describe(self) -> Source:
        context = self._stream.codec_context
        codec = context.name if context is not None else "an unknown codec"
        if context is None or not context.codec.is_decoder or not context.sample_rate:
            raise UnsupportedCodec(self._name, codec)
        bits: int | None = None
        if digits := re.match(r"pcm_[suf](\d+)", codec):
            bits = int(digits.group(1))
        elif codec.startswith(LOSSLESS):
            # FLAC and ALAC decode 17 to 32 bits into 32: 24 is what such files hold.
            bits = 16 if context.format.bits <= 16 else 24
        declared = None
        if self._stream.duration is not None and self._stream.time_base is not None:
            declared = float(self._stream.duration * self._stream.time_base)
        elif self._container.duration is not None:
            declared = self._container.duration / av.time_base
        if declared is not None and declared > self._max_seconds + 1:
            raise TooLong(self._name, int(self._max_seconds // 60))
        return Source(context.sample_rate, context.channels, bits, codec, declared)

    @property
    def out_channels(self) -> int:
        return 1 if self.source.channels == 1 else 2

    def _frames(self) -> Iterator[Block]:
        limit = int(self._max_seconds * self.source.rate)
        decoded = 0
        try:
            for block in self._converted():
                decoded += block.shape[1]
                if decoded > limit:
                    raise TooLong(self._name, int(self._max_seconds // 60))
                yield block
        except av.error.FFmpegError:
            raise CorruptAudio(self._name) from None
        if decoded == 0:
            raise CorruptAudio(self._name)

    def _converted(self) -> Iterator[Block]:
        """Decoded frames as float blocks: common sample formats converted directly (much
        cheaper than FFmpeg's resampler per frame), anything else through the resampler."""
        layout = "mono" if self.out_channels == 1 else "stereo"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=self.source.rate)
        used = False
        for frame in self._container.decode(self._stream):
            scale = FULL_SCALE.get(frame.format.name.rstrip("p"))
            channels = len(frame.layout.channels)
            if scale is None or channels > 2 or frame.rate != self.source.rate:
                used = True
                for out in resampler.resample(frame):
                    yield _floats(out)
                continue
            samples = frame.to_ndarray()
            if not frame.format.is_planar:
                samples = samples.reshape(-1, channels).T
            block = samples.astype(np.float32)
            if scale != 1:
                block /= np.float32(scale)
            yield block
        if used:
            for out in resampler.resample(None):
                yield _floats(out)

    def blocks(self, size: int) -> Iterator[Block]:
        """The whole track in blocks of ``size`` samples (the last one shorter)."""
        pending: list[Block] = []
        held = 0
        for frame in self._frames():
            pending.append(frame)
            held += frame.shape[1]
            if held >= size:
                joined = np.concatenate(pending, axis=1)
                whole = (held // size) * size
                for start in range(0, whole, size):
                    yield joined[:, start : start + size]
                pending, held = [joined[:, whole:]], held - whole
        if held:
            yield np.concatenate(pending, axis=1)

    def __enter__(self) -> "Decoder":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._container.close()


def _floats(frame: av.AudioFrame) -> Block:
    return np.asarray(frame.to_ndarray(), dtype=np.float32)
