"""Session 40's hotseat players: each side's overlays come back when the curtain lifts for it, each player gets the
briefing before their first move, a finished game shows both sides to both players (no curtain), and a replay of an
unfinished save says it shows everything."""

from __future__ import annotations

import html
from typing import Any

import pygame
from conftest import SHUSHA_PATH, goto
from test_ui_hotseat import end_half_turn, hotseat_app, press
from typer.testing import CliRunner

from engine.rules import new_game


def test_each_side_gets_its_own_overlays_back_after_the_other_sides_turn(shusha, screen) -> None:
    app = hotseat_app(shusha)
    app.render(screen)
    app.overlays |= {4}  # the attacker's line of sight
    end_half_turn(app, screen)
    assert app.overlays == set()  # (behind the curtain, and for the defender: none of the attacker's)
    app.clock.t += 5
    press(app, screen, pygame.K_RETURN, "\r")
    assert app.view_side == 1 and app.overlays == set()
    app.overlays |= {6}  # the defender's supply
    end_half_turn(app, screen)
    app.clock.t += 5
    press(app, screen, pygame.K_RETURN, "\r")
    assert app.view_side == 0 and app.overlays == {4}
    end_half_turn(app, screen)
    app.clock.t += 5
    press(app, screen, pygame.K_RETURN, "\r")
    assert app.view_side == 1 and app.overlays == {6}


def test_each_player_gets_the_briefing_before_their_first_move(shusha, screen) -> None:
    app = hotseat_app(shusha)
    app.show_lesson = True  # (as `wargame play --hotseat` opens a new game)
    app.brief_sides = {0, 1}
    app.curtain_at = None
    app.raise_curtain()
    app.curtain_at = None
    press(app, screen, pygame.K_RETURN, "\r")
    app.render(screen)
    assert app.view_side == 0 and app.lesson_win is not None and app.brief_sides == {1}
    app.lesson_win.kill()
    app.render(screen)
    assert app.lesson_win is None and not app.show_lesson
    end_half_turn(app, screen)
    app.clock.t += 5
    press(app, screen, pygame.K_RETURN, "\r")
    app.render(screen)
    assert app.view_side == 1 and app.lesson_win is not None and app.brief_sides == set()
    app.lesson_win.kill()
    app.render(screen)
    end_half_turn(app, screen)
    app.clock.t += 5
    press(app, screen, pygame.K_RETURN, "\r")
    app.render(screen)
    assert app.view_side == 0 and app.lesson_win is None  # (once each)


def test_wargame_play_hotseat_briefs_both_players(tmp_path: Any, monkeypatch: Any) -> None:
    import ui.app
    from engine.cli import app as cli_app

    seen: dict[str, Any] = {}
    real = ui.app.App.render

    def render(self, scr):
        seen["brief"] = set(self.brief_sides)
        real(self, scr)

    monkeypatch.setattr(ui.app.App, "render", render)
    r = CliRunner().invoke(cli_app, ["play", str(SHUSHA_PATH), "--hotseat", "--size", "1024x700", "--screenshot",
                                     str(tmp_path / "s.png")])
    assert r.exit_code == 0, r.output
    assert seen["brief"] == {0, 1}


def test_a_finished_hotseat_game_shows_both_sides_without_a_curtain(shusha, screen, tmp_path) -> None:
    from engine.game import play_game
    from ui.app import App

    st = play_game(shusha, 7)
    assert st.outcome is not None
    app = App(st, {0, 1}, hotseat=True, size=(1280, 800))
    app.show_lesson = False
    app.raise_curtain()  # (as a loaded hotseat game opens)
    app.update()
    app.render(screen)
    assert not app.pass_screen and app.omniscient
    assert "both sides' units" in app.status
    assert (app.view.control == app.state.control).all()  # (the true control map, not one side's belief)
    assert app.gui.over_win is not None  # (the game-over window, over the whole map)
    box = next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text"))
    assert "This game beside the record" in html.unescape(box.html_text)


def test_a_game_against_the_ai_keeps_its_fog_at_the_end(shusha, screen) -> None:
    from engine.game import play_game
    from ui.app import App

    app = App(play_game(shusha, 7), {1}, size=(1280, 800))
    app.show_lesson = False
    app.update()
    assert not app.omniscient


