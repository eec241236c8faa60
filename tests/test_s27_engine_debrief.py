"""The debrief (game-over window, `wargame run` summary) dates its moments without a second pair of parentheses:
it read "first cut: turn 16 (04 Nov 06:00) (attacker astride the road at (11,21) by Lisagor)"."""

from __future__ import annotations

import re

import pytest
from conftest import shusha_scenario

from engine.debrief import key_moments, when
from engine.game import play_game
from engine.rules import new_game


@pytest.fixture(scope="module")
def lisagor_game():
    return play_game(shusha_scenario(), 7)  # (seed 7: the first cut is the western group's, by Lisagor)


def test_a_turn_is_dated_without_parentheses():
    st = new_game(shusha_scenario(), 1)
    assert when(st, 15) == f"turn 15, {st.scenario.turn_start(15):%d %b %H:%M}"
    assert when(st, None) == "—"


def test_the_road_line_has_one_pair_of_parentheses_round_where_it_was_cut(lisagor_game):
    st = lisagor_game
    first = next(ev for ev in st.log if ev.kind == "RoadCut" and ev.cut)
    line = next(m for m in key_moments(st) if "first cut" in m)
    assert f"first cut: {when(st, first.turn)} ({first.reason})" in line
    assert ") (" not in line


@pytest.mark.parametrize("seed", [3, 7])
def test_no_debrief_line_sets_two_parentheticals_side_by_side(seed):
    st = play_game(shusha_scenario(), seed)
    for line in key_moments(st):
        assert not re.search(r"\)\s*\(", line), line
        assert line.count("(") == line.count(")"), line


def test_the_score_record_names_unit_types_by_their_labels_and_says_what_inflicted_counts():
    """A player's review: the game-over window said "objective first entry type: special_forces" and "border
    artillery" (a name shown nowhere else), and "steps inflicted" beside "steps lost" without saying how they are
    counted."""
    from engine.debrief import key_moments, score_lines, words

    state = play_game(shusha_scenario(), 9)  # (a game where the artillery from Armenia proper loses or inflicts)
    lines = {name: (value, note) for name, value, note in score_lines(state)}
    assert lines["objective first entry type"][0] == "Special forces"
    assert "border artillery" not in lines["steps inflicted"][0]
    assert "Artillery from Armenia proper (152 mm)" in lines["steps lost"][0] + lines["steps inflicted"][0] \
        + lines["units destroyed"][0]
    assert "by the type of the unit whose fire" in lines["steps inflicted"][1]
    assert not any("_" in lines[f.replace("_", " ")][0] for f in ("steps lost", "units destroyed", "steps inflicted",
                                                                  "objective first entry type",
                                                                  "attacker types in objective"))
    assert any(", by Special forces" in m for m in key_moments(state))
    assert words({"attacker": {"tank": 2}}, {"tank": "Tanks"}) == "attacker: Tanks 2"
    assert words({"attacker": {"tank": 2}}) == "attacker: tank 2"  # (no labels: the id in words, as before)


def test_only_unit_type_fields_are_relabelled():
    """A review: a scenario with a unit type named like a cause ("artillery") would have had its causes relabelled,
    and a free-text value lost its underscores."""
    from engine.debrief import UNIT_TYPE_FIELDS, words

    assert "losses_by_cause" not in UNIT_TYPE_FIELDS and "steps_lost" in UNIT_TYPE_FIELDS
    assert words("held_all") == "held_all"
    assert words("special_forces", {"special_forces": "Special forces"}) == "Special forces"
