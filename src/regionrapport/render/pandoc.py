"""Markdown -> DOCX and Markdown -> typst -> PDF, with the bundled pandoc and the typst package.

One pandoc call per output (per-section calls cost 45–85 ms each). The DOCX and
the typst conversions run as two concurrent processes, and typst compiles
while the DOCX process is still running, so the build costs about as much as
its slowest path.

The look comes from three resources (resources/): reference.docx (styles,
header, footer; made by scripts/make_reference_docx.py), rapport.typ (the typst
template) and status.lua (status spans, image alt text, table widths). An
organisation may bring its own reference document, typst template, logo and
colours (organisation.yaml: referensdokument, typstmall, logotyp, farger); each
build writes a personalised copy of the reference document into its scratch
folder, so the committed one stays generic.

Untrusted input (docs/security.md): pandoc runs with --sandbox, so neither its
reader nor its writers open a file or a URL; the only images it embeds are the
build's own charts, which status.lua reads from the scratch folder into pandoc's
media bag by an allow-list (and it drops every other image and every raw
block). typst compiles with its root at the scratch folder, no package folder
and no way to download a package. Every file organisation.yaml names must lie
inside the project.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import importlib.util
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from ..diagnostics import Diagnostic, ReportError
from ..style import (DEFAULT_ACCENT, DEFAULT_STATUS_COLOURS, FONT, FONT_FALLBACK, FONT_FILES, FONTS,  # noqa: F401
                     LOGO_TYPES, RESOURCES, Style, default_style)

READER = "markdown-citations-raw_html-raw_tex-tex_math_dollars"

# The committed reference.docx holds these placeholders and the house defaults of
# style.py, which is how a build finds and replaces them.
PLACEHOLDERS = {"organisation": "{{organisation}}", "titel": "{{titel}}", "logotyp": "{{logotyp}}"}


@functools.cache
def pandoc_path() -> str:
    # pypandoc-binary ships the binary in pypandoc/files/. Finding it there spares
    # every build importing pypandoc (urllib, http.client, logging ...: ~15 ms).
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        exe = Path(folder) / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if exe.is_file():
            return str(exe)
    import pypandoc  # any other installation: let pypandoc find pandoc

    return pypandoc.get_pandoc_path()


# -- colours ------------------------------------------------------------------
def _channels(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(colour: str, minimum: float = 4.5) -> str:
    """The colour itself when it is readable as text on white (WCAG AA, 4.5:1), else a darker shade.

    A status word is printed in its status colour; a light yellow would fail the
    contrast rule that Swedish public bodies must meet, so it is darkened just enough.
    """
    rgb = _channels(colour)
    for step in range(0, 101):
        shade = _hex(v * (1 - step / 100) for v in rgb)
        if contrast(shade) >= minimum:
            return shade
    return "#000000"


def header_tint(colour: str, share: float = 0.86) -> str:
    """A pale tint of the accent for table header rows (dark text stays readable on it)."""
    return _hex(v + (255 - v) * share for v in _channels(colour))


# -- style ----------------------------------------------------------------------
def prepare_style(report, scratch: Path) -> Style:
    """The organisation's style, with its logo and personalised reference document in the scratch folder."""
    style = default_style(report.project.root, report.org, getattr(report.project, "org_smap", None))
    if style.logo is not None:
        style.logo_in_build = "logotyp" + style.logo.suffix.lower()
        shutil.copyfile(style.logo, scratch / style.logo_in_build)
    ref = scratch / "reference.docx"
    ref.write_bytes(personalise_reference(style, report.org.namn, report.outcomes.rapport.titel,
                                          report.outcomes.rapport.datum, report.org.layout(report.outcomes.rapport.typ)))
    style.reference_doc = ref
    from .charts import chart_files  # light: names only, no matplotlib

    style.images = tuple(chart_files())
    return style


# -- the DOCX reference document, per build -----------------------------------------
_STYLE_BLOCK = r'<w:style\b[^>]*w:styleId="{id}"[^>]*>.*?</w:style>'


