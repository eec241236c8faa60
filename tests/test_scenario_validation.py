"""Scenario validation: one test per error kind (each names its JSON path), the CLI, and a mutation fuzz."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from conftest import SHUSHA_PATH, TINY_PATH, scenario_problems, tiny_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import ScenarioError
from engine.scenario import Scenario, load_scenario, parse_scenario, scenario_from_dict

problems_of = scenario_problems


def edited(edit) -> dict[str, Any]:
    d = tiny_dict()
    edit(d)
    return d


def assert_path(problems: list[str], path: str, *words: str) -> None:
    hits = [p for p in problems if p.startswith(path + ":") or p.startswith(path + " ")]
    assert hits, f"no problem at {path}: {problems}"
    for w in words:
        assert any(w in p for p in hits), f"{w!r} not in {hits}"


def test_the_fixture_is_valid():
    scen = load_scenario(TINY_PATH)
    assert isinstance(scen, Scenario)
    assert (scen.map.cols, scen.map.rows, scen.turns) == (10, 8, 6)


def test_wrong_type():
    assert_path(problems_of(edited(lambda d: d.update(turns="ten"))), "$.turns", "integer")


def test_wrong_type_nested():
    assert_path(problems_of(edited(lambda d: d["map"]["elevation_m"][0].__setitem__(0, "high"))),
                "$.map.elevation_m[0][0]", "number")


def test_missing_key():
    assert_path(problems_of(edited(lambda d: d.pop("victory"))), "$.victory", "missing")
    assert_path(problems_of(edited(lambda d: d["units"][2].pop("hex"))), "$.units[2].hex", "missing")


def test_unknown_terrain_code():
    assert_path(problems_of(edited(lambda d: d["map"]["terrain"].__setitem__(3, "pppXpppppp"))),
                "$.map.terrain[3]", "'X'")


def test_ragged_grid():
    assert_path(problems_of(edited(lambda d: d["map"]["terrain"].__setitem__(2, "ppp"))), "$.map.terrain[2]", "3")
    assert_path(problems_of(edited(lambda d: d["map"]["elevation_m"][5].pop())), "$.map.elevation_m[5]")
    assert_path(problems_of(edited(lambda d: d["map"]["terrain"].pop())), "$.map.terrain", "rows")


def test_unit_off_the_map():
    assert_path(problems_of(edited(lambda d: d["units"][0].update(hex=[10, 2]))), "$.units[0].hex", "off")
    assert_path(problems_of(edited(lambda d: d["units"][1].update(hex=[-1, 0]))), "$.units[1].hex", "off")


def test_unit_on_impassable_terrain():
    def edit(d):
        d["terrain_types"] = {"r": {"move_cost": {"wheeled": None}}}
        d["units"].append({"id": "w", "side": "attacker", "type": "motor_rifle", "hex": [5, 7]})

    assert_path(problems_of(edited(edit)), "$.units[11].hex", "ravine")


def test_missing_weather_for_a_turn():
    assert_path(problems_of(edited(lambda d: d["weather"]["schedule"].pop(3))), "$.weather.schedule", "4")


def test_duplicate_unit_ids():
    assert_path(problems_of(edited(lambda d: d["units"][1].update(id="az_sf"))), "$.units[1].id", "duplicate")


def test_nan_in_json_text():
    text = json.dumps(tiny_dict()).replace('"hex_km": 1.0', '"hex_km": NaN')
    assert "NaN" in text
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(text)
    assert any("NaN" in p for p in ei.value.problems)


def test_nan_in_dict():
    assert_path(problems_of(edited(lambda d: d["map"].update(hex_km=float("nan")))), "$.map.hex_km", "finite")
    assert_path(problems_of(edited(lambda d: d["weather"]["schedule"][0].update(ceiling_m=float("inf")))),
                "$.weather.schedule[0].ceiling_m")


def test_nan_in_free_form_agent_params_is_a_scenario_error():
    """agent_params is free-form (dict[str, Any]); a NaN there must still be a ScenarioError with its path."""
    doc = edited(lambda d: d["sides"]["attacker"].update(agent_params={"aggression": float("nan")}))
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(doc)
    assert_path(ei.value.problems, "$.sides.attacker.agent_params.aggression")


def test_truncated_json():
    text = TINY_PATH.read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(text[: len(text) // 2])
    assert ei.value.problems[0].startswith("$:") and "invalid JSON" in ei.value.problems[0]


def test_non_utf8_bytes():
    data = TINY_PATH.read_bytes().replace(b"Tiny", b"T\xffny", 1)
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(data)
    assert "UTF-8" in ei.value.problems[0]


def test_unknown_unit_type():
    assert_path(problems_of(edited(lambda d: d["units"][0].update(type="hovercraft"))), "$.units[0].type",
                "hovercraft")


@pytest.mark.parametrize("base", [[], {}, 7, "hovercraft"])
def test_a_new_unit_types_base_must_name_a_unit_type(base):
    """A list as `base` crashed the loader with a TypeError (found by the Shusha dict fuzz)."""
    assert_path(problems_of(edited(lambda d: d.setdefault("unit_types", {}).update(
        scout={"base": base}))), "$.unit_types.scout.base", "unknown unit type")


def test_road_not_adjacent():
    assert_path(problems_of(edited(lambda d: d["map"]["roads"][0]["path"].__setitem__(3, [5, 6]))),
                "$.map.roads[0].path[3]", "adjacent")


def test_road_across_a_cliff():
    assert_path(problems_of(edited(lambda d: d["map"]["roads"].append(
        {"name": "goat path", "kind": "track", "path": [[5, 2], [5, 1]]}))), "$.map.roads[1].path[1]", "cliff")


def test_unknown_field():
    assert_path(problems_of(edited(lambda d: d["units"][0].update(colour="red"))), "$.units[0]", "colour")
    assert_path(problems_of(edited(lambda d: d.update(extra=1))), "$", "extra")


def test_all_problems_reported_in_one_pass():
    def edit(d):
        d["units"][0]["hex"] = [99, 99]
        d["units"][1]["type"] = "hovercraft"
        d["units"][2]["id"] = "az_sf"

    probs = problems_of(edited(edit))
    assert_path(probs, "$.units[0].hex")
    assert_path(probs, "$.units[1].type")
    assert_path(probs, "$.units[2].id")


# ------------------------------------------------------------------------------------ CLI
def test_cli_validate_bad_file(tmp_path: Path):
    from engine.cli import app

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(edited(lambda d: d["units"][0].update(hex=[10, 2]))), encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(bad)])
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert res.exit_code != 0
    assert "$.units[0].hex" in out
    assert "Traceback" not in out
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)


@pytest.mark.parametrize("content", [b"{\"format\": 1, \"turns\": ", b"\xff\xfe\x00", b"[]", b""])
def test_cli_validate_garbage(tmp_path: Path, content: bytes):
    from engine.cli import app

    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    res = CliRunner().invoke(app, ["validate", str(bad)])
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert res.exit_code != 0
    assert "$" in out and "Traceback" not in out


def test_cli_validate_good_file():
    from engine.cli import app

    res = CliRunner().invoke(app, ["validate", str(TINY_PATH)])
    assert res.exit_code == 0, res.output
    assert "OK" in res.output
    out = " ".join(res.output.split())  # (rich wraps at the terminal's width)
    # the id shown is not what `sha256sum FILE` prints: the line says so, and of what it is
    assert f"sha256 {load_scenario(TINY_PATH).sha256[:12]}, of its canonical JSON" in out


# ------------------------------------------------------------------------------------ fuzz
def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k in doc:
            out.extend(_paths(doc[k], (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, (*prefix, i)))
    return out


_BASE_PATHS = _paths(tiny_dict())

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.sampled_from([2**63, -(2**63) - 1, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
)
json_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                                              max_size=3),
                           max_leaves=6)

mutation = st.tuples(
    st.sampled_from(["delete", "replace", "huge", "empty_list", "empty_dict", "truncate", "add_key", "negate",
                     "optional"]),
    st.integers(0, len(_BASE_PATHS) - 1),
    json_values,
)


def _get(doc, path):
    for k in path:
        doc = doc[k]
    return doc


OPTIONAL = [("terrain_types",), ("unit_types",), ("stack_limit",), ("sides", "attacker", "agent_params"),
            ("terrain_types", "r"), ("unit_types", "tank"), ("unit_types", "new_type"), ("victory", "contest_radius"),
            ("objectives", 0, "controller"), ("units", 0, "strength"), ("units", 1, "arrives_turn")]


def _apply_mutation(doc: Any, op: str, pick: int, value: Any) -> Any:
    if op == "optional" and isinstance(doc, dict):
        # set an optional field (or an entry of an optional table) that the base fixture does not use
        path = OPTIONAL[pick % len(OPTIONAL)]
        try:
            parent = _get(doc, path[:-1])
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            if len(path) == 2 and path[0] not in doc:
                doc[path[0]] = {path[1]: value}
        return doc
    paths = _paths(doc)
    path = paths[pick % len(paths)]
    if not path:
        return value if op == "replace" else doc
    parent = _get(doc, path[:-1])
    key = path[-1]
    cur = parent[key]
    if op == "delete":
        del parent[key]
    elif op == "replace":
        parent[key] = value
    elif op == "huge":
        parent[key] = 10**18 if not isinstance(cur, float) else 1e308
    elif op == "empty_list":
        parent[key] = []
    elif op == "empty_dict":
        parent[key] = {}
    elif op == "truncate":
        if isinstance(cur, str):
            parent[key] = cur[: len(cur) // 2]
        elif isinstance(cur, list):
            parent[key] = cur[: len(cur) // 2]
    elif op == "add_key":
        if isinstance(cur, dict):
            cur["zz_extra"] = value
    elif op == "negate":
        if isinstance(cur, int | float) and not isinstance(cur, bool):
            parent[key] = -cur - 1
    return doc


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_scenarios_load_or_raise_scenario_error(muts):
    doc = tiny_dict()
    for op, pick, value in muts:
        doc = _apply_mutation(doc, op, pick, value)
    try:
        scen = scenario_from_dict(doc)
    except ScenarioError as e:
        assert e.problems and all(isinstance(p, str) and p.startswith("$") for p in e.problems)
        return
    assert isinstance(scen, Scenario)
    if isinstance(doc, dict) and "map" in doc:
        assert math.isfinite(scen.map.hex_km)


def test_a_bad_turn_count_is_one_problem_not_one_per_weather_entry():
    """"turns": -3 gave 69 problems, 68 of them knock-on complaints about the weather schedule."""
    problems = problems_of(edited(lambda d: d.update(turns=-3)))
    assert problems == ["$.turns: expected 1..1000, got -3"]


def test_a_type_error_says_the_other_checks_come_after_it():
    problems = problems_of(edited(lambda d: d.update(turns="x")))
    assert_path(problems, "$.turns", "integer")
    # the note that the other checks come later is a note, not a problem (an author's review: "2 problem(s)")
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(edited(lambda d: d.update(turns="x")))
    assert len(ei.value.problems) == 1 and ei.value.notes[0].startswith("(the checks of values")
    assert "1 problem(s)" in str(ei.value) and "(the checks of values" in str(ei.value)


# ---------------------------------------------------------------------------------------------------------------------
# Session 23, a robustness review's scenario findings: a key written twice, a byte-order mark, a side without
# units and a watched road that is no road are named with their JSON paths, not played.

def problems_in(data: bytes | str | dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as e:
        if isinstance(data, dict):
            scenario_from_dict(data)
        else:
            parse_scenario(data)
    return e.value.problems


def test_a_key_given_twice_is_named_with_both_values() -> None:
    text = SHUSHA_PATH.read_text(encoding="utf-8")
    twice = text.replace('"turns": 26', '"turns": 26, "turns": 2', 1)
    assert twice != text
    assert problems_in(twice) == ["$.turns: key given 2 times in the same object (int 26 then int 2); give it once"]
    # deep in the document, where both values are valid (the file would have played with the last one)
    doc = tiny_dict()
    unit = json.dumps(doc["units"][0])
    inner = unit[:-1] + ', "id": "other"}'
    text = json.dumps(doc).replace(unit, inner, 1)
    got = problems_in(text)
    assert len(got) == 1 and got[0].startswith("$.units[0].id: key given 2 times") and '"other"' in got[0]


def test_keys_given_once_are_read_as_before() -> None:
    text = SHUSHA_PATH.read_text(encoding="utf-8")
    assert parse_scenario(text).sha256 == parse_scenario(SHUSHA_PATH.read_bytes()).sha256


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=6))
def test_any_repeated_key_is_reported_and_unique_keys_never_are(keys: list[str]) -> None:
    doc = tiny_dict()
    body = ", ".join(f'"{k}": {i}' for i, k in enumerate(keys))
    text = json.dumps(doc)[:-1] + f', "meta_extra_probe": {{{body}}}}}'
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text)
    repeated = [k for k in dict.fromkeys(keys) if keys.count(k) > 1]  # (in the order first written)
    said = [p for p in e.value.problems if "key given" in p]
    assert [p.split(":")[0] for p in said] == [f"$.meta_extra_probe.{k}" for k in repeated]
    if not repeated:  # (then the unknown field is the only problem)
        assert any("meta_extra_probe" in p and "unknown field" in p for p in e.value.problems)


def test_a_utf8_byte_order_mark_is_read_and_utf16_is_named() -> None:
    data = SHUSHA_PATH.read_bytes()
    assert parse_scenario(b"\xef\xbb\xbf" + data).sha256 == parse_scenario(data).sha256
    utf16 = data.decode("utf-8").encode("utf-16")
    assert problems_in(utf16) == ["$: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as "
                                  "UTF-8"]


@pytest.mark.parametrize("side", ["attacker", "defender"])
def test_a_side_without_units_is_refused(side: str) -> None:
    doc = tiny_dict()
    doc["units"] = [u for u in doc["units"] if u["side"] != side]
    assert problems_in(doc) == [f"$.units: the {side} has no units (starting or arriving, with present true); a side "
                                "needs at least one"]
    doc["units"] = []
    assert len(problems_in(doc)) == 2
    switched_off = tiny_dict()  # (a review: units with "present": false were counted)
    for u in switched_off["units"]:
        if u["side"] == side:
            u["present"] = False
    assert problems_in(switched_off) == problems_in(doc)[:1] if side == "attacker" else problems_in(doc)[1:]


def test_a_side_whose_only_units_arrive_later_is_accepted() -> None:
    doc = tiny_dict()
    for u in doc["units"]:
        if u["side"] == "defender":
            u["arrives_turn"] = 2
    scenario_from_dict(doc)


def shusha_doc() -> dict[str, Any]:
    return json.loads(SHUSHA_PATH.read_text(encoding="utf-8"))


def test_a_watched_road_must_be_a_road_joining_its_ends() -> None:
    base = shusha_doc()
    rw = base["victory"]["road_watch"]
    off_road = copy.deepcopy(base)
    off_road["victory"]["road_watch"]["to"] = [40, 40]
    assert problems_in(off_road) == ["$.victory.road_watch.to: [40, 40] is on no road of $.map.roads"]
    apart = copy.deepcopy(base)
    apart["map"]["roads"].append({"name": "isolated", "kind": "track", "path": [[40, 40], [41, 40]]})
    apart["victory"]["road_watch"]["to"] = [41, 40]
    assert problems_in(apart) == [f"$.victory.road_watch: no road joins [{rw['from'][0]}, {rw['from'][1]}] to "
                                  "[41, 40] (the road would read as cut from the first turn)"]
    same = copy.deepcopy(base)
    same["victory"]["road_watch"]["to"] = rw["from"]
    assert problems_in(same)[0].startswith("$.victory.road_watch: from and to are the same hex")
    # joined through another road (roads meet where they share a hex): accepted
    joined = copy.deepcopy(apart)
    joined["map"]["roads"][-1]["path"] = [rw["to"], [1, 26] if rw["to"] == [0, 26] else rw["to"]]
    joined["victory"]["road_watch"]["to"] = rw["to"]
    scenario_from_dict(joined)


def test_validate_names_the_problems_without_a_traceback(tmp_path: Any) -> None:
    text = SHUSHA_PATH.read_text(encoding="utf-8").replace('"turns": 26', '"turns": 26, "turns": 2', 1)
    p = tmp_path / "twice.json"
    p.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["validate", str(p)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "$.turns: key given 2 times" in res.output


def test_an_unterminated_string_is_said_whole():
    """Session 24: json's "Unterminated string starting at" lost its position and ended on "at"."""
    with pytest.raises(ScenarioError) as e:
        parse_scenario(b'{"meta": {"name": "Shusha')
    (line,) = e.value.problems
    first = line.split("\n")[0]  # (then the line with a caret under the place: session 36)
    assert first.startswith("$: invalid JSON at line 1, column ") and "Unterminated string starting there" in first
    assert "starting at" not in first and first.endswith("the file ends too soon: cut short, or a string's closing \" "
                                                         "missing")
