"""Structured events: what happened and why. The UI log, overlays, replays and batch statistics all read
these; nobody re-derives a rule's reasoning.

Every event is an attrs class with a `kind` (its class name in the JSON) and a `text()` that explains it in
one line. Hexes are `(col, row)` offset pairs as in the scenario file.

Events are records of the past: never change one. They are not `frozen`, for speed only: a game makes
some 2 000 of them, and a frozen class sets each field through `object.__setattr__`, which cost 3.5% of
a Shusha game's instructions and 4.9% of a 10×10 game's (13 fields: 3.3 µs against 1.2 µs per event).
Frozen was a shallow guard anyway: paths, rolls and modifier lists are lists. They stay hashable as
before (`unsafe_hash`). `Modifier`, which memo keys hold, stays frozen.
The rules build events with `EventClass.make(...)`: the class's own keyword arguments, at less than half
the cost of calling the class (see `_with_maker`).
"""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import attrs
import cattrs
import cattrs.gen

from engine.errors import SaveFormatError

HexRef = tuple[int, int]


def _h(h: HexRef | None) -> str:
    return "-" if h is None else f"({h[0]},{h[1]})"


def counted(count: int, noun: str, plural: str = "") -> str:
    """A count with its noun as players write it: "1 step", "0 steps", "2 hits", "3 hexes".

    >>> counted(1, "step"), counted(0, "hit"), counted(2, "hit"), counted(3, "hex", "hexes")
    ('1 step', '0 hits', '2 hits', '3 hexes')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


def listed(items: list[str]) -> str:
    """Items as a sentence lists them: "A", "A and B", "A, B and C".

    >>> listed(["A"]), listed(["A", "B"]), listed(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@attrs.frozen
class Modifier:
    source: str
    value: int

    def text(self) -> str:
        return f"{self.source} {self.value:+d}"


@attrs.define(kw_only=True, unsafe_hash=True)
class FireResult:
    """One unit firing at one unit: the inputs, every modifier, the per-shot chance and every draw."""

    firer: str
    target: str
    target_type: str
    firepower: int
    protection: int
    modifiers: list[Modifier]
    net: int
    p_hit: float
    shots: int
    rolls: list[float]
    hits: int
    losses: int
    strength_after: int
    firepower_vs: str = ""
    """Which of the firer's firepowers applied (its type has one vs armour, one vs unarmoured targets, and guns
    one in close defence): why the same unit fires harder at some targets."""

    def text(self) -> str:
        mods = self.modifiers_text()
        vs = f" ({self.firepower_vs})" if self.firepower_vs else ""
        return (f"{self.firer} → {self.target}: firepower {self.firepower}{vs} − protection {self.protection}"
                f" [{mods}] = {self.net} → {self.p_hit:.0%} per shot × {self.shots}{self.rolls_text()}: "
                f"{counted(self.hits, 'hit')}, {counted(self.losses, 'step')} lost")

    def modifiers_text(self) -> str:
        """Every modifier with its source, as the fire's line brackets them: "ravine ambush +2, night -1"."""
        return ", ".join(m.text() for m in self.modifiers) or "no modifiers"

    def rolls_text(self) -> str:
        """The dice, as percentages a class can check against the chance ("why did a 60 % shot miss?"): floored
        to 0.1 (0.01 when the chance itself has a finer percentage, e.g. a scenario's 11.25 %), so that a shown
        roll is below the chance exactly when the logged roll is (the log keeps rolls to 6 decimals)."""
        if not self.rolls:
            return ""
        return (f", roll{'s' if len(self.rolls) > 1 else ''} {roll_percents(self.rolls, self.p_hit)} "
                f"(hits below {self.p_hit * 100:g})")


def roll_percents(rolls: list[float], p: float) -> str:
    """Rolls in [0, 1) as the percentages a class checks against the chance `p`: floored to 0.1 (0.01 when the
    chance itself has a finer percentage, e.g. a scenario's 11.25 %), so that a shown roll is below the chance
    exactly when the logged roll is (the log keeps rolls to 6 decimals). The log (`FireResult.rolls_text`) and the
    last-fight card (`ui.combat_card`) both say them so.

    >>> roll_percents([0.2996, 0.5], 0.3), roll_percents([0.11251], 0.1125)
    ('29.9, 50.0', '11.25')
    """
    pct = p * 100
    step = 10 if abs(pct * 10 - round(pct * 10)) < 1e-6 else 100
    return ", ".join(f"{math.floor(x * 100 * step + 1e-9) / step:.{1 if step == 10 else 2}f}" for x in rolls)


@attrs.define(kw_only=True, unsafe_hash=True)
class Event:
    kind: ClassVar[str] = "Event"
    turn: int

    def text(self) -> str:
        return self.kind

    def hexes(self) -> list[HexRef]:
        """Hexes involved, for the UI to highlight."""
        out: list[HexRef] = []
        for name in ("hex", "target_hex", "center", "from_hex"):
            v = getattr(self, name, None)
            if v is not None:
                out.append(tuple(v))  # type: ignore[arg-type]
        path = getattr(self, "path", None)
        if path:
            out.extend(tuple(p) for p in path)  # type: ignore[misc]
        return out

    def fire_results(self) -> list[FireResult]:
        """Every fire result the event carries: an ambush's one (`fire`) and the lists of artillery, strikes
        and both sides of an assault."""
        out: list[FireResult] = []
        for name in ("fire", "attacker_fire", "defender_fire"):
            v = getattr(self, name, None)
            if v is not None:
                out.extend(v if isinstance(v, list) else [v])
        return out

    def details(self) -> list[str]:
        """One line per fire result in the event's lists (artillery, strikes, both sides of an assault): the
        firepower, every modifier with its source, the odds and the rolls, which `text()` sums up. (An ambush
        carries its one result in `text()` already.)"""
        single = getattr(self, "fire", None)
        return [f.text() for f in self.fire_results() if f is not single]

    def units(self) -> list[str]:
        out = []
        for name in ("unit", "attacker", "ambusher", "target", "ad_unit"):
            v = getattr(self, name, None)
            if isinstance(v, str):
                out.append(v)
        return out


_REGISTRY: dict[str, type[Event]] = {}


def _with_maker(cls: type) -> type:
    """Give `cls` a `make` function: the same keyword arguments as the class, the same object, at less than
    half the cost. Calling a class with keywords packs them into a dict and unpacks them again for
    `__init__`; a plain keyword-only function takes them directly (0.38 µs against 0.85 µs for a
    3-field event). The rules build events with it; everyone else may call the class."""
    params, body = [], []
    defaults: dict[str, Any] = {}
    for f in attrs.fields(cls):
        if f.default is attrs.NOTHING:
            params.append(f.name)
        else:  # plain values only (no factories): checked here
            assert not isinstance(f.default, attrs.Factory), f"{cls.__name__}.{f.name}: a factory default"  # type: ignore[arg-type]
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    self.{f.name} = {f.name}\n")
    src = f"def make(*, {', '.join(params)}):\n    self = _new(_cls)\n{''.join(body)}    return self\n"
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **defaults}
    exec(src, namespace)  # the source is built above from the class's own field names
    cls.make = staticmethod(namespace["make"])  # type: ignore[attr-defined]
    return cls


