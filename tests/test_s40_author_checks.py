"""What a scenario author's mistakes now get (session 40's author: each of these validated "OK" and then played
wrong): a symbol the UI cannot draw, air settings that do nothing, a huge number echoed in full, an objective no
attacker can enter, two places of one name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import scenario_problems, tiny_dict
from typer.testing import CliRunner

from engine.cli import app as cli
from engine.cli import map_warnings
from engine.scenario import scenario_from_dict
from engine.units import SYMBOLS


@pytest.mark.parametrize("over, where, says", [
    ({"sappers": {"base": "infantry", "symbol": "engineer"}}, "$.unit_types.sappers.symbol",
     "expected one of infantry, special_forces"),
    ({"heli": {"base": "armed_drone", "mobility": "tracked"}}, "$.unit_types.heli.mobility",
     "'tracked' for an air unit; expected air"),
    ({"walker": {"base": "infantry", "mobility": "air"}}, "$.unit_types.walker.mobility",
     "'air' for a ground unit; expected one of foot"),
    ({"heli": {"base": "armed_drone", "air_role": None}}, "$.unit_types.heli.air_role",
     "an air unit needs one of strike, loiter, recon"),
    ({"sappers": {"base": "infantry", "air_role": "strike"}}, "$.unit_types.sappers.air_role",
     "'strike' for a ground unit, which flies no sorties"),
    ({"heli": {"base": "armed_drone", "air_role": "bomber"}}, "$.unit_types.heli.air_role",
     "expected one of strike, loiter, recon (or null); got 'bomber'"),
    ({"tank": {"protection": 10 ** 300}}, "$.unit_types.tank.protection", "expected -20..50, got 1.00e+300"),
    ({"tank": {"protection": 10 ** 400}}, "$.unit_types.tank.protection", "expected -20..50, got 1.00e+400"),
])
def test_a_unit_type_that_would_play_wrong_is_refused_with_its_path(over: dict, where: str, says: str) -> None:
    doc = tiny_dict()
    doc["unit_types"] = over
    problems = scenario_problems(doc)
    assert any(p.startswith(where) and says in p for p in problems), problems
    assert all(len(p) < 400 for p in problems)  # (1e300 was echoed in its 301 digits)


def test_every_symbol_the_engine_accepts_the_ui_can_draw() -> None:
    from ui.render_units import SMALL_CODES

    assert set(SMALL_CODES) == set(SYMBOLS)


def test_a_unit_that_cannot_hide_is_named_by_its_type_without_a_bad_article() -> None:
    doc = tiny_dict()
    next(u for u in doc["units"] if u["id"] == "az_tb2")["hidden"] = True
    (problem,) = scenario_problems(doc)
    assert problem.startswith("$.units[4].hidden: armed_drone units cannot hide")


def test_an_objective_no_attacker_can_enter_and_two_places_of_one_name_are_warned_of(tmp_path: Any) -> None:
    doc = tiny_dict()
    doc["terrain_types"] = {"l": {"name": "lake", "move_cost": {"foot": None, "sf": None, "wheeled": None,
                                                              "tracked": None}}}
    row = doc["map"]["terrain"][4]
    doc["map"]["terrain"][4] = row[:3] + "l" + row[4:]  # (3, 4): the second hex of Tinytown
    doc["map"]["places"].append({"name": "Tinytown", "hex": [6, 6], "kind": "village"})
    for u in doc["units"]:
        if u["id"] == "arm_inf_2":
            u["hex"] = [2, 4]
    scen = scenario_from_dict(doc)
    warned = map_warnings(scen)
    assert warned[0].startswith("$.objectives[0].hexes[1]: [3, 4] is lake, which none of the attacker's ground "
                                "units (sf, tracked, wheeled) can enter: the attacker can never hold Tinytown")
    assert warned[1].startswith("$.map.places[2].name: 'Tinytown' again (first at places[0])")
    assert len(warned) == 2
    p = tmp_path / "lake.json"
    p.write_text(json.dumps(doc))
    res = CliRunner().invoke(cli, ["validate", str(p)])
    assert res.exit_code == 0 and "can never hold Tinytown" in res.output
    assert map_warnings(scenario_from_dict(tiny_dict())) == []


def test_a_terrain_may_set_its_colour_on_the_map(screen: Any) -> None:
    from ui import palette as pal
    from ui.overlays import _Terrain
    from ui.render_map import hillshade, terrain_given_colours

    doc = tiny_dict()
    doc["terrain_types"] = {"l": {"name": "lake", "colour": "#3a78c8",
                                  "move_cost": {"foot": None, "sf": None, "wheeled": None, "tracked": None}},
                            "f": {"colour": "#204010"}}  # (a built-in terrain's colour too)
    doc["map"]["terrain"][0] = "l" + doc["map"]["terrain"][0][1:]
    scen = scenario_from_dict(doc)
    assert terrain_given_colours(scen) == {"l": "#3a78c8", "f": "#204010"}
    from engine.rules import new_game

    st = new_game(scen, 1)
    seen = _Terrain(st, pal.PALETTES["default"]).seen
    shade = hillshade(st.map).tolist()
    gm = st.map
    lake, forest = gm.idx((0, 0)), gm.terrain_codes.index("f")
    assert seen[lake] == pal.shade((58, 120, 200), shade[lake])
    k = next(i for i in range(gm.n) if gm.terrain[i] == forest)
    assert seen[k] == pal.shade((32, 64, 16), shade[k])
    assert terrain_given_colours(scenario_from_dict(tiny_dict())) == {}


@pytest.mark.parametrize("colour", ["blue", "#12345", "#12345g", "3a78c8"])
def test_a_bad_terrain_colour_is_refused_with_its_path(colour: str) -> None:
    doc = tiny_dict()
    doc["terrain_types"] = {"f": {"colour": colour}}
    problems = scenario_problems(doc)
    assert any(p.startswith("$.terrain_types.f.colour: expected a colour as \"#rrggbb\"") for p in problems), problems


def test_the_docs_give_the_default_unit_types_values_as_the_code_has_them() -> None:
    from pathlib import Path

    from engine.units import types_markdown

    text = (Path(__file__).resolve().parents[1] / "docs" / "scenario_format.md").read_text(encoding="utf-8")
    begin = "<!-- unit types: generated by engine.units.types_markdown(); a test keeps it in step -->\n"
    block = text.split(begin)[1].split("<!-- end of unit types -->")[0]
    assert block == types_markdown(), "regenerate the block with engine.units.types_markdown()"
    assert "| `howitzer` | Towed artillery (artillery) | wheeled | 4 | 3 | 3/2 | 0 | 12 |" in block


def test_wargame_types_lists_a_scenarios_types_with_its_overrides(tmp_path: Any) -> None:
    doc = tiny_dict()
    doc["meta"]["name"] = "Tiny [draft]"  # (Rich markup in a name: printed as written, a reviewer)
    doc["unit_types"] = {"howitzer": {"range_hexes": 7}, "sappers": {"base": "infantry", "label": "Sappers [v2]"}}
    p = tmp_path / "t.json"
    p.write_text(json.dumps(doc))
    res = CliRunner().invoke(cli, ["types", str(p)], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    row = next(line for line in res.output.splitlines() if "│ howitzer" in line)
    cells = [c.strip() for c in row.split("│")]
    assert cells[1] == "2" and cells[9] == "7"  # (two howitzers in the tiny scenario; range 7, overridden)
    assert "sappers" in res.output and "Sappers [v2]" in res.output
    assert "Ground unit types of Tiny [draft]" in res.output
    assert "armed_drone" in res.output and "1200 m / 3 km" in res.output
    bad = CliRunner().invoke(cli, ["types", str(tmp_path / "missing.json")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_an_objective_hex_in_the_attackers_no_go_area_is_warned_of() -> None:
    doc = tiny_dict()
    doc["sides"]["attacker"]["no_go"] = [{"name": "the Reserve", "from": [3, 4], "to": [3, 4]}]
    for u in doc["units"]:
        if u["id"] == "arm_inf_2":
            u["hex"] = [2, 4]
    warned = map_warnings(scenario_from_dict(doc))
    assert warned == ["$.objectives[0].hexes[1]: [3, 4] lies in the attacker's no-go area 'the Reserve': the "
                      "attacker can never hold Tinytown"]


def test_wargame_types_in_a_narrow_terminal_gives_a_small_table_a_type() -> None:
    """A player's 80-column terminal wrapped the wide table to 2-3 letters a column over some 300 lines."""
    res = CliRunner().invoke(cli, ["types", "scenarios/shusha_1120.json"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    row = next(line for line in lines if "│ range" in line and "15" in line)  # (border_artillery's 15 hexes)
    assert row
    assert sum(1 for line in lines if line.strip() == "howitzer") == 1
