"""Educator overlays (ui/overlays.py): the drone overlay tells armed drones from the recon drone, and every
legend colour is a colour the map really shows (dummy SDL video driver)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections import Counter
from pathlib import Path

import numpy as np
import pygame
import pytest

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
    """The drones lesson at the attacker's first air phase; its own schedule is low cloud."""
    st = new_game(load_scenario(LESSONS / "drones.json"), 0, weather)
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
        if col[3] == 0 or label in absent:
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


def test_supply_overlay_marks_own_units_cut_off_by_enemies_unseen():
    """Lesson 4: the red groups that cut the Vank road hide, so the route blue knows of looks open; the
    overlay must still show blue's units that the turn-start report found out of supply."""
    from engine.ai.base import make_agent
    from engine.game import run_agents
    from engine.rules import seed_streams

    st = new_game(load_scenario(LESSONS / "supply.json"), 1)
    run_agents(st, [make_agent("doctrine"), make_agent("doctrine")], seed_streams(1)[2:4], until_turn=4)
    starved = {u.idx for u in st.ground_units(1) if not u.supplied}
    assert starved
    res = ov.supply(st, 1, pal.DEFAULT)
    assert starved <= set(res.hatch) and any("OUT OF SUPPLY" in label for _, label in res.legend)


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
