"""Reachable hexes and paths: Dijkstra over the precomputed edge-cost arrays, with zones of control.

Only what the moving side knows is used here (fog of war): hidden enemies do not block or exert control;
they are met during execution (`rules`), where they may ambush the mover.

The turn's precipitation scales the costs by the scenario's ``weather_movement`` table (`weather_factor`):
the scaled arrays are built once per map, class and state (`weather_edge_cost`, `weather_csr`); a class the
table leaves alone searches the map's own arrays, so a scenario without the table moves exactly as before.
The heading fields of the AIs and go-to orders (`distance_field`) count the same turn's costs.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from engine import hexgrid, kernels
from engine.events import listed
from engine.mapdata import _MAP_CACHE, DIST_CACHE_MAX, FIELD_CACHE_MAX, INF, GameMap, trim_memo
from engine.scenario import Scenario
from engine.state import GameState
from engine.terrain import MOBILITY_CLASSES, WeatherMoveFactor
from engine.units import Unit
from engine.visibility import known_enemy_hexes, known_enemy_masks

REACH_MEMO_MAX = 4000
"""Searches kept (`reach`), shared among the maps a process holds (`reach_memo_cap`): about 1.7 kB each (7 MB in
all); a full memo drops its newer half (`trim_memo`). A Shusha worker searches about 280 times a game without it,
35 once the memo holds a few dozen games' searches."""


