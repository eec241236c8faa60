"""Analyst review 23 of `wargame batch` / `wargame report`: how each game ended as a category (`outcome`) with the
near misses called out, drones' losses apart from the ground battle's (`steps_lost_{side}_ground` / `_air`), old
parts resumed, and a single game's overrides validated once (`with_overrides`).

Games are short (the ambush and supply lessons, Shusha cut to 8 turns) and run in this process."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, short_shusha_doc
from rich.console import Console
from typer.testing import CliRunner

import engine.scenario as S
from engine import batch as B
from engine import report as R
from engine.cli import app, score_row
from engine.errors import ScenarioError
from engine.game import play_game
from engine.rules import OUTCOMES
from engine.scenario import load_scenario, scenario_from_dict

LESSONS = ROOT / "scenarios" / "lessons"


def read(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def expected_outcome(reason: str) -> tuple[str, int | None]:
    """The outcome the engine's `reason` sentence names (`rules._end_turn`'s three sentences), and the hexes it
    says the attacker held: an oracle for the test only (the batch never reads the sentence)."""
    if "no defender within" in reason:
        return "objective_taken", None
    if reason.startswith("holds all of"):
        return "held_all", None
    held = int(re.search(r"attacker holds (\d+)/\d+ hexes", reason).group(1))
    return ("held_partial" if held else "held_none"), held


@pytest.fixture(scope="module")
def ambush_doc() -> dict:
    return copy.deepcopy(load_scenario(LESSONS / "ambush.json").raw)


@pytest.fixture(scope="module")
def supply_doc() -> dict:
    return copy.deepcopy(load_scenario(LESSONS / "supply.json").raw)


# ------------------------------------------------------------------------------------ 1. the outcome column


def test_the_outcome_is_the_branch_of_the_victory_check_that_ended_the_game(ambush_doc, supply_doc) -> None:
    """Every way a game can end, each told apart from the final state (sudden death on the last turn included,
    which `end_turn` alone cannot tell from a hold at the end), agreeing with the engine's own sentence."""
    contested = copy.deepcopy(ambush_doc)
    contested["victory"]["sudden_death"] = False
    seen: dict[str, int] = {}
    last_turn_sudden_death = 0
    for doc in (ambush_doc, contested, supply_doc):
        scen = scenario_from_dict(copy.deepcopy(doc))
        for seed in range(6):
            st = play_game(scen, seed)
            got = B.flatten_score(score_row(st), {"attacker": [], "defender": []})["outcome"]
            want, held = expected_outcome(st.score.reason)
            assert got == want, (st.score.reason, got)
            assert got in OUTCOMES
            if held is not None:
                assert st.score.objective_hexes_attacker == held
            last = [e for e in st.log if e.kind == "ObjectiveStatus"][-1]  # the row's hexes are the end's
            assert (last.attacker_hexes, last.total_hexes) == (st.score.objective_hexes_attacker,
                                                                st.score.objective_hexes_total)
            last_turn_sudden_death += got == "objective_taken" and st.score.end_turn == scen.turns
            seen[got] = seen.get(got, 0) + 1
    assert set(seen) == set(OUTCOMES), seen
    assert last_turn_sudden_death  # (ambush seed 0: taken uncontested on its last turn)


def test_batch_rows_carry_the_outcome_before_the_weather_columns(ambush_doc, tmp_path) -> None:
    out = tmp_path / "o.parquet"
    spec = B.BatchSpec("ambush.json", ambush_doc, 4, 3, sweeps=[("set:victory.sudden_death", [True, False])])
    B.run_batch(spec, out, workers=1)
    names = pq.read_schema(out).names
    assert names[-len(B.WEATHER_COLUMNS):] == list(B.WEATHER_COLUMNS)  # (still the last columns)
    assert names.index("outcome") < names.index("weather_grounded_turns")
    rows = read(out)
    for r in rows:
        assert r["outcome"] == expected_outcome(r["reason"])[0]
    ended = {cell: {r["outcome"] for r in rows if r["cell"] == cell} for cell in (0, 1)}
    assert "objective_taken" in ended[0]
    assert "held_all" in ended[1] and "objective_taken" not in ended[1]  # no sudden death: a win at the end only


