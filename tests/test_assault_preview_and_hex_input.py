"""Session 22 fixes from an AI author's and a player's reviews: the assault preview counts only the defenders a side
sees; a friend stacking onto a hidden unit reveals it only where the enemy sees; orders with malformed hexes are
refused (numpy integers are taken as ints); an assault's event says which rule decided it."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from conftest import add_unit, events_of, goto, move_unit, variant

from engine.errors import IllegalOrder
from engine.events import AssaultResolved, event_from_dict, event_to_dict
from engine.orders import Assault, Fire, Move, Recon
from engine.rules import apply, check, new_game
from engine.savegame import game_from_save_dict, save_dict
from engine.view import observe


def _stacked_hidden(doc: dict[str, Any]) -> None:
    """A seen defender infantry at (6,2) with a hidden one under it, attacker infantry next to them at (7,2)."""
    move_unit(doc, "arm_inf_2", (6, 2))
    add_unit(doc, "arm_hidden", "defender", "infantry", (6, 2), hidden=True)
    add_unit(doc, "az_inf", "attacker", "infantry", (7, 2))


def _hidden_again(st: Any) -> Any:
    """Contact finds a hidden neighbour at the start of a side's turn; hide it again, as a unit whose neighbour
    came by another way than a move (an advance after an assault) would be, to test the preview alone."""
    st.set_hidden(st.unit("arm_hidden"), True)
    st.touch()
    return st


def test_assault_preview_leaves_out_a_hidden_defender_stacked_with_a_seen_one() -> None:
    st = _hidden_again(goto(new_game(variant(_stacked_hidden), 1), "attacker", "assault"))
    v = observe(st, 0)
    idx = st.map.idx((6, 2))
    assert [c.id for c in v.contacts if c.idx == idx] == ["arm_inf_2"]
    a, ds = v.assault_odds("az_inf", idx)
    assert a.target == "arm_inf_2" and [d.firer for d in ds] == ["arm_inf_2"]
    _, cost = v.assault_expectation("az_inf", idx)
    assert cost == pytest.approx(ds[0].expected_losses)
    # the resolution still counts both: the hidden one fights and is revealed by the contact
    ev = events_of(apply(st, Assault("az_inf", (6, 2))), "AssaultResolved")[0]
    assert ev.defenders == ["arm_inf_2", "arm_hidden"] and len(ev.defender_fire) == 2
    assert not st.unit("arm_hidden").hidden or st.unit("arm_hidden").strength == 0


def test_assault_preview_refuses_a_hex_the_unit_is_not_next_to() -> None:
    def two_off(doc: dict[str, Any]) -> None:
        _stacked_hidden(doc)
        add_unit(doc, "arm_far", "defender", "infantry", (7, 4))  # seen, 2 hexes from az_inf

    st = goto(new_game(variant(two_off), 1), "attacker", "assault")
    v = observe(st, 0)
    far = st.map.idx((7, 4))
    assert far in v.contact_hexes
    with pytest.raises(ValueError, match="not next to"):
        v.assault_odds("az_inf", far)
    with pytest.raises(ValueError, match="not next to"):
        v.assault_expectation("az_inf", far)


def _joiner(doc: dict[str, Any]) -> None:
    """Defender infantry at (1,6) in forest, hidden; a visible friend at (1,5) next to it; attackers far off."""
    doc["map"]["terrain"][5] = "pfpppppppp"
    doc["map"]["terrain"][6] = "pfppprpppp"
    add_unit(doc, "arm_low", "defender", "infantry", (1, 6), hidden=True)
    add_unit(doc, "arm_walker", "defender", "infantry", (1, 5))


def test_joining_a_hidden_friend_unseen_keeps_it_hidden() -> None:
    st = goto(new_game(variant(_joiner), 1), "defender", "movement")
    assert not bool(observe(st, 0).visible[st.map.idx((1, 6))])  # no attacker sees the hex
    events = apply(st, Move("arm_walker", (1, 6)))
    assert st.unit("arm_low").hidden
    assert not any(e.kind == "UnitRevealed" and e.unit == "arm_low" for e in events)


def test_joining_a_hidden_friend_in_the_enemys_sight_reveals_it() -> None:
    def seen(doc: dict[str, Any]) -> None:
        _joiner(doc)
        add_unit(doc, "az_watch", "attacker", "infantry", (3, 6))  # 2 hexes off: sees (1,6), not next to it

    st = goto(new_game(variant(seen), 1), "defender", "movement")
    assert bool(observe(st, 0).visible[st.map.idx((1, 6))]) and st.unit("arm_low").hidden
    events = apply(st, Move("arm_walker", (1, 6)))
    assert not st.unit("arm_low").hidden
    (rev,) = [e for e in events if e.kind == "UnitRevealed" and e.unit == "arm_low"]
    assert "seen moving onto its hex" in rev.reason


@pytest.mark.parametrize("bad", [(30.0, 25.0), (8, 2, 7), None, "ab", (1.5, 2), ()])
def test_a_malformed_hex_is_refused_and_leaves_the_state_unchanged(bad: Any) -> None:
    st = goto(new_game(variant(lambda d: None), 1), "attacker", "movement")
    before, n_orders, n_log = st.fingerprint(), len(st.orders), len(st.log)
    for order in (Move("az_sf", bad), Fire("az_art", bad), Recon("az_orlan", bad), Assault("az_sf", bad)):
        assert "must be a hex as (col, row) integers" in (check(st, order) or "")
        with pytest.raises(IllegalOrder, match="must be a hex"):
            apply(st, order)
    assert (st.fingerprint(), len(st.orders), len(st.log)) == (before, n_orders, n_log)


def test_numpy_integer_hexes_are_stored_as_ints_and_the_game_saves() -> None:
    st = goto(new_game(variant(lambda d: None), 1), "attacker", "movement")
    to = st.map.hex_of(np.int64(st.map.idx((7, 2))))
    apply(st, Move("az_sf", (np.int64(to[0]), np.int32(to[1]))))
    last = st.orders[-1]
    assert last == Move("az_sf", (7, 2)) and all(type(c) is int for c in last.to)
    doc = json.loads(json.dumps(save_dict(st)))  # (numpy integers are not JSON)
    again = game_from_save_dict(doc)
    assert again.fingerprint() == st.fingerprint()


def _assault_why(seed: int) -> list[AssaultResolved]:
    def close(doc: dict[str, Any]) -> None:
        move_unit(doc, "az_sf", (4, 3), strength=3)
        move_unit(doc, "arm_inf_1", (3, 3))

    out = []
    st = goto(new_game(variant(close), seed), "attacker", "assault")
    out += events_of(apply(st, Assault("az_sf", (3, 3))), "AssaultResolved")
    return out


def test_an_assault_event_says_which_rule_decided_it() -> None:
    seen: dict[str, str] = {}
    for seed in range(60):
        (ev,) = _assault_why(seed)
        assert ev.main_defender == "arm_inf_1"
        seen.setdefault(ev.result.split(";")[0], ev.why)
        if ev.result.startswith("assault repulsed"):
            assert "held: not broken, and lost " in ev.why and "steps lost: arm_inf_1" in ev.why
            assert "cohesion" not in ev.why
            n_def = int(ev.why.split("steps lost: arm_inf_1 ")[1].split(",")[0])
            assert ("fewer than 2 steps" in ev.why) == (n_def < 2)
        elif ev.result.startswith("defenders retreat"):
            assert "arm_inf_1 broke;" in ev.why or "lost 2 or more steps and more than the attacker;" in ev.why
        else:
            assert ev.why == ""
        assert ev.why in ev.text()
        assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev
    assert {"assault repulsed", "defenders retreat"} <= set(seen)


def test_an_assault_event_from_an_older_log_reads_and_writes_as_it_was() -> None:
    (ev,) = _assault_why(3)
    old = {k: v for k, v in event_to_dict(ev).items() if k not in ("main_defender", "why")}
    back = event_from_dict(old)
    assert back.why == "" and back.main_defender == ""
    assert event_to_dict(back) == old


def test_a_numpy_array_hex_is_checked_not_crashed_on_even_after_a_check_of_the_same_order() -> None:
    st = goto(new_game(variant(lambda d: None), 1), "attacker", "movement")
    order = Move("az_sf", np.array([7, 2]))
    assert check(st, order) is None  # (an array of two integers is a hex; the memo compares the cleaned order)
    assert check(st, order) is None
    apply(st, order)
    assert st.orders[-1] == Move("az_sf", (7, 2))
    bad = Move("az_sf", np.array([7.0, 2.0]))
    assert "must be a hex" in (check(st, bad) or "")


def test_a_sandbox_placement_takes_numpy_integers_and_refuses_floats() -> None:
    from engine.orders import SandboxPlace

    st = new_game(variant(lambda d: None), 1, sandbox=True)
    with pytest.raises(IllegalOrder, match="must be a hex"):
        apply(st, SandboxPlace("az_sf", (7.0, 2.0)))
    apply(st, SandboxPlace("az_sf", (np.int64(7), np.int64(2))))
    assert st.orders[-1] == SandboxPlace("az_sf", (7, 2)) and json.dumps(save_dict(st))
