"""Agents from outside the engine, for tests/test_custom_agents.py: imported by path, `wg_test_agents:Cls`, with
tests/data on sys.path (or PYTHONPATH), as a user's own agent would be."""

from __future__ import annotations

import numpy as np

from engine.orders import EndPhase, Move, Order
from engine.view import SideView


class Picky:
    """A legal order drawn with its stream, EndPhase given `patience` times the weight of the others: plays
    real games (and different games for different seeds) without the cost of `random` in the air phase."""

    name = "picky"

    def __init__(self, patience: int = 1) -> None:
        if patience < 0:
            raise ValueError("patience must be at least 0")
        self.patience = patience

    def choose(self, view: SideView, rng: np.random.Generator) -> Order:
        orders = [o for o in view.legal_orders() if not isinstance(o, EndPhase)]
        if view.phase == "air" or not orders or rng.random() < self.patience / (self.patience + len(orders)):
            return EndPhase(view.side_name)
        return orders[int(rng.integers(len(orders)))]


class Stubborn:
    """In the movement phase, always orders its first unit to stay where it is: an illegal order."""

    name = "stubborn"

    def choose(self, view: SideView, rng: np.random.Generator) -> Order:
        if view.phase == "movement" and view.own_active:
            u = view.own_active[0]
            return Move(u.id, view.map.hex_of(u.idx))
        return EndPhase(view.side_name)


class NoChoose:
    """Not an agent: it has no `choose`."""

    name = "nochoose"
