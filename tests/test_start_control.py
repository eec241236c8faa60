"""The scenario's starting front line (`map.start_control`) and the Shusha order of battle's supply at the start."""

from __future__ import annotations

import numpy as np
from conftest import add_unit, assert_problem, events_of, scenario_problems, shusha_scenario, tiny_dict, variant

from engine.rules import new_game
from engine.supply import supply_field
from engine.units import ATTACKER, DEFENDER, SIDES
from engine.view import observe


def _front(doc: dict, west: str = "D", east: str = "A") -> list[str]:
    """West half held by `west`, east half by `east`, the middle column no one's."""
    cols, rows = doc["map"]["cols"], doc["map"]["rows"]
    mid = cols // 2
    return [west * mid + "." + east * (cols - mid - 1) for _ in range(rows)]


def _with_front(edit=None):
    def change(d):
        d["map"]["start_control"] = _front(d)
        if edit:
            edit(d)

    return variant(change)


def test_without_start_control_only_unit_hexes_and_objectives_are_held():
    state = new_game(variant(lambda d: None), seed=1)
    ground = {u.idx for u in state.units if u.arrived and not u.offmap
              and state.scenario.unit_table[u.type].domain == "ground"}
    held = set(np.flatnonzero(state.control >= 0).tolist())
    assert held == ground | set(state.map.objective_set)


def test_start_control_holds_the_front_line_and_units_hold_their_hexes():
    scen = _with_front()
    state = new_game(scen, seed=1)
    g = state.map
    mid = g.cols // 2
    for i in range(g.n):
        c = g.hex_refs[i][0]
        on_unit = [u.side for u in state.units if u.arrived and not u.offmap and u.idx == i
                   and scen.unit_table[u.type].domain == "ground"]
        if i in g.objective_set:
            continue
        expected = on_unit[0] if on_unit else (DEFENDER if c < mid else ATTACKER if c > mid else -1)
        assert state.control[i] == expected, g.hex_refs[i]


def test_both_sides_know_the_briefed_front_but_not_where_enemy_units_stand():
    """An attacker unit standing deep in defender ground at the start: the truth is the attacker's, the
    defender's map still shows its own ground (it has not seen the unit), the attacker's map shows the truth."""
    def edit(d):
        add_unit(d, "az_deep", "attacker", "infantry", (0, 0), hidden=True)

    scen = _with_front(edit)
    state = new_game(scen, seed=1, track_sightings=True)
    deep = state.map.idx((0, 0))
    assert state.control[deep] == ATTACKER
    defender_view = observe(state, DEFENDER)
    attacker_view = observe(state, ATTACKER)
    assert defender_view.control[deep] == DEFENDER
    assert attacker_view.control[deep] == ATTACKER
    empty_east = next(i for i in range(state.map.n) if state.map.hex_refs[i][0] == state.map.cols - 1
                      and not any(u.idx == i for u in state.units))
    assert defender_view.control[empty_east] == ATTACKER  # the enemy's ground is in the briefing


def test_a_unit_moving_about_its_own_ground_takes_nothing():
    """Before start_control, a defender reinforcement arriving in its own capital was logged as 'taking' it."""
    def edit(d):
        d["map"]["places"].append({"name": "Capital", "hex": [0, 0], "kind": "town"})
        add_unit(d, "def_res", "defender", "infantry", (0, 0), arrives_turn=2)

    scen = _with_front(edit)
    from engine.game import play_game

    state = play_game(scen, seed=3)
    assert state.unit("def_res").arrived
    assert not [e for e in events_of(state.log, "ControlChanged") if e.place == "Capital"]


def test_start_control_errors_name_the_json_path():
    doc = tiny_dict()
    doc["map"]["start_control"] = _front(doc)[:-1]
    assert_problem(scenario_problems(doc), "$.map.start_control", "rows")
    doc = tiny_dict()
    rows = _front(doc)
    rows[2] = rows[2][:-1]
    doc["map"]["start_control"] = rows
    assert_problem(scenario_problems(doc), "$.map.start_control[2]", "characters")
    doc = tiny_dict()
    rows = _front(doc)
    rows[1] = "x" + rows[1][1:]
    doc["map"]["start_control"] = rows
    assert_problem(scenario_problems(doc), "$.map.start_control[1]", "'x'", "col 0")


def test_every_shusha_unit_starts_in_supply():
    """Two defender units (the Hunot canyon ambush party, the Shosh battery) and two attacker units started
    out of supply: placed a hex beyond the porters' reach, they fought at a penalty and never rallied."""
    scen = shusha_scenario()
    state = new_game(scen, seed=1)
    for side in (ATTACKER, DEFENDER):
        field = supply_field(state, side)
        for u in state.units:
            if u.side == side and u.arrived and not u.offmap:
                assert np.isfinite(field[u.idx]), f"{u.id} ({SIDES[side]}) starts out of supply"


def test_shusha_starts_with_the_front_line_of_28_october():
    scen = shusha_scenario()
    state = new_game(scen, seed=1)
    g = state.map
    for place, side in (("Stepanakert", DEFENDER), ("Dashalti", DEFENDER), ("Lachin", DEFENDER),
                        ("Hadrut", ATTACKER), ("Mets Kirs", -1)):
        idx = next(i for name, _, i in g.places if name == place)
        assert state.control[idx] == side, place


def test_shusha_closes_to_the_attacker_only_defender_ground_and_the_capital():
    scen = shusha_scenario()
    g = new_game(scen, seed=1).map
    closed = np.flatnonzero(g.no_go[ATTACKER])
    assert closed.size and (g.start_control[closed] == DEFENDER).all()
    stepanakert = next(i for name, _, i in g.places if name == "Stepanakert")
    assert g.no_go[ATTACKER][stepanakert]


def test_the_lachin_corridor_holds_in_the_first_days():
    """The western group took Lachin on turn 11 (2 Nov) in every game and cut the corridor at the border,
    putting every defender unit out of supply; the record has the push on Lachin bogged down short of it."""
    from engine.game import play_game

    scen = shusha_scenario()
    for seed in range(4):
        state = play_game(scen, seed)
        falls = [e.turn for e in events_of(state.log, "ControlChanged")
                 if e.place in ("Lachin", "Stepanakert") and e.side == "attacker"]
        assert not falls or min(falls) >= 20, (seed, falls)
        reports = [e for e in events_of(state.log, "SupplyReport") if e.side == "defender" and e.turn == 12]
        assert reports and len(reports[0].out_of_supply) < len(reports[0].in_supply + reports[0].out_of_supply)
