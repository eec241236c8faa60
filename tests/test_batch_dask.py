"""`wargame batch` on Dask: clusters, workers with other code refused, documents shipped once, clean failures."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from conftest import short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app
from engine.cli_batch import resume_hint
from engine.rules import ENGINE_VERSION

# ---------------------------------------------------------------------------------------------------------------------
# `wargame batch --scheduler tcp://...` on a real Dask cluster: separate worker processes started elsewhere (their
# own working folder), checked before any game; bad addresses fail fast; event logs come back to the client.

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def doc() -> dict:
    return short_shusha_doc(6)


def spec(doc: dict, games: int = 4) -> B.BatchSpec:
    return B.BatchSpec("small.json", doc, games, 5, sweeps=[("weather", ["historical", "clear"])])


def read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def _scheduler():
    from distributed import LocalCluster

    return LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", scheduler_port=0,
                        dashboard_address=":0")


NO_ENGINE = """
import sys


class _NoEngine:  # a machine where this package is not installed
    def find_spec(self, name, path=None, target=None):
        if name == "engine" or name.startswith("engine."):
            raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, _NoEngine())
"""


def _start_worker(address: str, cwd: Path, pythonpath: str | None = None, preload: Path | None = None
                  ) -> subprocess.Popen:
    """A `dask worker` process of our own, started in `cwd` (not the client's folder)."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                             "--no-nanny", "--no-dashboard", "--local-directory", str(cwd),
                             *(["--preload", str(preload)] if preload else [])],
                            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and one worker process whose working folder is not the client's."""
    from distributed import Client

    wdir = tmp_path_factory.mktemp("worker_cwd")
    sched = _scheduler()
    proc = _start_worker(sched.scheduler_address, wdir)
    try:
        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(1, timeout=30)
        yield sched.scheduler_address, wdir
    finally:
        _stop([proc])
        sched.close(timeout=10)


def test_cluster_rows_equal_local_and_logs_come_back_to_the_client(doc, cluster, tmp_path, monkeypatch) -> None:
    """The same games whatever runs them; a relative --logs is the client's folder, never a worker's cwd; the
    chunk size follows the cluster's threads (not this machine's --workers); the batch says what it runs on."""
    address, wdir = cluster
    local = tmp_path / "local"
    local.mkdir()
    monkeypatch.chdir(local)
    B.run_batch(spec(doc), Path("r.parquet"), workers=1, logs_dir="logs")
    client_dir = tmp_path / "client"
    client_dir.mkdir()
    monkeypatch.chdir(client_dir)
    msgs, chunks = [], []
    B.run_batch(spec(doc), Path("r.parquet"), workers=8, scheduler=address, logs_dir="logs",
                on_message=msgs.append, on_progress=chunks.append)
    assert read(client_dir / "r.parquet") == read(local / "r.parquet")
    logs = sorted(p.name for p in (client_dir / "logs").glob("*.jsonl"))
    assert len(logs) == 8 and logs == sorted(p.name for p in (local / "logs").glob("*.jsonl"))
    for name in logs:
        assert (client_dir / "logs" / name).read_bytes() == (local / "logs" / name).read_bytes()
    assert not list(wdir.rglob("*.jsonl")), "a worker wrote event logs in its own folder"
    assert chunks == [2, 2, 2, 2], chunks  # 8 games on 1 thread: 4 tasks of 2 (not 8 of 1, sized for --workers 8)
    assert any(address in m and "1 worker" in m for m in msgs), msgs


def test_a_worker_that_missed_the_check_refuses_the_tasks(doc, cluster, tmp_path, monkeypatch) -> None:
    """A worker that joins after the check before the games (or restarts with other code) refuses each task."""
    address, _ = cluster
    monkeypatch.setattr(B, "_check_dask_workers", lambda *a: 1)
    real = B.engine_identity()
    monkeypatch.setattr(B, "engine_identity", lambda: ("0.0.9", "0" * 16, *real[2:]))  # (what the client expects)
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted) as e:
        B.run_batch(spec(doc), out, scheduler=address)
    assert f"runs engine {ENGINE_VERSION}, not 0.0.9" in e.value.message and "Dask task" not in e.value.message
    assert e.value.done == 0 and not out.exists()


