"""Comparing two revisions' facts: what changed, as lists of plain records for the outputs.

Figures, outcomes, targets and statuses are compared as values (two figures
within EPS are the same); the printed forms only show the change.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ...compute import goals as G
from ...constants import EPS
from ...numbers import DASH, fmt_number, fmt_percent
from .facts import Facts, short

WORKTREE = None  # a Side whose rev is None is the working tree


@dataclass
class Side:
    label: str  # how the output names it
    rev: str | None  # full sha, or None for the working tree
    short: str = ""


@dataclass
class ReportDiff:
    id: str
    title: str = ""
    state: str = "unchanged"  # unchanged | changed | added | removed | unreadable
    figures: list = field(default_factory=list)  # stored figures changed
    derived: list = field(default_factory=list)  # derived figures that changed as a consequence
    metrics: list = field(default_factory=list)  # metric outcomes, history and targets
    statuses: list = field(default_factory=list)  # colours, assessments, assignment statuses
    goal_summary: list = field(default_factory=list)
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    header: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)  # side label -> [Diagnostic]

    @property
    def empty(self) -> bool:
        return not any((self.figures, self.derived, self.metrics, self.statuses, self.goal_summary, self.added,
                        self.removed, self.texts, self.header))

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("id", "title", "state", "figures", "derived", "metrics", "statuses",
                                            "goal_summary", "added", "removed", "texts", "header")}
        d["problems"] = {side: [x.as_dict() for x in ds] for side, ds in self.problems.items()}
        return d


def fmt_value(v: float | None, fmt: str) -> str:
    if v is None:
        return DASH
    if fmt == "procent":
        return fmt_percent(v, 1)
    decimals = 0 if abs(v - round(v)) < 0.05 else 1
    return fmt_number(v, 1 if fmt == "decimal" else decimals)


def fmt_delta(a: float | None, b: float | None, fmt: str) -> str:
    if a is None or b is None:
        return ""
    d = b - a
    s = fmt_value(abs(d), fmt if fmt != "procent" else "decimal")
    if fmt == "procent":
        s += " p.e."
    return ("+" if d > 0 else "−") + s


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= EPS


STATUS_COLOUR = {"gron": "grön", "gul": "gul", "rod": "röd", "saknas": "saknas"}


def compare(rid: str, a: Facts, b: Facts) -> ReportDiff:  # noqa: C901 - one section per kind of fact compared; to split
    d = ReportDiff(rid, b.title or a.title, "changed")
    new_posts = set(b.post_names) - set(a.post_names)
    gone_posts = set(a.post_names) - set(b.post_names)
    new_cols, gone_cols = set(b.col_names) - set(a.col_names), set(a.col_names) - set(b.col_names)

    for key in sorted(set(a.figures) | set(b.figures), key=lambda k: (k[0], k[1])):
        pid, col = key
        if pid in new_posts | gone_posts or col in new_cols | gone_cols:
            continue  # listed once as an added or removed post/column, not figure by figure
        va, sa = a.figures.get(key, (None, False))
        vb, sb = b.figures.get(key, (None, False))
        if _same(va, vb) and (key in a.figures) == (key in b.figures):
            continue
        fmt = b.col_format.get(col) or a.col_format.get(col, "belopp")
        change = {"post": pid, "post_name": b.post_names.get(pid) or a.post_names.get(pid, pid),
                  "column": col, "column_name": b.col_names.get(col) or a.col_names.get(col, col),
                  "before": va, "after": vb, "before_text": fmt_value(va, fmt) if key in a.figures else "",
                  "after_text": fmt_value(vb, fmt) if key in b.figures else "", "difference": fmt_delta(va, vb, fmt)}
        (d.figures if (sa or sb) else d.derived).append(change)

    for mid in sorted(set(a.metrics) & set(b.metrics), key=lambda m: b.metrics[m].name):
        ma, mb = a.metrics[mid], b.metrics[mid]
        if not _same(ma.outcome, mb.outcome):
            d.metrics.append({"metric": mid, "name": mb.name, "field": "utfall",
                              "before": ma.outcome_text or DASH, "after": mb.outcome_text or DASH})
        if ma.target != mb.target:
            d.metrics.append({"metric": mid, "name": mb.name, "field": "mål",
                              "before": ma.target_text or DASH, "after": mb.target_text or DASH})
        for year in sorted(set(ma.history) | set(mb.history), reverse=True):
            x, y = ma.history.get(year), mb.history.get(year)
            if not _same(x, y):
                d.metrics.append({"metric": mid, "name": mb.name, "field": f"historik {year}",
                                  "before": ma.history_text.get(year) or DASH, "after": mb.history_text.get(year) or DASH})
        if ma.status != mb.status:
            d.statuses.append({"kind": "mätetal", "id": mid, "name": mb.name, "before": ma.status.value,
                               "after": mb.status.value, "before_text": ma.status_text, "after_text": mb.status_text})
    for aid in sorted(set(a.areas) & set(b.areas)):
        if a.areas[aid][1] != b.areas[aid][1]:
            d.statuses.append({"kind": "område", "id": aid, "name": b.areas[aid][0], "before": a.areas[aid][1],
                               "after": b.areas[aid][1], "before_text": a.areas[aid][1] or DASH,
                               "after_text": b.areas[aid][1] or DASH})
    for aid in sorted(set(a.assignments) & set(b.assignments)):
        if a.assignments[aid][1] != b.assignments[aid][1]:
            d.statuses.append({"kind": "uppdrag", "id": aid, "name": short(b.assignments[aid][0]),
                               "before": a.assignments[aid][1], "after": b.assignments[aid][1],
                               "before_text": a.assignments[aid][1] or DASH, "after_text": b.assignments[aid][1] or DASH})
    none = G.StatusCounts()
    for cat in sorted(set(a.goal_summary) | set(b.goal_summary)):
        ca, cb = a.goal_summary.get(cat, none), b.goal_summary.get(cat, none)
        for st in sorted(G.STATUSES, key=lambda s: s.value):
            if ca[st] != cb[st]:
                d.goal_summary.append({"category": cat, "status": st.value, "before": ca[st], "after": cb[st]})

    def added_removed(kind: str, before: dict, after: dict, name=lambda v: v):
        for k in sorted(set(after) - set(before)):
            d.added.append({"kind": kind, "id": k, "name": name(after[k])})
        for k in sorted(set(before) - set(after)):
            d.removed.append({"kind": kind, "id": k, "name": name(before[k])})

    added_removed("nämnd", a.committees, b.committees)
    added_removed("mätetal", a.metrics, b.metrics, lambda m: m.name)
    added_removed("uppdrag", a.assignments, b.assignments, lambda t: short(t[0]))
    added_removed("tabell", a.tables, b.tables)
    added_removed("kolumn", a.col_names, b.col_names)
    committees = set(a.committees) | set(b.committees)
    added_removed("post", {k: v for k, v in a.post_names.items() if k not in committees},
                  {k: v for k, v in b.post_names.items() if k not in committees})

    for where in sorted(set(a.texts) | set(b.texts)):
        x, y = a.texts.get(where), b.texts.get(where)
        if (x or "").split() != (y or "").split():  # reflowing a paragraph is no change
            d.texts.append({"where": where, "before": x, "after": y, "words": word_diff(x or "", y or "")})
    for k in b.header:
        if a.header.get(k) != b.header.get(k):
            d.header.append({"field": k, "before": a.header.get(k, ""), "after": b.header[k]})
    if d.empty:
        d.state = "unchanged"
    return d


def word_diff(a: str, b: str, context: int = 5, limit: int = 60) -> list[tuple[str, str]]:
    """A short word diff: [(op, words)] with op '=', '-', '+'; long unchanged runs become '…'."""
    wa, wb = a.split(), b.split()
    out: list[tuple[str, str]] = []
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    ops = sm.get_opcodes()
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = wa[i1:i2]
            first, last = i == 0, i == len(ops) - 1
            if len(words) > 2 * context + 1 or (first and len(words) > context) or (last and len(words) > context):
                head = [] if first else words[:context]
                tail = [] if last else words[-context:]
                if head:
                    out.append(("=", " ".join(head)))
                out.append(("=", "…"))
                if tail:
                    out.append(("=", " ".join(tail)))
            else:
                out.append(("=", " ".join(words)))
            continue
        if i2 > i1:
            out.append(("-", " ".join(_clip(wa[i1:i2], limit))))
        if j2 > j1:
            out.append(("+", " ".join(_clip(wb[j1:j2], limit))))
    return out


def _clip(words: list[str], limit: int) -> list[str]:
    return words if len(words) <= limit else [*words[:limit // 2], "…", *words[-limit // 2:]]


@dataclass
class DiffResult:
    before: Side
    after: Side
    reports: list[ReportDiff]

    @property
    def unreadable(self) -> bool:
        return any(r.problems for r in self.reports)

    def as_dict(self) -> dict:
        return {"from": {"rev": self.before.rev, "label": self.before.label},
                "to": {"rev": self.after.rev, "label": self.after.label},
                "reports": [r.as_dict() for r in self.reports]}
