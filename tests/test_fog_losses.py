"""Fog of war over losses: marks of units seen destroyed dropped; a side reads its own fire's results only."""

from __future__ import annotations

import functools
import gc
import weakref

import attrs
import pytest
from conftest import goto, shusha_scenario, tiny_dict, tiny_game, tiny_scenario, unit_spec

from engine import combat, rules, view
from engine.game import play_game
from engine.orders import Assault, Move, SandboxPlace
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict
from engine.units import SIDES
from engine.view import observe, seen_by, visible_log
from engine.visibility import visible_hexes

# ---------------------------------------------------------------------------------------------------------------------
# A side's last-seen marks (`SideView.last_seen`) drop an enemy unit once it is destroyed: only a loss the side
# saw may do that, or the vanished mark tells it of a death it could not know of. Every cause of loss the rules
# have is checked here: each is dealt by the other side, which sees the unit's `UnitDestroyed`; a loss it did not
# see (none of the rules deals one today) keeps the mark.

@functools.lru_cache(maxsize=8)
def _tracked(name, seed):
    """A whole AI game, replayed with sightings tracked (as every UI game is)."""
    scen = {"tiny": tiny_scenario, "shusha": shusha_scenario}[name]()
    final = play_game(scen, seed)
    state = new_game(scen, seed, agents=final.agents, track_sightings=True)
    for o in final.orders:
        apply(state, o)
    assert state.fingerprint()[0] == final.fingerprint()[0]  # (the same game: tracking changes no rule's result)
    return state


# (cause, a game where it happens: see the comment of each)
CAUSES = [("ambush", "shusha", 0), ("artillery", "tiny", 1), ("assault", "tiny", 0), ("drone", "tiny", 3),
          ("retreat", "tiny", 2), ("air defence", "tiny", 28)]


def _read_of(state, side, k, uid):
    """`side`'s own log (`visible_log`, what its player reads) tells it that `uid` died, at entry `k` or in the
    events logged with it: the `UnitDestroyed`, or a fire result leaving it no step, or the assault it died in."""
    batch = [ev for j, ev in visible_log(state, side, max(0, k - 12)) if j <= k]
    for ev in reversed(batch):
        if ev.kind == "UnitDestroyed" and ev.unit == uid:
            return True
        if any(fr.target == uid and fr.strength_after <= 0 for fr in ev.fire_results()):
            return True
        if ev.kind == "AssaultResolved" and (ev.attacker == uid or uid in ev.defenders):
            return True  # (its result: destroyed, or routed out with its last step, or surrendered)
    return False


@pytest.mark.parametrize(("cause", "name", "seed"), CAUSES)
def test_every_loss_of_a_cause_is_seen_by_the_side_that_dealt_it(cause, name, seed):
    state = _tracked(name, seed)
    losses = [(k, ev) for k, ev in enumerate(state.log) if ev.kind == "UnitDestroyed" and ev.cause == cause]
    assert losses
    for k, ev in losses:
        other = 1 - SIDES.index(ev.side)
        assert _read_of(state, other, k, ev.unit), f"{ev.unit} ({cause}) died unseen by the {SIDES[other]}"
        assert ev.unit not in {m.id for m in observe(state, other).last_seen}
        if state.utype(state.unit(ev.unit)).domain == "air":  # (a drone is never marked: only ground units are)
            assert ev.unit not in state.last_seen[other]


@pytest.mark.parametrize(("name", "seed"), sorted({(n, s) for _, n, s in CAUSES}))
def test_no_mark_of_a_destroyed_unit_is_kept_in_a_whole_game(name, seed):
    """The marks `SideView.last_seen` keeps for dead units (losses not seen): none in the games the AIs play."""
    state = _tracked(name, seed)
    for side in (0, 1):
        for m in observe(state, side).last_seen:
            assert state.unit(m.id).strength > 0


def _ground(state, side):
    return [u for u in state.units if u.side == side and not u.offmap and state.utype(u).domain == "ground"]


