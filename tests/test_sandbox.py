"""Sandbox edits: placements under the standing rules and the fog, weather changes and the drones they ground."""

from __future__ import annotations

import functools

import pytest
from conftest import goto, tiny_dict, tiny_game, unit_spec, variant
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.events import AirStatus, SandboxEdit, WeatherReport
from engine.orders import EndPhase, Recon, SandboxPlace, SandboxWeather
from engine.rules import IllegalOrder, apply, check, new_game
from engine.scenario import scenario_from_dict
from engine.visibility import known_enemies

# ---------------------------------------------------------------------------------------------------------------------
# Sandbox placement (Shift+click with `--sandbox`) must not tell a player where enemies it has not seen stand:
# it once refused a hex holding one with "an enemy unit is at (c,r)".

ATTACKER, DEFENDER = 0, 1


@functools.lru_cache(maxsize=1)
def _no_forest_for_tracks():
    """The tiny scenario with forest closed to tracked units (no enemy stands in one): the maps have no hex a
    unit cannot stand on, and a refusal over a hidden enemy is compared with one over terrain."""
    return variant(lambda d: d.setdefault("terrain_types", {}).update({"f": {"move_cost": {"tracked": None}}}))


def _game(seed):
    return tiny_game(seed, _no_forest_for_tracks(), sandbox=True)


def _ground(state, side):
    return [u for u in state.units if u.side == side and u.active and not u.offmap
            and state.utype(u).domain == "ground"]


def _wording(state, uid, idx):
    """The refusal of placing `uid` on hex `idx`, its hex's description taken out (None: allowed)."""
    why = check(state, SandboxPlace(uid, state.map.hex_of(idx)))
    return None if why is None else why.replace(state.map.describe(idx), "<hex>")


def test_a_hidden_enemy_is_refused_in_the_words_of_unplaceable_terrain():
    state = _game(1)
    assert not known_enemies(state, ATTACKER)  # (at the start the attacker has seen none of them)
    hidden_at = {u.idx for u in _ground(state, DEFENDER)}
    compared = 0
    for u in _ground(state, ATTACKER):
        terrain = {_wording(state, u.id, i) for i in range(state.map.n)
                   if i not in hidden_at and not state.map.enterable[state.utype(u).mobility][i]}
        for i in sorted(hidden_at):
            why = _wording(state, u.id, i)
            assert why is not None  # (two sides never share a hex)
            assert "enemy unit is at" not in why
            assert not any(e.id in why for e in _ground(state, DEFENDER))
            if terrain:
                assert why in terrain
                compared += 1
    assert compared  # (some unit has terrain it cannot stand on, to compare with)


def test_a_refused_placement_leaves_the_state_as_it_was_and_a_free_hex_is_allowed():
    state = _game(1)
    u = _ground(state, ATTACKER)[0]
    enemy = _ground(state, DEFENDER)[0]
    before = state.fingerprint()
    with pytest.raises(IllegalOrder):
        apply(state, SandboxPlace(u.id, state.map.hex_of(enemy.idx)))
    assert state.fingerprint() == before
    mob = state.utype(u).mobility
    free = next(i for i in range(state.map.n) if state.map.enterable[mob][i] and not state.units_at(i, DEFENDER))
    apply(state, SandboxPlace(u.id, state.map.hex_of(free)))
    assert state.unit(u.id).idx == free


def test_a_known_enemy_is_refused_too():
    state = _game(1)
    enemy = _ground(state, DEFENDER)[0]
    for u in _ground(state, ATTACKER):  # (put an attacker beside it, where it may stand: now it sees it)
        mob = state.utype(u).mobility
        nxt = [i for i in range(state.map.n) if state.map.distance(i, enemy.idx) == 1
               and state.map.enterable[mob][i] and not state.units_at(i, DEFENDER)]
        if nxt:
            apply(state, SandboxPlace(u.id, state.map.hex_of(nxt[0])))
            break
    if enemy.id not in {e.id for e in known_enemies(state, ATTACKER)}:
        pytest.skip("the enemy stays hidden beside the attacker in this scenario")  # pragma: no cover
    other = _ground(state, ATTACKER)[-1]
    assert _wording(state, other.id, enemy.idx) is not None


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(1, 50), pick=st.integers(0, 10_000), hexes=st.lists(st.integers(0, 10_000), min_size=2,
                                                                            max_size=6))
def test_every_refusal_of_a_unit_reads_the_same_whatever_the_hex_holds(seed, pick, hexes):
    """Terrain, a hidden enemy or a seen one: the words cannot tell them apart (the map shows the terrain)."""
    state = _game(seed)
    side = pick % 2
    units = _ground(state, side)
    u = units[pick % len(units)]
    enemies = [e.idx for e in _ground(state, 1 - side)]
    idxs = [enemies[h % len(enemies)] if h % 3 == 0 else h % state.map.n for h in hexes]
    words = {_wording(state, u.id, i) for i in idxs} - {None}
    assert len(words) <= 1, words


