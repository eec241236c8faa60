"""Session 29 UI fixes (dummy SDL video): the movement-cost overlay's legend says whose class it shows (with no
unit selected it showed the foot costs unsaid); a terrain a scenario adds and names as rock is drawn as rock
(lesson 5's crags were a pale blue that read as ice); the lesson window's teacher lines and closing line in the
smaller print, so that a lesson fits its window at the default UI scale of a 1600x1000 screen."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import warnings
from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import SHUSHA_PATH

from engine.rules import new_game
from engine.scenario import load_scenario

LESSONS = Path(SHUSHA_PATH).parent / "lessons"
LESSON_FILES = sorted(p.name for p in LESSONS.glob("*.json"))


def app_of(state: Any, human: set[int], size: tuple[int, int] = (1280, 800), **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=size, **kw)
    app.show_lesson = False
    return app


# ------------------------------------------------------------------- 1: whose class the movement overlay shows
def movement_rows(app: Any) -> list[str]:
    from ui import overlays as ov
    from ui import panels

    res = ov.compute(1, app.state, app.view, app.view_side, app.palette, app.hover, app.mob_i)
    return [text for _, text, _ in panels.legend_rows(app, [res])[0]]


def test_movement_legend_says_the_class_and_that_no_unit_is_selected(shusha, screen):
    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    app.overlays = {1}
    app.render(screen)
    rows = movement_rows(app)
    assert rows[0].startswith("1 Movement cost to enter, foot")
    assert rows[1].startswith("Class shown: FOOT. No unit selected: select one for its class, or press M")
    assert "(sf, wheeled, tracked)" in rows[1]  # (the other classes, by the engine's names)
    app.on_key(pygame.K_m, 0)  # M: the next class, still none selected
    rows = movement_rows(app)
    assert rows[0].startswith("1 Movement cost to enter, sf") and rows[1].startswith("Class shown: SF. No unit")
    assert "(foot, wheeled, tracked)" in rows[1]


def test_movement_legend_names_the_selected_unit_whose_class_it_is(shusha, screen):
    st = new_game(shusha, 0, track_sightings=True)
    app = app_of(st, {1})
    app.overlays = {1}
    uid = next(u.id for u in st.units if u.side == 1 and st.utype(u).mobility == "wheeled" and u.idx >= 0)
    app.selected = uid
    assert app.follow_mobility()
    rows = movement_rows(app)
    who = app.names.short(uid)
    assert rows[1] == f"Class shown: WHEELED, the selected {who}'s (M: next class)"
    app.on_key(pygame.K_m, 0)  # cycled away from the unit's own class: the legend says so
    assert movement_rows(app)[1] == f"Class shown: TRACKED, not the selected {who}'s (wheeled); M: next class"


def test_the_class_row_is_drawn_in_the_legend(shusha, screen, monkeypatch):
    from ui import panels

    app = app_of(new_game(shusha, 0, track_sightings=True), {1})
    app.overlays = {1}
    drawn: list[str] = []
    real = app.ui_text.render

    def spy(s: str, *a: Any, **k: Any) -> Any:
        drawn.append(s)
        return real(s, *a, **k)

    monkeypatch.setattr(app.ui_text, "render", spy)
    app.render(screen)
    assert any(s.startswith("Class shown: FOOT") for s in drawn)
    assert panels.legend_rows(app, [])[0] == []  # (no overlay, no legend)


# ------------------------------------------------------------------- 2: added rock terrain reads as rock
def test_lesson_5_crags_are_drawn_as_rock_not_ice(screen):
    from ui import palette as pal
    from ui.render_map import MapRenderer
    from ui.text import Text

    st = new_game(load_scenario(LESSONS / "ground.json"), 1)
    gm = st.map
    assert st.scenario.terrain_table["x"].name == "high crags"
    for p in pal.PALETTES.values():
        r = MapRenderer(st, p, Text())
        size = 30
        surf, g = r._build(size), r.geometry(size)
        rock = pal.shade(p.terrain["m"], pal.ROCK_DARKER)
        crags = [i for i in range(gm.n) if r.codes[i] == "x"]
        assert crags
        for i in crags[::7]:
            cx, cy = g.center(i)
            got = tuple(surf.get_at((round(cx), round(cy + 0.6 * size)))[:3])  # (below the crag's teeth)
            assert got == pal.shade(rock, float(r.shade[i]))
            assert got[2] <= got[0]  # (never blue: the first added-terrain colour was (140, 186, 196))


@pytest.mark.parametrize("name", [*LESSON_FILES, "shusha_1120.json"])
def test_other_maps_keep_their_colours(name):
    from ui import palette as pal
    from ui.render_map import terrain_names

    scen = load_scenario(SHUSHA_PATH if name == "shusha_1120.json" else LESSONS / name)
    codes = list(new_game(scen, 0).map.terrain_codes)
    for p in pal.PALETTES.values():
        before = pal.terrain_colours(p.terrain, codes)
        after = pal.terrain_colours(p.terrain, codes, terrain_names(scen))
        changed = {c for c in codes if before[c] != after[c]}
        assert changed == ({"x"} if name == "ground.json" else set())


def test_an_added_terrain_not_named_rock_keeps_the_added_colours():
    from ui import palette as pal

    c = pal.terrain_colours(pal.TERRAIN_DEFAULT, ["p", "w", "k"], {"w": "marsh", "k": "rocky scree"})
    assert c["w"] == pal.SCENARIO_TERRAIN[0] and c["k"] == pal.shade(pal.TERRAIN_DEFAULT["m"], pal.ROCK_DARKER)
    assert pal.looks_like_rock("High Crags") and not pal.looks_like_rock("sand flat")


# ------------------------------------------------------------------- 3: the lesson window at UI scale 1.25
WINDOW_BOX_1600_125 = (1236, 829)
"""The lesson window's text box on a 1600x1000 screen at the default UI scale 1.25 with the sizing proposed in
/tmp/s29/ui_app.diff (the window grows with the UI scale; measured: 1252x930 less borders, title and buttons)."""


def text_height(html: str, width: int, scale: float) -> int:
    import pygame_gui

    from ui import palette as pal
    from ui.gui import heading_px, log_font_px, theme

    m = pygame_gui.UIManager((1600, 1000), theme(pal.get("default"), scale))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.preload_fonts([{"name": "noto_sans", "point_size": n, "style": s, "antialiased": "1"}
                         for n in (log_font_px(scale), round(14 * scale), heading_px(scale))
                         for s in ("bold", "italic")])
    win = pygame_gui.elements.UIWindow(pygame.Rect(0, 0, 1600, 1000), m)
    box = pygame_gui.elements.UITextBox(html_text=html, relative_rect=pygame.Rect(0, 0, width, -1), manager=m,
                                        container=win)
    return box.rect.height


def test_the_teacher_lines_and_the_closing_line_are_in_the_smaller_print():
    from ui import panels
    from ui.gui import log_font_px

    scen = load_scenario(LESSONS / "ground.json")
    text = panels.lesson_html(scen, 1.25)
    small = f"<font pixel_size={log_font_px(1.25)}>"
    assert f"{small}<i>For the teacher - Commands:" in text
    assert text.endswith(f"</i></font><br>{small}<i>{panels.CLOSE_LINE}</i></font>")  # (no blank line above)
    assert text.index("In the game") < text.index("Victory:") < text.index("For the teacher")


@pytest.mark.parametrize("name", LESSON_FILES)
def test_each_lesson_fits_the_window_of_a_1600x1000_screen_at_scale_1_25(name, screen):
    from ui import panels

    scen = load_scenario(LESSONS / name)
    w, h = WINDOW_BOX_1600_125
    assert text_height(panels.lesson_html(scen, 1.25), w, 1.25) <= h
