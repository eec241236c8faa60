"""Unit types (data a scenario can override or extend) and unit instances (mutable game state)."""

from __future__ import annotations

import attrs

ATTACKER = 0
DEFENDER = 1
SIDES: tuple[str, str] = ("attacker", "defender")
MAX_COHESION = 3


def other(side: int) -> int:
    return 1 - side


SYMBOLS: tuple[str, ...] = ("infantry", "special_forces", "mech_infantry", "motorized", "armour", "artillery",
                            "rocket_artillery", "air_defence", "uav")
"""The NATO-style symbols the UI draws (`UnitType.symbol`): a scenario author's "engineer" validated and was drawn
as a blank counter."""
AIR_ROLES: tuple[str, ...] = ("strike", "loiter", "recon")
"""What an air unit flies (`UnitType.air_role`): armed strikes, loitering-munition strikes, recon sorties."""


@attrs.frozen
class UnitType:
    name: str
    label: str
    symbol: str
    """NATO-style symbol key used by the UI: infantry, special_forces, mech_infantry, motorized, armour,
    artillery, rocket_artillery, air_defence, uav."""
    domain: str = "ground"  # ground | air
    mobility: str = "foot"  # foot | sf | wheeled | tracked | air
    move_points: float = 4.0
    max_steps: int = 3
    firepower_soft: int = 3
    """Per-step fire value against soft targets (infantry, special forces)."""
    firepower_hard: int = 1
    """Per-step fire value against heavy targets (vehicles, guns)."""
    protection: int = 1
    range_hexes: int = 1
    indirect: bool = False
    close_fire: int = 0
    """Fire value of a unit whose weapon is indirect when it is assaulted (its crews' small arms; 0: it does
    not fire back)."""
    vision_hexes: int = 3
    detect: int = 1
    """Range at which this unit detects hidden enemies, before the target hex's concealment is subtracted."""
    signature: int = 0
    """How visible the unit is; adds to an enemy's detection range."""
    heavy: bool = False
    """Heavy equipment: the favourite target of armed drones."""
    can_hide: bool = True
    can_ambush: bool = False
    ambush_withdraw: bool = False
    """After firing from ambush the unit breaks contact at once (`rules._ambush_withdrawal`): it slips one hex
    into cover, next to no enemy its side knows of, goes to ground there at the end of its side and can
    fire from ambush again. False (the default): it stays where it fired, in contact with its target."""
    can_assault: bool = True
    night_capable: bool = False
    infiltrates: bool = False
    """Ignores enemy zones of control when entering concealing terrain (forest, ravine)."""
    # air units
    air_role: str | None = None  # strike | loiter | recon
    min_ceiling_m: float = 0.0
    min_visibility_km: float = 0.0
    grounded_by_fog: str = "none"  # fog level from which the type cannot fly: patchy | thick | none
    sortie_radius_hexes: int = 0
    recon_radius_hexes: int = 0
    expendable: bool = False
    """Loitering munitions spend one step per sortie."""
    # air defence
    ad_range_hexes: int = 0
    ad_kill_p: float = 0.0
    """Chance per engagement that this air-defence unit downs a drone in range."""


DEFAULT_UNIT_TYPES: dict[str, UnitType] = {
    t.name: t
    for t in [
        UnitType("special_forces", "Special forces", "special_forces", mobility="sf", move_points=3,
                 firepower_soft=5, firepower_hard=2, protection=1, vision_hexes=3, detect=2, signature=0,
                 can_ambush=True, night_capable=True, infiltrates=True),
        UnitType("infantry", "Infantry (reservists/volunteers)", "infantry", mobility="foot", move_points=4,
                 firepower_soft=3, firepower_hard=2, protection=1, vision_hexes=3, detect=1, signature=0,
                 can_ambush=True),
        UnitType("motor_rifle", "Motor rifles", "motorized", mobility="wheeled", move_points=8,
                 firepower_soft=3, firepower_hard=2, protection=1, vision_hexes=3, detect=1, signature=1,
                 heavy=True, can_hide=False),
        UnitType("mech_infantry", "Mechanised infantry", "mech_infantry", mobility="tracked", move_points=6,
                 firepower_soft=4, firepower_hard=3, protection=2, vision_hexes=3, detect=1, signature=1,
                 heavy=True, can_hide=False),
        UnitType("tank", "Tanks", "armour", mobility="tracked", move_points=6,
                 firepower_soft=5, firepower_hard=5, protection=3, vision_hexes=3, detect=1, signature=2,
                 heavy=True, can_hide=False),
        UnitType("howitzer", "Towed artillery", "artillery", mobility="wheeled", move_points=4,
                 firepower_soft=3, firepower_hard=2, protection=0, range_hexes=12, indirect=True, close_fire=1,
                 vision_hexes=2, signature=1, heavy=True, can_hide=True, can_assault=False),
        UnitType("mlrs", "Multiple rocket launchers", "rocket_artillery", mobility="wheeled", move_points=6,
                 firepower_soft=4, firepower_hard=2, protection=0, range_hexes=16, indirect=True, close_fire=1,
                 vision_hexes=2, signature=2, heavy=True, can_hide=False, can_assault=False),
        UnitType("air_defence", "Air defence", "air_defence", mobility="tracked", move_points=5, max_steps=2,
                 firepower_soft=1, firepower_hard=1, protection=1, vision_hexes=3, signature=2, heavy=True,
                 can_hide=False, can_assault=False, ad_range_hexes=4, ad_kill_p=0.15),
        UnitType("armed_drone", "Armed drones (TB2-class)", "uav", domain="air", mobility="air", move_points=0,
                 firepower_soft=2, firepower_hard=6, protection=0, vision_hexes=0, can_hide=False,
                 can_assault=False, air_role="strike", min_ceiling_m=1200, min_visibility_km=3,
                 grounded_by_fog="patchy", sortie_radius_hexes=40),
        UnitType("loitering_munition", "Loitering munitions (Harop-class)", "uav", domain="air",
                 mobility="air", move_points=0, max_steps=4, firepower_soft=2, firepower_hard=7, protection=0,
                 vision_hexes=0, can_hide=False, can_assault=False, air_role="loiter", min_ceiling_m=1000,
                 min_visibility_km=2, grounded_by_fog="patchy", sortie_radius_hexes=40, expendable=True),
        UnitType("recon_drone", "Recon drone (Orlan-10-class)", "uav", domain="air", mobility="air",
                 move_points=0, max_steps=2, firepower_soft=0, firepower_hard=0, protection=0, detect=2,
                 vision_hexes=0, can_hide=False, can_assault=False, air_role="recon", min_ceiling_m=150,
                 min_visibility_km=0.5, grounded_by_fog="thick", sortie_radius_hexes=25,
                 recon_radius_hexes=2),
    ]
}


