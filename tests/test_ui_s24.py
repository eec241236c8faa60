"""Session 24, small UI defects from earlier reviews: the view after loading a save, the briefing taking the input,
Tab after the idle-units warning, a replay's plans, zoom steps, move-cost tags under place names, the event log on
a small screen (dummy SDL video)."""

from __future__ import annotations

import itertools
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import goto

from engine.orders import Recon
from engine.rules import new_game
from engine.scenario import load_scenario

SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


@pytest.fixture(scope="module")
def shusha() -> Any:
    return load_scenario(SHUSHA)


def idle(app: Any) -> list[str]:
    """The units the idle warning names, in its order (able to act, not left out by `need_not_act`)."""
    skip = app.need_not_act()
    return sorted(u for u in app.able_units() if u not in skip)


def app_of(state: Any, human: tuple[int, ...], size: tuple[int, int] = (1280, 800)) -> Any:
    from ui.app import App

    app = App(state, set(human), size=size)
    app.show_lesson = False
    return app


def own_centre_on_screen(app: Any) -> tuple[float, float]:
    """Where the mean of the viewing side's on-map ground units is, in window pixels."""
    own = app.own_units_at_any()
    g = app.geo
    return (sum(g.center(u.idx)[0] for u in own) / len(own) - app.vx,
            sum(g.center(u.idx)[1] for u in own) / len(own) - app.vy)


# ------------------------------------------------------------------------------------------ 1: load re-centres
def test_loading_a_save_in_the_game_opens_on_the_players_units(shusha, screen, tmp_path):
    """Ctrl+O kept the old view: a whole-map view stayed whole, a corner stayed a corner (a new game opens zoomed
    in on the player's units)."""
    from ui.render_units import SMALL_COUNTER_H, counter_size

    app = app_of(goto(new_game(shusha, 2, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    path = tmp_path / "g.json"
    app.save(path)
    app.fit_map()  # Home: the whole map, counters too small to read
    app.load(path)
    assert counter_size(app.hex_size)[1] >= SMALL_COUNTER_H
    x, y = own_centre_on_screen(app)
    assert 0 < x < app.map_rect.w and 0 < y < app.map_rect.h - app.status_reserve
    app.zoom_i = app.max_zoom_i  # zoomed in on the far corner
    app.vx = app.vy = 0.0
    app.clamp_view()
    app.load(path)
    x, y = own_centre_on_screen(app)
    assert 0 < x < app.map_rect.w and 0 < y < app.map_rect.h - app.status_reserve
    assert app.zoom_i == app.max_zoom_i  # (zoomed in further already: only centred)


# ------------------------------------------------------------------------------------ 2: the briefing is modal
def test_the_open_briefing_takes_the_mouse_and_keys(shusha, screen):
    """Under the open briefing the panel's hex info, buttons and tips followed the mouse, the wheel zoomed the map
    and keys toggled overlays."""
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = True
    app.render(screen)
    win = app.lesson_win
    assert win.alive() and win.is_blocking  # (pygame_gui: nothing under it lights up or shows a tip)
    spot = next((x, y) for x in range(10, app.map_rect.w, 20) for y in range(10, app.map_rect.h - 60, 20)
                if not win.rect.collidepoint(x, y) and app.screen_to_hex(x, y) is not None)
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=spot, rel=(3, 0), buttons=(0, 0, 0)))
    assert app.hover is None
    zoom = app.zoom_i
    pygame.mouse.set_pos(spot)
    app.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False, precise_x=0.0, precise_y=1.0))
    assert app.zoom_i == zoom
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0, unicode="1"))
    assert not app.overlays and "Esc or L closes it" in app.status
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=spot, button=3))
    assert app.drag is None  # (no pan started under it)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode=""))
    app.render(screen)
    assert not (app.lesson_win and app.lesson_win.alive())
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=spot, rel=(3, 0), buttons=(0, 0, 0)))
    assert app.hover == app.screen_to_hex(*spot)  # closed: the map hovers again


