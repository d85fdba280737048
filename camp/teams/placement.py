"""Automatic team placement: the pure algorithm (plain data in, plain data out, no database).

The diversity score
-------------------
For one team, take every pair of two different members and ask: do they have a different
actor type? Do they come from a different organisation? The team's *mix* is the average of
the two shares of "yes" (Simpson's diversity index, the unbiased form, once per dimension):
1.0 when everybody differs from everybody, 0.0 when all are the same kind from the same
organisation. A team with fewer than two members has a mix of 0.

The *diversity score* of a placement is the mix of each team weighted by its number of
members, that is: on average over all people in teams (existing members and newcomers),
the share of their teammates who differ from them, averaged over actor type and
organisation. Organisations are compared without case and surrounding spaces; a person
without an organisation shares it with nobody. `diversity()` computes it for any placement.

The algorithm
-------------
People who asked to be placed together form a *unit* (a group key; connected components of
"together with" pairs, see `groups_from_pairs`); everybody else is a unit of one. The
objective, per team, is

    members x mix                            (the diversity above)
  + w * (preference values of newcomers)     (1st choice 1, 2nd 2/3, 3rd 1/3, else 0)
  - w * 3 * (seats missing to the minimum)   (only for teams that have anyone at all)
  - w * 0.02 * members^2                     (mild pull towards even team sizes)

1. Greedy: units largest first (a seeded shuffle orders equal sizes); each goes to the team
   with room for all of it that raises the objective most. A unit that fits in no team is
   split into the largest pieces that fit (and reported). Nobody goes over a team's limit.
   When seats run short, who is left over follows that order (not the mix).
2. Local search: move a unit to another team with room, swap two units between teams, or
   move two units together into a team of at most one member (one alone would add
   nothing there), while that improves the objective. Existing members never move. On
   small camps the search also restarts from the best random draws (below) while a work
   budget lasts; the best objective wins.
3. Safeguard: the same people are also placed at random (groups kept, `random_placement`)
   many times. If the result mixes worse than the mean of those draws plus one standard
   deviation (capped at the best draw), the weight w of everything but the mix is halved
   and the search repeated, down to 0; if even that falls short, the best random draw is
   improved by the diversity-only search. So the mix is never worse than that of the
   random draws on average, by a margin; the weight used is reported (`Placement.weight`)
   so the page can say when preferences gave way.

Everything is deterministic for a given seed.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Sequence

NO_ROOM = "no_room"
PREFERENCE_VALUES = (1.0, 2 / 3, 1 / 3)
MINIMUM_WEIGHT = 3.0
BALANCE_WEIGHT = 0.02
WEIGHT_STEPS = (1.0, 0.5, 0.25, 0.0)
EPS = 1e-9
MAX_DRAWS = 200
DRAW_WORK = 2000
WORK = 400_000  # evaluations for one search; enough for a few hundred people
RESTART_WORK = 20_000
RESTARTS = 8
SAFETY = 1.0  # the mix must beat the random mean by one standard deviation of the draws


@dataclass(frozen=True)
class Person:
    id: int
    actor_type: str
    organisation: str = ""
    preferences: tuple[int, ...] = ()  # challenge ids, most wanted first
    group: Hashable | None = None  # same key: to be placed together


@dataclass(frozen=True)
class TeamSlot:
    id: int
    challenge_id: int | None
    room: int  # free seats: the team's limit minus its current members
    actor_types: tuple[str, ...] = ()  # of the current members
    organisations: tuple[str, ...] = ()
    minimum: int = 0  # the team's minimum size


@dataclass
class Placement:
    assignment: dict[int, int]  # person id -> team id
    unplaced: dict[int, str]  # person id -> reason (NO_ROOM)
    ranks: dict[int, int | None]  # placed person -> rank of the team's challenge (1-based)
    kept_groups: list[tuple[int, ...]] = field(default_factory=list)
    split_groups: list[tuple[int, ...]] = field(default_factory=list)
    diversity_before: float = 0.0
    diversity_after: float = 0.0
    diversity_random: float = 0.0  # mean over the random draws
    diversity_random_best: float = 0.0
    weight: float = 1.0  # weight given to preferences and sizes next to the mix
    seed: int = 0


def org_key(organisation: str) -> str | None:
    return organisation.strip().casefold() or None


def preference_value(person: Person, challenge_id) -> float:
    try:
        rank = person.preferences.index(challenge_id)
    except ValueError:
        return 0.0
    return PREFERENCE_VALUES[rank] if rank < len(PREFERENCE_VALUES) else 0.0


def preference_rank(person: Person, challenge_id) -> int | None:
    try:
        return person.preferences.index(challenge_id) + 1
    except ValueError:
        return None


def groups_from_pairs(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Group key (the smallest id) per person: connected components of the pairs.

    Pairs naming someone outside `ids` are ignored; people alone get no entry.
    """
    ids = set(ids)
    parent = {i: i for i in ids}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        if a in ids and b in ids and a != b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    roots = Counter(find(i) for i in ids)
    return {i: find(i) for i in ids if roots[find(i)] > 1}


