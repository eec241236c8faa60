"""Educator overlays: per-hex colours + a legend. Each overlay reads engine data only (no rules here)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.terrain import MOBILITY_CLASSES
from ui import palette as pal

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


class OverlayResult:
    def __init__(self, title: str) -> None:
        self.title = title
        self.fills: dict[int, RGBA] = {}
        self.dots: dict[int, tuple[RGBA, float]] = {}
        """idx -> (colour, radius as a fraction of the hex size): small markers."""
        self.legend: list[tuple[RGBA, str]] = []


def _c(rgb: tuple[int, int, int], a: int) -> RGBA:
    return (rgb[0], rgb[1], rgb[2], a)


def movement(state: Any, p: pal.Palette, mob: str) -> OverlayResult:
    res = OverlayResult(f"1 Movement cost to enter, {mob} (M cycles class)")
    gm = state.map
    table = state.scenario.terrain_table
    costs: dict[int, float | None] = {}
    for k, code in enumerate(gm.terrain_codes):
        costs[k] = table[code].move_cost.get(mob)
    finite = [c for c in costs.values() if c is not None]
    hi = max(finite) if finite else 1.0
    for i in range(gm.n):
        c = costs[int(gm.terrain[i])]
        if c is None:
            res.fills[i] = (0, 0, 0, 170)
        else:
            res.fills[i] = _c(pal.ramp(p, (c - 1) / max(1.0, hi - 1)), 130)
    for v in sorted(set(finite)):
        res.legend.append((_c(pal.ramp(p, (v - 1) / max(1.0, hi - 1)), 200), f"{v:g} MP"))
    res.legend.append(((0, 0, 0, 200), "impassable"))
    res.legend.append(((255, 255, 255, 0), "roads: 0.34–3 MP along the road; cliffs block vehicles"))
    return res


def _levels(values: np.ndarray, p: pal.Palette, title: str, unit: str) -> OverlayResult:
    res = OverlayResult(title)
    hi = max(1, int(values.max()))
    for i, v in enumerate(values.tolist()):
        res.fills[i] = _c(pal.ramp(p, v / hi), 40 + int(110 * v / hi))
    for v in range(0, hi + 1):
        res.legend.append((_c(pal.ramp(p, v / hi), 200), f"{unit} {v:+d}" if unit == "defence" else f"{unit} {v}"))
    return res


def defence(state: Any, p: pal.Palette) -> OverlayResult:
    return _levels(state.map.defence, p, "2 Defence modifier of the terrain (added to protection)", "defence")


def concealment(state: Any, p: pal.Palette) -> OverlayResult:
    res = _levels(state.map.concealment, p, "3 Concealment (fill) and ambush bonus (dots)", "concealment")
    amb = state.map.ambush
    for i in np.flatnonzero(amb > 0).tolist():
        res.dots[i] = ((120, 0, 160, 230), 0.12 + 0.08 * int(amb[i]))
    for v in sorted(set(int(a) for a in amb.tolist() if a > 0)):
        res.legend.append(((120, 0, 160, 230), f"ambush +{v} ({'large' if v > 1 else 'small'} dot)"))
    return res


def line_of_sight(state: Any, p: pal.Palette, origin: int | None, radius: int = 6) -> OverlayResult:
    res = OverlayResult("4 Line of sight from the hovered hex (radius 6)")
    if origin is None:
        res.legend.append(((0, 0, 0, 0), "hover a hex"))
        return res
    gm = state.map
    seen = set(gm.viewshed(origin, radius).tolist())
    within = gm.distances_from(origin) <= radius
    for i in np.flatnonzero(within).tolist():
        res.fills[i] = (255, 255, 200, 70) if i in seen else (0, 0, 0, 150)
    res.fills[origin] = (255, 255, 0, 160)
    res.legend += [((255, 255, 200, 160), "visible"), ((0, 0, 0, 200), "blocked by ground, trees or buildings")]
    return res


def drones(state: Any, view: Any, p: pal.Palette) -> OverlayResult:
    res = OverlayResult("5 Drone coverage of own air units; recon cover")
    gm = state.map
    grounded_any = False
    for u in view.own:
        ut = state.scenario.unit_table[u.type]
        if ut.domain != "air" or not u.active:
            continue
        g = view.grounded.get(u.id)
        grounded_any = grounded_any or bool(g)
        col = (200, 60, 60, 45) if g else (60, 200, 90, 45)
        for i in gm.within(u.idx, ut.sortie_radius_hexes).tolist():
            old = res.fills.get(i)
            if old is None or (old[1] < col[1]):
                res.fills[i] = col
        res.dots[u.idx] = ((255, 255, 255, 255), 0.35)
    for i in np.flatnonzero(view.recon_cover).tolist():
        res.fills[i] = (60, 120, 255, 120)
    res.legend += [((60, 200, 90, 160), "in sortie radius, can fly"),
                   ((200, 60, 60, 160), "in sortie radius, grounded (weather)"),
                   ((60, 120, 255, 200), "recon cover this turn (spots for artillery)"),
                   ((255, 255, 255, 255), "air base")]
    return res


def supply(state: Any, side: int, p: pal.Palette) -> OverlayResult:
    from engine.supply import supply_field

    res = OverlayResult("6 Supply network (cost from the nearest source)")
    f = supply_field(state, side, known_only=True)
    lim = float(state.scenario.sides[("attacker", "defender")[side]].supply_range) or 1.0
    for i, v in enumerate(f.tolist()):
        if math.isinf(v):
            res.fills[i] = (0, 0, 0, 110)
        else:
            res.fills[i] = _c(pal.ramp(p, v / lim), 120)
    for v in (0.0, lim / 2, lim):
        res.legend.append((_c(pal.ramp(p, v / lim), 200), f"supply cost {v:g}"))
    res.legend.append(((0, 0, 0, 200), "no supply"))
    for h in state.scenario.sides[("attacker", "defender")[side]].supply_sources:
        res.dots[state.map.idx(h)] = ((255, 255, 255, 255), 0.4)
    res.legend.append(((255, 255, 255, 255), "supply source"))
    return res


def control(state: Any, view: Any, p: pal.Palette) -> OverlayResult:
    res = OverlayResult("7 Control of hexes")
    for i, c in enumerate(view.control.tolist()):
        if c >= 0:
            res.fills[i] = _c(p.side[c], 110)
    res.legend += [(_c(p.side[0], 200), "attacker"), (_c(p.side[1], 200), "defender")]
    return res


def compute(n: int, state: Any, view: Any, side: int, p: pal.Palette, hover: int | None,
            mob_i: int) -> OverlayResult:
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
        return control(state, view, p)
    raise ValueError(n)
