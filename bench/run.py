"""Benchmark suite (issue #6): full Shusha games, the Atlatl-sized game, scaling, micro-benchmarks, memory.

Run from the repository root::

    python bench/run.py            # default, about 2-3 minutes on 2 cores
    python bench/run.py --quick    # smoke run, under a minute
    python bench/run.py --full     # more seeds, bigger series (units ∝ area up to 708 units)
    python bench/run.py --profile  # also cProfile a Shusha game and a 200×200 game, list the hotspots
    python bench/run.py --atlatl ~/src/atlatl-public   # also time Atlatl's test4.scn live (your checkout)

Prints a table and writes bench/results.json (git-ignored: numbers depend on the machine and its load).
All times are wall-clock medians of repeated runs (perf_counter); each Shusha / 10×10 seed is played
`--repeat` times and its fastest run kept (this VM's speed drifts by up to 2× within minutes; the game is
deterministic, so the spread is only noise). `load` records the 1-minute load average before and after,
since other jobs may share the cores. Caches that a batch worker keeps warm (map
viewsheds, AI distance fields) are warmed by one game that is not counted; the cold first game is reported
separately.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import math
import multiprocessing as mp
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

import numpy as np  # noqa: E402
from synthetic import make_scenario  # noqa: E402

from engine import combat, kernels, mapdata  # noqa: E402
from engine.game import play_game, settle_long_lived_objects  # noqa: E402
from engine.movement import distance_field, reachable  # noqa: E402
from engine.orders import EndPhase  # noqa: E402
from engine.rules import ENGINE_VERSION, apply, legal_orders, new_game  # noqa: E402
from engine.scenario import load_scenario, scenario_from_dict  # noqa: E402
from engine.supply import supply_field  # noqa: E402
from engine.units import SIDES  # noqa: E402
from engine.view import observe  # noqa: E402
from engine.visibility import visible_hexes  # noqa: E402

SCENARIO = ROOT / "scenarios" / "shusha_1120.json"
REACH = ("_reach_cache",)  # the engine's per-unit pathfinding memo, if it has one

TARGETS = {
    "shusha_game_ms_median": 20.0,
    "atlatl_size_game_ms_median": 3.0,
    "turn_ratio_200_vs_50": 10.0,
    "scenario_load_and_precompute_ms": 50.0,
    "shusha_games_per_s_all_workers": 90.0,  # with 2 workers (a minimum: higher is better)
    "per_unit_turn_ratio_ours_over_atlatl": 0.1,  # "at least 10× cheaper per unit-turn"
}

# Atlatl (github.com/brianwade1/atlatl-public, MIT, commit eab2ae5), scenario test4.scn: 10×10 hexes, 17 units,
# 20 phases = 10 turns, rule-based `pass-agg` AI on both sides, headless. Measured on this benchmark machine
# (2 shared AMD EPYC cores, load average 1-6 from other jobs) from a scratch checkout outside this repository:
#   cd server && python server.py test4.scn --blueAI pass-agg --redAI pass-agg --nReps N
# timing N = 51 against N = 1 (per game = difference / 50, startup excluded; 2 × 3 repeats: 112 and 113 ms),
# and with an in-process driver that timestamps every game (median of 50 games, 3 runs: 118, 108, 100 ms wall,
# 81, 72, 67 ms CPU). Python 3.11.7 (Atlatl asks for 3.14; on 3.13 it was 109 ms wall / 70 ms CPU, i.e. the
# same within noise). A game always lasts 10 turns (maxPhases). The per-game time includes Atlatl's
# in-process JSON messaging between server and AIs, which is how it runs. Use --atlatl DIR to re-measure.
ATLATL_REFERENCE: dict[str, Any] = {
    "source": "brianwade1/atlatl-public eab2ae5, server/scenarios/test4.scn, pass-agg vs pass-agg, headless",
    "hexes": 100, "units": 17, "turns": 10,
    "measured_here": {
        "game_ms_median": 110.0, "game_cpu_ms_median": 72.0, "games_per_s_one_core": 9.1, "ms_per_turn": 11.0,
        "ms_per_unit_turn": 0.65, "python": "3.11.7",
        "how": "stock server.py --nReps 51 minus --nReps 1, and an in-process per-game timer; medians",
    },
    "ceo_reported": {"games_per_s_one_core": 27.0, "ms_per_turn": 3.6, "ms_per_unit_turn": 0.2,
                     "note": "other machine; Python version not recorded"},
}


# ============================================================================================ helpers
def timeit(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> list[float]:
    out = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, math.ceil(q * len(s)) - 1)] if s else float("nan")


def loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def rss_mb() -> float:
    """Peak resident set size of this process. On Linux VmHWM (of this address space: ru_maxrss would also
    count the parent's pages a spawned worker had between fork and exec); elsewhere ru_maxrss."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / (1024 * 1024) if sys.platform == "darwin" else r / 1024


def uss_mb() -> float | None:
    with contextlib.suppress(Exception):
        import psutil

        return psutil.Process().memory_full_info().uss / 1e6
    return None


def clear_map_caches() -> None:
    """Forget every precomputed map (and the process-wide sight-line tables): the next load is cold."""
    cache = getattr(mapdata, "_MAP_CACHE", None)
    if cache is not None:
        cache.clear()
    tables = getattr(mapdata, "_build_los_tables", None)
    if hasattr(tables, "cache_clear"):
        tables.cache_clear()


def fresh(state: Any, only: tuple[str, ...] = ()) -> None:
    """Invalidate a state's memo caches so a micro-benchmark measures the work: just the named ones when the
    state has them (e.g. the pathfinding memo), else every `*_cache` dict and the state version."""
    named = [getattr(state, n) for n in only if isinstance(getattr(state, n, None), dict)]
    if named:
        for c in named:
            c.clear()
        if only == REACH:  # (and the map's memo of searches, shared by units and games: else a hit is timed)
            state.map.derived.pop("movement.reach", None)
        return
    state.touch()
    for name in type(state).__slots__:
        v = getattr(state, name, None)
        if name.endswith("_cache") and isinstance(v, dict):
            v.clear()


def clear_cache(gmap: Any, name: str) -> None:
    c = getattr(gmap, name, None)
    if hasattr(c, "clear"):
        c.clear()


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def python_build() -> str:
    """How this CPython was built, as far as it tells: the same games took a median 0.85× (10×10) and 0.94×
    (Shusha) the time on Debian's optimised, statically linked /usr/bin/python3.11 as on a plain
    `--enable-shared` pyenv build (docs/performance.md, session 6)."""
    config = sysconfig.get_config_var("CONFIG_ARGS") or ""
    parts = [platform.python_implementation(), sys.executable]
    if "--enable-optimizations" in config:
        parts.append("PGO")
    if "--with-lto" in config:
        parts.append("LTO")
    shared = bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))
    with contextlib.suppress(OSError):  # Linux: is a libpython actually mapped? (Debian's is built both ways)
        shared = "/libpython" in Path("/proc/self/maps").read_text()
    parts.append("shared libpython" if shared else "static libpython")
    return ", ".join(parts)


