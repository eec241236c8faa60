"""Fire on a suspected position: targets, refusals, results, events, saves, fog and counts."""

from __future__ import annotations

import json

import pytest
from conftest import drop_units, goto, move_unit, tiny_dict, unit_spec
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import combat
from engine.ai.base import make_agent
from engine.batch import turn_rows, with_overrides
from engine.debrief import debrief_rows
from engine.errors import IllegalOrder, ScenarioError
from engine.events import Modifier, event_from_dict, event_to_dict, jsonl_text
from engine.game import run_agents
from engine.orders import Fire, Move
from engine.rules import (
    SUSPECTED_FIRE,
    SUSPECTED_HIT_REASON,
    apply,
    check,
    legal_orders,
    new_game,
    seed_streams,
)
from engine.savegame import game_from_save_dict, load_game, save_game, save_text
from engine.scenario import CombatRules, scenario_from_dict
from engine.view import UNSEEN_SPOTTER, observe, seen_by, visible_log

# ---------------------------------------------------------------------------------------------------------------------
# Fire on a suspected position (`CombatRules.suspected_fire`): a battery may fire at a hex with no known enemy but a
# fresh last-seen mark of one. Legality and its refusals, the resolution (hidden units hit and revealed, an empty hex
# wasted), the fog (the firer reads only what its observer sees), saves and replays, the rule as data.

TOWN = (3, 4)
"""arm_inf_2's hex: the attacker's special forces at (5,4) see it on turn 1, it goes to ground at the end of the
defender's turn 1 (the town conceals it), and on turn 2 the attacker has a fresh mark of it there (T1)."""
OTHER_TOWN = (3, 3)  # arm_inf_1's, marked the same way


def _doc(**combat_rules):
    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    if combat_rules:
        d["combat"] = combat_rules
    return d


def _scen(**combat_rules):
    return scenario_from_dict(_doc(**combat_rules), source="suspected fire")


def _turn2(scen=None, seed=2, track=True, turns=1):
    """The attacker's artillery phase `turns` turns after turn 1's (both town defenders hidden, marked on T1)."""
    state = goto(new_game(scen or _scen(suspected_fire=True), seed, track_sightings=track), "attacker", "artillery")
    for _ in range(turns):
        goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    return state


def _refused(state, order, *words):
    """`order` is refused with a reason saying each of `words`, and the state is unchanged."""
    before, n = state.fingerprint(), len(state.log)
    why = check(state, order)
    assert why is not None and all(w in why for w in words), why
    with pytest.raises(IllegalOrder) as ei:
        apply(state, order)
    assert ei.value.reason == why
    assert state.fingerprint() == before and len(state.log) == n
    assert order not in legal_orders(state)
    return why


# ------------------------------------------------------------------------------------------------ legality
def test_a_fresh_mark_of_a_hidden_unit_is_a_legal_target():
    state = _turn2()
    assert state.turn == 2
    u = state.unit("arm_inf_2")
    assert u.hidden and state.map.hex_of(u.idx) == TOWN
    assert [(m.id, m.turn) for m in observe(state, 0).suspected_marks(state.map.idx(TOWN))] == [("arm_inf_2", 1)]
    order = Fire("az_art", TOWN)
    assert check(state, order) is None
    assert order in legal_orders(state) and Fire("az_art", OTHER_TOWN) in legal_orders(state)
    odds = observe(state, 0).suspected_fire_odds("az_art", state.map.idx(TOWN))
    assert [o.target for o in odds] == ["arm_inf_2"]
    assert Modifier(SUSPECTED_FIRE, -2) in odds[0].modifiers


def test_a_stale_mark_is_refused_with_its_turn():
    state = _turn2(turns=2)
    assert state.turn == 3 and state.unit("arm_inf_2").hidden
    _refused(state, Fire("az_art", TOWN), "no known enemy at (3,4)", "the last-seen mark there is from T1",
             "older than 1 turn")


