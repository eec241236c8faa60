"""A Dask batch ships each distinct scenario document to the cluster once (`engine.batch._submit_shared`), not with
every task: tasks are small, a worker parses each document once, and a worker killed with the only copy of a
document loses nothing (the document is a task Dask recomputes, not scattered data). Separate worker processes."""

from __future__ import annotations

import json
import os
import pickle
import signal
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import short_shusha_doc
from test_cluster_s24 import _scheduler, _start_worker, _stop

from engine import batch as B

pytest.importorskip("distributed")

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def doc() -> dict:
    return short_shusha_doc(4)


def spec(doc: dict, games: int = 3, ranges: tuple[int, ...] = (12, 16)) -> B.BatchSpec:
    """2 weather cells (one document) x len(ranges) supply ranges (one document each)."""
    return B.BatchSpec("small.json", doc, games, 11, sweeps=[("weather", ["historical", "clear"]),
                                                              ("set:sides.defender.supply_range", list(ranges))])


def read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def worker_path() -> str:
    """PYTHONPATH for our workers: this folder too (they unpickle `_kill_first_chunk` from this module)."""
    return os.pathsep.join(p for p in [str(TESTS), os.environ.get("PYTHONPATH", "")] if p)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two worker processes of their own."""
    from distributed import Client

    sched = _scheduler()
    procs = [_start_worker(sched.scheduler_address, tmp_path_factory.mktemp(f"w{i}")) for i in range(2)]
    try:
        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(2, timeout=30)
        yield sched.scheduler_address
    finally:
        _stop(procs)
        sched.close(timeout=10)


def test_each_document_is_shipped_once_and_tasks_are_small(doc, cluster, tmp_path, monkeypatch) -> None:
    """What the client submits: one document task (the builtin `dict`) per distinct document (2 here, for 4
    cells), and chunks whose arguments are a small fraction of the document (they were the whole document
    before); the rows and the logs are a local run's."""
    from distributed import Client, Future

    shipped: list[tuple[str, int, int]] = []  # (function, pickled bytes of the arguments, futures among them)
    real = Client.submit

    def record(self, fn, *args, **kw):
        plain = [a for a in args if not isinstance(a, Future)]
        shipped.append((getattr(fn, "__name__", ""), len(pickle.dumps(plain)), len(args) - len(plain)))
        return real(self, fn, *args, **kw)

    B.run_batch(spec(doc), tmp_path / "local.parquet", workers=1, chunk=1, logs_dir=str(tmp_path / "local_logs"))
    monkeypatch.setattr(Client, "submit", record)
    B.run_batch(spec(doc), tmp_path / "dask.parquet", scheduler=cluster, chunk=1, logs_dir=str(tmp_path / "logs"))
    monkeypatch.undo()
    assert read(tmp_path / "dask.parquet") == read(tmp_path / "local.parquet")
    logs = sorted(p.name for p in (tmp_path / "logs").glob("*.jsonl"))
    assert len(logs) == 12 and logs == sorted(p.name for p in (tmp_path / "local_logs").glob("*.jsonl"))
    for name in logs:
        assert (tmp_path / "logs" / name).read_bytes() == (tmp_path / "local_logs" / name).read_bytes()
    doc_bytes = len(pickle.dumps(doc))
    docs = [n for n, _, _ in shipped if n == "dict"]
    chunks = [(size, refs) for n, size, refs in shipped if n == "run_task"]
    assert len(docs) == 2, shipped
    assert len(chunks) == 12, shipped  # 4 cells x 3 games, chunk 1
    assert all(refs == 1 for _, refs in chunks), chunks  # each chunk refers to its document's task
    assert max(size for size, _ in chunks) < doc_bytes / 20, (chunks, doc_bytes)


