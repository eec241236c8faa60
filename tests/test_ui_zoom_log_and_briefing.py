"""Session 24, small UI defects from earlier reviews: the view after loading a save, the briefing taking the input,
Tab after the idle-units warning, a replay's plans, zoom steps, move-cost tags under place names, the event log on
a small screen (dummy SDL video)."""

from __future__ import annotations

import itertools
import json
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
    doc = json.loads(path.read_text())
    del doc["extra"]["view"]  # (a save without the view it was made with: older, or `wargame run`'s; one with it
    path.write_text(json.dumps(doc))  # opens on that view: tests/test_s36_save_view.py)
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
    assert app.status.startswith("Not yet moved: ")
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
def solid_reach_tags(monkeypatch: Any) -> tuple[int, int, int]:
    """Make every move-cost tag a solid magenta block (returned), easy to find in the rendered pixels."""
    from ui.app import App

    magenta = (255, 0, 255)

    def solid(self: Any, cost: float, hex_size: float) -> pygame.Surface:
        img = pygame.Surface((22, 12))
        img.fill(magenta)
        return img

    monkeypatch.setattr(App, "reach_tag", solid)
    return magenta


def test_move_cost_tags_are_drawn_above_place_names(shusha, screen, monkeypatch):
    """A town's name keeps its spot over the reach's cost tags when it must; the tags were drawn under it."""

    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), (1,))
    app.zoom_i = app.zoom_levels.index(14)
    app.select("arm_tank_1")
    app.center_on(app.state.unit("arm_tank_1").idx)
    magenta = solid_reach_tags(monkeypatch)
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


# =============================================================================== review of the above (uifix2)
@pytest.fixture(scope="module")
def ended_ai_game(shusha) -> Any:
    """An AI game of Shusha played to its end (a long log: ~2300 rows)."""
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), set(), size=(1326, 700))
    app.show_lesson = False
    app.run_ai_until(shusha.turns + 1)
    assert app.state.outcome is not None
    return app.state


def newest_row_on_screen(app: Any) -> bool:
    """Whether the event log's last row is laid out (pygame_gui makes widgets only for the rows in view)."""
    items = app.gui.log_box.item_list
    return bool(items) and items[-1]["button_element"] is not None


def test_a_long_event_log_shows_its_newest_rows(ended_ai_game, screen):
    """pygame_gui keeps a scroll bar's slider >= 5 px, and stopped a 2268-row log ~60 rows short of its end."""
    from ui.app import App

    app = App(ended_ai_game, set(), size=(1326, 700))
    app.show_lesson = False
    app.log_anchor = None
    for _ in range(2):
        app.render(screen)
        app.gui.manager.update(0.7)
    sb = app.gui.log_box.scroll_bar
    assert sb is not None and sb.visible_percentage * sb.scrollable_height < 5  # (the case: a slider too tall)
    assert newest_row_on_screen(app)
    # scrolled up, then back to the bottom by the reader (the slider at the end of its track): the newest again
    sb.set_scroll_from_start_percentage(0.0)
    app.gui.manager.update(0.05)
    assert not newest_row_on_screen(app)
    sb.set_scroll_from_start_percentage(1.0)
    app.gui.manager.update(0.05)
    assert not newest_row_on_screen(app)  # (pygame_gui alone: short of the end)
    app.render(screen)
    app.gui.manager.update(0.05)
    assert newest_row_on_screen(app)


def test_the_shrunk_event_log_shows_its_newest_rows(shusha, screen):
    """Shrunk to 4 rows for a recon sortie's preview (1326x700), the log showed rows from two turns before."""
    from ui.gui import LOG_MIN_ROWS, log_row_height

    app = app_of(new_game(shusha, 0, "overcast", track_sightings=True), (), (1326, 700))
    app.run_ai_until(14)
    app.human = {1}
    app.state = goto(app.state, "defender", "air")
    surf = pygame.Surface(app.size)
    app.render(surf)
    app.select("arm_orlan")
    app.preview(Recon("arm_orlan", (0, 0)))
    for _ in range(2):
        app.render(surf)
        app.gui.manager.update(0.05)
    sb = app.gui.log_box.scroll_bar
    # (shrunk: at least its minimum rows, and since session 34 whatever room the preview leaves it)
    assert app.gui._log_level == 1 and app.gui.log_box.rect.h >= LOG_MIN_ROWS * log_row_height(1.0) + 8
    assert sb is not None and sb.visible_percentage * sb.scrollable_height < 5  # (the case: a slider too tall)
    assert newest_row_on_screen(app)
    app.gui.set_log_room(0)  # (the log whole, then shrunk again by hand: it follows its end each time)
    app.gui.set_log_room(1)
    app.gui.manager.update(0.05)
    assert newest_row_on_screen(app)


