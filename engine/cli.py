"""The `wargame` command: validate, run, batch, report, play, replay.

User mistakes (bad files, bad options) print a clear message and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from engine.errors import WargameError
from engine.fileio import unwritable


class _HelpShownAsFlag:
    """Typer shows its own `--help` as `--help <bool>`, which reads as taking a value (`--help true`)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class _Group(_HelpShownAsFlag, typer.core.TyperGroup):
    pass


class _Command(_HelpShownAsFlag, typer.core.TyperCommand):
    pass


class _Typer(typer.Typer):
    """Every subcommand, wherever it is registered (cli_batch, ui.cli), gets the `--help` shown as a flag."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or _Command, **kwargs)


app = _Typer(cls=_Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
             help="Turn-based hex wargame engine. First scenario: Shusha, 28 Oct – 9 Nov 2020.")
console = Console()
err = Console(stderr=True)


def version_text() -> str:
    """The package version (what pip installed) and the engine version (what results, saves and logs record)."""
    from importlib.metadata import PackageNotFoundError, version

    from engine.rules import ENGINE_VERSION

    try:
        package = version("wargame")
    except PackageNotFoundError:
        package = "(not installed)"
    return f"wargame {package}, engine {ENGINE_VERSION} (the engine version is the one results, saves and logs record)"


def _print_version(value: bool) -> None:
    if value:
        console.print(version_text(), highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the wargame package and engine versions and exit", metavar="")] = False,
) -> None:
    """Turn-based hex wargame engine. First scenario: Shusha, 28 Oct – 9 Nov 2020."""


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)  # ([col, row] is text)
    raise typer.Exit(code)


def load_or_exit(path: Path) -> Any:
    from engine.scenario import load_scenario

    try:
        return load_scenario(path)
    except WargameError as e:
        fail(not_a_scenario(path) or str(e))


def not_a_scenario(path: Path) -> str | None:
    """For a file refused as a scenario: a one-line message when it is a save or an event log instead (the
    commands that read those), else None: a save is one JSON object with `save_format`, an event log's first
    line is its GameStarted event."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    doc = None
    for candidate in (text, text.split("\n", 1)[0]):  # (an event log is JSON lines: its first line alone)
        try:
            doc = json.loads(candidate)
            break
        except (ValueError, RecursionError):
            continue
    if not isinstance(doc, dict):
        return None
    if "save_format" in doc:
        return (f"{path} looks like a save file, not a scenario: continue the game with `wargame play --load "
                f"{path}`, or step through it with `wargame replay {path}`")
    if doc.get("kind") == "GameStarted":
        return (f"{path} looks like an event log, not a scenario: step through it with `wargame replay {path} "
                "--scenario SCENARIO`")
    return None


def agent_problem(name: str) -> str | None:
    """Why the agent `name` cannot be made (`engine.ai.base.agent_class`: an import path is imported), or None."""
    from engine.ai.base import agent_class

    try:
        agent_class(name)
    except ValueError as e:
        return str(e)
    return None


def replaced_input(path: Path, scenario: Path, overwrite: bool) -> str | None:
    """Why the output file `path` must not be written: it is the scenario file (never replaced), or an existing
    file and no `overwrite` (as `wargame batch` does for --csv). A device or pipe (/dev/null) is fine."""
    import os
    import stat

    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None  # (nothing there yet)
    if not stat.S_ISREG(mode):
        return None
    try:
        same = os.path.samefile(path, scenario)
    except (OSError, ValueError):
        same = False
    if same:
        return "is the scenario file itself; give another file name"
    if not overwrite:
        return "exists already and would be replaced; give another file name, or add --overwrite to replace it"
    return None


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario JSON file")]) -> None:
    """Check a scenario file and list every problem with its JSON path."""
    scen = load_or_exit(scenario)
    console.print(f"[green]OK[/] {scenario}: {scen.meta.name} — {scen.map.cols}×{scen.map.rows} hexes, "
                  f"{len(scen.units)} units, {scen.turns} turns (sha256 {scen.sha256[:12]}, of its canonical JSON: "
                  "not the file's bytes that sha256sum reads)")
    for line in schedule_warnings(scen) + doctrine_warnings(scen) + map_warnings(scen):  # (accepted; said here)
        err.print(f"[bold yellow]warning:[/] {escape(line)}", highlight=False, soft_wrap=True)


