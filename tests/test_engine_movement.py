"""Movement: impassable edges, Dijkstra cost consistency, roads, zones of control, enemy-held hexes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import add_unit, events_of, goto, move_unit, tiny_game, variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import IllegalOrder
from engine.movement import legal_destinations, path_to, reach, reachable
from engine.orders import Move
from engine.rules import apply, check
from engine.terrain import DEFAULT_HEXSIDES, ROAD_COST
from engine.visibility import known_enemy_masks

CLIFF = DEFAULT_HEXSIDES["cliff"]


def _edge_dir(gmap, a: int, b: int) -> int:
    return gmap.direction_between(a, b)


def test_tiny_map_has_the_features_the_tests_rely_on(tiny):
    st_ = tiny_game(scen=tiny)
    g = st_.map
    assert g.cliff_up.sum() == 4 and g.cliff_down.sum() == 4
    assert g.river.sum() == 8  # 4 edges, both directions
    assert g.road_edge.sum() == 18  # 9 edges of the row-4 road, both directions
    assert g.terrain_at(g.idx((5, 6))).code == "r"
    assert g.terrain_at(g.idx((2, 6))).code == "f"


def test_cliff_edge_costs_follow_the_tables(tiny):
    g = tiny_game(scen=tiny).map
    table = tiny.terrain_table
    ups = np.argwhere(g.cliff_up)
    downs = np.argwhere(g.cliff_down)
    assert len(ups) == 4
    for i, d in ups:
        j = g.nbr[i, d]
        code = g.terrain_at(j).code
        for mob in ("foot", "wheeled", "tracked"):
            assert math.isinf(g.edge_cost[mob][i, d]), (mob, g.hex_of(i), d)
        # special forces climb, at a high cost
        expected = table[code].move_cost["sf"] + CLIFF.extra_cost_up["sf"]
        assert g.edge_cost["sf"][i, d] == pytest.approx(expected)
        assert g.edge_cost["sf"][i, d] > table[code].move_cost["sf"]
    for i, d in downs:
        j = g.nbr[i, d]
        code = g.terrain_at(j).code
        for mob in ("wheeled", "tracked"):
            assert math.isinf(g.edge_cost[mob][i, d])
        # foot may climb down (but not up)
        assert g.edge_cost["foot"][i, d] == pytest.approx(table[code].move_cost["foot"] + CLIFF.extra_cost_down["foot"])


def test_special_forces_climb_the_cliff_when_they_have_the_points():
    def edit(d):
        move_unit(d, "az_sf", (5, 2))
        d.setdefault("unit_types", {}).update({"special_forces": {"move_points": 8}})
        # close the east side of the plateau too, so the climb is strictly the cheapest way up
        d["map"]["hexsides"].append({"feature": "cliff", "hex": [5, 1], "sides": ["E"]})

    scen = variant(edit)
    state = goto(tiny_game(scen=scen), "attacker", "movement")
    g = state.map
    sf = state.unit("az_sf")
    tree = reachable(state, sf)
    top, bottom = g.idx((5, 1)), g.idx((5, 2))
    climb = scen.terrain_table["h"].move_cost["sf"] + CLIFF.extra_cost_up["sf"]
    assert tree[top] == (pytest.approx(climb), bottom)
    ev = apply(state, Move("az_sf", (5, 1)))
    moved = events_of(ev, "UnitMoved")[0]
    assert moved.path == [(5, 2), (5, 1)]
    assert moved.cost == pytest.approx(round(climb, 2))
    assert state.unit("az_sf").idx == top


@pytest.mark.parametrize("utype", ["tank", "infantry", "motor_rifle", "mech_infantry"])
def test_no_unit_but_special_forces_goes_up_a_cliff(utype):
    scen = variant(lambda d: add_unit(d, "probe", "attacker", utype, (5, 2)))
    state = goto(tiny_game(scen=scen), "attacker", "movement")
    g = state.map
    u = state.unit("probe")
    tree = reachable(state, u)
    vehicle = state.utype(u).mobility in ("wheeled", "tracked")
    for j, (_, p) in tree.items():
        if p < 0:
            continue
        d = _edge_dir(g, p, j)
        assert not g.cliff_up[p, d], f"{utype} climbs a cliff {g.hex_of(p)}->{g.hex_of(j)}"
        if vehicle:
            assert not g.cliff_down[p, d], f"{utype} drives down a cliff {g.hex_of(p)}->{g.hex_of(j)}"
    top = g.idx((5, 1))
    if top in tree:  # only by the detour around the plateau, never straight up
        assert tree[top][1] != g.idx((5, 2))
        ev = apply(state, Move("probe", (5, 1)))
        path = events_of(ev, "UnitMoved")[0].path
        for a, b in itertools.pairwise(path):
            d = _edge_dir(g, g.idx(a), g.idx(b))
            assert not g.cliff_up[g.idx(a), d]
    else:
        with pytest.raises(IllegalOrder) as ei:
            apply(state, Move("probe", (5, 1)))
        assert ei.value.reason


def test_roads_are_cheaper_and_bridge_the_river(tiny):
    state = tiny_game(scen=tiny)
    g = state.map
    table = tiny.terrain_table
    checked = 0
    for i, d in np.argwhere(g.road_edge):
        j = g.nbr[i, d]
        for mob in ("foot", "sf", "wheeled", "tracked"):
            road = ROAD_COST["main"][mob]
            assert g.edge_cost[mob][i, d] == pytest.approx(road)
            off = table[g.terrain_at(j).code].move_cost[mob]
            assert road < off or g.river[i, d]
            checked += 1
    assert checked == 18 * 4
    # the bridge: the road edge (6,4)->(7,4) crosses the river but costs only the road
    a, b = g.idx((6, 4)), g.idx((7, 4))
    d = _edge_dir(g, a, b)
    assert g.river[a, d] and g.road_edge[a, d]
    assert g.edge_cost["tracked"][a, d] == pytest.approx(ROAD_COST["main"]["tracked"])
    # a non-road river crossing pays the river
    a, b = g.idx((6, 3)), g.idx((7, 3))
    d = _edge_dir(g, a, b)
    assert g.edge_cost["tracked"][a, d] == pytest.approx(
        table["p"].move_cost["tracked"] + DEFAULT_HEXSIDES["river"].extra_cost_up["tracked"])
    # the mech on the road reaches (6,4) along it for 3 road edges
    state = goto(state, "attacker", "movement")
    tree = reachable(state, state.unit("az_mech"))
    assert tree[g.idx((6, 4))][0] == pytest.approx(3 * ROAD_COST["main"]["tracked"])
    assert path_to(tree, g.idx((6, 4))) == [g.idx((c, 4)) for c in (9, 8, 7, 6)]


def _zoc_variant():
    # a visible defender next to the road, in range of the attacker's mech at (9,4)
    return variant(lambda d: add_unit(d, "arm_block", "defender", "infantry", (6, 5)))


def test_zone_of_control_stops_movement():
    state = goto(tiny_game(scen=_zoc_variant()), "attacker", "movement")
    g = state.map
    mech = state.unit("az_mech")
    blk = g.idx((6, 5))
    occ, zoc = known_enemy_masks(state, mech.side)
    assert occ[blk], "the blocker must be known to the attacker for this test"
    tree = reachable(state, mech)
    assert blk not in tree
    for _j, (_, p) in tree.items():
        if p >= 0 and p != mech.idx:
            assert not zoc[p], f"path continues out of enemy ZOC at {g.hex_of(p)}"
    # the road hex (6,4) is in the blocker's ZOC: the move along the road ends there
    assert zoc[g.idx((6, 4))]
    ev = apply(state, Move("az_mech", (6, 4)))
    path = events_of(ev, "UnitMoved")[0].path
    assert path[-1] == (6, 4)
    assert all(not zoc[g.idx(h)] for h in path[1:-1])
    # (5,4) lies beyond the ZOC on the road: not reached by the road
    assert g.idx((5, 4)) not in tree or tree[g.idx((5, 4))][1] != g.idx((6, 4))


def test_cannot_enter_a_hex_with_a_known_enemy():
    state = goto(tiny_game(scen=_zoc_variant()), "attacker", "movement")
    fp = state.fingerprint()
    reason = check(state, Move("az_mech", (6, 5)))
    assert reason is not None and "enemy" in reason
    with pytest.raises(IllegalOrder):
        apply(state, Move("az_mech", (6, 5)))
    assert state.fingerprint() == fp
    assert state.map.idx((6, 5)) not in legal_destinations(state, state.unit("az_mech"))


# ------------------------------------------------------------------------------------ property
_BASE = None


def _base_state():
    global _BASE
    if _BASE is None:
        _BASE = goto(tiny_game(seed=3), "attacker", "movement")
    return _BASE


MOVER_TYPES = ["special_forces", "infantry", "motor_rifle", "mech_infantry", "tank", "howitzer", "air_defence"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    utype=st.sampled_from(MOVER_TYPES),
    pos=st.integers(0, 79),
    enemy_pos=st.one_of(st.none(), st.integers(0, 79)),
)
def test_dijkstra_tree_is_consistent_and_respects_rules(utype, pos, enemy_pos):
    state = _base_state().copy()
    g = state.map
    u = state.unit("az_sf")
    u.type = utype
    ut = state.utype(u)
    if not g.enterable[ut.mobility][pos]:
        return
    u.idx = pos
    if enemy_pos is not None and enemy_pos != pos:
        e = state.unit("arm_inf_1")
        e.idx = enemy_pos
        e.hidden = False
    state.touch()
    occ, zoc = known_enemy_masks(state, u.side)
    exempt = (g.concealment >= 2) if ut.infiltrates else np.zeros(g.n, bool)
    cost = g.edge_cost[ut.mobility]
    tree = reachable(state, u)
    assert tree[pos] == (0.0, -1)
    for j, (c, p) in tree.items():
        if j == pos:
            continue
        d = g.direction_between(p, j)
        assert math.isfinite(cost[p, d])
        assert g.enterable[ut.mobility][j]
        assert not occ[j], "entered a hex held by a known enemy"
        assert c == pytest.approx(tree[p][0] + cost[p, d]), "cost != predecessor cost + edge cost"
        assert c >= tree[p][0]
        assert c <= ut.move_points + 1e-9
        assert p == pos or not zoc[p] or exempt[p], "moved on after entering enemy ZOC"
        if not ut.infiltrates or ut.mobility != "sf":
            assert not g.cliff_up[p, d] or ut.mobility == "sf"
        # the chain back to the start sums to the cost
        path = path_to(tree, j)
        assert path[0] == pos
        total = sum(cost[a, g.direction_between(a, b)] for a, b in itertools.pairwise(path))
        assert total == pytest.approx(c)
    # optimality (Bellman): no expandable hex has a cheaper unexplored or unrecorded neighbour
    for i, (c, _) in tree.items():
        if i != pos and zoc[i] and not exempt[i]:
            continue
        for d, j in enumerate(g.nbr[i]):
            if j < 0 or occ[j] or not math.isfinite(cost[i, d]):
                continue
            nc = c + cost[i, d]
            if nc <= ut.move_points + 1e-9:
                assert j in tree, f"{g.hex_of(j)} reachable for {nc} but missing"
                assert tree[j][0] <= nc + 1e-9


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    utype=st.sampled_from(MOVER_TYPES),
    pos=st.integers(0, 79),
    moves=st.lists(st.tuples(st.sampled_from(["arm_inf_1", "arm_amb"]), st.integers(0, 79), st.booleans()),
                   min_size=1, max_size=4),
)
def test_reach_reused_after_knowledge_changes_equals_a_fresh_search(utype, pos, moves):
    """`reach` keeps a unit's last search when the known enemies changed only where that search never
    looked; whatever the changes, the answer must equal a search from scratch."""
    state = _base_state().copy()
    g = state.map
    u = state.unit("az_sf")
    u.type = utype
    if not g.enterable[state.utype(u).mobility][pos]:
        return
    u.idx = pos
    state.touch()
    reach(state, u)  # cached
    for uid, where, hidden in moves:
        e = state.unit(uid)
        if where == pos:
            continue
        e.idx, e.hidden = where, hidden
        state.touch()
        got = reach(state, u)
        fresh = state.copy()  # a copy starts with empty search caches
        want = reach(fresh, fresh.unit("az_sf"))
        assert got.order.tolist() == want.order.tolist()
        assert got.cost[got.order].tolist() == want.cost[want.order].tolist()
        assert got.prev.tolist() == want.prev.tolist()


def test_a_full_hex_is_refused_and_a_checked_move_walks_the_reach_it_was_checked_on():
    # stack limit 1: az_tank's hex is full for az_mech; az_mech's legal move applies on the reach its check used
    state = goto(tiny_game(scen=variant(lambda d: d.update(stack_limit=1))), "attacker", "movement")
    g = state.map
    mech, tank = state.unit("az_mech"), state.unit("az_tank")
    assert reach(state, mech).reaches(tank.idx), "the tank's hex must be within the mech's reach for this test"
    fp = state.fingerprint()
    reason = check(state, Move("az_mech", g.hex_of(tank.idx)))
    assert reason is not None and "full (stack limit 1)" in reason
    with pytest.raises(IllegalOrder):
        apply(state, Move("az_mech", g.hex_of(tank.idx)))
    assert state.fingerprint() == fp
    dest = next(i for i in legal_destinations(state, mech) if i != tank.idx)
    order = Move("az_mech", g.hex_of(dest))
    assert check(state, order) is None
    assert state._checked_reach[1] is order and state._checked_reach[2] is reach(state, mech)
    ev = apply(state, order)
    assert events_of(ev, "UnitMoved")[0].path[-1] == g.hex_of(dest)
    # the hand-off holds for one state version only: the next check of another move starts from the new state
    assert state._checked_reach[0] != state.version
