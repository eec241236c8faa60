"""Session 33, overlays at projector size (--size 1280x800 --ui-scale 1.5): the supply legend explains the counter
tags' "!" and "×2"; the ambush +1 and +2 dots differ at the zoom that shows the whole of Shusha; the move-cost tags
never run into each other at --ui-scale 1, 1.5 or 2."""

from __future__ import annotations

import functools
import os

import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rules import new_game
from engine.view import observe
from ui import overlays as ov
from ui import palette as pal
from ui.render_map import MapGeometry
from ui.text import Text

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")


@pytest.fixture(scope="module")
def fonts(screen):
    pygame.font.init()
    return screen


# ------------------------------------------------------------------------------- 1. the supply tags' key
def _tag_words_drawn(monkeypatch, res: ov.OverlayResult, boxes: dict) -> list[str]:
    """The words of every counter tag `unit_mark_sprites` draws (crowded or not)."""
    got: list[str] = []
    real = ov._tag_plate
    monkeypatch.setattr(ov, "_tag_plate", lambda t, *a: got.append(t) or real(t, *a))
    sprites = ov.unit_mark_sprites(res, boxes, Text(1.5))
    drawn = {id(img) for img, _ in sprites}
    assert drawn
    return got


def test_the_supply_legend_says_what_the_tags_count_and_short_forms_mean(shusha, fonts, monkeypatch):
    """A review at projector size: stacked "NO SUPPLY ×2" tags, and "!" / "×2" alone where the tag had no room,
    were in no legend. Every form the map draws is quoted in the supply overlay's legend, with what it counts."""
    state = new_game(shusha, 0)
    own = [u for u in state.units if u.side == 1 and u.active and not u.offmap
           and state.scenario.unit_table[u.type].domain == "ground"]
    for u in own[:3]:
        u.supplied = False
    res = ov.supply(state, observe(state, 1), 1, pal.DEFAULT)
    legend = " | ".join(label for _, label in res.legend)
    # the forms drawn: a tag on a lone unit and on a stack of two, with room and crowded (short forms)
    tags = ov.OverlayResult("supply")
    red = (200, 30, 30, 255)
    boxes: dict[str, tuple[int, pygame.Rect]] = {}
    for k in range(3):  # hexes side by side, counters touching: the full tags have no room
        for j in range(1 + k % 2):
            uid = f"u{k}_{j}"
            tags.unit_marks[uid] = (red, ov.NO_SUPPLY_TAG)
            boxes[uid] = (k, pygame.Rect(100 + 30 * k + 4 * j, 100 + 4 * j, 30, 22))
    boxes["roof"] = (9, pygame.Rect(90, 60, 140, 40))  # another hex's counters above and below the row
    boxes["floor"] = (10, pygame.Rect(90, 130, 140, 40))
    drawn = set(_tag_words_drawn(monkeypatch, tags, boxes))
    assert {"!", "×2"} <= drawn, drawn  # (the crowded row does draw the short forms)
    loose = {f"u{k}": (k, pygame.Rect(100 + 200 * k, 300, 40, 30)) for k in range(2)}
    loose["u1b"] = (1, pygame.Rect(306, 306, 40, 30))
    tags.unit_marks = {u: (red, ov.NO_SUPPLY_TAG) for u in loose}
    drawn |= set(_tag_words_drawn(monkeypatch, tags, loose))
    assert {ov.NO_SUPPLY_TAG, f"{ov.NO_SUPPLY_TAG} ×2"} <= drawn, drawn
    for words in drawn:
        assert f'"{words}"' in legend or words == ov.NO_SUPPLY_TAG, (words, legend)
    assert "2 units on that hex are out of supply" in legend
    assert '"!" (1 unit)' in legend


def test_the_tags_key_is_left_out_when_no_unit_is_out_of_supply(shusha, fonts):
    state = new_game(shusha, 0)
    for u in state.units:
        u.supplied = True
    res = ov.supply(state, observe(state, 1), 1, pal.DEFAULT)
    legend = " | ".join(label for _, label in res.legend)
    assert "×2" not in legend and '"!"' not in legend
    assert f"{ov.NO_SUPPLY_TAG} on a counter" in legend  # (the tag's own row stays: the class sees the key)


