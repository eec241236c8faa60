"""`combat.assault_outcomes` (the assault preview's "what can happen") agrees with the resolution itself:
the same assault resolved many times with fresh random streams gives each result as often as it says."""

from __future__ import annotations

import numpy as np
from conftest import shusha_scenario

from engine import combat
from engine.ai.base import make_agent
from engine.game import agent_step
from engine.orders import Assault
from engine.rules import apply, legal_orders, new_game, seed_streams
from engine.units import SIDES


def _assaults(wanted: int) -> list[tuple[object, Assault]]:
    """(state, order): legal assaults met in doctrine games of Shusha, each with the state it is given in."""
    found: list[tuple[object, Assault]] = []
    for seed in range(1, 10):
        state = new_game(shusha_scenario(), seed)
        agents = [make_agent("doctrine", {}) for _ in SIDES]
        rngs = seed_streams(seed)[2:4]
        seen_phase = None
        while state.outcome is None and len(found) < wanted:
            key = (state.turn, state.side, state.phase)
            if state.phase == "assault" and key != seen_phase:
                seen_phase = key
                orders = [o for o in legal_orders(state) if isinstance(o, Assault)]
                if orders:  # one per phase: several situations, not one phase's many
                    found.append((state.copy(), orders[len(orders) // 2]))
            agent_step(state, agents[state.side], rngs[state.side])
        if len(found) >= wanted:
            break
    return found


def _predicted(state, order: Assault) -> dict[str, float]:
    a = state.unit(order.unit)
    t = state.map.idx(order.target)
    a_odds, d_odds = combat.assault_odds(state, a, t)
    return combat.assault_outcomes(a_odds, d_odds, a.strength, state.unit(a_odds.target).cohesion)


def test_assault_outcomes_match_the_resolution_over_many_draws() -> None:
    cases = _assaults(6)
    assert len(cases) == 6
    n = 400
    for state, order in cases:
        want = _predicted(state, order)
        assert abs(sum(want.values()) - 1) < 1e-9
        counts = dict.fromkeys(combat.ASSAULT_RESULTS, 0)
        for k in range(n):
            trial = state.copy()
            trial.rng = np.random.default_rng([k, 99])
            ev = next(e for e in apply(trial, order) if e.kind == "AssaultResolved")
            counts[next(r for r in combat.ASSAULT_RESULTS if ev.result.startswith(r))] += 1
        for r, p in want.items():  # within 4.5 standard errors (and exact for impossible results)
            tol = 4.5 * max(np.sqrt(p * (1 - p) / n), 1e-12)
            assert abs(counts[r] / n - p) <= tol + 1e-9, (order, r, counts, want)


def test_a_broken_defender_always_falls_back_unless_the_attacker_dies() -> None:
    state, order = _assaults(1)[0]
    a = state.unit(order.unit)
    a_odds, d_odds = combat.assault_odds(state, a, state.map.idx(order.target))
    out = combat.assault_outcomes(a_odds, d_odds, a.strength, 0)
    assert out["assault repulsed"] == 0.0
    assert abs(out["defenders retreat"] + out["defenders destroyed"] + out["assaulting unit destroyed"] - 1) < 1e-9


def test_an_assault_up_a_cliff_wins_the_hex_but_cannot_advance_into_it(screen) -> None:
    from conftest import goto, move_unit, variant

    from engine import rules
    from ui.app import App

    def edit(d):
        move_unit(d, "az_mech", (4, 2))  # below the plateau's cliff (the SW side of (4,1))
        move_unit(d, "arm_inf_1", (4, 1))

    scen = variant(edit)
    state = new_game(scen, 1)
    gm = state.map
    mech = state.unit("az_mech")
    why = rules.advance_blocked(state, mech, gm.idx((4, 1)))
    assert why is not None and "cannot climb the cliff" in why
    assert rules.advance_blocked(state, mech, gm.idx((5, 2))) is None  # open ground beside it
    state = goto(state, "attacker", "assault")
    app = App(state, {0}, size=(1280, 800))
    app.show_lesson = False
    app.preview(Assault("az_mech", (4, 1)))
    text = "\n".join(app.pending[1])
    assert "the enemy falls back (you stay: " in text and "cannot climb the cliff into it" in text
    assert rules.check(state, Assault("az_mech", (4, 1))) is None
    results = set()
    for k in range(60):  # whatever the result, the mech never ends on the plateau
        trial = state.copy()
        trial.rng = np.random.default_rng([k, 7])
        ev = next(e for e in apply(trial, Assault("az_mech", (4, 1))) if e.kind == "AssaultResolved")
        results.add(ev.result.split(";")[0])
        assert trial.unit("az_mech").idx != gm.idx((4, 1)) and not ev.advanced
    assert "defenders retreat" in results or "defenders destroyed" in results, results
