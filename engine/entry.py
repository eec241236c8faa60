"""The `wargame` console script: imports the CLI, then runs it.

A Ctrl+C while the CLI's libraries load (Typer, Rich, numpy: a few tenths of a second) came out as Python's
KeyboardInterrupt traceback from inside an import (an analyst's review); it exits as an interrupted command does."""

from __future__ import annotations

import sys

INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl+C (128 + SIGINT), as `wargame batch` uses."""


def main() -> None:
    try:
        from engine.cli import main as run
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
    run()
