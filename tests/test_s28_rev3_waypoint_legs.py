"""Review of go-to waypoints (session 28): a leg from a waypoint is judged from the waypoint (an infiltrator's
cover-only way is the unit's, from where it stands), a leg closed by the weather alone is kept as a plain order is,
and the pace counts each waypoint as the end of a phase's move (the step heads for the waypoint and stops there)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import math

from conftest import goto, quiet_app

from engine import goto as eg
from engine.movement import distance_field
from ui import goto_orders


def test_a_leg_from_a_waypoint_out_of_cover_is_judged_from_the_waypoint(screen):
    from conftest import shusha_scenario

    from engine.rules import new_game

    st = new_game(shusha_scenario(), 1)
    goto(st, 0, "air")
    app = quiet_app(st)
    v, g, uid = app.view, st.map, "az_sf_1"
    a, b = g.idx((22, 25)), g.idx((25, 25))  # (b reached through cover from the start, not from a: a is open)
    assert eg._field_of(v, uid, b)[1] and not math.isfinite(float(eg.cover_field(
        g, "sf", b, 0, v.weather.precipitation, v.scenario, max_step=2.5)[a]))
    assert math.isfinite(float(distance_field(g, "sf", (b,), 0, v.weather.precipitation, v.scenario)[a]))
    app.select(uid)
    goto_orders.give(app, a)
    goto_orders.add_waypoint(app, b)
    assert goto_orders.via_of(st, uid) == [a] and goto_orders.goal_of(st, uid) == b, app.status
    assert eg.route(v, uid, b, start=a)[0] == a
