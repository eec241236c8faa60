"""A player's review of the Shusha game (session 19), each finding pinned down (dummy SDL video driver): one
press of Space does not throw away a turn's moves, the status bar swallows its clicks, Tab skips aircraft with
nothing to strike, and the panel says who won once the game is over."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
from conftest import app_of, goto, shusha_scenario
from test_ui_playtest import panel_text

from engine.game import play_game
from engine.orders import EndPhase, Move
from engine.rules import new_game


def test_space_with_units_unmoved_warns_once_then_ends_the_phase(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    st = app.state
    n = len(st.orders)
    app.end_phase()
    assert st.phase == "movement" and len(st.orders) == n  # nothing given: the phase goes on
    assert "have not moved" in app.status and "press Space again" in app.status and "az_" in app.status
    app.end_phase()
    assert isinstance(st.orders[-1], EndPhase) and st.orders[-1].side == "attacker"


def test_space_ends_the_phase_at_once_when_no_unit_can_act(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    assert app.idle_warning()
    while app.idle_warning():  # every unit that can move, moves
        app.issue(next(o for o in app.view.legal_orders() if isinstance(o, Move)))
    n = len(app.state.orders)
    app.end_phase()
    assert len(app.state.orders) == n + 1 and isinstance(app.state.orders[-1], EndPhase)


def test_a_click_on_the_status_bar_orders_nothing(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    for _ in range(6):
        app.zoom(1)  # hexes now scroll under the status bar
    x = app.map_rect.centerx
    y_bar = app.map_rect.bottom - app.status_reserve // 2
    assert app.screen_to_hex(x, y_bar) is None
    assert app.screen_to_hex(x, app.map_rect.bottom - app.status_reserve - 2) is not None


def test_tab_in_the_air_phase_picks_only_aircraft_that_can_act(screen) -> None:
    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "air"), (0,))
    assert not app.view.contacts  # turn 1: no enemy known, so the armed drones have nothing to strike
    picked = set()
    for _ in range(4):
        app.next_unit()
        picked.add(app.selected)
    table = app.state.scenario.unit_table
    assert picked and all(table[app.state.unit(u).type].air_role == "recon" for u in picked), picked


def test_the_panel_says_who_won_once_the_game_is_over(screen) -> None:
    from ui import panels

    state = play_game(shusha_scenario(), 1)
    app: Any = app_of(state, (0,))
    for compact in (False, True):
        lines = panel_text(app, screen, panels._clock, compact)
        over = state.outcome
        assert any(f"GAME OVER: {over.winner}" in s and f"turn {over.turn}" in s for s in lines), lines
        assert not any(s.startswith("To move") or "to move," in s for s in lines), lines
    app.render(screen)
    pygame.display.flip()


def test_small_counters_carry_a_type_code_and_the_strength_as_a_digit(screen) -> None:
    from ui import palette as pal
    from ui.render_units import SMALL_CODES, SMALL_COUNTER_H, counter_image, counter_size
    from ui.text import Text

    text, p = Text(1.0), pal.get("default")
    w, h = counter_size(11)  # the whole Shusha map at 1280×800
    assert h < SMALL_COUNTER_H
    images = {sym: pygame.image.tobytes(counter_image(sym, 0, 3, 3, w, h, p, text), "RGBA") for sym in SMALL_CODES}
    assert len(set(images.values())) == len(SMALL_CODES)  # every type reads differently
    strengths = {k: pygame.image.tobytes(counter_image("armour", 0, k, 3, w, h, p, text), "RGBA") for k in (1, 2, 3)}
    assert len(set(strengths.values())) == 3
    big = counter_image("armour", 0, 3, 3, *counter_size(20), p, text)
    assert big.get_height() >= SMALL_COUNTER_H  # zoomed in: the NATO symbol and pips, as before


def test_back_from_the_enemy_turn_the_map_outlines_what_was_seen_and_the_log_shows_its_start(screen) -> None:
    from engine.game import agent_step

    state = new_game(shusha_scenario(), 0, track_sightings=True)
    app = app_of(state, (0,))
    seen: list = []
    while not seen:  # the attacker's AI plays for the player until an enemy turn, from turn 14, shows something
        assert state.turn <= 22, "no enemy turn from turn 14 on showed the attacker anything"
        while not (state.turn >= 14 and state.side == 1):
            if state.side == 0:
                agent_step(state, app.agents[0], app.rngs[0])
            else:
                app.update(budget_s=10)
        start = len(state.log)
        while state.side == 1:
            app.update(budget_s=10)
        seen = app.enemy_turn_seen(start)
    assert app.status.startswith("Enemy turn:")
    expected = [state.map.idx(h) for ev in seen for h in ev.hexes()]
    assert expected and app.highlight == expected
    assert app.log_anchor == start
    app.render(screen)  # the log scrolls to the anchor and clears it
    assert app.log_anchor is None
    rows = app.gui._log_rows
    first_row = next(r for r, k in enumerate(rows) if k >= start)
    sb = app.gui.log_box.scroll_bar
    assert sb is not None and abs(sb.start_percentage - (first_row - 1) / len(rows)) < 0.05  # a row before it


def test_line_of_sight_overlay_shows_how_far_todays_weather_and_night_let_observers_see(screen) -> None:
    from conftest import next_turn

    from ui import overlays as ov
    from ui.palette import get

    state = new_game(shusha_scenario(), 0)
    origin = state.map.idx((21, 10))  # Shusha, on its cliff
    day = ov.line_of_sight(state, get("default"), origin)
    assert not state.night and not any("beyond today's" in text for _, text in day.legend)
    night_state = next_turn(state)
    assert night_state.night
    night = ov.line_of_sight(night_state, get("default"), origin)
    texts = [text for _, text in night.legend]
    assert any("ground observers see 1 hex)" in t for t in texts), texts
    assert any("beyond today's night" in t and "night-trained units see 2" in t for t in texts), texts
    dist = night_state.map.distances_from(origin)
    lit = [i for i, c in night.fills.items() if c == (255, 255, 200, 90)]
    assert lit and all(dist[i] <= 1 for i in lit)
    assert sum(1 for c in night.fills.values() if c == (255, 255, 200, 90)) < sum(
        1 for c in day.fills.values() if c == (255, 255, 200, 90))


def test_the_assault_preview_says_what_can_happen_and_how_likely(screen) -> None:
    from test_assault_outcomes import _assaults

    state, order = _assaults(1)[0]
    app = app_of(state, (state.side,))
    app.view_side = state.side
    app.preview(order)
    lines = app.pending[1]
    k = next(i for i, s in enumerate(lines) if s.strip().startswith("What can happen"))
    rows = lines[k + 1:k + 5]
    assert [r.split(":")[0].strip() for r in rows] == [
        "the enemy there destroyed (you advance)", "the enemy falls back (you advance)",
        "repulsed (your unit -1 cohesion; it may also lose steps to the return fire below)", "your unit destroyed"]
    assert any(s.startswith("Chance per shot:") for s in lines) and lines[-1].startswith("Click the target again")
    if not any("a range" in s for s in lines):  # one cohesion known: the four results add up to 100%
        assert sum(int(r.rsplit(":", 1)[1].strip().rstrip("%")) for r in rows) == 100, rows  # (largest remainder)


def test_the_selected_unit_rings_what_it_can_attack(screen) -> None:
    from test_assault_outcomes import _assaults

    from engine.orders import Assault
    from ui import panels

    state, order = _assaults(1)[0]
    app = app_of(state, (state.side,))
    app.view_side = state.side
    assert app.targets() == []  # nothing selected
    app.select(order.unit)
    want = sorted({state.map.idx(o.target) for o in app.view.legal_orders()
                   if isinstance(o, Assault) and o.unit == order.unit})
    assert want and app.targets() == want
    assert "ringed orange" in panels.unit_hint(app, state.unit(order.unit), state.utype(state.unit(order.unit)))
    app.render(screen)


def test_the_recon_preview_outlines_the_area_it_will_search(screen) -> None:
    from engine.orders import Recon

    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "air"), (1,))
    app.view_side = 1
    order = next(o for o in app.view.legal_orders() if isinstance(o, Recon) and tuple(o.target) == (22, 14))
    app.preview(order)
    gm = app.state.map
    area = gm.within(gm.idx(order.target), 2).tolist()
    assert sorted(app.highlight) == sorted(area) and len(area) == 19
    assert any("searches the 19 hexes within 2" in s for s in app.pending[1])


def test_moving_guns_next_to_known_enemies_is_flagged(screen, monkeypatch) -> None:
    from conftest import move_unit, variant

    from ui import panels

    scen = variant(lambda d: move_unit(d, "arm_ad", (6, 4)))  # the air defence (no assault), near the attackers
    app = app_of(goto(new_game(scen, 1), "defender", "movement"), (1,))
    app.view_side = 1
    app.select("arm_ad")
    near = [i for i in app.destinations() if i in app.view.contact_zone]
    far = [i for i in app.destinations() if i not in app.view.contact_zone and i != app.state.unit("arm_ad").idx]
    assert near and far
    lines: list[str] = []
    monkeypatch.setattr(panels.Writer, "line", lambda self, s, *a, **k: lines.append(s))
    panels.hover_info(app, panels.Writer(app, screen, app.panel_rect), near[0])
    assert any("cannot assault; it can only be assaulted there" in s for s in lines), lines
    lines.clear()
    panels.hover_info(app, panels.Writer(app, screen, app.panel_rect), far[0])
    assert not any("cannot assault" in s for s in lines), lines


def test_counters_that_have_acted_this_phase_are_darkened(screen) -> None:
    from ui import palette as pal
    from ui.render_units import counter_image
    from ui.text import Text

    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    move = next(o for o in app.view.legal_orders() if isinstance(o, Move))
    acted = app.acted_this_phase()
    assert not any(acted(u) for u in app.view.own)
    app.issue(move)
    acted = app.acted_this_phase()
    assert [u.id for u in app.view.own if acted(u)] == [move.unit]
    text, p = Text(1.0), pal.get("default")
    fresh, done = (counter_image("armour", 0, 3, 3, 30, 22, p, text, done=d) for d in (False, True))
    mean = [sum(pygame.transform.average_color(img)[:3]) for img in (fresh, done)]
    assert mean[1] < mean[0] * 0.75
    app.end_phase()  # (warned: other units can still move)
    app.end_phase()
    assert app.state.phase == "assault" and not any(app.acted_this_phase()(u) for u in app.view.own)


def test_the_help_gives_the_rules_in_the_scenarios_own_numbers(screen) -> None:
    from engine.batch import with_overrides
    from ui.gui import rules_brief

    base = " ".join(rules_brief(shusha_scenario()))
    assert "10% + 10% per net point" in base and "Shaken (1) fires -1" in base and "fires -1 and does not rally" in base
    changed = with_overrides(shusha_scenario(), ["combat.shaken_modifier=-2", "combat.hit_min=0.05"], "shusha")
    said = " ".join(rules_brief(changed))
    assert "Shaken (1) fires -2" in said and "never below 5%" in said
    app = app_of(new_game(shusha_scenario(), 0), (0,))
    app.toggle_help()
    app.render(screen)
    assert app.gui.help_win is not None


def test_tab_in_the_assault_phase_goes_to_the_units_that_can_assault(screen) -> None:
    from test_assault_outcomes import _assaults

    from engine.orders import Assault

    state, _ = _assaults(1)[0]
    app = app_of(state, (state.side,))
    app.view_side = state.side
    able = {o.unit for o in app.view.legal_orders() if isinstance(o, Assault)}
    picked = set()
    for _ in range(len(able) + 2):
        app.next_unit()
        picked.add(app.selected)
    assert able and picked == able
    assert "Tab to go to them" in app.idle_warning()


def test_the_roster_lists_own_units_those_that_can_act_first_and_selects_on_click(screen) -> None:
    import pygame_gui

    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    rows = app.roster_rows()
    own = {u.id for u in app.view.own if u.strength > 0}
    assert {uid for _, uid in rows} == own  # every own unit, no enemy
    able = {o.unit for o in app.view.legal_orders() if isinstance(o, Move)}
    marked = [uid for text, uid in rows if text.startswith(">")]
    assert set(marked) == able and [uid for _, uid in rows][:len(marked)] == marked  # the able ones first
    assert any("arrives on turn" in text for text, _ in rows)  # reinforcements to come
    app.issue(next(o for o in app.view.legal_orders() if isinstance(o, Move)))
    moved = next(text for text, _ in app.roster_rows() if "moved" in text)
    assert not moved.startswith(">")
    app.toggle_roster()
    app.render(screen)
    gui = app.gui
    assert gui.roster_win is not None and gui.roster_list is not None
    first_able = next(uid for text, uid in app.roster_rows() if text.startswith(">"))
    row = gui._roster_ids.index(first_able)
    gui.roster_list.item_list[row]["selected"] = True
    gui.process_event(pygame.event.Event(pygame_gui.UI_SELECTION_LIST_NEW_SELECTION,
                                         {"ui_element": gui.roster_list, "text": ""}))
    assert app.selected == first_able
    assert gui.close_top_window() and not app.show_roster


def test_moving_guns_onto_enemy_held_ground_is_flagged_even_with_no_enemy_in_sight(screen, monkeypatch) -> None:
    from conftest import move_unit, variant

    from ui import panels

    scen = variant(lambda d: move_unit(d, "az_art", (6, 3), offmap=False))  # the howitzer, near Tinytown
    app = app_of(goto(new_game(scen, 1), "attacker", "movement"), (0,))
    app.select("az_art")
    town = app.state.map.idx((3, 3))  # the objective: the defender's, as both sides are told
    assert not app.view.contacts and town in app.destinations() and int(app.view.control[town]) == 1
    lines: list[str] = []
    monkeypatch.setattr(panels.Writer, "line", lambda self, s, *a, **k: lines.append(s))
    panels.hover_info(app, panels.Writer(app, screen, app.panel_rect), town)
    assert any("enemy-held ground: Off-map battery (az_art)" in s and "cannot assault" in s for s in lines), lines