def test_a_surrender_is_seen_by_the_assaulting_side():
    """A broken defender with no hex to retreat to surrenders (cause "surrender"): a corner hex, its two
    neighbours held by the attacker."""
    found = 0
    for seed in range(1, 40):
        state = tiny_game(seed, sandbox=True, track_sightings=True)
        a1, a2 = _ground(state, 0)[1:3]  # (mech infantry, tank: both assault)
        d = _ground(state, 1)[0]
        apply(state, SandboxPlace(d.id, (0, 0)))
        apply(state, SandboxPlace(a1.id, (1, 0)))
        apply(state, SandboxPlace(a2.id, (0, 1)))
        d.cohesion = 0  # (broken before the assault: it retreats if it survives, and cannot)
        state.touch()
        rules._learn_control(state)  # (the attacker sees it beside it: marked)
        assert d.id in state.last_seen[0]
        while not (state.side == 0 and state.phase == "assault"):
            apply(state, rules.EndPhase(state.side_name))
        if d.strength <= 0 or state.unit(a1.id).strength <= 0:  # pragma: no cover (fire before the assault)
            continue
        apply(state, Assault(a1.id, (0, 0)))
        k = next((k for k, ev in enumerate(state.log) if ev.kind == "UnitDestroyed" and ev.unit == d.id), None)
        if k is None or state.log[k].cause != "surrender":
            continue
        assert state.sightings[k][0]
        assert d.id not in {m.id for m in observe(state, 0).last_seen}
        found += 1
    assert found


def test_a_loss_the_side_did_not_see_keeps_its_mark():
    """No rule deals one today: a unit destroyed out of the side's sight (as a blind fire or attrition would)
    stays marked where the side last saw it, with the strength it had then."""
    state = tiny_game(1, sandbox=True, track_sightings=True)
    d = _ground(state, 1)[0]
    a = _ground(state, 0)[0]
    apply(state, SandboxPlace(a.id, state.map.hex_of(state.map.nbr_list[d.idx][0])))  # beside it: seen, marked
    assert d.id in {c.id for c in observe(state, 0).contacts}
    mark = state.last_seen[0][d.id]
    apply(state, SandboxPlace(a.id, (9, 7)))  # far away again: out of sight
    assert [m.id for m in observe(state, 0).last_seen if m.id == d.id] == [d.id]
    rules._emit(state, *combat.apply_losses(state, d, d.strength, "test"))
    assert state.log[-1].kind == "UnitDestroyed" and not state.sightings[-1][0]  # (unseen by the attacker)
    kept = [m for m in observe(state, 0).last_seen if m.id == d.id]
    assert [(m.idx, m.turn, m.strength, m.left) for m in kept] == [mark]
    assert d.id not in {m.id for m in observe(state, 1).last_seen}  # (own units are never marks)


# ---------------------------------------------------------------------------------------------------------------------
# Session 29, fog of war: a side knows the result of its own fire (`view._dealt_by`), and the memo of the losses a
# side saw (`view._destroyed_seen`) lives and dies with its game.
#
# Test map (the tiny scenario, row 6 edited as in tests/test_ambush_withdrawal.py): (4,6) and (5,6) ravine, the party
# `arm_amb` at (5,6) with `ambush_withdraw`; the tank, cut to 1 step, drives west along row 6 into it. Destroyed,
# the tank leaves the party, which slipped away to (4,6), no eye on (6,6).

PARTY, TANK = "arm_amb", "az_tank"
DEFENDER = 1


def _scenario():
    doc = tiny_dict()
    doc["map"]["terrain"][6] = "ppffrrpppp"
    doc["unit_types"] = {"infantry": {"ambush_withdraw": True}}
    unit_spec(doc, TANK)["strength"] = 1
    return scenario_from_dict(doc, source="s29 ambush")


def _ambushed(seed: int, track: bool = True):
    """The tank's move into the party's zone: (state, index of the move's first event)."""
    state = new_game(_scenario(), seed, track_sightings=track)
    goto(state, "attacker", "movement")
    n = len(state.log)
    apply(state, Move(TANK, (6, 6)))
    return state, n


def _destroyed_k(state) -> int:
    (k,) = [k for k, ev in enumerate(state.log) if ev.kind == "UnitDestroyed" and ev.unit == TANK]
    return k


