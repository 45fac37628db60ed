"""Small defects a reader of the printed reports would notice, each pinned by its own figures.

Expected values come from the example YAML or the sources, worked by hand.
"""
from __future__ import annotations

import pytest

from regionrapport.diagnostics import Collector
from regionrapport.project import load_project, load_report
from regionrapport.render.context import Context

NORRBY = "examples/region-norrby"


def _context(root, report_id: str) -> Context:
    c = Collector()
    report = load_report(load_project(root), report_id, c)
    assert report is not None and not c.errors, c.errors
    return Context(report)


@pytest.fixture(scope="module")
def norrby_forecast(repo_root):
    return _context(repo_root / NORRBY, "prognos-oktober-2025")


def test_a_breakdown_rows_footnote_reads_as_a_sentence(norrby_forecast):
    """The post `forsakring` (prognos-oktober-2025.yaml) is named "varav försäkringsersättning
    efter vattenskadan" in the table; its footnote opens with the label, so it starts upper case."""
    view = norrby_forecast.table_view("prognos_resultat")
    row = next(r for r in view["rader"] if r["label"].startswith("varav försäkring"))
    assert row["stil"] == "varav"  # the table keeps the label as written
    assert ("Varav försäkringsersättning efter vattenskadan: Ersättningen är beslutad av försäkringsbolaget "
            "men ännu inte utbetald.") in view["fotnoter"]
