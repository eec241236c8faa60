"""Two or more batch results files side by side, with differences (`wargame compare`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.report import (
    MISSION_COUNTERS,
    MISSIONS_NOTE,
    MODEL_RATE_NOTE,
    PAIRED_NOTE,
    PLOT_STYLE,
    PLOT_WIDTH_IN,
    SUSPECTED_NOTE,
    TICK_FONT_PT,
    TOO_FEW_NOTE,
    CellStats,
    GameRow,
    ReportError,
    ReportWriteError,
    Summary,
    as_sentence,
    cell_difference,
    column_groups,
    csv_text,
    ellipsize,
    fmt_capture_difference,
    fmt_difference,
    fmt_missions_difference,
    fmt_pts,
    fmt_pts_difference,
    grouped_bar_x,
    loss_column,
    losses_head,
    markdown_table,
    mean_interval,
    median_cell,
    missions_cell,
    paired_games,
    paired_win_difference,
    pct,
    provenance_text,
    run_folder,
    save_figure,
    summarize,
    wrap_label,
)
from engine.stats import mean, median, wilson


@dataclass
class Comparison:
    """Two or more results files side by side (`compare_files`): `groups[k]` holds the matching cell of every
    file, the first file's first; differences are each file's cell minus the first file's."""

    files: list[Summary]
    labels: list[str]
    """How the table calls each file: its name without .parquet, or A, B, ... when two share a name."""
    groups: list[list[CellStats]]
    matched_by: str
    """How the cells were matched: "sweep values" or "single cell"."""
    differences: list[str] = field(default_factory=list)
    """What differs between the files' batches (scenario, overrides, seeds, engine), one line each."""

    def pairs(self, k: int, i: int) -> list[tuple[GameRow, GameRow]] | None:
        """Group `k`'s cell of file `i` paired game by game with the first file's (`paired_games`), or None."""
        return paired_games(self.groups[k][0], self.groups[k][i])

    @property
    def turns_compare(self) -> bool:
        """The files' turns are of one length, so their turn numbers compare (an acceptance test saw "mean turn
        taken vs b1 -20.5" between 6-hour and 12-hour turns, beside the note that they do not compare)."""
        return len({s.meta.get("turn_hours") for s in self.files}) == 1

    @property
    def fallen_turns(self) -> list[int]:
        """The turns of the "fallen by turn T" shares: every cell's checkpoints, of every file (as
        `Summary.fallen_turns`), so that all compare at the same turns."""
        return sorted({t for s in self.files for t in s.fallen_turns})

    def fallen_share(self, k: int, i: int, turn: int) -> float | None:
        """File `i`'s cell of group `k`: its share of games fallen by `turn` (`Summary.fallen_share`)."""
        return self.files[i].fallen_share(self.groups[k][i], turn)


IDENTITY_KEYS = (("scenario_sha256", "scenario (sha256)"), ("sets", "--set"), ("weather", "--weather"),
                 ("attacker", "--attacker"), ("defender", "--defender"), ("seed", "--seed"), ("games", "--games"),
                 ("engine_version", "engine version"), ("sweeps", "--sweep"), ("common_seeds", "--common-seeds"))
"""The batch identity fields `compare_files` says differ between files (with the engine code, from the metadata)."""

SCENARIO_DEFAULT_KEYS = ("weather", "attacker", "defender")
SCENARIO_DEFAULT = "the scenario's"
"""What a batch without --weather / --attacker / --defender played: the scenario's own (a cluster analyst read
"--weather: study: none" of a batch that played the historical weather)."""


def _hashable(v: Any) -> Any:
    return json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v


def _cell_key(c: CellStats) -> tuple[Any, ...]:
    return tuple(sorted((k, _hashable(v)) for k, v in c.params.items()))


