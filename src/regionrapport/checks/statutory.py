"""The statutory interim report: the parts the law and the recommendation require.

A report kind marked `lagstadgad: true` in organisation.yaml is the obligatory
interim report of a municipality or region (lag (2018:597) om kommunal bokföring
och redovisning, LKBR, 13 kap.; RKR R17 Delårsrapport; RKR R15 for the
förvaltningsberättelse). Which section is which part is data: a section entry
declares it with `lagkrav`, and a column says what it compares with through
`jamforelse`. The rules here name each required part that no section declares.
"""
from __future__ import annotations

from ..model.organisation import parts_of
from .registry import rule
from .rendering import _sections

# Half to two thirds of a twelve-month year (13 kap. 1 § LKBR).
MIN_MONTHS, MAX_MONTHS = 6, 8


def _kind(report):
    """The report's kind when it is statutory, else None."""
    kind = report.org.rapporttyper.get(report.outcomes.rapport.typ)
    return kind if kind is not None and kind.lagstadgad else None


def _empty_text(report, entry) -> bool:
    """A text entry whose text is there but blank (an unknown text is RR502)."""
    if not isinstance(entry, dict) or "text" not in entry or "tabell" in entry:
        return False
    text = report.outcomes.texter.get(entry["text"])
    return text is not None and not text.strip()


def _declared(report, empty: bool = False) -> dict[str, list[dict]]:
    """Part -> the section entries that declare it, in order; an empty text is no part
    (with `empty`: only the empty texts)."""
    sections, _, _ = _sections(report)
    found: dict[str, list[dict]] = {}
    for s in sections:
        if _empty_text(report, s) != empty:
            continue
        for p in parts_of(s):
            found.setdefault(p, []).append(s)
    return found


def _missing(report, collector, part: str, code: str, what: str, law: str, hint: str, severity: str = "error") -> bool:
    """Report `part` missing (at the section list) when no section declares it; True if it was."""
    if _kind(report) is None or part in _declared(report):
        return False
    _, smap, base = _sections(report)
    typ = report.outcomes.rapport.typ
    if smap is None:  # a kind without a section list: point at the report's kind
        smap, base = report.smap, ("rapport", "typ")
    where = "rapportens sektionslista" if base == ("rapport", "sektioner") else f"rapporttypen '{typ}'"
    empty = _declared(report, empty=True).get(part)
    if empty:
        collector.add(smap.diag(base, code,
                                f"Den lagstadgade delårsrapporten saknar {what} ({law}): texten '{empty[0]['text']}' "
                                f"med `lagkrav: {part}` i {where} är tom.",
                                hint + f" Skriv texten under texter.{empty[0]['text']} i rapportfilen.", severity, prefer="key"))
        return True
    collector.add(smap.diag(base, code,
                            f"Den lagstadgade delårsrapporten saknar {what} ({law}): ingen sektion i {where} har `lagkrav: {part}`.",
                            hint + f" Markera sektionen med `lagkrav: {part}` i sektionslistan.", severity, prefer="key"))
    return True


def _table_of(report, entry):
    """(table, smap, path) for a {tabell: id} entry, or None when the table does not exist."""
    tid = entry.get("tabell")
    for doc, smap in ((report.outcomes, report.smap), (report.budget, report.budget_smap)):
        if tid in doc.tabeller:
            return doc.tabeller[tid], smap, ("tabeller", tid)
    return None


def _column(report, cid: str):
    for cols in (report.outcomes.kolumner, report.budget.kolumner, report.org.kolumner):
        if cid in cols:
            return cols[cid]
    return None


def _comparison(report, collector, part: str, kind: str, code: str, what: str, hint: str) -> None:
    """Every table declared as `part` shows a column of comparison `kind`, with figures in it."""
    if _kind(report) is None:
        return
    for entry in _declared(report).get(part, []):
        found = _table_of(report, entry) if "tabell" in entry else None
        if found is None:
            continue  # a heading or text, or an unknown table (RR502)
        table, smap, path = found
        cols = [c if isinstance(c, str) else c.kolumn for c in table.kolumner]
        comp = [c for c in cols if (col := _column(report, c)) is not None and col.jamforelse == kind]
        if not comp:
            collector.add(smap.diag((*path, "kolumner"), code,
                                    f"Tabellen '{entry['tabell']}' ({table.rubrik}) saknar jämförelsekolumnen {what}.",
                                    hint + f" Ge kolumnen `jamforelse: {kind}` under `kolumner` och visa den i tabellen.",
                                    prefer="key"))
            continue
        posts = [r if isinstance(r, str) else r.post for r in table.rader]
        posts = [p for p in posts if p is not None]
        if posts and not any(report.ledger.value(p, c) is not None for p in posts for c in comp):
            collector.add(smap.diag((*path, "kolumner"), code,
                                    f"Tabellen '{entry['tabell']}' ({table.rubrik}): jämförelsekolumnen '{comp[0]}' ({what}) har inga belopp.",
                                    hint + f" Ange beloppen i kolumnen '{comp[0]}' för tabellens poster.", prefer="key"))


