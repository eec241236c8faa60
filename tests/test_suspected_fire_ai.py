"""The doctrine AI's `fire_on_suspected`: its games off and on, and validate's warning when it is idle."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SHUSHA_PATH, drop_units, move_unit, shusha_scenario, tiny_dict
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.ai.base import make_agent
from engine.ai.doctrine import SUSPECTED_FIRE_MIN_STEPS, DoctrineAgent
from engine.cli import app, doctrine_warnings
from engine.events import jsonl_text
from engine.game import agent_refusals, run_agents
from engine.orders import END_PHASE, Fire
from engine.rules import check, legal_orders, new_game, seed_streams
from engine.scenario import ScenarioError, agent_parameters, scenario_from_dict
from engine.units import SIDES
from engine.view import observe

# ---------------------------------------------------------------------------------------------------------------------
# The doctrine's `fire_on_suspected` parameter: off (the default) the AI's games are as before, tracked or not; on,
# a battery with no known enemy worth a mission fires on a fresh last-seen mark worth one, never an illegal order,
# and only where the rules allow it (the scenario's `combat.suspected_fire`, a game that tracks sightings).

TOWN = (3, 4)
"""arm_inf_2's hex in the tiny scenario with az_sf at (5,4): seen on turn 1, hidden (the town conceals it) at the
end of the defender's turn 1, so on turn 2 the attacker has a mark of it there from T1 and no enemy in sight."""


def _play(scen, seed, track, params=None, strict=False):
    params = params or {}
    players = [make_agent("doctrine", {**scen.sides[s].agent_params, **params.get(s, {})}) for s in SIDES]
    streams = seed_streams(seed)
    state = new_game(scen, seed, streams=streams, track_sightings=track)
    run_agents(state, players, streams[2:4], strict=strict)
    return state


def _tiny(**combat_rules):
    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    d["combat"] = combat_rules
    return scenario_from_dict(d, source="fire on suspected")


def _attacker_artillery_turn2(scen, track=True):
    from conftest import goto

    state = goto(new_game(scen, 2, track_sightings=track), "attacker", "artillery")
    return goto(goto(state, "defender", "artillery"), "attacker", "artillery")


def _choice(state, **params):
    return DoctrineAgent(**params).choose(observe(state, 0), np.random.default_rng(0))


BOTH_ON = {s: {"fire_on_suspected": True} for s in SIDES}


# ------------------------------------------------------------------------------------------------ off
def test_off_is_the_default_and_plays_the_same_game_tracked_or_not():
    scen = shusha_scenario()
    assert agent_parameters("doctrine")["fire_on_suspected"] is not None
    assert DoctrineAgent().fire_on_suspected is False
    plain = jsonl_text(_play(scen, 3, False).log)
    off = {s: {"fire_on_suspected": False} for s in SIDES}
    assert jsonl_text(_play(scen, 3, True, off).log) == plain
    # on, but the game keeps no marks (a game started untracked): nothing to fire on, the same game
    assert jsonl_text(_play(scen, 3, False, BOTH_ON).log) == plain


def test_on_changes_a_tracked_shusha_game_and_fires_on_marks():
    """(It can fail: were the rule never to fire in Shusha, the parameter would measure nothing.)"""
    scen = shusha_scenario()
    state = _play(scen, 3, True, BOTH_ON)
    fired = [e for e in state.log if e.kind == "SuspectedFire"]
    assert fired and jsonl_text(state.log) != jsonl_text(_play(scen, 3, True).log)
    assert not agent_refusals(state)


# ------------------------------------------------------------------------------------------------ on
def test_on_fires_on_a_fresh_mark_worth_a_mission():
    state = _attacker_artillery_turn2(_tiny(suspected_fire=True, suspected_fire_modifier=0))
    view = observe(state, 0)
    assert not view.contacts and {m.hex for m in view.last_seen} == {(3, 3), TOWN}
    assert _choice(state) == END_PHASE["attacker"]  # off: nothing known to fire at
    order = _choice(state, fire_on_suspected=True)
    assert order == Fire("az_art", TOWN)  # (both marks are worth 0.2 × ½: the one nearer the objective's centre)
    assert check(state, order) is None and order in legal_orders(state)


def test_a_mark_worth_too_little_is_not_fired_on():
    """At −2 a howitzer's mission on the marked infantry is worth 0.04 steps (halved: a turn old)."""
    state = _attacker_artillery_turn2(_tiny(suspected_fire=True, suspected_fire_modifier=-2))
    view = observe(state, 0)
    value = view.suspected_fire_odds("az_art", state.map.idx(TOWN))[0].expected_losses / 2
    assert value < SUSPECTED_FIRE_MIN_STEPS
    assert check(state, Fire("az_art", TOWN)) is None  # legal, but not worth it
    assert _choice(state, fire_on_suspected=True) == END_PHASE["attacker"]