def _flags(t: UnitType) -> str:
    """The type's yes/no abilities that differ from a plain unit's, in words (an air unit never hides nor
    assaults: not said)."""
    on = [w for w, v in (("heavy", t.heavy), ("indirect fire", t.indirect), ("ambushes", t.can_ambush),
                         ("slips away after an ambush", t.ambush_withdraw), ("night-capable", t.night_capable),
                         ("infiltrates", t.infiltrates), ("expendable", t.expendable)) if v]
    if t.domain != "air":
        on += [w for w, v in (("cannot hide", not t.can_hide), ("does not assault", not t.can_assault)) if v]
    return ", ".join(on) or "—"


GROUND_TYPE_COLUMNS = ("type", "label (symbol)", "mobility", "MP", "steps", "fire soft/hard", "protection",
                       "range", "close fire", "vision", "detect", "signature", "air defence", "abilities")
AIR_TYPE_COLUMNS = ("type", "label", "role", "steps", "fire soft/hard", "radius", "recon radius", "detect",
                    "flies with cloud base ≥ / visibility ≥", "grounded by fog", "abilities")


def type_rows(types: dict[str, UnitType]) -> tuple[list[list[str]], list[list[str]]]:
    """(ground rows, air rows) of a unit-type table as text, in the table's order (`GROUND_TYPE_COLUMNS`,
    `AIR_TYPE_COLUMNS`): the defaults in docs/scenario_format.md and `wargame types` (a scenario's, overrides
    included). An author set guns out of range for a whole game: the howitzer's 12 hexes were only in the code."""
    def n(v: float) -> str:
        return f"{v:g}"

    ground, air = [], []
    for t in types.values():
        fire = f"{t.firepower_soft}/{t.firepower_hard}"
        if t.domain == "air":
            air.append([t.name, t.label, t.air_role or "—", str(t.max_steps), fire, str(t.sortie_radius_hexes),
                        str(t.recon_radius_hexes) if t.recon_radius_hexes else "—", str(t.detect),
                        f"{n(t.min_ceiling_m)} m / {n(t.min_visibility_km)} km", t.grounded_by_fog, _flags(t)])
        else:
            ad = f"{t.ad_range_hexes} hexes, {t.ad_kill_p:.0%}" if t.ad_range_hexes else "—"
            ground.append([t.name, f"{t.label} ({t.symbol})", t.mobility, n(t.move_points), str(t.max_steps), fire,
                           str(t.protection), str(t.range_hexes) if t.indirect else "—",
                           str(t.close_fire) if t.indirect else "—", str(t.vision_hexes), str(t.detect),
                           str(t.signature), ad, _flags(t)])
    return ground, air


def types_markdown(types: dict[str, UnitType] | None = None) -> str:
    """The unit types' values as two Markdown tables (ground, air): docs/scenario_format.md holds the defaults'
    (a test keeps them in step)."""
    ground, air = type_rows(DEFAULT_UNIT_TYPES if types is None else types)

    def table(head: tuple[str, ...], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return lines + ["| " + " | ".join([f"`{r[0]}`", *r[1:]]) + " |" for r in rows]

    return "\n".join([*table(GROUND_TYPE_COLUMNS, ground), "", *table(AIR_TYPE_COLUMNS, air)]) + "\n"


@attrs.define(slots=True)
class Unit:
    """A unit in play. `idx` is its flat hex index (row * cols + col); off-map units keep their anchor."""

    id: str
    side: int
    type: str
    idx: int
    strength: int
    name: str = ""
    hidden: bool = False
    offmap: bool = False
    arrives_turn: int = 1
    arrived: bool = False
    cohesion: int = MAX_COHESION
    moved: bool = False
    fired: bool = False
    supplied: bool = True
    turns_out_of_supply: int = 0

    @property
    def alive(self) -> bool:
        return self.strength > 0

    @property
    def active(self) -> bool:
        """In play: arrived and not destroyed."""
        return self.arrived and self.strength > 0

    def copy(self) -> Unit:
        return Unit(self.id, self.side, self.type, self.idx, self.strength, self.name, self.hidden, self.offmap,
                    self.arrives_turn, self.arrived, self.cohesion, self.moved, self.fired, self.supplied,
                    self.turns_out_of_supply)
