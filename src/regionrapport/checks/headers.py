"""Column headers: placeholders the report can fill."""
from __future__ import annotations

from ..headers import KNOWN, unknown_placeholders
from .registry import rule


@rule("RR535", "Unknown placeholder in a column header")
def header_placeholders(report, collector):
    """A column header (`kolumner: {id: {rubrik: ...}}` in organisation.yaml or a
    report file, or a table's own `rubrik` for a column) holds a placeholder in
    braces that the report cannot fill, e.g. `{år}` or `{perod}`, or a brace that
    belongs to no placeholder (`{ar:{ar}}`, `{ar`). It would be printed literally. Known: `{ar}` (the report year), `{fg_ar}` (the year
    before), `{period}` (the period's name, e.g. "delår per augusti") and
    `{period_kort}` (its short name, e.g. "jan–aug").
    Fix: use one of the known placeholders, or remove the braces.
    """
    known = ", ".join("{" + k + "}" for k in KNOWN)
    places = [(report.project.org_smap, ("kolumner",), report.org.kolumner),
              (report.budget_smap, ("kolumner",), report.budget.kolumner),
              (report.smap, ("kolumner",), report.outcomes.kolumner)]
    for smap, base, columns in places:
        for cid, c in columns.items():
            _report(collector, smap, (*base, cid, "rubrik"), cid, c.rubrik, known)
    for smap, doc in ((report.budget_smap, report.budget), (report.smap, report.outcomes)):
        for tid, t in doc.tabeller.items():
            for i, c in enumerate(t.kolumner):
                if not isinstance(c, str) and c.rubrik:
                    _report(collector, smap, ("tabeller", tid, "kolumner", i, "rubrik"), c.kolumn, c.rubrik, known)


def _report(collector, smap, path, cid, text, known) -> None:
    bad = unknown_placeholders(text)
    if bad:
        collector.add(smap.diag(
            path, "RR535",
            f"Kolumnen '{cid}': rubriken '{text}' har en okänd platshållare {', '.join(bad)}.",
            f"Kända platshållare: {known}."))
