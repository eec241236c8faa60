"""The agent protocol: an agent sees a SideView and returns one order at a time."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from engine.orders import Order
from engine.view import SideView


class Agent(Protocol):
    name: str

    def choose(self, view: SideView, rng: np.random.Generator) -> Order: ...


_CLASSES: dict[str, type] = {}


def agent_class(name: str) -> type:
    """The class of a registered agent (see `engine.ai.AGENTS`); the scenario check reads its parameters."""
    cls = _CLASSES.get(name)
    if cls is None:  # imported once per name (a batch makes two agents per game)
        import importlib

        from engine.ai import AGENTS

        if name not in AGENTS:
            raise ValueError(f"unknown agent {name!r}; known: {', '.join(sorted(AGENTS))}")
        mod, cls_name = AGENTS[name].split(":")
        cls = _CLASSES[name] = getattr(importlib.import_module(mod), cls_name)
    return cls


def make_agent(name: str, params: dict | None = None) -> Agent:
    """Build an agent by registry name (see `engine.ai.AGENTS`)."""
    return agent_class(name)(**(params or {}))
