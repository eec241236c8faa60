"""No-go areas: sectors a side may not enter (fronts held by forces outside the scenario)."""

from __future__ import annotations

import pytest
from conftest import goto, tiny_dict, tiny_game, variant

from engine.errors import IllegalOrder, ScenarioError
from engine.movement import distance_field
from engine.orders import Move
from engine.rules import apply, legal_orders
from engine.scenario import scenario_from_dict


def _no_go(d: dict) -> None:
    d["sides"]["attacker"]["no_go"] = [{"name": "held front", "from": [0, 0], "to": [3, 7]}]


def test_no_go_area_refuses_moves_with_its_reason():
    state = goto(tiny_game(scen=variant(_no_go)), "attacker", "movement")
    gmap = state.map
    for o in legal_orders(state):
        if isinstance(o, Move):
            assert o.to[0] > 3, f"{o} enters the no-go area"
    mover = next(u for u in state.ground_units(0))
    with pytest.raises(IllegalOrder, match="may not enter"):
        apply(state, Move(mover.id, (1, 4)))
    assert gmap.no_go[0][gmap.idx((2, 3))] and not gmap.no_go[1][gmap.idx((2, 3))]


def test_no_go_area_shapes_ai_distance_fields():
    state = tiny_game(scen=variant(_no_go))
    gmap = state.map
    target = (gmap.idx((6, 4)),)
    restricted = distance_field(gmap, "foot", target, side=0)
    free = distance_field(gmap, "foot", target, side=1)
    assert (restricted[gmap.no_go[0]] == float("inf")).all()
    assert (free[gmap.no_go[0]] < float("inf")).any()


def test_unit_starting_in_its_no_go_area_is_a_scenario_error():
    d = tiny_dict()
    _no_go(d)
    d["units"].append({"id": "az_stray", "side": "attacker", "type": "infantry", "hex": [1, 1]})
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith(f"$.units[{len(d['units']) - 1}].hex") and "no-go" in p for p in ei.value.problems)


def test_no_go_area_off_the_map_is_reported_with_its_path():
    d = tiny_dict()
    d["sides"]["attacker"]["no_go"] = [{"name": "bad", "from": [0, 0], "to": [99, 2]}]
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith("$.sides.attacker.no_go[0].to") for p in ei.value.problems)
