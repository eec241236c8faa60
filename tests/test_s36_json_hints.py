"""A scenario's or a save's JSON syntax error says its likely cause and shows the line with a caret (a robustness test:
a trailing comma, a comment and single quotes all read "Expecting property name enclosed in double quotes")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import tiny_dict
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app as cli
from engine.errors import SaveFormatError, ScenarioError
from engine.jsonhint import json_error_hint, json_error_lines
from engine.savegame import load_game
from engine.scenario import parse_scenario


def _problem(text: str | bytes) -> str:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text if isinstance(text, bytes) else text.encode("utf-8"))
    (line,) = e.value.problems
    return line


GOOD = json.dumps(tiny_dict(), indent=2)


@pytest.mark.parametrize("edit, hint", [
    (lambda t: t.replace('"turns"', '// how long\n  "turns"', 1), "a // comment: JSON has no comments"),
    (lambda t: t.replace('"turns"', '/* how long */ "turns"', 1), "a /* comment: JSON has no comments"),
    (lambda t: t.rstrip().removesuffix("}") + ",\n}", "a comma before }: JSON allows no trailing comma"),
    (lambda t: t.replace('"turns"', "'turns'", 1), "single quotes: JSON takes double quotes, \"turns\" not 'turns'"),
    (lambda t: t.replace('"format": 1', '"format": True', 1), "True is Python: JSON writes true"),
    (lambda t: t.replace('"format": 1,', '"format": 1', 1), "a comma missing: add one after the item that ends on"),
    (lambda t: "", "the file is empty"),
    (lambda t: t[: len(t) // 2].rstrip().rstrip(",:"), "the file ends too soon"),
    (lambda t: t + "\n}", "more after the end of the document"),
])
def test_each_common_mistake_is_named(edit: Any, hint: str) -> None:
    text = edit(GOOD)
    line = _problem(text)
    assert line.startswith("$: invalid JSON at line ") and f" — {hint}" in line.split("\n")[0]


def test_the_line_is_shown_with_a_caret_under_the_place() -> None:
    text = GOOD.replace('"turns"', '// how long\n  "turns"', 1)
    head, shown, caret = _problem(text).split("\n")
    col = int(head.split("column ")[1].split(":")[0])
    assert shown.strip() == "// how long" and caret.index("^") == shown.index("/") == 4 + col - 1


def test_a_long_line_is_cut_round_the_place() -> None:
    text = '{"a": [' + ", ".join(str(k) for k in range(200)) + ",]}"
    with pytest.raises(json.JSONDecodeError) as e:
        json.loads(text)
    shown, caret = json_error_lines(text, e.value)
    assert len(shown) <= 4 + 101 and shown[caret.index("^")] == "]"


def test_a_byte_that_is_not_utf8_is_placed_by_line_and_column() -> None:
    data = GOOD.replace('"turns"', '"tur\u00e9ns"', 1).encode("latin-1")
    line = _problem(data)
    at = data.index(b"\xe9")
    row = data[:at].count(b"\n") + 1
    assert line.startswith(f"$: not UTF-8 text at line {row}, column ") and "byte 0xe9" in line and "é" in line


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_any_text_gets_a_hint_or_none_and_never_an_error(text: str) -> None:
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        hint = json_error_hint(text, e)
        assert hint is None or (isinstance(hint, str) and hint)
        json_error_lines(text, e)


def test_a_hand_edited_save_with_a_trailing_comma_says_so(tmp_path: Path) -> None:
    from conftest import tiny_game

    from engine.savegame import save_game

    path = tmp_path / "s.json"
    save_game(tiny_game(1), path)
    text = path.read_text()
    path.write_text(text.rstrip().removesuffix("}") + ",}")
    with pytest.raises(SaveFormatError, match="a comma before }: JSON allows no trailing comma"):
        load_game(path)


def test_wargame_validate_prints_the_hint_and_the_caret(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text(GOOD.rstrip().removesuffix("}") + ",\n}")
    res = CliRunner().invoke(cli, ["validate", str(p)])
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert "JSON allows no trailing comma" in res.output and "^" in res.output
