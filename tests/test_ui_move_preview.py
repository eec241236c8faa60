"""The move preview and the map's move tag (dummy SDL video): warnings of known enemies, tags clear of counters."""

from __future__ import annotations

import os
from typing import Any

import pygame
import pytest
from conftest import goto, panel_lines

from engine.rules import new_game
from ui import overlays as ov
from ui import panels

# ---------------------------------------------------------------------------------------------------------------------
# Session 27 UI review (B), dummy SDL video: the move preview warns of the enemies the side knows of next to the
# move (a last-seen mark that may ambush, a unit seen now that the move ends in contact with), and the hovered hex's
# lines in the side panel are drawn whole or not at all (never cut mid-phrase by the event log).

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def app_of(state: Any, human: set[int], size: tuple[int, int] = (1280, 800), **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=size, **kw)
    app.show_lesson = False
    return app


def _spot(state: Any) -> tuple[str, int, int]:
    """(a defender unit, a hex it may move to, a free forest hex next to that hex and off its path) - the first
    such, in id order (deterministic)."""
    gm = state.map
    own = {u.idx for u in state.units if u.side == 1}
    enemy = {u.idx for u in state.units if u.side == 0 and u.strength > 0}
    from engine.view import SideView

    v = SideView(state, 1)
    for u in sorted((u for u in state.units if u.side == 1 and u.active and not u.offmap), key=lambda u: u.id):
        if state.scenario.unit_table[u.type].domain != "ground":
            continue
        dest = v.destinations(u.id)
        for d in sorted(dest):
            if d == u.idx or d in v.contact_zone:
                continue
            for n in gm.nbr_list[d]:
                if n >= 0 and n != u.idx and n not in own and n not in enemy and n not in dest \
                        and gm.ambush_list[n] > 0 and all(m not in v.contact_hexes for m in gm.nbr_list[n]):
                    return u.id, d, n
    raise AssertionError("no spot")


@pytest.fixture()
def marked(shusha: Any) -> tuple[Any, str, int, int]:
    """The defender's movement phase with a last-seen mark of a hidden enemy special forces unit (which can
    ambush) next to a hex a defender unit can move to."""
    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
    uid, d, n = _spot(st)
    sf = next(u for u in st.units if u.side == 0 and u.hidden and u.type == "special_forces")
    st.last_seen[1][sf.id] = (n, 1, sf.strength, False)
    return st, uid, d, n


def test_move_preview_warns_of_a_last_seen_enemy_that_may_ambush(marked, screen, monkeypatch):
    st, uid, d, n = marked
    app = app_of(st, {1})
    app.selected = uid
    app.hover = d
    assert d in app.destinations()
    near = panels.enemies_near(app, d)
    assert len(near) == 1
    tag, words = near[0]
    assert "last seen T1" in tag and "may be ambushed" in tag and "Special forces" in tag
    assert "may ambush" in words and f"ambush {st.map.ambush_list[n]}" in words
    # on the map's tag, after the cost
    rows = panels.move_tag(app.destinations()[d][0], app.move_reveals().get(d, ""), panels.near_tag(app, d))
    assert rows[-1] == tag
    # and in the side panel, drawn
    app.render(screen)
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch, lambda w, s, r: (s, w.shown_whole(r)))]
    assert any("may ambush" in s for s in lines)


def test_move_preview_names_only_what_the_side_knows(marked, screen):
    """No mark, no warning: the hidden special forces unit itself is never told of."""
    st, uid, d, n = marked
    st.last_seen[1].clear()
    hidden = next(u for u in st.units if u.side == 0 and u.hidden and u.type == "special_forces")
    hidden.idx = n  # (really there, hidden: the side does not know)
    st.bump()
    app = app_of(st, {1})
    app.selected = uid
    assert d in app.destinations()
    assert panels.enemies_near(app, d) == []
    assert panels.near_tag(app, d) == []


