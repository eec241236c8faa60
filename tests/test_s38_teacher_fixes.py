"""Session 38 (a teacher preparing a class): what the projector setting showed of a hovered hex."""

from __future__ import annotations

import pygame
from conftest import SHUSHA_PATH, app_of, goto, next_turn, panel_lines, short_shusha_doc

from engine.rules import new_game
from engine.scenario import load_scenario


def test_a_hovered_hex_is_read_whole_at_the_projector_setting(screen, monkeypatch) -> None:
    """At 1280x800, --ui-scale 1.5, with drones grounded, the cliff-top town showed its name and one more line: the
    event log now shrinks to its last rows while the mouse is over the map, and the parts above stay as they were."""
    state = new_game(load_scenario(SHUSHA_PATH), 7)
    while state.turn < 16:
        next_turn(state)
    goto(state, "attacker", "artillery")
    app = app_of(state, (0,), size=(1280, 800), ui_scale=1.5)
    town = state.map.idx((20, 11))

    def frame(on_map: bool) -> list[str]:
        """The panel's lines drawn above the event log (those below it are clipped: not seen)."""
        app.hover = town if on_map else None
        app.gui.pointer_on_map = on_map
        app.render(screen)
        got = panel_lines(app, screen, monkeypatch)
        return [s for s, r in got if r.bottom <= app.gui.log_top() + 2]

    away, over = frame(False), frame(True)
    assert any("GROUNDED" in s for s in over)
    assert any("cliff top (fires down +2)" in s for s in over), over
    assert any(s.startswith("move cost: foot") for s in over), over
    assert app.gui._log_level == 1  # (the log shrunk to its last rows, not hidden)
    head = over.index(next(s for s in over if s.startswith("Hex (20,11)")))
    assert over[:head] == away[:head]  # the clock, the aircraft, the objective and the hint as they were
    assert frame(False) == away and app.gui._log_level == 0  # the mouse back over the panel: the log whole again


def test_a_watched_fight_is_not_under_its_card(screen) -> None:
    """Watch mode centred the map on the fight, and its card (a corner, up to half the map wide) covered it at
    1280x800, --ui-scale 1.5: the fight is drawn right of the middle and up a little, the card beside it."""
    import pygame
    from test_s36_watch_fights import _key, _play_to_a_stop

    from ui import combat_card

    app = app_of(new_game(load_scenario(SHUSHA_PATH), 7), (1,), size=(1280, 800), ui_scale=1.5)
    app.autoskip = False
    _key(app, pygame.K_w)
    stops, covered = 0, []
    while app.state.turn < 16 and _play_to_a_stop(app):  # (22 stops; 6 were under the card, centred)
        app.render(screen)
        card = combat_card.draw(app, screen)
        assert card is not None
        x, y = app.hex_to_screen(app.highlight[0])  # (the fight's first hex: where the map was put)
        if card.collidepoint(int(x), int(y)):
            covered.append((app.state.turn, app.watching[0].text()))
        stops += 1
        _key(app, pygame.K_SPACE)
    assert stops >= 10 and not covered, covered


def test_a_legend_that_would_hide_a_third_of_the_map_folds_itself(screen) -> None:
    """The drones' key (overlay 5) at 1280x800, --ui-scale 1.5 covered 40% of the Shusha map: it shows its title and
    why it folded, until a click opens it."""
    from ui import panels

    state = new_game(load_scenario(SHUSHA_PATH), 7)
    while state.turn < 15:
        next_turn(state)
    goto(state, "defender", "air")
    app = app_of(state, (1,), size=(1280, 800), ui_scale=1.5)
    app.on_key(pygame.K_5, 0, "5")
    app.render(screen)
    mr = app.map_rect
    assert app.legend_shown_folded and app.legend_rect.w * app.legend_rect.h < 0.15 * mr.w * mr.h
    panels.toggle_legend_fold(app)
    app.render(screen)
    assert not app.legend_shown_folded
    assert app.legend_rect.w * app.legend_rect.h > panels.LEGEND_MAX_SHARE * mr.w * mr.h  # (whole: as large as it is)



def test_an_enemy_sortie_that_found_no_hidden_unit_says_what_it_still_sees() -> None:
    """A class read the log's "it detected none of your hidden units" against the status line's "sees your
    Special-forces group": the units in the open were in its view all along."""
    from types import SimpleNamespace

    from ui.status import recon_log_detail

    state = new_game(load_scenario(SHUSHA_PATH), 7)
    ev = SimpleNamespace(shot_down=False, side="attacker", center=(21, 13), radius=2, detected=[])
    got = recon_log_detail(ev, state, 1)
    assert got.endswith("; it found none of your hidden units (those of yours in the open there are in its view)")
    assert recon_log_detail(SimpleNamespace(**{**vars(ev), "detected": ["arm_inf_3"]}), state, 1).startswith(
        "looked at 19 hexes within 2 of (21,13)")


