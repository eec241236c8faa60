"""Educator overlays: per-hex colours + a legend. Each overlay reads engine data only (no rules here).

Legend swatches are opaque: each is the overlay colour already blended over the terrain of a hex the overlay
marks with it (the most common terrain of that class, at its median hill-shading), so a class can find every
legend colour on the map, and the legend box does not mix the swatch with whatever map lies behind it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pygame

from engine.terrain import MOBILITY_CLASSES
from engine.units import SIDES
from ui import palette as pal
from ui.render_map import MapGeometry, hillshade

RGBA = tuple[int, int, int, int]

OVERLAYS: dict[int, str] = {
    1: "movement cost",
    2: "defence",
    3: "concealment / ambush",
    4: "line of sight",
    5: "drone coverage",
    6: "supply",
    7: "control",
}

FILL_ALPHA = 175
"""Alpha of the numeric overlays' tints: strong enough that every level reads as its legend colour over dark
forest as over pale plains, weak enough that trees, buildings and roads still show through."""
NONE_ALPHA = 140
"""Alpha of the black "impassable" / "no supply" wash: black needs less to read, and the terrain stays visible."""
CONTROL_ALPHA = 70
"""Alpha of the control overlay's tint: light, since whole regions are held from the start; the outline round
each side's ground carries the boundary."""
AREA_ALPHA = 125
"""Alpha of the drone radii, which often cover the whole map: their hatching and dots carry the rest."""

# drone overlay colours per palette: (armed can fly, grounded, recon cover, recon can fly dot)
_DRONE_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "default": ((40, 175, 80), (220, 30, 30), (40, 90, 255), (25, 50, 190)),
    "colorblind": ((0, 158, 115), (213, 94, 0), (86, 180, 233), (0, 60, 150)),
}
ARMED_FLY = "armed can fly"
ARMED_GROUNDED = "armed grounded"
RECON_FLY = "recon can fly"
RECON_GROUNDED = "recon grounded"
RECON_COVER = "recon cover"


class OverlayResult:
    """What one overlay draws: fills, hatching and markers per hex, a legend, and per-hex classes."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.fills: dict[int, RGBA] = {}
        self.hatch: dict[int, RGBA] = {}
        """idx -> colour of diagonal hatching over the hex (a pattern, so the class reads without colour)."""
        self.dots: dict[int, tuple[RGBA, float]] = {}
        """idx -> (colour, radius as a fraction of the hex size): small markers."""
        self.edges: dict[tuple[int, int], RGBA] = {}
        """(idx, direction) -> colour of a line along that side of the hex, just inside it (the control
        overlay's area outlines: two sides' outlines side by side make the front line)."""
        self.legend: list[tuple[RGBA, str]] = []
        self.tags: dict[int, frozenset[str]] = {}
        """idx -> the classes the overlay put the hex in (the drone overlay: ARMED_GROUNDED, RECON_FLY, ...)."""


def _c(rgb: tuple[int, int, int], a: int) -> RGBA:
    return (rgb[0], rgb[1], rgb[2], a)


def blend(fill: RGBA, under: tuple[int, ...]) -> RGBA:
    """`fill` drawn over the opaque colour `under`, with pygame's own alpha arithmetic: what the screen shows."""
    a = fill[3]
    r, g, b = ((((s - d) * a + s) >> 8) + d for s, d in zip(fill[:3], under[:3], strict=True))
    return (r, g, b, 255)


