"""The sandbox as a teacher uses it (dummy SDL video), from an educator's playtest: only own units could be picked
for a placement (an ambush for the class took hotseat and ~8 phase ends), a placement could not be undone, Shift+click
teleported a unit where everywhere else it gives a go-to order, nothing on screen said the game was a sandbox, and
Tab from the whole-map zoom left the unit it chose a dot."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
import pytest
from conftest import app_of, goto, move_unit, shusha_scenario, tiny_game, variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.orders import EndPhase, Move, SandboxPlace, SandboxWeather, order_to_dict
from engine.rules import IllegalOrder, apply, new_game

ATTACKER, DEFENDER = 0, 1


def _key(app: Any, key: int, mod: int = 0) -> str:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    return app.status


def _rng(state: Any) -> Any:
    return state.rng.bit_generator.state


def _sandbox_app(see_all: bool = False, phase: str = "movement") -> Any:
    """The tiny scenario in sandbox mode at the attacker's `phase`, its mech put where it sees two defenders."""
    state = goto(tiny_game(1, sandbox=True), "attacker", phase)
    apply(state, SandboxPlace("az_mech", (5, 3)))  # (in sight of arm_inf_1 and arm_inf_2)
    app = app_of(state, (ATTACKER,), omniscient=see_all)
    app.autoskip = False
    return app


def _hex(app: Any, ref: tuple[int, int]) -> int:
    return app.state.map.idx(ref)


def _free(app: Any, uid: str, near: int) -> int:
    """A hex two from `near` that `uid` may stand on, with no unit in it."""
    s = app.state
    mob = s.utype(s.unit(uid)).mobility
    return next(i for i in s.map.within(near, 2).tolist() if s.map.distance(i, near) == 2
                and s.map.enterable[mob][i] and not s.units_at(i, 0) and not s.units_at(i, 1)
                and not s.map.no_go[s.unit(uid).side][i])


# ---------------------------------------------------------------------------------------------------------------------
# 1. The other side's units can be picked, for a placement only


def test_a_seen_enemy_counter_is_selected_in_the_sandbox_and_takes_no_real_order(screen: Any) -> None:
    app = _sandbox_app()
    enemy = app.state.unit("arm_inf_1")
    assert enemy.id in {c.id for c in app.view.contacts}
    app.click_hex(_hex(app, (5, 3)))  # (own mech first: then the click on the enemy gives it no order)
    assert app.selected == "az_mech"
    app.click_hex(enemy.idx)
    assert app.selected == "arm_inf_1"
    assert "arm_inf_1" in app.status and "P" in app.status and "place" in app.status
    assert app.destinations() == {} and app.targets() == []  # (no reach, no target rings of the enemy's)
    before = app.state.fingerprint()
    app.click_hex(_free(app, "arm_inf_1", enemy.idx))  # (outside the place mode: no move of the enemy's)
    app.click_hex(_free(app, "arm_inf_1", enemy.idx), shift=True)  # (nor a go-to order)
    assert app.state.fingerprint() == before and app.state.unit("arm_inf_1").idx == enemy.idx
    assert not any(isinstance(o, Move) for o in app.state.orders)


def test_without_the_sandbox_an_enemy_counter_is_not_selected(screen: Any) -> None:
    scen = variant(lambda d: move_unit(d, "az_mech", (5, 3)))  # (in sight of arm_inf_1 and arm_inf_2)
    app = app_of(goto(tiny_game(1, scen), "attacker", "movement"), (ATTACKER,))
    assert "arm_inf_1" in {c.id for c in app.view.contacts}
    app.click_hex(app.state.unit("arm_inf_1").idx)
    assert app.selected is None and app.status.startswith("Enemy")
    assert "needs a sandbox" in _key(app, pygame.K_p) and not app.place_mode


def test_with_see_all_a_hidden_enemy_is_selected_and_without_it_not(screen: Any) -> None:
    amb = "arm_amb"
    for see_all in (True, False):
        app = _sandbox_app(see_all=see_all)
        u = app.state.unit(amb)
        assert u.hidden and amb not in {c.id for c in app.view.contacts}
        app.click_hex(u.idx)
        assert (app.selected == amb) is see_all
        if see_all:
            assert "hidden from you" in app.status


