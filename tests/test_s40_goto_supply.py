"""A go-to order given again to a unit cut off from supply marches on (session 40's playtest: the attacker's
western hook to Lisagor stopped "cut off from supply this turn", and the order given again stopped again at once,
so the player walked every unit by hand)."""

from __future__ import annotations

from conftest import app_of, goto, shusha_scenario

from engine.rules import new_game
from ui import goto_orders


def _cut_off_app(turns_out: int):
    state = goto(new_game(shusha_scenario(), 3), "defender", "movement")
    app = app_of(state, (1,))
    app.autoskip = False
    u = app.state.unit("arm_mech_1")
    u.supplied = False
    u.turns_out_of_supply = turns_out
    app.state.touch()
    return app, u


def test_an_order_given_the_turn_a_unit_is_cut_off_takes_its_step(screen):
    app, u = _cut_off_app(1)
    start = u.idx
    app.select("arm_mech_1")
    goal = app.state.map.idx((28, 18))
    goto_orders.give(app, goal)
    now = app.state.unit("arm_mech_1")
    assert "cut off from supply" not in app.status
    assert now.idx != start and now.moved
    assert goto_orders.goal_of(app.state, "arm_mech_1") == goal


def test_an_order_standing_when_the_unit_is_cut_off_stops_and_says_how_to_go_on(screen):
    app, u = _cut_off_app(1)
    goal = app.state.map.idx((28, 18))
    goto_orders.orders(app.state)["arm_mech_1"] = list(app.state.map.hex_of(goal))
    said = goto_orders.run(app)
    assert any("cut off from supply this turn" in s and "Shift+click its goal again" in s for s in said), said
    assert goto_orders.goal_of(app.state, "arm_mech_1") is None
    assert app.state.unit("arm_mech_1").idx == u.idx
