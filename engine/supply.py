"""Supply traced from each side's sources: cheap along roads, like porters elsewhere; enemy units and their
zones of control block the trace (a hex where the side's own units stand is not blocked; an empty hex it holds is)."""

from __future__ import annotations

import heapq

import numpy as np

from engine import kernels
from engine.events import SupplyReport
from engine.kernels import BOOL
from engine.mapdata import INF, GameMap, _readonly, trim_memo
from engine.state import GameState
from engine.units import SIDES

_NO_TARGETS = np.zeros(0, dtype=np.int64)


def supply_field(state: GameState, side: int, known_only: bool = False, targets: np.ndarray | None = None
                 ) -> np.ndarray:
    """Supply cost from the side's nearest source to every hex (inf where cut off), up to its range.

    `known_only` traces it as the side believes it to be (only enemy units it can see block it): what a
    player's overlay may show without giving away hidden enemies. `targets`: only these hexes are needed
    (the search may stop once they are settled; other hexes are then not final).
    """
    blocked = _blocked(state, side, known_only)
    return _trace(state, side, blocked, _NO_TARGETS if targets is None else targets)


def _trace(state: GameState, side: int, blocked: np.ndarray, goal: np.ndarray) -> np.ndarray:
    gmap = state.map
    limit = state.scenario.sides[SIDES[side]].supply_range
    sources = _sources(state, side)
    if kernels.JIT:
        indptr, nbr, weight = gmap.csr("supply")
        return kernels.supply_trace(indptr, nbr, weight, blocked, sources, float(limit), goal)
    return trace_py(gmap.supply_adjacency, blocked.tolist(), sources.tolist(), limit, gmap.n, goal.tolist())


def supply_estimate(state: GameState, side: int) -> tuple[np.ndarray, np.ndarray]:
    """The side's supply field as it can believe it to be, and the hexes that belief blocks: a player's
    overlay may not trace through enemies it cannot know of, nor through those it does. Blocked, as the rule
    blocks (a unit's hex and the hexes next to it, except where the side's own units stand): the enemy units it
    sees now and those it saw this turn or the last (`SideView.last_seen`: not the ones it has destroyed); and,
    as a possible unit's hex, ground it knows the enemy took since the briefing (`GameState.known_control`: the
    hex a road cut was announced at) where it cannot see now."""
    from engine.view import SideView
    from engine.visibility import known_enemy_hexes, visible_hexes

    gmap = state.map
    enemy, zoc = known_enemy_hexes(state, side)
    units = set(enemy) | {m.idx for m in SideView(state, side).last_seen if m.turn >= state.turn - 1}
    if state.known_control is not None:
        taken = (state.known_control[side] == 1 - side) & (gmap.briefed_control != 1 - side)
        units.update(np.flatnonzero(taken & ~visible_hexes(state, side)).tolist())
    stop = (units | zoc | gmap.adjacent_to(units)).difference(state.hexes_of(side))
    known = np.zeros(gmap.n, dtype=bool)
    if stop:
        known[sorted(stop)] = True
    return _trace(state, side, gmap.no_go[side] | known, _NO_TARGETS), known


def _blocked(state: GameState, side: int, known_only: bool = False) -> np.ndarray:
    """Hexes a supply trace may not enter: enemy hexes, enemy zones of control except where the side itself
    stands, no-go areas (`kernels.supply_blocked` computes the same mask; these sets are its reference)."""
    gmap = state.map
    if known_only:
        from engine.visibility import known_enemy_hexes

        enemy, zoc = known_enemy_hexes(state, side)
    else:
        if kernels.JIT:
            return kernels.supply_blocked(gmap.no_go[side], gmap.nbr, state.positions_array(1 - side),
                                          state.positions_array(side))
        enemy = set(state.positions(1 - side))
        zoc = state.zone_of(1 - side)
    stop = enemy | zoc.difference(state.positions(side))
    blocked = gmap.no_go[side].copy()
    if stop:
        blocked[list(stop)] = True
    return blocked


def _sources(state: GameState, side: int) -> np.ndarray:
    gmap = state.map
    spec = state.scenario.sides[SIDES[side]]
    key = ("supply.sources", side, tuple(spec.supply_sources))
    sources = gmap.derived.get(key)
    if sources is None:
        sources = gmap.derived[key] = _readonly(np.array([gmap.idx(h) for h in spec.supply_sources], dtype=np.int64))
    return sources


