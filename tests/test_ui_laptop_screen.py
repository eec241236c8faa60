"""The UI on a laptop screen (1326×700, 1240×700; dummy SDL video): hints, notes and panels that fit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import goto, panel_lines, tiny_game

from engine.orders import EndPhase, Recon
from engine.rules import new_game
from engine.scenario import load_scenario

# ---------------------------------------------------------------------------------------------------------------------
# Session 23, a first-time player's review on a laptop screen (dummy SDL video).

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


SHUSHA = Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json"


def app_of(state: Any, human: tuple[int, ...], size: tuple[int, int] = (1326, 700)) -> Any:
    from ui.app import App

    app = App(state, set(human), size=size)
    app.show_lesson = False
    return app


def test_the_skipped_phase_note_is_shown_once_however_often_the_bar_is_drawn(screen):
    """The status bar's lines were the wrap cache's own list, and the skipped-phase note was added to it on
    every frame: the bar showed the note two, three, ... times."""
    from ui import panels

    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    app.status = "a moves | skipped the air phase (nothing to order)"
    first = panels.status_lines(app, 900)
    for _ in range(3):
        app.render(screen)
        assert panels.status_lines(app, 900) == first
    assert first[0] == ["a moves", "Skipped the air phase (nothing to order)"]
    # the cache hands out copies: what one caller adds is not in the next caller's list
    got = app.ui_text.wrap("a moves", 13, 900)
    got.append("extra")
    assert app.ui_text.wrap("a moves", 13, 900) == ["a moves"]


def test_help_shows_the_keys_before_the_rules(screen):
    """A player opens help to find a key; the rules in brief came first, two screens of them on a laptop."""
    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    app.show_help = True
    app.render(screen)
    text = app.gui.help_win.get_container().elements[0].html_text
    assert text.index("Keys and mouse") < text.index("Rules in brief") < text.index("Map")


def test_an_ai_games_event_log_replays_with_its_units(tmp_path):
    """An acceptance tester: replaying an event log drew no counters (the events only, over the opening map). An
    AI game's log is played again from its seed, weather and agents (the engine's determinism) and, when the new
    log is the file's to the byte, stepped through as a save; a `--set` game's log with the same --set."""
    from typer.testing import CliRunner

    from engine.cli import app
    from engine.events import read_jsonl
    from ui.replay import ReplayModel

    scen = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"
    log = tmp_path / "g.jsonl"
    r = CliRunner().invoke(app, ["run", str(scen), "--seed", "2", "--set", "turns=6", "--log", str(log)])
    assert r.exit_code == 0, r.output
    m = ReplayModel.open(log, scen, sets=["turns=6"])
    assert m.kind == "save" and m.orders and not m.notes
    m.goto(m.n)
    assert [e.kind for e in m.state.log] == [e.kind for e in read_jsonl(str(log))]  # the same game, to its end
    assert any(u.idx != m.base.unit(u.id).idx for u in m.state.units)  # units where the game left them
    # a log the engine does not play again (cut short here): its events, with a note saying why no units move
    log.write_text("\n".join(log.read_text().splitlines()[:-2]) + "\n")
    m = ReplayModel.open(log, scen, sets=["turns=6"])
    assert m.kind == "log" and any("its events are shown" in n for n in m.notes)


def test_the_roster_shows_hold_marks_and_go_to_orders(screen):
    """The acceptance tester: the roster did not show which units were marked to hold (K)."""
    from ui import goto_orders

    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    own = [u.id for u in app.state.units if u.side == 0 and u.arrived and app.state.utype(u).domain == "ground"]
    goto_orders.set_hold(app.state, own[0], True)
    goto_orders.orders(app.state)[own[1]] = [21, 10]
    rows = dict((uid, text) for text, uid in app.roster_rows())
    assert "[HOLD]" in rows[own[0]] and "[go-to]" in rows[own[1]]
    assert "[HOLD]" not in rows[own[1]] and "[go-to]" not in rows[own[0]]


def test_every_attacker_no_go_sector_is_named_on_the_whole_map(screen):
    """The narrow sector over Lachin and the Hakari valley read only "closed": a name too long for one row now
    goes on two before the label gives up on it."""
    import pygame

    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,), size=(1920, 1080))
    big = pygame.Surface((1920, 1080))
    app.on_key(pygame.K_HOME, 0)  # the whole map
    app.render(big)
    areas = app.state.scenario.sides["attacker"].no_go
    assert len(app.no_go_label_rects) == len(areas)
    assert any(r.h >= 3 * app.text.line_height(12) - 6 for r in app.no_go_label_rects)  # (a three-row label)


def test_replaying_a_log_never_imports_an_agent_it_names(tmp_path, monkeypatch):
    """A reviewer put `this:Foo` in a log's agents and replay printed the Zen of Python: a file must not run code."""
    import importlib

    from typer.testing import CliRunner

    from engine.cli import app
    from ui.replay import ReplayModel

    scen = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"
    log = tmp_path / "g.jsonl"
    assert CliRunner().invoke(app, ["run", str(scen), "--seed", "2", "--log", str(log)]).exit_code == 0
    lines = log.read_text().splitlines()
    lines[0] = lines[0].replace('"attacker":"doctrine"', '"attacker":"this:Foo"', 1)
    assert "this:Foo" in lines[0]
    log.write_text("\n".join(lines) + "\n")
    imported: list[str] = []
    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: imported.append(name) or real(name, *a))
    m = ReplayModel.open(log, scen)
    assert "this" not in imported and m.kind == "log"


