"""A weather schedule longer than the game: its later entries are not played (`--set turns=16` shortens a
scenario); an entry before turn 1 is still refused, with its JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.rules import new_game
from engine.scenario import ScenarioError, scenario_from_dict

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
