"""Map rendering checks with the dummy SDL driver: place names never cover counters or each other, the cliff
edge is drawn in palette colours above the objective outline, and gorge hexes read as gorges, not water."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import dataclasses
import math
from itertools import combinations
from pathlib import Path

import numpy as np
import pygame
import pytest

from engine.orders import SandboxPlace
from engine.rules import apply, new_game
from engine.scenario import load_scenario
from ui import palette as pal
from ui.render_map import ZOOM_LEVELS, MapRenderer
from ui.render_units import counter_image, counter_size
from ui.text import Text

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
SHUSHA = ROOT / "shusha_1120.json"
LESSONS = sorted((ROOT / "lessons").glob("*.json"))
SIZE = (1280, 800)


def renderer(path: Path, palette: pal.Palette = pal.DEFAULT) -> MapRenderer:
    return MapRenderer(new_game(load_scenario(path), 0), palette, Text())


def rgb(c: object) -> tuple[int, int, int]:
    return tuple(c)[:3]  # type: ignore[call-overload, return-value]


@pytest.mark.parametrize("path", [SHUSHA, *LESSONS], ids=lambda p: p.stem)
def test_place_names_never_overlap_and_towns_and_objectives_stay(screen, path):
    r = renderer(path)
    gm = r.gmap
    keep = {name for name, kind, _ in gm.places if kind == "town"} | {ob.name for ob in r.scen.objectives}
    keep &= {name for name, _, _ in gm.places}
    for size in ZOOM_LEVELS:
        placed = r.label_rects(size)
        for (na, a), (nb, b) in combinations(placed, 2):
            assert not a.colliderect(b), f"{na!r} overlaps {nb!r} at hex size {size}"
        assert keep <= {name for name, _ in placed}, f"a town or objective name was dropped at hex size {size}"
        bounds = pygame.Rect(0, 0, r.geometry(size).width, r.geometry(size).height)
        assert all(bounds.contains(rect) for _, rect in placed)


def test_names_and_counters_both_stay_readable_where_a_counter_stands_on_a_name(screen):
    """Put units on the hexes under the town names (where they stand with no counter near): every one of those
    counters must be on screen intact, and the name must still be drawn, moved clear of every counter."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 3, sandbox=True), {1}, size=SIZE)
    st = app.state  # the app keeps its own copy
    g = app.geo
    vx, vy = int(app.vx), int(app.vy)
    free = [u for u in st.units if u.side == 1 and u.active and not u.hidden and not u.offmap
            and st.scenario.unit_table[u.type].domain == "ground" and st.scenario.unit_table[u.type].mobility == "foot"]
    cw, ch = counter_size(int(g.size))
    placed: list[tuple[str, int]] = []
    for name, rect in app.renderer.label_rects(int(g.size)):
        if name not in ("Shusha", "Stepanakert") or not free:
            continue
        best = None
        for j in range(st.map.n):
            cx, cy = g.center(j)
            box = pygame.Rect(int(cx - cw / 2), int(cy - ch / 2), cw, ch)
            area = box.clip(rect).w * box.clip(rect).h
            if area and not st.units_at(j, 0) and not st.units_at(j, 1) and st.map.enterable["foot"][j]:
                if best is None or area > best[0]:
                    best = (area, j)
        assert best is not None, f"no free hex under {name!r}"
        u = free.pop()
        apply(st, SandboxPlace(u.id, st.map.hex_of(best[1])))
        placed.append((u.id, best[1]))
    assert len(placed) == 2
    app.render(screen)
    labels = [rect.move(-vx, -vy) for _, rect in app.renderer.label_rects(int(g.size))]
    for uid, j in placed:
        u = st.unit(uid)
        ut = st.scenario.unit_table[u.type]
        img = counter_image(ut.symbol, u.side, u.strength, ut.max_steps, cw, ch, app.palette, app.text,
                            hidden=u.hidden)
        x, y = app.hex_to_screen(j)
        box = img.get_rect(center=(int(x), int(y)))
        assert any(box.colliderect(lab) for lab in labels)  # the counter does sit on a name
        shown = pygame.image.tobytes(screen.subsurface(box).copy(), "RGB")
        want = pygame.Surface(img.get_size())
        want.blit(img, (0, 0))
        assert shown == pygame.image.tobytes(want, "RGB"), f"a place name is drawn over {uid}"
    # the names are still there, each moved off the counters, and drawn (its lettering is on screen)
    now = dict(app.place_labels)
    assert {"Shusha", "Stepanakert"} <= set(now)
    label = app.palette.label
    for name in ("Shusha", "Stepanakert"):
        rect = now[name]
        assert rect.collidelist(app.counter_boxes) < 0, f"{name!r} covers a counter"
        on_screen = rect.move(-vx, -vy)
        ink = sum(tuple(screen.get_at((x, y)))[:3] == label
                  for x in range(on_screen.left, on_screen.right) for y in range(on_screen.top, on_screen.bottom))
        assert ink > 20, f"{name!r} is not drawn where it was laid out"
    # a name with no counter near it stays where it always is: names do not wander without cause
    static = dict(app.renderer.label_rects(int(g.size)))
    calm = [n for n, r in now.items() if r.inflate(4 * cw, 4 * ch).collidelist(app.counter_boxes) < 0]
    assert calm and all(now[n] == static[n] for n in calm)


