"""Agents from outside the engine, named by import path "module:Class": in `wargame run` and `wargame batch`, as
sweep values, in a scenario and through `--set`; their games save, load and replay without them; the driver
counts (or, strict, raises) the orders it refuses (outside AI author's review, /tmp/aidev/REVIEW.md 2, 4, 5)."""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SHUSHA_PATH
from typer.testing import CliRunner

import engine.ai.base as ai_base
import engine.batch as B
import engine.game as G
from engine.ai.base import agent_class, make_agent
from engine.cli import app
from engine.errors import IllegalOrder, SaveFormatError, ScenarioError
from engine.game import REFUSALS_KEY, agent_refusals, play_game, run_agents
from engine.rules import apply, new_game, seed_streams
from engine.savegame import load_game, save_dict, save_game
from engine.scenario import agent_parameters, load_scenario, scenario_from_dict

DATA = Path(__file__).parent / "data"
LESSONS = Path(__file__).parent.parent / "scenarios" / "lessons"
AMBUSH = LESSONS / "ambush.json"
PICKY = "wg_test_agents:Picky"
STUBBORN = "wg_test_agents:Stubborn"


@pytest.fixture
def importable(monkeypatch):
    """tests/data on sys.path, as a user's PYTHONPATH would put their agent's folder."""
    monkeypatch.syspath_prepend(str(DATA))
    yield
    _forget_test_agents()


def _forget_test_agents() -> None:
    """As in a process that never imported the test agents (the cache of resolved classes too)."""
    sys.modules.pop("wg_test_agents", None)
    for name in [n for n in ai_base._CLASSES if n.startswith("wg_test_agents")]:
        del ai_base._CLASSES[name]
    agent_parameters.cache_clear()


@pytest.fixture
def not_importable(monkeypatch):
    """The test agents cannot be imported (their folder is not on sys.path): a machine without the agent."""
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p).resolve() != DATA.resolve()])
    _forget_test_agents()
    yield
    _forget_test_agents()


def one_line_error(res, code: int = 2) -> str:
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    return lines[0]


# ------------------------------------------------------------------------------------------ resolving agents


def test_an_import_path_names_an_agent_class(importable) -> None:
    import wg_test_agents

    assert agent_class(PICKY) is wg_test_agents.Picky
    assert make_agent(PICKY, {"patience": 3}).patience == 3
    assert agent_parameters(PICKY) == {"patience": int}
    assert agent_class("doctrine").__name__ == "DoctrineAgent"  # (built-in names still work)


@pytest.mark.parametrize("name, expect", [
    ("wg_no_such_module:Agent", "no module named 'wg_no_such_module' (is it installed, or its folder on PYTHONPATH?"),
    ("wg_test_agents:Nope", "module 'wg_test_agents' has no 'Nope'"),
    ("wg_test_agents:NoChoose", "class 'NoChoose' is not an agent: it has no choose(view, rng) method"),
    ("wg_test_agents:np", "'np' is not a class"),
    ("wg_test_agents:", "an import path is package.module:ClassName"),
    ("dotrine", "unknown agent 'dotrine'; known: doctrine, passive, random, or the import path"),
    ("", "non-empty string"),
])
def test_an_agent_that_cannot_be_resolved_is_named_with_the_problem(importable, name, expect) -> None:
    with pytest.raises(ValueError) as e:
        agent_class(name)
    assert expect in str(e.value)


# ------------------------------------------------------------------------------------------ wargame run


