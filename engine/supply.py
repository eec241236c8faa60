"""Supply traced from each side's sources: cheap along roads, like porters elsewhere; enemy units and their
zones of control block the trace (a hex the side itself holds is not blocked)."""

from __future__ import annotations

import heapq

import numpy as np

from engine.events import SupplyReport
from engine.mapdata import INF
from engine.state import GameState
from engine.units import SIDES


def supply_field(state: GameState, side: int, known_only: bool = False) -> np.ndarray:
    """Supply cost from the side's nearest source to every hex (inf where cut off), up to its range.

    `known_only` traces it as the side believes it to be (only enemy units it can see block it): what a
    player's overlay may show without giving away hidden enemies.
    """
    gmap = state.map
    spec = state.scenario.sides[SIDES[side]]
    limit = spec.supply_range
    occ_own, occ_enemy = np.zeros(gmap.n, bool), np.zeros(gmap.n, bool)
    for u in state.ground_units(side):
        occ_own[u.idx] = True
    if known_only:
        from engine.visibility import known_enemies

        enemies = known_enemies(state, side)
    else:
        enemies = [u for u in state.ground_units() if u.side != side]
    for u in enemies:
        occ_enemy[u.idx] = True
    zoc = np.zeros(gmap.n, bool)
    idx = np.flatnonzero(occ_enemy)
    if idx.size:
        nb = gmap.nbr[idx].ravel()
        zoc[nb[nb >= 0]] = True
    blocked = (occ_enemy | (zoc & ~occ_own) | gmap.no_go[side]).tolist()
    adjacency = gmap.supply_adjacency
    dist = [INF] * gmap.n
    heap: list[tuple[float, int]] = []
    for h in spec.supply_sources:
        s = gmap.idx(h)
        if not blocked[s]:
            dist[s] = 0.0
            heap.append((0.0, s))
    heapq.heapify(heap)
    while heap:
        c, i = heapq.heappop(heap)
        if c > dist[i]:
            continue
        for j, w in adjacency[i]:
            if blocked[j]:
                continue
            nc = c + w
            if nc < dist[j] and nc <= limit:
                dist[j] = nc
                heapq.heappush(heap, (nc, j))
    return np.array(dist)


def update_supply(state: GameState, side: int) -> list:
    field = supply_field(state, side)
    ins, outs = [], []
    for u in state.units:
        if u.side != side or not u.active:
            continue
        if u.offmap or state.utype(u).domain == "air":
            u.supplied = True
            continue
        u.supplied = bool(np.isfinite(field[u.idx]))
        u.turns_out_of_supply = 0 if u.supplied else u.turns_out_of_supply + 1
        (ins if u.supplied else outs).append(u.id)
    state.touch()
    return [SupplyReport(turn=state.turn, side=SIDES[side], in_supply=ins, out_of_supply=outs)]


def road_open(state: GameState) -> tuple[bool, str]:
    """Is the watched road open? Traced along road edges (any road may serve as a detour), blocked where
    an attacker unit stands on it."""
    rw = state.scenario.victory.road_watch
    if rw is None:
        return True, "no road watched"
    gmap = state.map
    start, end = gmap.idx(rw.start), gmap.idx(rw.end)
    blocked = state.occupancy()[0] > 0  # the road is cut where an attacker unit stands on it
    if blocked[start] or blocked[end]:
        where = start if blocked[start] else end
        return False, f"attacker at {gmap.describe(where)}"
    seen = {start}
    stack = [start]
    road = gmap.road_edge
    nbr = gmap.nbr_list
    while stack:
        i = stack.pop()
        if i == end:
            return True, "open"
        for d in range(6):
            if road[i, d]:
                j = nbr[i][d]
                if j not in seen and not blocked[j]:
                    seen.add(j)
                    stack.append(j)
    on_route = [i for i in gmap.road_route(start, end) if blocked[i]]
    where = gmap.describe(on_route[0]) if on_route else "a detour"
    return False, f"attacker astride the road at {where}"