class _Terrain:
    """The colour the map renderer gives each hex (terrain + hill-shading), to blend legend swatches over."""

    def __init__(self, state: Any, p: pal.Palette) -> None:
        gm = state.map
        self.codes = [gm.terrain_codes[t] for t in gm.terrain.tolist()]
        self.shade = hillshade(gm).tolist()
        self.seen = [pal.shade(p.terrain.get(c, (200, 200, 200)), f)
                     for c, f in zip(self.codes, self.shade, strict=True)]
        """The renderer's hex fill (`MapRenderer._build`): terrain colour with hill-shading."""
        on_road = np.zeros(gm.n, dtype=bool)
        for _name, _kind, path in gm.roads:
            on_road[path] = True
        self.on_road = on_road

    def typical(self, hexes: Iterable[int]) -> int | None:
        """The hex standing for `hexes` in a legend: the most common terrain among them (off roads when any
        are), at its median hill-shading."""
        hexes = list(hexes)
        clear = [i for i in hexes if not self.on_road[i]] or hexes
        if not clear:
            return None
        code = Counter(self.codes[i] for i in clear).most_common(1)[0][0]
        same = sorted((i for i in clear if self.codes[i] == code), key=lambda i: (self.shade[i], i))
        return same[len(same) // 2]

    def swatch(self, fill: RGBA, hexes: Iterable[int], fallback: Iterable[int] = ()) -> RGBA:
        """Legend colour of `fill`: blended over the typical hex of `hexes` (or of `fallback` if empty)."""
        i = self.typical(hexes)
        if i is None:
            i = self.typical(fallback)
        if i is None:
            i = self.typical(range(len(self.codes)))
        return blend(fill, self.seen[i]) if i is not None else _c(fill[:3], 255)


def movement(state: Any, p: pal.Palette, mob: str) -> OverlayResult:
    res = OverlayResult(f"1 Movement cost to enter, {mob} (M cycles class)")
    gm = state.map
    terr = _Terrain(state, p)
    table = state.scenario.terrain_table
    costs = [table[code].move_cost.get(mob) for code in gm.terrain_codes]
    finite = [c for c in costs if c is not None]
    hi = max(finite) if finite else 1.0
    by_cost: dict[float | None, list[int]] = {}
    for i, t in enumerate(gm.terrain.tolist()):
        c = costs[t]
        by_cost.setdefault(c, []).append(i)
        res.fills[i] = (0, 0, 0, NONE_ALPHA) if c is None else _c(pal.ramp(p, (c - 1) / max(1.0, hi - 1)), FILL_ALPHA)
    for v in sorted(set(finite)):
        fill = _c(pal.ramp(p, (v - 1) / max(1.0, hi - 1)), FILL_ALPHA)
        res.legend.append((terr.swatch(fill, by_cost.get(v, ())), f"{v:g} MP"))
    res.legend.append((terr.swatch((0, 0, 0, NONE_ALPHA), by_cost.get(None, ())), "impassable"))
    res.legend.append(((255, 255, 255, 0), "roads: 0.34–3 MP along the road; cliffs block vehicles"))
    return res


def _levels(state: Any, values: np.ndarray, p: pal.Palette, title: str, unit: str) -> OverlayResult:
    """One ramp colour per integer level, all at the same alpha (a level-dependent alpha hid the low levels)."""
    res = OverlayResult(title)
    terr = _Terrain(state, p)
    hi = max(1, int(values.max()))
    vals = values.tolist()
    for i, v in enumerate(vals):
        res.fills[i] = _c(pal.ramp(p, v / hi), FILL_ALPHA)
    for v in range(0, hi + 1):
        fill = _c(pal.ramp(p, v / hi), FILL_ALPHA)
        label = f"{unit} {v:+d}" if unit == "defence" else f"{unit} {v}"
        res.legend.append((terr.swatch(fill, (i for i, x in enumerate(vals) if x == v)), label))
    return res


def defence(state: Any, p: pal.Palette) -> OverlayResult:
    res = _levels(state, state.map.defence, p, "2 Defence modifier of the terrain (added to protection); cliffs",
                  "defence")
    # a cliff acts on fire across its hexside, not through the hex's terrain: its tops and feet are marked,
    # with the modifiers the engine's combat applies there (`combat._edge_mods`, from the scenario's combat
    # rules: never numbers of our own)
    from engine.combat import _edge_mods

    gm = state.map
    tops, feet = np.flatnonzero(gm.cliff_down.any(axis=1)).tolist(), np.flatnonzero(gm.cliff_up.any(axis=1)).tolist()
    if not tops:
        return res
    top = tops[0]
    foot = int(gm.nbr[top, int(np.flatnonzero(gm.cliff_down[top])[0])])
    down = _edge_mods(state, top, foot)[0]  # fire from the top at the foot
    up = _edge_mods(state, foot, top)[0]  # an assault from the foot up the cliff
    light, dark = p.cliff_light, p.cliff
    for j in tops:
        res.hatch[j] = _c(light, 255)
    for j in feet:
        res.hatch[j] = _c(dark, 255)
    res.legend.append((_c(light, 255), "hatched light: cliff top; fire down it: "
                       + (", ".join(m.text() for m in down) or "no modifier")))
    res.legend.append((_c(dark, 255), "hatched dark: below a cliff; an assault up it: "
                       + (", ".join(m.text() for m in up) or "no modifier")))
    return res


def concealment(state: Any, p: pal.Palette) -> OverlayResult:
    res = _levels(state, state.map.concealment, p, "3 Concealment (fill) and ambush bonus (dots)", "concealment")
    amb = state.map.ambush
    for i in np.flatnonzero(amb > 0).tolist():
        res.dots[i] = ((120, 0, 160, 255), 0.12 + 0.08 * int(amb[i]))
    for v in sorted(set(int(a) for a in amb.tolist() if a > 0)):
        res.legend.append(((120, 0, 160, 255), f"ambush +{v} ({'large' if v > 1 else 'small'} dot)"))
    return res


def line_of_sight(state: Any, p: pal.Palette, origin: int | None, radius: int = 6) -> OverlayResult:
    res = OverlayResult("4 Line of sight from the hovered hex (radius 6)")
    if origin is None:
        res.legend.append(((0, 0, 0, 0), "hover a hex"))
        return res
    gm = state.map
    terr = _Terrain(state, p)
    seen = set(gm.viewshed(origin, radius).tolist())
    within = np.flatnonzero(gm.distances_from(origin) <= radius).tolist()
    lit, dark = (255, 255, 200, 90), (0, 0, 0, 150)
    for i in within:
        res.fills[i] = lit if i in seen else dark
    res.fills[origin] = (255, 255, 0, 190)
    res.legend += [(terr.swatch(lit, (i for i in within if i in seen and i != origin)), "visible"),
                   (terr.swatch(dark, (i for i in within if i not in seen)), "blocked by ground, trees or buildings")]
    return res


def drones(state: Any, view: Any, p: pal.Palette) -> OverlayResult:
    """Armed drones' strike radius (solid where one can fly, hatched where all are grounded) and the recon
    drone's reach (dots) are separate layers, so low cloud shows both "armed grounded" and "recon still spots"."""
    res = OverlayResult("5 Drones: armed drones' strike radius, recon drone's reach and cover")
    gm = state.map
    terr = _Terrain(state, p)
    fly_c, down_c, cover_c, recon_c = _DRONE_COLOURS.get(p.name, _DRONE_COLOURS["default"])
    reach: dict[str, set[int]] = {ARMED_FLY: set(), ARMED_GROUNDED: set(), RECON_FLY: set(), RECON_GROUNDED: set()}
    bases: set[int] = set()
    for u in view.own:
        ut = state.scenario.unit_table[u.type]
        if ut.domain != "air" or not u.active:
            continue
        recon = ut.air_role == "recon"
        down = bool(view.grounded.get(u.id))
        kind = (RECON_GROUNDED if down else RECON_FLY) if recon else (ARMED_GROUNDED if down else ARMED_FLY)
        reach[kind].update(gm.within(u.idx, ut.sortie_radius_hexes).tolist())
        bases.add(u.idx)
    armed_down = reach[ARMED_GROUNDED] - reach[ARMED_FLY]
    recon_down = reach[RECON_GROUNDED] - reach[RECON_FLY]
    cover = set(np.flatnonzero(view.recon_cover).tolist())
    fly, grounded, covered = _c(fly_c, AREA_ALPHA), _c(down_c, AREA_ALPHA), _c(cover_c, 175)
    hatch = _c(pal.shade(down_c, -0.25), 255)
    tags: dict[int, set[str]] = {}
    for kind, hexes in ((ARMED_FLY, reach[ARMED_FLY]), (ARMED_GROUNDED, armed_down),
                        (RECON_FLY, reach[RECON_FLY]), (RECON_GROUNDED, recon_down), (RECON_COVER, cover)):
        for i in hexes:
            tags.setdefault(i, set()).add(kind)
    for i, t in tags.items():
        res.tags[i] = frozenset(t)
        if RECON_COVER in t:
            res.fills[i] = covered
        elif ARMED_FLY in t:
            res.fills[i] = fly
        elif ARMED_GROUNDED in t or RECON_GROUNDED in t:
            res.fills[i] = grounded
        if ARMED_GROUNDED in t or RECON_GROUNDED in t:
            res.hatch[i] = hatch
        if RECON_FLY in t:
            res.dots[i] = (_c(recon_c, 255), 0.13)
    for i in bases:
        res.dots[i] = ((255, 255, 255, 255), 0.35)
    if not bases:
        res.legend.append(((0, 0, 0, 0), "no own aircraft in play"))
        return res
    plain = [i for i, t in tags.items() if RECON_COVER not in t]
    if reach[ARMED_FLY] or reach[ARMED_GROUNDED]:  # rows for the roles the side has, in every weather
        res.legend.append((terr.swatch(fly, (i for i in plain if ARMED_FLY in tags[i]), tags),
                           "armed drones can fly: strike radius"))
    res.legend.append((terr.swatch(grounded, (i for i in plain if res.hatch.get(i)), tags),
                       "GROUNDED by weather (hatched): radius of drones that cannot fly"))
    if reach[RECON_FLY] or reach[RECON_GROUNDED]:
        res.legend += [(_c(recon_c, 255), "dot: recon drone can fly here, can spot for artillery"),
                       (terr.swatch(covered, cover, tags),
                        "recon cover until your next turn starts: artillery spotted here")]
    res.legend.append(((255, 255, 255, 255), "air base (large white dot)"))
    return res


def supply(state: Any, side: int, p: pal.Palette) -> OverlayResult:
    from engine.supply import supply_field

    res = OverlayResult("6 Supply routes you know of (cost from the nearest source; enemies you cannot see may "
                        "cut them)")
    terr = _Terrain(state, p)
    f = supply_field(state, side, known_only=True)  # what the side knows: never traced through hidden enemies
    lim = float(state.scenario.sides[("attacker", "defender")[side]].supply_range) or 1.0
    vals = f.tolist()
    cut = [i for i, v in enumerate(vals) if math.isinf(v)]
    for i, v in enumerate(vals):
        res.fills[i] = (0, 0, 0, NONE_ALPHA) if math.isinf(v) else _c(pal.ramp(p, v / lim), FILL_ALPHA)
    for v in (0.0, lim / 2, lim):
        near = [i for i, x in enumerate(vals) if not math.isinf(x) and abs(x - v) <= lim / 6]
        res.legend.append((terr.swatch(_c(pal.ramp(p, v / lim), FILL_ALPHA), near), f"supply cost {v:g}"))
    res.legend.append((terr.swatch((0, 0, 0, NONE_ALPHA), cut), "no supply"))
    for h in state.scenario.sides[("attacker", "defender")[side]].supply_sources:
        res.dots[state.map.idx(h)] = ((255, 255, 255, 255), 0.4)
    res.legend.append(((255, 255, 255, 255), "supply source"))
    # the side's own units' real supply (its turn-start SupplyReport): a route that looks open above may be cut
    # by enemies it cannot see, and its units then say so
    cut_off = _DRONE_COLOURS.get(p.name, _DRONE_COLOURS["default"])[1]
    starved = [u.idx for u in state.ground_units(side) if not u.supplied]
    for i in starved:
        res.hatch[i] = _c(cut_off, 255)
    if starved:
        res.legend.append((_c(cut_off, 255), "hatched: your unit OUT OF SUPPLY (turn-start report)"))
    return res


def control(state: Any, view: Any, p: pal.Palette, side: int | None = None) -> OverlayResult:
    """Who holds each hex: a light tint of the holder's colour and an outline in it round each side's ground,
    so large areas of both colours (a front line across the map) leave the terrain, names and counters readable
    and the front stands out where the two outlines meet."""
    res = OverlayResult("7 Control of hexes")
    terr = _Terrain(state, p)
    gm = state.map
    ctl = view.control.tolist()
    held: tuple[list[int], list[int]] = ([], [])
    nbr = gm.nbr.tolist()
    for i, c in enumerate(ctl):
        if c < 0:
            continue
        res.fills[i] = _c(p.side[c], CONTROL_ALPHA)
        held[c].append(i)
        for d, j in enumerate(nbr[i]):
            if j >= 0 and ctl[j] != c:  # (the map's own edge is no boundary of anyone's ground)
                res.edges[(i, d)] = _c(p.side[c], 255)
    res.legend += [(terr.swatch(_c(p.side[0], CONTROL_ALPHA), held[0]), "held by the attacker (light tint)"),
                   (terr.swatch(_c(p.side[1], CONTROL_ALPHA), held[1]), "held by the defender (light tint)"),
                   (_c(p.side[0], 255), "edge of the attacker's ground"),
                   (_c(p.side[1], 255), "edge of the defender's ground (both edges side by side: the front line)"),
                   ((0, 0, 0, 0), "no tint: held by no one" + ("" if side is None else ", or not known to you"))]
    if side is not None:  # one side's knowledge, not the truth
        res.legend.append(((0, 0, 0, 0),
                           f"as the {SIDES[side]} knows it: its own, the briefing, objectives, enemy seen"))
    return res


def compute(n: int, state: Any, view: Any, side: int, p: pal.Palette, hover: int | None,
            mob_i: int, omniscient: bool = False) -> OverlayResult:
    if n == 1:
        return movement(state, p, MOBILITY_CLASSES[mob_i % len(MOBILITY_CLASSES)])
    if n == 2:
        return defence(state, p)
    if n == 3:
        return concealment(state, p)
    if n == 4:
        return line_of_sight(state, p, hover)
    if n == 5:
        return drones(state, view, p)
    if n == 6:
        return supply(state, side, p)
    if n == 7:
        return control(state, view, p, None if omniscient else side)
    raise ValueError(n)


def draw_layer(res: OverlayResult, geo: MapGeometry, size: tuple[int, int], vx: float, vy: float,
               visible: Iterable[int]) -> pygame.Surface:
    """The overlay as one transparent layer of the map view (fills, then hatching, then markers), drawn for the
    visible hexes only: the caller caches it until the view moves."""
    layer = pygame.Surface(size, pygame.SRCALPHA)
    vis = set(visible)
    s = geo.size
    for i, c in res.fills.items():
        if i in vis:
            pygame.draw.polygon(layer, c, [(x - vx, y - vy) for x, y in geo.corners(i)])
    w = max(1, round(s / 8))
    for i, c in res.hatch.items():
        if i in vis:
            x, y = geo.center(i)
            x, y = x - vx, y - vy
            for k in (-1, 0, 1):  # three "/" strokes, inside the pointy-top hex
                ox = k * 0.42 * s
                pygame.draw.line(layer, c, (x + ox - 0.4 * s, y + 0.4 * s), (x + ox + 0.4 * s, y - 0.4 * s), w)
    ew = max(2, round(s / 6))
    for (i, d), c in res.edges.items():
        if i in vis:
            x, y = geo.center(i)
            a, b = geo.edge(i, d)
            k = 1.0 - (ew / 2 + 0.5) / s  # just inside the hex: the neighbour's own outline shows beside it
            pygame.draw.line(layer, c, (x + (a[0] - x) * k - vx, y + (a[1] - y) * k - vy),
                             (x + (b[0] - x) * k - vx, y + (b[1] - y) * k - vy), ew)
    for i, (c, r) in res.dots.items():
        if i in vis:
            x, y = geo.center(i)
            pygame.draw.circle(layer, c, (x - vx, y - vy), max(2, s * r))
    return layer
