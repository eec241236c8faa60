"""Tests for engine.hexgrid: published/hand-made known vectors plus Hypothesis properties."""

from __future__ import annotations

import doctest
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import hexgrid
from engine.hexgrid import (
    DIRECTION_NAMES,
    DIRECTIONS,
    FractionalHex,
    Hex,
    Layout,
    axial_to_offset,
    direction_index,
    distance,
    distance_arrays,
    edge_corners,
    hex_add,
    hex_corner_offset,
    hex_lerp,
    hex_round,
    hex_scale,
    hex_subtract,
    hex_to_pixel,
    line,
    neighbor,
    neighbors,
    offset_to_axial,
    offset_to_axial_arrays,
    opposite,
    pixel_to_hex,
    pixel_to_hex_fractional,
    polygon_corners,
    ring,
    spiral,
)

VECTORS: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "hex_vectors.json").read_text())


def _hex(pair: list[int]) -> Hex:
    return Hex(pair[0], pair[1])


def _cases(group: str) -> list[dict[str, Any]]:
    return VECTORS[group]["cases"]


def _layout(group: str) -> Layout:
    g = VECTORS[group]
    return Layout(g["size_x"], g["size_y"], g["origin_x"], g["origin_y"])


# ---------------------------------------------------------------------------------------------------------
# Known vectors (tests/data/hex_vectors.json)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _cases("hex_add"))
def test_vector_hex_add(case: dict[str, Any]) -> None:
    assert hex_add(_hex(case["a"]), _hex(case["b"])) == _hex(case["expected"])


@pytest.mark.parametrize("case", _cases("hex_subtract"))
def test_vector_hex_subtract(case: dict[str, Any]) -> None:
    assert hex_subtract(_hex(case["a"]), _hex(case["b"])) == _hex(case["expected"])


@pytest.mark.parametrize("case", _cases("direction"))
def test_vector_direction(case: dict[str, Any]) -> None:
    assert DIRECTIONS[case["d"]] == _hex(case["expected"])
    assert direction_index(case["name"]) == case["d"]


@pytest.mark.parametrize("case", _cases("neighbor"))
def test_vector_neighbor(case: dict[str, Any]) -> None:
    h = _hex(case["hex"])
    assert neighbor(h, case["d"]) == _hex(case["expected"])
    assert neighbors(h)[case["d"]] == _hex(case["expected"])


@pytest.mark.parametrize("case", _cases("distance"))
def test_vector_distance(case: dict[str, Any]) -> None:
    assert distance(_hex(case["a"]), _hex(case["b"])) == case["expected"]


def _round_input(case: dict[str, Any]) -> FractionalHex:
    """Rebuild the fractional point the way the reference test does (lerp or weighted blend)."""
    if "lerp" in case:
        lp = case["lerp"]
        return hex_lerp(_hex(lp["a"]), _hex(lp["b"]), lp["t"])
    blend = case["blend"]
    hexes = [_hex(p) for p in blend["hexes"]]
    weights = blend["weights"]
    q = sum(h.q * w for h, w in zip(hexes, weights, strict=True))
    r = sum(h.r * w for h, w in zip(hexes, weights, strict=True))
    return FractionalHex(q, r)


@pytest.mark.parametrize("case", _cases("round"), ids=lambda c: c["name"])
def test_vector_round_reference(case: dict[str, Any]) -> None:
    assert hex_round(_round_input(case)) == _hex(case["expected"])


@pytest.mark.parametrize("case", _cases("round_ties"))
def test_vector_round_ties_half_up(case: dict[str, Any]) -> None:
    assert hex_round(FractionalHex(case["q"], case["r"])) == _hex(case["expected"])


@pytest.mark.parametrize("case", _cases("linedraw"))
def test_vector_linedraw(case: dict[str, Any]) -> None:
    assert line(_hex(case["a"]), _hex(case["b"])) == [_hex(p) for p in case["expected"]]


@pytest.mark.parametrize("case", _cases("ring"))
def test_vector_ring(case: dict[str, Any]) -> None:
    assert ring(_hex(case["center"]), case["radius"]) == [_hex(p) for p in case["expected"]]


