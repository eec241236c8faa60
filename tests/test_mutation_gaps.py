"""Tests written against mutants that the rest of the suite let through (session 25's mutation audit).

Each test pins a rule stated in docs/scenario_format.md, docs/engine_api.md or a docstring, on the tiny
fixture scenario (not on Shusha's numbers), so that a plausible one-character bug in the rule fails here.
"""

from __future__ import annotations

import math
from typing import Any

from conftest import add_unit, tiny_game, variant
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import combat
from engine.hexgrid import FractionalHex, Hex, hex_round


def _js_round(x: float) -> int:
    """JavaScript's Math.round (ties towards +infinity), exact for the multiples of 0.5 used below."""
    return math.floor(x + 0.5)


def _reference_hex_round(q: float, r: float) -> Hex:
    """Red Blob's `hex_round` transcribed as published: the coordinate that moved furthest is recomputed,
    with strict `>` tests, so a tie between r and s recomputes s (keeps r)."""
    s = -q - r
    rq, rr, rs = _js_round(q), _js_round(r), _js_round(s)
    dq, dr, ds = abs(rq - q), abs(rr - r), abs(rs - s)
    if dq > dr and dq > ds:
        rq = -rr - rs
    elif dr > ds:
        rr = -rq - rs
    return Hex(rq, rr)


@settings(deadline=None)
@given(st.integers(-40, 40), st.integers(-40, 40))
def test_hex_round_matches_the_reference_on_half_points(q2: int, r2: int) -> None:
    """Points on half coordinates include every kind of tie (q/r, q/s and r/s): each breaks as the reference's."""
    q, r = q2 / 2, r2 / 2
    assert hex_round(FractionalHex(q, r)) == _reference_hex_round(q, r)


def test_hex_round_r_s_tie_keeps_r() -> None:
    # (0, 0.5): r rounds to 1 and s (-0.5) to 0, both 0.5 away: the reference recomputes s, so r stays 1
    assert hex_round(FractionalHex(0.0, 0.5)) == Hex(0, 1)
    assert hex_round(FractionalHex(1.0, -0.5)) == Hex(1, 0)


# ---------------------------------------------------------------- hexside modifiers (scenario_format.md)

def _state_with(edit: Any, seed: int = 1) -> Any:
    return tiny_game(seed=seed, scen=variant(edit))


def _set_elev(doc: dict[str, Any], col: int, row: int, metres: float) -> None:
    doc["map"]["elevation_m"][row][col] = metres


def _pair(doc: dict[str, Any], att: tuple[int, int], dfn: tuple[int, int], att_type: str = "infantry",
          def_type: str = "infantry") -> None:
    add_unit(doc, "probe", "attacker", att_type, att)
    add_unit(doc, "target", "defender", def_type, dfn)


def _assault_mods(state: Any, target: tuple[int, int]) -> tuple[list[str], list[str]]:
    a, ds = combat.assault_odds(state, state.unit("probe"), state.map.idx(target))
    return [m.source for m in a.modifiers], [m.source for d in ds for m in d.modifiers]


def test_high_ground_applies_at_exactly_high_ground_m() -> None:
    """`uphill_modifier`: fire at a hex *at least* `high_ground_m` higher; `downhill_modifier` likewise lower."""
    def mods(raised: tuple[int, int], metres: float) -> tuple[list[str], list[str]]:
        """The assault (1,2) -> (2,2) with `raised` at `metres` (the map elsewhere at 600 m)."""
        def edit(doc: dict[str, Any]) -> None:
            doc["combat"] = {"high_ground_m": 50}
            _pair(doc, (1, 2), (2, 2))
            _set_elev(doc, *raised, metres)

        return _assault_mods(_state_with(edit), (2, 2))

    up, ret = mods((2, 2), 650)  # the defender exactly 50 m above
    assert "attacking uphill (50 m)" in up
    assert "higher ground" in ret

    down, ret = mods((1, 2), 650)  # the attacker exactly 50 m above
    assert "higher ground" in down
    assert "firing uphill (50 m)" in ret

    up, ret = mods((2, 2), 649)  # one metre short: no slope modifier either way
    assert not any("uphill" in s or "higher ground" in s for s in up + ret)


def test_river_modifier_not_on_a_bridge() -> None:
    """A road edge over a river is a bridge: the river modifier does not apply to an assault along it."""
    # the tiny map's river runs on the E sides of (6,2)..(6,5); the main road crosses it from (6,4) to (7,4)
    def bridge(doc: dict[str, Any]) -> None:
        _pair(doc, (6, 4), (7, 4))

    def ford(doc: dict[str, Any]) -> None:
        _pair(doc, (6, 3), (7, 3))

    on_bridge, _ = _assault_mods(_state_with(bridge), (7, 4))
    across, _ = _assault_mods(_state_with(ford), (7, 3))
    assert "across a river" in across
    assert "across a river" not in on_bridge


# ---------------------------------------------------------------- fire modifiers by context (combat section)
# tiny map terrain: ravine at (5,6) and (5,7) (ambush 2, concealment 2, vehicle cover 1), forest at (6,2) and
# (7,2) (ambush 1, concealment 2, vehicle cover 1), town at (3,3), (3,4) (defence 2), plain elsewhere nearby


