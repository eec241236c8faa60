"""Rules are data, continued (after tests/test_combat_rules_data.py):

- the rest of the numbers of fire resolution (supply, cohesion and night modifiers; shots of artillery and
  drone strikes) are keys of the scenario's ``"combat"`` section, with the old numbers as defaults;
- a section or list item of the wrong JSON type is reported as ``$.victory: expected an object, got int 3``;
- ``--set unit_types.TYPE.FIELD=V`` and ``terrain_types.CODE.FIELD=V`` work on a scenario without those
  sections, as a partial override of the default entry, and name what exists when the type or field does not.
"""

from __future__ import annotations

import copy
import re
import shlex
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import (
    ROOT,
    add_unit,
    assert_problem,
    scenario_problems,
    shusha_scenario,
    tiny_dict,
    tiny_game,
    tiny_scenario,
)
from typer.testing import CliRunner

from engine import combat
from engine.batch import BatchError, apply_override, build_cells, parse_sweep, with_overrides
from engine.combat import NIGHT_TRAINED, NIGHT_UNTRAINED
from engine.errors import ScenarioError
from engine.events import Modifier
from engine.game import play_game
from engine.mapdata import game_map
from engine.scenario import DEFAULT_COMBAT, CombatRules, Scenario, scenario_from_dict
from engine.terrain import DEFAULT_TERRAIN
from engine.units import DEFAULT_UNIT_TYPES

OLD_NUMBERS = {"out_of_supply_modifier": -1, "broken_modifier": -2, "shaken_modifier": -1,
               "night_untrained_modifier": -1, "night_trained_modifier": +1, "artillery_steps_per_shot": 2,
               "strike_max_shots": 2, "expendable_strike_shots": 1}
"""The numbers engine/combat.py hard-coded before they became data (this change)."""

RULE_OF_SOURCE = {"out of supply": "out_of_supply_modifier", "broken": "broken_modifier",
                  "shaken": "shaken_modifier", NIGHT_UNTRAINED: "night_untrained_modifier",
                  NIGHT_TRAINED: "night_trained_modifier"}
"""The `source` of each firer-state and night modifier in the events, and the rule that gives its value."""

CHANGED = {"out_of_supply_modifier": -3, "broken_modifier": -4, "shaken_modifier": -2,
           "night_untrained_modifier": -2, "night_trained_modifier": 3}


def tiny_with(**rules: Any) -> Scenario:
    doc = tiny_dict()
    add_unit(doc, "az_harop", "attacker", "loitering_munition", (9, 7))
    if rules:
        doc["combat"] = rules
    return scenario_from_dict(doc, source="tiny")


def odds(scen: Scenario, firer: str = "az_sf", target: str = "arm_inf_1", context: str = "assault", *,
         supplied: bool = True, cohesion: int = 3, night: bool = False, strength: int | None = None
         ) -> combat.FireOdds:
    """The odds of `firer` firing at `target` in a fresh tiny game, the firer in the given state."""
    state = tiny_game(1, scen)
    f, t = state.unit(firer), state.unit(target)
    f.supplied, f.cohesion, state.night = supplied, cohesion, night
    if strength is not None:
        f.strength = strength
    return combat.fire_odds(state, f, t, context)


def state_mods(o: combat.FireOdds) -> dict[str, int]:
    return {m.source: m.value for m in o.modifiers if m.source in RULE_OF_SOURCE}


# ------------------------------------------------------------------------------------------------ defaults
def test_defaults_are_the_old_numbers():
    assert {k: getattr(DEFAULT_COMBAT, k) for k in OLD_NUMBERS} == OLD_NUMBERS
    assert tiny_scenario().combat == DEFAULT_COMBAT


def test_default_modifiers_are_the_old_ones():
    scen = tiny_with()
    o = odds(scen, supplied=False, cohesion=1)
    assert Modifier("out of supply", -1) in o.modifiers and Modifier("shaken", -1) in o.modifiers
    assert Modifier("broken", -2) in odds(scen, cohesion=0).modifiers
    # special forces are night-trained, infantry is not
    assert Modifier(NIGHT_TRAINED, +1) in odds(scen, night=True).modifiers
    back = odds(scen, "arm_inf_1", "az_sf", "defence", night=True)
    assert Modifier(NIGHT_UNTRAINED, -1) in back.modifiers


