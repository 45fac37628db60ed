"""Derived table rows: percent change column over column, and one post as a share of another.

These are figures a table prints under its amounts ("Förändring jämfört med
föregående år", "Resultat i förhållande till skatteintäkter ..."). They are
computed from the figures the table shows, so they agree with what the reader
sees: from the printed (rounded) totals when the source prints them.

Rules:
- change: (this − previous) / previous × 100, the previous column being the one
  before it in the table's column order. The first column has none. No value
  when either figure is missing, the previous one is zero, or the two lie on
  opposite sides of zero (a percent change across zero means nothing). For a
  series stored negative (costs), a growing cost gives a positive change.
- share: a / b × 100 per column (`share`); no value when either is missing or b is zero.
  The two amounts are divided as stored, so like over like reads as the sources
  print it: a cost against its budget or against a larger cost (both negative in
  the data) is a positive share (−240 of −260 is 92,3 %), and a result against
  revenues keeps the result's sign (−146 of 7 933 is −1,8 %). Dividing by |b|,
  as this once did, printed a cost's share of its budget as −92,3 %.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from ..constants import EPS


Lookup = Callable[[str, str], "float | None"]


def change_percent(value: Lookup, post: str, columns: list[str]) -> dict[str, float | None]:
    """Percent change of `post` in each column against the column before it."""
    out: dict[str, float | None] = {}
    for i, col in enumerate(columns):
        out[col] = None
        if i == 0:
            continue
        prev, cur = value(post, columns[i - 1]), value(post, col)
        if prev is None or cur is None or abs(prev) < EPS or prev * cur < 0:
            continue
        out[col] = 100.0 * (cur - prev) / prev
    return out


def share(a: float, b: float) -> float | None:
    """`a` as a percentage of `b`, both as stored (see the module's rules); None when b is zero."""
    return None if abs(b) < EPS else 100.0 * a / b


def share_percent(value: Lookup, part: str, whole: str, columns: Iterable[str]) -> dict[str, float | None]:
    """`part` as a percentage of `whole`, column by column."""
    out: dict[str, float | None] = {}
    for col in columns:
        a, b = value(part, col), value(whole, col)
        out[col] = None if a is None or b is None else share(a, b)
    return out


MAX_TABLE_ROWS = 5_000  # the longest table of the examples has ~60 rows


class TableTooLarge(ValueError):
    """A table's `varav` rows (visa_varav) unfold to more than MAX_TABLE_ROWS rows."""


def post_rows(first: str, posts: dict, show_breakdown: bool, budget: int = MAX_TABLE_ROWS) -> list[tuple[str, int]]:
    """The rows one table row of post `first` unfolds into: (post id, depth below the row),
    the post itself first, then with `show_breakdown` its `varav` rows under it, depth
    first. Without recursion, a post is not shown inside itself (a cycle of varav), and
    at most `budget` rows: shared breakdowns can unfold exponentially."""
    out: list[tuple[str, int]] = []
    stack: list[tuple[str, int, frozenset]] = [(first, 0, frozenset())]
    while stack:
        pid, depth, above = stack.pop()
        out.append((pid, depth))
        if len(out) > budget:
            raise TableTooLarge(pid)
        post = posts[pid]
        if show_breakdown and post.varav:
            kids = [c for c in post.varav if c in posts and c not in above and c != pid]
            stack.extend((c, depth + 1, above | {pid}) for c in reversed(kids))
    return out
