"""What a scenario author's mistakes slipped past the validator (session 42's author, who wrote a scenario from the
docs and then 114 broken variants of it): a `base` that turned the built-in tank into infantry, a false follow-on
after a broken terrain entry, a misspelt type or code taken for a new one, one side's AI parameters set on the
other, an objective hex listed twice, a schedule its weather mode never plays, a flood of stack problems after a
bad stack limit, and JSON syntax errors said without their place or a hint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import SHUSHA_PATH, assert_problem, scenario_problems, tiny_dict

from engine.errors import ScenarioError
from engine.scenario import load_scenario, parse_scenario, scenario_from_dict


# ------------------------------------------------------------------------------------------ 1. base on an existing type
def test_base_on_a_built_in_type_is_refused():
    """It validated, and the tank became an infantry copy with protection 4."""
    doc = tiny_dict()
    doc["unit_types"] = {"tank": {"protection": 4, "base": "infantry"}}
    (p,) = scenario_problems(doc)
    assert p.startswith("$.unit_types.tank.base: 'tank' is a built-in unit type, which takes no base (given: "
                        "'infantry')")
    assert "base is for a new type" in p and "lists only the fields it changes" in p
    # (a review: a base naming the type itself loaded before, as no base: it still does)
    doc["unit_types"] = {"tank": {"protection": 4, "base": "tank"}}
    assert scenario_from_dict(doc).unit_table["tank"].protection == 4
    # an override without base and new types with one (on a built-in type, on a new one) still pass
    doc["unit_types"] = {"tank": {"protection": 4}, "scouts": {"base": "infantry", "vision_hexes": 4},
                         "sappers": {"base": "scouts"}}
    scen = scenario_from_dict(doc)
    assert scen.unit_table["tank"].protection == 4 and scen.unit_table["tank"].mobility == "tracked"
    assert scen.unit_table["sappers"].vision_hexes == 4


# ------------------------------------------------------------------------------------------ 2. no false follow-ons
def _rain_table(code: str) -> dict[str, Any]:
    return {"rain": {"foot": {"terrain": {code: 1.5}}}}


def test_a_new_terrain_code_with_a_broken_entry_is_still_known_elsewhere():
    """bad3/e_movecost_string.json: `"wheeled": "null"` in the new code's move_cost also gave
    `$.weather_movement.rain.foot.terrain.w: unknown terrain code`."""
    doc = tiny_dict()
    doc["terrain_types"] = {"w": {"name": "wetland", "move_cost": {"foot": 2, "sf": 2, "wheeled": "null",
                                                                   "tracked": 3}}}
    doc["weather_movement"] = _rain_table("w")
    assert scenario_problems(doc) == ['$.terrain_types.w.move_cost.wheeled: expected a number, got str "null"']
    doc["weather_movement"] = {"rain": {"foot": {"terrain": {"w": "x"}}}}  # (its own factor is still checked)
    assert_problem(scenario_problems(doc), "$.weather_movement.rain.foot.terrain.w", "expected a number")
    doc["weather_movement"] = _rain_table("q")  # (a code given nowhere is still unknown)
    assert_problem(scenario_problems(doc), "$.weather_movement.rain.foot.terrain.q", "unknown terrain code")


def test_a_new_type_based_on_a_broken_new_type_is_not_told_its_base_is_unknown():
    doc = tiny_dict()
    doc["unit_types"] = {"scouts": {"base": "infantry", "vision_hexes": "far"}, "sappers": {"base": "scouts"}}
    problems = scenario_problems(doc)
    assert len(problems) == 1 and problems[0].startswith("$.unit_types.scouts.vision_hexes:"), problems
    doc["unit_types"] = {"scouts": {"base": "scouts"}}
    assert_problem(scenario_problems(doc), "$.unit_types.scouts.base", "unknown unit type 'scouts'")


# ------------------------------------------------------------------------------------------ 3. did you mean
def test_a_misspelt_unit_type_gets_did_you_mean():
    doc = tiny_dict()
    doc["unit_types"] = {"tanks": {"protection": 4}}
    (p,) = scenario_problems(doc)
    assert p.startswith('$.unit_types.tanks: a new unit type needs "base"') and "did you mean tank?" in p
    doc["unit_types"] = {"Infantry": {"protection": 4}}  # (case-insensitive)
    assert "did you mean infantry?" in scenario_problems(doc)[0]
    doc["unit_types"] = {"zeppelin": {"protection": 4}}  # (nothing close: no guess)
    assert "did you mean" not in scenario_problems(doc)[0]


def test_a_miscased_terrain_code_gets_did_you_mean():
    """bad3/b_terrain_upper.json: "V" read "name: required field missing"."""
    doc = tiny_dict()
    doc["terrain_types"] = {"V": {"defence": 2}}
    problems = scenario_problems(doc)
    assert problems[0].startswith("$.terrain_types.V.name: required field missing")
    assert "'V' is a new terrain code, which needs a whole entry: did you mean v?" in problems[0]
    # genuinely new ones, close to a known one, still pass
    doc["unit_types"] = {"tanks": {"base": "tank"}}
    doc["terrain_types"] = {"P": {"name": "paddy", "move_cost": {"foot": 2, "sf": 2, "wheeled": 4, "tracked": 3}}}
    scen = scenario_from_dict(doc)
    assert "tanks" in scen.unit_table and "P" in scen.terrain_table


# ------------------------------------------------------------------------------------------ 4. one side's parameters
@pytest.mark.parametrize(("side", "params", "key", "owner"), [
    ("attacker", {"reserve": ["az_tank"]}, "reserve", "defender"),
    ("attacker", {"road_counterattack": True}, "road_counterattack", "defender"),
    ("attacker", {"commit_reserve": "objective_entered"}, "commit_reserve", "defender"),
    ("attacker", {"counterattack_ratio": 0.9}, "counterattack_ratio", "defender"),
    ("defender", {"release_road_block": True}, "release_road_block", "attacker"),
    ("defender", {"lead": "mech"}, "lead", "attacker"),
])
def test_one_sides_parameters_are_refused_on_the_other(side, params, key, owner):
    """bad2/90_reserve_on_attacker.json validated, while `infiltrate_objective` on the defender was refused."""
    doc = tiny_dict()
    doc["sides"][side]["agent_params"] = params
    (p,) = scenario_problems(doc)
    assert p.startswith(f"$.sides.{side}.agent_params.{key}: only the {owner}'s doctrine AI ")
    assert f"a parameter for the {owner}" in p
    # on their own side, and their off values on the other, they still pass
    doc["sides"]["defender"]["agent_params"] = {"reserve": ["arm_inf_2"], "road_counterattack": True,
                                                "commit_reserve": "objective_entered", "counterattack_ratio": 0.9}
    doc["sides"]["attacker"]["agent_params"] = {"release_road_block": True, "lead": "mech", "reserve": [],
                                                "road_counterattack": False, "counterattack_ratio": None}
    scenario_from_dict(doc)
    doc["sides"]["defender"]["agent_params"] = {"release_road_block": False, "lead": "sf"}
    doc["sides"]["attacker"]["agent_params"] = {"commit_reserve": "road_cut"}  # (defaults: a block copied across
    scenario_from_dict(doc)  # from the other side asks for nothing; a review)


# ------------------------------------------------------------------------------------------ 5. objective hex twice
def test_an_objective_hex_listed_twice_is_refused():
    """It counted twice: "holds 2/3" of a two-hex objective."""
    doc = tiny_dict()
    doc["objectives"][0]["hexes"] = [[3, 3], [3, 4], [3, 4]]
    assert scenario_problems(doc) == ["$.objectives[0].hexes[2]: hex [3, 4] listed twice (first at hexes[1]); list "
                                      "each hex once"]


# ------------------------------------------------------------------------------------------ 6. a schedule not played
@pytest.mark.parametrize("mode", ["clear", "overcast", "fog"])
def test_a_schedule_its_mode_never_plays_is_warned_of(mode):
    from engine.scenario import unused_schedule_warnings

    doc = tiny_dict()
    doc["weather"]["mode"] = mode
    scen = scenario_from_dict(doc)  # (valid: only a warning)
    assert unused_schedule_warnings(scen) == [
        f"$.weather.schedule: the schedule is not used in mode {mode}: 6 entries (every turn plays the {mode} "
        "preset; the schedule plays only under --weather historical or stochastic); set mode to historical to play "
        "it, or drop it"]


def test_no_schedule_warning_for_the_modes_that_play_it_or_an_empty_schedule():
    from engine.scenario import unused_schedule_warnings

    assert unused_schedule_warnings(load_scenario(SHUSHA_PATH)) == []  # (historical)
    doc = tiny_dict()
    doc["weather"]["mode"] = "stochastic"
    assert unused_schedule_warnings(scenario_from_dict(doc)) == []
    doc["weather"] = {"mode": "clear", "schedule": []}
    assert unused_schedule_warnings(scenario_from_dict(doc)) == []


def test_wargame_validate_says_the_unplayed_schedule(tmp_path):
    """The warning reaches the author: `wargame validate` prints it (exit 0: the file is valid)."""
    from typer.testing import CliRunner

    from engine.cli import app

    doc = tiny_dict()
    doc["weather"]["mode"] = "clear"
    path = tmp_path / "clear.json"
    path.write_text(json.dumps(doc))
    r = CliRunner().invoke(app, ["validate", str(path)], env={"COLUMNS": "300"})
    assert r.exit_code == 0, r.output
    assert "warning: $.weather.schedule: the schedule is not used in mode clear: 6 entries" in r.output
    r = CliRunner().invoke(app, ["validate", str(SHUSHA_PATH)], env={"COLUMNS": "300"})
    assert "schedule is not used" not in r.output


# ------------------------------------------------------------------------------------------ 7. stack limit
def test_an_invalid_stack_limit_is_said_once():
    """bad/26_stack_zero.json: 11 follow-on "1 units start in ..., over the stack limit 0" lines."""
    doc = tiny_dict()
    doc["stack_limit"] = 0
    assert scenario_problems(doc) == ["$.stack_limit: expected 1..10, got 0"]
    doc["stack_limit"] = 1  # (a valid limit: a full hex is still said)
    doc["units"][7]["hex"] = [3, 3]  # (arm_inf_2 onto arm_inf_1)
    assert_problem(scenario_problems(doc), "$.units", "2 units start in [3, 3], over the stack limit 1")


# ------------------------------------------------------------------------------------------ 8. JSON syntax
def _json_problem(text: str) -> str:
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(text)
    (p,) = ei.value.problems
    return p


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_get_their_place_and_a_hint(word):
    text = json.dumps(tiny_dict(), indent=1).replace('"ceiling_m": 400', f'"ceiling_m": {word}')
    line = next(i for i, t in enumerate(text.splitlines(), 1) if word in t)
    col = text.splitlines()[line - 1].index(word) + 1
    p = _json_problem(text)
    assert p.startswith(f"$: invalid JSON at line {line}, column {col}: {word} is not allowed — JSON has no NaN or "
                        "Infinity"), p
    assert "give a finite number" in p and p.endswith(" " * (col - 1) + "^")


def test_a_constant_inside_a_string_is_not_its_place():
    from engine.jsonhint import constant_position

    assert constant_position('{"NaN or Infinity": "NaN", "a": NaN}', "NaN") == 32


def test_a_double_comma_gets_a_hint():
    p = _json_problem('{"format": 1,\n  "turns": 8,,\n  "meta": {}}')
    assert p.startswith("$: invalid JSON at line 2, column 14: Expecting property name enclosed in double quotes — "
                        "two commas in a row: remove one"), p
    assert "two commas in a row" in _json_problem('{"a": [1,, 2]}')


def test_a_units_misspelt_type_and_a_miscased_map_code_get_did_you_mean():
    """A review: the docs promised "did you mean" for a misspelt name, but a unit's `type` and a map row's code got
    only the list of known ones."""
    doc = tiny_dict()
    doc["units"][0]["type"] = "tanks"
    assert_problem(scenario_problems(doc), "$.units[0].type", "unknown unit type 'tanks' (did you mean tank?)")
    doc = tiny_dict()
    doc["map"]["terrain"][0] = "P" + doc["map"]["terrain"][0][1:]
    assert_problem(scenario_problems(doc), "$.map.terrain[0]", "unknown terrain code(s) 'P'", "did you mean 'p'?")


def test_the_attackers_own_parameters_at_their_defaults_pass_on_the_defender():
    """A second review: the defaults of `follow_up`, `endgame_turns` and `endgame_floor` (a block of parameters
    copied from the attacker to the defender) were refused, while `lead: sf` passed. Only another value is."""
    doc = tiny_dict()
    doc["sides"]["defender"]["agent_params"] = {"follow_up": 1.0, "endgame_turns": 8, "endgame_floor": 0.5,
                                                "lead": "sf", "infiltrate_objective": False}
    scenario_from_dict(doc)
    for key, value in (("follow_up", 0.5), ("endgame_turns", 3), ("endgame_floor", 0.8)):
        doc["sides"]["defender"]["agent_params"] = {key: value}
        assert_problem(scenario_problems(doc), f"$.sides.defender.agent_params.{key}", "only the attacker")
