"""References between files and ids."""
from __future__ import annotations

import difflib

from ..compute.ledger import DECL, SUMMA, VARAV, Where, parse_term
from .registry import rule


def _close(word, options) -> str:
    c = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f"Menade du '{c[0]}'?" if c else ""


@rule("RR101", "Unknown post, committee or unit")
def unknown_post(report, collector):  # noqa: C901 - one section per kind of reference (summa, kontroll, varav, tables, units)
    """A `summa`, `kontroll`, `varav` or table row names a post, committee or unit
    id that is declared nowhere (neither in the budget nor in the outcomes file);
    or the outcomes file gives figures for a post that the budget does not declare
    and that has no name and is used nowhere (a misspelt unit id: its figures would
    silently vanish).
    Fix: correct the id (the hint suggests the closest one) or declare the post.
    """
    posts = report.posts
    for pid, p in posts.items():
        for what in ("summa", "varav"):
            terms = p.summa if what == "summa" else p.varav
            if not terms:
                continue
            smap, path = p.where.get(Where(what), p.where[DECL])
            for i, t in enumerate(terms):
                ref = parse_term(t)[1]
                if ref not in posts:
                    collector.add(smap.diag(path + ((i,) if what == "summa" else ("rader", i)), "RR101",
                                            f"{report.ledger.name(pid)}: '{ref}' i {what} finns inte.",
                                            _close(ref, posts) or "Deklarera posten under 'poster'."))
        for k, alt in enumerate(p.kontroll):
            smap, path = p.where[Where("kontroll", k)]
            for i, t in enumerate(alt):
                ref = parse_term(t)[1]
                if ref not in posts:
                    collector.add(smap.diag((*path, i), "RR101", f"{report.ledger.name(pid)}: '{ref}' i kontroll finns inte.",
                                            _close(ref, posts)))
    for pid, meant in misspelt_posts(report).items():
        collector.add(report.smap.diag(("poster", pid), "RR101",
                                       f"Posten '{pid}' finns inte i budgeten och används ingenstans.",
                                       (f"Menade du '{meant}'? " if meant else "")
                                       + "En ny post behöver 'namn:' och en plats i en tabell eller summa.", prefer="key"))
    for sid, series in report.outcomes.serier.items():
        path = ("serier", sid)
        if series.post is not None and series.post not in posts:
            collector.add(report.smap.diag((*path, "post"), "RR101", f"Serien '{series.namn}': posten '{series.post}' finns inte.",
                                           _close(series.post, posts)))
        if series.kolumner and series.post is None:
            collector.add(report.smap.diag((*path, "kolumner"), "RR101", f"Serien '{series.namn}' anger kolumner men ingen post.",
                                           "Ange 'post:' vars värden serien ska visa."))
        for key, col in series.kolumner.items():
            if col not in report.columns:
                collector.add(report.smap.diag((*path, "kolumner", key), "RR108", f"Serien '{series.namn}': kolumnen '{col}' är inte deklarerad.",
                                               _close(col, report.columns)))
            if key in series.varden:
                collector.add(report.smap.diag((*path, "varden", key), "RR106",
                                               f"Serien '{series.namn}': värdet för {key} anges både under 'varden' och genom posten.",
                                               "Varje siffra lagras en gång: ta bort det ena.", prefer="key"))
    for src, smap in ((report.budget.tabeller, report.budget_smap), (report.outcomes.tabeller, report.smap)):
        for tid, table in src.items():
            for i, row in enumerate(table.rader):
                refs: list[tuple[str | None, tuple]]
                if isinstance(row, str):
                    refs = [(row, ())]
                elif row.andel is not None:  # a derived row names its posts too
                    refs = [(r, ("andel", k)) for k, r in enumerate(row.andel)]
                else:
                    refs = [(row.post, ("post",)), (row.forandring, ("forandring",))]
                for row_ref, sub in refs:
                    if row_ref is not None and row_ref not in posts:
                        path = ("tabeller", tid, "rader", i, *sub)
                        collector.add(smap.diag(path, "RR101", f"Tabell {table.rubrik}: raden '{row_ref}' finns inte.",
                                                _close(row_ref, posts)))
                shown = [c if isinstance(c, str) else c.kolumn for c in table.kolumner]
                for k, cid in enumerate(getattr(row, "kolumner", None) or []):
                    if cid not in shown:
                        collector.add(smap.diag(("tabeller", tid, "rader", i, "kolumner", k), "RR108",
                                                f"Tabell {table.rubrik}: raden visar kolumnen '{cid}', som tabellen inte har.",
                                                _close(cid, shown) or "Ange kolumner ur tabellens 'kolumner'."))
                for shown_col, post_col in (getattr(row, "kolumnkalla", None) or {}).items():
                    at = ("tabeller", tid, "rader", i, "kolumnkalla", shown_col)
                    if shown_col not in shown and all(c in report.columns or c == "kommentar" for c in shown):
                        collector.add(smap.diag(at, "RR108", f"Tabell {table.rubrik}: raden visar kolumnen '{shown_col}', som tabellen inte har.",
                                                _close(shown_col, shown) or "Ange kolumner ur tabellens 'kolumner'.", prefer="key"))
                    if post_col not in report.columns:
                        collector.add(smap.diag(at, "RR108", f"Tabell {table.rubrik}: kolumnen '{post_col}' är inte deklarerad.",
                                                _close(post_col, report.columns) or "Deklarera den under 'kolumner'."))
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
    committees = {**report.budget.namnder, **report.budget.ansvariga}  # a beredning may be responsible too
    for aid, a in report.budget.uppdrag.items():
        for i, c in enumerate(a.ansvar):
            if c not in committees:
                collector.add(report.budget_smap.diag(("uppdrag", aid, "ansvar", i), "RR102",
                                                      f"Uppdraget '{a.text[:50]}': nämnden '{c}' finns inte.",
                                                      _close(c, committees) or "Ansvariga som inte är nämnder (en "
                                                      "beredning) deklareras under 'ansvariga' i budgeten."))
    for aid, o in report.outcomes.uppdrag.items():
        a = report.budget.uppdrag.get(aid)
        if a is None or any(c not in committees for c in a.ansvar):
            continue  # an unknown assignment (RR103) or a wrong 'ansvar' (above) is the problem to fix
        for c in o.kommentarer:
            if c not in a.ansvar:
                known = c in committees
                collector.add(report.smap.diag(("uppdrag", aid, "kommentarer", c), "RR102",
                                               f"Uppdrag '{aid}': kommentar för '{c}', som "
                                               + ("inte är ansvarig nämnd för uppdraget." if known else "inte är någon nämnd i budgeten."),
                                               _close(c, a.ansvar) or f"Ansvariga nämnder: {', '.join(a.ansvar)}. "
                                               "Lägg till nämnden under 'ansvar' i budgeten om den är ansvarig.",
                                               prefer="key"))


