"""Static map layers as read-only numpy arrays, built once per scenario and shared by every game.

Hexes are addressed by a flat index ``idx = row * cols + col`` (odd-r offset). Edges are addressed by
``(idx, d)`` with ``d`` an index into ``hexgrid.DIRECTIONS``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np

from engine import hexgrid, kernels
from engine.scenario import START_CONTROL_CODES, HexRef, Scenario
from engine.terrain import (
    DEFAULT_HEXSIDES,
    MOBILITY_CLASSES,
    ROAD_COST,
    SUPPLY_OFFROAD_FACTOR,
    SUPPLY_ROAD_COST_BY_KIND,
)
from engine.units import SIDES

ROAD_KINDS: tuple[str, ...] = ("main", "secondary", "track")  # best first

LOS_MEMO_MAX = 200_000
DIST_CACHE_MAX = 3000
"""Entries in a map's cache of distance arrays (a few KB each): bounds memory per worker."""
FIELD_CACHE_MAX = 500
"""Entries in a map's cache of AI distance fields to sets of targets (one map-sized array each). New target sets
keep appearing game after game, so when full this cache drops its newer half (`trim_memo`); each field is rebuilt
cheaply from the single-target fields, which stay in the distance cache (bounded by the map)."""
EYE_HEIGHT_M = 3.0
MAX_VISION_HEXES = 8
INF = float("inf")


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(False)  # read-only (write=False, passed positionally: 3x cheaper)
    return a


