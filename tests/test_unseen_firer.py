"""The side under fire is not told which battery fired when it did not see it (`engine.view.UNSEEN_FIRER`).

A defender playtest read "enemy Towed artillery (arm_how_2) fires on (30,19)" with no contact on the battery and no
mark of it: the log named a unit the side could not see, and its type. Its spotter was already hidden ("an
observer"); now the firer is too, unless the side saw it when it fired (a battery its fire gave away, in sight)."""

from __future__ import annotations

from conftest import goto, move_unit, shusha_scenario, tiny_dict

from engine.ai.base import make_agent
from engine.game import agent_step
from engine.orders import Fire
from engine.rules import apply, new_game, seed_streams
from engine.scenario import scenario_from_dict
from engine.units import SIDES
from engine.view import UNSEEN_FIRER, visible_log
from engine.visibility import known_enemies

FIRE = ("ArtilleryFired", "SuspectedFire", "HiddenUnitShelled")


def _firer(ev):
    return ev.firer if ev.kind == "HiddenUnitShelled" else ev.unit


def _under_fire(ev):
    """The side that reads the mission as fired on it."""
    return SIDES.index(ev.side) if ev.kind == "HiddenUnitShelled" else 1 - SIDES.index(ev.side)


def _tracked_game(seed, judge):
    """A Shusha game (doctrine both sides, sightings tracked, as a UI game is), and `judge(state, event)` of every
    event read just after the order that logged it: {log index: the judgement}."""
    scen = shusha_scenario()
    streams = seed_streams(seed)
    state = new_game(scen, seed, streams=streams, track_sightings=True)
    players = [make_agent("doctrine", scen.sides[s].agent_params) for s in SIDES]
    judged = {}
    while state.outcome is None:
        n = len(state.log)
        agent_step(state, players[state.side], streams[2 + state.side])
        for k in range(n, len(state.log)):
            got = judge(state, state.log[k])
            if got is not None:
                judged[k] = got
    return state, judged


def test_a_battery_the_side_under_fire_did_not_see_is_not_named_to_it():
    """Each mission, judged when it is logged: the side under fire reads the firer's id exactly when it knew the
    firer then; its own side always reads it; an off-map battery is never named to its target."""
    def knew_firer(state, ev):
        if ev.kind in FIRE:
            return any(u.id == _firer(ev) for u in known_enemies(state, _under_fire(ev)))
        return None

    unseen = 0
    for seed in (1, 4):
        state, knew = _tracked_game(seed, knew_firer)
        for side in (0, 1):
            for k, ev in visible_log(state, side):
                if ev.kind not in FIRE:
                    continue
                raw = state.log[k]
                if side != _under_fire(raw):
                    assert _firer(ev) == _firer(raw)
                    continue
                assert (_firer(ev) == UNSEEN_FIRER) is (k in state.unseen_firers)
                if _firer(ev) == UNSEEN_FIRER:
                    unseen += 1
                    assert all(f.firer == UNSEEN_FIRER for f in ([ev.fire] if ev.kind == "HiddenUnitShelled"
                                                                 else ev.fire))
                    assert _firer(raw) not in ev.text()
                else:
                    assert not state.unit(_firer(raw)).offmap
                # (what the side knew at the end of the order: the same judgement as when logged, at most
                # revealed later in the order, which makes the firer known, never unknown)
                assert knew[k] or _firer(ev) == UNSEEN_FIRER
    assert unseen > 0  # (the AIs' batteries fire from out of the enemy's sight: `test_a_battery_in_sight_is_named`)


def test_an_untracked_log_names_a_firer_only_if_the_side_knows_it_now():
    scen = shusha_scenario()
    streams = seed_streams(4)
    state = new_game(scen, 4, streams=streams)
    players = [make_agent("doctrine", scen.sides[s].agent_params) for s in SIDES]
    while state.outcome is None and state.turn <= 12:
        agent_step(state, players[state.side], streams[2 + state.side])
    seen = 0
    for side in (0, 1):
        known = {u.id for u in known_enemies(state, side)}
        for _, ev in visible_log(state, side):
            if ev.kind in FIRE and _under_fire(ev) == side:
                seen += 1
                assert _firer(ev) in known or _firer(ev) == UNSEEN_FIRER
    assert seen > 0


def test_a_battery_in_sight_is_named_and_an_off_map_one_is_not():
    """The tiny scenario's howitzer, on the map two hexes from the infantry it fires on (seen), then off the map."""
    for on_map in (True, False):
        d = tiny_dict()
        move_unit(d, "az_sf", (5, 4))  # (the spotter)
        if on_map:
            move_unit(d, "az_art", (6, 4), offmap=False)
        state = goto(new_game(scenario_from_dict(d), 1, track_sightings=True), "attacker", "artillery")
        apply(state, Fire("az_art", (3, 4)))
        (k, ev), = [(k, ev) for k, ev in visible_log(state, 1) if ev.kind == "ArtilleryFired"]
        assert (k in state.unseen_firers) is not on_map
        assert ev.unit == ("az_art" if on_map else UNSEEN_FIRER)
        assert ev.text().startswith("az_art fires on (3,4)" if on_map else f"{UNSEEN_FIRER} fires on (3,4)")
        assert [ev.unit for _, ev in visible_log(state, 0) if ev.kind == "ArtilleryFired"] == ["az_art"]


def test_an_own_sortie_does_not_name_air_defence_it_did_not_see():
    """The drone's side reads "unseen air defence engages ..." for an air-defence unit it did not see when it fired
    (a missile seen coming does not say which unit launched it); the air defence's own side reads its id."""
    from engine.view import UNSEEN_AIR_DEFENCE

    def knew_air_defence(state, ev):
        if ev.kind in ("DroneStrike", "ReconFlown"):
            known = {u.id for u in known_enemies(state, SIDES.index(ev.side))}
            return [eng.ad_unit in known for eng in ev.engagements]
        return None

    unseen = 0
    for seed in (1, 3):
        state, knew = _tracked_game(seed, knew_air_defence)
        for side in (0, 1):
            for k, ev in visible_log(state, side):
                if ev.kind not in ("DroneStrike", "ReconFlown") or not ev.engagements:
                    continue
                raw = state.log[k]
                for i, (eng, was) in enumerate(zip(ev.engagements, raw.engagements, strict=True)):
                    if ev.side != SIDES[side]:  # (the air defence's own side)
                        assert eng.ad_unit == was.ad_unit
                    elif i in state.unseen_air_defence.get(k, ()):
                        unseen += 1
                        assert eng.ad_unit == UNSEEN_AIR_DEFENCE and was.ad_unit not in ev.text()
                    else:
                        assert eng.ad_unit == was.ad_unit and knew[k][i]
    assert unseen > 0
