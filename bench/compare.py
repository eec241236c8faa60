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
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIMING = r'''
import sys, time
sys.path[:0] = [".", "bench"]
from engine.game import play_game, settle_long_lived_objects
which, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if which == "shusha":
    from engine.scenario import load_scenario
    scen = load_scenario("scenarios/shusha_1120.json")
else:
    from engine.scenario import scenario_from_dict
    from synthetic import make_scenario
    scen = scenario_from_dict(make_scenario(10, 10, 17, turns=10))
for s in range(1, n + 1):
    play_game(scen, s)  # warm caches and compiled code, as a batch worker is after its first games
settle_long_lived_objects()  # as batch workers do after their first game
best = {}
for _ in range(reps):
    for s in range(1, n + 1):
        t = time.process_time()
        play_game(scen, s)
        best[s] = min(best.get(s, 1e9), time.process_time() - t)
print(sum(best.values()) / len(best) * 1000)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("other", type=Path, help="the other checkout (e.g. a git worktree of an older commit)")
    ap.add_argument("--which", default="small,shusha", help="comma list: small (10×10) and/or shusha")
    ap.add_argument("--rounds", type=int, default=4, help="alternating rounds per side")
    ap.add_argument("--reps", type=int, default=6, help="plays of each seed per round (fastest kept)")
    ap.add_argument("--logs-only", action="store_true", help="only compare the game-log fingerprints")
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
