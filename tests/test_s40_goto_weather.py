"""A go-to order keeps to the direct way when this turn's weather makes it a long detour (session 40's player:
the western group's tanks, ordered to Lisagor ten hexes off in the snow, set off south on a 91-hex way round the
map, "51 turns at this pace", and turned back when the rain eased)."""

from __future__ import annotations

from pathlib import Path

from engine import goto
from engine.savegame import load_game
from engine.view import observe

SAVE = Path(__file__).resolve().parent / "data" / "s40_snow_detour.save.json"


def _state():
    st = load_game(SAVE)
    u = st.unit("az_mech_2")
    u.moved = False  # (its move of the turn still to come)
    st.touch()
    return st


def test_in_the_snow_the_order_keeps_to_the_direct_way_and_steps_along_it() -> None:
    st = _state()
    assert st.weather.precipitation == "snow"
    v = observe(st, 0)
    goal = st.map.idx((12, 20))
    assert goto.weather_detour(v, "az_mech_2", goal)
    path = goto.route(v, "az_mech_2", goal)
    assert len(path) == 13 and st.map.hex_of(path[-1]) == (12, 20)  # (the way north, not 91 hexes round)
    step = goto.next_step(v, "az_mech_2", goal)
    assert step is not None and st.map.hex_of(step) == (10, 28) and step in path


def test_a_way_with_no_step_the_weather_closes_is_no_detour_however_dear_the_going() -> None:
    """A reviewer: comparing this turn's costs with dry ones called every long march in heavy going a detour, with
    nothing closed on it. It is one only where the way round closed steps is much longer than the way through."""
    st = _state()
    v = observe(st, 0)
    goal = st.map.idx((10, 28))  # (two steps of 2.5 MP in the snow, none over its 6)
    assert not goto.weather_detour(v, "az_mech_2", goal)


def test_where_the_weather_closes_the_direct_way_the_order_waits_and_says_why() -> None:
    st = _state()
    u = st.unit("az_mech_2")
    u.idx = st.map.idx((9, 27))  # (before (9,26): 10 MP in the snow, more than its 6)
    st.touch(roster=False, side=u.side)
    v = observe(st, 0)
    goal = st.map.idx((12, 20))
    assert goto.next_step(v, "az_mech_2", goal) is None
    why, wait = goto.why_no_step(v, "az_mech_2", goal)
    assert wait and why == ("this turn's snow closes its way at (9,26); the way round would be far longer: it "
                            "waits for better going"), why


def test_in_dry_going_the_order_takes_the_cheapest_way_as_before() -> None:
    import attrs

    st = _state()
    st.weather = attrs.evolve(st.weather, precipitation="none")
    st.touch()
    v = observe(st, 0)
    assert v.weather.precipitation == "none"
    goal = st.map.idx((12, 20))
    assert not goto.weather_detour(v, "az_mech_2", goal)
    assert len(goto.route(v, "az_mech_2", goal)) == 12  # (the dry cheapest way)


def test_the_order_says_it_keeps_to_the_direct_way(screen) -> None:
    from conftest import app_of

    from ui import goto_orders

    app = app_of(_state(), (0,))
    words = goto_orders.plan_words(app, "az_mech_2", app.state.map.idx((12, 20)))
    assert "it keeps to the direct way in this snow, moving as far as the going allows" in words, words
