"""Content hashes shared by the caches: files, folders, and the tool itself.

Lives below every layer that needs it: the build and check caches (commands/)
and the chart cache (render/charts.py) key on the same tool fingerprint.
Imports only the standard library.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from . import __version__

PACKAGE_DIR = Path(__file__).resolve().parent


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def tree_files(folder: Path) -> list[Path]:
    """The files under a folder, sorted; hidden files and bytecode left out."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith("."))


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
            try:
                h.update("\n".join(sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))).encode())
            except OSError:
                pass
        _TOOL = h.hexdigest()
    return _TOOL
