"""Session 33 educator review at projector size (1280x800, --ui-scale 1.5) and defender playtest: the welcome's
hint on a defender's first view, a cliff assault's preview whole, the ambush flag's bonus against vehicles, the
GROUNDED plate's minima (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pytest
from conftest import app_of, goto, panel_lines, shusha_scenario, tiny_game, tiny_scenario

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.orders import Assault, EndPhase
from engine.rules import legal_orders, new_game, seed_streams
from engine.units import SIDES

PROJECTOR = {"size": (1280, 800), "ui_scale": 1.5}


def play_ai_half_turn(app: Any) -> None:
    """Frames until the AI's half-turn is over and the screen is the player's again."""
    for _ in range(500):
        app.update()
        if app.state.side in app.human or app.state.outcome is not None:
            return
    raise AssertionError("the AI's half-turn did not end")


# ------------------------------------------------------------------- 1: the welcome's hint on the defender's first view
def test_the_defenders_first_view_keeps_the_report_and_carries_the_welcome_hint(screen):
    from ui import panels

    app = app_of(tiny_game(seed=1), (1,), **PROJECTOR)
    assert app.status.startswith("Welcome.")  # (what the attacker sees first; the defender's report replaced it)
    play_ai_half_turn(app)
    main, notes = panels.split_notes(app.status)
    assert main.startswith("Enemy turn:"), app.status
    welcome = [n for n, _ in notes if n.startswith("Welcome:")]
    assert welcome and "press H for help" in welcome[0] and "click it, or press Tab" in welcome[0], app.status
    lines, n_main = panels.status_lines(app, app.map_rect.w - 20)
    assert lines[0].startswith("Enemy turn:") and welcome[0] in lines[n_main:], lines  # (on its own line, whole)


def test_the_welcome_hint_is_said_once_not_under_later_reports(screen):
    app = app_of(tiny_game(seed=1), (1,), **PROJECTOR)
    play_ai_half_turn(app)
    app.update()  # (the defender's turn on screen: it has seen the hint)
    while app.state.side == 1 and app.state.outcome is None:
        app.issue(EndPhase(SIDES[1]))
    play_ai_half_turn(app)
    assert app.status.startswith("Enemy turn:") and "welcome" not in app.status.lower(), app.status


def test_the_attackers_first_report_has_no_welcome_note(screen):
    """The attacker saw the welcome on its first turn: the defender's turn's report after it stays as it was."""
    app = app_of(tiny_game(seed=1), (0,), **PROJECTOR)
    app.autoskip = False
    app.update()
    while app.state.side == 0 and app.state.outcome is None:
        app.issue(EndPhase(SIDES[0]))
    play_ai_half_turn(app)
    assert app.status.startswith("Enemy turn:") and "welcome" not in app.status.lower(), app.status


# ------------------------------------------------------------------- 2: the cliff assault's preview, whole
@pytest.fixture(scope="module")
def cliff_assault() -> tuple[Any, Assault]:
    """(state, order): the first attacker assault up a cliff in a doctrine game of Shusha, seed 3 (turn 15)."""
    from engine import combat

    scen = shusha_scenario()
    state = new_game(scen, 3)
    agents = [make_agent("doctrine", {}) for _ in SIDES]
    rngs = seed_streams(3)[2:4]
    while state.outcome is None:
        if state.phase == "assault" and state.side == 0:
            for o in legal_orders(state):
                if isinstance(o, Assault):
                    a, _ = combat.assault_odds(state, state.unit(o.unit), state.map.idx(o.target))
                    if any("cliff" in m.source for m in a.modifiers):
                        return state.copy(), o
        agent_step(state, agents[state.side], rngs[state.side])
    raise AssertionError("no cliff assault in seed 3")


def test_the_cliff_assault_preview_fits_whole_at_projector_size(cliff_assault, screen, monkeypatch):
    from ui import panels

    state, order = cliff_assault
    app = app_of(state, (0,), **PROJECTOR)
    app.autoskip = False
    app.update()
    app.select(order.unit)
    app.preview(order)
    drawn = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert panels.MORE_BELOW not in drawn, drawn
    text = "\n".join(drawn)
    shares = [s for s in drawn if s.strip().endswith("%") and s.startswith("    ")]
    assert len(shares) == 4, drawn  # (each outcome's share)
    assert "assaulting up a cliff: -2" in text and "cliff: firing down: +2" in text, text  # (each with its source)
    assert any(s.startswith("Per shot: ") for s in drawn) and any("confirm" in s for s in drawn), drawn


def test_condensed_lines_keep_every_modifier_and_share():
    from ui import panels

    lines = ["ASSAULT (1,2) with A (a)", "  What can happen (x):", "    the enemy there destroyed (you advance): 3%",
             "    your unit destroyed: 97%", "Your fire: A (a) → enemy B (b)", "  firepower 5 − protection 1",
             "    assaulting up a cliff: -2", "  net +1 → 20% per shot × 1 shot", "  expected losses 0.20",
             "Return fire of enemy B (b): enemy B (b) → A (a)", "  firepower 3 − protection 1",
             "    cliff: firing down: +2", "  net +2 → 30% per shot × 2 shots", "  expected losses 0.51",
             "Chance per shot: 10% + 10% per net point, never below 2% (the floor) or above 90% (the ceiling)",
             "Click the target again or press Enter to confirm; Esc cancels."]
    out = panels.condensed(lines)
    assert out == ["ASSAULT (1,2) with A (a)", "  What can happen (x):",
                   "    the enemy there destroyed (you advance): 3%", "    your unit destroyed: 97%",
                   "Your fire → enemy B (b)",
                   "  firepower 5 − protection 1 [assaulting up a cliff: -2]",
                   "  net +1 → 20% per shot × 1 shot; expected losses 0.20", "Return fire of enemy B (b) → your unit",
                   "  firepower 3 − protection 1 [cliff: firing down: +2]",
                   "  net +2 → 30% per shot × 2 shots; expected losses 0.51",
                   "Per shot: 10% + 10%/net point; floor 2%, ceiling 90%",
                   "Click the target again or Enter: confirm; Esc: cancel"]


# ------------------------------------------------------------------- 3: the ambush flag's bonus against vehicles
def flag_of(app: Any, uid: str) -> str | None:
    from ui import panels

    u = app.state.unit(uid)
    return panels.ambush_words(app, u, app.state.utype(u))


def test_the_ambush_flag_says_the_extra_bonus_against_vehicles(screen, monkeypatch):
    app = app_of(tiny_game(1), (1,))
    assert flag_of(app, "arm_amb") == "AMBUSH READY (ravine +2; +2 more vs vehicles in ravine)"
    app.select("arm_amb")
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any(s.startswith("strength ") and "+2 more vs vehicles in ravine" in s for s in lines), lines


def test_the_vehicle_bonus_is_read_from_the_terrain_table():
    from engine.batch import with_overrides

    scen = with_overrides(tiny_scenario(), ["terrain_types.r.concealment=3"], "tiny")
    app = app_of(tiny_game(1, scen), (1,))
    assert flag_of(app, "arm_amb") == "AMBUSH READY (ravine +2; +3 more vs vehicles in ravine)"


def test_the_vehicle_bonus_in_shusha_names_each_cover_around_the_party():
    state = new_game(shusha_scenario(), 0)
    app = app_of(state, (1,))
    gm = state.map
    u = state.unit("arm_inf_4")
    flag = flag_of(app, "arm_inf_4")
    for i in gm.nbr_list[u.idx]:
        c = int(gm.concealment[i])
        if c:
            assert gm.terrain_at(i).name in flag and f"+{c}" in flag, flag
    assert flag.startswith(f"AMBUSH READY (ravine +{int(gm.ambush[u.idx])}; +"), flag


# ------------------------------------------------------------------- 4: the GROUNDED plate names each drone's minimum
def test_the_grounded_plate_names_each_drone_types_minimum(screen, monkeypatch):
    from ui import panels

    st = goto(new_game(shusha_scenario(), 0, "overcast", track_sightings=True), "attacker", "air")
    app = app_of(st, (0,), **PROJECTOR)
    app.autoskip = False
    table = st.scenario.unit_table
    rows = [text for text, _ in panels.grounded_causes(app)]
    assert rows, rows
    text = " ".join(rows)
    for uid in (u for u in st.units if u.active and st.grounded.get(u.id)):
        ut = table[st.unit(uid.id).type]
        if st.weather.ceiling_m < ut.min_ceiling_m:
            assert f"({uid.id}) needs {ut.min_ceiling_m:.0f} m" in text or f"({uid.id}) {ut.min_ceiling_m:.0f} m" \
                in text, text
    assert "TB2 (az_tb2) needs 1200 m" in text, text
    drawn = " ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
    assert "needs 1200 m" in drawn and "…" not in drawn.split("GROUNDED")[1][:80], drawn