def test_run_plays_an_agent_named_by_import_path(importable, tmp_path) -> None:
    save = tmp_path / "g.save.json"
    res = CliRunner().invoke(app, ["run", str(AMBUSH), "--seed", "3", "--attacker", PICKY, "--save", str(save),
                                   "--json"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)
    assert row["agents"] == {"attacker": PICKY, "defender": "passive"}
    assert "warning" not in res.stderr
    assert load_game(save).agents["attacker"] == PICKY


def test_run_with_pythonpath_in_a_fresh_process(tmp_path) -> None:
    """The installed command, the agent's folder on PYTHONPATH: what a user types."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(DATA), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", "from engine.cli import main; main()", "run", str(AMBUSH), "--json"]
    ok = subprocess.run([*cmd, "--attacker", PICKY], env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["agents"]["attacker"] == PICKY
    env.pop("PYTHONPATH")
    bad = subprocess.run([*cmd, "--attacker", PICKY], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        "error: --attacker: agent 'wg_test_agents:Picky': no module named 'wg_test_agents' (is it installed, or its "
        "folder on PYTHONPATH? batch workers must be able to import it too)"]


@pytest.mark.parametrize("agent, expect", [
    ("wg_no_such_module:Agent", "no module named 'wg_no_such_module'"),
    ("wg_test_agents:NoChoose", "it has no choose(view, rng) method"),
])
def test_run_refuses_a_bad_import_path_in_one_line(importable, agent, expect) -> None:
    line = one_line_error(CliRunner().invoke(app, ["run", str(AMBUSH), "--defender", agent]))
    assert expect in line


def test_set_sides_agent_takes_an_import_path(importable) -> None:
    res = CliRunner().invoke(app, ["run", str(AMBUSH), "--json", "--set", f"sides.defender.agent={PICKY}",
                                   "--set", "sides.defender.agent_params={\"patience\": 2}"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["agents"]["defender"] == PICKY
    bad = CliRunner().invoke(app, ["run", str(AMBUSH), "--set", "sides.defender.agent=wg_no_such_module:Agent"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output  # (a scenario's problems: one line each)
    assert "- $.sides.defender.agent: agent 'wg_no_such_module:Agent': no module named" in bad.stderr


def test_a_scenario_names_an_outside_agent_without_running_it_and_the_game_checks_it(importable) -> None:
    """Reading a scenario (a data file) never imports an agent's module: it only looks for it; the agent and its
    parameters are checked when a game makes it (`make_agent`), as a scenario's check does a built-in's."""
    doc = json.loads(AMBUSH.read_text())
    doc["sides"]["attacker"]["agent"] = PICKY
    doc["sides"]["attacker"]["agent_params"] = {"patience": 4}
    scen = scenario_from_dict(copy.deepcopy(doc))
    assert scen.sides["attacker"].agent == PICKY
    assert make_agent(PICKY, {"patience": 4}).patience == 4
    for params, expect in (({"patience": "many"}, "agent_params.patience"),
                           ({"hurry": 1}, f"agent_params.hurry: unknown parameter of the {PICKY} agent; known: "
                                          "patience"),
                           ({"patience": -1}, "refuses these parameters: patience must be at least 0")):
        doc["sides"]["attacker"]["agent_params"] = params
        scenario_from_dict(copy.deepcopy(doc))  # (not imported: not checked here)
        with pytest.raises(ValueError, match=re.escape(expect)):
            make_agent(PICKY, params)
    with pytest.raises(ValueError, match=re.escape("class 'NoChoose' is not an agent: it has no choose(view, rng)")):
        make_agent("wg_test_agents:NoChoose", {})
    for agent, expect in (("wg_no_such_module:Agent", "no module named 'wg_no_such_module'"),
                          ("wg_test_agents", "unknown agent"), ("a:b:c", "one colon")):
        doc["sides"]["attacker"]["agent"] = agent
        doc["sides"]["attacker"]["agent_params"] = {}
        with pytest.raises(ScenarioError) as e:
            scenario_from_dict(copy.deepcopy(doc))
        assert [p for p in e.value.problems if expect in p and p.startswith("$.sides.attacker.agent")], \
            e.value.problems


def test_reading_a_scenario_does_not_run_an_agents_module(tmp_path, monkeypatch) -> None:
    (tmp_path / "wg_loud_agent.py").write_text("raise SystemExit('imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    doc = json.loads(AMBUSH.read_text())
    doc["sides"]["defender"]["agent"] = "wg_loud_agent:Agent"
    assert scenario_from_dict(doc).sides["defender"].agent == "wg_loud_agent:Agent"
    assert "wg_loud_agent" not in sys.modules


# ------------------------------------------------------------------------------------------ batch


def _batch(out: Path, workers: int, **kw) -> list[dict]:
    doc = json.loads(AMBUSH.read_text())
    spec = B.BatchSpec(str(AMBUSH), doc, 3, 5, **kw)
    B.run_batch(spec, out, workers=workers, chunk=1)
    return pq.read_table(out).to_pylist()


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_plays_an_agent_named_by_import_path(importable, tmp_path, workers) -> None:
    rows = _batch(tmp_path / "r.parquet", workers, attacker=PICKY,
                  sweeps=[B.parse_sweep(f"defender_agent=passive,{PICKY}")])
    assert len(rows) == 6
    assert {r["agent_attacker"] for r in rows} == {PICKY}
    assert [r["agent_defender"] for r in rows] == ["passive"] * 3 + [PICKY] * 3
    assert [r["defender_agent"] for r in rows] == ["passive"] * 3 + [PICKY] * 3  # (the sweep column)
    assert all(f"--attacker {PICKY}" in r["run_options"] for r in rows)
    # a row is the game `wargame run` plays with its options
    scen = load_scenario(AMBUSH)
    r = rows[4]
    state = play_game(scen, r["seed"], agents={"attacker": PICKY, "defender": PICKY})
    assert (r["winner"], r["end_turn"]) == (state.score.winner, state.score.end_turn)
    meta = B.read_batch_metadata(tmp_path / "r.parquet")
    assert meta["batch"]["attacker"] == PICKY  # recorded as given (and so checked by --resume)


def test_batch_rows_with_an_outside_agent_do_not_depend_on_workers(importable, tmp_path) -> None:
    one = _batch(tmp_path / "a.parquet", 1, attacker=PICKY)
    two = _batch(tmp_path / "b.parquet", 2, attacker=PICKY)
    assert one == two
    assert len({(r["winner"], r["end_turn"], r["steps_lost_attacker_total"]) for r in one}) >= 1


def test_batch_cli_refuses_a_bad_agent_before_any_game(importable, tmp_path) -> None:
    for args, expect in ((["--attacker", "wg_no_such_module:A"], "--attacker: agent 'wg_no_such_module:A': no module"),
                         (["--sweep", "defender_agent=doctrine,wg_test_agents:NoChoose"],
                          "--sweep defender_agent: agent 'wg_test_agents:NoChoose': class 'NoChoose' is not an "
                          "agent")):
        res = CliRunner().invoke(app, ["batch", str(AMBUSH), "--games", "2", "--workers", "1", "--quiet",
                                       "--out", str(tmp_path / "r.parquet"), *args])
        assert expect in one_line_error(res)
    assert not list(tmp_path.iterdir())


def test_a_worker_that_cannot_import_the_agent_says_so(importable, tmp_path, monkeypatch) -> None:
    """A spawned or Dask worker has its own sys.path: one without the agent's folder names the agent and why."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 2, 5, attacker=PICKY)
    _, tasks, _ = B.plan(spec, 2)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p).resolve() != DATA.resolve()])
    _forget_test_agents()
    with pytest.raises(B.BatchError) as e:
        B.run_task(tasks[0])
    assert "cannot load the attacker agent 'wg_test_agents:Picky': agent 'wg_test_agents:Picky': no module named" \
        in str(e.value)


