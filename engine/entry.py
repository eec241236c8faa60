"""The `wargame` console script: imports the CLI, then runs it.

A Ctrl+C while the CLI's libraries load (Typer, Rich, numpy: a few tenths of a second) came out as Python's
KeyboardInterrupt traceback from inside an import (an analyst's review); it exits as an interrupted command does."""

from __future__ import annotations

import sys

INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl+C (128 + SIGINT), as `wargame batch` uses."""


INTERRUPTED_WORDS = ("interrupted (Ctrl+C) before the command finished: every file it writes is written whole or "
                     "not at all, so run it again")
"""What a command stopped by Ctrl+C before its own handling (a batch's "N of M games saved … Resume with:") says.
Typer turns such a KeyboardInterrupt into exit 130 without a word: a batch interrupted in its first second (the
scenario loading, the games being planned) printed nothing at all (a robustness test)."""


def _by_ctrl_c(e: BaseException) -> bool:
    """Whether `e` (the SystemExit the CLI ended with) is Typer's exit for a KeyboardInterrupt nobody handled, not
    a command's own exit 130 that has said why (`engine.cli.fail`)."""
    exit_ = e.__context__
    return exit_ is not None and isinstance(exit_.__cause__, KeyboardInterrupt)


def main() -> None:
    try:
        from engine.cli import main as run
    except KeyboardInterrupt:
        print(INTERRUPTED_WORDS, file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
    try:
        run()
    except SystemExit as e:
        if e.code == INTERRUPTED and _by_ctrl_c(e):
            print(INTERRUPTED_WORDS, file=sys.stderr)
        raise