@app.command(short_help="List a scenario's unit types and their values.")
def types(scenario: Annotated[Path, typer.Argument(help="Scenario JSON file")]) -> None:
    """The scenario's unit types with their values, its overrides included (range, move points, fire,
    protection, vision, detection, air defence; the drones' flight limits), and how many units of each it has."""
    from engine.units import AIR_TYPE_COLUMNS, GROUND_TYPE_COLUMNS, type_rows

    scen = load_or_exit(scenario)
    counts: dict[str, int] = {}
    for u in scen.units:
        if u.present:
            counts[u.type] = counts.get(u.type, 0) + 1
    ground, air = type_rows(scen.unit_table)
    for title, head, rows in (("Ground unit types", GROUND_TYPE_COLUMNS, ground),
                              ("Air unit types (they fly from their base: no move points)", AIR_TYPE_COLUMNS, air)):
        wide = Table(title=f"{title} of {escape(scen.meta.name)}", show_lines=False)
        for col in ("units", *head):
            wide.add_column(col, overflow="fold")
        for r in rows:
            wide.add_row(str(counts.get(r[0], 0)), *(escape(x) for x in r))
        # (wider than the terminal, it folded its words: "protecti|on"; at 80 columns 2-3 letters a column)
        needs = Measurement.get(console, console.options.update_width(10**5), wide).maximum  # (unclamped)
        if needs > console.width:  # one small table a type, a row a value
            console.print(f"[bold]{title} of {escape(scen.meta.name)}[/]", highlight=False)
            for r in rows:
                t = Table(title=escape(r[0]), show_header=False, title_justify="left")
                t.add_column("")
                t.add_column("", overflow="fold")
                for col, value in zip(("units", *head[1:]), (str(counts.get(r[0], 0)), *r[1:]), strict=True):
                    t.add_row(col, escape(value))
                console.print(t)
            continue
        console.print(wide)
    console.print("units: how many of the type the scenario's order of battle has (present); MP: move points a "
                  "turn; range: indirect fire, in hexes; radius: how far from its base a drone flies, in hexes",
                  highlight=False)


def map_warnings(scen: Any) -> list[str]:
    """What a scenario author most likely did not mean, though the game can be played: objective hexes none of
    the attacker's ground units can enter, or in the attacker's no-go areas (an author's objective on a lake
    validated, and every game was a defender win nobody could avoid), and two places of one name (the log and the
    map name hexes by them)."""
    out = []
    mobs = sorted({scen.unit_table[u.type].mobility for u in scen.units
                   if u.side == "attacker" and scen.unit_table[u.type].domain == "ground"})
    rows = scen.map.terrain
    for k, obj in enumerate(scen.objectives):
        if obj.controller != "defender":
            continue
        for j, (c, r) in enumerate(obj.hexes):
            ter = scen.terrain_table[rows[r][c]]
            if mobs and all(ter.move_cost.get(m) is None for m in mobs):
                out.append(f"$.objectives[{k}].hexes[{j}]: [{c}, {r}] is {ter.name}, which none of the attacker's "
                           f"ground units ({', '.join(mobs)}) can enter: the attacker can never hold {obj.name}")
            area = next((a for a in scen.sides["attacker"].no_go if a.contains((c, r))), None) \
                if "attacker" in scen.sides else None
            if area is not None:  # (a reviewer: the same dead end, by another road)
                out.append(f"$.objectives[{k}].hexes[{j}]: [{c}, {r}] lies in the attacker's no-go area "
                           f"{area.name!r}: the attacker can never hold {obj.name}")
    first: dict[str, int] = {}
    for i, pl in enumerate(scen.map.places):
        if pl.name in first:
            out.append(f"$.map.places[{i}].name: {pl.name!r} again (first at places[{first[pl.name]}]); the map and "
                       "the log name hexes by their places, so two of one name read as one")
        else:
            first[pl.name] = i
    return out


