"""The state's caches never go stale.

Visibility, known enemies, occupancy, positions, unit reach, supply and odds are cached on the state and
updated incrementally (issue #6). Here whole games are played (random and doctrine agents, the tiny map and
Shusha) and, after many orders, every cached answer is compared with one computed from scratch from the
units themselves with the pure-Python reference searches.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shusha_scenario, tiny_scenario

from engine import combat
from engine.ai.base import make_agent
from engine.events import event_to_json
from engine.game import agent_step, play_game
from engine.mapdata import game_map
from engine.movement import dijkstra, reach, weather_adjacency
from engine.rules import new_game, seed_streams
from engine.state import GameState
from engine.supply import road_open, road_open_between, supplied_at, supply_field, trace_py
from engine.units import SIDES
from engine.view import observe
from engine.visibility import known_enemies, known_enemy_hexes, visible_hexes, vision_ranges
from engine.weather import ground_vision_cap


def _ground(state: GameState, side: int | None = None) -> list:
    table = state.scenario.unit_table
    return [u for u in state.units if u.strength > 0 and u.arrived and not u.offmap
            and table[u.type].domain == "ground" and (side is None or u.side == side)]


def _truth_visible(state: GameState, side: int) -> np.ndarray:
    gmap = state.map
    mask = state.recon_cover[side].copy()
    for u in _ground(state, side):
        ut = state.utype(u)
        r = min(ut.vision_hexes, ground_vision_cap(state.weather, state.night, ut.night_capable, gmap.hex_km))
        mask[gmap.viewshed(u.idx, r)] = True
    return mask


def _truth_supply(state: GameState, side: int) -> np.ndarray:
    gmap = state.map
    spec = state.scenario.sides[SIDES[side]]
    own = np.zeros(gmap.n, bool)
    enemy = np.zeros(gmap.n, bool)
    for u in _ground(state):
        (own if u.side == side else enemy)[u.idx] = True
    zoc = np.zeros(gmap.n, bool)
    for i in np.flatnonzero(enemy):
        for j in gmap.nbr_list[i]:
            if j >= 0:
                zoc[j] = True
    blocked = enemy | (zoc & ~own) | gmap.no_go[side]
    return trace_py(gmap.supply_adjacency, blocked.tolist(), [gmap.idx(h) for h in spec.supply_sources],
                    spec.supply_range, gmap.n)


def check_caches(state: GameState) -> None:
    gmap = state.map
    rw = state.scenario.victory.road_watch
    if rw is not None:  # the road answer kept per attacker positions equals a fresh trace
        attackers = {u.idx for u in _ground(state, 0)}
        fresh = road_open_between(gmap, gmap.idx(rw.start), gmap.idx(rw.end), attackers)
        assert road_open(state) == fresh, "road stale"
    assert state.ground_units() == _ground(state)
    assert list(state.positions()) == [u.idx for u in _ground(state)]
    occ = state.occupancy()
    for side in (0, 1):
        want = np.bincount([u.idx for u in _ground(state, side)], minlength=gmap.n)
        assert occ[side].tolist() == want.tolist(), "occupancy stale"
        assert list(state.positions(side)) == [u.idx for u in _ground(state, side)]
        assert state.active_units(side) == [u for u in state.units if u.side == side and u.arrived and u.strength > 0]
        assert state.zone_of(side) == {j for u in _ground(state, side) for j in gmap.nbr_list[u.idx] if j >= 0}
        assert state.hexes_of(side) == {u.idx for u in _ground(state, side)}
        for u in _ground(state, side)[:8]:
            assert state.units_at(u.idx, side) == [v for v in _ground(state, side) if v.idx == u.idx]
        vis = _truth_visible(state, side)
        assert (visible_hexes(state, side) == vis).all(), "visible hexes stale"
        known = [e for e in _ground(state, 1 - side) if not e.hidden and vis[e.idx]]
        assert known_enemies(state, side) == known
        contacts = observe(state, side).contacts
        assert [(c.id, c.idx, c.strength) for c in contacts] == [(e.id, e.idx, e.strength) for e in known]
        occ_set, zoc_set = known_enemy_hexes(state, side)
        assert occ_set == {e.idx for e in known}
        assert zoc_set == {j for e in known for j in gmap.nbr_list[e.idx] if j >= 0}
        field = supply_field(state, side)
        assert field.tolist() == _truth_supply(state, side).tolist(), "supply stale"
        pos = np.array([u.idx for u in _ground(state, side)], dtype=np.int64)
        assert supplied_at(state, side, pos) == (field[pos] < np.inf).tolist(), "supply-tree shortcut wrong"
        for u in _ground(state, side)[:6]:
            ut = state.utype(u)
            wet = weather_adjacency(gmap, state.scenario, ut.mobility, state.weather.precipitation)  # (the turn's)
            want_tree = dijkstra(gmap, u.idx, ut.mobility, ut.move_points, frozenset(occ_set), frozenset(zoc_set),
                                 gmap.deep_cover_list if ut.infiltrates else None, gmap.no_go_list[u.side],
                                 adjacency=wet)
            r = reach(state, u)
            assert r.order.tolist() == list(want_tree), f"reach of {u.id} stale"
            assert r.cost[r.order].tolist() == [v[0] for v in want_tree.values()]
            for e in known[:2]:
                if gmap.distance(u.idx, e.idx) == 1 and ut.can_assault:
                    a, ds = combat.assault_odds(state, u, e.idx)
                    gain, cost = combat.assault_expectation(state, u, e.idx)
                    memos = {k: gmap.derived.pop(k) for k in list(gmap.derived) if str(k).startswith("combat.")}
                    game_memos, state._memos = state._memos, {}  # the game's handles on them too
                    try:  # the same odds computed with every odds memo empty
                        a2, ds2 = combat.assault_odds(state, u, e.idx)
                    finally:
                        gmap.derived.update(memos)
                        state._memos = game_memos
                    assert (a, ds) == (a2, ds2), "odds memo stale"
                    assert (gain, cost) == (a2.expected_losses, sum(d.expected_losses for d in ds2))
    ranges = vision_ranges(state)
    for name, ut in state.scenario.unit_table.items():
        cap = ground_vision_cap(state.weather, state.night, ut.night_capable, gmap.hex_km)
        assert ranges[name] == min(ut.vision_hexes, cap)


@pytest.mark.parametrize(("scen_name", "agent", "seed", "every"), [
    ("tiny", "random", 1, 1), ("tiny", "random", 2, 1), ("tiny", "random", 6, 1), ("tiny", "doctrine", 3, 1),
    ("tiny", "doctrine", 7, 1), ("shusha", "doctrine", 4, 8), ("shusha", "random", 5, 15),
])
def test_cached_answers_equal_answers_from_scratch(scen_name, agent, seed, every):
    scen = tiny_scenario() if scen_name == "tiny" else shusha_scenario()
    state = new_game(scen, seed)
    _, _, ra, rd = seed_streams(seed)
    agents = [make_agent(agent), make_agent(agent)]
    steps = 0
    while state.outcome is None and steps < (600 if scen_name == "tiny" else 1500):
        agent_step(state, agents[state.side], (ra, rd)[state.side])
        steps += 1
        if steps % every == 0:
            check_caches(state)
    check_caches(state)


def test_hidden_flag_changes_refresh_what_the_enemy_knows():
    """The rules' hot path changes hidden flags with `set_hidden` and a narrow `touch`; known enemies, their
    hexes and a view's contacts must follow at once (they are keyed on `hidden_version`, not on `version`)."""
    state = new_game(shusha_scenario(), 3)
    for side in (0, 1):
        e = _ground(state, 1 - side)[0]
        state.recon_cover[side][e.idx] = True  # as if a recon drone flew over it
        state.recon_version += 1
        state.touch()
        for hidden in (True, False, True, False):
            before, changes = state.hidden_version, int(e.hidden != hidden)
            state.set_hidden(e, hidden)
            state.set_hidden(e, hidden)  # no change: no bump
            assert state.hidden_version == before + changes
            state.touch(roster=False, moved=False)
            assert (e in known_enemies(state, side)) is not hidden
            assert (e.idx in known_enemy_hexes(state, side)[0]) is any(
                k.idx == e.idx for k in known_enemies(state, side))
            assert (e.id in {c.id for c in observe(state, side).contacts}) is not hidden
            check_caches(state)


