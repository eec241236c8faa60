"""What the player is told (dummy SDL video): the sandbox's weather keys (the drones lesson's F5-F8 work as its
text says: the sandbox air phase waits while the drones are grounded; the keys work with the lesson window open);
an ambush line says what the fire did, a miss too; the status line after a load names the phase the player is in
and the phases skipped on the way; a side with no guns is told "you have no artillery"; the lesson window's hint
and code font; the help's rules in brief from the tables; the game-over verdict; the unit panel and supply tags."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import SHUSHA_PATH, goto

from engine.events import AmbushSprung, FireResult
from engine.rules import new_game
from engine.scenario import load_scenario

LESSONS = Path(SHUSHA_PATH).parent / "lessons"


def frames(app: Any, screen: Any, n: int = 3) -> None:
    for _ in range(n):
        app.update()
        app.render(screen)


def drones_app(screen: Any, sandbox: bool = True) -> Any:
    from ui.app import App

    st = new_game(load_scenario(LESSONS / "drones.json"), 0, None, sandbox=sandbox, track_sightings=True)
    app = App(st, {0}, size=(1280, 800))
    app.show_lesson = True
    frames(app, screen)
    assert app.briefing_open() and (st.turn, st.side, st.phase) == (1, 0, "air")
    return app


# ------------------------------------------------------------------------ 1: the drones lesson's F5-F8
def test_sandbox_air_phase_waits_while_the_drones_are_grounded(screen):
    app = drones_app(screen)
    app.on_key(pygame.K_ESCAPE, 0)
    frames(app, screen)
    st = app.state
    assert (st.turn, st.side, st.phase) == (1, 0, "air")  # (was skipped the moment the lesson closed)
    assert app.grounded_own() and "your air phase waits (sandbox)" in app.status and "F5-F8" in app.status
    from ui import panels

    assert "F5-F8" in panels.phase_hint(app)
    app.on_key(pygame.K_F6, 0)
    assert app.status.startswith("Sandbox weather clear: ") and "can fly" in app.status.split(" | ")[0]
    assert not app.grounded_own() and app.able_units()  # (the drones fly now)
    frames(app, screen)
    assert st.phase == "air"


def test_weather_keys_work_with_the_lesson_window_open(screen):
    app = drones_app(screen)
    app.on_key(pygame.K_F6, 0)
    assert "Lesson open" not in app.status and app.status.startswith("Sandbox weather clear")
    assert app.briefing_open() and not app.grounded_own()
    app.on_key(pygame.K_ESCAPE, 0)
    frames(app, screen)
    assert app.state.phase == "air" and app.able_units()


def test_a_replay_of_a_sandbox_game_takes_no_weather_keys(screen):
    """A reviewer: F5-F8 reached `sandbox_weather` in the replay viewer, and a sandbox save's replay changed."""
    from engine.savegame import save_dict
    from ui.replay import ReplayApp, ReplayModel

    app = drones_app(screen)
    viewer = ReplayApp(ReplayModel.from_save_dict(save_dict(app.state)), size=(1280, 800))
    before = (len(viewer.state.log), viewer.state.weather)
    for key in (pygame.K_F6, pygame.K_F8):
        viewer.on_key(key, 0)
        assert (len(viewer.state.log), viewer.state.weather) == before and "read-only" in viewer.status


def test_without_sandbox_the_grounded_air_phase_is_still_skipped(screen):
    app = drones_app(screen, sandbox=False)
    app.on_key(pygame.K_F6, 0)
    assert "Lesson open" in app.status  # (no weather keys outside the sandbox)
    app.on_key(pygame.K_ESCAPE, 0)
    frames(app, screen)
    assert app.state.phase != "air"


def test_the_drones_lesson_text_says_the_phase_waits():
    text = " ".join(load_scenario(LESSONS / "drones.json").meta.lesson)
    assert "F5-F8" in text and "press one now, or in red's air phase (it waits, all drones grounded)" in text


# ------------------------------------------------------------------------ 2: an ambush's result, either way
def ambush(losses: int, hits: int) -> Any:
    fire = FireResult(firer="arm_inf_6", target="az_sf_1", target_type="sf", firepower=3, protection=1,
                      modifiers=[], net=2, p_hit=0.3, shots=2, rolls=[0.5, 0.9 if not hits else 0.1], hits=hits,
                      losses=losses, strength_after=3 - losses)
    return AmbushSprung.make(turn=1, side="defender", ambusher="arm_inf_6", target="az_sf_1", hex=(28, 19),
                             target_hex=(29, 19), fire=fire)


def test_an_ambush_that_misses_says_no_steps_lost(shusha):
    from ui.status import order_summary

    st = new_game(shusha, 0)
    miss = order_summary([ambush(0, 0)], st, "x")
    assert "AMBUSH at (29,19)" in miss and "az_sf_1 stopped, no steps lost (2 shots, no hit)" in miss
    hit = order_summary([ambush(1, 1)], st, "x")
    assert "az_sf_1 stopped, lost 1 step" in hit and "no steps lost" not in hit