def mix(actor_types: Sequence[str], organisations: Sequence[str]) -> float:
    """One team's mix, 0..1 (see the module docstring)."""
    n = len(actor_types)
    if n < 2:
        return 0.0
    return _value(n, _pairs_same(actor_types, organisations)) / n


def diversity(people: Iterable[Person], teams: Iterable[TeamSlot],
              assignment: dict[int, int]) -> float:
    """The diversity score of a placement (existing members plus `assignment`)."""
    people = {p.id: p for p in people}
    newcomers: dict = {}
    for pid, tid in assignment.items():
        newcomers.setdefault(tid, []).append(people[pid])
    total_value = total_members = 0.0
    for team in teams:
        joining = newcomers.get(team.id, ())
        actors = list(team.actor_types) + [p.actor_type for p in joining]
        orgs = list(team.organisations) + [p.organisation for p in joining]
        n = len(actors)
        total_members += n
        if n >= 2:
            total_value += _value(n, _pairs_same(actors, orgs))
    return total_value / total_members if total_members else 0.0


def _pairs_same(actor_types, organisations) -> int:
    """Twice the number of same-kind pairs, summed over both dimensions."""
    s = sum(c * (c - 1) for c in Counter(actor_types).values())
    keys = [k for k in map(org_key, organisations) if k is not None]
    return s + sum(c * (c - 1) for c in Counter(keys).values())


def _value(n: int, same: int) -> float:
    """members x mix, from the size and the same-kind pair count."""
    return n - same / (2 * (n - 1)) if n >= 2 else 0.0


