"""Session 24, accessibility review: a whole turn without the mouse (keyboard cursor, T for targets, Enter as a
click, the briefing's side choice, Enter in the file dialog), and the colour-blind palette's colours told apart
under simulated deuteranopia and protanopia (dummy SDL video)."""

from __future__ import annotations

import itertools
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import numpy as np
import pygame
import pytest
from conftest import app_of, goto, tiny_dict

from engine.game import run_agents
from engine.orders import Assault, Move, Recon
from engine.rules import new_game
from engine.savegame import save_dict
from engine.scenario import scenario_from_dict


def press(app: Any, screen: Any, key: int, mod: int = 0, uni: str = "") -> None:
    """A key pressed and released as the main loop sees it (the widgets first), then a frame."""
    for t in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(t, key=key, mod=mod, unicode=uni, scancode=0))
    for _ in range(2):  # (pygame_gui answers some keys with events of its own: the next round delivers them)
        for ev in pygame.event.get():
            app.handle_event(ev)
        app.gui.manager.update(0.05)
    app.update()
    app.render(screen)


def walk_cursor_to(app: Any, screen: Any, idx: int) -> None:
    """Arrow keys until the keyboard cursor stands on hex `idx`."""
    m = app.state.map
    for _ in range(200):
        if app.hover == idx and app.kb_cursor:
            return
        if app.hover is None or not app.kb_cursor:
            press(app, screen, pygame.K_RIGHT)
            continue
        (c, r), (tc, tr) = m.hex_of(app.hover), m.hex_of(idx)
        key = (pygame.K_RIGHT if tc > c else pygame.K_LEFT if tc < c else pygame.K_DOWN if tr > r else pygame.K_UP)
        press(app, screen, key)
    raise AssertionError(f"the cursor never reached {m.hex_of(idx)}: at {app.hover}")


# ------------------------------------------------------------------------------- 1: a move without the mouse
def test_arrow_keys_and_enter_move_a_unit(shusha, screen):
    """The arrows only panned the map and G said "point the mouse": no destination could be chosen without it.
    Now Tab selects, the arrows walk a cursor from hex to hex (kept in view), Enter acts on its hex."""
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    press(app, screen, pygame.K_TAB)
    uid = app.selected
    assert uid is not None
    start = app.state.unit(uid).idx
    dest = app.destinations()
    m = app.state.map
    far = max((i for i in dest if i != start and not app.own_units_at(i)),
              key=lambda i: (m.distance(i, start), i))
    walk_cursor_to(app, screen, far)
    x, y = app.hex_to_screen(far)  # the cursor is in sight, above the status bar
    assert 0 <= x <= app.map_rect.w and 0 <= y <= app.map_rect.h - app.status_reserve
    n = len(app.state.orders)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], Move)
    assert app.state.unit(uid).idx == far


def test_shift_arrows_still_pan_and_the_mouse_takes_the_hover_back(shusha, screen):
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    app.zoom_i = app.max_zoom_i
    app.center_on(app.state.map.idx((app.state.map.cols // 2, app.state.map.rows // 2)))
    vx = app.vx
    press(app, screen, pygame.K_RIGHT, pygame.KMOD_SHIFT)
    assert app.vx > vx and not app.kb_cursor
    press(app, screen, pygame.K_DOWN)
    assert app.kb_cursor and app.hover is not None
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(1, 1), buttons=(0, 0, 0)))
    assert not app.kb_cursor


def tiny_assault_app(screen: Any) -> Any:
    """Tinytown's assault phase, az_mech selected next to arm_inf_2 (3, 4): one target."""
    doc = tiny_dict()
    for u in doc["units"]:
        if u["id"] == "az_mech":
            u["hex"] = [4, 4]
    app = app_of(goto(new_game(scenario_from_dict(doc, source="tiny"), 1, track_sightings=True), "attacker",
                      "assault"), (0,))
    app.autoskip = False
    app.render(screen)
    app.select("az_mech")
    return app


def test_a_mouse_players_enter_confirms_the_preview_after_the_keyboard_cursor(screen):
    """The mouse moved after the keyboard cursor was used: Enter confirms the mouse's preview, not a click on the
    cursor's hex (this test's line before set `pending = None`, pressed Enter and asserted nothing)."""
    app = tiny_assault_app(screen)
    press(app, screen, pygame.K_DOWN)  # the keyboard cursor on, on az_mech's own hex
    assert app.kb_cursor and app.hover == app.state.unit("az_mech").idx
    target = app.targets()[0]
    app.click_hex(target)
    assert app.pending is not None and isinstance(app.pending[0], Assault)
    away = app.state.map.idx((4, 6))  # (an empty hex two from az_mech: the mouse is elsewhere, Enter still
    x, y = app.hex_to_screen(away)    # confirms the preview, as a mouse player's Enter does)
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(int(x), int(y)), rel=(1, 1), buttons=(0, 0, 0)))
    assert app.hover == away and not app.kb_cursor
    n = len(app.state.orders)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], Assault)
    assert app.state.orders[-1].unit == "az_mech"