def test_the_wheel_over_the_open_briefing_scrolls_its_text_not_the_map(shusha, screen):
    """The wheel over the briefing (its title bar, its text before pygame_gui saw the mouse there) zoomed the map
    under it."""
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), {1}, size=(1280, 800), ui_scale=2.0)
    app.show_lesson = True  # (scale 2: at 1 the briefing fits its window at 1280x800, with no text to scroll)
    app.render(screen)
    app.zoom_i = 2
    app.clamp_view()
    win = app.lesson_win
    text = next(e for e in win.get_container().elements if getattr(e, "scroll_bar", None) is not None)
    down = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False, precise_x=0.0, precise_y=-1.0)
    for spot in (win.rect.center, (win.rect.x + 5, win.rect.y + 5)):
        pygame.mouse.set_pos(spot)
        if pygame.mouse.get_pos() != spot:
            pytest.skip("the dummy video driver did not move the mouse")
        for _ in range(3):
            app.handle_event(down)
            app.render(screen)
        assert app.zoom_i == 2, spot
    assert text.scroll_bar.start_percentage > 0


def test_see_all_shows_both_sides_grounded_drones(shusha, screen):
    """`--see-all` named only the viewing side's grounded drones on the GROUNDED plate."""
    from ui import panels

    st = goto(new_game(shusha, 0, "overcast", track_sightings=True), "defender", "air")
    app = app_of(st, (1,))
    assert not panels.grounded_rows(app) and not panels.grounded_causes(app)  # (the defender's Orlan flies)
    app.omniscient = True
    rows = panels.grounded_rows(app)
    assert rows and all(r[0].startswith("attacker's ") for r in rows)
    causes = panels.grounded_causes(app)
    assert causes and "az_tb2" in causes[0][0] and "cloud base 400 m" in causes[0][0]


def test_a_replay_leaves_the_games_own_plans_and_document_alone(shusha):
    """Building a replay from a live game's `save_dict` took the game's hold marks away (the document shares its
    `extra`), and dropping a bad go-to entry changed the document."""
    from engine.savegame import save_dict
    from ui import goto_orders
    from ui.replay import ReplayModel

    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "movement")
    uid = next(u.id for u in st.units if u.side == 0 and u.active and not u.offmap)
    goto_orders.set_hold(st, uid, True)
    goto_orders.orders(st)["no_such_unit"] = [3, 3]
    doc = save_dict(st)
    m = ReplayModel.from_save_dict(doc)
    assert goto_orders.held(st) == {uid}
    assert doc["extra"][goto_orders.GOTO_KEY] == {"no_such_unit": [3, 3]}
    assert any("no_such_unit" in n for n in m.notes)  # (the file's fault is still named)
    assert not goto_orders.held(m.state)


def test_move_cost_tags_over_a_name_stay_under_the_counters(shusha, screen, monkeypatch):
    """The tags redrawn over a place name were drawn over the counters they touched too."""

    magenta = solid_reach_tags(monkeypatch)
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), (1,))
    app.zoom_i = app.zoom_levels.index(14)
    app.select("arm_tank_1")
    app.center_on(app.state.unit("arm_tank_1").idx)
    surf = pygame.Surface(app.size)
    app.render(surf)
    labels = [r for _, r in app.place_labels]
    counters = [r for _, r in app.unit_boxes.values()]
    both = [r for _, r in app._reach_tag_rects() if r.collidelist(labels) >= 0 and r.collidelist(counters) >= 0]
    assert both  # (a tag under a town's name and a counter)
    view = pygame.Rect(int(app.vx), int(app.vy), *app.map_rect.size)
    for r in both:
        for c in counters:
            part = r.clip(c).clip(view).move(-view.x, -view.y)
            assert not any(surf.get_at((x, y))[:3] == magenta for x in range(part.left, part.right)
                           for y in range(part.top, part.bottom))


