"""Session 32 defender playtest, UI wording and keys: the assault preview said from the player's seat, --side with
--hotseat, Shift+Tab, the go-to pace counted truthfully, a recon sortie that found nothing (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pygame
from conftest import app_of, goto, quiet_app, tiny_game, variant

from engine.combat import ASSAULT_RESULTS
from engine.rules import new_game
from ui import goto_orders

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------- 1: the assault preview, from the player's seat
def outcome_lines(monkeypatch: Any, ds: list[Any]) -> list[str]:
    import engine.combat
    from ui.app import assault_outcome_lines

    odds = dict(zip(ASSAULT_RESULTS, (0.1, 0.3, 0.2, 0.4), strict=True))
    monkeypatch.setattr(engine.combat, "assault_outcomes", lambda *a: odds)
    return assault_outcome_lines(SimpleNamespace(target="e"), ds, 3,
                                 SimpleNamespace(broken_modifier=0, shaken_modifier=0))


def test_the_assault_outcomes_name_the_enemy_not_the_defenders(monkeypatch):
    """A defending player read "defenders destroyed (you advance)" as their own units destroyed."""
    lines = outcome_lines(monkeypatch, [SimpleNamespace(firer="e", modifiers=[], expected_losses=0.4)])
    text = "\n".join(lines)
    assert "defender" not in text.lower() and " they " not in text, text
    assert ("the enemy falls back if the unit you strike is destroyed or broken, or loses 2+ steps and more than you"
            in lines[0])
    rows = [s.strip().rsplit(":", 1)[0] for s in lines[1:5]]
    assert rows == ["the enemy there destroyed (you advance)", "the enemy falls back (you advance)",
                    "repulsed (your unit -1 cohesion; it may also lose steps to the return fire below)",
                    "your unit destroyed"]


def test_a_repulse_says_steps_may_be_lost_only_when_there_is_return_fire(monkeypatch):
    alone = outcome_lines(monkeypatch, [SimpleNamespace(firer="e", modifiers=[], expected_losses=0.0)])
    assert any(s.strip() == "repulsed (your unit -1 cohesion): 40%" for s in alone), alone


def test_the_real_preview_reads_from_the_seat_of_the_side_that_assaults(screen):
    from test_assault_outcomes import _assaults

    state, order = _assaults(1)[0]
    app = app_of(state, (state.side,))
    app.view_side = state.side
    app.preview(order)
    lines = app.pending[1]
    k = next(i for i, s in enumerate(lines) if s.strip().startswith("What can happen"))
    assert not any("defender" in s.lower() for s in lines[k:k + 5]), lines
    rep = next(s for s in lines[k:k + 5] if "repulsed" in s)
    back = next(i for i, s in enumerate(lines) if s.startswith("Return fire"))
    assert back > k and ("lose steps to the return fire below" in rep) == any(
        "expected losses 0.00" not in s for s in lines[back:] if s.strip().startswith("expected losses")), lines


# ------------------------------------------------------------------- 2: --side with --hotseat
def play(args: list[str], tmp_path: Path) -> Any:
    from typer.testing import CliRunner

    from engine.cli import app as cli_app

    return CliRunner().invoke(cli_app, ["play", str(ROOT / "scenarios" / "lessons" / "ambush.json"), *args,
                                        "--size", "1024x700", "--screenshot", str(tmp_path / "x.png")])


def test_side_with_hotseat_is_said_to_do_nothing_and_who_goes_first(tmp_path):
    r = play(["--hotseat", "--side", "defender"], tmp_path)
    assert r.exit_code == 0, r.output
    assert "warning: --side defender is not used with --hotseat" in r.stderr, r.stderr
    assert "the attacker (the side to move) takes the screen first" in r.stderr
    quiet = play(["--hotseat"], tmp_path)
    assert quiet.exit_code == 0 and "--side" not in quiet.stderr, quiet.stderr
    alone = play(["--side", "defender"], tmp_path)
    assert alone.exit_code == 0 and "--side" not in alone.stderr, alone.stderr


def test_play_help_says_side_is_not_used_with_hotseat():
    from typer.testing import CliRunner

    from engine.cli import app as cli_app

    r = CliRunner().invoke(cli_app, ["play", "--help"], env={"COLUMNS": "200"})
    text = " ".join(re.sub(r"[│|]", " ", r.output).split())
    assert r.exit_code == 0 and "Not used with --hotseat: both sides play, the side to move takes the screen " \
        "first" in text, text


# ------------------------------------------------------------------- 3: Shift+Tab, and the keyboard in the welcome
def test_shift_tab_goes_through_the_same_units_backwards(screen):
    app = app_of(goto(tiny_game(seed=2), 0, "movement"), (0,))
    app.update()
    fwd = []
    for _ in range(len(app.able_units())):
        app.on_key(pygame.K_TAB, 0)
        fwd.append(app.selected)
    assert len(set(fwd)) >= 3, fwd
    back = []
    for _ in range(len(fwd)):
        app.on_key(pygame.K_TAB, pygame.KMOD_LSHIFT)
        back.append(app.selected)
    # from the last unit Tab reached: the one before it, and so on round to the last again
    assert back == [*fwd[-2::-1], fwd[-1]], (fwd, back)
    app.select(None)
    app.on_key(pygame.K_TAB, pygame.KMOD_SHIFT)
    assert app.selected == fwd[-1]  # (nothing selected: Shift+Tab starts at the end of the list)


def test_the_help_and_the_welcome_name_the_keyboard_way(screen):
    from ui.app import HELP, App

    assert any("Shift+Tab" in k and "previous" in d for k, d in HELP)
    app = App(tiny_game(seed=2), {0}, size=(1280, 800))
    assert app.status.startswith("Welcome.") and "press Tab" in app.status and "click" in app.status


# ------------------------------------------------------------------- 4: the go-to pace, counted as it is
def turns_said(text: str) -> int:
    got = re.search(r"(\d+) turns? at this pace", text)
    assert got, text
    return int(got.group(1))


def test_a_pace_given_after_this_turns_move_says_the_turns_after_this_one_and_is_kept(screen):
    """"Going to (22,10): 3 turns at this pace" said after the first leg meant 3 turns after this one."""
    from test_goto_waypoints import play_out, quiet_doc

    st = new_game(variant(quiet_doc), 1)
    goto(st, 0, "movement")
    app = quiet_app(st)
    t0 = app.state.turn
    app.select("az_sf")
    goto_orders.give(app, st.map.idx((2, 6)))
    assert app.state.unit("az_sf").moved  # (the first leg, at once)
    n = turns_said(app.status)
    assert n >= 2 and f"{n} turns at this pace, after this one" in app.status, app.status
    assert "counting this one" not in app.status
    play_out(app, "az_sf")
    assert app.state.unit("az_sf").idx == st.map.idx((2, 6)) and app.state.turn == t0 + n


def test_a_pace_given_before_this_turns_move_counts_this_one_and_is_kept(screen):
    from test_goto_waypoints import play_out, quiet_doc

    st = new_game(variant(quiet_doc), 1)
    goto(st, 0, "air")
    app = quiet_app(st)
    t0 = app.state.turn
    app.select("az_sf")
    goto_orders.give(app, st.map.idx((2, 6)))
    n = turns_said(app.status)
    assert n >= 2 and f"{n} turns at this pace, counting this one" in app.status, app.status
    play_out(app, "az_sf")
    assert app.state.unit("az_sf").idx == st.map.idx((2, 6)) and app.state.turn == t0 + n - 1


def test_the_pace_words_count_the_turns_left_the_same_way():
    def app_at(turn: int, side: int, phase_i: int, moved: bool, unit_side: int = 0) -> Any:
        unit = SimpleNamespace(side=unit_side, moved=moved)
        return SimpleNamespace(state=SimpleNamespace(scenario=SimpleNamespace(turns=10), turn=turn, side=side,
                                                     phase_i=phase_i, unit=lambda uid: unit))

    assert goto_orders.pace_words(app_at(9, 0, 2, False), 2, "u") == "2 turns at this pace, counting this one"
    assert goto_orders.pace_words(app_at(9, 0, 2, True), 2, "u") == "2 turns at this pace, after this one: more " \
        "than the 1 left in the game after this one"
    assert goto_orders.pace_words(app_at(9, 0, 0, False), 1, "u") == "1 turn at this pace: arrives this turn"
    # the defender's unit while the attacker moves: its own move of this turn is still to come
    assert goto_orders.pace_words(app_at(10, 0, 3, True, 1), 1, "u") == "1 turn at this pace: arrives this turn"
    # the attacker's unit in the defender's half: its move of this turn is over
    assert goto_orders.pace_words(app_at(10, 1, 0, False), 1, "u") == ("1 turn at this pace: arrives next turn: "
                                                                       "more than the 0 left in the game after "
                                                                       "this one")


# ------------------------------------------------------------------- 5: a recon sortie that found nothing
def test_a_recon_that_found_nothing_hidden_reads_as_nothing_found(screen):
    from conftest import drones_red_recon_flies

    from ui.app import App
    from ui.status import NONE_HIDDEN, recon_log_detail

    app = App(new_game(drones_red_recon_flies(), 1), {0}, size=(1280, 800))
    app.show_lesson = False
    app.select("red_orbiter")
    app.click_hex(app.state.map.idx((4, 3)))
    app.confirm()
    ev = next(ev for ev in app.state.log if ev.kind == "ReconFlown")
    assert not ev.detected
    alone = recon_log_detail(ev, app.state, 0)
    assert f"; {NONE_HIDDEN} there (a recon sortie reveals the hidden units in its area" in alone, alone
    assert "units in the open there are in view" in alone
    assert "it finds units" not in alone and "come into view" not in alone
    # a sortie that found something says so as before: the area only, its finds in the event's own line
    found = attrs.evolve(ev, detected=("blue_inf_2",))
    assert recon_log_detail(found, app.state, 0) == alone.split(";")[0]
