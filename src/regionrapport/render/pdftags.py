"""Row headers in the PDF's structure tree: what typst 0.15 cannot yet write itself.

A table whose first column labels its rows (a committee, a post: the same tables the DOCX
marks "First column", render/pandoc.py `_row_headers`) gets, in every body row, its first
cell as a row header: TD becomes TH with the table attributes /Scope /Row and an /ID
(entered in the StructTreeRoot's /IDTree, which PDF requires for element IDs), and every
other cell of the row adds that ID to its /Headers after its column header. A screen reader
then announces "Hälso- och sjukvårdsnämnd, Prognos, −1 354" rather than "Prognos, −1 354".

typst has `pdf.header-cell(scope: "row")` only behind its `a11y-extras` feature flag, which
the PyPI binding cannot turn on (docs/accessibility.md). So the build rewrites typst's PDF
with pikepdf (qpdf) while pandoc may still be writing the DOCX. Nothing visible changes:
only structure elements and the cross-reference data are rewritten; content streams, fonts
and images are copied as they are (not decoded), the structure objects go into compressed
object streams, the first part of the file /ID stays and the second is computed from the
content, so an unchanged input gives the same bytes.

Which tables: typst's PDF does not say how a column is aligned, so the typst source does.
Pandoc writes each table as `#table(columns: ..., align: (auto,right,...), ...)`, in the
order of the document, and typst tags them as Table elements in the same order. A table
whose first column is not right-aligned (text, not figures) has row headers, as in the
DOCX. Where the source's tables and the PDF's do not pair up one to one (the same number,
each with as many header cells as columns), the PDF is left as typst wrote it: still valid
PDF/UA-1, only without row headers.
"""
from __future__ import annotations

import contextlib
import io
import re
from typing import Any

# `#table(` as pandoc writes it (an escaped `\#table(` in a text is text); its arguments up to
# the first cell (cells are content blocks: `[`) hold the columns and their alignment.
_TABLE = re.compile(r"(?<!\\)#table\(([^\[]*)")
_COLUMNS = re.compile(r"\bcolumns:\s*(?:(\d+)|\(([^()]*)\))")
_ALIGN = re.compile(r"\balign:\s*\(([^()]*)\)")
_TEXT_ALIGN = {"auto", "left", "start"}


def preload() -> None:
    """Start importing pikepdf in a thread: typst compiles with the GIL released (and in the
    build mostly beside a core left idle once the DOCX is done), so the import overlaps it."""
    import threading

    def load() -> None:
        with contextlib.suppress(ImportError):  # the import in add_row_headers reports it
            import pikepdf  # noqa: F401

    threading.Thread(target=load, name="pikepdf-import", daemon=True).start()


def source_tables(typ: str) -> list[tuple[int, bool]]:
    """Each table of the typst source, in order: (number of columns, whether its first column
    labels the rows). A table whose columns or alignment this cannot read has 0 columns."""
    out = []
    for m in _TABLE.finditer(typ):
        args = m.group(1)
        cols, align = _COLUMNS.search(args), _ALIGN.search(args)
        if cols is None:
            out.append((0, False))
            continue
        n = int(cols.group(1)) if cols.group(1) else len([c for c in cols.group(2).split(",") if c.strip()])
        first = align.group(1).split(",")[0].strip() if align else ""
        out.append((n, n >= 2 and first in _TEXT_ALIGN))
    return out


def _kids(elem) -> list[tuple[Any, str]]:
    """(element, its structure type) for each structure element among an element's kids.

    Written for speed: each access to a pikepdf object is a call into qpdf (and the first one
    parses the object), so every kid is asked once, for its /S."""
    from pikepdf import Array, Dictionary

    k = elem.get("/K")
    out = []
    for kid in (k if isinstance(k, Array) else (k,)):
        if not isinstance(kid, Dictionary):  # a marked-content sequence's number
            continue
        s = kid.get("/S")  # a marked-content or object reference has none
        if s is not None:
            out.append((kid, str(s)))
    return out


def _tables(node) -> list:
    """The Table elements below a node, in document order (not those inside a table).
    A stack, not recursion: the tree is as deep as the data's nesting (lists in quotes in
    lists...), which a pull request chooses."""
    found: list = []
    stack = list(reversed(_kids(node)))
    while stack:
        elem, s = stack.pop()
        if s == "/Table":
            found.append(elem)
        else:
            stack.extend(reversed(_kids(elem)))
    return found


def _rows(table, part: str) -> list[list[tuple[Any, str]]]:
    """The cells of each row of the table's THead or TBody."""
    return [[c for c in _kids(tr) if c[1] in ("/TH", "/TD")]
            for p, s in _kids(table) if s == part for tr, t in _kids(p) if t == "/TR"]


def _table_attrs(cell) -> Any:
    """The cell's attribute dictionary of owner /Table (typst writes one on every cell), or None."""
    from pikepdf import Array, Dictionary

    a = cell.get("/A")
    for attrs in (a if isinstance(a, Array) else (a,)):
        if isinstance(attrs, Dictionary) and attrs.get("/O") == "/Table":
            return attrs
    return None


def _plan(table, columns: int, row_heads: bool) -> list[tuple[Any, Any, list]] | None:
    """(first cell, its table attributes, the other cells' attributes) per body row; None
    where the table is not the source's (its first row has another width), empty where it
    has no row headers or is not a plain grid (a span, a cell without table attributes)."""
    body = _rows(table, "/TBody")
    first = (_rows(table, "/THead") + body)[:1]
    if not first or len(first[0]) != columns:
        return None
    plan: list[tuple[Any, Any, list]] = []
    if not row_heads:
        return plan
    for row in body:
        if len(row) != columns or row[0][1] != "/TD":
            return []
        attrs = [_table_attrs(c) for c, _ in row]
        if any(a is None or ("/RowSpan" in a and a.RowSpan != 1) or ("/ColSpan" in a and a.ColSpan != 1)
               for a in attrs):
            return []
        plan.append((row[0][0], attrs[0], attrs[1:]))
    return plan


def add_row_headers(pdf_bytes: bytes, typ: str) -> bytes:
    """The PDF with row headers in the tables whose first column labels the rows (see above)."""
    wanted = source_tables(typ)
    if not any(rows for _, rows in wanted):
        return pdf_bytes
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        st = pdf.Root.get("/StructTreeRoot")
        if st is None:
            return pdf_bytes
        tables = _tables(st)
        if len(tables) != len(wanted):
            return pdf_bytes
        plans = [_plan(t, n, rows) for t, (n, rows) in zip(tables, wanted, strict=True)]
        if any(p is None for p in plans) or not any(plans):
            return pdf_bytes  # the source's tables are not the PDF's: leave it as typst wrote it
        if "/IDTree" not in st:
            st.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
        ids = pikepdf.NameTree(st.IDTree)
        taken = set(ids.keys())
        for t, plan in enumerate(plans, start=1):
            for r, (first, attrs, others) in enumerate(plan or (), start=1):
                rid = f"rr-t{t}r{r}"
                while rid in taken:
                    rid += "-"
                taken.add(rid)
                ref = pikepdf.String(rid)
                first.S = pikepdf.Name.TH
                first.ID = ref
                attrs.Scope = pikepdf.Name.Row
                ids[rid] = first
                for a in others:
                    if "/Headers" in a:
                        a.Headers.append(ref)
                    else:
                        a.Headers = pikepdf.Array([ref])
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
