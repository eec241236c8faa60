"""Who sees what: per-side visible hexes, known enemy units, detection of hidden units.

A side sees the union of its ground units' viewsheds (capped by weather and darkness) and the hexes its
recon drones cover this turn. Enemy units in visible hexes are known unless hidden; hidden units are found
only by detection (close range, low concealment), contact, or when they fire.
"""

from __future__ import annotations

from itertools import compress
from operator import ne

import numpy as np

from engine import kernels
from engine.kernels import BOOL, INT32, INT64, INTP
from engine.mapdata import ViewshedStore
from engine.state import GameState
from engine.units import Unit
from engine.weather import ground_vision_cap


def recon_finds(concealment: int, detect: int, signature: int) -> bool:
    """Does a recon sortie find a hidden unit: its hex's concealment below the drone's detect plus the unit type's
    signature (the rule `engine.rules` applies, and the UI's recon preview tells from the tables)."""
    return concealment < detect + signature


def vision_ranges(state: GameState) -> dict[str, int]:
    """Unit type -> hexes its units see this turn: the type's vision capped by weather and darkness.

    Cached per turn (the weather is fixed per turn unless the sandbox overrides it). Equal ranges are the
    same (shared, read-only) dict object, whatever the turn or game: caches keyed on it stay valid."""
    cached_key, ranges = state._vision_ranges
    if cached_key is not None and cached_key[0] == state.turn and cached_key[1] is state.weather_override:
        return ranges
    key = (state.turn, state.weather_override)
    if cached_key != key:
        w, night = state.weather, state.night
        table = state.scenario.unit_table
        interned = state.map.memo_for("visibility.ranges", table)
        light = (w.visibility_km, w.fog, night)  # all that ground_vision_cap reads of the weather and the clock
        ranges = interned.get(light)
        if ranges is None:
            ranges = interned[light] = _new_ranges(state, interned)
        state._vision_ranges = (key, ranges)
    return ranges


def _new_ranges(state: GameState, interned: dict) -> dict[str, int]:
    """`vision_ranges` for a light not met before on this map: an equal dict met before, else a new one.
    (A function of its own: its comprehensions' closures made every call of `vision_ranges` allocate cells.)"""
    w, night, hex_km = state.weather, state.night, state.map.hex_km
    new = {name: min(ut.vision_hexes, ground_vision_cap(w, night, ut.night_capable, hex_km))
           for name, ut in state.scenario.unit_table.items()}
    return next((r for r in interned.values() if r == new), new)


def vision_range(state: GameState, u: Unit) -> int:
    """Hexes unit `u` sees this turn: its type's vision capped by weather and darkness."""
    return vision_ranges(state)[u.type]


class _Knowledge:
    """What one side sees and knows now (`_know`), with the inputs each part was computed from. A part keeps
    its object while its inputs are unchanged: the caches downstream (reach searches, contacts, views)
    compare them by identity."""

    __slots__ = ("counters", "counts", "enemy_pos", "enemy_units", "ground", "hidden_version", "known", "known_vis",
                 "masks", "masks_sets", "own_pos", "own_units", "radius", "ranges", "recon_empty", "sets", "sets_known",
                 "sets_pos", "store", "version", "vis", "vis_ground", "vis_recon")

    def __init__(self) -> None:
        self.version = -1
        self.counters: tuple = ()
        # the ground view: observers per hex (`counts`) and where it is non-zero (`ground`)
        self.ranges: dict[str, int] | None = None
        self.own_units: list[Unit] | None = None
        self.own_pos: tuple[int, ...] | None = None
        self.store: ViewshedStore | None = None  # the map's viewsheds as flat arrays (with numba)
        self.radius: list[int] = []  # how far each unit sees, clamped to the store's radius (with numba)
        self.counts: np.ndarray | None = None
        self.ground: np.ndarray | None = None
        # the visible mask: the ground view and the recon cover
        self.vis: np.ndarray | None = None
        self.vis_ground: np.ndarray | None = None
        self.vis_recon = -1
        self.recon_empty = True
        # the known enemy units
        self.known: list[Unit] = []
        self.known_vis: np.ndarray | None = None
        self.enemy_units: list[Unit] | None = None
        self.enemy_pos: tuple[int, ...] | None = None
        self.hidden_version = -1
        # their (occupied, zone of control) hex sets, and the same as masks
        self.sets: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        self.sets_known: list[Unit] | None = None
        self.sets_pos: tuple[int, ...] | None = None
        self.masks: tuple[np.ndarray, np.ndarray] | None = None
        self.masks_sets: tuple[frozenset[int], frozenset[int]] | None = None


