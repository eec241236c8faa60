"""Playtest fixes, session 28 (the attacker's Shusha playtest): go-to orders to a hex the unit can never enter are
refused with the reason; the blocked reason never blames enemies the side does not know of; one Esc clears a
recon preview's outline; the road panel says when own units stand on the watched road; a selection that cannot
act drops at a phase change; a cut status line says where the rest is; a unit's supply reason is in its hover
line (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import itertools
from functools import lru_cache
from typing import Any

import pygame
from conftest import SHUSHA_PATH, goto

from engine import goto as engine_goto
from engine.rules import new_game
from engine.scenario import load_scenario
from engine.view import observe
from ui import goto_orders

SIZE = (1280, 800)


@lru_cache(maxsize=1)
def _scen() -> Any:
    return load_scenario(SHUSHA_PATH)


def shusha_at(phase: str, side: int = 0, seed: int = 7) -> Any:
    st = new_game(_scen(), seed)
    goto(st, side, phase)
    return st


def app_of(state: Any, human: tuple[int, ...] = (0,), autoskip: bool = True) -> Any:
    from ui.app import App

    app = App(state, set(human), size=SIZE)
    app.show_lesson = False
    app.autoskip = autoskip  # (False: a phase with nothing to order is not ended at once)
    app.update()
    return app


# ------------------------------------------------------------------------------------------------ 1. go-to
def test_goto_to_a_ravine_a_tank_can_never_enter_is_refused_with_the_reason(screen):
    app = app_of(shusha_at("movement"))
    st = app.state
    goal = st.map.idx((25, 16))
    assert st.map.terrain_at(goal).name == "ravine"
    start = st.unit("az_tank_1").idx
    app.select("az_tank_1")
    goto_orders.give(app, goal)
    assert "az_tank_1" not in goto_orders.orders(app.state)  # refused: no order kept
    assert app.state.unit("az_tank_1").idx == start and not app.state.unit("az_tank_1").moved  # state unchanged
    assert "cannot reach (25,16)" in app.status
    assert "entering ravine at (25,16) costs 8 MP, more than its 6 MP a turn" in app.status
    # the hover line says the same, not "Shift+click or G orders it to go here"
    assert "cannot get there: entering ravine" in goto_orders.hover_words(app, goal)


def test_why_no_step_never_blames_enemies_when_none_is_known_near():
    st = shusha_at("movement")
    v = observe(st, 0)
    goal = st.map.idx((25, 16))
    why, wait = engine_goto.why_no_step(v, "az_tank_1", goal)
    assert not wait and "enem" not in why and "more than its 6 MP a turn" in why
    assert engine_goto.next_step(v, "az_tank_1", goal) is None
    assert engine_goto.route(v, "az_tank_1", goal) == []  # no route drawn through a step it can never take
    # special forces (2.5 MP, a ravine costs them 2.5) get there: nothing to refuse
    assert engine_goto.never_reaches(v, "az_sf_1", goal) is None
    assert engine_goto.route(v, "az_sf_1", goal)[-1] == goal


def test_the_capped_field_routes_round_a_step_it_cannot_take():
    """A way that avoids the dear step is taken when there is one: the remaining cost is finite wherever some way
    by affordable steps exists, and every step of the drawn route costs at most the unit's move points."""
    st = shusha_at("movement")
    v = observe(st, 0)
    ut = st.utype(st.unit("az_tank_1"))
    cost = st.map.edge_cost[ut.mobility]
    found = 0
    for target in [(27, 16), (20, 20), (12, 30)]:
        goal = st.map.idx(target)
        path = engine_goto.route(v, "az_tank_1", goal)
        if not path:
            assert engine_goto.never_reaches(v, "az_tank_1", goal) is not None
            continue
        found += 1
        nbrs = st.map.nbr_list
        for a, b in itertools.pairwise(path):
            assert float(cost[a, nbrs[a].index(b)]) <= ut.move_points
        assert engine_goto.turns_along(v, "az_tank_1", path) is not None
    assert found  # (some of them reached, by affordable steps only)


# ------------------------------------------------------------------------------------------------ 2. Esc
def recon_preview(app: Any) -> tuple[list[int], int]:
    st = app.state
    orb = next(u for u in app.view.own if st.utype(u).domain == "air" and st.utype(u).air_role == "recon")
    app.select(orb.id)
    h = st.map.idx((21, 10))
    app.click_hex(h)
    assert app.pending is not None and type(app.pending[0]).__name__ == "Recon"
    return list(app.highlight), orb.id


