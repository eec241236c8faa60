"""The fidelity run's counter-attack measures replay each game at most once, with the same answers as the two
separate replays they replaced (the town-cut turn, and whether an assault cleared the road by the town)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
from conftest import shusha_scenario, tiny_scenario

import engine.fidelity as fidelity
import engine.game
from engine.game import play_game
from engine.units import ATTACKER

GAMES = 12
"""Enough games of seed 1 that some have a defender assault that drives the attacker off the road by the town
(the games that were replayed twice)."""


@pytest.fixture(scope="module")
def games() -> list[tuple[int, Any, frozenset[int]]]:
    """(seed, final state, the road hexes near the town) of the first `GAMES` games `counterattacks` plays."""
    scen = shusha_scenario()
    rw = scen.victory.road_watch
    seeds = [int(s.generate_state(1, dtype=np.uint32)[0]) for s in np.random.SeedSequence(1).spawn(GAMES)]
    out = []
    for s in seeds:
        st = play_game(scen, s)
        gmap, obj = st.map, st.map.objective_set
        near = frozenset(i for i in gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end))
                         if i not in obj and min(gmap.distance(i, j) for j in obj) <= fidelity.COUNTERATTACK_RADIUS)
        out.append((s, st, near))
    return out


def _town_cut_turn_by_its_own_replay(scen: Any, seed: int, st: Any, near: frozenset[int]) -> int | None:
    """The measure as it was computed before (a replay of its own)."""
    for replay, _ in fidelity._replayed(scen, seed, st):
        if any(u.idx in near for u in replay.ground_units(ATTACKER)):
            return replay.turn
    return None


def _cleared_by_its_own_replay(scen: Any, seed: int, st: Any, near: frozenset[int], cut_turn: int) -> bool:
    """The measure as it was computed before (a second replay of the same game)."""
    for replay, events in fidelity._replayed(scen, seed, st):
        for ev in events:
            if (ev.kind == "AssaultResolved" and ev.side == "defender" and ev.turn >= cut_turn
                    and ev.result.startswith("defenders") and replay.map.idx(tuple(ev.target_hex)) in near
                    and not any(u.idx in near for u in replay.ground_units(ATTACKER))):
                return True
    return False


def test_counterattacks_replays_each_game_at_most_once(monkeypatch):
    replays: dict[int, int] = {}
    real = fidelity._replayed

    def counting(scen: Any, seed: int, st: Any):
        replays[seed] = replays.get(seed, 0) + 1
        return real(scen, seed, st)

    monkeypatch.setattr(fidelity, "_replayed", counting)
    ca = fidelity.counterattacks(shusha_scenario(), 1, GAMES)
    assert ca["attempted"] > ca["failed"]  # (some game had an assault that cleared the road: the old second replay)
    assert replays and max(replays.values()) == 1, replays


def test_one_replay_gives_what_the_two_replays_gave(games):
    scen = shusha_scenario()
    asked_cleared = 0
    for seed, st, near in games:
        town = _town_cut_turn_by_its_own_replay(scen, seed, st, near)
        assert fidelity._replay_measures(scen, seed, st, near, None) == (town, False)
        cut = st.score.road_cut_turn
        if cut is None:
            continue
        for from_turn in (cut, cut + 3):  # (also a start after the cut: the cleared check may then come later)
            cleared = _cleared_by_its_own_replay(scen, seed, st, near, from_turn)
            asked_cleared += cleared
            assert fidelity._replay_measures(scen, seed, st, near, from_turn) == (town, cleared)
    assert asked_cleared  # (the games include ones where the road by the town was cleared)


def test_the_fidelity_run_plays_each_analysis_game_once(monkeypatch, tmp_path):
    """The drone-weather games are the counter-attack sample's first games: played once, read by both."""
    plays: dict[int, int] = {}
    real = engine.game.play_game

    def counting(scen: Any, seed: int, *a: Any, **kw: Any):
        if sys._getframe(1).f_code.co_filename.endswith("fidelity.py"):  # (not the batch cells' games)
            plays[seed] = plays.get(seed, 0) + 1
        return real(scen, seed, *a, **kw)

    monkeypatch.setattr(engine.game, "play_game", counting)
    res = fidelity.run_fidelity(tiny_scenario(), "tiny.json", tmp_path, games=5, counterfactual_games=2, seed=3,
                                workers=1, resume=False, command="test")
    assert len(plays) == 5 and set(plays.values()) == {1}, plays
    monkeypatch.setattr(engine.game, "play_game", real)
    assert res["counterattacks"] == fidelity.counterattacks(tiny_scenario(), 3, 5)
    assert res["drones_by_weather"] == fidelity.drones_by_weather(tiny_scenario(), 3, 5)
