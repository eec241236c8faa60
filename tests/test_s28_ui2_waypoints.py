"""Go-to waypoints (Shift+G, session 28 playtest): a further leg of a go-to order, the old goal becoming a
waypoint the unit passes first; drawn through, followed leg by leg, kept in saves beside the orders, cancelled
with them (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import goto, tiny_game

from ui import goto_orders

SIZE = (1280, 800)


def app_at(phase: str) -> Any:
    from ui.app import App

    st = tiny_game(seed=2)
    goto(st, 0, phase)
    app = App(st, {0}, size=SIZE)
    app.show_lesson = False
    app.update()
    return app


def press(app: Any, key: int, mod: int = 0) -> None:
    app.on_key(key, mod)


def order_with_waypoint(app: Any) -> tuple[int, int]:
    st = app.state
    a, b = st.map.idx((9, 2)), st.map.idx((6, 4))
    app.select("az_tank")
    app.hover = a
    press(app, pygame.K_g)
    app.select("az_tank")
    app.hover = b
    press(app, pygame.K_g, pygame.KMOD_SHIFT)
    return a, b


def test_shift_g_adds_a_leg_and_the_route_is_drawn_through_the_waypoint(screen):
    app = app_at("air")
    a, b = order_with_waypoint(app)
    st = app.state
    assert goto_orders.goal_of(st, "az_tank") == b
    assert goto_orders.via_of(st, "az_tank") == [a]
    assert st.extra[goto_orders.VIA_KEY] == {"az_tank": [[9, 2]]}
    assert "via (9,2)" in app.status and "Going to (6,4)" in app.status
    app.select("az_tank")
    app.render(screen)
    path, goal = goto_orders.planned_route(app)
    assert goal == b and a in path and path[0] == st.unit("az_tank").idx and path[-1] == b
    assert path.index(a) > 0  # through the waypoint, not round it
    # without an order, Shift+G is a plain go-to order
    app.select("az_mech")
    app.hover = b
    press(app, pygame.K_g, pygame.KMOD_SHIFT)
    assert goto_orders.goal_of(st, "az_mech") == b and goto_orders.via_of(st, "az_mech") == []


def test_the_unit_heads_for_the_waypoint_first_and_the_order_survives_save_and_load(tmp_path, screen):
    from engine.orders import EndPhase

    app = app_at("air")
    a, b = order_with_waypoint(app)
    st = app.state
    start = st.unit("az_tank").idx
    d_a0, d_b0 = st.map.distance(start, a), st.map.distance(start, b)
    app.autoskip = False
    for _ in range(2):  # air, artillery: on to the movement phase, where the order runs
        app.issue(EndPhase(app.state.side_name))
    app.update()
    st = app.state
    assert st.phase == "movement"
    u = st.unit("az_tank")
    assert u.moved and st.map.distance(u.idx, a) < d_a0 and st.map.distance(u.idx, b) > d_b0 - 1  # north first
    assert u.idx == a and goto_orders.via_of(st, "az_tank") == []  # waypoint passed: the next leg is the goal
    assert "(waypoint passed)" in app.status and goto_orders.goal_of(st, "az_tank") == b
    p = tmp_path / "w.json"
    app.save(p)
    from ui.app import App

    app2 = App(tiny_game(seed=9), {0}, size=SIZE)
    app2.show_lesson = False
    app2.load(p)
    assert goto_orders.goal_of(app2.state, "az_tank") == b
    assert goto_orders.via_of(app2.state, "az_tank") == goto_orders.via_of(st, "az_tank")


def test_backspace_cancels_the_waypoints_with_the_order_and_a_bad_entry_is_dropped_on_load(screen):
    app = app_at("air")
    order_with_waypoint(app)
    app.select("az_tank")
    press(app, pygame.K_BACKSPACE)
    assert goto_orders.goal_of(app.state, "az_tank") is None
    assert goto_orders.VIA_KEY not in app.state.extra  # (left out while empty: saves as before)
    st = app.state
    st.extra[goto_orders.GOTO_KEY] = {"az_tank": [6, 4]}
    st.extra[goto_orders.VIA_KEY] = {"az_tank": [[99, 99]], "az_mech": [[1, 1]]}
    notes = goto_orders.drop_bad(st)
    assert len(notes) == 2 and goto_orders.VIA_KEY not in st.extra
    assert goto_orders.goal_of(st, "az_tank") == st.map.idx((6, 4))


def test_a_waypoint_leg_with_no_way_is_refused(screen):
    app = app_at("air")
    st = app.state
    app.select("az_tank")
    app.hover = st.map.idx((9, 2))
    press(app, pygame.K_g)
    ravine = st.map.idx((5, 6))  # (the tiny map's ravine: 8 MP for a tank's 6)
    app.hover = ravine
    press(app, pygame.K_g, pygame.KMOD_SHIFT)
    assert "cannot go on from (9,2) to (5,6): entering ravine at (5,6) costs 8 MP" in app.status
    assert goto_orders.via_of(st, "az_tank") == [] and goto_orders.goal_of(st, "az_tank") == st.map.idx((9, 2))
