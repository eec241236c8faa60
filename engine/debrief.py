"""A finished game told as a player or a class reads it: what decided it, when, and at what cost. The
`wargame run` summary and the game-over window both read these, so the two always agree."""

from __future__ import annotations

from typing import Any

import attrs

from engine.events import listed
from engine.state import GameState
from engine.units import SIDES

ACTIVITY = (("armed-drone strikes flown", "drone_sorties_flown"),
            ("armed drones grounded (drones × turns)", "drone_sorties_grounded"),
            ("recon sorties", "recon_sorties"), ("drones lost", "drones_lost"),
            ("ambushes sprung", "ambushes_sprung"), ("artillery missions", "artillery_missions"),
            ("  of which drone-spotted", "drone_spotted_missions"),
            ("  of which on suspected positions", "suspected_fire_missions"), ("assaults", "assaults"),
            ("unit-turns out of supply", "unit_turns_out_of_supply"))
"""Score-record fields counted per side, in the order the debrief lists them, with their names there."""


def when(state: GameState, turn: int | None) -> str:
    """ "turn 15, 04 Nov 06:00", or "—" for a turn that never came. (Not in parentheses: the road line follows
    it with where the road was cut in parentheses, and "turn 16 (04 Nov 06:00) (attacker astride …)" read badly.)"""
    return "—" if turn is None else f"turn {turn}, {state.scenario.turn_start(turn):%d %b %H:%M}"


def key_moments(state: GameState) -> list[str]:
    """The lines that say how the game went: who won, when and why; when the objective was taken and held, and
    by what kind of unit first; when and where the watched road was first cut."""
    sc, scen = state.score, state.scenario
    out = [f"{sc.winner} wins on {when(state, sc.end_turn)}: {sc.reason}"]
    entry = sc.objective_first_entry_type
    label = scen.unit_table[entry].label if entry in scen.unit_table else str(entry).replace("_", " ")
    first = f"first entered on {when(state, sc.objective_first_entry_turn)}, by {label}" if entry else ""
    if first:  # (where: a teacher's class did not know Jidir Duzu, the first hex taken, was "Shusha")
        objective = {tuple(state.map.hex_refs[i]) for i in state.map.objective_hexes}
        hit = next((ev for ev in state.log if ev.kind == "ControlChanged" and ev.side == "attacker"
                    and tuple(ev.hex) in objective), None)
        if hit is not None:
            first += f", at {state.map.describe(state.map.idx(tuple(hit.hex)))}"
    if sc.objective_taken_turn is not None:
        out.append(f"{scen.victory.objective} taken and held from {when(state, sc.objective_taken_turn)}"
                   + (f"; {first}" if first else ""))
    else:
        whole = " whole" if len(state.map.objective_hexes) > 1 else ""  # ("Kepez pass never held whole": one hex)
        out.append(f"{scen.victory.objective} never held{whole} by the attacker" + (f"; {first}" if first else "")
                   + held_at_end(state))
    if scen.victory.road_watch is not None:
        # (an attacker player read "still cut at the end" of a road reopened on turn 17 and cut again later)
        reopened = sum(1 for ev in state.log if ev.kind == "RoadCut" and not ev.cut)
        times = {1: "once", 2: "twice"}.get(reopened, f"{reopened} times")
        if sc.road_cut_turn is None:
            still = ""
        elif sc.road_cut_at_end:
            still = ", still cut at the end" + (f" (reopened {times} and cut again)" if reopened else "")
        else:  # (reopened once is what "open again" says already)
            still = ", open again at the end" + (f" (reopened {times})" if reopened > 1 else "")
        # where: an educator's review saw "cut: turn 15" set beside the record's special forces on the road by the
        # town, when the first cut was the western group's, 10 km away at Lisagor
        first = next((ev for ev in state.log if ev.kind == "RoadCut" and ev.cut), None)
        where = f" ({first.reason})" if first is not None and sc.road_cut_turn is not None else ""
        out.append(f"{scen.victory.road_watch.name} first cut: {when(state, sc.road_cut_turn)}{where}{still}")
    return out


