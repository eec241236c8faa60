"""A unit destroyed by the ambush it runs into as it enters a hex takes nothing: the hex stays whoever's it was.

A defender playtest saw "az_sf_4 DESTROYED at (28,18) by ambush · attacker takes control of (28,18) Chanakchi": the
move took the hex before the ambush fired, and a dead unit held a village (on the road, it could have counted as
cutting it). Control now changes after the ambush, and only for a unit that survived it."""

from __future__ import annotations

from conftest import shusha_scenario

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.rules import new_game, seed_streams
from engine.units import SIDES


def _ambushed_moves(seed: int):
    """Each order of a Shusha game in which a moving unit ran into an ambush: (state after, the control of the
    move's last hex before and after, the mover's side, whether it survived, the order's events)."""
    scen = shusha_scenario()
    streams = seed_streams(seed)
    state = new_game(scen, seed, streams=streams)
    players = [make_agent("doctrine", scen.sides[s].agent_params) for s in SIDES]
    while state.outcome is None:
        n = len(state.log)
        before = state.control.copy()
        agent_step(state, players[state.side], streams[2 + state.side])
        events = state.log[n:]
        moves = [ev for ev in events if ev.kind == "UnitMoved"]
        if not moves or not any(ev.kind == "AmbushSprung" and ev.target == moves[0].unit for ev in events):
            continue
        mover = state.unit(moves[0].unit)
        end = state.map.idx(moves[0].path[-1])
        yield state, before[end], state.control[end], SIDES.index(moves[0].side), mover.strength > 0, events, end


def test_a_unit_destroyed_entering_a_hex_does_not_take_it_and_a_survivor_does():
    dead = taken = 0
    for seed in (1, 2, 3):
        for state, before, after, side, alive, events, end in _ambushed_moves(seed):
            changed = [ev for ev in events if ev.kind == "ControlChanged" and state.map.idx(ev.hex) == end]
            if not alive:
                dead += before != side
                assert after == before, (seed, state.turn)
                assert not changed, (seed, state.turn)
            elif before != side:
                taken += 1
                assert after == side, (seed, state.turn)
                # (said after the ambush that stopped it: the hex was taken once it had survived it)
                if changed:
                    kinds = [ev.kind for ev in events]
                    assert kinds.index("AmbushSprung") < events.index(changed[0])
    assert dead > 0 and taken > 0  # (both cases met: else the test tests nothing)
