"""A first-time defender's review (session 27, UI engineer A): go-to orders that march reinforcements on though
they went to ground, the end-of-phase reminder in the air and artillery phases, the hover on the unit's own hex
and on a hex its own units hold, the enemy-turn summary in the order it happened, the skipped artillery phase's
reason kept beside the go-to report, the roster closing on a choice, and what `--autoplay` says over a game the
player had played (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pytest

from engine.events import UnitDestroyed, UnitMoved, UnitRevealed
from engine.orders import EndPhase
from engine.rules import apply, new_game
from ui import goto_orders

SIZE = (1280, 800)


def app_of(state: Any, human: tuple[int, ...]) -> Any:
    from ui.app import App

    app = App(state, set(human), size=SIZE)
    app.show_lesson = False
    return app


def defender_at(shusha: Any, phase: str) -> Any:
    """A new Shusha game at the defender's `phase` of turn 1."""
    st = new_game(shusha, 0)
    while not (st.side == 1 and st.phase == phase):
        apply(st, EndPhase(st.side_name))
    return st


FAR = (12, 20)
"""A goal far beyond any defender unit's reach on turn 1 (arm_inf_7's hex, south-west of Shusha)."""


# ---------------------------------------------------------------------------------------------- 1. go-to
def test_a_go_to_given_in_view_marches_on_after_the_unit_went_to_ground(shusha, screen):
    st = defender_at(shusha, "air")
    app = app_of(st, (1,))
    tank = st.unit("arm_tank_1")
    assert not tank.hidden
    goal = st.map.idx(FAR)
    app.select("arm_tank_1")
    goto_orders.give(app, goal)  # (in the air phase: no first leg)
    assert goto_orders.goal_of(app.state, "arm_tank_1") == goal
    while app.state.phase != "movement":
        app.issue(EndPhase(app.state.side_name))
    tank = app.state.unit("arm_tank_1")
    tank.hidden = True  # it went to ground before its movement phase (as at a turn's end)
    app.state.bump()
    start = app.state.unit("arm_tank_1").idx
    app.status = "Enemy turn: you saw nothing of it"
    goto_orders.run_phase_start(app)
    moved = app.state.unit("arm_tank_1")
    assert moved.idx != start and moved.moved  # (it used to stop: "its next step ... would reveal it")
    assert goto_orders.goal_of(app.state, "arm_tank_1") == goal  # the order stands
    assert "out of hiding" in app.status
    assert any("revealed on its way" in n and "marches on" in n for n in app.report_notes)


def test_shift_click_marches_a_hidden_unit_that_cannot_move_unseen(shusha, screen):
    """arm_inf_2 sits hidden in Shusha; an infantry battalion cannot move unseen anyway, so "move it by hand"
    was the only way to march it (and the Cannot-move message offered Shift+click)."""
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    u = st.unit("arm_inf_2")
    assert u.hidden and not st.utype(u).infiltrates
    start = u.idx
    app.select("arm_inf_2")
    app.click_hex(st.map.idx(FAR), shift=True)
    assert app.state.unit("arm_inf_2").idx != start, app.status
    assert goto_orders.goal_of(app.state, "arm_inf_2") == st.map.idx(FAR)
    assert "would reveal" not in app.status


def test_a_stalled_go_to_of_a_hidden_unit_is_named_at_the_end_of_movement(shusha, screen):
    """An order that may not reveal its unit (an older save's) stops; the reminder named no hidden unit."""
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    goto_orders.orders(st)["arm_inf_2"] = list(FAR)  # (no OPEN_KEY entry: it is to stay hidden)
    assert app.in_hiding(st.unit("arm_inf_2"))
    goto_orders.run_phase_start(app)
    assert goto_orders.goal_of(app.state, "arm_inf_2") is None  # stopped: its first step reveals it
    assert "arm_inf_2" in app.idle_units()
    assert app.idle_units()[0] == "arm_inf_2"  # (named first)
    warn = app.idle_warning()
    assert app.names.name("arm_inf_2") + " - its go-to order did not move it" in warn