def git_rev() -> str:
    with contextlib.suppress(Exception):
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "engine"], cwd=ROOT, capture_output=True,
                               text=True, timeout=5).stdout.strip()
        return rev + ("+dirty engine/" if dirty else "")
    return "?"


def n_units(scen: Any) -> int:
    return len(scen.units)


def play_timed(scen: Any, seed: int) -> tuple[float, float, int, int]:
    """(wall ms, CPU ms of this process, turns played, orders) of one full game."""
    c = time.process_time()
    t = time.perf_counter()
    st = play_game(scen, seed)
    ms = (time.perf_counter() - t) * 1000
    cpu = (time.process_time() - c) * 1000
    return ms, cpu, max(1, st.score.end_turn or st.turn), len(st.orders)


def map_memos(gmap: Any) -> list[dict[Any, Any]]:
    """The map's growing caches and memos, which every game on the map in a process shares: odds, fire
    modifiers, distance fields, viewsheds, sight lines, AI goals."""
    fields = dict(getattr(gmap, "__dict__", {}))  # its attributes: the __dict__ and the slots
    fields.update((k, getattr(gmap, k)) for k in getattr(type(gmap), "__slots__", ())
                  if k != "__dict__" and hasattr(gmap, k))
    out = [d for d in fields.values() if isinstance(d, dict)]
    for v in list(gmap.derived.values()):
        if isinstance(v, dict):
            out.append(v)
        elif isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], dict):  # `GameMap.memo_for` entries
            out.append(v[1])
    return out


def play_fresh_repeats(scen: Any, seed: int, repeat: int) -> list[tuple[float, float, int, int]]:
    """`repeat` timed plays of one seed, each with the map's memos as they were before the first.

    A replay of a seed would otherwise find every odds and field its first play computed, and run faster
    than any new game of a batch can: about 10% fewer instructions on Shusha (docs/performance.md)."""
    before = [(d, dict(d)) for d in map_memos(mapdata.game_map(scen))] if repeat > 1 else []
    runs = []
    for k in range(repeat):
        if k:
            for d, saved in before:
                d.clear()
                d.update(saved)
        runs.append(play_timed(scen, seed))
    return runs


def game_stats(scen: Any, seeds: list[int], warm: bool = True, repeat: int = 1) -> dict[str, Any]:
    """ms/game over `seeds` (after one uncounted warm-up game unless warm=False), ms/turn, ms/unit-turn.

    With `repeat` > 1 every seed is played that many times and its fastest run kept (games are deterministic,
    so the spread between repeats is only machine noise: other jobs on shared cores). Each replay starts
    from the map memos the seed's first play found, as a new game of a batch does."""
    out: dict[str, Any] = {}
    if warm:
        out["first_game_ms_cold_caches"] = play_timed(scen, 0)[0]
        settle_long_lived_objects()  # as a batch worker does after its first game
    ms, cpu, turns, orders = [], [], [], []
    for s in seeds:
        runs = play_fresh_repeats(scen, s, repeat)
        ms.append(min(r[0] for r in runs))
        cpu.append(min(r[1] for r in runs))
        turns.append(runs[0][2])
        orders.append(runs[0][3])
    per_turn = [a / b for a, b in zip(ms, turns, strict=True)]
    out.update({
        "games": len(seeds), "repeats_per_seed": repeat, "game_ms_median": med(ms), "game_ms_p90": pct(ms, 0.9),
        "game_ms_mean": statistics.mean(ms), "game_ms_min": min(ms), "game_cpu_ms_median": med(cpu),
        "turns_mean": statistics.mean(turns), "orders_per_game_mean": statistics.mean(orders),
        "ms_per_turn": sum(ms) / sum(turns), "ms_per_turn_median": med(per_turn),
        "cpu_ms_per_turn_median": med([a / b for a, b in zip(cpu, turns, strict=True)]),
        "ms_per_unit_turn": med(per_turn) / n_units(scen), "units": n_units(scen),
        "games_per_s_one_core": 1000 / statistics.mean(ms),
    })
    return out


# ============================================================================================ parallel
_W: dict[str, Any] = {}


def _worker_init(kind: str, spec: Any, barrier: Any, warm_games: int = 0) -> None:
    if kind == "file":
        _W["scen"] = load_scenario(spec)
    else:
        _W["scen"] = scenario_from_dict(make_scenario(*spec))
    play_game(_W["scen"], 0)  # warm the worker's caches, as a batch worker would be after its first game
    for s in range(10_001, 10_001 + warm_games):  # the map's memos as a long batch's worker has them
        play_game(_W["scen"], s)
    settle_long_lived_objects()
    _W["barrier"] = barrier


def _worker_ready(_: int) -> int:
    """Returns once every worker is ready: a worker takes one of these tasks only after its initializer, and
    waits in it for the others (so each takes exactly one), and the clock starts after all have returned."""
    _W["barrier"].wait()
    return os.getpid()


def _worker_play(seed: int) -> tuple[int, float, int]:
    ms, _, turns, _ = play_timed(_W["scen"], seed)
    return os.getpid(), ms, turns


def _worker_mem(_: int) -> tuple[int, float, float | None]:
    time.sleep(0.05)
    return os.getpid(), rss_mb(), uss_mb()