def reach_memo_cap() -> int:
    """Searches one map's memo may keep: `REACH_MEMO_MAX` shared among the maps the process holds, so a worker of a
    16-cell sweep (a map per cell) stays near 7 MB, not 16 times that (a reviewer)."""
    return max(min(64, REACH_MEMO_MAX), REACH_MEMO_MAX // max(1, len(_MAP_CACHE)))


class Reach:
    """One unit's reach this phase: `order` (reached hexes in discovery order, the start first) with their
    costs `order_cost` and previous hexes `order_prev` (-1 at the start), held as the rows of one int64
    array, `data` (the costs' bits in row 1: what the compiled search writes, copied in one step). The
    map-sized forms `cost[i]` (inf if unreached) and `prev[i]` (-2 if unreached), and the dict form
    (`reachable`), are built on demand."""

    __slots__ = ("_cost", "_index", "_prev", "_reached", "_tree", "data", "n", "order")

    def __init__(self, data: np.ndarray, n: int, tree: Mapping[int, tuple[float, int]] | None = None) -> None:
        data.setflags(False)  # shared through the cache: nobody may change it (write=False, positionally: 3x cheaper)
        self.data, self.n = data, n
        self.order = data[0]  # read-only, as a view of a read-only array
        self._tree = tree
        self._index: dict[int, int] | None = None
        self._cost: np.ndarray | None = None
        self._prev: np.ndarray | None = None
        self._reached: frozenset[int] | None = None

    @property
    def order_cost(self) -> np.ndarray:
        return self.data[1].view(np.float64)

    @property
    def order_prev(self) -> np.ndarray:
        return self.data[2]

    def index(self) -> Mapping[int, int]:
        """Reached hex -> its position in `order` (read-only: shared, as the `Reach` is)."""
        if self._index is None:
            self._index = MappingProxyType({h: k for k, h in enumerate(self.order.tolist())})
        return self._index

    def reaches(self, dest: int) -> bool:
        return dest in self.reached()

    def cost_to(self, dest: int) -> float:
        k = self._index[dest] if self._index is not None else self.order.tolist().index(dest)
        return float(self.order_cost[k])

    @property
    def cost(self) -> np.ndarray:
        if self._cost is None:
            c = np.full(self.n, INF)
            c[self.order] = self.order_cost
            c.setflags(False)
            self._cost = c
        return self._cost

    @property
    def prev(self) -> np.ndarray:
        if self._prev is None:
            p = np.full(self.n, -2, dtype=np.int64)
            p[self.order] = self.order_prev
            p.setflags(False)
            self._prev = p
        return self._prev

    def reached(self) -> frozenset[int]:
        """The reached hexes as a set."""
        if self._reached is None:
            self._reached = frozenset(self.order.tolist())
        return self._reached

    def still_valid(self, gmap: GameMap, changed: frozenset[int]) -> bool:
        """Would a new search give this very result after what is known of the enemy changed in `changed`
        hexes? Yes unless the search could have read one of them: a reached hex, or a neighbour of one
        (where it tried to enter)."""
        reached = self.reached()
        nbr = gmap.neighbour_sets
        for h in changed:  # (a loop, not any() over a generator: no generator to build and resume per hex)
            if h in reached or not nbr[h].isdisjoint(reached):
                return False
        return True

    @classmethod
    def from_tree(cls, tree: dict[int, tuple[float, int]], n: int) -> Reach:
        data = np.empty((3, len(tree)), dtype=np.int64)
        data[0] = np.fromiter(tree, dtype=np.int64, count=len(tree))
        data[1] = np.array([v[0] for v in tree.values()], dtype=np.float64).view(np.int64)
        data[2] = [v[1] for v in tree.values()]
        return cls(data, n, MappingProxyType(tree))

    @property
    def tree(self) -> Mapping[int, tuple[float, int]]:
        """{hex: (cost, previous hex)}, read-only: a `Reach` is shared by every unit and game in the same situation
        (`reach`'s memo), so a caller that changed it would change the others' moves (a reviewer)."""
        if self._tree is None:
            self._tree = MappingProxyType(dict(zip(self.order.tolist(), zip(
                self.order_cost.tolist(), self.order_prev.tolist(), strict=True), strict=True)))
        return self._tree


def reach(state: GameState, u: Unit) -> Reach:
    """Where `u` can move this phase, from what its side knows (cached per unit until its hex or the known
    enemy positions change, and the searches memoised per map on what they read: units and games in the same
    situation share one read-only `Reach`). See `reachable` for the rules."""
    enemy_occ, enemy_zoc = known_enemy_hexes(state, u.side)
    ut = state.scenario.unit_table[u.type]
    table = state.scenario.weather_move_table
    # the ground this turn: None (dry costs) unless the table scales this class's costs in this weather
    wet = state.weather.precipitation if table and ut.mobility in table.get(state.weather.precipitation, ()) \
        else None
    got = state._reach_cache.get(u.id)
    if got is not None:
        key = got[0]
        if key[0] == u.idx and key[3] == wet and key[1] is enemy_occ and key[2] is enemy_zoc:
            return got[1]
    gmap = state.map
    # the same search made before, for another unit or in another game on this map: a search reads only its
    # start, the class's costs and points, the side's no-go hexes and what it knows of the enemy (the Reach is
    # read-only, so units share it)
    memo = gmap.memo_for("movement.reach", table)
    mkey = (u.idx, ut.mobility, wet, ut.move_points, ut.infiltrates, u.side, enemy_occ, enemy_zoc)
    out = memo.get(mkey)
    if out is not None:
        state._reach_cache[u.id] = ((u.idx, enemy_occ, enemy_zoc, wet), out)
        return out
    if got is not None:
        key = got[0]
        if key[0] == u.idx and key[3] == wet:
            # same start; only what the side knows of the enemy changed: if only in hexes the last search
            # never read, it still holds (and is the search for the new knowledge too)
            changed = (key[1] ^ enemy_occ) | (key[2] ^ enemy_zoc)
            if got[1].still_valid(gmap, changed):
                if len(memo) >= reach_memo_cap():
                    trim_memo(memo)
                memo[mkey] = got[1]
                state._reach_cache[u.id] = ((u.idx, enemy_occ, enemy_zoc, wet), got[1])
                return got[1]
    if kernels.JIT:
        occ_mask, zoc_mask = known_enemy_masks(state, u.side)
        indptr, nbr, weight = gmap.csr(ut.mobility) if wet is None else \
            weather_csr(gmap, state.scenario, ut.mobility, wet)
        exempt = gmap.deep_cover if ut.infiltrates else gmap.no_hex
        ws = state.reach_workspace()
        k = kernels.direct.unit_reach(indptr, nbr, weight, int(u.idx), float(ut.move_points), occ_mask,
                                      gmap.no_go[u.side], zoc_mask, exempt, *ws)
        out = Reach(ws[3][:, :k].copy(), gmap.n)
    else:
        tree = dijkstra(gmap, u.idx, ut.mobility, ut.move_points, enemy_occ, enemy_zoc,
                        gmap.deep_cover_list if ut.infiltrates else None, gmap.no_go_list[u.side],
                        None if wet is None else weather_adjacency(gmap, state.scenario, ut.mobility, wet))
        out = Reach.from_tree(tree, gmap.n)
    if len(memo) >= reach_memo_cap():
        trim_memo(memo)
    memo[mkey] = out
    state._reach_cache[u.id] = ((u.idx, enemy_occ, enemy_zoc, wet), out)
    return out


def reachable(state: GameState, u: Unit) -> Mapping[int, tuple[float, int]]:
    """Hexes `u` can reach this phase: idx -> (cost, previous idx). Includes the start hex.

    Rules: hexes holding known enemy units cannot be entered; entering a known enemy's zone of control ends
    the move (special forces infiltrating into forest/ravine excepted); own units can be passed through but
    a move may only end where the stack limit allows.
    """
    return reach(state, u).tree


def dijkstra(
    gmap: GameMap,
    start: int,
    mobility: str,
    budget: float,
    blocked: frozenset[int],
    zoc: frozenset[int],
    zoc_exempt: list[bool] | None,
    forbidden: list[bool] | None = None,
    adjacency: list[tuple[tuple[int, float], ...]] | None = None,
) -> dict[int, tuple[float, int]]:
    """Bounded Dijkstra from `start`. `blocked`: hexes that cannot be entered (known enemies), `forbidden`:
    likewise, per hex (no-go areas); `zoc`: hexes where a move must end unless `zoc_exempt[idx]` is true.
    `adjacency`: the edges with their costs (`weather_adjacency`), else the map's dry ones for `mobility`."""
    if adjacency is None:
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


def destination_indices(state: GameState, u: Unit) -> np.ndarray:
    """The hexes of `legal_destinations` as an index array, in the same order (the fast form for AIs)."""
    r = reach(state, u)
    o = r.order
    if kernels.JIT:
        return kernels.destinations(o, u.idx, state.occupancy()[u.side], state.scenario.stack_limit)
    return o[(o != u.idx) & (state.occupancy()[u.side][o] < state.scenario.stack_limit)]


def path_of(r: Reach, dest: int) -> list[int]:
    """The path to `dest` (start first) in a `Reach` (ValueError if the reach does not include `dest`)."""
    return walk_of(r, dest)[0]


def walk_of(r: Reach, dest: int, scratch: np.ndarray | None = None) -> tuple[list[int], list[float]]:
    """The path to `dest` (start first) in a `Reach`, and the cost of reaching each of its hexes (ValueError
    if the reach does not include `dest`): a move that stops early reads its cost from the second list.
    `scratch`: an int64 array of 2 rows or more with room for the reach, to write into (else allocated)."""
    if not r.reaches(dest):
        raise ValueError(f"hex {dest} is not in this reach")
    if kernels.JIT:
        if scratch is None:
            scratch = np.empty((2, r.order.shape[0]), dtype=np.int64)
        k = kernels.direct.path_in_reach(r.data, dest, scratch)
        return scratch[0, :k].tolist(), scratch[1, :k].view(np.float64).tolist()
    return _walk_py(r, dest)


def _walk_py(r: Reach, dest: int) -> tuple[list[int], list[float]]:
    """`walk_of` without numba. (A function of its own: its comprehensions' closures made every call of
    `walk_of` allocate cells.)"""
    index = r.index()
    prev = r.order_prev.tolist()
    cost = r.order_cost.tolist()
    at = [index[dest]]
    while (p := prev[at[-1]]) >= 0:
        at.append(index[p])
    at.reverse()
    order = r.order.tolist()
    return [order[k] for k in at], [cost[k] for k in at]


def distance_field(gmap: GameMap, mobility: str, targets: tuple[int, ...], side: int | None = None,
                   precipitation: str = "none", scen: Scenario | None = None) -> np.ndarray:
    """Movement cost from every hex to the nearest target for a mobility class (cached per map).

    Used by AIs to head for objectives; it ignores units (static terrain only) but, given a `side`, respects
    that side's no-go areas. Built as the minimum of single-target fields, which are cached, so changing
    target sets cost a numpy minimum, not a search. `precipitation` and `scen`: the turn's ground, as the
    move rules count it (`weather_edge_cost`; public, so fog-safe): in snow a road may beat the shorter way
    across. Where the scenario's ``weather_movement`` leaves the class alone the dry field is the answer.
    """
    if scen is not None and scen.weather_move_table and weather_factor(scen, mobility, precipitation) is not None:
        return _wet_field(gmap, scen, mobility, targets, side, precipitation)
    key = (mobility, targets, side)
    cache = gmap._field_cache
    got = cache.get(key)
    if got is not None:
        return got
    if not targets:
        raise ValueError("distance_field needs at least one target")
    got = _single_field(gmap, mobility, targets[0], side).copy()
    for t in targets[1:]:
        np.minimum(got, _single_field(gmap, mobility, t, side), out=got)
    got.setflags(False)
    if len(cache) >= FIELD_CACHE_MAX:
        trim_memo(cache)
    cache[key] = got
    return got


def _wet_field(gmap: GameMap, scen: Scenario, mobility: str, targets: tuple[int, ...], side: int | None,
               precipitation: str) -> np.ndarray:
    """`distance_field` on the weather's costs: memos of their own, emptied with the table (`memo_for`), so
    the dry caches hold what they always held."""
    cache = gmap.memo_for("movement.weather_field", scen.weather_move_table)
    key = (mobility, targets, side, precipitation)
    got = cache.get(key)
    if got is not None:
        return got
    if not targets:
        raise ValueError("distance_field needs at least one target")
    got = _single_field(gmap, mobility, targets[0], side, precipitation, scen).copy()
    for t in targets[1:]:
        np.minimum(got, _single_field(gmap, mobility, t, side, precipitation, scen), out=got)
    got.setflags(False)
    if len(cache) >= FIELD_CACHE_MAX:
        trim_memo(cache)
    cache[key] = got
    return got


def _single_field(gmap: GameMap, mobility: str, target: int, side: int | None, precipitation: str = "none",
                  scen: Scenario | None = None) -> np.ndarray:
    wet = scen is not None and weather_factor(scen, mobility, precipitation) is not None
    if wet:
        memo = gmap.memo_for("movement.weather_field1", scen.weather_move_table)
        key: tuple = (mobility, target, side, precipitation)
    else:
        memo, key = gmap._dist_cache, ("field1", mobility, target, side)
    got = memo.get(key)
    if got is not None:
        return got
    if kernels.JIT:
        indptr, nbr, weight = (weather_csr(gmap, scen, mobility, precipitation, reverse=True) if wet
                               else gmap.csr(mobility, reverse=True))
        arr = kernels.field_to(indptr, nbr, weight, target, gmap.no_hex if side is None else gmap.no_go[side])
    else:
        arr = _field_py(gmap, mobility, target, side, precipitation, scen)
    arr.setflags(False)
    if len(memo) < DIST_CACHE_MAX:
        memo[key] = arr
    return arr


def _field_py(gmap: GameMap, mobility: str, target: int, side: int | None, precipitation: str = "none",
              scen: Scenario | None = None) -> np.ndarray:
    """The reference search of `_single_field` (pure Python; `engine.kernels.field_to` is its compiled twin)."""
    costs = (weather_cost_list(gmap, scen, mobility, precipitation) if scen is not None
             else gmap.edge_cost_list[mobility])
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
    return np.array(dist)


# ------------------------------------------------------------------ ground conditions (weather_movement)
def weather_factor(scen: Scenario, mobility: str, precipitation: str) -> WeatherMoveFactor | None:
    """The scenario's factors on `mobility`'s move costs in `precipitation`, None where it moves at dry costs."""
    return scen.weather_move_table.get(precipitation, {}).get(mobility)


def weather_edge_cost(gmap: GameMap, scen: Scenario, mobility: str, precipitation: str) -> np.ndarray:
    """Edge costs of `mobility` in `precipitation` (the form of `GameMap.edge_cost`, which it is when the table
    does not touch the class): each edge's dry cost times the road factor along a road, else the factor of the
    terrain entered. Factors are finite and positive, so what is passable stays so. Cached per map and table."""
    f = weather_factor(scen, mobility, precipitation)
    base = gmap.edge_cost[mobility]
    if f is None:
        return base
    memo = gmap.memo_for("movement.weather_cost", scen.weather_move_table)
    key = (mobility, precipitation)
    got = memo.get(key)
    if got is None:
        by_terrain = np.array([f.terrain.get(code, f.off_road) for code in gmap.terrain_codes], dtype=np.float64)
        entered = gmap.terrain[np.where(gmap.nbr >= 0, gmap.nbr, 0)]
        got = base * np.where(gmap.road_edge, f.road, by_terrain[entered])
        got.setflags(False)
        memo[key] = got
    return got


def cheapest_way_in(gmap: GameMap, scen: Scenario, mobility: str, dest: int, precipitation: str = "none") -> float:
    """The least a `mobility` unit pays to step into hex `dest` from any neighbour, in `precipitation` (INF: no
    edge lets it in). More than a unit's move points and it can never enter the hex in that weather, whatever its
    route: a refusal that said "out of reach this turn" sent a teacher's BMP on a go-to order into a ravine (8 MP
    for tracked, 6 MP a turn) that it could never reach."""
    cost = weather_edge_cost(gmap, scen, mobility, precipitation)
    best = INF
    for d, j in enumerate(gmap.nbr_list[dest]):
        if j >= 0 and cost[j, hexgrid.opposite(d)] < best:
            best = float(cost[j, hexgrid.opposite(d)])
    return best


def weather_cost_list(gmap: GameMap, scen: Scenario, mobility: str, precipitation: str) -> list[list[float]]:
    """`weather_edge_cost` as nested lists (`GameMap.edge_cost_list`'s form, which it is when the table does not
    touch the class): what the pure-Python searches index."""
    if weather_factor(scen, mobility, precipitation) is None:
        return gmap.edge_cost_list[mobility]
    memo = gmap.memo_for("movement.weather_cost_list", scen.weather_move_table)
    key = (mobility, precipitation)
    got = memo.get(key)
    if got is None:
        got = memo[key] = weather_edge_cost(gmap, scen, mobility, precipitation).tolist()
    return got


def weather_csr(gmap: GameMap, scen: Scenario, mobility: str, precipitation: str,
                reverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`GameMap.csr` of `weather_edge_cost`: the same edges (indptr and neighbours shared), scaled costs."""
    if weather_factor(scen, mobility, precipitation) is None:
        return gmap.csr(mobility, reverse)
    memo = gmap.memo_for("movement.weather_csr", scen.weather_move_table)
    key = (mobility, precipitation, reverse)
    got = memo.get(key)
    if got is None:
        indptr, nbr, _ = gmap.csr(mobility, reverse)
        base = gmap.edge_cost[mobility]
        cost = weather_edge_cost(gmap, scen, mobility, precipitation)
        if reverse:  # as `GameMap.csr`: edge i -> nbr[i, d] costs what nbr[i, d] pays to come into i
            opp = np.array([hexgrid.opposite(d) for d in range(6)])
            safe = np.where(gmap.nbr >= 0, gmap.nbr, 0)
            base = np.where(gmap.nbr >= 0, base[safe, opp[None, :]], INF)
            cost = np.where(gmap.nbr >= 0, cost[safe, opp[None, :]], INF)
        weight = cost[(gmap.nbr >= 0) & (base != INF)].astype(np.float64)
        weight.setflags(False)
        got = memo[key] = (indptr, nbr, weight)
    return got


def weather_adjacency(gmap: GameMap, scen: Scenario, mobility: str,
                      precipitation: str) -> list[tuple[tuple[int, float], ...]]:
    """`GameMap.adjacency` of `weather_edge_cost` (the pure-Python search's edges)."""
    if weather_factor(scen, mobility, precipitation) is None:
        return gmap.adjacency[mobility]
    memo = gmap.memo_for("movement.weather_adjacency", scen.weather_move_table)
    key = (mobility, precipitation)
    got = memo.get(key)
    if got is None:
        costs = weather_cost_list(gmap, scen, mobility, precipitation)
        got = memo[key] = [tuple((j, c) for j, c in zip(row, crow, strict=True) if j >= 0 and c != INF)
                           for row, crow in zip(gmap.nbr_list, costs, strict=True)]
    return got


def weather_move_note(scen: Scenario, precipitation: str) -> str:
    """What `precipitation` does to move costs, for the turn's weather report and the move-cost displays
    ("" when nothing): classes with the same factors are named together.

    >>> from engine.terrain import WeatherMoveFactor as F
    >>> class S: weather_move_table = {"snow": {"foot": F(1.5, 1.0), "sf": F(1.5, 1.0), "tracked": F(2.0, 2.0)}}
    >>> weather_move_note(S, "snow")
    'snow: foot and sf move costs ×1.5 off road; tracked ×2'
    """
    by_class = scen.weather_move_table.get(precipitation)
    if not by_class:
        return ""
    table = getattr(scen, "terrain_table", None) or {}
    terrain_names = {code: t.name for code, t in table.items()}  # ("in hills", not the file's "in h")
    groups: dict[str, list[str]] = {}
    for mob in MOBILITY_CLASSES:  # (the classes' own order, not the file's)
        f = by_class.get(mob)
        if f is not None:
            groups.setdefault(_factor_text(f, terrain_names), []).append(mob)
    parts = []
    for k, (text, mobs) in enumerate(groups.items()):
        parts.append(f"{listed(mobs)} {'move costs ' if k == 0 else ''}{text}")
    return f"{precipitation}: " + "; ".join(parts)


def terrain_move_costs(scen: Scenario, code: str, precipitation: str) -> dict[str, float | None]:
    """Cost of entering a hex of terrain `code` off the road, by mobility class, in `precipitation` (None:
    impassable): the terrain panel's figures as the movement rules count them that turn."""
    out: dict[str, float | None] = {}
    for mob, cost in scen.terrain_table[code].move_cost.items():
        f = weather_factor(scen, mob, precipitation)
        out[mob] = cost if cost is None or f is None else cost * f.terrain.get(code, f.off_road)
    return out


def weather_move_factors(scen: Scenario, precipitation: str) -> list[tuple[str, str, float, str]]:
    """The factors of `precipitation` as records for a structured event: (mobility class, where: "off road",
    "on roads" or "in <terrain code>", factor, source: its JSON path in the scenario), factors of 1 left out.

    >>> from engine.terrain import WeatherMoveFactor as F
    >>> class S: weather_move_table = {"rain": {"wheeled": F(1.5, 1.0)}}
    >>> weather_move_factors(S, "rain")
    [('wheeled', 'off road', 1.5, 'weather_movement.rain.wheeled.off_road')]
    """
    out = []
    by_class = scen.weather_move_table.get(precipitation, {})
    for mob in MOBILITY_CLASSES:
        f = by_class.get(mob)
        if f is None:
            continue
        src = f"weather_movement.{precipitation}.{mob}"
        if f.off_road != 1:
            out.append((mob, "off road", f.off_road, f"{src}.off_road"))
        out += [(mob, f"in {code}", v, f"{src}.terrain.{code}") for code, v in sorted(f.terrain.items())
                if v != f.off_road]
        if f.road != 1:
            out.append((mob, "on roads", f.road, f"{src}.road"))
    return out


def _factor_text(f: WeatherMoveFactor, terrain_names: dict[str, str] | None = None) -> str:
    if f.off_road == f.road and not f.terrain:
        return f"×{f.off_road:g}"
    names = terrain_names or {}
    off = [f"×{f.off_road:g} off road"] if f.off_road != 1 else []
    off += [f"×{v:g} in {names.get(code, code)}" for code, v in sorted(f.terrain.items()) if v != f.off_road]
    road = [f"×{f.road:g} on roads"] if f.road != 1 else []
    return ", ".join(off + road) or "×1"
