"""`bench/run.py`'s estimate of the one-core game times at the speed of the machine issue #6's targets were set on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import run  # bench/run.py

THERE = 1000 / 27.0  # Atlatl's game on that machine, ms: 27 games/s, as issue #6 reports
UNIT_TURNS = 17 * 10  # Atlatl's test4.scn: 17 units, 10 turns


def _round(atlatl_game_ms: float, ratio: float, shusha_ms: float | None) -> dict:
    out = {"atlatl_ms_per_unit_turn": atlatl_game_ms / UNIT_TURNS, "ratio": ratio}
    if shusha_ms is not None:
        out.update(shusha_game_ms=shusha_ms, shusha_over_atlatl_game=shusha_ms / atlatl_game_ms)
    return out


def _res(rounds: list[dict]) -> dict:
    return {"comparison": {"interleaved": {"rounds": rounds}},
            "atlatl_size": {"game_ms_median": 4.0, "ms_per_unit_turn": 4.0 / 160}}  # 160 unit-turns a game


def test_game_times_scale_with_atlatl_within_each_round() -> None:
    # the VM's speed doubles between rounds; both programs follow it, and so the estimate does not move
    rounds = [_round(2 * THERE, 0.1, 22.0), _round(THERE, 0.1, 11.0), _round(4 * THERE, 0.1, 44.0)]
    ref = run.at_reference_speed(_res(rounds))
    assert ref["shusha_game_ms"] == pytest.approx(11.0)
    assert ref["atlatl_game_ms_here_median"] == pytest.approx(2 * THERE)
    # the 10×10 game: the median round's ratio per unit-turn × Atlatl's ms per unit-turn there × our unit-turns
    assert ref["atlatl_size_game_ms"] == pytest.approx(0.1 * THERE / UNIT_TURNS * 160)


def test_medians_over_rounds() -> None:
    rounds = [_round(THERE, r, s) for r, s in ((0.08, 10.0), (0.2, 30.0), (0.1, 12.0))]
    ref = run.at_reference_speed(_res(rounds))
    assert ref["atlatl_size_game_ms"] == pytest.approx(0.1 * THERE / UNIT_TURNS * 160)
    assert ref["shusha_game_ms"] == pytest.approx(12.0)


def test_only_what_was_paired_with_atlatl() -> None:
    ref = run.at_reference_speed(_res([_round(THERE, 0.1, None)]))
    assert "shusha_game_ms" not in ref  # no Shusha games in the rounds: no Shusha estimate
    assert run.at_reference_speed({"shusha": {"game_ms_median": 22.0}}) is None  # no Atlatl at all


def test_the_wargame_batch_rate_is_a_row_of_the_targets_table() -> None:
    """The rate an analyst gets from `wargame batch` (start to exit: workers, rows, Parquet) beside the pool's."""
    res = {"shusha": {"parallel": {"workers": 2, "games_per_s_all_cores": 60.0},
                      "wargame_batch": {"workers": 2, "games": 400, "wall_s": 8.0, "games_per_s": 50.0}}}
    rows = {r["target"].strip(): r for r in run.targets_table(res)}
    row = rows["`wargame batch` of 400 games, start to exit"]
    assert (row["measured"], row["limit"], row["status"]) == (50.0, 90, "MISS")
    assert "`wargame batch` of 400 games, start to exit" not in {
        r["target"].strip() for r in run.targets_table({"shusha": {"wargame_batch": {"error": ["boom"]}}})}


def test_the_batch_rate_less_its_fixed_cost() -> None:
    """A short batch (one game a worker) times the command's fixed cost (imports, cold first games, files, exit:
    ~2 s of a 400-game batch's ~8 s, session 37); the long batch's rate without it is the games' own."""
    walls = {400: 10.0, 2: 2.0}
    got = run.batch_rates(400, 2, lambda games, workers: {"games": games, "wall_s": walls[games],
                                                          "games_per_s": games / walls[games]})
    assert got["wargame_batch_fixed"]["wall_s"] == 2.0
    assert got["wargame_batch"]["games_per_s"] == 40.0
    assert got["wargame_batch"]["games_per_s_less_fixed"] == 398 / 8.0
    failed = run.batch_rates(400, 2, lambda games, workers: {"error": ["boom"]})
    assert "games_per_s_less_fixed" not in failed["wargame_batch"]
