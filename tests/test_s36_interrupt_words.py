"""A Ctrl+C that no command handles says so (`engine.entry`): Typer turned it into exit 130 without a word, and a
batch interrupted in its first second (loading, planning) printed nothing at all (a robustness test)."""

from __future__ import annotations

from typing import Any

import pytest
import typer

import engine.cli
from engine import entry


def _run_with(monkeypatch: Any, body: Any) -> None:
    app = typer.Typer()

    @app.command()
    def cmd() -> None:
        body()

    @app.command()
    def other() -> None:  # (two commands: Typer then takes the first argument as the command's name)
        pass

    monkeypatch.setattr(engine.cli, "main", lambda: app(["cmd"]))
    entry.main()


def test_an_unhandled_ctrl_c_exits_130_and_says_so(monkeypatch: Any, capsys: Any) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as e:
        _run_with(monkeypatch, interrupted)
    assert e.value.code == entry.INTERRUPTED
    assert capsys.readouterr().err.strip() == entry.INTERRUPTED_WORDS


def test_a_commands_own_exit_130_is_not_said_twice(monkeypatch: Any, capsys: Any) -> None:
    def handled() -> None:
        engine.cli.fail("interrupted; 3 of 10 games saved", 130)

    with pytest.raises(SystemExit) as e:
        _run_with(monkeypatch, handled)
    err = capsys.readouterr().err
    assert e.value.code == 130 and "3 of 10 games saved" in err and entry.INTERRUPTED_WORDS not in err


def test_other_exits_pass_through(monkeypatch: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as e:
        _run_with(monkeypatch, lambda: None)
    assert e.value.code in (0, None) and capsys.readouterr().err == ""
