"""Fire on a suspected position in the UI (`combat.suspected_fire`): a battery selected in the artillery phase may
fire at a last-seen mark with no enemy seen on it now. Every answer comes from the engine: whether the order is
allowed and why not (`SideView.check`), the marks (`SideView.suspected_marks`) and the odds
(`SideView.suspected_fire_odds`, the resolution's distribution against the unit as it was last seen)."""

from __future__ import annotations

from typing import Any

from engine.orders import Fire
from ui.text import pct

LEFT_WORDS = ", seen leaving it (went on out of sight)"
"""What a mark says of a unit its side saw leave the hex (`LastSeen.left`): it knows the unit is not there now."""

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


DRONE_ADJUSTS = ("Fire adjusted by recon drone: the drone over the area watches the fall of shot on the hex, though "
                 "it found no one there")
"""The suspected-position preview's word on the recon drone's +1 (its sortie's cover adjusts any mission there)."""


def preview_lines(view: Any, idx: int, names: Any, refused: str | None = None) -> list[str]:
    """What the fire preview says of a suspected position, above the odds: the marks it is laid on, the caveat.
    When the engine refuses the mission (`refused`, its reason: a stale mark, ...) the preview has no odds to
    explain, so it says only how old the mark is against the rule's limit (the reason itself heads the preview)."""
    table = view.scenario.unit_table
    marks = view.suspected_marks(idx)
    seen = "; ".join(f"{table[m.type].label.split(' (')[0]}, strength {m.strength}, on turn {m.turn}"
                     f"{LEFT_WORDS * m.left}" for m in marks)
    head = f"SUSPECTED POSITION: no enemy seen here now; last seen here: {seen}"
    if refused:
        rules = view.scenario.combat
        age = rules.suspected_fire_max_age_turns
        if not (rules.suspected_fire and marks and not view.mark_fresh(marks[0])):  # (range, a gun that fired,
            return [head, "No odds: the engine refuses this mission (above)"]  # the rule off: the reason says it)
        return [head, f"No odds: the engine refuses this mission (above). Artillery may fire only on a mark from "
                      f"{window_words(age)} (now turn {view.turn}), with a spotter in sight of it"]
    if all(m.left for m in marks if view.mark_fresh(m)):
        gone = "it" if len(marks) == 1 else "them"
        return [head, f"You saw {gone} leave this hex, going on out of sight: it is most likely empty now. The odds "
                      "below are only for the unit as last seen, if it were still here"]
    return [head, CAVEAT[0].upper() + CAVEAT[1:] + "; the odds below are against the unit as last seen"]


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
    # (few, short lines, above the mark's own: the hover panel's foot is cut off in a short window, and with it
    # the mark's line and its turn, which says how fresh it is; the preview, a click away, has it all)
    odds_words = "; ".join(f"{', '.join(f'{m.source} {m.value:+d}' for m in o.modifiers) or 'no modifiers'}: "
                           f"{pct(o.p_hit)} per shot x {o.shots}" for o in odds)
    mark = v.suspected_marks(idx)[0]  # (the freshest)
    seen = "seen leaving here" if mark.left else "last seen here"
    return [(f"Fire on this suspected position (click): {seen} T{mark.turn} ({age_words(st.turn, mark.turn)}"
             f"); {sum(o.expected_losses for o in odds):.2f} steps expected if it is still there ({odds_words})",
             False),
            ("You saw it leave: most likely empty now" if mark.left else
             "It may be empty now: you will see only what your observer sees", True)]


def window_words(max_age: int) -> str:
    """The turns whose marks may be fired on (`CombatRules.suspected_fire_max_age_turns`), in words.

    >>> window_words(0), window_words(1), window_words(3)
    ('this turn', 'this or the last turn', 'the last 3 turns')
    """
    return "this turn" if max_age == 0 else "this or the last turn" if max_age == 1 else f"the last {max_age} turns"


def age_words(turn: int, mark_turn: int) -> str:
    """How old a last-seen mark is, in the words a player judges its freshness by."""
    age = turn - mark_turn
    return "this turn" if age <= 0 else "last turn" if age == 1 else f"{age} turns ago"


def battery_hint(app: Any) -> str | None:
    """The unit panel's hint for the selected battery in the artillery phase when a ringed target is a last-seen
    mark (fire on a suspected position), which "click an enemy ringed orange (spotted, in range)" does not name;
    None when no ringed hex is a mark (the panel's own hint stands)."""
    st = app.state
    if not st.scenario.combat.suspected_fire or st.phase != "artillery" or not hasattr(app, "contacts_at"):
        return None  # (the rule off; or a stand-in of the app, which draws no targets)
    targets = app.targets()
    marks = [i for i in targets if not app.contacts_at(i)]
    if not marks:
        return None
    v = app.view
    turns = sorted({m.turn for i in marks for m in v.suspected_marks(i)[:1]}, reverse=True)
    when = ", ".join(f"T{t}" for t in turns)
    mod = st.scenario.combat.suspected_fire_modifier
    n = len(marks)
    what = (f"{'a' if n == 1 else n} last-seen mark{'s' * (n != 1)} ({when}) ringed orange: fire on "
            f"{'it' if n == 1 else 'one'} as a suspected position at {mod:+d} (click to preview; you see only what "
            "your observer sees)")
    if len(marks) == len(targets):
        return f"No spotted enemy in its range, but {what}."
    return f"Click an enemy ringed orange (spotted, in range) to preview a fire mission, or {what}."


def skip_words(app: Any) -> str:
    """Why the artillery phase has nothing to order though the side has a fresh last-seen mark (the player saw a
    unit vanish and expects to fire on it): the engine's reason for the mark's hex and the nearest ready gun; ""
    when it has no fresh mark (`App.artillery_skip_reason` then says what it said before)."""
    st = app.state
    rules = st.scenario.combat
    if not rules.suspected_fire:
        return ""
    v = app.view
    fresh = sorted({m.idx for m in v.last_seen if v.mark_fresh(m) and v.suspected_marks(m.idx)})
    guns = [u for u in app.own_guns() if not u.fired]
    if not fresh or not guns:
        return ""
    gm = st.map
    _, idx, uid = min((gm.distance(u.idx, i), i, u.id) for i in fresh for u in guns)  # (off-map: its anchor)
    why = v.check(Fire(uid, gm.hex_of(idx))) or "no fire mission legal"
    more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
    return f"the last-seen mark at {gm.describe(idx)}{more} cannot be fired on: {app.names(why)}"


def rules_lines(rules: Any) -> list[str]:
    """The help window's words on the rule, in the scenario's numbers (`CombatRules`); none when it is off."""
    if not rules.suspected_fire:
        return []
    when = window_words(rules.suspected_fire_max_age_turns)
    return [f"Fire on a suspected position: artillery may fire at a hex where you last saw an enemy ({when}), with "
            f"a spotter in sight of it as always, at {rules.suspected_fire_modifier:+d} on the net fire value "
            f"({pct(rules.hit_per_point)} less a shot per point). It fires at whoever is there "
            "now; you see only what your observer sees: a unit hit is revealed, an unhurt one stays hidden, and an "
            "empty hex reads the same ('no observed effect'). The doctrine AI uses it only if the scenario sets its "
            "fire_on_suspected (the random AI may)."]
