"""Session 34 educator playtest at 1280x800, --ui-scale 1.5: the side panel's event log showed ~4 events under an
empty band (it stood at a fixed third of the panel's height, whatever the text above it left). The log now takes the
room the panel's text leaves: its title just under the text, its list down to the buttons, in whole rows; it leaves
the hovered hex its lines while the mouse is over the map; its rows are wrapped to what a row holds at any
--ui-scale (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
import pytest
from conftest import ROOT, app_of, goto, shusha_scenario

from engine.orders import Recon
from engine.rules import new_game
from engine.scenario import load_scenario

SIZES = [((1280, 800), 1.5), ((1600, 1000), 1.0), ((1024, 700), 1.0), ((1024, 700), 1.5), ((1920, 1080), 1.0),
         ((1920, 1080), 2.0), ((1280, 800), 2.0), ((1280, 800), 1.0)]


def played(size: tuple[int, int], scale: float, side: int, scenario: Any = None, turns: int = 6) -> Any:
    """What `wargame play SCEN --autoplay 6 --screenshot` shows: the AIs' `turns` turns, then the screen settled
    (the mouse never moved)."""
    scen = scenario or shusha_scenario()
    app = app_of(new_game(scen, 0, track_sightings=True), (side,), size=size, ui_scale=scale)
    app.run_ai_until(app.state.turn + turns)
    app.open_on_own_forces()
    surf = pygame.Surface(size)
    app.settle(surf)
    frame(app, surf)
    return app, surf


def frame(app: Any, surf: pygame.Surface) -> None:
    """Frames as the game loop draws them (pygame_gui lays the list's rows out in its update)."""
    for _ in range(2):
        app.render(surf)
        app.gui.manager.update(0.05)


def drawn_lines(app: Any, surf: pygame.Surface, monkeypatch: Any) -> list[tuple[str, pygame.Rect]]:
    """(text, rectangle) of the panel's lines drawn in one frame (not measured, not skipped, not below the limit)."""
    from ui import panels

    got: list[tuple[str, pygame.Rect]] = []
    real = panels.Writer.line

    def line(w: Any, s: str, *a: Any, **kw: Any) -> pygame.Rect:
        skipped = w.whole and w.stopped
        r = real(w, s, *a, **kw)
        if not w.measure and not skipped and not (w.whole and w.stopped) and (w.limit is None or r.bottom <= w.limit):
            got.append((s, r))
        return r

    monkeypatch.setattr(panels.Writer, "line", line)
    app.render(surf)
    monkeypatch.setattr(panels.Writer, "line", real)
    return got


def whole_rows(app: Any) -> int:
    """Rows of the event log on screen whole (each a widget of the list's virtual rows)."""
    box = app.gui.log_box
    inside = box.list_and_scroll_bar_container.rect
    return sum(1 for it in box.item_list if it["button_element"] is not None
               and inside.top <= it["button_element"].rect.top and it["button_element"].rect.bottom <= inside.bottom)


def newest_row_on_screen(app: Any) -> bool:
    items = app.gui.log_box.item_list
    return bool(items) and items[-1]["button_element"] is not None


def move_mouse(app: Any, pos: tuple[int, int]) -> None:
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))


# ------------------------------------------------------------------------------------- the playtest's screens
@pytest.mark.parametrize("side", [1, 0])
def test_the_log_shows_more_rows_at_1280x800_and_scale_1_5(screen, side):
    """The playtest's screen: the log held 9 rows (~4 events) under ~170 px (defender's view) or ~95 px (attacker's,
    its phase hint above) of empty panel; now 15 and 11."""
    app, _ = played((1280, 800), 1.5, side)
    assert whole_rows(app) >= (14 if side == 1 else 11)
    assert newest_row_on_screen(app)


@pytest.mark.parametrize(("size", "scale"), SIZES)
@pytest.mark.parametrize("side", [1, 0])
def test_the_log_meets_the_panel_text_at_every_size(screen, monkeypatch, size, scale, side):
    """No empty band: the log's title stands within a few pixels of the panel's last drawn line (the rule under it
    and 2 px); no line runs under it; the list reaches down to the buttons in whole rows (followed to its end, its
    top row was cut to a sliver of descenders), what is over less than a row, given to the title."""
    app, surf = played(size, scale, side)
    lines = drawn_lines(app, surf, monkeypatch)
    g = app.gui
    title, box = g.log_title.rect, g.log_box.rect
    last = max(r.bottom for _s, r in lines)
    assert last <= title.top  # (nothing under the log's title)
    assert title.top - last <= 8
    assert title.h - g._log_rects[False][0].h < g.log_box.list_item_height
    assert box.top == title.bottom and box.bottom == g.buttons["end"].rect.top - 6
    assert g.log_box.list_and_scroll_bar_container.rect.h % g.log_box.list_item_height == 0
    assert newest_row_on_screen(app)


