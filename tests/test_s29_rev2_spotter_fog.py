"""The target's side of an enemy fire mission does not read who spotted it: the spotter may be a unit it does not
see (`engine.view.visible_log`), on a suspected position or a seen one."""

from __future__ import annotations

from test_s29_suspected_fire import TOWN, _fire, _sure, _turn2

from engine.view import UNSEEN_SPOTTER, observe, visible_log


def test_a_hidden_spotter_is_not_named_to_the_target_side():
    state = _turn2(_sure(False))
    sf = state.unit("az_sf")
    state.set_hidden(sf, True)  # (a hidden special-forces team in sight of the town)
    state.touch()
    assert "az_sf" not in {c.id for c in observe(state, 1).contacts}
    k = _fire(state, TOWN)
    theirs = [e for _, e in visible_log(state, 1, k) if e.kind == "SuspectedFire"]
    assert theirs and all("az_sf" not in e.text() and e.spotter == UNSEEN_SPOTTER for e in theirs)
    mine = [e for _, e in visible_log(state, 0, k) if e.kind == "SuspectedFire"]
    assert mine[0].spotter == "az_sf" and state.log[k].spotter == "az_sf"  # (the firer and the log keep it)


def test_a_hidden_spotter_of_fire_on_a_seen_enemy_is_not_named_either():
    """`ArtilleryFired` (a known target) reads the same to the target's side: the spotter is 'an observer'."""
    state = _turn2(_sure(False))
    state.set_hidden(state.unit("az_sf"), True)
    state.set_hidden(state.unit("arm_inf_2"), False)  # (seen: the mission is an ordinary one)
    state.touch()
    assert "arm_inf_2" in {c.id for c in observe(state, 0).contacts}
    assert "az_sf" not in {c.id for c in observe(state, 1).contacts}
    k = _fire(state, TOWN)
    assert state.log[k].kind == "ArtilleryFired" and state.log[k].spotter == "az_sf"
    theirs = [e for _, e in visible_log(state, 1, k) if e.kind == "ArtilleryFired"]
    assert theirs and all("az_sf" not in e.text() and e.spotter == UNSEEN_SPOTTER for e in theirs)
    assert [e.spotter for _, e in visible_log(state, 0, k) if e.kind == "ArtilleryFired"] == ["az_sf"]
