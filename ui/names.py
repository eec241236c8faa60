"""Units as a player reads them: own units by their scenario name (the id in brackets), enemy units by their type
label and id, never by a raw type key. The engine's event texts name units by id (`Event.text()`); the UI
rewrites them for display with `Namer`. Fog of war: an enemy unit is never shown by its scenario name, only by
its type's label (which its counter shows when it is seen) and the id the event already gave."""

from __future__ import annotations

import re
from typing import Any


def type_label(table: Any, type_id: str) -> str:
    """A unit type as players read it: its label without the parenthesised detail ("Infantry"), not its key.

    >>> from types import SimpleNamespace as T
    >>> type_label({"infantry": T(label="Infantry (reservists/volunteers)")}, "infantry")
    'Infantry'
    >>> type_label({}, "motor_rifle")
    'motor rifle'
    """
    ut = table.get(type_id) if hasattr(table, "get") else None
    return ut.label.split(" (")[0] if ut is not None else type_id.replace("_", " ")


class Namer:
    """Names of one scenario's units as seen by `viewer` (a side index; None: both sides, a replay that shows
    every unit). Call it on a text to rewrite the unit ids in it (`rewrite`)."""

    def __init__(self, state: Any, viewer: int | None) -> None:
        self.table = state.scenario.unit_table
        self.viewer = viewer
        self.units = {u.id: u for u in state.units}
        ids = sorted(self.units, key=lambda s: (-len(s), s))  # longest first: az_sf_10 before az_sf_1
        keys = sorted(self.table, key=lambda s: (-len(s), s))
        self._re = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, ids)) + r")(?![\w])"
                              r"(?: \((" + "|".join(map(re.escape, keys)) + r")\))?") if ids else None
        self._cache: dict[str, str] = {}

    def own(self, uid: str) -> bool:
        u = self.units.get(uid)
        return u is not None and (self.viewer is None or u.side == self.viewer)

    def name(self, uid: str, typed: bool = False) -> str:
        """`uid` for display: "Dashalti forest ambush party (arm_inf_6)" for an own unit (its id alone when the
        scenario gives it no name; `typed`: with its type's label then, "arm_inf_1 (Infantry)"), "enemy Special
        forces (az_sf_5)" for an enemy one; an unknown id as it is."""
        u = self.units.get(uid)
        if u is None:
            return uid
        label = type_label(self.table, u.type)
        if not self.own(uid):
            return f"enemy {label} ({uid})"
        if u.name and u.name != uid:
            return f"{u.name} ({uid})"
        return f"{uid} ({label})" if typed else uid

    def short(self, uid: str) -> str:
        """A shorter form where space is short: an own unit's name alone (its id if it has none), an enemy's
        type label and id without the brackets ("enemy Special forces az_sf_5": said "enemy" as `name` does, which a
        new player missed in "Special forces az_sf_5 held")."""
        u = self.units.get(uid)
        if u is None:
            return uid
        if not self.own(uid):
            return f"enemy {type_label(self.table, u.type)} {uid}"
        return u.name or uid

    def rewrite(self, text: str) -> str:
        """`text` with every unit id (a whole word, matched against the scenario's ids, longest first) named as
        `name` does at its first mention and as `short` does after that (an assault's line names its units three
        times: the bracket of its result gave them as bare ids); a raw type key in brackets right after an id
        ("arm_inf_6 (infantry)") is folded in.

        >>> from engine.rules import new_game
        >>> from engine.scenario import load_scenario
        >>> from pathlib import Path
        >>> st = new_game(load_scenario(Path(__file__).parents[1] / "scenarios" / "shusha_1120.json"), 0)
        >>> n = Namer(st, 1)
        >>> n("arm_inf_6 (infantry) destroyed at (22,14) by az_sf_4 (special_forces)")
        'Dashalti forest ambush party (arm_inf_6) destroyed at (22,14) by enemy Special forces (az_sf_4)'
        >>> n("Assault az_sf_5 (23,14) → (22,14) (arm_inf_6): repulsed (arm_inf_6 held; lost: az_sf_5 1)")
        'Assault enemy Special forces (az_sf_5) (23,14) → (22,14) (Dashalti forest ambush party (arm_inf_6)):
        repulsed (Dashalti forest ambush party held; lost: enemy Special forces az_sf_5 1)'
        """
        if self._re is None or not text:
            return text
        got = self._cache.get(text)
        if got is None:
            said: set[str] = set()

            def one(m: re.Match[str]) -> str:
                uid = m.group(1)
                if uid in said:
                    return self.short(uid)
                said.add(uid)
                return self.name(uid, typed=m.group(2) is not None)

            got = self._re.sub(one, text)
            if len(self._cache) > 4000:
                self._cache.clear()
            self._cache[text] = got
        return got

    __call__ = rewrite


def display_name(state: Any, unit_or_id: Any, viewer_side: int | None) -> str:
    """One unit for display as `viewer_side` may know it (`Namer.name`): a unit, a contact or an id."""
    uid = unit_or_id if isinstance(unit_or_id, str) else unit_or_id.id
    return namer(state, viewer_side).name(uid)


_NAMERS: dict[tuple[int, int | None], tuple[Any, Namer]] = {}


def namer(state: Any, viewer_side: int | None) -> Namer:
    """The `Namer` of `state`'s scenario for `viewer_side`, built once per scenario and side."""
    key = (id(state.scenario), viewer_side)
    got = _NAMERS.get(key)
    if got is None or got[0] is not state.scenario or set(got[1].units) != {u.id for u in state.units}:
        if len(_NAMERS) > 16:
            _NAMERS.clear()
        got = _NAMERS[key] = (state.scenario, Namer(state, viewer_side))
    return got[1]
