"""Session 39: a wargamer's playtest of Shusha as the defender (air defence unseen, a silent Ctrl+click, ...)."""

from __future__ import annotations

from conftest import app_of, goto, shusha_scenario

from engine.orders import Move
from engine.rules import new_game


def test_a_selected_air_defence_unit_shows_its_cover_and_says_it(screen, monkeypatch) -> None:
    """A player lost two howitzers to drones just outside his air defence's cover, which nothing showed: selected,
    the battery draws a violet ring round the hexes where it engages drone sorties (its type's `ad_range_hexes`),
    and its line of flags gives the range and the chance (the engine's numbers)."""
    from conftest import panel_lines

    from ui.app import AD_RANGE, GUN_RANGE

    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "movement"), (1,))
    st = app.state
    u = st.unit("arm_ad_1")
    ut = st.utype(u)
    app.select(u.id)
    idx, edges = app.gun_reach()
    gm = st.map
    inside = {int(i) for i in gm.within(u.idx, ut.ad_range_hexes)}
    assert idx == u.idx and edges
    assert all(i in inside and int(gm.nbr[i, d]) not in inside for i, d in edges)
    assert {i for i, _ in edges} == {i for i in inside if any(int(j) not in inside for j in gm.nbr[i] if j >= 0)}
    app.render(screen)
    on_screen = []
    for i, d in edges:
        a, b = app.geo.edge(i, d)
        mid = (int((a[0] + b[0]) / 2 - app.vx), int((a[1] + b[1]) / 2 - app.vy))
        if app.map_rect.collidepoint(mid):
            on_screen.append(tuple(screen.get_at(mid))[:3])
    assert on_screen and on_screen.count(AD_RANGE) >= len(on_screen) // 2 and AD_RANGE != GUN_RANGE
    lines = " ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
    assert (f"air defence: engages every enemy drone sortie within {ut.ad_range_hexes} hexes (the violet ring), "
            f"{ut.ad_kill_p * 100:g}% to down it") in lines


def test_ctrl_click_onto_a_stack_it_cannot_join_says_why(screen) -> None:
    """Ctrl+click moves the selected unit onto an own stack; where it could not (the stack full, out of reach) the
    click selected a unit of that stack without a word: it now keeps the selection and gives the engine's reason."""
    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "movement"), (1,))
    st = app.state
    movers = [u for u in st.units if u.side == 1 and u.active and not u.offmap and st.utype(u).domain == "ground"]
    sel = movers[0]
    far = next(u for u in movers if u.idx != sel.idx and u.idx not in app.view.destinations(sel.id))
    app.select(sel.id)
    app.click_hex(far.idx, ctrl=True)
    assert app.selected == sel.id
    why = app.view.check(Move(sel.id, st.map.hex_of(far.idx)))
    assert why and app.status.startswith(f"Cannot move {app.names.name(sel.id)} onto that stack: ")
    assert app.names(why) in app.status


def test_no_go_to_hint_for_a_hex_the_enemy_holds(screen) -> None:
    """A click on an enemy-held hex out of reach offered "Shift+click (or G) orders it to go there", which cannot
    be: a go-to order does not enter an enemy's hex."""
    import copy

    from conftest import move_unit

    from engine.scenario import scenario_from_dict

    doc = copy.deepcopy(shusha_scenario().raw)
    move_unit(doc, "az_mr_1", (22, 8), hidden=False, arrives_turn=1)  # (on the road north of Shusha, in the open)
    app = app_of(goto(new_game(scenario_from_dict(doc, source="s39"), 0), "defender", "movement"), (1,))
    st = app.state
    target = st.map.idx((22, 8))
    assert app.contacts_at(target), "fixture: the enemy is seen there"
    sel = next(u for u in st.units if u.side == 1 and u.active and not u.offmap and st.utype(u).domain == "ground"
               and target not in app.view.destinations(u.id) and st.map.distance(u.idx, target) >= 3)
    app.select(sel.id)
    app.click_hex(target)
    assert app.status.startswith("Cannot move there") and "Shift+click" not in app.status, app.status


