"""The report's charts as a teacher projects them (teacher review 5): short cell labels however long the swept
value, wrapped ticks that leave room for the bars, a y label inside the image, projector-sized PNGs, a
losses-by-cause chart (the ambush lesson's own measure), and cells named by the teacher."""

from __future__ import annotations

import json
import re
import statistics
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import batch as B
from engine import report as R
from engine.report import CellStats, Summary

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"
GORGE_CLOSED = '[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]'
"""The no-go rectangle docs/lessons.md section 1 sweeps (the road variant of the ravine ambush)."""


@pytest.fixture(scope="module")
def ambush_results(tmp_path_factory) -> Path:
    """The lesson's sweep (gorge vs road), a few games a cell: a real results file with every loss column."""
    out = tmp_path_factory.mktemp("ambush") / "ambush.parquet"
    sweep = B.parse_sweep(f"set:sides.attacker.no_go=[],{GORGE_CLOSED}")
    B.run_batch(B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 8, 1, sweeps=[sweep]), out, workers=1)
    return out


def without_columns(results: Path, keep: Callable[[str], bool], out: Path) -> Path:
    """`results` with only the loss columns `keep(name)` accepts (as a file from an older wargame would be)."""
    import pyarrow.parquet as pq

    table = pq.read_table(results)
    drop = [n for n in table.column_names if R.LOSS_COLUMN.fullmatch(n) and not keep(n)]
    pq.write_table(table.drop_columns(drop), out)  # (the schema metadata, the batch's, goes along)
    return out


def long_label_summary(cells: int) -> Summary:
    """`cells` cells whose sweep values are long JSON (the teacher's case), with losses by cause."""
    short = {"set:sides.attacker.no_go": "attacker.no_go", "weather": "weather"}
    out = []
    for i in range(cells):
        params = {"set:sides.attacker.no_go": json.dumps([[3 + k, 2] for k in range(i + 1)]),
                  "weather": "historical" if i % 2 else "stochastic"}
        label, abbreviated = R.cell_label(params, short), R.cell_label(params, short, abbreviate=True)
        c = CellStats(i, label, params, n=40, attacker_wins=10 + i, short_label=abbreviated)
        c.steps_lost = {"attacker": [g % 5 for g in range(40)], "defender": [g % 3 for g in range(40)]}
        c.capture_turns = [3] * 10
        c.losses_by_cause = {"attacker": {"ambush": [g % 4 for g in range(40)], "assault": [1] * 40},
                             "defender": {"ambush": [0] * 40, "assault": [g % 2 for g in range(40)]}}
        out.append(c)
    return Summary(Path("long.parquet"), out, {"turns": 6, "objective": "Dashkend"}, list(short))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# ------------------------------------------------------------------------------------------- short labels
@pytest.mark.parametrize("value, expected", [
    ("[]", "[]"),
    ("historical", "historical"),
    (0.5, "0.5"),
    ("[6, 1]", "[6,1]"),
    ('[{"from": [3, 4], "name": "Gorge closed", "to": [10, 6]}]', "[Gorge closed]"),
    ("[[3, 2], [4, 2], [5, 2], [6, 2], [7, 2]]", "[5 hexes]"),
    ('[{"name": "North slope closed"}, {"name": "Gorge closed"}]', "[North slope…, +1 more]"),
    ('[{"from": [3, 4], "to": [10, 6]}, {"from": [1, 1], "to": [2, 2]}]', "[2 items]"),
    ('{"mode": "fog", "schedule": [1, 2, 3, 4, 5, 6]}', "{mode, schedule}"),
    ("[not json, but long enough to need cutting]", "[not json, but long eno…"),
])
def test_long_sweep_values_are_abbreviated_by_what_they_hold(value, expected) -> None:
    short = R.abbreviate_value(value)
    assert short == expected and len(short) <= R.VALUE_WIDTH


def test_a_real_json_sweep_is_abbreviated_on_the_plots_and_kept_whole_in_the_table(ambush_results) -> None:
    s = R.summarize(ambush_results)
    gorge, road = s.cells
    assert (gorge.plot_label, gorge.short_label) == ("attacker.no_go=[]", "")  # short: left as it is
    assert road.plot_label == "attacker.no_go=[Gorge closed]" and '"to": [10, 6]' in road.label
    assert R.cell_tick_labels(s) == ["0: attacker.no_go=[] (n=8)", "1: attacker.no_go=[Gorge closed] (n=8)"]
    _, rows = R.table_rows(s)
    assert '"name": "Gorge closed"' in rows[1][0]  # the table and summary files keep the full value
    assert json.loads(R.cells_json(s))["cells"][1]["label"] == road.label
    caption = R.figure_caption(s, "win_rate.png")  # and the caption says what the short label stands for
    assert f"“1: attacker.no_go=[Gorge closed]” is {road.label}" in caption and "“0:" not in caption