def test_max_age_zero_takes_only_this_turns_marks():
    state = _turn2(_scen(suspected_fire=True, suspected_fire_max_age_turns=0))
    _refused(state, Fire("az_art", TOWN), "mark there is from T1", "only this turn's marks")
    # two turns allowed: the T1 mark is still good on turn 3
    state = _turn2(_scen(suspected_fire=True, suspected_fire_max_age_turns=2), turns=2)
    assert check(state, Fire("az_art", TOWN)) is None


@pytest.mark.parametrize("max_age, turns", [(0, 1), (1, 1), (1, 2), (2, 2), (2, 3)])
def test_the_refusal_the_targets_the_odds_and_the_view_agree_on_a_marks_age(max_age, turns):
    """One rule (`rules.mark_is_fresh`) for every asker: a mark the check accepts is a legal target, has odds and
    reads fresh to the UI (`SideView.mark_fresh`); a stale one is none of these."""
    from engine.rules import mark_is_fresh, suspected_targets

    state = _turn2(_scen(suspected_fire=True, suspected_fire_max_age_turns=max_age), turns=turns)
    idx = state.map.idx(TOWN)
    view = observe(state, 0)
    mark = view.suspected_marks(idx)[0]
    fresh = state.turn - mark.turn <= max_age
    assert mark_is_fresh(state, mark.turn) is view.mark_fresh(mark) is fresh
    assert (check(state, Fire("az_art", TOWN)) is None) is fresh
    assert (idx in suspected_targets(state, 0)) is fresh
    assert bool(view.suspected_fire_odds("az_art", idx)) is fresh
    # the odds by mark (what the doctrine weighs) are the same odds, each with the fresh mark it is at
    by_mark = view.suspected_fire_odds_by_mark("az_art", idx)
    assert [o for _, o in by_mark] == view.suspected_fire_odds("az_art", idx)
    assert [m for m, _ in by_mark] == ([mark] if fresh else [])
    assert all(o.target == m.id for m, o in by_mark)


def test_a_hex_with_no_mark_is_refused():
    state = _turn2()
    empty = (4, 4)
    assert not state.units_at(state.map.idx(empty)) and observe(state, 0).spotter(state.map.idx(empty))
    _refused(state, Fire("az_art", empty), "no known enemy at (4,4) and no last-seen mark there")


def test_a_mark_on_a_hex_the_side_stands_on_is_no_target():
    """The side's own unit on the hex sees it empty (two sides never share a hex): a mark there is stale."""
    state = _turn2()
    at = state.unit("az_sf").idx
    state.last_seen[0]["arm_inf_2"] = (at, state.turn, 3, False)  # (a mark left on the hex az_sf has moved onto)
    state.bump()
    assert observe(state, 0).spotter(at) and not observe(state, 0).suspected_marks(at)
    _refused(state, Fire("az_art", state.map.hex_of(at)), "no last-seen mark there")


def test_the_rule_off_refuses_as_before_and_lists_no_such_order():
    state = _turn2(_scen())
    why = _refused(state, Fire("az_art", TOWN), "no known enemy at (3,4)", "off in this scenario")
    assert why == "no known enemy at (3,4); fire on suspected positions is off in this scenario"
    # a hex with no mark reads exactly as it always did
    assert check(state, Fire("az_art", (4, 4))) == "no known enemy at (4,4)"
    assert not [o for o in legal_orders(state) if isinstance(o, Fire)]


def test_a_game_that_does_not_track_sightings_refuses_with_that_reason():
    state = _turn2(track=False)
    assert state.last_seen is None and state.unit("arm_inf_2").hidden
    _refused(state, Fire("az_art", TOWN), "does not track sightings")
    assert not [o for o in legal_orders(state) if isinstance(o, Fire)]


