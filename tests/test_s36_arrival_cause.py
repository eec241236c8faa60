"""A reinforcement that cannot arrive at its entry hex says why (`ReinforcementArrived.blocked`): a player read
"blocked (an enemy unit or a full stack)" as an enemy at the hex its own full stack held."""

from __future__ import annotations

import json

from conftest import tiny_dict

from engine.events import ReinforcementArrived, event_from_dict, event_to_dict, event_to_json
from engine.orders import END_PHASE
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict


def _arrival(doc: dict) -> ReinforcementArrived:
    state = new_game(scenario_from_dict(doc), 1)
    while state.turn < 2:
        apply(state, END_PHASE[state.side_name])
    (ev,) = [e for e in state.log if isinstance(e, ReinforcementArrived) and e.unit == "az_late"]
    return ev


def test_an_entry_hex_its_own_full_stack_holds_is_named_so() -> None:
    doc = tiny_dict()
    doc["stack_limit"] = 1
    start = next(u for u in doc["units"] if u["side"] == "attacker")["hex"]
    doc["units"].append({"id": "az_late", "side": "attacker", "type": "motor_rifle", "hex": start,
                         "arrives_turn": 2})
    ev = _arrival(doc)
    assert ev.blocked == "own stack" and tuple(ev.entry_hex) == tuple(start)
    assert "held a full stack of the attacker's own units" in ev.text() and "enemy unit" not in ev.text()
    assert event_from_dict(event_to_dict(ev)) == ev


def test_logs_before_the_cause_read_as_they_did() -> None:
    old = {"kind": "ReinforcementArrived", "turn": 2, "side": "attacker", "unit": "u", "hex": [1, 2],
           "entry_hex": [1, 1]}
    ev = event_from_dict(old)
    assert ev.blocked == "" and "was blocked (an enemy unit or a full stack)" in ev.text()
    assert json.loads(event_to_json(ev)) == old  # (no "blocked" key: the line as it was written)