def parallel_games(kind: str, spec: Any, seeds: list[int], workers: int, warm_games: int = 0) -> dict[str, Any]:
    """games/s on `workers` processes (spawned, caches warmed before the clock starts: one game, plus
    `warm_games` more in each worker for a long batch's steady state)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers)
    with ctx.Pool(workers, initializer=_worker_init, initargs=(kind, spec, barrier, warm_games)) as pool:
        pool.map(_worker_ready, range(workers), chunksize=1)
        t = time.perf_counter()
        res = pool.map(_worker_play, seeds, chunksize=1)
        wall = time.perf_counter() - t
        mem = {pid: (rss, uss) for pid, rss, uss in pool.map(_worker_mem, range(workers * 4), chunksize=1)}
    per_worker: dict[int, int] = {}
    for pid, _, _ in res:
        per_worker[pid] = per_worker.get(pid, 0) + 1
    return {
        "workers": workers, "games": len(seeds), "warm_games_per_worker": 1 + warm_games, "wall_s": wall,
        "games_per_s_all_cores": len(seeds) / wall,
        "game_ms_median_in_pool": med([ms for _, ms, _ in res]),
        "games_per_worker": sorted(per_worker.values()),
        "worker_peak_rss_mb": max((v[0] for v in mem.values()), default=float("nan")),
        "worker_uss_mb": max((v[1] for v in mem.values() if v[1] is not None), default=None),
    }


# ============================================================================================ sections
def bench_load(repeat: int) -> dict[str, Any]:
    """Cold scenario load (read, JSON, structure, checks, hash) and GameMap precompute, Shusha and 200×200."""
    out: dict[str, Any] = {}

    def load_only() -> None:
        load_scenario(SCENARIO)

    scen = load_scenario(SCENARIO)

    def precompute() -> None:
        clear_map_caches()
        mapdata.GameMap(scen)

    def load_cold() -> None:
        clear_map_caches()
        mapdata.game_map(load_scenario(SCENARIO))

    load_cold()  # imports, first-use costs
    out["shusha_load_ms"] = med(timeit(load_only, repeat))
    out["shusha_precompute_ms"] = med(timeit(precompute, repeat))
    out["shusha_load_and_precompute_ms"] = med(timeit(load_cold, repeat))
    cpu = []
    for _ in range(repeat):
        c = time.process_time()
        load_cold()
        cpu.append((time.process_time() - c) * 1000)
    out["shusha_load_and_precompute_cpu_ms"] = med(cpu)
    doc = make_scenario(200, 200, 160)
    s200 = scenario_from_dict(doc)
    out["synthetic_200x200_from_dict_ms"] = med(timeit(lambda: scenario_from_dict(doc), max(2, repeat // 3)))
    out["synthetic_200x200_precompute_ms"] = med(timeit(lambda: mapdata.GameMap(s200), max(2, repeat // 3)))
    clear_map_caches()
    return out


def steady_state(scen: Any, before: int, games: int, repeat: int = 1) -> dict[str, Any]:
    """ms/game of `games` new seeds played after `before` other games in this process: what a worker of a
    long batch spends per game once the map's memos (odds, distance fields, viewsheds) hold what games on
    this map meet. The default figures time a worker's first games, which fill them. Each seed is played
    `repeat` times from the same memos and its fastest play kept, as in `game_stats`."""
    clear_map_caches()
    for s in range(10_001, 10_001 + before):
        play_game(scen, s)
    settle_long_lived_objects()
    return {"games_before": before,
            **game_stats(scen, list(range(20_001, 20_001 + games)), warm=False, repeat=repeat)}


def bench_shusha(games: int, workers: int, repeat: int = 1, batch_games: int = 0) -> dict[str, Any]:
    scen = load_scenario(SCENARIO)
    seeds = list(range(1, games + 1))
    out = game_stats(scen, seeds, repeat=repeat)
    tracemalloc.start()
    play_game(scen, 12345)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["tracemalloc_peak_per_game_mb"] = peak / 1e6
    if batch_games:
        out["steady_state"] = steady_state(scen, batch_games // 2, games, repeat)
    if workers > 1:
        out["parallel"] = parallel_games("file", str(SCENARIO), seeds, workers)
        if batch_games:  # a longer batch: each worker's first games, which fill the memos, weigh less
            out["parallel_batch"] = parallel_games("file", str(SCENARIO), list(range(1, batch_games + 1)), workers)
            # and a long batch's steady state: workers that have played as many games as `steady_state`'s
            out["parallel_steady"] = parallel_games("file", str(SCENARIO), list(range(20_001, 20_001 + batch_games)),
                                                    workers, warm_games=batch_games // 2)
    if batch_games:
        out.update(batch_rates(batch_games, workers))
    return out


def batch_rates(games: int, workers: int, run: Callable[[int, int], dict[str, Any]] | None = None
                ) -> dict[str, Any]:
    """`wargame batch` of `games` games and, for its fixed cost, of one game a worker (its imports, the workers'
    first, cold games, writing the results, exiting: about 1.5-2.5 s here, session 37); the long batch's rate less
    that cost is the games' own rate, the one a longer batch tends to."""
    run = run or batch_command
    whole = run(games, workers)
    fixed = run(workers, workers)
    if "wall_s" in fixed and "wall_s" in whole and whole["wall_s"] > fixed["wall_s"]:
        whole["games_per_s_less_fixed"] = (games - workers) / (whole["wall_s"] - fixed["wall_s"])
    return {"wargame_batch": whole, "wargame_batch_fixed": fixed}


def batch_command(games: int, workers: int) -> dict[str, Any]:
    """`wargame batch` as an analyst runs it, timed from the command's start to its exit: the process and its
    workers starting, the games, each game's results row, the Parquet parts and the combined file. The pool
    figures above time the games alone (`parallel_games`); this is the rate a batch of Shusha games comes at."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench_batch_") as d:
        cmd = [sys.executable, "-c", "import sys; from engine.entry import main; sys.argv[0] = 'wargame'; main()",
               "batch", str(SCENARIO), "--games", str(games), "--workers", str(workers), "--seed", "1",
               "--out", str(Path(d) / "r.parquet"), "--quiet"]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]}
    return {"workers": workers, "games": games, "wall_s": round(wall, 2), "games_per_s": games / wall}


def bench_atlatl_size(games: int, workers: int, repeat: int = 1) -> dict[str, Any]:
    """Our engine on a synthetic map the size of Atlatl's test4.scn: 10×10 hexes, 17 units, 10 turns."""
    spec = (10, 10, 17, 10)
    scen = scenario_from_dict(make_scenario(*spec))
    out = game_stats(scen, list(range(1, games + 1)), repeat=repeat)
    out["spec"] = {"cols": 10, "rows": 10, "units": 17, "turns": 10}
    if workers > 1:
        out["parallel"] = parallel_games("synthetic", spec, list(range(1, games + 1)), workers)
    return out


