"""Session 37, an analyst's review of `wargame batch` and `wargame report`: each finding pinned down."""

from __future__ import annotations

import json

import pytest
from conftest import short_shusha_doc

from engine import batch as B


def test_an_interrupted_common_seeds_batch_with_logs_resumes(tmp_path) -> None:
    """With --common-seeds every cell plays cell 0's seeds; the check for foreign logs named the batch's own logs of
    cells 1 and up with each cell's own seeds, so the resume the batch itself printed was refused ("holds 159 event
    logs of another batch of this --out"), and --overwrite would have thrown the finished games away."""
    doc = short_shusha_doc(2)
    spec = B.BatchSpec("short.json", doc, 2, 5, sweeps=[("weather", ["historical", "clear"])], common_seeds=True)
    out, logs = tmp_path / "r.parquet", tmp_path / "logs"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec, out, workers=1, chunk=1, logs_dir=str(logs), stop_after_chunks=3)
    assert any(p.name.startswith("cell0001-") for p in logs.iterdir())  # (a log of cell 1 is there)
    got = B.run_batch(spec, out, workers=1, chunk=1, logs_dir=str(logs), resume=True)
    assert got.games == 4
    names = sorted(p.name for p in logs.iterdir() if p.suffix == ".jsonl")
    assert len(names) == 4 and [n.split("-seed")[1] for n in names[:2]] == [n.split("-seed")[1] for n in names[2:]]


def test_a_resume_of_a_finished_batch_does_not_say_it_wrote_the_results(tmp_path) -> None:
    """`--resume` on a finished batch said "wrote main.parquet", the file untouched (its time unchanged); a --csv
    it does write is named alone."""
    from typer.testing import CliRunner

    from engine.cli import app

    doc = tmp_path / "short.json"
    doc.write_text(json.dumps(short_shusha_doc(2)))
    out = tmp_path / "r.parquet"
    args = ["batch", str(doc), "--games", "2", "--seed", "5", "--out", str(out), "--workers", "1", "-q"]
    assert CliRunner().invoke(app, args).exit_code == 0
    stamp = out.stat().st_mtime_ns
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0 and "already holds this batch, finished" in r.output and "wrote" not in r.output
    assert out.stat().st_mtime_ns == stamp
    r = CliRunner().invoke(app, [*args, "--resume", "--csv", str(tmp_path / "r.csv")])
    assert r.exit_code == 0 and f"wrote {tmp_path / 'r.csv'}" in r.output.replace("\n", "")
    assert f"wrote {out}" not in r.output.replace("\n", "")


def test_compare_says_when_unpaired_cells_share_seeds(tmp_path) -> None:
    """A 150-game and a 60-game batch of the same --seed share their first 60 games' seeds; `wargame compare` took
    them as independent samples and said nothing (an analyst)."""
    from engine.compare import compare_files, compare_notes

    doc = short_shusha_doc(2)
    a, b, c = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "c.parquet"
    B.run_batch(B.BatchSpec("short.json", doc, 4, 7), a, workers=1)
    B.run_batch(B.BatchSpec("short.json", doc, 2, 7, sets=[("sides.defender.supply_range", 10)]), b, workers=1)
    B.run_batch(B.BatchSpec("short.json", doc, 2, 8), c, workers=1)
    notes = " ".join(compare_notes(compare_files([a, b])))
    assert "b shares the seeds of 2 of its games, game for game, with a's" in notes, notes
    assert "shares the seeds" not in " ".join(compare_notes(compare_files([a, c])))  # (another --seed)


def test_a_side_without_guns_has_no_artillery_numbers(tmp_path) -> None:
    """The ambush lesson has no guns; its report gave "artillery missions 0.0 [0.0-0.0]" and differences of
    "+0.0 [+0.0, +0.0]" (an analyst). A side with guns keeps its numbers."""
    from conftest import SHUSHA_PATH

    from engine import report as R

    lesson = SHUSHA_PATH.parent / "lessons" / "ambush.json"
    out = tmp_path / "a.parquet"
    spec = B.BatchSpec(str(lesson), json.loads(lesson.read_text()), 3, 1,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,3")])
    B.run_batch(spec, out, workers=1)
    s = R.summarize(out)
    assert all(c.artillery_sides == {"attacker": False, "defender": False} for c in s.cells)
    head, rows = R.table_rows(s)
    col = head.index(R.missions_head())
    assert all(r[col] == f"{R.NO_GUNS} / {R.NO_GUNS}" for r in rows), [r[col] for r in rows]
    vs = head.index(R.missions_vs_head(vs=s.vs))
    assert rows[1][vs] == f"{R.NO_GUNS} / {R.NO_GUNS}", rows[1][vs]
    shusha = tmp_path / "s.parquet"
    B.run_batch(B.BatchSpec("short.json", short_shusha_doc(2), 2, 1), shusha, workers=1)
    s = R.summarize(shusha)
    assert s.cells[0].artillery_sides == {"attacker": True, "defender": True}
    head, rows = R.table_rows(s)
    assert R.NO_GUNS not in rows[0][head.index(R.missions_head())]