def test_one_esc_clears_what_the_recon_preview_drew(screen):
    app = app_of(shusha_at("air"))
    app.highlight = [app.state.map.idx((5, 5))]  # outlines shown before the preview (the last events')
    drawn, _ = recon_preview(app)
    assert len(drawn) > 1  # the sortie's whole area outlined
    app.on_key(pygame.K_ESCAPE, 0)
    assert app.pending is None and app.selected is None
    assert app.highlight == [app.state.map.idx((5, 5))]  # the preview's outline gone, the earlier one back
    app.render(screen)


def test_a_second_preview_and_a_new_selection_also_take_the_outline_off(screen):
    app = app_of(shusha_at("air"))
    app.highlight = []
    drawn, orb = recon_preview(app)
    app.click_hex(app.state.map.idx((25, 12)))  # another sortie previewed instead
    assert app.pending is not None and app.highlight != drawn
    app.select(orb)  # re-selecting drops the preview, and its outline
    assert app.pending is None and app.highlight == []


# ------------------------------------------------------------------------------------------------ 3. road
def shusha_with(moves: dict[str, tuple[int, int]], phase: str = "movement", side: int = 0,
                arrives: int = 1) -> Any:
    import copy
    import json

    from engine.scenario import scenario_from_dict

    doc = copy.deepcopy(json.loads(SHUSHA_PATH.read_text(encoding="utf-8")))
    for u in doc["units"]:
        if u["id"] in moves:
            u["hex"] = list(moves[u["id"]])
            u["arrives_turn"] = arrives
    st = new_game(scenario_from_dict(doc, source="s28 ui2 road"), 7)
    goto(st, side, phase)
    return st


def test_the_panel_says_when_the_players_unit_on_the_road_will_cut_it(screen, monkeypatch):
    from conftest import panel_lines

    from ui import panels

    app = app_of(shusha_with({"az_sf_1": (21, 12)}))
    assert not app.state.road_cut  # the rule judges the road only at the end of the half-turn
    note = panels.road_note(app)
    assert note is not None and "(21,12)" in note[0] and "end of this half-turn" in note[0]
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any("road open — your unit on it at (21,12)" in s for s in lines), lines
    # the defender's player is told nothing of the attacker's units (fog)
    app2 = app_of(shusha_with({"az_sf_1": (21, 12)}, side=1), human=(1,))
    assert panels.road_note(app2) is None
    lines2 = [s for s, _ in panel_lines(app2, screen, monkeypatch)]
    assert not any("your unit on it" in s for s in lines2)


def test_no_note_without_own_units_on_the_road_and_a_cut_road_left_says_it_reopens(screen):
    from ui import panels

    app = app_of(shusha_at("movement"))
    assert panels.road_note(app) is None  # nobody on the watched road: "road open" is the whole truth
    app.state.road_cut = True  # (cut at the last half-turn's end; the units have since left it)
    note = panels.road_note(app)
    assert note is not None and "reopens at the end of this half-turn" in note[0]


# ------------------------------------------------------------------------------------------------ 4. phases
def test_a_selection_that_cannot_act_in_the_next_phase_is_dropped(screen):
    from engine.orders import EndPhase

    app = app_of(shusha_at("air"), autoskip=False)  # (the artillery phase, nothing spotted, is skipped otherwise)
    app.select("az_harop")
    app.highlight = []
    app.hover = app.state.map.idx((21, 10))
    app.issue(EndPhase(app.state.side_name))  # Space: on to the artillery phase
    app.update()
    assert app.state.phase == "artillery"
    assert app.selected is None and app.pending is None  # a drone cannot act in the artillery phase
    assert app.hover is None  # the hex panel starts afresh
    app.render(screen)


def test_a_selection_that_can_act_in_the_next_phase_stays(screen):
    from engine.orders import EndPhase

    app = app_of(shusha_at("artillery"), autoskip=False)
    gun = "az_mlrs_1"  # (a rocket launcher that has not fired may move)
    app.select(gun)
    app.issue(EndPhase(app.state.side_name))  # on to movement: an unfired gun may move
    app.update()
    assert app.state.phase == "movement"
    assert gun in app.able_units() and app.selected == gun
    app.select("az_harop")  # an aircraft in the movement phase: dropped at the next phase change
    app.issue(EndPhase(app.state.side_name))
    app.update()
    assert app.state.phase == "assault" and app.selected is None


