"""The last-fight card (`ui.combat_card`) says what the fight decided, not only the dice: an assault's result, the
ambushed mover stopping, the spotter of a battery, and air defence's shot at a strike's drone with its roll, in the
card's per-cent roll style (the log's 'roll 0.21' beside the card's 'roll 89.9' read as two scales to a class)."""

from __future__ import annotations

from typing import Any

import pygame
from conftest import app_of, shusha_scenario

from engine.game import play_game
from ui import combat_card


def _cards(side: int) -> dict[str, list[str]]:
    """The card's lines of the first fight of each kind the side saw (a strike with air defence apart)."""
    app = app_of(play_game(shusha_scenario(), 3), (side,), size=(1280, 800), ui_scale=1.5)
    out: dict[str, list[str]] = {}
    for _, ev in app.visible_events():
        key = ev.kind + ("+AD" if getattr(ev, "engagements", None) else "")
        if ev.kind in combat_card.FIGHTS and key not in out:
            out[key] = [text for text, _, _ in combat_card.card_lines(app, ev)]
            out[key + ":event"] = [ev]  # type: ignore[list-item]
    return out


def test_the_card_says_what_each_fight_decided(screen: Any) -> None:
    for side in (0, 1):
        cards = _cards(side)
        assault = cards["AssaultResolved:event"][0]
        assert any(line.startswith("Result: ") and assault.result in line for line in cards["AssaultResolved"])
        assert any(line.startswith("Result: ") and line.endswith(" stops") for line in cards["AmbushSprung"])
        assert any(line.startswith("Spotter: ") for line in cards["ArtilleryFired"])
        strike: Any = cards["DroneStrike+AD:event"][0]
        e = strike.engagements[0]
        shown = [line for line in cards["DroneStrike+AD"] if " engages " in line]
        assert shown and f"{e.p_kill:.0%} to shoot it down" in shown[0]
        assert f"roll {int(e.roll * 1000) / 10:.1f} " in shown[0]
        assert shown[0].endswith("SHOT DOWN" if e.shot_down else "missed")
        assert cards["DroneStrike+AD"].index(shown[0]) < next(
            k for k, line in enumerate(cards["DroneStrike+AD"]) if " fires at " in line)  # (air defence first)


def test_the_card_with_its_result_lines_stays_on_the_map(screen: Any) -> None:
    for size, scale in (((1280, 800), 1.5), ((1600, 1000), 1.0)):
        app = app_of(play_game(shusha_scenario(), 3), (1,), size=size, ui_scale=scale)
        app.show_fight_card = True
        surf = pygame.Surface(app.size)
        app.render(surf)
        box = combat_card.draw(app, surf)
        assert box is not None and app.map_rect.contains(box)


def test_every_fight_s_card_fits_the_map_at_a_projector_s_size(screen: Any) -> None:
    """An assault with three fire results took 1,037 px at 1280x800 x1.5, over the status line and off the
    window: the card widens, then shows fewer results in full and counts the rest."""
    app = app_of(play_game(shusha_scenario(), 1), (0,), size=(1280, 800), ui_scale=1.5)
    app.show_fight_card = True
    surf = pygame.Surface(app.size)
    app.render(surf)
    widened = 0
    for _, ev in app.visible_events():
        if ev.kind in combat_card.FIGHTS:
            spot, _ = combat_card._layout(app, ev, [])
            assert app.map_rect.contains(spot) and spot.bottom <= app.map_rect.bottom - app.status_cover, \
                (ev.kind, ev.turn, spot)
            widened += spot.w > app.map_rect.w // 2 + 16
    assert widened  # (some card had to widen to fit)
