"""Publication quality of the DOCX and PDF: reproducible bytes, PDF/UA markers, house styles,
charts with alt text that states their data, and a region's own look."""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml

from regionrapport.commands.build import build
from regionrapport.diagnostics import ReportError
from regionrapport.project import load_project
from regionrapport.render.pandoc import contrast, text_colour

from docx_render import docx_to_pdf, soffice  # tests/ is on sys.path (rootdir conftest)

REPORT = "delar-mars-2025"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ALT = re.compile(r'!\[(?P<caption>[^\]]*)\]\((?P<file>diagram-[\w-]+\.png)\)\{alt="(?P<alt>[^"]*)"')


@pytest.fixture(scope="module")
def second_build(tmp_path_factory, repo_root):
    """The same report built a second time, into another folder."""
    out = tmp_path_factory.mktemp("out2")
    res = build(load_project(repo_root), REPORT, ("md", "docx", "pdf"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}


@pytest.fixture(scope="module")
def charts_in_md(built_report) -> list[dict]:
    return [m.groupdict() for m in ALT.finditer(built_report["md"].read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def report(repo_root):
    from regionrapport.commands.check import check_report

    rep, _ = check_report(load_project(repo_root), REPORT)
    return rep


@pytest.fixture(scope="module")
def chart_views(report):
    from regionrapport.render.charts import chart_views
    from regionrapport.render.context import Context

    return chart_views(Context(report))


# -- reproducibility ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_two_builds_are_byte_identical(built_report, second_build, fmt):
    assert built_report[fmt].read_bytes() == second_build[fmt].read_bytes()


def test_docx_dates_come_from_the_report_date(built_report):
    z = zipfile.ZipFile(built_report["docx"])
    assert {i.date_time[:3] for i in z.infolist()} == {(2025, 4, 24)}
    core = z.read("docProps/core.xml").decode()
    assert "2025-04-24T00:00:00Z" in core
    assert z.testzip() is None and z.namelist()[0] == "[Content_Types].xml"


def test_chart_png_has_no_timestamp_or_software_stamp(built_report):
    """The charts live only in the scratch folder; the DOCX carries them as drawn."""
    z = zipfile.ZipFile(built_report["docx"])
    pngs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png") and "logotyp" not in n]
    assert len(pngs) == 3
    png = z.read(pngs[0])
    chunks, i = [], 8
    while i < len(png):
        n, kind = struct.unpack(">I4s", png[i:i + 8])
        chunks.append((kind, png[i + 8:i + 8 + n]))
        i += 12 + n
    texts = [d for k, d in chunks if k in (b"tEXt", b"iTXt", b"zTXt")]
    assert not any(b"Software" in t or b"matplotlib" in t for t in texts)
    assert b"tIME" not in [k for k, _ in chunks]


# -- PDF/UA --------------------------------------------------------------------------------
def test_pdf_is_tagged_pdf_ua_with_title_and_language(built_report):
    import pypdf

    r = pypdf.PdfReader(built_report["pdf"])
    root = r.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv-SE"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert r.metadata.title == "Delårsrapport per mars 2025"
    assert r.metadata["/CreationDate"].startswith("D:20250424")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    # A viewer shows the title, not the file name (PDF/UA requirement).
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def _struct_elements(node, kind, found):
    node = node.get_object()
    if isinstance(node, dict) or hasattr(node, "keys"):
        if node.get("/S") == kind:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            _struct_elements(kids, kind, found)
    elif isinstance(node, list):
        for k in node:
            _struct_elements(k, kind, found)
    return found


def test_pdf_charts_are_tagged_figures_with_their_alt_text(built_report, charts_in_md):
    import pypdf

    r = pypdf.PdfReader(built_report["pdf"])
    figures = _struct_elements(r.trailer["/Root"]["/StructTreeRoot"], "/Figure", [])
    alts = [str(f.get("/Alt", "")) for f in figures]
    for c in charts_in_md:
        assert c["alt"] in alts, c["file"]


def test_pdf_tables_and_captions(built_report):
    import pypdf

    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(built_report["pdf"]).pages)
    assert re.search(r"Tabell\s*1:\s*Koncernföretag", text)
    assert re.search(r"Tabell\s*2:\s*Förvaltning av finansiella medel", text)
    assert re.search(r"Figur\s*1:\s*Nettokostnad per nämnd", text)
    # Page numbers as x(y) in the running footer; the table of contents has plain numbers.
    total = len(pypdf.PdfReader(built_report["pdf"]).pages) - 1  # the title page is not counted
    assert f"2({total})" in text


def test_pdf_long_table_repeats_its_header_row(built_report):
    """Investeringsprojekt crosses a page: the page after starts with the header row again."""
    import pypdf

    pages = [p.extract_text() for p in pypdf.PdfReader(built_report["pdf"]).pages]
    start = next(i for i, t in enumerate(pages) if "Investeringsprojekt – totala kostnader" in t and "Tabell" in t)
    nxt = pages[start + 1]
    assert "Total" in nxt.split("Konst")[0] and "Årets" in nxt.split("Konst")[0], nxt[:300]


# -- DOCX styles ---------------------------------------------------------------------------
def test_docx_has_the_house_styles(built_report, repo_root):
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document(str(built_report["docx"]))
    styles = {s.name: s for s in d.styles}
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title", "Table Caption", "Image Caption"):
        assert name in styles, name
    assert styles["Table"].type == WD_STYLE_TYPE.TABLE
    assert not styles["Heading 1"].paragraph_format.page_break_before  # chapters follow each other
    assert styles["Heading 1"].paragraph_format.keep_with_next
    org = yaml.safe_load((repo_root / "organisation.yaml").read_text(encoding="utf-8"))
    for key, status in org["status"].items():
        st = styles[f"Status {key}"]
        assert st.type == WD_STYLE_TYPE.CHARACTER and st.font.bold
        assert str(st.font.color.rgb) == text_colour(status["farg"]).lstrip("#").upper()
    accent = org["farger"]["accent"].lstrip("#").upper()
    assert str(styles["Heading 1"].font.color.rgb) == accent
    table = styles["Table"].element
    assert table.find(f".//{W}tblStylePr[@{W}type='firstRow']//{W}shd") is not None
    assert table.find(f".//{W}tblBorders/{W}top").get(f"{W}color") == accent


def test_docx_page_header_footer_and_a4(built_report):
    import docx

    d = docx.Document(str(built_report["docx"]))
    sec = d.sections[0]
    assert round(sec.page_width.cm, 1) == 21.0 and round(sec.page_height.cm, 1) == 29.7
    assert sec.different_first_page_header_footer  # the title page has neither
    header = sec.header._element.xml
    assert "Region Kronoberg" in header and "Delårsrapport per mars 2025" in header
    assert "{{" not in header
    # Field codes and texts in reading order: "x(y)" is PAGE, "(", NUMPAGES, ")".
    footer = "".join(a or b for a, b in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>|<w:t[^>]*>([^<]*)</w:t>",
                                                   sec.footer._element.xml))
    assert re.fullmatch(r"\s*PAGE\s*\d+\(\s*NUMPAGES\s*\d+\)", footer), footer


def test_docx_status_spans_use_the_character_styles(built_report):
    xml = zipfile.ZipFile(built_report["docx"]).read("word/document.xml").decode("utf-8")
    for key in ("gron", "gul", "rod", "saknas"):
        assert f'<w:rStyle w:val="Status{key}" />' in xml or f'<w:rStyle w:val="Status{key}"/>' in xml, key


def test_docx_numeric_cells_are_right_aligned_text_cells_left(built_report):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document(str(built_report["docx"]))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "mnkr" and "Hälso- och sjukvårdsnämnd"
                 in [r.cells[0].text for r in t.rows])
    row = next(r for r in table.rows if r.cells[0].text == "Hälso- och sjukvårdsnämnd")
    assert row.cells[0].paragraphs[0].alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_docx_captions_are_numbered_in_swedish(built_report):
    xml = zipfile.ZipFile(built_report["docx"]).read("word/document.xml").decode("utf-8")
    assert re.search(r'>Tabell[ \xa0]</w:t>\s*</w:r>\s*<w:fldSimple w:instr="SEQ Table', xml)
    assert re.search(r'>Figur[ \xa0]</w:t>\s*</w:r>\s*<w:fldSimple w:instr="SEQ Figure', xml)


