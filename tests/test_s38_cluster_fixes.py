"""Session 38 (an analyst on a Dask cluster): clear refusals of a bad --scheduler at once, the scenario's own
settings named as such in `wargame compare`, and a report that says when its scenario file has changed."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from test_batch_cell_labels_and_seeds import cli, flat

from engine import batch as B
from engine import report as R
from engine.compare import batch_differences, file_settings

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def test_an_empty_scheduler_is_refused(tmp_path) -> None:
    """An unset $SCHED in a script (`--scheduler ""`) played the batch on this machine without a word."""
    code, text = cli("batch", str(AMBUSH), "--games", "1", "--out", str(tmp_path / "e.parquet"), "--scheduler", "")
    assert code == 2 and "--scheduler is empty" in flat(text) and not (tmp_path / "e.parquet").exists()


def test_a_refused_port_and_an_unknown_host_are_said_at_once() -> None:
    """Both waited out distributed's whole timeout (~12 s) and read "nothing answered within 10 s"."""
    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(B.BatchError, match=f"connection refused \\(nothing listens on port {port} of 127.0.0.1"):
            B._probe_scheduler(f"tcp://127.0.0.1:{port}")
    with pytest.raises(B.BatchError, match=r"the host 'nonexistent\.invalid' is not known"):
        B._probe_scheduler("tcp://nonexistent.invalid:8786")
    B._probe_scheduler("not an address")  # (left to the client's own checks: "not a scheduler address")
    with socket.socket() as s:  # a port that listens: the probe lets the client connect
        s.bind(("127.0.0.1", 0))
        s.listen()
        B._probe_scheduler(f"tcp://127.0.0.1:{s.getsockname()[1]}")


def _summary(meta_batch: dict, tmp_path: Path, name: str) -> R.Summary:
    s = R.Summary(tmp_path / f"{name}.parquet", [], {"batch": meta_batch}, [])
    return s


def test_compare_names_the_scenarios_own_weather(tmp_path) -> None:
    """"--weather: study: none; clear: clear" of a batch that played the historical weather."""
    a = _summary({"weather": None, "seed": 1}, tmp_path, "study")
    b = _summary({"weather": "clear", "seed": 1}, tmp_path, "clear")
    assert batch_differences([a, b], ["study", "clear"]) == ["--weather: study: the scenario's; clear: clear"]

    class Cmp:
        def __init__(self) -> None:
            self.files = [a, b]

    assert file_settings(Cmp()) == ["--weather the scenario's", "--weather clear"]


def test_the_report_says_when_the_scenario_file_has_changed(tmp_path, monkeypatch) -> None:
    scen = tmp_path / "lesson.json"
    doc = json.loads(AMBUSH.read_text())
    scen.write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    out = B.run_batch(B.BatchSpec("lesson.json", doc, 2, 1), tmp_path / "r.parquet", workers=1).out
    assert not [w for w in R.summarize(out).warnings if "has changed" in w]
    doc["meta"]["description"] = "edited since"
    scen.write_text(json.dumps(doc))
    monkeypatch.chdir(Path(__file__).parent)  # (the recorded path is read from the folder the batch ran in)
    (w,) = [w for w in R.summarize(out).warnings if "has changed" in w]
    assert w.startswith("the scenario file lesson.json has changed since this batch was played (sha256 ")
    scen.unlink()
    assert not [w for w in R.summarize(out).warnings if "has changed" in w]  # (gone: nothing to say)


def test_a_local_cluster_says_nothing_when_port_8787_is_taken(recwarn) -> None:
    """distributed's "Port 8787 is already in use" UserWarning, with its file path, was printed under the batch."""
    pytest.importorskip("distributed")
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", 8787))
        except OSError:
            pytest.skip("port 8787 is in use here already")
        s.listen()
        client, cluster, quiet = B._connect_dask("local", 1)
        try:
            assert client.run(lambda: 1)
            # (on this machine only: ":0" alone listened on every interface, a reviewer found)
            bound = [sock.getsockname()[0] for sock in cluster.scheduler.http_server._sockets.values()]
            assert bound and set(bound) <= {"127.0.0.1"}, bound
        finally:
            B._close_dask(client, cluster, quiet)
    assert not [w for w in recwarn if "already in use" in str(w.message)]


def test_a_batch_into_a_file_says_its_progress_in_plain_lines(tmp_path) -> None:
    """Under nohup (stderr a file) a 115 s batch wrote only its final bar, at the end: now a plain line each tenth
    of the games (or 30 s), with this run's rate and the ETA it gives."""
    code, text = cli("batch", str(AMBUSH), "--games", "10", "--workers", "1", "--out", str(tmp_path / "p.parquet"))
    assert code == 0, text
    lines = [ln for ln in text.splitlines() if ln.startswith("games ")]
    assert lines[-1].startswith("games 10/10 (100%), ") and lines[-1].endswith("ETA 0:00:00"), lines
    assert len(lines) >= 3 and "games ━" not in text  # (no bar drawn into the file; a line a chunk here)
    code, text = cli("batch", str(AMBUSH), "--games", "10", "--workers", "1", "--out", str(tmp_path / "q.parquet"),
                     "--quiet")
    assert code == 0 and not [ln for ln in text.splitlines() if ln.startswith("games ")]


def test_the_objective_plot_says_its_lines_are_drawn_apart(tmp_path, monkeypatch) -> None:
    """An analyst read a line drawn just under 0% (and a 68% cell near 70%) as data: the plot's legend says how far
    the lines are drawn apart; a one-hex objective reads "the one hex", not "all 1 hexes"."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 3, 2,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,2,3")])
    out = B.run_batch(spec, tmp_path / "t.parquet", workers=1, turns=True).out
    s = R.summarize(out)
    seen = {}
    monkeypatch.setattr(R, "save_figure", lambda fig, path, dpi=0: seen.__setitem__("fig", fig))
    R.plot_objective_by_turn(s, tmp_path / "o.png")
    fig = seen["fig"]
    title = fig.legends[0].get_title().get_text()
    # (session 40: only cells with one and the same curve are drawn apart, and the legend says so only then)
    curves = [(tuple(c.by_turn.turns), tuple(c.by_turn.held_by), c.by_turn.n) for c in s.cells]
    most = max(curves.count(c) for c in curves)
    said = "so that each shows (a line just under 0% is at 0%)"
    assert (f"left: cells with the same curve drawn up to ±{1.6 * (most - 1) / 2:.1f} pt apart, {said}" in title
            if most > 1 else "drawn up to" not in title), title
    R.plot_objective_by_turn(R.Summary(s.path, [s.cells[0], s.cells[0]], s.meta, s.sweep_keys), tmp_path / "t.png")
    twin = seen["fig"].legends[0].get_title().get_text()  # (one curve twice)
    assert f"left: cells with the same curve drawn up to ±0.8 pt apart, {said}" in twin
    assert "held the one hex of Dashkend" in fig.axes[0].get_title()