def test_a_map_click_takes_the_map_back_from_the_keyboard_cursor(screen):
    """A click (no mouse motion before it) left `kb_cursor` on: the next Enter clicked the keyboard's hex (here
    az_mech's own) instead of confirming the preview the click showed."""
    app = tiny_assault_app(screen)
    press(app, screen, pygame.K_DOWN)
    assert app.kb_cursor
    target = app.targets()[0]
    x, y = app.hex_to_screen(target)
    app.on_left_click((int(x), int(y)))
    assert not app.kb_cursor and app.hover == target
    assert app.pending is not None and isinstance(app.pending[0], Assault)
    n = len(app.state.orders)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], Assault)


def test_zoom_keys_zoom_about_the_keyboard_cursor(shusha, screen):
    """+ zoomed about the middle of the map: the cursor's hex could leave the screen."""
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    app.fit_map()
    press(app, screen, pygame.K_TAB)
    press(app, screen, pygame.K_LEFT)
    idx = app.hover
    before = app.hex_to_screen(idx)
    for _ in range(3):
        press(app, screen, pygame.K_PLUS, uni="+")
    x, y = app.hex_to_screen(idx)
    assert app.hover == idx and 0 <= x <= app.map_rect.w and 0 <= y <= app.map_rect.h - app.status_reserve
    assert abs(x - before[0]) + abs(y - before[1]) < 4 * app.hex_size


# ------------------------------------------------------------------------- 2: a sortie and an assault by keys
def test_recon_sortie_by_keys(shusha, screen):
    """Air phase: Tab to the recon drone, the cursor to a hex, Enter shows the preview, Enter again flies it."""
    app = app_of(new_game(shusha, 2, track_sightings=True), (0,))
    app.autoskip = False
    app.render(screen)
    assert app.state.phase == "air"
    for _ in range(6):
        press(app, screen, pygame.K_TAB)
        if app.state.utype(app.state.unit(app.selected)).air_role == "recon":
            break
    drone = app.selected
    assert app.state.utype(app.state.unit(drone)).air_role == "recon"
    for _ in range(3):
        press(app, screen, pygame.K_UP)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert app.pending is not None and isinstance(app.pending[0], Recon)
    n = len(app.state.orders)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], Recon)
    assert app.state.orders[-1].unit == drone


def test_T_goes_to_the_targets_and_enter_assaults(screen):
    """Assault phase: T puts the cursor on the next enemy the selected unit can attack (the orange rings), Enter
    previews the odds, Enter again assaults."""
    doc = tiny_dict()
    for u in doc["units"]:
        if u["id"] == "az_mech":
            u["hex"] = [4, 4]  # next to arm_inf_2 in Tinytown (3, 4)
    app = app_of(goto(new_game(scenario_from_dict(doc, source="tiny"), 1, track_sightings=True), "attacker",
                      "assault"), (0,))
    app.autoskip = False
    app.render(screen)
    app.select("az_mech")
    press(app, screen, pygame.K_t, uni="t")
    assert app.kb_cursor and app.hover in app.targets()
    target = app.hover
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert app.pending is not None and isinstance(app.pending[0], Assault)
    assert app.state.map.idx(app.pending[0].target) == target
    n = len(app.state.orders)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], Assault)


def test_replay_takes_a_map_click_and_the_keyboard_cursor(shusha, screen):
    """`wargame replay`: a left click on the map was a TypeError (the game passes Ctrl to `click_hex`, the
    replay's did not take it); the keyboard cursor's Enter names the hex as a click does."""
    from ui.app import ai_rngs, game_agents
    from ui.replay import ReplayApp, ReplayModel

    st = new_game(shusha, 5)
    run_agents(st, game_agents(st)[0], ai_rngs(st), until_turn=2)
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1280, 800))
    viewer.show_lesson = False
    viewer.render(screen)
    mr = viewer.map_rect
    viewer.on_left_click((mr.centerx, mr.centery - 100))
    assert viewer.status == st.map.describe(viewer.screen_to_hex(mr.centerx, mr.centery - 100))
    viewer.on_key(pygame.K_UP, 0)
    viewer.on_key(pygame.K_RETURN, 0)
    assert viewer.kb_cursor and viewer.status == st.map.describe(viewer.hover)


