"""Defined and never shown: a table, text, series or post of the report's file that
no section renders. Decided from the section list and the templates' text (no
rendering): the templates the report reaches are read and their literal
references collected (`tabell('id')`, `texter.id`, `diagram.kostnader`,
`belopp('id')` in the report's texts). Where a template names a table or a text
by a variable other than the section entry's own, it could show any of them and
none is reported.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..compute.ledger import DECL, parse_term
from .registry import rule
from .rendering import BUILTIN_TEMPLATES, _sections

_INCLUDE = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+(['"])([^'"]+)\1""")
_TABLE_CALL = re.compile(r"""\btabell\(\s*([^)]*?)\s*\)""")
_TEXT_REF = re.compile(r"""\btexter(?:\.(\w+)|\[\s*([^\]]*?)\s*\])""")
_AMOUNT_REF = re.compile(r"""\bbelopp\(\s*(['"])(\w+)\1""")
_LITERAL = re.compile(r"""^(['"])(\w+)\1$""")
# The section entry's own table or text (sektion.md.j2: tabell(s.tabell), texter[s.text]):
# what it names is in the section list already.
_SECTION_ARG = {"s.tabell", "s.text", "s['tabell']", "s['text']", 's["tabell"]', 's["text"]'}
SERIES_CHART = "kostnader"  # = the chart of render/charts.py that draws the series


def _template_text(report, name: str) -> str | None:
    for folder in (report.project.templates_dir, BUILTIN_TEMPLATES):
        path = folder / name
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    return None


