"""`wargame validate` warns of a doctrine parameter the scenario's rules make idle (an acceptance tester set
`fire_on_suspected` with the rule off and got the default game without a word)."""

from __future__ import annotations

import json

from conftest import SHUSHA_PATH
from typer.testing import CliRunner

from engine.cli import app, doctrine_warnings
from engine.scenario import scenario_from_dict


def _doc(rule: bool, param: bool) -> dict:
    doc = json.loads(SHUSHA_PATH.read_text())
    doc.setdefault("combat", {})["suspected_fire"] = rule
    doc["sides"]["attacker"].setdefault("agent_params", {})["fire_on_suspected"] = param
    return doc


def test_idle_parameter_is_named_with_both_paths() -> None:
    (w,) = doctrine_warnings(scenario_from_dict(_doc(rule=False, param=True)))
    assert "$.sides.attacker.agent_params.fire_on_suspected" in w and "$.combat.suspected_fire is false" in w


def test_no_warning_when_the_rule_allows_it_or_the_parameter_is_off() -> None:
    assert doctrine_warnings(scenario_from_dict(_doc(rule=True, param=True))) == []
    assert doctrine_warnings(scenario_from_dict(_doc(rule=False, param=False))) == []


def test_validate_prints_it_and_still_passes(tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_doc(rule=False, param=True)))
    r = CliRunner().invoke(app, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    assert "fire_on_suspected" in r.output and "warning" in r.output
