"""A post's own texts (`kommentar`, `fotnot`) must be printed somewhere, or be refused."""
from __future__ import annotations

import re

from .registry import rule
from .rendering import _sections
from .unshown import _TABLE_CALL, _named, reached_templates

# The committee section's template prints each committee's commentary (sektioner/namnder.md.j2).
_COMMITTEE_LOOP = re.compile(r"\bfor\s+\w+\s+in\s+namnder\b")


def _table_rows(report, t) -> set[str]:
    """The posts a table prints as rows (with visa_varav, their breakdowns too)."""
    out: set[str] = set()
    todo = [r if isinstance(r, str) else r.post for r in t.rader]
    while todo:
        pid = todo.pop()
        if pid is None or pid in out or pid not in report.posts:
            continue
        out.add(pid)
        if t.visa_varav:
            todo += report.posts[pid].varav
    return out


@rule("RR571", "A post's own commentary or footnote that nothing prints")
def post_texts(report, collector):
    """A post has a `kommentar` or a `fotnot`, but the report prints neither: no table
    the report shows has the post as a row (a post's footnote goes under every table
    that shows it, its commentary under the first one or in a `kommentar` column), and
    for a committee's commentary no section lists the committees (`namnder`). The text
    was typed for a reader who will never see it.
    Not checked when loading or the rules before it found errors, or when a template
    names its tables through a variable (any table may then be shown).
    Fix: show the post in a table of the report (or, for a committee, add the section
    `namnder`), or move the text to where it is shown (a table's `fotnoter`, a text).
    """
    if collector.errors:
        return
    sections, _, base = _sections(report)
    if base is None:
        return
    templates = reached_templates(report, sections)
    named, dynamic = _named(_TABLE_CALL, templates, 1)
    if dynamic:
        return
    named |= {s["tabell"] for s in sections if isinstance(s, dict) and isinstance(s.get("tabell"), str)}
    in_tables: set[str] = set()
    for tid in named:
        t = report.outcomes.tabeller.get(tid) or report.budget.tabeller.get(tid)
        if t is not None:
            in_tables |= _table_rows(report, t)
    committees_listed = _COMMITTEE_LOOP.search(templates) is not None
    for pid, p in report.posts.items():
        if pid in in_tables:
            continue
        is_committee = pid in report.budget.namnder
        for field in ("kommentar", "fotnot"):
            if not getattr(p, field):
                continue
            if field == "kommentar" and is_committee and committees_listed:
                continue
            smap, path = _where(report, pid, field)
            if smap is None:
                continue
            where = "ingen tabell i rapporten har posten som rad" + (
                " och ingen sektion listar nämnderna (namnder)" if is_committee and field == "kommentar" else "")
            collector.add(smap.diag(path, "RR571", f"{p.namn or pid}: '{field}' skrivs inte ut: {where}.",
                                    "Visa posten i en tabell i rapporten, eller flytta texten dit den syns "
                                    "(tabellens fotnoter eller en text).", prefer="key"))


def _where(report, pid: str, field: str):
    """The file and key path where a post's text is written (the outcomes file first)."""
    for smap, section in ((report.smap, "poster"), (report.budget_smap, "poster"), (report.budget_smap, "namnder")):
        if (section, pid, field) in smap.keys:
            return smap, (section, pid, field)
    return None, None