def test_default_shots_are_the_old_ones():
    scen = tiny_with()
    for s in (1, 2, 3):
        assert odds(scen, "az_art", "arm_inf_1", "artillery", strength=s).shots == (s + 1) // 2
        assert odds(scen, "az_tb2", "arm_ad", "strike", strength=s).shots == min(s, 2)
    for s in (1, 4):
        assert odds(scen, "az_harop", "arm_ad", "strike", strength=s).shots == 1


# ------------------------------------------------------------------------------------------------ overrides
@pytest.mark.parametrize("context", ["assault", "ambush", "defence", "artillery"])
def test_state_modifiers_take_the_scenarios_values(context):
    base, changed = tiny_with(), tiny_with(**CHANGED)
    firer = "az_art" if context == "artillery" else "az_sf"
    for supplied, cohesion in ((False, 1), (False, 0), (True, 0), (False, 3)):
        old = odds(base, firer, context=context, supplied=supplied, cohesion=cohesion)
        new = odds(changed, firer, context=context, supplied=supplied, cohesion=cohesion)
        assert state_mods(old) and state_mods(old).keys() == state_mods(new).keys()
        for source, value in state_mods(new).items():
            assert value == CHANGED[RULE_OF_SOURCE[source]] and state_mods(old)[source] == OLD_NUMBERS[
                RULE_OF_SOURCE[source]]
        assert new.net - old.net == sum(state_mods(new).values()) - sum(state_mods(old).values())
        assert new.p_hit == combat.hit_probability(new.net)


def test_night_modifiers_take_the_scenarios_values():
    changed = tiny_with(**CHANGED)
    assert Modifier(NIGHT_TRAINED, 3) in odds(changed, night=True).modifiers
    back = odds(changed, "arm_inf_1", "az_sf", "defence", night=True)
    assert Modifier(NIGHT_UNTRAINED, -2) in back.modifiers
    assert not state_mods(odds(changed, night=False))  # by day, none


def test_zero_leaves_the_modifiers_out():
    zero = tiny_with(**dict.fromkeys(CHANGED, 0))
    for o in (odds(zero, supplied=False, cohesion=1), odds(zero, cohesion=0), odds(zero, night=True),
              odds(zero, "arm_inf_1", "az_sf", "defence", night=True, supplied=False)):
        assert not state_mods(o), o.modifiers
        assert o.net == o.firepower - o.protection + sum(m.value for m in o.modifiers)


