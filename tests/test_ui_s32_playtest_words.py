"""Two texts a verification playtest found wrong: a summary's "(seen setting out: )" with no reason on a unit's
second move, and the cliff overlay's legend doubling its words ("fire down it: cliff: firing down +2")."""

from __future__ import annotations

from conftest import shusha_scenario, tiny_scenario

from engine.events import UnitMoved, UnitRevealed
from engine.rules import new_game
from ui.status import SEP, order_summary


def test_a_units_later_move_in_a_summary_says_no_empty_setting_out():
    state = new_game(tiny_scenario(), 0)
    evs = [UnitRevealed(turn=2, side="defender", unit="arm_inf_1", hex=(3, 3), reason="moved in the open",
                        setting_out=True),
           UnitMoved(turn=2, side="defender", unit="arm_inf_1", path=[(3, 3), (4, 3)], cost=1.0, stopped=None),
           UnitMoved(turn=3, side="defender", unit="arm_inf_1", path=[(4, 3), (5, 3)], cost=1.0, stopped=None)]
    parts = [s for s in order_summary(evs, state, "").split(SEP) if "arm_inf_1" in s]
    assert parts[0].endswith("(seen setting out: moved in the open)"), parts
    assert "seen setting out" not in parts[1], parts
    assert not any("(seen setting out: )" in s for s in parts)


def test_the_cliff_legend_quotes_the_logs_modifier_once():
    from ui import palette
    from ui.overlays import defence

    res = defence(new_game(shusha_scenario(), 1), palette.DEFAULT)
    words = [w for _, w in res.legend if "cliff" in w]
    assert any(w.startswith('hatched light: cliff top; fire down from it gets "cliff: firing down +2"') for w in words)
    assert not any("it: cliff:" in w for w in words), words