# ----------------------------------------------------------------------------------- 2. the ambush dots
def _ink(layer: pygame.Surface, geo: MapGeometry, i: int, colour: tuple[int, int, int]) -> int:
    """Pixels of `colour` within the hex `i`'s radius of its centre."""
    x, y = (int(v) for v in geo.center(i))
    s = int(geo.size)
    px = pygame.surfarray.pixels3d(layer)
    box = px[max(0, x - s):x + s + 1, max(0, y - s):y + s + 1]
    got = int(np.all(box == np.array(colour), axis=2).sum())
    del px, box
    return got


@pytest.mark.parametrize("size", [7, 9, 14, 28])
def test_ambush_plus_two_dots_are_clearly_larger_than_plus_one_at_every_zoom(shusha, fonts, size):
    """At the zoom that shows the whole of Shusha at 1280x800 (9 px hexes) both dots were drawn 2-3 px wide: +1
    and +2 looked alike. The +2 dot now covers at least three times the +1 dot's pixels at every zoom, as the
    legend's "small pale dot" / "large dark dot" say (the legend draws them to scale: the same order)."""
    state = new_game(shusha, 0)
    res = ov.concealment(state, pal.DEFAULT)
    amb = state.map.ambush
    geo = MapGeometry(state.map, size)
    ones, twos = np.flatnonzero(amb == 1)[:5].tolist(), np.flatnonzero(amb == 2)[:5].tolist()
    assert ones and twos
    layer = ov.draw_layer(res, geo, (geo.width, geo.height), 0, 0, ones + twos)
    one = [_ink(layer, geo, i, ov.ambush_colours(1)[0][:3]) for i in ones]
    two = [_ink(layer, geo, i, ov.ambush_colours(2)[0][:3]) for i in twos]
    assert min(one) > 0
    assert min(two) >= 3 * max(one), (one, two)
    rows = {label: k for k, (_, label) in enumerate(res.legend)}
    small = res.legend_dots[rows["ambush +1 (small pale dot)"]]
    large = res.legend_dots[rows["ambush +2 (large dark dot)"]]
    assert large >= 2 * small


def test_an_ambush_dot_is_cased_so_it_is_not_read_as_a_tree(shusha, fonts):
    state = new_game(shusha, 0)
    res = ov.concealment(state, pal.DEFAULT)
    for bonus in (1, 2):
        i = int(np.flatnonzero(state.map.ambush == bonus)[0])
        geo = MapGeometry(state.map, 9)
        layer = ov.draw_layer(res, geo, (geo.width, geo.height), 0, 0, [i])
        assert _ink(layer, geo, i, ov.ambush_colours(bonus)[1][:3]) > 0


def test_a_dot_never_outgrows_a_small_hex():
    for size in (4, 7, 9, 14):
        for frac in (0.13, 0.32, 0.45):
            for floor in (2.0, 4.5, 6.0):
                assert ov.dot_radius(size, frac, floor) <= max(ov.DOT_MIN_PX, 0.62 * size)
    assert ov.dot_radius(40, 0.32, 4.5) == pytest.approx(12.8)  # (the fraction of the hex, zoomed in)


# ---------------------------------------------------------------------------------- 3. the move-cost tags
SCALES = [1.0, 1.5, 2.0]
SIZES = [13, 14, 17, 20, 24, 28, 40, 52]


def _pairs(rects: list[pygame.Rect]) -> list[tuple[int, int]]:
    return [(a, b) for a in range(len(rects)) for b in range(a + 1, len(rects)) if rects[a].colliderect(rects[b])]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("size", SIZES)
def test_move_cost_tags_on_shusha_never_overlap(shusha, fonts, scale, size):
    """At --ui-scale 1.5 the tags (a fixed 11 px type, "2.5 MP" from 24 px hexes) ran into each other along the
    rows of a reach ("3.5 MP1 MP"; 5 overlapping pairs at 28 px hexes, 61 at --ui-scale 2). Every cost of a block
    of Shusha's hexes, the widest figures included, is laid out: no two tags meet, and on a hex 14 px or more every
    tag fits, in type no smaller than the floor."""
    state = new_game(shusha, 0)
    gm = state.map
    centre = gm.idx((20, 14))
    block = np.flatnonzero(gm.distances_from(centre) <= 4).tolist()
    widths = [0.5, 1, 2.5, 4.5, 8.5, 10.5, 6, 12.25]
    costs = {i: widths[k % len(widths)] for k, i in enumerate(block)}
    geo = MapGeometry(gm, size)
    text = Text(scale)
    got = ov.reach_tag_layout(costs, geo, text, (255, 255, 120))
    rects = [r for _, r in got]
    assert not _pairs(rects)
    if size >= 14:
        kept = {i for i, _ in got}
        short = {i for i, c in costs.items() if len(f"{c:g}") <= 3}  # (up to "8.5": what the type is sized for)
        assert short <= kept, sorted(short - kept)
    px = ov.reach_tag_px(text, size, True) or ov.reach_tag_px(text, size, False)
    assert round(px * scale) >= ov.REACH_TAG_MIN_FONT


