"""Session 21: the windows' headings and sizes grow with the text; a new game's briefing says how to win before
the reader has to scroll."""

from __future__ import annotations

import html
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame
import pytest

from engine.rules import victory_conditions
from engine.scenario import load_scenario
from ui import panels
from ui.app import App

ROOT = Path(__file__).resolve().parents[1]
SHUSHA = ROOT / "scenarios" / "shusha_1120.json"


def test_the_briefing_says_how_to_win_after_its_first_paragraph():
    """The final check of session 20: the victory conditions sat at the end of Shusha's briefing, below four
    paragraphs; a new player had to scroll to find how to win."""
    scen = load_scenario(SHUSHA)
    text = panels.lesson_html(scen)
    win = text.index(html.escape(victory_conditions(scen)))
    first, second = (text.index(html.escape(p[:60])) for p in scen.meta.briefing[:2])
    assert first < win < second


def test_headings_grow_with_the_ui_scale():
    scen = load_scenario(SHUSHA)
    assert "pixel_size=18>" in panels.lesson_html(scen, 1.0)
    assert "pixel_size=27>" in panels.lesson_html(scen, 1.5)
    assert "size=5" not in panels.lesson_html(scen, 1.5)


def _over_window(scale: float, size: tuple[int, int]) -> pygame.Rect:
    from engine.game import play_game

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size)
    state = play_game(load_scenario(SHUSHA), 3)
    app = App(state, {0}, size=size, ui_scale=scale)
    app.render(screen)
    assert app.gui.over_win is not None and app.gui.over_win.alive()
    return app.gui.over_win.rect


def test_the_game_over_window_grows_with_the_text():
    """It was a fixed 620×600 whatever the text scale: at 1.5× on a 1920×1080 projector its lines wrapped
    every few words."""
    small = _over_window(1.0, (1280, 800))
    large = _over_window(1.5, (1920, 1080))
    assert large.w > small.w * 1.3 and large.h > small.h * 1.3
    assert large.right <= 1920 and large.bottom <= 1080


def test_stacks_on_the_maps_edge_hexes_show_whole():
    """A scenario author's stack in the last column of a small map was cut off by the panel: a stack's counters
    fan out beyond their hex. On the map's edge hexes they are drawn inside the map, whole, at any zoom
    (`App.unit_boxes`: each counter's rectangle on the map)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import add_unit, move_unit, tiny_dict

    from engine.rules import new_game
    from engine.scenario import scenario_from_dict

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 800))
    doc = tiny_dict()
    cols = doc["map"]["cols"]
    move_unit(doc, "az_mech", (cols - 1, 3))  # an odd row: its last hex is the map's easternmost
    move_unit(doc, "az_tank", (cols - 1, 3))
    add_unit(doc, "az_extra", "attacker", "motor_rifle", (cols - 1, 3))
    move_unit(doc, "az_sf", (0, 0), hidden=False)  # the north-west corner
    add_unit(doc, "az_extra2", "attacker", "motor_rifle", (0, 0))
    app = App(new_game(scenario_from_dict(doc), 1), {0}, size=(1280, 800))
    app.show_lesson = False
    for zoom in (None, app.max_zoom_i):
        if zoom is not None:  # zoomed in, scrolled as far east and north as the view goes
            app.zoom_i = zoom
            app.vx, app.vy = 1e9, -1e9
            app.clamp_view()
        app.render(screen)
        view = pygame.Rect(int(app.vx), int(app.vy), app.map_rect.w, app.map_rect.h)
        for uid in ("az_mech", "az_tank", "az_extra") if zoom is not None else app.unit_boxes:
            assert view.contains(app.unit_boxes[uid][1]), (zoom, uid, app.unit_boxes[uid][1], view)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])  # (a compact panel, and the full one)
def test_before_a_side_is_chosen_the_panel_says_to_choose_one(monkeypatch, size):
    """A final check: with the new game's briefing open, the panel said "You see as: defender" while the banner
    said the game starts when you choose."""
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import panel_lines

    from engine.rules import new_game

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size)
    app = App(new_game(load_scenario(SHUSHA), 3), {1}, size=size)
    app.show_lesson = app.side_choice = True  # (as `wargame play SCENARIO` sets them)
    app.render(screen)
    texts = [t for t, _ in panel_lines(app, screen, monkeypatch)]
    assert any(t.startswith("Choose your side in the briefing") for t in texts), texts
    assert not any(t.startswith("You see as") or " to move" in t for t in texts), texts
    app.choose_side(0)
    app.render(screen)
    texts = [t for t, _ in panel_lines(app, screen, monkeypatch)]
    assert not any(t.startswith("Choose your side") for t in texts), texts
