"""References between files and ids."""
from __future__ import annotations

import difflib

from ..compute.ledger import parse_term
from . import rule


def _close(word, options) -> str:
    c = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"Menade du '{c[0]}'?" if c else ""


@rule("RR101", "Unknown post, committee or unit")
def unknown_post(report, collector):
    """A `summa`, `kontroll`, `varav` or table row names a post, committee or unit
    id that is declared nowhere (neither in the budget nor in the outcomes file).
    Fix: correct the id (the hint suggests the closest one) or declare the post.
    """
    posts = report.posts
    for pid, p in posts.items():
        for what in ("summa", "varav"):
            terms = p.summa if what == "summa" else p.varav
            if not terms:
                continue
            smap, path = p.where.get(what, p.where["decl"])
            for i, t in enumerate(terms):
                ref = parse_term(t)[1]
                if ref not in posts:
                    collector.add(smap.diag(path + ((i,) if what == "summa" else ("rader", i)), "RR101",
                                            f"{report.ledger.name(pid)}: '{ref}' i {what} finns inte.",
                                            _close(ref, posts) or "Deklarera posten under 'poster'."))
        for k, alt in enumerate(p.kontroll):
            smap, path = p.where[f"kontroll.{k}"]
            for i, t in enumerate(alt):
                ref = parse_term(t)[1]
                if ref not in posts:
                    collector.add(smap.diag(path + (i,), "RR101", f"{report.ledger.name(pid)}: '{ref}' i kontroll finns inte.",
                                            _close(ref, posts)))
    for src, smap in ((report.budget.tabeller, report.budget_smap), (report.outcomes.tabeller, report.smap)):
        for tid, table in src.items():
            for i, row in enumerate(table.rader):
                if isinstance(row, str):
                    refs = [(row, ())]
                elif row.andel is not None:  # a derived row names its posts too
                    refs = [(r, ("andel", k)) for k, r in enumerate(row.andel)]
                else:
                    refs = [(row.post, ("post",)), (row.forandring, ("forandring",))]
                for ref, sub in refs:
                    if ref is not None and ref not in posts:
                        path = ("tabeller", tid, "rader", i) + sub
                        collector.add(smap.diag(path, "RR101", f"Tabell {table.rubrik}: raden '{ref}' finns inte.", _close(ref, posts)))
                shown = [c if isinstance(c, str) else c.kolumn for c in table.kolumner]
                for k, cid in enumerate(getattr(row, "kolumner", None) or []):
                    if cid not in shown:
                        collector.add(smap.diag(("tabeller", tid, "rader", i, "kolumner", k), "RR108",
                                                f"Tabell {table.rubrik}: raden visar kolumnen '{cid}', som tabellen inte har.",
                                                _close(cid, shown) or "Ange kolumner ur tabellens 'kolumner'."))
            for i, col in enumerate(table.kolumner):
                cid = col if isinstance(col, str) else col.kolumn
                if cid not in report.columns and cid != "kommentar":
                    collector.add(smap.diag(("tabeller", tid, "kolumner", i), "RR108",
                                            f"Tabell {table.rubrik}: kolumnen '{cid}' är inte deklarerad.",
                                            _close(cid, report.columns) or "Deklarera den under 'kolumner'."))


@rule("RR102", "Unknown committee")
def unknown_committee(report, collector):
    """An assignment names a responsible committee, or a comment is given for a
    committee, that the budget does not declare under `namnder`.
    Fix: use a committee id from the budget file.
    """
    committees = report.budget.namnder
    for aid, a in report.budget.uppdrag.items():
        for i, c in enumerate(a.ansvar):
            if c not in committees:
                collector.add(report.budget_smap.diag(("uppdrag", aid, "ansvar", i), "RR102",
                                                      f"Uppdraget '{a.text[:50]}': nämnden '{c}' finns inte.", _close(c, committees)))
    for aid, o in report.outcomes.uppdrag.items():
        a = report.budget.uppdrag.get(aid)
        for c in o.kommentarer:
            if c not in committees or (a is not None and c not in a.ansvar):
                collector.add(report.smap.diag(("uppdrag", aid, "kommentarer", c), "RR102",
                                               f"Uppdrag '{aid}': kommentar för '{c}', som inte är ansvarig nämnd.",
                                               _close(c, a.ansvar if a else committees) or "Lägg till nämnden under 'ansvar' i budgeten.",
                                               prefer="key"))


