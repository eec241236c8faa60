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


# ------------------------------------------------------------------------------- the objective by turn (--turns)
def with_turns(s: Summary) -> Summary:
    """`s` with per-turn series: cell 0's games take the objective sooner than cell 1's."""
    for c in s.cells:
        games = {}
        for g in range(c.n):
            fall = 14 + (g % 10) + 4 * c.cell  # the turn the attacker holds all 7 hexes, if it comes at all
            games[g] = [(t, min(7, max(0, t - fall + 7)), t >= fall, 7) for t in range(1, min(fall, 26) + 1)]
        c.by_turn = R.turn_series(games, 26)
    s.turns_path = Path("r.turns.parquet")
    return s


def test_the_capture_curve_counts_games_that_ended_with_their_final_state() -> None:
    games = {0: [(1, 3, False, 7), (2, 7, True, 7)],  # sudden death on turn 2
             1: [(1, 7, True, 7), (2, 5, False, 7), (3, 4, False, 7)],  # held, then lost again
             2: [(1, 0, False, 7), (2, 0, False, 7), (3, 0, False, 7)]}
    ts = R.turn_series(games, 3)
    assert ts.n == 3 and ts.total_hexes == 7 and ts.turns == [1, 2, 3]
    assert ts.held_by == [1, 2, 2]
    assert ts.mean_hexes == [10 / 3, 4.0, 11 / 3]
    assert ts.held_ci(0) == R.wilson(1, 3) and ts.ci_hexes[0] > 0


def test_the_plot_by_turn_gives_each_cells_game_count_and_its_intervals(saved_figures, tmp_path) -> None:
    s = with_turns(summary())
    assert s.has_turns and not summary().has_turns
    R.plot_objective_by_turn(s, tmp_path / "p.png")
    (fig,) = saved_figures
    left, right = fig.axes
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert legend == ["0: weather=historical (n=200)", "1: weather=stochastic (n=37)"]
    assert "95% Wilson" in left.get_title() and "all 7 hexes of Shusha" in left.get_title()
    assert "95% confidence interval of the mean" in right.get_title()
    assert left.get_xticklabels()[0].get_text() == "1\n28 Oct"
    # the capture curves: cell 0 ahead of cell 1, each reaching every game that fell
    curves = [line.get_ydata() for line in left.get_lines()]
    assert curves[0][-1] == 100 and curves[1][-1] == pytest.approx(100 * 34 / 37)
    assert all(a >= b for a, b in zip(curves[0], curves[1], strict=True))


def test_html_has_the_plot_by_turn_only_with_a_per_turn_file(tmp_path) -> None:
    s = with_turns(summary())
    pngs = R.write_plots(s, tmp_path)
    assert [p.name for p in pngs][-1] == "objective_by_turn.png" and len(pngs) == len(R.PLOTS) + 1
    R.write_html(s, pngs, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    cap = re.search(r'alt="objective_by_turn".*?<figcaption>(.*?)</figcaption>', page, flags=re.S).group(1)
    assert "cell 0: 200, cell 1: 37 games, 237 in all" in cap and "r.turns.parquet" in cap
    assert "95% Wilson score interval" in cap and "95% confidence interval of the mean" in cap
    assert "counts with the state it ended in" in cap


def _results_files(tmp_path: Path, turns_batch: dict | None, seed: int = 1) -> Path:
    """A two-game results file of batch seed `seed` and a per-turn file beside it whose batch identity is
    `turns_batch` (None: no per-turn file)."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    batch = {"seed": seed, "games": 2, "sweeps": []}
    out = tmp_path / "r.parquet"
    cols = {"cell": [0, 0], "winner": ["attacker", "defender"], "objective_taken_turn": [2, None],
            "road_cut_turn": [None, None], "steps_lost_attacker_total": [1, 2], "steps_lost_defender_total": [3, 4],
            "drone_sorties_flown_attacker": [0, 0], "drone_sorties_grounded_attacker": [0, 0], "end_turn": [2, 3]}
    meta = {b"wargame_batch": json.dumps({"batch": batch, "turns": 3}).encode()}
    pq.write_table(pa.table(cols).replace_schema_metadata(meta), out)
    if turns_batch is None:
        return out
    rows = {"cell": [0] * 5, "game": [0, 0, 1, 1, 1], "turn": [1, 2, 1, 2, 3],
            "objective_hexes_attacker": [3, 7, 1, 2, 0], "objective_hexes_total": [7] * 5,
            "objective_held": [False, True, False, False, False]}
    tmeta = {b"wargame_batch": json.dumps({"batch": turns_batch, "table": "turns"}).encode()}
    pq.write_table(pa.table(rows).replace_schema_metadata(tmeta), tmp_path / "r.turns.parquet")
    return out


def test_the_report_reads_the_per_turn_file_of_its_own_batch_only(tmp_path) -> None:
    s = R.summarize(_results_files(tmp_path, {"seed": 1, "games": 2, "sweeps": []}))
    assert s.turns_note is None and s.turns_path == tmp_path / "r.turns.parquet"
    ts = s.cells[0].by_turn
    assert ts.held_by == [0, 1, 1] and ts.mean_hexes == [2.0, 4.5, 3.5]
    s = R.summarize(_results_files(tmp_path, {"seed": 2, "games": 2, "sweeps": []}))  # another batch's
    assert not s.has_turns and "not the per-turn file of this batch" in s.turns_note