def held_at_end(state: GameState) -> str:
    """"; at the end the attacker held 5 of its 7 hexes, not (21,9) and (22,10) (a near miss)" for a game over with
    the objective partly held; "" otherwise. A player who lost holding five hexes was not told which two were
    missing, nor that the batch report calls it a near miss."""
    hexes = state.map.objective_hexes
    if state.outcome is None or len(hexes) < 2:
        return ""
    att = SIDES.index("attacker")
    missing = [i for i in hexes if state.control[i] != att]
    held = len(hexes) - len(missing)
    if not held or not missing:
        return ""
    names = listed([state.map.describe(i) for i in missing])
    near = " (a near miss)" if len(missing) == 1 else ""
    return f"; at the end the attacker held {held} of its {len(hexes)} hexes, not {names}{near}"


def debrief_rows(state: GameState) -> list[tuple[str, int, int]]:
    """(what, attacker, defender) rows: steps lost, each cause of them (they add up), units destroyed, then
    the activity counts (`ACTIVITY`) that are not 0 for both sides."""
    sc = state.score

    def total(d: dict[str, int]) -> int:
        return sum(d.values())

    rows = [("steps lost", total(sc.steps_lost["attacker"]), total(sc.steps_lost["defender"]))]
    causes = sorted({c for s in sc.losses_by_cause.values() for c in s})
    rows += [(f"  of which to {c}", sc.losses_by_cause["attacker"].get(c, 0), sc.losses_by_cause["defender"].get(c, 0))
             for c in causes]
    rows.append(("units destroyed", total(sc.units_destroyed["attacker"]), total(sc.units_destroyed["defender"])))
    rows += [(label, getattr(sc, attr)["attacker"], getattr(sc, attr)["defender"]) for label, attr in ACTIVITY
             if getattr(sc, attr)["attacker"] or getattr(sc, attr)["defender"]]  # (no drone rows on a map without)
    return rows


CAUSE_WORDS = {"drone": "drone strikes", "retreat": "routs", "air defence": "air defence"}
"""A loss cause (`Score.losses_by_cause`) in `why_lines`' words, where its name alone reads badly ("4 to drone")."""


def why_lines(state: GameState) -> list[str]:
    """What each side paid, in a sentence each, from the score: the steps it lost against those it brought (ground
    and air, as `engine.batch.cell_start_steps` counts them), every cause of them, the dearest first (they add up to
    the steps lost: "and 1 other cause" read as one step, a reviewer), and the turns its units
    spent out of supply. A defender who lost read the causes only in the table's rows and had to work them out:
    "The defender lost 30 of the 45 steps it brought: 13 to assault, 8 to drone strikes, 5 to artillery; its units
    spent 145 unit-turns out of supply (each: fire -1, no rally)". Facts of this game, not a judgement of them."""
    from engine.batch import cell_start_steps

    sc = state.score
    brought = cell_start_steps(state.scenario)
    out = []
    for side in SIDES:
        lost = sum(sc.steps_lost[side].values())
        had = brought[side]["ground"] + brought[side]["air"]
        causes = sorted(((n, c) for c, n in sc.losses_by_cause[side].items() if n), key=lambda x: (-x[0], x[1]))
        what = ", ".join(f"{n} to {CAUSE_WORDS.get(c, c)}" for n, c in causes)  # (all: they add up to the loss)
        line = (f"The {side} lost {lost} of the {had} steps it brought" + (f": {what}" if what else "")
                if lost else f"The {side} lost none of the {had} steps it brought")
        cut = sc.unit_turns_out_of_supply[side]
        if cut:
            line += (f"; its units spent {cut} unit-turn{'s' if cut != 1 else ''} out of supply (each: fire "
                     f"{state.scenario.combat.out_of_supply_modifier:+d}, no rally)")
        out.append(line + ".")
    return out


def history_lines(state: GameState) -> list[str]:
    """What happened in the record the scenario models (`meta.history`), to set the game beside it."""
    return list(state.scenario.meta.history)


def record_label(state: GameState, path: str) -> str:
    """What a record mark is, said from its score path when the scenario gives no label: the road by its name,
    the objective by its name."""
    vic = state.scenario.victory
    road = vic.road_watch.name if vic.road_watch is not None else "the watched road"
    known = {"road_cut_turn": f"{road} first cut", "objective_taken_turn": f"{vic.objective} taken and held",
             "objective_first_entry_turn": f"{vic.objective} first entered by the attacker",
             "end_turn": "the game's last turn"}
    return known.get(path, path.replace("_", " ").replace(".", ", "))


