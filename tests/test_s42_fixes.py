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



def test_hotseat_after_autoplay_opens_behind_the_curtain(monkeypatch) -> None:
    """Two teachers: `wargame play --hotseat --autoplay 2` (jumping to a later turn for the class) opened on the
    side to move's whole map, hidden units and all, in front of both halves of the class. The curtain falls first,
    as for a new or loaded hotseat game (a scripted `--screenshot` still shows the side to move's screen)."""
    from conftest import SHUSHA_PATH
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    seen: dict[str, object] = {}

    def run(self, screen, refuse_headless: bool = False) -> None:  # (the window's loop: its first frame only)
        seen["pass"], seen["turn"], seen["ready"] = self.pass_screen, self.state.turn, self.curtain_ready()

    monkeypatch.setattr(ui.app.App, "run", run)
    r = CliRunner().invoke(cli_app, ["play", str(SHUSHA_PATH), "--hotseat", "--autoplay", "2", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    assert seen == {"pass": True, "turn": 3, "ready": True}


def test_the_first_hand_over_after_autoplay_sums_up_only_the_enemys_last_half_turn(shusha, screen) -> None:
    """Two teachers: after `--autoplay`, the first hand-over's "What you saw of the enemy's turn" covered every
    turn the AIs played, the player's own side's sorties included. It covers the enemy's last half-turn, as a
    loaded game's does."""
    from test_ui_hotseat import end_half_turn, hotseat_app

    app = hotseat_app(shusha)
    app.run_ai_until(3)
    app.raise_curtain()
    app.curtain_at = None
    app.lift_curtain()
    app.render(screen)
    assert app.state.side == 0 and app.report is not None
    first = app.report
    assert app.restore_report() is not None and app.report == first  # (the enemy's last half-turn, from the log)
    end_half_turn(app, screen)  # (and the next hand-over: the attacker's half-turn just played)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 1 and app.report is not None and app.report[0].endswith("(before your turn 3)")


def test_the_fight_card_is_each_hotseat_players_own(shusha, screen) -> None:
    """Two teachers: the fight card one player pinned with B was up when the curtain lifted for the other (drawn
    from their view, so nothing leaked, but not their choice). B is each player's, as the overlays are."""
    import pygame
    from test_ui_hotseat import end_half_turn, hotseat_app, press

    app = hotseat_app(shusha)
    app.render(screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    press(app, screen, pygame.K_b, "b")
    assert app.show_fight_card and app.view_side == 0
    end_half_turn(app, screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 1 and not app.show_fight_card
    end_half_turn(app, screen)
    app.clock.t += 5
    app.lift_curtain()
    app.render(screen)
    assert app.view_side == 0 and app.show_fight_card


def test_a_hotseat_save_loaded_with_side_says_it_is_now_against_the_computer(shusha, tmp_path, monkeypatch) -> None:
    """Two teachers: `wargame play --load hotseat_save.json --side attacker` went on as a game against the
    computer, the other half of the class's side now the computer's, with no word. It is said on the console."""
    from test_ui_hotseat import hotseat_app
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    save = tmp_path / "hs.json"
    hotseat_app(shusha).save(save)
    monkeypatch.setattr(ui.app.App, "run", lambda self, screen, refuse_headless=False: None)
    r = CliRunner().invoke(cli_app, ["play", "--load", str(save), "--side", "attacker", "--size", "1024x700"])
    assert r.exit_code == 0, r.output
    assert "this save is of a hotseat game; with --side attacker you play the attacker against the computer" in \
        r.output.replace("\n", " ")
    r = CliRunner().invoke(cli_app, ["play", "--load", str(save), "--size", "1024x700"])
    assert "hotseat game" not in r.output
