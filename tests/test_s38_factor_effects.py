"""Session 38 (an analyst's review, last session): `wargame report --by KEY`, one factor's effect on the win rate
at each level of the other sweep keys, and the interaction (the difference of those effects)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from test_batch_cell_labels_and_seeds import cli, flat

from engine import batch as B
from engine import report as R
from engine.factor_effects import effect_rows, factor_effects, resolve_factor
from engine.stats import paired_t_difference

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"
SWEEPS = ["set:units.blue_gar.strength=1,3", "set:units.red_mr_1.strength=1,3"]


def play(out: Path, common_seeds: bool) -> Path:
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 12, 3,
                       sweeps=[B.parse_sweep(s) for s in SWEEPS], common_seeds=common_seeds)
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("s38by")
    return {"common": play(d / "common.parquet", True), "plain": play(d / "plain.parquet", False)}


def test_the_factor_is_named_as_the_labels_name_it(files) -> None:
    s = R.summarize(files["common"])
    key = "set:units.blue_gar.strength"
    assert resolve_factor(s, key) == resolve_factor(s, "units.blue_gar.strength") == key
    assert resolve_factor(s, R.short_labels(s.sweep_keys)[key]) == key
    with pytest.raises(R.ReportError, match=r"--by weather: not a sweep key of common\.parquet; its sweep keys: "):
        resolve_factor(s, "weather")


def _attacker_won(c: R.CellStats) -> dict[int, int]:
    return {g: int(r.winner == "attacker") for g, r in c.games.items()}


def test_each_row_holds_the_factor_at_one_level_of_the_other(files) -> None:
    s = R.summarize(files["common"])
    fx = factor_effects(s, "set:units.blue_gar.strength")
    assert fx.levels == [1, 3] and len(fx.rows) == 2
    for row in fx.rows:
        a, b = row.cells
        assert a.params["set:units.red_mr_1.strength"] == b.params["set:units.red_mr_1.strength"]
        assert (a.params["set:units.blue_gar.strength"], b.params["set:units.blue_gar.strength"]) == (1, 3)
        want = R.cell_difference(a, b, R.paired_games(a, b))
        assert row.effects[0]["paired"] and row.effects[0]["win"] == want["win"]
    # the interaction, by hand: per game, (win at 3 - win at 1) in row 2 minus the same in row 1, paired t
    (c00, c01), (c10, c11) = (row.cells for row in fx.rows)
    w = [_attacker_won(c) for c in (c00, c01, c10, c11)]
    games = sorted(w[0])
    want = paired_t_difference([w[1][g] - w[0][g] for g in games], [w[3][g] - w[2][g] for g in games])
    got, paired = fx.rows[1].interactions[0]
    assert paired and got == pytest.approx(want)
    # the interaction does not depend on which factor the table is by
    other = factor_effects(s, "set:units.red_mr_1.strength")
    assert other.rows[1].interactions[0][0] == pytest.approx(got)
    head, rows = effect_rows(fx)
    assert head[0] == "red_mr_1.strength" and rows[0][0] == "1" and rows[1][0] == "3"
    assert rows[0][-1] == "(row 1)" and rows[1][-1] == R.fmt_pts_difference(got, paired=True)
    k = c00.attacker_wins
    assert rows[0][1] == f"{R.pct(k / c00.decided)}% ({k}/{c00.decided})"


def test_unpaired_cells_add_the_two_intervals_in_quadrature(files) -> None:
    s = R.summarize(files["plain"])
    fx = factor_effects(s, "blue_gar.strength")
    assert not any(e["paired"] for row in fx.rows for e in row.effects)
    (d0, lo0, hi0), (d1, lo1, hi1) = (row.effects[0]["win"] for row in fx.rows)
    (d, lo, hi), paired = fx.rows[1].interactions[0]
    half = 1.959963984540054 * math.hypot((hi0 - lo0) / 3.919927969080108, (hi1 - lo1) / 3.919927969080108)
    assert not paired and d == pytest.approx(d1 - d0)
    assert (lo, hi) == pytest.approx((max(-2.0, d - half), min(2.0, d + half)))


def test_report_by_prints_writes_and_refuses(files, tmp_path) -> None:
    rep = tmp_path / "rep"
    code, text = cli("report", str(files["common"]), "--out", str(rep), "--by", "blue_gar.strength", "--html")
    assert code == 0, text
    assert "Effect of blue_gar.strength on the attacker's win rate at each level of red_mr_1.strength" in flat(text)
    md = (rep / "report.md").read_text()
    assert "## Effect of blue_gar.strength on the attacker's win rate at each level of red_mr_1.strength" in md
    assert "'vs row 1': this row's difference minus the first row's" in md
    page = (rep / "report.html").read_text()
    assert "<h2>Effect of blue_gar.strength on the attacker&#x27;s win rate at each level of red_mr_1.strength</h2>" \
        in page and "(row 1)</td>" in page
    got = json.loads((rep / "summary.json").read_text())["effects_by"]
    assert [e["factor"] for e in got] == ["set:units.blue_gar.strength"] and got[0]["levels"] == [1, 3]
    assert got[0]["rows"][0]["others"] == {"set:units.red_mr_1.strength": 1}
    assert got[0]["rows"][0]["vs_first_row"] is None and got[0]["rows"][1]["vs_first_row"][0]["paired"] is True
    code, text = cli("report", str(files["common"]), "--out", str(rep), "--by", "nonsense")
    assert code == 2 and "--by nonsense: not a sweep key of common.parquet" in flat(text)
    assert "Traceback" not in text


def test_cells_that_played_each_others_games_are_named_wherever_they_are(tmp_path) -> None:
    """An analyst's sweep of the cloud base crossed with the TB2's strength: at each ceiling that grounds the TB2 the
    two strengths played the same games, and only the pair with cell 0 was named; the --by table read "+0 pts
    [-1, +1]" with no word of why."""
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), 5, 3, common_seeds=True,
                       sweeps=[B.parse_sweep("set:meta.description=x,y"),
                               B.parse_sweep("set:units.blue_gar.strength=1,3")])
    out = B.run_batch(spec, tmp_path / "same.parquet", workers=1).out
    s = R.summarize(out)
    assert [[c.cell for c in g] for g in R.same_games_groups(s)] == [[0, 2], [1, 3]]
    assert sum("played the very games of cell 0" in w for w in s.warnings) == 1
    other = [w for w in s.warnings if "played the very same games as each other" in w]
    assert len(other) == 1 and other[0].startswith("cell 1 (description=x, blue_gar.strength=3) and cell 3 ")
    head, rows = effect_rows(factor_effects(s, "description"))
    assert [r[head.index("y vs x")] for r in rows] == ["same games", "same games"]
    head, rows = effect_rows(factor_effects(s, "blue_gar.strength"))
    assert "same games" not in rows[0] and "same games" not in rows[1]


