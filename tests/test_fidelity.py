"""wargame fidelity: cells, effects and the report, on the tiny scenario (fast)."""

from __future__ import annotations

import json

from conftest import tiny_scenario

from engine.fidelity import cell_specs, run_fidelity, write_report


def test_fidelity_report_on_tiny_scenario(tmp_path):
    scen = tiny_scenario()
    names = [n for n, _, _ in cell_specs(scen)]
    assert names == ["historical", "clear_skies", "no_recon_drone", "mech_lead"]
    res = run_fidelity(scen, "tiny.json", tmp_path, games=6, counterfactual_games=4, seed=3, workers=1,
                       resume=False, command="test")
    assert {n: c["games"] for n, c in res["cells"].items()} == {
        "historical": 6, "clear_skies": 4, "no_recon_drone": 4, "mech_lead": 4}
    for c in res["cells"].values():
        assert 0.0 <= c["attacker_win_rate"] <= 1.0
        lo, hi = c["attacker_win_ci95"]
        assert lo <= c["attacker_win_rate"] <= hi
    assert len(res["checks"]) == 13 and all(isinstance(c["holds"], bool) for c in res["checks"])
    report = write_report(res, tmp_path, scen)
    text = report.read_text()
    assert "## Calibration against the record" in text and "| mech_lead |" in text
    for png in ("win_rate.png", "capture_turn.png", "drones_by_weather.png", "losses.png"):
        assert (tmp_path / png).stat().st_size > 5000
    assert json.loads((tmp_path / "results.json").read_text())["cells"]["historical"]["games"] == 6
    # resume reuses finished cells: same numbers without replaying them
    again = run_fidelity(scen, "tiny.json", tmp_path, games=6, counterfactual_games=4, seed=3, workers=1,
                         resume=True, command="test")
    assert again["cells"]["historical"]["attacker_wins"] == res["cells"]["historical"]["attacker_wins"]


def test_a_counterfactual_effect_counts_only_beyond_its_noise():
    """The mechanised-lead check once 'held' on +0.13 ± 0.83 attacker steps: an effect must exclude zero."""
    from engine.fidelity import _sure

    assert not _sure({"diff": 0.13, "ci95_half": 0.83}, +1)
    assert _sure({"diff": 0.9, "ci95_half": 0.83}, +1)
    assert _sure({"diff": -0.2, "ci95_half": 0.05}, -1) and not _sure({"diff": -0.2, "ci95_half": 0.05}, +1)


def _row(winner: str, cut: int | None, taken: int | None, town_cut: int | None = -1) -> dict:
    """A game's row; the cut by the town is the first cut unless `town_cut` says otherwise."""
    return {"winner": winner, "road_cut_turn": cut, "objective_taken_turn": taken,
            "town_cut_turn": cut if town_cut == -1 else town_cut}


def test_the_road_cut_and_the_fall_after_it_are_checked_against_the_record():
    """Session 20: the road was cut on turn ~11 (the record: 4 Nov, turn 15) and the town fell 12 turns later
    (the record: 3-4 days) while every check held; both are calibration targets now, dated by the scenario.
    Session 26: they measure the cut by the town (the record's), not the first cut anywhere on the road."""
    from conftest import shusha_scenario

    from engine.fidelity import checks, effects, town_cut_stats

    def measured(rows: list[dict]) -> dict[str, tuple[str, bool]]:
        from engine.fidelity import cell_stats

        h = cell_stats(rows)
        cells = {n: dict(h) for n in ("historical", "clear_skies", "no_recon_drone", "mech_lead")}
        res = {"cells": cells, "effects": effects(cells), "counterattacks": {"town_cut": town_cut_stats(rows)},
               "drones_by_weather": {"armed_sorties_per_game": [0.0], "ceiling_m": [500]}}
        return {c["target"]: (c["measured"], c["holds"]) for c in checks(res, shusha_scenario())}

    def road_and_gap(got: dict[str, tuple[str, bool]]) -> tuple[tuple[str, bool], tuple[str, bool]]:
        road = next(v for k, v in got.items() if k.startswith("the road is cut by the town around 4 Nov"))
        gap = next(v for k, v in got.items() if k.startswith("the town falls 3–4 days after the cut by the town"))
        return road, gap

    early = [_row("attacker", 11, 23)] * 3 + [_row("defender", 11, None)]
    road, gap = road_and_gap(measured(early))
    assert road == ("turn 11 (02 Nov 06:00)", False) and gap == ("12 turns", False)
    on_time = [_row("attacker", 15, 22), _row("attacker", 15, 23), _row("defender", 16, None)]
    road, gap = road_and_gap(measured(on_time))
    assert road == ("turn 15 (04 Nov 06:00)", True) and gap == ("7.5 turns", True)
    # cut far away on turn 11, by the town on turn 15: the checks follow the town's cut and say the other
    elsewhere = [_row("attacker", 11, 22, 15), _row("attacker", 11, 23, 15), _row("defender", 11, None, 16)]
    road, gap = road_and_gap(measured(elsewhere))
    assert road == ("turn 15 (04 Nov 06:00); the first cut anywhere: turn 11, away from the town first in 100%", True)
    assert gap == ("7.5 turns", True)
    # reached by the town only after the fall: no cut before the capture
    got = measured([_row("attacker", 11, 14, 20), _row("attacker", 11, 15, None)])
    assert got["the road is cut by the town before the town falls in most attacker wins"] == ("0%", False)
    road, gap = road_and_gap(measured([_row("defender", None, None)]))
    assert road == ("—", False) and gap == ("—", False)


def test_a_resume_does_not_reuse_cells_played_by_other_engine_code(tmp_path, monkeypatch):
    """A review: `--resume` reused finished cells whatever code had played them, while the report's samples (the
    drones, the counter-attacks, the cut by the town) were played anew by the code of the day."""
    import pytest

    import engine.batch as B
    from engine.fidelity import FidelityError

    scen = tiny_scenario()
    run_fidelity(scen, "tiny.json", tmp_path, games=2, counterfactual_games=2, seed=3, workers=1, resume=False,
                 command="test")
    monkeypatch.setattr(B, "_ENGINE_CODE", "0123456789abcdef")  # (as if the engine's files had been edited)
    with pytest.raises(FidelityError, match="other engine code") as e:
        run_fidelity(scen, "tiny.json", tmp_path, games=2, counterfactual_games=2, seed=3, workers=1, resume=True,
                     command="test")
    assert "--overwrite" in str(e.value)