def doctrine_warnings(scen: Any) -> list[str]:
    """AI parameters the scenario's rules make idle: `fire_on_suspected` with `combat.suspected_fire` off plays
    exactly the default game (the rules refuse every such mission), which a study would read as "no effect"."""
    out = []
    for side in sorted(scen.sides):
        if scen.sides[side].agent_params.get("fire_on_suspected") and not scen.combat.suspected_fire:
            out.append(f"$.sides.{side}.agent_params.fire_on_suspected: true, but $.combat.suspected_fire is false: "
                       "the rules refuse fire on suspected positions, so this side never fires one")
    return out


def schedule_warnings(scen: Any) -> list[str]:
    """Weather schedule entries the game never plays (after its last turn, or all of them in a mode that plays a
    preset: `engine.scenario.unused_schedule_warnings`): a shortened copy's are meant, a scenario file's are more
    likely a typo (turn 72 for 12) or a `turns` left too low."""
    from engine.scenario import unused_schedule_warnings

    out = []
    late = [(i, e.turn) for i, e in enumerate(scen.weather.schedule) if e.turn > scen.turns]
    if late:
        shown = ", ".join(f"schedule[{i}] turn {t}" for i, t in late[:5]) + (" …" if len(late) > 5 else "")
        out.append(f"$.weather.schedule: {len(late)} entr{'y' if len(late) == 1 else 'ies'} after the last turn "
                   f"({scen.turns}) will not be played: {shown}")
    given = {e.turn for e in scen.weather.schedule}
    gaps = [t for t in range(1, scen.turns + 1) if t not in given]
    if scen.weather.schedule and gaps and scen.weather.mode not in ("historical", "stochastic"):
        # (`weather.schedule` fills a gap with 3000 m, 20 km, dry: the check that refuses it runs for those modes)
        out.append(f"$.weather.schedule: no entry for turn{'' if len(gaps) == 1 else 's'} "
                   f"{', '.join(map(str, gaps[:10]))}{' …' if len(gaps) > 10 else ''}: --weather historical or "
                   "stochastic would play them at 3000 m, 20 km, dry")
    return out + unused_schedule_warnings(scen)


