"""In a sandbox, a move that drew dice or showed new enemies can be taken back (an educator: the move that set off a
one-step party's ambush, a coin toss, could not be undone to show it again without reloading the save). Outside a
sandbox it still ends the undo history: undoing would scout for free."""

from __future__ import annotations

from conftest import app_of, goto, tiny_game

from engine.orders import Move


def test_a_sandbox_move_that_shows_new_enemies_is_undone_exactly(screen):
    app = app_of(goto(tiny_game(1, sandbox=True), "attacker", "movement"), (0,))
    fp = app.state.fingerprint()
    app.issue(Move("az_sf", (6, 3)), undoable=True)
    assert [c.id for c in app.view.contacts] == ["arm_inf_1"]
    assert len(app.undo_stack) == 1 and "sandbox: Ctrl+Z takes it back, dice and all" in app.status
    app.undo()
    assert app.state.fingerprint() == fp and not app.view.contacts


def test_outside_a_sandbox_the_same_move_still_ends_the_undo_history(screen):
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    app.issue(Move("az_sf", (6, 3)), undoable=True)
    assert app.undo_stack == [] and "undo no longer possible" in app.status
