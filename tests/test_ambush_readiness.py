"""Whether an own party could fire from ambush now, and why not (`rules.ambush_refusal`, the unit panel's line).

A defender playtest could tell why an ambush fired (its log line has every modifier and the roll) but never why one
of its parties did not: a revealed party's panel read like any unit's. The move's ambush check and the panel ask the
same rule."""

from __future__ import annotations

import pytest
from conftest import app_of, panel_lines, shusha_scenario, tiny_game

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.rules import ambush_refusal, new_game, seed_streams
from engine.units import SIDES


def test_the_reasons_in_the_tiny_scenario():
    state = tiny_game(1)
    amb = state.unit("arm_amb")  # (hidden in a ravine, ambush +2)
    assert ambush_refusal(state, amb) is None
    assert "does not set ambushes" in ambush_refusal(state, state.unit("arm_ad"))
    assert "town gives no ambush" in ambush_refusal(state, state.unit("arm_inf_1"))  # (seen too: the hex comes first)
    amb.fired = True
    assert ambush_refusal(state, amb) == "it has already fired this turn"
    amb.fired, amb.cohesion = False, 0
    assert ambush_refusal(state, amb) == "it is broken (cohesion 0)"
    amb.cohesion = 3
    state.set_hidden(amb, False)
    assert ambush_refusal(state, amb).startswith("it is seen (it must go to ground first: it goes to ground at the end")


def test_every_ambush_in_shusha_games_was_sprung_by_a_ready_party_and_ready_parties_next_to_movers_fired():
    """Before each order, the parties the rule calls ready; every ambush sprung in it came from one of them."""
    scen = shusha_scenario()
    sprung = 0
    for seed in (1, 3):
        streams = seed_streams(seed)
        state = new_game(scen, seed, streams=streams)
        players = [make_agent("doctrine", scen.sides[s].agent_params) for s in SIDES]
        while state.outcome is None:
            ready = {u.id for u in state.units if u.strength > 0 and not u.offmap and ambush_refusal(state, u) is None}
            n = len(state.log)
            agent_step(state, players[state.side], streams[2 + state.side])
            for ev in state.log[n:]:
                if ev.kind == "AmbushSprung":
                    sprung += 1
                    assert ev.ambusher in ready, (seed, state.turn, ev.ambusher)
    assert sprung > 0


READY = ", HIDDEN, AMBUSH READY (ravine +2; +2 more vs vehicles in ravine)"


@pytest.mark.parametrize("uid, words", [("arm_amb", READY),
                                        ("arm_inf_1", ", no ambush: town gives no ambush")])
def test_the_unit_panel_says_it(uid, words, screen, monkeypatch):
    """In its line of flags, the short form of the rule's reason."""
    app = app_of(tiny_game(1), (1,))
    app.select(uid)
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any(s.startswith("strength ") and s.endswith(words) for s in lines), lines
    enemy = app_of(tiny_game(1), (0,))  # (the attacker selecting nothing of its own: no such line for an enemy)
    assert not any("ambush" in s.lower() for s, _ in panel_lines(enemy, screen, monkeypatch))


def test_see_all_shows_the_enemys_parties_readiness_too(screen, monkeypatch):
    """The ambush lesson has a class play the column with --see-all to watch where the parties wait: their flags
    say whether each could fire (the attacker's screen showed only "HIDDEN")."""
    app = app_of(tiny_game(1), (0,), omniscient=True)
    app.select("arm_amb")
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any(s.startswith("strength ") and s.endswith(READY) for s in lines), lines


def test_the_log_says_a_party_found_on_ground_without_ambush_could_not_fire():
    """The ambush lesson's contrast: a party on the hills is found by the column ("contact"), not ambushing it;
    its reveal now says why ("no ambush: hills gives none"), where the log said only "contact with red_mr_1"."""
    from pathlib import Path

    from engine.batch import with_overrides
    from engine.game import play_game
    from engine.scenario import load_scenario

    lesson = load_scenario(Path(__file__).parents[1] / "scenarios" / "lessons" / "ambush.json")
    hills = with_overrides(lesson, ('sides.attacker.no_go=[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]',
                                    "units.blue_amb_1.hex=[6,1]"), "ambush.json")
    reasons = [ev.reason for ev in play_game(hills, 1).log if ev.kind == "UnitRevealed" and ev.unit == "blue_amb_1"]
    assert any(r.startswith("contact with ") and r.endswith("; no ambush: hills gives none") for r in reasons), reasons
    gorge = [ev for ev in play_game(lesson, 1).log if ev.kind == "UnitRevealed"]
    assert not any("no ambush" in ev.reason for ev in gorge if ev.unit == "blue_amb_1")  # (in the ravine it fired)
