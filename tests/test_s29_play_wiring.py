"""(To add as tests/test_s29_play_wiring.py once /tmp/s29/play_other.diff is applied.) The battery's unit hint and
the artillery phase's skip reason use ui.suspected_fire (dummy SDL video)."""
import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from test_s29_ui_suspected_fire import _app, _state

from ui import panels


def test_the_battery_hint_and_the_skip_reason_name_the_marks(screen):
    app = _app(_state(suspected_fire=True))
    u = app.state.unit("az_art")
    assert panels.unit_hint(app, u, app.state.utype(u)).startswith("No spotted enemy in its range, but 2 last-seen")
    st = _state(suspected_fire=True)
    st.unit("az_sf").idx = st.map.idx((9, 3))  # (the spotter gone)
    app = _app(st)
    assert app.artillery_skip_reason().startswith(
        "the last-seen mark at (3,3) Tinytown (and 1 more) cannot be fired on: no spotter")
