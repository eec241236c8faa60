"""Session 35 (an analyst's review): the summary files compare the cells on the defender's losses as they do on
the attacker's (a sweep of the defender's drones or guns is about what the defender loses as much)."""

from __future__ import annotations

import csv
import json
import math
import statistics
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from engine import batch as B
from engine import report as R
from engine.stats import t975

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def _play(out: Path, common: bool) -> Path:
    """The ambush lesson swept over the garrison's strength, 8 games a cell."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 8, 3,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,3")], common_seeds=common)
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("s35")
    return {"paired": _play(d / "paired.parquet", True), "unpaired": _play(d / "unpaired.parquet", False)}


def _column(path: Path, name: str) -> dict[int, list[tuple[int, float]]]:
    """{cell: [(seed, value)]} in game order, straight from the results rows."""
    t = pq.read_table(path).to_pylist()
    out: dict[int, list[tuple[int, float]]] = {}
    for r in sorted(t, key=lambda r: (r["cell"], r["game"])):
        out.setdefault(r["cell"], []).append((r["seed"], float(r[name])))
    return out


def _welch(a: list[float], b: list[float]) -> tuple[float, float, float]:
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    d = statistics.fmean(b) - statistics.fmean(a)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    h = t975(df) * math.sqrt(va + vb)
    return d, d - h, d + h


def _paired(a: list[float], b: list[float]) -> tuple[float, float, float]:
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    d = statistics.fmean(diffs)
    h = t975(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs))
    return d, d - h, d + h


def test_the_t_quantile_the_hand_computation_uses_is_students():
    """(Tables of Student's t: the hand computation below takes the engine's quantile, so it is checked here.)"""
    assert t975(7) == pytest.approx(2.364624, abs=1e-4) and t975(30) == pytest.approx(2.042272, abs=1e-4)


def _check(got: float, ci: list[float], want: tuple[float, float, float]) -> None:
    assert got == pytest.approx(want[0])
    assert ci == pytest.approx([want[1], want[2]], abs=1e-4)


@pytest.mark.parametrize("kind", ["unpaired", "paired"])
def test_the_defenders_loss_differences_match_a_hand_computation(runs, kind) -> None:
    path = runs[kind]
    s = R.summarize(path)
    assert s.ground_losses
    cells = R.cell_summaries(s)
    for side in ("attacker", "defender"):
        total = {k: [v for _, v in rows] for k, rows in _column(path, f"steps_lost_{side}_total").items()}
        ground = {k: [v for _, v in rows] for k, rows in _column(path, f"steps_lost_{side}_ground").items()}
        assert cells[0][f"steps_lost_{side}_vs_cell0"] is None
        assert cells[0][f"steps_lost_{side}_ground_vs_cell0"] is None
        _check(cells[1][f"steps_lost_{side}_vs_cell0"], cells[1][f"steps_lost_{side}_vs_cell0_ci"],
               _welch(total[0], total[1]))
        _check(cells[1][f"steps_lost_{side}_ground_vs_cell0"], cells[1][f"steps_lost_{side}_ground_vs_cell0_ci"],
               _welch(ground[0], ground[1]))
        if kind == "paired":
            seeds = _column(path, f"steps_lost_{side}_ground")
            assert [x for x, _ in seeds[0]] == [x for x, _ in seeds[1]]
            _check(cells[1][f"steps_lost_{side}_ground_vs_cell0_paired"],
                   cells[1][f"steps_lost_{side}_ground_vs_cell0_paired_ci"], _paired(ground[0], ground[1]))
        else:
            assert not any("paired" in k and "steps_lost" in k for k in cells[1])
    assert cells[1]["steps_lost_defender_ground_vs_cell0"] != 0  # (the sweep changes what the defender loses)


def test_the_summary_files_name_the_defenders_keys_beside_the_attackers(runs) -> None:
    s = R.summarize(runs["paired"])
    doc = json.loads(R.cells_json(s))
    for key in ("steps_lost_defender_ground_vs_cell0_ci", "steps_lost_defender_vs_cell0_ci",
                "steps_lost_defender_ground_vs_cell0_paired_ci"):
        assert key in doc["intervals"] and key in doc["cells"][1]
    assert "defender" in doc["intervals"]["steps_lost_defender_ground_vs_cell0_ci"]
    # the attacker's keys keep their names and meaning (the table's interval, every step not in the table)
    shown = doc["intervals"]["steps_lost_attacker_ground_vs_cell0_ci"]
    assert "the table's 'att. ground steps lost vs cell 0'" in shown
    assert "not in the table" in doc["intervals"]["steps_lost_attacker_vs_cell0_ci"]
    head = list(doc["cells"][1])
    for side in ("attacker", "defender"):
        assert head.index(f"steps_lost_{side}_vs_cell0") + 1 == head.index(f"steps_lost_{side}_vs_cell0_ci")
    assert head.index("steps_lost_attacker_vs_cell0_ci") + 1 == head.index("steps_lost_defender_vs_cell0")
    assert head.index("steps_lost_attacker_ground_vs_cell0_paired_ci") + 1 == head.index(
        "steps_lost_defender_ground_vs_cell0_paired")


def test_the_report_says_where_the_defenders_differences_are(runs) -> None:
    for kind, paired in (("paired", True), ("unpaired", False)):
        md = R.report_markdown(R.summarize(runs[kind]))
        assert "the defender's difference is in summary.csv/summary.json: steps_lost_defender_ground_vs_cell0" in md
        assert ("steps_lost_defender_ground_vs_cell0_paired" in md) is paired


def test_summary_csv_has_the_defenders_columns(runs, tmp_path) -> None:
    s = R.summarize(runs["unpaired"])
    R.write_summary(s, tmp_path)
    text = (tmp_path / "summary.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert rows[0]["steps_lost_defender_vs_cell0"] == "" and rows[1]["steps_lost_defender_ground_vs_cell0_ci_low"]
