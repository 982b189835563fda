"""Round-pairing benchmark: time, memory, event-loop lag and quality of ``plan_round`` for
1,000 to 20,000 members, and the heuristic against the exact optimum on rounds small enough
to solve.

    .venv/bin/python bench/matching.py [--sizes 1000 5000 10000 20000] [--repeats 3]
                                       [--out bench/results/matching.json]

Members are synthetic but shaped like a producer server: 0-4 skills and 0-3 goals out of
the 15 of the skill map, 0-3 genres out of 23, 0-2 DAWs out of 12, a time zone for 80%
(clustered around the Americas, Europe and Asia), five partners from earlier rounds each
and a few blocks. Quality is the mean affinity per member (what the round maximises),
compared with random grouping and with an upper bound: each member's best possible partner
(half the sum of every member's best pair weight bounds any pairing from above).
"""

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from bot.services.community.matching import (
    _Problem,
    affinity_total,
    plan_round,
    plan_round_elsewhere,
)
from bot.services.community.profiles import DAWS, GENRES, Person
from bot.services.community.safety import Pairs, pair_key

SKILLS = [f"skill-{n}" for n in range(15)]
ZONES = [-8, -7, -6, -5, -4, -3, 0, 1, 1, 1, 2, 2, 3, 5.5, 8, 9, 10]


