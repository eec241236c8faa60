"""A unit found by a hidden enemy is not told who found it (session 40's hotseat players: the attacker's log read
"revealed at (22,13): in contact with enemy Infantry (arm_inf_4)" while arm_inf_4 was a hidden ambush party, so
the attacker learned its name and that it stood within one hex). The reason names the observer only when it is in
the open."""

from __future__ import annotations

import pytest
from conftest import move_unit, variant

from engine.rules import new_game
from engine.visibility import detect_hidden


def _found(target_hex, target_type: str, observer_hidden: bool) -> str | None:
    """Why the defender's party (the only defender near) finds the attacker's `target_type` at `target_hex`."""
    def edit(doc):
        move_unit(doc, "az_sf", target_hex, type=target_type)
        move_unit(doc, "arm_amb", (5, 6))
        for k, uid in enumerate(("arm_inf_1", "arm_inf_2", "arm_ad", "arm_art")):  # (far off, in the west)
            move_unit(doc, uid, (0, k))
    st = new_game(variant(edit), 1)
    st.set_hidden(st.unit("az_sf"), True)
    st.set_hidden(st.unit("arm_amb"), observer_hidden)
    return {t.id: why for t, why in detect_hidden(st, 1)}.get("az_sf")


def test_a_hidden_observer_in_contact_is_not_named() -> None:
    assert _found((5, 5), "special_forces", observer_hidden=True) == "in contact with the enemy"
    assert _found((5, 5), "special_forces", observer_hidden=False) == "in contact with arm_amb"


@pytest.mark.parametrize("hidden", [True, False])
def test_a_hidden_observer_spotting_from_afar_gives_neither_its_name_its_distance_nor_its_detection(hidden) -> None:
    why = _found((5, 4), "tank", observer_hidden=hidden)  # (a tank on open ground two hexes off: seen)
    assert why is not None
    if hidden:
        assert why == "spotted by an unseen enemy (signature 2 − concealment 0 of its hex)"
    else:
        assert why == "spotted by arm_amb at 2 hex(es) (detect 1 + signature 2 − concealment 0)"


def test_an_observer_in_the_open_that_the_found_side_cannot_see_is_not_named() -> None:
    """A reviewer: special forces in the open, three hexes from a hidden howitzer that sees two, were named with
    their distance and detection, though the howitzer's side could not see them."""
    from engine.visibility import is_known

    def edit(doc):
        move_unit(doc, "arm_art", (2, 5), offmap=False)
        move_unit(doc, "az_sf", (5, 5))
        for k, uid in enumerate(("arm_inf_1", "arm_inf_2", "arm_ad", "arm_amb")):
            move_unit(doc, uid, (0, k))
        for k, uid in enumerate(("az_mech", "az_tank", "az_art")):
            move_unit(doc, uid, (9, k))

    st = new_game(variant(edit), 1)
    st.set_hidden(st.unit("arm_art"), True)
    st.set_hidden(st.unit("az_sf"), False)
    assert not is_known(st, 1, st.unit("az_sf"))  # (the premise: the howitzer's side does not see it)
    why = {t.id: w for t, w in detect_hidden(st, 0)}["arm_art"]
    assert why.startswith("spotted by an unseen enemy (signature ") and "az_sf" not in why, why
