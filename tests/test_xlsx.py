"""`rapport build --format xlsx`: the report's tables as a workbook a reader can compute with.

Expected figures come from the printed source (../shared/sources/000_…, Region Kronoberg's
interim report per March 2025): *Resultat per nämnd* and *Resultaträkning*.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from mdtables import _table_lines
from regionrapport.numbers import fmt_number, fmt_percent

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
WHOLE = "#,##0;-#,##0;#,##0"


def _build(root: Path, report: str, out: Path) -> dict:
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    res = build(load_project(root), report, ("md", "xlsx"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    return _build(ROOT, "delar-mars-2025", tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def workbook(built):
    return openpyxl.load_workbook(built["xlsx"])


def sheet(wb, caption: str):
    hits = [ws for ws in wb.worksheets[1:] if str(ws["A1"].value).endswith(": " + caption)]
    assert len(hits) == 1, [ws["A1"].value for ws in wb.worksheets]
    return hits[0]


def rows(ws) -> dict:
    """label -> the row's cells (header on row 3, body from row 4)."""
    return {r[0].value: r for r in ws.iter_rows(min_row=4) if r[0].value is not None}


def test_result_per_committee_as_numbers(workbook):
    ws = sheet(workbook, "Resultat per nämnd (mnkr)")
    assert [c.value for c in ws[3]] == ["mnkr", "Utfall", "Budget", "Avvik.", "Utfall fg år", "Årsbudget",
                                        "Prognosavvikelse"]
    hsn = rows(ws)["Hälso- och sjukvårdsnämnd"]
    # the source: Hälso- och sjukvårdsnämnd -1 353 -1 390 36 -1 416 -5 506 -68
    assert [c.value for c in hsn[1:]] == [-1353, -1390, 36, -1416, -5506, -68]
    for c in hsn[1:]:
        assert c.data_type == "n" and c.number_format == WHOLE
    # Patientnämnden is shown with two decimals (decimaler: 2), and so is its number format
    pn = rows(ws)["Patientnämnden"]
    assert pn[1].value == pytest.approx(-0.01) and pn[1].number_format == "#,##0.00;-#,##0.00;#,##0.00"


def test_income_statement_as_numbers(workbook):
    ws = sheet(workbook, "Resultaträkning (mnkr)")
    r = rows(ws)
    # the source's Resultaträkning: Verksamhetens kostnader -2 476 -2 608 133 -2 693; Finansnetto -230
    assert [c.value for c in r["Verksamhetens kostnader"][1:5]] == [-2476, -2608, 133, -2693]
    assert r["Finansnetto"][1].value == -230 and r["Finansnetto"][1].data_type == "n"
    assert r["Verksamhetens nettokostnad"][1].value == -1956


def test_totals_bold_varav_indented_headers_frozen(workbook):
    ws = sheet(workbook, "Resultat per nämnd (mnkr)")
    r = rows(ws)
    total = r["Verksamhetens nettokostnad"]
    assert all(c.font.b for c in total) and not any(c.font.b for c in r["Trafiknämnd"])
    assert all(c.font.b for c in ws[3]) and ws.freeze_panes == "B4"
    units = rows(sheet(workbook, "Driftredovisning (mnkr)"))["Sjukhusvård"]  # varav of HSN: -1 048 -1 032 -16 -1 102
    assert units[0].alignment.indent >= 1 and units[0].font.i
    assert [c.value for c in units[1:5]] == [-1048, -1032, -16, -1102]


def test_missing_figure_is_a_dash_not_zero(workbook):
    ws = sheet(workbook, "Resultat per nämnd (mnkr)")
    row = next(v for k, v in rows(ws).items() if k.startswith("Balanskravsjustering, orealiserade"))
    assert row[2].value == "–" and row[2].data_type == "s"  # no budget: the report prints "–"
    assert row[1].value == 117


def test_caption_number_and_footnotes_as_in_the_docx(workbook, built_report):
    """Table numbers are the DOCX's (Word numbers its captioned tables in order)."""
    with zipfile.ZipFile(built_report["docx"]) as z:
        captions = re.findall(r'<w:tblCaption w:val="([^"]*)"', z.read("word/document.xml").decode("utf-8"))
    assert len(workbook.worksheets) - 1 == len(captions)
    for n, (ws, caption) in enumerate(zip(workbook.worksheets[1:], captions, strict=True), start=1):
        # the DOCX ties a number to its word with a no-break space (status.lua); the caption is the same
        docx_caption = caption.replace("&amp;", "&").replace("\u00a0", " ")
        assert ws["A1"].value.replace("\u00a0", " ") == f"Tabell {n}: {docx_caption}"
    ws = sheet(workbook, "Resultat per nämnd (mnkr)")
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("¹")]
    assert notes and "orealiserade vinster" in notes[0]


