"""Session 29, analyst tools: the statistics shared by `wargame report`, `wargame compare` and `wargame fidelity`
live in one public module, engine/stats.py, and no module reaches into another's private helpers for them."""

from __future__ import annotations

import ast
import math
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.report as R
import engine.stats as S

ENGINE = Path(__file__).resolve().parent.parent / "engine"

SHARED = ("Z95", "T975_SMALL_DF", "wilson", "mean", "median", "sample_sd", "standard_error", "mean_stats", "t975",
          "t_half_width", "welch_difference", "newcombe_difference", "newcombe_paired", "paired_t_difference")

samples = st.lists(st.integers(min_value=0, max_value=60), min_size=0, max_size=40)


@pytest.mark.parametrize("name", SHARED)
def test_report_reexports_the_one_copy_of_each_statistic(name: str) -> None:
    """`engine.report.wilson` (and the others) were public there first: the same object, not a second copy."""
    assert getattr(R, name) is getattr(S, name)


def test_compare_and_report_import_no_private_name_of_another_engine_module() -> None:
    for module in ("compare.py", "report.py", "stats.py"):
        tree = ast.parse((ENGINE / module).read_text(encoding="utf-8"))
        private = [(node.module, a.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and (node.module or "").startswith("engine") for a in node.names if a.name.startswith("_")]
        assert private == [], f"{module} imports private names {private}"


def test_stats_does_not_import_the_report_or_plotting() -> None:
    """A pure module: `fidelity` and notebooks can take an interval without matplotlib or the report."""
    tree = ast.parse((ENGINE / "stats.py").read_text(encoding="utf-8"))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names} | \
        {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.startswith(("engine", "matplotlib", "pyarrow", "numpy"))}


@settings(max_examples=200, deadline=None)
@given(samples)
def test_mean_and_median_agree_with_the_standard_library(xs: list[int]) -> None:
    if not xs:
        assert S.median(xs) is None and S.mean(xs) == 0.0
        return
    assert S.median(xs) == statistics.median(xs)
    assert S.mean(xs) == pytest.approx(statistics.fmean(xs))


@settings(max_examples=200, deadline=None)
@given(samples)
def test_sd_se_and_the_t_half_width_agree_with_the_standard_library(xs: list[int]) -> None:
    if len(xs) < 2:
        assert S.sample_sd(xs) is None and S.standard_error(xs) is None and S.t_half_width(xs) == 0.0
        return
    sd = statistics.stdev(xs)
    assert S.sample_sd(xs) == pytest.approx(sd, abs=1e-9)
    assert S.standard_error(xs) == pytest.approx(sd / math.sqrt(len(xs)), abs=1e-9)
    assert S.t_half_width(xs) == pytest.approx(S.t975(len(xs) - 1) * sd / math.sqrt(len(xs)), abs=1e-9)
    assert S.mean_stats("x", xs) == {"x_mean": S.mean(xs), "x_sd": S.sample_sd(xs), "x_se": S.standard_error(xs)}
