"""Session 21, a scenario author's review: the doctrine AI on a map it was not written for.

- With no `victory.road_watch` there is no road to cut: the attacker goes for the objective at once (its
  followers hung back behind the leaders for the whole game: 2% attacker wins against 52% with a road).
- A follower no longer stops one hex short of an empty objective hex because that hex is next to an enemy.
- A defender unit alone in a hex of the objective does not assault out of it (the win advanced it into the
  open and left the town hex empty)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import drop_units, goto, move_unit, tiny_dict

from engine.ai.base import make_agent
from engine.orders import END_PHASE, Assault
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict
from engine.units import SIDES
from engine.view import SideView


def _phase_orders(state, side: str, phase: str) -> list:
    """The doctrine's orders for `side`'s `phase`, applied one by one as a game applies them."""
    goto(state, side, phase)
    agent = make_agent("doctrine")
    rng = np.random.default_rng(0)
    orders = []
    while state.side_name == side and state.phase == phase and state.outcome is None:
        order = agent.choose(SideView(state, state.side), rng)
        orders.append(order)
        apply(state, order)
    return orders


def _doc(road_watch: bool):
    doc = tiny_dict()
    if not road_watch:
        del doc["victory"]["road_watch"]
    drop_units(doc, "az_sf", "arm_inf_2", "arm_amb", "az_tank")
    move_unit(doc, "arm_inf_1", (3, 3), hidden=False)
    move_unit(doc, "az_mech", (5, 4))
    return doc


def test_without_a_road_to_cut_a_follower_takes_the_empty_objective_hex_next_to_the_enemy():
    state = new_game(scenario_from_dict(_doc(road_watch=False)), 1)
    _phase_orders(state, "attacker", "movement")
    mech = state.unit("az_mech")
    assert state.map.hex_of(mech.idx) == (3, 4), state.map.hex_of(mech.idx)
    assert state.control[state.map.idx((3, 4))] == SIDES.index("attacker")


def _garrison_doc(stacked: bool):
    doc = tiny_dict()
    drop_units(doc, "az_mech", "arm_amb", "az_tank")
    move_unit(doc, "arm_inf_1", (3, 3), hidden=False)
    move_unit(doc, "arm_inf_2", (3, 3) if stacked else (0, 0), hidden=False)
    move_unit(doc, "az_sf", (4, 2), strength=1, hidden=False)  # next to (3,3), outside the town: a weak target
    return doc


def test_a_lone_garrison_does_not_assault_out_of_the_town():
    stacked = new_game(scenario_from_dict(_garrison_doc(stacked=True)), 1)
    out = [o for o in _phase_orders(stacked, "defender", "assault") if isinstance(o, Assault)]
    assert out, "the odds must tempt a garrison with company: else the test shows nothing"
    lone = new_game(scenario_from_dict(_garrison_doc(stacked=False)), 1)
    assert not [o for o in _phase_orders(lone, "defender", "assault") if isinstance(o, Assault)]


@pytest.mark.parametrize("ambush_at", [None, (1, 1)])
def test_a_blocked_reinforcement_arrives_out_of_the_enemys_reach_and_the_log_says_so(ambush_at):
    """An author placed a reinforcement on a hex an enemy unit held: it appeared in the enemy's town next to its
    garrison and took the hex, and the log said only "arrives at (2,4)". `ambush_at`: an enemy next to the
    first hex 2 away (a review: only distance 1 was kept out of the enemy's reach, and next to an enemy on the
    entry hex every hex at distance 1 is in its zone of control)."""
    from engine.events import event_from_dict, event_to_dict, event_to_json

    doc = tiny_dict()
    move_unit(doc, "arm_inf_2", (0, 0))  # (3,4): an empty hex of the town, the defender's
    if ambush_at is not None:
        move_unit(doc, "arm_amb", ambush_at)
    doc["units"].append({"id": "az_late", "side": "attacker", "type": "motor_rifle", "hex": [3, 3],
                         "arrives_turn": 2})  # on arm_inf_1
    state = new_game(scenario_from_dict(doc), 1)
    while state.turn < 2:
        apply(state, END_PHASE[state.side_name])
    arrived = [e for e in state.log if e.kind == "ReinforcementArrived" and e.unit == "az_late"]
    assert len(arrived) == 1
    ev = arrived[0]
    gm = state.map
    here = gm.idx(ev.hex)
    assert ev.entry_hex == (3, 3) and "was blocked" in ev.text()
    assert here not in state.zone_of(SIDES.index("defender")) and here not in gm.objective_set
    assert gm.distance(here, gm.idx((3, 3))) <= 3
    assert event_from_dict(event_to_dict(ev)) == ev
    # an arrival where the scenario says keeps its old log line (the golden Shusha logs check it too)
    plain = type(ev).make(turn=2, side="attacker", unit="u", hex=(1, 2))
    assert event_to_json(plain) == '{"kind":"ReinforcementArrived","turn":2,"side":"attacker","unit":"u","hex":[1,2]}'
