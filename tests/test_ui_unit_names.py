"""Units by name wherever the UI shows one (session 23): the go-to orders' status line, the hover panel, the
bracket of an assault's line, the fire details and the texts around them showed raw ids ("arm_inf_2",
"az_sf_1"). Own units by their scenario name, enemies by type label and id (`ui.names.Namer`), never an enemy's
scenario name, and a hidden enemy not at all (fog of war). Dummy SDL video."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import re
from typing import Any

from conftest import app_of, goto
from test_ui_playtest import panel_text

from engine.events import AmbushSprung, AssaultResolved, DroneStrike, FireResult
from engine.orders import Fire, Move, Recon
from engine.rules import new_game

SIZE = (1280, 800)



def bare_ids(app: Any, text: str) -> list[str]:
    """The unit ids left in `text` once every form the Namer gives (name, typed name, short name; the hover
    panel's "Name - id" of an own unit and "ENEMY Label (id)") is taken out: ids that reach the screen bare."""
    nm = app.names
    rest = text
    for u in sorted(app.state.units, key=lambda u: (-len(u.id), u.id)):
        forms = [nm.name(u.id, typed=True), nm.name(u.id), nm.short(u.id), f"{u.name} - {u.id}"]
        for form in sorted({f for f in forms if f != u.id}, key=len, reverse=True):
            rest = re.sub(re.escape(form), "", rest, flags=re.IGNORECASE)
    ids = {u.id for u in app.state.units}
    return [w for w in re.findall(r"[A-Za-z0-9_]+", rest) if w in ids]


def enemy_names(app: Any) -> list[str]:
    """The scenario names of the viewing side's enemies: never on its screen."""
    return [u.name for u in app.state.units if u.side != app.view_side and u.name and u.name != u.id]


def clean(app: Any, text: str) -> bool:
    return not bare_ids(app, text) and not any(n in text for n in enemy_names(app))




def fire(firer: str, target: str) -> FireResult:
    return FireResult(firer=firer, target=target, target_type="infantry", firepower=3, protection=1, modifiers=[],
                      net=2, p_hit=0.3, shots=1, rolls=[0.1], hits=1, losses=1, strength_after=2)


# ------------------------------------------------------------------ the bracket of an assault's line
def test_an_assault_line_names_its_units_in_its_bracket_too(shusha, screen):
    """"Assault … (Dashalti forest ambush party (arm_inf_6)): repulsed (arm_inf_6 held; steps lost: arm_inf_6 1,
    az_sf_4 0)": the bracket gave the units as bare ids (the Namer named the first mention only)."""
    app = app_of(new_game(shusha, 0), (1,))
    ev = AssaultResolved.make(turn=12, side="attacker", attacker="az_sf_4", hex=(23, 14), target_hex=(22, 14),
                              defenders=["arm_inf_6"], attacker_fire=[fire("az_sf_4", "arm_inf_6")],
                              defender_fire=[fire("arm_inf_6", "az_sf_4")], result="assault repulsed",
                              advanced=False, main_defender="arm_inf_6",
                              why="arm_inf_6 held: not broken; steps lost: arm_inf_6 1, az_sf_4 0")
    s = app.names(ev.text())
    assert "(Dashalti forest ambush party held: not broken; steps lost: Dashalti forest ambush party 1, " \
           "enemy Special forces az_sf_4 0)" in s
    assert clean(app, s) and "Internal Troops" not in s  # (az_sf_4's scenario name: the defender cannot know it)
    # the event log (its line and the fire details under it) and the status line's summary
    rows = [t for t, _ in app.gui._event_rows(0, ev, 4000)]
    assert len(rows) >= 3 and all(clean(app, t) for t in rows), rows
    from ui.status import order_summary

    summary = order_summary([ev], app.state, "", app.view, None, app.names)
    assert "arm_inf_6 held" not in summary and clean(app, summary), summary
    # the attacker reads the same line with its own unit by name, the enemy by type
    att = app_of(new_game(shusha, 0), (0,))
    s = att.names(ev.text())
    assert "(enemy Infantry arm_inf_6 held" in s and "Dashalti" not in s and clean(att, s), s


def test_an_ambush_and_a_drone_strike_name_their_units_in_the_fire_details(shusha, screen):
    app = app_of(new_game(shusha, 0), (0,))
    amb = AmbushSprung.make(turn=5, side="defender", ambusher="arm_inf_6", target="az_sf_4", hex=(22, 14),
                            target_hex=(23, 14), fire=fire("arm_inf_6", "az_sf_4"))
    strike = DroneStrike.make(turn=5, side="attacker", unit="az_harop", target_hex=(21, 10), engagements=[],
                              aborted=False, fire=[fire("az_harop", "arm_inf_1")], expended=True, munitions_left=0)
    for ev in (amb, strike):
        rows = [t for t, _ in app.gui._event_rows(0, ev, 4000)]
        assert all(clean(app, t) for t in rows), rows
    assert "its last munition: Harop loitering munitions is used up" in app.names(strike.text())
    assert "fires first — enemy Infantry arm_inf_6 → " in app.names(amb.text())


# ------------------------------------------------------------------ fire previews
def test_a_fire_preview_out_of_range_names_the_gun(shusha, screen):
    """The engine's reason "(21,10) Shusha is 15 hexes away; az_how_1 reaches 12" reached the preview and the
    status line as it was."""
    st = goto(new_game(shusha, 0), "attacker", "artillery")
    app = app_of(st, (0,))
    app.autoskip = False  # (no enemy spotted: the phase would be skipped)
    app.update()
    app.preview(Fire("az_how_1", (21, 10)))
    assert app.pending is not None
    lines = app.pending[1]
    assert lines[1].startswith("NOT ALLOWED: ") and "Howitzer battalion (D-30) (az_how_1) reaches 12" in lines[1]
    assert all(clean(app, s) for s in lines) and clean(app, app.status), (lines, app.status)
    st2 = goto(new_game(shusha, 0), "attacker", "air")
    app2 = app_of(st2, (0,))
    app2.issue(Recon("az_orbiter", (0, 0)))  # refused: the status line says why, the drone by name
    assert app2.status.startswith("Not allowed: ") and "Orbiter reconnaissance drones" in app2.status
    assert clean(app2, app2.status), app2.status


def attacker_moving(shusha: Any) -> Any:
    """The attacker's app at its first movement phase of Shusha seed 3, phases not skipped by themselves."""
    app = app_of(goto(new_game(shusha, 3), "attacker", "movement"), (0,))
    app.autoskip = False
    app.update()
    return app


# ------------------------------------------------------------------ the hover panel
def test_the_hover_panel_names_the_mover_and_labels_the_enemy(shusha, screen):
    """"Move here: 1.5 MP - az_sf_1 stays hidden", "Here: ENEMY arm_inf_6 (Infantry, 2)"."""
    from ui import panels

    app = attacker_moving(shusha)
    app.select("az_sf_1")
    reveals = app.move_reveals()
    assert reveals
    lines = [s for i in list(reveals)[:6] for s in panel_text(app, screen, panels.hover_info, i)]
    moves = [s for s in lines if s.startswith("Move here: ")]
    assert moves and all("Special Forces Command, 1st assault group (az_sf_1)" in s for s in moves), moves
    assert all(clean(app, s) for s in lines), lines
    # an enemy in view: by type and id; where it is hidden from the viewer, nothing of it
    app.state.unit("arm_inf_6").hidden = False
    app.state.touch()
    own = app.state.unit("az_mr_1")
    enemy = app.state.unit("arm_inf_6")
    enemy.idx = int(app.state.map.nbr[own.idx][0])  # (next to az_mr_1: in view)
    app.state.touch()
    assert "arm_inf_6" in {c.id for c in app.view.contacts}
    here = next(s for s in panel_text(app, screen, panels.hover_info, enemy.idx) if s.startswith("Here: "))
    assert here == f"Here: ENEMY Infantry (arm_inf_6), strength {enemy.strength}"
    hid = app.state.unit("arm_inf_4")
    assert hid.hidden and "arm_inf_4" not in {c.id for c in app.view.contacts}
    text = " ".join(panel_text(app, screen, panels.hover_info, hid.idx))
    assert "arm_inf_4" not in text and "Sighnaq ravine" not in text and "ENEMY" not in text


def test_unit_hints_and_no_order_texts_name_the_unit(shusha, screen):
    from ui import panels

    app = attacker_moving(shusha)
    app.select("az_sf_1")
    dest = next(i for i in app.destinations() if i != app.state.unit("az_sf_1").idx)
    app.issue(Move("az_sf_1", app.state.map.hex_of(dest)))
    u = app.state.unit("az_sf_1")
    assert u.moved
    hint = panels.unit_hint(app, u, app.state.utype(u))
    assert hint.startswith("Special Forces Command, 1st assault group (az_sf_1) has already moved"), hint
    gun = app.state.unit("az_how_1")
    s = app._no_order_here(gun, app.state.utype(gun), "assault", 0, [])
    assert s == "Howitzer battalion (D-30) (az_how_1) does not assault"
    app.select("az_tb2")
    s = app._no_order_here(app.state.unit("az_tb2"), app.state.utype(app.state.unit("az_tb2")), "movement", 0, [])
    assert s == "Bayraktar TB2 flight (az_tb2) does not move on the map"


# ------------------------------------------------------------------ go-to orders
def test_the_go_to_status_line_names_the_units(shusha, screen):
    """"Go-to orders (attacker): az_sf_1 to (29,24); az_sf_2 stopped: …": the status line gave bare ids."""
    from ui import goto_orders

    app = attacker_moving(shusha)
    goal = app.state.map.idx((24, 15))
    for uid in ("az_sf_1", "az_sf_2"):
        goto_orders.orders(app.state)[uid] = list(app.state.map.hex_of(goal))
    said = goto_orders.run(app)
    assert len(said) == 2, said
    assert any(s.startswith("Special Forces Command, 1st assault group ") for s in said), said
    assert all(clean(app, s) and not s.startswith("az_") for s in said), said
    # given by Shift+click: the first step is told after the order, by name too
    app.select("az_sf_3")
    app.click_hex(goal, shift=True)
    assert "State Border Service special-purpose group (az_sf_3): Going to" in app.status
    assert clean(app, app.status), app.status
    # the phase's summary
    goto_orders.orders(app.state)["az_mr_1"] = list(app.state.map.hex_of(goal))
    goto_orders.run_phase_start(app)
    assert app.status.startswith("Go-to orders (attacker): Motor-rifle battalion (Hadrut axis) "), app.status
    assert clean(app, app.status), app.status


# ------------------------------------------------------------------ the rest: grounded rows, replay, map labels
def test_grounded_rows_and_replay_orders_name_the_units(shusha, screen):
    from ui import panels
    from ui.replay import describe_order

    app = app_of(new_game(shusha, 0), (0,))
    app.view.grounded["az_tb2"] = "cloud base 300 m < 1200 m needed"
    rows = panels.grounded_rows(app)
    assert rows[0][0] == "Armed drones - Bayraktar TB2 flight (az_tb2)"
    order = Move("az_sf_2", (32, 26))
    assert describe_order(order) == "az_sf_2: move to (32,26)"  # (without names: the id, as before)
    assert describe_order(order, app.names) == "Special Forces Command, 2nd assault group (az_sf_2): move to (32,26)"


def test_a_selected_off_map_guns_label_on_the_map_names_it(shusha, screen):
    got: list[str] = []
    st = goto(new_game(shusha, 0), "defender", "artillery")
    app = app_of(st, (1,))
    app.autoskip = False
    real = app.text.halo
    app.text.halo = lambda s, *a, **k: got.append(s) or real(s, *a, **k)  # type: ignore[method-assign]
    app.select("arm_art_offmap")
    app.center_on(app.state.unit("arm_art_offmap").idx)
    app.render(screen)
    assert "Artillery from Armenia proper fires from here" in got
    assert not any(s.startswith("arm_art_offmap") for s in got)
