"""Which file a user gave, told right (a robustness test: a save cut in half was told "to replay an event log give
--scenario FILE", and an event log given to `wargame play --load` was told "invalid JSON at line 2: Extra data")."""

from __future__ import annotations

import pytest
from conftest import tiny_game

from engine.errors import SaveFormatError
from engine.events import event_to_json
from engine.game import run_agents
from engine.savegame import load_game, looks_like_event_log, save_game


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from engine.ai.base import make_agent
    from engine.rules import seed_streams

    d = tmp_path_factory.mktemp("files")
    state = tiny_game(1)
    streams = seed_streams(1)
    run_agents(state, [make_agent("doctrine"), make_agent("doctrine")], list(streams[2:4]), until_turn=2)
    save = d / "game.json"
    save_game(state, save)
    log = d / "game.jsonl"
    log.write_text("\n".join(event_to_json(e) for e in state.log) + "\n", encoding="utf-8")
    cut = d / "cut.json"
    cut.write_text(save.read_text(encoding="utf-8")[: len(save.read_text(encoding="utf-8")) // 2], encoding="utf-8")
    return save, log, cut


def test_an_event_log_is_told_apart_from_a_damaged_save(files):
    save, log, cut = files
    assert looks_like_event_log(log.read_text(encoding="utf-8"))
    assert not looks_like_event_log(cut.read_text(encoding="utf-8"))
    assert not looks_like_event_log(save.read_text(encoding="utf-8"))  # (it parses whole: never asked, but not a log)
    assert not looks_like_event_log("")


def test_loading_an_event_log_as_a_save_names_the_replay_command(files):
    _, log, _ = files
    with pytest.raises(SaveFormatError, match=r"an event log, not a save file: step through it with `wargame replay"):
        load_game(log)


def test_loading_a_cut_save_still_says_truncated(files):
    _, _, cut = files
    with pytest.raises(SaveFormatError, match=r"not a save file \(invalid JSON at line 1, column \d+: .* — the file "
                                              r"ends too soon: cut short"):
        load_game(cut)


def test_replaying_a_cut_save_says_it_is_damaged_not_to_add_a_scenario(files):
    from ui.replay import ReplayModel

    save, log, cut = files
    with pytest.raises(SaveFormatError, match=r"a damaged or truncated file, neither a save nor an event log"):
        ReplayModel.open(cut)
    with pytest.raises(SaveFormatError, match=r"an event log of a game of .*: give --scenario FILE"):
        ReplayModel.open(log)
    assert ReplayModel.open(save).kind == "save"


def test_replay_refuses_a_negative_step(files):
    from typer.testing import CliRunner

    from engine.cli import app

    save, _, _ = files
    r = CliRunner().invoke(app, ["replay", str(save), "--step", "-5"])
    assert r.exit_code == 2 and "--step must be 0 (the start) or more, got -5" in r.output
