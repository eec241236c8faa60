"""The side's last-seen marks by hex (`rules.marks_by_hex`), kept while what they depend on stands, never go stale:
played games compared step by step with the list built from scratch, direct writes into the record, and the count of
builds (once per side's knowledge, not once per battery and mark as `SideView.suspected_fire_odds` asked)."""

from __future__ import annotations

import pytest
from conftest import drop_units, goto, move_unit, shusha_scenario, tiny_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.rules import (
    marks_by_hex,
    new_game,
    seed_streams,
    suspected_fire_refusal,
    suspected_marks,
    suspected_targets,
)
from engine.scenario import scenario_from_dict
from engine.units import SIDES
from engine.view import SideView, observe


def _fresh(state, side):
    """The marks by hex as `rules.suspected_marks` built them before the cache: from a new view's `last_seen`."""
    out: dict[int, list] = {}
    for m in observe(state, side).last_seen:
        out.setdefault(m.idx, []).append(m)
    return {idx: tuple(sorted(ms, key=lambda m: (-m.turn, m.id))) for idx, ms in out.items()}


def _check(state):
    limit = state.scenario.combat.suspected_fire_max_age_turns
    for side in (0, 1):
        want = _fresh(state, side)
        assert marks_by_hex(state, side) == want, (state.turn, state.phase, side)
        for idx, ms in want.items():
            own = bool(state.units_at(idx, side))
            assert suspected_marks(state, side, idx) == ([] if own else list(ms))
        if state.scenario.combat.suspected_fire:
            old = frozenset(m.idx for m in observe(state, side).last_seen
                            if state.turn - m.turn <= limit and not state.units_at(m.idx, side))
            assert suspected_targets(state, side) == old


def _tiny(**combat_rules):
    d = tiny_dict()
    move_unit(d, "az_sf", (5, 4))
    drop_units(d, "arm_ad")
    d["combat"] = {"suspected_fire": True, **combat_rules}
    return scenario_from_dict(d, source="marks cache")


@pytest.mark.parametrize(("name", "seed", "every", "least"), [("tiny", 3, 1, 3), ("shusha", 1, 3, 50)])
def test_cached_marks_equal_marks_from_scratch(name, seed, every, least):
    scen = _tiny() if name == "tiny" else shusha_scenario()
    state = new_game(scen, seed, track_sightings=True)
    players = [make_agent("doctrine", {**scen.sides[s].agent_params, "fire_on_suspected": True}) for s in SIDES]
    streams = seed_streams(seed)
    steps, marked = 0, 0
    while state.outcome is None and steps < 3000:
        agent_step(state, players[state.side], streams[2 + state.side])
        steps += 1
        if steps % every == 0:
            _check(state)
            marked += bool(marks_by_hex(state, 0) or marks_by_hex(state, 1))
    _check(state)
    assert marked >= least  # (marks were there to compare)


def test_one_build_serves_every_battery_and_mark():
    state = goto(new_game(_tiny(), 2, track_sightings=True), "attacker", "artillery")
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    builds = []
    real = SideView.last_seen.func
    SideView.last_seen.func = lambda view: builds.append(view.side) or real(view)
    try:
        view = observe(state, 0)
        hexes = sorted(view.marks_by_hex)
        assert len(hexes) >= 2
        for _ in range(3):
            for idx in hexes:
                assert view.suspected_fire_odds("az_art", idx)
                assert view.suspected_marks(idx) == list(marks_by_hex(state, 0)[idx])
        assert suspected_targets(state, 0) == frozenset(hexes)
        assert builds == [0]
        # a write into the record: built again
        state.last_seen[0][next(iter(state.last_seen[0]))] = (hexes[0], 0, 1, False)
        marks_by_hex(state, 0)
        assert builds == [0, 0]
    finally:
        SideView.last_seen.func = real


@settings(max_examples=25, deadline=None)
@given(writes=st.lists(st.tuples(st.sampled_from(["arm_inf_1", "arm_inf_2", "arm_amb", "arm_art"]),
                                 st.integers(0, 99), st.integers(0, 3), st.integers(1, 3), st.booleans()),
                       max_size=6),
       drop=st.booleans())
def test_direct_writes_into_the_record_are_read(writes, drop):
    """Tests and tools write into `GameState.last_seen` without telling the state: the cache compares the record
    by value, so the next answer is the record's."""
    state = goto(new_game(_tiny(), 2, track_sightings=True), "attacker", "artillery")
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    _check(state)
    record = state.last_seen[0]
    for uid, idx, turn, strength, left in writes:
        record[uid] = (idx % state.map.n, turn, strength, left)
        _check(state)
    if drop:
        record.clear()
        _check(state)
        assert marks_by_hex(state, 0) == {}


def test_a_game_without_sightings_has_no_marks():
    state = new_game(_tiny(), 1, track_sightings=False)
    assert marks_by_hex(state, 0) == {} and suspected_marks(state, 0, 0) == []


def test_an_agent_cannot_edit_the_marks_the_rules_read():
    """`SideView.marks_by_hex` is the rules' own cache: an agent's edit must fail, not change what fire is legal."""
    state = goto(new_game(_tiny(), 2, track_sightings=True), "attacker", "artillery")
    goto(goto(state, "defender", "artillery"), "attacker", "artillery")
    view = observe(state, 0)
    idx = sorted(view.marks_by_hex)[0]
    assert suspected_fire_refusal(state, 0, idx) is None
    with pytest.raises(TypeError):
        del view.marks_by_hex[idx]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        view.marks_by_hex[idx].clear()  # type: ignore[attr-defined]
    assert suspected_fire_refusal(state, 0, idx) is None and suspected_marks(state, 0, idx)
