"""The batch report as an analyst reads it: every per-cell aggregate says how many games it rests on and what its
intervals mean; the HTML's figures have captions; the table shows the weather the games had."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import report as R
from engine.report import CellStats, Summary


def summary(ns: tuple[int, ...] = (200, 37), grounded: bool = True) -> Summary:
    cells = []
    for i, n in enumerate(ns):
        c = CellStats(i, f"weather={'historical' if i == 0 else 'stochastic'}", {"weather": "x"}, n=n,
                      attacker_wins=n // 2)
        c.capture_turns = [20 + (g % 5) for g in range(n // 2)]
        c.steps_lost = {"attacker": [g % 7 for g in range(n)], "defender": [g % 11 for g in range(n)]}
        c.sorties_flown, c.sorties_grounded = [3] * n, [20] * n
        c.turns_played = [24 + g % 3 for g in range(n)]
        c.weather_grounded = [10 + g % 4 for g in range(n)] if grounded else None
        cells.append(c)
    meta = {"start": "2020-10-28T06:00", "turn_hours": 12, "turns": 26, "objective": "Shusha",
            "side_names": {"attacker": "Azerbaijan", "defender": "Armenia"}}
    return Summary(Path("r.parquet"), cells, meta, ["weather"])


@pytest.fixture
def saved_figures(monkeypatch) -> list:
    """The figures the plot functions save (kept open to read their labels)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figs = []
    real = Figure.savefig

    def keep(self, *a, **k):
        figs.append(self)
        return real(self, *a, **k)

    monkeypatch.setattr(Figure, "savefig", keep)
    return figs


@pytest.mark.parametrize("plot", [R.plot_losses, R.plot_win_rate])
def test_bar_plots_give_each_cells_game_count_and_say_what_the_error_bars_are(plot, saved_figures,
                                                                             tmp_path) -> None:
    s = summary()
    plot(s, tmp_path / "p.png")
    (fig,) = saved_figures
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["0: weather=historical (n=200)", "1: weather=stochastic (n=37)"]
    assert "n = games in the cell" in ax.get_xlabel()
    assert "error bars: 95%" in ax.get_title()
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert any("95%" in t for t in legend)


def test_one_cell_tick_says_n_too() -> None:
    s = summary((40,))
    s.cells[0].label = "all games"
    assert R.cell_tick_labels(s) == ["all games (n=40)"]
    assert R.games_per_cell(s) == "40 games"
    assert R.games_per_cell(summary((50, 50))) == "50 games in each of 2 cells, 100 in all"


def test_html_figures_have_captions_with_games_and_intervals(tmp_path) -> None:
    s = summary()
    pngs = R.write_plots(s, tmp_path)
    R.write_html(s, pngs, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    figures = re.findall(r"<figure>(.*?)</figure>", page, flags=re.S)
    assert len(figures) == len(R.PLOTS) == 3
    caps = {}
    for f in figures:
        alt = re.search(r'alt="([^"]+)"', f).group(1)
        cap = re.search(r"<figcaption>(.*?)</figcaption>", f, flags=re.S)
        assert cap, f"figure {alt} has no caption"
        caps[alt] = cap.group(1)
        assert "cell 0: 200, cell 1: 37 games, 237 in all" in caps[alt]
    assert "95% Wilson score interval" in caps["win_rate"]
    assert "95% confidence interval of the mean" in caps["losses"]
    assert "cell 0: 100 of 200; cell 1: 18 of 37" in caps["capture_turn"] and "median" in caps["capture_turn"]
    assert "No intervals" in caps["capture_turn"]


def test_the_table_shows_the_turns_the_weather_grounded_the_drones() -> None:
    head, rows = R.table_rows(summary())
    k = head.index("turns weather grounded drones / turns played")
    assert rows[0][k] == "11.5/25.0"  # means over the cell's games: 10..13 of 24..26
    head, rows = R.table_rows(summary(grounded=False))  # an older file: not recorded
    assert rows[0][head.index("turns weather grounded drones / turns played")] == "—"
