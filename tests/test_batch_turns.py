"""`wargame batch --turns`: one row per game per turn played, read from each game's event log, in a file of its
own next to the results; resumable like the results; `wargame report` plots the objective by turn from it."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import scenario_file, short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app, score_row
from engine.events import (
    AssaultResolved,
    DroneStrike,
    FireResult,
    ObjectiveStatus,
    RoadCut,
    TurnStarted,
    UnitDestroyed,
    UnitRetreated,
)
from engine.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios" / "shusha_1120.json"
TURNS = 6


@pytest.fixture(scope="module")
def doc() -> dict:
    return short_shusha_doc(TURNS)


@pytest.fixture(scope="module")
def doc_file(doc, tmp_path_factory) -> Path:
    return scenario_file(doc, tmp_path_factory, "short.json")


def spec(doc: dict, games: int = 3, seed: int = 5) -> B.BatchSpec:
    return B.BatchSpec("short.json", doc, games, seed, sweeps=[("weather", ["historical", "stochastic"])])


def read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


@pytest.fixture(scope="module")
def reference(doc, tmp_path_factory) -> tuple[list[dict], list[dict]]:
    """An uninterrupted run with per-turn rows: (results rows, per-turn rows)."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    res = B.run_batch(spec(doc), out, workers=1, chunk=1, turns=True)
    assert res.turns_out == B.turns_path(out) == out.with_name("ref.turns.parquet")
    return read(out), read(B.turns_path(out))


# ------------------------------------------------------------------------------------- the rows themselves
def check_against_rows(rows: list[dict], per_turn: list[dict]) -> None:
    """Every game has one row per turn played, 1 to its end_turn, and its last turn's running totals are its
    results row's totals (the per-turn values sum to the row's counters)."""
    by_game: dict[tuple[int, int], list[dict]] = {}
    for t in per_turn:
        by_game.setdefault((t["cell"], t["game"]), []).append(t)
    assert set(by_game) == {(r["cell"], r["game"]) for r in rows}
    for r in rows:
        ts = by_game[(r["cell"], r["game"])]
        assert [t["turn"] for t in ts] == list(range(1, r["end_turn"] + 1))
        assert {t["seed"] for t in ts} == {r["seed"]} and {t["weather"] for t in ts} == {r["weather"]}
        last = ts[-1]
        for side in B.SIDES:
            assert last[f"steps_lost_{side}_cum"] == r[f"steps_lost_{side}_total"]
            assert last[f"units_destroyed_{side}_cum"] == r[f"units_destroyed_{side}_total"]
            for name, col in (("units_out_of_supply", "unit_turns_out_of_supply"),
                              ("drone_sorties_flown", "drone_sorties_flown"),
                              ("armed_drones_grounded", "drone_sorties_grounded")):
                assert sum(t[f"{name}_{side}"] for t in ts) == r[f"{col}_{side}"], (name, side)
            cum = [t[f"steps_lost_{side}_cum"] for t in ts]
            assert cum == sorted(cum)  # running totals never go down
        assert last["objective_hexes_attacker"] == r["objective_hexes_attacker"]
        assert last["objective_hexes_total"] == r["objective_hexes_total"]
        assert last["road_cut"] == r["road_cut_at_end"]
        assert next((t["turn"] for t in ts if t["road_cut_during_turn"]), None) == r["road_cut_turn"]
        assert last["objective_held"] == (r["winner"] == "attacker")
        if r["objective_taken_turn"] is not None:  # the final hold: held from that turn to the end
            assert all(t["objective_held"] for t in ts if t["turn"] >= r["objective_taken_turn"])
            assert r["objective_taken_turn"] == 1 or not ts[r["objective_taken_turn"] - 2]["objective_held"]


def test_the_last_turn_of_each_game_adds_up_to_its_row(reference) -> None:
    rows, per_turn = reference
    check_against_rows(rows, per_turn)
    assert [(t["cell"], t["game"], t["turn"]) for t in per_turn] == sorted((t["cell"], t["game"], t["turn"])
                                                                          for t in per_turn)


