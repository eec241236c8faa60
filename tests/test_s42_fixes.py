"""Session 42: playtesters' and reviewers' findings, each with the test that would have caught it."""

from __future__ import annotations


def test_an_aircraft_shot_down_is_not_called_a_drone() -> None:
    """A scenario author's attack helicopter (an air unit like any other) was logged as "one drone shot down". The
    engine cannot tell a drone from a helicopter, so the log says what every air unit is: an aircraft."""
    from engine.events import DroneStrike, ReconFlown

    strike = DroneStrike(turn=3, side="attacker", unit="mi24_1", target_hex=(4, 5), engagements=[], aborted=True,
                         fire=[], expended=False)
    recon = ReconFlown(turn=3, side="attacker", unit="mi8_1", center=(4, 5), radius=2, engagements=[],
                       shot_down=True, detected=[])
    for ev in (strike, recon):
        assert "one aircraft shot down" in ev.text()
        assert "drone" not in ev.text()
