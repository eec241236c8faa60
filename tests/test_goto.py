"""Multi-turn move orders (`engine.goto`, a player's review, session 22, finding 7): the step each phase is a
legal move that makes progress, keeps an infiltrator hidden where it can, and stops when blocked."""

from __future__ import annotations

import itertools

from conftest import add_unit, goto, move_unit, shusha_scenario, tiny_game, variant

from engine import goto as G
from engine.orders import EndPhase, Move
from engine.rules import apply, new_game
from engine.view import observe


def to_own_movement(st, side: int = 0) -> None:
    goto(st, side, "movement")


def test_next_step_is_a_legal_destination_that_makes_progress_on_the_tiny_map():
    st = tiny_game()
    to_own_movement(st)
    v = observe(st, 0)
    n_steps = 0
    for u in v.own_active:
        if v.scenario.unit_table[u.type].domain != "ground" or u.offmap:
            continue
        for goal in (st.map.idx((0, 0)), st.map.idx((9, 7)), st.map.idx((3, 3))):
            step = G.next_step(v, u.id, goal)
            if step is None:
                continue
            n_steps += 1
            assert step in v.destination_indices(u.id).tolist()
            field = G.remaining_cost(v, u.id, goal)
            assert field[step] < field[u.idx]
    assert n_steps >= 3


def test_already_there_and_a_unit_that_has_moved_get_no_step():
    st = tiny_game()
    to_own_movement(st)
    v = observe(st, 0)
    u = next(u for u in v.own_active if v.scenario.unit_table[u.type].domain == "ground" and not u.offmap)
    assert G.next_step(v, u.id, u.idx) is None
    assert G.why_no_step(v, u.id, u.idx)[0].startswith("arrived")
    goal = st.map.idx((0, 7)) if u.idx != st.map.idx((0, 7)) else st.map.idx((9, 0))
    step = G.next_step(v, u.id, goal)
    assert step is not None
    apply(st, Move(u.id, st.map.hex_of(step)))
    v = observe(st, 0)
    assert G.next_step(v, u.id, goal) is None  # moved this phase: nothing more to do


def test_blocked_by_known_enemies_gives_none():
    """A mover in the map's corner with seen enemy units on both its neighbours: no step, and the reason is the
    enemy's zone of control, not a wait."""
    def cornered(doc):
        move_unit(doc, "az_mech", (0, 0))
        add_unit(doc, "arm_b1", "defender", "infantry", (1, 0))
        add_unit(doc, "arm_b2", "defender", "infantry", (0, 1))

    st = goto(new_game(variant(cornered), 1), "attacker", "movement")
    v = observe(st, 0)
    assert {c.id for c in v.contacts} >= {"arm_b1", "arm_b2"}
    goal = st.map.idx((9, 7))
    assert G.next_step(v, "az_mech", goal) is None
    assert G.why_no_step(v, "az_mech", goal) == ("a known enemy's zone of control holds it", False)


def test_the_step_is_the_same_from_a_fresh_view_and_a_state_reached_another_way():
    """Go-to steps come from the side's view alone: the same position gives the same step, however it was
    reached (a saved and loaded game, a new view)."""
    from engine.savegame import game_from_save_dict, save_dict

    st = new_game(shusha_scenario(), 0)
    to_own_movement(st)
    goal = st.map.idx((21, 13))
    steps = [G.next_step(observe(st, 0), uid, goal) for uid in ("az_sf_1", "az_sf_2", "az_sf_3")]
    again = game_from_save_dict(save_dict(st))
    assert [G.next_step(observe(again, 0), uid, goal) for uid in ("az_sf_1", "az_sf_2", "az_sf_3")] == steps
    assert all(s is not None for s in steps)


def test_route_runs_from_the_unit_to_the_goal_along_neighbours():
    st = new_game(shusha_scenario(), 0)
    v = observe(st, 0)
    goal = st.map.idx((21, 13))
    path = G.route(v, "az_sf_1", goal)
    u = st.unit("az_sf_1")
    assert path[0] == u.idx and path[-1] == goal
    assert all(st.map.distance(a, b) == 1 for a, b in itertools.pairwise(path))
    n = G.turns_along(v, "az_sf_1", path)
    assert n is not None and n >= len(path) // 2


def test_shusha_infiltrators_head_for_dashalti_through_cover_unseen_or_stop_with_a_reason():
    """az_sf_1..3 ordered to Dashalti: each phase the step is a legal destination; no move reveals them (a step
    that would is refused by the order, which stops with a reason); within 30 turns each arrives or stops."""
    st = new_game(shusha_scenario(), 0, track_sightings=True)
    goal = st.map.idx((21, 13))
    orders = {"az_sf_1": goal, "az_sf_2": goal, "az_sf_3": goal}
    stopped: dict[str, str] = {}
    start = {uid: st.unit(uid).idx for uid in orders}
    for _ in range(30):
        if not orders or st.outcome is not None:
            break
        goto(st, 0, "movement")
        for uid in sorted(orders):
            v = observe(st, 0)
            step = G.next_step(v, uid, goal)
            if step is None:
                why, wait = G.why_no_step(v, uid, goal)
                if not wait:
                    stopped[uid] = why
                    del orders[uid]
                continue
            assert step in v.destination_indices(uid).tolist()
            if v.move_reveal(uid, step) is not None:
                stopped[uid] = "would be revealed"
                del orders[uid]
                continue
            assert st.unit(uid).hidden
            events = apply(st, Move(uid, st.map.hex_of(step)))
            if any(e.kind == "AmbushSprung" for e in events) or not st.unit(uid).hidden:
                stopped[uid] = "contact"
                del orders[uid]
        apply(st, EndPhase(st.side_name))
    assert not orders, "every order ended within 30 turns"
    assert set(stopped) == {"az_sf_1", "az_sf_2", "az_sf_3"}
    for uid in stopped:  # they got somewhere: well on the way from where they started (az_sf_1 meets the Chanakchi
        # party's ambush 11 hexes from Dashalti, having started 16 away)
        assert st.map.distance(st.unit(uid).idx, goal) < st.map.distance(start[uid], goal) - 4


def test_a_hidden_infiltrator_prefers_a_step_that_keeps_it_hidden():
    st = new_game(shusha_scenario(), 0)
    to_own_movement(st)
    v = observe(st, 0)
    goal = st.map.idx((21, 13))
    step = G.next_step(v, "az_sf_1", goal)
    assert step is not None and v.move_reveal("az_sf_1", step) is None
    # every hex of its planned route after the start is in cover, bar the goal itself
    path = G.route(v, "az_sf_1", goal)
    assert all(st.map.concealment[i] >= G.COVER_CONCEALMENT for i in path[1:-1])


def test_goto_moves_are_plain_moves_the_log_replays():
    """Determinism: the orders a standing order produces are ordinary Moves; replaying them gives the same log."""
    st = tiny_game(seed=5)
    to_own_movement(st)
    v = observe(st, 0)
    u = next(u for u in v.own_active if v.scenario.unit_table[u.type].domain == "ground" and not u.offmap)
    step = G.next_step(v, u.id, st.map.idx((0, 7)) if u.idx != st.map.idx((0, 7)) else st.map.idx((9, 0)))
    assert step is not None
    apply(st, Move(u.id, st.map.hex_of(step)))
    again = tiny_game(seed=5)
    for o in st.orders:
        apply(again, o)
    assert again.log == st.log
