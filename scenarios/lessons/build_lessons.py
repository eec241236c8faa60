#!/usr/bin/env python3
"""Build the teaching scenarios in ``scenarios/lessons/`` (one JSON file per lesson, two for the cliff).

Pure Python + stdlib. Run ``python scenarios/lessons/build_lessons.py`` from anywhere to (re)write the JSON
files deterministically; ``--ascii`` also prints each map (odd rows indented). The lesson texts live here
and are copied into ``meta.lesson`` (shown in the game: key L) — keep ``docs/lessons.md`` in step.

Map conventions are those of the main scenario (``docs/scenario_format.md``): odd-r offset ``[col, row]``,
pointy-top 1 km hexes, origin at the NW corner.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent

DELTA_EVEN = {"E": (1, 0), "NE": (0, -1), "NW": (-1, -1), "W": (-1, 0), "SW": (-1, 1), "SE": (0, 1)}
DELTA_ODD = {"E": (1, 0), "NE": (1, -1), "NW": (0, -1), "W": (-1, 0), "SW": (0, 1), "SE": (1, 1)}


def step(h: tuple[int, int], d: str) -> tuple[int, int]:
    c, r = h
    dc, dr = (DELTA_ODD if r & 1 else DELTA_EVEN)[d]
    return (c + dc, r + dr)


def walk(start: tuple[int, int], moves: str) -> list[list[int]]:
    """A road path from `start` following space-separated directions, e.g. "W W NW 3W" (3W = W W W)."""
    path = [start]
    for tok in moves.split():
        m = re.fullmatch(r"(\d*)([NSEW]+)", tok)
        for _ in range(int(m.group(1) or 1)):
            path.append(step(path[-1], m.group(2)))
    return [list(h) for h in path]


START = "2020-11-03T06:00"
"""Every lesson starts on the same day, so every lesson shows the same weather on the same date."""

RECORD_WEATHER: list[tuple[float, float, str, str]] = [
    # ceiling_m, visibility_km, fog, precipitation: the daytime weather of scenarios/shusha_1120.json
    (500.0, 4.0, "none", "rain"),    # Tue 3 Nov   low cloud
    (300.0, 3.0, "none", "snow"),    # Wed 4 Nov   low cloud, snow on the heights
    (400.0, 3.0, "none", "none"),    # Thu 5 Nov   low cloud
    (400.0, 3.0, "none", "rain"),    # Fri 6 Nov   low cloud
    (600.0, 5.0, "none", "none"),    # Sat 7 Nov   low cloud
    (1500.0, 10.0, "none", "none"),  # Sun 8 Nov   the cloud lifts (the improvement forecast for 8 Nov)
    (2500.0, 20.0, "none", "none"),  # Mon 9 Nov   clearing
]
"""One day per turn from 3 Nov 2020, modelled on the record (``shared/shusha_facts.md``: cloudy throughout the
Shusha operation, low cloud ~3-8 Nov, clearing 8-9 Nov; no dated observation says when it cleared) and equal
to the daytime turns of the main scenario, except that fog is left out and visibility is at least 3 km (the
main scenario has patchy fog and 2-5 km): ground observers then see their full 3 hexes, so the weather changes
nothing on the ground and only decides what flies. Fog is what ``--weather fog`` shows in lesson 3."""

WEATHER_NOTE = ("The weather is the same in every lesson on the same date: the file's own schedule (weather mode "
                "'historical', which in the engine means 'the schedule written in the file'), taken from the "
                "daytime turns of the main scenario, which follow the record (cloudy throughout the Shusha "
                "operation, low cloud about 3-8 Nov 2020; no dated observation says when it cleared): low cloud "
                "on 3-7 Nov, cloud base 1,500 m on 8 Nov, 2,500 m on 9 Nov. Fog is left out and visibility is at "
                "least 3 km, so ground observers see their usual 3 hexes.")
INVENTED = ("An invented teaching map: {places} are made up (a real place of the same name, if any, is "
            "another place) and this fight never happened. The units, the rules and the weather are modelled on "
            "the battle for Shusha (scenarios/shusha_1120.json).")


def weather(turns: int) -> dict:
    return {"mode": "historical", "schedule": [
        {"turn": t + 1, "ceiling_m": c, "visibility_km": v, "fog": f, "precipitation": p}
        for t, (c, v, f, p) in enumerate(RECORD_WEATHER[:turns])]}


def elevations(terrain: list[str], heights: dict[str, int], special: dict[tuple[int, int], int] | None = None
               ) -> list[list[int]]:
    out = [[heights[ch] for ch in row] for row in terrain]
    for (c, r), z in (special or {}).items():
        out[r][c] = z
    return out


def unit(uid: str, side: str, type_: str, hex_: tuple[int, int], name: str, **extra) -> dict:
    return {"id": uid, "side": side, "type": type_, "hex": list(hex_), **extra, "name": name}


def base_doc(name: str, description: str, turns: int, terrain: list[str], elevation: list[list[int]],
             lesson: list[str], notes: list[str], places: str, turn_hours: int = 24) -> dict:
    """`places`: the invented place names, for the sentence that says they are invented (in the name, the
    description, the sources and the notes, so the game, the log and the lesson window all say so)."""
    invented = INVENTED.format(places=places)
    return {
        "format": 1,
        "meta": {"name": name.replace(":", " (invented map):", 1), "description": f"{description} {invented}",
                 "start": START, "turn_hours": turn_hours, "sources": [
                     f"Invented teaching map ({places} are made up); the mechanics follow the Shusha scenario "
                     "(scenarios/shusha_1120.json)",
                     "Weather: the record as summarised in the project's facts file (shared/shusha_facts.md): "
                     "cloudy throughout the Shusha operation, low cloud ~3-8 Nov 2020, clearing 8-9 Nov"],
                 "notes": [invented, WEATHER_NOTE, *notes], "lesson": lesson},
        "turns": turns,
        "map": {"cols": len(terrain[0]), "rows": len(terrain), "hex_km": 1.0, "terrain": terrain,
                "elevation_m": elevation, "roads": [], "hexsides": [], "places": []},
    }


# ================================================================================================ 1 ambush
AMBUSH_NO_GO = '[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]'


def ambush() -> dict:
    terrain = [
        "mmmmmmmmmmmmmm",
        "pphhhhhhhhhhpp",
        "pphhhhhhhhhhpp",
        "ppmmmmmmmmmmpp",
        "ppmrrrrrrrrmpp",
        "pvrrrrrrrrrrpp",
        "ppmrrrrrrrrmpp",
        "ppmmmmmmmmmmpp",
        "ppffffffffffpp",
        "mmmmmmmmmmmmmm",
    ]
    heights = {"m": 1350, "h": 1050, "p": 950, "r": 900, "v": 950, "f": 1150}
    elev = elevations(terrain, heights, {(c, r): 930 for r in (4, 6) for c in range(3, 11)})
    lesson = [
        "THE RAVINE AMBUSH. A motor-rifle column (red) must reach the village of Dashkend in the west. It has "
        "two roads: the short one through the Kırmızı gorge (a ravine) and the long one over the open hills "
        "to the north. Two infantry platoons (blue) lie hidden in the gorge sides. Nobody hides on the north "
        "road. (An invented map: Dashkend is made up. The weather is Shusha's on "
        "these dates; no aircraft here.)",
        "Run it as it is: the column takes the gorge because it is shorter. Watch the event log for 'AMBUSH': "
        "the hidden platoon fires first, with 'ravine ambush +2' and 'vehicles blind in ravine +2' among the "
        "modifiers, and the column stops. Then close the gorge and run the same seed again: the column goes "
        "round by the road and no ambush can happen.",
        "Commands: `wargame run scenarios/lessons/ambush.json --seed 1 -v`   (gorge)   and   "
        f"`wargame run scenarios/lessons/ambush.json --seed 1 -v --set 'sides.attacker.no_go={AMBUSH_NO_GO}'`"
        "   (road). Compare many games: `wargame batch scenarios/lessons/ambush.json --games 200 "
        f"--sweep 'set:sides.attacker.no_go=[],{AMBUSH_NO_GO}' --out ambush.parquet`, then `wargame report "
        "ambush.parquet --out ambush_report/ --label 0=gorge --label 1=road` and look at the attacker's losses "
        "to 'ambush' in `losses_by_cause.png`.",
        "In the game (`wargame play scenarios/lessons/ambush.json`): for a class, play the column with `--side "
        "attacker --see-all`, which shows where the parties wait; or choose the defender to be the hidden ambush "
        "parties (the column moves first, so its first ambush may be fought before your first turn: press W in "
        "this window, before you choose the defender, to watch each fight; B shows the last one): "
        "press 3 for the concealment / ambush overlay - the gorge hexes are the best ambush ground, the hills give "
        "cover but no ambush. Click an AMBUSH line in the event log to see where it happened. Then, with the gorge "
        "closed, put an ambush party on the hills above the north road (add `--set units.blue_amb_1.hex=[6,1]`): "
        "it hides there and the column runs into it ('contact'), but hills have no ambush value, so it never "
        "fires first: its line in the log says 'no ambush: hills gives none'. Select a party to read, among its "
        "flags, whether it could fire from ambush now ('AMBUSH READY (ravine +2)') or why not.",
    ]
    notes = [
        "One day per turn, all in daylight, so night modifiers stay out of the comparison.",
        "Both roads are secondary roads, so the column moves at the same speed on either; the gorge road is "
        "11 hexes, the north road 17.",
        "The defenders play the 'passive' agent: the ambush parties and the village garrison only wait. "
        "Ambushes are fired by the engine itself when an enemy moves next to a hidden unit in ravine or forest.",
        "Terrain 'm' is redefined as high mountain that vehicles cannot cross, so the column must use one of "
        "the two roads.",
        "Once the column is past them, the ambush parties may be reported out of supply: their supply line "
        "runs down the gorge road the column now holds. That is lesson 4's subject; here it only costs their "
        "later fire 'out of supply -1' (the first ambush comes on turn 1, while they are still supplied).",
    ]
    doc = base_doc("Lesson 1: the ravine ambush",
                   "A motor-rifle column drives for Dashkend, either through a gorge where two hidden infantry "
                   "platoons wait, or around by the open north road.", 6, terrain, elev, lesson, notes,
                   "Dashkend, the Kırmızı gorge and its roads")
    doc["map"]["roads"] = [
        {"name": "Gorge road", "kind": "secondary", "path": walk((12, 5), "11W")},
        {"name": "North road", "kind": "secondary", "path": walk((12, 5), "NW NE NW 11W SE SW SE")},
        {"name": "Dashkend–west road", "kind": "secondary", "path": walk((1, 5), "W")},
    ]
    doc["map"]["places"] = [{"name": "Dashkend", "hex": [1, 5], "kind": "village"},
                            {"name": "Kırmızı gorge", "hex": [6, 5], "kind": "area"},
                            {"name": "North road", "hex": [6, 1], "kind": "area"}]
    doc["terrain_types"] = {"m": {"name": "high mountain", "move_cost": {"wheeled": None, "tracked": None}}}
    doc["weather"] = weather(6)
    doc["sides"] = {
        "attacker": {"name": "Red column", "agent": "doctrine", "supply_sources": [[13, 5]], "supply_range": 14,
                     "no_go": []},
        "defender": {"name": "Blue", "agent": "passive", "supply_sources": [[0, 5]], "supply_range": 10},
    }
    doc["units"] = [
        unit("red_mr_1", "attacker", "motor_rifle", (12, 5), "1st motor-rifle company"),
        unit("red_mr_2", "attacker", "motor_rifle", (13, 5), "2nd motor-rifle company"),
        unit("red_mech_1", "attacker", "mech_infantry", (12, 4), "Mechanised company (BMP)"),
        unit("blue_amb_1", "defender", "infantry", (5, 4), "Ambush party, north side of the gorge",
             strength=3, hidden=True),
        unit("blue_amb_2", "defender", "infantry", (8, 6), "Ambush party, south side of the gorge",
             strength=3, hidden=True),
        unit("blue_gar", "defender", "infantry", (1, 5), "Dashkend garrison", strength=2),
    ]
    doc["meta"]["measures"] = [  # (the lesson's point is in losses: red wins 76% through the gorge, 83% by the road)
        {"label": "Red's steps lost to ambush", "score": "losses_by_cause.attacker.ambush",
         "note": "over 200 games: 2.52 a game through the gorge, 0 by the road"},
        {"label": "Ambushes sprung by blue", "score": "ambushes_sprung.defender",
         "note": "1.44 a game through the gorge, 0 by the road"},
        {"label": "Red's steps lost, all causes", "score": "steps_lost.attacker",
         "note": "3.50 through the gorge, 1.45 by the road"}]
    doc["objectives"] = [{"name": "Dashkend", "hexes": [[1, 5]]}]
    doc["victory"] = {"objective": "Dashkend", "sudden_death": True, "contest_radius": 1,
                      "road_watch": {"name": "Dashkend–west road", "from": [1, 5], "to": [0, 5]}}
    return doc


# ================================================================================================ 2 cliff
def cliff(variant: str) -> dict:
    terrain = [
        "mmmmmmmmmmmm",
        "hhhmmmhhhhhh",
        "hhhhhhhhhhhh",
        "hhhhhhhhhhhh",
        "hhhhhtthhhhh",
        "ffffffffffff",
        "ffffffffffff",
        "fffppppppfff",
        "pppppppppppp",
        "pppppppppppp",
    ]
    heights = {"m": 1600, "h": 1390, "t": 1400, "f": 1100, "p": 1050}
    special = {(c, r): 1100 for c in range(12) for r in (5, 6)}
    special.update({(0, 4): 1200, (1, 4): 1230, (2, 4): 1260, (3, 4): 1300, (4, 4): 1340})
    special.update({(c, 3): 1300 for c in range(0, 4)})
    special.update({(c, 2): 1300 for c in range(0, 3)})
    elev = elevations(terrain, heights, special)
    below = variant == "below"
    start = [(4, 5), (5, 5), (6, 5)] if below else [(5, 3), (6, 3), (7, 4)]
    this, other = ("cliff_below.json", "cliff_ridge.json") if below else ("cliff_ridge.json", "cliff_below.json")
    where = ("at the foot of the cliff, in the forest below the town" if below else
             "on the plateau north and east of the town, level with it")
    lesson = [
        "THE CLIFF. Three special-forces groups (red) must take the little hill town of Karaköy, held by two "
        f"infantry companies (blue). In this file they start {where}. The other file, `{other}`, is the same "
        "battle with the other start: run both and compare. (An invented map: Karaköy is made up, its cliff "
        "modelled on Shusha's. The weather is Shusha's on these dates; no aircraft here.)",
        f"In the game, play red (`wargame play scenarios/lessons/{this} --side attacker`). Select a red "
        "unit next to the town in the assault phase and click a town hex: the odds preview lists "
        "every modifier. From below you read 'assaulting up a cliff -2' on your fire and 'cliff: firing down "
        "+2' on the defenders' return fire: per shot 10% to hit against their 50%. Along the ridge neither "
        "appears: 30% against 30%. Town cover (-2) counts in both.",
        "Commands: `wargame run scenarios/lessons/cliff_below.json --seed 1 -v`   and   `wargame run "
        "scenarios/lessons/cliff_ridge.json --seed 1 -v`. Many games: `wargame batch "
        "scenarios/lessons/cliff_below.json --games 200 --out below.parquet`, the same for `cliff_ridge.json`, "
        "then `wargame report` on each: compare the attacker's win rate and its losses to 'assault'.",
        "Look for the assault lines ('Assault ...: assault repulsed'; click one in the event log to see the "
        "hexes) and for 'the assaulting "
        "unit advances': from below a victorious group still climbs into the town. In the game press 2 for the "
        "defence overlay and hover a town hex: the panel says 'cliff top (fires down +2)'. The cliffs are the "
        "heavy hachured lines; vehicles cannot cross them at all, and no unit climbs one by moving (the climb "
        "costs special forces more than a turn's move points): only an assault that wins carries them up.",
    ]
    notes = [
        "One day per turn, all in daylight. The red special forces play the doctrine agent with "
        "assault_ratio 0.4 (they attack even at poor odds: the lesson is what the odds cost); the blue "
        "garrison plays 'passive' and only returns fire.",
        "The two files differ only in the red start hexes and this text. Both sides' supply ranges are long "
        "enough that everyone stays supplied: supply is lesson 4.",
    ]
    doc = base_doc(f"Lesson 2: the cliff ({'from below' if below else 'along the ridge'})",
                   "Special forces assault a hill town either straight up its cliff or along the level "
                   "ridge behind it.", 5, terrain, elev, lesson, notes, "Karaköy and its ridge")
    doc["map"]["hexsides"] = [{"feature": "cliff", "hex": [5, 4], "sides": ["SW", "SE"]},
                              {"feature": "cliff", "hex": [6, 4], "sides": ["SW", "SE"]}]
    doc["map"]["roads"] = [{"name": "Old west road", "kind": "secondary", "path": walk((5, 4), "5W")}]
    doc["map"]["places"] = [{"name": "Karaköy", "hex": [5, 4], "kind": "town"},
                            {"name": "Ridge", "hex": [9, 3], "kind": "area"}]
    doc["weather"] = weather(5)
    doc["sides"] = {
        "attacker": {"name": "Red special forces", "agent": "doctrine", "supply_sources": [[11, 9], [11, 2]],
                     "supply_range": 40, "agent_params": {"assault_ratio": 0.4}},
        "defender": {"name": "Blue garrison", "agent": "passive", "supply_sources": [[0, 4]],
                     "supply_range": 20},
    }
    doc["units"] = [unit(f"red_sf_{k + 1}", "attacker", "special_forces", h, f"Special-forces group {k + 1}",
                         strength=3) for k, h in enumerate(start)]
    doc["units"] += [unit("blue_inf_1", "defender", "infantry", (5, 4), "West company, Karaköy", strength=3),
                     unit("blue_inf_2", "defender", "infantry", (6, 4), "East company, Karaköy", strength=3)]
    doc["meta"]["measures"] = [  # (the winner is the point here too: red wins 4.5% from below, 77% along the ridge)
        {"label": "Red's steps lost (all in assaults)", "score": "steps_lost.attacker",
         "note": "over 200 games: 8.68 a game from below the cliff, 4.82 along the ridge"},
        {"label": "Blue's steps lost", "score": "steps_lost.defender",
         "note": "1.75 from below, 5.51 along the ridge"}]
    doc["objectives"] = [{"name": "Karaköy", "hexes": [[5, 4], [6, 4]]}]
    doc["victory"] = {"objective": "Karaköy", "sudden_death": True, "contest_radius": 1,
                      "road_watch": {"name": "Old west road", "from": [5, 4], "to": [0, 4]}}
    return doc


# ================================================================================================ 3 drones
ORBITER = {"base": "recon_drone", "label": "Recon drone (Orbiter-class)", "min_ceiling_m": 800}
"""Red's recon drone, as the main scenario defines it (``scenarios/build_shusha.py``, unit type ``orbiter``): the
engine's ``recon_drone`` is the defenders' Orlan-10, which flies down to a 150 m cloud base; the attacker's
Orbiter needs 800 m (the record: under the cloud "reconnaissance was hard and no aircraft flew over the town").
The main scenario's longer sortie radius (45, for its distant air base) is not needed on this small map."""


