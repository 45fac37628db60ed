"""Regenerate src/regionrapport/resources/reference.docx from pandoc's default reference document.

    .venv/bin/python scripts/make_reference_docx.py

A dev script (python-docx is a test/dev dependency, not a runtime one): its output
is committed. The document is generic: the colours below are the project's
defaults, and `render/pandoc.py` swaps in the organisation's accent and status
colours, and fills the header placeholders {{organisation}} and {{titel}}, in a
per-build copy. Re-running the script gives byte-identical output (fixed zip
timestamps), so a diff of the .docx in git means a real change.
"""
from __future__ import annotations

import copy
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from regionrapport.render.pandoc import (  # noqa: E402
    DEFAULT_ACCENT, DEFAULT_STATUS_COLOURS, PLACEHOLDERS, header_tint, pandoc_path, text_colour)

OUT = ROOT / "src" / "regionrapport" / "resources" / "reference.docx"
GREY_TEXT = RGBColor(0x59, 0x59, 0x59)
RULE_GREY = "BFBFBF"
# A4 with the same margins as the typst template, so both outputs break alike.
PAGE = {"width": Cm(21.0), "height": Cm(29.7), "left": Cm(2.2), "right": Cm(2.2), "top": Cm(2.6),
        "bottom": Cm(2.4), "header": Cm(1.2), "footer": Cm(1.2)}


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


# keyword -> (font or paragraph_format, attribute, conversion)
_STYLE_ATTRS = {
    "size": ("font", "size", Pt), "bold": ("font", "bold", None), "italic": ("font", "italic", None),
    "colour": ("font", "color.rgb", None), "before": ("pf", "space_before", Pt), "after": ("pf", "space_after", Pt),
    "line": ("pf", "line_spacing", None), "keep_next": ("pf", "keep_with_next", None),
    "page_break": ("pf", "page_break_before", None), "align": ("pf", "alignment", None),
}


def para_style(doc, name, *, based_on=None, **props):
    """Create or update a paragraph style; only the properties given are set."""
    try:
        st = doc.styles[name]
    except KeyError:
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on:
        st.base_style = doc.styles[based_on]
    for key, value in props.items():
        if value is None:
            continue
        where, attr, convert = _STYLE_ATTRS[key]
        obj = st.font if where == "font" else st.paragraph_format
        *path, last = attr.split(".")
        for part in path:
            obj = getattr(obj, part)
        setattr(obj, last, convert(value) if convert else value)
    return st


