"""Standing go-to orders in the UI (a player's review, session 22, finding 7): given with Shift+click or G,
carried out at the start of each of the player's movement phases through the normal order path, cancelled with
Backspace or a move by hand, kept in saves, never run on the AI's turn (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import app_of, goto, tiny_game

from engine.orders import EndPhase, Move
from ui import goto_orders

SIZE = (1280, 800)



def at_movement(side: int = 0) -> Any:
    st = tiny_game(seed=2)
    goto(st, side, "movement")
    return st


def to_next_own_movement(app: Any) -> None:
    """End the player's phases, let the AI play, until the player's next movement phase has started (and its
    standing orders have run)."""
    t = app.state.turn
    for _ in range(200):
        st = app.state
        if st.turn > t and app.my_turn() and st.phase == "movement":
            break
        if app.my_turn():
            app.issue(EndPhase(st.side_name))
        app.update()
    app.update()


def test_shift_click_gives_the_order_and_takes_the_first_step_now(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    st = app.state
    start = st.unit("az_sf").idx
    goal = st.map.idx((8, 7))
    assert goal not in app.view.destinations("az_sf")  # beyond this turn's reach
    app.select("az_sf")
    words = goto_orders.hover_words(app, goal)
    assert "Shift+click or G orders it to go here (2 turns at this pace, counting this one)" in words
    app.click_hex(goal, shift=True)
    assert st.extra[goto_orders.GOTO_KEY] == {"az_sf": [8, 7]}
    # counted from where the first step left it, as the panel beside it counts (it said 2, the panel 1)
    assert "Going to (8,7): 1 turn at this pace" in app.status and "Backspace cancels" in app.status
    assert goto_orders.plan_words(app, "az_sf", goal) in app.status
    u = app.state.unit("az_sf")
    assert u.idx != start and u.moved  # the first step, this phase, as a Move order
    assert app.state.orders[-1].kind == "Move" and app.state.orders[-1].unit == "az_sf"
    assert app.undo_stack  # undoable as a click's move is
    # drawn: the route for the selected unit to its goal
    app.render(screen)
    route = goto_orders.planned_route(app)
    assert route is not None and route[0][0] == u.idx and route[0][-1] == goal


def test_the_order_moves_the_unit_on_at_the_next_movement_phase_until_it_arrives(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    app.select("az_sf")
    goal = app.state.map.idx((8, 7))
    app.click_hex(goal, shift=True)
    n_orders = len(app.state.orders)
    to_next_own_movement(app)
    st = app.state
    assert st.phase == "movement" and st.side == 0
    moved = [o for o in st.orders[n_orders:] if o.kind == "Move" and o.unit == "az_sf"]
    assert len(moved) == 1 and st.unit("az_sf").idx == goal
    assert "az_sf arrived at (8,7)" in app.status
    assert goto_orders.goal_of(st, "az_sf") is None  # done: cleared
    assert any(e.kind == "UnitMoved" and e.unit == "az_sf" and e.turn == st.turn for e in st.log)


def test_a_move_cut_short_by_a_hidden_enemy_ends_the_order_with_the_reason(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    app.select("az_tank")
    app.click_hex(app.state.map.idx((1, 6)), shift=True)
    assert goto_orders.goal_of(app.state, "az_tank") is None
    assert "az_tank stopped: move cut short" in app.status
    assert any("Go-to order of az_tank ended" in n for n in app.report_notes)


def test_an_enemy_known_within_two_hexes_stops_the_order_before_it_moves(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    app.select("az_tank")
    app.click_hex(app.state.map.idx((1, 6)), shift=True)  # cut short next to the town: enemies now known
    assert app.view.contacts
    app.state.extra[goto_orders.GOTO_KEY] = {"az_tank": [1, 6]}  # ordered on regardless
    n = len(app.state.orders)
    to_next_own_movement(app)
    st = app.state
    assert st.unit("az_tank").strength > 0  # (seed 2: it lives to see its next movement phase)
    assert goto_orders.goal_of(st, "az_tank") is None
    assert "az_tank stopped:" in app.status and "known" in app.status and " away at " in app.status
    assert "hex(es)" not in app.status
    assert not any(o.kind == "Move" and o.unit == "az_tank" for o in st.orders[n:])


def test_backspace_cancels_and_a_move_by_hand_cancels(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    st = app.state
    app.select("az_mech")
    st.extra[goto_orders.GOTO_KEY] = {"az_mech": [0, 0]}
    app.on_key(pygame.K_BACKSPACE, 0)
    assert goto_orders.goal_of(app.state, "az_mech") is None and "cancelled" in app.status
    st.extra[goto_orders.GOTO_KEY] = {"az_mech": [0, 0]}
    dest = next(iter(app.destinations()))
    app.click_hex(dest)
    assert app.state.unit("az_mech").idx == dest
    assert goto_orders.goal_of(app.state, "az_mech") is None and "go-to order" in app.status


def test_g_key_orders_the_hex_under_the_mouse(screen):
    app = app_of(at_movement(), (0,))
    app.update()
    app.select("az_sf")
    app.hover = app.state.map.idx((8, 7))
    app.on_key(pygame.K_g, 0)
    assert goto_orders.goal_of(app.state, "az_sf") == app.state.map.idx((8, 7))
    assert "Going to (8,7)" in app.status


def test_standing_orders_survive_save_and_load(tmp_path, screen):
    app = app_of(at_movement(), (0,))
    app.update()
    app.select("az_sf")
    app.click_hex(app.state.map.idx((8, 7)), shift=True)
    p = tmp_path / "g.json"
    app.save(p)
    app2 = app_of(tiny_game(seed=9), (0,))
    app2.load(p)
    assert goto_orders.goal_of(app2.state, "az_sf") == app2.state.map.idx((8, 7))
    assert app2.state.log == app.state.log  # the orders' moves are plain moves: replayed exactly


def test_no_auto_move_on_the_ai_turn_nor_for_the_other_side(monkeypatch, screen):
    """The AI's own units are never moved by standing orders (it has its own plans), and the runs happen only
    in the human's movement phase."""
    st = tiny_game(seed=2)
    app = app_of(st, (0,))
    st.extra[goto_orders.GOTO_KEY] = {"arm_art": [9, 7]}  # an AI unit's "order": must never be run
    calls: list[tuple[int, str]] = []
    real = goto_orders.run_phase_start

    def spy(a: Any) -> None:
        calls.append((a.state.side, a.state.phase))
        real(a)

    monkeypatch.setattr(goto_orders, "run_phase_start", spy)
    for _ in range(3):
        to_next_own_movement(app)
    assert calls and all(c == (0, "movement") for c in calls)
    assert goto_orders.goal_of(app.state, "arm_art") is not None  # untouched by the UI


