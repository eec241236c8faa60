"""Compare this checkout's speed and game logs with another checkout of the engine, fairly.

This VM's speed drifts by 1.3–2× within minutes, so two benchmark runs made one after the other cannot be
compared. This script alternates between the two checkouts, several rounds each, in fresh processes. Every
round plays each seed several times and keeps its fastest CPU time. The best round of each side is
reported. It also checks that both checkouts play the very same games (event-log fingerprints), which is
what every optimisation must preserve.

    git worktree add /tmp/base HEAD~3       # the code to compare with
    python bench/compare.py /tmp/base       # 10×10 and Shusha, 4 rounds
    python bench/compare.py /tmp/base --which shusha --rounds 6
    python bench/compare.py /tmp/base --logs-only
    python bench/compare.py /tmp/base --instructions   # needs valgrind (apt-get install valgrind)

`--instructions` counts the CPU instructions the games execute (valgrind's callgrind, instrumentation on
only while the measured games play, after the same warm-up). The count does not drift with the VM: two
runs agree within about 0.5%, where timings here wander by 1.3-2x. It ignores cache misses and stalls,
so confirm a large change with the timing rounds too.

The warm-up plays other seeds than the measured ones, and every timing round starts from the map memos
the warm-up left. So each measured play is a new game, as in a batch. (Until session 6 the warm-up played
the measured seeds themselves: their odds and fields were all memoised, and a Shusha game counted about
10% fewer instructions than a new one.)

`--cache-sim` adds what the count leaves out, still reproducibly: valgrind simulates this machine's caches
(64 kB L1 for instructions and for data, 1 MB L2) and reports their misses per game, and callgrind's cycle
estimate from them. Much of this engine's time is cache misses (docs/performance.md), so a change that
saves no instructions can still save misses.
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

WARM_UP = r'''
import os, subprocess, sys, time
sys.path[:0] = [".", "bench"]
from engine.game import play_game
try:
    from engine.game import settle_long_lived_objects
except ImportError:  # a checkout older than it
    def settle_long_lived_objects():
        pass
which, n = sys.argv[1], int(sys.argv[2])
if which == "shusha":
    from engine.scenario import load_scenario
    scen = load_scenario("scenarios/shusha_1120.json")
else:
    from engine.scenario import scenario_from_dict
    from synthetic import make_scenario
    scen = scenario_from_dict(make_scenario(10, 10, 17, turns=10))
for s in range(1001, 1001 + max(n, 10)):
    play_game(scen, s)  # warm caches and compiled code, as a batch worker is after its first games
settle_long_lived_objects()  # as batch workers do after their first game
from engine import mapdata
gmap = mapdata.game_map(scen)
# what games on the map share and fill: `bench/run.py`'s `map_memos`, written out here because this code also
# runs in older checkouts, whose bench may not have it
fields = dict(getattr(gmap, "__dict__", {}))  # the map's attributes: its __dict__ and its slots, if any
fields.update((k, getattr(gmap, k)) for k in getattr(type(gmap), "__slots__", ())
              if k != "__dict__" and hasattr(gmap, k))
memos = [d for d in fields.values() if isinstance(d, dict)]
memos += [v if isinstance(v, dict) else v[1] for v in list(gmap.derived.values())
          if isinstance(v, dict) or (isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], dict))]
saved = [(d, dict(d)) for d in memos]

def restore():
    """The map's memos as before the measured games: every play of a seed is then a new game, as in a batch
    (a replay would find all the odds and fields its first play computed)."""
    for d, before in saved:
        d.clear()
        d.update(before)
'''

TIMING = WARM_UP + r'''
reps = int(sys.argv[3])
best = {}
for _ in range(reps):
    restore()
    for s in range(1, n + 1):
        t = time.process_time()
        play_game(scen, s)
        best[s] = min(best.get(s, 1e9), time.process_time() - t)
print(sum(best.values()) / len(best) * 1000)
'''

INSTRUCTIONS = WARM_UP + r'''
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
for s in range(1, n + 1):
    play_game(scen, s)
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)
'''

FINGERPRINT = r'''
import hashlib, sys
sys.path[:0] = [".", "bench"]
from engine.events import event_to_json
from engine.game import play_game
from engine.scenario import load_scenario, scenario_from_dict
from synthetic import make_scenario
h = hashlib.sha256()
games = [(load_scenario("scenarios/shusha_1120.json"), range(1, 21))]
games += [(scenario_from_dict(make_scenario(*spec)), range(4)) for spec in [(10, 10, 17, 10), (25, 25, 20, 6),
                                                                              (50, 50, 40, 4)]]
for scen, seeds in games:
    for seed in seeds:
        for ev in play_game(scen, seed).log:
            h.update(event_to_json(ev).encode())
            h.update(b"\n")
print(h.hexdigest())
'''


def run(code: str, checkout: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=checkout, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"{checkout}: failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1]


CACHES = ["--I1=65536,4,64", "--D1=65536,4,64", "--LL=1048576,8,64"]
"""The simulated caches of `--cache-sim`: this machine's L1 (64 kB each) and its 1 MB L2 per core."""


