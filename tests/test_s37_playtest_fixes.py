"""Session 37: findings of the session-36 playtest that change no game, each pinned down (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from conftest import app_of, goto, shusha_scenario

from engine.rules import new_game


def test_the_idle_warning_leaves_out_air_defence_as_it_does_artillery(screen) -> None:
    """Air defence covers from where it stands: "4 units have not moved (Air-defence battery ...)" each turn."""
    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "movement"), (1,))
    st = app.state
    ad = st.unit("arm_ad_1")
    assert not ad.moved and ad.idx not in app.view.contact_zone and ad.idx not in set(app.renderer.objective)
    assert "arm_ad_1" in app.need_not_act()
    app.end_phase()
    assert "have not moved" in app.status and "Air-defence" not in app.status, app.status


def test_a_lessons_game_over_title_leads_with_its_measure_not_the_winner(screen) -> None:
    """Two lessons show their effect in losses, not in who wins: the window's title led with the winner."""
    from conftest import SHUSHA_PATH

    from engine.game import play_game
    from engine.scenario import load_scenario
    from ui.app import App

    st = play_game(load_scenario(SHUSHA_PATH.parent / "lessons" / "ambush.json"), 1)
    app = App(st, {1}, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    label = st.scenario.meta.measures[0].label
    title = app.gui.over_win.window_display_title
    assert title.startswith(f"Game over - {label}: ") and " - you (defender) " in title, title
    shusha = play_game(shusha_scenario(), 7)
    app = App(shusha, {1}, size=(1280, 800))
    app.show_lesson = False
    app.render(screen)
    assert app.gui.over_win.window_display_title.startswith("Game over - you (defender) ")


def test_a_go_to_order_says_why_a_hidden_unit_does_not_keep_to_cover(screen) -> None:
    """An infiltrator's order said "it keeps to cover"; a hidden ambush party's said nothing, and the player could not
    tell why one stays hidden on the march and the other does not."""
    from engine.goto import never_reaches as goto_never_reaches
    from ui import goto_orders

    st = goto(new_game(shusha_scenario(), 0), "defender", "air")
    app = app_of(st, (1,))
    party = next(u for u in st.units if u.side == 1 and u.hidden and not u.offmap and not st.utype(u).infiltrates)
    app.select(party.id)
    goal = next(i for i in st.map.nbr_list[party.idx] if goto_never_reaches(app.view, party.id, i) is None)
    goto_orders.give(app, goal)
    assert goto_orders.goal_of(app.state, party.id) == goal, app.status
    assert "hidden now, its first step gives it away: only infiltrating units move unseen (Special forces)" in (
        app.status), app.status


def test_an_assault_preview_that_cannot_succeed_says_so_and_does_not_crash(screen, monkeypatch) -> None:
    """The headline "CANNOT SUCCEED: ..." lost its parentheses (session 36) and the preview still split on "(": every
    assault at 0% closed the game with an IndexError (a new player's playtest: 6 of 7 assaults on turns 16-18)."""
    from conftest import sandbox_assault

    from ui import app as app_module

    state, assault = sandbox_assault()
    no_chance = [{"defenders destroyed": 0, "defenders retreat": 0, "assault repulsed": 60,
                  "assaulting unit destroyed": 40}]
    monkeypatch.setattr(app_module, "assault_share_runs", lambda *a, **k: no_chance)
    app = app_of(state, (0,))
    app.preview(assault)
    assert "CANNOT SUCCEED: your unit destroyed 40%, repulsed 60%" in app.status
    assert "NO CHANCE to take the hex: your unit destroyed 40%, repulsed 60%" in app.pending[1]


def test_after_the_side_is_chosen_skipped_phases_take_their_hints_with_them(screen) -> None:
    """A lesson's attacker has no aircraft and no guns: after A the status line read "You play the attacker (Red
    column). Your AIR phase: you have no aircraft. Space ends the phase. | skipped the artillery phase", in the
    movement phase, where Space would end the movement."""
    from conftest import SHUSHA_PATH

    from engine.rules import new_game as fresh
    from engine.scenario import load_scenario
    from ui.app import App

    app = App(fresh(load_scenario(SHUSHA_PATH.parent / "lessons" / "ambush.json"), 1), set(), size=(1280, 800))
    app.side_choice = True
    app.choose_side(0)
    for _ in range(10):
        app.update(budget_s=1)
    assert app.state.phase == "movement" and app.state.side == 0
    assert app.status.startswith("You play the attacker") and "AIR phase" not in app.status, app.status
    assert "skipped the air phase (you have no aircraft); skipped the artillery phase" in app.status, app.status


def test_a_game_the_players_own_order_ends_says_so_on_the_status_line(screen) -> None:
    """The defender ended the last phase of the last turn: the game-over window opened, and the status line under it
    still read "Phase ended | Skipped the assault phase (nothing to order)"."""
    from conftest import next_turn, short_shusha_doc

    from engine.orders import EndPhase
    from engine.scenario import scenario_from_dict

    st = goto(next_turn(new_game(scenario_from_dict(short_shusha_doc(2)), 1)), "defender", "assault")
    app = app_of(st, (1,))
    app.issue(EndPhase("defender"))
    assert app.state.outcome is not None
    app.update()
    assert app.status.startswith("The game is over: the ") and "you (defender)" in app.status, app.status
    app.status = "something else"
    app.update()
    assert app.status == "something else"  # (said once)


def test_the_panel_says_why_a_game_goes_on_with_the_objective_held_whole(screen, monkeypatch) -> None:
    """The attacker held 7/7 of Shusha from turn 20; the defender played six more empty turns, told nothing of the
    units of its own that kept the attacker from winning (the contest radius) or of what would end the game."""
    from conftest import panel_lines

    from ui.panels import all_held_note

    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "movement"), (1,))
    st = app.state

    def hold(side: int, hexes) -> None:  # (the objective's control is public: both sides know it)
        for i in hexes:
            st.control[i] = side
            for known in st.known_control or ():
                known[i] = side
        st.bump()

    hold(0, st.map.objective_hexes)
    note = all_held_note(app)
    r = st.scenario.victory.contest_radius
    mine = [u for u in app.view.own if st.map.objective_distance[u.idx] <= r and st.utype(u).domain == "ground"]
    assert mine and note == (f"all held: {len(mine)} units of yours within {r} hexes stop the attacker winning now; "
                             f"retake a hex, or it wins after turn {st.scenario.turns}")
    lines = [t for t, _ in panel_lines(app, screen, monkeypatch)]
    assert any(note in t for t in lines), lines
    app.view_side = 0
    said = all_held_note(app)
    assert said.startswith(f"all held: you win at a turn's end with no defender within {r} hexes (")
    app.view_side = 1
    hold(1, st.map.objective_hexes[:1])
    assert not any("all held" in t for t, _ in panel_lines(app, screen, monkeypatch))


