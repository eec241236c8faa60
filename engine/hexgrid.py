"""Hex-grid maths: axial coordinates, pointy-top hexes.

Everything here follows Red Blob Games' guide
(https://www.redblobgames.com/grids/hexagons/ and its ``implementation.html`` page) so that the
algorithms, and the reference's published test values, can be checked against a well-known source.

Conventions used by the whole engine:

* ``Hex(q, r)`` is axial; the implied cube coordinate is ``s = -q - r``.
* Hexes are pointy-top. Screen/pixel ``y`` grows downwards (south), so ``r`` grows south and
  ``DIRECTIONS`` / ``DIRECTION_NAMES`` are named as seen on screen.
* Scenario files use odd-r offset coordinates ``(col, row)``: odd rows are shoved right by half a hex.

The module is pure Python + numpy (no pygame), so the engine can use it headless.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = [
    "DIRECTIONS",
    "DIRECTION_NAMES",
    "FractionalHex",
    "Hex",
    "Layout",
    "axial_to_offset",
    "direction_index",
    "distance",
    "distance_arrays",
    "edge_corners",
    "hex_add",
    "hex_corner_offset",
    "hex_lerp",
    "hex_round",
    "hex_scale",
    "hex_subtract",
    "hex_to_pixel",
    "line",
    "neighbor",
    "neighbors",
    "offset_to_axial",
    "offset_to_axial_arrays",
    "opposite",
    "pixel_to_hex",
    "pixel_to_hex_fractional",
    "polygon_corners",
    "ring",
    "spiral",
]

_SQRT3 = math.sqrt(3.0)


class Hex(NamedTuple):
    """An axial hex coordinate; immutable and hashable so it can key dicts and sets.

    >>> h = Hex(1, -3)
    >>> h.s
    2
    """

    q: int
    r: int

    @property
    def s(self) -> int:
        """Third cube coordinate, derived so that ``q + r + s == 0`` always holds."""
        return -self.q - self.r


class FractionalHex(NamedTuple):
    """A point in axial space with real coordinates (pixel picks, line interpolation).

    >>> FractionalHex(0.5, -1.5).s
    1.0
    """

    q: float
    r: float

    @property
    def s(self) -> float:
        """Third cube coordinate, ``-q - r``."""
        return -self.q - self.r


# Order and names follow Red Blob's ``hex_directions``; names are as seen on a pointy-top map with y down.
DIRECTIONS: tuple[Hex, ...] = (Hex(1, 0), Hex(1, -1), Hex(0, -1), Hex(-1, 0), Hex(-1, 1), Hex(0, 1))
DIRECTION_NAMES: tuple[str, ...] = ("E", "NE", "NW", "W", "SW", "SE")


def direction_index(name: str) -> int:
    """Map a hexside name used in scenario files (``"E"``, ``"NE"``, ...) to an index into ``DIRECTIONS``.

    Matching is exact (upper case), as in the scenario format, so typos fail loudly.

    >>> direction_index("SW")
    4
    >>> direction_index("N")
    Traceback (most recent call last):
    ...
    ValueError: unknown hex direction 'N'; expected one of E, NE, NW, W, SW, SE
    """
    try:
        return DIRECTION_NAMES.index(name)
    except ValueError:
        raise ValueError(
            f"unknown hex direction {name!r}; expected one of {', '.join(DIRECTION_NAMES)}"
        ) from None


def opposite(d: int) -> int:
    """Index of the opposite direction: the same hexside seen from the neighbouring hex.

    >>> DIRECTION_NAMES[opposite(direction_index("NE"))]
    'SW'
    """
    return (d + 3) % 6


def hex_add(a: Hex, b: Hex) -> Hex:
    """Component-wise sum (``Hex`` is a tuple, so ``+`` would concatenate instead).

    >>> hex_add(Hex(1, -3), Hex(3, -7))
    Hex(q=4, r=-10)
    """
    return Hex(a.q + b.q, a.r + b.r)


def hex_subtract(a: Hex, b: Hex) -> Hex:
    """Component-wise difference ``a - b``.

    >>> hex_subtract(Hex(1, -3), Hex(3, -7))
    Hex(q=-2, r=4)
    """
    return Hex(a.q - b.q, a.r - b.r)


def hex_scale(a: Hex, k: int) -> Hex:
    """Multiply a hex vector by an integer, e.g. to step ``k`` hexes in one direction.

    >>> hex_scale(DIRECTIONS[0], 3)
    Hex(q=3, r=0)
    """
    return Hex(a.q * k, a.r * k)


def neighbor(h: Hex, d: int) -> Hex:
    """The hex adjacent to ``h`` across hexside ``d`` (an index into ``DIRECTIONS``).

    >>> neighbor(Hex(1, -2), 2)
    Hex(q=1, r=-3)
    """
    dh = DIRECTIONS[d]
    return Hex(h.q + dh.q, h.r + dh.r)


def neighbors(h: Hex) -> list[Hex]:
    """All six neighbours in ``DIRECTIONS`` order, so ``neighbors(h)[d] == neighbor(h, d)``.

    >>> neighbors(Hex(0, 0))[:2]
    [Hex(q=1, r=0), Hex(q=1, r=-1)]
    """
    return [Hex(h.q + d.q, h.r + d.r) for d in DIRECTIONS]


def distance(a: Hex, b: Hex) -> int:
    """Number of hex steps between ``a`` and ``b`` (cube Manhattan distance / 2).

    >>> distance(Hex(3, -7), Hex(0, 0))
    7
    """
    dq = a.q - b.q
    dr = a.r - b.r
    return (abs(dq) + abs(dr) + abs(dq + dr)) // 2


def _round_half_up(x: float) -> int:
    """Round to nearest, ties towards +infinity, like JavaScript's ``Math.round`` used by the reference.

    Written as floor + exact remainder rather than ``floor(x + 0.5)``, which misrounds
    0.49999999999999994 because the addition itself rounds up to 1.0.
    """
    f = math.floor(x)
    return int(f) + 1 if x - f >= 0.5 else int(f)


def hex_round(f: FractionalHex) -> Hex:
    """The hex containing a fractional point, via the reference's cube rounding.

    Each cube coordinate is rounded and the one that moved furthest is recomputed from the other two, so
    the result always satisfies ``q + r + s == 0``.

    Halves are rounded up (towards +infinity, as the reference's JavaScript ``Math.round``), NOT with
    Python's ``round()``, which rounds halves to even. Banker's rounding would make the result of a point
    exactly on a hexside depend on the parity of its coordinates, so ties would break differently in
    different parts of the map; half-up makes ``hex_round`` commute with translation by whole hexes.
    When two coordinates moved equally far, ``r`` is recomputed before ``s`` (the reference's ``>`` tests).

    >>> hex_round(FractionalHex(5.0, -10.0))
    Hex(q=5, r=-10)
    >>> hex_round(FractionalHex(0.3, -0.6))
    Hex(q=0, r=0)
    >>> hex_round(FractionalHex(0.5, -0.5)), hex_round(FractionalHex(1.5, -0.5))
    (Hex(q=1, r=-1), Hex(q=2, r=-1))
    """
    fs = f.s
    q = _round_half_up(f.q)
    r = _round_half_up(f.r)
    s = _round_half_up(fs)
    q_diff = abs(q - f.q)
    r_diff = abs(r - f.r)
    s_diff = abs(s - fs)
    if q_diff > r_diff and q_diff > s_diff:
        q = -r - s
    elif r_diff > s_diff:
        r = -q - s
    # else: s is the one to recompute, and s is not stored.
    return Hex(q, r)


def hex_lerp(a: Hex | FractionalHex, b: Hex | FractionalHex, t: float) -> FractionalHex:
    """Linear interpolation in axial space; ``t = 0`` gives ``a`` and ``t = 1`` gives ``b``.

    >>> hex_lerp(Hex(0, 0), Hex(10, -20), 0.5)
    FractionalHex(q=5.0, r=-10.0)
    """
    return FractionalHex(a.q * (1.0 - t) + b.q * t, a.r * (1.0 - t) + b.r * t)


# Red Blob's line-draw nudge (the guide's epsilon hex Cube(1e-6, 2e-6, -3e-6)). Its q, r and s parts all
# differ in size, so it is not parallel to any hexside and it breaks every exact tie; the implementation
# page's (1e-6, 1e-6, -2e-6) runs parallel to the NE/SW hexsides and would leave those ties to chance.
_LINE_NUDGE = FractionalHex(1e-6, 2e-6)


def line(a: Hex, b: Hex) -> list[Hex]:
    """Hexes on the straight line from ``a`` to ``b``, both ends included; also used for line of sight.

    Samples ``distance(a, b) + 1`` evenly spaced points and rounds each with ``hex_round``. Where the exact
    line runs along a hexside or through a corner, a sample lies on the boundary of two hexes; both ends
    are nudged by the same tiny epsilon (q +1e-6, r +2e-6, s -3e-6), as Red Blob does, so such ties always
    break the same way. On screen the nudge points down-right (about 41 degrees below east), so of two
    tied hexes the one to the E beats W, SW beats NE and SE beats NW. Because the nudge is the same at both
    ends, the result does not depend on direction: ``line(b, a) == line(a, b)[::-1]``, so line of sight
    is symmetric.

    >>> line(Hex(0, 0), Hex(1, -5))
    [Hex(q=0, r=0), Hex(q=0, r=-1), Hex(q=0, r=-2), Hex(q=1, r=-3), Hex(q=1, r=-4), Hex(q=1, r=-5)]
    >>> line(Hex(0, 0), Hex(2, -1))  # passes exactly between Hex(1, 0) and Hex(1, -1)
    [Hex(q=0, r=0), Hex(q=1, r=0), Hex(q=2, r=-1)]
    """
    n = distance(a, b)
    a_nudge = FractionalHex(a.q + _LINE_NUDGE.q, a.r + _LINE_NUDGE.r)
    b_nudge = FractionalHex(b.q + _LINE_NUDGE.q, b.r + _LINE_NUDGE.r)
    step = 1.0 / max(n, 1)
    return [hex_round(hex_lerp(a_nudge, b_nudge, step * i)) for i in range(n + 1)]


def ring(center: Hex, radius: int) -> list[Hex]:
    """Hexes exactly ``radius`` steps from ``center``, in Red Blob's order.

    Starts at ``center + DIRECTIONS[4] * radius`` (south-west) and walks ``radius`` steps in each of
    directions 0..5. ``radius == 0`` gives ``[center]``.

    >>> ring(Hex(0, 0), 1)
    [Hex(q=-1, r=1), Hex(q=0, r=1), Hex(q=1, r=0), Hex(q=1, r=-1), Hex(q=0, r=-1), Hex(q=-1, r=0)]
    """
    if radius < 0:
        raise ValueError(f"ring radius must be >= 0, got {radius}")
    if radius == 0:
        return [center]
    results: list[Hex] = []
    h = hex_add(center, hex_scale(DIRECTIONS[4], radius))
    for d in range(6):
        for _ in range(radius):
            results.append(h)
            h = neighbor(h, d)
    return results


def spiral(center: Hex, radius: int) -> list[Hex]:
    """All hexes within ``radius`` of ``center``: the centre first, then rings 1..radius (1 + 3k(k+1) hexes).

    >>> len(spiral(Hex(0, 0), 2))
    19
    """
    if radius < 0:
        raise ValueError(f"spiral radius must be >= 0, got {radius}")
    results = [center]
    for k in range(1, radius + 1):
        results.extend(ring(center, k))
    return results


def offset_to_axial(col: int, row: int) -> Hex:
    """Convert odd-r offset coordinates (scenario files) to axial.

    ``row & 1`` rather than ``row % 2`` keeps negative rows right (as in the reference).

    >>> offset_to_axial(0, 2), offset_to_axial(0, -1)
    (Hex(q=-1, r=2), Hex(q=1, r=-1))
    """
    return Hex(col - (row - (row & 1)) // 2, row)


def axial_to_offset(h: Hex) -> tuple[int, int]:
    """Convert axial to odd-r offset ``(col, row)``; inverse of ``offset_to_axial``.

    >>> axial_to_offset(Hex(-1, 2))
    (0, 2)
    """
    return h.q + (h.r - (h.r & 1)) // 2, h.r


class Layout(NamedTuple):
    """Where hexes sit on screen: pointy-top only, sizes are centre-to-corner radii in pixels per axis.

    Separate x/y sizes allow squashed hexes; the origin is the pixel centre of ``Hex(0, 0)``.
    """

    size_x: float
    size_y: float
    origin_x: float
    origin_y: float


def hex_to_pixel(layout: Layout, h: Hex) -> tuple[float, float]:
    """Pixel centre of a hex: ``x = size_x*(sqrt3*q + sqrt3/2*r)``, ``y = size_y*(3/2*r)``, plus origin.

    >>> hex_to_pixel(Layout(10.0, 10.0, 0.0, 0.0), Hex(0, 2))
    (17.32050807568877, 30.0)
    """
    x = (_SQRT3 * h.q + _SQRT3 / 2.0 * h.r) * layout.size_x
    y = (1.5 * h.r) * layout.size_y
    return x + layout.origin_x, y + layout.origin_y


def pixel_to_hex_fractional(layout: Layout, x: float, y: float) -> FractionalHex:
    """Inverse of ``hex_to_pixel`` without rounding, for callers that need the position inside a hex.

    >>> pixel_to_hex_fractional(Layout(10.0, 10.0, 0.0, 0.0), 0.0, 15.0)  # on the side of Hex(-1,1)/Hex(0,1)
    FractionalHex(q=-0.5, r=1.0)
    """
    px = (x - layout.origin_x) / layout.size_x
    py = (y - layout.origin_y) / layout.size_y
    q = _SQRT3 / 3.0 * px - 1.0 / 3.0 * py
    r = 2.0 / 3.0 * py
    return FractionalHex(q, r)


def pixel_to_hex(layout: Layout, x: float, y: float) -> Hex:
    """The hex under a pixel (mouse picking).

    >>> pixel_to_hex(Layout(10.0, 10.0, 0.0, 0.0), 18.0, 29.0)
    Hex(q=0, r=2)
    """
    return hex_round(pixel_to_hex_fractional(layout, x, y))


def hex_corner_offset(layout: Layout, corner: int) -> tuple[float, float]:
    """Offset of corner ``corner`` (0..5) from a hex centre.

    Angle is ``60 * (0.5 - corner)`` degrees with y down, as in the reference: corner 0 is the lower-right
    corner (30 degrees below east), then going round anticlockwise on screen: 1 upper right, 2 top, 3 upper
    left, 4 lower left, 5 bottom.

    >>> [round(v, 6) for v in hex_corner_offset(Layout(10.0, 10.0, 0.0, 0.0), 2)]
    [0.0, -10.0]
    """
    angle = 2.0 * math.pi * (0.5 - corner) / 6.0
    return layout.size_x * math.cos(angle), layout.size_y * math.sin(angle)


def polygon_corners(layout: Layout, h: Hex) -> list[tuple[float, float]]:
    """The six pixel corners of a hex, in ``hex_corner_offset`` order, ready for a polygon draw call.

    >>> [(round(x, 3), round(y, 3)) for x, y in polygon_corners(Layout(10.0, 10.0, 0.0, 0.0), Hex(0, 0))]
    [(8.66, 5.0), (8.66, -5.0), (0.0, -10.0), (-8.66, -5.0), (-8.66, 5.0), (-0.0, 10.0)]
    """
    cx, cy = hex_to_pixel(layout, h)
    corners: list[tuple[float, float]] = []
    for i in range(6):
        ox, oy = hex_corner_offset(layout, i)
        corners.append((cx + ox, cy + oy))
    return corners


def edge_corners(d: int) -> tuple[int, int]:
    """Indices into ``polygon_corners`` of the two corners bounding the hexside facing direction ``d``.

    With the reference's corner numbering, the side towards ``DIRECTIONS[d]`` runs from corner ``d`` to
    corner ``d + 1`` (e.g. E is bounded by the lower-right and upper-right corners), so the UI can draw
    hexside features such as cliffs on the correct edge.

    >>> edge_corners(direction_index("E")), edge_corners(direction_index("SE"))
    ((0, 1), (5, 0))
    """
    if not 0 <= d < 6:
        raise ValueError(f"direction index must be in 0..5, got {d}")
    return d, (d + 1) % 6


def offset_to_axial_arrays(cols: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``offset_to_axial`` (odd-r) for whole-map precomputation.

    Inputs must be integer arrays; they are broadcast together, so both outputs have the same shape.

    >>> q, r = offset_to_axial_arrays(np.array([0, 0, 3]), np.array([2, -1, 3]))
    >>> q.tolist(), r.tolist()
    ([-1, 1, 2], [2, -1, 3])
    """
    c, rw = np.broadcast_arrays(np.asarray(cols), np.asarray(rows))
    if not (np.issubdtype(c.dtype, np.integer) and np.issubdtype(rw.dtype, np.integer)):
        raise TypeError(f"offset coordinates must be integer arrays, got {c.dtype} and {rw.dtype}")
    q = c - (rw - (rw & 1)) // 2
    return q, rw.copy()


def distance_arrays(q1: np.ndarray, r1: np.ndarray, q2: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """Vectorised ``distance`` with numpy broadcasting, e.g. one hex against every hex on the map.

    >>> distance_arrays(np.array([3, 0]), np.array([-7, 0]), 0, 0).tolist()
    [7, 0]
    """
    dq = np.asarray(q1) - np.asarray(q2)
    dr = np.asarray(r1) - np.asarray(r2)
    return (np.abs(dq) + np.abs(dr) + np.abs(dq + dr)) // 2
