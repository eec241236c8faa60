"""Session 41: findings of the users and reviewers of session 40 left open, now mended."""
from __future__ import annotations

from conftest import assert_problem, scenario_problems, tiny_dict


def test_a_detachment_of_an_unknown_unit_is_said_beside_its_missing_goal():
    """An author who named an unknown unit in `detachment` and forgot `detachment_goal` heard only of the goal;
    the unknown id came out after the goal was given, one more round trip."""
    doc = tiny_dict()
    doc["sides"]["attacker"]["agent_params"] = {"detachment": ["az_nobody"]}
    problems = scenario_problems(doc)
    assert_problem(problems, "$.sides.attacker.agent_params", "detachment_goal", "go together")
    assert_problem(problems, "$.sides.attacker.agent_params.detachment[0]", "no unit 'az_nobody'")


def test_a_badly_typed_parameter_still_stops_before_the_scenario_hook():
    """A parameter of the wrong type is said once, at its path; the hook that reads the ids is not run on it."""
    doc = tiny_dict()
    doc["sides"]["attacker"]["agent_params"] = {"detachment": "az_tank", "detachment_goal": [[3, 3]]}
    problems = scenario_problems(doc)
    assert all("agent_params.detachment[" not in p for p in problems), problems
    assert any(p.startswith("$.sides.attacker.agent_params") for p in problems), problems
