"""Ambushes set again and again (session 23): `UnitType.ambush_withdraw`, the rule `rules._ambush_withdrawal`.

Meduza: the attackers lost heavily in "ambushes the defenders set daily in the ravines". Before this rule an
ambush party fired once, stayed in contact with its target and was assaulted or shelled until destroyed. With
`ambush_withdraw` (a unit-type field, off by default; the Shusha scenario sets it for infantry) the party breaks
contact after firing, one hex into cover, goes to ground at the end of its side by the ordinary rule and can fire
from ambush again.

Test map (the tiny scenario, rows 6-7 edited): (4,6) and (5,6) ravine, (2..3, 6..7) forest, the party
`arm_amb` at (5,6); the tank comes from the east along row 6.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from conftest import ROOT, events_of, goto, move_unit, tiny_dict
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import engine.rules as rules
from engine.events import event_from_dict, event_to_dict, event_to_json
from engine.game import play_game
from engine.movement import legal_destinations
from engine.orders import EndPhase, Move
from engine.rules import apply, check, new_game
from engine.scenario import load_scenario, scenario_from_dict
from engine.units import DEFAULT_UNIT_TYPES
from engine.visibility import known_enemy_hexes, visible_hexes

PARTY = "arm_amb"


def _doc(withdraw: bool) -> dict[str, Any]:
    doc = tiny_dict()
    rows = doc["map"]["terrain"]
    rows[6] = "ppffrrpppp"  # (4,6) ravine next to the party's (5,6)
    if withdraw:
        doc["unit_types"] = {"infantry": {"ambush_withdraw": True}}
    return doc


def _state(withdraw: bool, seed: int = 1):
    return new_game(scenario_from_dict(_doc(withdraw), source="ambush23"), seed)


def _first_ambush(state) -> list[Any]:
    """The tank drives west along row 6 into the party's zone: the ambush."""
    goto(state, "attacker", "movement")
    ev = apply(state, Move("az_tank", (6, 6)))
    assert [e.ambusher for e in events_of(ev, "AmbushSprung")] == [PARTY]
    return ev


def _end_turn_defender_passive(state) -> None:
    """The attacker's assault phase and the defender's whole side pass (no AI): to the next attacker movement."""
    goto(state, "defender", "assault")
    apply(state, EndPhase("defender"))
    goto(state, "attacker", "movement")


def test_default_unit_types_do_not_withdraw():
    assert not any(t.ambush_withdraw for t in DEFAULT_UNIT_TYPES.values())
    for name in ("ambush", "cliff_below", "cliff_ridge", "drones", "supply"):  # (the lessons)
        scen = load_scenario(ROOT / "scenarios" / "lessons" / f"{name}.json")
        assert not any(t.ambush_withdraw for t in scen.unit_table.values()), name


def test_shusha_opts_in_for_infantry():
    scen = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    assert scen.unit_table["infantry"].ambush_withdraw
    assert not scen.unit_table["special_forces"].ambush_withdraw


def test_party_breaks_contact_goes_to_ground_and_springs_a_second_ambush():
    state = _state(withdraw=True)
    ev = _first_ambush(state)
    party, tank = state.unit(PARTY), state.unit("az_tank")
    (out,) = [e for e in events_of(ev, "UnitMoved") if e.unit == PARTY]
    assert out.side == "defender" and out.path == [(5, 6), (4, 6)] and out.stopped is None
    # the log says why it moved in the enemy's turn; an ordered move's line is written as before (no "why")
    assert out.why == "breaks contact after firing from ambush: ambush parties slip away once they have fired"
    assert out.why in out.text()
    (tank_move,) = [e for e in events_of(ev, "UnitMoved") if e.unit == "az_tank"]
    assert '"why"' in event_to_json(out) and '"why"' not in event_to_json(tank_move)
    assert event_from_dict(event_to_dict(out)) == out
    assert state.map.hex_of(party.idx) == (4, 6)
    assert state.map.distance(party.idx, tank.idx) == 2  # out of contact: no assault on it this turn
    assert not party.hidden  # seen firing and leaving
    # the log: the tank's move, the ambush, the reveal, then the party's move of one hex
    kinds = [(e.kind, getattr(e, "unit", None)) for e in ev]
    assert kinds.index(("UnitMoved", "az_tank")) < [k for k, _ in kinds].index("AmbushSprung")
    assert kinds.index(("UnitRevealed", PARTY)) < kinds.index(("UnitMoved", PARTY))
    _end_turn_defender_passive(state)
    assert party.hidden, "the party goes to ground at the end of its side, out of contact, in the ravine"
    assert any(e.kind == "UnitHidden" and e.unit == PARTY for e in state.log)
    # next turn the tank walks into it again: a second ambush by the same party
    n = state.score.ambushes_sprung["defender"]
    ev2 = apply(state, Move("az_tank", (4, 5)))
    assert [e.ambusher for e in events_of(ev2, "AmbushSprung")] == [PARTY]
    assert state.score.ambushes_sprung["defender"] == n + 1 == 2


