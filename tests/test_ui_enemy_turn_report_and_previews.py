"""A player's review (session 22) and an AI author's finding 9: units by name, the enemy-turn report, why a phase
was skipped, a loitering munition's cost, map clutter, `play --load` with the save's agents (dummy SDL video)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from types import SimpleNamespace

import pygame
import pytest
from conftest import app_of, goto, tiny_dict, tiny_game

from engine.events import ObjectiveStatus, TurnStarted, UnitDestroyed, UnitMoved, UnitRevealed, WeatherReport
from engine.orders import Recon, Strike
from engine.rules import new_game
from engine.scenario import scenario_from_dict

SIZE = (1280, 800)
TYPE_KEYS = ("special_forces", "motor_rifle", "(infantry)", "mech_infantry", "(orbiter)")



def no_type_keys(s: str) -> bool:
    return not any(k in s for k in TYPE_KEYS)


# ------------------------------------------------------------------ 1. units by name
def test_the_enemy_turn_summary_and_log_name_own_units_and_label_enemy_ones(shusha, screen):
    """"arm_inf_6 (infantry) DESTROYED at (22,14)": which of fourteen infantry counters was that? Own units by
    their scenario name (id in brackets), enemies by type label and id, never a raw type key, never an enemy's
    scenario name (fog of war)."""
    app = app_of(new_game(shusha, 0), (1,))
    seen = [UnitDestroyed.make(turn=12, side="defender", unit="arm_inf_6", unit_type="infantry", hex=(22, 14),
                               cause="assault"),
            UnitMoved.make(turn=12, side="attacker", unit="az_sf_4", path=[(24, 15), (23, 14)], cost=1.5)]
    s = app.enemy_turn_summary(len(app.state.log), seen)
    assert "Dashalti forest ambush party (arm_inf_6) DESTROYED" in s
    assert "enemy Special forces (az_sf_4) moves" in s
    assert no_type_keys(s) and "Internal Troops" not in s  # (az_sf_4's scenario name: the defender cannot know it)
    # the event log: the same names, the engine's raw "(infantry)" folded in
    rows = " ".join(t for t, _ in app.gui._event_rows(0, seen[0], 2000))
    assert "Dashalti forest ambush party (arm_inf_6) destroyed" in rows and no_type_keys(rows)


def test_odds_previews_name_the_firer_and_label_the_target(shusha, screen):
    from ui.app import _odds_lines

    app = app_of(new_game(shusha, 0), (1,))
    o = SimpleNamespace(firer="arm_how_2", target="az_mr_1", target_type="motor_rifle", firepower=3, protection=1,
                        modifiers=[], net=2, p_hit=0.3, shots=1, expected_losses=0.3, p_destroyed=0.0)
    head = _odds_lines("Fire", o, app.state.scenario.combat, app.names)[0]
    assert head == "Fire: Howitzer battery (D-20), Shosh (arm_how_2) → enemy Motor rifles (az_mr_1)"
    assert "motor_rifle" not in _odds_lines("Fire", o)[0]  # (without names: the type as a word)


def test_roster_rows_put_the_flags_first_and_name_the_units(shusha, screen):
    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), (1,))
    app.state.unit("arm_inf_4").supplied = False
    app.state.touch()
    rows = dict((uid, text) for text, uid in app.roster_rows())
    row = rows["arm_inf_4"]
    assert "Sighnaq ravine ambush party (arm_inf_4)" in row
    assert row.index("OUT OF SUPPLY") < row.index("Sighnaq")  # (a long row is cut at the right, not its flags)
    assert ("[hidden]" in row) == app.state.unit("arm_inf_4").hidden
    assert all(no_type_keys(t) for t in rows.values())


# ------------------------------------------------------------------ 2. the enemy-turn report
def test_routine_turn_reports_are_not_the_enemys_turn_and_nothing_seen_says_so(shusha, screen):
    app = app_of(new_game(shusha, 0), (0,))
    seen = [TurnStarted(turn=9, date="Thu", night=False),
            WeatherReport.make(turn=9, ceiling_m=400, visibility_km=2, fog="patchy", precipitation="none",
                               ground_vision_hexes=2),
            ObjectiveStatus.make(turn=9, objective="Shusha", attacker_hexes=0, total_hexes=7, held_by="")]
    app.state.log.extend(seen)
    start = len(app.state.log) - len(seen)
    assert app.enemy_turn_summary(start) == "Enemy turn: you saw nothing of it"
    lines = [line for line, _ in app.report_lines()]
    assert any(line.startswith("You saw nothing of it") for line in lines)
    assert not any("attacker controls" in line or line.startswith("Turn 9") for line in lines)


def test_a_long_summary_keeps_the_skip_note_in_view_and_v_opens_the_whole_report(shusha, screen):
    """"| skipped the air phase (nothing to order); arm_orlan grounded: thick fog" was always in the cut-off
    part of the two-line status bar; the whole summary is in the report window (V, or a click on the bar)."""
    from ui import panels
    from ui.app import skip_status

    app = app_of(new_game(shusha, 0), (1,))
    seen = [UnitMoved.make(turn=3, side="attacker", unit=f"az_sf_{k}", path=[(30, 20), (30, 21)], cost=2.5)
            for k in range(1, 10)]
    seen.insert(4, UnitDestroyed.make(turn=3, side="defender", unit="arm_inf_6", unit_type="infantry",
                                      hex=(22, 14), cause="assault"))
    app.status = app.enemy_turn_summary(len(app.state.log), seen)
    note = "skipped the air phase (nothing to order); Orlan-10 reconnaissance drones (arm_orlan) grounded: thick fog"
    app.status = skip_status(app.status, note)
    lines, n_main = panels.status_lines(app, app.map_rect.w - 20)
    assert n_main == 2 and lines[1].endswith(panels.REPORT_HINT)  # (cut, and says where the rest is)
    assert lines[2] == "S" + note[1:]
    app.render(screen)
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_v, mod=0, unicode="v"))
    app.render(screen)
    assert app.gui.report_win is not None and app.gui.report_win.alive()
    report = app.report_lines()
    assert report[1] == ("Losses, the objective and the road", True)
    assert report[2][0].startswith("Dashalti forest ambush party (arm_inf_6) DESTROYED")  # losses first
    assert sum(1 for line, _ in report if "moves" in line) == 9
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode=""))
    assert not app.show_report


def test_a_move_seen_setting_out_is_one_part(shusha):
    from ui.status import summary_parts

    st = new_game(shusha, 0)
    evs = [UnitRevealed.make(turn=3, side="attacker", unit="az_sf_1", hex=(24, 15), setting_out=True,
                             reason="its route left cover"),
           UnitMoved.make(turn=3, side="attacker", unit="az_sf_1", path=[(24, 15), (24, 14)], cost=1.5)]
    parts = summary_parts(evs, st)
    assert parts == ["az_sf_1 moves (24,15)→(24,14) (1.5 MP) (seen setting out: its route left cover)"]


# ------------------------------------------------------------------ 3. why the artillery phase was skipped
def test_a_skipped_artillery_phase_says_no_gun_reaches_the_spotted_enemy(screen, monkeypatch):
    """Defender, T2: the Orlan found four enemies, the phase was skipped "(nothing to order)": the nearest gun was
    13 hexes away, range 12. The reason comes from the side's view: its contacts, spotters and gun ranges."""
    import numpy as np

    from engine.view import SideView

    doc = tiny_dict()
    doc["units"].append({"id": "az_probe", "side": "attacker", "type": "infantry", "hex": [4, 4]})
    st = goto(tiny_game(1, scenario_from_dict(doc, source="tiny variant")), "defender", "artillery")
    app = app_of(st, (1,))
    v = app.view
    assert "az_probe" in {c.id for c in v.contacts} and v.spotter(st.map.idx((4, 4)))
    assert app.artillery_skip_reason().startswith("1 spotted enemy in range")  # (the tiny map: all in range)
    monkeypatch.setattr(SideView, "fire_range", lambda self, uid: np.zeros(st.map.n, dtype=bool))
    app._view_key = None  # (a fresh view with the short-ranged guns)
    gun = st.unit("arm_art")
    d = st.map.distance(gun.idx, st.map.idx((4, 4)))
    rng = st.scenario.unit_table[gun.type].range_hexes
    assert app.artillery_skip_reason() == (f"no gun in range of a spotted enemy: nearest arm_art is {d} hexes "
                                           f"from enemy Infantry (az_probe), range {rng}")


