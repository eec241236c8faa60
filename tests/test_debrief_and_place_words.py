"""The debrief and what the tool tells a class: dates, labels, the road cut, hexes named by their places."""

from __future__ import annotations

import re

import pytest
from conftest import shusha_scenario

from engine.debrief import key_moments, when
from engine.events import RoadCut
from engine.game import play_game
from engine.rules import new_game

# ---------------------------------------------------------------------------------------------------------------------
# The debrief (game-over window, `wargame run` summary) dates its moments without a second pair of parentheses:
# it read "first cut: turn 16 (04 Nov 06:00) (attacker astride the road at (11,21) by Lisagor)".

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

    state = play_game(shusha_scenario(), 2)  # (a game where the artillery from Armenia proper loses or inflicts)
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


# ---------------------------------------------------------------------------------------------------------------------
# Session 26: an educator's review of what the tool tells a class (where the road is cut, the battery from
# Armenia proper, the briefing's ways into the town).

@pytest.fixture(scope="module")
def shusha_state():
    return new_game(shusha_scenario(), 1)


def test_a_hex_next_to_a_place_is_described_by_it(shusha_state):
    gmap = shusha_state.map
    assert gmap.describe_near(gmap.idx((11, 21))) == "(11,21) by Lisagor"
    assert gmap.describe_near(gmap.idx((12, 20))) == "(12,20) Lisagor"  # the place's own hex: its name, as before
    far = gmap.idx((0, 0))
    assert gmap.place_name(far) is None and gmap.describe_near(far) == "(0,0)"


def test_a_reopened_road_is_not_said_to_be_reopened_open():
    ev = RoadCut.make(turn=3, road="Valley road", cut=False, reason="open")
    assert ev.text() == "Valley road reopened"
    assert RoadCut.make(turn=3, road="R", cut=True, reason="attacker at (1,1)").text() == "R CUT: attacker at (1,1)"


def test_the_debrief_says_where_the_road_was_first_cut():
    """The game-over window set "road cut: turn 15" beside the record's special forces on the road by the town,
    when the first cut was the western group's at Lisagor, 10 km away."""
    from engine.debrief import key_moments

    st = play_game(shusha_scenario(), 2)
    line = next(m for m in key_moments(st) if "first cut" in m)
    first = next(ev for ev in st.log if ev.kind == "RoadCut" and ev.cut)
    assert f"({first.reason})" in line and st.score.road_cut_turn == first.turn
    assert "by Lisagor" in first.reason  # seed 2 (seed 7 before engine 0.21.0): the western group's cut


def test_the_artillery_from_armenia_proper_reaches_lisagor_and_fires():
    """It had range 12 from the W edge: Lachin and the Hakari valley only, where the attacker no longer goes, and
    fired in no game while the scenario's notes and the panel presented it."""
    scen = shusha_scenario()
    st = new_game(scen, 1)
    gun = st.unit("arm_art_offmap")
    ut = scen.unit_table[gun.type]
    gmap = st.map
    assert gun.type == "border_artillery" and ut.indirect
    assert gmap.distance(gun.idx, gmap.idx((11, 21))) <= ut.range_hexes
    missions = 0
    for seed in (1, 2, 3, 4, 5):
        log = play_game(scen, seed).log
        missions += sum(ev.kind == "ArtilleryFired" and ev.unit == "arm_art_offmap" for ev in log)
    assert missions >= 3


def test_the_briefing_does_not_call_the_cliff_rim_open():
    """Jidir Duzu has cliff hexsides on all its outside faces; the one southern way in without a cliff is the
    road's, (21,12) into (21,11)."""
    scen = shusha_scenario()
    text = " ".join(scen.meta.briefing)
    assert "open south-west rim" not in text and "(21,12) into (21,11)" in text
    names = {u.id: u.name for u in scen.units}
    assert "Karin Tak" not in names["arm_inf_3"] and "Dashalti" in names["arm_inf_3"]
    assert any("Dashalti / Karin Tak" in n for n in scen.meta.notes)


def test_ambushers_keep_a_mark_of_the_enemy_they_fired_on():
    """A player's review: after an ambush party fired and slipped away, its side had no mark of the enemy it had
    just hit (the last-seen record held the ambusher for the victim's side only)."""
    from engine.ai.base import make_agent
    from engine.game import agent_step, seed_streams

    scen = shusha_scenario()
    st = new_game(scen, 0, track_sightings=True)
    players = [make_agent(scen.sides[s].agent, scen.sides[s].agent_params) for s in ("attacker", "defender")]
    rngs = seed_streams(0)[2:4]
    checked = 0
    while st.outcome is None and st.turn <= 12 and checked < 3:
        n = len(st.log)
        agent_step(st, players[st.side], rngs[st.side])
        for ev in st.log[n:]:
            if ev.kind != "AmbushSprung":
                continue
            target = st.unit(ev.target)
            side = ("attacker", "defender").index(ev.side)
            if target.strength > 0 and st.map.hex_of(target.idx) == tuple(ev.target_hex):
                assert st.last_seen[side].get(target.id, (None,))[0] == target.idx, ev.text()
                checked += 1
    assert checked >= 1  # (seed 0 has ambushes on the approach from turn 5)