def test_without_the_flag_the_party_stays_in_contact():
    state = _state(withdraw=False)
    ev = _first_ambush(state)
    party, tank = state.unit(PARTY), state.unit("az_tank")
    assert not [e for e in events_of(ev, "UnitMoved") if e.unit == PARTY]
    assert state.map.hex_of(party.idx) == (5, 6) and state.map.distance(party.idx, tank.idx) == 1
    _end_turn_defender_passive(state)
    assert not party.hidden, "in contact: it cannot go to ground"
    # seen, it cannot fire from ambush again: the tank may walk past it
    if check(state, Move("az_tank", (4, 5))) is None:
        assert not events_of(apply(state, Move("az_tank", (4, 5))), "AmbushSprung")
    assert state.score.ambushes_sprung["defender"] == 1


def test_no_way_out_keeps_the_party_in_contact():
    # no concealing hex next to the party except the one beside the tank: it stays, as without the rule
    doc = _doc(withdraw=True)
    doc["map"]["terrain"][6] = "pppppr" + "pppp"
    doc["map"]["terrain"][7] = "pppppr" + "pppp"
    state = new_game(scenario_from_dict(doc, source="ambush23 boxed"), 1)
    ev = _first_ambush(state)
    assert not [e for e in events_of(ev, "UnitMoved") if e.unit == PARTY]
    assert state.map.hex_of(state.unit(PARTY).idx) == (5, 6)