def drones() -> dict:
    terrain = [
        "hhhhhhhhhhhh",
        "hhtthfhhhhhh",
        "hppppppphhhh",
        "pppppppppfff",
        "pppppppppfff",
        "ppppppphhfff",
        "hhhhhhhhhfff",
        "hffhhhfffhhh",
        "fffhhhfffhhh",
        "hhhhhhhhhhhh",
    ]
    heights = {"h": 1000, "t": 950, "p": 850, "f": 1050}
    special = {(c, 6): 950 for c in range(9)}
    special[(5, 1)] = 1150  # a wooded summit above the town and the valley
    elev = elevations(terrain, heights, special)
    lesson = [
        "WEATHER AND DRONES. Red attacks the town of Saribulag with a special-forces group and a motor-rifle "
        "company, backed by TB2-class armed drones, Harop-class loitering munitions and an Orbiter-class recon "
        "drone. Blue holds the town and the valley road with infantry, tanks, BMPs, a howitzer battery and an "
        "Orlan-10-class recon drone. The scenario's own weather is five days of low cloud (cloud base 300-600 m), "
        "as at Shusha on 3-7 Nov 2020. (An invented map: Saribulag is made up.)",
        "Run it as it is, then under a clear sky: the same seed, the same units, only the weather differs. "
        "Under low cloud ALL of red's drones are GROUNDED every turn, each line in the log with its reason: "
        "'cloud base 500 m < 1200 m needed' for the armed drone, 1000 m for the loitering munitions, 800 m "
        "for the Orbiter (model values). Blue's Orlan flies down to a 150 m cloud base: it still "
        "flies under the cloud, finds the red units on the approaches, and blue's howitzers fire on them with "
        "'fire adjusted by recon drone +1' (spotter: recon drone). So it was at Shusha: the defenders' Orlan-10s "
        "spotted for their "
        "artillery under the clouds while the attackers' drones stayed on the ground. Under a clear sky red's "
        "Orbiter finds blue's tanks and guns and the armed drones hunt them (in the summary: blue's steps lost "
        "'of which to drone').",
        "Commands: `wargame run scenarios/lessons/drones.json --seed 1 -v`   (low cloud)   and   `wargame run "
        "scenarios/lessons/drones.json --seed 1 -v --weather clear`. Try `--weather fog` too: thick fog grounds "
        "even the Orlan, and ground observers see only the next hex. Many games: `wargame batch "
        "scenarios/lessons/drones.json --games 200 --sweep weather=historical,clear,fog --out drones.parquet` "
        "and `wargame report drones.parquet --out drones_report/`: compare the Parquet columns "
        "`drone_sorties_flown_attacker`, `losses_defender_drone`, `drone_spotted_missions_defender` and "
        "`losses_attacker_artillery`.",
        "In the game, play red (`wargame play scenarios/lessons/drones.json --side attacker --sandbox`): the "
        "'Weather & aircraft' block and the red GROUNDED box in the side panel say what flies and why; press 5 "
        "for the drone-coverage overlay. In sandbox mode F5-F8 set the weather (historical, clear, overcast, fog), "
        "which holds until you change it: press one now, or in red's air phase (it waits, all drones grounded). "
        "Or play blue "
        "(`--side defender` instead) and fly the Orlan yourself: a recon sortie over a red unit in the air "
        "phase, then a fire mission on it in the artillery phase.",
    ]
    notes = [
        "One day per turn, all in daylight. Both sides play the doctrine agent. There is no air defence, so "
        "that every difference in drone activity comes from the weather.",
        "The weather modes 'clear' (4,000 m, 30 km) and 'fog' (100 m, 0.3 km, thick fog) are the engine's "
        "presets; 'historical' is this file's schedule (3-7 Nov 2020: cloud base 300-600 m, visibility 3-5 km). "
        "The file stops on 7 Nov: on 8 Nov the cloud lifts in the record's forecast and in the main scenario.",
        "Red's recon drone is a unit type of this file, 'orbiter' (as in the main scenario: the engine's "
        "recon_drone with an 800 m minimum cloud base); blue's is the engine's recon_drone, the Orlan-10 class, "
        "which flies down to 150 m and is grounded only by thick fog. Red has no artillery: under the cloud its "
        "special forces and motor rifles fight without artillery or air support, as the attackers at Shusha "
        "said they did.",
    ]
    doc = base_doc("Lesson 3: weather and drones",
                   "Five days of low cloud over the Saribulag valley: the attacker's drones grounded, the "
                   "defender's low-flying recon drone still spotting for its guns. Compare with a clear sky.",
                   5, terrain, elev, lesson, notes, "Saribulag and its valley")
    doc["map"]["roads"] = [{"name": "Valley road", "kind": "main", "path": walk((0, 1), "3E 8SE")}]
    doc["map"]["places"] = [{"name": "Saribulag", "hex": [2, 1], "kind": "town"}]
    doc["unit_types"] = {"orbiter": ORBITER}
    doc["weather"] = weather(5)
    doc["sides"] = {
        "attacker": {"name": "Red", "agent": "doctrine", "supply_sources": [[7, 9], [11, 9]], "supply_range": 14},
        "defender": {"name": "Blue", "agent": "doctrine", "supply_sources": [[0, 1]], "supply_range": 14},
    }
    doc["units"] = [
        unit("red_sf", "attacker", "special_forces", (2, 7), "Special-forces group", strength=3, hidden=True),
        unit("red_mr", "attacker", "motor_rifle", (7, 8), "Motor-rifle company", strength=3),
        unit("red_tb2", "attacker", "armed_drone", (11, 9), "TB2 armed drones", strength=3),
        unit("red_harop", "attacker", "loitering_munition", (11, 9), "Harop loitering munitions", strength=4),
        unit("red_orbiter", "attacker", "orbiter", (11, 9), "Orbiter recon drones", strength=2),
        unit("blue_inf_1", "defender", "infantry", (2, 1), "Saribulag garrison", strength=3),
        unit("blue_inf_2", "defender", "infantry", (3, 1), "Saribulag east company", strength=2),
        unit("blue_tank", "defender", "tank", (4, 3), "Tank company", strength=3),
        unit("blue_mech", "defender", "mech_infantry", (6, 3), "BMP company", strength=2),
        unit("blue_how", "defender", "howitzer", (2, 3), "Howitzer battery", strength=3),
        unit("blue_orlan", "defender", "recon_drone", (0, 1), "Orlan-10 recon drones", strength=2),
    ]
    doc["meta"]["measures"] = [  # (red all but never wins, under any sky: the point is what flies)
        {"label": "Red's armed drones grounded (drones x turns)", "score": "drone_sorties_grounded.attacker",
         "note": "over 200 games: 10 under the low cloud, 0 under a clear sky"},
        {"label": "Red's armed-drone strikes flown", "score": "drone_sorties_flown.attacker",
         "note": "0 under the low cloud, 7.28 a game under a clear sky"},
        {"label": "Blue's artillery missions spotted by its recon drone", "score": "drone_spotted_missions.defender",
         "note": "4.08 under the low cloud, 3.23 clear, 0 in thick fog"},
        {"label": "Blue's steps lost to drones", "score": "losses_by_cause.defender.drone",
         "note": "0 under the low cloud, 4.76 under a clear sky"}]
    doc["objectives"] = [{"name": "Saribulag", "hexes": [[2, 1], [3, 1]]}]
    doc["victory"] = {"objective": "Saribulag", "sudden_death": True, "contest_radius": 1,
                      "road_watch": {"name": "Valley road west", "from": [3, 1], "to": [0, 1]}}
    return doc