@rule("RR103", "Unknown metric, goal, assignment, area or perspective")
def unknown_goal_refs(report, collector):  # noqa: C901 - one section per kind of reference (metrics, assignments, areas, perspectives)
    """An outcome is given for a metric or assignment that the budget does not
    declare, or a goal, assignment or assessment names an area, perspective or
    status that organisation.yaml does not define.
    Fix: correct the id, or declare it in the budget / organisation.yaml.
    """
    org, b, o = report.org, report.budget, report.outcomes
    metrics = {mid for g in b.mal.values() for mid in g.all_metrics()}
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
        if g.omrade is not None and g.omrade not in org.omraden:
            collector.add(report.budget_smap.diag(("mal", gid, "omrade"), "RR103", f"Målet '{g.namn}': området '{g.omrade}' finns inte i organisation.yaml.",
                                                  _close(g.omrade, org.omraden)))
    for gid, g in b.mal.items():
        if g.perspektiv is not None and g.perspektiv not in org.perspektiv:
            collector.add(report.budget_smap.diag(("mal", gid, "perspektiv"), "RR103", f"Målet '{g.namn}': perspektivet '{g.perspektiv}' finns inte i organisation.yaml.",
                                                  _close(g.perspektiv, org.perspektiv)))
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
    area_smap = report.project.org_smap if b.omraden is None else report.budget_smap  # the budget's own areas
    for oid, area in org.omraden.items():
        if area.perspektiv not in org.perspektiv:
            collector.add(area_smap.diag(("omraden", oid, "perspektiv"), "RR103",
                                                       f"Området '{oid}': perspektivet '{area.perspektiv}' finns inte.",
                                                       _close(area.perspektiv, org.perspektiv)))