def test_the_go_to_open_marks_are_plans_dropped_with_the_order(shusha):
    st = defender_at(shusha, "movement")
    goto_orders.orders(st)["arm_tank_1"] = list(FAR)
    goto_orders.set_open(st, "arm_tank_1", True)
    assert st.extra[goto_orders.OPEN_KEY] == ["arm_tank_1"]
    goto_orders.clear(st, "arm_tank_1")
    assert goto_orders.OPEN_KEY not in st.extra  # (empty: left out, a game without such orders saves as before)
    goto_orders.set_open(st, "arm_tank_1", True)
    goto_orders.drop_plans(st)
    assert goto_orders.OPEN_KEY not in st.extra
    st.extra[goto_orders.OPEN_KEY] = ["nobody", 3]  # (a hand-edited save's junk is ignored)
    assert goto_orders.marching(st) == set()


# ---------------------------------------------------------------------------------------------- 2. air, artillery
def test_ending_the_air_phase_with_a_drone_that_could_fly_asks_first(shusha, screen):
    st = defender_at(shusha, "air")
    app = app_of(st, (1,))
    assert "arm_orlan" in app.able_units()
    app.end_phase()
    assert app.state.phase == "air"
    assert app.status.startswith("1 aircraft could still fly a sortie (")
    assert "press Space again to end the air phase" in app.status
    app.end_phase()
    assert app.state.phase != "air" or app.state.side != 1


def test_ending_the_artillery_phase_with_guns_that_could_fire_asks_first(shusha, screen, monkeypatch):
    st = defender_at(shusha, "artillery")
    app = app_of(st, (1,))
    monkeypatch.setattr(type(app), "able_units", lambda self: {"arm_how_1", "arm_how_2"})
    app.end_phase()
    assert app.state.phase == "artillery"
    assert app.status.startswith("2 batteries could still fire (")
    monkeypatch.setattr(type(app), "able_units", lambda self: set())
    assert app.idle_warning() == ""


# ---------------------------------------------------------------------------------------------- 3. own hex
def test_hovering_the_units_own_hex_does_not_offer_a_go_to(shusha, screen):
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    app.select("arm_tank_1")
    here = st.unit("arm_tank_1").idx
    words = goto_orders.hover_words(app, here)
    assert "orders it to go here" not in words and "is here" in words
    goto_orders.give(app, here)
    assert app.status.endswith("is there already")


# ---------------------------------------------------------------------------------------------- 4. time order
def _enemy_turn(st: Any) -> list[Any]:
    return [UnitRevealed.make(turn=1, side="attacker", unit="az_sf_1", hex=(27, 17), reason="fired"),
            UnitMoved.make(turn=1, side="attacker", unit="az_sf_1", path=[(27, 17), (27, 16)], cost=2.0),
            UnitDestroyed.make(turn=1, side="defender", unit="arm_inf_6", unit_type="infantry", hex=(22, 14),
                               cause="assault")]


def test_the_enemy_turn_summary_reads_in_the_order_it_happened(shusha, screen):
    st = defender_at(shusha, "air")
    app = app_of(st, (1,))
    s = app.enemy_turn_summary(len(st.log), _enemy_turn(st))
    revealed, moved, destroyed = s.find("revealed at (27,17)"), s.find("moves"), s.find("DESTROYED")
    assert -1 < revealed < moved < destroyed, s
    lines = [line for line, _ in app.report_lines()]
    rest = lines[lines.index("What you saw, in the order it happened"):]
    assert lines[1] == "Losses, the objective and the road" and "DESTROYED" in lines[2]
    assert "revealed at (27,17)" in rest[1] and "moves" in rest[2]


def test_a_short_status_keeps_the_most_important_first_chosen(shusha, screen):
    from ui.status import timeline_parts

    st = defender_at(shusha, "air")
    evs = _enemy_turn(st)
    got = timeline_parts(evs, st, fits=lambda parts: len(parts) < 2)  # (room for one: the destruction first)
    assert "DESTROYED" in got[0] and "revealed" in got[1] and "moves" in got[2]