def _event(cls: type[Event]) -> type[Event]:
    cls.kind = cls.__name__
    _REGISTRY[cls.__name__] = cls
    return _with_maker(cls)


_with_maker(FireResult)


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class GameStarted(Event):
    scenario: str
    scenario_sha256: str
    seed: int
    weather_mode: str
    engine_version: str
    agents: dict[str, str]

    def text(self) -> str:
        return (f"Game started: {self.scenario} (seed {self.seed}, weather {self.weather_mode}, "
                f"attacker {self.agents.get('attacker')}, defender {self.agents.get('defender')})")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class TurnStarted(Event):
    date: str
    night: bool

    def text(self) -> str:
        return f"Turn {self.turn}: {self.date} ({'night' if self.night else 'day'})"


@attrs.frozen
class MoveCostFactor:
    """One factor the weather puts on a mobility class's move costs (`WeatherReport.move_factors`)."""

    mobility: str
    where: str
    """"off road", "on roads" or "in <terrain code>"."""
    factor: float
    source: str
    """Its path in the scenario: "weather_movement.snow.wheeled.off_road"."""


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class WeatherReport(Event):
    ceiling_m: float
    visibility_km: float
    fog: str
    precipitation: str
    ground_vision_hexes: int
    night: bool = False
    """The turn is a night turn: the reason ground observers see so little. (`ground_vision_hexes` is the
    weather's cap: a unit sees no farther than its own `vision_hexes` either, 3 for most.)"""
    move_factors: tuple[MoveCostFactor, ...] = ()
    """What the precipitation does to move costs this turn, factor by factor with its source in the scenario's
    ``weather_movement`` (`engine.movement.weather_move_factors`); none: dry costs (and no key in the log)."""
    movement: str = ""
    """The same in words (`engine.movement.weather_move_note`): "snow: foot move costs ×1.25 off road"."""
    sandbox: str = ""
    """A sandbox weather setting this weather is, and the turn it was set on ("fog, set on turn 3"); empty: the
    scenario's weather (and no key in the log)."""

    def text(self) -> str:
        fog = "no fog" if self.fog == "none" else f"{self.fog} fog"
        wet = "dry" if self.precipitation == "none" else self.precipitation
        return (f"Weather: cloud base {self.ceiling_m:.0f} m, visibility {self.visibility_km:g} km, "
                f"{fog}, {wet}; ground observers see at most {counted(self.ground_vision_hexes, 'hex', 'hexes')}"
                + (" (night)" if self.night else "") + (f"; {self.movement}" if self.movement else "")
                + (f" [sandbox weather: {self.sandbox}]" if self.sandbox else ""))


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class AirStatus(Event):
    side: str
    unit: str
    unit_type: str
    grounded: bool
    reason: str

    def text(self) -> str:
        if self.grounded:
            return f"{self.unit} ({self.unit_type}) grounded: {self.reason}"
        return f"{self.unit} ({self.unit_type}) can fly: {self.reason}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class SupplyReport(Event):
    side: str
    in_supply: list[str]
    out_of_supply: list[str]
    beyond_range: tuple[str, ...] = ()
    """Those of `out_of_supply` that no route reaches within the side's supply range even with no enemy on the
    map; the others are cut off by enemy units or their zones of control."""
    supply_range: float = 0.0

    LISTED_INLINE = 3
    """Up to this many units out of supply are named in `text()`; more are counted there and named in
    `details()`, a row per cause: a new player found sixteen names in one log entry unreadable."""

    def _groups(self) -> list[tuple[list[str], str, str, str]]:
        """(units, short cause, cause, why) for the cut-off units and those beyond the range."""
        cut = [u for u in self.out_of_supply if u not in self.beyond_range]
        out = []
        if cut:
            out.append((cut, "cut off by enemy units or their zones of control", "cut off",
                        "enemy units or their zones of control block every route"))
        if self.beyond_range:
            out.append((list(self.beyond_range), f"beyond the supply range of {self.supply_range:g}",
                        "too far from its supply sources",
                        f"every route costs more than the side's supply range of {self.supply_range:g}, even with "
                        "no enemy in the way"))
        return out

    def text(self) -> str:
        if not self.out_of_supply:
            if not self.in_supply:
                return f"{self.side}: no units in play"
            if len(self.in_supply) == 1:
                return f"{self.side}: its one unit is in supply"
            return f"{self.side}: all {len(self.in_supply)} units in supply"
        groups = self._groups()
        if len(self.out_of_supply) <= self.LISTED_INLINE:
            why = [f"{', '.join(units)} ({cause}: {reason})" for units, _, cause, reason in groups]
            return f"{self.side}: out of supply: {'; '.join(why)}"
        counts = [f"{len(units)} {short}" for units, short, _, _ in groups]
        return f"{self.side}: {len(self.out_of_supply)} units out of supply ({'; '.join(counts)})"

    def details(self) -> list[str]:
        if len(self.out_of_supply) <= self.LISTED_INLINE:
            return []
        return [f"{cause} ({reason}): {', '.join(units)}" for units, _, cause, reason in self._groups()]


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class ReinforcementArrived(Event):
    side: str
    unit: str
    hex: HexRef
    entry_hex: HexRef | None = None
    """The scenario's entry hex when the unit could not arrive there (an enemy unit on it, or a full stack)
    and came in at the nearest hex within 3 that was free, out of the enemy's zone of control and not an
    objective hex the enemy holds; None (left out of the log): it arrived where the scenario says."""
    blocked: str = ""
    """Why it could not arrive at `entry_hex`: "own stack" (its side's units filled it), "enemy" (an enemy unit
    held it), "closed" (ground it cannot enter, or a no-go area of its side). A player read "blocked (an enemy unit or a
    full stack)" as an enemy at the hex its own full stack held. Empty (left out of the log) in logs before
    0.25.0."""

    def text(self) -> str:
        if self.entry_hex is None or tuple(self.entry_hex) == tuple(self.hex):
            return f"{self.unit} arrives at {_h(self.hex)}"
        why = {"own stack": f"held a full stack of the {self.side}'s own units",
               "enemy": "was held by an enemy unit",
               "closed": "is closed to it (ground it cannot enter, or a no-go area)"}.get(
                   self.blocked, "was blocked (an enemy unit or a full stack)")
        return (f"{self.unit} arrives at {_h(self.hex)}: its entry hex {_h(self.entry_hex)} {why}, and this is the "
                "nearest free hex out of the enemy's reach")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class PhaseStarted(Event):
    side: str
    phase: str

    def text(self) -> str:
        return f"{self.side}: {self.phase} phase"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class UnitMoved(Event):
    side: str
    unit: str
    path: list[HexRef]
    cost: float
    stopped: str | None = None
    why: str = ""
    """Why a unit moved outside its side's own orders (an ambush party breaking contact: `rules._ambush_withdrawal`);
    empty for an ordered move (and absent from logs written before it was recorded)."""

    def text(self) -> str:
        why = f" — stopped: {self.stopped}" if self.stopped else ""
        if self.why:
            why += f" — {self.why}"
        return f"{self.unit} moves {_h(self.path[0])}→{_h(self.path[-1])} ({self.cost:g} MP){why}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class MoveGlimpsed(Event):
    """An enemy move as a side saw it when it saw only part of the path (`engine.view.visible_log` makes it
    from the `UnitMoved`; it is never in the game's own log): `path` holds the seen hexes only, in order."""

    side: str
    unit: str
    path: list[HexRef]
    start_unseen: bool
    end_unseen: bool

    def text(self) -> str:
        if len(self.path) == 1:
            how = {(True, False): "arriving at", (False, True): "leaving"}.get((self.start_unseen, self.end_unseen))
            seen = f"seen {how or 'passing'} {_h(self.path[0])}"
        else:
            seen = f"seen moving {_h(self.path[0])}→{_h(self.path[-1])}"
        where = [w for w, yes in (("came from out of sight", self.start_unseen),
                                  ("went on out of sight", self.end_unseen)) if yes]
        return f"{self.unit} {seen}{' (' + '; '.join(where) + ')' if where else ''}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class UnitRevealed(Event):
    side: str
    unit: str
    hex: HexRef
    reason: str
    setting_out: bool = False
    """Seen as it set out from `hex` on a move (the move's event says where it went)."""
    stack_of: str = ""
    """Revealed along with the stack of this unit, which `reason` is about (it fired from ambush, was detected, was
    hit by fire on its suspected position…: `rules._reveal`); "": `reason` is about `unit` itself. (A mate's own
    result, if the same fire hit it too, is in the mission's event.)"""

    def text(self) -> str:
        if self.setting_out:
            return f"{self.unit} seen setting out from {_h(self.hex)}: {self.reason}"
        if self.stack_of:
            return f"{self.unit} revealed at {_h(self.hex)} with the stack of {self.stack_of} ({self.stack_of}: " \
                   f"{self.reason})"
        return f"{self.unit} revealed at {_h(self.hex)}: {self.reason}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class UnitHidden(Event):
    side: str
    unit: str
    hex: HexRef

    def text(self) -> str:
        return f"{self.unit} goes to ground at {_h(self.hex)}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class AmbushSprung(Event):
    side: str
    ambusher: str
    target: str
    hex: HexRef
    target_hex: HexRef
    fire: FireResult

    def text(self) -> str:
        return f"AMBUSH at {_h(self.target_hex)}: {self.ambusher} fires first — {self.fire.text()}; mover stops"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class AssaultResolved(Event):
    side: str
    attacker: str
    hex: HexRef
    target_hex: HexRef
    defenders: list[str]
    attacker_fire: list[FireResult]
    defender_fire: list[FireResult]
    result: str
    advanced: bool
    main_defender: str = ""  # the defender the assault's fire hit (`combat.main_defender`)
    why: str = ""  # the rule that decided `result` (broken, or 2+ steps lost and more than the attacker; held)

    def text(self) -> str:
        who = ", ".join(self.defenders)
        why = f" ({self.why})" if self.why else ""
        return f"Assault {self.attacker} {_h(self.hex)} → {_h(self.target_hex)} ({who}): {self.result}{why}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class ArtilleryFired(Event):
    side: str
    unit: str
    target_hex: HexRef
    spotter: str
    fire: list[FireResult]

    def text(self) -> str:
        lost = sum(f.losses for f in self.fire)
        return f"{self.unit} fires on {_h(self.target_hex)} (spotter: {self.spotter}): {counted(lost, 'step')} lost"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class SuspectedFire(Event):
    """An artillery mission on a suspected position: a hex with no known enemy but a fresh last-seen mark of one
    (`rules._do_suspected_fire`). The firer's side reads only what its observer saw: `fire` holds the results on
    units it now sees (hit, hence revealed); a unit that stayed hidden is in a `HiddenUnitShelled` of its own side,
    never here (an empty hex and an unhurt hidden unit read the same: "no observed effect")."""

    side: str
    unit: str
    target_hex: HexRef
    spotter: str
    mark_turn: int | None
    """The turn of the last-seen mark the mission was laid on. None in the target's side's reading
    (`engine.view.visible_log`): it learns that it came under fire at its hex, not when the firer marked it."""
    modifiers: list[Modifier]
    """The mission's own modifiers (the suspected position's, the spotter's), as every result carries them too."""
    fire: list[FireResult]

    def text(self) -> str:
        mods = ", ".join(m.text() for m in self.modifiers)
        lost = sum(f.losses for f in self.fire)
        if self.mark_turn is None:  # (the target's reading: its units still hidden lost no step, else they'd show)
            return (f"{self.unit} fires on a suspected position at {_h(self.target_hex)} (spotter: {self.spotter}; "
                    f"{mods}): {counted(lost, 'step')} lost")
        seen = f"{counted(lost, 'step')} lost" if self.fire else "no observed effect"
        return (f"{self.unit} fires on a suspected position at {_h(self.target_hex)} (last seen T{self.mark_turn}; "
                f"spotter: {self.spotter}; {mods}): {seen}")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class HiddenUnitShelled(Event):
    """A hidden unit under fire on its suspected position that lost no step and stays hidden: its own side's
    record (`engine.view.PRIVATE_EVENTS`: the firer must not learn it was there), with the roll."""

    side: str
    unit: str
    hex: HexRef
    firer: str
    fire: FireResult

    def text(self) -> str:
        return (f"{self.unit}, hidden at {_h(self.hex)}, comes under fire on its suspected position: "
                f"{self.fire.text()}; still hidden")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class AirDefenceEngaged(Event):
    side: str
    ad_unit: str
    drone: str
    hex: HexRef
    p_kill: float
    roll: float
    shot_down: bool

    def text(self) -> str:
        res = "SHOT DOWN" if self.shot_down else "missed"
        return (f"{self.ad_unit} engages {self.drone} near {_h(self.hex)}: {self.p_kill:.0%}, "
                f"roll {self.roll:.2f} → {res}")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class DroneStrike(Event):
    side: str
    unit: str
    target_hex: HexRef
    engagements: list[AirDefenceEngaged]
    aborted: bool
    fire: list[FireResult]
    expended: bool
    munitions_left: int = -1
    """For an expendable drone (`expended`): the munitions it has left after this strike (0: used up)."""

    def text(self) -> str:
        if self.aborted:
            return (f"{self.unit} strike on {_h(self.target_hex)} aborted: one aircraft shot down by air defence "
                    "(a step lost)")
        lost = sum(f.losses for f in self.fire)
        used = ""
        if self.expended and self.munitions_left == 0:
            used = f"; its last munition: {self.unit} is used up"
        elif self.expended and self.munitions_left > 0:
            used = f"; one munition expended, {self.munitions_left} left"
        return f"{self.unit} strikes {_h(self.target_hex)}: {counted(lost, 'step')} lost{used}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class ReconFlown(Event):
    side: str
    unit: str
    center: HexRef
    radius: int
    engagements: list[AirDefenceEngaged]
    shot_down: bool
    detected: list[str]

    def text(self) -> str:
        if self.shot_down:
            return f"{self.unit} recon over {_h(self.center)}: one aircraft shot down (a step lost)"
        det = f"; detected {', '.join(self.detected)}" if self.detected else ""
        return f"{self.unit} flies recon over {_h(self.center)} (radius {self.radius}), spotting for artillery{det}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class UnitDestroyed(Event):
    side: str
    unit: str
    unit_type: str
    hex: HexRef
    cause: str

    def text(self) -> str:
        return f"{self.unit} ({self.unit_type}) destroyed at {_h(self.hex)} {destroyed_how(self.cause)}"


