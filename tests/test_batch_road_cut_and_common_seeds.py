"""Session 27, analyst tools (a modelling review): where the watched road was first cut and the cut by the
objective as results columns, the objective fallen by turn T over all games, `wargame batch --common-seeds`
(cells that pair within one batch), and `--weather` presets without a weather schedule for every turn."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine import batch as B
from engine import report as R
from engine.cli import app
from engine.fidelity import COUNTERATTACK_RADIUS
from engine.game import play_game
from engine.report import CellStats, Summary
from engine.rules import apply, new_game
from engine.scenario import load_scenario, scenario_from_dict
from engine.units import ATTACKER

ROOT = Path(__file__).resolve().parents[1]
SHUSHA = ROOT / "scenarios" / "shusha_1120.json"
AMBUSH = ROOT / "scenarios" / "lessons" / "ambush.json"


@pytest.fixture(scope="module")
def shusha():
    return load_scenario(SHUSHA)


@pytest.fixture(scope="module")
def ambush_doc() -> dict:
    return copy.deepcopy(load_scenario(AMBUSH).raw)


def replayed_near_cut(scen, seed: int, st, near: frozenset[int], mode: str | None = None) -> int | None:
    """The oracle: the game replayed order by order, the first turn an attacker ground unit stands on `near`."""
    r = new_game(scen, seed, mode)
    if any(u.idx in near for u in r.ground_units(ATTACKER)):
        return r.turn
    for o in st.orders:
        apply(r, o)
        if any(u.idx in near for u in r.ground_units(ATTACKER)):
            return r.turn
    return None


# ------------------------------------------------------------------ 1. where the road was cut, and by the town

def test_near_objective_hexes_are_fidelitys(shusha) -> None:
    gmap, rw = play_game(shusha, 1).map, shusha.victory.road_watch
    obj = gmap.objective_set
    want = {i for i in gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end))
            if i not in obj and min(gmap.distance(i, j) for j in obj) <= COUNTERATTACK_RADIUS}
    assert B.near_objective_road(gmap, rw) == want and want


@pytest.mark.parametrize("sets", [[], [("unit_types.special_forces.move_points", 4)]])
def test_the_cut_by_the_objective_is_fidelitys_town_cut_without_a_replay(shusha, sets) -> None:
    """From the log the batch holds, equal to a replay as fidelity's (`_replay_measures`), and it moves with the
    special forces' march where the first cut anywhere (the western group at Lisagor) does not."""
    doc = copy.deepcopy(shusha.raw)
    for path, value in sets:
        B.apply_override(doc, path, value)
    scen = scenario_from_dict(doc)
    near = B.near_objective_road(play_game(scen, 1).map, scen.victory.road_watch)
    got = []
    for seed in (1, 2, 3):
        st = play_game(scen, seed)
        cols = B.road_cut_columns(st)
        assert cols["road_cut_near_objective_turn"] == replayed_near_cut(scen, seed, st, near)
        first = next(e for e in st.log if e.kind == "RoadCut" and e.cut)
        assert first.reason.endswith(f" at {cols['road_cut_where']}") and first.turn == st.score.road_cut_turn
        got.append(cols["road_cut_near_objective_turn"])
    assert all(t is not None for t in got)
    if sets:  # (faster special forces: on the road by the town earlier than the historical march's turn 16)
        assert max(got) < 16


@pytest.mark.parametrize("mode", ["stochastic", "fog"])
def test_the_cut_by_the_objective_matches_a_replay_in_other_weather(shusha, mode) -> None:
    near = B.near_objective_road(play_game(shusha, 1).map, shusha.victory.road_watch)
    for seed in (4, 5):
        st = play_game(shusha, seed, weather_mode=mode)
        assert B.near_objective_cut_turn(st) == replayed_near_cut(shusha, seed, st, near, mode)


def test_a_game_without_a_watched_road_or_a_cut_has_none(ambush_doc) -> None:
    doc = copy.deepcopy(ambush_doc)
    del doc["victory"]["road_watch"]
    st = play_game(scenario_from_dict(doc), 0)
    assert B.road_cut_columns(st) == {"road_cut_where": None, "road_cut_near_objective_turn": None}