def test_vector_offset_roundtrip_odd_r() -> None:
    g = VECTORS["offset_roundtrip_odd_r"]
    for pair in g["hexes"]:
        h = _hex(pair)
        assert offset_to_axial(*axial_to_offset(h)) == h
    for col, row in g["offsets"]:
        assert axial_to_offset(offset_to_axial(col, row)) == (col, row)


@pytest.mark.parametrize("case", _cases("offset_odd_r"))
def test_vector_offset_odd_r(case: dict[str, Any]) -> None:
    col, row = case["offset"]
    assert offset_to_axial(col, row) == _hex(case["axial"])
    assert axial_to_offset(_hex(case["axial"])) == (col, row)


def test_vector_layout_roundtrip() -> None:
    layout = _layout("layout")
    for pair in VECTORS["layout"]["roundtrip"]:
        h = _hex(pair)
        assert pixel_to_hex(layout, *hex_to_pixel(layout, h)) == h


@pytest.mark.parametrize("case", VECTORS["layout"]["pixels"], ids=lambda c: str(c["hex"]))
def test_vector_hex_to_pixel(case: dict[str, Any]) -> None:
    layout = _layout("layout")
    h = _hex(case["hex"])
    x, y = hex_to_pixel(layout, h)
    assert (x, y) == pytest.approx(tuple(case["xy"]), rel=1e-12, abs=1e-9)
    assert pixel_to_hex(layout, *case["xy"]) == h
    f = pixel_to_hex_fractional(layout, *case["xy"])
    assert (f.q, f.r) == pytest.approx((h.q, h.r), abs=1e-9)


def test_vector_polygon_corners() -> None:
    g = VECTORS["polygon_corners"]
    corners = polygon_corners(_layout("polygon_corners"), _hex(g["hex"]))
    assert len(corners) == 6
    for got, want in zip(corners, g["expected"], strict=True):
        assert got == pytest.approx(tuple(want), abs=1e-9)


# ---------------------------------------------------------------------------------------------------------
# Plain unit tests
# ---------------------------------------------------------------------------------------------------------


def test_directions_and_names_line_up() -> None:
    assert len(DIRECTIONS) == len(DIRECTION_NAMES) == 6
    for i, name in enumerate(DIRECTION_NAMES):
        assert direction_index(name) == i
    assert direction_index("SW") == 4


@pytest.mark.parametrize("bad", ["N", "S", "sw", "", "NNE", " E"])
def test_direction_index_rejects_unknown_names(bad: str) -> None:
    with pytest.raises(ValueError, match=r"unknown hex direction .*expected one of E, NE, NW, W, SW, SE"):
        direction_index(bad)


def test_direction_names_match_screen_geometry() -> None:
    """The names must describe where the neighbour appears on screen (y grows downwards)."""
    layout = Layout(10.0, 10.0, 0.0, 0.0)
    expected_angle = {"E": 0, "NE": -60, "NW": -120, "W": 180, "SW": 120, "SE": 60}
    for d, name in enumerate(DIRECTION_NAMES):
        x, y = hex_to_pixel(layout, DIRECTIONS[d])
        angle = math.degrees(math.atan2(y, x))
        assert math.isclose(math.cos(math.radians(angle - expected_angle[name])), 1.0), name


def test_hex_round_is_not_bankers_rounding() -> None:
    # Python's round(0.5) == 0 would send this tie to Hex(0, 0); the reference rounds halves up.
    assert round(0.5) == 0
    assert hex_round(FractionalHex(0.5, -0.5)) == Hex(1, -1)


def test_ring_and_spiral_reject_negative_radius() -> None:
    with pytest.raises(ValueError):
        ring(Hex(0, 0), -1)
    with pytest.raises(ValueError):
        spiral(Hex(0, 0), -1)


def test_spiral_radius_zero_and_one() -> None:
    c = Hex(3, -2)
    assert spiral(c, 0) == [c]
    assert spiral(c, 1) == [c, *ring(c, 1)]


def test_edge_corners_rejects_bad_index() -> None:
    with pytest.raises(ValueError):
        edge_corners(6)