DESTROYED_HOW = {"retreat": "in the rout: broken before the assault, it lost its last step falling back",
                 "surrender": "by surrender: broken and surrounded, with no hex to fall back to"}
"""How a unit was destroyed, where "by <cause>" does not say it ("DESTROYED at (18,10) by retreat": a new player)."""


def destroyed_how(cause: str) -> str:
    """"by artillery", or the words of `DESTROYED_HOW`, after "destroyed at (x,y)".

    >>> destroyed_how("artillery"), destroyed_how("retreat")[:12]
    ('by artillery', 'in the rout:')
    """
    return DESTROYED_HOW.get(cause, f"by {cause}")


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class UnitRetreated(Event):
    side: str
    unit: str
    from_hex: HexRef
    hex: HexRef | None
    reason: str
    steps_lost: int = 0
    """Steps the retreat itself costs (a second rout in a row: 1); a surrender's are in its `UnitDestroyed`."""

    def text(self) -> str:
        if self.hex is None:
            return f"{self.unit} cannot retreat from {_h(self.from_hex)} and surrenders ({self.reason})"
        return f"{self.unit} retreats {_h(self.from_hex)}→{_h(self.hex)} ({self.reason})"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class ControlChanged(Event):
    """A named place or an objective changes hands. Objectives are public (the briefing shows them and the
    score counts them); the enemy hears of another named place only if it saw the taker there:
    `taken_unseen` says the taker was hidden when it took the hex (an infiltrator in the woods)."""

    side: str
    hex: HexRef
    place: str | None
    taken_unseen: bool = False

    def text(self) -> str:
        unseen = ", unseen by the enemy" if self.taken_unseen else ""
        return f"{self.side} takes control of {_h(self.hex)}{' ' + self.place if self.place else ''}{unseen}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class RoadCut(Event):
    """Public: the road's users find it cut, and where (the enemy's map learns who holds that hex)."""

    road: str
    cut: bool
    reason: str

    def text(self) -> str:
        if not self.cut and self.reason == "open":  # (not "reopened: open", which an educator found odd)
            return f"{self.road} reopened"
        return f"{self.road} {'CUT' if self.cut else 'reopened'}: {self.reason}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class ObjectiveStatus(Event):
    objective: str
    attacker_hexes: int
    total_hexes: int
    held_by: str | None

    def text(self) -> str:
        who = f" — held by {self.held_by}" if self.held_by else ""
        return f"{self.objective}: attacker controls {self.attacker_hexes}/{self.total_hexes} hexes{who}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class SandboxEdit(Event):
    description: str
    side: str | None = None
    """A placement's unit's side, unit and hex; None for a weather edit, which every side sees. A placement is
    seen as a move is: by its own side, and by the enemy only if the unit stands unhidden in its view (a
    teacher's placing of a hidden ambush party once told the other side where it lay)."""
    unit: str | None = None
    hex: HexRef | None = None

    def text(self) -> str:
        return f"[sandbox] {self.description}"