def test_workers_with_another_engine_or_none_are_refused_before_any_game(doc, tmp_path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ROOT / "engine", other / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    rules = other / "engine" / "rules.py"
    rules.write_text(rules.read_text().replace(f'ENGINE_VERSION = "{ENGINE_VERSION}"', 'ENGINE_VERSION = "0.0.1"'))
    no_engine = tmp_path / "no_engine.py"
    no_engine.write_text(NO_ENGINE)
    sched = _scheduler()
    procs = [_start_worker(sched.scheduler_address, tmp_path / "w1", str(other)),
             _start_worker(sched.scheduler_address, tmp_path / "w2", preload=no_engine)]
    try:
        from distributed import Client

        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(2, timeout=30)
        out = tmp_path / "r.parquet"
        with pytest.raises(B.BatchError) as e:
            B.run_batch(spec(doc), out, scheduler=sched.scheduler_address)
        msg = str(e.value)
        assert "2 of 2" in msg and "0.0.1" in msg and ENGINE_VERSION in msg and "cannot import" in msg, msg
        assert "\n" not in msg
        assert not out.exists() and not B.parts_dir(out).exists()
    finally:
        _stop(procs)
        sched.close(timeout=10)


def test_a_worker_that_joins_later_with_other_code_stops_the_batch(doc) -> None:
    """The check before the games covers the workers there then; each task checks its worker too."""
    _, tasks, _ = B.plan(spec(doc), 2)
    real = B.engine_identity()
    task = dataclasses.replace(tasks[0], expect=("0.0.1", "0" * 16, *real[2:]))
    with pytest.raises(B.BatchError) as e:
        B.run_task(task)
    assert "0.0.1" in str(e.value) and f"runs engine {ENGINE_VERSION}" in str(e.value), e.value
    same = dataclasses.replace(tasks[0], expect=(ENGINE_VERSION, "0" * 16, *real[2:]))
    with pytest.raises(B.BatchError, match="other code"):
        B.run_task(same)
    assert B.run_task(dataclasses.replace(tasks[0], expect=B.engine_identity()))


def test_silent_server_fails_fast(monkeypatch) -> None:
    """Something on the port that accepts and never answers (distributed's handshake waits for ever)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                pass
        for s in held:
            s.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    threading.Timer(15, stop.set).start()  # (the unfixed client waited until the peer hung up)
    monkeypatch.setattr(B, "DASK_CONNECT_S", 1.0)
    t0 = time.monotonic()
    try:
        with pytest.raises(B.BatchError) as e:
            B._connect_dask(f"tcp://127.0.0.1:{srv.getsockname()[1]}", 1)
    finally:
        stop.set()
        th.join(5)
        srv.close()
    assert time.monotonic() - t0 < 6
    assert "not a Dask scheduler" in str(e.value), e.value


@pytest.mark.parametrize("address", ["bogus", "http://127.0.0.1:8786", "tcp://127.0.0.1"])
def test_malformed_address_is_named(address) -> None:
    t0 = time.monotonic()
    with pytest.raises(B.BatchError) as e:
        B._connect_dask(address, 1)
    assert time.monotonic() - t0 < 5
    assert "tcp://HOST:PORT" in str(e.value) and "within" not in str(e.value), e.value


def test_a_scheduler_that_never_gets_a_worker_says_so(doc, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(B, "DASK_NO_WORKERS_S", 1.0)
    monkeypatch.setattr(B, "DASK_POLL_S", 0.2)
    sched = _scheduler()
    try:
        msgs: list[str] = []
        with pytest.raises(B.BatchAborted) as e:
            B.run_batch(spec(doc, games=1), tmp_path / "r.parquet", scheduler=sched.scheduler_address,
                        on_message=msgs.append)
    finally:
        sched.close(timeout=10)
    assert "no worker" in e.value.message and "dask worker" in e.value.message, e.value.message
    assert "killed" not in e.value.message
    assert any("no worker yet" in m for m in msgs), msgs


def test_preflight_notes_threads_sharing_one_process() -> None:
    class Fake:
        def run(self, fn, on_error="raise"):
            return {"tcp://h:1": {**fn(), "host": "h", "nthreads": 4}}

        def nthreads(self):
            return {"tcp://h:1": 4}

    msgs: list[str] = []
    assert B._check_dask_workers(Fake(), "tcp://h:8786", msgs.append) == 4
    assert any("--nthreads 1" in m for m in msgs), msgs


def test_cli_refuses_workers_with_a_remote_scheduler(tmp_path) -> None:
    scen = ROOT / "scenarios" / "shusha_1120.json"
    t0 = time.monotonic()
    r = CliRunner().invoke(app, ["batch", str(scen), "--games", "1", "--out", str(tmp_path / "r.parquet"),
                                 "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"])
    assert r.exit_code == 2 and "--workers" in r.output and "dask worker" in r.output, r.output
    assert time.monotonic() - t0 < 5


def test_resume_hint_keeps_the_scheduler() -> None:
    hint = resume_hint("wargame batch s.json --out r.parquet", scheduler="tcp://10.0.0.5:8786")
    assert hint == "wargame batch s.json --out r.parquet --scheduler tcp://10.0.0.5:8786 --resume"
    assert resume_hint("wargame batch s.json") == "wargame batch s.json --resume"


def test_an_abandoned_gather_prints_no_traceback() -> None:
    """A chunk whose worker died is given up by the batch; its gather ends with AllExit when the client closes,
    which asyncio would log as "Task exception was never retrieved" with a traceback under the progress bar."""
    import logging

    from distributed.client import AllExit

    f = B._NoAllExit()
    try:
        raise AllExit()
    except AllExit:
        rec = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task exception was never retrieved", None,
                                sys.exc_info())
    assert not f.filter(rec)
    assert f.filter(logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "something else", None, None))


# ------------------------------------------------------------------------------------------- review 2 fixes


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_a_local_cluster_worker_whose_engine_differs_refuses_the_tasks(doc, tmp_path, monkeypatch) -> None:
    """`--scheduler local` checks each task too: its workers import the engine from disk at their first task (and
    when a nanny restarts one), so a tree edited after the batch read its engine plays other games. Here the
    batch's fingerprint stands for the code before an edit (the tree itself is shared: never edited by tests)."""
    import logging

    monkeypatch.setattr(B, "_ENGINE_CODE", "f" * 16)
    levels = {n: logging.getLogger(n).level for n in ("distributed", "distributed.client", "distributed.worker")}
    filters = list(logging.getLogger("asyncio").filters)
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted) as e:
        B.run_batch(spec(doc, games=1), out, workers=1, scheduler="local")
    msg = e.value.message
    assert "with other code" in msg and "ffffffffffffffff" in msg and "an extra file in engine/" in msg, msg
    assert "--scheduler local: the files in engine/ changed" in msg, msg
    assert e.value.done == 0 and not out.exists()
    # the batch gave the process its logging back (finding 10)
    assert {n: logging.getLogger(n).level for n in levels} == levels
    assert logging.getLogger("asyncio").filters == filters