def escape(text: str) -> str:
    """XML text, as xml.sax.saxutils.escape makes it; that module imports urllib and
    http.client, ~15 ms of every `rapport check` (which imports this module for RR504)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def personalise_reference(style: Style, organisation: str, title: str, date: dt.date,
                          layout: dict[str, bool] | None = None) -> bytes:
    """The reference document with this organisation's colours, header texts and logo.

    The organisation's own reference document keeps its styles; it only gets the
    status character styles added when it lacks them, and its {{organisation}},
    {{titel}} and {{logotyp}} placeholders filled, as the default one does.
    Pandoc copies some parts (header, footer, theme) with their zip timestamps,
    so those carry the report date too, like the parts pandoc writes itself.
    """
    from .zipstamp import read_package, write_package  # zipfile only when a DOCX is made

    entries, order, _infos = read_package(style.reference_doc)

    styles = entries["word/styles.xml"].decode("utf-8")
    if not style.own_reference:
        styles = _recolour(styles, DEFAULT_ACCENT, style.accent, DEFAULT_ACCENT, style.heading)
    for key, colour in style.status_colours.items():
        styles = _status_style(styles, key, text_colour(colour))
    if layout is not None:
        styles = _layout_styles(styles, layout)
    entries["word/styles.xml"] = styles.encode("utf-8")

    values = {PLACEHOLDERS["organisation"]: escape(organisation), PLACEHOLDERS["titel"]: escape(title)}
    logo_xml = ""
    for name in order:
        if re.match(r"word/(header|footer)\d*\.xml$", name):
            xml = entries[name].decode("utf-8")
            if PLACEHOLDERS["logotyp"] in xml:
                if style.logo is not None and style.logo.suffix.lower() in (".png", ".jpg", ".jpeg"):
                    rid, _media = _add_logo(entries, order, name, style.logo)
                    logo_xml = _drawing(rid, *_image_size_cm(style.logo), descr=f"Logotyp för {organisation}")
                    xml = _replace_run(xml, PLACEHOLDERS["logotyp"], logo_xml)
                else:
                    xml = _replace_run(xml, PLACEHOLDERS["logotyp"], "")
            # the names last, in one pass: a name that itself holds "{{titel}}" or
            # "{{logotyp}}" stays text (no title or logo is pasted into it)
            xml = re.sub("|".join(re.escape(k) for k in values), lambda m: values[m.group(0)], xml)
            entries[name] = xml.encode("utf-8")

    return write_package(entries, order, date, mode=0o600)


def _layout_styles(xml: str, layout: dict[str, bool]) -> str:
    """A report kind's layout in the DOCX styles: without a title page the title stands at the
    top of the first page and the contents need no page of their own; with page breaks, every
    "heading 1" starts a page."""
    def edit(sid: str, change) -> None:
        nonlocal xml
        block = re.search(_STYLE_BLOCK.format(id=sid), xml, flags=re.S)
        if block:
            xml = xml[:block.start()] + change(block.group(0)) + xml[block.end():]

    if not layout.get("framsida", True):
        edit("Title", lambda b: re.sub(r'w:before="\d+"', 'w:before="0"', b))
        edit("TOCHeading", lambda b: b.replace("<w:pageBreakBefore/>", ""))
    if layout.get("sidbrytning", False):
        edit("Heading1", lambda b: b.replace('<w:pageBreakBefore w:val="0"/>', "<w:pageBreakBefore/>"))
    return xml


def _recolour(xml: str, old_accent: str, accent: str, old_heading: str, heading: str) -> str:
    """Swap the default accent (rules, headings, header-row tint) for the organisation's."""
    oa, ot = old_accent.lstrip("#").upper(), header_tint(old_accent).lstrip("#").upper()
    na, nt = accent.lstrip("#").upper(), header_tint(accent).lstrip("#").upper()
    nh = heading.lstrip("#").upper()

    def heading_block(m: re.Match) -> str:
        return m.group(0).replace(f'w:val="{oa}"', f'w:val="{nh}"')

    xml = re.sub(_STYLE_BLOCK.format(id=r"(?:Heading\d|Title|Subtitle|TOCHeading)"), heading_block, xml, flags=re.S)
    return xml.replace(f'"{oa}"', f'"{na}"').replace(f'"{ot}"', f'"{nt}"')


def _status_style(xml: str, key: str, colour: str) -> str:
    """Set (or add) the character style "Status <key>" with a text-safe colour."""
    sid = f"Status{key}"
    c = colour.lstrip("#").upper()
    block = re.search(_STYLE_BLOCK.format(id=re.escape(sid)), xml, flags=re.S)
    if block:
        new = re.sub(r'<w:color [^>]*/>', f'<w:color w:val="{c}"/>', block.group(0))
        return xml[:block.start()] + new + xml[block.end():]
    new = (f'<w:style w:type="character" w:customStyle="1" w:styleId="{sid}"><w:name w:val="Status {key}"/>'
           f'<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:qFormat/>'
           f'<w:rPr><w:b/><w:bCs/><w:color w:val="{c}"/></w:rPr></w:style>')
    return xml.replace("</w:styles>", new + "</w:styles>")


