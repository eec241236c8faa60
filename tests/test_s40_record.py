"""The record's outcome and turns as numbers (`meta.record`, `engine.debrief.record_lines`): the game-over window
and `wargame run` set the game beside them. A player who lost as the attacker asked how far off the record they
had been; the record's turns were only in the words of `meta.history`."""

from __future__ import annotations

import html
import json
from typing import Any

import attrs
import pytest
from conftest import scenario_problems, shusha_scenario, tiny_dict
from typer.testing import CliRunner

from engine.cli import app as cli
from engine.debrief import record_lines
from engine.game import play_game
from engine.scenario import scenario_from_dict


def _with_score(state: Any, **fields: Any) -> Any:
    for k, v in fields.items():
        setattr(state.score, k, v)
    return state


@pytest.fixture
def seed7() -> Any:
    return play_game(shusha_scenario(), 7)


def test_shusha_gives_the_record_as_numbers() -> None:
    rec = shusha_scenario().meta.record
    assert rec.winner == "attacker"
    marks = {m.score: (m.value, m.up_to) for m in rec.marks}
    assert marks == {"road_cut_turn": (15, None), "objective_taken_turn": (21, 23)}


def test_each_mark_says_sooner_later_as_in_the_record_or_never(seed7: Any) -> None:
    st = _with_score(seed7, road_cut_turn=20, objective_taken_turn=None, winner="defender")
    winner, road, town, caveat, note = record_lines(st)
    assert winner == "Winner: the defender here, not as in the record (the record: the attacker)"
    assert caveat.startswith("One game of a model, not a forecast") and note.startswith("The rules were tuned")
    assert road.startswith("Shusha–Lachin road first cut: turn 20, 06 Nov 18:00 here, 5 turns (2.5 days) later "
                           "than the record (the record: turn 15, 04 Nov 06:00: ")
    assert town.startswith("Shusha taken and held: never here, not as in the record (the record: turns 21–23, "
                           "07 Nov 06:00 – 08 Nov 06:00: cleared on 7 Nov")
    _with_score(st, road_cut_turn=14, objective_taken_turn=23, winner="attacker")
    winner, road, town = record_lines(st)[:3]
    assert "as in the record" in winner and "not" not in winner
    assert "turn 14, 03 Nov 18:00 here, 1 turn (12 h) sooner than the record" in road
    assert "turn 23, 08 Nov 06:00 here, as in the record" in town  # (the span's end is inside it)
    _with_score(st, objective_taken_turn=21)
    assert "here, as in the record" in record_lines(st)[2]
    _with_score(st, objective_taken_turn=25)
    assert "2 turns (1 day) later than the record" in record_lines(st)[2]


def test_a_scenario_without_a_record_says_nothing() -> None:
    st = play_game(scenario_from_dict(tiny_dict(), source="tiny"), 1)
    assert record_lines(st) == []


def test_a_mark_of_a_count_and_a_label_of_the_authors_own() -> None:
    doc = tiny_dict()
    doc["meta"]["record"] = {"marks": [{"score": "ambushes_sprung.defender", "value": 2, "up_to": 4,
                                        "label": "Blue's ambushes"}]}
    st = play_game(scenario_from_dict(doc, source="tiny"), 1)
    n = st.score.ambushes_sprung["defender"]
    line, caveat = record_lines(st)
    assert caveat.startswith("One game of a model")
    verdict = "as in the record" if 2 <= n <= 4 else ("fewer" if n < 2 else "more") + " than the record"
    assert line == f"Blue's ambushes: {n} here, {verdict} (the record: 2–4)"


@pytest.mark.parametrize("record, where, says", [
    ({"winner": "red"}, "$.meta.record.winner", "expected one of attacker, defender"),
    ({"marks": [{"score": "road_cut", "value": 3}]}, "$.meta.record.marks[0].score", "'road_cut' is not a number"),
    ({"marks": [{"score": "end_turn", "value": 0}]}, "$.meta.record.marks[0].value", "expected a turn, 1 or more"),
    ({"marks": [{"score": "end_turn", "value": 3, "up_to": -1}]}, "$.meta.record.marks[0].up_to", "1 or more"),
    ({"marks": [{"score": "end_turn", "value": 5, "up_to": 3}]}, "$.meta.record.marks[0].up_to", "comes before"),
    ({"marks": [{"score": "assaults.attacker", "value": -1}]}, "$.meta.record.marks[0].value", "expected 0 or more"),
    ({"marks": [{"score": "end_turn"}]}, "$.meta.record.marks[0]", "value"),
    ({"marks": [{"score": "end_turn", "value": 3, "when": 2}]}, "$.meta.record.marks[0]", "when"),
])
def test_a_bad_record_names_the_json_path_and_the_problem(record: dict, where: str, says: str) -> None:
    doc = tiny_dict()
    doc["meta"]["record"] = record
    problems = scenario_problems(doc)
    assert any(p.startswith(where) and says in p for p in problems), problems


