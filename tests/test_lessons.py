"""The teaching scenarios (`scenarios/lessons/`, described in `docs/lessons.md`) still teach what they say.

Every lesson compares two (or three) variants of one small battle. Each test plays the variants over a fixed
set of seeds with `engine.game.play_game` and checks that the effect the lesson text promises shows in the
score records and event logs, with margins wide enough for the dice but far narrower than the effect: if a
rule change breaks a lesson (ambushes no longer fire, cliffs stop mattering, drones fly under low cloud,
supply ignores a cut road), one of these fails. The variants are built with the same override code as
`wargame run --set` / `wargame batch --sweep set:...`, from the commands quoted in the lesson texts.
"""

from __future__ import annotations

import copy
import html
import importlib.util
import itertools
import json
import os
import re
import statistics
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.batch import apply_override, parse_sweep, with_overrides
from engine.combat import assault_odds
from engine.game import play_game
from engine.movement import reach
from engine.orders import EndPhase
from engine.rules import apply, new_game
from engine.scenario import Scenario, load_scenario, scenario_from_dict
from engine.units import DEFAULT_UNIT_TYPES
from engine.weather import flight_check, weather_schedule

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "scenarios" / "lessons"
FILES = sorted(p.name for p in LESSONS.glob("*.json"))

GORGE_CLOSED = 'sides.attacker.no_go=[{"name":"Gorge closed","from":[3,4],"to":[10,6]}]'
NORTH_PASS = "sides.defender.supply_sources=[[0,5],[11,0]]"


@cache
def lesson(name: str, *sets: str) -> Scenario:
    """A lesson file with `--set PATH=VALUE` overrides applied (the code path of `wargame run --set`)."""
    scen = load_scenario(LESSONS / name)
    return with_overrides(scen, sets, name) if sets else scen


def play(scen: Scenario, n: int, weather: str | None = None) -> list[Any]:
    return [play_game(scen, seed, weather_mode=weather) for seed in range(n)]


def mean(states: list[Any], f: Any) -> float:
    return statistics.mean(f(st.score) for st in states)


def loss(side: str, cause: str) -> Any:
    return lambda sc: sc.losses_by_cause[side].get(cause, 0)


def total_lost(side: str) -> Any:
    return lambda sc: sum(sc.steps_lost[side].values())


def win(sc: Any) -> float:
    return 1.0 if sc.winner == "attacker" else 0.0


def fire_results(ev: Any) -> list[Any]:
    out = []
    for name in ("fire", "attacker_fire", "defender_fire"):
        v = getattr(ev, name, None)
        if v is not None:
            out.extend(v if isinstance(v, list) else [v])
    return out


# ============================================================================================ files
def test_every_lesson_file_validates_and_is_small() -> None:
    from engine.cli import app

    assert {"ambush.json", "cliff_below.json", "cliff_ridge.json", "drones.json", "supply.json"} <= set(FILES)
    runner = CliRunner()
    for name in FILES:
        res = runner.invoke(app, ["validate", str(LESSONS / name)])
        assert res.exit_code == 0, (name, res.output)
        scen = load_scenario(LESSONS / name)
        assert len(scen.meta.lesson) >= 3, name
        assert 12 <= scen.map.cols <= 16 and 10 <= scen.map.rows <= 12, name
        assert 4 <= scen.turns <= 8, name
        assert sorted(e.turn for e in scen.weather.schedule) == list(range(1, scen.turns + 1)), name
        assert scen.victory.road_watch is not None, name
        assert len(scen.units) <= 12, name