# ---------------------------------------------------------------------------------------------------------------------
# Sandbox edits follow the scenario's standing rules: a placement keeps to the stack limit (it once stacked any
# number of units on a hex), and a weather change tells the log what the new weather does, as a new turn does.

ATTACKER = 0


def _ground_incl_inactive(state, side):
    return [u for u in state.units if u.side == side and not u.offmap and state.utype(u).domain == "ground"]


def _free_hex(state, units):
    """A hex every one of `units` may stand on, with no unit in it."""
    mobs = {state.utype(u).mobility for u in units}
    return next(i for i in range(state.map.n) if all(state.map.enterable[m][i] for m in mobs)
                and not state.units_at(i, 0) and not state.units_at(i, 1))


@settings(max_examples=25, deadline=None)
@given(limit=st.integers(1, 2), seed=st.integers(1, 30))  # (the attacker has 3 ground units)
def test_a_placement_onto_a_full_hex_is_refused_and_changes_nothing(limit, seed):
    scen = variant(lambda d: d.__setitem__("stack_limit", limit))
    state = tiny_game(seed, scen, sandbox=True)
    own = _ground_incl_inactive(state, ATTACKER)
    assert len(own) > limit
    t = _free_hex(state, own[:limit + 1])
    ref = state.map.hex_of(t)
    for u in own[:limit]:
        apply(state, SandboxPlace(u.id, ref))
    assert len(state.units_at(t, ATTACKER)) == limit
    extra = own[limit]
    why = check(state, SandboxPlace(extra.id, ref))
    assert why is not None
    assert f"{state.map.describe(t)} is full (stack limit {limit})" in why  # (Move's words)
    before, log = state.fingerprint(), len(state.log)
    with pytest.raises(IllegalOrder):
        apply(state, SandboxPlace(extra.id, ref))
    assert state.fingerprint() == before and len(state.log) == log
    # a unit already in the full hex may be placed where it stands (it does not count against itself)
    assert check(state, SandboxPlace(own[0].id, ref)) is None


def test_the_stack_refusal_does_not_depend_on_enemy_units():
    """It counts the placing side's own units only: it tells the player nothing it does not know."""
    scen = variant(lambda d: d.__setitem__("stack_limit", 1))
    state = tiny_game(1, scen, sandbox=True)
    a, b = _ground_incl_inactive(state, ATTACKER)[:2]
    t = _free_hex(state, [a, b])
    apply(state, SandboxPlace(a.id, state.map.hex_of(t)))
    why = check(state, SandboxPlace(b.id, state.map.hex_of(t)))
    assert why is not None and "enemy" not in why


def _rain_slows_foot():
    return variant(lambda d: d.__setitem__("weather_movement", {"rain": {"foot": 1.5}}))


def _since(state, n):
    return [e for e in state.log[n:]]


def test_a_weather_change_logs_what_the_new_weather_does_to_movement_and_flying():
    state = tiny_game(1, _rain_slows_foot(), sandbox=True)
    n = len(state.log)
    apply(state, SandboxWeather("overcast"))  # (rain)
    new = _since(state, n)
    assert [e.kind for e in new][:2] == ["SandboxEdit", "WeatherReport"]
    w = new[1]
    assert (w.precipitation, w.ceiling_m) == ("rain", 400.0)
    assert w.move_factors and "foot" in w.movement  # (the same account a new turn's report gives)
    assert {e.unit for e in new if isinstance(e, AirStatus)} == {u.id for u in state.air_units() if u.active}
    n = len(state.log)
    apply(state, SandboxWeather("clear"))
    w = next(e for e in _since(state, n) if isinstance(e, WeatherReport))
    assert w.precipitation == "none" and w.move_factors == () and w.movement == ""


def test_a_weather_change_does_not_count_a_turn_s_grounded_drones_twice():
    """`drone_sorties_grounded` counts drones × turns grounded: the weather the turn ends up with counts once."""
    state = tiny_game(1, sandbox=True)
    armed = [u for u in state.air_units() if u.active and state.utype(u).air_role in ("strike", "loiter")]
    assert armed and state.score.drone_sorties_grounded["attacker"] == 0  # (the tiny turn 1 is flying weather)
    apply(state, SandboxWeather("fog"))
    assert all(state.grounded[u.id] for u in armed)
    assert state.score.drone_sorties_grounded["attacker"] == len(armed)
    apply(state, SandboxWeather("overcast"))  # (400 m ceiling: grounds the TB2 as well)
    grounded = sum(state.grounded[u.id] is not None for u in armed)
    assert state.score.drone_sorties_grounded["attacker"] == grounded
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == 0