@rule("RR105", "Committee without outcome")
def committee_without_outcome(report, collector):
    """A committee in the budget has no outcome (`utfall`) in the report, neither
    stored nor derivable from its units, and no `utan_utfall` says why. A forgotten
    committee silently drops out of every total. (When only some of its units lack
    an outcome, RR111 names them.)
    A committee whose figures in the report are deviations only (the committee or its
    `varav` rows store figures in the outcomes file, none of them an outcome or a
    period budget) is reported that way on purpose, and is not flagged: a table of
    period and forecast deviations needs no `utan_utfall` on every committee.
    Fix: add the outcome under `poster` in the outcomes file, or state `utan_utfall`
    (the reason) for the committee in the budget.
    """
    kind = report.org.rapporttyper.get(report.outcomes.rapport.typ)
    if kind is not None and kind.framatblickande:
        return
    led, posts = report.ledger, report.posts
    misspelt = set(misspelt_posts(report).values())
    stored = report.outcomes.poster
    for cid, c in report.budget.namnder.items():
        p = posts.get(cid)
        if p is None or c.utan_utfall or led.get(cid, "utfall") is not None or "utfall" in p.values:
            continue
        mine = [stored[k].values() for k in (cid, *(p.varav or ())) if k in stored]
        given = {col for values in mine for col in values}
        if given and not given & {"utfall", "budget"}:
            continue  # deviations only, by design (a committee table of period and forecast deviations)
        if _value_rejected(report, cid, "utfall"):
            continue  # the value is there but invalid: already reported where it stands
        rows = [r for r in p.varav if r in posts] if p.varav and p.varav_fullstandig else []
        if len(rows) < (len(p.varav) if p.varav_fullstandig else 0):
            continue  # an unknown row (RR101) is what breaks the sum
        missing = [r for r in rows if led.get(r, "utfall") is None]
        if missing and len(missing) < len(rows):
            continue  # some units have an outcome: RR111 names those that lack one
        if any(r in misspelt for r in p.varav) or cid in misspelt:
            continue
        collector.add(report.budget_smap.diag(("namnder", cid), "RR105", f"{c.namn} saknar utfall i rapporten.",
                                              f"Lägg till '{cid}: {{utfall: ...}}' under poster i utfallsfilen, eller ange 'utan_utfall' med skäl.",
                                              prefer="key"))


