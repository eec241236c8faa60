"""The heading fields count the turn's ground: the AIs' `distance_field` and go-to's field, cover field and drawn
route scale their costs by the scenario's ``weather_movement`` table in the turn's precipitation, as the legal
moves do; a class the table leaves alone (and a scenario without the table) keeps its dry field, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import goto as to_phase
from conftest import set_weather, tiny_dict, variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import goto, kernels
from engine.ai import doctrine
from engine.mapdata import INF
from engine.movement import _field_py, distance_field, weather_csr, weather_factor
from engine.orders import Move
from engine.rules import new_game
from engine.scenario import scenario_from_dict
from engine.terrain import MOBILITY_CLASSES
from engine.view import SideView

SNOW = {"snow": {"foot": 1.5, "sf": {"off_road": 1.25, "terrain": {"f": 2}}, "tracked": {"off_road": 1.5}},
        "rain": {"wheeled": {"off_road": 1.5, "road": 1.2}}}
"""foot and sf slowed everywhere / off the road; tracked off the road only; wheeled only in rain."""

START, GOAL = (0, 1), (9, 1)
ROAD = [(0, r) for r in range(1, 10)] + [(c, 9) for c in range(1, 10)] + [(9, r) for r in range(8, 0, -1)]
"""A U of main road from START down, across and up to GOAL: 25 edges at 0.5 for tracked (12.5) against 9 plain hexes
straight across (9): dry, the way across is cheaper; with snow's ×1.5 off the road (13.5), the road is. (Mild
and deep enough that this turn's reach alone does not send a unit round: the dry field takes it across.)"""


def _u_doc(precip: str) -> dict:
    """A 12×12 plain map with the U road; the attacker's mech at START, the defenders in the far corner."""
    doc = tiny_dict()
    cols, rows = 12, 12
    doc["map"].update(cols=cols, rows=rows, terrain=["p" * cols] * rows, elevation_m=[[600] * cols] * rows,
                      hexsides=[], places=[{"name": "Goal", "hex": list(GOAL), "kind": "village"}],
                      roads=[{"name": "U road", "kind": "main", "path": [list(h) for h in ROAD]}])
    doc["objectives"] = [{"name": "Goal", "hexes": [list(GOAL)]}]
    doc["victory"] = {"objective": "Goal", "sudden_death": False, "contest_radius": 1}
    where = {"az_mech": START, "az_tb2": (4, 3), "az_orlan": (4, 3), "arm_inf_1": (11, 11), "arm_inf_2": (10, 11),
             "arm_ad": (11, 11), "arm_amb": (11, 10)}
    doc["units"] = [u for u in doc["units"] if u["id"] not in ("az_sf", "az_tank")]
    for u in doc["units"]:
        if u["id"] in where:
            u["hex"] = list(where[u["id"]])
    doc["sides"]["defender"]["supply_sources"] = [[11, 11]]
    doc["weather_movement"] = SNOW
    for t in range(1, doc["turns"] + 1):
        set_weather(doc, t, 3000, 20, precip=precip)
    return doc


def _movement_view(precip: str) -> tuple[SideView, object]:
    state = to_phase(new_game(scenario_from_dict(_u_doc(precip), source="U road"), seed=1), "attacker", "movement")
    return SideView(state, state.side), state


# ------------------------------------------------------------------ the field itself
@pytest.mark.parametrize("precip", ["rain", "snow"])
@pytest.mark.parametrize("mob", MOBILITY_CLASSES)
@pytest.mark.parametrize("side", [None, 0, 1])
def test_a_wet_field_is_never_below_the_dry_one_and_equal_where_nothing_changes(precip, mob, side) -> None:
    scen = variant(lambda d: d.update(weather_movement=SNOW))
    from engine.mapdata import game_map

    gmap = game_map(scen)
    targets = (gmap.idx((3, 3)), gmap.idx((3, 4)))
    dry = distance_field(gmap, mob, targets, side)
    wet = distance_field(gmap, mob, targets, side, precip, scen)
    fin = np.isfinite(dry)
    assert np.array_equal(fin, np.isfinite(wet))  # (factors are finite and positive: what is passable stays so)
    assert (wet[fin] >= dry[fin] - 1e-12).all()
    if weather_factor(scen, mob, precip) is None:
        assert wet is dry  # the dry field itself, from the dry cache
    else:
        assert (wet[fin] > dry[fin]).any()
        assert not wet.flags.writeable
        assert distance_field(gmap, mob, targets, side, precip, scen) is wet  # cached


def test_no_table_means_the_dry_field_and_its_cache() -> None:
    from conftest import tiny_scenario

    from engine.mapdata import game_map

    scen = tiny_scenario()
    assert not scen.weather_move_table
    gmap = game_map(scen)
    t = (gmap.idx((3, 3)),)
    assert distance_field(gmap, "foot", t, 0, "snow", scen) is distance_field(gmap, "foot", t, 0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mob=st.sampled_from(MOBILITY_CLASSES), precip=st.sampled_from(["rain", "snow"]),
       target_frac=st.floats(0, 1, exclude_max=True), side=st.sampled_from([None, 0, 1]))
