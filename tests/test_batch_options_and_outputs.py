"""Analyst review 19 of `wargame batch` / `wargame report` / `wargame fidelity`: options that silently lose to
others, sweeps that change nothing, stale files in reused folders, labels that mislead."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import short_shusha_doc
from typer.testing import CliRunner

from engine import batch as B
from engine import report as R
from engine.cli import app
from engine.report import CellStats, Summary, TurnSeries


@pytest.fixture(scope="module")
def doc2() -> dict:
    """The Shusha scenario cut to 2 turns: the fastest real games."""
    return short_shusha_doc(2)


def spec(doc: dict, games: int = 2, seed: int = 1, **kw) -> B.BatchSpec:
    return B.BatchSpec("short.json", doc, games, seed, **kw)


# ------------------------------------------------------------------ 1. a flag silently beating a scenario field


@pytest.mark.parametrize("kw, sweeps, sets, words", [
    ({"weather": "clear"}, [("set:weather.mode", ["fog", "historical"])], [], "--weather clear and --sweep"),
    ({"weather": "clear"}, [], [("weather.mode", "fog")], "--weather clear and --set weather.mode"),
    ({"weather": "clear"}, [], [("weather", {"mode": "fog", "schedule": []})], "--set weather=..."),
    ({"attacker": "random"}, [("set:sides.attacker.agent", ["doctrine", "passive"])], [], "--attacker random"),
    ({"defender": "passive"}, [], [("sides.defender.agent", "random")], "--defender passive and --set"),
    ({}, [("attacker_agent", ["random", "passive"])], [("sides.attacker.agent", "doctrine")],
     "--sweep attacker_agent=... and --set sides.attacker.agent"),
    ({}, [("weather", ["clear", "fog"]), ("set:weather.mode", ["historical", "stochastic"])], [],
     "--sweep weather=... and --sweep set:weather.mode"),
])
def test_an_option_and_the_scenario_field_it_overrides_are_refused_together(doc2, kw, sweeps, sets, words):
    with pytest.raises(B.BatchError) as e:
        B.plan(spec(doc2, sweeps=sweeps, sets=sets, **kw), 1)
    msg = str(e.value)
    assert words in msg and "give one of them" in msg and "\n" not in msg


def test_a_scenario_field_set_without_the_option_still_works(doc2):
    cells, _, _ = B.plan(spec(doc2, sweeps=[("set:weather.mode", ["fog", "historical"])], attacker="random"), 1)
    assert [c.doc["weather"]["mode"] for c in cells] == ["fog", "historical"]
    B.plan(spec(doc2, weather="historical", sets=[("weather.schedule.1.ceiling_m", 100)]), 1)  # other field


# ------------------------------------------------------------------ 2. schedule sweeps that change nothing


@pytest.mark.parametrize("kw, sweeps, sets, mode", [
    ({}, [("set:weather.mode", ["clear", "fog"]), ("set:weather.schedule.1.ceiling_m", [100, 3000])], [], "clear"),
    ({}, [("weather", ["historical", "fog"]), ("set:weather.schedule.1.ceiling_m", [100, 3000])], [], "fog"),
    ({"weather": "overcast"}, [("set:weather.schedule.0.fog", ["none", "thick"])], [], "overcast"),
    ({}, [], [("weather.mode", "fog"), ("weather.schedule.1.ceiling_m", 100)], "fog"),
])
def test_a_weather_schedule_override_is_refused_in_a_mode_that_ignores_the_schedule(doc2, kw, sweeps, sets, mode):
    with pytest.raises(B.BatchError) as e:
        B.plan(spec(doc2, sweeps=sweeps, sets=sets, **kw), 1)
    msg = str(e.value)
    assert f"weather mode {mode!r}" in msg and "changes nothing" in msg and "weather.schedule" in msg


@pytest.mark.parametrize("mode", ["historical", "stochastic"])
def test_a_weather_schedule_sweep_is_accepted_where_the_schedule_is_read(doc2, mode):
    from engine.weather import PRESETS

    assert mode not in PRESETS  # (weather.weather_schedule reads the schedule in these modes only)
    cells, _, _ = B.plan(spec(doc2, weather=mode, sweeps=[("set:weather.schedule.1.ceiling_m", [100, 3000])]), 1)
    assert len(cells) == 2


# ------------------------------------------------------------------ 3. more than 8 lines in one plot


def _turn_summary(n_cells: int) -> Summary:
    cells = []
    for i in range(n_cells):
        c = CellStats(i, f"x={i}", {"x": i}, n=4, attacker_wins=1)
        c.by_turn = TurnSeries(4, 7, [1, 2, 3], [0, 1, 1], [1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
        cells.append(c)
    return Summary(Path("r.parquet"), cells, {"turns": 3, "objective": "Shusha"}, ["x"])


def test_objective_by_turn_draws_every_one_of_twelve_cells_differently(monkeypatch, tmp_path):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figs = []
    real = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (figs.append(self), real(self, *a, **k))[1])
    R.plot_objective_by_turn(_turn_summary(12), tmp_path / "o.png")
    left, right = figs[0].axes[:2]
    for ax, look in ((left, lambda ln: (ln.get_color(), ln.get_linestyle())),
                     (right, lambda ln: (ln.get_color(), ln.get_linestyle(), ln.get_marker()))):
        looks = [look(ln) for ln in ax.get_lines()[:12]]  # (the cells' lines come first)
        assert len(set(looks)) == 12, looks


# ------------------------------------------------------------------ 4. stale files in reused folders


def _results(tmp_path: Path, seed: int, turns: bool) -> Path:
    """A one-cell results file (and per-turn file) written by hand, of batch seed `seed`."""
    from test_batch_report import _results_files

    return _results_files(tmp_path, {"seed": seed, "games": 2, "sweeps": []} if turns else None, seed)


def test_a_reused_report_folder_loses_the_per_turn_plot_of_another_batch(tmp_path):
    out = _results(tmp_path, 3, turns=True)
    rep = tmp_path / "rep"
    first = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert first.exit_code == 0, first.output
    assert (rep / "objective_by_turn.png").exists()
    (rep / "mine.png").write_bytes(b"not the report's")
    out = _results(tmp_path, 4, turns=False)  # --overwrite without --turns: the old per-turn file stays
    again = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert again.exit_code == 0, again.output
    assert not (rep / "objective_by_turn.png").exists() and (rep / "mine.png").exists()
    text = " ".join(again.output.split())
    assert "not the per-turn file of this batch" in text and "removed" in text and "objective_by_turn.png" in text


def test_a_batch_without_turns_says_it_left_an_old_per_turn_file(doc2, tmp_path):
    out = tmp_path / "r.parquet"
    B.run_batch(spec(doc2, seed=3), out, workers=1, turns=True)
    before = B.turns_path(out).read_bytes()
    notes: list[str] = []
    B.run_batch(spec(doc2, seed=4), out, workers=1, overwrite=True, on_message=notes.append)
    assert B.turns_path(out).read_bytes() == before  # --overwrite replaces the per-turn file only with --turns
    assert any("r.turns.parquet as it was" in n and "not of this batch" in n for n in notes), notes
    notes.clear()  # the same batch's own per-turn file: nothing to say
    B.run_batch(spec(doc2, seed=3), tmp_path / "s.parquet", workers=1, turns=True)
    B.run_batch(spec(doc2, seed=3), tmp_path / "s.parquet", workers=1, overwrite=True, on_message=notes.append)
    assert not any("as it was" in n for n in notes), notes


# ------------------------------------------------------------------ 5. --logs of another batch


def _game_logs(logs):
    return sorted(p.name for p in logs.iterdir() if B.GAME_LOG.fullmatch(p.name))


def test_a_logs_folder_of_another_batch_is_refused_and_cleared_only_with_overwrite(doc2, tmp_path):
    logs = tmp_path / "L"
    out = tmp_path / "a.parquet"
    B.run_batch(spec(doc2, games=3, seed=1), out, workers=1, logs_dir=str(logs))
    first = _game_logs(logs)
    assert len(first) == 3 and (logs / B.LOGS_MARKER).is_file()
    (logs / "notes.txt").write_text("mine")
    (logs / "cell0000-game000000.jsonl").write_text("not a batch's name")
    with pytest.raises(B.BatchError) as e:  # another batch (other seeds, another --out) into the same folder
        B.run_batch(spec(doc2, games=3, seed=2), tmp_path / "b.parquet", workers=1, logs_dir=str(logs))
    assert "--logs" in str(e.value) and f"another batch (for {out.resolve()})" in str(e.value)
    assert not (tmp_path / "b.parquet").exists()
    with pytest.raises(B.BatchError) as e:  # --overwrite replaces --out's batch, not the logs of another --out
        B.run_batch(spec(doc2, games=3, seed=2), tmp_path / "b.parquet", workers=1, logs_dir=str(logs),
                    overwrite=True)
    assert "remove them yourself" in str(e.value) and _game_logs(logs) == first
    with pytest.raises(B.BatchError) as e:  # this --out, another batch: --overwrite would replace both
        B.run_batch(spec(doc2, games=3, seed=2), out, workers=1, logs_dir=str(logs))
    assert "add --overwrite to replace it" in str(e.value)  # (the finished --out is named first)
    notes: list[str] = []
    B.run_batch(spec(doc2, games=3, seed=2), out, workers=1, logs_dir=str(logs), overwrite=True,
                on_message=notes.append)
    games = _game_logs(logs)
    assert len(games) == 3 and not set(games) & set(first)
    seeds = {r["seed"] for r in B.iter_rows(out, ["seed"])}
    assert {int(g.split("seed")[1].removesuffix(".jsonl")) for g in games} == seeds
    assert (logs / "notes.txt").read_text() == "mine" and (logs / "cell0000-game000000.jsonl").exists()
    assert any("removed 3 event logs of the batch it replaces" in n for n in notes), notes


def test_a_logs_folder_of_the_same_batch_is_fine(doc2, tmp_path):
    logs = tmp_path / "L"
    B.run_batch(spec(doc2, seed=5), tmp_path / "a.parquet", workers=1, logs_dir=str(logs))
    B.run_batch(spec(doc2, seed=5), tmp_path / "b.parquet", workers=1, logs_dir=str(logs))  # same games
    assert len(_game_logs(logs)) == 2


def test_a_batch_with_the_same_file_names_but_other_options_is_told_apart(doc2, tmp_path):
    """Same seed and game count, other weather: the logs' names match, the games do not (code review)."""
    logs = tmp_path / "L"
    B.run_batch(spec(doc2, games=2, seed=2), tmp_path / "a.parquet", workers=1, logs_dir=str(logs))
    before = {n: (logs / n).read_bytes() for n in _game_logs(logs)}
    with pytest.raises(B.BatchError, match="another batch"):
        B.run_batch(spec(doc2, games=2, seed=2, weather="clear"), tmp_path / "c.parquet", workers=1,
                    logs_dir=str(logs))
    assert {n: (logs / n).read_bytes() for n in _game_logs(logs)} == before


