"""`wargame batch` output options checked before any game is played (--logs, --csv), --overwrite that starts an
interrupted batch over, and --sweep values that cannot be empty. A user mistake is a one-line error with exit
status 2, no traceback, and no game played (so none is lost); a batch that is not affected writes what it wrote.

Games use a 4-turn cut of the Shusha scenario and one worker, so every test stays a few seconds."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine import batch as B
from engine.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios" / "shusha_1120.json"
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="/proc stands for a folder nobody can write in")


def spec(doc: dict, games: int = 2, seed: int = 3) -> B.BatchSpec:
    return B.BatchSpec("short4.json", doc, games, seed)


def rows(path: Path) -> list[dict]:
    return sorted(pq.read_table(path).to_pylist(), key=lambda r: (r["cell"], r.get("game"), r.get("turn", 0)))


@pytest.fixture(scope="module")
def reference(doc4, tmp_path_factory) -> tuple[list[dict], list[dict]]:
    """Uninterrupted, in-process, with per-turn rows: 1 cell x 2 games."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    B.run_batch(spec(doc4), out, workers=1, chunk=1, turns=True)
    return rows(out), rows(B.turns_path(out))


def cli(file4: Path, out: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "2", "--seed", "3", "--out", str(out),
                                 "--workers", "1", "-q", *args])
    text = r.output  # (stdout and stderr)
    assert "Traceback" not in text and (r.exception is None or isinstance(r.exception, SystemExit)), text
    return r.exit_code, text


def one_line_error(code: int, text: str) -> str:
    lines = text.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, text)
    return lines[0]


def option_help() -> dict[str, str]:
    """The --help text of each `wargame batch` option."""
    import typer

    return {p.name: p.help or "" for p in typer.main.get_command(app).commands["batch"].params}


def nothing_written(folder: Path, keep: set[str]) -> None:
    assert sorted(p.name for p in folder.iterdir() if p.name not in keep) == []


# ------------------------------------------------------------------------------------------------- --logs
@linux_only
def test_a_logs_folder_that_cannot_be_made_or_is_a_file_is_refused_before_any_game(doc4, file4, tmp_path) -> None:
    a_file = tmp_path / "x.parquet"
    a_file.write_text("an existing file")
    out = tmp_path / "y.parquet"
    cases = [("/proc/logs", "--logs /proc/logs: cannot create the logs folder ("),
             (str(a_file), f"--logs {a_file} is a file; give a folder for the event logs"),
             (str(a_file / "sub"), f"--logs {a_file / 'sub'}: {a_file} is a file, not a folder"),
             (str(out), f"--logs {out} is the results file (--out)"),
             (str(B.parts_dir(out) / "logs"), f"--logs {B.parts_dir(out) / 'logs'} is inside {B.parts_dir(out)}")]
    played: list[int] = []
    for logs, why in cases:
        with pytest.raises(B.BatchError) as ei:
            B.run_batch(spec(doc4), out, workers=1, logs_dir=logs, on_start=lambda t, d: played.append(t))
        assert str(ei.value).startswith(why) and played == []
        line = one_line_error(*cli(file4, out, "--logs", logs))
        assert line.startswith(f"error: {why}"), line
        nothing_written(tmp_path, {"x.parquet"})


def test_a_new_logs_folder_is_made_and_said_so(doc4, file4, tmp_path) -> None:
    logs = tmp_path / "runs" / "logs"
    code, text = cli(file4, tmp_path / "r.parquet", "--logs", str(logs))
    assert code == 0, text
    assert [line for line in text.splitlines() if "logs folder" in line] == [f"created logs folder {logs}"]
    assert len(list(logs.glob("cell0000-game*-seed*.jsonl"))) == 2
    code, text = cli(file4, tmp_path / "r2.parquet", "--logs", str(logs))  # it exists now: nothing said
    assert code == 0 and "created" not in text, text
    notes: list[str] = []
    B.run_batch(spec(doc4, games=1), tmp_path / "api.parquet", workers=1, logs_dir=str(tmp_path / "l2"),
                on_message=notes.append)
    assert notes == [f"created logs folder {tmp_path / 'l2'}"]


