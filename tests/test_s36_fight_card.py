"""The last-fight card (key B, `ui.combat_card`): the newest fight the viewing side saw, every modifier with its
source and sign, the chance and the roll, readable at a projector's size (an educator: at 1280x800 x1.5 the log kept
two to five lines and the status line cut the modifiers off)."""

from __future__ import annotations

from typing import Any

import pygame
from conftest import app_of, shusha_scenario

from engine.game import play_game
from engine.rules import new_game
from ui import combat_card


def _key(app: Any, key: int) -> str:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    return app.status


def _played(side: int, size: tuple[int, int] = (1280, 800), scale: float = 1.0) -> Any:
    st = play_game(shusha_scenario(), 3)  # (a whole game: fights of both sides, seen and unseen)
    return app_of(st, (side,), size=size, ui_scale=scale)


def test_b_shows_the_newest_fight_the_side_saw_with_every_modifier(screen: Any) -> None:
    app = _played(1)
    surf = pygame.Surface(app.size)
    app.render(surf)
    assert combat_card.draw(app, surf) is None  # (off until B)
    assert "Last-fight card on" in _key(app, combat_card.KEY)
    k, ev = combat_card.last_fight(app)
    seen = app.visible_events()
    assert (k, ev) == next(p for p in reversed(seen) if p[1].kind in combat_card.FIGHTS)
    lines = [text for text, _, _ in combat_card.card_lines(app, ev)]
    for f in ev.fire_results()[:combat_card.MAX_RESULTS]:
        for m in f.modifiers:
            assert any(f"{m.source}  {m.value:+d}" in line for line in lines)
        assert any(f"= {f.net}: {f.p_hit:.0%} a shot" in line for line in lines)
        if f.rolls:
            assert any(line.strip().startswith("roll") and f"{f.losses} step" in line for line in lines)
    app.render(surf)
    box = combat_card.draw(app, surf)
    assert box is not None and app.map_rect.contains(box)
    _key(app, combat_card.KEY)
    assert combat_card.draw(app, surf) is None


def test_each_side_sees_only_its_own_log_s_fights(screen: Any) -> None:
    for side in (0, 1):
        app = _played(side)
        k, ev = combat_card.last_fight(app)
        assert (k, ev) in app.visible_events()


def test_a_click_on_the_card_shows_the_fight_on_the_map(screen: Any) -> None:
    app = _played(1)
    app.fit_map()
    _key(app, combat_card.KEY)
    surf = pygame.Surface(app.size)
    app.render(surf)
    box = combat_card.draw(app, surf)
    app.render(surf)  # (the click regions of the frame drawn)
    app.on_left_click(box.center)
    _, ev = combat_card.last_fight(app)
    assert app.highlight and app.zoom_i >= app.play_zoom_i()
    assert app.status.startswith(f"T{ev.turn} ")


def _to_the_first_fight_watched(app: Any) -> None:
    """Play on (the player's phases ended) until watch mode stops the computer's turn at a fight the side sees."""
    for _ in range(4000):
        if app.watching is not None:
            return
        if app.my_turn():
            app.end_phase()
        app.update(budget_s=10.0)
    raise AssertionError("no fight watched")


def test_at_a_projectors_size_the_card_keeps_clear_of_the_sandbox_tag(screen: Any) -> None:
    app = app_of(new_game(shusha_scenario(), 3, sandbox=True), (1,), size=(1280, 800), ui_scale=1.5)
    app.show_fight_card = True
    app.watch_fights = True
    app.autoskip = False
    _to_the_first_fight_watched(app)
    surf = pygame.Surface(app.size)
    app.render(surf)
    box = combat_card.draw(app, surf)
    assert box is not None and app.sandbox_tag_rect is not None and not box.colliderect(app.sandbox_tag_rect)
    assert box.w <= app.map_rect.w // 2 + 16 and app.map_rect.contains(box)


def test_a_watch_mode_stop_shows_its_fight_on_the_card(screen: Any) -> None:
    app = app_of(new_game(shusha_scenario(), 3), (1,), size=(1280, 800), ui_scale=1.5)
    app.autoskip = False
    _key(app, pygame.K_w)
    assert not app.show_fight_card
    _to_the_first_fight_watched(app)
    surf = pygame.Surface(app.size)
    app.render(surf)
    assert combat_card.draw(app, surf) is not None  # (B off: the stop shows it)
    assert combat_card.last_fight(app)[1] in app.watching  # (the card shows the fight it stopped at)
