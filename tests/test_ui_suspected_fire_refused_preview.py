"""The fire preview of a last-seen mark the engine refuses (a stale mark, older than
`combat.suspected_fire_max_age_turns`): the engine's reason under the order's name and no odds; a fresh mark keeps its
odds (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pytest
from conftest import drop_units, goto, move_unit, tiny_dict

from engine.orders import Fire
from engine.rules import new_game
from engine.scenario import scenario_from_dict
from engine.units import ATTACKER
from ui import suspected_fire

TOWN = (3, 4)


def _app(turns: int, max_age: int = 1) -> Any:
    """The attacker's battery selected in its artillery phase `turns` turns after the town's defenders were last
    seen (turn 1) and went to ground (as tests/test_suspected_fire_ui.py)."""
    from ui.app import App

    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    d["combat"] = {"suspected_fire": True, "suspected_fire_max_age_turns": max_age}
    state = goto(new_game(scenario_from_dict(d), 2, track_sightings=True), "attacker", "artillery")
    for _ in range(turns):
        state = goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    app = App(state, {ATTACKER}, size=(1280, 800))
    app.show_lesson = False
    app.select("az_art")
    return app


def _odds_words(lines: list[str]) -> list[str]:
    return [s for s in lines if "expected steps" in s or "per shot" in s or s.startswith("REVEALS")]


@pytest.mark.parametrize("turns,max_age", [(2, 1), (1, 0), (4, 2)])
def test_a_refused_mark_shows_the_reason_and_no_odds(screen, turns, max_age):
    app = _app(turns, max_age)
    town = app.state.map.idx(TOWN)
    why = app.view.check(Fire("az_art", TOWN))
    assert why and "the last-seen mark there is from T1" in why  # (the engine refuses: the mark is stale)
    app.click_hex(town)
    order, lines = app.pending
    assert order == Fire("az_art", TOWN)
    assert lines[1] == f"NOT ALLOWED: {app.names(why)}"
    assert _odds_words(lines) == [], lines  # (was "expected steps destroyed: 0.00" under NOT ALLOWED)
    assert any(s.startswith("SUSPECTED POSITION") and "on turn 1" in s for s in lines)
    assert any(s.startswith("No odds: the engine refuses") for s in lines)
    assert not any("odds below" in s for s in lines)
    assert not any("confirm" in s for s in lines)


def test_a_fresh_mark_keeps_its_odds(screen):
    app = _app(1)
    town = app.state.map.idx(TOWN)
    assert app.view.check(Fire("az_art", TOWN)) is None
    app.click_hex(town)
    _, lines = app.pending
    assert not any(s.startswith("NOT ALLOWED") or s.startswith("No odds") for s in lines)
    steps = next(s for s in lines if s.startswith("expected steps destroyed: "))
    assert steps != "expected steps destroyed: 0.00"
    assert any("the odds below are against the unit as last seen" in s for s in lines)


def test_preview_lines_refused_names_the_rules_limit(screen):
    app = _app(2)
    v = app.view
    lines = suspected_fire.preview_lines(v, app.state.map.idx(TOWN), app.names, "stale")
    assert len(lines) == 2 and "this or the last turn" in lines[1] and f"now turn {app.state.turn}" in lines[1]
