"""`wargame play` and `wargame replay` (owned by the UI work; pygame is imported only inside commands)."""

from __future__ import annotations

from collections.abc import Callable

import typer


def register(app: typer.Typer, fail: Callable[..., None]) -> None:
    return None
