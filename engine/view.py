"""`observe(state, side)`: the only way an AI or the UI sees a game. Fog of war and hotseat are then correct
by construction: a SideView holds the side's own units, the enemy units it can see now, and query methods
that use only that knowledge.
"""

from __future__ import annotations

import attrs
import numpy as np

from engine import combat
from engine.mapdata import GameMap
from engine.movement import legal_destinations, reachable
from engine.orders import Order
from engine.scenario import Scenario
from engine.state import GameState, Score
from engine.units import SIDES, Unit, other
from engine.visibility import known_enemies, spotter_for, visible_hexes
from engine.weather import WeatherTurn


@attrs.frozen
class ContactView:
    """An enemy unit as the observing side sees it."""

    id: str
    side: int
    type: str
    idx: int
    hex: tuple[int, int]
    strength: int


class SideView:
    def __init__(self, state: GameState, side: int) -> None:
        self._state = state
        self.side = side
        self.side_name = SIDES[side]
        self.scenario: Scenario = state.scenario
        self.map: GameMap = state.map
        self.turn = state.turn
        self.phase = state.phase
        self.to_move = state.side
        self.night = state.night
        self.weather: WeatherTurn = state.weather
        self.own: list[Unit] = [u.copy() for u in state.units if u.side == side]
        self.contacts: list[ContactView] = [
            ContactView(u.id, u.side, u.type, u.idx, state.map.hex_of(u.idx), u.strength)
            for u in known_enemies(state, side)
        ]
        self.visible: np.ndarray = visible_hexes(state, side)
        self.recon_cover: np.ndarray = state.recon_cover[side].copy()
        self.control: np.ndarray = state.control.copy()
        self.grounded: dict[str, str | None] = {
            k: v for k, v in state.grounded.items() if state.unit(k).side == side
        }
        self.road_cut = state.road_cut
        self.outcome = state.outcome
        self.score: Score = state.score

    # ------------------------------------------------------------------ knowledge-safe queries
    def unit(self, uid: str) -> Unit:
        for u in self.own:
            if u.id == uid:
                return u
        raise KeyError(uid)

    def legal_orders(self) -> list[Order]:
        from engine.rules import legal_orders

        return legal_orders(self._state, self.side)

    def destinations(self, uid: str) -> dict[int, tuple[float, int]]:
        return legal_destinations(self._state, self._state.unit(uid))

    def reachable(self, uid: str) -> dict[int, tuple[float, int]]:
        return reachable(self._state, self._state.unit(uid))

    def assault_odds(self, uid: str, idx: int) -> tuple[combat.FireOdds, list[combat.FireOdds]]:
        """Odds of assaulting hex `idx`: the same function the resolution uses."""
        st = self._state
        if not any(c.idx == idx for c in self.contacts):
            raise ValueError("no known enemy there")
        return combat.assault_odds(st, st.unit(uid), idx)

    def fire_preview(self, uid: str, idx: int, context: str = "artillery") -> float:
        """Expected steps destroyed by `uid` firing (artillery or strike) at the known enemies at `idx`."""
        st = self._state
        u = st.unit(uid)
        total = 0.0
        for c in self.contacts:
            if c.idx == idx:
                total += combat.fire_odds(st, u, st.unit(c.id), context).expected_losses
        return total

    def check(self, order: Order) -> str | None:
        """Why `order` would be refused now, or None."""
        from engine.rules import check

        if self._state.side != self.side:
            return "not this side's turn"
        return check(self._state, order)

    def spotter(self, idx: int) -> str | None:
        return spotter_for(self._state, self.side, idx)

    def enemy_side(self) -> int:
        return other(self.side)


def observe(state: GameState, side: int) -> SideView:
    return SideView(state, side)