def styles(doc) -> None:
    accent = rgb(DEFAULT_ACCENT)
    # Body size lives in the document defaults only: a size on Normal would beat
    # the table style's smaller size in every cell.
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr_default.find(qn("w:sz")).set(qn("w:val"), "21")
    rpr_default.find(qn("w:szCs")).set(qn("w:val"), "21")
    rpr_default.find(qn("w:lang")).set(qn("w:val"), "sv-SE")

    para_style(doc, "Body Text", before=0, after=6, line=1.1)
    para_style(doc, "First Paragraph")
    # "Compact" is the paragraph style of every table cell and of tight lists.
    para_style(doc, "Compact", before=0, after=0, line=1.0)
    para_style(doc, "Title", size=28, bold=True, colour=accent, before=160, after=12,
               align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Subtitle", size=15, bold=False, colour=accent, before=0, after=6,
               align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Author", align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Date", size=11, bold=False, before=36, after=0, align=WD_ALIGN_PARAGRAPH.LEFT, colour=GREY_TEXT)
    # Chapters follow each other without forced page breaks, as in the PDF; every
    # heading stays with what follows it. The table of contents starts a page of its
    # own after the title page (the body then starts a page: status.lua).
    para_style(doc, "Heading 1", size=17, bold=True, colour=accent, before=22, after=10, page_break=False,
               keep_next=True)
    para_style(doc, "Heading 2", size=13.5, bold=True, colour=accent, before=16, after=5, keep_next=True)
    para_style(doc, "Heading 3", size=11.5, bold=True, colour=RGBColor(0x26, 0x26, 0x26), before=12, after=3,
               keep_next=True)
    para_style(doc, "Heading 4", size=10.5, bold=True, italic=False, colour=RGBColor(0x26, 0x26, 0x26),
               before=10, after=2, keep_next=True)
    para_style(doc, "TOC Heading", size=17, colour=accent, before=0, page_break=True)
    para_style(doc, "Table Caption", size=9.5, bold=True, italic=False, before=10, after=3, keep_next=True,
               align=WD_ALIGN_PARAGRAPH.LEFT, colour=RGBColor(0x26, 0x26, 0x26))
    para_style(doc, "Image Caption", size=9, italic=True, before=3, after=10, align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Captioned Figure", keep_next=True, before=6, after=0)
    para_style(doc, "Figure", keep_next=True)
    para_style(doc, "Footnote Text", size=8.5)
    # A table's footnotes (tabell.md.j2): small, close under the table.
    para_style(doc, "Tabellnot", based_on="Body Text", size=8.5, before=0, after=2)
    para_style(doc, "Block Text", size=10, italic=False)
    hdr = para_style(doc, "Header", size=8, colour=GREY_TEXT, before=0, after=0, based_on="Normal")
    ftr = para_style(doc, "Footer", size=8, colour=GREY_TEXT, before=0, after=0, based_on="Normal")
    for st, sid in ((hdr, "Header"), (ftr, "Footer")):
        # Word's built-in ids, so Word treats them as its own header/footer styles, not custom copies.
        st.element.set(qn("w:styleId"), sid)
        st.element.attrib.pop(qn("w:customStyle"), None)
    text_width = PAGE["width"] - PAGE["left"] - PAGE["right"]
    for st in (hdr, ftr):
        st.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    doc.styles["Hyperlink"].font.color.rgb = accent

    table_style(doc)
    for key, colour in DEFAULT_STATUS_COLOURS.items():
        status_style(doc, key, colour)


# The house typeface (render/pandoc.py embeds it in every DOCX and names Arial, with
# the same metrics, as its stand-in).
FONT = "Liberation Sans"


def fonts(doc) -> None:
    """One explicit font everywhere: the theme's Aptos is missing outside new Word versions, and
    the substitute (often DejaVu Sans) is so wide that table columns wrap badly."""
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        themed = any(k.endswith("Theme") or k.endswith("theme") for k in rfonts.attrib)
        if themed or rfonts.getparent().getparent().tag == qn("w:rPrDefault"):
            for k in list(rfonts.attrib):
                del rfonts.attrib[k]
            for k in ("ascii", "hAnsi", "cs", "eastAsia"):
                rfonts.set(qn(f"w:{k}"), FONT)


def settings(doc) -> None:
    """Swedish hyphenation and number conventions in Word's settings (pandoc keeps these)."""
    el = doc.settings.element
    tab = el.find(qn("w:defaultTabStop"))
    tab.addnext(parse_xml(f'<w:autoHyphenation {nsdecls("w")}/>'))
    for tag, val in (("w:themeFontLang", "sv-SE"), ("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        e = el.find(qn(tag))
        if e is not None:
            e.set(qn("w:val"), val)


def table_style(doc) -> None:
    """Table: rules above and below, thin grey row lines, tinted bold header row, compact 9 pt cells."""
    old = doc.styles["Table"].element
    accent = DEFAULT_ACCENT.lstrip("#").upper()
    tint = header_tint(DEFAULT_ACCENT).lstrip("#").upper()
    new = parse_xml(f"""
<w:style {nsdecls('w')} w:type="table" w:default="1" w:styleId="Table">
  <w:name w:val="Table"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
  <w:tblPr>
    <w:tblInd w:w="0" w:type="dxa"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="{accent}"/>
      <w:insideH w:val="single" w:sz="2" w:space="0" w:color="{RULE_GREY}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="23" w:type="dxa"/><w:left w:w="70" w:type="dxa"/>
      <w:bottom w:w="23" w:type="dxa"/><w:right w:w="70" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:trPr><w:tblHeader/></w:trPr>
    <w:tcPr>
      <w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="{accent}"/></w:tcBorders>
      <w:shd w:val="clear" w:color="auto" w:fill="{tint}"/>
      <w:vAlign w:val="bottom"/>
    </w:tcPr>
  </w:tblStylePr>
</w:style>""")
    old.getparent().replace(old, new)


def status_style(doc, key: str, colour: str) -> None:
    """Character style "Status <key>": bold, in a text-safe shade of the status colour."""
    st = doc.styles.add_style(f"Status {key}", WD_STYLE_TYPE.CHARACTER)
    st.base_style = doc.styles["Default Paragraph Font"]
    st.font.bold = True
    st.font.color.rgb = rgb(text_colour(colour))


def field(paragraph, instr: str, cached: str) -> None:
    """A complex field (PAGE, NUMPAGES, TITLE, DOCPROPERTY) with a cached result Word can refresh."""
    p = paragraph._p
    for xml in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
                f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{cached}</w:t></w:r>',
                f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        p.append(parse_xml(xml))


def bottom_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="4" '
                         f'w:color="{RULE_GREY}"/></w:pBdr>'))


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.start_type = WD_SECTION.NEW_PAGE
    sec.page_width, sec.page_height = PAGE["width"], PAGE["height"]
    sec.left_margin, sec.right_margin = PAGE["left"], PAGE["right"]
    sec.top_margin, sec.bottom_margin = PAGE["top"], PAGE["bottom"]
    sec.header_distance, sec.footer_distance = PAGE["header"], PAGE["footer"]
    # The first page is the title page (pandoc's title block): no running header or page number.
    sec.different_first_page_header_footer = True

    hp = sec.header.paragraphs[0]
    hp.style = doc.styles["Header"]
    field(hp, "DOCPROPERTY organisation \\* MERGEFORMAT", PLACEHOLDERS["organisation"])
    hp.add_run("\t")
    field(hp, "TITLE \\* MERGEFORMAT", PLACEHOLDERS["titel"])
    bottom_rule(hp)

    fp = sec.footer.paragraphs[0]
    fp.style = doc.styles["Footer"]
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    field(fp, "PAGE", "1")
    fp.add_run("(")
    field(fp, "NUMPAGES", "1")
    fp.add_run(")")

    # The title page's header holds the logo when the organisation has one (filled per build).
    first = sec.first_page_header.paragraphs[0]
    first.style = doc.styles["Header"]
    first.add_run(PLACEHOLDERS["logotyp"])
    sec.first_page_footer.paragraphs[0].style = doc.styles["Footer"]


def normalised_zip(data: bytes) -> bytes:
    """Same entries, fixed timestamps and permissions: regenerating gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def main() -> None:
    default = subprocess.run([pandoc_path(), "--print-default-data-file", "reference.docx"],
                             check=True, capture_output=True).stdout
    doc = Document(io.BytesIO(default))
    styles(doc)
    fonts(doc)
    settings(doc)
    page_setup(doc)
    # Keep pandoc's sample paragraphs out: the body of a reference document is ignored
    # by pandoc, but a human opening it should see what it is for.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sect = body.find(qn("w:sectPr"))
    intro = doc.add_paragraph("Referensdokument för regionrapport: formatmallarna här styr utseendet "
                              "på DOCX-utdata. Innehållet i dokumentet används inte.")
    body.remove(intro._p)
    sect.addprevious(intro._p)
    doc.core_properties.title = "Referensdokument"
    doc.core_properties.author = "regionrapport"
    doc.core_properties.revision = 1
    doc.core_properties.language = "sv-SE"  # the document language in the properties too, as in the styles
    buf = io.BytesIO()
    doc.save(buf)
    data = strip_core_dates(normalised_zip(buf.getvalue()))
    OUT.write_bytes(data)
    print(f"{OUT.relative_to(ROOT)}: {len(data)} byte")


def strip_core_dates(data: bytes) -> bytes:
    """python-docx stamps the save time into docProps/core.xml; drop it for reproducibility."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
                content = re.sub(rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>", b"", content)
            zi = copy.copy(info)
            dst.writestr(zi, content)
    return buf.getvalue()


if __name__ == "__main__":
    main()
