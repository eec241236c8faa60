"""The `wargame` command with bad input: one-line errors (exit 2), checked before any game is played, and
nothing lost (session-18 new-user review, /tmp/review_cli18)."""

from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

import pytest
from conftest import SHUSHA_PATH, TINY_PATH, tiny_scenario
from typer.testing import CliRunner

from engine.cli import DEFAULT_FIDELITY_SCENARIO, app
from engine.fileio import atomic_write_text, unwritable
from ui.cli import UI_SCALE_RANGE

TINY = str(TINY_PATH)
FID = ["--games", "2", "--counterfactual-games", "2", "--workers", "1"]
PROC = Path("/proc")
needs_proc = pytest.mark.skipif(not (PROC / "self").exists(), reason="needs Linux /proc (a folder nobody can add to)")


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


def one_line_error(res, code: int = 2) -> str:
    """The result is a clean user error: exit `code`, one `error:` line on stderr, no traceback."""
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.strip() and "━" not in ln]  # (not the progress bars)
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    return lines[0]


@pytest.fixture
def no_games(monkeypatch):
    """Fail the test if a game is played: output checks must come first."""
    import engine.batch
    import engine.fidelity  # (imported before patching: it binds run_batch at import)
    import engine.game

    def boom(*a, **k):
        raise AssertionError("a game was played before the output was checked")

    monkeypatch.setattr(engine.game, "play_game", boom)
    monkeypatch.setattr(engine.batch, "run_batch", boom)
    monkeypatch.setattr(engine.fidelity, "run_batch", boom)


# ------------------------------------------------------------------------------------------------ run
@needs_proc
@pytest.mark.parametrize("opt", ["--log", "--save"])
def test_run_refuses_an_output_it_cannot_write_before_playing(opt, no_games):
    msg = one_line_error(invoke(["run", TINY, opt, "/proc/x.jsonl"]))
    assert f"cannot write {opt} /proc/x.jsonl" in msg and "/proc" in msg


@pytest.mark.parametrize("opt", ["--log", "--save"])
def test_run_refuses_a_folder_or_a_file_as_folder(opt, tmp_path, no_games):
    msg = one_line_error(invoke(["run", TINY, opt, str(tmp_path)]))
    assert opt in msg and "is a folder" in msg
    msg = one_line_error(invoke(["run", TINY, opt, str(TINY_PATH / "x.jsonl")]))
    assert opt in msg and "not a folder" in msg


def test_run_refuses_log_and_save_in_one_file(tmp_path, no_games):
    msg = one_line_error(invoke(["run", TINY, "--log", str(tmp_path / "g.json"), "--save", str(tmp_path / "g.json")]))
    assert "--log and --save" in msg


def test_run_late_write_error_is_one_line_and_the_save_is_kept(tmp_path, monkeypatch):
    import engine.events

    def disk_full(events, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine.events, "write_jsonl", disk_full)
    save = tmp_path / "g.save.json"
    msg = one_line_error(invoke(["run", TINY, "--log", str(tmp_path / "g.jsonl"), "--save", str(save)]), code=1)
    assert "cannot write --log" in msg and "No space left on device" in msg
    assert json.loads(save.read_text())["seed"] == 0  # the save is written all the same
    res = invoke(["run", TINY, "--log", str(tmp_path / "g.jsonl"), "--save", "-"])
    assert res.exit_code == 1 and "cannot write --log" in res.stderr
    assert json.loads(res.stdout)["seed"] == 0  # a save to stdout too


