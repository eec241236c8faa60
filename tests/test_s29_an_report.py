"""Session 29, an analyst's read of a Shusha weather sweep: the plot of losses by cause said its bars add up to
the all-causes losses (the all-causes plot draws ground units alone; the cause plot counts the drones shot down
too), the "entered" column had no note, the table's dates are the turns' starts, and the outcomes plot called
the defender's other wins "fewer hexes"."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import engine.batch as B
import engine.report as R
from engine.scenario import load_scenario

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