# ------------------------------------------------------------------------------------------ saves


def _custom_game(tmp_path: Path, in_scenario: bool = False) -> tuple[Path, list]:
    scen = load_scenario(AMBUSH)
    if in_scenario:  # the agent named by the scenario itself (`--set sides.attacker.agent=...`)
        doc = scen.raw
        doc["sides"]["attacker"]["agent"] = PICKY
        doc["sides"]["attacker"]["agent_params"] = {"patience": 2}
        scen = scenario_from_dict(doc)
        state = play_game(scen, 11)
    else:
        state = play_game(scen, 11, agents={"attacker": PICKY})
    assert state.agents["attacker"] == PICKY
    path = tmp_path / "g.save.json"
    save_game(state, path)
    return path, state.log


@pytest.mark.parametrize("in_scenario", [False, True])
def test_a_custom_agents_save_loads_and_replays_without_the_agent(importable, tmp_path, in_scenario,
                                                                  monkeypatch) -> None:
    path, log = _custom_game(tmp_path, in_scenario)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p).resolve() != DATA.resolve()])
    _forget_test_agents()
    state = load_game(path)
    assert state.log == log and state.agents["attacker"] == PICKY
    if in_scenario:
        assert state.scenario.sides["attacker"].agent == PICKY
        assert state.scenario.sides["attacker"].agent_params == {"patience": 2}
        assert save_dict(state)["scenario"] == json.loads(path.read_text())["scenario"]
    from ui.replay import ReplayModel  # `wargame replay`'s loading

    model = ReplayModel.open(path)
    assert model.orders == state.orders
    assert "wg_test_agents" not in sys.modules  # never imported to load
    # (the check of the scenario still stands: a broken embedded scenario is refused)
    doc = json.loads(path.read_text())
    doc["scenario"]["sides"]["attacker"]["supply_range"] = -1
    doc.pop("scenario_sha256")
    bad = tmp_path / "bad.save.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(SaveFormatError, match="supply_range"):
        load_game(bad)


