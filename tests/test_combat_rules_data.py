"""Combat rules are scenario data (`"combat"`, `engine.scenario.CombatRules`): the defaults are the old
constants, an override changes the modifiers and odds the events carry, bad values name their JSON path,
and odds memoised under one scenario's rules are never served under another's."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest
from conftest import SHUSHA_PATH, assert_problem, scenario_problems, shusha_scenario, tiny_dict

from engine import combat
from engine.batch import BatchError, apply_override, build_cells, parse_sweep, with_overrides
from engine.errors import ScenarioError
from engine.events import Modifier
from engine.mapdata import game_map
from engine.rules import new_game
from engine.scenario import DEFAULT_COMBAT, CombatRules, load_scenario, scenario_from_dict
from engine.state import GameState

OLD_CONSTANTS = {"hit_base": 0.10, "hit_per_point": 0.10, "hit_min": 0.02, "hit_max": 0.90, "high_ground_m": 100.0,
                 "uphill_modifier": -1, "downhill_modifier": +1, "cliff_up_modifier": -2, "cliff_down_modifier": +2,
                 "river_crossing_modifier": -1, "out_of_supply_modifier": -1, "broken_modifier": -2,
                 "shaken_modifier": -1, "night_untrained_modifier": -1, "night_trained_modifier": +1,
                 "artillery_steps_per_shot": 2, "strike_max_shots": 2, "expendable_strike_shots": 1,
                 "recon_adjust_modifier": 1, "ad_broken_kill_factor": 0.5}
"""The numbers engine/combat.py and engine/rules.py hard-coded before they became data."""

RULE_OF_SOURCE = {"assaulting up a cliff": "cliff_up_modifier", "firing up a cliff": "cliff_up_modifier",
                  "cliff: firing down": "cliff_down_modifier", "attacking uphill": "uphill_modifier",
                  "firing uphill": "uphill_modifier", "higher ground": "downhill_modifier",
                  "across a river": "river_crossing_modifier"}


def rule_of(m: Modifier) -> str:
    return RULE_OF_SOURCE[m.source.split(" (")[0]]


def shusha_with(**combat_rules: Any):
    """Shusha with a `combat` section, through `--set`, as a user would write it (the file has no section)."""
    return with_overrides(shusha_scenario(), [f"combat.{k}={v}" for k, v in combat_rules.items()], "shusha")


def cliff_assault(state: GameState) -> tuple[Any, Any, int]:
    """(attacker, defender, target hex) placed for an assault up the first Shusha cliff edge: the attacker at
    its foot, the defender on its top (alone there)."""
    gmap = state.map
    foot, d = next((i, d) for i in range(gmap.n) for d in range(6) if gmap.cliff_up[i, d])
    top = int(gmap.nbr[foot, d])
    attacker = next(u for u in state.units if u.side == 0 and state.utype(u).domain == "ground"
                    and state.utype(u).can_assault and not state.utype(u).indirect)
    defender = next(u for u in state.units if u.side == 1 and state.utype(u).domain == "ground")
    for u in state.units:  # nobody else in the two hexes
        if u.idx in (foot, top) and u is not attacker and u is not defender:
            u.idx = next(j for j in range(gmap.n) if j not in (foot, top))
    attacker.idx, defender.idx = foot, top
    state.touch()
    return attacker, defender, top


def cliff_odds(scen) -> tuple[Any, list[Any]]:
    state = new_game(scen, 1)
    attacker, _, top = cliff_assault(state)
    return combat.assault_odds(state, attacker, top)


def cliff_odds_and_expectation(scen) -> tuple[Any, tuple[Any, ...], tuple[float, float]]:
    state = new_game(scen, 1)
    attacker, _, top = cliff_assault(state)
    a, ds = combat.assault_odds(state, attacker, top)
    return a, tuple(ds), combat.assault_expectation(state, attacker, top)


# ------------------------------------------------------------------------------------------------ defaults
def test_defaults_are_the_old_constants():
    # (fire on a suspected position came later, off by default: tests/test_suspected_fire.py)
    assert {k: v for k, v in attrs.asdict(CombatRules()).items() if not k.startswith("suspected_")} == OLD_CONSTANTS
    assert CombatRules().suspected_fire is False
    assert DEFAULT_COMBAT == CombatRules()
    # the file's section allows only fire on suspected positions: every old number is the default
    assert attrs.evolve(shusha_scenario().combat, suspected_fire=False, suspected_fire_modifier=-2,
                        suspected_fire_max_age_turns=1) == DEFAULT_COMBAT
    assert [combat.hit_probability(n) for n in (-9, -5, 0, 3, 8, 20)] == [0.02, 0.02, 0.1, 0.4, 0.9, 0.9]
    assert (combat.HIT_MIN, combat.HIT_MAX) == (0.02, 0.90)


def test_default_edge_modifiers_are_the_old_ones():
    a, ds = cliff_odds(shusha_scenario())
    assert Modifier("assaulting up a cliff", -2) in a.modifiers
    assert all(Modifier("cliff: firing down", +2) in d.modifiers for d in ds)


# ------------------------------------------------------------------------------------------------ overrides
def test_cliff_override_changes_modifiers_and_odds_of_an_assault_up_the_shusha_cliff():
    base_a, base_ds = cliff_odds(shusha_scenario())
    a, ds = cliff_odds(shusha_with(cliff_up_modifier=-3, cliff_down_modifier=3))
    assert Modifier("assaulting up a cliff", -3) in a.modifiers
    assert not any(m.source == "assaulting up a cliff" and m.value != -3 for m in a.modifiers)
    assert ds and all(Modifier("cliff: firing down", +3) in d.modifiers for d in ds)
    assert a.net == base_a.net - 1 and [d.net for d in ds] == [d.net + 1 for d in base_ds]
    assert a.p_hit == combat.hit_probability(a.net) and a.p_hit <= base_a.p_hit
    assert [d.p_hit for d in ds] == [combat.hit_probability(d.net) for d in ds]
    assert any(d.p_hit > b.p_hit for d, b in zip(ds, base_ds, strict=True))


def test_zero_leaves_the_modifier_out():
    a, ds = cliff_odds(shusha_with(cliff_up_modifier=0, cliff_down_modifier=0))
    assert not any("cliff" in m.source for o in (a, *ds) for m in o.modifiers)


def test_every_hexside_of_shusha_takes_its_values_from_the_rules():
    """Cliffs, slopes and rivers: the same modifiers (sources) on every edge, each with its rule's value."""
    over = {"uphill_modifier": -4, "downhill_modifier": 5, "cliff_up_modifier": -6, "cliff_down_modifier": 7,
            "river_crossing_modifier": -3}
    base, changed = new_game(shusha_scenario(), 1), new_game(shusha_with(**over), 1)
    gmap = base.map
    seen = set()
    for i in range(gmap.n):
        for j in gmap.nbr_list[i]:
            if j < 0:
                continue
            old, new = combat._edge_mods_uncached(base, i, j), combat._edge_mods_uncached(changed, i, j)
            for olds, news in zip(old, new, strict=True):
                assert [m.source for m in olds] == [m.source for m in news]
                for o, n in zip(olds, news, strict=True):
                    assert o.value == OLD_CONSTANTS[rule_of(o)] and n.value == over[rule_of(o)], (i, j, o, n)
                    seen.add(rule_of(o))
    assert seen == set(over), "Shusha has cliffs, slopes and a river"


