"""Session 37: findings of the session-36 playtest that change no game, each pinned down (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from conftest import app_of, goto, shusha_scenario

from engine.rules import new_game


def test_the_idle_warning_leaves_out_air_defence_as_it_does_artillery(screen) -> None:
    """Air defence covers from where it stands: "4 units have not moved (Air-defence battery ...)" each turn."""
    app = app_of(goto(new_game(shusha_scenario(), 0), "defender", "movement"), (1,))
    st = app.state
    ad = st.unit("arm_ad_1")
    assert not ad.moved and ad.idx not in app.view.contact_zone and ad.idx not in set(app.renderer.objective)
    assert "arm_ad_1" in app.need_not_act()
    app.end_phase()
    assert "have not moved" in app.status and "Air-defence" not in app.status, app.status
