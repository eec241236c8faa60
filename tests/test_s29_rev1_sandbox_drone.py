"""A drone a sandbox edit places mid-turn (before its arrival turn) is judged by the turn's weather at once: it
does not fly in thick fog until the next weather report, and grounded, it counts in `drone_sorties_grounded`."""

from __future__ import annotations

from conftest import goto, tiny_dict, unit_spec

from engine.orders import Recon, SandboxPlace, SandboxWeather
from engine.rules import apply, check, new_game
from engine.scenario import scenario_from_dict


def _game(uid: str):
    doc = tiny_dict()
    unit_spec(doc, uid)["arrives_turn"] = 3
    state = new_game(scenario_from_dict(doc, source="s29 rev1"), 1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    return state


def test_a_recon_drone_placed_in_thick_fog_is_grounded():
    state = _game("az_orlan")
    apply(state, SandboxPlace("az_orlan", (9, 7)))
    assert state.grounded["az_orlan"]
    goto(state, "attacker", "air")
    assert "grounded" in check(state, Recon("az_orlan", (5, 5)))


def test_an_armed_drone_placed_in_thick_fog_counts_once_and_clearing_uncounts_it():
    state = _game("az_tb2")
    before = state.score.drone_sorties_grounded["attacker"]
    apply(state, SandboxPlace("az_tb2", (9, 7)))
    assert state.score.drone_sorties_grounded["attacker"] == before + 1
    apply(state, SandboxPlace("az_tb2", (9, 6)))  # (placed again: judged already, not counted again)
    assert state.score.drone_sorties_grounded["attacker"] == before + 1
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == before
