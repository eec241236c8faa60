"""The turn's weather report says what the ground does to move costs (proposed with events.py / rules.py)."""

from __future__ import annotations

from conftest import events_of, set_weather, tiny_game, variant

from engine.events import MoveCostFactor, event_from_dict, event_to_dict, event_to_json


def test_a_wet_turn_reports_its_factors_with_their_sources_and_a_dry_one_nothing() -> None:
    def edit(doc: dict) -> None:
        doc["weather_movement"] = {"snow": {"tracked": {"off_road": 2, "road": 1.5}}, "rain": {"foot": 1.5}}
        set_weather(doc, 1, 3000, 20, precip="snow")
    s = tiny_game(scen=variant(edit))
    (w,) = events_of(s.log, "WeatherReport")
    assert w.move_factors == (MoveCostFactor("tracked", "off road", 2.0, "weather_movement.snow.tracked.off_road"),
                              MoveCostFactor("tracked", "on roads", 1.5, "weather_movement.snow.tracked.road"))
    assert w.text().endswith("; snow: tracked move costs ×2 off road, ×1.5 on roads")
    assert event_from_dict(event_to_dict(w)) == w
    dry = events_of(tiny_game().log, "WeatherReport")[0]
    assert "move_factors" not in event_to_json(dry) and "movement" not in event_to_json(dry)
    assert event_from_dict(event_to_dict(dry)) == dry
