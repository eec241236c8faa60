"""A go-to order given next to a known enemy is not stopped by that enemy (`goto_orders.KNOWN_KEY`): a playtest's
nine groups before Shusha each stopped at once, without a step, every time the order was given again."""

from __future__ import annotations

from typing import Any

from conftest import app_of, goto, tiny_game
from test_goto_ui import to_next_own_movement

from engine.orders import EndPhase
from ui import goto_orders


def _next_to_the_enemy() -> Any:
    st = tiny_game(seed=2)
    goto(st, 0, "movement")
    app = app_of(st, (0,))
    app.update()
    app.select("az_tank")
    app.click_hex(app.state.map.idx((1, 6)), shift=True)  # cut short next to the town: enemies now known
    assert app.view.contacts
    to_next_own_movement(app)
    return app


def test_an_order_given_knowing_of_a_near_enemy_moves_on_and_says_so(screen: Any) -> None:
    app = _next_to_the_enemy()
    st = app.state
    near = goto_orders.near_enemy(app, st.unit("az_tank").idx)
    assert near is not None  # (the enemy that stopped the old order is still known next to it)
    app.select("az_tank")
    app.click_hex(st.map.idx((7, 4)), shift=True)  # (before: "stopped: ... known 1 hex(es) away", no step)
    assert app.status == "az_tank arrived at (7,4)"
    far = _next_to_the_enemy()
    far.select("az_tank")
    far.click_hex(far.state.map.idx((6, 2)), shift=True)  # (two turns away: the order stands)
    assert near.id in goto_orders.known_of(far.state, "az_tank")
    assert "it marches on past" in far.status and "other enemies it meets stop it" in far.status


def test_the_known_enemies_go_with_the_order(screen: Any) -> None:
    app = _next_to_the_enemy()
    st = app.state
    goto_orders.set_known(st, "az_tank", {"x"})
    assert goto_orders.known_of(st, "az_tank") == {"x"}
    goto_orders.clear(st, "az_tank")
    assert goto_orders.known_of(st, "az_tank") == set() and goto_orders.KNOWN_KEY not in st.extra
    app.issue(EndPhase(st.side_name))
