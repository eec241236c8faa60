"""Session 26 play-test (a hex-wargame player's review): the enemy-turn report of a game opened from a save, which
unit of a stack a click selects, Tab when no unit can act, and how the panel lists drones outside the air phase
(dummy SDL video)."""

from __future__ import annotations

import copy
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import goto

from engine.orders import EndPhase
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict

SIZE = (1280, 800)
NO_REPORT = [("No enemy turn yet", True)]


def app_of(state: Any, human: set[int], **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=SIZE, **kw)
    app.show_lesson = False
    return app


# ------------------------------------------------------------------- 1: V after loading a save
def test_a_loaded_game_keeps_the_report_of_the_enemys_last_turn(shusha, screen, tmp_path):
    """V said "No enemy turn yet" at turn 18 of a loaded game (`--load` or Ctrl+O): the report is read again
    from the log, as it was when the enemy's half-turn ended."""
    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    while app.state.side not in app.human:  # the AI plays the attacker's half-turn
        app.update()
    live = app.report_lines()
    assert live != NO_REPORT and live[0][0].startswith("What you saw of the enemy's turn") and len(live) > 2
    path = tmp_path / "g.json"
    app.save(path)
    from engine.savegame import load_game

    opened = app_of(load_game(path, track_sightings=True), {1})  # `wargame play --load`
    assert opened.report_lines() == live
    other = app_of(new_game(shusha, 1, track_sightings=True), {1})
    other.load(path)  # Ctrl+O
    assert other.report_lines() == live
    app.render(screen)


def test_a_loaded_hotseat_game_reports_the_other_players_turn_when_the_curtain_lifts(shusha, screen, tmp_path):
    from ui.app import App

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    app = App(st, {0, 1}, hotseat=True, size=SIZE)
    path = tmp_path / "h.json"
    app.save(path)
    again = App(new_game(shusha, 0, track_sightings=True), {0, 1}, hotseat=True, size=SIZE)
    again.load(path)
    assert again.pass_screen
    again.curtain_at = None  # (no grace period to wait for)
    again.lift_curtain()
    assert again.view_side == 1 and again.status.startswith("Enemy turn:")
    assert again.report_lines() != NO_REPORT


def test_the_report_of_a_half_turn_stops_where_the_players_own_turn_began(shusha):
    """A game saved in the middle of the player's half-turn: the report is the enemy's, not the player's orders."""
    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
    app = app_of(st, {1})
    start, end = app.last_enemy_half_turn()
    log = st.log
    assert log[start].kind == "PhaseStarted" and log[start].side == "attacker" and log[start].phase == "air"
    assert log[end].kind == "PhaseStarted" and log[end].side == "defender" and log[end].phase == "air"
    assert all(getattr(ev, "side", "defender") != "defender" for ev in log[start:end] if ev.kind == "PhaseStarted")
    before = app.report_lines()
    moves = [o for o in app.view.legal_orders() if type(o).__name__ == "Move"]
    app.issue(moves[0])
    app.restore_report()
    assert app.report_lines() == before  # (the player's own move is not in it)
    assert app_of(new_game(shusha, 0, track_sightings=True), {0}).report_lines() == NO_REPORT  # turn 1: none


# ------------------------------------------------------------------- 2: a click on a stack
def shusha_with(shusha: Any, edit: Any, under: str = "az_how_1") -> Any:
    """Shusha with the attacker's tank company listed just before unit `under` (so the top of a stack with it)
    and placed by `edit(tank, other)` (their unit dicts)."""
    doc = copy.deepcopy(shusha.raw)
    units = doc["units"]
    how = next(u for u in units if u["id"] == under)
    tank = next(u for u in units if u["id"] == "az_tank_1")
    edit(tank, how)
    units.remove(tank)
    units.insert(units.index(how), tank)
    return new_game(scenario_from_dict(doc, source="stacked"), 0, track_sightings=True)


def test_a_click_on_a_stack_in_the_artillery_phase_selects_the_gun(shusha, screen):
    """A click on a gun under a tank company selected the tanks ("Only artillery fires in the artillery phase")."""
    st = goto(shusha_with(shusha, lambda t, h: t.update(hex=list(h["hex"]))), "attacker", "artillery")
    app = app_of(st, {0}, autoskip=False)
    idx = st.unit("az_how_1").idx
    assert [u.id for u in app.own_units_at(idx)] == ["az_tank_1", "az_how_1"]
    app.click_hex(idx)
    assert app.selected == "az_how_1"
    app.click_hex(idx)  # again: the next of the stack, as the help says
    assert app.selected == "az_tank_1"
    app.render(screen)


