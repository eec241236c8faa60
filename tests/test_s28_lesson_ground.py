"""Lesson 5, ground conditions (`scenarios/lessons/ground.json`): snow on the climb decides who reaches the pass
first. The file is the builder's, its ground table is the Shusha scenario's, the move-cost arithmetic the lesson
text quotes holds exactly, and over fixed seeds the snow makes red late and loses it the game."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import statistics
from functools import cache
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from typer.testing import CliRunner

from engine.batch import with_overrides
from engine.game import play_game
from engine.movement import reach
from engine.orders import EndPhase
from engine.rules import apply, new_game
from engine.scenario import Scenario, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "scenarios" / "lessons"
GROUND = LESSONS / "ground.json"
PASS = (6, 3)
DRY = "weather_movement={}"
MORE_LEGS = 'unit_types={"special_forces":{"move_points":4}}'


@cache
def lesson(*sets: str) -> Scenario:
    scen = load_scenario(GROUND)
    return with_overrides(scen, sets, "ground.json") if sets else scen


def first_on(st: Any, side: str, h: tuple[int, int] = PASS) -> int | None:
    """The turn a unit of `side` first stands on `h`, by a move or an assault's advance (as measure_lessons.py)."""
    return next((e.turn for e in st.log if (e.kind == "UnitMoved" and e.side == side and tuple(e.path[-1]) == h)
                 or (e.kind == "ControlChanged" and e.side == side and tuple(e.hex) == h)), None)


@cache
def games(*sets: str, weather: str | None = None, n: int = 20) -> tuple[Any, ...]:
    return tuple(play_game(lesson(*sets), seed, weather_mode=weather) for seed in range(n))


def test_ground_file_validates_and_is_what_the_builder_writes() -> None:
    from engine.cli import app

    res = CliRunner().invoke(app, ["validate", str(GROUND)])
    assert res.exit_code == 0, res.output
    spec = importlib.util.spec_from_file_location("build_lessons_s28", LESSONS / "build_lessons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert json.loads(GROUND.read_text(encoding="utf-8")) == mod.build()["ground.json"]
    scen = lesson()
    assert scen.meta.name.startswith("Lesson 5 (invented map): ")
    assert [w.precipitation for w in scen.weather.schedule] == ["rain", "snow", "none", "rain", "none"]
    assert all(scen.turn_start(t).hour == 6 for t in range(1, scen.turns + 1))  # daylight turns


def test_ground_table_is_the_shusha_scenario_s() -> None:
    """The lesson says its snow is the main scenario's: the same `weather_movement` table, unchanged."""
    main = json.loads((ROOT / "scenarios" / "shusha_1120.json").read_text(encoding="utf-8"))
    assert lesson().raw["weather_movement"] == main["weather_movement"]


def _turn2_red_reach(*sets: str) -> dict[tuple[int, int], float]:
    """Red group 1's reach in red's movement phase of turn 2 (4 Nov, snow in the file), from (5,5), where turn 1's
    climb leaves it, before blue's reserve has come up."""
    doc = copy.deepcopy(lesson(*sets).raw)
    for u in doc["units"]:
        if u["id"].startswith("red_sf"):
            u["hex"] = [5, 5]
    st = new_game(scenario_from_dict(doc, source="test"), 1)
    while not (st.turn == 2 and st.side == 0 and st.phase == "movement"):
        apply(st, EndPhase(st.side_name))
    assert st.weather.precipitation == "snow"
    tree = reach(st, st.unit("red_sf_1")).tree
    return {st.map.hex_of(i): cost for i, (cost, _) in tree.items()}


def test_ground_snow_keeps_the_climb_one_hex_short_of_the_pass() -> None:
    """The lesson's arithmetic, exactly: hills 1.5 MP dry, 1.875 in snow; at 3 MP two hexes fit dry, one in snow."""
    snow, dry = _turn2_red_reach(), _turn2_red_reach(DRY)
    assert snow[(6, 4)] == 1.875 and PASS not in snow
    assert dry[(6, 4)] == 1.5 and dry[PASS] == 3.0
    legs = _turn2_red_reach(MORE_LEGS)  # "What to try": 4 MP, the snow no longer decides the race
    assert legs[PASS] == 3.75


def test_ground_snow_makes_red_late_and_flips_the_game() -> None:
    """Measured over 200 games (measure_lessons.py ground): red first on the pass on turn 2 in every dry game, never
    in snow (blue's reserve is there on turn 2 in every snow game); red wins 95 % dry, 20 % in snow."""
    snow, dry = games(), games(DRY)
    red_snow = [first_on(st, "attacker") for st in snow]
    red_dry = [first_on(st, "attacker") for st in dry]
    later = sum(d is not None and (s is None or s > d) for s, d in zip(red_snow, red_dry, strict=True))
    assert later >= 0.8 * len(snow), (red_snow, red_dry)
    assert sum(t == 2 for t in red_dry) >= 0.8 * len(dry)
    assert not any(t == 2 for t in red_snow)
    assert sum(first_on(st, "defender") == 2 for st in snow) >= 0.8 * len(snow)

    def wins(states: tuple[Any, ...]) -> float:
        return statistics.mean(st.score.winner == "attacker" for st in states)

    assert wins(dry) >= 0.75 and wins(snow) <= 0.45 and wins(dry) >= wins(snow) + 0.4


def test_ground_weather_clear_plays_the_dry_games_and_more_legs_win_the_race() -> None:
    """The lesson text: `--weather clear` plays the same games here as dry ground (nothing flies), and special
    forces with 4 MP reach the pass on turn 2 through the snow."""
    for seed in range(5):
        assert play_game(lesson(DRY), seed).score.to_dict() == \
            play_game(lesson(), seed, weather_mode="clear").score.to_dict()
    legs = games(MORE_LEGS, n=10)
    assert sum(first_on(st, "attacker") == 2 for st in legs) >= 8


def test_ground_lesson_window_fits_its_text() -> None:
    import pygame

    from ui.app import App

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1600, 1000))
    app = App(new_game(lesson(), 1), {1}, size=(1600, 1000))
    app.render(screen)
    box = next(iter(app.lesson_win.get_container().elements))
    assert box.scroll_bar is None