def _know(state: GameState, side: int) -> _Knowledge:
    """`side`'s knowledge brought up to date in one pass: the ground view (observer counts updated only for
    the units that moved, joined or left), the visible mask, the known enemy units and their hexes.

    Cached on what it reads: the state's `version`; else the counters that orders bump (who is in play and
    where, on both sides; recon cover; hidden flags; the turn and weather, which fix the vision ranges), so
    that an order that changed none of them costs a tuple compare; else each input by identity, so that
    only the parts whose inputs changed are recomputed."""
    k = state._know[side]
    if k is None:
        k = state._know[side] = _Knowledge()
    elif k.version == state.version:
        return k
    spv = state.side_pos_version
    counters = (state.roster_version, spv[0], spv[1], state.recon_version, state.hidden_version, state.turn,
                state.weather_override)
    if counters == k.counters:
        k.version = state.version
        return k
    vr_key, ranges = state._vision_ranges  # (the fast path of `vision_ranges`, inline)
    if vr_key is None or vr_key[0] != state.turn or vr_key[1] is not state.weather_override:
        ranges = vision_ranges(state)
    g, pos_now = state._ground_now, state._pos_now  # (the fast paths of `ground_units` and `positions`, inline)
    own_units = g[1 + side] if g is not None else state.ground_units(side)
    own_pos = pos_now[side]
    if own_pos is None:
        own_pos = state.positions(side)
    if own_pos is not k.own_pos or ranges is not k.ranges or own_units is not k.own_units:
        _update_ground(state, k, side, ranges, own_units, own_pos)
    ground = k.ground
    recon = state.recon_version
    if ground is not k.vis_ground or recon != k.vis_recon:
        if recon != k.vis_recon:  # most of the time nothing is covered: the visible mask is the ground view
            k.recon_empty = not np.count_nonzero(state.recon_cover[side])
        if k.recon_empty:
            k.vis = ground  # read-only already
        else:
            k.vis = ground | state.recon_cover[side]
            k.vis.setflags(False)  # read-only (write=False, passed positionally: 3x cheaper)
        k.vis_ground, k.vis_recon = ground, recon
    vis = k.vis
    g = state._ground_now
    enemy_units = g[2 - side] if g is not None else state.ground_units(1 - side)
    enemy_pos = pos_now[1 - side]
    if enemy_pos is None:
        enemy_pos = state.positions(1 - side)
    hidden = state.hidden_version
    if vis is not k.known_vis or enemy_pos is not k.enemy_pos or enemy_units is not k.enemy_units or \
            hidden != k.hidden_version:
        known = []
        for u in enemy_units:  # (a loop: a comprehension's closure would cost every call of `_know` a cell)
            if not u.hidden and vis[u.idx]:
                known.append(u)
        if known != k.known:  # else the same units: keep the object
            k.known = known
        k.known_vis, k.enemy_pos, k.enemy_units, k.hidden_version = vis, enemy_pos, enemy_units, hidden
    known = k.known
    if known is not k.sets_known or enemy_pos is not k.sets_pos:
        hexes = []
        for u in known:  # (a loop: a comprehension is a function object and a call)
            hexes.append(u.idx)
        occ = frozenset(hexes)
        if occ != k.sets[0]:  # else unchanged: keep the same object
            k.sets = (occ, state.map.adjacent_to(occ))
        k.sets_known, k.sets_pos = known, enemy_pos
    k.version, k.counters = state.version, counters  # stamped last: a refresh cut short is not taken as done
    return k