def test_the_rules_say_units_assault_alone_against_the_main_defender_and_the_stack_limit() -> None:
    from ui.gui import rules_brief

    text = " ".join(rules_brief(shusha_scenario()))
    assert "Each unit assaults alone (units next to the same hex do not combine)" in text
    assert "its strongest unit (steps x (1 + protection))" in text
    assert f"At most {shusha_scenario().stack_limit} units stand in one hex." in text


def test_the_roster_keeps_a_supply_reason_short_so_the_name_shows(screen) -> None:
    """The roster's flags come first (a row is cut at the right), and a whole supply reason there ("too far from
    its supply sources (range 28, ...)") cut the unit's name off: the row keeps the reason's head, the panel the
    rest."""
    from test_ui_goto_refusals_and_supply import shusha_with

    from ui import panels

    st = shusha_with({"az_mr_3": (2, 2)}, phase="air")  # far up the north-west corner, beyond the supply range
    app = app_of(goto(st, 0, "movement"), (0,))
    why = panels.supply_reason(app, "az_mr_3")
    assert why and " (" in why  # (a reason with a long tail: the panel gives it whole)
    row = dict((uid, text) for text, uid in app.roster_rows())["az_mr_3"]
    assert why not in row and f"[OUT OF SUPPLY: {why.split(' (')[0].split(':')[0]}]" in row, row
    assert row.index("OUT OF SUPPLY") < row.index(app.names.name("az_mr_3"))


def test_the_rules_say_how_many_shots_and_the_score_says_what_a_drone_sortie_is() -> None:
    """A player: the off-map guns (strength 3) fired "x 2 shots" with nothing saying why; the score record's "drone
    sorties flown: defender 0" after his Orlan flew 23 recon sorties."""
    from engine.debrief import SCORE_NOTES
    from ui.gui import rules_brief

    c = shusha_scenario().combat
    shots = next(r for r in rules_brief(shusha_scenario()) if r.startswith("Shots:"))
    assert f"artillery one for every {c.artillery_steps_per_shot} steps, rounded up" in shots
    assert f"a drone strike one a step, at most {c.strike_max_shots}" in shots
    assert SCORE_NOTES["drone_sorties_flown"].startswith("armed-drone and loitering-munition strikes")


def test_out_of_reach_says_whether_the_ground_or_the_enemy_stops_the_move() -> None:
    """A player was told only that "impassable edges such as cliffs ... and enemy zones of control, stop movement":
    the refusal now says which. The tank at (22,5) and (22,11) under the cliff: the route round it costs more than
    its move points; a unit next to the enemy: its route is within them, the enemy's zone of control stops it."""
    from conftest import move_unit, tiny_game, variant

    from engine.movement import distance_field
    from engine.rules import check

    st = goto(new_game(shusha_scenario(), 0), "defender", "movement")
    u = st.unit("arm_tank_1")
    assert st.map.hex_refs[u.idx] == (22, 5), "fixture: the tank's start"
    route = float(distance_field(st.map, "tracked", (st.map.idx((22, 11)),), 1)[u.idx])
    why = check(st, Move(u.id, (22, 11)))
    assert why == (f"(22,11) is out of reach for arm_tank_1 this turn: the cheapest route there, round cliffs and "
                   f"other closed hexsides, costs {route:g} MP, and it has {st.utype(u).move_points:g} MP a turn")
    assert route > st.utype(u).move_points
    near = goto(tiny_game(1, scen=variant(lambda d: move_unit(d, "az_mech", (5, 3)))), "attacker", "movement")
    mech = near.unit("az_mech")
    why = check(near, Move("az_mech", (2, 0)))
    route = float(distance_field(near.map, near.utype(mech).mobility, (near.map.idx((2, 0)),), 0)[mech.idx])
    assert route <= near.utype(mech).move_points
    assert why == (f"(2,0) is out of reach for az_mech this turn: enemy units or their zones of control on the way "
                   f"stop it (the route costs {route:g} of its {near.utype(mech).move_points:g} MP without them)")