def test_a_click_outside_the_briefing_still_closes_it_or_asks_for_a_side(shusha, screen):
    from ui.app import CHOOSE_SIDE, App

    app = App(new_game(shusha, 0, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = True
    app.side_choice = True
    app.render(screen)
    out = (5, 5)
    assert not app.lesson_win.rect.collidepoint(out)
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=out, button=1))
    assert app.status == CHOOSE_SIDE and app.lesson_win.alive() and app.selected is None
    app.side_choice = False
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=out, button=1))
    assert not app.show_lesson


# ------------------------------------------------------------------------------- 3: Tab after the idle warning
def test_tab_after_the_idle_warning_goes_through_the_units_it_names(shusha, screen):
    """"Tab to go to them" took the player to the guns and the units the warning leaves out."""
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    able = app.able_units()
    named = idle(app)
    assert named and set(able) - set(named)  # (guns, units in contact: able to move, not named)
    app.end_phase()
    assert "Tab to go to them" in app.status and app.state.phase == "movement"
    seen = []
    for _ in range(len(able)):
        app.on_key(pygame.K_TAB, 0)
        seen.append(app.selected)
    assert set(seen) == set(named) and seen[: len(named)] == named
    assert "the end-of-phase warning names" in app.status
    # a unit marked to hold drops out of the cycle
    from ui import goto_orders

    goto_orders.set_hold(app.state, named[0], True)
    app.select(None)
    for _ in range(len(named) + 1):
        app.on_key(pygame.K_TAB, 0)
        assert app.selected != named[0]


def test_tab_before_the_warning_still_reaches_every_unit_that_can_act(shusha, screen):
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    able = app.able_units()
    seen = set()
    for _ in range(len(able)):
        app.on_key(pygame.K_TAB, 0)
        seen.add(app.selected)
    assert seen == able


# -------------------------------------------------------------------------- 4: a replay shows no final plans
def test_a_replay_shows_no_hold_marks_or_goto_orders_of_the_saves_end(shusha, screen):
    """Every step of a replay showed the HOLD tags and go-to flags the game had when it was saved."""
    from engine.savegame import save_dict
    from ui import goto_orders
    from ui.replay import ReplayApp, ReplayModel

    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement"), (0,))
    app.render(screen)
    ids = idle(app)
    goto_orders.set_hold(app.state, ids[0], True)
    goto_orders.orders(app.state)[ids[1]] = [30, 20]
    doc = save_dict(app.state)
    assert doc["extra"].get(goto_orders.HOLD_KEY) and doc["extra"].get(goto_orders.GOTO_KEY)
    viewer = ReplayApp(ReplayModel.from_save_dict(doc), size=(1280, 800))
    for k in (0, viewer.model.n // 2, viewer.model.n):
        viewer.goto(k)
        viewer.render(screen)
        assert not goto_orders.held(viewer.state) and not goto_orders.side_orders(viewer.state, 0), k


# ----------------------------------------------------------------------------------------------- 5: zoom steps
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1280, 800)])
def test_zoom_steps_are_geometric_and_few_from_the_whole_map_to_a_close_up(shusha, screen, size):
    from ui.app import App

    app = App(new_game(shusha, 1), {1}, size=size)
    levels = app.zoom_levels
    ratios = [b / a for a, b in itertools.pairwise(levels)]
    assert min(ratios) >= 1.2, levels
    clicks = sum(1 for s in levels if s > app.hex_size and s <= 40)  # the whole map to 40 px hexes
    assert clicks <= 4, levels


def test_the_wheel_keeps_the_point_under_the_mouse(shusha, screen):
    from ui.app import App

    app = App(new_game(shusha, 1), {1}, size=(1280, 800))
    app.zoom(1)  # (zoomed in: the view can scroll, the map is not centred by the clamp)
    at = (app.map_rect.w // 2 + 40, app.map_rect.h // 2 - 30)

    def spot() -> tuple[float, float]:
        g = app.geo
        return (app.vx + at[0] - g.ox) / g.size, (app.vy + at[1] - g.oy) / g.size

    pygame.mouse.set_pos(at)
    at = pygame.mouse.get_pos()  # (the dummy driver may keep the mouse where it was)
    hexed, before = app.screen_to_hex(*at), spot()
    app.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False, precise_x=0.0, precise_y=1.0))
    after = spot()
    assert app.screen_to_hex(*at) == hexed
    assert abs(after[0] - before[0]) * app.hex_size <= 1 and abs(after[1] - before[1]) * app.hex_size <= 1


