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
    return _read(runs_path(results))


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


def _pending_path(results: str | Path) -> Path:
    """The record of an unfinished batch's runs, in its parts folder until it is finished (`--overwrite` discards
    it with the parts: `engine.batch.RUNS_PENDING`)."""
    from engine.batch import RUNS_PENDING, parts_dir

    return parts_dir(Path(results)) / RUNS_PENDING


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    runs = doc.get("runs") if isinstance(doc, dict) else None
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def _write(path: Path, results: str | Path, runs: list[dict[str, Any]]) -> None:
    atomic_write_text(path, json.dumps({"results": Path(results).name, "runs": runs}, indent=1, sort_keys=True)
                      + "\n")


def earlier_runs(results: str | Path, resume: bool) -> list[dict[str, Any]]:
    """The runs of the unfinished batch a `--resume` goes on with (kept in its parts folder); [] for a new batch or
    `--overwrite`, whose record starts afresh (a stale record of another batch is never carried on)."""
    return _read(_pending_path(results)) if resume else []


def record_stopped(results: str | Path, earlier: list[dict[str, Any]], run: dict[str, Any]) -> None:
    """A run that stopped with games saved: kept with the unfinished batch (its parts folder), not beside finished
    results it did not replace (a stopped `--overwrite` run stood in for the record of the results still there)."""
    path = _pending_path(results)
    if path.parent.is_dir():
        _write(path, results, [*earlier, run])
    elif Path(results).exists():  # (every game played and combined, a later step failed: the results are whole)
        _write(runs_path(results), results, [*earlier, run])


def record_finished(results: str | Path, earlier: list[dict[str, Any]], run: dict[str, Any] | None) -> None:
    """The batch is finished in `results`: its record beside it is the earlier runs of this batch and `run` (None:
    this run found it finished, after a run that stopped once every game was played), and the record kept with the
    unfinished batch goes (with its parts folder, when nothing else is left in it)."""
    runs = [*earlier, *([run] if run is not None else [])]
    if runs:
        _write(runs_path(results), results, runs)
    pending = _pending_path(results)
    folder = pending.parent
    others = folder.is_dir() and any(p.name != pending.name for p in folder.iterdir())
    if others and runs:  # (a stop at the CSV copy leaves the parts: a --resume then reads the runs from there)
        _write(pending, results, runs)
        return
    try:
        pending.unlink()
        folder.rmdir()
    except OSError:
        pass


def where_words(run: dict[str, Any]) -> str:
    """Where a run played, without hosts, addresses or times (a report is published; the record beside the results
    keeps them): "on a Dask cluster (2 workers, 2 threads; distributed 2025.1.0)", "on a Dask LocalCluster of 2
    workers", "in 2 processes", "in one process"."""
    sched, asked = run.get("scheduler"), run.get("workers_asked")
    if sched and sched != "local":
        w = run.get("dask_workers") or {}
        n, t = w.get("count", "?"), w.get("threads", "?")
        dist = f"; distributed {run['distributed']}" if run.get("distributed") else ""
        return f"on a Dask cluster ({n} worker{'' if n == 1 else 's'}, {t} thread{'' if t == 1 else 's'}{dist})"
    if sched == "local":
        return f"on a Dask LocalCluster of {asked or 'its default'} workers"
    if asked == 1:
        return "in one process"
    return f"in {asked} processes" if asked else "in a process per core"


def short_why(why: Any) -> str:
    """A stopped run's reason in a few words for a report, without the hosts, pids and paths the batch's own line
    names (the record keeps that line whole)."""
    text = str(why or "")
    for start, words in (("interrupted", "interrupted"), ("cannot write", "a file could not be written"),
                         ("disk full", "disk full")):
        if text.startswith(start):
            return words
    if "Dask" in text:
        return "the Dask cluster could not go on"
    return "an error" if text else "interrupted"


def runs_words(runs: list[dict[str, Any]]) -> str:
    """The record in one sentence for a report (no full stop): "played in 2 runs (resumed): 900 games on a Dask
    cluster (...) (stopped: interrupted); then 100 games on ..."; "" when there is none."""
    if not runs:
        return ""
    parts = []
    for k, r in enumerate(runs):
        played = r.get("games_played", "?")
        how = "" if r.get("outcome") == "complete" else f" (stopped: {short_why(r.get('why'))})"
        changes = r.get("worker_changes") or []
        out_ = sum(" cannot play this batch" in c for c in changes)
        churn = len(changes) - out_
        moved = (f"; {churn} worker{'s' if churn != 1 else ''} left or joined" if churn else "") + (
            f"; {out_} worker{'s' if out_ != 1 else ''} of another engine shut out" if out_ else "")
        parts.append(f"{'then ' if k else ''}{played} games {where_words(r)}{moved}{how}")
    head = "played in one run: " if len(runs) == 1 else f"played in {len(runs)} runs (resumed): "
    return head + "; ".join(parts)
