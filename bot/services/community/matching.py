"""Ranking mentors and pairing networking rounds: pure functions on plain dataclasses.

A round groups members in pairs (or threes) by complementary skills, shared genres and DAWs
and time-zone distance; never two who blocked each other, and two who met recently only when
nothing else works. Up to ``EXACT_LIMIT`` members: exactly; larger rounds: sparse candidate
lists, a greedy pass and swaps (docs/matching.md). CPU-bound: the bot calls it through
``plan_round_elsewhere``, in a worker process."""

import asyncio
import functools
import itertools
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context

import numpy as np
from numpy.typing import NDArray

from bot.services.community.profiles import MentorCandidate, Person, hours_apart
from bot.services.community.safety import Pairs, pair_key

EXACT_LIMIT = 14
REPEAT_PENALTY = 1_000.0  # per pair that met recently: any repeat-free choice scores higher
SHAPE_PENALTY = 100.0  # per group of the other size: worth it to avoid a repeat, not else
CANDIDATES, RANDOM_CANDIDATES = 20, 4
IMPROVEMENT_PASSES, SWAPS_PER_MEMBER, SINGLES_LIMIT = 4, 4, 2_000
REPAIR_STEPS = 5_000  # regroupings tried to remove the repeats the swaps left
MASK_BITS = 62  # bits per field (skills, genres, DAWs); the lists offered are far shorter

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Edges = tuple[Ints, Ints, Floats]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked mentor and the facts behind the score (the reasons shown to the mentee)."""

    mentor_id: int
    score: float
    covered: tuple[str, ...]
    genres: tuple[str, ...]
    daws: tuple[str, ...]
    hours_apart: float | None
    experience_gap: int | None
    free_places: int


def rank_mentors(
    mentee: Person,
    candidates: Sequence[MentorCandidate],
    *,
    blocked: Pairs = frozenset(),
    skill: str | None = None,
) -> list[Suggestion]:
    """Mentors for ``mentee``, best first: goals covered weigh most, then shared genres and
    DAWs, time-zone distance, a moderate experience lead and free places. Nobody paused,
    full, blocked either way, or (with ``skill``) not teaching it is suggested."""
    goals = mentee.goals | ({skill} if skill else set())
    ranked = []
    for candidate in candidates:
        mentor = candidate.person
        if (
            mentor.user_id == mentee.user_id
            or candidate.paused
            or candidate.free_places <= 0
            or pair_key(mentor.user_id, mentee.user_id) in blocked
            or (skill is not None and skill not in candidate.topics)
        ):
            continue
        covered = tuple(sorted(goals & candidate.topics))
        genres = tuple(sorted(mentee.genres & mentor.genres))
        daws = tuple(sorted(mentee.daws & mentor.daws))
        apart = hours_apart(mentee.utc_offset, mentor.utc_offset)
        known = mentee.experience is not None and mentor.experience is not None
        gap = (mentor.experience or 0) - (mentee.experience or 0) if known else None
        score = 10.0 * len(covered) + 2.0 * len(genres) + 1.5 * len(daws)
        score += 0.0 if apart is None else 3.0 * (1 - apart / 12)
        if gap is not None:
            score += {0: 0.0, 1: 3.0, 2: 2.5}.get(gap, 1.5 if gap > 2 else -3.0)
        score += 0.5 * min(candidate.free_places, 3)
        found = (mentor.user_id, score, covered, genres, daws, apart, gap, candidate.free_places)
        ranked.append(Suggestion(*found))
    return sorted(ranked, key=lambda s: (-s.score, s.mentor_id))


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """Groups of user ids, who was left out and why (alone, blocked, no-room), the seed."""

    groups: list[tuple[int, ...]]
    left_out: dict[int, str]
    seed: int
    score: float
    repeats: int


def _among(keys: Ints, table: Ints) -> NDArray[np.bool_]:
    """Which ``keys`` are in the sorted ``table`` (faster than ``np.isin`` here)."""
    spot = np.minimum(np.searchsorted(table, keys), max(len(table) - 1, 0))
    return np.asarray(table[spot] == keys) if len(table) else np.zeros(len(keys), dtype=bool)


@cache
def _bits(mask: int) -> tuple[int, ...]:
    return tuple(bit for bit in range(mask.bit_length()) if mask >> bit & 1)


class _Problem:
    """A round as bitmasks per member (skills, goals, genres, DAWs), also as numpy arrays."""

    def __init__(self, people: Sequence[Person], blocked: Pairs, met: Pairs) -> None:
        self.people, self.n = list(people), len(people)
        vocabularies: dict[str, dict[str, int]] = defaultdict(dict)

        def mask(values: frozenset[str], field: str) -> int:
            bits = vocabularies[field]
            return sum({1 << (bits.setdefault(v, len(bits)) % MASK_BITS) for v in sorted(values)})

        self.skills = [mask(p.skills, "skills") for p in self.people]
        self.goals = [mask(p.goals, "skills") for p in self.people]
        self.genres = [mask(p.genres, "genres") for p in self.people]
        daws = [mask(p.daws, "daws") for p in self.people]
        self.offsets = [p.utc_offset for p in self.people]
        index = {p.user_id: i for i, p in enumerate(self.people)}
        self.blocked, self.met = self._indexed(blocked, index), self._indexed(met, index)
        columns = (self.skills, self.goals, self.genres, daws)
        self.vectors = [np.array(column, dtype=np.int64) for column in columns]
        self.known = np.array([o is not None for o in self.offsets], dtype=bool)
        self.zone = np.array([o or 0.0 for o in self.offsets], dtype=np.float64)
        self.blocked_keys = np.array(sorted(self.blocked), dtype=np.int64)
        self.met_keys = np.array(sorted(self.met), dtype=np.int64)

    def _indexed(self, pairs: Pairs, index: dict[int, int]) -> set[int]:
        return {self.key(index[a], index[b]) for a, b in pairs if a in index and b in index}

    def key(self, i: int, j: int) -> int:
        return i * self.n + j if i < j else j * self.n + i

    def keys(self, i: Ints, j: Ints) -> Ints:
        return np.minimum(i, j) * self.n + np.maximum(i, j)

    def allowed(self, i: int, j: int) -> bool:
        return i != j and self.key(i, j) not in self.blocked

    def allowed_all(self, i: Ints, j: Ints) -> NDArray[np.bool_]:
        return np.asarray((i != j) & ~_among(self.keys(i, j), self.blocked_keys))

    def weights(self, i: Ints, j: Ints) -> Floats:
        """Affinity of the pairs (i[k], j[k]), minus the repeat penalty where they met."""
        skills, goals, genres, daws = self.vectors
        count = np.bitwise_count
        value = 3.0 * (count(skills[i] & goals[j]) + count(skills[j] & goals[i]))
        value = value + count(genres[i] & genres[j]) + 0.5 * count(daws[i] & daws[j])
        gap = np.abs(self.zone[i] - self.zone[j]) % 24
        gap = np.minimum(gap, 24 - gap)
        value = value + np.where(self.known[i] & self.known[j], 2.0 * (1 - gap / 12), 0.0)
        value = value - REPEAT_PENALTY * _among(self.keys(i, j), self.met_keys)
        return np.asarray(value, dtype=np.float64)

    def score(self, groups: Sequence[Sequence[int]]) -> float:
        pairs = [pair for group in groups for pair in itertools.combinations(group, 2)]
        ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return float(self.weights(ends[:, 0], ends[:, 1]).sum())


def _solve_exact(problem: _Problem, size: int) -> list[tuple[int, ...]]:
    """The best grouping by dynamic programming over subsets; members it cannot place
    without breaking a block stay out (at a cost above any repeat or shape penalty)."""
    left_out_cost = 10 * REPEAT_PENALTY
    firsts, seconds = np.triu_indices(problem.n, 1)
    matrix = np.zeros((problem.n, problem.n))
    matrix[firsts, seconds] = problem.weights(firsts, seconds)
    weight = (matrix + matrix.T).tolist()

    @cache
    def best(mask: int) -> tuple[float, tuple[tuple[int, ...], ...]]:
        if mask == 0:
            return 0.0, ()
        first = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << first)
        score, groups = best(rest)
        options = [(score - left_out_cost, groups)]
        others = [j for j in range(problem.n) if rest >> j & 1 and problem.allowed(first, j)]
        for position, j in enumerate(others):
            pair_score, pair_groups = best(rest & ~(1 << j))
            value = weight[first][j] - SHAPE_PENALTY * (size != 2)
            options.append((pair_score + value, ((first, j), *pair_groups)))
            for k in (k for k in others[position + 1 :] if problem.allowed(j, k)):
                trio_score, trio_groups = best(rest & ~(1 << j) & ~(1 << k))
                value = weight[first][j] + weight[first][k] + weight[j][k]
                value -= SHAPE_PENALTY * (size != 3)
                options.append((trio_score + value, ((first, j, k), *trio_groups)))
        return max(options, key=lambda option: option[0])

    return list(best((1 << problem.n) - 1)[1])


def _csr(lists: Sequence[Sequence[int]]) -> tuple[Ints, Ints]:
    pointers = np.zeros(len(lists) + 1, dtype=np.int64)
    pointers[1:] = np.cumsum([len(items) for items in lists])
    return pointers, np.array([item for items in lists for item in items], dtype=np.int64)


def _candidates(problem: _Problem, rng: np.random.Generator) -> Edges:
    """Sparse candidate edges, best first: for each member, people whose skills and goals
    complement theirs (mostly both ways), sharing a genre or time zone, a few at random."""
    buckets: dict[tuple[str, int], list[int]] = defaultdict(list)
    wanted: list[list[tuple[str, int]]] = []
    for i in range(problem.n):
        has, wants = _bits(problem.skills[i]), _bits(problem.goals[i])
        genres, offset = _bits(problem.genres[i]), problem.offsets[i]
        zone = [] if offset is None else [round(offset)]
        own = [("has", b) for b in has] + [("wants", b) for b in wants]
        own += [("genre", b) for b in genres] + [("zone", z) for z in zone]
        own += [("swap", h * 64 + w) for h in has for w in wants]
        for name in own:
            buckets[name].append(i)
        near = [("has", b) for b in wants] + [("wants", b) for b in has]
        near += [("swap", w * 64 + h) for h in has for w in wants] * 3
        near += [("genre", b) for b in genres] + [("zone", z + d) for z in zone for d in (-1, 0, 1)]
        wanted.append(near)
    bucket_ids = {name: number for number, name in enumerate(buckets)}
    relevant_ptr, relevant_ids = _csr(
        [[bucket_ids[name] for name in near if name in bucket_ids] for near in wanted]
    )
    bucket_ptr, bucket_members = _csr(list(buckets.values()))
    counts = np.diff(relevant_ptr)
    rows = np.repeat(np.flatnonzero(counts), CANDIDATES)
    chosen = relevant_ids[relevant_ptr[rows] + (rng.random(len(rows)) * counts[rows]).astype(int)]
    sizes = np.diff(bucket_ptr)[chosen]
    picks = bucket_members[bucket_ptr[chosen] + (rng.random(len(rows)) * sizes).astype(int)]
    extra = np.repeat(np.arange(problem.n), RANDOM_CANDIDATES)
    starts = np.concatenate([rows, extra])
    ends = np.concatenate([picks, rng.integers(0, problem.n, len(extra))])
    keep = problem.allowed_all(starts, ends)
    keys = np.sort(problem.keys(starts[keep], ends[keep]))
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    return _by_weight(problem, keys // problem.n, keys % problem.n)


def _by_weight(problem: _Problem, a: Ints, b: Ints) -> Edges:
    weights = problem.weights(a, b)
    order = np.argsort(-weights, kind="stable")
    return a[order], b[order], weights[order]


def _greedy(partner: list[int], a: Ints, b: Ints) -> None:
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        if partner[i] < 0 and partner[j] < 0:
            partner[i], partner[j] = j, i


def _match_pairs(problem: _Problem, edges: Edges) -> tuple[list[int], list[int]]:
    """Greedy matching on the candidate edges, then among the members still single: each
    member's partner (-1: none), and the members left single."""
    partner = [-1] * problem.n
    _greedy(partner, edges[0], edges[1])
    singles = np.flatnonzero(np.array(partner) < 0)[:SINGLES_LIMIT]
    firsts, seconds = np.triu_indices(len(singles), 1)
    a, b = singles[firsts], singles[seconds]
    keep = problem.allowed_all(a, b)
    _greedy(partner, *_by_weight(problem, a[keep], b[keep])[:2])
    return partner, [i for i in range(problem.n) if partner[i] < 0]


