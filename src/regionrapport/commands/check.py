"""`rapport check`: load, validate and run every rule, rendering nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Collector, Diagnostic, ReportError


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reports: dict = field(default_factory=dict)  # id -> Report (None when it could not be built or was remembered)
    remembered: list[str] = field(default_factory=list)  # ids whose last clean check was replayed

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self):
        return [d for d in self.diagnostics if d.severity == "warning"]


def check_report(project, report_id: str):
    """Return (report or None, diagnostics)."""
    from ..project import load_report  # here: a remembered check imports neither YAML nor pydantic

    collector = Collector()
    try:
        report = load_report(project, report_id, collector)
    except ReportError as e:
        collector.extend(e.diagnostics)
        report = None
    return report, sorted(collector.items)


def check(project, report_ids: list[str], out_root: Path | None = None, known: dict | None = None) -> CheckResult:
    """Check each report. `known` (from `remembered`) holds the replayed warnings of the
    reports whose last clean check still holds; with `out_root`, a clean check is
    remembered there (commands/cache.py)."""
    from . import cache

    known = known or {}
    result = CheckResult()
    for rid in report_ids:
        if rid in known:
            diags = known[rid]
            result.reports[rid] = None
            result.remembered.append(rid)
        else:
            before = cache.inputs_before(project, rid, cache.check_stamp_path(out_root, rid)) if out_root else {}
            report, diags = check_report(project, rid)
            result.reports[rid] = report
            if out_root is not None:
                cache.remember_check(project, report, diags, out_root, before)
        _add(result, diags)
    return result


def remembered(root: Path, report_ids: list[str], out_root: Path) -> dict[str, list[Diagnostic]]:
    """The reports whose last clean check still holds -> its warnings; found from hashes
    alone, without loading the project (no YAML, no pydantic)."""
    from . import cache

    found = {}
    for rid in report_ids:
        diags = cache.remembered_check(root, out_root, rid)
        if diags is not None:
            found[rid] = diags
    return found


def _add(result: CheckResult, diags) -> None:
    seen = set(result.diagnostics)
    for d in diags:  # a shared budget's problem is reported once, not per report
        if d not in seen:
            seen.add(d)
            result.diagnostics.append(d)