# --------------------------------------------------------------------------------- 2. ground and air losses


def test_drone_steps_are_split_from_ground_steps_by_the_unit_types_domain() -> None:
    """Shusha's own `orbiter` (a recon drone type of the scenario) counts as air: the split reads the domain,
    never a list of names."""
    scen = scenario_from_dict(short_shusha_doc(8))
    table = scen.unit_table
    assert table["orbiter"].domain == "air"
    air_games = 0
    for seed in (1, 7):
        st = play_game(scen, seed)
        sc = score_row(st)
        cols = B.domain_loss_columns(sc, table)
        row = B.flatten_score(sc, B.unit_types_by_side([scen.raw]))
        for side in ("attacker", "defender"):
            drones = sum(n for t, n in sc["steps_lost"][side].items() if table[t].domain == "air")
            assert cols[f"steps_lost_{side}_air"] == drones
            assert cols[f"steps_lost_{side}_ground"] + drones == row[f"steps_lost_{side}_total"]
            # drones are lost only to air defence, and nothing else is
            assert drones == row[f"losses_{side}_air_defence"]
        air_games += cols["steps_lost_attacker_air"] > 0
    assert air_games  # (seeds 1 and 7 lose a drone)


def test_per_turn_rows_split_the_running_losses_too(tmp_path) -> None:
    out = tmp_path / "t.parquet"
    B.run_batch(B.BatchSpec("s8.json", short_shusha_doc(8), 4, 5), out, workers=1, turns=True)
    rows = {(r["cell"], r["game"]): r for r in read(out)}
    last: dict = {}
    for t in read(B.turns_path(out)):
        for side in ("attacker", "defender"):
            assert t[f"steps_lost_{side}_ground_cum"] + t[f"steps_lost_{side}_air_cum"] == t[f"steps_lost_{side}_cum"]
        last[(t["cell"], t["game"])] = t
    for key, r in rows.items():
        for side in ("attacker", "defender"):
            assert r[f"steps_lost_{side}_ground"] + r[f"steps_lost_{side}_air"] == r[f"steps_lost_{side}_total"]
            assert last[key][f"steps_lost_{side}_ground_cum"] == r[f"steps_lost_{side}_ground"]
            assert last[key][f"steps_lost_{side}_air_cum"] == r[f"steps_lost_{side}_air"]


# ------------------------------------------------------------------------------- 3. resume and older files

NEW = ["outcome", *(f"steps_lost_{s}_{d}" for s in ("attacker", "defender") for d in B.LOSS_DOMAINS)]


def test_a_batch_interrupted_under_the_old_schema_resumes(ambush_doc, tmp_path) -> None:
    """Parts written before these columns existed are played again (same seeds, a note naming the columns), the
    others kept: the finished file is the uninterrupted batch's."""
    spec = B.BatchSpec("ambush.json", ambush_doc, 4, 9)
    ref = tmp_path / "ref.parquet"
    B.run_batch(spec, ref, workers=1, chunk=1)
    out = tmp_path / "old.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec, out, workers=1, chunk=1, stop_after_chunks=3)
    parts = sorted(B.parts_dir(out).glob("part-*.parquet"))
    for p in parts[:2]:  # as a wargame without the new columns wrote them
        pq.write_table(pq.read_table(p).drop_columns(NEW), p)
    notes, started = [], []
    B.run_batch(spec, out, workers=1, resume=True, on_message=notes.append, on_start=lambda t, d: started.append(d))
    assert started == [1]
    assert len(notes) == 1 and "2 finished parts" in notes[0] and "outcome" in notes[0]
    assert "steps_lost_attacker_ground" in notes[0] and "playing their 2 games again" in notes[0]
    assert read(out) == read(ref)


