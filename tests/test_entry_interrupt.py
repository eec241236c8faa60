"""The `wargame` script's entry point: a Ctrl+C while the CLI loads exits 130 with one line, no traceback."""

from __future__ import annotations

import builtins

import pytest

from engine import entry


def test_ctrl_c_while_the_cli_loads_exits_130_quietly(monkeypatch, capsys):
    real_import = builtins.__import__

    def interrupted(name, *a, **kw):
        if name == "engine.cli":
            raise KeyboardInterrupt
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as ei:
        entry.main()
    assert ei.value.code == 130
    err = capsys.readouterr().err
    assert err == entry.INTERRUPTED_WORDS + "\n"  # (one line, as an interrupt later in the command: session 36)


def test_the_console_script_is_the_entry_point():
    import tomllib
    from pathlib import Path

    doc = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert doc["project"]["scripts"]["wargame"] == "engine.entry:main"