def test_wrapped_tick_labels_keep_to_three_lines_with_the_game_count_last() -> None:
    s = long_label_summary(10)
    for c, label in zip(s.cells, R.cell_tick_labels(s, 22), strict=True):
        lines = label.split("\n")
        assert 2 <= len(lines) <= 3 and lines[0].startswith(f"{c.cell}: ") and lines[-1].endswith("(n=40)")
        assert all(len(line.rstrip(",")) <= 22 + len(f"{c.cell}: ") for line in lines)  # (a comma may hang)
    assert R.cell_tick_labels(s, 22)[0] == "0: attacker.no_go=[[3,2]],\nweather=stochastic\n(n=40)"  # by parameter
    assert R.cell_tick_labels(s)[0] == "0: attacker.no_go=[[3,2]], weather=stochastic (n=40)"  # unwrapped
    assert R.cell_tick_labels(s, 60)[0] == "0: attacker.no_go=[[3,2]], weather=stochastic (n=40)"  # it fits
    assert R.wrap_label("a=1, b=2, c=3, d=4, e=5, f=6, g=7", 8, max_lines=2) == "a=1, b=2,\nc=3, d=…"


@pytest.mark.parametrize("plot", [R.plot_win_rate, R.plot_losses, R.plot_losses_by_cause])
@pytest.mark.parametrize("cells", [2, 10])
def test_no_tick_label_takes_a_third_of_the_figure_and_the_y_label_is_not_clipped(plot, cells, drawn,
                                                                                   tmp_path) -> None:
    plot(long_label_summary(cells), tmp_path / "p.png")
    (fig,) = drawn
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    ticks = fig.axes[-1].get_xticklabels()
    assert len(ticks) == cells
    for t in ticks:
        extent = t.get_window_extent(renderer)
        assert extent.height <= box.height / 3, t.get_text()
        assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, t.get_text()
        assert t.get_text().count("\n") <= 2
    labels = [*fig.texts, *(ax.yaxis.label for ax in fig.axes), *(ax.title for ax in fig.axes)]  # (suptitle..)
    assert any("steps lost" in x.get_text().replace("\n", " ") or "win rate" in x.get_text() for x in labels)
    for label in (x for x in labels if x.get_text()):
        extent = label.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1, \
            label.get_text()


# ---------------------------------------------------------------------------------------------- resolution
def test_the_pngs_are_wide_enough_to_project_and_not_huge(ambush_results, tmp_path) -> None:
    pngs = R.write_plots(R.summarize(ambush_results), tmp_path)
    assert [p.name for p in pngs] == ["win_rate.png", "capture_turn.png", "losses.png", "losses_by_cause.png"]
    for p in pngs:
        width, height = png_size(p)
        assert width >= 1200 and height >= 700, (p.name, width, height)
        assert p.stat().st_size < 400_000, p.name


# --------------------------------------------------------------------------------------- losses by cause
def bars(ax) -> dict[str, list[float]]:
    """{legend label: bar heights} of the bar groups on `ax`."""
    return {c.get_label(): [r.get_height() for r in c] for c in ax.containers if hasattr(c, "patches")}


def test_the_losses_by_cause_chart_shows_the_lessons_measure(ambush_results, drawn, tmp_path) -> None:
    s = R.summarize(ambush_results)
    R.plot_losses_by_cause(s, tmp_path / "c.png")
    (fig,) = drawn
    attacker, defender = fig.axes
    assert "attacker" in attacker.get_title(loc="left") and "defender" in defender.get_title(loc="left")
    ambush = bars(attacker)["ambush"]
    assert ambush == pytest.approx([statistics.mean(c.losses_by_cause["attacker"]["ambush"]) for c in s.cells])
    assert ambush[0] > 0 and ambush[1] == 0  # steps lost to ambush: the gorge, never the road
    shown = R.causes_shown(s)
    assert "ambush" in shown and all(c in s.loss_causes for c in shown)
    for cause in set(s.loss_causes) - set(shown):  # left out only when nobody lost a step to it
        assert not any(sum(c.losses_by_cause[side][cause]) for c in s.cells for side in ("attacker", "defender"))
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert legend[-1] == "95% CI of the mean" and set(legend[:-1]) == set(map(R.cause_name, shown))
    assert "95% confidence interval of the mean" in fig.get_suptitle()
    for c in s.cells:  # a side's causes add up to its all-causes losses, game by game
        for side in ("attacker", "defender"):
            by_game = zip(*c.losses_by_cause[side].values(), strict=True)
            assert [sum(g) for g in by_game] == c.steps_lost[side]


