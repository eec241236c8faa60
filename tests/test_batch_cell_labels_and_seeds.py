"""Analyst review 21 of `wargame batch` / `wargame report`: fixed overrides in the labels, every swept factor on
every plot, a stale report.html, spread and conditional medians in the summaries, a repeated --set, seed
semantics in the output, small CLI surprises, and a Dask batch whose workers all die.

Games use 2- and 4-turn cuts of the Shusha scenario and one worker: every test stays a few seconds."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
import statistics
from pathlib import Path

import pytest
from conftest import short_shusha_doc
from rich.console import Console
from typer.testing import CliRunner

from engine import batch as B
from engine import report as R
from engine.cli import app
from engine.report import CellStats, Summary


@pytest.fixture(scope="module")
def doc2() -> dict:
    return short_shusha_doc(2)


def spec(doc: dict, games: int = 3, seed: int = 1, **kw) -> B.BatchSpec:
    return B.BatchSpec("short.json", doc, games, seed, **kw)


def cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, list(args))
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r.exit_code, r.output


def flat(text: str) -> str:
    return " ".join(text.split())


def fig_texts(fig) -> str:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), *(t.get_text() for t in ax.get_xticklabels())]
    if fig._suptitle is not None:
        texts.append(fig._suptitle.get_text())
    return "\n".join(texts)


# ------------------------------------------------------------------ 3. fixed overrides label the cells


@pytest.fixture(scope="module")
def set_results(doc2, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("set") / "set.parquet"
    B.run_batch(spec(doc2, sets=[("sides.defender.supply_range", 10)]), out, workers=1)
    return out


def test_a_single_cell_batch_with_set_is_labelled_by_its_override(set_results, drawn, tmp_path):
    s = R.summarize(set_results)
    assert s.fixed == {"set:sides.defender.supply_range": 10}
    (c,) = s.cells
    assert c.label == "defender.supply_range=10" and "all games" not in c.label
    _, rows = R.table_rows(s)
    assert rows[0][0] == "0: defender.supply_range=10"
    data = json.loads(R.cells_json(s))
    assert data["fixed"] == {"set:sides.defender.supply_range": 10} and data["seed"] == 1
    assert data["cells"][0]["fixed"] == {"set:sides.defender.supply_range": 10}
    (row,) = list(csv.DictReader(io.StringIO(R.cells_csv(s))))
    assert row["set:sides.defender.supply_range"] == "10" and row["label"] == "defender.supply_range=10"
    for plot in (R.plot_win_rate, R.plot_capture_turns, R.plot_losses, R.plot_losses_by_cause):
        plot(s, tmp_path / "p.png")
        assert "in every game: defender.supply_range=10" in fig_texts(drawn[-1]), plot.__name__
    assert "Fixed in every game: defender.supply_range=10." in R.figure_caption(s, "win_rate.png")
    assert R.cell_tick_labels(s) == ["defender.supply_range=10 (n=3)"]


def test_weather_and_agent_options_label_a_single_cell_too(doc2, tmp_path):
    out = tmp_path / "w.parquet"
    B.run_batch(spec(doc2, games=2, weather="clear", defender="passive"), out, workers=1)
    s = R.summarize(out)
    assert s.cells[0].label == "weather=clear, defender_agent=passive"
    row = next(csv.DictReader(io.StringIO(R.cells_csv(s))))
    assert (row["weather"], row["defender_agent"]) == ("clear", "passive")


def test_a_sweep_shows_what_every_cell_fixed(doc2, tmp_path, drawn):
    out = tmp_path / "sw.parquet"
    B.run_batch(spec(doc2, games=2, sweeps=[("weather", ["historical", "clear"])],
                     sets=[("sides.defender.supply_range", 10)]), out, workers=1)
    s = R.summarize(out)
    assert [c.label for c in s.cells] == ["weather=historical", "weather=clear"]  # the swept values only
    console = Console(width=200, record=True)
    console.print(R.rich_table(s, width=200))
    assert "in every cell: defender.supply_range=10" in flat(console.export_text())
    rows = list(csv.DictReader(io.StringIO(R.cells_csv(s))))
    assert [r["set:sides.defender.supply_range"] for r in rows] == ["10", "10"]
    R.plot_win_rate(s, tmp_path / "p.png")
    assert "in every cell: defender.supply_range=10" in fig_texts(drawn[-1])
    assert "Fixed in every cell: defender.supply_range=10." in R.figure_caption(s, "losses.png")


# ------------------------------------------------------------------ 4. every swept factor on every plot


def two_key_summary() -> Summary:
    keys = ["set:sides.defender.supply_range", "attacker_lead"]
    short = R.short_labels(keys)
    cells = []
    for i, (rng, lead) in enumerate([(16, "sf"), (16, "mech"), (10, "sf"), (10, "mech")]):
        params = {keys[0]: rng, keys[1]: lead}
        c = CellStats(i, R.cell_label(params, short), params, n=60, attacker_wins=30 + i)
        c.steps_lost = {"attacker": [g % 7 + i for g in range(60)], "defender": [g % 5 for g in range(60)]}
        c.capture_turns = [20 + g % 5 for g in range(30 + i)]
        c.losses_by_cause = {"attacker": {"ambush": [g % 3 for g in range(60)]},
                             "defender": {"assault": [g % 4 for g in range(60)]}}
        cells.append(c)
    return Summary(Path("sw2.parquet"), cells, {"turns": 26, "objective": "Shusha"}, keys)


@pytest.mark.parametrize("plot", [R.plot_win_rate, R.plot_losses, R.plot_losses_by_cause])
def test_two_sweep_keys_stay_readable_on_the_bar_plots(plot, drawn, tmp_path):
    """'0: defender. supply_range=16,…' twice: the attacker_lead part was cut off every tick."""
    s = two_key_summary()
    plot(s, tmp_path / "p.png")
    (fig,) = drawn
    text = fig_texts(fig)
    for c in s.cells:
        assert f"{c.cell}: {c.label}" in text, (c.label, text)  # whole, in the key under the axes
    assert "…" not in text
    fig.canvas.draw()  # and the key is inside the figure
    box = fig.bbox
    for ax in fig.axes:
        if ax.get_xlabel():
            ext = ax.xaxis.label.get_window_extent(fig.canvas.get_renderer())
            assert box.y0 <= ext.y0 and ext.x0 >= box.x0 and ext.x1 <= box.x1


def test_the_captions_spell_out_every_cell():
    s = two_key_summary()
    for name in ("win_rate.png", "losses.png", "losses_by_cause.png", "capture_turn.png"):
        caption = R.figure_caption(s, name)
        for c in s.cells:
            assert f"{c.cell} is {c.label}" in caption, (name, caption)


def test_one_sweep_key_keeps_its_labels_on_the_ticks(drawn, tmp_path):
    s = two_key_summary()
    s.sweep_keys = ["attacker_lead"]
    for c in s.cells:
        c.label = f"attacker_lead={c.params['attacker_lead']}"
    R.plot_win_rate(s, tmp_path / "p.png")
    ticks = [t.get_text() for t in drawn[0].axes[0].get_xticklabels()]
    assert ticks[0].split("\n")[0] == "0: attacker_lead=sf" and ticks[0].endswith("(n=60)")


# ------------------------------------------------------------------ 5. a stale report.html


def test_a_report_without_html_removes_an_earlier_report_html(set_results, tmp_path):
    rep = tmp_path / "rep"
    code, _ = cli("report", str(set_results), "--out", str(rep), "--html")
    assert code == 0 and (rep / "report.html").exists()
    (rep / "mine.txt").write_text("the user's")
    code, text = cli("report", str(set_results), "--out", str(rep))
    assert code == 0, text
    assert not (rep / "report.html").exists() and (rep / "mine.txt").exists()
    assert "removed" in flat(text) and "report.html" in flat(text) and "earlier report" in flat(text)


# ------------------------------------------------------------------ 6. spread, conditional medians, Welch


def test_the_summary_gives_sd_and_se_of_every_mean(set_results):
    s = R.summarize(set_results)
    (c,) = s.cells
    (d,) = R.cell_summaries(s)
    xs = c.steps_lost["attacker"]
    assert d["steps_lost_attacker_sd"] == pytest.approx(statistics.stdev(xs))
    assert d["steps_lost_attacker_se"] == pytest.approx(statistics.stdev(xs) / math.sqrt(len(xs)))
    # the plots' error bars are mean ± t(0.975, n - 1) se (`engine.stats.t_half_width`, what `mean_bars` draws)
    assert R.t_half_width(xs) == pytest.approx(R.t975(len(xs) - 1) * d["steps_lost_attacker_se"])
    for k in [k for k in d if k.endswith("_mean")]:
        stem = k.removesuffix("_mean")
        assert f"{stem}_sd" in d and f"{stem}_se" in d, k
    assert "losses_attacker_ambush_sd" in d and "turns_played_se" in d
    head = next(csv.reader(io.StringIO(R.cells_csv(s))))
    assert "steps_lost_defender_se" in head and "attacker_drone_sorties_flown_sd" in head


def test_welch_difference_matches_a_hand_computation():
    a, b = [1, 2, 3, 4, 9], [3, 4, 5, 6, 7, 12]
    d, lo, hi = R.welch_difference(a, b)
    va, vb = statistics.variance(a) / 5, statistics.variance(b) / 6
    df = (va + vb) ** 2 / (va ** 2 / 4 + vb ** 2 / 5)
    assert d == pytest.approx(statistics.mean(b) - statistics.mean(a))
    # Student's t 97.5% quantile at this df (8.72): t(8) = 2.3060 and t(9) = 2.2622 from tables, interpolated in
    # 1/df (scipy is not a dependency)
    t = 2.3060 + (1 / 8 - 1 / df) / (1 / 8 - 1 / 9) * (2.2622 - 2.3060)
    assert df == pytest.approx(8.72, abs=0.01)
    assert hi - d == pytest.approx(t * math.sqrt(va + vb), rel=2e-3) and d - lo == pytest.approx(hi - d)
    assert R.welch_difference([1], [2, 3]) is None
    # a few exact quantiles, low degrees of freedom included (a review: 11% short at 1)
    for k, exact in ((1, 12.7062), (2, 4.3027), (3, 3.1824), (5, 2.5706), (30, 2.0423)):
        assert R.t975(k) == pytest.approx(exact, rel=2e-3), k


def test_the_table_gives_the_games_behind_each_median_and_the_losses_difference():
    s = two_key_summary()
    head, rows = R.table_rows(s)
    taken = head.index("median turn taken")
    assert rows[1][taken].endswith("(n=31)") and rows[0][taken].endswith("(n=30)")
    col = head.index("att. steps lost vs cell 0 [95% CI]")
    assert rows[0][col] == "—" and rows[3][col].startswith("+3.0 [")
    data = R.cell_summaries(s)
    assert data[3]["steps_lost_attacker_vs_cell0"] == pytest.approx(3.0)
    lo, hi = data[3]["steps_lost_attacker_vs_cell0_ci"]
    assert lo < 3.0 < hi
    console = Console(width=400, record=True)
    console.print(R.rich_table(s))
    text = flat(console.export_text())
    assert "conditional" in text and "Welch" in text
    assert "conditional" in R.figure_caption(s, "capture_turn.png")


@pytest.mark.parametrize("width", [80, 100, 120])
def test_a_table_in_parts_prints_its_caption_across_the_terminal(width):
    """Under the last part the caption wrapped to ~43 characters."""
    s = two_key_summary()
    console = Console(width=width, record=True)
    console.print(R.rich_table(s, width=width))
    text = console.export_text()
    lines = text.splitlines()
    assert text.count("┏") >= 2
    assert max(len(x.rstrip()) for x in lines) <= width
    start = next(i for i, x in enumerate(lines) if x.startswith("- median turns"))
    caption = [x.rstrip() for x in lines[start:]]
    assert max(len(x) for x in caption) > width - 20  # as wide as the terminal, not as the last part
    # one note a line, each begun with "- " (as one paragraph they ran to twenty lines)
    begun = [x for x in caption if x.startswith("- ")]
    assert len(begun) >= 10 and any(x.startswith("- among many cells") for x in begun)
    assert not any("; among many cells" in x for x in caption)


# ------------------------------------------------------------------ 7. a repeated --set


def test_a_repeated_set_is_refused_with_both_values(doc2):
    with pytest.raises(B.BatchError) as e:
        B.plan(spec(doc2, sets=[("sides.defender.supply_range", 10), ("sides.defender.supply_range", 12)]), 1)
    msg = str(e.value)
    assert "sides.defender.supply_range" in msg and "10" in msg and "12" in msg and "twice" in msg
    with pytest.raises(B.BatchError, match="replaced by the later"):
        B.plan(spec(doc2, sets=[("units.az_sf_1.strength", 2),
                                ("units.az_sf_1", {"id": "az_sf_1"})]), 1)


def test_the_cli_refuses_a_repeated_set_and_notes_one_that_changes_nothing(file4, tmp_path):
    base = ["batch", str(file4), "--games", "2", "--seed", "3", "--workers", "1", "-q"]
    code, text = cli(*base, "--out", str(tmp_path / "d.parquet"), "--set", "sides.defender.supply_range=10",
                     "--set", "sides.defender.supply_range=12")
    assert code == 2 and "given twice (10 and 12)" in flat(text) and not (tmp_path / "d.parquet").exists()
    doc = json.loads(file4.read_text())
    strength = next(u for u in doc["units"] if u["id"] == "az_sf_1")["strength"]
    code, text = cli(*base, "--out", str(tmp_path / "n.parquet"), "--set", f"units.az_sf_1.strength={strength}")
    assert code == 0, text
    assert f"note: --set units.az_sf_1.strength={strength} changes nothing" in flat(text)


# ------------------------------------------------------------------ 2. seed semantics


def test_seeds_depend_on_base_seed_cell_and_game_only():
    """As docs/engine_api.md says: a batch is a prefix of a bigger one, and cell k is the same seeds in any
    sweep with the same --seed (common random numbers); another --seed gives other games."""
    small, big = B.derive_seeds(7, 2, 3), B.derive_seeds(7, 5, 10)
    assert small[0] == big[0][:3] and small[1] == big[1][:3]
    assert not set(B.derive_seeds(8, 1, 10)[0]) & set(big[0])


def test_batch_and_report_print_the_base_seed_and_note_the_default(file4, tmp_path):
    base = ["batch", str(file4), "--games", "2", "--workers", "1", "-q"]
    code, text = cli(*base, "--out", str(tmp_path / "d.parquet"))
    assert code == 0, text
    assert "base seed 0" in flat(text) and "--seed was left at 0: the same seed replays the same games" in flat(text)
    code, text = cli(*base, "--out", str(tmp_path / "s.parquet"), "--seed", "5")
    assert code == 0 and "base seed 5" in flat(text) and "left at" not in text
    code, text = cli("report", str(tmp_path / "s.parquet"), "--out", str(tmp_path / "rep"))
    assert code == 0 and "base seed 5" in flat(text)
    code, text = cli("report", str(tmp_path / "d.parquet"), "--out", str(tmp_path / "rep0"))
    assert code == 0 and "base seed 0" in flat(text) and "replays these same games" in flat(text)


# ------------------------------------------------------------------ 13. small CLI surprises


def test_resume_with_nothing_to_resume_says_it_starts_fresh(file4, tmp_path):
    code, text = cli("batch", str(file4), "--games", "2", "--seed", "3", "--workers", "1", "-q", "--out",
                     str(tmp_path / "typo.parquet"), "--resume")
    assert code == 0, text
    assert "nothing to resume" in flat(text) and "starting a new batch" in flat(text)


def test_a_results_name_that_is_not_parquet_is_refused(file4, tmp_path):
    code, text = cli("batch", str(file4), "--games", "2", "--workers", "1", "-q", "--out", str(tmp_path / "f.csv"))
    lines = text.strip().splitlines()
    assert code == 2 and len(lines) == 1 and ".parquet" in lines[0] and "--csv" in lines[0]
    assert not (tmp_path / "f.csv").exists()


def test_report_into_a_file_fails_before_the_table(set_results, tmp_path):
    (tmp_path / "file").write_text("x")
    code, text = cli("report", str(set_results), "--out", str(tmp_path / "file"))
    assert code == 2 and "is a file" in text and "┏" not in text and "games" not in text


def test_the_rerun_hint_names_the_seed_as_the_metadata_does(file4, tmp_path):
    code, text = cli("batch", str(file4), "--games", "2", "--seed", "3", "--workers", "1", "-q", "--out",
                     str(tmp_path / "r.parquet"))
    assert code == 0 and re.search(r"re-run .*--seed S\b", flat(text)) and "SEED" not in text
    meta = B.read_batch_metadata(tmp_path / "r.parquet")
    assert meta["cells"][0]["run_options"].startswith("--seed S")


# ------------------------------------------------------------------ 8. Dask workers that all die


def test_a_dask_batch_whose_workers_all_die_stops_and_keeps_its_chunks(doc2, tmp_path, monkeypatch):
    """The progress froze for ever: now, with no worker for DASK_NO_WORKERS_S while chunks wait, the batch
    stops, keeps the finished chunks, and --resume completes it with the same rows as a clean run."""
    from distributed import LocalCluster

    monkeypatch.setattr(B, "DASK_NO_WORKERS_S", 1.5)
    monkeypatch.setattr(B, "DASK_POLL_S", 0.3)
    sp = spec(doc2, games=24)
    out = tmp_path / "d.parquet"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        done = []

        def on_progress(n: int) -> None:
            done.append(n)
            if len(done) == 1:
                cluster.scale(0)  # every worker gone, none restarted

        with pytest.raises(B.BatchAborted) as e:
            B.run_batch(sp, out, scheduler=cluster.scheduler_address, chunk=1, on_progress=on_progress)
    assert "no worker" in e.value.message and 1 <= e.value.done < 24 and e.value.total == 24
    assert not out.exists() and len(list(B.parts_dir(out).glob("part-*.parquet"))) == e.value.done
    B.run_batch(sp, out, workers=1, resume=True)
    ref = tmp_path / "ref.parquet"
    B.run_batch(sp, ref, workers=1)
    import pyarrow.parquet as pq

    assert pq.read_table(out).to_pylist() == pq.read_table(ref).to_pylist()


def test_a_dask_batch_whose_scheduler_is_lost_stops_and_keeps_its_chunks(doc2, tmp_path, monkeypatch):
    """A review: with the scheduler gone, distributed cancels every future and `wait` raised
    FuturesCancelledError as a traceback, the finished chunks unsaved."""
    from distributed import LocalCluster

    monkeypatch.setattr(B, "DASK_POLL_S", 0.3)
    sp = spec(doc2, games=24)
    out = tmp_path / "d.parquet"
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0")
    done = []

    def on_progress(n: int) -> None:
        done.append(n)
        if len(done) == 2:
            import asyncio

            asyncio.run_coroutine_threadsafe(cluster.scheduler.close(), cluster.loop.asyncio_loop).result(10)

    try:
        with pytest.raises(B.BatchAborted) as e:
            B.run_batch(sp, out, scheduler=cluster.scheduler_address, chunk=1, on_progress=on_progress)
    finally:
        with contextlib.suppress(Exception):
            cluster.close(timeout=1)  # (its scheduler is gone: a plain close waits 30 s for it)
    assert "cancelled" in e.value.message or "scheduler was lost" in e.value.message, e.value.message
    assert 1 <= e.value.done < 24
    assert len(list(B.parts_dir(out).glob("part-*.parquet"))) == e.value.done