def _odds(edit: Any, firer: str, target: str, context: str, seed: int = 1) -> combat.FireOdds:
    state = _state_with(edit, seed)
    return combat.fire_odds(state, state.unit(firer), state.unit(target), context)


def _by_source(odds: combat.FireOdds) -> dict[str, int]:
    return {m.source: m.value for m in odds.modifiers}


def test_ambush_bonus_is_the_ambushers_hex() -> None:
    """`ambush` is the bonus of a hidden unit's first fire *from* the hex: the firer's terrain, not the target's."""
    def from_ravine(doc: dict[str, Any]) -> None:
        _pair(doc, (4, 6), (5, 6), att_type="infantry", def_type="infantry")  # target (defender) in the ravine

    # the defender in the ravine ambushes the attacker on the plain: the ravine's ambush value applies
    state = _state_with(from_ravine)
    amb, mover = state.unit("target"), state.unit("probe")
    gmap = state.map
    assert gmap.ambush[amb.idx] > 0 and gmap.ambush[mover.idx] == 0
    mods = _by_source(combat.fire_odds(state, amb, mover, "ambush"))
    assert [v for s, v in mods.items() if s.endswith(" ambush")] == [int(gmap.ambush[amb.idx])]
    # the other way round (firing from the plain at the ravine), the bonus is the plain's: none
    back = _by_source(combat.fire_odds(state, mover, amb, "ambush"))
    assert [v for s, v in back.items() if s.endswith(" ambush")] in ([], [0])


def test_vehicles_blind_only_for_heavy_targets() -> None:
    """The ambush's "vehicles blind in …" bonus is against vehicles (heavy types) in concealing terrain only."""
    for target_type, blind in (("infantry", False), ("tank", True)):
        def edit(doc: dict[str, Any], tt: str = target_type) -> None:
            add_unit(doc, "amb", "defender", "infantry", (5, 6))
            add_unit(doc, "mover", "attacker", tt, (5, 7))  # ravine: concealment 2

        mods = _by_source(_odds(edit, "amb", "mover", "ambush"))
        assert any(s.startswith("vehicles blind in") for s in mods) is blind, (target_type, mods)


def test_artillery_target_gets_terrain_defence() -> None:
    """`defence` is added to the protection of a unit fired at (artillery) or assaulted in the hex."""
    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "gun", "attacker", "howitzer", (8, 3))
        add_unit(doc, "dug_in", "defender", "infantry", (3, 3))  # town

    state = _state_with(edit)
    t = state.unit("dug_in")
    dv = int(state.map.defence[t.idx])
    assert dv > 0
    for ctx in ("artillery", "assault"):
        mods = combat.fire_odds(state, state.unit("gun"), t, ctx).modifiers
        assert [m.value for m in mods if m.source.startswith("target in ")] == [-dv], ctx


def test_strike_cover_of_heavy_target_is_vehicle_cover() -> None:
    """`vehicle_cover` is the protection of heavy units against drones (a strike): not the hex's concealment."""
    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "tankette", "defender", "tank", (6, 2))  # forest: concealment 2, vehicle cover 1

    state = _state_with(edit)
    t = state.unit("tankette")
    vc, conc = int(state.map.vehicle_cover[t.idx]), int(state.map.concealment[t.idx])
    assert vc != conc and vc > 0
    mods = combat.fire_odds(state, state.unit("az_tb2"), t, "strike").modifiers
    assert [m.value for m in mods if m.source.startswith("target under cover")] == [-vc]


def test_anti_tank_bonus_in_the_defenders_hex_on_return_fire() -> None:
    """Infantry returning fire at an assaulting vehicle fights in its own hex: the close-range anti-tank bonus is
    that hex's concealment (the vehicle comes to it), whatever the vehicle's own hex."""
    def edit(doc: dict[str, Any]) -> None:
        _pair(doc, (4, 6), (5, 6), att_type="tank", def_type="infantry")  # tank on the plain, infantry in ravine

    state = _state_with(edit)
    tank = state.unit("probe")
    _, ds = combat.assault_odds(state, tank, state.unit("target").idx)
    conc = int(state.map.concealment[state.unit("target").idx])
    assert conc > 0 and int(state.map.concealment[tank.idx]) == 0
    got = [m.value for m in ds[0].modifiers if m.source.startswith("anti-tank weapons at close range")]
    assert got == [conc]


def _night(doc: dict[str, Any]) -> None:
    doc["meta"]["start"] = "2020-11-01T22:00"  # turn 1 at 22:00: a night turn


def test_night_trained_bonus_only_against_untrained() -> None:
    """`night_trained_modifier`: close fire at night by a night-trained unit *at an untrained one*."""
    for target_type, bonus in (("infantry", True), ("special_forces", False)):
        def edit(doc: dict[str, Any], tt: str = target_type) -> None:
            _night(doc)
            _pair(doc, (1, 2), (2, 2), att_type="special_forces", def_type=tt)

        state = _state_with(edit)
        assert state.night
        mods = _by_source(combat.fire_odds(state, state.unit("probe"), state.unit("target"), "assault"))
        assert (combat.NIGHT_TRAINED in mods) is bonus, (target_type, mods)
        assert combat.NIGHT_UNTRAINED not in mods