def test_lesson_files_are_what_the_builder_writes() -> None:
    """`scenarios/lessons/build_lessons.py` is the source: a hand edit of a JSON file would be lost."""
    spec = importlib.util.spec_from_file_location("build_lessons", LESSONS / "build_lessons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    built = mod.build()
    assert sorted(built) == FILES
    for name, doc in built.items():
        assert json.loads((LESSONS / name).read_text(encoding="utf-8")) == doc, f"{name}: run build_lessons.py"


def test_the_builder_reads_its_options_and_checks_without_writing(tmp_path, monkeypatch, capsys) -> None:
    """A teacher's `build_lessons.py --help` rewrote every lesson file (the script ignored unknown options)."""
    spec = importlib.util.spec_from_file_location("build_lessons_help", LESSONS / "build_lessons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "OUT", tmp_path)
    with pytest.raises(SystemExit) as e:
        mod.main(["--help"])
    assert e.value.code == 0 and "--check" in capsys.readouterr().out and not list(tmp_path.iterdir())
    assert mod.main(["--check"]) == 1 and not list(tmp_path.iterdir())
    assert "differ from the script: " in capsys.readouterr().out
    assert mod.main([]) == 0 and sorted(q.name for q in tmp_path.iterdir()) == FILES
    assert mod.main(["--check"]) == 0


def marked(name: str) -> list[str]:
    """The spans a lesson's text marks as code (between backticks: what the lesson window shows in a code font)."""
    from ui.panels import code_spans

    return [piece for para in load_scenario(LESSONS / name).meta.lesson for piece, code in code_spans(para) if code]


def test_commands_in_the_lesson_texts_work() -> None:
    """Every command a lesson marks names an existing lesson (`play`: its own), and its `--set` and `--sweep set:`
    options, and those marked alone, apply cleanly to its scenario."""
    import shlex

    n_checked = 0
    for name in FILES:
        scen = load_scenario(LESSONS / name)
        for span in marked(name):
            words = shlex.split(span)
            if words[0] == "wargame":
                assert words[1] in ("run", "batch", "play", "report"), (name, span)
                if words[1] != "report":
                    target = Path(words[2]).name
                    assert (LESSONS / target).exists() and words[2].startswith("scenarios/lessons/"), (name, span)
                    # "in the game, play ..." opens this lesson, not another (cliff_ridge.json named cliff_below.json)
                    assert words[1] != "play" or target == name, (name, span)
            for opt, value in itertools.pairwise(words):
                if opt == "--set":
                    lesson(name, value)
                    n_checked += 1
                elif opt == "--sweep" and value.startswith("set:"):
                    key, values = parse_sweep(value)
                    for v in values:
                        doc = copy.deepcopy(scen.raw)
                        apply_override(doc, key[4:], v)
                        scenario_from_dict(doc)
                        n_checked += 1
                elif opt == "--sweep":
                    parse_sweep(value)
    assert n_checked >= 8


@pytest.mark.parametrize("name", FILES)
def test_every_command_in_a_lesson_is_marked(name: str) -> None:
    """The lesson window shows exactly the backticked spans in a code font: a command, an option or a Parquet
    column written without its backticks would read as prose (and the test above would not try it)."""
    from ui.panels import code_spans

    scen = load_scenario(LESSONS / name)
    prose = " ".join(piece for para in scen.meta.lesson for piece, code in code_spans(para) if not code)
    assert "`" not in prose, name  # (an unmatched backtick)
    for u in scen.units:  # (unit ids in the log lines a lesson quotes, 'red_sf_1 moves ...', are prose)
        prose = re.sub(rf"\b{re.escape(u.id)}\b", "UNIT", prose)
    for pattern in (r"\bwargame (run|batch|play|report)\b", r"(^|\s|\()--?[a-z]", r"\b\w+\.(json|parquet|png)\b",
                    r"\b[a-z]+_[a-z_]+\b"):
        found = re.search(pattern, prose)
        assert found is None, (name, pattern, prose[max(0, found.start() - 40):found.end() + 40])
    spans = marked(name)
    assert spans and all(s.startswith(("wargame ", "-")) or re.fullmatch(r"[\w./]+", s) for s in spans), spans


def test_the_maps_are_said_to_be_invented() -> None:
    """The places are made up: the game (name: window title, panel, lesson window, the log's first line), the
    description, the sources and the lesson text all say so."""
    for name in FILES:
        meta = load_scenario(LESSONS / name).meta
        assert "(invented map)" in meta.name, name
        assert "invented teaching map" in meta.description.lower(), name
        assert "invented teaching map" in meta.sources[0].lower(), name
        assert "an invented map:" in meta.lesson[0].lower(), name


def _daytime_weather_by_date(scen: Scenario, mode: str = "historical") -> dict[Any, Any]:
    turns = weather_schedule(scen, mode, None)
    return {scen.turn_start(w.turn).date(): w for w in turns if scen.turn_start(w.turn).hour == 6}


def test_the_lessons_show_the_record_s_weather_on_the_same_dates() -> None:
    """Same date, same weather in every lesson (the ambush, cliff and supply lessons had clear skies on the days
    the drones lesson had low cloud), and on each date armed drones fly or are grounded as in the daytime turn
    of the main scenario, which follows the record: low cloud 3-7 Nov 2020."""
    main = _daytime_weather_by_date(load_scenario(ROOT / "scenarios" / "shusha_1120.json"))
    armed = [t for t in DEFAULT_UNIT_TYPES.values() if t.air_role in ("strike", "loiter")]
    seen: dict[Any, Any] = {}
    for name in FILES:
        scen = load_scenario(LESSONS / name)
        assert scen.weather.mode == "historical", name  # the file's own schedule
        for day, w in _daytime_weather_by_date(scen).items():
            key = (w.ceiling_m, w.visibility_km, w.fog, w.precipitation)
            assert seen.setdefault(day, key) == key, (name, day)
            assert w.fog == "none" and w.visibility_km >= 3, (name, day)  # ground observers see their 3 hexes
            assert day in main, (name, day)
            for t in armed:
                assert (flight_check(t, w) is None) == (flight_check(t, main[day]) is None), (name, day, t.name)
    low_cloud = [day for day, (c, *_) in seen.items() if c < 1000]
    assert len(low_cloud) >= 5 and min(seen) == min(low_cloud)


@pytest.mark.parametrize("name", ["ambush.json", "cliff_below.json", "cliff_ridge.json", "supply.json"])
def test_the_weather_changes_nothing_in_the_lessons_without_aircraft(name) -> None:
    """Their texts say so: under the file's low cloud and under a clear sky they are the same games."""
    scen = lesson(name)
    assert not any(scen.unit_table[u.type].domain == "air" for u in scen.units)
    for seed in range(15):
        assert play_game(scen, seed).score.to_dict() == play_game(scen, seed, weather_mode="clear").score.to_dict()


# ============================================================================================ 1 ambush
def test_ambush_the_gorge_costs_the_column_what_the_road_does_not() -> None:
    gorge = play(lesson("ambush.json"), 40)
    road = play(lesson("ambush.json", GORGE_CLOSED), 40)
    amb_gorge = mean(gorge, loss("attacker", "ambush"))
    amb_road = mean(road, loss("attacker", "ambush"))
    # measured over these seeds: gorge ~2.0 steps lost to ambush per game, road 0
    assert amb_road == 0 and all(st.score.ambushes_sprung["defender"] == 0 for st in road)
    assert amb_gorge >= 1.0 and amb_gorge > amb_road + 1.0
    assert mean(gorge, lambda sc: sc.ambushes_sprung["defender"]) >= 0.8
    # the whole column pays for it: total attacker losses gorge ~3.9, road ~1.5
    assert mean(gorge, total_lost("attacker")) > mean(road, total_lost("attacker")) + 1.0
    # the ambush fires with the ravine's bonus and the blind-vehicles bonus the lesson names
    ev = next(e for st in gorge for e in st.log if e.kind == "AmbushSprung")
    mods = {m.source: m.value for m in ev.fire.modifiers}
    assert mods.get("ravine ambush") == 2 and mods.get("vehicles blind in ravine") == 2, mods


# ============================================================================================ 2 cliff
def _odds(name: str, attacker_hex: tuple[int, int], target_hex: tuple[int, int]) -> tuple[Any, list[Any]]:
    st = new_game(lesson(name), 1)
    a = next(u for u in st.units if u.side == 0 and st.map.hex_of(u.idx) == attacker_hex)
    return assault_odds(st, a, st.map.idx(target_hex))


def test_cliff_assault_odds_from_below_and_along_the_ridge() -> None:
    """Exact: the odds preview is the resolution's distribution."""
    below_a, below_d = _odds("cliff_below.json", (5, 5), (6, 4))
    ridge_a, ridge_d = _odds("cliff_ridge.json", (7, 4), (6, 4))
    assert {m.source: m.value for m in below_a.modifiers} == {"target in town": -2, "assaulting up a cliff": -2}
    assert {m.source: m.value for m in below_d[0].modifiers} == {"cliff: firing down": 2}
    assert {m.source: m.value for m in ridge_a.modifiers} == {"target in town": -2}
    assert ridge_d[0].modifiers == ()
    assert (below_a.p_hit, below_d[0].p_hit) == (0.1, 0.5)
    assert (ridge_a.p_hit, ridge_d[0].p_hit) == (0.3, 0.3)
    # expected steps: from below 0.3 inflicted for 1.5 suffered; along the ridge 0.9 for 0.9
    below_ratio = below_a.expected_losses / sum(d.expected_losses for d in below_d)
    ridge_ratio = ridge_a.expected_losses / sum(d.expected_losses for d in ridge_d)
    assert below_ratio == pytest.approx(0.2) and ridge_ratio == pytest.approx(1.0)


def test_cliff_batch_the_ridge_wins_the_cliff_bleeds() -> None:
    below = play(lesson("cliff_below.json"), 40)
    ridge = play(lesson("cliff_ridge.json"), 40)
    # measured over these seeds: attacker wins 0% from below, ~70% along the ridge
    assert mean(below, win) <= 0.1
    assert mean(ridge, win) >= mean(below, win) + 0.4
    # from below the special forces lose ~7.9 steps for ~0.7 blue steps; along the ridge ~4.8 for ~5.6
    assert mean(ridge, total_lost("defender")) > mean(below, total_lost("defender")) + 2.5
    assert mean(below, loss("attacker", "assault")) > mean(ridge, loss("attacker", "assault")) + 1.0
    assert all(st.score.assaults["attacker"] > 0 for st in below)  # they do attack from below


# ============================================================================================ 3 drones
RED_AIR_NEEDS = {"red_tb2": 1200, "red_harop": 1000, "red_orbiter": 800}
"""Red's drones and the cloud base each needs (m): the TB2, the Harop and the Orbiter (the main scenario's)."""


def _air_status(st: Any, side: str) -> list[Any]:
    return [e for e in st.log if e.kind == "AirStatus" and e.side == side]


def _drone_spotted(st: Any) -> list[Any]:
    """Blue's artillery missions spotted by its recon drone."""
    return [e for e in st.log if e.kind == "ArtilleryFired" and e.side == "defender" and e.spotter == "recon drone"]


def test_drones_the_low_flying_recon_drone_is_the_defender_s() -> None:
    """At Shusha the defenders' Orlan-10 flew under the clouds; the attacker's Orbiter did not (the main
    scenario's unit type `orbiter` needs an 800 m cloud base). The lesson had given red the Orlan-class drone
    (the engine's `recon_drone`, 150 m) and labelled it so on a red unit."""
    scen = lesson("drones.json")
    main = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    table = scen.unit_table
    units = {u.id: u for u in scen.units}
    red_air = sorted(u.id for u in scen.units if u.side == "attacker" and table[u.type].domain == "air")
    blue_air = [u.id for u in scen.units if u.side == "defender" and table[u.type].domain == "air"]
    assert red_air == sorted(RED_AIR_NEEDS) and blue_air == ["blue_orlan"]
    orbiter = table[units["red_orbiter"].type]
    assert orbiter.air_role == "recon" and orbiter.min_ceiling_m == main.unit_table["orbiter"].min_ceiling_m == 800
    assert "Orbiter" in orbiter.label and "Orlan" not in orbiter.label
    assert not any("Orlan" in table[units[i].type].label for i in red_air)
    orlan = table[units["blue_orlan"].type]
    assert orlan.air_role == "recon" and "Orlan" in orlan.label
    assert {i: table[units[i].type].min_ceiling_m for i in red_air} == RED_AIR_NEEDS
    # on every day of the file's low cloud every red drone is grounded and the Orlan flies
    for w in weather_schedule(scen, "historical", None):
        assert all(flight_check(table[units[i].type], w) is not None for i in red_air), w
        assert flight_check(orlan, w) is None, w
    assert not any(table[u.type].indirect for u in scen.units if u.side == "attacker")  # no red guns


def test_drones_low_cloud_grounds_red_s_drones_while_blue_s_orlan_spots_for_its_guns() -> None:
    cloud = play(lesson("drones.json"), 30)  # the file's own schedule: five days of low cloud
    for st in cloud:
        # every red drone grounded every turn, each with the cloud base it needs; nothing red flies
        red = _air_status(st, "attacker")
        assert len(red) == 3 * st.turn and all(e.grounded for e in red), st.seed
        for e in red:
            assert re.search(rf"cloud base \d+ m < {RED_AIR_NEEDS[e.unit]} m needed", e.reason), e.reason
        assert st.score.drone_sorties_flown["attacker"] == 0 and st.score.recon_sorties["attacker"] == 0
        # the Orlan flies every turn and blue's guns fire on what it finds
        blue = _air_status(st, "defender")
        assert [e.unit for e in blue] == ["blue_orlan"] * st.turn and not any(e.grounded for e in blue)
        assert st.score.recon_sorties["defender"] == st.turn, st.seed
        assert st.score.drone_spotted_missions["defender"] >= 1, st.seed
        assert st.score.losses_by_cause["defender"].get("drone", 0) == 0
    adjusted = [m for st in cloud for e in _drone_spotted(st) for f in e.fire for m in f.modifiers
                if m.source == "fire adjusted by recon drone"]
    assert len(adjusted) == sum(len(e.fire) for st in cloud for e in _drone_spotted(st)) > 0
    assert all(m.value == 1 for m in adjusted)
    # ... and hit red: measured (200 games) 4.0 drone-spotted missions and 3.0 red steps lost to them a game
    assert mean(cloud, lambda sc: sc.drone_spotted_missions["defender"]) >= 3
    hits = [sum(f.losses for e in _drone_spotted(st) for f in e.fire) for st in cloud]
    assert statistics.mean(hits) >= 2 and sum(h > 0 for h in hits) >= 0.8 * len(hits)


def test_drones_a_clear_sky_lets_red_s_armed_drones_hunt_and_fog_grounds_even_the_orlan() -> None:
    scen = lesson("drones.json")
    cloud, clear, fog = play(scen, 30), play(scen, 30, weather="clear"), play(scen, 30, weather="fog")
    # clear sky: the same turns, red's drones all fly, the armed ones strike blue's tanks, BMPs and guns
    assert all(not e.grounded for st in clear for e in _air_status(st, "attacker"))
    assert mean(clear, lambda sc: sc.drone_sorties_flown["attacker"]) >= 4  # measured ~7.4
    assert mean(clear, lambda sc: sc.recon_sorties["attacker"]) >= 4  # the Orbiter: measured ~5
    assert mean(clear, loss("defender", "drone")) >= 2.5  # measured ~4.8
    struck = {f.target for st in clear for e in st.log if e.kind == "DroneStrike" for f in e.fire if f.losses}
    assert {"blue_tank", "blue_how"} <= struck
    assert mean(clear, total_lost("defender")) > mean(cloud, total_lost("defender")) + 3
    # thick fog grounds every drone, the Orlan too: no drone-spotted fire, and blue's guns hit red less
    for st in fog:
        orlan = [e for e in _air_status(st, "defender") if e.unit == "blue_orlan"]
        assert orlan and all(e.grounded and "thick fog" in e.reason for e in orlan)
        assert all(e.grounded for e in _air_status(st, "attacker"))
        assert st.score.recon_sorties["defender"] == st.score.recon_sorties["attacker"] == 0
        assert st.score.drone_spotted_missions["defender"] == 0
    assert mean(cloud, loss("attacker", "artillery")) > mean(fog, loss("attacker", "artillery")) + 0.5


# ============================================================================================ 4 supply
def _supply_stats(states: list[Any]) -> dict[str, float]:
    oos_turns, oos_fire, pass_cut = [], [], 0
    for st in states:
        reports = [e for e in st.log if e.kind == "SupplyReport" and e.side == "defender"]
        oos_turns.append(sum(len(e.out_of_supply) for e in reports))
        pass_cut += sum("blue_pass" in e.out_of_supply for e in reports)
        oos_fire.append(sum(1 for e in st.log for f in fire_results(e)
                            if st.unit(f.firer).side == 1
                            and any(m.source == "out of supply" for m in f.modifiers)))
    return {"oos_unit_turns": statistics.mean(oos_turns), "oos_fire": statistics.mean(oos_fire),
            "pass_post_cut": pass_cut}


def test_supply_cutting_the_single_road_starves_the_town() -> None:
    single = play(lesson("supply.json"), 40)
    two = play(lesson("supply.json", NORTH_PASS), 40)
    s1, s2 = _supply_stats(single), _supply_stats(two)
    # the doctrine special forces cut the watched road in (nearly) every game, in both variants
    assert mean(single, lambda sc: sc.road_cut_turn is not None) >= 0.8
    assert mean(two, lambda sc: sc.road_cut_turn is not None) >= 0.8
    # single road: the units east of the cut go out of supply (measured ~19 unit-turns a game) and their
    # fire carries "out of supply -1" (~10 fire results a game); the road post west of the cut never does
    assert s1["oos_unit_turns"] >= 6 and s1["oos_fire"] >= 3
    assert s1["pass_post_cut"] == 0
    # the north pass open: the same cut starves nobody
    assert s2["oos_unit_turns"] <= 1 and s2["oos_fire"] <= 1
    assert s1["oos_unit_turns"] > s2["oos_unit_turns"] + 5
    # porters over the mountains: a supply range of 40 gets round the block (20 does not)
    far = _supply_stats(play(lesson("supply.json", "sides.defender.supply_range=40"), 20))
    assert far["oos_unit_turns"] <= 1
    starved = next(e for st in single for e in st.log if e.kind == "SupplyReport" and e.side == "defender"
                   and e.out_of_supply)
    assert {"blue_inf_1", "blue_mech"} <= set(starved.out_of_supply)


# ============================================================================================ UI
def test_lesson_window_opens_at_start_and_with_l() -> None:
    import pygame

    from ui.app import App

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 800))
    app = App(new_game(lesson("ambush.json"), 1), {1}, size=(1280, 800))
    turn, n_log = app.state.turn, len(app.state.log)
    app.update()  # the main loop updates before its first render, which opens the window: the AI waits already
    assert len(app.state.log) == n_log and app.state.turn == turn
    app.render(screen)
    assert app.show_lesson and app.lesson_win is not None and app.lesson_win.alive()
    app.update()
    assert len(app.state.log) == n_log and app.state.turn == turn  # the AI waits while the lesson is open
    app.on_key(pygame.K_ESCAPE, 0)
    app.render(screen)
    assert not app.show_lesson and app.lesson_win is None
    app.on_key(pygame.K_l, 0)
    app.render(screen)
    assert app.lesson_win is not None and app.lesson_win.alive()
    app.on_key(pygame.K_l, 0)
    app.render(screen)
    assert app.lesson_win is None
    # a scenario without a lesson: no window at the start (`wargame play` opens a new game's briefing), L opens
    # the briefing with how to win (a player's review: the victory conditions were written nowhere)
    from engine.rules import victory_conditions

    shusha = load_scenario(ROOT / "scenarios" / "shusha_1120.json")
    app2 = App(new_game(shusha, 1), {1}, size=(1280, 800))
    app2.render(screen)
    assert not app2.show_lesson and app2.lesson_win is None
    app2.on_key(pygame.K_l, 0)
    app2.render(screen)
    assert app2.lesson_win is not None and app2.lesson_win.alive()
    from ui import panels

    text = panels.lesson_html(shusha)
    assert shusha.meta.briefing[0][:40] in text and "Victory: the attacker wins as soon as it holds all 7 hexes" \
        in victory_conditions(shusha) and html.escape(victory_conditions(shusha)) in text


