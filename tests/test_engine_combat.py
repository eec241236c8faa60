"""Combat: distributions, modifiers as logged, hits from rolls, bounded losses, cliff assaults."""

from __future__ import annotations

import math

import pytest
from conftest import add_unit, events_of, fire_results, goto, move_unit, tiny_game, tiny_scenario, variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import combat
from engine.events import Modifier
from engine.game import play_game
from engine.orders import Assault
from engine.rules import apply

GROUND = ["special_forces", "infantry", "motor_rifle", "mech_infantry", "tank", "howitzer", "mlrs", "air_defence"]
FIRERS = [*GROUND, "armed_drone", "loitering_munition"]
CONTEXTS = ["assault", "defence", "ambush", "artillery", "strike"]

_BASE = None


def _base():
    global _BASE
    if _BASE is None:
        _BASE = tiny_game(seed=5)
    return _BASE


def check_fire_result(res, strength_before: int | None = None) -> None:
    assert res.net == res.firepower - res.protection + sum(m.value for m in res.modifiers)
    assert res.p_hit == combat.hit_probability(res.net)
    assert 0.0 < res.p_hit < 1.0
    assert len(res.rolls) == res.shots
    assert all(0.0 <= r < 1.0 for r in res.rolls)
    assert res.hits == sum(1 for r in res.rolls if r < res.p_hit)
    assert 0 <= res.losses <= res.hits
    assert res.strength_after >= 0
    if strength_before is not None:
        assert res.losses == min(res.hits, strength_before)
        assert res.strength_after == strength_before - res.losses


FIRE_PAIR = dict(  # a firer and a target of any types, strengths and hexes, in any context
    firer_type=st.sampled_from(FIRERS),
    target_type=st.sampled_from(GROUND),
    fs=st.integers(1, 4),
    ts=st.integers(1, 4),
    fpos=st.integers(0, 79),
    tpos=st.integers(0, 79),
    context=st.sampled_from(CONTEXTS),
    supplied=st.booleans(),
)


def _fire_pair(firer_type, target_type, fs, ts, fpos, tpos, supplied):
    """A copy of the base game with its firer ("az_sf") and target ("arm_inf_1") set up as drawn."""
    state = _base().copy()
    f = state.unit("az_sf")
    t = state.unit("arm_inf_1")
    f.type, f.strength, f.idx, f.supplied = firer_type, fs, fpos, supplied
    t.type, t.strength, t.idx = target_type, ts, tpos
    state.touch()
    return state, f, t


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**FIRE_PAIR, cohesion=st.integers(0, 3), extra=st.lists(st.integers(-3, 3), max_size=3))
def test_fire_odds_are_distributions_and_losses_are_bounded(firer_type, target_type, fs, ts, fpos, tpos, context,
                                                          cohesion, supplied, extra):
    state, f, t = _fire_pair(firer_type, target_type, fs, ts, fpos, tpos, supplied)
    f.cohesion = cohesion
    mods = [Modifier(f"extra {i}", v) for i, v in enumerate(extra)]
    odds = combat.fire_odds(state, f, t, context, mods)
    assert odds.net == odds.firepower - odds.protection + sum(m.value for m in odds.modifiers)
    assert odds.p_hit == combat.hit_probability(odds.net)
    for m in mods:
        assert m in odds.modifiers
    assert len(odds.pmf) == odds.shots + 1
    assert math.fsum(odds.pmf) == pytest.approx(1.0, abs=1e-9)
    assert all(p >= 0 for p in odds.pmf)
    assert len(odds.loss_pmf) == ts + 1
    assert math.fsum(odds.loss_pmf) == pytest.approx(1.0, abs=1e-9)
    assert sum(k * p for k, p in enumerate(odds.pmf)) == pytest.approx(odds.shots * odds.p_hit)
    assert 0 <= odds.expected_losses <= ts
    res = combat.resolve(state, odds)
    check_fire_result(res, ts)
    combat.apply_losses(state, t, res.losses, "test")
    assert t.strength == ts - res.losses >= 0
    # piling on more losses than the unit has never drives strength negative
    combat.apply_losses(state, t, 10, "test")
    assert t.strength == 0
    assert t.cohesion >= 0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**FIRE_PAIR, night=st.booleans())
def test_odds_read_cohesion_only_as_broken_shaken_or_steady(firer_type, target_type, fs, ts, fpos, tpos, context,
                                                            supplied, night):
    """The odds memos key on min(cohesion, STEADY): every steady cohesion must give the very same modifiers
    and hit chance, computed from scratch (not from a memo)."""
    from engine.units import MAX_COHESION

    state, f, t = _fire_pair(firer_type, target_type, fs, ts, fpos, tpos, supplied)
    state.night = night
    built = []
    for cohesion in range(combat.STEADY, MAX_COHESION + 1):
        f.cohesion = cohesion
        built.append(combat._fire_modifiers(state, f, t, context, None))  # (firepower, modifiers, net, p_hit)
    assert all(b == built[0] for b in built)
    f.cohesion = combat.STEADY - 1  # shaken: its own modifier, so the clamp must stop below STEADY
    shaken = combat._fire_modifiers(state, f, t, context, None)[1]
    assert (Modifier("shaken", -1) in shaken) == (context != "strike")


