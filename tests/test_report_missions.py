"""Artillery fire missions, and those on suspected positions, in `wargame report` (table, report.md, summary files,
plot) and `wargame compare`: per side per game with the 95% interval of the mean, and a rule that was off in every
game said in words, not shown as a column of zeros."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

import engine.batch as B
import engine.compare as C
import engine.report as R
from engine.compare import Comparison
from engine.report import CellStats, GameRow, Summary

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"
FOS = "set:sides.attacker.agent_params.fire_on_suspected"
T975_2 = 4.302652729911275  # Student's t, 0.975 quantile, 2 degrees of freedom (a table's value)


def cell(idx: int, art: dict[str, list[int]], sus: dict[str, list[int]] | None = None,
         sides: dict[str, bool] | None = None, seeds: list[int] | None = None) -> CellStats:
    """A cell whose games fired `art` missions per side, `sus` of them on suspected positions."""
    n = len(art["attacker"])
    seeds = seeds if seeds is not None else list(range(n))
    zero = [0] * n
    c = CellStats(idx, f"x={idx}", {"x": idx}, n=n, defender_wins=n, steps_lost={"attacker": zero, "defender": zero})
    c.missions = {"artillery_missions": art}
    if sus is not None:
        c.missions["suspected_fire_missions"] = sus
    c.suspected_sides = sides
    c.games = {g: GameRow(seeds[g], "defender", None, 0, 0, {f"{k}_{side}": v[side][g] for k, v in c.missions.items()
                                                             for side in ("attacker", "defender")})
               for g in range(n)}
    return c


def summary(*cells: CellStats, why: str | None = None) -> Summary:
    s = Summary(Path("r.parquet"), list(cells), {"turns": 10, "turn_hours": 12, "objective": "Shusha"},
                ["x"] if len(cells) > 1 else [])
    s.suspected_why = why
    return s


OFF = {"attacker": False, "defender": False}
ATT_ON = {"attacker": True, "defender": False}


def column(s: Summary, head: str) -> list[str]:
    heads, rows = R.table_rows(s)
    return [r[heads.index(head)] for r in rows]


# ------------------------------------------------------------------------------------------- the numbers


def test_the_mean_missions_come_with_students_t_interval_cut_at_zero() -> None:
    # attacker 2, 4, 6: mean 4, sd 2, se 2/sqrt(3); defender 10, 10, 13: mean 11, sd sqrt(3), se 1
    c = cell(0, {"attacker": [2, 4, 6], "defender": [10, 10, 13]})
    half_a, half_d = T975_2 * 2 / math.sqrt(3), T975_2 * 1.0
    assert R.mean_interval([2, 4, 6]) == pytest.approx((4.0, 0.0, 4 + half_a))  # (4 - 4.97 < 0: cut at 0)
    assert R.mean_interval([10, 10, 13]) == pytest.approx((11.0, 11 - half_d, 11 + half_d))
    assert column(summary(c), R.missions_head()) == [f"4.0 [0.0–{4 + half_a:.1f}] / 11.0 [{11 - half_d:.1f}–"
                                                     f"{11 + half_d:.1f}]"]
    d = json.loads(R.cells_json(summary(c)))["cells"][0]
    assert d["artillery_missions_attacker_mean"] == 4.0 and d["artillery_missions_attacker_sd"] == pytest.approx(2)
    assert d["artillery_missions_defender_ci"] == pytest.approx([11 - half_d, 11 + half_d])


def test_one_game_has_no_interval_not_a_zero_wide_one() -> None:
    c = cell(0, {"attacker": [12], "defender": [16]})
    assert column(summary(c), R.missions_head()) == ["12.0 [n=1] / 16.0 [n=1]"]
    d = json.loads(R.cells_json(summary(c)))["cells"][0]
    assert d["artillery_missions_attacker_mean"] == 12.0 and d["artillery_missions_attacker_ci"] is None


def test_the_difference_from_cell_0_is_paired_t_on_common_seeds_and_welch_otherwise() -> None:
    base = cell(0, {"attacker": [1, 2, 3], "defender": [5, 5, 5]}, {"attacker": [0, 0, 0], "defender": [0, 0, 0]},
                OFF)
    on = cell(1, {"attacker": [2, 4, 6], "defender": [5, 6, 7]}, {"attacker": [1, 2, 3], "defender": [0, 0, 0]},
              ATT_ON)
    # paired: attacker differences 1, 2, 3: mean 2, sd 1, se 1/sqrt(3)
    got = R.cell_difference(base, on, R.paired_games(base, on))["missions"]["artillery_missions_attacker"]
    half = T975_2 / math.sqrt(3)
    assert got == pytest.approx((2.0, 2 - half, 2 + half))
    # unpaired (other seeds): Welch, var 1/3 + 4/3 = 5/3, df = (5/3)^2 / ((1/3)^2/2 + (4/3)^2/2) = 50/17
    other = cell(1, on.missions["artillery_missions"], on.missions["suspected_fire_missions"], ATT_ON,
                 seeds=[7, 8, 9])
    assert R.paired_games(base, other) is None
    d, lo, hi = R.cell_difference(base, other, None)["missions"]["artillery_missions_attacker"]
    assert d == pytest.approx(2.0) and lo < 2 - half and hi > 2 + half  # (wider than the paired interval)
    assert (d - lo) / math.sqrt(5 / 3) == pytest.approx(R.t975(50 / 17))
    s = summary(base, on)
    heads, rows = R.table_rows(s)
    assert rows[1][heads.index(R.missions_vs_head())] == (f"+2.0 [{2 - half:+.1f}, {2 + half:+.1f}] / +1.0 "
                                                          f"[{1 - half:+.1f}, {1 + half:+.1f}] paired")
    assert rows[0][heads.index(R.missions_vs_head())] == "—"


# -------------------------------------------------------------------------------- the rule off, on, unknown


def test_a_rule_off_in_every_game_is_said_in_words_not_a_column_of_zeros() -> None:
    zeros = {"attacker": [0, 0, 0], "defender": [0, 0, 0]}
    s = summary(cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}, zeros, OFF))
    heads, _ = R.table_rows(s)
    assert R.missions_head() in heads and R.suspected_head() not in heads
    md = R.report_markdown(s)
    assert "fire on suspected positions was off in every game" in md
    assert "of which on suspected positions" not in md


def test_zeros_where_the_settings_are_not_known_are_not_called_off() -> None:
    zeros = {"attacker": [0, 0, 0], "defender": [0, 0, 0]}
    s = summary(cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}, zeros, None),
                why="its scenario s.json cannot be read here")
    assert R.suspected_head() not in R.table_rows(s)[0]
    notes = " ".join(R.missions_notes(s))
    assert "no artillery mission was fired on a suspected position in any game" in notes
    assert "s.json cannot be read here" in notes and "off in every game" not in notes


def test_a_sweep_of_the_rule_shows_off_where_a_side_could_not_fire_them() -> None:
    zeros = [0, 0, 0]
    s = summary(cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}, {"attacker": zeros, "defender": zeros}, OFF),
                cell(1, {"attacker": [6, 6, 9], "defender": [1, 2, 3]}, {"attacker": [2, 3, 4], "defender": zeros},
                     ATT_ON))
    assert column(s, R.suspected_head()) == ["off / off", f"3.0 [{3 - T975_2 / math.sqrt(3):.1f}–"
                                                          f"{3 + T975_2 / math.sqrt(3):.1f}] / off"]
    assert R.SUSPECTED_NOTE in R.report_markdown(s).replace("\\<", "<")


def test_missions_the_games_recorded_outweigh_settings_that_say_off() -> None:
    c = cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}, {"attacker": [1, 1, 1], "defender": [0, 0, 0]}, OFF)
    s = summary(c)
    assert not s.suspected_off(c, "attacker") and s.suspected_off(c, "defender")
    assert column(s, R.suspected_head()) == ["1.0 [1.0–1.0] / off"]


def test_a_file_without_the_columns_reads_as_before() -> None:
    c = cell(0, {"attacker": [1], "defender": [1]})
    c.missions = {}
    s = summary(c)
    heads, _ = R.table_rows(s)
    assert not any("missions" in h for h in heads)
    assert "missions" not in R.report_markdown(s) and "missions" not in R.cells_json(s)
    assert R.missions_notes(s) == []


# ------------------------------------------------------------------------------------------ the settings


def sides_of(sweeps: list, sets: list, attacker: str | None = None) -> list[dict[str, bool]]:
    """What the batch records, per cell, for Shusha with these sweeps, overrides and attacker."""
    cells = B.build_cells(json.loads(SHUSHA.read_text()), sweeps, sets, None, attacker, None, source="s")
    return [B.cell_suspected_fire_sides(c) for c in cells]


def test_the_batch_records_which_sides_could_fire_on_suspected_positions() -> None:
    assert sides_of([(FOS, [False, True])], []) == [OFF, ATT_ON]  # (Shusha allows it; the doctrine's parameter)
    rule_off = [("combat.suspected_fire", False), ("sides.attacker.agent_params.fire_on_suspected", True)]
    assert sides_of([], rule_off) == [OFF]
    # a random attacker picks among the legal orders: it can fire on the marks the defender's parameter keeps
    both = sides_of([], [("sides.defender.agent_params.fire_on_suspected", True)], attacker="random")
    assert both == [{"attacker": True, "defender": True}]
    passive = sides_of([], [("sides.defender.agent_params.fire_on_suspected", True)], attacker="passive")
    assert passive == [{"attacker": False, "defender": True}]


def test_what_the_batch_records_is_what_the_game_does() -> None:
    """The record and `play_game` decide with the same function: a game tracks sightings (keeps the marks) exactly
    when some side is recorded as able to fire on them or its parameter asks for the marks."""
    from engine.game import play_game
    from engine.scenario import parse_scenario

    for sweeps, sets in (([], []), ([], [("sides.attacker.agent_params.fire_on_suspected", True)]),
                         ([], [("combat.suspected_fire", False), ("sides.attacker.agent_params.fire_on_suspected",
                                                                     True)])):
        (c,) = B.build_cells(json.loads(SHUSHA.read_text()), sweeps, sets, None, None, None, source="s")
        state = play_game(parse_scenario(json.dumps(c.doc)), 1, agent_params=c.agent_params or None)
        assert (state.last_seen is not None) == any(B.cell_suspected_fire_sides(c).values()), sets


def test_a_results_file_without_the_record_says_the_settings_are_unknown() -> None:
    s = summary(cell(0, {"attacker": [3], "defender": [1]}, {"attacker": [0], "defender": [0]}))
    s.meta["cells"] = [{"cell": 0, "params": {}}]  # (written before engine 0.19.0)
    R.read_suspected_sides(s)
    assert s.cells[0].suspected_sides is None and "does not record it" in (s.suspected_why or "")
    s.meta["cells"] = [{"cell": 0, "suspected_fire_sides": ATT_ON}]
    s.suspected_why = None
    R.read_suspected_sides(s)
    assert s.cells[0].suspected_sides == ATT_ON and s.suspected_why is None


@pytest.mark.parametrize("record", [{"attacker": True}, {"attacker": True, "defender": "no"}, [True, False]])
def test_a_damaged_record_is_not_known_rather_than_off(record) -> None:
    s = summary(cell(0, {"attacker": [3, 4], "defender": [1, 2]}, {"attacker": [1, 0], "defender": [0, 0]}))
    s.meta["cells"] = [{"cell": 0, "suspected_fire_sides": record}]
    R.read_suspected_sides(s)
    assert s.cells[0].suspected_sides is None and s.suspected_why
    assert R.SUSPECTED_OFF not in column(s, R.suspected_head())[0]


# ----------------------------------------------------------------------------------- a real batch, end to end


@pytest.fixture(scope="module")
def sweep_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shusha, the attacker's fire on suspected positions off and on, 4 games a cell on common seeds."""
    out = tmp_path_factory.mktemp("missions") / "fos.parquet"
    B.run_batch(B.BatchSpec(str(SHUSHA), json.loads(SHUSHA.read_text()), 4, 3, sweeps=[(FOS, [False, True])],
                            common_seeds=True), out, workers=1)
    return out


