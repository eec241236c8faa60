"""Fixes from session 33's review of the newest rules: the ambushed side keeps a mark of the party that ambushed
it; a save of a game that tracks sightings reloads tracking them; a small negative difference keeps its sign; a
sandbox placement respects the side's no-go sectors."""
from __future__ import annotations

import json

import pytest
from conftest import goto, shusha_scenario, tiny_dict

from engine.ai.base import make_agent
from engine.errors import SaveFormatError
from engine.events import jsonl_text
from engine.game import game_agent_settings, run_agents, tracks_sightings
from engine.orders import Move, SandboxPlace
from engine.report import fmt_pts
from engine.rules import apply, check, new_game, seed_streams
from engine.savegame import game_from_save_dict, save_dict
from engine.scenario import scenario_from_dict
from engine.view import SideView


def _ambush_state(strong: bool, seed: int):
    doc = tiny_dict()
    doc["map"]["terrain"][6] = "ppffrrpppp"
    inf = {"ambush_withdraw": True}
    if strong:  # the party's fire destroys the one-step tank
        inf.update(firepower_soft=12, firepower_hard=12)
        next(u for u in doc["units"] if u["id"] == "az_tank")["strength"] = 1
    doc["unit_types"] = {"infantry": inf}
    return new_game(scenario_from_dict(doc, source="review"), seed, track_sightings=True)


@pytest.mark.parametrize("strong", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ambushed_side_keeps_a_mark_where_it_was_ambushed_from(strong, seed):
    """The party breaks contact after firing. When its target is destroyed nobody of that side sees it go: the side
    read "arm_amb ambushes from (5,6)" and used to keep no mark of it at all."""
    st = _ambush_state(strong, seed)
    goto(st, "attacker", "movement")
    ev = apply(st, Move("az_tank", (6, 6)))
    assert [e.ambusher for e in ev if e.kind == "AmbushSprung"] == ["arm_amb"]
    assert (st.unit("az_tank").strength == 0) == strong
    assert st.map.hex_of(st.unit("arm_amb").idx) == (4, 6)  # it broke contact
    marks = {m.id: (m.hex, m.left) for m in SideView(st, 0).last_seen}
    # destroyed: marked where it fired from, not "left"; else the tank saw it leave (5,6)
    assert marks.get("arm_amb") == ((5, 6), not strong), marks


def _agents(scen, params):
    names, prm = game_agent_settings(scen, None, params)
    return names, prm, [make_agent(names[s], prm[s]) for s in ("attacker", "defender")]


def test_a_reloaded_game_that_tracked_sightings_plays_on_as_the_game_would_have():
    """Saved on turn 2, before any fire mission: the reload did not track sightings (it looked only for Fire orders),
    so agents firing on suspected positions played another game from it (the logs parted on turn 9)."""
    scen = shusha_scenario()
    params = {"attacker": {"fire_on_suspected": True}, "defender": {"fire_on_suspected": True}}
    _, prm, players = _agents(scen, params)
    assert tracks_sightings(True, prm)
    st = new_game(scen, 3, track_sightings=True)
    rngs = seed_streams(3)[2:4]
    run_agents(st, players, rngs, until_turn=2)
    doc = json.loads(json.dumps(save_dict(st)))
    assert doc["track_sightings"] is True and not any(o.get("order") == "Fire" for o in doc["orders"])
    again = game_from_save_dict(doc)
    assert again.sightings is not None and again.last_seen == st.last_seen
    import copy

    rngs2 = copy.deepcopy(rngs)
    run_agents(st, players, rngs)
    run_agents(again, _agents(scen, params)[2], rngs2)
    assert jsonl_text(again.log) == jsonl_text(st.log)


def test_an_untracked_game_saves_no_flag_and_a_bad_flag_is_refused():
    st = new_game(scenario_from_dict(tiny_dict(), source="t"), 1)
    doc = save_dict(st)
    assert "track_sightings" not in doc and game_from_save_dict(doc).sightings is None
    doc["track_sightings"] = "yes"
    with pytest.raises(SaveFormatError, match="track_sightings must be true or false"):
        game_from_save_dict(doc)


def test_a_difference_just_below_zero_keeps_its_minus_sign():
    assert (fmt_pts(-0.0004), fmt_pts(0.0004), fmt_pts(-0.004), fmt_pts(-0.025)) == ("-0.0", "+0.0", "-0.4", "-2")


def test_a_sandbox_placement_into_a_no_go_sector_is_refused_and_changes_nothing():
    doc = tiny_dict()
    doc["sides"]["defender"]["no_go"] = [{"name": "front", "from": [0, 7], "to": [1, 7]}]
    st = new_game(scenario_from_dict(doc, source="nogo"), 1, sandbox=True)
    before = st.fingerprint()
    why = check(st, SandboxPlace("arm_inf_1", (0, 7)))
    assert why is not None and "closed to the defender" in why
    assert st.fingerprint() == before
    assert check(st, SandboxPlace("arm_inf_1", (2, 7))) is None  # (outside the sector: allowed)
