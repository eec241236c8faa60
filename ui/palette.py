"""Colours: terrain, sides, overlays. Two palettes: default and colour-blind safe (Okabe–Ito based)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Colour = tuple[int, int, int]

# terrain by code (see engine/terrain.py); chosen to differ in lightness as well as hue
TERRAIN_DEFAULT: dict[str, Colour] = {
    "p": (206, 214, 150),  # plain / valley floor: pale olive
    "h": (190, 170, 118),  # hills: tan
    "m": (160, 146, 132),  # mountain: grey-brown rock
    "f": (92, 138, 82),  # forest: green
    "r": (86, 84, 96),  # ravine / gorge: dark slate
    "t": (196, 150, 140),  # town: brick
    "v": (214, 190, 160),  # village: light brick
}
TERRAIN_CB: dict[str, Colour] = {
    "p": (232, 226, 170),
    "h": (200, 170, 110),
    "m": (150, 150, 150),
    "f": (60, 140, 110),  # bluish green (Okabe–Ito #009E73, lightened)
    "r": (70, 70, 90),
    "t": (204, 121, 167),  # reddish purple
    "v": (226, 180, 205),
}

SCENARIO_TERRAIN: tuple[Colour, ...] = ((140, 186, 196), (228, 206, 140), (176, 132, 170), (120, 176, 150),
                                        (206, 150, 96), (150, 150, 206))
"""Fills for terrain codes a scenario adds (a marsh, a sand flat...): none of the built-in ones, nor the
no-data grey, so an author's new terrain shows where it is (its name is in the hover panel)."""


ROCK_WORDS: tuple[str, ...] = ("crag", "rock", "scree", "cliff", "boulder", "karst", "peak", "summit",
                               "mountain", "massif")
"""Words in the name of a terrain a scenario adds that make it bare rock on the map: the palette's mountain
colour, darker (lesson 5's "high crags" got `SCENARIO_TERRAIN`'s first colour, a pale blue, and read as ice)."""

NOT_ROCK_WORDS: tuple[str, ...] = ("forest", "wood", "tree", "meadow", "pasture", "grass", "scrub", "bush", "orchard",
                                   "vineyard", "farm", "village", "town", "road", "marsh", "swamp", "bog", "lake",
                                   "river", "rocket")
"""Words that say a terrain is not bare rock whatever else its name says: "mountain forest", "summit road" and
"cliff village" keep a look of their own (`SCENARIO_TERRAIN`), not the dark rock with teeth."""

ROCK_DARKER = -0.22
"""How much darker than the palette's mountain an added rock terrain is: rock, yet not the passable mountain."""


def looks_like_rock(name: str) -> bool:
    """Whether a terrain's name says bare rock (`ROCK_WORDS`, whole words or their start: "crags", "rocky").

    >>> looks_like_rock("high crags"), looks_like_rock("Rocky scree"), looks_like_rock("marsh"), looks_like_rock("")
    (True, True, False, False)
    >>> looks_like_rock("mountain forest"), looks_like_rock("summit road"), looks_like_rock("boulder field")
    (False, False, True)
    """
    words = re.findall(r"[a-z]+", name.lower())
    if any(w.startswith(v) for w in words for v in NOT_ROCK_WORDS):
        return False
    return any(w.startswith(r) for w in words for r in ROCK_WORDS)


def hex_colour(text: str) -> Colour:
    """"#3a78c8" as (58, 120, 200).

    >>> hex_colour("#3a78c8")
    (58, 120, 200)
    """
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


