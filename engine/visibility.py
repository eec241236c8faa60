"""Who sees what: per-side visible hexes, known enemy units, detection of hidden units.

A side sees the union of its ground units' viewsheds (capped by weather and darkness) and the hexes its
recon drones cover this turn. Enemy units in visible hexes are known unless hidden; hidden units are found
only by detection (close range, low concealment), contact, or when they fire.
"""

from __future__ import annotations

import numpy as np

from engine import kernels
from engine.state import GameState
from engine.units import Unit, other
from engine.weather import ground_vision_cap


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
            hex_km = state.map.hex_km
            new = {name: min(ut.vision_hexes, ground_vision_cap(w, night, ut.night_capable, hex_km))
                   for name, ut in table.items()}
            ranges = next((r for r in interned.values() if r == new), new)
            interned[light] = ranges
        state._vision_ranges = (key, ranges)
    return ranges


def vision_range(state: GameState, u: Unit) -> int:
    """Hexes unit `u` sees this turn: its type's vision capped by weather and darkness."""
    return vision_ranges(state)[u.type]


def visible_hexes(state: GameState, side: int) -> np.ndarray:
    """Boolean mask of hexes `side` can see now.

    Cached on what it depends on: where the side's observers stand and how far they see, and its recon cover.
    """
    got = state._vis_cache.get(side)
    if got is not None and got[0] == state.version:
        return got[3]
    key = _sight_key(state)
    if got is not None and got[1] == key:  # nobody moved, joined, left or flew recon; same light
        state._vis_cache[side] = (state.version, key, got[2], got[3])
        return got[3]
    ground = _ground_view(state, side)
    if got is not None and got[2] is ground and got[1][2] == key[2]:
        mask = got[3]
    elif _recon_empty(state, side):
        mask = ground  # read-only already
    else:
        mask = ground | state.recon_cover[side]
        mask.setflags(write=False)
    state._vis_cache[side] = (state.version, key, ground, mask)
    return mask


def _recon_empty(state: GameState, side: int) -> bool:
    """Does `side` have no recon cover now? (Cached per `recon_version`: most of the time nothing is
    covered, and the visible mask is then the ground view itself.)"""
    got = state._recon_empty.get(side)
    if got is None or got[0] != state.recon_version:
        got = state._recon_empty[side] = (state.recon_version, not np.count_nonzero(state.recon_cover[side]))
    return got[1]


def _sight_key(state: GameState) -> tuple:
    """Everything visibility reads that orders change, as counters: who is in play and where (both sides),
    recon cover, and the turn and weather (which fix the vision ranges)."""
    return (state.roster_version, state.pos_version, state.recon_version, state.turn, state.weather_override)


def _ground_view(state: GameState, side: int) -> np.ndarray:
    """Union of the viewsheds of `side`'s ground units.

    Kept incrementally: a count of observers per hex, updated only for the units that moved, joined or left
    since the last call (rebuilt when the vision ranges change with light and weather)."""
    ranges = vision_ranges(state)
    units = state.ground_units(side)
    pos = state.positions(side)
    got = state._ground_view_cache.get(side)
    if got is not None and got[2] is pos and got[0] is ranges:
        return got[4]
    gmap = state.map
    if got is not None and got[0] is ranges:
        counts = got[3]
        if got[1] is units and got[2] == pos:  # nobody moved after all (moved and came back): same mask
            state._ground_view_cache[side] = (ranges, units, pos, counts, got[4])
            return got[4]
        if got[1] is units and kernels.JIT:  # same units: only moves (the mask follows the counts)
            mask = got[4].copy()  # the old mask may be held by other caches: never changed in place
            for u, old, new in zip(units, got[2], pos, strict=True):
                if old != new:
                    r = ranges[u.type]
                    kernels.shift_counts(counts, mask, gmap.viewshed(old, r), gmap.viewshed(new, r))
            mask.setflags(write=False)
            state._ground_view_cache[side] = (ranges, units, pos, counts, mask)
            return mask
        if got[1] is units:  # the same without numba: the reference
            for u, old, new in zip(units, got[2], pos, strict=True):
                if old != new:
                    r = ranges[u.type]
                    counts[gmap.viewshed(old, r)] -= 1
                    counts[gmap.viewshed(new, r)] += 1
        else:  # units joined or left (arrivals, losses): diff by unit
            before = {id(u): p for u, p in zip(got[1], got[2], strict=True)}
            after = {id(u): p for u, p in zip(units, pos, strict=True)}
            for u, p in zip(got[1], got[2], strict=True):
                if after.get(id(u)) != p:
                    counts[gmap.viewshed(p, ranges[u.type])] -= 1
            for u, p in zip(units, pos, strict=True):
                if before.get(id(u)) != p:
                    counts[gmap.viewshed(p, ranges[u.type])] += 1
    elif units:
        counts = np.bincount(np.concatenate([gmap.viewshed(u.idx, ranges[u.type]) for u in units]),
                             minlength=gmap.n).astype(np.int32)
    else:
        counts = np.zeros(gmap.n, dtype=np.int32)
    mask = counts > 0
    mask.setflags(write=False)
    state._ground_view_cache[side] = (ranges, units, pos, counts, mask)
    return mask


def is_known(state: GameState, observer_side: int, u: Unit) -> bool:
    """Can `observer_side` see enemy unit `u` right now?"""
    if u.side == observer_side:
        return True
    if u.hidden or u.offmap or not u.active or state.utype(u).domain != "ground":
        return False
    return bool(visible_hexes(state, observer_side)[u.idx])


