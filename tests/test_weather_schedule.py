"""A weather schedule against the game's turns: entries played, refused, and validate's warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import schedule_warnings
from engine.rules import new_game
from engine.scenario import ScenarioError, scenario_from_dict

# ---------------------------------------------------------------------------------------------------------------------
# A weather schedule longer than the game: its later entries are not played (`--set turns=16` shortens a
# scenario); an entry before turn 1 is still refused, with its JSON path.

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


def _doc() -> dict:
    return json.loads(SHUSHA.read_text(encoding="utf-8"))


def test_a_shorter_game_keeps_the_first_turns_of_the_schedule() -> None:
    doc = _doc()
    doc["turns"] = 16
    scen = scenario_from_dict(doc)
    state = new_game(scen, seed=1)
    assert len(state.weather_by_turn) == 16
    by_turn = {e["turn"]: e for e in doc["weather"]["schedule"]}
    assert [w.ceiling_m for w in state.weather_by_turn] == [by_turn[t]["ceiling_m"] for t in range(1, 17)]


def test_an_entry_before_turn_one_is_refused_with_its_path() -> None:
    doc = _doc()
    doc["weather"]["schedule"][3]["turn"] = 0
    with pytest.raises(ScenarioError, match=r"\$\.weather\.schedule\[3\]\.turn: turn 0 is before turn 1"):
        scenario_from_dict(doc)


def test_a_turn_left_out_is_still_refused() -> None:
    doc = _doc()
    doc["weather"]["schedule"] = [e for e in doc["weather"]["schedule"] if e["turn"] != 5]
    with pytest.raises(ScenarioError, match=r"no weather for turn 5"):
        scenario_from_dict(doc)


# ---------------------------------------------------------------------------------------------------------------------
# `wargame validate` warns of weather schedule entries a game never plays (accepted since session 28 so that
# `--set turns=16` can shorten a schedule): a typo turn 72 for 12 in a file whose mode needs no schedule, an extra
# entry, a `turns` left too low.

def test_the_shipped_scenario_has_no_warning() -> None:
    assert schedule_warnings(scenario_from_dict(_doc())) == []


def test_a_typo_turn_in_a_preset_mode_file_is_warned_of_twice() -> None:
    doc = _doc()
    doc["weather"]["mode"] = "clear"
    doc["weather"]["schedule"][11]["turn"] = 72
    got = schedule_warnings(scenario_from_dict(doc))
    assert any("after the last turn (26)" in w and "schedule[11] turn 72" in w for w in got)
    assert any("no entry for turn 12:" in w for w in got)


def test_a_turns_left_too_low_is_warned_of() -> None:
    doc = _doc()
    doc["turns"] = 20
    (w,) = schedule_warnings(scenario_from_dict(doc))
    assert "6 entries after the last turn (20)" in w
