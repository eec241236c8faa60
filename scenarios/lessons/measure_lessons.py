#!/usr/bin/env python3
"""Measure what the lesson texts and ``docs/lessons.md`` quote: every variant of every lesson over seeds 0..N-1.

    python scenarios/lessons/measure_lessons.py                  # all lessons, 200 games per variant
    python scenarios/lessons/measure_lessons.py drones --games 40 --workers 2

Each game is played by ``engine.game.play_game`` (the scenario's own agents, the seed's streams); the
variants are built with the override code of ``wargame run --set``, the weather with ``--weather``'s mode.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "scenarios" / "lessons"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GORGE_CLOSED = 'sides.attacker.no_go=[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]'
NORTH_PASS = "sides.defender.supply_sources=[[0,5],[11,0]]"
DRY_GROUND = "weather_movement={}"
KEPEZ_PASS = (6, 3)

# lesson -> [(variant, file, --set overrides, weather mode)]
VARIANTS: dict[str, list[tuple[str, str, tuple[str, ...], str | None]]] = {
    "ambush": [("gorge", "ambush.json", (), None),
               ("road (gorge closed)", "ambush.json", (GORGE_CLOSED,), None),
               ("road + party on the hills", "ambush.json", (GORGE_CLOSED, "units.blue_amb_1.hex=[6,1]"), None)],
    "cliff": [("from below", "cliff_below.json", (), None),
              ("along the ridge", "cliff_ridge.json", (), None)],
    "drones": [("low cloud (file)", "drones.json", (), None),
               ("clear", "drones.json", (), "clear"),
               ("thick fog", "drones.json", (), "fog")],
    "supply": [("single road", "supply.json", (), None),
               ("north pass open", "supply.json", (NORTH_PASS,), None),
               ("range 20", "supply.json", ("sides.defender.supply_range=20",), None),
               ("range 30", "supply.json", ("sides.defender.supply_range=30",), None),
               ("range 40", "supply.json", ("sides.defender.supply_range=40",), None)],
    "ground": [("snow on 4 Nov (file)", "ground.json", (), None),
               ("dry ground", "ground.json", (DRY_GROUND,), None),
               ("--weather clear", "ground.json", (), "clear"),
               ("snow, special forces 4 MP", "ground.json",
                ('unit_types={"special_forces":{"move_points":4}}',), None)],
}


def first_on(st: Any, side: str, h: tuple[int, int]) -> int | None:
    """The turn a unit of `side` first stands on hex `h`, by a move or an assault's advance (None: never)."""
    return next((e.turn for e in st.log if (e.kind == "UnitMoved" and e.side == side and tuple(e.path[-1]) == h)
                 or (e.kind == "ControlChanged" and e.side == side and tuple(e.hex) == h)), None)


def scenario(name: str, sets: tuple[str, ...]) -> Any:
    from engine.batch import with_overrides
    from engine.scenario import load_scenario

    scen = load_scenario(LESSONS / name)
    return with_overrides(scen, sets, name) if sets else scen