def test_the_batch_reads_its_engine_before_starting_a_cluster(doc, tmp_path, monkeypatch) -> None:
    """The fingerprint the workers are held to is the one of the tree when the batch started, not when its first
    chunk came back (a local cluster's workers start, and import the engine, after `_connect_dask`)."""
    monkeypatch.setattr(B, "_ENGINE_CODE", None)
    seen = []

    def connect(scheduler: str, workers: int):
        seen.append(B._ENGINE_CODE)
        raise B.BatchError("stop here")

    monkeypatch.setattr(B, "_connect_dask", connect)
    with pytest.raises(B.BatchError, match="stop here"):
        B.run_batch(spec(doc, games=1), tmp_path / "r.parquet", workers=1, scheduler="local")
    assert seen and seen[0] is not None


def test_a_client_that_connects_too_late_is_closed(monkeypatch) -> None:
    """`_within` gives up on a Client that does not connect in time; one that does connect afterwards was never
    closed and stayed this process's default Dask client."""
    import distributed

    closed = threading.Event()

    class SlowClient:  # connects, but only after the deadline
        def __init__(self, address: str, timeout: str) -> None:
            time.sleep(2.0)

        def close(self, timeout: float | None = None) -> None:
            closed.set()

    monkeypatch.setattr(distributed, "Client", SlowClient)
    monkeypatch.setattr(B, "_probe_scheduler", lambda address: None)  # (port 1 refuses: the fake client is the test)
    monkeypatch.setattr(B, "DASK_CONNECT_S", 0.1)  # (gives up after 1.15 s)
    with pytest.raises(B.BatchError, match="did not answer"):
        B._connect_dask("tcp://127.0.0.1:1", 1)
    assert not closed.is_set()
    assert closed.wait(5), "the late client was left open"


