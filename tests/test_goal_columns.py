"""RR660: the goal-table columns `check` accepts are exactly those the built-in goal
template renders (the fuzz test found a column that passed check and stopped build)."""
from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from regionrapport.checks.rendering import GOAL_COLUMNS
from regionrapport.cli import main

LINE = "malkolumner: [matetal, utfall, historik, mal, status, trend, kommentar]\n"


def _columns(root: Path, columns) -> None:
    f = root / "organisation.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.count(LINE) == 1
    f.write_text(text.replace(LINE, "malkolumner: [" + ", ".join(columns) + "]\n"), encoding="utf-8")


def test_every_known_column_renders_with_the_built_in_template(project_copy, monkeypatch):
    _columns(project_copy, GOAL_COLUMNS)
    monkeypatch.chdir(project_copy)
    r = CliRunner().invoke(main, ["build", "delar-mars-2025", "--format", "md"])
    assert r.exit_code == 0, r.output
    md = (project_copy / "out" / "delar-mars-2025" / "delar-mars-2025.md").read_text(encoding="utf-8")
    # the goal table of the first area, with a header for each column (historik: one per earlier year)
    header = next(line for line in md.splitlines() if line.startswith("| Mätetal"))
    for word in ("Utfall 2025", "Mål 2025", "Målvärde", "Status", "Resultat", "Trend", "Kommentar", "Analys"):
        assert word in header, (word, header)


def test_an_unknown_column_is_found_by_check_and_not_only_by_build(project_copy, monkeypatch):
    _columns(project_copy, ["matetal", "utfall", "prognos"])
    monkeypatch.chdir(project_copy)
    r = CliRunner().invoke(main, ["check", "delar-mars-2025", "--no-cache"])
    assert r.exit_code == 1
    assert "organisation.yaml:" in r.output and "RR660" in r.output and "'prognos'" in r.output
    assert "Kolumner: " + ", ".join(GOAL_COLUMNS) in r.output
    assert not os.path.exists(project_copy / "out" / "delar-mars-2025")