def test_a_replay_of_an_unfinished_save_says_it_shows_both_sides(shusha, tmp_path) -> None:
    from engine.cli import app as cli_app
    from ui.app import App

    app = App(goto(new_game(shusha, 3, track_sightings=True), "defender", "movement"), {0, 1}, hotseat=True,
              size=(1024, 700))
    save = tmp_path / "mid.json"
    app.save(save)
    shot = tmp_path / "r.png"
    r = CliRunner().invoke(cli_app, ["replay", str(save), "--screenshot", str(shot)])
    assert r.exit_code == 0, r.output
    assert "the game is not finished, and this replay shows both sides' units" in " ".join(r.output.split())
    r = CliRunner().invoke(cli_app, ["replay", str(save), "--side", "defender", "--screenshot", str(shot)])
    assert r.exit_code == 0 and "not finished" not in r.output


def test_in_a_hotseat_sandbox_each_player_picks_only_their_own_units(screen) -> None:
    from conftest import move_unit, variant

    from ui.app import App

    scen = variant(lambda doc: move_unit(doc, "az_sf", (5, 3)))  # (two hexes from Tinytown's defenders: seen)
    for hotseat in (True, False):
        st = new_game(scen, 3, sandbox=True, track_sightings=True)
        app = App(st, {0, 1} if hotseat else {0}, hotseat=hotseat, size=(1280, 800))
        app.show_lesson = False
        app.render(screen)
        seen = [c for c in app.view.contacts if app.state.utype(app.state.unit(c.id)).domain == "ground"]
        assert seen, "the attacker sees a defender at the start (the test's premise)"
        app.click_hex(seen[0].idx)
        picked = app.selected == seen[0].id
        assert picked is (not hotseat), (hotseat, app.selected, app.status)