# ------------------------------------------------------------------------------ bounds (hypothesis)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    party_at=st.sampled_from([(5, 6), (5, 7), (4, 6), (3, 6), (6, 2), (7, 1), (7, 6), (7, 5), (7, 3), (6, 4)]),
    rows=st.lists(st.sampled_from("ppfrh"), min_size=20, max_size=20),
    mover=st.sampled_from(["az_tank", "az_mech", "az_sf"]),
    dest_pick=st.integers(0, 10_000),
)
def test_withdrawal_bounds(seed, party_at, rows, mover, dest_pick):
    """Whatever the terrain around it and whoever walks into it, a withdrawal moves the ambusher one hex, into a
    hex it can enter, with concealment, no enemy in it, no enemy its side knows of next to it, room in the stack,
    outside its no-go areas; it costs no step and it happens only after the unit fired from ambush."""
    doc = _doc(withdraw=True)
    t = doc["map"]["terrain"]
    t[6] = "".join(rows[:10])
    t[7] = "".join(rows[10:])
    # the party's own hex gives ambush cover (else nothing to test)
    r = party_at[1]
    t[r] = t[r][: party_at[0]] + "r" + t[r][party_at[0] + 1:]
    move_unit(doc, PARTY, party_at, hidden=True)
    state = new_game(scenario_from_dict(doc, source="ambush23 prop"), seed)
    goto(state, "attacker", "movement")
    g = state.map
    u = state.unit(mover)
    party = state.unit(PARTY)
    dests = sorted(legal_destinations(state, u))
    # mostly a destination next to the party (the move walks into its zone), sometimes any
    near = [d for d in dests if g.distance(d, party.idx) == 1]
    dests = near if near and dest_pick % 4 else dests
    if not dests:
        return
    before_idx, before_strength = party.idx, party.strength
    known_zone: list[frozenset[int]] = []  # what the party's side knew when it chose where to go
    original = rules._ambush_withdrawal

    def spy(state_, e):
        state_.bump()
        known_zone.append(known_enemy_hexes(state_, e.side)[1])
        return original(state_, e)

    rules._ambush_withdrawal = spy
    try:
        ev = apply(state, Move(mover, g.hex_of(dests[dest_pick % len(dests)])))
    finally:
        rules._ambush_withdrawal = original
    sprung = [e for e in events_of(ev, "AmbushSprung") if e.ambusher == PARTY]
    outs = [e for e in events_of(ev, "UnitMoved") if e.unit == PARTY]
    assert len(outs) <= len(sprung) <= 1
    assert party.strength == before_strength  # (the mover's return fire comes only in an assault)
    event("broke contact" if outs else "fired, stayed" if sprung else "no ambush")
    if not outs:
        assert party.idx == before_idx
        return
    (out,) = outs
    j = party.idx
    assert out.path == [g.hex_of(before_idx), g.hex_of(j)]
    assert g.distance(before_idx, j) == 1
    assert g.concealment[j] >= 1
    assert g.enterable["foot"][j] and not g.no_go[party.side][j]
    assert not state.units_at(j, 1 - party.side)
    assert known_zone and j not in known_zone[-1]
    assert state.occupancy()[party.side][j] <= state.scenario.stack_limit
    assert not party.hidden
    # what a move's step brings (a review: the first version only set the hex): the hex is its side's, a seen
    # hex shows the hidden friends there, and an enemy it had not seen next to it is met (revealed)
    assert state.control[j] == party.side
    if visible_hexes(state, 1 - party.side)[j]:
        assert not [v for v in state.units_at(j, party.side) if v.hidden]
    assert not [x for x in state.ground_units(1 - party.side) if x.hidden and g.distance(x.idx, j) == 1]


# ------------------------------------------------------------------------------ other scenarios unchanged
def _log_hash(state) -> str:
    return hashlib.sha256("\n".join(event_to_json(e) for e in state.log).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name,seed", [("ambush", 1), ("ambush", 2), ("cliff_below", 1), ("drones", 1),
                                       ("supply", 1), ("tiny", 1), ("tiny", 2)])
def test_scenarios_that_do_not_opt_in_play_the_games_they_played_before(name, seed, monkeypatch):
    """A scenario whose unit types leave `ambush_withdraw` off plays the same game, event for event, as the engine
    without the rule (the rule removed: `_ambush_withdrawal` does nothing)."""
    if name == "tiny":
        scen = scenario_from_dict(tiny_dict(), source="tiny")
    else:
        scen = load_scenario(ROOT / "scenarios" / "lessons" / f"{name}.json")
    with_rule = _log_hash(play_game(scen, seed))
    monkeypatch.setattr(rules, "_ambush_withdrawal", lambda state, e: [])
    assert _log_hash(play_game(scen, seed)) == with_rule


def _withdrawals(state) -> list[Any]:
    """The defender's moves made in the attacker's phases: its parties breaking contact after an ambush."""
    out, to_move = [], None
    for e in state.log:
        if e.kind == "PhaseStarted":
            to_move = e.side
        elif e.kind == "UnitMoved" and e.side == "defender" and to_move == "attacker":
            out.append(e)
    return out


def test_the_rule_changes_shusha_games(monkeypatch):
    """The Shusha scenario opts in: without the rule its parties fire once, with it more often (seeds where a
    party breaks contact)."""
    scen = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    with_rule = [play_game(scen, s) for s in (1, 2, 3)]
    monkeypatch.setattr(rules, "_ambush_withdrawal", lambda state, e: [])
    without = [play_game(scen, s) for s in (1, 2, 3)]
    assert any(_withdrawals(st_) for st_ in with_rule) and not any(_withdrawals(st_) for st_ in without)
    assert (sum(s.score.ambushes_sprung["defender"] for s in with_rule)
            > sum(s.score.ambushes_sprung["defender"] for s in without))
