"""The record of where a batch's games were played (`engine.runlog`, `R.parquet.runs.json`): right after a stopped
`--overwrite`, a `--resume` with nothing to resume, and a run that stopped once every game was played (session 41's
reviewer found each of these wrong)."""

from __future__ import annotations

import errno
import json
import shutil

import pytest
from conftest import short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app
from engine.runlog import read_runs, runs_path, runs_words


@pytest.fixture
def scen(tmp_path):
    p = tmp_path / "s.json"
    p.write_text(json.dumps(short_shusha_doc(2)))
    return p


def _args(scen, out, seed: int = 1, games: int = 3):
    return ["batch", str(scen), "--games", str(games), "--seed", str(seed), "--out", str(out), "--chunk", "1", "-q",
            "--workers", "1"]


def test_a_stopped_overwrite_leaves_the_finished_results_record_alone(scen, tmp_path, monkeypatch) -> None:
    out = tmp_path / "r.parquet"
    assert CliRunner().invoke(app, _args(scen, out)).exit_code == 0
    before, record = out.read_bytes(), read_runs(out)
    assert [r["outcome"] for r in record] == ["complete"] and record[0]["games_played"] == 3
    real = B.run_batch
    monkeypatch.setattr(B, "run_batch", lambda *a, **k: real(*a, **{**k, "stop_after_chunks": 1}))
    r = CliRunner().invoke(app, [*_args(scen, out, seed=9), "--overwrite"])
    assert r.exit_code != 0
    assert out.read_bytes() == before and read_runs(out) == record  # (the other batch's run is kept with it)
    monkeypatch.setattr(B, "run_batch", real)
    assert CliRunner().invoke(app, [*_args(scen, out, seed=9), "--resume"]).exit_code == 0
    runs = read_runs(out)  # (now the seed-9 batch's: its stopped run, then the one that finished it)
    assert [(r["outcome"], r["games_played"], r["games_resumed"]) for r in runs] == [("stopped", 1, 0),
                                                                                    ("complete", 2, 1)]
    assert all("--seed 9" in r["command"] for r in runs)
    assert not B.parts_dir(out).exists()  # (the record kept with the unfinished batch went with its parts)


def test_a_resume_with_nothing_to_resume_starts_a_fresh_record(scen, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    assert CliRunner().invoke(app, _args(scen, out)).exit_code == 0
    out.unlink()  # (the results gone, their record left: a stale one)
    assert CliRunner().invoke(app, [*_args(scen, out, seed=4), "--resume"]).exit_code == 0
    (run,) = read_runs(out)
    assert "--seed 4" in run["command"] and runs_words([run]) == "played in one run: 3 games in one process"


def test_a_run_stopped_at_the_csv_copy_is_recorded_beside_its_whole_results(scen, tmp_path, monkeypatch) -> None:
    out = tmp_path / "r.parquet"

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(B, "write_csv", full)
    r = CliRunner().invoke(app, [*_args(scen, out), "--csv", str(tmp_path / "r.csv")])
    assert r.exit_code != 0 and out.exists()
    (run,) = read_runs(out)
    assert (run["outcome"], run["games_played"]) == ("stopped", 3) and "disk full" in run["why"]
    assert runs_path(out).name == "r.parquet.runs.json"
    assert runs_words([run]) == "played in one run: 3 games in one process (stopped: a file could not be written)"
    monkeypatch.undo()  # (the disk has room again: the printed --resume finishes the CSV copy)
    r = CliRunner().invoke(app, [*_args(scen, out), "--csv", str(tmp_path / "r.csv"), "--resume"])
    assert r.exit_code == 0, r.output
    runs = read_runs(out)  # (the stopped run kept: a reviewer's --resume lost it)
    assert (runs[0]["outcome"], runs[0]["games_played"]) == ("stopped", 3), runs
    shutil.rmtree(B.parts_dir(out), ignore_errors=True)
