"""Session 27 UI review (B), dummy SDL video: a selected drone's reach (`ov.air_reach`, the engine's legal
sortie targets) with its outline, an out-of-reach footprint drawn grey and hatched, and the hovered move's tag on
an opaque plate placed clear of counters."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import numpy as np
import pygame
from conftest import goto

from engine.orders import Recon
from engine.rules import legal_orders, new_game
from ui import overlays as ov
from ui import panels
from ui.palette import get as palette
from ui.render_map import MapGeometry
from ui.text import Text


def _air(shusha: Any) -> tuple[Any, Any]:
    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "air")
    drone = next(u for u in st.units if u.side == 1 and st.scenario.unit_table[u.type].air_role == "recon")
    return st, drone


def test_air_reach_is_where_the_engine_allows_a_sortie(shusha, screen):
    st, drone = _air(shusha)
    got = ov.air_reach(st, drone.id)
    assert got is not None
    inside, edges = got
    legal = {st.map.idx(o.target) for o in legal_orders(st, 1) if isinstance(o, Recon) and o.unit == drone.id}
    if legal:  # (the drone may be grounded by the weather: then the radius alone)
        assert set(np.flatnonzero(inside).tolist()) == legal
    assert inside.sum() < st.map.n  # (the Orlan's 25 hexes do not cover the whole map)
    nbr = st.map.nbr
    assert edges and all(inside[i] and nbr[i, d] >= 0 and not inside[nbr[i, d]] for i, d in edges)
    ground = next(u for u in st.units if u.side == 1 and st.scenario.unit_table[u.type].domain == "ground")
    assert ov.air_reach(st, ground.id) is None


def _has(surf: pygame.Surface, colour: tuple[int, int, int]) -> bool:
    a = pygame.surfarray.pixels3d(surf)
    return bool((a == np.array(colour, dtype=a.dtype)).all(axis=2).any())


def test_an_out_of_reach_footprint_is_grey_and_hatched_not_magenta(shusha, screen, monkeypatch):
    st, _drone = _air(shusha)
    geo = MapGeometry(st.map, 20)
    hexes = st.map.within(st.map.idx((10, 10)), 1).tolist()
    magenta = palette("default").highlight
    text = Text(1.0)
    said: list[str] = []
    real = text.halo
    monkeypatch.setattr(text, "halo", lambda s, *a, **kw: said.append(s) or real(s, *a, **kw))
    ok = pygame.Surface((geo.width, geo.height))
    ov.draw_footprint(ok, geo, 0, 0, hexes, True, magenta, text)
    assert _has(ok, magenta) and not _has(ok, ov.OUT_OF_REACH) and not said
    far = pygame.Surface((geo.width, geo.height))
    ov.draw_footprint(far, geo, 0, 0, hexes, False, magenta, text)
    assert not _has(far, magenta) and _has(far, ov.OUT_OF_REACH)
    assert said == [ov.OUT_OF_REACH_WORDS]
    # hatched: grey strokes inside the hex, not only its outline
    x, y = geo.center(hexes[0])
    inner = far.subsurface(pygame.Rect(int(x - geo.size * 0.3), int(y - geo.size * 0.3), int(geo.size * 0.6),
                                       int(geo.size * 0.6)))
    assert _has(inner, ov.OUT_OF_REACH)


def test_air_reach_outline_is_drawn(shusha, screen):
    st, drone = _air(shusha)
    geo = MapGeometry(st.map, 12)
    surf = pygame.Surface((geo.width, geo.height))
    ov.draw_air_reach(surf, geo, 0, 0, ov.air_reach(st, drone.id)[1])
    assert _has(surf, ov.AIR_REACH)


def test_the_move_tag_plate_is_opaque_and_warns_in_red(shusha, screen):
    text = Text(1.0, ui=True)
    p = palette("default")
    rows = ["1.5 MP - reveals it", "only infiltrating units move unseen (Special forces)",
            "next to enemy Special forces last seen T8: may be ambushed"]
    img = panels.path_tag_plate(text, rows, 260, p)
    assert img.get_at((2, img.get_height() // 2)).a >= 230  # (an opaque plate: readable over a counter)
    a = pygame.surfarray.pixels3d(img)
    assert ((a[:, :, 0] > 230) & (a[:, :, 1] < 150) & (a[:, :, 2] < 130)).any()  # (the warning's red letters)


def test_clear_spot_keeps_the_tag_off_counters():
    area = pygame.Rect(0, 0, 500, 500)
    spots = [pygame.Rect(100, 100, 80, 20), pygame.Rect(10, 100, 80, 20), pygame.Rect(100, 200, 80, 20)]
    counter = pygame.Rect(120, 95, 30, 30)
    assert panels.clear_spot(spots, area, [counter]) == spots[1]
    assert panels.clear_spot(spots, area, []) == spots[0]
    off = [pygame.Rect(480, 100, 80, 20), spots[2]]
    assert panels.clear_spot(off, area, []) == spots[2]  # (on the map first)


def test_air_reach_cache_is_not_fooled_by_a_reused_map_id(shusha, screen, monkeypatch):
    """A review: the cache was keyed by `id(map)`, which another map can get once the first is freed."""
    st = new_game(shusha, seed=1)
    drone = next(u for u in st.units if st.scenario.unit_table[u.type].domain == "air" and u.strength > 0)
    ut = st.scenario.unit_table[drone.type]
    stale = (object(), (np.zeros(3, dtype=bool), []))  # another map's entry under this map's key
    monkeypatch.setattr(ov, "_AIR_REACH", {(id(st.map), drone.idx, ut.sortie_radius_hexes): stale})
    inside, _ = ov.air_reach(st, drone.id)
    assert len(inside) == st.map.n


def test_merged_map_tag_warnings_stay_red():
    """A review: `near_tag` merges "next to enemy Tanks" into "next to 2 enemy Tanks", which was then drawn light."""
    from ui.panels import NEAR_ROW

    for row in ("next to enemy Tanks: will be in contact", "next to 2 enemy Tanks: will be in contact",
                "2 enemy Tanks last seen on the way T3", "and 3 more enemies near (see panel)"):
        assert NEAR_ROW.match(row), row
    assert not NEAR_ROW.match("5 MP - reveals it")