@_event
@attrs.define(kw_only=True, unsafe_hash=True)
class GameOver(Event):
    winner: str
    reason: str

    def text(self) -> str:
        return f"GAME OVER (turn {self.turn}): {self.winner} wins — {self.reason}"


EVENT_TYPES: dict[str, type[Event]] = dict(_REGISTRY)

_conv = cattrs.Converter()
_conv.register_unstructure_hook(tuple, lambda t: list(t))
# an arrival where the scenario says keeps the log line it always had (no "entry_hex": null)
_conv.register_unstructure_hook(ReinforcementArrived, cattrs.gen.make_dict_unstructure_fn(
    ReinforcementArrived, _conv, entry_hex=cattrs.gen.override(omit_if_default=True),
    blocked=cattrs.gen.override(omit_if_default=True)))
# a turn whose weather moves nothing reads as it always did (no "move_factors": [], "movement": "")
_conv.register_unstructure_hook(WeatherReport, cattrs.gen.make_dict_unstructure_fn(
    WeatherReport, _conv, move_factors=cattrs.gen.override(omit_if_default=True),
    movement=cattrs.gen.override(omit_if_default=True), sandbox=cattrs.gen.override(omit_if_default=True)))
# an ordered move's line reads as it always did (no "why": "")
_conv.register_unstructure_hook(UnitMoved, cattrs.gen.make_dict_unstructure_fn(
    UnitMoved, _conv, why=cattrs.gen.override(omit_if_default=True)))
