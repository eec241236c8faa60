"""`observe(state, side)`: the only way an AI or the UI sees a game. Fog of war and hotseat are then correct
by construction: a SideView holds the side's own units, the enemy units it can see now, and query methods
that use only that knowledge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, Generic, TypeVar

import attrs
import numpy as np

from engine import combat, rules, supply
from engine.events import Event, MoveGlimpsed
from engine.mapdata import GameMap
from engine.movement import destination_indices, legal_destinations, reach, reachable, walk_of
from engine.orders import Order
from engine.scenario import Scenario
from engine.state import PHASES, GameState
from engine.units import SIDES, Unit
from engine.visibility import known_enemies, known_enemy_hexes, known_enemy_masks, spotter_for, visible_hexes
from engine.weather import FlightLimit, WeatherTurn, flight_limits

T = TypeVar("T")
_EXPECTED_LOSSES = attrgetter("expected_losses")
HIT_EVENTS = frozenset({"ArtilleryFired", "SuspectedFire", "DroneStrike", "AssaultResolved"})
"""A side's own fire on a hex, each with its `target_hex` (`SideView.hit_this_turn`)."""


class cached_property(Generic[T]):
    """`functools.cached_property` without the lock it takes on every first access before Python 3.12: a
    view is a short-lived, single-threaded snapshot, and the AIs take one per order.

    The value is stored with `setattr`, not through `obj.__dict__`: in Python 3.11 touching `__dict__` turns
    the instance's inline attribute values into a real dict, and every later attribute read of that view
    takes a slower path (a view's life, its reads included, cost a third more)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.func(obj)
        setattr(obj, self.name, value)  # (an instance attribute: this descriptor is not consulted again)
        return value


@attrs.frozen
class LastSeen:
    """An enemy unit out of sight now, where the side last saw it: the hex, the turn and its strength then, and
    whether it was seen leaving that hex (`left`: its move went on out of sight, so the side knows it is not
    there any more, only not where it went; a player fired two howitzers into such a hex on odds that read as if
    the unit still stood there)."""

    id: str
    type: str
    idx: int
    hex: tuple[int, int]
    turn: int
    strength: int
    left: bool = False


@attrs.frozen
class ContactView:
    """An enemy unit as the observing side sees it."""

    id: str
    side: int
    type: str
    idx: int
    hex: tuple[int, int]
    strength: int


class SideView:
    """A side's picture of the game at one moment. Unit lists and masks are built on first access (an AI
    that only re-checks a queued order never pays for them): take a view, use it, drop it."""

    def __init__(self, state: GameState, side: int) -> None:
        self._state = state
        self.side = side
        self.side_name = SIDES[side]
        self.scenario: Scenario = state.scenario
        self.map: GameMap = state.map
        self.turn = state.turn
        self.phase = PHASES[state.phase_i]  # (`state.phase`, without the property call)
        self.to_move = state.side
        self.night = state.night
        self.weather: WeatherTurn = state.weather
        self.road_cut = state.road_cut
        self.outcome = state.outcome
        self._spotters: dict[int, str | None] = {}

    @cached_property
    def own(self) -> list[Unit]:
        """Copies of the side's units (change them freely: the game is not affected)."""
        return [u.copy() for u in self._state.side_units(self.side)]

    @property
    def own_live(self) -> list[Unit]:
        """The side's units themselves, not copies: for in-engine agents that only read them and would
        otherwise copy every unit at every step. Never mutate them (orders go through `rules.apply`)."""
        return self._state.side_units(self.side)

    @cached_property
    def own_active(self) -> list[Unit]:
        """`own_live` units in play (arrived, not destroyed) when the view was taken: a list shared until units
        join or leave play. Never mutate it or them."""
        st = self._state
        got = st._active_cache[self.side]  # (`active_units`' fast path, inline)
        return got[1] if got[0] == st.roster_version else st.active_units(self.side)

    @cached_property
    def contacts(self) -> list[ContactView]:
        st = self._state
        known = known_enemies(st, self.side)
        # unchanged contacts are not rebuilt step after step: the same known units on the same hexes (the
        # positions tuple) with no step lost since (a lost step bumps `strength_version`)
        pos = st.positions(1 - self.side)
        got = st._contacts_cache.get(self.side)
        if got is not None and got[0] is known and got[1] is pos and got[2] == st.strength_version:
            return list(got[4])
        seen = []
        for u in known:  # (loops: a comprehension is a function object and a call, its closure a cell per call)
            seen.append((u.id, u.idx, u.strength))
        key = tuple(seen)
        if got is not None and got[3] == key:
            st._contacts_cache[self.side] = (known, pos, st.strength_version, key, got[4])
            return list(got[4])
        refs = st.map.hex_refs
        out = []
        for u in known:
            out.append(ContactView(u.id, u.side, u.type, u.idx, refs[u.idx], u.strength))
        st._contacts_cache[self.side] = (known, pos, st.strength_version, key, out)
        return list(out)

    @cached_property
    def contact_hexes(self) -> frozenset[int]:
        """Hexes holding known enemies."""
        occ, self.contact_zone = known_enemy_hexes(self._state, self.side)  # (both at once: the AIs read both)
        return occ

    @cached_property
    def contact_zone(self) -> frozenset[int]:
        """Hexes next to known enemies: their zones of control as this side knows them."""
        self.contact_hexes, zone = known_enemy_hexes(self._state, self.side)
        return zone

    @cached_property
    def contact_zone_mask(self) -> np.ndarray:
        """`contact_zone` as a read-only boolean mask over the map."""
        return known_enemy_masks(self._state, self.side)[1]

    @cached_property
    def contact_zone_outside_objective_mask(self) -> np.ndarray:
        """`contact_zone_mask` less the objective's hexes: where the doctrine AI's followers, once the road is
        cut, still keep out of contact (they enter a town hex next to the enemy)."""
        return self.contact_zone_mask & ~objective_mask(self._state.map)

    @cached_property
    def visible(self) -> np.ndarray:
        return visible_hexes(self._state, self.side)

    @cached_property
    def recon_cover(self) -> np.ndarray:
        return self._state.recon_cover[self.side].copy()

    @cached_property
    def control(self) -> np.ndarray:
        """Who holds each hex as far as this side knows (a side, or -1: nobody, or not known): its own hexes,
        the enemy's it saw taken or heard of (`GameState.known_control`, kept in games that track sightings;
        else only the enemy's ground in the briefing, `GameMap.start_control`, and the objectives), and the
        truth where it sees enemy units now. An enemy's trail through woods this side cannot see must not show,
        nor the hexes hidden enemy units started on."""
        st = self._state
        if st.known_control is not None:  # (the rules write the hexes of seen enemies into it after each order)
            return st.known_control[self.side].copy()
        briefed = st.map.start_control
        out = np.where(st.control == self.side, st.control, np.where(briefed == 1 - self.side, briefed, np.int8(-1)))
        objective = objective_mask(st.map)
        out[objective] = st.control[objective]
        occ = known_enemy_hexes(st, self.side)[0]
        if occ:
            idx = np.fromiter(occ, np.intp, len(occ))
            out[idx] = st.control[idx]
        return out

    def controllers(self, hexes: np.ndarray) -> list[int]:
        """Who controls each of `hexes` (index array), as `control` says, without building the whole map:
        objective hexes (the ones the AI asks about; who holds them is always public) cost one lookup."""
        st = self._state
        memo = st.map.derived.setdefault("view.all_objective", {})
        got = memo.get(id(hexes))
        if got is None or got[0] is not hexes:  # (keyed on the caller's long-lived array)
            if len(memo) >= 64:  # a caller passing new arrays each time must not grow it without end
                memo.clear()
            got = memo[id(hexes)] = (hexes, bool(objective_mask(st.map)[hexes].all()))
        if got[1]:
            return st.control[hexes].tolist()
        return self.control[hexes].tolist()

    @cached_property
    def last_seen(self) -> list[LastSeen]:
        """Enemy units the side saw earlier and does not see now, where and when it last saw them (games that
        track sightings keep the record, `GameState.last_seen`; else empty). Units it saw destroyed are gone."""
        st = self._state
        if st.last_seen is None:
            return []
        now = {c.id for c in self.contacts}
        refs = st.map.hex_refs
        out = []
        seen_lost = None
        for uid, (idx, turn, strength, left) in sorted(st.last_seen[self.side].items()):
            u = st.unit(uid)
            if uid in now:
                continue
            if u.strength <= 0:
                # Gone only once the side saw it go (`_destroyed_seen`). Every loss the rules deal today is dealt
                # by the other side, which sees it (tests/test_fog_losses.py); a loss it did not see (a
                # new cause, a blind fire) must not take the mark away and tell it the unit died.
                if seen_lost is None:
                    seen_lost = _destroyed_seen(st, self.side)
                if seen_lost is True or uid in seen_lost:
                    continue
            out.append(LastSeen(uid, u.type, idx, refs[idx], turn, strength, left))
        return out

    @cached_property
    def grounded(self) -> dict[str, str | None]:
        st = self._state
        out = {}
        for k, v in st.grounded.items():  # (a loop: a comprehension's closure would cost every call two cells)
            if st.unit(k).side == self.side:
                out[k] = v
        return out

    @cached_property
    def grounded_limits(self) -> dict[str, tuple[FlightLimit, ...]]:
        """Own grounded air unit id -> the weather limits that ground it this turn, as data (`grounded` has the
        same as one text): what the UI's GROUNDED plate groups by, without parsing the engine's wording."""
        return grounded_limits(self._state, self.side)

    # ------------------------------------------------------------------ knowledge-safe queries
    def unit(self, uid: str) -> Unit:
        for u in self.own:
            if u.id == uid:
                return u
        raise KeyError(uid)

    def hit_this_turn(self) -> frozenset[int]:
        """The hexes this side's artillery missions, drone strikes and assaults have hit this turn: its own orders,
        read from the log's tail (what its side knows; the same after a save is loaded, unlike a note the AI kept)."""
        st = self._state
        side = SIDES[self.side]
        out = set()
        for ev in reversed(st.log):
            if ev.turn != st.turn:
                break
            if ev.kind in HIT_EVENTS and ev.side == side:
                out.add(st.map.idx(tuple(ev.target_hex)))
        return frozenset(out)

    def legal_orders(self) -> list[Order]:
        return rules.legal_orders(self._state, self.side)

    def _own(self, uid: str) -> Unit:
        """The live unit `uid`, which must be this side's: queries never answer about enemy units."""
        st = self._state
        k = st.unit_index.get(uid)
        if k is None or st.units[k].side != self.side:
            raise KeyError(f"{uid!r} is not a {self.side_name} unit")
        return st.units[k]

    def destinations(self, uid: str) -> dict[int, tuple[float, int]]:
        return legal_destinations(self._state, self._own(uid))

    def destination_indices(self, uid: str) -> np.ndarray:
        """The keys of `destinations` as an index array (what an AI scoring moves with numpy wants)."""
        return destination_indices(self._state, self._own(uid))

    def reach_order(self, uid: str) -> np.ndarray:
        """The hexes `uid` can reach this phase, the start first, in search order (read-only): what
        `destination_indices` filters by the stack limit (see `own_occupancy`)."""
        return reach(self._state, self._own(uid)).order

    @cached_property
    def own_occupancy(self) -> np.ndarray:
        """Count of the side's own ground units per hex (read-only)."""
        return self._state.occupancy()[self.side]

    def move_reveal(self, uid: str, idx: int) -> str | None:
        """Why moving hidden unit `uid` to hex `idx` would reveal it, as far as this side knows (None: it would
        stay hidden, or it is seen already, or cannot go there). A hidden enemy met on the way may still
        reveal it: this side cannot know of those."""
        st = self._state
        u = self._own(uid)
        if not u.hidden:
            return None
        r = reach(st, u)
        if not r.reaches(idx):
            return None
        path, _ = walk_of(r, idx)
        why = rules.move_reveal_reason(st, u, path)
        if why is None and idx in self.contact_zone:
            why = "the hex is next to a known enemy"
        return why

    def fire_reveal(self, uid: str) -> str | None:
        """Why a fire mission by own unit `uid` would reveal it (`rules.fire_reveal_reason`; None: it would not)."""
        return rules.fire_reveal_reason(self._own(uid))

    def fire_range(self, uid: str) -> np.ndarray:
        """Hexes within `uid`'s fire range (read-only mask), counted from its hex as the rules count it (an
        off-map battery's is its firing hex on the map edge). A mission also needs a spotter (`spotter`)."""
        st = self._state
        u = self._own(uid)
        return st.map.distances_from(u.idx) <= st.scenario.unit_table[u.type].range_hexes

    def reachable(self, uid: str) -> Mapping[int, tuple[float, int]]:
        """{hex: (move cost, previous hex)} own unit `uid` can reach this phase; read-only (shared between units and
        games in the same situation)."""
        return reachable(self._state, self._own(uid))

    def assault_odds(self, uid: str, idx: int) -> tuple[combat.FireOdds, list[combat.FireOdds]]:
        """Odds of `uid` assaulting hex `idx` as this side knows it: the function the resolution uses, against
        the enemies the side sees there. A hidden enemy in the hex is left out (neither named nor weighed):
        the resolution will count it too, and the contact will reveal it."""
        u = self._assault_check(uid, idx)
        return combat.assault_odds(self._state, u, idx, seen_only=True)

    def assault_expectation(self, uid: str, idx: int) -> tuple[float, float]:
        """(enemy steps `uid` is expected to destroy, own steps it is expected to lose) assaulting hex `idx`:
        the expected losses of `assault_odds` (the enemies the side sees there)."""
        u = self._assault_check(uid, idx)
        return combat.assault_expectation(self._state, u, idx, seen_only=True)

    def _assault_check(self, uid: str, idx: int) -> Unit:
        u = self._own(uid)
        if idx not in self.contact_hexes:
            raise ValueError("no known enemy there")
        if idx not in self._state.map.nbr_list[u.idx]:
            raise ValueError(f"{uid} is not next to {self._state.map.describe(idx)}: only a neighbouring hex can "
                             "be assaulted")
        return u

    def advance_blocked(self, uid: str, idx: int) -> str | None:
        """Why `uid` could not advance into hex `idx` after winning an assault on it (the map's hexside, a
        no-go hex), or None: `rules.advance_blocked`, public map facts only."""
        return rules.advance_blocked(self._state, self._own(uid), idx)

    def strike_target(self, idx: int) -> str | None:
        """The id of the known enemy a drone strike on `idx` would hit (`rules.strike_target`), None if none."""
        st = self._state
        if not any(e.idx == idx for e in known_enemies(st, self.side)):
            return None
        return rules.strike_target(st, self.side, idx).id

    def air_defence_risk(self, idx: int) -> tuple[float, list[str]]:
        """The chance that a drone sortie over `idx` is shot down by the enemy air defence this side knows of,
        seen now or where it was last seen (each unit in range engages once, as `rules._ad_engagements` does, at
        its full kill chance: the side cannot see its cohesion, and a broken one fires at half), and which
        units ("arm_ad_1", "arm_ad_2 (last seen T12)"). Air defence it has not seen may add to it."""
        st = self._state
        gmap, table = st.map, st.scenario.unit_table
        miss, who = 1.0, []
        known = [(c.id, c.type, c.idx, "") for c in self.contacts]
        known += [(m.id, m.type, m.idx, f" (last seen T{m.turn})") for m in self.last_seen]
        for uid, utype, at_idx, note in known:
            at = table[utype]
            if at.ad_range_hexes > 0 and gmap.distance(at_idx, idx) <= at.ad_range_hexes:
                miss *= 1.0 - at.ad_kill_p
                who.append(uid + note)
        return 1.0 - miss, who

    def fire_odds(self, uid: str, idx: int, context: str = "artillery") -> list[combat.FireOdds]:
        """The odds of `uid` firing (artillery or strike) at each known enemy at `idx`, with every modifier
        the resolution will apply (an artillery mission's spotter: `rules.artillery_modifiers`)."""
        st = self._state
        u = self._own(uid)
        extra = None
        if context == "artillery" and st.recon_cover[self.side][idx]:  # (else no drone spots it: no lookup)
            extra = rules.artillery_modifiers(st, "recon drone")
        out = []
        for e in known_enemies(st, self.side):  # the units behind `contacts`, in the same order (a loop: a
            if e.idx == idx:                     # comprehension's closure would cost every call five cells)
                out.append(combat.fire_odds(st, u, e, context, extra))
        return out

    def fire_preview(self, uid: str, idx: int, context: str = "artillery") -> float:
        """Expected steps destroyed by `uid` firing (artillery or strike) at the known enemies at `idx`."""
        return sum(map(_EXPECTED_LOSSES, self.fire_odds(uid, idx, context)))

    def check(self, order: Order) -> str | None:
        """Why `order` would be refused now, or None."""
        if self._state.side != self.side:
            return "not this side's turn"
        return rules.check(self._state, order)

    def spotter(self, idx: int) -> str | None:
        memo = self._spotters  # a view is a snapshot: the answer cannot change
        if idx not in memo:
            memo[idx] = spotter_for(self._state, self.side, idx)
        return memo[idx]

    def enemy_side(self) -> int:
        return 1 - self.side

    @cached_property
    def marks_by_hex(self) -> Mapping[int, tuple[LastSeen, ...]]:
        """`last_seen` by hex, each the freshest first (then by unit id) (`rules.marks_by_hex`: built once while
        the side's knowledge stands, not per battery and mark; shared with the rules, so read-only)."""
        return rules.marks_by_hex(self._state, self.side)

    def suspected_marks(self, idx: int) -> list[LastSeen]:
        """The side's last-seen marks on hex `idx`, the freshest first: what fire on a suspected position there
        would be laid on (`rules.suspected_marks`; whether it may be is `check` of the Fire order)."""
        return rules.suspected_marks(self._state, self.side, idx)

    def supply_reach(self) -> np.ndarray:
        """The side's supply cost to every hex with no enemy counted (inf: beyond its supply range whatever the
        enemy does; `supply.reach_without_enemies`): the map's, so every side may read it. Read-only."""
        return supply.reach_without_enemies(self._state, self.side)[1]

    def mark_fresh(self, mark: LastSeen) -> bool:
        """Whether fire on a suspected position may be laid on `mark` now, by its age (`rules.mark_is_fresh`);
        range, spotter and the rest are `check`'s."""
        return rules.mark_is_fresh(self._state, mark.turn)

    def suspected_fire_odds(self, uid: str, idx: int) -> list[combat.FireOdds]:
        """The odds of `uid` firing on hex `idx` as a suspected position, as this side can know them: at each unit
        it marked there recently enough (`CombatRules.suspected_fire_max_age_turns`), of the type it saw and as
        strong as it was then, with every modifier the resolution applies (the suspected position's, the
        spotter's). The hex may be empty now, or hold others: the resolution fires at whoever is there."""
        return [odds for _, odds in self.suspected_fire_odds_by_mark(uid, idx)]

    def suspected_fire_odds_by_mark(self, uid: str, idx: int) -> list[tuple[LastSeen, combat.FireOdds]]:
        """`suspected_fire_odds` with the mark each odds are at, for a caller that weighs the marks (one seen
        leaving the hex, `LastSeen.left`) without matching two lists by their order."""
        st = self._state
        u = self._own(uid)
        extra = rules.suspected_fire_modifiers(st, self.spotter(idx))
        out = []
        for m in self.suspected_marks(idx):
            if not rules.mark_is_fresh(st, m.turn):
                continue
            ghost = st.unit(m.id).copy()  # (the unit as the side saw it: its type, where and how strong)
            ghost.idx, ghost.strength = m.idx, m.strength
            out.append((m, combat.fire_odds(st, u, ghost, "artillery", extra)))
        return out