def test_the_off_map_guns_line_says_how_far_they_reach(screen, monkeypatch) -> None:
    """"Artillery from Armenia proper ... range 15": a new player tried every turn to fire it into the fight for
    Shusha, 28-31 hexes away, and was refused each time."""
    from conftest import panel_lines

    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "artillery"), (1,), size=(1600, 1000))
    lines = [t for t, _ in panel_lines(app, screen, monkeypatch) if "arm_art_offmap" in t or "Armenia proper" in t]
    assert any("range 15, as far as Lisagor; Shusha 28 hexes away, out of range" in t for t in lines), lines


def test_the_air_phase_hint_points_a_recon_drone_at_a_fresh_last_seen_mark(screen) -> None:
    """A new player learned only from the artillery phase's skip ("the last-seen mark at (29,19) cannot be fired on:
    no spotter ... no recon drone covers it"), the drone flown elsewhere, that a sortie over the mark was the way."""
    from engine.view import LastSeen
    from ui.panels import phase_hint

    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "air"), (0,))
    st = app.state
    assert any(st.scenario.unit_table[st.unit(u).type].air_role == "recon" for u in app.able_units())
    assert "last seen" not in phase_hint(app)
    i = st.map.idx((29, 19))
    app.view.last_seen = [LastSeen("arm_inf_1", "infantry", i, (29, 19), st.turn, 2)]
    assert phase_hint(app).endswith(" Enemy last seen at (29,19) near Chanakchi on turn 1: a recon sortie over it may "
                                    "find it for your guns."), phase_hint(app)
    app.view.last_seen = [LastSeen("arm_inf_1", "infantry", i, (29, 19), st.turn, 2, left=True)]
    assert "last seen" not in phase_hint(app)  # (seen leaving: not there)


def test_an_artillery_phase_with_no_enemy_in_sight_says_so(screen) -> None:
    """"Skipped the artillery phase (nothing to order)" read as "you have no guns" to a new player."""
    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "artillery"), (1,))
    assert not app.view.contacts and app.own_guns()
    assert app.artillery_skip_reason() == "no enemy in sight of your units or a recon drone"