@pytest.mark.parametrize(("size", "scale"), [((1280, 800), 1.5), ((1920, 1080), 2.0), ((1024, 700), 1.5)])
def test_no_log_row_is_cut_at_the_lists_edge(screen, size, scale):
    """The rows were wrapped to the list's width less a fixed 48 px: at --ui-scale 2 an indented row ran past the
    list's edge ("see at most 12" lost its "12")."""
    from ui.gui import log_font_px

    app, _ = played(size, scale, 1)
    box = app.gui.log_box
    font = app.ui_text.font(log_font_px(1.0))
    room = box.list_and_scroll_bar_container.rect.w - box.scroll_bar_width - 2 * 4  # (the rows' padding)
    wide = [(it["text"], font.size(it["text"])[0]) for it in box.item_list if font.size(it["text"])[0] > room]
    assert len(box.item_list) > 20 and wide == []


# --------------------------------------------------------------------------- the mouse: the hovered hex's room
def test_the_hovered_hex_keeps_its_room_while_the_mouse_is_over_the_map(screen, monkeypatch):
    """Over the map the log leaves the hovered hex its lines (a ravine hex's terrain, defence and move costs
    whole), wherever the mouse is on the map; over the panel, where the class reads the log, it takes that room; it
    follows its newest row each time."""
    app, surf = played((1280, 800), 1.5, 1, load_scenario(ROOT / "scenarios" / "lessons" / "ambush.json"), 2)
    g = app.gui
    free = g.log_title.rect.top
    ravine = app.state.map.idx((5, 4))
    x, y = app.hex_to_screen(ravine)
    move_mouse(app, (round(x), round(y)))
    assert app.hover == ravine
    frame(app, surf)
    lines = drawn_lines(app, surf, monkeypatch)
    near = g.log_title.rect.top
    assert free < near and max(r.bottom for _s, r in lines) <= near  # (the room given back, nothing under the log)
    assert [s for s, _r in lines if s.startswith("move cost")]  # (the hex's lines whole, its last too)
    assert whole_rows(app) >= 9 and newest_row_on_screen(app)
    tops = set()  # (its place does not depend on the hex under the mouse, nor on none: the panel does not jump)
    for x in range(20, app.map_rect.w - 20, 97):
        move_mouse(app, (x, app.map_rect.h // 2 + 40))
        frame(app, surf)
        tops.add(g.log_title.rect.top)
    move_mouse(app, (5, app.map_rect.bottom - 5))  # (the status bar at the map's foot: no hex hovered)
    assert app.hover is None
    frame(app, surf)
    assert tops | {g.log_title.rect.top} == {near}
    move_mouse(app, (app.panel_rect.centerx, g.log_box.rect.centery))  # (over the log: reading it)
    assert app.hover is None
    frame(app, surf)
    assert g.log_title.rect.top == free and whole_rows(app) >= 14 and newest_row_on_screen(app)


# -------------------------------------------------------------------------------- an order's preview: level 1
def test_the_shrunk_log_rises_to_a_previews_end(screen, monkeypatch, shusha):
    """A recon sortie's preview at 1326x700 shrank the log to its 4 rows under an empty band; it keeps at least
    those and takes what the preview leaves, its newest row in view."""
    from ui.gui import LOG_MIN_ROWS

    app = app_of(goto(new_game(shusha, 0, "overcast", track_sightings=True), "defender", "air"), (1,), size=(1326, 700))
    surf = pygame.Surface(app.size)
    frame(app, surf)
    app.select("arm_orlan")
    app.preview(Recon("arm_orlan", (0, 0)))
    frame(app, surf)
    g = app.gui
    assert g._log_level == 1
    lines = drawn_lines(app, surf, monkeypatch)
    last = max(r.bottom for _s, r in lines)
    assert last <= g.log_title.rect.top and g.log_title.rect.top - last <= 8
    assert whole_rows(app) > LOG_MIN_ROWS + 2 and newest_row_on_screen(app)