def test_whole_games_add_up_to_their_score_and_cover_every_loss_path() -> None:
    """Full-length Shusha games (drones shot down, routed units, sudden-death captures, the road cut and
    reopened): the per-turn rows read from the log agree with the engine's own score."""
    from engine.game import play_game

    scen = load_scenario(SCEN)
    types = B.unit_types_by_side([scen.raw])
    causes: set[str] = set()
    rows, per_turn = [], []
    for g, (seed, weather) in enumerate([(s, w) for s in range(5) for w in ("historical", "stochastic")]):
        st = play_game(scen, seed, weather_mode=weather)
        rows.append({"cell": 0, "game": g, "weather": weather, **B.flatten_score(score_row(st), types)})
        per_turn += [{"cell": 0, "game": g, "weather": weather, "seed": seed, **t}
                     for t in B.turn_rows(st.log, st.scenario)]
        causes |= {c for side in st.score.losses_by_cause.values() for c in side}
    check_against_rows(rows, per_turn)
    assert {"retreat", "air defence", "assault", "artillery", "ambush"} <= causes
    assert any(r["end_turn"] < scen.turns for r in rows)  # a game that ended early
    assert any(t["weather_grounded_armed_drones"] for t in per_turn)
    assert any(t["weather_grounded_armed_drones"] is False for t in per_turn)


def _fire(firer: str, target: str, losses: int, strength_before: int) -> FireResult:
    return FireResult(firer=firer, target=target, target_type="x", firepower=5, protection=3, modifiers=[], net=2,
                      p_hit=0.3, shots=losses, rolls=[0.0] * losses, hits=losses, losses=losses,
                      strength_after=strength_before - losses)


def test_losses_are_capped_as_applied_and_a_surrender_loses_what_was_left() -> None:
    """A hand-made log: two defenders' fire on one assaulting unit is capped at its strength (as the rules apply
    it, once); a unit that surrenders loses the strength it still had; an expended loitering munition is spent,
    not lost; a strike shot down costs the drone one step."""
    scen = load_scenario(SCEN)
    att = next(u for u in scen.units if u.side == "attacker" and u.type != "loitering_munition"
               and scen.unit_table[u.type].domain == "ground")
    dfd = [u for u in scen.units if u.side == "defender" and scen.unit_table[u.type].domain == "ground"][:2]
    harop = next(u for u in scen.units if u.type == "loitering_munition")
    tb2 = next(u for u in scen.units if u.type == "armed_drone")

    def strength(u):
        return u.strength if u.strength is not None else scen.unit_table[u.type].max_steps

    sa, s0 = strength(att), strength(dfd[0])
    log = [
        TurnStarted(turn=1, date="d", night=False),
        AssaultResolved(turn=1, side="attacker", attacker=att.id, hex=(0, 0), target_hex=(0, 1),
                        defenders=[d.id for d in dfd], attacker_fire=[_fire(att.id, dfd[0].id, 1, s0)],
                        defender_fire=[_fire(d.id, att.id, sa, sa) for d in dfd],
                        result="assaulting unit destroyed", advanced=False),
        UnitDestroyed(turn=1, side="attacker", unit=att.id, unit_type=att.type, hex=(0, 0), cause="assault"),
        ObjectiveStatus(turn=1, objective="o", attacker_hexes=0, total_hexes=7, held_by=None),
        TurnStarted(turn=2, date="d", night=True),
        UnitRetreated(turn=2, side="defender", unit=dfd[0].id, from_hex=(0, 1), hex=None,
                      reason="broken, surrounded"),
        UnitDestroyed(turn=2, side="defender", unit=dfd[0].id, unit_type=dfd[0].type, hex=(0, 1), cause="surrender"),
        DroneStrike(turn=2, side="attacker", unit=harop.id, target_hex=(0, 2), engagements=[], aborted=False,
                    fire=[_fire(harop.id, dfd[1].id, 1, strength(dfd[1]))], expended=True),
        DroneStrike(turn=2, side="attacker", unit=tb2.id, target_hex=(0, 2), engagements=[], aborted=True, fire=[],
                    expended=False),
        RoadCut(turn=2, road="r", cut=True, reason="x"),
        RoadCut(turn=2, road="r", cut=False, reason="y"),
        ObjectiveStatus(turn=2, objective="o", attacker_hexes=2, total_hexes=7, held_by=None),
    ]
    t1, t2 = B.turn_rows(log, scen)
    assert (t1["steps_lost_attacker_cum"], t1["steps_lost_defender_cum"]) == (sa, 1)  # not 2 × sa
    assert (t1["units_destroyed_attacker_cum"], t1["units_destroyed_defender_cum"]) == (1, 0)
    # the surrender: what dfd[0] had left after the assault; the munition's own step is spent, not lost
    assert t2["steps_lost_defender_cum"] == s0 + 1 and t2["steps_lost_attacker_cum"] == sa + 1
    assert t2["drone_sorties_flown_attacker"] == 2 and t1["drone_sorties_flown_attacker"] == 0
    assert (t1["road_cut"], t1["road_cut_during_turn"], t2["road_cut"], t2["road_cut_during_turn"]) == \
        (False, False, False, True)
    assert t2["objective_hexes_attacker"] == 2 and t2["weather_grounded_armed_drones"] is None


