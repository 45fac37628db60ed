"""Placing a ledger's amounts on posts through the mapping, losing nothing.

Each grouping (indelning) is one view of the ledger: per committee by object, per
kind of cost by account, the financing by account. Within a complete grouping
every non-zero amount on its accounts lands on exactly one post; an amount no post
takes, or one two posts take, is an error that names the account, its name and the
amount. The amounts placed then add up, per account class, to the file's own
totals. Sums are in exact kronor (Decimal); figures are rounded only at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..diagnostics import Diagnostic
from ..load import SourceMap
from ..model.mapping import CODE_MAX, RANGE_RE, Grouping, Mapping
from .ledgerdata import LedgerData

UNIT = {"kr": Decimal(1), "tkr": Decimal(1000), "mnkr": Decimal(1_000_000)}
_HIGH = "\U0010ffff"
# A post's amount at least this large (kronor) is no region's: refused (RR806). Below it, the
# amount in öre is exact as a float (printed.py, 2**53) and rounding holds its digits (Decimal's
# 28; beyond them quantize fails with InvalidOperation).
MAX_KRONOR = Decimal(10) ** 13
_W = CODE_MAX  # the mapping refuses a longer code, so padding to it keeps the order of ranges


def _interval(selector: str) -> tuple[str, str, int]:
    m = RANGE_RE.match(selector)
    assert m is not None  # the mapping's model validated every selector against RANGE_RE
    a, b = m.group(1), m.group(2) or m.group(1)
    return a, b, len(a)


class Selector:
    """A list of '30', '30-37', '5011': a code matches when its first characters lie in a range."""

    def __init__(self, items: list[str] | None):
        self.items = items
        self.ranges = [_interval(s) for s in items or ()]

    def __contains__(self, code: str) -> bool:
        return any(a <= code[:n] <= b for a, b, n in self.ranges)

    def overlaps(self, other: Selector) -> list[str]:
        """The pairs of ranges that share a code (compared as intervals of padded codes)."""
        hits = []
        for (a, b, _), text in zip(self.ranges, self.items or (), strict=True):
            for (c, d, _), other_text in zip(other.ranges, other.items or (), strict=True):
                if a.ljust(_W, "\0") <= d.ljust(_W, _HIGH) and c.ljust(_W, "\0") <= b.ljust(_W, _HIGH):
                    hits.append(text if text == other_text else f"{text} / {other_text}")
        return hits


def round_half_away(value: Decimal, decimals: int) -> Decimal:
    """Half away from zero, as the reports round (0.5 -> 1, -0.5 -> -1)."""
    q = Decimal(1).scaleb(-decimals)
    return value.quantize(q, rounding=ROUND_HALF_UP)


def figure_text(value: Decimal) -> str:
    """A YAML number as an analyst types it: -1048, -0.2, 0 (never -0 or 1E+3)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


@dataclass
class Placed:
    """The mapped amounts: exact (in the report's unit) and rounded, per (post, column)."""

    exact: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    rounded: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def static_problems(mapping: Mapping, smap: SourceMap) -> list[Diagnostic]:
    """Two posts of one grouping that can take the same amount: an error before any file is read."""
    out = []
    for gi, g in enumerate(mapping.indelningar):
        items = list(g.poster.items())
        for i, (p1, s1) in enumerate(items):
            for p2, s2 in items[i + 1:]:
                acc = Selector(s1.konton or g.konton).overlaps(Selector(s2.konton or g.konton))
                if not acc:
                    continue
                if g.dimension is not None:
                    o1, o2 = s1.objekt, s2.objekt
                    if (o1 is None) != (o2 is None):
                        continue  # one takes amounts without an object, the other objects
                    if o1 is not None and not Selector(o1).overlaps(Selector(o2)):
                        continue
                    what = "objekt " + ", ".join(Selector(o1).overlaps(Selector(o2))) if o1 else "konton " + ", ".join(acc)
                else:
                    what = "konton " + ", ".join(acc)
                out.append(smap.diag(("indelningar", gi, "poster", p2), "RR811",
                                     f"'{p1}' och '{p2}' i '{g.namn}' tar båda {what}: beloppen skulle räknas två gånger.",
                                     "Ge varje konto och objekt en enda post i indelningen.", prefer="key"))
    return out


def _sums(data: LedgerData, kind: str, year: int, months: set[str]):
    totals: dict[str, Decimal] = {}
    for (k, y, m, a), v in data.totals.items():
        if k == kind and y == year and m in months:
            totals[a] = totals.get(a, 0) + v
    objects: dict[tuple[str, int, str], Decimal] = {}
    for (k, y, m, a, dim, o), v in data.objects.items():
        if k == kind and y == year and m in months:
            key = (a, dim, o)
            objects[key] = objects.get(key, 0) + v
    return totals, objects


def _kr(v: Decimal) -> str:
    """-5000 -> '−5 000 kr', 700.5 -> '700,50 kr': as the analyst reads amounts."""
    from ..numbers import fmt_number

    return f"{fmt_number(float(v), 0 if v == v.to_integral_value() else 2)} kr"