def test_out_of_range_and_no_spotter_are_refused_as_for_any_mission():
    d = _doc(suspected_fire=True)
    d.setdefault("unit_types", {})["howitzer"] = {"range_hexes": 3}
    state = _turn2(scenario_from_dict(d))
    _refused(state, Fire("az_art", TOWN), "hexes away; az_art reaches 3")
    # the spotter walks off on turn 1: the T1 mark is fresh on turn 2, but no one sees the town
    state = goto(new_game(_scen(suspected_fire=True), 2, track_sightings=True), "attacker", "movement")
    far = max(observe(state, 0).destinations("az_sf"), key=lambda i: state.map.distance(i, state.map.idx(TOWN)))
    apply(state, Move("az_sf", state.map.hex_of(far)))
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    assert observe(state, 0).suspected_marks(state.map.idx(TOWN))
    _refused(state, Fire("az_art", TOWN), "no spotter")


def test_a_battery_that_fired_may_not_fire_again():
    state = _turn2()
    apply(state, Fire("az_art", TOWN))
    _refused(state, Fire("az_art", OTHER_TOWN), "already fired")


# ------------------------------------------------------------------------------------------------ resolution
def _sure(hit: bool):
    """Rules where every shot hits (or none does)."""
    p = 1.0 if hit else 0.0
    return _scen(suspected_fire=True, hit_min=p, hit_max=p)


def _fire(state, target):
    n = len(state.log)
    apply(state, Fire("az_art", target))
    return n


def test_a_hit_hidden_unit_loses_steps_and_is_revealed():
    state = _turn2(_sure(True))
    k = _fire(state, TOWN)
    u = state.unit("arm_inf_2")
    assert u.strength == 1 and not u.hidden  # 2 shots (3 steps, one shot per 2), both hit
    kinds = [e.kind for e in state.log[k:]]
    assert kinds == ["SuspectedFire", "UnitRevealed"]
    fired, revealed = state.log[k:]
    assert [r.target for r in fired.fire] == ["arm_inf_2"] and fired.fire[0].losses == 2
    assert fired.fire[0].rolls and Modifier(SUSPECTED_FIRE, -2) in fired.fire[0].modifiers
    assert fired.modifiers == [Modifier(SUSPECTED_FIRE, -2)] and fired.mark_turn == 1 and fired.spotter == "az_sf"
    assert revealed.unit == "arm_inf_2" and revealed.reason == SUSPECTED_HIT_REASON
    assert "2 steps lost" in fired.text()
    # the attacker sees the hit and the unit now; both sides read the same two lines
    assert "arm_inf_2" in {c.id for c in observe(state, 0).contacts}
    for side in (0, 1):
        assert [e.kind for _, e in visible_log(state, side, k)] == kinds
    assert state.score.artillery_missions["attacker"] == 1
    assert state.score.steps_lost["defender"]["infantry"] == 2


def test_a_unit_destroyed_on_its_suspected_position_is_reported():
    d = _doc(suspected_fire=True, hit_min=1.0, hit_max=1.0)
    unit_spec(d, "arm_inf_2")["strength"] = 2
    state = _turn2(scenario_from_dict(d))
    k = _fire(state, TOWN)
    assert state.unit("arm_inf_2").strength == 0
    assert [e.kind for e in state.log[k:]] == ["SuspectedFire", "UnitDestroyed"]
    assert [e.kind for _, e in visible_log(state, 0, k)] == ["SuspectedFire", "UnitDestroyed"]
    assert "arm_inf_2" not in {m.id for m in observe(state, 0).last_seen}


def test_an_empty_hex_wastes_the_mission():
    """arm_inf_2 slips away unseen after the attacker marked it: the mission falls on an empty hex."""
    state = _turn2(_sure(True))
    u = state.unit("arm_inf_2")
    u.idx = state.map.idx((0, 5))  # (the hex it slipped away to, out of every attacker's sight)
    state.touch()
    assert check(state, Fire("az_art", TOWN)) is None  # the mark is all the attacker knows
    rng = state.rng.bit_generator.state
    k = _fire(state, TOWN)
    assert [e.kind for e in state.log[k:]] == ["SuspectedFire"]
    assert state.log[k].fire == [] and "no observed effect" in state.log[k].text()
    assert state.rng.bit_generator.state == rng  # no unit, no dice
    assert state.unit("az_art").fired and state.score.artillery_missions["attacker"] == 1
    assert state.unit("arm_inf_2").strength == 3