# a unit revealed for its own reason has no "stack_of": "" (logs before 0.19.0 read as they were written)
_conv.register_unstructure_hook(UnitRevealed, cattrs.gen.make_dict_unstructure_fn(
    UnitRevealed, _conv, stack_of=cattrs.gen.override(omit_if_default=True)))
# a weather edit reads as it always did (no "side", "unit", "hex": null)
_conv.register_unstructure_hook(SandboxEdit, cattrs.gen.make_dict_unstructure_fn(
    SandboxEdit, _conv, side=cattrs.gen.override(omit_if_default=True),
    unit=cattrs.gen.override(omit_if_default=True), hex=cattrs.gen.override(omit_if_default=True)))
# logs written before the assault's reason was recorded read as they were written
_conv.register_unstructure_hook(AssaultResolved, cattrs.gen.make_dict_unstructure_fn(
    AssaultResolved, _conv, main_defender=cattrs.gen.override(omit_if_default=True),
    why=cattrs.gen.override(omit_if_default=True)))


def routine(ev: Event, reader: str | None = None) -> bool:
    """A report a log reader can leave out to follow the fighting (a player counted a third of a game's log as
    such lines): a phase marker, the `reader` side's own unit going to ground (an enemy's, which only an
    educator's view shows, is what the class watches), an aircraft that can fly, a side all in supply. What
    changes something or explains a loss (grounded aircraft, units out of supply) is never routine."""
    kind = ev.kind
    if kind == "UnitHidden":
        return reader is None or getattr(ev, "side", None) == reader
    return (kind == "PhaseStarted" or (kind == "AirStatus" and not getattr(ev, "grounded", True))
            or (kind == "SupplyReport" and not getattr(ev, "out_of_supply", True)))