@pytest.mark.parametrize("name", ["ambush.json", "cliff_ridge.json", "drones.json"])
def test_lesson_window_fits_its_text(name) -> None:
    """At 1600×1000 the window was 800 px tall whatever the lesson, half of it empty: it is as tall as its
    text (with a little margin), and the text needs no scroll bar."""
    import pygame

    from ui.app import App

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1600, 1000))
    app = App(new_game(lesson(name), 1), {1}, size=(1600, 1000))
    app.render(screen)
    win = app.lesson_win
    box = next(iter(win.get_container().elements))
    assert box.scroll_bar is None
    text_bottom = box.text_box_layout.layout_rows[-1].bottom
    assert text_bottom <= box.rect.height < text_bottom + 120


# ---------------------------------------------------------------------------------------------------------------------
# Lesson 5, ground conditions (`scenarios/lessons/ground.json`): snow on the climb decides who reaches the pass
# first. The file is the builder's, its ground table is the Shusha scenario's, the move-cost arithmetic the lesson
# text quotes holds exactly, and over fixed seeds the snow makes red late and loses it the game.

GROUND = LESSONS / "ground.json"
PASS = (6, 3)
DRY = "weather_movement={}"
MORE_LEGS = 'unit_types={"special_forces":{"move_points":4}}'


