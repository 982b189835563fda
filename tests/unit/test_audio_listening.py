"""The listening copy (one loudness, true peak under the ceiling) and the worker pool that
analyses tracks off the event loop."""

import asyncio
import io

import pytest
from PIL import Image

from bot.audio.errors import NotAudio
from bot.audio.listening import listening_copy
from bot.audio.pool import AudioBusy, AudioPool
from bot.audio.report import measure
from bot.audio.summary import CEILING_DBTP, TARGET_LUFS, describe
from bot.charts import SMALLEST_TEXT_KEY
from tests.audio_signals import drums, encode, progression

MIB = 2**20


@pytest.mark.parametrize("scale", [0.05, 1.0])
def test_listening_copy_reaches_the_target(scale: float) -> None:
    """A quiet take is raised and a loud one lowered, both to the target."""
    original = encode(progression(4, False, seconds=6.0, rate=44100) * scale, 44100, "flac")
    report = measure(original, "take.flac").report
    copy = listening_copy(original, "take.flac", report, 10 * MIB)
    assert copy is not None and not copy.peak_limited
    measured = measure(copy.data, "copy.mp3").report
    assert measured.integrated == pytest.approx(TARGET_LUFS, abs=0.5)
    assert measured.true_peak <= CEILING_DBTP
    assert measured.codec.startswith("mp3")


def test_a_peaky_take_stops_at_the_true_peak_ceiling() -> None:
    """Drums at -18 LUFS with peaks near full scale: the gain stops at -1 dBTP."""
    original = encode(drums(100, seconds=6.0), 44100)
    report = measure(original, "beat.wav").report
    copy = listening_copy(original, "beat.wav", report, 10 * MIB)
    assert copy is not None and copy.peak_limited
    measured = measure(copy.data, "copy.mp3").report
    assert measured.true_peak <= CEILING_DBTP
    assert measured.integrated < TARGET_LUFS - 1
    assert "dBTP" in describe(copy)


def test_the_copy_fits_the_upload_limit_or_is_left_out() -> None:
    original = encode(progression(0, True, seconds=10.0, rate=44100), 44100)
    report = measure(original, "take.wav").report
    small = listening_copy(original, "take.wav", report, 100_000)
    assert small is not None and len(small.data) <= 100_000
    assert listening_copy(original, "take.wav", report, 25_000) is None


async def test_the_pool_analyses_in_a_worker_process_one_track_per_member() -> None:
    pool = AudioPool(workers=1, waiting=1)
    track = encode(progression(7, False, seconds=4.0, rate=44100), 44100, "mp3")
    try:
        first = asyncio.create_task(pool.analyse(1, track, "take.mp3", 10 * MIB, 10 * MIB))
        await asyncio.sleep(0)
        with pytest.raises(AudioBusy):  # the same member, while the first runs
            await pool.analyse(1, track, "take.mp3", 10 * MIB)
        second = asyncio.create_task(pool.analyse(2, track, "take.mp3", 10 * MIB))
        await asyncio.sleep(0)
        with pytest.raises(AudioBusy):  # one working, one waiting: full
            await pool.analyse(3, track, "take.mp3", 10 * MIB)
        analysis, other = await first, await second
        with pytest.raises(NotAudio):  # errors come back from the worker as they are
            await pool.analyse(1, b"not audio at all" * 10, "notes.wav", 10 * MIB)
    finally:
        pool.close()
    assert analysis.report.key == "G major" and analysis.copy is not None
    assert other.copy is None and other.report == analysis.report
    assert analysis.picture.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(analysis.picture)) as image:
        assert image.width == 600 and int(image.info[SMALLEST_TEXT_KEY]) >= 27