def key_events(pairs: list[tuple[int, Event]], reader: str | None = None) -> list[tuple[int, Event]]:
    """(log index, event) pairs a reader following the fighting keeps (key F): less the `routine` reports, and
    less a report that says again what the last one of its kind said: an aircraft grounded that was grounded at
    its last report, a side's same units out of supply as at its last report. An educator: with F on, "TB2
    grounded" and "out of supply" came back every turn of the low-cloud days and pushed the fighting out of the
    projector's five lines. The first such report, and any change (a drone flying again, a new unit cut off), stay.
    """
    grounded: dict[str, bool] = {}
    cut: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    out = []
    for i, ev in pairs:
        if isinstance(ev, AirStatus):
            was = grounded.get(ev.unit)
            grounded[ev.unit] = ev.grounded
            if ev.grounded and was:
                continue
        elif isinstance(ev, SupplyReport):
            now = (tuple(ev.out_of_supply), tuple(ev.beyond_range))
            was_cut = cut.get(ev.side)
            cut[ev.side] = now
            if now[0] and was_cut == now:
                continue
        if not routine(ev, reader):
            out.append((i, ev))
    return out


PHASE_ENDS = frozenset({"PhaseStarted", "TurnStarted", "ObjectiveStatus", "GameOver"})
"""Event kinds that close a phase: a phase marker followed by one of them marks a phase in which nothing
happened."""


