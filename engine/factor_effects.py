"""One sweep factor's effect on the attacker's win rate at each level of the others (`wargame report --by KEY`).

In a grid (weather x ambush rule) the report's table takes every difference against one cell; an analyst who
asks "what does the ambush rule do in each weather, and does that differ?" needed three reports with three
`--baseline`s and worked the interaction out by hand. This table gives, for each combination of the other
factors' values, the factor's levels side by side, each level's difference from the first level (paired game
by game when the cells share seeds), and how much that difference itself differs from the first row's: the
interaction, which is what tells "the rule matters more in fog" from noise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from engine.report import (
    CellStats,
    ReportError,
    Summary,
    abbreviate_value,
    cell_difference,
    fmt_pts_difference,
    paired_games,
    pct,
    short_labels,
)
from engine.stats import Z95, paired_t_difference

INTERACTION_NOTE = (
    "'vs row 1': this row's difference minus the first row's, the interaction of the two factors (does the factor "
    "do more, or less, at these levels of the others?). Paired where the four cells played the same seeds game by "
    "game (`--common-seeds`): the mean over the games both pairs decided of (win here at the level − at the first "
    "level) − (the same in row 1), with a paired t interval ('—' when fewer than two games pair all four); else "
    "(independent samples, or every paired game's contrast the same, which leaves a t interval no width) the two "
    "differences' 95% intervals taken as normal (half their width / 1.96 as the standard error) and added in "
    "quadrature, an approximation (Newcombe's intervals are not symmetric)")


SAME_GAMES = "same games"
"""A level's difference where its cell played the very games of the first level's (`same_games_groups`)."""


@dataclass
class FactorRow:
    """One combination of the other factors' values: the factor's cells there, by level (None: no such cell)."""

    others: list[str]
    cells: list[CellStats | None]
    effects: list[dict[str, Any] | None] = field(default_factory=list)
    """Per level after the first: `cell_difference` of that level's cell from the first level's (None: a cell
    missing, or no games)."""
    interactions: list[tuple[tuple[float, float, float], bool] | None] = field(default_factory=list)
    """Per level after the first: (this row's win difference minus the first row's, its interval), paired?"""


@dataclass
class FactorEffects:
    factor: str
    label: str
    others: list[str]
    """The other sweep keys, as the cells' labels name them."""
    levels: list[Any]
    rows: list[FactorRow]

    @property
    def level_labels(self) -> list[str]:
        return [abbreviate_value(v) for v in self.levels]


def resolve_factor(s: Summary, name: str) -> str:
    """The sweep key `name` stands for: the key itself, the short name the table's labels use
    (`short_labels`: "ambush_withdraw" for "set:unit_types.infantry.ambush_withdraw"), or the key without "set:".
    A name that is none of the batch's sweep keys is a `ReportError` listing them."""
    keys = list(s.sweep_keys)
    short = short_labels(keys)
    for k in keys:
        if name in (k, short[k], k.removeprefix("set:")):
            return k
    ends = [k for k in keys if k.endswith("." + name)]
    if len(ends) == 1:
        return ends[0]
    if ends:
        raise ReportError(f"--by {name}: names {len(ends)} sweep keys of {s.path.name} ({', '.join(ends)}); give "
                          "one of them in full")
    known = ", ".join(f"{short[k]} ({k})" if short[k] != k else k for k in keys) or "none: the batch has no --sweep"
    raise ReportError(f"--by {name}: not a sweep key of {s.path.name}; its sweep keys: {known}")