@rule("RR700", "Statutory interim report: period not half to two thirds of the year")
def statutory_period(report, collector):
    """The report's kind is the statutory interim report (`lagstadgad: true`), but its
    period does not cover half to two thirds of the financial year (6–8 months from
    January), as 13 kap. 1 § LKBR requires of the obligatory interim report.
    Fix: report the statutory kind for a period of 6 to 8 months (e.g. January–August),
    or leave `lagstadgad` off for a kind that is also used for other periods.
    """
    if _kind(report) is None:
        return
    r = report.outcomes.rapport
    period = report.org.perioder.get(r.period)
    if period is None or MIN_MONTHS <= period.manader <= MAX_MONTHS:
        return  # an unknown period is RR401
    collector.add(report.smap.diag(("rapport", "period"), "RR700",
                                   f"Den lagstadgade delårsrapporten ska omfatta hälften till två tredjedelar av året "
                                   f"(6–8 månader, 13 kap. 1 § LKBR), men perioden '{r.period}' ({period.kort}) omfattar {period.manader} månader.",
                                   f"Välj en period om 6–8 månader, eller ta bort `lagstadgad: true` från rapporttypen '{r.typ}' "
                                   "om den också används för andra perioder."))


@rule("RR701", "Statutory interim report: no resultaträkning")
def statutory_income_statement(report, collector):
    """The statutory interim report has no resultaträkning: no table of its section
    list declares `lagkrav: resultatrakning` (13 kap. LKBR: a simplified
    resultaträkning).
    Fix: add the resultaträkning table to the section list and mark it
    `{tabell: id, lagkrav: resultatrakning}`.
    """
    _missing(report, collector, "resultatrakning", "RR701", "en resultaträkning", "13 kap. LKBR",
             "Lägg till resultaträkningen (verksamhetens intäkter och kostnader … årets resultat, 5 kap. LKBR).")


@rule("RR702", "Statutory interim report: resultaträkning without the same period last year")
def statutory_income_comparison(report, collector):
    """The resultaträkning of the statutory interim report shows no column with the
    same period of the year before (a column declared `jamforelse: samma_period_fg_ar`
    in `kolumner`), or that column has no figures. The law and RKR R17 require the
    comparison beside the period's outcome.
    Fix: declare the column, e.g. `utfall_fg_ar: {rubrik: "Utfall {period_kort} {fg_ar}",
    jamforelse: samma_period_fg_ar}`, show it in the table and give its figures.
    """
    _comparison(report, collector, "resultatrakning", "samma_period_fg_ar", "RR702",
                "för samma period föregående år", "Resultaträkningen ska jämföras med samma period föregående år (RKR R17).")


@rule("RR703", "Statutory interim report: no balansräkning")
def statutory_balance_sheet(report, collector):
    """The statutory interim report has no balansräkning: no table of its section list
    declares `lagkrav: balansrakning` (13 kap. LKBR: a simplified balansräkning).
    Fix: add the balansräkning table (6 kap. LKBR layout) and mark it
    `{tabell: id, lagkrav: balansrakning}`.
    """
    _missing(report, collector, "balansrakning", "RR703", "en balansräkning", "13 kap. LKBR",
             "Lägg till balansräkningen (tillgångar, eget kapital, avsättningar och skulder, 6 kap. LKBR).")


@rule("RR704", "Statutory interim report: balansräkning without the last year-end")
def statutory_balance_comparison(report, collector):
    """The balansräkning of the statutory interim report shows no column with the
    balance at the end of the previous financial year (a column declared
    `jamforelse: fg_arets_utgang`), or that column has no figures.
    Fix: declare the column, e.g. `bokslut_fg_ar: {rubrik: "31 dec {fg_ar}",
    jamforelse: fg_arets_utgang}`, show it in the table and give its figures.
    """
    _comparison(report, collector, "balansrakning", "fg_arets_utgang", "RR704",
                "per föregående års utgång", "Balansräkningen ska jämföras med föregående års balansdag (RKR R17).")


