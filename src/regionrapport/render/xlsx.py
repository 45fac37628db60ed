"""The report's tables as an Excel workbook (`rapport build --format xlsx`).

The workbook is made from the tables the templates wrote into the Markdown
(render/markdown.py hands over each pipe_table/amounts_table call with what it
was given), in the order and with the captions and numbers ("Tabell 3") of the
DOCX and PDF, which are made from the same Markdown. No figure is computed
here: a cell is the figure the report prints, read back from the table's own
cell text exactly as numbers.py wrote it (`−1 956`, `0,19`, `+18`, `87,6 %`,
`47 mnkr`), stored as a number with an Excel number format that shows it the
same way (thousands grouped, as many decimals as the report prints, percent as
percent, a plus sign where the column has one). Anything else is text: a missing
figure (`–`, `saknas`) stays the text "–", so a formula over it fails instead
of reading it as zero. docs/xlsx.md describes the layout.

openpyxl is imported only here, and this module only by a build that asks for xlsx.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..numbers import MINUS, NBSP
from ..style import DEFAULT_ACCENT
from .markdown import cell_text
from .pandoc import header_tint

MAX_SHEET_NAME = 31  # Excel's limit
MAX_CELL_TEXT = 32767  # Excel's limit of a cell's text
MAX_DIGITS = 15  # Excel keeps 15 significant digits: a longer figure stays text, as printed
# C0 control characters other than tab and line breaks: not allowed in the file's XML (openpyxl refuses them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# A figure as numbers.py writes it: sign, digits grouped by no-break spaces, decimal comma, unit.
_FIGURE = re.compile(r"^(?P<sign>[+" + MINUS + r"])?(?P<int>\d{1,3}(?:" + NBSP + r"\d{3})*)(?:,(?P<frac>\d+))?"
                     r"(?:" + NBSP + r"(?P<unit>[^\d\"\s][^\"]{0,19}))?$")
_STRONG = re.compile(r"^\*\*(?=\S)(.+?)(?<=\S)\*\*$")
_EMPH = re.compile(r"^\*(?=\S)(.+?)(?<=\S)\*$")
_CAPTION = re.compile(r"(?m)^: (.+)$")
_TABLE_CAPTION = re.compile(r"(?m)^\|[^\n]*\|\n\n: ")  # a pipe table's last row, a blank line, its caption


@dataclass
class Cell:
    value: float | str | None  # None: an empty cell
    number_format: str = "General"
    bold: bool = False
    italic: bool = False


@dataclass
class Row:
    cells: list[Cell]
    style: str = "normal"  # normal, summa, rubrik, varav, kursiv (the table model's `stil`)
    level: int = 0  # varav depth: the label's indent


@dataclass
class Table:
    number: int | None  # "Tabell n" as Word and typst number it; None: no caption
    caption: str
    headers: list[str]
    numeric: list[bool]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)


def plain(markdown: str) -> str:
    """A cell's Markdown as the text a reader sees (markdown.cell_text), or with its markup stripped."""
    parsed = cell_text(markdown)
    text = parsed[0] if parsed is not None else re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("*", ""))
    text = _CONTROL.sub("", text.replace("\u00ad", ""))
    return re.sub(r"[ \t\n\u2003]+", " ", text).strip()[:MAX_CELL_TEXT]  # no-break spaces stay


def number_format(decimals: int, percent: bool = False, unit: str = "", plus: bool = False) -> str:
    """An Excel format code showing a figure as the report does: grouped thousands, `decimals`
    decimals, a minus for negatives, zero without sign; percent and a unit as written after it."""
    base = "#,##0" + ("." + "0" * decimals if decimals else "")
    suffix = r"\ %" if percent else (' "' + unit + '"' if unit else "")
    return f"{'+' if plus else ''}{base}{suffix};-{base}{suffix};{base}{suffix}"


