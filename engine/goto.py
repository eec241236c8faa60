"""Multi-turn move orders ("go to"): which hex a unit should move to this phase to get nearer a distant goal.

Pure and fog-safe: everything here is computed from a `SideView`, so a standing order never knows more than
the player who gave it. The step it proposes is issued as an ordinary `Move` through `rules.apply` (the
front end keeps the order itself, e.g. in `GameState.extra`): the engine log holds only those moves, and
replays and saves need nothing new. Remaining distance is the static movement-cost field of the unit's
mobility class (`movement.distance_field`, which respects the side's no-go areas and ignores units) on this
turn's ground (the public weather, by the scenario's ``weather_movement``): it is what the unit could know of
the ground, while this phase's legal destinations (`SideView.destination_indices`) bring in the zones of
control, known enemies and stack limits. An order with waypoints (`step_through`, `plan_through`) still makes one
`Move` a phase: it passes a waypoint and goes on where the engine's cheapest path to a hex beyond runs through it.
Where this turn's weather makes steps dearer than a whole move and the way round them is a long detour
(`DETOUR_FACTOR`), the order keeps to the way through them and waits where they are closed (`weather_detour`).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable

import numpy as np

from engine.mapdata import GameMap
from engine.movement import (
    dijkstra,
    distance_field,
    path_to,
    weather_adjacency,
    weather_cost_list,
    weather_edge_cost,
    weather_factor,
)
from engine.orders import Move
from engine.rules import INFILTRATION_CONCEALMENT
from engine.scenario import Scenario
from engine.view import SideView

PROGRESS_EPS = 1e-9
"""A destination makes progress when its remaining cost is lower than the start's by more than this."""


COVER_CONCEALMENT = INFILTRATION_CONCEALMENT  # (the rules' threshold: a route through less gives it away)
"""Concealment an infiltrator moves unseen through (`rules.move_reveal_reason`: 2 or more)."""
COVER_FIELDS_MAX = 64
"""Cover-only fields kept per map (one per mobility class, goal and side: a handful in a game)."""
DETOUR_FACTOR = 1.5
"""A way round the steps this turn's weather makes dearer than a whole phase's move, longer than this times the way
through them (plus a phase's move), is a detour the order does not take: it keeps to the way through them, on this
turn's costs, moving as far along it as the going allows and waiting where the weather closes it. A player's tanks,
ordered to Lisagor ten hexes off in the snow, set off south on a 91-hex way round the map ("51 turns at this pace"),
and turned back when the rain eased."""


def remaining_cost(view: SideView, uid: str, goal_idx: int) -> np.ndarray:
    """Movement cost from every hex to `goal_idx` for `uid` (read-only; inf: no way). For a hidden unit that
    infiltrates, the cost by a way through cover only (`cover_field`) when there is one from where it stands:
    the route that keeps it hidden, even if longer. Otherwise the plain field of its mobility class."""
    return _field_of(view, uid, goal_idx)[0]


