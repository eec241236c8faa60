"""A scenario author's review (session 21): agent parameters checked by `validate`, hexside move costs as
data (`hexside_types`), a hidden unit that cannot hide, the units of an over-full stack named, and the note
after first-stage problems not counted as one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, tiny_dict

from engine.errors import ScenarioError
from engine.mapdata import GameMap
from engine.scenario import (
    AGENT_PARAM_CHOICES,
    AGENT_PARAM_RANGES,
    LATER_CHECKS_NOTE,
    agent_class,
    agent_parameters,
    load_scenario,
    scenario_from_dict,
)
from engine.terrain import DEFAULT_HEXSIDES

SHIPPED = [ROOT / "scenarios" / "shusha_1120.json", *sorted((ROOT / "scenarios" / "lessons").glob("*.json"))]
RIVER = [((6, r), (7, r)) for r in (2, 4)]
"""Two river edges of the tiny map (E sides of (6,2) and (6,4)); the main road bridges the second."""


def problems(doc: dict) -> list[str]:
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(doc)
    return ei.value.problems


def one_problem(doc: dict, path: str) -> str:
    got = problems(doc)
    assert len(got) == 1 and got[0].startswith(path + ":"), got
    return got[0]


def with_params(params: dict, agent: str = "doctrine") -> dict:
    d = tiny_dict()
    d["sides"]["attacker"].update(agent=agent, agent_params=params)
    return d


# ------------------------------------------------------------------------------------------ agent_params
def test_an_unknown_agent_parameter_is_named_with_the_known_ones():
    msg = one_problem(with_params({"leed": "sf"}), "$.sides.attacker.agent_params.leed")
    assert "doctrine" in msg and "lead, assault_ratio, counterattack" in msg


@pytest.mark.parametrize(("params", "key", "words"), [
    ({"lead": "tank"}, "lead", "sf, mech"),
    ({"lead": 3}, "lead", "string"),
    ({"assault_ratio": "high"}, "assault_ratio", "number"),  # was a TypeError traceback in the game
    ({"assault_ratio": 0}, "assault_ratio", "0.01..100"),
    ({"assault_ratio": -1.5}, "assault_ratio", "0.01..100"),
    ({"counterattack": "yes"}, "counterattack", "true or false"),
])
def test_a_wrong_agent_parameter_is_reported_with_its_path(params, key, words):
    assert words in one_problem(with_params(params), f"$.sides.attacker.agent_params.{key}")


def test_an_agent_that_takes_no_parameters_refuses_them():
    msg = one_problem(with_params({"lead": "sf"}, agent="passive"), "$.sides.attacker.agent_params.lead")
    assert "passive" in msg and "none" in msg


def test_good_agent_parameters_pass_and_reach_the_agent():
    scen = scenario_from_dict(with_params({"lead": "mech", "assault_ratio": 2, "counterattack": False}))
    agent = agent_class("doctrine")(**scen.sides["attacker"].agent_params)
    assert (agent.lead, agent.assault_ratio, agent.counterattack) == ("mech", 2, False)


def test_the_parameter_table_is_the_agents_signature():
    """Derived from the class, so a parameter added to the agent is known at once; the tables of allowed values
    name only parameters the agent has."""
    # pinned, not read back from the signature the code reads (a review: that was circular)
    assert agent_parameters("doctrine") == {"lead": str, "assault_ratio": float, "counterattack": bool,
                                            "reserve": tuple[str, ...], "counterattack_ratio": float | None,
                                            "road_counterattack": bool, "commit_reserve": str,
                                            "release_road_block": bool, "detachment": tuple[str, ...],
                                            "detachment_goal": tuple[tuple[int, int], ...],
                                            "infiltrate_objective": bool, "endgame_turns": int,
                                            "endgame_floor": float, "fire_on_suspected": bool,
                                            "follow_up": float}
    assert agent_parameters("random") == {} and agent_parameters("passive") == {}
    for table in (AGENT_PARAM_CHOICES, AGENT_PARAM_RANGES):
        for agent, keys in table.items():
            assert set(keys) <= set(agent_parameters(agent)), (agent, keys)


def test_a_set_override_of_agent_params_goes_through_the_same_check():
    from engine.batch import with_overrides

    scen = load_scenario(ROOT / "scenarios" / "lessons" / "cliff_below.json")  # has attacker agent_params
    with pytest.raises(ScenarioError) as ei:
        with_overrides(scen, ["sides.attacker.agent_params.assault_ratio=high"], "cliff_below")
    assert ei.value.problems[0].startswith("$.sides.attacker.agent_params.assault_ratio:")
    ok = with_overrides(scen, ["sides.attacker.agent_params.assault_ratio=0.8"], "cliff_below")
    assert ok.sides["attacker"].agent_params["assault_ratio"] == 0.8


# ------------------------------------------------------------------------------------------ hexside_types
def crossing(scen, mob: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    g = GameMap(scen)
    return float(g.edge_cost[mob][g.idx(a), g.direction_between(g.idx(a), g.idx(b))])


def test_a_river_can_be_made_impassable_to_vehicles_except_at_the_bridge():
    d = tiny_dict()
    d["hexside_types"] = {"river": {"extra_cost_up": {"wheeled": None, "tracked": None}}}
    scen = scenario_from_dict(d)
    (ford_a, ford_b), (bridge_a, bridge_b) = RIVER
    for mob in ("wheeled", "tracked"):
        assert crossing(scen, mob, ford_a, ford_b) == crossing(scen, mob, ford_b, ford_a) == np.inf
        assert np.isfinite(crossing(scen, mob, bridge_a, bridge_b))  # the road edge is the bridge
    plain = scenario_from_dict(tiny_dict())
    assert crossing(scen, "foot", ford_a, ford_b) == crossing(plain, "foot", ford_a, ford_b)  # merged by class


def test_a_river_cost_override_changes_the_crossing_both_ways():
    d = tiny_dict()
    d["hexside_types"] = {"river": {"extra_cost_up": {"foot": 4}}}
    scen = scenario_from_dict(d)
    (a, b), _ = RIVER
    plain = scenario_from_dict(tiny_dict())
    extra = 4 - DEFAULT_HEXSIDES["river"].extra_cost_up["foot"]
    assert crossing(scen, "foot", a, b) == crossing(plain, "foot", a, b) + extra
    assert crossing(scen, "foot", b, a) == crossing(plain, "foot", b, a) + extra
    assert scen.hexside_table["river"].extra_cost_down == scen.hexside_table["river"].extra_cost_up


def test_a_cliff_cost_override_changes_the_climb():
    d = tiny_dict()
    d["hexside_types"] = {"cliff": {"extra_cost_up": {"sf": 5}}}
    scen, plain = scenario_from_dict(d), scenario_from_dict(tiny_dict())
    top, foot_of = (4, 1), (4, 2)  # (4,1)'s SW side is a cliff (odd row: SW is [col, row + 1])
    assert crossing(scen, "sf", foot_of, top) == crossing(plain, "sf", foot_of, top) + 2
    assert crossing(scen, "sf", top, foot_of) == crossing(plain, "sf", top, foot_of)


@pytest.mark.parametrize(("entry", "path", "words"), [
    ({"bridge": {"extra_cost_up": {"foot": 1}}}, "$.hexside_types.bridge", "known: cliff, river"),
    ({"river": {"move_cost": {"wheeled": 99}}}, "$.hexside_types.river", "known: extra_cost_up, extra_cost_down"),
    ({"river": {"extra_cost_up": {"special_forces": 3}}}, "$.hexside_types.river.extra_cost_up.special_forces",
     "foot, sf, wheeled, tracked"),
    ({"river": {"extra_cost_up": {"foot": -1}}}, "$.hexside_types.river.extra_cost_up.foot", "null (impassable)"),
    ({"river": {"extra_cost_up": {"foot": "x"}}}, "$.hexside_types.river.extra_cost_up.foot", "number"),
    ({"river": {"extra_cost_down": {"foot": 3}}}, "$.hexside_types.river.extra_cost_down", "both ways"),
    ({"cliff": {"extra_cost_down": 3}}, "$.hexside_types.cliff.extra_cost_down", "object"),
])
def test_a_bad_hexside_override_is_reported_with_its_path(entry, path, words):
    d = tiny_dict()
    d["hexside_types"] = entry
    assert words in one_problem(d, path)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_keep_the_default_hexside_costs(path: Path):
    """No shipped scenario overrides them, so their games are those of the default table."""
    scen = load_scenario(path)
    assert "hexside_types" not in scen.raw
    assert scen.hexside_table == DEFAULT_HEXSIDES


# ------------------------------------------------------------------------------------------ other checks
def test_hidden_on_a_unit_type_that_cannot_hide_is_an_error():
    d = tiny_dict()
    tank = next(i for i, u in enumerate(d["units"]) if u["type"] == "tank")
    d["units"][tank]["hidden"] = True
    assert "cannot hide" in one_problem(d, f"$.units[{tank}].hidden")


def test_hidden_on_a_unit_that_can_hide_is_still_fine():
    d = tiny_dict()
    for u in d["units"]:
        if u["type"] in ("infantry", "special_forces", "howitzer"):
            u["hidden"] = True
    scenario_from_dict(d)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_still_validate(path: Path):
    load_scenario(path)


def test_the_stacking_error_names_the_units():
    d = tiny_dict()
    ids = []
    for k in range(4):
        ids.append(f"az_extra_{k}")
        d["units"].append({"id": ids[-1], "side": "attacker", "type": "infantry", "hex": [8, 5]})
    msg = one_problem(d, "$.units")
    assert "over the stack limit 3" in msg and msg.endswith(", ".join(ids))


def test_the_note_after_type_errors_is_not_counted_as_a_problem():
    d = tiny_dict()
    d["turns"] = "x"
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    e = ei.value
    assert len(e.problems) == 1 and e.problems[0].startswith("$.turns:")
    assert e.notes == [LATER_CHECKS_NOTE]
    assert str(e).startswith("scenario: 1 problem(s):") and LATER_CHECKS_NOTE in str(e)


def test_a_scenario_error_message_lists_problems_then_notes():
    e = ScenarioError(["$.a: bad", "$.b: bad"], "f.json", notes=["(a note)"])
    assert str(e) == "f.json: 2 problem(s):\n  - $.a: bad\n  - $.b: bad\n  (a note)"
    assert json.loads(json.dumps(e.problems)) == ["$.a: bad", "$.b: bad"]


def test_set_creates_a_hexside_entry_and_a_sides_agent_params():
    """`--set hexside_types.river.extra_cost_up.wheeled=null` and `--set sides.attacker.agent_params.lead=mech`
    failed on a scenario without those sections ("no key"); they are made, like `unit_types` entries."""
    from engine.batch import BatchError, apply_override

    doc = tiny_dict()
    doc["sides"]["attacker"].pop("agent_params", None)
    doc.pop("hexside_types", None)
    apply_override(doc, "hexside_types.river.extra_cost_up.wheeled", None)
    apply_override(doc, "sides.attacker.agent_params.lead", "mech")
    assert doc["hexside_types"] == {"river": {"extra_cost_up": {"wheeled": None}}}
    assert doc["sides"]["attacker"]["agent_params"] == {"lead": "mech"}
    scen = scenario_from_dict(doc)
    assert scen.hexside_table["river"].extra_cost_up["wheeled"] is None
    assert scen.hexside_table["river"].extra_cost_up["foot"] == DEFAULT_HEXSIDES["river"].extra_cost_up["foot"]
    with pytest.raises(BatchError, match="no hexside feature 'rivr'"):
        apply_override(tiny_dict(), "hexside_types.rivr.extra_cost_up.wheeled", 3)
    with pytest.raises(BatchError, match="no field 'cost'"):
        apply_override(tiny_dict(), "hexside_types.river.cost.wheeled", 3)


def test_the_movement_overlay_says_the_scenarios_cliff_cost():
    from ui.overlays import road_and_cliff_words

    doc = json.loads((ROOT / "scenarios" / "lessons" / "cliff_ridge.json").read_text())
    doc["hexside_types"] = {"cliff": {"extra_cost_up": {"foot": None}}}
    scen = scenario_from_dict(doc)
    words = road_and_cliff_words(GameMap(scen), "foot", scen.hexside_table)
    assert any(w.startswith("cliffs: up impassable") for w in words), words


def test_every_json_snippet_of_the_format_doc_that_is_a_whole_scenario_validates_and_plays():
    """The doc's complete example is there to be copied: it must stay valid as the format changes (an author's
    review: the old example had comments and could not be pasted)."""
    import re

    from engine.game import play_game

    text = (ROOT / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    whole = [b for b in blocks if isinstance(b, dict) and {"format", "map", "units"} <= set(b)]
    assert whole, "the doc has a complete example"
    for doc in whole:
        state = play_game(scenario_from_dict(doc, source="scenario_format.md"), 1)
        assert state.outcome is not None
