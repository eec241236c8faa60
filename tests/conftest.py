"""Shared helpers for the engine test suite.

The tiny synthetic scenario (`tests/data/tiny.json`, 10×8 hexes) is the workhorse: variants are built by
editing a deep copy of its dict and calling `scenario_from_dict`. Helpers are plain functions so Hypothesis
tests (which must not use function-scoped fixtures) can import them: ``from conftest import ...``.

Map of the tiny scenario (odd-r offset, [col, row]):

    row 0  p p p p h h p p p p     (4,0),(5,0),(4,1),(5,1): a plateau at 1000 m
    row 1  p p p p h h p f p p     cliffs on the SW/SE sides of (4,1) and (5,1) (the plateau is the top)
    row 2  p p p p p p f f p p     river on the E sides of (6,2)..(6,5); the road bridges it at (6,4)-(7,4)
    row 3  p p p t p p p p p p     Tinytown (3,3),(3,4): the objective
    row 4  p p p t p p p p p p     main road along the whole of row 4, watched from (3,4) to (0,4)
    row 5  p p p p p p p p p p
    row 6  p p f f p r p p p p     forest (2..3, 6..7); ravine (5,6),(5,7) with the hidden ambusher
    row 7  p p f f p r p p p p     arm_amb at (5,6)
"""

from __future__ import annotations

import os

# every call of a compiled kernel through `kernels.direct` is checked against its declared types (set before
# the engine is imported; subprocesses the tests start inherit it)
os.environ.setdefault("WARGAME_KERNEL_CHECK", "1")
# no window, no sound, no plot window: what `.ci/run` sets, so that the README's plain `pytest -q` on a desktop runs
# the same tests the same way (an acceptance test: only the `screen` fixture set the video driver)
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from engine.orders import EndPhase
from engine.rules import apply, new_game
from engine.scenario import Scenario, load_scenario, scenario_from_dict
from engine.state import PHASES, GameState
from engine.units import SIDES

DATA = Path(__file__).parent / "data"
TINY_PATH = DATA / "tiny.json"
ROOT = Path(__file__).resolve().parent.parent
SHUSHA_PATH = ROOT / "scenarios" / "shusha_1120.json"


@lru_cache(maxsize=1)
def _tiny_text() -> str:
    return TINY_PATH.read_text(encoding="utf-8")


def tiny_dict() -> dict[str, Any]:
    """A fresh, independent copy of the tiny scenario document."""
    return copy.deepcopy(json.loads(_tiny_text()))


@lru_cache(maxsize=1)
def tiny_scenario() -> Scenario:
    return scenario_from_dict(tiny_dict(), source="tiny")


@lru_cache(maxsize=1)
def tiny_scenario_without_road() -> Scenario:
    """The tiny scenario without `victory.road_watch`: the doctrine attacker goes for the town at once, and its
    followers take the town hexes next to the enemy (engine 0.11.0's seize rule, on both search paths)."""
    doc = tiny_dict()
    del doc["victory"]["road_watch"]
    return scenario_from_dict(doc, source="tiny without road")


@lru_cache(maxsize=1)
def shusha_scenario() -> Scenario:
    return load_scenario(SHUSHA_PATH)


def drones_red_recon_flies() -> Scenario:
    """The drones lesson with red's recon drone made the engine's Orlan-class `recon_drone` (150 m): the lesson's own
    is an Orbiter (800 m), grounded under its low cloud like the armed drones, as at Shusha; the UI tests that use it
    need a side whose armed drones are grounded while its recon drone flies."""
    from engine.batch import with_overrides

    return with_overrides(load_scenario(ROOT / "scenarios" / "lessons" / "drones.json"),
                          ("units.red_orbiter.type=recon_drone",), "drones.json")


def short_shusha_doc(turns: int) -> dict[str, Any]:
    """The Shusha scenario's dict cut to its first `turns` turns (weather and arrivals with it): fast batches."""
    doc = copy.deepcopy(shusha_scenario().raw)
    doc["turns"] = turns
    doc["weather"]["schedule"] = [w for w in doc["weather"]["schedule"] if w["turn"] <= turns]
    for u in doc["units"]:
        if u.get("arrives_turn", 1) > turns:
            u["arrives_turn"] = turns
    scenario_from_dict(copy.deepcopy(doc))
    return doc


