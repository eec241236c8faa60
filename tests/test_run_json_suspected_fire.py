"""`wargame run --json` says per side whether it could fire on suspected positions, as the batch records per cell: a
0 in `suspected_fire_missions` alone does not tell a rule that was off from one never used."""

from __future__ import annotations

import json

import pytest
from conftest import SHUSHA_PATH
from typer.testing import CliRunner

from engine.cli import app

ON = ["--set", "sides.attacker.agent_params.fire_on_suspected=true"]


@pytest.mark.parametrize("args, could", [
    ([], {"attacker": False, "defender": False}),  # Shusha's rule is on, but neither doctrine AI uses it
    (ON, {"attacker": True, "defender": False}),
    ([*ON, "--set", "combat.suspected_fire=false"], {"attacker": False, "defender": False}),  # the rule off
    ([*ON, "--defender", "random"], {"attacker": True, "defender": True}),  # a random agent picks any legal order
    (["--set", "sides.defender.agent_params.fire_on_suspected=true", "--attacker", "passive"],
     {"attacker": False, "defender": True}),  # a passive agent fires nothing
])
def test_run_json_says_who_could_fire_on_suspected_positions(args, could):
    res = CliRunner().invoke(app, ["run", str(SHUSHA_PATH), "--seed", "2", "--json", *args])
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)
    assert row["suspected_fire_sides"] == could
    for side, yes in could.items():
        if not yes:
            assert row["suspected_fire_missions"][side] == 0
