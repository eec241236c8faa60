"""The weather limits that ground an air unit, as data (`weather.flight_limits`, `SideView.grounded_limits`):
the same causes `AirStatus` gives as text, so nobody has to parse the engine's wording."""

from __future__ import annotations

from conftest import shusha_scenario
from hypothesis import given
from hypothesis import strategies as st

from engine.rules import _weather_events, new_game
from engine.scenario import FOG_LEVELS
from engine.units import DEFAULT_UNIT_TYPES
from engine.view import observe
from engine.weather import WeatherTurn, flight_check, flight_limits

AIR = sorted(k for k, t in DEFAULT_UNIT_TYPES.items() if t.domain == "air")


@given(st.sampled_from(AIR), st.floats(0, 5000), st.floats(0, 40), st.sampled_from(FOG_LEVELS))
def test_limits_are_the_text_of_flight_check(kind, ceiling, vis, fog):
    ut = DEFAULT_UNIT_TYPES[kind]
    w = WeatherTurn(1, round(ceiling), round(vis, 1), fog, "none")
    limits = flight_limits(ut, w)
    assert flight_check(ut, w) == ("; ".join(x.text() for x in limits) or None)
    assert [x.kind for x in limits] == sorted((x.kind for x in limits), key=["fog", "ceiling", "visibility"].index)
    for x in limits:
        assert (x.needed == "") == (x.kind == "fog")
        assert x.condition in flight_check(ut, w)


def test_view_reports_each_grounded_drone_s_limits():
    state = new_game(shusha_scenario(), 1)
    turn_low_cloud = next(t for t in state.weather_by_turn if t.ceiling_m < 1000)
    state.weather_override = turn_low_cloud
    for u in state.air_units():  # every drone in play
        u.arrived = True
    state.touch()
    state.update_clock()  # (what a change of weather does: `state.weather` follows the override)
    _weather_events(state)  # the turn-start step that grounds the drones
    seen_any = False
    for side in (0, 1):
        v = observe(state, side)
        grounded = {k for k, r in v.grounded.items() if r is not None}
        assert set(v.grounded_limits) == grounded
        for uid, limits in v.grounded_limits.items():
            assert limits and "; ".join(x.text() for x in limits) == v.grounded[uid]
            seen_any = True
    assert seen_any, "the low-cloud turn grounds no drone of the scenario"