def test_place_names_drawn_above_counters_never_cover_one(screen):
    """After some turns of play, with counters all round Shusha: no drawn name overlaps any counter, last-seen
    mark or stack count, and every town and objective name is still drawn."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 2), {1}, size=(1920, 1080))
    app.show_lesson = False
    app.run_ai_until(3)
    app.render(screen)
    assert len(app.counter_boxes) > 10
    for name, rect in app.place_labels:
        assert rect.collidelist(app.counter_boxes) < 0, f"{name!r} covers a counter"
    keep = {n for n, kind, _ in app.state.map.places if kind == "town"} | {ob.name for ob in
                                                                           app.state.scenario.objectives}
    assert keep & {n for n, _, _ in app.state.map.places} <= {n for n, _ in app.place_labels}


def _cliff_probe(r: MapRenderer, size: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Per cliff edge: the edge midpoint, and a point just uphill of the dark line (on the light casing)."""
    g = r.geometry(size)
    core, halo = max(3, round(size / 6)), max(2, round(size / 12))
    off = (core + halo) / 2 * 0.85  # mid-casing; pygame thickens a 30-degree line vertically, so 0.87 x thinner
    out = []
    for i, d in zip(*np.nonzero(r.gmap.cliff_down), strict=False):
        a, b = g.edge(int(i), int(d))
        cx, cy = g.center(int(i))
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        ln = math.hypot(mx - cx, my - cy)
        out.append(((round(mx), round(my)), (round(mx - (mx - cx) / ln * off), round(my - (my - cy) / ln * off))))
    return out


@pytest.mark.parametrize("palette", [pal.DEFAULT, pal.COLORBLIND], ids=lambda p: p.name)
@pytest.mark.parametrize("size", [11, 14, 38])
def test_cliff_is_a_palette_double_stroke_above_the_objective_outline(screen, palette, size):
    r = renderer(ROOT / "lessons" / "cliff_below.json", palette)
    assert r.objective & set(np.flatnonzero(r.gmap.cliff_down.any(axis=1)).tolist())  # the town edge is a cliff
    surf = r.surface(size)
    for mid, up in _cliff_probe(r, size):
        assert rgb(surf.get_at(mid)) == palette.cliff
        assert rgb(surf.get_at(up)) == palette.cliff_light


