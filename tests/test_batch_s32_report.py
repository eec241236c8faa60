"""Session 32 (analyst's review of report/compare): the paired capture-turn column named as the mean it is, the
batch's provenance (engine, scenario hash, per-cell re-run commands) in report.md, summary.json and compare.md,
percentages rounded half up, and the HTML's code spans as <code>, not backticks. Games: the ambush lesson."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import batch as B
from engine import compare as C
from engine import report as R
from engine.report import CellStats

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def play(out: Path, seed: int, common: bool, sets: tuple[str, ...] = ()) -> Path:
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 8, seed,
                       sweeps=[B.parse_sweep("set:units.blue_gar.strength=1,2")],
                       sets=[B.parse_set(s) for s in sets], command=f"wargame batch {AMBUSH} --seed {seed}",
                       common_seeds=common)
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("s32")
    return {"common": play(d / "common.parquet", 5, True),
            "variant": play(d / "variant.parquet", 5, True, sets=("units.blue_amb_1.strength=1",))}


def test_the_paired_capture_turn_column_is_named_a_mean_and_explained(files) -> None:
    s = R.summarize(files["common"])
    assert R.cells_paired(s)
    head, _ = R.table_rows(s)
    assert "mean turn taken vs cell 0 [95% CI]" in head and "turn taken vs cell 0 [95% CI]" not in head
    md = R.report_markdown(s)
    assert "mean turn taken vs cell 0': the difference of the mean capture turns" in md
    assert "a mean, not a median" in md
    from rich.console import Console

    console = Console(width=400, record=True)
    console.print(R.rich_table(s, width=400))
    assert "a mean, not a median" in console.export_text()


def test_report_md_and_summary_json_say_which_engine_played_which_scenario(files, tmp_path) -> None:
    s = R.summarize(files["common"])
    meta_batch = s.meta["batch"]
    md = R.report_markdown(s)
    assert f"engine {meta_batch['engine_version']} (code `{s.meta['engine_code']}`)" in md
    assert f"sha256 `{meta_batch['scenario_sha256']}`" in md
    for c in s.cells:  # (the re-run commands the HTML and `wargame batch` give)
        assert f"- cell {c.cell}: `wargame run {AMBUSH} {c.run_options}`" in md
        assert "--seed S" in c.run_options
    j = json.loads(R.cells_json(s))["provenance"]
    assert j["engine_version"] == meta_batch["engine_version"] and j["engine_code"] == s.meta["engine_code"]
    assert j["scenario_sha256"] == meta_batch["scenario_sha256"] and j["scenario_path"] == str(AMBUSH)


def test_compare_md_names_each_files_engine_scenario_and_command(files, tmp_path) -> None:
    cmp = C.compare_files([files["common"], files["variant"]])
    md = C.compare_markdown(cmp)
    tail = md.split("## The files", 1)[1]
    for lab, s in zip(cmp.labels, cmp.files, strict=True):
        line = next(x for x in tail.splitlines() if x.startswith(f"- **{lab}**"))
        assert f"engine {s.meta['batch']['engine_version']}" in line and s.meta["batch"]["scenario_sha256"] in line
        assert f"Made by `{s.meta['command']}`" in line


def test_percentages_round_half_up() -> None:
    assert [R.pct(x) for x in (0.025, 0.225, 0.675, 0.125, 9 / 40, 27 / 40)] == ["3", "23", "68", "13", "23", "68"]
    # the table's cells: 9 of 40 won (22.5%), 1 of 40 entered (2.5%)
    s = R.Summary(Path("x.parquet"), [CellStats(0, "all games", {}, n=40, attacker_wins=9, entered=1)], {}, [])
    head, rows = R.table_rows(s)
    assert head[2].startswith("attacker wins") and head[3].endswith("entered"), head
    assert rows[0][2].startswith("23% [") and rows[0][3] == "3%", rows[0]
    assert R.fmt_pts(-0.025) == "-2" and R.fmt_pts(0.025) == "+3"  # (half up: 25% - 22.5% shown 25% - 23%)


@given(st.integers(0, 400), st.integers(1, 400))
def test_a_share_rounds_to_the_nearest_whole_percent_ties_up(k: int, n: int) -> None:
    if k > n:
        return
    from fractions import Fraction

    exact = Fraction(100 * k, n)
    got = int(R.pct(k / n))
    assert got - Fraction(1, 2) <= exact < got + Fraction(1, 2)


def test_the_html_report_shows_code_spans_not_backticks(files, tmp_path) -> None:
    s = R.summarize(files["common"])
    R.write_report(s, tmp_path / "rep", with_html=True)
    page = (tmp_path / "rep" / "report.html").read_text()
    assert "`" not in page
    assert "<code>wargame fidelity</code>" in page
    assert R.html_text("a `x<y` b") == "a <code>x&lt;y</code> b" and R.html_text("odd ` one") == "odd ` one"
