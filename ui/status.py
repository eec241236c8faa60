"""The status line's summary of one order: what the player most needs to read first (a unit destroyed, steps
lost, an ambush) before the move itself and the reveals, since an order sets off several events and the last
one alone ("revealed: fired from ambush") hid the result. Only the events the caller passes (the ones the
viewing side saw); wording only, no rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.events import counted, destroyed_how
from engine.units import SIDES

SEP = " · "
"""Between the parts of a summary (the status bar wraps and cuts it to two lines, least important last)."""

RANK = {"GameOver": 0, "UnitDestroyed": 1, "AmbushSprung": 3, "AssaultResolved": 4, "UnitRetreated": 4,
        "ArtilleryFired": 5, "SuspectedFire": 5, "DroneStrike": 5, "AirDefenceEngaged": 5, "ReconFlown": 5,
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


def modifier_groups(ev: Any) -> list[str]:
    """The fire modifiers an event's own words carry, a group a fire result ("ravine ambush +2"), from its fire
    results (`Event.fire_results`), once each: an ambush's; not an assault's, whose words are its outcome and
    whose fire is in its detail lines; none for an event that fires nothing (a sandbox edit's "[sandbox]")."""
    text = ev.text()
    fires = ev.fire_results() if hasattr(ev, "fire_results") else []
    groups = [f.modifiers_text() for f in fires if f.modifiers]
    return list(dict.fromkeys(g for g in groups if f"[{g}]" in text))


def event_status(ev: Any, names: Callable[[str], str]) -> str:
    """The status line for a log entry clicked: its turn, then the fire modifiers its words carry, then its words.
    A teacher's class plan has them read the modifier aloud ("ravine ambush +2"), and at 1280x800 x1.5 the status
    line was cut before it, half-way through the units' names. (An assault's words, its outcome, stay first: both
    sides' modifiers filled the two lines; its card, key B, lists them.)

    >>> from types import SimpleNamespace as N
    >>> fire = N(modifiers=[N(text=lambda: "ravine ambush +2")], modifiers_text=lambda: "ravine ambush +2")
    >>> ev = N(turn=9, text=lambda: "AMBUSH at (25,15): a fires first — a → b: firepower 3 [ravine ambush +2] = 4",
    ...        fire_results=lambda: [fire])
    >>> event_status(ev, str)
    'T9 [ravine ambush +2] AMBUSH at (25,15): a fires first — a → b: firepower 3 [ravine ambush +2] = 4'
    >>> ev = N(turn=3, text=lambda: "[sandbox] a placed at (1,1)", fire_results=lambda: [])
    >>> event_status(ev, str)
    'T3 [sandbox] a placed at (1,1)'
    """
    groups = modifier_groups(ev)
    mods = f"[{' | '.join(names(g) for g in groups)}] " if groups else ""
    return f"T{ev.turn} {mods}{names(ev.text())}"


def _short(ev: Any, table: Any, named: bool = False) -> str:
    """One event as a part of the summary: its own text, shortened where the fire details make it long
    (they stay in the event log). `named`: the ids will be named (`ui.names.Namer`), which folds in the type."""
    if ev.kind == "AmbushSprung":
        return (f"AMBUSH at {_h(ev.target_hex)}: {ev.ambusher} fired first from {_h(ev.hex)}; {ev.target} stopped, "
                f"{ambush_result(ev.fire)}")
    if ev.kind == "UnitDestroyed" and named:
        return f"{ev.unit} ({ev.unit_type}) DESTROYED at {_h(ev.hex)} {destroyed_how(ev.cause)}"
    if ev.kind == "UnitDestroyed":
        ut = table.get(ev.unit_type)
        kind = ut.label.split(" (")[0].lower() if ut is not None else ev.unit_type.replace("_", " ")
        return f"{ev.unit} ({kind}) DESTROYED at {_h(ev.hex)} {destroyed_how(ev.cause)}"
    return str(ev.text())


def ambush_result(fire: Any) -> str:
    """What an ambush's fire did, from its `FireResult`: a miss said as plainly as a hit (the line said "stopped"
    either way, and a player took a miss for a hit).

    >>> from types import SimpleNamespace as N
    >>> ambush_result(N(losses=0, hits=0, shots=2))
    'no steps lost (2 shots, no hit)'
    >>> ambush_result(N(losses=1, hits=1, shots=2))
    'lost 1 step'
    """
    if fire.losses > 0:
        return f"lost {counted(fire.losses, 'step')}"
    return f"no steps lost ({counted(fire.shots, 'shot')}, {'no hit' if fire.hits == 0 else counted(fire.hits, 'hit')})"


def _h(h: Any) -> str:
    return "-" if h is None else f"({h[0]},{h[1]})"


def _ids(ids: list[str]) -> str:
    return ", ".join(ids)


def recon_words(ev: Any, state: Any, view: Any, known_before: frozenset[str] | set[str] | None = None) -> str:
    """One recon sortie (`ReconFlown`) as the viewing side knows it: the area it looked at and what it found
    there, "nothing" included, never only the hidden units it detected.

    `view`: the viewing side's `SideView` now (just after the sortie, or at the end of the enemy's half-turn).
    Own sortie: the hidden enemies it detected (the event's list), the enemies in view in its area now, split
    into those not known before it and those already known when `known_before` (the enemy ids the side knew
    before the order) is given. Enemy sortie: which of the side's own units in its area it found, which it sees
    and which stayed hidden. Nothing beyond the event, the map's geometry and the side's own view."""
    gm = state.map
    where = _h(ev.center)
    mine = ev.side == view.side_name
    if ev.shot_down:
        return f"{ev.unit} recon over {where}: shot down before it could look - nothing seen"
    area = set(gm.within(gm.idx(ev.center), ev.radius).tolist())
    head = f"{ev.unit} recon over {where} looked at {len(area)} hexes (radius {ev.radius})"
    found = list(ev.detected)
    bits: list[str] = []
    if mine:
        if found:
            bits.append(f"FOUND {len(found)} hidden: {_ids(found)}")
        seen = recon_in_view(ev, state, view, known_before)
        bits += seen
        if not found:
            bits.append(NONE_HIDDEN if seen else f"found nothing - no enemy in view there {DEEP_COVER}")
        return f"{head}: {'; '.join(bits)}"
    table = state.scenario.unit_table
    own = [u for u in view.own if u.active and not u.offmap and u.idx in area
           and table[u.type].domain == "ground"]
    if found:
        bits.append(f"FOUND your hidden {_ids(found)}")
    seen = [u.id for u in own if not u.hidden and u.id not in found]
    if seen:
        bits.append(f"sees your {_ids(seen)}")
    missed = [u.id for u in own if u.hidden and u.id not in found]
    if missed:
        bits.append(f"did not find your hidden {_ids(missed)}")
    if not bits:  # (the units there now: one destroyed later in the turn was there, a player read a contradiction)
        bits.append("found none of your hidden units")
    return f"{head}: {'; '.join(bits)}"


NONE_HIDDEN = "no hidden enemy detected"
"""What an own sortie that detected no hidden unit says, in the status line and in the event log alike."""
DEEP_COVER = "(a unit deep in cover may escape it)"


def recon_in_view(ev: Any, state: Any, view: Any, known_before: frozenset[str] | set[str] | None = None) -> list[str]:
    """The enemies in view in an own sortie's area now, besides the hidden ones it detected: those not known
    before it and those already known when `known_before` is given ("newly in view: ..."), else all of them."""
    gm = state.map
    area = set(gm.within(gm.idx(ev.center), ev.radius).tolist())
    in_view = [c.id for c in view.contacts if c.idx in area and c.id not in ev.detected]
    if known_before is None:
        return [f"in view in its area: {_ids(in_view)}"] if in_view else []
    new = [u for u in in_view if u not in known_before]
    old = [u for u in in_view if u in known_before]
    # ("in its area": "there" read as the hex clicked, not the sortie's whole radius, an educator)
    return ([f"newly in view: {_ids(new)}"] if new else []) + ([f"already known in its area: {_ids(old)}"] if old
                                                               else [])


def recon_log_detail(ev: Any, state: Any, side: int, seen: str | None = None) -> str | None:
    """A line under a recon sortie in the event log: the area it looked at and, for an own sortie that detected
    no hidden unit (the event's own text then says nothing of what it found), the same facts as the status line
    (`recon_words`): `seen`, the enemies it brought into view as the status line named them when the sortie was
    flown in this window ("newly in view: ..."); without it (a sortie flown by the AI, a loaded game) the line
    says what the sortie shows, since the event does not list the units that were not hidden. None for a sortie
    shot down."""
    if ev.shot_down:
        return None
    gm = state.map
    n = len(gm.within(gm.idx(ev.center), ev.radius))
    head = f"looked at {n} hexes within {ev.radius} of {_h(ev.center)}"
    if ev.side != SIDES[side]:
        # (a class read "detected none" against the status line's "sees your Special-forces group": those in the
        # open are in its view; only hidden units are "found")
        return head + ("" if ev.detected else "; it found none of your hidden units (those of yours in the open "
                                                "there are in its view)")
    if ev.detected:
        return head
    if seen:
        return f"{head}: {seen}; {NONE_HIDDEN} {DEEP_COVER}"
    # (nothing found: "it finds units that were hiding, and those in the open there come into view" read as a
    # find; the event does not list the units in the open, so the line says what a sortie does, not what it saw)
    return (f"{head}; {NONE_HIDDEN} there (a recon sortie reveals the hidden units in its area, though one deep in "
            "cover may escape it; units in the open there are in view)")


def summary_parts(events: list[Any], state: Any, view: Any = None,
                  known_before: frozenset[str] | set[str] | None = None,
                  names: Callable[[str], str] | None = None) -> list[str]:
    """The parts of an order's summary, most important first: destruction, objective hexes taken and the road
    cut or reopened (a player found "attacker takes control of (21,11) Shusha" behind the status line's "…"),
    steps lost (per unit, with what is left), ambush, assault and retreat, fire, recon sorties, the move, other
    control changes, reveals, then the rest in log order. `events`: what the viewing side saw of the order.
    `view` (the viewing side's `SideView`, None: a replay of both sides) and `known_before` (enemy ids it knew
    before the order): a recon sortie then says what it looked at and what it found there (`recon_words`), and
    the units it detected are not repeated as reveals. `names`: rewrites the unit ids of each part for display
    (`ui.names.Namer`: own units by name, enemies by type label and id); None: the ids as the events give them."""
    return [s for _, s in ranked_parts(events, state, view, known_before, names)]


SECTIONS = ((LOSSES, "Losses, the objective and the road"), (OTHER, "What you saw, in the order it happened"))
"""The enemy-turn report's headings: each takes the parts of rank up to its number (`ranked_parts`), in the order
they happened (grouped by kind, an assault read before the move that led to it, the artillery after the assaults
though it fired first)."""


def summary_sections(events: list[Any], state: Any, view: Any = None,
                     names: Callable[[str], str] | None = None) -> list[tuple[str, list[str]]]:
    """The parts of `summary_parts` under the report's headings (`SECTIONS`), each in the order they happened,
    empty sections left out: what it cost first, then the rest as it happened."""
    out: list[tuple[str, list[tuple[float, str]]]] = [(head, []) for _, head in SECTIONS]
    for rank, k, s in _ranked(events, state, view, None, names):
        j = next(j for j, (top, _) in enumerate(SECTIONS) if rank <= top or j == len(SECTIONS) - 1)
        out[j][1].append((k, s))
    return [(head, [s for _, s in sorted(parts)]) for head, parts in out if parts]


def timeline_parts(events: list[Any], state: Any, view: Any = None,
                   known_before: frozenset[str] | set[str] | None = None,
                   names: Callable[[str], str] | None = None,
                   fits: Callable[[list[str]], bool] | None = None) -> list[str]:
    """The parts of `summary_parts` in the order they happened, for a line that may be cut short: the most
    important first as long as they all `fits` (the parts, joined as the line shows them, fit its space), said
    in the order they happened; then the others, also in that order, where the line's cut drops them. None:
    all of them in the order they happened.

    >>> from types import SimpleNamespace as N
    >>> ev = lambda kind, text: N(kind=kind, unit="a", text=lambda: text, fire_results=lambda: [])
    >>> st = N(scenario=N(unit_table={}), map=N(objective_set=set()))
    >>> evs = [ev("UnitMoved", "a moves"), ev("AssaultResolved", "a assaults b"), ev("UnitMoved", "c moves")]
    >>> timeline_parts(evs, st)
    ['a moves', 'a assaults b', 'c moves']
    >>> timeline_parts(evs, st, fits=lambda parts: len(SEP.join(parts)) <= 12)
    ['a assaults b', 'a moves', 'c moves']
    >>> timeline_parts(evs, st, fits=lambda parts: len(SEP.join(parts)) <= 22)
    ['a moves', 'a assaults b', 'c moves']
    """
    got = _ranked(events, state, view, known_before, names)
    if fits is None:
        return [s for _, _, s in sorted(got, key=lambda t: t[1])]
    n = 1
    while n < len(got) and fits([s for _, _, s in sorted(got[:n + 1], key=lambda t: t[1])]):
        n += 1  # (the most important first: once one does not fit, those after it wait for the cut)
    return [s for _, _, s in sorted(got[:n], key=lambda t: t[1])] + [s for _, _, s in sorted(got[n:],
                                                                                           key=lambda t: t[1])]


def ranked_parts(events: list[Any], state: Any, view: Any = None,
                 known_before: frozenset[str] | set[str] | None = None,
                 names: Callable[[str], str] | None = None) -> list[tuple[int, str]]:
    """(rank, part) of `summary_parts`, in order. A unit seen setting out on a move it was seen making is said
    in the move's part ("... (seen setting out: its route leaves cover)"), not in a reveal part of its own."""
    return [(rank, s) for rank, _, s in _ranked(events, state, view, known_before, names)]


def _ranked(events: list[Any], state: Any, view: Any = None,
            known_before: frozenset[str] | set[str] | None = None,
            names: Callable[[str], str] | None = None) -> list[tuple[int, float, str]]:
    """(rank, position in `events`, part) of `ranked_parts`, most important first (ties: the order they
    happened)."""
    ranked: list[tuple[int, float, str]] = []  # (rank, when: a unit's steps lost just after the fire, part)
    destroyed = {ev.unit for ev in events if ev.kind == "UnitDestroyed"}
    spotted = set() if view is None else {u for ev in events if ev.kind == "ReconFlown" for u in ev.detected}
    movers = {ev.unit for ev in events if ev.kind in ("UnitMoved", "MoveGlimpsed")}
    setting_out: dict[str, list[str]] = {}  # mover -> why it was seen setting out (said with its move)
    for ev in events:
        if ev.kind == "UnitRevealed" and getattr(ev, "setting_out", False) and ev.unit in movers:
            setting_out.setdefault(ev.unit, []).append(ev.reason)
    last_move = {ev.unit: k for k, ev in enumerate(events) if ev.kind in ("UnitMoved", "MoveGlimpsed")}
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
        if ev.kind == "UnitRevealed" and ev.unit in spotted and ev.reason.startswith("detected by"):
            continue  # (said in the sortie's part: "FOUND ...")
        if ev.kind == "UnitRevealed" and ev.unit in setting_out and getattr(ev, "setting_out", False):
            continue  # (said with its move)
        text = recon_words(ev, state, view, known_before) if view is not None and ev.kind == "ReconFlown" \
            else _short(ev, table, names is not None)
        if ev.kind in ("UnitMoved", "MoveGlimpsed") and setting_out.get(ev.unit):  # (its later moves: no "()")
            why = "; ".join(dict.fromkeys(setting_out[ev.unit]))
            text += f" (seen setting out: {why})"
            setting_out[ev.unit] = []  # (said once, with its first move)
        rank = RANK.get(ev.kind, OTHER)
        if ev.kind == "UnitRevealed" and last_move.get(ev.unit, -1) > k:
            rank = RANK["UnitMoved"]  # (said before the same unit's later move, as it happened: an ambusher was
            # "seen leaving (28,19)" before it was "revealed at (28,19): fired from ambush")
        if ev.kind == "RoadCut" or (ev.kind == "ControlChanged" and state.map.idx(ev.hex) in state.map.objective_set):
            rank = RANK["UnitDestroyed"]  # the objective and the road: what the game is about, never cut off
        ranked.append((rank, k, text))
        for f in ev.fire_results():
            if f.losses > 0 and f.target not in destroyed:
                got = lost.setdefault(f.target, [0, f.strength_after, k])
                got[0] += f.losses
                got[1] = min(got[1], f.strength_after)
    for uid, (n, after, k) in lost.items():
        i = state.unit_index.get(uid)
        left = f"{after} of {table[state.units[i].type].max_steps} steps" if i is not None else str(after)
        ranked.append((LOSSES, k + 0.5, f"{uid} lost {n} step{'s' if n != 1 else ''} ({left} left)"))
    ranked.sort(key=lambda t: (t[0], t[1]))
    out: list[tuple[int, float, str]] = []
    said: set[str] = set()
    for rank, k, s in ranked:
        if not s:
            s = f"{', '.join(hid)} {'goes' if len(hid) == 1 else 'go'} to ground"
        if names is not None:
            s = names(s)
        if s not in said:
            said.add(s)
            out.append((rank, k, s))
    return out


def order_summary(events: list[Any], state: Any, fallback: str, view: Any = None,
                  known_before: frozenset[str] | set[str] | None = None,
                  names: Callable[[str], str] | None = None) -> str:
    """The status line after an order: its summary parts joined (`fallback` when the side saw nothing);
    `view`, `known_before`, `names`: as `summary_parts`."""
    parts = summary_parts(events, state, view, known_before, names)
    return SEP.join(parts) if parts else fallback


def autoplay_words(state: Any, first_turn: int, played: str | None = None) -> str:
    """What `--autoplay` did, as it happened: the game may end before the turns asked for; a game a player had
    played part of (`played`: who, e.g. "the defender") says from which turn the AIs took over, not "(AI vs AI)"
    as if nobody had played it.

    >>> from types import SimpleNamespace as N
    >>> autoplay_words(N(turn=24, outcome=N(winner="attacker", turn=24)), 1)
    'Game over on turn 24 (AI vs AI): attacker wins'
    >>> autoplay_words(N(turn=4, outcome=None), 1)
    'After 3 turns of AI vs AI play'
    >>> autoplay_words(N(turn=24, outcome=N(winner="attacker", turn=24)), 13, "the defender")
    'Game over on turn 24 (autoplayed from turn 13; you had played the defender until then): attacker wins'
    >>> autoplay_words(N(turn=15, outcome=None), 13, "hotseat")
    'After 2 turns autoplayed from turn 13 (played hotseat until then)'
    """
    n = state.turn - first_turn
    if played is None:
        if state.outcome is not None:
            return f"Game over on turn {state.outcome.turn} (AI vs AI): {state.outcome.winner} wins"
        return f"After {n} turn{'' if n == 1 else 's'} of AI vs AI play"
    who = "played hotseat" if played == "hotseat" else f"you had played {played}"
    if state.outcome is not None:
        return (f"Game over on turn {state.outcome.turn} (autoplayed from turn {first_turn}; {who} until then): "
                f"{state.outcome.winner} wins")
    return f"After {n} turn{'' if n == 1 else 's'} autoplayed from turn {first_turn} ({who} until then)"