def test_a_click_on_a_stack_in_the_movement_phase_passes_over_the_unit_that_has_moved(shusha, screen):
    """The tanks moved onto a motor-rifle battalion's hex: a click there selected the tanks again, which can do
    nothing more, not the battalion that can still move."""
    def beside(t: dict[str, Any], h: dict[str, Any]) -> None:
        t["hex"] = [h["hex"][0] - 1, h["hex"][1]]

    st = goto(shusha_with(shusha, beside, "az_mr_1"), "attacker", "movement")
    app = app_of(st, {0}, autoskip=False)
    there = st.unit("az_mr_1").idx
    app.click_hex(st.unit("az_tank_1").idx)
    assert app.selected == "az_tank_1" and there in app.destinations()
    app.click_hex(there, ctrl=True)  # (Ctrl+click: onto a hex of one's own units)
    assert app.state.unit("az_tank_1").idx == there and app.state.unit("az_tank_1").moved
    app.select(None)
    assert [u.id for u in app.own_units_at(there)] == ["az_tank_1", "az_mr_1"]
    assert "az_mr_1" in app.able_units()
    app.click_hex(there)
    assert app.selected == "az_mr_1"
    app.render(screen)


# ------------------------------------------------------------------- 3: Tab when nothing can act
def test_tab_says_when_no_unit_can_act_in_the_phase(shusha, screen):
    """Tab went on through the units that could do nothing (no enemy in reach of an assault) without a word."""
    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "assault")
    app = app_of(st, {0}, autoskip=False)
    assert not app.able_units()
    app.on_key(pygame.K_TAB, 0)
    assert app.selected is not None
    assert "no unit of yours can act in this assault phase: Space ends it" in app.status
    st2 = goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement")
    app2 = app_of(st2, {0}, autoskip=False)
    app2.on_key(pygame.K_TAB, 0)
    assert app2.selected is not None and "no unit of yours can act" not in app2.status
    app.render(screen)


# ------------------------------------------------------------------- 4: drones outside the air phase
def test_drones_are_offered_for_selection_only_in_their_air_phase(shusha, screen):
    """The panel said "CAN FLY (click or Tab to select)" in the artillery phase, when Tab selects guns and no drone
    can fly until the next turn."""
    from ui import panels

    def own_air(app: Any) -> list[str]:
        return [t for t, _, uid in panels.air_lines(app) if uid is not None]

    st = new_game(shusha, 0, "clear", track_sightings=True)
    app = app_of(st, {0}, autoskip=False)
    assert all("CAN FLY - click to select" in t for t in own_air(app))
    defender = app_of(new_game(shusha, 0, "clear", track_sightings=True), {1}, autoskip=False)
    assert own_air(defender) and all("CAN FLY in this turn's air phase" in t for t in own_air(defender))
    apply(app.state, EndPhase("attacker"))
    assert app.state.phase == "artillery"
    lines = own_air(app)
    assert lines and all(panels.DID_NOT_FLY in t and "select" not in t for t in lines)
    app.render(screen)
    w = panels.Writer(app, screen, app.panel_rect, measure=True)
    texts: list[str] = []
    w.line = lambda s, *a, **kw: texts.append(s) or pygame.Rect(0, 0, 0, 0)  # type: ignore[method-assign]
    panels._aircraft(app, w, 2)
    assert not any("Tab to select" in s for s in texts) and any(s.startswith(panels.DID_NOT_FLY) for s in texts)


def test_the_defenders_drone_is_not_said_to_have_flown_during_the_attackers_next_half_turn(shusha, screen):
    """Its `fired` mark is the last turn's until its side's half-turn begins: the panel said "has flown this
    turn" of a drone that had not flown in it yet."""
    from engine.orders import Recon
    from ui import panels

    st = goto(new_game(shusha, 0, "clear", track_sightings=True), "defender", "air")
    apply(st, Recon("arm_orlan", (24, 13)))
    app = app_of(st, {1}, autoskip=False)
    mine = [t for t, _, uid in panels.air_lines(app) if uid == "arm_orlan"]
    assert mine and panels.FLOWN in mine[0]
    goto(st, "attacker", "air")
    assert st.turn == 2 and st.unit("arm_orlan").fired  # (the mark of turn 1)
    mine = [t for t, _, uid in panels.air_lines(app) if uid == "arm_orlan"]
    assert panels.LATER in mine[0] and panels.FLOWN not in mine[0]
    app.render(screen)