def _replace_run(xml: str, placeholder: str, replacement: str) -> str:
    """Replace the run that holds a placeholder (not just its text) with replacement XML."""
    pattern = r"<w:r>(?:(?!<w:r>).)*?" + re.escape(placeholder) + r".*?</w:r>"
    return re.sub(pattern, lambda m: replacement, xml, count=1, flags=re.S)


def _add_logo(entries: dict, order: list, part: str, logo: Path) -> tuple[str, str]:
    media = "media/logotyp" + logo.suffix.lower()
    entries["word/" + media] = logo.read_bytes()
    order.append("word/" + media)
    rels_name = part.replace("word/", "word/_rels/") + ".rels"
    rid = "rIdLogotyp"
    rel = (f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           f'relationships/image" Target="{media}"/>')
    if rels_name in entries:
        rels = entries[rels_name].decode("utf-8").replace("</Relationships>", rel + "</Relationships>")
    else:
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                f'"http://schemas.openxmlformats.org/package/2006/relationships">{rel}</Relationships>')
        order.append(rels_name)
    entries[rels_name] = rels.encode("utf-8")
    ct = entries["[Content_Types].xml"].decode("utf-8")
    ext = logo.suffix.lower().lstrip(".")
    if f'Extension="{ext}"' not in ct:
        ct = ct.replace("</Types>", f'<Default Extension="{ext}" ContentType="{LOGO_TYPES["." + ext]}"/></Types>')
        entries["[Content_Types].xml"] = ct.encode("utf-8")
    return rid, media


def _image_size_cm(path: Path, width_cm: float = 4.5, max_height_cm: float = 2.5) -> tuple[int, int]:
    """Logo size in EMU: 4.5 cm wide unless that makes it taller than 2.5 cm."""
    w, h = image_pixels(path)
    width = width_cm
    if h / w * width > max_height_cm:
        width = max_height_cm * w / h
    emu = 360000
    return round(width * emu), round(width * h / w * emu)


def image_pixels(path: Path) -> tuple[int, int]:
    """Pixel size of a PNG or JPEG from its header (no imaging library at build time)."""
    data = path.read_bytes()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    i = 2
    while i < len(data) - 9:  # JPEG: walk the segments to a start-of-frame marker
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    raise ReportError([Diagnostic(str(path), 1, 1, "RR508", f"Kan inte läsa bildstorleken i {path.name}.",
                                  "Spara logotypen som PNG eller JPEG.")])


def _drawing(rid: str, cx: int, cy: int, descr: str = "Logotyp") -> str:
    """The logo as an inline picture; `descr` is its alternative text (docPr and the picture's own)."""
    alt = escape(descr).replace('"', "&quot;")
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="9001" name="Logotyp" descr="{alt}"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:nvPicPr><pic:cNvPr id="0" name="Logotyp" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


# -- pandoc ---------------------------------------------------------------------------
def _env(date: dt.date) -> dict:
    env = dict(os.environ)
    # Byte-identical DOCX: pandoc stamps the time unless told otherwise.
    env["SOURCE_DATE_EPOCH"] = str(calendar.timegm(date.timetuple()))
    # --sandbox already stops pandoc fetching URLs; a dead proxy is a second lock.
    for var in ("no_proxy", "NO_PROXY"):
        env.pop(var, None)
    env.update({var: NO_NETWORK for var in _PROXY_VARS})
    return env


if TYPE_CHECKING:
    class _Pandoc(subprocess.Popen[bytes]):
        """A running pandoc, with the file its stderr goes to and (DOCX) what to restamp when it is done."""

        errfile: IO[bytes]
        restamp: tuple[Path, dt.date] | None