def terrain_colours(terrain: dict[str, Colour], codes: list[str],
                    names: dict[str, str] | None = None, given: dict[str, str] | None = None) -> dict[str, Colour]:
    """The palette's fill for each terrain code of a map; the codes the palette does not know get rock (the
    mountain colour, `ROCK_DARKER`) when their name in `names` (code -> the terrain table's name) says rock
    (`looks_like_rock`), else the `SCENARIO_TERRAIN` colours in the order the map's table lists them (so two
    new codes differ, up to six).

    >>> c = terrain_colours(TERRAIN_DEFAULT, ["p", "f", "w", "s"])
    >>> c["f"], c["w"] == SCENARIO_TERRAIN[0], c["s"] == SCENARIO_TERRAIN[1]
    ((92, 138, 82), True, True)
    >>> c = terrain_colours(TERRAIN_DEFAULT, ["p", "x", "w"], {"x": "high crags", "w": "marsh"})
    >>> c["x"] == shade(TERRAIN_DEFAULT["m"], ROCK_DARKER), c["w"] == SCENARIO_TERRAIN[0]
    (True, True)
    >>> terrain_colours(TERRAIN_DEFAULT, ["p", "l"], given={"l": "#3a78c8"})["l"]
    (58, 120, 200)

    `given`: the scenario's own colours (`TerrainType.colour`, code -> "#rrggbb"), which come first.
    """
    out: dict[str, Colour] = {}
    new = 0
    for code in codes:
        if code in out:
            continue
        if given and given.get(code):
            out[code] = hex_colour(given[code])
        elif code in terrain:
            out[code] = terrain[code]
        elif names is not None and "m" in terrain and looks_like_rock(names.get(code, "")):
            out[code] = shade(terrain["m"], ROCK_DARKER)
        else:
            out[code] = SCENARIO_TERRAIN[new % len(SCENARIO_TERRAIN)]
            new += 1
    return out


@dataclass
class Palette:
    name: str
    terrain: dict[str, Colour]
    side: tuple[Colour, Colour]  # attacker, defender counter fill
    side_dark: tuple[Colour, Colour]
    road_main: Colour = (214, 60, 30)
    road_casing: Colour = (40, 20, 10)
    road_secondary: Colour = (240, 200, 60)
    road_track: Colour = (90, 60, 30)
    river: Colour = (40, 110, 220)
    cliff: Colour = (20, 14, 10)  # cliff edge and downhill teeth
    cliff_light: Colour = (250, 246, 228)  # casing round the cliff, so it shows on dark terrain too
    ravine_line: Colour = (150, 140, 150)  # rock hatch inside gorge hexes: grey, never water-blue
    ravine_rim: Colour = (34, 30, 38)  # where a gorge meets other terrain
    objective: Colour = (255, 200, 0)
    tree: Colour = (40, 90, 40)
    grid: Colour = (0, 0, 0)
    label: Colour = (20, 20, 20)
    label_halo: Colour = (255, 255, 240)
    panel_bg: Colour = (30, 33, 40)
    panel_fg: Colour = (225, 228, 235)
    panel_dim: Colour = (150, 155, 165)
    accent: Colour = (255, 210, 70)
    good: Colour = (110, 220, 120)
    bad: Colour = (255, 110, 90)
    reach: Colour = (255, 255, 120)
    path: Colour = (255, 255, 255)
    select: Colour = (255, 240, 0)
    highlight: Colour = (255, 0, 255)
    log: tuple[Colour, Colour, Colour] | None = None
    """The event log's text for the attacker's rows, the defender's and the turn's first row (the grounded ones
    are `bad`); None: the side colours lightened and `accent`. Set where those come too close on the log's dark
    ground (the colour-blind palette's lightened orange was the accent's yellow)."""
    words: dict[str, str] = field(default_factory=lambda: {"attacker": "red", "defender": "blue",
                                                            "road_main": "red", "river": "blue"})
    """What the help calls the colours that carry meaning (it must match the palette in use)."""
    ramp: list[Colour] = field(default_factory=lambda: [(69, 117, 180), (145, 191, 219), (224, 243, 248),
                                                        (254, 224, 144), (252, 141, 89), (215, 48, 39)])
    """The numeric overlays' ramp (move cost, defence, supply cost), low -> high: ColorBrewer's RdYlBu, blue to
    red, whose steps differ in lightness and on the blue-yellow axis. The green-to-red ramp it replaces collapsed
    for a red-green colour-blind pupil: defence +0 and +2 looked alike (a class rehearsal, by a deuteranopia
    simulation; two of its steps were 1.3 apart in CIELAB under it, these 19 or more)."""
    height_ramp: list[Colour] = field(default_factory=lambda: [(30, 110, 70), (110, 170, 80), (230, 220, 120),
                                                               (200, 140, 70), (140, 80, 50), (245, 240, 235)])
    """The height overlay's ramp, low -> high: a printed map's hypsometric tints (green lowland, yellow, brown
    uplands, white peaks)."""
    cover_ramp: list[Colour] = field(default_factory=lambda: [(240, 234, 205), (188, 214, 140), (96, 160, 88),
                                                              (28, 96, 52)])
    """The concealment overlay's ramp, open -> best cover: pale to dark green, as a printed map shades woods (a
    teacher read the general ramp's red, on the best hiding ground, as danger)."""


