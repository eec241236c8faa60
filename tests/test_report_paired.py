"""Session 27 (analysts' review): paired differences where the seeds pair the games, Student-t error bars on the
plots, and `wargame compare` of two or more results files."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_batch_cell_labels_and_seeds import cli, flat

from engine import batch as B
from engine import compare as C
from engine import report as R
from engine.report import CellStats, GameRow, Summary

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def play(out: Path, seed: int, values: str = "1,2", sets: tuple[str, ...] = (), games: int = 8) -> Path:
    """The ambush lesson swept over the garrison's strength, `games` games a cell."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), games, seed,
                       sweeps=[B.parse_sweep(f"set:units.blue_gar.strength={values}")],
                       sets=[B.parse_set(s) for s in sets])
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """base and variant: same --seed (game g of cell k on one seed in both); reseeded: another --seed; reversed:
    the sweep values in the other order (cell 0 of one is cell 1 of the other: different seeds)."""
    d = tmp_path_factory.mktemp("s27")
    return {"base": play(d / "base.parquet", 5),
            "variant": play(d / "variant.parquet", 5, sets=("units.blue_amb_1.strength=1",)),
            "reseeded": play(d / "reseeded.parquet", 6, sets=("units.blue_amb_1.strength=1",)),
            "reversed": play(d / "reversed.parquet", 5, values="2,1", sets=("units.blue_amb_1.strength=1",))}


# ------------------------------------------------------------------------------------------- the intervals


def test_newcombes_paired_interval_matches_a_hand_computation() -> None:
    """Pairs: 10 both won, 2 only the first, 8 only the second, 10 neither (n = 30). Rates 12/30 and 18/30;
    their 95% Wilson intervals (published tables): 0.2459-0.5768 and 0.4232-0.7541. phi with Newcombe's n/2
    correction: (10*10 - 2*8 - 30/2) / sqrt(12*18*18*12) = 69/216. The two Wilson half-widths towards each bound
    are equal here (0.6 - 0.4232 = 0.5768 - 0.4, and 0.7541 - 0.6 = 0.4 - 0.2459), so each bound is
    0.2 -/+ w * sqrt(2 - 2 phi) = 0.2 -/+ w * 7/6: -0.0063 and +0.3798 (unpaired: -0.050 and +0.418)."""
    d, lo, hi = R.newcombe_paired(10, 2, 8, 10)
    assert d == pytest.approx(0.2)
    assert lo == pytest.approx(0.2 - 7 / 6 * (0.6 - 0.42320), abs=1e-4)
    assert hi == pytest.approx(0.2 + 7 / 6 * (0.75409 - 0.6), abs=1e-4)
    assert (round(lo, 4), round(hi, 4)) == (-0.0063, 0.3798)
    _, ulo, uhi = R.win_rate_difference(CellStats(0, "a", {}, n=30, attacker_wins=12),
                                        CellStats(1, "b", {}, n=30, attacker_wins=18))
    assert ulo < lo and hi < uhi  # correlated pairs: narrower than the interval for independent samples


def test_the_paired_interval_is_newcombes_unpaired_one_when_phi_is_corrected_to_zero() -> None:
    """ad - bc between 0 and n/2: phi is 0 (Newcombe's correction), and the interval is the unpaired one."""
    # both=3, only_a=3, only_b=5, neither=5: ad - bc = 15 - 15 = 0
    d, lo, hi = R.newcombe_paired(3, 3, 5, 5)
    assert (d, lo, hi) == pytest.approx(R.win_rate_difference(CellStats(0, "a", {}, n=16, attacker_wins=6),
                                                              CellStats(1, "b", {}, n=16, attacker_wins=8)))


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_the_paired_interval_holds_its_estimate_and_stays_in_bounds(a: int, b: int, c: int, d: int) -> None:
    if a + b + c + d == 0:
        return
    diff, lo, hi = R.newcombe_paired(a, b, c, d)
    assert -1 - 1e-12 <= lo <= diff + 1e-12 and diff - 1e-12 <= hi <= 1 + 1e-12
    assert diff == pytest.approx((c - b) / (a + b + c + d))


