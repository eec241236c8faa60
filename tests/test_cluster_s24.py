"""`wargame batch --scheduler tcp://...` on a real Dask cluster: separate worker processes started elsewhere (their
own working folder), checked before any game; bad addresses fail fast; event logs come back to the client."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from conftest import short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app
from engine.cli_batch import resume_hint
from engine.rules import ENGINE_VERSION

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
