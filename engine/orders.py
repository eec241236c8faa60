"""Orders: what a player or an AI asks for. Plain frozen attrs classes, (de)serialised for saves/replays."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from engine.errors import SaveFormatError
from engine.units import SIDES

HexRef = tuple[int, int]


@attrs.frozen
class Order:
    kind: ClassVar[str] = "Order"


_ORDERS: dict[str, type[Order]] = {}


def _order(cls: type[Order]) -> type[Order]:
    cls.kind = cls.__name__
    _ORDERS[cls.__name__] = cls
    return cls


@_order
@attrs.frozen
class EndPhase(Order):
    """Finish the current phase (air → artillery → movement → assault → other side)."""

    side: str


@_order
@attrs.frozen
class Move(Order):
    unit: str
    to: HexRef


@_order
@attrs.frozen
class Fire(Order):
    """Indirect fire (artillery, MLRS, off-map batteries) at a spotted hex."""

    unit: str
    target: HexRef


@_order
@attrs.frozen
class Strike(Order):
    """An armed-drone or loitering-munition sortie against a spotted hex."""

    unit: str
    target: HexRef


@_order
@attrs.frozen
class Recon(Order):
    """A recon-drone sortie: spots (and detects in) the hexes around `target` for this side's turn."""

    unit: str
    target: HexRef


@_order
@attrs.frozen
class Assault(Order):
    unit: str
    target: HexRef


@_order
@attrs.frozen
class SandboxPlace(Order):
    """Educator sandbox: put a unit on any hex it may stand on (no rules, no draws)."""

    unit: str
    to: HexRef


@_order
@attrs.frozen
class SandboxStrength(Order):
    """Educator sandbox: set a unit's strength, 1 step to its type's `max_steps` (an ambush party of one step
    fired one shot at 50%: a teacher's set-up missed half the time)."""

    unit: str
    strength: int


@_order
@attrs.frozen
class SandboxHide(Order):
    """Educator sandbox: hide a ground unit that stands in cover (concealment 1 or more), or reveal it: an ambush
    set up again after it was sprung, without playing to the end of the side's turn."""

    unit: str
    hidden: bool


@_order
@attrs.frozen
class SandboxWeather(Order):
    """Educator sandbox: replace the weather of the current turn with a preset or the scheduled weather."""

    preset: str  # historical | clear | overcast | fog


@_order
@attrs.frozen
class SandboxCloudBase(Order):
    """Educator sandbox: set the cloud base, the rest of the weather kept. No preset shows the record's case of
    armed drones grounded while a recon drone flies: overcast's 400 m grounds the attacker's Orbiter (800 m) too.
    A cloud base between two aircraft's limits does (`engine.weather.cloud_base_steps`)."""

    ceiling_m: int


ORDER_TYPES: dict[str, type[Order]] = dict(_ORDERS)

END_PHASE: dict[str, EndPhase] = {side: EndPhase(side) for side in SIDES}
"""One `EndPhase` per side, shared (orders are immutable): a game gives some 80 of them, and building a frozen
attrs object costs about a microsecond."""


def order_to_dict(o: Order) -> dict[str, Any]:
    d: dict[str, Any] = {"order": o.kind}
    for f in attrs.fields(type(o)):
        v = getattr(o, f.name)
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


def order_from_dict(d: Any) -> Order:
    if not isinstance(d, dict) or not isinstance(d.get("order"), str) or d["order"] not in ORDER_TYPES:
        raise SaveFormatError(f"not a valid order: {str(d)[:80]}")
    cls = ORDER_TYPES[d["order"]]
    kwargs: dict[str, Any] = {}
    for f in attrs.fields(cls):
        if f.name not in d:
            raise SaveFormatError(f"order {d['order']} lacks field {f.name!r}")
        v = d[f.name]
        if f.name in ("to", "target"):
            if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v)):
                raise SaveFormatError(f"order {d['order']}.{f.name}: expected [col, row], got {v!r}")
            v = (v[0], v[1])
        elif f.name in ("strength", "ceiling_m"):
            if type(v) is not int:
                raise SaveFormatError(f"order {d['order']}.{f.name}: expected an integer, got {v!r}")
        elif f.name == "hidden":
            if type(v) is not bool:
                raise SaveFormatError(f"order {d['order']}.{f.name}: expected true or false, got {v!r}")
        elif not isinstance(v, str):
            raise SaveFormatError(f"order {d['order']}.{f.name}: expected a string, got {v!r}")
        kwargs[f.name] = v
    return cls(**kwargs)