def test_the_open_roster_follows_hold_marks_and_a_replay_takes_no_plans(screen, tmp_path):
    """A reviewer: K, G and Backspace changed only the plans, and the open roster window was not rebuilt; the
    replay viewer accepted them and changed its own state."""
    import pygame

    from engine.savegame import save_dict
    from ui import goto_orders
    from ui.replay import ReplayApp, ReplayModel

    app = app_of(new_game(load_scenario(SHUSHA), 0), (0,))
    app.toggle_roster()
    app.render(screen)
    uid = next(u.id for u in app.state.units if u.side == 0 and u.arrived and app.state.utype(u).domain == "ground")
    row = app.gui._roster_ids.index(uid)
    goto_orders.set_hold(app.state, uid, True)
    app.render(screen)
    assert "[HOLD]" in app.gui.roster_list.item_list[app.gui._roster_ids.index(uid)]["text"], row
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(app.state)), size=(1326, 700))
    viewer.select(uid)
    before = dict(viewer.state.extra)
    viewer.on_key(pygame.K_k, 0)
    assert viewer.state.extra == before and "read-only" in viewer.status


# ---------------------------------------------------------------------------------------------------------------------
# Session 23, a first-time player's review on a laptop screen (1326×700, 1240×700), the fixes of findings 1, 2,
# 4, 5, 6 and 8: the phase's hint always in the panel, the GROUNDED plate condensed and the selected unit never cut
# off, the enemy turn's summary kept in front of the go-to report, no idle warning for units that need not move
# (and a hold mark, K), a recon sortie's finds brought into view, and what cover a recon drone sees into (dummy SDL
# video).

SMALL = ((1326, 700), (1240, 700), (1280, 800))


def drawn_lines(app: Any, surf: Any, monkeypatch: Any) -> list[tuple[str, bool]]:
    """The panel's lines of one frame: (text, drawn whole above the panel's limit)."""
    return panel_lines(app, surf, monkeypatch, lambda w, s, r: (s, w.limit is None or w.y <= w.limit))


@pytest.mark.parametrize("size", SMALL)
@pytest.mark.parametrize("weather", ["historical", "fog"])
def test_the_phase_hint_is_shown_in_every_phase_at_laptop_sizes(shusha, size, weather, screen, monkeypatch):
    """Finding 1: below 1920×1080 the panel's fitting levels dropped the hint first; nothing said what to do."""
    from ui import panels

    surf = pygame.Surface(size)
    app = app_of(new_game(shusha, 0, weather), (0,), size)
    app.autoskip = False
    app.open_on_own_forces()
    app.hover = app.state.map.idx((30, 22))
    for phase in ("air", "artillery", "movement", "assault"):
        assert app.state.phase == phase
        lines = drawn_lines(app, surf, monkeypatch)
        hints = (panels.phase_hint(app), panels.phase_hint(app, short=True))
        assert any(s in hints and whole for s, whole in lines), (size, phase)
        app.issue(EndPhase("attacker"))


