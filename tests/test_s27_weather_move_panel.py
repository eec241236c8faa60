"""The terrain panel's move costs follow the scenario's `weather_movement` table, as the movement rules count them."""

from __future__ import annotations

from conftest import panel_lines, tiny_dict

from engine.rules import new_game
from engine.scenario import scenario_from_dict


def test_the_hovered_hexs_move_costs_are_this_turns(screen, monkeypatch) -> None:
    from ui.app import App

    d = tiny_dict()
    plain = new_game(scenario_from_dict(d), seed=1)
    d["weather_movement"] = {"none": {"foot": 2}}  # (the tiny scenario's turns are dry: a factor on dry ground)
    wet = new_game(scenario_from_dict(d), seed=1)
    texts = []
    for st in (plain, wet):
        app = App(st, {0}, size=(1280, 800))
        app.show_lesson = False
        idx = next(i for i in range(st.map.n) if st.map.terrain_at(i).move_cost.get("foot") is not None)
        app.hover = idx
        texts.append([s for s, _ in panel_lines(app, screen, monkeypatch)])
    cost = next(s for s in texts[0] if s.startswith("move cost"))
    doubled = next(s for s in texts[1] if s.startswith("move cost"))
    foot = plain.map.terrain_at(idx).move_cost["foot"]
    assert f"foot {foot:g}" in cost and f"foot {2 * foot:g}" in doubled
    assert any("foot move costs ×2" in s for s in texts[1]) and not any("move costs ×" in s for s in texts[0])
