"""Office packages (DOCX, XLSX) written so that two builds of a report give the same bytes.

A zip records each entry's time and permissions and keeps entries in the order they
were written; pandoc and openpyxl stamp the build's time, and pandoc's sandbox dates
its document properties 1970-01-01. Every package the build writes goes through
`write_package`: each entry dated the report's date, the core properties' created and
modified times the same date, `[Content_Types].xml` first (where Word, LibreOffice and
`file` look for it; the OOXML packages have no `mimetype` entry, which only ODF has)
and every other entry in the order given.

zipfile is imported here, and this module only when a DOCX or XLSX is made.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

CONTENT_TYPES = "[Content_Types].xml"
CORE = "docProps/core.xml"
_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")


def read_package(source: bytes | Path) -> tuple[dict[str, bytes], list[str], dict[str, zipfile.ZipInfo]]:
    """A package's entries by name, their order, and their zip headers."""
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as src:
        infos = {i.filename: i for i in src.infolist()}
        return {name: src.read(name) for name in infos}, list(infos), infos


def core_dated(xml: bytes, date: dt.date) -> bytes:
    """docProps/core.xml with its created and modified times the date's midnight (UTC)."""
    stamp = f"{date.isoformat()}T00:00:00Z".encode()
    return _CORE_TIME.sub(lambda m: m.group(1) + stamp, xml)


def write_package(entries: Mapping[str, bytes], order: Iterable[str], date: dt.date, *,
                  like: Mapping[str, zipfile.ZipInfo] | None = None, mode: int = 0o644,
                  fast: Callable[[str], bool] = lambda name: False) -> bytes:
    """The entries as a deflated zip, every one dated `date` and the core properties too.

    like: the zip headers the entries came with; an entry named there keeps its
    compression and permissions (pandoc's, so its DOCX stays as pandoc made it).
    mode: the permissions of any other entry (zipfile's own default is 0o600). fast: the entries to deflate at the fastest level (the embedded
    fonts are most of a DOCX's bytes: 7 % larger, half the time)."""
    names = list(order)
    if CONTENT_TYPES in names:
        names.remove(CONTENT_TYPES)
        names.insert(0, CONTENT_TYPES)
    like = like or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            content = entries[name]
            if name == CORE:
                content = core_dated(content, date)
            info = like.get(name)
            zi = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
            zi.compress_type = info.compress_type if info else zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr if info else mode << 16
            dst.writestr(zi, content, compresslevel=1 if fast(name) else None)
    return buf.getvalue()