def test_move_preview_warns_of_contact_with_a_unit_seen_now(marked, screen):
    st, uid, d, n = marked
    st.last_seen[1].clear()
    tank = next(u for u in st.units if u.side == 0 and u.type == "tank" and not u.hidden)
    tank.idx = n
    st.bump()
    app = app_of(st, {1})
    app.selected = uid
    dest = app.destinations()
    if d not in dest:
        pytest.skip("the tank's zone stops the move short of the hex")
    from engine.view import ContactView

    view = app.view  # (seen now: the side's contacts, as the engine would list a tank in sight)
    view.__dict__["contacts"] = [ContactView(tank.id, 0, tank.type, n, st.map.hex_refs[n], tank.strength)]
    near = panels.enemies_near(app, d)
    assert [t for t, _ in near] == ["next to enemy Tanks: will be in contact"]
    assert "ends in contact" in near[0][1]


def test_near_tag_keeps_the_map_tag_short(marked, screen):
    st, uid, d, n = marked
    sfs = [u for u in st.units if u.side == 0 and u.type == "special_forces"][:4]
    for k, u in enumerate(sfs):
        st.last_seen[1][u.id] = (n, 1 + k, u.strength, False)
    for u in sfs:
        u.hidden = True
    st.bump()
    app = app_of(st, {1})
    app.selected = uid
    assert len(panels.enemies_near(app, d)) == 4
    tag = panels.near_tag(app, d)
    assert len(tag) == panels.NEAR_TAG_MAX and tag[-1].startswith("and 3 more")


def _drawn_parts(app: Any, screen: Any, monkeypatch: Any) -> tuple[list[str], list[str]]:
    """(every panel line's text, every text part the panel rendered) in one frame."""
    real = app.ui_text.render
    drawn: list[str] = []

    def render(s: str, *a: Any, **kw: Any) -> Any:
        drawn.append(s)
        return real(s, *a, **kw)

    monkeypatch.setattr(app.ui_text, "render", render)
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    return lines, drawn


@pytest.mark.parametrize("height", range(700, 861, 16))
def test_hover_lines_are_drawn_whole_or_not_at_all(shusha, monkeypatch, height):
    """A no-go hex with an own unit on it hovered, that unit selected (screen 33: "closed to the attacker: Askeran
    sector (held outside" cut by the event log): each of the hovered hex's lines is drawn with all its wrapped
    parts, or not at all."""
    import pygame

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, height))
    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
    gm = st.map
    u = next(u for u in sorted(st.units, key=lambda u: u.id) if u.side == 1 and not u.offmap and u.active
             and gm.no_go[0][u.idx] and st.scenario.unit_table[u.type].domain == "ground")
    app = app_of(st, {1}, size=(1280, height))
    app.selected = u.id
    app.hover = u.idx
    app.render(screen)
    lines, drawn = _drawn_parts(app, screen, monkeypatch)
    t = app.ui_text
    start = next(k for k, s in enumerate(lines) if s.startswith("Hex ("))
    width = app.panel_rect.w - 20 - 10
    for s in lines[start:]:
        parts = t.wrap(s, 12, width)
        shown = [p for p in parts if p in drawn]
        assert shown in ([], parts), (s, shown)


# ---------------------------------------------------------------------------------------------------------------------
# Session 27 UI review (B), for ui/app.py once app_s27b.diff is applied: the map's move tag carries the enemy
# warning and sits clear of counters; a selected drone's reach is drawn.

def test_the_map_tag_warns_and_stays_off_counters(marked, screen):
    st, uid, d, _n = marked
    app = app_of(st, {1})
    app.select(uid)
    app.center_on(d)
    app.hover = d
    app.render(screen)
    rows = app.path_tag()
    assert rows and "may be ambushed" in rows[-1]
    img = panels.path_tag_plate(app.ui_text, rows, max(200, min(420, app.map_rect.w // 3)), app.palette)
    box = app.path_tag_rect([img])
    counters = [r.move(-int(app.vx), -int(app.vy)) for r in app.counter_boxes]
    assert box.collidelist(counters) < 0


def test_a_selected_drone_shows_its_reach(shusha, screen, monkeypatch):
    from conftest import goto

    from engine.rules import new_game

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    drone = next(u for u in st.units if u.side == 1 and st.scenario.unit_table[u.type].air_role == "recon")
    app = app_of(st, {1})
    drawn: list[Any] = []
    real = ov.draw_air_reach
    monkeypatch.setattr(ov, "draw_air_reach", lambda *a, **kw: drawn.append(a) or real(*a, **kw))
    app.select(drone.id)
    app.render(screen)
    assert drawn
    pygame.display.flip()