def variant(edit: Callable[[dict[str, Any]], Any]) -> Scenario:
    """The tiny scenario with `edit(doc)` applied to a copy of its dict."""
    doc = tiny_dict()
    edit(doc)
    return scenario_from_dict(doc, source="tiny variant")


def unit_spec(doc: dict[str, Any], uid: str) -> dict[str, Any]:
    return next(u for u in doc["units"] if u["id"] == uid)


def move_unit(doc: dict[str, Any], uid: str, hex_: tuple[int, int], **extra: Any) -> None:
    spec = unit_spec(doc, uid)
    spec["hex"] = list(hex_)
    spec.update(extra)


def drop_units(doc: dict[str, Any], *uids: str) -> None:
    doc["units"] = [u for u in doc["units"] if u["id"] not in uids]


def add_unit(doc: dict[str, Any], uid: str, side: str, type_: str, hex_: tuple[int, int], **extra: Any) -> None:
    doc["units"].append({"id": uid, "side": side, "type": type_, "hex": list(hex_), **extra})


def set_weather(doc: dict[str, Any], turn: int, ceiling: float, vis: float, fog: str = "none",
                precip: str = "none") -> None:
    for e in doc["weather"]["schedule"]:
        if e["turn"] == turn:
            e.update(ceiling_m=ceiling, visibility_km=vis, fog=fog, precipitation=precip)


def goto(state: GameState, side: str | int, phase: str, max_steps: int = 200) -> GameState:
    """Apply EndPhase orders until it is `side`'s `phase` (in the current or a later turn)."""
    side_i = SIDES.index(side) if isinstance(side, str) else side
    for _ in range(max_steps):
        if state.side == side_i and state.phase == phase:
            return state
        assert state.outcome is None, "game ended before reaching the phase"
        apply(state, EndPhase(state.side_name))
    raise AssertionError(f"never reached {side} {phase}")


def second_turn_attacker_movement(edit: Callable[[dict[str, Any]], Any], seed: int = 1) -> GameState:
    """The tiny scenario edited by `edit` (`variant`), played by EndPhase orders to the attacker's movement phase of
    turn 2 (past the defender's movement of turn 1: the AI tests' situations, both sides placed as edited)."""
    return goto(goto(new_game(variant(edit), seed), "defender", "movement"), "attacker", "movement")


def next_turn(state: GameState) -> GameState:
    """EndPhase until the next turn starts (attacker's air phase)."""
    t = state.turn
    for _ in range(2 * len(PHASES) + 1):
        apply(state, EndPhase(state.side_name))
        if state.turn != t or state.outcome is not None:
            return state
    raise AssertionError("turn did not advance")


def events_of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.kind == kind]


def tiny_game(seed: int = 1, scen: Scenario | None = None, **kw: Any) -> GameState:
    return new_game(scen or tiny_scenario(), seed, **kw)


def sandbox_assault(seed: int = 1) -> tuple[GameState, Any]:
    """A sandbox tiny game in the attacker's assault phase with a ground unit placed next to a seen enemy: (the
    state, that unit's first legal assault)."""
    from engine.orders import Assault, SandboxPlace
    from engine.rules import apply, check, legal_orders

    state = goto(tiny_game(seed, sandbox=True), "attacker", "assault")
    m = state.map
    enemy = next(u for u in state.units if u.side == 1 and u.active and not u.hidden and not u.offmap
                 and state.utype(u).domain == "ground")
    mover = next(u for u in state.units if u.side == 0 and u.active and not u.offmap and state.utype(u).can_assault
                 and not state.utype(u).indirect and state.utype(u).domain == "ground")
    spot = next(j for j in m.nbr_list[enemy.idx]
                if j >= 0 and check(state, SandboxPlace(mover.id, m.hex_of(j))) is None)
    apply(state, SandboxPlace(mover.id, m.hex_of(spot)))
    return state, next(o for o in legal_orders(state) if isinstance(o, Assault) and o.unit == mover.id)