_CONSEQUENCES = frozenset({"UnitDestroyed", "UnitRetreated", "UnitRevealed"})
"""Events logged after the order that caused them (`rules._emit(state, cause, *after)`)."""


def _destroyed_seen(state: GameState, side: int) -> frozenset[str] | bool:
    """The units `side` saw destroyed: it saw their `UnitDestroyed`, or the event that destroyed them, naming them
    (its own fire or assault; an ambush it sprang, its ambushers gone when the loss is judged; an assault on its
    units). True when the game's sightings do not cover its log (every loss counts as seen, as before).

    Read incrementally: one memo per game, on the state (`GameState._memos`: it lives and dies with the game, and a
    copied state starts again), holding how far it has read of the log it was read from. (It was on the map, which
    every game of a scenario shares: it kept the last game's whole log alive after the game was dropped.)"""
    log, sights = state.log, state.sightings
    if sights is None or len(sights) != len(log):
        return True
    memo = state._memos.get("view.destroyed_seen")
    if memo is None or memo["log"] is not log or memo["read"] > len(log):
        memo = state._memos["view.destroyed_seen"] = {"log": log, "read": 0, "seen": (set(), set())}
    seen = memo["seen"]
    for k in range(memo["read"], len(log)):
        ev = log[k]
        if ev.kind != "UnitDestroyed":
            continue
        uid = ev.unit  # type: ignore[attr-defined]
        j = _cause_index(log, k)
        named = j >= 0 and uid in _involved_units(log[j])
        for s in (0, 1):
            if sights[k][s] or (named and sights[j][s]):
                seen[s].add(uid)
    memo["read"] = len(log)
    return frozenset(seen[side])


