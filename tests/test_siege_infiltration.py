"""The doctrine attacker's `infiltrate_objective`: once the road is cut, a steady unit that has broken into the
objective and is in contact, and leaves another own unit in its hex to go on fighting, slips on into an empty
objective hex its side does not hold, if the road stays cut without it; once its side holds the whole objective,
steady units out of contact sweep it for the defenders that contest the win (small constructed situations on the
tiny scenario, whose town is (3,3) and (3,4), with (2,5) made a third, empty town hex off the watched road)."""

from __future__ import annotations

import json

from conftest import (
    SHUSHA_PATH,
    add_unit,
    drop_units,
    move_unit,
    scenario_problems,
    second_turn_attacker_movement,
    tiny_dict,
)

from engine.ai.doctrine import DoctrineAgent
from engine.orders import Move
from engine.view import observe

EMPTY = (2, 5)  # next to (3,4), not next to the defender at (3,3), off the road (0,4)-(3,4)
BLOCK = (1, 4)  # a hex of the watched road outside the town


def _third_town_hex(doc) -> None:
    c, r = EMPTY
    row = doc["map"]["terrain"][r]
    doc["map"]["terrain"][r] = row[:c] + "t" + row[c + 1:]
    doc["objectives"][0]["hexes"].append(list(EMPTY))


def siege_state(unit_hex=(3, 4), block: bool = True, cohesion: int | None = None, pair: bool = True):
    """The attacker's movement phase of turn 2: its special forces `az_town` (with `pair`, and `az_town2`) stand
    at `unit_hex` next to the defender's infantry at (3,3); with `block`, an infantry company on the road at (1,4)
    keeps the road cut whatever they do."""
    def edit(doc):
        _third_town_hex(doc)
        drop_units(doc, "arm_ad", "arm_inf_2", "arm_amb")
        add_unit(doc, "az_town", "attacker", "special_forces", unit_hex)
        if pair:
            add_unit(doc, "az_town2", "attacker", "special_forces", unit_hex)
        if block:
            add_unit(doc, "az_block", "attacker", "infantry", BLOCK)
        move_unit(doc, "az_sf", (8, 0))

    st = second_turn_attacker_movement(edit)
    if cohesion is not None:
        st.unit("az_town").cohesion = cohesion
    v = observe(st, 0)
    assert v.road_cut and "arm_inf_1" in [c.id for c in v.contacts]
    return st


def town_orders(st, unit: str = "az_town", **params) -> list[Move]:
    return [o for o in DoctrineAgent(**params)._plan_moves(observe(st, 0))
            if isinstance(o, Move) and o.unit.startswith(unit)]


def test_one_of_two_units_in_the_town_in_contact_takes_the_empty_hex():
    """The other stays in contact to fight."""
    st = siege_state()
    assert town_orders(st, infiltrate_objective=True) == [Move("az_town", EMPTY)]


def test_a_lone_unit_in_contact_stays_to_fight():
    """Leaving, it would stop fighting the enemy next to it (with the Shusha scenario: fewer clean captures)."""
    assert town_orders(siege_state(pair=False), infiltrate_objective=True) == []


def test_off_by_default_the_units_stay_to_fight():
    assert town_orders(siege_state()) == []
    assert DoctrineAgent().infiltrate_objective is False


def test_the_one_left_behind_keeps_the_road_cut():
    """Without the road block the pair at the road's end cuts the road: one may go, the other holds the cut."""
    assert town_orders(siege_state(block=False), infiltrate_objective=True) == [Move("az_town", EMPTY)]


def test_not_if_the_road_would_reopen():
    """The road check itself, the companion rule waived: a lone unit at the road's end, with no road block, is
    what cuts the road, so it stays."""
    st = siege_state(block=False, pair=False)
    agent = DoctrineAgent(infiltrate_objective=True)
    agent._keeps_company = lambda view, u, left: True  # type: ignore[method-assign]
    assert [o for o in agent._plan_moves(observe(st, 0)) if isinstance(o, Move) and o.unit == "az_town"] == []
    st = siege_state(pair=False)  # (with the road block it would go)
    assert [o for o in agent._plan_moves(observe(st, 0)) if isinstance(o, Move) and o.unit == "az_town"] == [
        Move("az_town", EMPTY)]


def test_a_shaken_unit_stays():
    got = town_orders(siege_state(cohesion=1), infiltrate_objective=True)
    assert not [o for o in got if o.unit == "az_town"]


def test_a_unit_outside_the_objective_does_not_infiltrate():
    """Next to the defender at (3,3) but outside the town, at (4,3) (two units): they fight where they stand
    (breaking into the town is the assault's business)."""
    st = siege_state(unit_hex=(4, 3))
    assert st.map.idx((4, 3)) not in st.map.objective_set
    assert town_orders(st, infiltrate_objective=True) == []


def sweep_state(enemy=(3, 2), pair: bool = False, block: bool = True):
    """The attacker's movement phase of turn 2, its side holding all three town hexes: `az_town` (and with `pair`
    `az_town2`) at (3,4), the defender's infantry at `enemy` ((3,2): next to the town hex (3,3), two hexes from
    (3,4), so out of contact; (9,7): far off), with `block` the road block at (1,4)."""
    def edit(doc):
        _third_town_hex(doc)
        drop_units(doc, "arm_ad", "arm_inf_2", "arm_amb")
        move_unit(doc, "arm_inf_1", enemy)
        add_unit(doc, "az_town", "attacker", "special_forces", (3, 4))
        if pair:
            add_unit(doc, "az_town2", "attacker", "special_forces", (3, 4))
        # (without it, an infantry company off the road at (5,2) keeps the enemy in sight)
        add_unit(doc, "az_block", "attacker", "infantry", BLOCK if block else (5, 2))
        move_unit(doc, "az_sf", (8, 0))

    st = second_turn_attacker_movement(edit)
    for h in ((3, 3), (3, 4), EMPTY):
        st.control[st.map.idx(h)] = 0
    v = observe(st, 0)
    assert v.road_cut and [c.id for c in v.contacts] == ["arm_inf_1"]
    assert st.map.idx((3, 4)) not in v.contact_zone
    return st


