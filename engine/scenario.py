"""The scenario file: attrs model, strict cattrs structuring, and semantic checks.

Every problem is collected and reported with its JSON path (``$.units[3].hex``), so a user fixes a file
in one pass instead of one error at a time.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
import hashlib
import inspect
import json
import math
import re
import typing
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.gen import make_dict_structure_fn, mapping_structure_factory, override

from engine import hexgrid
from engine.ai import is_import_path
from engine.errors import ScenarioError
from engine.jsonhint import constant_position, json_error_hint, json_error_lines, utf8_error_place
from engine.terrain import (
    DEFAULT_HEXSIDES,
    DEFAULT_TERRAIN,
    MOBILITY_CLASSES,
    ROAD_COST,
    WEATHER_MOVE_FACTOR_RANGE,
    HexsideFeature,
    TerrainType,
    WeatherMoveFactor,
)
from engine.units import AIR_ROLES, DEFAULT_UNIT_TYPES, SIDES, SYMBOLS, UnitType

FORMAT_VERSION = 1
WEATHER_MODES = ("historical", "stochastic", "clear", "overcast", "fog")
FOG_LEVELS = ("none", "patchy", "thick")
PRECIPITATION = ("none", "rain", "snow")
PLACE_KINDS = ("town", "village", "peak", "area")
START_CONTROL_CODES = {"A": 0, "D": 1, ".": -1}
"""`map.start_control` characters: the side index (`engine.units.SIDES`) holding the hex at the start, or -1."""
MAX_MAP_SIDE = 400
"""Larger maps are refused: the per-scenario tables (costs, adjacency, line of sight) must fit a worker."""
LATER_CHECKS_NOTE = "(the checks of values, hexes and names run once the problems above are fixed)"
"""Printed after the problems of the first stage (types and keys), which stop the second from running."""
AGENT_PARAM_CHOICES: dict[str, dict[str, tuple[Any, ...]]] = {
    "doctrine": {"lead": ("sf", "mech"), "commit_reserve": ("road_cut", "objective_entered")}}
"""Allowed values of agent parameters, by agent and parameter (their types come from the agent's signature,
`agent_parameters`)."""
AGENT_PARAM_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "doctrine": {"assault_ratio": (0.01, 100), "counterattack_ratio": (0.01, 100), "endgame_turns": (0, 1000),
                 "endgame_floor": (0.01, 1), "follow_up": (0.01, 1)}}
"""Bounds of numeric agent parameters: `assault_ratio` is the force ratio the doctrine AI wants before it
assaults (0 or less would assault at any odds, and a string crashed the game); `counterattack_ratio` the same
for a counter-attack on the cut road (None: `assault_ratio`)."""

HexRef = tuple[int, int]


@attrs.frozen
class Measure:
    """A number a teaching scenario is about, read from the game's score record (`engine.state.Score`): the
    game-over window leads with it. Two lessons show their effect in losses, not in who wins, and the window had
    led with the winner."""

    label: str
    """What it is, in the lesson's words ("red's steps lost to ambush")."""
    score: str
    """A dotted path into the score record, as `wargame run --json` writes it: "losses_by_cause.attacker.ambush",
    "ambushes_sprung.defender", "end_turn"; a side's dict of types or causes is summed ("steps_lost.attacker")."""
    note: str = ""
    """What to set it beside (the variants' means in docs/lessons.md)."""


@attrs.frozen
class RecordMark:
    """A number of the score record as the record the scenario models has it: the game-over window and `wargame
    run` set this game's beside it (`engine.debrief.record_lines`). A player who lost asked how far off the
    record they were, and the record's turns were only in the words of `meta.history`."""

    score: str
    """A dotted path into the score record, as `Measure.score`: "road_cut_turn", "objective_taken_turn"."""
    value: int
    """The record's value (a turn, for a path ending in "_turn")."""
    up_to: int | None = None
    """The end of a span when the record gives one (the town cleared on 7 Nov, turn 21; its capture announced on
    8 Nov, turn 23): the game is "as in the record" anywhere from `value` to `up_to`."""
    label: str = ""
    """What it is, in the scenario's words (default: said from the path, e.g. "Shusha taken and held")."""
    note: str = ""
    """What the record says of it, briefly."""


@attrs.frozen
class Record:
    """What the record gives as numbers, for `meta.record` (an empty one: a scenario with no record to match)."""

    winner: str | None = None
    """The side that won in the record ("attacker" or "defender")."""
    marks: list[RecordMark] = attrs.Factory(list)
    note: str = ""
    """What a reader should know when setting a game beside the record (where the model departs from it), said
    after the marks."""


@attrs.frozen
class Meta:
    name: str
    description: str = ""
    start: str = "2020-10-28T06:00"
    turn_hours: int = 12
    sources: list[str] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    lesson: list[str] = attrs.Factory(list)
    """For teaching scenarios: what to try and what to look for (paragraphs), shown in the UI."""
    history: list[str] = attrs.Factory(list)
    """What happened in the record the scenario models, with dates and turns (lines): the game-over window sets
    the game beside it."""
    briefing: list[str] = attrs.Factory(list)
    """The situation, each side's task and what the scenario shows (paragraphs): the window a new game opens
    with in `wargame play` (key L), with the victory conditions below it (`rules.victory_conditions`)."""
    measures: list[Measure] = attrs.Factory(list)
    """For teaching scenarios: the numbers the lesson is about, first in the game-over window and `wargame run`'s
    summary (`engine.debrief.measure_lines`)."""
    record: Record = attrs.Factory(Record)
    """The record's outcome and turns as numbers, for the game-over window's "This game beside the record"."""


@attrs.frozen
class Road:
    name: str
    path: list[HexRef]
    kind: str = "main"


@attrs.frozen
class Hexside:
    feature: str
    hex: HexRef
    sides: list[str]


@attrs.frozen
class Place:
    name: str
    hex: HexRef
    kind: str = "area"


@attrs.frozen
class MapSpec:
    cols: int
    rows: int
    terrain: list[str]
    elevation_m: list[list[float]]
    hex_km: float = 1.0
    roads: list[Road] = attrs.Factory(list)
    hexsides: list[Hexside] = attrs.Factory(list)
    places: list[Place] = attrs.Factory(list)
    start_control: list[str] = attrs.Factory(list)
    """Who holds each hex when the game starts: `rows` strings of `cols` characters, A (attacker), D (defender)
    or . (no one); empty: only the hexes the starting units stand on (and the objectives). Public knowledge:
    both sides' briefings show the front line."""


@attrs.frozen
class WeatherEntry:
    turn: int
    ceiling_m: float
    visibility_km: float
    fog: str = "none"
    precipitation: str = "none"


@attrs.frozen
class WeatherSpec:
    mode: str = "historical"
    schedule: list[WeatherEntry] = attrs.Factory(list)
    cloud_base_m: float | None = None
    """The cloud base held at this height every turn, the rest of each turn's weather as `mode` gives it (visibility,
    fog, rain; the stochastic mode's draws as they were): a sweep of the cloud alone (an analyst: the `overcast` preset
    changes visibility and rain too, and the schedule's ceilings could only be set one turn at a time). None: the
    mode's own."""


