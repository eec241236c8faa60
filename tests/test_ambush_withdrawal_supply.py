"""An ambush party breaking contact (`ambush_withdraw`) slips into a hex its porters can reach if it has one.

A defender playtest saw `arm_inf_11`, in supply at (28,19), withdraw by itself into (27,19), beyond its side's supply
range whatever the enemy does: its next ambush fought "out of supply -1", and a unit cut off does not recover. The
player never chose the move. A hex within reach (as the map has it, no enemy counted) now comes first."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shusha_scenario

from engine import rules
from engine.game import play_game
from engine.supply import reach_without_enemies


def test_a_withdrawal_keeps_to_supply_reach_when_it_can(monkeypatch):
    """Every withdrawal of three Shusha games: of the hexes it could take, one within reach whenever there was one."""
    calls: dict[tuple[str, int], tuple[list[int], np.ndarray]] = {}
    real = rules._withdrawal_hexes

    def recording(state, e):
        got = real(state, e)
        calls[(e.id, state.turn)] = (got, reach_without_enemies(state, e.side)[1])  # (a party fires once a turn)
        return got

    monkeypatch.setattr(rules, "_withdrawal_hexes", recording)
    scen = shusha_scenario()
    kept = 0
    for seed in (1, 2, 4):
        calls.clear()
        state = play_game(scen, seed)
        for ev in state.log:
            if ev.kind != "UnitMoved" or not ev.why.startswith("breaks contact"):
                continue
            hexes, reach = calls[(ev.unit, ev.turn)]
            to = state.map.idx(ev.path[-1])
            assert to in hexes
            if any(np.isfinite(reach[j]) for j in hexes):
                assert np.isfinite(reach[to]), (seed, ev.text())
                kept += not all(np.isfinite(reach[j]) for j in hexes)  # (a choice the rule made)
    assert kept > 0


@pytest.mark.parametrize("seed", [5])
def test_the_playtests_party_stays_in_supply_reach(seed):
    """Seed 5, turn 4: arm_inf_11 fires from (28,19) and breaks contact; (27,19) is beyond reach, now not chosen."""
    state = play_game(shusha_scenario(), seed)
    reach = reach_without_enemies(state, 1)[1]
    moves = [ev for ev in state.log if ev.kind == "UnitMoved" and ev.why.startswith("breaks contact")
             and ev.unit == "arm_inf_11"]
    assert moves
    for ev in moves:
        a, b = (state.map.idx(h) for h in (ev.path[0], ev.path[-1]))
        assert np.isfinite(reach[b]) or not np.isfinite(reach[a]), ev.text()