def test_setting_the_weather_it_already_is_logs_the_edit_only():
    state = tiny_game(1, _rain_slows_foot(), sandbox=True)
    apply(state, SandboxWeather("fog"))
    n, grounded, score = len(state.log), dict(state.grounded), repr(state.score)
    apply(state, SandboxWeather("fog"))
    new = _since(state, n)
    assert [type(e) for e in new] == [SandboxEdit]
    assert "unchanged" in new[0].description
    assert (state.grounded, repr(state.score)) == (grounded, score)
    apply(state, SandboxWeather("historical"))  # (back to the turn's scheduled weather: a change, reported)
    assert any(isinstance(e, WeatherReport) for e in _since(state, n + 1))


# ---------------------------------------------------------------------------------------------------------------------
# A drone a sandbox edit places mid-turn (before its arrival turn) is judged by the turn's weather at once: it
# does not fly in thick fog until the next weather report, and grounded, it counts in `drone_sorties_grounded`.

def _late_drone_game_in_fog(uid: str):
    doc = tiny_dict()
    unit_spec(doc, uid)["arrives_turn"] = 3
    state = new_game(scenario_from_dict(doc, source="s29 rev1"), 1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    return state


def test_a_recon_drone_placed_in_thick_fog_is_grounded():
    state = _late_drone_game_in_fog("az_orlan")
    apply(state, SandboxPlace("az_orlan", (9, 7)))
    assert state.grounded["az_orlan"]
    goto(state, "attacker", "air")
    assert "grounded" in check(state, Recon("az_orlan", (5, 5)))


def test_an_armed_drone_placed_in_thick_fog_counts_once_and_clearing_uncounts_it():
    state = _late_drone_game_in_fog("az_tb2")
    before = state.score.drone_sorties_grounded["attacker"]
    apply(state, SandboxPlace("az_tb2", (9, 7)))
    assert state.score.drone_sorties_grounded["attacker"] == before + 1
    apply(state, SandboxPlace("az_tb2", (9, 6)))  # (placed again: judged already, not counted again)
    assert state.score.drone_sorties_grounded["attacker"] == before + 1
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == before


# ---------------------------------------------------------------------------------------------------------------------
# `drone_sorties_grounded` counts armed drones x turns grounded: however often a turn's weather is set (sandbox
# edits) and whatever it was before, each turn counts the drones its last weather grounded, once. Checked against
# the log: the `AirStatus` lines that follow each turn's last `WeatherReport`.

ARMED = ("strike", "loiter")
PRESETS = ("clear", "overcast", "fog", "historical")


def _grounded_by_last_weather(state) -> dict[str, int]:
    """Per side, armed drones x turns grounded, from the log: a turn's last weather report and the air status
    lines after it."""
    out = {"attacker": 0, "defender": 0}
    last: dict[int, int] = {}
    for k, ev in enumerate(state.log):
        if ev.kind == "WeatherReport":
            last[ev.turn] = k
    for k, ev in enumerate(state.log):
        if (ev.kind == "AirStatus" and ev.grounded and k > last[ev.turn]
                and state.scenario.unit_table[ev.unit_type].air_role in ARMED):
            out[ev.side] += 1
    return out


def _end_turn(state) -> None:
    turn = state.turn
    while state.turn == turn and state.outcome is None:
        apply(state, EndPhase(state.side_name))


@settings(max_examples=30, deadline=None)
@given(edits=st.lists(st.lists(st.sampled_from(PRESETS), max_size=4), min_size=1, max_size=4))
def test_each_turn_counts_the_drones_its_last_weather_grounded_once(edits):
    state = tiny_game(1, sandbox=True)
    for turn_edits in edits:
        for preset in turn_edits:
            apply(state, SandboxWeather(preset))
        assert state.score.drone_sorties_grounded == _grounded_by_last_weather(state)
        _end_turn(state)
    assert state.score.drone_sorties_grounded == _grounded_by_last_weather(state)


def test_a_turn_that_starts_grounded_and_clears_counts_nothing():
    """A turn that opens grounded (last turn's sandbox fog does not carry over: this turn's own weather counts)."""
    state = tiny_game(1, sandbox=True)
    apply(state, SandboxWeather("fog"))
    armed = [u for u in state.air_units() if u.active and state.utype(u).air_role in ARMED]
    assert armed and state.score.drone_sorties_grounded["attacker"] == len(armed)
    _end_turn(state)
    now = state.score.drone_sorties_grounded["attacker"]
    assert now == len(armed) + sum(state.grounded[u.id] is not None for u in armed)
    apply(state, SandboxWeather("fog"))
    apply(state, SandboxWeather("clear"))
    assert state.score.drone_sorties_grounded["attacker"] == len(armed)