# ------------------------------------------------------------------------------- 6: move costs over place names
def test_move_cost_tags_are_drawn_above_place_names(shusha, screen, monkeypatch):
    """A town's name keeps its spot over the reach's cost tags when it must; the tags were drawn under it."""
    from ui.app import App

    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), (1,))
    app.zoom_i = app.zoom_levels.index(14)
    app.select("arm_tank_1")
    app.center_on(app.state.unit("arm_tank_1").idx)
    magenta = (255, 0, 255)

    def solid(self: Any, cost: float, hex_size: float) -> pygame.Surface:
        img = pygame.Surface((22, 12))
        img.fill(magenta)
        return img

    monkeypatch.setattr(App, "reach_tag", solid)
    surf = pygame.Surface(app.size)
    app.render(surf)
    labels = [r for _, r in app.place_labels]
    under = [r for _, r in app._reach_tag_rects()
             if r.collidelist(labels) >= 0 and r.collidelist(app.counter_boxes) < 0]
    assert under  # (Stepanakert's name over the tank's reach)
    for r in under:
        s = r.move(-int(app.vx), -int(app.vy))
        if not app.map_rect.contains(s) or s.bottom >= app.map_rect.bottom - app.status_reserve:
            continue
        assert all(surf.get_at((x, y))[:3] == magenta for x in range(s.left, s.right) for y in range(s.top, s.bottom))


# ------------------------------------------------------------------------------ 7: the event log on a laptop
def test_the_event_log_keeps_its_rows_beside_a_long_preview_at_1326x700(shusha, screen):
    """With the enemy's drones grounded, a recon sortie's preview hid the whole event log at 1326x700."""
    from ui.gui import log_row_height

    size = (1326, 700)
    app = app_of(goto(new_game(shusha, 0, "overcast", track_sightings=True), "defender", "air"), (1,), size)
    app.open_on_own_forces()
    surf = pygame.Surface(size)
    app.render(surf)
    app.select("arm_orlan")
    app.preview(Recon("arm_orlan", (0, 0)))
    app.render(surf)
    box = app.gui.log_box
    assert box.visible and app.gui.log_title.visible
    assert box.rect.h >= 4 * log_row_height(app.ui_scale)
    assert len(app.gui._log_items) > 0
    from ui import panels

    assert panels.draw_panel(app, surf, app.panel_rect) <= app.gui.log_title.rect.top
    app.pending = None
    app.select(None)
    app.render(surf)
    assert box.rect.h > 4 * log_row_height(app.ui_scale) + 20  # the whole log back


def test_the_event_log_hides_only_when_a_preview_does_not_fit_beside_its_rows(shusha, screen):
    """At 1024x700 and --ui-scale 1.5 a long preview still takes the whole panel (read whole first); a short one
    leaves the log its rows; the log comes back whole afterwards, at its full height."""
    from ui import panels
    from ui.app import App

    app = App(new_game(shusha, 3), {1}, size=(1024, 700), ui_scale=1.5)
    app.show_lesson = False
    surf = pygame.Surface((1024, 700))
    app.render(surf)
    full = app.gui.log_box.rect.copy()
    levels = []
    for lines in (13, 4, 0):
        app.pending = (None, [f"preview line {k}: a modifier or the odds" for k in range(lines)]) if lines else None
        panels.draw_panel(app, surf, app.panel_rect)
        levels.append(app.gui._log_level)
    assert levels == [2, 1, 0]
    assert app.gui.log_box.visible and app.gui.log_box.rect == full