class _State:
    """Teams with their current composition, updated as units move (O(1) per person)."""

    def __init__(self, teams: Sequence[TeamSlot], weight: float):
        self.teams = list(teams)
        self.weight = weight
        self.n = {t.id: len(t.actor_types) for t in teams}
        self.actor = {t.id: Counter(t.actor_types) for t in teams}
        self.org = {t.id: Counter(k for k in map(org_key, t.organisations) if k) for t in teams}
        self.same = {t.id: _pairs_same(t.actor_types, t.organisations) for t in teams}
        self.free = {t.id: max(0, t.room) for t in teams}
        self.minimum = {t.id: t.minimum for t in teams}
        self.challenge = {t.id: t.challenge_id for t in teams}
        self.where: dict[int, int] = {}  # unit index -> team id

    def score(self, tid, n, same) -> float:
        value = _value(n, same)
        if self.weight:
            short = max(0, self.minimum[tid] - n) if n else 0
            value -= self.weight * (MINIMUM_WEIGHT * short + BALANCE_WEIGHT * n * n)
        return value

    def after(self, tid, remove=(), add=()) -> tuple[int, int]:
        actor, org = self.actor[tid], self.org[tid]
        da: dict = {}
        do: dict = {}
        n, same = self.n[tid], self.same[tid]
        for p in remove:
            c = actor[p.actor_type] + da.get(p.actor_type, 0)
            same -= 2 * (c - 1)
            da[p.actor_type] = da.get(p.actor_type, 0) - 1
            if p.okey:
                c = org[p.okey] + do.get(p.okey, 0)
                same -= 2 * (c - 1)
                do[p.okey] = do.get(p.okey, 0) - 1
            n -= 1
        for p in add:
            same += 2 * (actor[p.actor_type] + da.get(p.actor_type, 0))
            da[p.actor_type] = da.get(p.actor_type, 0) + 1
            if p.okey:
                same += 2 * (org[p.okey] + do.get(p.okey, 0))
                do[p.okey] = do.get(p.okey, 0) + 1
            n += 1
        return n, same

    def apply(self, tid, remove=(), add=()) -> None:
        self.n[tid], self.same[tid] = self.after(tid, remove, add)
        for p in remove:
            self.actor[tid][p.actor_type] -= 1
            if p.okey:
                self.org[tid][p.okey] -= 1
        for p in add:
            self.actor[tid][p.actor_type] += 1
            if p.okey:
                self.org[tid][p.okey] += 1
        self.free[tid] += len(remove) - len(add)

    def gain(self, tid, remove=(), add=()) -> float:
        n, same = self.after(tid, remove, add)
        return self.score(tid, n, same) - self.score(tid, self.n[tid], self.same[tid])


@dataclass(frozen=True)
class _P:
    id: int
    actor_type: str
    okey: str | None
    prefs: dict


def _units(people: Sequence[Person]) -> list[list[Person]]:
    by_group: dict = {}
    units = []
    for p in people:
        if p.group is None:
            units.append([p])
        elif p.group in by_group:
            by_group[p.group].append(p)
        else:
            by_group[p.group] = [p]
            units.append(by_group[p.group])
    return units


def _prepare(people: Sequence[Person]) -> dict[int, _P]:
    return {p.id: _P(p.id, p.actor_type, org_key(p.organisation),
                     {c: preference_value(p, c) for c in p.preferences})
            for p in people}


def _greedy(units, state: _State, rng: random.Random, pieces: list, unplaced: list) -> None:
    order = list(units)
    rng.shuffle(order)
    order.sort(key=len, reverse=True)
    team_order = [t.id for t in state.teams]
    for unit in order:
        rest = list(unit)
        while rest:
            most = max((state.free[t] for t in team_order), default=0)
            if most == 0:
                unplaced.extend(rest)
                break
            piece, rest = rest[:most], rest[most:]
            best, best_gain = None, None
            for tid in team_order:
                if state.free[tid] < len(piece):
                    continue
                g = state.gain(tid, add=piece) + state.weight * sum(
                    p.prefs.get(state.challenge[tid], 0.0) for p in piece)
                if best_gain is None or g > best_gain + EPS:
                    best, best_gain = tid, g
            state.apply(best, add=piece)
            state.where[len(pieces)] = best
            pieces.append(piece)


def _pref(state: _State, piece, tid) -> float:
    return state.weight * sum(p.prefs.get(state.challenge[tid], 0.0) for p in piece)


