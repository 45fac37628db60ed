"""render/zipstamp.py: the one writer of the DOCX and XLSX zips (built outputs: test_output_quality, test_xlsx)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from regionrapport.render.zipstamp import read_package, write_package

DATE = dt.date(2025, 4, 24)
CORE = (b'<cp:coreProperties xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>T</dc:title>'
        b'<dcterms:created xsi:type="dcterms:W3CDTF">1970-01-01T00:00:00Z</dcterms:created>'
        b'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-29T17:55:12Z</dcterms:modified></cp:coreProperties>')


def _zip(when: tuple, mode: int = 0o600) -> bytes:
    """A package as openpyxl orders it (content types last), written at `when`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("docProps/core.xml", CORE), ("xl/workbook.xml", b"<workbook/>" * 50),
                           ("fonts/a.odttf", bytes(range(256)) * 40), ("[Content_Types].xml", b"<Types/>")):
            zi = zipfile.ZipInfo(name, date_time=when)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = mode << 16
            z.writestr(zi, data)
    return buf.getvalue()


def test_the_build_time_leaves_no_trace():
    a, b = _zip((2026, 11, 29, 17, 55, 12)), _zip((1980, 1, 1, 0, 0, 0))
    assert a != b
    assert write_package(*read_package(a)[:2], DATE) == write_package(*read_package(b)[:2], DATE)


def test_a_valid_zip_with_content_types_first_and_every_date_the_reports():
    entries, order, _ = read_package(_zip((2026, 11, 29, 17, 55, 12)))
    out = write_package(entries, order, DATE)
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None
        assert z.namelist() == ["[Content_Types].xml", "docProps/core.xml", "xl/workbook.xml", "fonts/a.odttf"]
        assert {i.date_time for i in z.infolist()} == {(2025, 4, 24, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o644}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        core = z.read("docProps/core.xml")
        assert core.count(b">2025-04-24T00:00:00Z<") == 2 and b"1970" not in core and b"2026" not in core
        assert b"<dc:title>T</dc:title>" in core  # nothing else of it changes
        assert z.read("xl/workbook.xml") == b"<workbook/>" * 50


def test_like_keeps_the_headers_and_fast_only_changes_the_level():
    entries, order, infos = read_package(_zip((2026, 11, 29, 17, 55, 12), mode=0o600))
    entries["word/new.xml"] = b"<new/>"
    order.append("word/new.xml")
    kept = write_package(entries, order, DATE, like=infos)
    with zipfile.ZipFile(io.BytesIO(kept)) as z:
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
    assert modes == {"[Content_Types].xml": 0o600, "docProps/core.xml": 0o600, "xl/workbook.xml": 0o600,
                     "fonts/a.odttf": 0o600, "word/new.xml": 0o644}
    fast = write_package(entries, order, DATE, like=infos, fast=lambda n: n.endswith(".odttf"))
    assert fast != kept
    with zipfile.ZipFile(io.BytesIO(fast)) as z:
        assert z.testzip() is None and z.read("fonts/a.odttf") == bytes(range(256)) * 40
    private = write_package(entries, order, DATE, mode=0o600)
    with zipfile.ZipFile(io.BytesIO(private)) as z:
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o600}