@pytest.mark.parametrize("scen_name", ["tiny", "shusha"])
def test_odds_shared_between_games_never_change_a_game(scen_name):
    """The odds memos are shared by all games on a map, and key hexes by their terrain and hexside, not by
    position. A game played after others, finding odds they computed, is the very game played with empty
    memos."""
    scen = tiny_scenario() if scen_name == "tiny" else shusha_scenario()
    seeds = list(range(1, 7)) if scen_name == "tiny" else [1, 2, 3]
    gmap = game_map(scen)

    def log_of(seed: int) -> list[str]:
        return [event_to_json(ev) for ev in play_game(scen, seed).log]

    alone = {}
    for seed in seeds:
        for key in [k for k in gmap.derived if str(k).startswith("combat.")]:
            del gmap.derived[key]  # no odds from any other game
        alone[seed] = log_of(seed)
    for seed in reversed(seeds):  # now with the odds of every game above
        assert log_of(seed) == alone[seed], f"seed {seed} changed with shared odds"


def test_assault_odds_memo_tells_hexsides_apart():
    """Two hexes of the same terrain next to the same target can differ in the hexside between them and it
    (a cliff, a river, a slope). The assault odds memo must tell them apart: odds found from one must not
    be served for the other."""
    state = new_game(shusha_scenario(), 1)
    gmap = state.map
    attacker = next(u for u in state.units if u.side == 0 and state.utype(u).domain == "ground"
                    and state.utype(u).can_assault and not state.utype(u).indirect)
    defender = next(u for u in state.units if u.side == 1 and state.utype(u).domain == "ground")
    found = next(((t, a, b) for t in range(gmap.n) for a in gmap.nbr_list[t] for b in gmap.nbr_list[t]
                  if 0 <= a < b and gmap.terrain_list[a] == gmap.terrain_list[b]
                  and combat._edge_mods_uncached(state, a, t) != combat._edge_mods_uncached(state, b, t)), None)
    assert found is not None, "the Shusha map has such hexsides (cliffs, slopes)"
    t, a, b = found
    defender.idx = t
    odds = {}
    for here in (a, b):  # the memo filled from `a`, then asked from `b`
        attacker.idx = here
        state.touch()
        odds[here] = combat.assault_odds(state, attacker, t)
    for key in [k for k in gmap.derived if str(k).startswith("combat.")]:
        del gmap.derived[key]
    state._memos = {}
    attacker.idx = b
    state.touch()
    assert odds[b] == combat.assault_odds(state, attacker, t)
    assert odds[a] != odds[b]


