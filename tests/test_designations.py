"""Unit designations on counters: distinct within a side's look-alike counters, drawn only on own units."""

from __future__ import annotations

import json

import pygame
from conftest import SHUSHA_PATH, app_of, move_unit, shusha_scenario, unit_spec

from engine.rules import new_game
from engine.scenario import scenario_from_dict
from ui.designations import designations
from ui.render_units import LABEL_MIN_W, counter_image, counter_size


def _shusha() -> dict[str, str]:
    s = shusha_scenario()
    return designations((u.id, u.side, s.unit_table[u.type].symbol) for u in s.units)


def test_shusha_designations_are_short_and_distinct_within_side_and_symbol():
    s = shusha_scenario()
    d = _shusha()
    assert [d[f"az_sf_{k}"] for k in range(1, 10)] == [str(k) for k in range(1, 10)]
    assert d["arm_inf_11"] == "11" and d["arm_res_2"] == "R2" and d["arm_pol_1"] == "P1" and d["arm_vol_1"] == "V1"
    groups: dict[tuple, list[str]] = {}
    for u in s.units:
        groups.setdefault((u.side, s.unit_table[u.type].symbol), []).append(d[u.id])
    for got in groups.values():
        assert len(set(got)) == len(got) and all(0 < len(x) <= 4 for x in got), got


def test_ids_without_numbers_take_first_letters_and_stay_distinct():
    d = designations([("harop", "a", "uav"), ("hare", "a", "uav"), ("b", "a", "uav"), ("b-2", "a", "uav")])
    assert d["harop"] == "HA" and len(set(d.values())) == 4 and d["b-2"] == "2"


def test_designations_are_deterministic_and_pure():
    units = [("x_1", "a", "s"), ("y_1", "a", "s"), ("x_2", "a", "s"), ("z_1", "b", "s")]
    assert designations(units) == designations(iter(units)) == {"x_1": "1", "y_1": "Y1", "x_2": "2", "z_1": "1"}


def test_label_changes_a_counter_only_when_wide_enough():
    pygame.init()
    from ui import palette as pal
    from ui.text import Text

    text, p = Text(), pal.DEFAULT
    w, h = counter_size(LABEL_MIN_W / 1.55 + 1)
    a = counter_image("special_forces", 0, 3, 3, w, h, p, text)
    b = counter_image("special_forces", 0, 3, 3, w, h, p, text, label="3")
    assert pygame.image.tobytes(a, "RGBA") != pygame.image.tobytes(b, "RGBA")
    w, h = counter_size(20)
    assert w < LABEL_MIN_W
    a = counter_image("special_forces", 0, 3, 3, w, h, p, text)
    assert counter_image("special_forces", 0, 3, 3, w, h, p, text, label="3") is a


def test_own_counters_carry_designations_and_contacts_do_not(monkeypatch, screen):
    import ui.app as app_mod

    seen: list[tuple[int, str]] = []
    real = app_mod.counter_image

    def spy(sym, side, *a, label="", **kw):
        seen.append((side, label))
        return real(sym, side, *a, label=label, **kw)

    monkeypatch.setattr(app_mod, "counter_image", spy)
    doc = json.loads(SHUSHA_PATH.read_text())
    x, y = unit_spec(doc, "arm_inf_1")["hex"]
    move_unit(doc, "az_tank_1", (x + 1, y), hidden=False)  # (in the open next to a defender: a contact)
    app = app_of(new_game(scenario_from_dict(doc, source="shusha, a tank in sight"), 3), (1,))
    app.update()
    app.counter_sprites()
    assert {lab for side, lab in seen if side == 1} >= {"1", "2", "3"}
    assert [c.id for c in app.view.contacts] and all(lab == "" for side, lab in seen if side == 0)
    seen.clear()
    omni = app_of(new_game(shusha_scenario(), 3), (1,), omniscient=True)
    omni.update()
    omni.counter_sprites()
    assert {lab for side, lab in seen if side == 0} >= {"1", "2", "3"}  # (the SF groups on the map at turn 1)
