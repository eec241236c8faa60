"""`wargame batch` and `wargame report`."""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

AGENT_CHOICES = ("doctrine, random or passive, or the import path of your own agent class, package.module:ClassName "
                 "(every worker must be able to import it: local workers get this process's sys.path; on Dask "
                 "install it on the workers or put its folder on their PYTHONPATH)")


def register(app: typer.Typer, fail: Callable[..., None]) -> None:
    @app.command(short_help="Play many headless games (a sweep grid; in parallel, or on Dask).")
    def batch(
        ctx: typer.Context,
        scenario: Annotated[Path, typer.Argument(help="Scenario JSON file")],
        games: Annotated[int, typer.Option(help="Games per cell")] = 100,
        seed: Annotated[int, typer.Option(
            help="Base seed; game g of cell k plays a seed derived from (seed, k, g), with --common-seeds from (seed, "
                 "g): the same --seed replays the same games (docs/engine_api.md)")] = 0,
        out: Annotated[Path, typer.Option(help="Results Parquet file")] = Path("results.parquet"),
        workers: Annotated[int | None, typer.Option(
            help="Parallel worker processes: this machine's pool or a --scheduler local cluster (default: all "
                 "cores; 1 = in this process); refused with a remote --scheduler")] = None,
        sweep: Annotated[list[str] | None, typer.Option(
            help="KEY=V1,V2,... one grid axis: weather, attacker_agent, defender_agent (doctrine, random, "
                 "passive or package.module:ClassName), attacker_lead, or set:PATH (repeatable; e.g. "
                 "set:weather.cloud_base_m=150,800,1200 sweeps the cloud base alone)")] = None,
        set_: Annotated[list[str] | None, typer.Option(
            "--set", help="PATH=VALUE override in the scenario document, e.g. units.az_sf_1.strength=3 "
                          "(repeatable)")] = None,
        weather: Annotated[str | None, typer.Option(
            help="Weather mode for every cell: historical, stochastic, clear, overcast or fog")] = None,
        attacker: Annotated[str | None, typer.Option(help="Attacker agent for every cell: " + AGENT_CHOICES)] = None,
        defender: Annotated[str | None, typer.Option(help="Defender agent for every cell: " + AGENT_CHOICES)] = None,
        scheduler: Annotated[str | None, typer.Option(
            help="Run on Dask: tcp://HOST:PORT of a scheduler (its workers play the games: each needs this wargame "
                 "installed, the same version and code, numpy and Python version; the scenario is sent to them, "
                 "and the event logs of --logs come back here), or 'local' for a LocalCluster of --workers "
                 "processes")] = None,
        chunk: Annotated[int | None, typer.Option(help="Games per task (default: up to 25)")] = None,
        resume: Annotated[bool, typer.Option(
            "--resume", help="Complete the unfinished batch of --out (kept in <out>.parts by an interrupted run; "
                             "same options): its finished games are kept, the others played. A batch already "
                             "finished in --out is left as it is", metavar="")] = False,
        overwrite: Annotated[bool, typer.Option(
            "--overwrite", help="Start over: discard the unfinished batch of --out (the parts and manifest in "
                                "<out>.parts) and replace the results already in --out (and, with --turns, its "
                                "per-turn file; without --turns an old per-turn file is left as it is, and the "
                                "batch says so). With --logs, remove the event logs the replaced batch of this "
                                "--out wrote there. Without it none of these is ever replaced", metavar="")] = False,
        csv: Annotated[Path | None, typer.Option(
            help="Also write a CSV copy of the results (one row per game, as in --out; the per-turn rows of "
                 "--turns stay in Parquet only). An existing file is replaced only with --overwrite or "
                 "--resume")] = None,
        logs: Annotated[Path | None, typer.Option(
            help="Folder (created if missing) for every game's event log: one JSON-lines file per game, "
                 "cellCCCC-gameGGGGGG-seedS.jsonl; the folder's .wargame-batch.json says which batch wrote them. "
                 "A folder holding such files of another batch is refused, unless they are those of the batch of "
                 "this --out that --overwrite replaces (they are removed, no other file). It costs time: a Shusha "
                 "game's log is ~170 KB of JSON, encoded and synced to disk, 10-30 ms a game (one worker's batch "
                 "ran ~40% slower with it)")] = None,
        turns: Annotated[bool, typer.Option(
            "--turns", help="Also write <out stem>.turns.parquet next to --out (r.parquet -> r.turns.parquet): one "
                            "row per game per turn played, read from its event log (objective hexes held, road "
                            "cut, steps lost so far, units out of supply, armed-drone sorties, weather); `wargame "
                            "report` then plots the objective by turn. Columns: docs/engine_api.md",
            metavar="")] = False,
        common_seeds: Annotated[bool, typer.Option(
            "--common-seeds", help="Every cell plays the same seeds (game g of each cell the same seed: cell 0's "
                                   "seeds without this option), so that cells differ by their settings, not by "
                                   "their dice alone; `wargame report` then compares them game by game "
                                   "(paired). Default: each cell its own seeds", metavar="")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar", metavar="")] = False,
    ) -> None:
        """Play many headless games (optionally a sweep grid) in parallel; write one row per game."""
        from rich.console import Console

        from engine import batch as B
        from engine.scenario import load_scenario

        console = Console(stderr=True)
        try:
            scen = load_scenario(scenario)
        except B.WargameError as e:
            from engine.cli import not_a_scenario

            fail(not_a_scenario(scenario) or str(e))
        if scheduler is not None and not scheduler.strip():  # (an unset $SCHED in a script: it ran here, silently)
            fail("--scheduler is empty: give tcp://HOST:PORT of a Dask scheduler or 'local', or leave --scheduler "
                 "out to play on this machine's processes")
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        if n_workers < 1:
            fail(f"--workers must be at least 1, got {n_workers}")
        if workers is not None and scheduler not in (None, "local"):  # (it would be ignored: the cluster's count)
            fail(f"--workers {workers} with --scheduler {scheduler}: the cluster's workers play the games, as many as "
                 f"were started (`dask worker {scheduler} --nworkers N --nthreads 1` on each machine); leave "
                 "--workers out (it sizes this machine's pool, or a --scheduler local cluster)")
        for opt, value in (("--attacker", attacker), ("--defender", defender)):
            if why := B.empty_agent_option(opt, value):
                fail(why)
        if chunk is not None and chunk < 1:
            fail(f"--chunk must be at least 1, got {chunk}")
        if resume and overwrite:
            fail("--resume and --overwrite contradict each other: --resume completes the unfinished batch of --out, "
                 "--overwrite discards it and starts over; give one of them")
        if out.suffix.lower() not in ("", ".parquet"):
            fail(f"--out {out}: the results are a Parquet file; give a name ending in .parquet (for a CSV copy "
                 "add --csv FILE.csv)")
        try:
            sweeps = [B.parse_sweep(s) for s in (sweep or [])]
            sets = [B.parse_set(s) for s in (set_ or [])]
            spec = B.BatchSpec(str(scenario), scen.raw, games, seed, sweeps, sets, weather, attacker, defender,
                               command=canonical_command(scenario, games, seed, out, sweep, set_, weather,
                                                         attacker, defender, turns=turns,
                                                         common_seeds=common_seeds),
                               common_seeds=common_seeds)
            # validate everything (overrides, agents) before touching the output folder
            B.plan(spec, 1)
        except B.WargameError as e:
            fail(str(e))
        for note in B.unchanged_sets(scen.raw, sets):
            console.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
        cores = os.cpu_count() or 1
        if workers is not None and workers > cores and scheduler in (None, "local"):  # (a typo costs ~120 MB a
            n_workers = cores  # worker: --workers 100000 forked one process per task of games, 1000 for 1000 games)
            console.print(f"note: --workers {workers} on a {cores}-core machine: capped at {cores}, one worker a "
                          "core (more would not play the games faster, and each worker holds ~120 MB; the "
                          "results are the same with any number of workers)", highlight=False, soft_wrap=True,
                          markup=False)
        progress = None
        task_id = None
        plain: dict[str, float] = {}  # (stderr not a terminal: a line now and then, `plain_progress_line`)

        def on_start(total: int, done: int) -> None:
            nonlocal progress, task_id
            if done:
                console.print(f"resuming: {done} of {total} games already saved in {B.parts_dir(out)}")
            if quiet:
                return
            if not console.is_terminal:  # (under nohup or into a file rich draws only the last bar, at the end)
                plain.update(total=total, resumed=done, done=done, start=time.monotonic(), said=time.monotonic(),
                             said_done=done)
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            class Rate(TextColumn):
                def render(self, task):  # games/s over this run (not counting resumed games)
                    el = task.elapsed or 0
                    done_now = task.completed - task.fields.get("resumed", 0)
                    return f"{done_now / el:5.2f} games/s" if el > 0 and done_now else "  –  games/s"

            class Eta(TextColumn):
                def render(self, task):  # at this run's rate, as shown beside it (rich's own, from the last few
                    # updates, read 0:00:02 with half a minute to go when the chunks came in bursts)
                    el = task.elapsed or 0
                    done_now = task.completed - task.fields.get("resumed", 0)
                    left = (task.total or 0) - task.completed
                    return f"ETA {eta_text(left, done_now, el)}"

            progress = Progress(TextColumn("[bold]games"), BarColumn(), MofNCompleteColumn(), Rate(""),
                                TextColumn("elapsed"), TimeElapsedColumn(), Eta(""), console=console,
                                transient=False)
            progress.start()
            task_id = progress.add_task("games", total=total, completed=done, resumed=done)

        def on_progress(n: int) -> None:
            if progress is not None:
                progress.update(task_id, advance=n)
            elif plain:
                plain["done"] += n
                now = time.monotonic()
                total = plain["total"]
                step = max(1.0, total / 10)
                if (now - plain["said"] >= PLAIN_PROGRESS_S or plain["done"] >= total
                        or int(plain["done"] / step) > int(plain["said_done"] / step)):
                    plain["said"], plain["said_done"] = now, plain["done"]
                    console.print(plain_progress_line(int(plain["done"]), int(total), int(plain["resumed"]),
                                                      now - plain["start"]), highlight=False, markup=False)

        terminated = []

        def on_term(signum, frame):  # `kill` behaves like Ctrl+C: keep parts, print the resume hint
            terminated.append(signum)
            raise KeyboardInterrupt

        from engine import runlog

        run = runlog.new_run(spec.command, scheduler, n_workers, B.engine_identity())
        earlier = runlog.earlier_runs(out, resume)  # (the unfinished batch's runs a --resume goes on with)
        started = time.monotonic()

        def on_message(text: str) -> None:  # (during the games too, a worker left or joined: above the bar)
            console.print(text, highlight=False, soft_wrap=True, markup=False)

        def keep_record(outcome: str, played: int, resumed: int, why: str | None = None, whole: bool = False) -> None:
            """The run's record (`engine.runlog`): with the unfinished batch, or beside the finished results (`whole`:
            a run that stopped after its results were written, at the CSV copy). Never the reason a batch fails."""
            this = runlog.finish(run, outcome, played, resumed, res_total[0], time.monotonic() - started, why)
            try:
                if outcome == "complete" or whole:
                    runlog.record_finished(out, earlier, this)
                else:
                    runlog.record_stopped(out, earlier, this)
            except OSError as e:
                console.print(f"note: cannot write the record of where the games were played ({e.strerror or e}); "
                              "the games are saved", highlight=False, markup=False)

        res_total = [0]
        resumed_at_start = [0]

        def started_games(total: int, already: int) -> None:
            res_total[0], resumed_at_start[0] = total, already
            on_start(total, already)

        old = signal.signal(signal.SIGTERM, on_term)
        try:
            res = B.run_batch(spec, out, workers=n_workers, scheduler=scheduler, chunk=chunk, resume=resume,
                              logs_dir=str(logs) if logs else None, csv=csv, on_start=started_games,
                              on_progress=on_progress, overwrite=overwrite, on_message=on_message, turns=turns,
                              on_workers=lambda hosts, threads: runlog.dask_workers(run, hosts, threads),
                              on_worker_change=lambda text: runlog.worker_change(run, text))
        except B.BatchError as e:
            if progress is not None:
                progress.stop()
            fail(str(e))
        except B.BatchAborted as e:
            if progress is not None:
                progress.stop()
            if res_total[0]:  # (games began: this run is part of the results' story; done < 0: all were played)
                played = e.done - resumed_at_start[0] if e.done >= 0 else res_total[0] - resumed_at_start[0]
                keep_record("stopped", max(0, played), resumed_at_start[0], e.message, whole=e.done < 0)
            hint = resume_hint(spec.command, csv=csv, logs=logs, turns=turns, scheduler=scheduler, workers=workers)
            saved = f"{e.done} of {e.total} games saved in {B.parts_dir(out)}" if e.done >= 0 else \
                "all games saved"
            fail(f"{e.message}; {saved}. Resume with: {hint}", 128 + signal.SIGTERM if terminated else e.code)
        finally:
            signal.signal(signal.SIGTERM, old)
        if not res.already_complete:
            res_total[0] = res.games
            keep_record("complete", res.games - res.resumed_games, res.resumed_games)
        elif earlier:  # (a run that stopped once every game was played: the results are whole, and now the record)
            try:
                runlog.record_finished(out, earlier, None)
            except OSError:
                pass
        if progress is not None:
            progress.stop()
        if res.already_complete:
            console.print(f"{out} already holds this batch, finished ({res.games} games): nothing to run",
                          highlight=False, soft_wrap=True, markup=False)
            if res.missing_columns:
                cols = "column" + ("s" if len(res.missing_columns) > 1 else "")
                console.print(f"note: {out} was written by an older wargame and lacks the {cols} "
                              f"{', '.join(res.missing_columns)}; run the command with --overwrite instead of "
                              "--resume to play it again with them", highlight=False, soft_wrap=True, markup=False)
        from rich.console import Console as C

        from engine.ai import is_import_path
        from engine.report import ReportError, measures_rich_table, outcome_rich_table, rich_table, summarize

        out_console = C(width=None if sys.stdout.isatty() else 160)
        try:
            s = summarize(res.out)
        except ReportError as e:  # (the results are written: say so, and why there is no table)
            written = [str(res.out), *([str(res.turns_out)] if res.turns_out else []), *([str(csv)] if csv else [])]
            fail(f"wrote {', '.join(written)}, but cannot summarise it: {e}", 1)
        played = res.games - res.resumed_games  # (a resumed batch's time and rate are this run's games only)
        now = f" ({played} played now, {res.resumed_games} resumed)" if res.resumed_games else ""
        out_console.print(rich_table(s, title=f"{res.out}: {s.games} games{now}, {len(s.cells)} cell(s), base seed "
                                              f"{seed}, {res.elapsed:.1f} s"
                                              f" ({played / max(res.elapsed, 1e-9):.2f}"
                                              f" games/s)", width=out_console.width))
        out_console.print(outcome_rich_table(s, width=out_console.width))
        if (measured := measures_rich_table(s)) is not None:  # (a lesson's point, per cell)
            out_console.print(measured)
        for c in res.cells:  # (S as in the file metadata and summary.csv: the game's `seed` column)
            rerun = f"wargame run {scenario} {c.run_options(0).replace('--seed 0', '--seed S', 1)}"
            if any(is_import_path(a) for a in c.agents.values()):  # (its module must be found to replay it)
                rerun += "  (with the agent's module importable, as for this batch: PYTHONPATH)"
            out_console.print(f"[dim]cell {c.index} re-run (S = the game's seed column): {escape(rerun)}[/]",
                              highlight=False, soft_wrap=True)
        # (by name: typer may bring its own copy of click, with its own ParameterSource)
        if getattr(ctx.get_parameter_source("seed"), "name", None) == "DEFAULT":
            out_console.print(f"note: --seed was left at {seed}: the same seed replays the same games (another "
                              "batch with the default seed repeats these); give --seed N for new ones",
                              highlight=False, soft_wrap=True, markup=False)
        refused = B.refused_games(res.out)
        for side, (games, orders) in refused.items():  # a weak-looking agent may be one whose orders are refused
            out_console.print(f"warning: the {side} agent had {orders} order(s) refused (its phase ended for it) "
                              f"in {games} game(s): column agent_orders_refused_{side}; `wargame run ... "
                              "--strict-agents` on one of them shows why", highlight=False, soft_wrap=True,
                              markup=False)
        for line in s.warnings:  # (as `wargame report` says them: cells that played the very same games, ...)
            out_console.print(f"warning: {line}", highlight=False, soft_wrap=True, markup=False)
        written = [str(res.out), *([str(res.turns_out)] if res.turns_out else []), *([str(csv)] if csv else [])]
        if res.already_complete and not csv:  # (nothing was written: it said "wrote", the file untouched)
            return
        if res.already_complete:
            written = [str(csv)]
        out_console.print(f"wrote {', '.join(written[:-1])} and {written[-1]}" if len(written) > 1
                          else f"wrote {written[0]}", highlight=False)

    @app.command(short_help="Tables and plots of a batch's results.")
    def report(
        results: Annotated[list[Path], typer.Argument(
            help="Results Parquet file from `wargame batch` (to put two or more side by side: `wargame compare`)")],
        out: Annotated[Path | None, typer.Option(
            help="Folder for the PNG plots, summary.json/summary.csv and report.md (default: <results>_report)")]
        = None,
        html: Annotated[bool, typer.Option("--html", help="Also write a self-contained report.html",
                                           metavar="")] = False,
        label: Annotated[list[str] | None, typer.Option(
            "--label", help="Name a cell on the plots and in the table, CELL=NAME (e.g. --label 0=gorge --label "
            "1=road); repeatable")] = None,
        baseline: Annotated[int | None, typer.Option(
            "--baseline", metavar="K", help="Take every difference (the 'vs cell K' columns, notes and summary keys "
            "*_vs_cellK) against cell K instead of cell 0: in a grid, the effect of one factor at another's level "
            "(e.g. cell 5 vs cell 3); default: the first cell, 0")] = None,
        by: Annotated[list[str] | None, typer.Option(
            "--by", metavar="KEY", help="Also table sweep key KEY's effect on the win rate at each level of the other "
            "sweep keys, and how that effect differs between them (the interaction); KEY as the cells' labels name "
            "it (e.g. --by ambush_withdraw); repeatable")] = None,
        overwrite: Annotated[bool, typer.Option(
            "--overwrite", help="Replace a report of another results file in --out (without it, refused)",
            metavar="")] = False,
    ) -> None:
        """Win rates (95% Wilson intervals), how the games ended (outcome, near misses), capture and road-cut
        turns, ground losses; PNG plots, the per-cell table as summary.json and summary.csv, the tables as
        report.md, optional HTML. With the per-turn file beside the results (`wargame batch --turns`), the
        objective by turn too. In a grid, --by KEY tables one factor's effect at each level of the others."""
        from rich.console import Console

        from engine.factor_effects import effects_rich_table, factor_effects, resolve_factor
        from engine.report import (
            ReportError,
            measures_rich_table,
            other_report,
            outcome_rich_table,
            parse_cell_names,
            rich_table,
            summarize,
            write_report,
        )

        if len(results) > 1:  # (a report is of one batch; several are compared)
            fail(f"wargame report reads one results file, got {len(results)}; to put them side by side: wargame "
                 f"compare {' '.join(shlex.quote(str(r)) for r in results)}")
        path = results[0]
        out_dir = out or path.with_name(path.stem + "_report")
        if out_dir.exists() and not out_dir.is_dir():  # (before the table: nothing printed for nothing written)
            fail(f"--out {out_dir} is a file; the report needs a folder (give another --out)")
        if not overwrite and (other := other_report(out_dir, path)) is not None:
            fail(f"--out {out_dir} holds the report of another results file ({other}); give another --out, or add "
                 "--overwrite to replace it")
        try:
            s = summarize(path, parse_cell_names(label or []), baseline=baseline)
            s.by = list(dict.fromkeys(resolve_factor(s, k) for k in by or []))
        except ReportError as e:
            fail(str(e))
        console = Console(width=None if sys.stdout.isatty() else 160)
        console.print(rich_table(s, width=console.width))
        console.print(outcome_rich_table(s, width=console.width))
        if (measured := measures_rich_table(s)) is not None:
            console.print(measured)
        for key in s.by:
            console.print(effects_rich_table(factor_effects(s, key), width=console.width))
        if s.meta.get("command"):
            console.print(f"[dim]data made by: {escape(str(s.meta['command']))}[/]", highlight=False,
                          soft_wrap=True)
        if s.conditions:  # (a batch with no options said nothing of the weather and the AIs: an analyst)
            console.print(f"conditions: {escape(s.conditions)}", highlight=False, soft_wrap=True)
        if s.seed == 0:
            console.print("note: base seed 0 (the default): every batch left at the default seed replays these "
                          "same games; give --seed N for new ones", highlight=False, soft_wrap=True, markup=False)
        for line in s.warnings:  # (read, but suspect: the numbers above leave those rows out)
            Console(stderr=True).print(f"[bold yellow]warning:[/] {escape(line)}", highlight=False, soft_wrap=True)
        new_dir = not out_dir.exists()
        try:  # (all or nothing: a failure leaves the folder as it was)
            written = write_report(s, out_dir, html)
        except ReportError as e:
            fail(str(e))
        pngs, summary, stale, old_html = written.pngs, written.summary, written.stale_turn_plots, written.old_html
        if stale:  # an earlier report's plot by turn, of another batch: not left next to this one's plots
            gone = f"removed {', '.join(str(p) for p in stale)} (left by an earlier report)"
            s.turns_note = f"{s.turns_note}; {gone}" if s.turns_note else \
                f"this batch has no per-turn file (wargame batch --turns): {gone}"
        if s.turns_note:
            console.print(f"note: {s.turns_note}", highlight=False, soft_wrap=True, markup=False)
        if old_html:  # an earlier report's page (of another batch, maybe) beside this report's plots
            console.print(f"note: removed {old_html[0]} (left by an earlier report; add --html for a new one)",
                          highlight=False, soft_wrap=True, markup=False)
        if new_dir:
            console.print(f"created report folder {out_dir}", highlight=False, soft_wrap=True, markup=False)
        console.print(f"wrote {', '.join(str(p) for p in [*pngs, *summary])}"
                      + (f", {out_dir / 'report.html'}" if html else ""), highlight=False, soft_wrap=True)


    @app.command(short_help="Two or more batches' results side by side, with differences.")
    def compare(
        results: Annotated[list[Path], typer.Argument(
            help="Results Parquet files from `wargame batch` (two or more); differences are vs the first")],
        out: Annotated[Path | None, typer.Option(
            help="Also write compare.md, compare.csv and plots (compare.png, compare_fallen.png) into this folder "
                 "(created if missing)")] = None,
    ) -> None:
        """Put batches side by side (two scenarios, two engine versions, two sets of overrides): a row per file per
        cell, cells matched by their sweep values, with each one's difference from the first file's cell. Where
        game g of both cells was played on the same seed (batches made with the same --seed: checked in the
        files' seed column), the differences are paired, game by game; else as for independent samples."""
        from rich.console import Console

        from engine.compare import compare_files, compare_rich_table, write_compare
        from engine.report import ReportError

        if out is not None and out.exists() and not out.is_dir():
            fail(f"--out {out} is a file; the comparison needs a folder (give another --out)")
        try:
            cmp = compare_files(results)
        except ReportError as e:
            fail(str(e))
        console = Console(width=None if sys.stdout.isatty() else 160)
        console.print(compare_rich_table(cmp, width=console.width))
        for lab, s in zip(cmp.labels, cmp.files, strict=True):
            for line in s.warnings:
                Console(stderr=True).print(f"[bold yellow]warning:[/] {escape(lab)}: {escape(line)}",
                                           highlight=False, soft_wrap=True)
        if out is not None:
            try:
                written = write_compare(cmp, out)
            except ReportError as e:
                fail(str(e))
            console.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False, soft_wrap=True)