def _turns(state: GameState, lo: int, hi: int | None) -> str:
    """"turn 15, 04 Nov 06:00" or "turns 21-23, 07 Nov 06:00 - 08 Nov 06:00"."""
    if hi is None or hi == lo:
        return when(state, lo)
    start = state.scenario.turn_start
    return f"turns {lo}–{hi}, {start(lo):%d %b %H:%M} – {start(hi):%d %b %H:%M}"


def _off_by(state: GameState, n: int, word: str) -> str:
    """"5 turns (2.5 days) later than the record"."""
    hours = n * state.scenario.meta.turn_hours
    span = f"{hours / 24:g} {'day' if hours == 24 else 'days'}" if hours >= 24 else f"{hours} h"
    return f"{n} {'turn' if n == 1 else 'turns'} ({span}) {word} than the record"


def record_lines(state: GameState) -> list[str]:
    """This game beside the record the scenario models (`meta.record`), a line a mark: "Shusha–Lachin road first
    cut: turn 20, 06 Nov 18:00 here, 5 turns (2.5 days) later than the record (the record: turn 15, 04 Nov 06:00:
    the first special-forces groups on the road on the morning of 4 Nov)". A player who lost wanted to know how
    far off the record they had been."""
    rec = state.scenario.meta.record
    out = []
    if rec.winner is not None:
        won = state.score.winner
        same = "as in the record" if won == rec.winner else "not as in the record"
        out.append(f"Winner: {f'the {won}' if won else 'none yet'} here, {same} (the record: the {rec.winner})")
    for mark in rec.marks:
        label = mark.label or record_label(state, mark.score)
        v = measure_value(state.score, mark.score)
        hi = mark.up_to if mark.up_to is not None else mark.value
        if mark.score.endswith("_turn"):
            game = "never" if v is None else when(state, v)
            theirs = _turns(state, mark.value, mark.up_to)
            last = state.score.end_turn or state.scenario.turns
            if v is None and mark.value > last:  # (a game over, or cut short, before the record's turn came)
                off = f"the game ended on turn {last}, before the record's"
            elif v is None:
                off = "not as in the record"
            elif v < mark.value:
                off = _off_by(state, mark.value - v, "sooner")
            elif v > hi:
                off = _off_by(state, v - hi, "later")
            else:
                off = "as in the record"
        else:
            game = "—" if v is None else str(v)
            theirs = str(mark.value) if mark.up_to is None else f"{mark.value}–{mark.up_to}"
            off = ("as in the record" if v is not None and mark.value <= v <= hi else
                   "not as in the record" if v is None else f"{'fewer' if v < mark.value else 'more'} than the record")
        note = f": {mark.note}" if mark.note else ""
        out.append(f"{label}: {game} here, {off} (the record: {theirs}{note})")
    if out:  # (a teacher: three "as in the record" read as if the model foretold history)
        out.append(RECORD_CAVEAT)
    if rec.note:
        out.append(rec.note)
    return out


RECORD_CAVEAT = ("One game of a model, not a forecast: other seeds give other games (wargame batch plays many "
                 "and gives the spread).")
"""The last line of `record_lines` (before the scenario's own note)."""


SCORE_NOTES: dict[str, str] = {
    "steps_lost": "by the type of the unit that lost them",
    "units_destroyed": "by type",
    "losses_by_cause": "a side's steps lost, by what took them",
    "steps_inflicted": "the enemy steps destroyed, by the type of the unit whose fire did it (not the same "
                       "count as the other side's steps lost: losses in a retreat have no firer)",
    "objective_first_entry_type": "the first attacker unit into a hex of the objective",
    "drone_sorties_flown": "armed-drone and loitering-munition strikes; recon sorties are counted apart",
    "drone_sorties_grounded": "armed drones x turns the weather kept them down, meant to fly or not",
    "unit_turns_out_of_supply": "ground units out of supply at a turn's start, summed over the turns",
    "drone_spotted_missions": "artillery missions fired on a recon drone's spotting",
    "suspected_fire_missions": "artillery missions fired on a last-seen mark, with no enemy seen there",
}
"""What a score-record field counts, where its name alone could be misread (a player's review: "steps inflicted"
and "steps lost" by type did not add up, and nothing said why)."""