def test_an_unhurt_hidden_unit_stays_unknown_to_the_firer():
    state = _turn2(_sure(False))
    k = _fire(state, TOWN)
    fired, shelled = state.log[k:]
    assert (fired.kind, shelled.kind) == ("SuspectedFire", "HiddenUnitShelled")
    assert fired.fire == [] and "no observed effect" in fired.text()
    assert shelled.side == "defender" and shelled.unit == "arm_inf_2" and shelled.firer == "az_art"
    assert shelled.fire.rolls and shelled.fire.losses == 0 and Modifier(SUSPECTED_FIRE, -2) in shelled.fire.modifiers
    assert state.unit("arm_inf_2").hidden and state.unit("arm_inf_2").strength == 3
    # the attacker's log: its own mission and nothing that names the unit; the defender's: both lines
    mine = [e for _, e in visible_log(state, 0, k)]
    assert [e.kind for e in mine] == ["SuspectedFire"]
    assert all("arm_inf_2" not in e.text() and "arm_inf_2" not in e.units() for e in mine)
    assert not [f for e in mine for f in e.fire_results()]
    assert [e.kind for _, e in visible_log(state, 1, k)] == ["SuspectedFire", "HiddenUnitShelled"]
    assert seen_by(state, shelled) == (False, True)  # (the judgement of a game that does not track sightings)
    assert "arm_inf_2" not in {c.id for c in observe(state, 0).contacts}


def test_the_firer_reads_the_same_whether_the_hex_was_empty_or_the_unit_unhurt():
    def read(empty):
        state = _turn2(_sure(False))
        if empty:
            state.unit("arm_inf_2").idx = state.map.idx((0, 5))
            state.touch()
        k = _fire(state, TOWN)
        return [(e.kind, e.text()) for _, e in visible_log(state, 0, k)]

    assert read(True) == read(False)


def test_a_recon_drone_spotter_adds_its_modifier():
    state = _turn2()
    state.recon_cover[0][state.map.idx(TOWN)] = True  # (a recon sortie's cover over the town)
    state.touch()
    odds = observe(state, 0).suspected_fire_odds("az_art", state.map.idx(TOWN))
    sources = [m.source for m in odds[0].modifiers]
    assert SUSPECTED_FIRE in sources and "fire adjusted by recon drone" in sources
    k = _fire(state, TOWN)
    assert state.log[k].spotter == "recon drone"
    assert [m.source for m in state.log[k].modifiers] == [SUSPECTED_FIRE, "fire adjusted by recon drone"]


def test_events_round_trip_through_json():
    state = _turn2(_sure(False))
    k = _fire(state, TOWN)
    for ev in state.log[k:]:
        assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev


# ------------------------------------------------------------------------------------------------ saves, replays
def test_a_save_with_such_a_mission_loads_and_replays_the_same_game(tmp_path):
    state = _turn2(_sure(False))
    _fire(state, TOWN)
    goto(state, "defender", "movement")
    path = tmp_path / "g.json"
    save_game(state, path)
    for loaded in (load_game(path), game_from_save_dict(json.loads(save_text(state)))):
        assert loaded.last_seen is not None  # (tracked: the order needs the marks)
        assert jsonl_text(loaded.log) == jsonl_text(state.log)
        assert loaded.fingerprint() == state.fingerprint()
    # without the marks the order does not replay, and says why
    replay = new_game(state.scenario, state.seed)
    with pytest.raises(IllegalOrder, match="does not track sightings"):
        for o in state.orders:
            apply(replay, o)


def test_a_save_of_a_scenario_without_the_rule_loads_untracked_as_before(tmp_path):
    state = goto(new_game(_scen(), 2), "attacker", "movement")
    assert game_from_save_dict(json.loads(save_text(state))).last_seen is None


