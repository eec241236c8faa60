"""The agent protocol: an agent sees a SideView and returns one order at a time.

An agent is named by a built-in name (`engine.ai.AGENTS`: doctrine, random, passive) or by the import path of
its class, "package.module:ClassName": `wargame run --attacker`, a batch's sweep values, a scenario's
`sides.<side>.agent` and `make_agent` all take either."""

from __future__ import annotations

import importlib
import inspect
from typing import Protocol

import numpy as np

from engine.orders import Order
from engine.view import SideView


class Agent(Protocol):
    name: str

    def choose(self, view: SideView, rng: np.random.Generator) -> Order: ...


_CLASSES: dict[str, type] = {}


def agent_class(name: str) -> type:
    """The class of an agent named by its registry name (`engine.ai.AGENTS`) or its import path
    "package.module:ClassName". Raises ValueError saying what is wrong: an unknown name, a module that does not
    import, no such class in it, or a class without `choose`. The scenario check reads its parameters."""
    cls = _CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:  # imported once per name (a batch makes two agents per game)
        from engine.ai import AGENTS, is_import_path

        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"an agent is named by a non-empty string, got {name!r}")
        if is_import_path(name):
            cls = _import_agent(name, name)
        elif name in AGENTS:
            cls = _import_agent(AGENTS[name], f"{name} ({AGENTS[name]})")
        else:
            raise ValueError(f"unknown agent {name!r}; known: {', '.join(sorted(AGENTS))}, or the import path of "
                             "an agent class, package.module:ClassName")
        _CLASSES[name] = cls
    return cls


def _import_agent(path: str, label: str) -> type:
    """The class at import path "module:Class" (the class part may be dotted: "module:Outer.Inner")."""
    mod_name, _, attr = path.partition(":")
    mod_name, attr = mod_name.strip(), attr.strip()
    if not mod_name or not attr or ":" in attr:
        raise ValueError(f"agent {label!r}: an import path is package.module:ClassName (one colon, a module "
                         "before it and a class after it)")
    try:
        module = importlib.import_module(mod_name)
    except ModuleNotFoundError as e:
        if e.name is not None and (mod_name == e.name or mod_name.startswith(e.name + ".")):
            raise ValueError(f"agent {label!r}: no module named {e.name!r} (is it installed, or its folder on "
                             "PYTHONPATH? batch workers must be able to import it too)") from None
        raise ValueError(f"agent {label!r}: importing module {mod_name!r} failed: {e}") from None
    except Exception as e:  # the module's own code failed (a syntax error, a missing dependency, ...)
        raise ValueError(f"agent {label!r}: importing module {mod_name!r} failed: {type(e).__name__}: {e}") from None
    obj: object = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"agent {label!r}: module {mod_name!r} has no {attr!r}") from None
    if not inspect.isclass(obj):
        raise ValueError(f"agent {label!r}: {attr!r} is not a class (it is a {type(obj).__name__}); an agent is a "
                         "class whose instances have choose(view, rng) -> Order")
    if not callable(getattr(obj, "choose", None)):
        raise ValueError(f"agent {label!r}: class {attr!r} is not an agent: it has no choose(view, rng) method")
    return obj


def make_agent(name: str, params: dict | None = None) -> Agent:
    """Build an agent by registry name or import path (see `agent_class`) with its constructor parameters. An
    agent named by import path, which a scenario's check does not import, has its parameters checked here as the
    scenario's check does a built-in agent's (ValueError listing the problems)."""
    from engine.ai import is_import_path

    if is_import_path(name):
        from engine.scenario import _check_agent_params  # (local: the scenario module imports this package)

        problems: list[str] = []
        _check_agent_params(name, params or {}, "agent_params", problems)
        if problems:
            raise ValueError("; ".join(p.removeprefix("agent_params.agent: ") for p in problems))
    return agent_class(name)(**(params or {}))