@pytest.mark.parametrize("scale", SCALES)
def test_where_tags_would_meet_the_hovered_and_the_cheapest_hexes_keep_theirs(fonts, scale):
    """Hexes closer than a tag's width (a stand-in map): the hovered destination is placed first, then the
    cheapest; the others are left out rather than drawn over them."""
    from types import SimpleNamespace

    xs = [100 + 6 * k for k in range(6)]
    geo = SimpleNamespace(size=20, center=lambda i: (xs[i], 100))
    costs = {0: 5.0, 1: 1.0, 2: 3.0, 3: 0.5, 4: 2.0, 5: 4.0}
    got = ov.reach_tag_layout(costs, geo, Text(scale), (255, 255, 120), first=[5])  # type: ignore[arg-type]
    kept = [i for i, _ in got]
    assert kept[0] == 5 and not _pairs([r for _, r in got])
    assert [costs[i] for i in kept[1:]] == sorted(costs[i] for i in kept[1:])  # then the cheapest first
    assert 3 in kept or got[0][1].colliderect(  # (the cheapest, unless it would cover the hovered one's tag)
        ov.reach_tag_plate(Text(scale), 0.5, 20, (255, 255, 120)).get_rect(center=(xs[3], 100 + 11)))
    placed = dict(got)
    for i in set(costs) - set(kept):  # each one left out would meet a tag placed before it
        r = ov.reach_tag_plate(Text(scale), costs[i], 20, (255, 255, 120)).get_rect(center=(xs[i], 100 + 11))
        assert any(r.colliderect(q) for j, q in placed.items() if j == 5 or costs[j] <= costs[i]), i
    assert len(kept) < len(costs)  # (the stand-in hexes are too close for all: some were left out)
    assert ov.reach_tag_layout(costs, SimpleNamespace(size=12, center=geo.center), Text(scale),  # type: ignore
                               (255, 255, 120)) == []  # (hexes too small for tags: the outlines say enough)


@functools.cache
def _tiny_map():
    from conftest import tiny_scenario

    return new_game(tiny_scenario(), 0).map


@settings(max_examples=40, deadline=None)
@given(scale=st.sampled_from([0.75, 1.0, 1.25, 1.5, 2.0, 2.5]), size=st.integers(13, 56),
       costs=st.lists(st.sampled_from([0.5, 1, 1.5, 2, 3.5, 6, 8.5, 10.5, 12.25]), min_size=1, max_size=40),
       hover=st.integers(0, 39))
def test_tags_laid_out_never_meet_and_the_hovered_keeps_its_own(fonts, scale, size, costs, hover):
    gm = _tiny_map()
    geo = MapGeometry(gm, size)
    c = {i % gm.n: v for i, v in enumerate(costs)}
    got = ov.reach_tag_layout(c, geo, Text(scale), (255, 255, 120), first=[hover % gm.n])
    assert not _pairs([r for _, r in got])
    if hover % gm.n in c:
        assert got[0][0] == hover % gm.n


def test_the_plate_stays_a_dark_plate_with_the_reach_colour(fonts):
    img = ov.reach_tag_plate(Text(1.5), 2.5, 28, (255, 255, 120))
    assert img.get_at((1, 1))[:3] == ov.REACH_TAG_PLATE[:3]
    px = pygame.surfarray.array3d(img)
    assert (np.all(px == (255, 255, 120), axis=2)).any()


def test_plus_one_and_plus_two_ambush_dots_differ_in_shade_too(shusha, fonts):
    """An educator: at the zoom that shows the whole of Shusha the two sizes alone looked alike on a map whose
    forests are all +1; a +1 dot is pale in a dark casing, a +2 dark in a white one."""
    state = new_game(shusha, 0)
    res = ov.concealment(state, pal.DEFAULT)
    one = int(np.flatnonzero(state.map.ambush == 1)[0])
    two = int(np.flatnonzero(state.map.ambush == 2)[0])
    lum = [sum(res.dots[i][0][:3]) for i in (one, two)]
    assert lum[0] > 2 * lum[1]  # (pale against dark)
    assert sum(res.dot_rims[one][:3]) < sum(res.dot_rims[two][:3])
