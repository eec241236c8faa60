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


def agent_settings(scenario_agents: dict[str, str], scenario_params: dict[str, dict[str, Any]],
                   agents: dict[str, str] | None = None, agent_params: dict[str, dict[str, Any]] | None = None,
                   ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The agent of each side and its parameters in a game `play_game` plays: `agents` (else the scenario's),
    and `agent_params` over the scenario's. The scenario's parameters are its own agent's: another agent named
    in `agents` does not get them."""
    names = {s: (agents or {}).get(s) or scenario_agents[s] for s in SIDES}
    params = {s: {**(scenario_params[s] if names[s] == scenario_agents[s] else {}),
                  **((agent_params or {}).get(s) or {})} for s in SIDES}
    return names, params


def tracks_sightings(rule_on: bool, params: dict[str, dict[str, Any]]) -> bool:
    """Does a game keep last-seen marks? The doctrine's `fire_on_suspected` fires on them, and only games that
    track sightings keep them; tracking costs about a third more a game, so only when some side asks for it
    and the scenario allows the rule (`combat.suspected_fire`)."""
    return rule_on and any(p.get("fire_on_suspected") for p in params.values())


def suspected_fire_sides(rule_on: bool, names: dict[str, str],
                         params: dict[str, dict[str, Any]]) -> dict[str, bool]:
    """Per side: can its agent fire on a suspected position in a game `play_game` plays with these agents
    (`names`) and their parameters? Only when the game tracks sightings (`tracks_sightings`), and then the
    doctrine with its own `fire_on_suspected`, or an agent that picks among the legal orders (random, or a
    user's); `passive` fires nothing. The batch records it with its results (a column of zero missions does
    not tell a rule that was off from one never used)."""
    track = tracks_sightings(rule_on, params)
    return {s: track and names[s] != "passive"
            and (names[s] != "doctrine" or bool((params.get(s) or {}).get("fire_on_suspected")))
            for s in SIDES}


def game_agent_settings(scen: Scenario, agents: dict[str, str] | None = None,
                        agent_params: dict[str, dict[str, Any]] | None = None,
                        ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """`agent_settings` of a parsed scenario: the agents and parameters `play_game` plays it with."""
    return agent_settings({s: scen.sides[s].agent for s in SIDES},
                          {s: scen.sides[s].agent_params for s in SIDES}, agents, agent_params)


def play_game(
    scen: Scenario,
    seed: int,
    agents: dict[str, str] | None = None,
    weather_mode: str | None = None,
    agent_params: dict[str, dict[str, Any]] | None = None,
    strict: bool = False,
) -> GameState:
    """Play a full game AI vs AI and return the final state (its `log` and `score` hold the results).

    `agents` names them (registry names or import paths "package.module:ClassName"; default: the scenario's).
    Each agent draws from its own stream spawned from the game seed, so the same scenario + seed + agents
    give a bit-identical event log. `strict`: see `agent_step`.
    """
    names, params = game_agent_settings(scen, agents, agent_params)
    players: list[Agent] = []
    for s in SIDES:
        try:
            players.append(make_agent(names[s], params[s]))
        except ValueError as e:  # (where the name came from: `agents`, else the scenario's field)
            where = f"the {s} agent" if (agents or {}).get(s) else f"$.sides.{s}.agent"
            raise ValueError(f"{where}: {e}") from None
    streams = seed_streams(seed)
    rngs = streams[2:4]
    track = tracks_sightings(bool(scen.combat.suspected_fire), params)
    state = _new_game(scen, seed, weather_mode, agents=names, streams=streams, track_sightings=track)
    run_agents(state, players, rngs, strict=strict)
    return state


REFUSALS_KEY = "agent_refusals"
"""`state.extra` key of the orders the driver refused from the agents: {side: {"illegal": n, "order_cap": n,
"last": why}}, only for a side with some (no key at all when there were none). Kept out of the log: the log is
exactly what replaying `state.orders` through `apply` gives, and a refused order is not in `state.orders`."""


def agent_refusals(state: GameState) -> dict[str, dict[str, Any]]:
    """Per side, the orders the driver refused (`REFUSALS_KEY`); empty when every order was played."""
    got = state.extra.get(REFUSALS_KEY) if isinstance(state.extra, dict) else None
    return got if isinstance(got, dict) else {}


def _count_refusal(state: GameState, side: int, kind: str, why: str) -> None:
    counts = agent_refusals(state)  # (a damaged entry of an edited save starts again)
    mine = counts.get(SIDES[side])
    if not isinstance(mine, dict):
        mine = counts[SIDES[side]] = {"illegal": 0, "order_cap": 0, "last": ""}
    state.extra[REFUSALS_KEY] = counts
    mine[kind] = mine.get(kind, 0) + 1
    mine["last"] = f"turn {state.turn} {state.phase}: {why}"


def agent_step(state: GameState, agent: Agent, rng: Any, strict: bool = False) -> list[Event]:
    """One order from `agent` for the side to move, applied. An agent that answers with an illegal order, or
    that has given MAX_ORDERS_PER_PHASE orders in this phase, ends the phase instead: no agent can stall a
    game. Each such refusal is counted in `state.extra[REFUSALS_KEY]` (`agent_refusals`). With `strict`, the
    refusal is raised instead: the agent's `IllegalOrder` as `apply` raised it, or an `IllegalOrder` saying the
    agent hit the cap. The UI drives AI players one step per frame with this."""
    side = state.side
    if state.phase_orders >= MAX_ORDERS_PER_PHASE:
        why = (f"the {SIDES[side]} agent gave {MAX_ORDERS_PER_PHASE} orders in one {state.phase} phase "
               "(engine.game.MAX_ORDERS_PER_PHASE) without ending it")
        if strict:
            raise IllegalOrder(why)
        _count_refusal(state, side, "order_cap", why)
        return apply(state, END_PHASE[SIDES[side]])
    order = agent.choose(SideView(state, side), rng)  # (`observe`)
    try:
        return apply(state, order)
    except IllegalOrder as e:
        if strict:
            raise
        _count_refusal(state, side, "illegal", f"{order!r} refused: {e.reason}")
        return apply(state, END_PHASE[SIDES[side]])


def run_agents(state: GameState, players: list[Agent], rngs: list, until_turn: int | None = None,
               strict: bool = False) -> None:
    """Let agents play from the current state until the game ends (or `until_turn` is reached). `players` and
    `rngs` are indexed by side (0 attacker, 1 defender); a game's own agent streams are `seed_streams(seed)[2:4]`.
    `strict`: see `agent_step`."""
    while state.outcome is None and (until_turn is None or state.turn < until_turn):
        agent_step(state, players[state.side], rngs[state.side], strict)
