"""The doctrine defender does not hand over the objective: while the attacker holds all of it, no defender unit
within the contest radius moves out of it (a player saw two units walk away from Shusha on turn 19 of seed 7,
and the attacker won at once, "no defender within 2 hexes to contest it")."""

from __future__ import annotations

from conftest import shusha_scenario

from engine.ai.base import make_agent
from engine.errors import IllegalOrder
from engine.orders import END_PHASE, Move
from engine.rules import apply, new_game, seed_streams
from engine.units import ATTACKER, DEFENDER, SIDES
from engine.view import SideView


def test_no_defender_leaves_the_contest_radius_while_the_attacker_holds_the_whole_objective():
    scen = shusha_scenario()
    radius = scen.victory.contest_radius
    situations = 0  # defender movement phases with the whole objective lost and a unit still within the radius
    for seed in (5, 19, 20, 28):  # (engine 0.11.0: games in which it happens)
        streams = seed_streams(seed)
        state = new_game(scen, seed, streams=streams)
        agents, rngs = [make_agent("doctrine"), make_agent("doctrine")], streams[2:4]
        to_obj = state.map.objective_distance
        while state.outcome is None:
            side = state.side
            order = agents[side].choose(SideView(state, side), rngs[side])
            all_held = all(state.control[i] == ATTACKER for i in state.map.objective_hexes)
            if side == DEFENDER and all_held and state.phase == "movement":
                situations += any(to_obj[u.idx] <= radius for u in state.ground_units(DEFENDER))
                if isinstance(order, Move) and to_obj[state.unit(order.unit).idx] <= radius:
                    assert to_obj[state.map.idx(order.to)] <= radius, (seed, state.turn, order)
            try:
                apply(state, order)
            except IllegalOrder:
                apply(state, END_PHASE[SIDES[side]])
    assert situations  # the rule was put to the test