def test_a_game_loaded_after_a_finished_hotseat_game_keeps_its_fog_and_the_save_says_no_see_all(
        shusha, screen, tmp_path) -> None:
    """A reviewer: the whole-map view of a finished hotseat game stayed on for an unfinished game loaded after it
    (Ctrl+O), and a save made at the end recorded --see-all, which was never given."""
    from engine.game import play_game
    from engine.savegame import load_game
    from ui.app import PLAYERS_KEY, App

    mid = App(goto(new_game(shusha, 3, track_sightings=True), "defender", "movement"), {0, 1}, hotseat=True,
              size=(1280, 800))
    mid.save(tmp_path / "mid.json")
    app = App(play_game(shusha, 7), {0, 1}, hotseat=True, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    app.update()
    assert app.omniscient
    app.save(tmp_path / "end.json")
    assert "see_all" not in load_game(tmp_path / "end.json").extra[PLAYERS_KEY]
    app.load(tmp_path / "mid.json")
    app.render(screen)
    app.update()
    assert app.state.outcome is None and not app.omniscient and app.pass_screen


def test_a_hotseat_sandbox_offers_the_other_sides_units_neither_in_the_roster_nor_in_the_place_mode(screen) -> None:
    from conftest import move_unit, variant

    from ui import sandbox
    from ui.app import App

    scen = variant(lambda doc: move_unit(doc, "az_sf", (5, 3)))
    for hotseat in (True, False):
        app = App(new_game(scen, 3, sandbox=True, track_sightings=True), {0, 1} if hotseat else {0},
                  hotseat=hotseat, size=(1280, 800))
        app.show_lesson = False
        app.render(screen)
        enemy = next(c for c in app.view.contacts if app.state.utype(app.state.unit(c.id)).domain == "ground")
        offered = [uid for _, uid in sandbox.roster_rows(app) if uid]
        assert (enemy.id in offered) is (not hotseat)
        app.selected = enemy.id  # (however it came to be selected)
        before = app.state.unit(enemy.id).strength
        sandbox.change_strength(app, -1)
        assert (app.state.unit(enemy.id).strength == before) is hotseat, app.status
        app.selected = None
        sandbox.toggle_place_mode(app)
        sandbox.place_click(app, app.state.unit(enemy.id).idx)
        assert (app.selected == enemy.id) is (not hotseat)
        if hotseat:
            assert not sandbox.place(app, enemy.id, app.state.map.idx((6, 3)))
            assert "the other player's" in app.status


def test_the_supply_overlay_says_whose_estimate_a_both_sides_view_shows(shusha) -> None:
    from ui import overlays as ov
    from ui import palette as pal

    st = new_game(shusha, 3)
    from engine.view import observe

    p = pal.PALETTES["default"]
    assert ov.compute(6, st, observe(st, 0), 0, p, None, 0).title == ov.SUPPLY_TITLE
    res = ov.compute(6, st, observe(st, 0), 0, p, None, 0, omniscient=True)
    assert res.title.startswith("6 Supply - the ATTACKER'S ESTIMATE") and "YOUR" not in res.title
    words = " ".join(w for _, w in res.legend)
    assert "the attacker has not seen" in words and " you " not in f" {words} "  # (the legend too: a reviewer)


def test_no_no_go_name_is_written_under_the_cloud_tag(shusha, screen, tmp_path) -> None:
    """A reviewer: at step 347 of game 7 (low cloud) the opaque cloud tag cut "closed to the attacker" in half."""
    import pygame

    from engine.game import play_game
    from engine.savegame import save_game
    from ui.app import NO_GO_LABEL_TOP_PX
    from ui.replay import ReplayApp, ReplayModel

    save_game(play_game(shusha, 7), tmp_path / "s7.json")
    app = ReplayApp(ReplayModel.open(tmp_path / "s7.json"), size=(1280, 800))
    app.goto(347)
    surf = pygame.Surface((1280, 800))
    app.render(surf)
    app.render(surf)
    assert app.sky_tag_rect is not None and app.no_go_label_rects
    assert not [r for r in app.no_go_label_rects if r.colliderect(app.sky_tag_rect)]
    assert all(r.top >= NO_GO_LABEL_TOP_PX for r in app.no_go_label_rects)


def test_a_clicked_ambush_line_shows_its_modifier_on_the_status_bar_at_projector_scale(shusha, screen, tmp_path
                                                                                        ) -> None:
    """A teacher: at 1280x800 x1.5 the status line of the clicked AMBUSH line was cut before "ravine ambush +2", the
    modifier the class plan asks them to read aloud. The modifiers now come first."""
    import pygame

    from engine.game import play_game
    from engine.savegame import save_game
    from ui import panels
    from ui.replay import ReplayApp, ReplayModel

    save_game(play_game(shusha, 7), tmp_path / "s7.json")
    app = ReplayApp(ReplayModel.open(tmp_path / "s7.json"), size=(1280, 800), ui_scale=1.5)
    app.goto(161)
    surf = pygame.Surface((1280, 800))
    app.render(surf)
    k = max(k for k, ev in app.visible_events() if ev.kind == "AmbushSprung")
    app.show_event(k)
    app.render(surf)
    assert app.status.startswith("T9 [ravine ambush +2] AMBUSH at (25,15)")
    lines, n = panels.status_lines(app, app.map_rect.w - 16)
    assert "ravine ambush +2" in " ".join(lines[:n])
    app.goto(347)  # (an assault: its words, the outcome, stay first; both sides' modifiers filled the bar: a review)
    app.render(surf)
    k = max(k for k, ev in app.visible_events() if ev.kind == "AssaultResolved")
    app.show_event(k)
    assert app.status.startswith("T16 Assault "), app.status


def test_the_overlay_legend_keeps_clear_of_the_low_cloud_tag(shusha, screen) -> None:
    """The last read: with overlay 6 on under low cloud (turn 14, a sandbox as a teacher runs it), the legend, drawn
    after the cloud tag at the top left, hid the tag that says what the cloud grounds."""
    import pygame

    from ui.app import App
    from ui.cli import auto_ui_scale

    app = App(new_game(shusha, 7, sandbox=True, track_sightings=True), {1}, size=(1560, 910),
              ui_scale=auto_ui_scale((1560, 910)))  # (as `wargame play` sizes it in a 1600x1000 screen)
    app.show_lesson = False
    app.run_ai_until(14)
    app.open_on_own_forces()  # (as `wargame play` opens its view)
    app.overlays |= {6}
    surf = pygame.Surface((1560, 910))
    app.render(surf)
    app.render(surf)
    assert app.sky_tag_rect is not None and app.legend_rect is not None
    assert not app.legend_rect.colliderect(app.sky_tag_rect), (app.legend_rect, app.sky_tag_rect)