# ---------------------------------------------------------------- assault results (rules._do_assault)

def test_equal_losses_of_two_repulse_the_assault(monkeypatch) -> None:
    """Defenders fall back if the main defender is destroyed, breaks, or loses at least 2 steps *and more than the
    attacker*: 2 steps each way, the main defender surviving, is a repulse, in the resolution and in
    `assault_outcomes`' forecast alike. Dice are taken out by the rules (hit chance clamp(-1 + net, 0, 1): a net of
    2 always hits, 0 never does) and each fire's losses held to 2 (a 3-step unit's three sure hits would take 3)."""
    import attrs
    from conftest import goto

    from engine.orders import Assault
    from engine.rules import apply

    def edit(doc: dict[str, Any]) -> None:
        doc["combat"] = {"hit_base": -1.0, "hit_per_point": 1.0, "hit_min": 0.0, "hit_max": 1.0,
                         "out_of_supply_modifier": 0}
        add_unit(doc, "probe", "attacker", "infantry", (1, 5), strength=3)
        add_unit(doc, "target", "defender", "infantry", (2, 5), strength=3)  # the main defender: it survives 2
        add_unit(doc, "guns", "defender", "howitzer", (2, 5), strength=1)  # return fire: close_fire 1, never hits

    real = combat.resolve

    def two_at_most(state, odds):
        r = real(state, odds)
        lost = min(r.losses, 2)
        return attrs.evolve(r, hits=min(r.hits, 2), losses=lost, strength_after=odds.target_strength - lost)

    state = goto(_state_with(edit), "attacker", "assault")
    probe, t = state.unit("probe"), state.unit("target").idx
    a, ds = combat.assault_odds(state, probe, t)
    assert a.target == "target" and a.p_hit == 1.0 and a.shots == 3 and a.target_strength == 3
    assert sorted(d.p_hit for d in ds) == [0.0, 1.0]
    two = (0.0, 0.0, 1.0, 0.0)  # (the forecast of the same: 2 steps lost each way, for sure)
    forecast = combat.assault_outcomes(attrs.evolve(a, pmf=two), [attrs.evolve(d, pmf=two) if d.p_hit else d
                                                                  for d in ds], probe.strength,
                                       state.unit("target").cohesion)
    assert state.unit("target").cohesion > 2  # 2 steps lost do not break it
    sure = [k for k, p in forecast.items() if p > 0.999]
    cohesion = probe.cohesion
    monkeypatch.setattr(combat, "resolve", two_at_most)
    ev = apply(state, Assault("probe", state.map.hex_of(t)))
    res = next(e for e in ev if e.kind == "AssaultResolved")
    assert res.attacker_fire[0].losses == 2 and sum(r.losses for r in res.defender_fire) == 2
    assert state.unit("target").strength == 1 and probe.strength == 1
    assert res.result.startswith("assault repulsed"), res.result
    assert sure == ["assault repulsed"]
    # a repulsed attacker loses a point of cohesion, on top of the point per step lost
    assert probe.cohesion == max(0, cohesion - 2 - 1)


def test_main_defender_tie_goes_to_the_first_in_scenario_order() -> None:
    """The main defender is the strongest (strength × protection), the first in scenario order among equals."""
    for first, second in (("d_a", "d_b"), ("d_b", "d_a")):
        def edit(doc: dict[str, Any], f: str = first, s: str = second) -> None:
            add_unit(doc, "probe", "attacker", "infantry", (1, 5))
            add_unit(doc, f, "defender", "infantry", (2, 5), strength=2)
            add_unit(doc, s, "defender", "infantry", (2, 5), strength=2)

        state = _state_with(edit)
        a, _ = combat.assault_odds(state, state.unit("probe"), state.unit(first).idx)
        assert a.target == first
        defenders = state.units_at(state.unit(first).idx, 1)
        assert combat.main_defender(state, defenders).id == first
        assert combat.main_defender(state, defenders[::-1]).id == first


@settings(deadline=None, max_examples=60)
@given(st.integers(0, 3), st.integers(1, 3), st.integers(-1, 5))
def test_apply_losses_takes_a_cohesion_point_per_step(cohesion: int, strength: int, losses: int) -> None:
    """A unit loses one point of cohesion per step lost (down to 0), and never more steps than it has."""
    state = tiny_game()
    u = state.unit("arm_inf_1")
    u.cohesion, u.strength = cohesion, strength
    evs = combat.apply_losses(state, u, losses, "test")
    taken = max(0, min(losses, strength))
    assert u.strength == strength - taken
    assert u.cohesion == (max(0, cohesion - taken) if taken else cohesion)
    assert bool(evs) == (u.strength == 0)