def instructions(checkout: Path, which: str, n: int, cache_sim: bool = False) -> float | dict[str, float]:
    """Instructions per game executed by `n` new games (after warming up on other seeds), under callgrind.
    With `cache_sim`: per game, the instructions, the L1 (instruction and data) and last-level misses of a
    simulated cache, and callgrind's cycle estimate from them (Ir + 10 × L1 misses + 100 × LL misses)."""
    python = sys.executable  # the interpreter itself (a venv's link keeps the venv), never a shim script
    sim = ["--cache-sim=yes", *CACHES] if cache_sim else []
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", *sim, f"--callgrind-out-file={tmp}/cg.out",
             python, "-c", INSTRUCTIONS, which, str(n)],
            cwd=checkout, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    m = re.search(r"Collected : ([\d ]+)", out.stderr)
    if out.returncode != 0 or m is None:
        sys.exit(f"{checkout}: callgrind run failed:\n{out.stderr[-3000:]}")
    counts = [int(x) for x in m.group(1).split()]
    if not cache_sim:
        return counts[0] / n
    # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
    ir, l1 = counts[0], sum(counts[3:6])
    ll = sum(counts[6:9])
    return {"instructions": ir / n, "L1 misses": l1 / n, "LL misses": ll / n,
            "estimated cycles": (ir + 10 * l1 + 100 * ll) / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("other", type=Path, help="the other checkout (e.g. a git worktree of an older commit)")
    ap.add_argument("--which", default="small,shusha", help="comma list: small (10×10) and/or shusha")
    ap.add_argument("--rounds", type=int, default=4, help="alternating rounds per side")
    ap.add_argument("--reps", type=int, default=6, help="plays of each seed per round (fastest kept)")
    ap.add_argument("--logs-only", action="store_true", help="only compare the game-log fingerprints")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions per game under valgrind instead of timing (reproducible; slow)")
    ap.add_argument("--cache-sim", action="store_true",
                    help="also simulate this machine's caches under valgrind: misses and a cycle estimate per game")
    a = ap.parse_args()
    other = a.other.resolve()
    if not (other / "engine" / "game.py").is_file():
        sys.exit(f"{other} is not a checkout of this engine (no engine/game.py)")
    sides = {"this": ROOT, "other": other}
    prints = {name: run(FINGERPRINT, path) for name, path in sides.items()}
    same = prints["this"] == prints["other"]
    print(f"game logs (Shusha seeds 1–20, synthetic 10×10/25×25/50×50 seeds 0–3): "
          f"{'identical' if same else 'DIFFERENT'}\n  this  {prints['this']}\n  other {prints['other']}")
    if a.logs_only:
        sys.exit(0 if same else 1)
    if a.instructions or a.cache_sim:
        if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
            sys.exit(f"{'--cache-sim' if a.cache_sim else '--instructions'} needs valgrind: apt-get install valgrind")
        for which in a.which.split(","):
            n = 3 if which == "shusha" else 8
            with ThreadPoolExecutor(2) as pool:  # one valgrind per checkout, side by side
                counts = dict(zip(sides, pool.map(lambda p, w=which, k=n: instructions(p, w, k, a.cache_sim),
                                                  sides.values()), strict=True))
            games = f"{n} new games (seeds 1–{n}) after {max(n, 10)} others"
            if a.cache_sim:
                print(f"{which}: millions per game under a simulated cache ({' '.join(CACHES)}), {games}")
                for key in counts["this"]:
                    t, o = counts["this"][key], counts["other"][key]
                    print(f"  {key:<17} this {t / 1e6:9.2f}   other {o / 1e6:9.2f}   this / other = {t / o:.3f}")
            else:
                print(f"{which}: million instructions per game, {games}")
                for name, v in counts.items():
                    print(f"  {name:5s} {v / 1e6:9.2f}")
                print(f"  this / other = {counts['this'] / counts['other']:.3f}")
        sys.exit(0 if same else 1)
    for which in a.which.split(","):
        n = 12 if which == "shusha" else 30
        res: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(a.rounds):
            for name, path in sides.items():
                res[name].append(float(run(TIMING, path, which, str(n), str(a.reps))))
        best = {name: min(v) for name, v in res.items()}
        print(f"{which}: CPU ms/game, mean over {n} seeds of each seed's fastest of {a.reps} plays; best of "
              f"{a.rounds} alternating rounds")
        for name, v in res.items():
            print(f"  {name:5s} best {best[name]:7.2f}   rounds " + " ".join(f"{x:.2f}" for x in v))
        print(f"  this / other = {best['this'] / best['other']:.3f}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