def test_a_real_sweep_reports_the_missions_in_every_output(sweep_results: Path, tmp_path: Path) -> None:
    s = R.summarize(sweep_results)
    off, on = s.cells
    assert (off.suspected_sides, on.suspected_sides) == (OFF, ATT_ON)
    assert sum(on.missions["suspected_fire_missions"]["attacker"]) > 0  # (the doctrine fires on its marks)
    written = R.write_report(s, tmp_path / "rep")
    md = (tmp_path / "rep" / "report.md").read_text()
    assert R.missions_head() in md and R.suspected_head() in md and "off / off" in md
    assert "artillery_missions.png" in [p.name for p in written.pngs]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rep" / "summary.csv").read_text())))
    mean_on = sum(on.missions["artillery_missions"]["attacker"]) / on.n
    assert float(rows[1]["artillery_missions_attacker_mean"]) == pytest.approx(mean_on)
    assert rows[1]["paired_vs_cell0"] == "True" and rows[1]["artillery_missions_attacker_vs_cell0_ci_low"]
    assert "artillery_missions_<side>_ci" in json.loads((tmp_path / "rep" / "summary.json").read_text())["intervals"]


def test_compare_shows_the_missions_with_their_differences(sweep_results: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    t = pq.read_table(sweep_results)
    paths = []
    for k in (0, 1):  # the two cells as two files of one cell each (their games on the same seeds)
        p = tmp_path / f"c{k}.parquet"
        pq.write_table(t.filter(t.column("cell").to_numpy() == k), p)
        paths.append(p)
    cmp = C.compare_files(paths)
    head, rows = C.compare_mission_rows(cmp)
    suspected = head.index("of which on suspected positions att/def [95% CI]")
    assert rows[1][suspected].endswith("/ off") and rows[1][-1].endswith("paired")
    assert "## Artillery fire missions per game" in C.compare_markdown(cmp)
    row = list(csv.DictReader(io.StringIO(C.compare_csv(cmp))))[1]
    a, b = (g.missions["artillery_missions"]["attacker"] for g in cmp.groups[0])
    assert float(row["artillery_missions_attacker_vs_first"]) == pytest.approx(sum(b) / len(b) - sum(a) / len(a))


def test_compare_of_files_with_the_rule_off_says_so() -> None:
    zeros = {"attacker": [0, 0, 0], "defender": [0, 0, 0]}
    a = summary(cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}, zeros, OFF))
    b = summary(cell(0, {"attacker": [3, 5, 7], "defender": [1, 2, 3]}, zeros, OFF))
    cmp = Comparison([a, b], ["a", "b"], [[a.cells[0], b.cells[0]]], "single cell")
    head, rows = C.compare_mission_rows(cmp)
    assert len(head) == 5 and rows[1][-1] == f"+1.0 [{1 - T975_2 / math.sqrt(3):+.1f}, " \
                                              f"{1 + T975_2 / math.sqrt(3):+.1f}] / +0.0 [+0.0, +0.0] paired"
    assert any("off in every game of every file" in n for n in C.compare_notes(cmp))


