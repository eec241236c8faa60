"""A player's playtest (session 34): units on the map's bottom row sat under a status bar grown to four lines and could
not be clicked (the click opened the report), and a go-to march ambushed on the way said nothing of what it lost."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

from typing import Any

import pygame
from conftest import app_of, shusha_scenario

from engine.rules import apply, new_game


def _shusha_app(size=(1280, 800), scale=1.5) -> Any:
    app = app_of(new_game(shusha_scenario(), 1), (0,), size=size, ui_scale=scale)
    app.open_on_own_forces()
    app.render(pygame.Surface(app.size))
    return app


def test_the_bottom_row_scrolls_above_a_status_bar_of_four_lines(screen: Any) -> None:
    app = _shusha_app()
    lh = app.ui_text.line_height(13)
    app.status_bar_h = 4 * lh + 8  # (as `panels.draw_status` records a bar of four lines)
    assert app.status_cover > app.status_reserve
    bottom = app.state.map.idx((10, app.state.map.rows - 1))
    app.center_on(bottom)
    app.vy = 1e9
    app.clamp_view()
    x, y = app.hex_to_screen(bottom)
    assert y + app.hex_size * 0.5 <= app.map_rect.h - app.status_cover + 1
    assert app.screen_to_hex(app.map_rect.x + int(x), app.map_rect.y + int(y)) == bottom
    # a point over the bar's upper lines is the bar's, not the hex scrolled under it
    assert app.screen_to_hex(app.map_rect.x + 50, app.map_rect.bottom - app.status_cover + 2) is None


def test_keep_in_view_keeps_the_cursor_above_the_taller_bar(screen: Any) -> None:
    app = _shusha_app()
    app.status_bar_h = 4 * app.ui_text.line_height(13) + 8
    bottom = app.state.map.idx((10, app.state.map.rows - 1))
    app.keep_in_view(bottom)
    _, y = app.hex_to_screen(bottom)
    assert y <= app.map_rect.h - app.status_cover


def _tank_marching() -> Any:
    """The Shusha defender's tank company with a go-to order to Lisagor, at the start of its movement phase."""
    from engine.orders import EndPhase
    from ui import goto_orders

    st = new_game(shusha_scenario(), 0)
    while not (st.side == 1 and st.phase == "air"):
        apply(st, EndPhase(st.side_name))
    app = app_of(st, (1,), size=(1280, 800))
    app.select("arm_tank_1")
    goto_orders.give(app, st.map.idx((12, 20)))
    while app.state.phase != "movement":
        app.issue(EndPhase(app.state.side_name))
    return app


def test_a_go_to_march_ambushed_on_the_way_says_what_it_lost(screen: Any, monkeypatch: Any) -> None:
    from engine.events import AmbushSprung
    from ui import goto_orders

    app = _tank_marching()
    real = app.issue

    def ambushed(order: Any, undoable: bool = False) -> Any:  # (the step runs into an ambush that costs a step)
        events = real(order, undoable)
        tank = app.state.unit("arm_tank_1")
        tank.strength -= 1
        amb = AmbushSprung.__new__(AmbushSprung)
        monkeypatch.setattr(type(amb), "units", lambda self: ["arm_tank_1"], raising=False)
        return [*events, amb]

    monkeypatch.setattr(app, "issue", ambushed)
    said = goto_orders.run(app)
    tank = app.state.unit("arm_tank_1")
    line = next(s for s in said if "stopped: ambushed" in s)
    assert f"lost 1 step ({tank.strength} of {app.state.utype(tank).max_steps} steps left)" in line
    assert any("lost 1 step" in n for n in app.report_notes)


def test_the_movement_hints_name_the_go_to_order(screen: Any) -> None:
    """The march to Shusha is 15 turns of clicks; the go-to order (Shift+click) was named only in the hovered hex's
    lines, which a selected unit pushes off a 1280x800 panel at --ui-scale 1.5."""
    from engine.orders import EndPhase
    from ui import panels

    app = _shusha_app()
    while app.state.phase != "movement":
        app.issue(EndPhase(app.state.side_name))
    assert "Shift+click a far hex" in panels.phase_hint(app)
    u = app.state.unit("az_sf_1")
    assert "Shift+click a far hex" in panels.unit_hint(app, u, app.state.utype(u))


