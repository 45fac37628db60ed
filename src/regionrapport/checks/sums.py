"""Sums, breakdowns, printed totals, column relations and the result chain.

The ledger (compute.ledger) derives every figure and records each contradiction
it meets. One wrong figure usually contradicts several totals at once (a unit's
outcome feeds its committee, the net cost, the result), so the findings are
grouped by the stored figures they depend on: each group becomes one
diagnostic, placed at the figure that explains all of them when there is exactly
one such figure, and naming the other totals it throws off.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ..compute.ledger import DECL, MISSING, VARAV, Where, bottom_up, parse_term
from ..constants import EPS
from ..numbers import fmt_plain
from .registry import rule

Leaf = tuple  # ("val" | "tryckt", post id, column): one figure as typed; ("kontroll", post id, index): a control sum


@dataclass(frozen=True)
class Problem:
    code: str
    post: str
    column: str | None
    message: str
    hint: str
    loc: tuple  # (SourceMap, path)
    deps: frozenset  # the leaves the contradiction depends on
    own: Leaf | None = None  # the figure the rule itself points at (a printed total, a stored value)


@rule("RR200", "Figures do not add up")
def ledger_findings(report, collector):
    """Runs the ledger over every post and column and reports RR201–RR206: printed
    totals, complete and partial breakdowns, alternative derivations, column
    relations and stored totals. Contradictions caused by one figure are reported
    once, at that figure when it can be told, naming the other totals it affects.
    Fix: as each message says.
    """
    led = report.ledger
    led.evaluate_all(list(report.columns))
    deps = _Deps(report)
    broken = bool(collector.errors)  # a figure rejected while loading leaves sums empty: that error explains it
    for f in led.findings:
        if f.code == "RR530" and broken:
            continue
        if f.severity != "error":  # warnings stand alone: they explain no contradiction
            p = report.posts[f.post]
            smap, path = _where(p, f.where)
            collector.add(smap.diag(path, f.code, f.message, f.hint, severity=f.severity))
    problems = [_from_finding(report, deps, f) for f in led.findings if f.severity == "error"]
    problems += _stored_totals(report, deps)
    # One line, one rule, one diagnostic: the same contradiction in several columns
    # (a wrong sign in a kontroll sum) is listed once, naming the other columns.
    merged: dict[tuple, list] = {}
    for group, leaf, suspects in _group(problems):
        d = _diagnostic(report, group, leaf, suspects)
        merged.setdefault((d.file, d.line, d.col, d.code), []).append(d)
    for same in merged.values():
        d = same[0]
        others = [x.message for x in same[1:] if x.message != d.message]
        if others:
            d = replace(d, hint=d.hint + " Också: " + "; ".join(others[:4]) + (" …" if len(others) > 4 else "") + ".")
        collector.add(d)


@rule("RR530", "Printed figure that nothing can check")
def unchecked_printed(report, collector):
    """A post gives a printed figure (`tryckt`) for a derived value, but its parts
    have no value in that column (committees that carry only deviations, say) or
    one of them is not yet known (`saknas`), and no `kontroll` alternative gives a
    figure. The printed figure is shown as it stands, unchecked: a warning, so that
    a figure typed wrong does not pass silently. Reported through RR200.
    Fix: give the parts their values in that column, or add a `kontroll` (another
    sum that gives the same figure, e.g. the result as the level minus the budget);
    the tool then computes the figure and checks the printed one against it.
    """


@rule("RR531", "Printed figure marked as deviating agrees with its parts")
def needless_deviation_mark(report, collector):
    """A column is listed under `tryckt_avviker`, but the printed figure agrees
    with its parts within the rounding tolerance: there is nothing to explain, and
    no footnote is printed. A warning, reported through RR200.
    Fix: remove the column from `tryckt_avviker`.
    """


@rule("RR532", "Printed figure reproduced against its parts")
def published_deviation(report, collector):
    """A printed total disagrees with the sum of its parts, and the post says why it
    is reproduced anyway (`tryckt_avviker: {column: reason}`), e.g. to print a
    report exactly as the region published it. The printed figure is shown and used
    downstream, and the table gets a footnote saying what the parts give. A column
    tied to it by a relation follows it (a total's forecast deviation is its kept
    forecast minus its budget); where the source prints that column too, as the
    parts give it, the relation that fails only by the kept figure is this warning
    as well, not RR205. A warning, so that it stays visible in every check; reported
    through RR200.
    Fix: nothing, if the published figure is to be reproduced. Otherwise correct the
    figure and remove the column from `tryckt_avviker`.
    """


@rule("RR533", "Deviation reason without a printed figure")
def deviation_without_printed(report, collector):
    """`tryckt_avviker` names a column for which the post gives no printed figure
    (`tryckt`), so there is nothing to reproduce. Raised while merging the posts.
    Fix: give the source's figure under `tryckt`, or remove the line.
    """


@rule("RR534", "A figure shown in a table is missing")
def missing_shown(report, collector):
    """A table shows a derived figure (a total, a deviation, a forecast) that cannot
    be computed because a figure it depends on is not yet known (`saknas`), so the
    table prints "–" where a figure belongs. A missing figure is never read as zero
    (a forecast of `saknas` does not make the forecast deviation minus the whole
    budget). A warning, at the missing figure, naming what it leaves empty; `build
    --strict` refuses it. `null` ("–", nothing) is not missing: it counts as zero.
    Fix: fill in the figure (a report made with `rapport new` starts with the
    period's figures as `saknas`).
    """
    led = report.ledger
    shown: dict[tuple, dict[str, None]] = {}  # source -> the cells it leaves empty, in order, once each
    for _tid, t in list(report.budget.tabeller.items()) + list(report.outcomes.tabeller.items()):
        cols = [c if isinstance(c, str) else c.kolumn for c in t.kolumner]
        for pid in _table_posts(report, t):
            p = report.posts.get(pid)
            if p is None:
                continue
            for col in cols:
                if col in p.values or col not in report.columns:
                    continue  # a stored figure, missing or not, shows as typed
                v = led.get(pid, col)
                if v is None or v.how != MISSING:
                    continue
                for src in led.missing_sources(pid, col):
                    shown.setdefault(src, {})[f"{led.name(pid)} ({col}) i tabellen {t.rubrik}"] = None
    for (pid, col), cells in shown.items():
        whats = list(cells)
        p = report.posts[pid]
        smap, path = _where(p, Where("val", col))
        listed = "; ".join(whats[:5]) + (" …" if len(whats) > 5 else "")
        collector.add(smap.diag(
            path, "RR534",
            f"{led.name(pid)}, {col}: siffran saknas, så härledda siffror visas som –: {listed}",
            "Fyll i siffran. En saknad siffra räknas aldrig som 0.", severity="warning"))


def _table_posts(report, t) -> list[str]:
    """The posts a table shows, its varav rows unfolded as the renderer does: bounded
    and cycle-safe (a table that unfolds too far is RR625's error, not ours)."""
    from ..compute.derived import MAX_TABLE_ROWS, TableTooLarge, post_rows
    out: list[str] = []
    for row in t.rader:
        pid = row if isinstance(row, str) else row.post
        if pid is None or pid not in report.posts:
            continue
        try:
            out += [p for p, _ in post_rows(pid, report.posts, t.visa_varav, MAX_TABLE_ROWS - len(out))]
        except TableTooLarge:
            return out
    return out


@rule("RR206", "Stored total differs from the sum of its parts")
def stored_totals(report, collector):
    """A post that is defined as a sum (`summa`), such as verksamhetens resultat
    (nettokostnad + skatteintäkter + generella statsbidrag), also has a stored
    value, and the two differ beyond the rounding tolerance. A stored value wins
    over the sum, so the result chain would silently break. Checked for every
    column: outcome, budget, annual budget and forecast. Reported through RR200
    so that its consequences are grouped with it.
    Fix: remove the stored value and let the tool derive it, or correct the part
    that is wrong; a total printed in the source goes under `tryckt`.
    """


# --- dependencies --------------------------------------------------------------
# The figures each derived value depends on are remembered as sets: a chain of n sums
# holds n²/2 of them (4 000 posts, 8 million, 0.8 GB). Past this many, a value's
# dependencies are not followed and its problems stand ungrouped, each still reported.
MAX_DEPENDENCIES = 500_000


class _Deps:
    """Which stored or printed figures a derived value depends on."""

    def __init__(self, report):
        self.led = report.ledger
        self.posts = report.posts
        self.memo: dict[tuple, frozenset] = {}
        self.size = 0  # the figures held in memo, bounded by MAX_DEPENDENCIES

    def blank(self, pid, col) -> bool:
        p = self.posts.get(pid)
        return p is not None and col in p.values and p.values[col] is None

    def of(self, pid: str, col: str) -> frozenset:
        key = (pid, col)
        if key in self.memo:
            return self.memo[key]
        # the parts first, deepest first and without recursion (a long chain of sums)
        for part in bottom_up(key, self.led.parts, self.memo)[:-1]:
            self._of(*part)
        return self._of(pid, col)

    def _of(self, pid: str, col: str) -> frozenset:
        key = (pid, col)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = frozenset()  # a cycle contributes nothing (RR109 reports it)
        p, v = self.posts.get(pid), self.led.get(pid, col)
        out: frozenset = frozenset()
        if p is not None and v is not None:
            if col in p.values:
                out = frozenset({("val", pid, col)})
            elif v.how == "tryckt":
                out = frozenset({("tryckt", pid, col)})
            elif v.how == "summa":
                out = self.union((parse_term(t)[1], col) for t in p.summa or ())
            elif v.how == "varav":
                out = self.union((r, col) for r in p.varav)
            elif v.how == "kontroll":
                out = self.union((parse_term(t)[1], col) for alt in p.kontroll for t in alt)
            elif v.how == "relation":
                rel = self.relation_used(pid, col)
                if rel is not None:
                    out = self.union((pid, c) for c in rel.columns if c != col)
        if self.size + len(out) > MAX_DEPENDENCIES:
            out = frozenset()  # not followed: see MAX_DEPENDENCIES
        self.size += len(out)
        self.memo[key] = out
        return out

    def union(self, pairs) -> frozenset:
        out: set = set()
        for pid, col in pairs:
            out |= self.of(pid, col)
        return frozenset(out)

    def relation_used(self, pid, col):
        """The relation the ledger derived (pid, col) from: the first that can be solved."""
        for rel in self.led.relations_of(col):
            if rel.ratio:
                if col == rel.target and all(self.led.get(pid, c) is not None for c in rel.ratio):
                    return rel
                continue
            if not rel.coefficient.get(col):
                continue
            if all(self.led.get(pid, c) is not None or self.blank(pid, c) for c, k in rel.coef if c != col and k):
                return rel
        return None


def _where(p, *keys):
    for k in keys:
        if k and k in p.where:
            return p.where[k]
    return p.where[DECL]


def _from_finding(report, deps: _Deps, f) -> Problem:
    p = report.posts[f.post]
    col = f.column
    if f.code == "RR201":
        d = deps.of(f.post, col) | {("tryckt", f.post, col)}
    elif f.code in ("RR202", "RR203"):
        d = deps.union((r, col) for r in p.varav) | {("val", f.post, col)}
    elif f.code == "RR204":
        i = f.where.key if f.where.kind == "kontroll" else None
        alt = p.kontroll[i] if i is not None and i < len(p.kontroll) else []
        # The kontroll definition itself is one of the suspects: a wrong sign there
        # breaks every column at once, and then groups them into one diagnostic.
        d = deps.of(f.post, col) | deps.union((parse_term(t)[1], col) for t in alt) | {("kontroll", f.post, i)}
    elif f.code == "RR205":
        cols = {c for r in report.ledger.relations if not r.ratio and r.target == col for c in r.columns}
        d = deps.union((f.post, c) for c in cols or {col})
    else:
        d = deps.of(f.post, col) if col else frozenset()
    own = {"RR201": ("tryckt", f.post, col), "RR202": ("val", f.post, col), "RR203": ("val", f.post, col)}.get(f.code)
    if f.code == "RR204" and f.where.kind == "kontroll":
        own = ("kontroll", f.post, f.where.key)
    if f.code == "RR205":  # the figure the ledger names: stored, else printed
        own = ("val", f.post, f.where.key) if f.where in p.where else ("tryckt", f.post, f.where.key)
    message = f.message
    if p.kind == "namnd":
        # The ledger speaks of posts; for a committee the analyst's word is nämnden.
        message = message.replace("men posten har", "men nämnden har").replace("större än posten", "större än nämnden")
    # the figure the finding names; a stored one missing: the printed one of its column, then the breakdown
    loc = _where(p, f.where, Where("tryckt", f.where.key) if f.where.kind == "val" else None,
                 Where("val", col) if col else None, VARAV)
    return Problem(f.code, f.post, col, message, f.hint, loc, frozenset(d), own)


def _stored_totals(report, deps: _Deps) -> list[Problem]:
    led, out = report.ledger, []
    for pid, p in report.posts.items():
        if not p.summa:
            continue
        for col, stored in p.values.items():
            if stored is None or stored == MISSING:
                continue
            total, tol, n, known = 0.0, led.unit_tol, 0, True
            for t in p.summa:
                sign, ref = parse_term(t)
                v = led.get(ref, col)
                if v is not None and v.how == MISSING:
                    known = False
                    break
                if v is None:
                    if deps.blank(ref, col):
                        continue
                    known = False  # a part without this column: the stored figure is the only one
                    break
                total += sign * v.v
                tol += v.tol
                n += 1
            if not known or not n or abs(total - stored) <= tol + EPS:
                continue
            names = [("− " if parse_term(t)[0] < 0 else "") + led.name(parse_term(t)[1]) for t in p.summa]
            parts = " + ".join(names).replace("+ − ", "− ") if len(names) <= 4 else "delarna"
            out.append(Problem(
                "RR206", pid, col,
                f"{led.name(pid)}, {col}: lagrat värde {fmt_plain(stored)} men {parts} ger {fmt_plain(total)} "
                f"(diff {fmt_plain(abs(total - stored))}, tolerans {fmt_plain(tol)})",
                "En summa räknas fram ur sina delar: ta bort det lagrade värdet eller rätta den del som är fel. "
                "En summa som står tryckt i källan anges under 'tryckt'.",
                p.where[Where("val", col)],
                frozenset({("val", pid, col)}) | deps.union((parse_term(t)[1], col) for t in p.summa),
                ("val", pid, col)))
    return out


# --- grouping ------------------------------------------------------------------
def _group(problems: list[Problem]):
    """Yield (members, leaf or None, suspects): a greedy cover of the problems by
    the figures they share. `leaf` is the one figure that explains the whole
    group, when exactly one does; `suspects` are the figures that could."""
    uncovered = sorted(problems, key=lambda p: (len(p.deps), p.code, p.post, p.column or ""))
    if sum(len(p.deps) for p in uncovered) > MAX_DEPENDENCIES:  # each round counts them all again
        for p in uncovered:
            yield [p], None, []
        return
    while uncovered:
        counts = Counter(leaf for p in uncovered for leaf in p.deps)
        best = max(counts.values(), default=0)
        if best <= 1:
            for p in uncovered:
                yield [p], None, []
            return
        ranked = sorted(leaf for leaf, c in counts.items() if c == best)
        members = [p for p in uncovered if ranked[0] in p.deps]
        suspects = [leaf for leaf in ranked if all(leaf in p.deps for p in members)]
        if members[0].own in suspects:
            # The figure the most specific rule points at also explains the rest.
            suspects = [members[0].own]
        yield members, (suspects[0] if len(suspects) == 1 else None), suspects
        uncovered = [p for p in uncovered if p not in members]


def _leaf_loc(report, leaf):
    kind, pid, col = leaf
    p = report.posts[pid]
    return p.where.get(Where(kind, col)) or p.where[DECL]


def _line_of(loc) -> int:
    smap, path = loc
    return smap.pos(path).line


def _diagnostic(report, members: list[Problem], leaf, suspects):
    led = report.ledger
    primary = members[0]  # the most specific: fewest figures involved
    loc = _leaf_loc(report, leaf) if (leaf and len(members) > 1) else primary.loc
    hint = primary.hint
    if len(members) > 1:
        if not leaf and 1 < len(suspects) <= 8:
            ordered = sorted(suspects, key=lambda s: _line_of(_leaf_loc(report, s)))
            named = ", ".join(f"{led.name(s[1])} (rad {_line_of(_leaf_loc(report, s))})" for s in ordered)
            cols = sorted({s[2] for s in suspects})
            hint += f" Troligen fel: {'/'.join(cols)} för en av {named}."
        # Other totals thrown off by the same figure, one entry per post.
        affected: dict[str, list[str]] = {}
        for m in members[1:]:
            if (m.post, m.column) == (primary.post, primary.column):
                continue
            if m.column is None:  # a finding without a column shares no figure with the others
                continue
            cols = affected.setdefault(m.post, [])
            if m.column not in cols:
                cols.append(m.column)
        if affected:
            listed = [f"{led.name(pid)} ({', '.join(cols)})" for pid, cols in affected.items()]
            hint += " Samma fel ger också fel i: " + "; ".join(listed[:6]) + (" …" if len(listed) > 6 else "") + "."
    message = primary.message
    if leaf and len(members) > 1 and leaf != primary.own:
        # Placed at the figure that explains the group: name it first.
        v = led.posts[leaf[1]].values.get(leaf[2]) if leaf[0] == "val" else led.posts[leaf[1]].tryckt.get(leaf[2])
        shown = fmt_plain(v) if isinstance(v, (int, float)) else "–"
        message = f"{led.name(leaf[1])}, {leaf[2]} ({shown}) stämmer inte med summorna: {message}"
    smap, path = loc
    return smap.diag(path, primary.code, message, hint)
