"""A teacher's review (session 20): counters hid the overlay where a lesson happens, a replay of a lesson opened
under the lesson window, the help said 12-hour turns in lessons of one-day turns (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path

import numpy as np
import pygame
import pytest

from engine.game import play_game
from engine.rules import new_game
from engine.savegame import save_dict
from engine.scenario import load_scenario

LESSONS = Path(__file__).resolve().parents[1] / "scenarios" / "lessons"
SIZE = (1280, 800)


def key(app, k: int, char: str = "") -> None:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=char))


def test_key_c_fades_the_counters_so_the_cliff_overlay_shows_under_them(screen):
    from ui.app import App

    app = App(new_game(load_scenario(LESSONS / "cliff_below.json"), 1), {1}, size=SIZE)
    app.show_lesson = False
    app.overlays = {2}  # defence: the cliff top's hatching, where the defenders stand
    app.render(screen)
    box = next(b for u, (_, b) in app.unit_boxes.items() if app.state.unit(u).side == 1)
    box = box.move(-int(app.vx), -int(app.vy)).inflate(-4, -4)
    solid = pygame.surfarray.array3d(screen)[box.left:box.right, box.top:box.bottom].copy()
    key(app, pygame.K_c, "c")
    assert app.counters_faded and "faded" in app.status
    app.render(screen)
    faded = pygame.surfarray.array3d(screen)[box.left:box.right, box.top:box.bottom].copy()
    assert (np.abs(faded.astype(int) - solid).sum(axis=2) > 30).mean() > 0.5  # most of the counter changed
    app.overlays = set()
    app.render(screen)
    bare = pygame.surfarray.array3d(screen)[box.left:box.right, box.top:box.bottom].astype(int)
    app.overlays = {2}
    app.render(screen)
    over = pygame.surfarray.array3d(screen)[box.left:box.right, box.top:box.bottom].astype(int)
    assert (np.abs(over - bare).sum(axis=2) > 10).mean() > 0.1  # the overlay is seen through the counter
    key(app, pygame.K_c, "c")
    assert not app.counters_faded


def test_a_replay_of_a_lesson_opens_on_the_map_not_under_the_lesson(screen):
    from ui.replay import ReplayApp, ReplayModel

    st = play_game(load_scenario(LESSONS / "ambush.json"), 1)
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(st)), size=SIZE)
    viewer.goto(6)
    viewer.render(screen)
    assert not viewer.show_lesson and (viewer.lesson_win is None or not viewer.lesson_win.alive())
    key(viewer, pygame.K_l, "l")
    viewer.render(screen)
    assert viewer.show_lesson and viewer.lesson_win is not None and viewer.lesson_win.alive()


def test_the_rules_in_brief_give_the_scenarios_own_turn_length():
    from ui.gui import rules_brief

    assert "24-hour turns" in " ".join(rules_brief(load_scenario(LESSONS / "ambush.json")))
    assert "12-hour turns" in " ".join(rules_brief(load_scenario(LESSONS.parent / "shusha_1120.json")))


def test_see_all_shows_the_hidden_ambush_parties_and_the_whole_log(screen):
    """A teacher's review: no see-everything view in `play`, only in replay. `--see-all` (App.omniscient) draws
    every unit of both sides, hidden ones too, and the log whole; the AI still plays on its own side's view."""
    from typer.testing import CliRunner

    from engine.cli import app as cli_app
    from ui.app import App

    state = new_game(load_scenario(LESSONS / "ambush.json"), 1, track_sightings=True)
    player = App(state, {0}, size=SIZE)  # the attacker, who cannot see the ambush parties
    player.show_lesson = False
    player.run_ai_until(2)
    player.render(screen)
    hidden = {u.id for u in state.units if u.side == 1 and u.hidden and u.active}
    assert hidden and not hidden & set(player.unit_boxes)
    assert len(player.visible_events()) < len(state.log)
    teacher = App(state, {0}, size=SIZE)
    teacher.show_lesson = False
    teacher.omniscient = True
    teacher.render(screen)
    assert hidden <= set(teacher.unit_boxes)
    assert [k for k, _ in teacher.visible_events()] == list(range(len(state.log)))
    # the enemy's half-turn as the status line sums it up, and the hover over a hidden enemy, are whole too
    # (a code review: they still used the side's own view)
    start = next(k for k, ev in enumerate(state.log) if ev.kind == "PhaseStarted" and ev.side == "defender")
    assert len(teacher.enemy_turn_seen(start)) >= len(player.enemy_turn_seen(start))
    from ui import panels

    lines: list[str] = []
    uid = sorted(hidden)[0]
    probe = panels.Writer(teacher, screen, teacher.panel_rect, measure=True)
    probe.line = lambda s, *a, **kw: lines.append(s) or pygame.Rect(0, 0, 0, 0)  # type: ignore[method-assign]
    panels.hover_info(teacher, probe, state.unit(uid).idx)
    assert any(uid in s and "hidden from your side" in s for s in lines), lines
    lines.clear()
    panels.hover_info(player, probe, state.unit(uid).idx)
    assert not any(uid in s for s in lines)
    assert "--see-all" in CliRunner().invoke(cli_app, ["play", "--help"]).output