def test_close_fire_only_when_the_guns_are_assaulted() -> None:
    """`close_fire` is an indirect-fire unit's fire value *when assaulted*; its missions use its firepower."""
    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "guns", "attacker", "howitzer", (1, 5))
        add_unit(doc, "target", "defender", "infantry", (2, 5))

    state = _state_with(edit)
    guns, target = state.unit("guns"), state.unit("target")
    ut = state.scenario.unit_table["howitzer"]
    assert ut.close_fire != ut.firepower_soft
    mission = combat.fire_odds(state, guns, target, "artillery")
    assert (mission.firepower, mission.firepower_vs) == (ut.firepower_soft, "vs unarmoured")
    close = combat.fire_odds(state, guns, target, "defence")
    assert (close.firepower, close.firepower_vs) == (ut.close_fire, "guns in close defence")


# ---------------------------------------------------------------- refusals (engine_api.md: state unchanged)

def _refused(state: Any, order: Any) -> str:
    """`order`'s refusal reason; checks that `apply` refuses it too and leaves the state as it was."""
    import pytest

    from engine.errors import IllegalOrder
    from engine.rules import apply, check
    from engine.savegame import save_text

    why = check(state, order)
    assert why, f"{order} was not refused"
    before = (save_text(state), [(u.id, u.idx, u.strength, u.cohesion, u.fired, u.moved) for u in state.units],
              state.rng.bit_generator.state)
    with pytest.raises(IllegalOrder) as ei:
        apply(state, order)
    assert ei.value.reason == why
    assert before == (save_text(state), [(u.id, u.idx, u.strength, u.cohesion, u.fired, u.moved) for u in state.units],
                      state.rng.bit_generator.state)
    return why


def test_broken_unit_cannot_assault() -> None:
    """A unit at cohesion 0 is refused an assault; at cohesion 1 (shaken) it may."""
    from conftest import goto

    from engine.orders import Assault
    from engine.rules import check

    def edit(doc: dict[str, Any]) -> None:
        _pair(doc, (1, 5), (2, 5))

    state = goto(_state_with(edit), "attacker", "assault")
    probe = state.unit("probe")
    probe.cohesion = 1
    state.bump()
    assert check(state, Assault("probe", (2, 5))) is None
    probe.cohesion = 0
    state.bump()
    assert "broken" in _refused(state, Assault("probe", (2, 5)))


# ---------------------------------------------------------------- weather (scenario_format.md: weather, unit types)

_FOGS = ("none", "patchy", "thick")


@settings(deadline=None, max_examples=300)
@given(st.integers(0, 3000), st.integers(0, 3000), st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 5.0]),
       st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 5.0]), st.sampled_from(_FOGS), st.sampled_from(_FOGS))
def test_flight_limits_follow_the_stated_minimums(ceiling: int, min_ceiling: int, vis: float, min_vis: float,
                                                  fog: str, grounded_by: str) -> None:
    """`min_ceiling_m`: the lowest ceiling it flies under; `min_visibility_km`: the lowest visibility it flies in
    (so at exactly the minimum it flies); `grounded_by_fog`: the fog level *from which* it cannot fly."""
    import attrs

    from engine.units import DEFAULT_UNIT_TYPES
    from engine.weather import WeatherTurn, flight_check, flight_limits

    ut = attrs.evolve(DEFAULT_UNIT_TYPES["armed_drone"], min_ceiling_m=float(min_ceiling),
                      min_visibility_km=min_vis, grounded_by_fog=grounded_by)
    w = WeatherTurn(1, float(ceiling), vis, fog, "none")
    kinds = [x.kind for x in flight_limits(ut, w)]
    fogged = grounded_by != "none" and _FOGS.index(fog) >= _FOGS.index(grounded_by)
    assert kinds == [k for k, on in (("fog", fogged), ("ceiling", ceiling < min_ceiling),
                                     ("visibility", vis < min_vis)) if on]
    assert (flight_check(ut, w) is None) == (not kinds)


def test_ground_vision_caps() -> None:
    """Thick fog: 1 hex; patchy: 2; night: 1, 2 for night-capable units; else visibility / hex size (at least 1)."""
    from engine.weather import WeatherTurn, ground_vision_cap

    clear = WeatherTurn(1, 3000.0, 20.0, "none", "none")
    assert ground_vision_cap(clear, False, False, 1.0) == 20
    assert ground_vision_cap(clear, False, False, 0.5) == 40
    assert ground_vision_cap(WeatherTurn(1, 3000.0, 0.2, "none", "none"), False, False, 1.0) == 1
    assert ground_vision_cap(WeatherTurn(1, 3000.0, 20.0, "patchy", "none"), False, True, 1.0) == 2
    assert ground_vision_cap(WeatherTurn(1, 3000.0, 20.0, "thick", "none"), False, True, 1.0) == 1
    assert ground_vision_cap(clear, True, False, 1.0) == 1
    assert ground_vision_cap(clear, True, True, 1.0) == 2
    assert ground_vision_cap(WeatherTurn(1, 3000.0, 20.0, "thick", "none"), True, True, 1.0) == 1


