"""AIs: an `Agent` protocol and a registry by name. Agents see the game only through `observe`."""

from __future__ import annotations

AGENTS: dict[str, str] = {
    "doctrine": "engine.ai.doctrine:DoctrineAgent",
    "random": "engine.ai.random_agent:RandomAgent",
    "passive": "engine.ai.random_agent:PassiveAgent",
}