def test_the_roster_lists_the_other_sides_units_in_the_sandbox(screen: Any) -> None:
    app = _sandbox_app(see_all=True)
    rows = app.roster_rows()
    ids = [uid for _, uid in rows]
    assert "arm_amb" in ids and "arm_inf_1" in ids and "" in ids  # (a heading row, then the defender's units)
    app.select_from_roster("")  # (the heading: nothing selected, no error)
    assert app.selected is None
    app.select_from_roster("arm_amb")
    assert app.selected == "arm_amb"
    fog = _sandbox_app()
    fog_ids = [uid for _, uid in fog.roster_rows()]
    assert "arm_inf_1" in fog_ids and "arm_amb" not in fog_ids  # (only the enemies the side sees)


# ---------------------------------------------------------------------------------------------------------------------
# 2. and 3. The place mode (P), and placements undone with Ctrl+Z


def test_place_mode_places_an_enemy_and_ctrl_z_takes_it_back_exactly(screen: Any) -> None:
    app = _sandbox_app()
    enemy = app.state.unit("arm_inf_1")
    start = enemy.idx
    app.click_hex(start)
    assert app.selected == "arm_inf_1"
    assert "Place mode on" in _key(app, pygame.K_p) and app.place_mode
    fp, rng, n, log = app.state.fingerprint(), _rng(app.state), len(app.state.orders), len(app.state.log)
    control = app.state.control.copy()
    to = _free(app, "arm_inf_1", _hex(app, (5, 3)))
    app.click_hex(to)
    assert app.state.unit("arm_inf_1").idx == to
    assert app.status.startswith("Placed") and "Ctrl+Z" in app.status
    assert len(app.undo_stack) == 1
    assert _key(app, pygame.K_z, pygame.KMOD_CTRL).startswith("Sandbox placement undone")
    s = app.state
    assert s.unit("arm_inf_1").idx == start and (s.control == control).all()
    assert s.fingerprint() == fp and _rng(s) == rng and len(s.orders) == n and len(s.log) == log
    assert app.place_mode and app.selected == "arm_inf_1"  # (the next try is one click away)


def test_a_placement_changing_hex_control_is_undone_with_the_control(screen: Any) -> None:
    app = _sandbox_app()
    to = _hex(app, (7, 6))
    assert int(app.state.control[to]) != ATTACKER
    app.select("az_tank")
    _key(app, pygame.K_p)
    app.click_hex(to)
    assert app.state.unit("az_tank").idx == to and int(app.state.control[to]) == ATTACKER
    assert isinstance(app.state.orders[-1], SandboxPlace)  # (placed, not moved)
    _key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert int(app.state.control[to]) != ATTACKER and app.state.unit("az_tank").idx == _hex(app, (9, 6))


def test_a_weather_change_is_undone_too(screen: Any) -> None:
    app = _sandbox_app(phase="air")
    fp, weather = app.state.fingerprint(), app.state.weather
    _key(app, pygame.K_F8)  # (fog)
    assert app.state.weather != weather
    assert "undone" in _key(app, pygame.K_z, pygame.KMOD_CTRL)
    assert app.state.weather == weather and app.state.fingerprint() == fp


def test_undo_after_edits_leaves_an_order_list_that_replays_to_the_same_game(screen: Any) -> None:
    app = _sandbox_app()
    app.select("arm_inf_2")
    _key(app, pygame.K_p)
    app.click_hex(_free(app, "arm_inf_2", _hex(app, (3, 4))))
    _key(app, pygame.K_F6)
    app.select("az_sf")
    sf = app.state.unit("az_sf").idx
    app.click_hex(_hex(app, (7, 2)))
    assert app.state.unit("az_sf").idx == _hex(app, (7, 2))
    assert [o.unit for o in app.state.orders if isinstance(o, SandboxPlace)][-2:] == ["arm_inf_2", "az_sf"]
    _key(app, pygame.K_z, pygame.KMOD_CTRL)  # (the last placement taken back; the other edits stay)
    assert app.state.unit("az_sf").idx == sf and isinstance(app.state.orders[-1], SandboxWeather)
    replay = new_game(app.state.scenario, app.state.seed, sandbox=True)
    for o in app.state.orders:
        apply(replay, o)
    assert replay.fingerprint() == app.state.fingerprint()
    assert [order_to_dict(o) for o in replay.orders] == [order_to_dict(o) for o in app.state.orders]


