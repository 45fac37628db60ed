"""Excel (.xlsx) and CSV exports: one row per account, object, month and amount.

The mapping's `tabell` names the sheet, the header row and the header text of each
column. Excel is read with openpyxl in read-only mode, which streams the sheet's
XML row by row instead of building the workbook in memory; CSV with the standard
library. A row's period (YYYYMM, YYYY-MM or a date) decides its year: the report's
year is year 0, the one before -1, as in a SIE file.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from ..diagnostics import Diagnostic, ReportError
from ..model.mapping import TableExport
from .ledgerdata import BUDGET, UTFALL, LedgerData

MAX_XLSX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5_000_000
_PERIOD = re.compile(r"^(\d{4})-?(\d{2})(?:-?\d{2})?(?:[ T].*)?$")


def read_table(path: Path, display: str, spec: TableExport, report_year: int) -> LedgerData:
    data = LedgerData(display)
    for k in range(0, -10, -1):
        data.years[k] = (f"{report_year + k}01", f"{report_year + k}12")
    if path.suffix.lower() == ".xlsx":
        rows = _xlsx_rows(path, display, spec)
        where = "rad"
    else:
        rows = _csv_rows(path, display, spec)
        where = "rad"
    header_at = spec.rubrikrad
    cols = None
    want = spec.kolumner
    for row_no, row in rows:
        if row_no < header_at:
            continue
        if row_no == header_at:
            cols = _header(row, want, display, row_no)
            continue
        if cols is None:  # a quoted line break ran past the header row: the file has no such row
            raise _no_header_row(display, header_at)
        if row_no > MAX_ROWS + header_at:
            raise ReportError([Diagnostic(display, row_no, 1, "RR806", f"Filen har fler än {MAX_ROWS} rader.",
                                          "Exportera ett år och de konton mappningen använder.")])
        if row_no % 65536 == 0:
            data.too_many(row_no)
        cells = [row[i] if i is not None and i < len(row) else None for i in cols]
        account, obj, amount, period, kind, name = cells
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in (account, amount, period)):
            continue
        _row(data, spec, display, f"{where} {row_no}", row_no, account, obj, amount, period, kind, name)
    if cols is None:
        raise _no_header_row(display, header_at)
    return data


def _no_header_row(display: str, header_at: int) -> ReportError:
    return ReportError([Diagnostic(display, header_at, 1, "RR816", f"Rubrikraden {header_at} finns inte i filen.",
                                   "Rätta 'tabell.rubrikrad' i mappningen.")])


def _header(row, want, display, row_no) -> list[int | None]:
    names = [str(c).strip().casefold() if c is not None else "" for c in row]
    out: list[int | None] = []
    for key in ("konto", "objekt", "belopp", "period", "typ", "namn"):
        title = getattr(want, key)
        if title is None:
            out.append(None)
            continue
        try:
            out.append(names.index(title.strip().casefold()))
        except ValueError as e:
            raise ReportError([Diagnostic(display, row_no, 1, "RR816",
                                          f"Kolumnen '{title}' finns inte på rubrikraden {row_no}.",
                                          "Rubrikerna där: " + ", ".join(f"'{n}'" for n in names if n) +
                                          ". Rätta 'tabell.kolumner' i mappningen.")]) from e
    return out


def _row(data: LedgerData, spec: TableExport, display, where, row_no, account, obj, amount, period, kind, name):
    def bad(msg: str, hint: str = "") -> NoReturn:
        raise ReportError([Diagnostic(display, row_no, 1, "RR816", f"{where}: {msg}", hint)])

    acc = str(account).strip() if account is not None else ""
    if isinstance(account, float) and account.is_integer():
        acc = str(int(account))
    if not acc.isdigit():
        bad(f"kontot '{acc}' är inget kontonummer.")
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        amt = Decimal(repr(amount)).quantize(Decimal("0.01"))
    else:
        text = str(amount or "").strip().replace("\xa0", "").replace(" ", "").replace("−", "-")
        if spec.decimaltecken == ",":
            text = text.replace(",", ".")
        try:
            amt = Decimal(text)
        except InvalidOperation:
            bad(f"beloppet '{amount}' är inget tal.", "Belopp skrivs i kronor, t.ex. -1234,50.")
        if not amt.is_finite():
            bad(f"beloppet '{amount}' är inget tal.")
    if isinstance(period, (dt.date, dt.datetime)):
        month = f"{period.year:04d}{period.month:02d}"
    else:
        ptext = str(int(period)) if isinstance(period, float) and period.is_integer() else str(period or "").strip()
        m = _PERIOD.match(ptext)
        if not m or not 1 <= int(m.group(2)) <= 12:
            bad(f"perioden '{period}' ska skrivas ÅÅÅÅMM eller ÅÅÅÅ-MM.")
        month = m.group(1) + m.group(2)
    year = next((y for y, (a, b) in data.years.items() if a <= month <= b), None)
    if year is None:
        bad(f"perioden {month[:4]}-{month[4:]} ligger utanför rapportens år och de nio åren före.")
    k = UTFALL
    if kind is not None and str(kind).strip():
        k = str(kind).strip().casefold()
        if k not in (UTFALL, BUDGET):
            bad(f"typen '{kind}' ska vara utfall eller budget.")
    key = (k, year, month, acc)
    data.totals[key] = data.totals.get(key, 0) + amt
    if name and acc not in data.account_names:
        data.account_names[acc] = str(name).strip()
    o = "" if obj is None else (str(int(obj)) if isinstance(obj, float) and obj.is_integer() else str(obj).strip())
    if o:
        okey = (k, year, month, acc, spec.dimension, o)
        data.objects[okey] = data.objects.get(okey, 0) + amt


def _xlsx_rows(path: Path, display: str, spec: TableExport):
    import zipfile

    if path.stat().st_size > MAX_XLSX_BYTES:
        raise ReportError([Diagnostic(display, 1, 1, "RR806", "Excelfilen är större än 200 MB.",
                                      "Exportera ett år och de konton mappningen använder.")])
    import openpyxl  # only here: `rapport check` never pays for it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise ReportError([Diagnostic(display, 1, 1, "RR807", f"Filen kan inte läsas som Excel (.xlsx): {e}.",
                                      "Spara den som Excel-arbetsbok (.xlsx) eller exportera CSV.")]) from e
    try:
        if spec.blad is not None:
            if spec.blad not in wb.sheetnames:
                raise ReportError([Diagnostic(display, 1, 1, "RR816", f"Bladet '{spec.blad}' finns inte.",
                                              "Bladen: " + ", ".join(wb.sheetnames) + ". Rätta 'tabell.blad'.")])
            ws = wb[spec.blad]
        else:
            ws = wb.worksheets[0]
        yield from enumerate(ws.iter_rows(values_only=True), start=1)
    finally:
        wb.close()


def _csv_rows(path: Path, display: str, spec: TableExport):
    try:
        f = open(path, encoding="utf-8-sig" if spec.teckenkodning == "utf-8" else spec.teckenkodning, newline="")  # noqa: SIM115 - `with f:` below
    except OSError as e:
        raise ReportError([Diagnostic(display, 1, 1, "RR807", f"Filen kan inte läsas: {e.strerror}.")]) from e
    with f:
        reader = csv.reader(f, delimiter=spec.avgransare)
        try:
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError as e:
            raise ReportError([Diagnostic(display, reader.line_num + 1, 1, "RR802",
                                          f"Fel teckenkodning: filen är inte {spec.teckenkodning}.",
                                          "Ange 'tabell.teckenkodning' i mappningen (utf-8 eller cp1252).")]) from e
        except csv.Error as e:
            raise ReportError([Diagnostic(display, reader.line_num, 1, "RR816", f"CSV-filen kan inte tolkas: {e}.")]) from e