@attrs.frozen
class Area:
    """An inclusive rectangle of offset hexes, e.g. a sector held by forces outside the scenario."""

    name: str
    start: HexRef
    end: HexRef

    def contains(self, h: HexRef) -> bool:
        c0, c1 = sorted((self.start[0], self.end[0]))
        r0, r1 = sorted((self.start[1], self.end[1]))
        return c0 <= h[0] <= c1 and r0 <= h[1] <= r1

    def hexes(self) -> list[HexRef]:
        """The hexes of the area (only for areas checked to lie on the map: never materialise a huge one)."""
        c0, c1 = sorted((self.start[0], self.end[0]))
        r0, r1 = sorted((self.start[1], self.end[1]))
        return [(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


@attrs.frozen
class SideSpec:
    name: str
    agent: str = "doctrine"
    supply_sources: list[HexRef] = attrs.Factory(list)
    supply_range: float = 14.0
    agent_params: dict[str, Any] = attrs.Factory(dict)
    no_go: list[Area] = attrs.Factory(list)
    """Areas this side's ground units may not enter (fronts held outside the scenario)."""


@attrs.frozen
class UnitSpec:
    id: str
    side: str
    type: str
    hex: HexRef
    strength: int | None = None
    hidden: bool = False
    offmap: bool = False
    arrives_turn: int = 1
    name: str = ""
    present: bool = True
    """False leaves the unit out of the game: a switch for counterfactuals (e.g. no recon drone)."""
    ai_hold: bool = False
    """An order to the computer player (the doctrine AI): keep this unit on its hex, as an outpost or a
    garrison told to stand. It still fires (artillery, drones), fights back and is fought over; it never moves
    or assaults (an assault that wins advances). A human player is free to move it."""


@attrs.frozen
class Objective:
    name: str
    hexes: list[HexRef]
    controller: str = "defender"


@attrs.frozen
class RoadWatch:
    name: str
    start: HexRef
    end: HexRef


@attrs.frozen
class Victory:
    objective: str
    sudden_death: bool = True
    contest_radius: int = 2
    road_watch: RoadWatch | None = None


@attrs.frozen
class CombatRules:
    """The numbers of fire resolution (`engine.combat`), a scenario's optional ``"combat"`` section: rules are
    data, so a scenario or a ``--set combat.KEY=VALUE`` sweep can change them. The defaults are the rules
    every scenario without the section plays by.

    Modifiers are signed, as added to the fire they apply to; a 0 leaves that modifier out of the events."""

    hit_base: float = 0.10
    """Per-shot hit chance at a net fire value of 0."""
    hit_per_point: float = 0.10
    """Hit chance added per point of net fire value."""
    hit_min: float = 0.02
    """Floor of the per-shot hit chance, however bad the odds."""
    hit_max: float = 0.90
    """Ceiling of the per-shot hit chance, however good the odds."""
    high_ground_m: float = 100.0
    """Rise in metres between two adjacent hexes (with no cliff between them) from which the higher one counts
    as high ground."""
    uphill_modifier: int = -1
    """Fire across a hexside at a hex at least `high_ground_m` higher ("attacking uphill", "firing uphill")."""
    downhill_modifier: int = 1
    """Fire across a hexside at a hex at least `high_ground_m` lower ("higher ground")."""
    cliff_up_modifier: int = -2
    """Fire up across a cliff edge ("assaulting up a cliff", "firing up a cliff")."""
    cliff_down_modifier: int = 2
    """Fire down across a cliff edge from its top ("cliff: firing down")."""
    river_crossing_modifier: int = -1
    """An assault across a river hexside with no road over it ("across a river")."""
    out_of_supply_modifier: int = -1
    """Fire of a ground unit out of supply: assault, return fire, ambush, artillery ("out of supply")."""
    broken_modifier: int = -2
    """Fire of a broken unit (cohesion 0): assault, return fire, ambush, artillery ("broken")."""
    shaken_modifier: int = -1
    """Fire of a shaken unit (cohesion 1): assault, return fire, ambush, artillery ("shaken")."""
    night_untrained_modifier: int = -1
    """Close fire at night (assault, return fire, ambush) by a unit not trained for it ("night: not trained for
    night fighting")."""
    night_trained_modifier: int = 1
    """Close fire at night by a night-trained unit at an untrained one ("night-capable vs not (model assumption)")."""
    artillery_steps_per_shot: int = 2
    """Strength steps of a battery per shot of an artillery mission, rounded up (2: a 3-step battery fires 2
    shots): a battery's fire over a turn against a dispersed target."""
    strike_max_shots: int = 2
    """Shots of an armed-drone strike: one per step, at most this many."""
    expendable_strike_shots: int = 1
    """Shots of a strike by an expendable drone (loitering munition), whatever its strength."""
    recon_adjust_modifier: int = 1
    """Artillery fire whose spotter is a recon drone over the target ("fire adjusted by recon drone")."""
    ad_broken_kill_factor: float = 0.5
    """Factor on an air-defence unit's chance to shoot a drone down while the unit is broken (cohesion 0)."""
    suspected_fire: bool = False
    """Artillery may fire at a hex with no known enemy but a fresh last-seen mark of one (`rules._check_fire`):
    fire on a suspected position. Off by default: scenarios without it play as before. (The doctrine AI uses it only
    with its `fire_on_suspected` parameter; the random AI, which picks among `legal_orders`, does in a game that
    tracks sightings.)"""
    suspected_fire_modifier: int = -2
    """Fire on a suspected position ("fire on a suspected position"): the target's exact place in the hex is
    not known, and it may have gone."""
    suspected_fire_max_age_turns: int = 1
    """How old a last-seen mark may be for fire on it: 0 marks from this turn only, 1 this or the last turn."""


DEFAULT_COMBAT = CombatRules()


@attrs.frozen
class Scenario:
    format: int
    meta: Meta
    turns: int
    map: MapSpec
    weather: WeatherSpec
    sides: dict[str, SideSpec]
    units: list[UnitSpec]
    objectives: list[Objective]
    victory: Victory
    terrain_types: dict[str, dict[str, Any]] = attrs.Factory(dict)
    unit_types: dict[str, dict[str, Any]] = attrs.Factory(dict)
    hexside_types: dict[str, dict[str, Any]] = attrs.Factory(dict)
    """Overrides of the hexside features' move costs (`engine.terrain.DEFAULT_HEXSIDES`), by feature name."""
    weather_movement: dict[str, dict[str, Any]] = attrs.Factory(dict)
    """Move-cost factors by precipitation and mobility class (`engine.terrain.WeatherMoveFactor`); none: dry costs."""
    stack_limit: int = 3
    combat: CombatRules = attrs.Factory(CombatRules)
    """Numbers of fire resolution (hit chances, modifiers, shots per mission)."""
    # Derived, filled by load: resolved tables, the raw document and its hash.
    terrain_table: dict[str, TerrainType] = attrs.field(factory=dict, eq=False, repr=False)
    unit_table: dict[str, UnitType] = attrs.field(factory=dict, eq=False, repr=False)
    hexside_table: dict[str, HexsideFeature] = attrs.field(factory=dict, eq=False, repr=False)
    weather_move_table: dict[str, dict[str, WeatherMoveFactor]] = attrs.field(factory=dict, eq=False, repr=False)
    """`weather_movement` resolved: only the (precipitation, class) pairs whose factors are not all 1."""
    raw: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    sha256: str = attrs.field(default="", eq=False)

    def side_index(self, name: str) -> int:
        return SIDES.index(name)

    def start_datetime(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.meta.start)

    def turn_start(self, turn: int) -> dt.datetime:
        return self.start_datetime() + dt.timedelta(hours=self.meta.turn_hours * (turn - 1))

    def is_night(self, turn: int) -> bool:
        """Night turns start at or after 18:00 or before 06:00 local time."""
        return _is_night(self.meta.start, self.meta.turn_hours, turn)


@functools.lru_cache(maxsize=4096)
def _is_night(start: str, turn_hours: int, turn: int) -> bool:
    """Memoised: every game asks once per turn, and parsing the start date costs some 3 µs."""
    hour = (dt.datetime.fromisoformat(start) + dt.timedelta(hours=turn_hours * (turn - 1))).hour
    return hour >= 18 or hour < 6


# ---------------------------------------------------------------------------------------------- converter
def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected an integer, got {_describe(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"expected an integer, got {value!r}")
        value = int(value)
    return value


def _strict_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_describe(value)}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_describe(value)}")
    return value


def _hex_ref(value: Any, _: type) -> HexRef:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(f"expected a hex [col, row] of two integers, got {_describe(value)}")
    return (int(value[0]), int(value[1]))


def _strict_list(value: Any, _: type) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {_describe(value)}")
    return value


def _describe(value: Any) -> str:
    text = json.dumps(value, allow_nan=True, default=str) if not isinstance(value, bytes) else repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _of_kind(check: type, noun: str, fn: Any, target: Any) -> Any:
    """`fn` (a cattrs structure hook for `target`), which first checks that the value is a `check` (dict:
    "an object", list: "a list"): cattrs itself would iterate a string or fail with "argument of type 'int'
    is not iterable"."""

    def structure(value: Any, _: Any = None) -> Any:
        if not isinstance(value, check):
            raise ValueError(f"expected {noun}, got {_describe(value)}")
        return fn(value, target)

    return structure


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook_func(lambda t: t == HexRef, _hex_ref)

    # Every object (an attrs class or a dict[str, X]) and every list of the file is checked to be one first,
    # so that `"victory": 3` or `"units": [3]` read "$.victory: expected an object, got int 3".
    def object_hook(cls: type, **fields: Any) -> Any:
        return _of_kind(dict, "an object", make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True,
                                                                  **fields), cls)

    def mapping_hook(t: Any) -> Any:
        if typing.get_args(t)[1:] == (Any,):
            return _of_kind(dict, "an object", lambda value, _: value, t)  # read as it is (the rule tables)
        # (not `conv.gen_structure_mapping`, which registers its result as the hook of `t`, unchecked)
        return _of_kind(dict, "an object", mapping_structure_factory(t, conv), t)

    conv.register_structure_hook_factory(attrs.has, lambda cls: object_hook(cls))
    conv.register_structure_hook_factory(lambda t: typing.get_origin(t) is dict, mapping_hook)
    conv.register_structure_hook_factory(
        lambda t: typing.get_origin(t) is list, lambda t: _of_kind(list, "a list", list_structure_factory(t, conv), t))
    renamed = {field: override(rename=key) for field, key in _RENAMED.items()}
    conv.register_structure_hook(RoadWatch, object_hook(RoadWatch, **renamed))
    conv.register_unstructure_hook(
        RoadWatch, lambda rw: {"name": rw.name, "from": list(rw.start), "to": list(rw.end)}
    )
    conv.register_structure_hook(Area, object_hook(Area, **renamed))
    # Derived fields are never read from the file.
    conv.register_structure_hook(Scenario, object_hook(Scenario, **{f: override(omit=True) for f in _DERIVED}))
    return conv