def _improve(problem: _Problem, groups: list[tuple[int, ...]], edges: Edges) -> bool:
    """One pass of swaps along the best candidate edges (x, y): y trades places with a
    groupmate of x where allowed and better, best gains first. True if anything changed."""
    group_of, mates = np.full(problem.n, -1), np.full((problem.n, 2), -1)
    for index, group in enumerate(groups):
        for member in group:
            group_of[member] = index
            mates[member, : len(group) - 1] = [m for m in group if m != member]
    links = problem.weights(np.repeat(np.arange(problem.n), 2), np.maximum(mates, 0).ravel())
    links = np.where(mates >= 0, links.reshape(-1, 2), 0.0)
    weakest = np.where(mates >= 0, links, np.inf).min(axis=1)
    x, y = np.concatenate(edges[:2]), np.concatenate(edges[1::-1])
    across = (group_of[x] >= 0) & (group_of[y] >= 0) & (group_of[x] != group_of[y])
    lift = np.where(across, np.concatenate(edges[2:] * 2) - weakest[x], 0.0)
    best = np.argsort(-lift, kind="stable")[: SWAPS_PER_MEMBER * problem.n]
    best = best[lift[best] > 0]  # y would be a better mate of x than x's weakest one
    u, v = mates[x[best]].T.reshape(-1), np.tile(y[best], 2)
    u, v = u[u >= 0], v[u >= 0]
    gain, fits = np.zeros(len(u)), np.ones(len(u), dtype=bool)
    for new, old in ((v, u), (u, v)):  # who joins, and whose place they take
        for slot in (0, 1):
            mate, real = mates[old, slot], mates[old, slot] >= 0
            if real.any():
                safe = np.where(real, mate, 0)
                gain += np.where(real, problem.weights(new, safe), 0.0) - links[old, slot]
                fits &= ~real | problem.allowed_all(new, safe)
    better = np.flatnonzero(fits & (gain > 1e-9))
    changed: set[int] = set()
    for index in better[np.argsort(-gain[better], kind="stable")].tolist():
        a, b = int(u[index]), int(v[index])
        touched = {int(group_of[a]), int(group_of[b])}
        if changed.isdisjoint(touched):
            for g in touched:
                groups[g] = tuple(b if m == a else a if m == b else m for m in groups[g])
            changed |= touched
    return bool(changed)