def test_the_aircraft_lines_say_a_click_selects_and_the_one_line_list_does(shusha, screen):
    from ui import panels

    app = app_of(new_game(shusha, 0, "clear"), (0,))
    own = [t for t, _, uid in panels.air_lines(app) if uid is not None]
    assert own and all("click to select" in t for t in own)
    assert "Tab" in panels.phase_hint(app) and "click an aircraft" in panels.phase_hint(app)
    # the one-line "CAN FLY" list is clickable too: it selects the next drone that can fly
    app.render(screen)
    w = panels.Writer(app, screen, app.panel_rect)
    app.click_regions = []
    panels._aircraft(app, w, 2)
    assert app.click_regions
    app.click_regions[0][1]()
    first = app.selected
    assert first is not None and app.state.utype(app.state.unit(first)).domain == "air"
    app.click_regions[0][1]()
    assert app.selected != first


def test_choosing_a_side_says_what_to_do_in_the_first_phase(shusha, screen):
    app = app_of(new_game(shusha, 0), (0,))
    app.choose_side(0)
    assert "AIR phase" in app.status and "Tab" in app.status


def test_the_grounded_plate_condenses_to_a_line_per_cause(shusha, screen):
    """Finding 2: the plate took 6-9 lines (each drone with its 2-3 lines of reasons)."""
    from ui import panels

    app = app_of(new_game(shusha, 0, "fog"), (0,))
    rows = panels.grounded_causes(app)
    assert len(rows) == 1  # the same fog and cloud ground all three
    text = rows[0][0]
    assert text.startswith("GROUNDED: ") and text.count(",") >= 2 and "fog" in text and "needed" not in text
    probe = panels.Writer(app, screen, app.panel_rect, measure=True)
    panels._aircraft(app, probe, 2)
    small = probe.y
    probe = panels.Writer(app, screen, app.panel_rect, measure=True)
    panels._aircraft(app, probe, False)
    assert probe.y - small >= 5 * app.ui_text.line_height(12)


@pytest.mark.parametrize("size", [(1326, 700), (1240, 700)])
def test_the_selected_units_own_lines_are_never_cut_off(shusha, size, screen, monkeypatch):
    """Finding 2: with the drones grounded, the selected unit's strength and OUT OF SUPPLY were clipped."""
    st = new_game(shusha, 0, "fog")
    goto(st, 0, "movement")
    app = app_of(st, (0,), size)
    st = app.state  # (the App's own copy of the game)
    surf = pygame.Surface(size)
    uid = next(u.id for u in app.view.own if st.utype(u).domain == "ground" and not u.offmap)
    st.unit(uid).supplied = False
    app.state.extra["ui_goto"] = {uid: [22, 14]}
    app.select(uid)
    app.hover = st.map.idx((22, 14))
    lines = drawn_lines(app, surf, monkeypatch)
    flags = [whole for s, whole in lines if s.startswith("strength ") and "OUT OF SUPPLY" in s]
    assert flags == [True]
    assert any(s.startswith("Going to ") and s.endswith("Backspace cancels") and whole for s, whole in lines)


def test_the_enemy_turn_summary_stays_in_front_of_the_go_to_report(screen):
    """Finding 4 (the review's finding 4: the go-to report replaced the enemy-turn summary) and the order of
    its parts: units stopped by a contact first."""
    from ui import goto_orders, panels

    app = app_of(tiny_game(seed=2), (0,))
    goto(app.state, 0, "movement")
    app._goto_key = (app.state.turn, app.state.side, app.state.phase_i)  # (the orders run below, by hand)
    app.status = "Enemy turn: arm_inf_1 DESTROYED | skipped the artillery phase (nothing to order)"
    # the sf, far from any enemy, moves on; the tank is cut short next to the town (seed 2: a contact)
    app.state.extra[goto_orders.GOTO_KEY] = {"az_tank": [1, 6], "az_sf": [8, 7]}
    goto_orders.run_phase_start(app)
    main, notes = panels.split_notes(app.status)
    assert main == "Enemy turn: arm_inf_1 DESTROYED"
    assert [n.split(" ")[0] for n, _ in notes] == ["Skipped", "Go-to"]
    report = notes[-1][0]
    assert report.index("az_tank stopped") < report.index("az_sf to")
    lines, n_main = panels.status_lines(app, 1200)
    assert lines[0].startswith("Enemy turn:") and any(s.startswith("Go-to orders:") for s in lines[n_main:])


