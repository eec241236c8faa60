"""Session 21: the batch/report table in a narrow terminal comes in parts instead of wrapping mid-word."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from engine import report as R
from engine.report import CellStats, Summary


def _summary(n_cells: int) -> Summary:
    cells = []
    for i in range(n_cells):
        c = CellStats(i, f"weather=historical{i}", {"weather": i}, n=40, attacker_wins=25)
        c.capture_turns = [23, 24]
        c.road_cut_turns = [15]
        cells.append(c)
    return Summary(Path("r.parquet"), cells, {"turns": 26, "objective": "Shusha"}, ["weather"])


@pytest.mark.parametrize("width", [80, 100, 120, 200])
@pytest.mark.parametrize("n_cells", [1, 3])
def test_the_table_fits_the_terminal_without_splitting_words(width, n_cells):
    """At 100 columns the one table wrapped its headers and numbers mid-word ("entere d", "23.1/2 6.7")."""
    s = _summary(n_cells)
    console = Console(width=width, record=True)
    console.print(R.rich_table(s, width=width))
    text = console.export_text()
    lines = text.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    for word in ("entered", "attacker wins", "steps lost", "road cut", "weather=historical0", "[95% CI]"):
        assert word in text, (word, text)
    # every cell appears in every part of the table, and every number whole
    parts = text.count("┏")
    assert text.count("│ 0: weather=historical0") == parts
    assert parts == 1 if width == 200 else parts >= 2


def test_one_table_without_a_width():
    s = _summary(2)
    console = Console(width=400, record=True)
    console.print(R.rich_table(s))
    assert console.export_text().count("┏") == 1


def test_the_capture_turn_plot_ticks_the_last_turn_and_leaves_room_after_its_bar(drawn):
    """A final check: with 26 turns the ticks ran 1, 3, ..., 25, and the turn-26 bar touched the frame."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    s = _summary(1)
    s.meta["turns"] = 26
    s.cells[0].capture_turns = [20, 26]
    R.plot_capture_turns(s, Path("unused.png"))
    ax = drawn[-1].axes[-1]
    assert 26 in [round(t) for t in ax.get_xticks()]
    assert ax.get_xlim()[1] > 26.5