def _update_ground(state: GameState, k: _Knowledge, side: int, ranges: dict[str, int], units: list[Unit],
                   pos: tuple[int, ...]) -> None:
    """Bring the ground view (the union of the side's ground units' viewsheds) up to date: the observer counts
    change only for the units that moved since; they are rebuilt, in one compiled pass, when units join or
    leave and when the vision ranges change with light and weather. A new mask object whenever the view
    changed (an old one may be held by other caches: never changed in place)."""
    gmap = state.map
    if k.ground is not None and k.ranges is ranges:
        counts = k.counts
        if k.own_units is units:
            if k.own_pos == pos:  # nobody moved after all (moved and came back): same mask
                pass
            elif kernels.JIT:  # same units: only moves (the mask follows the counts)
                mask = k.ground.copy()
                before = k.own_pos
                store, radius = k.store, k.radius
                for i in compress(range(len(pos)), map(ne, before, pos)):  # the units that moved (C loops)
                    while (missing := kernels.direct.shift_counts(store.start, store.length, store.data, counts, mask,
                                                                  before[i], pos[i], radius[i])) < 0:
                        store.fill(-1 - missing)  # a hex no unit stood on before (on this map): its viewshed, once
                mask.setflags(False)
                k.ground = mask
            else:  # the same without numba: the reference
                for u, old, new in zip(units, k.own_pos, pos, strict=True):
                    if old != new:
                        r = ranges[u.type]
                        counts[gmap.viewshed(old, r)] -= 1
                        counts[gmap.viewshed(new, r)] += 1
                k.ground = counts > 0
                k.ground.setflags(False)
        else:  # units joined or left (arrivals, losses): from scratch
            _ground_from_scratch(state, k, side, ranges, units)
    else:
        _ground_from_scratch(state, k, side, ranges, units)
    k.ranges, k.own_units, k.own_pos = ranges, units, pos


def _clamped(ranges: dict[str, int], radius: int) -> dict[str, int]:
    """`ranges` within the viewshed store's `radius`. (A function of its own: its comprehension's closure made
    every call of `_ground_from_scratch` allocate a cell.)"""
    return {t: max(0, min(r, radius)) for t, r in ranges.items()}


def _ground_from_scratch(state: GameState, k: _Knowledge, side: int, ranges: dict[str, int], units: list[Unit]
                         ) -> None:
    """Observers per hex and the ground view (read-only) of `units`, `side`'s ground units, from scratch: at a
    game's start, when light and weather change the ranges, when units join or leave. With numba, one
    compiled pass over the map's viewshed store, and each unit's range as the moves' updates read it."""
    gmap = state.map
    if kernels.JIT:
        memo = gmap.memo_for("visibility.store", state.scenario.unit_table)
        store = memo.get("store")
        if store is None:
            store = memo["store"] = gmap.viewshed_store(
                max([ut.vision_hexes for ut in state.scenario.unit_table.values()], default=0))
        got = memo.get(id(ranges))  # the ranges clamped to the store's radius, per (interned, long-lived) ranges
        if got is None or got[0] is not ranges:
            got = memo[id(ranges)] = (ranges, _clamped(ranges, store.radius))
        clamped = got[1]
        radius = []
        for u in units:  # (a loop: a comprehension's closure would cost every call a cell)
            radius.append(clamped[u.type])
        counts = np.zeros(gmap.n, INT32)
        mask = np.zeros(gmap.n, BOOL)
        pos = state.positions_array(side)  # the hexes of `units`, in the same order
        radius_a = np.array(radius, INT64)
        while (missing := kernels.direct.ground_counts(store.start, store.length, store.data, pos, radius_a, counts,
                                                       mask)) < 0:
            store.fill(-1 - missing)  # a hex no unit stood on before (on this map): its viewshed, once
        k.store, k.radius = store, radius
    else:  # the reference, without numba
        counts = np.zeros(gmap.n, dtype=np.int32)
        for u in units:
            counts[gmap.viewshed(u.idx, ranges[u.type])] += 1
        mask = counts > 0
    mask.setflags(False)
    k.counts, k.ground = counts, mask