def file_labels(paths: Sequence[Path]) -> list[str]:
    """Names for the files in a comparison: their stems when these differ, else A, B, C, ...

    >>> file_labels([Path("a/base.parquet"), Path("b/fog.parquet")]), file_labels([Path("a/r.parquet"),
    ...                                                                             Path("b/r.parquet")])
    (['base', 'fog'], ['A', 'B'])
    """
    stems = [Path(p).stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [chr(ord("A") + i) if i < 26 else f"F{i + 1}" for i in range(len(paths))]


def compare_files(paths: Sequence[Path]) -> Comparison:
    """Read two or more results files and match their cells: by sweep values when every file swept the same keys
    over the same values (in any order), or the one cell of each when no file has more. Refuses (`ReportError`,
    naming why) fewer than two files, a file given twice, an unreadable file, files whose losses count
    different things (ground steps in one, every step in an older one) and cells that cannot be matched."""
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise ReportError("compare needs two or more results files (for one, use `wargame report`)")
    seen: dict[Path, Path] = {}
    for p in paths:
        real = p.resolve()
        if real in seen:
            raise ReportError(f"{p} is given twice ({seen[real]}): compare different results files")
        seen[real] = p
    files = []
    for p in paths:
        try:
            files.append(summarize(p))
        except ReportError as e:
            raise ReportError(str(e) if str(p) in str(e) else f"{p}: {e}") from None
    labels = file_labels(paths)
    if len({s.ground_losses for s in files}) > 1:
        old = [lab for lab, s in zip(labels, files, strict=True) if not s.ground_losses]
        raise ReportError(f"{', '.join(old)} {'has' if len(old) == 1 else 'have'} no ground/air split of the steps "
                          "lost (written by an older wargame): its losses count drones shot down, the others' do "
                          "not, so they do not compare; play it again with `wargame batch ... --overwrite`")
    if all(len(s.cells) == 1 for s in files):
        groups, how = [[s.cells[0] for s in files]], "single cell"
    else:
        keys = [sorted(s.sweep_keys) for s in files]
        if any(k != keys[0] for k in keys[1:]):
            said = "; ".join(f"{lab}: {len(s.cells)} cell(s), swept over {', '.join(s.sweep_keys) or 'nothing'}"
                             for lab, s in zip(labels, files, strict=True))
            raise ReportError(f"the files' cells cannot be matched: {said}; compare files swept over the same "
                              "keys and values (or files of one cell each)")
        by_key = [{_cell_key(c): c for c in s.cells} for s in files]
        for lab, s, cells in zip(labels, files, by_key, strict=True):
            if cells.keys() != by_key[0].keys():
                missing = [c.label for c in files[0].cells if _cell_key(c) not in cells]
                extra = [c.label for c in s.cells if _cell_key(c) not in by_key[0]]
                said = "; ".join(x for x in (f"{lab} lacks {', '.join(missing)}" if missing else "",
                                             f"{labels[0]} lacks {', '.join(extra)}" if extra else "") if x)
                raise ReportError(f"the files' cells cannot be matched: {said}; compare files swept over the same "
                                  "values")
        groups = [[cells[_cell_key(c)] for cells in by_key] for c in files[0].cells]
        how = "sweep values"
    return Comparison(files, labels, groups, how, batch_differences(files, labels))


def batch_differences(files: Sequence[Summary], labels: Sequence[str]) -> list[str]:
    """What differs between the files' batches, one line a field: "--set: base: none; tb2weak: units.x=1"."""
    out = []
    metas = [s.meta.get("batch") or {} for s in files]
    for key, name in (*IDENTITY_KEYS, ("engine_code", "engine code")):
        values = [(s.meta.get(key) if key == "engine_code" else m.get(key)) for s, m in zip(files, metas,
                                                                                         strict=True)]
        same = [sorted(map(_hashable, v)) if key == "sets" and isinstance(v, list) else v for v in values]
        if all(v == same[0] for v in same[1:]):  # (the same --set given in another order: the same batch)
            continue

        def shown(v: Any, key: str = key) -> str:
            if v is None and key in SCENARIO_DEFAULT_KEYS:
                return SCENARIO_DEFAULT
            if v is None or v == []:
                return "none"
            if key == "sets":
                return ", ".join(f"{p}={json.dumps(x)}" for p, x in v)
            return str(v)[:12] if key in ("scenario_sha256",) else str(v)
        out.append(f"{name}: " + "; ".join(f"{lab}: {shown(v)}" for lab, v in zip(labels, values, strict=True)))
    return out


def compare_differences(cmp: Comparison, k: int, i: int) -> dict[str, Any]:
    """File `i`'s cell of matched group `k` minus the first file's: `paired` (game by game, `paired_games`), and
    `win`, `capture`, `attacker`, `defender` as (difference, low, high) or None, `capture_n` the games each is over
    (the pairs, or (first's, this one's)), `fallen` {turn: difference of the shares fallen by it} for the turns
    both cells played; all from `cell_difference`: paired where the seeds pair the games, else as independent
    samples; no capture or fall difference between turns of other lengths. One account for the table and the CSV
    (each had its own, and the CSV's lost its loss differences)."""
    if i == 0:
        return {"paired": False, "win": None, "capture": None, "capture_n": None, "attacker": None,
                "defender": None, "fallen": {}}
    both = [t for t in cmp.fallen_turns
            if cmp.fallen_share(k, 0, t) is not None and cmp.fallen_share(k, i, t) is not None]
    out = cell_difference(cmp.groups[k][0], cmp.groups[k][i], cmp.pairs(k, i), both if cmp.turns_compare else ())
    if not cmp.turns_compare:
        out["capture"] = None
    return out


def mean_turn_cell(turns: list[int], sep: str) -> str:
    """The mean turn taken, with the games it is over, beside the difference of means (the table put a median
    there alone, and a reader took the difference for one of medians: an analyst's review).

    >>> mean_turn_cell([20, 21, 25], " "), mean_turn_cell([], " ")
    ('22.0 (n=3)', '—')
    """
    return f"{mean(turns):.1f}{sep}(n={len(turns)})" if turns else "—"


def compare_rows(cmp: Comparison, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """The comparison table: a row per file per matched cell, each with its difference from the first file's
    cell: paired (game by game, `paired_games`) where the seeds pair the games, else as for independent samples
    (Newcombe's interval for win rates, Welch's for means)."""
    sep = "\n" if compact else " "
    first = cmp.labels[0]
    s0 = cmp.files[0]
    head = ["file", "cell", "games", f"attacker wins{sep}[95% CI]", f"wins vs{sep}{first}{sep}[95% CI]",
            f"median turn{sep}taken", f"mean turn{sep}taken", f"mean turn taken{sep}vs {first}{sep}[95% CI]",
            losses_head(s0, sep),
            f"att. {'ground steps' if s0.ground_losses else 'steps'} lost{sep}vs {first}{sep}[95% CI]",
            f"def. {'ground steps' if s0.ground_losses else 'steps'} lost{sep}vs {first}{sep}[95% CI]"]
    rows = []
    for k, group in enumerate(cmp.groups):
        for i, (lab, s, c) in enumerate(zip(cmp.labels, cmp.files, group, strict=True)):
            lo, hi = c.win_ci
            row = [lab, f"{c.cell}: {c.label}", str(c.n),
                   f"{pct(c.win_rate)}%{sep}[{pct(lo)}–{pct(hi)}%]" if c.decided else "—"]
            d = compare_differences(cmp, k, i)
            paired, win = d["paired"], d["win"]
            if i == 0:
                turn = "—"
            elif not cmp.turns_compare:
                turn = "n/a"
            else:
                turn = fmt_capture_difference(d, sep)
            row += ["—" if win is None else fmt_pts_difference(win, sep, paired=paired),
                    median_cell(s, c.capture_turns, sep), mean_turn_cell(c.capture_turns, sep), turn,
                    f"{mean(c.casualties('attacker')):.1f}/{mean(c.casualties('defender')):.1f}"]
            row += ["—" if i == 0 else fmt_difference(d[side], sep, paired=paired)
                    for side in ("attacker", "defender")]
            rows.append(row)
    return head, rows


def compare_fallen_rows(cmp: Comparison, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """The comparison's second table: per file per matched cell, the share of all its games with the objective
    taken by each checkpoint turn (`Comparison.fallen_turns`), with its Wilson interval, and its difference
    from the first file's cell (paired or not, as the win rate); [] rows when no file records its turns."""
    sep = "\n" if compact else " "
    first = cmp.labels[0]
    head = ["file", "cell", "games"]
    for t in cmp.fallen_turns:
        head += [f"fallen by{sep}turn {t}{sep}[95% CI]", f"turn {t}{sep}vs {first}{sep}[95% CI]"]
    rows = []
    for k, group in enumerate(cmp.groups):
        for i, (lab, c) in enumerate(zip(cmp.labels, group, strict=True)):
            d = compare_differences(cmp, k, i)
            row = [lab, f"{c.cell}: {c.label}", str(c.n)]
            for t in cmp.fallen_turns:
                share = cmp.fallen_share(k, i, t)
                if share is None:
                    row += ["—", "—"]
                    continue
                lo, hi = wilson(c.fallen_by(t), c.n)
                row.append(f"{pct(share)}%{sep}[{pct(lo)}–{pct(hi)}%]")
                diff = d["fallen"].get(t)
                row.append("—" if i == 0 else "n/a" if not cmp.turns_compare else
                           "—" if diff is None else fmt_pts_difference(diff, sep, paired=d["paired"]))
            rows.append(row)
    return head, rows


def compare_has_missions(cmp: Comparison) -> bool:
    """Does some file record its artillery missions (`Summary.has_missions`)?"""
    return any(s.has_missions for s in cmp.files)


def compare_suspected_column(cmp: Comparison) -> bool:
    """Show the missions on suspected positions: some file shows them (`Summary.suspected_column`); never a
    column of zeros for a rule off in every game of every file."""
    return any(s.suspected_column for s in cmp.files)


def compare_mission_rows(cmp: Comparison, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """The comparison's artillery table: per file per matched cell, each side's mean fire missions per game with
    the 95% interval of the mean, those on suspected positions ("off" for a side that could not fire them), and
    the difference of the missions from the first file's cell (paired t or Welch's, as `cell_difference`); n/a:
    not in that file (written by an older wargame)."""
    sep = "\n" if compact else " "
    first = cmp.labels[0]
    suspected = compare_suspected_column(cmp)
    head = ["file", "cell", "games", f"artillery missions{sep}per game att/def{sep}[95% CI]",
            *([f"of which on{sep}suspected positions{sep}att/def [95% CI]"] if suspected else []),
            f"artillery missions{sep}vs {first} att/def{sep}[95% CI]"]
    rows = []
    for k, group in enumerate(cmp.groups):
        for i, (lab, s, c) in enumerate(zip(cmp.labels, cmp.files, group, strict=True)):
            row = [lab, f"{c.cell}: {c.label}", str(c.n),
                   missions_cell(s, c, "artillery_missions", sep) if "artillery_missions" in c.missions else "n/a"]
            if suspected:
                row.append(missions_cell(s, c, "suspected_fire_missions", sep)
                           if "suspected_fire_missions" in c.missions else "n/a")
            row.append("—" if i == 0 else fmt_missions_difference(compare_differences(cmp, k, i),
                                                                  "artillery_missions", sep, (group[0], c)))
            rows.append(row)
    return head, rows


def compare_missions_notes(cmp: Comparison) -> list[str]:
    """The notes on the artillery table: what it counts, and why the suspected-positions column is left out
    when it is."""
    if not compare_has_missions(cmp):
        return []
    out = [MISSIONS_NOTE, f"'artillery missions vs {cmp.labels[0]}': the difference of each side's mean missions "
           "per game from the first file's cell, paired t where marked 'paired', else Welch's 95% interval"]
    if compare_suspected_column(cmp):
        out.append(SUSPECTED_NOTE)
        unknown = [f"{lab}: {s.suspected_why}" for lab, s in zip(cmp.labels, cmp.files, strict=True)
                   if s.suspected_why]
        if unknown:
            out.append("no side is shown off where the file's settings are not known (" + "; ".join(unknown) + ")")
    elif any(s.suspected_none for s in cmp.files):
        out.append("no artillery mission was fired on a suspected position in any game of any file (column "
                   "suspected_fire_missions_<side>), so no column for them")
    elif all(s.has_suspected for s in cmp.files):
        out.append("fire on suspected positions was off in every game of every file (the scenario's "
                   "combat.suspected_fire false, or no side's agent using it: the doctrine's fire_on_suspected "
                   "false), so the table has no column for it")
    else:  # (some files do not record them; in the others the rule was off)
        older = [lab for lab, s in zip(cmp.labels, cmp.files, strict=True) if not s.has_suspected]
        out.append(f"no column for the missions on suspected positions: {', '.join(older)} "
                   f"{'does' if len(older) == 1 else 'do'} not record them (no suspected_fire_missions_<side> "
                   "columns: written before engine 0.18.0), and in the other files the rule was off in every game")
    missing = [lab for lab, s in zip(cmp.labels, cmp.files, strict=True) if not s.has_missions]
    if missing:
        out.append(f"n/a: {', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no artillery_missions "
                   "columns (written by an older wargame)")
    return out


def compare_missions_title(cmp: Comparison) -> str:
    return "Artillery fire missions per game"


def compare_fallen_title(cmp: Comparison) -> str:
    """The second table's title: "Shusha fallen by turn T (all games)", the first file's objective."""
    return f"{cmp.files[0].objective} fallen by turn T (all games)"


COMPARE_FALLEN_NOTE = ("'fallen by turn T': the share of all the cell's games, wins and losses, in which the "
                       "objective was taken by the end of turn T (a game never taken counts as not fallen), with "
                       "its 95% Wilson interval, at 70%, 85% and 100% of each file's (each cell's) turns; its "
                       "difference from the first file's cell in percentage points, paired or not as the win "
                       "rate's; —: a turn after the cell's last, which no game of it reached")


COMPARE_UNPAIRED_NOTE = ("differences without 'paired' treat the two cells as independent samples (their games "
                         "not on the same seeds game by game: other seeds, or other numbers of games): win rates "
                         "with Newcombe's 95% interval from the two Wilson intervals, means with Welch's; 'mean turn "
                         "taken' is over the games where the objective was taken (n = those games in each cell), a "
                         "conditional difference")


COMPARE_TURN_NOTE = ("'median turn taken' and 'mean turn taken': the median and the mean of the cell's capture "
                     "turns, over the games where the objective was taken (n = those games); 'mean turn taken vs "
                     "{first}': the difference of the mean capture turns (a mean, not a median): unpaired, of the two "
                     "means shown; paired, over the pairs in which both games saw it taken (n = those pairs), so it "
                     "can differ from the two means shown; " + TOO_FEW_NOTE)  # (no braces in it)
"""What the comparison's capture-turn columns are: a median sat beside a difference of means (an analyst's
review)."""


def compare_notes(cmp: Comparison) -> list[str]:
    """The comparison table's caption, a note a line: the files, how cells were matched, what the batches differ
    in, and what each interval is."""
    files = [f"{lab} = {s.path} ({s.games} games" + (f", base seed {s.seed}" if s.seed is not None else "") + ")"
             for lab, s in zip(cmp.labels, cmp.files, strict=True)]
    matched = ("each file's one cell" if cmp.matched_by == "single cell" else
               "cells matched by their sweep values (cell numbers may differ between files)")
    notes = ["files: " + "; ".join(files), f"differences are each file's cell minus {cmp.labels[0]}'s; {matched}",
             COMPARE_TURN_NOTE.format(first=cmp.labels[0])]
    paired = [(k, i) for k in range(len(cmp.groups)) for i in range(1, len(cmp.files)) if cmp.pairs(k, i)]
    all_paired = len(paired) == len(cmp.groups) * (len(cmp.files) - 1)
    if cmp.differences:
        notes.append("the batches differ in: " + " | ".join(cmp.differences))
    else:  # (a review: the note said "every difference is 0" beside rows that were not, for sweeps in another order)
        notes.append("the batches' identities are the same (scenario, overrides, sweep, seed, games, engine)"
                     + (": the same games, so every difference is 0" if all_paired else ""))
    if paired:
        notes.append(PAIRED_NOTE)
    if not all_paired:
        notes.append(COMPARE_UNPAIRED_NOTE)
        shared = shared_seed_notes(cmp)
        if shared:
            notes.append("; ".join(shared) + ": those games are not independent samples, so the unpaired intervals "
                         "are wider than they need be; batches of the same --games and --seed pair game by game")
    hours = {s.meta.get("turn_hours") for s in cmp.files}
    if len(hours) > 1:
        notes.append("the files' turns are of different lengths (" + ", ".join(
            f"{lab}: {s.meta.get('turn_hours')} h" for lab, s in zip(cmp.labels, cmp.files, strict=True))
            + "): their turn numbers do not compare")
    if cmp.fallen_turns:
        notes.append(COMPARE_FALLEN_NOTE)
    notes += compare_missions_notes(cmp)
    notes.append(MODEL_RATE_NOTE)
    return notes


def shared_seed_notes(cmp: Comparison) -> list[str]:
    """"cell weather=clear of tb2weak shares the seeds of 60 of its games, game for game, with base's": matched cells
    that do not pair (`paired_games`: other numbers of games) yet played the same seeds on the games both have (an
    analyst compared a 150-game batch with a 60-game one of the same --seed: all 60 shared, nothing said)."""
    out = []
    for k, group in enumerate(cmp.groups):
        first = group[0]
        for i in range(1, len(cmp.files)):
            if cmp.pairs(k, i):
                continue
            other = group[i]
            shared = [(x, y) for g, x in sorted(first.games.items())
                      if x.seed is not None and (y := other.games.get(g)) is not None and y.seed == x.seed]
            if len(shared) >= 2:
                where = "" if cmp.matched_by == "single cell" else f"cell {other.label} of "
                # (over those games alone, paired: the difference an analyst wanted, the table's being unpaired)
                win = paired_win_difference(shared)
                paired = "" if win is None else (f" (paired over those games, attacker wins "
                                                 f"{fmt_pts_difference(win)} from {cmp.labels[0]}'s)")
                out.append(f"{where}{cmp.labels[i]} shares the seeds of {len(shared)} of its games, game for game, "
                           f"with {cmp.labels[0]}'s{paired}")
    return out


def compare_rich_table(cmp: Comparison, width: int | None = None) -> Any:
    """The comparison table for a terminal (in parts when wider than `width`, as `rich_table`), its notes
    under it."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    tables = []
    tables_of = [(f"{len(cmp.files)} results files compared", compare_rows(cmp, compact=True))]
    if cmp.fallen_turns:
        tables_of.append((compare_fallen_title(cmp), compare_fallen_rows(cmp, compact=True)))
    if compare_has_missions(cmp):
        tables_of.append((compare_missions_title(cmp), compare_mission_rows(cmp, compact=True)))
    for title, (head, rows) in tables_of:
        for j, cols in enumerate(column_groups(head, rows, width)):
            cols = cols if 1 in cols else [0, 1, *cols[1:]]  # (every part says whose cell a row is)
            t = Table(title=title if j == 0 else None, title_justify="left")
            for i in cols:
                t.add_column(head[i], justify="left" if i < 2 else "right", overflow="fold")
            for k, r in enumerate(rows):
                t.add_row(*(r[i] for i in cols), end_section=(k + 1) % len(cmp.files) == 0)
            tables.append(t)
    return Group(*tables, *(Text(as_sentence(n), style="table.caption") for n in compare_notes(cmp)))


def compare_markdown(cmp: Comparison) -> str:
    """`compare.md`: the comparison table as Markdown with its notes."""
    head, rows = compare_rows(cmp)
    out = [f"# {len(cmp.files)} results files compared", "", markdown_table(head, rows), ""]
    if cmp.fallen_turns:
        out += [f"## {compare_fallen_title(cmp)}", "", markdown_table(*compare_fallen_rows(cmp)), ""]
    if compare_has_missions(cmp):
        out += [f"## {compare_missions_title(cmp)}", "", markdown_table(*compare_mission_rows(cmp)), ""]
    out += [f"- {as_sentence(n)}" for n in compare_notes(cmp)]
    out += ["", "## The files", "", *compare_provenance_lines(cmp)]
    return "\n".join(out) + "\n"


def compare_provenance_lines(cmp: Comparison) -> list[str]:
    """compare.md's account of each file, from its own metadata: which engine played it on which scenario, and the
    `wargame batch` command that made it (the note named the files only)."""
    out = []
    for lab, s in zip(cmp.labels, cmp.files, strict=True):
        seed = f", base seed {s.seed}" if s.seed is not None else ""
        name = s.meta.get("scenario_name")
        line = (f"- **{lab}**: `{s.path}`, {s.games} games{seed}; {provenance_text(s)}"
                + (f" ({name})" if name else "") + ".")
        if s.meta.get("command"):
            folder = run_folder(s)
            line += f" Made by `{s.meta['command']}`" + (f" (run in `{folder}`)" if folder else "") + "."
        else:
            line += " The command that made it is not recorded."
        out.append(line)
    return out


def compare_csv(cmp: Comparison) -> str:
    """`compare.csv`: the comparison as numbers, a row per file per matched cell: the cell's win rate and means,
    and each difference from the first file's cell with its interval and whether it is paired. Losses are named
    as in summary.csv (`loss_column`): `steps_lost_<side>_ground_*`, ground steps (`steps_lost_<side>_*`, every
    step, for files without the ground/air split); `fallen_by_turn_<T>*` as in summary.csv, null after a cell's
    last turn."""
    rows = []
    att, dfd = loss_column(cmp.files[0], "attacker"), loss_column(cmp.files[0], "defender")
    missions = compare_has_missions(cmp)
    for k, group in enumerate(cmp.groups):
        for i, (lab, s, c) in enumerate(zip(cmp.labels, cmp.files, group, strict=True)):
            d = compare_differences(cmp, k, i)
            lo, hi = c.win_ci
            r: dict[str, Any] = {"file": lab, "results": str(s.path), "cell": c.cell, "label": c.label,
                                 "games": c.n, "attacker_win_rate": c.win_rate if c.decided else None,
                                 "win_ci_low": lo if c.decided else None, "win_ci_high": hi if c.decided else None,
                                 "capture_turn_median": median(c.capture_turns),
                                 "capture_turn_mean": mean(c.capture_turns) if c.capture_turns else None,
                                 "captures": len(c.capture_turns),
                                 f"{att}_mean": mean(c.casualties("attacker")),
                                 f"{dfd}_mean": mean(c.casualties("defender")),
                                 "paired_vs_first": d["paired"]}
            for t in cmp.fallen_turns:
                share = cmp.fallen_share(k, i, t)
                r[f"fallen_by_turn_{t}"] = share
                r[f"fallen_by_turn_{t}_ci_low"], r[f"fallen_by_turn_{t}_ci_high"] = \
                    (None, None) if share is None else wilson(c.fallen_by(t), c.n)
            for name, diff in (("wins", d["win"]), ("capture_turn", d["capture"]), (att, d["attacker"]),
                               (dfd, d["defender"]), *((f"fallen_by_turn_{t}", d["fallen"].get(t))
                                                       for t in cmp.fallen_turns)):
                r[f"{name}_vs_first"], r[f"{name}_vs_first_low"], r[f"{name}_vs_first_high"] = \
                    diff if diff is not None else (None, None, None)
            if missions:  # (last: a comparison of files without them keeps its columns)
                r.update(_missions_csv(s, c, d))
            rows.append(r)
    return csv_text(rows)


def _missions_csv(s: Summary, c: CellStats, d: dict[str, Any]) -> dict[str, Any]:
    """compare.csv's artillery columns for one row: `<counter>_<side>_mean` with `_ci_low`/`_high` (empty in a file
    without them), `suspected_fire_sides` (JSON: could each side fire on a suspected position; empty when not
    known) and `<counter>_<side>_vs_first` with `_low`/`_high` (`cell_difference`)."""
    r: dict[str, Any] = {}
    for n in MISSION_COUNTERS:
        for side in ("attacker", "defender"):
            xs = c.missions.get(n, {}).get(side)
            m = mean_interval(xs) if xs and len(xs) > 1 else (mean(xs) if xs else None, None, None)
            r[f"{n}_{side}_mean"], r[f"{n}_{side}_ci_low"], r[f"{n}_{side}_ci_high"] = m
    r["suspected_fire_sides"] = json.dumps(c.suspected_sides, sort_keys=True) if c.suspected_sides else None
    for n in MISSION_COUNTERS:
        for side in ("attacker", "defender"):
            diff = (d.get("missions") or {}).get(f"{n}_{side}")
            r[f"{n}_{side}_vs_first"], r[f"{n}_{side}_vs_first_low"], r[f"{n}_{side}_vs_first_high"] = \
                diff if diff is not None else (None, None, None)
    return r


def _group_label(cmp: Comparison, k: int, width: int) -> str:
    """A matched cell's tick label, its first file's cell ("0: weather=fog"), wrapped to `width` characters. Files
    of one cell each whose cells differ get each file's own ("A: weather=historical / B: weather=clear"): the first
    file's alone would name the other file's point after a setting it was not played under."""
    c = cmp.groups[k][0]
    if cmp.matched_by == "single cell":
        own = [(lab, g.label) for lab, g in zip(cmp.labels, cmp.groups[k], strict=False) if g is not None]
        if len({text for _lab, text in own}) > 1:
            return wrap_label(" / ".join(f"{lab}: {text}" for lab, text in own), width)
        return wrap_label(c.label, width)
    return wrap_label(f"{c.cell}: {c.label}", width)


FILE_COLOURS = ("#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#999999")
"""The files' colours in the comparison's plots: Okabe and Ito's colour-blind-safe orange, bluish green, reddish
purple, sky blue, yellow and grey, none of them the report's attacker red or defender blue (`ATT_COLOUR`,
`DEF_COLOUR`): with those, a reader took two files for the two sides (an analyst's review)."""
FILE_HATCHES = ("", "//", "..", "xx", "\\", "--", "++")
"""The files' bar hatches, a second cue beside the colour (in grey print, or for a reader who tells no colours)."""


def file_style(i: int) -> tuple[str, str]:
    """(colour, hatch) of the `i`-th file's bars and points in the comparison's plots.

    >>> file_style(0), file_style(1)
    (('#e69f00', ''), ('#009e73', '//'))
    """
    return FILE_COLOURS[i % len(FILE_COLOURS)], FILE_HATCHES[i % len(FILE_HATCHES)]


LEGEND_SETTINGS = (("sets", "--set"), ("weather", "--weather"), ("attacker", "--attacker"),
                   ("defender", "--defender"), ("seed", "--seed"), ("common_seeds", "--common-seeds"))
"""The batch settings a plot's legend names for each file where the files differ in them (`batch_differences`
names all of them, and the scenario and engine, in the table's notes)."""


def file_settings(cmp: Comparison) -> list[str]:
    """Each file's own value of the settings (`LEGEND_SETTINGS`) in which the files' batches differ, for the plots'
    legends: "--set units.az_sf_1.strength=3; --seed 5" ("" where the files differ in none of them)."""
    metas = [s.meta.get("batch") or {} for s in cmp.files]
    out: list[list[str]] = [[] for _ in cmp.files]
    for key, name in LEGEND_SETTINGS:
        values = [m.get(key) for m in metas]
        same = [sorted(map(_hashable, v)) if key == "sets" and isinstance(v, list) else v for v in values]
        if all(v == same[0] for v in same[1:]):
            continue
        for mine, v in zip(out, values, strict=True):
            if key == "sets":
                mine.append(f"{name} " + (", ".join(f"{p}={json.dumps(x)}" for p, x in v) if v else "none"))
            elif key == "common_seeds":
                mine.append(name if v else f"no {name}")
            else:
                none = SCENARIO_DEFAULT if key in SCENARIO_DEFAULT_KEYS else "none"
                mine.append(f"{name} {none if v is None else v}")
    return ["; ".join(x) for x in out]


def _file_legend(cmp: Comparison) -> list[str]:
    """"c: c.parquet (20 games a cell; --weather fog)": each file's bar in the legend, with the games behind it
    and the settings its batch differs in from the others' (`file_settings`): the plot names what it compares."""
    out = []
    for lab, s, settings in zip(cmp.labels, cmp.files, file_settings(cmp), strict=True):
        ns = sorted({c.n for c in s.cells})
        games = f"{ns[0]} games a cell" if len(ns) == 1 else f"{min(ns)}–{max(ns)} games a cell"
        out.append(f"{lab}: {ellipsize(s.path.name, 32)} ({games}{'; ' + ellipsize(settings, 60) if settings else ''})")
    return out


def fit_legend(fig: Any, handles: list[Any], labels: list[str], ncols: int) -> Any:
    """The files' legend under the plot in as many columns, up to `ncols`, as fit the figure's width, its labels
    wrapped when one column is too wide: with the settings in the files' names, three columns ran off both edges
    of compare_fallen.png."""
    import textwrap

    renderer = fig.canvas.get_renderer()
    room = 0.98 * fig.bbox.width
    for n in range(ncols, 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=n, fontsize="small")
        wide = legend.get_window_extent(renderer).width
        if wide <= room:
            return legend
        legend.remove()
    chars = max(len(x) for x in labels)
    for _ in range(4):  # (each round narrower by what still overflows; a few rounds at most)
        chars = max(20, int(chars * room / wide) - 2)
        wrapped = [textwrap.fill(re.sub(r"(--[a-z-]+) ", "\\1\u00a0", x), chars, subsequent_indent="  ",
                                 break_on_hyphens=False).replace("\u00a0", " ") for x in labels]  # ("--seed 5" whole)
        legend = fig.legend(handles, wrapped, loc="outside lower center", ncols=1, fontsize="small")
        wide = legend.get_window_extent(renderer).width
        if wide <= room or chars == 20:
            return legend
        legend.remove()
    return fig.legend(handles, labels, loc="outside lower center", ncols=1, fontsize="small")


def plot_compare(cmp: Comparison, path: Path) -> None:
    """`compare.png`: each file's attacker win rate per matched cell with its Wilson interval (above), and its
    difference from the first file's cell with that difference's own interval, paired or not (below): two
    overlapping Wilson intervals do not say the difference is nothing, above all between paired games."""
    import matplotlib.pyplot as plt

    nf, ng = len(cmp.files), len(cmp.groups)
    width = max(PLOT_WIDTH_IN, 1.1 * ng * nf + 3.0)
    bar = 0.8 / nf
    with plt.rc_context(PLOT_STYLE):
        fig, (ax, dx) = plt.subplots(2, 1, figsize=(width, 8.6), layout="constrained", sharex=True,
                                     height_ratios=[3, 2])
        for i, lab in enumerate(_file_legend(cmp)):
            xs = grouped_bar_x(ng, i, nf, bar)
            cells = [g[i] for g in cmp.groups]
            rates = [100 * c.win_rate if c.decided else 0.0 for c in cells]
            los = [max(0.0, 100 * (c.win_rate - c.win_ci[0])) if c.decided else 0.0 for c in cells]
            his = [max(0.0, 100 * (c.win_ci[1] - c.win_rate)) if c.decided else 0.0 for c in cells]
            colour, hatch = file_style(i)
            ax.bar(xs, rates, bar * 0.92, color=colour, alpha=0.8, label=lab, hatch=hatch, edgecolor="#333333",
                   linewidth=0.6)
            ax.errorbar(xs, rates, yerr=[los, his], fmt="none", ecolor="black", capsize=4, lw=1.1)
            for x, c in zip(xs, cells, strict=True):
                if c.decided:
                    ax.annotate(f"{pct(c.win_rate)}%\n{c.attacker_wins}/{c.decided}", (x, 100 * c.win_ci[1]),
                                textcoords="offset points", xytext=(0, 3), ha="center", va="bottom",
                                fontsize="x-small")
            if i == 0:
                continue
            for k, x in enumerate(xs):
                d = compare_differences(cmp, k, i)
                if d["win"] is None:
                    continue
                v, lo, hi = (100 * y for y in d["win"])
                dx.errorbar([x], [v], yerr=[[v - lo], [hi - v]], fmt="o" if d["paired"] else "s", color=colour,
                            mfc=colour if d["paired"] else "white", capsize=4, lw=1.3, ms=7)
                # (beside the point, clear of the caps: over the upper cap the label overprinted it)
                dx.annotate(f"{fmt_pts(d['win'][0])}", (x, v), textcoords="offset points", xytext=(8, 0),
                            ha="left", va="center", fontsize="x-small",
                            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
        ax.set_ylim(0, 122)
        ax.set_yticks(range(0, 101, 20))
        ax.set_ylabel("attacker win rate (%)")
        ax.grid(axis="y", alpha=0.3)
        fit_legend(fig, *ax.get_legend_handles_labels(), min(nf, 2))  # (below the axes: never over a bar's label)
        ax.set_title(f"Win rate of the {cmp.files[0].side('attacker')}, {nf} results files\n(error bars: 95% "
                     "Wilson score interval of each win rate)")
        dx.axhline(0, color="black", lw=0.8)
        lo_, hi_ = dx.get_ylim()
        dx.set_ylim(lo_ - 0.05 * (hi_ - lo_), hi_ + 0.05 * (hi_ - lo_))
        dx.grid(axis="y", alpha=0.3)
        dx.set_ylabel(f"vs {cmp.labels[0]} (pts)")
        kinds = {compare_differences(cmp, k, i)["paired"] for k in range(ng) for i in range(1, nf)}
        how = "; ".join(x for x, on in (("● paired: Newcombe's paired interval", True in kinds),
                                        ("□ unpaired: Newcombe's interval", False in kinds)) if on)
        dx.set_title(f"Difference from {cmp.labels[0]}'s cell (percentage points, 95% interval)\n{how}",
                     fontsize="medium")
        room = (width - 1.6) / ng
        dx.set_xticks(range(ng))
        dx.set_xticklabels([_group_label(cmp, k, max(12, int(room * 72 / (0.6 * TICK_FONT_PT)))) for k in range(ng)],
                           fontsize=TICK_FONT_PT)
        dx.set_xlabel("cell (matched by its sweep values; cell numbers of the first file)"
                      if cmp.matched_by != "single cell" else "each file's one cell")
        save_figure(fig, path)


def plot_compare_fallen(cmp: Comparison, path: Path) -> None:
    """`compare_fallen.png`: per matched cell, each file's share of all games with the objective taken by each
    checkpoint turn (`Comparison.fallen_turns`), with its Wilson interval; a panel per cell."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    turns, nf, ng = cmp.fallen_turns, len(cmp.files), len(cmp.groups)
    ncols = min(ng, 3)
    nrows = -(-ng // ncols)
    bar = 0.8 / nf
    with plt.rc_context(PLOT_STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(max(PLOT_WIDTH_IN, 0.55 * len(turns) * nf * ncols + 2),
                                                        3.6 * nrows + 1.2), layout="constrained", squeeze=False,
                                 sharey=True)
        for k in range(ng):
            ax = axes[k // ncols][k % ncols]
            for i in range(nf):
                c = cmp.groups[k][i]
                xs = grouped_bar_x(len(turns), i, nf, bar)
                shares = [cmp.fallen_share(k, i, t) for t in turns]
                for x, sh in zip(xs, shares, strict=True):
                    if sh is None:  # (not a 0% bar: no game of the cell reached that turn)
                        ax.annotate("not\nplayed", (x, 0), textcoords="offset points", xytext=(0, 3), ha="center",
                                    va="bottom", fontsize="xx-small", color="dimgray")
                keep = [(x, 100 * sh, t) for x, sh, t in zip(xs, shares, turns, strict=True) if sh is not None]
                if not keep:
                    continue
                cis = [wilson(c.fallen_by(t), c.n) for _, _, t in keep]
                ys = [y for _, y, _ in keep]
                ax.bar([x for x, _, _ in keep], ys, bar * 0.92, color=file_style(i)[0], alpha=0.8,
                       hatch=file_style(i)[1], edgecolor="#333333", linewidth=0.6)
                ax.errorbar([x for x, _, _ in keep], ys, yerr=[[max(0.0, y - 100 * lo) for y, (lo, _) in
                                                                 zip(ys, cis, strict=True)],
                                                                [max(0.0, 100 * hi - y) for y, (_, hi) in
                                                                 zip(ys, cis, strict=True)]],
                            fmt="none", ecolor="black", capsize=3, lw=1)
                for (x, y, _), (_, hi) in zip(keep, cis, strict=True):
                    ax.annotate(f"{pct(y / 100)}%", (x, 100 * hi), textcoords="offset points", xytext=(0, 2),
                                ha="center", va="bottom", fontsize="xx-small")
            ax.set_xticks(range(len(turns)))
            ax.set_xticklabels([str(t) for t in turns])
            ax.set_xlabel("by the end of turn")
            ax.set_ylim(0, 112)
            ax.set_yticks(range(0, 101, 20))
            ax.grid(axis="y", alpha=0.3)
            ax.set_title(_group_label(cmp, k, 34) if cmp.matched_by != "single cell" else "", fontsize="medium")
            if k % ncols == 0:
                ax.set_ylabel(f"{cmp.files[0].objective} fallen (% of all games)")
        for k in range(ng, nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        handles = [Patch(facecolor=file_style(i)[0], hatch=file_style(i)[1], edgecolor="#333333", linewidth=0.6,
                         alpha=0.8) for i in range(nf)]
        fit_legend(fig, handles, _file_legend(cmp), min(nf, 3))
        fig.suptitle(f"{cmp.files[0].objective} fallen by turn T (all games, wins and losses)\n(error bars: 95% "
                     "Wilson score interval; “not played”: a turn after the cell's last)")
        save_figure(fig, path)


COMPARE_FILES = ("compare.md", "compare.csv", "compare.png", "compare_fallen.png")
"""What `wargame compare --out` writes (compare_fallen.png only when the files record their turns)."""


def write_compare(cmp: Comparison, out_dir: Path) -> list[Path]:
    """Write compare.md, compare.csv and the plots (`COMPARE_FILES`) into `out_dir` (created if missing), each
    atomically; an earlier comparison's compare_fallen.png is removed when these files have no turns to show."""
    import matplotlib

    from engine.fileio import atomic_write_text

    matplotlib.use("Agg", force=True)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = [out_dir / name for name in COMPARE_FILES]
        atomic_write_text(paths[0], compare_markdown(cmp))
        atomic_write_text(paths[1], compare_csv(cmp))
        plot_compare(cmp, paths[2])
        if cmp.fallen_turns:
            plot_compare_fallen(cmp, paths[3])
        else:  # (not left beside this comparison as if it were its own)
            paths.pop().unlink(missing_ok=True)
    except OSError as e:
        raise ReportWriteError(f"cannot write the comparison to {out_dir}: {e.strerror or e}") from None
    return paths
