"""Save files: scenario document + seed + weather mode + agents + orders (+ `extra`: front-end data such as
the AI players' random-stream states, which the engine stores but never reads). Loading replays the orders, so a
save always reproduces the exact game (and its event log). Written atomically; versioned.

Agent names (built-in or import paths "package.module:ClassName") are metadata: loading never imports an agent,
so the game of an agent that is not installed here loads and replays too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.errors import IllegalOrder, SaveFormatError, ScenarioError
from engine.fileio import atomic_write_text
from engine.jsonhint import json_error_hint
from engine.orders import order_from_dict, order_to_dict
from engine.scenario import scenario_from_dict
from engine.state import GameState

SAVE_FORMAT = 1


def save_dict(state: GameState) -> dict[str, Any]:
    from engine.rules import ENGINE_VERSION

    orders = [order_to_dict(o) for o in state.orders]
    # a game that kept last-seen marks resumes keeping them: an agent that fires on them (`fire_on_suspected`) played
    # another game from a save made before any Fire order, whose reload did not track sightings. Said only where the
    # orders alone would not make the reload track them, so that saving a loaded game gives the same file.
    flag = state.sightings is not None and not _may_fire_on_marks(state.scenario, orders)
    return {
        "save_format": SAVE_FORMAT,
        "engine_version": ENGINE_VERSION,
        "scenario_sha256": state.scenario.sha256,
        "seed": state.seed,
        "weather_mode": state.weather_mode,
        "agents": state.agents,
        "sandbox": state.sandbox,
        "scenario": state.scenario.raw,
        "orders": orders,
        "extra": state.extra,
        **({"track_sightings": True} if flag else {}),
    }


def log_steps(state: GameState) -> list[int]:
    """For each event of `state.log`, the order that made it: the step `wargame replay SAVE --step N` shows it at (0:
    before the first order). Found by playing the orders again from the game's start (a game's cost): an educator
    could find a moment's step only by stepping through the replay."""
    from engine.rules import apply

    st = game_from_save_dict({**save_dict(state), "orders": []}, track_sightings=state.sightings is not None)
    steps = [0] * len(st.log)
    for n, order in enumerate(state.orders, start=1):
        apply(st, order)
        steps += [n] * (len(st.log) - len(steps))
    return steps + [len(state.orders)] * (len(state.log) - len(steps))


def save_text(state: GameState) -> str:
    """The save file's text: one line of JSON."""
    return json.dumps(save_dict(state), ensure_ascii=False, separators=(",", ":")) + "\n"


def save_game(state: GameState, path: str | Path) -> None:
    atomic_write_text(path, save_text(state))


def read_text(path: str | Path) -> str:
    """A save or log file's text; unreadable files are a SaveFormatError, not a traceback."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        from engine.fileio import missing_hint

        raise SaveFormatError(f"{p}: file not found{missing_hint(p)}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SaveFormatError(f"{p}: cannot read ({e})") from None


def looks_like_event_log(text: str) -> bool:
    """Whether `text`, which is not one JSON document, is an event log (JSON lines, an event on each: `wargame run
    --log`): its first line is a whole event. A damaged save is not: it is one line, cut short."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        doc = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("kind"), str)


def load_game(path: str | Path, track_sightings: bool = False) -> GameState:
    p = Path(path)
    text = read_text(p)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        if looks_like_event_log(text):  # (it was told "invalid JSON at line 2: Extra data; truncated?")
            raise SaveFormatError(f"{p}: an event log, not a save file: step through it with `wargame replay {p} "
                                  "--scenario FILE` (the scenario it was played on); to play on from a game, save "
                                  "it (`wargame run --save`, or Save in the game)") from None
        hint = json_error_hint(text, e)  # (a save cut short says so; a hand-edited one, its trailing comma)
        raise SaveFormatError(f"{p}: not a save file (invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
                              f"{f' — {hint}' if hint else '; truncated?'})") from None
    except RecursionError:
        raise SaveFormatError(f"{p}: not a save file (JSON nested too deeply)") from None
    return game_from_save_dict(doc, source=str(p), track_sightings=track_sightings)