# ------------------------------------------------------------------ 6. fidelity wording


def _effect_cells() -> dict:
    def cell(n: int, wins: int) -> dict:
        m = {"mean": 5.0, "ci95_half": 0.5}
        return {"games": n, "attacker_wins": wins, "attacker_win_rate": wins / n, "attacker_win_ci95": [0.4, 0.6],
                "capture_turn_median": 20, "road_cut_before_capture_share": 0.6, "light_first_into_town_share": 0.6,
                "light_share_of_manoeuvre_damage": 0.6, "attacker_steps_lost": m, "attacker_lost_to_ambush": m,
                "attacker_lost_to_artillery": m, "defender_heavy_steps_lost": m, "defender_drone_spotted_missions": m,
                "defender_artillery_missions": m}
    return {"historical": cell(1000, 560), "clear_skies": cell(300, 243), "no_recon_drone": cell(300, 170),
            "mech_lead": cell(300, 150)}


def test_fidelity_prints_win_rate_differences_in_points_and_dates_turns_by_the_scenario():
    from engine.fidelity import checks, effects
    from engine.scenario import scenario_from_dict

    doc = short_shusha_doc(26)
    doc["meta"]["start"] = "2021-01-01T06:00"  # the date must come from the scenario
    scen = scenario_from_dict(doc)
    cells = _effect_cells()
    res = {"cells": cells, "effects": effects(cells),
           "drones_by_weather": {"armed_sorties_per_game": [0.0], "ceiling_m": [500]}}
    text = {c["target"]: c["measured"] for c in checks(res, scen)}
    late = next(t for t in text if t.startswith("median fall"))
    assert "turn ≥ 19, from 10 Jan 06:00" in late
    clear = text["clear skies: attacker wins more, and defender heavy losses rise"]
    assert clear.startswith("win rate +25 pts ± 5 pts"), clear
    assert "%" not in clear
    assert "Nov" not in next(t for t in (c["target"] for c in checks(res)) if t.startswith("median fall"))


