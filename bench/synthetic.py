"""Synthetic scenarios for benchmarks: valid scenario dicts of any size, loaded with `scenario_from_dict`.

`make_scenario(cols, rows, units)` builds a deterministic (per `seed`) map with every feature the engine
models: plains, hills, mountains, forest blobs, a ravine band, a town (the objective) and villages; elevation
with a plateau under the objective; a watched main road from the objective to the defender's rear, a
secondary road from the attacker's rear, a forest track; a cliff on the objective's flank; a river across the
ravine; weather for every turn; units of both sides including artillery, drones (strike, loitering, recon)
and air defence. The attacker starts along the south edge, the defender around the objective and in the
north, as in Shusha.

    >>> from engine.scenario import scenario_from_dict
    >>> s = scenario_from_dict(make_scenario(10, 10, 17, turns=10))
    >>> (s.map.cols, s.map.rows, len(s.units), s.turns)
    (10, 10, 17, 10)

Run `python bench/synthetic.py 50 50 40` to print a summary (or `--json` for the document).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import hexgrid  # noqa: E402

HexRef = tuple[int, int]

# Order of battle, repeated as needed: the first k entries are the units of a side with k units, so small
# sides still get artillery, drones and air defence, and big sides keep Shusha-like proportions.
ATTACKER_PATTERN = (
    "special_forces", "mech_infantry", "howitzer", "armed_drone", "tank", "recon_drone", "special_forces",
    "motor_rifle", "air_defence", "loitering_munition", "special_forces", "mech_infantry", "mlrs",
    "motor_rifle", "tank", "special_forces", "howitzer", "mech_infantry", "special_forces", "motor_rifle",
)
DEFENDER_PATTERN = (
    "infantry", "infantry", "howitzer", "air_defence", "infantry", "recon_drone", "motor_rifle", "infantry",
    "tank", "infantry", "howitzer", "mech_infantry", "infantry", "infantry", "tank", "infantry",
    "motor_rifle", "infantry", "howitzer", "infantry",
)
AIR = frozenset({"armed_drone", "loitering_munition", "recon_drone"})
ARTILLERY = frozenset({"howitzer", "mlrs"})
PREFIX = {"special_forces": "sf", "mech_infantry": "mech", "motor_rifle": "mr", "tank": "tank", "infantry": "inf",
          "howitzer": "how", "mlrs": "mlrs", "air_defence": "ad", "armed_drone": "tb2",
          "loitering_munition": "lm", "recon_drone": "uav"}
SUPPLY_RANGE = 20.0
SUPPLY_SPACING = 25  # one supply source per this many hexes of a side's home edge


def _offset(h: hexgrid.Hex) -> HexRef:
    return hexgrid.axial_to_offset(h)


def _axial(c: int, r: int) -> hexgrid.Hex:
    return hexgrid.offset_to_axial(c, r)


def _neighbor(c: int, r: int, d: int) -> HexRef:
    return _offset(hexgrid.neighbor(_axial(c, r), d))


def _path(waypoints: list[HexRef]) -> list[HexRef]:
    """A chain of adjacent hexes through the waypoints (straight hex lines between them)."""
    out: list[HexRef] = []
    for a, b in itertools.pairwise(waypoints):
        seg = [_offset(h) for h in hexgrid.line(_axial(*a), _axial(*b))]
        out.extend(seg if not out else seg[1:])
    dedup: list[HexRef] = []
    for h in out:  # a waypoint revisited would make a loop; keep the chain simple
        if h in dedup:
            dedup = dedup[: dedup.index(h) + 1]
        else:
            dedup.append(h)
    return dedup


def _smooth_noise(rng: np.random.Generator, cols: int, rows: int, waves: int, wavelength: tuple[float, float]):
    """Sum of random plane waves over the hex centres: smooth, cheap, deterministic, in about [-1, 1]."""
    c, r = np.meshgrid(np.arange(cols, dtype=float), np.arange(rows, dtype=float))
    x = c + 0.5 * (r.astype(int) & 1)
    y = r * 0.866
    out = np.zeros((rows, cols))
    for _ in range(waves):
        ang = rng.uniform(0, np.pi)
        k = 2 * np.pi / rng.uniform(*wavelength)
        out += np.sin(k * (x * np.cos(ang) + y * np.sin(ang)) + rng.uniform(0, 2 * np.pi))
    return out / np.sqrt(waves / 2)


def unit_mix(n: int, side: str) -> list[str]:
    pattern = ATTACKER_PATTERN if side == "attacker" else DEFENDER_PATTERN
    return [pattern[i % len(pattern)] for i in range(n)]


BENCH_MAPS = ("small", "shusha")
"""The games the instruction-counting tools play: the Atlatl-sized synthetic game and the Shusha scenario."""


def bench_scenario(which: str) -> Any:
    """The loaded scenario of one of `BENCH_MAPS`: "small" is the 10×10, 17-unit, 10-turn game compared with
    Atlatl's test4.scn, "shusha" the real scenario."""
    from engine.scenario import load_scenario, scenario_from_dict

    if which == "shusha":
        return load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    if which == "small":
        return scenario_from_dict(make_scenario(10, 10, 17, turns=10))
    raise ValueError(f"unknown benchmark map {which!r}: one of {', '.join(BENCH_MAPS)}")


