"""Ground conditions as data (`weather_movement`): move costs, reach and heading fields by the turn's ground."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import (
    assert_problem,
    events_of,
    panel_lines,
    scenario_problems,
    set_weather,
    tiny_dict,
    tiny_game,
    tiny_scenario,
    variant,
)
from conftest import goto as to_phase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import goto, kernels
from engine.ai import doctrine
from engine.errors import IllegalOrder
from engine.events import MoveCostFactor, event_from_dict, event_to_dict, event_to_json
from engine.mapdata import INF
from engine.movement import (
    _field_py,
    distance_field,
    legal_destinations,
    reach,
    terrain_move_costs,
    weather_adjacency,
    weather_csr,
    weather_edge_cost,
    weather_factor,
    weather_move_factors,
    weather_move_note,
)
from engine.orders import EndPhase, Move
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict
from engine.terrain import MOBILITY_CLASSES, WeatherMoveFactor
from engine.view import SideView
from engine.weather import WeatherTurn

# ---------------------------------------------------------------------------------------------------------------------
# Ground conditions as data: the scenario's `weather_movement` table scales move costs by the turn's
# precipitation (validation with JSON paths, the scaled cost arrays, reach / legal moves, the note players read,
# and: no table, no change).

MUD = {
    "rain": {"wheeled": {"off_road": 1.5}, "tracked": {"off_road": 1.25}},
    "snow": {"foot": 1.5, "sf": {"off_road": 1.25, "terrain": {"f": 2}}, "tracked": {"off_road": 2, "road": 1.5}},
}


def _with_table(table: dict, snow_turn1: bool = True):
    def edit(doc: dict) -> None:
        doc["weather_movement"] = table
        if snow_turn1:
            set_weather(doc, 1, 3000, 20, precip="snow")
    return variant(edit)


def _dry_turn1():
    return variant(lambda doc: set_weather(doc, 1, 3000, 20, precip="snow"))


# ------------------------------------------------------------------ validation
def _problems(table: object) -> list[str]:
    doc = tiny_dict()
    doc["weather_movement"] = table
    return scenario_problems(doc)


@pytest.mark.parametrize(("table", "path", "words"), [
    ({"hail": {"foot": 2}}, "$.weather_movement.hail", ("unknown precipitation", "none, rain, snow")),
    ({"snow": {"hover": 2}}, "$.weather_movement.snow.hover", ("unknown mobility class", "foot, sf, wheeled")),
    ({"snow": {"foot": 0}}, "$.weather_movement.snow.foot", ("expected a factor",)),
    ({"snow": {"foot": -1.5}}, "$.weather_movement.snow.foot", ("expected a factor", "-1.5")),
    ({"snow": {"foot": "x"}}, "$.weather_movement.snow.foot", ("expected a number", '"x"')),
    ({"snow": {"foot": True}}, "$.weather_movement.snow.foot", ("expected a number",)),
    ({"snow": {"foot": None}}, "$.weather_movement.snow.foot", ("expected a number",)),
    ({"rain": {"wheeled": {"off_road": 0}}}, "$.weather_movement.rain.wheeled.off_road", ("expected a factor",)),
    ({"rain": {"wheeled": {"road": "1"}}}, "$.weather_movement.rain.wheeled.road", ("expected a number",)),
    ({"rain": {"wheeled": {"mud": 2}}}, "$.weather_movement.rain.wheeled", ("unknown field", "mud", "off_road")),
    ({"rain": {"wheeled": {"terrain": {"z": 2}}}}, "$.weather_movement.rain.wheeled.terrain.z",
     ("unknown terrain code",)),
    ({"rain": {"wheeled": {"terrain": {"f": 0}}}}, "$.weather_movement.rain.wheeled.terrain.f", ("expected a factor",)),
    ({"rain": {"wheeled": {"terrain": 2}}}, "$.weather_movement.rain.wheeled.terrain", ("expected an object",)),
    ({"rain": 2}, "$.weather_movement.rain", ("expected an object",)),
])
def test_bad_tables_are_refused_with_their_json_path(table: object, path: str, words: tuple[str, ...]) -> None:
    assert_problem(_problems(table), path, *words)


def test_every_problem_of_a_table_is_reported_at_once() -> None:
    problems = _problems({"hail": {"foot": 2}, "snow": {"hover": 2, "foot": 0, "sf": {"road": "x"}}})
    for path in ("$.weather_movement.hail", "$.weather_movement.snow.hover", "$.weather_movement.snow.foot",
                 "$.weather_movement.snow.sf.road"):
        assert_problem(problems, path)


def test_the_table_resolves_and_drops_pairs_of_ones() -> None:
    scen = _with_table({**MUD, "none": {"foot": 1, "sf": {"off_road": 1, "road": 1}}})
    t = scen.weather_move_table
    assert "none" not in t  # all ones: as no entry
    assert t["rain"]["wheeled"] == WeatherMoveFactor(1.5, 1.0)
    assert t["snow"]["foot"] == WeatherMoveFactor(1.5, 1.5)  # a number: on and off the road
    assert t["snow"]["sf"] == WeatherMoveFactor(1.25, 1.0, {"f": 2.0})
    assert weather_factor(scen, "wheeled", "snow") is None and weather_factor(scen, "foot", "none") is None
    assert tiny_scenario().weather_move_table == {}  # the default: no effect


# ------------------------------------------------------------------ cost arrays
def test_scaled_costs_follow_roads_terrain_and_keep_passability() -> None:
    scen = _with_table(MUD)
    g = new_game(scen, 1).map
    dry = g.edge_cost["sf"]
    wet = weather_edge_cost(g, scen, "sf", "snow")
    assert np.array_equal(np.isinf(wet), np.isinf(dry))  # passability is the terrain table's
    ok = np.isfinite(dry)
    entered = g.terrain[np.where(g.nbr >= 0, g.nbr, 0)]
    forest = np.array([c == "f" for c in g.terrain_codes])[entered]
    assert (ok & g.road_edge).any() and (ok & forest & ~g.road_edge).any()
    assert np.array_equal(wet[ok & g.road_edge], dry[ok & g.road_edge])  # road factor 1
    assert np.allclose(wet[ok & forest & ~g.road_edge], 2 * dry[ok & forest & ~g.road_edge])
    other = ok & ~forest & ~g.road_edge
    assert np.allclose(wet[other], 1.25 * dry[other])
    tr = weather_edge_cost(g, scen, "tracked", "snow")
    tok = np.isfinite(g.edge_cost["tracked"])
    assert np.allclose(tr[tok & g.road_edge], 1.5 * g.edge_cost["tracked"][tok & g.road_edge])
    assert weather_edge_cost(g, scen, "wheeled", "snow") is g.edge_cost["wheeled"]  # untouched: the map's own
    assert weather_edge_cost(g, scen, "sf", "snow") is wet  # built once per map


@pytest.mark.parametrize("reverse", [False, True])
def test_scaled_search_tables_match_the_scaled_costs(reverse: bool) -> None:
    scen = _with_table(MUD)
    g = new_game(scen, 1).map
    indptr, nbr, weight = weather_csr(g, scen, "sf", "snow", reverse)
    d_indptr, d_nbr, _ = g.csr("sf", reverse)
    assert indptr is d_indptr and nbr is d_nbr  # same edges
    cost = weather_edge_cost(g, scen, "sf", "snow")
    opp = (3, 4, 5, 0, 1, 2)
    for i in range(g.n):
        for k in range(indptr[i], indptr[i + 1]):
            j = int(nbr[k])
            want = cost[j, opp[g.nbr_list[i].index(j)]] if reverse else cost[i, g.nbr_list[i].index(j)]
            assert weight[k] == pytest.approx(want)
    adj = weather_adjacency(g, scen, "sf", "snow")
    assert [[j for j, _ in row] for row in adj] == [[j for j, _ in row] for row in g.adjacency["sf"]]
    assert weather_csr(g, scen, "wheeled", "snow") is g.csr("wheeled")
    assert weather_adjacency(g, scen, "wheeled", "snow") is g.adjacency["wheeled"]


def test_no_table_searches_the_maps_own_arrays() -> None:
    scen = tiny_scenario()
    g = new_game(scen, 1).map
    for mob in MOBILITY_CLASSES:
        for p in ("none", "rain", "snow"):
            assert weather_csr(g, scen, mob, p) is g.csr(mob)
            assert weather_edge_cost(g, scen, mob, p) is g.edge_cost[mob]
            assert weather_move_note(scen, p) == ""


# ------------------------------------------------------------------ reach, legal moves, orders
def _reach_of(scen, uid: str, jit: bool) -> dict[int, float]:
    saved = kernels.JIT
    kernels.JIT = jit and saved
    try:
        s = new_game(scen, 1)
        r = reach(s, s.unit(uid))
        return dict(zip(r.order.tolist(), r.order_cost.tolist(), strict=True))
    finally:
        kernels.JIT = saved


@pytest.mark.parametrize("jit", [True, False] if kernels.JIT else [False])
def test_snow_scales_reach_costs_and_shrinks_reach(jit: bool) -> None:
    dry = _reach_of(_dry_turn1(), "az_mech", jit)
    wet = _reach_of(_with_table({"snow": {"tracked": 2}}), "az_mech", jit)
    assert set(wet) < set(dry)  # strictly less ground
    for h, c in wet.items():
        assert c == pytest.approx(2 * dry[h])  # a uniform factor: the same paths at twice the cost
    assert _reach_of(_with_table({"rain": {"tracked": 2}}), "az_mech", jit) == dry  # not this turn's weather


def test_the_compiled_and_python_searches_agree_in_the_wet() -> None:
    if not kernels.JIT:
        pytest.skip("numba not available")
    scen = _with_table(MUD)
    for uid in ("az_sf", "az_mech", "az_tank"):
        a, b = _reach_of(scen, uid, True), _reach_of(scen, uid, False)
        assert a.keys() == b.keys() and all(a[h] == pytest.approx(b[h]) for h in a)


def test_a_move_the_snow_puts_out_of_reach_is_refused_and_the_state_unchanged() -> None:
    dry_state = new_game(_dry_turn1(), 1)
    scen = _with_table({"snow": {"tracked": 2}})
    s = new_game(scen, 1)
    while s.phase != "movement":
        apply(s, EndPhase(s.side_name))
    while dry_state.phase != "movement":
        apply(dry_state, EndPhase(dry_state.side_name))
    u = s.unit("az_mech")
    lost = sorted(set(legal_destinations(dry_state, dry_state.unit("az_mech"))) - set(legal_destinations(s, u)))
    assert lost
    before = (u.idx, len(s.log), len(s.orders))
    with pytest.raises(IllegalOrder):
        apply(s, Move("az_mech", s.map.hex_of(lost[0])))
    assert (u.idx, len(s.log), len(s.orders)) == before


def test_a_change_of_weather_is_not_hidden_by_the_reach_cache() -> None:
    scen = _with_table({"snow": {"tracked": 2}}, snow_turn1=False)
    s = new_game(scen, 1)
    u = s.unit("az_mech")
    dry = reach(s, u)
    assert reach(s, u) is dry  # cached
    s.weather_override = WeatherTurn(s.turn, 3000.0, 20.0, "none", "snow")
    s.update_clock()
    wet = reach(s, u)
    assert wet is not dry and wet.reached() < dry.reached()
    s.weather_override = None
    s.update_clock()
    assert reach(s, u).reached() == dry.reached()


# ------------------------------------------------------------------ the note players read
def test_the_note_names_each_class_and_where() -> None:
    scen = _with_table(MUD)
    assert weather_move_note(scen, "snow") == ("snow: foot move costs ×1.5; sf ×1.25 off road, ×2 in forest; "
                                               "tracked ×2 off road, ×1.5 on roads")
    assert weather_move_note(scen, "rain") == "rain: wheeled move costs ×1.5 off road; tracked ×1.25 off road"
    assert weather_move_note(scen, "none") == ""
    same = _with_table({"snow": {"foot": 1.5, "sf": 1.5, "wheeled": 1.5}})
    assert weather_move_note(same, "snow") == "snow: foot, sf and wheeled move costs ×1.5"


def test_the_factors_as_records_and_the_terrain_panels_costs() -> None:
    scen = _with_table(MUD)
    assert weather_move_factors(scen, "snow") == [
        ("foot", "off road", 1.5, "weather_movement.snow.foot.off_road"),
        ("foot", "on roads", 1.5, "weather_movement.snow.foot.road"),
        ("sf", "off road", 1.25, "weather_movement.snow.sf.off_road"),
        ("sf", "in f", 2.0, "weather_movement.snow.sf.terrain.f"),
        ("tracked", "off road", 2.0, "weather_movement.snow.tracked.off_road"),
        ("tracked", "on roads", 1.5, "weather_movement.snow.tracked.road")]
    assert weather_move_factors(scen, "none") == []
    dry = scen.terrain_table["f"].move_cost
    wet = terrain_move_costs(scen, "f", "snow")
    assert wet == {"foot": dry["foot"] * 1.5, "sf": dry["sf"] * 2, "wheeled": dry["wheeled"],
                   "tracked": dry["tracked"] * 2}
    assert terrain_move_costs(scen, "f", "none") == dry


def test_the_format_docs_example_table_loads() -> None:
    import json
    import re

    from conftest import ROOT

    text = (ROOT / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```json\n(.*?)```", text, re.S) if '"weather_movement"' in b]
    doc = tiny_dict()
    doc.update(json.loads(block))
    assert scenario_from_dict(doc).weather_move_table["snow"]["wheeled"] == WeatherMoveFactor(2.0, 1.25)


# ------------------------------------------------------------------ property: slower ground never reaches farther
_factor = st.sampled_from([1.0, 1.1, 1.25, 1.5, 2.0, 3.0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mob=st.sampled_from(MOBILITY_CLASSES), off=_factor, road=_factor, forest=_factor,
       uid=st.sampled_from(["az_sf", "az_mech", "az_tank"]))
def test_factors_of_one_or_more_never_reach_farther_or_cheaper(mob: str, off: float, road: float, forest: float,
                                                               uid: str) -> None:
    doc = tiny_dict()
    set_weather(doc, 1, 3000, 20, precip="snow")
    dry_scen = scenario_from_dict(doc)
    doc["weather_movement"] = {"snow": {m: {"off_road": off, "road": road, "terrain": {"f": forest}}
                                        for m in MOBILITY_CLASSES if m == mob or m == "sf"}}
    wet_scen = scenario_from_dict(doc)
    dry, wet = _reach_of(dry_scen, uid, True), _reach_of(wet_scen, uid, True)
    assert set(wet) <= set(dry)
    for h, c in wet.items():
        assert c >= dry[h] - 1e-9
    assert not any(math.isinf(c) for c in wet.values()) and INF not in wet.values()


def test_a_set_override_creates_the_table_on_a_scenario_without_one() -> None:
    """`--set weather_movement.snow.sf.terrain.h=1.5` on the Shusha scenario without its table (the shipped one has
    had one since session 28): the levels are created, and a wrong name is the scenario check's error, with its
    path."""
    import json
    from pathlib import Path

    from engine.batch import with_overrides
    from engine.errors import ScenarioError
    from engine.scenario import scenario_from_dict

    doc = json.loads((Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json").read_text("utf-8"))
    del doc["weather_movement"]
    base = scenario_from_dict(doc)
    assert not base.weather_move_table
    scen = with_overrides(base, ("weather_movement.snow.sf.terrain.h=1.5", "weather_movement.rain.wheeled=1.25"),
                          "shusha")
    assert scen.weather_move_table
    with pytest.raises(ScenarioError) as ei:
        with_overrides(base, ("weather_movement.sleet.foot=1.5",), "shusha")
    assert ei.value.problems[0].startswith("$.weather_movement.sleet:")


def test_a_go_to_estimate_counts_this_turns_ground() -> None:
    """A review: go-to's turn estimate used dry costs, so in snow it promised a march faster than the unit makes."""
    from conftest import tiny_dict

    from engine import goto
    from engine.rules import new_game
    from engine.scenario import scenario_from_dict
    from engine.view import SideView

    d = tiny_dict()
    dry = new_game(scenario_from_dict(d), seed=1)
    d["weather_movement"] = {"none": {"foot": 3, "sf": 3, "wheeled": 3, "tracked": 3}}
    wet = new_game(scenario_from_dict(d), seed=1)
    side = dry.side
    u = next(u for u in dry.units if u.side == side and dry.scenario.unit_table[u.type].domain == "ground")
    far = max(range(dry.map.n), key=lambda i: (dry.map.distance(u.idx, i), -i))
    path = goto.route(SideView(dry, side), u.id, far)
    assert len(path) > 3
    t_dry = goto.turns_along(SideView(dry, side), u.id, path)
    t_wet = goto.turns_along(SideView(wet, side), u.id, path)
    assert t_dry is not None and (t_wet is None or t_wet > t_dry)


