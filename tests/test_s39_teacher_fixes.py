"""Session 39: the rest of a teacher's findings from session 38 (the concealment overlay's colours, ...)."""

from __future__ import annotations

import pygame
import pytest
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


def test_the_height_overlays_metres_never_run_into_a_neighbours(screen) -> None:
    """At the projector setting (`--ui-scale 1.5`) one zoom step in from the whole of Shusha, overlay 8's metres
    ran into one another along each row: each label fits its hex with a gap to the next, at the readable size or
    not at all (the legend says to hover a hex)."""
    from ui import overlays as ov
    from ui import palette as pal
    from ui.render_map import MapGeometry
    from ui.text import Text

    state = new_game(load_scenario(SHUSHA_PATH), 7)
    res = ov.height(state, pal.DEFAULT)
    for scale in (1.0, 1.5, 2.0):
        for s in (20, 28, 40):
            text = Text(scale)
            drawn: list[tuple[str, int]] = []
            real_halo = text.halo
            text.halo = lambda w, px, *a, drawn=drawn, real_halo=real_halo, **k: (drawn.append((w, px)),
                                                                                   real_halo(w, px, *a, **k))[1]
            geo = MapGeometry(state.map, s)
            ov.draw_layer(res, geo, (geo.width, geo.height), 0, 0, range(state.map.n), text)
            widest = max((real_halo(w, px, (0, 0, 0), (255, 255, 255)).get_width() for w, px in drawn), default=0)
            assert widest <= ov.LABEL_MAX_WIDTH * s < 1.7320508 * s, (scale, s, widest)  # a gap to the next hex
            assert all(px >= ov.LABEL_MIN_PX for _, px in drawn)
            if scale == 1.0 or s >= 28:
                assert len(drawn) == state.map.n, (scale, s)  # drawn wherever they fit


def test_the_help_says_what_steps_cohesion_and_move_points_are(screen) -> None:
    """A teacher: a class met "steps", "cohesion" and "MP" on the panels with no word of what they are."""
    import html

    from conftest import app_of, shusha_scenario

    app = app_of(new_game(shusha_scenario(), 0), (0,))
    app.toggle_help()
    app.render(screen)
    box = next(e for e in app.gui.help_win.get_container().elements if hasattr(e, "html_text"))
    text = html.unescape(box.html_text)
    assert text.index("Words on the panels") < text.index("Keys and mouse")  # before the keys: read first
    for word in ("strength is counted in steps", "cohesion, its order and will to fight", "MP are move points"):
        assert word in text


def test_low_cloud_is_drawn_on_the_map_with_what_it_grounds(screen) -> None:
    """A teacher: low cloud was in the panel and the log, but the map showed no cloud. Under a cloud base that
    grounds an aircraft a cloud bank lies along the map's top, and a tag says which it grounds and which fly under
    it (from the engine's flight limits); under a high cloud base, or fog alone, neither is drawn."""
    import attrs
    from conftest import app_of, shusha_scenario

    from ui.sky import cloud_words

    app = app_of(new_game(shusha_scenario(), 7), (1,))
    state = app.state
    assert cloud_words(state) is None  # turn 1: 2500 m
    app.render(screen)
    assert app.sky_tag_rect is None
    top = screen.get_at((app.map_rect.centerx, app.map_rect.y + 2))
    state.weather = attrs.evolve(state.weather, ceiling_m=500.0, fog="none")
    assert cloud_words(state) == "Low cloud at 500 m grounds the TB2, Harop and Orbiter; the Orlan-10 flies under it"
    app.render(screen)
    assert app.sky_tag_rect is not None and app.map_rect.contains(app.sky_tag_rect)
    hazed = screen.get_at((app.map_rect.centerx, app.map_rect.y + 2))
    assert sum(hazed[:3]) > sum(top[:3]) + 60  # the bank: paler than the map under it
    state.weather = attrs.evolve(state.weather, ceiling_m=900.0)
    assert cloud_words(state) == "Low cloud at 900 m grounds the TB2 and Harop; the Orbiter and Orlan-10 fly under it"
    state.unit("az_harop").strength = 0  # (shot down: no longer grounded)
    assert cloud_words(state) == "Low cloud at 900 m grounds the TB2; the Orbiter and Orlan-10 fly under it"
    state.weather = attrs.evolve(state.weather, ceiling_m=2500.0, fog="thick")
    assert cloud_words(state) is None  # (fog alone: the panel says it)
    from ui.gui import map_key

    assert "A pale haze along the map's top with a tag under the turn = low cloud" in map_key(app.palette)


@pytest.mark.parametrize("size,scale", [((1280, 800), 1.5), ((1024, 768), 1.0), ((1920, 1080), 1.5)])
def test_the_briefing_over_the_panel_keeps_below_its_clock(screen, size, scale) -> None:
    """At a projector's 1280x800 x1.5 the briefing window spans the screen and hid the second line of the panel's
    "Shusha, 28 Oct - 9 Nov 2020 - turn 1/26, Wed / 28 Oct 06:00"; where the clock takes two lines of its own (the
    scenario, then "Turn 1/26 - Wed 28 Oct 06:00 - day": a reviewer, at 1024x768 and 1920x1080 x1.5) it keeps below
    both."""
    from conftest import app_of, shusha_scenario

    surface = pygame.Surface(size)
    app = app_of(new_game(shusha_scenario(), 0), (1,), size=size, ui_scale=scale)
    app.show_lesson = True
    app.side_choice = True
    app.render(surface)
    app.render(surface)
    win = app.lesson_win.rect
    assert win.right > app.panel_rect.x  # (it runs over the panel here)
    assert win.y >= app.panel_title_bottom - 2, (win, app.panel_title_bottom)
    assert pygame.Rect((0, 0), size).contains(win)
    clock = app.ui_text.line_height(12)  # (at least the scenario's line and the clock's: two lines)
    assert app.panel_title_bottom >= app.panel_rect.y + 2 * clock