def members(n: int, seed: int) -> tuple[list[Person], Pairs, Pairs]:
    rng = random.Random(seed)
    people = [
        Person(
            user_id,
            frozenset(rng.sample(SKILLS, rng.randint(0, 4))),
            frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
            frozenset(rng.sample(sorted(GENRES), rng.randint(0, 3))),
            frozenset(rng.sample(sorted(DAWS), rng.randint(0, 2))),
            rng.choice(ZONES) if rng.random() < 0.8 else None,
        )
        for user_id in range(n)
    ]
    met = frozenset(pair_key(a, rng.randrange(n)) for a in range(n) for _ in range(5))
    blocked = frozenset(pair_key(rng.randrange(n), rng.randrange(n)) for _ in range(n // 50))
    return people, blocked - {(a, a) for a in range(n)}, met - {(a, a) for a in range(n)}


def upper_bound(people: list[Person], size: int) -> float:
    """Half the sum of every member's best pair weight (for threes, each member's two best
    pair weights): no grouping of these people can score more."""
    problem = _Problem(people, frozenset(), frozenset())
    n, total = len(people), 0.0
    for start in range(0, n, 256):
        rows = np.arange(start, min(start + 256, n))
        i, j = np.repeat(rows, n), np.tile(np.arange(n), len(rows))
        weights = problem.weights(i, j).reshape(len(rows), n)
        weights[np.arange(len(rows)), rows] = -np.inf
        best = np.sort(weights, axis=1)[:, -(size - 1) :]
        total += float(best.sum())
    return total / 2


def random_grouping(people: list[Person], size: int, seed: int) -> float:
    ids = [p.user_id for p in people]
    random.Random(seed).shuffle(ids)
    return affinity_total(people, [ids[k : k + size] for k in range(0, len(ids), size)])


async def off_the_loop(people: list[Person], size: int, blocked: Pairs, met: Pairs) -> float:
    """Plan a round as the bot does (in a worker process) while a 10 ms timer runs on the
    event loop: the timer's worst lateness (ms) is how long interactions would wait."""
    await plan_round_elsewhere(people[:10], size=size, blocked=blocked, met=met, seed=0)  # warm
    work = asyncio.create_task(
        plan_round_elsewhere(people, size=size, blocked=blocked, met=met, seed=0)
    )
    worst = 0.0
    while not work.done():
        expected = time.perf_counter() + 0.01
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - expected)
    await work
    return worst * 1000


def bench_size(n: int, size: int, repeats: int) -> dict[str, float]:
    people, blocked, met = members(n, seed=n)
    times = []
    for repeat in range(repeats):
        started = time.perf_counter()
        plan = plan_round(people, size=size, blocked=blocked, met=met, seed=repeat)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    plan_round(people, size=size, blocked=blocked, met=met, seed=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    lag = asyncio.run(off_the_loop(people, size, blocked, met))
    ours = affinity_total(people, plan.groups)
    bound = upper_bound(people, size)
    return {
        "members": n,
        "group_size": size,
        "seconds_median": statistics.median(times),
        "seconds_min": min(times),
        "affinity_per_member": ours / n,
        "random_per_member": random_grouping(people, size, n) / n,
        "upper_bound_per_member": bound / n,
        "share_of_upper_bound": ours / bound,
        "repeats": plan.repeats,
        "left_out": len(plan.left_out),
        "peak_mb": peak / 2**20,
        "loop_lag_max_ms": lag,
    }


def bench_exact(n: int, instances: int, size: int) -> dict[str, float]:
    """The heuristic (``exact_limit=0``) against the exact optimum: affinity on rounds
    without history or blocks, and repeats on rounds with both."""
    ratios, exact_times, fast_times, extra_repeats = [], [], [], 0
    for seed in range(instances):
        people, blocked, met = members(n, seed=seed)
        started = time.perf_counter()
        exact = plan_round(people, size=size, seed=seed, exact_limit=n)
        exact_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        fast = plan_round(people, size=size, seed=seed, exact_limit=0)
        fast_times.append(time.perf_counter() - started)
        best = affinity_total(people, exact.groups)
        ratios.append(affinity_total(people, fast.groups) / best if best > 0 else 1.0)
        exact, fast = (
            plan_round(people, size=size, blocked=blocked, met=met, seed=seed, exact_limit=limit)
            for limit in (n, 0)
        )
        extra_repeats += fast.repeats > exact.repeats
    return {
        "members": n,
        "group_size": size,
        "instances": instances,
        "mean_share_of_optimum": statistics.mean(ratios),
        "worst_share_of_optimum": min(ratios),
        "optimal_instances": sum(r >= 1 - 1e-9 for r in ratios) / instances,
        "more_repeats_than_optimum": extra_repeats / instances,
        "exact_seconds_mean": statistics.mean(exact_times),
        "heuristic_seconds_mean": statistics.mean(fast_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 10_000, 20_000])
    parser.add_argument("--repeats", type=int, default=3)
    results = Path(__file__).parent / "results" / "matching.json"
    parser.add_argument("--out", type=Path, default=results)
    args = parser.parse_args()
    machine = {
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    print(f"machine: {machine}")
    rounds = [bench_size(n, size, args.repeats) for n in args.sizes for size in (2, 3)]
    heading: tuple[str, ...] = ("members", "size", "median s", "min s", "ours", "random")
    heading += ("bound", "of bound")
    print("\n" + " ".join(f"{h:>9}" for h in (*heading, "repeats", "peak MB", "lag ms")))
    for r in rounds:
        print(
            f"{r['members']:>9} {r['group_size']:>9} {r['seconds_median']:>9.3f} "
            f"{r['seconds_min']:>9.3f} {r['affinity_per_member']:>9.2f} "
            f"{r['random_per_member']:>9.2f} {r['upper_bound_per_member']:>9.2f} "
            f"{r['share_of_upper_bound']:>9.1%} {r['repeats']:>9} {r['peak_mb']:>9.1f} "
            f"{r['loop_lag_max_ms']:>9.1f}"
        )
    exact = [
        bench_exact(10, 200, 2),
        bench_exact(10, 200, 3),
        bench_exact(14, 100, 2),
        bench_exact(18, 20, 2),
    ]
    heading = ("members", "size", "instances", "mean", "worst", "optimal", "repeats+")
    heading += ("exact s", "fast s")
    print("\n" + " ".join(f"{h:>9}" for h in heading))
    for e in exact:
        print(
            f"{e['members']:>9} {e['group_size']:>9} {e['instances']:>9} "
            f"{e['mean_share_of_optimum']:>9.1%} {e['worst_share_of_optimum']:>9.1%} "
            f"{e['optimal_instances']:>9.0%} {e['more_repeats_than_optimum']:>9.0%} "
            f"{e['exact_seconds_mean']:>9.3f} "
            f"{e['heuristic_seconds_mean']:>9.3f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"machine": machine, "rounds": rounds, "exact": exact}, indent=2)
    )
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