def test_losses_by_cause_go_into_the_html_and_the_summary_files(ambush_results, tmp_path) -> None:
    s = R.summarize(ambush_results)
    pngs = R.write_plots(s, tmp_path)
    R.write_html(s, pngs, tmp_path / "report.html")
    R.write_summary(s, tmp_path)
    page = (tmp_path / "report.html").read_text()
    cap = re.search(r'alt="losses_by_cause".*?<figcaption>(.*?)</figcaption>', page, flags=re.S).group(1)
    assert "8 games in each of 2 cells" in cap and "95% confidence interval of the mean" in cap
    assert "Causes drawn: " in cap and "ambush" in cap
    cells = json.loads((tmp_path / "summary.json").read_text())["cells"]
    gorge_ambush = s.cells[0].losses_by_cause["attacker"]["ambush"]
    assert cells[0]["losses_attacker_ambush_mean"] == pytest.approx(statistics.mean(gorge_ambush))
    assert cells[0]["losses_attacker_ambush_mean"] > 0
    assert cells[1]["losses_attacker_ambush_mean"] == 0
    assert "losses_defender_assault_mean" in (tmp_path / "summary.csv").read_text().splitlines()[0]


def test_a_file_with_some_loss_columns_gets_the_chart_of_those(ambush_results, drawn, tmp_path) -> None:
    older = without_columns(ambush_results, lambda n: n in ("losses_attacker_ambush", "losses_attacker_assault"),
                            tmp_path / "older.parquet")
    s = R.summarize(older)
    assert s.loss_causes == ["ambush", "assault"]
    R.plot_losses_by_cause(s, tmp_path / "c.png")
    (fig,) = drawn
    assert len(fig.axes) == 1 and set(bars(fig.axes[0])) == {"ambush", "assault"}
    assert "no losses by cause for the defender" in R.figure_caption(s, "losses_by_cause.png")
    cell = R.cell_summaries(s)[0]
    assert "losses_attacker_ambush_mean" in cell and not any(k.startswith("losses_defender") for k in cell)


def test_a_file_without_loss_columns_has_no_chart_and_loses_an_earlier_ones(ambush_results, tmp_path) -> None:
    rep = tmp_path / "rep"
    R.write_plots(R.summarize(ambush_results), rep)
    assert (rep / "losses_by_cause.png").exists()
    s = R.summarize(without_columns(ambush_results, lambda n: False, tmp_path / "old.parquet"))
    assert s.loss_causes == [] and all(c.losses_by_cause == {} for c in s.cells)
    pngs = R.write_plots(s, rep)  # the same folder: the other batch's chart must not stay as if it were this one's
    assert [p.name for p in pngs] == [name for name, _ in R.PLOTS]
    assert not (rep / "losses_by_cause.png").exists()
    assert not any(k.startswith("losses_") for k in R.cell_summaries(s)[0])


# ------------------------------------------------------------------------------------------------- names
def test_cells_named_by_the_teacher_are_called_so_on_the_plots(ambush_results, drawn, tmp_path) -> None:
    s = R.summarize(ambush_results, R.parse_cell_names(["0=gorge", "1=road (gorge closed)"]))
    R.plot_win_rate(s, tmp_path / "w.png")
    (fig,) = drawn
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0: gorge (n=8)", "1: road (gorge closed) (n=8)"]
    _, rows = R.table_rows(s)
    assert rows[0][0] == "0: gorge (attacker.no_go=[])"
    assert "“0: gorge” is attacker.no_go=[]" in R.figure_caption(s, "losses_by_cause.png")
    assert [c["name"] for c in R.cell_summaries(s)] == ["gorge", "road (gorge closed)"]
    assert R.cell_summaries(R.summarize(ambush_results))[0]["name"] is None


@pytest.mark.parametrize("specs, words", [
    (["gorge"], "give CELL=NAME"),
    (["x=gorge"], "give CELL=NAME"),
    (["0="], "give CELL=NAME"),
    (["0=gorge", "0=road"], "cell 0 is named twice"),
])
def test_bad_cell_names_are_refused_in_one_line(specs, words) -> None:
    with pytest.raises(R.ReportError, match=re.escape(words)):
        R.parse_cell_names(specs)


def test_a_name_for_a_cell_the_results_do_not_have_is_refused(ambush_results) -> None:
    with pytest.raises(R.ReportError, match=r"cannot name cell 2: .* has cells 0, 1"):
        R.summarize(ambush_results, {2: "ridge"})


def test_wargame_report_names_cells_with_label_and_refuses_a_bad_one(ambush_results, tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from engine.cli import app

    out = tmp_path / "named"
    r = CliRunner().invoke(app, ["report", str(ambush_results), "--out", str(out), "--label", "0=gorge",
                                 "--label", "1=road"])
    assert r.exit_code == 0, r.output
    assert [c["name"] for c in json.loads((out / "summary.json").read_text())["cells"]] == ["gorge", "road"]
    r = CliRunner().invoke(app, ["report", str(ambush_results), "--out", str(out), "--label", "7=ridge"])
    assert r.exit_code == 2 and "cannot name cell 7" in r.output
