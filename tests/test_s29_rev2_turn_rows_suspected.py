"""The per-turn table (`engine.batch.turn_rows`) counts the steps a fire on a suspected position destroyed, as the
score record does (a hidden unit's `HiddenUnitShelled` lost none)."""

from __future__ import annotations

from test_s29_suspected_fire import TOWN, _fire, _sure, _turn2

from engine.batch import turn_rows


def test_steps_lost_to_a_suspected_position_reach_the_per_turn_table():
    state = _turn2(_sure(True))
    _fire(state, TOWN)
    assert state.score.steps_lost["defender"] == {"infantry": 2}
    rows = turn_rows(state.log, state.scenario)
    assert rows[-1]["steps_lost_defender_cum"] == 2 and rows[-1]["steps_lost_defender_ground_cum"] == 2