# -- charts ---------------------------------------------------------------------------------
def test_every_chart_has_alt_text_that_states_its_data(charts_in_md, chart_views):
    assert {c["file"] for c in charts_in_md} == {v["fil"] for v in chart_views.values()}
    for c in charts_in_md:
        view = next(v for v in chart_views.values() if v["fil"] == c["file"])
        assert c["alt"] == view["alt"]
        for cat in view["kategorier"]:
            assert cat in c["alt"], (c["file"], cat)
        assert len(re.findall(r"\d", c["alt"])) >= len(view["kategorier"])


def test_docx_pictures_carry_the_alt_text(built_report, charts_in_md):
    xml = zipfile.ZipFile(built_report["docx"]).read("word/document.xml").decode("utf-8")
    descr = [m.replace("&quot;", '"') for m in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)]
    for c in charts_in_md:
        assert c["alt"] in descr, c["file"]


def test_committee_chart_values_are_the_ledgers(report, chart_views, repo_root):
    view = chart_views["namnder"]
    budget = yaml.safe_load((repo_root / "data" / "budget" / "budget-2025.yaml").read_text(encoding="utf-8"))
    assert view["poster"] == [c for c in budget["namnder"] if report.ledger.value(c, "utfall") is not None]
    outcome = dict(zip(view["poster"], view["serier"][0]["varden"], strict=True))
    plan = dict(zip(view["poster"], view["serier"][1]["varden"], strict=True))
    for pid in view["poster"]:
        # Net costs are negative in the ledger and drawn as positive bars.
        assert outcome[pid] == -report.ledger.value(pid, "utfall")
        assert plan[pid] == -report.ledger.value(pid, "budget")
    assert outcome["hsn"] == 1353 and plan["hsn"] == 1390  # as printed in Resultat per nämnd


