"""Session 28 UI review, dummy SDL video: last-seen marks close together share a label; pygame_gui's dialog
buttons grow with --ui-scale; the move preview's enemy warnings are worked out once per hovered hex and game
state; the movement overlay shows the turn's (weather) costs; the phase's hint is never cut at the panel's foot."""

from __future__ import annotations

import os
import re

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import goto, panel_lines, tiny_dict
from test_ui_enemy_turn_report_and_previews import assert_last_seen_labels_clear

from engine.rules import new_game
from engine.scenario import scenario_from_dict
from ui.render_units import counter_size


def app_of(state: Any, human: set[int], size: tuple[int, int] = (1280, 800), scale: float = 1.0,
           **kw: Any) -> Any:
    from ui.app import App

    app = App(state, human, size=size, ui_scale=scale, **kw)
    app.show_lesson = False
    return app


# ------------------------------------------------------------------ 1. last-seen labels
def _marks_on(app: Any, hexes: list[tuple[tuple[int, int], int]]) -> list[Any]:
    """A last-seen mark of a different enemy ground unit on each (hex, turn)."""
    from engine.view import LastSeen

    st = app.state
    gm = st.map
    enemy = [u for u in st.units if u.side == 0 and st.utype(u).domain == "ground"]
    return [LastSeen(u.id, u.type, gm.idx(h), h, t, u.strength) for u, (h, t) in zip(enemy, hexes, strict=False)]


def _label_texts(app: Any, w: int, h: int, off: int) -> list[str]:
    """The words of each label `_last_seen_layout` sets, in its order (read off the text it asked for)."""
    said: dict[int, str] = {}
    real = app.text.halo

    def halo(words: str, *a: Any, **kw: Any) -> pygame.Surface:
        img = real(words, *a, **kw).copy()
        said[id(img)] = words
        return img

    app.text.halo, app._faded = halo, lambda img, age: img  # (instance attributes over the methods, for one call)
    try:
        _marks, labels = app._last_seen_layout(w, h, off, [])
    finally:
        del app.text.halo, app._faded
    return [said[id(img)] for img, _r, _ in labels]


@pytest.mark.parametrize("size,scale", [((1600, 1000), 1.0), ((1600, 1000), 2.0), ((1280, 800), 1.0),
                                        ((1280, 800), 2.0)])
