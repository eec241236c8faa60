"""The batch table's road-cut column says "near" the objective: "first anywhere / by Kepez pass" (lesson 5) read
as the pass doing the cutting; "/ near Shusha" reads for the town as well."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import report as R
from engine.report import Summary


@pytest.mark.parametrize("objective", ["Kepez pass", "Shusha", "Dashkend"])
def test_the_road_cut_column_says_near_the_objective(objective: str) -> None:
    s = Summary(Path("r.parquet"), [], {"turns": 5, "objective": objective}, ["x"])
    head = R.road_cut_head(s)
    assert head == f"median turn road cut: first anywhere / near {objective}" and " by " not in head
    assert R.road_cut_head(s, "\n").endswith(f"\n/ near {objective}")
    assert R.ROAD_CUT_NOTE.startswith("'road cut: first anywhere / near' the objective")
