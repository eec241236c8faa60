"""A go-to order whose way leaves the side's supply range says so before it is given (`goto.beyond_supply`).

A playtest's order sent a defender's motor-rifle company from Stepanakert for Chanakchi by the cheapest way, which
left supply at (30,14): on turn 4 the order stopped, "cut off from supply this turn", and nothing had said the way
went where no supply reaches."""

from __future__ import annotations

import math

from conftest import app_of, goto, shusha_scenario

from engine import goto as engine_goto
from engine.rules import new_game
from ui import goto_orders


def _defender_app():
    state = goto(new_game(shusha_scenario(), 3), "defender", "movement")
    app = app_of(state, (1,))
    app.autoskip = False
    return app


def test_the_order_and_the_hover_say_where_the_way_leaves_supply(screen):
    app = _defender_app()
    gm = app.state.map
    goal = gm.idx((28, 18))
    path = engine_goto.route(app.view, "arm_mech_1", goal)
    out = engine_goto.beyond_supply(app.view, path)
    reach = app.view.supply_reach()
    assert out is not None and out in path and not math.isfinite(reach[out])
    assert all(math.isfinite(reach[i]) for i in path[:path.index(out)])
    where = gm.describe(out)
    assert f"the way leaves your supply range at {where}" in goto_orders.plan_words(app, "arm_mech_1", goal)
    app.select("arm_mech_1")
    assert f"leaves your supply range at {where}" in goto_orders.hover_words(app, goal)


def test_a_way_within_supply_says_nothing_of_it(screen):
    app = _defender_app()
    u = app.state.unit("arm_mech_1")
    reach = app.view.supply_reach()
    gm = app.state.map
    # a goal a few hexes off whose whole way stays in supply
    for goal in sorted(range(gm.n), key=lambda i: (gm.distance(u.idx, i), i)):
        if gm.distance(u.idx, goal) < 4:
            continue
        path = engine_goto.route(app.view, "arm_mech_1", goal)
        if path and all(math.isfinite(reach[i]) for i in path):
            break
    assert engine_goto.beyond_supply(app.view, path) is None
    assert "supply range" not in goto_orders.plan_words(app, "arm_mech_1", goal)