def test_save_agents_are_names_not_a_registry(tmp_path) -> None:
    state = play_game(load_scenario(AMBUSH), 2)
    doc = save_dict(state)
    for agents, ok in (({"attacker": "greedy", "defender": "my.mod:Agent"}, True),
                       ({"attacker": ""}, False), ({"attacker": 3}, False), ({"spy": "doctrine"}, False)):
        p = tmp_path / "s.json"
        p.write_text(json.dumps({**doc, "agents": agents}))
        if ok:
            assert load_game(p).agents == agents
        else:
            with pytest.raises(SaveFormatError, match="agents must map attacker/defender"):
                load_game(p)


# ------------------------------------------------------------------------------------------ refusals


def _stubborn_game(strict: bool = False):
    scen = load_scenario(AMBUSH)
    streams = seed_streams(4)
    state = new_game(scen, 4, agents={"attacker": STUBBORN, "defender": "passive"}, streams=streams)
    run_agents(state, [make_agent(STUBBORN), make_agent("passive")], streams[2:4], strict=strict)
    return scen, state


def test_refused_orders_are_counted_not_logged(importable) -> None:
    scen, state = _stubborn_game()
    got = agent_refusals(state)
    assert set(got) == {"attacker"}
    assert got["attacker"]["illegal"] == state.score.end_turn  # one refused Move per movement phase
    assert got["attacker"]["order_cap"] == 0
    assert "refused" in got["attacker"]["last"] and "Move" in got["attacker"]["last"]
    assert state.extra[REFUSALS_KEY] is got
    replay = new_game(scen, 4, agents=state.agents)  # the log is the orders' log: nothing added for refusals
    for o in state.orders:
        apply(replay, o)
    assert replay.log == state.log


def test_strict_raises_the_refused_order(importable) -> None:
    with pytest.raises(IllegalOrder):
        _stubborn_game(strict=True)


def test_the_order_cap_is_counted_or_raised(monkeypatch) -> None:
    monkeypatch.setattr(G, "MAX_ORDERS_PER_PHASE", 0)  # every phase is over the cap at once
    state = play_game(load_scenario(AMBUSH), 1)
    got = agent_refusals(state)
    assert got["attacker"]["order_cap"] > 0 and got["defender"]["order_cap"] > 0
    assert got["attacker"]["illegal"] == 0
    with pytest.raises(IllegalOrder, match="gave 0 orders in one air phase"):
        play_game(load_scenario(AMBUSH), 1, strict=True)


def test_run_warns_of_refusals_and_strict_agents_stops(importable) -> None:
    res = CliRunner().invoke(app, ["run", str(AMBUSH), "--attacker", STUBBORN, "--json"])
    assert res.exit_code == 0, res.output
    warn = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warn) == 1, res.stderr
    assert re.search(rf"the attacker agent \({STUBBORN}\) had [1-9]\d* illegal orders? refused; the driver ended its "
                     r"phase each time \(last: turn \d+ movement: Move", warn[0]), warn[0]
    json.loads(res.stdout)  # (stdout keeps only the score record)
    line = one_line_error(CliRunner().invoke(app, ["run", str(AMBUSH), "--attacker", STUBBORN, "--strict-agents"]), 1)
    assert line.startswith("error: --strict-agents: an agent's order was refused:")


@pytest.mark.parametrize("path", [SHUSHA_PATH, *sorted(LESSONS.glob("*.json"))], ids=lambda p: Path(p).stem)
def test_builtin_agents_have_no_order_refused(path) -> None:
    """The built-in agents give only legal orders and end their phases themselves (a refusal would be a bug)."""
    scen = load_scenario(path)
    matchups = [None, {"attacker": "passive", "defender": "doctrine"}]
    if "shusha" not in str(path):  # (random on Shusha flies recon for ~0.2 s a game)
        matchups.append({"attacker": "random", "defender": "random"})
    for agents in matchups:
        for seed in (0, 1, 2):
            state = play_game(scen, seed, agents=agents, strict=True)
            assert REFUSALS_KEY not in state.extra


