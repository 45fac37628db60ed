"""Sums, breakdowns, printed totals and column relations (from compute.ledger)."""
from __future__ import annotations

from . import rule


def _value_columns(report) -> list[str]:
    return list(report.columns)


@rule("RR200", "Figures do not add up")
def ledger_findings(report, collector):
    """Runs the ledger over every post and column and reports RR201–RR205: printed
    totals, complete and partial breakdowns, alternative derivations (the result
    chain) and column relations. Each message names the post, the column, both
    values, the difference and the tolerance, at the line of the figure that most
    likely needs the fix.
    Fix: as each message says.
    """
    led = report.ledger
    led.evaluate_all(_value_columns(report))
    for f in led.findings:
        p = report.posts[f.post]
        loc = p.where.get(f.where) or p.where.get(f"val.{f.where}") or p.where.get(f"val.{f.column}") \
            or p.where.get("varav") or p.where["decl"]
        smap, path = loc
        collector.add(smap.diag(path, f.code, f.message, f.hint))