def test_a_save_remembers_who_played_which_side(screen, tmp_path):
    """A player's review: `wargame play --load` gave back the defender to a player who had saved as the attacker,
    and the AI went on moving their special forces. The save keeps the human sides and the hotseat flag."""
    from engine.savegame import load_game
    from ui.app import App, saved_players

    state = new_game(load_scenario(LESSONS / "ambush.json"), 1, track_sightings=True)
    app = App(state, {0}, size=SIZE, save_path=tmp_path / "a.json")
    app.show_lesson = False
    app.run_ai_until(2)
    app.save()
    assert saved_players(load_game(tmp_path / "a.json")) == ({0}, False)
    both = App(load_game(tmp_path / "a.json", track_sightings=True), {0, 1}, hotseat=True, size=SIZE,
               save_path=tmp_path / "b.json")
    both.save()
    assert saved_players(load_game(tmp_path / "b.json")) == ({0, 1}, True)
    # and a game loaded in the window (Ctrl+O) goes on with the sides it was saved with too
    defender = App(new_game(load_scenario(LESSONS / "ambush.json"), 2, track_sightings=True), {1}, size=SIZE)
    defender.load(tmp_path / "a.json")
    assert defender.human == {0} and defender.view_side == 0 and "you play the attacker" in defender.status
    state.extra = {"players": {"human": ["nobody"]}}
    assert saved_players(state) is None
    state.extra = {}
    assert saved_players(state) is None


def test_a_drone_preview_gives_the_known_air_defences_chance_and_an_illegal_order_says_so_first(screen):
    """A player's review: a strike preview said only that air defence "may shoot the drone down" (the player
    lost two drones), and an out-of-range fire mission showed its full odds with NOT ALLOWED on its last line."""
    from engine.view import ContactView
    from ui.app import App, air_defence_line

    state = new_game(load_scenario(LESSONS.parent / "shusha_1120.json"), 1)
    app = App(state, {0}, size=SIZE)
    app.show_lesson = False
    v = app.view
    ad = next(u for u in state.units if u.side == 1 and state.utype(u).ad_range_hexes > 0)
    at = state.utype(ad)
    seen = ContactView(ad.id, 1, ad.type, ad.idx, state.map.hex_of(ad.idx), ad.strength)
    v.__dict__["contacts"] = [seen]
    assert v.air_defence_risk(ad.idx) == (pytest.approx(at.ad_kill_p), [ad.id])
    far = next(i for i in range(state.map.n) if state.map.distance(i, ad.idx) > at.ad_range_hexes)
    assert v.air_defence_risk(far) == (0.0, [])
    v.__dict__["contacts"] = [seen, ContactView("x", 1, ad.type, ad.idx, seen.hex, 2)]
    assert v.air_defence_risk(ad.idx)[0] == pytest.approx(1 - (1 - at.ad_kill_p) ** 2)
    assert f"{1 - (1 - at.ad_kill_p) ** 2:.0%}" in air_defence_line(v, ad.idx)
    # an order refused: NOT ALLOWED right under its name
    from engine.orders import Fire

    gun = next(u for u in state.units if u.side == 0 and state.utype(u).indirect and not u.offmap)
    target = max(range(state.map.n), key=lambda i: state.map.distance(i, gun.idx))
    app.preview(Fire(gun.id, state.map.hex_of(target)))  # (out of range, and not its phase)
    assert app.pending is not None and app.pending[1][1].startswith("NOT ALLOWED")