def visible_hexes(state: GameState, side: int) -> np.ndarray:
    """Boolean mask of hexes `side` can see now (read-only): its ground units' viewsheds and its recon cover.
    The same object while it is unchanged."""
    k = state._know[side]
    if k is not None and k.version == state.version:
        return k.vis
    return _know(state, side).vis


def _ground_view(state: GameState, side: int) -> np.ndarray:
    """Union of the viewsheds of `side`'s ground units (read-only)."""
    return _know(state, side).ground


def is_known(state: GameState, observer_side: int, u: Unit) -> bool:
    """Can `observer_side` see enemy unit `u` right now?"""
    if u.side == observer_side:
        return True
    if u.hidden or u.offmap or not u.active or state.scenario.unit_table[u.type].domain != "ground":
        return False
    return bool(visible_hexes(state, observer_side)[u.idx])


def known_enemies(state: GameState, side: int) -> list[Unit]:
    """Enemy ground units `side` sees now (a shared list: do not mutate): those on visible hexes that are not
    hidden. The same list object is returned while they are unchanged: the caches below compare it by
    identity."""
    k = state._know[side]
    if k is not None and k.version == state.version:
        return k.known
    return _know(state, side).known


def known_enemy_hexes(state: GameState, side: int) -> tuple[frozenset[int], frozenset[int]]:
    """(occupied, zone of control) hex sets of the enemy units `side` knows about; the same objects while
    they are unchanged."""
    k = state._know[side]
    if k is not None and k.version == state.version:
        return k.sets
    return _know(state, side).sets