def test_the_autoskip_of_the_artillery_phase_gives_the_reason(screen, monkeypatch):
    from ui.app import App

    doc = tiny_dict()
    doc["units"].append({"id": "az_probe", "side": "attacker", "type": "infantry", "hex": [4, 4]})
    st = goto(tiny_game(1, scenario_from_dict(doc, source="tiny variant")), "defender", "artillery")
    app = app_of(st, (1,))
    monkeypatch.setattr(App, "artillery_skip_reason", lambda self: "no gun in range of a spotted enemy: x")
    from engine.orders import EndPhase

    monkeypatch.setattr(type(app.view), "legal_orders", lambda self: [EndPhase("defender")])
    app.update()
    assert app.state.phase != "artillery"
    assert "skipped the artillery phase (no gun in range of a spotted enemy: x)" in app.status.lower()
    assert any("no gun in range" in n for n in app.report_notes)


# ------------------------------------------------------------------ 4. a loitering munition's strike
def test_a_harop_strike_preview_says_it_spends_a_munition_hit_or_miss(shusha, screen):
    st = goto(new_game(shusha, 0), "attacker", "air")
    app = app_of(st, (0,))
    if app.view.grounded.get("az_harop") or app.view.grounded.get("az_orbiter"):
        pytest.skip("grounded on this seed's first turn")
    app.issue(Recon("az_orbiter", (21, 11)))
    target = next(c for c in app.view.contacts)
    app.preview(Strike("az_harop", target.hex))
    n = st.unit("az_harop").strength
    assert any(s.startswith(f"uses 1 of {n} munitions, hit or miss") for s in app.pending[1])
    app.preview(Strike("az_tb2", target.hex))
    assert not any("munition" in s for s in app.pending[1])


