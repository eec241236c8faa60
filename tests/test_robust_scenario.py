"""Issue #7, scenario files: Hypothesis mutations of the *Shusha* scenario (dict level and byte level) never
raise anything but ScenarioError (every problem with its JSON path); `validate` / `run` / `play` report bad files
and exit non-zero without a traceback; a mutated scenario that still validates plays a few turns cleanly."""

from __future__ import annotations

import copy
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from conftest import SHUSHA_PATH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.ai.base import make_agent
from engine.errors import ScenarioError
from engine.game import run_agents
from engine.rules import new_game, seed_streams
from engine.scenario import Scenario, parse_scenario, scenario_from_dict
from engine.units import SIDES


@lru_cache(maxsize=1)
def _shusha_bytes() -> bytes:
    return SHUSHA_PATH.read_bytes()


@lru_cache(maxsize=1)
def _shusha_json() -> str:
    return _shusha_bytes().decode("utf-8")


def shusha_doc() -> dict[str, Any]:
    return json.loads(_shusha_json())


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into the document, but long lists (grid rows, elevation) only at a few indices, so the
    structure (units, weather, victory, roads...) is not drowned by 2000 elevation cells."""
    out = [prefix]
    if isinstance(doc, dict):
        for k in doc:
            out.extend(_paths(doc[k], (*prefix, k)))
    elif isinstance(doc, list):
        n = len(doc)
        idx = range(n) if n <= 8 else sorted({0, 1, n // 2, n - 2, n - 1})
        for i in idx:
            out.extend(_paths(doc[i], (*prefix, i)))
    return out


BASE = shusha_doc()
PATHS = _paths(BASE)
N_UNITS = len(BASE["units"])
COLS, ROWS = BASE["map"]["cols"], BASE["map"]["rows"]

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6),
    st.sampled_from([2**63, -(2**63) - 1, 10**400, 1e308, -1e308, 0, -1, COLS, ROWS, 10**18]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
    st.sampled_from(["attacker", "defender", "X", "", "hovercraft", "special_forces", "NaN", "p", "none"]),
)
json_values = st.recursive(
    json_scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
    max_leaves=5,
)

OPS = ["delete", "replace", "huge", "nan", "inf", "empty_list", "empty_dict", "truncate", "add_key", "negate",
       "dup_unit_id", "unit_off_map", "unknown_terrain", "ragged_terrain", "ragged_elevation", "str_for_num",
       "unknown_unit_type", "unknown_side", "dup_list_item", "unit_hex_shape"]
mutation = st.tuples(st.sampled_from(OPS), st.integers(0, 10**6), json_values)


def _get(doc: Any, path: tuple) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def apply_mutation(doc: Any, op: str, pick: int, value: Any) -> Any:
    """Mutate `doc` in place (or return a replacement); any op that does not apply is a no-op."""
    if not isinstance(doc, dict):
        return doc
    units = doc.get("units") if isinstance(doc.get("units"), list) else None
    unit = units[pick % len(units)] if units else None
    grid = doc.get("map") if isinstance(doc.get("map"), dict) else None
    if op == "dup_unit_id" and units and len(units) > 1 and isinstance(unit, dict):
        other = units[(pick + 1) % len(units)]
        if isinstance(other, dict):
            unit["id"] = other.get("id")
        return doc
    if op == "unit_off_map" and isinstance(unit, dict):
        unit["hex"] = [[COLS, 0], [-1, 0], [0, ROWS], [0, -1], [10**9, 10**9], [COLS + pick % 5, ROWS]][pick % 6]
        return doc
    if op == "unit_hex_shape" and isinstance(unit, dict):
        unit["hex"] = [[1], [1, 2, 3], "1,2", {"c": 1, "r": 2}, [1.5, 2], [True, False], []][pick % 7]
        return doc
    if op == "unknown_unit_type" and isinstance(unit, dict):
        unit["type"] = "hovercraft"
        return doc
    if op == "unknown_side" and isinstance(unit, dict):
        unit["side"] = ["neutral", "Attacker", 0, None][pick % 4]
        return doc
    if op in ("unknown_terrain", "ragged_terrain") and grid and isinstance(grid.get("terrain"), list) \
            and grid["terrain"]:
        rows = grid["terrain"]
        r = pick % len(rows)
        if isinstance(rows[r], str) and rows[r]:
            c = (pick // 7) % len(rows[r])
            rows[r] = (rows[r][:c] + "Z" + rows[r][c + 1:]) if op == "unknown_terrain" else rows[r][:c]
        return doc
    if op == "ragged_elevation" and grid and isinstance(grid.get("elevation_m"), list) and grid["elevation_m"]:
        rows = grid["elevation_m"]
        r = pick % len(rows)
        if isinstance(rows[r], list):
            if pick % 2:
                rows[r].append(100)
            elif rows[r]:
                rows[r].pop()
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
    elif op == "nan":
        parent[key] = float("nan")
    elif op == "inf":
        parent[key] = float("-inf") if pick % 2 else float("inf")
    elif op == "empty_list":
        parent[key] = []
    elif op == "empty_dict":
        parent[key] = {}
    elif op == "truncate" and isinstance(cur, str | list):
        parent[key] = cur[: len(cur) // 2]
    elif op == "add_key" and isinstance(cur, dict):
        cur["zz_extra"] = value
    elif op == "negate" and isinstance(cur, int | float) and not isinstance(cur, bool):
        parent[key] = -cur - 1
    elif op == "str_for_num" and isinstance(cur, int | float) and not isinstance(cur, bool):
        parent[key] = str(cur)
    elif op == "dup_list_item" and isinstance(cur, list) and cur:
        cur.append(copy.deepcopy(cur[pick % len(cur)]))
    return doc


def assert_scenario_error(e: ScenarioError) -> None:
    assert e.problems, "ScenarioError without problems"
    for p in e.problems:
        assert isinstance(p, str) and p.startswith("$"), f"problem without a JSON path: {p!r}"
    assert "Traceback" not in str(e)


def mutated_doc(muts: list[tuple[str, int, Any]]) -> Any:
    doc = shusha_doc()
    for op, pick, value in muts:
        doc = apply_mutation(doc, op, pick, value)
    return doc


def play_a_few_turns(scen: Scenario, seed: int = 3, until_turn: int = 3) -> None:
    state = new_game(scen, seed)
    players = [make_agent(scen.sides[s].agent, scen.sides[s].agent_params) for s in SIDES]
    _, _, ra, rd = seed_streams(seed)
    run_agents(state, players, [ra, rd], until_turn=until_turn)
    assert state.turn >= min(until_turn, scen.turns) or state.outcome is not None


# ------------------------------------------------------------------------------------------------ dict fuzz
@settings(max_examples=int(os.environ.get("ROBUST_EXAMPLES", 700)), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutation, min_size=1, max_size=3))
def test_shusha_dict_mutations_only_raise_scenario_error(muts):
    doc = mutated_doc(muts)
    try:
        scen = scenario_from_dict(doc, source="fuzz")
    except ScenarioError as e:
        assert_scenario_error(e)
        return
    assert isinstance(scen, Scenario)
    assert math.isfinite(scen.map.hex_km)
    # the canonical text of an accepted scenario parses back to the same scenario
    again = parse_scenario(json.dumps(doc, allow_nan=False))
    assert again.sha256 == scen.sha256


# ------------------------------------------------------------------------------------------------ byte fuzz
byte_op = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.binary(min_size=1, max_size=1)),
    st.tuples(st.just("insert"), st.integers(0, 10**6),
              st.sampled_from([b"\xff", b"\xc3", b"\x00", b"NaN", b"Infinity", b"-Infinity", b"{", b"]", b",",
                               b'"', b"\\", b"1e999", b"\xed\xa0\x80", b"[" * 3000])),
    st.tuples(st.just("number_to"), st.integers(0, 10**6),
              st.sampled_from([b"NaN", b"1e999", b"-1e999", b"99999999999999999999999999", b"true", b"null",
                               b'"7"', b"1.5", b"-0"])),
)


def apply_byte_op(data: bytes, op: str, pos: int, arg: bytes) -> bytes:
    if not data:
        return data
    i = pos % len(data)
    if op == "truncate":
        return data[:i]
    if op == "flip":
        return data[:i] + bytes([data[i] ^ (arg[0] or 1)]) + data[i + 1:]
    if op == "insert":
        return data[:i] + arg + data[i:]
    # number_to: replace the first number at or after i
    m = re.compile(rb"-?\d+(\.\d+)?").search(data, i) or re.compile(rb"-?\d+(\.\d+)?").search(data)
    return data if m is None else data[:m.start()] + arg + data[m.end():]


@settings(max_examples=int(os.environ.get("ROBUST_EXAMPLES", 300)), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(byte_op, min_size=1, max_size=3))
def test_shusha_byte_mutations_only_raise_scenario_error(ops):
    data = _shusha_bytes()
    for op, pos, arg in ops:
        data = apply_byte_op(data, op, pos, arg)
    for payload in (data, data.decode("utf-8", errors="replace")):
        try:
            parse_scenario(payload, source="fuzz")
        except ScenarioError as e:
            assert_scenario_error(e)


@pytest.mark.parametrize("data, words", [
    (b"", ["$", "JSON"]),
    (b"\xff\xfe{}", ["$", "UTF-8"]),
    (b"[" * 100_000, ["$"]),
    (b'{"format": 1, "turns": NaN}', ["$", "NaN"]),
    (b"[]", ["$", "object"]),
    (b"null", ["$"]),
])
def test_byte_edge_cases(data, words):
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(data)
    assert_scenario_error(ei.value)
    text = " ".join(ei.value.problems)
    for w in words:
        assert w in text, (w, text)


def test_specific_shusha_problems_are_reported_with_paths():
    doc = shusha_doc()
    doc["units"][3]["id"] = doc["units"][2]["id"]
    doc["units"][5]["hex"] = [COLS, 3]
    doc["units"][6]["type"] = "hovercraft"
    doc["map"]["terrain"][4] = doc["map"]["terrain"][4][:-2]
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(doc)
    probs = ei.value.problems
    assert_scenario_error(ei.value)
    joined = "\n".join(probs)
    # at least the first-stage problems (structure / types) are reported with their paths
    assert "$.units[6].type" in joined or "$.map.terrain[4]" in joined, joined
    doc = shusha_doc()
    doc["units"][3]["id"] = doc["units"][2]["id"]
    doc["units"][5]["hex"] = [COLS, 3]
    with pytest.raises(ScenarioError) as ei:
        scenario_from_dict(doc)
    joined = "\n".join(ei.value.problems)
    assert "$.units[3].id" in joined and "$.units[5].hex" in joined, joined


# ------------------------------------------------------------------------------- valid mutations play on
benign = st.one_of(
    st.tuples(st.just("strength"), st.integers(0, N_UNITS - 1), st.integers(1, 3)),
    st.tuples(st.just("hidden"), st.integers(0, N_UNITS - 1), st.booleans()),
    st.tuples(st.just("drop_unit"), st.integers(0, N_UNITS - 1), st.none()),
    st.tuples(st.just("arrives"), st.integers(0, N_UNITS - 1), st.integers(1, 4)),
    st.tuples(st.just("weather"), st.integers(0, 3), st.tuples(st.integers(0, 6000), st.integers(0, 50),
                                                               st.sampled_from(["none", "light", "dense"]))),
    st.tuples(st.just("elev"), st.integers(0, ROWS * COLS - 1), st.integers(0, 3000)),
    st.tuples(st.just("move_unit"), st.integers(0, N_UNITS - 1), st.tuples(st.integers(0, COLS - 1),
                                                                           st.integers(0, ROWS - 1))),
    st.tuples(st.just("agent"), st.integers(0, 1), st.sampled_from(["doctrine", "random", "passive"])),
)


def apply_benign(doc: dict, op: str, i: int, v: Any) -> None:
    u = doc["units"][i % len(doc["units"])] if doc["units"] else None
    if op == "strength" and u:
        u["strength"] = v
    elif op == "hidden" and u:
        u["hidden"] = v
    elif op == "drop_unit" and u and len(doc["units"]) > 2:
        doc["units"].remove(u)
    elif op == "arrives" and u:
        u["arrives_turn"] = v
    elif op == "weather":
        w = doc["weather"]["schedule"][i]
        w["ceiling_m"], w["visibility_km"], w["fog"] = v
    elif op == "elev":
        doc["map"]["elevation_m"][i // COLS][i % COLS] = v
    elif op == "move_unit" and u:
        u["hex"] = list(v)
    elif op == "agent":
        doc["sides"][SIDES[i]]["agent"] = v


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(benign, min_size=1, max_size=5), st.integers(0, 2**32 - 1))
def test_valid_mutations_play_three_turns(ops, seed):
    doc = shusha_doc()
    for op in ops:
        apply_benign(doc, *op)
    try:
        scen = scenario_from_dict(doc)
    except ScenarioError as e:
        assert_scenario_error(e)
        return
    play_a_few_turns(scen, seed)


# --------------------------------------------------------------------------------------------------- CLI
def _cli(args: list[str], **env: str):
    from engine.cli import app

    res = CliRunner().invoke(app, args, env=env or None)
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    return res, out


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a string the error must contain)."""
    files = {}

    def put(name: str, data: bytes, expect: str) -> None:
        p = tmp / f"{name}.json"
        p.write_bytes(data)
        files[name] = (p, expect)

    doc = shusha_doc()
    doc["units"][4]["hex"] = [COLS + 3, 1]
    put("off_map", json.dumps(doc).encode(), "$.units[4].hex")
    doc = shusha_doc()
    doc["units"][7]["id"] = doc["units"][0]["id"]
    put("dup_id", json.dumps(doc).encode(), "$.units[7].id")
    put("truncated", _shusha_bytes()[:5000], "$")
    put("non_utf8", _shusha_bytes().replace(b"Shusha", b"Sh\xffsha", 1), "UTF-8")
    doc = shusha_doc()
    doc["turns"] = "many"
    put("wrong_type", json.dumps(doc).encode(), "$.turns")
    text = re.sub(r'"hex_km": [0-9.]+', '"hex_km": NaN', _shusha_json(), count=1)
    assert "NaN" in text
    put("nan", text.encode(), "NaN")
    files["missing"] = (tmp / "does_not_exist.json", "not found")
    return files


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return _bad_files(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", ["off_map", "dup_id", "truncated", "non_utf8", "wrong_type", "nan", "missing"])
def test_cli_validate_and_run_report_bad_files(bad_files, name):
    path, expect = bad_files[name]
    for cmd in (["validate", str(path)], ["run", str(path), "--seed", "1"]):
        res, out = _cli(cmd)
        assert res.exit_code not in (0, None), (cmd, out)
        assert expect in out, (cmd, expect, out)
        assert "Traceback" not in out
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)


@pytest.mark.parametrize("name", ["off_map", "truncated", "non_utf8"])
def test_cli_play_reports_bad_files(bad_files, name, tmp_path):
    pytest.importorskip("pygame")
    path, expect = bad_files[name]
    res, out = _cli(["play", str(path), "--screenshot", str(tmp_path / "s.png")], SDL_VIDEODRIVER="dummy")
    assert res.exit_code not in (0, None), out
    assert expect in out and "Traceback" not in out
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert not (tmp_path / "s.png").exists()


def test_cli_run_valid_mutation_succeeds(tmp_path):
    doc = shusha_doc()
    doc["turns"] = 3
    doc["weather"]["schedule"] = [w for w in doc["weather"]["schedule"] if w["turn"] <= 3]
    for u in doc["units"]:
        if u.get("arrives_turn", 1) > 3:
            u["arrives_turn"] = 3
    p = tmp_path / "short.json"
    p.write_text(json.dumps(doc))
    res, out = _cli(["run", str(p), "--seed", "2", "--json"])
    assert res.exit_code == 0, out
    row = json.loads(res.stdout.strip().splitlines()[-1])
    assert row["end_turn"] <= 3