def test_sortie_radius_is_inclusive() -> None:
    """`sortie_radius_hexes`: how far from its base an air unit flies: a hex at exactly that distance is in range."""
    from conftest import goto

    from engine.hexgrid import distance, offset_to_axial
    from engine.orders import Recon
    from engine.rules import check

    def edit(doc: dict[str, Any]) -> None:
        doc.setdefault("unit_types", {})["recon_drone"] = {"sortie_radius_hexes": 3}

    state = goto(_state_with(edit), "attacker", "air")
    base = state.map.hex_of(state.unit("az_orlan").idx)
    bq = offset_to_axial(*base)
    by_dist: dict[int, tuple[int, int]] = {}
    for c in range(state.map.cols):
        for r in range(state.map.rows):
            by_dist.setdefault(distance(bq, offset_to_axial(c, r)), (c, r))
    assert check(state, Recon("az_orlan", by_dist[3])) is None
    assert "radius" in _refused(state, Recon("az_orlan", by_dist[4]))


def test_infiltrators_move_unseen_through_concealment_two() -> None:
    """Only infiltrating units move unseen, and only through hexes of concealment 2 or more (forest: 2)."""
    from engine.rules import move_reveal_reason

    state = tiny_game()
    gmap = state.map
    sf = state.unit("az_sf")  # special forces at (8,2); forest at (7,2) and (6,2), plain at (8,3)
    woods = [gmap.idx((8, 2)), gmap.idx((7, 2)), gmap.idx((6, 2))]
    assert [int(gmap.concealment[i]) for i in woods[1:]] == [2, 2]
    assert move_reveal_reason(state, sf, woods) is None
    assert move_reveal_reason(state, sf, [gmap.idx((8, 2)), gmap.idx((8, 3))]) is not None
    assert move_reveal_reason(state, state.unit("az_mech"), [gmap.idx((9, 4)), gmap.idx((8, 4))]) is not None


def test_a_broken_defender_retreats_away_from_the_attacker() -> None:
    """Defenders that fall back go to a free neighbouring hex as far as possible from the assaulting unit (here,
    in the open, 2 hexes from where it attacked). Dice out as above: the tank always hits, the infantry never."""
    from conftest import goto

    from engine.orders import Assault
    from engine.rules import apply

    def edit(doc: dict[str, Any]) -> None:
        doc["combat"] = {"hit_base": -1.0, "hit_per_point": 1.0, "hit_min": 0.0, "hit_max": 1.0,
                         "out_of_supply_modifier": 0}
        add_unit(doc, "probe", "attacker", "tank", (1, 5), strength=2)
        add_unit(doc, "target", "defender", "infantry", (2, 5), strength=3)

    state = goto(_state_with(edit), "attacker", "assault")
    target = state.unit("target")
    target.cohesion = 2  # two steps lost break it
    state.bump()
    a, ds = combat.assault_odds(state, state.unit("probe"), target.idx)
    assert a.p_hit == 1.0 and [d.p_hit for d in ds] == [0.0]
    start = state.unit("probe").idx
    ev = apply(state, Assault("probe", (2, 5)))
    res = next(e for e in ev if e.kind == "AssaultResolved")
    assert res.result.startswith("defenders retreat"), res.result
    assert target.strength == 1
    assert state.map.distance(target.idx, start) == 2


def test_a_broken_hidden_unit_springs_no_ambush() -> None:
    """A hidden ambusher fires on a unit that moves next to it, unless it is broken (cohesion 0)."""
    from conftest import goto

    from engine.orders import Move
    from engine.rules import apply

    sprung = {}
    for cohesion in (0, 3):
        state = goto(tiny_game(seed=3), "attacker", "movement")
        amb = state.unit("arm_amb")  # hidden infantry in the ravine at (5,6)
        assert amb.hidden
        amb.cohesion = cohesion
        state.bump()
        ev = apply(state, Move("az_mech", (6, 6)))  # next to the ravine hex
        sprung[cohesion] = [e.ambusher for e in ev if e.kind == "AmbushSprung"]
    assert sprung == {0: [], 3: ["arm_amb"]}


# ---------------------------------------------------------------- sight and detection

def test_a_sight_line_grazing_a_top_is_not_blocked() -> None:
    """Intermediate hexes block a sight line when their top rises *above* it: level with it, they do not."""
    from engine.mapdata import EYE_HEIGHT_M

    def with_mid(metres: float) -> Any:
        def edit(doc: dict[str, Any]) -> None:
            _set_elev(doc, 2, 5, metres)  # between (1,5) and (3,5), all else at 600 m on open plain

        return _state_with(edit).map

    for metres, seen in ((600 + EYE_HEIGHT_M, True), (600 + EYE_HEIGHT_M + 1, False)):
        gmap = with_mid(metres)
        a, b = gmap.idx((1, 5)), gmap.idx((3, 5))
        assert gmap.has_los(a, b) is seen and gmap.has_los(b, a) is seen, metres
        assert (b in gmap.viewshed(a, 3).tolist()) is seen