def _key(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


def factor_effects(s: Summary, factor: str) -> FactorEffects:
    """`factor`'s (a sweep key or its short name: `resolve_factor`) levels and their win-rate differences at each
    combination of the other sweep keys' values, in the cells' order."""
    factor = resolve_factor(s, factor)
    if factor not in s.effects:
        s.effects[factor] = _factor_effects(s, factor)
    return s.effects[factor]


def _factor_effects(s: Summary, factor: str) -> FactorEffects:
    others = [k for k in s.sweep_keys if k != factor]
    short = short_labels(list(s.sweep_keys))
    levels: list[Any] = []
    level_at: dict[str, int] = {}
    groups: dict[str, FactorRow] = {}
    swept = next((vals for k, vals in (s.meta.get("batch") or {}).get("sweeps") or [] if k == factor), [])
    for v in [*swept, *(c.params.get(factor) for c in s.cells)]:  # (the sweep's own order, then any other)
        if _key(v) not in level_at:
            level_at[_key(v)] = len(levels)
            levels.append(v)
    present = {_key(c.params.get(factor)) for c in s.cells}
    levels = [v for v in levels if _key(v) in present]  # (a level no cell of the file played: no column)
    level_at = {_key(v): k for k, v in enumerate(levels)}
    for c in s.cells:
        g = _key([c.params.get(k) for k in others])
        row = groups.get(g)
        if row is None:
            row = groups[g] = FactorRow([abbreviate_value(c.params.get(k)) for k in others], [None] * len(levels))
        at = level_at[_key(c.params.get(factor))]
        if row.cells[at] is not None:  # (a file put together from batches of the same sweep: which would it be?)
            raise ReportError(f"--by {short[factor]}: cells {row.cells[at].cell} and {c.cell} have the same sweep "
                              "values; the table needs one cell for each combination")
        row.cells[at] = c
    rows = list(groups.values())
    # (the first row with a cell at every level is the one the others' differences are compared with: row 1)
    ref = next((r for r in rows if all(c is not None for c in r.cells)), rows[0])
    rows.remove(ref)
    rows.insert(0, ref)
    for row in rows:
        base = row.cells[0]
        for c in row.cells[1:]:
            if base is None or c is None or not base.n or not c.n:
                row.effects.append(None)
                continue
            d = cell_difference(base, c, paired_games(base, c))
            row.effects.append(d if d["win"] is not None else None)
    first = rows[0]
    for row in rows:
        for j in range(1, len(levels)):
            row.interactions.append(None if row is first else _interaction(first, row, j))
    return FactorEffects(factor, short[factor], [short[k] for k in others], levels, rows)


def _wins(c: CellStats) -> dict[int, tuple[int | None, bool]]:
    """{game: (seed, attacker won)} of a cell's decided games."""
    return {g: (r.seed, r.winner == "attacker") for g, r in c.games.items() if r.winner in ("attacker", "defender")}


def _interaction(first: FactorRow, row: FactorRow, j: int) -> tuple[tuple[float, float, float], bool] | None:
    e0, e1 = first.effects[j - 1], row.effects[j - 1]
    if e0 is None or e1 is None:
        return None
    four = [first.cells[0], first.cells[j], row.cells[0], row.cells[j]]
    if all(e["paired"] for e in (e0, e1)) and paired_games(four[0], four[2]) is not None:
        wins = [_wins(c) for c in four]  # (the four cells' games on the same seeds, game by game)
        games = sorted(set.intersection(*(set(w) for w in wins)))
        if len(games) < 2 or any(len({w[g][0] for w in wins}) != 1 for g in games):
            return None  # (the rows are not independent, and too few games pair all four: no interval)
        a = [int(wins[1][g][1]) - int(wins[0][g][1]) for g in games]
        b = [int(wins[3][g][1]) - int(wins[2][g][1]) for g in games]
        got = paired_t_difference(a, b)
        if got is not None and got[1] < got[2]:
            return got, True
        # (every game's contrast the same: a t interval of no width, "+100 [+100, +100]" from 6 games; the
        # approximation below gives one as wide as the two differences' own)
    (d0, lo0, hi0), (d1, lo1, hi1) = e0["win"], e1["win"]
    se = math.hypot((hi0 - lo0) / (2 * Z95), (hi1 - lo1) / (2 * Z95))
    d = d1 - d0
    return (d, max(-2.0, d - Z95 * se), min(2.0, d + Z95 * se)), False


def _win_cell(c: CellStats | None) -> str:
    if c is None or not c.n:
        return "—"
    return f"{pct(c.win_rate)}% ({c.attacker_wins}/{c.decided})"


def effect_rows(fx: FactorEffects, sep: str = " ") -> tuple[list[str], list[list[str]]]:
    """The table's header and rows: the other factors' values, the win rate at each level, each level's
    difference from the first, and that difference's from the first row's."""
    labels = fx.level_labels
    head = [*fx.others, *(f"win% at {fx.label}={v}" for v in labels)]
    for v in labels[1:]:
        head += [f"{v} vs {labels[0]}", f"{v} vs {labels[0]}: vs row 1"]
    out = []
    for k, row in enumerate(fx.rows):
        cells = [*row.others, *(_win_cell(c) for c in row.cells)]
        for j in range(1, len(labels)):
            e = row.effects[j - 1]
            if e is not None and e["paired"] and row.cells[0].games == row.cells[j].games:
                cells.append(SAME_GAMES)  # (the setting changed nothing in these games: not "+0 [-1, +1]")
            else:
                cells.append("—" if e is None else fmt_pts_difference(e["win"], sep, paired=e["paired"]))
            if k == 0:
                cells.append("(row 1)")
                continue
            got = row.interactions[j - 1]
            cells.append("—" if got is None else fmt_pts_difference(got[0], sep, paired=got[1]))
        out.append(cells)
    return head, out


def effects_title(fx: FactorEffects) -> str:
    others = ", ".join(fx.others) or "no other factor"
    return f"Effect of {fx.label} on the attacker's win rate at each level of {others}"


def effects_notes(fx: FactorEffects) -> str:
    first = fx.level_labels[0]
    notes = [f"'X vs {first}': the attacker's win rate at {fx.label}=X minus at {fx.label}={first}, in percentage "
             "points, with Newcombe's 95% interval (paired game by game where the two cells played the same seeds)"]
    if any(c == SAME_GAMES for r in effect_rows(fx)[1] for c in r):
        notes.append(f"'{SAME_GAMES}': the two cells played the very same games, game for game: the setting made no "
                     "difference in them (something else decided first, e.g. weather that grounds the drones)")
    if len(fx.rows) > 1:
        notes.append(INTERACTION_NOTE)
    return "; ".join(notes)


def effects_rich_table(fx: FactorEffects, width: int | None = None) -> Any:
    from rich.table import Table

    head, rows = effect_rows(fx)
    t = Table(title=effects_title(fx), caption=effects_notes(fx), caption_justify="left", width=width)
    for h in head:
        t.add_column(h, overflow="fold")
    for r in rows:
        t.add_row(*r)
    return t


def effects_markdown(fx: FactorEffects) -> str:
    from engine.report import markdown_table, md_text

    head, rows = effect_rows(fx)
    return "\n".join([f"## {effects_title(fx)}", "", markdown_table(head, rows, left=range(len(fx.others))), "",
                      md_text(effects_notes(fx).rstrip(".") + "."), ""])


def effects_json(fx: FactorEffects) -> dict[str, Any]:
    """`summary.json`'s record of the table: the key, its levels and, per row, the other keys' values, the cells
    and the differences as numbers."""
    def diff(d: tuple[float, float, float] | None, paired: bool | None) -> dict[str, Any] | None:
        return None if d is None else {"difference": d[0], "ci_low": d[1], "ci_high": d[2], "paired": paired}

    return {
        "factor": fx.factor, "levels": fx.levels, "note": effects_notes(fx),
        "rows": [{
            "others": {k: (row.cells[0] or next(c for c in row.cells if c)).params.get(k) for k in _other_keys(fx)},
            "cells": [None if c is None else c.cell for c in row.cells],
            "win_rate": [None if c is None or not c.decided else c.win_rate for c in row.cells],
            "vs_first_level": [None if e is None else diff(e["win"], e["paired"]) for e in row.effects],
            "vs_first_row": None if k == 0 else [None if got is None else diff(*got) for got in row.interactions],
        } for k, row in enumerate(fx.rows)],
    }


def _other_keys(fx: FactorEffects) -> list[str]:
    c = next(c for c in fx.rows[0].cells if c is not None)
    return [k for k in c.params if k != fx.factor]
