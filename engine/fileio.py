"""Atomic file writes: a temp file in the same folder, fsync, then rename, so nothing is half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    atomic_write_with(path, lambda fh: fh.write(data))


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_with(path: str | Path, writer: Callable[[object], object]) -> None:
    """Call `writer(binary_file)` on a temp file beside `path`, then atomically replace `path`.

    A symlink to a file is followed (the file it names is replaced, the link kept). A device, pipe or socket
    (`/dev/null`, `>(gzip > f)`) is written straight into: renaming a file over it would replace the device node
    or lose the pipe."""
    p = Path(path)
    kind = _existing_kind(p)
    if kind == "special":
        with open(p, "wb") as fh:
            writer(fh)
        return
    if kind == "file" and p.is_symlink():
        p = p.resolve()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer(fh)
            fh.flush()
            if hasattr(os, "fchmod"):  # mkstemp makes 0600 files: a replaced file's mode, else the usual one
                os.fchmod(fh.fileno(), _mode_for(p))
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _existing_kind(p: Path) -> str | None:
    """"file", "folder" or "special" (device, pipe, socket) for what `p` names (following symlinks), else None."""
    try:
        mode = p.stat().st_mode
    except (OSError, ValueError):
        return None
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "special"


def _nearest_existing(path: Path) -> Path:
    """`path` itself or its nearest ancestor that exists (the current folder for a relative path)."""
    for p in (path, *path.parents):
        if _existing_kind(p) is not None or p.is_symlink():
            return p
    return Path(".")


def unwritable(path: str | Path) -> str | None:
    """Why `atomic_write_*` could not write a file at `path`, or None: checked before long work (a game, a
    batch), so that a typo in an output option costs nothing. Creates nothing that stays: a real try (a temp
    file in the folder it would be written in, or the nearest existing folder above it, removed at once);
    permission bits say nothing for root, nor for /proc, read-only mounts and the like.

    >>> unwritable("/")
    'is a folder; give a file name'
    """
    p = Path(path)
    kind = _existing_kind(p)
    if kind == "folder":
        return "is a folder; give a file name"
    if kind == "special":
        return None if os.access(p, os.W_OK) else "permission denied"
    folder = (p.resolve() if kind == "file" else p).parent
    near = _nearest_existing(folder)
    if _existing_kind(near) != "folder":
        return f"{near} is not a folder"
    why = cannot_create_in(near)
    return None if why is None else f"cannot create a file in {near} ({why})"


def cannot_create_in(folder: Path) -> str | None:
    """Why no file can be made in `folder` (an existing folder), or None. A real try (a temp file, removed at
    once): permission bits say nothing for root, nor for /proc, read-only mounts and the like."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".wargame-check-", suffix=".tmp", dir=folder)
    except OSError as e:
        return e.strerror or str(e)
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError:
        pass
    return None


def _mode_for(p: Path) -> int:
    """The permissions the file at `p` has, or a new file's usual ones (0666 less the umask)."""
    try:
        return p.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


SCENARIO_FOLDERS = ("scenarios", "scenarios/lessons")
"""Where `near_misses` looks for a file given by a name alone (under the working folder and the package's own)."""


def near_misses(path: str | Path) -> list[Path]:
    """Existing files a missing `path` may have meant: itself with ".json" added, or a file of its name (with or
    without ".json") in the scenario folders (a newcomer typed `wargame play scenarios/lessons/ambush` and
    `wargame play ambush.json` and read only "file not found"). Sorted, without repeats; empty if none."""
    p = Path(path)
    names = [p.name] if p.suffix == ".json" else [p.name, p.name + ".json"]
    found = [p.with_name(p.name + ".json")] if p.suffix != ".json" else []
    package = Path(__file__).resolve().parents[1]
    for root in dict.fromkeys((Path.cwd(), package)):
        for folder in SCENARIO_FOLDERS:
            found += [root / folder / n for n in names]
    out: dict[str, Path] = {}
    for f in found:
        if f.is_file():
            try:
                shown = f.resolve().relative_to(Path.cwd().resolve())
            except ValueError:
                shown = f.resolve()
            out.setdefault(str(shown), shown)
    return [out[k] for k in sorted(out)]


def missing_hint(path: str | Path) -> str:
    """" (did you mean scenarios/lessons/ambush.json?)" of the files a missing `path` may have meant (`near_misses`),
    else ""."""
    near = near_misses(path)
    return f" (did you mean {' or '.join(str(n) for n in near[:3])}?)" if near else ""
