"""Compiled inner loops: the supply trace, a unit's reach, an AI's distance field, the doctrine AI's move choice.

The three searches were most of a game's run time in pure Python (issue #6 profile). They run here as
numba-compiled functions over flat CSR edge arrays (`GameMap.csr`). The pure-Python code they replace stays
(`engine.movement`, `engine.supply`, `DoctrineAgent._best_move_py`) as the reference: it is used when numba
is missing or `WARGAME_NO_JIT=1` is set, and the tests check that both give identical results. Both use
the same heap discipline (tuples of cost and index, CPython's heap algorithm, which numba ports), the same
tie-breaks and the same float additions in the same order, so a game's event log does not depend on which
one ran.

Compiled code is cached on disk (numba `cache=True`): the first game after an install compiles it once
(a few seconds); later processes load it in a few hundred milliseconds (numba's import included).
"""

from __future__ import annotations

import os

import numpy as np

# dtypes as instances, for the numpy calls the games make per order (`np.zeros(n, BOOL)`): numpy converts a
# type such as `np.int64` or `bool` to its dtype at every call (about 500 instructions), and reads a dtype
# passed positionally cheaper than by keyword
BOOL = np.dtype(np.bool_)
INT32 = np.dtype(np.int32)
INT64 = np.dtype(np.int64)
INTP = np.dtype(np.intp)

JIT = False
if os.environ.get("WARGAME_NO_JIT", "") in ("", "0"):
    try:
        from numba import njit

        JIT = True
    except ImportError:  # pragma: no cover - numba is a dependency; this keeps exotic platforms working
        pass

if not JIT:
    def njit(*args, **kwargs):  # type: ignore[no-redef]
        return (lambda f: f) if not args or not callable(args[0]) else args[0]


@njit(cache=True, nogil=True, _nrt=False)
def _supply_search_in(indptr, nbr, weight, blocked, sources, limit, targets, n_targets, parent, dist, wanted,
                      heap_c, heap_i):  # pragma: no cover - compiled
    """The supply search behind `supply_trace`, `supply_tree` and `supply_status_back`, in the caller's arrays:
    `dist` and `wanted` (a slot per hex, overwritten), a heap with room for a push per source and per edge.
    Stops once the first `n_targets` of `targets` are settled (none: the whole field). Records each hex's
    predecessor in `parent` when it has a slot per hex (an empty `parent` records nothing)."""
    n = indptr.shape[0] - 1
    track = parent.shape[0] == n
    for i in range(n):
        dist[i] = np.inf
        wanted[i] = False
    remaining = 0
    for x in range(n_targets):
        t = targets[x]
        if not wanted[t]:
            wanted[t] = True
            remaining += 1
    size = 0
    for s in sources:
        if not blocked[s]:
            dist[s] = 0.0
            size = _heap_push(heap_c, heap_i, size, 0.0, s)
    while size:
        c = heap_c[0]
        i = heap_i[0]
        size -= 1
        _heap_pop_last(heap_c, heap_i, size)
        if c > dist[i]:
            continue
        if wanted[i]:
            wanted[i] = False
            remaining -= 1
            if remaining == 0:
                break
        for e in range(indptr[i], indptr[i + 1]):
            j = nbr[e]
            if blocked[j]:
                continue
            nc = c + weight[e]
            if nc < dist[j] and nc <= limit:
                dist[j] = nc
                if track:
                    parent[j] = i
                size = _heap_push(heap_c, heap_i, size, nc, j)


@njit(cache=True, nogil=True)
def _supply_search(indptr, nbr, weight, blocked, sources, limit, targets, parent):  # pragma: no cover
    """`_supply_search_in` in arrays of its own; returns the costs."""
    n = indptr.shape[0] - 1
    dist = np.empty(n)
    room = sources.shape[0] + nbr.shape[0] + 1
    _supply_search_in(indptr, nbr, weight, blocked, sources, limit, targets, targets.shape[0], parent, dist,
                      np.empty(n, dtype=np.bool_), np.empty(room), np.empty(room, dtype=np.int64))
    return dist


@njit(cache=True, nogil=True)
def supply_trace(indptr, nbr, weight, blocked, sources, limit, targets):  # pragma: no cover - compiled
    """Cheapest supply cost from any source to every hex within `limit` (inf elsewhere).

    With `targets` (hex indices), the search stops once all of them are settled: their costs are final and
    exact, other hexes may be left unsettled. An empty `targets` traces the whole field."""
    return _supply_search(indptr, nbr, weight, blocked, sources, limit, targets, np.empty(0, dtype=np.int64))