def test_shots_take_the_scenarios_values():
    for per in (1, 3, 20):
        scen = tiny_with(artillery_steps_per_shot=per)
        for s in (1, 2, 3):
            o = odds(scen, "az_art", "arm_inf_1", "artillery", strength=s)
            assert o.shots == -(-s // per) and len(o.pmf) == o.shots + 1
    for top in (1, 3):
        scen = tiny_with(strike_max_shots=top)
        assert [odds(scen, "az_tb2", "arm_ad", "strike", strength=s).shots for s in (1, 2, 3)] == \
            [min(s, top) for s in (1, 2, 3)]
    scen = tiny_with(expendable_strike_shots=3)
    assert [odds(scen, "az_harop", "arm_ad", "strike", strength=s).shots for s in (1, 4)] == [3, 3]
    assert odds(scen, "az_tb2", "arm_ad", "strike", strength=3).shots == 2  # only expendable drones


def test_a_shusha_game_logs_the_scenarios_values():
    """Through the rules: every fire result of a whole game carries the scenario's numbers."""
    sets = [f"combat.{k}={v}" for k, v in CHANGED.items()]
    sets += ["combat.artillery_steps_per_shot=20", "combat.strike_max_shots=1"]
    scen = with_overrides(shusha_scenario(), sets, "shusha")
    want = {"out of supply", "shaken", "ArtilleryFired", "DroneStrike"}
    seen: set[str] = set()
    for seed in range(3, 9):  # until every kind has come up (not every game has a drone strike)
        for ev in play_game(scen, seed).log:
            for res in ev.fire_results():
                for m in res.modifiers:
                    if m.source in RULE_OF_SOURCE:
                        assert m.value == CHANGED[RULE_OF_SOURCE[m.source]], (ev.kind, m)
                        seen.add(m.source)
                if ev.kind in ("ArtilleryFired", "DroneStrike"):
                    assert res.shots == 1, (ev.kind, res)
                    seen.add(ev.kind)
        if want <= seen:
            break
    assert want <= seen, seen


# ------------------------------------------------------------------------------------------------ memos
def test_odds_memos_never_mix_the_new_numbers():
    """Two scenarios differing only in one new number, on the very same map (same hash), played alternately:
    neither is ever served the other's odds, whichever filled the memos first."""
    default = tiny_with()
    cases = {"default": default,
             "shaken": attrs.evolve(default, combat=CombatRules(shaken_modifier=-3)),
             "night": attrs.evolve(default, combat=CombatRules(night_trained_modifier=2)),
             "battery": attrs.evolve(default, combat=CombatRules(artillery_steps_per_shot=1))}
    assert all(game_map(s) is game_map(default) and s.unit_table is default.unit_table for s in cases.values())
    want: dict[str, Any] = {}
    for _ in range(2):  # the second round finds every memo filled by the other scenarios
        for name, scen in cases.items():
            shaken = odds(scen, cohesion=1)
            night = odds(scen, night=True)
            battery = odds(scen, "az_art", "arm_inf_1", "artillery")
            state = tiny_game(1, scen)
            a = state.unit("az_sf")
            a.cohesion, a.idx = 1, state.map.idx((4, 3))  # shaken, next to Tinytown (3, 3)
            state.touch()
            assault = combat.assault_odds(state, a, state.map.idx((3, 3)))[0]
            assert Modifier("shaken", -3 if name == "shaken" else -1) in shaken.modifiers
            assert Modifier("shaken", -3 if name == "shaken" else -1) in assault.modifiers
            assert Modifier(NIGHT_TRAINED, 2 if name == "night" else 1) in night.modifiers
            assert battery.shots == (3 if name == "battery" else 2)
            got = (shaken, night, battery, assault)
            assert want.setdefault(name, got) == got


# ------------------------------------------------------------------------------------------------ validation
problems_of = scenario_problems


@pytest.mark.parametrize(("section", "path", "words"), [
    ({"broken_modifier": 21}, "$.combat.broken_modifier", ("-20..20", "21")),
    ({"shaken_modifier": -0.5}, "$.combat.shaken_modifier", ("integer",)),
    ({"out_of_supply_modifier": "-1"}, "$.combat.out_of_supply_modifier", ("integer",)),
    ({"night_untrained_modifier": -21}, "$.combat.night_untrained_modifier", ("-20..20",)),
    ({"night_trained_modifier": 99}, "$.combat.night_trained_modifier", ("-20..20",)),
    ({"artillery_steps_per_shot": 0}, "$.combat.artillery_steps_per_shot", ("1..20", "0")),
    ({"strike_max_shots": 0}, "$.combat.strike_max_shots", ("1..20",)),
    ({"strike_max_shots": 2.5}, "$.combat.strike_max_shots", ("integer",)),
    ({"expendable_strike_shots": 21}, "$.combat.expendable_strike_shots", ("1..20",)),
    ({"broken": -2}, "$.combat", ("unknown field", "broken", "known:", "broken_modifier")),
])
def test_bad_new_combat_values_name_their_path(section, path, words):
    doc = tiny_dict()
    doc["combat"] = section
    assert_problem(problems_of(doc), path, *words)


def test_the_docs_table_lists_every_combat_key_with_its_default():
    text = (ROOT / "docs" / "scenario_format.md").read_text(encoding="utf-8").partition("## Combat rules")[2]
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", text, re.M))
    for field in attrs.fields(CombatRules):
        assert field.name in rows, f"{field.name} is not in the combat table of docs/scenario_format.md"
        if isinstance(field.default, bool):  # (a switch: "false" / "true")
            assert rows[field.name] == str(field.default).lower(), field.name
            continue
        assert float(rows[field.name].replace("−", "-")) == field.default, field.name


# ---------------------------------------------------------------------------------- wrong JSON types
TOP_LEVEL = [  # (key, wrong value, expected path, words)
    ("victory", 3, "$.victory", "expected an object, got int 3"),
    ("map", [], "$.map", "expected an object, got list []"),
    ("weather", "x", "$.weather", 'expected an object, got str "x"'),
    ("sides", 5, "$.sides", "expected an object, got int 5"),
    ("meta", None, "$.meta", "expected an object, got NoneType null"),
    ("terrain_types", [1], "$.terrain_types", "expected an object, got list [1]"),
    ("unit_types", True, "$.unit_types", "expected an object, got bool true"),
    ("combat", 2.5, "$.combat", "expected an object, got float 2.5"),
    ("units", 5, "$.units", "expected a list, got int 5"),
    ("units", "abc", "$.units", 'expected a list, got str "abc"'),
    ("objectives", {"name": "x"}, "$.objectives", "expected a list, got dict"),
    ("units", [3], "$.units[0]", "expected an object, got int 3"),
    ("objectives", [[1, 2]], "$.objectives[0]", "expected an object, got list [1, 2]"),
]


@pytest.mark.parametrize(("key", "value", "path", "words"), TOP_LEVEL)
def test_a_section_of_the_wrong_type_says_what_was_expected(key, value, path, words):
    doc = tiny_dict()
    doc[key] = value
    probs = problems_of(doc)
    assert_problem(probs, path, words)


NESTED = [  # (edit, expected path, words)
    (lambda d: d["sides"].__setitem__("attacker", 3), "$.sides.attacker", "expected an object, got int 3"),
    (lambda d: d["sides"]["attacker"].__setitem__("no_go", [3]), "$.sides.attacker.no_go[0]",
     "expected an object"),
    (lambda d: d["sides"]["defender"].__setitem__("agent_params", []), "$.sides.defender.agent_params",
     "expected an object, got list []"),
    (lambda d: d["sides"]["defender"].__setitem__("supply_sources", 7), "$.sides.defender.supply_sources",
     "expected a list, got int 7"),
    (lambda d: d["map"].__setitem__("roads", [5]), "$.map.roads[0]", "expected an object, got int 5"),
    (lambda d: d["map"].__setitem__("elevation_m", [3] * 8), "$.map.elevation_m[0]", "expected a list, got int 3"),
    (lambda d: d["map"].__setitem__("terrain", "pppp"), "$.map.terrain", 'expected a list, got str "pppp"'),
    (lambda d: d["weather"].__setitem__("schedule", [3]), "$.weather.schedule[0]", "expected an object"),
    (lambda d: d["victory"].__setitem__("road_watch", 3), "$.victory.road_watch", "expected an object, got int 3"),
    (lambda d: d["meta"].__setitem__("sources", "a book"), "$.meta.sources", "expected a list"),
    (lambda d: d.__setitem__("terrain_types", {"p": 3}), "$.terrain_types.p", "expected an object, got int 3"),
    (lambda d: d.__setitem__("terrain_types", {"f": {"move_cost": 3}}), "$.terrain_types.f.move_cost",
     "expected an object, got int 3"),
    (lambda d: d.__setitem__("unit_types", {"tank": []}), "$.unit_types.tank", "expected an object, got list []"),
]


@pytest.mark.parametrize(("edit", "path", "words"), NESTED)
def test_a_nested_object_or_list_of_the_wrong_type_names_its_path(edit, path, words):
    doc = tiny_dict()
    edit(doc)
    assert_problem(problems_of(doc), path, words)


@pytest.mark.parametrize("wrong", [3, 2.5, "x", True, None, [], [3], {}, {"zz": 1}])
def test_no_section_ever_gets_a_cattrs_message(wrong):
    """Each key of the document, and of its objects, set to a value of another kind: every problem says what
    was expected, never cattrs' "invalid value (...)", "unknown error (...)" or "expected a mapping"."""
    doc = tiny_dict()
    paths = [(k,) for k in doc] + [(s, k) for s in ("map", "weather", "victory", "meta") for k in doc[s]]
    paths += [("sides", "attacker", k) for k in doc["sides"]["attacker"]] + [("units", 0, k) for k in doc["units"][0]]
    for path in paths:
        d = tiny_dict()
        holder = d
        for k in path[:-1]:
            holder = holder[k]
        holder[path[-1]] = wrong
        try:
            scenario_from_dict(d)
        except ScenarioError as e:
            for p in e.problems:
                assert p.startswith("$"), p
                for bad in ("invalid value", "unknown error", "expected a mapping", "iterable", "['"):
                    assert bad not in p, (path, wrong, p)


def test_unknown_fields_name_the_known_ones():
    doc = tiny_dict()
    doc["victory"]["road_watch"] = {"name": "r", "from": [0, 4], "to": [3, 4], "start": [0, 0]}
    assert_problem(problems_of(doc), "$.victory.road_watch", "unknown field(s): start", "known: name, from, to")
    doc = tiny_dict()
    doc["unit_types"] = {"tank": {"protectoin": 4}}
    assert_problem(problems_of(doc), "$.unit_types.tank", "protectoin", "protection", "base")


# ------------------------------------------------------------------------------------------------ --set on tables
def test_set_a_unit_type_field_without_the_section():
    scen = tiny_scenario()  # (Shusha has the section now: its Orbiter type)
    assert "unit_types" not in scen.raw
    changed = with_overrides(scen, ["unit_types.tank.protection=4"], "shusha")
    assert changed.raw["unit_types"] == {"tank": {"protection": 4}}  # a partial override, merged on the default
    assert changed.unit_table["tank"] == attrs.evolve(DEFAULT_UNIT_TYPES["tank"], protection=4)
    assert all(changed.unit_table[n] == t for n, t in DEFAULT_UNIT_TYPES.items() if n != "tank")
    assert "unit_types" not in scen.raw and changed.sha256 != scen.sha256
    again = with_overrides(scen, ["unit_types.tank.protection=4", "unit_types.tank.move_points=5",
                                  "unit_types.infantry.night_capable=true"], "shusha")
    assert (again.unit_table["tank"].protection, again.unit_table["tank"].move_points) == (4, 5)
    assert again.unit_table["infantry"].night_capable


def test_set_a_terrain_field_without_the_section():
    scen = shusha_scenario()
    changed = with_overrides(scen, ["terrain_types.f.defence=2", "terrain_types.f.move_cost.wheeled=3"], "shusha")
    assert changed.raw["terrain_types"] == {"f": {"defence": 2, "move_cost": {"wheeled": 3}}}
    forest = DEFAULT_TERRAIN["f"]
    assert changed.terrain_table["f"] == attrs.evolve(forest, defence=2, move_cost={**forest.move_cost, "wheeled": 3})
    with pytest.raises(ScenarioError, match=r"\$\.terrain_types\.f\.defence: expected -20\.\.20"):
        with_overrides(scen, ["terrain_types.f.defence=30"], "shusha")


def test_set_keeps_what_the_scenario_already_overrides():
    doc = tiny_dict()
    doc["unit_types"] = {"tank": {"move_points": 5}, "scouts": {"base": "infantry", "vision_hexes": 5}}
    doc["terrain_types"] = {"f": {"move_cost": {"foot": 4}}}
    apply_override(doc, "unit_types.tank.protection", 4)
    apply_override(doc, "unit_types.scouts.detect", 3)  # a type of the scenario's own
    apply_override(doc, "unit_types.howitzer.close_fire", 2)
    apply_override(doc, "terrain_types.f.move_cost.wheeled", 7)
    scen = scenario_from_dict(doc)
    assert (scen.unit_table["tank"].move_points, scen.unit_table["tank"].protection) == (5, 4)
    assert (scen.unit_table["scouts"].vision_hexes, scen.unit_table["scouts"].detect) == (5, 3)
    assert scen.unit_table["howitzer"].close_fire == 2
    assert scen.terrain_table["f"].move_cost == {**DEFAULT_TERRAIN["f"].move_cost, "foot": 4, "wheeled": 7}


@pytest.mark.parametrize(("path", "words"), [
    ("unit_types.tnak.protection", ("no unit type 'tnak'", "tank", "recon_drone", '"base"')),
    ("unit_types.tank.protectoin", ("no field 'protectoin' in unit_types.tank", "protection", "ad_kill_p")),
    ("terrain_types.x.defence", ("no terrain code 'x'", "p, h, m, f, r, t, v")),
    ("terrain_types.f.cover", ("no field 'cover' in terrain_types.f", "defence", "vehicle_cover", "move_cost")),
    ("terrain_types.f.move_cost.hover", ("no mobility class 'hover'", "foot, sf, wheeled, tracked")),
])
def test_set_on_an_unknown_type_or_field_names_what_exists(path, words):
    doc = tiny_dict()
    before = copy.deepcopy(doc)
    with pytest.raises(BatchError) as ei:
        apply_override(doc, path, 3)
    for w in words:
        assert w in str(ei.value), (w, str(ei.value))
    assert str(ei.value).startswith(f"--set {path}: ")
    assert doc == before  # nothing half-written


def test_set_lists_the_scenarios_own_types():
    doc = tiny_dict()
    doc["unit_types"] = {"scouts": {"base": "infantry"}}
    with pytest.raises(BatchError, match=r"known: .*tank.*scouts"):
        apply_override(doc, "unit_types.nosuch.protection", 3)


def test_sweep_over_a_unit_type_field():
    scen = shusha_scenario()
    doc = copy.deepcopy(scen.raw)
    cells = build_cells(doc, [parse_sweep("set:unit_types.tank.protection=3,4,5")],
                        [("terrain_types.f.defence", 2)], source="shusha")
    assert [scenario_from_dict(c.doc).unit_table["tank"].protection for c in cells] == [3, 4, 5]
    assert "tank" not in doc["unit_types"] and "terrain_types" not in doc  # the cells' documents are copies
    for c in cells:
        opts = c.run_options(7)
        assert f"--set unit_types.tank.protection={c.params['set:unit_types.tank.protection']}" in opts
        # the cell's re-run command plays the cell's very scenario
        args = shlex.split(opts)
        sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
        assert with_overrides(scen, sets, "shusha").sha256 == scenario_from_dict(c.doc).sha256
    with pytest.raises(BatchError, match=r"^--sweep set:unit_types\.tnak\.protection: no unit type 'tnak'"):
        build_cells(doc, [parse_sweep("set:unit_types.tnak.protection=3,4")], [], source="shusha")
    with pytest.raises(BatchError, match="protection"):
        build_cells(doc, [parse_sweep("set:unit_types.tank.protection=3,99")], [], source="shusha")


def test_cli_run_with_a_table_override():
    from engine.cli import app

    shusha = str(Path(ROOT) / "scenarios" / "shusha_1120.json")
    res = CliRunner().invoke(app, ["run", shusha, "--seed", "1", "--set", "unit_types.tnak.protection=4"])
    assert res.exit_code != 0 and "no unit type 'tnak'" in res.output and "tank" in res.output
    res = CliRunner().invoke(app, ["run", shusha, "--seed", "1", "--set", "unit_types.tank.protection=4"])
    assert res.exit_code == 0, res.output


# ------------------------------------------------------------------ the spotter's modifier, in previews too
def test_an_artillery_preview_has_the_recon_drones_modifier_the_mission_will_have():
    """A mission spotted by a recon drone fires with 'fire adjusted by recon drone +1'; the preview (the odds
    the player is shown, and the AI's target scores) left it out, so it promised less than the mission did.
    Both now come from `rules.artillery_modifiers`, and the rule is the scenario's."""
    from conftest import tiny_dict

    from engine.orders import EndPhase, Fire, Recon
    from engine.rules import apply, new_game
    from engine.view import observe

    for adjust in (1, 3, 0):
        d = tiny_dict()
        d["units"] = [u for u in d["units"] if u["id"] != "arm_ad"]  # no air defence: the drone flies
        d["combat"] = {"recon_adjust_modifier": adjust}
        st = new_game(scenario_from_dict(d, source="recon"), 0)
        target = st.unit("arm_inf_1")
        apply(st, Recon("az_orlan", st.map.hex_refs[target.idx]))
        apply(st, EndPhase("attacker"))  # to the artillery phase
        v = observe(st, 0)
        assert v.spotter(target.idx) == "recon drone"
        preview = v.fire_odds("az_art", target.idx)
        events = apply(st, Fire("az_art", st.map.hex_refs[target.idx]))
        fired = next(e for e in events if e.kind == "ArtilleryFired")
        assert [list(o.modifiers) for o in preview] == [f.modifiers for f in fired.fire]
        mods = [(m.source, m.value) for m in fired.fire[0].modifiers]
        assert (("fire adjusted by recon drone", adjust) in mods) == (adjust != 0)
        assert [round(o.p_hit, 4) for o in preview] == [f.p_hit for f in fired.fire]