def bench_scaling(series: dict[str, list[tuple[int, int, int]]], seeds: int, turns: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    done: dict[tuple[int, int, int], dict[str, Any]] = {}
    for name, specs in series.items():
        rows = []
        for cols, rws, units in specs:
            key = (cols, rws, units)
            if key not in done:
                doc = make_scenario(cols, rws, units, turns=turns)
                t = time.perf_counter()
                scen = scenario_from_dict(doc)
                t_load = (time.perf_counter() - t) * 1000
                t = time.perf_counter()
                mapdata.game_map(scen)
                t_map = (time.perf_counter() - t) * 1000
                g = game_stats(scen, list(range(1, seeds + 1)), repeat=2)
                done[key] = {"cols": cols, "rows": rws, "hexes": cols * rws, "units": units, "load_ms": t_load,
                             "precompute_ms": t_map, **{k: g[k] for k in (
                                 "first_game_ms_cold_caches", "game_ms_median", "turns_mean", "ms_per_turn_median",
                                 "cpu_ms_per_turn_median", "ms_per_unit_turn", "orders_per_game_mean")}}
                clear_map_caches()
            rows.append(done[key])
        out[name] = rows
    for name, xkey in (("units_fixed_map", "units"), ("map_fixed_units", "hexes"), ("proportional", "hexes")):
        rows = out.get(name) or []
        if len(rows) >= 2:
            x = np.log([r[xkey] for r in rows])
            for ykey, tag in (("ms_per_turn_median", ""), ("cpu_ms_per_turn_median", "_cpu")):
                y = np.log([r[ykey] for r in rows])
                out[f"{name}_loglog_slope{tag}_vs_{xkey}"] = float(np.polyfit(x, y, 1)[0])
    return out


def use_view(v: Any) -> None:
    """What an AI reads from a SideView when it plans (views may build these lazily)."""
    _ = (v.own, v.contacts, v.visible, v.control)


def bench_micro(repeat: int) -> dict[str, Any]:
    scen = load_scenario(SCENARIO)
    st = new_game(scen, 1)
    gmap = st.map
    sf, tank = st.unit("az_sf_1"), st.unit("az_tank_1")
    out: dict[str, Any] = {}
    for name, u in (("sf", sf), ("tank", tank)):
        out[f"pathfinding_reachable_{name}_ms"] = med(timeit(lambda u=u: reachable(st, u), repeat,
                                                             setup=lambda: fresh(st, REACH)))
    obj = tuple(sorted(gmap.idx(h) for h in scen.objectives[0].hexes))
    out["distance_field_uncached_ms"] = med(timeit(
        lambda: distance_field(gmap, "tracked", obj), max(5, repeat // 10),
        setup=lambda: (clear_cache(gmap, "_dist_cache"), clear_cache(gmap, "_field_cache"))))
    for r in (3, 8):
        out[f"viewshed_r{r}_uncached_ms"] = med(timeit(
            lambda r=r: gmap.viewshed(sf.idx, r), repeat, setup=lambda: clear_cache(gmap, "_viewshed_cache")))
    out["viewshed_r3_cached_ms"] = med(timeit(lambda: gmap.viewshed(sf.idx, 3), repeat))
    out["visible_hexes_side_ms"] = med(timeit(lambda: visible_hexes(st, 0), repeat, setup=lambda: fresh(st)))
    out["observe_sideview_ms"] = med(timeit(lambda: use_view(observe(st, 0)), repeat, setup=lambda: fresh(st)))
    out["supply_field_side_ms"] = med(timeit(lambda: supply_field(st, 0), max(10, repeat // 5)))
    # legal-order generation in each phase of the attacker's first turn
    lo = st.copy()
    for phase in ("air", "artillery", "movement", "assault"):
        if lo.phase != phase:
            break
        out[f"legal_orders_{phase}_ms"] = med(timeit(lambda lo=lo: legal_orders(lo), max(5, repeat // 10),
                                                     setup=lambda lo=lo: fresh(lo)))
        apply(lo, EndPhase(SIDES[lo.side]))
    # one combat resolution: odds + dice, on a copy (resolution draws from the game's generator)
    cs = st.copy()
    a, d = cs.unit("az_sf_1"), cs.unit("arm_inf_3")
    out["fire_odds_ms"] = med(timeit(lambda: combat.fire_odds(cs, a, d, "assault"), repeat * 2))
    out["combat_resolve_ms"] = med(timeit(lambda: combat.resolve(cs, combat.fire_odds(cs, a, d, "assault")),
                                          repeat * 2))
    # map-size independence of per-unit work: the same queries on a 200×200 synthetic map
    big = scenario_from_dict(make_scenario(200, 200, 160))
    bst = new_game(big, 1)
    bu = next(u for u in bst.units if u.type == "special_forces")
    out["pathfinding_reachable_sf_200x200_ms"] = med(timeit(lambda: reachable(bst, bu), repeat,
                                                            setup=lambda: fresh(bst, REACH)))
    out["observe_sideview_200x200_ms"] = med(timeit(lambda: use_view(observe(bst, 0)), max(10, repeat // 5),
                                                    setup=lambda: fresh(bst)))
    bobj = tuple(sorted(bst.map.idx(h) for h in big.objectives[0].hexes))
    out["distance_field_uncached_200x200_ms"] = med(timeit(
        lambda: distance_field(bst.map, "tracked", bobj), 3,
        setup=lambda: (clear_cache(bst.map, "_dist_cache"), clear_cache(bst.map, "_field_cache"))))
    clear_map_caches()
    return out


def _atlatl_timer(checkout: Path, python: str) -> Callable[[int], tuple[float, float]] | str:
    """A function timing `games` Atlatl games: (wall ms, CPU ms) per game, of the stock server.py, N+1 games
    minus 1 game, so start-up is excluded; or why it cannot run. The CPU time is the child process's
    (user + system, from `getrusage`): what the VM's stolen time does not inflate."""
    server = checkout / "server"
    if not (server / "server.py").exists():
        return f"{server / 'server.py'} not found"
    cmd = [python, "server.py", "test4.scn", "--blueAI", "pass-agg", "--redAI", "pass-agg", "--nReps"]

    def child_cpu() -> float:
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    def run(n: int) -> tuple[float, float]:
        c = child_cpu()
        t = time.perf_counter()
        r = subprocess.run([*cmd, str(n)], cwd=server, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}")
        return time.perf_counter() - t, child_cpu() - c

    def game_ms(games: int) -> tuple[float, float]:
        (w_long, c_long), (w_short, c_short) = run(games + 1), run(1)
        return (w_long - w_short) / games * 1000, (c_long - c_short) / games * 1000

    return game_ms


def bench_atlatl_live(checkout: Path, python: str, games: int) -> dict[str, Any]:
    """Time the user's own Atlatl checkout: stock server.py, N+1 games minus 1 game (startup excluded)."""
    game_ms = _atlatl_timer(checkout, python)
    if isinstance(game_ms, str):
        return {"error": game_ms}
    try:
        per_game = [game_ms(games) for _ in range(3)]
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        return {"error": f"atlatl run failed: {e}"}
    ms = med([w for w, _ in per_game])
    return {"game_ms_median": ms, "game_cpu_ms_median": med([c for _, c in per_game]),
            "games_per_s_one_core": 1000 / ms, "ms_per_turn": ms / 10,
            "ms_per_unit_turn": ms / 10 / 17, "games": games, "repeats": 3, "python": python,
            "how": "stock server.py --nReps N+1 minus --nReps 1"}


def bench_atlatl_interleaved(checkout: Path, python: str, seeds: list[int], atlatl_games: int, rounds: int,
                             shusha_games: int = 10) -> dict[str, Any]:
    """Ours and Atlatl timed in alternating rounds, a ratio per round.

    The VM's speed drifts by up to 2× within minutes, so an Atlatl timing taken a minute apart from ours
    can swing the ratio by as much. Here each round plays our 10×10 games once per seed, new seeds each round,
    and then times Atlatl (N+1 games minus 1 game); the ratio is taken within the round. Both sides are
    means per unit-turn (all the games' time over all their unit-turns: Atlatl's N+1 − 1 games is a mean),
    by wall time and by CPU time (the processes' own user + system time, which the VM's stolen time does not
    inflate). Each round also plays `shusha_games` new Shusha games, so that Shusha's time is paired with
    Atlatl's as well (for `at_reference_speed`)."""
    game_ms = _atlatl_timer(checkout, python)
    if isinstance(game_ms, str):
        return {"error": game_ms}
    scen = scenario_from_dict(make_scenario(10, 10, 17, 10))
    play_game(scen, 0)  # warm, as in game_stats
    shusha = load_scenario(SCENARIO) if shusha_games else None
    if shusha is not None:
        play_game(shusha, 0)
    per_unit_turn = ATLATL_REFERENCE["turns"] * ATLATL_REFERENCE["units"]
    out_rounds = []
    try:
        for r in range(rounds):
            wall = cpu = 0.0
            turns = 0
            for s in seeds:  # seeds no earlier round played: new games, as in a batch (see play_fresh_repeats)
                ms, cpu_ms, t, _orders = play_timed(scen, s + 100_000 * (r + 1))
                wall, cpu, turns = wall + ms, cpu + cpu_ms, turns + t
            ours, ours_cpu = wall / turns / n_units(scen), cpu / turns / n_units(scen)
            shusha_ms = [play_timed(shusha, 500_000 + 100 * r + g)[0] for g in range(shusha_games)] if shusha else []
            a_wall, a_cpu = game_ms(atlatl_games)
            atlatl, atlatl_cpu = a_wall / per_unit_turn, a_cpu / per_unit_turn
            out_rounds.append({"ours_ms_per_unit_turn": ours, "atlatl_ms_per_unit_turn": atlatl,
                               "ratio": ours / atlatl, "ours_cpu_ms_per_unit_turn": ours_cpu,
                               "atlatl_cpu_ms_per_unit_turn": atlatl_cpu, "cpu_ratio": ours_cpu / atlatl_cpu})
            if shusha_ms:  # Shusha's game (mean of the round's games) over Atlatl's
                out_rounds[-1]["shusha_game_ms"] = sum(shusha_ms) / len(shusha_ms)
                out_rounds[-1]["shusha_over_atlatl_game"] = out_rounds[-1]["shusha_game_ms"] / a_wall
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        return {"error": f"atlatl run failed: {e}"}
    ratios = [r["ratio"] for r in out_rounds]
    cpu_ratios = [r["cpu_ratio"] for r in out_rounds]
    return {"rounds": out_rounds, "ratio_median": med(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "cpu_ratio_median": med(cpu_ratios), "cpu_ratio_min": min(cpu_ratios),
            "cpu_ratio_max": max(cpu_ratios),
            "how": f"{rounds} alternating rounds: {len(seeds)} new seeds of ours once each and {shusha_games} new "
                   f"Shusha games, then Atlatl --nReps {atlatl_games + 1} minus --nReps 1; means per unit-turn"}


_FRESH_PROCESS = r"""
import json, os, resource, statistics, sys, time
def hwm():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
sys.path[:0] = [{root!r}, {bench!r}]
from engine import kernels
from engine.game import play_game
from engine.scenario import load_scenario, scenario_from_dict
from synthetic import make_scenario
t1 = time.perf_counter()
shusha = load_scenario({scenario!r})
play_game(shusha, 0)
t2 = time.perf_counter()
small = scenario_from_dict(make_scenario(10, 10, 17, turns=10))
play_game(small, 0)
def med(scen, seeds):
    out = []
    for s in seeds:
        c = time.process_time(); t = time.perf_counter(); play_game(scen, s)
        out.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    return statistics.median(x[0] for x in out), statistics.median(x[1] for x in out)
sh, sh_cpu = med(shusha, range(1, {games} + 1))
sm, sm_cpu = med(small, range(1, 3 * {games} + 1))
print(json.dumps({{"jit": kernels.JIT, "import_ms": (t1 - t0) * 1000, "first_shusha_game_ms": (t2 - t1) * 1000,
                  "shusha_game_ms_median": sh, "shusha_game_cpu_ms_median": sh_cpu,
                  "small_game_ms_median": sm, "small_game_cpu_ms_median": sm_cpu,
                  "peak_rss_mb": hwm()}}))
"""


def bench_jit(games: int) -> dict[str, Any]:
    """What the compiled searches (numba) buy and cost: the same measurements in a fresh process with the
    kernels and with WARGAME_NO_JIT=1 (the pure-Python reference searches; identical game logs)."""
    out: dict[str, Any] = {}
    try:
        import numba

        out["numba"] = numba.__version__
    except ImportError:
        out["numba"] = None
    code = _FRESH_PROCESS.format(root=str(ROOT), bench=str(BENCH), scenario=str(SCENARIO), games=games)
    for name, extra in (("jit", {"WARGAME_NO_JIT": ""}), ("no_jit", {"WARGAME_NO_JIT": "1"})):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, **extra}, timeout=1800)
        if proc.returncode != 0:
            out[name] = {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
            continue
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    j, p = out.get("jit", {}), out.get("no_jit", {})
    if "shusha_game_ms_median" in j and "shusha_game_ms_median" in p:
        out["shusha_speedup_from_jit"] = p["shusha_game_ms_median"] / j["shusha_game_ms_median"]
        out["small_speedup_from_jit"] = p["small_game_ms_median"] / j["small_game_ms_median"]
        out["extra_rss_mb_with_jit"] = j["peak_rss_mb"] - p["peak_rss_mb"]
        out["extra_startup_ms_with_jit"] = (j["import_ms"] + j["first_shusha_game_ms"]
                                            - p["import_ms"] - p["first_shusha_game_ms"])
    return out


def bench_profile(top: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cases = {"shusha": lambda: load_scenario(SCENARIO), "synthetic_200x200_160u":
             lambda: scenario_from_dict(make_scenario(200, 200, 160))}
    for name, mk in cases.items():
        scen = mk()
        play_game(scen, 0)  # warm caches: profile the steady state a batch worker sees
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        play_game(scen, 1)
        prof.disable()
        wall = (time.perf_counter() - t) * 1000
        stats = pstats.Stats(prof)
        total = stats.total_tt
        rows = []
        for (file, line, fn), (_cc, nc, tt, ct, _) in stats.stats.items():
            rows.append({"function": f"{Path(file).parent.name}/{Path(file).name}:{line}({fn})", "calls": nc,
                         "tottime_ms": tt * 1000, "cumtime_ms": ct * 1000, "tottime_pct": 100 * tt / total,
                         "cumtime_pct": 100 * ct / total})
        by_tt = sorted(rows, key=lambda r: -r["tottime_ms"])[:top]
        by_ct = sorted((r for r in rows if "/engine/" in r["function"] or r["function"].startswith(("engine/", "ai/"))),
                       key=lambda r: -r["cumtime_ms"])[:top]
        out[name] = {"wall_ms_under_profiler": wall, "profiled_total_ms": total * 1000, "by_tottime": by_tt,
                     "engine_by_cumtime": by_ct}
        clear_map_caches()
    return out


# ============================================================================================ report
def fmt(v: Any) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
    return str(v)


def targets_table(res: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []

    def add(name: str, measured: float | None, target: float, unit: str, cpu: float | None = None,
            at_least: bool = False) -> None:
        def met(x: float) -> bool:
            return x >= target if at_least else x <= target

        missing = measured is None or math.isnan(measured)
        status = "n/a" if missing else "PASS" if met(measured) else "MISS"
        status_cpu = None if cpu is None else "PASS" if met(cpu) else "MISS"
        rows.append({"target": name, "measured": measured, "limit": target, "unit": unit, "status": status,
                     "measured_cpu": cpu, "status_cpu": status_cpu, "at_least": at_least})

    sh = res.get("shusha") or {}
    add("full Shusha game, median, one core", sh.get("game_ms_median"), TARGETS["shusha_game_ms_median"], "ms",
        sh.get("game_cpu_ms_median"))
    steady = sh.get("steady_state") or {}
    if steady:
        add(f"  the same after {steady['games_before']} other games", steady.get("game_ms_median"),
            TARGETS["shusha_game_ms_median"], "ms", steady.get("game_cpu_ms_median"))
    at = res.get("atlatl_size") or {}
    add("10×10, 17 units, 10 turns game, median", at.get("game_ms_median"),
        TARGETS["atlatl_size_game_ms_median"], "ms", at.get("game_cpu_ms_median"))
    prop = {r["hexes"]: r for r in (res.get("scaling") or {}).get("proportional", [])}
    ratio = cpu_ratio = None
    if 40000 in prop and 2500 in prop:
        ratio = prop[40000]["ms_per_turn_median"] / prop[2500]["ms_per_turn_median"]
        cpu_ratio = prop[40000]["cpu_ms_per_turn_median"] / prop[2500]["cpu_ms_per_turn_median"]
    add("200×200 turn / 50×50 turn (units ∝ side)", ratio, TARGETS["turn_ratio_200_vs_50"], "×", cpu_ratio)
    ld = res.get("load") or {}
    add("Shusha scenario load + GameMap precompute", ld.get("shusha_load_and_precompute_ms"),
        TARGETS["scenario_load_and_precompute_ms"], "ms", ld.get("shusha_load_and_precompute_cpu_ms"))
    par = sh.get("parallel") or {}
    add(f"full Shusha games/s, {par.get('workers', '?')} workers", par.get("games_per_s_all_cores"),
        TARGETS["shusha_games_per_s_all_workers"], "/s", at_least=True)
    batch = sh.get("parallel_batch") or {}
    if batch:
        add(f"  the same over a {batch.get('games')}-game batch",
            batch.get("games_per_s_all_cores"), TARGETS["shusha_games_per_s_all_workers"], "/s", at_least=True)
    psteady = sh.get("parallel_steady") or {}
    if psteady:
        add(f"  the same after {psteady.get('warm_games_per_worker')} games per worker",
            psteady.get("games_per_s_all_cores"), TARGETS["shusha_games_per_s_all_workers"], "/s", at_least=True)
    wb = sh.get("wargame_batch") or {}
    if "games_per_s" in wb:
        add(f"  `wargame batch` of {wb.get('games')} games, start to exit", wb["games_per_s"],
            TARGETS["shusha_games_per_s_all_workers"], "/s", at_least=True)
    il = (res.get("comparison") or {}).get("interleaved") or {}
    add("ours ÷ Atlatl per unit-turn, interleaved median", il.get("ratio_median"),
        TARGETS["per_unit_turn_ratio_ours_over_atlatl"], "×", il.get("cpu_ratio_median"))
    return rows


def at_reference_speed(res: dict[str, Any]) -> dict[str, Any] | None:
    """The one-core game times as they would read on the machine where issue #6's targets were set, where
    Atlatl played 27 games/s: ours ÷ Atlatl, taken within each interleaved round, times Atlatl's game there.
    An estimate, not a measurement. It assumes that two interpreter-bound Python programs speed up alike from
    one machine to the other; on this VM their speeds move together (the rounds' ratios spread far less than
    either program's time). Only figures timed in the same rounds as Atlatl are given. The targets table
    reports only what was measured here."""
    il = (res.get("comparison") or {}).get("interleaved") or {}
    rounds = il.get("rounds") or []
    at = res.get("atlatl_size") or {}
    if not rounds:
        return None
    there = 1000 / ATLATL_REFERENCE["ceo_reported"]["games_per_s_one_core"]  # Atlatl's game there, ms
    atlatl_unit_turns = ATLATL_REFERENCE["turns"] * ATLATL_REFERENCE["units"]
    out: dict[str, Any] = {"atlatl_game_ms_there": there, "rounds": len(rounds),
                           "atlatl_game_ms_here_median": med([r["atlatl_ms_per_unit_turn"] for r in rounds])
                           * atlatl_unit_turns}
    if at.get("ms_per_unit_turn"):
        unit_turns = at["game_ms_median"] / at["ms_per_unit_turn"]  # in one of our 10×10 games
        out["atlatl_size_game_ms"] = med([r["ratio"] for r in rounds]) * unit_turns * there / atlatl_unit_turns
    paired = [r["shusha_over_atlatl_game"] for r in rounds if "shusha_over_atlatl_game" in r]
    if paired:
        out["shusha_game_ms"] = med(paired) * there
    return out


def print_report(res: dict[str, Any]) -> None:
    def section(title: str) -> None:
        print(f"\n== {title}")

    def kv(d: dict[str, Any], keys: list[str] | None = None, prefix: str = "") -> None:
        for k in keys or list(d):
            if k in d and not isinstance(d[k], dict | list):
                print(f"  {prefix + k:<48} {fmt(d[k]):>14}")

    env = res["env"]
    print(f"engine {env['engine_version']} @ {env['git']} | Python {env['python']} numpy {env['numpy']} | "
          f"{env['cpu']} ×{env['cpus']} | load {env['load_before']} → {env['load_after']}")
    print(f"interpreter: {env.get('python_build', '?')}")
    if "load" in res:
        section("scenario load + precompute (ms, cold)")
        kv(res["load"])
    if "shusha" in res:
        section(f"full Shusha game, doctrine vs doctrine (49×45 hexes, {res['shusha']['units']} units, ≤26 turns)")
        kv(res["shusha"])
        if "parallel" in res["shusha"]:
            kv(res["shusha"]["parallel"], prefix="parallel.")
        for part in ("steady_state", "parallel_batch", "parallel_steady", "wargame_batch", "wargame_batch_fixed"):
            if part in res["shusha"]:
                kv(res["shusha"][part], prefix=f"{part}.")
    if "atlatl_size" in res:
        section("Atlatl-sized game: synthetic 10×10, 17 units, 10 turns, doctrine vs doctrine")
        kv(res["atlatl_size"])
        if "parallel" in res["atlatl_size"]:
            kv(res["atlatl_size"]["parallel"], prefix="parallel.")
    if "comparison" in res:
        section("ours vs Atlatl (test4.scn, pass-agg vs pass-agg), same size: 100 hexes, 17 units, 10 turns")
        c = res["comparison"]
        print(f"  {'':<20}{'ms/game':>12}{'CPU ms/game':>13}{'games/s':>12}{'ms/turn':>12}{'ms/unit-turn':>14}")
        for name, d in c.items():
            if isinstance(d, dict) and "game_ms_median" in d:
                print(f"  {name:<20}{fmt(d['game_ms_median']):>12}{fmt(d.get('game_cpu_ms_median', 'n/a')):>13}"
                      f"{fmt(d['games_per_s_one_core']):>12}{fmt(d['ms_per_turn']):>12}{fmt(d['ms_per_unit_turn']):>14}")
            elif isinstance(d, dict) and "error" in d:
                print(f"  {name:<20}{d['error']}")
        for k, v in c.items():
            if not isinstance(v, dict):
                print(f"  {k}: {fmt(v)}")
        il = c.get("interleaved")
        if il and "error" not in il:  # an error is listed with the other rows above
            print(f"  interleaved ({il['how']}): ours ÷ Atlatl per unit-turn, by round: "
                  + ", ".join(f"{r['ratio']:.3f}" for r in il["rounds"]))
            print(f"  interleaved_ratio_median: {fmt(il['ratio_median'])} (range {fmt(il['ratio_min'])}–"
                  f"{fmt(il['ratio_max'])}; the issue asks for ≤ 0.1)")
            if "cpu_ratio_median" in il:
                print("  the same by CPU time, by round: " + ", ".join(f"{r['cpu_ratio']:.3f}" for r in il["rounds"]))
                print(f"  interleaved_cpu_ratio_median: {fmt(il['cpu_ratio_median'])} (range "
                      f"{fmt(il['cpu_ratio_min'])}–{fmt(il['cpu_ratio_max'])})")
    if "jit" in res:
        section("compiled searches (numba) vs pure Python, each in a fresh process (identical game logs)")
        j = res["jit"]
        print(f"  numba {j.get('numba')}")
        print(f"  {'':<10}{'import ms':>11}{'1st Shusha game ms':>20}{'Shusha ms/game':>16}{'CPU':>8}"
              f"{'10×10 ms/game':>15}{'CPU':>8}{'peak RSS MB':>13}")
        for name in ("jit", "no_jit"):
            d = j.get(name) or {}
            if "error" in d or not d:
                print(f"  {name:<10}{d.get('error', 'n/a')}")
                continue
            print(f"  {name:<10}{d['import_ms']:>11.0f}{d['first_shusha_game_ms']:>20.0f}"
                  f"{d['shusha_game_ms_median']:>16.1f}{d['shusha_game_cpu_ms_median']:>8.1f}"
                  f"{d['small_game_ms_median']:>15.2f}{d['small_game_cpu_ms_median']:>8.2f}{d['peak_rss_mb']:>13.0f}")
        kv(j, [k for k in j if k.startswith(("shusha_speedup", "small_speedup", "extra_"))])
    if "scaling" in res:
        section("scaling (ms per turn, warm caches; median over seeds)")
        sc = res["scaling"]
        for name, rows in sc.items():
            if not isinstance(rows, list):
                continue
            print(f"  {name}:")
            print(f"    {'map':>9}{'hexes':>8}{'units':>7}{'load ms':>9}{'map ms':>9}{'cold game':>11}"
                  f"{'ms/turn':>10}{'CPU ms/turn':>12}{'ms/unit-turn':>14}{'orders/game':>13}")
            for r in rows:
                print(f"    {r['cols']:>4}×{r['rows']:<4}{r['hexes']:>8}{r['units']:>7}{r['load_ms']:>9.1f}"
                      f"{r['precompute_ms']:>9.1f}{r['first_game_ms_cold_caches']:>11.1f}"
                      f"{r['ms_per_turn_median']:>10.2f}{r['cpu_ms_per_turn_median']:>12.2f}"
                      f"{r['ms_per_unit_turn']:>14.3f}{r['orders_per_game_mean']:>13.0f}")
        for k, v in sc.items():
            if not isinstance(v, list):
                print(f"  {k:<48} {fmt(v):>14}")
    if "micro" in res:
        section("micro-benchmarks (ms, median)")
        kv(res["micro"])
    if "memory" in res:
        section("memory")
        kv(res["memory"])
    if "profile" in res:
        for name, p in res["profile"].items():
            section(f"cProfile hotspots: {name} (one warm game: {p['wall_ms_under_profiler']:.0f} ms under profiler)")
            print(f"    {'tottime ms':>10} {'%':>5} {'cum ms':>9} {'calls':>8}  function")
            for r in p["by_tottime"]:
                print(f"    {r['tottime_ms']:>10.1f} {r['tottime_pct']:>5.1f} {r['cumtime_ms']:>9.1f} {r['calls']:>8}  "
                      f"{r['function']}")
            print("    engine functions by cumulative time:")
            for r in p["engine_by_cumtime"]:
                print(f"    {r['cumtime_ms']:>10.1f} {r['cumtime_pct']:>5.1f}% {r['calls']:>8}  {r['function']}")
    section("targets")
    for t in res["targets"]:
        digits = 3 if t["limit"] < 1 else 2  # a ratio to 0.1: 0.095 must not print as 0.09 or 0.10
        m = "n/a" if t["measured"] is None else f"{t['measured']:.{digits}f}"
        cpu = ("" if t.get("measured_cpu") is None
               else f"; by CPU time {t['measured_cpu']:.{digits}f}: {t['status_cpu']}")
        limit = f"{'≥' if t.get('at_least') else '≤'} {t['limit']:g} {t['unit']}"
        print(f"  {t['status']:<5} {t['target']:<46} {m:>10} {t['unit']:<2} (target {limit}{cpu})")
    ref = res.get("at_reference_speed")
    if ref:
        section("at the speed of the machine the targets were set on: an estimate, not a target result")
        print(f"  Atlatl's game: {ref['atlatl_game_ms_there']:.1f} ms there "
              f"({1000 / ref['atlatl_game_ms_there']:g} games/s, reported in issue #6), "
              f"{ref['atlatl_game_ms_here_median']:.1f} ms here (median of {ref['rounds']} interleaved rounds)")
        for key, name, limit in (("atlatl_size_game_ms", "10×10, 17 units, 10 turns game",
                                  "atlatl_size_game_ms_median"),
                                 ("shusha_game_ms", "full Shusha game, one core", "shusha_game_ms_median")):
            if key in ref:
                print(f"  ~     {name:<46} {ref[key]:>10.2f} ms (target ≤ {TARGETS[limit]:g} ms; ours ÷ Atlatl in "
                      "each round × Atlatl's game there)")


# ============================================================================================ main
def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="wargame engine benchmarks (issue #6)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smoke run: few games, small series")
    mode.add_argument("--full", action="store_true", help="more games and seeds, units ∝ area series")
    ap.add_argument("--games", type=int, help="Shusha and 10×10 games (default 50; quick 10; full 200)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for games/s on all cores")
    ap.add_argument("--repeat", type=int, help="plays of each Shusha / 10×10 seed, fastest kept (games are "
                                               "deterministic: the spread is machine noise; default 3, quick 1)")
    ap.add_argument("--only", help="comma list of sections: load,shusha,atlatl,jit,scaling,micro,profile")
    ap.add_argument("--profile", action="store_true", help="cProfile a Shusha and a 200×200 game")
    ap.add_argument("--top", type=int, default=20, help="hotspots to list per profile")
    ap.add_argument("--atlatl", type=Path, help="your Atlatl checkout: time test4.scn pass-agg vs pass-agg live")
    ap.add_argument("--atlatl-python", default="python", help="interpreter with Atlatl's dependencies")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    games = args.games or (10 if args.quick else 200 if args.full else 50)
    game_repeat = args.repeat or (1 if args.quick else 3)
    seeds = 1 if args.quick else 5 if args.full else 3
    repeat = 30 if args.quick else 200
    sections = set((args.only or "load,shusha,atlatl,jit,scaling,micro").split(","))
    if args.profile:
        sections.add("profile")
    t_start = time.perf_counter()
    res: dict[str, Any] = {"env": {
        "engine_version": ENGINE_VERSION, "git": git_rev(), "python": platform.python_version(),
        "python_build": python_build(),
        "numpy": np.__version__, "machine": platform.machine(), "cpu": cpu_model(), "cpus": os.cpu_count(),
        "load_before": loadavg(), "mode": "quick" if args.quick else "full" if args.full else "default",
        "jit": kernels.JIT,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }}
    if "load" in sections:
        res["load"] = bench_load(10 if args.quick else 20)
    if "shusha" in sections:
        res["shusha"] = bench_shusha(games, args.workers, game_repeat, 0 if args.quick else 400)
    if "atlatl" in sections:
        res["atlatl_size"] = ours = bench_atlatl_size(games, args.workers, game_repeat)
        comp: dict[str, Any] = {"ours (10×10 synth)": {k: ours[k] for k in (
            "game_ms_median", "game_cpu_ms_median", "games_per_s_one_core", "ms_per_turn", "ms_per_unit_turn")}}
        comp["atlatl (here)"] = ATLATL_REFERENCE["measured_here"]
        comp["atlatl (CEO)"] = {"game_ms_median": 1000 / ATLATL_REFERENCE["ceo_reported"]["games_per_s_one_core"],
                                **ATLATL_REFERENCE["ceo_reported"]}
        if args.atlatl:
            comp["atlatl (live)"] = bench_atlatl_live(args.atlatl.expanduser(), args.atlatl_python, 50)
        ref = comp.get("atlatl (live)") if "game_ms_median" in comp.get("atlatl (live)", {}) else comp["atlatl (here)"]
        comp["ms_per_unit_turn_ratio_ours_over_atlatl"] = ours["ms_per_unit_turn"] / ref["ms_per_unit_turn"]
        if "game_cpu_ms_median" in ref:
            ours_cpu_put = ours["game_cpu_ms_median"] / ours["turns_mean"] / ours["units"]
            comp["cpu_ms_per_unit_turn_ours"] = ours_cpu_put
            comp["cpu_ms_per_unit_turn_ratio_ours_over_atlatl"] = ours_cpu_put / (
                ref["game_cpu_ms_median"] / ATLATL_REFERENCE["turns"] / ATLATL_REFERENCE["units"])
        comp["atlatl_reference"] = ATLATL_REFERENCE["source"]
        if args.atlatl:
            comp["interleaved"] = bench_atlatl_interleaved(args.atlatl.expanduser(), args.atlatl_python,
                                                           list(range(1, games + 1)), 30, 3 if args.quick else 9)
        res["comparison"] = comp
    if "jit" in sections:
        res["jit"] = bench_jit(4 if args.quick else 10)
    if "scaling" in sections:
        sizes = [(25, 25), (50, 50), (100, 100), (200, 200)]
        series = {
            "proportional": [(c, r, max(10, c * 4 // 5)) for c, r in sizes],  # units ∝ map side (front width)
            "units_fixed_map": [(100, 100, u) for u in ((20, 40, 80) if args.quick else (20, 40, 80, 160))],
            "map_fixed_units": [(c, r, 40) for c, r in sizes],
        }
        if args.full:
            series["density_proportional"] = [(c, r, max(10, round(c * r * 39 / 2205))) for c, r in sizes]
            series["units_fixed_map"].append((100, 100, 320))
        res["scaling"] = bench_scaling(series, seeds, turns=6)
    if "micro" in sections:
        res["micro"] = bench_micro(repeat)
    if "profile" in sections:
        res["profile"] = bench_profile(args.top)
    mem: dict[str, Any] = {"main_process_peak_rss_mb": rss_mb(), "main_process_uss_mb": uss_mb()}
    if "shusha" in res:
        mem["tracemalloc_peak_per_shusha_game_mb"] = res["shusha"]["tracemalloc_peak_per_game_mb"]
        par = res["shusha"].get("parallel") or {}
        mem["shusha_worker_peak_rss_mb"] = par.get("worker_peak_rss_mb")
        mem["shusha_worker_uss_mb"] = par.get("worker_uss_mb")
    if "scaling" in sections and not args.quick:
        scen = scenario_from_dict(make_scenario(200, 200, 160))
        play_game(scen, 0)
        tracemalloc.start()
        play_game(scen, 1)
        mem["tracemalloc_peak_per_200x200_game_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        mem["main_process_peak_rss_mb"] = rss_mb()
        clear_map_caches()
    res["memory"] = mem
    res["env"]["load_after"] = loadavg()
    res["env"]["bench_wall_s"] = round(time.perf_counter() - t_start, 1)
    res["targets"] = targets_table(res)
    res["at_reference_speed"] = at_reference_speed(res)
    print_report(res)
    print(f"\n(total {res['env']['bench_wall_s']} s)")
    if not args.no_write:
        args.out.write_text(json.dumps(res, indent=2, default=str) + "\n")
        print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return res


if __name__ == "__main__":
    main()
