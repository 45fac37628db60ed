"""Goal hierarchies, information metrics, status rules, judged statuses and assignment tables (RR540–RR549)."""
from __future__ import annotations

import difflib

from .goals import short
from .registry import documented, rule

# The columns the built-in assignment tables (sektioner/malhierarki.md.j2, uppdrag_bilaga.md.j2) know.
ASSIGNMENT_COLUMNS = ("uppdrag", "ansvarig", "tidplan", "finansiering", "status", "analys")


def _close(word, options) -> str:
    c = difflib.get_close_matches(str(word), sorted(map(str, options)), n=1, cutoff=0.6)
    return f"Menade du '{c[0]}'? " if c else ""


def _metric_places(report):
    """(goal id, goal, metric id, metric) for every metric of the budget."""
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            yield gid, g, mid, mt


@rule("RR540", "A metric's status is the analyst's judgement")
def judged_status(report, collector):
    """Listed for review, not a problem: a metric's status is set by the analyst
    (`bedomd_status` with `skal` in the outcomes file) and differs from the status the
    rules compute. The report shows the judged status with the reason; summaries count
    it. `rapport diff` lists the change of status and of the reason.
    Severity: info (not counted as a warning, so `--strict` still passes).
    Fix: nothing to fix when the judgement stands; remove `bedomd_status` and `skal` to
    show the computed status.
    """
    from ..compute import goals as G

    words = report.org.status
    for res in G.evaluate(report):
        if res.computed is not None and res.computed != res.status:
            new, old = getattr(words, res.status.value).text, getattr(words, res.computed.value).text
            collector.add(report.smap.diag(("matetal", res.id, "bedomd_status"), "RR540",
                                           f"Mätetal '{short(res.name)}': status bedömd som '{new}' (beräknad '{old}'). "
                                           f"Skäl: {short(' '.join(res.reason.split()), 120)}",
                                           "Bedömningen visas i rapporten med skälet; ta bort 'bedomd_status' för "
                                           "den beräknade statusen.", severity="info"))


@rule("RR541", "Judged status without a reason, or a reason without a judged status")
def judgement_needs_reason(report, collector):
    """An analyst's judgement overrides the computed status only with a stated
    reason: `bedomd_status` needs `skal` (a non-empty text), and `skal` alone judges
    nothing. A judgement on an information metric, which has no status, is refused too.
    Fix: add `skal: <why>`, or remove the key that stands alone.
    """
    metrics = {mid: mt for _, _, mid, mt in _metric_places(report)}
    for mid, o in report.outcomes.matetal.items():
        mt = metrics.get(mid)
        if mt is None:
            continue  # an unknown metric: RR103
        name = short(mt.namn)
        if o.bedomd_status and not (o.skal or "").strip():
            collector.add(report.smap.diag(("matetal", mid, "bedomd_status"), "RR541",
                                           f"Mätetal '{name}': bedömd status '{o.bedomd_status}' utan skäl.",
                                           "Ange 'skal: <varför bedömningen avviker från den beräknade statusen>'.",
                                           prefer="key"))
        elif o.skal and not o.bedomd_status:
            collector.add(report.smap.diag(("matetal", mid, "skal"), "RR541",
                                           f"Mätetal '{name}': 'skal' utan 'bedomd_status'.",
                                           "Ange bedömd status (gron, gul eller rod), eller ta bort 'skal'.", prefer="key"))
        elif o.bedomd_status and mt.information:
            collector.add(report.smap.diag(("matetal", mid, "bedomd_status"), "RR541",
                                           f"Mätetal '{name}' är ett informationsmått och har ingen status att bedöma.",
                                           "Ta bort 'bedomd_status' och 'skal'.", prefer="key"))


