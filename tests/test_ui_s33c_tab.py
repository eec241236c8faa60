"""Tab after the end-of-phase idle warning (s33 playtest, /tmp/s33/play/p2c.py): it went through the 6 units the
warning named for the rest of the phase, Esc or not; now Esc, or a unit selected by a click, puts it back to all
units. Its status line read "strength 2 - 6 of the 6 the end-of-phase warning names (Tab: the next, ...)"; now
"Not yet moved: 6 of 6 (Tab: next, Esc: all units) — Selected ..." (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import app_of, goto

from engine.rules import new_game


def _key(app: Any, k: int) -> None:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="\t" if k == pygame.K_TAB else "",
                                        scancode=0))


def _cycle(app: Any) -> list[str]:
    """The units Tab goes through, once round."""
    seen: list[str] = []
    for _ in range(60):
        _key(app, pygame.K_TAB)
        if app.selected in seen:
            break
        seen.append(app.selected)
    return seen


def _warned(shusha: Any, screen: Any) -> tuple[Any, list[str]]:
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    everyone = _cycle(app)
    app.select(None)
    app.end_phase()
    assert "Tab to go to them" in app.status and app.state.phase == "movement"
    return app, everyone


def test_tab_right_after_the_warning_goes_through_the_named_units_in_plain_words(shusha: Any, screen: Any) -> None:
    app, everyone = _warned(shusha, screen)
    named = app.idle_units()
    assert 0 < len(named) < len(everyone)
    _key(app, pygame.K_TAB)
    assert app.selected == named[0]
    assert app.status.startswith(f"Not yet moved: 1 of {len(named)} (Tab: next, Esc: all units) — Selected ")
    assert "end-of-phase warning names" not in app.status
    assert _cycle(app) == named[1:] + named[:1]


def test_esc_puts_tab_back_to_all_units(shusha: Any, screen: Any) -> None:
    app, everyone = _warned(shusha, screen)
    named = app.idle_units()
    assert set(_cycle(app)) == set(named)
    _key(app, pygame.K_ESCAPE)
    assert app.selected is None and app.status == "Cancelled (Tab: all your units again)"
    _key(app, pygame.K_ESCAPE)  # (a second Esc: nothing more to say about Tab)
    assert app.status == "Cancelled (Tab: all your units again)"
    assert _cycle(app) == everyone
    assert "Not yet moved" not in app.status
    _key(app, pygame.K_SPACE)  # (the warning was given: a second Space still ends the phase)
    assert app.state.phase != "movement"


def test_a_unit_selected_by_a_click_puts_tab_back_to_all_units(shusha: Any, screen: Any) -> None:
    app, everyone = _warned(shusha, screen)
    named = app.idle_units()
    _key(app, pygame.K_TAB)
    other = next(u for u in everyone if u not in named and app.state.unit(u).idx not in
                 {app.state.unit(n).idx for n in named})
    app.center_on(app.state.unit(other).idx)
    app.render(screen)
    _, box = app.unit_boxes[other]
    mr = app.map_rect
    app.on_left_click(box.move(-int(app.vx) + mr.x, -int(app.vy) + mr.y).center)
    assert app.selected == other
    assert set(_cycle(app)) == set(everyone)
    # a move of the selected unit by a click (no other unit chosen) keeps the warned units' cycle: only a choice
    # of unit by hand ends it
    app2, _ = _warned(shusha, screen)
    _key(app2, pygame.K_TAB)
    app2.on_left_click((1, 1))  # (the map's corner: no unit there)
    assert set(_cycle(app2)) == set(app2.idle_units())