def test_a_worker_parses_each_document_once(doc, cluster, tmp_path) -> None:
    """Many chunks of the same document on a worker: it is parsed once in that process (`_scenario_for`)."""
    from distributed import Client

    with Client(cluster, timeout="10s") as c:
        before = c.run(B.scenario_loads)
        B.run_batch(spec(doc, games=4, ranges=(13, 15)), tmp_path / "r.parquet", scheduler=cluster, chunk=1)
        after = c.run(B.scenario_loads)
    grew = {a: after[a] - before.get(a, 0) for a in after}
    assert len(grew) == 2 and all(n <= 2 for n in grew.values()), grew  # 16 chunks, 2 documents
    assert sum(grew.values()) >= 2, grew  # (each document parsed somewhere: the counter counts)


def _kill_first_chunk(task: B.Task, doc: dict | None = None) -> object:
    """In a Dask worker: SIGKILL this worker at its first chunk while the flag file of S25_KILL_FLAG exists (removed
    first: once), else play the chunk."""
    flag = os.environ.get("S25_KILL_FLAG")
    if flag and os.path.exists(flag):
        os.unlink(flag)
        os.kill(os.getpid(), signal.SIGKILL)
    return B.run_task(task, doc)


def test_the_only_worker_killed_with_the_document_loses_nothing(doc, tmp_path, monkeypatch) -> None:
    """The one worker, holding the only copy of the document, is killed at its first chunk; a worker that joins
    afterwards has the document computed again and plays every chunk: the rows are a local run's. (With the
    document scattered, `client.scatter`, it would be lost for good and the batch would fail.)"""
    from distributed import Client

    games = spec(doc, games=2, ranges=(14,))
    B.run_batch(games, tmp_path / "local.parquet", workers=1, chunk=1)
    flag = tmp_path / "kill.flag"
    flag.write_text("1")
    sched = _scheduler()
    monkeypatch.setenv("S25_KILL_FLAG", str(flag))
    first = _start_worker(sched.scheduler_address, tmp_path / "w1", worker_path())
    monkeypatch.delenv("S25_KILL_FLAG")
    procs = [first]
    try:
        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(1, timeout=30)

        def replace() -> None:  # a second worker, once the first is dead (nothing of the batch left on the cluster)
            first.wait(60)
            procs.append(_start_worker(sched.scheduler_address, tmp_path / "w2", worker_path()))

        th = threading.Thread(target=replace, daemon=True)
        th.start()
        monkeypatch.setattr(B, "run_task", _kill_first_chunk)
        B.run_batch(games, tmp_path / "dask.parquet", scheduler=sched.scheduler_address, chunk=1)
        th.join(5)
        assert not flag.exists() and first.returncode == -signal.SIGKILL, "the first worker was never killed"
        assert len(procs) == 2
        assert read(tmp_path / "dask.parquet") == read(tmp_path / "local.parquet")
    finally:
        _stop(procs)
        sched.close(timeout=10)


def test_documents_are_shared_by_content(doc) -> None:
    """Cells whose documents are equal (a weather sweep) share one document task; each chunk keeps its own cell's
    document for the rows the client saves."""

    class FakeClient:
        def __init__(self) -> None:
            self.calls: list[tuple[str, tuple]] = []

        def submit(self, fn, *args, **kw):
            self.calls.append((fn.__name__, args))
            return object()

    _, tasks, _ = B.plan(spec(doc, games=2, ranges=(10, 12, 14)), 1)
    fake = FakeClient()
    futs, shared = B._submit_shared(fake, tasks, expect=("x",))
    assert len(shared) == 3 and len(futs) == len(tasks) == 12
    docs = [args[0] for name, args in fake.calls if name == "dict"]
    assert sorted(d["sides"]["defender"]["supply_range"] for d in docs) == [10, 12, 14]
    sent = [args for name, args in fake.calls if name == "run_task"]
    assert all(args[0].doc is None and args[0].expect == ("x",) for args in sent)
    assert [t.doc for t in futs.values()] == [t.doc for t in tasks]


