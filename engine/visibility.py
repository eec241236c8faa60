"""Who sees what: per-side visible hexes, known enemy units, detection of hidden units.

A side sees the union of its ground units' viewsheds (capped by weather and darkness) and the hexes its
recon drones cover this turn. Enemy units in visible hexes are known unless hidden; hidden units are found
only by detection (close range, low concealment), contact, or when they fire.
"""

from __future__ import annotations

import numpy as np

from engine.state import GameState
from engine.units import Unit, other
from engine.weather import ground_vision_cap


def vision_range(state: GameState, u: Unit) -> int:
    """Hexes unit `u` sees this turn: its type's vision capped by weather and darkness (cached per turn)."""
    key = (state.turn, state.weather_override)  # the weather is fixed per turn unless the sandbox overrides it
    cached_key, ranges = state._vision_ranges
    if cached_key != key:
        ranges = {}
        state._vision_ranges = (key, ranges)
    got = ranges.get(u.type)
    if got is None:
        ut = state.utype(u)
        cap = ground_vision_cap(state.weather, state.night, ut.night_capable, state.map.hex_km)
        got = ranges[u.type] = min(ut.vision_hexes, cap)
    return got


def visible_hexes(state: GameState, side: int) -> np.ndarray:
    """Boolean mask of hexes `side` can see now.

    Cached on what it depends on: where the side's observers stand and how far they see, and its recon cover.
    """
    got = state._vis_cache.get(side)
    if got is not None and got[0] == state.version:
        return got[2]
    observers = tuple(sorted({(u.idx, vision_range(state, u)) for u in state.ground_units(side)}))
    key = (observers, state.recon_version)
    if got is not None and got[1] == key:
        state._vis_cache[side] = (state.version, key, got[2])
        return got[2]
    mask = state.recon_cover[side].copy()
    gmap = state.map
    for idx, rng in observers:
        mask[gmap.viewshed(idx, rng)] = True
    mask.flags.writeable = False
    state._vis_cache[side] = (state.version, key, mask)
    return mask


def is_known(state: GameState, observer_side: int, u: Unit) -> bool:
    """Can `observer_side` see enemy unit `u` right now?"""
    if u.side == observer_side:
        return True
    if u.hidden or u.offmap or not u.active or state.utype(u).domain != "ground":
        return False
    return bool(visible_hexes(state, observer_side)[u.idx])


def known_enemies(state: GameState, side: int) -> list[Unit]:
    vis = visible_hexes(state, side)
    return [u for u in state.ground_units(other(side)) if not u.hidden and vis[u.idx]]


def known_enemy_hexes(state: GameState, side: int) -> tuple[frozenset[int], frozenset[int]]:
    """(occupied, zone of control) hex sets of the enemy units `side` knows about (cached per version)."""
    key = (state.version, side)
    got = state._enemy_hex_cache.get(side)
    if got is not None and got[0] == key:
        return got[1]
    nbr = state.map.nbr_list
    occ = frozenset(u.idx for u in known_enemies(state, side))
    zoc = frozenset(j for i in occ for j in nbr[i] if j >= 0)
    state._enemy_hex_cache[side] = (key, (occ, zoc))
    return occ, zoc


def known_enemy_masks(state: GameState, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(occupied, zone of control) masks of the enemy units `side` knows about."""
    n = state.map.n
    occ_set, zoc_set = known_enemy_hexes(state, side)
    occ = np.zeros(n, dtype=bool)
    occ[list(occ_set)] = True
    zoc = np.zeros(n, dtype=bool)
    zoc[list(zoc_set)] = True
    return occ, zoc


def detection_range(state: GameState, observer: Unit, target: Unit) -> int:
    """Hexes at which `observer` detects hidden `target`: its detection + target signature − concealment."""
    gmap = state.map
    return state.utype(observer).detect + state.utype(target).signature - int(gmap.concealment[target.idx])


def detect_hidden(state: GameState, side: int) -> list[tuple[Unit, str]]:
    """Hidden enemy units that `side`'s ground units detect now, with the reason. Does not mutate."""
    gmap = state.map
    found: list[tuple[Unit, str]] = []
    observers = state.ground_units(side)
    for t in state.ground_units(other(side)):
        if not t.hidden:
            continue
        for o in observers:
            d = gmap.distance(o.idx, t.idx)
            if d == 1:
                found.append((t, f"in contact with {o.id}"))
                break
            rng = min(detection_range(state, o, t), vision_range(state, o))
            if d <= rng and gmap.has_los(o.idx, t.idx):
                found.append((t, f"spotted by {o.id} at {d} hex(es) (detect {state.utype(o).detect} + signature "
                                 f"{state.utype(t).signature} − concealment {int(gmap.concealment[t.idx])})"))
                break
    return found


def spotter_for(state: GameState, side: int, idx: int) -> str | None:
    """Who lets `side` observe hex `idx` (recon drone first, then a ground observer with LOS), or None."""
    if state.recon_cover[side][idx]:
        return "recon drone"
    gmap = state.map
    for u in state.ground_units(side):
        r = vision_range(state, u)
        if gmap.distance(u.idx, idx) <= r and np.any(gmap.viewshed(u.idx, r) == idx):
            return u.id
    return None
