"""`rapport check`: load, validate and run every rule, rendering nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Collector, Diagnostic, ReportError
from ..project import Project, load_report


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reports: dict = field(default_factory=dict)  # id -> Report (None when it could not be built)

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self):
        return [d for d in self.diagnostics if d.severity == "warning"]


def check_report(project: Project, report_id: str):
    """Return (report or None, diagnostics)."""
    collector = Collector()
    try:
        report = load_report(project, report_id, collector)
    except ReportError as e:
        collector.extend(e.diagnostics)
        report = None
    return report, sorted(collector.items)


def check(project: Project, report_ids: list[str]) -> CheckResult:
    result = CheckResult()
    seen = set()
    for rid in report_ids:
        report, diags = check_report(project, rid)
        result.reports[rid] = report
        for d in diags:  # a shared budget's problem is reported once, not per report
            if d not in seen:
                seen.add(d)
                result.diagnostics.append(d)
    return result