def test_wargame_run_and_the_game_over_window_set_the_game_beside_the_record(tmp_path: Any, screen: Any) -> None:
    from ui.app import App

    res = CliRunner().invoke(cli, ["run", "scenarios/shusha_1120.json", "--seed", "7"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "This game beside the record:" in out and "Shusha taken and held: turn 22" in out
    assert out.index("This game beside the record") < out.index("Losses and activity")
    st = play_game(shusha_scenario(), 7)
    app = App(st, {0}, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    box = next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text"))
    text = html.unescape(box.html_text)
    assert "This game beside the record" in text
    for line in record_lines(st):
        assert line in text
    assert text.index("This game beside the record") < text.index("In the record") < text.index("Losses and")
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(tiny_dict()))
    res = CliRunner().invoke(cli, ["run", str(plain), "--seed", "1"])
    assert res.exit_code == 0 and "beside the record" not in res.output


def test_the_record_survives_a_round_trip_of_the_scenario() -> None:
    scen = shusha_scenario()
    again = scenario_from_dict(json.loads(json.dumps(scen.raw)), source="again")
    assert attrs.asdict(again.meta.record) == attrs.asdict(scen.meta.record)


def test_a_game_cut_short_keeps_the_record_and_says_it_ended_before_it() -> None:
    """An analyst's sweep of `turns` (or a test's short game) keeps the scenario's record: its turns may lie beyond
    the game's end, and the line says so rather than "not as in the record"."""
    from conftest import short_shusha_doc

    st = play_game(scenario_from_dict(short_shusha_doc(4), source="short"), 1)
    road = record_lines(st)[1]
    assert road.startswith("Shusha–Lachin road first cut: never here, the game ended on turn 4, before the record's "
                           "(the record: turn 15, 04 Nov 06:00")


def test_a_game_won_early_says_it_ended_before_the_records_turn(seed7: Any) -> None:
    """A reviewer: a game over by sudden death before a record turn read "not as in the record" (or named the
    scenario's last turn): it says the turn it ended on."""
    st = _with_score(seed7, objective_taken_turn=None, road_cut_turn=None, end_turn=12)
    road, town = record_lines(st)[1:3]
    assert "never here, the game ended on turn 12, before the record's (the record: turn 15" in road
    assert "never here, the game ended on turn 12, before the record's (the record: turns 21–23" in town
    _with_score(st, end_turn=18)
    road, town = record_lines(st)[1:3]
    assert "never here, not as in the record (the record: turn 15" in road
    assert "the game ended on turn 18, before the record's (the record: turns 21–23" in town


def test_the_shusha_file_is_what_its_builder_builds(tmp_path: Any) -> None:
    """A reviewer: hand edits to scenarios/shusha_1120.json had drifted from scenarios/build_shusha.py (running it
    would have dropped the record's cloud line and the briefing's drone limits), and the builder rewrote the file
    on any call, --help included."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    builder = root / "scenarios" / "build_shusha.py"
    before = (root / "scenarios" / "shusha_1120.json").read_bytes()
    got = subprocess.run([sys.executable, str(builder), "--check"], capture_output=True, text=True)
    assert got.returncode == 0, got.stdout + got.stderr
    assert subprocess.run([sys.executable, str(builder), "--help"], capture_output=True).returncode == 0
    out = tmp_path / "s.json"
    assert subprocess.run([sys.executable, str(builder), "--out", str(out)], capture_output=True).returncode == 0
    assert out.read_bytes() == before == (root / "scenarios" / "shusha_1120.json").read_bytes()
    assert subprocess.run([sys.executable, str(builder), "--bogus"], capture_output=True).returncode == 2


def test_a_game_lost_holding_part_of_the_objective_names_the_hexes_missing() -> None:
    """A player lost holding five of Shusha's seven hexes, and the game-over window did not say which two were
    missing, nor that the batch report calls one missing hex a near miss."""
    from engine.debrief import key_moments

    st = play_game(shusha_scenario(), 13)  # (seed 12 until session 41's follow_up changed the games)
    assert st.score.winner == "defender" and st.score.objective_hexes_attacker == 6
    line = key_moments(st)[1]
    assert line.endswith("; at the end the attacker held 6 of its 7 hexes, not (20,9) (a near miss)"), line
    st = play_game(shusha_scenario(), 74)  # (30 before session 41)
    assert key_moments(st)[1].endswith("; at the end the attacker held 5 of its 7 hexes, not (21,9) and (22,10)")
    st = play_game(shusha_scenario(), 20)  # (nothing held at the end: nothing more said; 8 before session 41)
    assert st.score.objective_hexes_attacker == 0 and "at the end" not in key_moments(st)[1]


def test_the_first_entry_into_the_objective_names_its_hex() -> None:
    """A teacher: "first entered on turn 17" said nothing of where, and a class did not know that Jidir Duzu, the
    hex first taken, counts as Shusha."""
    from engine.debrief import key_moments

    st = play_game(shusha_scenario(), 7)
    assert ("first entered on turn 17, 05 Nov 06:00, by Special forces, at (20,11) Jidir Duzu"
            in key_moments(st)[1]), key_moments(st)[1]