def supplied_at(state: GameState, side: int, hexes: np.ndarray) -> list[bool]:
    """Is each of `hexes` in supply for `side` now? The answer of `supply_field(state, side)[hexes] < inf`,
    mostly without a search.

    The map's supply tree without units (computed once per map and side) settles most hexes: one its tree
    cannot reach within range is cut off whatever the units do (blocking only lengthens routes), and one
    whose tree route crosses no blocked hex keeps that very cost (the route is still there, and nothing
    cheaper appears). Only hexes whose route is blocked somewhere need the search, which then stops once
    they are settled."""
    if not kernels.JIT or not hexes.size:
        return (supply_field(state, side, targets=hexes)[hexes] < INF).tolist()
    gmap = state.map
    got = state._supply_cache.get(side)  # a side's sources, range and tree are fixed for a game
    if got is None:
        limit = float(state.scenario.sides[SIDES[side]].supply_range)
        sources = _sources(state, side)
        key = ("supply.tree", side, limit, sources.tobytes())
        tree = gmap.derived.get(key)
        if tree is None:
            dist, parent = kernels.supply_tree(*gmap.csr("supply"), gmap.no_go[side], sources, limit)
            tree = gmap.derived[key] = (_readonly(dist), _readonly(parent))
        csr = gmap.csr("supply")
        is_source = np.zeros(gmap.n, BOOL)
        is_source[sources] = True
        is_source.setflags(False)
        got = state._supply_cache[side] = (limit, sources, tree, kernels.supply_workspace(
            gmap.n, csr[1].shape[0], sources.shape[0], len(state.units)),  # targets: the side's units at most
            is_source, kernels.supply_back_workspace(gmap.n))
    limit, sources, tree, ws, is_source, back = got
    if hexes.shape[0] > ws[2].shape[0]:  # more hexes than the side has units: a workspace for this call
        ws = kernels.supply_workspace(gmap.n, gmap.csr("supply")[1].shape[0], sources.shape[0], hexes.shape[0])
    # blocked mask (`_blocked`), tree shortcut and a backward search from each hex the tree leaves unknown: one call
    out = np.empty(hexes.shape[0], BOOL)
    kernels.direct.supply_status_back(*gmap.csr("supply"), *gmap.csr("supply", reverse=True), gmap.no_go[side],
                                      gmap.nbr, state.positions_array(1 - side), state.positions_array(side), sources,
                                      is_source, limit, tree[0], tree[1], hexes, out, *ws, *back)
    return out.tolist()


def trace_py(adjacency: list, blocked: list[bool], sources: list[int], limit: float, n: int,
             targets: list[int] = ()) -> np.ndarray:
    """The reference supply search (pure Python; `engine.kernels.supply_trace` is its compiled twin)."""
    dist = [INF] * n
    wanted = set(targets)
    heap: list[tuple[float, int]] = []
    for s in sources:
        if not blocked[s]:
            dist[s] = 0.0
            heap.append((0.0, s))
    heapq.heapify(heap)
    while heap:
        c, i = heapq.heappop(heap)
        if c > dist[i]:
            continue
        if i in wanted:
            wanted.discard(i)
            if not wanted:
                break
        for j, w in adjacency[i]:
            if blocked[j]:
                continue
            nc = c + w
            if nc < dist[j] and nc <= limit:
                dist[j] = nc
                heapq.heappush(heap, (nc, j))
    return np.array(dist)


