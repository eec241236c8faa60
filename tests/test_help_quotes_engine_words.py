"""The help's "Rules in brief" quotes the words the event log uses for some modifiers ('vehicles blind in ...',
'anti-tank weapons at close range (...)', ...) so a player can find them in a fire's modifiers. Those words are
prose in `ui.gui`: if the engine renamed a modifier, the help would send players looking for a line that no
longer exists. This ties each quoted label to modifiers real Shusha games log."""

from __future__ import annotations

import re
from functools import cache

from conftest import shusha_scenario

from engine.game import play_game


@cache
def logged_sources() -> frozenset[str]:
    """Every modifier source in the fire results of three AI games of Shusha."""
    out = set()
    for seed in (1, 2, 3):
        for ev in play_game(shusha_scenario(), seed).log:
            for f in ev.fire_results():
                out.update(m.source for m in f.modifiers)
    return frozenset(out)


def quoted_labels(text: str) -> list[str]:
    """The modifier labels the help quotes with a placeholder for the terrain ('... in ...', '... (...)'), as the
    start each logged label must have."""
    return [q.removesuffix("...").removesuffix("(...)").rstrip() for q in re.findall(r"'([^']*?(?:\.\.\.|\(\.\.\.\)))'",
                                                                                       text)]


def test_the_helps_quoted_modifier_labels_are_ones_the_games_log() -> None:
    from ui.gui import rules_brief

    labels = quoted_labels(" ".join(rules_brief(shusha_scenario())))
    assert labels == ["vehicles blind in", "anti-tank weapons at close range"]  # (the quoting form still found)
    for label in labels:
        assert any(src.startswith(label) for src in logged_sources()), (label, sorted(logged_sources()))


def test_the_quoted_form_is_recognised() -> None:
    assert quoted_labels("adds ('vehicles blind in ...': x) and ('a b (...)': y), not 'plain'") == [
        "vehicles blind in", "a b"]