def test_a_gun_names_its_range_ring_and_a_click_agrees_with_the_go_to_order(screen, monkeypatch) -> None:
    """An attacker's playtest: a selected gun's cyan ring was named only in the help; a click on a forest hex its
    howitzer could never enter offered a go-to order that Shift+click then refused; the click's "can never enter"
    gave the dry cost where the hover and the go-to gave this turn's rain."""
    from conftest import panel_lines

    from engine.goto import never_reaches

    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "movement"), (0,))
    st = app.state
    gun = next(u for u in st.units if u.side == 0 and u.active and not u.offmap and st.utype(u).indirect)
    app.select(gun.id)
    lines = " ".join(s for s, _ in panel_lines(app, screen, monkeypatch))
    assert f"range {st.utype(gun).range_hexes} hexes (the dashed cyan ring)" in lines
    # every hex the click offers a go-to order for, the go-to order accepts (and the others say why not)
    dests = app.view.destinations(gun.id)
    checked = 0
    for j in range(st.map.n):
        if j in dests or j == gun.idx or st.map.distance(gun.idx, j) > 4 or app.contacts_at(j):
            continue
        if app.own_units_at(j):
            continue
        app.select(gun.id)
        app.click_hex(j)
        if not app.status.startswith("Cannot move there"):
            continue
        checked += 1
        never = never_reaches(app.view, gun.id, j)
        if "Shift+click (or G) orders it to go there" in app.status:
            assert never is None, (st.map.hex_refs[j], app.status)
        elif "nor over several turns" in app.status:
            assert never is not None and app.names(never) in app.status
    assert checked >= 5


def test_an_air_phase_skipped_with_every_aircraft_grounded_says_so_in_a_few_words(screen) -> None:
    """An attacker's playtest: on the low-cloud turns the skipped air phase listed each drone with every reason, and
    the status line was cut off; it names them and points to the panel, the report keeping the reasons."""
    from engine.ai.base import make_agent
    from engine.game import agent_step, game_agent_settings
    from engine.rules import seed_streams

    st = new_game(shusha_scenario(), 7)
    names, params = game_agent_settings(st.scenario, None, None)
    players = [make_agent(names[s], params[s]) for s in ("attacker", "defender")]
    rngs = seed_streams(7)[2:4]
    while not (st.turn == 13 and st.side == 0):
        agent_step(st, players[st.side], rngs[st.side])
    app = app_of(st, (0,))
    assert app.grounded_own() and len(app.grounded_own()) == len(app.own_aircraft()), "fixture: all grounded"
    for _ in range(5):
        app.update(budget_s=1)
        if app.state.phase != "air":
            break
    assert app.state.phase != "air"
    want = "skipped the air phase: TB2, Harop, Orbiter grounded by the weather (the panel says why)"
    assert want in app.status, app.status
    assert any(n.startswith("Skipped the air phase (nothing to order); ") and "cloud base" in n
               for n in app.report_notes), app.report_notes


def test_fire_on_a_suspected_position_says_why_the_recon_drone_adjusts_it(screen, monkeypatch) -> None:
    """An attacker's playtest: "fire adjusted by recon drone +1" on a suspected position, after a sortie that found
    no one there, read as a contradiction: the preview says the drone watches the fall of shot."""
    from test_suspected_fire_ui import TOWN, _app, _state

    from engine.view import SideView
    from ui import suspected_fire

    app = _app(_state(suspected_fire=True))
    town = app.state.map.idx(TOWN)
    app.click_hex(town)
    assert suspected_fire.DRONE_ADJUSTS not in app.pending[1]  # (a ground observer spots here)
    app.pending = None
    monkeypatch.setattr(SideView, "spotter", lambda self, idx: "recon drone")
    app.click_hex(town)
    lines = app.pending[1]
    assert any(s.startswith("SUSPECTED POSITION") for s in lines) and suspected_fire.DRONE_ADJUSTS in lines