def known_enemies(state: GameState, side: int) -> list[Unit]:
    """Enemy ground units `side` sees now (a shared list: do not mutate).

    Cached on what it reads: the side's visible mask, where the enemy stands (its positions tuple, new
    whenever units move, join or leave play) and the enemy's hidden flags (`hidden_version`). The same list
    object is returned while they are unchanged: the caches below compare it by identity."""
    got = state._known_cache.get(side)
    if got is not None and got[0] == state.version:
        return got[4]
    key = (_sight_key(state), state.hidden_version)
    if got is not None and got[5] == key:  # nothing it reads has changed
        state._known_cache[side] = (state.version, *got[1:])
        return got[4]
    vis = visible_hexes(state, side)
    pos = state.positions(other(side))
    if got is not None and got[1] is vis and got[2] is pos and got[3] == state.hidden_version:
        known = got[4]
    else:
        known = [u for u in state.ground_units(other(side)) if not u.hidden and vis[u.idx]]
        if got is not None and got[4] == known:
            known = got[4]  # same units: keep the object
    state._known_cache[side] = (state.version, vis, pos, state.hidden_version, known, key)
    return known


def known_enemy_hexes(state: GameState, side: int) -> tuple[frozenset[int], frozenset[int]]:
    """(occupied, zone of control) hex sets of the enemy units `side` knows about (cached with
    `known_enemies`)."""
    got = state._enemy_hex_cache.get(side)
    if got is not None and got[3] == state.version:  # nothing changed since the last answer
        return got[2]
    known = known_enemies(state, side)
    pos = state.positions(other(side))
    if got is not None and got[0] is known and got[1] is pos:
        state._enemy_hex_cache[side] = (known, pos, got[2], state.version)
        return got[2]
    occ = frozenset([u.idx for u in known])
    if got is not None and got[2][0] == occ:  # unchanged: keep the same object (dependent caches stay valid)
        state._enemy_hex_cache[side] = (known, pos, got[2], state.version)
        return got[2]
    zoc = state.map.adjacent_to(occ)
    state._enemy_hex_cache[side] = (known, pos, (occ, zoc), state.version)
    return occ, zoc


def known_enemy_masks(state: GameState, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(occupied, zone of control) masks of the enemy units `side` knows about (read-only, cached with
    `known_enemy_hexes`)."""
    sets = known_enemy_hexes(state, side)
    got = state._enemy_mask_cache.get(side)
    if got is not None and got[0] is sets:
        return got[1]
    n = state.map.n
    occ_set, zoc_set = sets
    occ = np.zeros(n, dtype=bool)
    occ[list(occ_set)] = True
    zoc = np.zeros(n, dtype=bool)
    zoc[list(zoc_set)] = True
    occ.setflags(write=False)
    zoc.setflags(write=False)
    state._enemy_mask_cache[side] = (sets, (occ, zoc))
    return occ, zoc


def detection_range(state: GameState, observer: Unit, target: Unit) -> int:
    """Hexes at which `observer` detects hidden `target`: its detection + target signature − concealment."""
    gmap = state.map
    return state.utype(observer).detect + state.utype(target).signature - int(gmap.concealment[target.idx])


def detect_hidden(state: GameState, side: int) -> list[tuple[Unit, str]]:
    """Hidden enemy units that `side`'s ground units detect now, with the reason. Does not mutate.

    A target is found by the first observer (in scenario order) in contact with it, or within its detection
    range (detect + signature − concealment, capped by vision) with a line of sight."""
    gmap = state.map
    found: list[tuple[Unit, str]] = []
    observers = state.ground_units(side)
    targets = [t for t in state.ground_units(other(side)) if t.hidden]
    if not observers or not targets:
        return found
    table = state.scenario.unit_table
    ranges = vision_ranges(state)
    # every (target, observer) pair at once: hex distance and detection reach
    o_idx = np.array(state.positions(side), dtype=np.int64)  # the observers' hexes, in the same order
    t_idx = np.array([t.idx for t in targets], dtype=np.int64)
    sig = np.array([table[t.type].signature for t in targets], dtype=np.int64)
    got = state._observer_cache.get(side)  # the observers' detection and vision, while they and the light last
    if got is None or got[0] is not observers or got[1] is not ranges:
        got = state._observer_cache[side] = (
            observers, ranges, np.array([table[o.type].detect for o in observers], dtype=np.int64),
            np.array([ranges[o.type] for o in observers], dtype=np.int64))
    detect, vision = got[2], got[3]
    if kernels.JIT:
        d, cand, rows = kernels.detection_pairs(gmap.q, gmap.r, t_idx, o_idx, gmap.concealment, sig, detect, vision)
    else:
        d = gmap.distance_matrix(t_idx, o_idx)
        reach = np.minimum(detect[None, :] + (sig - gmap.concealment[t_idx])[:, None], vision[None, :])
        cand = (d == 1) | (d <= reach)
        rows = np.flatnonzero(cand.any(axis=1))
    conceal = gmap.concealment
    for ti in rows.tolist():
        t = targets[ti]
        for k in np.flatnonzero(cand[ti]).tolist():
            o = observers[k]
            dk = int(d[ti, k])
            if dk == 1:
                found.append((t, f"in contact with {o.id}"))
                break
            if gmap.has_los(o.idx, t.idx):
                found.append((t, f"spotted by {o.id} at {dk} hex(es) (detect {table[o.type].detect} + signature "
                                 f"{table[t.type].signature} − concealment {int(conceal[t.idx])})"))
                break
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