# -------------------------------------------------------------------------------------------------- --csv
@linux_only
def test_a_csv_that_cannot_be_written_is_refused_before_any_game(doc4, file4, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    out = tmp_path / "y.parquet"
    cases = [("/proc/x.csv", "--csv /proc/x.csv: cannot write a file in /proc ("),
             (str(folder), f"--csv {folder} is a folder; give a file name, e.g. --csv {folder / 'y.csv'}"),
             (str(a_file / "x.csv"), f"--csv {a_file / 'x.csv'}: {a_file} is a file, not a folder"),
             (str(out), f"--csv {out} is the results file (--out); give another file name, e.g. --csv "
                        f"{tmp_path / 'y.csv'}")]
    played: list[int] = []
    for csv, why in cases:
        with pytest.raises(B.BatchError) as ei:
            B.run_batch(spec(doc4), out, workers=1, csv=Path(csv), on_start=lambda t, d: played.append(t))
        assert str(ei.value).startswith(why) and played == []
        code, text = cli(file4, out, "--csv", csv)
        line = one_line_error(code, text)
        assert line.startswith(f"error: {why}") and "Resume with" not in line, line
        nothing_written(tmp_path, {"ro", "notes.txt"})
    # the same checks when --resume finds the batch finished (only the CSV copy is left to write)
    assert cli(file4, out)[0] == 0
    before = out.read_bytes()
    line = one_line_error(*cli(file4, out, "--resume", "--csv", "/proc/x.csv"))
    assert "cannot write a file in /proc" in line and out.read_bytes() == before
    code, text = cli(file4, out, "--resume", "--csv", str(tmp_path / "new" / "y.csv"))  # a folder made at the end
    assert code == 0 and (tmp_path / "new" / "y.csv").read_text().count("\n") == 3, text


def test_an_existing_csv_is_replaced_only_with_overwrite_or_resume(file4, tmp_path) -> None:
    out, csv = tmp_path / "r.parquet", tmp_path / "mine.csv"
    csv.write_text("an analyst's own table\n")
    line = one_line_error(*cli(file4, out, "--csv", str(csv)))
    assert f"--csv {csv} exists already" in line and "--overwrite" in line, line
    assert csv.read_text() == "an analyst's own table\n" and not out.exists()  # refused before any game
    assert cli(file4, out, "--csv", str(csv), "--overwrite")[0] == 0
    assert csv.read_text().count("\n") == 3
    csv.write_text("stale\n")
    assert cli(file4, out, "--csv", str(csv), "--resume")[0] == 0  # this batch's own copy, rewritten
    assert csv.read_text().count("\n") == 3


def test_the_csv_copy_holds_the_per_game_rows_only_even_with_turns(file4, tmp_path) -> None:
    out, csv = tmp_path / "r.parquet", tmp_path / "r.csv"
    code, text = cli(file4, out, "--turns", "--csv", str(csv))
    assert code == 0, text
    lines = csv.read_text().splitlines()
    assert len(lines) == 3 and lines[0].split(",") == [f'"{n}"' for n in pq.read_schema(out).names]
    assert not list(tmp_path.glob("*turns*.csv"))
    assert "the per-turn rows of --turns stay in Parquet only" in option_help()["csv"]


# -------------------------------------------------------------------------------------------- --overwrite
def test_overwrite_starts_an_interrupted_batch_over(doc4, reference, tmp_path) -> None:
    out = tmp_path / "o.parquet"
    pdir = B.parts_dir(out)
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec(doc4, seed=4), out, workers=1, chunk=1, turns=True, stop_after_chunks=1)  # other seed
    ours = sorted(p.name for p in pdir.iterdir())
    assert ours == ["manifest.json", "part-c0000-g000000.parquet", "turns-c0000-g000000.parquet"]
    (pdir / ".part-c0000-g000001.parquet.abc123.tmp").write_text("a torn write")
    (pdir / "my_notes.txt").write_text("mine")
    with pytest.raises(B.BatchError, match=r"holds an unfinished batch; add --resume .* or --overwrite to discard"):
        B.run_batch(spec(doc4), out, workers=1, turns=True)
    notes: list[str] = []
    started: list[tuple[int, int]] = []
    res = B.run_batch(spec(doc4), out, workers=1, chunk=1, turns=True, overwrite=True, on_message=notes.append,
                      on_start=lambda t, d: started.append((t, d)))
    assert notes == [f"--overwrite: discarded the unfinished batch in {pdir} (1 finished game); starting over"]
    assert started == [(2, 0)] and res.resumed_games == 0
    assert (rows(out), rows(B.turns_path(out))) == reference  # the new batch, whole; nothing of the old one
    assert sorted(p.name for p in pdir.iterdir()) == ["my_notes.txt"]  # only the batch's own files went
    # a file left in the parts folder does not make a finished batch look unfinished: it is not replaced
    before = out.read_bytes()
    with pytest.raises(B.BatchError, match="already holds this very batch, finished"):
        B.run_batch(spec(doc4), out, workers=1, turns=True)
    assert out.read_bytes() == before