def _improve(pieces, state: _State, rng: random.Random, work: list[int],
             max_passes: int = 30) -> None:
    """Moves and swaps of placed pieces while the objective improves (and work is left)."""
    idx = list(state.where)
    team_ids = [t.id for t in state.teams]
    for _ in range(max_passes):
        improved = False
        rng.shuffle(idx)
        for i in idx:
            a = state.where[i]
            u = pieces[i]
            best, best_gain = None, EPS
            for b in team_ids:
                if b == a or state.free[b] < len(u):
                    continue
                g = state.gain(a, remove=u) + state.gain(b, add=u) \
                    + _pref(state, u, b) - _pref(state, u, a)
                work[0] -= 1
                if g > best_gain:
                    best, best_gain = b, g
            if best is not None:
                state.apply(a, remove=u)
                state.apply(best, add=u)
                state.where[i] = best
                improved = True
                continue
            for j in idx:
                b = state.where[j]
                if b == a:
                    continue
                v = pieces[j]
                if state.free[a] + len(u) < len(v) or state.free[b] + len(v) < len(u):
                    continue
                work[0] -= 1
                g = state.gain(a, remove=u, add=v) + state.gain(b, remove=v, add=u) \
                    + _pref(state, u, b) + _pref(state, v, a) \
                    - _pref(state, u, a) - _pref(state, v, b)
                if g > EPS:
                    state.apply(a, remove=u, add=v)
                    state.apply(b, remove=v, add=u)
                    state.where[i], state.where[j] = b, a
                    improved = True
                    break
            if work[0] <= 0:
                return
        # Two pieces together into a team of at most one member: one alone would add
        # nothing there, so single moves never open such a team.
        for b in team_ids:
            if state.n[b] > 1:
                continue
            found = False
            for x, i in enumerate(idx):
                u = pieces[i]
                if state.where[i] == b or state.free[b] < len(u):
                    continue
                for j in idx[x + 1:]:
                    v = pieces[j]
                    a1, a2 = state.where[i], state.where[j]
                    if a2 == b or state.free[b] < len(u) + len(v):
                        continue
                    work[0] -= 1
                    g = state.gain(b, add=u + v) - _pref(state, u, a1) - _pref(state, v, a2) \
                        + _pref(state, u, b) + _pref(state, v, b)
                    if a1 == a2:
                        g += state.gain(a1, remove=u + v)
                    else:
                        g += state.gain(a1, remove=u) + state.gain(a2, remove=v)
                    if g > EPS:
                        state.apply(a1, remove=u)
                        state.apply(a2, remove=v)
                        state.apply(b, add=u + v)
                        state.where[i] = state.where[j] = b
                        improved = found = True
                        break
                if found or work[0] <= 0:
                    break
            if work[0] <= 0:
                return
        if not improved:
            return


def random_placement(people: Sequence[Person], teams: Sequence[TeamSlot],
                     rng: random.Random) -> dict[int, int]:
    """The same people into the same rooms at random: groups kept, a random free seat each.

    Units come in random order, larger groups first as in the algorithm (so both keep the
    same groups whole); each takes a random seat among the teams with room for all of it
    (a team is chosen in proportion to its free seats). A unit that fits nowhere is split
    into the largest pieces that fit, as the algorithm does.
    """
    free = {t.id: max(0, t.room) for t in teams}
    units = _units(people)
    rng.shuffle(units)
    units.sort(key=len, reverse=True)
    assignment = {}
    for unit in units:
        rest = list(unit)
        while rest:
            most = max(free.values(), default=0)
            if most == 0:
                break
            piece, rest = rest[:most], rest[most:]
            fits = [tid for tid, f in free.items() if f >= len(piece)]
            tid = rng.choices(fits, weights=[free[t] for t in fits])[0]
            free[tid] -= len(piece)
            for p in piece:
                assignment[p.id] = tid
    return assignment


def _solve(teams, units, prepared, seed, weight, start, work):
    state = _State(teams, weight)
    rng = random.Random(f"{seed}:solve")
    pieces: list = []
    unplaced: list = []
    if start is None:
        _greedy([[prepared[p.id] for p in u] for u in units], state, rng, pieces, unplaced)
    else:
        # Start from a given assignment: each team's people of one unit form a piece.
        by_piece: dict = {}
        for u in units:
            for p in u:
                if p.id in start:
                    by_piece.setdefault((id(u), start[p.id]), []).append(prepared[p.id])
                else:
                    unplaced.append(prepared[p.id])
        for (_, tid), piece in by_piece.items():
            state.apply(tid, add=piece)
            state.where[len(pieces)] = tid
            pieces.append(piece)
    _improve(pieces, state, rng, work)
    assignment = {p.id: state.where[i] for i, piece in enumerate(pieces) for p in piece}
    objective = sum(state.score(t, state.n[t], state.same[t]) for t in state.n) + sum(
        _pref(state, piece, state.where[i]) for i, piece in enumerate(pieces))
    return objective, assignment, [p.id for p in unplaced]


