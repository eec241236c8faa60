"""The replay viewer's side panel said "CAN FLY - click to select" and an off-map gun "ready (click to select)",
though no order can be given in a replay: it says what is true there ("can fly", "ready"). A game keeps the click."""

from __future__ import annotations

import pygame
import pytest
from conftest import app_of, goto, shusha_scenario

from engine.rules import new_game
from engine.savegame import save_dict
from ui.replay import ReplayApp, ReplayModel


def panel_text(app, monkeypatch) -> list[str]:
    from ui import panels

    got: list[str] = []
    real = panels.Writer.line

    def line(w, s, *a, **kw):
        if not w.measure:
            got.append(s)
        return real(w, s, *a, **kw)

    surf = pygame.Surface(app.size)
    monkeypatch.setattr(panels.Writer, "line", line)
    panels.draw_panel(app, surf, app.panel_rect)
    monkeypatch.undo()
    return got


@pytest.mark.parametrize(("size", "scale"), [((1600, 1000), 1.0), ((1280, 800), 1.0), ((1280, 800), 2.0)])
@pytest.mark.parametrize("side", [None, "attacker", "defender"])
def test_the_replay_panel_invites_no_click(screen, monkeypatch, size, scale, side):
    m = ReplayModel.from_save_dict(save_dict(new_game(shusha_scenario(), 0)))
    viewer = ReplayApp(m, size=size, ui_scale=scale, side=side)
    viewer.render(pygame.Surface(size))
    text = panel_text(viewer, monkeypatch)
    assert any("can fly" in s.lower() for s in text)
    assert not [s for s in text if "to select" in s]
    if size == (1600, 1000) and side != "attacker":  # (the whole list: the defender's off-map guns too; turn 1's
        assert any(s.endswith("- fires in its side's artillery phase") for s in text)  # air phase, the attacker's)


def test_a_game_keeps_the_click_invitation(screen, monkeypatch):
    app = app_of(new_game(shusha_scenario(), 0), (0,), size=(1600, 1000), ui_scale=1.0)
    app.render(pygame.Surface(app.size))
    assert any("CAN FLY - click to select" in s for s in panel_text(app, monkeypatch))
    app = app_of(new_game(shusha_scenario(), 0), (1,), size=(1600, 1000), ui_scale=1.0)  # (the defender's guns)
    app.render(pygame.Surface(app.size))
    # ("ready" only in its own artillery phase: a playtest read "ready" in the attacker's turn)
    assert any(s.endswith("- fires in its side's artillery phase (click to select)")
               for s in panel_text(app, monkeypatch))
    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "artillery"), (1,), size=(1600, 1000),
                 ui_scale=1.0)
    app.render(pygame.Surface(app.size))
    assert any(s.endswith("- ready (click to select)") for s in panel_text(app, monkeypatch))
