"""AIs: an `Agent` protocol and a registry by name. Agents see the game only through `observe`."""

from __future__ import annotations


def is_import_path(name: object) -> bool:
    """Is `name` written as an import path, "module:Class" (not checked to import)? Any agent that is not one
    of `AGENTS` is named so (`engine.ai.base.agent_class` imports it, or says why it cannot)."""
    return isinstance(name, str) and ":" in name


AGENTS: dict[str, str] = {
    "doctrine": "engine.ai.doctrine:DoctrineAgent",
    "random": "engine.ai.random_agent:RandomAgent",
    "passive": "engine.ai.random_agent:PassiveAgent",
}
