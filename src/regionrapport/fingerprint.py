"""Content hashes shared by the caches: files, folders, and the tool itself.

Lives below every layer that needs it: the build and check caches (commands/)
and the chart cache (render/charts.py) key on the same tool fingerprint.
Imports only the standard library.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).resolve().parent


def file_hash(path: Path) -> str | None:
    """sha256 of the file's content (through a symlink: its target's), or None when it
    cannot be read (missing, a folder, a name too long, no permission): never equal to
    a stamp's digest, so the report is checked or built afresh and that reports why."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def tree_files(folder: Path) -> list[Path]:
    """The files under a folder, sorted; hidden files and bytecode left out. Symlinked
    folders are followed, as the template loader follows them (a template behind one
    is an input too), each real folder once (a link loop ends)."""
    if not folder.is_dir():
        return []
    out, seen = [], set()
    for here, dirs, files in os.walk(folder, followlinks=True):
        try:
            st = os.stat(here)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out += [Path(here) / f for f in files if not f.startswith(".") and os.path.isfile(os.path.join(here, f))]
    return sorted(out)


_TOOL: str | None = None


def tool_fingerprint() -> str:
    """The tool's version, its code, built-in templates and resources, and the installed distributions.

    An editable install keeps its version number while its code changes, so the code
    itself is hashed; the distributions' dist-info names carry the versions of pandoc
    (pypandoc-binary), typst and matplotlib, read with one directory listing.
    """
    global _TOOL
    if _TOOL is None:
        h = hashlib.sha256(f"{__version__}\n{sys.version_info[:2]}\n".encode())
        for p in tree_files(PACKAGE_DIR):
            h.update(str(p.relative_to(PACKAGE_DIR)).encode() + b"\0" + p.read_bytes() + b"\0")
        for site in {str(Path(p).resolve()) for p in sys.path if p.endswith("-packages")}:
            with contextlib.suppress(OSError):
                h.update("\n".join(sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))).encode())
        _TOOL = h.hexdigest()
    return _TOOL
