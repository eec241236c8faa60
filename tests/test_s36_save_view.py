"""A save keeps the view (`App.view_record`, `App.restore_view`): an educator's prepared sandbox reopened on the whole
map, with no overlay and nothing selected, and the class watched the set-up all over again."""

from __future__ import annotations

from typing import Any

import pygame
from conftest import app_of, shusha_scenario, tiny_game
from typer.testing import CliRunner

from engine.rules import new_game
from engine.savegame import load_game
from ui.app import VIEW_KEY


def _key(app: Any, key: int, mod: int = 0) -> None:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))


def _prepared(tmp_path: Any) -> tuple[Any, Any]:
    """A teacher's Shusha sandbox: overlay 3 on, one zoom step in from the play zoom, a special-forces group
    selected and centred, the key-events filter on; saved."""
    app = app_of(new_game(shusha_scenario(), 1, sandbox=True), (0,))
    app.open_on_own_forces()
    _key(app, pygame.K_3)
    app.zoom(+1)
    app.select("az_sf_3")
    app.center_on(app.state.unit("az_sf_3").idx)
    _key(app, pygame.K_f)
    _key(app, pygame.K_b)  # (the last-fight card)
    path = tmp_path / "prepared.json"
    app.write_save(path)
    return app, path


def test_a_loaded_save_opens_on_the_view_it_was_saved_with(screen: Any, tmp_path: Any) -> None:
    teacher, path = _prepared(tmp_path)
    record = load_game(path).extra[VIEW_KEY]
    assert record["overlays"] == [3] and record["selected"] == "az_sf_3" and record["log_key_only"] is True
    before = (teacher.hex_size, teacher.vx, teacher.vy)
    later = app_of(tiny_game(2), (0,))  # (the in-window Load…)
    later.load(path)
    assert later.overlays == {3} and later.selected == "az_sf_3" and later.log_key_only and later.show_fight_card
    assert (later.hex_size, later.vx, later.vy) == before
    assert not later.status.startswith("Selected")  # (the load's line says what was loaded, not the selection)


def test_a_save_without_a_view_or_with_junk_opens_as_a_new_game_does(screen: Any, tmp_path: Any) -> None:
    _, path = _prepared(tmp_path)
    plain = app_of(load_game(path), (0,))
    plain.open_on_own_forces()
    fresh = (plain.hex_size, plain.vx, plain.vy, set(plain.overlays), plain.selected)
    for junk in (None, "x", {"side": "attacker", "overlays": [99, "3"], "hex_px": -4, "centre": [500, 2],
                              "selected": "arm_inf_1", "counters_faded": "yes"}):
        st = load_game(path)
        st.extra[VIEW_KEY] = junk
        app = app_of(st, (0,))
        app.open_on_own_forces()
        assert app.restore_view() is False
        assert (app.hex_size, app.vx, app.vy, set(app.overlays), app.selected) == fresh


def test_another_sides_or_a_hotseat_screen_keeps_its_own_view(screen: Any, tmp_path: Any) -> None:
    _, path = _prepared(tmp_path)
    defender = app_of(load_game(path), (1,))
    assert defender.restore_view() is False and defender.selected is None and not defender.overlays
    seat = app_of(load_game(path), (0, 1), hotseat=True)
    assert seat.restore_view() is False


def test_wargame_play_load_restores_the_view(screen: Any, tmp_path: Any, monkeypatch: Any) -> None:
    from engine.cli import app as cli
    from ui.app import App

    _, path = _prepared(tmp_path)
    seen: list[tuple[set[int], str | None]] = []
    restore = App.restore_view

    def spy(self: Any) -> bool:
        done = restore(self)
        seen.append((set(self.overlays), self.selected))
        return done

    monkeypatch.setattr(App, "restore_view", spy)
    res = CliRunner().invoke(cli, ["play", "--load", str(path), "--screenshot", str(tmp_path / "s.png")],
                             env={"SDL_VIDEODRIVER": "dummy"})
    assert res.exit_code == 0, res.output
    assert seen == [({3}, "az_sf_3")]