# -------------------------------------------------------------------------------- 3: the briefing's side choice
def test_briefing_side_chosen_with_keys(shusha, screen):
    """A new game's briefing offered the attacker only as a button: Esc or L took the defender, no key the
    attacker."""
    from ui.app import App

    for key, side in ((pygame.K_a, 0), (pygame.K_d, 1)):
        app = App(new_game(shusha, 2, track_sightings=True), {1})
        app.side_choice = True
        app.show_lesson = True
        app.render(screen)
        assert app.briefing_open()
        assert any(b.text.startswith(f"{pygame.key.name(key).upper()}: play the ")
                   for b, s in app.side_buttons.items() if s == side)
        press(app, screen, key, uni=pygame.key.name(key))
        assert app.human == {side} and app.view_side == side and not app.side_choice


# ------------------------------------------------------------------------------------- 4: the file dialogs
def test_file_dialog_takes_enter(shusha, screen, tmp_path):
    """Ctrl+S opened a dialog whose name box had no focus and whose OK only the mouse could press: no save
    without the mouse. Now the box has the keys at once and Enter is OK; Esc still closes it."""
    path = tmp_path / "kb_save.json"
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,), save_path=path)
    app.render(screen)
    press(app, screen, pygame.K_s, pygame.KMOD_CTRL)
    assert app.gui.dialog is not None and app.gui.typing()
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert path.exists() and app.gui.dialog is None
    press(app, screen, pygame.K_o, pygame.KMOD_CTRL)
    press(app, screen, pygame.K_ESCAPE, uni="\x1b")
    assert app.gui.dialog is None
    press(app, screen, pygame.K_o, pygame.KMOD_CTRL)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert app.gui.dialog is None and app.status.startswith("Loaded")


def test_page_keys_scroll_the_help_and_the_briefing(shusha, screen):
    """The help and the briefing scrolled by the wheel or their bar only: a keyboard-only player read their first
    screen and no more (the arrows moved the map's cursor under the help)."""
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,), size=(1280, 800),
                 ui_scale=2.0)  # (at scale 1 the briefing fits its window now: no scroll bar)
    app.render(screen)
    press(app, screen, pygame.K_h, uni="h")
    app.gui.draw(screen)
    sb = next(el for el in app.gui.help_win.get_container().elements if hasattr(el, "scroll_bar")).scroll_bar
    assert sb is not None and sb.start_percentage == 0
    press(app, screen, pygame.K_PAGEDOWN)
    assert sb.start_percentage > 0.05
    press(app, screen, pygame.K_DOWN)
    down = sb.start_percentage
    assert not app.kb_cursor and down > 0.05
    press(app, screen, pygame.K_PAGEUP)
    assert sb.start_percentage < down
    press(app, screen, pygame.K_ESCAPE, uni="\x1b")
    app.show_lesson = True  # the briefing too
    app.render(screen)
    app.gui.draw(screen)
    assert app.briefing_open()
    box = next(el for el in app.lesson_win.get_container().elements if hasattr(el, "scroll_bar"))
    assert box.scroll_bar is not None  # (Shusha's briefing is longer than its window at 1280x800)
    press(app, screen, pygame.K_PAGEDOWN)
    assert box.scroll_bar.start_percentage > 0.05


def test_help_documents_the_keyboard():
    from ui.app import HELP

    keys = " | ".join(k for k, _ in HELP)
    text = " ".join(d for _, d in HELP)
    assert "Arrow keys, Enter" in keys and "T" in [k for k, _ in HELP]
    assert "Shift+arrows" in keys and "without the mouse" in text
    assert any("briefing" in k for k, _ in HELP)


# ------------------------------------------------------------------------------- 5: colours for colour blindness
MACHADO = {"deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                               [-0.011820, 0.042940, 0.968881]]),
           "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                               [-0.003882, -0.048116, 1.051998]]),
           "normal": np.eye(3)}
"""Machado, Oliveira and Fernandes (2009), severity 1.0, applied in linear RGB."""


