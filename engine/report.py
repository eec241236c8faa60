"""Statistics and plots from a batch results file (`wargame report`)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import io
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from engine.errors import WargameError
from engine.stats import (  # noqa: F401  (re-exported: `engine.report.wilson` and the others were here first)
    T975_SMALL_DF,
    Z95,
    half_up,
    mean,
    mean_stats,
    median,
    newcombe_difference,
    newcombe_paired,
    paired_t_difference,
    sample_sd,
    standard_error,
    t975,
    t_half_width,
    welch_difference,
    wilson,
)


class ReportError(WargameError):
    pass


MODEL_RATE_NOTE = ("A win rate is the model's, under its rules and the scenario's data, not a probability of "
                   "the historical outcome; where a scenario was calibrated to a record (Shusha's notes; "
                   "`wargame fidelity`), its win rate was among the tuning targets.")
"""Said beside every win rate a class may see (a historian's review: "67%" read as "a two-in-three chance")."""


T_BARS = "± t(0.975, n−1)·SE"
"""How the plots' error bars are drawn (`t_half_width`), for their titles."""
T_CAPTION = ("Student's t: mean ± t(0.975, n−1) standard errors, n the games behind the mean; wider than ±1.96 "
             "standard errors with few games, 2.78 at 5")
"""The same, for the captions."""


@dataclass
class TurnSeries:
    """One cell's objective by turn (1 to `turns[-1]`), over all its `n` games, from the per-turn file. A game
    that ended before a turn counts with the state it ended in (a sudden-death capture stays a capture)."""

    n: int
    total_hexes: int
    turns: list[int]
    held_by: list[int]
    """Games in which the attacker had held the whole objective at the end of some turn up to this one."""
    mean_hexes: list[float]
    """Mean objective hexes the attacker held at the end of the turn."""
    ci_hexes: list[float]
    """Half-width of the 95% interval of `mean_hexes` (Student's t, n - 1 degrees of freedom: `t_half_width`)."""

    def held_ci(self, i: int) -> tuple[float, float]:
        return wilson(self.held_by[i], self.n)


class GameRow(NamedTuple):
    """One game of a cell as a paired comparison sees it (`paired_games`)."""

    seed: int | None
    """The game's seed (column `seed`); None in a file without it: such a game pairs with none."""
    winner: str
    capture_turn: int | None
    lost_attacker: int
    """The attacker's casualties (`CellStats.casualties`: ground steps, or every step in an older file)."""
    lost_defender: int
    missions: Mapping[str, int] | None = None
    """The game's `MISSION_COUNTERS` columns ({"artillery_missions_attacker": 12, ...}); None in a file without
    them."""
    more: tuple[Any, ...] = ()
    """The rest of what tells the game apart (turns played, outcome, every step lost, drone sorties flown and
    grounded): only for `same_games_warnings`, which say when cells played the very same games."""


MISSION_COUNTERS = ("artillery_missions", "suspected_fire_missions")
"""The per-side counters of artillery fire the report shows (columns `<counter>_<side>`): every fire mission, and
of them those on a suspected position (`CombatRules.suspected_fire`, engine 0.18.0)."""


@dataclass
class CellStats:
    cell: int
    label: str
    params: dict[str, Any]
    n: int = 0
    attacker_wins: int = 0
    defender_wins: int = 0
    capture_turns: list[int] = field(default_factory=list)
    road_cut_turns: list[int] = field(default_factory=list)
    """Per game whose road was cut: the turn of the first cut anywhere on the watched road (`road_cut_turn`)."""
    near_cut_turns: list[int] | None = field(default_factory=list)
    """Per game whose road was cut by the objective: the first turn an attacker ground unit stood on the road
    within 3 hexes of it (`road_cut_near_objective_turn`, fidelity's cut by the town); None when the file has no
    such column (written by an older wargame)."""
    cut_places: dict[str, int] | None = field(default_factory=dict)
    """Games by where the road was first cut (`road_cut_where`); None when the file has no such column."""
    steps_lost: dict[str, list[int]] = field(default_factory=lambda: {"attacker": [], "defender": []})
    sorties_flown: list[int] = field(default_factory=list)
    sorties_grounded: list[int] = field(default_factory=list)
    entered: int | None = 0
    """Games in which an attacker unit entered an objective hex at all (None: not recorded in the file)."""
    run_options: str = ""
    turns_played: list[int] = field(default_factory=list)
    weather_grounded: list[int] | None = field(default_factory=list)
    """Per game: turns whose weather grounded every armed drone (column `weather_grounded_turns`); None when the
    file has no such column (written by an older wargame) or the games had no armed drones."""
    by_turn: TurnSeries | None = None
    """The objective turn by turn, from the batch's per-turn file (`wargame batch --turns`); None without one."""
    short_label: str = ""
    """`label` with long sweep values abbreviated (`abbreviate_value`), for the plots; "" when `label` is short."""
    name: str = ""
    """A name the user gave the cell ('gorge'; `name_cells`): the plots call the cell by it; "" when none."""
    losses_by_cause: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """{side: {cause: steps lost per game}} from the `losses_<side>_<cause>` columns the file has (none in a file
    written before they existed)."""
    ground_steps_lost: dict[str, list[int]] | None = None
    """{side: steps its ground units lost, per game} (`steps_lost_<side>_ground`: drones shot down not counted);
    None when the file has no such columns (written by an older wargame): the report then shows all steps."""
    air_steps_lost: dict[str, list[int]] | None = None
    """{side: steps its drones lost, per game} (`steps_lost_<side>_air`); None when not in the file."""
    outcomes: dict[str, int] | None = None
    """Games per way the game ended (column `outcome`, `engine.rules.OUTCOMES`); None when the file has no such
    column (written by an older wargame)."""
    objective_total: int | None = None
    """Hexes of the objective (column `objective_hexes_total`); None when not in the file."""
    defender_win_hexes: list[int] = field(default_factory=list)
    """Per defender win: the objective hexes the attacker held at the end (`objective_hexes_attacker`)."""
    games: dict[int, GameRow] = field(default_factory=dict)
    """Per game (column `game`): what a paired comparison needs (`paired_games`); {} in a file without a `game`
    column."""
    unknown_winners: dict[str, int] = field(default_factory=dict)
    """Games whose `winner` is neither attacker nor defender, by value (a damaged or foreign file): counted
    apart, left out of the win rate (`decided`), and warned about (`Summary.warnings`)."""
    missions: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    """{counter: {side: per game}} for each of `MISSION_COUNTERS` whose two columns the file has ({} in an older
    file)."""
    suspected_sides: dict[str, bool] | None = None
    """Per side: could its agent fire on a suspected position in this cell's games (the batch's record,
    `read_suspected_sides`)? None when not known (a file written before engine 0.19.0)."""
    artillery_sides: dict[str, bool] | None = None
    """Per side: had it any guns in this cell's scenario (the batch's record, `engine.batch.cell_artillery_sides`)?
    None when not known (a file written before session 37): the missions are then shown as counted."""

    start_steps: dict[str, dict[str, int]] | None = None
    """Per side, {ground, air}: the strength steps its units bring into this cell's games (the batch's record,
    `engine.batch.cell_start_steps`): the scale of the losses. None when not known (a file written before session
    40)."""

    def start_of(self, side: str) -> int | None:
        """The steps `side` brings in that its losses column counts (ground, or all in an older file's), or None."""
        got = (self.start_steps or {}).get(side)
        if not isinstance(got, dict) or not all(isinstance(got.get(k), int) for k in ("ground", "air")):
            return None
        return got["ground"] if self.ground_steps_lost is not None else got["ground"] + got["air"]

    def gunless(self, side: str) -> bool:
        """Is `side` known to have had no guns in this cell (its missions columns say nothing)?"""
        return self.artillery_sides is not None and not self.artillery_sides.get(side, True)

    def casualties(self, side: str) -> list[int]:
        """A side's steps lost per game as the report speaks of casualties: its ground units' steps
        (`ground_steps_lost`), or every step (drones included) in a file without the ground columns."""
        return (self.ground_steps_lost or self.steps_lost)[side]

    @property
    def near_misses(self) -> int | None:
        """Defender wins in which the attacker held all but one objective hex at the end (6 of 7); None when the
        file does not record the objective hexes, or the objective is a single hex."""
        if not self.objective_total or self.objective_total < 2:
            return None
        return sum(1 for h in self.defender_win_hexes if h == self.objective_total - 1)

    @property
    def plot_label(self) -> str:
        """How the plots call the cell: its name, else its label abbreviated, else its label."""
        return self.name or self.short_label or self.label

    @property
    def decided(self) -> int:
        """Games with a winner, attacker or defender: the win rate's denominator (`n` in a sound file)."""
        return self.n - sum(self.unknown_winners.values())

    @property
    def win_rate(self) -> float:
        return self.attacker_wins / self.decided if self.decided else 0.0

    @property
    def win_ci(self) -> tuple[float, float]:
        return wilson(self.attacker_wins, self.decided)

    @property
    def capture_rate(self) -> float:
        return len(self.capture_turns) / self.n if self.n else 0.0

    @property
    def road_cut_rate(self) -> float:
        return len(self.road_cut_turns) / self.n if self.n else 0.0

    def fallen_by(self, turn: int) -> int:
        """Games (of all `n`, won or lost) in which the objective was taken by the end of `turn`."""
        return sum(1 for t in self.capture_turns if t <= turn)


@dataclass
class Summary:
    path: Path
    cells: list[CellStats]
    meta: dict[str, Any]
    sweep_keys: list[str]
    turns_path: Path | None = None
    """The per-turn file the cells' `by_turn` series were read from."""
    turns_note: str | None = None
    """Why a per-turn file next to the results was not used (one line for the user), or None."""
    warnings: list[str] = field(default_factory=list)
    """What in the results file was read but is suspect (unknown winners), or what the numbers alone would not
    tell (cells that played the very same games: `same_games_warnings`), one line each for the user."""
    conditions: str = ""
    """The weather and the AIs the games were played with, in words (`read_conditions`): a batch with no options
    never said them (an analyst); "" for a file without those columns."""
    measure_data: tuple[list[list[str]], dict[int, dict[str, list[Any]]]] | None = field(default=None, repr=False,
                                                                                        compare=False)
    """`measure_rows`'s read of the results: each measure's columns, and those columns by cell (read once: the
    terminal's table and report.md both show them)."""
    suspected_why: str | None = None
    """Why the cells' `suspected_sides` are not known (one clause), or None."""
    baseline: int | None = None
    """The cell every difference is taken against (`wargame report --baseline K`; `set_baseline`); None: the
    first (cell 0 of a whole batch). In a grid (weather x assault_ratio) the effect of one factor at another's
    level needs another."""
    by: list[str] = field(default_factory=list)
    """Sweep keys whose effect at each level of the others the report also tables (`wargame report --by KEY`;
    `engine.factor_effects`)."""
    effects: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """`engine.factor_effects.factor_effects` by sweep key, made once: the terminal, report.md, report.html and
    summary.json all show them."""

    @property
    def base(self) -> CellStats:
        """The baseline cell (`baseline`), or the first when none is chosen."""
        return next((c for c in self.cells if c.cell == self.baseline), self.cells[0])

    @property
    def vs(self) -> str:
        """"cell 3": what the differences are taken against, as the table's headers and notes say it."""
        return f"cell {self.base.cell}"

    @property
    def vs_key(self) -> str:
        """"vs_cell3": the summary files' name for the differences from the baseline (`vs_cell0` by default)."""
        return f"vs_cell{self.base.cell}"

    def at_base(self, text: str) -> str:
        """A note written of cell 0 (`WELCH_NOTE`, ...) as of the baseline: "cell 0" -> "cell 3"."""
        return text.replace("cell 0", self.vs).replace("vs_cell0", self.vs_key)

    @property
    def fixed(self) -> dict[str, Any]:
        """The batch's overrides common to every cell, keyed as a sweep would name them: `set:PATH` for each
        `--set`, `weather` for `--weather`, `attacker_agent` / `defender_agent` for `--attacker` / `--defender`
        (read from the file metadata; {} for a batch of the scenario as it is)."""
        return fixed_overrides(self.meta.get("batch") or {})

    @property
    def seed(self) -> int | None:
        """The batch's base seed (`--seed`), None if the file does not record it."""
        return (self.meta.get("batch") or {}).get("seed")

    @property
    def has_turns(self) -> bool:
        return any(c.by_turn is not None for c in self.cells)

    @property
    def common_seeds(self) -> bool:
        """Did every cell play the same seeds (`wargame batch --common-seeds`, recorded in the batch identity)?"""
        return bool((self.meta.get("batch") or {}).get("common_seeds"))

    def cell_turns(self, c: CellStats) -> int:
        """The turns cell `c`'s games were played over: its `set:turns` sweep value, else the scenario's (0 when
        the file says neither and no game was played)."""
        v = c.params.get("set:turns")
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
        return self.turns or max((t for c in self.cells for t in c.turns_played), default=0)

    @property
    def fallen_turns(self) -> list[int]:
        """The turns of the "fallen by turn T" shares: every cell's checkpoints (`fallen_checkpoints` of its own
        turns), so a sweep over `turns` gives each cell its 70/85/100% turns and compares them at each other's
        (the longest cell's alone read 0% at turns 18/22/26 for a 16-turn cell, as if the town had held)."""
        return sorted({t for c in self.cells for t in fallen_checkpoints(self.cell_turns(c))})

    @property
    def turns_vary(self) -> bool:
        """Do the cells play different numbers of turns (a sweep over `turns`)?"""
        return len({self.cell_turns(c) for c in self.cells}) > 1

    def fallen_share(self, c: CellStats, turn: int) -> float | None:
        """The share of all `c`'s games with the objective taken by the end of `turn`; None when `turn` is after
        the cell's last turn (no game of it reached that turn) or the cell has no games."""
        if not c.n or turn > self.cell_turns(c):
            return None
        return c.fallen_by(turn) / c.n

    @property
    def has_near_cut(self) -> bool:
        """Does the file record the cut by the objective (`road_cut_near_objective_turn`)?"""
        return all(c.near_cut_turns is not None for c in self.cells)

    @property
    def games(self) -> int:
        return sum(c.n for c in self.cells)

    def turn_date(self, turn: float | None) -> str:
        """'06 Nov 18:00' for the start of a turn; a median between two turns (19.5) spans both turns' starts:
        '06 Nov 06:00–18:00' (dating it by one of them would claim a precision the median does not have)."""
        if turn is None:
            return "—"
        start, hours = self.meta.get("start"), self.meta.get("turn_hours")
        if not start or not hours:
            return ""
        try:
            t0 = dt.datetime.fromisoformat(start)
        except ValueError:
            return ""

        def at(t: int) -> str:
            return (t0 + dt.timedelta(hours=hours * (t - 1))).strftime("%d %b %H:%M")

        lo, hi = at(math.floor(turn)), at(math.ceil(turn))
        if lo == hi:
            return lo
        return f"{lo}–{hi[7:]}" if lo[:6] == hi[:6] else f"{lo}–{hi}"

    @property
    def objective(self) -> str:
        return self.meta.get("objective") or "objective"

    def side(self, side: str) -> str:
        name = (self.meta.get("side_names") or {}).get(side)
        return f"{side} ({name})" if name and name != side else side

    @property
    def turns(self) -> int | None:
        return self.meta.get("turns") or None

    @property
    def ground_losses(self) -> bool:
        """Do the loss figures of the table and `losses.png` count ground units only (every cell has the
        `steps_lost_<side>_ground` columns), rather than all steps, drones included (an older file)?"""
        return all(c.ground_steps_lost is not None for c in self.cells)

    @property
    def has_outcomes(self) -> bool:
        """Does the file say how each game ended (column `outcome`)?"""
        return all(c.outcomes is not None for c in self.cells)

    @property
    def has_missions(self) -> bool:
        """Does the file have the `artillery_missions_<side>` columns (every cell)?"""
        return all("artillery_missions" in c.missions for c in self.cells)

    @property
    def has_suspected(self) -> bool:
        """Does the file have the `suspected_fire_missions_<side>` columns (engine 0.18.0 on)?"""
        return all("suspected_fire_missions" in c.missions for c in self.cells)

    def suspected_off(self, c: CellStats, side: str) -> bool:
        """Was fire on suspected positions out of `side`'s play in all of `c`'s games: known off
        (`CellStats.suspected_sides`) and none fired (a count the games recorded outweighs the settings read)."""
        got = c.missions.get("suspected_fire_missions", {}).get(side)
        return c.suspected_sides is not None and not c.suspected_sides[side] and not any(got or ())

    @property
    def suspected_column(self) -> bool:
        """Show the missions on suspected positions: the file has them and, in some cell, some side could fire
        them or did (never a column of zeros for a rule that was off in every game)."""
        if not self.has_suspected:
            return False
        if any(any(by_side) for c in self.cells for by_side in c.missions["suspected_fire_missions"].values()):
            return True
        return any(c.suspected_sides is None or any(c.suspected_sides.values()) for c in self.cells) and \
            not self.suspected_none

    @property
    def suspected_none(self) -> bool:
        """No mission on a suspected position in any game, and whether the rule was in play is not known in some
        cell (`suspected_note` says why): a column of zeros would not tell the rule off from never used."""
        if not self.has_suspected or any(c.suspected_sides is not None and any(c.suspected_sides.values())
                                         for c in self.cells):
            return False
        return not any(any(v) for c in self.cells for v in c.missions["suspected_fire_missions"].values()) and \
            any(c.suspected_sides is None for c in self.cells)

    @property
    def loss_causes(self) -> list[str]:
        """The causes of loss the results file has a column for (either side), in the file's order."""
        causes: dict[str, None] = {}
        for c in self.cells:
            for by_cause in c.losses_by_cause.values():
                causes.update(dict.fromkeys(by_cause))
        return list(causes)


FALLEN_FRACTIONS = (0.7, 0.85, 1.0)
"""Where in the game the report looks at how many games have seen the objective fall: 70%, 85% and 100% of the
turns (Shusha's 26: turns 18, 22 and 26). A median capture turn over the wins alone barely moves in a game whose
captures all come between the road cut and the last turn (a modelling review: defender firepower 1/3/5 gave the
town fallen by turn 22 in 42%/22%/0% of the games, while the median over the wins went 23 -> 23.5 -> 25)."""


def fallen_checkpoints(turns: int) -> list[int]:
    """The turns of the "fallen by turn T" shares for a game of `turns` turns ([] when unknown).

    >>> fallen_checkpoints(26), fallen_checkpoints(6), fallen_checkpoints(2)
    ([18, 22, 26], [4, 5, 6], [1, 2])
    """
    if turns < 1:
        return []
    return sorted({max(1, min(turns, math.floor(f * turns + 0.5))) for f in FALLEN_FRACTIONS})


def fixed_overrides(batch: Mapping[str, Any]) -> dict[str, Any]:
    """The overrides of a batch's identity (`engine.batch.BatchSpec.identity`) that every cell plays with, keyed
    as sweep keys are (`set:PATH`, `weather`, `attacker_agent`, `defender_agent`).

    >>> fixed_overrides({"sets": [["sides.defender.supply_range", 10]], "weather": "stochastic", "attacker": None})
    {'set:sides.defender.supply_range': 10, 'weather': 'stochastic'}
    """
    out: dict[str, Any] = {f"set:{path}": value for path, value in batch.get("sets") or []}
    for key, option in (("weather", "weather"), ("attacker_agent", "attacker"), ("defender_agent", "defender")):
        if batch.get(option) is not None:
            out[key] = batch[option]
    return out


def fixed_label(s: Summary, abbreviate: bool = False) -> str:
    """The batch's fixed overrides (`Summary.fixed`) as a cell label reads ("defender.supply_range=10,
    weather=stochastic"); "" when there are none."""
    fixed = s.fixed
    if not fixed:
        return ""
    return cell_label(fixed, short_labels([*s.sweep_keys, *fixed]), abbreviate=abbreviate)


def fixed_note(s: Summary, abbreviate: bool = False) -> str:
    """For a title or caption of a sweep: "in every cell: defender.supply_range=10"; "" when nothing is fixed or
    the batch is a single cell (its label already says it)."""
    if not s.fixed or not s.sweep_keys:
        return ""
    return f"in every cell: {fixed_label(s, abbreviate)}"


LOSS_COLUMN = re.compile(r"losses_(attacker|defender)_(\w+)")
"""A column of steps lost by one side to one cause (`losses_attacker_ambush`): the cause is the rest of the name."""


def summarize(path: Path, cell_names: Mapping[int, str] | None = None, baseline: int | None = None) -> Summary:
    """Per-cell statistics from a results Parquet file (reads only the columns it needs); `cell_names` names
    cells for the plots ({0: "gorge"}; see `name_cells`); `baseline`, the cell differences are taken against
    (`set_baseline`; None: the first)."""
    import pyarrow.parquet as pq

    from engine.batch import read_batch_metadata

    path = Path(path)
    try:
        pf = pq.ParquetFile(path)
        meta = read_batch_metadata(path)
    except FileNotFoundError:
        from engine.batch import batch_writing, parts_dir

        if parts_dir(path).is_dir():
            pid = batch_writing(parts_dir(path))
            if pid is not None:  # (--resume would only meet its lock: an analyst)
                who = f"a wargame batch (pid {pid})" if pid else "a wargame batch"
                raise ReportError(f"results file not found: {path}; {who} is writing it now: wait for it to "
                                  "finish") from None
            raise ReportError(f"results file not found: {path}; {parts_dir(path)} holds an unfinished batch: "
                              "complete it with the same `wargame batch` command and --resume") from None
        raise ReportError(f"results file not found: {path}") from None
    except IsADirectoryError:
        raise ReportError(f"{path} is a folder, not a results file") from None
    except OSError as e:
        raise ReportError(f"cannot read results file {path}: {e.strerror or e}") from None
    except Exception as e:  # ArrowInvalid: not parquet
        raise ReportError(f"cannot read results file {path}: not a Parquet results file "
                          f"({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None
    names = pf.schema_arrow.names
    need = ["cell", "winner", "objective_taken_turn", "road_cut_turn", "steps_lost_attacker_total",
            "steps_lost_defender_total", "drone_sorties_flown_attacker", "drone_sorties_grounded_attacker"]
    missing = [c for c in need if c not in names]
    if missing:
        raise ReportError(f"{path} is not a wargame batch results file (missing columns: {', '.join(missing)})")
    sweep_keys = [k for k, _ in (meta.get("batch", {}).get("sweeps") or []) if k in names]
    opt = [c for c in ("run_options", "seed", "objective_first_entry_type", "end_turn", "weather_grounded_turns",
                       "outcome", "objective_hexes_attacker", "objective_hexes_total", "road_cut_where",
                       "road_cut_near_objective_turn",
                       *(f"steps_lost_{side}_{d}" for side in ("attacker", "defender") for d in ("ground", "air")))
           if c in names]
    domains = all(f"steps_lost_{side}_{d}" in names for side in ("attacker", "defender") for d in ("ground", "air"))
    loss_columns = {n: m.groups() for n in names if (m := LOSS_COLUMN.fullmatch(n))}
    counters = [n for n in MISSION_COUNTERS if all(f"{n}_{side}" in names for side in ("attacker", "defender"))]
    mission_columns = [f"{n}_{side}" for n in counters for side in ("attacker", "defender")]
    keyed = ["game"] if "game" in names else []  # (a batch writes each (cell, game) once)
    _check_column_types(path, pf.schema_arrow, [*need, *opt, *loss_columns, *keyed, *mission_columns])
    cell_meta = {c["cell"]: c for c in meta.get("cells", [])}
    fixed = fixed_overrides(meta.get("batch") or {})
    short = short_labels([*sweep_keys, *fixed])
    cells: dict[int, CellStats] = {}
    seen: set[tuple[int, int]] = set()
    repeated: dict[tuple[int, int], int] = {}
    for i in range(pf.num_row_groups):
        table = pf.read_row_group(i, columns=need + sweep_keys + opt + list(loss_columns) + keyed + mission_columns)
        for r in _as_read(path, table, sweep_keys).to_pylist():
            if keyed:
                key = (r["cell"], r["game"])
                if key in seen:
                    repeated[key] = repeated.get(key, 1) + 1
                    continue
                seen.add(key)
            c = cells.get(r["cell"])
            if c is None:
                params = {k: r[k] for k in sweep_keys}
                cm = cell_meta.get(r["cell"], {})
                # a batch without a sweep is one cell: labelled by what it fixed (--set, --weather, ...), so that
                # a variant's plots and summaries never read like the baseline's ("all games")
                shown = params or fixed
                label, abbreviated = cell_label(shown, short), cell_label(shown, short, abbreviate=True)
                c = cells[r["cell"]] = CellStats(r["cell"], label, params, run_options=cm.get("run_options", ""),
                                                 short_label=abbreviated if abbreviated != label else "")
                if domains:
                    c.ground_steps_lost = {"attacker": [], "defender": []}
                    c.air_steps_lost = {"attacker": [], "defender": []}
                if "outcome" in r:
                    c.outcomes = {}
                if "road_cut_near_objective_turn" not in r:  # (a file written before these columns)
                    c.near_cut_turns = None
                if "road_cut_where" not in r:
                    c.cut_places = None
                c.missions = {n: {"attacker": [], "defender": []} for n in counters}
            for n, by_side in c.missions.items():
                for side, got in by_side.items():
                    got.append(r[f"{n}_{side}"])
            for column, (side, cause) in loss_columns.items():
                if r[column] is not None:
                    c.losses_by_cause.setdefault(side, {}).setdefault(cause, []).append(r[column])
            c.n += 1
            if "objective_first_entry_type" not in r:
                c.entered = None
            elif c.entered is not None and r["objective_first_entry_type"] is not None:
                c.entered += 1
            c.attacker_wins += r["winner"] == "attacker"
            c.defender_wins += r["winner"] == "defender"
            if r["winner"] not in ("attacker", "defender"):
                c.unknown_winners[r["winner"]] = c.unknown_winners.get(r["winner"], 0) + 1
            if r["objective_taken_turn"] is not None:
                c.capture_turns.append(r["objective_taken_turn"])
            if r["road_cut_turn"] is not None:
                c.road_cut_turns.append(r["road_cut_turn"])
            if c.near_cut_turns is not None and r["road_cut_near_objective_turn"] is not None:
                c.near_cut_turns.append(r["road_cut_near_objective_turn"])
            if c.cut_places is not None and r["road_cut_where"] is not None:
                c.cut_places[r["road_cut_where"]] = c.cut_places.get(r["road_cut_where"], 0) + 1
            c.steps_lost["attacker"].append(r["steps_lost_attacker_total"])
            c.steps_lost["defender"].append(r["steps_lost_defender_total"])
            if c.ground_steps_lost is not None and c.air_steps_lost is not None:
                for side in ("attacker", "defender"):
                    c.ground_steps_lost[side].append(r[f"steps_lost_{side}_ground"])
                    c.air_steps_lost[side].append(r[f"steps_lost_{side}_air"])
            if c.outcomes is not None and r["outcome"] is not None:
                c.outcomes[r["outcome"]] = c.outcomes.get(r["outcome"], 0) + 1
            if r.get("objective_hexes_total") is not None:
                c.objective_total = max(c.objective_total or 0, r["objective_hexes_total"])
                if r["winner"] == "defender" and r.get("objective_hexes_attacker") is not None:
                    c.defender_win_hexes.append(r["objective_hexes_attacker"])
            c.sorties_flown.append(r["drone_sorties_flown_attacker"])
            c.sorties_grounded.append(r["drone_sorties_grounded_attacker"])
            if r.get("end_turn") is not None:
                c.turns_played.append(r["end_turn"])
            if keyed:
                c.games[r["game"]] = GameRow(r.get("seed"), r["winner"], r["objective_taken_turn"],
                                             c.casualties("attacker")[-1], c.casualties("defender")[-1],
                                             {k: r[k] for k in mission_columns} if mission_columns else None,
                                             (r.get("end_turn"), r.get("outcome"), r["steps_lost_attacker_total"],
                                              r["steps_lost_defender_total"], r["drone_sorties_flown_attacker"],
                                              r["drone_sorties_grounded_attacker"]))
            if r.get("weather_grounded_turns") is None:
                c.weather_grounded = None
            elif c.weather_grounded is not None:
                c.weather_grounded.append(r["weather_grounded_turns"])
    if repeated:  # (refused, not dropped: which copy is the batch's, and whether the copies agree, is unknown)
        shown = ", ".join(f"cell {c} game {g} ({n} times)" for (c, g), n in sorted(repeated.items())[:3])
        more = f" and {len(repeated) - 3} more" if len(repeated) > 3 else ""
        raise ReportError(f"{path}: {sum(repeated.values()) - len(repeated)} row(s) repeat a (cell, game) of another "
                          f"row: {shown}{more}; `wargame batch` writes each game once, so the games would be counted "
                          "more than once (results put together from copies?): keep one row per (cell, game)")
    if not cells:
        raise ReportError(f"{path} holds no games")
    s = Summary(path, [cells[k] for k in sorted(cells)], meta, sweep_keys)
    s.warnings += unknown_winner_warnings(s)
    if s.has_suspected:
        read_suspected_sides(s)
    read_artillery_sides(s)
    read_start_steps(s)
    s.conditions = read_conditions(path, names)
    read_turns(s)
    name_cells(s, cell_names or {})
    if baseline is not None:
        set_baseline(s, baseline)
    s.warnings += same_games_warnings(s)
    if changed := scenario_changed_warning(s):
        s.warnings.append(changed)
    if changed := engine_changed_warning(s):
        s.warnings.append(changed)
    if Path(path).parent.name.endswith(".parts") and Path(path).name.startswith("part-"):  # (an analyst read one
        out = Path(path).parent.name[:-len(".parts")]  # piece as if it were the batch: "25 games", no word more)
        s.warnings.append(f"{Path(path).name} is one piece of an unfinished batch (its results file {out} is not "
                          "written yet): these are only the games of this piece; complete the batch with the same "
                          "`wargame batch` command and --resume, and report on its results file")
    return s


def other_report(out_dir: Path, results: Path) -> str | None:
    """The results file whose report `out_dir` holds, when it is not `results` (by its path, or by its name and the
    batch's command when the path was given from another folder); None for an empty folder, this file's own
    report, or a summary.json that cannot be read. `wargame report` replaced another study's report, and deleted
    its HTML and plots, without a word (an analyst); `wargame batch` refuses the like without --overwrite."""
    try:
        got = json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    recorded = got.get("results") if isinstance(got, dict) else None
    if not isinstance(recorded, str) or not recorded:
        return None
    try:
        if Path(recorded).resolve() == Path(results).resolve():
            return None
        if Path(recorded).name == Path(results).name:
            from engine.batch import read_batch_metadata

            if read_batch_metadata(Path(results)).get("command") == got.get("command"):
                return None
    except (OSError, ValueError):
        return None
    return recorded


def engine_changed_warning(s: Summary) -> str | None:
    """A warning when the engine's code is not the code that played the batch (its recorded `engine_code`): the
    re-run commands would run today's code, which may play other games. `wargame compare` said so, the report
    did not (an analyst). Nothing for results that predate the record."""
    from engine.batch import engine_code

    recorded = s.meta.get("engine_code")
    if not isinstance(recorded, str) or not recorded:
        return None
    now = engine_code()
    if now == recorded:
        return None
    return (f"the engine's code has changed since this batch was played (code {recorded[:12]}… then, {now[:12]}… "
            "now): the re-run commands (`wargame run ...`, in report.md) run today's code, which may not give "
            "these games")


def scenario_changed_warning(s: Summary) -> str | None:
    """A warning when the scenario file the batch played (its recorded path, from the folder it was run in) now
    holds another scenario than its recorded sha256: the report's re-run commands would play the file as it is now
    (an analyst's cluster run: another user edited the scenario's text meanwhile, and the report said nothing;
    `--resume` refuses such a batch). Nothing when the file is gone or unreadable, or the results predate the
    record."""
    from engine.scenario import scenario_sha256

    recorded = (s.meta.get("batch") or {}).get("scenario_sha256")
    path = s.meta.get("scenario_path")
    if not recorded or not path:
        return None
    p = Path(path)
    if not p.is_absolute() and s.meta.get("cwd"):
        p = Path(s.meta["cwd"]) / p
    try:
        now = scenario_sha256(json.loads(p.read_text(encoding="utf-8-sig")))  # (a BOM, as the loader accepts)
    except (OSError, ValueError):
        return None
    if now == recorded:
        return None
    return (f"the scenario file {path} has changed since this batch was played (sha256 {recorded[:12]}… then, "
            f"{now[:12]}… now): the re-run commands (`wargame run ...`, in report.md) play the file as it is now, "
            "which may not give these games")


def same_games_warnings(s: Summary) -> list[str]:
    """Warnings for cells that played the very same games, game for game (same seeds, and every game's winner,
    capture turn, turns, outcome, losses, drone sorties and fire missions the same: `same_games_groups`): what
    they change made no difference in these games. A sweep of the armed drone's cloud base gave three identical
    cells, whose differences read "+0 pts [-1, +1]" with no word of why (the scenario's fog grounded the drones
    first: an analyst's review). The cells that played the baseline's games first, named against it; then each
    group of others (a cloud-base sweep crossed with the TB2's strength: identical pairs at every ceiling that
    grounds the TB2, and only the pair with cell 0 was named)."""
    base, out = s.base, []
    for g in same_games_groups(s):
        if base in g:
            same = [c for c in g if c is not base]
            names = ", ".join(f"cell {c.cell} ({c.label})" for c in same)
            what = "its setting" if len(same) == 1 else "their settings"
            out.insert(0, f"{names} played the very games of {s.vs} ({base.label}), game for game: same seeds, and "
                          f"every game's winner, capture turn, turns, losses, drone sorties and fire missions the "
                          f"same; {what} made no difference in these games (something else may decide first: e.g. a "
                          "rule that grounds the drones before a swept ceiling would)")
            continue
        names = " and ".join([", ".join(f"cell {c.cell} ({c.label})" for c in g[:-1]),
                              f"cell {g[-1].cell} ({g[-1].label})"])
        out.append(f"{names} played the very same games as each other, game for game (same seeds, and every "
                   "game's winner, capture turn, turns, losses, drone sorties and fire missions the same): what they "
                   "differ in made no difference in these games")
    return out


def same_games_groups(s: Summary) -> list[list[CellStats]]:
    """The cells that played the very same games as each other (same seeds and every game's record the same),
    in groups of two or more, in the cells' order."""
    groups: list[list[CellStats]] = []
    for c in s.cells:
        for g in groups:
            if c.games and c.games == g[0].games and paired_games(g[0], c) is not None:
                g.append(c)
                break
        else:
            groups.append([c])
    return [g for g in groups if len(g) > 1]


def set_baseline(s: Summary, cell: int) -> None:
    """Take every difference against `cell` (`wargame report --baseline`); a cell the results do not hold is an
    error (a difference from nothing would be no difference at all)."""
    have = [c.cell for c in s.cells]
    if cell not in have:
        raise ReportError(f"--baseline {cell}: {s.path} has no cell {cell} (its cells: {', '.join(map(str, have))})")
    s.baseline = cell


STRING_COLUMNS = ("winner", "outcome", "run_options", "objective_first_entry_type", "road_cut_where")
"""Columns of a results file that hold text; every other column `summarize` reads holds whole numbers."""
NOT_NULL_COLUMNS = ("cell", "game", "steps_lost_attacker_total", "steps_lost_defender_total",
                    "drone_sorties_flown_attacker", "drone_sorties_grounded_attacker",
                    *(f"steps_lost_{side}_{d}" for side in ("attacker", "defender") for d in ("ground", "air")),
                    *(f"{n}_{side}" for n in MISSION_COUNTERS for side in ("attacker", "defender")))
"""Columns `wargame batch` fills in every row (a null there is a damaged file, not a game without the event)."""


def _check_column_types(path: Path, schema: Any, columns: list[str]) -> None:
    """Refuse, in one line naming the column, a column of another type than `wargame batch` writes: text where
    the report counts, numbers where it reads names. Floats are accepted where whole numbers are expected (a
    file rewritten by pandas, NaN for null): `_as_read` converts them, and refuses a fraction."""
    import pyarrow as pa

    for name in dict.fromkeys(columns):
        t = schema.field(name).type
        if pa.types.is_null(t):
            continue  # (all null: the null checks decide)
        if name in STRING_COLUMNS:
            ok, want = pa.types.is_string(t) or pa.types.is_large_string(t), "text"
        else:
            ok, want = pa.types.is_integer(t) or pa.types.is_floating(t), "whole numbers"
        if not ok:
            raise ReportError(f"{path}: column {name} holds {t} values; a `wargame batch` results file has {want} "
                              "there (file written or edited by something else?)")


def _as_read(path: Path, table: Any, values: Sequence[str] = ()) -> Any:
    """`table` (a row group) with float columns of whole numbers as integers (NaN as null), after refusing a
    null where `wargame batch` always writes a value (`NOT_NULL_COLUMNS`) and a fraction where it writes whole
    numbers: the report then counts what the batch would have written, or says what is wrong. The `values`
    columns (the sweep keys) are left as written: a swept `set:PATH` holds the values given (0.9, or 1.0 that
    must not become 1), not counts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if name in values:
            continue
        if pa.types.is_floating(col.type) and name not in STRING_COLUMNS:
            col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
            whole = pc.equal(col, pc.floor(col))
            if pc.all(whole).as_py() not in (True, None):
                bad = col.filter(pc.invert(whole))[0].as_py()
                raise ReportError(f"{path}: column {name} holds {bad}; a `wargame batch` results file has whole "
                                  "numbers there")
            col = pc.cast(col, pa.int64())
            table = table.set_column(i, name, col)
        if name in NOT_NULL_COLUMNS and col.null_count:
            raise ReportError(f"{path}: column {name} is empty (null) in {col.null_count} row(s); `wargame batch` "
                              "fills it in every row (file damaged or edited?)")
    return table


def unknown_winner_warnings(s: Summary) -> list[str]:
    """One line for the games whose `winner` is neither attacker nor defender: they are counted apart, out of
    the win rates, rather than silently as defender wins (or as nothing, a 0% rate)."""
    got: dict[Any, int] = {}
    for c in s.cells:
        for value, n in c.unknown_winners.items():
            got[value] = got.get(value, 0) + n
    if not got:
        return []
    total = sum(got.values())
    values = ", ".join(f"{v!r} in {n} row{'' if n == 1 else 's'}" for v, n in sorted(got.items(), key=str)[:5])
    cells = "; ".join(f"cell {c.cell}: {sum(c.unknown_winners.values())} of {c.n}" for c in s.cells
                      if c.unknown_winners)
    return [f"column winner: unexpected value {values} (attacker or defender expected): {total} of {s.games} games "
            f"left out of the win rates ({cells})"]


def read_suspected_sides(s: Summary) -> None:
    """Fill the cells' `suspected_sides` from the results' metadata (`engine.batch.cell_suspected_fire_sides`:
    the batch records, per cell, whether each side could fire on a suspected position), or say in
    `s.suspected_why` why they are not known: the missions columns do not tell a rule that was off from one
    never used."""
    recorded = {c.get("cell"): c.get("suspected_fire_sides") for c in s.meta.get("cells") or []
                if isinstance(c, dict)}
    for c in s.cells:
        c.suspected_sides = side_flags(recorded.get(c.cell))
    if any(c.suspected_sides is None for c in s.cells):
        s.suspected_why = ("the results file does not record it (written by `wargame batch` before engine "
                           "0.19.0, or not by `wargame batch`)")


def read_artillery_sides(s: Summary) -> None:
    """Fill the cells' `artillery_sides` from the results' metadata (`engine.batch.cell_artillery_sides`); left None
    in a file that does not record them."""
    guns = {c.get("cell"): c.get("artillery_sides") for c in s.meta.get("cells") or [] if isinstance(c, dict)}
    for c in s.cells:
        c.artillery_sides = side_flags(guns.get(c.cell))


def read_conditions(path: Path, names: Sequence[str]) -> str:
    """"weather historical; AIs: attacker doctrine, defender doctrine" from the results' `weather_mode` and
    `agent_<side>` columns; a value that differs between games is said "varies by cell"; "" without the columns."""
    import pyarrow.parquet as pq

    cols = [c for c in ("weather_mode", "agent_attacker", "agent_defender") if c in names]
    if len(cols) < 3:
        return ""
    data = pq.read_table(path, columns=cols).to_pydict()

    def one(col: str) -> str:
        got = sorted({str(v) for v in data[col]})
        return got[0] if len(got) == 1 else "varies by cell (" + ", ".join(got) + ")"

    return (f"weather {one('weather_mode')}; AIs: attacker {one('agent_attacker')}, defender "
            f"{one('agent_defender')}")


def read_start_steps(s: Summary) -> None:
    """Fill the cells' `start_steps` from the results' metadata (`engine.batch.cell_start_steps`); left None in a
    file that does not record them."""
    got = {c.get("cell"): c.get("start_steps") for c in s.meta.get("cells") or [] if isinstance(c, dict)}
    for c in s.cells:
        steps = got.get(c.cell)
        c.start_steps = steps if isinstance(steps, dict) else None


def side_flags(got: Any) -> dict[str, bool] | None:
    """A per-side record of the results' metadata as {attacker: bool, defender: bool}: both sides, each a bool, or
    None (not known): a side missing from a damaged record must not read as False.

    >>> side_flags({"attacker": True, "defender": False}), side_flags({"attacker": True}), side_flags(None)
    ({'attacker': True, 'defender': False}, None, None)
    """
    sides = ("attacker", "defender")
    if isinstance(got, dict) and all(isinstance(got.get(side), bool) for side in sides):
        return {side: got[side] for side in sides}
    return None


TURN_COLUMNS = ["cell", "game", "turn", "objective_hexes_attacker", "objective_hexes_total", "objective_held"]


def read_turns(s: Summary) -> None:
    """Fill the cells' `by_turn` from the per-turn file next to the results (`engine.batch.turns_path`), when
    there is one and it is this batch's; else leave them None and say why in `s.turns_note` (nothing to say when
    there is no per-turn file)."""
    import pyarrow.parquet as pq

    from engine.batch import turns_file_matches, turns_path

    tp = turns_path(s.path)
    if not tp.exists():
        return
    if not turns_file_matches(tp, s.meta.get("batch")):
        s.turns_note = (f"{tp} is not the per-turn file of this batch (other parameters, or written by another "
                        "command): the plot by turn is left out")
        return
    try:
        pf = pq.ParquetFile(tp)
        games: dict[int, dict[int, list[tuple[int, int, bool, int]]]] = {}
        for i in range(pf.num_row_groups):
            t = pf.read_row_group(i, columns=TURN_COLUMNS).to_pydict()
            for c, g, turn, hexes, total, held in zip(*(t[k] for k in TURN_COLUMNS), strict=True):
                games.setdefault(c, {}).setdefault(g, []).append((turn, hexes, held, total))
    except Exception as e:  # unreadable: the rest of the report stands
        s.turns_note = f"cannot read {tp} ({str(e).splitlines()[0] if str(e) else type(e).__name__}): the plot by " \
                       "turn is left out"
        return
    short = [c for c in s.cells if len(games.get(c.cell, {})) != c.n]
    if short:
        c = short[0]
        s.turns_note = (f"{tp} holds {len(games.get(c.cell, {}))} games of cell {c.cell}, the results {c.n}: the "
                        "plot by turn is left out")
        return
    for c in s.cells:
        # each cell's series up to its own last turn: a sweep over `turns` carried a 26-turn cell's final state on
        # to turn 34 of the longest cell, as if its games had gone on (an analyst's review)
        played = max((turn for g in games[c.cell].values() for turn, *_ in g), default=0)
        c.by_turn = turn_series(games[c.cell], max(s.cell_turns(c), played))
    s.turns_path = tp


def turn_series(games: dict[int, list[tuple[int, int, bool, int]]], last: int) -> TurnSeries:
    """A cell's `TurnSeries` from its games' (turn, objective hexes held, whole objective held, total hexes)
    rows, turns 1 to `last`; a game's state after its last turn is the one it ended in.

    >>> ts = turn_series({0: [(1, 0, False, 2), (2, 2, True, 2)], 1: [(1, 1, False, 2), (2, 0, False, 2),
    ...                                                             (3, 0, False, 2)]}, 3)
    >>> ts.held_by, ts.mean_hexes
    ([0, 1, 1], [0.5, 1.0, 1.0])
    """
    n = len(games)
    held_by = [0] * last
    by_turn: list[list[float]] = [[] for _ in range(last)]
    total = 0
    for rows in games.values():
        rows = sorted(rows)
        k = 0
        hexes, ever = 0, False
        for t in range(1, last + 1):
            while k < len(rows) and rows[k][0] <= t:
                _, hexes, held, total = rows[k]
                ever = ever or bool(held)
                k += 1
            held_by[t - 1] += ever
            by_turn[t - 1].append(hexes)
    return TurnSeries(n, total, list(range(1, last + 1)), held_by, [mean(x) for x in by_turn],
                      [t_half_width(x) for x in by_turn])


OWNED_TABLES = frozenset({"units", "unit_types", "terrain_types", "sides"})
"""Scenario sections whose entries are named (a unit, a type, a terrain code, a side)."""


def short_labels(keys: list[str]) -> dict[str, str]:
    """Each sweep key as a cell label names it: a `set:` path by its last segments, as few as tell it apart
    from the other keys' (two tables' `protection` would otherwise read the same), and never fewer than name
    what it belongs to: the unit, unit type, terrain or side after its table's name (a cited plot must say whose
    firepower it varied).

    >>> short_labels(["weather", "set:units.az_sf_1.strength", "set:combat.cliff_up_modifier"])
    {'weather': 'weather', 'set:units.az_sf_1.strength': 'az_sf_1.strength', \
'set:combat.cliff_up_modifier': 'cliff_up_modifier'}
    >>> list(short_labels(["set:unit_types.tank.protection", "set:terrain_types.f.move_cost.wheeled"]).values())
    ['tank.protection', 'f.move_cost.wheeled']
    """
    out = {}
    for k in keys:
        if not k.startswith("set:"):
            out[k] = k
            continue
        parts = k[4:].split(".")
        others = [o[4:] if o.startswith("set:") else o for o in keys if o != k]
        n = len(parts) - 1 if parts[0] in OWNED_TABLES and len(parts) > 2 else 1
        while n < len(parts) and any(o == ".".join(parts[-n:]) or o.endswith("." + ".".join(parts[-n:]))
                                     for o in others):
            n += 1
        out[k] = ".".join(parts[-n:])
    return out


VALUE_WIDTH = 24
"""Characters a sweep value may take in a plot's cell label before it is abbreviated (`abbreviate_value`)."""