def test_compare_of_an_older_file_and_one_with_the_rule_off_says_why_there_is_no_column() -> None:
    zeros = {"attacker": [0, 0, 0], "defender": [0, 0, 0]}
    old = summary(cell(0, {"attacker": [3, 4, 5], "defender": [1, 2, 3]}))  # (no suspected_fire_missions columns)
    off = summary(cell(0, {"attacker": [3, 5, 7], "defender": [1, 2, 3]}, zeros, OFF))
    cmp = Comparison([old, off], ["old", "off"], [[old.cells[0], off.cells[0]]], "single cell")
    head, _ = C.compare_mission_rows(cmp)
    assert not any("suspected" in h for h in head)
    said = [n for n in C.compare_notes(cmp) if "no column for the missions on suspected positions" in n]
    assert len(said) == 1 and said[0].startswith("no column for the missions on suspected positions: old does not")


def test_summary_json_names_only_what_it_writes(sweep_results: Path) -> None:
    """Every name in the artillery note and intervals is a key written, or after "column" a results column; every
    artillery interval written is described (as `test_compare` checks the others)."""
    import pyarrow.parquet as pq
    from test_compare import NAME, as_pattern

    doc = json.loads(R.cells_json(R.summarize(sweep_results)))
    keys = set(doc) | {k for c in doc["cells"] for k in c}
    columns = set(pq.read_schema(sweep_results).names)
    texts = [doc["artillery_missions"], *(v for k, v in doc["intervals"].items() if "missions" in k)]
    for text in texts:
        for m in NAME.finditer(text):
            pool = columns if text[:m.start()].endswith("column ") else keys
            assert any(as_pattern(m.group(0)).match(k) for k in pool), m.group(0)
    written = sorted(k for c in doc["cells"] for k in c if "missions" in k and k.endswith("_ci"))
    assert written and all(any(as_pattern(d).match(k) for d in doc["intervals"]) for k in written)
    assert doc["cells"][1]["suspected_fire_sides"] == ATT_ON
