"""Session 32 (analyst's review, second batch): the fall's intervals in report.md, plots a reader can find each cell
in (objective by turn, outcomes, compare, named cells, a sweep over turns), and the minor items (other places of
the road cut, suspected-fire differences when the rule is off, the name column, a capture difference of one pair).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from matplotlib.collections import PolyCollection

from engine import batch as B
from engine import compare as C
from engine import report as R
from engine.report import CellStats, Summary

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def play(out: Path, seed: int, *sweeps: str, sets: tuple[str, ...] = (), games: int = 6, turns: bool = False
         ) -> Path:
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), games, seed,
                       sweeps=[B.parse_sweep(x) for x in sweeps], sets=[B.parse_set(x) for x in sets])
    B.run_batch(spec, out, workers=1, turns=turns)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("s32b_review")
    grid = ("set:units.blue_gar.strength=1,2", "set:units.blue_amb_1.strength=1,2")  # (four cells)
    return {"four": play(d / "four.parquet", 7, *grid, turns=True),
            "turns": play(d / "turns.parquet", 8, "set:turns=4,6"),
            "a": play(d / "a.parquet", 9, "set:units.blue_gar.strength=1,2"),
            "b": play(d / "b.parquet", 9, "set:units.blue_gar.strength=1,2", sets=("units.blue_amb_1.strength=1",))}


# ------------------------------------------------------------------------------ 2. the fall's intervals


def test_report_md_gives_each_fallen_share_its_wilson_interval(files) -> None:
    s = R.summarize(files["four"])
    head, rows = R.table_rows(s)
    col = next(i for i, h in enumerate(head) if "fallen by" in h)
    assert head[col].endswith("[95% CI]")
    for c, r in zip(s.cells, rows, strict=True):
        want = []
        for t in s.fallen_turns:
            lo, hi = R.wilson(c.fallen_by(t), c.n)
            want.append(f"{R.pct(c.fallen_by(t) / c.n)}% [{R.pct(lo)}–{R.pct(hi)}]")
        assert r[col] == " / ".join(want)
    md = R.report_markdown(s)
    assert "each share with its 95% Wilson score interval" in md
    # the terminal keeps its narrow column, and says where the intervals are
    c_head, c_rows = R.table_rows(s, compact=True)
    c_col = next(i for i, h in enumerate(c_head) if "fallen" in h)
    assert "[" not in c_rows[0][c_col] and c_rows[0][c_col].endswith("%")
    assert any("intervals in report.md" in n for n in R.table_note_list(s))


def test_a_turn_after_a_cells_last_has_no_interval(files) -> None:
    s = R.summarize(files["turns"])
    c = s.cells[0]  # (4 turns, beside a 6-turn cell)
    got = R.fallen_cell(s, c, s.fallen_turns, intervals=True).split(" / ")
    assert [x for x, t in zip(got, s.fallen_turns, strict=True) if t > 4] == ["—"] * sum(t > 4 for t in s.fallen_turns)


# ------------------------------------------------------------------------------ 3. plots


def test_objective_plot_drops_bands_beyond_three_cells_and_marks_every_line(files, drawn, tmp_path) -> None:
    s = R.summarize(files["four"])
    assert len([c for c in s.cells if c.by_turn]) == 4
    R.plot_objective_by_turn(s, tmp_path / "o.png")
    left, right = drawn[-1].axes[:2]
    assert not [x for x in left.collections if isinstance(x, PolyCollection)]
    assert not [x for x in right.collections if isinstance(x, PolyCollection)]
    # every cell's number at its line's end (shared where lines end alike)
    shown = [n.strip() for t in left.texts for n in t.get_text().split(",")]
    assert sorted(shown) == ["0", "1", "2", "3"]
    # equal curves are drawn apart: each of them has its own vertical offset; a curve no other cell has is drawn
    # where its numbers are (session 40: every line was shifted, and an analyst read them 2 points off the table)
    steps = [ln for ln in left.get_lines() if ln.get_label() and not ln.get_label().startswith("_")]
    offsets = [round(ln.get_transform().transform((1, 0))[1] - left.transData.transform((1, 0))[1], 3)
               for ln in steps]
    curves = [(tuple(c.by_turn.turns), tuple(c.by_turn.held_by)) for c in s.cells if c.by_turn]
    for k, curve in enumerate(curves):
        twins = [j for j, other in enumerate(curves) if other == curve]
        if len(twins) == 1:
            assert offsets[k] == 0, (k, offsets)
        else:
            assert len({offsets[j] for j in twins}) == len(twins), (twins, offsets)
    twin = R.Summary(s.path, [s.cells[0], s.cells[0]], s.meta, s.sweep_keys)  # (one curve twice: drawn apart)
    R.plot_objective_by_turn(twin, tmp_path / "t.png")
    lines = [ln for ln in drawn[-1].axes[0].get_lines() if ln.get_label() and not ln.get_label().startswith("_")]
    assert len({round(ln.get_transform().transform((1, 0))[1], 3) for ln in lines}) == 2
    # the right panel's means are drawn where they are (session 37: the shift moved them by up to 0.1 hex, more than
    # the gap between two cells, and below 0 where every game held nothing)
    plotted = [ln for ln in right.get_lines() if len(ln.get_xdata()) > 2]  # (not the "all N hexes" line)
    assert len(plotted) == 4 and all(ln.get_transform() == right.transData for ln in plotted)
    assert "no interval bands with more than 3 cells" in R.figure_caption(s, "objective_by_turn.png")


def test_objective_plot_keeps_light_bands_for_few_cells(files, drawn, tmp_path) -> None:
    s = R.summarize(files["four"])
    s.cells = s.cells[:3]
    R.plot_objective_by_turn(s, tmp_path / "o.png")
    left = drawn[-1].axes[0]
    bands = [x for x in left.collections if isinstance(x, PolyCollection)]
    assert len(bands) == 3 and all(b.get_alpha() <= 0.1 for b in bands)


def test_capture_plot_marks_each_cells_last_turn(files, drawn, tmp_path) -> None:
    s = R.summarize(files["turns"])
    assert [s.cell_turns(c) for c in s.cells] == [4, 6]
    R.plot_capture_turns(s, tmp_path / "c.png")
    fig = drawn[-1]
    for ax, last in zip(fig.axes, (4, 6), strict=True):
        marks = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-." and list(ln.get_xdata()) == [last + .5] * 2]
        assert marks, last
        assert any(f"last turn: {last}" in t.get_text() for t in ax.texts)
    assert ax.get_xlim()[1] >= 6.5
    assert "cell 0: 4; cell 1: 6" in R.figure_caption(s, "capture_turn.png")


def test_outcomes_caption_gives_the_segments_too_thin_for_a_number() -> None:
    cells = [CellStats(0, "a", {}, n=40, attacker_wins=39, defender_wins=1,
                       outcomes={"objective_taken": 39, "held_none": 1}, objective_total=7, defender_win_hexes=[0]),
             CellStats(1, "b", {}, n=10, attacker_wins=10, outcomes={"objective_taken": 10}, objective_total=7)]
    s = Summary(Path("x.parquet"), cells, {}, [])
    caption = R.figure_caption(s, "outcomes.png")
    assert "cell 0: defender win: attacker held none 1 (3%)" in caption
    assert "cell 1:" not in caption.split("Segments under")[1].split(".")[0]


def test_compare_difference_labels_sit_beside_the_point_not_on_the_cap(files, drawn, tmp_path) -> None:
    cmp = C.compare_files([files["a"], files["b"]])
    C.plot_compare(cmp, tmp_path / "c.png")
    dx = drawn[-1].axes[1]
    labels = [t for t in dx.texts if t.get_text()]
    assert labels
    for k, t in enumerate(labels):
        d = C.compare_differences(cmp, k, 1)
        assert t.xy[1] == pytest.approx(100 * d["win"][0])  # (at the point; the caps are at the bounds)
        assert t.get_ha() == "left" and t.get_position()[0] > 0


def test_named_cells_keep_their_sweep_values_on_the_plots(files, drawn, tmp_path) -> None:
    s = R.summarize(files["four"], {0: "weak", 3: "strong"})
    def bare(text: str) -> str:
        return "".join(text.split())

    weak, strong = bare(f"0: weak = {s.cells[0].label}"), bare(f"3: strong = {s.cells[3].label}")
    assert "blue_gar" in weak and "blue_amb_1" in weak
    R.plot_win_rate(s, tmp_path / "w.png")
    xlabel = bare(drawn[-1].axes[0].get_xlabel())
    assert weak in xlabel and strong in xlabel
    R.plot_objective_by_turn(s, tmp_path / "o.png")
    assert weak in bare(" ".join(t.get_text() for t in drawn[-1].legends[0].get_texts()))
    R.plot_capture_turns(s, tmp_path / "c.png")
    assert weak in bare(drawn[-1].axes[0].get_title(loc="left"))


# ------------------------------------------------------------------------------ 4. minor


@pytest.mark.parametrize(("places", "tail"), [({"A": 9, "B": 1}, "+1 other place"),
                                              ({"A": 8, "B": 1, "C": 1}, "+2 other places")])
def test_road_cut_counts_other_places_not_games(places, tail) -> None:
    c = CellStats(0, "a", {}, n=10, cut_places=places)
    assert R._cut_place_cell(c, " ").endswith(tail) and "more" not in R._cut_place_cell(c, " ")


@pytest.mark.parametrize(("places", "said"), [
    ({"A": 5, "B": 4, "C": 1}, " at A in 50%, B in 40%, +1 other place"),
    ({"A": 6, "B": 4}, " at A in 60%, B in 40%"),
    ({"A": 8, "B": 1, "C": 1}, " at A in 80%, +2 other places")])
def test_road_cut_names_a_second_place_as_common(places, said) -> None:
    """Session 37, an analyst: "at (21,12) by Jidir Duzu in 50%, +2 other places" hid Lisagor's 41%."""
    c = CellStats(0, "a", {}, n=10, cut_places=places)
    assert R._cut_place_cell(c, " ") == said


