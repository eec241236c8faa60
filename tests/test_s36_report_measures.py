"""`wargame batch` records a lesson's measures in the results' metadata and `wargame report` gives them per cell (an
educator's batch report had the lesson's point only as columns of the Parquet file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app
from engine.report import measure_rows, summarize, write_report
from engine.scenario import load_scenario

LESSONS = Path(__file__).resolve().parent.parent / "scenarios" / "lessons"
ROAD = '[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]'


def _ambush_batch(tmp_path: Path, games: int = 12) -> Path:
    out = tmp_path / "amb.parquet"
    scen = load_scenario(LESSONS / "ambush.json")
    spec = B.BatchSpec(str(LESSONS / "ambush.json"), scen.raw, games, 3,
                       sweeps=[B.parse_sweep(f"set:sides.attacker.no_go=[],{ROAD}")])
    B.run_batch(spec, out, workers=1)
    return out


def test_the_report_gives_each_measure_per_cell_from_the_games(tmp_path: Path) -> None:
    out = _ambush_batch(tmp_path)
    meta = json.loads(pq.read_schema(out).metadata[b"wargame_batch"])
    assert meta["measures"][0]["score"] == "losses_by_cause.attacker.ambush"
    s = summarize(out)
    head, rows = measure_rows(s)
    assert head[0] == "measure" and head[-1] == "the lesson expects" and len(head) == 2 + len(s.cells)
    table = pq.read_table(out).to_pydict()
    for k, c in enumerate(s.cells):
        lost = [v for v, cell in zip(table["losses_attacker_ambush"], table["cell"], strict=True) if cell == c.cell]
        assert rows[0][1 + k].startswith(f"{sum(lost) / len(lost):.1f} ")
    assert rows[0][2].startswith("0.0")  # (the road: no ambush)
    written = write_report(s, tmp_path / "rep")
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## What the lesson measures" in md and "Red's steps lost to ambush" in md
    assert written is not None


def test_a_scenario_without_measures_has_no_such_table(tmp_path: Path, monkeypatch: Any) -> None:
    out = tmp_path / "plain.parquet"
    scen = load_scenario(LESSONS / "ambush.json")
    doc = json.loads(json.dumps(scen.raw))
    doc["meta"].pop("measures")
    B.run_batch(B.BatchSpec("x.json", doc, 2, 3), out, workers=1)
    assert "measures" not in json.loads(pq.read_schema(out).metadata[b"wargame_batch"])
    assert measure_rows(summarize(out)) is None
    res = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "r")])
    assert res.exit_code == 0 and "What the lesson measures" not in res.output


def test_wargame_report_prints_the_measures(tmp_path: Path) -> None:
    out = _ambush_batch(tmp_path, games=4)
    res = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "What the lesson measures" in res.output and "Ambushes sprung by blue" in res.output
