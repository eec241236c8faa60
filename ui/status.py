"""The status line's summary of one order: what the player most needs to read first (a unit destroyed, steps
lost, an ambush) before the move itself and the reveals, since an order sets off several events and the last
one alone ("revealed: fired from ambush") hid the result. Only the events the caller passes (the ones the
viewing side saw); wording only, no rule."""

from __future__ import annotations

import re
from typing import Any

SEP = " · "
"""Between the parts of a summary (the status bar wraps and cuts it to two lines, least important last)."""

RANK = {"GameOver": 0, "UnitDestroyed": 1, "AmbushSprung": 3, "AssaultResolved": 4, "UnitRetreated": 4,
        "ArtilleryFired": 5, "DroneStrike": 5, "AirDefenceEngaged": 5, "ReconFlown": 5,
        "UnitMoved": 6, "MoveGlimpsed": 6, "RoadCut": 7, "ControlChanged": 7, "UnitRevealed": 8,
        # what ending a phase may set off: the new turn, arrivals and supply before the routine reports
        "TurnStarted": 9, "ObjectiveStatus": 9, "ReinforcementArrived": 10, "SupplyReport": 10,
        "AirStatus": 11, "WeatherReport": 11}
"""Order of the parts: lower first. Steps lost (from the fire results) come at 2; any other event last."""
LOSSES = 2
OTHER = 12
SILENT = frozenset({"PhaseStarted"})
GROUPED = "UnitHidden"
"""Units going to ground at a turn's start make one part ("a, b and c go to ground"), not one each."""


_COUNTED = re.compile(r"\b(\d+) (\w+)\(s\)")


def plurals(s: str) -> str:
    """The engine's "1 step(s)", "0 hit(s)" as players write them: "1 step", "0 hits".

    >>> plurals("2 hit(s), 1 step(s) lost; 0 step(s) destroyed")
    '2 hits, 1 step lost; 0 steps destroyed'
    """
    return _COUNTED.sub(lambda m: f"{m[1]} {m[2]}{'' if m[1] == '1' else 's'}", s)


def _short(ev: Any, table: Any) -> str:
    """One event as a part of the summary: its own text, shortened where the fire details make it long
    (they stay in the event log)."""
    if ev.kind == "AmbushSprung":
        return f"AMBUSH at {_h(ev.target_hex)}: {ev.ambusher} fired first from {_h(ev.hex)}; {ev.target} stopped"
    if ev.kind == "UnitDestroyed":
        ut = table.get(ev.unit_type)
        kind = ut.label.split(" (")[0].lower() if ut is not None else ev.unit_type.replace("_", " ")
        return f"{ev.unit} ({kind}) DESTROYED at {_h(ev.hex)} by {ev.cause}"
    return plurals(str(ev.text()))


def _h(h: Any) -> str:
    return "-" if h is None else f"({h[0]},{h[1]})"


def summary_parts(events: list[Any], state: Any) -> list[str]:
    """The parts of an order's summary, most important first: destruction, steps lost (per unit, with what is
    left), ambush, assault and retreat, fire, the move, control and road changes, reveals, then the rest in log
    order. `events`: what the viewing side saw of the order."""
    ranked: list[tuple[int, int, str]] = []
    destroyed = {ev.unit for ev in events if ev.kind == "UnitDestroyed"}
    lost: dict[str, list[int]] = {}  # target -> [steps lost, strength after, first position]
    hid: list[str] = []
    table = state.scenario.unit_table
    for k, ev in enumerate(events):
        if ev.kind in SILENT:
            continue
        if ev.kind == GROUPED:
            if not hid:
                ranked.append((OTHER, k, ""))  # (filled in below, where the first of them stood)
            hid.append(ev.unit)
            continue
        ranked.append((RANK.get(ev.kind, OTHER), k, _short(ev, table)))
        for f in ev.fire_results():
            if f.losses > 0 and f.target not in destroyed:
                got = lost.setdefault(f.target, [0, f.strength_after, k])
                got[0] += f.losses
                got[1] = min(got[1], f.strength_after)
    for uid, (n, after, k) in lost.items():
        i = state.unit_index.get(uid)
        top = f"/{table[state.units[i].type].max_steps}" if i is not None else ""
        ranked.append((LOSSES, k, f"{uid} lost {n} step{'s' if n != 1 else ''} ({after}{top} left)"))
    ranked.sort(key=lambda t: (t[0], t[1]))
    out: list[str] = []
    for _, _, s in ranked:
        if not s:
            s = f"{', '.join(hid)} {'goes' if len(hid) == 1 else 'go'} to ground"
        if s not in out:
            out.append(s)
    return out


def order_summary(events: list[Any], state: Any, fallback: str) -> str:
    """The status line after an order: its summary parts joined (`fallback` when the side saw nothing)."""
    parts = summary_parts(events, state)
    return SEP.join(parts) if parts else fallback