def figure(text: str) -> Cell:
    """One cell's text as the report prints it -> a number with its format, or text."""
    bold = italic = False
    m = _STRONG.match(text)
    if m:
        bold, text = True, m.group(1)
    else:
        m = _EMPH.match(text)
        if m:
            italic, text = True, m.group(1)
    shown = text.strip()
    if not shown:
        return Cell(None, bold=bold, italic=italic)
    m = _FIGURE.match(shown)
    if m is None:
        return Cell(plain(shown), bold=bold, italic=italic)
    digits = m.group("int").replace(NBSP, "") + ("." + m.group("frac") if m.group("frac") else "")
    if len(digits.replace(".", "").lstrip("0")) > MAX_DIGITS:  # Excel would round it, or store inf as nothing
        return Cell(plain(shown), bold=bold, italic=italic)
    value = Decimal(digits) * (-1 if m.group("sign") == MINUS else 1)
    unit = m.group("unit") or ""
    percent = unit == "%"
    if percent:
        value /= 100
    decimals = len(m.group("frac") or "")
    fmt = number_format(decimals, percent, "" if percent else unit, m.group("sign") == "+")
    return Cell(float(value), fmt, bold, italic)


def _amounts_rows(view: dict) -> tuple[list[str], list[bool], list[Row]]:
    headers = [plain(h) for h in (view["enhet"], *view["kolumner"])]
    numeric = [False] + [not t for t in view["textkolumner"]]
    rows = []
    for r in view["rader"]:
        style = r["stil"]
        label = Cell(plain(r["label"]) if r["label"] else None, bold=style in ("summa", "rubrik"),
                     italic=style in ("varav", "kursiv"))
        cells = [label]
        for text, num in zip(r["cells"], numeric[1:], strict=False):
            cell = figure(text) if num else Cell(plain(text) or None)
            cell.bold = cell.bold or style == "summa"
            cell.italic = cell.italic or style == "kursiv"
            cells.append(cell)
        rows.append(Row(cells, style, r["niva"] if style == "varav" else 0))
    return headers, numeric, rows


def _pipe_rows(headers: list[str], body: list[list[str]], numeric: list[bool]) -> tuple[list[str], list[bool], list[Row]]:
    rows = []
    for r in body:
        cells = [figure(c) if num else _text_cell(c) for c, num in zip(r, numeric, strict=False)]
        filled = [c for c in cells if c.value is not None]
        total = bool(filled) and all(c.bold for c in filled)  # a row written bold throughout: a total
        level = len(r[0]) - len(r[0].lstrip("\u2003")) if r else 0
        rows.append(Row(cells, "summa" if total else ("varav" if level else "normal"), level))
    return [plain(h) for h in headers], list(numeric), rows


def _text_cell(text: str) -> Cell:
    cell = figure(text) if _STRONG.match(text.strip()) else Cell(plain(text) or None)
    if cell.bold and not isinstance(cell.value, str) and cell.value is not None:
        cell = Cell(plain(text), bold=True)  # a bold word in a text column stays a word
    return cell


def tables_from(markdown: str, recorded: list[dict]) -> list[Table]:
    """The recorded tables that the Markdown shows, in its order, with their captions and numbers."""
    # Word and typst number the captioned tables in order: the n-th caption is "Tabell n"
    numbers = {m.end() - 2: n for n, m in enumerate(_TABLE_CAPTION.finditer(markdown), start=1)}
    tables, pos = [], 0
    for rec in recorded:
        at = markdown.find(rec["text"], pos) if rec["text"] else -1
        if at < 0:
            continue  # written by the helper but not into the report
        pos = at + len(rec["text"])
        start = pos
        while markdown.startswith("\n", start):  # the blank line between a table and its caption
            start += 1
        m = _CAPTION.match(markdown, start)
        caption = plain(m.group(1)) if m else ""
        number = numbers.get(m.start()) if m else None
        if rec["kind"] == "amounts":
            view = rec["args"][0] if rec["args"] else rec["kwargs"]["view"]
            headers, numeric, rows = _amounts_rows(view)
            notes = [plain(n) for n in view["fotnoter"]]
        else:
            args = dict(zip(("headers", "rows", "numeric"), rec["args"], strict=False)) | rec["kwargs"]
            headers, numeric, rows = _pipe_rows(args["headers"], args["rows"], args["numeric"])
            notes = []
        tables.append(Table(number, caption, headers, numeric, rows, notes))
    return tables