def test_the_ambushers_side_reads_the_destruction_it_dealt_after_slipping_away():
    state, n = _ambushed(1)
    k = _destroyed_k(state)
    party = state.unit(PARTY)
    # the case: the party fired, killed the tank and withdrew; its side no longer sees the hex the tank died on
    assert state.map.hex_of(party.idx) == (4, 6) and state.unit(TANK).strength == 0
    assert not visible_hexes(state, DEFENDER)[state.map.idx((6, 6))]
    kinds = [ev.kind for ev in state.log[n:]]
    assert kinds[:3] == ["UnitMoved", "AmbushSprung", "UnitDestroyed"]
    assert state.sightings[k] == (True, True)  # (was (True, False): the defender's log had no "destroyed" line)
    shown = [ev for j, ev in visible_log(state, DEFENDER, n) if j == k]
    assert [ev.text() for ev in shown] == ["az_tank (tank) destroyed at (6,6) by ambush"]
    # nothing else: the tank's move the defender did not see stays unseen (the ambush already named its hex)
    assert state.sightings[n] == (True, False)
    assert not [j for j, _ in visible_log(state, DEFENDER, n) if j == n]


def test_an_untracked_game_judges_it_the_same_way():
    """Without tracked sightings `visible_log` judges each event on the present (`seen_by` with its index)."""
    state, n = _ambushed(1, track=False)
    k = _destroyed_k(state)
    assert k in [j for j, _ in visible_log(state, DEFENDER, n)]
    assert seen_by(state, state.log[k], k) == seen_by(state, state.log[k]) == (True, True)


def test_a_loss_the_side_did_not_deal_stays_unseen():
    """A loss logged after the ambush but not caused by it (the party's withdrawal is the event before it): the
    defender, which no longer sees the tank, does not read it."""
    state, _ = _ambushed(3)
    tank = state.unit(TANK)
    assert tank.strength > 0 and state.log[-1].kind == "UnitMoved" and state.log[-1].unit == PARTY
    assert not visible_hexes(state, DEFENDER)[tank.idx]
    rules._emit(state, *combat.apply_losses(state, tank, tank.strength, "test"))
    assert state.log[-1].kind == "UnitDestroyed" and state.sightings[-1] == (True, False)


def test_a_loss_on_another_hex_than_the_fire_named_stays_unseen():
    """The cause names the unit and its hex: a unit that died elsewhere (after a retreat, say) is judged on sight
    alone, and its death tells the firer nothing of where it went."""
    state, _ = _ambushed(1)
    k = _destroyed_k(state)
    ev = state.log[k]
    elsewhere = attrs.evolve(ev, hex=(7, 6))
    assert not visible_hexes(state, DEFENDER)[state.map.idx((7, 6))]
    other = state.copy()
    other.log[k] = elsewhere
    assert seen_by(other, elsewhere, k) == (True, False)
    assert seen_by(other, elsewhere) == (True, False)  # (found in the log by identity)
    assert seen_by(state, ev, k) == (True, True)


# ------------------------------------------------------------------------------ the memo's lifetime
def test_the_destroyed_seen_memo_does_not_outlive_its_game():
    """The memo was on the map, which every game of the scenario shares (and `game_map` keeps): a dropped game's
    whole log stayed alive until another game was read."""
    state, _ = _ambushed(1)
    gmap = state.map  # (the map lives on, as the scenario's cached map does)
    assert view._destroyed_seen(state, DEFENDER) == frozenset({TANK})
    ref = weakref.ref(state.log[-1])
    del state
    gc.collect()
    assert ref() is None
    assert gmap is not None


def test_the_memo_reads_on_and_a_copy_starts_again():
    state, _ = _ambushed(1)
    assert view._destroyed_seen(state, DEFENDER) == frozenset({TANK})
    assert view._destroyed_seen(state, 0) == frozenset({TANK})
    copy = state.copy()
    d = next(u for u in copy.units if u.id == "arm_inf_1")
    rules._emit(copy, *combat.apply_losses(copy, d, d.strength, "test"))  # (its own side sees it; the attacker not)
    assert view._destroyed_seen(copy, DEFENDER) == frozenset({TANK, "arm_inf_1"})
    assert view._destroyed_seen(copy, 0) == frozenset({TANK}) == view._destroyed_seen(state, 0)
    assert view._destroyed_seen(state, DEFENDER) == frozenset({TANK})  # (the original's log is unchanged)