def ellipsize(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _is_hex(x: Any) -> bool:
    return isinstance(x, list) and len(x) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in x)


def abbreviate_value(value: Any, width: int = VALUE_WIDTH) -> str:
    """A sweep value short enough for a tick label (at most `width` characters): structured values (stored as
    JSON text) by what they hold, since a projected plot cannot spend two thirds of its height on raw JSON.

    >>> abbreviate_value("[]"), abbreviate_value(0.5), abbreviate_value("[6, 1]")
    ('[]', '0.5', '[6,1]')
    >>> abbreviate_value('[{"from": [3, 4], "name": "Gorge closed", "to": [10, 6]}]')
    '[Gorge closed]'
    >>> abbreviate_value("[[3, 2], [4, 2], [5, 2], [6, 2], [7, 2], [8, 2]]")
    '[6 hexes]'
    >>> abbreviate_value("a very long string value that goes on and on")
    'a very long string valu…'
    """
    parsed = value
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = json.loads(value)
        except ValueError:
            pass
    if not isinstance(parsed, list | dict):
        return ellipsize(str(_typed(value)), width)
    compact = json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
    if len(compact) <= width:
        return compact
    items = parsed if isinstance(parsed, list) else [parsed]
    if isinstance(parsed, list) and all(_is_hex(x) for x in parsed):
        inner = f"{len(parsed)} hexes"
    elif all(isinstance(x, dict) and x.get("name") for x in items):
        inner = ", ".join(str(x["name"]) for x in items)
        if len(inner) + 2 > width and len(items) > 1:  # the first name and how many more
            more = f", +{len(items) - 1} more"
            inner = ellipsize(str(items[0]["name"]), width - 2 - len(more)) + more
    elif isinstance(parsed, list):
        inner = f"{len(parsed)} items"
    else:
        inner = ", ".join(parsed)
    return "[" + ellipsize(inner, width - 2) + "]" if isinstance(parsed, list) else \
        "{" + ellipsize(inner, width - 2) + "}"


