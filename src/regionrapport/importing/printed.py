"""Printed totals (`tryckt`) where exact kronor and rounded posts disagree.

The report derives a total from its rounded posts. The ledger knows the total in
exact kronor, and its rounding may differ from the sum of the rounded posts (three
posts of 0.4 mnkr are 0 + 0 + 0 in the report but 1.2 -> 1 in the ledger). Then the
total is written as a printed figure, so that the report prints what the ledger
says; `rapport check` accepts it because it lies within the rounding of the sum.

Both sides are computed by the report's own ledger (compute/ledger.py): once with
the exact amounts (in öre, where a float is exact) and no printed figures, once
with the rounded figures and the printed figures chosen so far. A printed figure
is added lowest level first, since a printed figure is used by the totals above it.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from ..compute.ledger import Ledger, PostDef
from .place import UNIT, round_half_away

EPS = 1e-9


def printed_totals(report, exact: dict, rounded: dict, unit: str, decimals) -> dict[tuple[str, str], Decimal]:  # noqa: C901 - to split
    """(post, column) -> the printed figure each derived total needs (existing ones updated).

    decimals(post) gives the decimals a post's figures are rounded to."""
    posts: dict[str, PostDef] = report.posts
    relations = report.ledger.relations
    imported_cols = {c for _, c in rounded}
    columns = set(imported_cols)
    for r in relations:
        if not r.ratio and all(c in imported_cols for _, c in r.terms):
            columns.add(r.target)
    to_ore = UNIT[unit] * 100

    exact_posts = {}
    for pid, p in posts.items():
        values = dict(p.values)
        for col in columns:
            if (pid, col) in exact:
                values[col] = float(exact[(pid, col)] * to_ore)
            elif values.get(col) is not None:
                values[col] = math.nan  # a figure typed by hand: its exact amount is unknown
        exact_posts[pid] = replace(p, values=values, tryckt={c: v for c, v in p.tryckt.items() if c not in columns})
    exact_ledger = Ledger(exact_posts, relations, report.ledger.unit_tol)

    targets: dict[tuple[str, str], Decimal] = {}
    for pid, p in posts.items():
        for col in columns:
            if (pid, col) in rounded or col in p.values:
                continue  # stored, not derived
            v = exact_ledger.get(pid, col)
            if v is None or v.how == "tom" or math.isnan(v.v):
                continue
            targets[(pid, col)] = round_half_away(Decimal(round(v.v)) / to_ore, decimals(pid))

    depth = _depth(posts, relations, lambda pid, col: (pid, col) in rounded or col in posts[pid].values)
    chosen = {cell: targets[cell] for cell in targets if cell[1] in posts[cell[0]].tryckt}
    for _ in range(len(targets) + 1):
        report_posts = {}
        for pid, p in posts.items():
            values = dict(p.values)
            for col in imported_cols:
                if (pid, col) in rounded:
                    values[col] = float(rounded[(pid, col)])
            tryckt = {c: v for c, v in p.tryckt.items() if (pid, c) not in targets}
            tryckt.update({c: float(v) for (q, c), v in chosen.items() if q == pid})
            report_posts[pid] = replace(p, values=values, tryckt=tryckt)
        ledger = Ledger(report_posts, relations, report.ledger.unit_tol)
        wrong = []
        for cell, target in targets.items():
            if cell in chosen:
                continue
            v = ledger.get(*cell)
            if v is not None and abs(v.v - float(target)) > EPS:
                wrong.append((depth(*cell), cell))
        if not wrong:
            break
        lowest = min(t for t, _ in wrong)
        for t, cell in wrong:
            if t == lowest:
                chosen[cell] = targets[cell]
    return chosen


def _depth(posts: dict, relations, stored) -> Callable[..., int]:
    """How many derivations a cell is above the stored figures (0 for a stored one)."""
    memo: dict = {}

    def depth(pid: str, col: str, busy=frozenset()) -> int:
        key = (pid, col)
        if key in memo:
            return memo[key]
        p = posts.get(pid)
        if p is None or stored(pid, col) or key in busy:
            return 0
        busy = busy | {key}
        if p.summa is not None:
            refs = [(t.lstrip("+-").strip(), col) for t in p.summa]
        elif p.varav and p.varav_fullstandig:
            refs = [(r, col) for r in p.varav]
        else:
            refs = [(pid, c) for r in relations if col in r.columns for c in r.columns if c != col]
        d = 1 + max((depth(a, b, busy) for a, b in refs), default=0)
        memo[key] = d
        return d

    return depth
