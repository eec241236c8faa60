"""A play-tester's findings in the Shusha game, each pinned down (dummy SDL video driver): the status line sums
up a whole order, the off-map battery's firing hex is named and marked, own hidden counters are opaque, the
window fits the screen, recon cover is said to last until the side's next turn, preview modifiers are indented;
the status line and outlines show an order as the side saw it, enemies out of sight are marked where last seen,
and a hidden unit's moves say whether they give it away."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path
from typing import Any

import pygame
import pytest
from conftest import app_of, drones_red_recon_flies, goto, panel_lines, tiny_game

from engine.orders import Move, Recon
from engine.rules import new_game
from engine.scenario import load_scenario
from engine.view import SideView, visible_log

ROOT = Path(__file__).resolve().parents[1] / "scenarios"
SHUSHA = ROOT / "shusha_1120.json"
SIZE = (1280, 800)



def panel_text(app: Any, screen: pygame.Surface, part: Any, *args: Any) -> list[str]:
    """The lines a panel function writes (captured, not drawn)."""
    from ui import panels

    probe = panels.Writer(app, screen, app.panel_rect, measure=True)
    texts: list[str] = []
    probe.line = lambda s, *a, **kw: texts.append(s) or pygame.Rect(0, 0, 0, 0)  # type: ignore[method-assign]
    part(app, probe, *args)
    return texts


# ------------------------------------------------------------------ 1. the status line sums up the order
def test_the_status_line_sums_up_an_ambushed_move_most_important_first(screen):
    """A move ambushed in the gorge: the status line showed only its last event (the ambusher revealed); it
    must tell the mover's losses and the ambush first, then the move, then the reveals."""
    for seed in range(1, 60):  # a game in which the ambush costs the tank steps without destroying it
        app = app_of(goto(tiny_game(seed), "attacker", "movement"), (0,))
        events = app.issue(Move("az_tank", (6, 6)), undoable=True)
        amb = [e for e in events if e.kind == "AmbushSprung"]
        if amb and 0 < amb[0].fire.losses < 3:
            break
    else:
        pytest.fail("no ambush with losses")
    n = amb[0].fire.losses
    status = app.status
    lost = f"az_tank lost {n} step{'s' if n > 1 else ''} ({3 - n} of 3 steps left)"
    assert lost in status and "AMBUSH at" in status and "arm_amb" in status
    last = [e for e in events if e.kind != "PhaseStarted"][-1]
    assert status != last.text()
    parts = status.split(" · ")
    first = {k: next(i for i, p in enumerate(parts) if key in p)
             for k, key in (("lost", "lost "), ("ambush", "AMBUSH"), ("move", "az_tank moves"),
                            ("reveal", "revealed"))}
    assert first["lost"] < first["ambush"] < first["move"] < first["reveal"]