# --------------------------------------------------------------------------------------------- the files
def test_without_turns_nothing_changes(doc, reference, tmp_path) -> None:
    """Off by default: the results are the same rows and the same bytes, and no per-turn file or part is made."""
    plain = tmp_path / "a" / "r.parquet"
    with_turns = tmp_path / "b" / "r.parquet"
    parts_seen: list[str] = []
    real = B.write_table_atomic

    def spy(table, path):
        parts_seen.append(Path(path).name)
        real(table, path)

    mp = pytest.MonkeyPatch()
    mp.setattr(B, "write_table_atomic", spy)
    try:
        B.run_batch(spec(doc), plain, workers=1, chunk=1)
    finally:
        mp.undo()
    assert parts_seen and all(n.startswith("part-") for n in parts_seen)
    assert not B.turns_path(plain).exists() and sorted(p.name for p in plain.parent.iterdir()) == ["r.parquet"]
    assert pq.read_schema(plain).names == B.plan(spec(doc), 1)[2].names
    B.run_batch(spec(doc), with_turns, workers=1, chunk=1, turns=True)
    assert plain.read_bytes() == with_turns.read_bytes()  # the per-turn rows change nothing in the results
    assert read(plain) == reference[0]
    schema = pq.read_schema(B.turns_path(with_turns))
    assert schema.names[:5] == ["cell", "game", "weather", "seed", "turn"]
    info = json.loads(schema.metadata[b"wargame_batch"])
    assert info["table"] == "turns" and info["batch"] == B.read_batch_metadata(with_turns)["batch"]


def test_independent_of_workers_and_chunks(doc, reference, tmp_path) -> None:
    out = tmp_path / "pool.parquet"
    B.run_batch(spec(doc), out, workers=2, chunk=2, turns=True)
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]
    assert not B.parts_dir(out).exists()


def test_an_interrupted_batch_resumes_with_its_per_turn_rows(doc, reference, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec(doc), out, workers=1, chunk=1, stop_after_chunks=2, turns=True)
    pdir = B.parts_dir(out)
    assert len(list(pdir.glob("part-*"))) == len(list(pdir.glob("turns-*"))) == 2
    assert not B.turns_path(out).exists()
    with pytest.raises(B.BatchError, match=r"started with --turns .*add --turns to resume it"):
        B.run_batch(spec(doc), out, workers=1, resume=True)
    started = []
    res = B.run_batch(spec(doc), out, workers=1, resume=True, turns=True, on_start=lambda t, d: started.append(d))
    assert started == [2] and res.resumed_games == 2
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]  # nothing lost, nothing twice
    assert not pdir.exists()


def test_a_chunk_whose_game_part_was_not_written_is_played_again(doc, reference, tmp_path, monkeypatch) -> None:
    """Disk full between a chunk's per-turn part and its game part: the chunk is not finished; resumed, it is
    played again and its per-turn rows are not counted twice."""
    real = B.write_table_atomic
    calls = []

    def writer(table, path):
        calls.append(Path(path).name)
        if len(calls) == 4:  # the game part of the second chunk, its per-turn part just written
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, path)

    monkeypatch.setattr(B, "write_table_atomic", writer)
    out = tmp_path / "full.parquet"
    with pytest.raises(B.BatchAborted) as ei:
        B.run_batch(spec(doc), out, workers=1, chunk=1, turns=True)
    assert "disk full" in ei.value.message and ei.value.done == 1
    assert calls[:4] == ["turns-c0000-g000000.parquet", "part-c0000-g000000.parquet",
                         "turns-c0000-g000001.parquet", "part-c0000-g000001.parquet"]
    assert (B.parts_dir(out) / "turns-c0000-g000001.parquet").exists()
    monkeypatch.undo()
    res = B.run_batch(spec(doc), out, workers=1, resume=True, turns=True)
    assert res.resumed_games == 1
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]