# ================================================================================================ 4 supply
NORTH_PASS = "sides.defender.supply_sources=[[0,5],[11,0]]"


def supply() -> dict:
    terrain = [
        "mmmmmmmmmmmhmm",
        "mmmmmmmmmmhmmm",
        "mmmmmmmmmmmhmm",
        "mmmmmmmmmmttmm",
        "mmmmmhhhhhhhmm",
        "hhhhhmmmmmmmmm",
        "mmmmffffffffmm",
        "mmffffffffffmm",
        "mfffffffffffff",
        "ffffffffffffff",
    ]
    heights = {"m": 1900, "h": 1500, "t": 1550, "f": 1350}
    elev = elevations(terrain, heights, {(c, 5): 1450 - 10 * c for c in range(5)})
    lesson = [
        "SUPPLY: CUTTING A SINGLE MOUNTAIN ROAD. The blue garrison of Vank (east) lives off one road that "
        "comes over the mountains from the west edge. The pass to the north is snowed in. Three red "
        "special-forces groups start in the forest to the south; their plan is to climb to the road, sit "
        "astride it a few kilometres short of the town and then attack the town. (An invented map: Vank is made "
        "up. The weather is Shusha's on these dates; no aircraft here.)",
        "Supply is traced from a side's source hexes: cheaply along roads, like porters across country (twice the "
        "cheaper of the foot and special-forces costs: 5 a mountain hex), and never through an enemy unit or the "
        "hexes next to it. In these mountains there is no way round a road block within the blue supply range "
        "(6): once a red group stands on the road, every blue unit east of it is OUT OF SUPPLY. Look for the 'out "
        "of supply' lines at the start of each turn, and in every fire result of those units for 'out of supply "
        "-1'; unsupplied units also no longer rally (their cohesion does not recover). Press 6 in the game for "
        "the supply overlay.",
        "Then open the north pass - a second supply source at its end - and run the same seed: the road is "
        "still cut, but the garrison stays supplied through the pass. Commands: `wargame run "
        "scenarios/lessons/supply.json --seed 1 -v`   and   `wargame run scenarios/lessons/supply.json --seed 1 "
        f"-v --set '{NORTH_PASS}'`. Many games: `wargame batch scenarios/lessons/supply.json --games 200 "
        "--sweep 'set:sides.defender.supply_sources=[[0,5]],[[0,5],[11,0]]' --out supply.parquet` and `wargame "
        "report supply.parquet --out supply_report/`.",
        "Also try longer supply ranges: with `--set sides.defender.supply_range=40` porters carry supplies round "
        "the block over the mountains (5 a hex) and the cut almost never starves anyone; 20 changes nothing, 30 "
        "only sometimes. In mountains a road block is worth far more than on a plain.",
    ]
    notes = [
        "One day per turn, all in daylight. Both sides play the doctrine agent: the red special forces go for "
        "the watched road 2-5 hexes short of the town, the blue mechanised company counter-attacks them.",
        "Blue supply range 6: the road from the west edge to Vank costs 3.25 (0.25 a hex), a mountain hex "
        "across country costs 5.",
    ]
    doc = base_doc("Lesson 4: supply - cutting a single mountain road",
                   "Red special forces infiltrate to the only road into Vank and cut it; the town's garrison runs "
                   "out of supply.", 7, terrain, elev, lesson, notes, "Vank, its road and its passes")
    doc["map"]["roads"] = [
        {"name": "Vank road", "kind": "main", "path": walk((0, 5), "4E NE 5E NE")},
        {"name": "North pass road", "kind": "secondary", "path": walk((11, 0), "SW SE SW")},
        {"name": "Forest track", "kind": "track", "path": walk((7, 9), "NW NE NW")},
    ]
    doc["map"]["places"] = [{"name": "Vank", "hex": [10, 3], "kind": "town"},
                            {"name": "North pass", "hex": [11, 0], "kind": "area"},
                            {"name": "Vank road", "hex": [7, 4], "kind": "area"}]
    doc["weather"] = weather(7)
    doc["sides"] = {
        "attacker": {"name": "Red special forces", "agent": "doctrine", "supply_sources": [[7, 9]],
                     "supply_range": 14},
        "defender": {"name": "Blue", "agent": "doctrine", "supply_sources": [[0, 5]], "supply_range": 6},
    }
    doc["units"] = [
        unit("red_sf_1", "attacker", "special_forces", (6, 8), "Special-forces group 1", strength=3, hidden=True),
        unit("red_sf_2", "attacker", "special_forces", (8, 8), "Special-forces group 2", strength=3, hidden=True),
        unit("red_sf_3", "attacker", "special_forces", (7, 7), "Special-forces group 3", strength=3, hidden=True),
        unit("red_how", "attacker", "howitzer", (7, 9), "Howitzer battery (off-map)", strength=2, offmap=True),
        unit("blue_inf_1", "defender", "infantry", (10, 3), "Vank garrison", strength=3),
        unit("blue_inf_2", "defender", "infantry", (11, 3), "Vank militia", strength=2),
        unit("blue_mech", "defender", "mech_infantry", (11, 3), "BMP company", strength=2),
        unit("blue_how", "defender", "howitzer", (11, 2), "Howitzer battery", strength=2),
        unit("blue_pass", "defender", "infantry", (2, 5), "Road post at the west pass", strength=2),
        unit("blue_res", "defender", "infantry", (0, 5), "Reserve company from the west", strength=2,
             arrives_turn=3),
    ]
    doc["meta"]["measures"] = [  # (red wins 15% against 5.5%: the point is how long blue is cut off)
        {"label": "Blue's unit-turns out of supply", "score": "unit_turns_out_of_supply.defender",
         "note": "over 200 games: 19.49 a game on the single road, 0.16 with the north pass open"},
        {"label": "Turn the road was cut", "score": "road_cut_turn", "note": "turn 3 in every game"}]
    doc["objectives"] = [{"name": "Vank", "hexes": [[10, 3], [11, 3]]}]
    doc["victory"] = {"objective": "Vank", "sudden_death": True, "contest_radius": 1,
                      "road_watch": {"name": "Vank road", "from": [10, 3], "to": [0, 5]}}
    return doc