def _cause_index(log: list[Event], k: int) -> int:
    """The index of the event that caused log entry `k` (a consequence, `_CONSEQUENCES`): the last earlier entry
    that is not itself a consequence (-1: none)."""
    j = k - 1
    while j >= 0 and log[j].kind in _CONSEQUENCES:
        j -= 1
    return j


def _index_in_log(log: list[Event], ev: Event) -> int:
    """Where `ev` itself (not an equal event) is in `log`, searched from the end: the rules judge an event's
    sightings right after logging it (-1: not there)."""
    for k in range(len(log) - 1, -1, -1):
        if log[k] is ev:
            return k
    return -1


def _dealt_by(state: GameState, ev: Event, side: int, k: int | None = None) -> bool:
    """Was the loss `ev` (a `UnitDestroyed`, log entry `k`) dealt by `side`: its cause (`_cause_index`) is the
    side's own fire, strike, assault or ambush, or has a unit of the side firing at the unit, and names the unit on
    the hex it died on? A side knows the result of its own fire even when its firer no longer sees the hex (an
    ambush party that slipped away into cover). Nothing new leaks: the cause, which the side saw, named the unit
    and its hex; a unit that died elsewhere (a retreat, a drone shot down over its target) is judged as before."""
    log = state.log
    if k is None:
        k = _index_in_log(log, ev)
    j = _cause_index(log, k) if k >= 0 else -1
    if j < 0:
        return False
    cause = log[j]
    uid = ev.unit  # type: ignore[attr-defined]
    if uid not in _involved_units(cause) or tuple(ev.hex) not in cause.hexes():  # type: ignore[attr-defined]
        return False
    if getattr(cause, "side", None) == SIDES[side]:
        return True
    index, units = state.unit_index, state.units
    for fr in cause.fire_results():
        if fr.target == uid and fr.firer in index and units[index[fr.firer]].side == side:
            return True
    return False