def scenario_problems(doc: Any) -> list[str]:
    """The problems `scenario_from_dict` reports for `doc` (it must refuse it)."""
    from engine.errors import ScenarioError

    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(doc)
    assert ei.value.problems
    return ei.value.problems


def assert_problem(problems: list[str], path: str, *words: str) -> None:
    """One of `problems` is at JSON `path` ("path: ...") and says each of `words`."""
    hits = [p for p in problems if p.startswith(path + ":")]
    assert hits, f"no problem at {path}: {problems}"
    for w in words:
        assert any(w in p for p in hits), f"{w!r} not in {hits}"


def fire_results(events: list[Any]) -> list[Any]:
    """Every FireResult carried by any event."""
    return [f for e in events for f in e.fire_results()]


@pytest.fixture(scope="module")
def shusha() -> Scenario:
    """The Shusha scenario, loaded once per test module (the UI tests' game)."""
    return load_scenario(SHUSHA_PATH)


@pytest.fixture(scope="module")
def doc4() -> dict[str, Any]:
    """The Shusha scenario cut to 4 turns, as a dict (batch tests)."""
    return short_shusha_doc(4)


def scenario_file(doc: dict[str, Any], tmp_path_factory: Any, name: str) -> Path:
    """`doc` written to a JSON file `name` in a new temporary folder (a scenario for the CLI)."""
    p = tmp_path_factory.mktemp("scen") / name
    p.write_text(json.dumps(doc))
    return p


@pytest.fixture(scope="module")
def file4(doc4: dict[str, Any], tmp_path_factory: Any) -> Path:
    """`doc4` written to a JSON file (for the CLI)."""
    return scenario_file(doc4, tmp_path_factory, "short4.json")


@pytest.fixture
def tiny_doc() -> dict[str, Any]:
    return tiny_dict()


@pytest.fixture
def tiny() -> Scenario:
    return tiny_scenario()


@pytest.fixture(scope="module")
def screen() -> Any:
    """A 1280×800 window on SDL's dummy driver, for the UI tests (pygame is imported only by them)."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    pygame.display.init()
    pygame.font.init()
    return pygame.display.set_mode((1280, 800))


def app_of(state: GameState, human: tuple[int, ...], **kw: Any) -> Any:
    """An `App` on `state` for the sides in `human` (`App`'s options in `kw`; its size 1280x800 unless given), with
    the lesson window shut."""
    from ui.app import App

    app = App(state, set(human), **kw)
    app.show_lesson = False
    return app


def quiet_app(state: GameState, size: tuple[int, int] = (1280, 800)) -> Any:
    """An `App` on `state` playing the attacker, with the lesson window shut and no phase skipped by itself, updated
    once: the go-to tests drive it order by order."""
    from ui.app import App

    app = App(state, {0}, size=size)
    app.show_lesson = False
    app.autoskip = False
    app.update()
    return app


def panel_lines(app: Any, surf: Any, monkeypatch: Any,
                what: Callable[[Any, str, Any], Any] = lambda w, s, r: (s, r)) -> list[Any]:
    """(text, rect) of every line the side panel writes, as drawn in one frame; or `what(writer, text, rect)` of
    each, read just after the line is written."""
    from ui import panels

    got: list[Any] = []
    real = panels.Writer.line

    def line(w: Any, s: str, *a: Any, **kw: Any) -> Any:
        r = real(w, s, *a, **kw)
        if not w.measure:
            got.append(what(w, s, r))
        return r

    monkeypatch.setattr(panels.Writer, "line", line)
    app.render(surf)
    monkeypatch.setattr(panels.Writer, "line", real)
    return got


@pytest.fixture
def drawn(monkeypatch) -> list:
    """The figures the report's and the comparison's plot functions draw, kept open (not saved) to read their texts
    or measure them."""
    from engine import compare as C
    from engine import report as R

    figs: list = []
    for module in (R, C):
        monkeypatch.setattr(module, "save_figure", lambda fig, path, dpi=0: figs.append(fig))
    yield figs
    import matplotlib.pyplot as plt

    for fig in figs:
        plt.close(fig)