@rule("RR111", "Breakdown row without a figure the other rows have")
def incomplete_breakdown(report, collector):
    """In a committee's complete breakdown (`varav` with `fullstandig: true`), one
    unit lacks a figure that the other units give: a unit without outcome while
    its siblings have one. The total is then derived some other way (or not at all) and the
    row shows blank in the tables without anyone having decided so.
    Fix: add the figure, or write `null` for it when the source shows '–'.
    """
    led, posts = report.ledger, report.posts
    misspelt = set(misspelt_posts(report).values())
    for pid, p in posts.items():
        # Committees only: elsewhere (investment plans) a blank year is the source's own '–'.
        if not (p.varav and p.varav_fullstandig and p.kind == "namnd"):
            continue
        rows = [r for r in p.varav if r in posts]
        for col in report.columns:
            # Stored figures only: a derived one is missing because a stored one is (reported there).
            have = [r for r in rows if col in posts[r].values]
            if not have or len(have) == len(rows):
                continue
            for r in rows:
                if r in have or r in misspelt or _value_rejected(report, r, col):
                    continue
                smap, path = (report.smap, ("poster", r)) if r in report.outcomes.poster else posts[r].where[DECL]
                collector.add(smap.diag(path, "RR111", f"{led.name(r)} saknar {col}, som de andra raderna i {led.name(pid)} har.",
                                        f"Lägg till '{col}: ...' under '{r}', eller '{col}: null' om källan visar '–'.",
                                        prefer="key"))


def _value_rejected(report, pid: str, col: str) -> bool:
    """True when a file gives pid a value that validation refused, for col or under
    an unknown key (a misspelt `utfal:`): already reported where it stands."""
    for src in (report.outcomes.poster, report.budget.poster):
        post = src.get(pid)
        if post is not None and any(k not in report.posts[pid].values for k in post.values()):
            return True
    return False


def misspelt_posts(report) -> dict[str, str]:
    """Posts in the outcomes file that nothing declares, names or uses, mapped to the
    declared id they most resemble: almost always a typo of a budget id."""
    b = report.budget
    declared = set(b.namnder) | {u for c in b.namnder.values() for u in c.enheter} | set(b.poster)
    used: set[str | None] = set()
    for p in report.posts.values():
        used.update(parse_term(t)[1] for t in (p.summa or []))
        used.update(p.varav)
        used.update(parse_term(t)[1] for alt in p.kontroll for t in alt)
    for tables in (b.tabeller, report.outcomes.tabeller):
        for t in tables.values():
            for r in t.rader:
                if isinstance(r, str):
                    used.add(r)
                else:
                    used.update([r.post, getattr(r, "forandring", None), *(getattr(r, "andel", None) or [])])
    out = {}
    for pid, post in report.outcomes.poster.items():
        if pid in declared or pid in used or post.namn:
            continue
        close = difflib.get_close_matches(pid, sorted(declared), n=1, cutoff=0.6)
        out[pid] = close[0] if close else ""
    return out


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
            smap, path = p.where[DECL]
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
    # Depth-first without recursion (a chain of thousands of sums must not meet Python's
    # recursion limit); `stack` is the current path and `on_path` its index, so a cycle
    # is cut out of it without copying the path at every step.
    state: dict[str, int] = {}
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        stack, on_path, its = [root], {root: 0}, [iter(graph[root])]
        while its:
            n = stack[-1]
            for r in its[-1]:
                if state.get(r) == 1:
                    cyc = [*stack[on_path[r]:], r]
                    # Point at the first post of the cycle (the earliest the search met) and its
                    # term that leads on into the cycle.
                    start, nxt = report.posts[cyc[0]], cyc[1]
                    terms = [parse_term(t)[1] for t in (start.summa or [])]
                    smap, path = start.where.get(SUMMA) or start.where.get(VARAV) or start.where[DECL]
                    if nxt in terms:
                        path = (*path, terms.index(nxt))
                    names = [report.ledger.name(c) for c in cyc]
                    if len(names) > 12:  # a long cycle: its ends say where it closes
                        names = [*names[:6], f"… ({len(cyc) - 10} till) …", *names[-4:]]
                    collector.add(smap.diag(path, "RR109", "Cirkulär summa: " + " → ".join(names),
                                            "En summa kan inte ingå i sig själv: ta bort termen som leder tillbaka."))
                elif state.get(r) is None:
                    state[r] = 1
                    on_path[r] = len(stack)
                    stack.append(r)
                    its.append(iter(graph.get(r, ())))
                    break
            else:
                state[n] = 2
                del on_path[n]
                stack.pop()
                its.pop()