class GameMap:
    """Per-scenario precomputation: terrain layers, neighbour table, edge costs, LOS tables."""

    # Slots for what the constructor sets (56 attributes: more than a shared-key instance dict holds in Python 3.11,
    # past which every attribute read takes a slower path); a __dict__ for the tables built on first use
    # (`functools.cached_property`).
    __slots__ = (
        "__dict__",
        "_csr",
        "_dist_cache",
        "_field_cache",
        "_lookup",
        "_los_memo",
        "_los_tables",
        "_pad",
        "_place_by_idx",
        "_q_list",
        "_qmin",
        "_r_list",
        "_rpad",
        "_viewshed_cache",
        "all_hex",
        "ambush",
        "ambush_list",
        "cliff_down",
        "cliff_up",
        "col",
        "cols",
        "concealment",
        "concealment_list",
        "deep_cover",
        "deep_cover_list",
        "defence",
        "derived",
        "edge_cost",
        "elevation",
        "enterable",
        "hex_km",
        "hex_refs",
        "los_top",
        "n",
        "nbr",
        "nbr_list",
        "no_go",
        "no_go_list",
        "no_hex",
        "objective_hexes",
        "objective_set",
        "places",
        "q",
        "r",
        "river",
        "road_edge",
        "road_hex",
        "road_kind",
        "roads",
        "row",
        "rows",
        "start_control",
        "supply_cost",
        "terrain",
        "terrain_codes",
        "terrain_list",
        "terrain_types",
        "vehicle_cover",
    )

    def __init__(self, scen: Scenario) -> None:
        m = scen.map
        self.cols, self.rows, self.hex_km = m.cols, m.rows, m.hex_km
        self.n = n = m.cols * m.rows
        self.hex_refs: list[HexRef] = [(i % m.cols, i // m.cols) for i in range(n)]
        """`hex_of` for every hex index, as a list (hot paths index it instead of calling `hex_of`)."""
        table = scen.terrain_table
        self.terrain_codes: tuple[str, ...] = tuple(sorted(table))
        code_index = {c: i for i, c in enumerate(self.terrain_codes)}
        self.terrain_types = [table[c] for c in self.terrain_codes]
        self.terrain = _readonly(np.array([code_index[ch] for row in m.terrain for ch in row], dtype=np.int16))
        self.elevation = _readonly(np.array(m.elevation_m, dtype=np.float64).reshape(n))
        cols_a = np.tile(np.arange(m.cols), m.rows)
        rows_a = np.repeat(np.arange(m.rows), m.cols)
        self.col, self.row = _readonly(cols_a), _readonly(rows_a)
        held = np.full(n, -1, dtype=np.int8)
        if m.start_control:
            held[:] = [START_CONTROL_CODES[ch] for row in m.start_control for ch in row]
        self.start_control = _readonly(held)
        """Who holds each hex at the start by the scenario's `map.start_control` (-1: no one), before units."""
        briefed = held.copy()
        for ob in scen.objectives:
            if ob.controller in SIDES:
                briefed[[self.idx(h) for h in ob.hexes]] = SIDES.index(ob.controller)
        self.briefed_control = _readonly(briefed)
        """Who holds each hex in both sides' briefing: `start_control` and the objectives' controllers (what each
        side's `known_control` starts from; ground the enemy holds beyond it, the side learned it took)."""
        q, r = hexgrid.offset_to_axial_arrays(cols_a, rows_a)
        self.q, self.r = _readonly(q.astype(np.int64)), _readonly(r.astype(np.int64))
        self._q_list: list[int] = self.q.tolist()
        self._r_list: list[int] = self.r.tolist()
        # axial -> flat lookup, padded so that any q in [qmin - pad, qmax + pad] is addressable
        self._pad = MAX_VISION_HEXES + 2
        self._qmin = int(q.min()) - self._pad
        qspan = int(q.max()) - self._qmin + 1 + self._pad
        self._rpad = self._pad
        lookup = np.full((m.rows + 2 * self._rpad, qspan), -1, dtype=np.int64)
        lookup[r + self._rpad, q - self._qmin] = np.arange(n)
        self._lookup = _readonly(lookup)
        nbr = np.empty((n, 6), dtype=np.int64)
        for d, dh in enumerate(hexgrid.DIRECTIONS):
            nbr[:, d] = self.flat_of_axial(q + dh.q, r + dh.r)
        self.nbr = _readonly(nbr)
        self.nbr_list: list[list[int]] = nbr.tolist()

        def attr(name: str, dtype: Any = np.int64) -> np.ndarray:
            vals = np.array([getattr(t, name) for t in self.terrain_types], dtype=dtype)
            return _readonly(vals[self.terrain])

        self.defence = attr("defence")
        self.concealment = attr("concealment")
        self.ambush = attr("ambush")
        self.ambush_list: list[int] = self.ambush.tolist()
        self.vehicle_cover = attr("vehicle_cover")
        self.los_top = _readonly(self.elevation + attr("los_height_m", np.float64))
        self.deep_cover = _readonly(self.concealment >= 2)
        self.deep_cover_list: list[bool] = self.deep_cover.tolist()
        """Forest and ravine: where infiltrating special forces ignore zones of control."""
        self.concealment_list: list[int] = self.concealment.tolist()
        self.terrain_list: list[int] = self.terrain.tolist()
        """Terrain index per hex: with the terrain table, everything a hex adds to a fire's modifiers."""
        self.no_hex = _readonly(np.zeros(n, dtype=bool))
        """An all-false mask (for searches with nothing to exempt or forbid)."""
        self.all_hex = _readonly(np.ones(n, dtype=bool))
        """An all-true mask (nothing excluded)."""

        # hexside features
        road_kind = np.full((n, 6), len(ROAD_KINDS), dtype=np.int64)  # index into ROAD_KINDS; none = len
        self.roads: list[tuple[str, str, list[int]]] = []
        for rd in m.roads:
            path = [self.idx(h) for h in rd.path]
            self.roads.append((rd.name, rd.kind, path))
            k = ROAD_KINDS.index(rd.kind)
            for a, b in itertools.pairwise(path):
                for x, y in ((a, b), (b, a)):
                    d = self.direction_between(x, y)
                    road_kind[x, d] = min(road_kind[x, d], k)
        road = road_kind < len(ROAD_KINDS)
        self.road_kind = _readonly(road_kind)
        self.road_edge = _readonly(road)
        self.road_hex = _readonly(road.any(axis=1))
        cliff_up = np.zeros((n, 6), dtype=bool)  # crossing from idx goes UP the cliff
        cliff_down = np.zeros((n, 6), dtype=bool)
        river = np.zeros((n, 6), dtype=bool)
        for hs in m.hexsides:
            top = self.idx(hs.hex)
            for name in hs.sides:
                d = hexgrid.direction_index(name)
                low = int(nbr[top, d])
                back = hexgrid.opposite(d)
                if hs.feature == "cliff":
                    cliff_down[top, d] = True
                    cliff_up[low, back] = True
                else:
                    river[top, d] = river[low, back] = True
        self.cliff_up, self.cliff_down, self.river = _readonly(cliff_up), _readonly(cliff_down), _readonly(river)

        # edge costs per mobility class: cost of moving from idx across side d into the neighbour
        self.edge_cost: dict[str, np.ndarray] = {}
        self.enterable: dict[str, np.ndarray] = {}
        hexsides = scen.hexside_table or DEFAULT_HEXSIDES  # (the scenario's `hexside_types` merged on the default)
        cliff, riv = hexsides["cliff"], hexsides["river"]
        valid = nbr >= 0
        safe_nbr = np.where(valid, nbr, 0)
        for mob in MOBILITY_CLASSES:
            enter = np.array([np.nan if t.move_cost[mob] is None else t.move_cost[mob] for t in self.terrain_types],
                             dtype=np.float64)
            hex_cost = enter[self.terrain]
            self.enterable[mob] = _readonly(~np.isnan(hex_cost))
            cost = hex_cost[safe_nbr].copy()
            cost[np.isnan(cost)] = INF
            extra_up = cliff.extra_cost_up[mob]
            extra_down = cliff.extra_cost_down[mob]
            cost = np.where(cliff_up, INF if extra_up is None else cost + extra_up, cost)
            cost = np.where(cliff_down, INF if extra_down is None else cost + extra_down, cost)
            river_extra = riv.extra_cost_up[mob]
            cost = np.where(river & ~road, INF if river_extra is None else cost + river_extra, cost)
            # a road edge replaces terrain and river costs, but only if the hex itself can be entered
            road_cost = np.array([ROAD_COST[k][mob] for k in ROAD_KINDS] + [np.inf])[road_kind]
            cost = np.where(road & np.isfinite(hex_cost[safe_nbr]), road_cost, cost)
            cost[~valid] = INF
            self.edge_cost[mob] = _readonly(cost)
        foot = self.edge_cost["foot"]
        sf = self.edge_cost["sf"]
        supply_road = np.array([SUPPLY_ROAD_COST_BY_KIND[k] for k in ROAD_KINDS] + [np.inf])[road_kind]
        supply = np.where(road, supply_road, np.minimum(foot, sf) * SUPPLY_OFFROAD_FACTOR)
        supply[~valid] = INF
        self.supply_cost = _readonly(supply)

        ob = next((o for o in scen.objectives if o.name == scen.victory.objective), None)
        self.objective_hexes: tuple[int, ...] = tuple(self.idx(h) for h in ob.hexes) if ob is not None else ()
        """Hexes of the victory objective, in scenario order (what the rules score and the AIs aim for)."""
        self.objective_set = frozenset(self.objective_hexes)
        self.places = [(p.name, p.kind, self.idx(p.hex)) for p in m.places]
        self._place_by_idx: dict[int, str] = {}
        for name, _, p in self.places:
            self._place_by_idx.setdefault(p, name)  # the first place listed on a hex names it
        self.no_go: list[np.ndarray] = []
        """Per side (attacker, defender): hexes its ground units may not enter."""
        for side_name in ("attacker", "defender"):
            mask = np.zeros(n, dtype=bool)
            spec = scen.sides.get(side_name)
            for area in spec.no_go if spec is not None else ():
                mask[[self.idx(h) for h in area.hexes()]] = True
            self.no_go.append(_readonly(mask))
        self.no_go_list: list[list[bool]] = [a.tolist() for a in self.no_go]
        self._los_tables = _build_los_tables(MAX_VISION_HEXES)
        self._viewshed_cache: dict[tuple[int, int], np.ndarray] = {}
        self._dist_cache: dict[Any, Any] = {}
        self._field_cache: dict[Any, Any] = {}
        self._los_memo: dict[int, bool] = {}
        self._csr: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.derived: dict[Any, Any] = {}
        """Other static facts derived from the map by their users (e.g. AI goal hexes), computed once."""

    # ------------------------------------------------------------------ pure-Python search tables
    # Built on first use: the compiled searches read `csr()` instead, so a game with numba never needs them.
    @functools.cached_property
    def edge_cost_list(self) -> dict[str, list[list[float]]]:
        return {mob: cost.tolist() for mob, cost in self.edge_cost.items()}

    @functools.cached_property
    def adjacency(self) -> dict[str, list[tuple[tuple[int, float], ...]]]:
        """Per mobility class, for each hex: (neighbour, cost) of every passable edge, in direction order
        (what the pure-Python path searches iterate over)."""
        return {mob: _adjacency(self.nbr_list, costs) for mob, costs in self.edge_cost_list.items()}

    @functools.cached_property
    def supply_adjacency(self) -> list[tuple[tuple[int, float], ...]]:
        return _adjacency(self.nbr_list, self.supply_cost.tolist())

    # ------------------------------------------------------------------ coordinates
    def idx(self, h: HexRef) -> int:
        return h[1] * self.cols + h[0]

    def hex_of(self, idx: int) -> HexRef:
        return (idx % self.cols, idx // self.cols)

    def axial(self, idx: int) -> hexgrid.Hex:
        return hexgrid.Hex(int(self.q[idx]), int(self.r[idx]))

    def on_map(self, h: HexRef) -> bool:
        return 0 <= h[0] < self.cols and 0 <= h[1] < self.rows

    def flat_of_axial(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Flat indices for axial arrays; -1 off the map."""
        qi = np.asarray(q) - self._qmin
        ri = np.asarray(r) + self._rpad
        ok = (qi >= 0) & (qi < self._lookup.shape[1]) & (ri >= 0) & (ri < self._lookup.shape[0])
        out = np.full(np.shape(qi), -1, dtype=np.int64)
        out[ok] = self._lookup[ri[ok], qi[ok]]
        return out

    def direction_between(self, a: int, b: int) -> int:
        for d in range(6):
            if self.nbr_list[a][d] == b:
                return d
        raise ValueError(f"hexes {self.hex_of(a)} and {self.hex_of(b)} are not adjacent")

    def distance(self, a: int, b: int) -> int:
        q, r = self._q_list, self._r_list
        dq = q[a] - q[b]
        dr = r[a] - r[b]
        return (abs(dq) + abs(dr) + abs(dq + dr)) // 2

    def distances_from(self, a: int) -> np.ndarray:
        """Hex distance from `a` to every hex (cached; read-only)."""
        key = ("from", a)
        got = self._dist_cache.get(key)
        if got is None:
            dq = self.q - self.q[a]
            dr = self.r - self.r[a]
            got = _readonly(((np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2).astype(np.int32))
            if len(self._dist_cache) < DIST_CACHE_MAX:
                self._dist_cache[key] = got
        return got

    def distance_list(self, a: int) -> list[int]:
        """`distances_from(a)` as a list of ints (cached): for code that reads a few entries one at a time,
        where indexing a list is cheaper than a call to `distance` or a numpy scalar read. Twice the memory of
        the array: for a few fixed hexes (an objective's centre), not for every hex a game touches."""
        key = ("list", a)
        got = self._dist_cache.get(key)
        if got is None:
            got = self.distances_from(a).tolist()
            if len(self._dist_cache) < DIST_CACHE_MAX:
                self._dist_cache[key] = got
        return got

    def distance_matrix(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Hex distance between every hex of index array `a` (rows) and of `b` (columns)."""
        if kernels.JIT:  # one compiled call instead of a dozen small numpy ones
            return kernels.distance_matrix(self.q, self.r, np.array(a, kernels.INT64), np.array(b, kernels.INT64))
        return hexgrid.distance_arrays(self.q[a][:, None], self.r[a][:, None], self.q[b][None, :], self.r[b][None, :])

    def adjacent_to(self, hexes: Iterable[int]) -> frozenset[int]:
        """Every on-map hex next to one of `hexes` (a zone of control, a contact zone)."""
        return frozenset().union(*map(self.neighbour_sets.__getitem__, hexes))

    @functools.cached_property
    def objective_distance(self) -> list[int]:
        """Per hex, the hex distance to the nearest objective hex (what the victory check's contest radius and
        the AIs' approach read), as a list of ints."""
        if not self.objective_hexes:
            return [0] * self.n
        return self.distance_matrix(np.arange(self.n), np.array(self.objective_hexes)).min(axis=1).tolist()

    @functools.cached_property
    def neighbour_sets(self) -> list[frozenset[int]]:
        """Per hex, its on-map neighbours as a set (unions of these are a C loop)."""
        return [frozenset(j for j in row if j >= 0) for row in self.nbr_list]

    @functools.cached_property
    def road_neighbours(self) -> list[list[int]]:
        """Per hex, the neighbours a road leads to, in direction order (what a trace along roads reads hex by
        hex: a list, where a numpy scalar read of `road_edge` costs a call each)."""
        road = self.road_edge.tolist()
        return [[j for d, j in enumerate(row) if j >= 0 and road[i][d]] for i, row in enumerate(self.nbr_list)]

    def memo_for(self, name: str, owner: object) -> dict[Any, Any]:
        """A memo dict in `derived` shared by all games on this map, emptied when `owner` (the unit table its
        values were computed with) is a different object."""
        got = self.derived.get(name)
        if got is None or got[0] is not owner:
            got = self.derived[name] = (owner, {})
        return got[1]

    def within(self, a: int, radius: int) -> np.ndarray:
        """Flat indices of the hexes at most `radius` from `a`, ascending (cached; read-only)."""
        key = ("within", a, radius)
        got = self._dist_cache.get(key)
        if got is None:
            got = _readonly(np.flatnonzero(self.distances_from(a) <= radius))
            if len(self._dist_cache) < DIST_CACHE_MAX:
                self._dist_cache[key] = got
        return got

    def road_route(self, a: int, b: int) -> list[int]:
        """Hexes of the shortest road route from `a` to `b` (fewest hexes, ties by lower index), or [] if
        the roads do not connect them. Cached."""
        key = ("road_route", a, b)
        got = self.derived.get(key)
        if got is not None:
            return got
        prev = {a: -1}
        frontier = [a]
        road = self.road_neighbours
        while frontier and b not in prev:
            nxt = []
            for i in frontier:
                for j in road[i]:
                    if j not in prev:
                        prev[j] = i
                        nxt.append(j)
            frontier = sorted(nxt)
        route: list[int] = []
        if b in prev:
            i = b
            while i >= 0:
                route.append(i)
                i = prev[i]
            route.reverse()
        self.derived[key] = route
        return route

    def terrain_at(self, idx: int) -> Any:
        return self.terrain_types[self.terrain[idx]]

    def place_name(self, idx: int) -> str | None:
        return self._place_by_idx.get(idx)

    def describe(self, idx: int) -> str:
        c, r = self.hex_of(idx)
        name = self.place_name(idx)
        return f"({c},{r}){' ' + name if name else ''}"

    def describe_near(self, idx: int) -> str:
        """`describe`, or "(11,21) by Lisagor" for a hex next to a named place (the first of its neighbours, in
        the map's neighbour order, that has one): a road cut 'at (11,21)' told a class nothing of where it was."""
        if self.place_name(idx) is None:
            for j in self.nbr_list[idx]:
                name = self.place_name(j) if j >= 0 else None
                if name is not None:
                    c, r = self.hex_of(idx)
                    return f"({c},{r}) by {name}"
        return self.describe(idx)

    # ------------------------------------------------------------------ line of sight
    def viewshed(self, idx: int, radius: int) -> np.ndarray:
        """Flat indices visible from `idx` within `radius` hexes, over elevation plus trees and buildings.

        Uses the same line as `hexgrid.line` (with its epsilon nudge) for every sight line; the endpoints'
        own cover does not block, intermediate hexes block when their top rises above the sight line.
        """
        got = self._viewshed_cache.get((idx, radius))
        if got is not None:
            return got
        asked = (idx, radius)
        radius = max(0, min(int(radius), MAX_VISION_HEXES))
        key = (idx, radius)
        got = self._viewshed_cache.get(key)
        if got is not None:
            self._viewshed_cache[asked] = got
            return got
        k_count = 1 + 3 * radius * (radius + 1)
        rel_q, rel_r, mid_q, mid_r, mid_t, mid_ok = (t[:k_count] for t in self._los_tables)
        q0, r0 = int(self.q[idx]), int(self.r[idx])
        targets = self.flat_of_axial(q0 + rel_q, r0 + rel_r)
        on = targets >= 0
        mids = self.flat_of_axial(q0 + mid_q, r0 + mid_r)
        eye = self.elevation[idx] + EYE_HEIGHT_M
        tgt_h = np.where(on, self.elevation[np.maximum(targets, 0)] + EYE_HEIGHT_M, 0.0)
        line_h = eye + (tgt_h[:, None] - eye) * mid_t
        tops = np.where(mids >= 0, self.los_top[np.maximum(mids, 0)], -np.inf)
        blocked = (mid_ok & (tops > line_h)).any(axis=1)
        got = _readonly(targets[on & ~blocked])
        self._viewshed_cache[key] = self._viewshed_cache[asked] = got
        return got

    def viewshed_store(self, radius: int) -> ViewshedStore:
        """Every hex's viewshed out to `radius` in one flat store, filled on first use of a hex: what the
        compiled ground view (`kernels.ground_counts`) reads. One store per radius, shared by all games on
        this map."""
        radius = max(0, min(int(radius), MAX_VISION_HEXES))
        got = self.derived.get(("viewshed_store", radius))
        if got is None:
            got = self.derived[("viewshed_store", radius)] = ViewshedStore(self, radius)
        return got

    def csr(self, kind: str, reverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Passable edges of a mobility class (or "supply") as flat arrays (indptr, neighbour, cost) for the
        compiled searches, in the adjacency lists' order. `reverse`: the cost of each edge is that of moving
        from the neighbour into the hex (for fields measured *to* a target)."""
        key = (kind, reverse)
        got = self._csr.get(key)
        if got is None:
            cost = self.supply_cost if kind == "supply" else self.edge_cost[kind]
            if reverse:  # edge i -> nbr[i, d] costs what nbr[i, d] pays to cross its opposite side into i
                opp = np.array([hexgrid.opposite(d) for d in range(6)])
                safe = np.where(self.nbr >= 0, self.nbr, 0)
                cost = np.where(self.nbr >= 0, cost[safe, opp[None, :]], INF)
            ok = (self.nbr >= 0) & (cost != INF)
            indptr = np.concatenate(([0], np.cumsum(ok.sum(axis=1)))).astype(np.int64)
            got = self._csr[key] = (_readonly(indptr), _readonly(self.nbr[ok].astype(np.int64)),
                                    _readonly(cost[ok].astype(np.float64)))
        return got

    def has_los(self, a: int, b: int) -> bool:
        key = a * self.n + b
        got = self._los_memo.get(key)
        if got is None:
            d = self.distance(a, b)
            got = d <= MAX_VISION_HEXES and bool(np.any(self.viewshed(a, d) == b))
            if len(self._los_memo) >= LOS_MEMO_MAX:
                trim_memo(self._los_memo)
            self._los_memo[key] = got
        return got


def trim_memo(memo: dict[Any, Any]) -> None:
    """Make room in a full memo by dropping its newer half. The entries a process's first games put in are
    the situations games meet most often, and the newer ones ever rarer; emptying the memo outright made a
    long batch's workers fill it again from scratch every few hundred games."""
    keys = list(memo)  # (one step: a Dask worker's other threads may fill or trim the same memo meanwhile)
    for key in keys[len(keys) - len(keys) // 2:]:
        memo.pop(key, None)


def _adjacency(nbrs: list[list[int]], costs: list[list[float]]) -> list[tuple[tuple[int, float], ...]]:
    return [tuple((j, c) for j, c in zip(row, crow, strict=True) if j >= 0 and c != INF)
            for row, crow in zip(nbrs, costs, strict=True)]


class ViewshedStore:
    """The viewsheds of a map's hexes out to `radius`, as flat arrays for compiled code.

    A sight line does not depend on how far a unit looks, and `GameMap.viewshed` lists its hexes ring by
    ring: the viewshed at any radius r <= `radius` is a prefix of the one at `radius`. Hex i's viewshed at r
    is `data[start[i] : start[i] + length[i, r]]`; `start[i]` is -1 until `fill(i)` computed it (through
    `GameMap.viewshed`, so both always agree). `data` grows by doubling: read the attributes after a fill."""

    __slots__ = ("_map", "data", "length", "radius", "start", "used")

    def __init__(self, gmap: GameMap, radius: int) -> None:
        self._map = gmap
        self.radius = radius
        self.start = np.full(gmap.n, -1, dtype=np.int64)
        self.length = np.zeros((gmap.n, radius + 1), dtype=np.int64)
        self.data = np.zeros(max(64, 4 * (1 + 3 * radius * (radius + 1))), dtype=np.int64)
        self.used = 0

    def fill(self, idx: int) -> None:
        """Compute and store hex `idx`'s viewshed (once)."""
        if self.start[idx] >= 0:
            return
        gmap = self._map
        shed = gmap.viewshed(idx, self.radius)
        ring = gmap.distance_matrix(np.array([idx]), shed)[0]  # non-decreasing: the viewshed is ring ordered
        m = len(shed)
        if self.used + m > len(self.data):
            grown = np.zeros(max(2 * len(self.data), self.used + m), dtype=np.int64)
            grown[:self.used] = self.data[:self.used]
            self.data = grown
        self.data[self.used:self.used + m] = shed
        self.length[idx] = np.searchsorted(ring, np.arange(self.radius + 1), side="right")
        self.start[idx] = self.used
        self.used += m

    def viewshed(self, idx: int, radius: int) -> np.ndarray:
        """`GameMap.viewshed(idx, radius)` read from the store (for tests and tools)."""
        self.fill(idx)
        s = int(self.start[idx])
        return self.data[s:s + int(self.length[idx, max(0, min(radius, self.radius))])]


@functools.lru_cache(maxsize=4)
def _build_los_tables(radius: int) -> tuple[np.ndarray, ...]:
    """Relative sight lines for every offset within `radius`, in spiral order (sorted by distance)."""
    origin = hexgrid.Hex(0, 0)
    offsets = hexgrid.spiral(origin, radius)
    max_mid = max(1, radius - 1)
    k = len(offsets)
    rel_q = np.array([h.q for h in offsets], dtype=np.int64)
    rel_r = np.array([h.r for h in offsets], dtype=np.int64)
    mid_q = np.zeros((k, max_mid), dtype=np.int64)
    mid_r = np.zeros((k, max_mid), dtype=np.int64)
    mid_t = np.zeros((k, max_mid), dtype=np.float64)
    mid_ok = np.zeros((k, max_mid), dtype=bool)
    for i, h in enumerate(offsets):
        pts = hexgrid.line(origin, h)
        n = len(pts) - 1
        for j, p in enumerate(pts[1:-1]):
            mid_q[i, j], mid_r[i, j] = p.q, p.r
            mid_t[i, j] = (j + 1) / n
            mid_ok[i, j] = True
    return tuple(_readonly(a) for a in (rel_q, rel_r, mid_q, mid_r, mid_t, mid_ok))


_MAP_CACHE: dict[str, GameMap] = {}


def game_map(scen: Scenario) -> GameMap:
    """The shared, cached GameMap of a scenario (keyed by its content hash)."""
    key = scen.sha256 or str(id(scen))
    got = _MAP_CACHE.get(key)
    if got is None:
        if len(_MAP_CACHE) > 16:
            _MAP_CACHE.clear()
        got = _MAP_CACHE[key] = GameMap(scen)
    return got