def place(people: Sequence[Person], teams: Sequence[TeamSlot], seed: int = 0, *,
          baseline_draws: int = 24, weight: float = 1.0) -> Placement:
    """Place `people` into `teams` (see the module docstring)."""
    people = list(people)
    teams = list(teams)
    if len({p.id for p in people}) != len(people):
        raise ValueError("a person is given twice")
    if len({t.id for t in teams}) != len(teams):
        raise ValueError("a team is given twice")
    units = _units(people)
    prepared = _prepare(people)
    before = diversity([], teams, {})
    rng = random.Random(f"{seed}:baseline")
    # Many draws when they are cheap: a rare lucky placement must show in the estimate.
    count = max(baseline_draws, min(MAX_DRAWS, DRAW_WORK // (len(people) + len(teams) + 1)))
    draws = [random_placement(people, teams, rng) for _ in range(count)]
    scores = [diversity(people, teams, d) for d in draws]
    best_random = max(scores, default=0.0)
    mean_random = sum(scores) / len(scores) if scores else 0.0
    if len(scores) > 1:
        spread = (sum((x - mean_random) ** 2 for x in scores) / (len(scores) - 1)) ** 0.5
        threshold = min(best_random, mean_random + SAFETY * spread)
    else:
        threshold = best_random

    steps = [w for w in WEIGHT_STEPS if w <= weight] if weight > 0 else [0.0]
    if steps[0] != weight:
        steps.insert(0, weight)
    # Greedy first, then (while the work budget lasts, so on small camps) the random
    # draws improved by the same search, best draws first; the best objective wins.
    ranked = sorted(range(len(draws)), key=lambda i: -scores[i])
    starts = [None] + [draws[i] for i in ranked[:RESTARTS]]
    for used in steps:
        best = None
        spare = [RESTART_WORK]
        for start in starts:
            if best is not None and spare[0] <= 0:
                break
            solved = _solve(teams, units, prepared, seed, used, start,
                            spare if best is not None else [WORK])
            if best is None or solved[0] > best[0] + EPS:
                best = solved
        _, assignment, unplaced = best
        score = diversity(people, teams, assignment)
        if score + EPS >= threshold:
            break
    else:
        # Even the mix alone fell short: improve the best random draw instead.
        start = draws[scores.index(best_random)]
        _, assignment, unplaced = _solve(teams, units, prepared, seed, 0.0, start, [WORK])
        score, used = diversity(people, teams, assignment), 0.0

    by_id = {p.id: p for p in people}
    challenge = {t.id: t.challenge_id for t in teams}
    kept, split = [], []
    for unit in units:
        if len(unit) < 2:
            continue
        ids = tuple(p.id for p in unit)
        where = {assignment.get(i) for i in ids}
        if len(where) == 1 and None not in where:
            kept.append(ids)
        elif where != {None}:
            split.append(ids)
    return Placement(
        assignment=assignment,
        unplaced={pid: NO_ROOM for pid in unplaced},
        ranks={pid: preference_rank(by_id[pid], challenge[tid])
               for pid, tid in assignment.items()},
        kept_groups=kept, split_groups=split,
        diversity_before=before, diversity_after=score,
        diversity_random=mean_random,
        diversity_random_best=best_random, weight=used, seed=seed)


def preference_counts(people: Iterable[Person], ranks: dict[int, int | None]) -> dict:
    """How many placed people got their 1st, 2nd, 3rd, a later or no wish, or gave none."""
    counts = {1: 0, 2: 0, 3: 0, "other": 0, "none_given": 0}
    for p in people:
        if p.id not in ranks:
            continue
        rank = ranks[p.id]
        if not p.preferences:
            counts["none_given"] += 1
        elif rank in (1, 2, 3):
            counts[rank] += 1
        else:
            counts["other"] += 1
    return counts
