"""Session 32 (analyst's review, second batch): `wargame report --baseline K`, differences against any cell of a
multi-factor sweep, not only cell 0."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_batch_cell_labels_and_seeds import cli, flat

from engine import batch as B
from engine import report as R

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def play(out: Path, seed: int, common_seeds: bool = False, games: int = 6) -> Path:
    """The ambush lesson swept over the garrison's strength, three cells of `games` games."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), games, seed,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,2,3")], common_seeds=common_seeds)
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("s32b")
    return {"plain": play(d / "plain.parquet", 3), "common": play(d / "common.parquet", 4, common_seeds=True)}


def test_baseline_takes_every_table_difference_against_cell_k(files) -> None:
    s = R.summarize(files["plain"], baseline=2)
    head, rows = R.table_rows(s)
    assert "wins vs cell 2 [95% CI]" in head and not [h for h in head if "cell 0" in h]
    i = head.index("wins vs cell 2 [95% CI]")
    base = s.cells[2]
    assert rows[2][i] == "—"  # (the baseline against itself)
    for k in (0, 1):
        want = R.fmt_pts_difference(R.win_rate_difference(base, s.cells[k]))
        assert rows[k][i] == want
    j = head.index(R.welch_head(s))
    assert "vs cell 2" in head[j]
    want = R.fmt_difference(R.welch_difference(base.casualties("attacker"), s.cells[0].casualties("attacker")))
    assert rows[0][j] == want and rows[2][j] == "—"
    md = R.report_markdown(s)
    assert "differences are vs cell 2 (" in md and "'wins vs cell 2'" in md and "vs cell 0" not in md


def test_default_baseline_is_cell_0_as_before(files) -> None:
    s = R.summarize(files["plain"])
    head, rows = R.table_rows(s)
    assert "wins vs cell 0 [95% CI]" in head and rows[0][head.index("wins vs cell 0 [95% CI]")] == "—"
    assert "wins_vs_cell0" in R.cell_summaries(s)[1]


def test_summary_files_name_their_differences_for_the_baseline(files) -> None:
    s = R.summarize(files["plain"], baseline=1)
    cells = R.cell_summaries(s)
    assert not [k for d in cells for k in d if "vs_cell0" in k]
    d, lo, hi = R.win_rate_difference(s.cells[1], s.cells[2])
    assert cells[2]["wins_vs_cell1"] == pytest.approx(d) and cells[2]["wins_vs_cell1_ci"] == pytest.approx([lo, hi])
    assert cells[1]["wins_vs_cell1"] is None
    doc = json.loads(R.cells_json(s))
    assert doc["baseline"] == 1 and "wins_vs_cell1_ci" in doc["intervals"]
    assert "cell 1's" in doc["intervals"]["wins_vs_cell1_ci"]
    header = next(csv.reader(io.StringIO(R.cells_csv(s))))
    assert "wins_vs_cell1_ci_low" in header and "wins_vs_cell0" not in header


def test_paired_differences_follow_the_baseline(files) -> None:
    """--common-seeds: cells 0 and 2 pair with cell 1 and are compared game by game, with the same function."""
    s = R.summarize(files["common"], baseline=1)
    assert sorted(R.cells_paired(s)) == [0, 2]
    head, rows = R.table_rows(s)
    i = head.index("wins vs cell 1 [95% CI]")
    pairs = R.paired_games(s.cells[1], s.cells[0])
    assert pairs is not None
    want = R.paired_win_difference(pairs)
    assert rows[0][i] == ("—" if want is None else R.fmt_pts_difference(want, paired=True))
    assert "mean turn taken vs cell 1 [95% CI]" in head
    cells = R.cell_summaries(s)
    assert cells[0]["paired_vs_cell1"] is True and cells[1]["paired_vs_cell1"] is False


def test_cli_baseline(files, tmp_path) -> None:
    code, out = cli("report", str(files["plain"]), "--out", str(tmp_path / "rep"), "--baseline", "2")
    assert code == 0, out
    assert "vs cell 2" in flat(out)
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "wins vs cell 2 [95% CI]" in md


@pytest.mark.parametrize("k", ["3", "-1"])
def test_cli_refuses_a_baseline_that_is_not_a_cell(files, tmp_path, k) -> None:
    code, out = cli("report", str(files["plain"]), "--out", str(tmp_path / "rep"), "--baseline", k)
    assert code == 2
    assert f"--baseline {k}: " in flat(out) and "cells: 0, 1, 2" in flat(out)
    assert not (tmp_path / "rep").exists()


def test_help_names_the_baseline_option() -> None:
    code, out = cli("report", "--help")
    assert code == 0 and "--baseline" in out