def test_hit_probability_is_clamped_and_monotone():
    vals = [combat.hit_probability(n) for n in range(-20, 21)]
    assert vals == sorted(vals)
    assert min(vals) == combat.HIT_MIN and max(vals) == combat.HIT_MAX


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_every_logged_fire_result_is_consistent_tiny(seed):
    state = play_game(tiny_scenario(), seed)
    results = fire_results(state.log)
    for r in results:
        check_fire_result(r)


def test_every_logged_fire_result_is_consistent_shusha():
    from conftest import shusha_scenario

    state = play_game(shusha_scenario(), 11)
    results = fire_results(state.log)
    assert results, "a Shusha game without any fire"
    for r in results:
        check_fire_result(r)


def _assault_setup(att_hex, def_hex, att_type):
    def edit(d):
        add_unit(d, "probe", "attacker", att_type, att_hex)
        add_unit(d, "target", "defender", "infantry", def_hex)

    state = goto(tiny_game(seed=2, scen=variant(edit)), "attacker", "assault")
    return state


def test_assault_up_a_cliff_modifiers():
    state = _assault_setup((5, 2), (5, 1), "tank")
    a_odds, d_odds = combat.assault_odds(state, state.unit("probe"), state.map.idx((5, 1)))
    ev = apply(state, Assault("probe", (5, 1)))
    res = events_of(ev, "AssaultResolved")[0]
    up = Modifier("assaulting up a cliff", -2)
    down = Modifier("cliff: firing down", +2)
    assert up in res.attacker_fire[0].modifiers
    assert not any("uphill" in m.source for m in res.attacker_fire[0].modifiers)
    assert res.defender_fire and all(down in r.modifiers for r in res.defender_fire)
    # the preview is the resolution's distribution
    assert list(a_odds.modifiers) == res.attacker_fire[0].modifiers
    assert [list(o.modifiers) for o in d_odds] == [r.modifiers for r in res.defender_fire]
    for r in [*res.attacker_fire, *res.defender_fire]:
        check_fire_result(r)


def test_assault_down_a_cliff_modifiers():
    state = _assault_setup((5, 1), (5, 2), "special_forces")
    ev = apply(state, Assault("probe", (5, 2)))
    res = events_of(ev, "AssaultResolved")[0]
    assert Modifier("cliff: firing down", +2) in res.attacker_fire[0].modifiers
    assert all(Modifier("firing up a cliff", -2) in r.modifiers for r in res.defender_fire)


def test_assault_losses_never_make_strength_negative():
    for seed in range(8):
        def edit(d):
            move_unit(d, "az_tank", (4, 4))

        state = goto(tiny_game(seed=seed, scen=variant(edit)), "attacker", "assault")
        apply(state, Assault("az_tank", (3, 4)))
        assert all(u.strength >= 0 for u in state.units)
        assert all(0 <= u.cohesion <= 3 for u in state.units)


@settings(max_examples=2000, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_round6_is_round_to_six_digits(x):
    assert combat.round6(x) == round(x, 6)


def test_round6_on_draws_and_near_ties():
    import numpy as np

    rng = np.random.default_rng(2026)
    draws = rng.random(200_000).tolist()
    assert [combat.round6(x) for x in draws] == [round(x, 6) for x in draws]
    # the values next to every 997th half-way point k + ½ (in millionths), where the fallback must decide
    near = []
    for k in range(0, 1_000_000, 997):
        tie = (k + 0.5) / 1e6
        near += [tie, math.nextafter(tie, 0.0), math.nextafter(tie, 1.0), math.nextafter(math.nextafter(tie, 1.0), 1.0)]
    assert [combat.round6(x) for x in near] == [round(x, 6) for x in near]
    assert combat.round6(math.nextafter(1.0, 0.0)) == 1.0


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 6), st.floats(0.02, 0.9), st.integers(0, 6))
def test_fire_odds_loss_distribution(shots, p, target_strength):
    """The memoised loss distribution and expected losses are what the class computed before the memo, on a
    first build and on a memo hit."""
    pmf = combat.binomial_pmf(shots, p)
    out = [0.0] * (target_strength + 1)
    for k, q in enumerate(pmf):
        out[min(k, target_strength)] += q
    for _ in range(2):
        odds = combat.FireOdds("a1", "d2", "tank", 4, 2, (), 1, p, shots, target_strength, pmf)
        assert odds.loss_pmf == tuple(out)
        assert odds.expected_losses == sum(k * q for k, q in enumerate(out))
