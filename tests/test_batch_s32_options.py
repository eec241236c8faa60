"""`wargame batch`: a `--set` that a sweep key would silently beat is refused (the report said "in every cell: X"
of a value cell 0 never played), and a Ctrl+C after the last game, while the results are combined, says how to
resume like any other interrupt. Games use a 4-turn cut of the Shusha scenario and one worker."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app


def run_cli(file4: Path, out: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "2", "--seed", "5", "--out", str(out),
                                 "--workers", "1", "-q", *args])
    text = r.output
    assert "Traceback" not in text and (r.exception is None or isinstance(r.exception, SystemExit)), text
    return r.exit_code, text


@pytest.mark.parametrize("conflict", [
    ["--sweep", "attacker_lead=sf,mech", "--set", "sides.attacker.agent_params.lead=mech"],
    ["--sweep", "attacker_lead=sf,mech", "--set", 'sides.attacker.agent_params={"lead": "mech"}'],
    ["--sweep", "attacker_lead=sf,mech", "--set", 'sides.attacker={"agent_params": {"lead": "sf"}}'],
    ["--sweep", "attacker_lead=sf,mech", "--sweep", "set:sides.attacker.agent_params.lead=sf,mech"],
    ["--sweep", "set:sides.attacker.agent_params.lead=sf,mech", "--set", "sides.attacker.agent_params={}"],
])
def test_a_set_that_a_sweep_also_sets_is_refused(file4, tmp_path, conflict) -> None:
    out = tmp_path / "r.parquet"
    code, text = run_cli(file4, out, *conflict)
    lines = text.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, text)
    assert "both set" in lines[0] and "give one of them" in lines[0], lines[0]
    assert not out.exists() and not B.parts_dir(out).exists()


def test_a_set_beside_the_lead_sweep_that_leaves_the_lead_alone_is_played(doc4) -> None:
    """Another agent parameter set in every cell, the lead swept: nothing is overridden twice."""
    cells = B.build_cells(doc4, [("attacker_lead", ["sf", "mech"])],
                          [("sides.attacker.agent_params.infiltrate_objective", False)])
    assert [c.agent_params["attacker"]["lead"] for c in cells] == ["sf", "mech"]


def test_the_sweep_paths_are_the_keys_of_the_sweeps() -> None:
    assert set(B.SWEEP_PATHS) == set(B.SWEEP_KEYS)


def test_ctrl_c_while_the_results_are_combined_says_how_to_resume(file4, tmp_path, monkeypatch) -> None:
    out = tmp_path / "r.parquet"
    real = B.combine_parts

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(B, "combine_parts", interrupted)
    code, text = run_cli(file4, out, "--csv", str(tmp_path / "r.csv"))
    assert code == 130, text
    line = " ".join(text.split())
    assert "interrupted; 2 of 2 games saved in" in line and "Resume with:" in line and "--resume" in line, text
    assert "--csv" in line and not out.exists()
    monkeypatch.setattr(B, "combine_parts", real)
    code, text = run_cli(file4, out, "--csv", str(tmp_path / "r.csv"), "--resume")
    assert code == 0, text
    assert "resuming: 2 of 2 games already saved" in " ".join(text.split()), text
    assert pq.read_table(out).num_rows == 2 and (tmp_path / "r.csv").is_file()
