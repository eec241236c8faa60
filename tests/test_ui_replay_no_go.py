"""Session 25: the full replay (both sides, `wargame replay` without --side) drew the attacker's no-go areas as
unlabelled dark shading, as if they were the map's terrain. It now hatches every side's no-go areas in that
side's colour, names the side in each label and in a legend; a replay seen as one side, and the game, keep that
side's own hatching as before (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

from conftest import variant

from engine.rules import new_game
from engine.savegame import save_dict

SIZE = (1280, 800)


def both_no_go() -> Any:
    """The tiny scenario with a no-go area for each side."""
    def edit(doc: dict[str, Any]) -> None:
        doc["sides"]["attacker"]["no_go"] = [{"name": "North hills", "from": [7, 0], "to": [9, 1]}]
        doc["sides"]["defender"]["no_go"] = [{"name": "South farms", "from": [7, 6], "to": [9, 7]}]

    return variant(edit)


def replay(scen: Any, side: str | None) -> Any:
    from ui.replay import ReplayApp, ReplayModel

    return ReplayApp(ReplayModel.from_save_dict(save_dict(new_game(scen, 0, track_sightings=True))), size=SIZE,
                     side=side)


def drawn(app: Any, screen: Any, monkeypatch: Any) -> tuple[list[str], list[str]]:
    """(the no-go labels' texts, the legend's rows) of one frame."""
    from ui import panels

    labels: list[str] = []
    legend: list[str] = []
    real_halo = app.text.halo
    real_legends = panels.draw_legends

    def halo(t: str, *a: Any, **kw: Any) -> Any:
        labels.append(t)
        return real_halo(t, *a, **kw)

    def legends(a: Any, s: Any, results: list[Any]) -> None:
        legend.extend([r.title for r in results] + [lab for r in results for _, lab in r.legend])
        real_legends(a, s, results)

    monkeypatch.setattr(app.text, "halo", halo)
    monkeypatch.setattr(panels, "draw_legends", legends)
    app._no_go_layer = None
    app.render(screen)
    monkeypatch.undo()
    return labels, legend


def layer_colours(app: Any) -> set[tuple[int, int, int]]:
    surf = app._no_go_layer[1]
    w, h = surf.get_size()
    return {tuple(surf.get_at((x, y)))[:3] for x in range(0, w, 3) for y in range(0, h, 3) if surf.get_at((x, y))[3]}


def tinted(app: Any, side: int) -> bool:
    """Some of the no-go layer is drawn in (a shade of) `side`'s colour."""
    r, g, b = app.palette.side[side]
    return any(abs(c[0] - r) < 40 and abs(c[1] - g) < 40 and abs(c[2] - b) < 40 for c in layer_colours(app))


def test_the_full_replay_hatches_each_sides_no_go_in_its_colour_and_names_it(screen, monkeypatch):
    scen = both_no_go()
    app = replay(scen, None)
    assert app.no_go_sides() == [0, 1]
    labels, legend = drawn(app, screen, monkeypatch)
    assert any("closed to the attacker" in t for t in labels) and any("closed to the defender" in t for t in labels)
    assert any("not terrain" in t for t in legend), legend
    assert any(t.startswith("closed to the attacker") for t in legend)
    assert any(t.startswith("closed to the defender") for t in legend)
    assert tinted(app, 0) and tinted(app, 1)  # each side's hatching in its own colour


def test_a_sides_replay_and_the_game_keep_that_sides_own_hatching(screen, monkeypatch):
    from ui.app import App

    scen = both_no_go()
    for side, k in (("attacker", 0), ("defender", 1)):
        app = replay(scen, side)
        assert app.no_go_sides() == [k]
        labels, legend = drawn(app, screen, monkeypatch)
        other = ("defender", "attacker")[k]
        assert not any(other in t for t in labels) and legend == []
        assert any(f"closed to the {side}" in t for t in labels)
        assert not tinted(app, 0) and not tinted(app, 1)  # dark shading, as before
    # the game (even --see-all, an educator's view of the side it plays): its own side's areas, dark
    game = App(new_game(scen, 0, track_sightings=True), {1}, size=SIZE)
    game.show_lesson = False
    game.omniscient = True
    assert game.no_go_sides() == [1]
    labels, legend = drawn(game, screen, monkeypatch)
    assert legend == [] and not any("attacker" in t for t in labels if t.startswith("closed"))


def test_shusha_full_replay_names_the_attacker_on_its_no_go(shusha, screen, monkeypatch):
    """The reviewer's case: Shusha's no-go areas are the attacker's alone (Martuni, Askeran, ...)."""
    app = replay(shusha, None)
    assert app.no_go_sides() == [0]
    labels, legend = drawn(app, screen, monkeypatch)
    assert any("closed to the attacker" in t for t in labels)
    assert any(t.startswith("closed to the attacker") for t in legend)  # (small areas' labels say "closed" only)
    assert any("not terrain" in t for t in legend)
    assert replay(shusha, "defender").no_go_sides() == []