@cache
def ground_lesson(*sets: str) -> Scenario:
    scen = load_scenario(GROUND)
    return with_overrides(scen, sets, "ground.json") if sets else scen


def first_on(st: Any, side: str, h: tuple[int, int] = PASS) -> int | None:
    """The turn a unit of `side` first stands on `h`, by a move or an assault's advance (as measure_lessons.py)."""
    return next((e.turn for e in st.log if (e.kind == "UnitMoved" and e.side == side and tuple(e.path[-1]) == h)
                 or (e.kind == "ControlChanged" and e.side == side and tuple(e.hex) == h)), None)


@cache
def games(*sets: str, weather: str | None = None, n: int = 20) -> tuple[Any, ...]:
    return tuple(play_game(ground_lesson(*sets), seed, weather_mode=weather) for seed in range(n))


def test_ground_file_validates_and_is_what_the_builder_writes() -> None:
    from engine.cli import app

    res = CliRunner().invoke(app, ["validate", str(GROUND)])
    assert res.exit_code == 0, res.output
    spec = importlib.util.spec_from_file_location("build_lessons_s28", LESSONS / "build_lessons.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert json.loads(GROUND.read_text(encoding="utf-8")) == mod.build()["ground.json"]
    scen = ground_lesson()
    assert scen.meta.name.startswith("Lesson 5 (invented map): ")
    assert [w.precipitation for w in scen.weather.schedule] == ["rain", "snow", "none", "rain", "none"]
    assert all(scen.turn_start(t).hour == 6 for t in range(1, scen.turns + 1))  # daylight turns


def test_ground_table_is_the_shusha_scenario_s() -> None:
    """The lesson says its snow is the main scenario's: the same `weather_movement` table, unchanged."""
    main = json.loads((ROOT / "scenarios" / "shusha_1120.json").read_text(encoding="utf-8"))
    assert ground_lesson().raw["weather_movement"] == main["weather_movement"]


def _turn2_red_reach(*sets: str) -> dict[tuple[int, int], float]:
    """Red group 1's reach in red's movement phase of turn 2 (4 Nov, snow in the file), from (5,5), where turn 1's
    climb leaves it, before blue's reserve has come up."""
    doc = copy.deepcopy(ground_lesson(*sets).raw)
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
        assert play_game(ground_lesson(DRY), seed).score.to_dict() == \
            play_game(ground_lesson(), seed, weather_mode="clear").score.to_dict()
    legs = games(MORE_LEGS, n=10)
    assert sum(first_on(st, "attacker") == 2 for st in legs) >= 8


def test_ground_lesson_window_fits_its_text() -> None:
    import pygame

    from ui.app import App

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1600, 1000))
    app = App(new_game(ground_lesson(), 1), {1}, size=(1600, 1000))
    app.render(screen)
    box = next(iter(app.lesson_win.get_container().elements))
    assert box.scroll_bar is None
