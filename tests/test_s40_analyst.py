"""Session 40's analyst: the losses' scale (the steps each side brings in), where the numbers come from in
summary.csv, the conditions a batch without options played under, the engine's code changed since, a report folder
of another study refused, a report of a piece of an unfinished batch or of one still being written said so."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine import batch as B
from engine import report as R
from engine.cli import app as cli

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("s40_analyst")
    out = d / "r.parquet"
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 6, 3,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,2")])
    B.run_batch(spec, out, workers=1)
    return out


def test_the_metadata_records_each_cells_steps_and_the_libraries(results: Path) -> None:
    meta = json.loads(pq.read_schema(results).metadata[b"wargame_batch"])
    import platform

    import numpy as np

    assert meta["python"] == platform.python_version() and meta["numpy"] == np.__version__
    doc = json.loads(AMBUSH.read_text())
    for cell, gar in zip(meta["cells"], (1, 2), strict=True):
        want = {"attacker": {"ground": 0, "air": 0}, "defender": {"ground": 0, "air": 0}}
        from engine.scenario import scenario_from_dict

        scen = scenario_from_dict(doc)
        for u in scen.units:
            ut = scen.unit_table[u.type]
            n = gar if u.id == "blue_gar" else (ut.max_steps if u.strength is None else u.strength)
            if u.present and not u.offmap and u.arrives_turn <= scen.turns:
                want[u.side]["air" if ut.domain == "air" else "ground"] += n
        assert cell["start_steps"] == want


def test_the_table_and_summary_give_the_losses_scale_and_the_summary_its_source(results: Path, tmp_path: Path
                                                                                ) -> None:
    s = R.summarize(results)
    head, rows = R.table_rows(s)
    col = head.index(R.losses_head(s))
    for c, row in zip(s.cells, rows, strict=True):
        att, dfd = c.start_steps["attacker"]["ground"], c.start_steps["defender"]["ground"]
        assert row[col].endswith(f" of {att}/{dfd}")
    R.write_summary(s, tmp_path)
    got = list(csv.DictReader((tmp_path / "summary.csv").open()))
    for c, r in zip(s.cells, got, strict=True):
        ground = c.start_steps["defender"]["ground"]
        assert int(r["start_steps_defender_ground"]) == ground
        share = float(r["steps_lost_defender_ground_share"])
        assert share == pytest.approx(sum(c.ground_steps_lost["defender"]) / len(c.ground_steps_lost["defender"])
                                      / ground)
        assert r["engine_version"] and r["engine_code"] == s.meta["engine_code"]
        assert r["scenario_sha256"] == s.meta["batch"]["scenario_sha256"] and r["base_seed"] == "3"


def test_a_report_says_the_conditions_and_whether_the_engine_changed(results: Path, monkeypatch: Any) -> None:
    s = R.summarize(results)
    assert s.conditions == "weather historical; AIs: attacker doctrine, defender passive"
    assert "Conditions: weather historical; AIs: attacker doctrine, defender passive." in R.report_markdown(s)
    assert not any("engine's code has changed" in w for w in s.warnings)
    monkeypatch.setattr(B, "engine_code", lambda: "0123456789abcdef")
    s = R.summarize(results)
    assert any(w.startswith("the engine's code has changed since this batch was played") for w in s.warnings)


def test_a_report_folder_of_another_results_file_is_refused_without_overwrite(results: Path, tmp_path: Path
                                                                              ) -> None:
    other = tmp_path / "other.parquet"
    other.write_bytes(results.read_bytes())
    out = tmp_path / "rep"
    run = CliRunner().invoke
    assert run(cli, ["report", str(results), "--out", str(out)]).exit_code == 0
    assert run(cli, ["report", str(results), "--out", str(out)]).exit_code == 0  # (its own: written again)
    r = run(cli, ["report", str(other), "--out", str(out)])
    assert r.exit_code == 2 and "holds the report of another results file" in " ".join(r.output.split())
    assert json.loads((out / "summary.json").read_text())["results"] == str(results)
    r = run(cli, ["report", str(other), "--out", str(out), "--overwrite"])
    assert r.exit_code == 0 and json.loads((out / "summary.json").read_text())["results"] == str(other)


def test_a_piece_of_an_unfinished_batch_and_a_batch_being_written_are_said(results: Path, tmp_path: Path) -> None:
    parts = tmp_path / "big.parquet.parts"
    parts.mkdir()
    piece = parts / "part-c0000-g000000.parquet"
    piece.write_bytes(results.read_bytes())
    s = R.summarize(piece)
    assert any("is one piece of an unfinished batch (its results file big.parquet" in w for w in s.warnings)
    assert not any("one piece" in w for w in R.summarize(results).warnings)
    with pytest.raises(R.ReportError, match="holds an unfinished batch: complete it"):
        R.summarize(tmp_path / "big.parquet")
    import subprocess
    import sys

    holder = subprocess.Popen(  # (another process holds the lock, as a running batch does)
        [sys.executable, "-c", "import sys; from pathlib import Path; from engine.batch import BatchLock\n"
         f"with BatchLock(Path({str(parts)!r}), Path('big.parquet')):\n"
         "    print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        assert B.batch_writing(parts) == str(holder.pid)
        with pytest.raises(R.ReportError, match=f"a wargame batch \\(pid {holder.pid}\\) is writing it now: wait"):
            R.summarize(tmp_path / "big.parquet")
    finally:
        holder.communicate("")
    assert B.batch_writing(parts) is None


def test_off_map_guns_are_not_counted_in_the_steps_a_side_brings() -> None:
    """A reviewer: Shusha's off-map artillery (3 steps) was in the defender's 48, though it loses none."""
    from engine.scenario import load_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"
    scen = load_scenario(path)
    got = B.cell_start_steps(scen)
    assert [u.id for u in scen.units if u.side == "defender" and u.offmap] == ["arm_art_offmap"]
    assert got["defender"]["ground"] == 45  # (48 with the off-map battery's 3 steps)


def test_compare_gives_the_paired_difference_over_the_games_two_batches_share(tmp_path: Path) -> None:
    """An analyst compared a 300-game and a 150-game batch of one --seed: the table treats them as independent, and
    the note that they share 150 seeds gave no number. It gives the paired difference over those games."""
    from engine.compare import compare_files, compare_notes
    from engine.report import paired_win_difference

    doc = json.loads(AMBUSH.read_text())
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    B.run_batch(B.BatchSpec(str(AMBUSH), doc, 12, 5), a, workers=1)
    B.run_batch(B.BatchSpec(str(AMBUSH), doc, 6, 5, sets=[B.parse_set("units.blue_gar.strength=1")]), b, workers=1)
    cmp = compare_files([a, b])
    first, other = cmp.groups[0][0], cmp.groups[0][1]
    # (a known answer, with its sign: a's shared games all lost by the attacker, b's all won: +100 pts, b minus a)
    for g in other.games:
        first.games[g] = first.games[g]._replace(winner="defender")
        other.games[g] = other.games[g]._replace(winner="attacker")
    d, lo, hi = paired_win_difference([(first.games[g], other.games[g]) for g in sorted(other.games)])
    assert d == 1.0 and 0 < lo < hi <= 1
    notes = " ".join(compare_notes(cmp))
    assert (f"b shares the seeds of 6 of its games, game for game, with a's (paired over those games, attacker "
            f"wins +100 pts [{R.fmt_pts(lo)}, +100] from a's)") in notes, notes


def test_the_summaries_give_the_ground_losses_interval(results: Path, tmp_path: Path) -> None:
    """An analyst: the artillery missions had their intervals in the summaries, the ground losses only sd and se."""
    from engine.report import mean_interval

    s = R.summarize(results)
    R.write_summary(s, tmp_path)
    rows = list(csv.DictReader((tmp_path / "summary.csv").open()))
    for c, r in zip(s.cells, rows, strict=True):
        _, lo, hi = mean_interval(c.ground_steps_lost["attacker"])
        assert float(r["steps_lost_attacker_ground_ci_low"]) == pytest.approx(lo)
        assert float(r["steps_lost_attacker_ground_ci_high"]) == pytest.approx(hi)
        assert lo <= float(r["steps_lost_attacker_ground_mean"]) <= hi
    got = json.loads((tmp_path / "summary.json").read_text())
    assert "steps_lost_<side>_ground_ci" in got["intervals"]
