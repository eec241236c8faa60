"""The compiled searches (`engine.kernels`) give exactly what their pure-Python references give.

A game's event log must not depend on whether numba is installed: same costs (bit for bit, the same float
additions in the same order), same predecessors (tie-breaks), same discovery order (the dict the UI and
`legal_orders` iterate over). Checked on the Shusha map and the tiny map with random starts, budgets and
random enemy/zone-of-control/no-go masks; and a whole game with WARGAME_NO_JIT=1 in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, shusha_scenario, tiny_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import kernels
from engine.events import event_to_json
from engine.game import play_game
from engine.mapdata import MOBILITY_CLASSES, game_map
from engine.movement import _field_py, dijkstra
from engine.supply import trace_py

pytestmark = pytest.mark.skipif(not kernels.JIT, reason="numba not available (pure-Python searches in use)")

MAPS = {"tiny": tiny_scenario, "shusha": shusha_scenario}


def _masks(n: int, seed: int, density: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return tuple(rng.random(n) < density for _ in range(4))  # type: ignore[return-value]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), mob=st.sampled_from(MOBILITY_CLASSES), seed=st.integers(0, 10**6),
       start_frac=st.floats(0, 1, exclude_max=True), budget=st.sampled_from([0.0, 1.0, 2.5, 3.0, 6.0, 8.0, 40.0]),
       density=st.sampled_from([0.0, 0.05, 0.3]))
def test_unit_reach_matches_the_reference(which, mob, seed, start_frac, budget, density):
    gmap = game_map(MAPS[which]())
    start = int(start_frac * gmap.n)
    blocked, zoc, exempt, forbidden = _masks(gmap.n, seed, density)
    blocked[start] = forbidden[start] = False
    ref = dijkstra(gmap, start, mob, budget, frozenset(np.flatnonzero(blocked).tolist()),
                   frozenset(np.flatnonzero(zoc).tolist()), exempt.tolist(), forbidden.tolist())
    ws = kernels.reach_workspace(gmap.n)
    for _ in range(2):  # the workspace is left as found: a second search gives the same answer
        k = kernels.unit_reach(*gmap.csr(mob), start, budget, blocked, forbidden, zoc, exempt, *ws)
        data = ws[3][:, :k].copy()
        order, cost, prev = data[0], data[1].view(np.float64), data[2]
        assert order.tolist() == list(ref)  # same hexes, discovered in the same order
        assert cost.tolist() == [v[0] for v in ref.values()]  # bit-identical costs
        assert prev.tolist() == [v[1] for v in ref.values()]
        assert np.isinf(ws[0]).all() and (ws[1] == -2).all() and not ws[2].any()
    out = np.full((2, len(order)), -7, dtype=np.int64)
    for dest in order.tolist()[:: max(1, len(order) // 7)]:  # paths walk the predecessors back to the start
        want_path = [dest]
        while ref[want_path[-1]][1] >= 0:
            want_path.append(ref[want_path[-1]][1])
        k = kernels.path_in_reach(data, dest, out)
        assert out[0, :k].tolist() == want_path[::-1]
        assert out[1, :k].view(np.float64).tolist() == [ref[h][0] for h in want_path[::-1]]
    unreached = int(np.flatnonzero(~np.isin(np.arange(gmap.n), order))[0]) if len(order) < gmap.n else None
    if unreached is not None:
        assert kernels.path_in_reach(data, unreached, out) == 0


@settings(max_examples=200, deadline=None)
@given(entries=st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 7.25]), st.integers(0, 30)),
                        max_size=60),
       pops=st.lists(st.integers(0, 3), max_size=60))
def test_the_compiled_heap_pops_in_heapqs_order(entries, pops):
    """`unit_reach`'s heap (flat arrays, no allocation) against `heapq` on (cost, hex) tuples: pushes and pops
    interleaved, duplicates and ties included, the same entries come out in the same order."""
    import heapq

    heap_c, heap_i = np.zeros(len(entries) + 1), np.zeros(len(entries) + 1, dtype=np.int64)
    ref: list[tuple[float, int]] = []
    size = 0
    got, want = [], []
    for n, (c, j) in enumerate(entries):
        size = kernels._heap_push(heap_c, heap_i, size, c, j)
        heapq.heappush(ref, (c, j))
        for _ in range(pops[n] if n < len(pops) else 0):
            if ref:
                want.append(heapq.heappop(ref))
                got.append((float(heap_c[0]), int(heap_i[0])))
                size -= 1
                kernels._heap_pop_last(heap_c, heap_i, size)
    while ref:
        want.append(heapq.heappop(ref))
        got.append((float(heap_c[0]), int(heap_i[0])))
        size -= 1
        kernels._heap_pop_last(heap_c, heap_i, size)
    assert got == want and size == 0
    full = np.zeros(1), np.zeros(1, dtype=np.int64)
    with pytest.raises(IndexError, match="heap full"):  # compiled code checks no bounds: the heap does
        kernels._heap_push(*full, kernels._heap_push(*full, 0, 1.0, 1), 2.0, 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), seed=st.integers(0, 10**6), n_src=st.integers(0, 4),
       limit=st.sampled_from([0.0, 3.0, 16.0, 20.0, 1e9]), density=st.sampled_from([0.0, 0.1, 0.5]))
def test_supply_trace_matches_the_reference(which, seed, n_src, limit, density):
    gmap = game_map(MAPS[which]())
    rng = np.random.default_rng(seed)
    sources = rng.integers(0, gmap.n, n_src).astype(np.int64)
    blocked = rng.random(gmap.n) < density
    ref = trace_py(gmap.supply_adjacency, blocked.tolist(), sources.tolist(), limit, gmap.n)
    got = kernels.supply_trace(*gmap.csr("supply"), blocked, sources, float(limit), np.zeros(0, np.int64))
    assert got.tolist() == ref.tolist()
    # asked only for some hexes (a side's units), the search may stop early but those costs are exact
    targets = rng.integers(0, gmap.n, 5).astype(np.int64)
    early = kernels.supply_trace(*gmap.csr("supply"), blocked, sources, float(limit), targets)
    early_py = trace_py(gmap.supply_adjacency, blocked.tolist(), sources.tolist(), limit, gmap.n, targets.tolist())
    assert early[targets].tolist() == ref[targets].tolist() == early_py[targets].tolist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), seed=st.integers(0, 10**6), n_src=st.integers(0, 4),
       limit=st.sampled_from([0.0, 3.0, 16.0, 20.0, 1e9]), density=st.sampled_from([0.0, 0.02, 0.1, 0.5]))
def test_the_supply_tree_shortcut_never_contradicts_the_search(which, seed, n_src, limit, density):
    """`supply_by_tree` settles a hex without a search only when the search would agree: unreached even
    unblocked means cut off; a tree route crossing no blocked hex means supplied."""
    gmap = game_map(MAPS[which]())
    rng = np.random.default_rng(seed)
    csr = gmap.csr("supply")
    sources = rng.integers(0, gmap.n, n_src).astype(np.int64)
    no_go = rng.random(gmap.n) < 0.03
    blocked = no_go | (rng.random(gmap.n) < density)
    none = np.zeros(0, np.int64)
    dist, parent = kernels.supply_tree(*csr, no_go, sources, float(limit))
    assert dist.tolist() == kernels.supply_trace(*csr, no_go, sources, float(limit), none).tolist()
    want = kernels.supply_trace(*csr, blocked, sources, float(limit), none) < np.inf
    targets = rng.integers(0, gmap.n, 40).astype(np.int64)
    status, n_unknown = kernels.supply_by_tree(dist, parent, blocked, targets)
    settled = status != 2
    assert n_unknown == int((~settled).sum())
    assert ((status == 1) == want[targets])[settled].all()
    if density == 0.0:  # nothing blocks beyond the no-go areas: every hex is settled by the tree
        assert settled.all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), seed=st.integers(0, 10**6), n_src=st.integers(1, 3),
       limit=st.sampled_from([3.0, 16.0, 28.0, 1e9, -1.0]), n_enemy=st.integers(0, 40), n_own=st.integers(1, 25))
def test_supply_status_back_matches_a_full_trace(which, seed, n_src, limit, n_enemy, n_own):
    """The backward supply searches answer what a full forward trace around the blocked hexes answers, call after
    call (the scratch left clean), also with the range exactly the cost of some hex's route (limit -1.0: a hex's
    unblocked cost, where adding a route's costs backwards may round otherwise and the forward search decides)."""
    gmap = game_map(MAPS[which]())
    rng = np.random.default_rng(seed)
    csr, rcsr = gmap.csr("supply"), gmap.csr("supply", reverse=True)
    sources = rng.integers(0, gmap.n, n_src).astype(np.int64)
    is_source = np.zeros(gmap.n, dtype=bool)
    is_source[sources] = True
    no_go = rng.random(gmap.n) < 0.03
    edge = -1  # a hex whose cheapest route costs exactly the range, asked each call
    if limit < 0:
        full = kernels.supply_tree(*csr, no_go, sources, 1e9)[0]
        far = np.flatnonzero((full > 0) & (full < np.inf))
        edge = int(far[rng.integers(0, far.shape[0])]) if far.shape[0] else -1
        limit = float(full[edge]) if edge >= 0 else 5.0
    dist, parent = kernels.supply_tree(*csr, no_go, sources, float(limit))
    ws = kernels.supply_workspace(gmap.n, csr[1].shape[0], n_src, n_own)
    back = kernels.supply_back_workspace(gmap.n)
    for _ in range(3):
        enemy = rng.integers(0, gmap.n, n_enemy).astype(np.int64)
        own = rng.integers(0, gmap.n, n_own).astype(np.int64)
        own[n_own // 2:] = own[: n_own - n_own // 2]  # stacks: hexes asked twice in a call
        if edge >= 0:
            own[0] = edge
        blocked = kernels.supply_blocked(no_go, gmap.nbr, enemy, own)
        want = trace_py(gmap.supply_adjacency, blocked.tolist(), sources.tolist(), limit, gmap.n) < np.inf
        out = np.zeros(n_own, dtype=bool)
        kernels.supply_status_back(*csr, *rcsr, no_go, gmap.nbr, enemy, own, sources, is_source, limit, dist, parent,
                                   own, out, *ws, *back)
        assert out.tolist() == want[own].tolist()
        assert (back[0] == np.inf).all() and not ws[1].any()  # the scratch is left ready for the next call
    with pytest.raises(IndexError, match="too small"):  # more targets than the workspace holds
        kernels.supply_status_back(*csr, *rcsr, no_go, gmap.nbr, enemy, own, sources, is_source, limit, dist, parent,
                                   np.zeros(n_own + 1, dtype=np.int64), np.zeros(n_own + 1, dtype=bool), *ws, *back)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), mob=st.sampled_from(MOBILITY_CLASSES),
       target_frac=st.floats(0, 1, exclude_max=True), side=st.sampled_from([None, 0, 1]))
