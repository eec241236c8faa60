"""Session 37 (an analyst's review): `weather.cloud_base_m` holds the cloud base alone, every turn, so that a batch
can sweep it; the `overcast` preset changes visibility and rain too, and the schedule's ceilings could only be set
one turn at a time."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from conftest import SHUSHA_PATH, assert_problem, scenario_problems

from engine import batch as B
from engine.game import play_game
from engine.scenario import scenario_from_dict
from engine.weather import weather_schedule


def _doc(**weather) -> dict:
    doc = json.loads(SHUSHA_PATH.read_text())
    doc["weather"].update(weather)
    return doc


@pytest.mark.parametrize("mode", ["historical", "stochastic", "clear", "overcast", "fog"])
def test_the_held_cloud_base_replaces_every_turns_ceiling_and_nothing_else(mode: str) -> None:
    plain, held = scenario_from_dict(_doc(mode=mode)), scenario_from_dict(_doc(mode=mode, cloud_base_m=800))
    a = weather_schedule(plain, None, np.random.default_rng(5))
    b = weather_schedule(held, None, np.random.default_rng(5))  # (the stochastic draws as they were)
    assert len(a) == len(b) == plain.turns
    assert all(w.ceiling_m == 800.0 for w in b)
    assert [(w.turn, w.visibility_km, w.fog, w.precipitation) for w in a] == \
        [(w.turn, w.visibility_km, w.fog, w.precipitation) for w in b]


def test_a_game_flies_what_the_held_cloud_base_lets_fly() -> None:
    """At 800 m over a clear day the attacker's Orbiter spots and its armed drones (1200 m) stay grounded."""
    st = play_game(scenario_from_dict(_doc(mode="clear", cloud_base_m=800)), 1)
    status = [e for e in st.log if e.kind == "AirStatus" and e.side == "attacker"]
    grounded = {e.unit for e in status if e.grounded}
    flying = {e.unit for e in status if not e.grounded}
    table = st.scenario.unit_table
    assert grounded and all(table[st.unit(u).type].min_ceiling_m > 800 for u in grounded)
    assert flying and all(table[st.unit(u).type].min_ceiling_m <= 800 for u in flying)
    assert st.log == play_game(scenario_from_dict(_doc(mode="clear", cloud_base_m=800)), 1).log  # (deterministic)


def test_a_scenario_without_it_plays_as_before() -> None:
    doc = json.loads(SHUSHA_PATH.read_text())
    assert scenario_from_dict(copy.deepcopy(doc)).weather.cloud_base_m is None
    plain = play_game(scenario_from_dict(doc), 3).log
    null = play_game(scenario_from_dict(_doc(cloud_base_m=None)), 3).log
    assert plain[1:] == null[1:]  # (the GameStarted line names the document's sha256, which the explicit null changes)


@pytest.mark.parametrize("value, words", [(-5, "expected 0..20000 m"), (30000, "expected 0..20000 m"),
                                          ("low", "expected a number"), (True, "expected a number")])
def test_a_bad_cloud_base_is_refused_with_its_path(value, words) -> None:
    assert_problem(scenario_problems(_doc(cloud_base_m=value)), "$.weather.cloud_base_m", words)


def test_a_batch_sweeps_the_cloud_base_alone(tmp_path) -> None:
    from conftest import short_shusha_doc

    doc = short_shusha_doc(3)
    spec = B.BatchSpec("short.json", doc, 1, 1, sweeps=[B.parse_sweep("set:weather.cloud_base_m=150,4000")],
                       weather="clear")
    cells, _, _ = B.plan(spec, 1)
    assert [c.doc["weather"]["cloud_base_m"] for c in cells] == [150, 4000]
