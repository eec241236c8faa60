"""The supply overlay's legend (key 6) explains the "NO SUPPLY" tags on the player's own counters, and sat over
them (s33 playtest, Shusha at 1280x800, --ui-scale 1.5: seed 3 attacker at the fitted zoom, seed 0 defender at the
opening zoom): `legend_place` now counts an own counter, above all a tagged one, as costly to hide, and where every
spot would hide a tagged one the legend shows its title alone until a click shows it whole (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typing import Any

import pygame
import pytest
from conftest import app_of, shusha_scenario

from engine.rules import new_game
from engine.units import SIDES
from ui import legend_place


def _supply_app(seed: int, side: str, fit: bool) -> tuple[Any, pygame.Surface]:
    """The playtest's set-up (/tmp/s33/play/i5.py): 15 turns played by the AIs, the supply overlay on."""
    screen = pygame.display.set_mode((1280, 800))
    state = new_game(shusha_scenario(), seed)
    app = app_of(state, (SIDES.index(side),), size=(1280, 800), ui_scale=1.5)
    app.run_ai_until(state.turn + 15)
    app.open_on_own_forces()
    app.overlays.add(6)
    app.settle(screen)
    if fit:
        app.fit_map()
        app.settle(screen)
    app.render(screen)
    return app, screen


def _out_of_supply_boxes(app: Any) -> list[tuple[str, pygame.Rect]]:
    """The screen rectangles of the player's own counters that are out of supply and drawn in the map area."""
    mr = app.map_rect
    out = []
    for u in app.view.own:
        got = app.unit_boxes.get(u.id)
        if u.active and not u.offmap and not u.supplied and got is not None:
            r = got[1].move(-int(app.vx) + mr.x, -int(app.vy) + mr.y)
            if mr.contains(r):
                out.append((u.id, r))
    return out


@pytest.mark.parametrize("seed, side, fit", [(3, "attacker", True), (0, "defender", False)])
def test_the_supply_legend_hides_no_own_counter_out_of_supply(screen: Any, seed: int, side: str, fit: bool) -> None:
    app, _ = _supply_app(seed, side, fit)
    boxes = _out_of_supply_boxes(app)
    assert boxes  # (the case the playtest found: units out of supply on screen)
    legend = pygame.Rect(app.legend_rect)
    assert [uid for uid, r in boxes if r.colliderect(legend)] == []


def test_a_legend_folded_by_itself_opens_on_a_click_and_folds_again(screen: Any, monkeypatch: Any) -> None:
    """Seed 0, defender, opening zoom: no spot of either shape leaves the tagged counters clear, so the legend
    shows its title alone; a click on it shows it whole (the player asked: it may hide them), a second folds it."""
    from ui import panels

    laid: list[list[Any]] = []  # the rows of each legend laid out
    best = panels._best_legend
    monkeypatch.setattr(panels, "_best_legend", lambda app, rows, *a: laid.append(rows) or best(app, rows, *a))
    app, screen = _supply_app(0, "defender", False)
    assert app.legend_shown_folded and not app.legend_folded
    small = pygame.Rect(app.legend_rect)
    cost, _ = legend_place.best_spot_cost(app, 300, 500)
    assert cost >= legend_place.WEIGHTS["tagged"]  # (why: any spot of a legend that big hides one)
    # it says why it is folded, in a line under its title (and so it is taller than the player's own fold, below)
    assert [r[1] for r in laid[-1]][-1] == panels.AUTO_FOLD_NOTE
    app.on_left_click((small.x + 10, small.y + 4))
    app.render(screen)
    assert not app.legend_shown_folded and app.legend_rect.h > 3 * small.h and "shown" in app.status
    full = pygame.Rect(app.legend_rect)
    app.on_left_click((full.x + 10, full.y + 4))
    app.render(screen)
    assert app.legend_shown_folded and app.legend_folded and app.legend_rect.h < small.h  # (titles alone)


def test_an_own_counter_costs_more_to_hide_than_an_enemys_and_a_tagged_one_most(screen: Any) -> None:
    app, _ = _supply_app(3, "attacker", True)
    own = legend_place.own_boxes(app)
    weights = {w for w, _ in own}
    assert weights == {legend_place.WEIGHTS["own"], legend_place.WEIGHTS["tagged"]}
    assert legend_place.WEIGHTS["counter"] < legend_place.WEIGHTS["own"] < legend_place.WEIGHTS["tagged"]
    tagged = [r for w, r in own if w == legend_place.WEIGHTS["tagged"]]
    assert len(tagged) == len([u for u in app.view.own if u.id in app.unit_boxes and not u.supplied]) > 0
