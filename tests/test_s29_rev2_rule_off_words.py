"""With fire on suspected positions off, the refusal speaks of the rule only where the side holds a last-seen mark
(`SideView.last_seen`): not where it saw the unit destroyed."""

from __future__ import annotations

from conftest import goto, unit_spec
from test_s29_suspected_fire import TOWN, _doc

from engine.orders import Fire
from engine.rules import apply, check, new_game
from engine.scenario import scenario_from_dict
from engine.view import observe


def test_a_hex_where_the_side_saw_the_unit_destroyed_reads_as_any_empty_hex():
    d = _doc(hit_min=1.0, hit_max=1.0)
    unit_spec(d, "arm_inf_2")["strength"] = 2
    state = goto(new_game(scenario_from_dict(d), 2, track_sightings=True), "attacker", "artillery")
    apply(state, Fire("az_art", TOWN))  # (seen on turn 1: destroyed by 2 sure hits)
    assert state.unit("arm_inf_2").strength == 0
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    assert "arm_inf_2" not in {m.id for m in observe(state, 0).last_seen}
    assert check(state, Fire("az_art", TOWN)) == "no known enemy at (3,4)"