def test_the_help_tells_each_side_what_it_does_in_the_scenarios_numbers(screen) -> None:
    """The help's "How to play" had nothing for the defender: that its hidden parties ambush by themselves, that a
    move gives one away, that a unit near the objective keeps the attacker from winning early."""
    import html as html_

    from ui.gui import side_advice

    attacker, defender = side_advice(shusha_scenario())
    assert attacker.startswith("Attacker: find the enemy (recon drones, your units' sight)")
    assert "take Shusha" in attacker
    from conftest import SHUSHA_PATH

    from engine.scenario import load_scenario

    lesson = side_advice(load_scenario(SHUSHA_PATH.parent / "lessons" / "ambush.json"))[0]
    assert lesson.startswith("Attacker: find the enemy (your units' sight)")  # (no aircraft in the lesson)
    assert "within 2 hexes of it, the attacker cannot win before the last turn" in defender
    assert "hidden parties in forest or ravine fire first by themselves" in defender
    assert "none of yours moves unseen" in defender  # (the special forces are the attacker's)
    app = app_of(new_game(shusha_scenario(), 0), (1,))
    app.toggle_help()
    app.render(screen)
    box = next(e for e in app.gui.help_win.get_container().elements if hasattr(e, "html_text"))
    assert defender in html_.unescape(box.html_text)


def test_a_selected_drones_hint_names_the_dashed_line_round_its_reach(screen) -> None:
    """The dashed line drawn round a selected drone's reach had no word anywhere (a new player)."""
    from ui.panels import unit_hint

    app = app_of(goto(new_game(shusha_scenario(), 0), "attacker", "air"), (0,))
    st = app.state
    recon = next(u for u in st.units if u.side == 0 and st.utype(u).air_role == "recon")
    app.select(recon.id)
    hint = unit_hint(app, recon, st.utype(recon))
    assert f"within {st.utype(recon).sortie_radius_hexes} hexes of its base (the dashed line)" in hint, hint


def test_n_plays_on_until_an_enemy_is_seen(screen) -> None:
    """A new player as the defender pressed Space through nine turns with no enemy in sight: N plays on by itself
    and stops when something happens, saying why."""
    import pygame

    app = app_of(new_game(shusha_scenario(), 1), (1,))
    for _ in range(50):  # (the computer's first half-turn, up to the defender's first phase)
        if app.my_turn():
            break
        app.update(budget_s=1)
    assert app.my_turn() and not app.view.contacts
    app.on_key(pygame.K_n, 0, "n")
    assert app.fast_forward is not None and app.status.startswith("Playing on until an enemy is seen")
    turn0 = app.state.turn
    for _ in range(400):
        app.update(budget_s=1)
        if app.fast_forward is None:
            break
    st = app.state
    assert app.fast_forward is None and st.outcome is None and app.my_turn()
    assert app.status.startswith(f"Stopped playing on, turn {st.turn} {st.phase} phase: "), app.status
    why = app.status.split(": ", 1)[1]
    assert st.turn > turn0 and (app.view.contacts or why.startswith(("an enemy was seen", "one of your units", "10")))
    if app.view.contacts:  # (an enemy in sight: by hand from here)
        app.on_key(pygame.K_n, 0, "n")
        assert app.fast_forward is None and app.status.startswith("An enemy unit is in sight")


def test_n_lets_go_to_orders_march_with_auto_skip_on(screen) -> None:
    """A reviewer: auto-skip ended the artillery phase and N the movement phase in the same frame, before the go-to
    orders of the movement phase ran; the unit never marched."""
    import pygame

    from ui import goto_orders

    st = goto(new_game(shusha_scenario(), 1), "defender", "air")
    app = app_of(st, (1,))
    assert app.autoskip
    u = next(x for x in st.units if x.side == 1 and x.active and not x.offmap and not x.hidden
             and st.utype(x).domain == "ground" and not st.utype(x).indirect and st.map.objective_distance[x.idx] <= 3)
    start = u.idx
    app.select(u.id)
    for i in (int(i) for i in st.map.within(u.idx, 3) if st.map.distance(u.idx, int(i)) == 3):
        goto_orders.give(app, i)
        if goto_orders.goal_of(app.state, u.id) is not None:
            break
    assert goto_orders.goal_of(app.state, u.id) is not None
    app.select(None)
    app.on_key(pygame.K_n, 0, "n")
    for _ in range(400):
        app.update(budget_s=1)
        if app.fast_forward is None:
            break
    assert app.state.unit(u.id).idx != start  # (it marched in the movement phase N played through)
    assert any(o.kind == "Move" and o.unit == u.id for o in app.state.orders)