def _cell(k: int, params: dict, wins: list[bool], seeds: list[int] | None = None) -> R.CellStats:
    c = R.CellStats(k, f"cell {k}", params, n=len(wins), attacker_wins=sum(wins), defender_wins=len(wins) - sum(wins))
    seeds = seeds if seeds is not None else list(range(len(wins)))
    c.games = {g: R.GameRow(seeds[g], "attacker" if w else "defender", None, 0, 0) for g, w in enumerate(wins)}
    return c


def _summary(cells: list[R.CellStats], keys: list[str]) -> R.Summary:
    return R.Summary(Path("grid.parquet"), cells, {}, keys)


def test_by_edge_cases_a_reviewer_found() -> None:
    """Every game's contrast the same gave a t interval of no width ("+100 [+100, +100]" from 6 games); two cells with
    the same sweep values were dropped without a word; a name matching two keys read "not a sweep key"; a first
    row with a cell missing left every interaction empty."""
    keys = ["set:a.x", "set:b.y"]
    yes, no = [True] * 6, [False] * 6
    cells = [_cell(0, {"set:a.x": 1, "set:b.y": 1}, no), _cell(1, {"set:a.x": 2, "set:b.y": 1}, no),
             _cell(2, {"set:a.x": 1, "set:b.y": 2}, no), _cell(3, {"set:a.x": 2, "set:b.y": 2}, yes)]
    fx = factor_effects(_summary(cells, keys), "a.x")
    (d, lo, hi), paired = fx.rows[1].interactions[0]
    assert d == pytest.approx(1.0) and lo < hi and not paired  # (the approximation, not a zero-width t interval)
    with pytest.raises(R.ReportError, match="cells 0 and 4 have the same sweep values"):
        factor_effects(_summary([*cells, _cell(4, {"set:a.x": 1, "set:b.y": 1}, yes)], keys), "a.x")
    with pytest.raises(R.ReportError, match="names 2 sweep keys"):
        resolve_factor(_summary(cells, ["set:a.z", "set:b.z"]), "z")
    # the first row without a cell at the first level: the first complete row is the reference, listed first
    partial = [_cell(1, {"set:a.x": 2, "set:b.y": 1}, no), *cells[2:],
               _cell(5, {"set:a.x": 1, "set:b.y": 3}, no), _cell(6, {"set:a.x": 2, "set:b.y": 3}, yes)]
    fx = factor_effects(_summary(partial, keys), "a.x")
    assert [r.others for r in fx.rows] == [["2"], ["1"], ["3"]]
    assert fx.rows[1].interactions == [None] and fx.rows[2].interactions[0] is not None
    # levels in the sweep's own order (the file's metadata), not the first cell's
    s = _summary(cells, keys)
    s.meta = {"batch": {"sweeps": [["set:a.x", [2, 1]], ["set:b.y", [1, 2]]]}}
    assert factor_effects(s, "a.x").levels == [2, 1]
