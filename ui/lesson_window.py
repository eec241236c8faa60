"""The size of the lesson / briefing window (key L): the smallest window, no wider than it must be, in which the
whole text reads without scrolling. At 1280x800 and the default scale lesson 5's text scrolled about half out of a
window of 0.62 of the screen's width; a wider window, up to the whole screen (the game waits while it is open), fits
every lesson. Narrower is tried first: long lines are harder to read. When even the whole screen cannot hold the
text (a large --ui-scale on a small screen) the window says in its title that it scrolls."""

from __future__ import annotations

from typing import Any

import pygame

MARGIN = 6
"""Screen pixels left round a window as large as the screen (its frame stays on screen)."""
WIDTH_STEP = 0.05
"""How much wider (a share of the screen's width) each try is than the last."""
SLACK = 2
"""Pixels more than the text's measured height: a box exactly its text's height must not grow a scroll bar."""
SCROLLS_TITLE = " - scroll for more (mouse wheel)"
"""Added to the title of a window whose text does not fit: its scroll bar alone was easy to miss."""


def text_height(app: Any, html: str, width: int, container: Any) -> int:
    """The height of `html` wrapped in a text box `width` wide, as the window's own text box lays it out."""
    import pygame_gui

    probe = pygame_gui.elements.UITextBox(html_text=html, relative_rect=pygame.Rect(0, 0, width, -1),
                                          manager=app.gui.manager, container=container)
    h = probe.rect.height
    probe.kill()
    return h


def widths(first: int, most: int, screen_w: int) -> list[int]:
    """The window widths tried, narrowest first: the preferred one, then wider by `WIDTH_STEP` of the screen up to
    `most`.

    >>> widths(794, 1268, 1280)
    [794, 858, 922, 986, 1050, 1114, 1178, 1242, 1268]
    >>> widths(1300, 1268, 1280)
    [1268]
    """
    step = max(1, round(screen_w * WIDTH_STEP))
    out = list(range(min(first, most), most, step))
    return [*out, most]


def fit(app: Any, win: Any, html: str, bar: int) -> bool:
    """Resize and place the open window `win` so that `html` over a bar `bar` high (the side buttons) fits with no
    scroll bar: the narrowest width tried that holds it in the screen's height, then only as tall as the text.
    Returns False (the window as large as the screen, its title saying so) when no width does."""
    W, H = app.size
    most_w, most_h = W - 2 * MARGIN, H - MARGIN - top_edge(app, W - 2 * MARGIN)
    cw, ch = win.get_container().get_size()
    fw, fh = win.rect.w - cw, win.rect.h - ch  # (the frame: border and title bar)
    chosen = None
    for w in widths(win.rect.w, most_w, W):
        need = text_height(app, html, w - fw, win)
        room = H - MARGIN - top_edge(app, w) - fh - bar  # (a window over the panel keeps below its clock)
        if need <= room:
            chosen = (w, need + fh + bar + SLACK)
            break
    fits = chosen is not None
    w, h = chosen if chosen is not None else (most_w, most_h)
    win.set_dimensions((w, h))
    win.set_position(place(app, w, h).topleft)
    if not fits:
        win.set_display_title(win.window_display_title + SCROLLS_TITLE)
    return fits


def place(app: Any, w: int, h: int) -> pygame.Rect:
    """Where a `w` x `h` window goes: centred over the map, on the screen: clear of the side panel when it fits
    beside it (the panel's lines stay readable), else over as little of the panel as it must."""
    W, H = app.size
    m = app.map_rect
    r = pygame.Rect(0, 0, w, h)
    r.center = (m.centerx, H // 2)
    top = top_edge(app, w)
    r.clamp_ip(pygame.Rect(MARGIN, top, W - 2 * MARGIN, H - MARGIN - top))
    return r


def over_panel(app: Any, w: int) -> bool:
    """Whether a window `w` wide, centred over the map on the screen (`place`), runs over the side panel."""
    r = pygame.Rect(0, 0, w, 1)
    r.centerx = app.map_rect.centerx
    r.clamp_ip(pygame.Rect(MARGIN, 0, app.size[0] - 2 * MARGIN, 1))
    panel = getattr(app, "panel_rect", None)
    return panel is not None and r.right > panel.x


def top_edge(app: Any, w: int | None = None) -> int:
    """The highest the window's top may go: below the map's top-left hint when there is one ("Choose your side
    below the briefing", half hidden under a window grown to the screen's height at 1280x800), and, for a window
    `w` wide that runs over the side panel, below the panel's first line, the scenario and the clock (a teacher:
    at a projector's 1280x800 x1.5 the briefing hid the second half of "Shusha, ... — turn 1/26, Wed 28 Oct
    06:00"); else `MARGIN`."""
    from ui import panels

    top = MARGIN
    s = panels.top_hint(app)
    if s:
        top = max(top, app.map_rect.y + panels.TOP_HINT_Y + panels.top_hint_image(app, s).get_height() + 2)
    title = getattr(app, "panel_title_bottom", None)
    if title is not None and w is not None and over_panel(app, w):
        top = max(top, title - 2)  # (the window's shadow: its frame starts a few pixels lower)
    return top