def cell_label(params: dict[str, Any], short: dict[str, str], abbreviate: bool = False) -> str:
    """A cell's label from its sweep values ("weather=clear, tank.protection=2"; "all games" with no sweep), the
    keys as `short_labels` names them, the values abbreviated (`abbreviate_value`) for the plots if asked."""
    return ", ".join(f"{short[k]}={abbreviate_value(v) if abbreviate else _typed(v)}" for k, v in params.items()) \
        or "all games"


def _typed(value: Any) -> Any:
    """A sweep value as the user typed it on the command line: JSON's true/false/null, not Python's True/False/None.

    >>> _typed(True), _typed(None), _typed("clear"), _typed(2)
    ('true', 'null', 'clear', 2)
    """
    return json.dumps(value) if value is None or isinstance(value, bool) else value


def parse_cell_names(specs: list[str]) -> dict[int, str]:
    """`CELL=NAME` options ("0=gorge") as {cell: name}: the names a teacher gives the cells for the plots.

    >>> parse_cell_names(["0=gorge", " 1 = road (gorge closed) "])
    {0: 'gorge', 1: 'road (gorge closed)'}
    """
    names: dict[int, str] = {}
    for spec in specs:
        cell, sep, name = spec.partition("=")
        if not sep or not cell.strip().isdecimal() or not name.strip():
            raise ReportError(f"cell name {spec!r}: give CELL=NAME, a cell number and a name (0=gorge)")
        if int(cell) in names:
            raise ReportError(f"cell {int(cell)} is named twice ({names[int(cell)]!r} and {name.strip()!r})")
        names[int(cell)] = name.strip()
    return names


def name_cells(s: Summary, names: Mapping[int, str]) -> None:
    """Give cells the names a user chose ({0: "gorge"}): the plots call them so, and the captions and the table
    still give each cell's sweep values. A cell the results do not hold is an error."""
    cells = {c.cell: c for c in s.cells}
    unknown = sorted(set(names) - set(cells))
    if unknown:
        raise ReportError(f"cannot name cell {', '.join(map(str, unknown))}: {s.path} has cells "
                          f"{', '.join(map(str, sorted(cells)))}")
    for k, name in names.items():
        cells[k].name = name


LABEL_BREAKS: tuple[Callable[[str], list[tuple[str, str]]], ...] = (
    lambda text: [("", part) for part in re.split(r"(?<==)", text, maxsplit=1)],  # key= | value
    lambda text: [(" " if k else "", part) for k, part in enumerate(text.split(" "))],  # at spaces
    lambda text: [("", part) for part in re.split(r"(?<=[]}],)", text)],  # between list items: "[3,2]," | "[4,2]"
    lambda text: [("", part) for part in re.split(r"(?<=[,.])", text)],  # after any "," or "."
)
"""Where a sweep parameter too long for a line may break, best first; each splits a text into (what joins the
piece to the one before, piece)."""


def _label_pieces(text: str, width: int, level: int = 0) -> list[tuple[str, str]]:
    """`text` as (joiner, piece) pairs no longer than `width`, broken the `LABEL_BREAKS` way only as far as
    needed (and, past them, every `width` characters)."""
    if len(text.rstrip(",")) <= width:
        return [("", text)]
    if level == len(LABEL_BREAKS):
        return [("", text[k:k + width]) for k in range(0, len(text), width)]
    pieces = []
    for joiner, part in LABEL_BREAKS[level](text):
        if part:
            sub = _label_pieces(part, width, level + 1)
            pieces += [(joiner, sub[0][1]), *sub[1:]]
    return pieces


def wrap_label(text: str, width: int, max_lines: int = 3) -> str:
    """`text` on lines of at most `width` characters (a trailing comma may hang past), at most `max_lines` of
    them (the last cut with "…"): a tick label that stays narrow and short. It breaks between sweep parameters
    (", ") first, so a parameter that fits a line stays whole; a longer one after its "=", then at spaces, then
    between list items, then after any "," or ".".

    >>> wrap_label("weather=historical, tank.protection=2", 22)
    'weather=historical,\\ntank.protection=2'
    >>> wrap_label("weather=historical, attacker.no_go=[Gorge closed]", 22)
    'weather=historical,\\nattacker.no_go=\\n[Gorge closed]'
    >>> wrap_label("attacker.no_go=[[3,2],[4,2],[5,2],[6,2],[7,2]]", 16)
    'attacker.no_go=\\n[[3,2],[4,2],\\n[5,2],[6,2],…'
    """
    if len(text) <= width:
        return text
    params = text.split(", ")
    lines: list[str] = []
    for i, param in enumerate(params):
        for k, (joiner, piece) in enumerate(_label_pieces(param + ("," if i < len(params) - 1 else ""), width)):
            joiner = joiner if k else (" " if i else "")
            if lines and len((lines[-1] + joiner + piece).rstrip(",")) <= width:
                lines[-1] += joiner + piece
            else:
                lines.append(piece)
    if len(lines) > max_lines:  # the last line kept says, with "…", that there was more
        last = lines[max_lines - 1]
        lines = [*lines[:max_lines - 1], (last if len(last) < width else last[:width - 1].rstrip()) + "…"]
    return "\n".join(lines)


def _fmt_turn(s: Summary, t: float | None, sep: str = " ") -> str:
    if t is None:
        return "—"
    d = s.turn_date(t)
    tt = f"{t:g}"
    if not d:
        return tt
    return f"{tt}{sep}{d}" if sep == "\n" else f"{tt} ({d})"


def win_rate_difference(a: CellStats, b: CellStats) -> tuple[float, float, float]:
    """Attacker win rate of `b` minus `a`, with Newcombe's 95% interval (from the two Wilson intervals; it
    stays inside [-1, 1] and keeps its coverage near 0% or 100%, where a normal approximation does not).

    >>> d, lo, hi = win_rate_difference(CellStats(0, "a", {}, n=200, attacker_wins=136),
    ...                                 CellStats(1, "b", {}, n=200, attacker_wins=176))
    >>> round(d, 3), round(lo, 3), round(hi, 3)
    (0.2, 0.12, 0.277)
    """
    return newcombe_difference(a.attacker_wins, a.decided, b.attacker_wins, b.decided)




def paired_games(a: CellStats, b: CellStats) -> list[tuple[GameRow, GameRow]] | None:
    """The games of `a` and `b` as pairs, game g of each, when the pairing is real: both cells hold the same
    games and game g of each was played on the same seed (read from the files' `seed` column, not assumed);
    else None. The cells of one batch play different seeds (`SEEDS_NOTE`), so they pair only across batches
    made with the same --seed (`compare`), in a file put together from such batches, or within one batch made
    with `--common-seeds` (every cell the same seeds)."""
    if not a.games or a.games.keys() != b.games.keys():
        return None
    pairs = [(a.games[g], b.games[g]) for g in sorted(a.games)]
    if any(x.seed is None or x.seed != y.seed for x, y in pairs):
        return None
    return pairs


def paired_wins(pairs: list[tuple[GameRow, GameRow]]) -> tuple[int, int, int, int] | None:
    """The pairs both of whose games have a winner as a 2x2 table of "the attacker won": (in both, in the first
    only, in the second only, in neither); None when no pair has."""
    decided = [(x.winner == "attacker", y.winner == "attacker") for x, y in pairs
               if x.winner in ("attacker", "defender") and y.winner in ("attacker", "defender")]
    if not decided:
        return None
    both = sum(1 for x, y in decided if x and y)
    only_a = sum(1 for x, y in decided if x and not y)
    only_b = sum(1 for x, y in decided if y and not x)
    return both, only_a, only_b, len(decided) - both - only_a - only_b


def paired_win_difference(pairs: list[tuple[GameRow, GameRow]]) -> tuple[float, float, float] | None:
    """Attacker win rate of the second games minus the first's, over the pairs both of whose games have a
    winner, with Newcombe's paired interval (`newcombe_paired`); None when no pair has."""
    table = paired_wins(pairs)
    return None if table is None else newcombe_paired(*table)


def paired_capture_difference(pairs: list[tuple[GameRow, GameRow]]) -> tuple[tuple[float, float, float] | None, int]:
    """Capture turn of the second games minus the first's, paired t, over the pairs in which both games saw the
    objective taken (a conditional difference, as the medians are), and how many such pairs there are."""
    both = [(x.capture_turn, y.capture_turn) for x, y in pairs
            if x.capture_turn is not None and y.capture_turn is not None]
    return paired_t_difference([x for x, _ in both], [y for _, y in both]), len(both)


def paired_fallen_difference(pairs: list[tuple[GameRow, GameRow]], turn: int) -> tuple[float, float, float]:
    """Share of the second games with the objective taken by the end of `turn` minus the first's, over all the
    pairs (a game never taken counts as not fallen), with Newcombe's paired interval (`newcombe_paired`)."""
    fell = [tuple(r.capture_turn is not None and r.capture_turn <= turn for r in pair) for pair in pairs]
    both = sum(1 for x, y in fell if x and y)
    only_a = sum(1 for x, y in fell if x and not y)
    only_b = sum(1 for x, y in fell if y and not x)
    return newcombe_paired(both, only_a, only_b, len(fell) - both - only_a - only_b)


def paired_loss_difference(pairs: list[tuple[GameRow, GameRow]], side: str = "attacker"
                           ) -> tuple[float, float, float] | None:
    """`side`'s casualties in the second games minus the first's, paired t over all pairs."""
    get = (lambda r: r.lost_attacker) if side == "attacker" else (lambda r: r.lost_defender)
    return paired_t_difference([get(x) for x, _ in pairs], [get(y) for _, y in pairs])


def cell_difference(base: CellStats, c: CellStats, pairs: list[tuple[GameRow, GameRow]] | None,
                    fallen_turns: Sequence[int] = ()) -> dict[str, Any]:
    """Cell `c` minus `base`, the one place where paired or unpaired is chosen (the report's table and summary
    files and `wargame compare` each had their own copy): game by game when `pairs` (`paired_games`) is given,
    else as independent samples. `paired`; `win`, `capture`, `attacker`, `defender` as (difference, low, high)
    or None: win rates by Newcombe's paired interval or his unpaired one (None unless both cells have decided
    games), capture turns and casualties (`CellStats.casualties`) by paired t or Welch's; `capture_n` the games
    the capture difference is over (the pairs where both saw it taken, or (base's, c's) captures); `fallen`,
    {turn: difference of the shares of all games fallen by it}, for each of `fallen_turns` (Newcombe's paired or
    unpaired interval; None for a cell without games); `missions`, {"<counter>_<side>": difference of the mean
    missions per game} for the `MISSION_COUNTERS` both cells have (paired t or Welch's)."""
    out: dict[str, Any] = {"paired": pairs is not None}
    counted = [(n, side) for n in MISSION_COUNTERS if n in base.missions and n in c.missions
               for side in ("attacker", "defender")]
    if pairs is not None:
        out["win"] = paired_win_difference(pairs)
        out["capture"], out["capture_n"] = paired_capture_difference(pairs)
        for side in ("attacker", "defender"):
            out[side] = paired_loss_difference(pairs, side)
        out["fallen"] = {t: paired_fallen_difference(pairs, t) for t in fallen_turns}
        got = [(x.missions, y.missions) for x, y in pairs if x.missions is not None and y.missions is not None]
        out["missions"] = {f"{n}_{side}": paired_t_difference([x[f"{n}_{side}"] for x, _ in got],
                                                              [y[f"{n}_{side}"] for _, y in got])
                           for n, side in counted if len(got) == len(pairs)}
    else:
        out["win"] = win_rate_difference(base, c) if c.decided and base.decided else None
        out["capture"] = welch_difference(base.capture_turns, c.capture_turns)
        out["capture_n"] = (len(base.capture_turns), len(c.capture_turns))
        for side in ("attacker", "defender"):
            out[side] = welch_difference(base.casualties(side), c.casualties(side))
        out["fallen"] = {t: newcombe_difference(base.fallen_by(t), base.n, c.fallen_by(t), c.n)
                         if base.n and c.n else None for t in fallen_turns}
        out["missions"] = {f"{n}_{side}": welch_difference(base.missions[n][side], c.missions[n][side])
                           for n, side in counted}
    return out


PAIRED_NOTE = ("'paired': game g of both was played on the same seed (checked game by game in the seed column), so "
               "the difference is taken game by game: for win rates Newcombe's paired score interval (the two "
               "Wilson intervals less their covariance: the 2x2 table's phi with Newcombe's continuity correction, his "
               "method 10), for steps lost and capture turns a "
               "paired t interval, t(0.975, pairs−1); capture turns only over the pairs in which both games saw it "
               "taken (n = those pairs)")
"""What a difference marked 'paired' is (the table's caption, report.md, compare)."""
TOO_FEW_NOTE = ("'— (n=0)' or '— (n=1)' for a difference of capture turns: too few games to take it with an "
                "interval (a paired one needs two pairs in which both games saw the objective taken, an unpaired one "
                "two captures in each cell; n: how many there were)")
"""Why a capture-turn difference is "—" (an analyst's review: a "—" beside one pair was unexplained)."""
CAPTURE_VS_NOTE = ("'mean turn taken vs cell 0': the difference of the mean capture turns from cell 0's (a mean, not "
                   "a median), over the pairs of games in which both saw the objective taken (n = those pairs), so it "
                   "can differ from the difference of the median turns beside it; " + TOO_FEW_NOTE)
"""What the table's paired capture-turn column is: a difference of means sat beside medians (an analyst's review)."""


def capture_vs_head(sep: str = " ", vs: str = "cell 0") -> str:
    """The table's column of the paired difference of capture turns from the baseline `vs` (`CAPTURE_VS_NOTE`)."""
    return f"mean turn taken{sep}vs {vs}{sep}[95% CI]"


def losses_head(s: Summary, sep: str = " ") -> str:
    """The table's losses column: "ground steps lost att/def" (drones not counted), or "steps lost att/def" (all
    steps) for a file without the ground columns."""
    return f"{'ground steps' if s.ground_losses else 'steps'} lost{sep}att/def"


def losses_cell(c: CellStats, sep: str = " ") -> str:
    """The table's losses: "21.2/30.2" a game, and "of 48/45", the steps the sides bring in, when the file records
    them (an analyst could not read the losses as a share of the force)."""
    out = f"{mean(c.casualties('attacker')):.1f}/{mean(c.casualties('defender')):.1f}"
    att, dfd = c.start_of("attacker"), c.start_of("defender")
    return out if att is None or dfd is None else f"{out}{sep}of {att}/{dfd}"


def welch_head(s: Summary, sep: str = " ") -> str:
    """The table's column of the difference in the attacker's losses from the baseline cell."""
    return f"att. {'ground steps' if s.ground_losses else 'steps'} lost{sep}vs {s.vs}{sep}[95% CI]"


def table_rows(s: Summary, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    sep = "\n" if compact else " "
    # (taking the objective is winning, so its rate would repeat the win rate: the table gives how often the
    # attacker got into it at all)
    fallen = s.fallen_turns
    head = ["cell", "games", f"attacker wins{sep}[95% CI]", f"{s.objective}{sep}entered", f"median turn{sep}taken",
            *([fallen_head(s, sep) + ("" if compact else " [95% CI]")] if fallen else []),
            road_cut_head(s, sep), losses_head(s, sep),
            *([missions_head(sep)] if s.has_missions else []),
            *([suspected_head(sep)] if s.suspected_column else []),
            f"att. armed-drone{sep}strikes flown /{sep}drone-turns grounded",
            f"turns weather{sep}grounded drones{sep}/ turns played"]
    rows = []
    for c in s.cells:
        lo, hi = c.win_ci
        rows.append([
            f"{c.cell}: {c.name} ({c.label})" if c.name else f"{c.cell}: {c.label}", str(c.n),
            f"{pct(c.win_rate)}%{sep}[{pct(lo)}–{pct(hi)}%]" if c.decided else "—",
            "—" if c.entered is None else f"{pct(c.entered / c.n)}%",
            median_cell(s, c.capture_turns, sep),
            *([fallen_cell(s, c, fallen, intervals=not compact)] if fallen else []),
            road_cut_cell(s, c, sep),
            losses_cell(c, sep),
            *([missions_cell(s, c, "artillery_missions", sep)] if s.has_missions else []),
            *([missions_cell(s, c, "suspected_fire_missions", sep)] if s.suspected_column else []),
            f"{mean(c.sorties_flown):.1f}/{mean(c.sorties_grounded):.1f}",
            "—" if not c.weather_grounded or not c.turns_played
            else f"{mean(c.weather_grounded):.1f}/{mean(c.turns_played):.1f}",
        ])
    if len(s.cells) > 1:  # each cell against the first: what an analyst otherwise works out by hand
        head.insert(3, f"wins vs{sep}{s.vs}{sep}[95% CI]")
        base = s.base
        paired = cells_paired(s)
        diffs = [None if c is base else cell_difference(base, c, paired.get(c.cell)) for c in s.cells]
        for d, r in zip(diffs, rows, strict=True):
            # (paired cells with no pair decided in both: "—", not an unlabelled unpaired interval)
            r.insert(3, "—" if d is None or d["win"] is None else fmt_pts_difference(d["win"], sep,
                                                                                     paired=d["paired"]))
        at = head.index(losses_head(s, sep)) + 1
        head.insert(at, welch_head(s, sep))
        for d, r in zip(diffs, rows, strict=True):
            r.insert(at, "—" if d is None else fmt_difference(d["attacker"], sep, paired=d["paired"]))
        if s.has_missions:  # (after the missions columns: the difference a sweep of the doctrine's fire is after)
            at = head.index(suspected_head(sep) if s.suspected_column else missions_head(sep)) + 1
            head.insert(at, missions_vs_head(sep, s.vs))
            for d, r, c in zip(diffs, rows, s.cells, strict=True):
                r.insert(at, "—" if d is None else fmt_missions_difference(d, "artillery_missions", sep, (base, c)))
        if paired:  # (only where the seeds pair the games: in one `wargame batch` file, with --common-seeds)
            at = head.index(f"median turn{sep}taken") + 1
            head.insert(at, capture_vs_head(sep, s.vs))
            for d, r in zip(diffs, rows, strict=True):
                r.insert(at, fmt_capture_difference(d, sep) if d is not None and d["paired"] else "—")
    return head, rows


def missions_head(sep: str = " ") -> str:
    """The table's column of artillery fire missions per game (`MISSION_COUNTERS`)."""
    return f"artillery missions{sep}per game att/def{sep}[95% CI]"


def suspected_head(sep: str = " ") -> str:
    """The table's column of the missions fired on suspected positions (`Summary.suspected_column`)."""
    return f"of which on{sep}suspected positions{sep}att/def [95% CI]"


def missions_vs_head(sep: str = " ", vs: str = "cell 0") -> str:
    return f"artillery missions{sep}vs {vs} att/def{sep}[95% CI]"


def mean_interval(xs: Sequence[float]) -> tuple[float, float, float]:
    """A mean count and its 95% interval (Student's t, `t_half_width`), cut at 0: a count is never negative.

    >>> m, lo, hi = mean_interval([0, 0, 0, 4]); m, lo, round(hi, 3)  # (1 - 3.18 < 0: cut at 0)
    (1.0, 0.0, 4.182)
    """
    m, h = mean(xs), t_half_width(list(xs))
    return m, max(0.0, m - h), m + h


def fmt_mean_interval(xs: Sequence[float]) -> str:
    """"11.4 [10.2–12.7]": a mean count per game and its interval (`mean_interval`); one game has none (its
    sd is unknown), not a zero-wide one: "12.0 [n=1]"."""
    if len(xs) < 2:
        return f"{mean(xs):.1f} [n={len(xs)}]"
    m, lo, hi = mean_interval(xs)
    return f"{m:.1f} [{lo:.1f}–{hi:.1f}]"


NO_GUNS = "—"
"""The table's entry for a side that had no guns in the cell (`CellStats.gunless`)."""
SUSPECTED_OFF = "off"
"""The table's entry for a side that could not fire on suspected positions in the cell's games."""


def missions_cell(s: Summary, c: CellStats, counter: str, sep: str = " ") -> str:
    """"11.4 [10.2–12.7] / 16.4 [15.0–17.9]": the attacker's and the defender's mean missions of `counter` per
    game with their intervals; `SUSPECTED_OFF` for a side that could not fire on a suspected position."""
    by_side = c.missions[counter]
    shown = [NO_GUNS if c.gunless(side) else
             SUSPECTED_OFF if counter == "suspected_fire_missions" and s.suspected_off(c, side)
             else fmt_mean_interval(by_side[side]) for side in ("attacker", "defender")]
    return f"{shown[0]}{sep}/ {shown[1]}"


def fmt_missions_difference(d: dict[str, Any], counter: str, sep: str = " ",
                            gunless: Sequence[CellStats] = ()) -> str:
    """Both sides' differences of mean missions of `counter` from cell 0 (`cell_difference`): "+5.1 [+3.9, +6.3]
    / -0.6 [-2.0, +0.8] paired"; "—" for a side without guns in one of the cells `gunless` names (the two
    compared)."""
    got = d.get("missions") or {}
    if f"{counter}_attacker" not in got:
        return "—"
    a, b = (NO_GUNS if any(c.gunless(side) for c in gunless) else fmt_difference(got[f"{counter}_{side}"])
            for side in ("attacker", "defender"))
    return f"{a}{sep}/ {b}" + (f"{sep}paired" if d["paired"] else "")


MISSIONS_NOTE = ("'artillery missions per game': the mean fire missions of each side's artillery per game (column "
                 "artillery_missions_<side>: every fire mission resolved, on seen units and on suspected positions), "
                 f"with the 95% interval of the mean (Student's t, {T_BARS}, cut at 0); —: the side had no guns")
"""What the table's artillery column means."""
SUSPECTED_NOTE = ("'of which on suspected positions': those fired on a last-seen mark with no enemy seen there "
                  "(column suspected_fire_missions_<side>; the rule combat.suspected_fire, used by the doctrine "
                  "with its agent parameter fire_on_suspected), same interval; off: the side could not fire them in "
                  "the cell's games (the scenario's rule off, or its agent does not use it)")
"""What the table's suspected-positions column means."""


def missions_notes(s: Summary) -> list[str]:
    """The notes on the artillery columns (table caption, report.md, the HTML): what they count, and, where the
    suspected-positions column is left out, why (never a column of zeros for a rule that was off)."""
    if not s.has_missions:
        return []
    out = [MISSIONS_NOTE]
    if s.suspected_column:
        out.append(SUSPECTED_NOTE + (f" (not known here, so never shown: {s.suspected_why})" if s.suspected_why
                                     else ""))
    elif not s.has_suspected:
        out.append("the results file has no suspected_fire_missions columns (written before engine 0.18.0): "
                   "missions on suspected positions are not known")
    elif s.suspected_none:
        out.append("no artillery mission was fired on a suspected position in any game (column "
                   f"suspected_fire_missions_<side>; whether the rule was in play is not known: {s.suspected_why}), "
                   "so no column for them")
    else:
        out.append("fire on suspected positions was off in every game (the scenario's combat.suspected_fire false, "
                   "or no side's agent using it: the doctrine's fire_on_suspected false), so the table has no column "
                   "for it")
    if len(s.cells) > 1:
        out.append(s.at_base("'artillery missions vs cell 0': the difference of each side's mean missions per game "
                             "from cell 0's, with Welch's 95% interval") + unpaired_only(s)
                   + ("; where marked 'paired', a paired t interval" if cells_paired(s) else ""))
    return out


def missions_json_note(s: Summary) -> str:
    """summary.json's account of its artillery keys (every name in it a key or, after "column", a results column)."""
    text = ("artillery_missions_<side>_mean: the mean fire missions per game of each side's artillery (column "
            "artillery_missions_<side>: on seen units and on suspected positions), with its 95% interval")
    if s.has_suspected:
        text += ("; suspected_fire_missions_<side>_mean: those fired on a suspected position, a last-seen mark with "
                 "no enemy seen there (column suspected_fire_missions_<side>), null for a side that could not "
                 "fire them; suspected_fire_sides: could each side fire on suspected positions in the cell's games "
                 "(the scenario's rule on, sightings tracked, "
                 "an agent that uses it), null when not known (a results file written before engine 0.19.0)")
    return text + ("; the table leaves the missions on suspected positions out when the rule was off in every game, "
                   "or none was fired and the settings are not known" if s.has_suspected else "")


NOT_RECORDED = "n/a"
"""A table entry for a column the results file does not have (written by an older wargame)."""


def fallen_head(s: Summary, sep: str = " ") -> str:
    """The table's column of the shares of all games fallen by each checkpoint turn (`FALLEN_FRACTIONS`)."""
    return f"{s.objective}{sep}fallen by{sep}turn{sep}{'/'.join(map(str, s.fallen_turns))}{sep}(all games)"


def fallen_cell(s: Summary, c: CellStats, turns: list[int], intervals: bool = False) -> str:
    """"10/42/70%": the share of the cell's games (all of them) with the objective taken by each of `turns`; "—"
    for a turn after the cell's last (`Summary.fallen_share`). With `intervals` (report.md, the HTML: the
    terminal's column has no room) each with its 95% Wilson interval, "10% [4–23] / 42% [28–57] / ...": "13%"
    of 30 games alone read as firmer than it is (an analyst's review; summary.csv had the intervals)."""
    if not c.n:
        return "—"
    shares = [s.fallen_share(c, t) for t in turns]
    if not intervals:
        return "/".join("—" if x is None else pct(x) for x in shares) + "%"
    shown = []
    for t, x in zip(turns, shares, strict=True):
        if x is None:
            shown.append("—")
            continue
        lo, hi = wilson(c.fallen_by(t), c.n)
        shown.append(f"{pct(x)}% [{pct(lo)}–{pct(hi)}]")
    return " / ".join(shown)


def road_cut_head(s: Summary, sep: str = " ") -> str:
    """The table's road-cut column: the first cut anywhere beside the cut near the objective (one column: the
    table must fit a 200-column terminal whole). "Near", not "by": lesson 5's "/ by Kepez pass" read as the pass
    doing the cutting."""
    return f"median turn{sep}road cut:{sep}first anywhere{sep}/ near {s.objective}"


def road_cut_cell(s: Summary, c: CellStats, sep: str = " ") -> str:
    """"15 / 16 (n=40 / 40) at (11,21) by Lisagor": the median turns of the first cut anywhere and of the cut by
    the objective, the games behind each, and where the first cut was (`_cut_place_cell`). Dated in report.md
    (`sep` " "); in the terminal's narrow columns the turns alone."""
    near = c.near_cut_turns
    first_t, near_t = median(c.road_cut_turns), None if near is None else median(near)
    if sep == " ":
        a, b = _fmt_turn(s, first_t), NOT_RECORDED if near is None else _fmt_turn(s, near_t)
    else:
        a = "—" if first_t is None else f"{first_t:g}"
        b = NOT_RECORDED if near is None else "—" if near_t is None else f"{near_t:g}"
    n_near = NOT_RECORDED if near is None else len(near)
    return f"{a} / {b}{sep}(n={len(c.road_cut_turns)} / {n_near}){_cut_place_cell(c, sep)}"


def _cut_place_cell(c: CellStats, sep: str) -> str:
    """Where the road was first cut, to follow the median turn of the first cut: the commonest place, with its
    share of the cell's cut games when it is not all of them ("at (11,21) by Lisagor", "at (11,21) by Lisagor
    in 90%, +2 other places"); "" when not cut or not recorded (an older file)."""
    if not c.cut_places:
        return ""
    ranked = sorted(c.cut_places.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]), reverse=True)  # (ties as
    # before: the first is the one `max` chose)
    place, k = ranked[0]
    total = sum(c.cut_places.values())
    if k == total:
        return f"{sep}at {place}"
    out = f"{sep}at {place}{sep}in {pct(k / total)}%"
    shown = 1
    if ranked[1][1] >= SECOND_CUT_SHARE * total:  # (a second place as common: "+2 other places" hid Lisagor's 41%,
        out += f", {ranked[1][0]}{sep}in {pct(ranked[1][1] / total)}%"  # the record's split: an analyst)
        shown = 2
    more = len(c.cut_places) - shown  # (other places, not games: "+1 more" was read as one more game)
    return out + (f", +{more} other place{'s' if more > 1 else ''}" if more else "")


