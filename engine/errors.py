"""One small error hierarchy; user-input errors are also ValueErrors (as in python-chess)."""

from __future__ import annotations


class WargameError(Exception):
    """Root of every error the engine raises on purpose."""


class ScenarioError(WargameError, ValueError):
    """A scenario file is unreadable or invalid; `problems` lists every problem with its JSON path. `notes`
    are lines printed after them that are not problems (so not counted), e.g. that more checks run later."""

    def __init__(self, problems: list[str], source: str = "scenario", notes: list[str] | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        self.notes = list(notes or [])
        lines = "\n".join([*(f"  - {p}" for p in self.problems), *(f"  {n}" for n in self.notes)])
        super().__init__(f"{source}: {len(self.problems)} problem(s):\n{lines}")


class IllegalOrder(WargameError, ValueError):
    """An order was refused; the game state is unchanged."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class SaveFormatError(WargameError, ValueError):
    """A save, replay or log file is corrupt, truncated or of an unsupported version."""


class InvalidSeed(WargameError, ValueError):
    """Seeds must be non-negative integers."""


def check_seed(seed: object) -> int:
    """Validate a seed and return it as int.

    >>> check_seed(7)
    7
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidSeed(f"seed must be a non-negative integer, got {seed!r}")
    return seed