def test_distance_field_matches_the_reference(which, mob, target_frac, side):
    gmap = game_map(MAPS[which]())
    target = int(target_frac * gmap.n)
    ref = _field_py(gmap, mob, target, side)
    got = kernels.field_to(*gmap.csr(mob, reverse=True), target, gmap.no_hex if side is None else gmap.no_go[side])
    assert got.tolist() == ref.tolist()


def test_csr_lists_every_passable_edge_in_adjacency_order():
    gmap = game_map(shusha_scenario())
    for mob in MOBILITY_CLASSES:
        indptr, nbr, weight = gmap.csr(mob)
        for i in (0, 17, gmap.n // 2, gmap.n - 1):
            assert list(zip(nbr[indptr[i]:indptr[i + 1]].tolist(), weight[indptr[i]:indptr[i + 1]].tolist(),
                            strict=True)) == list(gmap.adjacency[mob][i])


def _log_hash(state) -> str:
    return hashlib.sha256("\n".join(event_to_json(e) for e in state.log).encode()).hexdigest()


def _log_hash_elsewhere(scenario: str, seed: int, env: dict[str, str], check: str = "") -> str:
    """The event-log hash of game `seed` of `scenario` (a conftest helper's name), played in a fresh process
    with `env` added to the environment; `check` is Python run there after the game (`s` is its state)."""
    code = ("import hashlib, sys; sys.path.insert(0, 'tests');"
            f"from conftest import {scenario}; from engine.game import play_game;"
            "from engine.events import event_to_json; from engine import kernels;"
            f"s = play_game({scenario}(), {seed});{check}"
            "print(hashlib.sha256('\\n'.join(event_to_json(e) for e in s.log).encode()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("scenario, seed", [("tiny_scenario", 11), ("tiny_scenario_without_road", 2)])
def test_a_game_without_numba_has_the_same_log(scenario, seed):
    """The pure-Python fallback (WARGAME_NO_JIT=1) plays the very same game: the tiny scenario, and without a
    road to cut, where the doctrine's followers move under the seize rule from the first turn."""
    import conftest

    got = _log_hash_elsewhere(scenario, seed, {"WARGAME_NO_JIT": "1"}, check="assert not kernels.JIT;")
    assert got == _log_hash(play_game(getattr(conftest, scenario)(), seed))


def test_direct_calls_play_the_same_game():
    """Outside the test suite's check mode, the hot kernels are called through their compiled entry points
    (`kernels.direct`): every one of them binds during a game, and the game is the same."""
    check = ("assert not kernels.CHECK;"
             "unbound = [n for n in kernels.SIGNATURES if not type(getattr(kernels.direct, n)).__name__"
             "           .startswith('builtin')];"
             "assert not unbound, unbound;")
    got = _log_hash_elsewhere("shusha_scenario", 5, {"WARGAME_KERNEL_CHECK": "0"}, check=check)
    assert got == _log_hash(play_game(shusha_scenario(), 5))


def test_check_mode_refuses_arguments_of_another_type():
    """The suite runs in check mode: a call site that hands a direct kernel another dtype, layout or a
    read-only array where it writes fails loudly instead of reaching the compiled code."""
    assert kernels.CHECK
    gmap = game_map(tiny_scenario())
    indptr, nbr, weight = gmap.csr("foot")
    masks = [gmap.no_hex] * 4
    ws = kernels.reach_workspace(gmap.n)
    assert kernels.direct.unit_reach(indptr, nbr, weight, 0, 3.0, *masks, *ws) >= 1  # the declared types
    assert ws[3][0, 0] == 0
    with pytest.raises(TypeError, match="do not fit"):  # int32 edge targets
        kernels.direct.unit_reach(indptr, nbr.astype(np.int32), weight, 0, 3.0, *masks, *ws)
    with pytest.raises(TypeError, match="do not fit"):  # a strided view
        kernels.direct.path_in_reach(np.zeros((3, 10), dtype=np.int64)[:, ::2], 0, np.zeros((2, 5), dtype=np.int64))
    store = gmap.viewshed_store(1)
    store.fill(0)
    store.fill(1)
    read_only_counts = np.zeros(gmap.n, dtype=np.int32)
    read_only_counts.setflags(write=False)
    with pytest.raises(TypeError, match="do not fit"):  # it would write into a read-only array
        kernels.direct.shift_counts(store.start, store.length, store.data, read_only_counts,
                                    np.zeros(gmap.n, dtype=bool), 0, 1, 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), n_ids=st.integers(0, 40), prefer_cover=st.booleans(),
       avoid_contact=st.booleans(), restrict=st.booleans(), ties=st.booleans())
def test_best_move_matches_the_reference(seed, n_ids, prefer_cover, avoid_contact, restrict, ties):
    """The doctrine AI's compiled move choice equals its pure-Python one (scores, ties, 'stay put')."""
    from types import SimpleNamespace

    from engine.ai.doctrine import DoctrineAgent
    from engine.units import Unit

    gmap = game_map(tiny_scenario())
    rng = np.random.default_rng(seed)
    start = int(rng.integers(gmap.n))
    ids = rng.permutation([i for i in range(gmap.n) if i != start])[:n_ids].astype(np.int64)
    field = (rng.integers(0, 4, gmap.n) * 0.5 if ties else rng.random(gmap.n) * 10).astype(np.float64)
    field[rng.random(gmap.n) < 0.1] = np.inf
    allowed = rng.random(gmap.n) < 0.7 if restrict else None
    near = rng.random(gmap.n) < 0.3
    agent = DoctrineAgent()
    view = SimpleNamespace(map=gmap, contacts=[object()] if avoid_contact else [],
                           contact_zone=frozenset(np.flatnonzero(near).tolist()))
    u = Unit("u", 0, "infantry", start, 3)
    ref = agent._best_move_py(view, u, ids, field, prefer_cover, avoid_contact, allowed)
    got = kernels.best_move(ids, start, gmap.all_hex if allowed is None else allowed, field, gmap.concealment,
                            near if avoid_contact else gmap.no_hex, prefer_cover, avoid_contact)
    assert (None if got < 0 else gmap.hex_of(int(got))) == (None if ref is None else ref.to)
    # the fused form the AI calls: from a reach order (the start first) through the stack-limit filter
    order = np.concatenate([[start], ids, ids[:3]]).astype(np.int64)
    occ = rng.integers(0, 3, gmap.n).astype(np.int16)
    dests = order[(order != start) & (occ[order] < 2)]  # movement.destination_indices' numpy path
    ref = agent._best_move_py(view, u, dests, field, prefer_cover, avoid_contact, allowed)
    got = kernels.best_destination(order, start, occ, 2, gmap.all_hex if allowed is None else allowed, field,
                                   gmap.concealment, near if avoid_contact else gmap.no_hex, prefer_cover,
                                   avoid_contact)
    assert (None if got < 0 else gmap.hex_of(int(got))) == (None if ref is None else ref.to)


@settings(max_examples=40, deadline=None)
@given(which=st.sampled_from(sorted(MAPS)), seed=st.integers(0, 10**6), na=st.integers(0, 30), nb=st.integers(0, 30))
def test_small_kernels_match_their_numpy_references(which, seed, na, nb):
    """distance_matrix, nearest_first, supply_blocked, shift_counts, destinations, detection_pairs: the
    numpy (or set) code they replace is the reference."""
    from engine import hexgrid
    from engine.mapdata import ViewshedStore

    gmap = game_map(MAPS[which]())
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, gmap.n, na), rng.integers(0, gmap.n, nb)
    want = hexgrid.distance_arrays(gmap.q[a][:, None], gmap.r[a][:, None], gmap.q[b][None, :], gmap.r[b][None, :])
    got = gmap.distance_matrix(a, b)
    assert got.shape == want.shape and got.tolist() == want.tolist()
    counts = rng.integers(1, 5, gmap.n).astype(np.int32)
    want_c = counts.copy()
    store = ViewshedStore(gmap, 3)
    for old, new, radius in zip(a.tolist(), b.tolist(), rng.integers(0, 4, len(a)).tolist(), strict=False):
        want_c[gmap.viewshed(old, radius)] -= 1
        want_c[gmap.viewshed(new, radius)] += 1
        store.fill(old)  # a unit's old hex was counted from the store; its new one may be missing
        mask = counts > 0
        while (missing := kernels.shift_counts(store.start, store.length, store.data, counts, mask, old, new,
                                               radius)) < 0:
            assert missing == -1 - new
            store.fill(new)
        assert counts.tolist() == want_c.tolist()
        assert mask.tolist() == (want_c > 0).tolist()
    hexes = np.unique(a)
    if nb:
        near = gmap.distance_matrix(hexes, b).min(axis=1)
        want_first = hexes[np.lexsort((hexes, near))][:6]
        assert kernels.nearest_first(gmap.q, gmap.r, hexes, b, 6).tolist() == want_first.tolist()
    no_go = rng.random(gmap.n) < 0.05
    stop = set(b.tolist()) | (gmap.adjacent_to(b.tolist()) - set(a.tolist()))  # enemy at b, own units at a
    want_blocked = no_go.copy()
    want_blocked[sorted(stop)] = True
    assert kernels.supply_blocked(no_go, gmap.nbr, b, a).tolist() == want_blocked.tolist()
    occ = rng.integers(0, 4, gmap.n).astype(np.int16)
    start = int(a[0]) if na else 0
    want_d = a[(a != start) & (occ[a] < 2)]
    assert kernels.destinations(a, start, occ, 2).tolist() == want_d.tolist()
    sig, detect, vision = (rng.integers(0, 4, na), rng.integers(0, 4, nb), rng.integers(1, 4, nb))
    reach = np.minimum(detect[None, :] + (sig - gmap.concealment[a])[:, None], vision[None, :])
    cand = (want == 1) | (want <= reach)
    out = np.full(3 * na * nb, -7, dtype=np.int64)
    m = kernels.detection_pairs(gmap.q, gmap.r, a, b, gmap.concealment, sig, detect, vision, out)
    assert out[:m].tolist() == [v for x, y in np.argwhere(cand).tolist() for v in (x, y, int(want[x, y]))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(MAPS)), seed=st.integers(0, 10**6), n_units=st.integers(0, 25),
       store_radius=st.integers(0, 8))