def test_recon_finds_below_detect_plus_signature() -> None:
    """A recon sortie finds a hidden unit when its hex's concealment is *below* detect + signature."""
    from engine.visibility import recon_finds

    for conc in range(0, 6):
        for detect in range(-1, 4):
            for sig in range(-1, 3):
                assert recon_finds(conc, detect, sig) is (conc < detect + sig)
    assert recon_finds(1, 1, 1) and not recon_finds(2, 1, 1)


# ---------------------------------------------------------------- scenario validation: bounds are inclusive

def test_stated_bounds_are_inclusive_and_named_by_path() -> None:
    """`stack_limit` 1..10 and elevations −500..9000 (scenario_format.md): both ends load; one past is refused
    with the JSON path of the value."""
    from conftest import assert_problem, scenario_problems, tiny_dict

    from engine.scenario import scenario_from_dict

    for limit in (1, 10):
        doc = tiny_dict()
        doc["stack_limit"] = limit
        assert scenario_from_dict(doc).stack_limit == limit
    for limit in (0, 11):
        doc = tiny_dict()
        doc["stack_limit"] = limit
        assert_problem(scenario_problems(doc), "$.stack_limit", "1..10")
    for metres in (-500, 9000):
        doc = tiny_dict()
        _set_elev(doc, 0, 5, metres)
        scenario_from_dict(doc)
    for metres in (-501, 9001):
        doc = tiny_dict()
        _set_elev(doc, 0, 5, metres)
        assert_problem(scenario_problems(doc), "$.map.elevation_m[5][0]", "-500..9000")


def test_a_hidden_unit_on_a_seen_hex_is_not_known() -> None:
    """Enemy units in visible hexes are known unless hidden (engine.visibility)."""
    from engine.visibility import is_known, known_enemies, visible_hexes

    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "watcher", "attacker", "infantry", (6, 5))  # 2 hexes from the hidden ambushers at (5,6)

    state = _state_with(edit)
    amb = state.unit("arm_amb")
    assert amb.hidden and visible_hexes(state, 0)[amb.idx]
    assert not is_known(state, 0, amb) and amb not in known_enemies(state, 0)
    state.set_hidden(amb, False)
    state.bump()  # (as the rules do after a change)
    assert is_known(state, 0, amb) and amb in known_enemies(state, 0)


def test_the_spotter_is_an_observer_with_a_line_of_sight() -> None:
    """`spotter_for`: a ground observer *with a line of sight* to the hex, not merely one within range."""
    from engine.visibility import spotter_for

    def edit(doc: dict[str, Any]) -> None:
        _set_elev(doc, 2, 5, 700)  # a knoll between (1,5) and (3,5)
        add_unit(doc, "blind", "attacker", "infantry", (1, 5))  # first in order, in range, no line of sight
        add_unit(doc, "eyes", "attacker", "infantry", (4, 5))

    state = _state_with(edit)
    gmap = state.map
    t = gmap.idx((3, 5))
    assert not gmap.has_los(gmap.idx((1, 5)), t) and gmap.distance(gmap.idx((1, 5)), t) == 2
    assert spotter_for(state, 0, t) == "eyes"


def _paths() -> list[bool]:
    """The search paths to test: the compiled one (when numba is there) and the pure-Python reference."""
    from engine import kernels

    return [True, False] if kernels.JIT else [False]


def _on_path(jit: bool, fn: Any) -> Any:
    """`fn()` with `engine.kernels.JIT` set to `jit` (the engine reads it at call time), restored after."""
    from engine import kernels

    saved = kernels.JIT
    kernels.JIT = jit
    try:
        return fn()
    finally:
        kernels.JIT = saved


def test_an_adjacent_hidden_unit_is_found_by_contact_on_both_paths() -> None:
    """A hidden unit next to an observer is found (in contact) even where its concealment puts it beyond the
    observer's detection range."""
    from engine.visibility import detect_hidden, detection_range

    for jit in _paths():
        def edit(doc: dict[str, Any]) -> None:
            add_unit(doc, "watcher", "attacker", "infantry", (4, 6))  # next to the ravine ambushers at (5,6)

        state = _state_with(edit)
        amb, watcher = state.unit("arm_amb"), state.unit("watcher")
        state.set_hidden(amb, True)
        state.bump()
        assert detection_range(state, watcher, amb) < 1
        found = _on_path(jit, lambda s=state: [(u.id, why) for u, why in detect_hidden(s, 0)])
        assert ("arm_amb", "in contact with watcher") in found, (jit, found)


def test_validation_messages_point_at_the_offending_entry() -> None:
    """A repeated weather turn is reported at the repeat, naming the first entry; a road's jump at the hex that
    is not adjacent to the one before it."""
    from conftest import assert_problem, scenario_problems, tiny_dict

    doc = tiny_dict()
    sched = doc["weather"]["schedule"]
    first = next(i for i, e in enumerate(sched) if e["turn"] == 2)
    sched.append(dict(sched[first]))
    assert_problem(scenario_problems(doc), f"$.weather.schedule[{len(sched) - 1}].turn",
                   "turn 2 already given", f"schedule[{first}]")

    doc = tiny_dict()
    doc["map"]["roads"][0]["path"] = [[0, 4], [1, 4], [3, 4], [4, 4]]
    problems = scenario_problems(doc)
    assert_problem(problems, "$.map.roads[0].path[2]", "[3, 4] is not adjacent to the previous hex [1, 4]")
    assert not [p for p in problems if p.startswith(("$.map.roads[0].path[1]", "$.map.roads[0].path[3]"))]