def test_marks_on_three_touching_hexes_share_one_label(shusha, screen, monkeypatch, size, scale):
    """The review's crowding: "T13", "T13", "T12" around Sighnaq (the marks of turn 14, seed 1) could not be told
    apart; one "T12-13" under the lowest mark now."""
    from ui.app import App

    app = app_of(new_game(shusha, 1, track_sightings=True), {1}, size, scale)
    marks = _marks_on(app, [((23, 14), 13), ((24, 14), 13), ((24, 14), 13), ((24, 15), 12)])
    monkeypatch.setattr(App, "last_seen_markers", lambda self: marks)
    app.state.turn = 14
    app.render(pygame.Surface(size))
    w, h = counter_size(app.geo.size)
    assert _label_texts(app, w, h, max(3, w // 6)) == ["T12-13"]
    bodies, labels = app._last_seen_layout(w, h, max(3, w // 6), [])
    lowest = max((r for _, r, _ in bodies), key=lambda r: r.bottom)
    assert labels[0][1].top == lowest.bottom - 3  # (under the lowest mark)


def test_two_touching_hexes_keep_their_labels_unless_they_read_the_same(shusha, screen, monkeypatch):
    from ui.app import App

    app = app_of(new_game(shusha, 1, track_sightings=True), {1})
    w, h = counter_size(app.geo.size)
    app.state.turn = 14
    for turns, want in (((13, 12), {"T13", "T12"}), ((13, 13), {"T13"})):
        marks = _marks_on(app, [((23, 14), turns[0]), ((24, 14), turns[1])])
        monkeypatch.setattr(App, "last_seen_markers", lambda self, ms=marks: ms)
        got = _label_texts(app, w, h, 4)
        assert set(got) == want and len(got) == len(want)


def test_far_apart_marks_keep_one_label_each_and_hidden_marks_are_counted(shusha, screen, monkeypatch):
    from ui.app import App

    app = app_of(new_game(shusha, 1, track_sightings=True), {1})
    w, h = counter_size(app.geo.size)
    app.state.turn = 14
    marks = _marks_on(app, [((10, 10), 13), ((20, 20), 12), ((23, 14), 11), ((23, 14), 12), ((23, 14), 13),
                            ((24, 14), 13), ((24, 15), 13)])
    monkeypatch.setattr(App, "last_seen_markers", lambda self: marks)
    got = _label_texts(app, w, h, 4)
    # (three marks on (23,14), two drawn: the shared label says five were seen)
    assert sorted(got) == sorted(["T13", "T12", "5 last seen T11-13"])


def test_cluster_helpers():
    from types import SimpleNamespace as M

    from ui.app import cluster_label, last_seen_clusters, merge_last_seen

    line = M(nbr_list=[[j for j in (i - 1, i + 1) if 0 <= j < 6] + [-1] for i in range(6)])  # (a row of hexes)

    assert last_seen_clusters(line, [5, 0, 1, 3, 4]) == [[0, 3, 4], [1, 2]]
    assert last_seen_clusters(line, []) == []
    assert merge_last_seen([[M(turn=1)], [M(turn=2)], [M(turn=2)]])
    assert not merge_last_seen([[M(turn=1)], [M(turn=2)]])
    assert cluster_label([M(turn=5)] * 3, 2) == "3 last seen T5"


def test_marks_near_counters_keep_labels_clear_at_both_window_sizes(shusha, screen, monkeypatch):
    """Labels, merged or not, never sit on a live counter or on each other (the village's defenders)."""
    from ui.app import App

    for size in ((1600, 1000), (1280, 800)):
        st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
        app = app_of(st, {1}, size)
        app.open_on_own_forces()
        gm = st.map
        own = app.own_units_at_any()[0]
        near = [int(i) for i in gm.within(own.idx, 2).tolist() if i != own.idx][:6]
        marks = _marks_on(app, [(gm.hex_of(i), 1 + k % 3) for k, i in enumerate(near)])
        monkeypatch.setattr(App, "last_seen_markers", lambda self, ms=marks: ms)
        app.render(pygame.Surface(size))
        assert_last_seen_labels_clear(app)


# ------------------------------------------------------------------ 2. dialog buttons
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_replace_dialogs_buttons_grow_with_the_ui(shusha, screen, tmp_path, scale):
    from ui.gui import DIALOG_BUTTON_H, dialog_button_height

    app = app_of(new_game(shusha, 0), {1}, scale=scale, save_path=tmp_path / "g.json")
    app.render(screen)
    f = tmp_path / "there.json"
    f.write_text("{}")
    app.gui.ask_replace(f)
    app.render(screen)
    win = app.gui.confirm_win
    want = dialog_button_height(scale)
    assert want == (DIALOG_BUTTON_H if scale == 1 else 60)
    box = win.get_container().get_rect()
    for b in (win.cancel_button, win.confirm_button):
        assert b.rect.h == want
        assert box.contains(b.rect)
    assert win.confirm_button.rect.right < win.cancel_button.rect.left
    assert win.confirmation_text.rect.bottom <= min(b.rect.top for b in (win.cancel_button, win.confirm_button))


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_the_file_dialogs_buttons_grow_with_the_ui(shusha, screen, tmp_path, scale):
    from ui.gui import dialog_button_height

    app = app_of(new_game(shusha, 0), {1}, scale=scale, save_path=tmp_path / "g.json")
    app.render(screen)
    app.gui.open_file_dialog("save")
    app.render(screen)
    d = app.gui.dialog
    box = d.get_container().get_rect()
    for b in (d.ok_button, d.cancel_button):
        assert b.rect.h == dialog_button_height(scale) and box.contains(b.rect)
    icons = [d.home_button, d.delete_button, d.parent_directory_button, d.refresh_button]
    assert all(b.rect.h == max(20, round(20 * scale)) for b in icons)
    assert d.file_path_text_line.rect.top >= max(b.rect.bottom for b in icons)
    assert d.file_selection_list.rect.top >= d.file_path_text_line.rect.bottom
    assert d.file_selection_list.rect.bottom <= d.ok_button.rect.top
    assert box.contains(d.file_selection_list.rect)


def test_the_briefings_side_buttons_grow_with_the_ui(shusha, screen):
    from ui.app import SIDE_BUTTON_H

    for scale, want in ((1.0, SIDE_BUTTON_H), (2.0, 2 * SIDE_BUTTON_H)):
        app = app_of(new_game(shusha, 0), {1}, scale=scale)
        app.show_lesson = True
        app.side_choice = True
        app.render(screen)
        assert app.side_buttons and all(b.rect.h == want for b in app.side_buttons)


# ------------------------------------------------------------------ 3. enemies_near once per frame
def test_move_warnings_are_worked_out_once_per_hover_and_state(shusha, screen, monkeypatch):
    from ui import panels

    st = goto(new_game(shusha, 0, track_sightings=True), "defender", "movement")
    app = app_of(st, {1})
    app.render(screen)
    uid, d = next((u.id, d) for u in app.own_units_at_any() if not u.offmap
                  for d in sorted(app.view.destinations(u.id)) if d != u.idx)
    app.selected = uid
    assert d in app.destinations()
    calls: list[int] = []
    warn = [("next to enemy Tanks: will be in contact", "next to a tank (seen now): the move ends in contact")]

    def counted(a: Any, idx: int) -> list[tuple[str, str]]:
        calls.append(idx)
        return list(warn)

    monkeypatch.setattr(panels, "find_enemies_near", counted)
    app.hover = d
    lines = [s for s, _ in panel_lines(app, screen, monkeypatch)]
    assert calls == [d]  # (the panel and the map's tag asked: worked out once)
    assert any(warn[0][1] in s for s in lines) and app.path_tag()[-1] == warn[0][0]
    app.render(screen)
    assert calls == [d]  # (the next frame: nothing changed)
    other = next(i for i in sorted(app.destinations()) if i not in (d, st.unit(uid).idx))
    app.hover = other
    app.render(screen)
    assert calls[-1] == other
    n = len(calls)
    st.bump()  # (the game moved on: asked again)
    app.render(screen)
    assert len(calls) == n + 1
    assert panels.enemies_near(app, other) == warn and len(calls) == n + 1
    app.selected = None  # (no unit to move: asked again, the answer is its own)
    panels.enemies_near(app, other)
    assert len(calls) == n + 2


# ------------------------------------------------------------------ 4. movement overlay in the turn's weather
def _wet_and_dry() -> tuple[Any, Any]:
    d = tiny_dict()
    dry = new_game(scenario_from_dict(d), seed=1)
    d["weather_movement"] = {"none": {"foot": {"off_road": 1.25, "road": 2}}}  # (the tiny scenario is dry)
    return dry, new_game(scenario_from_dict(d), seed=1)


def test_the_movement_overlay_shows_the_turns_costs():
    from engine.movement import terrain_move_costs
    from ui import overlays as ov
    from ui import palette as pal

    dry, wet = _wet_and_dry()
    p = pal.get("default")
    a, b = ov.movement(dry, p, "foot"), ov.movement(wet, p, "foot")
    costs = sorted({c for code in wet.map.terrain_codes
                    if (c := terrain_move_costs(wet.scenario, code, "none")["foot"]) is not None})
    def levels(res: Any) -> list[str]:
        return [t for _, t in res.legend if re.fullmatch(r"[\d.]+ MP", t)]

    assert levels(b) == [f"{c:g} MP" for c in costs] and levels(a) != levels(b)
    note = "none: foot move costs ×1.25 off road, ×2 on roads (the costs shown are this turn's)"
    assert note in [t for _, t in b.legend] and not any("×" in t for _, t in a.legend)
    assert b.title == "1 Movement cost to enter, foot in none (M cycles class)" and " in " not in a.title
    roads_dry = next(t for _, t in a.legend if t.startswith("roads:"))
    roads_wet = next(t for _, t in b.legend if t.startswith("roads:"))
    assert roads_dry != roads_wet
    # a class the table leaves out: its dry costs, no note
    t1, t2 = ov.movement(dry, p, "tracked"), ov.movement(wet, p, "tracked")
    assert [t for _, t in t1.legend] == [t for _, t in t2.legend] and t1.title == t2.title


def test_the_overlay_follows_the_weather_from_turn_to_turn(screen):
    """The overlay's cache is keyed by the turn's precipitation (a dry turn's layer would be kept in the snow)."""
    import attrs

    app = app_of(_wet_and_dry()[1], {0})
    st = app.state
    app.overlays.add(1)
    app.render(screen)
    assert any("×1.25" in t for _, t in app._ov_cache[1][1].legend)
    st.weather_override = attrs.evolve(st.weather, precipitation="snow")  # (the table has no snow factors)
    st.update_clock()
    app.render(screen)
    assert not any("×" in t for _, t in app._ov_cache[1][1].legend)
    st.weather_override = None
    st.update_clock()
    app.render(screen)
    assert any("×1.25" in t for _, t in app._ov_cache[1][1].legend)


# ------------------------------------------------------------------ 5. the phase hint at the panel's foot
def _hint_rows(app: Any, screen: Any, monkeypatch: Any) -> list[tuple[str, pygame.Rect, int | None]]:
    from ui import panels

    hints = (panels.phase_hint(app, False), panels.phase_hint(app, True))
    rows = panel_lines(app, screen, monkeypatch, lambda w, s, r: (s, r, w.limit))
    return [(s, r, lim) for s, r, lim in rows if len(s) > 3 and any(s.rstrip("…") in h for h in hints)]


@pytest.mark.parametrize("side,phase", [("defender", "movement"), ("attacker", "movement"), ("attacker", "air"),
                                        ("defender", "assault")])
def test_the_phase_hint_is_drawn_whole_at_1280x800_scale_2(shusha, screen, monkeypatch, side, phase):
    """It was cut: the defender's movement hint lost "phase.", the attacker's (more aircraft lines) was not shown."""
    from ui import panels

    st = goto(new_game(shusha, 0), side, phase)
    app = app_of(st, {0 if side == "attacker" else 1}, scale=2.0)
    app.render(screen)
    rows = _hint_rows(app, screen, monkeypatch)
    assert rows
    assert " ".join(s for s, _, _ in rows).replace("  ", " ") in (panels.phase_hint(app, True),
                                                                 panels.phase_hint(app, False))
    for _s, r, lim in rows:
        assert lim is None or r.bottom <= lim


def test_a_hint_too_long_for_the_room_is_cut_with_an_ellipsis(shusha, screen, monkeypatch):
    from ui import panels

    st = goto(new_game(shusha, 0), "attacker", "movement")
    app = app_of(st, {0}, size=(1280, 640), scale=2.5)
    app.render(screen)
    long = "MOVEMENT phase: " + "click one of your counters, then a lit hex. " * 12 + "Space ends the phase."
    monkeypatch.setattr(panels, "phase_hint", lambda a, short=False: long)
    rows = _hint_rows(app, screen, monkeypatch)
    assert rows and rows[-1][0].endswith("…")
    for _s, r, lim in rows:
        assert lim is None or r.bottom <= lim


def test_fitted_lines(screen):
    from ui.panels import fitted_lines
    from ui.text import Text

    t = Text()
    s = "one two three four five six seven eight nine ten eleven twelve"
    whole = t.wrap(s, 12, 80)
    assert fitted_lines(t, s, 12, 80, len(whole)) == whole
    cut = fitted_lines(t, s, 12, 80, 2)
    assert len(cut) == 2 and cut[0] == whole[0] and cut[1].endswith("…")
    assert t.font(12).size(t.clean(cut[1], 12))[0] <= 80
    assert len(fitted_lines(t, s, 12, 80, 0)) == 1


def test_no_stray_files(tmp_path):
    assert not list(Path(tmp_path).iterdir())


def test_grounded_drones_keep_a_worded_plate_when_the_hint_takes_the_room(shusha, screen, monkeypatch):
    """A review: at 1280x800, scale 2, the hint's fallback left the grounded-drones plate cut to an empty red bar
    (its words fell below the panel's limit and were not drawn)."""
    st = goto(new_game(shusha, 0, weather_mode="fog"), "attacker", "movement")  # (every armed drone grounded)
    app = app_of(st, {0}, scale=2.0)
    app.render(screen)
    rows = panel_lines(app, screen, monkeypatch, lambda w, s, r: (s, r, w.limit))
    drawn = [s for s, r, lim in rows if lim is None or r.bottom <= lim]
    assert any(s.startswith("GROUNDED:") and len(s) > len("GROUNDED: ") for s in drawn), "|".join(drawn)


def test_the_weather_block_says_what_the_rain_does_to_the_ground(shusha, screen, monkeypatch):
    """A lesson author's review: the side panel said "rain" or "snow" but not what it slows (only the log line,
    the overlay's legend and the hex panel did)."""
    st = goto(new_game(shusha, 0, weather_mode="overcast"), "attacker", "movement")  # (rain every turn)
    app = app_of(st, {0}, size=(1600, 1000))
    app.render(screen)
    texts = " ".join(s for s, _r in panel_lines(app, screen, monkeypatch, lambda w, s, r: (s, r)))
    assert "Ground: rain: wheeled move costs ×1.25 off road" in texts
    dry = goto(new_game(shusha, 0, weather_mode="clear"), "attacker", "movement")
    app = app_of(dry, {0}, size=(1600, 1000))
    app.render(screen)
    assert "Ground:" not in " ".join(s for s, _r in panel_lines(app, screen, monkeypatch, lambda w, s, r: (s, r)))
