"""A game saved with --see-all and loaded without it says how to show both sides again (an educator: a prepared
sandbox reloaded before class hid the ambush party the lesson was about, with nothing to say why)."""

from __future__ import annotations

from conftest import app_of, tiny_game

from engine.savegame import load_game


def test_a_see_all_save_loaded_without_it_names_the_option(screen, tmp_path) -> None:
    teacher = app_of(tiny_game(1, sandbox=True), (0,), omniscient=True)
    path = tmp_path / "prepared.json"
    teacher.write_save(path)
    plain = app_of(tiny_game(2), (0,))
    plain.load(path)
    assert "Saved with --see-all: add --see-all" in plain.status
    again = app_of(tiny_game(2), (0,), omniscient=True)
    again.load(path)
    assert "--see-all" not in again.status


def test_a_save_without_see_all_says_nothing_of_it(screen, tmp_path) -> None:
    app = app_of(tiny_game(1), (0,))
    path = tmp_path / "plain.json"
    app.write_save(path)
    assert "see_all" not in load_game(path).extra["players"]
    other = app_of(tiny_game(2), (0,))
    other.load(path)
    assert "--see-all" not in other.status
