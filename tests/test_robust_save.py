"""Issue #7, save/load and replay on the Shusha scenario: saves round-trip to an identical state, a replay
reproduces the event log byte for byte, other format versions are refused with a clear message, corrupt or
truncated saves raise SaveFormatError and nothing else, and saves are written atomically."""

from __future__ import annotations

import copy
import errno
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from conftest import shusha_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import fileio
from engine.ai.base import make_agent
from engine.errors import SaveFormatError
from engine.events import event_to_json, write_jsonl
from engine.game import play_game, run_agents
from engine.rules import new_game, seed_streams
from engine.savegame import game_from_save_dict, load_game, save_dict, save_game
from engine.units import SIDES


def partial_game(seed: int, until_turn: int, **kw: Any):
    scen = shusha_scenario()
    state = new_game(scen, seed, **kw)
    players = [make_agent(scen.sides[s].agent, scen.sides[s].agent_params) for s in SIDES]
    _, _, ra, rd = seed_streams(seed)
    run_agents(state, players, [ra, rd], until_turn=until_turn)
    return state


@lru_cache(maxsize=1)
def _short_save_text() -> str:
    """A save of a Shusha game three turns in (about a hundred orders: cheap to replay)."""
    return json.dumps(save_dict(partial_game(21, 3)), ensure_ascii=False, separators=(",", ":")) + "\n"


@lru_cache(maxsize=1)
def _short_state_fp() -> str:
    return game_from_save_dict(json.loads(_short_save_text())).fingerprint()


def log_bytes(state) -> bytes:
    return "".join(event_to_json(e) + "\n" for e in state.log).encode("utf-8")


# ----------------------------------------------------------------------------------- round trip / replay
@pytest.mark.parametrize("seed", [0, 17])
def test_full_game_save_round_trips_and_replays_byte_for_byte(seed, tmp_path):
    state = play_game(shusha_scenario(), seed)
    assert state.outcome is not None
    path = tmp_path / "g.json"
    save_game(state, path)
    again = load_game(path)
    assert again.fingerprint() == state.fingerprint()
    assert log_bytes(again) == log_bytes(state)
    write_jsonl(state.log, str(tmp_path / "a.jsonl"))
    write_jsonl(again.log, str(tmp_path / "b.jsonl"))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    # saving the loaded game gives the same file (nothing is lost or added by a load)
    save_game(again, tmp_path / "g2.json")
    assert (tmp_path / "g2.json").read_bytes() == path.read_bytes()
    assert again.score.to_dict() == state.score.to_dict()


def test_every_intermediate_save_round_trips(tmp_path):
    """Save after every few orders of a game in progress (sandbox and sightings on): identical state."""
    state = partial_game(4, 3, track_sightings=True)
    orders = list(state.orders)
    replay = new_game(shusha_scenario(), 4, track_sightings=True)
    from engine.rules import apply

    for n, o in enumerate(orders):
        apply(replay, o)
        if n % 15 == 0 or n == len(orders) - 1:
            d = json.loads(json.dumps(save_dict(replay)))
            back = game_from_save_dict(d, track_sightings=True)
            assert back.fingerprint() == replay.fingerprint()
            assert back.sightings == replay.sightings
    assert replay.fingerprint() == state.fingerprint()


def test_extra_front_end_data_survives(tmp_path):
    state = partial_game(8, 2)
    state.extra = {"ai_rng": {"attacker": [1, 2, 3]}, "note": "ünïcode"}
    save_game(state, tmp_path / "x.json")
    assert load_game(tmp_path / "x.json").extra == state.extra


# ------------------------------------------------------------------------------------------ versions
@pytest.mark.parametrize("fmt", [0, 2, "1", None, 1.5])
def test_other_save_formats_refused_clearly(fmt, tmp_path):
    d = json.loads(_short_save_text())
    d["save_format"] = fmt
    p = tmp_path / "v.json"
    p.write_text(json.dumps(d))
    with pytest.raises(SaveFormatError) as ei:
        load_game(p)
    msg = str(ei.value)
    assert "save format" in msg and repr(fmt) in msg and "not supported" in msg, msg
    assert str(p) in msg