def test_a_batch_with_per_turn_rows_interrupted_under_the_old_schema_resumes(ambush_doc, tmp_path) -> None:
    spec = B.BatchSpec("ambush.json", ambush_doc, 3, 4)
    ref = tmp_path / "ref.parquet"
    B.run_batch(spec, ref, workers=1, chunk=1, turns=True)
    out = tmp_path / "old.parquet"
    with pytest.raises(B.BatchAborted):
        B.run_batch(spec, out, workers=1, chunk=1, stop_after_chunks=2, turns=True)
    pdir = B.parts_dir(out)
    for p in pdir.glob("part-*.parquet"):
        pq.write_table(pq.read_table(p).drop_columns(NEW), p)
    for p in pdir.glob("turns-*.parquet"):
        t = pq.read_table(p)
        pq.write_table(t.drop_columns([n for n in t.column_names if n.endswith(("_ground_cum", "_air_cum"))]), p)
    notes: list[str] = []
    B.run_batch(spec, out, workers=1, resume=True, on_message=notes.append, turns=True)
    assert any("outcome" in n and "again" in n for n in notes)
    assert read(out) == read(ref) and read(B.turns_path(out)) == read(B.turns_path(ref))


def test_the_report_reads_a_file_written_before_these_columns(ambush_doc, tmp_path) -> None:
    """Without the columns: all steps (labelled so), no outcome table or plot (a note says why), the rest as
    before; an `outcomes.png` of an earlier report is removed."""
    out = tmp_path / "r.parquet"
    B.run_batch(B.BatchSpec("ambush.json", ambush_doc, 3, 2), out, workers=1)
    rep = tmp_path / "rep"
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert r.exit_code == 0, r.output
    assert (rep / "outcomes.png").is_file() and "ground steps lost" in r.output
    meta = pq.read_schema(out).metadata
    pq.write_table(pq.read_table(out).drop_columns(NEW).replace_schema_metadata(meta), out)
    s = R.summarize(out)
    assert not s.ground_losses and not s.has_outcomes
    head, _ = R.table_rows(s)
    assert "steps lost att/def" in head and not any("ground steps" in h for h in head)
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(rep)])
    assert r.exit_code == 0, r.output
    assert "no outcome column" in " ".join(r.output.split()) and not (rep / "outcomes.png").exists()
    assert "no outcome column" in (rep / "report.md").read_text()
    assert "counted too" in R.figure_caption(s, "losses.png")


# ---------------------------------------------------------------------------------------------- 4. report


@pytest.fixture(scope="module")
def supply_results(supply_doc, tmp_path_factory) -> Path:
    """Two cells of the supply lesson (defender wins holding some or all of Vank, a 2-hex objective) and a
    third with the ambush lesson's attacker wins is not possible in one file: the lesson gives the near misses."""
    out = tmp_path_factory.mktemp("sup") / "s.parquet"
    B.run_batch(B.BatchSpec("supply.json", supply_doc, 8, 1, sweeps=[("weather", ["historical", "clear"])]), out,
                workers=1)
    return out


def test_the_report_breaks_the_games_down_by_outcome_and_counts_near_misses(supply_results, tmp_path) -> None:
    rows = read(supply_results)
    s = R.summarize(supply_results)
    assert s.has_outcomes and s.ground_losses
    for c in s.cells:
        mine = [r for r in rows if r["cell"] == c.cell]
        assert sum(c.outcomes.values()) == c.n == len(mine)
        assert c.outcomes == {k: sum(r["outcome"] == k for r in mine) for k in c.outcomes}
        total = mine[0]["objective_hexes_total"]
        near = sum(r["winner"] == "defender" and r["objective_hexes_attacker"] == total - 1 for r in mine)
        assert c.near_misses == near
        assert c.casualties("attacker") == [r["steps_lost_attacker_ground"] for r in mine]
    assert sum(c.near_misses for c in s.cells) > 0  # (the lesson's attacker mostly holds 1 of Vank's 2 hexes)
    head, table = R.outcome_rows(s)
    assert head[0] == "cell" and any("near misses" in h for h in head) and len(table) == 2
    lines = R.near_miss_lines(s)
    assert len(lines) == 2 and all("defender win" in line and "1 of the 2 hexes" in line for line in lines)
    data = R.cell_summaries(s)
    for d, c in zip(data, s.cells, strict=True):
        assert sum(d[f"outcome_{k}"] for k in OUTCOMES) == c.n
        assert d["near_misses"] == c.near_misses and d["objective_hexes_total"] == 2
        assert sum(d["defender_wins_by_attacker_hexes"].values()) == c.defender_wins
        assert d["steps_lost_attacker_ground_mean"] + d["steps_lost_attacker_air_mean"] == pytest.approx(
            d["steps_lost_attacker_mean"])
    assert data[1]["steps_lost_attacker_ground_vs_cell0"] is not None
    csv_head = R.cells_csv(s).splitlines()[0]
    assert "outcome_held_partial" in csv_head and "near_miss_share" in csv_head