# ------------------------------------------------------------------------------------------------ 5. status
def test_a_cut_status_line_says_where_the_rest_is_and_v_shows_it_whole(screen):
    from ui import panels

    app = app_of(shusha_at("movement"))
    long = "Go-to orders (attacker): " + "; ".join(f"Special forces group {k} to ({k},{k + 3})" for k in range(30))
    app.status = long
    app.render(screen)
    lines, n_main = panels.status_lines(app, app.map_rect.w - 20)
    assert n_main == 2 and lines[1].endswith("… V: the whole message")
    assert app.status_cut == (long, [long])
    rows = app.report_lines()
    assert rows[0] == ("The status line in full", True) and rows[1] == (long, False)
    # a click on the bar opens the report window, with the message in it
    bar = app.map_rect.bottom - 5
    hit = [f for r, f in app.click_regions if r.collidepoint(app.map_rect.centerx, bar)]
    assert hit
    hit[-1]()
    assert app.show_report
    app.render(screen)
    assert app.gui.report_win is not None and app.gui.report_win.alive()
    # a message that fits is not repeated there
    app.status = "Cancelled"
    app.render(screen)
    assert app.status_cut is None and app.report_lines() == [("No enemy turn yet", True)]


# ------------------------------------------------------------------------------------------------ 6. supply
def test_an_out_of_supply_unit_says_why_on_its_panel_roster_and_hover_lines(screen, monkeypatch):
    from conftest import panel_lines

    from ui import panels

    st = shusha_with({"az_mr_3": (2, 2)}, phase="air")  # far up the north-west corner, beyond the supply range
    goto(st, 0, "movement")  # (the supply is judged at the turn's start)
    app = app_of(st)
    u = app.state.unit("az_mr_3")
    assert not u.supplied
    app.select("az_mr_3")
    app.hover = u.idx
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert any("OUT OF SUPPLY: too far from its supply sources" in s for s in lines), lines
    assert any("out of supply: too far" in s for s in lines if s.startswith("Here:")), lines
    roster = [text for text, uid in app.roster_rows() if uid == "az_mr_3"]
    assert roster and "OUT OF SUPPLY: too far from its supply sources" in roster[0]
    why = panels.supply_reason(app, "az_mr_3")
    assert why is not None and why.startswith("too far from its supply sources (range ")
    assert panels.supply_reason(app, "az_mr_1") is None  # (a unit in supply: nothing said)


def test_a_way_closed_by_this_turns_weather_only_is_a_wait_not_a_refusal(screen):
    """In snow a tank's forest step costs 10 MP (5 dry, x2 off the road), more than its 6: the go-to is given, moves
    up to the closure (since session 41: it waited where it was given) and waits there for better going; the order is
    not ended, and nothing blames enemies."""
    from conftest import set_weather, tiny_game, variant

    from ui.app import App

    def edit(doc: dict) -> None:
        doc["weather_movement"] = {"snow": {"tracked": {"off_road": 2}}}
        set_weather(doc, 1, 3000, 20, precip="snow")

    st = tiny_game(seed=2, scen=variant(edit))
    goto(st, 0, "movement")
    app = App(st, {0}, size=SIZE)
    app.show_lesson = False
    app.update()
    forest = st.map.idx((3, 7))
    v = app.view
    assert engine_goto.weather_only(v, "az_tank", forest)  # closed this turn by the snow alone ...
    assert engine_goto.no_way_round(v, "az_tank", forest)
    assert engine_goto.never_reaches(v, "az_tank", forest) is None  # ... so the way is kept, up to the closure
    assert engine_goto.next_step(v, "az_tank", forest) is not None
    path = engine_goto.route(v, "az_tank", forest)
    assert path[-1] == forest and len(path) == 9
    words = goto_orders.plan_words(app, "az_tank", forest)
    assert "this turn's snow closes every way there: it moves up as far as the going allows" in words, words
    app.select("az_tank")
    app.state.unit("az_tank").moved = True  # (no first step at once: the order itself is what is judged)
    app.state.touch()
    goto_orders.give(app, forest)
    assert goto_orders.goal_of(app.state, "az_tank") == forest  # given, not refused
    assert "enem" not in app.status


def test_a_unit_arriving_out_of_supply_is_named_with_the_reason_in_the_report(screen):
    from engine.orders import EndPhase

    st = shusha_with({"az_mr_3": (2, 2)}, phase="air", arrives=2)  # arrives on turn 2 beyond the supply range
    app = app_of(st, autoskip=False)
    for _ in range(400):
        if app.state.turn == 2 and app.my_turn():
            break
        if app.my_turn():
            app.issue(EndPhase(app.state.side_name))
        app.update()
    assert app.state.turn == 2 and app.my_turn() and not app.state.unit("az_mr_3").supplied
    notes = [n for n in app.report_notes if "arrived out of supply" in n]
    assert notes and "too far from its supply sources (range " in notes[0], app.report_notes
    assert any("arrived out of supply" in line for line, _ in app.report_lines())
