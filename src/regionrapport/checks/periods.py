"""Periods and dates."""
from __future__ import annotations

from .registry import rule


@rule("RR401", "Period outside the budget year")
def period_in_budget_year(report, collector):
    """The report's year differs from its budget's year, its date lies before the
    end of the period, or its period is not defined in organisation.yaml.
    Fix: point the report at the right budget, correct `ar`, `period` or `datum`.
    """
    r, b, org = report.outcomes.rapport, report.budget, report.org
    if r.ar != b.ar:
        collector.add(report.smap.diag(("rapport", "ar"), "RR401",
                                       f"Rapporten gäller {r.ar} men budgeten '{report.budget_id}' gäller {b.ar}.",
                                       "Ange rätt budget under rapport.budget eller rätta rapport.ar."))
    period = org.perioder.get(r.period)
    if period is None:
        collector.add(report.smap.diag(("rapport", "period"), "RR401", f"Perioden '{r.period}' finns inte i organisation.yaml.",
                                       "Perioder: " + ", ".join(org.perioder)))
        return
    kind = org.rapporttyper.get(r.typ)
    if kind is not None and kind.framatblickande:
        return
    if r.datum.year < r.ar or (r.datum.year == r.ar and r.datum.month < period.manader):
        collector.add(report.smap.diag(("rapport", "datum"), "RR401",
                                       f"Rapportdatum {r.datum.isoformat()} ligger före periodens slut ({period.kort} {r.ar}).",
                                       "Rapportdatum är dagen rapporten fastställs, efter periodens slut."))


@rule("RR402", "History year not before the report year")
def history_years(report, collector):
    """A metric's history (`historik`) or closing outcomes (`bokslut`) name a year
    that is not before the report year.
    Fix: the report year's outcome goes under `utfall`; history holds earlier years.
    """
    ar = report.outcomes.rapport.ar
    # A report year that differs from the budget's is reported once (RR401), not once per metric.
    for mid, o in (report.outcomes.matetal.items() if ar == report.budget.ar else ()):
        for y in o.historik:
            if y >= ar:
                collector.add(report.smap.diag(("matetal", mid, "historik", y), "RR402",
                                               f"Mätetal '{mid}': historikåret {y} är inte före rapportåret {ar}.",
                                               "Årets utfall skrivs under 'utfall'.", prefer="key"))
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            for y in mt.bokslut:
                if y >= report.budget.ar:
                    collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid), "bokslut", y), "RR402",
                                                          f"Mätetal '{mid}': bokslutsåret {y} är inte före budgetåret {report.budget.ar}.",
                                                          prefer="key"))
            for y in mt.malvarden:
                if y <= report.budget.ar:
                    collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid), "malvarden", y), "RR402",
                                                          f"Mätetal '{mid}': målvärdesåret {y} ska ligga efter budgetåret {report.budget.ar}; årets mål anges under 'mal'.",
                                                          prefer="key"))