# ---------------------------------------------------------------------------------------------------------------------
# The turn's weather report says what the ground does to move costs (proposed with events.py / rules.py).

def test_a_wet_turn_reports_its_factors_with_their_sources_and_a_dry_one_nothing() -> None:
    def edit(doc: dict) -> None:
        doc["weather_movement"] = {"snow": {"tracked": {"off_road": 2, "road": 1.5}}, "rain": {"foot": 1.5}}
        set_weather(doc, 1, 3000, 20, precip="snow")
    s = tiny_game(scen=variant(edit))
    (w,) = events_of(s.log, "WeatherReport")
    assert w.move_factors == (MoveCostFactor("tracked", "off road", 2.0, "weather_movement.snow.tracked.off_road"),
                              MoveCostFactor("tracked", "on roads", 1.5, "weather_movement.snow.tracked.road"))
    assert w.text().endswith("; snow: tracked move costs ×2 off road, ×1.5 on roads")
    assert event_from_dict(event_to_dict(w)) == w
    dry = events_of(tiny_game().log, "WeatherReport")[0]
    assert "move_factors" not in event_to_json(dry) and "movement" not in event_to_json(dry)
    assert event_from_dict(event_to_dict(dry)) == dry


# ---------------------------------------------------------------------------------------------------------------------
# The terrain panel's move costs follow the scenario's `weather_movement` table, as the movement rules count them.

