"""The score record tells missions on suspected positions from those at seen units (`Score.suspected_fire_missions`,
a part of `artillery_missions`), and the debrief lists them when there were any."""

from __future__ import annotations

from test_s29_suspected_fire import TOWN, _fire, _sure, _turn2

from engine.debrief import debrief_rows


def test_a_mission_on_a_suspected_position_is_counted_apart():
    state = _turn2(_sure(False))
    assert not [r for r in debrief_rows(state) if "suspected" in r[0]]  # (none yet: no row)
    _fire(state, TOWN)
    sc = state.score
    assert sc.artillery_missions["attacker"] == 1 and sc.suspected_fire_missions == {"attacker": 1, "defender": 0}
    assert ("  of which on suspected positions", 1, 0) in debrief_rows(state)


def test_the_batch_row_has_the_count():
    from engine.batch import PER_SIDE_COUNTERS

    assert "suspected_fire_missions" in PER_SIDE_COUNTERS  # (`suspected_fire_missions_{side}` columns)


def test_the_new_columns_leave_the_older_ones_in_their_places():
    """`suspected_fire_missions_<side>` (engine 0.18.0) come just before the weather columns: the columns an older
    results file has keep their order, and their places in a CSV copy, up to the weather columns."""
    from engine.batch import SIDES, WEATHER_COLUMNS, row_schema

    names = row_schema({}, {s: [] for s in SIDES}).names
    new = [f"suspected_fire_missions_{s}" for s in SIDES]
    assert names[-len(WEATHER_COLUMNS) - len(new):-len(WEATHER_COLUMNS)] == new
    assert names[-len(WEATHER_COLUMNS):] == list(WEATHER_COLUMNS)
