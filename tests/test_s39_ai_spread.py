"""Session 39 (a player's playtest): the doctrine attacker takes an emptied town in one turn, not a hex a turn."""

from __future__ import annotations

import numpy as np
from conftest import add_unit, drop_units, goto, tiny_dict

from engine.ai.base import make_agent
from engine.orders import Move
from engine.rules import new_game
from engine.scenario import scenario_from_dict
from engine.view import SideView


def test_units_out_of_contact_make_for_different_empty_hexes_of_the_objective() -> None:
    """With the town emptied of defenders every attacker unit in and around it made for the same lowest-numbered
    town hex not held; three took it, the rest stood (the stack was full), and the town fell one hex a turn, three
    turns late. Each unit now makes for a hex of the objective no other unit is ordered into this phase
    (`DoctrineAgent._untaken`), while there is one."""
    doc = tiny_dict()
    del doc["victory"]["road_watch"]
    drop_units(doc, "arm_inf_1", "arm_inf_2", "arm_amb", "arm_ad", "az_sf", "az_mech", "az_tank")
    for k, h in enumerate([(4, 3), (4, 3), (4, 4)]):
        add_unit(doc, f"az_sf_{k}", "attacker", "special_forces", h)
    state = goto(new_game(scenario_from_dict(doc, source="spread"), 1), "attacker", "movement")
    orders = make_agent("doctrine", {})._plan(SideView(state, 0), np.random.default_rng(0))
    gm = state.map
    into = [o.to for o in orders if isinstance(o, Move) and gm.idx(o.to) in gm.objective_set]
    assert {(3, 3), (3, 4)} <= set(into), orders


def test_a_unit_does_not_leave_its_stack_for_a_hex_the_enemy_holds() -> None:
    """A reviewer: with a hex of the objective held by a known enemy left as a goal, once the one empty hex was
    claimed the next unit walked off alone toward the defended hex, next to the enemy; both now go into the empty
    hex together, as before the change."""
    doc = tiny_dict()
    del doc["victory"]["road_watch"]
    doc["objectives"][0]["hexes"] = [[3, 3], [3, 6]]
    drop_units(doc, "arm_inf_1", "arm_amb", "arm_ad", "az_sf", "az_mech", "az_tank")
    next(u for u in doc["units"] if u["id"] == "arm_inf_2")["hex"] = [3, 6]
    for k in range(2):
        add_unit(doc, f"az_sf_{k}", "attacker", "special_forces", (4, 3))
    state = goto(new_game(scenario_from_dict(doc, source="split"), 1), "attacker", "movement")
    view = SideView(state, 0)
    assert state.map.idx((3, 6)) in view.contact_hexes, "fixture: the defender is seen"
    orders = make_agent("doctrine", {})._plan(view, np.random.default_rng(0))
    assert sorted((o.unit, o.to) for o in orders if isinstance(o, Move)) == [("az_sf_0", (3, 3)), ("az_sf_1", (3, 3))]