# ------------------------------------------------------------------- 5: the hint of a phase with nothing in it
def test_the_phase_hint_of_a_side_without_aircraft_or_guns_says_so(screen):
    """The ravine-ambush lesson has no aircraft: its air phase said "click an aircraft's line above (or press
    Tab)", under "No aircraft in this scenario"."""
    from conftest import ROOT

    from engine.scenario import load_scenario
    from ui import panels

    scen = load_scenario(ROOT / "scenarios" / "lessons" / "ambush.json")
    app = app_of(new_game(scen, 1, track_sightings=True), {0}, autoskip=False)
    assert app.state.phase == "air"
    for short in (False, True):
        hint = panels.phase_hint(app, short)
        assert "you have no aircraft" in hint and "click an aircraft" not in hint and "Space ends" in hint
    apply(app.state, EndPhase("attacker"))
    assert "you have no artillery" in panels.phase_hint(app) and "select a gun" not in panels.phase_hint(app)
    apply(app.state, EndPhase("attacker"))
    assert "click one of your counters" in panels.phase_hint(app)  # (the movement phase as before)
    app.render(screen)


def test_a_phase_skipped_for_want_of_aircraft_or_guns_says_so(screen):
    """The report's "Your turn so far" said "Skipped the air phase (nothing to order)" for a side with no aircraft."""
    from conftest import ROOT

    from engine.scenario import load_scenario

    scen = load_scenario(ROOT / "scenarios" / "lessons" / "ambush.json")
    app = app_of(new_game(scen, 1, track_sightings=True), {0})
    assert not app.own_aircraft()
    app.update()  # (the air phase: skipped)
    app.update()  # (the artillery phase: skipped)
    assert app.state.phase == "movement"
    assert app.report_notes[:2] == ["Skipped the air phase (you have no aircraft)",
                                    "Skipped the artillery phase (you have no artillery)"]
    app.render(screen)


# ------------------------------------------------------------------- 6: Load… over a game with unsaved orders
def test_loading_another_game_keeps_the_one_left_with_orders_not_saved(shusha, screen, tmp_path):
    """Load… replaced a game with a turn's moves not saved, and they were gone without a word."""
    from engine.orders import Move
    from engine.savegame import load_game

    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement")
    auto = tmp_path / "auto.json"
    app = app_of(st, {0}, autosave_path=auto)
    path = tmp_path / "g.json"
    app.save(path)
    assert app.load(path) is None and "kept in" not in app.status  # (nothing unsaved: nothing to keep)
    move = next(o for o in app.view.legal_orders() if isinstance(o, Move))
    app.issue(move)
    assert app.unsaved()
    app.load(path)
    left = tmp_path / "auto_left.json"
    assert f"the game you left (orders not saved) is kept in {left}" in app.status
    kept = load_game(left)
    assert len(kept.orders) == len(load_game(path).orders) + 1 and kept.orders[-1] == move
    assert app.autosaved is None and not app.unsaved()  # (the console's last word is about the game on screen)
    assert not auto.exists()  # (the autosave itself is the game on screen's, at the end)
    for _ in range(2):  # reloading again and again: one file, the last game left
        app.issue(next(o for o in app.view.legal_orders() if isinstance(o, Move) and o != move))
        app.load(path)
    assert sorted(f.name for f in tmp_path.iterdir()) == ["auto_left.json", "g.json"]
    assert load_game(left).orders[-1] != move
    app.render(screen)


def test_a_load_that_cannot_keep_the_game_left_is_held_back_once(shusha, screen, tmp_path):
    """A review: when the game left could not be written anywhere, Load… went ahead and its unsaved orders were
    lost, said only at the end of the status line. Now held back once, as a quit that cannot save is."""
    from engine.orders import Move

    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement")
    (tmp_path / "afile").write_text("x")
    app = app_of(st, {0}, autosave_path=tmp_path / "afile" / "auto.json")  # (a folder that is a file)
    app.autosave_fallbacks = []
    path = tmp_path / "g.json"
    app.save(path)
    app.issue(next(o for o in app.view.legal_orders() if isinstance(o, Move)))
    before = len(app.state.orders)
    app.load(path)
    assert app.status.startswith("Not loaded") and "Load… again" in app.status
    assert len(app.state.orders) == before  # the game on screen is still this one
    app.load(path)
    assert len(app.state.orders) == before - 1 and "NOT saved" in app.status
    app.render(screen)


