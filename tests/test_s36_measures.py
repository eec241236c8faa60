"""A teaching scenario's measures (`meta.measures`, `engine.debrief.measure_lines`): the numbers the lesson is about,
first in `wargame run`'s summary and the game-over window. An educator: two lessons show their effect in losses, not
in who wins, and the game's end led with the winner."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import scenario_problems, tiny_dict
from typer.testing import CliRunner

from engine.cli import app as cli
from engine.debrief import _score_field_kinds, measure_lines, measure_path_problem, measure_value
from engine.game import play_game
from engine.scenario import load_scenario
from engine.state import Score

LESSONS = Path(__file__).resolve().parent.parent / "scenarios" / "lessons"


def test_every_lesson_names_its_measures_and_each_reads_a_number() -> None:
    for path in sorted(LESSONS.glob("*.json")):
        scen = load_scenario(path)
        assert scen.meta.measures, path.name
        state = play_game(scen, 1)
        for ms, line in zip(scen.meta.measures, measure_lines(state), strict=True):
            v = measure_value(state.score, ms.score)
            assert v is None or (isinstance(v, int) and v >= 0)
            assert line.startswith(f"{ms.label}: ") and ms.note in line


def test_the_ambush_lessons_measure_is_its_losses_to_ambush() -> None:
    state = play_game(load_scenario(LESSONS / "ambush.json"), 1)
    lost = state.score.losses_by_cause["attacker"].get("ambush", 0)
    assert lost > 0  # (seed 1: the column runs into the gorge's party)
    assert measure_lines(state)[0].startswith(f"Red's steps lost to ambush: {lost} (over 200 games")


def test_a_path_sums_a_sides_dict_and_reads_a_missing_key_as_nothing() -> None:
    sc = Score(steps_lost={"attacker": {"tank": 2, "special_forces": 3}, "defender": {}},
               losses_by_cause={"attacker": {"assault": 5}, "defender": {}})
    assert measure_value(sc, "steps_lost.attacker") == 5
    assert measure_value(sc, "losses_by_cause.attacker.ambush") == 0
    assert measure_value(sc, "losses_by_cause.attacker.assault") == 5
    assert measure_value(sc, "road_cut_turn") is None


def test_every_number_field_of_the_score_record_can_be_measured() -> None:
    """A new number in the score record is measurable, or left out here on purpose (a text or a list)."""
    words = {"winner", "reason", "outcome", "road_cut_at_end", "objective_first_entry_type",
             "attacker_types_in_objective"}
    assert set(_score_field_kinds()) | words == {f.name for f in attrs.fields(Score)}


@pytest.mark.parametrize("path, says", [
    ("steps_lost", "counted per side: expected steps_lost.attacker or steps_lost.defender"),
    ("steps_lost.red", "counted per side"),
    ("ambushes_sprung.defender.x", "too many parts"),
    ("end_turn.attacker", "one number for the game"),
    ("winner", "'winner' is not a number in the score record"),
    ("", "expected a dotted path"),
    (3, "expected a dotted path"),
])
def test_a_bad_measure_names_the_json_path_and_the_problem(path: Any, says: str) -> None:
    assert says in (measure_path_problem(path) or "")
    doc = tiny_dict()
    doc["meta"]["measures"] = [{"label": "ok", "score": "steps_lost.attacker"}, {"label": "bad", "score": path}]
    problems = scenario_problems(doc)
    says = says if isinstance(path, str) else "expected a string"  # (the document's structure says it first)
    assert any(p.startswith("$.meta.measures[1].score") and says in p for p in problems), problems


def test_wargame_run_leads_with_the_lessons_measures(tmp_path: Any) -> None:
    res = CliRunner().invoke(cli, ["run", str(LESSONS / "ambush.json"), "--seed", "1"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "What the lesson measures, this game:" in out
    assert out.index("Red's steps lost to ambush") < out.index("attacker wins on turn")
    plain = tiny_dict()
    p = tmp_path / "plain.json"
    p.write_text(json.dumps(plain))
    res = CliRunner().invoke(cli, ["run", str(p), "--seed", "1"])
    assert res.exit_code == 0 and "What the lesson measures" not in res.output


def test_the_game_over_window_leads_with_the_lessons_measures(screen: Any) -> None:
    from ui.app import App

    st = play_game(load_scenario(LESSONS / "ambush.json"), 1)
    app = App(st, {1}, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    box = next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text"))
    text = html.unescape(box.html_text)
    first = measure_lines(st)[0]
    assert "What the lesson measures, this game" in text and first.split(" (")[0] in text
    assert text.index("What the lesson measures") < text.index(first.split(":")[0]) < text.index("You (defender)")
    shusha = play_game(load_scenario(LESSONS.parent / "shusha_1120.json"), 7)
    app = App(shusha, {1}, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    box = next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text"))
    assert "What the lesson measures" not in box.html_text
