"""Rule-table numbers are bounded: a mutated table must be a ScenarioError, never a runaway game."""

from __future__ import annotations

import pytest
from conftest import tiny_dict

from engine.errors import ScenarioError
from engine.scenario import scenario_from_dict


@pytest.mark.parametrize("section, key, field, value, path", [
    ("unit_types", "infantry", "max_steps", 10**9, "$.unit_types.infantry.max_steps"),
    ("unit_types", "tank", "ad_kill_p", 2.0, "$.unit_types.tank.ad_kill_p"),
    ("unit_types", "tank", "mobility", "hover", "$.unit_types.tank.mobility"),
    ("unit_types", "tank", "move_points", -3, "$.unit_types.tank.move_points"),
    ("terrain_types", "f", "defence", 99, "$.terrain_types.f.defence"),
])
def test_out_of_range_table_values_are_refused(section, key, field, value, path):
    d = tiny_dict()
    d.setdefault(section, {})[key] = {field: value}
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith(path + ":") for p in ei.value.problems), ei.value.problems


def test_negative_move_cost_is_refused():
    d = tiny_dict()
    d["terrain_types"] = {"f": {"move_cost": {"foot": -1}}}
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith("$.terrain_types.f.move_cost.foot:") for p in ei.value.problems)


def test_oversized_map_is_refused():
    d = tiny_dict()
    d["map"]["cols"] = 401
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith("$.map:") and "400" in p for p in ei.value.problems)


def test_huge_no_go_area_is_refused_without_enumerating_it():
    """A no-go rectangle reaching 10^9 once made validation enumerate 10^18 hexes (OOM); it is an error now."""
    d = tiny_dict()
    d["sides"]["attacker"]["no_go"] = [{"name": "far", "from": [0, 0], "to": [10**9, 10**9]}]
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(d)
    assert any(p.startswith("$.sides.attacker.no_go[0].to:") for p in ei.value.problems)
