"""Session 26: an educator's review of what the tool tells a class (where the road is cut, the battery from
Armenia proper, the briefing's ways into the town)."""

from __future__ import annotations

import pytest
from conftest import shusha_scenario

from engine.events import RoadCut
from engine.game import play_game
from engine.rules import new_game


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

    st = play_game(shusha_scenario(), 7)
    line = next(m for m in key_moments(st) if "first cut" in m)
    first = next(ev for ev in st.log if ev.kind == "RoadCut" and ev.cut)
    assert f"({first.reason})" in line and st.score.road_cut_turn == first.turn
    assert "by Lisagor" in first.reason  # seed 7: the western group's cut


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