def test_contents_sheet_links_every_table(workbook):
    toc = workbook.worksheets[0]
    assert toc.title == "Innehåll"
    names = [ws.title for ws in workbook.worksheets[1:]]
    links = [c.hyperlink.location for c in toc["B"] if c.hyperlink is not None]
    assert links == [f"'{n}'!A1" for n in names]
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def _figures_match_markdown(built: dict) -> int:
    """Every numeric cell shows, in the report's format, exactly the Markdown's figure."""
    wb = openpyxl.load_workbook(built["xlsx"])
    md = built["md"].read_text(encoding="utf-8")
    checked = 0
    for ws in wb.worksheets[1:]:
        caption = ws["A1"].value.split(": ", 1)[1]
        printed = [[c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]
                   for line in _table_lines(md, caption)[2:]]
        body = list(ws.iter_rows(min_row=4, max_row=3 + len(printed)))
        assert len(body) == len(printed), ws.title
        for row, cells in zip(body, printed, strict=True):
            label = row[0].value
            for cell, text in zip(row[1:], cells[1:], strict=True):
                if cell.data_type != "n" or cell.value is None:
                    continue
                places = re.search(r"\.(0+)", cell.number_format.split(";")[0])
                decimals = len(places.group(1)) if places else 0
                shown = (fmt_percent(100 * cell.value, decimals) if "%" in cell.number_format
                         else fmt_number(cell.value, decimals))
                assert shown in text.replace("*", ""), (ws.title, label, shown, text)
                checked += 1
    return checked


def test_every_figure_is_the_printed_one(built):
    assert _figures_match_markdown(built) > 300


def test_identical_bytes_on_rebuild(built, tmp_path):
    again = _build(ROOT, "delar-mars-2025", tmp_path)
    assert again["xlsx"].read_bytes() == built["xlsx"].read_bytes()
    with zipfile.ZipFile(again["xlsx"]) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2025, 4, 24)}
        assert b"2025-04-24T00:00:00Z" in z.read("docProps/core.xml")
        # a valid zip, content types first (openpyxl writes them last; Word and LibreOffice look first)
        assert z.testzip() is None and z.namelist()[0] == "[Content_Types].xml"


def test_norrby_sjovalla_and_the_budget(tmp_path):
    norrby = _build(ROOT / "examples" / "region-norrby", "tertial2-2025", tmp_path / "n")
    assert _figures_match_markdown(norrby) > 20
    sjovalla = _build(ROOT / "examples" / "sjovalla-kommun", "tertial2-2026", tmp_path / "s")
    assert _figures_match_markdown(sjovalla) > 20
    budget = _build(ROOT, "budget-2025", tmp_path / "b")
    assert _figures_match_markdown(budget) > 50


def test_texts_from_a_pull_request_stay_text(project_copy, tmp_path):
    """A name starting with '=' is text, never a formula; a quote in a caption neither breaks
    the links nor the file. (A control character in a name is refused by `check`, RR781, before
    any writer; the workbook's cells drop one all the same.)"""
    from regionrapport.render.xlsx import plain

    assert plain("Trafik\x07\x00nämnd") == "Trafiknämnd"
    budget = project_copy / "data" / "budget" / "budget-2025.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace(
        "    namn: Trafiknämnd\n", '    namn: "=HYPERLINK(\\"http://example.org\\";\\"Trafik\\")"\n', 1), encoding="utf-8")
    report = project_copy / "data" / "outcomes" / "delar-mars-2025.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "    rubrik: Resultat per nämnd\n", "    rubrik: Nämndernas 'resultat' [per] nämnd\n", 1), encoding="utf-8")
    wb = openpyxl.load_workbook(_build(project_copy, "delar-mars-2025", tmp_path)["xlsx"])
    ws = sheet(wb, "Nämndernas 'resultat' [per] nämnd (mnkr)")
    assert "'" in ws.title and "[" not in ws.title
    cell = next(r[0] for r in ws.iter_rows(min_row=4) if str(r[0].value).startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.org";"Trafik")'
    toc = wb.worksheets[0]
    link = next(c.hyperlink.location for c in toc["B"] if c.hyperlink is not None and "resultat" in c.value)
    assert link == "'" + ws.title.replace("'", "''") + "'!A1"
    with zipfile.ZipFile(_build(project_copy, "delar-mars-2025", tmp_path / "again")["xlsx"]) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_a_full_disk_while_writing_the_workbook_leaves_the_old_outputs(project_copy, monkeypatch):
    """The workbook is written into the scratch folder like every format: a failure leaves out/REPORT whole."""
    import errno
    import os

    from click.testing import CliRunner

    from regionrapport.cli import main

    def build():
        return CliRunner().invoke(main, ["build", "delar-mars-2025", "--format", "md,xlsx", "--project",
                                         str(project_copy)])

    assert build().exit_code == 0
    out = project_copy / "out" / "delar-mars-2025"
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(old) == {"delar-mars-2025.md", "delar-mars-2025.xlsx"}
    f = project_copy / "data" / "outcomes" / "delar-mars-2025.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("    utfall: -1048", "    utfall: -1049", 1), encoding="utf-8")
    real = Path.write_bytes

    def write_bytes(self, data):
        if self.name == "rapport.xlsx":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    r = build()
    assert r.exit_code == 2 and "RR641" in r.stderr and "Traceback" not in r.output, r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old


def test_a_figure_longer_than_excel_keeps_stays_text():
    """A figure with more than 15 significant digits (a template's literal text) would be rounded by
    Excel, or become inf and an empty cell: it stays the text the report prints."""
    from regionrapport.numbers import NBSP
    from regionrapport.render.xlsx import figure

    long = "1" + (NBSP + "000") * 110
    assert figure(long).value == long and figure(long).number_format == "General"
    sixteen = "1" + (NBSP + "234") * 5
    assert figure(sixteen).value == sixteen
    fifteen = "123" + (NBSP + "456") * 4
    assert figure(fifteen).value == 123456456456456.0
    assert figure("0,000" + "1" * 15).value == float("0.000" + "1" * 15)