def test_the_enemy_turn_report_says_an_ambush_missed(shusha):
    from ui.status import summary_sections

    st = new_game(shusha, 0)
    parts = [p for _, ps in summary_sections([ambush(0, 0)], st) for p in ps]
    assert any("no steps lost" in p for p in parts)


# ------------------------------------------------------------------------ 3: the status after a load
def test_load_status_names_the_phase_after_the_skips(tmp_path, screen):
    """The ambush lesson's defender has neither aircraft nor guns: loaded at its air phase, it plays movement."""
    from engine.savegame import save_game
    from ui.app import App

    scen = load_scenario(LESSONS / "ambush.json")
    st = goto(new_game(scen, 0, track_sightings=True), "defender", "air")
    p = tmp_path / "s.json"
    save_game(st, p)
    app = App(new_game(scen, 0, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = False
    app.load(p)
    assert "defender air phase" in app.status
    frames(app, screen)
    st = app.state
    assert (st.side, st.phase) == (1, "movement")
    assert "defender movement phase" in app.status and "air phase" not in app.status.split(" | ")[0], app.status
    for words in ("skipped the air phase (you have no aircraft)", "skipped the artillery phase (you have no "
                  "artillery)"):  # (each phase skipped on the way, not only the last one)
        assert words in app.status, app.status


# ------------------------------------------------------------------------ 4: no guns at all
def test_a_side_with_no_guns_is_told_it_has_no_artillery(screen):
    """With an enemy spotted (placed next to each side's unit in the sandbox) the words said "for the enemies you
    spotted", as if guns stood elsewhere."""
    from engine.orders import SandboxPlace
    from engine.rules import apply
    from ui.app import App

    st = new_game(load_scenario(LESSONS / "ambush.json"), 0, sandbox=True, track_sightings=True)
    apply(st, SandboxPlace("red_mr_1", (7, 6)))  # (seen by blue)
    apply(st, SandboxPlace("blue_gar", (11, 5)))  # (seen by red)
    for side in (0, 1):
        app = App(st, {side}, size=(1280, 800))
        app.show_lesson = False
        assert not app.own_guns()
        assert any(app.view.spotter(c.idx) for c in app.view.contacts), side
        assert app.artillery_skip_reason() == "you have no artillery"


# ------------------------------------------------------------------------ 5: the top-left hint over the lesson
@pytest.mark.parametrize("name", ["ground.json", "drones.json"])
def test_the_choose_side_hint_stays_clear_of_the_lesson_window(screen, name):
    from ui import panels
    from ui.app import App

    app = App(new_game(load_scenario(LESSONS / name), 1), {1}, size=(1280, 800))
    app.show_lesson = True
    app.side_choice = True
    app.render(screen)
    s = panels.top_hint(app)
    assert s.startswith("Choose your side below the briefing")
    img = panels.top_hint_image(app, s)
    hint = img.get_rect(topleft=(app.map_rect.x + 8, app.map_rect.y + panels.TOP_HINT_Y))
    assert not hint.colliderect(app.lesson_win.rect), (hint, app.lesson_win.rect)
    assert pygame.Rect(0, 0, 1280, 800).contains(app.lesson_win.rect)


# ------------------------------------------------------------------------ 6: commands in a monospace
def test_commands_and_data_paths_are_in_the_code_font(screen):
    from ui import panels
    from ui.app import App

    scen = load_scenario(LESSONS / "supply.json")
    text = panels.lesson_html(scen)
    code = f"<font face={panels.CODE_FONT}>"
    assert f"{code}--set sides.defender.supply_range=40</font>" in text
    assert f"{code}wargame run scenarios/lessons/supply.json --seed 1 -v --set " \
           "&#x27;sides.defender.supply_sources=[[0,5],[11,0]]&#x27;</font>" in text
    assert "Vank" in text and f"{code}Vank" not in text  # (prose stays in the text face)
    app = App(new_game(scen, 1), {1}, size=(1280, 800))  # the window knows the face: no fallback warning
    app.show_lesson = True
    import warnings

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        app.render(screen)
    assert not [w for w in got if "font" in str(w.message).lower()]
    fonts = app.gui.manager.get_theme().get_font_dictionary()
    assert panels.CODE_FONT in fonts.known_font_paths


# ------------------------------------------------------------------------ 7: the rules that decide fights
def test_rules_in_brief_name_the_vehicle_and_withdrawal_rules_from_the_tables(shusha):
    from engine.batch import with_overrides
    from ui.gui import rules_brief

    text = " ".join(rules_brief(shusha))
    assert "'vehicles blind in ...': hills +1, mountain +1, forest +2, ravine +2, town +1" in text
    assert "'anti-tank weapons at close range (...)'" in text and "Tanks" in text
    assert "Artillery from Armenia" not in text  # (off-map guns are never met close up: not listed as heavy)
    assert "After firing from ambush, Infantry break contact" in text and "can ambush again" in text
    assert "(night-trained here: Special forces)" in text
    changed = with_overrides(shusha, ['terrain_types={"r": {"concealment": 3}}',
                                      "unit_types.infantry.ambush_withdraw=false"], "shusha")
    said = " ".join(rules_brief(changed))
    assert "ravine +3" in said and "ravine +2" not in said.split("'vehicles blind in ...'")[1][:120]
    assert "break contact" not in said  # (no type withdraws: no line)


# ------------------------------------------------------------------------ 8: who won, from the player's side
def over_text(app: Any) -> str:
    return next(e for e in app.gui.over_win.get_container().elements if hasattr(e, "html_text")).html_text


def test_the_game_over_window_says_whether_you_won(shusha, screen):
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), {1}, size=(1280, 800))
    app.show_lesson = False
    app.run_ai_until(10)
    while app.state.outcome is None:  # (the game's end played step by step, as the UI drives it: not autoplayed)
        app.ai_step()
    o = app.state.outcome
    app.render(screen)
    mine = "won" if o.winner == "defender" else "lost"
    assert f"You (defender) {mine}" in over_text(app)
    assert app.gui.over_win.window_display_title.startswith(f"Game over - you (defender) {mine}")
    app.on_key(pygame.K_ESCAPE, 0)
    app.on_key(pygame.K_SPACE, 0)
    assert f": you (defender) {mine}. Click" in app.status
    app.human, app.hotseat = {0, 1}, True  # hotseat: the side that won, no "you"
    app.gui._over_key = None
    app.render(screen)
    assert f"The {o.winner} won" in over_text(app) and "You (" not in over_text(app)


