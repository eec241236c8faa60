"""The side panel draws no line cut in half: the attacker's air-phase "CAN FLY" list at 1280x800 with --ui-scale 2
showed "CAN FLY (click or Tab to select): Bayraktar" and nothing more (its other wrapped parts fell below the
event log); and what `draw_panel` returns agrees with the room it chose (the log shrinks only when the text needs
it)."""

from __future__ import annotations

import pygame
import pytest
from conftest import app_of, shusha_scenario

from engine.rules import new_game

SIZES = [((1280, 800), 1.0), ((1024, 700), 1.0), ((1024, 700), 1.5), ((1600, 1000), 1.5), ((1280, 800), 2.0)]


def drawn_lines(app, surf, monkeypatch):
    """(text, rect, limit) of every line the panel draws (not measured, not skipped whole)."""
    from ui import panels

    got = []
    real = panels.Writer.line

    def line(w, s, *a, **kw):
        skipped_before = w.stopped and w.whole
        r = real(w, s, *a, **kw)
        if not w.measure and not (w.whole and w.stopped) and not skipped_before:
            got.append((s, r, w.limit))
        return r

    monkeypatch.setattr(panels.Writer, "line", line)
    panels.draw_panel(app, surf, app.panel_rect)
    monkeypatch.undo()
    return got


@pytest.mark.parametrize(("size", "scale"), SIZES)
def test_the_air_phase_panel_draws_every_line_whole(screen, monkeypatch, size, scale):
    app = app_of(new_game(shusha_scenario(), 0, track_sightings=True), (0,), size=size, ui_scale=scale)
    surf = pygame.Surface(size)
    app.render(surf)
    assert app.my_turn() and app.state.phase == "air"
    got = drawn_lines(app, surf, monkeypatch)
    cut = [(s, r.bottom, limit) for s, r, limit in got if limit is not None and r.bottom > limit]
    assert cut == []
    text = " ".join(s for s, _r, _l in got)
    for uid in ("az_tb2", "az_harop", "az_orbiter"):  # (every aircraft that can fly is named, at least by its id)
        assert uid in text


@pytest.mark.parametrize(("size", "scale"), SIZES)
def test_the_panel_end_agrees_with_the_log_room(screen, size, scale):
    """A long preview: the event log shrinks exactly when the text the panel returns ends below its full-log
    foot (a trailing rule let fall below the foot is not text)."""
    from ui import panels

    app = app_of(new_game(shusha_scenario(), 3), (1,), size=size, ui_scale=scale)
    surf = pygame.Surface(size)
    app.render(surf)
    for n in (4, 8, 13, 20):
        app.pending = (None, [f"preview line {k}: a modifier or the odds" for k in range(n)])
        bottom = panels.draw_panel(app, surf, app.panel_rect)
        assert (app.gui._log_level > 0) == (bottom > app.gui.info_bottom)
