"""The command list of `wargame --help`: Typer's rich help keeps a summary's line breaks, so a summary
hard-wrapped in its docstring came out ragged ("capture and road-cut / turns")."""
import typer

from engine.cli import app


def test_every_command_summary_is_one_paragraph_without_line_breaks() -> None:
    group = typer.main.get_command(app)
    names = sorted(group.commands)
    assert {"validate", "run", "batch", "report", "fidelity", "play", "replay"} <= set(names)
    for name in names:
        cmd = group.commands[name]
        summary = cmd.short_help or (cmd.help or "").strip().split("\n\n")[0]
        assert summary, name
        assert "\n" not in summary, f"{name}: {summary!r}"


def test_every_command_summary_fits_one_line_of_an_80_column_terminal() -> None:
    """An acceptance test: at 80 columns the summaries of report, play, fidelity and batch took 2-3 lines."""
    group = typer.main.get_command(app)
    width = 80 - 4 - max(len(n) for n in group.commands) - 2  # (the panel's borders and padding, the names)
    for name, cmd in group.commands.items():
        summary = cmd.short_help or (cmd.help or "").strip().split("\n\n")[0]
        assert len(summary) <= width, f"{name}: {len(summary)} > {width}: {summary!r}"
