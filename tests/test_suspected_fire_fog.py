"""Fire on a suspected position under fog: the target's side learns that it came under fire at its hex and what it
lost, never when the firer marked it (`SuspectedFire.mark_turn`); a stack-mate revealed with a hit unit's stack says
so, naming the hit unit, as data (`UnitRevealed.stack_of`)."""

from __future__ import annotations

import json

import attrs
import pytest
from conftest import drop_units, goto, move_unit, shusha_scenario, tiny_dict

from engine.ai.base import make_agent
from engine.events import UnitRevealed, event_from_dict, event_to_dict, event_to_json
from engine.game import run_agents
from engine.orders import Fire
from engine.rules import SUSPECTED_HIT_REASON, _reveal, apply, new_game, seed_streams
from engine.scenario import scenario_from_dict
from engine.units import SIDES
from engine.view import UNSEEN_FIRER, UNSEEN_SPOTTER, visible_log

TOWN = (3, 4)
"""arm_inf_2's hex: the attacker's special forces at (5,4) see it on turn 1, it goes to ground (the town conceals it)
and on turn 2 the attacker has a fresh mark of it there (T1)."""


def _scen(stacked: bool = False, **combat_rules):
    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    if stacked:
        move_unit(d, "arm_inf_1", TOWN)  # (hidden with arm_inf_2 at the end of turn 1, both marked on T1)
    d["combat"] = {"suspected_fire": True, **combat_rules}
    return scenario_from_dict(d, source="suspected fire fog")


def _fired(scen, seed=2):
    """The attacker's mission on TOWN on turn 2: (state, log index of the mission)."""
    state = goto(new_game(scen, seed, track_sightings=True), "attacker", "artillery")
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    k = len(state.log)
    apply(state, Fire("az_art", TOWN))
    return state, k


@pytest.mark.parametrize("hit", [True, False])
def test_the_target_does_not_learn_when_it_was_marked(hit):
    p = 1.0 if hit else 0.0
    state, k = _fired(_scen(hit_min=p, hit_max=p))
    fired = state.log[k]
    assert fired.kind == "SuspectedFire" and fired.mark_turn == 1  # the firer's record keeps the mark's turn
    mine = [e for _, e in visible_log(state, 0, k)]
    assert mine[0].mark_turn == 1 and "last seen T1" in mine[0].text()
    theirs = [e for _, e in visible_log(state, 1, k)]
    read = theirs[0]
    assert read.kind == "SuspectedFire" and read.mark_turn is None and read.spotter == UNSEEN_SPOTTER
    assert "mark_turn" in event_to_dict(read) and event_to_dict(read)["mark_turn"] is None
    assert event_from_dict(event_to_dict(read)) == read  # (a side's log written out reads back)
    for e in theirs:  # nothing the defender reads tells it when or by whom it was seen
        words = " ".join([e.text(), *e.details(), event_to_json(e)])
        assert "last seen" not in words and "T1" not in words and "az_sf" not in words and "az_art" not in words
    # what it does learn: fire at its hex, and what it lost (the hidden unit's own record says the rest)
    # (not which battery: the off-map howitzer is out of its sight, `UNSEEN_FIRER`)
    assert "(3,4)" in read.text() and read.target_hex == fired.target_hex and read.unit == UNSEEN_FIRER
    assert read.fire == [attrs.evolve(f, firer=UNSEEN_FIRER) for f in fired.fire]
    assert read.modifiers == fired.modifiers
    if hit:
        assert "2 steps lost" in read.text() and [e.kind for e in theirs] == ["SuspectedFire", "UnitRevealed"]
    else:
        assert "0 steps lost" in read.text() and "no observed effect" not in read.text()
        assert [e.kind for e in theirs] == ["SuspectedFire", "HiddenUnitShelled"]
    assert state.log[k] is fired and fired.mark_turn == 1  # (the reading is a copy: the log is not touched)


