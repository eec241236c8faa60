"""A damaged batch manifest is rebuilt by --resume from the finished parts, each proven to be this batch's by its own
file metadata (a robustness test: a damaged manifest left only --overwrite, which discards the finished games)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import short_shusha_doc
from test_batch import read, spec_for

from engine import batch as B


@pytest.fixture(scope="module")
def small_doc() -> dict:
    return short_shusha_doc(8)


@pytest.fixture(scope="module")
def reference(small_doc: dict, tmp_path_factory: Any) -> list[dict]:
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    B.run_batch(spec_for(small_doc), out, workers=1, chunk=1)
    return read(out)


def _interrupted(doc: dict, out: Path, **kw: Any) -> Path:
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec_for(doc, **kw), out, workers=1, chunk=1, stop_after_chunks=3)
    return B.parts_dir(out) / B.MANIFEST


@pytest.mark.parametrize("damage", [b'{"batch": {"attack', b"", b"[1, 2]", b"\x00\xff garbage"])
def test_resume_rebuilds_a_damaged_manifest_and_keeps_the_finished_games(small_doc, reference, tmp_path,
                                                                        damage) -> None:
    out = tmp_path / "r.parquet"
    man = _interrupted(small_doc, out)
    was = json.loads(man.read_text())
    man.write_bytes(damage)
    with pytest.raises(B.BatchError, match="add --resume to rebuild it from the finished parts"):
        B.run_batch(spec_for(small_doc), out, workers=1)
    notes, started = [], []
    on_start = lambda t, d: started.append((d, json.loads(man.read_text())))  # noqa: E731  (the rebuilt manifest)
    res = B.run_batch(spec_for(small_doc), out, workers=1, resume=True, on_message=notes.append, on_start=on_start)
    (done, rebuilt), = started
    assert done == 3 and rebuilt["chunk"] == was["chunk"] and rebuilt["batch"] == was["batch"]
    assert res.resumed_games == 3  # (the three finished games kept, not played again)
    assert any("rebuilt from its finished parts" in n for n in notes)
    assert read(out) == reference


def test_parts_of_another_batch_are_not_resumed(small_doc, tmp_path) -> None:
    out = tmp_path / "r.parquet"
    man = _interrupted(small_doc, out, seed=12)  # (parts of a batch with another seed)
    man.write_text("{")
    with pytest.raises(B.BatchError, match=r"3 part\(s\) cannot be shown to be this batch's: part-c0000-g000000"
                                           r"\.parquet \(1 game, another batch's"):
        B.run_batch(spec_for(small_doc), out, workers=1, resume=True)
    assert sorted(p.name for p in B.parts_dir(out).glob("part-*")) == [
        "part-c0000-g000000.parquet", "part-c0000-g000001.parquet", "part-c0000-g000002.parquet"]  # (kept)


def test_parts_of_another_engine_code_are_not_resumed(small_doc, tmp_path, monkeypatch) -> None:
    out = tmp_path / "r.parquet"
    man = _interrupted(small_doc, out)
    man.write_text("{")
    monkeypatch.setattr(B, "engine_code", lambda: "0" * 16)
    with pytest.raises(B.BatchError, match="played by other engine code"):
        B.run_batch(spec_for(small_doc), out, workers=1, resume=True)