SECOND_CUT_SHARE = 0.2
"""The share of a cell's cut games from which the second commonest first-cut place is named beside the first."""


FALLEN_NOTE = ("'fallen by turn T (all games)': the share of all the cell's games, wins and losses, in which the "
               "objective was taken by the end of turn T (a game never taken counts as not fallen), at 70%, 85% and "
               "100% of the turns")
ROAD_CUT_NOTE = ("'road cut: first anywhere / near' the objective: the median turn of the first cut anywhere on the "
                 "watched road (column road_cut_turn), then the median first turn an attacker ground unit stood on "
                 "the road within 3 hexes of the objective (column road_cut_near_objective_turn: the cut by the "
                 "town, as `wargame fidelity` measures it), the games behind each (n), and where the first cut was "
                 "(column road_cut_where: the commonest place, with its share of the cut games when not all, the "
                 "second commonest too when it has a fifth of them or more, and how many other places the rest were "
                 "first cut at); n/a: not in the results file (written by an "
                 "older wargame)")
"""What the table's road-cut columns mean (a modelling review: the first cut was a detached group's arrival far
from the town in every game, and the median was read as the cut by the town)."""


def cells_paired(s: Summary) -> dict[int, list[tuple[GameRow, GameRow]]]:
    """{cell: its games paired with the baseline's} for the cells other than the baseline (`Summary.base`, cell
    0 by default) whose games pair with its games (`paired_games`: same games, same seeds); {} for a file from
    one `wargame batch` made without `--common-seeds`, whose cells play different seeds."""
    base = s.base
    return {c.cell: pairs for c in s.cells if c is not base and (pairs := paired_games(base, c)) is not None}


def fmt_pts_difference(diff: tuple[float, float, float], sep: str = " ", paired: bool = False) -> str:
    """A difference of rates and its interval in percentage points, "+5 pts [-3, +12]", " paired" when it is."""
    d, lo, hi = diff
    return f"{fmt_pts(d)} pts{sep}[{fmt_pts(lo)}, {fmt_pts(hi)}]" + (f"{sep}paired" if paired else "")


def fmt_difference(diff: tuple[float, float, float] | None, sep: str = " ", paired: bool = False) -> str:
    """A difference of means and its interval, "+1.5 [+0.2, +2.8]" ("—" for none), " paired" when it is."""
    if diff is None:
        return "—"
    return f"{diff[0]:+.1f}{sep}[{diff[1]:+.1f}, {diff[2]:+.1f}]" + (f"{sep}paired" if paired else "")


def fmt_capture_difference(d: dict[str, Any], sep: str = " ") -> str:
    """The difference of capture turns of a `cell_difference`, with the games it is over: "-1.2 [-2.0, -0.4]
    paired (n=12)" (the pairs where both saw it taken), "+0.5 [-1.0, +2.0] (n=10/12)" unpaired; "— (n=1)" when
    too few games for an interval (`TOO_FEW_NOTE`)."""
    diff, n = d["capture"], d["capture_n"]
    if diff is None:  # (with the games it would be over: an interval needs two pairs, or two captures a cell)
        if n is None or (isinstance(n, int) and n >= 2) or (isinstance(n, tuple) and min(n) >= 2):
            return "—"
        return f"—{sep}(n={n})" if d["paired"] else f"—{sep}(n={n[0]}/{n[1]})"
    if d["paired"]:
        return f"{fmt_difference(diff, sep, paired=True)} (n={n})"
    return f"{fmt_difference(diff, sep)}{sep}(n={n[0]}/{n[1]})"


def pct(share: float) -> str:
    """A share (0.225) as a whole percentage, without the sign: "23" (`half_up`).

    >>> pct(0.025), pct(0.225), pct(0.675), pct(9 / 40), pct(1.0)
    ('3', '23', '68', '23', '100')
    """
    return f"{half_up(100 * share):.0f}"


def fmt_pts(x: float) -> str:
    """A difference of rates in percentage points, signed; one decimal when the whole number would read 0 (an
    interval's bound at +0.5 pts printed "+0", as if it touched no effect).

    >>> fmt_pts(0.23), fmt_pts(0.00465), fmt_pts(-0.004), fmt_pts(0.0), fmt_pts(-0.025), fmt_pts(0.025)
    ('+23', '+0.5', '-0.4', '+0', '-2', '+3')
    >>> fmt_pts(-0.0004), fmt_pts(0.0004)
    ('-0.0', '+0.0')
    """
    whole = f"{half_up(100 * x):+.0f}"
    if whole in ("+0", "-0") and x != 0:  # (the sign of `x` kept: a bound at -0.04 pts read "+0.0", above 0)
        return f"{'-' if x < 0 else '+'}{abs(half_up(100 * x, 1)):.1f}"
    return whole


def median_cell(s: Summary, turns: list[int], sep: str) -> str:
    """A median turn for the table, with the number of games it is taken over (those where it happened)."""
    if not turns:
        return "—"
    return f"{_fmt_turn(s, median(turns), sep)}{sep}(n={len(turns)})"


MEDIAN_NOTE = ("median turns are over the games where it happened (n = those games): conditional medians, so "
               "between cells with different win rates they compare different sets of games")
"""What the table's median columns mean (its caption and the HTML's)."""
WELCH_NOTE = ("'att. steps lost vs cell 0': the difference in the attacker's mean steps lost per game, with "
              "Welch's 95% interval")
GROUND_NOTE = ("ground steps lost: strength steps of ground units, drones shot down not counted (the results' "
               "steps_lost_<side>_air; steps_lost_<side>_total counts both); 'of A/D': the ground steps each side "
               "brings onto the map in a game (at the start and as reinforcements by the last turn; off-map guns "
               "lose none and are not counted)")
"""What the losses columns count when the file has the ground/air split (`Summary.ground_losses`)."""


def welch_note(s: Summary) -> str:
    """`WELCH_NOTE` as this report's column is named (ground steps, or all steps in an older file)."""
    note = WELCH_NOTE.replace("steps lost", "ground steps lost", 2) if s.ground_losses else WELCH_NOTE
    return s.at_base(note) + unpaired_only(s) + defender_note(s)


def defender_note(s: Summary) -> str:
    """Where the defender's loss differences are (the table has no room for them beside the attacker's; a sweep of
    the defender's drones or guns is about what the defender loses as much: an analyst's review)."""
    if len(s.cells) < 2:
        return ""
    dfd = loss_column(s, "defender")
    paired = f", {dfd}_vs_cell0_paired with _ci where 'paired'" if cells_paired(s) else ""
    return s.at_base(f"; the defender's difference is in summary.csv/summary.json: {dfd}_vs_cell0 with _ci{paired}")


def unpaired_only(s: Summary) -> str:
    """" (where not marked 'paired')" after the independent-sample intervals' names when some cells pair with cell
    0 (`--common-seeds`): the caption called the paired numbers beside them Welch's (an acceptance test)."""
    return " (where not marked 'paired')" if len(s.cells) > 1 and cells_paired(s) else ""


SEEDS_NOTE = ("the cells of a batch play different seeds (independent samples), while game g of cell k has the "
              "same seed in every batch made with the same --seed")
"""How the cells' seeds relate (`engine.batch.derive_seeds`), for the captions that compare cells."""
COMMON_SEEDS_NOTE = ("the cells of this batch play the same seeds (--common-seeds: game g has the same seed in every "
                     "cell, and in cell 0 of every batch made with the same --seed), so game g starts alike in each "
                     "and they are compared game by game (paired); once the settings make two games differ, their "
                     "dice fall differently, and the pairing narrows an interval only as far as the paired games' "
                     "results agree")
"""`SEEDS_NOTE` for a batch made with `--common-seeds`. (It said the cells differ "by their settings, not by their
dice": an analyst measured the wins of paired Shusha games correlated at phi 0.00-0.05, the paired intervals no
narrower than unpaired ones.)"""


def pairing_agreement(pairs: list[tuple[GameRow, GameRow]]) -> tuple[int, int, float | None] | None:
    """How far paired games' winners agree: (pairs with the same winner, pairs both decided, the phi correlation of
    "the attacker won" across the pair: None when one side won every game of either cell, where it is undefined),
    None with no decided pair.

    >>> from engine.report import GameRow
    >>> g = lambda w: GameRow(1, w, None, 0, 0)
    >>> pairing_agreement([(g("attacker"), g("attacker")), (g("defender"), g("defender")),
    ...                    (g("attacker"), g("defender")), (g("defender"), g("attacker"))])
    (2, 4, 0.0)
    >>> pairing_agreement([(g("attacker"), g("attacker")), (g("attacker"), g("defender"))])
    (1, 2, None)
    """
    table = paired_wins(pairs)
    if table is None:
        return None
    a, b, c, d = table
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    return a + d, a + b + c + d, ((a * d - b * c) / math.sqrt(margins) if margins > 0 else None)


def pairing_note(s: Summary) -> str | None:
    """How far the cells' paired games agree with the baseline's (`pairing_agreement`), over every paired cell: what
    the pairing bought (`COMMON_SEEDS_NOTE`); None when no cell pairs."""
    got = [g for pairs in cells_paired(s).values() if (g := pairing_agreement(pairs)) is not None]
    if not got:
        return None
    shares = [same / n for same, n, _ in got]

    def span(lo: str, hi: str) -> str:
        return lo if lo == hi else f"{lo} to {hi}"

    def share(x: float) -> str:  # (199 of 200 is not "100%")
        return ">99%" if 0.99 < x < 1 else "<1%" if 0 < x < 0.01 else f"{pct(x)}%"

    agree = span(share(min(shares)), share(max(shares)))
    phis = [phi for _, _, phi in got if phi is not None]
    if not phis:
        return (f"how far the paired games agree, against {s.vs}: the same winner in {agree} of the pairs (one side "
                "won every game of a cell, so the wins have no correlation to measure)")
    phi = span(f"{min(phis):+.2f}", f"{max(phis):+.2f}")
    why = ["near 0: the paired intervals are about as wide as unpaired ones would be" if max(map(abs, phis)) < 0.2
           else "the higher above 0, the narrower the paired intervals against unpaired ones"]
    if min(phis) <= -0.2:
        why.append("below 0 they are wider")
    undefined = len(got) - len(phis)
    left = (f"; {undefined} cell{'s' if undefined != 1 else ''} without one: a side won all its games"
            if undefined else "")
    return (f"how far the paired games agree, against {s.vs}: the same winner in {agree} of the pairs, the wins "
            f"correlated at phi {phi} ({'; '.join(why)}{left})")


def seeds_note(s: Summary) -> str:
    """How this batch's cells' seeds relate (`SEEDS_NOTE`, `COMMON_SEEDS_NOTE`)."""
    return COMMON_SEEDS_NOTE if s.common_seeds else SEEDS_NOTE


def fallen_note(s: Summary, intervals: bool = False) -> str:
    """`FALLEN_NOTE` (with `intervals`, as report.md shows it: each share with its Wilson interval), and when the
    cells play different numbers of turns, how their checkpoints are put together."""
    note = FALLEN_NOTE + ("; each share with its 95% Wilson score interval in brackets (of all the cell's games)"
                          if intervals else "")
    return note + FALLEN_VARY_NOTE if s.turns_vary else note


FALLEN_VARY_NOTE = (" (of each cell's own turns: the cells play different numbers of turns, so every cell's "
                    "checkpoints are shown for all; —, null in the summary files: a turn after the cell's last, "
                    "which no game of it reached)")


ENTERED_NOTE = ("'{objective} entered': the share of the cell's games in which an attacker unit entered a hex of "
                "the objective at all (column objective_first_entry_type), taken or not")
"""What the table's "entered" column means: an analyst's review found it the one column no note explained."""
TURN_DATE_NOTE = ("the date beside a turn is when it starts (turn {turn}: {date}); a turn lasts {hours} hours, so a "
                  "capture on turn T came by {hours} hours after T's date")
"""The dates beside the table's turns are their starts (`Summary.turn_date`); read as the capture's own date, a
median capture turn looked half a day earlier than the games had it (an analyst's review)."""


def turn_date_note(s: Summary) -> str | None:
    """`TURN_DATE_NOTE` for this scenario's turns (turn 1 as the example), or None when its turns have no dates."""
    hours = s.meta.get("turn_hours")
    if not s.turn_date(1) or not hours:
        return None
    return TURN_DATE_NOTE.format(turn=1, date=s.turn_date(1), hours=hours)


def table_note_list(s: Summary, intervals: bool = False) -> list[str]:
    """The notes on the entered, fall and road-cut columns and the turns' dates, one by one (`intervals`: the fall
    as report.md shows it, with its intervals)."""
    dates = turn_date_note(s)
    fallen = fallen_note(s, intervals) + ("" if intervals else " (with their 95% intervals in report.md and "
                                                               "summary.csv: the terminal's column has no room)")
    cloud = CLOUD_ALONE_NOTE if CLOUD_KEY in (*s.sweep_keys, *s.fixed) else None
    return [ENTERED_NOTE.format(objective=s.objective), *([fallen] if s.fallen_turns else []),
            ROAD_CUT_NOTE, *([dates] if dates else []), *([cloud] if cloud else [])]


CLOUD_KEY = "set:weather.cloud_base_m"
CLOUD_ALONE_NOTE = ("cloud_base_m sets the cloud base alone: each turn's visibility and fog are still the weather "
                    "mode's, and fog or poor visibility can ground a drone whatever the cloud (the column of turns "
                    "weather grounded drones counts those turns)")
"""Said when the batch sweeps or fixes the cloud base: an analyst read "+29 pts at 1200 m" as "with the drones
flying", while the historical fog kept them down 13 of 25 turns."""


def table_notes(s: Summary) -> str:
    """`table_note_list` in one sentence (report.md and the HTML, whose fall column has the intervals)."""
    return "; ".join(table_note_list(s, intervals=True))


def grounded_note(quotes: str = "''") -> str:
    """What the table's weather column means (for the caption under it)."""
    return (f"{quotes[0]}turns weather grounded drones / turns played{quotes[1]}: means per game; a turn counts when "
            "its weather kept every armed drone on the ground (—: not in the file, or no armed drones)")


DRONE_TURNS = ("a drone-turn grounded is one armed drone unit kept on the ground for one turn: two grounded "
               "units make two a turn, so the count can exceed the turns played")
"""What the table's drone-turns grounded count (an analyst read 51.1 beside 25.5 turns played as an error)."""


MANY_CELLS_NOTE = "among many cells some intervals miss 0 by chance"
"""Said with three cells or more: two cells have a single difference, not many (the note read as a warning there)."""


def rich_table(s: Summary, title: str | None = None, width: int | None = None) -> Any:
    """The per-cell table for a terminal `width` columns wide (None: one table, however wide). A table wider
    than that comes in parts, each repeating the cell column: squeezed into 80-100 columns, the one table
    wrapped every header and number mid-word ("entere d", "23.1/2 6.7")."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head, rows = table_rows(s, compact=True)
    notes = [*([fixed_note(s)] if fixed_note(s) else []), MEDIAN_NOTE, *table_note_list(s),
             "losses, strikes flown (the drone_sorties_flown columns) and drone-turns grounded are means per game "
             f"({DRONE_TURNS})",
             *([GROUND_NOTE] if s.ground_losses else []), grounded_note(), *missions_notes(s)]
    if len(s.cells) > 1:
        notes += [cell_order_note(s), f"'wins vs {s.vs}': the difference in attacker win rate (percentage points) "
                  f"with Newcombe's 95% interval{unpaired_only(s)}", welch_note(s),
                  *([MANY_CELLS_NOTE] if len(s.cells) > 2 else []), seeds_note(s),
                  *([PAIRED_NOTE, s.at_base(CAPTURE_VS_NOTE)] if cells_paired(s) else []),
                  *([pn] if (pn := pairing_note(s)) else [])]
    # one note a line (as one paragraph they ran to twenty lines of a terminal, hard to find a column's note in)
    caption = "\n".join(f"- {n}" for n in notes)
    if title is None:
        title = f"{s.path.name}: {s.games} games" + (f", base seed {s.seed}" if s.seed is not None else "")
    parts = column_groups(head, rows, width)
    tables = []
    # a short cell label stays on one line: the other columns wrap their headers first (a long one wraps too)
    whole = max(len(r[0]) for r in rows) <= 28
    for k, cols in enumerate(parts):
        # (a table in parts: the caption under the last would wrap to that part's width; it is printed after
        # them, across the terminal)
        t = Table(title=title if k == 0 else None, title_justify="left",
                  caption=caption if len(parts) == 1 else None, caption_justify="left")
        for i in cols:
            t.add_column(head[i], justify="left" if i == 0 else "right", overflow="fold",
                         min_width=16 if i == 0 else None, no_wrap=whole and i == 0)
        for r in rows:
            t.add_row(*(r[i] for i in cols))
        tables.append(t)
    return tables[0] if len(tables) == 1 else Group(*tables, Text(caption, style="table.caption"))


OUTCOME_NAMES = {
    "objective_taken": ("attacker win", "taken, no defender near"),
    "held_all": ("attacker win", "held all at the end"),
    "held_partial": ("defender win", "attacker held part"),
    "held_none": ("defender win", "attacker held none"),
}
"""How the report names each `outcome` (`engine.rules.OUTCOMES`): who won, and how the game ended."""


def _count(k: int, n: int) -> str:
    return f"{k} ({pct(k / n)}%)" if n else "—"


def _hexes_held(c: CellStats) -> str:
    """The objective hexes the attacker held at the end of the cell's defender wins, most first: "6/7: 12 ·
    0/7: 30" ("—" with none, or when the file does not record them)."""
    if not c.defender_win_hexes or not c.objective_total:
        return "—"
    counts: dict[int, int] = {}
    for h in c.defender_win_hexes:
        counts[h] = counts.get(h, 0) + 1
    return " · ".join(f"{h}/{c.objective_total}: {counts[h]}" for h in sorted(counts, reverse=True))


