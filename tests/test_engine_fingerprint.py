"""`engine.batch.engine_code()` fingerprints what the engine executes, not its text: an edit of comments or
docstrings (it once refused `wargame batch --resume` after one) keeps it; an edit of code changes it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.batch import code_fingerprint, engine_code

ENGINE = Path(engine.__file__).resolve().parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the engine package's sources, to edit."""
    dst = tmp_path / "engine"
    shutil.copytree(ENGINE, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_engine_code_is_the_fingerprint_of_the_engine_package() -> None:
    fp = engine_code()
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == code_fingerprint(ENGINE)


def test_comments_docstrings_and_layout_keep_the_fingerprint(tree: Path) -> None:
    before = code_fingerprint(tree)
    rules = tree / "rules.py"
    text = rules.read_text(encoding="utf-8")
    doc = text[text.index('"""') + 3:text.index('"""', text.index('"""') + 3)]
    _edit(rules, doc, doc + " An extra sentence.")  # the module's docstring
    rules.write_text("# a new first comment: every line number below moves\n\n" + rules.read_text("utf-8"), "utf-8")
    _edit(tree / "batch.py", "    global _ENGINE_CODE\n", "    # a comment in a function\n    global _ENGINE_CODE\n")
    _edit(tree / "batch.py", '"""A fingerprint (16 hex digits', '"""A fingerprint, reworded (16 hex digits')
    _edit(tree / "state.py", '"""Orders given so far in the current phase',  # an attribute's docstring
          '"""The orders given so far in the current phase')
    assert code_fingerprint(tree) == before


def test_each_edit_of_code_changes_it(tree: Path) -> None:
    seen = {code_fingerprint(tree)}
    for name, old, new in [
        ("batch.py", "return h.hexdigest()[:16]", "return h.hexdigest()[:15]"),  # a constant
        ("rules.py", "def _check_sandbox(", "def _check_sandbox_("),  # a name
        ("state.py", '        """Orders given so far', '        x = 1\n        """Orders given so far'),  # a statement
    ]:
        _edit(tree / name, old, new)
        fp = code_fingerprint(tree)
        assert fp not in seen, (name, old)
        seen.add(fp)


def test_a_renamed_or_added_module_changes_it(tree: Path) -> None:
    before = code_fingerprint(tree)
    (tree / "extra_s28.py").write_text('"""Only a docstring."""\n', encoding="utf-8")
    added = code_fingerprint(tree)
    assert added != before
    (tree / "extra_s28.py").rename(tree / "extra_s28b.py")
    assert code_fingerprint(tree) not in (before, added)


def test_the_same_in_another_process_whatever_its_hash_seed(tree: Path) -> None:
    here = code_fingerprint(tree)
    for seed in ("0", "12345"):
        out = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from engine.batch import code_fingerprint; "
             "print(code_fingerprint(Path(sys.argv[1])))", str(tree)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.stdout.strip() == here


def test_a_file_that_does_not_parse_is_hashed_as_bytes(tree: Path) -> None:
    """A half-written or scratch file in engine/ (no import reads it) must not crash `wargame batch`."""
    bad = tree / "scratch_s28.py"
    bad.write_text("def f(:\n", encoding="utf-8")
    a = code_fingerprint(tree)
    bad.write_text("def f(:\n# edited\n", encoding="utf-8")
    assert code_fingerprint(tree) != a


def test_the_stored_fingerprint_is_the_fingerprint_and_follows_the_bytes(tree: Path) -> None:
    from engine.batch import _stored_fingerprint

    first = _stored_fingerprint(tree)
    assert first == code_fingerprint(tree)
    assert (tree / "__pycache__" / "engine_code.txt").exists()
    assert _stored_fingerprint(tree) == first  # (read back)
    _edit(tree / "rules.py", "def _check_sandbox(", "X_S28 = 1\n\n\ndef _check_sandbox(")
    assert _stored_fingerprint(tree) == code_fingerprint(tree) != first  # (new bytes: worked out again)
