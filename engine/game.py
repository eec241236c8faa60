"""Drive a whole game with agents: the loop shared by `wargame run`, the batch runner and tests."""

from __future__ import annotations

import gc
from typing import Any

from engine.ai.base import Agent, make_agent
from engine.errors import IllegalOrder
from engine.events import Event
from engine.orders import END_PHASE
from engine.rules import apply, seed_streams
from engine.rules import new_game as _new_game
from engine.scenario import Scenario
from engine.state import GameState
from engine.units import SIDES
from engine.view import SideView

MAX_ORDERS_PER_PHASE = 400
_SETTLED = False


YOUNG_GC_THRESHOLD = 20_000
"""Allocations between young-generation collections in a settled worker (Python's default is 700)."""


def settle_long_lived_objects() -> None:
    """Once per process: collect garbage, then hide everything still alive from the cyclic garbage collector
    (`gc.freeze`). Batch workers call it after their first game. By then the imported modules (numba's alone
    are some 80 000 objects) and the map's static caches exist and live as long as the process; without
    this, every full collection walks them all again (about 4% of a Shusha game's time).

    It also collects the young generation less often: a game's short-lived objects are freed by reference
    counting, and the log's events, which outlive a game's orders, are then not walked again and again
    (about 1% of a Shusha game's instructions; a few MB more at most)."""
    global _SETTLED
    if not _SETTLED:
        _SETTLED = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def play_game(
    scen: Scenario,
    seed: int,
    agents: dict[str, str] | None = None,
    weather_mode: str | None = None,
    agent_params: dict[str, dict[str, Any]] | None = None,
) -> GameState:
    """Play a full game AI vs AI and return the final state (its `log` and `score` hold the results).

    Each agent draws from its own stream spawned from the game seed, so the same scenario + seed + agents
    give a bit-identical event log.
    """
    names = {s: (agents or {}).get(s) or scen.sides[s].agent for s in SIDES}
    params = {s: {**scen.sides[s].agent_params, **((agent_params or {}).get(s) or {})} for s in SIDES}
    players: list[Agent] = [make_agent(names[s], params[s]) for s in SIDES]
    streams = seed_streams(seed)
    rngs = streams[2:4]
    state = _new_game(scen, seed, weather_mode, agents=names, streams=streams)
    run_agents(state, players, rngs)
    return state


def agent_step(state: GameState, agent: Agent, rng: Any) -> list[Event]:
    """One order from `agent` for the side to move, applied. An agent that answers with an illegal order, or
    that has given MAX_ORDERS_PER_PHASE orders in this phase, ends the phase instead: no agent can stall a
    game. The UI drives AI players one step per frame with this."""
    side = state.side
    if state.phase_orders >= MAX_ORDERS_PER_PHASE:
        return apply(state, END_PHASE[SIDES[side]])
    order = agent.choose(SideView(state, side), rng)  # (`observe`)
    try:
        return apply(state, order)
    except IllegalOrder:
        return apply(state, END_PHASE[SIDES[side]])


def run_agents(state: GameState, players: list[Agent], rngs: list, until_turn: int | None = None) -> None:
    """Let agents play from the current state until the game ends (or `until_turn` is reached)."""
    while state.outcome is None and (until_turn is None or state.turn < until_turn):
        agent_step(state, players[state.side], rngs[state.side])
