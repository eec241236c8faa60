"""Fog of war: a SideView shows only own units and currently seen, unhidden enemy units."""

from __future__ import annotations

import pytest
from conftest import shusha_scenario, tiny_game, tiny_scenario

from engine.game import play_game
from engine.rules import apply, new_game
from engine.units import other
from engine.view import observe
from engine.visibility import visible_hexes


def assert_view_not_leaky(state, side: int) -> None:
    view = observe(state, side)
    enemy_ids = {u.id for u in state.units if u.side == other(side)}
    own_ids = {u.id for u in state.units if u.side == side}
    hidden_enemy = {u.id for u in state.units if u.side == other(side) and u.hidden}
    assert {u.id for u in view.own} == own_ids
    assert not any(u.side != side for u in view.own)
    assert set(view.grounded) <= own_ids
    assert (view.visible == visible_hexes(state, side)).all()
    assert (view.recon_cover == state.recon_cover[side]).all()
    seen = set()
    for c in view.contacts:
        real = state.unit(c.id)
        assert c.id in enemy_ids, f"{c.id} is not an enemy of {side}"
        assert c.id not in hidden_enemy, f"hidden {c.id} leaks to side {side}"
        assert real.strength > 0 and real.arrived and not real.offmap
        assert state.utype(real).domain == "ground"
        assert view.visible[real.idx], f"{c.id} at an unseen hex"
        assert (c.idx, c.hex, c.type, c.side) == (real.idx, state.map.hex_of(real.idx), real.type, real.side)
        assert c.strength == real.strength
        seen.add(c.id)
    assert len(seen) == len(view.contacts)
    # every enemy that is unhidden, on-map and in a visible hex is reported
    expected = {u.id for u in state.ground_units(other(side)) if not u.hidden and view.visible[u.idx]}
    assert seen == expected


def _replay_checking(scen, seed: int, every: int) -> int:
    final = play_game(scen, seed)
    state = new_game(scen, seed, agents=final.agents)
    checks = 0
    for n, order in enumerate(final.orders):
        apply(state, order)
        if n % every == 0:
            for side in (0, 1):
                assert_view_not_leaky(state, side)
                checks += 1
    assert state.fingerprint() == final.fingerprint()
    return checks


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fog_along_tiny_games(seed):
    assert _replay_checking(tiny_scenario(), seed, every=1) > 0


def test_fog_along_a_shusha_game():
    assert _replay_checking(shusha_scenario(), 2, every=7) > 0


def test_hidden_ambusher_invisible_at_start():
    state = tiny_game(1)
    view = observe(state, 0)
    assert "arm_amb" not in {c.id for c in view.contacts}
    assert "arm_amb" not in {u.id for u in view.own}
    assert_view_not_leaky(state, 0)
    assert_view_not_leaky(state, 1)