def test_a_stack_mate_is_revealed_with_the_stack_of_the_hit_unit():
    state, k = _fired(_scen(stacked=True, hit_min=1.0, hit_max=1.0))
    revealed = [e for e in state.log[k:] if e.kind == "UnitRevealed"]
    assert [(e.unit, e.stack_of) for e in revealed] == [("arm_inf_1", ""), ("arm_inf_2", "arm_inf_1")]
    hit, mate = revealed
    assert hit.reason == mate.reason == SUSPECTED_HIT_REASON  # the reason is the hit unit's; `stack_of` names it
    assert hit.text() == "arm_inf_1 revealed at (3,4): hit by fire on its suspected position"
    assert mate.text() == ("arm_inf_2 revealed at (3,4) with the stack of arm_inf_1 (arm_inf_1: hit by fire on its "
                           "suspected position)")
    assert "stack_of" not in event_to_dict(hit) and event_to_dict(mate)["stack_of"] == "arm_inf_1"
    assert event_from_dict(event_to_dict(mate)) == mate and event_from_dict(event_to_dict(hit)) == hit
    for side in (0, 1):  # both sides read both lines as logged
        assert [e for _, e in visible_log(state, side, k) if e.kind == "UnitRevealed"] == revealed


def test_every_reveal_of_a_stack_names_the_unit_it_is_about():
    """Whatever the reason (detected here), a stack-mate's line names the unit the reason is about: the mate was not
    detected itself, and must not read as if it had been."""
    state, _ = _fired(_scen(stacked=True, hit_min=0.0, hit_max=0.0))
    a, b = state.units_at(state.map.idx(TOWN), 1)
    assert a.hidden and b.hidden
    out = []
    _reveal(state, a, "detected by az_sf", out)
    assert [(e.unit, e.reason, e.stack_of) for e in out] == [(a.id, "detected by az_sf", ""),
                                                              (b.id, "detected by az_sf", a.id)]
    assert "stack_of" not in event_to_dict(out[0]) and event_to_dict(out[1])["stack_of"] == a.id
    assert out[1].text() == f"{b.id} revealed at (3,4) with the stack of {a.id} ({a.id}: detected by az_sf)"


def test_in_a_shusha_game_only_an_ambusher_reveals_as_having_fired_from_ambush():
    """Seed 2 has defenders stacked with an ambush party (engine 0.21.0; seed 1 before it): each "fired from ambush"
    line is the ambusher's own (the one `AmbushSprung` names just before), and its stack-mates' lines name it."""
    from conftest import shusha_scenario

    from engine.game import play_game

    log = play_game(shusha_scenario(), 2).log
    own = mates = 0
    for k, ev in enumerate(log):
        if ev.kind != "UnitRevealed" or ev.reason != "fired from ambush":
            continue
        fired = next(e for e in reversed(log[:k]) if e.kind == "AmbushSprung")
        assert (ev.stack_of or ev.unit) == fired.ambusher, ev.text()
        own += not ev.stack_of
        mates += bool(ev.stack_of)
    assert own and mates  # (both kinds of line happen in this game: the check above is not vacuous)


def test_an_old_unit_revealed_line_reads_back():
    line = {"kind": "UnitRevealed", "turn": 3, "side": "defender", "unit": "arm_inf_2", "hex": [3, 4],
            "reason": "contact with az_mech", "setting_out": False}
    ev = event_from_dict(line)
    assert isinstance(ev, UnitRevealed) and ev.stack_of == ""
    assert event_to_json(ev) == json.dumps(line, separators=(",", ":"))  # (the line as it was written)


@pytest.mark.parametrize("seed", [1, 2])
def test_no_side_reads_the_enemys_mark_turns_in_played_games(seed):
    """Shusha with both doctrine AIs firing on suspected positions (`fire_on_suspected`), tracked as a UI game is:
    each side's log shows the enemy's missions without the mark's turn, and its own with it."""
    scen = shusha_scenario()
    players = [make_agent("doctrine", {**scen.sides[s].agent_params, "fire_on_suspected": True}) for s in SIDES]
    streams = seed_streams(seed)
    state = new_game(scen, seed, streams=streams, track_sightings=True)
    run_agents(state, players, streams[2:4])
    read = {0: 0, 1: 0}
    for side in (0, 1):
        for k, e in visible_log(state, side):
            if e.kind != "SuspectedFire":
                continue
            own = e.side == SIDES[side]
            read[side] += not own
            assert (e.mark_turn is not None) is own, (seed, side, k)
            assert e.mark_turn == state.log[k].mark_turn if own else "last seen" not in e.text()
    assert read[1] > 0  # (the defender read the attacker's missions: the test saw what it checks)