def test_no_auto_move_in_hotseat_for_the_player_not_at_the_screen(screen):
    st = at_movement(side=1)
    st.extra[goto_orders.GOTO_KEY] = {"az_sf": [8, 7]}
    app = app_of(st, (0, 1), hotseat=True)
    app.update()  # the defender's movement phase, the defender at the screen

    def sf_moves() -> int:
        return sum(o.kind == "Move" and o.unit == "az_sf" for o in app.state.orders)

    assert sf_moves() == 0
    goto(app.state, 0, "movement")  # (for the test: on to the attacker's movement phase)
    app.update()
    assert app.pass_screen and sf_moves() == 0  # the curtain: nothing runs before the attacker has the screen
    app.update()
    assert sf_moves() == 0
    app.dismiss_pass()
    app.update()
    assert sf_moves() == 1 and "az_sf to" in app.status


def test_undo_keeps_the_plans_made_since_for_other_units(screen):
    """A reviewer: a hold mark (K) set on another unit after a move was lost when the move was undone."""
    app = app_of(at_movement(), (0,))
    app.update()
    st = app.state
    start = st.unit("az_sf").idx
    dest = sorted(app.view.destinations("az_sf"))
    app.issue(Move("az_sf", st.map.hex_of(dest[0])), undoable=True)
    assert app.undo_stack
    other = next(u.id for u in app.state.units if u.side == 0 and u.id != "az_sf" and u.arrived)
    goto_orders.set_hold(app.state, other, True)
    goto_orders.orders(app.state)[other] = [8, 7]
    app.undo()
    assert other in goto_orders.held(app.state) and goto_orders.goal_of(app.state, other) is not None
    assert app.state.unit("az_sf").idx == start  # the move itself is undone
