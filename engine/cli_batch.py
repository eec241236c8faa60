"""`wargame batch` and `wargame report` (owned by the batch runner work; placeholder registration)."""

from __future__ import annotations

from collections.abc import Callable

import typer


def register(app: typer.Typer, fail: Callable[..., None]) -> None:
    return None
