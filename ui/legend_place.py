"""Where the overlay legend goes (`panels.draw_legends`): the spot along the map area's edges that hides the least of
what a player reads on the map. The legend of the movement overlay (key 1) sat in the bottom-left corner whenever
that corner held no counter, and so hid rows of hexes a player was choosing moves among. Now every hex it would
cover counts; a counter, an objective hex, a place name or a hex the selected unit can reach counts more; and a spot
off the map's hexes (the map area's margin round a small map) costs nothing. A click on the legend folds it to its
title line (`panels.draw_legends`), for the hexes no spot leaves clear. The player's own counters count more than
an enemy's, and one an overlay tags ("NO SUPPLY") more than all the rest: the supply legend sat over the tags it
explains (s33 playtest); where no spot leaves those clear the legend folds by itself."""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame

TOP = 34
"""Pixels kept clear at the top of the map area (the line saying who is playing)."""
BOTTOM = 50
"""Pixels kept clear at the bottom of the map area (the status bar)."""
INSET = 8
"""The legend's distance from the map area's sides."""
STEP = 24
"""Pixels between the spots tried along each edge."""
WEIGHTS = {"hex": 1, "reach": 6, "counter": 30, "objective": 30, "place": 10, "own": 500, "tagged": 100_000}
"""What hiding each thing costs: a hex of the map; a hex the selected unit can move to (lit, with its cost); a
counter or a last-seen mark; an objective hex; a place name; one of the player's own counters (more than a spot's
whole spread of hexes: the legend goes where it hides none when it can); an own counter an overlay tags ("NO
SUPPLY"), with its tag: the supply legend explains those tags, and sat over them on Shusha (seed 3, turn 16)."""
OVERFLOW = 1000
"""The cost of each pixel of a legend's height beyond the map area (`best_spot_cost`): the shape that fits wins."""
HEX_REACH = 0.5
"""A hex counts as hidden when its centre is within this many hex radii inside the legend's edge or beyond it
(half a hex and more under the box)."""


def spots(area: pygame.Rect, width: int, height: int) -> list[pygame.Rect]:
    """The legend's possible places, corners first (bottom left, bottom right, top right, top left: the order a
    tie is settled in, as before), then along the bottom, top, left and right edges every `STEP` pixels."""
    x0, x1 = area.x, max(area.x, area.right - width)
    y0, y1 = area.y, max(area.y, area.bottom - height)
    out = [(x0, y1), (x1, y1), (x1, y0), (x0, y0)]
    xs = list(range(x0 + STEP, x1, STEP))
    ys = list(range(y0 + STEP, y1, STEP))
    out += [(x, y1) for x in xs] + [(x, y0) for x in xs] + [(x0, y) for y in ys] + [(x1, y) for y in ys]
    return [pygame.Rect(x, y, width, height) for x, y in out]


def hex_centres(app: Any) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """Screen x, y of every hex's centre, the hex radius and each hex's weight beyond a plain hex's (an objective's,
    a hex in the selected unit's reach); none for a stand-in of the app without a map."""
    geo = getattr(app, "geo", None)
    if geo is None:
        e = np.zeros(0)
        return e, e, 0.0, np.zeros(0, int)
    mr = app.map_rect
    sx = geo.cx - int(app.vx) + mr.x
    sy = geo.cy - int(app.vy) + mr.y
    extra = np.zeros(len(sx), int)
    reach = sorted(app.destinations()) if hasattr(app, "destinations") else []
    if reach:
        extra[reach] = WEIGHTS["reach"] - WEIGHTS["hex"]
    objective = sorted(getattr(getattr(app, "renderer", None), "objective", ()) or ())
    if objective:
        extra[objective] = WEIGHTS["objective"] - WEIGHTS["hex"]
    return sx, sy, float(geo.size), extra


def cost(r: pygame.Rect, centres: tuple[np.ndarray, np.ndarray, float, np.ndarray], busy: list[tuple[int, Any]],
         ) -> int:
    """What the legend at `r` hides: every hex under it (see `HEX_REACH`), more for an objective hex or one in
    the selected unit's reach, and the counters and place names it overlaps."""
    return int(costs([r], centres, busy)[0])


def costs(rects: list[pygame.Rect], centres: tuple[np.ndarray, np.ndarray, float, np.ndarray],
          busy: list[tuple[int, Any]]) -> np.ndarray:
    """`cost` of each of `rects` at once (every frame draws the legend: some hundred spots, thousands of hexes)."""
    sx, sy, size, extra = centres
    m = size * HEX_REACH
    box = np.array([(r.left, r.top, r.right, r.bottom) for r in rects], float).reshape(-1, 4)
    lo_x, lo_y, hi_x, hi_y = (box[:, k:k + 1] for k in range(4))
    near = (sx > box[:, 0].min() - m) & (sx < box[:, 2].max() + m) & (sy > box[:, 1].min() - m) \
        & (sy < box[:, 3].max() + m)  # (only the hexes any spot could cover)
    hx, hy, hw = sx[near][None, :], sy[near][None, :], WEIGHTS["hex"] + extra[near]
    under = (hx > lo_x - m) & (hx < hi_x + m) & (hy > lo_y - m) & (hy < hi_y + m)
    out = under.astype(np.int64) @ hw.astype(np.int64)
    if busy:
        wt = np.array([w for w, _ in busy], np.int64)
        b = np.array([(r.left, r.top, r.right, r.bottom) for _, r in busy], float)
        hit = (lo_x < b[:, 2]) & (hi_x > b[:, 0]) & (lo_y < b[:, 3]) & (hi_y > b[:, 1])
        hit &= (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1]) & (hi_x > lo_x) & (hi_y > lo_y)  # (an empty rectangle
        # overlaps nothing, as in pygame)
        out = out + hit.astype(np.int64) @ wt
    return out