def game_row(args: tuple[str, str, tuple[str, ...], str | None, int]) -> dict[str, float]:
    lesson, name, sets, weather, seed = args
    from engine.game import play_game

    st = play_game(scenario(name, sets), seed, weather_mode=weather)
    sc = st.score
    row: dict[str, float] = {
        "attacker wins": float(sc.winner == "attacker"),
        "attacker steps lost": sum(sc.steps_lost["attacker"].values()),
        "defender steps lost": sum(sc.steps_lost["defender"].values()),
        "attacker assaults": sc.assaults["attacker"],
    }
    for side in ("attacker", "defender"):
        for cause in ("ambush", "assault", "artillery", "drone", "retreat"):
            row[f"{side} lost to {cause}"] = sc.losses_by_cause[side].get(cause, 0)
    if lesson == "ambush":
        row["ambushes sprung"] = sc.ambushes_sprung["defender"]
        row["contacts with a hidden party"] = sum(1 for e in st.log if e.kind == "UnitRevealed"
                                                  and e.side == "defender" and "contact" in e.reason)
    if lesson == "drones":
        # red (the attacker): TB2 + Harop (armed) and the Orbiter (recon); blue (the defender): the Orlan
        red_air = [e for e in st.log if e.kind == "AirStatus" and e.side == "attacker"]
        blue_fire = [e for e in st.log if e.kind == "ArtilleryFired" and e.side == "defender"]
        spotted = [e for e in blue_fire if e.spotter == "recon drone"]
        row["red armed sorties flown"] = sc.drone_sorties_flown["attacker"]
        row["red armed drone-turns grounded"] = sc.drone_sorties_grounded["attacker"]
        row["red Orbiter sorties"] = sc.recon_sorties["attacker"]
        row["red drones grounded every turn (share of games)"] = float(
            bool(red_air) and all(e.grounded for e in red_air))
        row["blue Orlan sorties"] = sc.recon_sorties["defender"]
        row["blue artillery missions"] = sc.artillery_missions["defender"]
        row["blue drone-spotted missions"] = sc.drone_spotted_missions["defender"]
        row["blue drone-spotted fire, share of games"] = float(bool(spotted))
        row["red steps lost to drone-spotted fire"] = sum(f.losses for e in spotted for f in e.fire)
        row["games where drone-spotted fire hits red (share)"] = float(
            any(f.losses for e in spotted for f in e.fire))
    if lesson == "supply":
        oos_fire = sum(1 for e in st.log for f in e.fire_results() if st.unit(f.firer).side == 1
                       and any(m.source == "out of supply" for m in f.modifiers))
        reports = [e for e in st.log if e.kind == "SupplyReport" and e.side == "defender"]
        row["road cut"] = float(sc.road_cut_turn is not None)
        if sc.road_cut_turn is not None:
            row["road cut turn (when cut)"] = sc.road_cut_turn
        row["blue unit-turns out of supply"] = sc.unit_turns_out_of_supply["defender"]
        row["blue unit-turns out of supply (SupplyReport)"] = sum(len(e.out_of_supply) for e in reports)
        row["blue fire results with 'out of supply'"] = oos_fire
        row["road post ever out of supply"] = float(any("blue_pass" in e.out_of_supply for e in reports))
    if lesson == "ground":
        red, blue = first_on(st, "attacker", KEPEZ_PASS), first_on(st, "defender", KEPEZ_PASS)
        row["red on the pass first (share)"] = float(red is not None and (blue is None or red <= blue))
        for t in (2, 3, 4, 5):
            row[f"red first on the pass on turn {t} (share)"] = float(red == t)
        row["red never on the pass (share)"] = float(red is None)
        if red is not None:
            row["red's arrival turn (when it arrives)"] = red
        row["blue on the pass on turn 2 (share)"] = float(blue == 2)
    return row


def measure(lesson: str, games: int, workers: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for variant, name, sets, weather in VARIANTS[lesson]:
            rows = list(pool.map(game_row, [(lesson, name, sets, weather, s) for s in range(games)], chunksize=8))
            keys = list(dict.fromkeys(k for r in rows for k in r))
            out[variant] = {k: statistics.mean(r[k] for r in rows if k in r) for k in keys}
    return out


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("lessons", nargs="*", help=f"any of {', '.join(VARIANTS)} (default: all)")
    ap.add_argument("--games", type=int, default=200, help="games per variant (seeds 0..games-1)")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    unknown = [x for x in a.lessons if x not in VARIANTS]
    if unknown:
        ap.error(f"unknown lesson(s) {', '.join(unknown)}; expected {', '.join(VARIANTS)}")
    for lesson in a.lessons or list(VARIANTS):
        res = measure(lesson, a.games, a.workers)
        variants = list(res)
        keys = list(dict.fromkeys(k for v in variants for k in res[v]))
        print(f"\n## {lesson} ({a.games} games per variant, seeds 0-{a.games - 1})")
        print("| | " + " | ".join(variants) + " |")
        print("|---" * (len(variants) + 1) + "|")
        for k in keys:
            cells = []
            for v in variants:
                x = res[v].get(k)
                cells.append("—" if x is None else (f"{x:.1%}" if k in ("attacker wins", "road cut")
                                                    or "share" in k or k.startswith("road post")
                                                    else f"{x:.2f}"))
            print(f"| {k} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
