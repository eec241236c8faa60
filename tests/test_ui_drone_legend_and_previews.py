"""Session 26 review (an educator and a player): the drone overlay names what the weather does to the enemy's
aircraft types, one rounding for every percentage of a preview, a scripted screenshot after autoskip, the rules'
numbers in the help, a mark where a cut-off preview continues, and the keyboard cursor's status (dummy SDL video).
"""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pygame
from conftest import goto, panel_lines

from engine.batch import with_overrides
from engine.rules import new_game
from engine.units import ATTACKER, DEFENDER
from engine.view import observe
from ui import overlays as ov
from ui import palette as pal

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "scenarios" / "lessons"


def low_cloud(shusha: Any, side: str) -> Any:
    """Shusha under low cloud (400 m): the attacker's armed drones and its Orbiter grounded, the defender's
    low-flying Orlan-class recon drone flying."""
    return goto(new_game(shusha, 0, "overcast"), side, "air")


def app_of(state: Any, human: set[int], size: tuple[int, int] = (1280, 800), **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=size, **kw)
    app.show_lesson = False
    return app


# ------------------------------------------------------------------- 1: the enemy's aircraft in the drone overlay
def test_the_defenders_drone_legend_says_the_enemys_armed_drones_are_grounded(shusha):
    st = low_cloud(shusha, "defender")
    view = observe(st, DEFENDER)
    res = ov.drones(st, view, pal.DEFAULT)
    text = [s for _, s in res.legend]
    armed = next(s for s in text if s.strip().startswith("enemy armed drones (TB2-class)"))
    assert "GROUNDED" in armed and "cloud base 400 m < 1200 m needed" in armed
    assert any(s.strip().startswith("enemy recon drone (Orbiter-class): GROUNDED") for s in text)
    assert not any("none this turn" in s and "yours" not in s for s in text)  # (its own: none of yours)
    # fog of war: no enemy unit, position or hex is given, and only own air bases are marked
    assert not any("az_" in s for s in text)
    own_bases = {u.idx for u in view.own if st.scenario.unit_table[u.type].domain == "air"}
    assert {i for i, (c, r) in res.dots.items() if r == 0.35} == own_bases


def test_the_attackers_drone_legend_says_the_enemys_recon_drone_flies(shusha):
    st = low_cloud(shusha, "attacker")
    res = ov.drones(st, observe(st, ATTACKER), pal.DEFAULT)
    text = [s for _, s in res.legend]
    assert any(s.strip() == "enemy recon drone (Orlan-10-class): CAN FLY" for s in text)
    assert not any("enemy armed" in s for s in text)  # (the defender has none)


def test_see_all_draws_both_sides_drones(shusha):
    st = low_cloud(shusha, "defender")
    res = ov.compute(5, st, observe(st, DEFENDER), DEFENDER, pal.DEFAULT, None, 0, omniscient=True)
    air = {u.idx for u in st.units if st.scenario.unit_table[u.type].domain == "air" and u.active}
    assert {i for i, (c, r) in res.dots.items() if r == 0.35} == air
    assert any(ov.ARMED_GROUNDED in t for t in res.tags.values())  # the attacker's, grounded
    assert any(ov.RECON_FLY in t for t in res.tags.values())  # the defender's Orlan
    assert not any("ENEMY" in s for _, s in res.legend)  # (both sides are drawn: no enemy to describe)


def test_the_panel_says_what_flies_on_the_enemy_side_at_every_size(shusha, screen, monkeypatch):
    """The side panel's aircraft block in its one-line form (a full panel) also names the enemy's types."""
    for size in ((1280, 800), (1600, 1000), (1024, 700)):
        app = app_of(low_cloud(shusha, "defender"), {DEFENDER}, size=size)
        text = [s.lower() for s, _ in panel_lines(app, pygame.Surface(size), monkeypatch)]
        assert any(s.startswith("enemy") and "armed drones" in s and "grounded" in s for s in text), (size, text)


# ------------------------------------------------------------------- 2: one rounding for every percentage
def test_the_same_chance_shows_one_number_in_every_preview_line():
    from engine.scenario import CombatRules
    from ui.app import _odds_lines, assault_outcome_lines

    o = SimpleNamespace(firer="a", target="b", target_type="infantry", firepower=3, protection=1, modifiers=[],
                        net=2, p_hit=0.125, shots=2, expected_losses=0.25, p_destroyed=0.125)
    lines = _odds_lines("Assault", o)
    assert "P(destroyed) 13%" in lines[-1] and "13% per shot" in lines[-2]
    from ui.text import pct
    assert pct(0.125) == pct(0.125 - 1e-12) == pct(0.125 + 1e-12) == "13%"
    # the outcome lines use the same helper: a chance that is 0.125 up to float noise reads 13% there too
    import engine.combat as combat

    real = combat.assault_outcomes
    try:
        combat.assault_outcomes = lambda a, ds, s, c: {r: 0.125 - 1e-13 for r in combat.ASSAULT_RESULTS}
        out = assault_outcome_lines(o, [], 3, CombatRules())
    finally:
        combat.assault_outcomes = real
    assert all(s.endswith(": 13%") for s in out[1:5]), out