def start_pandoc(md_file: Path, to: str, style: Style, date: dt.date, extra: list[str], out: Path,
                 reader: str = READER, toc: bool = True) -> _Pandoc:
    """Start pandoc on a Markdown file; output and messages go to files (no pipe can fill up).

    Runs in the scratch folder with --sandbox: pandoc itself opens no file but those
    on its command line and fetches no URL, so an image or include named in a text
    cannot pull a file or a web page into the output. The charts (written into the
    scratch folder before the DOCX conversion starts) reach the DOCX through
    status.lua, which reads exactly the files named in `rr-bilder` into pandoc's
    media bag and drops every other image and every raw block.
    """
    if to == "docx":
        # Captions become "Tabell 1" / "Figur 1" with Word's own SEQ fields (pandoc
        # translates the words from lang: sv-SE), as typst numbers them in the PDF.
        to = "docx+native_numbering"
    args = [pandoc_path(), str(md_file), "-f", reader, "-t", to, "--sandbox", "--columns=200", "--lua-filter",
            str(style.lua_filter), *(["--toc", "--toc-depth=2"] if toc else []),
            "-M", "rr-bilder=" + " ".join(style.images),
            *_status_meta(style), *extra, "-o", str(out)]
    err = open(out.with_suffix(out.suffix + ".log"), "w+b")  # noqa: SIM115 - closed when the process is waited for
    proc = cast("_Pandoc", subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=_env(date),
                                             cwd=str(md_file.parent)))
    proc.errfile = err
    proc.restamp = (out, date) if to.startswith("docx") else None
    return proc


def finish(proc: _Pandoc, what: str) -> None:
    proc.wait()
    proc.errfile.seek(0)
    err = proc.errfile.read().decode("utf-8", "replace").strip()
    proc.errfile.close()
    if proc.returncode != 0:
        raise ReportError([Diagnostic(what, 1, 1, "RR505", f"pandoc misslyckades ({what}): {err[:500]}",
                                      "Kontrollera den genererade Markdown-filen; ofta är det en mall som skrivit fel syntax.")])
    if proc.restamp is not None:
        path, date = proc.restamp
        path.write_bytes(restamp_docx(path.read_bytes(), date))


def restamp_docx(data: bytes, date: dt.date) -> bytes:
    """The DOCX with every date the report date, as a build without the sandbox had it.

    pandoc's --sandbox hides SOURCE_DATE_EPOCH from the writer, which then dates the
    document properties 1970-01-01 and the charts it took from the media bag
    1980-01-01 (zip's first day); the build must not depend on either. The entries
    keep pandoc's order, compression and permissions (render/zipstamp.py), so two
    builds are still byte-identical.
    """
    from .zipstamp import read_package, write_package

    entries, order, infos = read_package(data)
    house_docx(entries, order)  # the same rewrite adds what pandoc cannot be told (above)
    return write_package(entries, order, date, like=infos, fast=lambda name: name.endswith(".odttf"))


# -- the DOCX after pandoc --------------------------------------------------------------
# What pandoc's DOCX writer cannot be told: Word is asked to update the fields (the table
# of contents, "Tabell n" numbers) when the document opens, so the contents are never
# blank; table rows never split across pages, and a table that fits on a page (up to
# KEEP_ROWS rows) is kept on one page with its footnotes ("Tabellnot" paragraphs), as in
# the PDF; the house typeface is embedded (obfuscated, as Word does it), so Word and
# LibreOffice show it without having it installed, with Arial named as its stand-in.
KEEP_ROWS = 15
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_SETTINGS_AFTER_UPDATE = ("<w:hdrShapeDefaults", "<w:footnotePr", "<w:endnotePr", "<w:compat", "<w:docVars",
                          "<w:rsids", "<m:mathPr", "<w:attachedSchema", "<w:themeFontLang", "<w:clrSchemeMapping",
                          "<w:doNotIncludeSubdocsInStats", "<w:captions", "<w:decimalSymbol", "<w:listSeparator",
                          "</w:settings>")


def _insert_before_first(xml: str, markers, new: str) -> str:
    at = min((i for i in (xml.find(m) for m in markers) if i >= 0), default=-1)
    return xml if at < 0 else xml[:at] + new + xml[at:]


def docx_settings(xml: str) -> str:
    """settings.xml: update fields on open; the document carries its fonts."""
    if "<w:updateFields" not in xml:
        xml = _insert_before_first(xml, _SETTINGS_AFTER_UPDATE, '<w:updateFields w:val="true"/>')
    if "<w:embedTrueTypeFonts" not in xml:
        xml = _insert_before_first(xml, ("<w:embedSystemFonts", "<w:saveSubsetFonts", "<w:mirrorMargins",
                                         "<w:proofState", "<w:defaultTabStop"), "<w:embedTrueTypeFonts/>")
    return xml


