"""Session-23 robustness review (/tmp/s23/robust/REVIEW.md): outputs that would replace the scenario or another
file, a report that trusts what it reads or is left half-written, too many workers, malformed orders in a save,
an agent import path that fails in the game, two batches on one --out, a save given as a scenario."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import TINY_PATH, tiny_dict
from test_cli_robust import one_line_error
from typer.testing import CliRunner

import engine.batch as B
import engine.report as R
from engine.cli import app

TINY = str(TINY_PATH)
ROOT = Path(__file__).resolve().parents[1]


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


@pytest.fixture
def no_games(monkeypatch):
    """Fail the test if a game is played: the checks must come first."""
    import engine.game

    def boom(*a, **k):
        raise AssertionError("a game was played before the options were checked")

    monkeypatch.setattr(engine.game, "play_game", boom)
    monkeypatch.setattr(B, "run_batch", boom)


def spec(games: int = 4, doc: dict | None = None, **kw) -> B.BatchSpec:
    return B.BatchSpec(TINY, doc or tiny_dict(), games, 1, **kw)


# ---------------------------------------------------------------------------------- #1 run --save / --log
@pytest.mark.parametrize("opt", ["--save", "--log"])
def test_run_never_writes_over_its_scenario(opt, tmp_path, no_games):
    scen = tmp_path / "live.json"
    shutil.copy(TINY_PATH, scen)
    before = scen.read_bytes()
    for path, extra in ((scen, []), (tmp_path / "." / "live.json", ["--overwrite"])):  # (--overwrite or not)
        msg = one_line_error(invoke(["run", str(scen), opt, str(path), *extra]))
        assert f"{opt} {path} is the scenario file itself" in msg
    link = tmp_path / "link.json"
    os.link(scen, link)  # (another name of the same file)
    msg = one_line_error(invoke(["run", str(scen), opt, str(link), "--overwrite"]))
    assert "is the scenario file itself" in msg
    assert scen.read_bytes() == before


@pytest.mark.parametrize("opt", ["--save", "--log"])
def test_run_replaces_an_existing_output_only_with_overwrite(opt, tmp_path):
    out = tmp_path / "old.json"
    out.write_text("my notes\n")
    msg = one_line_error(invoke(["run", TINY, opt, str(out)]))
    assert f"{opt} {out} exists already and would be replaced" in msg and "--overwrite" in msg
    assert out.read_text() == "my notes\n"
    res = invoke(["run", TINY, opt, str(out), "--overwrite"])
    assert res.exit_code == 0, res.output
    assert out.read_text() != "my notes\n"
    if os.path.exists(os.devnull):  # (a device is written into, not replaced)
        assert invoke(["run", TINY, opt, os.devnull]).exit_code == 0


# ------------------------------------------------------------------------------------------- #5 report
@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("r23") / "r.parquet"
    B.run_batch(spec(4), out, workers=1)
    return out


def rewrite(src: Path, dst: Path, edit) -> Path:
    t = pq.read_table(src)
    pq.write_table(edit(t), dst)
    return dst


def with_column(t: pa.Table, name: str, values: list, type_: pa.DataType | None = None) -> pa.Table:
    i = t.column_names.index(name)
    return t.set_column(i, name, pa.array(values, type_ or t.schema.field(name).type))


def test_report_counts_unknown_winners_apart_and_warns(results, tmp_path):
    bad = rewrite(results, tmp_path / "w.parquet",
                  lambda t: with_column(t, "winner", ["martian", "martian", *t.column("winner").to_pylist()[2:]]))
    s = R.summarize(bad)
    (c,) = s.cells
    good = R.summarize(results).cells[0]
    assert c.n == 4 and c.unknown_winners == {"martian": 2} and c.decided == 2
    rest = pq.read_table(results).column("winner").to_pylist()[2:]
    assert c.attacker_wins == rest.count("attacker") and c.win_rate == rest.count("attacker") / 2
    assert good.decided == good.n and not good.unknown_winners
    (w,) = s.warnings
    assert "column winner" in w and "'martian' in 2 rows" in w and "left out of the win rates" in w
    res = invoke(["report", str(bad), "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    assert "warning: column winner: unexpected value 'martian'" in " ".join(res.stderr.split())
    summary = json.loads((tmp_path / "rep" / "summary.json").read_text())
    assert summary["cells"][0]["unknown_winner_games"] == 2
    assert "Warning:" in (tmp_path / "rep" / "report.md").read_text()
    # every winner unknown: no win rate at all, rather than 0%
    none = rewrite(results, tmp_path / "w0.parquet", lambda t: with_column(t, "winner", ["x"] * t.num_rows))
    s = R.summarize(none)
    assert s.cells[0].decided == 0 and R.table_rows(s)[1][0][2] == "—"
    assert R.cell_summaries(s)[0]["attacker_win_rate"] is None


def test_report_refuses_repeated_games(results, tmp_path):
    dup = rewrite(results, tmp_path / "d.parquet", lambda t: pa.concat_tables([t, t.slice(0, 2)]))
    with pytest.raises(R.ReportError, match=r"2 row\(s\) repeat a \(cell, game\).*cell 0 game 0 \(2 times\)"):
        R.summarize(dup)
    msg = one_line_error(invoke(["report", str(dup), "--out", str(tmp_path / "rep")]))
    assert "cell 0 game 1 (2 times)" in msg and "keep one row per (cell, game)" in msg
    assert not (tmp_path / "rep").exists()


@pytest.mark.parametrize("column, values, type_, says", [
    ("end_turn", ["6", "6", "6", "6"], pa.string(), "column end_turn holds string values"),
    ("winner", [1, 2, 1, 2], pa.int64(), "column winner holds int64 values"),
    ("cell", [None] * 4, pa.int32(), "column cell is empty (null) in 4 row(s)"),
    ("steps_lost_attacker_total", [1.5, 1.0, 0.0, 2.0], pa.float64(), "column steps_lost_attacker_total holds 1.5"),
])
def test_report_names_a_column_of_the_wrong_type(results, tmp_path, column, values, type_, says):
    bad = rewrite(results, tmp_path / "t.parquet", lambda t: with_column(t, column, values, type_))
    msg = one_line_error(invoke(["report", str(bad), "--out", str(tmp_path / "rep")]))
    assert says in msg and str(bad) in msg


def test_report_reads_whole_floats_as_integers(results, tmp_path):
    """A file rewritten by pandas (integers with nulls become floats, NaN for null) reads as the batch's."""
    t = pq.read_table(results)
    turns = t.column("objective_taken_turn").to_pylist()
    floats = rewrite(results, tmp_path / "f.parquet", lambda t: with_column(
        t, "objective_taken_turn", [float("nan") if v is None else float(v) for v in turns], pa.float64()))
    assert R.summarize(floats).cells[0].capture_turns == R.summarize(results).cells[0].capture_turns