def test_a_destroyed_unit_comes_first_and_a_long_summary_is_cut_with_an_ellipsis(screen):
    from engine.events import UnitDestroyed, UnitMoved, UnitRevealed
    from ui import panels
    from ui.status import order_summary

    st = tiny_game(1)
    evs = [UnitMoved(turn=1, side="attacker", unit="az_tank", path=[(9, 6), (8, 6)], cost=1.0),
           UnitRevealed(turn=1, side="attacker", unit="az_tank", hex=(8, 6), reason="it moved"),
           UnitDestroyed(turn=1, side="attacker", unit="az_tank", unit_type="tank", hex=(8, 6), cause="ambush")]
    s = order_summary(evs, st, "Move done")
    assert s.startswith("az_tank (tanks) DESTROYED at (8,6)") and s.index("moves") < s.index("revealed")
    assert order_summary([], st, "Phase ended") == "Phase ended"
    from engine.events import TurnStarted, UnitHidden

    turn = [UnitHidden(turn=2, side="defender", unit=u, hex=(1, 1)) for u in ("arm_inf_1", "arm_inf_2")]
    s = order_summary([*turn, TurnStarted(turn=2, date="Wed", night=True)], st, "")
    assert s == "Turn 2: Wed (night) · arm_inf_1, arm_inf_2 go to ground"  # the routine last, in one part
    app = app_of(st, (0,))
    long = " · ".join(f"part {k} of a long order summary" for k in range(40))
    lines = panels.fit_lines(app.ui_text, long, panels.FS, 600, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(app.ui_text.font(panels.FS).size(x)[0] <= 600 for x in lines)


# ------------------------------------------------------------------ 2. where the off-map battery fires from
def test_the_off_map_battery_says_and_marks_where_it_fires_from(shusha, screen):
    from ui import app as app_mod
    from ui import panels

    app = app_of(new_game(shusha, 3), (1,))
    gun = app.state.unit("arm_art_offmap")
    assert gun.offmap and app.state.map.hex_of(gun.idx) == (0, 26)
    app.select(gun.id)
    lines = panel_text(app, screen, panels._details, False, False)
    assert any("fires from (0,26) near Lachin, W map edge" in s for s in lines)
    assert any("firing from (0,26) near Lachin" in s for s in panel_text(app, screen, panels._aircraft, False))

    def marker_pixels() -> int:
        app.render(screen)
        x, y = app.hex_to_screen(gun.idx)
        r = int(app.geo.size * 1.5)
        box = pygame.Rect(int(x) - r, int(y) - r, 2 * r, 2 * r).clip(app.map_rect)
        return sum(tuple(screen.get_at((i, j)))[:3] == app_mod.GUN_RANGE
                   for i in range(box.left, box.right) for j in range(box.top, box.bottom))

    assert marker_pixels() > 10
    reach = app.gun_reach()
    assert reach is not None and reach[0] == gun.idx and reach[1]  # its range ring, counted from that hex
    gun_range = app.state.scenario.unit_table[gun.type].range_hexes  # (15 since session 26: it reaches Lisagor)
    assert all(app.state.map.distance(i, gun.idx) == gun_range for i, _ in reach[1])
    app.select(None)
    assert marker_pixels() == 0


# ------------------------------------------------------------------ 3. own hidden counters are opaque
def test_own_hidden_counters_are_opaque_with_a_dashed_frame(shusha, screen):
    from ui import palette as pal
    from ui.gui import map_key
    from ui.render_units import counter_image, hidden_ring_width
    from ui.text import Text

    t = Text()
    for w, h in ((18, 13), (40, 29)):
        plain = counter_image("infantry", 1, 2, 3, w, h, pal.DEFAULT, t)
        hid = counter_image("infantry", 1, 2, 3, w, h, pal.DEFAULT, t, hidden=True)
        b = hidden_ring_width(w)
        assert hid.get_size() == (w + 2 * b, h + 2 * b)
        assert all(hid.get_at((x, y))[3] == 255 for x in range(hid.get_width()) for y in range(hid.get_height()))
        body = hid.subsurface(pygame.Rect(b, b, w, h))
        assert pygame.image.tobytes(body, "RGBA") == pygame.image.tobytes(plain, "RGBA")  # the counter whole
        ring = {tuple(hid.get_at((x, 0)))[:3] for x in range(hid.get_width())}
        assert {(0, 0, 0), (255, 255, 255)} <= ring
    # on the map, at Jidir Duzu: what is on screen is the counter itself, no place name shows through
    app = app_of(new_game(shusha, 3), (1,))
    for _ in range(4):
        app.zoom(1)
    u = app.state.unit("arm_inf_2")
    assert u.hidden and [v.id for v in app.own_units_at(u.idx)] == [u.id]
    app.center_on(u.idx)
    # (the cliff at Jidir Duzu is drawn again over the counters' edges, on purpose: this checks the counter alone)
    app.renderer.draw_cliff_lines = lambda *a, **k: None
    app.render(screen)
    ut = app.state.utype(u)
    cw, ch = counter_size_of(app)
    img = counter_image(ut.symbol, 1, u.strength, ut.max_steps, cw, ch, app.palette, app.text, hidden=True,
                        label="2")
    x, y = app.hex_to_screen(u.idx)
    box = img.get_rect(center=(int(x), int(y)))
    shown = pygame.image.tobytes(screen.subsurface(box).copy(), "RGB")
    want = pygame.Surface(img.get_size())
    want.blit(img, (0, 0))
    assert shown == pygame.image.tobytes(want, "RGB")
    key = map_key(app.palette)
    assert "dashed black-and-white frame is hidden" in key and "faded" not in key


def counter_size_of(app: Any) -> tuple[int, int]:
    from ui.render_units import counter_size

    return counter_size(app.geo.size)


# ------------------------------------------------------------------ 4. the window fits the screen
def test_without_size_the_window_fits_the_desktop(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import ui.cli
    from engine.cli import app as cli_app
    from ui.cli import fit_to_desktop

    assert fit_to_desktop((1920, 1080)) == (1880, 990)
    assert fit_to_desktop((3840, 2160)) == (3800, 2070)  # a 4K screen's whole width (session 25)
    assert fit_to_desktop((7680, 4320)) == (3840, 2400)  # bounded
    assert fit_to_desktop((1024, 600)) == (1024, 600)  # never larger than the screen
    assert fit_to_desktop(None) == (1280, 800)
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setattr(ui.cli, "desktop_size", lambda: (1920, 1080))
    runner = CliRunner()
    for extra, want in (([], (1880, 990)), (["--size", "1024x700"], (1024, 700))):
        shot = tmp_path / f"s{len(extra)}.png"
        r = runner.invoke(cli_app, ["play", str(SHUSHA), "--screenshot", str(shot), *extra])
        assert r.exit_code == 0, r.output
        assert pygame.image.load(str(shot)).get_size() == want
    monkeypatch.delenv("SDL_VIDEODRIVER")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    r = runner.invoke(cli_app, ["play", str(SHUSHA)])
    assert r.exit_code == 2 and "wargame run" in r.output  # no display: unchanged


# ------------------------------------------------------------------ 5. recon cover lasts until the next turn
def test_recon_cover_is_said_to_last_until_the_sides_next_turn(screen):
    from ui import overlays as ov

    st = new_game(drones_red_recon_flies(), 0)
    app = app_of(st, (0,))
    app.preview(Recon("red_orbiter", (4, 3)))
    said = " ".join(app.pending[1])
    assert "until your next turn starts" in said and "this turn" not in said
    app.confirm()
    st = app.state
    assert st.recon_cover[0].any()
    labels = [label for _, label in ov.drones(st, app.view, app.palette).legend]
    assert any(label.startswith("recon cover until your next turn starts") for label in labels)
    assert not any("this turn" in label and "recon" in label for label in labels)
    # what the words claim: the cover holds through the enemy's half-turn and ends as the side's next begins
    goto(st, "defender", "assault")
    assert st.recon_cover[0].any()
    goto(st, "attacker", "air")
    assert not st.recon_cover[0].any()


# ------------------------------------------------------------------ 6. preview modifiers are indented
def test_preview_modifier_lines_are_indented_under_their_header(shusha):
    from ui import panels

    app = app_of(new_game(shusha, 3), (1,))
    surf = pygame.Surface((400, 200))

    def ink_left(s: str) -> int:
        surf.fill((0, 0, 0))
        w = panels.Writer(app, surf, surf.get_rect())
        w.line(s, (255, 255, 255), px=12)
        return min(x for x in range(surf.get_width()) for y in range(surf.get_height())
                   if surf.get_at((x, y))[0] > 100)

    head, sub = ink_left("Your fire: a → b"), ink_left("  ravine ambush: +2")
    assert sub - head >= 8
    assert ink_left("  firepower 5") == sub  # every line of the same level in line


# ------------------------------------------------------------------ 7. as the side saw it
def test_status_and_outlines_use_the_engines_visible_log_moves_seen_in_part_included(shusha, screen):
    app = app_of(new_game(shusha, 3), (1,))
    app.run_ai_until(14)
    st = app.state
    glimpsed = [(k, e) for k, e in visible_log(st, 1) if e.kind == "MoveGlimpsed"]
    assert glimpsed
    k, ev = glimpsed[0]
    whole = st.log[k]
    assert whole.kind == "UnitMoved" and len(whole.path) > len(ev.path)
    seen = app.seen_events(st.log[k:])
    assert [e for _, e in visible_log(st, 1, start=k)] == seen
    assert seen[0].kind == "MoveGlimpsed" and seen[0].path == ev.path
    # a click on its log line outlines the hexes seen, not the whole path
    app.show_event(k)
    assert set(app.highlight) == {st.map.idx(h) for h in ev.hexes()}
    assert app.names.rewrite(ev.text()) in app.status
    app.omniscient = True  # (the replay of both sides sees it all)
    assert app.seen_events(st.log[k:])[0] is whole


# ------------------------------------------------------------------ 8. where enemies were last seen
def played_until_last_seen(shusha: Any, seed: int) -> Any:
    """The Shusha game played by the AIs turn by turn until the defender has an enemy unit marked where it was
    last seen (the turn depends on the scenario's details, which change; a mark always comes within 16)."""
    app = app_of(new_game(shusha, seed), (1,))
    for turn in range(2, 17):
        app.run_ai_until(turn)
        if app.last_seen_markers() or app.state.outcome is not None:
            break
    assert app.last_seen_markers(), "no last-seen mark in the first 16 turns"
    return app


def test_enemies_out_of_sight_are_marked_where_last_seen(shusha, screen):
    from ui import panels
    from ui.gui import map_key

    app = played_until_last_seen(shusha, 3)
    marks = app.last_seen_markers()
    assert marks and marks == app.view.last_seen
    m = marks[0]
    assert m.id not in {c.id for c in app.view.contacts} and app.state.unit(m.id).side == 0
    label = app.state.scenario.unit_table[m.type].label
    lines = panel_text(app, screen, panels.hover_info, m.idx)
    assert any(f"Last seen here on turn {m.turn}: {label}, strength {m.strength}" in s for s in lines)
    assert "last seen" in map_key(app.palette)
    # drawn on the map (below the real counters): the marker's hex changes when it is drawn
    app.render(screen)  # (the window's size first: the map is fitted to it)
    app.center_on(m.idx)
    x, y = app.hex_to_screen(m.idx)
    box = pygame.Rect(int(x) - 12, int(y) - 12, 24, 24)
    app.render(screen)
    with_marks = pygame.image.tobytes(screen.subsurface(box).copy(), "RGB")
    real = app.last_seen_markers
    app.last_seen_markers = lambda: []
    app.render(screen)
    assert pygame.image.tobytes(screen.subsurface(box).copy(), "RGB") != with_marks
    app.last_seen_markers = real
    # not in the replay of both sides (every unit is shown itself), and in hotseat only the shown side's
    app.omniscient = True
    assert app.last_seen_markers() == []
    app.omniscient = False
    app.view_side = 0
    assert {app.state.unit(x.id).side for x in app.last_seen_markers()} <= {1}
    assert app.last_seen_markers() == app.view.last_seen


# ------------------------------------------------------------------ 9. does this move give the unit away?
def test_a_hidden_units_move_says_whether_it_reveals_it(shusha, screen, monkeypatch):
    from ui import app as app_mod
    from ui import panels

    st = goto(tiny_game(1), "defender", "movement")
    app = app_of(st, (1,))
    app.select("arm_amb")  # ordinary infantry in its ambush position
    dest = [i for i in app.destinations() if i != app.state.unit("arm_amb").idx]
    assert dest
    calls: list[int] = []
    real = SideView.move_reveal
    monkeypatch.setattr(SideView, "move_reveal", lambda v, uid, i: calls.append(i) or real(v, uid, i))
    reveals = app.move_reveals()
    assert set(reveals) == set(dest) and all(reveals.values())
    n = len(calls)
    app.render(screen)
    app.hover = dest[0]
    app.render(screen)
    assert len(calls) == n  # worked out once per selection and state, not per frame
    lines = panel_text(app, screen, panels.hover_info, dest[0])
    assert any(s.startswith("Move here: ") and " - reveals Ravine ambushers (arm_amb): " in s and "infiltrating" in s
               for s in lines)
    assert "any move will reveal it" in panels.unit_hint(app, app.state.unit("arm_amb"), app.state.utype(
        app.state.unit("arm_amb")))
    # an infiltrator in the Shusha forest stays hidden: its hexes are ringed, the panel says so
    sf = app_of(goto(new_game(shusha, 3), "attacker", "movement"), (0,))
    sf.autoskip = False
    for _ in range(4):
        sf.zoom(1)
    u = sf.state.unit("az_sf_1")
    assert u.hidden
    sf.center_on(u.idx)
    sf.select(u.id)
    stay = [i for i, why in sf.move_reveals().items() if why is None]
    assert stay
    lines = panel_text(sf, screen, panels.hover_info, stay[0])
    assert any(s.endswith(" - Special Forces Command, 1st assault group (az_sf_1) stays hidden "
                          "(unless it meets an enemy you have not seen; then hidden until "
                          "the enemy spots it or it fires)") for s in lines)
    # the tag at the end of the hovered path on the map says so too, with the same conditions
    sf.hover = stay[0]
    tag = sf.path_tag()
    assert tag[0].endswith(" MP - stays hidden") and tag[1:] == [f"{panels.UNSEEN_CAVEAT};", panels.AFTER_CAVEAT]
    sf.render(screen)  # (drawn: no error, and above the counters and names)

    def ring_pixels(a: Any) -> int:
        a.render(screen)
        return sum(tuple(screen.get_at((x, y)))[:3] == app_mod.STAYS_HIDDEN
                   for x in range(0, a.map_rect.w, 2) for y in range(0, a.map_rect.h, 2))

    assert ring_pixels(sf) > 0
    app.hover = None
    assert ring_pixels(app) == 0  # (the infantry reveals itself wherever it goes: no ring)
    sf.select(None)
    assert sf.move_reveals() == {}


# ------------------------------------------------------------------ play-test 17
def test_a_move_that_brings_new_enemies_into_view_cannot_be_undone(screen):
    """Move, look at the enemies the unit now sees, Ctrl+Z: free scouting. Seeing a new enemy ends the undo
    history as a random draw does, and the status line says so; a move that shows nothing stays undoable."""
    app = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    assert not app.view.contacts
    app.issue(Move("az_sf", (6, 3)), undoable=True)
    assert [c.id for c in app.view.contacts] == ["arm_inf_1"]
    assert app.undo_stack == []
    assert app.status.endswith(" - undo no longer possible: you saw new enemy units (enemy Infantry (arm_inf_1))")
    app.undo()
    assert app.status.startswith("Nothing to undo") and app.state.unit("az_sf").idx == app.state.map.idx((6, 3))
    plain = app_of(goto(tiny_game(1), "attacker", "movement"), (0,))
    plain.issue(Move("az_mech", (9, 3)), undoable=True)
    assert len(plain.undo_stack) == 1 and "undo no longer possible" not in plain.status
    # looking at a hex where an enemy was last seen tells whether it is still there: that ends undo too
    idx = plain.state.map.idx((6, 3))
    vis = plain.view.visible.copy()
    assert vis[idx]
    vis[idx] = False
    assert plain.newly_known((set(), {"arm_x": idx}, vis)) == ["arm_x"]
    assert plain.newly_known((set(), {"arm_x": idx}, plain.view.visible.copy())) == []


def test_hotseat_pass_resets_the_view_and_a_loaded_game_waits_behind_the_curtain(shusha, screen, tmp_path):
    def passed(look_around: bool) -> Any:
        app = app_of(new_game(shusha, 0), (0, 1), hotseat=True)
        if look_around:
            for _ in range(3):
                app.zoom(1)
            app.pan(200, 100)
            app.overlays = {7}
            app.hover = app.state.map.idx((22, 13))
        while app.state.side == 0:
            app.end_phase()
        app.update()
        assert app.pass_screen
        app.dismiss_pass()
        return app

    app, still = passed(True), passed(False)
    # the defender's view owes nothing to where the attacker looked: the play zoom on the defender's own units
    # (session 36: it had been the whole map, where Shusha's counters are dots)
    assert app.view_side == 1 and (app.zoom_i, app.vx, app.vy) == (still.zoom_i, still.vx, still.vy)
    assert app.zoom_i == app.play_zoom_i()
    assert app.overlays == set() and app.hover is None
    # a save taken at the defender's turn, loaded while the attacker's turn is up: the curtain first
    path = tmp_path / "def.json"
    app.save(path)
    other = app_of(new_game(shusha, 0), (0, 1), hotseat=True)
    assert other.view_side == 0 and not other.pass_screen
    other.load(path)
    assert other.pass_screen
    surf = pygame.Surface(SIZE)
    other.render(surf)  # the curtain only: nothing of the defender's map
    assert "Pass the screen to the DEFENDER" in pass_screen_text(other, surf)
    other.dismiss_pass()
    assert other.view_side == 1 and not other.pass_screen


def pass_screen_text(app: Any, surf: pygame.Surface) -> str:
    from ui import panels

    said: list[str] = []
    real = panels._modal
    panels._modal = lambda a, s, lines, dim=170: said.extend(t for t, *_ in lines)  # type: ignore[assignment]
    try:
        app.render(surf)
    finally:
        panels._modal = real
    return " ".join(said)


def test_the_status_line_sums_up_the_enemys_half_turn_when_control_returns(shusha, screen):
    from ui.status import SEP, summary_parts

    app = app_of(new_game(shusha, 0), (1,))
    app.run_ai_until(9)  # (the attacker's turn 9 starts: the AI plays it through `update`)
    app.status, app.highlight = "arm_inf_6 goes to ground", [5]  # the player's last order
    k0 = len(app.state.log)
    app.update(budget_s=0.0)
    assert app.highlight == []  # the last order's outlines go as the enemy's turn starts
    while app.state.side == 0:
        app.update(budget_s=1.0)
    from ui.app import OWN_REPORTS

    seen = [ev for _, ev in visible_log(app.state, 1, start=k0)
            if not (getattr(ev, "side", None) == "defender" and ev.kind in OWN_REPORTS)]
    parts = summary_parts(seen, app.state, app.view, names=app.names)  # (the view: what a recon sortie found)
    assert parts and app.status.startswith("Enemy turn: ")  # (the same parts, in the order they happened)
    assert sorted(app.status.removeprefix("Enemy turn: ").split(SEP)) == sorted(parts)
    # hotseat: the other player's half-turn, from where it got the screen
    hs = app_of(new_game(shusha, 0), (0, 1), hotseat=True)
    while hs.state.side == 0:
        hs.end_phase()
    hs.update()
    hs.dismiss_pass()
    assert hs.status.startswith("Enemy turn: ")
    while hs.state.side == 1:  # the defender's half-turn; then turn 2 starts with both sides' reports
        hs.end_phase()
    hs.update()
    hs.dismiss_pass()
    assert hs.view_side == 0 and hs.status.startswith("Enemy turn: ")
    # the attacker's own turn-start reports (its supply, its drones' flying weather) are not the enemy's turn
    assert "units in supply" not in hs.status and "can fly" not in hs.status and "grounded" not in hs.status


@pytest.mark.parametrize("size", [(1280, 800), (1560, 910)])
def test_the_hex_panels_key_lines_fit_at_common_window_sizes(shusha, screen, monkeypatch, size):
    """A hidden unit selected, a hex hovered: "Move here … reveals" and "Last seen here …" are drawn whole above
    the event log (they were cut off or missing at 1280x800 and 1560x910)."""
    surf = pygame.Surface(size)
    for seed in range(10):  # a game in which, on turn 14, the defender has an enemy last seen
        app = app_of(new_game(shusha, seed), (1,), size=size)
        app.run_ai_until(14)
        goto(app.state, "defender", "movement")
        app.autoskip = False
        app.select("arm_inf_1")
        dest = [i for i in app.move_reveals() if app.move_reveals()[i]]
        if dest and app.last_seen_markers():
            break
    app.hover = dest[0]
    lines = panel_lines(app, surf, monkeypatch)
    move = [r for s, r in lines if "reveals Shushi garrison, Artsakh Defence Army (arm_inf_1): " in s]
    assert move and move[0].bottom <= app.gui.info_bottom
    m = app.last_seen_markers()[0]
    app.hover = m.idx
    lines = panel_lines(app, surf, monkeypatch)
    seen = [r for s, r in lines if s.startswith(f"Last seen here on turn {m.turn}")]
    assert seen and seen[0].bottom <= app.gui.info_bottom


def test_the_writer_never_draws_a_line_cut_in_half(screen):
    from ui import panels

    app = app_of(tiny_game(1), (1,))
    surf = pygame.Surface((300, 100))
    lh = app.ui_text.line_height(12)
    drawn: list[str] = []
    real = app.ui_text.render
    app.ui_text.render = lambda s, *a, **kw: drawn.append(s) or real(s, *a, **kw)  # type: ignore[method-assign]
    w = panels.Writer(app, surf, surf.get_rect())
    w.limit = w.y + lh + lh // 2  # room for one and a half lines
    w.line("first", px=12)
    w.line("second", px=12)
    app.ui_text.render = real  # type: ignore[method-assign]
    assert drawn == ["first"]


def test_the_off_map_battery_does_not_offer_to_move(shusha, screen):
    from ui import panels

    app = app_of(goto(new_game(shusha, 0), "defender", "movement"), (1,))
    app.autoskip = False
    u = app.state.unit("arm_art_offmap")
    app.select(u.id)
    hint = panels.unit_hint(app, u, app.state.utype(u))
    assert "do not move on the map" in hint and "(0,26)" in hint and "highlighted hex" not in hint


def test_stays_hidden_is_worded_with_its_caveat(shusha, screen):
    from ui import panels
    from ui.gui import map_key

    assert "stays hidden moving there, unless it meets an enemy you have not seen" in map_key(app_of(
        tiny_game(1), (1,)).palette)
    sf = app_of(goto(new_game(shusha, 3), "attacker", "movement"), (0,))
    sf.autoskip = False
    sf.select("az_sf_1")
    u = sf.state.unit("az_sf_1")
    assert "unless it meets an enemy you have not seen" in panels.unit_hint(sf, u, sf.state.utype(u))


def test_a_last_seen_mark_is_explained_on_click_and_not_shown_under_an_own_unit(shusha, screen):
    from ui import panels

    app = played_until_last_seen(shusha, 0)
    m = app.last_seen_markers()[0]
    label = app.state.scenario.unit_table[m.type].label
    app.click_hex(m.idx)
    assert app.status == f"Last seen here on turn {m.turn}: {label}, strength {m.strength} (it may have moved since)"
    # a stale entry under an own unit (the engine may keep one): the unit there sees no enemy, no mark is shown
    own = app.own_units_at_any()[0]
    app.state.last_seen[1][m.id] = (own.idx, m.turn, m.strength, False)
    app._view_key = None
    assert m.id in {x.id for x in app.view.last_seen}
    assert m.id not in {x.id for x in app.last_seen_markers()}
    assert not any(s.startswith("Last seen") for s in panel_text(app, screen, panels.hover_info, own.idx))


def test_plurals_and_type_labels_in_ui_text(shusha, screen):
    from types import SimpleNamespace

    from engine.events import ArtilleryFired
    from ui import panels
    from ui.app import _odds_lines
    from ui.status import order_summary

    o = SimpleNamespace(firer="a", target="b", target_type="tank", firepower=3, protection=1, modifiers=[], net=2,
                        p_hit=0.3, shots=1, expected_losses=0.3, p_destroyed=0.0)
    assert any(s.endswith("per shot × 1 shot") for s in _odds_lines("Fire", o))
    st = tiny_game(1)
    ev = ArtilleryFired(turn=1, side="defender", unit="arm_art", target_hex=(6, 4), spotter="arm_inf_1", fire=[])
    assert order_summary([ev], st, "").endswith(": 0 steps lost")
    app = app_of(new_game(shusha, 3), (0,))
    u = app.state.unit("az_sf_1")
    lines = panel_text(app, screen, panels.hover_info, u.idx)
    here = next(s for s in lines if s.startswith("Here: "))
    assert "az_sf_1 (Special forces, " in here and "special_forces" not in here



# ------------------------------------------------------------------ 10. what a recon sortie looked at and found
def recon_app(seed: int = 1, hidden_at: tuple[int, int] | None = None, watcher: bool = False,
              human: int = 0) -> Any:
    """The tiny game at the attacker's air phase (its recon drone az_orlan); `hidden_at`: a hidden defender
    infantry unit there; `watcher`: an attacker unit at (4,5), which sees arm_inf_2 from the start."""
    from conftest import add_unit, variant

    def edit(doc: dict[str, Any]) -> None:
        if hidden_at is not None:
            add_unit(doc, "arm_hid", "defender", "infantry", hidden_at, hidden=True)
        if watcher:
            add_unit(doc, "az_watch", "attacker", "infantry", (4, 5))

    st = goto(tiny_game(seed, variant(edit)), "attacker", "air")
    return app_of(st, (human,))


def test_a_recon_sortie_that_finds_nothing_says_so_and_what_it_looked_at(screen):
    app = recon_app()
    app.issue(Recon("az_orlan", (5, 6)))  # over the ravine: arm_amb stays hidden in it
    assert app.state.unit("arm_amb").hidden
    s = app.status
    assert s.startswith("az_orlan recon over (5,6) looked at 16 hexes (radius 2): found nothing")
    assert "arm_amb" not in s  # (a unit the side does not know of is never named)
    flown = [(k, e) for k, e in visible_log(app.state, 0) if e.kind == "ReconFlown"]
    rows = app.gui._event_rows(*flown[-1], 2000)
    assert any("looked at 16 hexes within 2 of (5,6); no hidden enemy detected" in r for r, _ in rows)


def test_a_recon_sortie_names_what_it_found_hidden_new_and_already_known(screen):
    app = recon_app(hidden_at=(1, 5), watcher=True)  # (the watcher sees arm_inf_2 before the sortie)
    known = {c.id for c in app.view.contacts}
    assert "arm_inf_2" in known and "arm_ad" not in known and app.state.unit("arm_hid").hidden
    app.issue(Recon("az_orlan", (1, 5)))
    s = app.status
    assert s.startswith("az_orlan recon over (1,5) looked at 18 hexes (radius 2): FOUND 1 hidden: "
                        "enemy Infantry (arm_hid)")  # (an own unit the scenario gives no name: its id)
    assert "newly in view: enemy Air defence (arm_ad)" in s
    assert "already known in its area: enemy Infantry (arm_inf_2)" in s
    assert "revealed" not in s  # (the reveal is the sortie's find, said once)
    # everything named is what the side now knows: its contacts
    contacts = {c.id for c in app.view.contacts}
    assert {"arm_hid", "arm_ad", "arm_inf_2"} <= contacts


def test_an_enemy_recon_sortie_tells_the_player_what_it_found_of_theirs(screen):
    app = recon_app(hidden_at=(1, 5), human=1)  # the defender watches the attacker's sortie
    start = len(app.state.log)
    apply_order(app, Recon("az_orlan", (1, 5)))
    s = app.enemy_turn_summary(start)
    assert s.startswith("Enemy turn: enemy Recon drone (az_orlan) recon over (1,5) looked at 18 hexes (radius 2): "
                        "FOUND your hidden arm_hid")
    assert "sees your arm_inf_2, arm_ad" in s
    app = recon_app(human=1)
    start = len(app.state.log)
    apply_order(app, Recon("az_orlan", (5, 6)))
    assert app.enemy_turn_summary(start).endswith("did not find your hidden Ravine ambushers (arm_amb)")
    app = recon_app(human=1)
    start = len(app.state.log)
    apply_order(app, Recon("az_orlan", (6, 2)))  # a hex the defender sees, none of its units near
    assert app.enemy_turn_summary(start).endswith("looked at 19 hexes (radius 2): found none of your hidden units")
    app = recon_app(human=1)
    start = len(app.state.log)
    apply_order(app, Recon("az_orlan", (9, 1)))  # out of the defender's sight: it learns nothing of the sortie
    assert app.enemy_turn_summary(start) == "Enemy turn: you saw nothing of it"


def apply_order(app: Any, order: Any) -> None:
    from engine.rules import apply

    apply(app.state, order)


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_a_larger_text_never_drops_which_aircraft_can_fly_or_the_lesson_key(screen, monkeypatch, scale):
    """A teacher's review: at --ui-scale 1.5 the drones lesson's panel kept the red GROUNDED plate but lost
    "red_orbiter Recon drone: CAN FLY" (the compact panel gave a count), and at 2.0 "press L for the lesson":
    the lesson's two halves are on screen at any scale."""
    state = new_game(drones_red_recon_flies(), 1)
    app = app_of(state, (0,), ui_scale=scale)
    app.run_ai_until(2)
    goto(app.state, "attacker", "air")
    assert app.view.grounded.get("red_tb2") and not app.view.grounded.get("red_orbiter")
    drawn = " | ".join(s for s, _ in panel_lines(app, pygame.Surface(SIZE), monkeypatch))
    assert "red_orbiter" in drawn and "CAN FLY" in drawn.upper()
    assert "GROUNDED" in drawn and "red_tb2" in drawn
    assert "L: lesson" in drawn or "press L for the lesson" in drawn


def test_the_text_scale_follows_the_window_unless_given():
    from ui.cli import auto_ui_scale

    assert auto_ui_scale((1280, 800)) == 1.0 == auto_ui_scale((800, 600))
    assert 1.0 < auto_ui_scale((1600, 1000)) < auto_ui_scale((1920, 1200)) <= 1.5
    assert auto_ui_scale((2560, 1600)) == 1.5 == auto_ui_scale((2520, 1350))  # (a 1440p screen: as before)
    # beyond 2560x1600 (a 4K screen's window) the text keeps its share of the window, up to --ui-scale's top
    assert 1.5 < auto_ui_scale((3800, 2070)) < auto_ui_scale((3840, 2400)) < auto_ui_scale((7680, 4320)) == 2.5


def test_an_objective_taken_and_the_road_cut_come_first_in_a_summary():
    """A player's review: "attacker takes control of (21,11) Shusha" was hidden behind the status line's "…",
    after every fire and move of the enemy's half-turn."""
    from engine.events import ControlChanged, RoadCut, UnitMoved
    from ui.status import summary_parts

    state = new_game(load_scenario(SHUSHA), 1)
    town = state.map.hex_of(state.map.objective_hexes[0])
    events = [UnitMoved.make(turn=9, side="attacker", unit="az_sf_1", path=[(30, 20), (30, 21)], cost=2.5),
              ControlChanged.make(turn=9, side="attacker", hex=(30, 21), place=None, taken_unseen=False),
              ControlChanged.make(turn=9, side="attacker", hex=town, place="Shusha", taken_unseen=False),
              RoadCut.make(turn=9, road="Shusha–Lachin road", cut=True, reason="attacker astride the road")]
    parts = summary_parts(events, state)
    assert "Shusha" in parts[0] and "CUT" in parts[1]
    assert parts.index(next(p for p in parts if "moves" in p)) > 1