def test_fidelity_report_names_the_interval_of_its_differences(tmp_path):
    from conftest import tiny_scenario

    from engine.fidelity import run_fidelity, write_report

    scen = tiny_scenario()
    res = run_fidelity(scen, "tiny.json", tmp_path, games=2, counterfactual_games=2, seed=3, workers=1,
                       resume=False, command="test")
    text = write_report(res, tmp_path, scen).read_text()
    effects = text.split("## Counterfactual effects")[1].split("![")[0]
    assert "Wald" in effects and "percentage points" in effects
    assert " pts ± " in effects and "% ±" not in effects


# ------------------------------------------------------------------ 7, 8, 12. report summary files and labels


def test_the_report_writes_summary_json_and_csv_of_the_table(doc2, tmp_path):
    out = tmp_path / "r.parquet"
    B.run_batch(spec(doc2, games=3, sweeps=[("weather", ["historical", "clear"])]), out, workers=1)
    rep = tmp_path / "rep"
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert r.exit_code == 0, r.output
    s = R.summarize(out)
    data = json.loads((rep / "summary.json").read_text())
    assert data["command"] == s.meta["command"] and data["games"] == 6
    assert [c["cell"] for c in data["cells"]] == [0, 1] and data["cells"][1]["params"] == {"weather": "clear"}
    for c, d in zip(s.cells, data["cells"], strict=True):
        assert (d["games"], d["attacker_wins"]) == (c.n, c.attacker_wins)
        assert d["win_ci"] == pytest.approx(list(c.win_ci))
    assert data["cells"][0]["wins_vs_cell0"] is None
    d, lo, hi = R.win_rate_difference(s.cells[0], s.cells[1])
    assert data["cells"][1]["wins_vs_cell0"] == pytest.approx(d)
    assert data["cells"][1]["wins_vs_cell0_ci"] == pytest.approx([lo, hi])
    assert "Wilson" in data["intervals"]["win_ci"] and "Newcombe" in data["intervals"]["wins_vs_cell0_ci"]
    with open(rep / "summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["weather"] for r in rows] == ["historical", "clear"]
    assert [int(r["attacker_wins"]) for r in rows] == [c.attacker_wins for c in s.cells]
    assert {"win_ci_low", "win_ci_high", "wins_vs_cell0_ci_low", "capture_turn_median"} <= set(rows[0])
    assert "summary.json" in r.output and "summary.csv" in r.output


def test_table_and_captions_say_the_cells_keep_the_order_given_and_what_cell_0_is():
    from rich.console import Console

    s = _turn_summary(3)
    console = Console(width=200, record=True)
    console.print(R.rich_table(s))
    text = " ".join(console.export_text().split())
    assert "cells in the order given" in text and "differences are vs cell 0 (x=0)" in text
    assert "Cells in the order given" in R.figure_caption(s, "win_rate.png")
    assert "order given" not in R.figure_caption(_turn_summary(1), "win_rate.png")


def test_capture_turn_panels_are_titled_with_the_cell_index(monkeypatch, tmp_path):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figs = []
    real = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (figs.append(self), real(self, *a, **k))[1])
    s = _turn_summary(2)
    for c in s.cells:
        c.capture_turns = [2]
    R.plot_capture_turns(s, tmp_path / "c.png")
    titles = [ax.get_title(loc="left") for ax in figs[0].axes]
    assert titles[0].startswith("0: x=0:") and titles[1].startswith("1: x=1:")