def test_dask_logging_is_restored_when_the_batch_closes(cluster) -> None:
    """The batch quietens distributed's loggers and filters asyncio's AllExit records while it runs, not for the
    rest of the process; a connection that fails restores them too."""
    import logging

    address, _ = cluster
    dist = logging.getLogger("distributed")
    old = dist.level
    dist.setLevel(logging.INFO)
    try:
        filters = list(logging.getLogger("asyncio").filters)
        conn = B._connect_dask(address, 1)
        assert dist.level == logging.CRITICAL
        assert any(isinstance(f, B._NoAllExit) for f in logging.getLogger("asyncio").filters)
        B._close_dask(*conn)
        assert dist.level == logging.INFO and logging.getLogger("asyncio").filters == filters
        with pytest.raises(B.BatchError):
            B._connect_dask("bogus", 1)
        assert dist.level == logging.INFO and logging.getLogger("asyncio").filters == filters
    finally:
        dist.setLevel(old)


def test_workers_with_another_numpy_or_python_are_named(doc) -> None:
    """numpy draws the games' numbers: a worker with another numpy (or Python) can play other games."""
    mine = B.engine_identity()
    assert mine[2] == np.__version__ and mine[3] == "{}.{}".format(*sys.version_info[:2])
    _, tasks, _ = B.plan(spec(doc), 2)
    with pytest.raises(B.BatchError) as e:
        B.run_task(dataclasses.replace(tasks[0], expect=(*mine[:2], "1.0.0", "3.0")))
    msg = str(e.value)
    assert f"numpy {np.__version__}, not 1.0.0" in msg and f"Python {mine[3]}, not 3.0" in msg, msg
    assert "other code" not in msg and "numpy 1.0.0" in msg.split("install")[1], msg

    class Fake:
        def run(self, fn, on_error="raise"):
            return {"tcp://h:1": {**fn(), "host": "h", "numpy": "0.0.0+fake"}}

        def nthreads(self):
            return {"tcp://h:1": 1}

    with pytest.raises(B.BatchError) as e:
        B._check_dask_workers(Fake(), "tcp://h:8786", None, mine)
    msg = str(e.value)
    assert "tcp://h:1 on h runs numpy 0.0.0+fake, not " + np.__version__ in msg and "\n" not in msg, msg
    assert B._check_dask_workers(type("Same", (Fake,), {"run": lambda self, fn, on_error="raise": {
        "tcp://h:1": fn()}})(), "tcp://h:8786", None, mine) == 1


def test_the_workers_help_says_where_it_applies() -> None:
    r = CliRunner().invoke(app, ["batch", "--help"], terminal_width=200)
    text = _flat(r.output)
    assert "this machine's pool or a --scheduler local cluster" in text, text
    assert "refused with a remote --scheduler" in text, text


def test_resume_hint_keeps_the_workers_given() -> None:
    """An acceptance tester's Ctrl+C of a `--workers 2` batch got a resume command without it (session 29)."""
    assert resume_hint("wargame batch s.json", workers=2) == "wargame batch s.json --workers 2 --resume"
    assert resume_hint("wargame batch s.json --workers 3", workers=3) == "wargame batch s.json --workers 3 --resume"
    assert resume_hint("wargame batch s.json") == "wargame batch s.json --resume"


# ---------------------------------------------------------------------------------------------------------------------
# A Dask batch ships each distinct scenario document to the cluster once (`engine.batch._submit_shared`), not with
# every task: tasks are small, a worker parses each document once, and a worker killed with the only copy of a
# document loses nothing (the document is a task Dask recomputes, not scattered data). Separate worker processes.

TESTS = Path(__file__).resolve().parent


def sweep_spec(doc4: dict, games: int = 3, ranges: tuple[int, ...] = (12, 16)) -> B.BatchSpec:
    """2 weather cells (one document) x len(ranges) supply ranges (one document each)."""
    return B.BatchSpec("small.json", doc4, games, 11, sweeps=[("weather", ["historical", "clear"]),
                                                              ("set:sides.defender.supply_range", list(ranges))])


def worker_path() -> str:
    """PYTHONPATH for our workers: this folder too (they unpickle `_kill_first_chunk` from this module)."""
    return os.pathsep.join(p for p in [str(TESTS), os.environ.get("PYTHONPATH", "")] if p)


@pytest.fixture(scope="module")
def two_worker_cluster(tmp_path_factory):
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


