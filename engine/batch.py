"""Batch runs: many headless games, parameter sweeps, crash-safe Parquet output, local or on Dask.

Layout of a batch writing ``results.parquet``::

    results.parquet.parts/manifest.json     batch parameters (checked by --resume)
    results.parquet.parts/part-c0000-g000000.parquet   one finished chunk of games (atomic write)
    results.parquet                          all parts combined in (cell, game) order (atomic write)

With ``--turns`` (`run_batch(..., turns=True)`), per-turn rows (`turn_rows`) too::

    results.parquet.parts/turns-c0000-g000000.parquet  the chunk's per-turn rows, written just before its part
    results.turns.parquet                    all of them in (cell, game, turn) order, written before results.parquet

Seeds: game ``g`` of cell ``c`` plays with
``SeedSequence(base_seed).spawn(n_cells)[c].spawn(games)[g].generate_state(1, uint32)[0]``, so the results do
not depend on the number of workers, the chunk size or the order chunks finish in, and every game can be
re-run alone with ``wargame run SCENARIO --seed S`` plus the cell's options (column ``run_options``).
"""

from __future__ import annotations

import copy
import errno
import itertools
import json
import os
import platform
import re
import shlex
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from engine.errors import WargameError

DEFAULT_CHUNK = 25
WEATHER_MODES = ("historical", "stochastic", "clear", "overcast", "fog")
LEADS = ("sf", "mech")
SWEEP_KEYS: dict[str, tuple[str, ...] | None] = {
    "weather": WEATHER_MODES,
    "attacker_agent": None,
    "defender_agent": None,
    "attacker_lead": LEADS,
}
"""Sweep keys and their allowed values; None for the agents: a built-in name (`engine.ai.AGENTS`) or the import
path of an agent class, "package.module:ClassName", as `engine.ai.base.agent_class` resolves it (`check_agent`)."""
SWEEP_PATHS: dict[str, str] = {
    "weather": "weather.mode",
    "attacker_agent": "sides.attacker.agent",
    "defender_agent": "sides.defender.agent",
    "attacker_lead": "sides.attacker.agent_params.lead",
}
"""The scenario field each named sweep key (and its option: --weather, --attacker, --defender) plays instead of the
document's: a `--set` of it, or of an object holding it, is refused with the key (`build_cells`), since the key
would silently win over it."""
SIDES = ("attacker", "defender")
OPTIONAL_SECTIONS = ("combat", "unit_types", "terrain_types", "hexside_types", "weather_movement")
"""Top-level scenario objects whose keys all have defaults: `--set combat.cliff_up_modifier=-3` creates the
section when the scenario leaves it out, `--set unit_types.tank.protection=4` the section and the entry."""
RULE_TABLES = ("unit_types", "terrain_types")
"""Sections of overrides of the default rule tables, by type name or terrain code: an entry is merged on the
default entry (`engine.scenario._resolve_unit_types`, `_resolve_terrain`), so `--set` writes a partial one."""
LOSS_CAUSES = ("ambush", "artillery", "drone", "assault", "retreat", "surrender", "air defence")
PER_SIDE_COUNTERS = ("drone_sorties_flown", "drone_sorties_grounded", "recon_sorties", "drones_lost",
                     "ambushes_sprung", "artillery_missions", "drone_spotted_missions", "suspected_fire_missions",
                     "assaults", "unit_turns_out_of_supply")
LATE_COUNTERS = ("suspected_fire_missions",)
"""Of `PER_SIDE_COUNTERS`, those added after engine 0.17.0: their columns come after the road-cut columns, before the
weather columns (which stay last), so that the columns of an older results file keep their places in a CSV copy."""
WEATHER_COLUMNS = ("weather_grounded_turns", "weather_fog_turns", "weather_min_ceiling_m", "weather_min_visibility_km")
"""The weather a game actually had, over the turns it played (`weather_columns`); the last columns of a row."""
LOSS_DOMAINS = ("ground", "air")
"""`steps_lost_{side}_{domain}`: the side's steps lost split by the unit types' `domain` (air: the drones; a
drone shot down is one step), summing to `steps_lost_{side}_total` (`domain_loss_columns`)."""
ARMED_AIR_ROLES = ("strike", "loiter")
"""Air roles of armed drones: the ones `rules._weather_events` counts in `drone_sorties_grounded`."""
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


class BatchError(WargameError):
    """A user mistake in batch options (bad sweep key, bad override path, ...): one-line message."""


class WorkersMismatch(BatchError):
    """Dask workers that run another engine, numpy or Python than the batch (`_check_dask_workers`)."""