def test_resume_on_dask_submits_only_the_missing_chunks(doc, cluster, tmp_path, monkeypatch) -> None:
    """An interrupted Dask batch resumed on Dask: only the unfinished chunks are submitted (with the documents they
    need), and the rows are a local run's."""
    from distributed import Client

    games = spec(doc, games=2, ranges=(12, 18))
    B.run_batch(games, tmp_path / "local.parquet", workers=1, chunk=1)
    out = tmp_path / "dask.parquet"
    with pytest.raises(B.BatchAborted) as e:
        B.run_batch(games, out, scheduler=cluster, chunk=1, stop_after_chunks=3)
    done = e.value.done
    assert e.value.code == 130 and 3 <= done < 8, e.value.message
    names: list[str] = []
    real = Client.submit

    def record(self, fn, *args, **kw):
        names.append(getattr(fn, "__name__", ""))
        return real(self, fn, *args, **kw)

    monkeypatch.setattr(Client, "submit", record)
    res = B.run_batch(games, out, scheduler=cluster, chunk=1, resume=True)
    monkeypatch.undo()
    assert res.resumed_games == done
    assert names.count("run_task") == 8 - done and 1 <= names.count("dict") <= 2, names
    assert read(out) == read(tmp_path / "local.parquet")


def test_a_late_worker_of_another_engine_is_named_when_its_task_fails() -> None:
    """A worker of an older engine joining after the check before the games fails inside the task (its
    `run_task` takes no document); the batch stops naming that worker and what it runs, not with the task's
    error. The document's and the chunk's tasks are names an older engine can unpickle (a function of this
    engine's alone killed such a worker at unpickling, and the batch then said no worker had joined)."""
    mine = B.engine_identity()
    theirs = {"engine_version": "0.0.1", "engine_code": "x" * 12, "numpy": mine[2], "python_minor": mine[3],
              "host": "oldbox"}

    class FakeClient:
        scheduler = type("S", (), {"address": "tcp://10.0.0.1:8786"})()

        def run(self, fn, on_error="raise"):
            return {"tcp://10.0.0.2:4000": theirs}

        def nthreads(self):
            return {"tcp://10.0.0.2:4000": 1}

    with pytest.raises(B.BatchAborted) as e:
        B._refuse_mismatched_workers(FakeClient(), tuple(mine))
    assert "tcp://10.0.0.2:4000 on oldbox runs" in e.value.message and "0.0.1" in e.value.message
    B._refuse_mismatched_workers(FakeClient(), None)  # (no identity asked for: nothing to say)

    class GoneClient(FakeClient):
        def run(self, fn, on_error="raise"):
            raise OSError("Timed out trying to connect")

    B._refuse_mismatched_workers(GoneClient(), tuple(mine))  # (the scheduler lost: the task's own error says so)
    for fn in (dict, B.run_task):
        assert pickle.loads(pickle.dumps(fn)) is fn and fn.__module__ in ("builtins", "engine.batch")


def test_the_parse_cache_keeps_the_most_recently_used(doc, monkeypatch) -> None:
    """More documents than the cache holds, one used again and again: it stays parsed (the cache was emptied whole
    once full, so a sweep of many cells parsed its documents again and again)."""
    monkeypatch.setattr(B, "_SCEN_CACHE", {})
    size = B.SCENARIO_CACHE_SIZE

    def variant_doc(k: int) -> dict:
        d = json.loads(json.dumps(doc))
        d["sides"]["defender"]["supply_range"] = 10 + k
        return d

    hot = variant_doc(0)
    first = B._scenario_for(hot)
    loads = B.scenario_loads()
    for k in range(1, size + 5):
        B._scenario_for(variant_doc(k))
        assert B._scenario_for(hot) is first  # (used between every other: never the least recently used)
    assert B.scenario_loads() == loads + size + 4 and len(B._SCEN_CACHE) == size