def test_cli_overwrite_and_resume_say_what_they_do(doc4, file4, tmp_path) -> None:
    out = tmp_path / "c.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(B.BatchSpec(str(file4), doc4, 2, 3, command="x"), out, workers=1, chunk=1, stop_after_chunks=1)
    line = one_line_error(*cli(file4, out))
    assert "add --resume to complete it" in line and "--overwrite to discard it and start over" in line
    line = one_line_error(*cli(file4, out, "--resume", "--overwrite"))
    assert "--resume and --overwrite contradict each other" in line
    assert (B.parts_dir(out) / "part-c0000-g000000.parquet").exists()  # nothing discarded by a refused command
    code, text = cli(file4, out, "--overwrite")
    assert code == 0 and "discarded the unfinished batch" in text and "resuming" not in text, text
    assert not B.parts_dir(out).exists() and len(rows(out)) == 2
    assert option_help()["overwrite"].startswith("Start over: discard the unfinished batch of --out")
    assert option_help()["resume"].startswith("Complete the unfinished batch of --out")


# ----------------------------------------------------------------------------------------------- --sweep
@pytest.mark.parametrize("values, where", [("clear,,fog", "value 2 of 3"), ("clear,", "value 2 of 2"),
                                           (",clear", "value 1 of 2"), ("clear, ,fog", "value 2 of 3")])
def test_an_empty_sweep_value_is_refused(file4, tmp_path, values, where) -> None:
    with pytest.raises(B.BatchError, match=f"--sweep weather={values}: {where} is empty"):
        B.parse_sweep(f"weather={values}")
    line = one_line_error(*cli(file4, tmp_path / "s.parquet", "--sweep", f"weather={values}"))
    assert f"--sweep weather={values}: {where} is empty" in line
    nothing_written(tmp_path, set())
    with pytest.raises(B.BatchError, match="no values given"):
        B.parse_sweep("weather=")
    assert B.parse_sweep("set:units.az_sf_1.strength=2,3") == ("set:units.az_sf_1.strength", [2, 3])


def test_a_resumed_batch_says_how_many_games_it_played_now(doc4, file4, tmp_path) -> None:
    """Session 24 (acceptance): "2000 games, 32.6 s (28.38 games/s)" read as if all had been played in that time."""
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(B.BatchSpec(str(file4), doc4, 3, 3, command="x"), out, workers=1, chunk=1, stop_after_chunks=1)
    code, text = cli(file4, out, "--games", "3", "--resume")
    assert code == 0, text
    assert "3 games (2 played now, 1 resumed)" in " ".join(text.split())
