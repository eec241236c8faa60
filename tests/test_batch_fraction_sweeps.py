"""Analyst review s26 of `wargame batch` / `wargame report`: a sweep of a fractional doctrine parameter
(`set:...counterattack_ratio=0.9,1.5`) is reported with its values, and a batch whose results cannot be summarised
says so in one line (no traceback) after writing them.

Games are Shusha cut to 4 turns (`conftest.doc4` / `file4`), played in this process."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engine import batch as B
from engine import report as R
from engine.cli import app

RATIO = "set:sides.defender.agent_params.counterattack_ratio"


@pytest.fixture(scope="module")
def ratio_results(doc4, tmp_path_factory) -> Path:
    """Two cells sweeping a fractional doctrine parameter, 2 games each."""
    out = tmp_path_factory.mktemp("ratio") / "r.parquet"
    B.run_batch(B.BatchSpec("s4.json", doc4, 2, 11, sweeps=[(RATIO, [0.9, 1.5])]), out, workers=1)
    return out


# ---------------------------------------------------------------------- 1. a swept fraction is a value, not a count


def test_a_swept_fraction_is_reported_with_its_values(ratio_results, tmp_path) -> None:
    assert pq.read_schema(ratio_results).field(RATIO).type == "double"
    s = R.summarize(ratio_results)  # (refused before: "column ... holds 0.9; ... whole numbers there")
    assert [c.params[RATIO] for c in s.cells] == [0.9, 1.5]
    assert [c.label for c in s.cells] == [f"defender.agent_params.counterattack_ratio={v}" for v in (0.9, 1.5)]
    R.write_report(s, tmp_path / "rep")
    cells = json.loads((tmp_path / "rep" / "summary.json").read_text())["cells"]
    assert [c["params"][RATIO] for c in cells] == [0.9, 1.5]


def test_a_swept_whole_float_keeps_its_type(doc4, tmp_path) -> None:
    """1.0 and 2.0 swept: the column is float; the report must not turn the values into counts (1, 2)."""
    out = tmp_path / "w.parquet"
    B.run_batch(B.BatchSpec("s4.json", doc4, 1, 12, sweeps=[(RATIO, [1.0, 2.5])]), out, workers=1)
    s = R.summarize(out)
    assert [c.params[RATIO] for c in s.cells] == [1.0, 2.5]
    assert all(isinstance(c.params[RATIO], float) for c in s.cells)


def test_the_count_columns_are_still_checked_for_fractions(ratio_results, tmp_path) -> None:
    """The sweep columns are left as written, the counts still refused when fractional (a damaged file)."""
    import pyarrow as pa

    t = pq.read_table(ratio_results)
    i = t.column_names.index("steps_lost_attacker_total")
    t = t.set_column(i, "steps_lost_attacker_total", pa.array([0.5] * t.num_rows))
    bad = tmp_path / "bad.parquet"
    pq.write_table(t, bad)
    with pytest.raises(R.ReportError, match=r"steps_lost_attacker_total holds 0\.5"):
        R.summarize(bad)


def test_the_batch_command_prints_the_table_of_a_fraction_sweep(file4, tmp_path) -> None:
    out = tmp_path / "c.parquet"
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--seed", "3", "--workers", "1", "-q",
                                 "--out", str(out), "--sweep", f"{RATIO}=0.9,1.5"])
    assert r.exit_code == 0, r.output
    assert "counterattack_ratio=0.9" in r.output and "counterattack_ratio=1.5" in r.output
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------ 2. results written, but no table: one line, no traceback


def test_a_batch_whose_results_cannot_be_summarised_says_so_in_one_line(file4, tmp_path, monkeypatch) -> None:
    def refuse(path, cell_names=None):
        raise R.ReportError(f"{path}: something the report cannot read")

    monkeypatch.setattr(R, "summarize", refuse)
    out = tmp_path / "d.parquet"
    r = CliRunner().invoke(app, ["batch", str(file4), "--games", "1", "--seed", "3", "--workers", "1", "-q",
                                 "--out", str(out)])
    assert r.exit_code == 1
    assert isinstance(r.exception, SystemExit)  # (not the ReportError's traceback)
    assert "wrote" in r.output and "cannot summarise it" in r.output and "something the report cannot" in r.output
    assert out.is_file()


# -------------------------------------------------- 3. the plots' cell names stay inside the figure, whole


@pytest.fixture(scope="module")
def two_key_results(doc4, tmp_path_factory) -> Path:
    """Four cells labelled by two sweep keys (about 70 characters a label), 1 game each, with the per-turn file."""
    out = tmp_path_factory.mktemp("two") / "r.parquet"
    spec = B.BatchSpec("s4.json", doc4, 1, 13, sweeps=[("weather", ["historical", "fog"]), (RATIO, [0.9, 1.5])])
    B.run_batch(spec, out, workers=1, turns=True)
    return out


def _inside(fig, artist) -> bool:
    fig.canvas.draw()
    box, frame = artist.get_window_extent(fig.canvas.get_renderer()), fig.bbox
    return box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1 and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1


def test_the_objective_by_turn_legend_fits_the_figure_and_names_every_cell_whole(two_key_results, drawn) -> None:
    """Three legend columns of 70-character labels ran off both sides of the 12-inch figure: cells 0, 1, 4 and 5
    could not be told apart."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    s = R.summarize(two_key_results)
    assert all(c.by_turn is not None for c in s.cells) and len(s.cells) == 4
    R.plot_objective_by_turn(s, Path("unused.png"))
    fig = drawn[-1]
    legend = fig.legends[0]
    assert _inside(fig, legend)
    texts = [t.get_text().replace("\n", " ").replace(". ", ".") for t in legend.get_texts()]
    for c, text in zip(s.cells, texts, strict=True):
        assert c.label.replace(" ", "") in text.replace(" ", ""), (c.label, text)
        assert "…" not in text
    assert fig.get_figheight() > 5.6  # (the wrapped lines are added to the figure, not taken from the panels)