_RENAMED = {"start": "from", "end": "to"}
"""Fields of `Area` and `RoadWatch` spelt otherwise in the file (`from` is a Python keyword)."""
_DERIVED = ("terrain_table", "unit_table", "hexside_table", "weather_move_table", "raw", "sha256")
"""Fields of `Scenario` filled by `scenario_from_dict`, never read from the file."""


def file_keys(cls: type) -> list[str]:
    """The keys an object of the file structured as `cls` may have, as the file spells them (an entry of
    ``unit_types`` or ``terrain_types`` takes its name or code from its key).

    >>> file_keys(Area)
    ['name', 'from', 'to']
    >>> file_keys(UnitType)[:2], file_keys(UnitType)[-1]
    (['label', 'symbol'], 'base')
    """
    if cls is Scenario:
        return [a.name for a in attrs.fields(cls) if a.name not in _DERIVED]
    if cls is UnitType:  # "base": a new type extends an existing one
        return [*(a.name for a in attrs.fields(cls) if a.name != "name"), "base"]
    if cls is TerrainType:
        return [a.name for a in attrs.fields(cls) if a.name != "code"]
    if cls is HexsideFeature:
        return [a.name for a in attrs.fields(cls) if a.name != "name"]
    return [_RENAMED.get(a.name, a.name) if cls in (Area, RoadWatch) else a.name for a in attrs.fields(cls)]


CONVERTER = _make_converter()


def _cattrs_messages(exc: Exception) -> list[str]:
    def fmt(e: BaseException, type_: Any) -> str:
        if isinstance(e, KeyError):
            return "required field missing"
        if isinstance(e, cattrs.ForbiddenExtraKeysError):
            known = f" (known: {', '.join(file_keys(e.cl))})" if attrs.has(e.cl) else ""
            return f"unknown field(s): {', '.join(sorted(e.extra_fields))}{known}"
        if isinstance(e, ValueError | TypeError) and str(e):
            msg = str(e)
            if "expected" in msg:
                return msg
            return f"invalid value ({msg})"
        return cattrs.v.format_exception(e, type_)

    out = []
    for line in cattrs.transform_error(exc, path="$", format_exception=fmt):
        # cattrs gives "message @ path"; we print "path: message", with keys of names as the checks write
        # them ($.sides.attacker, not $.sides['attacker']).
        msg, _, path = line.rpartition(" @ ")
        out.append(f"{_NAME_KEY.sub(_DOTTED, path)}: {msg}" if path else line)
    return out


_NAME_KEY = re.compile(r"\['([A-Za-z_][A-Za-z0-9_]*)'\]")
_DOTTED = r".\1"


