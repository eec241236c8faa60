"""Fire on a suspected position in the UI (`combat.suspected_fire`): a battery selected in the artillery phase may
fire at a last-seen mark with no enemy seen on it now. Every answer comes from the engine: whether the order is
allowed and why not (`SideView.check`), the marks (`SideView.suspected_marks`) and the odds
(`SideView.suspected_fire_odds`, the resolution's distribution against the unit as it was last seen)."""

from __future__ import annotations

from typing import Any

from engine.orders import Fire
from ui.text import pct

CAVEAT = ("the position may be empty now, or hold others: you will see only what your observer sees (an unhurt "
          "unit stays hidden, and the mission reads 'no observed effect' as it would on an empty hex)")


def battery_at_mark(app: Any, idx: int) -> bool:
    """A click or a hover on hex `idx` is about fire on a suspected position: the scenario has the rule, it is
    the player's artillery phase, its own battery is selected, no enemy is seen on the hex and the side has a
    last-seen mark there (fresh or not: a stale one gets the engine's refusal)."""
    st = app.state
    sel = getattr(app, "selected", None)  # (the panels are drawn for stand-ins of the app too)
    if not st.scenario.combat.suspected_fire or not sel or st.phase != "artillery" or not app.my_turn():
        return False
    u = st.unit(sel)
    if u.side != app.view_side or not st.utype(u).indirect or app.contacts_at(idx):
        return False
    return bool(app.view.suspected_marks(idx))


def preview_lines(view: Any, idx: int, names: Any) -> list[str]:
    """What the fire preview says of a suspected position, above the odds: the marks it is laid on, the caveat."""
    table = view.scenario.unit_table
    marks = view.suspected_marks(idx)
    seen = "; ".join(f"{table[m.type].label.split(' (')[0]}, strength {m.strength}, on turn {m.turn}" for m in marks)
    return [f"SUSPECTED POSITION: no enemy seen here now; last seen here: {seen}",
            CAVEAT[0].upper() + CAVEAT[1:] + "; the odds below are against the unit as last seen"]


def hover_lines(app: Any, idx: int) -> list[tuple[str, bool]]:
    """(words, is a warning) for the hover panel of a last-seen mark when the selected battery could fire on it:
    the expected result with every modifier, or the engine's reason it may not."""
    if not battery_at_mark(app, idx):
        return []
    st, v, nm = app.state, app.view, app.names
    why = v.check(Fire(app.selected, st.map.hex_of(idx)))
    if why:
        return [(f"Fire on this suspected position: not allowed - {nm(why)}", True)]
    odds = v.suspected_fire_odds(app.selected, idx)
    # (few, short lines, above the mark's own: the hover panel's foot is cut off in a short window; the preview,
    # a click away, has it all)
    odds_words = "; ".join(f"{', '.join(f'{m.source} {m.value:+d}' for m in o.modifiers) or 'no modifiers'}: "
                           f"{pct(o.p_hit)} per shot x {o.shots}" for o in odds)
    return [(f"Fire on this suspected position (click): {sum(o.expected_losses for o in odds):.2f} steps expected "
             f"if it is still there ({odds_words})", False),
            ("It may be empty now: you will see only what your observer sees", True)]


def rules_lines(rules: Any) -> list[str]:
    """The help window's words on the rule, in the scenario's numbers (`CombatRules`); none when it is off."""
    if not rules.suspected_fire:
        return []
    age = rules.suspected_fire_max_age_turns
    when = "this turn" if age == 0 else "this or the last turn" if age == 1 else f"the last {age} turns"
    return [f"Fire on a suspected position: artillery may fire at a hex where you last saw an enemy ({when}), with "
            f"a spotter in sight of it as always, at {rules.suspected_fire_modifier:+d}. It fires at whoever is there "
            "now; you see only what your observer sees: a unit hit is revealed, an unhurt one stays hidden, and an "
            "empty hex reads the same ('no observed effect'). The AI does not use it."]
