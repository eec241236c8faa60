"""Session 23, a first-time player's review on a laptop screen (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

from engine.rules import new_game
from engine.scenario import load_scenario

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


def app_of(state: Any, human: tuple[int, ...], size: tuple[int, int] = (1326, 700)) -> Any:
    from ui.app import App

    app = App(state, set(human), size=size)
    app.show_lesson = False
    return app


def test_the_skipped_phase_note_is_shown_once_however_often_the_bar_is_drawn(screen):
    """The status bar's lines were the wrap cache's own list, and the skipped-phase note was added to it on
    every frame: the bar showed the note two, three, ... times."""
    from ui import panels

    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    app.status = "a moves | skipped the air phase (nothing to order)"
    first = panels.status_lines(app, 900)
    for _ in range(3):
        app.render(screen)
        assert panels.status_lines(app, 900) == first
    assert first[0] == ["a moves", "Skipped the air phase (nothing to order)"]
    # the cache hands out copies: what one caller adds is not in the next caller's list
    got = app.ui_text.wrap("a moves", 13, 900)
    got.append("extra")
    assert app.ui_text.wrap("a moves", 13, 900) == ["a moves"]


def test_help_shows_the_keys_before_the_rules(screen):
    """A player opens help to find a key; the rules in brief came first, two screens of them on a laptop."""
    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    app.show_help = True
    app.render(screen)
    text = app.gui.help_win.get_container().elements[0].html_text
    assert text.index("Keys and mouse") < text.index("Rules in brief") < text.index("Map")
