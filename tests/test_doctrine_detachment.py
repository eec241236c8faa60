"""Session 23, the western group at Lisagor: the Shusha attacker's western group fights for the corridor road at
Lisagor on 4-5 Nov instead of driving on Lachin (the record: the push on Lachin bogged down short of it, the
attackers held the road toward Lachin by 4 Nov, and Lisagor saw fighting on 4-5 Nov). It rests on the doctrine
parameters `detachment` / `detachment_goal` (opt-in, tested on the tiny scenario) and the scenario's no-go box
over Lachin and the Hakari valley."""

from __future__ import annotations

import pytest
from conftest import add_unit, assert_problem, goto, next_turn, scenario_problems, shusha_scenario, tiny_dict, variant

from engine.ai.doctrine import DoctrineAgent
from engine.game import play_game
from engine.orders import Move
from engine.rules import new_game
from engine.view import observe

WEST = {"az_mr_3", "az_mech_2", "az_tank_2"}
LISAGOR, ZARYSLY = (12, 20), (15, 16)
LACHIN = {(4, 26), (3, 26)}
COMBAT = ("AssaultResolved", "AmbushSprung", "ArtilleryFired", "DroneStrike")
GAMES = 12


def _dist(a: tuple[int, int], b: tuple[int, int]) -> int:
    def cube(h):
        x = h[0] - (h[1] - (h[1] & 1)) // 2
        return x, -x - h[1], h[1]
    (ax, ay, az), (bx, by, bz) = cube(a), cube(b)
    return max(abs(ax - bx), abs(ay - by), abs(az - bz))


@pytest.fixture(scope="module")
def shusha_games():
    """Per game: the turn a western unit first stands on the corridor road within 2 hexes of Lisagor, the turn of
    the first fight near Lisagor or Zarysly a western unit takes part in, and the turn Lachin fell (None: not)."""
    scen = shusha_scenario()
    corridor = {tuple(h) for h in next(r for r in scen.raw["map"]["roads"] if r["name"] == "Lachin corridor")["path"]}
    near = {h for h in corridor if _dist(h, LISAGOR) <= 2}
    out = []
    for seed in range(1, GAMES + 1):
        st = play_game(scen, seed)
        on_road = fight = lachin = None
        for e in st.log:
            if e.kind == "UnitMoved" and e.unit in WEST and on_road is None and tuple(e.path[-1]) in near:
                on_road = e.turn
            if e.kind in COMBAT and fight is None:
                hexes = [tuple(h) for h in (getattr(e, "hex", None), getattr(e, "target_hex", None)) if h]
                who = set(e.units()) | set(getattr(e, "defenders", ()))
                if who & WEST and any(min(_dist(h, LISAGOR), _dist(h, ZARYSLY)) <= 2 for h in hexes):
                    fight = e.turn
            if e.kind == "ControlChanged" and e.side == "attacker" and tuple(e.hex) in LACHIN and lachin is None:
                lachin = e.turn
        out.append((on_road, fight, lachin))
    return out


def test_the_western_group_reaches_the_corridor_road_at_lisagor_on_4_5_nov(shusha_games):
    turns = [t for t, _, _ in shusha_games if t is not None]
    assert len(turns) >= GAMES * 3 // 4, shusha_games
    assert all(13 <= t <= 17 for t in turns), turns  # turns 13-17: 3 Nov 06:00 to 5 Nov 06:00