# ---------------------------------------------------------------- saves round-trip what they record

def test_a_save_keeps_sandbox_and_weather_mode() -> None:
    from engine.savegame import game_from_save_dict, save_dict

    for sandbox, mode in ((False, None), (True, "fog"), (False, "clear")):
        state = tiny_game(seed=5, sandbox=sandbox, weather_mode=mode)
        back = game_from_save_dict(save_dict(state))
        assert back.sandbox is sandbox
        assert state.weather_mode == (mode or "historical")  # (the tiny scenario's own mode)
        assert (back.seed, back.weather_mode) == (state.seed, state.weather_mode)
        assert back.weather_by_turn == state.weather_by_turn


def test_a_save_with_a_negative_seed_is_refused() -> None:
    import pytest

    from engine.errors import SaveFormatError
    from engine.savegame import game_from_save_dict, save_dict

    doc = save_dict(tiny_game(seed=5))
    doc["seed"] = -1
    with pytest.raises(SaveFormatError, match="invalid seed -1"):
        game_from_save_dict(doc)


# ---------------------------------------------------------------- movement and supply, on both search paths

def _zoc_setup() -> Any:
    def edit(doc: dict[str, Any]) -> None:
        far = {"move_points": 12}
        doc.setdefault("unit_types", {}).update({"infantry": far, "special_forces": dict(far)})
        add_unit(doc, "blocker", "defender", "infantry", (3, 5))  # its zone of control includes forest (3,6)
        add_unit(doc, "walker", "attacker", "infantry", (1, 5))  # sees it across open ground
        add_unit(doc, "ghost", "attacker", "special_forces", (1, 5))

    return _state_with(edit)


def test_zone_of_control_stops_all_but_infiltrators_in_deep_cover() -> None:
    """Entering a known enemy's zone of control ends the move; infiltrators (special forces) are exempt only in
    deep cover (concealment 2+). So no move continues from a zone-of-control hex, except an infiltrator's from
    deep cover."""
    from engine.movement import reachable
    from engine.visibility import known_enemy_hexes

    for jit in _paths():
        state = _zoc_setup()
        gmap = state.map
        _, zoc = known_enemy_hexes(state, 0)
        forest = gmap.idx((3, 6))
        assert forest in zoc and gmap.concealment[forest] >= 2
        for uid, infiltrates in (("walker", False), ("ghost", True)):
            tree = _on_path(jit, lambda s=state, u=uid: reachable(s, s.unit(u)))
            start = state.unit(uid).idx
            from_zoc = {prev for i, (_, prev) in tree.items() if prev in zoc and prev != start}
            if infiltrates:
                assert forest in from_zoc, jit
                assert all(gmap.concealment[p] >= 2 for p in from_zoc), jit
            else:
                assert forest in tree and not from_zoc, (jit, from_zoc)


def test_full_hexes_are_no_destination() -> None:
    """`legal_destinations` / `destination_indices`: the reach minus the start and the hexes where the own stack
    is full (stack_limit)."""
    from engine.movement import destination_indices, legal_destinations, reachable

    for jit in _paths():
        def edit(doc: dict[str, Any]) -> None:
            doc["stack_limit"] = 1
            add_unit(doc, "walker", "attacker", "infantry", (1, 6))
            add_unit(doc, "sitter", "attacker", "infantry", (2, 6))

        state = _state_with(edit)
        walker, full = state.unit("walker"), state.unit("sitter").idx
        tree = _on_path(jit, lambda s=state, w=walker: reachable(s, w))
        assert full in tree
        dests = _on_path(jit, lambda s=state, w=walker: legal_destinations(s, w))
        idx = _on_path(jit, lambda s=state, w=walker: destination_indices(s, w)).tolist()
        assert full not in dests and full not in idx and walker.idx not in idx
        assert sorted(idx) == sorted(dests) == sorted(set(tree) - {walker.idx, full})


def test_supply_reaches_exactly_its_range() -> None:
    """`supply_range` is the longest supply trace: a hex whose trace costs exactly the range is in supply."""
    from engine.supply import supply_field

    base = tiny_game()
    costs = _on_path(False, lambda: supply_field(base, 0))
    finite = sorted({float(c) for c in costs if 0 < c < math.inf and float(c).is_integer()})
    assert finite
    limit = finite[len(finite) // 2]
    hexes = [i for i, c in enumerate(costs) if c == limit]

    def edit(doc: dict[str, Any]) -> None:
        doc["sides"]["attacker"]["supply_range"] = limit

    for jit in _paths():
        state = _state_with(edit)
        field = _on_path(jit, lambda s=state: supply_field(s, 0))
        assert all(field[i] == limit for i in hexes), jit
        assert not (field[field < math.inf] > limit).any()


def test_turns_out_of_supply_count_in_a_row() -> None:
    """A unit's `turns_out_of_supply` counts the supply checks in a row it failed, and is 0 once supplied."""
    from engine.supply import update_supply

    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "lost", "attacker", "infantry", (0, 0))  # far beyond the attacker's supply range

    state = _state_with(edit)
    lost = state.unit("lost")
    before = lost.turns_out_of_supply
    for k in (1, 2, 3):
        update_supply(state, 0)
        assert not lost.supplied and lost.turns_out_of_supply == before + k
    lost.idx = state.map.idx((9, 4))  # onto the attacker's supply source
    state.touch()
    update_supply(state, 0)
    assert lost.supplied and lost.turns_out_of_supply == 0


