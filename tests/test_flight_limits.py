"""The weather limits that ground an air unit, as data (`weather.flight_limits`, `SideView.grounded_limits`):
the same causes `AirStatus` gives as text, so nobody has to parse the engine's wording."""

from __future__ import annotations

from conftest import shusha_scenario
from hypothesis import given
from hypothesis import strategies as st

from engine.rules import _weather_events, new_game
from engine.scenario import FOG_LEVELS
from engine.units import DEFAULT_UNIT_TYPES
from engine.view import grounded_limits, observe
from engine.weather import WeatherTurn, flight_check, flight_limits

AIR = sorted(k for k, t in DEFAULT_UNIT_TYPES.items() if t.domain == "air")


@given(st.sampled_from(AIR), st.floats(0, 5000), st.floats(0, 40), st.sampled_from(FOG_LEVELS))
def test_limits_are_the_text_of_flight_check(kind, ceiling, vis, fog):
    ut = DEFAULT_UNIT_TYPES[kind]
    w = WeatherTurn(1, round(ceiling), round(vis, 1), fog, "none")
    limits = flight_limits(ut, w)
    # each limit from the type's own minimums, found independently of the code under test
    fog_grounds = ut.grounded_by_fog != "none" and FOG_LEVELS.index(fog) >= FOG_LEVELS.index(ut.grounded_by_fog)
    expected = ((["fog"] if fog_grounds else []) + (["ceiling"] if w.ceiling_m < ut.min_ceiling_m else [])
                + (["visibility"] if w.visibility_km < ut.min_visibility_km else []))
    assert [x.kind for x in limits] == expected
    assert flight_check(ut, w) == ("; ".join(x.text() for x in limits) or None)
    for x in limits:
        if x.kind == "fog":
            assert (x.condition, x.needed, x.value, x.minimum) == (f"{fog} fog", "", None, None)
        elif x.kind == "ceiling":
            assert (x.value, x.minimum) == (w.ceiling_m, ut.min_ceiling_m) and x.value < x.minimum
            assert x.condition == f"cloud base {w.ceiling_m:.0f} m"
        else:
            assert (x.value, x.minimum) == (w.visibility_km, ut.min_visibility_km) and x.value < x.minimum


@given(st.sampled_from(AIR))
def test_a_ceiling_or_visibility_at_the_minimum_flies(kind):
    ut = DEFAULT_UNIT_TYPES[kind]
    w = WeatherTurn(1, ut.min_ceiling_m, ut.min_visibility_km, "none", "none")
    assert flight_limits(ut, w) == () and flight_check(ut, w) is None
    low = WeatherTurn(1, ut.min_ceiling_m - 1, ut.min_visibility_km, "none", "none")
    assert ut.min_ceiling_m <= 0 or [x.kind for x in flight_limits(ut, low)] == ["ceiling"]


def test_view_reports_each_grounded_drone_s_limits():
    state = new_game(shusha_scenario(), 1)
    turn_low_cloud = WeatherTurn(1, 400, 5, "none", "rain")  # low cloud, no fog (the "overcast" preset)
    state.weather_override = turn_low_cloud
    for u in state.air_units():  # every drone in play
        u.arrived = True
    state.touch()
    state.update_clock()  # (what a change of weather does: `state.weather` follows the override)
    _weather_events(state)  # the turn-start step that grounds the drones
    table = state.scenario.unit_table
    both = grounded_limits(state)
    for side in (0, 1):
        v = observe(state, side)
        assert set(v.grounded_limits) == {k for k, r in v.grounded.items() if r is not None}
        assert v.grounded_limits == {k: x for k, x in both.items() if state.unit(k).side == side}
    # by the scenario's own numbers: a type is grounded exactly when the cloud is below its minimum (no fog)
    expected = sorted(u.id for u in state.air_units() if turn_low_cloud.ceiling_m < table[u.type].min_ceiling_m
                      or turn_low_cloud.visibility_km < table[u.type].min_visibility_km)
    assert expected and sorted(both) == expected
    for uid, limits in both.items():
        assert "; ".join(x.text() for x in limits) == state.grounded[uid]  # the AirStatus reason, the same causes