def test_the_paired_t_interval_matches_a_hand_computation() -> None:
    """Differences 1, 2, 2, 1, 4: mean 2, sd sqrt(6/4), se sqrt(1.5/5) = 0.547723, t(0.975, 4) = 2.776445:
    2 -/+ 1.520711 (a Welch interval of the same numbers, as independent samples, is -1.2 to +5.2)."""
    d, lo, hi = R.paired_t_difference([1, 2, 3, 4, 5], [2, 4, 5, 5, 9])
    assert d == 2
    assert (lo, hi) == pytest.approx((2 - 1.520711, 2 + 1.520711), abs=1e-3)  # (`t975`: 0.03% short at 4 df)
    assert (lo, hi) != pytest.approx((2 - 1.96 * 0.547723, 2 + 1.96 * 0.547723), abs=0.1)  # (not the normal one)
    assert R.paired_t_difference([1], [2]) is None
    assert R.paired_t_difference([1, 2], [1, 2]) == (0.0, 0.0, 0.0)


def cell(k: int, rows: dict[int, GameRow]) -> CellStats:
    c = CellStats(k, f"x={k}", {"x": k}, n=len(rows))
    c.games = rows
    c.attacker_wins = sum(r.winner == "attacker" for r in rows.values())
    c.defender_wins = len(rows) - c.attacker_wins
    c.ground_steps_lost = {side: [getattr(r, f"lost_{side}") for r in rows.values()]
                           for side in ("attacker", "defender")}
    c.capture_turns = [r.capture_turn for r in rows.values() if r.capture_turn is not None]
    return c


def test_games_pair_only_when_every_game_has_the_same_seed() -> None:
    a = cell(0, {0: GameRow(11, "attacker", 5, 3, 4), 1: GameRow(12, "defender", None, 6, 2)})
    same = cell(1, {0: GameRow(11, "attacker", 6, 4, 4), 1: GameRow(12, "attacker", 7, 5, 3)})
    assert R.paired_games(a, same) == [(a.games[0], same.games[0]), (a.games[1], same.games[1])]
    other_seed = cell(1, {0: GameRow(11, "attacker", 6, 4, 4), 1: GameRow(99, "attacker", 7, 5, 3)})
    fewer = cell(1, {0: GameRow(11, "attacker", 6, 4, 4)})
    no_seed = cell(1, {0: GameRow(None, "attacker", 6, 4, 4), 1: GameRow(None, "attacker", 7, 5, 3)})
    assert R.paired_games(a, other_seed) is None and R.paired_games(a, fewer) is None
    assert R.paired_games(a, no_seed) is None and R.paired_games(CellStats(0, "", {}), CellStats(1, "", {})) is None
    pairs = R.paired_games(a, same)
    diff, n = R.paired_capture_difference(pairs)
    assert n == 1 and diff is None  # (one pair where both took it: no interval)
    assert R.paired_loss_difference(pairs)[0] == 0.0 and R.paired_loss_difference(pairs, "defender")[0] == 0.5


# --------------------------------------------------------------------------------- one file whose cells pair


def merged(base: Path, variant: Path, out: Path) -> Path:
    """Cell 0 of `base` and cell 0 of `variant` as cells 0 and 1 of one file: a file put together from two
    batches of one --seed, whose cells are played on the same seeds, game by game."""
    a = pq.read_table(base)
    b = pq.read_table(variant)
    a0 = a.filter(pa.compute.equal(a["cell"], 0))
    b0 = b.filter(pa.compute.equal(b["cell"], 0))
    b0 = b0.set_column(b0.schema.get_field_index("cell"), "cell", pa.array([1] * b0.num_rows, a0["cell"].type))
    pq.write_table(pa.concat_tables([a0, b0.cast(a0.schema)]), out)
    return out


