"""Historian review 22: the defender's counter-attack on the road cut, the attacker's recon under low cloud, and
the fidelity check that the counter-attacks happen and fail (it must not hold when none is made)."""

from __future__ import annotations

import copy
import json

import pytest

from engine.fidelity import _counterattack_check
from engine.game import play_game
from engine.scenario import ScenarioError, load_scenario, scenario_from_dict
from engine.weather import WeatherTurn, flight_check

SCENARIO = "scenarios/shusha_1120.json"
RESERVE = ("arm_tank_1", "arm_mech_1")
AT_CUT = {"defender": {"commit_reserve": "road_cut"}}
OFF = {"defender": {"road_counterattack": False, "reserve": []}}


@pytest.fixture(scope="module")
def scen():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def counter_game(scen):
    """A historical game (the scenario's own doctrine parameters) in which the reserve is committed."""
    return play_game(scen, 5001)


def test_scenario_sets_the_counterattack_as_data(scen):
    params = scen.sides["defender"].agent_params
    assert params["road_counterattack"] is True
    assert set(params["reserve"]) == set(RESERVE)
    assert params["commit_reserve"] == "objective_entered"


def test_orbiter_grounded_under_400_m_while_the_orlan_flies(scen):
    low = WeatherTurn(turn=15, ceiling_m=400, visibility_km=3)
    assert flight_check(scen.unit_table["orbiter"], low) is not None  # the attacker's recon drone stays down
    assert flight_check(scen.unit_table["recon_drone"], low) is None  # the defenders' Orlan-10 flies under it
    assert flight_check(scen.unit_table["orbiter"], WeatherTurn(turn=5, ceiling_m=3500, visibility_km=30)) is None


def test_no_attacker_recon_sortie_under_the_low_cloud(scen):
    st = play_game(scen, 7)
    ceiling = {e.turn: e.ceiling_m for e in st.log if e.kind == "WeatherReport"}
    low = [e for e in st.log if e.kind == "ReconFlown" and e.side == "attacker" and ceiling[e.turn] < 800]
    assert not low


def test_reserve_waits_until_the_town_is_entered(counter_game):
    st = counter_game
    entered = st.score.objective_first_entry_turn
    assert entered is not None and st.score.road_cut_turn is not None
    moves = [e for e in st.log if e.kind == "UnitMoved" and e.unit in RESERVE]
    assert moves, "the reserve never moved: no counter-attack"
    assert min(e.turn for e in moves) >= entered > st.score.road_cut_turn


def test_reserve_committed_at_the_cut_waits_for_it(scen):
    st = play_game(scen, 5001, agent_params=AT_CUT)
    moves = [e for e in st.log if e.kind == "UnitMoved" and e.unit in RESERVE]
    assert moves and min(e.turn for e in moves) >= st.score.road_cut_turn


def test_without_the_parameters_the_reserve_drives_into_town_on_turn_1(scen):
    town = {tuple(h) for h in scen.objectives[0].hexes}
    st = play_game(scen, 5001, agent_params=OFF)
    first = [e for e in st.log if e.kind == "UnitMoved" and e.unit in (*RESERVE, "arm_ad_1") and e.turn == 1]
    assert {e.unit for e in first} == set(RESERVE) | {"arm_ad_1"}
    assert all(tuple(e.path[-1]) in town for e in first)


def test_counterattack_goes_for_the_cut_and_the_town_entrance(scen):
    """Over forty seeded games the committed reserve assaults the road-cut hexes below the town in several
    (about 40% of games, measured over 200: 38.5% in session 41; 12 seeds were too few to test that reliably, and 24
    gave 5 when the attacker's follow_up changed the games),
    and its assaults are nearly all on the road or the town (the record: stopped at the town's entrance)."""
    on_road = 0
    targets = []
    for seed in range(5000, 5040):
        st = play_game(scen, seed)
        gmap = st.map
        rw = st.scenario.victory.road_watch
        road = {gmap.hex_refs[i] for i in gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end))
                if i not in gmap.objective_set}
        town = {gmap.hex_refs[i] for i in gmap.objective_set}
        hits = [e for e in st.log if e.kind == "AssaultResolved" and e.attacker in RESERVE]
        assert all(e.turn >= st.score.road_cut_turn for e in hits)
        on_road += any(tuple(e.target_hex) in road for e in hits)
        targets += [tuple(e.target_hex) in road | town for e in hits]
    assert on_road >= 8  # (12 of these 40 in session 41; 15 expected at 38.5%)
    assert targets and sum(targets) >= 0.8 * len(targets)


