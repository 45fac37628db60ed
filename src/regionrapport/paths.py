"""Paths named by the project's files stay inside the project (docs/security.md).

Imports nothing of ours and nothing heavy: the loader, the template loader, the
style files and `rapport check` all use it.
"""
from __future__ import annotations

from pathlib import Path


def outside_project(root: Path, path: Path) -> str:
    """Why `path` is not inside the project folder once symlinks are resolved ("" when it is).

    An absolute path, a '..' out of the project and a symlink that points out of it are
    all refused: a pull request must not make the build read (and publish) any other file.
    """
    base = root.resolve()
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return "en symbolisk länk i en slinga"
    if real == base or base in real.parents:
        return ""
    try:
        rel = path.absolute().relative_to(root.absolute())
    except ValueError:
        return "en absolut sökväg utanför projektet"
    if ".." in rel.parts:
        return "'..' leder ut ur projektet"
    return "en symbolisk länk pekar ut ur projektet"
