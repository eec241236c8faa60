"""Cached text rendering scaled by --ui-scale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame

from engine.stats import half_up

SUBSTITUTES: dict[str, str] = {"→": "->", "−": "-", "▶": ">", "›": ">", "…": "...", "×": "x", "≥": ">=",
                               "≤": "<=", "—": "-", "–": "-"}
"""Plain stand-ins for characters the engine's texts use, for a font that has no glyph for them."""
_SUBST = str.maketrans(SUBSTITUTES)
_MISSING: dict[Any, dict[int, str]] = {}
"""Per font face: the translation table of the `SUBSTITUTES` characters it has no glyph for."""


def pct(p: float) -> str:
    """A probability as a whole percent, the one rounding every preview uses: half up, after the float noise of
    a sum of products is rounded away, so the same chance never shows as 12% in one line and 13% in the next
    (`:.0%` rounds half to even, and 0.125 computed two ways may land either side of it).

    >>> pct(0.125), pct(0.12499999999997), pct(0.12500000000003), pct(0.0), pct(1.0), pct(0.004)
    ('13%', '13%', '13%', '0%', '100%', '0%')
    """
    return f"{half_up(p * 100.0):.0f}%"


def clean(s: str, font: pygame.font.Font | None = None, face: Any = None) -> str:
    """`s` with the characters `font` cannot draw replaced by plain stand-ins ("→" by "->"); the characters it
    has stay (the engine writes "firepower 5 − protection 1" with a real minus). Without a font: all of them.
    `face`: what identifies the font's glyph set (its file; the size does not change it), to check it once."""
    if font is None:
        return s.translate(_SUBST)
    table = _MISSING.get(face) if face is not None else None
    if table is None:
        table = str.maketrans({c: r for c, r in SUBSTITUTES.items() if not has_glyph(font, c)})
        if face is not None:
            _MISSING[face] = table
    return s.translate(table)


def has_glyph(font: pygame.font.Font, ch: str) -> bool:
    """Whether `font` draws `ch` itself, not its "missing glyph" box (pygame reports metrics for both)."""

    def img(c: str) -> bytes:
        return pygame.image.tobytes(font.render(c, False, (255, 255, 255), (0, 0, 0)), "RGB")

    return img(ch) != img("\ue000")  # (a private-use code point: no text font has a glyph for it)


def ui_face(bold: bool = False) -> str | None:
    """The sans font pygame_gui ships (Noto Sans), so the panel text matches the widgets; None if missing."""
    try:
        import pygame_gui
    except ImportError:
        return None
    p = Path(pygame_gui.__file__).parent / "data" / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    return str(p) if p.exists() else None


class Text:
    def __init__(self, scale: float = 1.0, ui: bool = False) -> None:
        """`ui`: Noto Sans (panel and status text) instead of pygame's default font (map labels, counters)."""
        self.scale = scale
        self.ui = ui and ui_face() is not None
        self._fonts: dict[tuple[int, bool, bool], pygame.font.Font] = {}
        self._faces: dict[pygame.font.Font, Any] = {}
        self._cache: dict[tuple, pygame.Surface] = {}

    def font(self, px: int, bold: bool = False, italic: bool = False) -> pygame.font.Font:
        size = max(8, round(px * self.scale))
        key = (size, bold, italic)
        f = self._fonts.get(key)
        if f is None:
            if self.ui:
                f = pygame.font.Font(ui_face(bold), size)
            else:
                f = pygame.font.Font(None, int(size * 1.3))  # the default font renders small; compensate
                f.set_bold(bold)
            f.set_italic(italic)
            self._fonts[key] = f
            self._faces[f] = (ui_face(bold) if self.ui else None, italic)
        return f

    def clean(self, s: str, px: int = 13, bold: bool = False, italic: bool = False) -> str:
        """`s` as this text draws it: the characters its font lacks replaced (`clean`)."""
        f = self.font(px, bold, italic)
        return clean(s, f, self._faces.get(f))

    def line_height(self, px: int) -> int:
        return self.font(px).get_linesize()

    def render(self, s: str, px: int, colour: tuple[int, int, int], bold: bool = False,
               italic: bool = False) -> pygame.Surface:
        key = ("r", s, px, colour, bold, italic)
        img = self._cache.get(key)
        if img is None:
            if len(self._cache) > 3000:
                self._cache.clear()
            img = self._cache[key] = self.font(px, bold, italic).render(self.clean(s, px, bold, italic), True,
                                                                        colour)
        return img

    def halo(self, s: str, px: int, colour: tuple[int, int, int], halo: tuple[int, int, int],
             bold: bool = False, italic: bool = False) -> pygame.Surface:
        key = ("h", s, px, colour, halo, bold, italic)
        img = self._cache.get(key)
        if img is None:
            s = self.clean(s, px, bold, italic)
            fg = self.font(px, bold, italic).render(s, True, colour)
            bg = self.font(px, bold, italic).render(s, True, halo)
            w, h = fg.get_size()
            img = pygame.Surface((w + 4, h + 4), pygame.SRCALPHA)
            for dx in (-2, -1, 0, 1, 2):
                for dy in (-2, -1, 0, 1, 2):
                    if abs(dx) + abs(dy) in (1, 2, 3):
                        img.blit(bg, (2 + dx, 2 + dy))
            img.blit(fg, (2, 2))
            self._cache[key] = img
        return img

    def wrap(self, s: str, px: int, width: int, bold: bool = False) -> list[str]:
        """`s` in lines no wider than `width` as drawn (measured in the font it will be drawn in: bold is
        wider)."""
        key = ("w", s, px, width, bold)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = tuple(self._wrap(s, px, width, bold))  # type: ignore[assignment]
        return list(hit)  # type: ignore[arg-type]  # (a new list: callers add to it; the cache keeps a tuple)

    def _wrap(self, s: str, px: int, width: int, bold: bool = False) -> list[str]:
        f = self.font(px, bold)
        words = self.clean(s, px, bold).split(" ")
        lines: list[str] = []
        cur = ""
        for w in words:
            t = w if not cur else cur + " " + w
            if f.size(t)[0] <= width or not cur:
                cur = t
            else:
                lines.append(cur)
                cur = w
        if cur:
            lines.append(cur)
        return lines