@njit(cache=True, nogil=True, _nrt=False)
def path_in_reach(data, dest, out):  # pragma: no cover - compiled
    """The path to `dest` in a reach (`engine.movement.Reach.data`: hexes in discovery order, their costs'
    bits and their previous hexes, -1 at the start, as rows): its hexes (start first) and the bits of the
    cost of reaching each, written to `out[0, :k]` and `out[1, :k]` (room for the reach); returns k, 0 if
    `dest` was not reached. See `engine.movement.walk_of`, whose Python walk is the reference."""
    order = data[0]
    prev = data[2]
    n = order.shape[0]
    k = 0
    h = dest
    while h >= 0:
        x = 0
        while x < n and order[x] != h:
            x += 1
        if x == n or k == n:
            return 0  # not reached (or not a reach): no path
        out[0, k] = h
        out[1, k] = data[1, x]
        k += 1
        h = prev[x]
    for a in range(k // 2):  # dest first so far: reverse in place
        b = k - 1 - a
        for row in range(2):
            t = out[row, a]
            out[row, a] = out[row, b]
            out[row, b] = t
    return k


@njit(cache=True, nogil=True, _nrt=False)
def _blocked_into(no_go, nbr, enemy, own, zone, out):  # pragma: no cover - compiled
    """`supply_blocked` into `out`, with `zone` (all False) as scratch, left all False."""
    for k in range(enemy.shape[0]):
        for d in range(6):
            j = nbr[enemy[k], d]
            if j >= 0:
                zone[j] = True
    for k in range(own.shape[0]):
        zone[own[k]] = False
    for k in range(enemy.shape[0]):
        zone[enemy[k]] = True
    for i in range(no_go.shape[0]):
        out[i] = no_go[i] or zone[i]
        zone[i] = False


@njit(cache=True, nogil=True)
def supply_blocked(no_go, nbr, enemy, own):  # pragma: no cover - compiled
    """Hexes a supply trace may not enter: `no_go`, the `enemy` hexes, and the hexes next to them except
    where `own` units stand (see `engine.supply._blocked`, whose set arithmetic is the reference)."""
    out = np.empty(no_go.shape[0], dtype=np.bool_)
    _blocked_into(no_go, nbr, enemy, own, np.zeros(no_go.shape[0], dtype=np.bool_), out)
    return out


@njit(cache=True, nogil=True)
def supply_tree(indptr, nbr, weight, blocked, sources, limit):  # pragma: no cover - compiled
    """`supply_trace` over the whole map, also returning each hex's predecessor on its cheapest route (-1 at
    a source or where unreached): the map's supply tree before any unit blocks it."""
    parent = np.full(indptr.shape[0] - 1, -1, dtype=np.int64)
    dist = _supply_search(indptr, nbr, weight, blocked, sources, limit, np.empty(0, dtype=np.int64), parent)
    return dist, parent


@njit(cache=True, nogil=True, _nrt=False)
def _by_tree_into(dist, parent, stop, targets, status, wanted):  # pragma: no cover - compiled
    """`supply_by_tree` into `status`; the unknown targets' hexes also go to `wanted` unless it is empty.
    Returns how many are unknown."""
    unknown = 0
    for k in range(targets.shape[0]):
        t = targets[k]
        if dist[t] == np.inf:
            status[k] = 0
            continue
        status[k] = 1
        x = t
        while x >= 0:
            if stop[x]:
                status[k] = 2
                if wanted.shape[0]:
                    wanted[unknown] = t
                unknown += 1
                break
            x = parent[x]
    return unknown


@njit(cache=True, nogil=True)
def supply_by_tree(dist, parent, stop, targets):  # pragma: no cover - compiled
    """For each target hex, from the unblocked supply tree (`supply_tree`): 0 out of supply (unreached even
    unblocked), 1 in supply (its route in the tree crosses no `stop` hex, so blocking leaves its cost
    unchanged), 2 unknown (its route is blocked somewhere: a search must decide); and how many are 2."""
    out = np.empty(targets.shape[0], dtype=np.int8)
    return out, _by_tree_into(dist, parent, stop, targets, out, np.empty(0, dtype=np.int64))


def supply_workspace(n: int, n_edges: int, n_sources: int, n_targets: int) -> tuple[np.ndarray, ...]:
    """Scratch arrays for `supply_status_back` on a map of `n` hexes whose supply graph has `n_edges` edges, for
    `n_sources` sources and at most `n_targets` targets a call: the blocked mask, enemy zones, per-target
    status, the targets left to search, and the search's costs, wanted flags and heap."""
    room = n_edges + n_sources + 1
    return (np.zeros(n, BOOL), np.zeros(n, BOOL), np.zeros(n_targets, INT64), np.zeros(n_targets, INT64),
            np.zeros(n), np.zeros(n, BOOL), np.zeros(room), np.zeros(room, INT64))


@njit(cache=True, nogil=True, _nrt=False)
def _mark_zone(nbr, enemy, own, zone, on):  # pragma: no cover - compiled
    """With `on`: mark in `zone` (all False) the hexes the units block a supply trace from, as `supply_blocked`
    has them without the no-go areas: the `enemy` hexes and their neighbours, except where `own` units stand.
    Without: clear them again, touching only those hexes (not the whole map)."""
    for k in range(enemy.shape[0]):
        for d in range(6):
            j = nbr[enemy[k], d]
            if j >= 0:
                zone[j] = on
    if on:
        for k in range(own.shape[0]):
            zone[own[k]] = False
    for k in range(enemy.shape[0]):
        zone[enemy[k]] = on


SUPPLY_SLACK = 1e-6
"""How near the supply range a route found backwards must come for `supply_status_back` to ask the forward search:
the two add a route's costs in opposite orders, so their sums may differ in the last bits."""


@njit(cache=True, nogil=True, _nrt=False)
def _supplied_backwards(rindptr, rnbr, rweight, no_go, zone, is_source, tree_dist, limit, t, g, touched, heap_c,
                        heap_i):  # pragma: no cover - compiled
    """Is hex `t` in supply? A search backwards from `t` towards the sources (`rindptr`, `rnbr`, `rweight`: the
    supply graph's edges reversed, each with its forward cost), around the blocked hexes (the `no_go` ones and
    the units' `zone`, `_mark_zone`), led by the unblocked supply tree's costs (`tree_dist`: no route from the
    sources to a hex costs less, so a hex whose cost back to `t` plus its tree cost exceeds `limit` lies on no
    route within range, and the search heads straight down the tree's routes). 1: a route within range; 0: none;
    -1: the best route costs within `SUPPLY_SLACK` of `limit`, where the forward search (which adds the costs
    from the source) must decide. `g` (inf everywhere) and `touched` are scratch with a slot per hex; `g` is
    left inf."""
    if no_go[t] or zone[t] or not tree_dist[t] <= limit + SUPPLY_SLACK:
        return 0
    if is_source[t]:
        return 1
    below = limit - SUPPLY_SLACK
    above = limit + SUPPLY_SLACK
    g[t] = 0.0
    touched[0] = t
    n_touched = 1
    size = _heap_push(heap_c, heap_i, 0, tree_dist[t], t)
    result = 0
    while size:
        f = heap_c[0]
        i = heap_i[0]
        size -= 1
        _heap_pop_last(heap_c, heap_i, size)
        gi = g[i]
        if f > gi + tree_dist[i]:  # a cheaper way back to `t` was found since this entry was pushed
            continue
        for e in range(rindptr[i], rindptr[i + 1]):
            j = rnbr[e]
            if no_go[j] or zone[j]:
                continue
            nc = gi + rweight[e]
            if nc >= g[j]:
                continue
            fj = nc + tree_dist[j]
            if not fj <= above:  # (inf: beyond range even unblocked)
                continue
            if is_source[j]:
                if nc <= below:
                    result = 1
                    size = 0
                    break
                result = -1
            if size >= heap_c.shape[0]:  # (cannot happen with the tree's consistent costs: the forward search
                result = -1              # decides rather than raise)
                size = 0
                break
            if g[j] == np.inf:
                touched[n_touched] = j
                n_touched += 1
            g[j] = nc
            size = _heap_push(heap_c, heap_i, size, fj, j)
    for k in range(n_touched):
        g[touched[k]] = np.inf
    return result


def supply_back_workspace(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scratch arrays for `supply_status_back`'s backward searches on a map of `n` hexes: each hex's cost back to
    the target (inf between searches) and the hexes a search touched."""
    return np.full(n, np.inf), np.zeros(n, INT64)


@njit(cache=True, nogil=True, _nrt=False)
def supply_status_back(indptr, nbr, weight, rindptr, rnbr, rweight, no_go, nbr6, enemy, own, sources, is_source,
                       limit, tree_dist, tree_parent, targets, out, ws_blocked, ws_zone, ws_status, ws_wanted,
                       ws_dist, ws_flags, heap_c, heap_i, g, touched):  # pragma: no cover - compiled
    """Is each target hex in supply? Written to `out`, in one call, in the caller's arrays (`supply_workspace`,
    `supply_back_workspace`; it allocates nothing): the units' blocked hexes (`supply_blocked`'s, marked and
    cleared again locally), the unblocked tree's answer (`supply_by_tree`), and for each target the tree leaves
    unknown a search backwards from it (`_supplied_backwards`). Until session 37 one search forwards from the
    sources settled those: it settles every hex cheaper than the farthest unknown target (most of a side's rear),
    the backward one little more than a detour around the blocked hexes (Shusha: -2.9% instructions a game).
    Its arguments beyond the supply graph: the graph reversed (`GameMap.csr("supply", reverse=True)`) and the
    sources as a mask. `engine.supply.supplied_at` composes the parts in Python without numba."""
    if targets.shape[0] > ws_status.shape[0]:  # compiled code checks no bounds
        raise IndexError("supply workspace too small for the targets")
    zone = ws_zone
    _mark_zone(nbr6, enemy, own, zone, True)
    # (no hex of a tree route is no-go: the tree was traced around them)
    n_unknown = _by_tree_into(tree_dist, tree_parent, zone, targets, ws_status, ws_wanted)
    for x in range(targets.shape[0]):
        out[x] = ws_status[x] == 1
    if n_unknown:
        for x in range(targets.shape[0]):
            if ws_status[x] != 2:
                continue
            t = targets[x]
            got = 2
            for y in range(x):  # a stack: its hex is settled already
                if targets[y] == t:
                    got = 1 if out[y] else 0
                    break
            if got == 2:
                got = _supplied_backwards(rindptr, rnbr, rweight, no_go, zone, is_source, tree_dist, limit, t, g,
                                          touched, heap_c, heap_i)
            if got < 0:  # too near the range to tell from the backward sums: the forward search's own answer
                for i in range(no_go.shape[0]):
                    ws_blocked[i] = no_go[i] or zone[i]
                ws_wanted[0] = t
                _supply_search_in(indptr, nbr, weight, ws_blocked, sources, limit, ws_wanted, 1, ws_status[:0],
                                  ws_dist, ws_flags, heap_c, heap_i)
                got = 1 if ws_dist[t] < np.inf else 0
            out[x] = got == 1
    _mark_zone(nbr6, enemy, own, zone, False)  # left all False, as found


@njit(cache=True, nogil=True, _nrt=False)
def _before(c1, i1, c2, i2):  # pragma: no cover - compiled
    """Does heap entry (c1, i1) come before (c2, i2)? Python's tuple order: cost, then hex."""
    return c1 < c2 or (c1 == c2 and i1 < i2)


@njit(cache=True, nogil=True, _nrt=False)
def _heap_push(heap_c, heap_i, size, c, j):  # pragma: no cover - compiled
    """Push (c, j) on the binary min-heap held in `heap_c`, `heap_i` (`size` entries); returns the new size.
    Entries order as Python's tuples do (cost, then hex), so the searches pop them in the very order
    `heapq` does (entries with equal keys are equal). The callers size the heap to a proven bound; compiled
    code checks no bounds, so a full heap raises rather than write past the arrays."""
    if size >= heap_c.shape[0]:
        raise IndexError("search heap full")
    pos = size
    while pos > 0:
        up = (pos - 1) >> 1
        uc = heap_c[up]
        ui = heap_i[up]
        if _before(c, j, uc, ui):
            heap_c[pos] = uc
            heap_i[pos] = ui
            pos = up
        else:
            break
    heap_c[pos] = c
    heap_i[pos] = j
    return size + 1


@njit(cache=True, nogil=True, _nrt=False)
def _heap_pop_last(heap_c, heap_i, size):  # pragma: no cover - compiled
    """Remove the smallest entry of the heap (read `heap_c[0]`, `heap_i[0]` first); `size` is the size after
    the removal."""
    if size == 0:
        return
    lc = heap_c[size]
    li = heap_i[size]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        right = child + 1
        if right < size and _before(heap_c[right], heap_i[right], heap_c[child], heap_i[child]):
            child = right
        cc = heap_c[child]
        ci = heap_i[child]
        if _before(cc, ci, lc, li):
            heap_c[pos] = cc
            heap_i[pos] = ci
            pos = child
        else:
            break
    heap_c[pos] = lc
    heap_i[pos] = li


def reach_workspace(n: int) -> tuple[np.ndarray, ...]:
    """Scratch arrays for `unit_reach` on a map of `n` hexes: per hex its cost (inf), previous hex (-2) and
    whether it is settled (False); the reached hexes in order, their costs' bits and previous hexes as the
    rows of one int64 array (`engine.movement.Reach.data`); a heap (a hex grid has at most 6 edges per hex,
    and a search pushes at most once per edge)."""
    return (np.full(n, np.inf), np.full(n, -2, dtype=np.int64), np.zeros(n, dtype=bool),
            np.zeros((3, n), dtype=np.int64), np.zeros(6 * n + 1), np.zeros(6 * n + 1, dtype=np.int64))


@njit(cache=True, nogil=True, _nrt=False)
def unit_reach(indptr, nbr, weight, start, budget, blocked, forbidden, zoc, zoc_exempt,
               ws_cost, ws_prev, ws_done, out, heap_c, heap_i):  # pragma: no cover
    """Bounded Dijkstra for one unit. Returns k, the number of hexes reached: `out[0, :k]` are they in
    discovery order, `out[1, :k]` their costs (as float64 bits), `out[2, :k]` their previous hexes (-1 at the
    start). A hex may not be entered where `blocked` or `forbidden` is set; see `engine.movement.dijkstra`
    for the rules. The other arrays are the caller's workspace (`reach_workspace`): the per-hex ones are left
    as they were found (only the reached hexes are touched, so a search costs what it reaches, not the map's
    size). It allocates nothing, so it runs without numba's reference counting (see `_Direct`)."""
    cost, prev, done, order = ws_cost, ws_prev, ws_done, out[0]
    out_cost = out[1].view(np.float64)
    out_prev = out[2]
    cost[start] = 0.0
    prev[start] = -1
    order[0] = start
    k = 1
    size = _heap_push(heap_c, heap_i, 0, 0.0, start)
    while size:
        c = heap_c[0]
        i = heap_i[0]
        size -= 1
        _heap_pop_last(heap_c, heap_i, size)
        if done[i]:
            continue
        done[i] = True
        if i != start and zoc[i] and not zoc_exempt[i]:
            continue  # entering enemy control ends the move
        for e in range(indptr[i], indptr[i + 1]):
            j = nbr[e]
            if blocked[j] or forbidden[j]:
                continue
            nc = c + weight[e]
            if nc > budget + 1e-9:
                continue
            pj = prev[j]
            if pj == -2:
                order[k] = j
                k += 1
            elif not (nc < cost[j] - 1e-12 or (abs(nc - cost[j]) <= 1e-12 and i < pj)):
                continue
            cost[j] = nc
            prev[j] = i
            size = _heap_push(heap_c, heap_i, size, nc, j)
    for x in range(k):
        h = order[x]
        out_cost[x] = cost[h]
        out_prev[x] = prev[h]
        cost[h] = np.inf
        prev[h] = -2
        done[h] = False
    return k


@njit(cache=True, nogil=True)
def field_to(indptr, nbr, weight, target, forbidden):  # pragma: no cover - compiled
    """Movement cost from every hex to `target` over reversed edges (`GameMap.csr(..., reverse=True)`).

    On the array heap of the other searches (`_heap_push`), which pops in `heapq`'s order: a list of tuples
    made this search, which runs over the whole map, about three times as costly. A hex is expanded once (a
    push needs a strictly lower cost), so it pushes at most once per edge."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    dist[target] = 0.0
    heap_c = np.empty(nbr.shape[0] + 1)
    heap_i = np.empty(nbr.shape[0] + 1, dtype=np.int64)
    size = _heap_push(heap_c, heap_i, 0, 0.0, target)
    while size:
        c = heap_c[0]
        i = heap_i[0]
        size -= 1
        _heap_pop_last(heap_c, heap_i, size)
        if c > dist[i]:
            continue
        for e in range(indptr[i], indptr[i + 1]):
            j = nbr[e]
            if forbidden[j]:
                continue
            nc = c + weight[e]
            if nc < dist[j]:
                dist[j] = nc
                size = _heap_push(heap_c, heap_i, size, nc, j)
    return dist


@njit(cache=True, nogil=True, _nrt=False)
def _best_among(ids, start, stacking, occ_own, limit, allowed, field, conceal, near, prefer_cover,
                avoid_contact):  # pragma: no cover - compiled
    """The choice behind `best_move` and `best_destination`; with `stacking`, `ids` is a reach order and
    only its hexes other than `start` where the own stack is below `limit` (`occ_own`) count."""
    here = field[start]
    stay = here
    if prefer_cover:
        stay = here - 0.4 * conceal[start]
    if avoid_contact and near[start]:
        stay += 3.0
    best = -1
    best_s = np.inf
    best_f = 0.0
    for k in range(ids.shape[0]):
        i = ids[k]
        if stacking and (i == start or occ_own[i] >= limit):
            continue
        if not allowed[i]:
            continue
        f = field[i]
        s = f
        if prefer_cover:
            s = f - 0.4 * conceal[i]
        if avoid_contact and near[i]:
            s = s + 3.0
        if best < 0 or s < best_s or (s == best_s and i < best):
            best = i
            best_s = s
            best_f = f
    if best < 0:
        return -2
    if not np.isfinite(best_f) or best_s >= stay - 1e-9 or best_f >= here:
        return -1
    return best


@njit(cache=True, nogil=True, _nrt=False)
def best_move(ids, start, allowed, field, conceal, near, prefer_cover, avoid_contact):  # pragma: no cover
    """The doctrine AI's move choice (see `DoctrineAgent._best_move`, whose pure-Python path is the
    reference): among destinations `ids` (restricted to `allowed`), the lowest score = field (− 0.4 ×
    concealment if `prefer_cover`, + 3 on `near` hexes if `avoid_contact`), ties to the lower index.
    Returns that hex, -1 if it does not improve on staying at `start`, -2 if there is no destination."""
    return _best_among(ids, start, False, ids, 0, allowed, field, conceal, near, prefer_cover, avoid_contact)


@njit(cache=True, nogil=True, _nrt=False)
def best_destination(order, start, occ_own, limit, allowed, field, conceal, near, prefer_cover,
                     avoid_contact):  # pragma: no cover - compiled
    """`best_move` over `destinations(order, start, occ_own, limit)`, in one call (the doctrine AI's move
    choice straight from a unit's reach), filtering as it goes: it allocates nothing, so it runs without
    numba's reference counting (see `_Direct`)."""
    return _best_among(order, start, True, occ_own, limit, allowed, field, conceal, near, prefer_cover,
                       avoid_contact)


@njit(cache=True, nogil=True, _nrt=False)
def shift_counts(start, length, data, counts, mask, old, new, radius):  # pragma: no cover - compiled
    """A unit seeing out to `radius` moved from hex `old` to hex `new`: its viewshed (from the
    `GameMap.viewshed_store` arrays `start`, `length`, `data`) leaves `counts` at `old` and joins it at `new`,
    in place, keeping `mask` == (counts > 0) by touching only those hexes. Returns 0, or -1 - new (changing
    nothing) when the new hex's viewshed is not in the store yet: fill it, call again. (The old hex's is
    there: the unit was counted from the store.)"""
    if start[new] < 0:
        return -1 - new
    s = start[old]
    for e in range(s, s + length[old, radius]):
        j = data[e]
        counts[j] -= 1
        if counts[j] == 0:
            mask[j] = False
    s = start[new]
    for e in range(s, s + length[new, radius]):
        j = data[e]
        counts[j] += 1
        if counts[j] == 1:
            mask[j] = True
    return 0


@njit(cache=True, nogil=True, _nrt=False)
def ground_counts(start, length, data, pos, radius, counts, mask):  # pragma: no cover - compiled
    """A side's ground view from scratch, into `counts` and `mask` (all zero on entry): how many of its units
    (the one on hex `pos[k]` seeing out to `radius[k]`) see each hex, and where that is non-zero; viewsheds
    from the `GameMap.viewshed_store` arrays `start`, `length`, `data`. Returns 0, or -1 - i (writing
    nothing) when hex i's viewshed is not in the store yet: fill it, call again."""
    for k in range(pos.shape[0]):
        if start[pos[k]] < 0:
            return -1 - pos[k]
    for k in range(pos.shape[0]):
        i = pos[k]
        s = start[i]
        for e in range(s, s + length[i, radius[k]]):
            j = data[e]
            counts[j] += 1
            mask[j] = True
    return 0


@njit(cache=True, nogil=True, _nrt=False)
def hex_distance(q, r, i, j):  # pragma: no cover - compiled
    """Hex distance between flat hexes `i` and `j` from axial `q`, `r` (`hexgrid.distance`)."""
    dq = q[i] - q[j]
    dr = r[i] - r[j]
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


@njit(cache=True, nogil=True)
def distance_matrix(q, r, a, b):  # pragma: no cover - compiled
    """Hex distance between every hex of index array `a` (rows) and of `b` (columns), from axial `q`, `r`
    (see `GameMap.distance_matrix`, whose numpy path is the reference)."""
    out = np.empty((a.shape[0], b.shape[0]), dtype=q.dtype)
    for x in range(a.shape[0]):
        for y in range(b.shape[0]):
            out[x, y] = hex_distance(q, r, a[x], b[y])
    return out


@njit(cache=True, nogil=True)
def nearest_first(q, r, hexes, to, k):  # pragma: no cover - compiled
    """The first `k` of `hexes` (ascending indices) ordered by hex distance to the nearest of `to`, ties to
    the lower index: `hexes[np.lexsort((hexes, nearest))][:k]`, the doctrine AI's reference."""
    n = hexes.shape[0]
    near = np.empty(n, dtype=np.int64)
    for x in range(n):
        m = np.int64(1) << 62
        for y in range(to.shape[0]):
            d = hex_distance(q, r, hexes[x], to[y])
            if d < m:
                m = d
        near[x] = m
    out = np.empty(min(k, n), dtype=np.int64)
    taken = np.zeros(n, dtype=np.bool_)
    for t in range(out.shape[0]):
        best = -1
        for x in range(n):
            if not taken[x] and (best < 0 or near[x] < near[best]):
                best = x
        taken[best] = True
        out[t] = hexes[best]
    return out


@njit(cache=True, nogil=True)
def destinations(order, start, occ_own, limit):  # pragma: no cover - compiled
    """The hexes of `order` other than `start` where the own stack is below `limit`, in order (see
    `engine.movement.destination_indices`, whose numpy path is the reference)."""
    out = np.empty(order.shape[0], dtype=np.int64)
    k = 0
    for x in range(order.shape[0]):
        i = order[x]
        if i != start and occ_own[i] < limit:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True, nogil=True, _nrt=False)