def objective_mask(gmap: GameMap) -> np.ndarray:
    """The objective hexes (read-only): who holds them is public, from the briefing's map and then every
    change's `ControlChanged`."""
    got = gmap.derived.get("view.objective")
    if got is None:
        got = np.zeros(gmap.n, dtype=bool)
        got[list(gmap.objective_hexes)] = True
        got.setflags(write=False)
        gmap.derived["view.objective"] = got
    return got


def grounded_limits(state: GameState, side: int | None = None) -> dict[str, tuple[FlightLimit, ...]]:
    """Grounded air unit id -> the weather limits that ground it this turn: a side's (`SideView.grounded_limits`),
    or both sides' (None: a replay of both sides, `--see-all`)."""
    table = state.scenario.unit_table
    return {k: flight_limits(table[state.unit(k).type], state.weather) for k, v in state.grounded.items()
            if v is not None and (side is None or state.unit(k).side == side)}


def observe(state: GameState, side: int) -> SideView:
    return SideView(state, side)


# ---------------------------------------------------------------------------------------------- event log
PUBLIC_EVENTS = frozenset({"GameStarted", "TurnStarted", "WeatherReport", "PhaseStarted", "ObjectiveStatus",
                           "RoadCut", "GameOver"})
"""Events every side knows about (the clock, the weather, the objectives; `ControlChanged` on an objective). A
sandbox edit with no side (the weather) is seen by both as every sideless event is; a placement as a move is."""
PRIVATE_EVENTS = frozenset({"UnitHidden", "SupplyReport", "AirStatus", "HiddenUnitShelled"})
"""The other side's bookkeeping, never shown to its enemy."""


