"""`rapport import`: the example's Q1 2025 figures from a generated ledger, back into an empty report.

The ledger files are generated (tests/importfixtures.py) from the example's figures,
which come from the source (Region Kronoberg's interim report per March 2025). The
round trip must give the example's figures, derived totals and printed totals exactly.
"""
from __future__ import annotations

import difflib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import importfixtures as F
import pytest
from click.testing import CliRunner

from regionrapport.cli import main
from regionrapport.diagnostics import Collector
from regionrapport.importing.place import figure_text, round_half_away
from regionrapport.importing.sie import tokens
from regionrapport.project import load_project, load_report

ROOT = Path(__file__).resolve().parent.parent
NEW = "import-mars-2025"
COLUMNS = ("utfall", "budget", "utfall_fg_ar", "avvikelse")
TOTALS = ("hsn", "fv", "verksamhetens_nettokostnad", "skatteintakter", "generella_statsbidrag",
          "skatter_och_statsbidrag", "verksamhetens_resultat", "finansnetto", "redovisat_resultat",
          "verksamhetens_intakter", "summa_kostnader", "ovriga_kostnader", "verksamhetens_kostnader")


def rapport(*args, cwd: Path):
    """The CLI in this process (the same code path as the console script, minus os._exit)."""
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def kronor():
    """Exact amounts per (post, column), decomposing the example's figures."""
    _, report, mapping = F.example(ROOT)
    return F.exact_amounts(report, mapping)


@pytest.fixture(scope="module")
def mapping():
    return F.example(ROOT)[2]


@pytest.fixture
def empty_report(tmp_path) -> Path:
    """A copy of the project with an empty report for the same period (rapport new)."""
    dst = tmp_path / "proj"
    dst.mkdir()
    shutil.copy(ROOT / "organisation.yaml", dst / "organisation.yaml")
    for d in ("data", "templates", "import"):
        if (ROOT / d).is_dir():
            shutil.copytree(ROOT / d, dst / d)
    r = rapport("new", NEW, "--from", F.REPORT, "--period", "mars", "--datum", "2025-04-24", cwd=dst)
    assert r.exit_code == 0, r.output
    return dst


def report_file(root: Path) -> Path:
    return root / "data" / "outcomes" / f"{NEW}.yaml"


def figures(root: Path, rid: str, posts) -> dict:
    project = load_project(root)
    c = Collector()
    report = load_report(project, rid, c)
    assert report is not None, c.errors
    return {(p, col): report.ledger.value(p, col) for p in posts for col in COLUMNS}


def placed_posts(mapping) -> list[str]:
    return [pid for g in mapping.indelningar for pid in g.poster] + list(TOTALS)


def assert_reproduces_example(root: Path, mapping) -> None:
    posts = placed_posts(mapping)
    want = figures(ROOT, F.REPORT, posts)
    got = figures(root, NEW, posts)
    wrong = {k: (want[k], got[k]) for k in want
             if (want[k] is None) != (got[k] is None) or (want[k] is not None and abs(want[k] - got[k]) > 1e-9)}
    assert not wrong, wrong
    # Spot checks against the source itself (Resultat per nämnd, Resultaträkning).
    assert got[("verksamhetens_nettokostnad", "utfall")] == -1956
    assert got[("hsn", "avvikelse")] == 36
    assert got[("pn", "utfall")] == -0.01
    assert got[("redovisat_resultat", "utfall")] == -50


def check_ok(root: Path) -> None:
    r = rapport("check", "--no-cache", NEW, cwd=root)
    assert r.exit_code == 0, r.output
    assert "0 fel" in r.output


# --- the round trip --------------------------------------------------------------
def test_sie_file_reproduces_the_example(empty_report, kronor, mapping):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 0, r.output
    assert "Hälso- och sjukvårdsnämnd, avvikelse (tryckt): – → 36" in r.output
    assert "Sjukhusvård, utfall: – → −1048" in r.output
    assert_reproduces_example(empty_report, mapping)
    check_ok(empty_report)