# ------------------------------------------------------------------------------------------------ data
def test_the_rule_is_data_with_bounds_and_overrides():
    assert CombatRules().suspected_fire is False
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(_doc(suspected_fire_modifier=-21))
    assert any("$.combat.suspected_fire_modifier: expected -20..20" in p for p in ei.value.problems)
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(_doc(suspected_fire_max_age_turns=-1))
    assert any("$.combat.suspected_fire_max_age_turns" in p for p in ei.value.problems)
    with pytest.raises(ScenarioError):
        scenario_from_dict(_doc(suspected_fire="yes"))
    scen = with_overrides(_scen(), ("combat.suspected_fire=true", "combat.suspected_fire_modifier=-3"), "tiny")
    assert scen.combat.suspected_fire and scen.combat.suspected_fire_modifier == -3
    state = _turn2(scen)
    k = _fire(state, TOWN)
    assert state.log[k].modifiers == [Modifier(SUSPECTED_FIRE, -3)]
    # a modifier of 0 is left out of the events, as every combat modifier is
    state = _turn2(_scen(suspected_fire=True, suspected_fire_modifier=0))
    k = _fire(state, TOWN)
    assert state.log[k].modifiers == []


def test_the_doctrine_ai_does_not_fire_on_suspected_positions():
    """The AIs do not use the rule (yet): a tracked game with it on, AI against AI, has no such mission."""
    scen = _scen(suspected_fire=True)
    streams = seed_streams(4)
    state = new_game(scen, 4, streams=streams, track_sightings=True)
    run_agents(state, [make_agent("doctrine"), make_agent("doctrine")], streams[2:4])
    assert state.outcome is not None
    assert not [e for e in state.log if e.kind in ("SuspectedFire", "HiddenUnitShelled")]


@settings(max_examples=60, deadline=None)
@given(mod=st.integers(-20, 0), target=st.sampled_from(["arm_inf_1", "arm_inf_2", "arm_amb"]),
       col=st.integers(0, 9), row=st.integers(0, 7), spotted=st.booleans())
def test_the_suspected_position_never_makes_the_odds_better(mod, target, col, row, spotted):
    scen = _scen(suspected_fire=True, suspected_fire_modifier=mod)
    state = new_game(scen, 1)
    firer = state.unit("az_art")
    ghost = state.unit(target).copy()
    ghost.idx = state.map.idx((col, row))
    spotter = "recon drone" if spotted else "az_sf"
    from engine.rules import artillery_modifiers, suspected_fire_modifiers

    plain = combat.fire_odds(state, firer, ghost, "artillery", artillery_modifiers(state, spotter))
    suspected = combat.fire_odds(state, firer, ghost, "artillery", suspected_fire_modifiers(state, spotter))
    assert suspected.p_hit <= plain.p_hit and suspected.expected_losses <= plain.expected_losses
    assert suspected.net == plain.net + mod


# ---------------------------------------------------------------------------------------------------------------------
# With fire on suspected positions off, the refusal speaks of the rule only where the side holds a last-seen mark
# (`SideView.last_seen`): not where it saw the unit destroyed.

def test_a_hex_where_the_side_saw_the_unit_destroyed_reads_as_any_empty_hex():
    d = _doc(hit_min=1.0, hit_max=1.0)
    unit_spec(d, "arm_inf_2")["strength"] = 2
    state = goto(new_game(scenario_from_dict(d), 2, track_sightings=True), "attacker", "artillery")
    apply(state, Fire("az_art", TOWN))  # (seen on turn 1: destroyed by 2 sure hits)
    assert state.unit("arm_inf_2").strength == 0
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    assert "arm_inf_2" not in {m.id for m in observe(state, 0).last_seen}
    assert check(state, Fire("az_art", TOWN)) == "no known enemy at (3,4)"


# ---------------------------------------------------------------------------------------------------------------------
# The target's side of an enemy fire mission does not read who spotted it: the spotter may be a unit it does not
# see (`engine.view.visible_log`), on a suspected position or a seen one.

