"""Session 23's robustness review of the front end (/tmp/s23/robust/REVIEW.md #2, #3, #7, #9, #16): the autosave
that cannot be written, a second game's autosave, a hand-edited save's go-to orders, a log replayed on another
scenario, screenshots to bad names, and `play SCENARIO --load SAVE` with another scenario. SDL's dummy driver."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import json
from pathlib import Path

import pygame
import pytest
from conftest import TINY_PATH, tiny_dict, tiny_game
from typer.testing import CliRunner

from engine.cli import app as cli_app
from engine.savegame import load_game, save_dict, save_game

SIZE = (1024, 700)


def make_app(seed: int = 1, **kw):
    from ui.app import App

    return App(tiny_game(seed), {1}, size=SIZE, **kw)


def played(app, turn: int = 2):
    """`app` after the AIs played to `turn`: a game with orders not saved."""
    app.run_ai_until(turn)
    assert len(app.state.orders) > app.saved_orders
    return app


@pytest.fixture
def full_disk(monkeypatch):
    """Saving into the folders put in the returned set fails as on a full disk (a read-only folder fails the
    same way: an OSError from the write); other folders work."""
    import engine.savegame

    bad: set[Path] = set()
    real = engine.savegame.save_game

    def save(state, path):
        if Path(path).parent.resolve() in bad:
            raise OSError(28, "No space left on device")
        real(state, path)

    monkeypatch.setattr(engine.savegame, "save_game", save)
    return bad


# ------------------------------------------------------------------------------------- #2 the autosave
def test_quit_with_an_autosave_that_fails_is_held_back_and_told(screen, tmp_path, full_disk):
    """Before: the window closed, the OSError went to a status line nobody saw, the game was lost. Now the first
    quit keeps the window open with a window and the status line that say where the game can still be saved;
    a second quit quits (autosave_error says why nothing was saved)."""
    full_disk.add(tmp_path.resolve())
    app = played(make_app(autosave_path=tmp_path / "auto.json"))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(screen, max_frames=2)
    assert app.running, "a quit that could not save the game must not close it at once"
    assert app.gui.alert_win is not None and app.gui.alert_win.alive()
    assert "NOT SAVED" in app.status and "No space left" in app.status and "Save…" in app.status
    assert app.autosaved is None and "No space left" in app.autosave_error
    pygame.event.post(pygame.event.Event(pygame.QUIT))  # asked again (the AI played on meanwhile): quits
    app.run(screen, max_frames=20)
    assert not app.running and app.autosaved is None and app.autosave_error
    assert not (tmp_path / "auto.json").exists()


def test_saving_after_the_warning_lets_the_game_quit(screen, tmp_path, full_disk):
    ro = tmp_path / "ro"
    ro.mkdir()
    full_disk.add(ro.resolve())
    app = played(make_app(autosave_path=ro / "auto.json"))
    app.request_quit()
    assert app.running and app.autosave_error
    app.save(tmp_path / "mine.json")  # the Save… dialog's path
    assert app.autosave_error is None and load_game(tmp_path / "mine.json").orders == app.state.orders
    app.request_quit()
    assert not app.running


def test_autosave_falls_back_to_another_folder(screen, tmp_path, full_disk):
    cwd, spare = tmp_path / "cwd", tmp_path / "spare"
    cwd.mkdir()
    full_disk.add(cwd.resolve())
    app = played(make_app(autosave_path=cwd / "auto.json", autosave_fallbacks=[spare]))
    app.request_quit()
    assert not app.running and app.autosaved == spare / "auto.json"
    assert load_game(app.autosaved).orders == app.state.orders


def test_autosave_note_at_the_start(tmp_path, monkeypatch):
    """A folder that cannot take the autosave is said before the game is played, with where it goes instead."""
    import engine.fileio

    cwd, spare = tmp_path / "cwd", tmp_path / "spare"
    real = engine.fileio.unwritable
    monkeypatch.setattr(engine.fileio, "unwritable",
                        lambda p: "Read-only file system" if Path(p).parent == cwd else real(p))
    app = make_app(autosave_path=cwd / "auto.json", autosave_fallbacks=[spare])
    note = app.autosave_note()
    assert note is not None and "Read-only" in note and str(spare) in note
    app.autosave_fallbacks = []
    assert "Autosave is off" in app.autosave_note() and "Save…" in app.autosave_note()
    assert make_app(autosave_path=tmp_path / "auto.json").autosave_note() is None


def test_play_says_a_lost_game_on_the_console_and_exits_1(tmp_path, monkeypatch, full_disk):
    """Before: `wargame play` exited 0 with no message when the autosave could not be written."""
    import ui.app
    import ui.cli

    monkeypatch.chdir(tmp_path)
    full_disk.add(tmp_path.resolve())
    monkeypatch.setattr(ui.cli, "autosave_fallbacks", lambda: [])
    real_run = ui.app.App.run

    def run(self, screen, max_frames=None, **kw):  # the player closes the window twice
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        real_run(self, screen, max_frames, **kw)

    monkeypatch.setattr(ui.app.App, "run", run)
    r = CliRunner().invoke(cli_app, ["play", str(TINY_PATH), "--autoplay", "1", "--side", "defender",
                                     "--size", "1024x700"])
    assert r.exit_code == 1, r.output
    assert "could not be saved" in r.output and "No space left" in r.output and "lost" in r.output


def test_play_autosave_is_named_after_the_game_and_said(tmp_path, monkeypatch):
    import ui.app

    monkeypatch.chdir(tmp_path)
    real_run = ui.app.App.run

    def run(self, screen, max_frames=None, **kw):
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        real_run(self, screen, max_frames, **kw)

    monkeypatch.setattr(ui.app.App, "run", run)
    r = CliRunner().invoke(cli_app, ["play", str(TINY_PATH), "--autoplay", "1", "--seed", "4", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    auto = tmp_path / "wargame_autosave_tiny_seed4.json"
    assert auto.exists() and f"Game saved to {auto}" in r.output.replace("\n", "")


def test_an_autosave_never_replaces_another_games(screen, tmp_path):
    """Before: one fixed name, so game B's autosave replaced game A's without a word. Now another game (or a
    file that is no save) gets a numbered name; the same game continued replaces its own older autosave."""
    from ui.app import App

    auto = tmp_path / "auto.json"
    a = played(make_app(seed=1, autosave_path=auto))
    assert a.autosave() == auto
    a_text = auto.read_text()
    b = played(make_app(seed=2, autosave_path=auto))  # another game, the same name
    assert b.autosave() == tmp_path / "auto_2.json"
    assert auto.read_text() == a_text
    # game A continued from its autosave: the same game, further on, replaces it
    cont = App(load_game(auto), {1}, size=SIZE, autosave_path=auto)
    played(cont, 3)
    assert cont.autosave() == auto and load_game(auto).orders == cont.state.orders
    # the same game at an earlier point (continued from an older save of it) must not cut the autosave short
    a_text = auto.read_text()
    b_text = (tmp_path / "auto_2.json").read_text()
    earlier = played(make_app(seed=1, autosave_path=auto), 2)
    assert earlier.autosave() == tmp_path / "auto_3.json"
    assert auto.read_text() == a_text and (tmp_path / "auto_2.json").read_text() == b_text
    # a file that is no save is never replaced
    junk = tmp_path / "j.json"
    junk.write_text("my notes")
    c = played(make_app(seed=3, autosave_path=junk))
    assert c.autosave() == tmp_path / "j_2.json" and junk.read_text() == "my notes"


def test_same_game_before_is_strict(tmp_path):
    from ui.app import same_game_before

    st = tiny_game(1)
    played_app = played(make_app(seed=1))
    p = tmp_path / "s.json"
    save_game(st, p)  # no orders: an earlier point of any game of this scenario and seed
    assert same_game_before(p, played_app.state)
    doc = save_dict(played_app.state)
    doc["orders"] = doc["orders"][:3]
    p.write_text(json.dumps(doc))
    assert same_game_before(p, played_app.state)
    doc["seed"] = 9
    p.write_text(json.dumps(doc))
    assert not same_game_before(p, played_app.state)
    assert not same_game_before(tmp_path / "missing.json", played_app.state)


def test_autosave_name():
    from ui.cli import autosave_name, save_name

    assert autosave_name(Path("scenarios/shusha_1120.json"), None, 0) == "wargame_autosave_shusha_1120_seed0.json"
    assert autosave_name(None, Path("/x/wargame_autosave_tiny_seed4_2.json"), 4) == "wargame_autosave_tiny_seed4_2.json"
    assert save_name(None, Path("wargame_autosave_tiny_seed4.json")) == "tiny_seed4_save.json"


# ------------------------------------------------------------------------------------- #3 go-to orders in a save
BAD_GOTO = {"az_sf": "north", "az_mech": [1, 2, 3], "az_tank": [1, "a"], "nobody": [1, 1], "az_art": [99, 99],
            "az_tb2": [2, 2], "az_orlan": {"c": 1}, "arm_inf_1": [True, 1]}


def bad_goto_save(tmp_path: Path, goto=None) -> Path:
    app = played(make_app(seed=1), 2)
    app.state.extra["ui_goto"] = dict(BAD_GOTO, arm_inf_2=[4, 4]) if goto is None else goto
    p = tmp_path / "bad_goto.json"
    save_game(app.state, p)
    return p


def test_goal_of_never_raises_on_junk():
    from ui import goto_orders

    st = tiny_game(1)
    st.extra["ui_goto"] = dict(BAD_GOTO)
    for uid in BAD_GOTO:  # before: ValueError / TypeError for the malformed ones
        assert (goto_orders.goal_of(st, uid) is None) == (uid not in ("nobody", "az_tb2"))
    st.extra["ui_goto"] = [1, 2]
    assert goto_orders.side_orders(st, 0) == [] and goto_orders.goal_of(st, "az_sf") is None


def test_bad_goto_orders_are_dropped_and_named_on_load(screen, tmp_path):
    """Before: `play --load` and `replay` crashed with a traceback in goal_of. The game loads; each bad entry is
    dropped with a message naming it; the good one stays."""
    from ui.app import App

    p = bad_goto_save(tmp_path)
    app = App(load_game(p, track_sightings=True), {0}, size=SIZE)
    assert app.state.extra["ui_goto"] == {"arm_inf_2": [4, 4]}
    said = " ".join(app.load_notes)
    for uid in BAD_GOTO:
        assert repr(uid) in said, uid
    assert "off the 10×8 map" in said and "no such unit" in said and "does not move on the map" in said
    app.selected = "az_sf"
    app.render(screen)
    assert "go-to order 'az_sf'" in app.loaded_status(p)
    # the load dialog's path too
    other = make_app(seed=2)
    other.load(p)
    assert "go-to order 'nobody'" in other.status and other.state.extra["ui_goto"] == {"arm_inf_2": [4, 4]}
    # a list instead of the dict
    q = bad_goto_save(tmp_path, [1, 2])
    assert "must map unit ids" in " ".join(App(load_game(q), {0}, size=SIZE).load_notes)


def test_bad_goto_orders_in_play_load_and_replay_cli(tmp_path):
    p = bad_goto_save(tmp_path)
    r = CliRunner().invoke(cli_app, ["play", "--load", str(p), "--side", "attacker", "--size", "1024x700",
                                     "--screenshot", str(tmp_path / "a.png")])
    assert r.exit_code == 0, r.output
    assert "go-to order 'az_sf'" in r.output and "dropped" in r.output
    r = CliRunner().invoke(cli_app, ["replay", str(p), "--size", "1024x700", "--step", "5",
                                     "--screenshot", str(tmp_path / "b.png")])
    assert r.exit_code == 0, r.output
    assert "go-to order 'az_mech'" in r.output


def test_replay_shows_the_dropped_goto_orders(screen, tmp_path):
    from ui.replay import ReplayApp, ReplayModel

    m = ReplayModel.open(bad_goto_save(tmp_path))
    assert any("'az_sf'" in n for n in m.notes)
    viewer = ReplayApp(m, size=SIZE)
    viewer.goto(3)
    assert viewer.status.startswith("Warning: ") and "'az_sf'" in viewer.status
    viewer.render(screen)
    viewer.on_key(pygame.K_RIGHT, 0)
    assert viewer.status.startswith("REPLAY")


# ------------------------------------------------------------------------------------- #7 log on another scenario
@pytest.fixture
def log_and_other(tmp_path):
    log = tmp_path / "g.jsonl"
    r = CliRunner().invoke(cli_app, ["run", str(TINY_PATH), "--seed", "1", "--log", str(log)])
    assert r.exit_code == 0, r.output
    doc = tiny_dict()
    doc["units"][0]["id"] = "az_sf_x"  # the same meta.name, another scenario
    other = tmp_path / "other.json"
    other.write_text(json.dumps(doc))
    return log, other


def test_replay_of_a_log_refuses_another_scenario(tmp_path, log_and_other):
    """Before: only the name was compared, so a log replayed on an edited scenario with no complaint."""
    from engine.scenario import load_scenario

    log, other = log_and_other
    shot = tmp_path / "z.png"
    r = CliRunner().invoke(cli_app, ["replay", str(log), "--scenario", str(other), "--screenshot", str(shot)])
    assert (r.exit_code == 2 and r.exception is None) or isinstance(r.exception, SystemExit), r.output
    out = " ".join(r.output.split())
    assert "--force-scenario" in out and not shot.exists()
    for path in (TINY_PATH, other):
        assert load_scenario(path).sha256[:12] in out
    r = CliRunner().invoke(cli_app, ["replay", str(log), "--scenario", str(other), "--force-scenario",
                                     "--screenshot", str(shot)])
    assert r.exit_code == 0, r.output
    assert "replayed anyway" in r.output and shot.exists()
    r = CliRunner().invoke(cli_app, ["replay", str(log), "--scenario", str(TINY_PATH), "--screenshot", str(shot)])
    assert r.exit_code == 0 and "warning" not in r.output, r.output


def test_replay_of_a_log_uses_its_weather_mode(tmp_path):
    from ui.replay import ReplayModel

    log = tmp_path / "fog.jsonl"
    r = CliRunner().invoke(cli_app, ["run", str(TINY_PATH), "--seed", "1", "--weather", "fog", "--log", str(log)])
    assert r.exit_code == 0, r.output
    assert ReplayModel.open(log, TINY_PATH).state.weather_mode == "fog"


# ------------------------------------------------------------------------------------- #9 screenshots
def test_replay_screenshot_to_an_unwritable_path_is_an_error(tmp_path):
    """Before: a pygame.error traceback (play said `cannot write screenshot`)."""
    save = bad_goto_save(tmp_path, {})
    (tmp_path / "file").write_text("x")
    for cmd in (["replay", str(save)], ["play", "--load", str(save)]):
        r = CliRunner().invoke(cli_app, [*cmd, "--size", "1024x700", "--screenshot", str(tmp_path / "file" / "a.png")])
        assert r.exit_code == 2 and "cannot write screenshot" in r.output, (cmd, r.output)
        assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit)


@pytest.mark.parametrize("name", ["a.jpgx", "a", "a.gif"])
def test_screenshot_names_pygame_cannot_write_are_refused(tmp_path, name):
    """Before: `out.jpgx` got a Targa file and `screenshot written`."""
    save = bad_goto_save(tmp_path, {})
    for cmd in (["replay", str(save)], ["play", "--load", str(save)]):
        r = CliRunner().invoke(cli_app, [*cmd, "--size", "1024x700", "--screenshot", str(tmp_path / name)])
        assert r.exit_code == 2 and ".png" in r.output, (cmd, r.output)
        assert not (tmp_path / name).exists()


def test_screenshot_types_pygame_writes(tmp_path):
    save = bad_goto_save(tmp_path, {})
    for name, magic in (("a.JPG", b"\xff\xd8"), ("b.bmp", b"BM"), ("c.png", b"\x89PNG")):
        r = CliRunner().invoke(cli_app, ["replay", str(save), "--size", "1024x700", "--screenshot",
                                         str(tmp_path / name)])
        assert r.exit_code == 0, r.output
        assert (tmp_path / name).read_bytes()[:len(magic)] == magic


def test_f12_screenshot_to_an_unwritable_folder_is_said_not_a_crash(screen, tmp_path):
    (tmp_path / "file").write_text("x")
    app = make_app()
    app.screenshot(tmp_path / "file" / "a.png")
    assert app.status.startswith("Cannot save the screenshot")


# ------------------------------------------------------------------------------------- #16 play SCEN --load SAVE
def test_play_refuses_a_scenario_that_is_not_the_saves(tmp_path, log_and_other):
    """Before: SCENARIO was ignored without a word. Now another scenario is refused, as replay refuses it (both
    sha256s named); the save's own scenario is fine."""
    from engine.scenario import load_scenario

    _, other = log_and_other
    save = bad_goto_save(tmp_path, {})
    shot = tmp_path / "p.png"
    r = CliRunner().invoke(cli_app, ["play", str(other), "--load", str(save), "--screenshot", str(shot)])
    out = " ".join(r.output.split())
    assert r.exit_code == 2 and "leave out SCENARIO" in out and not shot.exists(), r.output
    assert load_scenario(other).sha256[:12] in out and load_scenario(TINY_PATH).sha256[:12] in out
    r = CliRunner().invoke(cli_app, ["play", str(TINY_PATH), "--load", str(save), "--size", "1024x700",
                                     "--screenshot", str(shot)])
    assert r.exit_code == 0 and shot.exists(), r.output


def test_replay_names_the_file_and_number_of_a_malformed_order(tmp_path):
    """As `play --load` now does (REVIEW #10): before, replay said only `not a valid order: {...}`."""
    p = bad_goto_save(tmp_path, {})
    doc = json.loads(p.read_text())
    doc["orders"].insert(1, {"order": "Bogus"})
    p.write_text(json.dumps(doc))
    r = CliRunner().invoke(cli_app, ["replay", str(p), "--screenshot", str(tmp_path / "r.png")])
    assert r.exit_code == 2 and "order 1: not a valid order" in r.output, r.output