@rule("RR705", "Statutory interim report: no kassaflödesanalys (recommended)")
def statutory_cash_flow(report, collector):
    """The statutory interim report has no kassaflödesanalys (no table declares
    `lagkrav: kassaflodesanalys`). The law does not require one in the interim
    report, but RKR R17 recommends it; a warning.
    Fix: add the kassaflödesanalys (8 kap. LKBR layout: the operating, investing
    and financing activities, the period's cash flow and liquid assets) and mark it.
    """
    _missing(report, collector, "kassaflodesanalys", "RR705", "en kassaflödesanalys", "rekommenderas i RKR R17",
             "Lägg till kassaflödesanalysen (löpande verksamhet, investerings- och finansieringsverksamhet, 8 kap. LKBR).",
             severity="warning")


@rule("RR706", "Statutory interim report: no förvaltningsberättelse")
def statutory_management_report(report, collector):
    """The statutory interim report has no simplified förvaltningsberättelse: no
    section declares `lagkrav: forvaltningsberattelse` (13 kap. LKBR, RKR R15 and R17).
    Fix: mark the förvaltningsberättelse's heading, e.g.
    `{rubrik: Förvaltningsberättelse, niva: 1, lagkrav: forvaltningsberattelse}`.
    """
    _missing(report, collector, "forvaltningsberattelse", "RR706", "en förenklad förvaltningsberättelse", "13 kap. LKBR",
             "Förvaltningsberättelsen samlar prognosen, balanskravet, målen för god ekonomisk hushållning, "
             "väsentliga händelser och förväntad utveckling.")


@rule("RR707", "Statutory interim report: no forecast of the full-year result")
def statutory_forecast(report, collector):
    """The förvaltningsberättelse of the statutory interim report has no forecast of the
    year's result (no section declares `lagkrav: prognos`). RKR R17 requires the
    full-year result to be assessed against the forecast.
    Fix: mark the table or text with the full-year forecast `lagkrav: prognos`.
    """
    _missing(report, collector, "prognos", "RR707", "en prognos för årets resultat", "RKR R17",
             "Redovisa helårsprognosen för årets resultat, t.ex. en resultattabell med prognoskolumn.")


@rule("RR708", "Statutory interim report: no forecast of the balanskravsresultat")
def statutory_balance_requirement(report, collector):
    """The statutory interim report does not assess the year's balanskravsresultat
    (no section declares `lagkrav: balanskravsresultat`); RKR R17 requires it with
    the forecast of the result.
    Fix: add the balanskravsutredning for the forecast (or a text assessing it) and
    mark it `lagkrav: balanskravsresultat`.
    """
    _missing(report, collector, "balanskravsresultat", "RR708", "en bedömning av balanskravsresultatet", "RKR R17",
             "Redovisa prognosens balanskravsresultat (årets resultat efter balanskravsjusteringar).")


@rule("RR709", "Statutory interim report: no assessment of god ekonomisk hushållning")
def statutory_geh(report, collector):
    """The statutory interim report does not assess whether the result agrees with the
    goals for god ekonomisk hushållning (no section declares
    `lagkrav: god_ekonomisk_hushallning`; 13 kap. LKBR, RKR R17).
    Fix: mark the section that assesses the financial and operational goals, e.g.
    a heading above the goal tables.
    """
    _missing(report, collector, "god_ekonomisk_hushallning", "RR709",
             "en bedömning av målen för god ekonomisk hushållning", "13 kap. LKBR, RKR R17",
             "Bedöm om resultatet är förenligt med fullmäktiges mål för god ekonomisk hushållning.")


@rule("RR710", "Statutory interim report: no händelser av väsentlig betydelse")
def statutory_events(report, collector):
    """The förvaltningsberättelse of the statutory interim report has no section on
    events of significance (händelser av väsentlig betydelse; no section declares
    `lagkrav: vasentliga_handelser`; 13 kap. LKBR, RKR R15).
    Fix: add the text and mark it `{text: id, lagkrav: vasentliga_handelser}`.
    """
    _missing(report, collector, "vasentliga_handelser", "RR710", "händelser av väsentlig betydelse", "13 kap. LKBR",
             "Beskriv händelser under perioden, eller efter den, som är väsentliga för ekonomin och verksamheten.")


@rule("RR711", "Statutory interim report: no förväntad utveckling")
def statutory_outlook(report, collector):
    """The förvaltningsberättelse of the statutory interim report does not describe the
    expected development (förväntad utveckling; no section declares
    `lagkrav: forvantad_utveckling`; 13 kap. LKBR, RKR R15).
    Fix: add the text and mark it `{text: id, lagkrav: forvantad_utveckling}`.
    """
    _missing(report, collector, "forvantad_utveckling", "RR711", "förväntad utveckling", "13 kap. LKBR",
             "Beskriv den förväntade utvecklingen av verksamheten och ekonomin.")
