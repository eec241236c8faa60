"""Session 29, second analyst round: the comparison's plots coloured two files with the sides' red and blue and did
not name what differed between them; summary.json's "intervals" named an older loss column, not the ground-loss
one the table shows; the comparison table put a median beside a difference of means; `wargame fidelity` took
1.96 standard errors where the report takes Student's t."""

from __future__ import annotations

import copy
import json
import math
import re
import statistics
from pathlib import Path

import matplotlib
import pytest
from matplotlib.colors import to_rgb

import engine.batch as B
import engine.compare as C
import engine.fidelity as F
import engine.report as R
from engine.compare import Comparison
from engine.report import CellStats, GameRow, Summary
from engine.scenario import load_scenario
from engine.stats import t975

matplotlib.use("Agg", force=True)

SHUSHA = Path(__file__).resolve().parent.parent / "scenarios" / "shusha_1120.json"
SIDE_COLOURS = {to_rgb(R.ATT_COLOUR), to_rgb(R.DEF_COLOUR)}


def cell(idx: int, captures: list[int | None], params: dict | None = None, seed0: int = 0) -> CellStats:
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


def summary(name: str, captures: list[int | None], batch: dict, seed0: int = 0) -> Summary:
    return Summary(Path(name), [cell(0, captures, seed0=seed0)], {"turns": 10, "turn_hours": 12, "objective": "Shusha",
                                                     "batch": batch}, [])


def comparison(*files: Summary) -> Comparison:
    labels = [f.path.stem for f in files]
    return Comparison(list(files), labels, [[f.cells[0] for f in files]], "single cell")


@pytest.fixture
def three_files() -> Comparison:
    long_set = [["units.az_sf_1.strength", 3], ["units.az_sf_2.strength", 2], ["rules.fog_of_war", True]]
    return comparison(summary("historical_weather_baseline.parquet", [5, 6, 7, None, 8, 9, None, 6], {"seed": 5}),
                      summary("weaker_special_forces_variant.parquet", [6, None, 7, None, 9, 9, None, 7],
                              {"seed": 5, "sets": long_set}),
                      summary("fog_all_period_other_seed.parquet", [5, 5, None, None, 8, None, None, 6],
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
    assert "--seed 5" in texts[0] and "--set none" in texts[0] and "--weather none" in texts[0]
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
    same = comparison(summary("x.parquet", [1, None], {"seed": 5}), summary("y.parquet", [2, None], {"seed": 5}))
    assert C.file_settings(same) == ["", ""]
    assert C._file_legend(same) == ["x: x.parquet (2 games a cell)", "y: y.parquet (2 games a cell)"]
    paired = comparison(summary("x.parquet", [1, None], {"seed": 5, "common_seeds": True}),
                        summary("y.parquet", [2, None], {"seed": 5, "sets": [["a.b", 1], ["c", "d"]]}))
    assert C.file_settings(paired) == ["--set none; --common-seeds", '--set a.b=1, c="d"; no --common-seeds']
    assert all(to_rgb(C.file_style(i)[0]) not in SIDE_COLOURS for i in range(len(C.FILE_COLOURS)))


# ------------------------------------------------------------------ 3. a mean beside the difference of means


def test_the_compare_table_shows_the_mean_turn_taken_beside_its_difference() -> None:
    a = summary("a.parquet", [4, 5, 9, None, 10, None], {"seed": 5})   # mean 7.0, median 7.0
    b = summary("b.parquet", [3, 3, 4, None, None, 9], {"seed": 6}, seed0=100)  # mean 4.75, median 3.5
    cmp = comparison(a, b)
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
    cmp = comparison(summary("a.parquet", [None, None], {}), summary("b.parquet", [3, None], {}))
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