def outcome_rows(s: Summary, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """The outcome breakdown (`has_outcomes` files): per cell, the games of each `outcome` (count and share of
    the cell's games), the near misses among the defender wins (the attacker held all hexes but one at the end;
    their share of the defender wins) and the hexes the attacker held in the defender wins."""
    sep = "\n" if compact else " "
    total = max((c.objective_total or 0 for c in s.cells), default=0)
    head = ["cell", "games", *(f"{who}:{sep}{how}" for who, how in OUTCOME_NAMES.values()),
            f"near misses{sep}(held {total - 1} of {total}){sep}/ defender wins" if total > 1 else
            f"near misses{sep}/ defender wins",
            f"defender wins by{sep}hexes held at end"]
    rows = []
    for c in s.cells:
        got = c.outcomes or {}
        near = c.near_misses
        rows.append([f"{c.cell}: {c.name} ({c.label})" if c.name else f"{c.cell}: {c.label}", str(c.n),
                     *(_count(got.get(k, 0), c.n) for k in OUTCOME_NAMES),
                     "—" if near is None else _count(near, c.defender_wins),
                     _hexes_held(c)])
    return head, rows


def near_miss_lines(s: Summary) -> list[str]:
    """One sentence per cell calling out the near misses: how many of the defender's wins the attacker lost
    holding all of the objective but one hex ("" cells left out when the file does not record the hexes)."""
    out = []
    for c in s.cells:
        near = c.near_misses
        if near is None:
            continue
        where = f"cell {c.cell}: " if len(s.cells) > 1 else ""
        total = c.objective_total
        share = f" ({pct(near / c.defender_wins)}%)" if c.defender_wins else ""
        were = "was a near miss" if near == 1 else "were near misses"
        wins = "defender win" if c.defender_wins == 1 else "defender wins"
        out.append(f"{where}{near} of the {c.defender_wins} {wins}{share} {were}: the attacker held "
                   f"{total - 1} of the {total} hexes of {s.objective} at the end "  # type: ignore[operator]
                   f"({pct(near / c.n)}% of all {c.n} games).")
    return out


OUTCOME_NOTE = ("how each game ended (column outcome): 'taken, no defender near' is a sudden-death win (the attacker "
                "held the whole objective at a turn's end with no defender within the contest radius), 'held all "
                "at the end' a win on the last turn with defenders still near; a defender win is split by whether "
                "the attacker held some objective hexes at the end; shares are of the cell's games, near misses of "
                "its defender wins")


def outcome_rich_table(s: Summary, width: int | None = None) -> Any:
    """The outcome breakdown for a terminal (`outcome_rows`, in parts when wider than `width`), with the near-miss
    sentences; a one-line note instead for a file without the `outcome` column."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not s.has_outcomes:
        return Text(f"note: {s.path.name} has no outcome column (written by an older wargame): no breakdown of "
                    "how the games ended; `wargame batch ... --overwrite` plays it again with it",
                    style="table.caption")
    head, rows = outcome_rows(s, compact=True)
    caption = OUTCOME_NOTE + "."
    parts = column_groups(head, rows, width)
    tables = []
    for k, cols in enumerate(parts):
        t = Table(title=f"How the games ended ({s.objective})" if k == 0 else None, title_justify="left")
        for i in cols:
            t.add_column(head[i], justify="left" if i == 0 else "right", overflow="fold",
                         min_width=16 if i == 0 else None)
        for r in rows:
            t.add_row(*(r[i] for i in cols))
        tables.append(t)
    return Group(*tables, Text(caption, style="table.caption"), *(Text(line) for line in near_miss_lines(s)))


def measures_rich_table(s: Summary) -> Any:
    """A teaching scenario's measures per cell for a terminal (`measure_rows`), or None without any."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    got = measure_rows(s)
    if got is None:
        return None
    head, rows = got
    t = Table(title="What the lesson measures", title_justify="left")
    for i, h in enumerate(head):
        t.add_column(h, justify="right" if 0 < i < len(head) - 1 else "left", overflow="fold")
    for r in rows:
        t.add_row(*r)
    return Group(t, Text(as_sentence(MEASURES_NOTE), style="table.caption"))


def md_text(text: str) -> str:
    r"""`text` for a Markdown paragraph: "<" escaped outside `code spans`, or a renderer takes the notes'
    "steps_lost_<side>_air" for an HTML tag and drops "<side>" (GitHub does).

    >>> md_text("steps_lost_<side>_air, `a<b`")
    'steps_lost_\\<side>_air, `a<b`'
    """
    parts = text.split("`")
    return "`".join(p if k % 2 else p.replace("<", "\\<") for k, p in enumerate(parts))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(head: list[str], rows: list[list[str]], left: Sequence[int] = (0,)) -> str:
    """A Markdown (GitHub) table, the columns in `left` (the first) left-aligned and the others right-aligned.

    >>> print(markdown_table(["cell", "games"], [["0: all games", "10"]]))
    | cell | games |
    |:--|--:|
    | 0: all games | 10 |
    """
    lines = ["| " + " | ".join(map(_md_cell, head)) + " |", "|" + "|".join(":--" if i in left else "--:"
                                                                          for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(map(_md_cell, r)) + " |" for r in rows]
    return "\n".join(lines)


def as_sentence(text: str) -> str:
    """`text` as a sentence: its first letter upper-case (the rest as it is: not `str.capitalize`) and a full stop.

    >>> as_sentence("ground steps: Welch's interval")
    "Ground steps: Welch's interval."
    """
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


MEASURES_NOTE = ("the numbers the lesson is about (the scenario's meta.measures): per cell the mean per game with "
                 "its 95% interval (Student's t, cut at 0); a turn (…_turn) is the mean over the games where it came, "
                 "with how many (n); the lesson's note gives the means it expects")


def measure_rows(s: Summary) -> tuple[list[str], list[list[str]]] | None:
    """A teaching scenario's measures per cell (`meta.measures`, recorded in the results' metadata by `wargame
    batch`): the lesson's point, read from the columns that hold it (`engine.batch.measure_columns`). None for a
    batch of a scenario without measures, or a file written before they were recorded. An educator's batch report
    had the measures of the lesson only as columns of the Parquet file."""
    import pyarrow.parquet as pq

    from engine.batch import measure_columns

    measures = [m for m in (s.meta.get("measures") or []) if isinstance(m, dict) and isinstance(m.get("score"), str)]
    if not measures:
        return None
    if s.measure_data is None:
        names = pq.read_schema(s.path).names
        cols = [measure_columns(m["score"], names) for m in measures]
        data = pq.read_table(s.path, columns=sorted({"cell", *(c for cs in cols for c in cs)})).to_pydict()
        by_cell: dict[int, dict[str, list[Any]]] = {}
        for k, cell in enumerate(data.pop("cell")):
            here = by_cell.setdefault(cell, {n: [] for n in data})
            for n, values in data.items():
                here[n].append(values[k])
        s.measure_data = (cols, by_cell)
    cols, by_cell = s.measure_data
    head = ["measure", *(cell_name(s, c) or "all games" for c in s.cells), "the lesson expects"]
    rows = []
    for m, cs in zip(measures, cols, strict=True):
        row = [str(m.get("label") or m["score"])]
        for c in s.cells:
            if not cs:
                row.append("n/a")
                continue
            games = by_cell.get(c.cell, {})
            got = [float(sum(vs)) for vs in zip(*(games.get(n, []) for n in cs), strict=True) if None not in vs]
            if m["score"].endswith("_turn"):
                row.append(f"{mean(got):.1f} (n={len(got)})" if got else f"never (n=0 of {c.n})")
            else:
                row.append(fmt_mean_interval(got) if got else "—")
        rows.append([*row, str(m.get("note") or "")])
    return head, rows


def report_markdown(s: Summary, pngs: Sequence[str] = ()) -> str:
    """`report.md`: the per-cell table and the outcome breakdown as Markdown, with what their columns mean (the
    report's text for notes and reviews), and the plots beside it (`pngs`, file names) each with its caption: a
    reader of report.md alone had the plots without what their bars and bands are (only report.html said)."""
    head, rows = table_rows(s)
    seed = f", base seed {s.seed}" if s.seed is not None else ""
    fixed = f" {as_sentence(fixed_note(s))}" if fixed_note(s) else ""
    notes = [MEDIAN_NOTE, table_notes(s), f"losses, strikes flown and drone-turns grounded are means per game "
             f"({DRONE_TURNS})",
             grounded_note(), *missions_notes(s)]
    if s.ground_losses:
        notes.insert(1, GROUND_NOTE)
    if len(s.cells) > 1:
        notes += [cell_order_note(s), f"'wins vs {s.vs}': the difference in attacker win rate (percentage points) "
                  "with Newcombe's 95% interval" + unpaired_only(s), welch_note(s),
                  *([MANY_CELLS_NOTE] if len(s.cells) > 2 else []), seeds_note(s)]
        if cells_paired(s):
            notes += [PAIRED_NOTE, s.at_base(CAPTURE_VS_NOTE), *([pn] if (pn := pairing_note(s)) else [])]
    out = [f"# Batch report: {s.meta.get('scenario_name') or s.path.name}", "",
           f"{s.games} games in {len(s.cells)} cell(s) from `{s.path}`{seed}; {provenance_text(s)}.{fixed} "
           f"{f'Conditions: {s.conditions}. ' if s.conditions else ''}"
           f"Win-rate intervals are 95% Wilson score intervals. {MODEL_RATE_NOTE}", "", markdown_table(head, rows), "",
           md_text(as_sentence("; ".join(notes))), "",
           *(f"**Warning:** {md_text(as_sentence(w))}" for w in s.warnings),
           *([""] if s.warnings else [])]
    if (measured := measure_rows(s)) is not None:
        out += ["## What the lesson measures", "", markdown_table(*measured, left=(0, len(measured[0]) - 1)), "",
                md_text(as_sentence(MEASURES_NOTE)), ""]
    out += [f"## How the games ended ({s.objective})", ""]
    if s.has_outcomes:
        out += [markdown_table(*outcome_rows(s)), "", md_text(as_sentence(OUTCOME_NOTE)), ""]
        out += [f"- {line}" for line in near_miss_lines(s)]
    else:
        out.append(f"{s.path.name} has no outcome column (written by an older wargame): `wargame batch ... "
                   "--overwrite` plays it again with it.")
    if pngs:
        out += ["", "## Plots"]
        for name in pngs:
            out += ["", f"![{name}]({name})", "", md_text(figure_caption(s, name).replace("\n", " "))]
    if s.by:
        from engine.factor_effects import effects_markdown, factor_effects

        out += ["", *(effects_markdown(factor_effects(s, k)).rstrip("\n") for k in s.by)]
    if s.meta.get("command"):
        folder = run_folder(s)
        where = f" (run in `{folder}`)" if folder else ""
        out += ["", "## Reproduce", "", f"Command that made the data{where}: `{s.meta['command']}`"]
    if rerun := rerun_commands(s):
        if not s.meta.get("command"):
            out += ["", "## Reproduce"]
        folder = run_folder(s)
        out += ["", "Re-run one game of a cell (S = the game's `seed` column" + (f"; run in `{folder}`" if folder
                                                                                   else "") + "):", ""]
        out += [f"- cell {k}: `{cmd}`" for k, cmd in rerun]
    return "\n".join(out).rstrip() + "\n"


def run_folder(s: Summary) -> str:
    """The folder the batch was run from when its scenario path is relative (the report may be read, and its
    commands re-run, from another folder); "" when the path is absolute or the file predates the record.

    >>> class S: meta = {"scenario_path": "scenarios/x.json", "cwd": "/home/a"}
    >>> run_folder(S)
    '/home/a'
    >>> S.meta["scenario_path"] = "/abs/x.json"; run_folder(S)
    ''
    """
    folder, path = s.meta.get("cwd"), s.meta.get("scenario_path")
    return "" if not folder or not path or Path(str(path)).is_absolute() else str(folder)


def provenance(s: Summary) -> dict[str, Any]:
    """Which engine played the batch and on which scenario, as its results' metadata records them (None where a
    file does not say): report.md, summary.json and compare.md give them, not report.html alone."""
    b = s.meta.get("batch") or {}
    return {"engine_version": b.get("engine_version"), "engine_code": s.meta.get("engine_code"),
            "scenario_name": s.meta.get("scenario_name"), "scenario_path": s.meta.get("scenario_path"),
            "scenario_sha256": b.get("scenario_sha256")}


def provenance_text(s: Summary) -> str:
    """`provenance` in one Markdown sentence (without its full stop): "engine 0.19.0 (code 1a2b...), scenario
    `scenarios/x.json` sha256 `ab12...`"."""
    from engine.runlog import read_runs, runs_words

    p = provenance(s)
    code = f" (code `{p['engine_code']}`)" if p["engine_code"] else ""
    engine = f"engine {p['engine_version']}{code}" if p["engine_version"] else "engine version not recorded"
    path = f" `{p['scenario_path']}`" if p["scenario_path"] else ""
    sha = f"sha256 `{p['scenario_sha256']}`" if p["scenario_sha256"] else "sha256 not recorded"
    runs = runs_words(read_runs(s.path))  # (where the games were played: the record beside the results)
    return f"{engine}, scenario{path} {sha}" + (f"; {runs}" if runs else "")


def rerun_commands(s: Summary) -> list[tuple[int, str]]:
    """(cell, the `wargame run` command of one of its games, S for the game's `seed` column) for each cell whose
    run options the results record: report.md's and report.html's reproduce lists, as `wargame batch` prints."""
    scen = s.meta.get("scenario_path") or "SCENARIO"
    return [(c.cell, f"wargame run {scen} {c.run_options}") for c in s.cells if c.run_options]


def html_text(text: str) -> str:
    """`text` escaped for HTML with its `code spans` as <code> (the notes are written for Markdown: the page
    showed their backticks). An unmatched last backtick stays as written, as in Markdown and the lesson window
    (`ui.panels.code_spans`): dropping it hid the typo and the spans before it; an empty pair shows nothing."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one opens nothing
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return "".join(f"<code>{html.escape(p)}</code>" if k % 2 else html.escape(p)
                   for k, p in enumerate(parts) if p)


def column_groups(head: list[str], rows: list[list[str]], width: int | None) -> list[list[int]]:
    """The table's columns in consecutive groups that each fit `width` terminal columns, the cell column
    (0) first in each; one group if all fit or `width` is None.

    >>> column_groups(["cell", "aaaa", "bbbb", "cccc"], [["c0", "1", "2", "3"]], 34)
    [[0, 1, 2], [0, 3]]
    >>> column_groups(["cell", "aaaa", "bbbb", "cccc"], [["c0", "1", "2", "3"]], 41)
    [[0, 1, 2, 3]]
    """
    def natural(i: int) -> int:  # a column's width with nothing wrapped, plus its padding and border
        texts = [head[i], *(r[i] for r in rows)]
        return max(len(line) for t in texts for line in t.split("\n")) + 3

    cols = [max(natural(i), 16 + 3) if i == 0 else natural(i) for i in range(len(head))]
    if width is None or sum(cols) + 1 <= width:
        return [list(range(len(head)))]
    groups: list[list[int]] = [[0]]
    used = cols[0] + 1
    for i in range(1, len(head)):
        if len(groups[-1]) > 1 and used + cols[i] > width:
            groups.append([0])
            used = cols[0] + 1
        groups[-1].append(i)
        used += cols[i]
    return groups


# ------------------------------------------------------------------------------------------------ plots

ATT_COLOUR = "#c0392b"
DEF_COLOUR = "#2471a3"

PLOT_DPI = 160
"""Resolution of the saved plots: an 8-inch-wide plot is 1280 px, sharp on a projector or a full-screen slide."""
PLOT_STYLE = {"font.size": 12, "axes.titlesize": "large", "axes.labelsize": "medium", "xtick.labelsize": "small",
              "ytick.labelsize": "small", "legend.fontsize": "small", "legend.title_fontsize": "small",
              "figure.titlesize": "large"}
"""Matplotlib settings the plots are drawn with: type that stays readable when projected (the sizes in the plot
functions are relative to `font.size`)."""
PLOT_WIDTH_IN = 8.0
"""Width of a bar plot of a few cells (inches); it grows with the number of cells."""
TICK_FONT_PT = 11
"""Size of the cell tick labels (points)."""
LEGEND_FONT_PT = 10
"""Size of a legend's text (points): `PLOT_STYLE`'s "small" of its 12-point font."""
TITLE_FONT_PT = 12
"""Size of a panel title drawn "medium" (points)."""


def projected(plot: Callable[[Summary, Path], None]) -> Callable[[Summary, Path], None]:
    """Draw `plot` with `PLOT_STYLE`: every report plot is made to be projected to a class."""

    @functools.wraps(plot)
    def draw(s: Summary, path: Path) -> None:
        import matplotlib.pyplot as plt

        with plt.rc_context(PLOT_STYLE):
            plot(s, path)

    return draw


def save_figure(fig: Any, path: Path, dpi: int = PLOT_DPI) -> None:
    """Write the figure whole or not at all (`engine.fileio.atomic_write_with`): a plot cut short by a full disk
    never replaces the previous one. The figure is closed."""
    import matplotlib.pyplot as plt

    from engine.fileio import atomic_write_with

    try:
        atomic_write_with(path, lambda fh: fig.savefig(fh, format=Path(path).suffix[1:] or "png", dpi=dpi))
    finally:
        plt.close(fig)


def cell_number(s: Summary, c: CellStats) -> str:
    """ "0: " before a cell's label on a plot; "" for a single cell."""
    return f"{c.cell}: " if len(s.cells) > 1 else ""


def cell_name(s: Summary, c: CellStats) -> str:
    """A cell as the plots name it: "0: weather=clear" (the label alone for a single cell), by the name the user
    gave it ("0: gorge") or with long sweep values abbreviated (`CellStats.plot_label`)."""
    return cell_number(s, c) + c.plot_label


def cell_tick_labels(s: Summary, width: int | None = None) -> list[str]:
    """One tick label per cell, with the number of games behind its bar: "0: weather=clear (n=200)"; given a
    `width`, a longer one is wrapped onto lines of about that many characters, at most three (`wrap_label`; the
    cell number before the first, the count on the last)."""
    labels = []
    for c in s.cells:
        name, count = cell_name(s, c), f"(n={c.n})"
        if width is None or len(name) + 1 + len(count) <= width:
            labels.append(f"{name} {count}")
            continue
        lines = wrap_label(c.plot_label, width, max_lines=2).split("\n")
        lines[0] = cell_number(s, c) + lines[0]
        if len(lines[-1]) + 1 + len(count) <= width:
            lines[-1] += f" {count}"
        else:
            lines.append(count)
        labels.append("\n".join(lines))
    return labels


TITLE_WIDTH = 70
"""Characters per line of a plot's line of fixed overrides (`fixed_title_line`)."""


def fixed_title_line(s: Summary) -> str:
    """For a plot's title: "\nin every cell: defender.supply_range=10" (or "in every game", one cell): the
    overrides the batch fixed, so that a variant's plot never reads like the baseline's; "" when none."""
    if not s.fixed:
        return ""
    where = "in every cell" if len(s.cells) > 1 else "in every game"
    return "\n" + wrap_label(f"{where}: {fixed_label(s, abbreviate=True)}", TITLE_WIDTH, max_lines=2)


KEY_LINE_IN = 0.24
"""Height (inches) a line of a plot's cell key takes (`_cell_ticks`): the figure grows by it per cell."""


def named_key_lines(s: Summary, width: int = 110) -> list[str]:
    """The lines of a plot's key of named cells, "0: gorge = weather=historical, tank.protection=2" (each wrapped
    to `width` characters): with --label the plots called the cells by their names alone."""
    lines: list[str] = []
    for c in s.cells:
        if c.name:
            lines += wrap_label(f"{c.cell}: {c.name} = {c.label}", width, max_lines=3).split("\n")
    return lines


def ticks_need_key(s: Summary, width: int) -> bool:
    """Would a cell's tick label, wrapped to `width` characters, lose part of its sweep values (more than two
    lines)? Then the ticks give the cell numbers and a key under the plot the labels (`_cell_ticks`)."""
    return any(len(cell_name(s, c)) + 1 + len(f"(n={c.n})") > width
               and wrap_label(c.plot_label, width, max_lines=99).count("\n") >= 2 for c in s.cells)


def cell_list(s: Summary) -> str:
    """For a caption: every cell's number and full sweep values ("Cells: 0 is weather=clear; 1 is ..."), ""
    for a single cell."""
    if len(s.cells) < 2:
        return ""
    return "Cells: " + "; ".join(f"{c.cell} is {c.label}" + (f" (“{c.name}”)" if c.name else "")
                                 for c in s.cells) + "."


def cell_key(s: Summary) -> str:
    """For a caption: each cell's full sweep values, when a plot calls some cell by a name or an abbreviation
    ("" when every plot label is the full one)."""
    renamed = [c for c in s.cells if c.plot_label != c.label]
    if not renamed:
        return ""
    return ("Cell labels on the plot and the sweep values they stand for: "
            + "; ".join(f"“{cell_name(s, c)}” is {c.label}" for c in renamed) + ".")


def cell_order_note(s: Summary, vs_cell0: bool = True) -> str:
    """How the cells are ordered and (`vs_cell0`) what "vs cell K" compares against ("" for a single cell): the
    order is the one the sweeps were typed in, so cell 0 is a baseline only by position (`--baseline K` picks
    another)."""
    if len(s.cells) < 2:
        return ""
    order = "cells in the order given (sweep values as typed, the first --sweep slowest)"
    how = "" if s.base is not s.cells[0] else " (`wargame report --baseline K` takes them against cell K)"
    return f"{order}; differences are vs {s.vs} ({s.base.label}){how}" if vs_cell0 else order


def games_per_cell(s: Summary) -> str:
    """How many games each cell's aggregate is based on, for a caption: "200 games in each of 3 cells, 600 in
    all", or cell by cell when they differ."""
    if len(s.cells) == 1:
        return f"{s.games} games"
    ns = {c.n for c in s.cells}
    if len(ns) == 1:
        return f"{ns.pop()} games in each of {len(s.cells)} cells, {s.games} in all"
    return ", ".join(f"cell {c.cell}: {c.n}" for c in s.cells) + f" games, {s.games} in all"


def bar_plot_width(s: Summary) -> float:
    """Width (inches) of a plot with a bar group per cell: `PLOT_WIDTH_IN`, wider from five cells on."""
    return max(PLOT_WIDTH_IN, 1.0 * len(s.cells) + 3.0)


def _cell_ticks(ax: Any, s: Summary) -> None:
    """One tick per cell under `ax`: upright and wrapped to the room a cell has, or, with too little room,
    slanted and wrapped shorter; either way no more than three lines."""
    room = (ax.figure.get_figwidth() - 1.6) / len(s.cells)  # inches per cell (about 1.6 for the y axis)
    chars = int(room * 72 / (0.6 * TICK_FONT_PT))
    upright = chars >= 16
    width = min(32, chars) if upright else 26  # (a slanted line may be longer)
    if len(s.cells) > 1 and ticks_need_key(s, width):
        # several sweep keys: wrapped into a tick's room, a label would lose a factor ("0: defender.
        # supply_range=16,…"); the ticks give the cell numbers, and a key under the axes each cell's label whole
        ax.set_xticks(range(len(s.cells)))
        ax.set_xticklabels([f"{c.cell}\n(n={c.n})" for c in s.cells], fontsize=TICK_FONT_PT)
        key = "\n".join(f"{c.cell}: {c.plot_label}" + (f" = {c.label}" if c.name else "") for c in s.cells)
        ax.set_xlabel(f"cell (n = games in the cell):\n{key}", multialignment="left")
        fig = ax.figure  # taller by the key's lines: the axes keep their height
        fig.set_figheight(fig.get_figheight() + KEY_LINE_IN * len(s.cells))
        return
    labels = cell_tick_labels(s, width)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=0 if upright else 30, ha="center" if upright else "right",
                       rotation_mode="default" if upright else "anchor", fontsize=TICK_FONT_PT)
    what = "sweep parameters" if s.sweep_keys or not s.fixed else "the batch's fixed overrides"
    if not any(c.name for c in s.cells):
        ax.set_xlabel(f"cell ({what}; n = games in the cell)")
        return
    # (named cells: the names alone lost the sweep values a reader of the plot needs: an analyst's review)
    key = named_key_lines(s)
    ax.set_xlabel(f"cell (n = games in the cell); the names stand for these {what}:\n" + "\n".join(key),
                  multialignment="left")
    fig = ax.figure
    fig.set_figheight(fig.get_figheight() + KEY_LINE_IN * len(key))


def grouped_bar_x(n_cells: int, k: int, bars: int, width: float) -> list[float]:
    """x of the k-th of `bars` bars of `width` in each cell's group (the group centred on the cell's tick).

    >>> grouped_bar_x(2, 0, 2, 0.4), grouped_bar_x(2, 1, 2, 0.4)
    ([-0.2, 0.8], [0.2, 1.2])
    """
    return [i + (k - (bars - 1) / 2) * width for i in range(n_cells)]


def mean_bars(ax: Any, xs: list[float], samples: list[list[int]], width: float, colour: str, label: str,
              ci_label: str | None = None, values: bool = False) -> None:
    """Bars of the samples' means at `xs`, with the 95% Student-t interval of each mean (`t_half_width`); `values`
    writes each mean over its bar."""
    means = [mean(x) for x in samples]
    errs = [t_half_width(x) for x in samples]
    ax.bar(xs, means, width, color=colour, alpha=0.85, label=label)
    ax.errorbar(xs, means, yerr=errs, fmt="none", ecolor="black", capsize=4, lw=1, label=ci_label)
    if values:
        for x, m, e in zip(xs, means, errs, strict=True):
            ax.annotate(f"{m:.2f}" if m < 10 else f"{m:.1f}", (x, m + e), textcoords="offset points",
                        xytext=(0, 2), ha="center", va="bottom", fontsize="x-small")


@projected
def plot_win_rate(s: Summary, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(bar_plot_width(s), 5.6), layout="constrained")
    x = range(len(s.cells))
    rates = [100 * c.win_rate for c in s.cells]
    los = [max(0.0, 100 * (c.win_rate - c.win_ci[0])) for c in s.cells]
    his = [max(0.0, 100 * (c.win_ci[1] - c.win_rate)) for c in s.cells]
    ax.bar(x, rates, color=ATT_COLOUR, alpha=0.8, label="attacker win rate")
    ax.errorbar(x, rates, yerr=[los, his], fmt="none", ecolor="black", capsize=5, lw=1.2,
                label="95% Wilson interval")
    for i, c in enumerate(s.cells):
        ax.annotate(f"{pct(c.win_rate)}%\n({c.attacker_wins} of {c.decided})", (i, 100 * c.win_ci[1]),
                    textcoords="offset points", xytext=(0, 4), ha="center", va="bottom", fontsize="small")
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("attacker win rate (% of games)")
    _cell_ticks(ax, s)
    paired = ("\nthe cells played the same seeds: judge a difference by its paired interval\n(report table, "
              "_paired_ci), not by whether two bars overlap" if len(s.cells) > 1 and cells_paired(s) else "")
    ax.set_title(f"Win rate of the {s.side('attacker')} by cell\n(error bars: 95% Wilson score interval of "
                 f"the win rate){paired}{fixed_title_line(s)}")
    fig.legend(loc="outside lower center", ncols=2)  # below the axes: never over a bar's label
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)