def reached_templates(report, sections) -> str:
    """The text of every template this report can reach, joined: the report kind's
    template, the section templates and what they include by a literal name."""
    typ = report.outcomes.rapport.typ
    todo = [f"{typ}.md.j2", "rapport.md.j2", "sektion.md.j2", "metadata.md.j2"]
    todo += [f"sektioner/{s}.md.j2" for s in sections if isinstance(s, str)]
    seen: dict[str, str] = {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        text = _template_text(report, name)
        seen[name] = text or ""
        if text:
            todo += [m.group(2) for m in _INCLUDE.finditer(text)]
    return "\n".join(seen.values())


def _named(pattern: re.Pattern, text: str, group: int) -> tuple[set[str], bool]:
    """Literal ids a template names, and whether it also names one through a variable."""
    names, dynamic = set(), False
    for m in pattern.finditer(text):
        arg = m.group(group)
        if arg is None:
            continue
        lit = _LITERAL.match(arg.strip())
        if lit:
            names.add(lit.group(2))
        elif arg.strip() not in _SECTION_ARG:
            dynamic = True
    return names, dynamic


def _quoted_posts(text: str) -> set[str]:
    """Post ids quoted as belopp('id') (a split first: a regex over the whole file cost ~7 ms)."""
    chunks = text.split("belopp(")[1:]
    return {m.group(2) for c in chunks if (m := _AMOUNT_REF.match("belopp(" + c[:80]))}


def _row_posts(report, t) -> set[str]:
    """The posts a table's rows show, with visa_varav their breakdowns too: without
    recursion (a chain of varav rows deeper than Python's recursion limit)."""
    todo: list[str] = []
    for row in t.rader:
        if isinstance(row, str):
            todo.append(row)
        elif row.post is not None:
            todo.append(row.post)
        elif row.forandring is not None:
            todo.append(row.forandring)
        elif row.andel is not None:
            todo += row.andel
    out: set[str] = set()
    while todo:
        pid = todo.pop()
        if pid in out or pid not in report.posts:
            continue
        out.add(pid)
        if t.visa_varav:
            todo += report.posts[pid].varav
    return out


def _feeds(p) -> list[str]:
    """The posts a post is computed from or checked against."""
    terms = list(p.summa or []) + list(p.varav) + [t for alt in p.kontroll for t in alt]
    return [parse_term(t)[1] for t in terms]


@rule("RR510", "Defined and never shown")
def unshown(report, collector):  # noqa: C901 - one section per kind of definition (tables, texts, series, posts)
    """The report's file declares a table (`tabeller`), a text (`texter`), a chart
    series (`serier`) or a post (`poster`) that nothing in the report shows: no
    section names it, no template the report reaches refers to it, no shown
    table has it as a row, no shown post is computed from it and no text quotes
    it with `belopp('id')`. Its figures were typed for nothing, or a section is
    missing from the list (this is how a report loses an obligatory table).
    Posts declared in the budget file are not reported (another report of the
    same budget may show them), nor posts that only feed a shown sum.
    Not reported when loading or the rules before it (RR0xx–RR508) found errors:
    fixing them (a misspelt id, an unknown report kind) changes what is shown.
    Fix: add the table or text to the section list (organisation.yaml
    `rapporttyper.<typ>.sektioner` or the report's `rapport.sektioner`), quote
    the post in a text or a table, or remove what is not needed.
    """
    if collector.errors:
        return
    o, smap = report.outcomes, report.smap
    sections, _, base = _sections(report)
    if base is None:
        return  # no section list: nothing to compare with (RR501 says why)
    templates = reached_templates(report, sections)
    tables_named, tables_dynamic = _named(_TABLE_CALL, templates, 1)
    texts_named, texts_dynamic = set(), False
    for m in _TEXT_REF.finditer(templates):
        lit = _LITERAL.match(m.group(2) or "")
        if m.group(1):
            texts_named.add(m.group(1))
        elif lit:
            texts_named.add(lit.group(2))
        elif m.group(2) not in _SECTION_ARG:
            texts_dynamic = True
    for s in sections:
        if isinstance(s, dict):
            if isinstance(s.get("tabell"), str):
                tables_named.add(s["tabell"])
            if isinstance(s.get("text"), str):
                texts_named.add(s["text"])

    shown_tables = set(o.tabeller) | set(report.budget.tabeller) if tables_dynamic else tables_named
    for tid in o.tabeller:
        if tid not in shown_tables:
            collector.add(smap.diag(("tabeller", tid), "RR510", f"Tabellen '{tid}' visas inte i rapporten: ingen sektion tar med den.",
                                    "Lägg till {tabell: " + tid + "} i sektionslistan, eller ta bort tabellen.",
                                    severity="warning", prefer="key"))
    if not texts_dynamic:
        for xid in o.texter:
            if xid not in texts_named:
                collector.add(smap.diag(("texter", xid), "RR510", f"Texten '{xid}' visas inte i rapporten: ingen sektion tar med den.",
                                        "Lägg till {text: " + xid + "} (eller {tabell: id, text: " + xid + "}) i sektionslistan, "
                                        "eller ta bort texten.", severity="warning", prefer="key"))
    charts_shown = re.search(r"\bdiagram(?:\.|\[\s*['\"])" + SERIES_CHART + r"\b", templates) is not None
    first_unit = next(iter(o.serier.values())).enhet if o.serier else None
    for sid, s in o.serier.items():
        if not charts_shown or s.enhet != first_unit:
            why = "ingen sektion ritar diagrammet" if not charts_shown else f"diagrammet visar bara serier i {first_unit}"
            collector.add(smap.diag(("serier", sid), "RR510", f"Serien '{sid}' visas inte i rapporten: {why}.",
                                    "Lägg till diagrammets sektion i sektionslistan, eller ta bort serien.",
                                    severity="warning", prefer="key"))

    # Posts: what the shown tables, texts, series and metrics use, and everything that feeds them.
    shown: set[str] = set()
    for tid in shown_tables:
        t = o.tabeller.get(tid) or report.budget.tabeller.get(tid)
        if t is not None:
            shown |= _row_posts(report, t)
    for path in report.files:
        try:
            shown |= _quoted_posts(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    shown |= _quoted_posts(templates)
    if charts_shown:
        shown |= {s.post for s in o.serier.values() if s.post}
    for g in report.budget.mal.values():
        for mt in g.all_metrics().values():
            if mt.berakning is not None:
                shown |= set(mt.berakning.posts())
    todo = list(shown)
    while todo:
        p = report.posts.get(todo.pop())
        for term in _feeds(p) if p is not None else ():
            if term not in shown:
                shown.add(term)
                todo.append(term)
    mine = [pid for pid, p in report.posts.items() if p.where.get(DECL, (None,))[0] is smap]
    unshown_posts = [pid for pid in mine if pid not in shown]
    fed = {t for pid in unshown_posts for t in _feeds(report.posts[pid])}
    # the rows of a table that is not shown are reported through the table
    fed |= {pid for tid, t in o.tabeller.items() if tid not in shown_tables for pid in _row_posts(report, t)}
    for pid in unshown_posts:
        if pid in fed:
            continue  # reported through the post it feeds
        p = report.posts[pid]
        collector.add(smap.diag(("poster", pid), "RR510",
                                f"Posten '{p.namn or pid}' ({pid}) visas inte i rapporten: ingen visad tabell eller text använder den.",
                                "Ta med posten i en tabell som visas, citera den med {{ belopp('" + pid + "') }} i en text, "
                                "eller ta bort den.", severity="warning", prefer="key"))