def test_cost_series_chart_is_the_yaml_and_says_only_totals_exist(chart_views, repo_root, report):
    data = yaml.safe_load((repo_root / "data" / "outcomes" / f"{REPORT}.yaml").read_text(encoding="utf-8"))
    view = chart_views["kostnader"]
    assert view["poster"] == list(data["serier"])
    for s in view["serier"]:
        year = int(s["kolumn"])
        # each bar is the figure of the series' post in the column the YAML names for that year
        expected = []
        for k in view["poster"]:
            spec = data["serier"][k]
            expected.append(spec["tecken"] * report.ledger.value(spec["post"], spec["kolumner"][year]))
        assert s["varden"] == expected
    hired = {s["kolumn"]: s["varden"][view["poster"].index("hyrpersonal")] for s in view["serier"]}
    assert hired == {"2024": 61, "2025": 40}  # hyrpersonal jan–mar 2024 and 2025, as printed
    # Only January–March totals exist: the bars are years, never months, and the caption says so,
    # to the reader; what the source lacks (monthly values, 2023) is a note in the YAML, not the caption.
    assert [s["kolumn"] for s in view["serier"]] == ["2024", "2025"]
    assert "Staplarna visar summan för jan–mar varje år." in view["bildtext"]
    assert "underlaget" not in view["bildtext"].lower() and "2023" not in view["bildtext"]


def test_investment_chart_matches_the_table(report, chart_views):
    view = chart_views["investeringar"]
    assert "inv_summa" not in view["poster"]
    assert [s["kolumn"] for s in view["serier"]] == ["utfall", "arsbudget", "prognos"]
    for s in view["serier"]:
        assert s["varden"] == [report.ledger.value(p, s["kolumn"]) for p in view["poster"]]


# -- colours and a region's own look -----------------------------------------------------------
def test_status_text_colours_are_readable():
    assert text_colour("#2e7d32") == "#2e7d32"  # already 4.5:1 on white
    dark = text_colour("#f9a825")  # the example's yellow is 1.9:1
    assert dark != "#f9a825" and contrast(dark) >= 4.5


def _png(path: Path, w: int = 8, h: int = 4) -> None:
    raw = b"".join(b"\x00" + b"\x1f\x4e\x79" * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_organisation_brings_its_own_logo_and_colours(project_copy, tmp_path):
    import docx
    import pypdf

    _png(project_copy / "logo.png", 80, 40)
    org = project_copy / "organisation.yaml"
    text = org.read_text(encoding="utf-8").replace('accent: "#1f4e79"', 'accent: "#6a1b9a"')
    org.write_text(text.replace("\nlogotyp: data/bilder/logotyp.png\n", "\nlogotyp: logo.png\n"), encoding="utf-8")
    res = build(load_project(project_copy), REPORT, ("docx", "pdf"), tmp_path / "out")
    files = {p.suffix: p for p in res.outputs}

    d = docx.Document(str(files[".docx"]))
    assert str(d.styles["Heading 1"].font.color.rgb) == "6A1B9A"
    z = zipfile.ZipFile(files[".docx"])
    assert any(n.startswith("word/media/logotyp") for n in z.namelist())
    first = d.sections[0].first_page_header._element.xml
    assert "<w:drawing>" in first and 'descr="Logotyp för Region Kronoberg"' in first

    first_page = pypdf.PdfReader(files[".pdf"]).pages[0]
    assert first_page["/Resources"].get("/XObject"), "the logo is on the title page"


def test_a_bad_colour_is_a_diagnostic_not_a_traceback(project_copy, tmp_path):
    org = project_copy / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace('accent: "#1f4e79"', "accent: blå"), encoding="utf-8")
    with pytest.raises(ReportError) as e:
        build(load_project(project_copy), REPORT, ("docx",), tmp_path / "out")
    d = e.value.diagnostics[0]
    assert d.code == "RR507" and d.file.endswith("organisation.yaml") and d.line > 1


# -- the DOCX as a reader sees it (LibreOffice) -----------------------------------------------
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_docx_renders_with_header_footer_and_statuses(built_report, tmp_path):
    import pypdf

    pdf = docx_to_pdf(built_report["docx"], tmp_path)
    pages = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    n = len(pages)
    assert n > 10
    assert "Delårsrapport per mars 2025" in pages[0] and "(" + str(n) + ")" not in pages[0]
    assert pages[1].startswith("Region Kronoberg") or "Region Kronoberg" in pages[1][:80]
    assert f"5({n})" in pages[4]
    body = "\n".join(pages)
    for word in ("Målet uppfyllt", "Delvis tillfredsställande", "Otillfredsställande", "Utfall saknas"):
        assert word in body
    assert re.search(r"Tabell\s*1:", body) and re.search(r"Figur\s*1:", body)
