"""A batch too large to plan is refused at once (a robustness test: --games 1000000000 filled the memory at some
33 MB/s, with no output, before a game was played)."""

from __future__ import annotations

import json

import pytest
from conftest import SHUSHA_PATH

from engine.batch import MAX_BATCH_GAMES, BatchError, BatchSpec, plan, run_batch


def _spec(games, sweeps=()):
    return BatchSpec(str(SHUSHA_PATH), json.loads(SHUSHA_PATH.read_text(encoding="utf-8")), games, 1,
                     sweeps=list(sweeps))


def test_a_billion_games_are_refused_before_any_is_planned():
    with pytest.raises(BatchError, match=r"1,000,000,000 games is more than one batch plays \(at most 1,000,000\)"):
        plan(_spec(10**9), 25)


def test_the_limit_counts_games_over_every_cell():
    games = MAX_BATCH_GAMES // 2 + 1
    with pytest.raises(BatchError, match=r"x 2 cells = 1,000,002 games"):
        plan(_spec(games, [("weather", ["historical", "clear"])]), 25)


def test_a_batch_under_the_limit_is_planned():
    cells, tasks, _ = plan(_spec(1000, [("weather", ["historical", "clear"])]), 25)
    assert len(cells) == 2 and sum(len(t.seeds) for t in tasks) == 2000


def test_a_results_file_cut_short_is_called_damaged(tmp_path):
    """A robustness test: a finished results file cut in half was called "not a `wargame batch` results file", with
    nothing to say it looked damaged."""
    lesson = SHUSHA_PATH.parent / "lessons" / "ambush.json"  # (a small scenario: two games play fast)
    spec = BatchSpec(str(lesson), json.loads(lesson.read_text(encoding="utf-8")), 2, 1)
    out = tmp_path / "r.parquet"
    run_batch(spec, out, workers=1)
    whole = out.read_bytes()
    out.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BatchError, match=r"not a `wargame batch` results file \(it cannot be read as Parquet: .*"
                                         r"damaged or truncated\?\); give another --out, or add --overwrite"):
        run_batch(spec, out, workers=1)
    assert out.read_bytes() == whole[: len(whole) // 2]  # (left as it was)


def test_a_batch_stopped_before_its_first_game_leaves_nothing_to_resume(tmp_path):
    """A robustness test: a batch interrupted before any game was written left its folder, and the next plain run
    was refused ("holds an unfinished batch; add --resume") over a batch of no game."""
    from engine.batch import BatchAborted, parts_dir

    lesson = SHUSHA_PATH.parent / "lessons" / "ambush.json"
    doc = json.loads(lesson.read_text(encoding="utf-8"))
    out = tmp_path / "r.parquet"
    with pytest.raises(BatchAborted):
        run_batch(BatchSpec(str(lesson), doc, 4, 1), out, workers=1, chunk=1, stop_after_chunks=1)
    pdir = parts_dir(out)
    for p in pdir.glob("*-c*.parquet"):  # (as an interrupt before the first chunk was written leaves it)
        p.unlink()
    assert (pdir / "manifest.json").exists() and not list(pdir.glob("part-*"))
    res = run_batch(BatchSpec(str(lesson), doc, 2, 5), out, workers=1)  # (another batch: nothing was lost)
    assert out.exists() and res.resumed_games == 0
    with pytest.raises(BatchAborted):  # one finished game is kept: a plain run is still refused over it
        run_batch(BatchSpec(str(lesson), doc, 4, 1), tmp_path / "s.parquet", workers=1, chunk=1, stop_after_chunks=1)
    with pytest.raises(BatchError, match="holds an unfinished batch; add --resume"):
        run_batch(BatchSpec(str(lesson), doc, 4, 1), tmp_path / "s.parquet", workers=1)
