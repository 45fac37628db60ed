"""`rapport import FILE --into REPORT`: figures from a ledger export, written into the report's YAML.

Reads a SIE 4 file or an Excel/CSV export, places its amounts on posts through the
project's mapping (import/mappning.yaml), rounds them, adds the printed totals the
ledger's exact kronor call for, and writes the figures into data/outcomes/REPORT.yaml
in place (importing/yamledit.py): only the figures change. The file is written
atomically (a temporary file in the same folder, then renamed) and only when
everything was read, placed and reconciled without an error; the result is loaded
and validated before it replaces the old file. `rapport check` runs afterwards as usual.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..compute.ledger import MISSING
from ..diagnostics import Collector, Diagnostic, ReportError, UsageProblem

MAPPING = Path("import") / "mappning.yaml"


@dataclass
class Change:
    post: str
    name: str
    column: str
    old: object
    new: Decimal
    printed: bool = False  # a `tryckt` figure

    def describe(self) -> str:
        from ..importing.place import figure_text

        def show(v) -> str:
            return figure_text(Decimal(str(v))).replace("-", "\u2212").replace(".", ",")

        what = f"{self.column} (tryckt)" if self.printed else self.column
        return f"{self.name}, {what}: {'–' if self.old is None else show(self.old)} → {show(self.new)}"


@dataclass
class ImportResult:
    path: Path
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".se", ".si", ".sie"):
        return "sie"
    if suffix in (".xlsx", ".csv"):
        return suffix[1:]
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"#"):
        return "sie"
    if head.startswith(b"PK"):
        return "xlsx"
    raise UsageProblem(f"{path.name}: okänd filtyp.", "Importera en SIE-fil (.se/.si), en Excelfil (.xlsx) eller CSV (.csv).")


def load_mapping(root: Path, mapping_path: Path | None):
    from ..importing.place import static_problems
    from ..load import load_file
    from ..model.mapping import Mapping
    from ..project import validate

    path = mapping_path or root / MAPPING
    if not path.is_file():
        raise UsageProblem(f"Mappningen {path} finns inte.",
                           "Skapa import/mappning.yaml (se docs/import.md) eller ange --mappning.")
    loaded = load_file(path, root)
    collector = Collector()
    mapping = validate(Mapping, loaded, collector)
    if mapping is None:
        raise ReportError(collector.errors)
    problems = static_problems(mapping, loaded.smap)
    if problems:
        raise ReportError(problems)
    return mapping, loaded


def run_import(project, file: Path, report_id: str, columns: list[str] | None = None, period: str | None = None,  # noqa: C901 - the import's steps in order; to split
               dry_run: bool = False, mapping_path: Path | None = None) -> ImportResult:
    from .. import model as m
    from ..importing.place import decimals_of, figure_text, place
    from ..importing.printed import printed_totals
    from ..importing.yamledit import EditError, Editor
    from ..diagnostics import relpath
    from ..load import decode, load_text, read_bytes
    from ..project import load_report, report_path_problem, validate

    root = project.root
    problem = report_path_problem(project, report_id)
    if problem:
        raise ReportError(problem)
    if not file.is_file():
        raise UsageProblem(f"Filen {file} finns inte.", "Ange sökvägen till exporten från ekonomisystemet.")
    mapping, mloaded = load_mapping(root, mapping_path)
    mfile = mloaded.smap.file
    report_file = project.outcomes_dir / f"{report_id}.yaml"
    collector = Collector()
    report = load_report(project, report_id, collector)
    if report is None:
        raise ReportError(collector.errors)

    wanted = columns if columns else list(mapping.kolumner)
    unknown = [c for c in wanted if c not in mapping.kolumner]
    if unknown:
        raise UsageProblem(f"Kolumnen {', '.join(unknown)} finns inte i mappningen.",
                           "Kolumner i mappningen: " + ", ".join(mapping.kolumner))
    for c in wanted:
        if c not in report.columns:
            raise ReportError([mloaded.smap.diag(("kolumner", c), "RR813", f"Kolumnen '{c}' finns inte i rapporten.",
                                                 "Kolumnerna deklareras i organisation.yaml eller under 'kolumner'.",
                                                 prefer="key")])
    missing = [mloaded.smap.diag(("indelningar", gi, "poster", pid), "RR813",
                                 f"Posten '{pid}' i '{g.namn}' finns inte i rapporten {report_id}.",
                                 "Rätta post-id:t i mappningen eller lägg till posten i budgeten/rapporten.", prefer="key")
               for gi, g in enumerate(mapping.indelningar) for pid in g.poster if pid not in report.posts]
    if missing:
        raise ReportError(missing)

    display = str(file)
    kind = _kind(file)
    if kind == "sie":
        from ..importing.sie import read_sie

        data = read_sie(file, display, mapping.organisationsnummer)
    else:
        from ..importing.table import read_table

        if mapping.tabell is None:
            raise ReportError([mloaded.smap.diag((), "RR816", "Mappningen saknar 'tabell' för Excel- och CSV-filer.",
                                                 "Ange blad, rubrikrad och kolumnernas rubriker under 'tabell'.")])
        data = read_table(file, display, mapping.tabell, report.outcomes.rapport.ar)

    months = project.org.perioder[report.outcomes.rapport.period].manader \
        if report.outcomes.rapport.period in project.org.perioder else None
    if period is not None:
        digits = period.replace("-", "")
        if not (len(digits) == 6 and digits.isdigit()):
            raise UsageProblem(f"Perioden '{period}' ska skrivas ÅÅÅÅMM eller ÅÅÅÅ-MM.")
        if 0 not in data.years:
            raise ReportError([Diagnostic(display, 1, 1, "RR804", "Filen saknar räkenskapsår 0 (#RAR 0).")])
        months = data.month_index(0, digits)
        if months is None:
            a, b = data.years[0]
            raise ReportError([Diagnostic(display, 1, 1, "RR804",
                                          f"Perioden {digits[:4]}-{digits[4:]} ligger utanför räkenskapsåret {a}–{b}.",
                                          "Välj en månad i filens år med --period.")])
    elif kind == "sie" and 0 in data.years and data.years[0][0][:4] != str(report.outcomes.rapport.ar):
        raise ReportError([Diagnostic(display, 1, 1, "RR804",
                                      f"Filens räkenskapsår börjar {data.years[0][0]}, rapporten gäller {report.outcomes.rapport.ar}.",
                                      "Importera filen för rapportens år, eller ange månaden med --period.")])
    if months is None:
        raise UsageProblem("Kan inte avgöra hur många månader perioden omfattar.", "Ange --period ÅÅÅÅMM.")

    placed = place(mapping, mloaded.smap, data, {c: months for c in wanted}, mfile)
    if placed.diagnostics:
        raise ReportError(placed.diagnostics)
    printed = printed_totals(report, placed.exact, placed.rounded, mapping.enhet, lambda pid: decimals_of(mapping, pid))

    # The edits, in report terms.
    # One read, through the loader's limits: the editor's text is exactly what the source map describes.
    name = relpath(report_file, root)
    text = decode(read_bytes(report_file, name, root), name)
    loaded = load_text(text, name)
    poster = (loaded.data or {}).get("poster") or {}
    editor = Editor(text, loaded.smap, loaded.data)
    result = ImportResult(report_file, notes=list(placed.notes))

    def old_value(path):
        node = poster
        for k in path:
            if not isinstance(node, dict) or k not in node:
                return None, False
            node = node[k]
        return node, True

    try:
        for (pid, col), value in sorted(placed.rounded.items(), key=lambda kv: _order(report, kv[0])):
            old, present = old_value((pid, col))
            if old == MISSING:  # a figure not yet known (rapport new): the import fills it in
                old = None
            if present and old is not None and Decimal(str(old)) == value:
                continue
            editor.set(("poster", pid, col), figure_text(value))
            result.changes.append(Change(pid, report.ledger.name(pid), col, old, value))
        for (pid, col), value in sorted(printed.items(), key=lambda kv: _order(report, kv[0])):
            old, present = old_value((pid, "tryckt", col))
            if present and old is not None and Decimal(str(old)) == value:
                continue
            editor.set(("poster", pid, "tryckt", col), figure_text(value))
            result.changes.append(Change(pid, report.ledger.name(pid), col, old, value, printed=True))
    except EditError as e:
        raise ReportError([Diagnostic(loaded.smap.file, 1, 1, "RR814", f"Kan inte skriva siffran på plats: {e}.",
                                      "Skriv värdet som ett tal på raden efter nyckeln (t.ex. 'utfall: null').")]) from e
    new_text = editor.text()
    # What is written must read back as exactly these figures, and as a valid report.
    check = load_text(new_text, loaded.smap.file)
    collector = Collector()
    if validate(m.Outcomes, check, collector) is None:  # pragma: no cover - a bug in the editor
        raise ReportError(collector.errors)
    back = check.data.get("poster") or {}
    for c in result.changes:
        got = (back.get(c.post) or {})
        got = (got.get("tryckt") or {}).get(c.column) if c.printed else got.get(c.column)
        if got is None or Decimal(str(got)) != c.new:  # pragma: no cover - a bug in the editor
            raise ReportError([Diagnostic(loaded.smap.file, 1, 1, "RR814",
                                          f"{c.name}, {c.column}: skrevs som {got}, väntat {c.new}.")])
    if result.changes and not dry_run and new_text != text:
        _atomic_write(report_file, new_text.encode("utf-8"))
        result.written = True
    return result


def _order(report, cell):
    """Changes listed in the order the posts stand in the report, then column."""
    ids = list(report.posts)
    pid, col = cell
    return (ids.index(pid) if pid in ids else len(ids), col)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