def place(mapping: Mapping, smap: SourceMap, data: LedgerData, columns: dict[str, int], mapping_file: str) -> Placed:
    """columns: report column -> number of months from the year's start (the period's cumulative balance)."""
    out = Placed()
    unit = UNIT[mapping.enhet]
    sign = Decimal(-1) if mapping.tecken == "omvant" else Decimal(1)
    for col, n_months in columns.items():
        spec = mapping.kolumner[col]
        if spec.ar not in data.years:
            out.notes.append(f"{col}: filen saknar år {spec.ar} (#RAR {spec.ar}); kolumnen lämnas orörd.")
            continue
        months = set(data.months_through(spec.ar, n_months))
        totals, objects = _sums(data, spec.belopp, spec.ar, months)
        if not totals and not objects:
            out.notes.append(f"{col}: filen har inga belopp av slaget {spec.belopp} för år {spec.ar}; kolumnen lämnas orörd.")
            continue
        kronor: dict[str, Decimal] = {}
        for gi, g in enumerate(mapping.indelningar):
            _place_grouping(g, gi, col, totals, objects, data, smap, kronor, out, mapping_file)
        for pid, kr in kronor.items():
            dec = decimals_of(mapping, pid)
            exact = kr * sign / unit
            if abs(kr) >= MAX_KRONOR:
                out.diagnostics.append(Diagnostic(
                    data.source, 1, 1, "RR806", f"{col}, {pid}: beloppet {kr:.3e} kr är orimligt stort.",
                    "Exportera filen igen; kontrollera beloppen i den."))
                continue
            out.exact[(pid, col)] = exact
            out.rounded[(pid, col)] = round_half_away(exact, dec)
    return out


def decimals_of(mapping: Mapping, pid: str) -> int:
    for g in mapping.indelningar:
        post = g.poster.get(pid)
        if post is not None and post.decimaler is not None:
            return post.decimaler
    return mapping.decimaler


def _place_grouping(g: Grouping, gi: int, col: str, totals, objects, data: LedgerData, smap: SourceMap,  # noqa: C901 - one grouping's placement and reconciliation; to split
                    kronor: dict, out: Placed, mapping_file: str) -> None:
    scope = Selector(g.konton)
    posts = [(pid, Selector(p.konton or g.konton), Selector(p.objekt) if p.objekt else None) for pid, p in g.poster.items()]
    for pid, _, _ in posts:
        kronor.setdefault(pid, Decimal(0))
    where = smap.pos(("indelningar", gi))
    by_account: dict[str, list[tuple[str, Decimal]]] = {}
    if g.dimension is not None:
        for (a, dim, o), v in objects.items():
            if dim == g.dimension and a in scope:
                by_account.setdefault(a, []).append((o, v))
    placed_class: dict[str, Decimal] = {}
    file_class: dict[str, Decimal] = {}

    def put(amount: Decimal, account: str, takers: list[str], what: str) -> None:
        if len(takers) > 1:
            out.diagnostics.append(Diagnostic(
                mapping_file, where.line, where.col, "RR811",
                f"{col}: {what} ({_kr(amount)}) tas av flera poster i '{g.namn}': {', '.join(takers)}.",
                "Ge varje konto och objekt en enda post i indelningen."))
        if not takers:
            if g.fullstandig and amount != 0:
                out.diagnostics.append(Diagnostic(
                    mapping_file, where.line, where.col, "RR810",
                    f"{col}: {what} ({_kr(amount)}) hamnar inte på någon post i '{g.namn}'.",
                    "Lägg kontot eller objektet på en post i mappningen, eller rätta konteringen i ekonomisystemet."))
            return
        for pid in takers[:1]:
            kronor[pid] += amount
            placed_class[account[:2]] = placed_class.get(account[:2], 0) + amount

    for a in sorted(set(totals) | set(by_account)):
        if a not in scope:
            continue
        total = totals.get(a, Decimal(0))
        file_class[a[:2]] = file_class.get(a[:2], 0) + total
        name = data.account_names.get(a, "")
        label = f"konto {a}" + (f" {name}" if name else "")
        if g.dimension is None:
            put(total, a, [pid for pid, acc, _ in posts if a in acc], label)
            continue
        rest = total
        for o, v in sorted(by_account.get(a, ())):
            rest -= v
            oname = data.object_names.get((g.dimension, o), "")
            put(v, a, [pid for pid, acc, obj in posts if obj is not None and a in acc and o in obj],
                f"{label}, objekt {o}" + (f" {oname}" if oname else ""))
        if rest != 0:
            put(rest, a, [pid for pid, acc, obj in posts if obj is None and a in acc], f"{label} utan objekt")
    if g.fullstandig and not out.diagnostics:
        # The file's own totals per account class against what was placed.
        for cls in sorted(set(file_class) | set(placed_class)):
            f, p = file_class.get(cls, Decimal(0)), placed_class.get(cls, Decimal(0))
            if f != p:
                out.diagnostics.append(Diagnostic(
                    mapping_file, where.line, where.col, "RR812",
                    f"{col}: kontoklass {cls} summerar till {_kr(f)} i filen men {_kr(p)} på posterna i '{g.namn}'.",
                    "Objektens belopp stämmer inte med kontots; exportera filen igen."))