@rule("RR542", "Judged status equal to the computed one")
def judgement_changes_nothing(report, collector):
    """`bedomd_status` gives the status the rules compute anyway: the judgement changes
    nothing, yet its reason would be printed as if it did.
    Fix: remove `bedomd_status` and `skal`, or correct the judged status.
    """
    from ..compute import goals as G

    for res in G.evaluate(report):
        if res.overridden and res.computed == res.status:
            collector.add(report.smap.diag(("matetal", res.id, "bedomd_status"), "RR542",
                                           f"Mätetal '{short(res.name)}': bedömd status är densamma som den beräknade "
                                           f"('{res.status.value}').",
                                           "Ta bort 'bedomd_status' och 'skal'; den beräknade statusen gäller.",
                                           severity="warning"))


@rule("RR543", "Information metric with a target or status rule")
def information_metric(report, collector):
    """An information metric (`information: true`) is shown without target or status
    and is never counted; a target (`mal`, `malvarden`), thresholds (`trosklar`) or
    margins (`marginal`) on it would be silently ignored.
    Fix: remove the target, or `information: true` to follow the metric against it.
    """
    for gid, g, mid, mt in _metric_places(report):
        if not mt.information:
            continue
        for key in ("mal", "malvarden", "trosklar", "marginal"):
            if getattr(mt, key):
                collector.add(report.budget_smap.diag(("mal", gid, *g.metric_path(mid), key), "RR543",
                                                      f"Mätetal '{short(mt.namn)}' är ett informationsmått men har '{key}'.",
                                                      f"Ta bort '{key}', eller 'information: true' om mätetalet ska följas "
                                                      "upp mot ett mål.", prefer="key"))


@rule("RR544", "Metric refers to a post or column that does not exist")
def metric_post(report, collector):
    """A metric's outcome refers to a ledger figure (`berakning: {post: id, kolumn: ...,
    faktor: ...}`) whose post or column does not exist, or has a conversion factor of 0.
    Fix: correct the post id or column; `faktor` converts the unit (1000 for mnkr → tkr).
    """
    for gid, g, mid, mt in _metric_places(report):
        calc = mt.berakning
        if calc is None:
            continue
        base = ("mal", gid, *g.metric_path(mid), "berakning")
        if calc.post is not None and calc.post not in report.posts:
            collector.add(report.budget_smap.diag((*base, "post"), "RR544",
                                                  f"Mätetal '{short(mt.namn)}': posten '{calc.post}' finns inte.",
                                                  _close(calc.post, report.posts).strip()))
        if calc.kolumn not in report.columns:
            collector.add(report.budget_smap.diag((*base, "kolumn"), "RR544",
                                                  f"Mätetal '{short(mt.namn)}': kolumnen '{calc.kolumn}' finns inte.",
                                                  _close(calc.kolumn, report.columns).strip()))
        if calc.post is not None and calc.faktor == 0:
            collector.add(report.budget_smap.diag((*base, "faktor"), "RR544",
                                                  f"Mätetal '{short(mt.namn)}': faktorn 0 gör utfallet till 0.",
                                                  "Faktorn omvandlar enheten, t.ex. 1000 för mnkr → tkr."))


documented("RR545", "Comparison report missing or broken", """
`rapport.jamforelse` names an earlier report whose goal summary is shown beside
this one's, and that report does not exist, is this report itself, or cannot be
loaded (a syntax error, an unknown key, a sum that does not add up ...). The
earlier report is read with the same loader and checks as any report, one level
deep (its own `jamforelse` is not followed); the message gives its first error
with file:line.
Fix: correct the earlier report (`rapport check <it>`), or the id, or remove `jamforelse`.
""")


