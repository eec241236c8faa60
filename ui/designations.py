"""Short unit designations drawn on counters ("3", "R2"), so that counters of one type can be told apart.

A designation is distinct among the units of one side and one counter symbol (the counters that look alike):
the id's trailing number for the group's main kind ("az_sf_3" -> "3"), the number after a letter prefix for the
others ("arm_res_2" -> "R2", "arm_pol_1" -> "P1"), the first letters of the name when the id has no number."""

from __future__ import annotations

import re
from collections.abc import Iterable

_TRAILING = re.compile(r"^(.*?)[_\-. ]*(\d+)$")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9A-Za-z]+", text) if w]


def _strip_side_prefix(ids: list[str]) -> dict[str, str]:
    """Each id without the first word every id of its side shares ("az_", "arm_"): it names the side, not the
    unit."""
    firsts = {(_words(i) or [""])[0] for i in ids}
    if len(firsts) == 1 and len(ids) > 1:
        head = firsts.pop()
        return {i: re.sub(r"^[^0-9A-Za-z]*" + re.escape(head) + r"[^0-9A-Za-z]*", "", i, count=1) or i for i in ids}
    return {i: i for i in ids}


def _letters(stem: str, n: int) -> str:
    """`n` letters naming `stem`: its words' initials when it has several (and n does not exceed them), else its
    first letters."""
    ws = _words(stem)
    if len(ws) > 1 and n <= len(ws):
        return "".join(w[0] for w in ws[:n]).upper()
    return "".join(ws).upper()[:n] if ws else ""


def designations(units: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """unit id -> designation, for `units` given as (id, side, symbol) in the scenario's order. Pure and
    deterministic (the order of `units` breaks ties); distinct within each (side, symbol)."""
    units = list(units)
    by_side: dict[str, list[str]] = {}
    for uid, side, _ in units:
        by_side.setdefault(side, []).append(uid)
    bare: dict[str, str] = {}
    for ids in by_side.values():
        bare.update(_strip_side_prefix(ids))
    groups: dict[tuple[str, str], list[str]] = {}
    for uid, side, symbol in units:
        groups.setdefault((side, symbol), []).append(uid)
    out: dict[str, str] = {}
    for ids in groups.values():
        out.update(_group(ids, bare))
    return out


def _group(ids: list[str], bare: dict[str, str]) -> dict[str, str]:
    """Designations of the units of one (side, symbol)."""
    parsed: dict[str, tuple[str, str | None]] = {}
    for uid in ids:
        m = _TRAILING.match(bare[uid])
        parsed[uid] = (m.group(1), str(int(m.group(2)))) if m else (bare[uid], None)
    count: dict[str, int] = {}
    for stem, num in parsed.values():
        if num is not None:
            count[stem] = count.get(stem, 0) + 1
    main = max(count, key=lambda s: count[s]) if count else None  # (max keeps the first of equals: id order)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for uid in ids:  # the main kind first: its bare numbers
        stem, num = parsed[uid]
        if stem == main and num is not None and num not in taken:
            out[uid] = num
            taken.add(num)
    stems: list[str] = []
    for uid in ids:
        if uid not in out and parsed[uid][0] not in stems:
            stems.append(parsed[uid][0])
    for stem in stems:  # every other kind: its letters (as few as keep it distinct), then its number
        members = [u for u in ids if u not in out and parsed[u][0] == stem]
        first = 1 if any(parsed[u][1] for u in members) else 2
        for n in range(first, max(first, len("".join(_words(stem)))) + 1):
            got = [_letters(stem, n) + (parsed[u][1] or "") for u in members]
            if len(set(got)) == len(got) and not taken & set(got):
                break
        for u, d in zip(members, got, strict=True):
            while d in taken or not d:  # (still not distinct: a letter after it)
                d = (d or "?") + "'"
            out[u] = d
            taken.add(d)
    return out
