"""Table column widths: measured in Python (render/markdown.py), applied by status.lua.

pipe_table writes each table's column measurements into an empty div before it;
status.lua turns them into widths and drops the div. A table without the div is
measured by the filter itself, as every table was before. These tests hold the two
together: for the example reports' real tables and for cells with every kind of
Markdown the Python side reads, pandoc's output is the same with the divs as with
the filter measuring (so the widths, and nothing else, come from the div).
"""
from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from regionrapport.commands.check import check_report
from regionrapport.project import load_project
from regionrapport.render import pandoc as P
from regionrapport.render.markdown import MARKER_CLASS, cell_text, escape_cell, pipe_table, render_markdown

ROOT = Path(__file__).resolve().parent.parent
FILTER = P.RESOURCES / "status.lua"
MARKER = re.compile(r"^::: \{\." + MARKER_CLASS + r" [^\n]*\}\n:::\n", re.M)
EXAMPLES = [(ROOT, "delar-mars-2025"), (ROOT, "budget-2025"), (ROOT / "examples" / "region-norrby", "tertial2-2025")]


def _convert(md: str, to: str, folder: Path, name: str) -> str:
    """pandoc's typst source, or the DOCX's document.xml, for Markdown through status.lua."""
    src = folder / f"{name}.md"
    src.write_text(md, encoding="utf-8")
    out = folder / f"{name}.{to}"
    subprocess.run([P.pandoc_path(), str(src), "-f", P.READER, "-t", to, "--columns=200", "--lua-filter",
                    str(FILTER), "-o", str(out)], check=True, capture_output=True)
    if to == "docx":
        with zipfile.ZipFile(out) as z:
            return z.read("word/document.xml").decode("utf-8")
    return out.read_text(encoding="utf-8")


def _widths(output: str, to: str) -> list[str]:
    """Each table's column widths as the output states them."""
    if to == "typst":
        return re.findall(r"columns: \(([^)]*)\)", output)
    grids = re.findall(r"<w:tblGrid>.*?</w:tblGrid>", output)
    return [" ".join(re.findall(r'<w:gridCol w:w="(\d+)"', g)) for g in grids]


@pytest.fixture(scope="module")
def example_markdown() -> dict[str, str]:
    out = {}
    for root, rid in EXAMPLES:
        report, _ = check_report(load_project(root), rid)
        out[rid] = render_markdown(report)
    return out


@pytest.mark.parametrize("to", ["typst", "docx"])
@pytest.mark.parametrize("rid", [rid for _, rid in EXAMPLES])
def test_example_tables_get_the_widths_the_filter_measures(example_markdown, rid, to, tmp_path):
    md = example_markdown[rid]
    tables = len(re.findall(r"^\|[-:|]+\|$", md, re.M))  # one separator line per table
    assert tables >= 10
    assert len(MARKER.findall(md)) == tables  # Python measured every table of the example
    with_divs = _convert(md, to, tmp_path, "divs")
    measured_by_lua = _convert(MARKER.sub("", md), to, tmp_path, "lua")
    widths = _widths(with_divs, to)
    # every table has explicit widths (pandoc's DOCX also lays its figures out as tables)
    assert (len(widths) == tables if to == "typst" else len(widths) >= tables) and all(widths)
    # Same widths and nothing else changed: no trace of the divs in the output.
    assert with_divs == measured_by_lua
    assert MARKER_CLASS not in with_divs


def test_the_filter_takes_the_widths_from_the_div(tmp_path):
    """Not a silent fallback: other figures in the div give other widths."""
    md = pipe_table(["Nämnd", "Utfall", "Budget"], [["Regionstyrelsen", "1 234", "1 300"]], [False, True, True])
    # longest entries; widest words: a body word up to 12, header words +0.5 (bold)
    assert md.startswith(f'::: {{.{MARKER_CLASS} langst="15 5 5" ord="12 6.5 6.5"}}\n:::\n')
    given = _widths(_convert(md, "typst", tmp_path, "a"), "typst")
    wider_figures = md.replace('langst="15 5 5" ord="12 6.5 6.5"', 'langst="15 5 5" ord="12 14 6.5"')
    assert _widths(_convert(wider_figures, "typst", tmp_path, "b"), "typst") != given
    assert _widths(_convert(MARKER.sub("", md), "typst", tmp_path, "c"), "typst") == given


# Cells as templates pass them (pipe_table escapes '|') that cell_text reads: status spans, emphasis, escapes, smart
# punctuation, soft hyphens, no-break and em spaces (words for Lua), footnote stars.
READ = [
    "[● Målet uppfyllt]{.status-gron}", "[◐ 81 %]{.status-gul} av målet",
    "**[○ Otillfredsställande]{.status-rod}**",
    "\u2003\u2003*Preliminärskatt*", "**Summa intäkter**", "*kursiv* och **fet** text", "***båda***",
    "Prognos\u00adavvikelse", "a | b", "\\*inte kursiv\\*", "1\\\\2", "\\ fast\\ mellanslag",
    "a -- b --- c ---- d", "e ... f .... g . . . h", "\"primärvården som nav\" och EU:s", "snake_case",
    "Medicinsk teknik och övriga inventarier*", "a* b", "5\u00a0%", "−1\u00a0234", "2 Mkr + Externa bidrag",
    "300.000 kr", "  flera   mellanslag  ", "", "[vanlig span]{.annan}", "{klammer} # § @ $ !",
    "Mycketlångtordsomintefårbrytas men kort",
]
# Cells it leaves to the filter (their table gets no div): links, code, entities,
# emphasis it does not model, sub/superscript, notes.
LEFT_TO_LUA = ["[länk](https://example.org)", "`kod`", "A &amp; B", "*abc**", "_betonad_", "H~2~O", "x^2^",
               "fotnot^[text]", "[ kant ]{.status-gron}", "<https://example.org>", "\\a"]


