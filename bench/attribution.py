"""Where a game's instructions go, by skipping parts of it: what compiling a part could save at most.

Profilers disagree with each other on this engine. py-spy's self-times follow cache misses as much as work
(a line that runs cold looks expensive), and cProfile inflates every small call. This script measures
instead. It plays each game once and records what a part returned: a doctrine AI method's orders and the
state of its random generator afterwards, or an engine function's answers. It then plays the same game
again with that part replaced by the recording, under valgrind. The instructions the part no longer
executes are its cost. The replayed games are checked to be the very games recorded: same event log. They
are new games to the map's memos, as in a batch: the memos are put back as the warm-up on other seeds left
them before each pass.

    python bench/attribution.py                  # 10×10 and Shusha; needs valgrind (apt-get install valgrind)
    python bench/attribution.py --which shusha --parts choose,_plan_moves

Parts: `choose` is every decision of the AI, so what is left is the engine (rules, views, knowledge).
Names starting with `_` are DoctrineAgent methods. The others are engine functions: `reach` (every unit's
movement search, for the AI and the rules alike), `visible_hexes`, `known_enemies`, `detect_hidden` (the
side's search for hidden enemies) and `check` (order legality). A skipped
part also leaves caches unfilled that later code may then fill itself (reach searches, odds), so a part's
share is an estimate of what a compiled version would save, not an exact bound.

Since session 7, `visible_hexes`, `known_enemies` and `known_enemy_hexes` are entry points to one record
per side (`visibility._know`) that brings all of a side's knowledge up to date at once. Skipping one of them
saves little or nothing, since the next entry point does the same work, and the replay's own cost can make
its share negative. Read the knowledge's cost from `reach` and the AI's parts instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE_PARTS = {"check": "engine.rules", "reach": "engine.movement", "visible_hexes": "engine.visibility",
                "known_enemies": "engine.visibility", "known_enemy_hexes": "engine.visibility",
                "detect_hidden": "engine.visibility"}
"""Engine functions that can be replayed (they change nothing but caches), and where they are defined."""
PARTS = ["choose", "_plan", "_plan_moves", "_attacker_moves", "_defender_moves", "_next_assault", "_plan_air",
         "_plan_artillery", *ENGINE_PARTS]

REPLAY = r'''
import collections, hashlib, os, subprocess, sys
import numpy as np
sys.path[:0] = [".", "bench"]
from engine.ai.doctrine import DoctrineAgent
from engine.events import event_to_json
from engine import mapdata
from engine.game import play_game, settle_long_lived_objects
from run import map_memos
from synthetic import bench_scenario
which, part, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
scen = bench_scenario(which)
tape = collections.defaultdict(list)
read = collections.Counter()
remapped = {}
now = {"seed": 0, "replay": False}

def replaced(f, method=True):
    def g(*args, **kwargs):
        if not method:  # an engine function, replayed hundreds of times a game: kept as short as can be, since
            # the replay's own cost counts against the part's (no generators to restore; lists are shared)
            state = args[0]
            key = (now["seed"], f.__name__)
            if not now["replay"]:
                out = f(*args, **kwargs)
                tape[key].append(out)
                return out
            out = tape[key][read[key]]
            read[key] += 1
            if isinstance(out, list):  # units of the recorded game -> the same units of this one
                got = remapped.get(id(out))  # one list per recorded list: callers compare them by identity
                if got is None or got[0] is not out:
                    got = remapped[id(out)] = (out, [
                        (state.unit(x[0].id), *x[1:]) if isinstance(x, tuple)
                        else state.unit(x.id) if hasattr(x, "id") and hasattr(x, "idx") else x for x in out])
                out = got[1]
            return out
        self, args = args[0], args[1:]
        gens = [a for a in args if isinstance(a, np.random.Generator)]
        key = (now["seed"], f.__name__)
        if not now["replay"]:
            out = f(self, *args, **kwargs)
            tape[key].append((list(out) if isinstance(out, list) else out, [x.bit_generator.state for x in gens]))
            return out
        out, states = tape[key][read[key]]
        read[key] += 1
        for x, s in zip(gens, states):
            x.bit_generator.state = s
        return list(out) if isinstance(out, list) else out
    return g

if part.startswith("_") or part == "choose":
    setattr(DoctrineAgent, part, replaced(getattr(DoctrineAgent, part)))
elif part != "none":  # an engine function: replace it wherever it was imported
    import importlib
    import engine.rules, engine.view
    original = getattr(importlib.import_module(sys.argv[4]), part)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("engine.") and getattr(mod, part, None) is original:
            setattr(mod, part, replaced(original, method=False))

def play(seed):
    now["seed"] = seed
    remapped.clear()
    return hashlib.sha256("".join(event_to_json(e) for e in play_game(scen, seed).log).encode()).hexdigest()

for s in range(1001, 1001 + max(n, 10)):  # warm compiled code and the map's caches on other games
    play(s)
settle_long_lived_objects()
saved = [(d, dict(d)) for d in map_memos(mapdata.game_map(scen))]

def restore():  # the map's memos as after the warm-up: every measured game is then a new one, as in a batch
    for d, before in saved:
        d.clear()
        d.update(before)

recorded = {s: play(s) for s in range(1, n + 1)}
now["replay"] = True
restore()
for s in range(1, n + 1):  # a first replay, to check it plays the very games recorded
    read.clear()
    if play(s) != recorded[s]:
        sys.exit(f"replaying {part} changed game {s}")
read.clear()
restore()
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
for s in range(1, n + 1):
    now["seed"] = s
    remapped.clear()
    play_game(scen, s)  # (no fingerprint here: only the game is counted)
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)
'''


def instructions(which: str, part: str, n: int) -> float:
    """Instructions per game of `n` games with `part` replayed ("none": the whole game)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/cg.out",
             sys.executable, "-c", REPLAY, which, part, str(n), ENGINE_PARTS.get(part, "")],
            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    m = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or m is None:
        why = [line for line in out.stderr.splitlines() if not line.startswith("==")][-5:]
        sys.exit(f"{which} {part}: the callgrind run failed:\n" + "\n".join(why))
    return int(m.group(1)) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--which", default="small,shusha", help="comma list: small (10×10) and/or shusha")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma list of: {', '.join(PARTS)}")
    a = ap.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("this needs valgrind: apt-get install valgrind")
    parts = a.parts.split(",")
    if unknown := [p for p in parts if p not in PARTS]:
        sys.exit(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    for which in a.which.split(","):
        n = 3 if which == "shusha" else 8
        runs = ["none", *parts]
        with ThreadPoolExecutor(2) as pool:  # two valgrinds side by side
            counts = dict(zip(runs, pool.map(lambda p, w=which, k=n: instructions(w, p, k), runs), strict=True))
        total = counts["none"]
        print(f"{which}: million instructions per game, {n} new games (seeds 1–{n}) after {max(n, 10)} others")
        print(f"  {'whole game':<34} {total / 1e6:8.2f}")
        for p in parts:
            saved = total - counts[p]
            what = ("the AI's decisions (choose)" if p == "choose" else f"DoctrineAgent.{p}" if p.startswith("_")
                    else f"engine: {p}")
            print(f"  {what:<34} {saved / 1e6:8.2f}  {100 * saved / total:5.1f}%")
        if "choose" in parts:
            print(f"  {'the engine (all but choose)':<34} {counts['choose'] / 1e6:8.2f}  "
                  f"{100 * counts['choose'] / total:5.1f}%")


if __name__ == "__main__":
    main()