def test_cli_play_load_refuses_newer_format(tmp_path):
    pytest.importorskip("pygame")
    from typer.testing import CliRunner

    from engine.cli import app

    d = json.loads(_short_save_text())
    d["save_format"] = 2
    p = tmp_path / "new.json"
    p.write_text(json.dumps(d))
    res = CliRunner().invoke(app, ["play", "--load", str(p), "--screenshot", str(tmp_path / "s.png")],
                             env={"SDL_VIDEODRIVER": "dummy"})
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    assert res.exit_code not in (0, None) and "save format 2" in out and "Traceback" not in out


# --------------------------------------------------------------------------------------- corruption
def _load_text(text: str | bytes, tmp: Path) -> None:
    p = tmp / "c.json"
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    state = load_game(p)  # must either load or raise SaveFormatError
    assert state.turn >= 1


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                   HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1, exclude_max=True))
def test_truncated_saves_refused(cut, tmp_path):
    data = _short_save_text().encode("utf-8")
    n = int(cut * len(data))
    n = min(n, len(data) - 2)  # keep at least the closing brace off: a proper truncation
    with pytest.raises(SaveFormatError):
        _load_text(data[:n], tmp_path)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                   HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=3),
       in_orders=st.booleans())
def test_flipped_bytes_load_or_refuse_cleanly(flips, in_orders, tmp_path):
    data = bytearray(_short_save_text().encode("utf-8"))
    lo = data.index(b'"orders":') if in_orders else 0
    for pos, x in flips:
        i = lo + int(pos * (len(data) - lo))
        data[i] ^= x
    try:
        _load_text(bytes(data), tmp_path)
    except SaveFormatError as e:
        assert str(e) and "Traceback" not in str(e)


junk = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
                 st.text(max_size=5), st.lists(st.integers(-3, 60), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
ORDER_FIELDS = ["order", "unit", "to", "target", "side", "preset", "zz"]
SAVE_KEYS = ["save_format", "seed", "orders", "scenario", "sandbox", "extra", "scenario_sha256", "engine_version"]


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.one_of(
    st.tuples(st.just("order_field"), st.integers(0, 10**6), st.sampled_from(ORDER_FIELDS), junk),
    st.tuples(st.just("order_replace"), st.integers(0, 10**6), st.none(), junk),
    st.tuples(st.just("order_delete"), st.integers(0, 10**6), st.none(), st.none()),
    st.tuples(st.just("order_swap"), st.integers(0, 10**6), st.none(), st.none()),
    st.tuples(st.just("top"), st.integers(0, 10**6), st.sampled_from(SAVE_KEYS), junk),
    st.tuples(st.just("drop_top"), st.integers(0, 10**6), st.sampled_from(SAVE_KEYS), st.none()),
), min_size=1, max_size=3))
def test_wrong_types_and_unreplayable_orders_refused(edits):
    d = json.loads(_short_save_text())
    for op, i, key, val in edits:
        orders = d.get("orders")
        if op == "top":
            d[key] = val
        elif op == "drop_top":
            d.pop(key, None)
        elif not isinstance(orders, list) or not orders:
            continue
        elif op == "order_field" and isinstance(orders[i % len(orders)], dict):
            orders[i % len(orders)][key] = val
        elif op == "order_replace":
            orders[i % len(orders)] = val
        elif op == "order_delete":
            del orders[i % len(orders)]
        elif op == "order_swap" and len(orders) > 1:
            j = i % (len(orders) - 1)
            orders[j], orders[j + 1] = orders[j + 1], orders[j]
    try:
        state = game_from_save_dict(d)
    except SaveFormatError as e:
        assert str(e)
        return
    assert state.turn >= 1


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.update(orders=d["orders"] + [{"order": "EndPhase", "side": "nobody"}]), ["does not replay"]),
    (lambda d: d["orders"].insert(0, {"order": "Move", "unit": "ghost", "to": [1, 1]}), ["order 0", "replay"]),
    # a save of another engine version that no longer replays says so (a review: rules and AI change)
    (lambda d: (d.update(engine_version="0.0.1"), d["orders"].insert(0, {"order": "Move", "unit": "ghost",
                                                                          "to": [1, 1]})),
     ["does not replay", "saved by engine 0.0.1 and this is"]),
    (lambda d: d["orders"].insert(0, {"order": "Move", "unit": "az_sf_1", "to": "1,1"}), ["to"]),
    (lambda d: d["orders"].insert(0, {"order": "Teleport", "unit": "az_sf_1"}), ["not a valid order"]),
    (lambda d: d["orders"].insert(0, 7), ["not a valid order"]),
    (lambda d: d.update(orders={"0": 1}), ["orders"]),
    (lambda d: d.update(seed=-1), ["seed"]),
    (lambda d: d.update(seed="7"), ["seed"]),
    (lambda d: d.pop("scenario"), ["scenario"]),
    (lambda d: d["scenario"].update(turns="x"), ["$.turns"]),
    (lambda d: d.update(weather_mode="sunny"), ["sunny"]),
    (lambda d: d.update(extra=[1]), ["extra"]),
])
def test_specific_corruptions(mutate, words):
    d = json.loads(_short_save_text())
    mutate(d)
    with pytest.raises(SaveFormatError) as ei:
        game_from_save_dict(d)
    for w in words:
        assert w in str(ei.value), (w, str(ei.value))