def test_the_western_group_fights_near_lisagor(shusha_games):
    fights = [f for _, f, _ in shusha_games if f is not None]
    assert len(fights) >= GAMES * 3 // 4, shusha_games
    assert sorted(fights)[len(fights) // 2] <= 18, fights  # by 5 Nov (night)


def test_lachin_is_not_taken(shusha_games):
    assert sum(1 for *_, lachin in shusha_games if lachin is not None) <= 1, shusha_games


# ------------------------------------------------------------------ the doctrine parameters (tiny scenario)

GOAL = (9, 1)  # a plain hex in the tiny map's north-east corner, away from the road and the town


def _moves_of(agent: DoctrineAgent, st, uid: str) -> list[Move]:
    return [o for o in agent._attacker_moves(observe(st, 0)) if getattr(o, "unit", None) == uid]


def test_a_detached_unit_makes_for_its_goal_whatever_the_lead():
    st = goto(new_game(variant(lambda d: None), 1), "attacker", "movement")
    for lead in ("sf", "mech"):
        plain = _moves_of(DoctrineAgent(lead=lead), st, "az_tank")
        (o,) = _moves_of(DoctrineAgent(lead=lead, detachment=["az_tank"], detachment_goal=[list(GOAL)]), st,
                         "az_tank")
        assert _dist(tuple(o.to), GOAL) < _dist((9, 6), GOAL)
        assert [m.to for m in plain] != [o.to]  # on the main plan it goes elsewhere (or waits)


def test_a_detached_unit_on_its_goal_holds_it():
    def edit(doc):
        next(u for u in doc["units"] if u["id"] == "az_tank")["hex"] = list(GOAL)

    st = goto(new_game(variant(edit), 1), "attacker", "movement")
    agent = DoctrineAgent(detachment=["az_tank"], detachment_goal=[list(GOAL)])
    assert _moves_of(agent, st, "az_tank") == []


def test_a_cut_by_the_detachment_alone_changes_no_plan():
    """A detached unit astride the watched road: the road is cut for the game (and the defender), but the main
    plan is played as if it were open; a unit of the main body there cuts it for the plan too."""
    def edit(doc):
        add_unit(doc, "az_cut", "attacker", "infantry", (1, 4))

    st = goto(next_turn(new_game(variant(edit), 1)), "attacker", "movement")
    v = observe(st, 0)
    assert v.road_cut
    detached = DoctrineAgent(detachment=["az_cut"], detachment_goal=[[1, 4]])
    assert not detached._cut_by_main_body(v)
    assert DoctrineAgent(detachment=["az_tank"], detachment_goal=[list(GOAL)])._cut_by_main_body(v)
    # on the main plan the cut sends the mechanised followers to the town; cut by the detachment, they wait
    plain = {o.unit for o in DoctrineAgent()._attacker_moves(observe(st, 0))}
    assert {"az_mech", "az_tank"} <= plain
    assert not {"az_mech", "az_tank", "az_cut"} & {o.unit for o in detached._attacker_moves(observe(st, 0))}


def test_off_by_default():
    agent = DoctrineAgent()
    assert agent.detachment == frozenset() and agent.detachment_goal == ()


@pytest.mark.parametrize(("params", "where", "words"), [
    ({"detachment": ["az_tank"]}, "agent_params", ("go together",)),
    ({"detachment_goal": [[1, 1]]}, "agent_params", ("go together",)),
    ({"detachment": ["az_tank"], "detachment_goal": [[1]]}, "detachment_goal", ()),
    ({"detachment": ["nobody"], "detachment_goal": [[1, 1]]}, "detachment[0]", ("no unit",)),
    ({"detachment": ["arm_inf_1"], "detachment_goal": [[1, 1]]}, "detachment[0]", ("belongs to the defender",)),
    # (a goal off the map was dropped without a word when the game ran)
    ({"detachment": ["az_tank"], "detachment_goal": [[1, 1], [99, 0]]}, "detachment_goal[1]", ("off the",)),
])
def test_bad_detachment_parameters_are_refused(params, where, words):
    doc = tiny_dict()
    doc["sides"]["attacker"]["agent_params"] = params
    problems = scenario_problems(doc)
    assert any(where in p for p in problems), problems
    for w in words:
        assert any(w in p for p in problems), problems


def test_only_the_attacker_detaches():
    doc = tiny_dict()
    doc["sides"]["defender"]["agent_params"] = {"detachment": ["arm_inf_1"], "detachment_goal": [[1, 1]]}
    assert_problem(scenario_problems(doc), "$.sides.defender.agent_params.detachment", "attacker")


def test_the_counterattack_measure_is_not_made_trivial_by_the_second_cut():
    """With the road held at Lisagor no counter-attack at the town reopens it: "failed" as "the road not reopened"
    held in every game. The check counts a success when an assault clears the attacker off the road by the town."""
    from engine.fidelity import counterattacks

    ca = counterattacks(shusha_scenario(), 1, 40)
    # (19 of 40 with the approach's local parties; 26 before). Reopened: none until session 26, when the battery
    # from Armenia proper began to shell the western group at Lisagor: now and then it is off the road there when
    # an assault clears the cut by the town (1 of these 40 games; 4 of 300 in the fidelity run)
    assert ca["attempted"] >= 16 and ca["reopened"] <= 2
    assert 0 < ca["failed"] < ca["attempted"]  # some cleared the road by the town, most did not
