"""Educator overlays (ui/overlays.py): the drone overlay tells armed drones from the recon drone, and every
legend colour is a colour the map really shows (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pygame
import pytest
from conftest import drones_red_recon_flies

from engine.orders import Recon
from engine.rules import apply, new_game
from engine.scenario import load_scenario
from engine.units import ATTACKER
from engine.view import observe
from ui import overlays as ov
from ui import palette as pal

ROOT = Path(__file__).resolve().parents[1]
SHUSHA = ROOT / "scenarios" / "shusha_1120.json"
LESSONS = ROOT / "scenarios" / "lessons"
SIZE = (1280, 800)


def drones_game(weather: str | None = None):
    """The drones lesson (`drones_red_recon_flies`) at the attacker's first air phase; its own schedule is low
    cloud."""
    st = new_game(drones_red_recon_flies(), 0, weather)
    assert st.side == ATTACKER and st.phase == "air"
    return st


def radius(st, uid: str) -> set[int]:
    u = st.unit(uid)
    return set(st.map.within(u.idx, st.scenario.unit_table[u.type].sortie_radius_hexes).tolist())


def test_low_cloud_shows_armed_drones_grounded_while_the_recon_drone_covers():
    st = drones_game()
    view = observe(st, ATTACKER)
    assert view.grounded["red_tb2"] and view.grounded["red_harop"] and not view.grounded["red_orbiter"]
    res = ov.drones(st, view, pal.DEFAULT)
    armed, recon = radius(st, "red_tb2") | radius(st, "red_harop"), radius(st, "red_orbiter")
    base = st.unit("red_tb2").idx
    assert armed and recon
    for i in armed:
        assert ov.ARMED_GROUNDED in res.tags[i] and ov.ARMED_FLY not in res.tags[i]
        assert i in res.hatch  # hatched: reads without colour
    for i in recon:
        assert ov.RECON_FLY in res.tags[i]
        if i != base:
            assert res.dots[i][0] == (*ov._DRONE_COLOURS["default"][3], 255)
    grounded_fill = res.fills[next(iter(armed - {base}))]
    assert grounded_fill[0] > 2 * grounded_fill[1]  # red, and strong enough to read (it was alpha 45)
    assert grounded_fill[3] >= 100


def test_clear_sky_armed_drones_fly_and_fog_grounds_the_recon_drone_too():
    st = drones_game("clear")
    res = ov.drones(st, observe(st, ATTACKER), pal.DEFAULT)
    armed = radius(st, "red_tb2")
    assert all(ov.ARMED_FLY in res.tags[i] and ov.ARMED_GROUNDED not in res.tags[i] for i in armed)
    assert not res.hatch
    st = drones_game("fog")
    res = ov.drones(st, observe(st, ATTACKER), pal.DEFAULT)
    recon = radius(st, "red_orbiter")
    assert all(ov.RECON_GROUNDED in res.tags[i] and ov.RECON_FLY not in res.tags[i] for i in recon)
    assert all(i in res.hatch for i in recon)
    base = st.unit("red_orbiter").idx
    assert set(res.dots) == {base}  # only the air base: no "recon can spot here" dots


def test_recon_cover_marks_where_the_recon_drone_looked():
    st = drones_game()
    apply(st, Recon("red_orbiter", (4, 3)))
    view = observe(st, ATTACKER)
    res = ov.drones(st, view, pal.DEFAULT)
    cover = set(np.flatnonzero(view.recon_cover).tolist())
    assert cover
    for i in cover:
        assert {ov.RECON_COVER, ov.ARMED_GROUNDED} <= res.tags[i]  # still grounded for the armed drones
        assert i in res.hatch


# ------------------------------------------------------------------------------------ legend vs map
def make_app(st, side: int, palette: str):
    from ui.app import App

    app = App(st, {side}, size=SIZE, palette=palette)
    app.show_lesson = False
    app.show_units = False  # (U) counters would cover the few hexes of a class, e.g. a lesson's town
    return app


def map_colours(app, screen, monkeypatch) -> tuple[dict[int, tuple[int, int, int]], set[tuple[int, int, int]]]:
    """Render the app with its overlays (legend box left out, so its swatches cannot match themselves):
    each on-screen hex's most common colour, and every colour at the hexes' centres (markers)."""
    modes, centres, _ = map_colours_and_edges(app, screen, monkeypatch)
    return modes, centres


def map_colours_and_edges(app, screen, monkeypatch):
    """`map_colours`, and every colour just inside the middle of each hex side (the control overlay's
    outlines)."""
    import ui.panels

    monkeypatch.setattr(ui.panels, "draw_legends", lambda *a, **k: None)
    app.render(screen)
    px = pygame.surfarray.array3d(screen)
    mr = app.map_rect
    s = app.geo.size
    offs = [(dx, dy) for dx in np.linspace(-0.55, 0.55, 9) for dy in np.linspace(-0.55, 0.55, 9)]
    modes: dict[int, tuple[int, int, int]] = {}
    centres: set[tuple[int, int, int]] = set()
    edges: set[tuple[int, int, int]] = set()
    for i in range(app.state.map.n):
        cx, cy = app.hex_to_screen(i)
        if not (mr.left + s <= cx < mr.right - s and mr.top + s <= cy < mr.bottom - s):
            continue
        cols = Counter(tuple(px[int(cx + dx * s), int(cy + dy * s)].tolist()) for dx, dy in offs)
        modes[i] = cols.most_common(1)[0][0]
        centres.add(tuple(px[int(cx), int(cy)].tolist()))
        for d in range(6):
            a, b = app.geo.edge(i, d)
            mx, my = (a[0] + b[0]) / 2 - app.vx, (a[1] + b[1]) / 2 - app.vy
            k = 1.0 - (max(2, round(s / 6)) / 2 + 0.5) / s  # where the outline runs (`overlays.draw_layer`)
            edges.add(tuple(px[int(cx + (mx - cx) * k), int(cy + (my - cy) * k)].tolist()))
    return modes, centres, edges


def found(colour, colours, tol: int = 2) -> bool:
    return any(max(abs(a - b) for a, b in zip(colour[:3], c, strict=True)) <= tol for c in colours)


CASES = [  # scenario, overlay, side, turns played first, labels that name classes absent from that map
    (SHUSHA, 1, 1, 0, {"impassable"}),
    (SHUSHA, 2, 1, 0, set()),
    (SHUSHA, 3, 1, 0, set()),
    (SHUSHA, 7, 0, 3, set()),  # (the attacker: its own and the defender's held hexes are in its sight)
    (LESSONS / "cliff_below.json", 2, 1, 0, set()),
    (LESSONS / "ambush.json", 3, 1, 0, set()),
    (LESSONS / "cliff_below.json", 8, 1, 0, {"black line"}),  # (the cliff's swatch: a line on hex sides)
    (SHUSHA, 8, 1, 0, {"black line"}),
]


@pytest.mark.parametrize("palette", ["default", "colorblind"])
@pytest.mark.parametrize(("scen", "n", "side", "turns", "absent"), CASES, ids=[f"{c[0].stem}-{c[1]}" for c in CASES])
def test_every_legend_colour_is_on_the_map(screen, monkeypatch, palette, scen, n, side, turns, absent):
    app = make_app(new_game(load_scenario(scen), 0), side, palette)
    if turns:
        app.run_ai_until(1 + turns)
    app.overlays = {n}
    modes, centres, edges = map_colours_and_edges(app, screen, monkeypatch)
    (res,) = app._overlay_res
    checked = 0
    for col, label in res.legend:
        if col[3] == 0 or any(label.startswith(a) for a in absent):
            continue
        assert col[3] == 255, f"{label}: a translucent swatch mixes with whatever lies behind the legend"
        where = [edges] if label.startswith("edge of") else [modes.values(), centres]  # (an outline: on hex sides)
        assert any(found(col, cols) for cols in where), f"legend colour of {label!r} not on the map"
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("palette", ["default", "colorblind"])
def test_drone_legend_colours_are_on_the_map(screen, monkeypatch, palette):
    st = drones_game()
    apply(st, Recon("red_orbiter", (4, 3)))
    app = make_app(st, ATTACKER, palette)
    app.overlays = {5}
    modes, centres = map_colours(app, screen, monkeypatch)
    (res,) = app._overlay_res
    legend = dict((label.split(":")[0].split(" (")[0], col) for col, label in res.legend)
    assert found(legend["GROUNDED by weather"], modes.values())
    assert found(legend["recon cover until your next turn starts"], modes.values())
    assert found(legend["dot"], centres)  # the recon drone's "can spot here" marker
    assert found(legend["air base"], centres)
    # the grounded armed drones' radius is what most of the map shows, and it reads red (or vermillion)
    grounded = Counter(modes.values()).most_common(1)[0][0]
    assert grounded[0] > grounded[1] + 40 and grounded[0] > grounded[2] + 40


def test_levels_differ_from_bare_terrain(screen, monkeypatch):
    """Defence +0 and +1 used to be 40 and 95 alpha: barely different from the bare map."""
    app = make_app(new_game(load_scenario(SHUSHA), 0), 1, "default")
    bare, _ = map_colours(app, screen, monkeypatch)
    app.overlays = {2}
    tinted, _ = map_colours(app, screen, monkeypatch)
    moved = [max(abs(a - b) for a, b in zip(bare[i], tinted[i], strict=True)) for i in bare]
    assert np.percentile(moved, 10) >= 40


def test_draw_layer_draws_fills_hatching_and_markers():
    pygame.display.init()
    st = drones_game()
    res = ov.drones(st, observe(st, ATTACKER), pal.DEFAULT)
    from ui.render_map import MapGeometry

    geo = MapGeometry(st.map, 30)
    layer = ov.draw_layer(res, geo, (geo.width, geo.height), 0, 0, range(st.map.n))
    i = next(iter(res.hatch.keys() - {st.unit("red_tb2").idx}))
    cx, cy = geo.center(i)
    assert tuple(layer.get_at((int(cx - 0.3 * 30), int(cy + 0.2 * 30)))) == res.fills[i]  # between strokes
    assert tuple(layer.get_at((int(cx + 0.3 * 30), int(cy - 0.3 * 30)))) == res.hatch[i]  # on the middle stroke
    j = next(k for k in res.dots if k != st.unit("red_tb2").idx)
    cx, cy = geo.center(j)
    assert tuple(layer.get_at((int(cx), int(cy)))) == res.dots[j][0]


def supply_lesson_as_defender():
    """Lesson 4, seed 1, the defender's turn 4: the red groups that cut the Vank road at the end of turn 3 went to
    ground again in red's half of turn 4, so the route blue traces through the enemies it sees looks open, while
    the turn-start report found its Vank garrison out of supply."""
    from ui.app import App

    app = App(new_game(load_scenario(LESSONS / "supply.json"), 1), {1}, size=SIZE)
    app.show_lesson = False
    app.run_ai_until(4)
    while app.state.side != 1:
        app.update()
    while app.state.phase != "movement":  # (blue's air and artillery phases: nothing ordered)
        app.end_phase()
    return app


def test_supply_overlay_is_an_estimate_with_the_units_supply_facts_on_top(screen):
    """H3: the overlay coloured the cut road and the town as supplied (its trace only knows the enemies seen now)
    and its "hatched: OUT OF SUPPLY" lay under the counters. Now the colours are labelled an estimate, each own
    counter carries its real supply status on top, and a hex where the two disagree is outlined.
    Session 20 (a teacher's review: "the lesson's one picture shows the opposite of what it says"): the estimate
    also blocks where the side saw enemies lately and the ground it knows they took, such as the hex the road
    cut was announced at, so the Vank garrison no longer looks supplied once blue has been told of the cut."""
    from engine.supply import supply_estimate, supply_field

    app = supply_lesson_as_defender()
    st, view = app.state, app.view
    starved = [u for u in view.own if u.active and not u.offmap and not u.supplied]
    fed = [u for u in view.own if u.active and not u.offmap and u.supplied
           and st.scenario.unit_table[u.type].domain == "ground"]
    assert starved and fed
    res = ov.supply(st, view, 1, pal.DEFAULT)
    assert "ESTIMATE" in res.title and "know of" in res.title
    legend = " ".join(label for _, label in res.legend)
    assert "not seen" in legend and "road cut" in legend and ov.NO_SUPPLY_TAG in legend
    assert all(res.unit_marks[u.id][1] == ov.NO_SUPPLY_TAG for u in starved)
    assert all(res.unit_marks[u.id][1] == "" for u in fed)
    # traced only through the enemies blue sees now, the garrison would look supplied (the red groups are
    # hidden again); blue's estimate knows better: the cut hex it was told of and where it saw them last
    naive = supply_field(st, 1, known_only=True)
    assert any(np.isfinite(naive[u.idx]) for u in starved)
    est, blocks = supply_estimate(st, 1)
    cut_hex = st.map.idx((7, 4))
    assert blocks[cut_hex] and res.hatch.get(cut_hex)
    assert all(math.isinf(est[u.idx]) for u in starved)
    assert all(math.isfinite(est[u.idx]) for u in fed)
    assert not any(blocks[u.idx] for u in view.own if u.active and not u.offmap)  # own hexes never blocked
    assert not res.edges
    # had blue not been told (no sightings, no news), the estimate would say supplied: the hex is outlined
    st2 = st.copy()
    st2.last_seen = [{}, {}]
    st2.known_control[1][st2.known_control[1] == 0] = -1
    res2 = ov.supply(st2, observe(st2, 1), 1, pal.DEFAULT)
    wrong = {i for (i, _d) in res2.edges}
    assert wrong and wrong <= {u.idx for u in starved}
    assert all((i, d) in res2.edges for i in wrong for d in range(6))
    # on screen the tag stands ON the counter, not under it
    app.overlays = {6}
    app.render(screen)
    out_c = ov.supply_colours(pal.DEFAULT)[0]
    u = starved[0]
    box = app.unit_boxes[u.id][1].move(-int(app.vx), -int(app.vy))
    px = pygame.surfarray.array3d(screen)
    inside = {tuple(px[x, y].tolist()) for x in range(box.left + 1, box.right - 1)
              for y in range(box.top + 1, box.bottom - 1)}
    assert out_c in inside


def test_a_selected_units_reach_stays_apart_from_the_overlay_below_it(screen, monkeypatch):
    """H3: the reach's yellow wash and its bare figures sat in the same hexes as the supply colours, which they
    changed, so the two could not be told apart: over an overlay the reach is outlines and figures on dark tags,
    the overlay's colours stay as they are, and the legend says what the figures are."""
    from ui import panels

    app = supply_lesson_as_defender()
    table = app.state.scenario.unit_table
    uid = next(u.id for u in app.view.own if u.active and not u.offmap and not u.moved
               and table[u.type].domain == "ground")
    app.overlays = {6}
    app.render(screen)
    plain = pygame.surfarray.array3d(screen).copy()
    before = [r.move(-int(app.vx), -int(app.vy)) for _, r in app.place_labels]  # (a name may make way for a tag)
    app.select(uid)
    dest = app.destinations()
    assert len(dest) > 2
    app.render(screen)
    shown = pygame.surfarray.array3d(screen)
    s = app.geo.size
    taken = {i for i, _ in app.unit_boxes.values()} | {m.idx for m in app.last_seen_markers()}
    checked = 0
    for i in set(dest) - taken:
        x, y = app.hex_to_screen(i)
        spot = (int(x - 0.35 * s), int(y - 0.2 * s))  # inside the hex, off its outline and its cost tag
        labels = [r.move(-int(app.vx), -int(app.vy)) for _, r in app.place_labels] + before  # (names make way)
        if (app.map_rect.collidepoint(spot) and not any(r.collidepoint(spot) for r in app.counter_boxes)
                and not any(r.collidepoint(spot) for r in labels)):
            assert (shown[spot] == plain[spot]).all(), "the reach changed the overlay's colour"
            checked += 1
    assert checked
    assert app.reach_tag(2.5, s).get_at((1, 1))[:3] == (15, 15, 20)  # figures on a dark plate
    got: list[str] = []
    real = app.ui_text.render
    monkeypatch.setattr(app.ui_text, "render", lambda t, *a, **k: got.append(t) or real(t, *a, **k))
    app._legend_cache = None  # (the legend drawn by `render` above is kept, surface and all: draw it anew)
    panels.draw_legends(app, screen, app._overlay_res)
    said = " ".join(got)  # (a long note wraps onto several lines)
    who = app.names.short(uid)
    assert f"where {who} can move" in said and "MP" in said.split(f"where {who} can move", 1)[1]


def test_defence_overlay_marks_cliff_tops_and_feet_with_the_engines_modifiers():
    st = new_game(load_scenario(LESSONS / "cliff_below.json"), 0)
    res = ov.defence(st, pal.DEFAULT)
    gm = st.map
    tops = set(np.flatnonzero(gm.cliff_down.any(axis=1)).tolist())
    feet = set(np.flatnonzero(gm.cliff_up.any(axis=1)).tolist())
    assert tops and feet and tops | feet <= set(res.hatch)
    labels = " ".join(label for _, label in res.legend)
    assert "cliff: firing down +2" in labels and "assaulting up a cliff -2" in labels


# ------------------------------------------------------------------------------------ control over large areas
class _Held:
    """A side's view holding only a control map (what `overlays.control` reads)."""

    def __init__(self, control: np.ndarray) -> None:
        self.control = control


def _front(st) -> np.ndarray:
    """Control as the scenario's start-of-game territory will give it: the attacker the south of the map, the
    defender the north, no one in a band between (and a stretch where the two meet)."""
    gm = st.map
    held = np.where(gm.row > 24, 0, np.where(gm.row < 22, 1, -1)).astype(np.int8)
    held[(gm.row >= 22) & (gm.row <= 24) & (gm.col < 10)] = 0  # where the lines touch: a front line
    return held


def test_control_overlay_of_large_areas_is_a_light_tint_with_outlines_and_a_legend():
    st = new_game(load_scenario(SHUSHA), 0)
    held = _front(st)
    res = ov.control(st, _Held(held), pal.DEFAULT, side=1)
    gm = st.map
    assert set(res.fills) == set(np.flatnonzero(held >= 0).tolist())
    assert max(c[3] for c in res.fills.values()) <= 90  # a light tint: the terrain reads through it
    nbr = gm.nbr
    for i in range(gm.n):  # an outline exactly where a side's ground ends (never round the map's own edge)
        for d in range(6):
            j = int(nbr[i, d])
            want = held[i] >= 0 and j >= 0 and held[j] != held[i]
            assert ((i, d) in res.edges) == want
            if want:
                assert res.edges[(i, d)][:3] == pal.DEFAULT.side[held[i]]
    # where the two sides' ground meets, both outlines run side by side: the front line
    meet = [(i, d) for (i, d) in res.edges if held[int(nbr[i, d])] >= 0]
    assert meet and all((int(nbr[i, d]), (d + 3) % 6) in res.edges for i, d in meet)
    labels = [label for _, label in res.legend]
    assert any("attacker" in s and "tint" in s for s in labels) and any("defender" in s and "tint" in s
                                                                        for s in labels)
    assert any("front line" in s for s in labels) and any(s.startswith("no tint") for s in labels)


@pytest.mark.parametrize("palette", ["default", "colorblind"])
def test_control_overlay_over_large_areas_keeps_the_terrain_and_tells_the_sides_apart(screen, monkeypatch,
                                                                                       palette):
    """With both sides holding half the map each, the control overlay must not drown the map: the terrain's
    colours change only a little (forest still differs from open ground under the same tint), yet the same
    terrain reads differently under the two sides' tints, and the outline runs along the front."""
    app = make_app(new_game(load_scenario(SHUSHA), 0), 1, palette)
    st = app.state
    held = _front(st)
    st.control[:] = held
    for k in st.known_control:
        k[:] = held
    st.bump()
    bare, _ = map_colours(app, screen, monkeypatch)
    app.overlays = {7}
    tinted, _, edges = map_colours_and_edges(app, screen, monkeypatch)
    moved = [max(abs(a - b) for a, b in zip(bare[i], tinted[i], strict=True)) for i in tinted if held[i] >= 0]
    assert moved and np.percentile(moved, 90) <= 60  # (a full-strength fill moved the colours far more)
    codes = [st.map.terrain_codes[t] for t in st.map.terrain.tolist()]
    for side in (0, 1):
        forest = [tinted[i] for i in tinted if held[i] == side and codes[i] == "f"]
        plain = [tinted[i] for i in tinted if held[i] == side and codes[i] in ("p", "h")]
        assert forest and plain
        f, p = np.median(forest, axis=0), np.median(plain, axis=0)
        assert np.abs(f - p).max() > 25  # forest and open ground still differ under one side's tint
    for code in ("f", "h"):
        a = [tinted[i] for i in tinted if held[i] == 0 and codes[i] == code]
        d = [tinted[i] for i in tinted if held[i] == 1 and codes[i] == code]
        assert np.abs(np.median(a, axis=0) - np.median(d, axis=0)).max() > 20  # the sides' tints differ
    p = app.palette
    assert any(found((*p.side[0], 255), [c]) for c in edges) and any(found((*p.side[1], 255), [c]) for c in edges)


# ------------------------------------------------------------------------------------ height (relief)
def test_height_overlay_tints_by_elevation_in_metre_bands_with_the_cliffs_drop(screen):
    """M6: no view showed the relief; the 300 m drop below Karaköy showed only on hover. Key 8 tints each hex
    by its elevation band, the legend reads in metres, the cliff's drop is in it and the cliff stays on top."""
    from ui.app import HELP, App

    st = new_game(load_scenario(LESSONS / "cliff_below.json"), 0)
    gm = st.map
    res = ov.height(st, pal.DEFAULT)
    base, step, n = ov.height_bands(gm.elevation)
    assert 2 <= n <= ov.HEIGHT_BANDS[1] and step in ov.HEIGHT_STEPS_M
    band = ((gm.elevation - base) // step).astype(int)
    for i in range(gm.n):  # one colour per band, another for each other band
        for j in (int(k) for k in gm.nbr[i] if k >= 0):
            assert (res.fills[i] == res.fills[j]) == (band[i] == band[j])
    rows = [label for _, label in res.legend]
    assert sum(label.endswith(" m") and "–" in label for label in rows) == len(set(band.tolist()))
    top, d = np.nonzero(gm.cliff_down)
    drop = int(gm.elevation[top[0]] - gm.elevation[gm.nbr[top[0], d[0]]])
    assert any("cliff" in label and f"{drop} m" in label for label in rows)
    assert res.labels[0] == f"{gm.elevation[0]:.0f}"
    # the key, the help and the drawing: cliffs above the tint, the metres in the hexes when zoomed in
    app = App(st, {1}, size=SIZE)
    app.show_lesson = False
    app.on_key(pygame.K_8, 0, "8")
    keys, words = next((k, d) for k, d in HELP if "overlays" in d)
    assert app.overlays == {8} and "9" in keys and "height" in words
    while app.hex_size < ov.LABEL_MIN_HEX:
        app.zoom(1)
    app.render(screen)
    (got,) = app._overlay_res
    assert got.title.startswith("8 Height")
    layer = ov.draw_layer(got, app.geo, app.map_rect.size, app.vx, app.vy, range(gm.n))
    labelled = ov.draw_layer(got, app.geo, app.map_rect.size, app.vx, app.vy, range(gm.n), app.text)
    i = next(i for i in range(gm.n) if app.map_rect.collidepoint(app.hex_to_screen(i)))
    x, y = app.hex_to_screen(i)
    s = app.geo.size
    area = pygame.Rect(int(x - 0.4 * s), int(y - 0.9 * s), int(0.8 * s), int(0.3 * s))
    assert any(layer.get_at(p) != labelled.get_at(p) for p in ((a, b) for a in range(area.left, area.right)
                                                                for b in range(area.top, area.bottom)))


def test_height_bands_are_round_metres_and_fit_the_legend():
    assert ov.height_bands(np.array([450.0, 2725.0])) == (250.0, 250.0, 10)  # Shusha: its cliff above the valley
    assert ov.height_bands(np.array([1050.0, 1600.0])) == (1000.0, 100.0, 7)  # the cliff lessons
    assert ov.height_bands(np.array([800.0, 800.0]))[2] == 1


def test_movement_legend_reads_road_costs_from_the_engine():
    """The legend said "roads: 0.34–3 MP" whatever the class; a wheeled track costs 5 (`ROAD_COST`)."""
    from engine.terrain import ROAD_COST

    st = new_game(load_scenario(SHUSHA), 0)
    kinds = {kind for _, kind, _ in st.map.roads}
    for mob in ("wheeled", "foot"):
        res = ov.movement(st, pal.DEFAULT, mob)
        costs = [ROAD_COST[k][mob] for k in kinds]
        row = next(label for _, label in res.legend if label.startswith("roads:"))
        assert f"{min(costs):g}" in row and f"{max(costs):g}" in row