def test_each_document_is_shipped_once_and_tasks_are_small(doc4, two_worker_cluster, tmp_path, monkeypatch) -> None:
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

    B.run_batch(sweep_spec(doc4), tmp_path / "local.parquet", workers=1, chunk=1, logs_dir=str(tmp_path / "local_logs"))
    monkeypatch.setattr(Client, "submit", record)
    B.run_batch(sweep_spec(doc4), tmp_path / "dask.parquet", scheduler=two_worker_cluster, chunk=1,
                logs_dir=str(tmp_path / "logs"))
    monkeypatch.undo()
    assert read(tmp_path / "dask.parquet") == read(tmp_path / "local.parquet")
    logs = sorted(p.name for p in (tmp_path / "logs").glob("*.jsonl"))
    assert len(logs) == 12 and logs == sorted(p.name for p in (tmp_path / "local_logs").glob("*.jsonl"))
    for name in logs:
        assert (tmp_path / "logs" / name).read_bytes() == (tmp_path / "local_logs" / name).read_bytes()
    doc_bytes = len(pickle.dumps(doc4))
    docs = [n for n, _, _ in shipped if n == "dict"]
    chunks = [(size, refs) for n, size, refs in shipped if n == "run_task"]
    assert len(docs) == 2, shipped
    assert len(chunks) == 12, shipped  # 4 cells x 3 games, chunk 1
    assert all(refs == 1 for _, refs in chunks), chunks  # each chunk refers to its document's task
    assert max(size for size, _ in chunks) < doc_bytes / 20, (chunks, doc_bytes)


def test_a_worker_parses_each_document_once(doc4, two_worker_cluster, tmp_path) -> None:
    """Many chunks of the same document on a worker: it is parsed once in that process (`_scenario_for`)."""
    from distributed import Client

    with Client(two_worker_cluster, timeout="10s") as c:
        before = c.run(B.scenario_loads)
        B.run_batch(sweep_spec(doc4, games=4, ranges=(13, 15)), tmp_path / "r.parquet", scheduler=two_worker_cluster,
                    chunk=1)
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


def test_the_only_worker_killed_with_the_document_loses_nothing(doc4, tmp_path, monkeypatch) -> None:
    """The one worker, holding the only copy of the document, is killed at its first chunk; a worker that joins
    afterwards has the document computed again and plays every chunk: the rows are a local run's. (With the
    document scattered, `client.scatter`, it would be lost for good and the batch would fail.)"""
    from distributed import Client

    games = sweep_spec(doc4, games=2, ranges=(14,))
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
        said: list[str] = []
        B.run_batch(games, tmp_path / "dask.parquet", scheduler=sched.scheduler_address, chunk=1,
                    on_message=said.append)
        th.join(5)
        assert not flag.exists() and first.returncode == -signal.SIGKILL, "the first worker was never killed"
        assert len(procs) == 2
        assert read(tmp_path / "dask.parquet") == read(tmp_path / "local.parquet")
        # the batch said so (an analyst: a killed worker's games were played again without a word)
        left = [m for m in said if " left: any games it was playing" in m]
        joined = [m for m in said if m.startswith("Dask worker ") and " joined (" in m]
        assert len(left) == 1 and len(joined) == 1, said
    finally:
        _stop(procs)
        sched.close(timeout=10)


def test_documents_are_shared_by_content(doc4) -> None:
    """Cells whose documents are equal (a weather sweep) share one document task; each chunk keeps its own cell's
    document for the rows the client saves."""

    class FakeClient:
        def __init__(self) -> None:
            self.calls: list[tuple[str, tuple]] = []

        def submit(self, fn, *args, **kw):
            self.calls.append((fn.__name__, args))
            return object()

    _, tasks, _ = B.plan(sweep_spec(doc4, games=2, ranges=(10, 12, 14)), 1)
    fake = FakeClient()
    futs, shared, _ = B._submit_shared(fake, tasks, expect=("x",))
    assert len(shared) == 3 and len(futs) == len(tasks) == 12
    docs = [args[0] for name, args in fake.calls if name == "dict"]
    assert sorted(d["sides"]["defender"]["supply_range"] for d in docs) == [10, 12, 14]
    sent = [args for name, args in fake.calls if name == "run_task"]
    assert all(args[0].doc is None and args[0].expect == ("x",) for args in sent)
    assert [t.doc for t in futs.values()] == [t.doc for t in tasks]


