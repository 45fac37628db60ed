"""Goals, metrics and traffic-light thresholds."""
from __future__ import annotations

from .registry import rule

AMOUNT_UNITS = ("mnkr", "mkr", "tkr", "kr")  # both abbreviations of "miljoner kronor" are in use


def short(text: str, n: int = 60) -> str:
    """A long metric name cut at a word boundary, so messages stay one line."""
    if len(text) <= n:
        return text
    return text[:n].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _threshold_problem(gron: float, gul: float) -> tuple[str, str, str] | None:
    """(which key to point at, message, hint) when a threshold pair is wrong."""
    if gron > 2 or gul > 2:
        return ("gron" if gron > 2 else "gul",
                f"trösklarna är andelar av målvärdet, men grön är {gron:g} och gul {gul:g}",
                "Skriv andelar, inte procent: gron: 1.0 och gul: 0.8 betyder 100 % och 80 % av målet.")
    if gul <= 0 or gron <= 0:
        return ("gul" if gul <= 0 else "gron", f"tröskeln måste vara större än 0 (grön {gron:g}, gul {gul:g})",
                "Exempel: gron: 1.0 och gul: 0.8.")
    if gul >= gron:
        return ("gul", f"gul ({gul:g}) ska vara lägre än grön ({gron:g})",
                "Grön är den högre ribban: gron: 1.0 och gul: 0.8 betyder att 80–100 % av målet är gult.")
    return None


@rule("RR301", "Traffic-light thresholds out of order or range")
def thresholds(report, collector):
    """Thresholds are shares of the target value: green must be above yellow and
    both in (0, 2]. Applies to the organisation's `trosklar` and to every metric's
    `trosklar` override. A percentage typed as 100 instead of 1.0 is caught here.
    Fix: write shares, e.g. gron: 1.0, gul: 0.8.
    """
    t = report.org.trosklar
    bad = _threshold_problem(t.gron, t.gul)
    if bad:
        key, msg, hint = bad
        collector.add(report.project.org_smap.diag(("trosklar", key), "RR301", f"Organisationens trösklar: {msg}.", hint))
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            if mt.trosklar:
                bad = _threshold_problem(mt.trosklar.gron, mt.trosklar.gul)
                if bad:
                    key, msg, hint = bad
                    collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid), "trosklar", key), "RR301",
                                                          f"Mätetal '{short(mt.namn)}', egna trösklar: {msg}.", hint))


@rule("RR302", "Metric target inconsistent with its unit or direction")
def target_consistency(report, collector):
    """A metric's target does not fit its unit or direction: a percentage target
    outside 0–100, a budget-deviation target on a metric whose unit is not an
    amount, a range target on a metric whose direction makes one bound meaningless,
    or a number target missing entirely.
    Fix: correct the target, unit or `riktning`.
    """
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            path = ("mal", gid, *g.metric_path(mid), "mal")
            def diag(msg: str, hint: str = "", path: tuple = path, name: str = mt.namn) -> None:
                collector.add(report.budget_smap.diag(path, "RR302", f"Mätetal '{short(name)}': {msg}", hint))
            t = mt.mal
            if mt.information:
                continue  # no target by design (RR543 checks that none is given)
            if t is None:
                diag("saknar mål för året.", "Ange mal: ett tal, {typ: trend}, {minst: x}, {hogst: x}, {intervall: [a, b]} eller {typ: budget}.")
                continue
            bounds = [t] if isinstance(t, (int, float)) else [getattr(t, k) for k in ("minst", "hogst") if hasattr(t, k)]
            bounds += list(getattr(t, "intervall", ()))
            off = [b for b in bounds if not (0 <= b <= 100)]
            if mt.enhet == "procent" and off:
                diag(f"målet {off[0]:g} är ingen procentsats (0–100).", "Procent skrivs som procenttal: 65 betyder 65 %.")
            if getattr(t, "typ", None) == "budget" and mt.enhet not in AMOUNT_UNITS:
                diag(f"ett budgetmål mäts i belopp, men enheten är '{mt.enhet}'.",
                     "Sätt enhet till en beloppsenhet: " + ", ".join(AMOUNT_UNITS) + ".")
            if hasattr(t, "minst") and mt.riktning == "lagre":
                diag("'minst' passar inte riktning: lagre.", "Ett minimimål betyder att högre är bättre: riktning: hogre.")
            if hasattr(t, "hogst") and mt.riktning == "hogre":
                diag("'hogst' passar inte riktning: hogre.", "Ett maximimål betyder att lägre är bättre: riktning: lagre.")


@rule("RR303", "Metric without outcome or reason")
def metric_outcomes(report, collector):
    """A metric in the budget has no entry in the report, or has no outcome and no
    `saknas` reason, or has both an outcome and a `saknas` reason. A silent gap
    would be counted as "utan utfall" without the reader knowing why.
    Fix: give `utfall`, or `utfall: null` with `saknas: <reason>`.
    A short report whose sections are only tables, texts and headings (a forecast) and
    that gives no metrics shows none, and is not asked for them.
    """
    kind = report.org.rapporttyper.get(report.outcomes.rapport.typ)
    if kind is not None and kind.framatblickande:  # a budget has targets, not outcomes
        return
    sections = report.outcomes.rapport.sektioner if report.outcomes.rapport.sektioner is not None else (
        kind.sektioner if kind is not None else None)
    if (sections is not None and not report.outcomes.matetal and not any(isinstance(s, str) for s in sections)
            and not (report.project.templates_dir / f"{report.outcomes.rapport.typ}.md.j2").exists()):
        # A short report of tables and texts only (a forecast): no section shows a metric.
        return
    outs = report.outcomes.matetal
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            o = outs.get(mid)
            if o is None:
                collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid)), "RR303",
                                                      f"Mätetal '{short(mt.namn)}' saknas i rapporten.",
                                                      f"Lägg till '{mid}:' under matetal i utfallsfilen.", severity="warning", prefer="key"))
            elif mt.berakning is not None:
                if o.utfall is not None:
                    collector.add(report.smap.diag(("matetal", mid, "utfall"), "RR106",
                                                   f"Mätetal '{short(mt.namn)}': utfallet räknas fram ur posterna "
                                                   f"{' / '.join(mt.berakning.posts())} men anges också här.",
                                                   "Varje siffra lagras en gång: ta bort 'utfall'.", prefer="key"))
                for i, pid in enumerate(mt.berakning.andel or ()):
                    if pid not in report.posts:
                        collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid), "berakning", "andel", i), "RR101",
                                                              f"Mätetal '{short(mt.namn)}': posten '{pid}' finns inte."))
            elif o.utfall is None and not o.saknas:
                collector.add(report.smap.diag(("matetal", mid), "RR303", f"Mätetal '{short(mt.namn)}' har inget utfall och inget skäl.",
                                               "Ange 'saknas: <skäl>' (t.ex. årlig mätning).", severity="warning", prefer="key"))
            elif o.utfall is not None and o.saknas:
                collector.add(report.smap.diag(("matetal", mid, "saknas"), "RR303", f"Mätetal '{short(mt.namn)}' har både utfall och 'saknas'.",
                                               "Ta bort 'saknas' när utfallet finns.", severity="warning", prefer="key"))
