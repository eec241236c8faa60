"""A unit that retreats into a hex takes it, as a move, an ambush withdrawal, an assault's advance and a sandbox
placement do (engine 0.22.0): a review found 6 retreats onto hexes the enemy held in 8 Shusha games, two of them
objective hexes, left under the enemy's control with the retreating unit standing on them."""
from __future__ import annotations

import pytest
from conftest import shusha_scenario

import engine.rules as rules
from engine.game import play_game
from engine.orders import Assault


@pytest.fixture
def retreats(monkeypatch):
    """(unit, hex idx, control of the hex before the order, control after it, unit's side) of every retreat that
    left its unit standing, in the games played while the fixture is in use."""
    seen: list[tuple[str, int, int, int, int]] = []
    orig = rules._EXECUTE[Assault]

    def hooked(state, order):
        before = state.control.copy()
        n0 = len(state.log)
        orig(state, order)
        for ev in state.log[n0:]:
            if ev.kind == "UnitRetreated" and ev.hex is not None:
                u = state.unit(ev.unit)
                j = state.map.idx(ev.hex)
                if u.strength > 0 and u.idx == j:
                    seen.append((u.id, j, int(before[j]), int(state.control[j]), u.side))

    monkeypatch.setitem(rules._EXECUTE, Assault, hooked)
    return seen


def test_a_retreating_unit_takes_the_hex_it_retreats_into(retreats):
    scen = shusha_scenario()
    for seed in range(1, 9):
        play_game(scen, seed)
    assert retreats, "no retreat in 8 games: the test would prove nothing"
    assert all(after == side for _, _, _, after, side in retreats), retreats
    # the case the rule is for: a hex the enemy held before the retreat
    assert any(before == 1 - side for _, _, before, _, side in retreats), retreats