def test_cliff_and_ravine_colours_come_from_the_palette(screen):
    odd = dataclasses.replace(pal.DEFAULT, name="odd", cliff=(255, 0, 255), cliff_light=(0, 255, 0),
                              ravine_line=(255, 128, 0), ravine_rim=(0, 0, 255))
    r = renderer(ROOT / "lessons" / "cliff_below.json", odd)
    for mid, up in _cliff_probe(r, 20):
        assert rgb(r.surface(20).get_at(mid)) == odd.cliff and rgb(r.surface(20).get_at(up)) == odd.cliff_light
    r = renderer(ROOT / "lessons" / "ambush.json", odd)
    cols = _colours(r.surface(20))
    assert odd.ravine_line in cols and odd.ravine_rim in cols
    for field in ("cliff", "cliff_light", "ravine_line", "ravine_rim"):  # both palettes define their own
        assert getattr(pal.COLORBLIND, field) != getattr(pal.DEFAULT, field) or field == "cliff_light"


def _colours(surf: pygame.Surface) -> set[tuple[int, int, int]]:
    a = pygame.surfarray.array3d(surf).reshape(-1, 3)
    return {tuple(int(v) for v in c) for c in np.unique(a, axis=0)}


def _hex_pixels(surf: pygame.Surface, r: MapRenderer, size: int, i: int) -> list[tuple[int, int, int]]:
    g = r.geometry(size)
    cx, cy = g.center(i)
    rad = size * 0.75
    span = range(-int(rad), int(rad) + 1)
    return [rgb(surf.get_at((int(cx + dx), int(cy + dy)))) for dx in span for dy in span
            if dx * dx + dy * dy <= rad * rad]


def _bluish(c: tuple[int, int, int]) -> bool:
    return c[2] > c[0] + 40 and c[2] > c[1] + 15


@pytest.mark.parametrize("palette", [pal.DEFAULT, pal.COLORBLIND], ids=lambda p: p.name)
def test_ravine_hexes_read_as_gorge_not_water(screen, palette):
    """Every gorge hex carries the palette's hatch over its fill, and nothing water-blue is drawn in it."""
    r = renderer(ROOT / "lessons" / "ambush.json", palette)
    size = 20
    surf = r.surface(size)
    rav = [i for i in range(r.gmap.n) if r.codes[i] == "r"]
    assert len(rav) > 10
    for i in rav:
        px = _hex_pixels(surf, r, size, i)
        fill = pal.shade(palette.terrain["r"], float(r.shade[i]))
        hatch = sum(c == palette.ravine_line for c in px)
        assert hatch > 0.08 * len(px), f"gorge hex {r.gmap.hex_of(i)} has no hatch"
        assert sum(c == fill for c in px) > 0.4 * len(px)  # still the gorge's own (dark) fill underneath
        assert not any(_bluish(c) for c in px), f"water-blue drawn in gorge hex {r.gmap.hex_of(i)}"
    assert not _bluish(palette.ravine_line) and palette.ravine_line != palette.river


def test_ravine_hex_differs_from_the_same_fill_without_ravine(screen):
    """Same map and shading, the gorge recoded as plain: the gorge's pixels must change beyond the fill colour."""
    r = renderer(ROOT / "lessons" / "ambush.json")
    size = 20
    with_r = r.surface(size)
    plain = renderer(ROOT / "lessons" / "ambush.json", dataclasses.replace(
        pal.DEFAULT, name="plain-r", terrain={**pal.DEFAULT.terrain, "p": pal.DEFAULT.terrain["r"]}))
    plain.codes = ["p" if c == "r" else c for c in plain.codes]
    without = plain.surface(size)
    for i in [i for i in range(r.gmap.n) if r.codes[i] == "r"]:
        a, b = _hex_pixels(with_r, r, size, i), _hex_pixels(without, r, size, i)
        differ = sum(x != y for x, y in zip(a, b, strict=True))
        assert differ > 0.1 * len(a), f"gorge hex {r.gmap.hex_of(i)} looks like the bare fill"