PLAIN_PROGRESS_S = 30.0
"""Seconds between the plain progress lines of a batch whose stderr is not a terminal (also one each tenth)."""


def eta_text(left: int, done_now: int, elapsed: float) -> str:
    """The time the `left` games take at this run's rate (`done_now` in `elapsed` s), "H:MM:SS"; "–" before the
    first game.

    >>> eta_text(500, 100, 10.0), eta_text(10, 0, 3.0), eta_text(0, 5, 1.0)
    ('0:00:50', '–', '0:00:00')
    """
    if done_now <= 0 or elapsed <= 0:
        return "–"
    return hms(left * elapsed / done_now)


def hms(secs: float) -> str:
    """Seconds as "H:MM:SS".

    >>> hms(3725.4)
    '1:02:05'
    """
    s = round(secs)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def plain_progress_line(done: int, total: int, resumed: int, elapsed: float) -> str:
    """A progress line for a log file: "games 120/600 (20%), 11.90 games/s, elapsed 0:00:10, ETA 0:00:40".

    >>> plain_progress_line(120, 600, 0, 10.0)
    'games 120/600 (20%), 12.00 games/s, elapsed 0:00:10, ETA 0:00:40'
    """
    now = done - resumed
    rate = f"{now / elapsed:.2f} games/s" if elapsed > 0 and now > 0 else "– games/s"
    return (f"games {done}/{total} ({100 * done // max(1, total)}%), {rate}, elapsed {hms(elapsed)}, "
            f"ETA {eta_text(total - done, now, elapsed)}")


