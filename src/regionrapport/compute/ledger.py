"""Derived figures: sums, breakdowns, column relations and printed totals.

Every amount is a post x column. A value is stored, or derived (by `summa`, by a
complete `varav`, or by a column relation such as avvikelse = utfall - budget).
Each value carries its rounding uncertainty `tol`: every figure a reader sees
(stored, printed or derived and shown rounded) is the rounding of a precise one,
so it is off by at most half a unit. A total is checked the way a reader checks
it, against the rows they see: a sum of n direct terms may differ from its
printed figure by n half units, however many figures lie under each term. A
printed figure for a derived value (`tryckt`) is accepted within that tolerance
and is then used downstream, because it is the rounding of the precise total.
When the parts give nothing, a `kontroll` alternative computes (and checks) the
figure; a printed figure that nothing can check is reported. A printed figure
that disagrees with its parts is an error, unless the post marks it as
published knowingly (`tryckt_avviker`): then it is shown as published, with a
warning and a footnote saying what the parts give; a column related to it
follows it (_follows), and a relation that fails only by it is that warning too.

`null` is "–" (nothing: it counts as zero, so a budget of "–" gives a deviation
equal to the outcome). `saknas` is a figure not yet known: every sum and
relation with it as a term is missing too, and shows "–".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..constants import EPS
from .derived import share
from ..numbers import fmt_plain

BLANK = "tom"  # a "–" cell: nothing, counts as zero
MISSING = "saknas"  # a figure not yet known: whatever is derived from it is unknown too


@dataclass(frozen=True)
class Relation:
    text: str
    target: str
    terms: tuple[tuple[int, str], ...]  # (+1|-1, column), for a linear relation
    ratio: tuple[str, str] | None = None  # (numerator, denominator) for target = a / b (percent)
    # target - sum(sign*term) = 0 as column -> coefficient, repeated terms merged: made once,
    # so that solving for each column costs the number of distinct columns, not of terms
    coef: tuple[tuple[str, int], ...] = ()

    @cached_property
    def coefficient(self) -> dict[str, int]:
        """coef as a mapping, made once (a relation is solved once per post and column)."""
        return dict(self.coef)

    @property
    def columns(self) -> tuple[str, ...]:
        """Each column once, the target first."""
        if self.ratio:
            return tuple(dict.fromkeys((self.target, *self.ratio)))
        return tuple(c for c, _ in self.coef)


_REL = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*=\s*(.+)$")
_TERM = re.compile(r"\s*([+-]?)\s*([a-z][a-z0-9_]*)")


def parse_relation(text: str) -> Relation:
    """'avvikelse = utfall - budget' or 'andel = del / helhet' (percent)."""
    m = _REL.match(text)
    if not m:
        raise ValueError(f"relationen '{text}' ska ha formen 'kolumn = a - b'")
    target, rhs = m.group(1), m.group(2).strip()
    if "/" in rhs:
        num, _, den = rhs.partition("/")
        num, den = num.strip(), den.strip()
        if not (re.fullmatch(r"[a-z][a-z0-9_]*", num) and re.fullmatch(r"[a-z][a-z0-9_]*", den)):
            raise ValueError(f"relationen '{text}': en kvot skrivs 'a / b'")
        return Relation(text, target, (), (num, den))
    terms: list[tuple[int, str]] = []
    pos = 0
    while pos < len(rhs):
        t = _TERM.match(rhs, pos)
        if not t or (terms and not t.group(1)):
            raise ValueError(f"relationen '{text}' kan inte tolkas vid '{rhs[pos:]}'")
        terms.append((-1 if t.group(1) == "-" else 1, t.group(2)))
        pos = t.end()
        while pos < len(rhs) and rhs[pos] == " ":
            pos += 1
    if not terms:
        raise ValueError(f"relationen '{text}' saknar termer")
    coef = {target: 1}
    for sign, c in terms:
        coef[c] = coef.get(c, 0) - sign
    return Relation(text, target, tuple(terms), coef=tuple(coef.items()))


@dataclass
class Val:
    v: float
    tol: float
    how: str  # lagrat | tryckt | summa | varav | relation | kontroll | tom | saknas
    computed: float | None = None
    avviker: str | None = None  # a printed figure kept against its parts: the reason (tryckt_avviker)


@dataclass(frozen=True)
class Where:
    """What one source location of a post is the location of (a key of PostDef.where)."""

    kind: str  # decl | summa | varav (the post's declaration, sum or breakdown) | val | tryckt | kontroll | avviker (a tryckt_avviker reason)
    key: str | int | None = None  # the column of a stored (val) or printed (tryckt) figure; kontroll's index


DECL, SUMMA, VARAV = Where("decl"), Where("summa"), Where("varav")


@dataclass
class PostDef:
    """A post merged from budget and outcomes files."""

    id: str
    namn: str | None = None
    values: dict[str, float | str | None] = field(default_factory=dict)
    summa: list[str] | None = None
    kontroll: list[list[str]] = field(default_factory=list)
    tryckt: dict[str, float] = field(default_factory=dict)
    tryckt_avviker: dict[str, str] = field(default_factory=dict)  # column -> why the printed figure is kept
    varav: list[str] = field(default_factory=list)
    varav_fullstandig: bool = False
    kommentar: str | None = None
    fotnot: str | None = None
    decimaler: int | None = None  # decimals wherever the post is shown (None: the table's, else whole units)
    kind: str = "post"  # post | namnd | enhet
    kortnamn: str | None = None
    utan_utfall: str | None = None
    where: dict[Where, tuple] = field(default_factory=dict)  # what -> (SourceMap, path)


@dataclass
class Finding:
    """A contradiction found while deriving; checks turn it into a diagnostic."""

    code: str
    post: str
    column: str | None
    message: str
    hint: str
    where: Where  # key into PostDef.where
    severity: str = "error"


def parse_term(t: str) -> tuple[int, str]:
    t = t.strip()
    if t.startswith("-"):
        return -1, t[1:].strip()
    return 1, t.lstrip("+").strip()


def bottom_up(start, children, done) -> list:
    """The nodes reachable from start (itself included) that are not in `done`, each
    after the nodes it depends on (post-order), found without recursion: a chain of
    thousands of sums must not meet Python's recursion limit. A node met again while
    its own dependencies are being walked (a cycle) is listed once."""
    out, seen = [], {start}
    stack = [(start, iter(children(start)))]
    while stack:
        node, it = stack[-1]
        for child in it:
            if child not in seen and child not in done:
                seen.add(child)
                stack.append((child, iter(children(child))))
                break
        else:
            stack.pop()
            out.append(node)
    return out


class Ledger:
    def __init__(self, posts: dict[str, PostDef], relations: list[Relation], unit_tol: float = 0.5,
                 fmt=None):
        self.posts = posts
        self.relations = relations
        self.unit_tol = unit_tol
        self.findings: list[Finding] = []
        self._memo: dict[tuple[str, str], Val | None] = {}
        self._busy: set[tuple[str, str]] = set()
        self._missing_memo: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}  # missing_sources
        self._rel_by_col: dict[str, list[Relation]] = {}
        for r in relations:
            for c in r.columns:
                self._rel_by_col.setdefault(c, []).append(r)
        self._fmt = fmt or fmt_plain
        self._by_parts: Ledger | None = None  # the ledger without the kept printed figures (_holds_by_parts)

    # -- public -------------------------------------------------------------
    def get(self, pid: str, col: str) -> Val | None:
        key = (pid, col)
        if key in self._memo:
            return self._memo[key]
        if key not in self._busy:
            # Derive the parts first, deepest first, so that deriving this value
            # finds them remembered: the recursion below stays shallow however long
            # the chain of sums is.
            for part in bottom_up(key, self.parts, self._memo)[:-1]:
                if part not in self._busy:
                    self._get(*part)
        return self._get(pid, col)

    def parts(self, key: tuple[str, str]) -> list[tuple[str, str]]:
        """The values a sum or breakdown of this value adds up (same column)."""
        p = self.posts.get(key[0])
        if p is None or key[1] in p.values:
            return []
        refs = [parse_term(t)[1] for t in p.summa] if p.summa is not None else list(p.varav)
        return [(r, key[1]) for r in refs]

    def _get(self, pid: str, col: str) -> Val | None:
        key = (pid, col)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return None  # a cycle: reported by the reference checks
        self._busy.add(key)
        try:
            val = self._derive(pid, col)
        finally:
            self._busy.discard(key)
        self._memo[key] = val
        return val

    def value(self, pid: str, col: str) -> float | None:
        """The figure to show; None for nothing or for "–"."""
        v = self.get(pid, col)
        return None if v is None or v.how in (BLANK, MISSING) else v.v

    def missing_sources(self, pid: str, col: str) -> list[tuple[str, str]]:
        """The stored `saknas` figures that make (pid, col) missing, in the order met
        (depth first). Remembered per figure and found bottom-up without recursion, so
        that asking it of every cell of a table costs the figures once, not once per cell
        (a chain of n missing sums shown in a table was n² steps)."""
        memo = self._missing_memo
        for key in bottom_up((pid, col), self._missing_inputs, memo):
            p = self.posts.get(key[0])
            if p is not None and key[1] in p.values:  # a stored figure: the source itself, or known
                memo[key] = (key,) if p.values[key[1]] == MISSING else ()
                continue
            out: dict[tuple[str, str], None] = {}
            for src in (s for k in self._missing_inputs(key) for s in memo.get(k, ())):
                out[src] = None
            memo[key] = tuple(out)
        return list(memo.get((pid, col), ()))

    def _is_missing(self, key: tuple[str, str]) -> bool:
        v = self.get(*key)
        return v is not None and v.how == MISSING

    def _missing_inputs(self, key: tuple[str, str]) -> list[tuple[str, str]]:
        """The figures a missing derived figure reads; none for a stored or known one."""
        p = self.posts.get(key[0])
        if p is None or key[1] in p.values or not self._is_missing(key):
            return []
        return self._inputs(p, key[1])

    def _inputs(self, p: PostDef, col: str) -> list[tuple[str, str]]:
        """Every figure (pid, col) the derivation of p's col may read."""
        if p.summa is not None:
            return [(parse_term(t)[1], col) for t in p.summa]
        if p.varav and p.varav_fullstandig:
            return [(r, col) for r in p.varav]
        out = []
        for rel in self._rel_by_col.get(col, ()):
            out += [(p.id, c) for c in rel.columns if c != col]
        return out

    def relations_of(self, col: str) -> list[Relation]:
        """The relations that name a column, in their order."""
        return self._rel_by_col.get(col, [])

    def name(self, pid: str) -> str:
        p = self.posts.get(pid)
        return (p.namn if p and p.namn else pid)

    def evaluate_all(self, columns: list[str]) -> None:
        """Derive every value and run every check once; findings accumulate."""
        for pid in self.posts:
            for col in columns:
                self.get(pid, col)
        for p in self.posts.values():
            self._check_breakdown(p, columns)
            self._check_controls(p, columns)
            self._check_relations(p)

    # -- derivation ---------------------------------------------------------
    def _derive(self, pid: str, col: str) -> Val | None:
        p = self.posts.get(pid)
        if p is None:
            return None
        if col in p.values:
            return self._stored(p.values[col])
        for rel in self._rel_by_col.get(col, ()):
            if rel.ratio and rel.target == col:
                # A share is never summed: a total's share is its own figures' ratio.
                got = self._solve(pid, rel, col)
                if got is None:
                    return Val(float(p.tryckt[col]), self.unit_tol, "tryckt") if col in p.tryckt else None
                return self._printed(p, col, got, "relation")
        kept = self._from_kept(p, col) if p.tryckt_avviker else None
        if kept is not None:
            return kept
        if p.summa is not None:
            return self._printed(p, col, self._sum(p.summa, col), "summa")
        if p.varav and p.varav_fullstandig:
            got = self._sum(p.varav, col)
            if got is not None:
                return self._printed(p, col, got, "varav")
        solved = None
        for rel in self._rel_by_col.get(col, ()):
            got = self._solve(pid, rel, col)
            if got is not None and got != MISSING:
                solved = got
                break
            solved = solved or got  # MISSING, unless another relation gives a figure
        if solved is not None or p.kontroll or (col in p.tryckt and self._derivable(p, col)):
            return self._printed(p, col, solved, "relation")
        if col in p.tryckt:
            # A printed figure with nothing to derive it from is simply a figure.
            return Val(float(p.tryckt[col]), self.unit_tol, "tryckt")
        return None

    def _from_kept(self, p: PostDef, col: str) -> Val | None:
        """A printed figure kept against its parts (tryckt_avviker) is used downstream:
        a column tied to it by a relation follows it, not the parts, so that the post's
        figures agree as published (_follows says which column that is)."""
        if col in p.tryckt:
            return None
        for rel in self._rel_by_col.get(col, ()):
            if self._follows(p, rel, col):
                got = self._solve(p.id, rel, col)
                if got is not None and got != MISSING:
                    return self._printed(p, col, got, "relation")
        return None

    def _follows(self, p: PostDef, rel: Relation, col: str) -> bool:
        """Whether p's col is derived by `rel` from a printed figure of p kept against its
        parts: of the relation's columns p neither stores nor prints, the one that p's
        parts derive by a relation too (a deviation follows its forecast; a budget the
        parts store does not, and neither does a column the parts leave ambiguous)."""
        if rel.ratio or not any(c != col and c in p.tryckt_avviker for c in rel.columns):
            return False
        open_ = [c for c in rel.columns if c not in p.values and c not in p.tryckt]
        return [c for c in open_ if self._by_relation_below(p, c)] == [col]

    def _by_relation_below(self, p: PostDef, col: str) -> bool:
        """Whether every post p's col adds up from derives it by a relation (not stored or
        printed anywhere below p, and a relation names the column)."""
        if not self._rel_by_col.get(col):
            return False
        todo, seen = [p], {p.id}
        while todo:
            q = todo.pop()
            if col in q.values or col in q.tryckt:
                return False
            refs = [parse_term(t)[1] for t in q.summa] if q.summa is not None else (
                list(q.varav) if q.varav and q.varav_fullstandig else [])
            for r in refs:
                part = self.posts.get(r)
                if part is None:
                    return False
                if r not in seen:
                    seen.add(r)
                    todo.append(part)
        return True

    def _stored(self, stored) -> Val:
        if stored is None:
            return Val(0.0, 0.0, BLANK)  # "–": nothing there, which sums and relations treat as zero
        if stored == MISSING:
            return Val(0.0, 0.0, MISSING)
        return Val(float(stored), self.unit_tol, "lagrat")

    def _derivable(self, p: PostDef, col: str) -> bool:
        """Whether anything could derive p's col: then a printed figure is a claim about it."""
        return bool(p.summa is not None or (p.varav and p.varav_fullstandig) or self._rel_by_col.get(col))

    def _sum(self, terms: list[str], col: str):
        """Sum of the terms in one column as (total, tolerance, n), n the terms with a figure;
        None when a term has no value at all (so that a column only some parts have never
        shows a misleading total), MISSING when a term is not yet known. A "–" term counts
        as 0. The tolerance is half a unit per direct term: the reader's check."""
        total, n = 0.0, 0
        missing = False
        for t in terms:
            sign, ref = parse_term(t)
            v = self.get(ref, col)
            if v is None:
                return None
            if v.how == MISSING:
                missing = True
                continue
            if v.how == BLANK:
                continue
            total += sign * v.v
            n += 1
        if not terms:
            return None
        return MISSING if missing else (total, n * self.unit_tol, n)

    def _solve(self, pid: str, rel: Relation, col: str) -> tuple[float, float, int] | str | None:
        if rel.ratio:
            if col != rel.target:
                return None
            a, b = self.get(pid, rel.ratio[0]), self.get(pid, rel.ratio[1])
            if a is None or b is None:
                return None
            if MISSING in (a.how, b.how):
                return MISSING
            ratio = share(a.v, b.v)  # a cost against its budget: a positive share (compute/derived.py)
            return None if ratio is None else (ratio, 0.05, 1)
        # target - sum(sign*term) = 0, solved for col
        coef = rel.coefficient
        if not coef.get(col):
            return None
        acc, n = 0.0, 0
        missing = False
        for c, k in rel.coef:
            if c == col or k == 0:
                continue
            v = self.get(pid, c)
            if v is None:
                return None
            if v.how == MISSING:
                missing = True  # not yet known: the figure cannot be derived (never read as 0)
                continue
            if v.how == BLANK:
                continue  # "–": nothing budgeted, so the deviation is the outcome itself
            acc += k * v.v
            n += 1
        if missing:
            return MISSING
        return (-acc / coef[col], n * self.unit_tol, n)

    def _printed(self, p: PostDef, col: str, got, how: str) -> Val | None:
        """The value of a derived figure: computed from its parts (or, when they give
        nothing, from a `kontroll` alternative), and checked against a printed figure."""
        if got is None or got == MISSING:
            alt = self._from_controls(p, col)
            if alt is not None:
                got, how = alt, "kontroll"
        if got == MISSING:
            if col in p.tryckt:
                return self._unchecked(p, col, missing=True)
            return Val(0.0, 0.0, MISSING)
        if got is None:
            if col in p.tryckt:
                return self._unchecked(p, col)
            return None
        computed, tol, n = got
        if n == 0 and col not in p.tryckt:
            return Val(0.0, 0.0, BLANK)  # every part is "–"
        if col not in p.tryckt:
            return Val(computed, self.unit_tol, how, computed)
        printed = float(p.tryckt[col])
        diff = abs(printed - computed)
        reason = p.tryckt_avviker.get(col)
        parts = "delarna" if how != "kontroll" else self.expression(self._control_used(p, col))
        if diff <= tol + EPS:
            if reason is not None:
                self.findings.append(Finding(
                    "RR531", p.id, col,
                    f"{self.name(p.id)}, {col}: tryckt värde {self._fmt(printed)} är markerat som avvikande, "
                    f"men {parts} ger {self._fmt(computed)}, inom avrundningen (tolerans {self._fmt(tol)})",
                    f"Ta bort '{col}' under 'tryckt_avviker': siffran stämmer.", Where("avviker", col), "warning"))
            return Val(printed, self.unit_tol, "tryckt", computed)
        if reason is not None:
            # Published as printed, knowingly: shown as the source has it, with a footnote.
            self.findings.append(Finding(
                "RR532", p.id, col,
                f"{self.name(p.id)}, {col}: tryckt värde {self._fmt(printed)} visas som publicerat, men {parts} "
                f"ger {self._fmt(computed)} (diff {self._fmt(diff)}, tolerans {self._fmt(tol)})",
                f"Markerat i 'tryckt_avviker' ({reason}); en fotnot i tabellen anger vad delarna ger.",
                Where("tryckt", col), "warning"))
            return Val(printed, self.unit_tol, "tryckt", computed, avviker=reason)
        hint = ("Rätta den tryckta summan eller den delsiffra som är fel; ta bort 'tryckt' om källan räknat fel, "
                "eller ange skälet under 'tryckt_avviker' för att återge källans siffra.")
        by_parts = self._parts_ledger()
        theirs = by_parts.get(p.id, col) if by_parts is not None else None
        if theirs is not None and theirs.how not in (MISSING, BLANK) and abs(printed - theirs.v) <= tol + EPS:
            hint += (f" Källans {self._fmt(printed)} bygger på vad delarna ger, inte på de tryckta siffror som "
                     f"återges mot sina delar ('tryckt_avviker'): ange skälet under 'tryckt_avviker' även här "
                     f"för att återge den.")
        self.findings.append(Finding(
            "RR201", p.id, col,
            f"{self.name(p.id)}, {col}: tryckt värde {self._fmt(printed)} men {parts} ger {self._fmt(computed)} "
            f"(diff {self._fmt(diff)}, tolerans {self._fmt(tol)})", hint, Where("tryckt", col)))
        return Val(computed, self.unit_tol, how, computed)

    def _from_controls(self, p: PostDef, col: str):
        """The first `kontroll` alternative that gives a figure: used when the parts give none."""
        missing = False
        for alt in p.kontroll:
            got = self._sum(alt, col)
            if got == MISSING:
                missing = True
            elif got is not None:
                return got
        return MISSING if missing else None

    def _control_used(self, p: PostDef, col: str) -> list[str]:
        return next((alt for alt in p.kontroll if self._sum(alt, col) not in (None, MISSING)), [])

    def _unchecked(self, p: PostDef, col: str, missing: bool = False) -> Val:
        """A printed figure for a derived value whose parts give nothing: shown, but said so."""
        printed = float(p.tryckt[col])
        why = ("en del saknas ('saknas')" if missing else "delarna har inget värde i kolumnen")
        self.findings.append(Finding(
            "RR530", p.id, col,
            f"{self.name(p.id)}, {col}: tryckt värde {self._fmt(printed)} kan inte kontrolleras: {why}, "
            f"och ingen 'kontroll' ger ett värde",
            "Ange värdet i delarna, eller en 'kontroll' (en annan summa som ger samma tal), så att den tryckta "
            "siffran kan räknas fram och kontrolleras.", Where("tryckt", col), "warning"))
        return Val(printed, self.unit_tol, "tryckt")

    # -- checks -------------------------------------------------------------
    def _check_breakdown(self, p: PostDef, columns: list[str]) -> None:
        if not p.varav:
            return
        for col in columns:
            stored = p.values.get(col)
            if stored is None or stored == MISSING:
                continue  # derived from the breakdown, or nothing to compare
            parent = float(stored)
            got = self._sum(p.varav, col)
            if got is None or got == MISSING:
                continue
            total, tol, _n = got
            if p.varav_fullstandig:
                if abs(total - parent) > tol + EPS:
                    self.findings.append(Finding(
                        "RR202", p.id, col,
                        f"{self.name(p.id)}: varav-raderna summerar till {self._fmt(total)} men posten har "
                        f"{self._fmt(parent)} i {col} (diff {self._fmt(abs(total - parent))}, tolerans {self._fmt(tol)})",
                        "Rätta den varav-rad eller den summa som är fel, eller ange 'fullstandig: false' "
                        "om raderna bara visar en del.", Where("val", col)))
            elif self._same_sign(p.varav, col, parent) and abs(total) > abs(parent) + tol + EPS:
                self.findings.append(Finding(
                    "RR203", p.id, col,
                    f"{self.name(p.id)}: de utvalda varav-raderna ({self._fmt(total)}) är större än posten "
                    f"({self._fmt(parent)}) i {col}",
                    "En delvis uppdelning kan inte överstiga helheten: kontrollera tecken och belopp.",
                    Where("val", col)))

    def _same_sign(self, refs, col, parent) -> bool:
        """A partial list can only be said to exceed its total when nothing unlisted could offset it:
        all listed rows carry the parent's sign (costs under a cost, revenue under revenue)."""
        for t in refs:
            v = self.get(parse_term(t)[1], col)
            if v is not None and v.v * parent < 0:
                return False
        return True

    def _check_controls(self, p: PostDef, columns: list[str]) -> None:
        shares = {r.target for r in self.relations if r.ratio}  # a share is not the sum of shares
        for i, alt in enumerate(p.kontroll):
            for col in columns:
                if col in shares:
                    continue
                mine = self.get(p.id, col)
                got = self._sum(alt, col)
                if mine is None or got is None or got == MISSING or mine.how == MISSING:
                    continue
                total, tol, _n = got
                if abs(total - mine.v) > tol + EPS:
                    parts = self.expression(alt)
                    self.findings.append(Finding(
                        "RR204", p.id, col,
                        f"{self.name(p.id)} är {self._fmt(mine.v)} i {col}, men {parts} ger {self._fmt(total)} "
                        f"(diff {self._fmt(abs(total - mine.v))}, tolerans {self._fmt(tol)})",
                        "Samma storhet räknas på två sätt och de ska ge samma tal: rätta den siffra som är fel.",
                        Where("kontroll", i)))

    def expression(self, terms: list[str]) -> str:
        """'Verksamhetens intäkter − Verksamhetens kostnader': a sum in the analyst's words."""
        out = ""
        for i, t in enumerate(terms):
            sign, ref = parse_term(t)
            op = ("−" if sign < 0 else "") if i == 0 else (" − " if sign < 0 else " + ")
            out += op + self.name(ref)
        return out

    def _parts_ledger(self) -> Ledger | None:
        """The ledger as the parts have it: every printed figure kept against its parts
        (tryckt_avviker) left out. Made once, and only when some post keeps one."""
        if self._by_parts is None:
            if not any(q.tryckt_avviker for q in self.posts.values()):
                return None
            posts = {pid: replace(q, tryckt={c: v for c, v in q.tryckt.items() if c not in q.tryckt_avviker},
                                  tryckt_avviker={}) if q.tryckt_avviker else q
                     for pid, q in self.posts.items()}
            self._by_parts = Ledger(posts, self.relations, self.unit_tol, self._fmt)
        return self._by_parts

    def _holds_by_parts(self, p: PostDef, rel: Relation) -> bool:
        """Whether a relation that fails on p holds when every printed figure kept against
        its parts (tryckt_avviker) is replaced by what its parts give."""
        other = self._parts_ledger()
        if other is None:
            return False
        vals: dict[str, Val] = {}
        for c in rel.columns:
            v = other.get(p.id, c)
            if v is None or v.how == MISSING:
                return False
            vals[c] = v
        lhs = vals[rel.target].v
        rhs = sum(s * vals[c].v for s, c in rel.terms)
        return abs(lhs - rhs) <= sum(v.tol for v in vals.values()) + EPS

    def _check_relations(self, p: PostDef) -> None:
        for rel in self.relations:
            if rel.ratio:
                continue
            # Only a relation whose terms are all given (stored or printed) can disagree.
            got = {c: self.get(p.id, c) for c in rel.columns}
            vals = {c: v for c, v in got.items() if v is not None and v.how != MISSING}
            if len(vals) < len(got):
                continue
            if not any(c in p.values or c in p.tryckt for c in rel.columns):
                continue
            lhs = vals[rel.target].v
            rhs = sum(s * vals[c].v for s, c in rel.terms)
            tol = sum(v.tol for v in vals.values())
            if abs(lhs - rhs) > tol + EPS:
                if self._holds_by_parts(p, rel):
                    # Only the published figures kept against their parts (tryckt_avviker)
                    # break it: a warning at the post that keeps one, nothing downstream
                    # (that post's RR532 already says the printed figure is used there).
                    marked = next((c for c in rel.columns if c in p.tryckt_avviker), None)
                    if marked is not None:
                        self.findings.append(Finding(
                            "RR532", p.id, marked,
                            f"{self.name(p.id)}: {rel.target} är {self._fmt(lhs)} men "
                            f"{rel.text.split('=', 1)[1].strip()} ger {self._fmt(rhs)} med det tryckta värdet i "
                            f"{marked}, som visas som publicerat; med delarnas värde stämmer relationen",
                            f"Markerat i 'tryckt_avviker' ({p.tryckt_avviker[marked]}); fotnoten i tabellen "
                            f"anger vad delarna ger. Relationens övriga tryckta siffror följer delarna, som i källan; en "
                            f"siffra i relationen som inte anges under 'tryckt' räknas fram ur den tryckta.",
                            Where("tryckt", marked), "warning"))
                    continue
                given = next((c for c in [rel.target, *(c for _, c in rel.terms)] if c in p.values), rel.target)
                self.findings.append(Finding(
                    "RR205", p.id, rel.target,
                    f"{self.name(p.id)}: {rel.target} är {self._fmt(lhs)} men {rel.text.split('=', 1)[1].strip()} "
                    f"ger {self._fmt(rhs)} (diff {self._fmt(abs(lhs - rhs))}, tolerans {self._fmt(tol)})",
                    f"Relationen {rel.text} ska gälla; lagra två av talen och låt verktyget räkna det tredje.",
                    Where("val", given)))
