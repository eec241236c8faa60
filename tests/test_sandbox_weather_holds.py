"""A sandbox weather setting holds from turn to turn until the sandbox changes it (engine 0.24.0): a teacher showing
low cloud over several turns had to set it again every turn, and the class saw the drones fly again meanwhile."""

from __future__ import annotations

from conftest import tiny_game

from engine.events import SandboxEdit, WeatherReport, event_from_dict, event_to_dict
from engine.orders import EndPhase, SandboxWeather
from engine.rules import apply
from engine.savegame import load_game, save_game
from engine.units import SIDES


def _to_next_turn(state):
    turn = state.turn
    while state.turn == turn and state.outcome is None:
        apply(state, EndPhase(SIDES[state.side]))


def _reports(state, turn):
    return [e for e in state.log if isinstance(e, WeatherReport) and e.turn == turn]


def _armed(state):
    return [u for u in state.air_units() if u.active and state.utype(u).air_role in ("strike", "loiter")]


def test_fog_set_on_turn_one_still_grounds_the_drones_two_turns_later():
    state = tiny_game(1, sandbox=True)
    scheduled = state.weather
    assert scheduled.fog == "none"  # (the tiny scenario's turns fly: the fog is the sandbox's alone)
    edit = apply(state, SandboxWeather("fog"))[0]
    assert isinstance(edit, SandboxEdit) and "holds until the sandbox changes it" in edit.description
    for turn in (2, 3):
        _to_next_turn(state)
        assert state.turn == turn and state.weather.fog != "none" and state.weather.turn == turn
        report = _reports(state, turn)[-1]
        assert report.sandbox == "fog, set on turn 1" and "[sandbox weather: fog, set on turn 1]" in report.text()
        assert all(state.grounded[u.id] for u in _armed(state))


def test_historical_returns_to_the_scenarios_weather_turn_by_turn():
    state = tiny_game(1, sandbox=True)
    plain = tiny_game(1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    _to_next_turn(state)
    edit = apply(state, SandboxWeather("historical"))[0]
    assert "the scenario's" in edit.description
    _to_next_turn(state)
    _to_next_turn(plain)
    _to_next_turn(plain)
    assert state.weather == plain.weather and state.weather_held is None
    assert _reports(state, 3)[-1].sandbox == ""


def test_a_setting_changed_mid_game_is_dated_from_its_own_turn():
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    _to_next_turn(state)
    apply(state, SandboxWeather("fog"))  # (again: the setting stands, from turn 1)
    assert state.weather_held == ("fog", 1)
    apply(state, SandboxWeather("overcast"))
    assert state.weather_held == ("overcast", 2)
    _to_next_turn(state)
    assert _reports(state, 3)[-1].sandbox == "overcast, set on turn 2"


def test_the_scenarios_weather_reports_carry_no_sandbox_key():
    state = tiny_game(1, sandbox=True)
    _to_next_turn(state)
    for e in _reports(state, 2):
        assert "sandbox" not in event_to_dict(e)
    apply(state, SandboxWeather("clear"))
    held = _reports(state, 2)[-1]
    assert event_from_dict(event_to_dict(held)) == held and event_to_dict(held)["sandbox"]


def test_a_save_replays_a_held_setting(tmp_path):
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxWeather("overcast"))
    _to_next_turn(state)
    _to_next_turn(state)
    path = tmp_path / "held.json"
    save_game(state, path)
    loaded = load_game(path)
    assert loaded.fingerprint() == state.fingerprint() and loaded.weather_held == ("overcast", 1)


# ---------------------------------------------------------------------------------------------------------------------
# On screen (dummy SDL video): the SANDBOX tag names a held setting, since the weather on screen is not history's.

def test_the_sandbox_tag_names_the_held_weather_and_how_to_end_it(screen) -> None:
    from conftest import app_of

    from ui import sandbox

    state = tiny_game(1, sandbox=True)
    app = app_of(state, (0,))
    assert sandbox.tag_lines(app) == [sandbox.TAG, sandbox.TAG_HINT]
    app.sandbox_weather("overcast")
    _to_next_turn(app.state)
    head, hint = sandbox.tag_lines(app)
    assert head == sandbox.TAG and "weather held: overcast, since turn 1" in hint and "F5" in hint
    app.sandbox_weather("historical")
    assert sandbox.tag_lines(app) == [sandbox.TAG, sandbox.TAG_HINT]


def test_the_panels_weather_line_says_a_held_setting_is_the_sandboxs(screen) -> None:
    from conftest import app_of

    from ui import panels

    app = app_of(tiny_game(1, sandbox=True), (0,))
    assert panels.weather_words(app.view.weather, app).startswith("Cloud base")
    app.sandbox_weather("fog")
    assert panels.weather_words(app.view.weather, app).startswith("Sandbox weather: cloud base")
    app.sandbox_weather("historical")
    assert panels.weather_words(app.view.weather, app).startswith("Cloud base")


def test_an_override_set_outside_the_sandbox_keys_still_lasts_its_turn():
    """Only a sandbox setting (`weather_held`) holds; a tool's or test's `weather_override` ends with its turn."""
    from engine.weather import WeatherTurn

    state = tiny_game(1)
    state.weather_override = WeatherTurn(state.turn, 300.0, 2.0, "thick", "none")
    state.update_clock()
    _to_next_turn(state)
    assert state.weather_override is None and state.weather.fog == "none"
