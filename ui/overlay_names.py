"""The overlays by key (pygame-free, so `wargame --help` can name them without importing pygame)."""

OVERLAYS: dict[int, str] = {
    1: "movement cost",
    2: "defence",
    3: "concealment / ambush",
    4: "line of sight",
    5: "drone coverage",
    6: "supply",
    7: "control",
    8: "height",
    9: "terrain key",
}
