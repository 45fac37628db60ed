"""`rapport init DIR`: a new project from the skeleton shipped in the installed package.

The skeleton (src/regionrapport/scaffold/) is a small, complete project: an
organisation.yaml, a budget, one interim report, a templates/ folder and a
README. It passes `rapport check` and builds as it is, so a region can start
from something that works and replace the example figures with its own.
Placeholders in file names and contents: __NAMN__ (the organisation's name),
__AR__ (the budget year), __VERSION__ (this release, pinned by the CI workflow).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .. import __version__

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
# Stored without their dots so that the package's own tooling does not read them.
RENAMES = {"gitignore": ".gitignore", "github": ".github"}


class InitRefused(Exception):
    """The project cannot be created as asked (a usage problem, not bad data: exit 2)."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def default_name(target: Path) -> str:
    """'region-x' -> 'Region X': a starting point; --name gives the real one."""
    words = [w for w in re.split(r"[-_\s]+", target.resolve().name) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Ny organisation"


def plan(target: Path, name: str, year: int) -> dict[Path, str]:
    """Destination path -> text, for every file of the skeleton."""
    out = {}
    for src in sorted(SCAFFOLD.rglob("*")):
        if not src.is_file() or "__pycache__" in src.parts:
            continue
        rel = src.relative_to(SCAFFOLD)
        parts = [RENAMES.get(p, p).replace("__AR__", str(year)) for p in rel.parts]
        text = (src.read_text(encoding="utf-8").replace("__NAMN__", name).replace("__AR__", str(year))
                .replace("__VERSION__", __version__))  # the CI workflow pins the release that made the project
        out[target.joinpath(*parts)] = text
    return out


def init(target: Path, name: str | None = None, year: int | None = None) -> list[Path]:
    """Write the skeleton into `target` (created if needed). Refuses to overwrite anything."""
    name = (name or default_name(target)).strip()
    year = year or dt.date.today().year
    if not name or any(ch in name for ch in '"\\\n'):  # the name is written inside a quoted YAML string
        raise InitRefused(f"namnet {name!r} kan inte användas.",
                          "Ange organisationens namn som det skrivs, t.ex. --name \"Region X\".")
    if not 2000 <= year <= 2999:
        raise InitRefused(f"året {year} ser inte ut som ett budgetår.", "Ange budgetåret med fyra siffror, t.ex. --ar 2026.")
    if target.exists() and not target.is_dir():
        raise InitRefused(f"{target} är en fil, inte en mapp.", "Ange en mapp att skapa projektet i.")
    files = plan(target, name, year)
    taken = [p for p in files if p.exists()]
    if (target / "organisation.yaml").exists() or taken:
        shown = ", ".join(str(p.relative_to(target)) for p in taken[:3]) or "organisation.yaml"
        raise InitRefused(f"{target} innehåller redan ett projekt ({shown}); inget skrevs.",
                          "Välj en ny eller tom mapp; befintliga filer skrivs aldrig över.")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)