def _keep_next(row: str) -> str:
    """Every paragraph of a table row kept with the next paragraph (the next row)."""
    def one(m: re.Match) -> str:
        ppr = m.group(0)
        if "<w:keepNext" in ppr:
            return ppr
        style = re.match(r"<w:pPr>(<w:pStyle [^>]*/>)?", ppr)
        assert style is not None  # ppr is a whole <w:pPr>...</w:pPr>
        return ppr[:style.end()] + "<w:keepNext/>" + ppr[style.end():]
    return re.sub(r"<w:pPr>.*?</w:pPr>", one, row, flags=re.S)


def _table(m: re.Match, following: str) -> str:
    rows = re.findall(r"<w:tr>.*?</w:tr>|<w:tr .*?</w:tr>", m.group(0), flags=re.S)
    notes = following.startswith('<w:p><w:pPr><w:pStyle w:val="Tabellnot"')
    keep = len(rows) <= KEEP_ROWS + 1
    out = m.group(0)
    for i, row in enumerate(rows):
        new = row
        if "<w:cantSplit" not in new:
            new = (new.replace("<w:trPr>", "<w:trPr><w:cantSplit/>", 1) if "<w:trPr>" in new
                   else new.replace("<w:tr>", "<w:tr><w:trPr><w:cantSplit/></w:trPr>", 1))
        if keep and (i < len(rows) - 1 or notes):
            new = _keep_next(new)
        out = out.replace(row, new, 1)
    return out


def docx_document(xml: str) -> str:
    """document.xml: rows that cannot split; short tables (and their footnotes) kept on one page;
    row headers marked; pictures described in both their places."""
    parts, pos = [], 0
    for m in re.finditer(r"<w:tbl>.*?</w:tbl>", xml, flags=re.S):
        parts.append(xml[pos:m.start()])
        parts.append(_row_headers(_table(m, xml[m.end():m.end() + 80])))
        pos = m.end()
    parts.append(xml[pos:])
    xml = "".join(parts)
    xml = _picture_descriptions(xml)
    # all footnote paragraphs of a table but the last stay with the next one
    return re.sub(r'(<w:p><w:pPr><w:pStyle w:val="Tabellnot" />)(?=(?:(?!</w:p>).)*</w:p><w:p><w:pPr><w:pStyle '
                  r'w:val="Tabellnot")', r"\1<w:keepNext/>", xml, flags=re.S)


def _font_key(name: str) -> str:
    import hashlib

    h = hashlib.sha1(name.encode()).hexdigest()[:32].upper()  # the same key every build
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}}}"


