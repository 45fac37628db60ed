"""Names, patterns and small look-ups used on both the fast and the full paths.

This module imports nothing but the standard library's `re` and `pathlib`, so
the cache, the CLI's quick paths (a remembered check, a no-op `build --all`)
and the full pipeline can all share one definition of each instead of keeping
copies "for import speed".
"""
from __future__ import annotations

import re
from pathlib import Path

ORG_FILE = "organisation.yaml"
FORMATS = ("md", "docx", "pdf", "xlsx", "html")  # the output formats, in the order they are written
DEFAULT_FORMATS = ("md", "docx", "pdf")  # what a build writes unless --format names others
# A report or budget id: a plain file name, never a path (`..` is refused separately).
REPORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
EPS = 1e-9  # two figures closer than this are the same figure
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")

# Keys of an older form of the YAML that today's models refuse, as key paths ("*": any id),
# each with the `rapport migrate` step (commands/migrate.py) that rewrites it. The check's
# "unknown key" error points to the migration instead of guessing a misspelling.
RETIRED_KEYS: dict[tuple[str, ...], str] = {
    ("tabeller", "*", "kommentarer"): "tabell-kommentarer",
}


def retired_key(path: tuple) -> str | None:
    """The migration step of an old form at `path`, or None."""
    for pattern, step in RETIRED_KEYS.items():
        if len(pattern) == len(path) and all(p in ("*", str(k)) for p, k in zip(pattern, path, strict=True)):
            return step
    return None


def is_report_id(text: str) -> bool:
    """A plain name (letters, digits, `_.-`), never a path."""
    return bool(REPORT_ID.match(text)) and ".." not in text


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder upwards with organisation.yaml, or None (project.find_root raises instead)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ORG_FILE).is_file():
            return d
    return None


def report_ids(root: Path) -> list[str]:
    """The project's reports: the outcomes files under data/outcomes/."""
    return sorted(p.stem for p in (root / "data" / "outcomes").glob("*.yaml"))
