"""Low cloud drawn on the map: a cloud bank along the map's top edge and a tag saying which aircraft it grounds and
which fly under it. The panel and the log said so in words, but a class looking at the map saw no cloud at all (a
teacher); the tag's words come from the engine's `flight_limits`, over the public weather and order of battle."""

from __future__ import annotations

from typing import Any

import pygame

from engine.events import listed
from engine.weather import flight_limits
from ui.overlays import air_types_in_play
from ui.panels import type_tag

BAND_SHARE = 0.1
"""The cloud bank's depth, as a share of the map area's height (at least `BAND_MIN_PX`)."""
BAND_MIN_PX = 36
BAND_ALPHA = 215
"""The bank's opacity at the map's top edge; it fades to nothing at its foot (counters under it stay readable)."""
CLOUD: tuple[int, int, int] = (226, 230, 236)
INK: tuple[int, int, int] = (20, 24, 32)
TAG_PX = 13


def cloud_words(state: Any) -> str | None:
    """What this turn's cloud base does to the aircraft in play (both sides' types, from the order of battle and
    the weather, both public; arrived, present and not shot down), e.g. "Low cloud at 500 m grounds the TB2, Harop and
    Orbiter (patchy fog grounds the TB2 and Harop too); the Orlan-10 flies under it": what the fog grounds as well
    is said. None when the cloud grounds no aircraft (fog alone says nothing here: the panel has it)."""
    down: list[str] = []
    under: list[str] = []
    fogged: list[str] = []  # (of those, the ones the fog grounds as well)
    for ut in air_types_in_play(state, alive=True):  # (a drone shot down is no longer grounded: both sides saw it)
        name = type_tag(ut)
        if name in down or name in under:
            continue
        limits = flight_limits(ut, state.weather)
        if any(x.kind == "ceiling" for x in limits):
            down.append(name)
            if any(x.kind == "fog" for x in limits):
                fogged.append(name)
        elif not limits:
            under.append(name)
    if not down:
        return None
    # (an educator: on every Shusha turn of low cloud the fog grounds the armed drones too, and a student may
    # fairly say "it was the fog": the tag names both when both do)
    base = f"Low cloud at {state.weather.ceiling_m:.0f} m grounds the {listed(down)}"
    if fogged:
        base += (f" ({state.weather.fog} fog grounds {'them' if fogged == down else 'the ' + listed(fogged)} "
                 "too)")
    if under:
        base += f"; the {listed(under)} {'flies' if len(under) == 1 else 'fly'} under it"
    return base


TAG_STEP_PX = 24
"""The tag's possible places along the map's top edge, this far apart."""


def _tag_spot(app: Any, y: int, w: int, h: int) -> pygame.Rect:
    """Where along the map's top the tag hides the least (hexes, objectives, counters and place names, as a legend
    weighs them: `ui.legend_place`), leftmost on a tie; clear of the sandbox's tag at the top right (at a
    projector's 1280x800 x1.5 a tag at the top left sat on the hexes above Shusha)."""
    from ui import legend_place, sandbox

    mr = app.map_rect
    right = mr.right - 8 - w - (mr.w // 3 + 8 if sandbox.on(app) else 0)
    xs = list(range(mr.x + 8, max(mr.x + 8, right) + 1, TAG_STEP_PX))
    rects = [pygame.Rect(x, y, w, h) for x in xs]
    if len(rects) == 1 or getattr(app, "geo", None) is None:
        return rects[0]
    hidden = legend_place.costs(rects, legend_place.hex_centres(app), legend_place.busy_boxes(app))
    return rects[int(hidden.argmin())]


_BANDS: dict[tuple[int, int], pygame.Surface] = {}


def _band(w: int, depth: int) -> pygame.Surface:
    """The cloud bank, `w` x `depth` px, fading downwards (made once per size: it is drawn every frame)."""
    got = _BANDS.get((w, depth))
    if got is None:
        got = pygame.Surface((w, depth), pygame.SRCALPHA)
        for y in range(depth):
            got.fill((*CLOUD, round(BAND_ALPHA * (1 - y / depth) ** 1.2)), pygame.Rect(0, y, w, 1))
        _BANDS.clear()  # (one size at a time: a window resized keeps no stale bands)
        _BANDS[(w, depth)] = got
    return got


def draw(app: Any, screen: pygame.Surface) -> pygame.Rect | None:
    """The cloud bank and its tag over the map (under the panels, legends and windows drawn after it), when the
    cloud grounds an aircraft; the tag's rectangle on the screen, or None."""
    if app.pass_screen:
        return None
    words = cloud_words(app.state)
    if words is None:
        return None
    from ui.panels import TOP_HINT_Y, top_hint, top_hint_image

    mr = app.map_rect
    screen.blit(_band(mr.w, max(BAND_MIN_PX, round(mr.h * BAND_SHARE))), mr.topleft)
    t = app.ui_text
    lines = t.wrap(words, TAG_PX, max(160, round(mr.w * 0.6)))
    imgs = [t.render(s, TAG_PX, INK) for s in lines]
    w = max(i.get_width() for i in imgs) + 12
    h = sum(i.get_height() for i in imgs) + 6
    y = mr.y + TOP_HINT_Y
    hint = top_hint(app)
    if hint:  # (below whose turn it is, top left)
        y += top_hint_image(app, hint).get_height() + 2
    box = _tag_spot(app, y, w, h)
    screen.fill(CLOUD, box)  # (opaque: a no-go label under it showed through, a muddle of two texts)
    pygame.draw.rect(screen, (120, 128, 140), box, 1)
    yy = box.y + 3
    for img in imgs:
        screen.blit(img, (box.x + 6, yy))
        yy += img.get_height()
    return box
