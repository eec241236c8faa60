"""Watch mode (key W): the computer's half-turn stops at each fight the viewing side sees, the map on it, until Space.
An educator: the enemy's turn ended in one frame, and on the whole Shusha map an ambush is 40 px of 1000."""

from __future__ import annotations

from typing import Any

import pygame
from conftest import app_of, shusha_scenario

from engine.rules import new_game
from engine.view import visible_log
from ui.app import FIGHT_EVENTS


def _key(app: Any, key: int) -> str:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    return app.status


def _defender_app(seed: int = 3) -> Any:
    app = app_of(new_game(shusha_scenario(), seed), (1,))
    app.autoskip = False
    return app


def _play_to_a_stop(app: Any, limit: int = 4000) -> bool:
    """Update the App, ending the player's phases, until the computer's turn stops at a fight (True) or the game
    ends."""
    for _ in range(limit):
        if app.watching is not None:
            return True
        if app.state.outcome is not None:
            return False
        if app.my_turn():
            app.end_phase()
        app.update(budget_s=10.0)
    return False


def test_w_stops_the_computers_turn_at_a_fight_the_player_sees_until_space(screen: Any) -> None:
    app = _defender_app()
    assert "stops at each fight" in _key(app, pygame.K_w)
    assert _play_to_a_stop(app)
    st = app.state
    assert st.side == 0 and app.watching and all(ev.kind in FIGHT_EVENTS for ev in app.watching)
    assert app.status.startswith("Enemy fight (Space: go on; W: stop watching): ")
    seen = [ev for _, ev in visible_log(st, 1)]
    assert all(ev in seen for ev in app.watching)  # (only what the defender saw)
    assert app.highlight and app.zoom_i >= app.play_zoom_i()
    x, y = app.hex_to_screen(app.highlight[0])
    assert 0 <= x <= app.map_rect.w and 0 <= y <= app.map_rect.h
    n = len(st.log)
    for _ in range(5):
        app.update(budget_s=10.0)
    assert len(st.log) == n and app.watching is not None  # (it waits)
    _key(app, pygame.K_SPACE)
    assert app.watching is None and st.side == 0  # (Space went on: it did not end a phase of the player's)
    app.update(budget_s=10.0)
    assert len(st.log) > n


def test_without_w_the_computers_turn_plays_through(screen: Any) -> None:
    app = _defender_app()
    watched = _defender_app()
    _key(watched, pygame.K_w)
    assert _play_to_a_stop(watched)  # (with W, this game's computer stops before turn 4)
    stop_turn = watched.state.turn
    while app.state.turn <= stop_turn + 1 and app.state.outcome is None:
        if app.my_turn():
            app.end_phase()
        app.update(budget_s=10.0)
        assert app.watching is None


def test_w_again_lets_a_stopped_turn_play_on(screen: Any) -> None:
    app = _defender_app()
    _key(app, pygame.K_w)
    assert _play_to_a_stop(app)
    assert "plays through" in _key(app, pygame.K_w)
    assert app.watching is None and not app.watch_fights


def test_the_fight_that_ends_the_game_does_not_hold_its_summary_back(screen: Any) -> None:
    from engine.game import play_game

    st = play_game(shusha_scenario(), 3)
    app = app_of(st, (1,))
    app.watch_fights = True
    start = max(k for k, ev in enumerate(st.log) if ev.kind in FIGHT_EVENTS) - 1
    assert app.stop_at_fight(start) is False and app.watching is None  # (the game-over window and summary follow)