def game_from_save_dict(doc: Any, source: str = "save", track_sightings: bool = False) -> GameState:
    from engine.rules import apply, new_game

    if not isinstance(doc, dict) or "save_format" not in doc:
        raise SaveFormatError(f"{source}: not a wargame save file")
    fmt = doc["save_format"]
    if fmt != SAVE_FORMAT:
        raise SaveFormatError(f"{source}: save format {fmt!r} is not supported (this engine reads format "
                              f"{SAVE_FORMAT}); re-run the game with this version to make a new save")
    for key in ("scenario", "seed", "orders"):
        if key not in doc:
            raise SaveFormatError(f"{source}: save lacks {key!r}")
    try:
        # (an agent named by import path is not looked for: loading replays orders, and never needs the agent,
        # so the game of an agent installed elsewhere loads too)
        scen = scenario_from_dict(doc["scenario"], source=f"{source} (embedded scenario)", check_agents=False)
    except ScenarioError as e:
        raise SaveFormatError(str(e)) from None
    if "scenario_sha256" in doc and doc["scenario_sha256"] != scen.sha256:
        raise SaveFormatError(f"{source}: the embedded scenario does not match its recorded hash "
                              f"(save corrupted or edited)")
    from engine.scenario import WEATHER_MODES

    mode = doc.get("weather_mode")
    if mode is not None and (not isinstance(mode, str) or mode not in WEATHER_MODES):
        raise SaveFormatError(f"{source}: weather_mode must be one of {', '.join(WEATHER_MODES)}, got {mode!r}")
    agents = doc.get("agents")
    # (names only: the orders replay without the agents, so any agent's game loads, even where it is not installed)
    if agents is not None and (
        not isinstance(agents, dict)
        or any(k not in ("attacker", "defender") or not isinstance(v, str) or not v.strip()
               for k, v in agents.items())
    ):
        raise SaveFormatError(f"{source}: agents must map attacker/defender to agent names (non-empty strings), "
                              f"got {agents!r}")
    sandbox = doc.get("sandbox", False)
    if not isinstance(sandbox, bool):
        raise SaveFormatError(f"{source}: sandbox must be true or false, got {sandbox!r}")
    seed = doc["seed"]
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise SaveFormatError(f"{source}: invalid seed {seed!r}")
    if not isinstance(doc["orders"], list):
        raise SaveFormatError(f"{source}: orders must be a list")
    # a fire on a suspected position is laid on a last-seen mark, which only a game that tracks sightings keeps:
    # such a game replays tracked (the log is the same either way; tracking only records who saw what)
    tracked = doc.get("track_sightings", False)
    if not isinstance(tracked, bool):
        raise SaveFormatError(f"{source}: track_sightings must be true or false, got {tracked!r}")
    track_sightings = track_sightings or tracked or _may_fire_on_marks(scen, doc["orders"])
    try:
        state = new_game(scen, seed, mode, agents=agents, sandbox=sandbox, track_sightings=track_sightings)
    except ValueError as e:
        raise SaveFormatError(f"{source}: {e}") from None
    for n, od in enumerate(doc["orders"]):
        try:
            order = order_from_dict(od)
        except SaveFormatError as e:  # (named as an order that does not replay is: the file and the number)
            raise SaveFormatError(f"{source}: order {n}: {e}") from None
        try:
            apply(state, order)
        except IllegalOrder as e:
            from engine.rules import ENGINE_VERSION

            saved_by = doc.get("engine_version")
            why = (f"; it was saved by engine {saved_by} and this is {ENGINE_VERSION}, whose rules or AI may play "
                   "it differently" if saved_by is not None and saved_by != ENGINE_VERSION else "")
            raise SaveFormatError(f"{source}: order {n} ({od}) does not replay: {e.reason}{why}") from None
    extra = doc.get("extra", {})
    if not isinstance(extra, dict):
        raise SaveFormatError(f"{source}: extra must be an object")
    state.extra = extra
    return state


def _may_fire_on_marks(scen: Any, orders: list[Any]) -> bool:
    """Could `orders` hold a fire on a suspected position (`CombatRules.suspected_fire`, a Fire order)?"""
    return bool(scen.combat.suspected_fire) and any(isinstance(od, dict) and od.get("order") == "Fire" for od in orders)
