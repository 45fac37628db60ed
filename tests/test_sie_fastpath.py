"""SIE 4: the fast path (one regular expression over a block of lines, importing/sie.py) and the
full tokenizer line by line (read_sie(fast=False)) read the same file to the same sums, and
refuse the same bad line with the same code at the same line (issue 16)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from regionrapport.diagnostics import ReportError
from regionrapport.importing import sie
from regionrapport.importing.ledgerdata import UTFALL
from regionrapport.importing.sie import read_sie

HEADER = [
    "#FLAGGA 0",
    "#FORMAT PC8",
    "#SIETYP 4",
    "#ORGNR 232100-0065",
    "#RAR 0 20250101 20251231",
    "#DIM 1 \"Ansvar\"",
    "#DIM 6 \"Projekt\"",
    "#KONTO 3000 \"Försäljning\"",
    "#KONTO 4000 \"Köpta tjänster\"",
    "#KONTO 1930 \"Bank\"",
    "#OBJEKT 1 \"1100\" \"Ansvar 1100\"",
    "#OBJEKT 1 \"P 1\" \"Med blanksteg\"",
    "#OBJEKT 1 \"Växjö\" \"Med åäö\"",
]

# Each line is a #TRANS (or another line of a verification) in an unusual but valid shape.
# Verification A 1 is dated 2025-01-10: a #TRANS without a date of its own belongs to January.
TRICKY = [
    '#VER A 1 20250110 "Text med \\"citat\\" och {klammer}" 20250111 "sign"',
    "{",
    '#TRANS 3000 {1 "1100"} -100.00',  # the common shape, date from the #VER
    "#TRANS 3000 {1 1100} -0.5",  # a bare object id, one decimal
    '#TRANS 3000 {"1" "1100"} -7',  # a quoted dimension, no decimals
    '#TRANS 3000 {1 "P 1"} -12.34 20250215',  # a blank inside quotes, a date in February
    '#TRANS 3000 {1 "P 1"} -1.00 "20250320"',  # a quoted date: March
    '#TRANS 3000 {1 "1100" 6 "PR\\"1"} -2.50 ""',  # two dimensions, an escaped quote, an empty date
    '#TRANS 3000 {1 "Växjö"} -3.00 20250110 "Lön" 3.5 "sign"',  # åäö in PC8, text, quantity and sign
    '#TRANS 3000 {1 "1100"} -4.00 20250110 "" 2',  # an empty text before the quantity
    "\t  #TRANS\t4000   { }\t 5.005  ",  # tabs and blanks, an empty list with a blank, three decimals
    "#TRANS 4000 {} 000.10 20250110",  # leading zeros
    "#trans 4000 {} 1.00",  # lower case: the tokenizer takes it
    '#TRANS "4000" {} 1.00',  # a quoted account
    '#TRANS 4000 {} "1.00"',  # a quoted amount
    '#RTRANS 4000 {} 9.00 20250110 "tillagd"',  # an added row, repeated as a #TRANS ...
    '#TRANS 4000 {} 9.00 20250110 "tillagd"',  # ... here
    '#BTRANS 4000 {} 5.00 20250110 "struken"',  # a struck row: counts for nothing
    "#TRANS 1930 {} 113.235",  # balances the rest
    "}",
    "",
    '#VER "B" "2" 20250305 "Mars"',
    "  {  ",
    '#TRANS 4000 {1 "1100"} 1000.00',
    "#TRANS 1930 {} -1000.00",
    "}",
    '#PSALDO 0 202503 4000 {} 1000.00',  # the file's own period balance, checked against the transactions
]


def _write(path: Path, lines: list[str], newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(lines).encode("cp437") + newline.encode())
    return path


def _read_both(path: Path) -> tuple:
    fast = read_sie(path, "huvudbok.se")
    slow = read_sie(path, "huvudbok.se", fast=False)
    return fast, slow


def _same(fast, slow) -> None:
    for field in ("orgnr", "years", "account_names", "object_names", "totals", "objects", "lines"):
        assert getattr(fast, field) == getattr(slow, field), field


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("chunk", [1 << 20, 37])  # 37 bytes: lines cut across every block boundary
def test_fast_and_slow_read_tricky_lines_alike(tmp_path, monkeypatch, newline, chunk):
    monkeypatch.setattr(sie, "CHUNK", chunk)
    path = _write(tmp_path / "huvudbok.se", HEADER + TRICKY, newline)
    fast, slow = _read_both(path)
    _same(fast, slow)
    kr = fast.totals
    # The figures as written above, added by hand.
    assert kr[(UTFALL, 0, "202501", "3000")] == Decimal("-117.00")  # -100 - 0.5 - 7 - 2.50 - 3 - 4
    assert kr[(UTFALL, 0, "202502", "3000")] == Decimal("-12.34")
    assert kr[(UTFALL, 0, "202503", "3000")] == Decimal("-1.00")
    assert kr[(UTFALL, 0, "202501", "4000")] == Decimal("5.005") + Decimal("0.10") + 1 + 1 + 1 + 9
    assert kr[(UTFALL, 0, "202503", "4000")] == Decimal("1000.00")
    assert kr[(UTFALL, 0, "202501", "1930")] == Decimal("113.235")
    ob = fast.objects
    assert ob[(UTFALL, 0, "202501", "3000", 1, "1100")] == Decimal("-100") - Decimal("0.5") - 7 - Decimal("2.5") - 4
    assert ob[(UTFALL, 0, "202502", "3000", 1, "P 1")] == Decimal("-12.34")
    assert ob[(UTFALL, 0, "202503", "3000", 1, "P 1")] == Decimal("-1")
    assert ob[(UTFALL, 0, "202501", "3000", 6, 'PR"1')] == Decimal("-2.5")
    assert ob[(UTFALL, 0, "202501", "3000", 1, "Växjö")] == Decimal("-3")
    assert fast.object_names[(1, "Växjö")] == "Med åäö"


def test_the_benchmark_file_reads_alike(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import sie_generate

    path = tmp_path / "huvudbok.se"
    sie_generate.generate(path, 5000)
    fast, slow = _read_both(path)
    _same(fast, slow)
    assert len(fast.totals) > 30


# Bad lines, each put into an otherwise good file (after the header, as line 14 on): both ways
# refuse the file with the same code at the same line.
BAD = {
    "odd object list": ['#VER A 1 20250110 ""', "{", '#TRANS 3000 {1} 1.00', "}"],
    "object list not closed": ['#VER A 1 20250110 ""', "{", '#TRANS 3000 {1 "1100" 1.00', "}"],
    "date outside the year": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1.00 20260110", "}"],
    "date not a date": ['#VER A 1 20250110 ""', "{", '#TRANS 3000 {} 1.00 "abc"', "}"],
    "date of nine digits": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1.00 202501101", "}"],
    "amount with a comma": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1,00", "}"],
    "amount ending in a point": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1.", "}"],
    "quote not closed in the text": ['#VER A 1 20250110 ""', "{", '#TRANS 3000 {} 1.00 20250110 "öppen', "}"],
    "transaction outside a block": ["#TRANS 3000 {} 1.00 20250110"],
    "no '{' after #VER": ['#VER A 1 20250110 ""', "#TRANS 3000 {} 1.00", "}"],
    "'}' without a block": ["}"],
    "'{' without #VER": ["{", "}"],
    "block never closed": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1.00", '#VER A 2 20250110 ""'],
    "#VER month outside the year": ['#VER A 1 20251310 ""', "{", "}"],
    "#VER month outside the year, quoted": ['#VER A 1 "20261010" ""', "{", "}"],
    "#VER without a date": ['#VER A 1', "{", "}"],
    "truncated at the end": ['#VER A 1 20250110 ""', "{", "#TRANS 3000 {} 1.00"],
}


@pytest.mark.parametrize("name", list(BAD))
def test_fast_and_slow_refuse_a_bad_line_alike(tmp_path, name):
    path = _write(tmp_path / "huvudbok.se", HEADER + BAD[name])
    seen = []
    for fast in (True, False):
        with pytest.raises(ReportError) as e:
            read_sie(path, "huvudbok.se", fast=fast)
        (d,) = e.value.diagnostics
        seen.append((d.code, d.line, d.message))
    (fcode, fline, _), (scode, sline, _) = seen
    assert (fcode, fline) == (scode, sline), seen
    assert fline > len(HEADER), seen  # at the bad line (or its #VER), not at the file's start


def test_a_utf8_transaction_text_is_found_on_the_fast_path_too(tmp_path):
    """Only the #TRANS line is not PC8: its block is read line by line and the line is named."""
    path = tmp_path / "huvudbok.se"
    body = "\r\n".join([*HEADER[:7], '#VER A 1 20250110 ""', "{"]).encode("cp437")
    bad = '\r\n#TRANS 3000 {} -1.00 20250110 "Lön"\r\n#TRANS 1930 {} 1.00\r\n}\r\n'.encode()
    path.write_bytes(body + bad)
    for fast in (True, False):
        with pytest.raises(ReportError) as e:
            read_sie(path, "huvudbok.se", fast=fast)
        (d,) = e.value.diagnostics
        assert (d.code, d.line) == ("RR802", 10), d
        assert "UTF-8" in d.message


def test_the_common_shapes_take_the_fast_path(tmp_path, monkeypatch):
    """The comparison above is worth something only if the fast path reads the tricky lines: the
    full tokenizer sees the header and the shapes the fast pattern leaves to it, nothing else."""
    seen = []
    real = sie._Reader.line

    def line(self, raw, no):
        seen.append(raw.rstrip(b"\r").decode("cp437"))
        return real(self, raw, no)

    monkeypatch.setattr(sie._Reader, "line", line)
    read_sie(_write(tmp_path / "huvudbok.se", HEADER + TRICKY), "huvudbok.se")
    assert seen[:len(HEADER)] == HEADER
    assert seen[len(HEADER):] == [
        "\t  #TRANS\t4000   { }\t 5.005  ", "#trans 4000 {} 1.00", '#TRANS "4000" {} 1.00', '#TRANS 4000 {} "1.00"',
        '#RTRANS 4000 {} 9.00 20250110 "tillagd"', '#BTRANS 4000 {} 5.00 20250110 "struken"',
        "#TRANS 1930 {} 113.235", "", '#PSALDO 0 202503 4000 {} 1000.00']
