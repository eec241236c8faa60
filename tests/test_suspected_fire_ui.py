"""Fire on a suspected position in the UI: marks as targets, hover lines, hints, skip reasons, help."""

from __future__ import annotations

import os
from typing import Any

import pygame
import pytest
from conftest import drop_units, goto, move_unit, panel_lines, tiny_dict

from engine.orders import Fire
from engine.rules import apply, new_game
from engine.scenario import scenario_from_dict
from engine.units import ATTACKER
from engine.view import visible_log
from ui import panels, suspected_fire

# ---------------------------------------------------------------------------------------------------------------------
# Fire on a suspected position in the UI (dummy SDL video): with a battery selected in the artillery phase a fresh
# last-seen mark is a target (ringed, its odds on hover and click, a second click fires through the engine); a stale
# mark gives the engine's refusal; a scenario without the rule reads as before.

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


TOWN = (3, 4)


def _state(turns: int = 1, **combat_rules: Any) -> Any:
    """The tiny valley at the attacker's artillery phase `turns` turns after turn 1's: the town's two defenders
    seen on turn 1 and gone to ground since (tests/test_suspected_fire.py)."""
    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    d["combat"] = combat_rules
    state = goto(new_game(scenario_from_dict(d), 2, track_sightings=True), "attacker", "artillery")
    for _ in range(turns):
        goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    return state


def _app(state: Any) -> Any:
    from ui.app import App

    app = App(state, {ATTACKER}, size=(1280, 800))
    app.show_lesson = False
    app.select("az_art")
    return app


def _hover(app: Any, idx: int, monkeypatch: Any) -> list[str]:
    app.hover = idx
    return [s for s, _ in panel_lines(app, pygame.Surface((1280, 800)), monkeypatch)]


def test_a_fresh_mark_is_a_target_with_its_odds_on_hover_and_click(screen, monkeypatch):
    app = _app(_state(suspected_fire=True))
    st = app.state
    town = st.map.idx(TOWN)
    assert town in app.targets()  # (ringed as a target: the engine's legal orders)
    hover = _hover(app, town, monkeypatch)
    head = next(s for s in hover if s.startswith("Fire on this suspected position (click"))
    assert "steps expected if it is still there" in head
    assert "fire on a suspected position -2" in head and "per shot" in head
    assert any("may be empty now" in s and "only what your observer sees" in s for s in hover)
    assert hover.index(head) < next(k for k, s in enumerate(hover) if s.startswith("Last seen here"))
    app.click_hex(town)
    order, lines = app.pending
    assert order == Fire("az_art", TOWN)
    assert not any(s.startswith("NOT ALLOWED") for s in lines)
    assert any(s.startswith("SUSPECTED POSITION") and "strength 3, on turn 1" in s for s in lines)
    assert any("fire on a suspected position: -2" in s for s in lines)
    assert any("only what your observer sees" in s for s in lines)
    assert any(s.startswith("expected steps destroyed: ") and s != "expected steps destroyed: 0.00" for s in lines)
    n = len(st.log)
    app.click_hex(town)  # (again: confirm)
    assert app.pending is None
    assert st.log[n].kind == "SuspectedFire" and st.unit("az_art").fired
    assert "HiddenUnitShelled" not in [e.kind for _, e in visible_log(st, ATTACKER, n)]  # (the defender's own)


def test_a_stale_mark_gives_the_engines_reason_on_hover_and_click(screen, monkeypatch):
    app = _app(_state(turns=2, suspected_fire=True))
    town = app.state.map.idx(TOWN)
    assert town not in app.targets()
    reason = "no known enemy at (3,4); the last-seen mark there is from T1, older than 1 turn"
    hover = _hover(app, town, monkeypatch)
    assert any(s.startswith("Fire on this suspected position: not allowed") and reason in s for s in hover)
    n = len(app.state.log)
    app.click_hex(town)
    order, lines = app.pending
    assert order == Fire("az_art", TOWN)
    assert lines[1] == f"NOT ALLOWED: {reason}" and app.status == f"Not allowed: {reason}"
    app.click_hex(town)  # (a second click asks the engine, which refuses: nothing happens)
    assert len(app.state.log) == n and not app.state.unit("az_art").fired


def test_without_the_rule_a_mark_is_no_target_and_reads_as_before(screen, monkeypatch):
    app = _app(_state())
    town = app.state.map.idx(TOWN)
    assert town not in app.targets()
    assert not any(s.startswith("Fire on this suspected position") for s in _hover(app, town, monkeypatch))
    app.click_hex(town)
    assert app.pending is None and app.status.startswith("No spotted enemy at (3,4)")


@pytest.mark.parametrize("phase", ["movement", "assault"])
def test_other_phases_say_nothing_of_it(screen, monkeypatch, phase):
    state = goto(_state(suspected_fire=True), "attacker", phase)
    app = _app(state)
    town = state.map.idx(TOWN)
    assert not any(s.startswith("Fire on this suspected position") for s in _hover(app, town, monkeypatch))


