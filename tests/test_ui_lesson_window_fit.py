"""Every lesson's text reads without scrolling at 1280x800 and 1600x1000 at their default UI scales (1 and 1.25):
lesson 5 scrolled about half its text out of a window of 0.62 of a 1280x800 screen's width (ui/lesson_window.py).
Where the text cannot fit (scale 2 on 1280x800) the window's title says that it scrolls (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import SHUSHA_PATH

from engine.rules import new_game
from engine.scenario import load_scenario
from ui import lesson_window

LESSONS = Path(SHUSHA_PATH).parent / "lessons"
NAMES = sorted(p.name for p in LESSONS.glob("*.json"))


def _open(path: Path, size: tuple[int, int], scale: float, side_choice: bool) -> tuple[Any, Any]:
    from ui.app import App

    screen = pygame.display.set_mode(size)
    app = App(new_game(load_scenario(path), 1), {1}, size=size, ui_scale=scale)
    app.show_lesson = True  # (a lesson opens with it; `wargame play` opens a new game's briefing so)
    app.side_choice = side_choice  # (a new game without --side: the two side buttons under the text)
    app.render(screen)
    box = next(el for el in app.lesson_win.get_container().elements if hasattr(el, "scroll_bar"))
    return app, box


@pytest.mark.parametrize("side_choice", [True, False])
@pytest.mark.parametrize("size,scale", [((1280, 800), 1.0), ((1600, 1000), 1.25)])
@pytest.mark.parametrize("name", NAMES)
def test_every_lesson_fits_without_scrolling(screen, name, size, scale, side_choice):
    app, box = _open(LESSONS / name, size, scale, side_choice)
    win = app.lesson_win.rect
    assert box.scroll_bar is None, (name, size, win)
    assert pygame.Rect(0, 0, *size).contains(win)
    assert box.rect.h >= box.text_box_layout.layout_rect.h  # (all of the text inside the box)
    assert lesson_window.SCROLLS_TITLE not in app.lesson_win.window_display_title
    assert len(app.side_buttons) == (2 if side_choice else 0)
    assert all(win.contains(b.rect) and not b.rect.colliderect(box.rect) for b in app.side_buttons)


def test_lesson_5_at_1280x800_got_a_wider_window_not_a_scroll_bar(screen):
    app, _ = _open(LESSONS / "ground.json", (1280, 800), 1.0, True)
    assert app.lesson_win.rect.w > 806  # (the 0.62 of the screen's width it had, where it scrolled)


def test_a_short_text_keeps_the_narrow_window_and_its_height(screen):
    app, _ = _open(LESSONS / "cliff_below.json", (1280, 800), 1.0, False)
    win = app.lesson_win.rect
    assert win.w == 806 and win.h < 800 - 100  # (as wide as before, as tall as its text)


@pytest.mark.parametrize("name", NAMES)
def test_where_it_cannot_fit_the_title_says_it_scrolls(screen, name):
    app, box = _open(LESSONS / name, (1280, 800), 2.0, True)
    win = app.lesson_win.rect
    assert box.scroll_bar is not None
    assert app.lesson_win.window_display_title.endswith(lesson_window.SCROLLS_TITLE)
    assert pygame.Rect(0, 0, 1280, 800).contains(win) and win.w >= 1280 - 2 * lesson_window.MARGIN
    assert all(win.contains(b.rect) for b in app.side_buttons)


def test_the_shusha_briefing_fits_or_says_it_scrolls(screen):
    app, box = _open(Path(SHUSHA_PATH), (1280, 800), 1.0, True)
    scrolls = app.lesson_win.window_display_title.endswith(lesson_window.SCROLLS_TITLE)
    assert (box.scroll_bar is not None) == scrolls
    assert pygame.Rect(0, 0, 1280, 800).contains(app.lesson_win.rect)