def test_annotations_redraw_cliffs_over_an_overlay(screen):
    """`draw_annotations` (for a caller to use between overlays and counters) puts the cliff back on top."""
    r = renderer(ROOT / "lessons" / "cliff_below.json")
    size = 38
    g = r.geometry(size)
    surf = pygame.Surface((g.width, g.height))
    surf.blit(r.surface(size), (0, 0))
    wash = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
    wash.fill((215, 48, 39, 150))
    surf.blit(wash, (0, 0))
    mid, up = _cliff_probe(r, size)[0]
    assert rgb(surf.get_at(mid)) != pal.DEFAULT.cliff
    r.draw_annotations(surf, g, 0, 0)
    assert rgb(surf.get_at(mid)) == pal.DEFAULT.cliff and rgb(surf.get_at(up)) == pal.DEFAULT.cliff_light


def test_small_maps_fill_a_large_window_and_large_maps_stay_within_memory(screen):
    """A lesson's 14×10 map at 1600×1000 was drawn at most with 38-pixel hexes, half the window empty; Shusha
    must not zoom to a whole-map surface of more than `MAX_MAP_PIXELS`."""
    from ui.app import App
    from ui.render_map import MAX_MAP_PIXELS, ZOOM_LEVELS

    lesson = App(new_game(load_scenario(LESSONS[0]), 1), {0}, size=(1600, 1000))
    assert lesson.hex_size > 38
    g = lesson.geo
    assert g.width <= lesson.map_rect.w and g.height <= lesson.map_rect.h
    assert g.width > 0.75 * lesson.map_rect.w or g.height > 0.75 * lesson.map_rect.h
    big = App(new_game(load_scenario(SHUSHA), 1), {0}, size=(1600, 1000))
    for _ in range(len(ZOOM_LEVELS)):
        big.zoom(1)
    assert big.geo.width * big.geo.height <= MAX_MAP_PIXELS and big.zoom_i == big.max_zoom_i > 0


@pytest.mark.parametrize(("size", "scale"), [((1280, 800), 1.0), ((1600, 1000), 1.0), ((1280, 800), 1.5)])
def test_the_whole_map_fits_above_the_status_bar(screen, size, scale):
    """At 1280×800 the fitted Shusha map's southern row (the attacker's air base and entry hexes) sat half
    under the status bar: the fitted map ends above the bar's two lines."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {0}, size=size, ui_scale=scale)
    assert app.geo.height - app.vy <= app.map_rect.h - app.status_reserve + 1
    assert app.vy <= 0 and app.geo.width - app.vx <= app.map_rect.w + 1


# ------------------------------------------------------------------ the map fills its area; counters read
WINDOWS = [(1280, 720), (1600, 1000), (1920, 1080)]


def _filled(app) -> tuple[float, float]:
    """How much of the map area's width and height (above the status bar) the whole map takes."""
    g = app.geo
    return g.width / app.map_rect.w, g.height / (app.map_rect.h - app.status_reserve)


@pytest.mark.parametrize("size", WINDOWS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_map_fills_its_area_at_the_default_zoom(screen, size):
    """At 1920×1080 the map took about 60 % of the window: the fixed zoom steps stopped well short of the map
    area. The fitted zoom is the largest whole hex size at which the whole map still fits."""
    from ui.app import App
    from ui.render_map import MapGeometry

    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=size)
    fw, fh = _filled(app)
    assert fw <= 1.0 and fh <= 1.0  # the whole map is on screen
    assert max(fw, fh) > 0.9  # and fills the map area one way (to a whole pixel of hex size: next check)
    bigger = MapGeometry(app.state.map, app.hex_size + 1)
    assert bigger.width > app.map_rect.w or bigger.height > app.map_rect.h - app.status_reserve
    g = app.geo  # centred
    assert abs((app.map_rect.w - g.width) / 2 + app.vx) <= 1
    assert abs((app.map_rect.h - app.status_reserve - g.height) / 2 + app.vy) <= 1


