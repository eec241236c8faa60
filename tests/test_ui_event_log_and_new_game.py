"""A player's review (session 20): the event log's routine reports (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path

import pygame
from conftest import panel_lines

from engine.events import routine
from engine.rules import new_game
from engine.scenario import load_scenario

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


def test_key_f_leaves_the_routine_reports_out_of_the_log_and_back(screen):
    """A third of a game's log was units going to ground, aircraft that can fly and phase markers."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 3, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = False
    app.run_ai_until(6)
    app.render(screen)
    app.gui._sync_log(force=True)
    everything = app.gui.shown_log_indices()
    log = app.state.log
    assert any(routine(log[k]) for k in everything)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_f, mod=0, unicode="f"))
    assert app.log_key_only and "key events only" in app.gui.log_title.text
    app.gui._sync_log(force=True)
    key_only = app.gui.shown_log_indices()
    assert key_only and not any(routine(log[k]) for k in key_only)
    assert set(key_only) == {k for k in everything if not routine(log[k], "defender")}  # (tests/test_events.py:
    # what is routine, the exceptions)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_f, mod=0, unicode="f"))
    app.gui._sync_log(force=True)
    assert app.gui.shown_log_indices() == everything and "click a line" in app.gui.log_title.text


def test_a_long_preview_keeps_who_moves_on_top_and_is_drawn_whole(screen, monkeypatch):
    """At 1280x800 an assault on three special-forces groups pushed the turn and phase below the preview, cut
    off: the clock comes first now, and the preview, in fewer lines (its modifiers in brackets), whole below."""
    from engine.orders import Assault
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 3), {1}, size=(1280, 800))
    app.show_lesson = False
    fire = ["  firepower 5 − protection 1", "    higher ground: +1", "    night-capable vs not (model assumption): +1",
            "    out of supply: -1", "    shaken: -1", "  net +4 → 50% per shot × 2 shots",
            "  expected losses 0.75, P(destroyed) 75%"]
    lines = ["ASSAULT (21,12) with arm_inf_3", *[f"  outcome {k}" for k in range(5)]]
    for k in range(5):
        lines += [f"Return fire of az_sf_{k}: az_sf_{k} → arm_inf_3 (infantry)", *fire]
    lines.append("Click the target again or press Enter to confirm; Esc cancels.")
    app.pending = (Assault("arm_inf_3", (21, 12)), lines)
    drawn = panel_lines(app, screen, monkeypatch)
    texts = [s for s, _ in drawn]
    assert texts[0].startswith(app.state.scenario.meta.name) and "to move" in texts[1]
    last = next(r for s, r in drawn if s.startswith("Click the target again"))
    assert last.bottom <= app.gui.info_bottom_without_log
    assert any("[higher ground: +1, night-capable vs not (model assumption): +1" in s for s in texts)


def test_a_new_game_opens_on_its_own_forces_at_a_zoom_that_shows_the_counters(screen):
    """Two players' reviews: at the whole-map zoom Shusha's counters were 12-15 px two-letter codes. `play` opens
    zoomed in to NATO symbols, centred on the player's units; Home shows the whole map; a lesson's small map
    is left whole."""
    from ui.app import App
    from ui.render_units import SMALL_COUNTER_H, counter_size

    app = App(new_game(load_scenario(SHUSHA), 3), {1}, size=(1280, 800))
    app.show_lesson = False
    fitted = app.hex_size
    assert counter_size(fitted)[1] < SMALL_COUNTER_H
    app.open_on_own_forces()
    assert counter_size(app.hex_size)[1] >= SMALL_COUNTER_H > counter_size(app.zoom_levels[app.zoom_i - 1])[1]
    own = app.own_units_at_any()
    g = app.geo
    cx = sum(g.center(u.idx)[0] for u in own) / len(own) - app.vx
    cy = sum(g.center(u.idx)[1] for u in own) / len(own) - app.vy
    assert 0 < cx < app.map_rect.w and 0 < cy < app.map_rect.h
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_HOME, mod=0, unicode=""))
    assert app.hex_size == fitted
    lesson = App(new_game(load_scenario(SHUSHA.parent / "lessons" / "ambush.json"), 1), {1}, size=(1280, 800))
    whole = lesson.hex_size
    lesson.open_on_own_forces()
    assert lesson.hex_size == whole


