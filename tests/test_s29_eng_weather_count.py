"""`drone_sorties_grounded` counts armed drones x turns grounded: however often a turn's weather is set (sandbox
edits) and whatever it was before, each turn counts the drones its last weather grounded, once. Checked against
the log: the `AirStatus` lines that follow each turn's last `WeatherReport`."""

from __future__ import annotations

from conftest import tiny_game
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.orders import EndPhase, SandboxWeather
from engine.rules import apply

ARMED = ("strike", "loiter")
PRESETS = ("clear", "overcast", "fog", "historical")


def _grounded_by_last_weather(state) -> dict[str, int]:
    """Per side, armed drones x turns grounded, from the log: a turn's last weather report and the air status
    lines after it."""
    out = {"attacker": 0, "defender": 0}
    last: dict[int, int] = {}
    for k, ev in enumerate(state.log):
        if ev.kind == "WeatherReport":
            last[ev.turn] = k
    for k, ev in enumerate(state.log):
        if (ev.kind == "AirStatus" and ev.grounded and k > last[ev.turn]
                and state.scenario.unit_table[ev.unit_type].air_role in ARMED):
            out[ev.side] += 1
    return out


def _end_turn(state) -> None:
    turn = state.turn
    while state.turn == turn and state.outcome is None:
        apply(state, EndPhase(state.side_name))


@settings(max_examples=30, deadline=None)
@given(edits=st.lists(st.lists(st.sampled_from(PRESETS), max_size=4), min_size=1, max_size=4))
def test_each_turn_counts_the_drones_its_last_weather_grounded_once(edits):
    state = tiny_game(1, sandbox=True)
    for turn_edits in edits:
        for preset in turn_edits:
            apply(state, SandboxWeather(preset))
        assert state.score.drone_sorties_grounded == _grounded_by_last_weather(state)
        _end_turn(state)
    assert state.score.drone_sorties_grounded == _grounded_by_last_weather(state)


def test_a_turn_that_starts_grounded_and_clears_counts_nothing():
    """A turn that opens grounded (last turn's sandbox fog does not carry over: this turn's own weather counts)."""
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    armed = [u for u in state.air_units() if u.active and state.utype(u).air_role in ARMED]
    assert armed and state.score.drone_sorties_grounded["attacker"] == len(armed)
    _end_turn(state)
    now = state.score.drone_sorties_grounded["attacker"]
    assert now == len(armed) + sum(state.grounded[u.id] is not None for u in armed)
    apply(state, SandboxWeather("fog"))
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == len(armed)
