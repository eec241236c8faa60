"""Session 26's instruction cuts keep their shape: the engine's hottest functions build no closure cells, and
the loops that replaced comprehensions answer as the comprehensions did.

In Python 3.11 a comprehension is a function object and a call, and one that reads a local of its function
turns that local into a cell, which every call of the function then allocates, whether or not it runs the
comprehension. Taking them off the hot paths cut a 10×10 game's instructions by about 5.6%
(docs/performance.md)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import add_unit, goto, move_unit, tiny_game, variant

from engine import combat, movement, rules, supply, visibility
from engine.ai.doctrine import DoctrineAgent
from engine.errors import IllegalOrder
from engine.events import Modifier
from engine.orders import Move
from engine.rules import apply, check, new_game
from engine.state import GameState
from engine.view import SideView, observe
from engine.visibility import known_enemy_hexes

HOT = [
    GameState.ground_units, GameState.units_at, GameState.positions, GameState.active_units, GameState.air_units,
    GameState.based_units, visibility._know, visibility.vision_ranges, visibility._ground_from_scratch,
    visibility.detect_hidden, rules._emit, rules._known_enemy_at, rules._ad_engagements, rules._do_move,
    rules._do_assault, combat.resolve, combat._assault_entry, supply.update_supply, supply.road_open,
    movement.walk_of, SideView.fire_odds, SideView.contacts.func, SideView.grounded.func, DoctrineAgent._free,
    DoctrineAgent._not_held, DoctrineAgent._road_goal, DoctrineAgent._recon_target,
]
"""Functions called tens to hundreds of times a game (most allocated cells at every call before session 26)."""


@pytest.mark.parametrize("func", HOT, ids=lambda f: f.__qualname__)
def test_hot_functions_allocate_no_cells(func) -> None:
    cells = func.__code__.co_cellvars
    assert cells == (), (f"{func.__qualname__} makes {cells} cells at every call: a comprehension or lambda in it "
                         "reads those locals; use a loop, or move the comprehension to a function of its own")


def test_units_at_lists_a_stack_in_scenario_order() -> None:
    """More than one unit on a hex takes `units_at`'s loop (one unit is found by `tuple.index`)."""
    def stack(doc: dict) -> None:
        doc["stack_limit"] = max(doc.get("stack_limit", 3), 3)
        first = next(u for u in doc["units"] if u["side"] == "defender" and u.get("arrives_turn", 1) <= 1)
        hex_ = tuple(first["hex"])
        add_unit(doc, "extra_a", "defender", first["type"], hex_)
        add_unit(doc, "extra_b", "defender", first["type"], hex_)

    state = new_game(variant(stack), 1)
    for side in (0, 1):
        units = state.ground_units(side)
        for idx in set(state.positions(side)):
            assert state.units_at(idx, side) == [u for u in units if u.idx == idx]
    here = state.unit("extra_a").idx
    assert [u.id for u in state.units_at(here, 1)][-2:] == ["extra_a", "extra_b"]
    assert len(state.units_at(here, 1)) == 3


def test_an_order_checked_just_now_is_applied_on_that_answer() -> None:
    """`apply` takes the very order object an agent has just checked (same state version) on the remembered
    answer, without checking its form or legality again: an illegal one is still refused, state unchanged."""
    state = goto(tiny_game(), "attacker", "movement")
    u = state.unit("az_mech")
    bad = Move(u.id, state.map.hex_refs[u.idx])  # to its own hex: refused
    why = check(state, bad)
    assert why is not None
    before = (state.version, len(state.log))
    with pytest.raises(IllegalOrder, match="already at"):
        apply(state, bad)
    assert (state.version, len(state.log)) == before
    good = next(o for o in rules.legal_orders(state) if isinstance(o, Move) and o.unit == u.id)
    assert check(state, good) is None
    apply(state, good)
    assert state.unit(u.id).moved


def test_a_views_contact_hexes_and_zone_are_the_sides_knowledge() -> None:
    """A view sets both at the first read of either: each order of reading gives the side's own sets."""
    state = new_game(variant(lambda doc: move_unit(doc, "az_mech", (4, 3))), 1)  # next to arm_inf_1 at (3,3)
    for side in (0, 1):
        occ, zone = known_enemy_hexes(state, side)
        assert occ and zone
        a, b = observe(state, side), observe(state, side)
        assert (a.contact_hexes, a.contact_zone) == (occ, zone)
        assert (b.contact_zone, b.contact_hexes) == (zone, occ)


def test_the_odds_memos_key_modifiers_by_value() -> None:
    """The odds memos key on modifiers' (source, value) pairs and on a number per distinct hexside value
    (hashing a `Modifier` runs attrs' Python hash): equal values share a key, different ones never do."""
    mods = [Modifier("river", -1), Modifier("slope", -2)]
    assert combat._mods_key(mods) == combat._mods_key([Modifier("river", -1), Modifier("slope", -2)])
    assert combat._mods_key(mods) != combat._mods_key([Modifier("river", -2), Modifier("slope", -2)])
    assert combat._mods_key(mods) != combat._mods_key(mods[::-1])
    state = tiny_game()
    names: dict[tuple, tuple] = {}
    for i in range(state.map.n):
        for j in state.map.nbr_list[i]:
            if j < 0:
                continue
            attack, ret, name = combat._edge_entry(state, i, j)
            assert (attack, ret) == combat._edge_mods(state, i, j)
            assert names.setdefault((attack, ret), name) == name
    assert len(names) > 1  # the tiny map has hexsides of more than one kind
    assert len(set(names.values())) == len(names)


def test_arrays_made_with_dtype_instances_have_the_dtypes_the_kernels_take() -> None:
    """The hot numpy calls pass dtype instances (cheaper than `np.int64` or `bool`): the arrays are unchanged."""
    state = tiny_game()
    assert state.positions_array(0).dtype == np.int64
    k = visibility._know(state, 0)
    assert (k.counts.dtype, k.ground.dtype) == (np.int32, np.bool_)
    assert [m.dtype for m in visibility.known_enemy_masks(state, 0)] == [np.bool_, np.bool_]
    observers = state.ground_units(0)
    arrays = visibility._observer_arrays(state.scenario.unit_table, visibility.vision_ranges(state), observers)
    assert [a.dtype for a in arrays] == [np.int64, np.int64]
