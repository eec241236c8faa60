"""Where and how a batch's games were played: a record of each `wargame batch` run of a results file, kept beside it
in `<results>.runs.json`. A cluster analyst found nothing in the outputs to say the games ran on Dask, on which
workers, with which `distributed`, or that the batch had been interrupted and resumed.

Not in the results' Parquet metadata (`engine.batch._schema_metadata`): its bytes stay the games' own, so a batch
run again, resumed, or played on a cluster writes the same results file. The record holds the wall-clock times of
each run, which no game reads."""

from __future__ import annotations

import json
import platform
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Any

from engine.fileio import atomic_write_text

RUNS_SUFFIX = ".runs.json"
"""The record's name: the results file's, with this added ("r.parquet" -> "r.parquet.runs.json")."""


def runs_path(results: str | Path) -> Path:
    """The record of the runs that wrote `results`."""
    p = Path(results)
    return p.with_name(p.name + RUNS_SUFFIX)


def read_runs(results: str | Path) -> list[dict[str, Any]]:
    """The runs recorded for `results`, oldest first; [] when there is no record (a batch of an older wargame) or it
    cannot be read."""
    try:
        doc = json.loads(runs_path(results).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    runs = doc.get("runs") if isinstance(doc, dict) else None
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def new_run(command: str, scheduler: str | None, workers: int | None, engine: tuple[str, ...]) -> dict[str, Any]:
    """The record of a run about to start: the command (the options that decide the games), where it plays
    (`scheduler`: None this machine's pool, "local" a Dask LocalCluster, else the address of a Dask scheduler;
    `workers`: the processes asked for here), the client's engine (`engine.batch.engine_identity()`), host, Python
    and when it started (UTC)."""
    run: dict[str, Any] = {
        "command": command, "scheduler": scheduler, "workers_asked": workers,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "client": {"host": socket.gethostname(), "python": platform.python_version(), "engine_version": engine[0],
                   "engine_code": engine[1] if len(engine) > 1 else None,
                   "numpy": engine[2] if len(engine) > 2 else None},
    }
    if scheduler:
        try:
            from importlib.metadata import version

            run["distributed"] = version("distributed")
        except Exception:  # (not installed: the batch itself says so)
            run["distributed"] = None
    return run


def dask_workers(run: dict[str, Any], hosts: dict[str, str], threads: int) -> None:
    """Note in `run` the Dask workers the batch found before the games: how many, their threads, on which hosts."""
    run["dask_workers"] = {"count": len(hosts), "threads": threads, "hosts": dict(sorted(Counter(hosts.values())
                                                                                          .items()))}


def worker_change(run: dict[str, Any], text: str) -> None:
    """Note a worker that left or joined during the games (the batch's own line, as the terminal showed it)."""
    run.setdefault("worker_changes", []).append(text)


def finish(run: dict[str, Any], outcome: str, played: int, resumed: int, total: int, elapsed_s: float,
           why: str | None = None) -> dict[str, Any]:
    """`run` ended: "complete" or "stopped" (`why`: the batch's words), with the games played in it, those found
    finished from an earlier run (`resumed`) and the batch's total."""
    run.update(outcome=outcome, games_played=played, games_resumed=resumed, games_total=total,
               elapsed_s=round(elapsed_s, 1), ended_utc=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    if why:
        run["why"] = why
    return run


def add_run(results: str | Path, run: dict[str, Any], fresh: bool) -> None:
    """Append `run` to the record of `results` (written whole or not at all); `fresh`: a new batch (not a
    `--resume`), whose record starts with it."""
    runs = [] if fresh else read_runs(results)
    runs.append(run)
    atomic_write_text(runs_path(results), json.dumps({"results": Path(results).name, "runs": runs}, indent=1,
                                                     sort_keys=True) + "\n")


def where_words(run: dict[str, Any]) -> str:
    """Where a run played: "on Dask scheduler tcp://h:8786 (2 workers, 2 threads, on vm; distributed 2025.1.0)",
    "on a Dask LocalCluster of 2 workers on vm", "in 2 processes on vm", "in one process on vm"."""
    host = (run.get("client") or {}).get("host") or "?"
    sched, asked = run.get("scheduler"), run.get("workers_asked")
    if sched and sched != "local":
        w = run.get("dask_workers") or {}
        hosts = ", ".join(f"{h}" + (f" ×{n}" if n > 1 else "") for h, n in (w.get("hosts") or {}).items())
        dist = f"; distributed {run['distributed']}" if run.get("distributed") else ""
        n, t = w.get("count", "?"), w.get("threads", "?")
        return (f"on Dask scheduler {sched} ({n} worker{'' if n == 1 else 's'}, {t} thread{'' if t == 1 else 's'}"
                + (f", on {hosts}" if hosts else "") + f"{dist})")
    if sched == "local":
        return f"on a Dask LocalCluster of {asked or 'its default'} workers on {host}"
    if asked == 1:
        return f"in one process on {host}"
    return f"in {asked} processes on {host}" if asked else f"in a process per core on {host}"


def runs_words(runs: list[dict[str, Any]]) -> str:
    """The record in one sentence (no full stop): "played in 2 runs: 900 games on Dask scheduler ... (stopped: ...),
    then 100 on ..., resumed"; "" when there is none."""
    if not runs:
        return ""
    parts = []
    for k, r in enumerate(runs):
        played = r.get("games_played", "?")
        how = "" if r.get("outcome") == "complete" else f" (stopped: {r.get('why') or 'interrupted'})"
        churn = len(r.get("worker_changes") or [])
        moved = f"; {churn} worker{'s' if churn != 1 else ''} left or joined" if churn else ""
        parts.append(f"{'then ' if k else ''}{played} games {where_words(r)}, {r.get('started_utc', '?')}{moved}{how}")
    head = "played in one run: " if len(runs) == 1 else f"played in {len(runs)} runs (resumed): "
    return head + "; ".join(parts)
