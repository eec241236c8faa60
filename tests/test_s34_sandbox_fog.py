"""A sandbox placement is seen as a move is: by its own side, and by the enemy only if the unit stands unhidden in
its view. An educator's playtest placed a hidden ambush party for the defender and the attacker's log and status
line said where ("[sandbox] amb placed at ..."), with the hex taken in the attacker's log too."""

from __future__ import annotations

import json

from conftest import shusha_scenario

from engine.events import SandboxEdit, event_from_dict, event_to_json
from engine.orders import SandboxPlace, SandboxWeather
from engine.rules import apply, check, new_game
from engine.view import visible_hexes, visible_log

ATTACKER, DEFENDER = 0, 1


def _game():
    return new_game(shusha_scenario(), 1, sandbox=True, track_sightings=True)


def _free_seen_hex(state, u, side_seeing):
    """A hex `side_seeing` sees where `u` may be placed, as far as possible from every unit."""
    vis = visible_hexes(state, side_seeing)
    taken = {w.idx for w in state.units if w.active}
    for i in range(state.map.n):
        if vis[i] and i not in taken and check(state, SandboxPlace(u.id, state.map.hex_of(i))) is None:
            return i
    raise AssertionError("no free hex in view")  # pragma: no cover


def _placement_kinds(state, side, start):
    return [ev.kind for _, ev in visible_log(state, side, start)]


def test_a_hidden_unit_placed_in_the_enemys_view_is_not_in_the_enemys_log():
    state = _game()
    hidden = [u for u in state.units if u.side == DEFENDER and u.active and u.hidden and not u.offmap]
    assert hidden, "the Shusha defender starts with hidden units"
    u = hidden[0]
    at = _free_seen_hex(state, u, ATTACKER)
    start = len(state.log)
    events = apply(state, SandboxPlace(u.id, state.map.hex_of(at)))
    assert state.unit(u.id).idx == at and state.unit(u.id).hidden
    assert events[0].kind == "SandboxEdit" and events[0].unit == u.id and events[0].side == "defender"
    assert "SandboxEdit" not in _placement_kinds(state, ATTACKER, start)
    assert not [ev for _, ev in visible_log(state, ATTACKER, start) if ev.kind == "ControlChanged"]
    assert "SandboxEdit" in _placement_kinds(state, DEFENDER, start)  # (its own side: the teacher's view of it)


def test_an_unhidden_unit_placed_in_the_enemys_view_is_seen_and_one_out_of_view_is_not():
    state = _game()
    u = next(w for w in state.units if w.side == DEFENDER and w.active and not w.hidden and not w.offmap
             and state.utype(w).domain == "ground")
    at = _free_seen_hex(state, u, ATTACKER)
    start = len(state.log)
    apply(state, SandboxPlace(u.id, state.map.hex_of(at)))
    assert "SandboxEdit" in _placement_kinds(state, ATTACKER, start)
    vis = visible_hexes(state, ATTACKER)
    away = next(i for i in range(state.map.n) if not vis[i] and not state.units_at(i, ATTACKER)
                and check(state, SandboxPlace(u.id, state.map.hex_of(i))) is None)
    start = len(state.log)
    apply(state, SandboxPlace(u.id, state.map.hex_of(away)))
    assert "SandboxEdit" not in _placement_kinds(state, ATTACKER, start)
    assert "SandboxEdit" in _placement_kinds(state, DEFENDER, start)


def test_a_weather_edit_is_seen_by_both_sides_and_reads_as_it_always_did():
    state = _game()
    start = len(state.log)
    edit = apply(state, SandboxWeather("fog"))[0]
    assert isinstance(edit, SandboxEdit) and edit.side is None
    for side in (ATTACKER, DEFENDER):
        assert "SandboxEdit" in _placement_kinds(state, side, start)
    assert set(json.loads(event_to_json(edit))) == {"kind", "turn", "description"}
    assert event_from_dict(json.loads(event_to_json(edit))) == edit


def test_a_placement_round_trips_through_the_log_json():
    state = _game()
    u = next(w for w in state.units if w.side == ATTACKER and w.active and not w.offmap)
    at = _free_seen_hex(state, u, ATTACKER)
    edit = apply(state, SandboxPlace(u.id, state.map.hex_of(at)))[0]
    assert event_from_dict(json.loads(event_to_json(edit))) == edit
    assert tuple(edit.hex) == state.map.hex_of(at)


def test_a_refusal_names_the_mobility_class_in_words():
    state = _game()
    sf = next(w for w in state.units if state.utype(w).mobility == "sf" and w.active and not w.offmap)
    enemy = next(w for w in state.units if w.side != sf.side and w.active and not w.offmap
                 and state.utype(w).domain == "ground")
    why = check(state, SandboxPlace(sf.id, state.map.hex_of(enemy.idx)))
    assert why is not None and "a special forces unit can stand on" in why and "a sf unit" not in why