# ------------------------------------------------------------------ 5. map clutter
def test_last_seen_labels_stay_clear_of_each_other_and_of_counters_and_old_marks_hide(shusha, screen,
                                                                                      monkeypatch):
    from engine.view import LastSeen
    from ui.app import LAST_SEEN_MAX_AGE, App

    app = app_of(goto(new_game(shusha, 0, track_sightings=True), "defender", "movement"), (1,))
    st = app.state
    st.turn = 10
    app.open_on_own_forces()
    gm = st.map
    own = app.own_units_at_any()[0]
    near = [int(i) for i in gm.within(own.idx, 1).tolist() if i != own.idx][:4]
    enemy = [u for u in st.units if u.side == 0 and st.utype(u).domain == "ground"]
    marks = [LastSeen(u.id, u.type, i, gm.hex_of(i), t, u.strength)
             for u, i, t in zip(enemy, near + near[:2], (9, 9, 8, 9, 10, 9), strict=False)]
    marks.append(LastSeen(enemy[8].id, enemy[8].type, near[0], gm.hex_of(near[0]), 10 - LAST_SEEN_MAX_AGE - 2, 3))
    monkeypatch.setattr(App, "last_seen_markers", lambda self: [m for m in marks if m.idx != own.idx])
    app.counter_sprites()
    assert_last_seen_labels_clear(app)
    assert enemy[8].id not in {m.id for m in app.shown_last_seen()}  # (too old: hidden)
    app.on_key(pygame.K_o, 0, "o")
    assert enemy[8].id in {m.id for m in app.shown_last_seen()}


def test_supply_tags_one_per_hex_with_a_count_never_overlap(screen):
    from ui import overlays as ov
    from ui.text import Text

    pygame.font.init()
    res = ov.OverlayResult("supply")
    red = (200, 30, 30, 255)
    boxes: dict[str, tuple[int, pygame.Rect]] = {}
    for k in range(4):  # two units on each of four hexes in a row, close together as in Shusha
        for j in range(2):
            uid = f"u{k}_{j}"
            res.unit_marks[uid] = (red, ov.NO_SUPPLY_TAG)
            boxes[uid] = (k, pygame.Rect(100 + 40 * k + 6 * j, 100 + 6 * j, 44, 34))
    sprites = ov.unit_mark_sprites(res, boxes, Text())
    tags = [r for _, r in sprites[4:]]  # (the four rings come first)
    assert len(tags) == 4
    for k, r in enumerate(tags):
        assert r.collidelist(tags[:k] + tags[k + 1:]) < 0


