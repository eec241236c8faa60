"""Rules' words a player reads, from a player's review (session 20)."""

from __future__ import annotations

from pathlib import Path

from conftest import goto

from engine.orders import Strike
from engine.rules import check, new_game
from engine.scenario import load_scenario

LESSONS = Path(__file__).resolve().parents[1] / "scenarios" / "lessons"


def test_a_loitering_drone_with_no_munitions_left_is_not_called_destroyed():
    state = goto(new_game(load_scenario(LESSONS / "drones.json"), 1), "attacker", "air")
    harop, tank = state.unit("red_harop"), next(u for u in state.units if u.side == 1)
    assert state.utype(harop).expendable
    harop.strength = 0
    why = check(state, Strike("red_harop", state.map.hex_of(tank.idx)))
    assert why == "red_harop has no munitions left (spent, or shot down)"
    other = next(u for u in state.units if u.side == 0 and not state.utype(u).expendable)
    other.strength = 0
    assert check(state, Strike(other.id, state.map.hex_of(tank.idx))) == f"{other.id} has been destroyed"