# ------------------------------------------------------------------ 9, 10, 11


def test_numerically_equal_sweep_values_are_repeats():
    with pytest.raises(B.BatchError, match=re.escape("repeated value 2.0 (equal to 2)")):
        B.parse_sweep("set:units.az_sf_1.strength=2,2.0")
    with pytest.raises(B.BatchError, match="repeated value"):
        B.parse_sweep("set:combat.x=1e1,10")
    assert B.parse_sweep("set:x=true,1")[1] == [True, 1]  # a bool is not the number 1


def test_resume_names_each_differing_parameter_with_both_values(doc2, tmp_path):
    out = tmp_path / "r.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec(doc2, games=3), out, workers=1, chunk=1, stop_after_chunks=1)
    with pytest.raises(B.BatchError) as e:
        B.run_batch(spec(doc2, games=2, seed=9), out, workers=1, resume=True)
    msg = str(e.value)
    assert "games: 3 in the manifest, 2 now" in msg and "seed: 1 in the manifest, 9 now" in msg
    B.run_batch(spec(doc2, games=3), out, workers=1, resume=True)
    with pytest.raises(B.BatchError) as e:  # a finished batch
        B.run_batch(spec(doc2, games=3, seed=9), out, workers=1, resume=True)
    assert "seed: 1 in r.parquet, 9 now" in str(e.value)


def test_results_bytes_do_not_depend_on_the_chunk_size(doc2, tmp_path):
    runs = []
    for chunk in (1, 2, 5):
        out = tmp_path / f"c{chunk}" / "r.parquet"
        B.run_batch(spec(doc2, games=5, sweeps=[("weather", ["historical", "clear"])]), out, workers=1,
                    chunk=chunk, turns=True)
        runs.append((out.read_bytes(), B.turns_path(out).read_bytes()))
        assert "chunk" not in B.read_batch_metadata(out)
    assert runs[0] == runs[1] == runs[2]
