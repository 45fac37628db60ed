"""SIE 4 (types 1-4), read line by line.

The format (sie.se, "SIE filformat ver. 4B"): one record a line, `#LABEL field field ...`;
fields are separated by blanks, a field with blanks is quoted ("..." with \\" and \\\\
as escapes), an object list is `{dim "obj" dim "obj"}`, and the characters are
IBM PC 8-bit (#FORMAT PC8 = code page 437). #VER opens a block `{ ... }` of #TRANS
lines. #PSALDO and #PBUDGET give, per month, the month's change of an account,
for the account as a whole (`{}`) or for one object.

The file is read in chunks of 1 MB and split into lines here, so a line without
an end cannot grow without bound, and only sums are kept (per kind, year, month,
account and object), so memory follows the chart of accounts, not the file.
"""
from __future__ import annotations

import re
from typing import NoReturn
from decimal import Decimal
from pathlib import Path

from ..diagnostics import Diagnostic, ReportError
from .ledgerdata import BUDGET, UTFALL, LedgerData

CHUNK = 1 << 20
MAX_LINE = 64 * 1024  # the longest record is a #VER or #TRANS with a text: a few hundred bytes

# Every label of SIE 4B. A label the format does not know means another format or a broken file.
KNOWN = {
    "#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#PROSA", "#FTYP", "#FNR", "#ORGNR", "#BKOD",
    "#ADRESS", "#FNAMN", "#RAR", "#TAXAR", "#OMFATTN", "#KPTYP", "#VALUTA", "#KONTO", "#KTYP", "#ENHET",
    "#SRU", "#DIM", "#UNDERDIM", "#OBJEKT", "#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET",
    "#VER", "#TRANS", "#RTRANS", "#BTRANS", "#KSUMMA",
}
IGNORED = {"#PROGRAM", "#GEN", "#PROSA", "#FTYP", "#FNR", "#BKOD", "#ADRESS", "#FNAMN", "#TAXAR", "#OMFATTN",
           "#VALUTA", "#KTYP", "#ENHET", "#SRU", "#UNDERDIM", "#KSUMMA", "#KPTYP", "#FLAGGA"}

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{)|(\})|([^\s"{}]+)')
_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
_DATE = re.compile(r"^\d{8}$")
_UNESCAPE = re.compile(r"\\(.)")
# The hot path. A year's file is a million #TRANS lines and, around every ten of them, a
# #VER line, a '{' and a '}'. One regular expression runs over each block of whole lines
# (findall), one match per line, and takes the common shapes of those four records apart
# in C; every other line, and any of the four in an unusual shape (a quoted account or
# amount, three decimals, a list or a malformed field in the date's place, lower case,
# ...), comes out whole in the last group and goes through the full tokenizer (_Reader.line).
# The fast shapes are only those on which both ways say the same: tests/test_sie_fastpath.py
# reads tricky files both ways and compares.
_F = rb'(?>"(?:[^"\\\n]|\\.)*+"|[^\s"{}]++)'  # one field as tokens() reads it: quoted, or bare
# Possessive and atomic (*+, ++, (?>...)): no shape needs a backtrack here, and not trying one
# halves the time of the expression.
_LINES = re.compile(
    # 1-6: #TRANS account {objects} amount [date | "date" | ""] [more fields]; of the date, its month
    rb'^[ \t]*+#TRANS[ \t]++(\d++)[ \t]++\{([^{}"\n]*+(?:"(?:[^"\\\n]|\\.)*+"[^{}"\n]*+)*+)\}[ \t]++(-?\d++)(?:\.(\d\d?))?+'
    rb'(?:[ \t]++(?:(\d{6})\d\d|"(\d{6})\d\d"|"")(?:[ \t]++' + _F + rb')*+)?+[ \t]*+\r?$'
    # 7: a line of only '{' or '}'
    rb'|^[ \t]*+([{}])[ \t]*+\r?$'
    # 8: #VER series number date [more fields]: its date
    rb'|^[ \t]*+#VER[ \t]++' + _F + rb'[ \t]++' + _F + rb'[ \t]++(\d{8})(?:[ \t]++' + _F + rb')*+[ \t]*+\r?$'
    # 9: any other line
    rb'|^([^\n]*)$', re.M)
# A line that is not PC8 (UTF-8 with a character outside ASCII, or Latin-1 åäö) has a byte
# from 0xC0 up (a UTF-8 lead byte, or Ä Å Ö ä å ö é É ü Ü in Latin-1); Swedish text in PC8
# has none (ä is 0x84, ö 0x94 ...). A block without one needs no line-by-line check.
_NOT_PC8 = re.compile(rb"[\xc0-\xff]")
# The öre of an amount's decimals as written: "" -> "00", "5" -> "50", "45" -> "45".
_ORE = {d: d.ljust(2, b"0") for d in [b""] + [str(i).encode() for i in range(10)] + [f"{i:02d}".encode() for i in range(100)]}
_CP437_SWEDISH = frozenset(b"\x84\x86\x8e\x8f\x94\x99\x81\x9a\x82\x90")
_LATIN1_SWEDISH = frozenset(b"\xc4\xc5\xd6\xe4\xe5\xf6\xe9\xc9\xfc\xdc")


class _Str(str):
    """A quoted field: kept apart from `{` and `}` tokens."""


def tokens(text: str) -> list:
    """The fields of one record: strings, and nested lists for object lists."""
    out: list = []
    stack = [out]
    pos = 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("citattecknet stängs aldrig" if text[pos] == '"' else f"oväntat tecken '{text[pos]}'")
        quoted, open_, close, bare = m.groups()
        if quoted is not None:
            stack[-1].append(_Str(_UNESCAPE.sub(r"\1", quoted)))
        elif open_:
            if len(stack) > 1:
                raise ValueError("en objektlista inuti en objektlista")
            inner: list = []
            stack[-1].append(inner)
            stack.append(inner)
        elif close:
            if len(stack) == 1:
                raise ValueError("'}' utan '{'")
            stack.pop()
        else:
            stack[-1].append(_Str(bare))
        pos = m.end()
    if len(stack) > 1:
        raise ValueError("objektlistan stängs aldrig med '}'")
    return out


def _objects(field) -> list[tuple[int, str]]:
    if not isinstance(field, list):
        raise ValueError("objektlistan ska stå inom { }")
    if len(field) % 2:
        raise ValueError("objektlistan ska bestå av par: dimension och objekt")
    pairs = []
    for i in range(0, len(field), 2):
        dim, obj = field[i], field[i + 1]
        if not (isinstance(dim, str) and dim.isdigit() and isinstance(obj, str)):
            raise ValueError("objektlistan ska bestå av par: dimension och objekt")
        pairs.append((int(dim), str(obj)))
    return pairs


def _amount(text) -> Decimal:
    if not isinstance(text, str) or not _AMOUNT.match(text):
        raise ValueError(f"beloppet '{text}' är inget tal (skrivs t.ex. -1234.50)")
    return Decimal(text)


def _int(text) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"-?\d{1,4}", text):
        raise ValueError(f"'{text}' ska vara ett heltal")
    return int(text)


def _account(text) -> str:
    if not isinstance(text, str) or not text.isdigit():
        raise ValueError(f"kontot '{text}' ska vara ett kontonummer (siffror)")
    return str(text)


def _encoding_problem(raw: bytes) -> str | None:
    """Why a line with non-ASCII bytes is not PC8 (CP437), or None when it may be."""
    try:
        raw.decode("utf-8")
        return "raden är sparad som UTF-8"
    except UnicodeDecodeError:
        pass
    high = set(raw) - set(range(128))
    if high & _LATIN1_SWEDISH and not high & _CP437_SWEDISH:
        return "raden är sparad som Windows-1252/Latin-1"
    return None


def read_sie(path: Path, display: str, orgnr: str | None = None, *, fast: bool = True) -> LedgerData:
    """Read a SIE 4 file into sums. Raises ReportError naming file:line on a bad file.

    `fast=False` reads every line with the full tokenizer: slower, the same result (the
    tests compare the two)."""
    data = LedgerData(display)
    reader = _Reader(data, display, orgnr)
    if not fast:
        reader.lines = reader.lines_slow  # type: ignore[method-assign]
    try:
        f = open(path, "rb")  # noqa: SIM115 - opened apart from `with f:` below, for its own message
    except OSError as e:
        raise ReportError([Diagnostic(display, 1, 1, "RR807", f"Filen kan inte läsas: {e.strerror}.",
                                      "Kontrollera sökvägen.")]) from e
    with f:
        rest = b""
        line_no = 0
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            buf = rest + chunk
            cut = buf.rfind(b"\n")
            if cut < 0:
                rest = buf
            else:
                line_no = reader.lines(buf[:cut], line_no)
                rest = buf[cut + 1:]
            if len(rest) > MAX_LINE:
                reader.fail(line_no + 1, "RR801", f"En rad är längre än {MAX_LINE // 1024} kB.",
                            "Filen är inte en SIE-fil eller är skadad.")
        if rest.strip():
            line_no = reader.lines(rest, line_no)
    reader.finish(line_no)
    return data


class _Reader:
    def __init__(self, data: LedgerData, display: str, orgnr: str | None):
        self.data = data
        self.display = display
        self.orgnr = orgnr
        self.sietyp: int | None = None
        self.in_ver = False
        self.ver_open_line = 0
        self.ver_date: str | None = None
        self.pending_ver = 0  # line of a #VER waiting for its '{'
        self.month_year: dict[str, int] = {}
        self.trans_years: set[int] = set()
        self.psaldo_totals: dict[tuple, Decimal] = {}
        self.trans_sums: dict[tuple, int] = {}  # (month, account, object list) as bytes -> öre
        self.trans_objects: dict[bytes, list[tuple[int, str]]] = {}  # each object list as written, parsed once
        self.trans_months: set[bytes] = set()  # months checked against #RAR
        self.ver_months: set[bytes] = set()
        self.max_trans_keys = 65536
        self.ver_month = b""
        self.saw_record = False

    def fail(self, line: int, code: str, message: str, hint: str = "") -> NoReturn:
        raise ReportError([Diagnostic(self.display, line, 1, code, message, hint)])

    def year_of(self, month: str, line: int) -> int:
        y = self.month_year.get(month)
        if y is None:
            span = ", ".join(f"{a}–{b}" for a, b in (self.data.years[k] for k in sorted(self.data.years)))
            self.fail(line, "RR804", f"Perioden {month[:4]}-{month[4:]} ligger utanför räkenskapsåren i filen ({span or 'inga #RAR'}).",
                      "Kontrollera #RAR i filens huvud och datumen, eller exportera om filen.")
        return y

    def line(self, raw: bytes, no: int) -> None:
        if len(raw) > MAX_LINE:
            self.fail(no, "RR801", f"En rad är längre än {MAX_LINE // 1024} kB.", "Filen är inte en SIE-fil eller är skadad.")
        if not raw.isascii():
            why = _encoding_problem(raw)
            if why:
                self.fail(no, "RR802", f"Fel teckenkodning: {why}, men SIE-filer är i PC8 (kodsida 437).",
                          "Exportera filen igen som SIE 4 från ekonomisystemet, utan att öppna och spara den i en editor.")
        text = raw.decode("cp437").rstrip("\r")
        stripped = text.strip()
        if not stripped:
            return
        if stripped == "{":
            if not self.pending_ver:
                self.fail(no, "RR801", "'{' utan #VER före.", "Ett verifikationsblock börjar med en #VER-rad.")
            self.pending_ver, self.in_ver, self.ver_open_line = 0, True, no
            return
        if stripped == "}":
            if not self.in_ver:
                self.fail(no, "RR801", "'}' utan öppnat verifikationsblock.")
            self.in_ver = False
            return
        if not stripped.startswith("#"):
            self.fail(no, "RR801", f"Raden börjar inte med en etikett (#...): «{stripped[:60]}».",
                      "Varje rad i en SIE-fil är en post som börjar med #, eller { } runt en verifikation.")
        label, _, rest = stripped.replace("\t", " ", 1).partition(" ")  # a blank or a tab after the label
        label = label.upper()
        if label not in KNOWN:
            self.fail(no, "RR803", f"Okänd post {label} i SIE-filen.",
                      "Filen är kanske inte SIE 4 (typ 1–4); exportera den igen från ekonomisystemet.")
        if self.pending_ver and label != "#VER":
            self.fail(self.pending_ver, "RR801", "#VER följs inte av '{' på nästa rad.")
        if self.in_ver and label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            self.fail(self.ver_open_line, "RR801", "Verifikationsblocket som börjar här stängs aldrig med '}'.",
                      "Filen är troligen avkortad; exportera den igen.")
        try:
            fields = tokens(rest)
            self.record(label, fields, no)
        except (ValueError, IndexError) as e:
            msg = str(e) if isinstance(e, ValueError) and str(e) else "för få fält"
            self.fail(no, "RR801", f"Felaktig {label}-rad: {msg}.",
                      "Jämför med SIE-formatet (sie.se); filen kan vara avkortad eller handredigerad.")

    def lines(self, block: bytes, no: int) -> int:
        """Read a block of whole lines (no final newline); returns the number of the last one.

        The hot path stays in this loop: a transaction's fields stay bytes and are summed
        in öre per (month, account, object list as written); a new sum checks its month
        and object list once (_new_sum), and finish() spreads the sums on accounts and
        objects. #VER, '{' and '}' are kept here too (a third of a year's lines).
        """
        if not block.isascii() and _NOT_PC8.search(block):
            return self.lines_slow(block, no)  # some line is not PC8: each line says which
        sums = self.trans_sums
        ore_of = _ORE
        in_ver = self.in_ver
        ver_month = self.ver_month
        for account, objs, whole, frac, month, qmonth, brace, ver_date, other in _LINES.findall(block):
            no += 1
            if account:
                if not in_ver:
                    self._trans_outside(no)
                key = (month or qmonth or ver_month, account, objs)
                try:
                    sums[key] += int(whole + ore_of[frac])
                except KeyError:
                    self._new_sum(key, int(whole + ore_of[frac]), no)
            elif brace:
                if brace == b"{":
                    if not self.pending_ver:
                        self.fail(no, "RR801", "'{' utan #VER före.", "Ett verifikationsblock börjar med en #VER-rad.")
                    self.pending_ver, self.ver_open_line = 0, no
                    in_ver = self.in_ver = True
                else:
                    if not in_ver:
                        self.fail(no, "RR801", "'}' utan öppnat verifikationsblock.")
                    in_ver = self.in_ver = False
            elif ver_date:
                if in_ver:
                    self.fail(self.ver_open_line, "RR801", "Verifikationsblocket som börjar här stängs aldrig med '}'.",
                              "Filen är troligen avkortad; exportera den igen.")
                ver_month = self.ver_month = ver_date[:6]
                if ver_month not in self.ver_months:
                    self.year_of(ver_month.decode("ascii"), no)
                    self.ver_months.add(ver_month)
                self.ver_date = ver_date.decode("ascii")
                self.pending_ver = no
            else:
                self.line(other, no)  # every other record, and the four above in an unusual shape
                in_ver = self.in_ver
                ver_month = self.ver_month
        return no

    def lines_slow(self, block: bytes, no: int) -> int:
        """The same as lines(), each line through the full tokenizer."""
        for raw in block.split(b"\n"):
            no += 1
            self.line(raw, no)
        return no

    def _trans_outside(self, no: int) -> NoReturn:
        if self.pending_ver:
            self.fail(self.pending_ver, "RR801", "#VER följs inte av '{' på nästa rad.")
        self.fail(no, "RR801", "#TRANS utanför ett verifikationsblock.",
                  "En #TRANS-rad står mellan { och } efter en #VER.")

    def _new_sum(self, key: tuple[bytes, bytes, bytes], ore: int, no: int) -> None:
        """The first transaction of a (month, account, object list): check what is new in it."""
        month, _, objs = key
        if objs not in self.trans_objects:
            try:
                self.trans_objects[objs] = _objects(tokens("{" + objs.decode("cp437") + "}")[0])
            except ValueError as e:
                self.fail(no, "RR801", f"Felaktig #TRANS-rad: {e}.",
                          "Jämför med SIE-formatet (sie.se); filen kan vara avkortad eller handredigerad.")
        if month not in self.trans_months:
            self.year_of(month.decode("ascii"), no)
            self.trans_months.add(month)
        if len(self.trans_sums) >= self.max_trans_keys:
            self.data.too_many(no)
            self.max_trans_keys += 65536
        self.trans_sums[key] = ore

    def _spread_transactions(self) -> None:
        d = self.data
        for (month_b, account_b, objs_b), ore in self.trans_sums.items():
            amt = Decimal(ore).scaleb(-2)
            month, account = month_b.decode("ascii"), account_b.decode("ascii")
            y = self.month_year[month]
            self.trans_years.add(y)
            key = (UTFALL, y, month, account)
            d.totals[key] = d.totals.get(key, 0) + amt
            for dim, obj in self.trans_objects[objs_b]:
                k = (UTFALL, y, month, account, dim, obj)
                d.objects[k] = d.objects.get(k, 0) + amt

    def record(self, label: str, f: list, no: int) -> None:  # noqa: C901 - one branch per SIE record label
        d = self.data
        if label in IGNORED:
            if label == "#KPTYP" or label == "#FLAGGA":
                return
            return
        if label == "#FORMAT":
            if not f or str(f[0]).upper() != "PC8":
                raise ValueError(f"formatet '{f[0] if f else ''}' stöds inte; SIE-filer är PC8")
        elif label == "#SIETYP":
            if not f or f[0] not in ("1", "2", "3", "4"):
                raise ValueError(f"SIE-typ '{f[0] if f else ''}' stöds inte (1–4)")
            self.sietyp = _int(f[0])
        elif label == "#ORGNR":
            d.orgnr = str(f[0])
            if self.orgnr and _digits(d.orgnr) != _digits(self.orgnr):
                self.fail(no, "RR805", f"Filen gäller organisationsnummer {d.orgnr}, mappningen {self.orgnr}.",
                          "Importera filen för rätt organisation, eller rätta 'organisationsnummer' i mappningen.")
        elif label == "#RAR":
            year = _int(f[0])
            if not (_DATE.match(f[1]) and _DATE.match(f[2])) or f[1] > f[2]:
                raise ValueError("#RAR ska ha årsnummer, startdatum och slutdatum (ÅÅÅÅMMDD)")
            first, last = f[1][:6], f[2][:6]
            d.years[year] = (first, last)
            months = _months(first, last)
            if len(months) > 24:
                raise ValueError("räkenskapsåret är längre än 24 månader")
            for mo in months:
                self.month_year[mo] = year
        elif label == "#KONTO":
            d.account_names[_account(f[0])] = str(f[1]) if len(f) > 1 else ""
        elif label == "#DIM":
            _int(f[0])
        elif label == "#OBJEKT":
            d.object_names[(_int(f[0]), str(f[1]))] = str(f[2]) if len(f) > 2 else ""
        elif label in ("#IB", "#UB", "#RES"):
            _int(f[0]), _account(f[1]), _amount(f[2])
            if _int(f[0]) not in d.years:
                self.fail(no, "RR804", f"{label} gäller år {f[0]}, som saknar #RAR i filen.")
        elif label in ("#OIB", "#OUB"):
            _int(f[0]), _account(f[1]), _objects(f[2]), _amount(f[3])
        elif label in ("#PSALDO", "#PBUDGET"):
            year, month, account = _int(f[0]), str(f[1]), _account(f[2])
            objs, amt = _objects(f[3]), _amount(f[4])
            if not re.fullmatch(r"\d{6}", month):
                raise ValueError(f"perioden '{month}' ska skrivas ÅÅÅÅMM")
            if self.month_year.get(month) != year:
                self.fail(no, "RR804", f"Perioden {month[:4]}-{month[4:]} ligger utanför räkenskapsår {year} i filen.",
                          "Kontrollera #RAR i filens huvud, eller exportera om filen.")
            kind = UTFALL if label == "#PSALDO" else BUDGET
            if not objs:
                target = self.psaldo_totals if kind == UTFALL else d.totals
                key = (kind, year, month, account)
                target[key] = target.get(key, 0) + amt
            else:
                # A row per object (SIE 3): the object's share of the account. A row naming
                # objects of several dimensions counts for each of them.
                okey = ("psaldo" if kind == UTFALL else kind, year, month, account)
                for dim, obj in objs:
                    k = (*okey, dim, obj)
                    d.objects[k] = d.objects.get(k, 0) + amt
        elif label == "#VER":
            if len(f) < 3 or not _DATE.match(f[2]):
                raise ValueError("#VER ska ha serie, nummer och datum (ÅÅÅÅMMDD)")
            self.ver_date = str(f[2])
            self.ver_month = self.ver_date[:6].encode("ascii")
            self.year_of(self.ver_date[:6], no)
            self.pending_ver = no
        elif label in ("#RTRANS", "#BTRANS"):
            # Added or struck rows: #RTRANS is repeated as a #TRANS on the next line, #BTRANS
            # is removed; neither counts on its own.
            if not self.in_ver:
                raise ValueError(f"{label} utanför ett verifikationsblock")
        elif label == "#TRANS":  # one the fast pattern did not take: odd spacing, text, more decimals
            if not self.in_ver:
                raise ValueError("#TRANS utanför ett verifikationsblock")
            if len(f) < 3:
                raise ValueError("#TRANS ska ha konto, objektlista och belopp")
            account, pairs, amt = _account(f[0]), _objects(f[1]), _amount(f[2])
            date = str(f[3]) if len(f) > 3 and isinstance(f[3], str) and f[3] else (self.ver_date or "")
            if not _DATE.match(date):
                raise ValueError(f"datumet '{date}' ska skrivas ÅÅÅÅMMDD")
            month = date[:6]
            y = self.year_of(month, no)
            self.trans_years.add(y)
            key = (UTFALL, y, month, account)
            d.totals[key] = d.totals.get(key, 0) + amt
            for dim, obj in pairs:
                k = (UTFALL, y, month, account, dim, obj)
                d.objects[k] = d.objects.get(k, 0) + amt

    def finish(self, last_line: int) -> None:
        d = self.data
        if self.pending_ver:
            self.fail(self.pending_ver, "RR801", "#VER följs inte av '{'; filen är troligen avkortad.")
        if self.in_ver:
            self.fail(self.ver_open_line, "RR801", "Verifikationsblocket som börjar här stängs aldrig med '}'.",
                      "Filen är troligen avkortad; exportera den igen.")
        if self.sietyp is None:
            self.fail(1, "RR801", "Filen saknar #SIETYP: den är ingen SIE-fil, eller huvudet saknas.",
                      "Exportera filen som SIE 4 från ekonomisystemet.")
        if not d.years:
            self.fail(1, "RR801", "Filen saknar #RAR (räkenskapsår).", "Exportera filen som SIE 4 med räkenskapsår.")
        self._spread_transactions()
        # Months with transactions take their amounts from the transactions; the file's own
        # period balances must then say the same (the file's own totals, checked).
        for key, amt in self.psaldo_totals.items():
            _, year, month, account = key
            if year in self.trans_years:
                got = d.totals.get(key, Decimal(0))
                if got != amt:
                    self.fail(last_line, "RR812",
                              f"Konto {account} {month[:4]}-{month[4:]}: #PSALDO {amt} kr men verifikationerna summerar till {got} kr.",
                              "Filen motsäger sig själv; exportera den igen.")
            else:
                d.totals[key] = amt
        for key in [k for k in d.objects if k[0] == "psaldo"]:
            amt = d.objects.pop(key)
            if key[1] not in self.trans_years:
                k = (UTFALL, *key[1:])
                d.objects[k] = d.objects.get(k, 0) + amt
        d.lines = last_line


def _digits(s: str) -> str:
    return "".join(ch for ch in s.split(" ")[0] if ch.isdigit())


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[4:6])
    out: list[str] = []
    while f"{y:04d}{m:02d}" <= last and len(out) <= 24:
        out.append(f"{y:04d}{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out