def test_cell_text_reads_cells_as_pandoc_does(tmp_path):
    """cell_text's text and status spans are pandoc.utils.stringify's, cell by cell (but for
    smart quotes, which it leaves straight: they are as long)."""
    dump = tmp_path / "dump.lua"
    dump.write_text(
        'function Table(t)\n'
        '  local out = {}\n'
        '  for _, row in ipairs(t.bodies[1].body) do\n'
        '    local c = row.cells[1].contents\n'
        '    local spans = {}\n'
        '    pandoc.walk_block(pandoc.Div(c), { Span = function(s)\n'
        '      if s.classes[1] and s.classes[1]:match("^status%-") then\n'
        '        table.insert(spans, pandoc.utils.stringify(s)) end end })\n'
        '    table.insert(out, { pandoc.utils.stringify(c), spans })\n'
        '  end\n'
        '  io.stdout:write(pandoc.json.encode(out))\n'
        'end\n', encoding="utf-8")
    md = pipe_table(["Cell", "X"], [[c, "x"] for c in READ], [False, False])
    src = tmp_path / "cells.md"
    src.write_text(md, encoding="utf-8")
    res = subprocess.run([P.pandoc_path(), str(src), "-f", P.READER, "-t", "plain", "--lua-filter", str(dump),
                          "-o", str(tmp_path / "x.txt")], check=True, capture_output=True, text=True)
    pandoc_reads = json.loads(res.stdout)
    assert len(pandoc_reads) == len(READ)
    straight = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")  # smart quotes: as long as straight ones
    for cell, (text, spans) in zip(READ, pandoc_reads, strict=True):
        spans = spans if isinstance(spans, list) else []  # an empty Lua table encodes as {}
        assert cell_text(escape_cell(cell)) == (text.translate(straight), [t.translate(straight) for t in spans]), cell


def test_tricky_cells_get_the_same_widths_both_ways(tmp_path):
    rows = [[c, "12\u00a0345", c] for c in READ]
    headers = ["Prognos\u00adavvikelse", "Utfall", "Status och kommentar"]
    md = pipe_table(headers, rows, [False, True, False])
    assert MARKER.match(md)
    for to in ("typst", "docx"):
        assert _convert(md, to, tmp_path, "a") == _convert(MARKER.sub("", md), to, tmp_path, "b")
    # and with relative widths (pandoc's own widths, widened where a word needs it)
    md = pipe_table(headers, rows, [False, True, False], [70, 5, 25])
    assert MARKER.match(md)
    assert _convert(md, "typst", tmp_path, "c") == _convert(MARKER.sub("", md), "typst", tmp_path, "d")


@pytest.mark.parametrize("cell", LEFT_TO_LUA)
def test_markdown_it_does_not_read_is_left_to_the_filter(cell, tmp_path):
    assert cell_text(cell) is None
    md = pipe_table(["Mätetal", "Kommentar"], [["Andel", cell]], [False, False])
    assert MARKER_CLASS not in md
    # the filter still stretches the table to the text width
    assert _widths(_convert(md, "typst", tmp_path, "t"), "typst")


def test_one_column_table_gets_no_div():
    assert MARKER_CLASS not in pipe_table(["Uppdrag"], [["Ett"]], [False])


def test_an_empty_text_column_gives_its_room_to_the_label(tmp_path):
    """Sjövalla's Minskad klimatpåverkan: one metric, no analysis. The goal table's given
    widths (28 for Mätetal, 36 for Analys, perspektiv.md.j2) left an empty Analys a third of
    the table while "Energianvändning i kommunens lokaler" wrapped a word a line: the empty
    column keeps what its header needs, the label column gets the rest."""
    headers = ["Mätetal", "T2 2025", "Mål 2026", "T2 2026", "Bedömning", "Analys"]
    row = ["Energianvändning i kommunens lokaler", "131\u00a0kWh/m²", "högst\u00a0120\u00a0kWh/m²",
           "126\u00a0kWh/m²", "[◐ Delvis uppnått]{.status-gul}", ""]
    md = pipe_table(headers, [row], [False, True, True, True, False, False], [28, 9, 9, 9, 19, 36])
    typ = _convert(md, "typst", tmp_path, "w")
    widths = [float(x.strip().rstrip("%")) for x in _widths(typ, "typst")[0].split(",")]
    assert widths[5] < 10  # "Analys" and padding, not a third of the page
    assert widths[0] > 30  # the label: 36 characters on one line at 8.5 pt
    assert widths[2] >= 100 * (len("högst 120 kWh/m²") + 1 + 2) / 105 - 0.5  # the whole target, unbroken