def test_no_idle_warning_for_guns_nor_units_marked_to_hold(shusha, screen):
    """Finding 6 (the review's): the MLRS triggered the warning every turn; a defender holding its line was
    asked twice each turn. K marks a unit to hold; the warning fits the status bar's two lines."""
    from ui import goto_orders, panels

    st = new_game(shusha, 0)
    goto(st, 0, "movement")
    app = app_of(st, (0,), (1240, 700))
    app.update()
    able = app.able_units()
    guns = {u for u in able if st.utype(st.unit(u)).indirect}
    assert guns  # (the MLRS and howitzers could move)
    words = app.idle_warning()
    assert words and not any(app.names.short(g) in words for g in guns)
    lines, n_main = panels.status_lines(app, app.map_rect.w - 20)
    app.status = words
    lines, n_main = panels.status_lines(app, app.map_rect.w - 20)
    assert n_main <= 2 and not lines[n_main - 1].endswith("…")
    # hold marks: K on each unit still counted, and no warning is left
    for uid in sorted(able - app.need_not_act()):
        app.select(uid)
        app.on_key(pygame.K_k, 0)
    assert set(goto_orders.held(app.state)) and app.idle_warning() == ""
    app.render(pygame.Surface((1240, 700)))  # (the HOLD tags drawn)
    app.on_key(pygame.K_k, 0)  # K again lifts the mark
    assert app.selected not in goto_orders.held(app.state) and app.idle_warning()


def test_a_recon_sortie_that_finds_enemies_brings_them_into_view(shusha, screen):
    """Finding 5: the defender's sortie found units in the corner under the status bar and the panel."""
    st = new_game(shusha, 0, "clear")
    app = app_of(st, (0,))
    st = app.state
    app.update()
    drone = "az_orbiter"
    enemy = next(u for u in st.units if u.side == 1 and u.active and not u.offmap and not u.hidden
                 and st.utype(u).domain == "ground" and u.id not in {c.id for c in app.view.contacts})
    app.zoom_i = app.max_zoom_i
    app.vx = app.vy = 0.0
    app.clamp_view()
    x, y = app.hex_to_screen(enemy.idx)
    assert not app.map_rect.move(-app.map_rect.x, -app.map_rect.y).collidepoint(x, y)
    app.issue(Recon(drone, st.map.hex_of(enemy.idx)))
    assert enemy.id in {c.id for c in app.view.contacts}
    x, y = app.hex_to_screen(enemy.idx)
    assert 0 <= x <= app.map_rect.w and 0 <= y <= app.map_rect.h - app.status_reserve


def test_the_recon_preview_says_which_cover_the_drone_sees_into(shusha, screen):
    """Finding 6 of the brief (the review's 8): from the rule tables only, never from hidden units' hexes."""
    st = new_game(shusha, 0, "clear")
    app = app_of(st, (0,))
    app.update()
    app.preview(Recon("az_orbiter", (30, 22)))
    text = " ".join(app.pending[1])
    assert "Hidden Infantry: found in hills, mountain, town, village (concealment < 2), not in forest, ravine" in text
    assert "found in any cover" in text


def test_the_move_cost_overlay_shows_the_selected_units_class(shusha, screen):
    """Review section 9: overlay 1 showed the foot class with a tank selected."""
    app = app_of(new_game(shusha, 0), (0,))
    tank = next(u.id for u in app.view.own if app.state.utype(u).mobility == "tracked")
    app.select(tank)
    app.on_key(pygame.K_1, 0)
    assert app.mobility_shown() == "tracked" and "tracked" in app.status
    wheeled = next((u.id for u in app.view.own if app.state.utype(u).mobility == "wheeled"), None)
    if wheeled is not None:
        app.select(wheeled)  # (the overlay on: it follows the selection)
        assert app.mobility_shown() == "wheeled"