def test_replay_starts_at_a_turn(screen, tmp_path) -> None:
    """(Last in this file: the replay command's window is 1024x700, the display the tests above draw on.)
    A teacher shows one moment of a recorded game (`wargame replay FILE --turn 15`): the first order of that
    turn, found from the replay's own turn index; a turn the game never reached is refused in one line."""
    from typer.testing import CliRunner

    from engine.cli import app as cli_app
    from engine.game import play_game
    from engine.savegame import save_game
    from engine.scenario import scenario_from_dict
    from ui.replay import ReplayApp, ReplayModel

    state = play_game(scenario_from_dict(short_shusha_doc(4)), 7)
    save = tmp_path / "g.json"
    save_game(state, save)
    m = ReplayModel.open(save)
    k = m.first_of_turn(3)
    assert m.turn_at[k] == 3 and m.turn_at[k - 1] == 2 and m.first_of_turn(1) == 0
    assert m.first_of_turn(99) is None
    viewer = ReplayApp(m, size=(1024, 700))
    viewer.goto(k)
    assert viewer.model.state.turn == 3 and "turn 3" in viewer.status
    r = CliRunner().invoke(cli_app, ["replay", str(save), "--turn", "3", "--size", "1024x700", "--screenshot",
                                     str(tmp_path / "t.png")])
    assert r.exit_code == 0 and (tmp_path / "t.png").is_file(), r.output
    r = CliRunner().invoke(cli_app, ["replay", str(save), "--turn", "9", "--screenshot", str(tmp_path / "u.png")])
    assert r.exit_code == 2 and "--turn 9: the game in g.json ended on turn 4" in r.output, r.output
    assert not (tmp_path / "u.png").exists()
    r = CliRunner().invoke(cli_app, ["replay", str(save), "--turn", "2", "--step", "4"])
    assert r.exit_code == 2 and "give --step or --turn, not both" in r.output



def test_the_event_log_title_is_drawn_whole_after_the_log_moves(screen) -> None:
    """At 1600x1000 with the log risen to the panel's text the list cut its title's words in half: pygame_gui kept
    them where the title, taller a frame before, had centred them."""
    state = new_game(load_scenario(SHUSHA_PATH), 7)
    app = app_of(state, (0,), size=(1280, 800))
    gui = app.gui
    title, box = gui._log_rects[False]
    gui._place_log(pygame.Rect(title.x, title.y - 60, title.w, title.h + 60), box)  # a tall title first
    gui._place_log(title, box)  # then its own height again
    img = gui.log_title.image
    rows = [y for y in range(img.get_height()) if any(img.get_at((x, y))[3] > 0 and img.get_at((x, y))[:3] !=
                                                      img.get_at((0, 0))[:3] for x in range(img.get_width()))]
    assert rows and img.get_height() == title.h
    top, bottom = rows[0], img.get_height() - 1 - rows[-1]
    assert abs(top - bottom) <= 4, (top, bottom)  # (centred, not cut at its foot)


def test_overlay_9_is_a_key_to_the_terrain(screen) -> None:
    """A teacher found the ravines, forests and cliff lines unexplained unless each hex was hovered: key 9 draws
    nothing on the map and its legend names each ground on it with what the scenario's table says it does, then the
    lines over the terrain; it does not fold itself for its size (it is what was asked for)."""
    from ui import overlays as ov
    from ui.cli import parse_overlays
    from ui.overlay_names import OVERLAYS

    assert OVERLAYS[9] == "terrain key" and parse_overlays(["terrain key", "9", "key"], lambda m: None) == [9]
    state = new_game(load_scenario(SHUSHA_PATH), 7)
    app = app_of(state, (0,), size=(1280, 800), ui_scale=1.5)
    res = ov.compute(9, state, app.view, 0, app.palette, None, 0)
    assert not res.fills and not res.hatch and not res.dots and res.key_only
    texts = [t for _, t in res.legend]
    table = state.scenario.terrain_table
    ravine = next(t for t in table.values() if t.name == "ravine")
    assert (f"ravine: defence {ravine.defence:+d}, concealment {ravine.concealment}, ambush +{ravine.ambush}; "
            "move foot ") in texts[[t.split(":")[0] for t in texts].index("ravine")]
    assert any(t.startswith("black line with teeth: a cliff") for t in texts)
    assert any(t.startswith("gold outline: the objective") for t in texts)
    app.on_key(pygame.K_9, 0, "9")
    app.render(screen)
    assert 9 in app.overlays and not app.legend_shown_folded
