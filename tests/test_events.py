"""Events built by the rules' fast path (`Event.make`) are the very events the class builds."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.events import _REGISTRY, ArtilleryFired, FireResult, Modifier, UnitMoved, event_from_dict, event_to_json

CLASSES = sorted(_REGISTRY.values(), key=lambda c: c.__name__)
VALUES = st.one_of(st.none(), st.integers(-5, 50), st.floats(allow_nan=False, width=32), st.text(max_size=8),
                   st.booleans(), st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=3))


@pytest.mark.parametrize("cls", [*CLASSES, FireResult], ids=lambda c: c.__name__)
@given(data=st.data())
def test_make_builds_what_the_class_builds(cls, data):
    fields = attrs.fields(cls)
    kwargs = {f.name: data.draw(VALUES, label=f.name) for f in fields
              if f.default is attrs.NOTHING or data.draw(st.booleans(), label=f"give {f.name}")}
    made, built = cls.make(**kwargs), cls(**kwargs)
    assert type(made) is cls
    assert made == built
    assert attrs.asdict(made) == attrs.asdict(built)
    for f in fields:
        assert getattr(made, f.name) is getattr(built, f.name)  # the very values, defaults included


@pytest.mark.parametrize("cls", CLASSES[:3], ids=lambda c: c.__name__)
def test_make_refuses_what_the_class_refuses(cls):
    needed = {f.name: 1 for f in attrs.fields(cls)}
    with pytest.raises(TypeError):
        cls.make(**needed, not_a_field=1)
    with pytest.raises(TypeError):
        cls.make(**dict(list(needed.items())[1:]))
    with pytest.raises(TypeError):
        cls.make(*needed.values())  # keyword-only, like the class


def test_made_events_round_trip_through_json():
    fire = FireResult.make(firer="az_art", target="arm_inf", target_type="motor_rifle", firepower=4, protection=2,
                           modifiers=[Modifier("target in forest", -1)], net=1, p_hit=0.2, shots=2,
                           rolls=[0.125, 0.75], hits=1, losses=1, strength_after=2)
    fired = ArtilleryFired.make(turn=2, side="attacker", unit="az_art", target_hex=(3, 4), spotter="recon drone",
                                fire=[fire])
    moved = UnitMoved.make(turn=3, side="attacker", unit="az_sf1", path=[(1, 2), (2, 2)], cost=2.5)
    assert moved.stopped is None  # the default, as the class gives it
    for ev in (fired, moved):
        assert event_from_dict(json.loads(event_to_json(ev))) == ev


def test_run_verbose_prints_every_modifier_of_every_fire_result() -> None:
    """`wargame run -v` is how the lessons tell a class to read the model: the bracketed modifier lists must
    survive the console (Rich took them for markup) and each fire result must be shown under its event."""
    from pathlib import Path

    from typer.testing import CliRunner

    from engine.cli import app

    lessons = Path(__file__).resolve().parents[1] / "scenarios" / "lessons"
    out = CliRunner().invoke(app, ["run", str(lessons / "ambush.json"), "--seed", "1", "-v"]).output
    assert "[ravine ambush +2, vehicles blind in ravine +2]" in out
    out = CliRunner().invoke(app, ["run", str(lessons / "drones.json"), "--seed", "1", "-v"]).output
    lines = out.splitlines()
    # blue's Orlan spots red's special forces at (3,5) for blue's guns under the lesson's low cloud
    k = next(i for i, line in enumerate(lines) if "blue_how fires on (3,5) (spotter: recon drone)" in line)
    assert "[fire adjusted by recon drone +1]" in lines[k + 1]


def test_event_texts_count_as_players_write():
    """The log said "1 hit(s), 1 step(s) lost": the CLI, the JSON log's readers and the lessons read these."""
    def fire(hits: int, losses: int) -> FireResult:
        return FireResult.make(firer="az_art", target="arm_inf", target_type="infantry", firepower=4, protection=2,
                               modifiers=[], net=2, p_hit=0.3, shots=2, rolls=[0.1, 0.2], hits=hits, losses=losses,
                               strength_after=1)

    assert fire(1, 1).text().endswith(": 1 hit, 1 step lost")
    assert fire(0, 0).text().endswith(": 0 hits, 0 steps lost")
    fired = ArtilleryFired.make(turn=2, side="attacker", unit="az_art", target_hex=(3, 4), spotter="recon drone",
                                fire=[fire(2, 2), fire(1, 1)])
    assert fired.text().endswith(": 3 steps lost")
    assert "(s)" not in fired.text() + fire(2, 1).text()


