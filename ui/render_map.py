"""Static map rendering: terrain with hill-shading, forests, ravines, towns, cliffs, rivers, roads, place names
and objective outlines, cached to one surface per zoom level. Pure drawing; no game rules."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pygame

from engine import hexgrid
from engine.mapdata import GameMap
from ui import palette as pal
from ui.text import Text

SQRT3 = math.sqrt(3.0)
ZOOM_LEVELS: tuple[int, ...] = (7, 9, 10, 11, 12, 14, 16, 20, 25, 31, 38)
"""Hex radius in pixels per zoom level."""


class MapGeometry:
    """Pixel geometry of the map at one hex size: centres of every hex on the cached map surface."""

    def __init__(self, gmap: GameMap, size: float) -> None:
        self.size = size
        q, r = gmap.q.astype(float), gmap.r.astype(float)
        x = (SQRT3 * q + SQRT3 / 2 * r) * size
        y = 1.5 * r * size
        self.ox = -float(x.min()) + size * SQRT3 / 2 + 2
        self.oy = -float(y.min()) + size + 2
        self.layout = hexgrid.Layout(size, size, self.ox, self.oy)
        self.cx = x + self.ox
        self.cy = y + self.oy
        self.width = math.ceil(float(self.cx.max()) + size * SQRT3 / 2 + 3)
        self.height = math.ceil(float(self.cy.max()) + size + 3)
        self._corner = [hexgrid.hex_corner_offset(self.layout, i) for i in range(6)]
        self.gmap = gmap

    def center(self, idx: int) -> tuple[float, float]:
        return float(self.cx[idx]), float(self.cy[idx])

    def corners(self, idx: int, shrink: float = 1.0) -> list[tuple[float, float]]:
        cx, cy = self.cx[idx], self.cy[idx]
        return [(cx + ox * shrink, cy + oy * shrink) for ox, oy in self._corner]

    def edge(self, idx: int, d: int) -> tuple[tuple[float, float], tuple[float, float]]:
        a, b = hexgrid.edge_corners(d)
        c = self.corners(idx)
        return c[a], c[b]

    def hex_at(self, x: float, y: float) -> int | None:
        """Flat index of the hex under map-surface pixel (x, y), or None off the map."""
        h = hexgrid.pixel_to_hex(self.layout, x, y)
        col, row = hexgrid.axial_to_offset(h)
        if 0 <= col < self.gmap.cols and 0 <= row < self.gmap.rows:
            return row * self.gmap.cols + col
        return None


def hillshade(gmap: GameMap) -> np.ndarray:
    """Per-hex lightness factor in [-0.45, 0.45]: higher is lighter, slopes facing the NW light are lighter."""
    e = gmap.elevation
    lo, hi = float(e.min()), float(e.max())
    base = ((e - lo) / max(1.0, hi - lo) - 0.5) * 0.45
    nbr = gmap.nbr
    se = np.where(nbr[:, 5] >= 0, e[np.maximum(nbr[:, 5], 0)], e)
    nw = np.where(nbr[:, 2] >= 0, e[np.maximum(nbr[:, 2], 0)], e)
    w = np.where(nbr[:, 3] >= 0, e[np.maximum(nbr[:, 3], 0)], e)
    east = np.where(nbr[:, 0] >= 0, e[np.maximum(nbr[:, 0], 0)], e)
    slope = ((se - nw) + 0.5 * (east - w)) / (gmap.hex_km * 1000.0)
    return np.clip(base + np.clip(slope * 0.9, -0.3, 0.3), -0.5, 0.5)


class MapRenderer:
    """Builds and caches the static map surface for each zoom level."""

    def __init__(self, state: Any, palette: pal.Palette, text: Text) -> None:
        self.state = state
        self.gmap: GameMap = state.map
        self.scen = state.scenario
        self.palette = palette
        self.text = text
        self._geo: dict[int, MapGeometry] = {}
        self._surf: dict[int, pygame.Surface] = {}
        self.shade = hillshade(self.gmap)
        self.codes = [self.gmap.terrain_codes[t] for t in self.gmap.terrain]
        self.objective = set()
        for ob in self.scen.objectives:
            self.objective.update(self.gmap.idx(h) for h in ob.hexes)

    def geometry(self, size: int) -> MapGeometry:
        g = self._geo.get(size)
        if g is None:
            g = self._geo[size] = MapGeometry(self.gmap, size)
        return g

    def surface(self, size: int) -> pygame.Surface:
        s = self._surf.get(size)
        if s is None:
            if len(self._surf) > 3:  # keep memory bounded at high zoom
                self._surf.pop(next(iter(self._surf)))
            s = self._surf[size] = self._build(size)
        return s

    def set_palette(self, palette: pal.Palette) -> None:
        self.palette = palette
        self._surf.clear()

    # ------------------------------------------------------------------ building
    def _build(self, size: int) -> pygame.Surface:
        g = self.geometry(size)
        p = self.palette
        gm = self.gmap
        surf = pygame.Surface((g.width, g.height))
        surf.fill((48, 52, 58))
        n = gm.n
        # terrain fill with hill-shading
        for i in range(n):
            code = self.codes[i]
            base = p.terrain.get(code, (200, 200, 200))
            col = pal.shade(base, float(self.shade[i]))
            pts = g.corners(i)
            pygame.draw.polygon(surf, col, pts)
            if size >= 9:
                pygame.draw.polygon(surf, pal.shade(col, -0.18), pts, 1)
        # terrain patterns
        for i in range(n):
            code = self.codes[i]
            if code == "f":
                self._trees(surf, g, i)
            elif code in ("t", "v"):
                self._buildings(surf, g, i, code == "t")
            elif code == "m" and size >= 11:
                cx, cy = g.center(i)
                s = size * 0.35
                pygame.draw.lines(surf, pal.shade(p.terrain["m"], -0.45), False,
                                  [(cx - s, cy + s * 0.5), (cx, cy - s * 0.5), (cx + s, cy + s * 0.5)], 1)
        self._ravines(surf, g)
        self._rivers(surf, g)
        self._cliffs(surf, g)
        self._roads(surf, g)
        self._objectives(surf, g)
        return surf.convert() if pygame.display.get_surface() is not None else surf

    def _trees(self, surf: pygame.Surface, g: MapGeometry, i: int) -> None:
        cx, cy = g.center(i)
        s = g.size
        r = max(1.5, s * 0.17)
        dark = self.palette.tree
        big = ((-0.38, 0.12), (0.38, 0.12), (0.0, -0.32), (0.0, 0.48))
        small = ((-0.3, 0.1), (0.3, 0.1), (0, -0.35))
        offs = big if s >= 11 else small
        for ox, oy in offs:
            x, y = cx + ox * s, cy + oy * s
            pygame.draw.line(surf, (70, 50, 30), (x, y), (x, y + r * 1.4), max(1, int(r / 3)))
            pygame.draw.circle(surf, dark, (x, y), r)

    def _buildings(self, surf: pygame.Surface, g: MapGeometry, i: int, town: bool) -> None:
        cx, cy = g.center(i)
        s = g.size
        b = max(2, int(s * (0.2 if town else 0.17)))
        offs = ((-0.3, -0.25), (0.25, -0.2), (-0.15, 0.25), (0.3, 0.3)) if town else ((-0.18, 0.0), (0.2, 0.15))
        for ox, oy in offs:
            pygame.draw.rect(surf, (70, 45, 40), (cx + ox * s - b / 2, cy + oy * s - b / 2, b, b))

    def _ravines(self, surf: pygame.Surface, g: MapGeometry) -> None:
        gm = self.gmap
        w = max(1, int(g.size / 6))
        col = (150, 185, 225)
        for i in range(gm.n):
            if self.codes[i] != "r":
                continue
            c = g.center(i)
            linked = False
            for d in range(6):
                j = int(gm.nbr[i, d])
                if j > i and self.codes[j] == "r":
                    pygame.draw.line(surf, col, c, g.center(j), w)
                    linked = True
                elif j >= 0 and j < i and self.codes[j] == "r":
                    linked = True
            if not linked:
                pygame.draw.line(surf, col, (c[0] - g.size * 0.5, c[1] + g.size * 0.2),
                                 (c[0] + g.size * 0.5, c[1] - g.size * 0.2), w)

    def _rivers(self, surf: pygame.Surface, g: MapGeometry) -> None:
        gm = self.gmap
        w = max(2, int(g.size / 5))
        for i, d in zip(*np.nonzero(gm.river), strict=False):
            j = int(gm.nbr[i, d])
            if j < 0 or j > i:
                a, b = g.edge(int(i), int(d))
                pygame.draw.line(surf, self.palette.river, a, b, w)
                pygame.draw.circle(surf, self.palette.river, a, w / 2)
                pygame.draw.circle(surf, self.palette.river, b, w / 2)

    def _cliffs(self, surf: pygame.Surface, g: MapGeometry) -> None:
        gm = self.gmap
        w = max(2, int(g.size / 4))
        col = self.palette.cliff
        for i, d in zip(*np.nonzero(gm.cliff_down), strict=False):
            i, d = int(i), int(d)
            a, b = g.edge(i, d)
            pygame.draw.line(surf, col, a, b, w)
            j = int(gm.nbr[i, d])
            # ticks point downhill: from the edge toward the lower hex's centre
            cx, cy = g.center(i)
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            dx, dy = mx - cx, my - cy
            ln = math.hypot(dx, dy) or 1.0
            ux, uy = dx / ln, dy / ln
            tick = max(3.0, g.size * 0.35)
            for t in (0.15, 0.38, 0.62, 0.85):
                px, py = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
                pygame.draw.line(surf, col, (px, py), (px + ux * tick, py + uy * tick), max(1, w // 2))
            del j

    def _roads(self, surf: pygame.Surface, g: MapGeometry) -> None:
        p = self.palette
        s = g.size
        order = {"track": 0, "secondary": 1, "main": 2}
        for _name, kind, path in sorted(self.gmap.roads, key=lambda r: order.get(r[1], 0)):
            pts = [g.center(i) for i in path]
            if len(pts) < 2:
                continue
            if kind == "main":
                w = max(3, int(s / 3.2))
                pygame.draw.lines(surf, p.road_casing, False, pts, w + 2)
                for pt in pts:
                    pygame.draw.circle(surf, p.road_casing, pt, (w + 2) / 2)
                pygame.draw.lines(surf, p.road_main, False, pts, w)
                for pt in pts:
                    pygame.draw.circle(surf, p.road_main, pt, w / 2)
            elif kind == "secondary":
                w = max(2, int(s / 5))
                pygame.draw.lines(surf, p.road_casing, False, pts, w + 2)
                pygame.draw.lines(surf, p.road_secondary, False, pts, w)
                for pt in pts:
                    pygame.draw.circle(surf, p.road_secondary, pt, w / 2)
            else:
                w = max(2, int(s / 7))
                _dashed(surf, p.road_track, pts, w, dash=max(3.0, s * 0.4))

    def _objectives(self, surf: pygame.Surface, g: MapGeometry) -> None:
        gm = self.gmap
        w = max(2, int(g.size / 5))
        for i in self.objective:
            for d in range(6):
                if int(gm.nbr[i, d]) not in self.objective:
                    a, b = g.edge(i, d)
                    pygame.draw.line(surf, (255, 200, 0), a, b, w)

    def draw_labels(self, surf: pygame.Surface, g: MapGeometry, dx: float, dy: float) -> None:
        """Place names, drawn over the units each frame (areas only when zoomed in, to avoid clutter)."""
        s = g.size
        for name, kind, i in self.gmap.places:
            if kind == "area" and s < 14:
                continue
            cx, cy = g.center(i)
            cx, cy = cx - dx, cy - dy
            if kind == "town":
                px, bold, italic = 15, True, False
            elif kind == "village":
                px, bold, italic = 12, False, False
            else:
                px, bold, italic = 12, False, True
            px = int(px + max(0, s - 11) * 0.35)
            if kind == "peak":
                pygame.draw.polygon(surf, (40, 30, 20), [(cx, cy - s * 0.35), (cx - s * 0.3, cy + s * 0.2),
                                                         (cx + s * 0.3, cy + s * 0.2)])
            img = self.text.halo(name, px, self.palette.label, self.palette.label_halo, bold=bold, italic=italic)
            if kind == "area":
                r = img.get_rect(midtop=(int(cx), int(cy + s * 0.2)))
            else:
                r = img.get_rect(midbottom=(int(cx), int(cy - s * 0.55)))
            surf.blit(img, r)


def _dashed(surf: pygame.Surface, col: tuple[int, int, int], pts: list[tuple[float, float]], w: int,
            dash: float) -> None:
    on = True
    left = dash
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        seg = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < seg:
            step = min(left, seg - t)
            if on:
                a = (x0 + (x1 - x0) * t / seg, y0 + (y1 - y0) * t / seg)
                b = (x0 + (x1 - x0) * (t + step) / seg, y0 + (y1 - y0) * (t + step) / seg)
                pygame.draw.line(surf, col, a, b, w)
            t += step
            left -= step
            if left <= 1e-6:
                on = not on
                left = dash * (1.0 if on else 0.6)
