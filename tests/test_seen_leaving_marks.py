"""A last-seen mark of a unit its side saw leave the hex (`LastSeen.left`): the side knows it is not there now.

A player fired two howitzers on such a mark, on odds that read as if the ambush party still stood in the hex the log
had just said it was seen leaving. The mark now says so, the preview and the hover say so, and the doctrine's
`fire_on_suspected` does not fire on a hex every marked unit was seen leaving."""

from __future__ import annotations

from conftest import shusha_scenario
from test_suspected_fire_ai import TOWN, _attacker_artillery_turn2, _choice, _tiny

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.orders import END_PHASE, Fire
from engine.rules import check, new_game, seed_streams
from engine.units import SIDES
from engine.view import glimpse, observe
from ui import suspected_fire


def _shusha_marks(seed: int, turns: int):
    """Play Shusha (doctrine both sides, sightings tracked) for `turns` turns; yield, after every order, each mark
    made or changed by it: (state, side, unit id, record)."""
    scen = shusha_scenario()
    streams = seed_streams(seed)
    state = new_game(scen, seed, streams=streams, track_sightings=True)
    players = [make_agent("doctrine", scen.sides[s].agent_params) for s in SIDES]
    while state.outcome is None and state.turn <= turns:
        before = [dict(d) for d in state.last_seen]
        n = len(state.log)
        agent_step(state, players[state.side], streams[2 + state.side], strict=True)
        for s in (0, 1):
            for uid, rec in state.last_seen[s].items():
                if before[s].get(uid) != rec:
                    yield state, s, uid, rec, state.log[n:]


def test_a_mark_is_left_exactly_when_the_move_that_made_it_went_on_out_of_sight():
    """Every mark a move's glimpse makes says `left` iff the move went on past the last hex the side saw; a left mark
    is never where the unit stands; the Shusha games make some (else this test would test nothing)."""
    left_marks = 0
    for seed in (1, 3):
        for state, side, uid, (idx, turn, _strength, left), new in _shusha_marks(seed, 8):
            u = state.unit(uid)
            assert turn == state.turn
            if left:
                left_marks += 1
                assert u.idx != idx, (seed, uid)
                moves = [ev for ev in new if ev.kind == "UnitMoved" and ev.unit == uid]
                assert moves, (seed, uid)
                seen = glimpse(state, moves[-1], side)  # (visibility unchanged since the order: no turn end between)
                if seen is not None:
                    assert state.map.idx(moves[-1].path[seen[-1]]) == idx
                    assert seen[-1] != len(moves[-1].path) - 1
    assert left_marks > 0


def _left_mark_state():
    """The tiny scenario's attacker, artillery phase of turn 2, with a mark of arm_inf_2 in the town from this turn,
    once as seen there, once as seen leaving."""
    state = _attacker_artillery_turn2(_tiny(suspected_fire=True, suspected_fire_modifier=0))
    return state, state.map.idx(TOWN)


def test_the_doctrine_does_not_fire_on_a_hex_it_saw_the_unit_leave():
    state, idx = _left_mark_state()
    state.last_seen[0]["arm_inf_2"] = (idx, state.turn, 3, False)
    state.bump()
    assert _choice(state, fire_on_suspected=True) == Fire("az_art", TOWN)
    state.last_seen[0]["arm_inf_2"] = (idx, state.turn, 3, True)
    state.bump()
    view = observe(state, 0)
    assert [m.left for m in view.suspected_marks(idx)] == [True]
    assert check(state, Fire("az_art", TOWN)) is None  # (still a legal mission: the player may fire on it)
    assert _choice(state, fire_on_suspected=True) not in (Fire("az_art", TOWN), END_PHASE["attacker"])  # (another)
    for uid in list(state.last_seen[0]):
        state.last_seen[0][uid] = (*state.last_seen[0][uid][:3], True)
    state.bump()
    assert _choice(state, fire_on_suspected=True) == END_PHASE["attacker"]


class _Names:
    def __call__(self, s: str) -> str:
        return s


def test_the_preview_and_hover_say_the_unit_was_seen_leaving():
    state, idx = _left_mark_state()
    for left in (False, True):
        state.last_seen[0]["arm_inf_2"] = (idx, state.turn, 3, left)
        state.bump()
        view = observe(state, 0)
        head, caveat = suspected_fire.preview_lines(view, idx, _Names())
        assert (suspected_fire.LEFT_WORDS in head) is left
        assert ("most likely empty" in caveat) is left
        assert ("may be empty now" in caveat.lower()) is not left


def test_a_click_and_the_batterys_hover_on_the_mark_say_it_was_seen_leaving(screen):
    from conftest import quiet_app

    state, idx = _left_mark_state()
    app = quiet_app(state)
    for left, words in ((False, "Last seen here on turn"), (True, "Seen leaving here on turn")):
        app.state.last_seen[0]["arm_inf_2"] = (idx, app.state.turn, 3, left)
        app.state.bump()
        app._view_key = None
        app.selected = None
        app.click_hex(idx)
        assert app.status.startswith(words), app.status
        assert ("most likely not here now" in app.status) is left
        app.select("az_art")
        lines = suspected_fire.hover_lines(app, idx)
        assert ("seen leaving here T" in lines[0][0]) is left, lines
        assert ("You saw it leave" in lines[1][0]) is left, lines