def canonical_command(scenario, games, seed, out, sweep, sets, weather, attacker, defender, turns: bool = False,
                      common_seeds: bool = False) -> str:
    """The `wargame batch` command with every option that determines the results (not workers/scheduler), and
    `--turns` (which files it writes)."""
    args = ["wargame", "batch", str(scenario), "--games", str(games), "--seed", str(seed), "--out", str(out)]
    if common_seeds:
        args.append("--common-seeds")
    for s in sweep or []:
        args += ["--sweep", s]
    for s in sets or []:
        args += ["--set", s]
    for name, v in (("--weather", weather), ("--attacker", attacker), ("--defender", defender)):
        if v:
            args += [name, v]
    if turns:
        args.append("--turns")
    return shlex.join(args)


def resume_hint(command: str, csv: Path | None = None, logs: Path | None = None, turns: bool = False,
                scheduler: str | None = None, workers: int | None = None) -> str:
    """`command` (the results' own options) with --resume, and the output options it needs to finish the same
    outputs: the CSV copy, the event logs and the per-turn file; the Dask scheduler it ran on (a resume
    without it would play the rest on this machine alone) and the --workers it was given (the results do not
    depend on it, the time does)."""
    args = shlex.split(command)
    if turns and "--turns" not in args:
        args.append("--turns")
    for name, v in (("--csv", csv), ("--logs", logs), ("--scheduler", scheduler), ("--workers", workers)):
        if v is not None and name not in args:
            args += [name, str(v)]
    if "--resume" not in args:
        args.append("--resume")
    return shlex.join(args)