def test_a_fire_result_shows_its_dice_against_the_chance():
    """A teacher's review: "why did a 60 % ambush kill only one step?" - the rolls were only in the JSON log.
    They are printed as percentages, floored to 0.1, so that a shown roll is below the chance exactly when the
    roll hit (0.2999 shows 29.9, a hit at 30 %; 0.3 shows 30.0, a miss)."""
    def fire(rolls: list[float]) -> FireResult:
        hits = sum(x < 0.3 for x in rolls)
        return FireResult.make(firer="az_art", target="arm_inf", target_type="infantry", firepower=4, protection=2,
                               modifiers=[], net=2, p_hit=0.1 + 0.1 * 2, shots=len(rolls), rolls=rolls, hits=hits,
                               losses=hits, strength_after=3 - hits)

    assert "× 2, rolls 29.9, 30.0 (hits below 30): 1 hit" in fire([0.299999, 0.3]).text()
    assert "× 1, roll 5.0 (hits below 30): 1 hit" in fire([0.05]).text()
    finer = FireResult.make(firer="a", target="b", target_type="infantry", firepower=1, protection=0, modifiers=[],
                            net=1, p_hit=0.1125, shots=2, rolls=[0.112, 0.1125], hits=1, losses=1, strength_after=1)
    assert "rolls 11.20, 11.25 (hits below 11.25): 1 hit" in finer.text()  # (a scenario's finer chance)
    assert "roll" not in FireResult.make(firer="a", target="b", target_type="infantry", firepower=1, protection=0,
                                         modifiers=[], net=1, p_hit=0.2, shots=0, rolls=[], hits=0, losses=0,
                                         strength_after=1).text()


def test_a_shusha_games_log_says_night_names_objective_hexes_and_where_a_seen_mover_set_out():
    """From a teacher's review: "ground observers see 1 hex" never said it was night; "(21,9)" taken had no
    name though it is Shusha; "revealed at (5,6)" after a move to (5,4) read as "it is at (5,6)"."""
    from conftest import shusha_scenario

    from engine.game import play_game

    state = play_game(shusha_scenario(), 7)
    night = {e.turn: e.night for e in state.log if e.kind == "TurnStarted"}
    weather = [e for e in state.log if e.kind == "WeatherReport"]
    assert weather and all(e.night == night[e.turn] for e in weather)
    assert all(("(night)" in e.text()) == e.night for e in weather) and any(e.night for e in weather)
    objective = set(state.map.objective_hexes)
    taken = [e for e in state.log if e.kind == "ControlChanged" and state.map.idx(e.hex) in objective]
    assert taken and all(e.place for e in taken)
    set_out = [e for e in state.log if e.kind == "UnitRevealed" and e.setting_out]
    assert set_out and all(e.text().startswith(f"{e.unit} seen setting out from ") for e in set_out)
    for e in set_out:  # the move it set out on comes first in the log, from the hex the reveal names
        k = state.log.index(e)
        move = next(m for m in reversed(state.log[:k]) if m.kind == "UnitMoved" and m.unit == e.unit)
        assert tuple(move.path[0]) == tuple(e.hex)


def test_a_fire_result_says_which_firepower_applied():
    """A teacher saw a howitzer fire with 3 at infantry, 2 at a tank and 1 in close combat, unexplained."""
    from conftest import tiny_game

    from engine import combat

    state = tiny_game(1)
    table = state.scenario.unit_table
    gun = state.unit("az_art")
    for target in [u for u in state.units if u.side == 1 and table[u.type].domain == "ground"]:
        odds = combat.fire_odds(state, gun, target, "artillery")
        heavy = table[target.type].heavy
        assert odds.firepower_vs == ("vs armour" if heavy else "vs unarmoured")
        assert odds.firepower == (table[gun.type].firepower_hard if heavy else table[gun.type].firepower_soft)
        target_unit = target
    close = combat.fire_odds(state, gun, target_unit, "defence")
    assert close.firepower_vs == "guns in close defence" and close.firepower == table[gun.type].close_fire
    res = combat.resolve(state, close)
    assert f"firepower {close.firepower} (guns in close defence) − protection" in res.text()


def test_routine_reports_are_the_ones_a_reader_may_skip_and_never_a_grounding_or_a_unit_cut_off():
    """Key F's filter (`routine`): a code review found the exceptions untested."""
    from engine.events import AirStatus, PhaseStarted, SupplyReport, UnitHidden, routine

    assert routine(PhaseStarted.make(turn=1, side="attacker", phase="air"))
    assert routine(AirStatus.make(turn=1, side="attacker", unit="tb2", unit_type="armed_drone", grounded=False,
                                  reason="ceiling 3000 m >= 1200 m"))
    assert not routine(AirStatus.make(turn=1, side="attacker", unit="tb2", unit_type="armed_drone", grounded=True,
                                      reason="cloud base 300 m < 1200 m needed"))
    assert routine(SupplyReport.make(turn=1, side="defender", in_supply=["a", "b"], out_of_supply=[]))
    assert not routine(SupplyReport.make(turn=1, side="defender", in_supply=["a"], out_of_supply=["b"]))
    hid = UnitHidden.make(turn=1, side="defender", unit="amb", hex=(3, 4))
    assert routine(hid) and routine(hid, "defender") and not routine(hid, "attacker")  # (--see-all: the enemy's)
