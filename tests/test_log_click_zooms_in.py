"""A click on an event-log line from the whole-map zoom zooms in to the play zoom on its hexes (an educator: on the
whole Shusha map an ambush was 40 px of a 1000 px map, unseen from the back of the class)."""

from __future__ import annotations

from conftest import app_of, goto, shusha_scenario

from engine.orders import Move
from engine.rules import apply, legal_orders, new_game


def _app():
    state = goto(new_game(shusha_scenario(), 1, track_sightings=True), "attacker", "movement")
    apply(state, next(o for o in legal_orders(state) if isinstance(o, Move)))  # (an event with hexes: a move)
    app = app_of(state, (0,), size=(1280, 800))
    app.open_on_own_forces()
    return app


def _with_hexes(app):
    return next(k for k, e in app.visible_events() if e.hexes())


def test_from_the_whole_map_a_log_click_zooms_in_on_the_event(screen):
    app = _app()
    play = app.zoom_i
    app.fit_map()
    assert app.zoom_i < play
    app.show_event(_with_hexes(app))
    assert app.zoom_i == play and app.highlight


def test_a_nearer_zoom_is_kept_and_the_map_only_centred(screen):
    app = _app()
    app.zoom_i = len(app.zoom_levels) - 1
    app.show_event(_with_hexes(app))
    assert app.zoom_i == len(app.zoom_levels) - 1 and app.highlight
