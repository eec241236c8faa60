"""Weather grounding, recon drones, the artillery spotter rule, off-map batteries, ambushes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    add_unit,
    drop_units,
    events_of,
    goto,
    move_unit,
    next_turn,
    set_weather,
    shusha_scenario,
    tiny_game,
    tiny_scenario,
    variant,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import IllegalOrder
from engine.events import Modifier
from engine.movement import path_to, reachable
from engine.orders import Fire, Move, Recon, Strike
from engine.rules import apply, check, legal_orders
from engine.scenario import FOG_LEVELS
from engine.units import DEFAULT_UNIT_TYPES
from engine.visibility import spotter_for, visible_hexes
from engine.weather import WeatherTurn, flight_check

TOWN = (3, 4)


# ------------------------------------------------------------------------------------ weather
def test_grounding_follows_the_weather_every_turn():
    scen = tiny_scenario()
    state = tiny_game(scen=scen)
    armed = scen.unit_table["armed_drone"]
    recon = scen.unit_table["recon_drone"]
    low_cloud_turns = [e.turn for e in scen.weather.schedule if e.ceiling_m < armed.min_ceiling_m]
    assert low_cloud_turns == [2, 4], "fixture: turns 2 and 4 have low cloud"
    seen = {}
    while state.outcome is None:
        t = state.turn
        air = {e.unit: e for e in events_of(state.log, "AirStatus") if e.turn == t}
        seen[t] = air
        w = state.weather
        assert air["az_tb2"].grounded == (flight_check(armed, w) is not None)
        assert air["az_orlan"].grounded == (flight_check(recon, w) is not None)
        if t in low_cloud_turns:
            assert air["az_tb2"].grounded and "cloud base" in air["az_tb2"].reason
            assert not air["az_orlan"].grounded  # the recon drone flies under the cloud
            assert state.grounded["az_tb2"]
            why = check(state, Strike("az_tb2", TOWN))
            assert why is not None and "grounded" in why
            with pytest.raises(IllegalOrder) as ei:
                apply(state, Strike("az_tb2", TOWN))
            assert "grounded" in ei.value.reason
            assert not any(isinstance(o, Strike) for o in legal_orders(state))
            assert any(isinstance(o, Recon) for o in legal_orders(state))
        else:
            assert not air["az_tb2"].grounded
        next_turn(state)
    assert sorted(seen) == [1, 2, 3, 4, 5, 6]
    assert state.score.drone_sorties_grounded["attacker"] == len(low_cloud_turns)


def _low_cloud_no_ad():
    def edit(d):
        set_weather(d, 1, 400, 5, "none", "rain")
        drop_units(d, "arm_ad")

    return variant(edit)


def test_artillery_without_spotter_is_illegal():
    state = goto(tiny_game(scen=_low_cloud_no_ad()), "attacker", "artillery")
    g = state.map
    assert not visible_hexes(state, 0)[g.idx(TOWN)]
    fp = state.fingerprint()
    with pytest.raises(IllegalOrder) as ei:
        apply(state, Fire("az_art", TOWN))
    assert "spotter" in ei.value.reason
    assert state.fingerprint() == fp
    assert not any(isinstance(o, Fire) for o in legal_orders(state))


def test_recon_drone_flies_under_low_cloud_and_spots_for_artillery():
    state = tiny_game(seed=4, scen=_low_cloud_no_ad())
    g = state.map
    assert state.grounded["az_tb2"] and not state.grounded["az_orlan"]
    with pytest.raises(IllegalOrder):
        apply(state, Strike("az_tb2", TOWN))
    ev = apply(state, Recon("az_orlan", TOWN))
    flown = events_of(ev, "ReconFlown")[0]
    assert not flown.shot_down and flown.engagements == []
    assert state.recon_cover[0][g.idx(TOWN)]
    # no ground unit of the attacker sees the town: the drone is the only spotter
    saved = state.recon_cover[0].copy()
    state.recon_cover[0][:] = False
    state.touch()
    assert spotter_for(state, 0, g.idx(TOWN)) is None
    state.recon_cover[0][:] = saved
    state.touch()
    goto(state, "attacker", "artillery")
    assert Fire("az_art", TOWN) in legal_orders(state)
    ev = apply(state, Fire("az_art", TOWN))
    fired = events_of(ev, "ArtilleryFired")[0]
    assert fired.spotter == "recon drone"
    assert fired.fire and all(Modifier("fire adjusted by recon drone", +1) in r.modifiers for r in fired.fire)
    assert state.score.drone_spotted_missions["attacker"] == 1
    assert state.score.artillery_missions["attacker"] == 1


def test_thick_fog_grounds_the_recon_drone_too():
    scen = variant(lambda d: set_weather(d, 1, 100, 0.3, "thick"))
    state = tiny_game(scen=scen)
    air = {e.unit: e for e in events_of(state.log, "AirStatus")}
    assert air["az_orlan"].grounded and "fog" in air["az_orlan"].reason
    assert air["az_tb2"].grounded
    with pytest.raises(IllegalOrder) as ei:
        apply(state, Recon("az_orlan", TOWN))
    assert "grounded" in ei.value.reason
    assert [o.kind for o in legal_orders(state)] == ["EndPhase"]


AIR = [t for t in DEFAULT_UNIT_TYPES.values() if t.domain == "air"]


@settings(max_examples=200, deadline=None)
@given(
    ut=st.sampled_from([t for t in AIR if t.air_role in ("strike", "loiter")]),
    frac=st.floats(0.0, 0.999),
    vis=st.floats(0.0, 400.0),
    fog=st.sampled_from(FOG_LEVELS),
    precip=st.sampled_from(["none", "rain", "snow"]),
)
def test_ceiling_below_minimum_always_grounds(ut, frac, vis, fog, precip):
    w = WeatherTurn(1, ut.min_ceiling_m * frac, vis, fog, precip)
    assert flight_check(ut, w) is not None


@settings(max_examples=100, deadline=None)
@given(ut=st.sampled_from(AIR), ceiling=st.floats(0, 20000), vis=st.floats(0, 400), fog=st.sampled_from(FOG_LEVELS))
def test_flight_check_matches_its_thresholds(ut, ceiling, vis, fog):
    w = WeatherTurn(1, ceiling, vis, fog, "none")
    fog_bad = ut.grounded_by_fog != "none" and FOG_LEVELS.index(fog) >= FOG_LEVELS.index(ut.grounded_by_fog)
    expect_grounded = fog_bad or ceiling < ut.min_ceiling_m or vis < ut.min_visibility_km
    assert (flight_check(ut, w) is not None) == expect_grounded


# ------------------------------------------------------------------------------------ artillery
def test_ground_spotter_makes_fire_legal():
    scen = variant(lambda d: (move_unit(d, "az_sf", (5, 4)), drop_units(d, "arm_ad")))
    state = goto(tiny_game(seed=2, scen=scen), "attacker", "artillery")
    g = state.map
    assert spotter_for(state, 0, g.idx(TOWN)) == "az_sf"
    assert check(state, Fire("az_art", TOWN)) is None
    ev = apply(state, Fire("az_art", TOWN))
    fired = events_of(ev, "ArtilleryFired")[0]
    assert fired.spotter == "az_sf"
    assert [r.target for r in fired.fire] == ["arm_inf_2"]
    assert not any("recon" in m.source for r in fired.fire for m in r.modifiers)
    # the off-map battery stays on its anchor and is never revealed
    art = state.unit("az_art")
    assert art.offmap and g.hex_of(art.idx) == (9, 0) and art.fired


@pytest.mark.parametrize("slack", [0, -1])
def test_offmap_battery_fires_from_its_anchor_within_range(slack):
    base = tiny_scenario()
    from engine.mapdata import game_map

    g = game_map(base)
    dist = g.distance(g.idx((9, 0)), g.idx(TOWN))

    def edit(d):
        move_unit(d, "az_sf", (5, 4))
        d.setdefault("unit_types", {})["howitzer"] = {"range_hexes": dist + slack}

    state = goto(tiny_game(seed=2, scen=variant(edit)), "attacker", "artillery")
    order = Fire("az_art", TOWN)
    if slack >= 0:
        assert order in legal_orders(state)
        apply(state, order)
    else:
        assert order not in legal_orders(state)
        why = check(state, order)
        assert why is not None and f"{dist} hexes away" in why
        with pytest.raises(IllegalOrder):
            apply(state, order)
    # the view's range mask (what the UI rings) is the rule's: the town is inside exactly when in range
    from engine.view import observe

    assert bool(observe(state, 0).fire_range("az_art")[state.map.idx(TOWN)]) == (slack >= 0)


# ------------------------------------------------------------------------------------ ambush
def test_ravine_ambush_fires_first_and_stops_the_mover():
    state = goto(tiny_game(seed=1), "attacker", "movement")
    g = state.map
    amb = state.unit("arm_amb")
    assert amb.hidden and g.terrain_at(amb.idx).code == "r"
    tank = state.unit("az_tank")
    tree = reachable(state, tank)
    # the farthest destination whose planned path passes next to the ambusher before its end
    best = None
    for dest in sorted(tree):
        path = path_to(tree, dest)
        adj = [i for i in path[1:] if g.distance(i, amb.idx) == 1]
        if adj and adj[0] != dest and (best is None or len(path) > len(best[0])):
            best = (path, adj[0])
    assert best is not None
    path, stop = best
    n_before = state.score.ambushes_sprung["defender"]
    ev = apply(state, Move("az_tank", g.hex_of(path[-1])))
    moved = events_of(ev, "UnitMoved")[0]
    assert moved.path[-1] == g.hex_of(stop)
    assert moved.path == [g.hex_of(i) for i in path[: path.index(stop) + 1]]
    assert moved.stopped and "ambush" in moved.stopped
    assert tank.idx == stop
    sprung = events_of(ev, "AmbushSprung")
    assert len(sprung) == 1
    s = sprung[0]
    assert (s.ambusher, s.target, s.side) == ("arm_amb", "az_tank", "defender")
    assert s.hex == (5, 6) and s.target_hex == g.hex_of(stop)
    ravine_bonus = tiny_scenario().terrain_table["r"].ambush
    assert Modifier("ravine ambush", ravine_bonus) in s.fire.modifiers
    assert s.fire.firer == "arm_amb" and s.fire.shots == 3
    revealed = [e for e in state.log if e.kind == "UnitRevealed" and e.unit == "arm_amb"]
    assert len(revealed) == 1
    assert not amb.hidden and amb.fired
    assert state.score.ambushes_sprung["defender"] == n_before + 1
    assert state.unit("az_tank").strength == 3 - s.fire.losses


def test_ambush_needs_ambush_terrain():
    # the same infantry hidden on open plain (no ambush value) does not ambush: contact stops the mover
    scen = variant(lambda d: move_unit(d, "arm_amb", (6, 7)))
    state = goto(tiny_game(seed=1, scen=scen), "attacker", "movement")
    ev = apply(state, Move("az_tank", (6, 6)))
    assert not events_of(ev, "AmbushSprung")
    moved = events_of(ev, "UnitMoved")[0]
    assert moved.stopped is None or "contact" in moved.stopped
    assert state.score.ambushes_sprung["defender"] == 0


def test_hidden_ambusher_not_known_before_it_fires():
    from engine.view import observe

    state = goto(tiny_game(seed=1), "attacker", "movement")
    assert "arm_amb" not in {c.id for c in observe(state, 0).contacts}
    assert state.unit("arm_amb").hidden


def test_ambush_events_are_logged_in_causal_order():
    state = goto(tiny_game(seed=1), "attacker", "movement")
    ev = apply(state, Move("az_tank", (6, 6)))
    kinds = [e.kind for e in ev]
    assert kinds.index("UnitMoved") < kinds.index("AmbushSprung") < kinds.index("UnitRevealed")


def test_every_step_lost_is_credited_to_the_enemy_type_that_caused_it() -> None:
    """Loss-exchange tables sum `steps_inflicted`: drones brought down by air defence count there too."""
    from pathlib import Path

    from engine.game import play_game
    from engine.scenario import load_scenario

    scen = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "shusha_1120.json")
    shot_down, games = 0, 0
    for seed in range(40):  # until three games in which air defence brought attacker drones down
        sc = play_game(scen, seed).score
        games += 1
        shot_down += sc.losses_by_cause["attacker"].get("air defence", 0) > 0
        for side, enemy in (("attacker", "defender"), ("defender", "attacker")):
            assert sum(sc.steps_lost[side].values()) == sum(sc.steps_inflicted[enemy].values()), (seed, side)
        if shot_down >= 3:
            break
    assert shot_down >= 3, f"air defence shot down attacker drones in only {shot_down} of {games} games"


def test_every_shusha_drone_can_reach_the_objective_from_its_base():
    """The attacker's Orbiter flew from a base 36 hexes from Shusha with a 25-hex radius: no attacker recon
    sortie was ever possible, and nothing said so (an analyst found every recon column at 0)."""
    from engine.mapdata import game_map

    scen = shusha_scenario()
    g = game_map(scen)
    town = [g.idx(tuple(h)) for h in scen.objectives[0].hexes]
    for us in scen.units:
        ut = scen.unit_table[us.type]
        if ut.domain == "air" and ut.air_role in ("recon", "strike", "loiter"):
            assert min(g.distance(g.idx(tuple(us.hex)), t) for t in town) <= ut.sortie_radius_hexes, us.id


def test_a_hidden_battery_that_fires_is_revealed_in_the_log():
    def edit(d):
        move_unit(d, "az_sf", (5, 4))
        d.setdefault("unit_types", {})["howitzer"] = {"range_hexes": 20}
        add_unit(d, "az_gun", "attacker", "howitzer", (9, 1), hidden=True)

    state = goto(tiny_game(seed=2, scen=variant(edit)), "attacker", "artillery")
    gun = state.unit("az_gun")
    assert gun.hidden and not gun.offmap
    events = apply(state, Fire("az_gun", TOWN))
    assert not gun.hidden
    assert any(e.kind == "UnitRevealed" and e.unit == "az_gun" and "fire gives" in e.reason for e in events)


def test_artillery_fires_at_the_units_its_side_sees_not_at_hidden_ones_with_them():
    """A seen mechanised unit with hidden special forces in its hex: the mission's results (which the firer
    reads) are for the seen unit alone, as the preview counted (the hidden one was hit and named)."""
    from engine.view import observe

    def edit(d):
        move_unit(d, "az_mech", (6, 4))
        add_unit(d, "az_sf2", "attacker", "special_forces", (6, 4), hidden=True)

    state = goto(tiny_game(seed=3, scen=variant(edit)), "defender", "artillery")
    fire = next(o for o in legal_orders(state) if isinstance(o, Fire) and tuple(o.target) == (6, 4))
    odds = observe(state, 1).fire_odds(fire.unit, state.map.idx((6, 4)))
    events = apply(state, fire)
    shot = next(e for e in events if e.kind == "ArtilleryFired")
    assert [r.target for r in shot.fire] == [o.target for o in odds] == ["az_mech"]
    assert state.unit("az_sf2").strength == 3 and state.unit("az_sf2").hidden


def test_a_loitering_munition_says_how_many_are_left_and_when_it_is_used_up():
    """The Harop vanished from the air-status lines once its munitions were spent, and no event said so."""
    from engine.game import play_game
    from engine.scenario import load_scenario

    scen = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "lessons" / "drones.json")
    state = play_game(scen, 1, weather_mode="clear")
    strikes = [e for e in state.log if e.kind == "DroneStrike" and e.expended]
    assert strikes
    lefts = [e.munitions_left for e in strikes if e.unit == strikes[0].unit]
    assert lefts == sorted(lefts, reverse=True) and all(n >= 0 for n in lefts)
    for e in strikes:
        assert (("used up" in e.text()) == (e.munitions_left == 0))
    if lefts[-1] == 0:
        u = state.unit(strikes[0].unit)
        assert u.strength == 0
    assert all(e.munitions_left == -1 for e in state.log if e.kind == "DroneStrike" and not e.expended)