def sheet_names(tables: list[Table]) -> list[str]:
    """Valid, unique sheet names of at most 31 characters: the table's number, then its caption."""
    names: list[str] = []
    seen = {"innehåll"}
    for i, t in enumerate(tables, start=1):
        prefix = f"{t.number if t.number is not None else f'T{i}'} "
        title = _BAD_IN_SHEET_NAME.sub(" ", t.caption)
        title = " ".join(title.split()).strip("'")  # in a sheet name, a no-break space is a space
        name = prefix + title
        if len(name) > MAX_SHEET_NAME:  # cut at a word, and say so
            cut = name[:MAX_SHEET_NAME - 1]
            cut = cut[:cut.rfind(" ")] if cut.rfind(" ") > len(prefix) else cut
            name = cut.rstrip(" ,;–-'") + "…"
        base, n = name, 2
        while name.lower() in seen:
            tail = f" ({n})"
            name, n = base[:MAX_SHEET_NAME - len(tail)] + tail, n + 1
        seen.add(name.lower())
        names.append(name)
    return names


class _Styles:
    """The workbook's few looks, in the organisation's accent colour, each made once: a style
    object per cell cost most of the workbook's time (openpyxl imported by the caller)."""

    def __init__(self, accent: str):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._alignment, self._font = Alignment, Font
        self._made: dict = {}
        self.header_fill = PatternFill("solid", fgColor=header_tint(accent).lstrip("#").upper())
        rule = Side(style="thin", color=accent.lstrip("#").upper())
        self.header_border = Border(top=rule, bottom=rule)
        self.total_border = Border(top=Side(style="thin"))

    def font(self, bold: bool = False, italic: bool = False, size: float = 11, **kw):
        """Excel's default typeface (Calibri 11), bold, italic or larger."""
        key = ("font", bold, italic, size, tuple(sorted(kw.items())))
        if key not in self._made:
            self._made[key] = self._font(name="Calibri", size=size, bold=bold, italic=italic, **kw)
        return self._made[key]

    def align(self, horizontal: str | None = None, vertical: str | None = None, wrap: bool = False,
              indent: int = 0):
        key = ("align", horizontal, vertical, wrap, indent)
        if key not in self._made:
            self._made[key] = self._alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap or None,
                                              indent=indent)
        return self._made[key]