def _add_thirds(
    problem: _Problem, groups: list[tuple[int, ...]], singles: list[int], edges: Edges
) -> None:
    """Each single joins a different pair: along candidate edges first, best gain first,
    then any pair that fits. Singles that fit nowhere stay out."""
    pair_of = np.full(problem.n, -1, dtype=np.int64)
    for index, group in enumerate(groups):
        pair_of[list(group)] = index
    alone = np.zeros(problem.n, dtype=bool)
    alone[singles] = True
    a, b = edges[0], edges[1]
    forward, backward = alone[a] & (pair_of[b] >= 0), alone[b] & (pair_of[a] >= 0)
    single = np.concatenate([a[forward], b[backward]])
    target = np.concatenate([pair_of[b[forward]], pair_of[a[backward]]])
    ends = np.array(groups, dtype=np.int64).reshape(-1, 2)[target]
    fits = problem.allowed_all(single, ends[:, 0]) & problem.allowed_all(single, ends[:, 1])
    gain = problem.weights(single, ends[:, 0]) + problem.weights(single, ends[:, 1])
    order = np.flatnonzero(fits)[np.argsort(-gain[fits], kind="stable")]
    placed: dict[int, int] = {}
    taken: set[int] = set()
    for member, pair in zip(single[order].tolist(), target[order].tolist(), strict=True):
        if member not in placed and pair not in taken:
            placed[member] = pair
            taken.add(pair)
    for member in sorted(set(singles) - set(placed)):
        free = (p for p in range(len(groups)) if p not in taken)
        fitting = (p for p in free if all(problem.allowed(member, m) for m in groups[p]))
        if (pair := next(fitting, None)) is not None:
            placed[member] = pair
            taken.add(pair)
    for member, pair in placed.items():
        groups[pair] = (*groups[pair], member)


