"""`wargame compare`: differences between batch files (fall by turn T, intervals, losses), its outputs and plots."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
import statistics
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

import engine.batch as B
import engine.compare as C
import engine.fidelity as F
import engine.report as R
from engine.compare import Comparison
from engine.report import CellStats, GameRow, Summary
from engine.scenario import load_scenario
from engine.stats import t975

# ---------------------------------------------------------------------------------------------------------------------
# Session 28, analyst tools: the fall by turn T and a plot in `wargame compare`, compare.csv's loss names, one
# paired/unpaired choice (`cell_difference`), and the fall's checkpoints when a sweep varies `turns`.

Z = 1.959963984540054


def hand_wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval written out from its textbook formula (not `R.wilson`)."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return (0.0 if k == 0 else centre - half), (1.0 if k == n else centre + half)


def cell(idx: int, captures: list[int | None], seeds: list[int] | None = None, params: dict | None = None,
         att_lost: list[int] | None = None, ground: bool = True) -> CellStats:
    """A cell of len(captures) games; game g won by the attacker when captures[g] is a turn."""
    n = len(captures)
    seeds = seeds if seeds is not None else list(range(n))
    att = att_lost if att_lost is not None else [g % 3 for g in range(n)]
    dfd = [g % 4 for g in range(n)]
    c = CellStats(idx, ",".join(f"{k}={v}" for k, v in (params or {}).items()) or "all games", params or {}, n=n,
                  attacker_wins=sum(t is not None for t in captures),
                  defender_wins=sum(t is None for t in captures),
                  capture_turns=[t for t in captures if t is not None],
                  steps_lost={"attacker": att, "defender": dfd})
    if ground:
        c.ground_steps_lost = {"attacker": att, "defender": dfd}
        c.air_steps_lost = {"attacker": [0] * n, "defender": [0] * n}
    c.games = {g: GameRow(seeds[g], "attacker" if t is not None else "defender", t, att[g], dfd[g])
               for g, t in enumerate(captures)}
    return c


def summary(*cells: CellStats, turns: int = 10, name: str = "r.parquet", keys: list[str] | None = None) -> Summary:
    return Summary(Path(name), list(cells), {"turns": turns, "turn_hours": 12, "objective": "Shusha"},
                   keys if keys is not None else [])


def comparison(a: Summary, b: Summary) -> Comparison:
    return Comparison([a, b], ["a", "b"], [[a.cells[k], b.cells[k]] for k in range(len(a.cells))],
                      "single cell" if len(a.cells) == 1 else "sweep values")


# ------------------------------------------------------------------ 1. the fall by turn T in `wargame compare`


def test_newcombe_difference_matches_the_hand_calculation() -> None:
    # 5/20 against 10/20: Wilson 5/20 = [0.1119, 0.4687], 10/20 = [0.2993, 0.7007];
    # low = 0.25 - sqrt(0.2007^2 + 0.2187^2) = -0.0468, high = 0.25 + sqrt(0.2007^2 + 0.1381^2) = 0.4936
    d, lo, hi = R.newcombe_difference(5, 20, 10, 20)
    (l1, u1), (l2, u2) = hand_wilson(5, 20), hand_wilson(10, 20)
    assert (l1, u1) == pytest.approx((0.11186, 0.46870), abs=1e-5)
    assert (l2, u2) == pytest.approx((0.29930, 0.70070), abs=1e-5)
    assert d == pytest.approx(0.25)
    assert lo == pytest.approx(0.25 - math.sqrt((0.5 - l2) ** 2 + (u1 - 0.25) ** 2)) == pytest.approx(-0.0468, abs=1e-4)
    assert hi == pytest.approx(0.25 + math.sqrt((u2 - 0.5) ** 2 + (0.25 - l1) ** 2)) == pytest.approx(0.4936, abs=1e-4)
    # the win rate's difference is the same function of the wins
    w = R.win_rate_difference(CellStats(0, "a", {}, n=20, attacker_wins=5),
                              CellStats(1, "b", {}, n=20, attacker_wins=10))
    assert w == (d, lo, hi)


def test_compare_gives_the_fall_by_turn_t_unpaired_with_hand_numbers() -> None:
    # 10 turns: checkpoints 7, 9 (8.5 + 0.5 floors to 9), 10. a: 2 of 20 fallen by 7; b: 6 of 20 (other seeds)
    a = summary(cell(0, [5, 6] + [None] * 18), name="a.parquet")
    b = summary(cell(0, [3, 4, 5, 6, 7, 7] + [None] * 14, seeds=list(range(100, 120))), name="b.parquet")
    cmp = comparison(a, b)
    assert cmp.fallen_turns == [7, 9, 10]
    assert cmp.pairs(0, 1) is None
    rows = list(csv.DictReader(io.StringIO(C.compare_csv(cmp))))
    assert float(rows[0]["fallen_by_turn_7"]) == pytest.approx(0.1)
    assert float(rows[1]["fallen_by_turn_7"]) == pytest.approx(0.3)
    assert (float(rows[1]["fallen_by_turn_7_ci_low"]), float(rows[1]["fallen_by_turn_7_ci_high"])) == \
        pytest.approx(hand_wilson(6, 20))
    # Newcombe, unpaired: 0.3 - 0.1 = 0.2, low 0.2 - sqrt((0.3 - l_b)^2 + (u_a - 0.1)^2)
    (la, ua), (lb, ub) = hand_wilson(2, 20), hand_wilson(6, 20)
    want = (0.2, 0.2 - math.sqrt((0.3 - lb) ** 2 + (ua - 0.1) ** 2), 0.2 + math.sqrt((ub - 0.3) ** 2 + (0.1 - la) ** 2))
    got = tuple(float(rows[1][f"fallen_by_turn_7_vs_first{x}"]) for x in ("", "_low", "_high"))
    assert got == pytest.approx(want)
    assert rows[1]["paired_vs_first"] == "False" and rows[0]["fallen_by_turn_7_vs_first"] == ""
    head, trows = C.compare_fallen_rows(cmp)
    assert head[3:5] == ["fallen by turn 7 [95% CI]", "turn 7 vs a [95% CI]"]
    assert trows[1][3] == "30% [15–52%]" and trows[1][4].startswith("+20 pts [") and "paired" not in trows[1][4]


def test_compare_gives_the_fall_by_turn_t_paired_with_hand_numbers() -> None:
    # same seeds: by turn 7 the 2x2 table is both 0, only a 0, only b 5, neither 15 -> phi 0 (a margin empty):
    # Newcombe's paired interval is then the unpaired one, 0/20 vs 5/20: +0.25 [0.25 - sqrt(0.1381^2 + 0.1611^2),
    # 0.25 + 0.2187] = [+0.038, +0.469]
    a = summary(cell(0, [None] * 20), name="a.parquet")
    b = summary(cell(0, [3, 4, 5, 6, 7] + [None] * 15), name="b.parquet")
    cmp = comparison(a, b)
    d = C.compare_differences(cmp, 0, 1)
    assert d["paired"]
    got = d["fallen"][7]
    (_, ua), (lb, ub) = hand_wilson(0, 20), hand_wilson(5, 20)
    assert ua == pytest.approx(0.16113, abs=1e-5)
    assert got == pytest.approx((0.25, 0.25 - math.sqrt((0.25 - lb) ** 2 + ua ** 2), ub))
    assert got == pytest.approx((0.25, 0.0378, 0.4687), abs=1e-4)
    _, rows = C.compare_fallen_rows(cmp)
    assert rows[1][4] == "+25 pts [+4, +47] paired"


def test_paired_fall_counts_discordant_pairs() -> None:
    # 10 pairs by turn 5: both fell in 2, only a in 1, only b in 4, neither in 3 -> 0.6 - 0.3 = +0.3
    a_turns = [1, 2, 3, None, None, None, None, None, None, None]
    b_turns = [2, 5, None, 4, 5, 1, 3, None, 9, None]
    pairs = [(GameRow(g, "x", s, 0, 0), GameRow(g, "x", t, 0, 0))
             for g, (s, t) in enumerate(zip(a_turns, b_turns, strict=True))]
    assert R.paired_fallen_difference(pairs, 5) == R.newcombe_paired(2, 1, 4, 3)
    assert R.paired_fallen_difference(pairs, 5)[0] == pytest.approx(0.3)


def test_compare_writes_its_plots_atomically_and_removes_a_stale_one(tmp_path: Path) -> None:
    a = summary(cell(0, [5, 6] + [None] * 8), name="a.parquet")
    b = summary(cell(0, [3, 9] + [None] * 8), name="b.parquet")
    written = C.write_compare(comparison(a, b), tmp_path)
    assert [p.name for p in written] == ["compare.md", "compare.csv", "compare.png", "compare_fallen.png"]
    for p in written[2:]:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name not in C.COMPARE_FILES]  # (no temporary file left)
    md = (tmp_path / "compare.md").read_text()
    assert "## Shusha fallen by turn T (all games)" in md and "'fallen by turn T'" in md
    # files that record no turns: no fall plot, and the earlier one is not left as if it were this comparison's
    a.meta["turns"] = b.meta["turns"] = None
    written = C.write_compare(comparison(a, b), tmp_path)
    assert "compare_fallen.png" not in [p.name for p in written]
    assert not (tmp_path / "compare_fallen.png").exists()


# ------------------------------------------------------------------ 2. compare.csv's loss columns


def test_compare_csv_names_losses_as_the_summary_does() -> None:
    a = summary(cell(0, [5] + [None] * 9, att_lost=[4] * 10), name="a.parquet")
    b = summary(cell(0, [5] + [None] * 9, att_lost=[6] * 10), name="b.parquet")
    rows = list(csv.DictReader(io.StringIO(C.compare_csv(comparison(a, b)))))
    assert not [k for k in rows[0] if k.startswith("casualties")]
    assert float(rows[1]["steps_lost_attacker_ground_mean"]) == 6.0
    assert float(rows[1]["steps_lost_attacker_ground_vs_first"]) == pytest.approx(2.0)  # paired: 6 - 4 each game
    assert "steps_lost_defender_ground_vs_first_high" in rows[0]
    assert "steps_lost_attacker_ground_mean" in R.cells_csv(a).splitlines()[0].split(",")  # (one vocabulary)
    # a file without the ground/air split: every step, named as summary.csv names it
    old_a = summary(cell(0, [5] + [None] * 9, ground=False), name="a.parquet")
    old_b = summary(cell(0, [None] * 10, ground=False), name="b.parquet")
    head = C.compare_csv(comparison(old_a, old_b)).splitlines()[0].split(",")
    assert "steps_lost_attacker_mean" in head and "steps_lost_attacker_vs_first_low" in head
    assert not [k for k in head if "ground" in k or k.startswith("casualties")]


def test_summary_names_the_paired_loss_difference_as_the_losses() -> None:
    s = summary(cell(0, [5] + [None] * 9), cell(1, [3, 4] + [None] * 8, params={"weather": "fog"}),
                keys=["weather"])
    s.cells[0].params, s.cells[0].label = {"weather": "clear"}, "weather=clear"
    _, d1 = R.cell_summaries(s)
    assert "steps_lost_attacker_ground_vs_cell0_paired" in d1 and not [k for k in d1 if "casualties" in k]
    assert d1["steps_lost_attacker_ground_vs_cell0_paired"] == pytest.approx(0.0)  # the same losses game by game
    assert "steps_lost_attacker_ground_vs_cell0_paired" in R.cells_json(s)


# ------------------------------------------------------------------ 3. one paired/unpaired choice


outcomes = st.lists(st.one_of(st.none(), st.integers(1, 10)), min_size=2, max_size=12)


@settings(max_examples=40, deadline=None)
@given(outcomes, outcomes, st.booleans())
def test_table_summary_and_compare_take_their_differences_from_cell_difference(xs, ys, same_seeds) -> None:
    n = min(len(xs), len(ys))
    xs, ys = xs[:n], ys[:n]
    a = cell(0, xs, params={"k": 1}, att_lost=[(g * 7) % 5 for g in range(n)])
    b = cell(1, ys, seeds=None if same_seeds else list(range(50, 50 + n)), params={"k": 2},
             att_lost=[(g * 3) % 4 for g in range(n)])
    s = summary(a, b, keys=["k"])
    pairs = R.paired_games(a, b)
    assert (pairs is not None) == same_seeds
    want = R.cell_difference(a, b, pairs, [7, 9, 10])
    head, rows = R.table_rows(s)
    sep = " "
    win_col = head.index(f"wins vs{sep}cell 0{sep}[95% CI]")
    assert rows[1][win_col] == ("—" if want["win"] is None
                                else R.fmt_pts_difference(want["win"], paired=want["paired"]))
    assert rows[1][head.index(R.welch_head(s))] == R.fmt_difference(want["attacker"], paired=want["paired"])
    d1 = R.cell_summaries(s)[1]
    if same_seeds:
        assert d1["paired_vs_cell0"]
        assert d1["steps_lost_attacker_ground_vs_cell0_paired"] == (None if want["attacker"] is None
                                                                   else want["attacker"][0])
    cmp = Comparison([summary(a, name="x.parquet"), summary(b, name="y.parquet")], ["x", "y"], [[a, b]],
                     "single cell")
    got = C.compare_differences(cmp, 0, 1)
    assert {k: got[k] for k in ("paired", "win", "capture", "capture_n", "attacker", "defender")} == \
        {k: want[k] for k in ("paired", "win", "capture", "capture_n", "attacker", "defender")}
    assert got["fallen"] == want["fallen"]


# ------------------------------------------------------------------ 5. the fall when a sweep varies `turns`


def test_a_sweep_over_turns_gives_every_cell_its_checkpoints_and_none_after_its_last_turn() -> None:
    short = cell(0, [None] * 10, params={"set:turns": 16})
    long_ = cell(1, [20, 22, 24] + [None] * 7, params={"set:turns": 26})
    s = summary(short, long_, turns=26, keys=["set:turns"])
    assert s.turns_vary and s.fallen_turns == [11, 14, 16, 18, 22, 26]
    head, rows = R.table_rows(s, compact=True)
    col = head.index(R.fallen_head(s, "\n"))
    assert rows[0][col] == "0/0/0/—/—/—%"  # (0% by turn 26 read as if the town had held 10 more turns)
    assert rows[1][col] == "0/0/0/0/20/30%"
    head, rows = R.table_rows(s)
    col = head.index(R.fallen_head(s) + " [95% CI]")
    assert rows[0][col] == "0% [0–28] / 0% [0–28] / 0% [0–28] / — / — / —"
    assert rows[1][col] == "0% [0–28] / 0% [0–28] / 0% [0–28] / 0% [0–28] / 20% [6–51] / 30% [11–60]"
    d0, d1 = R.cell_summaries(s)
    assert d0["fallen_by_turn_16"] == 0.0 and d0["fallen_by_turn_26"] is None and d0["fallen_by_turn_26_ci"] is None
    assert d1["fallen_by_turn_22"] == pytest.approx(0.2)
    assert "of each cell's own turns" in R.table_notes(s)
    # one length: the checkpoints and the note as before
    same = summary(cell(0, [20] + [None] * 9), cell(1, [None] * 10), turns=26)
    assert not same.turns_vary and same.fallen_turns == [18, 22, 26]
    assert "own turns" not in R.table_notes(same)


def test_single_cell_files_played_under_other_settings_name_each_file_on_the_tick() -> None:
    """Acceptance test: compare.png's tick under B's point said "weather=historical" (A's cell) for a clear batch."""
    from types import SimpleNamespace

    from engine.compare import _group_label

    a, b = SimpleNamespace(label="weather=historical", cell=0), SimpleNamespace(label="weather=clear", cell=0)
    cmp = SimpleNamespace(matched_by="single cell", labels=["A", "B"], groups=[[a, b]])
    assert _group_label(cmp, 0, 80) == "A: weather=historical / B: weather=clear"
    same = SimpleNamespace(matched_by="single cell", labels=["A", "B"], groups=[[a, a]])
    assert _group_label(same, 0, 80) == "weather=historical"


# ---------------------------------------------------------------------------------------------------------------------
# Session 29, second analyst round: the comparison's plots coloured two files with the sides' red and blue and did
# not name what differed between them; summary.json's "intervals" named an older loss column, not the ground-loss
# one the table shows; the comparison table put a median beside a difference of means; `wargame fidelity` took
# 1.96 standard errors where the report takes Student's t.

matplotlib.use("Agg", force=True)

SHUSHA = Path(__file__).resolve().parent.parent / "scenarios" / "shusha_1120.json"
SIDE_COLOURS = {to_rgb(R.ATT_COLOUR), to_rgb(R.DEF_COLOUR)}


def cell_from(idx: int, captures: list[int | None], params: dict | None = None, seed0: int = 0) -> CellStats:
    """A cell of len(captures) games on seeds seed0, seed0 + 1, ...; game g won by the attacker when captures[g] is
    a turn."""
    n = len(captures)
    att, dfd = [g % 3 for g in range(n)], [g % 4 for g in range(n)]
    c = CellStats(idx, ",".join(f"{k}={v}" for k, v in (params or {}).items()) or "all games", params or {}, n=n,
                  attacker_wins=sum(t is not None for t in captures), defender_wins=sum(t is None for t in captures),
                  capture_turns=[t for t in captures if t is not None], steps_lost={"attacker": att, "defender": dfd})
    c.ground_steps_lost = {"attacker": att, "defender": dfd}
    c.air_steps_lost = {"attacker": [0] * n, "defender": [0] * n}
    c.games = {g: GameRow(seed0 + g, "attacker" if t is not None else "defender", t, att[g], dfd[g])
               for g, t in enumerate(captures)}
    return c


def file_of(name: str, captures: list[int | None], batch: dict, seed0: int = 0) -> Summary:
    return Summary(Path(name), [cell_from(0, captures, seed0=seed0)],
                   {"turns": 10, "turn_hours": 12, "objective": "Shusha", "batch": batch}, [])


def compared(*files: Summary) -> Comparison:
    labels = [f.path.stem for f in files]
    return Comparison(list(files), labels, [[f.cells[0] for f in files]], "single cell")


@pytest.fixture
def three_files() -> Comparison:
    long_set = [["units.az_sf_1.strength", 3], ["units.az_sf_2.strength", 2], ["rules.fog_of_war", True]]
    return compared(file_of("historical_weather_baseline.parquet", [5, 6, 7, None, 8, 9, None, 6], {"seed": 5}),
                      file_of("weaker_special_forces_variant.parquet", [6, None, 7, None, 9, 9, None, 7],
                              {"seed": 5, "sets": long_set}),
                      file_of("fog_all_period_other_seed.parquet", [5, 5, None, None, 8, None, None, 6],
                              {"seed": 6, "weather": "fog"}))


# ------------------------------------------------------------------ 1. the files' colours and legends


def bar_colours(ax) -> list[tuple[float, float, float]]:
    return [tuple(p.get_facecolor()[:3]) for p in ax.patches]


def test_the_compare_plot_draws_no_file_in_a_side_colour_and_names_each_files_settings(three_files, drawn) -> None:
    C.plot_compare(three_files, Path("unused.png"))
    fig = drawn[-1]
    colours = bar_colours(fig.axes[0])
    assert len(colours) == 3
    assert not set(colours) & SIDE_COLOURS  # (file a was the attacker's red, file b the defender's blue)
    assert len(set(colours)) == 3
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[0].startswith("historical_weather_baseline: historical_weather_baseline.par… (8 games a cell")
    assert "--seed 5" in texts[0] and "--set none" in texts[0] and "--weather the scenario's" in texts[0]
    assert "--set units.az_sf_1.strength=3" in texts[1]
    assert "--weather fog" in texts[2] and "--seed 6" in texts[2]


def test_the_fallen_plot_uses_the_files_colours_and_its_legend_fits_the_figure(three_files, drawn) -> None:
    C.plot_compare_fallen(three_files, Path("unused.png"))
    fig = drawn[-1]
    colours = set(bar_colours(fig.axes[0]))
    assert colours and not colours & SIDE_COLOURS
    assert colours == {to_rgb(C.file_style(i)[0]) for i in range(3)}
    legend = fig.legends[0]
    assert [p.get_hatch() or "" for p in legend.legend_handles] == [C.file_style(i)[1] for i in range(3)]
    assert "--weather fog" in legend.get_texts()[2].get_text()
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width  # (three columns ran off both edges)


def test_file_settings_names_only_what_differs() -> None:
    same = compared(file_of("x.parquet", [1, None], {"seed": 5}), file_of("y.parquet", [2, None], {"seed": 5}))
    assert C.file_settings(same) == ["", ""]
    assert C._file_legend(same) == ["x: x.parquet (2 games a cell)", "y: y.parquet (2 games a cell)"]
    paired = compared(file_of("x.parquet", [1, None], {"seed": 5, "common_seeds": True}),
                        file_of("y.parquet", [2, None], {"seed": 5, "sets": [["a.b", 1], ["c", "d"]]}))
    assert C.file_settings(paired) == ["--set none; --common-seeds", '--set a.b=1, c="d"; no --common-seeds']
    assert all(to_rgb(C.file_style(i)[0]) not in SIDE_COLOURS for i in range(len(C.FILE_COLOURS)))


# ------------------------------------------------------------------ 3. a mean beside the difference of means


def test_the_compare_table_shows_the_mean_turn_taken_beside_its_difference() -> None:
    a = file_of("a.parquet", [4, 5, 9, None, 10, None], {"seed": 5})   # mean 7.0, median 7.0
    b = file_of("b.parquet", [3, 3, 4, None, None, 9], {"seed": 6}, seed0=100)  # mean 4.75, median 3.5
    cmp = compared(a, b)
    head, rows = C.compare_rows(cmp)
    i = head.index("mean turn taken")
    assert head[i - 1] == "median turn taken" and head[i + 1] == "mean turn taken vs a [95% CI]"
    assert rows[0][i] == "7.0 (n=4)" and rows[1][i] == "4.8 (n=4)"
    assert rows[1][i - 1].startswith("3.5 ")  # (the median, with its date)
    assert rows[1][i + 1].startswith("-2.2")  # 4.75 - 7.0: the difference of the two means shown (unpaired)
    notes = C.compare_notes(cmp)
    turn_note = next(n for n in notes if n.startswith("'median turn taken' and 'mean turn taken'"))
    assert "'mean turn taken vs a'" in turn_note and "not a median" in turn_note
    for quoted in re.findall(r"'([a-z][a-z ]+)'", turn_note):  # every column the note names is in the table
        assert any(h.startswith(quoted) for h in head), quoted
    rows_csv = C.compare_csv(cmp).splitlines()
    assert "capture_turn_mean" in rows_csv[0].split(",")
    col = rows_csv[0].split(",").index("capture_turn_mean")
    assert [float(r.split(",")[col]) for r in rows_csv[1:]] == [7.0, 4.75]


def test_a_cell_never_taken_has_no_mean_turn() -> None:
    cmp = compared(file_of("a.parquet", [None, None], {}), file_of("b.parquet", [3, None], {}))
    head, rows = C.compare_rows(cmp)
    assert rows[0][head.index("mean turn taken")] == "—"


# ------------------------------------------------------------------ 2. summary.json names its own keys


@pytest.fixture(scope="module")
def paired_sweep(tmp_path_factory) -> R.Summary:
    """A small real Shusha sweep on common seeds (so the paired keys are written too)."""
    out = tmp_path_factory.mktemp("s29an2") / "r.parquet"
    doc = copy.deepcopy(load_scenario(SHUSHA).raw)
    B.run_batch(B.BatchSpec(str(SHUSHA), doc, 3, 4, sweeps=[("weather", ["clear", "fog"])], common_seeds=True),
                out, workers=1, turns=True)
    return R.summarize(out)


NAME = re.compile(r"(?<![\w<-])[a-z][a-z0-9]*(?:_(?:[a-z0-9]+|<[A-Za-z]+>))+(?![\w>])")
"""A key or column name in a description: lower-case words joined by underscores, `<T>` or `<side>` for a part."""


def as_pattern(name: str) -> re.Pattern[str]:
    out = re.escape(name).replace(re.escape("<T>"), r"\d+").replace(re.escape("<side>"), "(attacker|defender)")
    return re.compile(out + r"\Z")


def check_summary_descriptions(s: R.Summary) -> dict:
    doc = json.loads(R.cells_json(s))
    keys = set(doc) | {k for c in doc["cells"] for k in c}
    import pyarrow.parquet as pq

    columns = set(pq.read_schema(s.path).names)
    texts = [(k, v) for k, v in doc.items() if isinstance(v, str) and k not in ("results", "command")]
    texts += [(k, v) for k, v in doc["intervals"].items()]
    for where, text in texts:
        for m in NAME.finditer(text):
            name = m.group(0)
            of_results = text[:m.start()].endswith("column ")  # ("column road_cut_turn": the results file's)
            pool = columns if of_results else keys
            assert any(as_pattern(name).match(k) for k in pool), f"{where}: {name} is not in the output"
    for key in doc["intervals"]:  # every interval described is written...
        if key.startswith("_"):
            continue
        assert any(as_pattern(key).match(k) for k in keys), key
    for k in sorted(k for c in doc["cells"] for k in c if k.endswith("_ci")):  # ...and every one written described
        assert any(as_pattern(d).match(k) for d in doc["intervals"]), f"{k} has no description"
    return doc


def test_summary_json_describes_the_intervals_it_writes_and_no_other(paired_sweep) -> None:
    doc = check_summary_descriptions(paired_sweep)
    shown = doc["intervals"]["steps_lost_attacker_ground_vs_cell0_ci"]
    assert "ground steps" in shown and "the table's" in shown
    assert "not in the table" in doc["intervals"]["steps_lost_attacker_vs_cell0_ci"]
    assert "steps_lost_attacker_ground_vs_cell0_paired_ci" in doc["intervals"]
    assert "steps_lost_attacker_ground_vs_cell0_paired_ci" in doc["cells"][1]


def test_an_older_file_without_the_ground_split_describes_its_all_steps_column(paired_sweep) -> None:
    s = copy.copy(paired_sweep)
    s.cells = [copy.copy(c) for c in s.cells]
    for c in s.cells:
        c.ground_steps_lost = c.air_steps_lost = None
    assert not s.ground_losses
    doc = check_summary_descriptions(s)
    assert "ground" not in doc["intervals"]["steps_lost_attacker_vs_cell0_ci"]
    assert not any("ground" in k for k in doc["intervals"])


# ------------------------------------------------------------------ 4. the fidelity report's t intervals


def test_fidelity_mean_interval_is_students_t_as_the_report() -> None:
    xs = [3.0, 5.0, 4.0, 8.0, 6.0]
    m, half = F._mean_ci(xs)
    se = statistics.stdev(xs) / math.sqrt(len(xs))
    assert m == pytest.approx(5.2)
    assert half == pytest.approx(t975(4) * se) == pytest.approx(2.776445 * se, rel=1e-3)  # (not 1.96 se)
    assert half == pytest.approx(R.t_half_width(xs))
    assert math.isnan(F._mean_ci([2.0])[1]) and all(math.isnan(x) for x in F._mean_ci([]))
    assert "Student-t" in F.DIFF_INTERVALS and "normal approximation of each mean" not in F.DIFF_INTERVALS