def test_the_capture_turn_titles_fit_the_figure_and_keep_the_count(two_key_results, drawn) -> None:
    """A panel title "0: weather=historical, defender.agent_params.counterattack_ratio=0.9: Shusha taken in 35 of
    50 g" ran off the figure's right edge."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    s = R.summarize(two_key_results)
    R.plot_capture_turns(s, Path("unused.png"))
    fig = drawn[-1]
    for ax, c in zip(fig.axes, s.cells, strict=True):
        title = ax.title if ax.title.get_text() else ax._left_title
        assert _inside(fig, title), title.get_text()
        assert title.get_text().endswith(f"of {c.n} games ({100 * c.capture_rate:.0f}%)")
        assert c.label in title.get_text().replace("\n", " ")


def test_short_labels_keep_one_line_titles(ratio_results) -> None:
    s = R.summarize(ratio_results)
    for c in s.cells:
        c.label = "weather=fog"
    assert "\n" not in R.capture_title(s, s.cells[0], R.PLOT_WIDTH_IN + 1)


# ------------------------------------------- 4. a batch is resumed only by the code that started it


def test_a_resume_after_the_engine_code_changed_is_refused(doc4, tmp_path, monkeypatch) -> None:
    """The engine version (0.15.0) spans many edits: a batch interrupted, the rules edited, then resumed, mixed
    games of two engines in one file with nothing to tell them apart."""
    spec = B.BatchSpec("s4.json", doc4, 3, 21)
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec, out, workers=1, chunk=1, stop_after_chunks=1)
    manifest = json.loads((B.parts_dir(out) / B.MANIFEST).read_text())
    assert manifest["engine_code"] == B.engine_code()
    monkeypatch.setattr(B, "_ENGINE_CODE", "0123456789abcdef")  # (as if the engine's files had been edited)
    with pytest.raises(B.BatchError, match="engine's code has changed") as e:
        B.run_batch(spec, out, workers=1, resume=True)
    assert manifest["engine_code"] in str(e.value) and "--overwrite" in str(e.value)
    assert sorted(p.name for p in B.parts_dir(out).glob("part-*")) == ["part-c0000-g000000.parquet"]  # (kept)
    B.run_batch(spec, out, workers=1, overwrite=True)
    assert json.loads(pq.read_schema(out).metadata[b"wargame_batch"])["engine_code"] == "0123456789abcdef"


def test_a_resume_with_the_same_code_or_an_older_manifest_goes_on(doc4, tmp_path) -> None:
    spec = B.BatchSpec("s4.json", doc4, 3, 22)
    ref, out = tmp_path / "ref.parquet", tmp_path / "r.parquet"
    B.run_batch(spec, ref, workers=1, chunk=1)
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec, out, workers=1, chunk=1, stop_after_chunks=1)
    mpath = B.parts_dir(out) / B.MANIFEST
    manifest = json.loads(mpath.read_text())
    del manifest["engine_code"]  # (written by a wargame before the fingerprint was recorded: cannot tell)
    mpath.write_text(json.dumps(manifest))
    B.run_batch(spec, out, workers=1, resume=True)
    assert pq.read_table(out).equals(pq.read_table(ref))


# ------------------------------------------- 5. a local cluster's refusals end in one line, not worker tracebacks


def test_a_local_cluster_refusal_prints_no_worker_traceback(doc4, tmp_path, monkeypatch, capfd) -> None:
    """A worker refusing its chunks (its engine is not the batch's: the tree was edited) logged distributed's
    "Compute Failed ... Traceback: ..." block to the terminal for each chunk, before the batch's own error."""
    monkeypatch.setattr(B, "_ENGINE_CODE", "e" * 16)
    with pytest.raises(B.BatchAborted, match="with other code"):
        B.run_batch(B.BatchSpec("s4.json", doc4, 2, 23), tmp_path / "r.parquet", workers=1, scheduler="local",
                    chunk=1)
    err = capfd.readouterr().err
    assert "Compute Failed" not in err and "Traceback" not in err, err