def _contents(ws, report, tables: list[Table], names: list[str], st: _Styles) -> None:
    """The first sheet: the report's title, then each table's number and caption, linked to its sheet."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    o = report.outcomes.rapport
    ws.title = "Innehåll"
    _put(ws, 1, 1, plain(o.titel)).font = st.font(bold=True, size=14)
    _put(ws, 2, 1, plain(f"{report.org.namn}, {o.datum.isoformat()}")).font = st.font()
    ws["A4"], ws["B4"] = "Tabell", "Rubrik"
    for c in ("A4", "B4"):
        ws[c].font = st.font(bold=True)
        ws[c].fill = st.header_fill
    for i, (t, name) in enumerate(zip(tables, names, strict=True), start=5):
        ws.cell(i, 1, f"Tabell {t.number}" if t.number is not None else "").font = st.font()
        link = _put(ws, i, 2, t.caption or name)
        quoted = name.replace("'", "''")  # a quote inside a quoted sheet name is doubled
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=link.value)
        link.font = st.font(color="0563C1", underline="single")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = min(90, max([len(t.caption) for t in tables] + [30]) + 2)
    ws.freeze_panes = "A5"
    _print_setup(ws)


HEAD = 3  # the header row: caption on row 1, a blank row, then the table


def _widths(t: Table) -> list[int]:
    """Column widths in characters: the longest entry, within 8 to 60, 70 for the labels (a longer text wraps)."""
    widths = [len(h) for h in t.headers]
    for row in t.rows:
        for j, cell in enumerate(row.cells[:len(widths)]):
            if cell.value is not None:
                num = t.numeric[j] if j < len(t.numeric) else False
                shown = len(str(cell.value)) + (2 * row.level if j == 0 else 0) + (3 if num else 0)
                widths[j] = max(widths[j], shown)
    return [max(8, min(w + 2, 70 if j == 0 else 60)) for j, w in enumerate(widths)]


def _lines(row: Row, widths: list[int]) -> int:
    """How many lines the row's longest wrapped text takes."""
    lines = 1
    for j, cell in enumerate(row.cells[:len(widths)]):
        if isinstance(cell.value, str) and len(cell.value) > widths[j] - 1:
            lines = max(lines, -(-len(cell.value) // max(1, widths[j] - 4)))
    return lines


def _put(ws, row: int, col: int, value):
    """A cell with a value; a text is text even where it starts with '=' (openpyxl would make
    it a formula, and a name from a pull request must never become one: =HYPERLINK, =WEBSERVICE)."""
    c = ws.cell(row, col, value)
    if c.data_type == "f":
        c.data_type = "s"
    return c


def _table_sheet(ws, t: Table, st: _Styles) -> None:
    """One table: caption above, header row (styled, frozen with the label column), body, footnotes below."""
    caption = f"Tabell {t.number}: {t.caption}" if t.number is not None else t.caption
    _put(ws, 1, 1, caption).font = st.font(bold=True, size=12)
    widths = _widths(t)
    for j, (h, num) in enumerate(zip(t.headers, t.numeric, strict=False), start=1):
        c = _put(ws, HEAD, j, h)
        c.font = st.font(bold=True)
        c.fill = st.header_fill
        c.border = st.header_border
        c.alignment = st.align("right" if num else "left", "bottom", wrap=True)
    for i, row in enumerate(t.rows, start=HEAD + 1):
        lines = _lines(row, widths)
        if lines > 1:
            ws.row_dimensions[i].height = 15 * lines
        top = "top" if lines > 1 else None  # figures beside a wrapped text stand on its first line
        for j, cell in enumerate(row.cells, start=1):
            c = _put(ws, i, j, cell.value)
            if cell.number_format != "General":
                c.number_format = cell.number_format
            if cell.bold or cell.italic:
                c.font = st.font(bold=cell.bold, italic=cell.italic)
            text = isinstance(cell.value, str)
            num = j <= len(t.numeric) and t.numeric[j - 1]
            wrap = text and j <= len(widths) and len(str(cell.value)) > widths[j - 1] - 1
            indent = row.level if j == 1 else 0
            horizontal = "right" if num and text else None  # a "–" among figures stands where they do
            if wrap or indent or horizontal or top:
                c.alignment = st.align(horizontal, top, wrap, indent)
            if row.style == "summa":
                c.border = st.total_border
    for k, note in enumerate(t.notes):
        _put(ws, HEAD + len(t.rows) + 2 + k, 1, note).font = st.font(italic=True, size=9)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(HEAD, j).column_letter].width = w
    ws.freeze_panes = ws.cell(HEAD + 1, 2).coordinate  # header row and label column stay in view
    _print_setup(ws, landscape=len(t.headers) > 5)
    ws.print_title_rows = f"{HEAD}:{HEAD}"  # the header row on every printed page


def _print_setup(ws, landscape: bool = False) -> None:
    """Printed on A4, as wide as the page and as long as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def workbook_bytes(report, markdown: str, recorded: list[dict]) -> bytes:
    """The workbook: an "Innehåll" sheet linking to one sheet per table; the same bytes every build."""
    from openpyxl import Workbook

    tables = tables_from(markdown, recorded)
    names = sheet_names(tables)
    o = report.outcomes.rapport
    st = _Styles(report.org.farger.get("accent", DEFAULT_ACCENT))
    wb = Workbook()
    _contents(wb.active, report, tables, names, st)
    for t, name in zip(tables, names, strict=True):
        _table_sheet(wb.create_sheet(name), t, st)
    stamp = dt.datetime.combine(o.datum, dt.time())
    wb.properties.title = plain(o.titel)
    wb.properties.creator = plain(report.org.namn)
    wb.properties.language = "sv-SE"
    wb.properties.created = stamp
    # `modified` is not set here: openpyxl stamps it with the save time; deterministic() fixes it
    wb.properties.lastModifiedBy = None
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic(buf.getvalue(), o.datum)


def deterministic(data: bytes, date: dt.date) -> bytes:
    """openpyxl's zip with every entry dated the report's date and the core properties' times
    fixed to it: two builds of the same report give the same bytes."""
    from .zipstamp import read_package, write_package

    entries, order, _infos = read_package(data)
    return write_package(entries, order, date)