# ------------------------------------------------------------------- 3: the scripted screenshot after autoskip
def test_a_scripted_screenshot_shows_the_phase_after_autoskip(monkeypatch, tmp_path):
    """The ambush lesson has no guns and no aircraft: after `--autoplay 1` the player's air and artillery
    phases are skipped at once, so the screenshot shows the movement phase, not the artillery prompt."""
    from typer.testing import CliRunner

    import ui.app
    from engine.cli import app as cli_app

    drawn: list[tuple[int, str]] = []
    real = ui.app.App.render

    def render(self: Any, screen: Any) -> None:
        drawn.append((self.state.side, self.state.phase))
        real(self, screen)

    monkeypatch.setattr(ui.app.App, "render", render)
    shot = tmp_path / "x.png"
    r = CliRunner().invoke(cli_app, ["play", str(LESSONS / "ambush.json"), "--side", "attacker", "--autoplay", "1",
                                     "--size", "1024x700", "--screenshot", str(shot)])
    assert r.exit_code == 0, r.output
    assert shot.exists() and drawn[-1] == (ATTACKER, "movement")


# ------------------------------------------------------------------- 4: the rules' numbers in the help
def test_rules_in_brief_give_the_scenarios_own_numbers(shusha):
    from ui.gui import rules_brief

    text = " ".join(rules_brief(shusha))
    assert "up a cliff -2" in text and "cliff's top +2" in text
    assert "town +2" in text and "ravine +2" in text and "recon drone +1" in text
    changed = with_overrides(shusha, ("combat.cliff_up_modifier=-3", "combat.recon_adjust_modifier=2",
                                      "terrain_types.r.ambush=3", "terrain_types.t.defence=4"), "shusha")
    text = " ".join(rules_brief(changed))
    assert "up a cliff -3" in text and "recon drone +2" in text and "ravine +3" in text and "town +4" in text


# ------------------------------------------------------------------- 5: a cut-off preview says more follows
def test_a_long_preview_cut_off_at_1024x700_says_more_follows(shusha, monkeypatch):
    size = (1024, 700)
    app = app_of(goto(new_game(shusha, 3), "defender", "movement"), {DEFENDER}, size=size)
    surf = pygame.Surface(size)
    order = SimpleNamespace(target=app.state.map.hex_of(app.state.map.objective_hexes[0]))  # (the hex it outlines)
    app.pending = (order, ["Assault: a → b"] + [f"  line {k} of a long preview" for k in range(60)])
    got = panel_lines(app, surf, monkeypatch)
    marks = [r for s, r in got if s.startswith("…") and "more" in s]
    assert len(marks) == 1 and marks[0].bottom <= app.gui.info_bottom_without_log
    app.pending = (order, ["Assault: a → b", "  short"])
    assert not [s for s, _ in panel_lines(app, surf, monkeypatch) if s.startswith("…")]


# ------------------------------------------------------------------- 6: the keyboard cursor's status follows it
def test_the_keyboard_cursor_status_follows_the_arrows(shusha, screen):
    app = app_of(new_game(shusha, 3), {ATTACKER})
    app.move_cursor(0, 0)
    first = app.hover
    m = app.state.map
    assert app.status.startswith(f"Keyboard cursor at {m.describe(first)}")
    app.move_cursor(1, 0)
    assert app.hover != first and app.status.startswith(f"Keyboard cursor at {m.describe(app.hover)}")
    app.status = "Something else happened"
    app.move_cursor(0, 1)
    assert app.status == "Something else happened"  # (other news is not overwritten)


def test_the_enemy_aircraft_listed_are_those_in_the_game_by_now(shusha):
    """A review: with the Orlan switched off (the fidelity report's 'no recon drone' counterfactual) the attacker
    was still told the enemy's recon drone can fly, and a drone due on turn 20 was listed from turn 1."""
    from types import SimpleNamespace as N

    from ui import panels

    gone = with_overrides(shusha, ("units.arm_orlan.present=false",), "shusha")
    st = low_cloud(gone, "attacker")
    assert not any("Orlan" in label for label, _ in ov.enemy_air_types(st, ATTACKER))
    assert any("Orlan" in label for label, _ in ov.enemy_air_types(low_cloud(shusha, "attacker"), ATTACKER))
    late = with_overrides(shusha, ("units.az_tb2.arrives_turn=20",), "shusha")
    st = low_cloud(late, "defender")
    assert st.turn < 20 and not any("TB2" in label for label, _ in ov.enemy_air_types(st, DEFENDER))
    assert any("TB2" in label for label, _ in ov.enemy_air_types(low_cloud(shusha, "defender"), DEFENDER))
    # the side panel's list is the same one
    app = N(state=st, view_side=DEFENDER, palette=pal.DEFAULT, omniscient=False, hotseat=False)
    assert "armed drones" not in panels.enemy_air_words(app).lower() or not panels.enemy_air_words(app)


def test_a_fire_preview_warns_that_a_hidden_battery_gives_itself_away(shusha, screen, monkeypatch):
    """A player's review: the move preview warned of a move that reveals the unit, the fire preview never said that
    a hidden battery's fire gives it away (the engine's rule: `rules.fire_reveal_reason`)."""
    from engine.orders import Fire
    from engine.rules import fire_reveal_reason
    from engine.view import SideView

    st = goto(new_game(shusha, 0), "attacker", "artillery")
    monkeypatch.setattr(SideView, "spotter", lambda self, idx: "az_sf_1")  # (a target seen, its odds not needed)
    monkeypatch.setattr(SideView, "fire_odds", lambda self, uid, idx, kind: [])
    for hidden in (False, True):
        app = app_of(st, {ATTACKER})
        gun = app.state.unit("az_how_1")  # (the app plays its own copy of the state)
        app.state.set_hidden(gun, hidden)
        app.state.bump()
        app.preview(Fire(gun.id, (21, 10)))
        said = [s for s in app.pending[1] if s.startswith("REVEALS")]
        assert said == ([f"REVEALS the battery: {fire_reveal_reason(gun)}"] if hidden else [])
    off = st.unit("arm_art_offmap")
    assert off.offmap and fire_reveal_reason(off) is None
