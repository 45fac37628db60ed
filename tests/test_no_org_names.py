"""No organisation's name in the package: code and built-in templates serve every region.

An organisation's words belong in its organisation.yaml, its data and its own
templates/ folder. A name found here means something was hard-coded in one
region's favour.
"""
from __future__ import annotations

import re
from pathlib import Path

import regionrapport

PACKAGE = Path(regionrapport.__file__).resolve().parent

# Sweden's 21 regions by their distinctive names, a few of their towns that
# have leaked into templates before, and the fictional example region and municipality.
NAMES = [
    "Stockholm", "Uppsala", "Sörmland", "Östergötland", "Jönköping", "Kronoberg", "Kalmar", "Gotland",
    "Blekinge", "Skåne", "Halland", "Västra Götaland", "Värmland", "Örebro", "Västmanland", "Dalarna",
    "Gävleborg", "Västernorrland", "Jämtland", "Härjedalen", "Västerbotten", "Norrbotten",
    "Växjö", "Ljungby", "Norrby", "Sjövalla", "Ekudden",
]
PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, NAMES)) + r")", re.IGNORECASE)
TEXT_SUFFIXES = {".py", ".j2", ".typ", ".lua", ".yaml", ".yml", ".md", ".txt", ".json", ".toml"}


def package_text_files():
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def test_the_scan_sees_code_and_templates():
    names = {p.name for p in package_text_files()}
    assert {"cli.py", "context.py", "mal.md.j2", "budget.md.j2", "rapport.typ"} <= names


def test_no_organisation_name_in_the_package():
    found = []
    for path in package_text_files():
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in PATTERN.finditer(line):
                found.append(f"{path.relative_to(PACKAGE)}:{lineno}: {m.group(0)}")
    assert not found, "Organisation names in the package (move them to organisation.yaml or templates/):\n" + "\n".join(found)


def test_the_pattern_would_catch_one():
    assert PATTERN.search("Region Kronoberg ska stärka ...")
    assert PATTERN.search("för region norrby")
    assert PATTERN.search("Sjövalla kommun redovisar ...")
    assert not PATTERN.search("Regionen och nämnderna")