def _shares(d: int, r: int, rep: int, lost: int) -> dict[str, int]:
    return {"defenders destroyed": d, "defenders retreat": r, "assault repulsed": rep,
            "assaulting unit destroyed": lost}


def test_the_assault_headline_gives_the_odds_and_says_when_it_cannot_succeed() -> None:
    from ui.app import assault_headline

    assert assault_headline([_shares(10, 21, 69, 0)]) == "takes it 31%, your unit destroyed 0%"
    assert assault_headline([_shares(5, 20, 70, 5), _shares(10, 35, 50, 5)]) == \
        "takes it 25-45%, your unit destroyed 5% (a range: the defender's cohesion unknown)"
    assert assault_headline([_shares(0, 0, 100, 0), _shares(0, 0, 60, 40)]) == \
        "CANNOT SUCCEED: your unit destroyed 0-40%, repulsed 60-100%"  # (the risk first: session 36)
    assert assault_headline([]) == ""


def test_an_assault_preview_puts_its_odds_on_the_status_line(screen: Any) -> None:
    from conftest import sandbox_assault

    state, assault = sandbox_assault()
    app = app_of(state, (0,))
    app.preview(assault)
    assert ("takes it " in app.status or "CANNOT SUCCEED" in app.status) and "confirm with Enter" in app.status
    assert any(s.startswith("NO CHANCE") for s in app.pending[1]) is ("CANNOT SUCCEED" in app.status)


def test_go_to_news_leads_the_status_line_when_nothing_of_the_enemy_was_seen(screen: Any) -> None:
    from ui import goto_orders

    app = _tank_marching()
    app.status = goto_orders.NOTHING_SEEN + goto_orders.SKIP_NOTE + "artillery phase (nothing to order)"
    goto_orders.run_phase_start(app)
    assert app.status.startswith("Go-to orders (defender): ")
    assert "you saw nothing" not in app.status
    assert app.status.endswith(goto_orders.SKIP_NOTE + "artillery phase (nothing to order)")


def test_the_players_reinforcements_are_named_on_the_status_line_and_in_the_report(screen: Any) -> None:
    from engine.orders import EndPhase

    st = new_game(shusha_scenario(), 0)
    app = app_of(st, (0,), size=(1280, 800))
    while not (app.state.turn == 2 and app.state.side == 0):
        apply(app.state, EndPhase(app.state.side_name))
    start, _ = app.last_enemy_half_turn()
    app.show_enemy_turn(start)
    arrived = [ev for ev in app.state.log[start:] if ev.kind == "ReinforcementArrived" and ev.side == "attacker"]
    assert arrived, "the Shusha attacker gets reinforcements on turn 2"
    name = app.names.short(arrived[0].unit)
    assert "your reinforcements: " in app.status and name in app.status
    assert any(n.startswith("Your reinforcements: ") and name in n for n in app.report_notes)


def test_the_roster_says_where_each_unit_stands_and_cuts_long_rows_with_an_ellipsis(screen: Any) -> None:
    from ui.gui import fit_row

    app = _shusha_app()
    rows = dict((uid, text) for text, uid in app.roster_rows())
    u = app.state.unit("az_sf_1")
    c, r = app.state.map.hex_refs[u.idx]
    assert f"({c},{r}) " in rows["az_sf_1"]
    app.toggle_roster()
    app.render(pygame.Surface(app.size))
    items = [it["text"] for it in app.gui.roster_list.item_list]
    font = app.ui_text.font(13)
    room = app.gui.roster_list.rect.w - round(30 * app.ui_scale)
    assert any(t.endswith("…") for t in items)  # (at 1280x800 and 1.5 the long rows are cut, and say so)
    assert all(font.size(t)[0] <= room for t in items)
    assert fit_row(font, "short", 500) == "short" and fit_row(font, "x" * 400, 100).endswith("…")