def _solve_heuristic(problem: _Problem, size: int, seed: int) -> list[tuple[int, ...]]:
    """Pairs first; members still single join a pair as its third (for threes, the weakest
    pairs are split up: with P pairs and s singles, splitting (P - s) // 3 leaves the fewest
    pairs, (P - s) mod 3); then member swaps while they raise the total."""
    edges = _candidates(problem, np.random.default_rng(seed))
    partner, singles = _match_pairs(problem, edges)
    pairs = sorted({(min(i, j), max(i, j)) for i, j in enumerate(partner) if j >= 0})
    if size == 3 and len(pairs) > len(singles):
        split = (len(pairs) - len(singles)) // 3
        ends = np.array(pairs, dtype=np.int64)
        pairs = [pairs[k] for k in np.argsort(problem.weights(ends[:, 0], ends[:, 1])).tolist()]
        singles += [member for pair in pairs[:split] for member in pair]
        pairs = pairs[split:]
    groups: list[tuple[int, ...]] = list(pairs)
    _add_thirds(problem, groups, singles, edges)
    for _ in range(IMPROVEMENT_PASSES):
        if not _improve(problem, groups, edges):
            break
    _repair_repeats(problem, groups, np.random.default_rng(seed))
    return groups


def _repeats_in(problem: _Problem, group: Sequence[int]) -> int:
    return sum(problem.key(a, b) in problem.met for a, b in itertools.combinations(group, 2))


