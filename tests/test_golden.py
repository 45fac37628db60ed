"""Golden outputs: the whole Markdown of every example report, compared byte for byte.

The tests beside this one assert chosen figures; these catch any other change
(a template, a number format, a table shape, a text helper). The snapshots are
in tests/golden/reports/; `make golden` rewrites them after an intended change,
and `git diff tests/golden` shows what the change did to the reports.
The diagnostics of the rule corpus are snapshotted per case by tests/checks/test_cases.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from regionrapport.commands.check import check_report
from regionrapport.project import load_project
from regionrapport.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
REPORTS = [
    ("", "delar-mars-2025"),  # Kronoberg's interim report per March 2025
    ("", "budget-2025"),  # Kronoberg's budget 2025
    ("examples/region-norrby", "tertial2-2025"),  # the fictional region
    ("examples/sjovalla-kommun", "tertial2-2026"),  # the fictional municipality: every goal shape
    ("examples/sjovalla-kommun", "tertial2-2025"),  # ... and the report it compares with
    ("examples/region-norrby", "prognos-oktober-2025"),  # its short forecast: formats per column and row
]


@pytest.mark.parametrize("folder, report_id", REPORTS, ids=[r for _, r in REPORTS])
def test_markdown_matches_the_golden_output(folder, report_id, golden):
    report, diags = check_report(load_project(ROOT / folder), report_id)
    assert report is not None and not [d for d in diags if d.severity == "error"], diags
    md = render_markdown(report)
    assert str(ROOT) not in md and "/tmp/" not in md  # nothing of this machine in a snapshot
    golden(f"reports/{(folder + '/') if folder else ''}{report_id}.md", md)


def test_a_changed_output_fails_and_update_rewrites(tmp_path):
    from conftest import compare_golden

    snap = tmp_path / "r.md"
    compare_golden(snap, "# Rapport\n\n| a | 1 |\n", update=True)
    compare_golden(snap, "# Rapport\n\n| a | 1 |\n", update=False)
    with pytest.raises(pytest.fail.Exception, match=r"make golden(.|\n)*-\| a \| 1 \|(.|\n)*\+\| a \| 2 \|"):
        compare_golden(snap, "# Rapport\n\n| a | 2 |\n", update=False)
    compare_golden(snap, "# Rapport\n\n| a | 2 |\n", update=True)
    assert snap.read_text(encoding="utf-8") == "# Rapport\n\n| a | 2 |\n"
    with pytest.raises(AssertionError, match="make golden"):
        compare_golden(tmp_path / "saknas.md", "x", update=False)
