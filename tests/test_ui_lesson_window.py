"""The lesson window grows with the UI scale (/tmp/s29/ui_app.diff): at the default scale of a 1600x1000 screen
(1.25) a lesson's text scrolled out of its 1000x820 window; at scale 1 it is the window it was."""

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

LESSONS = Path(SHUSHA_PATH).parent / "lessons"


def lesson_window(name: str, size: tuple[int, int], scale: float) -> tuple[Any, Any]:
    from ui.app import App

    screen = pygame.display.set_mode(size)
    app = App(new_game(load_scenario(LESSONS / name), 1), {1}, size=size, ui_scale=scale)
    app.side_choice = True  # (a new game without --side: the two side buttons under the text)
    app.render(screen)
    box = next(el for el in app.lesson_win.get_container().elements if hasattr(el, "scroll_bar"))
    return app, box


@pytest.mark.parametrize("name", sorted(p.name for p in LESSONS.glob("*.json")))
def test_each_lesson_fits_its_window_at_the_default_scale_of_1600x1000(name, screen):
    app, box = lesson_window(name, (1600, 1000), 1.25)
    assert box.scroll_bar is None
    assert app.lesson_win.rect.bottom <= 1000 and app.lesson_win.rect.right <= 1600
    assert all(app.lesson_win.rect.contains(b.rect) for b in app.side_buttons)


def test_at_scale_2_on_1280x800_the_window_stays_on_screen_with_its_buttons(screen):
    app, box = lesson_window("ground.json", (1280, 800), 2.0)
    win = app.lesson_win.rect
    assert pygame.Rect(0, 0, 1280, 800).contains(win) and win.w > 1000  # (it was 806 px wide)
    assert len(app.side_buttons) == 2 and all(win.contains(b.rect) for b in app.side_buttons)
    assert box.scroll_bar is not None  # (the text scrolls there: the buttons stay below it)


def test_at_scale_1_the_window_is_as_before(screen):
    app, _ = lesson_window("ground.json", (1600, 1000), 1.0)
    assert app.lesson_win.rect.w == 1004  # (992 requested: 0.62 of 1600; the frame adds 12)