def test_a_batchs_cells_do_not_pair_and_its_table_is_as_before(files) -> None:
    s = R.summarize(files["base"])
    assert R.cells_paired(s) == {}
    head, rows = R.table_rows(s)
    assert not any("paired" in x for r in rows for x in r) and not any("turn taken vs" in h for h in head)
    d, lo, hi = R.win_rate_difference(s.cells[0], s.cells[1])
    assert rows[1][3] == f"{R.fmt_pts(d)} pts [{R.fmt_pts(lo)}, {R.fmt_pts(hi)}]"
    assert "paired" not in R.report_markdown(s) and "paired" not in R.cells_json(s)


def test_cells_played_on_the_same_seeds_are_compared_paired_in_the_table(files, tmp_path) -> None:
    s = R.summarize(merged(files["base"], files["variant"], tmp_path / "m.parquet"))
    pairs = R.cells_paired(s)[1]
    assert len(pairs) == 8 and all(x.seed == y.seed for x, y in pairs)
    head, rows = R.table_rows(s)
    win = R.paired_win_difference(pairs)
    assert rows[1][head.index("wins vs cell 0 [95% CI]")] == R.fmt_pts_difference(win, paired=True)
    assert rows[1][head.index(R.welch_head(s))].endswith(" paired")
    loss = R.paired_loss_difference(pairs)
    assert loss == pytest.approx(R.paired_t_difference(s.cells[0].casualties("attacker"),
                                                       s.cells[1].casualties("attacker")))
    assert "mean turn taken vs cell 0 [95% CI]" in head
    assert "Newcombe's paired score interval" in R.report_markdown(s)
    cells = json.loads(R.cells_json(s))["cells"]
    assert cells[1]["paired_vs_cell0"] and cells[1]["wins_vs_cell0_paired"] == pytest.approx(win[0])
    assert cells[1]["steps_lost_attacker_ground_vs_cell0_paired_ci"] == pytest.approx([loss[1], loss[2]])


# ------------------------------------------------------------------------------------------------ the plots


def test_the_plots_error_bars_are_student_t_intervals(drawn) -> None:
    """5 games a cell: t(0.975, 4) = 2.776 standard errors, not 1.96 (bars 29% too short)."""
    xs = [3, 5, 6, 9, 12]
    c = CellStats(0, "all games", {}, n=5, attacker_wins=2, defender_wins=3)
    c.steps_lost = {"attacker": xs, "defender": [1, 1, 2, 2, 4]}
    R.plot_losses(Summary(Path("r.parquet"), [c], {"objective": "X"}, []), Path("unused.png"))
    (fig,) = drawn
    ax = fig.axes[0]
    bars = next(b for b in ax.containers if hasattr(b, "lines") and b.lines[2])  # (the attacker's, drawn first)
    segs = bars.lines[2][0].get_segments()
    half = (segs[0][1][1] - segs[0][0][1]) / 2
    assert half == pytest.approx(2.7764451 * statistics.stdev(xs) / math.sqrt(5), rel=1e-3)  # (`t975`: 0.03%)
    assert "t(0.975, n−1)" in ax.get_title()
    assert "2.78 at 5" in R.figure_caption(Summary(Path("r.parquet"), [c], {"objective": "X"}, []), "losses.png")


def test_the_objective_by_turn_band_is_a_student_t_interval() -> None:
    ts = R.turn_series({0: [(1, 0, False, 4)], 1: [(1, 2, False, 4)], 2: [(1, 4, True, 4)]}, 1)
    assert ts.ci_hexes[0] == pytest.approx(4.30265273 * 2 / math.sqrt(3))


# ------------------------------------------------------------------------------------------ wargame compare