def empty_phase(ev: Event, following: Event | None) -> bool:
    """Is `ev` the marker of a phase in which nothing happened (`following`: the next event shown, None when
    none has come yet: the phase is still going on)? The log panel and `run -v` leave those out: half the
    lines of a lesson's log were "attacker: air phase" and the like, and pushed the ambush out of view."""
    return ev.kind == "PhaseStarted" and following is not None and following.kind in PHASE_ENDS


def without_empty_phases(pairs: list[tuple[int, Event]]) -> list[tuple[int, Event]]:
    """(log index, event) pairs less the markers of phases in which nothing happened (`empty_phase`); the last
    marker stays (its phase may be going on)."""
    return [p for k, p in enumerate(pairs) if not empty_phase(p[1], pairs[k + 1][1] if k + 1 < len(pairs) else None)]


def event_to_dict(ev: Event) -> dict[str, Any]:
    return {"kind": ev.kind, **_conv.unstructure(ev)}


def event_to_json(ev: Event) -> str:
    return json.dumps(event_to_dict(ev), ensure_ascii=False, separators=(",", ":"))


def event_from_dict(d: dict[str, Any]) -> Event:
    try:
        kind = d["kind"]
        cls = EVENT_TYPES[kind]
        body = {k: v for k, v in d.items() if k != "kind"}
        return _conv.structure(body, cls)
    except (KeyError, TypeError, ValueError, cattrs.BaseValidationError) as e:
        raise SaveFormatError(f"not a valid event: {str(d)[:80]} ({type(e).__name__})") from None


def jsonl_text(events: list[Event]) -> str:
    """The event log as JSON lines, one event a line: what `write_jsonl` writes, `wargame run --log -` prints and
    a Dask worker sends back for `--logs`."""
    return "".join(event_to_json(e) + "\n" for e in events)


def write_jsonl(events: list[Event], path: str) -> None:
    from engine.fileio import atomic_write_text

    atomic_write_text(path, jsonl_text(events))


def read_jsonl(path: str) -> list[Event]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(event_from_dict(json.loads(line)))
            except json.JSONDecodeError as e:
                raise SaveFormatError(f"{path}:{n}: not JSON ({e.msg})") from None
    return out
