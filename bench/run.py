"""Benchmarks: full Shusha game AI vs AI (ms/game, ms/turn, games/s), scenario load, micro-benchmarks.

Run: python bench/run.py [--games 50]. Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import mapdata  # noqa: E402
from engine.combat import fire_odds  # noqa: E402
from engine.game import play_game  # noqa: E402
from engine.movement import reachable  # noqa: E402
from engine.rules import ENGINE_VERSION, legal_orders, new_game  # noqa: E402
from engine.scenario import load_scenario  # noqa: E402

SCENARIO = ROOT / "scenarios" / "shusha_1120.json"


def timeit(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=50)
    args = ap.parse_args()
    results: dict[str, object] = {"engine_version": ENGINE_VERSION, "python": platform.python_version(),
                                  "machine": platform.machine()}

    def load_cold() -> None:
        mapdata._MAP_CACHE.clear()
        s = load_scenario(SCENARIO)
        mapdata.game_map(s)

    load_ms = timeit(load_cold, 10)
    results["scenario_load_and_precompute_ms_median"] = statistics.median(load_ms)

    scen = load_scenario(SCENARIO)
    play_game(scen, 0)  # warm caches (viewsheds, distance fields) as a batch worker would
    game_ms, turns = [], []
    for seed in range(1, args.games + 1):
        t = time.perf_counter()
        st = play_game(scen, seed)
        game_ms.append((time.perf_counter() - t) * 1000)
        turns.append(st.score.end_turn)
    game_ms.sort()
    med = statistics.median(game_ms)
    p90 = game_ms[int(0.9 * (len(game_ms) - 1))]
    ms_turn = sum(game_ms) / sum(turns)
    results.update({
        "games": args.games, "game_ms_median": med, "game_ms_p90": p90, "ms_per_turn": ms_turn,
        "games_per_s_one_core": 1000 / statistics.mean(game_ms),
    })

    tracemalloc.start()
    play_game(scen, 12345)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["peak_python_alloc_per_game_mb"] = peak / 1e6

    st = new_game(scen, 1)
    u = st.unit("az_sf_1")
    gmap = st.map
    results["micro_ms"] = {
        "pathfinding_one_unit": statistics.median(timeit(lambda: reachable(st, u), 200)),
        "viewshed_one_hex_uncached": statistics.median(
            timeit(lambda: (gmap._viewshed_cache.clear(), gmap.viewshed(u.idx, 6)), 200)),
        "legal_orders_air_phase": statistics.median(timeit(lambda: legal_orders(st), 20)),
        "fire_odds": statistics.median(timeit(lambda: fire_odds(st, u, st.unit("arm_inf_3"), "assault"), 500)),
    }

    width = max(len(k) for k in results)
    for k, v in results.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                print(f"{k + '.' + kk:<{width + 30}} {vv:10.3f}")
        elif isinstance(v, float):
            print(f"{k:<{width + 30}} {v:10.3f}")
        else:
            print(f"{k:<{width + 30}} {v}")
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