def test_the_hovered_hexs_move_costs_are_this_turns(screen, monkeypatch) -> None:
    from ui.app import App

    d = tiny_dict()
    plain = new_game(scenario_from_dict(d), seed=1)
    d["weather_movement"] = {"none": {"foot": 2}}  # (the tiny scenario's turns are dry: a factor on dry ground)
    wet = new_game(scenario_from_dict(d), seed=1)
    texts = []
    for state in (plain, wet):
        app = App(state, {0}, size=(1280, 800))
        app.show_lesson = False
        idx = next(i for i in range(state.map.n) if state.map.terrain_at(i).move_cost.get("foot") is not None)
        app.hover = idx
        texts.append([s for s, _ in panel_lines(app, screen, monkeypatch)])
    cost = next(s for s in texts[0] if s.startswith("move cost"))
    doubled = next(s for s in texts[1] if s.startswith("move cost"))
    foot = plain.map.terrain_at(idx).move_cost["foot"]
    assert f"foot {foot:g}" in cost and f"foot {2 * foot:g}" in doubled
    assert any("foot move costs ×2" in s for s in texts[1]) and not any("move costs ×" in s for s in texts[0])


# ---------------------------------------------------------------------------------------------------------------------
# The heading fields count the turn's ground: the AIs' `distance_field` and go-to's field, cover field and drawn
# route scale their costs by the scenario's ``weather_movement`` table in the turn's precipitation, as the legal
# moves do; a class the table leaves alone (and a scenario without the table) keeps its dry field, bit for bit.

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
