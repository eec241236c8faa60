"""Session 42: playtesters' and reviewers' findings, each with the test that would have caught it."""

from __future__ import annotations

import pytest


def test_an_aircraft_shot_down_is_not_called_a_drone() -> None:
    """A scenario author's attack helicopter (an air unit like any other) was logged as "one drone shot down". The
    engine cannot tell a drone from a helicopter, so the log says what every air unit is: an aircraft."""
    from engine.events import DroneStrike, ReconFlown

    strike = DroneStrike(turn=3, side="attacker", unit="mi24_1", target_hex=(4, 5), engagements=[], aborted=True,
                         fire=[], expended=False)
    recon = ReconFlown(turn=3, side="attacker", unit="mi8_1", center=(4, 5), radius=2, engagements=[],
                       shot_down=True, detected=[])
    for ev in (strike, recon):
        assert "one aircraft shot down" in ev.text()
        assert "drone" not in ev.text()



def test_hotseat_after_autoplay_opens_behind_the_curtain(monkeypatch) -> None:
    """Two teachers: `wargame play --hotseat --autoplay 2` (jumping to a later turn for the class) opened on the
    side to move's whole map, hidden units and all, in front of both halves of the class. The curtain falls first,
    as for a new or loaded hotseat game (a scripted `--screenshot` still shows the side to move's screen)."""
    from conftest import SHUSHA_PATH
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    seen: dict[str, object] = {}

    def run(self, screen, refuse_headless: bool = False) -> None:  # (the window's loop: its first frame only)
        seen["pass"], seen["turn"], seen["ready"] = self.pass_screen, self.state.turn, self.curtain_ready()

    monkeypatch.setattr(ui.app.App, "run", run)
    r = CliRunner().invoke(cli_app, ["play", str(SHUSHA_PATH), "--hotseat", "--autoplay", "2", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    assert seen == {"pass": True, "turn": 3, "ready": True}


def test_the_first_hand_over_after_autoplay_sums_up_only_the_enemys_last_half_turn(shusha, screen) -> None:
    """Two teachers: after `--autoplay`, the first hand-over's "What you saw of the enemy's turn" covered every
    turn the AIs played, the player's own side's sorties included. It covers the enemy's last half-turn, as a
    loaded game's does."""
    from test_ui_hotseat import end_half_turn, hotseat_app

    app = hotseat_app(shusha)
    app.run_ai_until(3)
    app.raise_curtain()
    app.curtain_at = None
    app.lift_curtain()
    app.render(screen)
    assert app.state.side == 0 and app.report is not None
    first = app.report
    assert app.restore_report() is not None and app.report == first  # (the enemy's last half-turn, from the log)
    end_half_turn(app, screen)  # (and the next hand-over: the attacker's half-turn just played)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 1 and app.report is not None and app.report[0].endswith("(before your turn 3)")


def test_the_fight_card_is_each_hotseat_players_own(shusha, screen) -> None:
    """Two teachers: the fight card one player pinned with B was up when the curtain lifted for the other (drawn
    from their view, so nothing leaked, but not their choice). B is each player's, as the overlays are."""
    import pygame
    from test_ui_hotseat import end_half_turn, hotseat_app, press

    app = hotseat_app(shusha)
    app.render(screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    press(app, screen, pygame.K_b, "b")
    assert app.show_fight_card and app.view_side == 0
    end_half_turn(app, screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 1 and not app.show_fight_card
    end_half_turn(app, screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 0 and app.show_fight_card


def test_a_hotseat_save_loaded_with_side_says_it_is_now_against_the_computer(shusha, tmp_path, monkeypatch) -> None:
    """Two teachers: `wargame play --load hotseat_save.json --side attacker` went on as a game against the
    computer, the other half of the class's side now the computer's, with no word. It is said on the console."""
    from test_ui_hotseat import hotseat_app
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    save = tmp_path / "hs.json"
    hotseat_app(shusha).save(save)
    monkeypatch.setattr(ui.app.App, "run", lambda self, screen, refuse_headless=False: None)
    r = CliRunner().invoke(cli_app, ["play", "--load", str(save), "--side", "attacker", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    assert "this save is of a hotseat game; with --side attacker you play the attacker against the computer" in \
        r.output.replace("\n", " ")
    r = CliRunner().invoke(cli_app, ["play", "--load", str(save), "--size", "1024x700"])
    assert "hotseat game" not in r.output


def _cielab(rgb) -> object:
    import numpy as np

    c = np.asarray(rgb, float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _seen_by(rgb, matrix) -> tuple:
    """An sRGB colour as a dichromat sees it (Machado, Oliveira & Fernandes 2009, severity 1, in linear RGB)."""
    import numpy as np

    c = np.asarray(rgb, float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    out = np.clip(np.asarray(matrix) @ lin, 0, 1)
    return tuple(np.where(out <= 0.0031308, out * 12.92, 1.055 * out ** (1 / 2.4) - 0.055) * 255)


DEUTAN = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
PROTAN = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]


def test_the_default_overlay_ramp_is_told_apart_by_red_green_colour_blind_eyes() -> None:
    """Two teachers, for a red-green colour-blind pupil (a deuteranopia simulation of the screenshots): the default
    palette's green-to-red ramp for move cost, defence and supply cost had two steps 1.3 apart in CIELAB, defence +0
    and +2 alike. Every two of its steps now differ by 15 or more for normal, deuteranope and protanope eyes."""
    import itertools

    import numpy as np

    from ui import palette

    for name in ("default", "colorblind"):
        stops = palette.get(name).ramp
        for eyes in (None, DEUTAN, PROTAN):
            seen = [c if eyes is None else _seen_by(c, eyes) for c in stops]
            worst = min(float(np.linalg.norm(_cielab(a) - _cielab(b))) for a, b in itertools.combinations(seen, 2))
            assert worst >= 15, (name, eyes, worst)


def test_a_common_seeds_report_says_how_far_its_paired_games_agree(tmp_path) -> None:
    """A sceptical analyst: the report said common-seed cells "differ by their settings, not by their dice", and
    the win-rate plot that the paired differences "are surer than overlapping bars suggest"; in Shusha the paired
    games' wins correlated at phi 0.00-0.05, the paired intervals no narrower. The report now says how far the
    paired games agree (counted here from the rows), and report.md has the many-intervals note the terminal had."""
    import copy
    import math

    import pyarrow.parquet as pq

    from engine import batch as B
    from engine import report as R
    from engine.scenario import load_scenario

    doc = copy.deepcopy(load_scenario("scenarios/lessons/ambush.json").raw)
    out = tmp_path / "c.parquet"
    sweeps = [("set:weather.cloud_base_m", [150, 800, 4000])]
    B.run_batch(B.BatchSpec("ambush.json", doc, 30, 7, sweeps, common_seeds=True), out, workers=1)
    rows = sorted(pq.read_table(out).to_pylist(), key=lambda r: (r["cell"], r["game"]))
    won = {c: [r["winner"] == "attacker" for r in rows if r["cell"] == c] for c in (0, 1, 2)}
    same, phis = [], []
    for c in (1, 2):
        a = sum(x and y for x, y in zip(won[0], won[c], strict=True))
        d = sum(not x and not y for x, y in zip(won[0], won[c], strict=True))
        b = sum(x and not y for x, y in zip(won[0], won[c], strict=True))
        cc = 30 - a - b - d
        m = (a + b) * (cc + d) * (a + cc) * (b + d)
        same.append(a + d)
        if m:  # (undefined when a side won every game of a cell)
            phis.append((a * d - b * cc) / math.sqrt(m))
    s = R.summarize(out)
    md = R.report_markdown(s)
    assert "not by their dice" not in md and "surer than" not in md
    note = R.pairing_note(s)
    assert note is not None and note in md
    lo, hi = f"{R.pct(min(same) / 30)}%", f"{R.pct(max(same) / 30)}%"
    assert f"the same winner in {lo if lo == hi else f'{lo} to {hi}'} of the pairs" in note, (note, same)
    assert phis and f"{min(phis):+.2f}" in note and f"{max(phis):+.2f}" in note, (note, phis)
    assert R.MANY_CELLS_NOTE in md
    assert R.CLOUD_ALONE_NOTE in md  # (a cloud-base sweep: the fog is still the weather mode's)
    html = tmp_path / "r.html"
    R.write_html(s, [], html)
    assert "how far the paired games agree" in html.read_text()


def test_the_html_report_gives_the_provenance_and_the_warnings_report_md_gives(tmp_path, monkeypatch) -> None:
    """A sceptical analyst: report.md warned that the engine's code had changed since the batch (its re-run
    commands may not give these games), report.html, the page an analyst opens first, did not, nor the code."""
    import copy

    from engine import batch as B
    from engine import report as R
    from engine.scenario import load_scenario

    doc = copy.deepcopy(load_scenario("scenarios/lessons/ambush.json").raw)
    out = tmp_path / "c.parquet"
    B.run_batch(B.BatchSpec("ambush.json", doc, 4, 7), out, workers=1)
    monkeypatch.setattr(B, "engine_code", lambda: "0" * 64)
    s = R.summarize(out)
    assert any("engine's code has changed" in w for w in s.warnings)
    html = tmp_path / "r.html"
    R.write_html(s, [], html)
    text = html.read_text()
    assert "Warning:" in text and "code has changed since this batch was played" in text
    assert s.meta["engine_code"][:12] in text


def test_the_ground_losses_label_is_not_cut_off_at_the_top(monkeypatch) -> None:
    """A sceptical analyst's losses.png (6 cells of two-line ticks, a file with the ground/air split): the y label
    "ground units' strength steps lost per game (mean)" on one line ran past the figure's top, "...(mea"."""
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    from engine import report as R
    from engine.report import CellStats, Summary

    keys = ["set:weather.cloud_base_m", "attacker_lead"]
    short = {k: k.split(".")[-1] for k in keys}
    cells = []
    for i in range(6):
        params = {keys[0]: (150, 800, 1200)[i // 2], keys[1]: ("sf", "mech")[i % 2]}
        c = CellStats(i, R.cell_label(params, short), params, n=150, attacker_wins=80)
        c.steps_lost = {"attacker": [g % 30 for g in range(150)], "defender": [g % 25 for g in range(150)]}
        cells.append(c)
    s = Summary(Path("study.parquet"), cells, {"turns": 26, "objective": "Shusha"}, keys)
    monkeypatch.setattr(Summary, "ground_losses", property(lambda self: True))
    drawn = []
    monkeypatch.setattr(R, "save_figure", lambda fig, path: drawn.append(fig))
    R.plot_losses(s, Path("losses.png"))
    (fig,) = drawn
    fig.canvas.draw()
    label = fig.axes[-1].yaxis.label
    assert "ground units’ strength steps" in label.get_text()
    extent = label.get_window_extent(fig.canvas.get_renderer())
    assert fig.bbox.y0 <= extent.y0 and extent.y1 <= fig.bbox.y1, (extent, fig.bbox)


@pytest.mark.parametrize("scenario", ["scenarios/shusha_1120.json", "scenarios/lessons/ambush.json"])
def test_no_briefing_opens_a_new_game_on_the_map(scenario, monkeypatch) -> None:
    """A scenario author: `wargame play FILE --screenshot start.png` always showed the briefing (or lesson) window
    over most of the map, with no way to close it from the command line. `--no-briefing` opens on the map."""
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    seen: dict[str, object] = {}

    def run(self, screen, refuse_headless: bool = False) -> None:
        seen["lesson"], seen["choosing"], seen["view"] = self.show_lesson, self.side_choice, self.view_side

    monkeypatch.setattr(ui.app.App, "run", run)
    r = CliRunner().invoke(cli_app, ["play", scenario, "--no-briefing", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    assert seen == {"lesson": False, "choosing": False, "view": 1}
    r = CliRunner().invoke(cli_app, ["play", scenario, "--size", "1024x700"])
    assert seen["lesson"] is True and seen["choosing"] is True


def test_the_pairing_note_never_calls_an_undefined_correlation_zero() -> None:
    """A review: with one side winning every game of a cell, phi came out 0.00 and the note read "the same winner in
    40 of 40 pairs ... phi +0.00 (near 0 ...)"; a negative phi got "the higher it is, the narrower"."""
    from pathlib import Path

    from engine import report as R
    from engine.report import CellStats, GameRow, Summary

    def cell(k: int, winners: str) -> CellStats:
        c = CellStats(k, f"c{k}", {"x": k}, n=len(winners), attacker_wins=winners.count("a"))
        c.games = {g: GameRow(100 + g, "attacker" if w == "a" else "defender", None, 0, 0)
                   for g, w in enumerate(winners)}
        return c

    s = Summary(Path("x.parquet"), [cell(0, "aaaa"), cell(1, "aaaa")], {}, ["x"])
    note = R.pairing_note(s)
    assert note is not None and "100% of the pairs" in note and "phi" not in note, note
    s = Summary(Path("x.parquet"), [cell(0, "aadd"), cell(1, "ddaa")], {}, ["x"])
    note = R.pairing_note(s)
    assert note is not None and "phi -1.00" in note and "below 0 they are wider" in note, note


def test_the_rules_in_brief_say_how_assaults_one_after_another_wear_a_hex_down(shusha) -> None:
    """An attacker player found no way to take a town hex: each assault alone at 3%, units next to it not combining.
    The rules in brief (H) now say what does work: assaults one after another in the phase, every step lost costing
    cohesion, a broken main defender falling back; and fire first."""
    from ui.gui import rules_brief

    text = " ".join(rules_brief(shusha))
    assert "assaults one after another wear a hex down" in text
    assert "a main defender broken (cohesion 0) falls back at the next assault" in text


def test_the_panel_counts_a_loitering_munitions_rounds_and_says_when_none_are_left(shusha, screen) -> None:
    """An attacker player: the Harop's 4 munitions were gone by turn 4, its count seen only after each strike, and
    from then on it was simply missing from the panel."""
    from conftest import app_of

    from engine.rules import new_game
    from ui.panels import air_lines

    app = app_of(new_game(shusha, 1), (0,))
    app.render(screen)
    texts = [t for t, _, _ in air_lines(app)]
    assert any("az_harop" in t and ", 4 munitions left:" in t for t in texts), texts
    harop = app.state.unit("az_harop")
    harop.strength = 1
    app.state.bump()
    assert any(", 1 munition left:" in t for t, _, _ in air_lines(app))
    harop.strength = 0
    app.state.touch()
    texts = [t for t, _, _ in air_lines(app)]
    assert any("az_harop" in t and "no munitions left" in t for t in texts), texts


def test_the_debrief_says_when_the_road_was_reopened_and_cut_again(shusha) -> None:
    """An attacker player read "Shusha–Lachin road first cut: turn 15 ..., still cut at the end" of a road the
    defender had reopened on turn 17 and the attacker cut again later."""
    from engine.debrief import key_moments
    from engine.game import play_game

    for seed, times in ((5, 1), (7, 0)):  # (seed 5: reopened once; seed 7: never)
        st = play_game(shusha, seed)
        assert sum(1 for ev in st.log if ev.kind == "RoadCut" and not ev.cut) == times, seed
        (line,) = [ln for ln in key_moments(st) if "first cut" in ln]
        assert st.score.road_cut_at_end, seed
        tail = " (reopened once and cut again)" if times else ""
        assert line.endswith(f"still cut at the end{tail}"), line


def test_the_pairing_note_never_rounds_a_disagreement_away() -> None:
    """A second review: 199 of 200 pairs agreeing read "100% of the pairs"; a phi of exactly -0.20 got neither
    "near 0" nor "below 0 they are wider"."""
    from pathlib import Path

    from engine import report as R
    from engine.report import CellStats, GameRow, Summary

    def cell(k: int, winners: str) -> CellStats:
        c = CellStats(k, f"c{k}", {"x": k}, n=len(winners), attacker_wins=winners.count("a"))
        c.games = {g: GameRow(100 + g, "attacker" if w == "a" else "defender", None, 0, 0)
                   for g, w in enumerate(winners)}
        return c

    base = "a" * 100 + "d" * 100
    other = "d" + "a" * 99 + "d" * 100  # (one pair of 200 differs)
    note = R.pairing_note(Summary(Path("x.parquet"), [cell(0, base), cell(1, other)], {}, ["x"]))
    assert note is not None and ">99% of the pairs" in note, note
    a, b = "a" * 10 + "d" * 10, "aaaadddddd" + "aaaaaadddd"  # (the 2x2 table 4/6/6/4: phi = -20/100 = -0.20)
    got = R.pairing_agreement(list(zip(cell(0, a).games.values(), cell(1, b).games.values(), strict=True)))
    assert got == (8, 20, -0.2)
    note = R.pairing_note(Summary(Path("x.parquet"), [cell(0, a), cell(1, b)], {}, ["x"]))
    assert note is not None and "phi -0.20" in note and "below 0 they are wider" in note, note


@pytest.mark.parametrize(("size", "ui_scale"), [((1024, 768), 1.0), ((1280, 800), 1.5), ((800, 600), 1.0),
                                                 ((2560, 1440), 1.5)])
def test_the_curtain_is_read_from_the_back_of_a_classroom(shusha, screen, size, ui_scale) -> None:
    """Two teachers at 1024x768: the curtain's "Click or press Enter" was a 15-px grey line. Alone on the screen,
    its words grow (up to twice the panel's), its title never wider than 80% of the window."""
    import pygame

    from engine.rules import new_game
    from ui.app import App
    from ui.panels import CURTAIN_TEXT_MAX, curtain_text_scale

    window = pygame.Surface(size)  # (the `screen` fixture: a display, for pygame_gui's fonts)
    app = App(new_game(shusha, 0), {0, 1}, hotseat=True, size=size, ui_scale=ui_scale)
    title = "Pass the screen to the ATTACKER"
    k = curtain_text_scale(app, window, title)
    assert 1.0 <= k <= CURTAIN_TEXT_MAX
    assert app.ui_text.font(round(24 * k), True).size(title)[0] <= 0.8 * size[0] + 2 or k == 1.0
    if size == (1024, 768):
        assert k >= 1.5  # (the words a third of the screen's width at least: read from the back row)
    app.raise_curtain()
    app.curtain_at = None
    app.render(window)  # (drawn whole: no error)


def test_home_in_a_replay_shows_the_whole_map_and_keeps_the_place(shusha, screen) -> None:
    """An educator at step 161 pressed Home, as the class plan says for the whole map, and the replay went back to
    order 0. Home fits the map as in a game; Ctrl+Home is the first order; the help (H) lists the replay's keys."""
    import pygame
    from conftest import goto

    from engine.rules import new_game
    from engine.savegame import save_dict
    from ui.replay import REPLAY_HELP, ReplayApp, ReplayModel

    st = goto(new_game(shusha, 0, track_sightings=True), "attacker", "assault")
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1280, 800))
    assert viewer.model.n >= 3
    viewer.goto(2)
    viewer.zoom_i = len(viewer.zoom_levels) - 1
    viewer.render(screen)
    viewer.on_key(pygame.K_HOME, 0)
    viewer.render(screen)
    assert viewer.model.k == 2 and viewer.hex_size == viewer._fit_size
    viewer.on_key(pygame.K_HOME, pygame.KMOD_CTRL)
    assert viewer.model.k == 0
    viewer.on_key(pygame.K_END, 0)
    assert viewer.model.k == viewer.model.n
    viewer.show_help = True
    viewer.render(screen)
    box = next(e for e in viewer.gui.help_win.get_container().elements if hasattr(e, "html_text"))
    assert "In the replay" in box.html_text and all(k in box.html_text for k, _ in REPLAY_HELP)


def test_the_cloud_tag_says_what_the_fog_grounds_too(shusha) -> None:
    """An educator: on every Shusha turn of low cloud, fog grounds the armed drones too, while the map's tag said
    only "Low cloud at 200 m grounds the TB2, Harop and Orbiter"; a student may fairly say "it was the fog"."""
    import attrs

    from engine.rules import new_game
    from ui.sky import cloud_words

    st = new_game(shusha, 7)
    st.weather = attrs.evolve(st.weather, ceiling_m=300.0, fog="patchy")
    assert cloud_words(st) == ("Low cloud at 300 m grounds the TB2, Harop and Orbiter (patchy fog grounds the TB2 and "
                               "Harop too); the Orlan-10 flies under it")
    st.weather = attrs.evolve(st.weather, ceiling_m=200.0, fog="thick")
    assert cloud_words(st) == "Low cloud at 200 m grounds the TB2, Harop and Orbiter (thick fog grounds them too)"
    st.weather = attrs.evolve(st.weather, ceiling_m=300.0, fog="none")
    assert cloud_words(st) == "Low cloud at 300 m grounds the TB2, Harop and Orbiter; the Orlan-10 flies under it"


def test_run_verbose_numbers_each_event_with_the_replay_step_that_shows_it(tmp_path) -> None:
    """An educator could find the step of a moment (the first spotted fire) only by stepping through the replay or
    reading the save's JSON. `wargame run -v` prints each event after its turn and its step ("T 2 #13"), and the
    replay of the save at that step shows that event among the order's."""
    import re

    from typer.testing import CliRunner

    from engine.cli import app
    from ui.replay import ReplayModel

    save = tmp_path / "drones.json"
    out = CliRunner().invoke(app, ["run", "scenarios/lessons/drones.json", "--seed", "1", "-v", "--save", str(save)],
                             env={"COLUMNS": "400"}).output
    lines = [ln for ln in out.splitlines() if re.match(r"T ?\d+ #\d+ ", ln)]
    assert lines and lines[0].startswith("T 0 #0 ") and "Game started" in lines[0]
    spotted = next(ln for ln in lines if "(spotter: recon drone)" in ln)
    m = re.match(r"T ?\d+ #(\d+) +(.*)$", spotted)
    step, words = int(m.group(1)), m.group(2)
    model = ReplayModel.open(save)
    model.goto(step)
    assert any(ev.text() == words for ev in model.current_events()), (step, words)
    model.goto(step - 1)
    assert not any(ev.text() == words for ev in model.current_events())
    steps = [int(re.match(r"T ?\d+ #(\d+) ", ln).group(1)) for ln in lines]
    assert steps == sorted(steps) and steps[-1] <= model.n


def test_a_replay_opened_at_a_turn_says_the_turn_begins(shusha, screen) -> None:
    """An educator: `wargame replay SAVE --turn N` opens on the order that ended turn N-1, and its status ("turn 14
    — defender ends the phase") read as turn N's while the header said the attacker's air phase."""
    from conftest import goto

    from engine.rules import new_game
    from engine.savegame import save_dict
    from ui.replay import ReplayApp, ReplayModel

    st = goto(goto(new_game(shusha, 0, track_sightings=True), "defender", "assault"), "attacker", "movement")
    assert st.turn == 2
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=(1280, 800))
    k = viewer.model.first_of_turn(2)
    assert k is not None and k > 0
    viewer.open_at(k)
    assert "; turn 2 begins" in viewer.status
    viewer.goto(k + 1)
    assert "begins" not in viewer.status.split("|")[0]
