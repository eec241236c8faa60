"""An analyst's review (session 34) of `wargame report`: a sweep whose cells played the very same games said nothing
of it ("+0 pts [-1, +1]" for a drone ceiling the scenario's fog made moot), and summary.csv's `_vs_cell0_ci` was the
unpaired interval for the win rate but the paired one for the fire missions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from engine import batch as B
from engine import report as R

AMBUSH = Path(__file__).resolve().parents[1] / "scenarios" / "lessons" / "ambush.json"


def play(out: Path, sweep: str, common: bool = True, games: int = 6) -> Path:
    spec = B.BatchSpec(str(AMBUSH), json.loads(AMBUSH.read_text()), games, 7, sweeps=[B.parse_sweep(sweep)],
                       common_seeds=common)
    B.run_batch(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def moot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A unit's display name swept: nothing in any game changes."""
    return play(tmp_path_factory.mktemp("moot") / "r.parquet", "set:units.red_mr_1.name=First,Other,Third")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The garrison's strength swept on common seeds: the games differ."""
    return play(tmp_path_factory.mktemp("real") / "r.parquet", "set:units.blue_gar.strength=1,3")


def test_cells_that_played_the_very_games_of_the_baseline_are_named_in_a_warning(moot: Path, tmp_path: Path) -> None:
    s = R.summarize(moot)
    assert len(s.cells) == 3
    warned = [w for w in s.warnings if "played the very games of cell 0" in w]
    assert len(warned) == 1 and "cell 1" in warned[0] and "cell 2" in warned[0]
    assert "made no difference" in warned[0]
    R.write_report(s, tmp_path / "rep")
    assert "played the very games of cell 0" in (tmp_path / "rep" / "report.md").read_text()


def test_the_warning_follows_the_baseline(moot: Path) -> None:
    s = R.summarize(moot, baseline=2)
    warned = [w for w in s.warnings if "played the very games" in w]
    assert len(warned) == 1 and "of cell 2" in warned[0] and "cell 0" in warned[0] and "cell 1" in warned[0]


def test_cells_whose_games_differ_get_no_such_warning(real: Path) -> None:
    s = R.summarize(real)
    assert R.cells_paired(s)  # (common seeds: the cells pair)
    assert not [w for w in s.warnings if "played the very games" in w]


def test_cells_on_other_seeds_are_never_called_the_same(tmp_path: Path) -> None:
    s = R.summarize(play(tmp_path / "r.parquet", "set:units.red_mr_1.name=First,Other", common=False))
    assert not R.cells_paired(s)
    assert not [w for w in s.warnings if "played the very games" in w]


def test_every_plain_vs_cell0_interval_is_unpaired_and_the_paired_ones_say_so(real: Path, tmp_path: Path) -> None:
    s = R.summarize(real)
    R.write_report(s, tmp_path / "rep")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rep" / "summary.csv").read_text())))
    row = rows[1]
    assert row["paired_vs_cell0"] == "True"
    base, c = s.cells
    unpaired = R.cell_difference(base, c, None)["missions"]["artillery_missions_attacker"]
    paired = R.cell_difference(base, c, R.cells_paired(s)[1])["missions"]["artillery_missions_attacker"]
    assert float(row["artillery_missions_attacker_vs_cell0_ci_low"]) == pytest.approx(unpaired[1])
    assert float(row["artillery_missions_attacker_vs_cell0_paired_ci_low"]) == pytest.approx(paired[1])
    unpaired_win = R.cell_difference(base, c, None)["win"]
    assert float(row["wins_vs_cell0_ci_low"]) == pytest.approx(unpaired_win[1])
    intervals = json.loads((tmp_path / "rep" / "summary.json").read_text())["intervals"]
    assert "artillery_missions_<side>_vs_cell0_paired_ci" in intervals
    assert "_vs_cell0_ci, _vs_cell0_paired_ci" in intervals


def test_a_batch_whose_cells_do_not_pair_has_no_paired_keys(tmp_path: Path) -> None:
    s = R.summarize(play(tmp_path / "r.parquet", "set:units.blue_gar.strength=1,3", common=False))
    R.write_report(s, tmp_path / "rep")
    head = (tmp_path / "rep" / "summary.csv").read_text().splitlines()[0]
    assert "_paired" not in head and "artillery_missions_attacker_vs_cell0_ci_low" in head


def test_wargame_batch_says_the_warning_under_its_table(tmp_path: Path) -> None:
    from test_batch_cell_labels_and_seeds import cli, flat

    code, out = cli("batch", str(AMBUSH), "--games", "4", "--seed", "3", "--common-seeds", "--workers", "1",
                    "--sweep", "set:units.red_mr_1.name=A,B", "--out", str(tmp_path / "r.parquet"))
    assert code == 0
    assert "warning: cell 1 (red_mr_1.name=B) played the very games of cell 0" in flat(out)


def test_the_win_rate_plot_says_when_the_cells_pair(real: Path, tmp_path: Path, monkeypatch) -> None:
    import matplotlib.pyplot as plt

    drawn = []
    monkeypatch.setattr(R, "save_figure", lambda fig, path: drawn.append(fig))
    unpaired = play(tmp_path / "u.parquet", "set:units.blue_gar.strength=1,3", common=False)
    for path, paired in ((real, True), (unpaired, False)):
        R.plot_win_rate(R.summarize(path), tmp_path / "w.png")
        title = " ".join(ax.get_title() for ax in drawn[-1].axes)
        assert ("the cells played the same seeds" in title) is paired, title
    plt.close("all")