def test_the_compiled_wet_field_matches_the_reference(mob, precip, target_frac, side) -> None:
    if not kernels.JIT:
        pytest.skip("numba not available: the reference is the only search")
    from conftest import shusha_scenario

    from engine.batch import with_overrides
    from engine.mapdata import game_map

    scen = with_overrides(shusha_scenario(), ("weather_movement.snow.sf.terrain.h=1.5",
                                              "weather_movement.snow.tracked.off_road=3",
                                              "weather_movement.snow.foot=1.25",
                                              "weather_movement.rain.wheeled.off_road=1.7",
                                              "weather_movement.rain.wheeled.road=1.1"), "shusha")
    gmap = game_map(scen)
    target = int(target_frac * gmap.n)
    ref = _field_py(gmap, mob, target, side, precip, scen)
    got = kernels.field_to(*weather_csr(gmap, scen, mob, precip, reverse=True), target,
                           gmap.no_hex if side is None else gmap.no_go[side])
    assert got.tolist() == ref.tolist()
    if weather_factor(scen, mob, precip) is None:
        assert ref.tolist() == _field_py(gmap, mob, target, side).tolist()


def test_the_pure_python_path_gives_the_same_fields(monkeypatch) -> None:
    """`distance_field` without numba (the reference search on the weather's costs) = with it."""
    from engine.mapdata import game_map

    scen = scenario_from_dict(_u_doc("snow"), source="U road")
    gmap = game_map(scen)
    t = (gmap.idx(GOAL), gmap.idx((5, 0)))
    want = distance_field(gmap, "tracked", t, 0, "snow", scen)  # (compiled, where numba is)
    monkeypatch.setattr(kernels, "JIT", False)
    again = scenario_from_dict(_u_doc("snow"), source="U road (again)")  # (a new table: new memos)
    got = distance_field(game_map(again), "tracked", t, 0, "snow", again)
    assert got is not want
    assert got.tolist() == want.tolist()
    assert float(got[gmap.idx(START)]) == pytest.approx(7.5)  # (5, 0): 5 plain hexes across at snow's ×1.5


# ------------------------------------------------------------------ go-to and the AI follow the road in snow
def test_go_to_follows_the_road_in_snow_and_cuts_across_when_dry() -> None:
    road = set(ROAD)
    steps, routes = {}, {}
    for precip in ("none", "snow"):
        v, _ = _movement_view(precip)
        gm = v.map
        goal = gm.idx(GOAL)
        field = goto.remaining_cost(v, "az_mech", goal)
        assert float(field[gm.idx(START)]) == pytest.approx(9.0 if precip == "none" else 12.5)
        steps[precip] = gm.hex_of(goto.next_step(v, "az_mech", goal))
        routes[precip] = [gm.hex_of(i) for i in goto.route(v, "az_mech", goal)]
    assert steps["none"] not in road and steps["snow"] in road
    assert routes["snow"] == ROAD
    assert len(routes["none"]) == 10 and not set(routes["none"][1:-1]) & road


def test_the_doctrine_ai_heads_by_the_turns_ground(monkeypatch) -> None:
    """The AI's own fields are built with the turn's precipitation and scenario, and so it takes the road in snow."""
    calls = []
    real = doctrine.distance_field

    def spy(gmap, mobility, targets, side=None, precipitation="none", scen=None):
        calls.append((mobility, precipitation, scen))
        return real(gmap, mobility, targets, side, precipitation, scen)

    monkeypatch.setattr(doctrine, "distance_field", spy)
    dests = {}
    for precip in ("none", "snow"):
        v, state = _movement_view(precip)
        agent = doctrine.DoctrineAgent()
        orders = agent._plan(v, np.random.default_rng(0))
        mech = [o for o in orders if isinstance(o, Move) and o.unit == "az_mech"]
        assert mech, orders
        dests[precip] = tuple(mech[0].to)
        assert calls and all(p == precip and s is state.scenario for _, p, s in calls)
        calls.clear()
    assert dests["none"] not in set(ROAD) and dests["snow"] in set(ROAD)


def test_the_cover_field_counts_the_weather() -> None:
    """An infiltrator's cover-only field: never below the dry one, higher where snow slows the cover."""
    scen = variant(lambda d: d.update(weather_movement=SNOW))
    from engine.mapdata import game_map

    gmap = game_map(scen)
    goal = gmap.idx((3, 4))
    dry = goto.cover_field(gmap, "sf", goal, 0)
    wet = goto.cover_field(gmap, "sf", goal, 0, "snow", scen)
    fin = dry < INF
    assert np.array_equal(fin, wet < INF) and (wet[fin] >= dry[fin]).all() and (wet[fin] > dry[fin]).any()
    assert goto.cover_field(gmap, "wheeled", goal, 0, "snow", scen) is goto.cover_field(gmap, "wheeled", goal, 0)