def test_a_batch_started_without_turns_resumes_with_them(doc, reference, tmp_path) -> None:
    out = tmp_path / "late.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec(doc), out, workers=1, chunk=1, stop_after_chunks=2)
    notes, started = [], []
    B.run_batch(spec(doc), out, workers=1, resume=True, turns=True, on_message=notes.append,
                on_start=lambda t, d: started.append(d))
    assert started == [0]  # the two finished chunks have no per-turn rows: played again
    assert len(notes) == 1 and "2 finished parts" in notes[0] and "no per-turn rows" in notes[0]
    assert "2 games again (same seeds)" in notes[0]
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]


def test_a_torn_per_turn_part_is_played_again(doc, reference, tmp_path) -> None:
    out = tmp_path / "torn.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec(doc), out, workers=1, chunk=1, stop_after_chunks=3, turns=True)
    (B.parts_dir(out) / "turns-c0000-g000001.parquet").write_bytes(b"garbage")
    started = []
    B.run_batch(spec(doc), out, workers=1, resume=True, turns=True, on_start=lambda t, d: started.append(d))
    assert started == [2]
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]


def test_finished_results_and_per_turn_files_are_never_mixed_up(doc, reference, tmp_path) -> None:
    out = tmp_path / "done.parquet"
    B.run_batch(spec(doc), out, workers=1)
    with pytest.raises(B.BatchError, match=r"without its per-turn rows .*--overwrite instead of --resume"):
        B.run_batch(spec(doc), out, workers=1, resume=True, turns=True)
    res = B.run_batch(spec(doc), out, workers=1, overwrite=True, turns=True)
    assert read(B.turns_path(out)) == reference[1] and res.turns_out == B.turns_path(out)
    res = B.run_batch(spec(doc), out, workers=1, resume=True, turns=True)
    assert res.already_complete and res.turns_out == B.turns_path(out)
    # a per-turn file in the way of a new batch is not replaced silently
    other = tmp_path / "new.parquet"
    B.turns_path(other).write_text("my notes")
    with pytest.raises(B.BatchError, match=r"new.turns.parquet already exists.*--overwrite"):
        B.run_batch(spec(doc), other, workers=1, turns=True)
    assert B.turns_path(other).read_text() == "my notes" and not B.parts_dir(other).exists()


def test_cli_turns_option_and_resume_hint(doc_file, tmp_path, monkeypatch) -> None:
    from engine.cli_batch import canonical_command, resume_hint

    out = tmp_path / "c.parquet"
    args = ["batch", str(doc_file), "--games", "2", "--seed", "5", "--out", str(out), "--workers", "1", "-q",
            "--chunk", "1", "--turns"]
    real = B.write_table_atomic
    calls = []

    def writer(table, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, path)

    monkeypatch.setattr(B, "write_table_atomic", writer)
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1 and "1 of 2 games saved" in r.output
    hint = r.output.split("Resume with:")[1]
    assert "--turns" in hint and "--resume" in hint
    monkeypatch.undo()
    r = CliRunner().invoke(app, [*args[:-1], "--resume"])  # forgot --turns
    assert r.exit_code == 2 and "add --turns to resume it" in r.output
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    assert f"wrote {out} and {B.turns_path(out)}" in r.output.replace("\n", "")
    assert "--turns" in B.read_batch_metadata(out)["command"]
    assert "--turns" in canonical_command("s.json", 1, 0, "o.parquet", None, None, None, None, None, turns=True)
    assert resume_hint("wargame batch s.json", turns=True) == "wargame batch s.json --turns --resume"
    rep = tmp_path / "rep"
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep), "--html"])
    assert r.exit_code == 0, r.output
    assert (rep / "objective_by_turn.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "objective_by_turn" in (rep / "report.html").read_text()


def test_dask_local_cluster_writes_the_same_per_turn_rows(doc, reference, tmp_path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask.parquet"
    B.run_batch(spec(doc), out, workers=2, scheduler="local", chunk=2, turns=True)
    assert read(out) == reference[0] and read(B.turns_path(out)) == reference[1]
