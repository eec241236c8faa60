"""Session 39: the rest of a teacher's findings from session 38 (the concealment overlay's colours, ...)."""

from __future__ import annotations

from conftest import SHUSHA_PATH

from engine.rules import new_game
from engine.scenario import load_scenario


def _lum(c) -> float:
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def test_the_concealment_overlay_shades_cover_darker_and_never_red() -> None:
    """A teacher read the general ramp's red, on the best hiding ground, as danger: overlay 3 shades from pale (open)
    to dark (hides best) in one hue, in both palettes, and its legend names the two ends."""
    from ui import overlays as ov
    from ui import palette as pal

    state = new_game(load_scenario(SHUSHA_PATH), 7)
    conceal = state.map.concealment
    for p in (pal.DEFAULT, pal.COLORBLIND):
        res = ov.concealment(state, p)
        by_level = {int(conceal[i]): res.fills[i][:3] for i in range(len(conceal))}
        levels = sorted(by_level)
        assert levels == list(range(int(conceal.max()) + 1)) and len(levels) >= 3
        lums = [_lum(by_level[v]) for v in levels]
        assert lums == sorted(lums, reverse=True) and lums[0] - lums[-1] > 100, (p.name, lums)
        if p is pal.DEFAULT:
            assert all(c[1] >= c[0] and c[1] >= c[2] for v, c in by_level.items() if v), by_level  # greens, no red
        texts = [t for _, t in res.legend]
        assert "concealment 0 (open)" in texts and f"concealment {levels[-1]} (hides best)" in texts
        assert "darker hides better" in res.title