# ---------------------------------------------------------------------------------------------- loading
def canonical_json(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def scenario_sha256(doc: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def load_scenario(path: str | Path) -> Scenario:
    """Read, structure and check a scenario file; raises ScenarioError listing every problem."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        from engine.fileio import missing_hint

        raise ScenarioError([f"file not found: {p}{missing_hint(p)}"], str(p)) from None
    except OSError as e:
        raise ScenarioError([f"cannot read file: {e.strerror}"], str(p)) from None
    return parse_scenario(data, source=str(p))


def parse_scenario(data: bytes | str, source: str = "scenario") -> Scenario:
    if isinstance(data, bytes):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ScenarioError(["$: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as "
                                 "UTF-8"], source)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ScenarioError([f"$: not UTF-8 text at {utf8_error_place(data, e)}"], source) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Windows editors write one): not part of the JSON
    try:
        noted: list[_RepeatsNoted] = []  # (the walk for their paths runs only when the hook found one)
        try:
            doc = json.loads(text, parse_constant=_reject_constant,
                             object_pairs_hook=lambda pairs: _object_noting_repeats(pairs, noted))
        except _NonFiniteConstant as e:  # (said as a syntax error: where it is, with the caret and a hint)
            raise json.JSONDecodeError(f"{e.name} is not allowed", text, constant_position(text, e.name)) from None
        repeated = list(_repeated_keys(doc, "$")) if noted else []
    except json.JSONDecodeError as e:
        # (json's "Unterminated string starting at" and "Invalid control character at" end where it put the
        # position, which is said first here)
        msg = e.msg[:-3] + " there" if e.msg.endswith(" at") else e.msg
        hint = json_error_hint(text, e)
        shown = "\n".join(json_error_lines(text, e))  # (the line, a caret under the place)
        raise ScenarioError([f"$: invalid JSON at line {e.lineno}, column {e.colno}: {msg}"
                             + (f" — {hint}" if hint else "") + (f"\n{shown}" if shown else "")], source) from None
    except ValueError as e:
        raise ScenarioError([f"$: {e}"], source) from None
    except RecursionError:
        raise ScenarioError(["$: JSON nested too deeply"], source) from None
    if repeated:
        raise ScenarioError(repeated[:20], source)
    return scenario_from_dict(doc, source=source)


class _RepeatsNoted(dict):  # type: ignore[type-arg]
    """A JSON object with a key given more than once (`json` keeps the last value without a word): `repeats` maps
    each such key to its values in the file's order, for `_repeated_keys` to report with the object's path."""

    repeats: dict[str, list[Any]]


def _object_noting_repeats(pairs: list[tuple[str, Any]], sink: list[_RepeatsNoted]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) == len(pairs):
        return d
    noted = _RepeatsNoted(pairs)
    sink.append(noted)
    values: dict[str, list[Any]] = {}
    for k, v in pairs:
        values.setdefault(k, []).append(v)
    noted.repeats = {k: vs for k, vs in values.items() if len(vs) > 1}
    return noted


def _repeated_keys(value: Any, path: str) -> Any:
    """A problem for each key written twice in one object (the author meant one of the values), with its path."""
    if isinstance(value, dict):
        if isinstance(value, _RepeatsNoted):
            for k, vs in value.repeats.items():
                given = " then ".join(_describe(v) for v in vs)
                yield f"{path}.{k}: key given {len(vs)} times in the same object ({given}); give it once"
        for k, v in value.items():
            yield from _repeated_keys(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _repeated_keys(v, f"{path}[{i}]")


def _non_finite_paths(value: Any, path: str) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _non_finite_paths(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _non_finite_paths(v, f"{path}[{i}]")


class _NonFiniteConstant(ValueError):
    """NaN, Infinity or -Infinity in the file: Python's `json` reads them, JSON has none."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"invalid JSON: {name} is not allowed (use a finite number)")


def _reject_constant(name: str) -> Any:
    raise _NonFiniteConstant(name)


def scenario_from_dict(doc: Any, source: str = "scenario", check_agents: bool = True) -> Scenario:
    """Structure a parsed JSON document into a checked Scenario. A side's agent named by import path is not
    imported (reading a data file must not run code): its module is looked for (`agent_path_problem`), and it
    and its parameters are checked when a game makes it (`engine.ai.base.make_agent`). `check_agents` false:
    not even looked for (a save's scenario: loading replays orders, and never needs the agent)."""
    if not isinstance(doc, dict):
        raise ScenarioError([f"$: expected a JSON object at the top level, got {type(doc).__name__}"], source)
    if "format" in doc and doc.get("format") != FORMAT_VERSION:
        raise ScenarioError(
            [f"$.format: unsupported scenario format {doc.get('format')!r}; this engine reads format "
             f"{FORMAT_VERSION}"], source)
    try:
        scen = CONVERTER.structure(doc, Scenario)
    except (cattrs.BaseValidationError, ValueError, TypeError) as e:
        msgs = _cattrs_messages(e) if isinstance(e, cattrs.BaseValidationError) else [f"$: {e}"]
        raise ScenarioError(msgs, source, notes=[LATER_CHECKS_NOTE]) from None
    except RecursionError:
        raise ScenarioError(["$: document nested too deeply"], source) from None
    problems: list[str] = []
    terrain_table = _resolve_terrain(scen, problems)
    unit_table = _resolve_unit_types(scen, problems)
    hexside_table = _resolve_hexsides(scen, problems)
    weather_move_table = _resolve_weather_movement(scen, terrain_table, problems)
    if not problems:
        _check(scen, terrain_table, unit_table, problems, check_agents)
    _check_combat(scen.combat, problems)  # reads no table: reported with the rest whatever they say
    if problems:
        raise ScenarioError(problems, source)
    bad = list(_non_finite_paths(doc, "$"))
    if bad:
        raise ScenarioError([f"{p}: expected a finite number, got NaN or infinity" for p in bad[:20]], source)
    sha = scenario_sha256(doc)
    return attrs.evolve(scen, terrain_table=terrain_table, unit_table=unit_table, hexside_table=hexside_table,
                        weather_move_table=weather_move_table, raw=copy.deepcopy(doc), sha256=sha)


T = TypeVar("T")


def _structure_entry(merged: dict[str, Any], cls: type[T], path: str, problems: list[str]) -> T | None:
    """A rule table's entry (a default merged with the scenario's override) structured as `cls`, or None with
    its problems added under `path` (the terrain, hexside and unit-type tables check theirs alike)."""
    try:
        return CONVERTER.structure(merged, cls)
    except cattrs.BaseValidationError as e:
        problems.extend(m.replace("$", path, 1) for m in _cattrs_messages(e))
        return None


def _resolve_terrain(scen: Scenario, problems: list[str]) -> dict[str, TerrainType]:
    table = dict(DEFAULT_TERRAIN)
    for code, over in scen.terrain_types.items():
        path = f"$.terrain_types.{code}"
        if len(code) != 1:
            problems.append(f"{path}: terrain codes are single characters, got {code!r}")
            continue
        base = attrs.asdict(table[code]) if code in table else {"code": code}
        merged = {**base, **over, "code": code}
        if "move_cost" in over and code in table and isinstance(over["move_cost"], dict):
            merged["move_cost"] = {**table[code].move_cost, **over["move_cost"]}
        before = len(problems)
        tt = _structure_entry(merged, TerrainType, path, problems)
        if len(problems) > before and code not in table and (close := _did_you_mean(code, table)):
            problems[before] += f" ({code!r} is a new terrain code, which needs a whole entry: did you mean {close}?)"
        if tt is None:
            continue
        missing = [m for m in MOBILITY_CLASSES if m not in tt.move_cost]
        if missing:
            problems.append(f"{path}.move_cost: missing mobility class(es) {', '.join(missing)}")
        for mob, cost in tt.move_cost.items():
            if mob not in MOBILITY_CLASSES:
                problems.append(f"{path}.move_cost.{mob}: unknown mobility class; expected "
                                f"{', '.join(MOBILITY_CLASSES)}")
            elif cost is not None and not 0.01 <= cost <= 1000:
                problems.append(f"{path}.move_cost.{mob}: expected 0.01..1000 or null (impassable), got {cost!r}")
        _check_ranges(tt, TERRAIN_RANGES, path, problems)
        if tt.colour is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", tt.colour):
            problems.append(f"{path}.colour: expected a colour as \"#rrggbb\" (e.g. \"#3a78c8\"), got {tt.colour!r}")
        table[code] = tt
    return table


def _resolve_hexsides(scen: Scenario, problems: list[str]) -> dict[str, HexsideFeature]:
    """The hexside table: each entry of ``hexside_types`` merged on its default feature, class by class (as
    ``terrain_types`` entries' ``move_cost``). Only the features the rules know can be given numbers: what a
    cliff or a river does besides its cost (fire modifiers, the cliff's top) is rules, not data."""
    table = dict(DEFAULT_HEXSIDES)
    for name, over in scen.hexside_types.items():
        path = f"$.hexside_types.{name}"
        if name not in table:
            problems.append(f"{path}: unknown hexside feature {name!r}; known: {', '.join(DEFAULT_HEXSIDES)}")
            continue
        extra = sorted(set(over) - set(file_keys(HexsideFeature)))
        if extra:
            problems.append(f"{path}: unknown field(s): {', '.join(extra)} (known: "
                            f"{', '.join(file_keys(HexsideFeature))})")
            continue
        if name == "river" and "extra_cost_down" in over:
            problems.append(f"{path}.extra_cost_down: a river is crossed at the same cost both ways; give its cost "
                            "in extra_cost_up")
            continue
        default = table[name]
        merged: dict[str, Any] = {"name": name}
        for field in file_keys(HexsideFeature):
            given = over.get(field, {})
            merged[field] = {**getattr(default, field), **given} if isinstance(given, dict) else given
        feature = _structure_entry(merged, HexsideFeature, path, problems)
        if feature is None:
            continue
        before = len(problems)
        for field in file_keys(HexsideFeature):
            for mob, cost in getattr(feature, field).items():
                if mob not in MOBILITY_CLASSES:
                    problems.append(f"{path}.{field}.{mob}: unknown mobility class; expected "
                                    f"{', '.join(MOBILITY_CLASSES)}")
                elif cost is not None and not 0 <= cost <= 1000:
                    problems.append(f"{path}.{field}.{mob}: expected 0..1000 or null (impassable), got {cost!r}")
        if name == "river":  # (both ways alike: the table says so to whoever reads either field)
            feature = attrs.evolve(feature, extra_cost_down=feature.extra_cost_up)
        if len(problems) == before:
            table[name] = feature
    return table


WEATHER_MOVE_KEYS = ("off_road", "road", "terrain")
"""The fields of an entry of ``weather_movement.STATE.CLASS`` given as an object (`WeatherMoveFactor`)."""


def _move_factor(value: Any, path: str, problems: list[str]) -> float | None:
    lo, hi = WEATHER_MOVE_FACTOR_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{path}: expected a number (a factor on move costs), got {_describe(value)}")
        return None
    if not (lo <= value <= hi):  # (NaN fails both)
        problems.append(f"{path}: expected a factor in {lo:g}..{hi:g}, got {value!r}")
        return None
    return float(value)


def _resolve_weather_movement(scen: Scenario, terrain: dict[str, TerrainType],
                              problems: list[str]) -> dict[str, dict[str, WeatherMoveFactor]]:
    """The ``weather_movement`` table: per precipitation state and mobility class, a factor on every move cost
    (a number) or an object of `WEATHER_MOVE_KEYS` (missing ones: 1). Pairs whose factors are all 1 are left
    out, so that a table of ones moves as no table."""
    table: dict[str, dict[str, WeatherMoveFactor]] = {}
    given_codes = {c for c in scen.terrain_types if len(c) == 1}  # (a new code whose entry has a problem is known)
    for precip, by_class in scen.weather_movement.items():
        path = f"$.weather_movement.{precip}"
        if precip not in PRECIPITATION:
            problems.append(f"{path}: unknown precipitation {precip!r}; expected one of {', '.join(PRECIPITATION)}")
            continue
        for mob, spec in by_class.items():
            mpath = f"{path}.{mob}"
            if mob not in MOBILITY_CLASSES:
                problems.append(f"{mpath}: unknown mobility class; expected {', '.join(MOBILITY_CLASSES)}")
                continue
            before = len(problems)
            if isinstance(spec, dict):
                extra = sorted(set(spec) - set(WEATHER_MOVE_KEYS))
                if extra:
                    problems.append(f"{mpath}: unknown field(s): {', '.join(extra)} (known: "
                                    f"{', '.join(WEATHER_MOVE_KEYS)})")
                off = _move_factor(spec.get("off_road", 1.0), f"{mpath}.off_road", problems)
                road = _move_factor(spec.get("road", 1.0), f"{mpath}.road", problems)
                by_code: dict[str, float] = {}
                given = spec.get("terrain", {})
                if not isinstance(given, dict):
                    problems.append(f"{mpath}.terrain: expected an object (terrain code -> factor), got "
                                    f"{_describe(given)}")
                    given = {}
                for code, v in given.items():
                    if code not in terrain and code in given_codes:
                        _move_factor(v, f"{mpath}.terrain.{code}", problems)  # (its entry's problem is said there)
                    elif code not in terrain:
                        problems.append(f"{mpath}.terrain.{code}: unknown terrain code; known: {', '.join(terrain)}")
                    elif (f := _move_factor(v, f"{mpath}.terrain.{code}", problems)) is not None:
                        by_code[code] = f
                factor = WeatherMoveFactor(off or 1.0, road or 1.0, by_code)
            else:
                f = _move_factor(spec, mpath, problems)
                factor = WeatherMoveFactor(f or 1.0, f or 1.0)
            if len(problems) == before and not factor.is_identity():
                table.setdefault(precip, {})[mob] = factor
    return table


STACK_LIMITS = (1, 10)
"""The bounds of `stack_limit` (checked once; the start-stacking check is skipped outside them)."""


def _did_you_mean(name: str, known: Any) -> str:
    """The names of `known` close to `name` ("tank", "v", "tank or mech"), or "": a misspelt or miscased type or
    code, which the file would otherwise take for a new one. difflib's close matches, case-insensitive too.

    >>> _did_you_mean("tanks", ["tank", "infantry"]), _did_you_mean("V", "pvw"), _did_you_mean("scouts", ["tank"])
    ('tank', 'v', '')
    >>> kinds = ["infantry", "mech_infantry"]
    >>> _did_you_mean("Infantry", kinds), _did_you_mean("infantri", kinds)
    ('infantry', 'infantry or mech_infantry')
    """
    by_lower: dict[str, str] = {}
    for k in known:
        by_lower.setdefault(k.lower(), k)
    if by_lower.get(name.lower(), name) != name:  # (only the case differs: that one)
        return by_lower[name.lower()]
    other_case = [by_lower[k] for k in difflib.get_close_matches(name.lower(), list(by_lower), n=3)]
    same_case = difflib.get_close_matches(name, list(known), n=3)
    return " or ".join([k for k in dict.fromkeys([*other_case, *same_case]) if k != name][:3])


def _resolve_unit_types(scen: Scenario, problems: list[str]) -> dict[str, UnitType]:
    table = dict(DEFAULT_UNIT_TYPES)
    broken: set[str] = set()  # new types whose entry has a problem, said there: not "unknown" as a base after it
    for name, over in scen.unit_types.items():
        if name not in table:
            broken.add(name)  # (until its entry is found good)
        path = f"$.unit_types.{name}"
        over = dict(over)
        if "base" in over and name in table and over["base"] != name:  # (it would silently become a copy of
            # its "base"; naming itself, as before, changes nothing)
            problems.append(f"{path}.base: {name!r} is a built-in unit type, which takes no base (given: "
                            f"{over['base']!r}): base is for a new type; an override of an existing type lists only "
                            "the fields it changes (drop base, or give the new type a name of its own)")
            continue
        base_name = over.pop("base", name if name in table else None)
        if base_name is None:
            close = _did_you_mean(name, table)
            problems.append(f"{path}: a new unit type needs \"base\": the name of an existing type to extend"
                            + (f" ({name!r} is no unit type yet: did you mean {close}?)" if close else ""))
            continue
        if isinstance(base_name, str) and base_name != name and base_name in broken:
            continue
        if not isinstance(base_name, str) or base_name not in table:
            problems.append(f"{path}.base: unknown unit type {base_name!r}")
            continue
        merged = {**attrs.asdict(table[base_name]), **over, "name": name}
        ut = _structure_entry(merged, UnitType, path, problems)
        if ut is None:
            continue
        before = len(problems)
        _check_ranges(ut, UNIT_TYPE_RANGES, path, problems)
        if ut.domain not in ("ground", "air"):
            problems.append(f"{path}.domain: expected ground or air, got {ut.domain!r}")
        if ut.mobility not in (*MOBILITY_CLASSES, "air"):
            problems.append(f"{path}.mobility: expected one of {', '.join(MOBILITY_CLASSES)}, air; got {ut.mobility!r}")
        elif ut.domain in ("ground", "air") and (ut.mobility == "air") != (ut.domain == "air"):
            what = "an air" if ut.domain == "air" else "a ground"
            problems.append(f"{path}.mobility: {ut.mobility!r} for {what} unit; expected "
                            + ("air" if ut.domain == "air" else f"one of {', '.join(MOBILITY_CLASSES)}"))
        if ut.symbol not in SYMBOLS:  # (the UI has no drawing for another: an author's counter came out blank)
            problems.append(f"{path}.symbol: expected one of {', '.join(SYMBOLS)}; got {ut.symbol!r}")
        if ut.air_role is not None and ut.air_role not in AIR_ROLES:
            problems.append(f"{path}.air_role: expected one of {', '.join(AIR_ROLES)} (or null); got {ut.air_role!r}")
        elif ut.domain == "ground" and ut.air_role is not None:
            problems.append(f"{path}.air_role: {ut.air_role!r} for a ground unit, which flies no sorties; drop it "
                            "or set domain to air")
        elif ut.domain == "air" and ut.air_role is None:  # (it would stand at its base all game, "can fly")
            problems.append(f"{path}.air_role: an air unit needs one of {', '.join(AIR_ROLES)}: without it, it "
                            "never flies a sortie")
        if ut.grounded_by_fog not in FOG_LEVELS:
            problems.append(f"{path}.grounded_by_fog: expected one of {', '.join(FOG_LEVELS)}, got "
                            f"{ut.grounded_by_fog!r}")
        if len(problems) == before:
            table[name] = ut
            broken.discard(name)
    return table


# Bounds on the numbers of the rule tables: a unit with a billion steps would try to roll a billion dice.
UNIT_TYPE_RANGES: dict[str, tuple[float, float]] = {
    "move_points": (0, 100), "max_steps": (1, 20), "firepower_soft": (-20, 50), "firepower_hard": (-20, 50),
    "protection": (-20, 50), "range_hexes": (0, 200), "close_fire": (0, 50), "vision_hexes": (0, 50),
    "detect": (-20, 50), "signature": (-20, 50), "min_ceiling_m": (0, 20000), "min_visibility_km": (0, 400),
    "sortie_radius_hexes": (0, 2000), "recon_radius_hexes": (0, 50), "ad_range_hexes": (0, 200),
    "ad_kill_p": (0, 1),
}
COMBAT_RANGES: dict[str, tuple[float, float]] = {
    "hit_base": (-1, 1), "hit_per_point": (0, 1), "hit_min": (0, 1), "hit_max": (0, 1),
    "high_ground_m": (1, 10000), "uphill_modifier": (-20, 20), "downhill_modifier": (-20, 20),
    "cliff_up_modifier": (-20, 20), "cliff_down_modifier": (-20, 20), "river_crossing_modifier": (-20, 20),
    "out_of_supply_modifier": (-20, 20), "broken_modifier": (-20, 20), "shaken_modifier": (-20, 20),
    "night_untrained_modifier": (-20, 20), "night_trained_modifier": (-20, 20),
    "artillery_steps_per_shot": (1, 20), "strike_max_shots": (1, 20), "expendable_strike_shots": (1, 20),
    "recon_adjust_modifier": (-20, 20), "ad_broken_kill_factor": (0, 1),
    "suspected_fire_modifier": (-20, 20), "suspected_fire_max_age_turns": (0, 100),
}
TERRAIN_RANGES: dict[str, tuple[float, float]] = {
    "defence": (-20, 20), "concealment": (0, 20), "ambush": (0, 20), "los_height_m": (0, 1000),
    "vehicle_cover": (0, 20),
}


def _said(v: Any) -> str:
    """A number as an error message gives it: a huge one short ("1.00e+300", not its 301 digits; an int too large
    for a float too, "1.00e+400").

    >>> _said(10 ** 300), _said(-10 ** 400), _said(1.5e12), _said(51), _said(True)
    ('1.00e+300', '-1.00e+400', '1.5e+12', '51', 'True')
    """
    if isinstance(v, bool) or not isinstance(v, (int, float)) or abs(v) < 1e9:
        return repr(v)
    if isinstance(v, int):
        digits = str(abs(v))
        return f"{'-' if v < 0 else ''}{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"
    return f"{v:.3g}"


def _check_ranges(obj: Any, ranges: dict[str, tuple[float, float]], path: str, problems: list[str]) -> None:
    for field, (lo, hi) in ranges.items():
        v = getattr(obj, field)
        if not lo <= v <= hi:
            problems.append(f"{path}.{field}: expected {lo:g}..{hi:g}, got {_said(v)}")


def _check_combat(rules: CombatRules, problems: list[str]) -> None:
    before = len(problems)
    _check_ranges(rules, COMBAT_RANGES, "$.combat", problems)
    if len(problems) == before and rules.hit_min > rules.hit_max:
        problems.append(f"$.combat.hit_min: {rules.hit_min:g} is above hit_max {rules.hit_max:g}; expected "
                        "hit_min <= hit_max")


def _on_map(h: HexRef, scen: Scenario) -> bool:
    return 0 <= h[0] < scen.map.cols and 0 <= h[1] < scen.map.rows


def _check_record(scen: Scenario, add: Any) -> None:
    """`meta.record`: a side that exists, score paths that name a number, turns from 1. A record turn may lie beyond
    the game's last (a sweep or a test that cuts the game short keeps the scenario's record: the game then ends
    before it)."""
    from engine.debrief import measure_path_problem

    rec = scen.meta.record
    if rec.winner is not None and rec.winner not in SIDES:
        add(f"$.meta.record.winner: expected one of {', '.join(SIDES)} (or leave it out), got {rec.winner!r}")
    for k, mark in enumerate(rec.marks):
        path = f"$.meta.record.marks[{k}]"
        if why := measure_path_problem(mark.score):
            add(f"{path}.score: {why}")
        lo = 1 if mark.score.endswith("_turn") else 0
        for name, v in (("value", mark.value), ("up_to", mark.up_to)):
            if v is not None and v < lo:
                add(f"{path}.{name}: expected {'a turn, 1 or more' if lo else '0 or more'}, got {v}")
        if mark.up_to is not None and mark.up_to < mark.value:
            add(f"{path}.up_to: the span's end ({mark.up_to}) comes before its start, value ({mark.value})")


def _check(scen: Scenario, terrain: dict[str, TerrainType], utypes: dict[str, UnitType], problems: list[str],
           check_agents: bool = True) -> None:
    m = scen.map
    add = problems.append

    def where(h: HexRef) -> str:
        return f"[{h[0]}, {h[1]}]"

    def need_on_map(h: HexRef, path: str) -> bool:
        if not _on_map(h, scen):
            add(f"{path}: {where(h)} is off the {m.cols}×{m.rows} map")
            return False
        return True

    # meta and turns
    try:
        dt.datetime.fromisoformat(scen.meta.start)
    except ValueError:
        add(f"$.meta.start: expected an ISO date-time like 2020-10-28T06:00, got {scen.meta.start!r}")
    if not 1 <= scen.meta.turn_hours <= 24 * 7:
        add(f"$.meta.turn_hours: expected 1..168, got {scen.meta.turn_hours}")
    if scen.meta.measures:  # (a teaching scenario's: checked against the score record's fields, `engine.debrief`)
        from engine.debrief import measure_path_problem

        for k, ms in enumerate(scen.meta.measures):
            if why := measure_path_problem(ms.score):
                add(f"$.meta.measures[{k}].score: {why}")
    _check_record(scen, add)
    if not 1 <= scen.turns <= 1000:
        add(f"$.turns: expected 1..1000, got {scen.turns}")
    if not STACK_LIMITS[0] <= scen.stack_limit <= STACK_LIMITS[1]:
        add(f"$.stack_limit: expected {STACK_LIMITS[0]}..{STACK_LIMITS[1]}, got {scen.stack_limit}")

    # map
    if not (1 <= m.cols <= MAX_MAP_SIDE and 1 <= m.rows <= MAX_MAP_SIDE):
        add(f"$.map: cols and rows must be 1..{MAX_MAP_SIDE}, got {m.cols}×{m.rows}")
        return
    if not 0.01 <= m.hex_km <= 100:
        add(f"$.map.hex_km: expected 0.01..100, got {m.hex_km}")
    grid_ok = True
    if len(m.terrain) != m.rows:
        add(f"$.map.terrain: expected {m.rows} rows, got {len(m.terrain)}")
        grid_ok = False
    for r, row in enumerate(m.terrain[: m.rows]):
        if len(row) != m.cols:
            add(f"$.map.terrain[{r}]: expected {m.cols} characters, got {len(row)}")
            grid_ok = False
        bad = sorted({ch for ch in row if ch not in terrain})
        if bad:
            col = next(i for i, ch in enumerate(row) if ch in bad)
            cased = [close for ch in bad if (close := _did_you_mean(ch, terrain))]  # (codes are case-sensitive)
            add(f"$.map.terrain[{r}]: unknown terrain code(s) {', '.join(map(repr, bad))} (first at col {col}"
                + (f"; did you mean {', '.join(map(repr, cased))}?" if cased else "")
                + f"); known: {''.join(sorted(terrain))}")
            grid_ok = False
    if m.start_control:
        if len(m.start_control) != m.rows:
            add(f"$.map.start_control: expected {m.rows} rows, got {len(m.start_control)}")
        for r, row in enumerate(m.start_control[: m.rows]):
            if len(row) != m.cols:
                add(f"$.map.start_control[{r}]: expected {m.cols} characters, got {len(row)}")
            bad = sorted({ch for ch in row if ch not in START_CONTROL_CODES})
            if bad:
                col = next(i for i, ch in enumerate(row) if ch in bad)
                add(f"$.map.start_control[{r}]: unknown code(s) {', '.join(map(repr, bad))} (first at col {col}); "
                    "expected A (attacker), D (defender) or . (no one)")
    if len(m.elevation_m) != m.rows:
        add(f"$.map.elevation_m: expected {m.rows} rows, got {len(m.elevation_m)}")
        grid_ok = False
    for r, row in enumerate(m.elevation_m[: m.rows]):
        if len(row) != m.cols:
            add(f"$.map.elevation_m[{r}]: expected {m.cols} values, got {len(row)}")
            grid_ok = False
        for c, v in enumerate(row):
            if not -500 <= v <= 9000:
                add(f"$.map.elevation_m[{r}][{c}]: elevation {v} m is outside -500..9000")
                grid_ok = False
                break

    def terrain_at(h: HexRef) -> TerrainType:
        return terrain[m.terrain[h[1]][h[0]]]

    # hexsides (needed before roads: roads must not cross cliffs)
    cliff_edges: set[tuple[HexRef, HexRef]] = set()
    for i, hs in enumerate(m.hexsides):
        path = f"$.map.hexsides[{i}]"
        if hs.feature not in DEFAULT_HEXSIDES:
            add(f"{path}.feature: unknown hexside feature {hs.feature!r}; known: {', '.join(DEFAULT_HEXSIDES)}")
        if not need_on_map(hs.hex, f"{path}.hex"):
            continue
        for j, name in enumerate(hs.sides):
            if name not in hexgrid.DIRECTION_NAMES:
                add(f"{path}.sides[{j}]: unknown side {name!r}; expected one of {', '.join(hexgrid.DIRECTION_NAMES)}")
                continue
            nb = _offset_neighbor(hs.hex, hexgrid.direction_index(name))
            if not _on_map(nb, scen):
                add(f"{path}.sides[{j}]: side {name} of {where(hs.hex)} faces off the map")
            elif hs.feature == "cliff":
                cliff_edges.add((hs.hex, nb))
                cliff_edges.add((nb, hs.hex))

    for i, road in enumerate(m.roads):
        path = f"$.map.roads[{i}]"
        if road.kind not in ROAD_COST:
            add(f"{path}.kind: expected one of {', '.join(ROAD_COST)}, got {road.kind!r}")
        if len(road.path) < 2:
            add(f"{path}.path: a road needs at least 2 hexes, got {len(road.path)}")
        for j, h in enumerate(road.path):
            if not need_on_map(h, f"{path}.path[{j}]"):
                continue
            if j > 0 and _on_map(road.path[j - 1], scen):
                prev = road.path[j - 1]
                if _offset_distance(prev, h) != 1:
                    add(f"{path}.path[{j}]: {where(h)} is not adjacent to the previous hex {where(prev)}")
                elif (prev, h) in cliff_edges:
                    add(f"{path}.path[{j}]: the road crosses a cliff edge between {where(prev)} and {where(h)}")

    for i, pl in enumerate(m.places):
        if pl.kind not in PLACE_KINDS:
            add(f"$.map.places[{i}].kind: expected one of {', '.join(PLACE_KINDS)}, got {pl.kind!r}")
        need_on_map(pl.hex, f"$.map.places[{i}].hex")

    # weather
    w = scen.weather
    if w.mode not in WEATHER_MODES:
        add(f"$.weather.mode: expected one of {', '.join(WEATHER_MODES)}, got {w.mode!r}")
    if w.cloud_base_m is not None and not 0 <= w.cloud_base_m <= 20000:
        add(f"$.weather.cloud_base_m: expected 0..20000 m (or null: each turn's own), got {w.cloud_base_m}")
    seen_turns: dict[int, int] = {}
    turns_ok = 1 <= scen.turns <= 1000  # (else checks against it would only repeat that one problem)
    for i, e in enumerate(w.schedule):
        path = f"$.weather.schedule[{i}]"
        if e.turn < 1:  # (entries after the last turn are not played: `--set turns=16` may shorten a schedule)
            add(f"{path}.turn: turn {e.turn} is before turn 1")
        elif e.turn in seen_turns:
            add(f"{path}.turn: turn {e.turn} already given at schedule[{seen_turns[e.turn]}]")
        else:
            seen_turns[e.turn] = i
        if not 0 <= e.ceiling_m <= 20000:
            add(f"{path}.ceiling_m: expected 0..20000 m, got {e.ceiling_m}")
        if not 0 <= e.visibility_km <= 400:
            add(f"{path}.visibility_km: expected 0..400 km, got {e.visibility_km}")
        if e.fog not in FOG_LEVELS:
            add(f"{path}.fog: expected one of {', '.join(FOG_LEVELS)}, got {e.fog!r}")
        if e.precipitation not in PRECIPITATION:
            add(f"{path}.precipitation: expected one of {', '.join(PRECIPITATION)}, got {e.precipitation!r}")
    if w.mode in ("historical", "stochastic") and turns_ok:
        missing = [t for t in range(1, scen.turns + 1) if t not in seen_turns]
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
            add(f"$.weather.schedule: no weather for turn{'' if len(missing) == 1 else 's'} {shown} "
                f"(mode {w.mode!r} needs every turn)")

    # sides
    for name in SIDES:
        if name not in scen.sides:
            add(f"$.sides: missing side {name!r}")
    for name, side in scen.sides.items():
        path = f"$.sides.{name}"
        if name not in SIDES:
            add(f"{path}: unknown side {name!r}; expected attacker and defender")
            continue
        if not side.supply_sources:
            add(f"{path}.supply_sources: a side needs at least one supply source hex")
        for j, h in enumerate(side.supply_sources):
            need_on_map(h, f"{path}.supply_sources[{j}]")
        for j, area in enumerate(side.no_go):
            need_on_map(area.start, f"{path}.no_go[{j}].from")
            need_on_map(area.end, f"{path}.no_go[{j}].to")
        if not 0 <= side.supply_range <= 1000:
            add(f"{path}.supply_range: expected 0..1000, got {side.supply_range}")
        if not is_import_path(side.agent):
            typed = _check_agent_params(side.agent, side.agent_params, f"{path}.agent_params", problems)
            hook = getattr(agent_class(side.agent), "scenario_problems", None) if typed else None
            if hook is not None:  # what the agent's parameters name in the scenario (a unit id, ...)
                unit_sides = {u.id: u.side for u in scen.units}
                problems.extend(f"{path}.agent_params.{where}: {why}"
                                for where, why in hook(side.agent_params, name, unit_sides, (m.cols, m.rows)))
        elif check_agents:
            why = agent_path_problem(side.agent)
            if why:
                add(f"{path}.agent: {why}")

    # units
    ids: dict[str, int] = {}
    start_occupancy: dict[HexRef, list[tuple[int, str]]] = {}
    for i, u in enumerate(scen.units):
        path = f"$.units[{i}]"
        if not u.id:
            add(f"{path}.id: must not be empty")
        elif u.id in ids:
            add(f"{path}.id: duplicate unit id {u.id!r} (first at units[{ids[u.id]}])")
        else:
            ids[u.id] = i
        if u.side not in SIDES:
            add(f"{path}.side: expected attacker or defender, got {u.side!r}")
        ut = utypes.get(u.type)
        if ut is None:
            close = _did_you_mean(u.type, utypes)
            add(f"{path}.type: unknown unit type {u.type!r}" + (f" (did you mean {close}?)" if close else "")
                + f"; known: {', '.join(sorted(utypes))}")
        if turns_ok and not 1 <= u.arrives_turn <= scen.turns:
            add(f"{path}.arrives_turn: expected 1..{scen.turns}, got {u.arrives_turn}")
        if ut is not None and u.strength is not None and not 1 <= u.strength <= ut.max_steps:
            add(f"{path}.strength: expected 1..{ut.max_steps} steps for {u.type}, got {u.strength}")
        if ut is not None and u.hidden and not ut.can_hide:  # (the rules would keep it hidden until detected)
            add(f"{path}.hidden: {u.type} units cannot hide (their type's can_hide is false); drop \"hidden\" or "
                "use a type that can")
        if not need_on_map(u.hex, f"{path}.hex") or ut is None:
            continue
        if u.offmap:
            c, r = u.hex
            if not (c in (0, m.cols - 1) or r in (0, m.rows - 1)):
                add(f"{path}.hex: an off-map unit is anchored on a map edge; {where(u.hex)} is inside the map")
            continue
        if ut.domain == "ground" and u.side in scen.sides:
            for area in scen.sides[u.side].no_go:
                if area.contains(u.hex):
                    add(f"{path}.hex: {where(u.hex)} lies in the {u.side}'s no-go area {area.name!r}")
        if ut.domain == "ground" and grid_ok:
            cost = terrain_at(u.hex).move_cost.get(ut.mobility)
            if cost is None:
                add(f"{path}.hex: {u.type} ({ut.mobility}) cannot be on {terrain_at(u.hex).name} at {where(u.hex)}")
            if u.side in SIDES and u.arrives_turn == 1 and u.present:
                start_occupancy.setdefault(u.hex, []).append((SIDES.index(u.side), u.id))
    sides_with_units = {u.side for u in scen.units if u.present}  # (a unit switched off is not in the game)
    for name in SIDES:  # (a merge that cut the units list short, more often than a sandbox: the game would play on)
        if name not in sides_with_units:
            add(f"$.units: the {name} has no units (starting or arriving, with present true); a side needs at least "
                "one")
    stack_ok = STACK_LIMITS[0] <= scen.stack_limit <= STACK_LIMITS[1]  # (else every hex would repeat that one
    # problem)
    for h, occ in start_occupancy.items():
        if len({s for s, _ in occ}) > 1:
            add(f"$.units: attacker and defender units start in the same hex {where(h)}: "
                f"{', '.join(i for _, i in occ)}")
        elif stack_ok and len(occ) > scen.stack_limit:
            add(f"$.units: {len(occ)} unit{'' if len(occ) == 1 else 's'} start{'s' if len(occ) == 1 else ''} in "
                f"{where(h)}, over the stack limit {scen.stack_limit}: {', '.join(i for _, i in occ)}")

    # objectives and victory
    names: dict[str, int] = {}
    for i, ob in enumerate(scen.objectives):
        path = f"$.objectives[{i}]"
        if ob.name in names:
            add(f"{path}.name: duplicate objective {ob.name!r}")
        names[ob.name] = i
        if not ob.hexes:
            add(f"{path}.hexes: an objective needs at least one hex")
        first_at: dict[HexRef, int] = {}
        for j, h in enumerate(ob.hexes):
            if h in first_at:  # (it would count twice: "holds 2/3" of an objective of two hexes)
                add(f"{path}.hexes[{j}]: hex {where(h)} listed twice (first at hexes[{first_at[h]}]); list each hex "
                    "once")
                continue
            first_at[h] = j
            need_on_map(h, f"{path}.hexes[{j}]")
        if ob.controller not in (*SIDES, "none"):
            add(f"{path}.controller: expected attacker, defender or none, got {ob.controller!r}")
    if scen.victory.objective not in names:
        add(f"$.victory.objective: no objective named {scen.victory.objective!r}")
    if not 0 <= scen.victory.contest_radius <= 20:
        add(f"$.victory.contest_radius: expected 0..20, got {scen.victory.contest_radius}")
    if scen.victory.road_watch is not None:
        rw = scen.victory.road_watch
        ends_on_map = need_on_map(rw.start, "$.victory.road_watch.from")
        ends_on_map = need_on_map(rw.end, "$.victory.road_watch.to") and ends_on_map
        if ends_on_map:
            for why in _road_watch_problems(rw, m.roads, where):
                add(why)


def unused_schedule_warnings(scen: Scenario) -> list[str]:
    """A weather schedule the file's own mode never plays (`clear`, `overcast` and `fog` are presets for every
    turn): the file is valid, but an author who wrote eight turns of weather most likely meant them to play.
    `wargame validate` says it beside the other warnings; a `--weather` given at game time is no part of the file
    and is not judged here."""
    w = scen.weather
    if w.mode in ("historical", "stochastic") or w.mode not in WEATHER_MODES or not w.schedule:
        return []
    n = len(w.schedule)
    return [f"$.weather.schedule: the schedule is not used in mode {w.mode}: {n} entr{'y' if n == 1 else 'ies'} "
            f"(every turn plays the {w.mode} preset; the schedule plays only under --weather historical or "
            "stochastic); set mode to historical to play it, or drop it"]


def _road_watch_problems(rw: RoadWatch, roads: list[Road], where: Any) -> list[str]:
    """A watched road's ends must be road hexes joined by roads: else the road reads as cut from the first turn
    in every game (`supply.road_open_between` finds no way along it), and the AI plans on a road that is not there."""
    links: dict[HexRef, set[HexRef]] = {}
    for road in roads:
        for a, b in zip(road.path, road.path[1:], strict=False):
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    out = [f"$.victory.road_watch.{key}: {where(h)} is on no road of $.map.roads"
           for key, h in (("from", rw.start), ("to", rw.end)) if h not in links]
    if out:
        return out
    if rw.start == rw.end:
        return [f"$.victory.road_watch: from and to are the same hex {where(rw.start)}; give the road's two ends"]
    seen, stack = {rw.start}, [rw.start]
    while stack:
        for nb in links[stack.pop()]:
            if nb not in seen:
                seen.add(nb)
                stack.append(nb)
    if rw.end not in seen:
        return [f"$.victory.road_watch: no road joins {where(rw.start)} to {where(rw.end)} (the road would read as "
                "cut from the first turn)"]
    return []


def agent_class(name: str) -> type:
    """The class of an agent, by registry name or import path "package.module:ClassName":
    `engine.ai.base.agent_class`, the lookup `make_agent` uses (ValueError says what is wrong)."""
    from engine.ai.base import agent_class as lookup  # local import: ai depends on scenario

    return lookup(name)


@functools.cache
def agent_parameters(name: str) -> dict[str, Any]:
    """The parameters an agent (registry name or import path) takes, with their types: read from its class's
    signature, so the check of a scenario's ``agent_params`` cannot drift from the agent. A parameter without an
    annotation takes the type of its default (Any without either; also when the annotation cannot be
    resolved). Cached: do not change the dict.

    >>> agent_parameters("doctrine")["assault_ratio"], agent_parameters("random")
    (<class 'float'>, {})
    """
    init = agent_class(name).__init__
    try:
        hints = typing.get_type_hints(init)
    except Exception:  # an outside agent's annotation that does not resolve here (a name under TYPE_CHECKING)
        hints = {}
    out: dict[str, Any] = {}
    for param in list(inspect.signature(init).parameters.values())[1:]:  # (after self)
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        default = param.default
        out[param.name] = hints.get(param.name, Any if default in (param.empty, None) else type(default))
    return out


def agent_path_problem(name: str) -> str | None:
    """What is wrong with an agent's import path "package.module:ClassName" that can be told without running
    the module's code (its form; a module that cannot be found), or None. Finding a submodule imports the
    packages above it, as any import would."""
    import importlib.util

    mod, _, cls = name.partition(":")
    if not mod.strip() or not cls.strip() or ":" in cls:
        return (f"agent {name!r}: an import path is package.module:ClassName (one colon, a module before it and "
                "a class after it)")
    try:
        found = importlib.util.find_spec(mod.strip())
    except (ImportError, ValueError) as e:
        return f"agent {name!r}: module {mod.strip()!r} cannot be found ({e})"
    if found is None:
        return (f"agent {name!r}: no module named {mod.strip()!r} (is it installed, or its folder on PYTHONPATH? "
                "batch workers must be able to import it too)")
    return None


def _check_agent_params(agent: str, params: dict[str, Any], path: str, problems: list[str]) -> bool:
    """Each of a side's `agent_params` against its agent: an unknown name (the agent would ignore it), a wrong
    type or value (the game would fail, or crash, at run time). It imports the agent: a scenario's check calls it
    for the built-in agents only, `engine.ai.base.make_agent` for an agent named by import path; one that does
    not import, or is no agent, is a problem of the side's `agent`. True when every parameter is known and of
    its type and range, whatever the agent's own constructor said: then what they name in the scenario can be
    checked too (a detachment of an unknown unit is said beside its missing goal, not after it is given)."""
    try:
        known = agent_parameters(agent)
    except ValueError as e:
        problems.append(f"{path.removesuffix('.agent_params')}.agent: {e}")
        return False
    before = len(problems)
    for key, value in params.items():
        where = f"{path}.{key}"
        if key not in known:
            takes = f"known: {', '.join(known)}" if known else "it takes none"
            problems.append(f"{where}: unknown parameter of the {agent} agent; {takes}")
            continue
        if known[key] is not Any:
            try:
                value = CONVERTER.structure(value, known[key])
            except (cattrs.BaseValidationError, ValueError, TypeError) as e:
                msgs = _cattrs_messages(e) if isinstance(e, cattrs.BaseValidationError) else [f"$: {e}"]
                problems.extend(m.replace("$", where, 1) for m in msgs)
                continue
        choices = AGENT_PARAM_CHOICES.get(agent, {}).get(key)
        if choices is not None and value not in choices:
            problems.append(f"{where}: expected one of {', '.join(map(str, choices))}, got {value!r}")
        bounds = AGENT_PARAM_RANGES.get(agent, {}).get(key)
        if bounds is not None and value is not None and not bounds[0] <= value <= bounds[1]:
            problems.append(f"{where}: expected {bounds[0]:g}..{bounds[1]:g}, got {value!r}")
    if len(problems) != before:
        return False
    try:  # the agent's own checks (a rule added there and not here yet)
        agent_class(agent)(**params)
    except Exception as e:  # (an outside agent's constructor may raise anything)
        why = e if isinstance(e, (ValueError, TypeError)) else f"{type(e).__name__}: {e}"
        problems.append(f"{path}: the {agent} agent refuses these parameters: {why}")
    return True


def _offset_neighbor(h: HexRef, d: int) -> HexRef:
    a = hexgrid.offset_to_axial(h[0], h[1])
    return hexgrid.axial_to_offset(hexgrid.neighbor(a, d))


def _offset_distance(a: HexRef, b: HexRef) -> int:
    return hexgrid.distance(hexgrid.offset_to_axial(*a), hexgrid.offset_to_axial(*b))


def unstructure(scen: Scenario) -> dict[str, Any]:
    """The scenario as a JSON-ready dict (the raw document it was loaded from)."""
    return copy.deepcopy(scen.raw)