def test_high_ground_threshold():
    def slopes(scen) -> int:
        state = new_game(scen, 1)
        gmap = state.map
        return sum(1 for i in range(gmap.n) for j in gmap.nbr_list[i] if j >= 0
                   for m in combat._edge_mods_uncached(state, i, j)[0] if m.source == "higher ground")

    default, low, high = slopes(shusha_scenario()), slopes(shusha_with(high_ground_m=50)), \
        slopes(shusha_with(high_ground_m=5000))
    assert high == 0 < default < low


def test_hit_probability_rules():
    rules = CombatRules(hit_base=0.3, hit_per_point=0.05, hit_min=0.1, hit_max=0.6)
    assert [combat.hit_probability(n, rules) for n in (-10, 0, 2, 20)] == [0.1, 0.3, 0.4, 0.6]
    a, ds = cliff_odds(shusha_with(hit_base=0.3, hit_per_point=0.05, hit_min=0.1, hit_max=0.6))
    for o in (a, *ds):
        assert o.p_hit == combat.hit_probability(o.net, rules)
        assert 0.1 <= o.p_hit <= 0.6


# ------------------------------------------------------------------------------------------------ memos
def test_odds_memos_never_mix_combat_rules():
    """Two scenarios differing only in combat values, played in one process, alternately: each gets its own
    odds, however the memos were filled. The evolved scenario keeps the hash, hence the very `GameMap` and
    unit table, of the default one: only the rules tell their memos apart."""
    default = shusha_scenario()
    steep = attrs.evolve(default, combat=CombatRules(cliff_up_modifier=-5, cliff_down_modifier=4))
    assert game_map(steep) is game_map(default) and steep.unit_table is default.unit_table
    from_file = shusha_with(cliff_up_modifier=-5, cliff_down_modifier=4)  # another hash, another map
    want = {}
    for _ in range(2):  # the second round finds every memo filled by the other scenarios
        for name, scen in (("default", default), ("steep", steep), ("from_file", from_file)):
            got = a, ds, _ = cliff_odds_and_expectation(scen)
            up = [m.value for m in a.modifiers if m.source == "assaulting up a cliff"]
            down = [m.value for d in ds for m in d.modifiers if m.source == "cliff: firing down"]
            assert up == ([-2] if name == "default" else [-5]), name
            assert set(down) == ({2} if name == "default" else {4}), name
            assert want.setdefault(name, got) == got
    assert want["steep"] == want["from_file"] and want["steep"][2] != want["default"][2]


def test_edge_memo_follows_the_rules():
    default = shusha_scenario()
    steep = attrs.evolve(default, combat=CombatRules(cliff_up_modifier=-5))
    for scen, value in ((default, -2), (steep, -5), (default, -2)):
        state = new_game(scen, 1)
        attacker, _, top = cliff_assault(state)
        attack, _ = combat._edge_mods(state, attacker.idx, top)
        assert Modifier("assaulting up a cliff", value) in attack