def test_compare_puts_files_side_by_side_paired_where_the_seeds_are_the_same(files, tmp_path) -> None:
    code, out = cli("compare", str(files["base"]), str(files["variant"]), "--out", str(tmp_path / "cmp"))
    assert code == 0, out
    text = flat(out)
    assert "2 results files compared" in text and "base" in text and "variant" in text
    assert "paired" in text and "units.blue_amb_1.strength=1" in text  # (what the batches differ in)
    cmp = C.compare_files([files["base"], files["variant"]])
    assert cmp.matched_by == "sweep values" and [len(g) for g in cmp.groups] == [2, 2]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "cmp" / "compare.csv").read_text())))
    assert [r["file"] for r in rows] == ["base", "variant", "base", "variant"]
    for k, r in zip((0, 1), (rows[1], rows[3]), strict=True):
        pairs = cmp.pairs(k, 1)
        assert pairs is not None and r["paired_vs_first"] == "True"
        win = R.paired_win_difference(pairs)
        assert float(r["wins_vs_first"]) == pytest.approx(win[0])
        assert float(r["wins_vs_first_low"]) == pytest.approx(win[1])
        att = R.paired_loss_difference(pairs)
        assert float(r["steps_lost_attacker_ground_vs_first_high"]) == pytest.approx(att[2])
    assert rows[0]["wins_vs_first"] == ""  # (the first file: no difference)
    md = (tmp_path / "cmp" / "compare.md").read_text()
    assert "| file | cell |" in md and "paired" in md


def test_compare_of_batches_on_other_seeds_is_unpaired(files) -> None:
    cmp = C.compare_files([files["base"], files["reseeded"]])
    assert cmp.pairs(0, 1) is None and cmp.pairs(1, 1) is None
    head, rows = C.compare_rows(cmp)
    assert not any("paired" in x for r in rows for x in r)
    base, other = cmp.groups[0]
    d, lo, hi = R.win_rate_difference(base, other)
    assert rows[1][head.index("wins vs base [95% CI]")] == R.fmt_pts_difference((d, lo, hi))
    welch = R.welch_difference(base.casualties("attacker"), other.casualties("attacker"))
    assert rows[1][head.index("att. ground steps lost vs base [95% CI]")] == R.fmt_difference(welch)
    assert any("--seed: base: 5; reseeded: 6" in n for n in C.compare_notes(cmp))
    assert any("independent samples" in n for n in C.compare_notes(cmp))


def test_compare_matches_cells_by_sweep_values_and_checks_the_pairing_in_the_data(files) -> None:
    """Same --seed, sweep values in the other order: garrison 1 is cell 0 of one file and cell 1 of the other,
    played on different seeds: matched, but not paired."""
    cmp = C.compare_files([files["base"], files["reversed"]])
    assert [(g[0].cell, g[1].cell) for g in cmp.groups] == [(0, 1), (1, 0)]
    assert [g[0].params == g[1].params for g in cmp.groups] == [True, True]
    assert cmp.pairs(0, 1) is None and cmp.pairs(1, 1) is None
    # a review: with only the sweep's order differing, the note said "the same games, so every difference is 0"
    notes = " ".join(C.compare_notes(cmp))
    assert "--sweep" in notes and "every difference is 0" not in notes


def test_compare_refuses_files_it_cannot_compare_saying_why(files, tmp_path) -> None:
    one_cell = tmp_path / "one.parquet"
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 2, 5)
    B.run_batch(spec, one_cell, workers=1)
    old = tmp_path / "old.parquet"
    table = pq.read_table(files["variant"])
    pq.write_table(table.drop_columns([n for n in table.column_names if n.endswith(("_ground", "_air"))]), old)
    for args, words in (
            ([files["base"]], "two or more"),
            ([files["base"], files["base"]], "given twice"),
            ([files["base"], tmp_path / "missing.parquet"], "not found"),
            ([files["base"], one_cell], "cannot be matched"),
            ([files["base"], old], "no ground/air split"),
    ):
        code, out = cli("compare", *map(str, args))
        assert code != 0 and words in flat(out), (args, out)
    with pytest.raises(R.ReportError, match="cannot be matched"):
        C.compare_files([files["base"], one_cell])