def test_hold_tags_of_neighbours_do_not_run_together(screen: Any) -> None:
    """Two marked units side by side read "HOLDHOLD" (a player's playtest): a tag that would touch one drawn
    already is the short "H", and no two tags overlap."""
    from engine.orders import EndPhase
    from ui import goto_orders

    st = new_game(shusha_scenario(), 0)
    while not (st.side == 1 and st.phase == "movement"):
        apply(st, EndPhase(st.side_name))
    app = app_of(st, (1,), size=(1600, 1000))
    app.open_on_own_forces()
    own = [u.id for u in app.state.units if u.side == 1 and u.active and app.state.utype(u).domain == "ground"
           and not u.offmap]
    for uid in own:
        goto_orders.set_hold(app.state, uid, True)

    class Screen:
        def __init__(self) -> None:
            self.rects: list[Any] = []

        def blit(self, img: Any, spot: Any) -> None:
            self.rects.append(pygame.Rect(spot))

    play = app.zoom_i
    for zoom in range(max(0, play - 3), play + 1):  # (the play zoom and the steps out from it)
        app.zoom_i = zoom
        app.clamp_view()
        app.render(pygame.Surface(app.size))
        s = Screen()
        goto_orders.draw_hold_marks(app, s)
        assert len(s.rects) >= 2
        assert all(not a.colliderect(b) for k, a in enumerate(s.rects) for b in s.rects[:k]), zoom


def test_stack_counts_are_drawn_after_every_counter(screen: Any, monkeypatch: Any) -> None:
    """A stack's count ("2") went under the counters of a stack drawn after it (a player's playtest)."""
    import ui.app as ui_app

    app = _shusha_app(size=(1600, 1000), scale=1.0)
    counters, counts = set(), set()
    real_counter, real_halo = ui_app.counter_image, app.text.halo

    def counter(*a: Any, **kw: Any) -> Any:
        img = real_counter(*a, **kw).copy()  # (a copy: the cache may hand back one image for two counters)
        counters.add(id(img))
        return img

    def halo(text: str, *a: Any, **kw: Any) -> Any:
        img = real_halo(text, *a, **kw).copy()
        if text.isdigit():
            counts.add(id(img))
        return img

    monkeypatch.setattr(ui_app, "counter_image", counter)
    monkeypatch.setattr(app.text, "halo", halo)
    sprites = app.counter_sprites()
    where = [("counter" if id(img) in counters else "count" if id(img) in counts else "") for img, _, _ in sprites]
    assert "count" in where  # (Shusha's start has stacks)
    last_counter = max(k for k, kind in enumerate(where) if kind == "counter")
    assert all(k > last_counter for k, kind in enumerate(where) if kind == "count")


def test_the_report_says_why_an_unseen_battery_could_hit_and_what_helps(screen: Any) -> None:
    from engine.events import ArtilleryFired, FireResult

    app = _shusha_app()
    own = next(u for u in app.state.units if u.side == 0 and u.active and not u.offmap)
    c, r = app.state.map.hex_refs[own.idx]
    fr = FireResult(firer="an unseen battery", target=own.id, target_type=own.type, firepower=3, protection=0,
                    modifiers=[], net=3, p_hit=0.3, shots=1, rolls=[0.1], hits=1, losses=1,
                    strength_after=own.strength - 1)
    ev = ArtilleryFired(turn=3, side="defender", unit="an unseen battery", target_hex=(c, r), spotter="recon drone",
                        fire=[fr])
    notes = app.drone_spotting_notes([ev])
    assert len(notes) == 1 and f"({c},{r})" in notes[0] and "recon drone spotted" in notes[0]
    assert "no air defence" in notes[0]  # (the Shusha attacker has none)
    other = ArtilleryFired(turn=3, side="defender", unit="x", target_hex=(c, r), spotter="a forward observer",
                           fire=[fr])
    assert app.drone_spotting_notes([other]) == []
