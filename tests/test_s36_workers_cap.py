"""`wargame batch --workers N` over the machine's cores is capped at one worker a core, and says so (a robustness test:
--workers 100000 forked one process per task of games, 1000 processes for 1000 games, ~120 MB each)."""

from __future__ import annotations

import concurrent.futures as cf
import os
from typing import Any

import pyarrow.parquet as pq
from conftest import TINY_PATH
from typer.testing import CliRunner

from engine.cli import app


def _batch(tmp_path: Any, monkeypatch: Any, workers: int, name: str) -> tuple[Any, list[int]]:
    started: list[int] = []

    class Recording(cf.ProcessPoolExecutor):
        def __init__(self, max_workers: int | None = None, **kw: Any) -> None:
            started.append(max_workers or 0)
            super().__init__(max_workers=max_workers, **kw)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    res = CliRunner().invoke(app, ["batch", str(TINY_PATH), "--games", "8", "--workers", str(workers),
                                   "--out", str(tmp_path / name), "-q"])
    return res, started


def test_workers_beyond_the_cores_are_capped_and_the_note_says_so(tmp_path: Any, monkeypatch: Any) -> None:
    res, started = _batch(tmp_path, monkeypatch, 100000, "big.parquet")
    assert res.exit_code == 0, res.output
    said = " ".join(res.stderr.split())
    assert "note: --workers 100000 on a 2-core machine: capped at 2" in said
    assert started == [2]
    res2, started2 = _batch(tmp_path, monkeypatch, 2, "two.parquet")
    assert res2.exit_code == 0 and started2 == [2] and "capped" not in res2.stderr
    a = pq.read_table(tmp_path / "big.parquet").drop(["run_options"])
    b = pq.read_table(tmp_path / "two.parquet").drop(["run_options"])
    assert a.equals(b)  # (the same games whatever the workers)
