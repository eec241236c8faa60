"""Ctrl+Z with nothing to undo says why truthfully: after a load it blamed the random draws ("only moves without
random draws can be undone", s33 playtest /tmp/s33/play/p2b.py) though the history was empty because the game had
just been loaded (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
from conftest import app_of, goto, tiny_game

from engine.orders import Move
from ui.app import UNDO_EMPTY


def _ctrl_z(app: Any) -> str:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_z, mod=pygame.KMOD_CTRL, unicode="",
                                        scancode=0))
    return app.status


def test_nothing_to_undo_after_a_load_says_the_game_was_loaded(screen: Any, tmp_path: Path) -> None:
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    app.issue(Move("az_mech", (9, 3)), undoable=True)
    assert len(app.undo_stack) == 1
    path = tmp_path / "s33c_undo.json"
    app.save(path)
    app.load(path)
    assert app.undo_stack == [] and app.state.phase == "movement"
    assert _ctrl_z(app) == "Nothing to undo since the game was loaded"
    assert "random" not in app.status


def test_nothing_to_undo_in_a_fresh_phase_and_after_undoing_all(screen: Any) -> None:
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    assert _ctrl_z(app) == "Nothing to undo this phase"
    app.issue(Move("az_mech", (9, 3)), undoable=True)
    assert _ctrl_z(app) == "Move undone"
    assert _ctrl_z(app) == "Nothing to undo this phase"


def test_the_random_draws_reason_stays_when_it_is_the_cause(screen: Any) -> None:
    """A move that shows a new enemy ends the undo history as a random draw does (test_ui_playtest)."""
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    app.issue(Move("az_sf", (6, 3)), undoable=True)
    assert app.undo_stack == []
    assert _ctrl_z(app) == UNDO_EMPTY["random"] == "Nothing to undo (only moves without random draws can be undone)"


def test_a_sandbox_placement_is_undone(screen: Any) -> None:
    """An educator's playtest: a placement could not be taken back (Ctrl+Z said so), and moving the unit back left
    the hex's control changed. Since session 34 Ctrl+Z restores the state before it, control included."""
    from engine.orders import SandboxPlace

    app = app_of(goto(tiny_game(1, sandbox=True), "attacker", "movement"), (0,))
    fp = app.state.fingerprint()
    assert app.issue(SandboxPlace("az_mech", (9, 3))) is not None
    assert _ctrl_z(app).startswith("Sandbox placement undone") and app.state.fingerprint() == fp