def test_resume_on_dask_submits_only_the_missing_chunks(doc4, two_worker_cluster, tmp_path, monkeypatch) -> None:
    """An interrupted Dask batch resumed on Dask: only the unfinished chunks are submitted (with the documents they
    need), and the rows are a local run's."""
    from distributed import Client

    games = sweep_spec(doc4, games=2, ranges=(12, 18))
    B.run_batch(games, tmp_path / "local.parquet", workers=1, chunk=1)
    out = tmp_path / "dask.parquet"
    with pytest.raises(B.BatchAborted) as e:
        B.run_batch(games, out, scheduler=two_worker_cluster, chunk=1, stop_after_chunks=3)
    done = e.value.done
    assert e.value.code == 130 and 3 <= done < 8, e.value.message
    names: list[str] = []
    real = Client.submit

    def record(self, fn, *args, **kw):
        names.append(getattr(fn, "__name__", ""))
        return real(self, fn, *args, **kw)

    monkeypatch.setattr(Client, "submit", record)
    res = B.run_batch(games, out, scheduler=two_worker_cluster, chunk=1, resume=True)
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


def test_the_parse_cache_keeps_the_most_recently_used(doc4, monkeypatch) -> None:
    """More documents than the cache holds, one used again and again: it stays parsed (the cache was emptied whole
    once full, so a sweep of many cells parsed its documents again and again)."""
    monkeypatch.setattr(B, "_SCEN_CACHE", {})
    size = B.SCENARIO_CACHE_SIZE

    def variant_doc(k: int) -> dict:
        d = json.loads(json.dumps(doc4))
        d["sides"]["defender"]["supply_range"] = 10 + k
        return d

    hot = variant_doc(0)
    first = B._scenario_for(hot)
    loads = B.scenario_loads()
    for k in range(1, size + 5):
        B._scenario_for(variant_doc(k))
        assert B._scenario_for(hot) is first  # (used between every other: never the least recently used)
    assert B.scenario_loads() == loads + size + 4 and len(B._SCEN_CACHE) == size


def test_a_cluster_batch_records_where_it_was_played(doc, cluster, tmp_path, monkeypatch) -> None:
    """A cluster analyst: nothing in the outputs said the games ran on Dask, on which workers, with which
    `distributed`. The record beside the results (`engine.runlog`) does, and the report's provenance says it; the
    results file itself is the local run's, byte for byte in its rows and metadata but the command."""
    import json

    from engine import report as R
    from engine.runlog import read_runs, runs_path

    address, _ = cluster
    scen = tmp_path / "small.json"
    scen.write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["batch", str(scen), "--games", "2", "--seed", "5", "--out", "c.parquet",
                                 "--scheduler", address, "-q"])
    assert r.exit_code == 0, r.output
    (run,) = read_runs(tmp_path / "c.parquet")
    assert run["scheduler"] == address and run["outcome"] == "complete" and run["games_played"] == 2
    assert run["dask_workers"]["count"] == 1 and run["dask_workers"]["threads"] == 1
    assert list(run["dask_workers"]["hosts"].values()) == [1] and run["distributed"]
    assert runs_path(tmp_path / "c.parquet").name == "c.parquet.runs.json"
    words = R.provenance_text(R.summarize(tmp_path / "c.parquet"))
    assert f"played in one run: 2 games on a Dask cluster (1 worker, 1 thread; distributed {run['distributed']})" \
        in words and address not in words, words  # (no addresses, hosts or times in a published report)
    assert json.loads(R.cells_json(R.summarize(tmp_path / "c.parquet")))["runs"] == [run]