def _missions_cell(k: int, art: list[int], sides: dict[str, bool]) -> CellStats:
    c = CellStats(k, f"c{k}", {}, n=len(art))
    c.missions = {"artillery_missions": {"attacker": art, "defender": art},
                  "suspected_fire_missions": {"attacker": [0] * len(art), "defender": [0] * len(art)}}
    c.suspected_sides = sides
    return c


def test_suspected_fire_differences_are_blank_when_the_rule_is_off() -> None:
    off = {"attacker": False, "defender": False}
    cells = [_missions_cell(0, [3, 4, 5], off), _missions_cell(1, [5, 6, 7], off)]
    s = Summary(Path("x.parquet"), cells, {}, [])
    got = R._missions_summary(s, cells[1], None)
    assert got["suspected_fire_missions_attacker_mean"] is None
    assert got["suspected_fire_missions_attacker_vs_cell0"] is None
    assert got["suspected_fire_missions_attacker_vs_cell0_ci"] is None
    assert got["artillery_missions_attacker_vs_cell0"] == pytest.approx(6 - 4)
    on = {"attacker": True, "defender": False}
    s.cells = [_missions_cell(0, [3, 4, 5], on), _missions_cell(1, [5, 6, 7], on)]
    got = R._missions_summary(s, s.cells[1], None)
    assert got["suspected_fire_missions_attacker_vs_cell0"] == 0.0  # (on, and none fired: a measured 0)
    assert got["suspected_fire_missions_defender_vs_cell0"] is None