# ------------------------------------------------------------------------------------------------ validation
def problems_of(edit) -> list[str]:
    doc = tiny_dict()
    edit(doc)
    return scenario_problems(doc)


def test_valid_combat_section_loads():
    doc = tiny_dict()
    doc["combat"] = {"cliff_up_modifier": -3, "hit_max": 1, "high_ground_m": 50}
    rules = scenario_from_dict(doc).combat
    assert rules == attrs.evolve(DEFAULT_COMBAT, cliff_up_modifier=-3, hit_max=1.0, high_ground_m=50.0)


@pytest.mark.parametrize(("section", "path", "words"), [
    ({"hit_max": 1.5}, "$.combat.hit_max", ("0..1", "1.5")),
    ({"hit_min": -0.1}, "$.combat.hit_min", ("0..1",)),
    ({"hit_min": 0.5, "hit_max": 0.4}, "$.combat.hit_min", ("hit_max", "0.4")),
    ({"hit_per_point": -0.1}, "$.combat.hit_per_point", ("0..1",)),
    ({"high_ground_m": 0}, "$.combat.high_ground_m", ("1..10000",)),
    ({"cliff_up_modifier": 1.5}, "$.combat.cliff_up_modifier", ("integer",)),
    ({"cliff_down_modifier": 99}, "$.combat.cliff_down_modifier", ("-20..20",)),
    ({"river_crossing_modifier": True}, "$.combat.river_crossing_modifier", ("integer",)),
    ({"hit_base": "high"}, "$.combat.hit_base", ("number",)),
    ({"cliff_modifier": 2}, "$.combat", ("unknown field", "cliff_modifier")),
    (3, "$.combat", ("expected an object",)),
])
def test_bad_combat_values_name_their_path(section, path, words):
    assert_problem(problems_of(lambda d: d.__setitem__("combat", section)), path, *words)


def test_combat_problems_are_reported_with_the_others():
    def edit(d):
        d["combat"] = {"hit_max": 2, "uphill_modifier": -30}
        d["turns"] = 0

    probs = problems_of(edit)
    assert_problem(probs, "$.combat.hit_max")
    assert_problem(probs, "$.combat.uphill_modifier")
    assert_problem(probs, "$.turns")


# ------------------------------------------------------------------------------------------------ --set, sweeps
def test_set_creates_the_missing_section():
    doc0 = copy.deepcopy(load_scenario(SHUSHA_PATH).raw)
    doc0.pop("combat")  # (Shusha's file has a section since session 29: fire on suspected positions)
    scen = scenario_from_dict(doc0, source="shusha without its combat section")
    assert "combat" not in scen.raw
    changed = with_overrides(scen, ["combat.cliff_down_modifier=3"], "shusha")
    assert changed.combat == attrs.evolve(DEFAULT_COMBAT, cliff_down_modifier=3)
    assert changed.sha256 != scen.sha256
    with pytest.raises(ScenarioError, match=r"\$\.combat\.hit_max: expected 0\.\.1"):
        with_overrides(scen, ["combat.hit_max=2"], "shusha")
    with pytest.raises(ScenarioError, match="unknown field"):
        with_overrides(scen, ["combat.nosuch=2"], "shusha")
    doc: dict[str, Any] = {"turns": 3}
    with pytest.raises(BatchError, match="no key 'weather'"):  # other missing keys are still mistakes
        apply_override(doc, "weather.mode", "clear")


def test_sweep_over_a_combat_key():
    doc = copy.deepcopy(shusha_scenario().raw)
    doc.pop("combat")  # (Shusha's file has a section since session 29: fire on suspected positions)
    cells = build_cells(doc, [parse_sweep("set:combat.cliff_up_modifier=-1,-3")], [], source="shusha")
    assert [scenario_from_dict(c.doc).combat.cliff_up_modifier for c in cells] == [-1, -3]
    assert "combat" not in doc  # the cells' documents are copies
    assert "--set combat.cliff_up_modifier=-3" in cells[1].run_options(7)
    with pytest.raises(BatchError, match="cliff_up_modifier"):
        build_cells(doc, [parse_sweep("set:combat.cliff_up_modifier=-1,-30")], [], source="shusha")


# ------------------------------------------------------------------------------------------------ UI
def test_defence_overlay_legend_reads_the_scenarios_cliff_rules():
    pytest.importorskip("pygame")
    from ui import overlays as ov
    from ui import palette as pal

    def labels(scen) -> str:  # the cliff lines of the legend
        return " ".join(label for _, label in ov.defence(new_game(scen, 0), pal.DEFAULT).legend if "cliff" in label)

    assert "cliff: firing down +2" in labels(shusha_scenario())
    text = labels(shusha_with(cliff_up_modifier=-4, cliff_down_modifier=3))
    assert "cliff: firing down +3" in text and "assaulting up a cliff -4" in text
    assert "+2" not in text and "-2" not in text
    text = labels(shusha_with(cliff_up_modifier=0, cliff_down_modifier=0))
    assert text.count("no modifier") == 2
