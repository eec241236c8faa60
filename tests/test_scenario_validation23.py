"""Session 23, a robustness review's scenario findings: a key written twice, a byte-order mark, a side without
units and a watched road that is no road are named with their JSON paths, not played."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import SHUSHA_PATH, tiny_dict
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import ScenarioError
from engine.scenario import parse_scenario, scenario_from_dict


def problems_of(data: bytes | str | dict[str, Any]) -> list[str]:
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
    assert problems_of(twice) == ["$.turns: key given 2 times in the same object (int 26 then int 2); give it once"]
    # deep in the document, where both values are valid (the file would have played with the last one)
    doc = tiny_dict()
    unit = json.dumps(doc["units"][0])
    inner = unit[:-1] + ', "id": "other"}'
    text = json.dumps(doc).replace(unit, inner, 1)
    got = problems_of(text)
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
    assert problems_of(utf16) == ["$: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as "
                                  "UTF-8"]


@pytest.mark.parametrize("side", ["attacker", "defender"])
def test_a_side_without_units_is_refused(side: str) -> None:
    doc = tiny_dict()
    doc["units"] = [u for u in doc["units"] if u["side"] != side]
    assert problems_of(doc) == [f"$.units: the {side} has no units (starting or arriving, with present true); a side "
                                "needs at least one"]
    doc["units"] = []
    assert len(problems_of(doc)) == 2
    switched_off = tiny_dict()  # (a review: units with "present": false were counted)
    for u in switched_off["units"]:
        if u["side"] == side:
            u["present"] = False
    assert problems_of(switched_off) == problems_of(doc)[:1] if side == "attacker" else problems_of(doc)[1:]


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
    assert problems_of(off_road) == ["$.victory.road_watch.to: [40, 40] is on no road of $.map.roads"]
    apart = copy.deepcopy(base)
    apart["map"]["roads"].append({"name": "isolated", "kind": "track", "path": [[40, 40], [41, 40]]})
    apart["victory"]["road_watch"]["to"] = [41, 40]
    assert problems_of(apart) == [f"$.victory.road_watch: no road joins [{rw['from'][0]}, {rw['from'][1]}] to "
                                  "[41, 40] (the road would read as cut from the first turn)"]
    same = copy.deepcopy(base)
    same["victory"]["road_watch"]["to"] = rw["from"]
    assert problems_of(same)[0].startswith("$.victory.road_watch: from and to are the same hex")
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
    assert line.startswith("$: invalid JSON at line 1, column ") and line.endswith("Unterminated string starting there")