def sweep_orders(st, **params) -> list[Move]:
    return [o for o in DoctrineAgent(**params)._plan_moves(observe(st, 0))
            if isinstance(o, Move) and o.unit.startswith("az_town")]


def test_holding_it_all_a_unit_moves_next_to_the_contesting_enemy():
    """The win waits on the defender two hexes from (3,4): one of the two units there moves into the town hex next
    to it, to assault; a lone one stays (a review: it left its town hex empty)."""
    st = sweep_state(pair=True)
    got = sweep_orders(st, infiltrate_objective=True)
    # ((3,3) itself is claimed first by the mechanised unit sweeping into the town: one sweeper a hex a phase)
    assert len(got) == 1 and got[0].unit == "az_town"
    assert st.map.distance(st.map.idx(got[0].to), st.map.idx((3, 2))) == 1
    sweepers = [o.to for o in DoctrineAgent(infiltrate_objective=True)._plan_moves(observe(st, 0))
                if isinstance(o, Move) and o.unit in ("az_mech", "az_tank", "az_town")]
    assert len(sweepers) == len(set(sweepers)) == 3, sweepers
    assert sweep_orders(st) == []
    assert sweep_orders(sweep_state(), infiltrate_objective=True) == []


def test_a_broken_companion_does_not_count():
    """A broken unit withdraws in the same phase: the steady one stays, or the town hex at the road's end would be
    left empty (a review)."""
    st = siege_state(block=False)
    st.unit("az_town2").cohesion = 0
    assert [o for o in town_orders(st, infiltrate_objective=True) if o.unit == "az_town"] == []


def test_the_road_check_counts_the_moves_ordered_this_phase():
    """Each move was checked against the phase's starting positions: two units leaving the road's end one after
    the other each found the road cut by the other (a review)."""
    st = siege_state(block=False)
    view = observe(st, 0)
    agent = DoctrineAgent(infiltrate_objective=True)
    empty = st.map.idx(EMPTY)
    assert agent._reachable_keeping_cut(view, st.unit("az_town2"), [empty], {}) == empty
    planned = {"az_town": empty}
    assert agent._reachable_keeping_cut(view, st.unit("az_town2"), [empty], planned) is None
    assert planned == {"az_town": empty}


def test_the_road_check_leaves_the_detachment_out():
    """The plan's own cut is the main body's: a detachment on the watched road does not let the last main-body unit
    at the road's end leave it (a review: Shusha's Lisagor goal hexes cut the road alone)."""
    st = siege_state(pair=False)  # (az_block on the road at (1,4))
    view = observe(st, 0)
    empty = st.map.idx(EMPTY)
    az_town = st.unit("az_town")
    assert DoctrineAgent(infiltrate_objective=True)._reachable_keeping_cut(view, az_town, [empty], {}) == empty
    detached = DoctrineAgent(infiltrate_objective=True, detachment=("az_block",), detachment_goal=(BLOCK,))
    assert detached._reachable_keeping_cut(view, az_town, [empty], {}) is None


def test_the_first_leader_keeps_its_road_block_in_the_sweep():
    """`release_road_block` off: the first leader holds the block to the end of the game, sweep or not."""
    def edit(doc):
        _third_town_hex(doc)
        drop_units(doc, "arm_ad", "arm_inf_2", "arm_amb")
        move_unit(doc, "arm_inf_1", (9, 7))
        move_unit(doc, "az_sf", BLOCK)
        add_unit(doc, "az_town", "attacker", "infantry", (3, 4))

    st = second_turn_attacker_movement(edit)
    for h in ((3, 3), (3, 4), EMPTY):
        st.control[st.map.idx(h)] = 0
    moves = [o for o in DoctrineAgent(infiltrate_objective=True)._plan_moves(observe(st, 0))
             if isinstance(o, Move) and o.unit == "az_sf"]
    assert moves == []


def test_the_sweep_keeps_the_road_cut():
    """Without the road block the unit at the road's end is what cuts the road: it stays."""
    assert sweep_orders(sweep_state(block=False), infiltrate_objective=True) == []


def test_holding_it_all_one_of_two_units_fills_an_empty_town_hex():
    """No enemy near: of the two units at (3,4) one moves into a town hex no own unit stands in; the other stays,
    so no town hex it held is left empty."""
    st = sweep_state(enemy=(9, 7), pair=True)
    got = sweep_orders(st, infiltrate_objective=True)
    assert len(got) == 1 and got[0].to in ((3, 3), EMPTY)
    assert sweep_orders(st) == []


def test_a_lone_unit_does_not_leave_its_town_hex_empty():
    assert sweep_orders(sweep_state(enemy=(9, 7)), infiltrate_objective=True) == []


def test_the_defender_may_not_set_it():
    doc = tiny_dict()
    doc["sides"]["defender"]["agent_params"] = {"infiltrate_objective": True}
    problems = scenario_problems(doc)
    assert any("infiltrate_objective" in p and "attacker" in p for p in problems), problems


def test_the_shusha_scenario_sets_it_for_the_attacker():
    doc = json.loads(SHUSHA_PATH.read_text(encoding="utf-8"))
    assert doc["sides"]["attacker"]["agent_params"]["infiltrate_objective"] is True
    assert "infiltrate_objective" not in doc["sides"]["defender"].get("agent_params", {})
