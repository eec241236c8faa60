"""Session 33 (analyst's review): in a sweep over `turns` the objective-by-turn curve of a shorter cell stops at its
own last turn; it ran on to the longest cell's last turn, as if its games had gone on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import batch as B
from engine import report as R

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    """A real batch of the ambush lesson over turns=4,6 with its per-turn file."""
    out = tmp_path_factory.mktemp("s33_turns") / "t.parquet"
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 4, 3, sweeps=[B.parse_sweep("set:turns=4,6")])
    B.run_batch(spec, out, workers=1, turns=True)
    return out


def test_each_cells_series_ends_at_its_own_last_turn(swept) -> None:
    s = R.summarize(swept)
    assert [s.cell_turns(c) for c in s.cells] == [4, 6]
    short, long_ = (c.by_turn for c in s.cells)
    assert short is not None and long_ is not None
    assert short.turns == [1, 2, 3, 4] and len(short.held_by) == len(short.mean_hexes) == len(short.ci_hexes) == 4
    assert long_.turns == [1, 2, 3, 4, 5, 6]


def test_the_plot_stops_the_shorter_cells_lines_and_marks_where(swept, drawn, tmp_path) -> None:
    s = R.summarize(swept)
    R.plot_objective_by_turn(s, tmp_path / "o.png")
    left, right = drawn[-1].axes[:2]
    for ax in (left, right):
        curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
        assert sorted(max(ln.get_xdata()) for ln in curves) == [4, 6]
        assert ax.get_xlim()[1] >= 6.5  # (the axis still spans the longest cell)
        marks = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-." and list(ln.get_xdata()) == [4.5, 4.5]]
        assert len(marks) == 1
    # cell 0's number points at where its line ends, not at the last turn of the plot
    label = next(t for t in left.texts if t.get_text() == "0")
    assert label.xy[0] == 4
    assert "stops at its cell's last turn" in drawn[-1].legends[0].get_title().get_text()
    assert "cell 0: 4; cell 1: 6" in R.figure_caption(s, "objective_by_turn.png")
    assert "not the longer one cut short" in R.figure_caption(s, "objective_by_turn.png")


def test_cells_of_one_length_have_no_end_marks_or_note() -> None:
    games = {0: [(1, 0, False, 2), (2, 2, True, 2)], 1: [(1, 1, False, 2), (2, 1, False, 2)]}
    cells = [R.CellStats(k, f"c{k}", {}, n=2, by_turn=R.turn_series(games, 2)) for k in (0, 1)]
    s = R.Summary(Path("r.parquet"), cells, {"turns": 2}, [])
    assert "different numbers of turns" not in R.figure_caption(s, "objective_by_turn.png")


def test_the_many_cells_note_needs_more_than_one_difference(swept, tmp_path) -> None:
    import copy

    s = R.summarize(swept)
    assert R.MANY_CELLS_NOTE not in R.rich_table(s).caption  # (two cells: one difference, not many)
    R.write_html(s, [], tmp_path / "two.html")
    assert R.MANY_CELLS_NOTE not in (tmp_path / "two.html").read_text()
    third = copy.deepcopy(s.cells[1])
    third.cell = 2
    s.cells.append(third)
    assert R.MANY_CELLS_NOTE in R.rich_table(s).caption
    R.write_html(s, [], tmp_path / "three.html")
    assert R.MANY_CELLS_NOTE in (tmp_path / "three.html").read_text()
