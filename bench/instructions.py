"""Instructions per game, counted by valgrind (callgrind): our engine, and optionally Atlatl's test4.scn.

Timings on this VM drift by 1.3-2x within minutes; instruction counts do not (repeated runs agree within
about 0.5%). They ignore cache misses, branch mispredictions and stalls, so they measure the work a game
does, not its wall time: report both.

    apt-get install valgrind
    python bench/instructions.py                                   # ours: 10x10 and Shusha, ~1 minute
    python bench/instructions.py --atlatl ~/src/atlatl-public --atlatl-python ~/src/atlatl-venv/bin/python

Ours: warm-up games of other seeds first (compiled code and per-map caches, as a batch worker has them),
then the counted games, each a new game to the caches (instrumentation switched on only around them).
Atlatl: its stock server.py with `pass-agg` on both sides, whole runs of N+1 and 1 games; the difference
divided by N is one game (startup excluded, the same method as `bench/run.py --atlatl`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from compare import ROOT, instructions  # noqa: E402

UNIT_TURNS_10X10 = 17 * 10  # the Atlatl-sized game: 17 units, 10 turns (as test4.scn)


def atlatl_run(checkout: Path, python: str, games: int) -> int:
    """Instructions of a whole `server.py test4.scn` run of `games` games (pass-agg vs pass-agg)."""
    # valgrind must start the interpreter itself, not a shim script (pyenv's `python` is one): ask it
    exe = subprocess.run([python, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True,
                         check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", exe,
             "server.py", "test4.scn", "--blueAI", "pass-agg", "--redAI", "pass-agg", "--nReps", str(games)],
            cwd=checkout / "server", capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or m is None:
        sys.exit(f"atlatl run failed:\n{out.stderr[-3000:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--atlatl", type=Path, help="an Atlatl checkout (github.com/brianwade1/atlatl-public)")
    ap.add_argument("--atlatl-python", default="python", help="an interpreter with Atlatl's dependencies")
    ap.add_argument("--atlatl-games", type=int, default=5, help="N in (N+1 games − 1 game) / N")
    a = ap.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("needs valgrind: apt-get install valgrind")
    with ThreadPoolExecutor(2) as pool:
        small = pool.submit(instructions, ROOT, "small", 8)
        shusha = pool.submit(instructions, ROOT, "shusha", 3)
        ours_small, ours_shusha = small.result(), shusha.result()
    print("million instructions per game (valgrind callgrind)")
    print(f"  ours, synthetic 10×10, 17 units, 10 turns   {ours_small / 1e6:9.2f}   "
          f"({ours_small / UNIT_TURNS_10X10 / 1e3:.0f} k per unit-turn)")
    sys.path.insert(0, str(ROOT))
    from engine.scenario import load_scenario

    scen = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    label = f"ours, Shusha, {len(scen.units)} units, {scen.turns} turns"
    print(f"  {label:<44}{ours_shusha / 1e6:9.2f}")
    if a.atlatl is not None:
        n = a.atlatl_games
        with ThreadPoolExecutor(2) as pool:
            long, short = pool.map(lambda k: atlatl_run(a.atlatl, a.atlatl_python, k), (n + 1, 1))
        per_game = (long - short) / n
        print(f"  Atlatl test4.scn, pass-agg vs pass-agg      {per_game / 1e6:9.2f}   "
              f"({per_game / UNIT_TURNS_10X10 / 1e3:.0f} k per unit-turn)")
        print(f"  ours ÷ Atlatl per unit-turn: {ours_small / per_game:.3f} "
              f"({per_game / ours_small:.1f}× fewer instructions)")


if __name__ == "__main__":
    main()