def test_a_hidden_spotter_is_not_named_to_the_target_side():
    state = _turn2(_sure(False))
    sf = state.unit("az_sf")
    state.set_hidden(sf, True)  # (a hidden special-forces team in sight of the town)
    state.touch()
    assert "az_sf" not in {c.id for c in observe(state, 1).contacts}
    k = _fire(state, TOWN)
    theirs = [e for _, e in visible_log(state, 1, k) if e.kind == "SuspectedFire"]
    assert theirs and all("az_sf" not in e.text() and e.spotter == UNSEEN_SPOTTER for e in theirs)
    mine = [e for _, e in visible_log(state, 0, k) if e.kind == "SuspectedFire"]
    assert mine[0].spotter == "az_sf" and state.log[k].spotter == "az_sf"  # (the firer and the log keep it)


def test_a_hidden_spotter_of_fire_on_a_seen_enemy_is_not_named_either():
    """`ArtilleryFired` (a known target) reads the same to the target's side: the spotter is 'an observer'."""
    state = _turn2(_sure(False))
    state.set_hidden(state.unit("az_sf"), True)
    state.set_hidden(state.unit("arm_inf_2"), False)  # (seen: the mission is an ordinary one)
    state.touch()
    assert "arm_inf_2" in {c.id for c in observe(state, 0).contacts}
    assert "az_sf" not in {c.id for c in observe(state, 1).contacts}
    k = _fire(state, TOWN)
    assert state.log[k].kind == "ArtilleryFired" and state.log[k].spotter == "az_sf"
    theirs = [e for _, e in visible_log(state, 1, k) if e.kind == "ArtilleryFired"]
    assert theirs and all("az_sf" not in e.text() and e.spotter == UNSEEN_SPOTTER for e in theirs)
    assert [e.spotter for _, e in visible_log(state, 0, k) if e.kind == "ArtilleryFired"] == ["az_sf"]


# ---------------------------------------------------------------------------------------------------------------------
# The score record tells missions on suspected positions from those at seen units (`Score.suspected_fire_missions`,
# a part of `artillery_missions`), and the debrief lists them when there were any.

def test_a_mission_on_a_suspected_position_is_counted_apart():
    state = _turn2(_sure(False))
    assert not [r for r in debrief_rows(state) if "suspected" in r[0]]  # (none yet: no row)
    _fire(state, TOWN)
    sc = state.score
    assert sc.artillery_missions["attacker"] == 1 and sc.suspected_fire_missions == {"attacker": 1, "defender": 0}
    assert ("  of which on suspected positions", 1, 0) in debrief_rows(state)


def test_the_batch_row_has_the_count():
    from engine.batch import PER_SIDE_COUNTERS

    assert "suspected_fire_missions" in PER_SIDE_COUNTERS  # (`suspected_fire_missions_{side}` columns)


def test_the_new_columns_leave_the_older_ones_in_their_places():
    """`suspected_fire_missions_<side>` (engine 0.18.0) come just before the weather columns: the columns an older
    results file has keep their order, and their places in a CSV copy, up to the weather columns."""
    from engine.batch import SIDES, WEATHER_COLUMNS, row_schema

    names = row_schema({}, {s: [] for s in SIDES}).names
    new = [f"suspected_fire_missions_{s}" for s in SIDES]
    assert names[-len(WEATHER_COLUMNS) - len(new):-len(WEATHER_COLUMNS)] == new
    assert names[-len(WEATHER_COLUMNS):] == list(WEATHER_COLUMNS)


# ---------------------------------------------------------------------------------------------------------------------
# The per-turn table (`engine.batch.turn_rows`) counts the steps a fire on a suspected position destroyed, as the
# score record does (a hidden unit's `HiddenUnitShelled` lost none).

def test_steps_lost_to_a_suspected_position_reach_the_per_turn_table():
    state = _turn2(_sure(True))
    _fire(state, TOWN)
    assert state.score.steps_lost["defender"] == {"infantry": 2}
    rows = turn_rows(state.log, state.scenario)
    assert rows[-1]["steps_lost_defender_cum"] == 2 and rows[-1]["steps_lost_defender_ground_cum"] == 2
