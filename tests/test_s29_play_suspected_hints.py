"""Playtest fixes, session 29 (the attacker's Shusha playtest of fire on a suspected position; dummy SDL video):
the hover line says how fresh the mark is (the mark's own line is cut off in a short window); the battery's hint
names a ringed last-seen mark as a target; a phase with a fresh mark no gun may fire on says why; the help says
what the modifier means in hit chance."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import panel_lines
from test_s29_ui_suspected_fire import TOWN, _app, _state

from engine.orders import Fire
from ui import suspected_fire


def _hover(app: Any, idx: int, monkeypatch: Any) -> list[str]:
    app.hover = idx
    return [s for s, _ in panel_lines(app, pygame.Surface((1280, 800)), monkeypatch)]


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