def test_compare_of_single_cell_files_matches_their_one_cell(files, tmp_path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    for path, sets in ((a, []), (b, [B.parse_set("units.blue_amb_1.strength=1")])):
        B.run_batch(B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 4, 3, sets=sets), path, workers=1)
    cmp = C.compare_files([a, b])
    assert cmp.matched_by == "single cell" and cmp.pairs(0, 1) is not None
    head, rows = C.compare_rows(cmp)
    assert rows[1][0] == "b" and rows[1][head.index("wins vs a [95% CI]")].endswith("paired")


def test_report_given_several_files_points_to_compare(files) -> None:
    code, out = cli("report", str(files["base"]), str(files["variant"]))
    assert code != 0 and "wargame compare" in flat(out) and "one results file" in flat(out)


def test_the_objective_band_stays_within_the_objective(tmp_path, drawn) -> None:
    """Two games, 0 and 1 hexes of 1: a t band of 0.5 -/+ 6.4 would run far outside what a mean can be."""
    ts = R.turn_series({0: [(1, 0, False, 1)], 1: [(1, 1, True, 1)]}, 1)
    c = CellStats(0, "all games", {}, n=2)
    c.by_turn = ts
    R.plot_objective_by_turn(Summary(Path("r.parquet"), [c], {"objective": "X", "turns": 1}, []), tmp_path / "p.png")
    band = drawn[-1].axes[1].collections[0]
    ys = [y for path in band.get_paths() for _, y in path.vertices]
    assert min(ys) >= 0 and max(ys) <= 1 and ts.ci_hexes[0] > 6


@pytest.mark.parametrize("df, exact", [(1, 12.7062), (1.1, 10.2768), (1.5, 6.0167), (2.5, 3.5747), (3, 3.1824),
                                       (3.5, 2.9401), (7, 2.3646), (30, 2.0423)])
def test_t975_is_close_to_the_exact_quantile_between_and_at_the_table_points(df, exact):
    """Exact values from scipy.stats.t.ppf(0.975, df). A review: the table of 1, 2 and 3 interpolated in 1/df was
    18% wide at 1.5 (7.10), and 3 itself was taken from the expansion."""
    from engine.report import t975

    assert t975(df) == pytest.approx(exact, rel=0.004)


def test_compare_gives_no_turn_difference_between_turns_of_other_lengths(files) -> None:
    """An acceptance test: "mean turn taken vs b1 -20.5" between 6-hour and 12-hour turns, beside the note that
    their turn numbers do not compare."""
    cmp = C.compare_files([files["base"], files["reseeded"]])
    assert cmp.turns_compare
    cmp.files[1].meta["turn_hours"] = (cmp.files[0].meta.get("turn_hours") or 6) * 2
    assert not cmp.turns_compare
    head, rows = C.compare_rows(cmp)
    col = next(i for i, h in enumerate(head) if "turn" in h and "vs" in h)
    assert all(r[col] in ("—", "n/a") for r in rows) and any(r[col] == "n/a" for r in rows)
    assert all(r["capture_turn_vs_first"] == "" for r in csv.DictReader(io.StringIO(C.compare_csv(cmp))))


def test_compare_csv_gives_the_loss_differences_of_unpaired_files(files) -> None:
    """The unpaired branch of compare.csv lost its loss differences when the turn-length check was added (they
    were left at the first file's None): the CSV must carry the Welch differences the table shows."""
    cmp = C.compare_files([files["base"], files["reseeded"]])
    assert cmp.turns_compare and cmp.pairs(0, 1) is None
    rows = list(csv.DictReader(io.StringIO(C.compare_csv(cmp))))
    second = [r for r in rows if r["file"] == cmp.labels[1]]
    for r in second:
        c = next(g[1] for g in cmp.groups if g[1].cell == int(r["cell"]))
        base = next(g[0] for g in cmp.groups if g[1] is c)
        want = R.welch_difference(base.casualties("attacker"), c.casualties("attacker"))
        assert want is not None and float(r["steps_lost_attacker_ground_vs_first"]) == pytest.approx(want[0])
        assert r["steps_lost_defender_ground_vs_first"] != ""
