"""A player's review (session 20): the event log's routine reports (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path

import pygame

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
    assert set(key_only) == {k for k in everything if not routine(log[k])}
    grounded = [k for k in key_only if log[k].kind == "AirStatus"]
    assert all(log[k].grounded for k in grounded)  # (a grounded aircraft is never routine)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_f, mod=0, unicode="f"))
    app.gui._sync_log(force=True)
    assert app.gui.shown_log_indices() == everything and "click a line" in app.gui.log_title.text
