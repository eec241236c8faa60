"""Where a game's instructions go, inclusively: each AI decision by phase, each order's application by kind, and
any engine function, counted under valgrind.

`bench/attribution.py` estimates a part's cost by replaying the game without it, which shows what compiling
the part could save. This script counts what a part executes, everything it calls included, in a game played
normally. Parts are not disjoint: a decision that brings the side's knowledge up to date does work a later
legality check would otherwise do. The decision and application parts, taken together, make up a game except
for its setup (`new_game`), the turn loop and the views the loop hands the AI.

Each part is counted in its own valgrind run. The part is called through `operator.call`, which nothing in
the engine calls, and callgrind counts only inside it (`--toggle-collect`). A function that calls itself
through the wrapper is counted once, at its outermost call. A call made from C through `operator.call` costs
about 500 instructions more than a plain Python call, which the count includes: read the figures of small
functions called thousands of times a game (`GameMap.distance`, about 1 500 instructions a call) with that in
mind. As everywhere in `bench/`, the counted games are new ones: seeds 1–N after warm-up games on other seeds.

    python bench/breakdown.py                                   # 10×10 and Shusha; needs valgrind
    python bench/breakdown.py --which shusha --no-orders \
        --functions engine.visibility:_know,engine.ai.doctrine:DoctrineAgent._plan_moves
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

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synthetic import BENCH_MAPS  # noqa: E402

ROOT = BENCH.parent
PHASE_NAMES = ("air", "artillery", "movement", "assault")
ORDER_KINDS = ("Move", "Assault", "Fire", "Recon", "Strike", "EndPhase", "EndSide")
"""`EndPhase` is an end of phase within a side's turn; `EndSide` the last one, which ends the side's turn and
runs what follows (hiding, supply, detection, weather, the next turn's start)."""

COUNT = r'''
import operator, sys
sys.path[:0] = [".", "bench"]
from engine import game
from engine.game import play_game, settle_long_lived_objects
from engine.state import PHASES
from synthetic import bench_scenario
which, part, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
scen = bench_scenario(which)
for s in range(1001, 1001 + max(n, 10)):  # compiled code and the map's memos warm, as in a batch worker
    play_game(scen, s)
settle_long_lived_objects()
counted = operator.call  # callgrind counts inside this C function only

if part.startswith("choose:"):  # every agent's decisions in one phase (or "all")
    what = part.split(":")[1]
    make_agent = game.make_agent

    def make_counted(*args, **kwargs):
        agent = make_agent(*args, **kwargs)
        choose = agent.choose

        def counted_choose(view, rng):
            if what in ("all", view.phase):
                return counted(choose, view, rng)
            return choose(view, rng)

        agent.choose = counted_choose
        return agent

    game.make_agent = make_counted
elif part.startswith("apply:"):  # the application of one kind of order (or "all"), as the turn loop calls it
    what = part.split(":")[1]
    apply = game.apply

    def counted_apply(state, order):
        kind = type(order).__name__
        if kind == "EndPhase" and state.phase_i == len(PHASES) - 1:
            kind = "EndSide"
        if what in ("all", kind):
            return counted(apply, state, order)
        return apply(state, order)

    game.apply = counted_apply
elif part != "game":  # module:function (replaced wherever it was imported) or module:Class.method
    import importlib
    mod_name, name = part.split(":")
    owner = importlib.import_module(mod_name)
    *path, name = name.split(".")
    for attr in path:
        owner = getattr(owner, attr)
    original = getattr(owner, name)
    depth = [0]
    calls = [0]

    def wrapped(*args, **kwargs):
        if depth[0]:
            return original(*args, **kwargs)
        calls[0] += 1
        depth[0] += 1
        try:
            return counted(original, *args, **kwargs)
        finally:
            depth[0] -= 1

    if path:
        setattr(owner, name, wrapped)
    for mod in [] if path else list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("engine") and getattr(mod, name, None) is original:
            setattr(mod, name, wrapped)
for s in range(1, n + 1):
    if part == "game":
        counted(play_game, scen, s)
    else:
        play_game(scen, s)
if part.count(":") == 1 and not part.startswith(("choose:", "apply:")) and not calls[0]:
    print("NEVER CALLED BY NAME", file=sys.stderr)
'''


def count(which: str, part: str, n: int) -> float | None:
    """Instructions per game executed inside `part` over `n` new games; None for a function the games never
    called by its name (the rules call some through a dispatch table, out of the wrapper's reach)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--toggle-collect=_operator_call", f"--callgrind-out-file={tmp}/cg.out",
             sys.executable, "-c", COUNT, which, part, str(n)],
            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    m = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or m is None:
        why = [line for line in out.stderr.splitlines() if not line.startswith("==")][-5:]
        sys.exit(f"{which} {part}: the callgrind run failed:\n" + "\n".join(why))
    if "NEVER CALLED BY NAME" in out.stderr:
        return None
    return int(m.group(1)) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--which", default="small,shusha", help="comma list: small (10×10) and/or shusha")
    ap.add_argument("--functions", default="", help="comma list of module:function or module:Class.method to "
                                                    "count as well, e.g. engine.visibility:_know")
    ap.add_argument("--no-orders", action="store_true", help="skip the per-phase and per-order parts")
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("this needs valgrind: apt-get install valgrind")
    functions = [f for f in a.functions.split(",") if f]
    if bad := [f for f in functions if f.count(":") != 1]:
        sys.exit(f"not module:function: {', '.join(bad)}")
    orders = [] if a.no_orders else [*(f"choose:{p}" for p in PHASE_NAMES), *(f"apply:{k}" for k in ORDER_KINDS)]
    maps = a.which.split(",")
    if unknown := [w for w in maps if w not in BENCH_MAPS]:
        sys.exit(f"unknown map(s) {', '.join(unknown)}: one of {', '.join(BENCH_MAPS)}")
    for which in maps:
        n = 3 if which == "shusha" else 8
        runs = ["game", *orders, *functions]
        with ThreadPoolExecutor(2) as pool:  # two valgrinds side by side
            got = dict(zip(runs, pool.map(lambda p, w=which, k=n: count(w, p, k), runs), strict=True))
        total = got["game"]
        print(f"{which}: million instructions per game, inclusive, {n} new games (seeds 1–{n}) after "
              f"{max(n, 10)} others")
        print(f"  {'whole game':<40} {total / 1e6:8.2f}")
        groups = [("the AI's decisions, by phase", [r for r in orders if r.startswith("choose:")]),
                  ("applying orders, by kind", [r for r in orders if r.startswith("apply:")]),
                  ("functions", functions)]
        for title, parts in groups:
            if not parts:
                continue
            print(f"  {title}:")
            for p in parts:
                if got[p] is None:
                    print(f"    {p.split(':', 1)[1]:<38} never called by this name (through a dispatch table?): "
                          "count its caller")
                    continue
                print(f"    {p.split(':', 1)[1]:<38} {got[p] / 1e6:8.2f}  {100 * got[p] / total:5.1f}%")
            if title != "functions":
                s = sum(got[p] for p in parts)
                print(f"    {'(sum)':<38} {s / 1e6:8.2f}  {100 * s / total:5.1f}%")


if __name__ == "__main__":
    main()
