"""The key-events filter (F, `engine.events.key_events`) leaves out a report that says again what the last one of its
kind said: an educator saw "TB2 grounded" and "out of supply" come back every turn of the low-cloud days."""

from __future__ import annotations

from typing import Any

from conftest import app_of, shusha_scenario

from engine.events import AirStatus, SupplyReport, key_events, routine
from engine.game import play_game


def _air(unit: str, grounded: bool, turn: int = 1) -> AirStatus:
    return AirStatus.make(turn=turn, side="attacker", unit=unit, unit_type="uav", grounded=grounded,
                          reason="cloud base 400 m < 1200 m needed" if grounded else "ceiling ok")


def _supply(side: str, out: list[str], turn: int = 1) -> SupplyReport:
    return SupplyReport.make(turn=turn, side=side, in_supply=["x"], out_of_supply=out)


def test_a_repeat_is_left_out_and_a_change_is_kept() -> None:
    evs = [_air("tb2", True, 1), _air("tb2", True, 2), _air("tb2", False, 3), _air("tb2", True, 4),
           _supply("defender", ["a"], 1), _supply("defender", ["a"], 2), _supply("defender", ["a", "b"], 3),
           _supply("defender", [], 4), _supply("defender", ["a"], 5), _supply("attacker", ["a"], 5)]
    kept = [i for i, _ in key_events(list(enumerate(evs)))]
    # grounded on 1 (new), 2 (same: out), flies on 3 (routine: out), grounded again on 4 (a change); supply: the
    # first cut, not its repeat, the new unit cut, all in supply (routine), cut again, another side's first
    assert kept == [0, 3, 4, 6, 8, 9]


def test_over_a_shusha_game_each_drone_is_said_grounded_once_per_spell() -> None:
    st = play_game(shusha_scenario(), 1)
    pairs = list(enumerate(st.log))
    kept = [ev for _, ev in key_events(pairs)]
    for uid in ("az_tb2", "az_harop"):
        reports = [ev.grounded for ev in st.log if isinstance(ev, AirStatus) and ev.unit == uid]
        spells = sum(1 for k, g in enumerate(reports) if g and (k == 0 or not reports[k - 1]))
        said = sum(1 for ev in kept if isinstance(ev, AirStatus) and ev.unit == uid)
        assert reports.count(True) > spells >= 1  # (the low-cloud days: grounded turn after turn)
        assert said == spells
    # nothing but routine reports and repeats is left out
    dropped = [ev for _, ev in pairs if ev not in kept]
    assert all(routine(ev) or isinstance(ev, (AirStatus, SupplyReport)) for ev in dropped)


def test_the_log_panel_under_f_shows_what_key_events_keeps(screen: Any) -> None:
    st = play_game(shusha_scenario(), 1)
    app = app_of(st, (1,))
    app.log_key_only = True
    app.gui._sync_log(force=True)
    shown = app.gui._log_shown
    want = [i for i, _ in key_events(app.visible_events(), "defender")]
    assert shown and set(shown) <= set(want)  # (the old filter showed the repeats too: not a subset)
    repeats = [i for i, ev in app.visible_events() if i not in want and not routine(ev, "defender")]
    assert repeats and all(isinstance(app.state.log[i], (AirStatus, SupplyReport)) for i in repeats)