@rule("RR546", "Duplicate metric id in the goal hierarchy")
def duplicate_metric(report, collector):
    """A metric id is declared twice: under two goals or success factors. The report's
    outcomes are keyed by the metric id, so both would show the same outcome.
    Fix: give each metric its own id.
    """
    seen: dict[str, str] = {}
    for gid, g in report.budget.mal.items():
        places: list[tuple] = [("matetal", mid) for mid in g.matetal]
        places += [("framgangsfaktorer", fid, "matetal", mid) for fid, f in g.framgangsfaktorer.items() for mid in f.matetal]
        for place in places:
            mid = place[-1]
            where = f"{gid}/{'/'.join(map(str, place[1:-2]))}" if len(place) > 2 else gid
            if mid in seen:
                collector.add(report.budget_smap.diag(("mal", gid, *place), "RR546",
                                                      f"Mätetalet '{mid}' finns redan under '{seen[mid]}'.",
                                                      "Ge mätetalet ett eget id.", prefer="key"))
            else:
                seen[mid] = where


@rule("RR547", "Unknown goal, success factor or perspective in the hierarchy")
def hierarchy_refs(report, collector):
    """An assignment is attached (`mal`) to a goal or success factor the budget does
    not declare, or a section `{perspektiv: id}` names a perspective that
    organisation.yaml does not define (reported with the section list).
    Fix: use a goal id (`mal.<id>`) or success factor id (`framgangsfaktorer.<id>`).
    """
    b = report.budget
    known = set(b.mal) | {fid for g in b.mal.values() for fid in g.framgangsfaktorer}
    for aid, a in b.uppdrag.items():
        if a.mal is not None and a.mal not in known:
            collector.add(report.budget_smap.diag(("uppdrag", aid, "mal"), "RR547",
                                                  f"Uppdraget '{short(a.text, 50)}': målet '{a.mal}' finns inte.",
                                                  _close(a.mal, known) + "Ange ett mål eller en framgångsfaktor i budgeten."))


@rule("RR548", "Unknown assignment-table column")
def assignment_columns(report, collector):
    """`uppdragskolumner` in organisation.yaml names a column the built-in assignment
    tables do not know.
    Fix: use uppdrag, ansvarig, tidplan, finansiering, status or analys.
    """
    for i, c in enumerate(report.org.uppdragskolumner or ()):
        if c not in ASSIGNMENT_COLUMNS:
            collector.add(report.project.org_smap.diag(("uppdragskolumner", i), "RR548",
                                                       f"Uppdragskolumnen '{c}' finns inte.",
                                                       _close(c, ASSIGNMENT_COLUMNS) + "Kolumner: "
                                                       + ", ".join(ASSIGNMENT_COLUMNS) + "."))


@rule("RR780", "Metric outcome from the ledger out of range")
def metric_outcome_range(report, collector):
    """A metric's outcome is computed from the ledger (`berakning: {post: id, faktor: ...}`
    or `berakning: {andel: [del, helhet]}`) and comes out beyond any real figure: more
    than 10^15 in size, e.g. a `faktor` of 10^14 for a conversion from mnkr to tkr, or a
    share of a whole that is almost 0. The report could not print it. Every figure the
    data gives is bounded the same way (RR620).
    Fix: correct `faktor` (1000 converts mnkr to tkr) or the posts the metric names.
    """
    from ..compute.goals import metric_outcome
    from ..load import MAX_NUMBER

    for gid, g, mid, mt in _metric_places(report):
        calc = mt.berakning
        if calc is None or any(p not in report.posts for p in calc.posts()):
            continue  # RR544
        try:
            v = metric_outcome(mt, report.outcomes.matetal.get(mid), report.ledger)
        except (KeyError, ValueError, ArithmeticError):
            continue
        if v is not None and not (-MAX_NUMBER <= v <= MAX_NUMBER):
            key = "faktor" if calc.post is not None and "faktor" in calc.model_fields_set else (
                "post" if calc.post is not None else "andel")
            collector.add(report.budget_smap.diag(
                ("mal", gid, *g.metric_path(mid), "berakning", key), "RR780",
                f"Mätetal '{short(mt.namn)}': utfallet räknas fram till {v:.4g}, mer än 10^15 till beloppet.",
                "Kontrollera 'faktor' (1000 omvandlar mnkr till tkr) och posterna som beräkningen nämner."))
