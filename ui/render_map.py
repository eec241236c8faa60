"""Static map rendering: terrain with hill-shading, forests, ravines, towns, cliffs, rivers, roads, place names
and objective outlines, cached to one surface per zoom level. Pure drawing; no game rules."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pygame

from engine import hexgrid
from engine.mapdata import GameMap
from ui import palette as pal
from ui.render_units import counter_size
from ui.text import Text

SQRT3 = math.sqrt(3.0)
Label = tuple[str, str, int, pygame.Surface, pygame.Rect]
"""A placed name: (name, kind, hex index, image, rectangle on the map surface)."""
PLATE_ALPHA = 190
"""Opacity of the light plate under a town's or village's name."""
COUNTER_COST = 200.0
NEAR_GAP = 0.8
"""A place name within this many hex sizes of its hex's centre (its nearest edge) reads as that place's."""
AWAY_COST = 1.5
"""Layout cost per hex size a name sits farther out than `NEAR_GAP`: one soft obstacle (a cliff, a town's
counter) is worth less than a name two hexes off ("Chanakchi" was drawn on the ravine two hexes west)."""
VILLAGE_REACH = 1.3
"""A village's or peak's name no farther out than this (hex sizes, nearest edge): else it is left out."""
STAY_BONUS = 0.5
"""Layout bonus for the spot a name had last frame: it stays there unless another spot is clearly better."""
LEADER_GAP = 0.95
"""A village's or peak's name set farther out than this (hex sizes) gets a leader line to its hex (a town's name
sits by the town's own hexes, round its centre)."""
"""Layout cost of a name spot per counter it would cover: above every soft cost, below a name over a name."""
ZOOM_LEVELS: tuple[int, ...] = (7, 10, 14, 20, 28, 40, 56)
"""Hex radius in pixels per zoom level: geometric, each about 1.4× the last (a wheel click is a step one sees;
a player needed eight clicks from the whole map to a readable close-up with the old 10 % steps)."""
ZOOM_NEAR = 1.2
"""A standard level closer than this factor to the size that fits the whole map is left out of the zoom steps
(`App.zoom_levels`): no step of a few percent next to the fitted one."""
MAX_MAP_PIXELS = 16_000_000
"""The largest whole-map surface a zoom level may need (64 MB): a small map (a lesson's) may be zoomed until
it fills a large window, a large one (Shusha) stops where its surface would take too much memory."""


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


def terrain_names(scen: Any) -> dict[str, str]:
    """Each terrain code's name in the scenario's table: what the palette reads an added terrain's look from."""
    return {code: t.name for code, t in scen.terrain_table.items()}


def terrain_given_colours(scen: Any) -> dict[str, str]:
    """The terrain colours the scenario sets (`TerrainType.colour`, "#rrggbb"), by code: they come before the
    palette's."""
    return {code: t.colour for code, t in scen.terrain_table.items() if getattr(t, "colour", None)}


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
        self._label_cache: dict[Any, list[Label]] = {}
        self._spot_bounds: dict[int, list[pygame.Rect]] = {}
        self._last_spot: dict[tuple[int, str], tuple[int, int]] = {}
        """(zoom, place name) -> where its name was last laid out, relative to its hex's centre: a name keeps its
        spot while that is still free ("Shusha" jumped between north, right and left of the town as counters
        moved)."""
        self._label_imgs: dict[tuple[str, str, float], pygame.Surface] = {}
        self._cliff_cache: dict[int, tuple[int, int, list[Any]]] = {}
        self.objective: set[int] = set()
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
        self._label_cache.clear()  # the name images carry the palette's label colours
        self._label_imgs.clear()

    # ------------------------------------------------------------------ building
    def _build(self, size: int) -> pygame.Surface:
        g = self.geometry(size)
        p = self.palette
        gm = self.gmap
        surf = pygame.Surface((g.width, g.height))
        surf.fill((48, 52, 58))
        n = gm.n
        names = terrain_names(self.scen)
        fills = pal.terrain_colours(p.terrain, list(gm.terrain_codes), names, terrain_given_colours(self.scen))
        rock = {c for c in gm.terrain_codes if c not in p.terrain and pal.looks_like_rock(names.get(c, ""))}
        # terrain fill with hill-shading
        for i in range(n):
            code = self.codes[i]
            base = fills[code]
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
            elif code in rock and size >= 11:
                self._crags(surf, g, i, pal.shade(pal.shade(fills[code], float(self.shade[i])), -0.5))
        self._ravines(surf, g)
        self._rivers(surf, g)
        self._roads(surf, g)
        self._objectives(surf, g)
        self._cliffs(surf, g)  # above the objective outline: a cliff on the town's edge must stay visible
        self._peaks(surf, g)  # (the names themselves are drawn each frame above the counters: `draw_labels`)
        return surf.convert() if pygame.display.get_surface() is not None else surf

    def _crags(self, surf: pygame.Surface, g: MapGeometry, i: int, colour: tuple[int, int, int]) -> None:
        """An added rock terrain's jagged teeth (two peaks, a step lower on the right): bare rock, as the
        mountain's single ridge line says mountain, and never a flat pale fill that reads as ice or snow."""
        cx, cy = g.center(i)
        s = g.size * 0.3
        pts = [(cx - 1.3 * s, cy + 0.6 * s), (cx - 0.55 * s, cy - 0.55 * s), (cx - 0.1 * s, cy + 0.15 * s),
               (cx + 0.45 * s, cy - 0.3 * s), (cx + 1.3 * s, cy + 0.6 * s)]
        pygame.draw.lines(surf, colour, False, pts, max(1, int(g.size / 16)))

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
        """Gorge hexes get a rock hatch continuous across the gorge and a dark rim where they meet other
        terrain: it must read as a cut in the ground, never as water (rivers are blue hexside lines)."""
        gm = self.gmap
        p = self.palette
        s = g.size
        rav = [i for i in range(gm.n) if self.codes[i] == "r"]
        if not rav:
            return
        spacing = max(4.0, s * 0.38)
        w = max(1, round(s / 12))
        nx, ny = 0.5, SQRT3 / 2  # normal of the hatch lines, which run 30 degrees below east
        for i in rav:
            pts = g.corners(i)
            proj = [x * nx + y * ny for x, y in pts]
            k = math.ceil(min(proj) / spacing)
            while k * spacing < max(proj):
                seg = _chord(pts, proj, k * spacing)
                if seg is not None:
                    pygame.draw.line(surf, p.ravine_line, seg[0], seg[1], w)
                k += 1
        rim = max(2, round(s / 7))
        for i in rav:
            for d in range(6):
                j = int(gm.nbr[i, d])
                if j >= 0 and self.codes[j] != "r":
                    a, b = g.edge(i, d)
                    pygame.draw.line(surf, p.ravine_rim, a, b, rim)

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

    def _cliffs(self, surf: pygame.Surface, g: MapGeometry, dx: float = 0.0, dy: float = 0.0) -> None:
        """Cliff edge as a dark line with teeth pointing downhill, all cased in a light halo: the dark part
        shows on pale terrain, the light casing on dark forest or gorge, so it reads on any colour."""
        p = self.palette
        core, halo, edges = self._cliff_shapes(g)
        for a, b, teeth in edges:  # light casing first, under every dark stroke, so joins stay clean
            a, b = (a[0] - dx, a[1] - dy), (b[0] - dx, b[1] - dy)
            for tri in teeth:
                tri = [(x - dx, y - dy) for x, y in tri]
                pygame.draw.polygon(surf, p.cliff_light, tri)
                pygame.draw.polygon(surf, p.cliff_light, tri, halo * 2)
            pygame.draw.line(surf, p.cliff_light, a, b, core + halo * 2)
            for pt in (a, b):
                pygame.draw.circle(surf, p.cliff_light, pt, (core + halo * 2) / 2)
        for a, b, teeth in edges:
            a, b = (a[0] - dx, a[1] - dy), (b[0] - dx, b[1] - dy)
            for tri in teeth:
                pygame.draw.polygon(surf, p.cliff, [(x - dx, y - dy) for x, y in tri])
            pygame.draw.line(surf, p.cliff, a, b, core)
            for pt in (a, b):
                pygame.draw.circle(surf, p.cliff, pt, core / 2)

    def _cliff_shapes(self, g: MapGeometry) -> tuple[int, int, list[Any]]:
        """Line width, casing width and (end, end, teeth) per cliff edge at this zoom, computed once."""
        hit = self._cliff_cache.get(int(g.size))
        if hit is not None:
            return hit
        s = g.size
        core = max(3, round(s / 6))
        halo = max(2, round(s / 12))
        tooth_len = max(5.0, s * 0.3)
        tooth_half = max(2.5, s * 0.11)
        ts = (0.3, 0.7) if s < 14 else (0.2, 0.5, 0.8) if s < 25 else (0.14, 0.38, 0.62, 0.86)  # countable teeth
        edges = []
        for i, d in zip(*np.nonzero(self.gmap.cliff_down), strict=False):
            a, b = g.edge(int(i), int(d))
            cx, cy = g.center(int(i))
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            ln = math.hypot(mx - cx, my - cy) or 1.0
            ux, uy = (mx - cx) / ln, (my - cy) / ln  # away from the upper hex: downhill
            vx, vy = -uy, ux  # along the edge
            teeth = []
            for t in ts:
                px, py = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
                teeth.append([(px + vx * tooth_half, py + vy * tooth_half),
                              (px - vx * tooth_half, py - vy * tooth_half),
                              (px + ux * tooth_len, py + uy * tooth_len)])
            edges.append((a, b, teeth))
        out = self._cliff_cache[int(s)] = (core, halo, edges)
        return out

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
                dashed_line(surf, p.road_track, pts, w, dash=max(3.0, s * 0.4))

    def _objectives(self, surf: pygame.Surface, g: MapGeometry) -> None:
        gm = self.gmap
        w = max(2, int(g.size / 5))
        for i in self.objective:
            for d in range(6):
                if int(gm.nbr[i, d]) not in self.objective:
                    a, b = g.edge(i, d)
                    pygame.draw.line(surf, self.palette.objective, a, b, w)

    def label_rects(self, size: int, avoid: Sequence[pygame.Rect] = ()) -> list[tuple[str, pygame.Rect]]:
        """Where each shown place name sits on the map surface at this zoom, clear of the counters `avoid`
        (map-surface rectangles) where it can be (for drawing, tests and tools)."""
        return [(name, rect.copy()) for name, _kind, _i, _img, rect in self._label_layout(size, avoid)]

    def draw_annotations(self, surf: pygame.Surface, g: MapGeometry, dx: float, dy: float) -> None:
        """Cliffs again, for a caller to draw after translucent overlays and before the counters, so an overlay
        does not wash them out. Cheap: a few edges, no surface built."""
        self._cliffs(surf, g, int(dx), int(dy))  # the map is blitted at whole-pixel offsets: match it

    def draw_cliff_lines(self, surf: pygame.Surface, g: MapGeometry, dx: float, dy: float) -> None:
        """The cliffs' cased lines without their teeth, for a caller to draw over the counters: a counter on a
        cliff hex then leaves the line across its edge visible (its teeth, under the counters, would hide the
        counter's symbol)."""
        p = self.palette
        core, halo, edges = self._cliff_shapes(g)
        ox, oy = int(dx), int(dy)
        segs = [((a[0] - ox, a[1] - oy), (b[0] - ox, b[1] - oy)) for a, b, _ in edges]
        for colour, width in ((p.cliff_light, core + halo * 2), (p.cliff, core)):
            for a, b in segs:
                pygame.draw.line(surf, colour, a, b, width)
                for pt in (a, b):
                    pygame.draw.circle(surf, colour, pt, width / 2)

    def draw_labels(self, surf: pygame.Surface, g: MapGeometry, dx: float, dy: float,
                    avoid: Sequence[pygame.Rect] = ()) -> list[tuple[str, pygame.Rect]]:
        """Place names on their plates, for a caller to draw above the counters: each name is laid out clear of
        the counters `avoid` (map-surface rectangles; a name moves off a hex a counter stands on rather than
        hide under it), so names and counters both stay readable. Returns the names drawn and their screen
        rectangles."""
        out = []
        for name, _kind, _i, img, rect in self._label_layout(int(g.size), avoid):
            r = rect.move(-int(dx), -int(dy))
            surf.blit(img, r)
            out.append((name, r))
        return out

    def draw_leaders(self, surf: pygame.Surface, g: MapGeometry, dx: float, dy: float,
                     avoid: Sequence[pygame.Rect] = ()) -> None:
        """The lines from landscape names set beside their hexes to a dot on each (`_leader`), laid out as
        `draw_labels` lays the names out: for a caller to draw under the counters, which pushed the names off."""
        for _name, kind, i, _img, rect in self._label_layout(int(g.size), avoid):
            if kind == "area" or (kind != "town" and label_gap(rect, g.center(i)) > LEADER_GAP * g.size):
                self._leader(surf, g, i, rect.move(-int(dx), -int(dy)), dx, dy)

    def _leader(self, surf: pygame.Surface, g: MapGeometry, i: int, r: pygame.Rect, dx: float, dy: float) -> None:
        """A landscape feature's name set beside its hex (counters stand on it, or another name does) points at
        it: a line from the name to a dot on the hex (a teacher's review: "Hunot canyon" read as the hills west
        of the canyon, 1,470 m against the canyon's 1,080)."""
        cx, cy = g.center(i)
        c = (int(cx - int(dx)), int(cy - int(dy)))
        if r.inflate(-r.h, int(g.size)).collidepoint(c):  # on the hex, or just above or below its centre
            return
        near = (min(max(c[0], r.left + r.h // 2), r.right - r.h // 2), min(max(c[1], r.top), r.bottom))
        dot = max(2, round(g.size / 8))
        for colour, width, radius in ((self.palette.label_halo, 4, dot + 1), (self.palette.label, 2, dot)):
            pygame.draw.line(surf, colour, near, c, width)
            pygame.draw.circle(surf, colour, c, radius)

    def _peaks(self, surf: pygame.Surface, g: MapGeometry) -> None:
        s = g.size
        for _name, kind, i in self.gmap.places:
            if kind == "peak":
                cx, cy = g.center(i)
                pygame.draw.polygon(surf, (40, 30, 20), [(cx, cy - s * 0.35), (cx - s * 0.3, cy + s * 0.2),
                                                         (cx + s * 0.3, cy + s * 0.2)])

    def _label_layout(self, size: int, avoid: Sequence[pygame.Rect] = ()) -> list[Label]:
        """Greedy placement, most important first: objectives, towns, villages, peaks, areas. Each name tries
        spots around its hex; one that would overlap a placed name is skipped (objectives and towns take their
        least-bad spot instead). Counters on the map (`avoid`) come next: a name never covers one if any spot
        is free of them (an optional name is left out rather than cover one; the hover panel still names the
        hex). Soft costs keep names off cliffs and the counters of towns and objectives. Cached per zoom and
        per the counters that stand where some name could go (a counter elsewhere changes nothing)."""
        bounds_of = self._spot_bounds.get(size)
        if bounds_of is None:
            self._label_layout_static(size)
            bounds_of = self._spot_bounds[size]
        near = sorted({(r.x, r.y, r.w, r.h) for r in avoid
                       if any(r.colliderect(b) for b in bounds_of)})
        key = (size, tuple(near))
        hit = self._label_cache.get(key)
        if hit is not None:
            self._remember(size, hit)
            return hit
        if len(self._label_cache) > 64:
            self._label_cache.clear()
        out = self._label_cache[key] = self._place_labels(size, [pygame.Rect(r) for r in near])
        self._remember(size, out)
        return out

    def _remember(self, size: int, layout: list[Label]) -> None:
        g = self.geometry(size)
        for name, _kind, i, _img, rect in layout:
            cx, cy = g.center(i)
            self._last_spot[(size, name)] = (rect.x - int(cx), rect.y - int(cy))

    def _label_layout_static(self, size: int) -> list[Label]:
        """The layout with no counters on the map (also records where each name's spots reach)."""
        key = (size, ())
        hit = self._label_cache.get(key)
        if hit is None:
            hit = self._label_cache[key] = self._place_labels(size, [])
        return hit

    def _place_labels(self, size: int, avoid: list[pygame.Rect]) -> list[Label]:
        g = self.geometry(size)
        s = float(size)
        bounds = pygame.Rect(0, 0, g.width, g.height)
        cw, ch = counter_size(size)
        obj_names = {ob.name for ob in self.scen.objectives}
        rank = {"town": 1, "village": 2, "peak": 3, "area": 4}
        # (area names from zoom 14, unless one names an objective: lesson 5's "Kepez pass" vanished zoomed out)
        places = [pl for pl in self.gmap.places if not (pl[1] == "area" and s < 14 and pl[0] not in obj_names)]
        places.sort(key=lambda pl: 0 if pl[0] in obj_names else rank.get(pl[1], 5))
        soft: list[pygame.Rect] = []
        for i in set(self.objective) | {pl[2] for pl in places if pl[1] != "area"}:
            cx, cy = g.center(i)
            soft.append(pygame.Rect(int(cx - cw / 2), int(cy - ch / 2), cw, ch))
            soft.append(pygame.Rect(int(cx + cw / 2) - 4, int(cy - ch / 2) - 12, 14, 12))  # where a stack count goes
        lw = max(3, round(s / 6)) + 2 * max(2, round(s / 12))
        for i, d in zip(*np.nonzero(self.gmap.cliff_down), strict=False):
            a, b = g.edge(int(i), int(d))
            soft.append(pygame.Rect(int(min(a[0], b[0]) - lw / 2), int(min(a[1], b[1]) - lw / 2),
                                    int(abs(a[0] - b[0]) + lw), int(abs(a[1] - b[1]) + lw)))
        placed: list[Label] = []
        spot_bounds: list[pygame.Rect] = []
        for name, kind, i in places:
            img = self._label_image(name, kind, s)
            must = kind == "town" or name in obj_names
            best: tuple[float, pygame.Rect] | None = None
            c = g.center(i)
            spots = _label_spots(img.get_rect(), c, s, kind, ch / 2 + 1, far=must)
            spot_bounds.append(spots[0].unionall([*spots[1:], *(r.clamp(bounds) for r in spots)]))
            mine = [q for q in avoid if q.colliderect(spot_bounds[-1])]
            last = self._last_spot.get((size, name))
            for k, r in enumerate(spots):
                cost = 0.05 * k
                if not bounds.contains(r):
                    cost += 50.0
                    r = r.clamp(bounds)
                away = label_gap(r, c) / s  # (in hex sizes: a name far from its place names the wrong one)
                if kind != "area" and not must and away > VILLAGE_REACH:
                    continue
                cost += AWAY_COST * max(0.0, away - NEAR_GAP)
                if last is not None and (r.x - int(c[0]), r.y - int(c[1])) == last:
                    cost -= STAY_BONUS
                cost += 1000.0 * sum(_overlap(r, q[4]) > 0 for q in placed)
                cost += COUNTER_COST * sum(r.colliderect(q) for q in mine)
                cost += sum(1.0 + _overlap(r, q) / (cw * ch) for q in soft if r.colliderect(q))
                if best is None or cost < best[0]:
                    best = (cost, r)
            if best is None or (best[0] >= COUNTER_COST and not must) or (kind == "area" and best[0] >= 1.0):
                continue  # an area name is only a hint: never over another name, a counter, a cliff or a town's
            placed.append((name, kind, i, img, best[1]))
        self._spot_bounds.setdefault(size, spot_bounds)
        return placed

    def _label_image(self, name: str, kind: str, s: float) -> pygame.Surface:
        key = (name, kind, s)
        img = self._label_imgs.get(key)
        if img is None:
            img = self._label_imgs[key] = self._make_label_image(name, kind, s)
        return img

    def _make_label_image(self, name: str, kind: str, s: float) -> pygame.Surface:
        if kind == "town":
            px, bold, italic = 15, True, False
        elif kind == "village":
            px, bold, italic = 12, False, False
        else:
            px, bold, italic = 12, False, True
        px = int(px + max(0.0, s - 11) * 0.35)
        text = self.text.halo(name, px, self.palette.label, self.palette.label_halo, bold=bold, italic=italic)
        if kind in ("peak", "area"):  # a landscape feature's name: lettering on the ground, no plate
            return text
        # a settlement's name on a light plate, as printed maps and hex wargames label towns: it reads over
        # forest, gorge and any overlay tint alike
        tw, th = text.get_size()
        img = pygame.Surface((tw + 2, th - 2), pygame.SRCALPHA)
        plate = img.get_rect()
        pygame.draw.rect(img, (*self.palette.label_halo, PLATE_ALPHA), plate, border_radius=4)
        pygame.draw.rect(img, (*pal.shade(self.palette.label_halo, -0.55), 200), plate, 1, border_radius=4)
        img.blit(text, (1, -1))
        return img


def _label_spots(r: pygame.Rect, c: tuple[float, float], s: float, kind: str, gap: float,
                 far: bool = True) -> list[pygame.Rect]:
    """Candidate label rectangles around a hex centre, preferred first; `gap` clears the hex's own counter.
    `far`: spots a few hexes out too (a town's or objective's name must be shown; a village's name so far
    from its hex would name the wrong place, so it goes one hex out at most, or is left out)."""
    cx, cy = int(c[0]), int(c[1])
    gap = max(gap, s * 0.55)
    if kind == "area":
        anchors = [("midtop", (cx, cy + s * 0.2)), ("center", (cx, cy)), ("midbottom", (cx, cy - s * 0.2)),
                   ("midtop", (cx, cy + s * 1.2)), ("midbottom", (cx, cy - s * 1.2)),
                   ("midleft", (cx + s * 0.6, cy)), ("midright", (cx - s * 0.6, cy))]
    else:
        anchors = [("midbottom", (cx, cy - gap)), ("midtop", (cx, cy + gap)),
                   ("midleft", (cx + s * 0.75, cy)), ("midright", (cx - s * 0.75, cy)),
                   ("bottomleft", (cx + s * 0.3, cy - s * 0.45)), ("bottomright", (cx - s * 0.3, cy - s * 0.45)),
                   ("topleft", (cx + s * 0.3, cy + s * 0.45)), ("topright", (cx - s * 0.3, cy + s * 0.45))]
        # farther out: for a town whose own hexes ring its centre; a village's name only onto a neighbouring hex
        # (when counters stand all round it), never so far that it would name the wrong place
        out_k = (1.3, 2.3, 3.2) if far else (1.3,)
        anchors += [("midbottom", (cx, cy - s * k)) for k in out_k] + [("midtop", (cx, cy + s * k)) for k in out_k]
        anchors += [("midleft", (cx + s * k * 1.2, cy)) for k in out_k] + [("midright", (cx - s * k * 1.2, cy))
                                                                         for k in out_k]
    out = []
    for attr, (x, y) in anchors:
        q = r.copy()
        setattr(q, attr, (int(x), int(y)))
        out.append(q)
    return out


def label_gap(r: pygame.Rect, c: tuple[float, float]) -> float:
    """Pixels from a hex centre `c` to the nearest point of a name's rectangle `r` (0: the name covers it)."""
    nx, ny = min(max(c[0], r.left), r.right), min(max(c[1], r.top), r.bottom)
    return math.hypot(nx - c[0], ny - c[1])


def _overlap(a: pygame.Rect, b: pygame.Rect) -> int:
    c = a.clip(b)
    return c.w * c.h


def _chord(pts: list[tuple[float, float]], proj: list[float], c: float) -> tuple[tuple[float, float], ...] | None:
    """The segment where the line {p : p . n = c} crosses a convex polygon, given each corner's p . n."""
    out = []
    n = len(pts)
    for k in range(n):
        d0, d1 = proj[k] - c, proj[(k + 1) % n] - c
        if (d0 < 0) != (d1 < 0):
            t = d0 / (d0 - d1)
            (x0, y0), (x1, y1) = pts[k], pts[(k + 1) % n]
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    return (out[0], out[1]) if len(out) == 2 else None


def dashed_line(surf: pygame.Surface, col: tuple[int, int, int], pts: list[tuple[float, float]], w: int,
                dash: float, gap: float = 0.6) -> None:
    """A dashed polyline, the dashes carried on across its corners; `gap`: a gap's length, in dashes."""
    on = True
    left = dash
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        seg = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < seg - 1e-6:
            step = min(left, seg - t)
            if on:
                a = (x0 + (x1 - x0) * t / seg, y0 + (y1 - y0) * t / seg)
                b = (x0 + (x1 - x0) * (t + step) / seg, y0 + (y1 - y0) * (t + step) / seg)
                pygame.draw.line(surf, col, a, b, w)
            t += step
            left -= step
            if left <= 1e-6:
                on = not on
                left = dash * (1.0 if on else gap)