def _rearrangements(
    mine: tuple[int, ...], theirs: tuple[int, ...], x: int
) -> list[list[tuple[int, ...]]]:
    """Ways to regroup two groups around their member ``x`` of ``mine``: x trades places
    with each member of ``theirs``; x moves over (three and pair become pair and three);
    two threes become three pairs."""
    rest = tuple(m for m in mine if m != x)
    options = [[(*rest, y), tuple(x if m == y else m for m in theirs)] for y in theirs]
    if len(mine) == 3 and len(theirs) == 2:
        options.append([rest, (*theirs, x)])
    if len(mine) == 3 and len(theirs) == 3:
        six = (x, *rest, *theirs)
        for partner in six[1:]:
            a, b, c, d = (m for m in six if m not in (x, partner))
            options += [[(x, partner), (a, b), (c, d)], [(x, partner), (a, c), (b, d)]]
            options.append([(x, partner), (a, d), (b, c)])
    return options


def _repair_repeats(
    problem: _Problem, groups: list[tuple[int, ...]], rng: np.random.Generator
) -> None:
    """Regroup a member of a group holding a repeat with another group
    (``_rearrangements``) until no repeat is left or ``REPAIR_STEPS`` tries are spent.
    Nothing may break a block or add repeats: the regrouping with the fewest repeats is
    taken when it removes one, else a random one that keeps the count (so the search does
    not stall on dense histories)."""
    faulty = {g for g, group in enumerate(groups) if _repeats_in(problem, group)}
    for _ in range(REPAIR_STEPS):
        if not faulty or len(groups) < 2:
            return
        g = sorted(faulty)[int(rng.integers(len(faulty)))]
        h = int(rng.integers(len(groups) - 1))
        h += h >= g
        mine, theirs = groups[g], groups[h]
        before = _repeats_in(problem, mine) + _repeats_in(problem, theirs)
        options = [
            (sum(_repeats_in(problem, group) for group in option), option)
            for option in _rearrangements(mine, theirs, mine[int(rng.integers(len(mine)))])
            if all(
                problem.allowed(a, b) for grp in option for a, b in itertools.combinations(grp, 2)
            )
        ]
        fewest, chosen = min(options, key=lambda option: option[0], default=(before, []))
        if fewest >= before:  # no regrouping removes a repeat: step sideways, if possible
            level = [option for repeats, option in options if repeats == before]
            level = [option for option in level if len(option) == 2]
            chosen = level[int(rng.integers(len(level)))] if level else []
        if chosen:
            groups[g], groups[h] = chosen[0], chosen[1]
            groups.extend(chosen[2:])
            touched = [g, h, *range(len(groups) - len(chosen) + 2, len(groups))]
            faulty.difference_update(touched)
            faulty.update(i for i in touched if _repeats_in(problem, groups[i]))


