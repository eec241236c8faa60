"""The agent protocol: an agent sees a SideView and returns one order at a time."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from engine.orders import Order
from engine.view import SideView


class Agent(Protocol):
    name: str

    def choose(self, view: SideView, rng: np.random.Generator) -> Order: ...


def make_agent(name: str, params: dict | None = None) -> Agent:
    """Build an agent by registry name (see `engine.ai.AGENTS`)."""
    import importlib

    from engine.ai import AGENTS

    if name not in AGENTS:
        raise ValueError(f"unknown agent {name!r}; known: {', '.join(sorted(AGENTS))}")
    mod, cls = AGENTS[name].split(":")
    return getattr(importlib.import_module(mod), cls)(**(params or {}))