def test_offset_to_axial_arrays_broadcasts_grid() -> None:
    cols = np.arange(4)[np.newaxis, :]
    rows = np.arange(-2, 3)[:, np.newaxis]
    q, r = offset_to_axial_arrays(cols, rows)
    assert q.shape == r.shape == (5, 4)
    for i in range(5):
        for j in range(4):
            assert Hex(int(q[i, j]), int(r[i, j])) == offset_to_axial(int(cols[0, j]), int(rows[i, 0]))


def test_offset_to_axial_arrays_rejects_floats() -> None:
    with pytest.raises(TypeError):
        offset_to_axial_arrays(np.array([0.0, 1.0]), np.array([0, 1]))


def test_module_doctests() -> None:
    """Run the module's doctests here too, since pytest's testpaths only cover tests/."""
    result = doctest.testmod(hexgrid, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------------------
# Hypothesis properties
# ---------------------------------------------------------------------------------------------------------

coord = st.integers(min_value=-1000, max_value=1000)
hexes = st.builds(Hex, coord, coord)
small_coord = st.integers(min_value=-60, max_value=60)
small_hexes = st.builds(Hex, small_coord, small_coord)
directions = st.integers(min_value=0, max_value=5)
finite = st.floats(min_value=-1000.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
fractional_hexes = st.builds(FractionalHex, finite, finite)
layouts = st.builds(
    Layout,
    st.floats(min_value=0.5, max_value=500.0),
    st.floats(min_value=0.5, max_value=500.0),
    st.floats(min_value=-1e4, max_value=1e4),
    st.floats(min_value=-1e4, max_value=1e4),
)
int_lists = st.lists(st.integers(min_value=-500, max_value=500), min_size=1, max_size=30)


@given(hexes)
def test_cube_constraint(h: Hex) -> None:
    assert h.q + h.r + h.s == 0


@given(fractional_hexes)
def test_cube_constraint_fractional(f: FractionalHex) -> None:
    assert f.q + f.r + f.s == pytest.approx(0.0, abs=1e-9)


@given(hexes, hexes)
def test_distance_symmetric(a: Hex, b: Hex) -> None:
    assert distance(a, b) == distance(b, a)


@given(hexes, hexes)
def test_distance_zero_iff_equal(a: Hex, b: Hex) -> None:
    assert distance(a, a) == 0
    assert (distance(a, b) == 0) == (a == b)


@given(hexes, hexes, hexes)
def test_distance_triangle_inequality(a: Hex, b: Hex, c: Hex) -> None:
    assert distance(a, c) <= distance(a, b) + distance(b, c)


@given(hexes, hexes)
def test_distance_is_cube_max_norm(a: Hex, b: Hex) -> None:
    d = hex_subtract(a, b)
    assert distance(a, b) == max(abs(d.q), abs(d.r), abs(d.s))


@given(hexes)
def test_neighbors_are_six_distinct_at_distance_one(h: Hex) -> None:
    ns = neighbors(h)
    assert len(ns) == 6
    assert len(set(ns)) == 6
    assert all(distance(h, n) == 1 for n in ns)
    assert ns == [neighbor(h, d) for d in range(6)]


@given(hexes, directions)
def test_opposite_round_trip(h: Hex, d: int) -> None:
    assert opposite(opposite(d)) == d
    assert opposite(d) != d
    assert neighbor(neighbor(h, d), opposite(d)) == h
    assert hex_add(DIRECTIONS[d], DIRECTIONS[opposite(d)]) == Hex(0, 0)


@given(hexes, directions, st.integers(min_value=-20, max_value=20))
def test_hex_scale_steps_along_a_direction(h: Hex, d: int, k: int) -> None:
    assert distance(h, hex_add(h, hex_scale(DIRECTIONS[d], k))) == abs(k)


@given(hexes)
def test_axial_offset_round_trip(h: Hex) -> None:
    assert offset_to_axial(*axial_to_offset(h)) == h


@given(coord, coord)
def test_offset_axial_round_trip(col: int, row: int) -> None:
    assert axial_to_offset(offset_to_axial(col, row)) == (col, row)


@given(coord, coord)
def test_offset_odd_rows_shoved_right(col: int, row: int) -> None:
    """In odd-r the hex below-right (SE) of (col, row) is at col + 1 on odd rows and col on even rows."""
    se = axial_to_offset(neighbor(offset_to_axial(col, row), direction_index("SE")))
    assert se == (col + (row & 1), row + 1)


@given(layouts, st.builds(Hex, st.integers(-500, 500), st.integers(-500, 500)))
def test_pixel_round_trip(layout: Layout, h: Hex) -> None:
    x, y = hex_to_pixel(layout, h)
    assert pixel_to_hex(layout, x, y) == h
    f = pixel_to_hex_fractional(layout, x, y)
    assert (f.q, f.r) == pytest.approx((h.q, h.r), abs=1e-6)


@given(
    st.floats(min_value=1.0, max_value=100.0),
    st.floats(min_value=-5000.0, max_value=5000.0),
    st.floats(min_value=-5000.0, max_value=5000.0),
)
def test_pixel_to_hex_picks_nearest_centre(size: float, x: float, y: float) -> None:
    layout = Layout(size, size, 0.0, 0.0)
    h = pixel_to_hex(layout, x, y)
    cx, cy = hex_to_pixel(layout, h)
    own = math.hypot(x - cx, y - cy)
    for n in neighbors(h):
        nx, ny = hex_to_pixel(layout, n)
        assert own <= math.hypot(x - nx, y - ny) + 1e-6 * size


@given(hexes)
def test_hex_round_of_integer_hex_is_itself(h: Hex) -> None:
    assert hex_round(FractionalHex(float(h.q), float(h.r))) == h


@given(fractional_hexes)
def test_hex_round_lands_in_the_containing_hex(f: FractionalHex) -> None:
    """The rounded hex's cell (|dq-dr|, |dr-ds|, |ds-dq| <= 1 in cube space) contains the point."""
    h = hex_round(f)
    dq, dr, ds = f.q - h.q, f.r - h.r, f.s - h.s
    assert max(abs(dq - dr), abs(dr - ds), abs(ds - dq)) <= 1.0 + 1e-9


@given(
    st.integers(min_value=-400, max_value=400),
    st.integers(min_value=-400, max_value=400),
    st.builds(Hex, st.integers(-100, 100), st.integers(-100, 100)),
)
def test_hex_round_commutes_with_translation(k_q: int, k_r: int, t: Hex) -> None:
    """Quarter-hex points are exact in binary and include exact ties; half-up breaks them alike everywhere."""
    f = FractionalHex(k_q / 4, k_r / 4)
    moved = FractionalHex(f.q + t.q, f.r + t.r)
    assert hex_round(moved) == hex_add(hex_round(f), t)


@given(small_hexes, small_hexes)
def test_line_properties(a: Hex, b: Hex) -> None:
    ls = line(a, b)
    assert len(ls) == distance(a, b) + 1
    assert ls[0] == a
    assert ls[-1] == b
    assert all(distance(p, n) == 1 for p, n in itertools.pairwise(ls))


@given(small_hexes, small_hexes)
def test_line_is_symmetric(a: Hex, b: Hex) -> None:
    """Line of sight must not depend on who is looking: same hexes either way."""
    assert line(b, a) == line(a, b)[::-1]


@given(small_hexes, small_hexes, small_hexes)
def test_line_commutes_with_translation(a: Hex, b: Hex, t: Hex) -> None:
    moved = line(hex_add(a, t), hex_add(b, t))
    assert moved == [hex_add(h, t) for h in line(a, b)]


@given(small_hexes, st.integers(min_value=1, max_value=30))
def test_ring_size_and_distance(center: Hex, k: int) -> None:
    rg = ring(center, k)
    assert len(rg) == 6 * k
    assert len(set(rg)) == 6 * k
    assert all(distance(center, h) == k for h in rg)
    assert rg[0] == hex_add(center, hex_scale(DIRECTIONS[4], k))
    assert all(distance(p, n) == 1 for p, n in zip(rg, rg[1:] + rg[:1], strict=True))


@given(small_hexes)
def test_ring_zero_is_center(center: Hex) -> None:
    assert ring(center, 0) == [center]


@given(small_hexes, st.integers(min_value=0, max_value=20))
def test_spiral_size_and_contents(center: Hex, k: int) -> None:
    sp = spiral(center, k)
    assert len(sp) == 1 + 3 * k * (k + 1)
    assert len(set(sp)) == len(sp)
    assert sp[0] == center
    assert all(distance(center, h) <= k for h in sp)
    assert [distance(center, h) for h in sp] == sorted(distance(center, h) for h in sp)


@given(layouts, hexes, directions)
def test_edge_corners_bound_the_hexside(layout: Layout, h: Hex, d: int) -> None:
    """Midpoint of the two corners is half way between this hex's centre and the neighbour's centre."""
    i, j = edge_corners(d)
    corners = polygon_corners(layout, h)
    mx = (corners[i][0] + corners[j][0]) / 2
    my = (corners[i][1] + corners[j][1]) / 2
    cx, cy = hex_to_pixel(layout, h)
    nx, ny = hex_to_pixel(layout, neighbor(h, d))
    scale = max(layout.size_x, layout.size_y)
    assert mx == pytest.approx((cx + nx) / 2, abs=1e-9 * scale + 1e-6)
    assert my == pytest.approx((cy + ny) / 2, abs=1e-9 * scale + 1e-6)


@given(directions)
def test_edge_corners_adjacent_and_shared_with_neighbour(d: int) -> None:
    """The two corners are consecutive, and the neighbour sees the same side through opposite(d)."""
    layout = Layout(10.0, 10.0, 0.0, 0.0)
    i, j = edge_corners(d)
    assert (j - i) % 6 == 1
    here = [polygon_corners(layout, Hex(0, 0))[k] for k in (i, j)]
    there = [polygon_corners(layout, DIRECTIONS[d])[k] for k in edge_corners(opposite(d))]
    # Same two points, in the opposite order (each hex lists its corners in the same rotational sense).
    assert here[0] == pytest.approx(there[1], abs=1e-9)
    assert here[1] == pytest.approx(there[0], abs=1e-9)


@given(layouts, st.integers(min_value=0, max_value=5))
def test_corner_offsets_lie_on_scaled_unit_circle(layout: Layout, corner: int) -> None:
    ox, oy = hex_corner_offset(layout, corner)
    assert (ox / layout.size_x) ** 2 + (oy / layout.size_y) ** 2 == pytest.approx(1.0)


@given(hexes, hexes, st.floats(min_value=0.0, max_value=1.0))
def test_hex_lerp_endpoints_and_constraint(a: Hex, b: Hex, t: float) -> None:
    assert hex_lerp(a, b, 0.0) == FractionalHex(a.q, a.r)
    assert hex_lerp(a, b, 1.0) == FractionalHex(b.q, b.r)
    f = hex_lerp(a, b, t)
    assert f.q + f.r + f.s == pytest.approx(0.0, abs=1e-9)


@given(int_lists, st.data())
def test_offset_to_axial_arrays_agrees_with_scalar(cols: list[int], data: st.DataObject) -> None:
    rows = data.draw(st.lists(st.integers(-500, 500), min_size=len(cols), max_size=len(cols)))
    q, r = offset_to_axial_arrays(np.array(cols), np.array(rows))
    assert [Hex(int(a), int(b)) for a, b in zip(q, r, strict=True)] == [
        offset_to_axial(c, w) for c, w in zip(cols, rows, strict=True)
    ]


@given(st.lists(st.tuples(coord, coord, coord, coord), min_size=1, max_size=30))
def test_distance_arrays_agrees_with_scalar(quads: list[tuple[int, int, int, int]]) -> None:
    q1, r1, q2, r2 = (np.array(col) for col in zip(*quads, strict=True))
    got = distance_arrays(q1, r1, q2, r2)
    assert np.issubdtype(got.dtype, np.integer)
    assert got.tolist() == [distance(Hex(a, b), Hex(c, d)) for a, b, c, d in quads]


@given(small_hexes, st.integers(min_value=0, max_value=6))
def test_distance_arrays_broadcasts_one_against_many(h: Hex, k: int) -> None:
    area = spiral(Hex(0, 0), k)
    qs = np.array([p.q for p in area])
    rs = np.array([p.r for p in area])
    got = distance_arrays(qs, rs, h.q, h.r)
    assert got.tolist() == [distance(p, h) for p in area]
