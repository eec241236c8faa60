"""Session 29, fog of war: a side knows the result of its own fire (`view._dealt_by`), and the memo of the losses a
side saw (`view._destroyed_seen`) lives and dies with its game.

Test map (the tiny scenario, row 6 edited as in tests/test_ambush23.py): (4,6) and (5,6) ravine, the party
`arm_amb` at (5,6) with `ambush_withdraw`; the tank, cut to 1 step, drives west along row 6 into it. Destroyed,
the tank leaves the party, which slipped away to (4,6), no eye on (6,6).
"""

from __future__ import annotations

import gc
import weakref

import attrs
from conftest import goto, tiny_dict, unit_spec

from engine import combat, rules, view
from engine.orders import Move
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict
from engine.view import seen_by, visible_log
from engine.visibility import visible_hexes

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
