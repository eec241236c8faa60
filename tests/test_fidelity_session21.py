"""Session 21, an analyst's review of the fidelity report: a check holds only when every part of its text does."""

from __future__ import annotations

import copy

from test_analyst19 import _effect_cells

from engine.fidelity import HOLDS_RULE, checks, effects


def _holds(cells: dict) -> dict[str, bool]:
    res = {"cells": cells, "effects": effects(cells),
           "drones_by_weather": {"armed_sorties_per_game": [0.0, 0.5], "ceiling_m": [500, 2000]}}
    return {c["target"].split(":")[0]: c["holds"] for c in checks(res)}


def test_clear_skies_needs_both_more_wins_and_more_heavy_losses():
    cells = _effect_cells()  # clear skies: 81% vs 56% wins; heavy losses equal
    assert not _holds(cells)["clear skies"]
    cells["clear_skies"]["defender_heavy_steps_lost"] = {"mean": 6.5, "ci95_half": 0.3}
    assert _holds(cells)["clear skies"]
    # a median capture turn earlier, without more wins, no longer counts (it has no interval)
    same = copy.deepcopy(cells)
    same["clear_skies"].update(attacker_wins=168, attacker_win_rate=0.56, capture_turn_median=18)
    assert not _holds(same)["clear skies"]


def test_mechanised_lead_holds_on_fewer_wins_and_not_on_higher_losses_alone():
    cells = _effect_cells()  # mech lead: 50% vs 56%, within the noise at n=300
    cells["mech_lead"]["attacker_steps_lost"] = {"mean": 9.0, "ci95_half": 0.5}  # costlier, clearly
    assert not _holds(cells)["mechanised lead through the ravines"]
    cells["mech_lead"].update(attacker_wins=60, attacker_win_rate=0.2)
    cells["mech_lead"]["attacker_steps_lost"] = {"mean": 2.0, "ci95_half": 0.5}  # fewer losses: not tested
    assert _holds(cells)["mechanised lead through the ravines"]


def test_the_report_says_how_holds_is_decided():
    assert "every part of a target's text is tested" in HOLDS_RULE and "common random numbers" in HOLDS_RULE


def test_no_recon_drone_is_judged_on_all_artillery_missions_not_the_drone_spotted_ones():
    """A final check: without the drone there are no drone-spotted missions by construction, so that
    difference could not fail. The check reads all the defender's missions."""
    cells = _effect_cells()
    cells["no_recon_drone"]["defender_drone_spotted_missions"] = {"mean": 0.0, "ci95_half": 0.0}
    cells["no_recon_drone"]["attacker_lost_to_artillery"] = {"mean": 2.0, "ci95_half": 0.3}
    assert not _holds(cells)["no recon drone"]  # as many missions as with the drone
    cells["no_recon_drone"]["defender_artillery_missions"] = {"mean": 3.0, "ci95_half": 0.3}
    assert _holds(cells)["no recon drone"]


def test_a_late_fall_is_told_with_the_share_of_all_games_fallen_by_the_announcement():
    """Session 24: the median among wins is capped by the game's 26 turns; the report also says how many of all
    games saw the town fall by turn 23 (the announcement) and by the record's last cleared turn."""
    from engine.fidelity import _fall_date

    h = {"capture_turn_median": 24, "capture_turns": [20, 22, 23, 24, 25, 26], "games": 10}
    text = _fall_date(h)
    assert "later than the record's 7 Nov" in text
    assert "fallen in 30% of all games (20% by turn 22)" in text
    on_time = _fall_date({"capture_turn_median": 22, "capture_turns": [22], "games": 1})
    assert "the day the record has it cleared" in on_time and "By the announcement" not in on_time