def test_counters_are_readable_at_the_fitted_zoom(screen):
    """Counters were 18 px wide at 1920×1080: now most of a hex, above 22 px, while neighbours do not touch."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=(1920, 1080))
    w, h = counter_size(app.hex_size)
    assert w >= 22 and h >= 16
    assert w < math.sqrt(3) * app.hex_size  # narrower than the hex: counters of neighbouring hexes do not touch


def test_zoom_steps_through_the_fitted_size_and_back(screen):
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=(1920, 1080))
    fit = app.hex_size
    assert fit in app.zoom_levels and list(app.zoom_levels) == sorted(set(app.zoom_levels))
    app.zoom(1)
    assert app.hex_size > fit
    app.pan(200, 150)
    app.zoom(-1)
    assert app.hex_size == fit
    app.zoom(-1)
    assert app.hex_size < fit


def test_a_resized_window_fits_the_map_again_and_a_zoomed_map_keeps_its_zoom(screen):
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=(1280, 720))
    small = app.hex_size
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=1920, h=1080, size=(1920, 1080)))
    assert app.size == (1920, 1080) and app.hex_size > small
    assert 0.9 < max(_filled(app)) <= 1.0
    # zoomed in by the player: a resize keeps the hex size and what is at the centre of the view
    app.zoom(2)
    zoomed = app.hex_size
    mid = app.screen_to_hex(*app.map_rect.center)
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=1000, size=(1600, 1000)))
    assert app.hex_size == zoomed
    assert app.state.map.distance(app.screen_to_hex(*app.map_rect.center), mid) <= 1
    # a window resized under the app (a screenshot of another size) is fitted too
    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=(1280, 720))
    big = pygame.Surface((1920, 1080))
    app.render(big)
    assert app.size == (1920, 1080) and max(_filled(app)) > 0.9


def test_the_cliff_line_shows_across_the_counters_that_stand_on_its_hexes(screen):
    """M6: in lesson 2 the special forces start on the cliff's foot and the town's defenders on its top, and
    their counters hid most of the line: it is drawn again over the counters' edges."""
    from ui.app import App

    app = App(new_game(load_scenario(ROOT / "lessons" / "cliff_below.json"), 0), {0}, size=SIZE)
    app.show_lesson = False
    app.render(screen)
    gm, g = app.state.map, app.geo
    boxes = [r.move(-int(app.vx), -int(app.vy)).inflate(-2, -2) for _, r in app.unit_boxes.values()]
    px = pygame.surfarray.array3d(screen)
    core = app.renderer._cliff_shapes(g)[0]
    on_counter = []
    for i, d in zip(*np.nonzero(gm.cliff_down), strict=True):
        a, b = g.edge(int(i), int(d))
        n = np.array([a[1] - b[1], b[0] - a[0]]) / math.dist(a, b)  # across the line: its width counts
        for t in np.linspace(0.05, 0.95, 40):
            for k in range(-(int(core * 0.4) - 1), int(core * 0.4)):
                x = a[0] + (b[0] - a[0]) * t + k * n[0] - int(app.vx)
                y = a[1] + (b[1] - a[1]) * t + k * n[1] - int(app.vy)
                pt = (round(x), round(y))
                if any(r.collidepoint(pt) for r in boxes):
                    on_counter.append(rgb(px[pt]))
    assert len(on_counter) >= 20, "the lesson's counters stand on the cliff's hexes"
    assert sum(c == app.palette.cliff for c in on_counter) >= 0.9 * len(on_counter)


def test_centring_near_the_map_edge_keeps_the_map_in_its_area(screen):
    """L10: centring on Shusha (near the top edge) from the event log left an empty band above the map."""
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {0}, size=SIZE)
    for _ in range(4):
        app.zoom(1)
    g, gm = app.geo, app.state.map
    mw, mh = app.map_rect.w, app.map_rect.h - app.status_reserve
    assert g.width > mw and g.height > mh
    app.center_on(gm.idx((21, 0)))
    assert app.vy == 0
    app.center_on(gm.idx((0, 0)))
    assert (app.vx, app.vy) == (0, 0)
    app.center_on(gm.idx((gm.cols - 1, gm.rows - 1)))
    assert (app.vx, app.vy) == (g.width - mw, g.height - mh)
    app.pan(5000, 5000)
    assert (app.vx, app.vy) == (g.width - mw, g.height - mh)
    app.pan(-9000, -9000)
    assert (app.vx, app.vy) == (0, 0)


