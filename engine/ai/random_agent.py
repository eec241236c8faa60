"""Baseline agents: uniformly random legal orders, and a passive one that only ends phases."""

from __future__ import annotations

import numpy as np

from engine.orders import EndPhase, Order
from engine.view import SideView


class RandomAgent:
    """Picks uniformly among legal orders. Ending the phase is one option among many, so it acts a lot."""

    name = "random"

    def __init__(self, **_: object) -> None:
        pass

    def choose(self, view: SideView, rng: np.random.Generator) -> Order:
        orders = view.legal_orders()
        return orders[int(rng.integers(len(orders)))]


class PassiveAgent:
    """Never acts: a control for experiments and tests."""

    name = "passive"

    def __init__(self, **_: object) -> None:
        pass

    def choose(self, view: SideView, rng: np.random.Generator) -> Order:
        return EndPhase(view.side_name)