def test_an_attacker_on_either_end_of_the_watched_road_cuts_it() -> None:
    """The watched road is cut where an attacker unit stands on it, its two ends included."""
    from engine.supply import road_open_between

    gmap = tiny_game().map
    start, end = gmap.idx((3, 4)), gmap.idx((0, 4))  # the tiny scenario's road_watch
    assert road_open_between(gmap, start, end, frozenset())[0]
    for where in (start, end):
        is_open, why, at = road_open_between(gmap, start, end, frozenset({where}))
        assert (is_open, at) == (False, where) and "attacker at" in why


def test_orders_refused_with_state_unchanged() -> None:
    """Refusals named in `engine.rules`: a second move in a turn, a fire mission at a hex with no known enemy,
    an order to a unit that has not arrived. Each leaves the state unchanged."""
    from conftest import goto

    from engine.orders import Fire, Move
    from engine.rules import apply, check

    def edit(doc: dict[str, Any]) -> None:
        add_unit(doc, "late", "attacker", "infantry", (9, 5), arrives_turn=2)

    state = goto(_state_with(edit), "attacker", "movement")
    assert "not arrived" in _refused(state, Move("late", (8, 5)))
    assert check(state, Move("az_mech", (8, 4))) is None
    apply(state, Move("az_mech", (8, 4)))
    assert "already moved" in _refused(state, Move("az_mech", (9, 4)))

    state = goto(state, "attacker", "artillery")
    empty = (8, 5)  # next to az_mech: seen, and no enemy there
    assert not state.units_at(state.map.idx(empty), 1)
    assert "no known enemy" in _refused(state, Fire("az_art", empty))


def test_p_destroyed_of_a_one_step_target_is_its_hit_chance() -> None:
    """`FireOdds.p_destroyed`: the chance the fire takes every step of the target (1 if it has none left)."""
    one = combat.FireOdds("x", "y", "infantry", 3, 1, (), 2, 0.3, 1, 1, combat.binomial_pmf(1, 0.3))
    assert one.p_destroyed == 0.3
    two = combat.FireOdds("x", "y", "infantry", 3, 1, (), 2, 0.3, 2, 2, combat.binomial_pmf(2, 0.3))
    assert math.isclose(two.p_destroyed, 0.09)
    none = combat.FireOdds("x", "y", "infantry", 3, 1, (), 2, 0.3, 2, 0, combat.binomial_pmf(2, 0.3))
    assert none.p_destroyed == 1.0


def test_stochastic_fog_comes_or_goes_by_one_level() -> None:
    """Stochastic weather: fog may come or go by one level around the schedule's (so patchy may turn thick or
    clear), and thick fog caps visibility at 0.5 km."""
    import numpy as np

    from engine.weather import weather_schedule

    def edit(doc: dict[str, Any]) -> None:
        for e in doc["weather"]["schedule"]:
            e.update(fog="patchy", visibility_km=20)

    scen = variant(edit)
    seen = set()
    for seed in range(30):
        for w in weather_schedule(scen, "stochastic", np.random.default_rng(seed)):
            seen.add(w.fog)
            if w.fog == "thick":
                assert w.visibility_km <= 0.5
    assert seen == {"none", "patchy", "thick"}
    clear = variant(lambda doc: [e.update(fog="none") for e in doc["weather"]["schedule"]])
    assert {w.fog for seed in range(30) for w in weather_schedule(clear, "stochastic", np.random.default_rng(seed))
            } == {"none", "patchy"}


def test_the_supply_estimate_blocks_where_an_enemy_was_seen_this_turn_or_the_last() -> None:
    """`supply_estimate` blocks, besides the enemy units seen now, those the side saw this turn or the last (at
    their last-seen hex), not older sightings."""
    from conftest import next_turn

    from engine.supply import supply_estimate

    state = tiny_game(seed=4, track_sightings=True)
    next_turn(state)
    next_turn(state)
    assert state.turn == 3
    spot = state.map.idx((7, 5))  # open ground on the attacker's supply routes, no unit next to it
    assert not supply_estimate(state, 0)[1][spot]
    amb = state.unit("arm_amb")  # hidden: not seen now
    assert amb.hidden and amb.strength > 0
    for turn, blocked in ((3, True), (2, True), (1, False)):
        state.last_seen[0][amb.id] = (spot, turn, amb.strength, False)
        state.bump()
        assert bool(supply_estimate(state, 0)[1][spot]) is blocked, turn