def test_another_agent_does_not_get_the_scenarios_agent_params_unless_set_for_it(importable, tmp_path) -> None:
    """Shusha's defender has the doctrine AI's counter-attack settings: `--defender` with another agent plays
    without them (it refused them); a `--set` of that side's agent_params gives the new agent its own."""
    res = CliRunner().invoke(app, ["run", str(SHUSHA_PATH), "--defender", PICKY, "--json"])
    assert res.exit_code == 0, res.output
    set_ = ["--set", 'sides.attacker.agent_params={"patience": 2}']
    res = CliRunner().invoke(app, ["run", str(AMBUSH), "--attacker", PICKY, *set_, "--json"])
    assert res.exit_code == 0, res.output
    bad = CliRunner().invoke(app, ["run", str(AMBUSH), "--attacker", PICKY, "--set",
                                   'sides.attacker.agent_params={"hurry": 2}'])
    assert bad.exit_code != 0 and "unknown parameter of the wg_test_agents:Picky agent" in bad.output
    scen = load_scenario(SHUSHA_PATH)
    state = play_game(scen, 1, agents={"defender": PICKY})  # (the API: the same rule)
    assert state.agents["defender"] == PICKY
    # a batch's rows replay with `wargame run <run_options>`: the same document, the same log
    logs = tmp_path / "logs"
    B.run_batch(B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 1, 1, attacker=PICKY,
                            sets=[("sides.attacker.agent_params", {"patience": 1})]),
                tmp_path / "r.parquet", workers=1, chunk=1, logs_dir=str(logs))
    row = pq.read_table(tmp_path / "r.parquet").to_pylist()[0]
    log = tmp_path / "g.jsonl"
    res = CliRunner().invoke(app, ["run", str(AMBUSH), *shlex.split(row["run_options"]), "--log", str(log)])
    assert res.exit_code == 0, res.output
    (batch_log,) = logs.glob("*.jsonl")
    assert log.read_bytes() == batch_log.read_bytes()  # the whole game, byte for byte
    assert json.loads(log.read_text().splitlines()[0])["scenario_sha256"] == row["scenario_sha256"]


def test_with_agents_keeps_only_the_agent_params_a_set_gave_the_new_agent() -> None:
    doc = {"sides": {"defender": {"agent": "doctrine", "agent_params": {"reserve": ["a"], "patience": 9}},
                     "attacker": {"agent": "doctrine", "agent_params": {"lead": "mech"}}}}
    B.with_agents(doc, {"defender": "random", "attacker": "doctrine"}, ["sides.defender.agent_params.patience"])
    assert doc["sides"]["defender"] == {"agent": "random", "agent_params": {"patience": 9}}
    assert doc["sides"]["attacker"] == {"agent": "doctrine", "agent_params": {"lead": "mech"}}  # (not replaced)
    doc = {"sides": {"defender": {"agent": "doctrine", "agent_params": {"reserve": ["a"]}}}}
    B.with_agents(doc, {"defender": "random"}, [])
    assert doc["sides"]["defender"] == {"agent": "random"}
    doc = {"sides": {"defender": {"agent": "doctrine", "agent_params": {"x": 1}}}}
    B.with_agents(doc, {"defender": "random"}, ["sides.defender.agent_params"])
    assert doc["sides"]["defender"] == {"agent": "random", "agent_params": {"x": 1}}


def test_a_batch_counts_an_agents_refused_orders_and_says_so(importable, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    res = CliRunner().invoke(app, ["batch", str(AMBUSH), "--attacker", STUBBORN, "--games", "2", "--workers", "1",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = pq.read_table(out).to_pylist()
    assert all(r["agent_orders_refused_attacker"] > 0 and r["agent_orders_refused_defender"] == 0 for r in rows)
    assert "warning: the attacker agent had" in res.output and "agent_orders_refused_attacker" in res.output
    assert B.refused_games(out) == {"attacker": (2, sum(r["agent_orders_refused_attacker"] for r in rows))}
    fine = tmp_path / "f.parquet"
    res = CliRunner().invoke(app, ["batch", str(AMBUSH), "--games", "2", "--workers", "1", "--out", str(fine)])
    assert res.exit_code == 0 and "warning: the" not in res.output and B.refused_games(fine) == {}
