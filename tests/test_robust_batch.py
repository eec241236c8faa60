"""Issue #7, batch faults: a process-pool worker killed mid-batch, a Dask worker lost, disk full (ENOSPC) while
writing a part / the combined file / the CSV, Ctrl+C (SIGINT to a `wargame batch` subprocess). Each time the
batch reports it, keeps every finished game, and `--resume` completes it with results identical to an
uninterrupted run. Plus: the parent's memory does not grow with the number of games.

Games use a 4-turn cut of the Shusha scenario so every test stays a few seconds."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios" / "shusha_1120.json"
_REAL_RUN_TASK = B.run_task  # saved before any monkeypatching (forked pool workers inherit this module)


def spec(doc: dict, games: int = 4, seed: int = 3) -> B.BatchSpec:
    return B.BatchSpec("short4.json", doc, games, seed, sweeps=[("weather", ["historical", "clear"])])


def table(path: Path) -> list[dict]:
    rows = pq.read_table(path).to_pylist()
    return sorted(rows, key=lambda r: (r["cell"], r["game"]))


@pytest.fixture(scope="module")
def reference(doc4, tmp_path_factory) -> list[dict]:
    """Uninterrupted, in-process: 2 cells x 4 games."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    B.run_batch(spec(doc4), out, workers=1, chunk=1)
    rows = table(out)
    assert len(rows) == 8
    return rows


def n_parts(out: Path) -> int:
    return len(list(B.parts_dir(out).glob("part-*.parquet")))


def no_temp_files(folder: Path) -> None:
    if folder.exists():
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def killing_run_task(task, doc=None):
    """Run a chunk, but SIGKILL the worker process running chunk (cell 1, game 0) while the flag file exists
    (a one-shot kill when ROBUST_KILL_ONCE is set: the flag is removed first)."""
    flag = os.environ.get("ROBUST_KILL_FLAG")
    if flag and task.cell == 1 and task.start == 0 and os.path.exists(flag):
        if os.environ.get("ROBUST_KILL_ONCE"):
            os.unlink(flag)
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_RUN_TASK(task, doc)


# ------------------------------------------------------------------------------------ process pool killed
def test_pool_worker_killed_then_resume(doc4, reference, tmp_path, monkeypatch):
    if sys.platform != "linux":
        pytest.skip("relies on fork (monkeypatched task inherited by the workers)")
    flag = tmp_path / "kill.flag"
    flag.write_text("1")
    monkeypatch.setenv("ROBUST_KILL_FLAG", str(flag))
    monkeypatch.setattr(B, "run_task", killing_run_task)
    out = tmp_path / "pool.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc4), out, workers=2, chunk=1)
    e = ei.value
    assert e.code == 1 and "worker process died" in e.message
    assert e.total == 8 and 0 <= e.done < 8
    assert n_parts(out) == e.done  # every finished chunk is on disk (chunk = 1 game)
    assert not out.exists()
    no_temp_files(B.parts_dir(out))
    # the finished parts hold exactly the reference rows for those games
    ref = {(r["cell"], r["game"]): r for r in reference}
    for p in B.parts_dir(out).glob("part-*.parquet"):
        for r in pq.read_table(p).to_pylist():
            assert r == ref[(r["cell"], r["game"])]
    monkeypatch.undo()
    res = B.run_batch(spec(doc4), out, workers=2, resume=True)
    assert res.resumed_games == e.done
    assert table(out) == reference


# --------------------------------------------------------------------------------------------- Dask lost
@pytest.fixture
def dask_env(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    flag = tmp_path / "kill.flag"
    flag.write_text("1")
    monkeypatch.setenv("ROBUST_KILL_FLAG", str(flag))
    # spawned Dask workers must be able to import this module to unpickle killing_run_task
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), str(ROOT),
                                                      os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setattr(B, "run_task", killing_run_task)
    return flag