def test_batch_rows_carry_the_new_columns(ambush_doc, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    spec = B.BatchSpec("ambush.json", ambush_doc, 3, 5)
    B.run_batch(spec, out, workers=1)
    names = pq.read_schema(out).names
    assert names.index("road_cut_near_objective_turn") < names.index("weather_grounded_turns")
    scen = scenario_from_dict(ambush_doc)
    for row in pq.read_table(out).to_pylist():
        direct = B.road_cut_columns(play_game(scen, row["seed"]))
        assert {k: row[k] for k in direct} == direct
        assert row["road_cut_where"] is not None  # (the lesson's road is cut in every game)


def shusha_like_rows(tmp_path: Path, drop: tuple[str, ...] = ()) -> Path:
    """A small real results file (ambush lesson, 2 cells), optionally without some columns (an older file)."""
    out = tmp_path / "r.parquet"
    doc = copy.deepcopy(load_scenario(AMBUSH).raw)
    spec = B.BatchSpec("ambush.json", doc, 4, 2, sweeps=[("set:victory.sudden_death", [True, False])])
    B.run_batch(spec, out, workers=1)
    if drop:
        t = pq.read_table(out)
        pq.write_table(t.drop_columns(list(drop)).replace_schema_metadata(t.schema.metadata), out)
    return out


def test_the_report_shows_both_cuts_and_where(tmp_path) -> None:
    s = R.summarize(shusha_like_rows(tmp_path))
    head, rows = R.table_rows(s)
    col = head.index(R.road_cut_head(s))
    c = s.cells[0]
    assert c.near_cut_turns and c.cut_places
    assert rows[0][col].startswith(f"{R._fmt_turn(s, R.median(c.road_cut_turns))} / "
                                   f"{R._fmt_turn(s, R.median(c.near_cut_turns))}")
    assert f"at {next(iter(c.cut_places))}" in rows[0][col]
    data = R.cell_summaries(s)[0]
    assert data["road_cut_near_objective_turn_median"] == R.median(c.near_cut_turns)
    assert data["road_cut_where"] == c.cut_places and data["road_cuts_near_objective"] == len(c.near_cut_turns)
    assert "road_cut_near_objective_turn" in R.report_markdown(s)


def test_an_older_file_without_the_columns_reports_them_not_available(tmp_path) -> None:
    s = R.summarize(shusha_like_rows(tmp_path, drop=("road_cut_where", "road_cut_near_objective_turn")))
    assert not s.has_near_cut and all(c.near_cut_turns is None and c.cut_places is None for c in s.cells)
    head, rows = R.table_rows(s)
    cell = rows[0][head.index(R.road_cut_head(s))]
    assert f"/ {R.NOT_RECORDED}" in cell and " at " not in cell
    data = R.cell_summaries(s)[0]
    assert data["road_cut_near_objective_turn_median"] is None and data["road_cut_where"] is None
    assert data["road_cut_turn_median"] is not None  # (the first cut anywhere is still there)


# ------------------------------------------------------------------ 2. fallen by turn T, over all games

def _cell(i: int, captures: list[int], n: int = 10) -> CellStats:
    c = CellStats(i, f"x={i}", {"x": i}, n=n, attacker_wins=len(captures), defender_wins=n - len(captures))
    c.capture_turns = list(captures)
    c.turns_played = [26] * n
    return c


def _summary(*cells: CellStats) -> Summary:
    return Summary(Path("r.parquet"), list(cells), {"turns": 26, "objective": "Shusha"}, ["x"])


def test_fallen_checkpoints() -> None:
    assert R.fallen_checkpoints(26) == [18, 22, 26]
    assert R.fallen_checkpoints(34) == [24, 29, 34]
    assert R.fallen_checkpoints(0) == []


def test_fallen_by_turn_is_over_all_games_where_the_median_over_wins_hides_the_effect() -> None:
    """The review's case: the median over the wins moves little (23 -> 25), the share fallen by turn 22 a lot."""
    a = _cell(0, [20, 21, 22, 22, 23, 24, 25, 26])  # 8 wins of 10
    b = _cell(1, [25, 26])  # 2 wins of 10, both late
    s = _summary(a, b)
    assert s.fallen_turns == [18, 22, 26]
    head, rows = R.table_rows(s, compact=True)  # (the terminal's: no room for the intervals)
    col = head.index(R.fallen_head(s, "\n"))
    assert rows[0][col] == "0/40/80%" and rows[1][col] == "0/0/20%"
    head, rows = R.table_rows(s)  # (report.md's: each share with its Wilson interval)
    col = head.index(R.fallen_head(s) + " [95% CI]")
    assert head[col] == "Shusha fallen by turn 18/22/26 (all games) [95% CI]"
    assert rows[0][col] == "0% [0–28] / 40% [17–69] / 80% [49–94]"
    assert rows[1][col] == "0% [0–28] / 0% [0–28] / 20% [6–51]"
    da, db = R.cell_summaries(s)
    assert da["fallen_by_turn_22"] == pytest.approx(0.4) and db["fallen_by_turn_22"] == 0.0
    lo, hi = da["fallen_by_turn_22_ci"]
    assert lo < 0.4 < hi
    assert da["capture_turn_median_all_games"] == 23.5 and not da["capture_turn_median_all_games_after_last"]
    assert db["capture_turn_median_all_games"] is None and db["capture_turn_median_all_games_after_last"]
    csv_head = R.cells_csv(s).splitlines()[0].split(",")
    assert {"fallen_by_turn_22", "fallen_by_turn_22_ci_low", "capture_turn_median_all_games"} <= set(csv_head)
    md = R.report_markdown(s)
    assert "fallen by turn 18/22/26 (all games)" in md and "a game never taken counts as not fallen" in md
    assert "fallen_by_turn" in json.loads(R.cells_json(s))


# ------------------------------------------------------------------ 3. --common-seeds

def test_common_seeds_are_cell_zeros_seeds_in_every_cell() -> None:
    common = B.derive_seeds(5, 3, 4, common=True)
    assert common[0] == common[1] == common[2] == B.derive_seeds(5, 3, 4)[0]
    assert B.derive_seeds(5, 3, 4)[1] != common[1]


def test_the_default_identity_is_unchanged(ambush_doc) -> None:
    """A batch without the option keeps the identity it had (its --resume and its report are unchanged)."""
    spec = B.BatchSpec("a.json", ambush_doc, 4, 1)
    assert "common_seeds" not in spec.identity()
    assert B.BatchSpec("a.json", ambush_doc, 4, 1, common_seeds=True).identity()["common_seeds"] is True


def test_a_common_seeds_batch_pairs_its_cells_in_the_report(ambush_doc, tmp_path) -> None:
    sweeps = [("set:victory.sudden_death", [True, False])]
    out, plain = tmp_path / "c.parquet", tmp_path / "p.parquet"
    B.run_batch(B.BatchSpec("ambush.json", ambush_doc, 4, 7, sweeps, common_seeds=True), out, workers=1)
    B.run_batch(B.BatchSpec("ambush.json", ambush_doc, 4, 7, sweeps), plain, workers=1)
    rows = pq.read_table(out).to_pylist()
    by_cell = {c: [r["seed"] for r in sorted(rows, key=lambda r: r["game"]) if r["cell"] == c] for c in (0, 1)}
    assert by_cell[0] == by_cell[1]
    assert B.read_batch_metadata(out)["batch"]["common_seeds"] is True
    s = R.summarize(out)
    assert s.common_seeds and set(R.cells_paired(s)) == {1}
    head, table = R.table_rows(s)
    assert table[1][head.index("wins vs cell 0 [95% CI]")].endswith("paired")
    assert R.COMMON_SEEDS_NOTE in R.report_markdown(s) and R.PAIRED_NOTE in R.report_markdown(s)
    assert R.cell_summaries(s)[1]["paired_vs_cell0"] is True
    # an acceptance test: the caption called the paired numbers Welch's
    assert "Welch's 95% interval (where not marked 'paired')" in R.report_markdown(s)
    p = R.summarize(plain)  # (without the option: different seeds, nothing paired, as before)
    assert not p.common_seeds and R.cells_paired(p) == {} and R.SEEDS_NOTE in R.report_markdown(p)
    assert "where not marked" not in R.report_markdown(p)
    # cell 0 is the same games either way
    plain0 = sorted((r["game"], r["seed"], r["winner"]) for r in pq.read_table(plain).to_pylist() if r["cell"] == 0)
    assert plain0 == sorted((r["game"], r["seed"], r["winner"]) for r in rows if r["cell"] == 0)


def test_resume_knows_the_seeds_were_common(ambush_doc, tmp_path) -> None:
    pdir = tmp_path / "r.parquet.parts"
    sweeps = [("set:victory.sudden_death", [True, False])]
    B._check_or_write_manifest(pdir, B.BatchSpec("a.json", ambush_doc, 4, 1, sweeps, common_seeds=True), False, 2)
    assert json.loads((pdir / B.MANIFEST).read_text())["batch"]["common_seeds"] is True
    with pytest.raises(B.BatchError, match="common_seeds"):
        B._check_or_write_manifest(pdir, B.BatchSpec("a.json", ambush_doc, 4, 1, sweeps), True, 2)
    assert B._check_or_write_manifest(pdir, B.BatchSpec("a.json", ambush_doc, 4, 1, sweeps, common_seeds=True),
                                      True, 2) == 2


def test_cli_common_seeds(tmp_path) -> None:
    out = tmp_path / "r.parquet"
    r = CliRunner().invoke(app, ["batch", str(AMBUSH), "--games", "2", "--seed", "3", "--out", str(out),
                                 "--workers", "1", "-q", "--sweep", "set:victory.sudden_death=true,false",
                                 "--common-seeds"])
    assert r.exit_code == 0, r.output
    meta = B.read_batch_metadata(out)
    assert meta["batch"]["common_seeds"] is True and "--common-seeds" in meta["command"]
    assert "paired" in r.output


# ------------------------------------------------------------------ 4. --weather presets, any number of turns

def test_a_weather_preset_needs_no_schedule_for_added_turns(shusha) -> None:
    cells = B.build_cells(shusha.raw, [("set:turns", [26, 34])], [], weather="clear")
    assert cells[0].doc == shusha.raw  # (a schedule for every turn: the document played is the scenario's)
    assert cells[1].doc["weather"]["mode"] == "clear" and cells[1].doc["turns"] == 34
    scen = B.with_overrides(shusha, ["turns=34"], "shusha", weather="fog")  # (`wargame run`)
    assert scen.turns == 34
    with pytest.raises(B.BatchError, match="no weather for turns 27"):  # (historical weather still needs it)
        B.build_cells(shusha.raw, [("set:turns", [26, 34])], [])
