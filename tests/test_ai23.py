"""Session 23, the doctrine AI: `counterattack_ratio` decides the defender's assaults on the road cut, and
`release_road_block` frees the attacker's road block once units holding the town hex at the road's end keep the
road cut (small constructed situations on the tiny scenario)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import add_unit, drop_units, goto, move_unit, second_turn_attacker_movement, variant

from engine.ai.doctrine import DoctrineAgent
from engine.orders import Assault, EndPhase, Move
from engine.rules import new_game
from engine.view import observe

CUT = (1, 4)  # a hex of the tiny map's watched road (from the town at (3,4) to (0,4)), outside the town


@pytest.fixture(scope="module")
def cut_state():
    """The defender's assault phase: an attacker infantry company stands on the road at (1,4), seen, and cuts it;
    a defender infantry company stands next to it at (1,5), off the road and not across a cliff."""
    def edit(doc):
        drop_units(doc, "arm_ad")
        add_unit(doc, "az_cut", "attacker", "infantry", CUT)
        add_unit(doc, "arm_ca", "defender", "infantry", (1, 5))

    st = goto(new_game(variant(edit), 1), "defender", "assault")
    v = observe(st, 1)
    assert v.road_cut and [c.id for c in v.contacts] == ["az_cut"]
    gain, cost = v.assault_expectation("arm_ca", st.map.idx(CUT))
    assert 0 < gain and 0.01 < cost  # the odds are neither free nor hopeless: the ratio decides
    return st


def first_order(st, **params):
    return DoctrineAgent(**params).choose(observe(st, 1), np.random.default_rng(0))


@pytest.mark.parametrize(("assault_ratio", "counterattack_ratio", "assaults"), [
    (50.0, 0.05, True),   # an ordinary assault at these odds is refused; the counter-attack on the cut is made
    (50.0, None, False),  # no counterattack_ratio: the assault_ratio (50) applies to the cut too
    (0.05, 50.0, False),  # an ordinary assault would be made; the counter-attack on the cut is not
    (0.05, None, True),
])
def test_counterattack_ratio_decides_the_assault_on_the_cut(cut_state, assault_ratio, counterattack_ratio, assaults):
    o = first_order(cut_state, road_counterattack=True, assault_ratio=assault_ratio,
                    counterattack_ratio=counterattack_ratio)
    if assaults:
        assert o == Assault("arm_ca", CUT)
    else:
        assert isinstance(o, EndPhase)


def test_counterattack_ratio_needs_road_counterattack(cut_state):
    """Without `road_counterattack` the cut is no counter-attack target: the assault_ratio decides."""
    assert isinstance(first_order(cut_state, assault_ratio=50.0, counterattack_ratio=0.05), EndPhase)


def test_counterattack_ratio_only_for_the_cut(cut_state):
    """The same enemy off the road (at (2,5), next to the same defender) is an ordinary assault: the low
    counterattack_ratio does not apply to it."""
    def edit(doc):
        drop_units(doc, "arm_ad")
        add_unit(doc, "az_off", "attacker", "infantry", (2, 5))
        add_unit(doc, "arm_ca", "defender", "infantry", (1, 5))

    st = goto(new_game(variant(edit), 1), "defender", "assault")
    v = observe(st, 1)
    assert [c.id for c in v.contacts] == ["az_off"] and st.map.idx((2, 5)) in st.map.nbr_list[st.map.idx((1, 5))]
    o = DoctrineAgent(road_counterattack=True, assault_ratio=50.0, counterattack_ratio=0.05).choose(
        v, np.random.default_rng(0))
    assert isinstance(o, EndPhase)


# ---------------------------------------------------------------------------------------------- release_road_block
def block_state(town_unit_cohesion: int | None = None):
    """The attacker's movement phase of turn 2: its special forces (the first leader) hold the road block at
    (1,4); a motor-rifle company stands in the town hex (3,4) at the road's end, next to the defender seen at
    (3,3): the road stays cut without the block."""
    def edit(doc):
        drop_units(doc, "arm_ad", "arm_inf_2")
        move_unit(doc, "az_sf", CUT)
        add_unit(doc, "az_town", "attacker", "motor_rifle", (3, 4))

    st = second_turn_attacker_movement(edit)
    if town_unit_cohesion is not None:
        st.unit("az_town").cohesion = town_unit_cohesion
    v = observe(st, 0)
    assert v.road_cut and "arm_inf_1" in [c.id for c in v.contacts]
    return st


def sf_orders(st, **params):
    return [o for o in DoctrineAgent(**params)._plan_moves(observe(st, 0)) if isinstance(o, Move) and o.unit == "az_sf"]


def test_road_block_held_by_default():
    assert sf_orders(block_state()) == []


def test_released_road_block_joins_the_attack_on_the_town():
    st = block_state()
    (o,) = sf_orders(st, release_road_block=True)
    gmap = st.map
    to_town = gmap.objective_distance
    assert to_town[gmap.idx(o.to)] < to_town[gmap.idx(CUT)]


def test_road_block_kept_when_the_town_unit_is_broken():
    """A broken unit in the town pulls back and would reopen the road: the block stays."""
    assert sf_orders(block_state(town_unit_cohesion=0), release_road_block=True) == []
