"""Sandbox edits follow the scenario's standing rules: a placement keeps to the stack limit (it once stacked any
number of units on a hex), and a weather change tells the log what the new weather does, as a new turn does."""

from __future__ import annotations

import pytest
from conftest import tiny_game, variant
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.events import AirStatus, SandboxEdit, WeatherReport
from engine.orders import SandboxPlace, SandboxWeather
from engine.rules import IllegalOrder, apply, check

ATTACKER = 0


def _ground(state, side):
    return [u for u in state.units if u.side == side and not u.offmap and state.utype(u).domain == "ground"]


def _free_hex(state, units):
    """A hex every one of `units` may stand on, with no unit in it."""
    mobs = {state.utype(u).mobility for u in units}
    return next(i for i in range(state.map.n) if all(state.map.enterable[m][i] for m in mobs)
                and not state.units_at(i, 0) and not state.units_at(i, 1))


@settings(max_examples=25, deadline=None)
@given(limit=st.integers(1, 2), seed=st.integers(1, 30))  # (the attacker has 3 ground units)
def test_a_placement_onto_a_full_hex_is_refused_and_changes_nothing(limit, seed):
    scen = variant(lambda d: d.__setitem__("stack_limit", limit))
    state = tiny_game(seed, scen, sandbox=True)
    own = _ground(state, ATTACKER)
    assert len(own) > limit
    t = _free_hex(state, own[:limit + 1])
    ref = state.map.hex_of(t)
    for u in own[:limit]:
        apply(state, SandboxPlace(u.id, ref))
    assert len(state.units_at(t, ATTACKER)) == limit
    extra = own[limit]
    why = check(state, SandboxPlace(extra.id, ref))
    assert why is not None
    assert f"{state.map.describe(t)} is full (stack limit {limit})" in why  # (Move's words)
    before, log = state.fingerprint(), len(state.log)
    with pytest.raises(IllegalOrder):
        apply(state, SandboxPlace(extra.id, ref))
    assert state.fingerprint() == before and len(state.log) == log
    # a unit already in the full hex may be placed where it stands (it does not count against itself)
    assert check(state, SandboxPlace(own[0].id, ref)) is None


def test_the_stack_refusal_does_not_depend_on_enemy_units():
    """It counts the placing side's own units only: it tells the player nothing it does not know."""
    scen = variant(lambda d: d.__setitem__("stack_limit", 1))
    state = tiny_game(1, scen, sandbox=True)
    a, b = _ground(state, ATTACKER)[:2]
    t = _free_hex(state, [a, b])
    apply(state, SandboxPlace(a.id, state.map.hex_of(t)))
    why = check(state, SandboxPlace(b.id, state.map.hex_of(t)))
    assert why is not None and "enemy" not in why


def _rain_slows_foot():
    return variant(lambda d: d.__setitem__("weather_movement", {"rain": {"foot": 1.5}}))


def _since(state, n):
    return [e for e in state.log[n:]]


def test_a_weather_change_logs_what_the_new_weather_does_to_movement_and_flying():
    state = tiny_game(1, _rain_slows_foot(), sandbox=True)
    n = len(state.log)
    apply(state, SandboxWeather("overcast"))  # (rain)
    new = _since(state, n)
    assert [e.kind for e in new][:2] == ["SandboxEdit", "WeatherReport"]
    w = new[1]
    assert (w.precipitation, w.ceiling_m) == ("rain", 400.0)
    assert w.move_factors and "foot" in w.movement  # (the same account a new turn's report gives)
    assert {e.unit for e in new if isinstance(e, AirStatus)} == {u.id for u in state.air_units() if u.active}
    n = len(state.log)
    apply(state, SandboxWeather("clear"))
    w = next(e for e in _since(state, n) if isinstance(e, WeatherReport))
    assert w.precipitation == "none" and w.move_factors == () and w.movement == ""


def test_a_weather_change_does_not_count_a_turn_s_grounded_drones_twice():
    """`drone_sorties_grounded` counts drones × turns grounded: the weather the turn ends up with counts once."""
    state = tiny_game(1, sandbox=True)
    armed = [u for u in state.air_units() if u.active and state.utype(u).air_role in ("strike", "loiter")]
    assert armed and state.score.drone_sorties_grounded["attacker"] == 0  # (the tiny turn 1 is flying weather)
    apply(state, SandboxWeather("fog"))
    assert all(state.grounded[u.id] for u in armed)
    assert state.score.drone_sorties_grounded["attacker"] == len(armed)
    apply(state, SandboxWeather("overcast"))  # (400 m ceiling: grounds the TB2 as well)
    grounded = sum(state.grounded[u.id] is not None for u in armed)
    assert state.score.drone_sorties_grounded["attacker"] == grounded
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == 0


def test_setting_the_weather_it_already_is_logs_the_edit_only():
    state = tiny_game(1, _rain_slows_foot(), sandbox=True)
    apply(state, SandboxWeather("fog"))
    n, grounded, score = len(state.log), dict(state.grounded), repr(state.score)
    apply(state, SandboxWeather("fog"))
    new = _since(state, n)
    assert [type(e) for e in new] == [SandboxEdit]
    assert "unchanged" in new[0].description
    assert (state.grounded, repr(state.score)) == (grounded, score)
    apply(state, SandboxWeather("historical"))  # (back to the turn's scheduled weather: a change, reported)
    assert any(isinstance(e, WeatherReport) for e in _since(state, n + 1))