def best_spot_cost(app: Any, width: int, height: int) -> tuple[int, pygame.Rect]:
    """The spot (`spots`) that hides the least (`cost`), the first such in `spots`' order, and its cost."""
    mr = app.map_rect
    bottom = max(BOTTOM, getattr(app, "status_bar_h", 0) + INSET)  # (taller at --ui-scale 2, or on 3 lines)
    area = pygame.Rect(mr.x + INSET, mr.y + TOP, max(1, mr.w - 2 * INSET), max(1, mr.h - TOP - bottom))
    rects = spots(area, width, height)
    c = costs(rects, hex_centres(app), legend_busy(app))
    if height > area.h:  # (a shape taller than the map area spills over the status bar and off the screen: it
        c = c + OVERFLOW * (height - area.h)  # hid "fewer hexes" there only because none are drawn)
    k = int(np.argmin(c))  # (the first of the cheapest)
    return int(c[k]), rects[k]


def cost_at(app: Any, r: pygame.Rect) -> int:
    """What the legend at `r` hides, counters and place names included (`panels.draw_legends` keeps its last spot
    while this is near the best)."""
    return cost(r, hex_centres(app), legend_busy(app))


def legend_busy(app: Any) -> list[tuple[int, pygame.Rect]]:
    """`busy_boxes`, and the low-cloud tag drawn before the legend this frame (`ui.sky`), as much as an own counter:
    a legend at the top left hid the tag that says what the cloud grounds. (The legend's alone: the tag is placed
    on `busy_boxes`, which do not hold it.)"""
    tag = getattr(app, "sky_tag_rect", None)
    return busy_boxes(app) + ([(WEIGHTS["own"], tag.copy())] if tag is not None else [])


def busy_boxes(app: Any) -> list[tuple[int, pygame.Rect]]:
    """The counters, place names and no-go areas' names on screen, each with what hiding it costs (`WEIGHTS`), the
    player's own counters (`own_boxes`) once more; their rectangles are the map surface's, moved by the view's
    scroll."""
    mr = app.map_rect
    off = (-int(app.vx) + mr.x, -int(app.vy) + mr.y)
    busy = [(WEIGHTS["counter"], b.move(*off)) for b in getattr(app, "counter_boxes", [])]
    busy += [(WEIGHTS["place"], b.move(*off)) for _, b in getattr(app, "place_labels", [])]
    busy += [(w, b.move(*off)) for w, b in own_boxes(app)]
    # the no-go areas' names, as a place's (screen rectangles: their layer is drawn at the window's corner): the
    # cloud tag, made opaque, cut one in half (a reviewer)
    busy += [(WEIGHTS["place"], b.copy()) for b in getattr(app, "no_go_label_rects", None) or []]
    return busy


def own_boxes(app: Any) -> list[tuple[int, pygame.Rect]]:
    """The player's own counters (`app.unit_boxes`, map-surface rectangles), each with its cost beyond a plain
    counter's: `WEIGHTS["own"]`, or `WEIGHTS["tagged"]` for one an overlay shown tags, with the marks over it
    (`app.mark_boxes`: its ring and its tag, across the top or foot of the stack and wider than the counter), in
    unit-id order."""
    boxes = getattr(app, "unit_boxes", None) or {}
    view = getattr(app, "view", None)
    if not boxes or view is None:
        return []
    own = sorted(u.id for u in (app.state.units if getattr(app, "omniscient", False) else view.own))
    tagged = {uid for res in getattr(app, "_overlay_res", None) or [] for uid, (_, tag) in res.unit_marks.items()
              if tag}
    marks = list(getattr(app, "mark_boxes", None) or [])
    out = []
    for uid in own:
        got = boxes.get(uid)
        if got is None:
            continue
        r = got[1]
        if uid in tagged:
            near = r.inflate(4, r.h)
            out.append((WEIGHTS["tagged"], near.unionall([m for m in marks if m.colliderect(near)] or [near])))
        else:
            out.append((WEIGHTS["own"], r))
    return out


def best_spot(app: Any, width: int, height: int) -> pygame.Rect:
    """The spot (`spots`) that hides the least (`cost`); the first such in `spots`' order."""
    return best_spot_cost(app, width, height)[1]