def _reason(problem: _Problem, member: int) -> str:
    if problem.n == 1:
        return "alone"
    return "no-room" if any(problem.allowed(member, j) for j in range(problem.n)) else "blocked"


def plan_round(
    people: Sequence[Person],
    *,
    size: int = 2,
    blocked: Pairs = frozenset(),
    met: Pairs = frozenset(),
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> RoundPlan:
    """Group ``people`` for one round (``size`` 2 or 3; odd head counts get one three).
    ``blocked`` pairs never meet; ``met`` pairs (recent rounds) only when there is no
    alternative. The same inputs and ``seed`` give the same plan."""
    if size not in (2, 3):
        raise ValueError("a group has 2 or 3 members")
    ordered = sorted(people, key=lambda person: person.user_id)
    order = np.random.default_rng(seed).permutation(len(ordered)).tolist()
    problem = _Problem([ordered[i] for i in order], blocked, met)
    if problem.n <= exact_limit:
        found = _solve_exact(problem, size)
    else:
        found = _solve_heuristic(problem, size, seed)
    placed = {member for group in found for member in group}
    ids = [person.user_id for person in problem.people]
    score = problem.score(found) - SHAPE_PENALTY * sum(len(g) != size for g in found)
    repeats = sum(
        problem.key(a, b) in problem.met for g in found for a, b in itertools.combinations(g, 2)
    )
    left_out = {ids[i]: _reason(problem, i) for i in range(problem.n) if i not in placed}
    groups = sorted(tuple(sorted(ids[i] for i in group)) for group in found)
    return RoundPlan(groups, left_out, seed, score, repeats)


def affinity_total(people: Sequence[Person], groups: Sequence[Sequence[int]]) -> float:
    """The summed affinity of ``groups`` of user ids, without penalties (to compare plans)."""
    problem = _Problem(people, frozenset(), frozenset())
    index = {person.user_id: i for i, person in enumerate(problem.people)}
    return problem.score([[index[user] for user in group] for group in groups])


_planner: ProcessPoolExecutor | None = None


async def plan_round_elsewhere(
    people: Sequence[Person], *, size: int, blocked: Pairs, met: Pairs, seed: int
) -> RoundPlan:
    """``plan_round`` in a worker process: a thread would still hold the interpreter lock
    for most of a large round (measured: up to 120 ms of event-loop lag at 20,000 members),
    a process leaves the loop free to answer interactions."""
    global _planner
    if _planner is None:
        _planner = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    job = functools.partial(plan_round, people, size=size, blocked=blocked, met=met, seed=seed)
    return await asyncio.get_running_loop().run_in_executor(_planner, job)