def obfuscate_font(data: bytes, key: str) -> bytes:
    """ECMA-376 font obfuscation: the first 32 bytes XOR the key's 16 bytes, read from its end."""
    k = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ k[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def docx_fonts(entries: dict, order: list) -> None:
    """Name the house typeface (with Arial as its stand-in) and embed it."""
    embeds, rels = [], []
    for i, (kind, filename) in enumerate(FONT_FILES.items(), start=1):
        key = _font_key(filename)
        part = f"fonts/font{i}.odttf"
        entries["word/" + part] = obfuscate_font((FONTS / filename).read_bytes(), key)
        if "word/" + part not in order:
            order.append("word/" + part)
        embeds.append(f'<w:embed{kind} r:id="rIdFont{i}" w:fontKey="{key}"/>')
        rels.append(f'<Relationship Id="rIdFont{i}" Type="{_FONT_REL}" Target="{part}"/>')
    font = (f'<w:font w:name="{FONT}"><w:altName w:val="{FONT_FALLBACK}"/>'
            '<w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/><w:family w:val="swiss"/>'
            '<w:pitch w:val="variable"/>' + "".join(embeds) + "</w:font>")
    table = entries.get("word/fontTable.xml", b"").decode("utf-8")
    if "<w:fonts" not in table:
        table = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{_W}" '
                 f'xmlns:r="{_R}"></w:fonts>')
        order.append("word/fontTable.xml")
    table = re.sub(rf'<w:font w:name="{re.escape(FONT)}">.*?</w:font>', "", table, flags=re.S)
    if "xmlns:r=" not in table[:table.find(">", table.find("<w:fonts")) + 1]:
        table = table.replace("<w:fonts ", f'<w:fonts xmlns:r="{_R}" ', 1)
    table = re.sub(r"(<w:fonts\b[^>]*>)", lambda m: m.group(1) + font, table, count=1)
    entries["word/fontTable.xml"] = table.encode("utf-8")
    rels_name = "word/_rels/fontTable.xml.rels"
    entries[rels_name] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                          '"http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels)
                          + "</Relationships>").encode("utf-8")
    if rels_name not in order:
        order.append(rels_name)
    ct = entries["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in ct:
        ct = ct.replace("</Types>", f'<Default Extension="odttf" ContentType="{_ODTTF}"/></Types>')
    if "/word/fontTable.xml" not in ct:
        ct = ct.replace("</Types>", '<Override PartName="/word/fontTable.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/></Types>')
    entries["[Content_Types].xml"] = ct.encode("utf-8")
    doc_rels = entries["word/_rels/document.xml.rels"].decode("utf-8")
    if "fontTable.xml" not in doc_rels:
        doc_rels = doc_rels.replace("</Relationships>", '<Relationship Id="rIdFontTable" Type="http://schemas.'
                                    'openxmlformats.org/officeDocument/2006/relationships/fontTable" '
                                    'Target="fontTable.xml"/></Relationships>')
        entries["word/_rels/document.xml.rels"] = doc_rels.encode("utf-8")


def house_docx(entries: dict, order: list) -> None:
    """pandoc's DOCX parts with the settings, row properties, accessibility and embedded fonts above."""
    entries["word/settings.xml"] = docx_settings(entries["word/settings.xml"].decode("utf-8")).encode("utf-8")
    entries["word/document.xml"] = docx_document(entries["word/document.xml"].decode("utf-8")).encode("utf-8")
    core = entries.get("docProps/core.xml", b"").decode("utf-8")
    lang = re.search(r"<dc:language>([^<]+)</dc:language>", core)
    entries["word/styles.xml"] = docx_language(entries["word/styles.xml"].decode("utf-8"),
                                               lang.group(1) if lang else LANGUAGE).encode("utf-8")
    docx_fonts(entries, order)


# -- accessibility (lag 2018:1937, EN 301 549): what a screen reader and Word's checker read ----
LANGUAGE = "sv-SE"  # the document language when the metadata names none (metadata.md.j2 sets lang)


def docx_language(xml: str, lang: str) -> str:
    """styles.xml: the document defaults' language is the document's, so Word and a screen
    reader speak and spell-check the text as Swedish (an own reference document may say en-US)."""
    tag = f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>'
    if "<w:docDefaults" not in xml:
        xml = re.sub(r"(<w:styles\b[^>]*>)", lambda m: m.group(1) + "<w:docDefaults/>", xml, count=1)
    xml = re.sub(r"<w:docDefaults\s*/>", "<w:docDefaults></w:docDefaults>", xml, count=1)
    if not re.search(r"<w:rPrDefault\b", xml):
        xml = xml.replace("<w:docDefaults>", "<w:docDefaults><w:rPrDefault/>", 1)
    xml = re.sub(r"<w:rPrDefault\s*/>", "<w:rPrDefault></w:rPrDefault>", xml, count=1)
    if not re.search(r"<w:rPrDefault>\s*<w:rPr", xml):
        xml = xml.replace("<w:rPrDefault>", "<w:rPrDefault><w:rPr></w:rPr>", 1)

    def set_lang(m: re.Match) -> str:
        rpr = re.sub(r"<w:lang\b[^>]*/>", "", m.group(2))
        return m.group(1) + rpr + tag + m.group(3)
    return re.sub(r"(<w:rPrDefault>\s*<w:rPr>)(.*?)(</w:rPr>)", set_lang, xml, count=1, flags=re.S)


def _picture_descriptions(xml: str) -> str:
    """A picture's own name and description (pic:cNvPr) carry its alternative text too, not the
    file name pandoc puts there: a tool that reads the picture rather than the drawing finds it."""
    def one(m: re.Match) -> str:
        drawing = m.group(0)
        alt = re.search(r'<wp:docPr\b[^>]*\bdescr="([^"]*)"', drawing)
        if alt is None:
            return drawing
        return re.sub(r'(<pic:cNvPr\b[^>]*?\bdescr=")[^"]*(")', lambda c: c.group(1) + alt.group(1) + c.group(2),
                      drawing)
    return re.sub(r"<w:drawing>.*?</w:drawing>", one, xml, flags=re.S)


def _row_headers(table: str) -> str:
    """A table whose first column names its rows (left-aligned text, not figures) says so:
    tblLook's firstColumn, Word's "First column" (the header row is pandoc's, w:tblHeader)."""
    first_cell = re.search(r"<w:tc>.*?</w:tc>", table, flags=re.S)
    if first_cell is None or '<w:jc w:val="right"' in first_cell.group(0):
        return table

    def look(m: re.Match) -> str:
        tag = re.sub(r'w:firstColumn="0"', 'w:firstColumn="1"', m.group(0))
        return re.sub(r'w:val="([0-9A-Fa-f]{4})"', lambda v: f'w:val="{int(v.group(1), 16) | 0x0080:04X}"', tag)
    return re.sub(r"<w:tblLook\b[^>]*/>", look, table, count=1)


def _status_meta(style: Style) -> list[str]:
    """Text-safe status colours for the Lua filter (the template's statusfarger are the raw ones)."""
    out = []
    for key, colour in style.status_colours.items():
        out += ["-M", f"statustext-{key}={text_colour(colour)}"]
    return out


def docx_args(style: Style) -> list[str]:
    # The typst template names its own table of contents; pandoc's DOCX default is English.
    return ["--reference-doc", str(style.reference_doc), "-M", "toc-title=Innehåll"]


def typst_args(style: Style, date: dt.date) -> list[str]:
    args = ["--template", str(style.typst_template), "-M", f"accent={style.accent.lstrip('#')}",
            "-M", f"rubrikfarg={style.heading.lstrip('#')}",
            "-M", f"date-iso={date.isoformat()}", "-M", f"date-year={date.year}",
            "-M", f"date-month={date.month}", "-M", f"date-day={date.day}"]
    if style.logo_in_build:
        args += ["-M", f"logotyp={style.logo_in_build}"]
    return args


# typst downloads a package named "@preview/..." the first time a document imports it,
# and its binding has no switch to forbid that. Its downloader takes its proxy from
# the environment, so the build points every proxy variable at a port that refuses
# the connection: an import fails at once, before any byte leaves the machine.
NO_NETWORK = "http://127.0.0.1:0"
_PROXY_VARS = ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")


def no_network() -> None:
    """Make this process's (and its children's) HTTP clients go nowhere: the build needs no network."""
    for var in ("no_proxy", "NO_PROXY"):
        os.environ.pop(var, None)
    for var in _PROXY_VARS:
        os.environ[var] = NO_NETWORK


def compile_pdf(src: Path, date: dt.date, root: Path) -> bytes:
    """Compile pandoc's typst output; images are named relative to the build folder.

    The root is the scratch folder: typst reads nothing outside it (an absolute
    path such as "/etc/passwd" is taken as relative to the root). Packages come from
    an empty folder inside it, and a package download cannot reach the network
    (no_network). Only the package's own fonts (resources/fonts: Liberation Sans, SIL
    OFL) and those bundled with typst are used, so the PDF is the
    same on every machine (a system font would otherwise win where one is installed).
    """
    import typst

    no_network()
    ts = calendar.timegm(date.timetuple())
    options: dict[str, Any] = dict(root=str(root), timestamp=ts, pdf_standards=["ua-1"], font_paths=[str(FONTS)],
                                   ignore_system_fonts=True)
    if "package_cache_path" in (getattr(typst.compile, "__text_signature__", None) or ""):
        # Newer bindings take package folders; older ones use the user's (the proxies hold either way).
        packages = root / ".typst-paket"  # empty: no package is installed, none is cached
        packages.mkdir(exist_ok=True)
        options.update(package_path=str(packages), package_cache_path=str(packages))
    try:
        return typst.compile(str(src), **options)
    except Exception as e:
        text = str(e)
        if "package" in text:
            raise ReportError([Diagnostic("_rapport.typ", 1, 1, "RR506",
                                          f"typst försökte använda ett paket, men bygget hämtar inget från nätet: "
                                          f"{text[:300]}", "Ta bort #import \"@...\" ur typstmallen (typstmall); "
                                          "det som behövs skrivs i mallen själv.")]) from e
        raise ReportError([Diagnostic("_rapport.typ", 1, 1, "RR506", f"typst misslyckades: {text[:800]}",
                                      "Kör 'rapport build --format md' och granska Markdown-filen.")]) from e