def test_a_worker_of_another_engine_is_shut_out_and_the_others_finish_the_batch(doc, tmp_path, monkeypatch) -> None:
    """A cluster analyst: one worker of another engine joining mid-batch stopped a whole study, with good workers
    left. Its refusals now send its games to the workers that can play them, said once; the results are a local
    run's. (The check before the games is skipped here, as for a worker that joins after it.)"""
    other = tmp_path / "other"
    shutil.copytree(ROOT / "engine", other / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    rules = other / "engine" / "rules.py"
    rules.write_text(rules.read_text().replace(f'ENGINE_VERSION = "{ENGINE_VERSION}"', 'ENGINE_VERSION = "0.0.1"'))
    sched = _scheduler()
    procs = [_start_worker(sched.scheduler_address, tmp_path / "good", str(ROOT)),
             _start_worker(sched.scheduler_address, tmp_path / "bad", str(other))]
    try:
        from distributed import Client

        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(2, timeout=30)
        real = B._check_dask_workers
        monkeypatch.setattr(B, "_check_dask_workers", lambda *a, **k: 2)
        out, ref = tmp_path / "r.parquet", tmp_path / "ref.parquet"
        msgs: list[str] = []
        B.run_batch(spec(doc, games=6), out, scheduler=sched.scheduler_address, chunk=1, on_message=msgs.append)
        B.run_batch(spec(doc, games=6), ref, workers=1)
        assert read(out) == read(ref)
        said = [m for m in msgs if "cannot play this batch" in m]
        assert len(said) == 1, msgs  # (once: the wrong worker takes tasks as fast as it refuses them)
        assert "runs engine 0.0.1" in said[0] and "its games go to the other 1 worker" in said[0], said
        monkeypatch.setattr(B, "_check_dask_workers", real)
    finally:
        _stop(procs)
        sched.close(timeout=10)


def _slow_chunk(task: B.Task, doc: dict | None = None) -> object:
    """In a Dask worker: a chunk that takes 0.4 s more, so a batch lasts until a late worker has joined."""
    time.sleep(0.4)
    return B.run_task(task, doc)


def test_a_worker_without_the_wargame_that_joins_mid_batch_is_said_to(doc, tmp_path, monkeypatch) -> None:
    """A cluster analyst: a worker without this wargame that joined mid-batch closed at its first task (it cannot
    read it), between two of the batch's polls, and the batch said nothing. The scheduler's own record of joins and
    departures is read now: both are said, with what such a brief stay usually means, once; the rows are a local
    run's."""
    preload = tmp_path / "no_engine.py"
    preload.write_text(NO_ENGINE)
    sched = _scheduler()
    procs = [_start_worker(sched.scheduler_address, tmp_path / "good", worker_path())]
    try:
        from distributed import Client

        with Client(sched.scheduler_address, timeout="10s") as c:
            c.wait_for_workers(1, timeout=30)
        monkeypatch.setattr(B, "run_task", _slow_chunk)
        msgs: list[str] = []

        def on_message(text: str) -> None:  # (the late worker starts once the batch has checked its workers)
            msgs.append(text)
            if len(procs) == 1 and text.startswith("on Dask scheduler"):
                procs.append(_start_worker(sched.scheduler_address, tmp_path / "bad", worker_path(), preload))

        out, ref = tmp_path / "r.parquet", tmp_path / "ref.parquet"
        changed: list[str] = []
        B.run_batch(spec(doc, games=10), out, scheduler=sched.scheduler_address, chunk=1, on_message=on_message,
                    on_worker_change=changed.append)
        assert len(procs) == 2 and procs[1].wait(30) == 0, "the late worker did not close by itself"
        monkeypatch.undo()
        B.run_batch(spec(doc, games=10), ref, workers=1)
        assert read(out) == read(ref)
        joined = [m for m in msgs if m.startswith("Dask worker ") and " joined (2 workers now)" in m]
        left = [m for m in msgs if m.startswith("Dask worker ") and " left: " in m]
        assert len(joined) == 1 and len(left) == 1, msgs
        assert "after it joined" in left[0] and "No module named 'engine'" in left[0], left
        assert changed == [m for m in msgs if m.startswith("Dask worker ")]  # (the run's record hears the same)
    finally:
        _stop(procs)
        sched.close(timeout=10)


class _FakeScheduler:
    def __init__(self) -> None:
        self.events: list[tuple[float, dict]] = [(1.0, {"action": "add-client", "client": "c"})]

    def get_events(self, topic: str) -> tuple:
        assert topic == "all"
        return tuple(self.events)


class _FakeClient:
    def __init__(self, workers: list[str], can_read_events: bool = True) -> None:
        self.sched, self.workers, self.can_read_events = _FakeScheduler(), workers, can_read_events
        self.sched.workers = {a: None for a in workers}  # (the scheduler's own {address: WorkerState})

    def nthreads(self) -> dict[str, int]:
        return {a: 1 for a in self.workers}

    def run_on_scheduler(self, fn: Any) -> Any:
        if not self.can_read_events:
            raise RuntimeError("no events here")
        return fn(dask_scheduler=self.sched)

    def happen(self, t: float, action: str, worker: str) -> None:
        self.sched.events.append((t, {"action": action, "worker": worker}))
        if action == "add-worker":
            self.workers.append(worker)
            self.sched.workers[worker] = None
        else:
            self.workers.remove(worker)
            del self.sched.workers[worker]


def test_worker_changes_come_from_the_schedulers_record_in_order_with_one_hint() -> None:
    """Joins and departures between two polls are all said, in the order they happened, each with the count after
    it; a stay of under `DASK_BRIEF_S` gets the hint once (a nanny brings such a worker back under a new address);
    a long stay none. Without the scheduler's events, the worker lists are compared as before."""
    fake = _FakeClient(["tcp://a:1"])
    changes = B.WorkerChanges(fake)
    assert changes.notes() == []
    fake.happen(2.0, "add-worker", "tcp://b:2")
    fake.happen(2.3, "remove-worker", "tcp://b:2")
    fake.happen(3.0, "add-worker", "tcp://b:3")
    first = changes.notes()
    assert len(first) == 3, first
    assert first[0].startswith("Dask worker tcp://b:2 joined") and first[2].startswith("Dask worker tcp://b:3 joined")
    assert first[1].startswith("Dask worker tcp://b:2 left: any games it was playing, or had played but not yet "
                               "sent, are played again on the others")
    assert "(2 workers now)" in first[0] and "(1 worker now)" in first[1] and "(2 workers now)" in first[2]
    assert "It left less than a second after it joined" in first[1]
    fake.happen(5.5, "remove-worker", "tcp://b:3")
    fake.happen(50.0, "add-worker", "tcp://c:4")
    fake.happen(400.0, "remove-worker", "tcp://c:4")
    second = changes.notes()
    assert len(second) == 3 and not [m for m in second if "after it joined" in m], second  # (hinted once)
    assert changes.notes() == []

    old = _FakeClient(["tcp://a:1"], can_read_events=False)
    changes = B.WorkerChanges(old)
    old.happen(2.0, "add-worker", "tcp://b:2")
    assert changes.notes() == ["Dask worker tcp://b:2 joined (2 workers now)"]


def test_a_long_stay_gets_no_hint() -> None:
    fake = _FakeClient(["tcp://a:1"])
    changes = B.WorkerChanges(fake)
    fake.happen(2.0, "add-worker", "tcp://b:2")
    fake.happen(2.0 + B.DASK_BRIEF_S + 1, "remove-worker", "tcp://b:2")
    said = changes.notes()
    assert len(said) == 2 and "after it joined" not in said[1]


def test_the_run_record_hears_worker_changes_from_the_batch_itself(doc, tmp_path, monkeypatch) -> None:
    """The run's record (`engine.runlog`) picked worker changes out of the batch's messages by their words; the batch
    now hands them over as such (`on_worker_change`), whatever they say."""
    import json

    from engine.runlog import read_runs

    real = B.run_batch

    def run_batch(*args, **kwargs):
        kwargs["on_worker_change"]("Dask worker tcp://x:1 went somewhere new (1 worker now)")
        kwargs["on_message"]("Dask worker tcp://y:2 joined (2 workers now)")  # (a message only: not recorded)
        return real(*args, **kwargs)

    monkeypatch.setattr(B, "run_batch", run_batch)
    scen = tmp_path / "small.json"
    scen.write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["batch", str(scen), "--games", "2", "--seed", "5", "--out", "c.parquet", "-q",
                                 "--workers", "1"])
    assert r.exit_code == 0, r.output
    (run,) = read_runs(tmp_path / "c.parquet")
    assert run["worker_changes"] == ["Dask worker tcp://x:1 went somewhere new (1 worker now)"]


def test_a_worker_joining_as_the_batch_starts_is_counted() -> None:
    """A review: the worker list and the events' cursor were read in two round trips, and a worker registering
    between them was in neither: never said, every count after it one short. Both are read at once."""
    fake = _FakeClient(["tcp://a:1"])
    calls = []

    def first_then_join(real: Any) -> Any:  # (a worker registers just after the first question, whichever)
        def ask(*args: Any) -> Any:
            got = real(*args)
            calls.append(1)
            if len(calls) == 1:
                fake.happen(2.0, "add-worker", "tcp://b:2")
            return got
        return ask

    fake.run_on_scheduler = first_then_join(fake.run_on_scheduler)
    fake.nthreads = first_then_join(fake.nthreads)
    changes = B.WorkerChanges(fake)
    said = changes.notes()
    assert said == ["Dask worker tcp://b:2 joined (2 workers now)"], said
