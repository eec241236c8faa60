"""A move onto a hex the unit can never step into says so (a teacher's BMP was told a ravine was "out of reach this
turn" and offered a go-to order: a ravine costs tracked units 8 MP and they have 6 a turn)."""

from __future__ import annotations

import pygame
from conftest import app_of, goto, shusha_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.movement import cheapest_way_in
from engine.orders import Move
from engine.rules import check, new_game
from engine.weather import WeatherTurn


def _shusha_movement():
    return goto(new_game(shusha_scenario(), 1), "attacker", "movement")


def test_a_ravine_is_never_in_reach_of_a_tracked_unit():
    s = _shusha_movement()
    why = check(s, Move("az_mech_1", (26, 20)))
    assert why == "az_mech_1 (tracked) can never enter ravine at (26,20): the cheapest way in costs 8 MP, and it has " \
                  "6 MP a turn"
    far = check(s, Move("az_mech_1", (10, 10)))  # (a hex it could enter, far away: out of reach this turn only)
    assert far is not None and "out of reach for az_mech_1 this turn" in far and "never" not in far


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 49 * 45 - 1), st.sampled_from(["foot", "sf", "wheeled", "tracked"]))
def test_the_cheapest_way_in_is_the_least_of_the_edges_into_the_hex(dest, mob):
    s = _shusha_movement()
    gmap = s.map
    into = gmap.nbr == dest  # (every edge whose far side is `dest`)
    got = cheapest_way_in(gmap, s.scenario, mob, dest)
    assert got == (float(gmap.edge_cost[mob][into].min()) if into.any() else float("inf"))


def test_snow_can_shut_a_hex_for_a_turn_and_the_refusal_says_it_is_the_snow():
    s = _shusha_movement()
    s.weather_override = WeatherTurn(s.turn, 3000.0, 20.0, "none", "snow")
    s.update_clock()
    s.bump()
    u = s.unit("az_mech_1")
    mp = s.utype(u).move_points
    gmap = s.map
    shut = [i for i in range(gmap.n) if cheapest_way_in(gmap, s.scenario, "tracked", i) <= mp
            < cheapest_way_in(gmap, s.scenario, "tracked", i, "snow")]
    assert shut  # (the Shusha table: tracked x1.25 off road, a 5 MP forest hex 6.25 in snow)
    i = shut[0]
    why = check(s, Move(u.id, gmap.hex_of(i)))
    assert why is not None and "in this turn's snow" in why and "dry)" in why and "never" not in why


def test_the_window_offers_no_go_to_order_into_a_hex_it_can_never_enter(screen):
    s = _shusha_movement()
    app = app_of(s, (0,))
    app.autoskip = False
    app.select("az_mech_1")
    app.click_hex(s.map.idx((26, 20)))
    assert "can never enter ravine" in app.status and "Shift+click" not in app.status
    app.click_hex(s.map.idx((10, 10)))
    assert "Shift+click (or G) orders it to go there" in app.status
    pygame.event.pump()