AGENT_HELP = ("Agent: doctrine, random or passive, or the import path of your own agent class, "
              "package.module:ClassName (importable: installed or on PYTHONPATH; default: the scenario's)")


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario JSON file")],
    seed: Annotated[int, typer.Option(help="Game seed (non-negative integer)")] = 0,
    attacker: Annotated[str | None, typer.Option(help=AGENT_HELP)] = None,
    defender: Annotated[str | None, typer.Option(help=AGENT_HELP)] = None,
    weather: Annotated[str | None, typer.Option(
        help="Weather mode: historical, stochastic, clear, overcast or fog")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the score record as one JSON object",
                                          metavar="")] = False,
    log: Annotated[Path | None, typer.Option(
        help="Write the event log as JSON lines to this file; - writes it to stdout (the summary then goes to "
             "stderr)")] = None,
    save: Annotated[Path | None, typer.Option(
        help="Write a save/replay file (scenario + seed + orders); - writes it to stdout (the summary then goes to "
             "stderr)")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Print every event (phases in which nothing happened left out; to stderr when stdout "
        "carries --json or --log -), each after its turn and its replay step: 'T15 #323' is what `wargame replay "
        "SAVE --step 323` shows, SAVE from --save", metavar="")] = False,
    attacker_lead: Annotated[str | None, typer.Option(
        help="Doctrine attacker: sf (special forces infiltrate first) or mech (mechanised units first)")] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Scenario override PATH=VALUE, e.g. units.az_sf_1.strength=3 (repeatable)")] = None,
    strict_agents: Annotated[bool, typer.Option(
        "--strict-agents", help="Stop with an error at an agent's first refused order (illegal, or more than "
                                "engine.game.MAX_ORDERS_PER_PHASE in a phase). Without it the phase is ended for "
                                "the agent and the refusals are counted in a warning", metavar="")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an existing --log or --save file (without it, one is refused before the game; "
                            "the scenario file itself is never replaced)", metavar="")] = False,
) -> None:
    """Play one headless game AI vs AI and print a summary.

    Output files (--log, --save) are checked before the game is played and written whole or not at all; an
    existing file is replaced only with --overwrite, and never the scenario itself."""
    from engine.batch import LEADS, empty_agent_option
    from engine.errors import IllegalOrder
    from engine.events import jsonl_text, write_jsonl
    from engine.game import play_game
    from engine.savegame import save_game, save_text

    log_to_stdout = log is not None and str(log) == "-"
    save_to_stdout = save is not None and str(save) == "-"
    on_stdout = [opt for opt, yes in (("--log -", log_to_stdout), ("--save -", save_to_stdout), ("--json", as_json))
                 if yes]
    if len(on_stdout) > 1:
        fail(f"{' and '.join(on_stdout)} would all write to stdout; keep one there and write the others to files "
             f"(--log game.jsonl, --save game.save.json), or drop them")
    outputs = [(opt, path) for opt, path in (("--log", None if log_to_stdout else log),
                                             ("--save", None if save_to_stdout else save)) if path]
    for opt, path in outputs:
        if why := unwritable(path):
            fail(f"cannot write {opt} {path}: {why}")
    if len(outputs) == 2 and outputs[0][1].resolve() == outputs[1][1].resolve():
        fail(f"--log and --save name the same file ({log}); give each its own")
    for opt, path in outputs:
        if why := replaced_input(path, scenario, overwrite):
            fail(f"{opt} {path} {why}")
    for opt, value in (("--attacker", attacker), ("--defender", defender)):
        if why := empty_agent_option(opt, value):
            fail(why)
    if attacker_lead is not None and attacker_lead not in LEADS:
        fail(f"--attacker-lead must be {' or '.join(LEADS)}, got {attacker_lead!r}")
    scen = load_or_exit(scenario)
    if set_ or attacker or defender:  # (the agents are written into the document, as a batch's cell does)
        from engine.batch import with_overrides

        try:
            scen = with_overrides(scen, set_, str(scenario), weather, attacker, defender)
        except WargameError as e:
            fail(str(e))
    if seed < 0:
        fail(f"--seed must be a non-negative integer, got {seed}")
    agents = {k: v for k, v in (("attacker", attacker), ("defender", defender)) if v}
    for side in ("attacker", "defender"):  # (the scenario's own agent named by import path: imported here first)
        if side not in agents and (why := agent_problem(scen.sides[side].agent)):
            fail(f"{scenario}: $.sides.{side}.agent: {why}")
    if attacker_lead and (attacker or scen.sides["attacker"].agent) != "doctrine":
        fail(f"--attacker-lead is an option of the doctrine attacker; the attacker here is "
             f"{attacker or scen.sides['attacker'].agent!r}")
    params = {"attacker": {"lead": attacker_lead}} if attacker_lead else None
    try:
        state = play_game(scen, seed, agents=agents, weather_mode=weather, agent_params=params, strict=strict_agents)
    except IllegalOrder as e:  # (--strict-agents: the agent's order, not the user's options)
        fail(f"--strict-agents: an agent's order was refused: {e}", 1)
    except (ValueError, WargameError) as e:
        fail(str(e))
    problems = []  # (both files are tried: a save that could be written is not lost to a failed log)
    for opt, path, write in (("--log", None if log_to_stdout else log, lambda p: write_jsonl(state.log, str(p))),
                             ("--save", None if save_to_stdout else save, lambda p: save_game(state, p))):
        if path:
            try:
                write(path)
            except OSError as e:
                problems.append(f"cannot write {opt} {path}: {e.strerror or e}")
    if log_to_stdout:  # (before a failed file is reported: what stdout carries is not lost with it)
        _write_stdout(jsonl_text(state.log))
    if save_to_stdout:
        _write_stdout(save_text(state))
    if problems:  # (checked before the game: this is the disk filling up, or the folder changing meanwhile)
        fail("; ".join(problems) + " (the game was played; nothing half-written was left)", 1)
    if as_json:
        from engine.game import game_agent_settings, suspected_fire_sides

        names, resolved = game_agent_settings(scen, agents, params)  # (as `play_game` resolved them)
        # (as the batch records it per cell: a side that could not fire on suspected positions has 0 missions, and
        # the 0 alone does not say "off")
        could = suspected_fire_sides(bool(scen.combat.suspected_fire), names, resolved)
        _write_stdout(json.dumps({**score_row(state), "suspected_fire_sides": could}, sort_keys=True) + "\n")
    text = err if on_stdout else console  # (stdout carries only the machine-readable output)
    for line in refusal_warnings(state):  # (on stderr: the game was played, but not as the agent meant)
        err.print(f"[bold yellow]warning:[/] {escape(line)}", highlight=False, soft_wrap=True)
    if verbose:
        from engine.events import without_empty_phases
        from engine.savegame import log_steps

        steps = log_steps(state)
        width = len(str(len(state.orders)))
        # phases in which nothing happened left out; escaped: modifier lists are in [brackets]; one line each
        for k, ev in without_empty_phases(list(enumerate(state.log))):
            text.print(f"[dim]T{ev.turn:>2} #{steps[k]:<{width}}[/] {escape(ev.text())}", highlight=False,
                       soft_wrap=True)
            for line in ev.details():
                text.print(f"      {escape(line)}", highlight=False, soft_wrap=True)
    if not as_json:
        print_summary(state, text)