def make_scenario(cols: int, rows: int, units: int, turns: int = 6, seed: int = 0,
                  agent: str = "doctrine") -> dict[str, Any]:
    """A valid scenario document (format 1) of `cols`×`rows` hexes with `units` units (both sides)."""
    if cols < 8 or rows < 8:
        raise ValueError("synthetic maps need at least 8×8 hexes")
    rng = np.random.default_rng(seed)
    n_att = (units + 1) // 2 + (1 if units >= 6 else 0)
    n_def = units - n_att
    cx, cy = cols // 2, max(2, rows // 3)
    objective = [(cx, cy)] + [_neighbor(cx, cy, d) for d in range(6)]
    obj_set = set(objective)

    # ------------------------------------------------------------------ elevation and terrain
    elev = 700 + 350 * _smooth_noise(rng, cols, rows, 6, (10.0, 40.0))
    dist_obj = np.array([[hexgrid.distance(_axial(c, r), _axial(cx, cy)) for c in range(cols)] for r in range(rows)])
    elev += 400 * np.exp(-((dist_obj / max(3.0, min(cols, rows) / 8)) ** 2))  # the plateau under the town
    forest = _smooth_noise(rng, cols, rows, 5, (6.0, 18.0)) > 0.55
    q = np.quantile(elev, [0.55, 0.85])
    terrain = np.full((rows, cols), "p", dtype="<U1")
    terrain[elev > q[0]] = "h"
    terrain[elev > q[1]] = "m"
    terrain[forest] = "f"
    # a ravine band meandering across the map between the attacker's rear and the objective
    band_row = cy + max(2, (rows - cy) // 2)
    meander = (2.0 * np.sin(np.arange(cols) * 2 * np.pi / max(8.0, cols / 2.5))).round().astype(int)
    ravine: list[HexRef] = []
    for c in range(cols):
        r = int(np.clip(band_row + meander[c], cy + 2, rows - 2))
        terrain[r, c] = "r"
        elev[r, c] -= 120
        ravine.append((c, r))
    # villages: a few, spread out
    places: list[dict[str, Any]] = [{"name": "Objective town", "hex": [cx, cy], "kind": "town"}]
    n_vil = max(1, cols * rows // 400)
    for k in range(n_vil):
        c, r = int(rng.integers(1, cols - 1)), int(rng.integers(1, rows - 1))
        if (c, r) in obj_set or terrain[r, c] == "r":
            continue
        terrain[r, c] = "v"
        places.append({"name": f"Village {k + 1}", "hex": [c, r], "kind": "village"})
    for c, r in objective:
        if 0 <= c < cols and 0 <= r < rows:
            terrain[r, c] = "t"
    elev = np.clip(elev, 0, 4000).round().astype(int)

    # ------------------------------------------------------------------ roads
    def_home = [(min(cols - 1, max(0, c)), 0) for c in range(cx % SUPPLY_SPACING, cols, SUPPLY_SPACING)] or [(cx, 0)]
    att_home = [(c, rows - 1) for c in range(max(1, cols // 4) % SUPPLY_SPACING, cols, SUPPLY_SPACING)]
    att_home = att_home or [(cols // 4, rows - 1)]
    def_source = (max(0, cx - cols // 6), 0)
    if def_source not in def_home:
        def_home.insert(0, def_source)
    att_source = att_home[0]
    main_road = _path([(cx, cy), (max(0, cx - cols // 8), max(0, cy // 2)), def_source])
    south_road = _path([(att_source[0], rows - 1), (cx + max(1, cols // 10), band_row), (cx, cy)])
    track_start = (min(cols - 1, cx + cols // 3), rows - 1)
    track = _path([track_start, (min(cols - 1, cx + cols // 5), band_row), _neighbor(cx, cy, 0)])
    roads = [
        {"name": "Main road (watched)", "kind": "main", "path": [list(h) for h in main_road]},
        {"name": "Southern road", "kind": "secondary", "path": [list(h) for h in south_road]},
        {"name": "Forest track", "kind": "track", "path": [list(h) for h in track]},
    ]
    road_edges = {frozenset(e) for rd in (main_road, south_road, track) for e in itertools.pairwise(rd)}
    for c, r in track[1:-1]:
        if terrain[r, c] not in "tvr":
            terrain[r, c] = "f"  # the track runs through woods

    # ------------------------------------------------------------------ hexsides: a cliff and a river
    hexsides: list[dict[str, Any]] = []
    west = _neighbor(cx, cy, 3)  # the objective's west flank falls off a cliff, as at Shusha
    for top in (west, _neighbor(*west, 4), _neighbor(*west, 2)):
        sides = []
        for name in ("W", "SW", "NW"):
            nb = _neighbor(top[0], top[1], hexgrid.direction_index(name))
            if not (0 <= top[0] < cols and 0 <= top[1] < rows and 0 <= nb[0] < cols and 0 <= nb[1] < rows):
                continue
            if frozenset((top, nb)) in road_edges or nb in obj_set:
                continue
            sides.append(name)
        if sides:
            hexsides.append({"feature": "cliff", "hex": list(top), "sides": sides})
    for c, r in ravine[:: max(1, cols // 12)]:
        nb = _neighbor(c, r, hexgrid.direction_index("SE"))
        if 0 <= nb[0] < cols and 0 <= nb[1] < rows and frozenset(((c, r), nb)) not in road_edges:
            hexsides.append({"feature": "river", "hex": [c, r], "sides": ["SE"]})

    # ------------------------------------------------------------------ weather: every turn
    schedule = []
    for t in range(1, turns + 1):
        u = rng.random()
        fog = "thick" if u < 0.05 else "patchy" if u < 0.2 else "none"
        schedule.append({"turn": t, "ceiling_m": int(rng.choice([400, 900, 1500, 2500, 3500])),
                         "visibility_km": float(rng.choice([2, 5, 10, 20, 25])), "fog": fog,
                         "precipitation": "rain" if rng.random() < 0.2 else "none"})

    # ------------------------------------------------------------------ units
    used: set[HexRef] = set()

    def pick(cands: list[HexRef], k: int) -> list[HexRef]:
        free = [h for h in cands if h not in used]
        if len(free) < k:
            raise ValueError(f"map {cols}×{rows} too small for {units} units")
        idx = rng.choice(len(free), size=k, replace=False)
        chosen = [free[int(i)] for i in sorted(idx)]
        used.update(chosen)
        return chosen

    all_hexes = [(c, r) for r in range(rows) for c in range(cols)]
    south_band = max(2, rows // 5)
    att_zone = [h for h in all_hexes if h[1] >= rows - south_band and h not in obj_set]
    near_r = max(2, min(cols, rows) // 8)
    def_near = [h for h in all_hexes if 0 < dist_obj[h[1], h[0]] <= near_r]
    def_rear = [h for h in all_hexes if h[1] < cy and h not in obj_set]
    out_units: list[dict[str, Any]] = []
    for side, n, pattern_zone in (("attacker", n_att, att_zone), ("defender", n_def, None)):
        types = unit_mix(n, side)
        ground = [t for t in types if t not in AIR]
        counts: dict[str, int] = {}
        if side == "attacker":
            spots = pick(pattern_zone, len(ground))
        else:
            # garrison of the objective first (one per town hex), then ambush parties and the rear
            garrison = [h for h in objective if 0 <= h[0] < cols and 0 <= h[1] < rows]
            n_gar = min(len(garrison), max(1, len(ground) // 4))
            spots = pick(garrison, n_gar)
            n_near = min(len(ground) - n_gar, max(0, len(ground) // 2))
            spots += pick(def_near, n_near)
            spots += pick(def_rear or def_near, len(ground) - len(spots))
        home = att_source if side == "attacker" else def_source
        it = iter(spots)
        for t in types:
            counts[t] = counts.get(t, 0) + 1
            h = home if t in AIR else next(it)
            hidden = side == "defender" and t == "infantry" and terrain[h[1], h[0]] in "fr"
            out_units.append({"id": f"{side[:3]}_{PREFIX[t]}_{counts[t]}", "side": side, "type": t,
                              "hex": list(h), "hidden": bool(hidden), "arrives_turn": 1})

    return {
        "format": 1,
        "meta": {"name": f"Synthetic {cols}x{rows}, {units} units", "start": "2020-10-28T06:00", "turn_hours": 12,
                 "description": "Generated by bench/synthetic.py for benchmarks.", "notes": [f"seed {seed}"]},
        "turns": turns,
        "map": {"cols": cols, "rows": rows, "hex_km": 1.0,
                "terrain": ["".join(row) for row in terrain.tolist()],
                "elevation_m": elev.tolist(), "roads": roads, "hexsides": hexsides, "places": places},
        "weather": {"mode": "historical", "schedule": schedule},
        "sides": {
            "attacker": {"name": "Attacker", "agent": agent, "supply_sources": [list(h) for h in att_home],
                         "supply_range": SUPPLY_RANGE},
            "defender": {"name": "Defender", "agent": agent, "supply_sources": [list(h) for h in def_home],
                         "supply_range": SUPPLY_RANGE},
        },
        "units": out_units,
        "objectives": [{"name": "Objective town",
                        "hexes": [list(h) for h in objective if 0 <= h[0] < cols and 0 <= h[1] < rows]}],
        "victory": {"objective": "Objective town", "sudden_death": True,
                    "road_watch": {"name": "Main road", "from": [cx, cy], "to": list(def_source)}},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cols", type=int)
    ap.add_argument("rows", type=int)
    ap.add_argument("units", type=int)
    ap.add_argument("--turns", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the scenario document")
    args = ap.parse_args()
    doc = make_scenario(args.cols, args.rows, args.units, args.turns, args.seed)
    if args.json:
        print(json.dumps(doc))
        return
    from collections import Counter

    from engine.scenario import scenario_from_dict

    s = scenario_from_dict(doc)
    print(f"{s.meta.name}: terrain {dict(Counter(''.join(s.map.terrain)))}, roads {len(s.map.roads)}, "
          f"hexsides {len(s.map.hexsides)}, units {dict(Counter(u.type for u in s.units))}")


if __name__ == "__main__":
    main()