def update_supply(state: GameState, side: int) -> list:
    """Mark the side's units in or out of supply (off-map and air units always are) and report it."""
    for u in state.based_units(side):  # off-map and air units draw on their bases
        if u.arrived and u.strength > 0:  # (`u.active`, without the property call)
            u.supplied = True
    ground = state.ground_units(side)
    ins, outs = [], []
    if ground:
        for u, ok in zip(ground, supplied_at(state, side, state.positions_array(side)), strict=True):
            u.supplied = ok
            if ok:
                u.turns_out_of_supply = 0
                ins.append(u.id)
            else:
                u.turns_out_of_supply += 1
                outs.append(u.id)
    state.score.unit_turns_out_of_supply[SIDES[side]] += len(outs)
    state.bump()
    beyond: tuple[str, ...] = ()
    if outs:
        limit, reach = reach_without_enemies(state, side)
        far = []
        for u in ground:  # (a loop: a generator's closure would cost every call of this function a cell)
            if not u.supplied and not reach[u.idx] < INF:
                far.append(u.id)
        beyond = tuple(far)
    else:
        got = state._supply_cache.get(side)
        limit = got[0] if got is not None else float(state.scenario.sides[SIDES[side]].supply_range)
    return [SupplyReport.make(turn=state.turn, side=SIDES[side], in_supply=ins, out_of_supply=outs,
                              beyond_range=beyond, supply_range=limit)]


def reach_without_enemies(state: GameState, side: int) -> tuple[float, np.ndarray]:
    """The side's supply range, and the supply cost to every hex with no enemy on the map (inf: beyond the
    range whatever the enemy does): what tells a unit cut off by the enemy from one its side's porters cannot
    reach at all. Fixed for a map, side, range and sources: the tree `supplied_at` keeps (compiled path), else
    memoised on the map."""
    got = state._supply_cache.get(side)
    if got is not None:  # (limit, sources, (dist, parent) of the tree without units, workspace)
        return got[0], got[2][0]
    gmap = state.map
    limit = float(state.scenario.sides[SIDES[side]].supply_range)
    sources = _sources(state, side)
    key = ("supply.reach_without_enemies", side, limit, sources.tobytes())
    dist = gmap.derived.get(key)
    if dist is None:
        dist = gmap.derived[key] = _readonly(
            trace_py(gmap.supply_adjacency, gmap.no_go[side].tolist(), sources.tolist(), limit, gmap.n))
    return limit, dist


def road_open(state: GameState) -> tuple[bool, str, int]:
    """Is the watched road open? Traced along road edges (any road may serve as a detour), blocked where
    an attacker unit stands on it. Also why, and the hex where it is cut (-1: open, or not on one hex)."""
    rw = state.scenario.victory.road_watch
    if rw is None:
        return True, "no road watched", -1
    pos = state.positions(0)
    last = state._road_cache
    if last is not None and last[0] is pos:  # no attacker unit moved, joined or left since the last answer
        return last[1]
    gmap = state.map
    start, end = gmap.idx(rw.start), gmap.idx(rw.end)
    # the road is cut where an attacker unit stands on it; the answer depends only on which road hexes (and
    # ends) attacker units hold: memoised per map
    road = gmap.derived.get(("supply.road_hexes", start, end))
    if road is None:
        road = gmap.derived[("supply.road_hexes", start, end)] = frozenset(
            np.flatnonzero(gmap.road_hex).tolist()) | {start, end}
    key = (start, end, tuple(sorted(road.intersection(pos))))
    memo = gmap.derived.setdefault("supply.road_open", {})
    got = memo.get(key)
    if got is None:
        if len(memo) >= 10_000:
            trim_memo(memo)
        # (the attackers' hexes as a set: no occupancy arrays to build)
        got = memo[key] = road_open_between(gmap, start, end, state.hexes_of(0))
    state._road_cache = (pos, got)
    return got


def road_open_between(gmap: GameMap, start: int, end: int, blocked: frozenset[int] | set[int]) -> tuple[bool, str, int]:
    """Is the road open from `start` to `end`, with attacker units on the `blocked` hexes? And why not, and
    where (-1: open, or cut only by blocking the detours too)."""
    if start in blocked or end in blocked:
        where = start if start in blocked else end
        return False, f"attacker at {gmap.describe_near(where)}", where
    seen = {start}
    stack = [start]
    road = gmap.road_neighbours
    while stack:
        i = stack.pop()
        if i == end:
            return True, "open", -1
        for j in road[i]:
            if j not in seen and j not in blocked:
                seen.add(j)
                stack.append(j)
    on_route = [i for i in gmap.road_route(start, end) if i in blocked]
    if not on_route:
        return False, "attacker astride the road at a detour", -1
    return False, f"attacker astride the road at {gmap.describe_near(on_route[0])}", on_route[0]


