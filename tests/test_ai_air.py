"""The doctrine AI's air phase: recon sorties fly first and the strikes are planned on what they found (engine
0.9.0), so the armed drones strike on the clear days of 28 Oct - 2 Nov and not under the low cloud after."""

from __future__ import annotations

from conftest import shusha_scenario

from engine.game import play_game
from engine.orders import Recon, Strike


def test_recon_sorties_come_before_strikes_in_every_air_phase() -> None:
    for seed in (1, 2):
        state = play_game(shusha_scenario(), seed, weather_mode="clear")
        phase: list[object] = []
        checked = 0
        for o in [*state.orders, None]:
            if isinstance(o, (Recon, Strike)):
                phase.append(o)
                continue
            kinds = [type(x).__name__ for x in phase]
            if "Recon" in kinds and "Strike" in kinds:
                assert kinds == sorted(kinds), kinds  # every "Recon" before every "Strike"
                checked += 1
            phase = []
        assert checked >= 5, seed


def test_armed_drones_strike_on_the_clear_days_and_not_under_the_cloud() -> None:
    early, cloud = 0, 0
    games_with_early = 0
    for seed in range(1, 11):
        state = play_game(shusha_scenario(), seed)
        turns = [ev.turn for ev in state.log if ev.kind == "DroneStrike" and ev.side == "attacker"]
        early += sum(t < 12 for t in turns)
        cloud += sum(12 <= t <= 22 for t in turns)
        games_with_early += any(t < 12 for t in turns)
    assert games_with_early >= 7 and early >= 15, (games_with_early, early)  # before 0.9.0: 1 game in 10
    assert cloud == 0
