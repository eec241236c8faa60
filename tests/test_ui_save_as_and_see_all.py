"""Session 27 UI fixes (dummy SDL video): Save as... asks before replacing a file, the no-go sectors' labels stay
clear of the counters, the objective line fits a 1280x800 window at UI scale 2, `--autoplay N --screenshot` stops
before the AI's next move, the --see-all wording of recon cover, the restored report of `--load --see-all`, and
the phase hint's one source of the side's aircraft."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pygame_gui
import pytest
from conftest import SHUSHA_PATH, goto, panel_lines

from engine.rules import new_game

SIZE = (1280, 800)


def app_of(state: Any, human: set[int], size: tuple[int, int] = SIZE, **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=size, **kw)
    app.show_lesson = False
    return app


def pump(app: Any) -> None:
    """The events pygame_gui posted (a window's close, a dialog's confirmation) handed to the App, as `run` does."""
    for ev in pygame.event.get():
        app.handle_event(ev)


# ------------------------------------------------------------------- 1: Save as... over an existing file
def picked(app: Any, screen: Any, path: Path) -> None:
    app.on_key(pygame.K_s, pygame.KMOD_CTRL)
    app.render(screen)
    dlg = app.gui.dialog
    assert dlg is not None and dlg.alive()
    app.handle_event(pygame.event.Event(pygame_gui.UI_FILE_DIALOG_PATH_PICKED, text=str(path), ui_element=dlg))
    app.render(screen)


def test_save_as_asks_before_replacing_a_file_and_cancel_keeps_it(shusha, screen, tmp_path):
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), {1})
    app.render(screen)
    old = tmp_path / "other_game.json"
    old.write_text("precious", encoding="utf-8")
    picked(app, screen, old)
    ask = app.gui.confirm_win
    assert ask is not None and ask.alive() and "other_game.json" in ask.confirmation_text.html_text
    assert old.read_text(encoding="utf-8") == "precious"  # (nothing written until the player says so)
    n = len(app.state.orders)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_e, mod=0, unicode="e"))
    assert len(app.state.orders) == n  # (game keys wait while it asks)
    app.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=ask.cancel_button))
    pump(app)
    assert app.gui.confirm_win is None and old.read_text(encoding="utf-8") == "precious"
    assert "Not saved" in app.status and "other_game.json" in app.status
    assert app.unsaved() or app.autosave_path is None
    # Esc keeps it too
    picked(app, screen, old)
    app.on_key(pygame.K_ESCAPE, 0)
    pump(app)
    assert app.gui.confirm_win is None and old.read_text(encoding="utf-8") == "precious"
    # Replace writes the game over it
    picked(app, screen, old)
    ask = app.gui.confirm_win
    app.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=ask.confirm_button))
    pump(app)
    assert app.gui.confirm_win is None and app.status.startswith("Saved")
    assert old.read_text(encoding="utf-8") != "precious"


def test_save_as_a_new_name_saves_at_once_and_enter_confirms_a_replace(shusha, screen, tmp_path):
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), {1})
    app.render(screen)
    new = tmp_path / "fresh.json"
    picked(app, screen, new)
    assert new.exists() and app.gui.confirm_win is None and app.status.startswith("Saved")
    stamp = new.read_bytes()
    app.issue(app.view.legal_orders()[0])  # (something new to save)
    picked(app, screen, new)
    assert app.gui.confirm_win is not None and new.read_bytes() == stamp
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
    pump(app)
    assert app.gui.confirm_win is None and app.status.startswith("Saved") and new.read_bytes() != stamp


# ------------------------------------------------------------------- 2: no-go labels clear of the counters
def test_no_go_labels_are_never_drawn_over_counters(shusha, screen):
    """The attacker's no-go sectors (Stepanakert, Lachin, Shosh) hold defender units: in the view of both sides
    their counters stand where the sector's label went (its middle)."""
    st = new_game(shusha, 0, track_sightings=True)
    app = app_of(st, {0})
    app.omniscient = True
    labels = crowded = 0
    for area in st.scenario.sides["attacker"].no_go:
        hexes = [st.map.idx(h) for h in area.hexes()]
        middle = min(hexes, key=lambda i: sum(st.map.distance(i, j) for j in hexes))
        app.zoom(-len(app.zoom_levels))
        for size in app.zoom_levels[:4]:
            app.render(screen)
            app.center_on(middle)
            app.render(screen)
            counters = [r.move(-int(app.vx), -int(app.vy)) for r in app.counter_boxes]
            for box in app.no_go_label_rects:
                labels += 1
                assert box.collidelist(counters) < 0, (area.name, size, box)
            crowded += any(app.unit_boxes.get(u.id, (None,))[0] in hexes for u in st.units)
            app.zoom(1)
    assert labels and crowded  # (labels were drawn, and counters stood in the sectors: the test can fail)


# ------------------------------------------------------------------- 3: the objective at UI scale 2
@pytest.mark.parametrize("size, scale, whole", [((1280, 800), 2.0, False), ((1366, 768), 1.0, True),
                                                ((1600, 1000), 1.25, True), ((1280, 800), 1.0, True)])