def test_a_new_games_briefing_offers_both_sides(screen):
    """A player's review: the plain README command put them on the defender, watching the AI's first turn. With
    no --side, the briefing of a new game has "Play the attacker / defender" buttons; the AI waits for them."""
    import pygame_gui

    from ui.app import App

    state = new_game(load_scenario(SHUSHA), 3, track_sightings=True)
    app = App(state, {1}, size=(1280, 800))
    app.show_lesson = app.side_choice = True  # (as `wargame play SCENARIO` sets them)
    app.render(screen)
    assert len(app.side_buttons) == 2
    app.update()
    assert state.turn == 1 and state.side == 0 and state.phase == "air" and not state.orders  # the AI waits
    attacker = next(b for b, side in app.side_buttons.items() if side == 0)
    app.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=attacker))
    assert app.human == {0} and app.view_side == 0 and not app.side_choice and "attacker" in app.status
    app.render(screen)
    assert app.lesson_win is None and app.my_turn()


def test_a_click_on_a_friendly_hex_in_reach_says_how_to_stack_there(screen):
    """A player's review: clicking a reachable hex holding a friendly unit selected that unit instead of moving,
    silently (stacking needs Ctrl+click, which only the help said)."""
    from conftest import goto

    from ui.app import App

    state = goto(new_game(load_scenario(SHUSHA), 3, track_sightings=True), "defender", "movement")
    app = App(state, {1}, size=(1280, 800))
    app.show_lesson = False
    app.autoskip = False
    for u in app.own_units_at_any():
        if u.moved:
            continue
        app.select(u.id)
        dest = app.destinations()
        friendly = [i for i in dest if i != u.idx and app.own_units_at(i)]
        if friendly:
            break
    else:
        raise AssertionError("no unit with a friendly hex in reach")
    app.click_hex(friendly[0])
    assert app.selected != u.id and "Ctrl+click" in app.status and u.id in app.status


def test_choosing_the_attacker_centres_the_map_on_its_units(screen):
    """The final check: after "Play the attacker" the map stayed on the defender's units."""
    import math

    import pygame_gui

    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 3, track_sightings=True), {1}, size=(1280, 800))
    app.open_on_own_forces()
    app.show_lesson = app.side_choice = True
    app.render(screen)
    attackers = [u for u in app.state.units if u.side == 0 and u.arrived and not u.offmap
                 and app.state.utype(u).domain == "ground"]

    def off_centre() -> float:  # from the view's centre to the attacker's units' centroid, in pixels
        g = app.geo
        cx = sum(g.center(u.idx)[0] for u in attackers) / len(attackers) - app.vx
        cy = sum(g.center(u.idx)[1] for u in attackers) / len(attackers) - app.vy
        return math.hypot(cx - app.map_rect.w / 2, cy - app.map_rect.h / 2)

    before = off_centre()
    attacker = next(b for b, side in app.side_buttons.items() if side == 0)
    app.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=attacker))
    assert off_centre() < before / 2


def test_a_stray_click_does_not_choose_the_side_and_the_debrief_says_never_held(screen):
    """The final check: a click beside the briefing made the player the defender for good; and a defender's
    win read "Shusha taken and held from: —; first in: special forces on turn 21"."""
    from engine.debrief import key_moments
    from engine.game import play_game
    from ui.app import CHOOSE_SIDE, App

    app = App(new_game(load_scenario(SHUSHA), 3, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = app.side_choice = True
    surf = pygame.Surface((1280, 800))
    app.render(surf)
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1))
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(5, 5), button=1))
    app.render(surf)
    assert app.side_choice and app.lesson_win is not None and app.status == CHOOSE_SIDE
    st = next(s for s in (play_game(load_scenario(SHUSHA), seed) for seed in range(2, 40))
              if s.score.winner == "defender" and s.score.objective_first_entry_type)
    held = key_moments(st)[1]
    assert held.startswith("Shusha never held whole by the attacker; first entered on turn") and "—" not in held
