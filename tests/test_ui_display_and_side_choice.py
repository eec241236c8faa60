"""Session 24 acceptance fixes: a display that is set but unreachable (and SDL's dummy driver without --screenshot)
no longer runs the game unseen forever; a new game shows no side's information before the side is chosen; a
replay of both sides names the sides, never "Enemy" (dummy SDL video; the hang tests run the CLI in a subprocess
with a time limit, so that a regression fails rather than hangs the suite)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import subprocess
import sys
from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import ROOT, SHUSHA_PATH, TINY_PATH, panel_lines

from engine.rules import new_game
from engine.savegame import save_game
from engine.scenario import load_scenario
from engine.view import PUBLIC_EVENTS

SIZE = (1280, 800)
HANG_S = 90
"""Time limit of one CLI run: it takes a few seconds; before the fix it ran until killed."""


def cli(args: list[str], **env: str | None) -> subprocess.CompletedProcess[str]:
    """`wargame ARGS` in a fresh process with `env` changed (None: unset); a run past `HANG_S` fails the test."""
    e = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")}
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    try:
        return subprocess.run([sys.executable, "-c", "from engine.cli import main; main()", *args], cwd=ROOT,
                              env=e, capture_output=True, text=True, timeout=HANG_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"wargame {' '.join(args)} with {env} still ran after {HANG_S} s (an unseen window)")


@pytest.fixture(scope="module")
def save_file(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("save") / "tiny_save.json"
    save_game(new_game(load_scenario(TINY_PATH), 0), path)
    return path


# ------------------------------------------------------------------- 1. a display set but not answering
@pytest.mark.parametrize("env", [{"DISPLAY": ":7731"}, {"WAYLAND_DISPLAY": "wargame-test-nowhere-9"}])
def test_play_and_replay_on_a_display_nobody_answers_say_so(env, save_file):
    """Before: SDL fell back to its offscreen driver and the game ran unseen at ~45% CPU until killed."""
    for args in (["play", str(TINY_PATH)], ["replay", str(save_file)]):
        r = cli(args, **env)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        err = " ".join(r.stderr.split())
        named = next(f"{k}={v}" for k, v in env.items())
        assert "no display available" in err and "wargame run" in err, err
        assert f"{named} is set but no display server answered" in err or "SDL:" in err, err


def test_the_dummy_driver_without_screenshot_is_refused(save_file, tmp_path):
    """Before: `SDL_VIDEODRIVER=dummy wargame play SCENARIO` (or replay) opened a window no one could see, forever."""
    for args, how in ((["play", str(TINY_PATH)], "--autoplay N --screenshot FILE"),
                      (["play", str(TINY_PATH), "--autoplay", "1"], "--autoplay N --screenshot FILE"),
                      (["replay", str(save_file)], "--step N --screenshot FILE")):
        r = cli(args, SDL_VIDEODRIVER="dummy")
        err = " ".join(r.stderr.split())
        assert r.returncode == 2 and "SDL_VIDEODRIVER=dummy opens no window" in err and how in err, (args, err)
    shot = tmp_path / "s.png"  # what the dummy driver is for: still works
    r = cli(["play", str(TINY_PATH), "--autoplay", "1", "--screenshot", str(shot)], SDL_VIDEODRIVER="dummy")
    assert r.returncode == 0 and shot.exists(), r.stderr


def test_the_main_loop_runs_scripted_input_on_the_dummy_driver(screen):
    """Scripted runs (tests) post their events before the loop: they still play; with none queued, `run` stops."""
    from ui.app import NoWindowInput, no_window_input
    from ui.cli import unreachable_display

    pygame.event.clear()
    assert no_window_input() == "dummy"
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert no_window_input() is None
    pygame.event.clear()
    assert unreachable_display("offscreen", {"DISPLAY": ":77"}) == "DISPLAY=:77 is set but no display server answered"
    assert unreachable_display("dummy", {"SDL_VIDEODRIVER": "dummy"}) is None  # (asked for)
    from ui.app import App

    app = App(new_game(load_scenario(TINY_PATH), 0, track_sightings=True), {1}, size=SIZE)
    with pytest.raises(NoWindowInput):
        app.run(screen, refuse_headless=True)  # (as `wargame play` runs it)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(screen, refuse_headless=True)  # (a scripted close: it quits)
    assert not app.running


# ------------------------------------------------------------------- 2. nothing of a side before it is chosen
def choosing_app(shusha: Any) -> Any:
    """A new game's window as `wargame play SCENARIO` opens it: the briefing offers the sides, defender by default."""
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), {1}, size=SIZE)
    app.show_lesson = app.side_choice = True
    app.open_on_own_forces()
    return app


