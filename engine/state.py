"""The mutable game state and the score record analysts read."""

from __future__ import annotations

import copy
from operator import is_
from typing import Any

import attrs
import numpy as np

from engine.events import Event
from engine.kernels import INT64, reach_workspace
from engine.mapdata import GameMap
from engine.orders import Order
from engine.scenario import Scenario
from engine.units import SIDES, Unit, UnitType
from engine.weather import WeatherTurn

PHASES: tuple[str, ...] = ("air", "artillery", "movement", "assault")


def _per_side() -> dict[str, int]:
    return {s: 0 for s in SIDES}


def _per_side_dict() -> dict[str, dict[str, int]]:
    return {s: {} for s in SIDES}


@attrs.define
class Score:
    """Everything a batch row needs, accumulated as the game runs (never re-derived from the log)."""

    winner: str | None = None
    reason: str = ""
    outcome: str | None = None
    """Which branch of the victory check ended the game, as a category (`rules.OUTCOMES`): the batch's `outcome`
    column, for grouping games that `reason` (a sentence) tells apart only in words."""
    end_turn: int = 0
    objective_taken_turn: int | None = None
    """The turn the attacker's final hold of the whole objective began (None: it did not end the game
    holding it)."""
    road_cut_turn: int | None = None
    road_cut_at_end: bool = False
    steps_lost: dict[str, dict[str, int]] = attrs.Factory(_per_side_dict)
    """side -> unit type -> steps lost"""
    units_destroyed: dict[str, dict[str, int]] = attrs.Factory(_per_side_dict)
    losses_by_cause: dict[str, dict[str, int]] = attrs.Factory(_per_side_dict)
    """side -> cause (ambush, artillery, drone, assault, retreat) -> steps lost"""
    steps_inflicted: dict[str, dict[str, int]] = attrs.Factory(_per_side_dict)
    """side -> its unit type whose fire destroyed enemy steps -> steps"""
    objective_first_entry_type: str | None = None
    """Type of the first attacker unit to enter an objective hex (who broke into the town)."""
    objective_first_entry_turn: int | None = None
    """The turn it did (the break-in, which may come long before the hold that wins: `objective_taken_turn`)."""
    drone_sorties_flown: dict[str, int] = attrs.Factory(_per_side)
    """Armed-drone and loitering-munition strikes made."""
    drone_sorties_grounded: dict[str, int] = attrs.Factory(_per_side)
    """Armed drones × turns the weather grounds them (counted whether or not the side meant to fly): not
    sorties refused, so not comparable with `drone_sorties_flown` as a share."""
    recon_sorties: dict[str, int] = attrs.Factory(_per_side)
    unit_turns_out_of_supply: dict[str, int] = attrs.Factory(_per_side)
    """Ground units found out of supply at the start of a turn, summed over the turns (a unit cut off for
    three turns counts 3)."""
    drones_lost: dict[str, int] = attrs.Factory(_per_side)
    ambushes_sprung: dict[str, int] = attrs.Factory(_per_side)
    artillery_missions: dict[str, int] = attrs.Factory(_per_side)
    drone_spotted_missions: dict[str, int] = attrs.Factory(_per_side)
    suspected_fire_missions: dict[str, int] = attrs.Factory(_per_side)
    """Of `artillery_missions`, those fired on a suspected position (`CombatRules.suspected_fire`): laid on a
    last-seen mark, they may fall on an empty hex, so a reader of the record tells them from fire at seen units."""
    assaults: dict[str, int] = attrs.Factory(_per_side)
    objective_hexes_attacker: int = 0
    objective_hexes_total: int = 0
    attacker_types_in_objective: list[str] = attrs.Factory(list)

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Outcome:
    winner: str
    reason: str
    turn: int


def _same_units(a: list[Unit], b: list[Unit]) -> bool:
    """The very same unit objects, in the same order (not `==`, which compares every field)."""
    return len(a) == len(b) and all(map(is_, a, b))  # (C loops: no generator)


