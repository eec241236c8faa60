"""Random order sequences: illegal orders are refused with a reason and leave the state bit-identical;
legal orders keep the invariants; `check` agrees with `legal_orders`; save/load and copy (undo) round-trip."""

from __future__ import annotations

import json

import numpy as np
from conftest import tiny_scenario
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from engine.errors import IllegalOrder
from engine.orders import Assault, EndPhase, Fire, Move, Recon, Strike
from engine.rules import apply, check, legal_orders, new_game
from engine.savegame import game_from_save_dict, save_dict
from engine.units import SIDES
from engine.view import observe

SCEN = tiny_scenario()
UNIT_IDS = [u.id for u in SCEN.units] + ["ghost", ""]
hexes = st.tuples(st.integers(-2, 11), st.integers(-2, 9))
ORDER_KINDS = [Move, Fire, Strike, Recon, Assault]


def assert_invariants(state) -> None:
    g = state.map
    table = state.scenario.unit_table
    for u in state.units:
        assert u.strength >= 0, u
        assert 0 <= u.cohesion <= 3, u
    occ_a, occ_d = state.occupancy()
    assert not np.any((occ_a > 0) & (occ_d > 0)), "enemy units share a hex"
    assert occ_a.max(initial=0) <= state.scenario.stack_limit and occ_d.max(initial=0) <= state.scenario.stack_limit
    for u in state.ground_units():
        assert g.enterable[table[u.type].mobility][u.idx], f"{u.id} stands on impassable terrain"
    for side in (0, 1):
        view = observe(state, side)
        for c in view.contacts:
            real = state.unit(c.id)
            assert real.side != side and not real.hidden and real.strength > 0
            assert view.visible[c.idx] and real.idx == c.idx


class OrdersMachine(RuleBasedStateMachine):
    @initialize(seed=st.integers(0, 10_000))
    def start(self, seed):
        self.state = new_game(SCEN, seed)
        self.n_legal = 0

    @invariant()
    def invariants(self):
        assert_invariants(self.state)

    @rule(data=st.data())
    def legal(self, data):
        orders = legal_orders(self.state)
        if not orders:
            assert self.state.outcome is not None
            return
        # bias towards real orders rather than EndPhase so the game develops
        non_end = [o for o in orders if not isinstance(o, EndPhase)]
        pool = non_end if non_end and data.draw(st.integers(0, 3)) else orders
        o = data.draw(st.sampled_from(pool))
        assert check(self.state, o) is None, (o, check(self.state, o))
        apply(self.state, o)
        self.n_legal += 1

    @rule(kind=st.sampled_from(ORDER_KINDS), uid=st.sampled_from(UNIT_IDS), h=hexes)
    def random_order(self, kind, uid, h):
        self._try(kind(uid, h))

    @rule(side=st.sampled_from(SIDES))
    def end_phase_any_side(self, side):
        self._try(EndPhase(side))

    @rule(data=st.data())
    def classic_illegal(self, data):
        """Hand-picked illegal orders: moved twice, grounded drone, assault non-adjacent, wrong side."""
        s = self.state
        cands = []
        for u in s.units:
            if u.side == s.side and u.moved:
                cands.append(Move(u.id, s.map.hex_of(u.idx)))
            if u.side != s.side:
                cands.append(Move(u.id, (0, 0)))
            if s.grounded.get(u.id):
                cands.append(Strike(u.id, (3, 4)))
                cands.append(Recon(u.id, (3, 4)))
        cands.append(Assault("az_tank", (0, 0)))
        cands.append(Fire("az_art", (0, 0)))
        cands.append(Move("az_tank", (5, 1)))
        self._try(data.draw(st.sampled_from(cands)))

    def _try(self, order):
        s = self.state
        reason = check(s, order)
        if reason is None:
            if not isinstance(order, EndPhase):
                assert order in legal_orders(s), f"check accepts {order} but legal_orders omits it"
            apply(s, order)
            return
        if not isinstance(order, EndPhase) and s.outcome is None:
            assert order not in legal_orders(s), f"legal_orders lists {order} but check refuses: {reason}"
        fp = s.fingerprint()
        n_log = len(s.log)
        try:
            apply(s, order)
        except IllegalOrder as e:
            assert e.reason and isinstance(e.reason, str)
            assert e.reason == reason
        else:
            raise AssertionError(f"illegal order {order} ({reason}) was applied")
        assert s.fingerprint() == fp
        assert len(s.log) == n_log

    @precondition(lambda self: len(self.state.orders) < 400)
    @rule()
    def save_load_round_trip(self):
        again = game_from_save_dict(json.loads(json.dumps(save_dict(self.state))))
        assert again.fingerprint() == self.state.fingerprint()

    @rule(data=st.data())
    def undo_by_copy(self, data):
        s = self.state
        fp = s.fingerprint()
        snap = s.copy()
        assert snap.fingerprint() == fp
        orders = legal_orders(snap)
        if orders:
            apply(snap, data.draw(st.sampled_from(orders)))
        assert s.fingerprint() == fp, "mutating a copy changed the original"


OrdersMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOrders = OrdersMachine.TestCase
