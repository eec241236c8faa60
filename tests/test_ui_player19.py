"""A player's review of the Shusha game (session 19), each finding pinned down (dummy SDL video driver): one
press of Space does not throw away a turn's moves, the status bar swallows its clicks, Tab skips aircraft with
nothing to strike, and the panel says who won once the game is over."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import goto, shusha_scenario
from test_ui_playtest import app_of, panel_text

from engine.game import play_game
from engine.orders import EndPhase, Move
from engine.rules import new_game


def test_space_with_units_unmoved_warns_once_then_ends_the_phase(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    st = app.state
    n = len(st.orders)
    app.end_phase()
    assert st.phase == "movement" and len(st.orders) == n  # nothing given: the phase goes on
    assert "have not moved" in app.status and "press Space again" in app.status and "az_" in app.status
    app.end_phase()
    assert isinstance(st.orders[-1], EndPhase) and st.orders[-1].side == "attacker"


def test_space_ends_the_phase_at_once_when_no_unit_can_act(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    assert app.idle_warning()
    while app.idle_warning():  # every unit that can move, moves
        app.issue(next(o for o in app.view.legal_orders() if isinstance(o, Move)))
    n = len(app.state.orders)
    app.end_phase()
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], EndPhase)


def test_a_click_on_the_status_bar_orders_nothing(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    for _ in range(6):
        app.zoom(1)  # hexes now scroll under the status bar
    x = app.map_rect.centerx
    y_bar = app.map_rect.bottom - app.status_reserve // 2
    assert app.screen_to_hex(x, y_bar) is None
    assert app.screen_to_hex(x, app.map_rect.bottom - app.status_reserve - 2) is not None


def test_tab_in_the_air_phase_picks_only_aircraft_that_can_act(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "air"), (0,))
    assert not app.view.contacts  # turn 1: no enemy known, so the armed drones have nothing to strike
    picked = set()
    for _ in range(4):
        app.next_unit()
        picked.add(app.selected)
    table = app.state.scenario.unit_table
    assert picked and all(table[app.state.unit(u).type].air_role == "recon" for u in picked), picked


def test_the_panel_says_who_won_once_the_game_is_over(screen) -> None:
    from ui import panels

    state = play_game(shusha_scenario(), 1)
    app: Any = app_of(state, (0,))
    for compact in (False, True):
        lines = panel_text(app, screen, panels._clock, compact)
        over = state.outcome
        assert any(f"GAME OVER: {over.winner}" in s and f"turn {over.turn}" in s for s in lines), lines
        assert not any(s.startswith("To move") or "to move," in s for s in lines), lines
    app.render(screen)
    pygame.display.flip()