def known_enemy_masks(state: GameState, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(occupied, zone of control) masks of the enemy units `side` knows about (read-only, cached with
    `known_enemy_hexes`)."""
    k = _know(state, side)
    if k.masks_sets is not k.sets:
        n = state.map.n
        occ_set, zoc_set = k.sets
        occ = np.zeros(n, BOOL)
        occ[np.fromiter(occ_set, INTP, len(occ_set))] = True  # (from a set: cheaper than through a list)
        zoc = np.zeros(n, BOOL)
        zoc[np.fromiter(zoc_set, INTP, len(zoc_set))] = True
        occ.setflags(False)
        zoc.setflags(False)
        k.masks, k.masks_sets = (occ, zoc), k.sets
    return k.masks


def detection_range(state: GameState, observer: Unit, target: Unit) -> int:
    """Hexes at which `observer` detects hidden `target`: its detection + target signature − concealment."""
    gmap = state.map
    table = state.scenario.unit_table
    return table[observer.type].detect + table[target.type].signature - int(gmap.concealment[target.idx])


def _observer_arrays(table: dict, ranges: dict[str, int], observers: list[Unit]) -> tuple[np.ndarray, np.ndarray]:
    """The observers' detection values and vision ranges, as `detect_hidden`'s kernel reads them."""
    return (np.array([table[o.type].detect for o in observers], INT64),
            np.array([ranges[o.type] for o in observers], INT64))


def detect_hidden(state: GameState, side: int) -> list[tuple[Unit, str]]:
    """Hidden enemy units that `side`'s ground units detect now, with the reason. Does not mutate.

    A target is found by the first observer (in scenario order) in contact with it, or within its detection
    range (detect + signature − concealment, capped by vision) with a line of sight. The reason names the observer
    only when the target's side sees it (not hidden, in its view): that side reads it, and a hotseat player learned
    a hidden ambush party's name and place from "in contact with arm_inf_4" (and a reviewer an unseen observer's
    from "spotted by az_sf at 3 hex(es)")."""
    gmap = state.map
    found: list[tuple[Unit, str]] = []
    observers = state.ground_units(side)
    table = state.scenario.unit_table
    # (loops, not comprehensions, here and in other hot functions: a comprehension is a function object and a
    # call in Python 3.11, and one that reads a local makes every call of its function allocate a cell)
    targets, t_hexes, t_sig = [], [], []
    for t in state.ground_units(1 - side):
        if t.hidden:
            targets.append(t)
            t_hexes.append(t.idx)
            t_sig.append(table[t.type].signature)
    if not observers or not targets:
        return found
    ranges = vision_ranges(state)
    # every (target, observer) pair at once: hex distance and detection reach
    o_idx = state.positions_array(side)  # the observers' hexes, in the same order
    t_idx = np.array(t_hexes, INT64)
    sig = np.array(t_sig, INT64)
    got = state._observer_cache.get(side)  # the observers' detection and vision, while they and the light last
    if got is None or got[0] is not observers or got[1] is not ranges:
        got = state._observer_cache[side] = (observers, ranges, *_observer_arrays(table, ranges, observers))
    detect, vision = got[2], got[3]
    # the candidate pairs as (target, observer, distance) triples, by target then observer
    if kernels.JIT:
        out = np.empty(3 * len(targets) * len(observers), INT64)
        pairs = out[:kernels.direct.detection_pairs(gmap.q, gmap.r, t_idx, o_idx, gmap.concealment, sig, detect,
                                                     vision, out)].tolist()
    else:
        d = gmap.distance_matrix(t_idx, o_idx)
        reach = np.minimum(detect[None, :] + (sig - gmap.concealment[t_idx])[:, None], vision[None, :])
        cand = (d == 1) | (d <= reach)
        pairs = []
        for ti, k in np.argwhere(cand).tolist():
            pairs += (ti, k, int(d[ti, k]))
    conceal = gmap.concealment
    found_ti = -1
    seen: np.ndarray | None = None  # (what the targets' side sees: asked only when an observer could be named)
    for x in range(0, len(pairs), 3):
        ti, k, dk = pairs[x], pairs[x + 1], pairs[x + 2]
        if ti == found_ti:
            continue  # found already, by an earlier observer
        t, o = targets[ti], observers[k]
        if dk != 1 and not gmap.has_los(o.idx, t.idx):
            continue  # (not found by this observer)
        unseen = o.hidden  # (then, named only when the found side sees it: its view asked at most once a call)
        if not unseen:
            if seen is None:
                seen = visible_hexes(state, 1 - side)
            unseen = not seen[o.idx]
        found_ti = ti
        if dk == 1:
            found.append((t, "in contact with the enemy" if unseen else f"in contact with {o.id}"))
        elif unseen:  # (its distance and detection would place it and tell its type)
            found.append((t, f"spotted by an unseen enemy (signature {table[t.type].signature} − concealment "
                             f"{int(conceal[t.idx])} of its hex)"))
        else:
            found.append((t, f"spotted by {o.id} at {dk} hex(es) (detect {table[o.type].detect} + signature "
                             f"{table[t.type].signature} − concealment {int(conceal[t.idx])})"))
    return found


def spotter_for(state: GameState, side: int, idx: int) -> str | None:
    """Who lets `side` observe hex `idx` (recon drone first, then a ground observer with LOS), or None."""
    if state.recon_cover[side][idx]:
        return "recon drone"
    if not _ground_view(state, side)[idx]:
        return None
    gmap = state.map
    ranges = vision_ranges(state)
    for u in state.ground_units(side):
        if gmap.distance(u.idx, idx) <= ranges[u.type] and gmap.has_los(u.idx, idx):
            return u.id
    return None
