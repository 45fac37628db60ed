"""The data texts: every comment and text is rendered here as `rapport build` will,
so that `rapport check` finds a broken text with its file and line (compute/texts.py
says what a text may hold and how it is bounded). Only Jinja runs: no pandoc,
typst or matplotlib.
"""
from __future__ import annotations

from ..diagnostics import Diagnostic
from .registry import documented, rule


def data_texts(report):
    """(source map, key path, text) for every text the report renders with the helpers."""
    b, o, org = report.budget, report.outcomes, report.org
    bs, os_, gs = report.budget_smap, report.smap, report.project.org_smap
    for cid, c in b.namnder.items():
        yield bs, ("namnder", cid, "kommentar"), c.kommentar
    for smap, doc in ((bs, b), (os_, o)):
        for pid, p in doc.poster.items():
            yield smap, ("poster", pid, "kommentar"), p.kommentar
        for tid, t in doc.tabeller.items():
            yield smap, ("tabeller", tid, "text"), t.text
            for i, f in enumerate(t.fotnoter):
                yield smap, ("tabeller", tid, "fotnoter", i), f
    for mid, mo in o.matetal.items():
        yield os_, ("matetal", mid, "kommentar"), mo.kommentar
    for aid, a in o.omraden.items():
        yield os_, ("omraden", aid, "text"), a.text
    for uid, u in o.uppdrag.items():
        yield os_, ("uppdrag", uid, "kommentar"), u.kommentar
        for cid, text in u.kommentarer.items():
            yield os_, ("uppdrag", uid, "kommentarer", cid), text
    for kid, k in o.aktiviteter.items():
        yield os_, ("aktiviteter", kid, "kommentar"), k.kommentar
    for tid, text in o.texter.items():
        yield os_, ("texter", tid), text
    for tid, text in org.texter.items():
        yield gs, ("texter", tid), text


@rule("RR622", "Text cannot be rendered")
def texts(report, collector):
    """A text (`kommentar`, `text`, `texter`, a table's `text` or `fotnoter`) does not
    render: a Jinja syntax error, something the text language does not allow (a loop,
    `set`, a filter, an attribute: texts hold only helpers, numbers, arithmetic and
    `{% if %}`), division by zero, arithmetic on text, or a wrong argument to a helper.
    The message gives the line within the file and the key of the text.
    Fix: correct the text; write helpers as `{{ uppfyllda('mal_id') }}`.
    """
    from ..compute.texts import TextError, TextHelpers, is_template  # Jinja's parser only

    ctx = None
    for smap, path, source in data_texts(report):
        if not source or not is_template(source):
            continue
        ctx = ctx or TextHelpers(report)
        try:
            ctx.text(source)
        except TextError as e:
            pos = smap.text_pos(path, e.line)
            collector.add(Diagnostic(smap.file, pos.line, pos.col, e.code,
                                     f"{'.'.join(map(str, path))}: {e.message}", e.hint))


documented("RR623", "Unknown name or id in a text", """
A text names a helper that does not exist (`{{ uppfylda('x') }}`), or gives a
helper a goal, area, category, post or column id that the data does not have
(`{{ antal('vard_for_all') }}`, `{{ belopp('hsn', 'utfal') }}`). It would
otherwise print 0, "–" or nothing. The hint names the nearest valid id.
Checked by `rapport check` through RR622.
Fix: correct the name or the id.
""")
documented("RR624", "Text too long when rendered", """
A text renders to more than 100 000 characters. Texts are bounded so that a
text from a pull request cannot grow without limit (docs/security.md, Limits).
Checked by `rapport check` through RR622.
Fix: shorten the text.
""")