def test_summary_csv_name_column_holds_the_labels(files) -> None:
    rows = list(csv.DictReader(io.StringIO(R.cells_csv(R.summarize(files["a"], {1: "strong"})))))
    assert [r["name"] for r in rows] == ["", "strong"]
    rows = list(csv.DictReader(io.StringIO(R.cells_csv(R.summarize(files["a"])))))
    assert [r["name"] for r in rows] == ["", ""]  # (kept, empty, without --label)


def test_a_capture_difference_of_one_pair_says_why_it_is_blank() -> None:
    assert R.fmt_capture_difference({"paired": True, "capture": None, "capture_n": 1}) == "— (n=1)"
    assert R.fmt_capture_difference({"paired": False, "capture": None, "capture_n": (1, 4)}) == "— (n=1/4)"
    assert R.fmt_capture_difference({"paired": True, "capture": None, "capture_n": 5}) == "—"
    assert "'— (n=1)'" in C.COMPARE_TURN_NOTE and "two pairs" in C.COMPARE_TURN_NOTE
    assert "'— (n=1)'" in R.CAPTURE_VS_NOTE


def test_compare_notes_explain_the_blank(files) -> None:
    cmp = C.compare_files([files["a"], files["b"]])
    assert any("'— (n=1)'" in n for n in C.compare_notes(cmp))
