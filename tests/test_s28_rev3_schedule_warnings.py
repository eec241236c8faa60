"""`wargame validate` warns of weather schedule entries a game never plays (accepted since session 28 so that
`--set turns=16` can shorten a schedule): a typo turn 72 for 12 in a file whose mode needs no schedule, an extra
entry, a `turns` left too low."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import schedule_warnings
from engine.scenario import scenario_from_dict

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


def _doc() -> dict:
    return json.loads(SHUSHA.read_text(encoding="utf-8"))


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