DEFAULT = Palette("default", TERRAIN_DEFAULT, side=((214, 78, 64), (70, 120, 210)),
                  side_dark=((120, 30, 25), (25, 50, 120)))
# Okabe–Ito: vermillion #D55E00 vs blue #0072B2; ramp from blue to orange (safe for deuteranopia)
COLORBLIND = Palette("colorblind", TERRAIN_CB, side=((230, 159, 0), (86, 180, 233)),
                     side_dark=((140, 70, 0), (0, 80, 140)),
                     road_main=(213, 94, 0), road_secondary=(240, 228, 66), river=(0, 114, 178),
                     # "bad" pink, not red: red on "good" green was one olive to deuteranopes (GROUNDED / CAN FLY,
                     # reveals / stays hidden); the log's rows told apart under deutan/protan simulation too
                     bad=(255, 100, 200), log=((240, 160, 40), (120, 200, 255), (255, 240, 120)),
                     highlight=(204, 121, 167), cliff=(0, 0, 0), cliff_light=(255, 255, 255),
                     ravine_line=(150, 150, 172), ravine_rim=(20, 20, 35),
                     words={"attacker": "orange", "defender": "light blue", "road_main": "vermilion",
                            "river": "dark blue"},
                     ramp=[(0, 114, 178), (86, 180, 233), (200, 230, 240), (240, 228, 66), (230, 159, 0),
                           (213, 94, 0)],
                     # dark to light (viridis): the bands are told apart by lightness alone
                     height_ramp=[(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)],
                     # light to dark blue: one hue, told apart by lightness alone
                     cover_ramp=[(236, 240, 244), (150, 198, 228), (56, 128, 188), (8, 58, 116)])

PALETTES = {"default": DEFAULT, "colorblind": COLORBLIND}


def get(name: str) -> Palette:
    if name not in PALETTES:
        raise KeyError(f"unknown palette {name!r}; expected {' or '.join(PALETTES)}")
    return PALETTES[name]


def shade(c: Colour, f: float) -> Colour:
    """f > 0 lightens toward white, f < 0 darkens toward black (|f| <= 1)."""
    f = max(-1.0, min(1.0, f))
    if f >= 0:
        return tuple(int(v + (255 - v) * f) for v in c)  # type: ignore[return-value]
    return tuple(int(v * (1 + f)) for v in c)  # type: ignore[return-value]


def ramp(p: Palette, t: float, colours: list[Colour] | None = None) -> Colour:
    """Colour for t in [0, 1] along the palette's ramp (or along `colours`, another of its ramps)."""
    stops = p.ramp if colours is None else colours
    t = max(0.0, min(1.0, t))
    n = len(stops) - 1
    i = min(int(t * n), n - 1)
    f = t * n - i
    a, b = stops[i], stops[i + 1]
    return tuple(int(a[k] + (b[k] - a[k]) * f) for k in range(3))  # type: ignore[return-value]
