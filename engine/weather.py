"""Per-turn weather: the historical schedule, fixed presets, or a seeded stochastic variant.

Weather decides what can fly: armed drones need a clear view from altitude, a low-flying recon drone only
needs to stay under the cloud and out of thick fog.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from engine.scenario import FOG_LEVELS, Scenario, WeatherEntry
from engine.units import UnitType

PRESETS: dict[str, tuple[float, float, str, str]] = {
    # ceiling_m, visibility_km, fog, precipitation
    "clear": (4000.0, 30.0, "none", "none"),
    "overcast": (400.0, 5.0, "none", "rain"),
    "fog": (100.0, 0.3, "thick", "none"),
}


CLOUD_BASE_RANGE_M = (10, 10000)
"""The cloud bases a sandbox may set (`SandboxCloudBase`), in metres above the ground."""


def cloud_base_steps(scen: Scenario) -> tuple[int, ...]:
    """The cloud bases at which the scenario's air units change between flying and grounded: one under the lowest
    limit (everything grounded by cloud), each air type's `min_ceiling_m`, and clear's high base. A sandbox key
    steps through them, so each step lets one more type fly (Shusha: 75, 150, 800, 1000, 1200, 4000 m: at 800 m
    the attacker's Orbiter spots while the armed drones and the Harop stay grounded)."""
    limits = sorted({math.ceil(t.min_ceiling_m) for t in (scen.unit_table[u.type] for u in scen.units)
                     if t.domain == "air" and t.min_ceiling_m > 0})
    top = int(PRESETS["clear"][0])
    low = [max(CLOUD_BASE_RANGE_M[0], limits[0] // 2)] if limits and limits[0] > CLOUD_BASE_RANGE_M[0] else []
    return tuple(low + [c for c in limits if c < top] + [top])


@attrs.frozen
class WeatherTurn:
    turn: int
    ceiling_m: float
    visibility_km: float
    fog: str = "none"
    precipitation: str = "none"


def weather_schedule(scen: Scenario, mode: str | None, rng: np.random.Generator) -> list[WeatherTurn]:
    """Weather for turns 1..N. `rng` is the game's weather stream, so orders never shift the weather. A scenario's
    `weather.cloud_base_m` replaces every turn's ceiling, the rest as the mode gives it."""
    turns = _mode_schedule(scen, mode, rng)
    held = scen.weather.cloud_base_m
    return turns if held is None else [attrs.evolve(w, ceiling_m=float(held)) for w in turns]


def _mode_schedule(scen: Scenario, mode: str | None, rng: np.random.Generator) -> list[WeatherTurn]:
    mode = mode or scen.weather.mode
    by_turn = {e.turn: e for e in scen.weather.schedule}
    if mode in PRESETS:
        c, v, f, p = PRESETS[mode]
        return [WeatherTurn(t, c, v, f, p) for t in range(1, scen.turns + 1)]
    base = [by_turn.get(t) or WeatherEntry(t, 3000.0, 20.0) for t in range(1, scen.turns + 1)]
    if mode == "historical":
        return [WeatherTurn(e.turn, e.ceiling_m, e.visibility_km, e.fog, e.precipitation) for e in base]
    if mode == "stochastic":
        return _stochastic(base, rng)
    raise ValueError(f"unknown weather mode {mode!r}; expected historical, stochastic, clear, overcast or fog")


def _stochastic(base: list[WeatherEntry], rng: np.random.Generator) -> list[WeatherTurn]:
    """Persistent (AR(1)) log-normal noise around the schedule, and fog that may come or go by one level.

    Precipitation is kept as scheduled, on purpose: what it moves is the ground (``weather_movement``: mud,
    snow cover), a state with days of memory that whether it rains in a given turn does not capture, while this
    noise models the hour-to-hour cloud, visibility and fog that decide whether aircraft fly. Flipping it turn
    by turn would make mud come and go every few hours; other ground is a what-if to sweep (`--set` on the
    schedule or the ``weather_movement`` table), not noise. (And the weather stream's draws stay as they were.)
    """
    out: list[WeatherTurn] = []
    dev = 0.0
    for e in base:
        dev = 0.6 * dev + rng.normal(0.0, 0.45)
        ceiling = float(np.clip(e.ceiling_m * math.exp(dev), 50.0, 8000.0))
        vis = float(np.clip(e.visibility_km * math.exp(dev * 0.8), 0.1, 50.0))
        fog_i = FOG_LEVELS.index(e.fog)
        u = rng.random()
        if u < 0.15:
            fog_i = max(0, fog_i - 1)
        elif u > 0.85:
            fog_i = min(2, fog_i + 1)
        if fog_i == 2:
            vis = min(vis, 0.5)
        out.append(WeatherTurn(e.turn, round(ceiling), round(vis, 1), FOG_LEVELS[fog_i], e.precipitation))
    return out


@attrs.frozen
class FlightLimit:
    """One way the weather grounds an air unit type, as data: the UI groups grounded drones by `condition`
    and analysts count causes without parsing the event text."""

    kind: str
    """"fog", "ceiling" or "visibility"."""
    condition: str
    """The weather as it is: "patchy fog", "cloud base 400 m", "visibility 2 km"."""
    needed: str = ""
    """What the type needs ("1200 m needed"); empty for fog, which grounds the type outright."""
    value: float | None = None
    """The weather's figure: the cloud base in m or the visibility in km (None for fog)."""
    minimum: float | None = None
    """The type's minimum of that figure (`min_ceiling_m`, `min_visibility_km`; None for fog)."""

    def text(self) -> str:
        return f"{self.condition} < {self.needed}" if self.needed else self.condition


def flight_limits(ut: UnitType, w: WeatherTurn) -> tuple[FlightLimit, ...]:
    """Every weather limit that grounds the air unit type this turn (none: it can fly), fog first.

    >>> from engine.units import DEFAULT_UNIT_TYPES as T
    >>> [x.condition for x in flight_limits(T["armed_drone"], WeatherTurn(1, 400, 2, "patchy", "none"))]
    ['patchy fog', 'cloud base 400 m', 'visibility 2 km']
    """
    out = []
    if ut.grounded_by_fog != "none" and FOG_LEVELS.index(w.fog) >= FOG_LEVELS.index(ut.grounded_by_fog):
        out.append(FlightLimit("fog", f"{w.fog} fog"))
    if w.ceiling_m < ut.min_ceiling_m:
        out.append(FlightLimit("ceiling", f"cloud base {w.ceiling_m:.0f} m", f"{ut.min_ceiling_m:.0f} m needed",
                               float(w.ceiling_m), float(ut.min_ceiling_m)))
    if w.visibility_km < ut.min_visibility_km:
        out.append(FlightLimit("visibility", f"visibility {w.visibility_km:g} km",
                               f"{ut.min_visibility_km:g} km needed", float(w.visibility_km),
                               float(ut.min_visibility_km)))
    return tuple(out)


def flight_check(ut: UnitType, w: WeatherTurn) -> str | None:
    """None if the air unit can fly in this weather, else every reason it is grounded (a lesson needs the
    low cloud named even on a foggy morning): `flight_limits` as one text, the reason `AirStatus` gives.

    >>> from engine.units import DEFAULT_UNIT_TYPES as T
    >>> flight_check(T["armed_drone"], WeatherTurn(1, 400, 5, "none", "none"))
    'cloud base 400 m < 1200 m needed'
    >>> flight_check(T["armed_drone"], WeatherTurn(1, 400, 2, "patchy", "none"))
    'patchy fog; cloud base 400 m < 1200 m needed; visibility 2 km < 3 km needed'
    >>> flight_check(T["recon_drone"], WeatherTurn(1, 400, 5, "none", "none")) is None
    True
    """
    return "; ".join(x.text() for x in flight_limits(ut, w)) or None


def ground_vision_cap(w: WeatherTurn, night: bool, night_capable: bool, hex_km: float) -> int:
    """How many hexes a ground observer can see: limited by visibility, fog and darkness."""
    cap = max(1, int(w.visibility_km / hex_km))
    if w.fog == "thick":
        cap = 1
    elif w.fog == "patchy":
        cap = min(cap, 2)
    if night:
        cap = min(cap, 2 if night_capable else 1)
    return cap