UNIT_TYPE_FIELDS = frozenset({"steps_lost", "units_destroyed", "steps_inflicted", "objective_first_entry_type",
                              "attacker_types_in_objective"})
"""The score-record fields whose keys or values are unit types (a cause such as "artillery" is not, even where a
scenario names a unit type so)."""


def score_lines(state: GameState) -> list[tuple[str, str, str]]:
    """The score record as (name, value, note) lines for a reader: the fields of `wargame run --json`, unit types
    by their labels in the scenario ("Artillery from Armenia proper (152 mm)", not "border_artillery")."""
    labels = {k: t.label for k, t in state.scenario.unit_table.items()}
    return [(k.replace("_", " "), words(v, labels if k in UNIT_TYPE_FIELDS else None), SCORE_NOTES.get(k, ""))
            for k, v in state.score.to_dict().items()]


def words(v: Any, labels: dict[str, str] | None = None) -> str:
    """A score-record value in words: {side: {type: n}} as "attacker: tank 2, special forces 1; defender: -";
    with `labels`, a unit type id is given as its label."""
    labels = labels or {}

    def name(x: Any) -> str:
        return labels.get(x, str(x).replace("_", " ")) if isinstance(x, str) else str(x)

    if isinstance(v, dict):
        inner = ", " if not any(isinstance(x, dict) for x in v.values()) else "; "
        return inner.join(f"{name(a)}{':' if isinstance(b, dict) else ''} {words(b, labels)}"
                          for a, b in v.items()) or "-"
    if isinstance(v, list):
        return ", ".join(name(x) for x in v) or "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str) and labels:
        return name(v)
    return "-" if v is None else str(v)


def _score_field_kinds() -> dict[str, str]:
    """The score record's number fields by how a path reads them: "n" a number, "side" a number per side, "side.key"
    a dict per side (of unit types or causes)."""
    from engine.state import Score

    kinds = {}
    for f in attrs.fields(Score):
        t = str(f.type)  # (the annotation as written: "dict[str, dict[str, int]]", "int | None", "str | None")
        if t in ("int", "int | None"):
            kinds[f.name] = "n"
        elif t == "dict[str, int]":
            kinds[f.name] = "side"
        elif t == "dict[str, dict[str, int]]":
            kinds[f.name] = "side.key"
    return kinds


def measure_path_problem(path: Any) -> str | None:
    """Why `path` (`Measure.score`) names no number of the score record; None when it does."""
    if not isinstance(path, str) or not path:
        return f"expected a dotted path into the score record, got {path!r}"
    kinds = _score_field_kinds()
    field, *rest = path.split(".")
    if field not in kinds:
        return f"{field!r} is not a number in the score record; expected one of {', '.join(sorted(kinds))}"
    kind = kinds[field]
    if kind == "n" and rest:
        return f"{field} is one number for the game: nothing follows it"
    if kind != "n":
        if not rest or rest[0] not in SIDES:
            return f"{field} is counted per side: expected {field}.attacker or {field}.defender"
        if len(rest) > (2 if kind == "side.key" else 1):
            return f"{path}: too many parts (a {field} path is {field}.SIDE{'[.KEY]' if kind == 'side.key' else ''})"
    return None


def measure_value(score: Any, path: str) -> int | None:
    """The score record's number at `path` (`Measure.score`): a dict of types or causes summed, a key missing from
    it 0 (no step lost to ambush), None for a turn that never came."""
    field, *rest = path.split(".")
    v = getattr(score, field)
    for part in rest:
        v = v.get(part, 0) if isinstance(v, dict) else 0
    if isinstance(v, dict):
        return sum(v.values())
    return v


def measure_values(state: GameState) -> list[tuple[str, str, str]]:
    """The numbers the teaching scenario is about (`meta.measures`), this game's: (label, value as said, note)."""
    out = []
    for ms in state.scenario.meta.measures:
        v = measure_value(state.score, ms.score)
        said = ("never" if ms.score.endswith("_turn") else "—") if v is None else str(v)
        out.append((ms.label, said, ms.note))
    return out


def measure_lines(state: GameState) -> list[str]:
    """`measure_values` as lines: "red's steps lost to ambush: 3 (over 200 games: 2.52 through the gorge, 0 by the
    road)"."""
    return [f"{label}: {said}" + (f" ({note})" if note else "") for label, said, note in measure_values(state)]