def test_air_defence_stays_out_of_the_town(counter_game):
    town = {tuple(h) for h in counter_game.scenario.objectives[0].hexes}
    ad = [e for e in counter_game.log if e.kind == "UnitMoved" and e.unit == "arm_ad_1"]
    assert not any(tuple(e.path[-1]) in town for e in ad)


def test_reserve_must_be_a_list_of_ids():
    d = json.loads(open(SCENARIO, encoding="utf-8").read())
    bad = copy.deepcopy(d)
    bad["sides"]["defender"]["agent_params"] = {"reserve": "arm_tank_1"}
    with pytest.raises(ScenarioError, match="reserve"):
        scenario_from_dict(bad)
    good = copy.deepcopy(d)
    good["sides"]["defender"]["agent_params"] = {"reserve": ["arm_tank_1"], "road_counterattack": True,
                                                 "counterattack_ratio": 0.6, "commit_reserve": "road_cut"}
    scenario_from_dict(good)
    bad["sides"]["defender"]["agent_params"] = {"commit_reserve": "never"}
    with pytest.raises(ScenarioError, match="commit_reserve"):
        scenario_from_dict(bad)


def test_counterattack_check_cannot_hold_without_attempts():
    none = {"games": 200, "attempted": 0, "failed": 0, "assaults": 0, "assaults_repulsed": 0}
    assert _counterattack_check(none)[2] is False
    few = {"games": 200, "attempted": 60, "failed": 60, "assaults": 90, "assaults_repulsed": 90}
    assert _counterattack_check(few)[2] is False  # rare attempts, all failing: not the record
    succeed = {"games": 200, "attempted": 190, "failed": 60, "assaults": 500, "assaults_repulsed": 200}
    assert _counterattack_check(succeed)[2] is False  # made, but they reopen the road
    record = {"games": 200, "attempted": 150, "failed": 100, "assaults": 400, "assaults_repulsed": 300}
    target, measured, holds = _counterattack_check(record)
    assert holds and "75%" in measured and "counter-attacks" in target
    assert _counterattack_check(None)[2] is False


@pytest.mark.parametrize("seed", [100, 101, 104])
def test_tracking_sightings_does_not_change_the_counterattack(scen, seed):
    """The defender finds the cut from what it sees now, not from the sightings memory that only some games keep
    (these seeds diverged when it read `SideView.control`)."""
    from engine.ai.base import make_agent
    from engine.game import run_agents
    from engine.rules import new_game, seed_streams

    plain = play_game(scen, seed)
    tracked = new_game(scen, seed, track_sightings=True)
    agents = [make_agent("doctrine", dict(scen.sides[s].agent_params)) for s in ("attacker", "defender")]
    run_agents(tracked, agents, seed_streams(seed)[2:])
    assert [e.text() for e in tracked.log] == [e.text() for e in plain.log]


def test_a_reserve_that_names_no_unit_of_the_side_is_a_scenario_problem():
    """A typo or an enemy unit in `reserve` would silently hold nothing back (a reviewer's finding)."""
    from conftest import SHUSHA_PATH

    doc = json.loads(SHUSHA_PATH.read_text())
    doc["sides"]["defender"]["agent_params"]["reserve"] = ["arm_tank_9", "az_sf_1", "arm_tank_1"]
    with pytest.raises(ScenarioError) as e:
        scenario_from_dict(doc)
    assert e.value.problems == [
        "$.sides.defender.agent_params.reserve[0]: no unit 'arm_tank_9' in the scenario",
        "$.sides.defender.agent_params.reserve[1]: 'az_sf_1' belongs to the attacker; the reserve is the "
        "defender's own"]


def test_the_defender_finds_the_cut_only_where_it_sees_the_enemy():
    """`_cut_hexes` reads the side's view: a hidden attacker on the road cuts it, but the defender does not learn
    its hex from the cut (a seen one's hex it does)."""
    from conftest import add_unit, goto, variant

    from engine.ai.doctrine import DoctrineAgent
    from engine.rules import new_game
    from engine.view import observe

    def on_the_road(doc):
        add_unit(doc, "az_cut", "attacker", "special_forces", (1, 4), hidden=True)
        add_unit(doc, "az_seen", "attacker", "infantry", (2, 4))

    st = goto(new_game(variant(on_the_road), 1), "defender", "movement")
    v = observe(st, 1)
    assert v.road_cut and st.unit("az_cut").hidden and [c.id for c in v.contacts] == ["az_seen"]
    cut = DoctrineAgent(road_counterattack=True)._cut_hexes(v)
    assert sorted(st.map.hex_of(i) for i in cut) == [(2, 4)]
