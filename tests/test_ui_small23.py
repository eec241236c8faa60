"""Session 23, a first-time player's review on a laptop screen (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

from engine.rules import new_game
from engine.scenario import load_scenario

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
