"""Terrain and hexside effects as data (like Wesnoth movetypes): tables a scenario can override.

A move cost of ``None`` means impassable for that mobility class. Costs are in movement points.
"""

from __future__ import annotations

import attrs

MOBILITY_CLASSES: tuple[str, ...] = ("foot", "sf", "wheeled", "tracked")
"""Ground mobility classes; `sf` is special forces (foot, trained for ravines, forest and cliffs)."""
MOBILITY_WORDS: dict[str, str] = {"foot": "foot", "sf": "special forces", "wheeled": "wheeled",
                                  "tracked": "tracked"}
"""Each class as a sentence names it ("a special forces unit", not "a sf unit")."""


@attrs.frozen
class TerrainType:
    code: str
    name: str
    move_cost: dict[str, float | None]
    defence: int = 0
    """Added to the defender's protection when fired at or assaulted in this terrain."""
    concealment: int = 0
    """Makes hidden units harder to detect; >= 1 lets units go hidden."""
    ambush: int = 0
    """Bonus to a hidden unit's first fire from this terrain; 0 means no ambush is possible here."""
    los_height_m: float = 0.0
    """Height of trees or buildings above the ground that blocks lines of sight passing over the hex."""
    vehicle_cover: int = 0
    """Extra protection against drones/artillery for heavy units (tree cover)."""
    colour: str | None = None
    """The map's fill for this terrain, "#rrggbb" (no rule reads it): an author's lake came out sand-coloured and
    the marsh water-blue, and nothing said how to choose (None: the palette's, or for an added terrain one of a
    few fills in turn)."""


@attrs.frozen
class HexsideFeature:
    """A feature on hex edges, added to the cost of entering the hex beyond it; a scenario's
    ``"hexside_types"`` overrides the numbers (`engine.scenario._resolve_hexsides`). Its fire modifiers are the
    scenario's combat rules (`engine.scenario.CombatRules`)."""

    name: str
    extra_cost_up: dict[str, float | None]
    """Extra cost, by mobility class, of crossing the edge: up a cliff (from its foot to its top), across a
    river either way; None = impassable."""
    extra_cost_down: dict[str, float | None]
    """Extra cost of going down a cliff (from its top); a river has no top, so it equals `extra_cost_up`."""


DEFAULT_TERRAIN: dict[str, TerrainType] = {
    "p": TerrainType("p", "plain", {"foot": 1, "sf": 1, "wheeled": 1, "tracked": 1},
                     defence=0, concealment=0, ambush=0, los_height_m=0),
    "h": TerrainType("h", "hills", {"foot": 2, "sf": 1.5, "wheeled": 2, "tracked": 2},
                     defence=1, concealment=1, ambush=0, los_height_m=0),
    "m": TerrainType("m", "mountain", {"foot": 3, "sf": 2.5, "wheeled": 6, "tracked": 5},
                     defence=1, concealment=1, ambush=0, los_height_m=0),
    "f": TerrainType("f", "forest", {"foot": 3, "sf": 2.5, "wheeled": 6, "tracked": 5},
                     defence=1, concealment=2, ambush=1, los_height_m=20, vehicle_cover=1),
    "r": TerrainType("r", "ravine", {"foot": 3, "sf": 2.5, "wheeled": 9, "tracked": 8},
                     defence=1, concealment=2, ambush=2, los_height_m=10, vehicle_cover=1),
    "t": TerrainType("t", "town", {"foot": 1, "sf": 1, "wheeled": 1, "tracked": 1},
                     defence=2, concealment=1, ambush=0, los_height_m=12, vehicle_cover=1),
    "v": TerrainType("v", "village", {"foot": 1, "sf": 1, "wheeled": 1, "tracked": 1},
                     defence=1, concealment=1, ambush=0, los_height_m=6),
}

ROAD_COST: dict[str, dict[str, float]] = {
    "main": {"foot": 0.5, "sf": 0.5, "wheeled": 0.34, "tracked": 0.5},
    "secondary": {"foot": 0.5, "sf": 0.5, "wheeled": 0.5, "tracked": 0.6},
    "track": {"foot": 1.5, "sf": 1.5, "wheeled": 5.0, "tracked": 4.0},
}
"""Cost of moving along a road edge, by road kind; replaces terrain and river costs (bridges, switchbacks).
A `track` is a forest path widened by engineers: passable for vehicles, but slow."""
SUPPLY_ROAD_COST_BY_KIND: dict[str, float] = {"main": 0.25, "secondary": 0.35, "track": 0.5}
"""Supply is traced like a truck along roads, like porters elsewhere: `SUPPLY_OFFROAD_FACTOR` times the cheaper of
the foot and special-forces move costs (a mountain hex: 2 × 2.5 = 5, not 2 × 3)."""

SUPPLY_OFFROAD_FACTOR = 2.0

DEFAULT_HEXSIDES: dict[str, HexsideFeature] = {
    "cliff": HexsideFeature(
        "cliff",
        extra_cost_up={"foot": None, "sf": 3, "wheeled": None, "tracked": None},
        extra_cost_down={"foot": 2, "sf": 1, "wheeled": None, "tracked": None},
    ),
    "river": HexsideFeature(
        "river",
        extra_cost_up={"foot": 1, "sf": 0.5, "wheeled": 2, "tracked": 1},
        extra_cost_down={"foot": 1, "sf": 0.5, "wheeled": 2, "tracked": 1},
    ),
}
"""The default hexside table; a road edge over a river replaces the river's cost (a bridge), and a road may
not cross a cliff."""


@attrs.frozen
class WeatherMoveFactor:
    """How the ground of one precipitation state slows one mobility class: factors on its edge costs (mud for
    wheels off the road, snow on the heights). A scenario's ``"weather_movement"`` gives them; a class or state
    it leaves out moves at the dry costs."""

    off_road: float = 1.0
    """Factor on the cost of entering a hex off the road (terrain and hexside costs together)."""
    road: float = 1.0
    """Factor on the cost of a move along a road edge."""
    terrain: dict[str, float] = attrs.Factory(dict)
    """Off-road factor by terrain code of the hex entered, in place of `off_road` (snow on mountains)."""

    def is_identity(self) -> bool:
        return self.off_road == 1 and self.road == 1 and all(v == 1 for v in self.terrain.values())


DEFAULT_WEATHER_MOVEMENT: dict[str, dict[str, WeatherMoveFactor]] = {}
"""The default weather-movement table: none, so the weather moves nothing unless a scenario says how (every
scenario written before the table moves as it did)."""
WEATHER_MOVE_FACTOR_RANGE: tuple[float, float] = (0.1, 100.0)
"""Allowed factors: above 0 (a factor of 0 would make moves free; passability is the terrain table's)."""