@rule("RR103", "Unknown metric, goal, assignment, area or perspective")
def unknown_goal_refs(report, collector):
    """An outcome is given for a metric or assignment that the budget does not
    declare, or a goal, assignment or assessment names an area, perspective or
    status that organisation.yaml does not define.
    Fix: correct the id, or declare it in the budget / organisation.yaml.
    """
    org, b, o = report.org, report.budget, report.outcomes
    metrics = {mid for g in b.mal.values() for mid in g.matetal}
    for mid in o.matetal:
        if mid not in metrics:
            collector.add(report.smap.diag(("matetal", mid), "RR103", f"Mätetalet '{mid}' finns inte i budgeten.",
                                           _close(mid, metrics), prefer="key"))
    for aid in o.uppdrag:
        if aid not in b.uppdrag:
            collector.add(report.smap.diag(("uppdrag", aid), "RR103", f"Uppdraget '{aid}' finns inte i budgeten.",
                                           _close(aid, b.uppdrag), prefer="key"))
    for aid in o.aktiviteter:
        if aid not in b.aktiviteter:
            collector.add(report.smap.diag(("aktiviteter", aid), "RR103", f"Aktiviteten '{aid}' finns inte i budgeten.",
                                           _close(aid, b.aktiviteter), prefer="key"))
    for gid, g in b.mal.items():
        if g.omrade not in org.omraden:
            collector.add(report.budget_smap.diag(("mal", gid, "omrade"), "RR103", f"Målet '{g.namn}': området '{g.omrade}' finns inte i organisation.yaml.",
                                                  _close(g.omrade, org.omraden)))
    for aid, a in b.uppdrag.items():
        if a.omrade and a.omrade not in org.omraden:
            collector.add(report.budget_smap.diag(("uppdrag", aid, "omrade"), "RR103", f"Uppdraget '{aid}': området '{a.omrade}' finns inte.",
                                                  _close(a.omrade, org.omraden)))
        if a.perspektiv and a.perspektiv not in org.perspektiv:
            collector.add(report.budget_smap.diag(("uppdrag", aid, "perspektiv"), "RR103", f"Uppdraget '{aid}': perspektivet '{a.perspektiv}' finns inte.",
                                                  _close(a.perspektiv, org.perspektiv)))
    for aid, a in b.aktiviteter.items():
        if a.omrade not in org.omraden:
            collector.add(report.budget_smap.diag(("aktiviteter", aid, "omrade"), "RR103", f"Aktiviteten '{aid}': området '{a.omrade}' finns inte.",
                                                  _close(a.omrade, org.omraden)))
    for area, ass in o.omraden.items():
        if area not in org.omraden:
            collector.add(report.smap.diag(("omraden", area), "RR103", f"Området '{area}' finns inte i organisation.yaml.",
                                           _close(area, org.omraden), prefer="key"))
        if ass.bedomning and ass.bedomning not in org.bedomning:
            collector.add(report.smap.diag(("omraden", area, "bedomning"), "RR103", f"Bedömningen '{ass.bedomning}' finns inte i organisation.yaml.",
                                           _close(ass.bedomning, org.bedomning)))
    for aid, a in o.uppdrag.items():
        if a.status not in org.uppdragsstatus:
            collector.add(report.smap.diag(("uppdrag", aid, "status"), "RR103", f"Uppdragsstatusen '{a.status}' finns inte i organisation.yaml.",
                                           _close(a.status, org.uppdragsstatus) or "Statusar: " + ", ".join(org.uppdragsstatus)))
    for oid, area in org.omraden.items():
        if area.perspektiv not in org.perspektiv:
            collector.add(report.project.org_smap.diag(("omraden", oid, "perspektiv"), "RR103",
                                                       f"Området '{oid}': perspektivet '{area.perspektiv}' finns inte.",
                                                       _close(area.perspektiv, org.perspektiv)))


@rule("RR105", "Committee without outcome")
def committee_without_outcome(report, collector):
    """A committee in the budget has no outcome (`utfall`) in the report, and no
    `utan_utfall` says why. A forgotten committee silently drops out of totals.
    Fix: add the committee's outcome under `poster`, or state `utan_utfall` in the budget.
    """
    if report.outcomes.rapport.typ == "budget":
        return
    for cid, c in report.budget.namnder.items():
        p = report.posts.get(cid)
        if p is not None and "utfall" not in p.values and p.summa is None and not p.varav_fullstandig and not c.utan_utfall:
            collector.add(report.budget_smap.diag(("namnder", cid), "RR105", f"{c.namn} saknar utfall i rapporten.",
                                                  f"Lägg till '{cid}: {{utfall: ...}}' under poster i utfallsfilen, eller ange 'utan_utfall' med skäl.",
                                                  prefer="key"))


@rule("RR106", "Duplicate id or figure")
def duplicate_ids(report, collector):
    """The same id is declared twice (a committee and a unit, two units), or one
    figure of a post is given in both the budget and the outcomes file.
    Fix: give every committee, unit and post its own id; store each figure once.
    Raised while merging the files; this entry documents it.
    """


@rule("RR107", "Post without a name")
def post_without_name(report, collector):
    """A post is shown in a table but has no `namn` in either file and no label in the row.
    Fix: add `namn:` to the post.
    """
    shown = set()
    for tables in (report.budget.tabeller, report.outcomes.tabeller):
        for t in tables.values():
            for row in t.rader:
                if isinstance(row, str):
                    shown.add(row)
                elif row.post and not row.namn:
                    shown.add(row.post)
    for pid in shown:
        p = report.posts.get(pid)
        if p is not None and not p.namn:
            smap, path = p.where["decl"]
            collector.add(smap.diag(path, "RR107", f"Posten '{pid}' saknar namn.", "Lägg till 'namn:'.", prefer="key"))


@rule("RR108", "Unknown column")
def unknown_column(report, collector):
    """A table lists a column, or a post gives a value for a column, that is not
    declared in organisation.yaml or the file's own `kolumner`.
    Fix: correct the column id or declare it. (Raised while merging and by RR101's table scan.)
    """


@rule("RR109", "Circular sum")
def circular(report, collector):
    """A post is (directly or through other posts) part of its own sum or breakdown.
    Fix: break the cycle; a total is never a part of itself.
    """
    graph = {}
    for pid, p in report.posts.items():
        refs = [parse_term(t)[1] for t in (p.summa or [])]
        if p.varav_fullstandig:
            refs += list(p.varav)
        graph[pid] = [r for r in refs if r in report.posts]
    state: dict[str, int] = {}

    def visit(n, stack):
        state[n] = 1
        for r in graph.get(n, ()):
            if state.get(r) == 1:
                cyc = stack[stack.index(r):] + [r]
                smap, path = report.posts[n].where.get("summa", report.posts[n].where["decl"])
                collector.add(smap.diag(path, "RR109", "Cirkulär summa: " + " → ".join(cyc), "En summa kan inte ingå i sig själv."))
            elif state.get(r) is None:
                visit(r, stack + [r])
        state[n] = 2

    for n in graph:
        if n not in state:
            visit(n, [n])