def capture_title(s: Summary, c: CellStats, fig_width: float) -> str:
    """A capture-turn panel's title, "0: weather=fog: Shusha taken in 30 of 50 games (60%)", on as many lines as
    the panel's width needs (one line ran off the figure's right edge, cutting the count off), the cell's label
    never cut short."""
    taken = f"{s.objective} taken in {len(c.capture_turns)} of {c.n} games ({pct(c.capture_rate)}%)"
    width = max(20, int((fig_width - 1.2) * 72 / (0.6 * TITLE_FONT_PT)))
    name = cell_name(s, c) + (f" = {c.label}" if c.name else "")
    if len(name) + 2 + len(taken) <= width:
        return f"{name}: {taken}"
    return f"{wrap_label(name, width, max_lines=99)}:\n{taken}"


@projected
def plot_capture_turns(s: Summary, path: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    n = len(s.cells)
    max_turn = max([s.cell_turns(c) for c in s.cells] + [t for c in s.cells for t in c.capture_turns] + [1])
    width_in = PLOT_WIDTH_IN + 1
    titles = [capture_title(s, c, width_in) for c in s.cells]
    extra = sum(t.count("\n") for t in titles)  # (a wrapped title takes its panel's room: the figure grows)
    fig, axes = plt.subplots(n, 1, figsize=(width_in, 1.4 + 2.0 * n + KEY_LINE_IN * extra), sharex=True,
                             squeeze=False, layout="constrained")
    bins = [t - 0.5 for t in range(1, max_turn + 2)]
    top = 1
    for c in s.cells:
        counts: dict[int, int] = {}
        for t in c.capture_turns:
            counts[t] = counts.get(t, 0) + 1
        top = max(top, *counts.values()) if counts else top
    for ax, c, title in zip(axes[:, 0], s.cells, titles, strict=True):
        if c.capture_turns:
            ax.hist(c.capture_turns, bins=bins, color=ATT_COLOUR, alpha=0.8, edgecolor="white",
                    label=f"games in which {s.objective} fell on that turn")
            med = median(c.capture_turns)
            ax.axvline(med, color="black", ls="--", lw=1, label=f"median: turn {med:g} ({s.turn_date(med)})")
            ax.legend(fontsize="x-small", loc="upper left")
        else:
            ax.text(0.5, 0.5, f"{s.objective} never fell in this cell", transform=ax.transAxes, ha="center",
                    va="center", fontsize="small", color="grey")
        ax.set_ylim(0, top * 1.35 + 0.5)
        last = s.cell_turns(c)
        if s.turns_vary and last > 0:
            # (a 26-turn cell on a 34-turn axis read as if it had played, and never taken it, turns 27-34: an
            # analyst's review) each cell's last turn marked, the turns it did not play greyed
            ax.axvline(last + 0.5, color="black", lw=1.2, ls="-.")
            short = last < max_turn
            if short:
                ax.axvspan(last + 0.5, max_turn + 1.0, color="#bbbbbb", alpha=0.35, lw=0, hatch="//")
            ax.annotate(f"last turn: {last}" + ("\n(turns after it not played)" if short else ""), (last + 0.5, 1),
                        xycoords=("data", "axes fraction"), xytext=(4 if short else -4, -4),
                        textcoords="offset points", ha="left" if short else "right", va="top", fontsize="x-small")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.set_title(title, fontsize="medium", loc="left")
        ax.set_ylabel("games")
        ax.grid(axis="y", alpha=0.3)
    ax = axes[-1, 0]
    ax.set_xlim(0.5, max_turn + 1.0)  # (a little room after the last turn's bar: it touched the frame)
    step = max(1, round(max_turn / 13))
    ticks = sorted(range(max_turn, 0, -step))  # counted back from the last turn, which always has its tick
    ax.set_xticks(ticks)
    hours = s.meta.get("turn_hours")
    if s.turn_date(1):
        ax.set_xticklabels([f"{t}\n{s.turn_date(t)[:6]}" for t in ticks], fontsize="x-small")
    ax.set_xlabel(f"turn {s.objective} fell ({hours}-hour turns; date the turn starts)" if hours
                  else f"turn {s.objective} fell")
    fig.suptitle(f"When did {s.objective} fall? Capture turn per cell\n(games where it did not fall are not "
                 f"counted){fixed_title_line(s)}")
    save_figure(fig, path)


@projected
def plot_losses(s: Summary, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(bar_plot_width(s), 5.6), layout="constrained")
    w = 0.38
    for k, (side, colour) in enumerate((("attacker", ATT_COLOUR), ("defender", DEF_COLOUR))):
        mean_bars(ax, grouped_bar_x(len(s.cells), k, 2, w), [c.casualties(side) for c in s.cells], w, colour,
                  s.side(side), "95% CI of the mean" if k == 1 else None)
    ground = s.ground_losses
    ax.set_ylabel(f"{'ground units’ strength' if ground else 'strength'} steps\nlost per game (mean)")  # (one line
    # ran past the top of the axes and was cut: "...per game (mea", an analyst)
    _cell_ticks(ax, s)
    ax.set_ylim(bottom=0)
    ax.set_title(("Ground losses per side by cell, all causes (no drones)" if ground else
                  "Losses per side by cell, all causes") + f"\n(error bars: 95% confidence interval of the mean, "
                 f"{T_BARS})" + fixed_title_line(s))
    fig.legend(loc="outside lower center", ncols=3)  # below the axes: never over a bar
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)


OUTCOME_SEGMENTS = (
    ("objective_taken", "attacker win: taken, no defender near", "#922b21", ""),
    ("held_all", "attacker win: held all at the end", "#e6776b", ""),
    ("near_miss", "defender win: attacker held all but one hex (near miss)", "#aed6f1", "//"),
    ("held_partial", "defender win: attacker held fewer hexes", "#5499c7", ""),
    ("held_none", "defender win: attacker held none", "#1b4f72", ""),
)
"""The stacked segments of `outcomes.png`, bottom up: (key, legend label, colour, hatch); attacker wins in the
attacker's reds, defender wins in the defender's blues, the near misses lightest."""


def outcome_shares(c: CellStats) -> dict[str, int]:
    """A cell's games per `OUTCOME_SEGMENTS` key: `held_partial` without its near misses (`near_miss`)."""
    got = dict(c.outcomes or {})
    near = c.near_misses or 0
    return {"objective_taken": got.get("objective_taken", 0), "held_all": got.get("held_all", 0),
            "near_miss": near, "held_partial": got.get("held_partial", 0) - near, "held_none": got.get("held_none", 0)}


OUTCOME_LABEL_MIN = 4
"""The thinnest segment (% of the cell's games) of `outcomes.png` that has its number written on it."""


def outcome_segment_label(s: Summary, key: str) -> str:
    """A segment's legend label (`OUTCOME_SEGMENTS`), with the objective's hexes where it has several."""
    label = next(lab for k, lab, _, _ in OUTCOME_SEGMENTS if k == key)
    total = max((c.objective_total or 0 for c in s.cells), default=0)
    if key == "near_miss" and total > 1:
        return f"defender win: attacker held {total - 1} of {total} hexes (near miss)"
    if key == "held_partial" and total > 2:  # ("fewer hexes": fewer than what? a review asked)
        return f"defender win: attacker held 1–{total - 2} of {total} hexes"
    return label


def small_segments(s: Summary) -> str:
    """For the outcomes caption: the segments too thin for their number on the plot, with their games ("cell 0:
    defender win: attacker held none 1 (3%)"); "" when every drawn segment has its number."""
    out = []
    for c in s.cells:
        got = [f"{outcome_segment_label(s, key)} {k} ({pct(k / c.n)}%)" for key, _, _, _ in OUTCOME_SEGMENTS
               if c.n and (k := outcome_shares(c)[key]) and 100 * k / c.n < OUTCOME_LABEL_MIN]
        if got:
            out.append((f"cell {c.cell}: " if len(s.cells) > 1 else "") + ", ".join(got))
    if not out:
        return ""
    return (f" Segments under {OUTCOME_LABEL_MIN}% of the games carry no number on the plot; they are: "
            + "; ".join(out) + ".")


@projected
def plot_outcomes(s: Summary, path: Path) -> None:
    """Per cell, the share of games that ended each way (`outcome`), stacked: the attacker's wins split into
    uncontested (sudden-death) and end-of-game holds, the defender's into near misses (the attacker held all
    hexes but one), fewer hexes and none."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(bar_plot_width(s), 6.2), layout="constrained")
    x = list(range(len(s.cells)))
    bottom = [0.0] * len(s.cells)
    for key, _, colour, hatch in OUTCOME_SEGMENTS:
        label = outcome_segment_label(s, key)
        counts = [outcome_shares(c)[key] for c in s.cells]
        shares = [100 * k / c.n if c.n else 0.0 for k, c in zip(counts, s.cells, strict=True)]
        ax.bar(x, shares, 0.6, bottom=bottom, color=colour, hatch=hatch, edgecolor="white", lw=0.8, label=label)
        for i, (share, k) in enumerate(zip(shares, counts, strict=True)):
            if share >= OUTCOME_LABEL_MIN:  # (a thinner segment has no room: the caption gives it, `small_segments`)
                dark = colour in ("#922b21", "#1b4f72", "#5499c7")
                ax.text(i, bottom[i] + share / 2, f"{pct(share / 100)}% ({k})", ha="center", va="center",
                        fontsize="x-small", color="white" if dark else "black")
        bottom = [b + v for b, v in zip(bottom, shares, strict=True)]
    ax.set_ylim(0, 100)
    if len(s.cells) == 1:  # (one bar as wide as the plot reads as a background)
        ax.set_xlim(-0.9, 0.9)
    ax.set_ylabel("share of the cell's games (%)")
    _cell_ticks(ax, s)
    ax.set_title(f"How the games ended: who held {s.objective} at the end\n(shares of each cell's games; no "
                 f"intervals drawn){fixed_title_line(s)}")
    handles, labels = ax.get_legend_handles_labels()  # (below the axes, as in the other plots; top segment first)
    fig.legend(handles[::-1], labels[::-1], loc="outside lower center", ncols=2, fontsize="x-small")
    save_figure(fig, path)


CAUSE_COLOURS = {"ambush": "#8e44ad", "artillery": "#7f8c8d", "drone": "#e67e22", "assault": "#6e4b3a",
                 "retreat": "#17a2b8", "surrender": "#e377c2", "air_defence": "#b7950b", "other": "#34495e"}
"""A colour per cause of loss (the engine's causes; another cause takes one of `CELL_COLOURS`), none of them the
attacker's red or the defender's blue of the other plots."""


def cause_name(cause: str) -> str:
    """A cause as the plot and caption write it: 'air defence' for column suffix `air_defence`."""
    return cause.replace("_", " ")


def causes_total_note(s: Summary) -> str:
    """What a side's bars of `plot_losses_by_cause` add up to: every step it lost, its drones shot down ('air
    defence') with its ground units', so more than the ground losses of `plot_losses` (an analyst's review: the
    caption said "its all-causes losses", and the all-causes plot, of ground units alone, drew less)."""
    if not s.ground_losses:
        return "a side's causes add up to its all-causes losses"
    return ("a side's causes add up to every step it lost, ground units' and drones' (steps_lost_<side>_total): "
            "the 'air defence' bars are drones shot down, which the ground-losses plot leaves out")


def causes_shown(s: Summary) -> list[str]:
    """The causes `plot_losses_by_cause` draws: those either side lost a step to in some cell (a cause with no
    losses anywhere would only add empty bar slots; the caption names them)."""
    return [cause for cause in s.loss_causes
            if any(sum(c.losses_by_cause.get(side, {}).get(cause, [])) for c in s.cells for side in c.losses_by_cause)]


@projected
def plot_losses_by_cause(s: Summary, path: Path) -> None:
    """Per cell, each side's mean steps lost to each cause (ambush, artillery, ...), with 95% intervals: a
    lesson's own measure ("steps lost to ambush") read off the plot rather than the results file."""
    import matplotlib.pyplot as plt

    causes = causes_shown(s)
    sides = [side for side in ("attacker", "defender") if any(side in c.losses_by_cause for c in s.cells)]
    fig, axes = plt.subplots(len(sides), 1, figsize=(bar_plot_width(s), 1.9 + 2.7 * len(sides)), sharex=True,
                             sharey=True, squeeze=False, layout="constrained")  # one scale: the sides compare
    w = min(0.3, 0.8 / max(1, len(causes)))  # (a few causes: bars no wider than the two of the all-causes plot)
    values = len(causes) * len(s.cells) <= 16  # the means written over the bars while they fit
    palette = iter(CELL_COLOURS)
    colours = {cause: CAUSE_COLOURS.get(cause) or next(palette) for cause in causes}
    for ax, side in zip(axes[:, 0], sides, strict=True):
        for k, cause in enumerate(causes):
            drawn = [(x, c.losses_by_cause[side][cause]) for x, c in
                     zip(grouped_bar_x(len(s.cells), k, len(causes), w), s.cells, strict=True)
                     if cause in c.losses_by_cause.get(side, {})]
            if drawn:
                mean_bars(ax, [x for x, _ in drawn], [xs for _, xs in drawn], w, colours[cause], cause_name(cause),
                          "95% CI of the mean" if k == 0 else None, values)
        if not causes:
            ax.text(0.5, 0.5, "no steps lost in any cell", transform=ax.transAxes, ha="center", va="center",
                    color="grey")
        ax.set_title(f"{s.side(side)}", loc="left", fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].margins(y=0.12)
    axes[0, 0].set_ylim(bottom=0)  # (after all the panels' bars: the shared scale fits them all)
    fig.supylabel("strength steps lost per game (mean)", fontsize="medium")
    _cell_ticks(axes[-1, 0], s)
    air = ", ground units and drones" if s.ground_losses and "air_defence" in causes else ""
    fig.suptitle(f"Losses per side by cause{' and cell' if len(s.cells) > 1 else ''}{air}\n"
                 f"(error bars: 95% confidence interval of the mean, {T_BARS}){fixed_title_line(s)}")
    legend = {label: handle for ax in axes[:, 0] for handle, label in zip(*ax.get_legend_handles_labels(),
                                                                             strict=True)}
    if legend:  # each cause once (it has bars in both panels), the interval last
        legend["95% CI of the mean"] = legend.pop("95% CI of the mean")
        fig.legend(legend.values(), legend.keys(), loc="outside lower center",
                   ncols=min(len(legend), int(fig.get_figwidth() / 1.6)))
    save_figure(fig, path)


@projected
def plot_artillery_missions(s: Summary, path: Path) -> None:
    """Per cell, each side's mean artillery fire missions per game with the 95% interval of the mean, and inside
    each bar, hatched, those fired on suspected positions (where some side could fire them:
    `Summary.suspected_column`): what a sweep of the doctrine's `fire_on_suspected` changes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(bar_plot_width(s), 5.6), layout="constrained")
    w = 0.38
    suspected = s.suspected_column
    handles = []
    top = 1.0
    for k, (side, colour) in enumerate((("attacker", ATT_COLOUR), ("defender", DEF_COLOUR))):
        xs = grouped_bar_x(len(s.cells), k, 2, w)
        alls = [mean_interval(c.missions["artillery_missions"][side]) for c in s.cells]
        ax.bar(xs, [m for m, _, _ in alls], w, color=colour, alpha=0.85)
        ax.errorbar(xs, [m for m, _, _ in alls], yerr=[[m - lo for m, lo, _ in alls], [hi - m for m, _, hi in alls]],
                    fmt="none", ecolor="black", capsize=4, lw=1)
        handles.append(Patch(facecolor=colour, alpha=0.85, label=f"{s.side(side)}: all missions"))
        top = max(top, *(hi for _, _, hi in alls))
        for x, c, (m, _, hi) in zip(xs, s.cells, alls, strict=True):
            label = f"{m:.1f}"
            if suspected and s.suspected_off(c, side):
                label += "\nsusp. off"
            elif suspected:
                sm, slo, shi = mean_interval(c.missions["suspected_fire_missions"][side])
                ax.bar([x], [sm], w * 0.6, color="white", alpha=0.55, hatch="//", edgecolor="black", lw=0.6)
                ax.errorbar([x], [sm], yerr=[[sm - slo], [shi - sm]], fmt="none", ecolor="dimgray", capsize=3, lw=0.9)
                label += f"\n({sm:.1f} susp.)"
            ax.annotate(label, (x, hi), textcoords="offset points", xytext=(0, 2), ha="center", va="bottom",
                        fontsize="x-small")
    if suspected:
        handles.append(Patch(facecolor="white", hatch="//", edgecolor="black", label="of which on suspected positions"))
    ax.set_ylabel("artillery fire missions per game (mean)")
    _cell_ticks(ax, s)
    ax.set_ylim(0, top * 1.2)  # (room for the means written over the bars)
    ax.set_title(f"Artillery fire missions per side{' by cell' if len(s.cells) > 1 else ''}\n(error bars: 95% "
                 f"confidence interval of the mean, {T_BARS}){fixed_title_line(s)}")
    fig.legend(handles=handles, loc="outside lower center", ncols=2)  # (three ran off the figure's edges)
    ax.grid(axis="y", alpha=0.3)
    save_figure(fig, path)


CELL_COLOURS = ("#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#7f7f7f", "#000000", "#b7950b", "#8e44ad")
"""The cells' colours in per-cell plots: Okabe and Ito's colour-blind-safe orange, bluish green, reddish purple and
sky blue first, then grey, black, ochre and purple; never the sides' red and blue (an acceptance test read the first
two cells' lines as the attacker and the defender)."""
CELL_LINES = ("-", "--", ":", "-.")
CELL_MARKERS = ("o", "s", "^", "D")


def cell_line_style(k: int) -> tuple[str, str, str]:
    """(colour, line style, marker) of the k-th line of a per-cell line plot: the colours repeat after
    `len(CELL_COLOURS)` cells, so the line style and marker change with each round of them (cells 0 and 8 must
    not be drawn alike).

    >>> cell_line_style(0), cell_line_style(8)
    (('#e69f00', '-', 'o'), ('#e69f00', '--', 's'))
    """
    round_ = k // len(CELL_COLOURS)
    return (CELL_COLOURS[k % len(CELL_COLOURS)], CELL_LINES[round_ % len(CELL_LINES)],
            CELL_MARKERS[round_ % len(CELL_MARKERS)])


def _turn_axis(ax: Any, s: Summary, last: int) -> None:
    """The turn axis of the objective-by-turn plot: ticks from turn 1 every few turns, the last one moved to the
    last turn (Shusha's 26 turns had ticks up to 25, and the end of the game, where the table's fall and the win
    rate are read, went unlabelled: an analyst's review)."""
    ax.set_xlim(0.5, last + 0.5)
    step = max(1, round(last / 9))
    ticks = list(range(1, last + 1, step))
    if len(ticks) > 1:
        ticks[-1] = last
    ax.set_xticks(ticks)
    if s.turn_date(1):
        ax.set_xticklabels([f"{t}\n{s.turn_date(t)[:6]}" for t in ticks], fontsize="x-small")
    hours = s.meta.get("turn_hours")
    ax.set_xlabel(f"turn ({hours}-hour turns; date the turn starts)" if hours else "turn", fontsize="small")


OBJECTIVE_PLOT_WIDTH_IN = 12.0
"""Width of the objective-by-turn plot (inches): two panels side by side."""


def legend_labels(s: Summary, fig_width: float, ncols: int) -> tuple[list[str], int]:
    """The line plots' legend entries, one per cell with per-turn data ("0: weather=fog (n=50)"), each wrapped to
    the room one of `ncols` legend columns has across a figure `fig_width` inches wide (a whole label ran off
    both sides of the figure, hiding which line is which cell), never cut short; and how many lines the
    wrapping added to the legend (the figure grows by them, so the panels keep their height)."""
    room = fig_width / ncols - 0.6  # inches of text per column (the line's handle and the padding take the rest)
    width = max(16, int(room * 72 / (0.6 * LEGEND_FONT_PT)))
    cells = [c for c in s.cells if c.by_turn is not None]
    labels = [wrap_label(f"{cell_name(s, c)}" + (f" = {c.label}" if c.name else "") + f" (n={c.n})", width,
                         max_lines=99) for c in cells]  # (a name with the sweep values it stands for)
    rows = [labels[i:i + ncols] for i in range(0, len(labels), ncols)]
    return labels, sum(max(label.count("\n") for label in row) for row in rows)


MAX_BANDS = 3
"""The objective-by-turn plot draws its interval bands for up to this many cells: six overlapping bands made one
grey block (an analyst's review); with more, the lines alone, and the fall's intervals are in report.md."""
LINE_OFFSET_PT = 1.6
"""Points between the lines of cells with one and the same curve on the objective-by-turn plot, so that equal
curves show side by side instead of one hiding the others (other lines are not shifted)."""


def _end_labels(ax: Any, ends: list[tuple[float, float, str, str]]) -> None:
    """Each cell's number just right of the axes, level with its line's last point (a line that ends before the
    last turn, in a sweep over `turns`, is pointed at where it ends); cells ending at one point share a label
    ("1, 5") and labels close together are pushed apart, so every cell can be found."""
    groups: dict[tuple[float, float], list[tuple[str, str]]] = {}
    for t, y, cell, colour in ends:
        groups.setdefault((round(y, 6), t), []).append((cell, colour))
    x = max(t for t, _, _, _ in ends)
    placed: list[float] = []
    low, high = ax.get_ylim()
    gap = 0.045 * (high - low)
    for y, t in sorted(groups):
        at = max(y, placed[-1] + gap) if placed else y
        placed.append(at)
        cells = groups[y, t]
        ax.annotate(", ".join(cell for cell, _ in cells), (t, y), xytext=(x + 0.7, at), textcoords="data",
                    fontsize="x-small", va="center", ha="left", annotation_clip=False,
                    color=cells[0][1] if len(cells) == 1 else "black",
                    arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.5} if (at, t) != (y, x) else None)