def log_text(app: Any) -> str:
    app.gui._sync_log(force=True)
    return " ".join(str(item) for item in app.gui._log_items)


def test_before_the_side_is_chosen_the_screen_shows_no_sides_information(shusha, screen, monkeypatch):
    """Before: the defender's drones ("CAN FLY - click to select"), its off-map guns at (0,26), "defender: all 16
    units in supply" and blue counters round the briefing, to a player about to choose the attacker."""
    app = choosing_app(shusha)
    app.overlays = {6, 7, 8}  # (`--overlay supply --overlay control --overlay height`)
    text = " | ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
    for leak in ("CAN FLY", "(0,26)", "off-map guns", "Enemy", "GROUNDED"):
        assert leak not in text, (leak, text)
    assert "Cloud base" in text and "Objective" in text
    assert app.counter_sprites() == [] and app.unit_boxes == {}
    assert app.own_units_at_any() == [] and app.last_seen_markers() == []
    assert {ev.kind for _, ev in app.visible_events()} <= PUBLIC_EVENTS
    log = log_text(app)
    assert "in supply" not in log and "can fly" not in log and "Weather" in log
    assert app.shown_overlays() == [8]  # (the supply and control overlays are one side's knowledge)
    fitted = app.hex_size
    assert fitted == app._fit_size  # the whole map, not zoomed in on the defender's units
    # the side chosen: its own picture, at once
    app.choose_side(0)
    text = " | ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
    assert "CAN FLY" in text and app.counter_sprites()
    assert {u.side for u in app.own_units_at_any()} == {0} and app.hex_size > fitted  # (zoomed in on them)
    assert "attacker: all" in log_text(app) and app.shown_overlays() == [6, 7, 8]


def test_a_side_given_beforehand_sees_its_own_at_once(shusha, screen, monkeypatch):
    """--side, --hotseat and --autoplay never offer the choice: their side's view as before."""
    from ui.app import App

    for human, hotseat in (({1}, False), ({0}, False), ({0, 1}, True)):
        app = App(new_game(shusha, 0, track_sightings=True), set(human), hotseat=hotseat, size=SIZE)
        app.show_lesson = True
        assert not app.choosing
        text = " | ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
        assert "CAN FLY" in text and app.counter_sprites(), human


def test_the_cli_opens_a_new_game_on_the_choice(tmp_path, monkeypatch):
    """`wargame play SCENARIO --screenshot` (no --side) shows the choice with the neutral view; --side does not."""
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    seen: dict[str, Any] = {}
    real = ui.app.App.render

    def render(self, screen):
        seen["choosing"], seen["status"] = self.choosing, self.status
        real(self, screen)

    monkeypatch.setattr(ui.app.App, "render", render)
    for extra, choosing in (([], True), (["--side", "attacker"], False), (["--autoplay", "1"], False)):
        r = CliRunner().invoke(cli_app, ["play", str(SHUSHA_PATH), "--size", "1024x700", "--screenshot",
                                         str(tmp_path / "s.png"), *extra])
        assert r.exit_code == 0, r.output
        assert seen["choosing"] == choosing, extra
        assert ("Choose a side" in seen["status"]) == choosing


# ------------------------------------------------------------------- 3. a replay of both sides: no "Enemy"
def test_a_replay_of_both_sides_names_the_sides_not_the_enemy(shusha, screen, monkeypatch):
    """Before: "Enemy Recon drone: can fly in this weather", as if the replay were the attacker's view."""
    from engine.savegame import save_dict
    from ui import panels
    from ui.replay import ReplayApp, ReplayModel

    st = new_game(shusha, 0, track_sightings=True)
    model = ReplayModel.from_save_dict(save_dict(st))
    both = ReplayApp(model, size=(1600, 1000))
    lines = [s for s, _, _ in panels.air_lines(both)]
    assert not any("Enemy" in s for s in lines), lines
    assert any(s.startswith("defender's ") and "arm_orlan" in s for s in lines), lines
    assert any(s.startswith("attacker's ") and "az_tb2" in s for s in lines), lines
    defender = next(u for u in st.units if u.side == 1 and u.active and not u.offmap
                    and shusha.unit_table[u.type].domain == "ground")
    both.hover = defender.idx
    text = " | ".join(s for s, _ in panel_lines(both, screen, monkeypatch))
    assert "ENEMY" not in text and "Enemy" not in text and f"defender's {defender.name}" in text, text
    assert "arm_art_offmap" in text or "CAN FLY" in text  # (the defender's own are listed too)
    # one side's replay keeps its enemy
    one = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1600, 1000), side="attacker")
    assert any(s.startswith("Enemy ") for s, _, _ in panels.air_lines(one))
