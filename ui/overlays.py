"""Educator overlays: per-hex colours + a legend. Each overlay reads engine data only (no rules here).

Legend swatches are opaque: each is the overlay colour already blended over the terrain of a hex the overlay
marks with it (the most common terrain of that class, at its median hill-shading), so a class can find every
legend colour on the map, and the legend box does not mix the swatch with whatever map lies behind it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pygame

from engine.terrain import MOBILITY_CLASSES
from engine.units import SIDES
from ui import palette as pal
from ui.overlay_names import OVERLAYS  # noqa: F401 (re-exported: ov.OVERLAYS)
from ui.render_map import SQRT3, MapGeometry, hillshade, terrain_given_colours, terrain_names

RGBA = tuple[int, int, int, int]


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
        self.dot_min_px: dict[int, float] = {}
        """idx -> the dot's smallest radius in pixels (else `DOT_MIN_PX`): a dot whose size carries a value keeps
        its size apart from the others' when the hexes are small (`ambush_dot_px`)."""
        self.dot_rims: dict[int, RGBA] = {}
        """idx -> colour of a thin casing round the dot: it reads over trees and buildings as a marker."""
        self.edges: dict[tuple[int, int], RGBA] = {}
        """(idx, direction) -> colour of a line along that side of the hex, just inside it (the control
        overlay's area outlines: two sides' outlines side by side make the front line)."""
        self.labels: dict[int, str] = {}
        """idx -> a short text printed near the top of the hex (the height overlay's metres), at zooms where it
        fits."""
        self.unit_marks: dict[str, tuple[RGBA, str]] = {}
        """Own unit id -> (colour, tag) drawn ON TOP of its counter (a fact about the unit, not an estimate: the
        supply overlay's "NO SUPPLY"); an empty tag: a small tick badge ("in supply")."""
        self.legend: list[tuple[RGBA, str]] = []
        self.legend_dots: dict[int, float] = {}
        """Legend row index -> the radius of the dot it stands for (a fraction of the hex size, as in `dots`):
        the legend draws that dot, to scale, instead of a square (a teacher saw "+1 small dot" and "+2 large
        dot" beside two identical squares)."""
        self.tags: dict[int, frozenset[str]] = {}
        """idx -> the classes the overlay put the hex in (the drone overlay: ARMED_GROUNDED, RECON_FLY, ...)."""
        self.key_only = False
        """A key to the map with nothing drawn on it (overlay 9): its legend is what was asked for, never folded by
        itself for its size (`panels.draw_legends`)."""
        self.mobility: str | None = None
        """The movement-cost overlay's mobility class: the legend says whose class it is (`panels.legend_rows`)."""


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
        fills = pal.terrain_colours(p.terrain, list(gm.terrain_codes), terrain_names(state.scenario),
                                    terrain_given_colours(state.scenario))
        self.seen = [pal.shade(fills[c], f)
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
    """What entering each hex costs `mob` this turn: the terrain's costs times the scenario's `weather_movement`
    factors for the turn's precipitation (`engine.movement.terrain_move_costs`, as the movement rules count them;
    a snow turn showed the dry costs), and the legend says so when they differ from the dry ones."""
    from engine.movement import terrain_move_costs, weather_edge_cost

    scen = state.scenario
    wet = state.weather.precipitation
    res = OverlayResult(f"1 Movement cost to enter, {mob} (M cycles class)")
    res.mobility = mob
    gm = state.map
    terr = _Terrain(state, p)
    table = scen.terrain_table
    dry = [table[code].move_cost.get(mob) for code in gm.terrain_codes]
    costs = [terrain_move_costs(scen, code, wet).get(mob) for code in gm.terrain_codes]
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
    edges = weather_edge_cost(gm, scen, mob, wet)
    res.legend += [((255, 255, 255, 0), t) for t in road_and_cliff_words(gm, mob, scen.hexside_table, edges)]
    note = weather_cost_note(scen, mob, wet)
    if note and (costs != dry or edges is not gm.edge_cost[mob]):
        res.title = f"1 Movement cost to enter, {mob} in {wet} (M cycles class)"
        res.legend.append(((255, 255, 255, 0), f"{note} (the costs shown are this turn's)"))
    return res


def weather_cost_note(scen: Any, mob: str, precipitation: str) -> str:
    """What `precipitation` does to `mob`'s move costs in words ("snow: foot move costs ×1.25 off road"; "" when
    nothing), `engine.movement.weather_move_note` for that one class."""
    from engine.movement import weather_factor, weather_move_note

    f = weather_factor(scen, mob, precipitation)
    if f is None:
        return ""

    one = SimpleNamespace(weather_move_table={precipitation: {mob: f}},  # (the table cut to this class)
                          terrain_table=scen.terrain_table)
    return weather_move_note(one, precipitation)  # type: ignore[arg-type]


def road_and_cliff_words(gm: Any, mob: str, hexsides: dict[str, Any] | None = None,
                         edge_cost: np.ndarray | None = None) -> list[str]:
    """What roads and cliffs cost `mob`, read from the map's edge costs (`GameMap.edge_cost`: the costs the
    movement rules use; `edge_cost`: the turn's, `engine.movement.weather_edge_cost`) and the cliff hexside's rule
    (the scenario's `hexside_table`, else `engine.terrain.DEFAULT_HEXSIDES`), never numbers of ours."""
    from engine.terrain import DEFAULT_HEXSIDES

    hexsides = hexsides or DEFAULT_HEXSIDES
    out = []
    along = (gm.edge_cost[mob] if edge_cost is None else edge_cost)[gm.road_edge]
    along = along[np.isfinite(along)]
    if along.size:
        lo, hi = float(along.min()), float(along.max())
        span = f"{lo:g} MP" if lo == hi else f"{lo:g}–{hi:g} MP"
        out.append(f"roads: {span} a hex along the road (hover a road hex for its cost)")
    if gm.cliff_up.any():
        cliff = hexsides["cliff"]
        up, down = cliff.extra_cost_up[mob], cliff.extra_cost_down[mob]

        def say(v: float | None) -> str:
            return "impassable" if v is None else f"+{v:g} MP" if v else "no extra cost"

        out.append(f"cliffs: up {say(up)}, down {say(down)}")
    return out


def _levels(state: Any, values: np.ndarray, p: pal.Palette, title: str, unit: str,
            colours: list[pal.Colour] | None = None, ends: tuple[str, str] = ("", "")) -> OverlayResult:
    """One ramp colour per integer level, all at the same alpha (a level-dependent alpha hid the low levels), along
    the palette's ramp or `colours`; `ends` names the lowest and highest levels in the legend ("open")."""
    res = OverlayResult(title)
    terr = _Terrain(state, p)
    hi = max(1, int(values.max()))
    vals = values.tolist()
    for i, v in enumerate(vals):
        res.fills[i] = _c(pal.ramp(p, v / hi, colours), FILL_ALPHA)
    for v in range(0, hi + 1):
        fill = _c(pal.ramp(p, v / hi, colours), FILL_ALPHA)
        label = f"{unit} {v:+d}" if unit == "defence" else f"{unit} {v}"
        end = ends[0] if v == 0 else ends[1] if v == hi else ""
        res.legend.append((terr.swatch(fill, (i for i, x in enumerate(vals) if x == v)),
                           f"{label} ({end})" if end else label))
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
    # (the log's modifiers quoted as it prints them: "fire down it: cliff: firing down +2" read doubled)
    res.legend.append((_c(light, 255), "hatched light: cliff top; fire down from it gets "
                       + (", ".join(f'"{m.text()}"' for m in down) or "no modifier")))
    res.legend.append((_c(dark, 255), "hatched dark: below a cliff; an assault up it gets "
                       + (", ".join(f'"{m.text()}"' for m in up) or "no modifier")))
    return res


def ambush_dot(bonus: int) -> float:
    """The radius (a fraction of the hex size) of the concealment overlay's dot for an ambush bonus: +2 more
    than twice as wide as +1 (a player could not tell 0.20 from 0.28 apart at normal zoom).

    >>> ambush_dot(1), ambush_dot(2), ambush_dot(5)
    (0.13, 0.32, 0.45)
    """
    return min(0.45, round(0.13 + 0.19 * (bonus - 1), 2))


def ambush_dot_px(bonus: int) -> float:
    """The smallest radius (px) of the ambush dot for `bonus`: at the zoom that shows the whole of Shusha at
    1280x800 (9 px hexes) `ambush_dot`'s fractions gave +1 and +2 the same 2-3 px dot; +2 stays over twice +1.

    >>> ambush_dot_px(1), ambush_dot_px(2), ambush_dot_px(4)
    (2.0, 4.5, 6.0)
    """
    return min(6.0, DOT_MIN_PX + 2.5 * (bonus - 1))


AMBUSH_COLOUR: RGBA = (120, 0, 160, 255)
AMBUSH_RIM: RGBA = (255, 255, 255, 230)
"""The ambush dot's casing: the purple alone read as one more tree on a forest hex."""
AMBUSH_WEAK_COLOUR: RGBA = (215, 185, 240, 255)
AMBUSH_WEAK_RIM: RGBA = (70, 0, 100, 255)
"""A +1 ambush dot: pale in a dark casing, the reverse of the larger ones, so that the ravines' +2 stand out on a map
whose forests are all +1 (an educator: at the zoom that shows the whole of Shusha the two sizes alone looked alike)."""


def ambush_colours(bonus: int) -> tuple[RGBA, RGBA]:
    """(dot, casing) of the concealment overlay's ambush dot for `bonus`."""
    return (AMBUSH_WEAK_COLOUR, AMBUSH_WEAK_RIM) if bonus <= 1 else (AMBUSH_COLOUR, AMBUSH_RIM)


def concealment(state: Any, p: pal.Palette) -> OverlayResult:
    res = _levels(state, state.map.concealment, p, "3 Concealment (fill: darker hides better) and ambush bonus (dots)",
                  "concealment", p.cover_ramp, ("open", "hides best"))
    amb = state.map.ambush
    for i in np.flatnonzero(amb > 0).tolist():
        dot, rim = ambush_colours(int(amb[i]))
        res.dots[i] = (dot, ambush_dot(int(amb[i])))
        res.dot_min_px[i] = ambush_dot_px(int(amb[i]))
        res.dot_rims[i] = rim
    for v in sorted(set(int(a) for a in amb.tolist() if a > 0)):
        res.legend_dots[len(res.legend)] = ambush_dot(v)
        res.legend.append((ambush_colours(v)[0], f"ambush +{v} ({'large dark' if v > 1 else 'small pale'} dot)"))
    return res


def line_of_sight(state: Any, p: pal.Palette, origin: int | None, radius: int = 6) -> OverlayResult:
    """What a ground observer on the hovered hex could see: the terrain's line of sight, and within it how far
    today's weather and darkness let it see (the same cap the turn's weather report gives)."""
    res = OverlayResult("4 Line of sight from the hovered hex (radius 6)")
    if origin is None:
        res.legend.append(((0, 0, 0, 0), "hover a hex"))
        return res
    from engine.weather import ground_vision_cap

    gm = state.map
    terr = _Terrain(state, p)
    seen = set(gm.viewshed(origin, radius).tolist())
    dist = gm.distances_from(origin)
    within = np.flatnonzero(dist <= radius).tolist()
    w, night = state.weather, state.night
    today = ground_vision_cap(w, night, False, gm.hex_km)
    trained = ground_vision_cap(w, night, True, gm.hex_km)
    lit, hazy, dark = (255, 255, 200, 90), (120, 130, 160, 150), (0, 0, 0, 150)
    for i in within:
        res.fills[i] = (lit if dist[i] <= today else hazy) if i in seen else dark
    res.fills[origin] = (255, 255, 0, 190)
    why = ("night" if night and today <= 2 else "") or ("fog" if w.fog != "none" else "") or "visibility"
    res.legend += [(terr.swatch(lit, (i for i in within if i in seen and i != origin and dist[i] <= today)),
                    f"visible today (ground observers see {today} hex{'' if today == 1 else 'es'})"),
                   (terr.swatch(hazy, (i for i in within if i in seen and dist[i] > today)),
                    f"in line of sight, but beyond today's {why}"
                    + (f" (night-trained units see {trained})" if trained != today else "")),
                   (terr.swatch(dark, (i for i in within if i not in seen)), "blocked by ground, trees or buildings")]
    if today >= radius:
        res.legend.pop(1)  # (clear day: nothing is cut by the weather)
    return res


def enemy_air_types(state: Any, side: int) -> list[tuple[str, str | None]]:
    """The enemy's aircraft *types* as the scenario's order of battle lists them (public: the briefing), each
    judged against the public weather with the engine's `flight_check`: (type label, why grounded or None). No
    position, strength or unit: only what the type can do in today's sky, the other half of the drone lesson.
    Only units in the game and arrived by now (a review: a unit switched off, `present: false`, was listed as
    flying, and a drone due on turn 20 gave itself away from turn 1)."""
    from engine.weather import flight_check

    return [(ut.label, flight_check(ut, state.weather)) for ut in air_types_in_play(state, 1 - side)]


def air_types_in_play(state: Any, side: int | None = None, alive: bool = False) -> list[Any]:
    """The unit types of the aircraft in the game by now, each type once, in the order of battle's order (public:
    the briefing): present and arrived, of `side` only when given, not shot down with `alive` (the low-cloud tag,
    `ui.sky`; `enemy_air_types` keeps a type whose units fell, as it always has)."""
    table = state.scenario.unit_table
    out: list[Any] = []
    seen: set[str] = set()
    for us in state.scenario.units:
        ut = table[us.type]
        if (ut.domain != "air" or (side is not None and us.side != SIDES[side]) or us.type in seen
                or not us.present or us.arrives_turn > state.turn or (alive and state.unit(us.id).strength <= 0)):
            continue
        seen.add(us.type)
        out.append(ut)
    return out


RECON_COVER_OWN = "recon cover until your next turn starts: artillery spotted here"
RECON_COVER_BOTH = "recon cover of either side until that side's next turn starts: its artillery spotted here"
"""The drone overlay's cover row in a side's view, and in a view of both sides (`--see-all`): each side's cover
lasts until that side's own turn starts, and an observer of both has no "your" turn."""


def drones(state: Any, view: Any, p: pal.Palette, omniscient: bool = False) -> OverlayResult:
    """Armed drones' strike radius (solid where one can fly, hatched where all are grounded) and the recon
    drone's reach (dots) are separate layers, so low cloud shows both "armed grounded" and "recon still spots".
    A side's view draws its own aircraft and says in the legend what the weather does to the enemy's aircraft
    types (`enemy_air_types`): the lesson has two sides. `omniscient` (`--see-all`): both sides' drawn."""
    res = OverlayResult("5 Drones: armed drones' strike radius, recon drone's reach and cover"
                        + (" (both sides)" if omniscient else ""))
    gm = state.map
    terr = _Terrain(state, p)
    fly_c, down_c, cover_c, recon_c = _DRONE_COLOURS.get(p.name, _DRONE_COLOURS["default"])
    reach: dict[str, set[int]] = {ARMED_FLY: set(), ARMED_GROUNDED: set(), RECON_FLY: set(), RECON_GROUNDED: set()}
    bases: set[int] = set()
    grounded_now = state.grounded if omniscient else view.grounded
    for u in state.units if omniscient else view.own:
        ut = state.scenario.unit_table[u.type]
        if ut.domain != "air" or not u.active or u.strength <= 0:
            continue
        recon = ut.air_role == "recon"
        down = bool(grounded_now.get(u.id))
        kind = (RECON_GROUNDED if down else RECON_FLY) if recon else (ARMED_GROUNDED if down else ARMED_FLY)
        reach[kind].update(gm.within(u.idx, ut.sortie_radius_hexes).tolist())
        bases.add(u.idx)
    armed_down = reach[ARMED_GROUNDED] - reach[ARMED_FLY]
    recon_down = reach[RECON_GROUNDED] - reach[RECON_FLY]
    cover = set(np.flatnonzero(np.logical_or.reduce(state.recon_cover) if omniscient else view.recon_cover).tolist())
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
    enemy = [] if omniscient else enemy_air_types(state, view.side)
    if not bases:
        res.legend.append(((0, 0, 0, 0), "no own aircraft in play"))
        _enemy_air_legend(res, enemy)
        return res
    plain = [i for i, t in tags.items() if RECON_COVER not in t]
    if reach[ARMED_FLY] or reach[ARMED_GROUNDED]:  # rows for the roles the side has, in every weather
        res.legend.append((terr.swatch(fly, (i for i in plain if ARMED_FLY in tags[i]), tags),
                           "armed drones can fly: strike radius"))
    res.legend.append((terr.swatch(grounded, (i for i in plain if res.hatch.get(i)), tags),
                       "GROUNDED by weather (hatched): radius of drones that cannot fly"
                       + ("" if res.hatch else " - none " + ("this turn" if omniscient else "of yours this turn"))))
    # (the row stays: the class sees the key)
    if reach[RECON_FLY] or reach[RECON_GROUNDED]:
        res.legend += [(_c(recon_c, 255), "dot: recon drone can fly here, can spot for artillery"),
                       (terr.swatch(covered, cover, tags), RECON_COVER_BOTH if omniscient else RECON_COVER_OWN)]
    res.legend.append(((255, 255, 255, 255), "air base (large white dot)"))
    _enemy_air_legend(res, enemy)
    return res


def _enemy_air_legend(res: OverlayResult, enemy: list[tuple[str, str | None]]) -> None:
    """The enemy's aircraft types in today's weather, below the own ones (no swatch: nothing of theirs is drawn)."""
    if not enemy:
        return
    res.legend.append(((0, 0, 0, 0), "ENEMY aircraft in this weather (types from the briefing; not shown on map):"))
    for label, why in enemy:
        res.legend.append(((0, 0, 0, 0), f"  enemy {label[:1].lower()}{label[1:]}: "
                           + (f"GROUNDED - {why}" if why else "CAN FLY")))


SUPPLY_TITLE = "6 Supply - YOUR ESTIMATE: routes traced around the enemies you know of"
NO_SUPPLY_TAG = "NO SUPPLY"
"""The tag on an own counter the turn-start supply report found out of supply (shorter where it must fit)."""


def supply_colours(p: pal.Palette) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(out of supply, in supply) marks on own counters: the palette's own "bad" and "good" hues, darkened so
    white letters read on them."""
    cut_off = _DRONE_COLOURS.get(p.name, _DRONE_COLOURS["default"])[1]
    return cut_off, pal.shade(p.good, -0.35)


def supply(state: Any, view: Any, side: int, p: pal.Palette, omniscient: bool = False) -> OverlayResult:
    """Two layers that must not be confused. The colours are the side's ESTIMATE of its supply routes: the
    engine's trace around the enemies it knows of (`supply_estimate`: seen now, seen lately, or known to have
    taken ground, such as a road cut it was told of), which an enemy it has not seen may already have cut. On
    top of its own counters, the FACT: each unit's turn-start supply status (its `supplied` flag, the
    SupplyReport), which the side always knows. Where the two disagree (a unit out of supply where the
    estimate says supplied), the hex is outlined: an unseen enemy cuts that route."""
    from engine.supply import supply_estimate

    # (a both-sides view draws one side's estimate: it says whose, where "YOUR" read as nobody's: a teacher)
    whose = f"6 Supply - the {SIDES[side].upper()}'S ESTIMATE: routes traced around the enemies it knows of"
    res = OverlayResult(whose if omniscient else SUPPLY_TITLE)
    who = f"the {SIDES[side]}"
    knows, has, counts = (f"{who} knows", f"{who} has", f"{who} counts") if omniscient else ("you know", "you have",
                                                                                          "you count")
    terr = _Terrain(state, p)
    f, known_blocks = supply_estimate(state, side)  # never traced through enemies the side cannot know of
    lim = float(state.scenario.sides[SIDES[side]].supply_range) or 1.0
    vals = f.tolist()
    cut = [i for i, v in enumerate(vals) if math.isinf(v)]
    for i, v in enumerate(vals):
        res.fills[i] = (0, 0, 0, NONE_ALPHA) if math.isinf(v) else _c(pal.ramp(p, v / lim), FILL_ALPHA)
    for v in (0.0, lim / 2, lim):
        near = [i for i, x in enumerate(vals) if not math.isinf(x) and abs(x - v) <= lim / 6]
        res.legend.append((terr.swatch(_c(pal.ramp(p, v / lim), FILL_ALPHA), near), f"supply cost {v:g}"))
    res.legend.append((terr.swatch((0, 0, 0, NONE_ALPHA), cut), f"no route {knows} of"))
    blocks = np.flatnonzero(known_blocks).tolist()
    if blocks:
        block_c = _c(supply_colours(p)[0], 255)
        for i in blocks:
            res.hatch[i] = block_c
        res.legend.append((block_c, "hatched: blocked by enemies seen now or lately, or ground they took "
                           "(a road cut)"))
    res.legend.append(((0, 0, 0, 0), f"Enemies {has} not seen may cut routes that look open"))
    for h in state.scenario.sides[SIDES[side]].supply_sources:
        res.dots[state.map.idx(h)] = ((255, 255, 255, 255), 0.4)
    res.legend.append(((255, 255, 255, 255), "supply source (white dot)"))
    # the facts: the side's own units' supply at the start of the turn (the engine's SupplyReport)
    table = state.scenario.unit_table
    out_c, in_c = supply_colours(p)
    units = [u for u in view.own if u.active and not u.offmap and table[u.type].domain == "ground"]
    for u in units:
        res.unit_marks[u.id] = (_c(in_c, 255), "") if u.supplied else (_c(out_c, 255), NO_SUPPLY_TAG)
    if not units:
        return res
    res.legend.append((_c(out_c, 255), f"{NO_SUPPLY_TAG} on a counter: that unit IS out of supply (a fact)"))
    if any(not u.supplied for u in units):  # (the key to the tag's count and short forms, where there are tags)
        res.legend += [(_c(out_c, 255), words) for words in tag_legend(NO_SUPPLY_TAG, "out of supply")]
    res.legend.append((_c(in_c, 255), "tick on a counter: that unit is in supply (a fact)"))
    # the estimate contradicted: a unit out of supply where the trace says supplied (a unit that has moved since
    # the turn-start report, in its side's half of this turn, is left out: the report was about the hex it left)
    moved_since = state.side == side
    wrong = {u.idx for u in units if not u.supplied and not (u.moved and moved_since) and not math.isinf(vals[u.idx])}
    for i in wrong:
        for d in range(6):
            res.edges[(i, d)] = _c(out_c, 255)
        res.tags[i] = frozenset({"estimate contradicted"})
    if wrong:
        res.legend.append((_c(out_c, 255), "outlined: looks supplied, yet the unit IS out: an unseen enemy cuts "
                           "its route"))
    # and the other way round: counted as cut off, yet in supply (the enemy has left ground the side counts as
    # taken, or a route runs where it cannot see)
    fed_anyway = {u.idx for u in units if u.supplied and not (u.moved and moved_since) and math.isinf(vals[u.idx])}
    for i in fed_anyway - wrong:
        for d in range(6):
            res.edges[(i, d)] = _c(in_c, 255)
        res.tags[i] = frozenset({"estimate contradicted"})
    if fed_anyway - wrong:
        res.legend.append((_c(in_c, 255), "outlined: looks cut off, yet the unit IS in supply: the enemy has "
                           f"left ground {counts} as taken"))
    return res


HEIGHT_STEPS_M = (25, 50, 100, 200, 250, 500, 1000)
"""Band widths the height legend may use (metres)."""
HEIGHT_BANDS = (9, 12)
"""How many bands the height overlay aims for, and the most it may use: enough to show a town's cliff above its
valley on a map 2 km high (Shusha: 250 m bands), few enough to tell apart and list."""
HEIGHT_ALPHA = 190
"""Alpha of the height tint: strong, so each band reads as its legend colour over forest as over plain."""


def height_bands(elevation: np.ndarray) -> tuple[float, float, int]:
    """(lowest band's floor, band width, number of bands) in metres for a map's elevations: round numbers, the
    number of bands nearest `HEIGHT_BANDS[0]` (the wider band on a tie), at most `HEIGHT_BANDS[1]`."""
    lo, hi = float(elevation.min()), float(elevation.max())

    def count(k: float) -> int:
        return math.floor(hi / k) - math.floor(lo / k) + 1

    fit = [float(k) for k in HEIGHT_STEPS_M if count(k) <= HEIGHT_BANDS[1]] or [float(HEIGHT_STEPS_M[-1])]
    step = min(fit, key=lambda k: (abs(count(k) - HEIGHT_BANDS[0]), -k))
    base = math.floor(lo / step) * step
    return base, step, math.floor((hi - base) / step) + 1


def height(state: Any, p: pal.Palette) -> OverlayResult:
    """The relief: each hex tinted by its elevation band (the map's `elevation`), a legend in metres, the
    metres printed in each hex where the zoom allows, and the cliffs' drops (cliffs stay drawn on top)."""
    gm = state.map
    e = gm.elevation
    res = OverlayResult("8 Height above sea level (metres); cliffs drawn on top")
    terr = _Terrain(state, p)
    base, step, n = height_bands(e)
    band = np.minimum(((e - base) // step).astype(int), n - 1).tolist()
    colours = [_c(height_ramp(p, k / max(1, n - 1)), HEIGHT_ALPHA) for k in range(n)]
    for i, k in enumerate(band):
        res.fills[i] = colours[k]
        res.labels[i] = f"{e[i]:.0f}"
    for k in range(n - 1, -1, -1):  # high first, as a map's height key reads
        hexes = [i for i, b in enumerate(band) if b == k]
        if hexes:
            res.legend.append((terr.swatch(colours[k], hexes), f"{base + k * step:.0f}–{base + (k + 1) * step:.0f} m"))
    if gm.cliff_down.any():
        top, d = np.nonzero(gm.cliff_down)
        low = gm.nbr[top, d]
        drops = e[top] - e[low]
        lo, hi = float(drops.min()), float(drops.max())
        drop = f"{lo:.0f} m" if lo == hi else f"{lo:.0f}–{hi:.0f} m"
        res.legend.append((_c(p.cliff, 255), f"black line with teeth: a cliff, teeth pointing down it (drops {drop})"))
    res.legend.append(((0, 0, 0, 0), "hover a hex for its height; counters may cover the printed metres"))
    return res


def terrain_key(state: Any, p: pal.Palette) -> OverlayResult:
    """Overlay 9: nothing drawn on the map, a key to it: each terrain on the map, in its own colour, with what it
    does (defence, concealment, ambush, move costs, from the scenario's terrain table), then the lines drawn over
    the terrain (cliffs, rivers, roads, the objective). A teacher found the ravines, forests and cliff lines
    unexplained unless each hex was hovered."""
    gm = state.map
    res = OverlayResult("9 Terrain key: what each ground does (hover a hex for its own numbers)")
    res.key_only = True
    terr = _Terrain(state, p)
    table = state.scenario.terrain_table
    on_map = Counter(terr.codes)
    for code, t in table.items():
        if code not in on_map:
            continue
        hexes = [i for i, c in enumerate(terr.codes) if c == code]
        i = terr.typical(hexes)
        colour = _c(terr.seen[i][:3], 255) if i is not None else (0, 0, 0, 0)
        costs = ", ".join(f"{m} {'—' if v is None else f'{v:g}'}" for m, v in t.move_cost.items())
        ambush = f"ambush +{t.ambush}" if t.ambush else "no ambush"
        hide = f"concealment {t.concealment}" if t.concealment else "no cover to hide in"
        res.legend.append((colour, f"{t.name}: defence {t.defence:+d}, {hide}, {ambush}; move {costs}"))
    if gm.cliff_down.any():
        res.legend.append((_c(p.cliff, 255), "black line with teeth: a cliff, teeth pointing down it (overlay 2: "
                           "its fire modifiers)"))
    if gm.river.any():
        res.legend.append((_c(p.river, 255), f"{p.words['river']} hex edges: a river"))
    kinds = {kind for _name, kind, _path in gm.roads}
    for kind, colour, words in (("main", p.road_main, f"{p.words['road_main']} line: main road"),
                                ("secondary", p.road_secondary, "thinner line: secondary road"),
                                ("track", p.road_track, "dashed line: track")):
        if kind in kinds:  # (cheaper to move along: the movement overlay, key 1, gives each class's cost)
            res.legend.append((_c(colour, 255), f"{words} (cheaper to move along: overlay 1)"))
    if state.scenario.objectives:
        res.legend.append((_c(p.objective, 255), "gold outline: the objective"))
    return res


def height_ramp(p: pal.Palette, t: float) -> tuple[int, int, int]:
    """Colour for t in [0, 1] along the palette's height ramp (low to high)."""
    t = max(0.0, min(1.0, t))
    r = p.height_ramp
    n = len(r) - 1
    i = min(int(t * n), n - 1)
    f = t * n - i
    a, b = r[i], r[i + 1]
    return (int(a[0] + (b[0] - a[0]) * f), int(a[1] + (b[1] - a[1]) * f), int(a[2] + (b[2] - a[2]) * f))


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
        return drones(state, view, p, omniscient)
    if n == 6:
        return supply(state, view, side, p, omniscient)
    if n == 7:
        return control(state, view, p, None if omniscient else side)
    if n == 8:
        return height(state, p)
    if n == 9:
        return terrain_key(state, p)
    raise ValueError(n)


DOT_MIN_PX = 2.0
"""The smallest radius (px) of an overlay's dot."""


def dot_radius(size: float, frac: float, min_px: float = DOT_MIN_PX) -> float:
    """A dot's radius (px) on hexes of radius `size`: `frac` of the hex, at least `min_px`, never wider than most
    of the hex (a floor larger than a small hex is cut to it).

    >>> dot_radius(9, 0.13, 2.0), dot_radius(9, 0.32, 4.5), dot_radius(7, 0.32, 4.5), dot_radius(28, 0.32, 4.5)
    (2.0, 4.5, 4.34, 8.96)
    """
    return round(max(DOT_MIN_PX, min(max(min_px, size * frac), 0.62 * size)), 2)


LABEL_MIN_HEX = 20
"""The smallest hex radius (px) at which an overlay prints its per-hex labels (they must fit the hex's top)."""
LABEL_MAX_WIDTH = 1.45
"""The widest a per-hex label may be, in hex radii: a hex is 1.73 radii wide, so neighbours' labels keep a gap
(at `--ui-scale 1.5` the height overlay's four-digit metres ran into one another along each row)."""
LABEL_MIN_PX = 9
"""The smallest type (before the UI's scale) a per-hex label is drawn at."""


def label_px(labels: Any, s: int, text: Any) -> int | None:
    """The type size (before the UI's scale) for per-hex labels on hexes of radius `s`: the size the hex suggests,
    smaller until the widest label fits `LABEL_MAX_WIDTH`; None if none fits at `LABEL_MIN_PX` (a wall of
    smaller digits read as noise; the legend says to hover a hex)."""
    first = max(9, round(s * 0.36))
    widest = max(set(labels), key=lambda w: text.font(first).size(text.clean(w, first))[0])
    for px in range(first, LABEL_MIN_PX - 1, -1):
        if text.font(px).size(text.clean(widest, px))[0] + 4 <= LABEL_MAX_WIDTH * s:  # (+4: the halo)
            return px
    return None


def draw_layer(res: OverlayResult, geo: MapGeometry, size: tuple[int, int], vx: float, vy: float,
               visible: Iterable[int], text: Any = None) -> pygame.Surface:
    """The overlay as one transparent layer of the map view (fills, then hatching, then markers, then the
    per-hex labels if `text` is given and the zoom allows), drawn for the visible hexes only: the caller caches
    it until the view moves."""
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
            rad = dot_radius(s, r, res.dot_min_px.get(i, DOT_MIN_PX))
            rim = res.dot_rims.get(i)
            if rim is not None:
                pygame.draw.circle(layer, rim, (x - vx, y - vy), rad + 1)
            pygame.draw.circle(layer, c, (x - vx, y - vy), rad)
    px = label_px(res.labels.values(), s, text) if text is not None and res.labels and s >= LABEL_MIN_HEX else None
    if px is not None:
        for i, words in res.labels.items():
            if i in vis:
                x, y = geo.center(i)
                img = text.halo(words, px, (0, 0, 0), (255, 255, 255))
                layer.blit(img, img.get_rect(center=(int(x - vx), int(y - vy - 0.74 * s))))
    return layer


def _tag_plate(tag: str, colour: RGBA, h: int, w: int, text: Any) -> pygame.Surface:
    """A tag's white letters on a plate of `colour`, no wider than a counter `w` px wide (`h` high) as long as
    the letters stay readable."""
    px = max(8, round(h * 0.36))
    while px > 8 and text.font(px, bold=True).size(text.clean(tag, px, True))[0] > w - 8:
        px -= 1  # (no wider than the counter, so neighbours' tags do not meet, while it stays readable)
    img = text.render(tag, px, (255, 255, 255), bold=True)
    plate = pygame.Surface((img.get_width() + 6, img.get_height()), pygame.SRCALPHA)
    pygame.draw.rect(plate, colour, plate.get_rect(), border_radius=3)
    pygame.draw.rect(plate, (255, 255, 255), plate.get_rect(), 1, border_radius=3)
    plate.blit(img, (3, 0))
    return plate


SHORT_TAG_ONE = "!"
"""A tag cut short where its words have no room, on a hex where one unit is marked (with more: "×N")."""


def tag_words(tag: str, n: int) -> tuple[str, str]:
    """(full, short) words of a counter tag (`unit_mark_sprites`) on a hex where `n` units carry it: the count
    after the tag when more than one, and the short form, drawn where the full one has no room.

    >>> tag_words("NO SUPPLY", 1), tag_words("NO SUPPLY", 2)
    (('NO SUPPLY', '!'), ('NO SUPPLY ×2', '×2'))
    """
    return (f"{tag} ×{n}", f"×{n}") if n > 1 else (tag, SHORT_TAG_ONE)


def tag_legend(tag: str, meaning: str) -> list[str]:
    """The legend's lines for a counter tag's count and short forms (`tag_words`), `meaning` what a unit with the
    tag is: "!" and "×2" on the map said nothing of what they stood for.

    >>> tag_legend("NO SUPPLY", "out of supply")[0]
    '"NO SUPPLY ×2": 2 units on that hex are out of supply'
    """
    full2, short2 = tag_words(tag, 2)
    return [f'"{full2}": 2 units on that hex are {meaning}',
            f'"{tag_words(tag, 1)[1]}" (1 unit) or "{short2}" alone: the same tag, shortened to fit']


def unit_mark_sprites(res: OverlayResult, boxes: dict[str, tuple[int, pygame.Rect]], text: Any
                      ) -> list[tuple[pygame.Surface, pygame.Rect]]:
    """The overlay's marks on own counters (`OverlayResult.unit_marks`), as (image, rectangle on the map
    surface) to draw ABOVE the counters: per hex, a ring round the counters of the units marked with a tag and
    the tag itself across their top edge, or else a small badge with a tick at the top right. `boxes`: unit id ->
    (hex, its counter's rectangle on the map surface)."""
    by_hex: dict[int, list[tuple[pygame.Rect, RGBA, str]]] = {}
    for uid, (colour, tag) in res.unit_marks.items():
        got = boxes.get(uid)
        if got is not None:
            by_hex.setdefault(got[0], []).append((got[1], colour, tag))
    rings: list[tuple[pygame.Surface, pygame.Rect]] = []
    tags: list[tuple[pygame.Surface, pygame.Rect]] = []
    placed: list[pygame.Rect] = []
    for at, marks in sorted(by_hex.items(), key=lambda kv: (kv[1][0][0].top, kv[1][0][0].left)):
        tagged = [m for m in marks if m[2]]
        if tagged:
            colour, tag = tagged[0][1], tagged[0][2]
            area = tagged[0][0].unionall([r for r, _, _ in tagged[1:]])
            w, h = tagged[0][0].size
            lw = 2 if w < 34 else 3
            ring = pygame.Surface(area.inflate(4 * lw, 4 * lw).size, pygame.SRCALPHA)
            rr = ring.get_rect()
            pygame.draw.rect(ring, (255, 255, 255), rr, lw)  # a white casing: reads on a counter of any colour
            pygame.draw.rect(ring, colour, rr.inflate(-2 * lw, -2 * lw), lw)
            rings.append((ring, ring.get_rect(center=area.center)))
            # one tag per hex, with how many of its units it is about; across the top of the stack, else its
            # foot, else shorter: never over a neighbour's tag (a player read "NO SUPPLY SUPPLY" on Shusha)
            # nor over a counter of another hex (Shusha's stacked "NO SUPPLY ×2" tags lay over the counter above):
            # across the stack's top or foot, else inside its own counters' top or foot
            words = list(tag_words(tag, len(tagged)))
            others = [r for i, r in boxes.values() if i != at]
            chosen = None
            for t in words:
                plate = _tag_plate(t, colour, h, w, text)
                ph = plate.get_height()
                spots = [plate.get_rect(midbottom=(area.centerx, area.top + ph // 2)),
                         plate.get_rect(midtop=(area.centerx, area.bottom - ph // 2)),
                         plate.get_rect(midtop=(area.centerx, area.top + lw)),
                         plate.get_rect(midbottom=(area.centerx, area.bottom - lw))]
                chosen = next(((plate, r) for r in spots if r.collidelist(placed) < 0 and r.collidelist(others) < 0),
                              None)
                if chosen is not None:
                    break
            if chosen is None:  # (crowded all round: the short tag on its own counters, over no other tag)
                plate = _tag_plate(words[-1], colour, h, w, text)
                spot = plate.get_rect(midtop=(area.centerx, area.top + lw))
                chosen = (plate, spot) if spot.collidelist(placed) < 0 else None
            if chosen is not None:
                tags.append(chosen)
                placed.append(chosen[1])
        else:
            top = max((r for r, _, _ in marks), key=lambda r: (r.right, r.top))  # the last of a stack: on top
            colour = marks[0][1]
            d = max(9, round(top.h * 0.45))
            badge = pygame.Surface((d, d), pygame.SRCALPHA)
            pygame.draw.circle(badge, (255, 255, 255), (d / 2, d / 2), d / 2)
            pygame.draw.circle(badge, colour, (d / 2, d / 2), d / 2 - 1)
            lw = max(2, d // 6)
            pygame.draw.lines(badge, (255, 255, 255), False, [(d * 0.25, d * 0.52), (d * 0.43, d * 0.7),
                                                               (d * 0.75, d * 0.3)], lw)
            tags.append((badge, badge.get_rect(center=(top.right - 1, top.top + 1))))
    out = rings + tags  # (every ring first: a neighbour's ring never cuts a tag)
    return out


REACH_TAG_PX = 11
"""The type size of a move-cost tag (`reach_tag_plate`) where the hex has room for it (scaled by --ui-scale)."""
REACH_TAG_MIN_FONT = 10
"""The smallest font size (after --ui-scale) a move-cost tag shrinks to: below it the figures do not read."""
REACH_TAG_MIN_HEX = 13
"""The smallest hex radius (px) with move-cost tags: below it the reach's outlines say enough."""
REACH_TAG_PLATE = (15, 15, 20, 225)
_REACH_TAGS: dict[tuple[Any, ...], pygame.Surface] = {}
_REACH_TAG_PX: dict[tuple[Any, ...], float] = {}


def reach_tag_px(text: Any, hex_size: float, units: bool) -> float:
    """The type size of the move-cost tags on hexes of radius `hex_size`, one for all (a cost of "8.5", with
    " MP" if `units`, measures them): the largest from `REACH_TAG_PX` down whose tag fits the width between two
    neighbours' centres and the height between two rows, never below `REACH_TAG_MIN_FONT`; with `units`, 0 when
    the figures and " MP" do not fit at full size (on hexes under 24 px, always: the figures alone then). One
    answer per zoom, remembered: every tag of every frame asks (measuring the fonts each time cost 1.6 ms a frame
    on Shusha's 81 destinations)."""
    key = (text.scale, getattr(text, "ui", False), hex_size, units)
    got = _REACH_TAG_PX.get(key)
    if got is None:
        if len(_REACH_TAG_PX) > 64:
            _REACH_TAG_PX.clear()
        got = _REACH_TAG_PX[key] = _reach_tag_px(text, hex_size, units)
    return got


def _reach_tag_px(text: Any, hex_size: float, units: bool) -> float:
    wide, high = SQRT3 * hex_size - 2, 1.5 * hex_size - 2
    probe = "8.5 MP" if units else "8.5"

    def fits(px: float) -> bool:
        w, h = text.font(px, bold=True).size(text.clean(probe, px, True))
        return w + 6 <= wide and h <= high

    if units:
        return REACH_TAG_PX if hex_size >= 24 and fits(REACH_TAG_PX) else 0
    real = round(REACH_TAG_PX * text.scale)  # (stepped in the font's own sizes: --ui-scale 1.5 jumped 12 to 10)
    while real > REACH_TAG_MIN_FONT and not fits(real / text.scale):
        real -= 1
    return max(real, REACH_TAG_MIN_FONT) / text.scale


def reach_tag_plate(text: Any, cost: float, hex_size: float, colour: tuple[int, int, int]) -> pygame.Surface:
    """A reachable hex's move cost as drawn on it: figures in `colour` on a dark plate, so they never read as part
    of an overlay's colours or numbers below them. It fits its hex: "3 MP" where that fits the hex's width, else
    "3", in the largest type from `REACH_TAG_PX` down to `REACH_TAG_MIN_FONT` that fits the width between two
    neighbours' centres and the height between two rows (at --ui-scale 1.5 the fixed 11 px tags ran into each
    other along every row of the reach)."""
    words, px = f"{cost:g}", reach_tag_px(text, hex_size, True)
    if px:
        words = f"{words} MP"
    else:
        px = reach_tag_px(text, hex_size, False)
    key = (text.scale, getattr(text, "ui", False), words, px, tuple(colour))
    img = _REACH_TAGS.get(key)
    if img is None:
        txt = text.render(words, px, tuple(colour), bold=True)
        img = pygame.Surface((txt.get_width() + 6, txt.get_height()), pygame.SRCALPHA)
        pygame.draw.rect(img, REACH_TAG_PLATE, img.get_rect(), border_radius=3)
        img.blit(txt, (3, 0))
        if len(_REACH_TAGS) > 256:
            _REACH_TAGS.clear()
        _REACH_TAGS[key] = img
    return img


def reach_tag_layout(costs: dict[int, float], geo: MapGeometry, text: Any, colour: tuple[int, int, int],
                     first: Iterable[int] = ()) -> list[tuple[int, pygame.Rect]]:
    """(hex, rectangle on the map surface) of each move-cost tag drawn (`reach_tag_plate`), just below its hex's
    centre: `first` (the hovered destination) and then the cheapest hexes take their place, and a tag that would
    meet one already placed is left out (the hover panel and the path's tag still give its cost). None on hexes
    smaller than `REACH_TAG_MIN_HEX`. No two of the rectangles meet."""
    s = geo.size
    if not costs or s < REACH_TAG_MIN_HEX:
        return []
    order = list(dict.fromkeys([i for i in first if i in costs] + sorted(costs, key=lambda i: (costs[i], i))))
    out: list[tuple[int, pygame.Rect]] = []
    placed: list[pygame.Rect] = []
    for i in order:
        x, y = geo.center(i)
        r = reach_tag_plate(text, costs[i], s, colour).get_rect(center=(int(x), int(y + s * 0.55)))
        if r.collidelist(placed) < 0:
            out.append((i, r))
            placed.append(r)
    return out


AIR_REACH = (255, 120, 255)
"""The selected drone's reach: the outline of the hexes it may send a sortie to (its target ring is magenta)."""
OUT_OF_REACH = (150, 150, 150)
"""A sortie's footprint beyond the drone's reach: grey and hatched, unlike a valid one's magenta."""


def air_reach(state: Any, uid: str) -> tuple[np.ndarray, list[tuple[int, int]]] | None:
    """The hexes own aircraft `uid` may send a sortie to (mask) and the edges (hex, direction) round them; None
    for a unit that is no aircraft. The reach is the unit table's `sortie_radius_hexes` counted from its base,
    as the order's legality counts it (`engine.rules`: "... is N hexes from the base; its radius is R")."""
    u = state.unit(uid)
    ut = state.scenario.unit_table[u.type]
    if ut.domain != "air" or u.strength <= 0:
        return None
    gm = state.map
    key = (id(gm), u.idx, ut.sortie_radius_hexes)
    got = _AIR_REACH.get(key)
    hit = got[1] if got is not None and got[0] is gm else None  # (an id reused by another map: not its reach)
    if hit is None:
        inside = gm.distances_from(u.idx) <= ut.sortie_radius_hexes
        nbr = gm.nbr
        out = inside[:, None] & (nbr >= 0) & ~inside[np.maximum(nbr, 0)]  # edges to outside it on the map
        hit = (inside, [(int(i), int(d)) for i, d in zip(*np.nonzero(out), strict=False)])
        if len(_AIR_REACH) > 16:
            _AIR_REACH.clear()
        _AIR_REACH[key] = (gm, hit)
    return hit


_AIR_REACH: dict[tuple[int, int, int], tuple[Any, tuple[np.ndarray, list[tuple[int, int]]]]] = {}
"""`air_reach` per (map, base hex, radius): drawn each frame while a drone is selected."""


def draw_air_reach(screen: pygame.Surface, geo: MapGeometry, vx: float, vy: float,
                   edges: Iterable[tuple[int, int]], visible: Iterable[int] = ()) -> None:
    """The drone's reach as a dashed line round it (`air_reach`'s edges): where its sorties may go (a player
    picked a recon target out of reach that looked like a valid one). `visible`: the hexes on screen (all if
    empty)."""
    vis = set(visible)
    lw = max(2, round(geo.size / 9))
    for i, d in edges:
        if vis and i not in vis:
            continue
        a, b = geo.edge(i, d)
        pts = [(a[0] + (b[0] - a[0]) * t - vx, a[1] + (b[1] - a[1]) * t - vy) for t in (0.15, 0.85)]
        pygame.draw.line(screen, (10, 10, 10), *pts, lw + 3)
        pygame.draw.line(screen, AIR_REACH, *pts, lw)


def draw_footprint(screen: pygame.Surface, geo: MapGeometry, vx: float, vy: float, hexes: Iterable[int],
                   ok: bool, colour: tuple[int, int, int], text: Any = None) -> None:
    """A sortie's footprint (the hexes it would search): each outlined in `colour` when the order is allowed;
    grey and hatched, with "out of reach" on it, when the target is beyond the drone's reach."""
    s = geo.size
    w = max(2, int(s // 6))
    hexes = list(hexes)
    if ok:
        for i in hexes:
            pygame.draw.polygon(screen, colour, [(x - vx, y - vy) for x, y in geo.corners(i, 0.9)], w)
        return
    hl = max(1, round(s / 10))
    for i in hexes:
        pygame.draw.polygon(screen, OUT_OF_REACH, [(x - vx, y - vy) for x, y in geo.corners(i, 0.9)], w)
        x, y = geo.center(i)
        x, y = x - vx, y - vy
        for k in (-1, 0, 1):
            ox = k * 0.42 * s
            pygame.draw.line(screen, OUT_OF_REACH, (x + ox - 0.3 * s, y + 0.3 * s), (x + ox + 0.3 * s, y - 0.3 * s), hl)
    if text is not None and hexes:
        xs = [geo.center(i) for i in hexes]
        cx = sum(p[0] for p in xs) / len(xs) - vx
        cy = min(p[1] for p in xs) - vy - s
        img = text.halo(OUT_OF_REACH_WORDS, 13, (0, 0, 0), (230, 230, 230), bold=True)
        screen.blit(img, img.get_rect(midbottom=(int(cx), int(cy))))


OUT_OF_REACH_WORDS = "out of reach"