def test_dask_worker_lost_is_reported_then_resume(doc4, reference, tmp_path, monkeypatch, dask_env):
    import dask

    out = tmp_path / "dask.parquet"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with pytest.raises(B.BatchAborted) as ei:
            B.run_batch(spec(doc4), out, workers=2, scheduler="local", chunk=1)
    e = ei.value
    # Dask blames every task queued on the dead worker, so the one reported is the killed chunk or a neighbour
    assert e.code == 1 and re.search(r"Dask task part-c\d{4}-g\d{6}\.parquet failed", e.message), e.message
    assert "KilledWorker" in e.message
    assert n_parts(out) == e.done and e.done < 8
    monkeypatch.undo()
    res = B.run_batch(spec(doc4), out, workers=1, resume=True)
    assert res.resumed_games == e.done
    assert table(out) == reference


def test_dask_worker_lost_once_loses_nothing(doc4, reference, tmp_path, monkeypatch, dask_env):
    """The default retry policy re-runs the chunk of a lost worker elsewhere: the batch completes, identical."""
    monkeypatch.setenv("ROBUST_KILL_ONCE", "1")
    out = tmp_path / "dask1.parquet"
    B.run_batch(spec(doc4), out, workers=2, scheduler="local", chunk=1)
    assert not dask_env.exists(), "the worker was never killed"
    assert table(out) == reference


# -------------------------------------------------------------------------------------------- disk full
def _enospc_after(monkeypatch, n_ok: int, target: str = "write_table_atomic") -> list:
    real = getattr(B, target)
    calls = []

    def writer(*a, **k):
        calls.append(a)
        if len(calls) > n_ok:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*a, **k)

    monkeypatch.setattr(B, target, writer)
    return calls


def test_disk_full_in_pool_keeps_parts_and_resumes(doc4, reference, tmp_path, monkeypatch):
    _enospc_after(monkeypatch, 3)
    out = tmp_path / "full.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc4), out, workers=2, chunk=1)
    assert "disk full" in ei.value.message and ei.value.code == 1
    assert ei.value.done == 3 and n_parts(out) == 3
    no_temp_files(B.parts_dir(out))
    monkeypatch.undo()
    res = B.run_batch(spec(doc4), out, workers=2, resume=True)
    assert res.resumed_games == 3
    assert table(out) == reference


def test_disk_full_on_real_temp_file_write(doc4, reference, tmp_path, monkeypatch):
    """ENOSPC raised by the file write itself (inside the atomic writer): no temp file left, parts kept."""
    from engine import fileio

    real = fileio.atomic_write_with
    calls = []

    def failing(path, writer):
        calls.append(path)
        if len(calls) == 3:
            def half(fh):
                fh.write(b"PAR1 partial")
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(path, half)
        return real(path, writer)

    monkeypatch.setattr(fileio, "atomic_write_with", failing)
    out = tmp_path / "full2.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc4), out, workers=1, chunk=1)
    assert "disk full" in ei.value.message
    no_temp_files(B.parts_dir(out))
    monkeypatch.undo()
    B.run_batch(spec(doc4), out, workers=1, resume=True)
    assert table(out) == reference


def test_disk_full_when_combining_keeps_every_game(doc4, reference, tmp_path, monkeypatch):
    from engine import fileio

    real = fileio.atomic_write_with

    def failing(path, writer):
        if Path(path).suffix == ".parquet" and not Path(path).name.startswith("part-"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, writer)

    monkeypatch.setattr(fileio, "atomic_write_with", failing)
    out = tmp_path / "comb.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc4), out, workers=1, chunk=2)
    assert "disk full" in ei.value.message and "all games are saved" in ei.value.message
    assert not out.exists() and n_parts(out) == 4
    monkeypatch.undo()
    started = []
    res = B.run_batch(spec(doc4), out, workers=1, resume=True, on_start=lambda t, d: started.append(d))
    assert started == [8] and res.resumed_games == 8
    assert table(out) == reference