def test_esc_and_p_leave_the_place_mode_and_the_keyboard_enter_places(screen: Any) -> None:
    app = _sandbox_app()
    app.select("az_tank")
    _key(app, pygame.K_p)
    assert "Place mode off" in _key(app, pygame.K_ESCAPE) and not app.place_mode and app.selected == "az_tank"
    _key(app, pygame.K_p)
    _key(app, pygame.K_p)
    assert not app.place_mode
    _key(app, pygame.K_p)
    to = _hex(app, (7, 6))
    app.hover, app.kb_cursor = to, True  # (the arrow keys' cursor on the hex)
    _key(app, pygame.K_RETURN)
    assert app.state.unit("az_tank").idx == to


def test_in_place_mode_a_counter_click_picks_the_unit_and_ctrl_click_stacks(screen: Any) -> None:
    app = _sandbox_app()
    _key(app, pygame.K_p)
    app.click_hex(_hex(app, (9, 6)))  # (nothing selected: the tank is picked, not placed anywhere)
    assert app.selected == "az_tank" and app.state.unit("az_tank").idx == _hex(app, (9, 6))
    mech = _hex(app, (5, 3))
    app.click_hex(mech)  # (another counter: picked)
    assert app.selected == "az_mech"
    app.select("az_tank")
    app.click_hex(mech, ctrl=True)  # (Ctrl: onto the stack)
    assert app.state.unit("az_tank").idx == mech and isinstance(app.state.orders[-1], SandboxPlace)


def test_shift_click_in_the_sandbox_is_a_go_to_order_not_a_placement(screen: Any) -> None:
    from ui import goto_orders

    app = _sandbox_app()
    app.select("az_tank")
    far = _hex(app, (1, 6))
    app.click_hex(far, shift=True)
    assert app.state.unit("az_tank").idx != far
    assert not any(isinstance(o, SandboxPlace) and o.unit == "az_tank" for o in app.state.orders)
    assert goto_orders.goal_of(app.state, "az_tank") is not None or "go" in app.status.lower()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 79), st.booleans()), min_size=1, max_size=5))
def test_any_edits_undone_one_by_one_bring_back_the_game_exactly(screen: Any, picks: list) -> None:
    """Placements of either side's units and weather changes, refused or not, all undone: the game as it was."""
    app = _sandbox_app(see_all=True)
    s0 = app.state
    fps = [(s0.fingerprint(), _rng(s0), len(s0.orders))]
    ids = [u.id for u in s0.units]
    for k, idx, weather in picks:
        if weather:
            _key(app, (pygame.K_F5, pygame.K_F6, pygame.K_F7, pygame.K_F8)[k % 4])
        else:
            uid = ids[k % len(ids)]
            try:
                ok = app.issue(SandboxPlace(uid, app.state.map.hex_of(idx))) is not None
            except IllegalOrder:  # pragma: no cover (the UI catches refusals)
                ok = False
            if not ok:
                continue
        s = app.state
        fps.append((s.fingerprint(), _rng(s), len(s.orders)))
    assert len(app.undo_stack) == len(fps) - 1
    while len(fps) > 1:
        fps.pop()
        _key(app, pygame.K_z, pygame.KMOD_CTRL)
        s = app.state
        assert (s.fingerprint(), _rng(s), len(s.orders)) == fps[-1]


# ---------------------------------------------------------------------------------------------------------------------
# 4. The SANDBOX tag, and the place mode shown


def _near(got: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(got[:3], colour, strict=True))


