"""Reachable hexes and paths: Dijkstra over the precomputed edge-cost arrays, with zones of control.

Only what the moving side knows is used here (fog of war): hidden enemies do not block or exert control;
they are met during execution (`rules`), where they may ambush the mover.
"""

from __future__ import annotations

import heapq

import numpy as np

from engine.mapdata import DIST_CACHE_MAX, INF, GameMap
from engine.state import GameState
from engine.units import Unit
from engine.visibility import known_enemy_hexes


def reachable(state: GameState, u: Unit) -> dict[int, tuple[float, int]]:
    """Hexes `u` can reach this phase: idx -> (cost, previous idx). Includes the start hex.

    Rules: hexes holding known enemy units cannot be entered; entering a known enemy's zone of control ends
    the move (special forces infiltrating into forest/ravine excepted); own units can be passed through but
    a move may only end where the stack limit allows.
    """
    enemy_occ, enemy_zoc = known_enemy_hexes(state, u.side)
    key = (u.idx, enemy_occ, enemy_zoc)  # all a unit's reach depends on besides its (fixed) type
    got = state._reach_cache.get(u.id)
    if got is not None and got[0] == key:
        return got[1]
    ut = state.utype(u)
    gmap = state.map
    tree = dijkstra(gmap, u.idx, ut.mobility, ut.move_points, enemy_occ, enemy_zoc,
                    gmap.deep_cover_list if ut.infiltrates else None, gmap.no_go_list[u.side])
    state._reach_cache[u.id] = (key, tree)
    return tree


def dijkstra(
    gmap: GameMap,
    start: int,
    mobility: str,
    budget: float,
    blocked: frozenset[int],
    zoc: frozenset[int],
    zoc_exempt: list[bool] | None,
    forbidden: list[bool] | None = None,
) -> dict[int, tuple[float, int]]:
    """Bounded Dijkstra from `start`. `blocked`: hexes that cannot be entered (known enemies), `forbidden`:
    likewise, per hex (no-go areas); `zoc`: hexes where a move must end unless `zoc_exempt[idx]` is true."""
    adjacency = gmap.adjacency[mobility]
    exempt_l = zoc_exempt
    best: dict[int, tuple[float, int]] = {start: (0.0, -1)}
    heap: list[tuple[float, int]] = [(0.0, start)]
    done: set[int] = set()
    while heap:
        c, i = heapq.heappop(heap)
        if i in done:
            continue
        done.add(i)
        if i != start and i in zoc and not (exempt_l is not None and exempt_l[i]):
            continue  # entering enemy control ends the move
        for j, w in adjacency[i]:
            if j in blocked or (forbidden is not None and forbidden[j]):
                continue
            nc = c + w
            if nc > budget + 1e-9:
                continue
            old = best.get(j)
            if old is None or nc < old[0] - 1e-12 or (abs(nc - old[0]) <= 1e-12 and i < old[1]):
                best[j] = (nc, i)
                heapq.heappush(heap, (nc, j))
    return best


def path_to(tree: dict[int, tuple[float, int]], dest: int) -> list[int]:
    path = [dest]
    while tree[path[-1]][1] >= 0:
        path.append(tree[path[-1]][1])
    path.reverse()
    return path


def legal_destinations(state: GameState, u: Unit) -> dict[int, tuple[float, int]]:
    """`reachable` minus the start hex and hexes where the own stack is full."""
    tree = reachable(state, u)
    occ = state.occupancy()[u.side]
    limit = state.scenario.stack_limit
    return {i: v for i, v in tree.items() if i != u.idx and occ[i] < limit}


def distance_field(gmap: GameMap, mobility: str, targets: tuple[int, ...], side: int | None = None) -> np.ndarray:
    """Movement cost from every hex to the nearest target for a mobility class (cached per map).

    Used by AIs to head for objectives; it ignores units (static terrain only) but, given a `side`, respects
    that side's no-go areas. Built as the minimum of single-target fields, which are cached, so changing
    target sets cost a numpy minimum, not a search.
    """
    key = ("field", mobility, targets, side)
    got = gmap._dist_cache.get(key)
    if got is not None:
        return got
    if not targets:
        raise ValueError("distance_field needs at least one target")
    got = _single_field(gmap, mobility, targets[0], side)
    for t in targets[1:]:
        got = np.minimum(got, _single_field(gmap, mobility, t, side))
    got.flags.writeable = False
    if len(gmap._dist_cache) < DIST_CACHE_MAX:
        gmap._dist_cache[key] = got
    return got


def _single_field(gmap: GameMap, mobility: str, target: int, side: int | None) -> np.ndarray:
    key = ("field1", mobility, target, side)
    got = gmap._dist_cache.get(key)
    if got is not None:
        return got
    costs = gmap.edge_cost_list[mobility]
    nbrs = gmap.nbr_list
    dist = [INF] * gmap.n
    dist[target] = 0.0
    heap = [(0.0, target)]
    opp = (3, 4, 5, 0, 1, 2)
    forbidden = gmap.no_go_list[side] if side is not None else None
    while heap:
        c, i = heapq.heappop(heap)
        if c > dist[i]:
            continue
        for d, j in enumerate(nbrs[i]):
            if j < 0 or (forbidden is not None and forbidden[j]):
                continue
            # cost of moving j -> i is the edge cost from j across the opposite side
            nc = c + costs[j][opp[d]]
            if nc < dist[j]:
                dist[j] = nc
                heapq.heappush(heap, (nc, j))
    arr = np.array(dist)
    arr.flags.writeable = False
    if len(gmap._dist_cache) < DIST_CACHE_MAX:
        gmap._dist_cache[key] = arr
    return arr