def _involved_units(ev: Event) -> set[str]:
    ids = set(ev.units())
    for fr in ev.fire_results():
        ids.update((fr.firer, fr.target))
    for name in ("defenders", "detected"):
        ids.update(getattr(ev, name, None) or ())
    for eng in getattr(ev, "engagements", None) or ():
        ids.update((eng.ad_unit, eng.drone))
    drone = getattr(ev, "drone", None)
    if isinstance(drone, str):
        ids.add(drone)
    return ids


def seen_by(state: GameState, ev: Event, k: int | None = None) -> tuple[bool, bool]:
    """Could each side observe `ev` when it happened? Own events and public ones always; the enemy's when
    they touch the side's own units or happen on a hex the side sees; an enemy unit's destruction also when the
    side dealt it (`_dealt_by`; `k`: `ev`'s index in `state.log`, found there when not given)."""
    out = []
    ev_side = getattr(ev, "side", None)
    for s in (0, 1):
        if ev.kind in PUBLIC_EVENTS or ev_side == SIDES[s] or ev_side is None:
            out.append(True)
        elif ev.kind in PRIVATE_EVENTS:
            out.append(False)
        elif any(uid in state.unit_index and state.unit(uid).side == s for uid in _involved_units(ev)):
            out.append(True)
        elif ev.kind in ("UnitMoved", "ReinforcementArrived", "SandboxEdit") and state.unit(ev.unit).hidden:
            out.append(False)  # an infiltrating unit that stayed hidden (or arrived so) is not seen, wherever it is
        elif ev.kind == "ControlChanged":  # objectives are public; another place only if the taker was seen there
            idx = state.map.idx(ev.hex)
            out.append(idx in state.map.objective_set
                       or (not ev.taken_unseen and bool(visible_hexes(state, s)[idx])))
        else:
            vis = visible_hexes(state, s)
            out.append(any(vis[state.map.idx(h)] for h in ev.hexes() if state.map.on_map(h))
                       or (ev.kind == "UnitDestroyed" and _dealt_by(state, ev, s, k)))
    return out[0], out[1]