def test_wargame_replay_steps_through_a_save_with_such_a_mission():
    """`wargame replay SAVE` (ui/replay.py) replays the orders with sightings tracked: the mission replays."""
    import json

    from engine.events import jsonl_text
    from engine.savegame import save_text
    from ui.replay import ReplayModel

    state = _state(suspected_fire=True)
    apply(state, Fire("az_art", TOWN))
    goto(state, "defender", "air")
    m = ReplayModel.from_save_dict(json.loads(save_text(state)))
    end = m.goto(m.n)
    assert jsonl_text(end.log) == jsonl_text(state.log)
    assert "SuspectedFire" in [e.kind for e in end.log]


def test_the_help_tells_the_rule_in_the_scenarios_numbers(shusha):
    from ui.gui import rules_brief

    line = rules_brief(shusha)[-1]
    assert line.startswith("Fire on a suspected position") and "at -1" in line and "this or the last turn" in line
    assert "The doctrine AI uses it only if the scenario sets its fire_on_suspected" in line
    plain = _state().scenario
    assert not any("suspected position" in s for s in rules_brief(plain))


# ---------------------------------------------------------------------------------------------------------------------
# Playtest fixes, session 29 (the attacker's Shusha playtest of fire on a suspected position; dummy SDL video):
# the hover line says how fresh the mark is (the mark's own line is cut off in a short window); the battery's hint
# names a ringed last-seen mark as a target; a phase with a fresh mark no gun may fire on says why; the help says
# what the modifier means in hit chance.

def test_the_hover_line_says_when_the_mark_was_made(screen, monkeypatch):
    app = _app(_state(suspected_fire=True))  # (turn 2; the defenders were last seen on turn 1)
    head = next(s for s in _hover(app, app.state.map.idx(TOWN), monkeypatch)
                if s.startswith("Fire on this suspected position (click)"))
    assert "last seen here T1 (last turn);" in head and "steps expected if it is still there" in head


def test_age_words():
    assert [suspected_fire.age_words(5, t) for t in (5, 4, 2)] == ["this turn", "last turn", "3 turns ago"]


def test_the_battery_hint_names_a_ringed_mark(screen):
    app = _app(_state(suspected_fire=True))
    marks = [i for i in app.targets() if not app.contacts_at(i)]
    assert app.state.map.idx(TOWN) in marks and marks == app.targets()  # (no enemy seen: only marks ringed)
    hint = suspected_fire.battery_hint(app)
    n = len(marks)
    assert hint is not None and hint.startswith("No spotted enemy in its range, but ")
    assert f"{'a last-seen mark' if n == 1 else f'{n} last-seen marks'} (T1) ringed orange" in hint
    assert "suspected position at -2" in hint


def test_no_battery_hint_without_a_ringed_mark(screen):
    assert suspected_fire.battery_hint(_app(_state(turns=2, suspected_fire=True))) is None  # (stale: not ringed)
    assert suspected_fire.battery_hint(_app(_state())) is None  # (the rule off)
    app = _app(_state(suspected_fire=True))
    app.select(None)
    assert suspected_fire.battery_hint(app) is None  # (no battery selected: no targets)


def test_a_fresh_mark_no_gun_may_fire_on_says_why(screen):
    state = _state(suspected_fire=True)
    state.unit("az_sf").idx = state.map.idx((9, 3))  # (the spotter gone: nobody sees the town)
    app = _app(state)
    assert not app.targets()
    words = suspected_fire.skip_words(app)
    why = app.view.check(Fire("az_art", TOWN))
    assert why and why.startswith("no spotter")
    assert words.startswith("the last-seen mark at (3,") and "cannot be fired on: no spotter" in words
    assert "(and 1 more)" in words  # (both defenders' marks, (3,3) and (3,4))


def test_no_skip_words_for_a_stale_mark_or_without_the_rule(screen):
    assert suspected_fire.skip_words(_app(_state(turns=2, suspected_fire=True))) == ""
    assert suspected_fire.skip_words(_app(_state())) == ""


def test_the_help_says_what_the_modifier_costs(shusha):
    line = suspected_fire.rules_lines(shusha.combat)[0]
    assert "at -1 on the net fire value (10% less a shot per point)" in line


# ---------------------------------------------------------------------------------------------------------------------
# The battery's unit hint and
# the artillery phase's skip reason use ui.suspected_fire (dummy SDL video).

def test_the_battery_hint_and_the_skip_reason_name_the_marks(screen):
    app = _app(_state(suspected_fire=True))
    u = app.state.unit("az_art")
    assert panels.unit_hint(app, u, app.state.utype(u)).startswith("No spotted enemy in its range, but 2 last-seen")
    st = _state(suspected_fire=True)
    st.unit("az_sf").idx = st.map.idx((9, 3))  # (the spotter gone)
    app = _app(st)
    assert app.artillery_skip_reason().startswith(
        "the last-seen mark at (3,3) Tinytown (and 1 more) cannot be fired on: no spotter")
