"""`ai_hold`: a scenario's order to the doctrine AI to keep a unit on its hex (an outpost, a garrison told to
stand). The unit still fights where it stands; a human player is free to move it."""

from __future__ import annotations

import json

from conftest import SHUSHA_PATH, assert_problem, goto, scenario_problems, shusha_scenario, tiny_dict, unit_spec
from typer.testing import CliRunner

from engine.batch import with_overrides
from engine.cli import app
from engine.game import play_game
from engine.orders import Move
from engine.rules import legal_orders, new_game
from engine.scenario import scenario_from_dict

HELD = ("az_sf_1", "az_mech_1", "arm_tank_1")
"""Units that move in every Shusha game the doctrine AIs play (checked below, so the test can fail)."""


def _moved_or_assaulted(state, uid: str) -> list[str]:
    return [ev.kind for ev in state.log
            if (ev.kind == "UnitMoved" and ev.unit == uid) or (ev.kind == "AssaultResolved" and ev.attacker == uid)]


def _held_scenario():
    return with_overrides(shusha_scenario(), [f"units.{u}.ai_hold=true" for u in HELD], "shusha")


def test_held_units_never_move_or_assault_and_the_others_still_do() -> None:
    held = _held_scenario()
    for seed in (1, 2, 3):
        free_game = play_game(shusha_scenario(), seed)
        assert all(_moved_or_assaulted(free_game, u) for u in HELD), seed  # they do move when free
        game = play_game(held, seed)
        start = {u.id: u.idx for u in new_game(held, seed).units}
        for uid in HELD:
            assert _moved_or_assaulted(game, uid) == [], (seed, uid)
            unit = game.unit(uid)
            assert unit.idx == start[uid] or unit.strength <= 0 or _retreated(game, uid), (seed, uid)
        assert any(ev.unit not in HELD for ev in game.log if ev.kind == "UnitMoved")


def _retreated(state, uid: str) -> bool:
    """A unit beaten in an assault falls back: the enemy moved it, not its own side."""
    return any(ev.kind == "UnitRetreated" and ev.unit == uid for ev in state.log)


def test_held_units_still_fire_and_defend() -> None:
    held = with_overrides(shusha_scenario(), ["units.arm_how_1.ai_hold=true"], "shusha")
    fired = [ev for seed in (1, 2) for ev in play_game(held, seed).log
             if ev.kind == "ArtilleryFired" and ev.unit == "arm_how_1"]
    assert fired


def test_a_human_may_move_a_held_unit() -> None:
    state = goto(new_game(_held_scenario(), 1), "attacker", "movement")
    assert any(isinstance(o, Move) and o.unit == "az_sf_1" for o in legal_orders(state))


def test_ai_hold_must_be_true_or_false() -> None:
    doc = tiny_dict()
    unit_spec(doc, "az_sf")["ai_hold"] = "yes"
    assert_problem(scenario_problems(doc), "$.units[0].ai_hold", "true or false")
    unit_spec(doc, "az_sf")["ai_hold"] = True
    assert scenario_from_dict(doc).units[0].ai_hold is True


def test_run_set_ai_hold_from_the_command_line() -> None:
    res = CliRunner().invoke(app, ["run", str(SHUSHA_PATH), "--seed", "1", "--set", "units.az_sf_1.ai_hold=true",
                                   "--log", "-"])
    assert res.exit_code == 0, res.output
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert not [e for e in events if e["kind"] == "UnitMoved" and e["unit"] == "az_sf_1"]