def _lab(rgb: Any, kind: str) -> np.ndarray:
    c = np.asarray(rgb, float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    c = np.clip(MACHADO[kind] @ c, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    xyz = xyz / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: Any, b: Any, kind: str) -> float:
    """CIE76 distance between two colours as a viewer with `kind` of vision sees them."""
    return float(np.linalg.norm(_lab(a, kind) - _lab(b, kind)))


@pytest.mark.parametrize("kind", ["normal", "deutan", "protan"])
def test_colorblind_event_log_rows_differ(kind):
    """The colour-blind palette's attacker rows (orange lightened) were the turn rows' yellow (CIE76 5.4 under
    deuteranopia, 11.6 for normal vision)."""
    from ui import palette as pal
    from ui.gui import log_colours

    p = pal.get("colorblind")
    rows = {"plain": p.panel_fg, "bad": p.bad, **dict(zip(("attacker", "defender", "turn"), log_colours(p),
                                                          strict=True))}
    for a, b in itertools.combinations(rows, 2):
        assert delta_e(rows[a], rows[b], kind) >= 15, (a, b, kind)


@pytest.mark.parametrize("kind", ["deutan", "protan"])
def test_colorblind_good_and_bad_differ(kind):
    """GROUNDED / CAN FLY, reveals / stays hidden: red on green, one olive under deuteranopia (12.5)."""
    from ui import palette as pal

    p = pal.get("colorblind")
    assert delta_e(p.good, p.bad, kind) >= 40


def test_default_palette_log_unchanged():
    from ui import palette as pal
    from ui.gui import log_colours

    p = pal.get("default")
    assert log_colours(p) == (tuple(min(255, v + 70) for v in p.side[0]),
                              tuple(min(255, v + 70) for v in p.side[1]), p.accent)


# ------------------------------------------------------------------- 6: review 2: keys under windows and curtains
def _covering(app: Any) -> list[str]:
    """The windows open over the map (help, report, alert, game over)."""
    return [n for n in ("alert_win", "help_win", "report_win", "over_win")
            if getattr(app.gui, n) is not None and getattr(app.gui, n).alive()]


def _open_help(app: Any, screen: Any) -> None:
    press(app, screen, pygame.K_h, uni="h")


def _open_report(app: Any, screen: Any) -> None:
    press(app, screen, pygame.K_v, uni="v")


def _open_alert(app: Any, screen: Any) -> None:
    app.gui.alert("Test alert", ["Something the player must read."])
    app.render(screen)


@pytest.mark.parametrize("opener", [_open_help, _open_report, _open_alert], ids=["help", "report", "alert"])
def test_enter_and_the_cursor_keys_do_not_act_under_a_window(shusha, screen, opener):
    """Tab, the cursor to a reachable hex, H, Enter: the unit moved while the help stayed open (as under the
    enemy-turn report and an alert). Now Enter closes the window, as a click outside the help does, and the
    arrows, T, Space/E (end of phase), Tab, G and K wait for it; the next Enter moves the unit."""
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    press(app, screen, pygame.K_TAB)
    uid = app.selected
    start = app.state.unit(uid).idx
    dest = [i for i in app.destinations() if i != start and not app.own_units_at(i)]
    walk_cursor_to(app, screen, dest[0])
    opener(app, screen)
    assert len(_covering(app)) == 1
    n = len(app.state.orders)
    phase = (app.state.turn, app.state.side, app.state.phase_i)
    for key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_t, pygame.K_SPACE, pygame.K_e, pygame.K_TAB, pygame.K_g,
                pygame.K_k):
        press(app, screen, key)
        assert app.hover == dest[0] and app.selected == uid, key
        assert (app.state.turn, app.state.side, app.state.phase_i) == phase, key  # (Space ended the phase unseen)
        assert len(_covering(app)) == 1  # (still open: the key waited)
    from ui.goto_orders import GOTO_KEY, HOLD_KEY

    assert not app.state.extra.get(GOTO_KEY) and not app.state.extra.get(HOLD_KEY)  # (G and K made no plan)
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n and app.state.unit(uid).idx == start
    app.render(screen)
    assert not _covering(app) and not app.show_help and not app.show_report
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert len(app.state.orders) == n + 1 and app.state.unit(uid).idx == dest[0]


def test_cursor_keys_wait_under_the_game_over_window(screen):
    from conftest import tiny_scenario

    from ui.app import App

    scen = tiny_scenario()
    ai = App(new_game(scen, 0, track_sightings=True), set())
    ai.show_lesson = False
    ai.run_ai_until(scen.turns + 1)
    app = app_of(ai.state, (0,))
    app.render(screen)
    assert app.state.outcome is not None and _covering(app) == ["over_win"]
    press(app, screen, pygame.K_RIGHT)
    assert app.hover is None and not app.kb_cursor
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert not _covering(app)
    press(app, screen, pygame.K_RIGHT)
    assert app.kb_cursor and app.hover is not None