def test_ground_counts_from_the_viewshed_store_match_the_viewsheds(which, seed, n_units, store_radius):
    """The store holds each hex's viewshed out to its radius, and a viewshed at a smaller radius is a prefix
    of it (sight lines do not depend on how far a unit looks): `ground_counts` over the store counts exactly
    the observers the viewsheds of `GameMap.viewshed` give, filling the store as it meets new hexes."""
    from engine.mapdata import ViewshedStore

    gmap = game_map(MAPS[which]())
    store = ViewshedStore(gmap, store_radius)  # a store of its own: the map's shared one is left alone
    rng = np.random.default_rng(seed)
    pos = rng.integers(0, gmap.n, n_units)  # units may share a hex
    radius = rng.integers(0, store_radius + 1, n_units)
    want = np.zeros(gmap.n, dtype=np.int32)
    for p, r in zip(pos.tolist(), radius.tolist(), strict=True):
        assert store.viewshed(p, r).tolist() == gmap.viewshed(p, r).tolist()
        want[gmap.viewshed(p, r)] += 1
    fresh = ViewshedStore(gmap, store_radius)
    counts, mask = np.zeros(gmap.n, dtype=np.int32), np.zeros(gmap.n, dtype=bool)
    fills = 0
    while (missing := kernels.ground_counts(fresh.start, fresh.length, fresh.data, pos, radius, counts, mask)) < 0:
        assert not counts.any() and not mask.any()  # nothing written before the store has every viewshed
        fresh.fill(-1 - missing)
        fills += 1
    assert fills == len(set(pos.tolist()))
    assert counts.tolist() == want.tolist()
    assert mask.tolist() == (want > 0).tolist()
