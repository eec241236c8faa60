"""The overlay legend hides as little of the map as it can (ui/legend_place.py, `panels.draw_legends`): the
movement overlay's legend (key 1) sat in the bottom-left corner over the map's hexes whenever no counter was there;
now it takes the spot and shape (tall, or wide and low) that hides the fewest hexes, under a small map none, and a
click folds it to its title (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pygame
import pytest
from conftest import SHUSHA_PATH, goto
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rules import new_game
from engine.scenario import load_scenario
from engine.units import ATTACKER
from ui import legend_place, panels

LESSONS = Path(SHUSHA_PATH).parent / "lessons"


def _app(path: Path, size: tuple[int, int] = (1280, 800)) -> Any:
    """The attacker's movement phase with the movement overlay on, the map fitted as `wargame play` opens it."""
    from ui.app import App

    state = goto(new_game(load_scenario(path), 1), "attacker", "movement")
    app = App(state, {ATTACKER}, size=size)
    app.show_lesson = False
    app.open_on_own_forces()
    app.overlays.add(1)
    return app


def _draw(app: Any) -> pygame.Surface:
    screen = pygame.display.set_mode(app.size)
    app.render(screen)
    return screen


def _hexes_under(app: Any, r: pygame.Rect) -> list[int]:
    """The hexes whose centre is under `r` (or within half a hex of its edge: mostly hidden)."""
    sx, sy, size, _ = legend_place.hex_centres(app)
    m = size * legend_place.HEX_REACH
    return np.flatnonzero((sx > r.left - m) & (sx < r.right + m) & (sy > r.top - m) & (sy < r.bottom + m)).tolist()


def _screen_boxes(app: Any) -> list[pygame.Rect]:
    mr = app.map_rect
    return [r.move(-int(app.vx) + mr.x, -int(app.vy) + mr.y) for r in app.counter_boxes]


@pytest.mark.parametrize("name", ["ambush.json", "supply.json"])
def test_under_a_small_map_the_legend_hides_no_hex(screen, name):
    app = _app(LESSONS / name)
    _draw(app)
    r = app.legend_rect
    assert app.map_rect.contains(r)
    assert _hexes_under(app, r) == []  # (the bottom-left corner's tall legend hid a row of hexes here)
    old = pygame.Rect(app.map_rect.x + 8, 0, 450, 145)
    old.bottom = app.map_rect.bottom - 50
    assert _hexes_under(app, old)  # (where and how big it was: over hexes)


@pytest.mark.parametrize("name", sorted(p.name for p in LESSONS.glob("*.json")))
def test_the_legend_hides_no_counter_and_fewer_hexes_than_the_old_corner(screen, name):
    app = _app(LESSONS / name)
    _draw(app)
    r = app.legend_rect
    assert r.collidelist(_screen_boxes(app)) < 0
    tall = pygame.Rect(app.map_rect.x + 8, 0, 450, 145)  # (about the old legend's size at 1280x800)
    tall.bottom = app.map_rect.bottom - 50
    assert len(_hexes_under(app, r)) < len(_hexes_under(app, tall))


def test_the_legend_keeps_off_the_selected_units_reach(screen):
    app = _app(Path(SHUSHA_PATH))
    uid = next(u.id for u in app.state.units if u.side == ATTACKER and u.strength > 0 and not u.offmap
               and app.state.utype(u).domain == "ground")
    app.select(uid)
    app.center_on(app.state.unit(uid).idx)
    dest = set(app.destinations())
    assert dest
    _draw(app)
    assert not dest & set(_hexes_under(app, app.legend_rect))
    assert any("where" in label and "can move" in label for _, label, _ in panels.legend_rows(
        app, app._overlay_res)[0])  # (the reach's own row in the legend)


def test_a_click_on_the_legends_title_folds_it_and_a_click_below_reaches_the_map(screen):
    """Its top line folds it (and does not reach the hex under it); the rest of the box lets clicks through to the
    map (a reviewer: at --ui-scale 2 the legend covered reach hexes, and every click on them folded it)."""
    app = _app(LESSONS / "ground.json")
    _draw(app)
    full = app.legend_rect.copy()
    app.on_left_click((full.centerx, full.bottom - 3))
    assert not getattr(app, "legend_folded", False) and "folded" not in (app.status or "")
    _draw(app)
    selected, pending = app.selected, app.pending
    app.on_left_click((full.x + 10, full.y + 4))
    assert app.legend_folded and app.selected == selected and app.pending == pending
    assert "folded" in app.status
    _draw(app)
    folded = app.legend_rect
    assert folded.h < full.h / 2 and len(_hexes_under(app, folded)) <= len(_hexes_under(app, full))
    app.on_left_click((folded.x + 10, folded.y + 4))
    assert not app.legend_folded
    _draw(app)
    assert app.legend_rect.h == full.h


def test_an_objective_or_a_counter_in_a_corner_sends_the_legend_elsewhere():
    """A stand-in map: hexes all over a 1000x700 map area; an objective hex in the bottom-left corner."""
    mr = pygame.Rect(0, 0, 1000, 700)
    xs, ys = np.meshgrid(np.arange(20, 1000, 40.0), np.arange(20, 700, 40.0))
    geo = SimpleNamespace(cx=xs.ravel(), cy=ys.ravel(), size=20.0)
    corner = int(np.flatnonzero((geo.cx == 60) & (geo.cy == 620))[0])
    app = SimpleNamespace(map_rect=mr, vx=0, vy=0, counter_boxes=[], place_labels=[], geo=geo,
                          renderer=SimpleNamespace(objective={corner}))
    r = legend_place.best_spot(app, 300, 200)
    assert mr.contains(r) and not r.collidepoint(60, 620)
    app.renderer.objective = set()
    assert legend_place.best_spot(app, 300, 200).left == 8  # (with nothing there, the bottom left, as before)


def test_spots_start_at_the_corners():
    area = pygame.Rect(8, 34, 984, 616)
    s = legend_place.spots(area, 300, 200)
    assert [r.topleft for r in s[:4]] == [(8, 450), (692, 450), (692, 34), (8, 34)]
    assert all(area.contains(r) for r in s) and len(s) > 4


def _naive_cost(r: pygame.Rect, centres: Any, busy: list[tuple[int, pygame.Rect]]) -> int:
    sx, sy, size, extra = centres
    m = size * legend_place.HEX_REACH
    score = sum(1 + int(e) for x, y, e in zip(sx, sy, extra, strict=True)
                if r.left - m < x < r.right + m and r.top - m < y < r.bottom + m)
    return score + sum(w for w, b in busy if r.colliderect(b))


rect_st = st.builds(pygame.Rect, st.integers(-50, 400), st.integers(-50, 400), st.integers(0, 200),
                    st.integers(0, 200))


@settings(max_examples=60, deadline=None)
@given(rects=st.lists(rect_st, min_size=1, max_size=6),
       hexes=st.lists(st.tuples(st.floats(-50, 500), st.floats(-50, 500), st.integers(0, 29)), max_size=40),
       busy=st.lists(st.tuples(st.integers(1, 30), rect_st), max_size=6))
def test_costs_of_many_spots_at_once_are_each_spots_cost(rects, hexes, busy):
    sx = np.array([h[0] for h in hexes], float)
    sy = np.array([h[1] for h in hexes], float)
    extra = np.array([h[2] for h in hexes], int)
    centres = (sx, sy, 20.0, extra)
    got = legend_place.costs(rects, centres, busy).tolist()
    assert got == [_naive_cost(r, centres, busy) for r in rects]