def test_keys_do_nothing_behind_the_hotseat_pass_screen(shusha, screen):
    """The arrows, Tab and T moved the cursor and the selection behind the curtain: only Enter, Space (lift it),
    Ctrl+Q and F12 do anything there."""
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0, 1), hotseat=True)
    app.render(screen)
    app.pass_screen = True
    for key, uni in ((pygame.K_RIGHT, ""), (pygame.K_TAB, "\t"), (pygame.K_t, "t"), (pygame.K_DOWN, ""),
                     (pygame.K_h, "h"), (pygame.K_o, "o"), (pygame.K_1, "1")):
        press(app, screen, key, uni=uni)
        assert app.pass_screen and app.hover is None and not app.kb_cursor and app.selected is None
        assert not app.show_help and not app.old_sightings and not app.overlays
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert not app.pass_screen


def test_tab_puts_the_cursor_on_a_drone(shusha, screen):
    """Tab to a drone left the keyboard cursor on the last ground unit's hex: the first Enter selected that unit.
    The cursor's first placement (an arrow key) skipped the drone's hex too."""
    app = app_of(new_game(shusha, 2, track_sightings=True), (0,))
    app.autoskip = False
    app.render(screen)
    assert app.state.phase == "air"
    press(app, screen, pygame.K_DOWN)  # the cursor on
    for _ in range(8):
        press(app, screen, pygame.K_TAB)
        u = app.state.unit(app.selected)
        if app.state.utype(u).domain == "air" and not u.offmap:
            break
    drone = app.selected
    u = app.state.unit(drone)
    assert app.state.utype(u).domain == "air" and not u.offmap
    assert app.kb_cursor and app.hover == u.idx
    x, y = app.hex_to_screen(u.idx)
    assert 0 <= x <= app.map_rect.w and 0 <= y <= app.map_rect.h - app.status_reserve
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert app.selected is not None and app.state.utype(app.state.unit(app.selected)).domain == "air"
    # the first arrow press puts the cursor on the selected drone's hex
    app2 = app_of(new_game(shusha, 2, track_sightings=True), (0,))
    app2.autoskip = False
    app2.render(screen)
    app2.select(drone)
    press(app2, screen, pygame.K_DOWN)
    assert app2.kb_cursor and app2.hover == u.idx


def test_page_keys_scroll_the_help_in_a_replay(shusha, screen):
    """In a replay Page Down stepped a turn under the help, which says Page Up/Down scroll it."""
    from ui.app import ai_rngs, game_agents
    from ui.replay import ReplayApp, ReplayModel

    st = new_game(shusha, 5)
    run_agents(st, game_agents(st)[0], ai_rngs(st), until_turn=2)
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1280, 800))
    viewer.show_lesson = False
    viewer.render(screen)
    press(viewer, screen, pygame.K_h, uni="h")
    viewer.gui.draw(screen)
    sb = next(el for el in viewer.gui.help_win.get_container().elements if hasattr(el, "scroll_bar")).scroll_bar
    k0 = viewer.model.k
    press(viewer, screen, pygame.K_PAGEDOWN)
    assert viewer.model.k == k0 and sb.start_percentage > 0.05
    down = sb.start_percentage
    press(viewer, screen, pygame.K_PAGEUP)
    assert viewer.model.k == k0 and sb.start_percentage < down
    press(viewer, screen, pygame.K_ESCAPE, uni="\x1b")
    press(viewer, screen, pygame.K_PAGEDOWN)  # (no help: the replay steps a turn)
    assert viewer.model.k > k0


def test_typing_in_the_save_box_replaces_the_file_name_not_the_folder(shusha, screen, tmp_path):
    """pygame_gui selected the stem's first occurrence in the path: in ".../box/x.json" typing replaced the "x" of
    "box"."""
    folder = tmp_path / "box"
    folder.mkdir()
    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,),
                 save_path=folder / "x.json")
    app.render(screen)
    press(app, screen, pygame.K_s, pygame.KMOD_CTRL)
    box = app.gui.dialog.file_path_text_line
    for ch, key in (("a", pygame.K_a), ("d", pygame.K_d), ("t", pygame.K_t)):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=ch, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=ch, scancode=0))
        for ev in pygame.event.get():
            app.handle_event(ev)
        app.gui.manager.update(0.05)
    assert box.get_text() == str(folder / "adt.json")
    press(app, screen, pygame.K_RETURN, uni="\r")
    assert (folder / "adt.json").exists() and not (folder / "x.json").exists()
