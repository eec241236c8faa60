"""Ctrl+S in the enemy's half-turn: the save dialog's hint ("Type or pick a file name ...") was overwritten by the
enemy-turn summary when the AI finished while the dialog was open (s33 playtest, /tmp/s33/play/p2.py); now the hint
stays while the dialog is open and the summary shows when it is shut without a file picked (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
from conftest import app_of

from engine.rules import new_game

HINT = "Type or pick a file name and press OK or Enter (Esc cancels)"


def _ctrl(app: Any, k: int) -> None:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=pygame.KMOD_CTRL, unicode="", scancode=0))


def _defender_in_enemy_turn(shusha: Any, screen: Any, tmp_path: Path) -> Any:
    app = app_of(new_game(shusha, 0, track_sightings=True), (1,))
    app.save_path = tmp_path / "s33c_dialog.json"
    app.render(screen)
    assert not app.my_turn()
    return app


def _finish_enemy_turn(app: Any, screen: Any) -> None:
    for _ in range(3000):
        if app.my_turn():
            break
        app.update(budget_s=1.0)
    app.render(screen)
    assert app.my_turn()


def test_the_save_dialogs_hint_stays_when_the_enemy_turn_ends(shusha: Any, screen: Any, tmp_path: Path) -> None:
    app = _defender_in_enemy_turn(shusha, screen, tmp_path)
    _ctrl(app, pygame.K_s)
    assert app.gui.dialog is not None and app.status == HINT
    _finish_enemy_turn(app, screen)
    assert app.status == HINT and app.status_after_dialog.startswith("Enemy turn")
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
    assert app.gui.dialog is None
    assert app.status.startswith("Enemy turn") and app.status_after_dialog == ""


def test_without_a_dialog_the_enemy_turn_summary_shows_at_once(shusha: Any, screen: Any, tmp_path: Path) -> None:
    app = _defender_in_enemy_turn(shusha, screen, tmp_path)
    _finish_enemy_turn(app, screen)
    assert app.status.startswith("Enemy turn") and app.status_after_dialog == ""