def test_a_mark_of_this_turn_counts_in_full(monkeypatch):
    """A mark a turn old is worth half: at a threshold of 0.15 the T1 mark (0.2 × ½) is passed over, the same mark
    made this turn is fired on."""
    import engine.ai.doctrine as doctrine

    monkeypatch.setattr(doctrine, "SUSPECTED_FIRE_MIN_STEPS", 0.15)
    state = _attacker_artillery_turn2(_tiny(suspected_fire=True, suspected_fire_modifier=0))
    idx = state.map.idx(TOWN)
    assert observe(state, 0).suspected_fire_odds("az_art", idx)[0].expected_losses == pytest.approx(0.2)
    assert _choice(state, fire_on_suspected=True) == END_PHASE["attacker"]
    state.last_seen[0]["arm_inf_2"] = (idx, state.turn, 3, False)  # (seen there this turn)
    state.bump()
    assert _choice(state, fire_on_suspected=True) == Fire("az_art", TOWN)


@pytest.mark.parametrize("rules, track", [({}, True), ({"suspected_fire": True, "suspected_fire_modifier": 0}, False)])
def test_no_mission_where_the_rules_forbid_it(rules, track):
    """The scenario does not allow it, or the game keeps no marks: the marks are no target."""
    state = _attacker_artillery_turn2(_tiny(**rules), track=track)
    assert check(state, Fire("az_art", TOWN)) is not None
    assert _choice(state, fire_on_suspected=True) == END_PHASE["attacker"]


def test_a_known_target_worth_a_mission_comes_first():
    """Marks worth 0.6 steps on the town; arm_inf_1 brought into sight: the battery fires at it, not at a mark."""
    state = _attacker_artillery_turn2(_tiny(suspected_fire=True, suspected_fire_modifier=2))
    assert not observe(state, 0).contacts and _choice(state, fire_on_suspected=True) == Fire("az_art", TOWN)
    seen = state.unit("arm_inf_1")
    state.set_hidden(seen, False)
    state.bump()
    view = observe(state, 0)
    assert [c.id for c in view.contacts] == ["arm_inf_1"] and view.fire_preview("az_art", seen.idx) > 0.05
    assert _choice(state, fire_on_suspected=True) == Fire("az_art", state.map.hex_of(seen.idx))


# ------------------------------------------------------------------------------------------------ legality
@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), modifier=st.sampled_from([-2, 0, 2]))
def test_never_an_illegal_order_in_tiny_games(seed, modifier):
    """`strict`: an order the rules refuse raises."""
    scen = _tiny(suspected_fire=True, suspected_fire_modifier=modifier, suspected_fire_max_age_turns=2)
    state = _play(scen, seed, True, BOTH_ON, strict=True)
    assert state.outcome is not None


@pytest.mark.parametrize("seed", [1, 2])
def test_never_an_illegal_order_in_shusha(seed):
    state = _play(shusha_scenario(), seed, True, BOTH_ON, strict=True)
    assert state.outcome is not None and not agent_refusals(state)


def test_the_parameter_is_checked_as_data():
    d = tiny_dict()
    d["sides"]["attacker"]["agent_params"] = {"fire_on_suspected": "yes"}
    with pytest.raises(ScenarioError, match="fire_on_suspected"):
        scenario_from_dict(d, source="bad parameter")
    d["sides"]["defender"]["agent_params"] = {"fire_on_suspected": True}
    d["sides"]["attacker"]["agent_params"] = {}
    assert scenario_from_dict(d, source="good").sides["defender"].agent_params["fire_on_suspected"] is True


def test_play_game_tracks_sightings_when_a_side_sets_the_parameter():
    """`play_game` (batch, run, fidelity) turns on sightings tracking for it: without the marks the parameter
    would silently do nothing."""
    from conftest import shusha_scenario

    from engine.game import play_game

    scen = shusha_scenario()
    plain = play_game(scen, seed=1)
    assert plain.last_seen is None
    on = play_game(scen, seed=1, agent_params={"attacker": {"fire_on_suspected": True}})
    assert on.last_seen is not None
    assert any(ev.kind == "SuspectedFire" for ev in on.log)
    assert on.score.suspected_fire_missions["attacker"] > 0


def test_play_game_does_not_track_where_the_rule_is_off():
    """The parameter set in a scenario without `combat.suspected_fire`: nothing to fire on, so the game is not
    tracked (tracking costs about +38% a Shusha game) and plays as without it."""
    from conftest import shusha_scenario

    from engine.batch import with_overrides
    from engine.game import play_game

    scen = with_overrides(shusha_scenario(), ["combat.suspected_fire=false"], "shusha")
    assert not scen.combat.suspected_fire
    on = play_game(scen, seed=1, agent_params=BOTH_ON)
    assert on.last_seen is None
    assert jsonl_text(on.log) == jsonl_text(play_game(scen, seed=1).log)


# ---------------------------------------------------------------------------------------------------------------------
# `wargame validate` warns of a doctrine parameter the scenario's rules make idle (an acceptance tester set
# `fire_on_suspected` with the rule off and got the default game without a word).

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