def test_the_objective_line_fits_the_panel(shusha, screen, size, scale, whole, monkeypatch):
    """At 1280x800 with --ui-scale 2 the objective's second line ("hexes; road open") was cut off under the
    event log, and the phase's hint below it. Larger windows keep its long form."""
    window = pygame.display.set_mode(size)
    try:
        app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "air"), {1}, size=size,
                     ui_scale=scale, autoskip=False)
        lines = panel_lines(app, window, monkeypatch, lambda w, s, r: (s, r, w.limit))
    finally:
        pygame.display.set_mode(SIZE)
    objective = [(s, r, lim) for s, r, lim in lines if s.startswith("Objective")]
    assert len(objective) == 1
    text, r, limit = objective[0]
    assert limit is None or r.bottom <= limit, (text, r, limit)
    assert ("hexes; road open" in text) == whole and "road open" in text
    hint = [(r, lim) for s, r, lim in lines if s.startswith(("AIR phase", "Your AIR phase"))]
    assert hint and all(lim is None or r.bottom <= lim for r, lim in hint)  # (the hint below it too)


# ------------------------------------------------------------------- 4: --autoplay N --screenshot
def test_a_scripted_screenshot_after_autoplay_shows_the_position_before_the_ais_move(monkeypatch, tmp_path):
    """The defender's screenshot after `--autoplay 2` showed the attacker's third turn already played."""
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    drawn: list[tuple[int, int, str, int]] = []
    real = ui.app.App.render

    def render(self: Any, screen: Any) -> None:
        drawn.append((self.state.turn, self.state.side, self.state.phase, len(self.state.orders)))
        real(self, screen)

    monkeypatch.setattr(ui.app.App, "render", render)
    shot = tmp_path / "x.png"
    r = CliRunner().invoke(cli_app, ["play", str(SHUSHA_PATH), "--side", "defender", "--autoplay", "2",
                                     "--size", "1280x800", "--screenshot", str(shot)])
    assert r.exit_code == 0, r.output
    from engine.game import run_agents
    from engine.scenario import load_scenario
    from ui.app import ai_rngs, game_agents

    st = new_game(load_scenario(SHUSHA_PATH), 0, track_sightings=True)
    run_agents(st, game_agents(st)[0], ai_rngs(st), until_turn=3)
    assert shot.exists() and drawn[-1] == (3, 0, "air", len(st.orders))


# ------------------------------------------------------------------- 5: --see-all's recon cover
def test_see_all_words_the_recon_cover_for_both_sides(shusha):
    from engine.view import observe
    from ui import overlays as ov
    from ui import palette as pal

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    own = [text for _, text in ov.drones(st, observe(st, 1), pal.DEFAULT).legend]
    both = [text for _, text in ov.drones(st, observe(st, 1), pal.DEFAULT, omniscient=True).legend]
    assert any("until your next turn starts" in t for t in own)
    assert not any("your" in t for t in both if "recon cover" in t)
    assert any("either side" in t and "that side's next turn" in t for t in both)


def test_see_all_recon_preview_names_whose_turn_ends_the_cover(shusha):
    from engine.orders import Recon

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    app = app_of(st, {1})
    app.omniscient = True
    drone = next(u for u in app.own_aircraft() if st.utype(u).air_role == "recon")
    order = Recon(drone.id, st.map.hex_refs[drone.idx])
    app.preview(order)
    text = " ".join(app.pending[1])
    assert "your next turn" not in text and "defender's next turn starts" in text


# ------------------------------------------------------------------- 6: --load --see-all
def test_load_see_all_restores_the_report_for_the_view_of_both_sides(shusha, screen, tmp_path):
    """`play --load SAVE --see-all` made the App (which restores the enemy-turn report) before setting
    `omniscient`: the report was the side's, without what it could not see."""
    from engine.savegame import load_game

    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    app.run_ai_until(4)
    while app.state.side not in app.human:
        app.update()
    path = tmp_path / "g.json"
    app.save(path)
    side_view = app_of(load_game(path, track_sightings=True), {1}).report_lines()
    late = app_of(load_game(path, track_sightings=True), {1})
    late.omniscient = True  # (as `wargame play` sets it, on the App made)
    got = late.report_lines()
    late.restore_report()  # (read again, now in the view of both sides)
    assert got == late.report_lines() != side_view  # (both sides' view saw more of the attacker's half-turn)
    made_so = app_of(load_game(path, track_sightings=True), {1}, omniscient=True)  # (or given to the App)
    assert made_so.report_lines() == got


# ------------------------------------------------------------------- 7: the phase hint's aircraft
def test_phase_hint_asks_the_app_for_its_aircraft_and_guns(shusha, monkeypatch):
    from ui import panels

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    app = app_of(st, {1}, autoskip=False)
    assert "click an aircraft" in panels.phase_hint(app)
    monkeypatch.setattr(app, "own_aircraft", lambda: [])
    assert "you have no aircraft" in panels.phase_hint(app)
    st2 = goto(new_game(shusha, 0, track_sightings=True), "defender", "artillery")
    app2 = app_of(st2, {1}, autoskip=False)
    assert "select a gun" in panels.phase_hint(app2)
    monkeypatch.setattr(app2, "own_guns", lambda: [])
    assert "you have no artillery" in panels.phase_hint(app2)
    assert app2.artillery_skip_reason().startswith("you have no artillery")


@pytest.fixture(autouse=True)
def _no_stale_events() -> None:
    if pygame.display.get_init():  # (an earlier test's window events are not this one's)
        pygame.event.clear()

