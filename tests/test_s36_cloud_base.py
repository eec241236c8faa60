"""The sandbox's cloud base (engine 0.25.0, `SandboxCloudBase`, keys F9 / Shift+F9): no weather preset showed the
record's case of armed drones grounded while a recon drone spots. Overcast's 400 m grounds the attacker's Orbiter
(800 m) too; a cloud base between the aircraft's limits shows it."""

from __future__ import annotations

from typing import Any

import pygame
import pytest
from conftest import app_of, shusha_scenario, tiny_game
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import SaveFormatError
from engine.events import SandboxEdit, WeatherReport
from engine.orders import EndPhase, SandboxCloudBase, SandboxWeather, order_from_dict, order_to_dict
from engine.rules import IllegalOrder, apply, check, new_game
from engine.savegame import load_game, save_game
from engine.units import SIDES
from engine.weather import CLOUD_BASE_RANGE_M, cloud_base_steps


def _shusha(sandbox: bool = True) -> Any:
    return new_game(shusha_scenario(), 1, sandbox=sandbox)


def _to_next_turn(state: Any) -> None:
    turn = state.turn
    while state.turn == turn and state.outcome is None:
        apply(state, EndPhase(SIDES[state.side]))


def test_the_steps_are_the_aircrafts_limits_with_one_under_and_a_clear_sky_over() -> None:
    assert cloud_base_steps(shusha_scenario()) == (75, 150, 800, 1000, 1200, 4000)


def test_a_cloud_base_of_800_m_grounds_the_armed_drones_while_both_recon_drones_fly() -> None:
    state = _shusha()
    apply(state, SandboxWeather("overcast"))  # (400 m: only the defender's Orlan flies)
    assert sorted(u for u, why in state.grounded.items() if why) == ["az_harop", "az_orbiter", "az_tb2"]
    before = (state.weather.visibility_km, state.weather.fog, state.weather.precipitation)
    events = apply(state, SandboxCloudBase(800))
    edit = events[0]
    assert isinstance(edit, SandboxEdit) and edit.description.startswith("weather set to cloud base 800 m")
    assert state.weather.ceiling_m == 800.0
    assert (state.weather.visibility_km, state.weather.fog, state.weather.precipitation) == before
    assert sorted(u for u, why in state.grounded.items() if why) == ["az_harop", "az_tb2"]
    assert not state.grounded.get("az_orbiter") and not state.grounded.get("arm_orlan")
    report = next(e for e in events if isinstance(e, WeatherReport))
    assert report.ceiling_m == 800.0 and report.sandbox == f"cloud base 800 m, set on turn {state.turn}"


def test_a_cloud_base_holds_from_turn_to_turn_until_f5() -> None:
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxCloudBase(300))
    set_on = state.turn
    for _ in range(2):
        _to_next_turn(state)
        assert state.weather.ceiling_m == 300.0 and state.weather.turn == state.turn
        assert state.weather_held == ("cloud base 300 m", set_on)
    apply(state, SandboxWeather("historical"))
    assert state.weather_held is None and state.weather == state.weather_by_turn[state.turn - 1]


@pytest.mark.parametrize("bad", [CLOUD_BASE_RANGE_M[0] - 1, CLOUD_BASE_RANGE_M[1] + 1, 800.0, "800", True, None])
def test_a_bad_cloud_base_is_refused_and_changes_nothing(bad: Any) -> None:
    state = tiny_game(1, sandbox=True)
    before = state.fingerprint()
    with pytest.raises(IllegalOrder, match="cloud base must be a whole number of metres"):
        apply(state, SandboxCloudBase(bad))
    assert state.fingerprint() == before


def test_outside_a_sandbox_the_cloud_base_is_refused() -> None:
    state = tiny_game(1)
    assert check(state, SandboxCloudBase(800)) == "sandbox orders need a game started in sandbox mode"


@given(st.integers(CLOUD_BASE_RANGE_M[0], CLOUD_BASE_RANGE_M[1]))
@settings(max_examples=25, deadline=None)
def test_an_order_in_a_save_reads_back_as_it_was_and_a_string_is_refused(c: int) -> None:
    d = order_to_dict(SandboxCloudBase(c))
    assert order_from_dict(d) == SandboxCloudBase(c)
    with pytest.raises(SaveFormatError, match="expected an integer"):
        order_from_dict({**d, "ceiling_m": str(c)})


def test_a_save_replays_a_cloud_base(tmp_path: Any) -> None:
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxCloudBase(900))
    _to_next_turn(state)
    path = tmp_path / "cloud.json"
    save_game(state, path)
    loaded = load_game(path)
    assert loaded.fingerprint() == state.fingerprint() and loaded.weather_held == ("cloud base 900 m", 1)


# ---------------------------------------------------------------------------------------------------------------------
# On screen (dummy SDL video): F9 raises the cloud base a step, Shift+F9 lowers it.

def _key(app: Any, key: int, mod: int = 0) -> str:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    return app.status


def test_f9_steps_the_cloud_base_and_says_who_flies(screen: Any) -> None:
    app = app_of(_shusha(), (0,))
    app.sandbox_weather("overcast")
    said = _key(app, pygame.K_F9)
    assert app.state.weather.ceiling_m == 800.0
    head = said.split(" | ")[0]
    assert head.startswith("Sandbox cloud base 800 m: ")
    assert "Orbiter" in head.split("can fly")[0] and "TB2" in head.split("can fly")[1]  # (flies; grounded)
    _key(app, pygame.K_F9)
    assert app.state.weather.ceiling_m == 1000.0
    _key(app, pygame.K_F9, pygame.KMOD_SHIFT)
    _key(app, pygame.K_F9, pygame.KMOD_SHIFT)
    assert app.state.weather.ceiling_m == 150.0  # (1000 -> 800 -> 150: the steps, not the 400 it came from)
    while app.state.weather.ceiling_m > 75:
        _key(app, pygame.K_F9, pygame.KMOD_SHIFT)
    assert "below the lowest" in _key(app, pygame.K_F9, pygame.KMOD_SHIFT)
    assert app.state.weather.ceiling_m == 75.0


def test_ctrl_z_takes_a_cloud_base_back(screen: Any) -> None:
    app = app_of(_shusha(), (0,))
    was = app.state.weather
    _key(app, pygame.K_F9, pygame.KMOD_SHIFT)
    assert app.state.weather.ceiling_m < was.ceiling_m
    said = _key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert "Sandbox weather change (cloud base" in said and app.state.weather == was


def test_f9_outside_a_sandbox_says_it_needs_one(screen: Any) -> None:
    app = app_of(_shusha(sandbox=False), (0,))
    was = app.state.weather
    assert _key(app, pygame.K_F9) == "Cloud base steps need --sandbox" and app.state.weather == was