# ------------------------------------------------------------------- 7: a click on an enemy stack
def test_a_click_on_an_enemy_stack_names_every_unit_in_it(shusha, screen, monkeypatch):
    """A click on two enemy units said "Enemy Infantry (reservists/volunteers) (strength 3) at (21,10) Shusha",
    the second (a mechanised battalion) unsaid; the hover panel listed both."""
    from types import SimpleNamespace

    app = app_of(new_game(shusha, 0, track_sightings=True), {0}, autoskip=False)
    idx = app.state.map.idx((21, 10))
    two = [SimpleNamespace(type="infantry", strength=3, id="a"), SimpleNamespace(type="mech_infantry", strength=2,
                                                                                   id="b")]
    monkeypatch.setattr(app, "contacts_at", lambda i: two if i == idx else [])
    app.click_hex(idx)
    table = app.state.scenario.unit_table
    assert app.status == (f"2 enemy units at (21,10) Shusha: {table['infantry'].label} (strength 3); "
                          f"{table['mech_infantry'].label} (strength 2)")
    assert app.enemy_here(two[:1], idx) == f"Enemy {table['infantry'].label} (strength 3) at (21,10) Shusha"
    app.render(screen)


# ------------------------------------------------------------------- 8: after the game's end
def test_after_the_end_space_says_the_game_is_over_and_a_click_shows_a_unit(shusha, screen):
    """Space after the end said "Wait: it is not your turn"; a click on a unit did nothing (Tab selected one)."""
    from ui import goto_orders, panels

    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    app.run_ai_until(shusha.turns + 1)
    o = app.state.outcome
    assert o is not None
    app.render(screen)
    app.on_key(pygame.K_ESCAPE, 0)  # (the game-over window)
    app.on_key(pygame.K_SPACE, 0)
    assert app.status.startswith(f"The game is over: the {o.winner} won on turn {o.turn}")
    u = next(u for u in app.view.own if u.active and not u.offmap)
    app.click_hex(u.idx)
    assert app.selected == u.id and not app.pending
    assert panels.unit_hint(app, u, app.state.utype(u)) == "The game is over."
    n = len(app.state.orders)
    beside = next(i for i in sorted(app.state.map.neighbour_sets[u.idx]) if not app.own_units_at(i))
    app.click_hex(beside)
    app.select(u.id)
    app.click_hex(beside, shift=True)  # (no go-to order either)
    assert len(app.state.orders) == n and not goto_orders.side_orders(app.state, app.view_side)
    app.render(screen)


# ------------------------------------------------------------------- 9: the idle warning and units in hiding
def test_the_idle_warning_leaves_out_hidden_units_that_any_move_would_give_away(shusha, screen):
    """The defender was told "13 units have not moved" every turn, most of them ambush parties for which every
    move would end their hiding."""
    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
    app = app_of(st, {1}, autoskip=False)
    able = app.able_units()
    hiding = sorted(u for u in able if app.in_hiding(st.unit(u)))
    assert "arm_inf_4" in hiding and len(hiding) >= 4
    for uid in hiding:  # (the engine's own word: every reachable hex reveals it)
        v = app.view
        assert all(v.move_reveal(uid, i) is not None for i in v.destinations(uid) if i != st.unit(uid).idx)
    named = app.idle_units()
    assert named and not set(hiding) & set(named)
    assert not app.in_hiding(st.unit(named[0]))
    # an infiltrator that can slip away unseen is still named
    att = goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement")
    a = app_of(att, {0}, autoskip=False)
    sf = [u for u in a.idle_units() if att.unit(u).hidden]
    assert sf and all(any(a.view.move_reveal(u, i) is None for i in a.view.destinations(u) if i != att.unit(u).idx)
                      for u in sf)
    app.render(screen)


def test_after_autoplay_the_report_is_of_the_enemys_last_turn(shusha, screen):
    """`--autoplay N`: V said "No enemy turn yet" at turn N+1."""
    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    app.run_ai_until(4)
    assert app.state.turn == 4 and app.state.side == 0  # (stopped at the start of a turn: the attacker's)
    assert app.report_lines() == NO_REPORT  # (the defender's view: the attacker is still to play)
    app = app_of(new_game(shusha, 0, track_sightings=True), {0})
    app.run_ai_until(4)
    lines = app.report_lines()
    assert lines != NO_REPORT and lines[0][0] == "What you saw of the enemy's turn (before your turn 4)"
    app.render(screen)


def test_enter_with_nothing_to_confirm_says_so(shusha, screen):
    """Enter with no order previewed (and no keyboard cursor) did nothing, without a word."""
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement"), {0}, autoskip=False)
    n = len(app.state.orders)
    app.on_key(pygame.K_RETURN, 0)
    assert app.status.startswith("Nothing to confirm") and len(app.state.orders) == n
    app.render(screen)
