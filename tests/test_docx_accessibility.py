"""The DOCX as the accessibility law asks (lag 2018:1937, EN 301 549): language, alt text, table headers.

Read from the built DOCX of the Kronoberg example with zipfile and ElementTree, as Word
and a screen reader read it. Chart figures come from the source (Resultat per nämnd:
Hälso- och sjukvårdsnämnd −1 353 utfall, −1 390 budget).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from regionrapport.render import pandoc as P

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(scope="module")
def parts(built_report) -> dict:
    with zipfile.ZipFile(built_report["docx"]) as z:
        return {name: ET.fromstring(z.read(name)) for name in z.namelist() if name.endswith(".xml")}


def default_language(styles: ET.Element) -> str | None:
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    return None if lang is None else lang.get(f"{W}val")


def test_language_in_styles_and_properties(parts):
    assert default_language(parts["word/styles.xml"]) == "sv-SE"
    assert parts["docProps/core.xml"].findtext(f"{DC}language") == "sv-SE"


def test_reference_document_says_swedish_too():
    with zipfile.ZipFile(P.RESOURCES / "reference.docx") as z:
        assert default_language(ET.fromstring(z.read("word/styles.xml"))) == "sv-SE"
        assert ET.fromstring(z.read("docProps/core.xml")).findtext(f"{DC}language") == "sv-SE"


@pytest.mark.parametrize("styles", [
    # an organisation's own reference document in English
    '<w:styles xmlns:w="W"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/>'
    '<w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>',
    # one without any language, or without document defaults at all
    '<w:styles xmlns:w="W"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault>'
    '</w:docDefaults></w:styles>',
    '<w:styles xmlns:w="W"><w:style w:styleId="Normal"/></w:styles>',
])
def test_language_set_whatever_the_reference_says(styles):
    out = P.docx_language(styles.replace('"W"', f'"{W[1:-1]}"'), "sv-SE")
    root = ET.fromstring(out)
    assert default_language(root) == "sv-SE"
    assert len(root.findall(f".//{W}docDefaults//{W}lang")) == 1


def pictures(parts) -> list[tuple[str, ET.Element]]:
    return [(name, d) for name, root in parts.items() if name.startswith("word/")
            for d in root.iter(f"{W}drawing")]


def test_every_picture_has_alt_text(parts):
    found = pictures(parts)
    assert len(found) == 4  # three charts and the logo
    for name, d in found:
        alt = d.find(f".//{WP}docPr").get("descr", "")
        assert len(alt) > 10 and not re.search(r"\.(png|jpe?g|svg)$", alt), (name, alt)
        # the picture's own description is the same text, not the file name
        assert d.find(f".//{PIC}cNvPr").get("descr") == alt
    logo = [d for name, d in found if "header" in name]
    assert [d.find(f".//{WP}docPr").get("descr") for d in logo] == ["Logotyp för Region Kronoberg"]


def test_chart_alt_text_describes_the_chart(parts):
    alts = [d.find(f".//{WP}docPr").get("descr") for name, d in pictures(parts) if name == "word/document.xml"]
    committees = next(a for a in alts if "nettokostnad per nämnd" in a)
    # what kind of chart, its title and period, its unit and series, then the data itself
    assert committees.startswith("Liggande stapeldiagram över nettokostnad per nämnd jan–mar 2025 i mnkr")
    assert "Hälso- och sjukvårdsnämnd: utfall 1\u00a0353, budget 1\u00a0390" in committees
    assert any(a.startswith("Liggande stapeldiagram över investeringar per kategori") for a in alts)


def test_every_table_has_a_repeating_header_row_and_row_headers(parts):
    tables = list(parts["word/document.xml"].iter(f"{W}tbl"))
    assert len(tables) >= 30
    for t in tables:
        rows = t.findall(f"{W}tr")
        header = rows[0].find(f"{W}trPr/{W}tblHeader")
        assert header is not None and header.get(f"{W}val", "on") in ("on", "1", "true")
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
        look = t.find(f"{W}tblPr/{W}tblLook")
        assert look.get(f"{W}firstRow") == "1"
        # every table of the report names its rows in its first column: marked as row headers
        assert look.get(f"{W}firstColumn") == "1"
        assert int(look.get(f"{W}val"), 16) & 0x00A0 == 0x00A0
    per_committee = next(t for t in tables
                         if t.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val") == "Resultat per nämnd (mnkr)")
    head = ["".join(x.text or "" for x in c.iter(f"{W}t")) for c in per_committee.find(f"{W}tr").findall(f"{W}tc")]
    assert head[:3] == ["mnkr", "Utfall", "Budget"]


def test_a_table_of_figures_only_gets_no_row_headers():
    table = ('<w:tbl><w:tblPr><w:tblLook w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:val="0020" /></w:tblPr>'
             '<w:tr><w:tc><w:tcPr /><w:p><w:pPr><w:jc w:val="right" /></w:pPr></w:p></w:tc></w:tr></w:tbl>')
    assert P._row_headers(table) == table
    labelled = table.replace('<w:jc w:val="right" />', "")
    assert 'w:firstColumn="1"' in P._row_headers(labelled) and 'w:val="00A0"' in P._row_headers(labelled)