def _drawn_words(app: Any, surf: Any, monkeypatch: Any) -> list[str]:
    from ui.text import Text

    got: list[str] = []
    real = Text.render

    def render(self: Any, s: str, *a: Any, **kw: Any) -> Any:
        got.append(s)
        return real(self, s, *a, **kw)

    monkeypatch.setattr(Text, "render", render)
    app.render(surf)
    monkeypatch.setattr(Text, "render", real)
    return got


@pytest.mark.parametrize("size,scale", [((1280, 800), 1.5), ((1600, 1000), 1.25)])
def test_the_sandbox_tag_and_the_place_mode_are_on_screen(screen: Any, monkeypatch: Any, size: Any,
                                                          scale: float) -> None:
    from ui import sandbox

    state = goto(new_game(shusha_scenario(), 0, sandbox=True, track_sightings=True), "attacker", "movement")
    app = app_of(state, (ATTACKER,), size=size, ui_scale=scale)
    surf = pygame.Surface(size)
    words = _drawn_words(app, surf, monkeypatch)
    assert sandbox.TAG in words and sandbox.PLACE_TAG not in words
    box = sandbox.draw_tag(app, surf)
    assert box is not None and app.map_rect.contains(box) and box.bottom < app.map_rect.h // 3
    assert _near(surf.get_at((box.x + 2, box.bottom - 2)), app.palette.accent)  # (the plate, not the map)
    app.select("az_sf_1")
    _key(app, pygame.K_p)
    words = _drawn_words(app, surf, monkeypatch)
    assert sandbox.PLACE_TAG in words and any("az_sf_1" in w or "Special Forces" in w for w in words)
    mr = app.map_rect  # (the frame round the map area)
    assert _near(surf.get_at((mr.x + 1, mr.centery)), app.palette.accent)
    plain = app_of(goto(new_game(shusha_scenario(), 0, track_sightings=True), "attacker", "movement"), (ATTACKER,),
                   size=size, ui_scale=scale)
    assert sandbox.TAG not in _drawn_words(plain, surf, monkeypatch)


def test_a_click_on_the_tag_switches_the_place_mode(screen: Any) -> None:
    from ui import sandbox

    app = _sandbox_app()
    surf = pygame.Surface(app.size)
    app.render(surf)
    box = sandbox.draw_tag(app, surf)
    assert box is not None
    app.on_left_click(box.center)
    assert app.place_mode
    app.render(surf)
    app.on_left_click(sandbox.draw_tag(app, surf).center)
    assert not app.place_mode


def test_help_lists_the_place_key_and_no_shift_click_placement() -> None:
    from ui.app import HELP

    keys = [k for k, _ in HELP]
    assert not any("Shift+click (sandbox)" in k for k in keys)
    assert any(k.startswith("P") and "place" in d for k, d in HELP)
    assert "sandbox" in dict(HELP)["Ctrl+Z"]


# ---------------------------------------------------------------------------------------------------------------------
# 5. Tab and T from the whole-map zoom


def test_tab_and_t_from_the_whole_map_zoom_come_back_to_the_play_zoom_on_the_unit(screen: Any) -> None:
    from ui.render_units import SMALL_COUNTER_H, counter_size

    state = goto(new_game(shusha_scenario(), 0, track_sightings=True), "attacker", "movement")
    app = app_of(state, (ATTACKER,), size=(1280, 800), ui_scale=1.5)
    app.open_on_own_forces()
    play = app.hex_size
    _key(app, pygame.K_HOME)
    assert counter_size(app.hex_size)[1] < SMALL_COUNTER_H  # (the whole map: counters are dots)
    _key(app, pygame.K_TAB)
    assert app.hex_size == play
    x, y = app.hex_to_screen(app.state.unit(app.selected).idx)
    assert app.map_rect.collidepoint(x, y)
    _key(app, pygame.K_TAB, pygame.KMOD_SHIFT)
    assert app.hex_size == play
    app.zoom(1)  # (a nearer zoom is the player's: Tab keeps it)
    near = app.hex_size
    _key(app, pygame.K_TAB)
    assert app.hex_size == near
    # T: to a target, from the whole map (the attacker's artillery phase with a spotted enemy in range)
    app.state = state = goto(app.state, "attacker", "artillery")
    app.renderer.state = state
    gun = next((u for u in state.units if u.side == ATTACKER and state.utype(u).indirect), None)
    assert gun is not None
    app.select(gun.id)
    app.targets = lambda: [app.state.unit("arm_inf_1").idx]  # type: ignore[method-assign]
    _key(app, pygame.K_HOME)
    _key(app, pygame.K_t)
    assert app.hex_size == play and app.hover == app.state.unit("arm_inf_1").idx
    assert app.map_rect.collidepoint(*app.hex_to_screen(app.hover))


