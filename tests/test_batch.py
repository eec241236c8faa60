"""Batch runner: seeds, reproducibility, resume, errors, Dask, report (kept small: ~10-turn games)."""

from __future__ import annotations

import copy
import errno
import os
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import scenario_file, short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app, score_row
from engine.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios" / "shusha_1120.json"
TURNS = 8


@pytest.fixture(scope="module")
def small_doc() -> dict:
    """The Shusha scenario cut to a few turns (fast games, still a valid scenario)."""
    return short_shusha_doc(TURNS)


@pytest.fixture(scope="module")
def small_file(small_doc, tmp_path_factory) -> Path:
    return scenario_file(small_doc, tmp_path_factory, "small.json")


def spec_for(doc: dict, games: int = 3, seed: int = 11, **kw) -> B.BatchSpec:
    sweeps = kw.pop("sweeps", [("weather", ["historical", "clear"])])
    return B.BatchSpec("small.json", doc, games, seed, sweeps=sweeps, **kw)


def read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


@pytest.fixture(scope="module")
def reference(small_doc, tmp_path_factory) -> list[dict]:
    """An uninterrupted in-process run: 2 cells x 3 games, one game per chunk."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    B.run_batch(spec_for(small_doc), out, workers=1, chunk=1)
    return read(out)


def test_seeds_deterministic_and_spawned() -> None:
    a = B.derive_seeds(7, 3, 50)
    assert a == B.derive_seeds(7, 3, 50)
    # prefix-stable: more games per cell does not change the first games' seeds
    assert [c[:10] for c in B.derive_seeds(7, 3, 10)] == [c[:10] for c in a]
    flat = [s for c in a for s in c]
    assert len(set(flat)) == len(flat) and all(isinstance(s, int) and s >= 0 for s in flat)
    assert flat[:2] != [7, 8] and B.derive_seeds(8, 3, 50) != a
    with pytest.raises(B.BatchError):
        B.derive_seeds(-1, 1, 1)


def test_row_equals_direct_run(small_doc, reference) -> None:
    assert [(r["cell"], r["game"]) for r in reference] == [(c, g) for c in range(2) for g in range(3)]
    seeds = B.derive_seeds(11, 2, 3)
    scen = scenario_from_dict(copy.deepcopy(small_doc))
    types = B.unit_types_by_side([small_doc])
    for row in (reference[0], reference[4]):
        assert row["seed"] == seeds[row["cell"]][row["game"]]
        assert row["run_options"] == f"--seed {row['seed']} --weather {row['weather']}"
        from engine.game import play_game

        direct = B.flatten_score(score_row(play_game(scen, row["seed"], weather_mode=row["weather"])), types)
        assert {k: row[k] for k in direct} == direct


def test_independent_of_workers_and_chunks(small_doc, reference, tmp_path) -> None:
    out = tmp_path / "pool.parquet"
    B.run_batch(spec_for(small_doc), out, workers=2, chunk=2)
    assert read(out) == reference


def test_resume_after_interrupt(small_doc, reference, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec_for(small_doc), out, workers=1, chunk=1, stop_after_chunks=2)
    assert ei.value.code == 130 and ei.value.done == 2 and ei.value.total == 6
    assert not out.exists()
    parts = sorted(p.name for p in B.parts_dir(out).glob("part-*.parquet"))
    assert len(parts) == 2
    # without --resume: refuse to mix batches; with other parameters: refuse too
    with pytest.raises(B.BatchError, match="--resume"):
        B.run_batch(spec_for(small_doc), out, workers=1)
    with pytest.raises(B.BatchError, match="seed"):
        B.run_batch(spec_for(small_doc, seed=12), out, workers=1, resume=True)
    # a torn part (e.g. killed while copying) is redone too
    (B.parts_dir(out) / parts[1]).write_bytes(b"garbage")
    started = []
    res = B.run_batch(spec_for(small_doc), out, workers=2, resume=True, on_start=lambda t, d: started.append(d))
    assert started == [1] and res.resumed_games == 1
    assert read(out) == reference


def test_disk_full_keeps_finished_parts(small_doc, tmp_path, monkeypatch) -> None:
    real = B.write_table_atomic
    calls = []

    def writer(table, path):
        calls.append(path)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, path)

    monkeypatch.setattr(B, "write_table_atomic", writer)
    out = tmp_path / "full.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec_for(small_doc, games=2, sweeps=[]), out, workers=1, chunk=1)
    assert "disk full" in ei.value.message and ei.value.code == 1 and ei.value.done == 1
    assert len(list(B.parts_dir(out).glob("part-*.parquet"))) == 1


def test_overrides() -> None:
    doc = {"units": [{"id": "a", "strength": 2}, {"id": "b", "strength": 1}], "sides": {"defender": {"x": 1}}}
    B.apply_override(doc, "units.b.strength", 3)
    B.apply_override(doc, "units.0.strength", 4)
    B.apply_override(doc, "sides.defender.supply_range", 10)
    assert doc["units"] == [{"id": "a", "strength": 4}, {"id": "b", "strength": 3}]
    assert doc["sides"]["defender"]["supply_range"] == 10
    with pytest.raises(B.BatchError, match="no unit with id 'nosuch' at units"):
        B.apply_override(doc, "units.nosuch.strength", 3)
    with pytest.raises(B.BatchError, match="unknown sweep key"):
        B.parse_sweep("wether=clear")
    with pytest.raises(B.BatchError, match="unknown value"):
        B.parse_sweep("weather=sunny")
    assert B.parse_sweep("attacker_lead=sf,mech") == ("attacker_lead", ["sf", "mech"])


def _one_line_error(result) -> str:
    text = (result.stderr if hasattr(result, "stderr") else result.output).strip()
    assert result.exit_code not in (0, None)
    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(text.splitlines()) == 1, text
    return text


@pytest.mark.parametrize("args, expect", [
    (["--sweep", "wether=clear"], "unknown sweep key 'wether'"),
    (["--set", "units.nosuch.strength=3"], "no unit with id 'nosuch' at units"),
    (["--set", "turns=4"], "scenario invalid after overrides"),
    (["--sweep", "set:sides.defender.nosuch.x=1,2"], "--sweep set:sides.defender.nosuch.x: no key 'nosuch'"),
    (["--weather", "fog", "--sweep", "weather=clear,historical"], "--weather fog and --sweep weather=..."),
    (["--attacker", "random", "--sweep", "attacker_agent=passive,doctrine"], "--attacker random and --sweep"),
])
def test_cli_bad_options(small_file, tmp_path, args, expect) -> None:
    r = CliRunner().invoke(app, ["batch", str(small_file), "--games", "1", "--out", str(tmp_path / "o.parquet"),
                                 *args])
    assert expect in _one_line_error(r)
    assert not (tmp_path / "o.parquet.parts").exists()


def test_cli_unreadable_results(tmp_path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    for p in (bad, tmp_path / "missing.parquet", tmp_path):
        r = CliRunner().invoke(app, ["report", str(p)])
        assert "results" in _one_line_error(r) or "folder" in r.output


def test_cli_batch_resume_and_report(small_file, tmp_path) -> None:
    out = tmp_path / "c.parquet"
    args = ["batch", str(small_file), "--games", "2", "--seed", "5", "--out", str(out), "--workers", "1",
            "--sweep", "set:sides.defender.supply_range=10,20", "--csv", str(tmp_path / "c.csv"), "-q"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    rows = read(out)
    assert [r["set:sides.defender.supply_range"] for r in rows] == [10, 10, 20, 20]
    assert "--set sides.defender.supply_range=20" in rows[-1]["run_options"]
    assert (tmp_path / "c.csv").read_text().count("\n") == 5
    meta = B.read_batch_metadata(out)
    assert meta["start"] == "2020-10-28T06:00" and meta["turn_hours"] == 12 and "--sweep" in meta["command"]
    assert not B.parts_dir(out).exists()  # combined: the parts are gone
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0 and read(out) == rows and "already holds this batch, finished" in r.output
    rep = tmp_path / "rep"
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep), "--html"])
    assert r.exit_code == 0, r.output
    for name in ("win_rate.png", "capture_turn.png", "losses.png"):
        assert (rep / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (rep / "report.html").read_text()
    mask = os.umask(0)
    os.umask(mask)
    for p in (out, rep / "report.html", rep / "win_rate.png"):  # results are as readable as any new file
        assert p.stat().st_mode & 0o777 == 0o666 & ~mask, p
    assert "data:image/png;base64," in page and "wargame batch" in page and "supply_range=10" in page


def test_dask_local_cluster_equals_local(small_doc, reference, tmp_path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask.parquet"
    B.run_batch(spec_for(small_doc), out, workers=2, scheduler="local", chunk=2)
    assert read(out) == reference


def test_unreachable_scheduler(small_file, tmp_path) -> None:
    r = CliRunner().invoke(app, ["batch", str(small_file), "--games", "1", "--out", str(tmp_path / "x.parquet"),
                                 "--scheduler", "tcp://127.0.0.1:9"])
    assert "cannot connect to Dask scheduler" in _one_line_error(r)


def test_report_dates_a_median_between_two_turns_by_both(tmp_path) -> None:
    from engine.report import Summary

    s = Summary(tmp_path / "r.parquet", [], {"start": "2020-10-28T06:00", "turn_hours": 12}, [])
    assert s.turn_date(19) == "06 Nov 06:00"
    assert s.turn_date(19.5) == "06 Nov 06:00–18:00"
    assert s.turn_date(20.5) == "06 Nov 18:00–07 Nov 06:00"


def test_report_on_an_unfinished_batch_says_how_to_finish_it(tmp_path) -> None:
    out = tmp_path / "u.parquet"
    B.parts_dir(out).mkdir()
    r = CliRunner().invoke(app, ["report", str(out)])
    assert "unfinished batch" in _one_line_error(r) and "--resume" in r.output


def test_run_summary_names_the_scenarios_objective_and_sums_losses_by_cause() -> None:
    lesson = ROOT / "scenarios" / "lessons" / "supply.json"
    r = CliRunner().invoke(app, ["run", str(lesson), "--seed", "1"])
    assert r.exit_code == 0, r.output
    objective = load_scenario(lesson).victory.objective
    assert (f"{objective} taken and held from" in r.output
            or re.search(rf"{re.escape(objective)} never held( whole)? by the attacker", r.output)) \
        and "Shusha" not in r.output
    lines = r.output.splitlines()
    k = next(i for i, line in enumerate(lines) if "steps lost" in line)
    by_cause = [line for line in lines[k + 1:] if "of which to" in line]
    assert by_cause and lines[k + 1] == by_cause[0]  # right under the steps lost they add up to
    total = [int(x) for x in lines[k].split("│")[2:4]]
    sums = [sum(int(line.split("│")[c]) for line in by_cause) for c in (2, 3)]
    assert sums == total


def test_the_table_compares_each_cell_with_the_first():
    from pathlib import Path

    from engine.report import CellStats, Summary, table_rows

    cells = [CellStats(0, "a", {}, n=200, attacker_wins=136), CellStats(1, "b", {}, n=200, attacker_wins=176)]
    head, rows = table_rows(Summary(Path("r.parquet"), cells, {}, []))
    k = head.index("wins vs cell 0 [95% CI]")
    assert rows[0][k] == "—" and rows[1][k] == "+20 pts [+12, +28]"
    head, _ = table_rows(Summary(Path("r.parquet"), cells[:1], {}, []))
    assert "wins vs cell 0 [95% CI]" not in head


def test_the_turn_the_objective_was_first_entered_is_recorded():
    """Analysts asked when Shusha was broken into, not only by whom: the turn is in the score and each row."""
    from conftest import shusha_scenario

    from engine.batch import flatten_score, unit_types_by_side
    from engine.cli import score_row
    from engine.game import play_game

    got = []
    for seed in range(6):
        st = play_game(shusha_scenario(), seed)
        sc = st.score
        if sc.objective_first_entry_type is None:
            assert sc.objective_first_entry_turn is None
            continue
        assert 1 <= sc.objective_first_entry_turn <= st.turn
        if sc.objective_taken_turn is not None:
            assert sc.objective_first_entry_turn <= sc.objective_taken_turn
        got.append(sc.objective_first_entry_turn)
        row = flatten_score(score_row(st), unit_types_by_side([st.scenario.raw]))
        assert row["objective_first_entry_turn"] == sc.objective_first_entry_turn
    assert got


# ------------------------------------------------------------------------------------- the realised weather
def _armed_grounded_by_events(state) -> dict[int, bool]:
    """Per turn in which every armed drone of the game reported its air status: were they all grounded? (What
    the engine decided, read from its `AirStatus` events: an oracle independent of `batch.weather_columns`.)"""
    from engine.events import AirStatus

    table = state.scenario.unit_table
    armed = {u.id for u in state.air_units() if table[u.type].air_role in B.ARMED_AIR_ROLES}
    seen: dict[int, dict[str, bool]] = {}
    for e in state.log:
        if isinstance(e, AirStatus) and e.unit in armed:
            seen.setdefault(e.turn, {})[e.unit] = e.grounded
    return {t: all(g.values()) for t, g in seen.items() if set(g) == armed}


def test_each_row_records_the_weather_its_game_had(small_doc, tmp_path) -> None:
    """Analysts condition results on the weather: with stochastic weather each game has its own, and its row
    says which (over the turns played only); fixed modes are known vectors."""
    from engine.events import WeatherReport
    from engine.game import play_game

    out = tmp_path / "w.parquet"
    B.run_batch(spec_for(small_doc, games=6, sweeps=[("weather", ["stochastic", "clear", "fog"])]), out,
                workers=1)
    rows = read(out)
    assert list(B.WEATHER_COLUMNS) == pq.read_schema(out).names[-len(B.WEATHER_COLUMNS):]
    scen = scenario_from_dict(copy.deepcopy(small_doc))
    checked_turns = whole_games = 0
    for row in rows:
        if row["weather"] != "stochastic":
            continue
        st = play_game(scen, row["seed"], weather_mode="stochastic")
        reports = [e for e in st.log if isinstance(e, WeatherReport)]
        assert len(reports) == row["end_turn"] == st.turn  # one per turn played, none for turns not played
        assert row["weather_min_ceiling_m"] == min(e.ceiling_m for e in reports)
        assert row["weather_min_visibility_km"] == min(e.visibility_km for e in reports)
        assert row["weather_fog_turns"] == sum(e.fog != "none" for e in reports)
        by_events = _armed_grounded_by_events(st)
        assert len(by_events) >= row["end_turn"] - 2  # (a drone shot down stops reporting)
        mine = {e.turn: B.armed_drones_grounded(st, st.weather_by_turn[e.turn - 1]) for e in reports
                if e.turn in by_events}
        assert mine == by_events
        checked_turns += len(by_events)
        if len(by_events) == row["end_turn"]:
            assert row["weather_grounded_turns"] == sum(by_events.values())
            whole_games += 1
    assert checked_turns >= 20 and whole_games >= 3
    stochastic = [r for r in rows if r["weather"] == "stochastic"]
    assert len({(r["weather_min_ceiling_m"], r["weather_grounded_turns"]) for r in stochastic}) > 1
    for r in rows:
        if r["weather"] == "clear":
            assert (r["weather_grounded_turns"], r["weather_fog_turns"], r["weather_min_ceiling_m"]) == (0, 0, 4000)
        elif r["weather"] == "fog":
            assert r["weather_grounded_turns"] == r["weather_fog_turns"] == r["end_turn"]
            assert (r["weather_min_ceiling_m"], r["weather_min_visibility_km"]) == (100, 0.3)


def test_a_game_without_armed_drones_has_no_grounded_turns_count(small_doc) -> None:
    from engine.game import play_game

    doc = copy.deepcopy(small_doc)
    doc["units"] = [u for u in doc["units"] if u["type"] not in ("armed_drone", "loitering_munition")]
    st = play_game(scenario_from_dict(doc), 3, weather_mode="fog")
    cols = B.weather_columns(st)
    assert cols["weather_grounded_turns"] is None and cols["weather_fog_turns"] == st.turn


def _strip_weather_columns(path: Path) -> None:
    """Rewrite a part or results file as a wargame without the weather columns wrote it."""
    t = pq.read_table(path)
    pq.write_table(t.drop_columns(list(B.WEATHER_COLUMNS)), path)


def test_resume_plays_again_the_parts_an_older_wargame_wrote(small_doc, reference, tmp_path) -> None:
    """Parts written before the weather columns existed cannot be combined with new ones: --resume says so and
    plays those games again (same seeds), instead of crashing when it combines the parts."""
    out = tmp_path / "old.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec_for(small_doc), out, workers=1, chunk=1, stop_after_chunks=3)
    parts = sorted(B.parts_dir(out).glob("part-*.parquet"))
    for p in parts[:2]:
        _strip_weather_columns(p)
    notes, started = [], []
    B.run_batch(spec_for(small_doc), out, workers=1, resume=True, on_message=notes.append,
                on_start=lambda t, d: started.append(d))
    assert started == [1]  # the one up-to-date part is kept
    assert len(notes) == 1 and "2 finished parts" in notes[0] and "weather_grounded_turns" in notes[0]
    assert "playing their 2 games again" in notes[0]
    assert read(out) == reference


def test_a_finished_file_from_an_older_wargame_is_kept_and_its_missing_columns_named(small_doc, reference,
                                                                                      small_file, tmp_path):
    out = tmp_path / "c.parquet"
    args = ["batch", str(small_file), "--games", "1", "--seed", "5", "--out", str(out), "--workers", "1", "-q"]
    assert CliRunner().invoke(app, args).exit_code == 0
    meta = pq.read_schema(out).metadata
    t = pq.read_table(out).drop_columns(list(B.WEATHER_COLUMNS))
    pq.write_table(t.replace_schema_metadata(meta), out)
    before = out.read_bytes()
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    assert "already holds this batch, finished" in r.output and "weather_grounded_turns" in r.output
    assert "--overwrite" in r.output and out.read_bytes() == before
    rep = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "rep")])
    assert rep.exit_code == 0, rep.output
    r = CliRunner().invoke(app, [*args, "--overwrite"])
    assert r.exit_code == 0 and set(B.WEATHER_COLUMNS) <= set(pq.read_schema(out).names)