def test_last_seen_marks_on_one_hex_carry_one_label(screen, monkeypatch):
    """L10: two marks on one hex printed "T4" over "T4"; the last of them carries the hex's one label."""
    from engine.view import LastSeen
    from ui.app import App

    app = App(new_game(load_scenario(SHUSHA), 1), {1}, size=SIZE)
    gm = app.state.map
    i = gm.idx((30, 30))
    enemy = [u for u in app.state.units if u.side == 0 and app.state.utype(u).domain == "ground"][:3]
    marks = [LastSeen(u.id, u.type, i, gm.hex_of(i), t, u.strength) for u, t in zip(enemy, (4, 4, 3), strict=True)]
    monkeypatch.setattr(App, "last_seen_markers", lambda self: marks)
    w, h = counter_size(app.geo.size)
    sprites = app._last_seen_sprites(w, h, 4)
    # session 20, a player's review: four marks on a hex read as a real stack; at most two are drawn, the
    # latest, and the label says how many were seen and when
    assert [img.get_height() for img, _, _ in sprites[:2]] == [h, h] and len(sprites) == 3  # bodies, one label
    want = app.text.halo("3 last seen T3, T4", max(9, int(h * 0.62)), (0, 0, 0), (255, 255, 255), bold=True)
    tag, rect, _ = sprites[2]
    assert pygame.image.tobytes(tag, "RGBA") == pygame.image.tobytes(want, "RGBA")
    assert rect.centerx == sprites[1][1].centerx and rect.top == sprites[1][1].bottom - 3  # under the last mark
    # marks on two hexes, one under the other: both labels come after every mark (no mark hides a label)
    j = gm.idx((30, 31))
    marks[2] = LastSeen(enemy[2].id, enemy[2].type, j, gm.hex_of(j), 3, enemy[2].strength)
    sprites = app._last_seen_sprites(w, h, 4)
    tags = [pygame.image.tobytes(app.text.halo(t, max(9, int(h * 0.62)), (0, 0, 0), (255, 255, 255), bold=True),
                                 "RGBA") for t in ("T4", "T3")]
    assert [pygame.image.tobytes(img, "RGBA") for img, _, _ in sprites[3:]] == tags and len(sprites) == 5


def test_a_landscape_name_set_beside_its_hex_points_at_it(screen):
    """A teacher's review: with counters on the Hunot canyon, its name was set two hexes west, over hills 400 m
    higher, and read as naming them. A name laid out off its hex now has a leader line to a dot on the hex; a
    name on its own hex has none."""
    r = renderer(SHUSHA)
    size = max(ZOOM_LEVELS)
    g = r.geometry(size)
    hunot = next(i for name, _, i in r.gmap.places if name == "Hunot canyon")
    cx, cy = (int(v) for v in g.center(hunot))
    cw, ch = counter_size(size)
    surf = pygame.Surface((g.width, g.height))

    def drawn(avoid: list[pygame.Rect]) -> tuple[pygame.Rect, tuple[int, int, int]]:
        surf.fill((0, 128, 0))
        r.draw_leaders(surf, g, 0, 0, avoid)  # (the App draws them under the counters, the names above)
        placed = dict(r.draw_labels(surf, g, 0, 0, avoid))
        return placed["Hunot canyon"], rgb(surf.get_at((cx, cy)))

    blocked = [pygame.Rect(cx - cw, cy - ch, 2 * cw, 2 * ch)]  # a stack of counters on the canyon
    rect, at_hex = drawn(blocked)
    assert not rect.collidepoint(cx, cy)
    assert at_hex == r.palette.label  # the dot on the hex
    # a name across its hex's centre needs no pointer: nothing is drawn
    surf.fill((0, 128, 0))
    r._leader(surf, g, hunot, pygame.Rect(cx - 80, cy - 10, 160, 20), 0, 0)
    assert rgb(surf.get_at((cx, cy))) == (0, 128, 0)