def test_trim_memo_keeps_the_older_half_in_order():
    from engine.mapdata import trim_memo

    memo = {k: str(k) for k in range(11)}
    trim_memo(memo)
    assert list(memo.items()) == [(k, str(k)) for k in range(6)]


def test_full_memos_never_change_a_game(monkeypatch):
    """The odds memos and the distance-field cache drop their newer half when full. Tiny caps (trimming
    all the time) must give the very games that roomy ones give."""
    from engine import movement

    scen = shusha_scenario()
    gmap = game_map(scen)

    def logs() -> list[list[str]]:
        for key in [k for k in gmap.derived if str(k).startswith("combat.")]:
            del gmap.derived[key]
        gmap._field_cache.clear()
        return [[event_to_json(ev) for ev in play_game(scen, seed).log] for seed in (1, 2)]

    roomy = logs()
    monkeypatch.setattr(combat, "ODDS_MEMO_MAX", 4)
    monkeypatch.setattr(movement, "FIELD_CACHE_MAX", 3)
    trims = {"combat": 0, "movement": 0}
    for module in (combat, movement):
        def counted(memo: dict, _name: str = module.__name__.split(".")[-1], _trim=module.trim_memo) -> None:
            trims[_name] += 1
            _trim(memo)
        monkeypatch.setattr(module, "trim_memo", counted)
    assert logs() == roomy
    assert trims["combat"] > 0 and trims["movement"] > 0, trims
    assert 0 < len(gmap._field_cache) <= 3