# ------------------------------------------------------------------------------------------- #6 report
def test_a_report_that_fails_halfway_leaves_the_earlier_one_whole(results, tmp_path, monkeypatch):
    rep = tmp_path / "rep"
    assert invoke(["report", str(results), "--out", str(rep), "--html"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in rep.iterdir()}
    assert "outcomes.png" in before and "report.html" in before
    other = rewrite(results, tmp_path / "o.parquet",
                    lambda t: with_column(t, "winner", ["defender"] * t.num_rows).drop_columns(["outcome"]))

    def disk_full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(R, "write_markdown", disk_full)  # (after the plots and summaries were written)
    # (another results file's report: replaced only with --overwrite, session 40)
    msg = one_line_error(invoke(["report", str(other), "--out", str(rep), "--html", "--overwrite"]))
    assert "No space left on device" in msg and "was left as it was" in msg
    assert {p.name: p.read_bytes() for p in rep.iterdir()} == before  # no new file, none lost, no temp
    monkeypatch.undo()
    res = invoke(["report", str(other), "--out", str(rep), "--overwrite"])  # then it works: the old outcome plot
    # and page go
    assert res.exit_code == 0, res.output
    names = {p.name for p in rep.iterdir()}
    assert "outcomes.png" not in names and "report.html" not in names and "report.md" in names
    assert (rep / "win_rate.png").read_bytes() != before["win_rate.png"]


def test_a_failed_first_report_leaves_no_folder(results, tmp_path, monkeypatch):
    monkeypatch.setattr(R, "write_summary", lambda *a: (_ for _ in ()).throw(OSError(errno.EACCES, "denied")))
    msg = one_line_error(invoke(["report", str(results), "--out", str(tmp_path / "new")]))
    assert "nothing was written" in msg and not (tmp_path / "new").exists()


def test_plots_are_written_atomically(results, tmp_path, monkeypatch):
    """A plot whose drawing fails halfway (`savefig` raising) leaves the earlier file as it was."""
    import matplotlib.figure

    s = R.summarize(results)
    path = tmp_path / "win_rate.png"
    path.write_bytes(b"old plot")

    def half(self, fh, **kw):
        fh.write(b"half a PNG")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", half)
    with pytest.raises(OSError):
        R.plot_win_rate(s, path)
    assert path.read_bytes() == b"old plot" and [p.name for p in tmp_path.iterdir()] == ["win_rate.png"]


# ------------------------------------------------------------------------------------------ #8 workers
def test_no_more_workers_than_tasks(tmp_path, monkeypatch):
    import concurrent.futures as cf

    started = []

    class Recording(cf.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **kw):
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", Recording)
    B.run_batch(spec(2), tmp_path / "r.parquet", workers=50)
    assert started == [2]


def test_batch_notes_more_workers_than_cores(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    res = invoke(["batch", TINY, "--games", "2", "--workers", "8", "--out", str(tmp_path / "r.parquet"), "-q"])
    assert res.exit_code == 0, res.output
    assert "note: --workers 8 on a 2-core machine" in " ".join(res.stderr.split())


# ------------------------------------------------------------------------------------ #10 order in a save
@pytest.mark.parametrize("bad, says", [({"order": "Bogus"}, "not a valid order"), (None, "not a valid order: None"),
                                       ({"order": "Move", "unit": "x"}, "order Move lacks field")])
def test_a_malformed_order_in_a_save_names_the_file_and_its_number(tmp_path, bad, says):
    from engine.errors import SaveFormatError
    from engine.savegame import load_game

    save = tmp_path / "g.save.json"
    assert invoke(["run", TINY, "--save", str(save)]).exit_code == 0
    doc = json.loads(save.read_text())
    doc["orders"].insert(1, bad)
    save.write_text(json.dumps(doc))
    with pytest.raises(SaveFormatError) as e:
        load_game(save)
    assert str(e.value).startswith(f"{save}: order 1: ") and says in str(e.value)


# ----------------------------------------------------------------------------------------- #14 agents
@pytest.fixture
def os_system_scenario(tmp_path) -> Path:
    doc = tiny_dict()
    doc["sides"]["attacker"]["agent"] = "os:system"
    p = tmp_path / "agent.json"
    p.write_text(json.dumps(doc))
    return p


def test_run_names_the_scenario_field_of_an_agent_that_fails(os_system_scenario, no_games):
    msg = one_line_error(invoke(["run", str(os_system_scenario)]))
    assert f"{os_system_scenario}: $.sides.attacker.agent: agent 'os:system'" in msg and "not a class" in msg


def test_batch_names_the_scenario_field_before_any_game(os_system_scenario, tmp_path, no_games):
    msg = one_line_error(invoke(["batch", str(os_system_scenario), "--games", "2", "--out",
                                 str(tmp_path / "r.parquet")]))
    assert f"{os_system_scenario}: $.sides.attacker.agent: agent 'os:system'" in msg
    msg = one_line_error(invoke(["batch", TINY, "--games", "2", "--out", str(tmp_path / "r.parquet"),
                                 "--set", "sides.attacker.agent=os:system"]))
    assert msg.startswith("error: --set sides.attacker.agent: agent 'os:system'")


def test_play_game_names_where_the_agent_came_from():
    from engine.game import play_game
    from engine.scenario import scenario_from_dict

    doc = tiny_dict()
    doc["sides"]["defender"]["agent"] = "os:system"
    scen = scenario_from_dict(doc, check_agents=False)
    with pytest.raises(ValueError, match=r"^\$\.sides\.defender\.agent: agent 'os:system'"):
        play_game(scen, 1)
    with pytest.raises(ValueError, match=r"^the attacker agent: agent 'os:path'"):
        play_game(scen, 1, agents={"attacker": "os:path", "defender": "passive"})


@pytest.mark.parametrize("cmd", [["run", TINY], ["batch", TINY, "--games", "2"]])
@pytest.mark.parametrize("opt", ["--attacker", "--defender"])
def test_an_empty_agent_option_is_refused(cmd, opt, tmp_path, no_games):
    extra = ["--out", str(tmp_path / "r.parquet")] if cmd[0] == "batch" else []
    msg = one_line_error(invoke([*cmd, *extra, opt, ""]))
    assert f"{opt} is empty" in msg
    with pytest.raises(B.BatchError, match=f"{opt} is empty"):
        B.plan(spec(2, **{opt[2:]: " "}), 1)


# ------------------------------------------------------------------------------------- #15 batch lock
HOLD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from engine.batch import BatchLock
    out = Path(sys.argv[1])
    BatchLock(out.with_name(out.name + ".parts"), out).__enter__()
    if sys.argv[2] == "fork":  # a worker forked while the lock was held, that outlives the batch
        r, w = os.pipe()
        child = os.fork()
        if child == 0:
            BatchLock.close_inherited()  # (what `_worker_init` does)
            os.write(w, b"x")
            time.sleep(60)
            os._exit(0)
        os.read(r, 1)
        print(child, flush=True)
    print("locked", flush=True)
    time.sleep(60)
""")


def hold_lock(out: Path, fork: bool = False) -> tuple[subprocess.Popen, int | None]:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "fork" if fork else "-"], stdout=subprocess.PIPE,
                         text=True, cwd=ROOT)
    child = int(p.stdout.readline()) if fork else None
    assert p.stdout.readline().strip() == "locked"
    return p, child


def test_a_second_batch_on_the_same_out_is_refused_at_once(tmp_path):
    out = tmp_path / "r.parquet"
    holder, _ = hold_lock(out)
    try:
        t0 = time.monotonic()
        with pytest.raises(B.BatchError, match=rf"another wargame batch \(pid {holder.pid}\) is writing {out}"):
            B.run_batch(spec(2), out, workers=1, resume=True)
        assert time.monotonic() - t0 < 5  # (refused at once, not after playing)
        msg = one_line_error(invoke(["batch", TINY, "--games", "2", "--seed", "1", "--out", str(out), "--resume"]))
        assert f"another wargame batch (pid {holder.pid})" in msg
    finally:
        holder.kill()
        holder.wait()
    # killed outright: its lock file is left, but holds no lock; the next batch takes it over, and cleans up
    assert (B.parts_dir(out) / B.LOCK).exists()
    B.run_batch(spec(2), out, workers=1, resume=True)
    assert pq.read_table(out).num_rows == 2 and not B.parts_dir(out).exists()


def test_in_one_process_too(tmp_path):
    out = tmp_path / "r.parquet"
    with B.BatchLock(B.parts_dir(out), out):
        with pytest.raises(B.BatchError, match=f"pid {os.getpid()}"):
            B.BatchLock(B.parts_dir(out), out).__enter__()
    assert not B.parts_dir(out).exists()  # released: the file and the empty folder removed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers")
def test_a_forked_worker_does_not_keep_the_lock_of_a_killed_batch(tmp_path):
    out = tmp_path / "r.parquet"
    holder, child = hold_lock(out, fork=True)
    try:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        os.kill(child, 0)  # (the worker still runs)
        with B.BatchLock(B.parts_dir(out), out):
            pass
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_resume_after_sigkill_of_a_batch_with_workers(tmp_path):
    """The real thing: a batch on 2 workers killed outright (SIGKILL) mid-run is resumed at once."""
    out = tmp_path / "r.parquet"
    args = ["batch", TINY, "--games", "400", "--workers", "2", "--chunk", "5", "--out", str(out), "-q"]
    p = subprocess.Popen([sys.executable, "-c", "from engine.cli import main; main()", *args], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = B.parts_dir(out)
    deadline = time.monotonic() + 60
    while not list(parts.glob("part-*.parquet")) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if out.exists():
        pytest.skip("the batch finished before it was killed")
    res = invoke([*args, "--resume"])
    assert res.exit_code == 0, res.output
    assert pq.read_table(out).num_rows == 400 and not parts.exists()


# ----------------------------------------------------------------------------- #16 a save as scenario
@pytest.fixture(scope="module")
def save_and_log(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("s23")
    save, log = folder / "g.save.json", folder / "g.jsonl"
    res = CliRunner().invoke(app, ["run", TINY, "--save", str(save), "--log", str(log)])
    assert res.exit_code == 0, res.output
    return save, log


@pytest.mark.parametrize("cmd", ["validate", "run", "batch"])
def test_a_save_or_a_log_given_as_scenario_says_what_it_is(cmd, save_and_log, tmp_path, no_games):
    save, log = save_and_log
    extra = ["--out", str(tmp_path / "r.parquet")] if cmd == "batch" else []
    msg = one_line_error(invoke([cmd, str(save), *extra]))
    assert "looks like a save file, not a scenario" in msg
    assert f"wargame play --load {save}" in msg and f"wargame replay {save}" in msg
    msg = one_line_error(invoke([cmd, str(log), *extra]))
    assert "looks like an event log" in msg and f"wargame replay {log} --scenario" in msg