def test_the_game_over_window_tells_the_game_beside_the_record(screen):
    """A player's review: the game-over window was the raw score record ("objective first entry type:
    special_forces"). It now leads with who won, when and why, the road and the town by date, the record the
    scenario models, and losses by cause; `wargame run` prints the same lines (engine.debrief)."""
    from typer.testing import CliRunner

    from engine.cli import app as cli_app
    from engine.debrief import debrief_rows, key_moments
    from ui.app import App

    shusha = load_scenario(LESSONS.parent / "shusha_1120.json")
    st = play_game(shusha, 7)
    app = App(st, {1}, size=SIZE)
    app.show_lesson = False
    app.render(screen)
    box = next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text"))
    text = box.html_text
    moments = key_moments(st)
    who = moments[0].split(": ")[0]
    assert who[:1].upper() + who[1:] in text and " Nov " in moments[0]  # (dated by the scenario; a capital)
    assert "In the record" in text and "Morning of 4 Nov (turn 15)" in text
    assert text.index("Losses and activity") < text.index("Score record")
    lost = debrief_rows(st)[0]
    assert lost[0] == "steps lost" and f"steps lost: {lost[1]} / {lost[2]}" in text
    assert sum(a for label, a, _ in debrief_rows(st) if label.startswith("  of which to")) == lost[1]
    out = CliRunner().invoke(cli_app, ["run", str(LESSONS.parent / "shusha_1120.json"), "--seed", "7"]).output
    assert all(m.split(": ")[0] in " ".join(out.split()) for m in moments)


def test_the_ambush_legend_draws_its_dots_to_scale(screen):
    """A teacher's review: the legend showed "+1 (small dot)" and "+2 (large dot)" beside identical squares."""
    from ui import overlays as ov
    from ui import palette as pal
    from ui import panels
    from ui.app import App

    app = App(new_game(load_scenario(LESSONS / "ambush.json"), 1), {1}, size=SIZE)
    app.show_lesson = False
    res = ov.concealment(app.state, pal.DEFAULT)
    rows = {label: k for k, (_, label) in enumerate(res.legend)}
    small, large = rows["ambush +1 (small pale dot)"], rows["ambush +2 (large dark dot)"]
    assert res.legend_dots[small] < res.legend_dots[large]
    rows_, dots_ = panels.legend_rows(app, [res])  # (the tall legend, one row a line: where it goes is
    lines = panels.legend_lines(app, rows_, dots_, 12, 10_000, inline=False)  # tests/test_ui_legend_placement.py's)
    surf = panels.legend_surface(app, lines, 12, panels.LEGEND_FOLD)

    def ink(row: int) -> int:  # the dot's pixels in the legend row's square (rows are one line each here)
        dot = pygame.Color(*res.legend[row][0])
        lh = app.ui_text.line_height(12)
        top = 5 + lh * (row + 1)
        return sum(surf.get_at((x, y)) == dot for x in range(8, 8 + 14) for y in range(top, top + lh))

    assert 0 < ink(small) < ink(large)


def test_the_lesson_window_sets_the_command_lines_apart_for_the_teacher():
    """A teacher's review: the lesson window mixed long command lines (for the teacher) with what the class
    should watch. They come last now, marked for the teacher, after how to win."""
    from ui.panels import lesson_html

    scen = load_scenario(LESSONS / "ambush.json")
    text = lesson_html(scen)
    assert text.index("In the game") < text.index("Victory:") < text.index("For the teacher - Commands:")
    assert text.count("Commands:") == 1


def test_the_air_defence_risk_is_the_rules():
    """A code review: the air-defence test checked the code's own formula. The preview's chance against the
    rule's own engagements (`rules._ad_engagements`), drawn 4000 times."""
    import numpy as np

    from engine import rules
    from engine.view import ContactView, SideView

    state = new_game(load_scenario(LESSONS.parent / "shusha_1120.json"), 1)
    ad = next(u for u in state.units if u.side == 1 and state.utype(u).ad_range_hexes > 0)
    drone = next(u for u in state.units if u.side == 0 and state.utype(u).domain == "air"
                 and state.utype(u).air_role != "recon")
    view = SideView(state, 0)
    view.__dict__["contacts"] = [ContactView(ad.id, 1, ad.type, ad.idx, state.map.hex_of(ad.idx), ad.strength)]
    risk, who = view.air_defence_risk(ad.idx)
    assert who == [ad.id] and risk > 0
    state.rng = np.random.default_rng(5)
    downs = sum(rules._ad_engagements(state, drone, ad.idx)[1] for _ in range(4000))
    assert abs(downs / 4000 - risk) < 0.02, (downs / 4000, risk)