def test_run_log_dash_writes_the_event_log_to_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke(["run", TINY, "--log", "-"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "-").exists()
    events = [json.loads(line) for line in res.stdout.splitlines()]  # stdout holds the log only
    assert events[0]["kind"] == "GameStarted" and events[-1]["kind"] == "GameOver"
    assert "wins on turn" in res.stderr  # the summary goes to stderr


def test_run_log_dash_and_json_conflict(no_games):
    msg = one_line_error(invoke(["run", TINY, "--log", "-", "--json"]))
    assert "--log -" in msg and "--json" in msg


def test_run_save_dash_writes_the_save_to_stdout_and_it_loads(tmp_path, monkeypatch):
    from engine.savegame import game_from_save_dict

    monkeypatch.chdir(tmp_path)
    res = invoke(["run", TINY, "--save", "-", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "-").exists()
    doc = json.loads(res.stdout)  # stdout holds the save alone
    assert doc["seed"] == 3 and game_from_save_dict(doc).outcome is not None  # the whole game replays
    assert "wins on turn" in res.stderr


@pytest.mark.parametrize("args", [["--save", "-", "--json"], ["--save", "-", "--log", "-"],
                                  ["--save", "-", "--log", "-", "--json"]])
def test_run_two_outputs_on_stdout_are_refused(no_games, args):
    msg = one_line_error(invoke(["run", TINY, *args]))
    assert "stdout" in msg and all(a in msg for a in args if a.startswith("--"))


def test_run_json_verbose_prints_events_to_stderr():
    res = invoke(["run", TINY, "--json", "-v"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["winner"] in ("attacker", "defender")  # stdout: the JSON object alone
    assert "T 0" in res.stderr and len(res.stderr.splitlines()) > 10


def test_run_bad_attacker_lead_names_the_option(no_games):
    msg = one_line_error(invoke(["run", TINY, "--attacker-lead", "tank"]))
    assert "--attacker-lead" in msg and "sf" in msg and "mech" in msg and "'tank'" in msg


# ------------------------------------------------------------------------------------------------ misc
def test_version_names_package_and_engine():
    from importlib.metadata import version

    from engine.rules import ENGINE_VERSION

    res = invoke(["--version"])
    assert res.exit_code == 0, res.output
    assert f"wargame {version('wargame')}" in res.stdout and f"engine {ENGINE_VERSION}" in res.stdout


@pytest.mark.parametrize("command", ["play", "replay"])
@pytest.mark.parametrize("scale", ["10", "0", "-1", "0.5", "3"])
def test_ui_scale_is_checked_alike_by_play_and_replay(command, scale, tmp_path):
    lo, hi = UI_SCALE_RANGE
    msg = one_line_error(invoke([command, str(tmp_path / "g.json"), f"--ui-scale={scale}"]))
    assert msg == f"error: --ui-scale must be between {lo:g} and {hi:g}, got {float(scale):g}"


@pytest.mark.parametrize("command", ["play", "replay"])
def test_ui_scale_help_gives_the_range_checked(command):
    lo, hi = UI_SCALE_RANGE
    res = invoke([command, "--help"])
    assert res.exit_code == 0 and f"({lo:g}–{hi:g};" in res.stdout


# ------------------------------------------------------------------------------------------------ fidelity
@needs_proc
def test_fidelity_refuses_an_out_folder_it_cannot_make(no_games):
    msg = one_line_error(invoke(["fidelity", TINY, "--out", "/proc/fid", *FID]))
    assert "--out /proc/fid" in msg


def test_fidelity_refuses_a_file_as_out(tmp_path, no_games):
    f = tmp_path / "f"
    f.write_text("mine")
    assert "is a file" in one_line_error(invoke(["fidelity", TINY, "--out", str(f), *FID]))
    assert f.read_text() == "mine"


def test_fidelity_does_not_replace_a_readme_of_someone_else(tmp_path, no_games):
    (tmp_path / "README.md").write_text("# My project\n")
    assert "README.md" in one_line_error(invoke(["fidelity", TINY, "--out", str(tmp_path), *FID]))
    assert (tmp_path / "README.md").read_text() == "# My project\n"


def test_fidelity_workers_must_be_positive(tmp_path, no_games):
    assert "--workers must be at least 1" in one_line_error(
        invoke(["fidelity", TINY, "--out", str(tmp_path / "f"), "--workers", "0"]))


def test_fidelity_default_scenario_does_not_depend_on_the_working_folder(tmp_path, monkeypatch, no_games):
    assert DEFAULT_FIDELITY_SCENARIO == SHUSHA_PATH.resolve()
    monkeypatch.chdir(tmp_path)
    msg = one_line_error(invoke(["fidelity", "--out", str(tmp_path / "f"), "--workers", "0"]))
    assert "--workers" in msg  # the scenario was found and loaded: the next check speaks


def _cells(out: Path, **kw):
    from engine.fidelity import cell_batches

    cmd = f"wargame fidelity {TINY} --out {out} --games 2 --counterfactual-games 2 --seed 1"
    return cell_batches(tiny_scenario(), TINY, kw.get("games", 2), 2, 1, cmd)


def test_fidelity_never_replaces_an_earlier_runs_cells_silently(tmp_path):
    """A finished cell and an unfinished one left by an interrupted run: refused up front without --resume;
    --resume reuses the finished cell as it is and completes the other."""
    import engine.batch as B

    out = tmp_path / "fid"
    cells = _cells(out)
    hist = out / "data" / "historical.parquet"
    B.run_batch(cells[0][2], hist, workers=1)
    with pytest.raises(B.BatchAborted):
        B.run_batch(cells[1][2], out / "data" / "clear_skies.parquet", workers=1, chunk=1, stop_after_chunks=1)
    before = (hist.read_bytes(), hist.stat().st_mtime_ns)

    msg = one_line_error(invoke(["fidelity", TINY, "--out", str(out), *FID]))
    assert "historical finished" in msg and "clear_skies unfinished" in msg
    assert "--resume" in msg and "--overwrite" in msg
    assert (hist.read_bytes(), hist.stat().st_mtime_ns) == before

    msg = one_line_error(invoke(["fidelity", TINY, "--out", str(out), "--games", "3", "--counterfactual-games", "2",
                                 "--workers", "1", "--resume"]))
    assert "historical" in msg and "--overwrite" in msg  # other parameters: refused too, with both values
    assert "games: 2 then, 3 now" in msg, msg

    res = invoke(["fidelity", TINY, "--out", str(out), *FID, "--resume"])
    assert res.exit_code == 0, res.output
    assert (hist.read_bytes(), hist.stat().st_mtime_ns) == before
    assert not B.parts_dir(out / "data" / "clear_skies.parquet").exists()
    assert json.loads((out / "results.json").read_text())["cells"]["clear_skies"]["games"] == 2

    one_line_error(invoke(["fidelity", TINY, "--out", str(out), *FID, "--resume", "--overwrite"]))
    res = invoke(["fidelity", TINY, "--out", str(out), "--games", "3", "--counterfactual-games", "2",
                  "--workers", "1", "--overwrite"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "results.json").read_text())["cells"]["historical"]["games"] == 3


def test_fidelity_report_survives_cells_won_0_and_100_percent(tmp_path):
    """wilson(10, 10)'s upper bound was 0.9999999999999999 and wilson(0, 7)'s lower one 5.6e-17 (now exactly 1
    and 0): the error bars must not come out a rounding error below zero (matplotlib refuses negative yerr)."""
    from engine.fidelity import cell_stats, checks, effects, write_report
    from engine.report import wilson

    assert wilson(10, 10)[1] == 1.0 and wilson(0, 7)[0] == 0.0  # (exact at the edges)
    scen = tiny_scenario()
    won = [{"winner": "attacker", "objective_taken_turn": 4, "road_cut_turn": 2}] * 10
    lost = [{"winner": "defender", "objective_taken_turn": None, "road_cut_turn": None}] * 7
    cells = {n: {"description": n, **cell_stats(rows)}
             for n, rows in (("historical", won), ("clear_skies", lost), ("no_recon_drone", won), ("mech_lead", lost))}
    turns = list(range(1, scen.turns + 1))
    res = {"command": "test", "seed": 1, "cells": cells,
           "drones_by_weather": {"games": 1, "turns": turns, "ceiling_m": [2000.0] * len(turns),
                                 "armed_sorties_per_game": [0.0] * len(turns),
                                 "armed_grounded_per_game": [0.0] * len(turns)}}
    res["effects"] = effects(cells)
    res["checks"] = checks(res)
    report = write_report(res, tmp_path, scen)
    assert "| historical |" in report.read_text() and (tmp_path / "win_rate.png").stat().st_size > 5000


# ------------------------------------------------------------------------------------------------ fileio
def test_unwritable_says_why(tmp_path):
    assert unwritable(tmp_path / "new" / "deeper" / "f.json") is None  # (folders are made when written)
    assert "is a folder" in unwritable(tmp_path)
    (tmp_path / "file").write_text("x")
    assert "not a folder" in unwritable(tmp_path / "file" / "f.json")
    if (PROC / "self").exists():
        assert "cannot create a file in /proc" in unwritable("/proc/x.jsonl")
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".wargame-check")]  # nothing left behind


def test_atomic_write_follows_a_symlink_and_writes_into_a_pipe(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write_text(fifo, "through the pipe")
    reader.join(timeout=10)
    assert got == [b"through the pipe"] and fifo.is_fifo()  # not replaced by a regular file


@pytest.mark.parametrize("args, words", [
    (["--weather", "clear", "--set", "weather.mode=fog"], ["--weather clear", "--set weather.mode=...", "give one"]),
    (["--attacker", "random", "--set", "sides.attacker.agent=passive"], ["--attacker random", "sides.attacker.agent"]),
    (["--weather", "fog", "--set", "weather.schedule.3.ceiling_m=100"], ["changes nothing", "the game plays", "'fog'"]),
])
def test_run_refuses_an_override_its_own_option_would_silently_beat(no_games, args, words) -> None:
    msg = one_line_error(invoke(["run", str(SHUSHA_PATH), *args]))
    assert all(w in msg for w in words), msg


def test_run_schedule_override_in_historical_weather_is_played(tmp_path) -> None:
    res = invoke(["run", str(SHUSHA_PATH), "--set", "weather.schedule.3.ceiling_m=100", "--log", "-"])
    assert res.exit_code == 0, res.output
    reports = [json.loads(line) for line in res.stdout.splitlines() if '"WeatherReport"' in line]
    assert reports[3]["ceiling_m"] == 100
