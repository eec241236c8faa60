"""Sandbox edits of a unit's strength and hidden flag (an educator: a one-step ambush party fired one shot at 50%, so
the set-up missed half the time, and once sprung it could not be set up again without playing to the end of the
side's turn)."""

from __future__ import annotations

import pygame
import pytest
from conftest import app_of, goto, tiny_game
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.events import SandboxEdit
from engine.orders import SandboxHide, SandboxStrength, order_from_dict, order_to_dict
from engine.rules import IllegalOrder, apply, check
from engine.savegame import load_game, save_game
from engine.view import visible_log

ATTACKER, DEFENDER = 0, 1


def _ground(state, side):
    return [u for u in state.units if u.side == side and u.active and not u.offmap
            and state.utype(u).domain == "ground"]


def test_strength_is_set_within_the_types_steps_and_logged():
    state = tiny_game(1, sandbox=True)
    u = _ground(state, DEFENDER)[0]
    top = state.utype(u).max_steps
    ev = apply(state, SandboxStrength(u.id, top))
    assert state.unit(u.id).strength == top
    assert isinstance(ev[0], SandboxEdit) and ev[0].description == f"{u.id} strength set to {top}/{top}"
    assert ev[0].side == "defender" and ev[0].unit == u.id
    for bad in (0, top + 1, -1, True, 1.0):
        fp = state.fingerprint()
        with pytest.raises(IllegalOrder, match="strength must be 1 to"):
            apply(state, SandboxStrength(u.id, bad))
        assert state.fingerprint() == fp


def test_edits_need_a_sandbox_and_a_unit_on_the_map():
    plain = tiny_game(1)
    u = _ground(plain, ATTACKER)[0]
    assert "sandbox mode" in check(plain, SandboxStrength(u.id, 1))
    state = tiny_game(1, sandbox=True)
    assert "unknown unit" in check(state, SandboxHide("nobody", True))
    dead = _ground(state, ATTACKER)[0]
    dead.strength = 0
    state.touch()
    assert "destroyed" in check(state, SandboxStrength(dead.id, 1))


def test_a_unit_hides_only_in_cover_and_the_enemy_does_not_learn_of_it():
    state = tiny_game(1, sandbox=True)
    gmap = state.map
    covered = [u for u in _ground(state, DEFENDER) if gmap.concealment_list[u.idx] >= 1 and state.utype(u).can_hide]
    bare = [u for u in _ground(state, ATTACKER) + _ground(state, DEFENDER) if gmap.concealment_list[u.idx] < 1]
    assert covered
    u = covered[0]
    apply(state, SandboxHide(u.id, False))
    assert not state.unit(u.id).hidden
    n = len(state.log)
    apply(state, SandboxHide(u.id, True))
    assert state.unit(u.id).hidden
    seen = [e for _, e in visible_log(state, ATTACKER, n)]
    assert not any(isinstance(e, SandboxEdit) for e in seen)  # (a hidden unit's edit is its own side's)
    if bare:
        why = check(state, SandboxHide(bare[0].id, True))
        assert why is not None and "gives no cover" in why


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 4), st.booleans()), max_size=6))
def test_edits_replay_from_a_save_to_the_same_game(tmp_path_factory, edits):
    state = tiny_game(3, sandbox=True)
    units = _ground(state, ATTACKER) + _ground(state, DEFENDER)
    for k, steps, hide in edits:
        u = units[k % len(units)]
        for o in (SandboxStrength(u.id, steps), SandboxHide(u.id, hide)):
            assert order_from_dict(order_to_dict(o)) == o
            try:
                apply(state, o)
            except IllegalOrder:
                pass
    path = tmp_path_factory.mktemp("s") / "edits.json"
    save_game(state, path)
    assert load_game(path).fingerprint() == state.fingerprint()


def _key(app, key, mod=0):
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    return app.status


def test_the_keys_edit_the_selected_unit_and_ctrl_z_takes_it_back(screen):
    state = goto(tiny_game(1, sandbox=True), "attacker", "movement")
    app = app_of(state, (ATTACKER,), omniscient=True)
    app.autoskip = False
    u = next(u for u in _ground(state, DEFENDER) if state.map.concealment_list[u.idx] >= 1)
    top = state.utype(u).max_steps
    app.select(u.id)
    fp = app.state.fingerprint()
    if u.strength == top:
        assert "steps: [ and ] set 1 to" in _key(app, pygame.K_RIGHTBRACKET)
        said = _key(app, pygame.K_LEFTBRACKET)
        assert f"strength {top - 1}/{top}" in said
    else:
        said = _key(app, pygame.K_RIGHTBRACKET)
        assert f"strength {u.strength + 1}/{top}" in said
    assert "strength change undone" in _key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert app.state.fingerprint() == fp
    hidden = app.state.unit(u.id).hidden
    said = _key(app, pygame.K_h, pygame.KMOD_CTRL)
    assert app.state.unit(u.id).hidden is not hidden and ("hidden" in said or "revealed" in said)
    assert not app.show_help  # (Ctrl+H is not H)
    assert "undone" in _key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert app.state.fingerprint() == fp


def test_the_keys_say_what_they_need_outside_a_sandbox(screen):
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (ATTACKER,))
    app.select(_ground(app.state, ATTACKER)[0].id)
    assert "needs a sandbox game" in _key(app, pygame.K_RIGHTBRACKET)
    assert "needs a sandbox game" in _key(app, pygame.K_h, pygame.KMOD_CTRL)
