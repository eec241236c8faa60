"""NATO-style unit counters (side colour, type symbol, strength pips), cached as small images."""

from __future__ import annotations

import pygame

from ui import palette as pal
from ui.text import Text

_cache: dict[tuple, pygame.Surface] = {}


COUNTER_WIDTH = 1.55
"""Counter width per hex radius: most of the hex's flat-to-flat width (1.73), so a counter reads at the zoom
that shows the whole map, and neighbouring counters still do not touch."""


def counter_size(hex_size: float) -> tuple[int, int]:
    """(width, height) in pixels of a counter on hexes of radius `hex_size`."""
    w = max(18, round(hex_size * COUNTER_WIDTH))
    return w, max(13, round(w * 0.74))


def draw_symbol(surf: pygame.Surface, symbol: str, box: pygame.Rect, col: tuple[int, int, int], text: Text) -> None:
    x, y, w, h = box
    lw = 1 if w < 30 else 2
    cross = symbol in ("infantry", "special_forces", "mech_infantry", "motorized")
    if cross:
        pygame.draw.line(surf, col, (x, y), (x + w - 1, y + h - 1), lw)
        pygame.draw.line(surf, col, (x, y + h - 1), (x + w - 1, y), lw)
    if symbol in ("armour", "mech_infantry"):
        pygame.draw.ellipse(surf, col, (x + w * 0.18, y + h * 0.22, w * 0.64, h * 0.56), lw)
    if symbol == "motorized":
        pygame.draw.line(surf, col, (x + w // 2, y), (x + w // 2, y + h - 1), lw)
    if symbol == "special_forces" and h >= 9:
        img = text.render("SF", max(7, int(h * 0.55)), col, bold=True)
        r = img.get_rect(center=(x + w // 2, y + h // 2))
        pygame.draw.rect(surf, surf.get_at((x + 1, y + h // 2))[:3], r.inflate(-2, -2))
        surf.blit(img, r)
    if symbol == "artillery":
        pygame.draw.circle(surf, col, (x + w // 2, y + h // 2), max(2, h // 4))
    if symbol == "rocket_artillery":
        pygame.draw.circle(surf, col, (x + w // 3, y + h // 2 + h // 6), max(2, h // 6))
        pygame.draw.circle(surf, col, (x + 2 * w // 3, y + h // 2 + h // 6), max(2, h // 6))
        pygame.draw.lines(surf, col, False, [(x + w * 0.3, y + h * 0.35), (x + w * 0.5, y + h * 0.12),
                                             (x + w * 0.7, y + h * 0.35)], lw)
    if symbol == "air_defence":
        pygame.draw.arc(surf, col, (x + w * 0.1, y + h * 0.35, w * 0.8, h * 1.2), 0.0, 3.1416, lw + 1)
    if symbol == "uav":
        pygame.draw.lines(surf, col, False, [(x + w * 0.12, y + h * 0.3), (x + w * 0.5, y + h * 0.72),
                                             (x + w * 0.88, y + h * 0.3)], lw + 1)


HIDDEN_DASH = ((255, 255, 255), (0, 0, 0))
"""The two colours of a hidden unit's dashed border: one of them shows on any terrain and either side colour."""


def dashed_ring(surf: pygame.Surface, width: int, dash: int,
                colours: tuple[tuple[int, int, int], ...] = HIDDEN_DASH) -> None:
    """A ring `width` px thick along the edge of `surf`, in dashes of `colours` taken in turn, `dash` px long
    measured round the edge."""
    W, H = surf.get_size()
    for y in range(H):
        for x in range(W):
            if y < width:
                t = x
            elif x >= W - width:
                t = W + y
            elif y >= H - width:
                t = W + H + (W - 1 - x)
            elif x < width:
                t = 2 * W + H + (H - 1 - y)
            else:
                continue
            surf.set_at((x, y), colours[(t // dash) % len(colours)])


def hidden_ring_width(w: int) -> int:
    """How far a hidden unit's dashed ring stands out of its counter (the counter itself is unchanged)."""
    return 2 if w < 34 else 3


def counter_image(symbol: str, side: int, strength: int, max_steps: int, w: int, h: int, p: pal.Palette,
                  text: Text, hidden: bool = False, done: bool = False, label: str = "") -> pygame.Surface:
    """A counter; `label`: the unit's designation (`ui.designations`), drawn in its bottom left corner, left of
    the pips, on counters at least `LABEL_MIN_W` wide (none on smaller ones: it would not read). `hidden` (a unit
    the enemy has not found): as opaque and legible as any, with a dashed black-and-white border (a faded counter
    let the map and its names show through). `done`: an own unit that has already acted in this phase (moved,
    fired): darkened, as a wargame turns a counter that has moved."""
    label = label if w >= LABEL_MIN_W and h >= SMALL_COUNTER_H else ""
    # (the text's scale too: its digits and codes are drawn at it; a counter cached at another --ui-scale came back)
    key = (symbol, side, strength, max_steps, w, h, p.name, hidden, done, label, text.scale)
    img = _cache.get(key)
    if img is not None:
        return img
    img = pygame.Surface((w, h), pygame.SRCALPHA)
    fill = p.side[side]
    dark = p.side_dark[side]
    img.fill(fill)
    pygame.draw.rect(img, dark, img.get_rect(), 1)
    if h < SMALL_COUNTER_H:
        _small_counter(img, symbol, strength, dark, text)
    else:
        _pips_counter(img, symbol, strength, max_steps, dark, text, label)
    if done:
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, DONE_SHADE))
        img.blit(shade, (0, 0))
    if hidden:  # the counter whole, in a dashed ring round it
        b = hidden_ring_width(w)
        ring = pygame.Surface((w + 2 * b, h + 2 * b), pygame.SRCALPHA)
        dashed_ring(ring, b, max(3, w // 6))
        ring.blit(img, (b, b))
        img = ring
    if len(_cache) > 2000:
        _cache.clear()
    _cache[key] = img
    return img


DONE_SHADE = 120
"""Alpha of the black laid over a counter that has acted this phase: clearly darker, still legible."""

LABEL_MIN_W = 40
"""Counters narrower than this carry no designation: its characters would be under 9 px, or crowd the pips."""

LABEL_MIN_PX = 10
"""The smallest type a designation is drawn in."""

SMALL_COUNTER_H = 20
"""Below this height (the zoom that shows a whole large map) pips and a symbol under them are too small to read
(a 5 px symbol, 3 px pips): the counter gives its symbol the whole height and its strength as a digit."""


SMALL_CODES = {"infantry": ("IN", "infantry"), "special_forces": ("SF", "special forces"),
               "mech_infantry": ("MI", "mechanised"), "motorized": ("MR", "motor rifles"), "armour": ("TK", "tanks"),
               "artillery": ("AR", "artillery"), "rocket_artillery": ("RL", "rocket launchers"),
               "air_defence": ("AD", "air defence"), "uav": ("UA", "drones")}
"""Type code and name per symbol, for the small counters (the NATO symbol's shape does not survive 5 px); the
help (H) lists them."""


CODE_MIN_PX = 9
"""The smallest type a code is drawn in: at 7-8 px the map font draws "MR" as "IIIR", a regiment's mark."""


def _code_px(box_w: int, h: int, text: Text) -> int:
    """The largest type size at which every code fits a box `box_w` wide: one size for all the counters of a
    zoom, so that no type looks bigger than another; never below `CODE_MIN_PX`."""
    key = ("code_px", box_w, h)
    got = _cache.get(key)
    if got is None:
        px = max(CODE_MIN_PX, h - 3)
        while px > CODE_MIN_PX and max(text.render(c, px, (0, 0, 0), bold=True).get_width()
                             for c, _ in SMALL_CODES.values()) > box_w:
            px -= 1
        got = _cache[key] = px  # type: ignore[assignment]
    return got  # type: ignore[return-value]


def _small_counter(img: pygame.Surface, symbol: str, strength: int, dark: tuple[int, int, int], text: Text) -> None:
    w, h = img.get_size()
    dpx = max(9, h - 4)  # (a 9 px digit reads)
    digit = text.render(str(strength), dpx, (255, 255, 255), bold=True)
    dw = text.render("8", dpx, (255, 255, 255), bold=True).get_width()  # (the widest: one layout for every unit)
    box = pygame.Rect(1, 1, w - dw - 2, h - 2)
    img.fill((250, 250, 250), box)
    words = SMALL_CODES.get(symbol, (symbol[:2].upper(), ""))[0]
    code = text.render(words, _code_px(box.w, h, text), (10, 10, 10), bold=True)
    # (at the smallest size a code may be a pixel wider than its box: from its left edge then, under the digit)
    at = code.get_rect(center=box.center) if code.get_width() <= box.w else code.get_rect(midleft=box.midleft)
    img.blit(code, at)
    img.blit(digit, digit.get_rect(midright=(w - 1, h // 2 + 1)))


def label_image(label: str, h: int, text: Text) -> pygame.Surface:
    """A designation's white bold characters cut to their ink, sized to the counter's height `h`: no taller than
    the strip under the symbol box (at a UI scale of 1.5 the characters reached up onto the white box, and its
    upper half vanished there)."""
    key = ("label", label, h, text.scale)
    img = _cache.get(key)
    if img is None:
        room = max(3, h // 5) + 2  # (the pips' height and the gaps above and below them)
        px = max(LABEL_MIN_PX, round(h * 0.36))
        while True:
            raw = text.render(label, px, (255, 255, 255), bold=True)
            ink = raw.get_bounding_rect()
            if ink.h <= room or px <= 6:
                break
            px -= 1
        img = _cache[key] = raw.subsurface(ink).copy()
    return img


def _pips_counter(img: pygame.Surface, symbol: str, strength: int, max_steps: int, dark: tuple[int, int, int],
                  text: Text, label: str = "") -> None:
    w, h = img.get_size()
    pip_h = max(3, h // 5)
    m = int(w * 0.15)  # the symbol box as wide as the pips below it allow: it carries the unit's type
    box = pygame.Rect(m, 2, w - 2 * m, h - pip_h - 5)
    pygame.draw.rect(img, (250, 250, 250), box)
    pygame.draw.rect(img, (10, 10, 10), box, 1)
    draw_symbol(img, symbol, box.inflate(-2, -2), (10, 10, 10), text)
    left = 3  # (the pips' row starts here: right of the designation, if any)
    if label:  # in the bottom left corner, under the symbol box, its foot on the pips' foot
        tag = label_image(label, h, text)
        img.blit(tag, tag.get_rect(bottomleft=(3, h - 2)))
        left = 3 + tag.get_width() + 2
    # strength pips: filled for remaining steps
    n = max(max_steps, strength)
    pw = max(2, min(pip_h + 1, (w - left - 3) // max(1, n) - 1))
    x0 = left + (w - left - 3 - (pw + 1) * n) // 2 if label else (w - (pw + 1) * n) // 2
    for k in range(n):
        r = pygame.Rect(x0 + k * (pw + 1), h - pip_h - 2, pw, pip_h)
        if k < strength:
            pygame.draw.rect(img, (255, 255, 255), r)
        pygame.draw.rect(img, dark, r, 1)


def last_seen_image(symbol: str, side: int, turn: int, w: int, h: int, p: pal.Palette, text: Text,
                    label: str | None = None) -> pygame.Surface:
    """Where an enemy unit was last seen: a hollow counter (see-through fill, outline in its side's colour, its
    type symbol, no strength pips) with "T<turn>" under it - unlike any real counter, so it is not taken for a
    unit seen now. `label`: the words under it instead of "T<turn>" ("": none; several marks on one hex carry
    one label, under the last, so their labels do not print over each other)."""
    words = f"T{turn}" if label is None else label
    key = ("last_seen", symbol, side, words, w, h, p.name)
    img = _cache.get(key)
    if img is not None:
        return img
    tag = text.halo(words, max(9, int(h * 0.62)), (0, 0, 0), (255, 255, 255), bold=True) if words else None
    W = max(w, tag.get_width() if tag else 0)
    img = pygame.Surface((W, h + (tag.get_height() - 3 if tag else 0)), pygame.SRCALPHA)
    body = pygame.Rect((W - w) // 2, 0, w, h)
    img.fill((*p.side[side], 70), body)
    box = pygame.Rect(body.x + int(w * 0.18), 2, int(w * 0.64), h - max(3, h // 5) - 5)
    img.fill((255, 255, 255, 150), box)
    draw_symbol(img, symbol, box.inflate(-2, -2), (60, 60, 60), text)
    lw = 2 if w < 34 else 3
    pygame.draw.rect(img, (20, 20, 20), body, 1)
    pygame.draw.rect(img, p.side[side], body.inflate(-2, -2), lw)
    if tag is not None:
        img.blit(tag, tag.get_rect(midtop=(W // 2, h - 3)))
    if len(_cache) > 2000:
        _cache.clear()
    _cache[key] = img
    return img