def _write_stdout(text: str) -> None:
    """Write machine-readable output to stdout; a reader that went away (`| head`) ends the command quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        try:  # (so that Python's own flush at exit does not complain either)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise typer.Exit(1) from None


def refusal_warnings(state: Any) -> list[str]:
    """One line per side whose agent had orders refused (`engine.game.agent_refusals`): the game went on, its
    phase ended for it each time, so a weak-looking agent may be a broken one."""
    from engine.game import MAX_ORDERS_PER_PHASE, agent_refusals

    lines = []
    for side, got in agent_refusals(state).items():
        what = []
        if got.get("illegal"):
            n = got["illegal"]
            what.append(f"{n} illegal order{'' if n == 1 else 's'} refused")
        if got.get("order_cap"):
            n = got["order_cap"]
            what.append(f"{n} phase{'' if n == 1 else 's'} cut at {MAX_ORDERS_PER_PHASE} orders")
        if what:
            lines.append(f"the {side} agent ({(state.agents or {}).get(side, '?')}) had {' and '.join(what)}; the "
                         f"driver ended its phase each time (last: {got.get('last', '?')}). --strict-agents stops "
                         "at the first instead")
    return lines


def score_row(state: Any) -> dict[str, Any]:
    """The score record plus what identifies the game (seed, scenario hash, engine version, agents)."""
    from engine.rules import ENGINE_VERSION

    return {
        "scenario": state.scenario.meta.name,
        "scenario_sha256": state.scenario.sha256,
        "engine_version": ENGINE_VERSION,
        "seed": state.seed,
        "weather_mode": state.weather_mode,
        "agents": state.agents,
        **state.score.to_dict(),
    }


def print_summary(state: Any, console: Console = console) -> None:
    from engine.debrief import debrief_rows, key_moments, measure_lines, record_lines, why_lines

    sc = state.score
    console.rule(f"{state.scenario.meta.name} — seed {state.seed}")
    measures = measure_lines(state)
    if measures:  # (a lesson's point first: two lessons show it in losses, not in who wins)
        console.print("[bold]What the lesson measures, this game:[/]", highlight=False)
        for line in measures:
            console.print(f"  {escape(line)}", highlight=False)
    colour = "red" if sc.winner == "attacker" else "blue"
    head, *rest = key_moments(state)
    console.print(f"[bold {colour}]{escape(head)}[/]", highlight=False)
    for line in rest:
        console.print(escape(line), highlight=False)
    for line in why_lines(state):  # (what each side paid, in words: the table below has every row)
        console.print(escape(line), highlight=False)
    beside = record_lines(state)
    if beside:
        console.print("[bold]This game beside the record:[/]", highlight=False)
        for line in beside:
            console.print(f"  {escape(line)}", highlight=False)
    t = Table(title="Losses and activity")
    t.add_column("")
    t.add_column("attacker", justify="right")
    t.add_column("defender", justify="right")
    for label, a, d in debrief_rows(state):
        t.add_row(label, str(a), str(d))
    console.print(t)


DEFAULT_FIDELITY_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "shusha_1120.json"
"""The Shusha scenario of this wargame checkout: `wargame fidelity` checks it wherever it is run from."""


@app.command(short_help="Check the model against the historical record.")
def fidelity(
    scenario: Annotated[Path | None, typer.Argument(
        help="Scenario JSON file (default: the Shusha scenario that comes with wargame, "
             "scenarios/shusha_1120.json beside its engine folder, wherever the command is run from)",
        show_default=False)] = None,
    out: Annotated[Path, typer.Option(help="Report folder (README.md, PNG plots, results.json, data/)")] = Path(
        "fidelity_report"),
    games: Annotated[int, typer.Option(help="Games in the historical cell")] = 1000,
    counterfactual_games: Annotated[int, typer.Option(help="Games in each counterfactual cell")] = 300,
    seed: Annotated[int, typer.Option(help="Base seed")] = 1,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores)")] = None,
    resume: Annotated[bool, typer.Option(
        help="Reuse the finished cells of an earlier run in --out (same options) and complete its interrupted "
             "ones", metavar="")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Start over: play every cell again, replacing the results of an earlier run in --out. "
                            "Without --resume or --overwrite, an --out holding cells is refused", metavar="")] = False,
) -> None:
    """Check the model against the record: historical cell + counterfactuals, report with intervals and plots."""
    import os

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from engine.batch import BatchAborted, BatchError
    from engine.fidelity import cell_batches, check_out, run_fidelity, write_report

    if scenario is None:
        scenario = DEFAULT_FIDELITY_SCENARIO
        if not scenario.is_file():
            fail(f"no scenario given, and the default one ({scenario}) is not installed here; give a SCENARIO file")
    scen = load_or_exit(scenario)
    if games < 2 or counterfactual_games < 2:
        fail("--games and --counterfactual-games must be at least 2")
    if seed < 0:
        fail(f"--seed must be a non-negative integer, got {seed}")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    n_workers = workers or os.cpu_count() or 1
    command = (f"wargame fidelity {scenario} --out {out} --games {games} "
               f"--counterfactual-games {counterfactual_games} --seed {seed}")
    try:  # (before any game: a typo in --out, or results of an earlier run, cost nothing)
        check_out(out, cell_batches(scen, str(scenario), games, counterfactual_games, seed, command), resume,
                  overwrite)
    except WargameError as e:
        fail(str(e))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err) as bar:
        tasks: dict[str, Any] = {}

        def progress(name: str, advance: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], advance=advance)

        try:
            res = run_fidelity(scen, str(scenario), out, games, counterfactual_games, seed, n_workers, resume,
                               command, progress, overwrite=overwrite)
        except (BatchError, WargameError) as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail(f"interrupted; finished cells are kept in {out / 'data'}. Resume with: {command} --resume", 130)
        except BatchAborted as e:
            fail(f"{e.message}; finished cells are kept in {out / 'data'}. Resume with: {command} --resume", e.code)
        except OSError as e:
            fail(f"cannot write in --out {out}: {e.strerror or e}; finished cells are kept in {out / 'data'}. "
                 f"Resume with: {command} --resume", 1)
    try:
        report = write_report(res, out, scen)
    except OSError as e:
        fail(f"cannot write the report in --out {out}: {e.strerror or e}; the cells are kept in {out / 'data'}. "
             f"Write it with: {command} --resume", 1)
    t = Table(title="Calibration against the record")
    t.add_column("target")
    t.add_column("measured")
    t.add_column("holds")
    for c in res["checks"]:
        t.add_row(c["target"], c["measured"], "[green]yes[/]" if c["holds"] else "[red]no[/]")
    console.print(t)
    console.print(f"report: {report}")


def _register_optional() -> None:
    """Subcommands owned by other modules (batch/report, play/replay); each imports its heavy parts lazily."""
    from engine import cli_batch

    cli_batch.register(app, fail)
    try:
        from ui import cli as ui_cli
    except ImportError:  # pragma: no cover - ui is part of the package
        return
    ui_cli.register(app, fail)


_register_optional()


def main() -> None:  # pragma: no cover
    app()