class GameState:
    """One game in progress. Mutated only by `engine.rules.apply` (and its helpers)."""

    # Slots, not a __dict__: a dict of more than 30 keys is not shared between instances, and Python 3.11 then
    # reads every attribute through a slower path (about 25% slower per read; the rules read a game's state
    # some tens of thousands of times).
    __slots__ = ("_active_cache", "_ad_cache", "_air_units", "_based_units", "_check_memo", "_checked_reach",
                 "_contacts_cache", "_ground_cache", "_ground_kind", "_ground_now", "_hexes_cache", "_know",
                 "_memos", "_observer_cache", "_occ_cache", "_pos_all", "_pos_arrays", "_pos_cache", "_pos_now",
                 "_reach_cache", "_reach_ws", "_road_cache", "_side_units", "_supply_cache", "_vision_ranges",
                 "_zone_cache", "agents", "capture_streak_from", "control", "control_news", "extra", "glimpses",
                 "grounded", "hidden_version", "known_control", "last_seen", "log", "map", "night", "orders",
                 "outcome", "phase_i", "phase_orders", "pos_version", "recon_cover", "recon_version", "rng",
                 "road_cut", "roster_version", "sandbox", "scenario", "score", "seed", "side", "side_pos_version",
                 "sightings", "strength_version", "turn", "unit_index", "units", "unseen_air_defence", "unseen_firers",
                 "version", "weather", "weather_by_turn", "weather_held", "weather_mode",
                 "weather_override")

    def __init__(
        self,
        scenario: Scenario,
        gmap: GameMap,
        seed: int,
        weather_mode: str,
        weather: list[WeatherTurn],
        units: list[Unit],
        rng: np.random.Generator,
    ) -> None:
        self.scenario = scenario
        self.map = gmap
        self.seed = seed
        self.weather_mode = weather_mode
        self.weather_by_turn = weather
        self.units = units
        self.unit_index = {u.id: i for i, u in enumerate(units)}
        self.rng = rng
        self.turn = 1
        self.side = 0
        self.phase_i = 0
        self.control = np.full(gmap.n, -1, dtype=np.int8)
        self.known_control: list[np.ndarray] | None = None
        """Per side, in games that track sightings: who it believes holds each hex (-1: nobody, or not known).
        A side learns of a change when it makes it, sees the unit making it, or hears of it (`ControlChanged`
        on named places and objectives, an assault on its own units); and of who holds a hex when it sees an
        enemy unit there. The rules keep it (`rules._learn_control`); `SideView.control` shows it."""
        self.control_news: list[tuple[int, int, bool]] = []
        """(hex, side, hidden) where a unit of `side` took or crossed a hex since the last event, and whether it
        was hidden then: the enemy may or may not have seen it (`rules._hear_news`)."""
        self.recon_cover = [np.zeros(gmap.n, dtype=bool), np.zeros(gmap.n, dtype=bool)]
        self.grounded: dict[str, str | None] = {}
        """air unit id -> reason it is grounded this turn (None: can fly)."""
        self.weather_override: WeatherTurn | None = None
        self.weather_held: tuple[str, int] | None = None
        """A sandbox weather setting: (preset, the turn it was set on). It holds from turn to turn
        (`weather_override` follows it) until the sandbox sets "historical"."""
        self.road_cut = False
        self.capture_streak_from: int | None = None
        self.log: list[Event] = []
        self.orders: list[Order] = []
        self.score = Score()
        self.outcome: Outcome | None = None
        self.version = 0
        self.roster_version = 0
        self.pos_version = 0
        self.side_pos_version = [0, 0]
        """Per side: bumped with `pos_version` when one of that side's units may have changed hex (a `touch`
        that names the side that moved bumps only its own; `positions(side)` keys on it)."""
        self.hidden_version = 0
        """Bumped whenever a unit's `hidden` flag changes (`set_hidden`, or a full `touch()`)."""
        self.strength_version = 0
        """Bumped whenever a unit loses steps and stays in play (`combat.apply_losses`), and by a full
        `touch()`: what a side sees of enemy strengths (`SideView.contacts`) keys on it."""
        self.agents: dict[str, str] = {}
        self.sandbox = False
        self.phase_orders = 0
        """Orders given so far in the current phase (lets drivers cap a stalling agent)."""
        self.extra: dict[str, Any] = {}
        """Front-end data kept in saves (e.g. AI random-stream states); no rule reads it."""
        self.sightings: list[tuple[bool, bool]] | None = None
        """Per event in `log`: could (attacker, defender) observe it? None when not tracked."""
        self.glimpses: dict[int, tuple[int, ...]] | None = None
        """In games that track sightings: log index of an enemy move its enemy saw only in part -> the positions
        in its path that were seen (`engine.view.visible_log` shows only those)."""
        self.unseen_firers: set[int] | None = None
        """In games that track sightings: log indices of fire missions whose firer the side under fire did not see
        when it fired (an off-map battery, one out of its sight): `engine.view.visible_log` names it to that side
        as `UNSEEN_FIRER`, not by its id and type."""
        self.unseen_air_defence: dict[int, tuple[int, ...]] | None = None
        """In games that track sightings: log index of a drone sortie -> the positions in its `engagements` of
        air-defence units its side did not see when they fired: its log names them `UNSEEN_AIR_DEFENCE`."""
        self.last_seen: list[dict[str, tuple[int, int, int, bool]]] | None = None
        """Per side, in games that track sightings: enemy unit id -> (hex, turn, strength, left) where and when the
        side last saw it, how strong, and whether it saw it leave that hex out of sight (`rules._learn_control`,
        `_glimpsed`, `_placed` keep it; `SideView.last_seen` shows the ones out of sight now)."""
        self._know: list[Any] = [None, None]
        """Per side: what it sees and knows (`visibility._know`)."""
        self._contacts_cache: dict[int, tuple[Any, ...]] = {}
        self._ground_cache: tuple[list[Unit], list[Unit], list[Unit]] | None = None
        self._ground_kind: list[Unit] | None = None
        self._ground_now: tuple[list[Unit], list[Unit], list[Unit]] | None = None
        """`_ground_cache` while the roster stands (`touch` clears it)."""
        self._check_memo: tuple[int, Any, str | None] | None = None
        self._checked_reach: tuple[int, Any, Any] | None = None  # (version, Move, Reach) of the last legal move check
        self._occ_cache: tuple[Any, ...] | None = None
        self._pos_cache: list[tuple[Any, ...]] = [(None, None), (None, None)]
        self._pos_now: list[tuple[int, ...] | None] = [None, None]
        """Per side: its positions tuple while no unit of the side moved and the roster stands (`touch` clears
        it): asking costs a list read."""
        self._pos_all: tuple[Any, ...] = (None, None, ())
        self._pos_arrays: list[tuple[Any, ...]] = [(None, None), (None, None)]
        self._side_units: tuple[list[Unit], list[Unit]] | None = None
        self._air_units: list[Unit] | None = None
        self._memos: dict[str, dict] = {}
        """Name -> the map's shared memo for this game's unit table (`combat._map_memo`)."""
        self._observer_cache: dict[int, tuple[Any, ...]] = {}
        self._ad_cache: dict[int, tuple[Any, ...]] = {}
        self._supply_cache: dict[int, tuple[Any, ...]] = {}
        self._road_cache: tuple[Any, ...] | None = None
        self._based_units: tuple[list[Unit], list[Unit]] | None = None
        self._active_cache: list[tuple[int, list[Unit]]] = [(-1, []), (-1, [])]
        self._zone_cache: list[tuple[tuple[int, ...], frozenset[int]] | None] = [None, None]
        self._hexes_cache: list[tuple[tuple[int, ...], frozenset[int]] | None] = [None, None]
        self._reach_cache: dict[str, tuple[Any, dict[int, tuple[float, int]]]] = {}
        self._reach_ws: tuple[np.ndarray, ...] | None = None
        self.recon_version = 0
        """Bumped whenever recon cover changes (part of the visibility cache key)."""
        self._vision_ranges: tuple[Any, dict[str, int]] = (None, {})
        self.night = False
        """Is the current turn a night turn? (Kept current by `update_clock`.)"""
        self.weather: WeatherTurn = weather[0]
        """The current turn's weather, the sandbox's override if any. (Kept current by `update_clock`.)"""
        self.update_clock()

    # ---------------------------------------------------------------- lookups
    @property
    def phase(self) -> str:
        return PHASES[self.phase_i]

    @property
    def side_name(self) -> str:
        return SIDES[self.side]

    def update_clock(self) -> None:
        """Set `night` and `weather` for the current turn and weather override. The rules call it when a turn
        begins and when the sandbox changes the weather. They are plain attributes, not properties, because
        they are read a thousand times a game (views, odds keys), and Python 3.11 calls a property's getter
        through a slow path."""
        self.night = self.scenario.is_night(self.turn)
        w = self.weather_override
        self.weather = w if w is not None else self.weather_by_turn[min(self.turn, len(self.weather_by_turn)) - 1]

    def unit(self, uid: str) -> Unit:
        return self.units[self.unit_index[uid]]

    def utype(self, u: Unit) -> UnitType:
        return self.scenario.unit_table[u.type]

    def ground_units(self, side: int | None = None) -> list[Unit]:
        """Active on-map ground units (optionally of one side), in scenario order.

        Cached until a full `touch()`: every change of membership (losses, arrivals, placement) calls it. A list
        keeps its object while its membership stays the same (a side's list, when only the other side lost or
        gained units), so caches keyed on it stay valid. The lists are shared: do not mutate them."""
        got = self._ground_now
        if got is None:
            got = self._ground_rebuild()
        return got[0] if side is None else got[1 + side]

    def _ground_rebuild(self) -> tuple[list[Unit], list[Unit], list[Unit]]:
        """`ground_units`' lists after a `touch()`. (A method of its own: its comprehension's closure would make
        every call of `ground_units`, a few hundred a game, allocate a cell.)"""
        cands = self._ground_kind
        if cands is None:  # units of a ground type, not off-map: fixed for a game (types and off-map never change)
            table = self.scenario.unit_table
            cands = self._ground_kind = [u for u in self.units if not u.offmap and table[u.type].domain == "ground"]
        both = [u for u in cands if u.strength > 0 and u.arrived]
        old = self._ground_cache
        if old is None or not _same_units(both, old[0]):
            s0, s1 = [u for u in both if u.side == 0], [u for u in both if u.side == 1]
            if old is not None:  # a side whose units are the same keeps its list (a loss on one side only)
                s0 = old[1] if _same_units(s0, old[1]) else s0
                s1 = old[2] if _same_units(s1, old[2]) else s1
            got = self._ground_cache = (both, s0, s1)
        else:
            got = old
        self._ground_now = got
        return got

    def side_units(self, side: int) -> list[Unit]:
        """All units of a side, in scenario order, whatever their state (the list never changes)."""
        got = self._side_units
        if got is None:
            got = self._side_units = ([u for u in self.units if u.side == 0], [u for u in self.units if u.side == 1])
        return got[side]

    def air_units(self) -> list[Unit]:
        """All air units (drones), in scenario order, whatever their state (the list never changes)."""
        got = self._air_units
        if got is None:
            table = self.scenario.unit_table
            got = self._air_units = []
            for u in self.units:  # (a loop: a comprehension's closure would cost every call a cell)
                if table[u.type].domain == "air":
                    got.append(u)
        return got

    def based_units(self, side: int) -> list[Unit]:
        """A side's off-map and air units, which draw supply from their bases, in scenario order, whatever their
        state (the list never changes)."""
        got = self._based_units
        if got is None:
            table = self.scenario.unit_table
            got = self._based_units = ([], [])
            for u in self.units:  # (a loop: a comprehension's closure would cost every call a cell)
                if u.offmap or table[u.type].domain == "air":
                    got[u.side].append(u)
        return got[side]

    def active_units(self, side: int) -> list[Unit]:
        """A side's units in play (arrived, not destroyed), in scenario order, any domain, on or off the map.
        Cached per roster version (arrivals and losses call `touch()`); shared: do not mutate."""
        got = self._active_cache[side]
        if got[0] != self.roster_version:
            active = []
            for u in self.side_units(side):  # (a loop: a comprehension is a function object and a call)
                if u.arrived and u.strength > 0:  # (`active`)
                    active.append(u)
            got = self._active_cache[side] = (self.roster_version, active)
        return got[1]

    def units_at(self, idx: int, side: int | None = None) -> list[Unit]:
        """`ground_units(side)` standing on hex `idx` (found from the positions tuple: most hexes hold
        none or one)."""
        pos = self._pos_now[side] if side is not None else None  # (`positions`' fast path, inline: a hot call)
        if pos is None:
            pos = self.positions(side)
        n = pos.count(idx)
        if n == 0:
            return []
        g = self._ground_now
        units = g[1 + side] if g is not None and side is not None else self.ground_units(side)
        if n == 1:
            return [units[pos.index(idx)]]
        out = []
        for u in units:  # (a loop, not a comprehension, whose closure would cost every call a cell)
            if u.idx == idx:
                out.append(u)
        return out

    def positions(self, side: int | None = None) -> tuple[int, ...]:
        """Hexes of `ground_units(side)`, in the same order. The same tuple object is returned until a unit
        of that side moves, joins or leaves play: the position-dependent caches (occupancy, viewsheds, known
        enemies) key on it, and on the `ground_units` lists, by identity. Each side's tuple is rebuilt only
        when asked for, and keeps its object when none of the side's units moved."""
        if side is None:
            p0, p1 = self.positions(0), self.positions(1)
            got = self._pos_all
            if got[0] is not p0 or got[1] is not p1:
                got = self._pos_all = (p0, p1, tuple([u.idx for u in self.ground_units()]))
            return got[2]
        now = self._pos_now[side]
        if now is not None:
            return now
        units = self.ground_units(side)
        hexes = []
        for u in units:  # (a loop: a comprehension is a function object and a call)
            hexes.append(u.idx)
        now = tuple(hexes)
        got = self._pos_cache[side]
        if got[0] is units and got[1] == now:  # same units on the same hexes: keep the object
            now = got[1]
        self._pos_cache[side] = (units, now)
        self._pos_now[side] = now
        return now

    def positions_array(self, side: int) -> np.ndarray:
        """`positions(side)` as a read-only int64 array, the same object while that tuple is (for compiled
        code)."""
        pos = self._pos_now[side]  # (`positions`' fast path, inline)
        if pos is None:
            pos = self.positions(side)
        got = self._pos_arrays[side]
        if got[0] is not pos:
            arr = np.array(pos, INT64)
            arr.setflags(False)  # read-only (write=False, passed positionally: 3x cheaper)
            got = self._pos_arrays[side] = (pos, arr)
        return got[1]

    def hexes_of(self, side: int) -> frozenset[int]:
        """Hexes holding `side`'s ground units, cached on its positions tuple."""
        pos = self._pos_now[side]  # (`positions`' fast path, inline)
        if pos is None:
            pos = self.positions(side)
        got = self._hexes_cache[side]
        if got is None or got[0] is not pos:
            got = self._hexes_cache[side] = (pos, frozenset(pos))
        return got[1]

    def zone_of(self, side: int) -> frozenset[int]:
        """Hexes next to `side`'s ground units (its zone of control, whether the enemy knows of it or not).
        Cached on the side's positions tuple: during the other side's moves it is computed once."""
        pos = self._pos_now[side]  # (`positions`' fast path, inline)
        if pos is None:
            pos = self.positions(side)
        got = self._zone_cache[side]
        if got is None or got[0] is not pos:
            got = self._zone_cache[side] = (pos, self.map.adjacent_to(pos))
        return got[1]

    def occupancy(self) -> tuple[np.ndarray, np.ndarray]:
        """Count of active ground units per hex, for each side (read-only). A side's array is kept while its
        positions tuple is, updated (on a copy) for the units that moved, rebuilt when units join or leave."""
        got = self._occ_cache
        if got is not None and got[6] == self.version:
            return got[2], got[3]
        p0, p1 = self.positions(0), self.positions(1)
        if got is not None and got[0] is p0 and got[1] is p1:
            self._occ_cache = (*got[:6], self.version)
            return got[2], got[3]
        arrays = []
        for side, pos in ((0, p0), (1, p1)):
            units = self.ground_units(side)
            if got is not None and got[side] is pos:
                arrays.append(got[2 + side])
                continue
            if got is not None and got[4 + side] is units:  # the same units: only moves (copy on write)
                arr = got[2 + side].copy()
                for old, new in zip(got[side], pos, strict=True):
                    if old != new:
                        arr[old] -= 1
                        arr[new] += 1
            else:
                arr = np.bincount(self.positions_array(side), minlength=self.map.n).astype(np.int16)
            arr.setflags(False)
            arrays.append(arr)
        self._occ_cache = (p0, p1, arrays[0], arrays[1], self.ground_units(0), self.ground_units(1), self.version)
        return arrays[0], arrays[1]

    def reach_workspace(self) -> tuple[np.ndarray, ...]:
        """Scratch arrays for `kernels.unit_reach` (`kernels.reach_workspace`). One set per game: games may run
        in threads, a game never does."""
        ws = self._reach_ws
        if ws is None:
            ws = self._reach_ws = reach_workspace(self.map.n)
        return ws

    def set_hidden(self, u: Unit, hidden: bool) -> None:
        """Hide or reveal `u`. The rules' hot path uses this (with a narrow `touch`) so that what the enemy
        knows is recomputed only when a position or a hidden flag really changed."""
        if u.hidden != hidden:
            u.hidden = hidden
            self.hidden_version += 1

    def bump(self) -> None:
        """`touch(roster=False, moved=False)`: a change that moved no unit and changed no roster (flags,
        strengths, the clock, the log). The rules call it a few hundred times a game; a method without
        keyword arguments is the cheaper call."""
        self.version += 1

    def touch(self, roster: bool = True, moved: bool = True, side: int | None = None) -> None:
        """Invalidate the caches after a change. The rules' hot path narrows it: `roster=False` when no unit
        joined or left play (the `ground_units` lists are kept), `moved=False` when no unit changed hex
        either (positions, occupancy and viewsheds are kept), `side` when only that side's units moved (the
        other side's positions are kept); with any of them, hidden flags must change through `set_hidden`.
        Anything else, tests and tools included, calls plain `touch()`."""
        self.version += 1
        if roster:
            self.roster_version += 1
            self.hidden_version += 1  # a full touch may follow any change, hidden flags included
            self.strength_version += 1
            self.recon_version += 1  # and recon cover
            self._ground_now = None
            self._pos_now[0] = self._pos_now[1] = None
        if moved:
            self.pos_version += 1
            spv = self.side_pos_version
            if side is None or roster:
                spv[0] += 1
                spv[1] += 1
                self._pos_now[0] = self._pos_now[1] = None
            else:
                spv[side] += 1
                self._pos_now[side] = None

    def copy(self) -> GameState:
        """A deep, independent copy (for undo, AI look-ahead and tests); static layers stay shared."""
        new = copy.copy(self)
        new.units = [u.copy() for u in self.units]
        new.side_pos_version = list(self.side_pos_version)
        new.control = self.control.copy()
        new.known_control = None if self.known_control is None else [k.copy() for k in self.known_control]
        new.control_news = list(self.control_news)
        new.recon_cover = [c.copy() for c in self.recon_cover]
        new.grounded = dict(self.grounded)
        new.log = list(self.log)
        new.sightings = None if self.sightings is None else list(self.sightings)
        new.glimpses = None if self.glimpses is None else dict(self.glimpses)
        new.unseen_firers = None if self.unseen_firers is None else set(self.unseen_firers)
        new.unseen_air_defence = None if self.unseen_air_defence is None else dict(self.unseen_air_defence)
        new.last_seen = None if self.last_seen is None else [dict(d) for d in self.last_seen]
        new.orders = list(self.orders)
        new.score = copy.deepcopy(self.score)
        new.rng = copy.deepcopy(self.rng)
        new._know = [None, None]  # lists of live units and mutable counts: never shared between copies
        new._contacts_cache = {}  # keyed on this state's lists by identity
        new._ground_cache = None
        new._ground_kind = None
        new._ground_now = None
        new._reach_cache = {}
        new._reach_ws = None
        new._check_memo = None
        new._checked_reach = None
        new._occ_cache = None
        new._pos_cache = [(None, None), (None, None)]
        new._pos_now = [None, None]
        new._pos_all = (None, None, ())
        new._pos_arrays = [(None, None), (None, None)]
        new._side_units = None
        new._air_units = None
        new._memos = {}
        new._observer_cache = {}
        new._ad_cache = {}
        new._supply_cache = {}
        new._road_cache = None
        new._based_units = None
        new._active_cache = [(-1, []), (-1, [])]
        new._zone_cache = [None, None]
        new._hexes_cache = [None, None]
        new.agents = dict(self.agents)
        new.extra = copy.deepcopy(self.extra)
        return new

    def fingerprint(self) -> tuple[Any, ...]:
        """Everything that defines the state, for bit-identity checks in tests."""
        return (
            tuple(attrs.astuple(u) for u in self.units),
            self.turn, self.side, self.phase_i, self.control.tobytes(),
            tuple(c.tobytes() for c in self.recon_cover), tuple(sorted(self.grounded.items())),
            self.weather_override, self.weather_held, self.road_cut, self.capture_streak_from, len(self.log),
            len(self.orders),
            repr(self.score), self.outcome, self.rng.bit_generator.state["state"]["state"],
        )