def test_the_overlay_legend_leaves_a_corner_with_place_names_or_counters():
    from ui import legend_place

    mr = pygame.Rect(0, 0, 1000, 700)
    lachin = pygame.Rect(20, 560, 90, 24)  # a place name in the bottom-left corner, as Lachin at Shusha
    app = SimpleNamespace(map_rect=mr, vx=0, vy=0, counter_boxes=[pygame.Rect(60, 600, 40, 30)],
                          place_labels=[("Lachin", lachin)], status_reserve=52)
    r = legend_place.best_spot(app, 300, 200)
    assert not r.colliderect(lachin) and mr.contains(r)
    free = SimpleNamespace(map_rect=mr, vx=0, vy=0, counter_boxes=[], place_labels=[], status_reserve=52)
    assert legend_place.best_spot(free, 300, 200).left == 8  # (the bottom left, when it covers nothing)


def test_the_path_tag_makes_way_for_a_place_name(shusha, screen):
    st = goto(new_game(shusha, 0), "defender", "movement")
    app = app_of(st, (1,))
    app.open_on_own_forces()
    uid = next(u.id for u in app.own_units_at_any() if len(app.view.destinations(u.id)) > 2)
    app.select(uid)
    app.hover = next(i for i in app.destinations() if i != st.unit(uid).idx)
    imgs = [pygame.Surface((60, 16))]
    first = app.path_tag_rect(imgs)
    app.place_labels = [("Mets Shen", first.move(int(app.vx), int(app.vy)))]
    assert not app.path_tag_rect(imgs).colliderect(first)


# ------------------------------------------------------------------ 6. play --load uses the save's agents
def test_a_loaded_game_plays_against_the_agents_it_was_saved_with(shusha, tmp_path, screen):
    from engine.ai.random_agent import RandomAgent
    from engine.savegame import load_game, save_game

    st = new_game(shusha, 0, agents={"attacker": "random", "defender": "doctrine"})
    p = tmp_path / "s.json"
    save_game(st, p)
    app = app_of(load_game(p, track_sightings=True), (1,))
    assert isinstance(app.agents[0], RandomAgent) and not isinstance(app.agents[1], RandomAgent)
    fresh = app_of(new_game(shusha, 0), (1,))  # (no agents recorded but the scenario's: the doctrine AI)
    assert not isinstance(fresh.agents[0], RandomAgent)
    fresh.load(p)  # (the Load dialog too)
    assert isinstance(fresh.agents[0], RandomAgent)


def test_a_save_played_by_an_agent_not_installed_here_loads_against_the_scenarios_ai(shusha, tmp_path, screen):
    """A save names its agents; one not installed on this machine (an import path) must not stop the game from
    loading in the window (a reviewer's crash): the scenario's AI plays that side, and the status says so."""
    from engine.ai.doctrine import DoctrineAgent
    from engine.savegame import save_game

    st = new_game(shusha, 0, agents={"attacker": "wg_not_installed_here:Agent", "defender": "doctrine"})
    p = tmp_path / "s.json"
    save_game(st, p)
    app = app_of(new_game(shusha, 0), (1,))
    app.load(p)
    assert isinstance(app.agents[0], DoctrineAgent) and app.state.agents["attacker"] == "wg_not_installed_here:Agent"
    assert "'wg_not_installed_here:Agent' cannot be made here" in app.status
    assert "the doctrine AI plays the attacker instead" in app.status


def assert_last_seen_labels_clear(app) -> None:
    """The last frame drew last-seen labels, none on a counter or on another label."""
    labels = app.last_seen_label_rects
    assert labels
    counters = [r for _, r in app.unit_boxes.values()]
    for k, r in enumerate(labels):
        assert r.collidelist(counters) < 0
        assert r.collidelist(labels[:k] + labels[k + 1:]) < 0
