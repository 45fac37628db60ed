"""`rapport diff`: what a change to the data does to the reports, in the reports' own terms.

A line diff of YAML shows that `utfall: -1048` became `-1040`. A reviewer needs to
know that Sjukhusvård's outcome moved by 8 mnkr, that the committee total, the
deviation from budget and the result rows moved with it, and that a metric
turned from yellow to green. So each revision's project is loaded and derived in
full (the same `load_report` and ledger as a build) and the two are compared
figure by figure: every post x column, every metric status, every text.

The steps, one module each: git.py (which revisions; each revision's data
written to a folder), facts.py (one report's figures, statuses and texts, from
the same loader, ledger and compute/goals.py as a build), compare.py (what
changed) and output.py (text, Markdown for a pull-request comment, JSON).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ...diagnostics import ReportError, UsageProblem
from .compare import WORKTREE, DiffResult, ReportDiff, Side, compare, word_diff  # noqa: F401
from .facts import extract
from .git import Repo, split_args
from .output import RENDERERS, render_json, render_markdown, render_text  # noqa: F401


def _load_side(root: Path | None, ids: list[str]) -> dict:
    """{report id: (Facts or None, errors)} for one side; a report missing there is absent.

    A report that loads but breaks a rule still has figures worth comparing: its
    errors go with the facts, so that a change that introduces them is seen."""
    from ...project import load_project
    from ..check import check_report

    if root is None:
        return {}
    present = [rid for rid in ids if (root / "data" / "outcomes" / f"{rid}.yaml").is_file()]
    try:
        project = load_project(root)
    except ReportError as e:
        return {rid: (None, list(e.diagnostics)) for rid in present}
    out = {}
    for rid in present:
        report, diags = check_report(project, rid)
        out[rid] = (extract(report) if report is not None else None, [d for d in diags if d.severity == "error"])
    return out


def _ids(root: Path | None) -> set[str]:
    if root is None:
        return set()
    return {p.stem for p in (root / "data" / "outcomes").glob("*.yaml")}


def diff(root: Path, args: list[str], base: str | None = None) -> DiffResult:
    """Compare the reports' data between two revisions (default: merge-base with the main branch
    against the working tree). `args` are '[REV_A [REV_B]] [REPORT ...]'."""
    repo = Repo.at(root)
    with tempfile.TemporaryDirectory(prefix="rapport-diff-") as tmp_name:
        tmp = Path(tmp_name)
        known = _ids(root)
        revs, wanted = split_args(repo, list(args), known)
        if revs:
            sha_a = repo.resolve(revs[0])
            before = Side(revs[0], sha_a)
        else:
            sha_a, label = repo.default_base(base)
            before = Side(label, sha_a)
        before.short = repo.short(sha_a)
        if len(revs) == 2:
            sha_b = repo.resolve(revs[1])
            after = Side(revs[1], sha_b, repo.short(sha_b))
        else:
            after = Side("arbetskopian", WORKTREE, "arbetskopian")
        roots: dict[str, Path | None] = {}
        for name, side in (("a", before), ("b", after)):
            if side.rev is None:
                roots[name] = root
            else:
                dest = tmp / name
                roots[name] = dest if repo.export(side.rev, dest) else None
        ids_a, ids_b = _ids(roots["a"]), _ids(roots["b"])
        if wanted:
            unknown = [r for r in wanted if r not in ids_a | ids_b]
            if unknown:
                raise UsageProblem(f"Rapporten {', '.join(unknown)} finns varken i {before.label} eller i {after.label}.",
                                   "Rapporter: " + ", ".join(sorted(ids_a | ids_b)))
            ids = list(dict.fromkeys(wanted))
        else:
            ids = sorted(ids_a | ids_b)
        side_a, side_b = _load_side(roots["a"], ids), _load_side(roots["b"], ids)
    reports = []
    for rid in ids:
        (fa, ea), (fb, eb) = side_a.get(rid, (None, [])), side_b.get(rid, (None, []))
        if (fa is None and ea) or (fb is None and eb):
            r = ReportDiff(rid, (fb or fa).title if (fb or fa) else "", "unreadable")
        elif fa is None and fb is None:
            continue
        elif fa is None:
            r = ReportDiff(rid, fb.title, "added")
        elif fb is None:
            r = ReportDiff(rid, fa.title, "removed")
        else:
            r = compare(rid, fa, fb)
        for label, errors in ((before.label, ea), (after.label, eb)):
            if errors:
                r.problems[label] = errors
        reports.append(r)
    return DiffResult(before, after, reports)