class BatchAborted(Exception):
    """The batch stopped early (interrupt, broken worker, disk full); finished parts are kept."""

    def __init__(self, message: str, code: int, done: int, total: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.done = done
        self.total = total


# ---------------------------------------------------------------------------------------------- options


def parse_value(text: str) -> Any:
    """A --set / --sweep value: JSON if it parses, else the plain string.

    >>> parse_value("3"), parse_value("clear"), parse_value("[1, 2]"), parse_value("true")
    (3, 'clear', [1, 2], True)
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def parse_set(spec: str) -> tuple[str, Any]:
    """``units.az_sf_1.strength=3`` -> ("units.az_sf_1.strength", 3)."""
    path, sep, value = spec.partition("=")
    if not sep or not path.strip():
        raise BatchError(f"--set expects PATH=VALUE (e.g. units.az_sf_1.strength=3), got {spec!r}")
    return path.strip(), parse_value(value)


def _split_values(text: str) -> list[str]:
    """Split sweep values on commas that are not inside JSON brackets or quotes."""
    out, depth, cur, quote = [], 0, "", False
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "[{":
            depth += 1
        elif not quote and ch in "]}":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [v.strip() for v in out]


def parse_sweep(spec: str) -> tuple[str, list[Any]]:
    """``weather=historical,clear`` -> ("weather", ["historical", "clear"]); checks key and values.

    >>> parse_sweep("set:sides.defender.supply_range=10,14")
    ('set:sides.defender.supply_range', [10, 14])
    >>> parse_sweep("weather=clear,,fog")
    Traceback (most recent call last):
    ...
    engine.batch.BatchError: --sweep weather=clear,,fog: value 2 of 3 is empty; separate the values with single commas
    """
    key, sep, values = spec.partition("=")
    key = key.strip()
    if not sep or not key:
        raise BatchError(f"--sweep expects KEY=V1,V2,... (e.g. weather=historical,clear), got {spec!r}")
    raw = _split_values(values)
    if raw == [""]:
        raise BatchError(f"--sweep {key}: no values given")
    if "" in raw:  # (`clear,,fog` or a trailing comma: an empty value would silently drop a cell)
        raise BatchError(f"--sweep {key}={values.strip()}: value {raw.index('') + 1} of {len(raw)} is empty; "
                         "separate the values with single commas")
    if key.startswith("set:"):
        if not key[4:].strip():
            raise BatchError(f"--sweep {key}: missing scenario path after 'set:'")
        vals = [parse_value(v) for v in raw]
    elif key in SWEEP_KEYS:
        allowed = SWEEP_KEYS[key]
        if allowed is None:  # an agent
            for v in raw:
                check_agent(v, f"--sweep {key}")
        else:
            bad = [v for v in raw if v not in allowed]
            if bad:
                raise BatchError(f"--sweep {key}: unknown value {bad[0]!r}; choose from {', '.join(allowed)}")
        vals = list(raw)
    else:
        raise BatchError(f"unknown sweep key {key!r}; use one of {', '.join(SWEEP_KEYS)} "
                         f"or set:PATH.IN.SCENARIO")
    seen: dict[str, Any] = {}
    for v in vals:  # numbers by value: 2 and 2.0 play the same games
        same = float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        k = json.dumps(same, sort_keys=True)
        if k in seen:
            first = json.dumps(seen[k])
            raise BatchError(f"--sweep {key}: repeated value {json.dumps(v)}"
                             + (f" (equal to {first})" if first != json.dumps(v) else ""))
        seen[k] = v
    return key, vals


def check_agent(name: str, what: str) -> None:
    """Refuse, in one line naming the option (`what`), an agent that `engine.ai.base.agent_class` cannot resolve:
    an unknown name, a module that does not import, no such class, a class without `choose`. (The agent is
    imported here, in the process that plans the batch; its workers import it again: `_check_worker_agents`.)"""
    from engine.ai.base import agent_class

    try:
        agent_class(name)
    except ValueError as e:
        raise BatchError(f"{what}: {e}") from None


def with_overrides(scen: Any, specs: Sequence[str], source: str, weather: str | None = None,
                   attacker: str | None = None, defender: str | None = None) -> Any:
    """`scen` with `--set PATH=VALUE` overrides applied to a copy of its document, validated again (the
    scenario a single game is played on: `wargame run` and `wargame play`). Raises BatchError or
    ScenarioError with the path and the problem. The game's own options (`weather`, `attacker`, `defender`)
    are checked against the overrides as a batch's are (`build_cells`): an override they would silently
    beat, or a schedule the weather mode ignores, is refused."""
    from engine.scenario import scenario_from_dict

    sets = [parse_set(spec) for spec in specs or ()]
    doc = copy.deepcopy(scen.raw)
    for path, value in sets:
        apply_override(doc, path, value)
    agents = {side: a for side, a in (("attacker", attacker), ("defender", defender)) if a}
    for side, a in agents.items():
        check_agent(a, f"--{side}")
    with_agents(doc, agents, [p for p, _ in sets])  # (the document a batch's cell plays: `build_cells`)
    if weather in WEATHER_MODES:  # (an unknown mode is refused by `build_cells`, by name)
        with_weather_preset(doc, weather)
    out = scenario_from_dict(doc, source=f"{source} with --set")
    # then the batch's checks of the options against the overrides: the cell's document is the one validated
    # just above (`out.raw`), so `build_cells` does not validate it again (half the setup of a single game)
    build_cells(scen.raw, [], sets, weather, attacker, defender, source=f"{source} with --set", checked=out.raw)
    return out


def with_weather_preset(doc: dict[str, Any], mode: str | None) -> None:
    """Write a preset weather mode (`--weather clear`, overcast, fog) the game plays into the document as its
    `weather.mode` where the document's schedule does not cover every turn: a preset reads no schedule, so the
    check that it covers every turn (which historical and stochastic need) must not refuse the game (`--weather
    clear --sweep set:turns=26,34` was refused for the turns 27-34 it had no schedule for). The games are the
    same: the mode they play was the option's already. A document whose schedule covers every turn is left as
    it is (its results' scenario_sha256 stay those of the scenario played)."""
    from engine.weather import PRESETS

    weather = doc.get("weather", {})
    if mode not in PRESETS or not isinstance(weather, dict) or weather.get("mode", "historical") == mode:
        return
    turns, schedule = doc.get("turns"), weather.get("schedule", [])
    if isinstance(turns, bool) or not isinstance(turns, int) or not isinstance(schedule, list):
        return  # (the scenario check names what is wrong with them)
    given = {e.get("turn") for e in schedule if isinstance(e, dict)}
    if any(t not in given for t in range(1, turns + 1)):
        doc["weather"] = {**weather, "mode": mode}


def with_agents(doc: dict[str, Any], agents: dict[str, str], set_paths: Sequence[str]) -> None:
    """Write the agents a game is played with (`--attacker`/`--defender`, an agent sweep) into its scenario
    document (in place), so that the document is checked, hashed and played with them. A side whose agent is
    replaced drops the scenario's `agent_params` (they are its own agent's: the Shusha defender's counter-attack
    settings are the doctrine AI's, and another agent would refuse them) and keeps what a `--set` gave it (the
    whole `agent_params`, or the keys set one by one: those are the new agent's)."""
    sides = doc.get("sides")
    if not isinstance(sides, dict):
        return  # (the scenario's own mistake: its check reports it)
    for side, name in agents.items():
        spec = sides.get(side)
        if not isinstance(spec, dict) or spec.get("agent", "doctrine") == name:
            continue
        spec["agent"] = name
        key = f"sides.{side}.agent_params"
        if key in set_paths:
            continue  # (the user's whole object)
        mine = {p[len(key) + 1:].split(".")[0] for p in set_paths if p.startswith(key + ".")}
        params = spec.pop("agent_params", None)
        if mine and isinstance(params, dict):
            spec["agent_params"] = {k: v for k, v in params.items() if k in mine}


def _path_label(parts: Sequence[str]) -> str:
    return ".".join(parts) if parts else "$"


def apply_override(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted path in a raw scenario document (in place).

    A segment naming an item of a list of objects with "id" fields selects by id; an integer selects by index.

    >>> d = {"units": [{"id": "a", "strength": 2}], "turns": 26}
    >>> apply_override(d, "units.a.strength", 3); d["units"][0]["strength"]
    3
    >>> apply_override(d, "combat.cliff_up_modifier", -3); d["combat"]
    {'cliff_up_modifier': -3}
    >>> apply_override(d, "unit_types.tank.protection", 4); d["unit_types"]
    {'tank': {'protection': 4}}
    >>> apply_override(d, "units.nosuch.strength", 3)
    Traceback (most recent call last):
    ...
    engine.batch.BatchError: --set units.nosuch.strength: no unit with id 'nosuch' at units
    """
    parts = [p for p in path.split(".")]
    if not parts or any(p == "" for p in parts):
        raise BatchError(f"--set {path}: empty path segment")
    if parts[0] in RULE_TABLES and len(parts) > 2:
        _table_entry(doc, path, parts)
    if parts[0] == "hexside_types" and len(parts) > 2:
        _hexside_entry(doc, path, parts)
    node: Any = doc
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        where = _path_label(parts[:i])
        if isinstance(node, dict):
            if last:
                node[seg] = value
                return
            if seg not in node and node is doc and seg in OPTIONAL_SECTIONS:
                node[seg] = {}  # an optional section the scenario leaves at its defaults
            elif seg not in node and parts[0] == "weather_movement" and i > 0:
                node[seg] = {}  # a precipitation, mobility class or terrain level with no factor yet (the
                #                 scenario check names a wrong one: weather_movement.sleet is "unknown precipitation")
            if seg == "agent_params" and seg not in node and i == 2 and parts[0] == "sides":
                node[seg] = {}  # a side whose agent keeps its default parameters
            if seg not in node:
                raise BatchError(f"--set {path}: no key {seg!r} at {where}"
                                 f" (keys: {', '.join(map(str, node))})")
            node = node[seg]
        elif isinstance(node, list):
            idx = None
            if seg.lstrip("-").isdigit():
                idx = int(seg)
                if not -len(node) <= idx < len(node):
                    raise BatchError(f"--set {path}: index {idx} out of range at {where} "
                                     f"(length {len(node)})")
            else:
                ids = [j for j, item in enumerate(node) if isinstance(item, dict) and item.get("id") == seg]
                if not ids:
                    what = where.rsplit(".", 1)[-1]
                    noun = {"units": "unit", "objectives": "objective"}.get(what, "item")
                    raise BatchError(f"--set {path}: no {noun} with id {seg!r} at {where}")
                idx = ids[0]
            if last:
                node[idx] = value
                return
            node = node[idx]
        else:
            raise BatchError(f"--set {path}: {where} is a {type(node).__name__}, not an object or list")


def _table_entry(doc: dict[str, Any], path: str, parts: list[str]) -> None:
    """Make room in `doc` for ``--set unit_types.TYPE.FIELD=V`` or ``terrain_types.CODE.FIELD=V`` (and
    ``terrain_types.CODE.move_cost.CLASS=V``): the section and an empty (partial) entry of a default type when
    the scenario has none; a BatchError naming what exists for an unknown type, field or mobility class."""
    from engine.scenario import file_keys
    from engine.terrain import DEFAULT_TERRAIN, MOBILITY_CLASSES, TerrainType
    from engine.units import DEFAULT_UNIT_TYPES, UnitType

    section, name, key = parts[:3]
    units = section == "unit_types"
    table = doc.get(section, {})
    if not isinstance(table, dict):
        return  # the scenario's own mistake: reported where the path is followed, or by its validation
    defaults = DEFAULT_UNIT_TYPES if units else DEFAULT_TERRAIN
    if name not in table and name not in defaults:
        known = ", ".join([*defaults, *(n for n in table if n not in defaults)])
        noun = "unit type" if units else "terrain code"
        hint = (f'; a new type extends one: --set \'{section}.{name}={{"base": "tank", ...}}\'' if units
                else "; a new code needs a whole entry: name, move_cost and the rest")
        raise BatchError(f"--set {path}: no {noun} {name!r} (known: {known}){hint}")
    entry = table.get(name, {})
    if not isinstance(entry, dict):
        return
    fields = file_keys(UnitType if units else TerrainType)
    if key not in fields:
        raise BatchError(f"--set {path}: no field {key!r} in {section}.{name} (fields: {', '.join(fields)})")
    if not units and key == "move_cost" and len(parts) > 3:
        cost = entry.get("move_cost", {})
        if isinstance(cost, dict) and parts[3] not in MOBILITY_CLASSES:
            raise BatchError(f"--set {path}: no mobility class {parts[3]!r} (classes: {', '.join(MOBILITY_CLASSES)})")
        entry.setdefault("move_cost", {})  # merged on the default costs of the code, like the entry
    doc[section] = table
    table[name] = entry


def _hexside_entry(doc: dict[str, Any], path: str, parts: list[str]) -> None:
    """Make room in `doc` for ``--set hexside_types.FEATURE.FIELD.CLASS=V`` (``river.extra_cost_up.wheeled``):
    the section, the feature's (partial) entry and the field's object, merged class by class on the defaults
    (`engine.scenario._resolve_hexsides`); a BatchError naming what exists for an unknown feature or field."""
    from engine.terrain import DEFAULT_HEXSIDES

    table = doc.get("hexside_types", {})
    if not isinstance(table, dict):
        return  # the scenario's own mistake: its validation reports it
    name, key = parts[1], parts[2]
    if name not in DEFAULT_HEXSIDES:
        raise BatchError(f"--set {path}: no hexside feature {name!r} (known: {', '.join(DEFAULT_HEXSIDES)})")
    fields = ("extra_cost_up", "extra_cost_down")
    if key not in fields:
        raise BatchError(f"--set {path}: no field {key!r} in hexside_types.{name} (fields: {', '.join(fields)})")
    entry = table.setdefault(name, {})
    if isinstance(entry, dict) and len(parts) > 3:
        entry.setdefault(key, {})
    doc["hexside_types"] = table


# ------------------------------------------------------------------------------------------------ cells


@dataclass
class Cell:
    index: int
    params: dict[str, Any]  # sweep key -> value
    doc: dict[str, Any]  # raw scenario document with overrides applied
    weather: str | None = None
    agents: dict[str, str] = field(default_factory=dict)
    agent_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    sets: list[tuple[str, Any]] = field(default_factory=list)  # every override applied (global + swept)

    def run_options(self, seed: int) -> str:
        """The `wargame run` options that replay one game of this cell."""
        opts = [f"--seed {seed}"]
        if self.weather:
            opts.append(f"--weather {self.weather}")
        for side in SIDES:
            if side in self.agents:
                opts.append(f"--{side} {shlex.quote(self.agents[side])}")
        lead = self.agent_params.get("attacker", {}).get("lead")
        if lead:
            opts.append(f"--attacker-lead {lead}")
        for path, value in self.sets:
            v = value if isinstance(value, str) else json.dumps(value)
            opts.append("--set " + shlex.quote(f"{path}={v}"))
        return " ".join(opts)


def empty_agent_option(option: str, value: str | None) -> str | None:
    """The refusal of an agent option given empty (`--attacker ''`: a shell-quoting slip, more likely than a wish),
    else None; `wargame run` and `wargame batch` say the same."""
    if value is None or str(value).strip():
        return None
    return (f"{option} is empty; give an agent (doctrine, random, passive or package.module:ClassName), or leave "
            f"{option} out for the scenario's")


def build_cells(scen_doc: dict[str, Any], sweeps: Sequence[tuple[str, list[Any]]],
                sets: Sequence[tuple[str, Any]], weather: str | None = None,
                attacker: str | None = None, defender: str | None = None,
                source: str = "scenario", checked: dict[str, Any] | None = None) -> list[Cell]:
    """The grid of cells (cartesian product of sweep values, first key slowest); validates every scenario.

    `checked`: a scenario document the caller has validated already (`with_overrides`, which reports its
    problems itself): a cell whose document equals it is not validated again; any other cell is."""
    from itertools import product

    from engine.errors import ScenarioError
    from engine.scenario import scenario_from_dict
    from engine.weather import PRESETS

    keys = [k for k, _ in sweeps]
    for side, option in (("attacker", attacker), ("defender", defender)):
        if why := empty_agent_option(f"--{side}", option):
            raise BatchError(why)
    if len(set(keys)) != len(keys):
        raise BatchError(f"sweep key given twice: {next(k for k in keys if keys.count(k) > 1)}")
    _check_repeated_sets(sets)
    for key, option in (("weather", weather), ("attacker_agent", attacker), ("defender_agent", defender)):
        if option is not None and key in keys:  # one would silently win over the other
            flag = "--" + key.removesuffix("_agent")
            raise BatchError(f"{flag} {option} and --sweep {key}=... both set the {key.replace('_', ' ')}; "
                             "give one of them")
    overrides = [(f"--set {path}=...", path, value) for path, value in sets]
    overrides += [(f"--sweep {k}=...", k[4:], v) for k, vals in sweeps if k.startswith("set:") for v in vals]
    for key, option, field_path in (("weather", weather, SWEEP_PATHS["weather"]),
                                    ("attacker_agent", attacker, SWEEP_PATHS["attacker_agent"]),
                                    ("defender_agent", defender, SWEEP_PATHS["defender_agent"]),
                                    ("attacker_lead", None, SWEEP_PATHS["attacker_lead"])):
        # the option (or its sweep key) is what the game plays with: a scenario field it overrides would show,
        # in its own column (or as "in every cell: ..."), a value the games never used
        given = (f"--{key.removesuffix('_agent')} {option}" if option is not None
                 else f"--sweep {key}=..." if key in keys else None)
        if given is None:
            continue
        for written, path, value in overrides:
            if _sets_field(path, value, field_path) or path.startswith(field_path + "."):
                raise BatchError(f"{given} and {written} both set the {key.replace('_', ' ')} ({field_path}); "
                                 "give one of them")
    for key in keys:  # a --set and a swept path that overlap: the sweep would silently win
        if key.startswith("set:"):
            for path, _ in sets:
                if path == key[4:] or path.startswith(key[4:] + ".") or key[4:].startswith(path + "."):
                    raise BatchError(f"--set {path}=... and --sweep {key}=... both set {min(path, key[4:], key=len)}; "
                                     "give one of them")
    cells: list[Cell] = []
    for i, combo in enumerate(product(*[vals for _, vals in sweeps]) if sweeps else [()]):
        params = dict(zip(keys, combo, strict=True))
        doc = copy.deepcopy(scen_doc)
        applied: list[tuple[str, Any]] = []
        for path, value in sets:
            apply_override(doc, path, value)
            applied.append((path, value))
        for k, v in params.items():
            if k.startswith("set:"):
                try:
                    apply_override(doc, k[4:], v)
                except BatchError as e:  # name the option the user wrote
                    raise BatchError(str(e).replace(f"--set {k[4:]}", f"--sweep {k}", 1)) from None
                applied.append((k[4:], v))
        agents = {}
        w = params.get("weather", weather)
        for side, default in (("attacker", attacker), ("defender", defender)):
            a = params.get(f"{side}_agent", default)
            if a:
                check_agent(a, f"--sweep {side}_agent" if f"{side}_agent" in params else f"--{side}")
                agents[side] = a
        with_agents(doc, agents, [p for p, _ in applied])
        with_weather_preset(doc, w)
        _check_document_agents(doc, agents, applied, source)
        try:
            if checked is None or doc != checked:
                scenario_from_dict(copy.deepcopy(doc), source=source)
        except ScenarioError as e:
            probs = "; ".join(e.problems[:3]) + (f" (+{len(e.problems) - 3} more)" if len(e.problems) > 3 else "")
            probs += "".join(f" {n}" for n in getattr(e, "notes", ()))  # ("the other checks run later")
            what = ", ".join(f"{p}={json.dumps(v)}" for p, v in applied) or "scenario"
            raise BatchError(f"scenario invalid after overrides ({what}): {probs}") from None
        if w is not None and w not in WEATHER_MODES:
            raise BatchError(f"unknown weather mode {w!r}; choose from {', '.join(WEATHER_MODES)}")
        mode = w or (doc.get("weather") or {}).get("mode") or "historical"
        unread = [p for p, _ in applied if p == "weather.schedule" or p.startswith("weather.schedule.")]
        if unread and mode in PRESETS:  # else the cells would differ in their seeds only
            swept = f"set:{unread[0]}" in params
            who = f"cell {i} plays" if sweeps else "the game plays"
            raise BatchError(f"{'--sweep set:' if swept else '--set '}{unread[0]}=... changes nothing: {who} "
                             f"in weather mode {mode!r}, which ignores weather.schedule (only "
                             f"{' and '.join(m for m in WEATHER_MODES if m not in PRESETS)} read it)")
        aparams: dict[str, dict[str, Any]] = {}
        if "attacker_lead" in params:
            who = agents.get("attacker") or ((doc.get("sides") or {}).get("attacker") or {}).get("agent", "doctrine")
            if who != "doctrine":  # else the cells would differ in their seeds only
                raise BatchError(f"--sweep attacker_lead=... needs the doctrine attacker; cell {i} has {who!r}")
            aparams["attacker"] = {"lead": params["attacker_lead"]}
        cells.append(Cell(i, params, doc, w, agents, aparams, applied))
    return cells


def _check_document_agents(doc: dict[str, Any], agents: dict[str, str], applied: Sequence[tuple[str, Any]],
                           source: str) -> None:
    """Import, before any game, an agent the scenario document names by import path (the scenario check does not
    import code): refused in one line naming where it was written, `--set sides.<side>.agent` or the scenario's
    `$.sides.<side>.agent`, rather than by every worker. (An agent of an option is checked by `check_agent`.)"""
    from engine.ai import is_import_path

    sides = doc.get("sides") if isinstance(doc, dict) else None
    for side in SIDES:
        spec = sides.get(side) if isinstance(sides, dict) else None
        name = spec.get("agent") if isinstance(spec, dict) else None
        if side in agents or not isinstance(name, str) or not is_import_path(name):
            continue  # (a built-in name is the scenario check's)
        field_path = f"sides.{side}.agent"
        written = [p for p, v in applied if _sets_field(p, v, field_path)]
        check_agent(name, f"--set {written[-1]}" if written else f"{source}: $.{field_path}")


def _check_repeated_sets(sets: Sequence[tuple[str, Any]]) -> None:
    """Refuse a `--set` that a later one would silently replace: the same path twice (the last value would win),
    or a path inside one set later (``--set units.a.strength=2 --set 'units.a={...}'``: the object replaces it).
    A later path inside an earlier one (``--set weather={...} --set weather.mode=fog``) edits it and is allowed.

    >>> _check_repeated_sets([("turns", 10), ("turns", 12)])
    Traceback (most recent call last):
    ...
    engine.batch.BatchError: --set turns is given twice (10 and 12): only the last would count; give it once
    """
    for i, (path, value) in enumerate(sets):
        for later, later_value in sets[i + 1:]:
            if later == path:
                raise BatchError(f"--set {path} is given twice ({json.dumps(value)} and {json.dumps(later_value)}): "
                                 "only the last would count; give it once")
            if path.startswith(later + "."):
                raise BatchError(f"--set {path}={json.dumps(value)} is replaced by the later --set "
                                 f"{later}={json.dumps(later_value)}: only the last would count; give one of them, "
                                 "or the whole value in the later one")


def unchanged_sets(scen_doc: dict[str, Any], sets: Sequence[tuple[str, Any]]) -> list[str]:
    """The `--set` overrides that leave the scenario document as it was (the value is already the scenario's,
    2 and 2.0 alike), each as one line for a note: the batch is then the scenario's own, and says so. Applied in
    order, so a path set twice reads the value before it. Assumes the overrides are valid (`build_cells`).

    >>> unchanged_sets({"turns": 26, "units": [{"id": "a", "strength": 3}]},
    ...                [("units.a.strength", 3), ("turns", 20)])
    ['--set units.a.strength=3 changes nothing: the scenario has that value already']
    """
    doc = copy.deepcopy(scen_doc)
    notes = []
    for path, value in sets:
        before = copy.deepcopy(doc)
        apply_override(doc, path, value)
        if doc == before:
            notes.append(f"--set {path}={json.dumps(value)} changes nothing: the scenario has that value already")
    return notes


def _sets_field(path: str, value: Any, field_path: str) -> bool:
    """Does an override of `path` with `value` set the scenario field `field_path`: the field itself, or an
    object above it whose value names it (``weather={"mode": "fog"}`` sets weather.mode)?

    >>> _sets_field("weather.mode", "fog", "weather.mode"), _sets_field("weather", {"mode": "fog"}, "weather.mode")
    (True, True)
    >>> _sets_field("weather", {"schedule": []}, "weather.mode"), _sets_field("weather.schedule", [], "weather.mode")
    (False, False)
    """
    if path == field_path:
        return True
    if not field_path.startswith(path + "."):
        return False
    for seg in field_path[len(path) + 1:].split("."):
        if not isinstance(value, dict) or seg not in value:
            return False
        value = value[seg]
    return True


def derive_seeds(base_seed: int, n_cells: int, games: int, common: bool = False) -> list[list[int]]:
    """Plain-int game seeds, cell by cell, from one base seed (SeedSequence spawning, never seed + i).

    `common` (`--common-seeds`): every cell plays cell 0's seeds, game g the same seed in every cell, so that the
    cells' games pair (common random numbers); cell 0 plays what it plays without it.

    >>> derive_seeds(1, 2, 3) == derive_seeds(1, 2, 3)
    True
    >>> len({s for cell in derive_seeds(1, 2, 3) for s in cell})
    6
    >>> c = derive_seeds(1, 2, 3, common=True)
    >>> c[0] == c[1] == derive_seeds(1, 2, 3)[0]
    True
    """
    if isinstance(base_seed, bool) or not isinstance(base_seed, int) or base_seed < 0:
        raise BatchError(f"--seed must be a non-negative integer, got {base_seed!r}")
    if common:
        first = derive_seeds(base_seed, 1, games)[0]
        return [list(first) for _ in range(n_cells)]
    out = []
    for cell_ss in np.random.SeedSequence(base_seed).spawn(n_cells):
        out.append([int(g.generate_state(1, dtype=np.uint32)[0]) for g in cell_ss.spawn(games)])
    return out


# ----------------------------------------------------------------------------------------------- schema


def unit_types_by_side(docs: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Sorted unit types present per side over all cells' scenarios (the loss columns)."""
    types: dict[str, set[str]] = {s: set() for s in SIDES}
    for doc in docs:
        for u in doc.get("units", []):
            if isinstance(u, dict) and u.get("side") in types:
                types[u["side"]].add(str(u.get("type")))
    return {s: sorted(t) for s, t in types.items()}


def _col(name: str) -> str:
    return name.replace(" ", "_")


def row_schema(sweep_cols: dict[str, str], types: dict[str, list[str]]) -> Any:
    """The pyarrow schema of a results row; identical for every chunk of a batch."""
    import pyarrow as pa

    pa_types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    fields = [pa.field("cell", pa.int32()), pa.field("game", pa.int32())]
    fields += [pa.field(k, pa_types[t]) for k, t in sweep_cols.items()]
    fields += [
        pa.field("seed", pa.int64()), pa.field("run_options", pa.string()),
        pa.field("scenario", pa.string()), pa.field("scenario_sha256", pa.string()),
        pa.field("engine_version", pa.string()), pa.field("weather_mode", pa.string()),
        pa.field("agent_attacker", pa.string()), pa.field("agent_defender", pa.string()),
        pa.field("winner", pa.string()), pa.field("reason", pa.string()), pa.field("end_turn", pa.int32()),
        pa.field("objective_taken_turn", pa.int32()), pa.field("road_cut_turn", pa.int32()),
        pa.field("road_cut_at_end", pa.bool_()),
    ]
    for side in SIDES:
        fields += [pa.field(f"steps_lost_{side}_{_col(t)}", pa.int32()) for t in types[side]]
        fields.append(pa.field(f"steps_lost_{side}_total", pa.int32()))
    for side in SIDES:
        fields += [pa.field(f"units_destroyed_{side}_{_col(t)}", pa.int32()) for t in types[side]]
        fields.append(pa.field(f"units_destroyed_{side}_total", pa.int32()))
    for side in SIDES:
        fields += [pa.field(f"losses_{side}_{_col(c)}", pa.int32()) for c in (*LOSS_CAUSES, "other")]
    for side in SIDES:
        fields += [pa.field(f"steps_inflicted_{side}_{_col(t)}", pa.int32()) for t in types[side]]
    for name in PER_SIDE_COUNTERS:
        if name not in LATE_COUNTERS:
            fields += [pa.field(f"{name}_{side}", pa.int32()) for side in SIDES]
    fields += [pa.field("objective_hexes_attacker", pa.int32()), pa.field("objective_hexes_total", pa.int32()),
               pa.field("attacker_types_in_objective", pa.string()),
               pa.field("objective_first_entry_type", pa.string()),
               pa.field("objective_first_entry_turn", pa.int32())]
    fields += [pa.field(f"agent_orders_refused_{side}", pa.int32()) for side in SIDES]  # (engine 0.12.0)
    # added after engine 0.12.0, before the weather columns (which stay last); finished parts without them are
    # played again on --resume, as for the weather columns (`flatten_score`, `domain_loss_columns`)
    fields.append(pa.field("outcome", pa.string()))
    fields += [pa.field(f"steps_lost_{side}_{d}", pa.int32()) for side in SIDES for d in LOSS_DOMAINS]
    # (session 27, `road_cut_columns`) before the weather columns, which stay last; a finished part without them
    # is played again on --resume, as for the weather columns
    fields += [pa.field("road_cut_where", pa.string()), pa.field("road_cut_near_objective_turn", pa.int32())]
    fields += [pa.field(f"{name}_{side}", pa.int32()) for name in LATE_COUNTERS for side in SIDES]  # (0.18.0)
    # last (added before the refusal columns, whose arrival moved them two places along in a CSV copy): a
    # results file without them is played again on --resume (`WEATHER_COLUMNS`)
    fields += [pa.field("weather_grounded_turns", pa.int32()), pa.field("weather_fog_turns", pa.int32()),
               pa.field("weather_min_ceiling_m", pa.float64()), pa.field("weather_min_visibility_km", pa.float64())]
    return pa.schema(fields)


def sweep_column_types(sweeps: Sequence[tuple[str, list[Any]]]) -> dict[str, str]:
    out = {}
    for k, vals in sweeps:
        if all(isinstance(v, bool) for v in vals):
            out[k] = "bool"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            out[k] = "int"
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            out[k] = "float"
        else:
            out[k] = "string"
    return out


def _sweep_value(v: Any, kind: str) -> Any:
    if kind == "string":
        return v if isinstance(v, str) else json.dumps(v, sort_keys=True)
    if kind == "float":
        return float(v)
    return v


def measure_columns(path: str, names: Sequence[str]) -> list[str]:
    """The results' columns whose sum per game is a lesson measure's value (`Measure.score`, a dotted path into the
    score record, as `flatten_score` lays it out in `names`, the file's columns); [] when the file has none
    (an older file, or a count the results do not keep).

    >>> cols = ["losses_attacker_ambush", "losses_attacker_assault", "steps_lost_attacker_total", "road_cut_turn",
    ...         "ambushes_sprung_defender", "steps_lost_attacker_tank"]
    >>> measure_columns("losses_by_cause.attacker.ambush", cols), measure_columns("losses_by_cause.attacker", cols)
    (['losses_attacker_ambush'], ['losses_attacker_ambush', 'losses_attacker_assault'])
    >>> measure_columns("steps_lost.attacker", cols), measure_columns("steps_lost.attacker.tank", cols)
    (['steps_lost_attacker_total'], ['steps_lost_attacker_tank'])
    >>> measure_columns("road_cut_turn", cols), measure_columns("ambushes_sprung.defender", cols)
    (['road_cut_turn'], ['ambushes_sprung_defender'])
    """
    field, *rest = path.split(".")
    have = set(names)
    if not rest:
        want = [field]
    elif field in ("steps_lost", "units_destroyed"):
        want = [f"{field}_{rest[0]}_{_col(rest[1]) if len(rest) > 1 else 'total'}"]
    elif field in ("losses_by_cause", "steps_inflicted"):
        head = "losses" if field == "losses_by_cause" else field
        if len(rest) > 1:
            key = _col(rest[1])
            want = [f"{head}_{rest[0]}_{key if rest[1] in LOSS_CAUSES or head != 'losses' else 'other'}"]
        else:
            want = [n for n in names if n.startswith(f"{head}_{rest[0]}_")]
    else:
        want = [f"{field}_{rest[0]}"]
    return [n for n in want if n in have]


def flatten_score(score: dict[str, Any], types: dict[str, list[str]]) -> dict[str, Any]:
    """A `score_row(state)` dict -> flat columns (no cell/seed columns); missing entries are 0."""
    row: dict[str, Any] = {
        "seed": score["seed"], "scenario": score.get("scenario"), "scenario_sha256": score["scenario_sha256"],
        "engine_version": score["engine_version"], "weather_mode": score.get("weather_mode"),
        "agent_attacker": (score.get("agents") or {}).get("attacker"),
        "agent_defender": (score.get("agents") or {}).get("defender"),
        "winner": score.get("winner"), "reason": score.get("reason"), "end_turn": score.get("end_turn"),
        "outcome": score.get("outcome"),  # (`Score.outcome`: the branch of the victory check, `rules.OUTCOMES`)
        "objective_taken_turn": score.get("objective_taken_turn"), "road_cut_turn": score.get("road_cut_turn"),
        "road_cut_at_end": bool(score.get("road_cut_at_end")),
    }
    for key in ("steps_lost", "units_destroyed"):
        for side in SIDES:
            d = (score.get(key) or {}).get(side) or {}
            for t in types[side]:
                row[f"{key}_{side}_{_col(t)}"] = int(d.get(t, 0))
            row[f"{key}_{side}_total"] = int(sum(d.values()))
    for side in SIDES:
        d = (score.get("losses_by_cause") or {}).get(side) or {}
        for c in LOSS_CAUSES:
            row[f"losses_{side}_{_col(c)}"] = int(d.get(c, 0))
        row[f"losses_{side}_other"] = int(sum(v for c, v in d.items() if c not in LOSS_CAUSES))
    for side in SIDES:
        d = (score.get("steps_inflicted") or {}).get(side) or {}
        for t in types[side]:
            row[f"steps_inflicted_{side}_{_col(t)}"] = int(d.get(t, 0))
    for name in PER_SIDE_COUNTERS:
        d = score.get(name) or {}
        for side in SIDES:
            row[f"{name}_{side}"] = int(d.get(side, 0))
    row["objective_hexes_attacker"] = score.get("objective_hexes_attacker", 0)
    row["objective_hexes_total"] = score.get("objective_hexes_total", 0)
    row["attacker_types_in_objective"] = ",".join(score.get("attacker_types_in_objective") or [])
    row["objective_first_entry_type"] = score.get("objective_first_entry_type")
    row["objective_first_entry_turn"] = score.get("objective_first_entry_turn")
    return row


def refused_games(path: Path | str) -> dict[str, tuple[int, int]]:
    """Per side, (games, orders) of a results file's agent orders the driver refused (`agent_orders_refused_*`
    columns; a file without them has none)."""
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    cols = [f"agent_orders_refused_{side}" for side in SIDES if f"agent_orders_refused_{side}" in names]
    if not cols:
        return {}
    t = pq.read_table(path, columns=cols).to_pydict()
    out = {}
    for col in cols:
        vals = [v or 0 for v in t[col]]
        if any(vals):
            out[col.removeprefix("agent_orders_refused_")] = (sum(1 for v in vals if v), sum(vals))
    return out


ROAD_CUT_AT = re.compile(r"attacker (?:astride the road )?at (.+)")
"""Where a `RoadCut` event's reason says the road is cut (`supply.road_open_between`): "(11,21) by Lisagor"."""

NEAR_OBJECTIVE_BOUNDARIES = frozenset({"UnitMoved", "AssaultResolved", "ArtilleryFired", "SuspectedFire", "DroneStrike",
                                       "ReconFlown", "PhaseStarted", "TurnStarted", "GameOver"})
"""Event kinds that open an order's events (or a phase's): the units' hexes are looked at before each, as the
replay of `engine.fidelity._replay_measures` looks after each order (a unit that steps onto the road and is shot
dead by an ambush in the same move never stood there)."""


def near_objective_road(gmap: Any, rw: Any) -> frozenset[int]:
    """The watched road's hexes outside the objective and within `engine.fidelity.COUNTERATTACK_RADIUS` hexes of it:
    fidelity's "cut by the town" hexes (memoised per map)."""
    from engine.fidelity import COUNTERATTACK_RADIUS

    key = ("batch.near_objective_road", tuple(rw.start), tuple(rw.end), COUNTERATTACK_RADIUS)
    got = gmap.derived.get(key)
    if got is None:
        obj = gmap.objective_set
        got = gmap.derived[key] = frozenset(
            i for i in gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end))
            if obj and i not in obj and min(gmap.distance(i, j) for j in obj) <= COUNTERATTACK_RADIUS)
    return got


def road_cut_columns(state: Any) -> dict[str, Any]:
    """`road_cut_where`: where the watched road was first cut (the first cutting `RoadCut` event's place: in Shusha the
    western group at Lisagor, 10 km from the town, in 40-50% of historical-weather games); and
    `road_cut_near_objective_turn`: the first turn an attacker ground unit stands on the road by the objective
    (`near_objective_road`), the cut `wargame fidelity` measures (`town_cut_turn`). Read from the event log while
    the batch has it: the units' hexes followed through the events that move them, no replay. None: never (or no
    road watched)."""
    where = None
    for ev in state.log:
        if ev.kind == "RoadCut" and ev.cut:
            m = ROAD_CUT_AT.fullmatch(ev.reason)
            where = m.group(1) if m else ev.reason
            break
    return {"road_cut_where": where, "road_cut_near_objective_turn": near_objective_cut_turn(state)}


def near_objective_cut_turn(state: Any) -> int | None:
    """The first turn an attacker ground unit stands on `near_objective_road` (`road_cut_columns`), from the
    scenario's starting hexes and the events that move a unit (arrival, move, retreat, advance, destruction),
    looked at before each order's first event (`NEAR_OBJECTIVE_BOUNDARIES`)."""
    scen = state.scenario
    rw = scen.victory.road_watch
    if rw is None:
        return None
    gmap = state.map
    near = near_objective_road(gmap, rw)
    if not near:
        return None
    table = scen.unit_table
    ground = {us.id for us in scen.units
              if us.present and us.side == "attacker" and not us.offmap and table[us.type].domain == "ground"}
    at: dict[str, int] = {us.id: gmap.idx(us.hex) for us in scen.units if us.id in ground and us.arrives_turn <= 1}
    on = sum(1 for i in at.values() if i in near)
    log = state.log
    turn = log[0].turn if log else state.turn
    for ev in log:
        kind = ev.kind
        if on and kind in NEAR_OBJECTIVE_BOUNDARIES:
            return turn
        turn = ev.turn
        if kind == "UnitMoved":
            uid, to = ev.unit, ev.path[-1]
        elif kind == "ReinforcementArrived" or kind == "UnitRetreated":
            uid, to = ev.unit, ev.hex
        elif kind == "AssaultResolved":
            if not ev.advanced:
                continue
            uid, to = ev.attacker, ev.target_hex
        elif kind == "UnitDestroyed":
            uid, to = ev.unit, None
        else:
            continue
        if uid not in ground:
            continue
        old = at.pop(uid, None)
        on -= old is not None and old in near
        if to is not None:
            i = at[uid] = gmap.idx(tuple(to))
            on += i in near
    return turn if on else None


def weather_columns(state: Any) -> dict[str, Any]:
    """The weather a finished game had, over the turns it played (1 to `state.turn`, the turn it ended in):

    - `weather_grounded_turns`: turns whose weather grounded every armed drone type of the game (air role strike
      or loiter), decided by the engine's own rule (`weather.flight_check`, as `rules._weather_events` applies it
      each turn): no armed sortie could fly. A property of the weather, not of the drones: a turn counts whether
      or not the drones were still in play. None when the game has no armed drones.
    - `weather_fog_turns`: turns with fog (patchy or thick).
    - `weather_min_ceiling_m`, `weather_min_visibility_km`: the lowest cloud base and visibility.

    Reads the game's per-turn weather (`state.weather_by_turn`, drawn from the game's own weather stream); with
    a fixed weather mode (historical, clear, ...) the columns vary between games only with the game's length.
    """
    played = state.weather_by_turn[:max(1, state.turn)]
    armed = _armed_types(state)
    said: dict[tuple[Any, ...], bool] = {}  # (a game repeats a few weathers: each decided once)
    grounded: list[bool | None] = []
    for w in played:
        key = (w.ceiling_m, w.visibility_km, w.fog, w.precipitation)
        if key not in said:
            said[key] = _all_grounded(state, armed, w)
        grounded.append(said[key])
    return {
        "weather_grounded_turns": None if None in grounded else sum(grounded),
        "weather_fog_turns": sum(1 for w in played if w.fog != "none"),
        "weather_min_ceiling_m": float(min(w.ceiling_m for w in played)),
        "weather_min_visibility_km": float(min(w.visibility_km for w in played)),
    }


def armed_drones_grounded(state: Any, weather: Any) -> bool | None:
    """True when `weather` (a `WeatherTurn`) grounds every armed drone type of the game, by the rule the engine
    applies each turn (`weather.flight_check`); None when the game has no armed drones."""
    return _all_grounded(state, _armed_types(state), weather)


def _armed_types(state: Any) -> list[str]:
    """The game's armed drone types (air role strike or loiter), sorted."""
    table = state.scenario.unit_table
    return sorted({u.type for u in state.air_units() if table[u.type].air_role in ARMED_AIR_ROLES})


def _all_grounded(state: Any, armed: list[str], weather: Any) -> bool | None:
    from engine.weather import flight_check

    if not armed:
        return None
    table = state.scenario.unit_table
    return all(flight_check(table[t], weather) is not None for t in armed)


def domain_loss_columns(score: dict[str, Any], unit_table: dict[str, Any]) -> dict[str, int]:
    """`steps_lost_{side}_ground` and `steps_lost_{side}_air` from a score record's steps lost by unit type,
    split by the type's `domain` in the game's unit table (`Scenario.unit_table`, the scenario's overrides
    included): drones (recon drones, armed drones, loitering munitions: domain "air") are not casualties of the
    ground battle. They sum to `steps_lost_{side}_total`.

    >>> from engine.units import DEFAULT_UNIT_TYPES as T
    >>> cols = domain_loss_columns({"steps_lost": {"attacker": {"armed_drone": 1, "special_forces": 3}}}, T)
    >>> cols["steps_lost_attacker_ground"], cols["steps_lost_attacker_air"], cols["steps_lost_defender_air"]
    (3, 1, 0)
    """
    row = {}
    for side in SIDES:
        d = (score.get("steps_lost") or {}).get(side) or {}
        air = sum(int(n) for t, n in d.items() if getattr(unit_table.get(t), "domain", "ground") == "air")
        row[f"steps_lost_{side}_ground"] = int(sum(d.values())) - air
        row[f"steps_lost_{side}_air"] = air
    return row


# -------------------------------------------------------------------------------------------- per turn

TURN_COUNTERS = ("units_out_of_supply", "drone_sorties_flown", "armed_drones_grounded")
"""Per-side counts of one turn in the per-turn table (`turn_rows`): `{name}_{side}`."""
TURN_CUMULATIVE = ("steps_lost", "units_destroyed")
"""Per-side running totals in the per-turn table: `{name}_{side}_cum`, at the end of the turn."""
_TURN_KINDS = frozenset({"TurnStarted", "WeatherReport", "AirStatus", "SupplyReport", "AmbushSprung",
                         "ArtilleryFired", "SuspectedFire", "DroneStrike", "ReconFlown", "AssaultResolved",
                         "UnitRetreated", "UnitDestroyed", "RoadCut", "ObjectiveStatus"})


def turns_path(out: Path) -> Path:
    """The per-turn file written next to the results file `out` by `--turns`: ``r.parquet`` -> ``r.turns.parquet``.

    >>> turns_path(Path("runs/r1.parquet")).as_posix(), turns_path(Path("r")).as_posix()
    ('runs/r1.turns.parquet', 'r.turns.parquet')
    """
    out = Path(out)
    return out.with_name(f"{out.stem}.turns{out.suffix or '.parquet'}")


def turn_part_name(cell: int, start: int) -> str:
    return f"turns-c{cell:04d}-g{start:06d}.parquet"


def turn_schema(sweep_cols: dict[str, str]) -> Any:
    """The pyarrow schema of a per-turn row (`turn_rows`, plus the game's cell, game, sweep values and seed)."""
    import pyarrow as pa

    pa_types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    fields = [pa.field("cell", pa.int32()), pa.field("game", pa.int32())]
    fields += [pa.field(k, pa_types[t]) for k, t in sweep_cols.items()]
    fields += [pa.field("seed", pa.int64()), pa.field("turn", pa.int32()),
               pa.field("objective_hexes_attacker", pa.int32()), pa.field("objective_hexes_total", pa.int32()),
               pa.field("objective_held", pa.bool_()),
               pa.field("road_cut", pa.bool_()), pa.field("road_cut_during_turn", pa.bool_())]
    for name in TURN_CUMULATIVE:
        fields += [pa.field(f"{name}_{side}_cum", pa.int32()) for side in SIDES]
    for name in TURN_COUNTERS:
        fields += [pa.field(f"{name}_{side}", pa.int32()) for side in SIDES]
    fields += [pa.field("weather_grounded_armed_drones", pa.bool_()), pa.field("night", pa.bool_()),
               pa.field("weather_ceiling_m", pa.float64()), pa.field("weather_visibility_km", pa.float64()),
               pa.field("weather_fog", pa.string())]
    # (added after engine 0.12.0, last: the ground/air split of steps_lost_{side}_cum, as in the results rows)
    fields += [pa.field(f"steps_lost_{side}_{d}_cum", pa.int32()) for side in SIDES for d in LOSS_DOMAINS]
    return pa.schema(fields)


def turn_rows(log: Sequence[Any], scen: Any) -> list[dict[str, Any]]:
    """One row per turn played (1 to the last), read from a finished game's event log in one pass: what the
    engine logged, never a rule worked out again. The scenario gives the units' sides and starting strengths
    and which air types are armed (air role strike or loiter).

    - `night`: `TurnStarted`; `weather_ceiling_m`, `weather_visibility_km`, `weather_fog`: `WeatherReport`.
    - `weather_grounded_armed_drones`: every armed drone still in play was grounded this turn (their
      `AirStatus`); False when one could fly; None when none was in play.
    - `armed_drones_grounded_{side}`: the side's armed drones grounded this turn (the drone-turns the game row's
      `drone_sorties_grounded_{side}` sums); `drone_sorties_flown_{side}`: its `DroneStrike`s this turn;
      `units_out_of_supply_{side}`: its ground units out of supply at the turn's start (`SupplyReport`).
    - `steps_lost_{side}_cum`, `units_destroyed_{side}_cum`: totals so far, at the end of the turn (and
      `steps_lost_{side}_ground_cum`, `steps_lost_{side}_air_cum`: the steps of ground units and of drones, by
      the unit type's `domain`, summing to `steps_lost_{side}_cum`). Steps are
      the losses of the fire results (`Event.fire_results()`; never more than the unit still has, as the rules
      apply them: an assault's defenders' results on the attacker are capped together), a drone shot down
      (`DroneStrike.aborted`, `ReconFlown.shot_down`: one step), a routed unit's step
      (`UnitRetreated.steps_lost`) and whatever a destroyed unit still had (`UnitDestroyed`: a surrender). An expended
      loitering munition is not a loss (as in the score).
    - `road_cut`: the watched road is cut at the end of the turn (`RoadCut` events; open when the game starts);
      `road_cut_during_turn`: it was cut at some moment of the turn (when it began, or a `RoadCut` in it): a
      road cut by the attacker's move and reopened in the defender's half counts here only.
    - `objective_hexes_attacker`, `objective_hexes_total`, `objective_held`: `ObjectiveStatus` at the turn's end.
    """
    table = scen.unit_table
    armed_types = {name for name, ut in table.items() if ut.domain == "air" and ut.air_role in ARMED_AIR_ROLES}
    side_of: dict[str, str] = {}
    strength: dict[str, int] = {}
    for us in scen.units:
        if us.present:
            side_of[us.id] = us.side
            strength[us.id] = us.strength if us.strength is not None else table[us.type].max_steps
    air = {us.id for us in scen.units if table[us.type].domain == "air"}
    lost = dict.fromkeys(SIDES, 0)
    lost_air = dict.fromkeys(SIDES, 0)
    destroyed = dict.fromkeys(SIDES, 0)
    road_cut = False
    rows: list[dict[str, Any]] = []
    row: dict[str, Any] | None = None
    armed_up = armed_down = 0

    def close(r: dict[str, Any]) -> None:
        r["weather_grounded_armed_drones"] = None if armed_up + armed_down == 0 else armed_up == 0
        for side in SIDES:
            r[f"steps_lost_{side}_cum"] = lost[side]
            r[f"steps_lost_{side}_ground_cum"] = lost[side] - lost_air[side]
            r[f"steps_lost_{side}_air_cum"] = lost_air[side]
            r[f"units_destroyed_{side}_cum"] = destroyed[side]
        r["road_cut"] = road_cut
        rows.append(r)

    def lose(uid: str, steps: int) -> None:
        have = strength.get(uid, 0)
        steps = steps if steps < have else have
        if steps > 0:
            strength[uid] = have - steps
            lost[side_of[uid]] += steps
            if uid in air:
                lost_air[side_of[uid]] += steps

    for ev in log:
        kind = ev.kind
        if kind not in _TURN_KINDS:
            continue
        if kind == "TurnStarted":
            if row is not None:
                close(row)
            armed_up = armed_down = 0
            row = {"turn": ev.turn, "night": ev.night, "weather_ceiling_m": None, "weather_visibility_km": None,
                   "weather_fog": None, "objective_hexes_attacker": None, "objective_hexes_total": None,
                   "objective_held": None, "road_cut_during_turn": road_cut}
            for name in TURN_COUNTERS:
                for side in SIDES:
                    row[f"{name}_{side}"] = 0
            continue
        if row is None:
            continue  # (nothing of a turn comes before its TurnStarted)
        if kind == "WeatherReport":
            row["weather_ceiling_m"] = float(ev.ceiling_m)
            row["weather_visibility_km"] = float(ev.visibility_km)
            row["weather_fog"] = ev.fog
        elif kind == "AirStatus":
            if ev.unit_type in armed_types:
                if ev.grounded:
                    armed_down += 1
                    row[f"armed_drones_grounded_{ev.side}"] += 1
                else:
                    armed_up += 1
        elif kind == "SupplyReport":
            row[f"units_out_of_supply_{ev.side}"] += len(ev.out_of_supply)
        elif kind == "UnitDestroyed":
            lose(ev.unit, strength.get(ev.unit, 0))  # (0 left, unless it surrendered)
            destroyed[ev.side] += 1
        elif kind == "UnitRetreated":
            if ev.steps_lost:  # routed again (a surrender's steps: its UnitDestroyed)
                lose(ev.unit, ev.steps_lost)
        elif kind == "RoadCut":
            road_cut = bool(ev.cut)
            if road_cut:
                row["road_cut_during_turn"] = True
        elif kind == "ObjectiveStatus":
            row["objective_hexes_attacker"] = ev.attacker_hexes
            row["objective_hexes_total"] = ev.total_hexes
            row["objective_held"] = ev.held_by == "attacker"
        else:  # fire: AmbushSprung, ArtilleryFired, SuspectedFire, DroneStrike, ReconFlown, AssaultResolved
            if kind == "DroneStrike":
                row[f"drone_sorties_flown_{ev.side}"] += 1
                if ev.aborted:
                    lose(ev.unit, 1)
                elif ev.expended:
                    strength[ev.unit] = strength.get(ev.unit, 0) - 1  # spent, not lost
            elif kind == "ReconFlown" and ev.shot_down:
                lose(ev.unit, 1)
            for res in ev.fire_results():  # (several on one unit, e.g. an assault's defenders: capped in all)
                lose(res.target, res.losses)
    if row is not None:
        close(row)
    return rows


# ------------------------------------------------------------------------------------------------ tasks


@dataclass
class Task:
    """A chunk of consecutive games of one cell (what a worker runs and what one part file holds)."""

    cell: int
    start: int
    seeds: list[int]
    doc: dict[str, Any] | None
    """The cell's scenario document; None in the task a Dask worker receives, which gets it from the document's
    own task as `run_task`'s second argument (`_submit_shared`)."""
    weather: str | None
    agents: dict[str, str]
    agent_params: dict[str, dict[str, Any]]
    sweep: dict[str, Any]  # column -> value
    run_options: list[str]
    types: dict[str, list[str]]
    logs_dir: str | None = None
    turns: bool = False
    """Also return the games' per-turn rows (`turn_rows`): `run_task` then returns (rows, turn rows)."""
    return_logs: bool = False
    """With `logs_dir`: return the event logs instead of writing them, (rows, turn rows or None, [(file name,
    JSON lines)]), for the batch to write in its own `logs_dir` (a Dask worker's folder is not the client's)."""
    expect: tuple[str, ...] | None = None
    """`engine_identity()` of the batch's process: a worker whose own differs refuses the task (Dask)."""

    @property
    def name(self) -> str:
        return part_name(self.cell, self.start)

    @property
    def turns_name(self) -> str:
        return turn_part_name(self.cell, self.start)


def part_name(cell: int, start: int) -> str:
    return f"part-c{cell:04d}-g{start:06d}.parquet"


_SCEN_CACHE: dict[str, Any] = {}
SCENARIO_CACHE_SIZE = 16
"""Parsed scenarios a worker process keeps (`_scenario_for`), least recently used first out."""
_SCEN_LOADS = [0]
"""How many scenario documents this process has parsed (`_scenario_for`; `scenario_loads`)."""


def _scenario_for(doc: dict[str, Any]) -> Any:
    """The parsed scenario of `doc`, parsed once per process per document content (a worker plays many chunks of
    the same cell: parsing and precomputing it is a good part of a short game's setup)."""
    from engine.scenario import scenario_from_dict, scenario_sha256

    key = scenario_sha256(doc)
    scen = _SCEN_CACHE.pop(key, None)
    if scen is None:
        if len(_SCEN_CACHE) >= SCENARIO_CACHE_SIZE:  # (the least recently used goes: a sweep of many cells
            del _SCEN_CACHE[next(iter(_SCEN_CACHE))]  # parsed them all again when the cache was emptied whole)
        scen = scenario_from_dict(copy.deepcopy(doc))
        _SCEN_LOADS[0] += 1
    _SCEN_CACHE[key] = scen  # (last: the most recently used)
    return scen


def scenario_loads() -> int:
    """How many scenario documents this process has parsed so far: asked of Dask workers by the tests, which
    check that a worker parses each document once, whatever number of its chunks it plays."""
    return _SCEN_LOADS[0]


def play_one(scen: Any, seed: int, weather: str | None, agents: dict[str, str],
             agent_params: dict[str, dict[str, Any]]) -> Any:
    from engine.game import play_game

    return play_game(scen, seed, agents=agents or None, weather_mode=weather, agent_params=agent_params or None)


def _check_worker_agents(task: Task) -> None:
    """Resolve the task's agents in this worker before any game, so that a worker that cannot import one says so
    in one line. Local pool workers get the parent's `sys.path` (forked, or spawned: multiprocessing passes it
    on); a Dask worker has its own: an agent named by import path must be installed there, or its folder on its
    PYTHONPATH."""
    import socket

    from engine.ai.base import agent_class

    for side in SIDES:
        name = task.agents.get(side) or ((task.doc.get("sides") or {}).get(side) or {}).get("agent") or "doctrine"
        try:
            agent_class(name)
        except ValueError as e:
            raise BatchError(f"worker on {socket.gethostname()} (pid {os.getpid()}) cannot load the {side} agent "
                             f"{name!r}: {e}") from None


def run_task(task: Task, doc: dict[str, Any] | None = None) -> Any:
    """Play a chunk of games and return their rows (runs in a worker process / Dask worker); with
    `task.turns`, their rows and their per-turn rows; with `task.return_logs`, (rows, per-turn rows or None,
    event logs) (`Task.return_logs`). `doc`: the task's scenario document, when the task comes without it (on
    Dask, the result of the document's own task: `_submit_shared`)."""
    import dataclasses

    from engine.cli import score_row
    from engine.game import agent_refusals, settle_long_lived_objects

    if task.expect is not None:
        _check_worker_engine(task.expect)
    if doc is not None:
        task = dataclasses.replace(task, doc=doc)
    _check_worker_agents(task)
    scen = _scenario_for(task.doc)
    rows = []
    per_turn: list[dict[str, Any]] = []
    logs: list[tuple[str, str]] = []
    for j, seed in enumerate(task.seeds):
        g = task.start + j
        state = play_one(scen, seed, task.weather, task.agents, task.agent_params)
        if task.logs_dir:
            from engine.events import jsonl_text, write_jsonl

            name = log_name(task.cell, g, seed)
            if task.return_logs:
                logs.append((name, jsonl_text(state.log)))
            else:
                d = Path(task.logs_dir)
                d.mkdir(parents=True, exist_ok=True)
                write_jsonl(state.log, str(d / name))
        row_score = score_row(state)
        row = {"cell": task.cell, "game": g, **task.sweep, **flatten_score(row_score, task.types)}
        row["run_options"] = task.run_options[j]
        refused = agent_refusals(state)
        for side in SIDES:  # (an agent's orders the driver refused and ended its phase for: `engine.game`)
            got = refused.get(side) or {}
            row[f"agent_orders_refused_{side}"] = int(got.get("illegal", 0)) + int(got.get("order_cap", 0))
        row.update(domain_loss_columns(row_score, state.scenario.unit_table))
        row.update(road_cut_columns(state))
        row.update(weather_columns(state))
        rows.append(row)
        if task.turns:
            head = {"cell": task.cell, "game": g, **task.sweep, "seed": seed}
            per_turn.extend({**head, **r} for r in turn_rows(state.log, state.scenario))
        del state
        settle_long_lived_objects()  # once per worker process, after its first game
    if task.return_logs:
        return rows, per_turn if task.turns else None, logs
    if task.turns:
        return rows, per_turn
    return rows


def log_name(cell: int, game: int, seed: int) -> str:
    """The file name of a game's event log in `--logs`."""
    return f"cell{cell:04d}-game{game:06d}-seed{seed}.jsonl"


_ENGINE_CODE: str | None = None


def engine_code() -> str:
    """A fingerprint (16 hex digits of sha256) of the code this process's engine package runs
    (`code_fingerprint` of its directory), worked out once per process (the first call). Two processes with the same
    one play the same games; a long-lived Dask worker started before the package changed keeps its old one."""
    global _ENGINE_CODE
    if _ENGINE_CODE is None:
        _ENGINE_CODE = _stored_fingerprint(Path(__file__).resolve().parent)
    return _ENGINE_CODE


def _stored_fingerprint(root: Path) -> str:
    """`code_fingerprint(root)`, kept in `root/__pycache__` under the sources' byte hash (as Python keeps
    bytecode): parsing every file costs most of a second, hashing their bytes a few milliseconds."""
    import hashlib

    from engine.fileio import atomic_write_text

    raw = hashlib.sha256(sys.implementation.cache_tag.encode() + b"\0")
    for p in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
        raw.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    memo = root / "__pycache__" / "engine_code.txt"
    try:
        key, got = memo.read_text(encoding="utf-8").split()
        if key == raw.hexdigest():
            return got
    except (OSError, ValueError):
        pass
    got = code_fingerprint(root)
    try:
        atomic_write_text(memo, f"{raw.hexdigest()} {got}\n")
    except OSError:
        pass  # (a read-only install: worked out again next time)
    return got


def code_fingerprint(root: Path) -> str:
    """16 hex digits of sha256 over what the `.py` files under `root` execute: each file's syntax tree (`ast.dump`,
    no line numbers) with its docstrings left out, in the order of the files' paths. An edit of comments,
    docstrings, blank lines or layout keeps it (a resume stays allowed: the games would be the same); any edit of
    code changes it. The same on every machine and process for one Python minor version (its `ast` may differ
    from another's, and `engine_identity` already sets the minor version apart)."""
    import ast
    import gc
    import hashlib

    h = hashlib.sha256()
    collecting = gc.isenabled()
    gc.disable()  # (the trees' many small objects would start collections of everything: twice the time)
    try:
        for p in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
            data = p.read_bytes()
            h.update(p.relative_to(root).as_posix().encode() + b"\0")
            try:
                tree = ast.parse(data, filename=str(p))
            except (SyntaxError, ValueError):  # (a file no import reads, half written: its bytes, as before)
                h.update(b"bytes\0" + data.replace(b"\r\n", b"\n") + b"\0")
                continue
            tree.body = _code_only(tree.body)
            h.update(ast.dump(tree, annotate_fields=False, include_attributes=False).encode() + b"\0")
    finally:
        if collecting:
            gc.enable()
    return h.hexdigest()[:16]


def _code_only(body: list[Any]) -> list[Any]:
    """`body` (statements) without its bare strings, nested bodies included: a module's, class's or function's
    docstring, or an attribute's (read by no rule: `__doc__` is help text)."""
    import ast

    out = []
    for st in body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
            continue
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(st, name, None)
            if inner and isinstance(inner[0], ast.stmt):
                setattr(st, name, _code_only(inner))
        for part in (*(getattr(st, "handlers", None) or ()), *(getattr(st, "cases", None) or ())):
            part.body = _code_only(part.body)
        out.append(st)
    return out


def engine_identity() -> tuple[str, str, str, str]:
    """(ENGINE_VERSION, engine_code(), numpy's version, Python's major.minor): what every worker of a Dask batch
    must share with the client (another numpy or Python can draw other numbers or round otherwise)."""
    from engine.rules import ENGINE_VERSION

    return ENGINE_VERSION, engine_code(), np.__version__, "{}.{}".format(*sys.version_info[:2])


def worker_identity() -> dict[str, Any]:
    """What a Dask worker tells the batch before any game (`_check_dask_workers`): its engine and where it is."""
    import socket

    version, code, numpy_version, python = engine_identity()
    return {"engine_version": version, "engine_code": code, "numpy": numpy_version, "python_minor": python,
            "host": socket.gethostname(), "pid": os.getpid(), "python": sys.version.split()[0]}


def _engine_mismatch(got: Sequence[Any], expect: Sequence[Any]) -> str | None:
    """How a worker's `engine_identity()` (`got`) differs from the client's, or None."""
    got = tuple(str(x) for x in got) + ("?",) * (4 - len(got))
    expect = tuple(str(x) for x in expect) + ("?",) * (4 - len(expect))
    why = []
    if got[0] != expect[0]:
        why.append(f"engine {got[0]}, not {expect[0]}")
    elif got[1] != expect[1]:
        why.append(f"engine {got[0]} with other code (fingerprint {got[1]}, the client's {expect[1]}: a copy "
                   "changed since, an extra file in engine/, or a worker started before the package changed)")
    for i, what in ((2, "numpy"), (3, "Python")):
        if got[i] != expect[i]:
            why.append(f"{what} {got[i]}, not {expect[i]}")
    return " and ".join(why) or None


def _identity_mismatch(got: dict[str, Any], expect: Sequence[Any]) -> str | None:
    """How a worker's `worker_identity()` differs from the client's `engine_identity()` (`expect`), or None: the
    check before the games and the one after a refusal alike."""
    return _engine_mismatch([got.get(k) for k in ("engine_version", "engine_code", "numpy", "python_minor")], expect)


def _client_setup(expect: Sequence[Any]) -> str:
    return f"engine {expect[0]}, numpy {expect[2]}, Python {expect[3]}" if len(expect) >= 4 else f"engine {expect[0]}"


def _check_worker_engine(expect: Sequence[Any]) -> None:
    """Refuse a task in a worker whose engine is not the client's (`engine_identity`): its rows would not be the
    games the batch's seeds stand for (a worker that joined a Dask cluster after the batch's check, or a local
    cluster's worker that imported an engine edited since the batch started)."""
    import socket

    if why := _engine_mismatch(engine_identity(), expect):
        raise BatchError(f"Dask worker on {socket.gethostname()} (pid {os.getpid()}) runs {why}: install the "
                         f"client's wargame ({_client_setup(expect)}) on every worker and restart the workers (with "
                         "--scheduler local: the files in engine/ changed after the batch started; run it again)")


_FORK_MASK = {signal.SIGINT, signal.SIGTERM}


def _block_signals() -> Any:
    """Hold Ctrl+C and SIGTERM in this thread (they are delivered by `_restore_signals`); None where the
    platform cannot."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _FORK_MASK)


def _restore_signals(old: Any) -> None:
    if old is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _HeldSignals:
    """Ctrl+C and SIGTERM held back inside the `with` block, then delivered to the handlers that were in place.

    Python runs its signal handlers in the main thread whichever thread the OS hands a signal to: masking
    it in this thread (`pthread_sigmask`) does not stop it while other threads (pyarrow's writer pool)
    accept it. So the handlers themselves are swapped for one that only notes the signal. Only the main
    thread can swap handlers; elsewhere nothing is held."""

    def __enter__(self) -> _HeldSignals:
        self.noted: list[int] = []
        self.old: list[tuple[int, Any]] = []
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                self.old.append((s, signal.signal(s, self._note)))
        return self

    def _note(self, signum: int, frame: Any) -> None:
        self.noted.append(signum)

    def __exit__(self, *exc: object) -> None:
        for s, handler in self.old:
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        if self.noted:
            signal.raise_signal(self.noted[0])


LOCK = "batch.lock"
"""The lock file in the parts folder (`BatchLock`): the pid of the batch writing this --out."""


class BatchLock:
    """An exclusive lock on an --out while a batch writes it: a second batch (a `--resume` started in another
    terminal while the first still runs) is refused at once, naming the first's pid. An advisory lock on
    `<out>.parts/batch.lock` (flock; msvcrt on Windows), which the kernel drops when the process ends, however
    it ends: a file left by a batch killed outright (SIGKILL) holds no lock, and the next batch takes it over.
    Without either module, no lock is taken. The file is removed on release (and the parts folder, if empty)."""

    _held: ClassVar[set[int]] = set()  # (fds of the locks this process holds: a forked worker closes its copies)

    def __init__(self, pdir: Path, out: Path) -> None:
        self.pdir, self.out, self.fd = pdir, out, None

    def __enter__(self) -> BatchLock:
        try:
            self.pdir.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # before any game is played: a typo in --out costs nothing
            raise BatchError(f"cannot write next to --out {self.out}: cannot create {self.pdir} "
                             f"({e.strerror or e})") from None
        path = self.pdir / LOCK
        for _ in range(5):  # (again when the file was removed by the batch that held it, between open and lock)
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise BatchError(f"cannot write next to --out {self.out}: cannot create {path} "
                                 f"({e.strerror or e})") from None
            try:
                locked = _try_lock(fd)
            except OSError as e:
                os.close(fd)
                raise BatchError(f"cannot lock {path} ({e.strerror or e})") from None
            if not locked:
                try:
                    pid = os.read(fd, 32).decode("ascii", "replace").strip()
                except OSError:
                    pid = ""
                os.close(fd)
                who = f"another wargame batch (pid {pid})" if pid.isdigit() else "another wargame batch"
                raise BatchError(f"{who} is writing {self.out} (lock {path}); wait for it to finish, or stop it "
                                 "first (its finished games are kept for --resume)")
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except OSError:
                same = False
            if same:
                break
            os.close(fd)
        else:
            raise BatchError(f"cannot lock {path}: it keeps being replaced (another wargame batch?)")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        BatchLock._held.add(fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is None:
            return
        try:  # (removed while still locked: a batch waiting on it then finds no file of ours)
            (self.pdir / LOCK).unlink()
        except OSError:
            pass
        BatchLock._held.discard(self.fd)
        os.close(self.fd)
        self.fd = None
        try:
            self.pdir.rmdir()
        except OSError:
            pass  # (parts of an unfinished batch, or the user's files)

    @classmethod
    def close_inherited(cls) -> None:
        """In a forked worker: close the copies of the parent's lock fds (the lock stays the parent's alone)."""
        for fd in cls._held:
            try:
                os.close(fd)
            except OSError:
                pass
        cls._held = set()


def batch_writing(pdir: Path) -> str | None:
    """Whether a batch holds the lock of the parts folder `pdir` now (`BatchLock`): its pid as text ("" when the
    file does not say), or None when no batch does. Opened read-only and never written; a lock taken to ask is
    dropped at once with the file (the next batch takes it as before)."""
    path = Path(pdir) / LOCK
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if _try_lock(fd):
            return None
        pid = os.read(fd, 32).decode("ascii", "replace").strip()
        return pid if pid.isdigit() else ""
    except OSError:
        return None
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file `fd` without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                return False
            if e.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                return True  # (a file system without locks: run unlocked, as before locks existed)
            raise
        return True
    try:
        import msvcrt
    except ImportError:
        return True  # (no lock on this platform)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _worker_init(parent_pid: int | None = None) -> None:
    """Process-pool workers ignore Ctrl+C (the parent handles it and stops them) and die quietly on SIGTERM
    (they must not inherit the CLI's SIGTERM-as-Ctrl+C handler, which would print a traceback). A forked worker
    closes its copy of the batch's lock (`BatchLock`): the lock is the parent's, and goes when the parent does."""
    BatchLock.close_inherited()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORK_MASK)  # born with them blocked (see _run_pool)
    _die_with_parent(parent_pid)


def _die_with_parent(parent_pid: int | None) -> None:
    """A parent killed outright (SIGKILL, the out-of-memory killer, a cluster's time limit) cannot stop its
    workers, which would hang on a full pipe holding their memory: on Linux the kernel sends them SIGTERM
    when it dies (prctl PR_SET_PDEATHSIG). Elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)  # (compared with its pid, not with 1: the batch may itself be PID 1, in a container)


# -------------------------------------------------------------------------------------------- the batch


@dataclass
class BatchSpec:
    scenario_path: str
    scen_doc: dict[str, Any]
    games: int
    seed: int
    sweeps: list[tuple[str, list[Any]]] = field(default_factory=list)
    sets: list[tuple[str, Any]] = field(default_factory=list)
    weather: str | None = None
    attacker: str | None = None
    defender: str | None = None
    command: str = ""
    common_seeds: bool = False
    """`--common-seeds`: every cell plays the same seeds (`derive_seeds`), so that its games pair with the other
    cells' (`engine.report.paired_games`)."""

    def identity(self) -> dict[str, Any]:
        """What must match for --resume (not workers/scheduler/output options). `common_seeds` only when set: a
        batch without it has the identity it had before the option existed (its --resume, its report)."""
        from engine.rules import ENGINE_VERSION
        from engine.scenario import scenario_sha256

        ident = {
            "scenario_sha256": scenario_sha256(self.scen_doc), "games": self.games, "seed": self.seed,
            "sweeps": [[k, v] for k, v in self.sweeps], "sets": [[p, v] for p, v in self.sets],
            "weather": self.weather, "attacker": self.attacker, "defender": self.defender,
            "engine_version": ENGINE_VERSION,
        }
        if self.common_seeds:
            ident["common_seeds"] = True
        return ident


def parts_dir(out: Path) -> Path:
    return out.with_name(out.name + ".parts")


MAX_BATCH_GAMES = 1_000_000
"""The most games one batch plans (games per cell x cells). Its plan is built before the first game: a million
games take some 20 s and 600 MB to plan; a typing slip of --games 1000000000 filled the memory silently."""


def too_many_games(games: int, cells: int) -> str:
    """The refusal of a batch larger than `MAX_BATCH_GAMES`."""
    total = f"{games:,} games" if cells == 1 else f"{games:,} games x {cells} cells = {games * cells:,} games"
    return (f"--games: {total} is more than one batch plays (at most {MAX_BATCH_GAMES:,}); run it as several "
            "batches with different --seed values and compare or report them together")


def plan(spec: BatchSpec, chunk: int, logs_dir: str | None = None,
         turns: bool = False) -> tuple[list[Cell], list[Task], Any]:
    """Cells, tasks (chunks of games) and the row schema of a batch (`turns`: tasks that return per-turn rows
    too; their schema is `turn_schema(sweep_column_types(spec.sweeps))`)."""
    if spec.games < 1:
        raise BatchError(f"--games must be at least 1, got {spec.games}")
    if spec.games > MAX_BATCH_GAMES:  # (before the cells are built: a sweep's cells only multiply it)
        raise BatchError(too_many_games(spec.games, 1))
    cells = build_cells(spec.scen_doc, spec.sweeps, spec.sets, spec.weather, spec.attacker, spec.defender,
                        source=spec.scenario_path)
    if spec.games * len(cells) > MAX_BATCH_GAMES:
        raise BatchError(too_many_games(spec.games, len(cells)))
    seeds = derive_seeds(spec.seed, len(cells), spec.games, common=spec.common_seeds)
    types = unit_types_by_side([c.doc for c in cells])
    kinds = sweep_column_types(spec.sweeps)
    schema = row_schema(kinds, types)
    tasks = []
    for cell in cells:
        sweep = {k: _sweep_value(v, kinds[k]) for k, v in cell.params.items()}
        for start in range(0, spec.games, chunk):
            ss = seeds[cell.index][start:start + chunk]
            tasks.append(Task(cell.index, start, ss, cell.doc, cell.weather, cell.agents, cell.agent_params,
                              sweep, [cell.run_options(s) for s in ss], types, logs_dir, turns))
    return cells, tasks, schema


def write_table_atomic(table: Any, path: Path) -> None:
    """Write a Parquet table to `path` via temp file + rename (monkeypatched by the disk-full test)."""
    import pyarrow.parquet as pq

    from engine.fileio import atomic_write_with

    atomic_write_with(path, lambda fh: pq.write_table(table, fh, compression="zstd"))


def _schema_metadata(spec: BatchSpec, cells: list[Cell]) -> dict[bytes, bytes]:
    """The file metadata of the results (the per-turn file's: `_with_table`). Not the chunk size (the manifest keeps
    it for --resume): it depends on --workers, and the file's bytes must not."""
    meta = spec.scen_doc.get("meta") or {}
    info = {
        "batch": spec.identity(), "command": spec.command, "scenario_path": spec.scenario_path,
        "cwd": os.getcwd(),  # (the command's paths are as typed: where they were typed, to reproduce it elsewhere)
        "engine_code": engine_code(),  # (which code played the games: the version alone spans many edits)
        "scenario_name": meta.get("name"), "start": meta.get("start", "2020-10-28T06:00"),
        "turn_hours": meta.get("turn_hours", 12),
        "objective": (spec.scen_doc.get("victory") or {}).get("objective") or "the objective",
        "side_names": {side: ((spec.scen_doc.get("sides") or {}).get(side) or {}).get("name") or side
                       for side in SIDES},
        "turns": max(int(c.doc.get("turns", 0) or 0) for c in cells),
        "cells": [_cell_record(c) for c in cells],
        # (the libraries that compute the games: the Dask check holds them to matter; constant on one machine, so
        # a batch run again writes the same bytes. No date, for the same reason)
        "python": platform.python_version(), "numpy": np.__version__,
    }
    if meta.get("measures"):  # (a lesson's numbers, which `wargame report` gives per cell; left out otherwise)
        info["measures"] = meta["measures"]
    return {b"wargame_batch": json.dumps(info, sort_keys=True).encode()}


def _with_table(meta: dict[bytes, bytes], table: str) -> dict[bytes, bytes]:
    """The results' metadata (`_schema_metadata`) as another file of the batch has it (`table="turns"`): the same
    record with its table named, not built again (each cell's scenario parsed again for its sides' guns)."""
    info = json.loads(meta[b"wargame_batch"])
    info["table"] = table
    return {b"wargame_batch": json.dumps(info, sort_keys=True).encode()}


def _cell_record(cell: Cell) -> dict[str, Any]:
    """A cell in the results' metadata: its parameters, run options and what the report reads of its scenario,
    parsed once for all of it (about 50 ms a Shusha cell)."""
    from engine.scenario import scenario_from_dict

    scen = scenario_from_dict(copy.deepcopy(cell.doc))  # (validated by `build_cells`: the resolved unit table)
    return {"cell": cell.index, "params": cell.params,
            "run_options": cell.run_options(0).replace("--seed 0", "--seed S", 1),
            "suspected_fire_sides": cell_suspected_fire_sides(cell),
            "artillery_sides": cell_artillery_sides(scen), "start_steps": cell_start_steps(scen)}


def cell_start_steps(scen: Any) -> dict[str, dict[str, int]]:
    """Per side, the strength steps its units bring into the games of a cell's scenario (`Scenario`), ground and air
    (drones) apart: the units present at the start and the reinforcements arriving by the last turn, on the map
    (off-map guns fire from beyond it and lose no steps: a reviewer). The scale of the losses columns (an analyst:
    "ground steps lost 21.2/30.2" could not be read as a share of the force)."""
    out = {side: {"ground": 0, "air": 0} for side in SIDES}
    for u in scen.units:
        if not u.present or u.offmap or u.arrives_turn > scen.turns or u.side not in out:
            continue
        ut = scen.unit_table[u.type]
        out[u.side]["air" if ut.domain == "air" else "ground"] += ut.max_steps if u.strength is None else u.strength
    return out


def cell_artillery_sides(scen: Any) -> dict[str, bool]:
    """Per side: has it a unit of an indirect-fire type in a cell's scenario (`Scenario`: its guns, on the map or
    off it)? Recorded for the report: a lesson without guns showed "artillery missions 0.0 [0.0-0.0]" and a
    difference of "+0.0 [+0.0, +0.0]" for them (an analyst)."""
    return {side: any(scen.unit_table[u.type].indirect for u in scen.units if u.side == side and u.present)
            for side in SIDES}


def cell_suspected_fire_sides(cell: Cell) -> dict[str, bool]:
    """Per side: could its agent fire on a suspected position in the cell's games (`engine.game.suspected_fire_sides`,
    from the cell's document as validated: its rule and the agents `with_agents` wrote into it)? Recorded in the
    results' metadata for the report: the missions columns alone do not tell a rule that was off from one unused."""
    import attrs

    from engine.game import agent_settings, suspected_fire_sides
    from engine.scenario import CombatRules, SideSpec

    sides = cell.doc.get("sides") or {}
    spec = {s: sides.get(s) or {} for s in SIDES}
    names, params = agent_settings({s: spec[s].get("agent") or attrs.fields(SideSpec).agent.default for s in SIDES},
                                   {s: spec[s].get("agent_params") or {} for s in SIDES},
                                   cell.agents, cell.agent_params)
    rule = (cell.doc.get("combat") or {}).get("suspected_fire", attrs.fields(CombatRules).suspected_fire.default)
    return suspected_fire_sides(bool(rule), names, params)  # (the parsed scenario's defaults, not copies of them)


def _check_or_write_manifest(pdir: Path, spec: BatchSpec, resume: bool, chunk: int, turns: bool = False,
                             on_message: Callable[[str], None] | None = None) -> int:
    """Create the manifest (new batch) or check it (--resume); returns the chunk size to use.

    The manifest also records whether the batch writes per-turn rows (`turns`). A batch started with them is
    resumed only with them (its finished parts hold them, the results would lack them); one started without
    them may be resumed with them: the manifest then records them, and its finished chunks are played again
    (same seeds) for their per-turn rows (`_run_batch` says so)."""
    from engine.fileio import atomic_write_text

    mpath = pdir / MANIFEST
    ident = spec.identity()
    if mpath.exists() and not resume and not any(p.name.startswith("part-") and _OWN_PART.fullmatch(p.name)
                                                 for p in pdir.iterdir()):
        # (stopped before its first game was written: nothing to keep, so a new batch starts in its place; it
        # asked for --resume or --overwrite, a robustness test found, over a batch of no game)
        _discard_unfinished(pdir, None)
    if mpath.exists():
        try:
            man = json.loads(mpath.read_text())
            damage = None if isinstance(man, dict) and isinstance(man.get("batch", {}), dict) else \
                "not a batch manifest (an object with a 'batch' object)"
        except (OSError, ValueError) as e:
            damage = str(e)
        if damage is not None:
            if not resume:
                raise BatchError(f"cannot read batch manifest {mpath}: {damage}; add --resume to rebuild it from the "
                                 "finished parts, which carry the batch they belong to (each is checked against "
                                 f"this command), or --overwrite to discard {pdir} and start over") from None
            man = _manifest_from_parts(pdir, spec, ident, chunk, f"cannot read batch manifest {mpath}: {damage}")
            atomic_write_text(mpath, json.dumps(man, indent=1, sort_keys=True))
            if on_message:
                on_message(f"note: the batch manifest {mpath} could not be read ({damage}); rebuilt from its finished "
                           "parts, each checked to be this batch's (options, scenario, engine code)")
        if not resume:
            raise BatchError(f"{pdir} holds an unfinished batch; add --resume to complete it (its finished games "
                             f"are kept), or --overwrite to discard it and start over")
        old = man.get("batch", {})
        if json.loads(json.dumps(ident)) != old:
            diff = [k for k in sorted(set(ident) | set(old)) if json.loads(json.dumps(ident.get(k))) != old.get(k)]
            raise BatchError(f"--resume: parameters differ from the interrupted batch in {pdir} "
                             f"({describe_differences(ident, old, diff, 'in the manifest')}); use the same options "
                             "or a new --out")
        if man.get("engine_code") not in (None, engine_code()):  # (an older manifest does not say: resumed)
            raise BatchError(f"--resume: the engine's code has changed since the interrupted batch in {pdir} was "
                             f"started (fingerprint {man['engine_code']} then, {engine_code()} now; "
                             "`engine.batch.engine_code`, of the syntax trees as Python "
                             f"{sys.version_info[0]}.{sys.version_info[1]} writes them: another Python minor version "
                             "gives another): its finished games were played by the old code, and "
                             "the results would mix games of two engines under one engine version; run the same "
                             "command with --overwrite instead of --resume to play every game with this code, or "
                             "resume with the code it started with")
        started_with = bool(man.get("turns", False))
        if started_with and not turns:
            out = pdir.with_name(pdir.name.removesuffix(".parts"))
            raise BatchError(f"--resume: the interrupted batch in {pdir} was started with --turns (per-turn rows, "
                             f"{turns_path(out).name}); add --turns to resume it, or use a new --out")
        if turns and not started_with:
            man["turns"] = True
            man["command"] = _with_turns_flag(man.get("command", spec.command))
            atomic_write_text(mpath, json.dumps(man, indent=1, sort_keys=True))
        spec.command = man.get("command", spec.command)
        return int(man.get("chunk", chunk))
    if resume and pdir.exists() and any(p.name != LOCK for p in pdir.iterdir()):
        raise BatchError(f"--resume: no manifest in {pdir}; rerun with --overwrite instead of --resume to discard "
                         "its parts and start over")
    try:
        pdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # before any game is played: a typo in --out costs nothing
        raise BatchError(f"cannot write next to --out {pdir.parent / pdir.name.removesuffix('.parts')}: cannot "
                         f"create {pdir} ({e.strerror or e})") from None
    atomic_write_text(mpath, json.dumps({"version": MANIFEST_VERSION, "batch": ident, "command": spec.command,
                                         "chunk": chunk, "turns": turns, "engine_code": engine_code()},
                                        indent=1, sort_keys=True))
    return chunk


def _manifest_from_parts(pdir: Path, spec: BatchSpec, ident: dict[str, Any], chunk: int, why: str) -> dict[str, Any]:
    """A damaged manifest rebuilt from the finished parts (`--resume`): each part's file metadata names the batch it
    belongs to (`_schema_metadata`: the batch's identity, the engine's code and the command), so a part is kept only
    if they are this request's and this engine's, and its rows are where the request puts them (its first game a
    multiple of the chunk size, as many rows as that chunk holds). The chunk size is read from the parts' starts.
    Any part that cannot be proven this batch's stops the resume, saying which and how to keep or discard it. A
    damaged manifest had left only --overwrite, which discards the finished games (a robustness test)."""
    import pyarrow.parquet as pq

    want = json.loads(json.dumps(ident))
    code = engine_code()
    starts: dict[tuple[str, int], list[tuple[int, int]]] = {}  # (kind, cell) -> [(first game, rows)]
    command = None
    bad: list[str] = []
    names = sorted(p.name for p in pdir.iterdir() if _OWN_PART.fullmatch(p.name))
    for name in names:
        kind, c, g = name.removesuffix(".parquet").split("-")
        cell, start = int(c[1:]), int(g[1:])
        try:
            meta = json.loads((pq.read_schema(pdir / name).metadata or {})[b"wargame_batch"])
            rows = pq.read_metadata(pdir / name).num_rows
        except Exception:  # (a part cut short: its games are played again, as with a whole manifest)
            continue
        games = f"{rows} game{'s' if rows != 1 else ''}"
        if not isinstance(meta, dict) or meta.get("batch") != want:
            bad.append(f"{name} ({games}, another batch's: other options or scenario)")
        elif meta.get("engine_code") != code:
            bad.append(f"{name} ({games}, played by other engine code, {meta.get('engine_code')}; now {code})")
        else:
            starts.setdefault((kind, cell), []).append((start, rows))
            command = command or meta.get("command")
    cells = len(plan(spec, 1)[0]) if starts else 0
    gaps = sorted({b[0] - a[0] for v in starts.values() for a, b in itertools.pairwise(sorted(v))} - {0})
    firsts = [rows for v in starts.values() for start, rows in v if start == 0]
    size = gaps[0] if gaps else (max(firsts) if firsts else chunk)
    for (kind, cell), v in sorted(starts.items()):
        for start, rows in v:
            if cell >= cells or start % size or start >= spec.games or rows != min(size, spec.games - start):
                bad.append(f"{kind}-c{cell:04d}-g{start:06d}.parquet ({rows} rows where this batch, in chunks of "
                           f"{size}, has {max(0, min(size, spec.games - start))})")
    if bad:
        raise BatchError(f"{why}; --resume cannot rebuild it: {len(bad)} part(s) cannot be shown to be this "
                         f"batch's: {'; '.join(bad[:5])}{' …' if len(bad) > 5 else ''}. Move them out of {pdir} "
                         "to keep them apart and --resume again, or add --overwrite (without --resume) to discard "
                         f"{pdir} and start over")
    return {"version": MANIFEST_VERSION, "batch": ident, "command": command or spec.command, "chunk": size,
            "turns": any(kind == "turns" for kind, _ in starts), "engine_code": code,
            "rebuilt_from_parts": True}


def _with_turns_flag(command: str) -> str:
    """A recorded `wargame batch` command with `--turns` added (a batch resumed with per-turn rows)."""
    if not command:
        return command
    args = shlex.split(command)
    return command if "--turns" in args else shlex.join([*args, "--turns"])


def _part_status(path: Path, n_rows: int, schema: Any) -> tuple[str, list[str]]:
    """("ok", []) for a finished part of this batch; ("missing", []) for one to play (absent, torn or short);
    ("stale", columns of `schema` it lacks) for a finished part written with other columns (by an older
    wargame): it cannot be combined with the others, so it is played again."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        if pf.metadata.num_rows != n_rows:
            return "missing", []
        have = pf.schema_arrow
    except Exception:
        return "missing", []
    if have.remove_metadata().equals(schema.remove_metadata()):
        return "ok", []
    return "stale", [n for n in schema.names if n not in have.names]


def _turns_part_ok(path: Path, game_part: Path, schema: Any) -> bool:
    """Is the per-turn part beside a finished game part whole: this batch's columns, and as many rows as its
    games played turns (their `end_turn`)? (Parts are written whole or not at all; this catches the rest.)"""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        if not pf.schema_arrow.remove_metadata().equals(schema.remove_metadata()):
            return False
        played = pq.read_table(game_part, columns=["end_turn"]).column("end_turn").to_pylist()
        return pf.metadata.num_rows == sum(t or 0 for t in played)
    except Exception:
        return False


def turns_file_matches(path: Path, identity: Any) -> bool:
    """Is `path` the per-turn file of the batch whose identity (`BatchSpec.identity()`, or as read back from a
    results file's metadata) is `identity`? (A per-turn file left from another batch must not be read as this
    one's.)"""
    try:
        info = read_batch_metadata(path)
    except Exception:
        return False
    return info.get("table") == "turns" and info.get("batch") == json.loads(json.dumps(identity))


@dataclass
class BatchResult:
    out: Path
    games: int
    cells: list[Cell]
    elapsed: float
    resumed_games: int = 0
    already_complete: bool = False
    """`--resume` found this very batch finished in `out`: nothing was played."""
    missing_columns: list[str] = field(default_factory=list)
    """Columns of today's rows that a batch found finished (`already_complete`) lacks: it was written by an
    older wargame; `--overwrite` plays it again with them."""
    turns_out: Path | None = None
    """The per-turn file (`turns_path(out)`), when the batch was run with `turns`."""


def _same_identity(spec: BatchSpec, old: Any) -> list[str] | None:
    """None if `old` (a batch identity read back from JSON) is `spec`'s, else the keys that differ."""
    ident = json.loads(json.dumps(spec.identity()))
    if not isinstance(old, dict):
        return sorted(ident)
    diff = [k for k in sorted(set(ident) | set(old)) if ident.get(k) != old.get(k)]
    return diff or None


def describe_differences(now: dict[str, Any], old: dict[str, Any], keys: Sequence[str], where: str) -> str:
    """Each differing batch parameter with both values, for a --resume refusal (the user sees which option to
    change, and to what).

    >>> describe_differences({"games": 400, "seed": 1}, {"games": 500, "seed": 1}, ["games"], "in the manifest")
    'games: 500 in the manifest, 400 now'
    """
    def show(key: str, v: Any) -> str:
        if v is None:
            return "none"
        text = v if isinstance(v, str) else json.dumps(v, sort_keys=True)
        return text[:12] + "…" if key == "scenario_sha256" and len(text) > 12 else text

    now = json.loads(json.dumps(now))
    old = old if isinstance(old, dict) else {}
    return "; ".join(f"{k}: {show(k, old.get(k))} {where}, {show(k, now.get(k))} now" for k in keys)


def _check_out(spec: BatchSpec, out: Path, pdir: Path, resume: bool, overwrite: bool, turns: bool = False) -> bool:
    """Refuse, before any game is played, an `--out` that cannot be a results file or that holds finished
    results the command would silently replace (with `turns`, the same for the per-turn file beside it). True
    when `--resume` finds this very batch already finished in `out` (with `turns`, its per-turn file too)."""
    if out.is_dir():
        raise BatchError(f"--out {out} is a folder; give a file name, e.g. --out {out / 'results.parquet'}")
    for parent in (out.parent, *out.parent.parents):
        if parent.exists():
            if not parent.is_dir():
                raise BatchError(f"--out {out}: {parent} is a file, not a folder")
            break
    tpath = turns_path(out)
    if turns and tpath.is_dir():
        raise BatchError(f"--turns: {tpath} (the per-turn file of --out {out}) is a folder; give another --out")
    unfinished = (pdir / MANIFEST).exists()  # (other files left in the folder do not make a batch unfinished)
    if not out.exists() or unfinished:
        if turns and not unfinished and tpath.exists() and not overwrite:
            raise BatchError(f"--turns: {tpath} already exists (left by an earlier batch?); give a new --out, or "
                             "add --overwrite to replace it")
        return False  # a new batch, or an interrupted one (its manifest decides)
    damaged = ""
    try:
        old = read_batch_metadata(out).get("batch")
    except Exception as e:  # (ArrowInvalid: not Parquet, or cut short: a results file copied or written in half)
        old = None
        first = (str(e).splitlines()[0] if str(e) else type(e).__name__).rstrip(".")
        damaged = f" (it cannot be read as Parquet: {first}; damaged or truncated?)"
    if old is None:
        if overwrite:
            return False
        raise BatchError(f"--out {out} exists and is not a `wargame batch` results file{damaged}; give another --out"
                         + ("" if resume else ", or add --overwrite to replace it"))
    diff = _same_identity(spec, old)
    if resume:
        if diff is None:
            if turns and not turns_file_matches(tpath, spec.identity()):
                raise BatchError(f"--resume --turns: {out} holds this very batch, finished, without its per-turn "
                                 f"rows ({tpath.name}); run the command with --overwrite instead of --resume to "
                                 "play it again with them")
            return True
        raise BatchError(f"--resume: {out} holds a finished batch with other parameters "
                         f"({describe_differences(spec.identity(), old, diff, f'in {out.name}')}); "
                         "use the same options, or a new --out")
    if not overwrite:
        what = "this very batch, finished" if diff is None else f"a finished batch (other {', '.join(diff)})"
        raise BatchError(f"--out {out} already holds {what}; give a new --out, or add --overwrite to replace it")
    return False


ProgressFn = Callable[[int], None]


def run_batch(
    spec: BatchSpec,
    out: Path,
    workers: int = 1,
    scheduler: str | None = None,
    chunk: int | None = None,
    resume: bool = False,
    logs_dir: str | None = None,
    csv: Path | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_progress: ProgressFn | None = None,
    stop_after_chunks: int | None = None,
    overwrite: bool = False,
    on_message: Callable[[str], None] | None = None,
    turns: bool = False,
    on_workers: Callable[[dict[str, str], int], None] | None = None,
    on_worker_change: Callable[[str], None] | None = None,
) -> BatchResult:
    """Run (or complete) a batch; raises BatchError (bad options) or BatchAborted (stopped early).

    Finished results in `out` are never replaced silently: `overwrite` must say so; with `resume`, the same
    batch finished already is left as it is (`BatchResult.already_complete`). `resume` completes the unfinished
    batch kept in `parts_dir(out)`; `overwrite` (without `resume`) starts over: it discards that batch's parts
    and manifest (nothing else in the folder) and replaces the finished results. `on_message` gets one-line notes
    for the user, before any game is played: a results or logs folder created, an unfinished batch discarded,
    finished parts played again. `csv` and `logs_dir` are checked before any game too (`_check_side_outputs`).
    `turns`: also write one row per game per turn played (`turn_rows`) to `turns_path(out)`, from per-turn
    parts saved with the game parts (so an interrupted batch resumes with them too). `on_workers` hears which
    workers a remote Dask scheduler has before the games ({address: host}, threads), and `on_worker_change` each
    line said of a Dask worker that left, joined or was shut out during the games (also said to `on_message`):
    the run's record (`engine.runlog`; it had picked them out of `on_message` by their words)."""
    t0 = time.perf_counter()
    # the engine every worker must run, read before any cluster starts (a local cluster's workers import the engine
    # from disk at their first task, or when restarted: a tree edited since then plays other games)
    ident = engine_identity()
    out = Path(out)
    n_total = spec.games * max(1, int(np.prod([len(v) for _, v in spec.sweeps]))) if spec.sweeps else spec.games
    remote = bool(scheduler) and scheduler != "local"
    auto_chunk = chunk is None
    if chunk is None:
        # tens of games per task, but enough tasks to keep every worker busy on small batches
        chunk = _default_chunk(n_total, workers)
    pdir = parts_dir(out)
    cells, _, schema = plan(spec, 1)  # validate options before connecting or touching the output folder
    complete = _check_out(spec, out, pdir, resume, overwrite, turns)
    _check_side_outputs(out, pdir, Path(csv) if csv else None, logs_dir, turns, replace_csv=resume or overwrite)
    # (a finished batch writes no log: nothing in the folder is at risk)
    old_logs = _other_logs(Path(logs_dir), spec, out, len(cells), overwrite, resume) if logs_dir and not complete \
        else []
    tpath = turns_path(out)
    if not turns and on_message and tpath.is_file() and not turns_file_matches(tpath, spec.identity()):
        on_message(f"left {tpath} as it was: it is not of this batch (run without --turns), and `wargame report` "
                   "leaves it out")
    if complete:
        if csv:
            try:
                write_csv(out, Path(csv))
            except OSError as e:
                raise BatchError(f"cannot write {csv}: {e.strerror or e} ({out} is complete)") from None
        return BatchResult(out, n_total, cells, time.perf_counter() - t0, resumed_games=n_total,
                           already_complete=True, missing_columns=_missing_columns(out, schema),
                           turns_out=turns_path(out) if turns else None)
    _make_results_folder(out, on_message)
    with BatchLock(pdir, out):  # (before anything in the parts folder is read or written)
        # (a local cluster starts every worker it is given: no more than there are games)
        client = _connect_dask(scheduler, min(workers, n_total)) if scheduler else None
        try:
            if remote:  # (the cluster's workers, not this machine's --workers, play the games)
                threads = _check_dask_workers(client[0], str(scheduler), on_message, ident, on_workers)
                if auto_chunk and threads:
                    chunk = _default_chunk(n_total, threads)
            return _run_batch(spec, out, pdir, n_total, workers, client, chunk, resume, logs_dir, csv, on_start,
                              on_progress, stop_after_chunks, t0, on_message, turns, overwrite, old_logs, ident,
                              on_worker_change)
        finally:
            if client is not None:
                _close_dask(*client)


def _default_chunk(n_total: int, workers: int) -> int:
    return max(1, min(DEFAULT_CHUNK, -(-n_total // (max(workers, 1) * 4))))


def _missing_columns(path: Path, schema: Any) -> list[str]:
    """Columns of `schema` that the Parquet file at `path` does not have."""
    import pyarrow.parquet as pq

    try:
        have = set(pq.read_schema(path).names)
    except Exception:
        return []
    return [n for n in schema.names if n not in have]


def _make_results_folder(out: Path, on_message: Callable[[str], None] | None) -> None:
    """Create the folder `out` goes in when it does not exist yet, and say so (a typo in --out then shows)."""
    folder = out.parent
    if folder.exists():
        return  # (a file there is refused by `_check_out`)
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        return  # made meanwhile by someone else
    except OSError as e:
        raise BatchError(f"--out {out}: cannot create the results folder {folder} ({e.strerror or e})") from None
    if on_message:
        on_message(f"created results folder {folder}")


def _nearest_existing(path: Path) -> Path:
    """`path` itself or its nearest ancestor that exists."""
    for p in (path, *path.parents):
        if p.exists():
            return p
    return Path(".")


def _is_or_inside(path: Path, other: Path) -> str | None:
    """"is" when `path` is `other`, "is inside" when it is under it, else None."""
    a, b = path.resolve(), other.resolve()
    return "is" if a == b else "is inside" if b in a.parents else None


def _check_side_outputs(out: Path, pdir: Path, csv: Path | None, logs_dir: str | None, turns: bool = False,
                        replace_csv: bool = False) -> None:
    """Refuse, before any game is played, a `--csv` file or `--logs` folder that cannot be written or that is one
    of the batch's own files (results, per-turn file, parts folder) or the other's path; and an existing CSV
    file unless `replace_csv` (--overwrite or --resume: this batch's own copy). Creates nothing: the logs folder
    is made by `_make_logs_folder`, the CSV's folder (if missing) when the CSV is written."""
    from engine.fileio import cannot_create_in

    own = [("the results file (--out)", out), (f"{pdir}, the parts folder of --out", pdir)]
    if turns:
        own.append((f"{turns_path(out)}, the per-turn file of --out (--turns)", turns_path(out)))
    if csv is not None:
        if csv.is_dir():
            raise BatchError(f"--csv {csv} is a folder; give a file name, e.g. --csv {csv / (out.stem + '.csv')}")
        for what, p in own:
            if how := _is_or_inside(csv, p):
                raise BatchError(f"--csv {csv} {how} {what}; give another file name, e.g. --csv "
                                 f"{out.with_name(out.stem + '.csv')}")
        if logs_dir and _is_or_inside(csv, Path(logs_dir)) == "is":  # (a CSV in the logs folder is fine)
            raise BatchError(f"--csv {csv} is the --logs folder; give another file name")
        if csv.exists() and not replace_csv:
            raise BatchError(f"--csv {csv} exists already and would be replaced; give another file name, or add "
                             "--overwrite to replace it (--resume also rewrites it, from the completed batch)")
        near = _nearest_existing(csv.parent)
        if not near.is_dir():
            raise BatchError(f"--csv {csv}: {near} is a file, not a folder")
        why = cannot_create_in(near)
        if why:
            raise BatchError(f"--csv {csv}: cannot write a file in {near} ({why})")
    if logs_dir:
        logs = Path(logs_dir)
        if logs.exists() and not logs.is_dir():
            raise BatchError(f"--logs {logs} is a file; give a folder for the event logs (one JSON-lines file "
                             "per game)")
        for what, p in own:  # (the results' own folder, or one above it, is fine)
            if how := _is_or_inside(logs, p):
                raise BatchError(f"--logs {logs} {how} {what}; give another folder")
        if csv is not None and (how := _is_or_inside(logs, csv)):
            raise BatchError(f"--logs {logs} {how} the --csv file; give another folder")
        near = _nearest_existing(logs)
        if not near.is_dir():
            raise BatchError(f"--logs {logs}: {near} is a file, not a folder")


def _make_logs_folder(logs: Path, on_message: Callable[[str], None] | None) -> None:
    """Create the `--logs` folder when it does not exist yet, and say so (as for the results folder); refuse, in
    one line, one that cannot be made or written in. Before any game: the workers only write into it."""
    from engine.fileio import cannot_create_in

    if logs.is_dir():
        why = cannot_create_in(logs)
        if why:
            raise BatchError(f"--logs {logs}: cannot write in this folder ({why})")
        return
    try:
        logs.mkdir(parents=True)
    except FileExistsError:
        if logs.is_dir():
            return  # made meanwhile by someone else
        raise BatchError(f"--logs {logs} is a file; give a folder for the event logs") from None
    except OSError as e:
        raise BatchError(f"--logs {logs}: cannot create the logs folder ({e.strerror or e})") from None
    if on_message:
        on_message(f"created logs folder {logs}")


GAME_LOG = re.compile(r"cell\d{4}-game\d{6}-seed\d+\.jsonl")
"""The name of a game's event log in a --logs folder (`run_task`): cellCCCC-gameGGGGGG-seedS.jsonl."""


LOGS_MARKER = ".wargame-batch.json"
"""In a --logs folder: which batch wrote its game logs (the batch's identity and its --out), so that another
batch with the same file names (same seed and game count, other options) is told apart."""


def _logs_owner(spec: BatchSpec, out: Path) -> dict[str, Any]:
    return {"out": str(out.resolve()), "batch": json.loads(json.dumps(spec.identity()))}


def _other_logs(logs: Path, spec: BatchSpec, out: Path, n_cells: int, overwrite: bool, resume: bool) -> list[Path]:
    """Event logs in the --logs folder that are not this batch's: refused before any game, unless `overwrite`
    replaces the batch of this same --out that wrote them; then they are the files to remove
    (`_remove_logs`), so that a name like cell0000-game000000-* never finds two games. Whose logs they are
    is read from the folder's `LOGS_MARKER` (file names alone do not tell: they hold only the seed and the
    game and cell numbers). Files not named like a game's log are never touched."""
    if not logs.is_dir():
        return []
    try:
        files = sorted(p for p in logs.iterdir() if GAME_LOG.fullmatch(p.name))
    except OSError:
        return []  # (an unreadable folder is refused by `_make_logs_folder`)
    if not files:
        return []
    try:
        marker = json.loads((logs / LOGS_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        marker = None
    marker = marker if isinstance(marker, dict) else None
    mine = _logs_owner(spec, out)
    # (the seeds as `plan` derives them: with --common-seeds every cell plays cell 0's, and a resume had refused
    # the batch's own logs of cells 1 and up as another batch's: an analyst's review)
    own = {log_name(c, g, seed) for c, seeds in enumerate(derive_seeds(spec.seed, n_cells, spec.games,
                                                                       common=spec.common_seeds))
           for g, seed in enumerate(seeds)}
    same_batch = marker is not None and marker.get("batch") == mine["batch"]
    if same_batch or (marker is None and resume):  # (no marker: an interrupted batch of an older wargame)
        other = [p for p in files if p.name not in own]
    else:
        other = files
    if not other:
        return []
    for_out = marker.get("out") if marker is not None else None
    if overwrite and (same_batch or for_out == mine["out"]):
        return other  # this --out's batch is replaced: its logs go with it
    whose = (f"of another batch (for {for_out})" if for_out and for_out != mine["out"] else
             "of another batch of this --out" if for_out else "of another batch, or of an unknown one")
    how = ("add --overwrite to replace them (only files named cellCCCC-gameGGGGGG-seedS.jsonl)"
           if for_out == mine["out"] else "remove them yourself if they are not needed")
    raise BatchError(f"--logs {logs} holds {len(other)} event log{'' if len(other) == 1 else 's'} {whose} (e.g. "
                     f"{other[0].name}); give another folder, or {how}")


def _write_logs_marker(logs: Path, spec: BatchSpec, out: Path) -> None:
    """Say in the --logs folder which batch writes its logs (`LOGS_MARKER`), before its first game."""
    from engine.fileio import atomic_write_text

    try:
        atomic_write_text(logs / LOGS_MARKER, json.dumps(_logs_owner(spec, out), sort_keys=True) + "\n")
    except OSError as e:
        raise BatchError(f"--logs {logs}: cannot write {LOGS_MARKER} ({e.strerror or e})") from None


def _remove_logs(paths: Sequence[Path], logs: Path, on_message: Callable[[str], None] | None) -> None:
    """--overwrite: remove the replaced batch's event logs found by `_other_logs`, and say how many."""
    removed = sum(_remove(p) for p in paths)
    if removed and on_message:
        on_message(f"--overwrite: removed {removed} event log{'' if removed == 1 else 's'} of the batch it replaces "
                   f"from {logs}")


def _remove(p: Path) -> bool:
    """--overwrite removes file `p`: True if it did, False if it was gone already; a one-line error if it cannot."""
    try:
        p.unlink()
    except FileNotFoundError:
        return False
    except OSError as e:
        raise BatchError(f"--overwrite: cannot remove {p} ({e.strerror or e})") from None
    return True


_OWN_PART = re.compile(r"(part|turns)-c\d{4}-g\d{6}\.parquet")
_OWN_TEMP = re.compile(r"\.((part|turns)-c\d{4}-g\d{6}\.parquet|manifest\.json)\..+\.tmp")


RUNS_PENDING = "runs.json"
"""The record of an unfinished batch's runs in its parts folder (`engine.runlog`, until a run finishes the batch):
`--overwrite` discards it with the batch's parts."""


def _discard_unfinished(pdir: Path, on_message: Callable[[str], None] | None) -> None:
    """`--overwrite` starts over: remove the unfinished batch kept in `pdir` (`parts_dir(out)`): its manifest,
    its game and per-turn parts and the temp files of their writes, nothing else; then the folder if empty."""
    if not pdir.is_dir():
        return
    import pyarrow.parquet as pq

    removed = games = 0
    for p in sorted(pdir.iterdir()):
        if not (p.name in (MANIFEST, RUNS_PENDING) or _OWN_PART.fullmatch(p.name) or _OWN_TEMP.fullmatch(p.name)) \
                or p.is_dir():
            continue
        if p.name.startswith("part-"):
            try:
                games += pq.ParquetFile(p).metadata.num_rows
            except Exception:
                pass  # a torn part: no game
        removed += _remove(p)
    try:
        pdir.rmdir()
    except OSError:
        pass  # other files of the user's: left as they are
    if removed and on_message:
        on_message(f"--overwrite: discarded the unfinished batch in {pdir} ({games} finished "
                   f"game{'' if games == 1 else 's'}); starting over")


def _run_batch(spec: BatchSpec, out: Path, pdir: Path, n_total: int, workers: int, client: Any, chunk: int,
               resume: bool, logs_dir: str | None, csv: Path | None, on_start: Any, on_progress: Any,
               stop_after_chunks: int | None, t0: float,
               on_message: Callable[[str], None] | None = None, turns: bool = False,
               overwrite: bool = False, old_logs: Sequence[Path] = (),
               ident: tuple[str, ...] | None = None,
               on_worker_change: Callable[[str], None] | None = None) -> BatchResult:
    _make_results_folder(out, on_message)
    if logs_dir:
        _make_logs_folder(Path(logs_dir), on_message)
        _remove_logs(old_logs, Path(logs_dir), on_message)
        _write_logs_marker(Path(logs_dir), spec, out)
    if overwrite and not resume:
        _discard_unfinished(pdir, on_message)
    if resume and on_message and not (pdir.is_dir() and any(p.name != LOCK for p in pdir.iterdir())):
        # (a typo in --out replays all)
        on_message(f"--resume: nothing to resume ({pdir} holds no unfinished batch, {out} no finished one): "
                   "starting a new batch")
    chunk = _check_or_write_manifest(pdir, spec, resume, chunk, turns, on_message)
    cells, tasks, schema = plan(spec, chunk, logs_dir, turns)
    meta = _schema_metadata(spec, cells)
    schema = schema.with_metadata(meta)
    status = {t.name: _part_status(pdir / t.name, len(t.seeds), schema) for t in tasks}
    tschema = None
    if turns:
        tschema = turn_schema(sweep_column_types(spec.sweeps)).with_metadata(
            _with_table(meta, "turns"))
        # a finished chunk counts as finished only with its per-turn part (written just before it)
        no_turns = [t for t in tasks if status[t.name][0] == "ok"
                    and not _turns_part_ok(pdir / t.turns_name, pdir / t.name, tschema)]
        for t in no_turns:
            status[t.name] = ("no turns", [])
        if no_turns and on_message:
            one = len(no_turns) == 1
            games = sum(len(t.seeds) for t in no_turns)
            on_message(f"{'1 finished part' if one else f'{len(no_turns)} finished parts'} in {pdir} "
                       f"{'has' if one else 'have'} no per-turn rows (--turns): playing {'its' if one else 'their'} "
                       f"{games} game{'' if games == 1 else 's'} again (same seeds) to record them")
    stale = [t for t in tasks if status[t.name][0] == "stale"]
    if stale and on_message:
        lacking = [c for c in schema.names if any(c in status[t.name][1] for t in stale)]
        what = (f"lack{'s' if len(stale) == 1 else ''} the column{'s' if len(lacking) > 1 else ''} "
                f"{', '.join(lacking)}" if lacking else
                f"{'has' if len(stale) == 1 else 'have'} other columns than this wargame's")
        games = sum(len(t.seeds) for t in stale)
        parts = "1 finished part" if len(stale) == 1 else f"{len(stale)} finished parts"
        on_message(f"{parts} in {pdir} {what} (written by an older wargame): playing "
                   f"{'its' if len(stale) == 1 else 'their'} {games} games again (same seeds) so that all rows "
                   "have the same columns")
    todo = [t for t in tasks if status[t.name][0] != "ok"]
    done_games = sum(len(t.seeds) for t in tasks) - sum(len(t.seeds) for t in todo)
    if on_start:
        on_start(n_total, done_games)
    state = {"done": done_games, "chunks": 0}

    def save(task: Task, result: Any) -> None:
        import pyarrow as pa

        rows, per_turn, *more = result if isinstance(result, tuple) else (result, None)
        table = pa.Table.from_pylist(rows, schema=schema)
        if more and logs_dir:  # a Dask worker's logs, written here: before the part that says they are done
            from engine.fileio import atomic_write_text

            for name, text in more[0]:
                try:
                    atomic_write_text(str(Path(logs_dir) / name), text)
                except OSError as e:
                    what = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
                    raise BatchAborted(f"cannot write {Path(logs_dir) / name}: {what}", 1, state["done"],
                                       n_total) from None
        # a Ctrl+C or SIGTERM that arrives while a part is written waits until the part is counted: otherwise
        # the part could be on disk but missing from the "N of M games saved" report
        with _HeldSignals():
            path = pdir / task.name
            try:
                if per_turn is not None:  # first: a game part on disk says its chunk is finished
                    path = pdir / task.turns_name
                    write_table_atomic(pa.Table.from_pylist(per_turn, schema=tschema), path)
                    path = pdir / task.name
                write_table_atomic(table, path)
            except OSError as e:
                what = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
                raise BatchAborted(f"cannot write {path}: {what}", 1, state["done"], n_total) from None
            state["done"] += len(rows)
            state["chunks"] += 1
        if on_progress:
            on_progress(len(rows))
        if stop_after_chunks is not None and state["chunks"] >= stop_after_chunks:
            raise KeyboardInterrupt

    try:
        if client is not None:
            # each task checks its worker's engine: a remote cluster's workers may be long-lived, and a local
            # cluster's import the engine from disk at their first task (again when restarted)
            _run_dask(todo, save, client[0], expect=ident or engine_identity(), on_message=on_message,
                      on_worker_change=on_worker_change)
        elif workers <= 1:
            for t in todo:
                save(t, run_task(t))
        else:
            _run_pool(todo, save, workers)
    except KeyboardInterrupt:
        raise BatchAborted("interrupted", 130, state["done"], n_total) from None
    except BatchAborted as e:
        e.done, e.total = state["done"], n_total
        raise
    tpath = None
    try:  # (a Ctrl+C here, every game played: the parts are on disk, and --resume combines them)
        if turns:  # first: finished results in `out` come with their per-turn file
            tpath = turns_path(out)
            combine_parts(pdir, [t.turns_name for t in tasks], tpath, tschema)
            _readable(tpath)
        combine_parts(pdir, [t.name for t in tasks], out, schema)
        _readable(out)
        if csv:
            try:
                write_csv(out, Path(csv))
            except OSError as e:
                what = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
                raise BatchAborted(f"cannot write {csv}: {what} ({out} is complete)", 1, -1, -1) from None
            _readable(Path(csv))
        _remove_parts(pdir, [t.name for t in tasks] + ([t.turns_name for t in tasks] if turns else []))
    except KeyboardInterrupt:
        raise BatchAborted("interrupted", 130, state["done"], n_total) from None
    return BatchResult(out, n_total, cells, time.perf_counter() - t0, resumed_games=done_games, turns_out=tpath)


def _run_pool(todo: list[Task], save: Callable[[Task, list], None], workers: int) -> None:
    import concurrent.futures as cf

    workers = max(1, min(workers, len(todo)))  # (Linux forks them all at once: no idle ones for a small batch)
    ex = cf.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
    pending: dict[cf.Future, Task] = {}
    it = iter(todo)
    clean = False
    try:
        def fill() -> None:
            for t in it:
                # Workers are forked inside submit(): with SIGINT/SIGTERM blocked until their initializer has
                # set their own handlers, a worker caught mid-start cannot run the parent's handlers (and print
                # a traceback); the parent gets a pending signal as soon as it unblocks.
                old = _block_signals()
                try:
                    pending[ex.submit(run_task, t)] = t
                finally:
                    _restore_signals(old)
                if len(pending) >= workers * 2:
                    break

        fill()
        try:
            _pool_loop(pending, fill, save)
        except KeyboardInterrupt:
            # Ctrl+C: keep the chunks that finished but were not saved yet, then stop
            for f in [f for f in pending if f.done() and not f.cancelled() and f.exception() is None]:
                save(pending.pop(f), f.result())
            raise
        clean = True
    finally:
        if clean:
            ex.shutdown(wait=True)
        else:
            procs = list((getattr(ex, "_processes", None) or {}).values())
            for p in procs:  # our own worker processes: stop them now rather than after their chunk
                try:
                    p.terminate()
                except Exception:
                    pass
            try:  # join the pool's manager thread so nothing is left for interpreter exit
                ex.shutdown(wait=True, cancel_futures=True)
            except Exception:
                pass


def _pool_loop(pending: dict, fill: Callable[[], None], save: Callable[[Task, list], None]) -> None:
    import concurrent.futures as cf
    from concurrent.futures.process import BrokenProcessPool

    while pending:
        finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        broken = False
        for f in sorted(finished, key=lambda f: pending[f].name):
            if f.exception() is not None:
                if isinstance(f.exception(), BrokenProcessPool):
                    broken = True
                    continue
                e = f.exception()
                msg = str(e).splitlines()[0] if str(e) else ""
                raise BatchAborted(f"chunk {pending[f].name} failed: {type(e).__name__}: {msg}", 1, 0, 0)
            save(pending.pop(f), f.result())
        if not broken:
            try:
                fill()  # submitting to a pool that broke meanwhile raises BrokenProcessPool too
            except BrokenProcessPool:
                broken = True
        if broken:
            # keep every chunk that did finish before the pool broke, then report
            for f in [f for f in pending if f.done() and not f.cancelled() and f.exception() is None]:
                save(pending.pop(f), f.result())
            raise BatchAborted("a worker process died (killed or out of memory)", 1, 0, 0)


def _connect_dask(scheduler: str, workers: int) -> tuple[Any, Any, _QuietDask]:
    """(client, LocalCluster or None, the logging to restore): `_close_dask` closes them and restores it."""
    from distributed import Client, LocalCluster

    # (after the import: importing distributed sets its loggers' levels from its config, WARNING for the client's
    # "Couldn't gather 1 keys, rescheduling" when a worker dies, which would print under the progress bar)
    quiet = _QuietDask()
    try:
        if scheduler == "local":
            import logging

            # (silence_logs: the workers' own loggers, in their processes; at its default each refused or failed
            # chunk printed distributed's "Compute Failed ... Traceback" block before the batch's one-line error)
            # (its HTTP server on a free port of this machine only: with None it still took 8787, and when another
            # cluster had it distributed printed a UserWarning with its own file path under the batch; ":0" alone
            # would listen on every interface)
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
            try:
                return Client(cluster), cluster, quiet
            except BaseException:
                cluster.close(timeout=10)
                raise
        _probe_scheduler(scheduler)
        return _connect_remote(scheduler, Client), None, quiet
    except BaseException:
        quiet.restore()
        raise


def _probe_scheduler(scheduler: str) -> None:
    """Refuse at once an address whose host does not resolve or whose port refuses the connection (both waited out
    distributed's whole connect timeout, 12 s, and read "nothing answered"); anything else (a firewall that drops,
    a slow network) is left to the client's own timeout."""
    import socket
    from urllib.parse import urlsplit

    try:  # ("host:8786" without a scheme is tcp to distributed too)
        parts = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        return
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise BatchError(f"cannot connect to Dask scheduler {scheduler}: the host {host!r} is not known "
                         f"({e.strerror or e}); check the address `dask scheduler` printed") from None
    except OSError:
        return
    try:
        with socket.create_connection((host, port), timeout=min(3.0, DASK_CONNECT_S)):
            pass
    except ConnectionRefusedError:
        raise BatchError(f"cannot connect to Dask scheduler {scheduler}: connection refused (nothing listens on port "
                         f"{port} of {host}: is `dask scheduler` running there, on that port?)") from None
    except OSError:
        return


def _connect_remote(scheduler: str, client_class: Any) -> Any:
    try:  # (distributed bounds the connection by `timeout`, not the handshake that follows: hence `_within`)
        # (a Client that connects after all, too late, is closed: else it would stay this process's default client)
        client = _within(DASK_CONNECT_S * 1.5 + 1, lambda: client_class(scheduler, timeout=f"{DASK_CONNECT_S:g}s"),
                         on_late=lambda c: c.close(timeout=5))
    except _Late:
        raise BatchError(f"{scheduler} accepted the connection but did not answer as a Dask scheduler within "
                         f"{DASK_CONNECT_S * 1.5 + 1:g} s: not a Dask scheduler (another service on that port?)") \
            from None
    except ValueError as e:  # unknown scheme, no port, ...
        raise BatchError(f"--scheduler {scheduler}: not a scheduler address ({_first_line(e)}); give "
                         "tcp://HOST:PORT as `dask scheduler` prints it (e.g. tcp://192.168.1.5:8786), or 'local'") \
            from None
    except (OSError, TimeoutError) as e:
        if "Timed out trying to connect" in str(e):
            raise BatchError(f"cannot connect to Dask scheduler {scheduler}: nothing answered within "
                             f"{DASK_CONNECT_S:g} s (is `dask scheduler` running there, and the port open to this "
                             "machine?)") from None
        raise BatchError(f"{scheduler} answered, but not as a Dask scheduler ({_first_line(e)}): another service "
                         "on that port, or another version of distributed?") from None
    except Exception as e:  # a reply that does not decode (MemoryError on a huge bogus length, ...)
        raise BatchError(f"{scheduler} answered, but not as a Dask scheduler ({_first_line(e)}): another service "
                         "on that port, or another version of distributed?") from None
    return client


class _QuietDask:
    """distributed's loggers at CRITICAL and asyncio's `_NoAllExit` filter while a batch uses Dask; `restore()`
    puts back the levels and filters there were before (the rest of the process keeps its logging)."""

    def __init__(self) -> None:
        import logging

        names = ["distributed", *sorted(n for n in list(logging.root.manager.loggerDict)
                                        if n.startswith("distributed."))]
        self.levels = {name: logging.getLogger(name).level for name in names}
        for name in names:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.filter: _NoAllExit | None = None
        if not any(isinstance(f, _NoAllExit) for f in logging.getLogger("asyncio").filters):
            self.filter = _NoAllExit()
            logging.getLogger("asyncio").addFilter(self.filter)

    def restore(self) -> None:
        import logging

        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)
        self.levels = {}
        if self.filter is not None:
            logging.getLogger("asyncio").removeFilter(self.filter)
            self.filter = None


class _NoAllExit:
    """Drops asyncio's "Task exception was never retrieved ... AllExit": a gather of a chunk whose worker died,
    given up by the batch (`_run_dask`), ends with this when the client closes; a traceback for nothing."""

    def filter(self, record: Any) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (exc is not None and type(exc).__name__ == "AllExit")


DASK_CONNECT_S = 10.0
"""How long `--scheduler tcp://...` tries to connect; a peer that accepts but never answers as a scheduler is
given up on after 1.5 times this (+1 s)."""


def _first_line(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0]}" if str(e).strip() else type(e).__name__


class _Late(Exception):
    """`_within` gave up waiting."""


def _within(seconds: float, fn: Callable[[], Any], on_late: Callable[[Any], None] | None = None) -> Any:
    """`fn()`, or `_Late` after `seconds` (it goes on in a daemon thread, abandoned): for calls into distributed
    that can wait for ever on a peer that does not answer. A value `fn` returns after that goes to `on_late` (to
    close what nobody will use)."""
    box: dict[str, Any] = {}
    lock = threading.Lock()

    def go() -> None:
        try:
            value = fn()
        except BaseException as e:  # (re-raised in the caller's thread)
            with lock:
                box["error"] = e
            return
        with lock:
            box["value"] = value
            late = box.get("late", False)
        if late and on_late is not None:
            try:
                on_late(value)
            except Exception:
                pass

    th = threading.Thread(target=go, name="wargame-dask", daemon=True)
    th.start()
    th.join(seconds)
    with lock:  # (a value set just now is taken, not left to on_late)
        if "value" not in box and "error" not in box:
            box["late"] = True
            raise _Late
    if "error" in box:
        raise box["error"]
    return box["value"]


def _check_dask_workers(client: Any, scheduler: str, on_message: Callable[[str], None] | None,
                        expect: Sequence[Any] | None = None,
                        on_workers: Callable[[dict[str, str], int], None] | None = None) -> int:
    """Before any game: every worker of the scheduler must import this wargame's engine, same version and code,
    numpy and Python (`expect`, the batch's `engine_identity()`), else a BatchError names them (the tasks check
    again: `Task.expect`). Says what the batch runs on; returns the workers' thread count (0: none yet, the batch
    waits for one: `_run_dask`)."""
    mine = tuple(expect) if expect is not None else engine_identity()
    try:
        info = _within(DASK_CONNECT_S * 3, lambda: client.run(worker_identity, on_error="return"))
    except _Late:
        raise BatchError(f"the workers of Dask scheduler {scheduler} did not answer within {DASK_CONNECT_S * 3:g} s"
                         ) from None
    except Exception as e:
        raise BatchError(f"cannot ask the workers of Dask scheduler {scheduler} what they run: {_first_line(e)}") \
            from None
    try:
        threads = {a: int(n) for a, n in client.nthreads().items()}
    except Exception:
        threads = {}
    bad = []
    for addr in sorted(info):
        got = info[addr]
        if isinstance(got, BaseException):
            why = str(got) if type(got) is Exception and str(got) else _first_line(got)  # (a remote one, wrapped)
            bad.append(f"{addr} cannot import this wargame's batch runner ({why})")
        elif not isinstance(got, dict):
            bad.append(f"{addr} answered {got!r}")
        elif why := _identity_mismatch(got, mine):
            bad.append(f"{addr} on {got.get('host')} runs {why}")
    if bad:
        raise WorkersMismatch(f"{len(bad)} of {len(info)} Dask workers cannot play this batch: {'; '.join(bad[:4])}"
                         f"{f'; and {len(bad) - 4} more' if len(bad) > 4 else ''}. Every worker needs this wargame "
                         f"({_client_setup(mine)}) installed, the same code as here: install it, restart the workers "
                         "(`dask worker` loads the engine once) and run the batch again")
    n = sum(threads.get(a, 1) for a in info)
    if on_workers is not None:
        on_workers({str(a): str(info[a].get("host")) for a in sorted(info) if isinstance(info[a], dict)}, n)
    if on_message:
        if not info:
            on_message(f"Dask scheduler {scheduler} has no worker yet: waiting up to {DASK_NO_WORKERS_S:g} s for "
                       f"one (start them with `dask worker {scheduler} --nthreads 1`)")
        else:
            on_message(f"on Dask scheduler {scheduler}: {len(info)} worker{'s' if len(info) != 1 else ''}, {n} "
                       f"thread{'s' if n != 1 else ''}, engine {mine[0]}")
        multi = sorted(a for a in info if threads.get(a, 1) > 1)
        if multi:
            on_message(f"note: {len(multi)} worker(s) run several threads ({multi[0]}: {threads[multi[0]]}): games "
                       "hold Python's GIL, so the threads of one worker share one core; start workers with "
                       "`dask worker ... --nthreads 1 --nworkers N` (one process per core)")
    return n


def _close_dask(client: Any, cluster: Any, quiet: _QuietDask | None = None) -> None:
    """Close what `_connect_dask` opened, then give the process back its logging (`_QuietDask`)."""
    try:
        client.close(timeout=5)
    except Exception:
        pass
    if cluster is not None:
        try:
            cluster.close(timeout=10)
        except Exception:
            pass
    if quiet is not None:
        import gc

        gc.collect()  # (a gather given up ends with AllExit when its task is collected: while still filtered)
        quiet.restore()


DASK_POLL_S = 1.0
"""How often (seconds) a Dask batch waiting for its chunks checks that the scheduler still has workers."""
DASK_NO_WORKERS_S = 30.0
"""A Dask batch whose scheduler has had no worker for this long while chunks are pending stops (`_run_dask`):
with every worker dead the chunks would wait for ever, the progress bar frozen. Long enough for a worker that
restarts (a nanny's) or joins late."""


def _dask_workers(client: Any) -> int | None:
    """How many workers the scheduler has now (asked, not cached); None if it cannot be asked."""
    got = _dask_worker_addresses(client)
    return None if got is None else len(got)


def _dask_worker_addresses(client: Any) -> list[str] | None:
    """The scheduler's workers now, by address (asked, not cached); None if it cannot be asked."""
    try:
        return sorted(client.nthreads())
    except Exception:
        return None


def worker_change_notes(before: Sequence[str], now: Sequence[str]) -> list[str]:
    """What a batch says when Dask workers leave or join while it plays (an analyst on a cluster: a killed worker's
    games were played again, correctly, without a word, and the rate fell for no reason given).

    >>> worker_change_notes(["tcp://a:1", "tcp://b:2"], ["tcp://b:2", "tcp://c:3"])  # doctest: +NORMALIZE_WHITESPACE
    ['Dask worker tcp://a:1 left: any games it was playing, or had played but not yet sent, are played again on
      the others (2 workers now)', 'Dask worker tcp://c:3 joined (2 workers now)']
    >>> worker_change_notes(["tcp://a:1"], [])  # doctest: +NORMALIZE_WHITESPACE
    ['Dask worker tcp://a:1 left: any games it was playing, or had played but not yet sent, wait for a worker (0
      workers now)']
    """
    n = f"({len(now)} worker{'' if len(now) == 1 else 's'} now)"
    gone = [a for a in before if a not in now]
    new = [a for a in now if a not in before]
    then = "are played again on the others" if now else "wait for a worker"
    return ([f"Dask worker {a} left: any games it was playing, or had played but not yet sent, {then} {n}"
             for a in gone] + [f"Dask worker {a} joined {n}" for a in new])


DASK_CHANGES_POLL_S = 5.0
"""How often (seconds) a Dask batch reads the scheduler's record of workers joining and leaving (`WorkerChanges`):
nothing between two reads is missed, so it need not be often."""
DASK_BRIEF_S = 10.0
"""A worker that leaves this soon after it joined gets `WorkerChanges`' hint that it may lack this wargame."""

BRIEF_WORKER_HINT = ("It left {when} after it joined: a worker that closes at its first task is usually one "
                     "without this wargame installed, which cannot read the task (its own log then ends \"No module "
                     "named 'engine'\"); install this wargame there and restart it, or stop it")


class WorkerChanges:
    """The Dask workers that joined or left while a batch played, from the scheduler's own record of them (its
    "all" events), so a worker that joins and leaves between two polls is said too: a worker without this wargame
    that joined mid-batch died at its first task, unseen, and the batch said nothing (a cluster analyst). Falls back
    to comparing the worker lists when the scheduler's events cannot be read."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers, self.since = self._start()
        self.joined_at: dict[str, float] = {}
        self.hinted = False

    def _start(self) -> tuple[list[str] | None, float | None]:
        """The workers now and the time of the scheduler's last event, read at once (asked apart, a worker joining
        between the two was in neither: never said, and every count after it one short: a review). Without the
        events: the worker list alone (None: it cannot be asked, and there is nothing to compare with)."""
        try:
            workers, since = self.client.run_on_scheduler(lambda dask_scheduler: (
                sorted(dask_scheduler.workers), max((t for t, _ in dask_scheduler.get_events("all")), default=0.0)))
            return [str(a) for a in workers], float(since)
        except Exception:
            return _dask_worker_addresses(self.client), None

    def _events(self) -> list[tuple[float, str, str]] | None:
        """The scheduler's worker joins and departures since the last call, oldest first (by value: the scheduler
        needs no engine)."""
        if self.since is None:
            return None
        since = self.since
        try:
            got = self.client.run_on_scheduler(lambda dask_scheduler: [
                (float(t), str(m.get("action")), str(m.get("worker"))) for t, m in dask_scheduler.get_events("all")
                if t > since and isinstance(m, dict) and m.get("action") in ("add-worker", "remove-worker")])
        except Exception:
            return None
        if got:
            self.since = max(t for t, _, _ in got)
        return sorted(got)

    def notes(self) -> list[str]:
        """What to say of the workers that joined or left since the last call."""
        events = self._events() if self.workers is not None else None
        if events is None:  # (the lists compared: a worker in neither is not seen)
            got = _dask_worker_addresses(self.client)
            if got is None or got == self.workers:
                return []
            lines = worker_change_notes(self.workers, got) if self.workers is not None else []
            self.workers = got
            return lines
        lines = []
        for t, action, addr in events:
            before = list(self.workers or ())
            if action == "add-worker" and addr not in before:
                self.workers = sorted([*before, addr])
                self.joined_at[addr] = t
            elif action == "remove-worker" and addr in before:
                self.workers = [a for a in before if a != addr]
            else:
                continue
            line, = worker_change_notes(before, self.workers)
            t0 = self.joined_at.pop(addr, None) if action == "remove-worker" else None
            if t0 is not None and t - t0 <= DASK_BRIEF_S and not self.hinted:
                self.hinted = True  # (once: a nanny restarting such a worker brings it back under a new address)
                when = "less than a second" if t - t0 < 1 else f"{t - t0:.0f} s"
                line += ". " + BRIEF_WORKER_HINT.format(when=when)
            lines.append(line)
        return lines


def _run_dask(todo: list[Task], save: Callable[[Task, list], None], client: Any,
              expect: tuple[str, ...] | None = None, on_message: Callable[[str], None] | None = None,
              on_worker_change: Callable[[str], None] | None = None) -> None:
    """Run the tasks on Dask: their logs come back to be written here; with `expect` (`engine_identity()`),
    each task checks that its worker's engine is that one (`Task.expect`). `on_message` and `on_worker_change`
    hear of workers that leave, join or are shut out meanwhile (`WorkerChanges`, `_able_workers`)."""
    from distributed import wait

    def said(line: str) -> None:  # (a worker's change: to the user, and to the run's record)
        if on_message is not None:
            on_message(line)
        if on_worker_change is not None:
            on_worker_change(line)

    heard = on_message is not None or on_worker_change is not None
    changes = WorkerChanges(client) if heard else None
    futs, shared, again = _submit_shared(client, todo, expect)
    shut_out: dict[str, str] = {}  # workers that refused a task for running another engine: what they run
    had_worker = bool(changes.workers if changes is not None else _dask_worker_addresses(client))
    asked_at = time.monotonic()
    saved: set[Any] = set()

    def note_worker_changes(last: bool = False) -> None:  # (at most every DASK_CHANGES_POLL_S: each read of the
        nonlocal asked_at  # scheduler's events is itself one of its events, ~1.4 KB, in a log it trims at 1,000)
        now = time.monotonic()
        if changes is None or (now - asked_at < DASK_CHANGES_POLL_S and not last):
            return
        asked_at = now
        for line in changes.notes():
            said(line)

    def keep_finished(but: Any = None) -> None:  # the chunks other workers did finish, before a report
        for g, tg in futs.items():
            if g not in saved and g is not but and g.status == "finished":
                try:
                    rows_g = g.result(timeout=5)
                except Exception:
                    continue
                save(tg, rows_g)
                saved.add(g)

    pending = set(futs)
    alone_since: float | None = None  # when the scheduler was first seen without a worker
    try:
        while pending:
            try:
                done, _ = wait(list(pending), timeout=DASK_POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except Exception as e:  # the scheduler lost: distributed cancels every future (FuturesCancelledError)
                keep_finished()
                raise BatchAborted(f"the Dask scheduler was lost ({type(e).__name__}: its connection closed, every "
                                   "unfinished game cancelled); `dask worker`s stop with their scheduler: start the "
                                   "scheduler and its workers again before you resume", 1, 0, 0) from None
            note_worker_changes()
            progressed = False
            for f in sorted(done, key=lambda f: futs[f].name):
                t = futs[f]
                if f.status == "lost":  # finished, but its rows died with their worker: played again, or not
                    continue
                try:
                    rows = f.result(timeout=max(5.0, DASK_POLL_S))
                except TimeoutError:  # (lost meanwhile: as above)
                    continue
                except BatchError as e:  # (a worker's own one-line refusal: another engine, an agent it lacks)
                    others = _able_workers(client, f, e, shut_out, expect, said if heard else None)
                    if not others:
                        keep_finished(but=f)
                        raise BatchAborted(f"{e}", 1, 0, 0) from None
                    # (its games go to the workers that can play them: one wrong worker joining a shared cluster
                    # stopped a whole study, with good workers left)
                    pending.discard(f)
                    del futs[f]
                    f.release()
                    nf = again(t, others)
                    futs[nf] = t
                    pending.add(nf)
                    continue
                except Exception as e:  # KilledWorker, lost worker, CommClosed ...
                    msg = str(e).splitlines()[0] if str(e) else ""
                    keep_finished(but=f)
                    try:  # (the departures that explain it, since the last poll: up to DASK_CHANGES_POLL_S)
                        note_worker_changes(last=True)
                    except Exception:
                        pass
                    if isinstance(e, TypeError):  # (an older engine's run_task takes no document: a worker of
                        _refuse_mismatched_workers(client, expect)  # another engine joined late, say so)
                    raise BatchAborted(f"Dask task {t.name} failed: {type(e).__name__}: {msg}", 1, 0, 0) from None
                pending.discard(f)
                save(t, rows)
                saved.add(f)
                f.release()
                progressed = True
            if progressed or not pending:
                alone_since = None
                continue
            if done:  # only lost chunks: wait for them as for the others
                time.sleep(DASK_POLL_S)
            if not _dask_workers(client):  # (None: the scheduler cannot be asked, which is no better)
                now = time.monotonic()
                alone_since = now if alone_since is None else alone_since
                if now - alone_since >= DASK_NO_WORKERS_S:
                    keep_finished()
                    left = len(pending) - len(saved & pending)
                    if had_worker:
                        raise BatchAborted(f"the Dask scheduler has had no worker for {DASK_NO_WORKERS_S:g} s (all "
                                           f"killed or gone) with {left} chunks left to play; start workers with "
                                           f"`dask worker {client.scheduler.address} --nthreads 1`", 1, 0, 0)
                    raise BatchAborted(f"the Dask scheduler has no worker: none joined in {DASK_NO_WORKERS_S:g} s, "
                                       f"{left} chunks left to play; start workers with `dask worker "
                                       f"{client.scheduler.address} --nthreads 1`", 1, 0, 0)
            else:
                alone_since = None
                had_worker = True
        note_worker_changes(last=True)  # (the changes since the last poll, before the batch says it is done)
    finally:
        try:
            client.cancel([f for f in futs if not f.done()] + shared)
        except Exception:
            pass


def _able_workers(client: Any, f: Any, e: BaseException, shut_out: dict[str, str], expect: tuple[str, ...] | None,
                  on_message: Callable[[str], None] | None) -> list[str]:
    """After task future `f` failed with a worker's refusal `e`: the workers that can play the batch's games
    (each checked as before the games, `worker_identity`), the one that refused left out (`shut_out`, with why:
    said once). Empty when the refusal is not the worker's own (only another engine is: an agent missing on every
    worker is not), the refusing worker cannot be named, or no other worker can play them: the batch stops."""
    why = _mismatch_words(str(e))
    if why is None:
        return []
    try:
        key = f.key
        bad = client.run_on_scheduler(lambda dask_scheduler: sorted(  # (by value: the scheduler needs no engine)
            getattr(dask_scheduler.tasks.get(key), "erred_on", None) or ()))
    except Exception:
        return []
    if not bad or expect is None:
        return []
    new = [a for a in bad if a not in shut_out]
    for addr in new:
        shut_out[addr] = why
    now = [a for a in _dask_worker_addresses(client) or () if a not in shut_out]
    try:
        info = _within(DASK_CONNECT_S * 3, lambda: client.run(worker_identity, workers=now, on_error="return")) \
            if now else {}
    except Exception:  # (`_Late` too: workers that do not answer cannot be counted on)
        return []
    able = sorted(a for a, got in info.items() if isinstance(got, dict) and _identity_mismatch(got, expect) is None)
    for a in sorted(set(info) - set(able)):  # (found wrong too: left out as well)
        shut_out.setdefault(a, "it runs another engine, or none")
    if able and on_message is not None:
        for addr in new:  # (said once: its other refusals follow it to the same end)
            on_message(f"Dask worker {addr} cannot play this batch: it runs {shut_out[addr]}; its games go to the "
                       f"other {len(able)} worker{'s' if len(able) != 1 else ''} (stop it, or install this wargame "
                       "there and restart it)")
    return able


def _mismatch_words(message: str) -> str | None:
    """What a worker's refusal of a task says it runs ("engine 0.0.1, not 0.30.0"), when the refusal is its engine's
    (`_check_worker_engine`'s words), else None."""
    m = re.search(r"Dask worker on .+? \(pid \d+\) runs (.+?): install ", message)
    return m.group(1) if m else None


def _refuse_mismatched_workers(client: Any, expect: tuple[str, ...] | None) -> None:
    """After a task failed: if a worker now runs another engine (one that joined after the check before the games;
    an older engine's `run_task` fails on this one's tasks before its own check can refuse them), the batch stops
    with that worker named (`_check_dask_workers`), not with the task's error."""
    if expect is None:
        return
    try:
        _check_dask_workers(client, client.scheduler.address, None, expect)
    except WorkersMismatch as e:
        raise BatchAborted(f"{e}", 1, 0, 0) from None
    except Exception:  # (the workers cannot be asked: the task's own error is the report)
        pass


def _submit_shared(client: Any, todo: Sequence[Task], expect: tuple[str, ...] | None
                   ) -> tuple[dict[Any, Task], list, Callable[[Task, list[str]], Any]]:
    """Submit the chunks, each distinct scenario document once: a task per document (content-addressed: cells that
    differ only in options outside it share one), whose result the chunks take as `run_task`'s second argument, so
    a task ships ~1 KB instead of the ~40 KB document (Shusha's), and a worker fetches each document once. A
    submitted task, not `client.scatter`: scattered data dies with the worker holding it (distributed cannot
    recompute it, and the chunks depending on it would fail), while Dask recomputes a lost task's result and
    replays the chunks of a killed worker as before. The document's task is the builtin `dict` and the chunk's
    `run_task`, names an older engine's worker can unpickle: it fails inside the task and the batch says why
    (`_run_dask`), where a function of this engine's alone killed the worker at unpickling. Returns {chunk
    future: task (with its document)}, the document futures, and a function that submits a task again, to the given
    workers first (`_run_dask`: the ones that can play it, a worker that refused it left out)."""
    import dataclasses
    import itertools

    from engine.scenario import scenario_sha256

    stamp = f"{os.getpid()}-{time.time_ns()}"
    docs: dict[str, Any] = {}
    by_id: dict[int, str] = {}  # (the tasks of a cell share its document object: hashed once)
    sha_of: dict[str, str] = {}  # task name -> its document's sha
    futs = {}
    for t in todo:
        sha = by_id.get(id(t.doc))
        if sha is None:
            sha = by_id[id(t.doc)] = scenario_sha256(t.doc)
        if sha not in docs:
            docs[sha] = client.submit(dict, t.doc, pure=False, key=f"wargame-scenario-{sha[:16]}-{stamp}")
        sha_of[t.name] = sha
        slim = dataclasses.replace(t, doc=None, return_logs=bool(t.logs_dir), expect=expect)
        futs[client.submit(run_task, slim, docs[sha], pure=False, key=f"wargame-{t.name}-{stamp}")] = t
    tries = itertools.count(1)

    def again(t: Task, workers: list[str]) -> Any:
        slim = dataclasses.replace(t, doc=None, return_logs=bool(t.logs_dir), expect=expect)
        # (the workers that can play it first, not alone: restricted to them, a chunk waited for ever once they had
        # all left, and a good worker joining later never took it; one refused again is sent on again)
        return client.submit(run_task, slim, docs[sha_of[t.name]], pure=False, workers=workers,
                             allow_other_workers=True, key=f"wargame-{t.name}-{stamp}-again{next(tries)}")

    return futs, list(docs.values()), again


def _remove_parts(pdir: Path, names: list[str]) -> None:
    """After a successful combine the parts are redundant: remove them (only files this batch wrote), and the
    temp files of part writes that a batch killed outright (SIGKILL) left (`_OWN_TEMP`; no other batch is
    writing in the folder: this one holds its lock, `BatchLock`)."""
    temps = [p.name for p in pdir.iterdir() if _OWN_TEMP.fullmatch(p.name)] if pdir.is_dir() else []
    for name in [*names, MANIFEST, *temps]:
        try:
            (pdir / name).unlink()
        except FileNotFoundError:
            pass
    try:
        pdir.rmdir()
    except OSError:
        pass


def _readable(path: Path) -> None:
    """Temp files are created 0600; give results the usual permissions (umask applies)."""
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass


COMBINED_ROW_GROUP = 10_000
"""Rows per row group of a combined file: fixed, so that its bytes do not depend on the chunk size (--workers)."""


def combine_parts(pdir: Path, names: list[str], out: Path, schema: Any) -> None:
    """Stream the part files, in (cell, game) order, into one Parquet file (atomic), in row groups of
    `COMBINED_ROW_GROUP` rows whatever the parts' sizes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from engine.fileio import atomic_write_with

    def writer(fh: Any) -> None:
        with pq.ParquetWriter(fh, schema, compression="zstd") as w:
            held: list[Any] = []
            rows = 0
            for name in sorted(names):
                pf = pq.ParquetFile(pdir / name)
                for i in range(pf.num_row_groups):
                    held.append(pf.read_row_group(i).replace_schema_metadata(schema.metadata))
                    rows += held[-1].num_rows
                    while rows >= COMBINED_ROW_GROUP:
                        table = pa.concat_tables(held)
                        w.write_table(table.slice(0, COMBINED_ROW_GROUP).combine_chunks(),
                                      row_group_size=COMBINED_ROW_GROUP)
                        held = [table.slice(COMBINED_ROW_GROUP)]
                        rows = held[0].num_rows
            if rows:
                w.write_table(pa.concat_tables(held).combine_chunks(), row_group_size=COMBINED_ROW_GROUP)

    try:
        atomic_write_with(out, writer)
    except OSError as e:
        what = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
        raise BatchAborted(f"cannot write {out}: {what} (all games are saved in {pdir})", 1,
                           -1, -1) from None


def write_csv(parquet_path: Path, csv_path: Path) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from engine.fileio import atomic_write_with

    pf = pq.ParquetFile(parquet_path)

    def writer(fh: Any) -> None:
        with pcsv.CSVWriter(fh, pf.schema_arrow.remove_metadata()) as w:
            for i in range(pf.num_row_groups):
                w.write_table(pf.read_row_group(i).replace_schema_metadata(None))

    atomic_write_with(csv_path, writer)


def read_batch_metadata(path: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    md = pq.read_schema(path).metadata or {}
    raw = md.get(b"wargame_batch")
    return json.loads(raw) if raw else {}


def iter_rows(path: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    for i in range(pf.num_row_groups):
        yield from pf.read_row_group(i, columns=columns).to_pylist()
