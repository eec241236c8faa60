"""The report's "Reproduce" section says which folder the batch was run from when its scenario path is relative: the
command is recorded as typed, and a report read (and re-run) from another folder would otherwise point nowhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TINY_PATH

import engine.batch as B
import engine.report as R


def _batch_and_report(scenario: str, out_dir: Path) -> tuple[str, str]:
    out = out_dir / "r.parquet"
    spec = B.BatchSpec(scenario, json.loads(Path(scenario).read_text()), 2, 1)
    spec.command = f"wargame batch {scenario} --games 2 --out {out}"
    B.run_batch(spec, out, workers=1)
    written = R.write_report(R.summarize(out), out_dir / "rep", with_html=True)
    assert written is not None
    return (out_dir / "rep" / "report.md").read_text(), (out_dir / "rep" / "report.html").read_text()


def test_a_relative_scenario_path_names_the_folder_it_was_run_from(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TINY_PATH.parent)
    md, page = _batch_and_report(TINY_PATH.name, tmp_path)
    assert f"Command that made the data (run in `{TINY_PATH.parent}`): `wargame batch {TINY_PATH.name} " in md
    assert f"Command that made the data (run in <code>{TINY_PATH.parent}</code>):" in page
    assert f"seed</code> column; run in <code>{TINY_PATH.parent}</code>):" in page


def test_an_absolute_scenario_path_needs_no_folder(tmp_path: Path) -> None:
    md, page = _batch_and_report(str(TINY_PATH), tmp_path)
    assert f"Command that made the data: `wargame batch {TINY_PATH} " in md
    assert "run in" not in md and "run in" not in page