def test_disk_full_writing_csv_is_reported(doc4, reference, tmp_path, monkeypatch):
    _enospc_after(monkeypatch, 0, "write_csv")
    out = tmp_path / "csv.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc4), out, workers=1, chunk=4, csv=tmp_path / "c.csv")
    assert "disk full" in ei.value.message and "c.csv" in ei.value.message
    assert table(out) == reference  # the Parquet results are complete
    monkeypatch.undo()
    B.run_batch(spec(doc4), out, workers=1, resume=True, csv=tmp_path / "c.csv")
    assert (tmp_path / "c.csv").read_text().count("\n") == 9
    assert table(out) == reference


def test_cli_disk_full_message(file4, tmp_path, monkeypatch):
    _enospc_after(monkeypatch, 1)
    out = tmp_path / "cli.parquet"
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "2", "--seed", "3", "--out", str(out),
                                 "--workers", "1", "--chunk", "1", "-q"])
    text = r.output + (r.stderr if r.stderr_bytes is not None else "")
    assert r.exit_code == 1, text
    assert "disk full" in text and "1 of 2 games saved" in text and "--resume" in text
    assert "Traceback" not in text
    assert r.exception is None or isinstance(r.exception, SystemExit)


# ------------------------------------------------------------------------------------------------ Ctrl+C
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_to_cli_batch_then_resume(file4, doc4, tmp_path, signum, code):
    # enough games that the interrupt lands mid-batch however fast the engine gets (with 8 games the batch
    # could finish between the first saved part and the signal)
    games = 40
    ref_out = tmp_path / "ref.parquet"
    B.run_batch(spec(doc4, games=games), ref_out, workers=1, chunk=1)
    reference = table(ref_out)
    out = tmp_path / "int.parquet"
    args = ["batch", str(file4), "--games", str(games), "--seed", "3", "--out", str(out),
            "--sweep", "weather=historical,clear", "--workers", "2", "--chunk", "1", "-q",
            "--csv", str(tmp_path / "int.csv")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # a suite started in the background (`cmd &` in a script) inherits SIGINT ignored, and Python then installs
    # no Ctrl+C handler: the child CLI gets one, as in a terminal
    child = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
             "from engine.cli import app; app()")
    proc = subprocess.Popen([sys.executable, "-c", child, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        pdir = B.parts_dir(out)
        while time.monotonic() < deadline and proc.poll() is None:
            if pdir.exists() and any(pdir.glob("part-*.parquet")):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "batch finished before it could be interrupted"
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = stderr.decode()
    assert proc.returncode == code, err  # (128 + the signal, as a shell reports it)
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err, err
    assert "--csv" in err.split("Resume with:")[1], err  # the hint finishes every output, the CSV copy too
    saved = n_parts(out)
    assert 1 <= saved < 2 * games and f"{saved} of {2 * games} games saved" in err, err
    no_temp_files(B.parts_dir(out))
    # no worker process outlived the parent
    time.sleep(0.2)
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    assert table(out) == reference
    # the record of the two runs beside the results (session 41: the outputs did not say it was resumed)
    from engine.runlog import read_runs, runs_words

    first, second = read_runs(out)
    assert (first["outcome"], first["games_played"], first["games_resumed"]) == ("stopped", saved, 0)
    assert first["why"] == "interrupted" and first["workers_asked"] == 2 and first["scheduler"] is None
    assert (second["outcome"], second["games_played"], second["games_resumed"]) == ("complete", 2 * games - saved,
                                                                                     saved)
    assert first["command"] == second["command"] and second["games_total"] == 2 * games
    assert runs_words([first, second]) == (f"played in 2 runs (resumed): {saved} games in 2 processes (stopped: "
                                           f"interrupted); then {2 * games - saved} games in 2 processes")


@pytest.mark.parametrize("to", ["process", "another thread"])
def test_interrupt_while_a_part_is_written_counts_that_part(doc4, tmp_path, monkeypatch, to):
    """A Ctrl+C that lands just after a part reached the disk, before the batch counted it, is held until
    the count agrees: the "N of M games saved" report matches the parts on disk. (Seen as a rare failure of
    the CLI test above: the report was one game short.)

    The OS may hand a process's signal to any thread that accepts it (pyarrow starts threads of its own),
    and Python then runs the handler in the main thread anyway: "another thread" sends it to a thread that
    does. Masking the signal in the main thread alone let that interrupt through, every time."""
    import threading

    idle = threading.Event()
    other = threading.Thread(target=idle.wait, daemon=True)
    other.start()
    real_write = B.write_table_atomic
    written = []

    def write_then_interrupt(table, path):
        real_write(table, path)
        written.append(path)
        if len(written) == 2:  # the signal arrives right after the second part is on disk
            if to == "process":
                os.kill(os.getpid(), signal.SIGINT)
            else:
                signal.pthread_kill(other.ident, signal.SIGINT)

    monkeypatch.setattr(B, "write_table_atomic", write_then_interrupt)
    # Ctrl+C as in a terminal, even when the suite runs in the background (which starts with SIGINT ignored)
    old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    out = tmp_path / "r.parquet"
    try:
        with pytest.raises(B.BatchAborted) as info:
            B.run_batch(spec(doc4, games=4), out, workers=1, chunk=1)
    finally:
        idle.set()
        signal.signal(signal.SIGINT, old_handler)
    assert info.value.code == 130
    assert info.value.done == n_parts(out) == 2
    no_temp_files(B.parts_dir(out))


# ------------------------------------------------------------------------------------------------ memory
_MEM_SCRIPT = r"""
import copy, json, resource, sys, threading, time
import psutil
from engine import batch as B
doc = json.load(open(sys.argv[1]))
games, out = int(sys.argv[2]), sys.argv[3]
me = psutil.Process()
peak = [0]
def sample():
    while True:
        peak[0] = max(peak[0], me.memory_info().rss)
        time.sleep(0.01)
threading.Thread(target=sample, daemon=True).start()
B.run_batch(B.BatchSpec("m.json", doc, games, 1, attacker="passive", defender="passive"), out, workers=1,
            chunk=10)
peak[0] = max(peak[0], me.memory_info().rss)
print(json.dumps({"parent_peak": peak[0], "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def test_parent_memory_flat_in_game_count(tmp_path):
    pytest.importorskip("psutil")
    doc = short_shusha_doc(2)
    scen = tmp_path / "m.json"
    scen.write_text(json.dumps(doc))
    script = tmp_path / "mem.py"
    script.write_text(_MEM_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = {}
    for n in (40, 160):
        p = subprocess.run([sys.executable, str(script), str(scen), str(n), str(tmp_path / f"m{n}.parquet")],
                           capture_output=True, env=env, timeout=120, check=True)
        res[n] = json.loads(p.stdout.decode().strip().splitlines()[-1])
        assert pq.ParquetFile(tmp_path / f"m{n}.parquet").metadata.num_rows == n
    # the parent plays every game itself (workers=1): 4x the games, less than 10 MB more at the peak
    grow = res[160]["parent_peak"] - res[40]["parent_peak"]
    assert grow < 10 * 2**20, res
    assert res[160]["maxrss_kb"] - res[40]["maxrss_kb"] < 10 * 1024, res


# ============================================================================================ the output path
def test_an_output_path_that_cannot_be_a_results_file_is_refused_before_any_game(file4, doc4, tmp_path) -> None:
    played = []
    a_file = tmp_path / "plot.png"
    a_file.write_text("not a folder")
    cases = [(tmp_path, "is a folder"), (a_file / "r.parquet", "is a file, not a folder"),
             (Path("/proc/no_such_batch.parquet"), "cannot create")]
    for out, why in cases:
        with pytest.raises(B.BatchError, match=why):
            B.run_batch(spec(doc4), out, workers=1, on_start=lambda t, d: played.append(t))
        r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--out", str(out), "-q"])
        assert r.exit_code == 2 and why in r.output and "Traceback" not in r.output, r.output
    assert played == [] and not (tmp_path / "plot.png.parts").exists() and not list(tmp_path.glob("*.parts"))


def test_finished_results_are_never_replaced_silently(doc4, reference, tmp_path) -> None:
    out = tmp_path / "done.parquet"
    B.run_batch(spec(doc4), out, workers=1)
    before = out.read_bytes()
    with pytest.raises(B.BatchError, match=r"already holds this very batch, finished.*--overwrite"):
        B.run_batch(spec(doc4), out, workers=1)
    with pytest.raises(B.BatchError, match=r"already holds a finished batch \(other seed\)"):
        B.run_batch(spec(doc4, seed=4), out, workers=1)
    started = []
    res = B.run_batch(spec(doc4), out, workers=1, resume=True, on_start=lambda t, d: started.append(d))
    assert res.already_complete and res.resumed_games == 8 and started == [] and out.read_bytes() == before
    with pytest.raises(B.BatchError, match=r"--resume: .* other parameters \(seed: 3 in done.parquet, 4 now\)"):
        B.run_batch(spec(doc4, seed=4), out, workers=1, resume=True)
    assert out.read_bytes() == before and table(out) == reference
    res = B.run_batch(spec(doc4, seed=4), out, workers=1, overwrite=True)
    assert not res.already_complete and {r["seed"] for r in table(out)}.isdisjoint({r["seed"] for r in reference})
    junk = tmp_path / "notes.parquet"
    junk.write_text("my notes")
    with pytest.raises(B.BatchError, match="not a `wargame batch` results file"):
        B.run_batch(spec(doc4), junk, workers=1)
    assert junk.read_text() == "my notes"


def test_a_manifest_of_the_wrong_shape_is_a_clear_error(doc4, tmp_path) -> None:
    out = tmp_path / "m.parquet"
    B.parts_dir(out).mkdir()
    (B.parts_dir(out) / B.MANIFEST).write_text("[1, 2]")
    # --resume rebuilds it from the finished parts, none here (session 36: it had left only --overwrite; without
    # --resume a batch with no finished part starts over in its place, as since session 35)
    notes: list[str] = []
    B.run_batch(spec(doc4), out, workers=1, resume=True, on_message=notes.append)
    assert any("not a batch manifest" in n and "rebuilt from its finished parts" in n for n in notes)


def test_workers_die_with_a_parent_killed_outright(file4, tmp_path):
    """SIGKILL cannot be handled: the kernel must take the pool's workers down with the parent (they used to
    hang on a full pipe, holding their memory)."""
    if sys.platform != "linux":
        pytest.skip("PR_SET_PDEATHSIG and /proc are Linux's")
    out = tmp_path / "k.parquet"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "from engine.cli import app; app()", "batch", str(file4),
                             "--games", "400", "--seed", "9", "--out", str(out), "--workers", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
            workers = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
            time.sleep(0.05)
        assert len(workers) == 2, "the pool did not start"
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
            time.sleep(0.05)
        left = [w for w in workers if Path(f"/proc/{w}").exists()
                and Path(f"/proc/{w}/stat").read_text().split()[2] != "Z"]
        assert not left, f"workers {left} outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_overlapping_set_and_sweep_and_a_lead_without_doctrine_are_refused(doc4):
    with pytest.raises(B.BatchError, match=r"both set combat\.cliff_up_modifier"):
        B.build_cells(doc4, [("set:combat.cliff_up_modifier", [-2, -3])], [("combat.cliff_up_modifier", -1)],
                      None, None, None)
    with pytest.raises(B.BatchError, match=r"both set units\.az_sf_1"):
        B.build_cells(doc4, [("set:units.az_sf_1.strength", [2, 3])], [("units.az_sf_1", {"present": False})],
                      None, None, None)
    with pytest.raises(B.BatchError, match="needs the doctrine attacker"):
        B.build_cells(doc4, [("attacker_lead", ["sf", "mech"])], [], None, "random", None)
    assert len(B.build_cells(doc4, [("attacker_lead", ["sf", "mech"])], [], None, None, None)) == 2


def test_cli_errors_keep_square_brackets_and_a_lead_needs_doctrine(file4):
    r = CliRunner().invoke(app, ["run", str(file4), "--attacker", "random", "--attacker-lead", "sf"])
    assert r.exit_code == 2 and "doctrine attacker" in r.output, r.output
    r = CliRunner().invoke(app, ["run", str(file4), "--set", "units.az_sf_1.type=[tank]"])
    assert r.exit_code == 2 and "[tank]" in r.output.replace("\n", ""), r.output


@pytest.mark.parametrize("as_pid_1", [False, True])
def test_a_worker_checks_its_own_parent_not_pid_1(as_pid_1):
    """In a container the batch itself may be PID 1: its workers, whose parent is then 1, must run (they
    all exited at once, 'a worker process died'); a worker whose recorded parent is gone must not."""
    if sys.platform != "linux":
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    # the child stands for a worker: its parent is this test (or, faked, PID 1) and is recorded as such
    parent = "1" if as_pid_1 else "os.getppid()"
    code = ("import os\nfrom engine import batch\n"
            + ("os.getppid = lambda: 1\n" if as_pid_1 else "")
            + f"batch._die_with_parent({parent})\nprint('ran')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and r.stdout.strip() == "ran", r.stderr
    gone = subprocess.run([sys.executable, "-c", "from engine import batch\nbatch._die_with_parent(999999999)\n"
                           "print('ran')"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert gone.returncode == 1 and "ran" not in gone.stdout


def test_a_results_folder_that_does_not_exist_is_created_and_said_so(file4, doc4, tmp_path) -> None:
    """A typo in --out must show: the folder is made (as before) with one line saying so, and only then."""
    out = tmp_path / "new" / "deeper" / "r.parquet"
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--out", str(out), "--workers", "1", "-q"])
    assert r.exit_code == 0, r.output
    said = [line for line in r.output.splitlines() if "created results folder" in line]
    assert said == [f"created results folder {out.parent}"] and out.exists()
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--out", str(out), "--workers", "1", "-q",
                                 "--overwrite"])
    assert r.exit_code == 0 and "created" not in r.output
    notes = []
    B.run_batch(spec(doc4, games=1), tmp_path / "api" / "r.parquet", workers=1, on_message=notes.append)
    assert notes == [f"created results folder {tmp_path / 'api'}"]
    # a folder that cannot be made is refused before any game, in one line
    played = []
    with pytest.raises(B.BatchError, match="cannot create the results folder /proc/no_such_dir"):
        B.run_batch(spec(doc4), Path("/proc/no_such_dir/r.parquet"), workers=1,
                    on_start=lambda t, d: played.append(t))
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--out", "/proc/no_such_dir/r.parquet"])
    assert r.exit_code == 2 and "Traceback" not in r.output and played == []
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --out /proc/no_such_dir/r.parquet: cannot create the "
                                                   "results folder /proc/no_such_dir (")


def test_a_report_folder_is_created_and_said_so_and_a_file_refused(doc4, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    B.run_batch(spec(doc4, games=1), out, workers=1)
    rep = tmp_path / "a" / "rep"
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert r.exit_code == 0 and f"created report folder {rep}" in r.output and (rep / "losses.png").exists()
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert r.exit_code == 0 and "created report folder" not in r.output
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(out)])
    assert r.exit_code == 2 and "is a file" in r.output and "Traceback" not in r.output