def glimpse(state: GameState, ev: Event, side: int) -> tuple[int, ...] | None:
    """The positions in an enemy `UnitMoved`'s path that `side` sees now, when it sees some but not all of
    them (else None): what the log may show of a move seen in part."""
    vis = visible_hexes(state, side)
    idx = state.map.idx
    seen = tuple(k for k, h in enumerate(ev.path) if vis[idx(h)])  # type: ignore[attr-defined]
    return seen if seen and len(seen) < len(ev.path) else None  # type: ignore[attr-defined]


def _as_glimpsed(ev: Event, seen: tuple[int, ...]) -> MoveGlimpsed:
    path = ev.path  # type: ignore[attr-defined]
    return MoveGlimpsed.make(turn=ev.turn, side=ev.side, unit=ev.unit,  # type: ignore[attr-defined]
                             path=[path[k] for k in seen], start_unseen=seen[0] != 0,
                             end_unseen=seen[-1] != len(path) - 1)


UNSEEN_SPOTTER = "an observer"
"""What the target's side reads for the spotter of an enemy fire mission (`visible_log`): the spotter may be a unit
it does not see (a hidden special-forces team), and the event named it."""
_SPOTTED_FIRE = frozenset({"ArtilleryFired", "SuspectedFire"})


UNSEEN_FIRER = "an unseen battery"
"""What the side under fire reads for a firer it did not see when it fired (`GameState.unseen_firers`): an off-map
battery, or one beyond its sight. The results keep their numbers (the firepower, the rolls: what the shells did)."""


