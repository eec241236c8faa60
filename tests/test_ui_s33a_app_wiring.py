"""The app's own move-cost tags at Shusha never meet, at --ui-scale 1, 1.5 and 2, at every zoom (`ov.reach_tag_layout`):
there were 5 overlapping pairs at 28 px hexes and --ui-scale 1.5, 61 at --ui-scale 2."""

from __future__ import annotations

import pytest
from conftest import app_of, goto

from engine.rules import new_game


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_the_apps_move_cost_tags_never_meet(shusha, screen, scale):
    st = goto(new_game(shusha, 0), "defender", "movement")
    app = app_of(st, (1,), ui_scale=scale)
    table = st.scenario.unit_table
    uid = max((u for u in app.view.own if u.active and not u.offmap and table[u.type].domain == "ground"),
              key=lambda u: (len(app.view.destinations(u.id)), u.id)).id
    app.select(uid)
    dest = app.destinations()
    checked = 0
    for k, hs in enumerate(app.zoom_levels):
        app.zoom_i = k
        tags = app._reach_tag_rects()
        rects = [r for _, r in tags]
        assert not [(a, b) for a in range(len(rects)) for b in range(a + 1, len(rects))
                    if rects[a].colliderect(rects[b])], (scale, hs)
        if hs >= 14:
            assert {i for i, _ in tags} == set(dest)  # (Shusha's costs fit: none left out)
            checked += 1
    assert checked
