"""Audio analysis: the cost of one track, and what ten big entries at once do to everybody
else's commands.

    .venv/bin/python -m bench.audio [--part cost|latency|both] [--rounds 40] [--repeats 3]

``cost``: a generated 4-minute, 44.1 kHz stereo track (drums and chords), as WAV and as a
320 kbps MP3, each analysed in a fresh process from the file, as the worker reads it: CPU
seconds (``resource.getrusage``) of the analysis (decode, levels, tempo, key), of the picture
and of the listening copy, and the process's peak resident memory after the analysis (the
interpreter and the libraries included).

``latency``: the real bot process on the loopback Discord. ``/challenge rules`` (a cheap
command) is timed alone, then again while ten members each enter today's challenge with a
10 MiB WAV at once (each entry is analysed, gets its picture and listening copy, and is
re-posted). Writes bench/results/audio-<time>.json.
"""

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

MIB = 2**20


def track(seconds: float, rate: int = 44100) -> np.ndarray:
    """Drums over chord loops, the right channel a little different from the left."""
    from tests.audio_signals import drums, progression

    beat = drums(124, seconds, rate)
    chords = np.concatenate(
        [progression(tonic, False, 8.0, rate) for tonic in (9, 5, 0, 7)] * int(seconds // 32 + 1),
        axis=1,
    )[:, : beat.shape[1]]
    mix = 0.6 * beat + 0.5 * chords
    mix[1] = 0.9 * mix[1] + 0.1 * np.roll(mix[1], 441)
    return (mix / np.abs(mix).max() * 0.95).astype(np.float32)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_resident_mb() -> float:
    """This process's peak resident memory since it started (``VmHWM``: unlike
    ``ru_maxrss`` it does not carry over the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str) -> None:
    """Analyse one file in this fresh process and print the figures as JSON."""
    from bot.audio.listening import listening_copy
    from bot.audio.picture import picture
    from bot.audio.report import measure

    track = Path(path)
    started = cpu()
    measured = measure(track, track.name)
    analysed = cpu()
    peak_mb = peak_resident_mb()
    picture(measured.sketch, "bench")
    drawn = cpu()
    listening_copy(track, track.name, measured.report, 10 * MIB)
    copied = cpu()
    print(
        json.dumps(
            {
                "file": track.name,
                "megabytes": round(track.stat().st_size / MIB, 1),
                "analysis_cpu_s": round(analysed - started, 2),
                "peak_rss_mb_after_analysis": round(peak_mb, 1),
                "picture_cpu_s": round(drawn - analysed, 2),
                "listening_copy_cpu_s": round(copied - drawn, 2),
                "integrated_lufs": round(measured.report.integrated, 2),
                "tempo": measured.report.tempo,
                "key": measured.report.key,
            }
        )
    )


def cost(repeats: int = 3) -> list[dict[str, Any]]:
    from tests.audio_signals import encode

    audio = track(240.0)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for extension in ("wav", "mp3"):
            path = Path(folder) / f"four-minutes.{extension}"
            path.write_bytes(encode(audio, 44100, extension))
            for _ in range(repeats):
                out = subprocess.run(
                    [sys.executable, "-m", "bench.audio", "--child", str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(rows[-1], file=sys.stderr)
    return rows


async def latency(rounds: int) -> dict[str, Any]:
    from bench.latency import open_lab, start_process, stop_process
    from tests.audio_signals import encode

    lab = await open_lab(member_count=20, LOG_LEVEL="WARNING")
    discord = lab.discord
    wav = encode(track(59.0), 44100)  # 10 MiB: the upload limit of a server without boosts
    process = await start_process(
        ["-m", "bot", "run", "--migrate"], lab.env, discord, lab.workdir / "bot.log"
    )
    channel = discord.add_channel(lab.guild, "challenges")
    await discord.slash(
        "challenge setup", member=lab.moderator, channel=channel, time="00:00", timezone="UTC"
    )
    await discord.slash("challenge postnow", member=lab.moderator)
    await discord.wait_for_messages(channel, 1, timeout=30)

    async def timed(member_index: int) -> float:
        reply = await discord.slash("challenge rules", member=lab.members[member_index])
        assert reply.record.answered_at is not None
        return (reply.record.answered_at - reply.record.sent_at) * 1000

    async def enter(index: int) -> float:
        started = time.perf_counter()
        upload = discord.upload(f"entry{index}.wav", wav, "audio/wav")
        reply = await discord.slash(
            "challenge submit", member=lab.members[10 + index], file=upload, timeout=600
        )
        assert "is in" in reply.text, reply.text
        return time.perf_counter() - started

    try:
        for index in range(5):  # warm up: the command, the caches
            await timed(index % 10)
        alone = [await timed(index % 10) for index in range(rounds)]
        jobs = [asyncio.create_task(enter(index)) for index in range(10)]
        await asyncio.sleep(0.5)
        busy: list[float] = []
        while not all(job.done() for job in jobs):
            busy.append(await timed(len(busy) % 10))
        seconds = [await job for job in jobs]
    finally:
        await stop_process(process)
        await discord.stop()

    def figures(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "count": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        }

    result = {"alone": figures(alone), "during_ten_entries": figures(busy)}
    result["p50_ratio"] = round(
        result["during_ten_entries"]["p50_ms"] / result["alone"]["p50_ms"], 2
    )
    result["p95_ratio"] = round(
        result["during_ten_entries"]["p95_ms"] / result["alone"]["p95_ms"], 2
    )
    result["entries_done_after_s"] = round(max(seconds), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("cost", "latency", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    results: dict[str, Any] = {}
    if args.part in ("cost", "both"):
        results["cost"] = cost(args.repeats)
    if args.part in ("latency", "both"):
        results["latency"] = asyncio.run(latency(args.rounds))
        print(results["latency"], file=sys.stderr)
    from bench.record import save

    save("audio", [results])


if __name__ == "__main__":
    main()
