"""The SANDBOX tag keeps to a third of the map's width, its keys left to the help where they would take more than two
lines (an educator: at a projector's 1280x800 x1.5 it covered Shusha's name and the places by it)."""

from __future__ import annotations

from typing import Any

import pygame
from conftest import app_of, shusha_scenario

from engine.rules import new_game
from ui import sandbox


def _tag(size: tuple[int, int], scale: float) -> tuple[Any, pygame.Rect]:
    app = app_of(new_game(shusha_scenario(), 1, sandbox=True), (0,), size=size, ui_scale=scale)
    app.sandbox_cloud_base(up=False)  # (a held setting: the longest hint)
    surf = pygame.Surface(size)
    app.render(surf)
    box = sandbox.draw_tag(app, surf)
    assert box is not None
    return app, box


def test_at_a_projectors_size_the_tag_is_short_and_narrow(screen: Any) -> None:
    app, box = _tag((1280, 800), 1.5)
    assert box.w <= app.map_rect.w // 3 + 12 and box.h <= 4 * app.ui_text.line_height(10) + 8
    _, hint = sandbox.tag_lines(app, compact=True)
    assert hint.startswith(sandbox.TAG_HINT_SHORT) and "weather held: cloud base" in hint


def test_on_a_desktop_the_tag_still_lists_the_keys(screen: Any) -> None:
    app, box = _tag((1600, 1000), 1.0)
    assert box.w <= app.map_rect.w // 3 + 12
    lines = app.ui_text.wrap(sandbox.tag_lines(app)[1], 10, max(120, app.map_rect.w // 3))
    assert len(lines) <= 2  # (so the full keys were drawn)