def test_reach_memo_shares_searches_and_never_changes_a_game(monkeypatch):
    """A unit's reach search reads only its start, its class's costs and points, its side's no-go hexes and what
    the side knows of the enemy: the map keeps the searches (`movement.reach`'s memo), and another unit, or
    another game, in the same situation is handed the same read-only `Reach` instead of searching again. Games
    played with the memo empty, full of other games' searches, or trimmed all the time are the same games."""
    from engine import movement

    scen = shusha_scenario()
    gmap = game_map(scen)
    gmap.derived.pop("movement.reach", None)
    state = new_game(scen, 1)
    u = next(v for v in _ground(state, 0) if not state.utype(v).indirect)
    r = reach(state, u)
    state._reach_cache.clear()  # the unit's own cache forgotten: the map's memo answers
    assert reach(state, u) is r
    again = new_game(scen, 1)  # another game, the same situation
    assert reach(again, again.units[state.unit_index[u.id]]) is r

    def log_of(seed: int) -> list[str]:
        return [event_to_json(ev) for ev in play_game(scen, seed).log]

    alone = {}
    for seed in (1, 2):
        gmap.derived.pop("movement.reach", None)  # no search from any other game
        alone[seed] = log_of(seed)
    for seed in (2, 1):  # now with the searches of both
        assert log_of(seed) == alone[seed], f"seed {seed} changed with shared searches"
    trim, trims = movement.trim_memo, [0]

    def counted(memo: dict) -> None:
        trims[0] += 1
        trim(memo)

    monkeypatch.setattr(movement, "REACH_MEMO_MAX", 3)
    monkeypatch.setattr(movement, "trim_memo", counted)
    gmap.derived.pop("movement.reach", None)
    assert log_of(1) == alone[1]
    assert trims[0] > 0
    assert 0 < len(gmap.derived["movement.reach"][1]) <= 3


def test_the_reach_memo_is_shared_among_the_maps_and_read_only(monkeypatch):
    """A reviewer: each map kept up to `REACH_MEMO_MAX` searches, and a worker of a 16-cell sweep holds 16 maps
    (~117 MB); and the `Reach.tree` dict handed out (`SideView.reachable`, the agent API) could be changed by a
    caller, changing the moves of every unit and game sharing it."""
    import types

    import pytest

    from engine import mapdata, movement

    assert movement._MAP_CACHE is mapdata._MAP_CACHE  # (the maps the process holds: the cache itself, never rebound)
    monkeypatch.setattr(movement, "_MAP_CACHE", {str(k): None for k in range(16)})
    assert movement.reach_memo_cap() == movement.REACH_MEMO_MAX // 16
    state = new_game(shusha_scenario(), 1)
    u = next(v for v in _ground(state, 0) if not state.utype(v).indirect)
    tree = reach(state, u).tree
    assert isinstance(tree, types.MappingProxyType)
    with pytest.raises(TypeError):
        tree[u.idx] = (0.0, -1)  # type: ignore[index]
    from engine.view import SideView

    with pytest.raises(TypeError):
        SideView(state, 0).reachable(u.id)[u.idx] = (0.0, -1)  # type: ignore[index]
