"""The doctrine attacker's end-game clock is data (`endgame_turns`, `endgame_floor`), not a constant in code."""

from __future__ import annotations

import pytest
from conftest import shusha_scenario
from test_determinism import log_lines

from engine.ai.doctrine import DoctrineAgent
from engine.batch import with_overrides
from engine.errors import ScenarioError
from engine.game import play_game


def moves(state) -> list[str]:
    return log_lines(state)[1:]  # (the first event names the scenario's sha256, which an override changes)


def test_the_defaults_written_out_play_the_same_games():
    base = shusha_scenario()
    same = with_overrides(base, ("sides.attacker.agent_params.endgame_turns=8",
                                 "sides.attacker.agent_params.endgame_floor=0.5"), "shusha")
    assert moves(play_game(base, 5)) == moves(play_game(same, 5))


def test_without_the_clock_the_attacker_plays_another_game():
    """Seed 6: with the clock the attacker, taking worse odds in the last turns, holds the town when the game ends;
    without it, keeping its odds to the end, it does not. (Seed 5 until session 28's scenario change.)"""
    base = shusha_scenario()
    off = with_overrides(base, ("sides.attacker.agent_params.endgame_turns=0",), "shusha")
    a, b = play_game(base, 6), play_game(off, 6)
    assert (a.outcome.winner, b.outcome.winner) == ("attacker", "defender")
    floor_one = with_overrides(base, ("sides.attacker.agent_params.endgame_floor=1",), "shusha")
    assert moves(play_game(floor_one, 6)) == moves(b)  # a floor of 1 is no clock either


@pytest.mark.parametrize("setting, problem", [
    ("endgame_turns=-1", "endgame_turns"), ("endgame_turns=2.5", "endgame_turns"),
    ("endgame_floor=0", "endgame_floor"), ("endgame_floor=1.5", "endgame_floor"),
    ("endgame_floor=soon", "endgame_floor"),
])
def test_bad_clock_settings_are_refused_with_their_json_path(setting, problem):
    with pytest.raises(ScenarioError) as ei:
        with_overrides(shusha_scenario(), (f"sides.attacker.agent_params.{setting}",), "shusha")
    assert ei.value.problems[0].startswith(f"$.sides.attacker.agent_params.{problem}:"), ei.value.problems


def test_the_agent_itself_refuses_bad_clock_settings():
    with pytest.raises(ValueError, match="endgame_turns"):
        DoctrineAgent(endgame_turns=True)
    with pytest.raises(ValueError, match="endgame_floor"):
        DoctrineAgent(endgame_floor=0.0)


def test_the_defender_has_no_clock_to_set():
    """An acceptance test: `--set sides.defender.agent_params.endgame_turns=3` was accepted and ignored."""
    for key, value in (("endgame_turns", "3"), ("endgame_floor", "0.7")):
        with pytest.raises(ScenarioError) as ei:
            with_overrides(shusha_scenario(), (f"sides.defender.agent_params.{key}={value}",), "shusha")
        assert ei.value.problems[0] == (f"$.sides.defender.agent_params.{key}: only the attacker's doctrine AI has "
                                        "an end-game clock")