def test_a_game_autoplay_played_to_its_end_is_nobodys_win(shusha, screen):
    """`--side attacker --autoplay 40`: the AIs played the whole game, and the status line says "(AI vs AI)"; the
    game-over window said "you (attacker) won" all the same."""
    from ui.app import App

    app = App(new_game(shusha, 0, track_sightings=True), {0}, size=(1280, 800))
    app.show_lesson = False
    app.run_ai_until(shusha.turns + 1)
    o = app.state.outcome
    assert o is not None and app.addressed() == set()
    app.render(screen)
    assert f"The {o.winner} won" in over_text(app) and "You (" not in over_text(app)
    assert app.gui.over_win.window_display_title == f"Game over - the {o.winner} won"
    app.on_key(pygame.K_ESCAPE, 0)
    app.on_key(pygame.K_SPACE, 0)
    assert "The game is over" in app.status and "you (" not in app.status
    app.set_state(new_game(shusha, 1, track_sightings=True))  # another game: its ending will be the player's
    assert app.addressed() == {0}


# ------------------------------------------------------------------------ 9: the Orlan's flags; supply tags
def test_an_aircraft_that_flew_reads_sortie_flown_not_fought(shusha, screen, monkeypatch):
    from conftest import panel_lines

    from ui.app import App

    st = new_game(shusha, 0, track_sightings=True)
    app = App(st, {1}, size=(1280, 800))
    app.show_lesson = False
    orlan = next(u for u in st.units if u.side == 1 and st.utype(u).domain == "air")
    gun = next(u for u in st.units if u.side == 1 and st.utype(u).indirect)
    orlan.fired = gun.fired = True
    app.select(orlan.id)
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any("sortie flown" in s for s in lines) and not any("fought/fired" in s for s in lines)
    app.select(gun.id)
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any(s.endswith(", fired") or ", fired," in s for s in lines), lines


def test_a_stacks_supply_tag_keeps_off_the_counter_of_the_hex_above(screen):
    """Two stacks as at Shusha: the upper hex's counter sits just above the lower stack, where its tag went."""
    from ui import overlays as ov
    from ui.text import Text

    pygame.font.init()
    res = ov.OverlayResult("supply")
    red = (200, 30, 30, 255)
    boxes = {"low_0": (1, pygame.Rect(100, 100, 44, 34)), "low_1": (1, pygame.Rect(106, 106, 44, 34)),
             "up_0": (0, pygame.Rect(125, 68, 44, 34))}  # (the hex above and to the right: 2 px over the stack)
    for uid in ("low_0", "low_1"):
        res.unit_marks[uid] = (red, ov.NO_SUPPLY_TAG)
    sprites = ov.unit_mark_sprites(res, boxes, Text())
    tag = sprites[-1][1]
    assert not tag.colliderect(boxes["up_0"][1]), tag
    assert tag.colliderect(boxes["low_0"][1].union(boxes["low_1"][1]))  # (still on its own stack)
