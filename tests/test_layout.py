"""Layout a finance director accepts: one typeface in PDF, DOCX and charts, a title page
that says whose document it is, tables numbered without gaps and kept on a page when they
fit, numbers never split at a line end, shares that add up, and a DOCX whose table of
contents Word fills when it opens the file.

The reports are the repository's own (delar-mars-2025: the session's `built_report`;
budget-2025 built once here); expected figures come from the sources.
"""
from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionrapport.numbers import largest_remainder
from regionrapport.render import pandoc as P

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def budget(repo_root, tmp_path_factory):
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    out = tmp_path_factory.mktemp("budget-layout")
    res = build(load_project(repo_root), "budget-2025", ("md", "docx", "pdf"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}


def _docx_part(path, name: str) -> str:
    return zipfile.ZipFile(path).read(name).decode("utf-8")


def _pdf_pages(path) -> list[str]:
    import pypdf

    return [p.extract_text() for p in pypdf.PdfReader(str(path)).pages]


# -- one typeface --------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["delar", "budget"])
def test_pdf_uses_only_the_house_typeface(which, built_report, budget):
    import pypdf

    pdf = (built_report if which == "delar" else budget)["pdf"]
    fonts = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        res = page.get("/Resources") or {}
        for f in (res.get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts, "no fonts found"
    assert all(f.startswith("LiberationSans") for f in fonts), fonts


def test_docx_names_embeds_and_falls_back_for_the_house_typeface(built_report):
    docx = built_report["docx"]
    styles = _docx_part(docx, "word/styles.xml")
    assert 'w:ascii="Liberation Sans"' in styles and "Arial" not in styles
    table = _docx_part(docx, "word/fontTable.xml")
    font = re.search(r'<w:font w:name="Liberation Sans">.*?</w:font>', table, re.S).group(0)
    assert '<w:altName w:val="Arial"/>' in font
    assert _docx_part(docx, "word/settings.xml").count("<w:embedTrueTypeFonts/>") == 1
    # each embedded font, de-obfuscated with its key, is the font file the package ships
    rels = dict(re.findall(r'Id="(rIdFont\d)"[^>]*Target="([^"]+)"', _docx_part(docx, "word/_rels/fontTable.xml.rels")))
    embeds = re.findall(r'<w:embed(Regular|Bold|Italic|BoldItalic) r:id="(rIdFont\d)" w:fontKey="(\{[^}]+\})"/>', font)
    assert {kind for kind, _, _ in embeds} == {"Regular", "Bold", "Italic", "BoldItalic"}
    z = zipfile.ZipFile(docx)
    for kind, rid, key in embeds:
        data = z.read("word/" + rels[rid])
        assert P.obfuscate_font(data, key) == (P.FONTS / P.FONT_FILES[kind]).read_bytes()
        assert data[:32] != (P.FONTS / P.FONT_FILES[kind]).read_bytes()[:32]  # obfuscated as Word expects
    assert 'Extension="odttf"' in _docx_part(docx, "[Content_Types].xml")


def test_charts_are_drawn_in_the_house_typeface_with_the_report_year_in_the_accent(monkeypatch):
    from regionrapport.render import charts

    used = {}
    import matplotlib.axes

    real_bar = matplotlib.axes.Axes.bar

    def spy(self, x, height, *a, **k):
        used[k.get("label")] = k.get("color")
        return real_bar(self, x, height, *a, **k)

    monkeypatch.setattr(matplotlib.axes.Axes, "bar", spy)
    view = {"kategorier": ["Hyrpersonal", "Köpt vård"], "enhet": "mnkr", "typ": "staende",
            "serier": [{"namn": "2024", "varden": [61, 169]}, {"namn": "2025", "varden": [40, 183]}],
            "aktuell_serie": "2025"}
    png = charts.draw(view, ["#1f4e79", "#7f8fa0", "#c46a00"])
    assert png.startswith(b"\x89PNG")
    assert used == {"2025": "#1f4e79", "2024": "#7f8fa0"}
    from matplotlib import font_manager

    assert font_manager.findfont(P.FONT, fallback_to_default=False).endswith("LiberationSans-Regular.ttf")


def test_the_cost_chart_marks_the_report_year(repo_root):
    from regionrapport.commands.check import check_report
    from regionrapport.project import load_project
    from regionrapport.render.charts import chart_views
    from regionrapport.render.context import Context

    rep, _ = check_report(load_project(repo_root), "delar-mars-2025")
    views = chart_views(Context(rep))
    series = [v for v in views.values() if "aktuell_serie" in v]
    assert series and all(v["aktuell_serie"] == "2025" for v in series)


# -- DOCX settings and rows ----------------------------------------------------------------
def test_docx_asks_word_to_update_fields_on_opening(built_report):
    settings = _docx_part(built_report["docx"], "word/settings.xml")
    assert '<w:updateFields w:val="true"/>' in settings
    # before the elements that must follow it in CT_Settings
    assert settings.index("<w:updateFields") < settings.index("<w:rsids")
    assert 'w:instr="TOC' in _docx_part(built_report["docx"], "word/document.xml") or \
        "TOC \\o" in _docx_part(built_report["docx"], "word/document.xml")


def test_docx_rows_never_split_and_short_tables_stay_together(built_report):
    xml = _docx_part(built_report["docx"], "word/document.xml")
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
    assert len(tables) >= 30
    for t in tables:
        rows = re.findall(r"<w:tr>.*?</w:tr>", t, re.S)
        assert all("<w:cantSplit/>" in r for r in rows)
        if len(rows) <= P.KEEP_ROWS + 1:
            assert all("<w:keepNext/>" in r for r in rows[:-1])
    # Resultat per nämnd (9 committees and the result chain) has more rows: it may break
    long = [t for t in tables if len(re.findall(r"<w:tr>", t)) > P.KEEP_ROWS + 1]
    assert long and all("<w:keepNext/>" not in re.findall(r"<w:tr>.*?</w:tr>", t, re.S)[0] for t in long)


def test_docx_headings_keep_with_next_and_break_no_page(built_report):
    import docx

    d = docx.Document(str(built_report["docx"]))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Table Caption"):
        fmt = d.styles[name].paragraph_format
        assert fmt.keep_with_next, name
        assert not fmt.page_break_before, name
    assert d.styles["TOC Heading"].paragraph_format.page_break_before


# -- title page ------------------------------------------------------------------------------
def test_budget_title_page_and_metadata_say_whose_proposal_it_is(budget):
    import docx
    import pypdf

    proposer = "Allians för Kronoberg (Kristdemokraterna, Centerpartiet och Liberalerna)"
    first = _pdf_pages(budget["pdf"])[0]
    assert "Budgetförslag 2025 med plan 2026–2027" in " ".join(first.split())
    assert "Allians för Kronoberg" in first and "Regionfullmäktige" in first
    assert pypdf.PdfReader(str(budget["pdf"])).metadata.author == proposer
    assert docx.Document(str(budget["docx"])).core_properties.author == proposer
    md = budget["md"].read_text(encoding="utf-8")
    assert f'author: "{proposer}"' in md
    doc = _docx_part(budget["docx"], "word/document.xml")
    assert "Beslutande organ:" in doc and "Regionfullmäktige" in doc


def test_title_page_has_the_logo_and_no_subtitle_repeating_the_title(built_report):
    import pypdf

    page = pypdf.PdfReader(str(built_report["pdf"])).pages[0]
    assert len(page.images) == 1  # the logo
    text = page.extract_text()
    assert "Delårsrapport per mars 2025" in text
    assert "delår per mars 2025" not in text  # the period repeated the title
    header = _docx_part(built_report["docx"], "word/header2.xml") + _docx_part(built_report["docx"],
                                                                              "word/header1.xml")
    assert 'name="Logotyp"' in header
    assert "subtitle:" not in built_report["md"].read_text(encoding="utf-8").split("---")[1]


# -- numbers and units -----------------------------------------------------------------------
def test_figures_and_units_are_tied_with_no_break_spaces(tmp_path):
    src = tmp_path / "t.md"
    src.write_text("Skulden är 7 035 mnkr, andelen 53 % och 1 045 mätetal; år 2025 och 3 000. "
                   "Läkemedel: 2024 239, 2025 240. **Totalt 12 345 678 kr**\n\n"
                   "![Alt med 2 000 mnkr](x.png)\n", encoding="utf-8")
    out = subprocess.run([P.pandoc_path(), str(src), "-f", P.READER, "-t", "plain", "--wrap=none",
                          "--lua-filter", str(P.RESOURCES / "status.lua")], capture_output=True, text=True,
                         check=True).stdout
    assert f"7{NBSP}035{NBSP}mnkr" in out
    assert f"53{NBSP}%" in out
    assert f"1{NBSP}045 mätetal" in out
    assert "år 2025 och" in out  # a year and a word are not tied
    assert "2024 239, 2025 240" in out  # a year and a value are not a thousands group
    assert f"12{NBSP}345{NBSP}678{NBSP}kr" in out  # inside emphasis too


def test_budget_running_text_keeps_figures_with_their_units(budget):
    doc = _docx_part(budget["docx"], "word/document.xml")
    assert f"1{NBSP}500{NBSP}mnkr" in doc  # the låneram
    assert f"12,00{NBSP}procent" in doc  # the tax rate
    assert f"17,2{NBSP}procent" in doc  # typed by hand in the area text
    text = "".join(_pdf_pages(budget["pdf"]))
    assert "1 500 mnkr" in text.replace(NBSP, " ")


def test_running_text_never_breaks_a_figure_from_its_unit_in_the_pdf(built_report):
    """Pensionsmedlen "motsvarade de 40 procent av den senast beräknade pensionsförpliktelsen"
    (delar-mars-2025.yaml): typst hyphenated "40 pro-cent" at the line end; the figure and its
    unit now move to the next line whole."""
    text = "".join(_pdf_pages(built_report["pdf"])).replace(NBSP, " ")
    at = text.index("motsvarade de")
    assert "40 procent av den senast" in text[at:at + 60], text[at:at + 60]


def test_a_heading_and_its_introduction_stay_with_the_table_in_the_pdf(built_report):
    """"Koncernföretag" and its introduction ended a page and its table started the next."""
    pages = _pdf_pages(built_report["pdf"])
    [page] = [p for p in pages if "Region Kronoberg äger eller är huvudman" in p]
    assert "Koncernföretag\n" in page and "Koncernföretag (Företag)" in page
    assert "AB Destination Småland" in page  # the table's first row


# -- tables numbered without gaps ---------------------------------------------------------
@pytest.mark.parametrize("which", ["delar", "budget"])
def test_tables_are_numbered_without_gaps(which, built_report, budget):
    out = built_report if which == "delar" else budget
    text = "\n".join(_pdf_pages(out["pdf"]))
    numbers = [int(n) for n in re.findall(r"^Tabell\s*(\d+):", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    md = out["md"].read_text(encoding="utf-8")
    tables = len(re.findall(r"^\|[-:|]+\|$", md, re.M))
    assert len(numbers) == tables  # every table has a caption, so every table is numbered
    doc = _docx_part(out["docx"], "word/document.xml")
    assert doc.count('w:instr="SEQ Table') == doc.count("<w:tbl>") == tables


def test_short_tables_and_their_footnotes_are_kept_on_one_page_in_the_pdf(built_report, tmp_path):
    typ = tmp_path / "r.typ"
    md = tmp_path / "r.md"
    md.write_text(built_report["md"].read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([P.pandoc_path(), str(md), "-f", P.READER, "-t", "typst", "--lua-filter",
                    str(P.RESOURCES / "status.lua"), "-o", str(typ)], check=True, capture_output=True)
    src = typ.read_text(encoding="utf-8")
    opener = "#block(breakable: false, width: 100%)["
    kept = [src[i:src.index("\n]\n", i)] for i in range(len(src)) if src.startswith(opener, i)]
    assert len(kept) > 20
    assert any("caption: [Förvaltning av finansiella medel (mnkr)]" in b for b in kept)
    # Balanskravsutredning keeps its footnote in the same block
    bal = next(b for b in kept if "caption: [Balanskravsutredning (mnkr)]" in b)
    assert "Jämförelsesiffran för 2023" in bal
    # Resultatanalys (more than 15 rows) may break across pages
    assert not any("caption: [Resultatanalys (mnkr)]" in b for b in kept)


# -- shares that add up ------------------------------------------------------------------------
def test_largest_remainder_with_the_sources_counts():
    # 27 operational metrics at March, 16 met fully or partly (8 + 8), 6 without outcome (source p. 4)
    assert largest_remainder([8, 8, 5, 6]) == [30, 30, 18, 22]
    assert [round(100 * c / 27) for c in (8, 8, 5, 6)] == [30, 30, 19, 22]  # 101 % rounded one by one
    assert largest_remainder([4, 1, 0, 0]) == [80, 20, 0, 0]  # the 5 financial metrics
    assert largest_remainder([0, 0, 0]) == [0, 0, 0]


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=8).filter(lambda c: sum(c) > 0))
def test_largest_remainder_always_adds_up_and_stays_within_one(counts):
    shares = largest_remainder(counts)
    assert sum(shares) == 100
    for c, s in zip(counts, shares, strict=True):
        assert abs(s - 100 * c / sum(counts)) < 1


def test_goal_summary_table_shares_add_up_to_100(built_report):
    from mdtables import table_rows

    rows = table_rows(built_report["md"].read_text(encoding="utf-8"), "Måluppfyllelse, antal mätetal per status")
    shares = [int(v[1].replace(NBSP, "").replace(" ", "").rstrip("%")) for k, v in rows.items() if "Summa" not in k]
    assert shares == [30, 30, 18, 22] and sum(shares) == 100


# -- "nedan" and "ovan" ----------------------------------------------------------------------
@pytest.mark.parametrize("which", ["delar", "budget"])
def test_nedan_and_ovan_point_where_the_table_is(which, built_report, budget):
    md = (built_report if which == "delar" else budget)["md"].read_text(encoding="utf-8")
    sections = re.split(r"^#{1,2} ", md, flags=re.M)  # an area's section, its ### parts included
    for sec in sections:
        for m in re.finditer(r"\b(nedan|ovan)\b", sec):
            if sec[:m.start()].count("\n|") == 0 and sec[m.end():].count("\n|") == 0:
                pytest.fail(f"'{m.group(1)}' without a table in its section: {sec[:80]!r}")
            if m.group(1) == "nedan":
                assert "\n|" in sec[m.end():], sec[:120]
            else:
                assert "\n|" in sec[:m.start()], sec[:120]