def _field_of(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> tuple[np.ndarray, bool]:
    """`remaining_cost`, and whether it is the cover-only field. `start`: the hex the way begins at (a later leg
    of an order with waypoints), else the unit's: the cover-only field only when there is a way through cover
    from there."""
    field, cover_only, _ = _way(view, uid, goal_idx, start)
    return field, cover_only


def _way(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> tuple[np.ndarray, bool, bool]:
    """`_field_of`, and whether it is the way kept through steps this turn's weather closes (`weather_detour`)."""
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    mp = float(ut.move_points)
    here = u.idx if start is None else int(start)
    if u.hidden and ut.infiltrates:
        field = cover_field(view.map, ut.mobility, int(goal_idx), view.side, view.weather.precipitation,
                            view.scenario, max_step=mp)
        if math.isfinite(float(field[here])):
            return field, True, False
    free = distance_field(view.map, ut.mobility, (int(goal_idx),), view.side, view.weather.precipitation,
                          view.scenario)
    if not _has_dear_steps(view, ut.mobility, mp):
        return free, False, False
    # a step dearer than a whole phase's move can never be taken: the way round such steps, unless it is a long
    # detour (`DETOUR_FACTOR`) from the way through them, which the going may open again (a closed way altogether
    # is `weather_only`'s: the order waits for better going)
    field = capped_field(view.map, ut.mobility, int(goal_idx), view.side, mp, view.weather.precipitation,
                         view.scenario)
    if weather_factor(view.scenario, ut.mobility, view.weather.precipitation) is None:
        return field, False, False
    capped = float(field[here])
    if math.isfinite(capped) and capped <= float(free[here]) * DETOUR_FACTOR + mp:
        return field, False, False  # (the way round is no long detour: it takes that)
    kept = _through_field(view, ut.mobility, int(goal_idx), mp)
    if math.isfinite(float(kept[here])) and math.isfinite(
            float(capped_field(view.map, ut.mobility, int(goal_idx), view.side, mp)[here])):
        return kept, False, True  # (and the dry ground has a way: it is the weather that closes this one)
    return field, False, False


def _through_field(view: SideView, mobility: str, goal_idx: int, mp: float) -> np.ndarray:
    """The cost to `goal_idx` by the way kept through the steps this turn's weather closes (`weather_detour`): this
    turn's costs, without the steps no phase's move takes in dry going either (a towed gun's forest: no change of
    weather opens those, so the order does not wait at them). Cached per map, class, goal, side, ground and `mp`."""
    gmap, scen, precipitation = view.map, view.scenario, view.weather.precipitation
    memo = gmap.memo_for("goto.through_field", scen.weather_move_table)
    key = (mobility, goal_idx, view.side, precipitation, mp)
    got = memo.get(key)
    if got is None:
        lists = gmap.memo_for("goto.through_costs", scen.weather_move_table)  # (one per class, ground and mp)
        costs = lists.get(key[:1] + key[3:])
        if costs is None:
            costs = lists[key[:1] + key[3:]] = [
                [w if d <= mp + 1e-9 else math.inf for w, d in zip(wet, dry, strict=True)]
                for wet, dry in zip(weather_cost_list(gmap, scen, mobility, precipitation),
                                    gmap.edge_cost_list[mobility], strict=True)]
        got = _remember(memo, key, _search(gmap, costs, goal_idx, view.side, 0, math.inf))
    return got


def weather_detour(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> bool:
    """Whether the order keeps to the way through steps this turn's weather closes (dearer than a phase's move):
    the way round them to `goal_idx` is a long detour (`DETOUR_FACTOR`), or there is none (`no_way_round`). The unit
    moves along it as far as the going allows and waits where the weather closes it."""
    return _way(view, uid, goal_idx, start)[2]


def no_way_round(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> bool:
    """Whether every way to `goal_idx` takes a step this turn's weather closes (`weather_detour` with no way round
    at all): the unit moves up to the closure and waits there. Such an order waited where it was given."""
    if not weather_detour(view, uid, goal_idx, start):
        return False
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    field = capped_field(view.map, ut.mobility, int(goal_idx), view.side, float(ut.move_points),
                         view.weather.precipitation, view.scenario)
    return not math.isfinite(float(field[u.idx if start is None else int(start)]))


def _step_costs(view: SideView, mobility: str) -> np.ndarray:
    """The edge costs of `mobility` on this turn's ground (`weather_edge_cost`: what the move rules count)."""
    return weather_edge_cost(view.map, view.scenario, mobility, view.weather.precipitation)


def _has_dear_steps(view: SideView, mobility: str, mp: float) -> bool:
    """Whether some passable edge costs `mobility` more than `mp` (cached per map, class, ground and `mp`)."""
    memo = view.map.memo_for("goto.dear_steps", view.scenario.weather_move_table)
    key = (mobility, view.weather.precipitation, mp)
    got = memo.get(key)
    if got is None:
        c = _step_costs(view, mobility)
        got = memo[key] = bool(np.any(np.isfinite(c) & (c > mp + 1e-9)))
    return got


def capped_field(gmap: GameMap, mobility: str, goal_idx: int, side: int, max_step: float,
                 precipitation: str = "none", scen: Scenario | None = None) -> np.ndarray:
    """`movement.distance_field` to `goal_idx` by ways none of whose steps costs more than `max_step` (a whole
    phase's move points: a move cannot end part-way into a hex, so such a step is never taken; a tank's 6 MP
    never enter a ravine that costs 8). Cached per map."""
    if scen is not None and weather_factor(scen, mobility, precipitation) is not None:
        memo = gmap.memo_for("goto.capped_field.weather", scen.weather_move_table)
        costs = weather_cost_list(gmap, scen, mobility, precipitation)
    else:
        memo = gmap.derived.setdefault("goto.capped_field", {})
        costs = gmap.edge_cost_list[mobility]
    key = (mobility, goal_idx, side, precipitation, max_step)
    got = memo.get(key)
    if got is None:
        got = _remember(memo, key, _search(gmap, costs, goal_idx, side, 0, max_step))
    return got


def _remember(memo: dict, key: object, field: np.ndarray) -> np.ndarray:
    """`field` kept in `memo` under `key`, the memo emptied first when it holds `COVER_FIELDS_MAX` fields (a handful
    are asked for in a game: rebuilt when asked again)."""
    if len(memo) >= COVER_FIELDS_MAX:
        memo.clear()
    memo[key] = field
    return field


def cover_field(gmap: GameMap, mobility: str, goal_idx: int, side: int, precipitation: str = "none",
                scen: Scenario | None = None, max_step: float = math.inf) -> np.ndarray:
    """Movement cost from every hex to `goal_idx` by ways whose every hex after the first lies in cover
    (concealment 2 or more, where an infiltrator moves unseen), the goal excepted (inf: no such way); the
    side's no-go areas are never entered. Cached per map. `precipitation`, `scen`: the turn's ground, as in
    `distance_field` (dry costs where the scenario's ``weather_movement`` leaves the class alone). `max_step`: no
    step dearer than this (`capped_field`)."""
    if scen is not None and weather_factor(scen, mobility, precipitation) is not None:
        memo = gmap.memo_for("goto.cover_field.weather", scen.weather_move_table)
        key: tuple = (mobility, goal_idx, side, precipitation, max_step)
        costs = weather_cost_list(gmap, scen, mobility, precipitation)
    else:
        memo = gmap.derived.setdefault("goto.cover_field", {})
        key = (mobility, goal_idx, side, max_step)
        costs = gmap.edge_cost_list[mobility]
    got = memo.get(key)
    if got is not None:
        return got
    return _remember(memo, key, _search(gmap, costs, goal_idx, side, COVER_CONCEALMENT, max_step))


def _search(gmap: GameMap, costs: list[list[float]], goal_idx: int, side: int, min_conceal: int,
            max_step: float) -> np.ndarray:
    """Cost to `goal_idx` from every hex (Dijkstra backwards from the goal) through hexes of concealment
    `min_conceal` or more (the goal and the start excepted), by steps of `max_step` or less, the side's no-go
    areas never entered. Read-only."""
    nbrs = gmap.nbr_list
    conceal = gmap.concealment_list
    forbidden = gmap.no_go_list[side]
    dist = [math.inf] * gmap.n
    dist[goal_idx] = 0.0
    heap = [(0.0, goal_idx)]
    opp = (3, 4, 5, 0, 1, 2)
    while heap:
        c, i = heapq.heappop(heap)
        if c > dist[i] or (i != goal_idx and conceal[i] < min_conceal):
            continue  # (a hex out of cover may start a way, never lie on one)
        for d, j in enumerate(nbrs[i]):
            if j < 0 or forbidden[j]:
                continue
            step = costs[j][opp[d]]  # moving j -> i
            if step > max_step + 1e-9:
                continue
            nc = c + step
            if nc < dist[j]:
                dist[j] = nc
                heapq.heappush(heap, (nc, j))
    out = np.array(dist)
    out.setflags(write=False)
    return out


def next_step(view: SideView, uid: str, goal_idx: int) -> int | None:
    """The hex `uid` should move to this phase on its way to `goal_idx`, or None: it is there already, or no
    legal destination brings it nearer (blocked: a known enemy or its zone of control in the way, the goal's
    stack full, a goal it can never reach, or it has already moved).

    Only this phase's legal destinations are considered, so the answer is always a legal `Move` as far as the
    side knows. Among those that make progress it picks the least remaining cost to the goal. A hidden unit
    prefers a destination whose move keeps it hidden (`SideView.move_reveal` is None) whenever one makes
    progress: an infiltrator moving through cover must not give itself away for a faster route. Ties go to
    the lower hex index, so the choice is deterministic.

    When the only hexes that would bring it nearer are full of the side's own units (the stack limit; they
    may be passed through, not stopped in), it steps aside to the destination with the least remaining cost
    if that loses less than one phase's move points: such a detour usually arrives as soon as waiting would.
    A hidden unit takes such a detour only if it stays hidden.

    >>> from engine.scenario import load_scenario
    >>> from engine.rules import new_game
    >>> from engine.view import observe
    >>> from engine.orders import EndPhase
    >>> from engine.rules import apply
    >>> from pathlib import Path
    >>> st = new_game(load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"), 0)
    >>> while st.phase != "movement":
    ...     _ = apply(st, EndPhase(st.side_name))
    >>> v = observe(st, 0)
    >>> step = next_step(v, "az_sf_1", st.map.idx((21, 13)))
    >>> st.map.hex_of(step), step in v.destination_indices("az_sf_1").tolist(), v.move_reveal("az_sf_1", step)
    ((32, 24), True, None)
    """
    u = view.unit(uid)
    if u.idx == goal_idx or u.moved:
        return None
    field = remaining_cost(view, uid, goal_idx)
    here = float(field[u.idx])
    if not math.isfinite(here):
        return None
    dests = view.destination_indices(uid)
    if dests.size == 0:
        return None
    left = field[dests]
    better = left < here - PROGRESS_EPS
    if better.any():
        return _pick(view, uid, u.hidden, left[better], dests[better], must_hide=False)
    full = _own_stacks_in_the_way(view, uid, field, here)
    if not full or goal_idx in full:  # (a goal full of one's own units: the player decides)
        return None
    # a detour round the own units in the way, losing less than a phase's move: moving aside now and on next
    # phase often arrives as soon as waiting would (a hex full of one's own units cannot be moved into)
    slack = left < here + float(view.scenario.unit_table[u.type].move_points) - PROGRESS_EPS
    if not slack.any():
        return None
    return _pick(view, uid, u.hidden, left[slack], dests[slack], must_hide=True)


def _pick(view: SideView, uid: str, hidden: bool, left: np.ndarray, dests: np.ndarray, must_hide: bool) -> int | None:
    """The least remaining cost among `dests` (ties: the lower index); a hidden unit's first choice keeps it
    hidden; `must_hide`: a hidden unit takes none that reveals it."""
    first = None
    for _, idx in sorted(zip(left.tolist(), dests.tolist(), strict=True)):
        if view.check(Move(uid, view.map.hex_of(idx))) is not None:
            continue  # (the rules' own word on each)
        if not hidden or view.move_reveal(uid, idx) is None:
            return int(idx)
        if first is None:
            first = int(idx)
    return None if must_hide else first


def _own_stacks_in_the_way(view: SideView, uid: str, field: np.ndarray, here: float) -> list[int]:
    """The hexes in reach this phase that would bring `uid` nearer but are full of the side's own units, when
    those are all there are (else empty: something else blocks it)."""
    reached = view.reach_order(uid)
    better = reached[field[reached] < here - PROGRESS_EPS]
    full = [int(i) for i in better.tolist() if view.own_occupancy[i] >= view.scenario.stack_limit]
    return full if full and len(full) == better.size else []


def why_no_step(view: SideView, uid: str, goal_idx: int) -> tuple[str, bool]:
    """Why `next_step` gives no step for `uid` towards `goal_idx`, and whether it is only a wait: (reason,
    True) when the only hexes that would bring it nearer are full of the side's own units (the stack limit),
    which may have moved on by the next phase; (reason, False) when the order cannot go on as it is (there
    already, no way to the goal, known enemies or their zones of control in the way, the goal's stack full)."""
    u = view.unit(uid)
    gmap = view.map
    if u.idx == goal_idx:
        return f"arrived at {gmap.describe(goal_idx)}", False
    if u.moved:
        return "it has moved this phase already", True
    field = remaining_cost(view, uid, goal_idx)
    here = float(field[u.idx])
    if not math.isfinite(here):
        why = never_reaches(view, uid, goal_idx) or f"no way to {gmap.describe(goal_idx)}"
        return why, weather_only(view, uid, goal_idx)  # (a way the weather closes opens again: it waits)
    full = _own_stacks_in_the_way(view, uid, field, here)
    if full:
        if goal_idx in full and gmap.distance(u.idx, goal_idx) == 1:
            return f"the goal {gmap.describe(goal_idx)} is full of your own units (stack limit)", False
        return (f"the way on is full of your own units at {gmap.describe(min(full, key=lambda i: field[i]))} "
                f"(stack limit {view.scenario.stack_limit})"), True
    if view.contact_zone & set(gmap.nbr_list[u.idx]):
        return "a known enemy's zone of control holds it", False
    if weather_detour(view, uid, goal_idx):  # (the dry way's next step, closed this turn: the going will change)
        path = route(view, uid, goal_idx)
        ut = view.scenario.unit_table[u.type]
        if len(path) > 1 and float(_step_costs(view, ut.mobility)[u.idx, gmap.nbr_list[u.idx].index(path[1])]) > \
                float(ut.move_points) + 1e-9:
            way_round = "there is no way round" if no_way_round(view, uid, goal_idx) else \
                "the way round would be far longer"
            return (f"this turn's {view.weather.precipitation} closes its way at {gmap.describe(path[1])}; "
                    f"{way_round}: it waits for better going"), True
    near = _known_enemies_within_reach(view, uid)
    if near is not None:
        return (f"no move this phase brings it nearer: known enemies or their zones of control in the way "
                f"(nearest at {gmap.describe(near)})"), False
    # (nothing the side knows of is in the way: say so rather than blame enemies that are not there)
    path = route(view, uid, goal_idx)
    nxt = f": the next hex of its route, {gmap.describe(path[1])}, is not open to it" if len(path) > 1 else ""
    return f"no move this phase brings it nearer (no known enemy in the way){nxt}", False


def _known_enemies_within_reach(view: SideView, uid: str) -> int | None:
    """The nearest hex holding a known enemy or in its zone of control that `uid` could get to this phase were
    no enemy there (within its move points at its class's cheapest step), or None: no known enemy could be
    what blocks it."""
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    c = _step_costs(view, ut.mobility)
    finite = c[np.isfinite(c) & (c > 0)]
    if finite.size == 0:
        return None
    radius = int(float(ut.move_points) // float(finite.min())) + 1
    gmap = view.map
    hexes = sorted(set(view.contact_hexes) | set(view.contact_zone))
    near = min(((gmap.distance(u.idx, h), h) for h in hexes), default=None)
    return near[1] if near is not None and near[0] <= radius else None


def weather_only(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> bool:
    """Whether `uid`'s only ways to `goal_idx` (from `start`, else its hex) are closed by this turn's weather alone
    (in dry going every step of some way costs at most its move points): the order waits for better going rather
    than ends."""
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    if weather_factor(view.scenario, ut.mobility, view.weather.precipitation) is None or view.map.no_go[view.side][
            goal_idx]:
        return False
    dry = capped_field(view.map, ut.mobility, int(goal_idx), view.side, float(ut.move_points))
    return math.isfinite(float(dry[u.idx if start is None else int(start)]))


def never_reaches(view: SideView, uid: str, goal_idx: int) -> str | None:
    """Why `uid` can never get to `goal_idx` however many phases it is given (None: it can, as far as the side
    knows the ground): "entering ravine at (25,16) costs 8 MP, more than its 6 MP a turn" when the only ways
    there take a step dearer than a whole phase's move points (a move never ends part-way into a hex), else
    that there is no way for its mobility class (impassable ground, cliffs, no-go areas)."""
    u = view.unit(uid)
    gmap = view.map
    if u.idx != goal_idx and gmap.no_go[view.side][goal_idx]:  # (the fields start at the goal: they never say so)
        return f"{gmap.describe(goal_idx)} lies in a sector the {view.side_name} may not enter (scenario no-go area)"
    if u.idx == goal_idx or math.isfinite(float(remaining_cost(view, uid, goal_idx)[u.idx])):
        return None
    ut = view.scenario.unit_table[u.type]
    plain = distance_field(gmap, ut.mobility, (int(goal_idx),), view.side, view.weather.precipitation,
                           view.scenario)
    if not math.isfinite(float(plain[u.idx])):
        return f"no way to {gmap.describe(goal_idx)} for its mobility class ({ut.mobility})"
    cost = _step_costs(view, ut.mobility)
    mp = float(ut.move_points)
    path = _downhill(gmap, cost, plain, u.idx, goal_idx)  # (down the plain field to the first step no phase takes)
    for i, j in itertools.pairwise(path):
        step = float(cost[i, gmap.nbr_list[i].index(j)])
        if step > mp + 1e-9:
            ground = "" if weather_factor(view.scenario, ut.mobility, view.weather.precipitation) is None else \
                f" in this weather ({view.weather.precipitation})"
            return (f"entering {gmap.terrain_at(j).name} at {gmap.describe(j)} costs {step:g} MP"
                    f"{ground}, more than its {mp:g} MP a turn")
    return f"no way to {gmap.describe(goal_idx)} in steps of at most {mp:g} MP (its move a turn)"


def _downhill(gmap: GameMap, cost: np.ndarray, field: np.ndarray, start: int, goal: int,
              skip: Callable[[int, int, int], bool] | None = None) -> list[int]:
    """The path from `start` down `field` towards `goal`: each step to the neighbour (not yet on the path, not
    `skip(i, d, j)`) with the least step cost plus what is left after it, the lower index on a tie. It ends at
    `goal`, or where no step is left (the caller tells which by its last hex)."""
    nbrs = gmap.nbr_list
    path = [start]
    seen = {start}
    while path[-1] != goal and len(path) <= gmap.n:
        i = path[-1]
        best, best_j = math.inf, -1
        for d, j in enumerate(nbrs[i]):
            if j < 0 or j in seen or (skip is not None and skip(i, d, j)):
                continue
            c = float(cost[i, d]) + float(field[j])
            if c < best - 1e-12 or (abs(c - best) <= 1e-12 and j < best_j):
                best, best_j = c, j
        if best_j < 0 or not math.isfinite(best):
            break
        path.append(best_j)
        seen.add(best_j)
    return path


def route(view: SideView, uid: str, goal_idx: int, start: int | None = None) -> list[int]:
    """The cheapest path (hex indices, the unit's hex first, the goal last) from `uid` to `goal_idx` over the
    whole map by the unit's mobility class, as the side knows the ground: what the front end draws as the
    planned route. Empty if the goal cannot be reached. Units are ignored (the moves themselves go round the
    enemies known when they are made), so the drawn route is a plan, not a promise. `start`: from that hex
    instead of the unit's (a later leg of an order with waypoints)."""
    u = view.unit(uid)
    here = u.idx if start is None else int(start)
    if here != goal_idx and view.map.no_go[view.side][goal_idx]:
        return []  # (a goal in the side's no-go area: no move may end there, though the field starts at it)
    field, cover_only, dry = _way(view, uid, goal_idx, here)
    if not math.isfinite(float(field[here])):
        return []
    conceal = view.map.concealment_list
    ut = view.scenario.unit_table[u.type]
    cost = _step_costs(view, ut.mobility)  # (the field's own)
    mp = float(ut.move_points)

    def skip(i: int, d: int, j: int) -> bool:
        """Off the cover-only field's ways, or a step no phase's move can take (the field has none; the way kept
        through this turn's closed steps, `weather_detour`, has them)."""
        return (cover_only and j != goal_idx and conceal[j] < COVER_CONCEALMENT) or (
            not dry and float(cost[i, d]) > mp + 1e-9)

    path = _downhill(view.map, cost, field, here, goal_idx, skip)
    return path if path[-1] == goal_idx else []


def beyond_supply(view: SideView, path: list[int]) -> int | None:
    """The first hex of `path` beyond the side's supply range whatever the enemy does (`SideView.supply_reach`),
    when it starts within it; else None. The route is the cheapest way by move points, and it may leave supply: a
    playtest's order took a unit along a way it could not be supplied on, and stopped it there "cut off from supply"
    (the player was never told the way left supply)."""
    reach = view.supply_reach()
    if not path or not math.isfinite(float(reach[path[0]])):
        return None
    for i in path:
        if not math.isfinite(float(reach[i])):
            return i
    return None


def turns_along(view: SideView, uid: str, path: list[int]) -> int | None:
    """How many movement phases `uid` needs to walk `path` (from `route`) at its full move points each phase,
    counting whole hexes only (a move cannot end part-way into a hex), or None if a step costs more than a
    whole phase's move points. Zones of control and enemies are not counted: "at this pace", an estimate, at this
    turn's ground (the scenario's `weather_movement`: in snow a march takes longer than its dry costs say)."""
    if len(path) < 2:
        return 0
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    cost = weather_edge_cost(view.map, view.scenario, ut.mobility, view.weather.precipitation)
    nbrs = view.map.nbr_list
    steps = [float(cost[a, nbrs[a].index(b)]) for a, b in itertools.pairwise(path)]
    turns, k = 0, 0
    while k < len(steps):
        turns += 1
        mp = float(ut.move_points)
        moved = False
        while k < len(steps) and steps[k] <= mp + 1e-9:
            mp -= steps[k]
            k += 1
            moved = True
        if not moved:
            return None
    return turns


# ---------------------------------------------------------------------------------------------- waypoints
def passed_along(path: list[int], via: list[int]) -> int:
    """How many of the waypoints `via` a walk along `path` passes, in their order (each after the one before).

    >>> passed_along([5, 6, 7, 8], [6, 8, 9]), passed_along([5, 6, 7], [7, 6]), passed_along([5], [5, 5, 4])
    (2, 1, 2)
    """
    k = 0
    for i in path:
        while k < len(via) and i == via[k]:
            k += 1
    return k


def _staged(view: SideView, uid: str, targets: list[int]) -> tuple[list[np.ndarray], list[float]]:
    """Per target of an order (its waypoints in order, the goal last): the field to it (each leg from the target
    before it, the first from the unit) and the cost of the legs after it: from a hex with `k` waypoints passed
    what is left is ``fields[k][hex] + rest[k]``."""
    fields = [_field_of(view, uid, t, None if k == 0 else targets[k - 1])[0] for k, t in enumerate(targets)]
    rest = [0.0] * len(targets)
    for k in range(len(targets) - 2, -1, -1):
        rest[k] = rest[k + 1] + float(fields[k + 1][targets[k]])
    return fields, rest


def _passed_in_tree(tree: dict[int, tuple[float, int]], start: int, via: list[int]) -> dict[int, int]:
    """{hex of `tree`: how many of `via` the move there passes} (the move walks the tree's path, `path_to`)."""
    got = {start: passed_along([start], via)}
    for i in tree:
        chain = []
        j = i
        while j not in got:
            chain.append(j)
            j = tree[j][1]
        k = got[j]
        for h in reversed(chain):
            while k < len(via) and h == via[k]:
                k += 1
            got[h] = k
    return got


def step_through(view: SideView, uid: str, via: list[int], goal_idx: int) -> int | None:
    """The hex `uid` should move to this phase when its move can pass its next waypoint `via[0]` and go on: a
    legal destination whose path (the engine walks the cheapest, `SideView.reachable`'s tree) passes the
    waypoint, with the least cost left through the waypoints it has not passed to `goal_idx` (the lower index on
    a tie). None when no legal destination passes the waypoint (not in reach this phase): `next_step` towards
    the waypoint then, as without one. One `Move`: the rules allow a unit one move a phase, so a waypoint is
    passed only where the cheapest way to somewhere beyond it goes through it (else the move ends on it).

    A hidden unit prefers a destination that keeps it hidden; if none does, it takes one that reveals it only
    when heading for the waypoint (`next_step`) would reveal it as well."""
    u = view.unit(uid)
    if not via or u.moved:
        return None
    tree = view.reachable(uid)
    if via[0] not in tree:
        return None
    passed = _passed_in_tree(tree, u.idx, via)
    targets = [*via, int(goal_idx)]
    fields, rest = _staged(view, uid, targets)
    scored = []
    for d in view.destination_indices(uid).tolist():
        k = passed[d]
        if k == 0:
            continue
        left = float(fields[k][d]) + rest[k]
        if math.isfinite(left):
            scored.append((left, d))
    first = None
    for _, d in sorted(scored):
        if view.check(Move(uid, view.map.hex_of(d))) is not None:
            continue  # (the rules' own word on each)
        if not u.hidden or view.move_reveal(uid, d) is None:
            return int(d)
        if first is None:
            first = int(d)
    if first is None:
        return None
    alt = next_step(view, uid, via[0])
    return None if alt is not None and view.move_reveal(uid, alt) is None else first


def plan_through(view: SideView, uid: str, via: list[int], goal_idx: int,
                 start: int | None = None) -> tuple[list[int], int | None]:
    """(the hexes walked, the number of movement phases) of `uid`'s order through the waypoints `via` to
    `goal_idx` from `start` (else its hex), phase by phase as the order moves it (`step_through`, else
    `next_step`'s least cost left): each phase the destination of its reach at full move points that leaves the
    least cost through the waypoints not passed yet, the cheapest way there. All units, zones of control and
    stack limits are ignored, as in `turns_along`: "at this pace", at this turn's ground. ([], None): no way."""
    u = view.unit(uid)
    ut = view.scenario.unit_table[u.type]
    gmap = view.map
    here = u.idx if start is None else int(start)
    targets = [*via, int(goal_idx)]
    fields, rest = _staged(view, uid, targets)
    adjacency = weather_adjacency(gmap, view.scenario, ut.mobility, view.weather.precipitation)
    k = passed_along([here], via)
    path = [here]
    turns = 0
    while k < len(via) or here != goal_idx:
        now = float(fields[k][here]) + rest[k]
        if not math.isfinite(now) or turns > gmap.n:
            return [], None
        tree = dijkstra(gmap, here, ut.mobility, float(ut.move_points), frozenset(), frozenset(), None,
                        gmap.no_go_list[view.side], adjacency)
        passed = _passed_in_tree(tree, here, via[k:])
        best = min(((float(fields[k + passed[d]][d]) + rest[k + passed[d]], d) for d in tree if d != here),
                   default=(math.inf, -1))
        if not best[0] < now - PROGRESS_EPS:
            return [], None
        d = best[1]
        path += path_to(tree, d)[1:]
        k += passed[d]
        here = d
        turns += 1
    return path, turns