def test_end_phase_is_unchanged_by_an_enemy_selection(screen: Any) -> None:
    """Space with an enemy picked still ends the phase of the side playing (no order of the enemy's)."""
    app = _sandbox_app()
    app.click_hex(app.state.unit("arm_inf_1").idx)
    assert app.selected == "arm_inf_1"
    n = len(app.state.orders)
    app.end_phase()
    app.end_phase()
    assert all(isinstance(o, EndPhase) and o.side == "attacker" for o in app.state.orders[n:])


def test_the_panel_words_of_a_picked_enemy_tell_only_what_the_side_sees(screen: Any) -> None:
    """`ui.sandbox.panel_lines`, for the panel's selected-unit section: without --see-all no name, cohesion or
    supply of the enemy's (the panel's own-unit lines showed them: "Lisagor road-block (Defence Army)")."""
    from ui import sandbox

    for see_all in (False, True):
        app = _sandbox_app(see_all=see_all)
        app.state.unit("arm_inf_1").name = "Secret road-block"
        app.click_hex(app.state.unit("arm_inf_1").idx)
        head, lines = sandbox.panel_lines(app, "arm_inf_1")
        text = " ".join([head, *lines])
        assert ("Secret" in text and "cohesion" in text) is see_all
        assert "strength 3/3" in text and "P" in text
        assert sandbox.panel_lines(app, "az_tank") is None


def test_the_side_panel_draws_a_picked_enemy_with_those_words_only(screen: Any, monkeypatch: Any) -> None:
    """The panel itself (not only `panel_lines`): a picked enemy's name, cohesion and the own-unit move hint were
    drawn without --see-all."""
    from conftest import panel_lines

    app = _sandbox_app()
    app.state.unit("arm_inf_1").name = "Secret road-block"
    app.click_hex(app.state.unit("arm_inf_1").idx)
    assert app.selected == "arm_inf_1"
    drawn = " ".join(s for s, _ in panel_lines(app, pygame.Surface(app.size), monkeypatch))
    assert "Secret" not in drawn and "cohesion" not in drawn and "Click a highlighted hex" not in drawn
    assert "Sandbox: picked to place" in drawn


def test_an_enemy_placed_out_of_sight_is_not_described_by_its_true_strength(screen: Any) -> None:
    """Without --see-all the status line named the strength of a picked enemy the side no longer saw."""
    from ui import sandbox

    app = _sandbox_app()
    app.click_hex(app.state.unit("arm_inf_1").idx)
    assert app.selected == "arm_inf_1"
    app.view.contacts = [c for c in app.view.contacts if c.id != "arm_inf_1"]  # (out of the side's sight now)
    words = sandbox.selected_words(app, "arm_inf_1")
    assert "not in sight now" in words and "strength" not in words


def test_with_see_all_a_picked_enemy_gets_its_whole_panel(screen: Any, monkeypatch: Any) -> None:
    """--see-all shows a class every unit as it is (an ambush party's readiness is what it watches): a picked
    enemy's panel is the whole one, not the fog's short form."""
    from conftest import panel_lines

    app = _sandbox_app(see_all=True)
    app.click_hex(app.state.unit("arm_inf_1").idx)
    assert app.selected == "arm_inf_1"
    drawn = " ".join(s for s, _ in panel_lines(app, pygame.Surface(app.size), monkeypatch))
    assert "cohesion" in drawn and "Sandbox: picked to place" not in drawn
