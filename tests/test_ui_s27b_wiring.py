"""Session 27 UI review (B), for ui/app.py once app_s27b.diff is applied: the map's move tag carries the enemy
warning and sits clear of counters; a selected drone's reach is drawn."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from test_ui_s27b_preview import app_of, marked  # noqa: F401 (a fixture)

from ui import overlays as ov
from ui import panels


def test_the_map_tag_warns_and_stays_off_counters(marked, screen):  # noqa: F811
    st, uid, d, _n = marked
    app = app_of(st, {1})
    app.select(uid)
    app.center_on(d)
    app.hover = d
    app.render(screen)
    rows = app.path_tag()
    assert rows and "may be ambushed" in rows[-1]
    img = panels.path_tag_plate(app.ui_text, rows, max(200, min(420, app.map_rect.w // 3)), app.palette)
    box = app.path_tag_rect([img])
    counters = [r.move(-int(app.vx), -int(app.vy)) for r in app.counter_boxes]
    assert box.collidelist(counters) < 0


def test_a_selected_drone_shows_its_reach(shusha, screen, monkeypatch):
    from conftest import goto

    from engine.rules import new_game

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    drone = next(u for u in st.units if u.side == 1 and st.scenario.unit_table[u.type].air_role == "recon")
    app = app_of(st, {1})
    drawn: list[Any] = []
    real = ov.draw_air_reach
    monkeypatch.setattr(ov, "draw_air_reach", lambda *a, **kw: drawn.append(a) or real(*a, **kw))
    app.select(drone.id)
    app.render(screen)
    assert drawn
    pygame.display.flip()