def test_panel_lines_beside_the_shrunk_log_can_be_clicked(shusha, screen):
    """Lines the panel drew below the whole log's top (while the log was shrunk) were not clickable."""
    from ui import panels

    app = app_of(goto(new_game(shusha, 0, "overcast", track_sightings=True), "attacker", "air"), (0,))
    app.render(screen)
    g = app.gui
    probe = panels.Writer(app, screen, app.panel_rect, measure=True)
    panels._aircraft(app, probe, 0)
    w = panels.Writer(app, screen, app.panel_rect)
    w.limit = g.info_bottom_small_log
    w.y = w.limit - (probe.y - probe.rect.y - 8) + 40  # (the last lines run past the limit)
    assert g.info_bottom < w.limit
    app.click_regions = []
    panels._aircraft(app, w, 0)
    lower = [r for r, _ in app.click_regions if r.bottom > g.info_bottom]
    assert lower and all(r.bottom <= w.limit for r in lower)  # (those below the limit, not drawn, are not)
    assert w.y > w.limit


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 800)])
def test_the_closest_zoom_is_the_largest_size_that_fits_in_memory(shusha, screen, size):
    """Shusha's closest zoom fell from 46 px to 40 px (56 px takes too much memory)."""
    from ui.app import App, _fits_memory
    from ui.render_map import ZOOM_NEAR, MapGeometry

    app = App(new_game(shusha, 1), {1}, size=size)
    levels = app.zoom_levels
    top = levels[-1]
    assert top >= 46 and _fits_memory(MapGeometry(app.renderer.gmap, top))
    assert not _fits_memory(MapGeometry(app.renderer.gmap, top + 1))
    assert min(b / a for a, b in itertools.pairwise(levels)) >= ZOOM_NEAR


def test_an_alert_closes_the_briefing_so_that_ctrl_s_works(shusha, screen):
    """The autosave alert says "Save with Ctrl+S", which the open briefing blocked."""
    app = app_of(new_game(shusha, 0, track_sightings=True), (1,))
    app.show_lesson = True
    app.render(screen)
    assert app.briefing_open()
    app.gui.alert("The game could not be saved", ["Save it with Save… (Ctrl+S)."])
    assert not app.briefing_open() and not app.show_lesson
    app.on_key(pygame.K_s, pygame.KMOD_CTRL)
    assert app.gui.dialog is not None and app.gui.dialog.alive()


def test_the_game_over_window_over_the_briefing_takes_its_own_clicks(shusha, screen):
    """A finished game with the briefing open: a click on the game-over window's close button closed the
    briefing under it instead."""
    from ui.app import App

    scen = load_scenario(SHUSHA.parent / "lessons" / "ambush.json")
    ai = App(new_game(scen, 0, track_sightings=True), set(), size=(1024, 700))
    ai.show_lesson = False
    ai.run_ai_until(scen.turns + 1)
    app = App(ai.state, {1}, size=(1024, 700))
    app.show_lesson = True
    screen = pygame.Surface(app.size)  # (`render` follows its surface's size)
    app.render(screen)
    over = app.gui.over_win
    assert over is not None and over.alive()
    spot = over.close_window_button.rect.center
    pygame.event.clear()
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        app.handle_event(pygame.event.Event(kind, pos=spot, button=1))
        for ev in pygame.event.get():
            app.handle_event(ev)
    app.gui.manager.update(0.05)
    for ev in pygame.event.get():
        app.handle_event(ev)
    assert app.briefing_open() and not over.alive()
    app.render(screen)
    assert app.gui.over_win is None or not app.gui.over_win.alive()


def test_the_replay_does_not_step_under_the_briefing(shusha, screen):
    from engine.savegame import save_dict
    from ui.replay import ReplayApp, ReplayModel

    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "assault")
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1280, 800))
    viewer.goto(2)
    viewer.show_lesson = True
    viewer.render(screen)
    for key in (pygame.K_RIGHT, pygame.K_LEFT, pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_HOME, pygame.K_END):
        viewer.on_key(key, 0)
        assert viewer.model.k == 2 and "Esc or L closes it" in viewer.status
    viewer.on_key(pygame.K_ESCAPE, 0)
    viewer.render(screen)
    viewer.on_key(pygame.K_RIGHT, 0)
    assert viewer.model.k == 3