# ---------------------------------------------------------------------------------------------- 5. skip note
def test_the_skipped_artillery_phase_stays_beside_the_go_to_report(shusha, screen):
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    goto_orders.orders(app.state)["arm_tank_1"] = list(FAR)  # (in view: its step reveals nothing)
    app.status = ("Orlan recon over (21,15) looked at 19 hexes | skipped the artillery phase (no gun in range of a "
                  "spotted enemy: nearest ...)")
    goto_orders.run_phase_start(app)
    assert "skipped the artillery phase (no gun in range" in app.status
    assert app.status.split(goto_orders.GOTO_NOTE)[1].startswith(app.names.short("arm_tank_1") + " to ")


# ---------------------------------------------------------------------------------------------- 6. held hex
def test_hovering_a_hex_own_units_hold_says_a_click_selects_them(shusha, screen):
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    app.select("arm_tank_1")
    mech = st.unit("arm_mech_1").idx
    dest = app.destinations()
    if mech not in dest:
        pytest.skip("the mechanised battalion's hex is not in the tank's reach")
    app.hover = mech
    tag = app.path_tag()
    assert tag[0].startswith("Click selects ") and app.names.short("arm_mech_1") in tag[0]
    assert tag[1].startswith("Ctrl+click moves here: ")
    app.click_hex(mech)
    assert app.selected == "arm_mech_1"  # (what the hover said)
    app.select("arm_tank_1")
    free = next(i for i in dest if i != st.unit("arm_tank_1").idx and not app.own_units_at(i))
    app.hover = free
    assert not app.path_tag()[0].startswith("Click selects")


# ---------------------------------------------------------------------------------------------- 7. roster
def test_choosing_a_unit_in_the_roster_closes_it(shusha, screen):
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    app.render(screen)
    app.toggle_roster()
    app.render(screen)
    assert app.gui.roster_win is not None and app.gui.roster_win.alive()
    app.select_from_roster("arm_inf_7")
    app.render(screen)
    assert app.selected == "arm_inf_7" and not app.show_roster
    assert app.gui.roster_win is None


# ---------------------------------------------------------------------------------------------- 8. autoplay
def test_autoplay_over_a_played_game_says_from_which_turn(shusha, screen):
    st = defender_at(shusha, "movement")
    app = app_of(st, (1,))
    app.run_ai_until(3)
    assert app.autoplay_status() == "After 2 turns autoplayed from turn 1 (you had played the defender until then)"
    fresh = app_of(new_game(shusha, 0), (1,))
    fresh.run_ai_until(2)
    assert fresh.autoplay_status() == "After 1 turn of AI vs AI play"


def test_a_hidden_infiltrator_whose_first_step_shows_it_is_asked_once(shusha, screen, monkeypatch):
    """An infiltrator ordered on while hidden keeps to cover; when even its first step gives it away, the order
    is asked about once, and the same Shift+click again gives it as an order that marches in the open."""
    from engine.view import SideView

    st = new_game(shusha, 0)
    while not (st.side == 0 and st.phase == "movement"):
        apply(st, EndPhase(st.side_name))
    app = app_of(st, (0,))
    uid = next(u.id for u in st.units if u.side == 0 and u.hidden and not u.offmap and st.utype(u).infiltrates)
    monkeypatch.setattr(SideView, "move_reveal", lambda self, unit, idx: "seen from the ridge")
    app.select(uid)
    goal = st.map.idx((21, 11))
    app.click_hex(goal, shift=True)
    assert goto_orders.goal_of(app.state, uid) is None and "Shift+click (or G) again" in app.status
    app.click_hex(goal, shift=True)
    assert app.state.unit(uid).moved, app.status  # (its first leg, at once)
    assert goto_orders.goal_of(app.state, uid) == goal and uid in goto_orders.marching(app.state)
    assert "keeps to cover" not in app.status