@pytest.mark.parametrize("data", [b"", b"\xff\xfe", b"[]", b"null", b"{}", b'{"save_format": 1}',
                                  b"{" + b'"a":' * 10 + b"1"])
def test_garbage_files_refused(data, tmp_path):
    with pytest.raises(SaveFormatError):
        _load_text(data, tmp_path)


def test_missing_and_directory_save_refused(tmp_path):
    with pytest.raises(SaveFormatError, match="not found"):
        load_game(tmp_path / "nope.json")
    with pytest.raises(SaveFormatError):
        load_game(tmp_path)


# ----- bugs found earlier in engine/savegame.py (now fixed): kept as regression tests
def test_deeply_nested_save_refused(tmp_path):
    with pytest.raises(SaveFormatError):
        _load_text(b"[" * 100_000, tmp_path)


def test_weather_mode_of_wrong_type_refused():
    d = json.loads(_short_save_text())
    d["weather_mode"] = ["clear"]
    with pytest.raises(SaveFormatError):
        game_from_save_dict(d)


def test_agents_of_wrong_type_refused():
    d = json.loads(_short_save_text())
    d["agents"] = [1, 2]
    with pytest.raises(SaveFormatError):
        game_from_save_dict(d)


def test_scenario_hash_mismatch_refused():
    d = json.loads(_short_save_text())
    d["scenario"]["meta"]["name"] += " (edited)"  # still valid, but not the scenario the save was made with
    with pytest.raises(SaveFormatError):
        game_from_save_dict(d)


# ------------------------------------------------------------------------------------- atomic writes
def _no_temp_files(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_crash_in_replace_keeps_previous_save(tmp_path, monkeypatch):
    first = partial_game(5, 2)
    path = tmp_path / "slot.json"
    save_game(first, path)
    before = path.read_bytes()
    later = partial_game(5, 3)

    def boom(*a, **k):
        raise OSError(errno.EIO, "simulated crash during rename")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(OSError):
        save_game(later, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_game(path).fingerprint() == first.fingerprint()
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_crash_mid_write_keeps_previous_save(tmp_path, monkeypatch, exc):
    first = partial_game(6, 2)
    path = tmp_path / "slot.json"
    save_game(first, path)
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of the data, then fails (disk full / Ctrl+C in the middle of the write)."""

        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise exc

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

    monkeypatch.setattr(fileio.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(type(exc)):
        save_game(partial_game(6, 3), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    _no_temp_files(tmp_path)
    # and a new save into the same slot works afterwards
    save_game(first, path)
    assert load_game(path).fingerprint() == first.fingerprint()


def test_crash_in_fsync_keeps_first_save_absent(tmp_path, monkeypatch):
    """No previous file: a failed first save leaves nothing at all (no partial file, no temp)."""
    monkeypatch.setattr(fileio.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(OSError):
        save_game(partial_game(7, 2), tmp_path / "new.json")
    assert list(tmp_path.iterdir()) == []


def test_save_unchanged_by_copy_and_reload():
    d = json.loads(_short_save_text())
    st1 = game_from_save_dict(copy.deepcopy(d))
    assert st1.fingerprint() == _short_state_fp()
    assert save_dict(st1)["orders"] == d["orders"]


def test_order_name_of_wrong_type_refused():
    """An unhashable order name (a list) is a SaveFormatError, not a TypeError."""
    d = json.loads(_short_save_text())
    d["orders"].insert(0, {"order": ["Move"], "unit": "az_sf_1", "to": [1, 1]})
    with pytest.raises(SaveFormatError):
        game_from_save_dict(d)
