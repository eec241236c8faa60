"""The report's table and plots: the terminal width, column notes and words, captions, axes, report.md."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from rich.console import Console

import engine.batch as B
from engine import report as R
from engine.report import CellStats, Summary
from engine.scenario import load_scenario

# ---------------------------------------------------------------------------------------------------------------------
# Session 21: the batch/report table in a narrow terminal comes in parts instead of wrapping mid-word.

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


# ---------------------------------------------------------------------------------------------------------------------
# Session 29, an analyst's read of a Shusha weather sweep: the plot of losses by cause said its bars add up to
# the all-causes losses (the all-causes plot draws ground units alone; the cause plot counts the drones shot down
# too), the "entered" column had no note, the table's dates are the turns' starts, and the outcomes plot called
# the defender's other wins "fewer hexes".

SHUSHA = Path(__file__).resolve().parent.parent / "scenarios" / "shusha_1120.json"


@pytest.fixture(scope="module")
def shusha_clear(tmp_path_factory) -> R.Summary:
    """A small real Shusha batch in clear weather (the drones fly, and some are shot down)."""
    out = tmp_path_factory.mktemp("s29an") / "r.parquet"
    doc = copy.deepcopy(load_scenario(SHUSHA).raw)
    B.run_batch(B.BatchSpec(str(SHUSHA), doc, 6, 3, weather="clear"), out, workers=1, turns=True)
    return R.summarize(out)


def test_the_cause_bars_add_up_to_every_step_lost_not_to_the_ground_losses_plot(shusha_clear) -> None:
    s = shusha_clear
    row = R.cell_summaries(s)[0]
    causes = sum(row[f"losses_attacker_{cause}_mean"] for cause in s.loss_causes)
    air = row["steps_lost_attacker_air_mean"]
    assert air > 0  # (the case in point: drones shot down)
    assert causes == pytest.approx(row["steps_lost_attacker_mean"])  # every step, ground and air
    assert causes == pytest.approx(row["steps_lost_attacker_ground_mean"] + air)
    caption = R.figure_caption(s, "losses_by_cause.png")
    assert "add up to its all-causes losses" not in caption  # (the all-causes plot is of ground units)
    assert "drones" in caption and "ground-losses plot leaves out" in caption


def test_the_cause_plot_title_says_it_counts_the_drones(shusha_clear, drawn) -> None:
    R.plot_losses_by_cause(shusha_clear, Path("unused.png"))
    assert "ground units and drones" in drawn[-1].get_suptitle()


def test_an_older_file_without_the_ground_air_split_keeps_the_old_caption(shusha_clear) -> None:
    s = copy.copy(shusha_clear)
    s.cells = [copy.copy(c) for c in s.cells]
    for c in s.cells:
        c.ground_steps_lost = None
    assert not s.ground_losses
    assert "add up to its all-causes losses" in R.figure_caption(s, "losses_by_cause.png")


def test_the_entered_column_has_a_note_everywhere_the_table_goes(shusha_clear) -> None:
    s = shusha_clear
    head, _ = R.table_rows(s)
    assert "Shusha entered" in head
    note = "'Shusha entered': the share of the cell's games in which an attacker unit entered a hex"
    assert note in R.report_markdown(s)
    assert note in R.table_notes(s)  # (the console caption and the HTML take it from here)
    assert json.loads(R.cells_json(s))["objective_entered_share"].startswith(note)


def test_the_table_says_its_dates_are_the_turns_starts(shusha_clear) -> None:
    s = shusha_clear
    note = R.turn_date_note(s)
    assert note is not None and note in R.report_markdown(s)
    assert f"(turn 1: {s.turn_date(1)})" in note and f"lasts {s.meta['turn_hours']} hours" in note
    dateless = copy.copy(s)
    dateless.meta = {k: v for k, v in s.meta.items() if k != "turn_hours"}
    assert R.turn_date_note(dateless) is None


def test_the_outcomes_legend_names_the_hexes_of_the_other_defender_wins(shusha_clear, drawn) -> None:
    R.plot_outcomes(shusha_clear, Path("unused.png"))
    labels = [t.get_text() for t in drawn[-1].legends[0].get_texts()]
    assert "defender win: attacker held 1–5 of 7 hexes" in labels
    assert "defender win: attacker held 6 of 7 hexes (near miss)" in labels
    assert not any("fewer hexes" in label for label in labels)


def test_report_md_shows_each_plot_with_its_caption(shusha_clear, tmp_path) -> None:
    written = R.write_report(shusha_clear, tmp_path / "rep")
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    pngs = [p.name for p in written.pngs]
    assert "objective_by_turn.png" in pngs and "losses_by_cause.png" in pngs
    for name in pngs:
        assert f"![{name}]({name})" in md
        assert R.md_text(R.figure_caption(shusha_clear, name).replace("\n", " ")) in md
    assert md.index("## How the games ended") < md.index("## Plots")
    assert "## Plots" not in R.report_markdown(shusha_clear)  # (no plots written: none named)


def test_report_md_keeps_side_placeholders_from_being_read_as_html(shusha_clear) -> None:
    md = R.report_markdown(shusha_clear, ["losses.png"])
    outside_code = "".join(part for k, part in enumerate(md.split("`")) if k % 2 == 0)
    assert "steps_lost_\\<side>_air" in outside_code
    assert "<side>" not in outside_code.replace("\\<side>", "")


def test_the_turn_axis_labels_the_last_turn(shusha_clear, drawn) -> None:
    s = shusha_clear
    R.plot_objective_by_turn(s, Path("unused.png"))
    last = max(c.by_turn.turns[-1] for c in s.cells if c.by_turn is not None)
    assert last > 10  # (more turns than ticks: a tick every few turns)
    panels = [ax for ax in drawn[-1].axes if ax.get_xticks().size]
    assert len(panels) == 2
    for ax in panels:
        assert last in [round(x) for x in ax.get_xticks()]


# ---------------------------------------------------------------------------------------------------------------------
# The batch table's road-cut column says "near" the objective: "first anywhere / by Kepez pass" (lesson 5) read
# as the pass doing the cutting; "/ near Shusha" reads for the town as well.

@pytest.mark.parametrize("objective", ["Kepez pass", "Shusha", "Dashkend"])
def test_the_road_cut_column_says_near_the_objective(objective: str) -> None:
    s = Summary(Path("r.parquet"), [], {"turns": 5, "objective": objective}, ["x"])
    head = R.road_cut_head(s)
    assert head == f"median turn road cut: first anywhere / near {objective}" and " by " not in head
    assert R.road_cut_head(s, "\n").endswith(f"\n/ near {objective}")
    assert R.ROAD_CUT_NOTE.startswith("'road cut: first anywhere / near' the objective")