def test_the_outcome_breakdown_is_in_the_terminal_the_markdown_and_the_html(supply_results, tmp_path) -> None:
    rep = tmp_path / "rep"
    r = CliRunner().invoke(app, ["report", str(supply_results), "--out", str(rep), "--html"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "How the games ended" in text and "near miss" in text and "ground steps lost" in text
    md = (rep / "report.md").read_text()
    assert "## How the games ended (Vank)" in md and "| cell | games |" in md and "near miss" in md
    assert "Welch's" in md  # (sentences keep their capitals: no str.capitalize)
    page = (rep / "report.html").read_text()
    assert "How the games ended" in page and 'alt="outcomes"' in page
    cap = re.search(r'alt="losses".*?<figcaption>(.*?)</figcaption>', page, flags=re.S).group(1)
    assert "ground units" in cap and "not counted" in cap
    assert (rep / "outcomes.png").is_file()
    summary = json.loads((rep / "summary.json").read_text())
    assert "outcome_held_none" in summary["cells"][0]


def test_the_outcomes_plot_stacks_every_game_once(supply_results, tmp_path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    s = R.summarize(supply_results)
    drawn = []
    real_save = R.save_figure
    R.save_figure = lambda fig, path, dpi=0: drawn.append(fig)
    try:
        R.plot_outcomes(s, tmp_path / "o.png")
    finally:
        R.save_figure = real_save
    (fig,) = drawn
    ax = fig.axes[0]
    heights = [[p.get_height() for p in c] for c in ax.containers]
    for i in range(len(s.cells)):
        assert sum(h[i] for h in heights) == pytest.approx(100)
    labels = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert any("near miss" in x and "1 of 2" in x for x in labels)
    plt.close(fig)


def test_the_table_names_its_loss_columns_by_what_they_count(supply_results) -> None:
    s = R.summarize(supply_results)
    head, _ = R.table_rows(s)
    assert "ground steps lost att/def" in head and "att. ground steps lost vs cell 0 [95% CI]" in head
    console = Console(width=300, record=True)
    console.print(R.rich_table(s))
    text = " ".join(console.export_text().split())
    assert "drones shot down not counted" in text and "mean ground steps lost" in text


# --------------------------------------------------------------------------- 5. with_overrides validates once


def test_a_single_games_overrides_are_validated_once(monkeypatch) -> None:
    scen = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    calls = []
    real = S.scenario_from_dict

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(S, "scenario_from_dict", counting)
    got = B.with_overrides(scen, ["sides.defender.supply_range=10"], "shusha", weather="clear", attacker="random")
    assert len(calls) == 1
    cell = B.build_cells(scen.raw, [], [("sides.defender.supply_range", 10)], "clear", "random", None)[0]
    assert got.raw == cell.doc and got.sha256 == real(copy.deepcopy(cell.doc)).sha256


def test_build_cells_validates_any_document_other_than_the_checked_one() -> None:
    doc = short_shusha_doc(4)
    checked = copy.deepcopy(doc)
    with pytest.raises(B.BatchError, match="scenario invalid after overrides"):
        B.build_cells(doc, [], [("turns", 0)], checked=checked)


def test_with_overrides_errors_are_unchanged() -> None:
    scen = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    with pytest.raises(ScenarioError) as e:
        B.with_overrides(scen, ["turns=0"], "shusha")
    assert e.value.source == "shusha with --set" and any("turns" in p for p in e.value.problems)
    with pytest.raises(B.BatchError, match=re.escape("--weather clear and --set weather.mode")):
        B.with_overrides(scen, ["weather.mode=fog"], "shusha", weather="clear")
    with pytest.raises(B.BatchError, match="given twice"):
        B.with_overrides(scen, ["sides.defender.supply_range=10", "sides.defender.supply_range=12"], "shusha")