def test_excel_export_reproduces_the_example(empty_report, kronor, mapping):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Huvudbok"
    ws.append(["Konto", "Kontonamn", "Ansvar", "Period", "Typ", "Belopp"])
    for row in F.table_rows(mapping, kronor):
        ws.append(list(row))
    xlsx = empty_report / "huvudbok.xlsx"
    wb.save(xlsx)
    r = rapport("import", str(xlsx), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 0, r.output
    assert_reproduces_example(empty_report, mapping)
    check_ok(empty_report)


def test_csv_export_reproduces_the_example(empty_report, kronor, mapping):
    lines = ["Konto;Kontonamn;Ansvar;Period;Typ;Belopp"]
    for a, name, o, period, typ, amount in F.table_rows(mapping, kronor):
        lines.append(f"{a};{name};{o or ''};{period};{typ};{str(amount).replace('-', '−') if amount < 0 else amount},00")
    csv = empty_report / "huvudbok.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    r = rapport("import", str(csv), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 0, r.output
    assert_reproduces_example(empty_report, mapping)


@pytest.mark.parametrize("amount", ["1e40", "1" * 40 + ",00", "10000000000000"])
def test_an_absurd_amount_is_refused_not_a_traceback(empty_report, amount):
    csv = empty_report / "huvudbok.csv"
    csv.write_text(f"Konto;Kontonamn;Ansvar;Period;Typ;Belopp\n5011;Löner;1100;2025-01;Utfall;{amount}\n", encoding="utf-8")
    before = report_file(empty_report).read_bytes()
    r = rapport("import", str(csv), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 1 and "RR806" in r.output and "orimligt stort" in r.output, r.output
    assert report_file(empty_report).read_bytes() == before


def test_only_the_figures_change(empty_report, kronor, mapping):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    before = report_file(empty_report).read_text(encoding="utf-8")
    assert rapport("import", str(sie), "--into", NEW, cwd=empty_report).exit_code == 0
    after = report_file(empty_report).read_text(encoding="utf-8")
    old, new = before.splitlines(), after.splitlines()
    assert [line for line in old if line.lstrip().startswith("#")] == [line for line in new if line.lstrip().startswith("#")]
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        assert op == "replace" and i2 - i1 == j2 - j1, (old[i1:i2], new[j1:j2])
        for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
            changed += 1
            # `utfall: saknas` (rapport new) -> `utfall: -1048`, `tryckt: {}` -> `tryckt: {avvikelse: 36, ...}`
            key_a, _, val_a = a.partition(":")
            key_b = b.partition(":")[0]
            assert key_a == key_b, (a, b)
            assert val_a.strip() in ("null", "saknas", "{}"), (a, b)
    assert changed > 150


def test_dry_run_and_a_second_import_write_nothing(empty_report, kronor, mapping):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    before = report_file(empty_report).read_bytes()
    r = rapport("import", str(sie), "--into", NEW, "--dry-run", cwd=empty_report)
    assert r.exit_code == 0, r.output
    assert "Sjukhusvård, budget: – → −1032" in r.output and "inget skrevs" in r.output
    assert report_file(empty_report).read_bytes() == before
    assert rapport("import", str(sie), "--into", NEW, cwd=empty_report).exit_code == 0
    once = report_file(empty_report).read_bytes()
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 0 and "Inga siffror ändrades" in r.output
    assert report_file(empty_report).read_bytes() == once


def test_a_changed_figure_is_reported_in_report_terms(empty_report, kronor, mapping):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    assert rapport("import", str(sie), "--into", NEW, cwd=empty_report).exit_code == 0
    k = dict(kronor)
    k[("lakemedel", "utfall")] -= 2_000_000  # two million more spent on medicines
    k[("sjukhusvard", "utfall")] -= 2_000_000
    F.write_sie(sie, mapping, k)
    r = rapport("import", str(sie), "--into", NEW, "--column", "utfall", cwd=empty_report)
    assert r.exit_code == 0, r.output
    assert "Läkemedel, utfall: −240 → −242" in r.output
    assert "Sjukhusvård, utfall: −1048 → −1050" in r.output
    assert "budget" not in r.output


# --- bad files: a clear error, and the YAML untouched ---------------------------------
def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("cp437").split("\r\n")


def _write(path: Path, lines: list[str], encoding="cp437") -> None:
    path.write_bytes("\r\n".join(lines).encode(encoding))


def _insert_after(lines, prefix, new):
    i = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    return lines[:i + 1] + new + lines[i + 1:], i + 2


def bad_utf8(p):
    _write(p, _lines(p), "utf-8")
    return "RR802", 12, "UTF-8"


def bad_latin1(p):
    _write(p, _lines(p), "cp1252")
    return "RR802", 12, "Windows-1252"


def bad_truncated(p):
    data = p.read_bytes()
    cut = data.rindex(b"#TRANS") + 12  # in the middle of the last transaction
    p.write_bytes(data[:cut])
    return "RR801", data[:cut].count(b"\n") + 1, "#TRANS"


def bad_unknown_record(p):
    lines, at = _insert_after(_lines(p), "#KPTYP", ['#KONTON 3000 "Avgifter"'])
    _write(p, lines)
    return "RR803", at, "#KONTON"


def bad_period(p):
    lines, at = _insert_after(_lines(p), "#DIM", ['#PSALDO -1 202504 3000 {} 100.00'])
    _write(p, lines)
    return "RR804", at, "2025-04"


def bad_transaction_date(p):
    lines, at = _insert_after(_lines(p), "#DIM", ['#VER B 1 20260115 "Nästa år"'])
    _write(p, lines)
    return "RR804", at, "2026-01"


def bad_organisation(p):
    lines = [("#ORGNR 212000-0142" if line.startswith("#ORGNR") else line) for line in _lines(p)]
    _write(p, lines)
    return "RR805", 6, "212000-0142"


def bad_unplaced_account(p):
    lines = _lines(p)
    lines = [*lines[:-1], '#KONTO 8150 "Övriga skatter"', '#VER B 1 20250315 "Omföring"', "{", "   #TRANS 8150 {} -5000.00", "   #TRANS 1930 {} 5000.00", "}", ""]
    _write(p, lines)
    return "RR810", None, "konto 8150 Övriga skatter (−5\u00a0000 kr)"


def bad_account_without_object(p):
    lines = _lines(p)
    lines = [*lines[:-1], '#VER B 1 20250315 "Utan ansvar"', "{", "   #TRANS 5000 {} 700.50", "   #TRANS 1930 {} -700.50", "}", ""]
    _write(p, lines)
    return "RR810", None, "utan objekt (700,50 kr)"


def bad_own_totals(p):
    lines, _ = _insert_after(_lines(p), "#DIM", ['#PSALDO 0 202501 3000 {} -1.00'])
    _write(p, lines)
    return "RR812", None, "#PSALDO -1.00 kr men verifikationerna"


BAD = [bad_utf8, bad_latin1, bad_truncated, bad_unknown_record, bad_period, bad_transaction_date,
       bad_organisation, bad_unplaced_account, bad_account_without_object, bad_own_totals]


@pytest.mark.parametrize("spoil", BAD, ids=[f.__name__ for f in BAD])
def test_bad_file_is_refused_and_the_yaml_untouched(empty_report, kronor, mapping, spoil):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    code, line, words = spoil(sie)
    before = report_file(empty_report).read_bytes()
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 1, r.output
    assert code in r.output and words in r.output, r.output
    if line is not None:
        assert re.search(rf"huvudbok\.se:{line}:\d+: {code}", r.output), r.output
    assert "Traceback" not in r.output
    assert report_file(empty_report).read_bytes() == before


def test_an_account_placed_twice_is_refused_before_reading(empty_report, kronor, mapping):
    m = empty_report / "import" / "mappning.yaml"
    text = m.read_text(encoding="utf-8")
    m.write_text(text.replace('hyrpersonal: {konton: ["59"]}', 'hyrpersonal: {konton: ["58-59"]}'), encoding="utf-8")
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    before = report_file(empty_report).read_bytes()
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 1
    line = text[:text.index("hyrpersonal:")].count("\n") + 1
    assert f"import/mappning.yaml:{line}:" in r.output and "RR811" in r.output and "58-59" in r.output, r.output
    assert report_file(empty_report).read_bytes() == before


def test_an_overlong_line_is_refused_without_reading_it_whole(empty_report, kronor, mapping):
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    with open(sie, "ab") as f:
        f.write(b"#PROSA " + b"x" * 3_000_000)
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 1 and "RR801" in r.output and "längre än 64 kB" in r.output


# --- the pieces ------------------------------------------------------------------------
def test_a_header_row_inside_a_quoted_line_break_is_refused(tmp_path):
    """rubrikrad: 2, but the first row's quoted text runs over lines 1-3: the file has no row 2
    of its own. Said as RR816 at the header row, not a TypeError."""
    from regionrapport.diagnostics import ReportError
    from regionrapport.importing.table import read_table
    from regionrapport.model.mapping import TableExport

    csv = tmp_path / "huvudbok.csv"
    csv.write_text('"Huvudbok\nRegion\n2025";x\nKonto;Belopp;Period\n3010;100;202503\n', encoding="utf-8")
    spec = TableExport.model_validate({"rubrikrad": 2, "kolumner": {"konto": "Konto", "belopp": "Belopp", "period": "Period"}})
    with pytest.raises(ReportError) as e:
        read_table(csv, "huvudbok.csv", spec, 2025)
    (d,) = e.value.diagnostics
    assert (d.file, d.line, d.code, d.message) == ("huvudbok.csv", 2, "RR816", "Rubrikraden 2 finns inte i filen.")


def test_sie_fields_quotes_escapes_and_object_lists():
    assert tokens('1 "Konto \\"A\\" och \\\\" {1 "110" 6 "P 1"} -12.50') == \
        ["1", 'Konto "A" och \\', ["1", "110", "6", "P 1"], "-12.50"]
    assert tokens("{}  7") == [[], "7"]
    for bad in ('"öppen', "{1 \"2\"", "}", "{{1 2}}"):
        with pytest.raises(ValueError):
            tokens(bad)


def test_period_month_is_a_month_of_a_split_financial_year():
    from regionrapport.importing.ledgerdata import LedgerData

    data = LedgerData("x.se", years={0: ("202407", "202506")})
    assert data.month_index(0, "202407") == 1 and data.month_index(0, "202412") == 6
    assert data.month_index(0, "202501") == 7 and data.month_index(0, "202506") == 12
    # Inside the year's bounds as text, but no month: refused, not counted as months 7 and 6.
    assert data.month_index(0, "202413") is None and data.month_index(0, "202500") is None
    assert data.month_index(0, "202507") is None and data.month_index(-1, "202501") is None


def test_a_code_longer_than_the_ranges_compare_is_refused_by_the_mapping():
    """place.Selector pads codes to CODE_MAX to compare ranges: '1'*33 and '1'*34 overlap,
    but padded to less than their length they would not, and the overlap would go unseen."""
    from pydantic import ValidationError

    from regionrapport.importing.place import Selector
    from regionrapport.model.mapping import CODE_MAX, Placement

    longest = "1" * CODE_MAX
    assert Placement.model_validate({"konton": [longest, f"{longest}-{longest}"]}).konton == [longest, f"{longest}-{longest}"]
    assert Selector(["1" * (CODE_MAX - 1)]).overlaps(Selector([longest]))
    too_long = "1" * (CODE_MAX + 1)
    for code in (too_long, f"{too_long}-{too_long}"):
        with pytest.raises(ValidationError):
            Placement.model_validate({"konton": [code]})


def test_rounding_is_half_away_from_zero_in_decimal():
    assert round_half_away(Decimal("0.5"), 0) == 1 and round_half_away(Decimal("-0.5"), 0) == -1
    assert round_half_away(Decimal("2.45"), 1) == Decimal("2.5")
    assert round_half_away(Decimal(-1048046107) / 1_000_000, 0) == -1048
    assert [figure_text(Decimal(x)) for x in ("-1048", "-0.20", "-0.0", "0.010", "1E+3")] == \
        ["-1048", "-0.2", "0", "0.01", "1000"]


def test_editor_keeps_comments_flow_mappings_and_line_endings():
    from regionrapport.importing.yamledit import Editor
    from regionrapport.load import load_text

    text = ("poster:\r\n  a:  # kommentar\r\n    utfall: null   # källan: x\r\n    tryckt: {}\r\n"
            "  b:\r\n    tryckt: {budget: 1}\r\n    namn: B\r\n")
    loaded = load_text(text, "x.yaml")
    ed = Editor(text, loaded.smap, loaded.data)
    ed.set(("poster", "a", "utfall"), "-0.2")
    ed.set(("poster", "a", "tryckt", "utfall"), "3")
    ed.set(("poster", "b", "tryckt", "utfall"), "4")
    ed.set(("poster", "b", "budget"), "5")
    ed.set(("poster", "c", "utfall"), "6")
    assert ed.text() == ("poster:\r\n  c:\r\n    utfall: 6\r\n  a:  # kommentar\r\n    utfall: -0.2   # källan: x\r\n"
                         "    tryckt: {utfall: 3}\r\n  b:\r\n    budget: 5\r\n    tryckt: {utfall: 4, budget: 1}\r\n"
                         "    namn: B\r\n")


def test_control_characters_in_an_account_name_never_reach_the_terminal(empty_report, kronor, mapping):
    """An SIE account name with escape sequences (ESC ] retitles the window, ESC [ 2J clears
    the screen, BEL rings): the message names the account with them shown escaped."""
    sie = empty_report / "huvudbok.se"
    F.write_sie(sie, mapping, kronor)
    lines = _lines(sie)
    lines = [*lines[:-1], '#KONTO 8150 "\x1b]0;pwn\x07\x1b[2JSkatter\x7f"', '#VER B 1 20250315 "Omföring"', "{",
             "   #TRANS 8150 {} -5000.00", "   #TRANS 1930 {} 5000.00", "}", ""]
    _write(sie, lines)
    before = report_file(empty_report).read_bytes()
    r = rapport("import", str(sie), "--into", NEW, cwd=empty_report)
    assert r.exit_code == 1 and "RR810" in r.output, r.output
    assert "konto 8150 \\u001b]0;pwn\\u0007\\u001b[2JSkatter\\u007f" in r.output, r.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", r.output.replace("\n", ""))
    assert report_file(empty_report).read_bytes() == before