def _as_target_reads(ev: Event, firer_unseen: bool = False) -> Event:
    """An enemy fire mission as its target's side reads it: the spotter not named (a recon drone is: its modifier is
    in the results); on a suspected position, not when the firer marked it (`SuspectedFire.mark_turn`: the target
    learns only that it came under fire at its hex, and what it lost); a firer it did not see, not named
    (`firer_unseen`: `UNSEEN_FIRER`, in the results too)."""
    changes: dict[str, Any] = {}
    if ev.spotter not in ("recon drone", "?", UNSEEN_SPOTTER):  # type: ignore[attr-defined]
        changes["spotter"] = UNSEEN_SPOTTER
    if getattr(ev, "mark_turn", None) is not None:
        changes["mark_turn"] = None
    if firer_unseen:
        changes["unit"] = UNSEEN_FIRER
        changes["fire"] = [attrs.evolve(f, firer=UNSEEN_FIRER) for f in ev.fire]  # type: ignore[attr-defined]
    return attrs.evolve(ev, **changes) if changes else ev


UNSEEN_AIR_DEFENCE = "unseen air defence"
"""What a drone's side reads for an air-defence unit it did not see when it engaged (`GameState.unseen_air_defence`)."""


def _as_engaged_reads(ev: Event, unseen: tuple[int, ...]) -> Event:
    """An own drone sortie with the engagements at `unseen` by air defence the side did not see, not named."""
    engagements = [attrs.evolve(eng, ad_unit=UNSEEN_AIR_DEFENCE) if i in unseen else eng
                   for i, eng in enumerate(ev.engagements)]  # type: ignore[attr-defined]
    return attrs.evolve(ev, engagements=engagements)