def all_hexes(total: int) -> str:
    """"all 7 hexes", or "the one hex" of a one-hex objective (a lesson's plot read "all 1 hexes of Dashkend").

    >>> all_hexes(7), all_hexes(1)
    ('all 7 hexes', 'the one hex')
    """
    return f"all {total} hexes" if total != 1 else "the one hex"


@projected
def plot_objective_by_turn(s: Summary, path: Path) -> None:
    """Per cell, by turn: the share of games in which the attacker had held the whole objective (a cumulative
    capture curve, 95% Wilson band) and the mean objective hexes it held (95% interval of the mean)."""
    import matplotlib.pyplot as plt

    cells = [c for c in s.cells if c.by_turn is not None]
    ncols = min(3, len(cells))
    labels, extra_lines = legend_labels(s, OBJECTIVE_PLOT_WIDTH_IN, ncols)
    fig, (left, right) = plt.subplots(1, 2, figsize=(OBJECTIVE_PLOT_WIDTH_IN, 5.6 + KEY_LINE_IN * extra_lines),
                                      layout="constrained")
    from matplotlib.transforms import offset_copy

    total = max(c.by_turn.total_hexes for c in cells)  # type: ignore[union-attr]
    last = max(c.by_turn.turns[-1] for c in cells)  # type: ignore[union-attr]
    bands = len(cells) <= MAX_BANDS
    ends: list[tuple[float, float, str, str]] = []  # (turn, share, cell number, colour) at each line's end
    curves: list[tuple[Any, ...]] = []  # (each cell's curve on the left, once)
    for c in cells:
        ts = c.by_turn
        assert ts is not None
        curves.append((tuple(ts.turns), tuple(ts.held_by), ts.n))
    same: dict[tuple[Any, ...], list[int]] = {}  # (cells whose curves are one and the same)
    for k, curve in enumerate(curves):
        same.setdefault(curve, []).append(k)
    for k, c in enumerate(cells):
        ts = c.by_turn
        assert ts is not None
        colour, ls, marker = cell_line_style(k)
        # a line shifted a little up or down (points, not data) only where it is another cell's very curve: equal
        # curves, drawn side by side, each stay visible (identical curves hid each other: an analyst's review),
        # and every other line is where its numbers are (shifted too, they read 2 points off the table: an analyst)
        group = same[curves[k]]
        shift = LINE_OFFSET_PT * (group.index(k) - (len(group) - 1) / 2)
        # (the left panel's only: on the right's scale of hexes the shift drew cells 0.1 hex above or below their
        # means, more than the gap between two of them, and below 0 where every game held nothing: an analyst)
        moved = {left: offset_copy(left.transData, fig=fig, x=0, y=shift, units="points")}
        share = [100 * h / ts.n if ts.n else 0.0 for h in ts.held_by]
        lo = [100 * ts.held_ci(i)[0] for i in range(len(ts.turns))]
        hi = [100 * ts.held_ci(i)[1] for i in range(len(ts.turns))]
        label = labels[k]
        every = max(1, len(ts.turns) // 8)  # (the cell's marker every few turns, staggered between cells)
        left.step(ts.turns, share, where="mid", color=colour, ls=ls, lw=2, label=label, transform=moved[left],
                  marker=marker, ms=4, markevery=(k % every, every))
        ends.append((ts.turns[-1], share[-1], str(c.cell), colour))
        if bands:  # (six overlapping bands made a grey block: lighter, and none beyond `MAX_BANDS` cells)
            left.fill_between(ts.turns, lo, hi, step="mid", color=colour, alpha=0.08, lw=0)
        # (a mean of hexes held lies in 0..total: a few games' t band, wider than that, is cut to it)
        lo_h = [max(0.0, m - e) for m, e in zip(ts.mean_hexes, ts.ci_hexes, strict=True)]
        hi_h = [min(float(ts.total_hexes), m + e) for m, e in zip(ts.mean_hexes, ts.ci_hexes, strict=True)]
        right.plot(ts.turns, ts.mean_hexes, color=colour, ls=ls, lw=2, marker=marker, ms=3,
                   markevery=(k % every, every))
        if bands:
            right.fill_between(ts.turns, lo_h, hi_h, color=colour, alpha=0.08, lw=0)
        if ts.turns[-1] < last:  # (a shorter cell of a sweep over turns: its lines stop, and the stop is marked)
            for ax in (left, right):
                ax.axvline(ts.turns[-1] + 0.5, color=colour, ls="-.", lw=1, alpha=0.8)
    left.set_ylim(-2.5, 102.5)  # (room for the lines shifted below 0 and above 100)
    left.set_yticks(range(0, 101, 20))

    _end_labels(left, ends)
    left.set_ylabel(f"games: attacker had held all of {s.objective} (%)")
    left.set_title(f"Share of games in which the attacker had held {all_hexes(total)} of {s.objective}\n"
                   "at the end of some turn so far " + ("(band: 95% Wilson score interval)" if bands else
                                                        f"(no bands: more than {MAX_BANDS} cells)"),
                   fontsize="medium")
    right.axhline(total, color="grey", ls="--", lw=1)
    right.annotate(all_hexes(total), (0.6, total), textcoords="offset points", xytext=(2, -13),
                   fontsize="x-small", color="grey")
    right.set_ylim(-0.025 * total * 1.08, total * 1.08 + 0.1)
    right.set_yticks(range(0, total + 1, max(1, total // 7)))
    right.set_ylabel(f"{s.objective} hexes held by the attacker (mean)")
    right.set_title(f"Mean {s.objective} hexes held by the attacker at each turn's end\n"
                    + (f"(band: 95% confidence interval of the mean,\n{T_BARS}, within 0 to {total})" if bands
                       else f"(no bands: more than {MAX_BANDS} cells)"), fontsize="medium")
    for ax in (left, right):
        _turn_axis(ax, s, last)
        ax.grid(alpha=0.3)
    if s.fixed:
        fig.suptitle(fixed_title_line(s).strip(), fontsize="medium")
    ends_note = ("; each line stops at its cell's last turn (dash-dotted mark)"
                 if any(c.by_turn and c.by_turn.turns[-1] < last for c in cells) else "")
    # (the shift said on the plot itself, not only in the caption: a reader took a line under 0% as data)
    most = max(len(g) for g in same.values())
    shifted = (f"\nleft: cells with the same curve drawn up to ±{LINE_OFFSET_PT * (most - 1) / 2:.1f} pt apart, so "
               "that each shows (a line just under 0% is at 0%)" if most > 1 else "")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=ncols,
               title=f"cell (n = games; a game that ended earlier counts with its final state{ends_note}){shifted}")
    save_figure(fig, path)


PLOTS = (("win_rate.png", plot_win_rate), ("capture_turn.png", plot_capture_turns),
         ("losses.png", plot_losses))
CAUSE_PLOTS = (("losses_by_cause.png", plot_losses_by_cause),)
"""Plots of the `losses_<side>_<cause>` columns: drawn when the results file has them."""
MISSION_PLOTS = (("artillery_missions.png", plot_artillery_missions),)
"""Plots of the artillery columns: drawn when some side could fire on suspected positions, or did
(`Summary.suspected_column`: what the plot is for; the table has the missions in every report)."""
OUTCOME_PLOTS = (("outcomes.png", plot_outcomes),)
"""Plots of the `outcome` column: drawn when the results file has it."""
TURN_PLOTS = (("objective_by_turn.png", plot_objective_by_turn),)
"""Plots of the per-turn file (`wargame batch --turns`): drawn when the batch has one."""


def _causes_caption(s: Summary) -> str:
    shown = causes_shown(s)
    unused = [cause_name(c) for c in s.loss_causes if c not in shown]
    text = (f"Causes drawn: {', '.join(map(cause_name, shown))}." if shown else "No steps were lost in any cell.")
    if unused:
        text += f" No steps lost to {', '.join(unused)} in any cell (not drawn)."
    missing = [side for side in ("attacker", "defender") if not any(side in c.losses_by_cause for c in s.cells)]
    if missing:
        text += f" The results file has no losses by cause for the {' and the '.join(missing)}."
    return text


def _missions_caption(s: Summary) -> str:
    """What the artillery plot says of the missions on suspected positions: drawn, off, unknown or not recorded."""
    if s.suspected_column:
        return ("Hatched, inside each bar: those fired on a suspected position (a last-seen mark with no enemy seen "
                "there; suspected_fire_missions_<side>), with their own interval (grey); 'susp. off': that side "
                "could not fire on suspected positions in the cell's games."
                + (f" Whether a side could is not known here ({s.suspected_why}): none is marked off."
                   if s.suspected_why else ""))
    if not s.has_suspected:
        return "The results file does not record missions on suspected positions (written before engine 0.18.0)."
    if s.suspected_none:
        return (f"No mission was fired on a suspected position in any game (whether the rule was in play is not "
                f"known here: {s.suspected_why}).")
    return ("Fire on suspected positions was off in every game (the scenario's combat.suspected_fire false, or no "
            "side's agent using it: the doctrine's fire_on_suspected false): none of these missions was on one.")


def figure_caption(s: Summary, name: str) -> str:
    """What a plot of `PLOTS` (and the optional plots) shows, over how many games, what its intervals mean and,
    when a plot calls cells by names or abbreviations, each cell's full sweep values (the HTML caption)."""
    n = games_per_cell(s)
    order = f" {cell_order_note(s, vs_cell0=False).capitalize()}." if len(s.cells) > 1 else ""
    fixed = fixed_label(s)
    key = (f" {cell_key(s)}" if cell_key(s) else "") + (f" {cell_list(s)}" if cell_list(s) else "") + \
        (f" Fixed {'in every cell' if len(s.cells) > 1 else 'in every game'}: {fixed}." if fixed else "")
    if name == "win_rate.png":
        return (f"Share of games the {s.side('attacker')} won, per cell ({n}; n under each bar). Error bars: "
                "95% Wilson score interval of the win rate: the uncertainty from playing a finite number of "
                f"seeds, not of the model itself. {MODEL_RATE_NOTE}{order}{key}")
    if name == "capture_turn.png":
        fell = "; ".join((f"cell {c.cell}: " if len(s.cells) > 1 else "") + f"{len(c.capture_turns)} of {c.n}"
                         for c in s.cells)
        return (f"Turn on which {s.objective} fell (the turn the attacker's final hold began), one histogram per "
                f"cell ({n}). Only games in which it fell are counted ({fell}); the dashed line is their median "
                "turn, a median conditional on the capture: between cells with different win rates it compares "
                f"different sets of games. No intervals are drawn.{_last_turns_caption(s)}{key}")
    if name == "objective_by_turn.png":
        tp = s.turns_path.name if s.turns_path else "the per-turn file"
        total = max((c.by_turn.total_hexes for c in s.cells if c.by_turn), default=0)
        if sum(1 for c in s.cells if c.by_turn) <= MAX_BANDS:
            bands = ("; band: 95% Wilson score interval", "; band: 95% confidence interval of the mean "
                     f"({T_CAPTION}; cut to 0 to {total} hexes)")
        else:
            bands = (f"; no interval bands with more than {MAX_BANDS} cells (they overlapped into one block): the "
                     "table's 'fallen by turn T' gives the share's 95% interval at its checkpoint turns", "")
        return (f"The objective turn by turn, one line per cell ({n}; n in the legend), from {tp}. Left: share of "
                f"games in which the attacker had held {all_hexes(total)} of {s.objective} at the end of some turn "
                "up to this one (a cumulative capture curve: it counts a hold that was lost again, unlike the "
                f"capture-turn histogram){bands[0]}. Right: mean number of objective hexes the attacker held at the "
                f"end of each turn{bands[1]}. A game that ended before a turn counts with the state it ended in, so "
                "every point rests on all the cell's games. On the left, cells with one and the same curve are drawn "
                "a point or two apart, so that each shows (a line drawn just under 0% is at 0%; other lines are "
                "where their numbers are), and the cell numbers at its right mark where each line ends (cells "
                "ending at the same share share a label); the right panel draws the means where they are, each cell's "
                "markers on different turns."
                f"{_turn_lines_end_caption(s)}{key}")
    if name == "losses.png":
        if s.ground_losses:
            drones = "; ".join((f"cell {c.cell}: " if len(s.cells) > 1 else "")
                               + ", ".join(f"{side} {mean(c.air_steps_lost[side]):.2f}"  # type: ignore[index]
                                           for side in ("attacker", "defender")) for c in s.cells)
            what = (f"Mean strength steps lost per game by each side's ground units, all causes, per cell ({n}; n "
                    "under each pair of bars). Drones shot down are not casualties of the ground battle and are not "
                    f"counted (mean drone steps lost per game: {drones}; the results' steps_lost_<side>_air, and "
                    "steps_lost_<side>_total with both).")
        else:
            what = (f"Mean strength steps lost per game by each side, all causes, per cell ({n}; n under each pair "
                    "of bars); this results file does not split ground units from drones (written by an older "
                    "wargame), so drones shot down are counted too.")
        return (f"{what} Error bars: 95% confidence interval of the mean ({T_CAPTION}; summary.csv has each "
                f"mean's sd and se).{order}{key}")
    if name == "outcomes.png":
        near = " ".join(near_miss_lines(s))
        return (f"How each game ended, per cell ({n}; n under each bar): the attacker's wins split into "
                f"sudden-death captures (the whole of {s.objective} held at a turn's end with no defender within the "
                "contest radius) and holds of all of it at the end of the last turn; the defender's wins by the "
                f"hexes the attacker still held at the end. {near} Shares of the cell's games; no intervals are "
                f"drawn (the win-rate plot has them).{small_segments(s)}{order}{key}")
    if name == "artillery_missions.png":
        return (f"Mean artillery fire missions per game of each side, per cell ({n}; n under each pair of bars): "
                "every fire mission resolved, on seen units and on suspected positions (the results' "
                "artillery_missions_<side>). Error bars: 95% confidence interval of the mean "
                f"({T_CAPTION}; cut at 0; summary.csv has each mean's sd and se). {_missions_caption(s)}{order}{key}")
    if name == "losses_by_cause.png":
        return (f"Mean strength steps lost per game by each side to each cause, per cell ({n}; n under each group "
                f"of bars); {causes_total_note(s)}. Error bars: 95% confidence interval "
                f"of the mean ({T_CAPTION}; summary.csv has each mean's sd and se). "
                f"{_causes_caption(s)}{order}{key}")
    return f"{name} ({n}).{key}"


def _last_turns_caption(s: Summary) -> str:
    """For the capture-turn caption when the cells play different numbers of turns: each cell's last turn, marked
    on its panel (the turns after it greyed); "" when all play the same."""
    if not s.turns_vary:
        return ""
    return (" The cells play different numbers of turns: the dash-dotted line marks each cell's last turn and the "
            "greyed turns after it were not played (" + "; ".join(f"cell {c.cell}: {s.cell_turns(c)}"
                                                                for c in s.cells) + ").")


def _turn_lines_end_caption(s: Summary) -> str:
    """For the objective-by-turn caption when the cells' series end at different turns: where each stops (no
    game of a shorter cell reached the turns after its last, so its lines are not drawn on them)."""
    cells = [c for c in s.cells if c.by_turn is not None]
    ends = [c.by_turn.turns[-1] for c in cells]  # type: ignore[union-attr]
    if len(set(ends)) < 2:
        return ""
    return (" The cells play different numbers of turns: each cell's lines stop at its last turn, marked by a "
            "dash-dotted line in its colour, since none of its games reached the turns after it (" +
            "; ".join(f"cell {c.cell}: {e}" for c, e in zip(cells, ends, strict=True)) + "). A shorter game is "
            "not the longer one cut short: the doctrine AI plays its endgame over its last `endgame_turns` turns (8 "
            "unless set), so games on one seed part before the shorter one's last turn.")


def remove_stale_turn_plots(s: Summary, out_dir: Path) -> list[Path]:
    """When this batch has no per-turn data, remove the plots of `TURN_PLOTS` an earlier report left in
    `out_dir` (of another batch: they would sit next to this one's as if they were its); only those names.
    Returns the files removed."""
    if s.has_turns:
        return []
    removed = []
    for name, _ in TURN_PLOTS:
        p = out_dir / name
        if p.is_file():
            p.unlink()
            removed.append(p)
    return removed


def remove_stale_html(out_dir: Path) -> list[Path]:
    """A report written without --html: remove the `report.html` an earlier report left in `out_dir` (of
    another batch, or of this one before: it would sit next to this report's plots and summaries as if it were
    theirs); only that name. Returns the files removed."""
    p = out_dir / "report.html"
    if p.is_file():
        p.unlink()
        return [p]
    return []


def write_plots(s: Summary, out_dir: Path) -> list[Path]:
    """Write the plots of `PLOTS` (and `CAUSE_PLOTS`, with losses by cause, `MISSION_PLOTS`, with fire on
    suspected positions, and `TURN_PLOTS`, with per-turn data) in `out_dir`; an optional plot of an earlier
    report is removed when this batch has no data for it (it would sit next to this one's plots as if it were
    theirs). `write_outcome_plots` draws `OUTCOME_PLOTS`."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_turn_plots(s, out_dir)
    cause_plots = CAUSE_PLOTS if s.loss_causes else ()
    if not cause_plots:
        for name, _ in CAUSE_PLOTS:
            (out_dir / name).unlink(missing_ok=True)
    mission_plots = MISSION_PLOTS if s.suspected_column else ()
    if not mission_plots:
        for name, _ in MISSION_PLOTS:
            (out_dir / name).unlink(missing_ok=True)
    paths = []
    for name, fn in PLOTS + cause_plots + mission_plots + (TURN_PLOTS if s.has_turns else ()):
        p = out_dir / name
        fn(s, p)
        paths.append(p)
    return paths


def write_outcome_plots(s: Summary, out_dir: Path) -> list[Path]:
    """Write `OUTCOME_PLOTS` in `out_dir` when the results have the `outcome` column; otherwise remove the one an
    earlier report left there (of another batch: it would sit beside this one's plots as if it were theirs).
    `wargame report` lists it after the win rate."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fn in OUTCOME_PLOTS:
        p = out_dir / name
        if s.has_outcomes:
            fn(s, p)
            paths.append(p)
        else:
            p.unlink(missing_ok=True)
    return paths


@dataclass
class WrittenReport:
    """What `write_report` wrote in the report folder, in the order `wargame report` lists it."""

    pngs: list[Path]
    summary: list[Path]
    """summary.json, summary.csv and report.md."""
    html: Path | None
    stale_turn_plots: list[Path]
    """Per-turn plots of an earlier report removed (this batch has no per-turn file)."""
    old_html: list[Path]
    """An earlier report's report.html removed (this report written without --html)."""


REPORT_FILES = ("summary.json", "summary.csv", "report.md", "report.html",
                *(name for name, _ in PLOTS + CAUSE_PLOTS + MISSION_PLOTS + OUTCOME_PLOTS + TURN_PLOTS))
"""Every file a report may write in its folder: the ones this report does not write are an earlier report's."""


class ReportWriteError(ReportError):
    """The report could not be written (disk full, no permission); the message says what the folder holds."""


def write_report(s: Summary, out_dir: Path, with_html: bool = False) -> WrittenReport:
    """Write the whole report (plots, summaries, report.md, with `with_html` report.html) into `out_dir`, all or
    nothing: every file is first written into a temp folder inside `out_dir`, then moved in by renames (which
    need no space) and only then are the earlier report's files this one does not have removed. A failure
    while writing (a full disk) leaves `out_dir` as it was, an earlier report whole; `ReportWriteError` says
    so."""
    import shutil
    import tempfile

    out_dir = Path(out_dir)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".report-", suffix=".tmp", dir=out_dir))
    except OSError as e:
        raise ReportWriteError(f"cannot write report to {out_dir}: {e.strerror or e}") from None
    done = False
    try:
        try:
            pngs = write_plots(s, stage)
            pngs[1:1] = write_outcome_plots(s, stage)  # (after the win rate: how the wins and losses came)
            summary = [*write_summary(s, stage), write_markdown(s, stage, pngs)]
            page = stage / "report.html" if with_html else None
            if page is not None:
                write_html(s, pngs, page)
        except OSError as e:
            was = ("nothing was written" if created else
                   f"{out_dir} was left as it was (the earlier report's files, none of this one's)")
            raise ReportWriteError(f"cannot write report to {out_dir}: {e.strerror or e}; {was}") from None
        staged = [*pngs, *summary, *([page] if page is not None else [])]
        moved: list[str] = []
        try:
            for p in staged:
                os.replace(p, out_dir / p.name)
                moved.append(p.name)
        except OSError as e:
            rest = [p.name for p in staged if p.name not in moved]
            raise ReportWriteError(f"cannot write report to {out_dir}: {e.strerror or e}; these files are the new "
                                   f"report's: {', '.join(moved) or 'none'}; these are an earlier report's or "
                                   f"missing: {', '.join(rest)}") from None
        turn_names = {name for name, _ in TURN_PLOTS}
        stale_turn, old_html = [], []
        for name in REPORT_FILES:  # (the earlier report's files that this one does not have)
            p = out_dir / name
            if name in moved or not p.is_file():
                continue
            try:
                p.unlink()
            except OSError:
                continue
            if name in turn_names:
                stale_turn.append(p)
            elif name == "report.html":
                old_html.append(p)
        done = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if created and not done:
            try:
                out_dir.rmdir()  # (a folder made for a report that was not written)
            except OSError:
                pass
    final = {p: out_dir / p.name for p in staged}
    return WrittenReport([final[p] for p in pngs], [final[p] for p in summary],
                         final[page] if page is not None else None, stale_turn, old_html)


def write_html(s: Summary, pngs: list[Path], path: Path) -> None:
    from engine.fileio import atomic_write_text

    head, rows = table_rows(s)
    esc = html.escape
    welch = welch_note(s).replace(chr(39), "“", 1).replace(chr(39), "”", 1)
    many = f"; {MANY_CELLS_NOTE}" if len(s.cells) > 2 else ""
    compare = (f"; {cell_order_note(s)}: “wins vs {s.vs}” is the difference in attacker win rate (percentage "
               f"points) with Newcombe's 95% interval; {welch}{many}; {seeds_note(s)}" if len(s.cells) > 1 else "")
    if len(s.cells) > 1 and cells_paired(s):
        compare += f"; {PAIRED_NOTE}; {s.at_base(CAPTURE_VS_NOTE)}"
        if (pn := pairing_note(s)) is not None:
            compare += f"; {pn}"
    fixed = f"{fixed_note(s).capitalize()}. " if fixed_note(s) else ""
    t = ["<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        t.append("<tr>" + "".join(f"<td>{esc(x)}</td>" for x in r) + "</tr>")
    t.append("</tbody></table>")
    if s.has_outcomes:
        o_head, o_rows = outcome_rows(s)
        t.append(f"<h2>How the games ended ({esc(s.objective)})</h2><table><thead><tr>"
                 + "".join(f"<th>{esc(h)}</th>" for h in o_head) + "</tr></thead><tbody>")
        t += ["<tr>" + "".join(f"<td>{esc(x)}</td>" for x in r) + "</tr>" for r in o_rows]
        t.append(f"</tbody></table><p>{html_text(as_sentence(OUTCOME_NOTE))}</p>")
        t += [f"<p><strong>{html_text(line)}</strong></p>" for line in near_miss_lines(s)]
    if s.by:
        from engine.factor_effects import effect_rows, effects_notes, effects_title, factor_effects

        for fx in (factor_effects(s, k) for k in s.by):
            e_head, e_rows = effect_rows(fx)
            t.append(f"<h2>{esc(effects_title(fx))}</h2><table><thead><tr>"
                     + "".join(f"<th>{esc(h)}</th>" for h in e_head) + "</tr></thead><tbody>")
            t += ["<tr>" + "".join(f"<td>{esc(x)}</td>" for x in r) + "</tr>" for r in e_rows]
            t.append(f"</tbody></table><p>{html_text(as_sentence(effects_notes(fx)))}</p>")
    imgs = "".join(
        f'<figure><img alt="{esc(p.stem)}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode()}"><figcaption>{html_text(figure_caption(s, p.name))}'
        '</figcaption></figure>' for p in pngs)
    cmd = s.meta.get("command") or ""
    rerun = "".join(f"<li><code>{k}</code>: <code>{esc(cmd)}</code></li>" for k, cmd in rerun_commands(s))
    b = s.meta.get("batch", {})
    missions = "".join(f"; {n}" for n in missions_notes(s))
    folder = esc(run_folder(s))
    where = f" (run in <code>{folder}</code>)" if folder else ""
    rerun_where = f"; run in <code>{folder}</code>" if folder else ""
    warned = "".join(f'<p style="color:#a00"><strong>Warning:</strong> {html_text(as_sentence(w))}</p>\n'
                     for w in s.warnings)  # (report.md had them; the page, an analyst's first read, did not)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Batch report: {esc(s.meta.get('scenario_name') or s.path.name)}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}}
table{{border-collapse:collapse;font-size:14px}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}th{{background:#f3f3f3}}
img{{max-width:100%;border:1px solid #eee}}code{{background:#f6f6f6;padding:1px 3px}}
figure{{margin:1.5em 0}}figcaption{{font-size:14px;color:#444;max-width:900px;margin-top:.3em}}
</style></head><body>
<h1>Batch report: {esc(s.meta.get('scenario_name') or '')}</h1>
{warned}<p>{s.games} games in {len(s.cells)} cell(s) from <code>{esc(str(s.path))}</code>;
base seed {esc(str(b.get('seed', '?')))}; {html_text(provenance_text(s))}.
{html_text(fixed)}Win-rate intervals are 95% Wilson score intervals{html_text(compare)}. {html_text(MODEL_RATE_NOTE)}
{html_text(MEDIAN_NOTE)}; {html_text(table_notes(s))};
{html_text(GROUND_NOTE + "; " if s.ground_losses else "")}{html_text(grounded_note("“”"))}{html_text(missions)};
turns are {esc(str(s.meta.get('turn_hours', '?')))}-hour turns from
{esc(str(s.meta.get('start', '?')))}.</p>
{''.join(t)}
<h2>Plots</h2>{imgs}
<h2>Reproduce</h2>
<p>Command that made the data{where}:</p><pre>{esc(cmd) or '(not recorded)'}</pre>
<p>Re-run one game of a cell (S = the game's <code>seed</code> column{rerun_where}):</p><ul>{rerun}</ul>
</body></html>
"""
    atomic_write_text(path, page)


SUMMARY_FILES = ("summary.json", "summary.csv")
"""The machine-readable copies of the per-cell table that `wargame report` writes next to its plots."""


def loss_column(s: Summary, side: str) -> str:
    """The name of `side`'s casualties in the summary files (`CellStats.casualties`): `steps_lost_<side>_ground`,
    or `steps_lost_<side>` (every step, drones included) for a file without the ground/air split; one vocabulary
    for summary.csv and compare.csv (compare's `casualties_*` named neither)."""
    return f"steps_lost_{side}_ground" if s.ground_losses else f"steps_lost_{side}"


def cell_summaries(s: Summary) -> list[dict[str, Any]]:
    """The per-cell table as numbers (rates as fractions, nulls where the table shows "—"): one dict per cell,
    in the table's order; `wins_vs_cell0*` is the difference of win rates (fraction, Newcombe's 95% interval);
    `steps_lost_attacker_vs_cell0*` the difference of mean attacker steps lost (Welch's 95% interval); every
    `<x>_mean` comes with `<x>_sd` and `<x>_se` (the plots' error bars are mean ± t(0.975, n - 1) se);
    `losses_<side>_<cause>_mean` for each loss column the results file has (the losses-by-cause plot's bars);
    `fixed`, the overrides every cell plays with (`Summary.fixed`); `name`, the name the user gave the cell (or
    null)."""
    out = []
    base = s.base
    fixed = s.fixed
    for c in s.cells:
        lo, hi = c.win_ci
        d = dlo = dhi = None
        if len(s.cells) > 1 and c is not base and (unpaired := cell_difference(base, c, None)["win"]) is not None:
            d, dlo, dhi = unpaired  # (the unpaired difference for every cell; a paired one below where it pairs)
        welch = (welch_difference(base.steps_lost["attacker"], c.steps_lost["attacker"])
                 if len(s.cells) > 1 and c is not base else None)
        welch_def = (welch_difference(base.steps_lost["defender"], c.steps_lost["defender"])
                     if len(s.cells) > 1 and c is not base else None)
        weather = None if not c.weather_grounded or not c.turns_played else c.weather_grounded
        out.append({
            "cell": c.cell, "label": c.label, "name": c.name or None, "params": c.params, "fixed": fixed,
            "games": c.n, "attacker_wins": c.attacker_wins, "defender_wins": c.defender_wins,
            "attacker_win_rate": c.win_rate if c.decided else None, "win_ci": [lo, hi] if c.decided else None,
            **({"unknown_winner_games": sum(c.unknown_winners.values())} if c.unknown_winners else {}),
            "wins_vs_cell0": d, "wins_vs_cell0_ci": None if d is None else [dlo, dhi],
            "objective_entered_share": None if c.entered is None or not c.n else c.entered / c.n,
            "capture_turn_median": median(c.capture_turns), "captures": len(c.capture_turns),
            **fallen_summary(s, c),
            "road_cut_share": c.road_cut_rate, "road_cut_turn_median": median(c.road_cut_turns),
            "road_cuts": len(c.road_cut_turns),
            "road_cut_where": None if c.cut_places is None else dict(sorted(c.cut_places.items(),
                                                                            key=lambda kv: (-kv[1], kv[0]))),
            "road_cut_near_objective_share": None if c.near_cut_turns is None or not c.n
            else len(c.near_cut_turns) / c.n,
            "road_cut_near_objective_turn_median": None if c.near_cut_turns is None else median(c.near_cut_turns),
            "road_cuts_near_objective": None if c.near_cut_turns is None else len(c.near_cut_turns),
            **mean_stats("steps_lost_attacker", c.steps_lost["attacker"]),
            **mean_stats("steps_lost_defender", c.steps_lost["defender"]),
            "steps_lost_attacker_vs_cell0": None if welch is None else welch[0],
            "steps_lost_attacker_vs_cell0_ci": None if welch is None else [welch[1], welch[2]],
            # (the defender's beside the attacker's: a sweep of the defender's drones or guns is about what the
            # defender loses as much: an analyst's review)
            "steps_lost_defender_vs_cell0": None if welch_def is None else welch_def[0],
            "steps_lost_defender_vs_cell0_ci": None if welch_def is None else [welch_def[1], welch_def[2]],
            **_domain_summary(s, c),
            **_outcome_summary(c),
            **mean_stats("attacker_drone_sorties_flown", c.sorties_flown),
            **mean_stats("attacker_drone_sorties_grounded", c.sorties_grounded),
            **(mean_stats("weather_grounded_turns", weather) if weather else
               dict.fromkeys(mean_stats("weather_grounded_turns", []))),
            **(mean_stats("turns_played", c.turns_played) if c.turns_played else
               dict.fromkeys(mean_stats("turns_played", []))),
            **{k: v for side, by_cause in c.losses_by_cause.items() for cause, lost in by_cause.items()
               for k, v in mean_stats(f"losses_{side}_{cause}", lost).items()},
            "run_options": c.run_options,
        })
    paired = cells_paired(s) if len(s.cells) > 1 else {}
    if paired:  # (the keys only where some cell pairs with cell 0: a `wargame batch` file's summary is unchanged)
        att, dfd = loss_column(s, "attacker"), loss_column(s, "defender")
        for c, d in zip(s.cells, out, strict=True):
            pairs = paired.get(c.cell)
            diff = cell_difference(base, c, pairs) if pairs else None
            win = diff["win"] if diff else None
            loss = diff["attacker"] if diff else None
            loss_def = diff["defender"] if diff else None
            capture, n_capture = (diff["capture"], diff["capture_n"]) if diff else (None, 0)
            d.update({"paired_vs_cell0": pairs is not None, "paired_games": len(pairs) if pairs else 0,
                      "wins_vs_cell0_paired": None if win is None else win[0],
                      "wins_vs_cell0_paired_ci": None if win is None else [win[1], win[2]],
                      f"{att}_vs_cell0_paired": None if loss is None else loss[0],
                      f"{att}_vs_cell0_paired_ci": None if loss is None else [loss[1], loss[2]],
                      f"{dfd}_vs_cell0_paired": None if loss_def is None else loss_def[0],
                      f"{dfd}_vs_cell0_paired_ci": None if loss_def is None else [loss_def[1], loss_def[2]],
                      "capture_turn_vs_cell0_paired": None if capture is None else capture[0],
                      "capture_turn_vs_cell0_paired_ci": None if capture is None else [capture[1], capture[2]],
                      "capture_turn_pairs": n_capture})
    if s.has_missions:  # (last: the columns of a file without them keep their places)
        for c, d in zip(s.cells, out, strict=True):
            d.update(_missions_summary(s, c, paired.get(c.cell), bool(paired)))
    return [{s.at_base(k): v for k, v in d.items()} for d in out]  # (`vs_cell0` keys named for the baseline)


def _missions_summary(s: Summary, c: CellStats, pairs: list[tuple[GameRow, GameRow]] | None,
                      any_paired: bool = False) -> dict[str, Any]:
    """`<counter>_<side>_mean` (with sd, se and `_ci`, the 95% Student-t interval cut at 0) for each of
    `MISSION_COUNTERS` the file has (null for the missions on suspected positions of a side that could not fire
    them: `Summary.suspected_off`), `suspected_fire_sides` (could each side fire on a suspected position: null
    when not known), and `<counter>_<side>_vs_cell0` with `_ci`: the difference from cell 0 by Welch's interval,
    and where the cell pairs with cell 0 (`paired_vs_cell0`) `_vs_cell0_paired` with `_ci` by paired t; null for
    cell 0. As for the win rate and the losses, a plain `_vs_cell0_ci` is always the unpaired interval (the
    missions' was the paired one where cells paired, the win rate's not: an analyst's review)."""
    out: dict[str, Any] = {}
    for n, by_side in c.missions.items():
        for side, xs in by_side.items():
            if n == "suspected_fire_missions" and s.suspected_off(c, side):  # (null, as the table's "off": not a 0)
                out.update(dict.fromkeys(mean_stats(f"{n}_{side}", xs)))
                out[f"{n}_{side}_ci"] = None
                continue
            out.update(mean_stats(f"{n}_{side}", xs))
            out[f"{n}_{side}_ci"] = list(mean_interval(xs)[1:]) if len(xs) > 1 else None  # (as _sd: none of 1)
    if s.has_suspected:
        out["suspected_fire_sides"] = c.suspected_sides
    base = s.base
    diff = cell_difference(base, c, None)["missions"] if c is not base else {}
    paired = cell_difference(base, c, pairs)["missions"] if c is not base and pairs else None
    for n, by_side in c.missions.items():
        for side in by_side:
            # (null where either cell's mean is null, the rule off: "0.0 [0, 0]" beside a blank mean read as a
            # measured no-difference: an analyst's review)
            off = n == "suspected_fire_missions" and (s.suspected_off(c, side) or s.suspected_off(base, side))
            for tail, source in (("", diff), ("_paired", paired)):
                if tail and not any_paired:
                    continue  # (the paired keys only in a file whose cells pair, as the win rate's)
                got = None if off or source is None else source.get(f"{n}_{side}")
                out[f"{n}_{side}_vs_cell0{tail}"] = None if got is None else got[0]
                out[f"{n}_{side}_vs_cell0{tail}_ci"] = None if got is None else [got[1], got[2]]
    return out


def fallen_summary(s: Summary, c: CellStats) -> dict[str, Any]:
    """`fallen_by_turn_<T>` (share of all the cell's games with the objective taken by the end of turn T) and its
    Wilson interval `_ci`, for each checkpoint (`Summary.fallen_turns`); and `capture_turn_median_all_games`, the
    median capture turn over all games with a game never taken counted as after the last turn (None when half or
    more were never taken: `capture_turn_median_all_games_after_last` is then true)."""
    out: dict[str, Any] = {}
    for t in s.fallen_turns:
        share = s.fallen_share(c, t)
        out[f"fallen_by_turn_{t}"] = share
        out[f"fallen_by_turn_{t}_ci"] = None if share is None else list(wilson(c.fallen_by(t), c.n))
    ranked = sorted(c.capture_turns) + [math.inf] * (c.n - len(c.capture_turns))
    med = median(ranked) if ranked else None
    after = med is not None and (math.isinf(med) or math.isnan(med))
    out["capture_turn_median_all_games"] = None if med is None or after else med
    out["capture_turn_median_all_games_after_last"] = bool(after)
    return out


def _domain_summary(s: Summary, c: CellStats) -> dict[str, Any]:
    """`steps_lost_<side>_ground_*` and `_air_*` means (with sd and se) and the Welch difference of each side's
    ground losses from cell 0 (the attacker's is what the table shows), for a file with the ground/air split; {}
    without it."""
    if c.ground_steps_lost is None or c.air_steps_lost is None:
        return {}
    out: dict[str, Any] = {}
    for side in ("attacker", "defender"):
        lost = c.ground_steps_lost[side]
        out.update(mean_stats(f"steps_lost_{side}_ground", lost))
        # (the interval the table's missions had and its losses did not: an analyst)
        out[f"steps_lost_{side}_ground_ci"] = list(mean_interval(lost)[1:]) if len(lost) > 1 else None
        out.update(mean_stats(f"steps_lost_{side}_air", c.air_steps_lost[side]))
        ground = c.start_of(side)  # (the scale: the share of its ground steps a side lost)
        out[f"start_steps_{side}_ground"] = ground
        out[f"steps_lost_{side}_ground_share"] = (out[f"steps_lost_{side}_ground_mean"] / ground
                                                  if ground else None)
    base = s.base
    diff = cell_difference(base, c, None) if len(s.cells) > 1 and c is not base and s.ground_losses else None
    for side in ("attacker", "defender"):
        welch = None if diff is None else diff[side]
        out[f"steps_lost_{side}_ground_vs_cell0"] = None if welch is None else welch[0]
        out[f"steps_lost_{side}_ground_vs_cell0_ci"] = None if welch is None else [welch[1], welch[2]]
    return out


def _outcome_summary(c: CellStats) -> dict[str, Any]:
    """`outcome_<name>` (games of each `engine.rules.OUTCOMES`), `near_misses` and `near_miss_share` (of the
    defender wins), `defender_wins_by_attacker_hexes` ({hexes held at the end: games}); {} for a file without the
    `outcome` column."""
    if c.outcomes is None:
        return {}
    near = c.near_misses
    counts: dict[str, int] = {}
    for h in sorted(c.defender_win_hexes, reverse=True):
        counts[str(h)] = counts.get(str(h), 0) + 1
    return {**{f"outcome_{k}": c.outcomes.get(k, 0) for k in OUTCOME_NAMES},
            "near_misses": near, "near_miss_share": near / c.defender_wins if near is not None and c.defender_wins
            else None, "objective_hexes_total": c.objective_total, "defender_wins_by_attacker_hexes": counts}


WELCH_INTERVAL = "95% Welch interval (unequal variances, Welch-Satterthwaite degrees of freedom)"


def summary_intervals(s: Summary) -> dict[str, str]:
    """summary.json's "intervals": each interval key of `cell_summaries` as this file has it, named as it is (it
    named `steps_lost_attacker_vs_cell0_ci`, every step, beside a table of ground steps: an analyst's review).
    The paired keys are there only where cells pair with cell 0 (`cells_paired`)."""
    att, dfd = loss_column(s, "attacker"), loss_column(s, "defender")
    shown = "ground steps lost" if s.ground_losses else "steps lost"
    pairs_any = len(s.cells) > 1 and bool(cells_paired(s))
    out = {"win_ci": "95% Wilson score interval",
           "wins_vs_cell0_ci": "95% Newcombe interval (from the two Wilson intervals) of the difference of attacker "
                               "win rates from cell 0's (fraction)",
           f"{att}_vs_cell0_ci": f"{WELCH_INTERVAL} of the difference of the attacker's mean {shown} per game from "
                                 f"cell 0's (the table's 'att. {shown} vs cell 0'"
                                 + (", where not marked 'paired')" if unpaired_only(s) else ")"),
           f"{dfd}_vs_cell0_ci": f"{WELCH_INTERVAL} of the difference of the defender's mean {shown} per game from "
                                 "cell 0's (not in the table: its counterpart of the attacker's)"}
    if s.ground_losses:
        out["steps_lost_attacker_vs_cell0_ci"] = (f"{WELCH_INTERVAL} of the difference of the attacker's mean steps "
                                                  "lost per game from cell 0's over every step, drones shot down "
                                                  "included (of steps_lost_attacker_mean): not in the table")
        out["steps_lost_defender_vs_cell0_ci"] = (f"{WELCH_INTERVAL} of the difference of the defender's mean steps "
                                                  "lost per game from cell 0's over every step, drones shot down "
                                                  "included (of steps_lost_defender_mean): not in the table")
    if s.ground_losses:
        out["steps_lost_<side>_ground_ci"] = ("95% interval of the mean ground steps lost per game (Student's t, mean "
                                              "± t(0.975, n - 1) se), cut at 0")
    out["fallen_by_turn_<T>_ci"] = "95% Wilson score interval"
    if pairs_any:
        for key in ("wins_vs_cell0_paired_ci", f"{att}_vs_cell0_paired_ci", f"{dfd}_vs_cell0_paired_ci",
                    "capture_turn_vs_cell0_paired_ci"):
            out[key] = "paired 95% interval (see 'paired')"
    if s.has_missions:
        names = [f"{n}_<side>" for n in MISSION_COUNTERS if n in s.cells[0].missions]
        for name in names:
            out[f"{name}_ci"] = "95% interval of the mean per game (Student's t, mean ± t(0.975, n - 1) se), cut at 0"
        for name in names:
            out[f"{name}_vs_cell0_ci"] = f"{WELCH_INTERVAL} of the difference of the mean per game from cell 0's"
            if pairs_any:
                out[f"{name}_vs_cell0_paired_ci"] = ("paired t interval, t(0.975, pairs - 1), of the difference of "
                                                     "the mean per game from cell 0's, where paired_vs_cell0")
    if pairs_any:
        out["_vs_cell0_ci, _vs_cell0_paired_ci"] = ("every plain _vs_cell0_ci treats the cells as independent "
                                                    "samples; where the cells pair game by game (paired_vs_cell0) "
                                                    "the _vs_cell0_paired_ci beside it is the interval the table "
                                                    "shows, narrower")
    out["_sd, _se"] = ("sample standard deviation (n - 1) and standard error of the mean before them; the plots' "
                       "error bars are mean ± t(0.975, n - 1) se (Student's t)")
    return {s.at_base(k): s.at_base(v) for k, v in out.items()}


def _runs(s: Summary) -> list[dict[str, Any]]:
    from engine.runlog import read_runs

    return read_runs(s.path)


def cells_json(s: Summary) -> str:
    """`summary.json`: the results file, its batch command, how the table's numbers are made, and
    `cell_summaries`."""
    return json.dumps({
        "results": str(s.path), "command": s.meta.get("command"), "seed": s.seed, "games": s.games,
        "provenance": provenance(s),  # (engine and scenario; null where the results do not record them)
        "runs": _runs(s),  # (where and when the games were played: `engine.runlog`; [] if not recorded)
        "fixed": s.fixed,
        "intervals": summary_intervals(s),
        "medians": MEDIAN_NOTE + " (captures, road_cuts)",
        "seeds": seeds_note(s),
        "common_seeds": s.common_seeds,
        "pairing": pairing_note(s),  # (how far paired games agree with the baseline's; null without pairs)
        "fallen_by_turn": fallen_note(s) + " (fallen_by_turn_<T>, with its 95% Wilson interval)",
        "capture_turn_median_all_games": ("the median capture turn over all the cell's games, a game never taken "
                                          "counted as after the last turn: null, with "
                                          "capture_turn_median_all_games_after_last true, when half or more were "
                                          "never taken"),
        "road_cut": ROAD_CUT_NOTE + "; here road_cut_turn_median and road_cut_near_objective_turn_median, the games "
                    "behind them road_cuts and road_cuts_near_objective, and road_cut_where ({place: games})",
        "objective_entered_share": ENTERED_NOTE.format(objective=s.objective),
        **({"artillery_missions": missions_json_note(s)} if s.has_missions else {}),
        **({"paired": PAIRED_NOTE + f"; {loss_column(s, 'attacker')}_{s.vs_key}_paired: the attacker's "
                                    + ("ground steps lost" if s.ground_losses else "steps lost (all steps: a file "
                                       "without the ground columns)")} if len(s.cells) > 1 and cells_paired(s)
           else {}),
        "cell_order": cell_order_note(s) or "a single cell",
        "baseline": s.base.cell if len(s.cells) > 1 else None,
        "cells": cell_summaries(s),
        **({"effects_by": _effects_json(s)} if s.by else {}),
    }, indent=1, sort_keys=False) + "\n"


def _effects_json(s: Summary) -> list[dict[str, Any]]:
    from engine.factor_effects import effects_json, factor_effects

    return [effects_json(factor_effects(s, k)) for k in s.by]


def cells_csv(s: Summary) -> str:
    """`summary.csv`: `cell_summaries` one row per cell, a column per sweep key (named as in the results file)
    and per fixed override (`Summary.fixed`: `set:PATH`, `weather`, ...), and the intervals as `_low` / `_high`
    columns."""
    def flat(v: Any) -> Any:  # a structured override value (a list, an object) as its JSON text
        return json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v

    rows = []
    made = provenance(s)
    seed = (s.meta.get("batch") or {}).get("seed")
    for d in cell_summaries(s):
        r: dict[str, Any] = {"cell": d["cell"], "label": d["label"]}
        r.update({k: d["params"].get(k) for k in s.sweep_keys})
        r.update({k: flat(v) for k, v in d["fixed"].items()})  # (never a sweep key too: build_cells refuses it)
        for k, v in d.items():
            if k in ("cell", "label", "params", "fixed"):
                continue
            if k.endswith("_ci"):
                r[k + "_low"], r[k + "_high"] = v if v is not None else (None, None)
            else:
                r[k] = flat(v) if isinstance(v, dict) else v
        # (last: where the numbers come from, so a table pasted on its own keeps its source: an analyst)
        r.update({"engine_version": made["engine_version"], "engine_code": made["engine_code"],
                  "scenario_sha256": made["scenario_sha256"], "base_seed": seed})
        rows.append(r)
    return csv_text(rows)


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows of one shape as CSV text, the first row's keys the header (the summary's and the comparison's)."""
    import csv

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_summary(s: Summary, out_dir: Path) -> list[Path]:
    """Write `SUMMARY_FILES` (the per-cell table as JSON and CSV) in `out_dir`; returns their paths."""
    from engine.fileio import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in SUMMARY_FILES]
    atomic_write_text(paths[0], cells_json(s))
    atomic_write_text(paths[1], cells_csv(s))
    return paths


def write_markdown(s: Summary, out_dir: Path, pngs: Sequence[Path] = ()) -> Path:
    """Write `report.md` (`report_markdown`: the per-cell table, the outcome breakdown and the plots `pngs`
    written beside it) in `out_dir`."""
    from engine.fileio import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.md"
    atomic_write_text(path, report_markdown(s, [p.name for p in pngs]))
    return path


def png_bytes(fig: Any) -> bytes:  # pragma: no cover - helper kept for notebooks
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