# ================================================================================================ 5 ground
GROUND_MOVEMENT = {
    # the Shusha scenario's table (scenarios/build_shusha.py, WEATHER_MOVEMENT), unchanged
    "rain": {"wheeled": {"off_road": 1.25}},
    "snow": {"foot": {"off_road": 1.25}, "sf": {"terrain": {"h": 1.25}},
             "wheeled": {"off_road": 1.5}, "tracked": {"off_road": 1.25}},
}
"""Snow on the open hill slopes costs special forces x1.25 (1.5 -> 1.875 MP a hills hex): at 3 MP two hills hexes
(3.0) fit in a turn when dry, one (3.75 for two) in snow. Roads are left at dry cost, so the blue reserve's march
up the pass road is the same in every weather."""
DRY_GROUND = "weather_movement={}"


def ground() -> dict:
    terrain = [
        "pppppppppppp",
        "xxxxxhhhxxxx",
        "xxxxxhhhxxxx",
        "xxxxxhhhxxxx",
        "xxxxxhhhxxxx",
        "xxxxhhhhxxxx",
        "xxxxhhhhxxxx",
        "ffffffffffff",
        "ffffffffffff",
        "pppppppppppp",
    ]
    heights = {"p": 1100, "x": 2400, "h": 1700, "f": 1250}
    special = {(c, 3): 1900 for c in range(5, 8)}
    special.update({(c, r): 1750 for c in range(4, 8) for r in (2, 4)})
    special.update({(c, r): 1550 for c in range(4, 8) for r in (1, 5)})
    special.update({(c, 6): 1400 for c in range(4, 8)})
    elev = elevations(terrain, heights, special)
    lesson = [
        "GROUND CONDITIONS: WHO GETS THERE FIRST. Two red special-forces groups climb four hexes of open hill "
        "slope to seize the Kepez pass. Blue's reserve (infantry and BMPs) arrives in the north valley on turn 2 "
        "and marches up the pass road: one turn's march in any weather. Whoever is on the pass first holds it. "
        "The weather is Shusha's: rain on 3 Nov, SNOW on 4 Nov (turn 2), then dry. (An invented map: Kepez and "
        "its pass are made up; no aircraft here.)",
        "The ground table is the Shusha scenario's (`weather_movement`): in snow special forces pay x1.25 on hills, "
        "1.875 MP a hex instead of 1.5. At 3 MP they climb two hills hexes a turn when dry (1.5 + 1.5 = 3) but "
        "one in snow (1.875 + 1.875 = 3.75 > 3). On turn 2 the snow leaves them one hex short, and the reserve, "
        "on the road (roads are not slowed), takes the pass first. Dry, red is there on turn 2, first.",
        "Commands: `wargame run scenarios/lessons/ground.json --seed 1 -v`   (snow)   and the same with "
        f"`--set '{DRY_GROUND}'`   (snow that costs nothing: the weather line still says snow, but the ground table "
        "is empty; `--weather clear`, dry weather, plays the same games here). Many games: `wargame "
        "batch scenarios/lessons/ground.json --games 200 --sweep weather=historical,clear --out ground.parquet`: "
        "red wins about 1 game in 5 in snow, 19 in 20 dry.",
        "Look for (seed 1) the turn-2 weather line '... snow: ... sf x1.25 in hills'; in snow 'red_sf_1 moves "
        "(5,5)->(6,4) (1.88 MP)', then 'blue_inf moves (11,0)->(6,3)': red must assault uphill. Dry: 'red_sf_1 "
        "moves (5,5)->(6,3) (3 MP)' and 'attacker takes control of (6,3) Kepez pass': blue must assault. In the "
        "game (`wargame play scenarios/lessons/ground.json --side attacker --seed 1`, the game above) select a red "
        "group on turn 2 and press "
        "1: hills cost 1.875 and the reach stops one hex short of the pass. Try more legs: `--set "
        "'unit_types={\"special_forces\":{\"move_points\":4}}'`: 3.75 MP fits, and snow no longer decides.",
        "Simplified: one day, one turn, one weather; the same snow on every slope and none on the road; nobody "
        "tires or gets lost; the crags ('x') cannot be climbed. The point is the arithmetic: a small factor "
        "matters when it pushes a move past what fits in a turn.",
    ]
    notes = [
        "One day per turn, all in daylight. Both sides play the doctrine agent.",
        "weather_movement is the Shusha scenario's table (scenarios/build_shusha.py, WEATHER_MOVEMENT): rain "
        "slows wheeled vehicles off road x1.25; snow slows foot infantry off road x1.25, special forces on hills "
        "x1.25, wheeled vehicles off road x1.5, tracked x1.25. Roads keep their dry cost.",
        "Terrain 'x' is added for this map: high crags that no unit can enter, so the slope is the only way "
        "up.",
        "Special forces keep the engine's default 3 move points (the Shusha scenario gives them 2.5; there the "
        "same snow turns a 2.5 MP move into 2.875 MP).",
    ]
    doc = base_doc("Lesson 5: ground conditions - snow on the climb",
                   "Red special forces climb to the Kepez pass while blue's reserve marches up the road to it; "
                   "snow on the slopes on 4 Nov decides who gets there first.", 5, terrain, elev, lesson, notes,
                   "Kepez, its pass and its valleys")
    doc["map"]["roads"] = [{"name": "Pass road", "kind": "secondary", "path": walk((6, 3), "NW NE NW 5E")}]
    doc["map"]["places"] = [{"name": "Kepez pass", "hex": [6, 3], "kind": "area"},
                            {"name": "Kepez", "hex": [11, 0], "kind": "village"}]
    doc["terrain_types"] = {"x": {"name": "high crags", "move_cost": {"foot": None, "sf": None, "wheeled": None,
                                                                       "tracked": None},
                                  "defence": 2, "concealment": 1, "ambush": 0, "los_height_m": 0,
                                  "vehicle_cover": 0}}
    doc["weather_movement"] = GROUND_MOVEMENT
    doc["weather"] = weather(5)
    doc["sides"] = {
        "attacker": {"name": "Red special forces", "agent": "doctrine", "supply_sources": [[6, 9]],
                     "supply_range": 40},
        "defender": {"name": "Blue reserve", "agent": "doctrine", "supply_sources": [[11, 0]],
                     "supply_range": 20},
    }
    doc["units"] = [
        unit("red_sf_1", "attacker", "special_forces", (6, 7), "Special-forces group 1", strength=3),
        unit("red_sf_2", "attacker", "special_forces", (5, 7), "Special-forces group 2", strength=3),
        unit("blue_inf", "defender", "infantry", (11, 0), "Reserve infantry company", strength=3,
             arrives_turn=2),
        unit("blue_mech", "defender", "mech_infantry", (11, 0), "Reserve BMP company", strength=2,
             arrives_turn=2),
    ]
    doc["meta"]["measures"] = [
        {"label": "Turn red first entered the pass", "score": "objective_first_entry_turn",
         "note": "over 200 games: never in 80% of snowy games, turn 2 in every dry one"},
        {"label": "Red's steps lost", "score": "steps_lost.attacker",
         "note": "4.21 a game in the snow, 1.30 on dry ground"}]
    doc["objectives"] = [{"name": "Kepez pass", "hexes": [[6, 3]]}]
    doc["victory"] = {"objective": "Kepez pass", "sudden_death": True, "contest_radius": 1,
                      "road_watch": {"name": "Pass road", "from": [6, 3], "to": [11, 0]}}
    return doc


# ================================================================================================ main
def ascii_map(doc: dict) -> str:
    rows = doc["map"]["terrain"]
    return "\n".join((" " if r & 1 else "") + " ".join(row) for r, row in enumerate(rows))


def build() -> dict[str, dict]:
    return {"ambush.json": ambush(), "cliff_below.json": cliff("below"), "cliff_ridge.json": cliff("ridge"),
            "drones.json": drones(), "supply.json": supply(),
            "ground.json": ground()}


def main(argv: list[str]) -> int:
    """Write the lesson files (or, with --check, say which differ from what this script builds)."""
    import argparse

    ap = argparse.ArgumentParser(prog="build_lessons.py", description="(Re)write the teaching scenarios in "
                                 f"{OUT} from the lesson definitions in this script (deterministic).")
    ap.add_argument("--ascii", action="store_true", help="also print each map (odd rows indented)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a lesson file differs from "
                    "what would be written")
    args = ap.parse_args(argv)
    stale = []
    for name, doc in build().items():
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        path = OUT / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        if args.ascii:
            print(ascii_map(doc))
    if args.check:
        print(f"differ from the script: {', '.join(stale)}" if stale else "every lesson file is up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
