"""An assault preview's outcome shares, each rounded half up, could add up to 101% (or 99%): they are shown as
whole percents that add up to exactly 100 (largest remainder), the engine's odds unchanged."""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from engine.combat import ASSAULT_RESULTS
from ui.app import assault_outcome_lines, whole_shares


def shown(lines: list[str]) -> list[int]:
    return [int(m.group(1)) for s in lines if (m := re.search(r": (\d+)%$", s))]


def test_shares_that_rounded_half_up_made_101_add_up_to_100(monkeypatch):
    import engine.combat

    odds = dict(zip(ASSAULT_RESULTS, (0.335, 0.335, 0.33, 0.0), strict=True))  # (pct: 34 + 34 + 33 + 0 = 101)
    monkeypatch.setattr(engine.combat, "assault_outcomes", lambda *a: odds)
    lines = assault_outcome_lines(SimpleNamespace(target="x"), [], 3,
                                  SimpleNamespace(broken_modifier=0, shaken_modifier=0))
    got = shown(lines)
    assert len(got) == 4 and sum(got) == 100


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=6).filter(lambda w: sum(w) > 0))
def test_whole_shares_add_up_to_100_each_within_one_of_its_odds(weights):
    total = sum(weights)
    probs = [w / total for w in weights]
    got = whole_shares(probs)
    assert sum(got) == 100
    assert all(abs(g - 100 * p) < 1 for g, p in zip(got, probs, strict=True))
    assert all(g == round(100 * p) for g, p in zip(got, probs, strict=True) if (100 * p).is_integer())