def _unseen_engagements(state: GameState, ev: Event, k: int, tracked: bool) -> tuple[int, ...]:
    """The positions in own sortie `k`'s engagements of air defence its side did not see: as recorded when it flew
    in a game that tracks sightings, else judged on what it knows now (`rules.engagements_unknown`)."""
    if tracked:
        return state.unseen_air_defence.get(k, ())  # type: ignore[union-attr]
    return rules.engagements_unknown(state, ev)


def _as_shelled_reads(ev: Event) -> Event:
    """A hidden unit's own record of coming under fire (`HiddenUnitShelled`) when its side did not see the firer."""
    return attrs.evolve(ev, firer=UNSEEN_FIRER, fire=attrs.evolve(ev.fire, firer=UNSEEN_FIRER))  # type: ignore[attr-defined]


def _firer_unseen(state: GameState, ev: Event, k: int, tracked: bool) -> bool:
    """Whether the side under fire in log entry `k` did not see the firer: as recorded when it fired in a game that
    tracks sightings (`GameState.unseen_firers`), else judged on what it knows now (`rules.firer_unknown`)."""
    if tracked:
        return k in state.unseen_firers  # type: ignore[operator]
    return rules.firer_unknown(state, ev)


def visible_log(state: GameState, side: int, start: int = 0) -> list[tuple[int, Event]]:
    """(index in state.log, event) pairs `side` may know about, from index `start`, as it saw them: an enemy
    move seen only in part comes as a `MoveGlimpsed` holding the seen hexes alone; an enemy fire mission does not
    name its spotter, nor, on a suspected position, the turn of the mark it was laid on, nor a firer the side did not
    see when it fired (`_as_target_reads`, `UNSEEN_FIRER`); an own drone sortie does not name the air defence that
    engaged it unseen (`UNSEEN_AIR_DEFENCE`).

    Exact when the game tracks sightings (`new_game(..., track_sightings=True)`, as every UI game does);
    otherwise judged with the side's present knowledge and hidden flags: it may hide enemy moves that were
    seen, and show part of an infiltrator's move that was unseen when made but whose hexes are in view now."""
    log = state.log
    own = SIDES[side]
    tracked = state.sightings is not None and len(state.sightings) == len(log)
    sights, glimpses = state.sightings, state.glimpses or {}
    out: list[tuple[int, Event]] = []
    for k in range(start, len(log)):
        ev = log[k]
        if not (sights[k][side] if tracked else seen_by(state, ev, k)[side]):  # type: ignore[index]
            continue
        seen = None
        if ev.kind == "UnitMoved" and ev.side != own:  # type: ignore[attr-defined]
            seen = glimpses.get(k) if tracked else glimpse(state, ev, side)
        elif ev.kind in _SPOTTED_FIRE and ev.side != own:  # type: ignore[attr-defined]
            ev = _as_target_reads(ev, _firer_unseen(state, ev, k, tracked))
        elif ev.kind == "HiddenUnitShelled" and _firer_unseen(state, ev, k, tracked):
            ev = _as_shelled_reads(ev)
        elif ev.kind in rules.SORTIES and ev.side == own and ev.engagements:  # type: ignore[attr-defined]
            unseen = _unseen_engagements(state, ev, k, tracked)
            if unseen:
                ev = _as_engaged_reads(ev, unseen)
        out.append((k, ev if seen is None else _as_glimpsed(ev, seen)))
    return out