def detection_pairs(q, r, t_idx, o_idx, conceal, sig, detect, vision, out):  # pragma: no cover - compiled
    """For hidden targets `t_idx` and observers `o_idx`: the pairs that may detect (adjacent, or within
    detect + signature − concealment capped by vision), as (target position, observer position, hex
    distance) triples written to `out` (room for 3 × targets × observers), targets then observers in
    ascending order; returns how many numbers were written. See `engine.visibility.detect_hidden`, whose
    numpy path is the reference."""
    m = 0
    for x in range(t_idx.shape[0]):
        t = t_idx[x]
        base = sig[x] - conceal[t]
        for y in range(o_idx.shape[0]):
            dist = hex_distance(q, r, t, o_idx[y])
            reach = min(detect[y] + base, vision[y])
            if dist == 1 or dist <= reach:
                out[m] = x
                out[m + 1] = y
                out[m + 2] = dist
                m += 3
    return m


@njit(cache=True, nogil=True, _nrt=False)
def spawn_states(words, out):  # pragma: no cover - compiled
    """The PCG64 seeds of `SeedSequence(seed).spawn(k)`: row i of `out` (k × 4, int64: the bits of uint64)
    becomes child i's `generate_state(4, np.uint64)`, which seeds `PCG64(child)`. `words`: the seed's 32-bit
    words, least significant first (at least one). numpy's algorithm (O'Neill's seed_seq hash, pool of 4) in
    64-bit integers masked to 32 bits, which wrap as its uint32 arithmetic does; `engine.rules.seed_streams`
    checks the result against numpy's own seeding in the tests. The seeding is 1% of a 10×10 game in numpy:
    five Python-level mixing passes and an `errstate` per generator."""
    m32 = 0xFFFFFFFF
    n_run = words.shape[0] if words.shape[0] > 4 else 4  # the seed's words, padded to the pool (a spawn key follows)
    for child in range(out.shape[0]):
        h = 0x43B0D7E5  # mix_entropy: the pool from the entropy (seed words, padding, then the spawn key `child`)
        for i in range(4):
            v = words[i] if i < words.shape[0] else 0
            v ^= h
            h = (h * 0x931E8875) & m32
            v = (v * h) & m32
            out[child, i] = v ^ (v >> 16)
        for i_src in range(4):
            for i_dst in range(4):
                if i_src != i_dst:
                    v = out[child, i_src] ^ h
                    h = (h * 0x931E8875) & m32
                    v = (v * h) & m32
                    v ^= v >> 16
                    x = (0xCA01F9DD * out[child, i_dst] - 0x4973F715 * v) & m32
                    out[child, i_dst] = x ^ (x >> 16)
        for i_src in range(4, n_run + 1):
            e = child if i_src == n_run else (words[i_src] if i_src < words.shape[0] else 0)
            for i_dst in range(4):
                v = e ^ h
                h = (h * 0x931E8875) & m32
                v = (v * h) & m32
                v ^= v >> 16
                x = (0xCA01F9DD * out[child, i_dst] - 0x4973F715 * v) & m32
                out[child, i_dst] = x ^ (x >> 16)
        p0, p1, p2, p3 = out[child, 0], out[child, 1], out[child, 2], out[child, 3]
        h = 0x8B51F9DD  # generate_state: 8 words from the pool in turn, paired little-endian into 4 uint64
        for k in range(8):
            src = p0 if k % 4 == 0 else (p1 if k % 4 == 1 else (p2 if k % 4 == 2 else p3))
            v = src ^ h
            h = (h * 0x58F38DED) & m32
            v = (v * h) & m32
            v ^= v >> 16
            if k % 2 == 0:
                out[child, k // 2] = v
            else:
                out[child, k // 2] |= v << 32


# ------------------------------------------------------------------------------------------ direct calls
class _Direct:
    """The kernels that run hundreds of times a game, called straight through their compiled entry points.

    A numba dispatcher types every argument on every call to pick a compiled version (about 2% of a game's
    instructions: read-only arrays take its slow path). These kernels each have one declared signature
    (`SIGNATURES`): the first call goes through the dispatcher, which compiles or loads that version, and
    then `direct.NAME` becomes its entry point, which trusts the types. The engine's call sites pass exactly
    those types. The test suite sets WARGAME_KERNEL_CHECK=1: every call then goes through the dispatcher
    and is checked against the declared types, so a call site that drifts fails the tests instead of
    handing the compiled code arrays of another dtype or layout."""


direct = _Direct()
DIRECT_KERNELS = ("unit_reach", "path_in_reach", "best_destination", "shift_counts", "supply_status_back",
                  "detection_pairs", "ground_counts")
CHECK = os.environ.get("WARGAME_KERNEL_CHECK", "") not in ("", "0")
SIGNATURES: dict[str, tuple] = {}

if JIT:
    from numba import typeof
    from numba.core import types as _t

    def _array(dtype: object, readonly: bool = True, ndim: int = 1) -> object:
        return _t.Array(dtype, ndim, "C", readonly=readonly)

    _I64, _F64, _B = _t.int64, _t.float64, _t.boolean
    SIGNATURES = {  # read-only arrays: map layers, caches and reaches; writable: workspaces and fresh arrays
        "unit_reach": (_array(_I64), _array(_I64), _array(_F64), _I64, _F64, _array(_B), _array(_B), _array(_B),
                       _array(_B), _array(_F64, False), _array(_I64, False), _array(_B, False),
                       _array(_I64, False, 2), _array(_F64, False), _array(_I64, False)),
        "path_in_reach": (_array(_I64, ndim=2), _I64, _array(_I64, False, 2)),
        "best_destination": (_array(_I64), _I64, _array(_t.int16), _I64, _array(_B), _array(_F64), _array(_I64),
                             _array(_B), _B, _B),
        "shift_counts": (_array(_I64, False), _array(_I64, False, 2), _array(_I64, False), _array(_t.int32, False),
                         _array(_B, False), _I64, _I64, _I64),
        "supply_status_back": (_array(_I64), _array(_I64), _array(_F64), _array(_I64), _array(_I64), _array(_F64),
                               _array(_B), _array(_I64, ndim=2), _array(_I64), _array(_I64), _array(_I64), _array(_B),
                               _F64, _array(_F64), _array(_I64), _array(_I64), _array(_B, False), _array(_B, False),
                               _array(_B, False), _array(_I64, False), _array(_I64, False), _array(_F64, False),
                               _array(_B, False), _array(_F64, False), _array(_I64, False), _array(_F64, False),
                               _array(_I64, False)),
        "detection_pairs": (_array(_I64), _array(_I64), _array(_I64, False), _array(_I64), _array(_I64),
                            _array(_I64, False), _array(_I64, False), _array(_I64, False), _array(_I64, False)),
        "ground_counts": (_array(_I64, False), _array(_I64, False, 2), _array(_I64, False), _array(_I64),
                          _array(_I64, False), _array(_t.int32, False), _array(_B, False)),
    }

    def _fits(actual: object, declared: object) -> bool:
        """May a value of numba type `actual` go where `declared` is expected? The same dtype, dimensions and
        layout; a writable array may stand in for a read-only one, not the other way round."""
        if isinstance(declared, _t.Array):
            return (isinstance(actual, _t.Array) and actual.dtype == declared.dtype and actual.ndim == declared.ndim
                    and actual.layout == declared.layout and (actual.mutable or not declared.mutable))
        return actual == declared

    def _checked(name: str, kernel: object, declared: tuple) -> object:
        def call(*args: object) -> object:
            got = tuple(typeof(a) for a in args)
            if len(got) != len(declared) or not all(_fits(a, d) for a, d in zip(got, declared, strict=False)):
                raise TypeError(f"kernels.direct.{name}: arguments {got} do not fit its signature {declared}")
            return kernel(*args)
        return call

    def _binding(name: str, kernel: object, declared: tuple) -> object:
        def first(*args: object) -> object:
            out = kernel(*args)  # compiles or loads the declared version
            if declared in kernel.overloads:
                setattr(direct, name, kernel.overloads[declared].entry_point)
            return out
        return first

    assert tuple(SIGNATURES) == DIRECT_KERNELS
    for _name, _declared in SIGNATURES.items():
        _kernel = globals()[_name]
        setattr(direct, _name, (_checked if CHECK else _binding)(_name, _kernel, _declared))
else:  # the plain functions: nothing to bind
    for _name in DIRECT_KERNELS:
        setattr(direct, _name, globals()[_name])
