"""The status line after an ambush said the ambusher was "seen leaving (28,19)" before it was "revealed at
(28,19): fired from ambush"; the event log had them the other way round, as they happened."""

from __future__ import annotations

from conftest import tiny_scenario
from hypothesis import given
from hypothesis import strategies as st

from engine.events import AmbushSprung, FireResult, MoveGlimpsed, UnitMoved, UnitRevealed
from engine.rules import new_game
from ui.status import SEP, order_summary


def ambush_events(ambusher: str = "arm_amb") -> list:
    fire = FireResult(firer=ambusher, target="az_sf", target_type="sf", firepower=3, protection=1, modifiers=[],
                      net=2, p_hit=0.3, shots=1, rolls=[0.9], hits=0, losses=0, strength_after=3)
    return [
        AmbushSprung(turn=4, side="defender", ambusher=ambusher, target="az_sf", hex=(5, 6), target_hex=(4, 6),
                     fire=fire),
        UnitMoved(turn=4, side="attacker", unit="az_sf", path=[(4, 5), (4, 6)], cost=1.5, stopped="ambushed"),
        UnitRevealed(turn=4, side="defender", unit=ambusher, hex=(5, 6), reason="fired from ambush"),
        MoveGlimpsed(turn=4, side="defender", unit=ambusher, path=[(5, 6)], start_unseen=False, end_unseen=True),
        UnitRevealed(turn=4, side="attacker", unit="az_sf", hex=(4, 6), reason="in contact with the enemy"),
    ]


def test_a_reveal_is_said_before_the_same_units_later_move():
    state = new_game(tiny_scenario(), 0)
    parts = order_summary(ambush_events(), state, "").split(SEP)
    revealed = next(k for k, s in enumerate(parts) if "arm_amb revealed" in s)
    leaving = next(k for k, s in enumerate(parts) if "arm_amb seen leaving" in s)
    assert parts[0].startswith("AMBUSH")  # (the most important still first)
    assert revealed < leaving


@given(st.permutations(range(5)))
def test_each_units_reveal_and_move_keep_the_logs_order(order):
    """Whatever the order of the events, a unit's reveal and its glimpsed move are said in that order."""
    state = new_game(tiny_scenario(), 0)
    evs = [ambush_events()[k] for k in order]
    parts = order_summary(evs, state, "").split(SEP)
    log = [k for k in order if k in (2, 3)]
    said = sorted((2 if "arm_amb revealed" in s else 3, j) for j, s in enumerate(parts)
                  if "arm_amb revealed" in s or "arm_amb seen" in s)
    assert [k for k, _j in sorted(said, key=lambda t: t[1])] == log


def test_the_status_bar_and_the_event_log_draw_a_move_with_the_same_arrow(screen):
    """The status line's text holds the engine's "→" (`App.status`, what scripts print); on screen the bar and the
    event log both draw what the UI's font has: Noto Sans has no "→", so both read "->" (a playtest compared the
    status string with the replay's log)."""
    from conftest import app_of, shusha_scenario

    from engine.orders import Move
    from engine.rules import legal_orders
    from ui import panels

    app = app_of(new_game(shusha_scenario(), 3), (0,))
    app.autoskip = False
    while app.state.phase != "movement":
        app.end_phase()
        app.update()
    o = next(o for o in legal_orders(app.state, 0) if isinstance(o, Move))
    app.select(o.unit)
    ev = next(e for e in app.issue(o) if e.kind == "UnitMoved")
    bar = " ".join(panels.status_lines(app, app.map_rect.w - 20)[0])
    log = " ".join(s for s, _kind in app.gui._event_rows(len(app.state.log) - 1, ev, 400))
    arrow = next(a for a in ("→", "->") if a in bar)
    assert arrow in log and f"{ev.path[0][0]},{ev.path[0][1]}){arrow}(" in bar.replace(" ", "")
