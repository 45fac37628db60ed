"""`rapport diff`: what a change to the data does to the reports, in the reports' own terms.

A line diff of YAML shows that `utfall: -1048` became `-1040`. A reviewer needs to
know that Sjukhusvård's outcome moved by 8 mnkr, that the committee total, the
deviation from budget and the result rows moved with it, and that a metric
turned from yellow to green. So each revision's project is loaded and derived in
full (the same `load_report` and ledger as a build) and the two are compared
figure by figure: every post x column, every metric status, every text.

Revisions are read with git: `git ls-tree` + `git cat-file --batch` write the
revision's organisation.yaml and data/ into a temporary folder (one process
each, whatever the number of files). The working tree is read in place, so
uncommitted and untracked changes count.
"""
from __future__ import annotations

import difflib
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ReportError, UsageProblem
from ..numbers import DASH, fmt_number, fmt_percent

WORKTREE = None  # a Side whose rev is None is the working tree
EPS = 1e-9


# -- git -----------------------------------------------------------------------
def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True)
    except FileNotFoundError:
        raise UsageProblem("git finns inte installerat.", "rapport diff jämför git-versioner; installera git.")


def _git_out(args: list[str], cwd: Path) -> str | None:
    r = _git(args, cwd)
    return r.stdout.decode("utf-8", "replace").strip() if r.returncode == 0 else None


@dataclass
class Repo:
    root: Path  # the project folder (organisation.yaml)
    top: Path  # the git work tree's top
    prefix: str  # the project folder relative to top, '' or 'sub/dir/'

    @classmethod
    def at(cls, root: Path) -> "Repo":
        top = _git_out(["rev-parse", "--show-toplevel"], root)
        if not top:
            raise UsageProblem(f"{root} ligger inte i ett git-arkiv.",
                               "rapport diff jämför två git-versioner av data; kör 'git init' och checka in, "
                               "eller använd 'rapport check'.")
        prefix = _git_out(["rev-parse", "--show-prefix"], root) or ""
        return cls(root, Path(top), prefix)

    def commit(self, rev: str) -> str | None:
        return _git_out(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.root)

    def short(self, sha: str) -> str:
        return _git_out(["rev-parse", "--short", sha], self.root) or sha[:7]

    def main_branch(self, base: str | None) -> str | None:
        if base:
            if not self.commit(base):
                raise UsageProblem(f"Hittar ingen gren eller version '{base}'.",
                                   "Ange huvudgrenen med --base, t.ex. --base origin/main.")
            return base
        head = _git_out(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], self.root)
        for cand in ([head] if head else []) + ["main", "master", "origin/main", "origin/master"]:
            if self.commit(cand):
                return cand
        return None

    def default_base(self, base: str | None) -> tuple[str, str]:
        """(sha, label) of the merge-base of HEAD with the main branch."""
        if not self.commit("HEAD"):
            raise UsageProblem("Git-arkivet har inga incheckningar ännu.",
                               "Checka in en första version; rapport diff jämför sedan ändringarna mot den.")
        branch = self.main_branch(base)
        if branch is None:
            return self.commit("HEAD"), "HEAD"
        mb = _git_out(["merge-base", "HEAD", branch], self.root)
        if not mb:
            raise UsageProblem(f"HEAD och {branch} har ingen gemensam historik.", "Ange versionerna uttryckligen: rapport diff A B.")
        return mb, f"merge-base med {branch}"

    def export(self, sha: str, dest: Path) -> bool:
        """Write the revision's organisation.yaml and data/ under dest. False when the project is not there."""
        paths = [self.prefix + "organisation.yaml", self.prefix + "data"]
        r = _git(["ls-tree", "-r", "-z", "--name-only", sha, "--", *paths], self.top)
        if r.returncode != 0:
            raise UsageProblem(f"git ls-tree misslyckades för {sha[:7]}: {r.stderr.decode(errors='replace').strip()}")
        names = [n for n in r.stdout.decode("utf-8").split("\0") if n]
        if self.prefix + "organisation.yaml" not in names:
            return False
        batch = _git(["cat-file", "--batch"], self.top, "".join(f"{sha}:{n}\n" for n in names).encode("utf-8"))
        data, pos = batch.stdout, 0
        for n in names:
            nl = data.index(b"\n", pos)
            header = data[pos:nl].split()
            if len(header) < 3 or header[1] != b"blob":
                raise UsageProblem(f"Kunde inte läsa {n} i {sha[:7]}.")
            size = int(header[2])
            body = data[nl + 1:nl + 1 + size]
            pos = nl + 1 + size + 1
            out = dest / n[len(self.prefix):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(body)
        return True


@dataclass
class Side:
    label: str  # how the output names it
    rev: str | None  # full sha, or None for the working tree
    short: str = ""


def split_args(repo: Repo, args: list[str], known_reports: set[str]) -> tuple[list[str], list[str]]:
    """Revisions first (at most two), then report ids. A report's name wins over a branch of the same name."""
    revs, reports = [], []
    for a in args:
        if not reports and len(revs) < 2 and a not in known_reports and repo.commit(a):
            revs.append(a)
        else:
            reports.append(a)
    return revs, reports


# -- one revision's facts ------------------------------------------------------
@dataclass
class Facts:
    """Everything of one report that a reviewer compares, keyed by stable ids."""

    title: str = ""
    header: dict = field(default_factory=dict)  # field -> text
    post_names: dict = field(default_factory=dict)  # post id -> display name
    col_names: dict = field(default_factory=dict)  # column id -> header
    col_format: dict = field(default_factory=dict)  # column id -> belopp | procent | decimal
    figures: dict = field(default_factory=dict)  # (post, column) -> (value or None, stored: bool)
    metrics: dict = field(default_factory=dict)  # metric id -> view
    goal_summary: dict = field(default_factory=dict)  # (kategori, status) -> count
    areas: dict = field(default_factory=dict)  # area id -> (name, assessment word)
    assignments: dict = field(default_factory=dict)  # id -> (text, status word)
    committees: dict = field(default_factory=dict)  # id -> name
    tables: dict = field(default_factory=dict)  # id -> heading
    texts: dict = field(default_factory=dict)  # where (display) -> raw text


def extract(report) -> Facts:
    from ..compute import goals as G
    from ..render.context import Context

    f = Facts()
    o, b, org = report.outcomes, report.budget, report.org
    ar = o.rapport.ar
    f.title = o.rapport.titel
    f.header = {k: str(getattr(o.rapport, k)) for k in ("titel", "typ", "budget", "ar", "period", "datum")}
    for cid, c in report.columns.items():
        f.col_names[cid] = c.rubrik.replace("{ar}", str(ar)).replace("{fg_ar}", str(ar - 1))
        f.col_format[cid] = c.format
    ledger = report.ledger
    for pid, p in report.posts.items():
        f.post_names[pid] = p.namn or pid
        for col in report.columns:
            v = ledger.get(pid, col)
            stored = col in p.values or col in p.tryckt
            if v is None and not (col in p.values and p.values[col] is None):
                continue  # no figure at all in this cell
            f.figures[(pid, col)] = (None if v is None else v.v, stored)
        if p.kommentar:
            f.texts[f"{f.post_names[pid]}: kommentar"] = p.kommentar
        if p.fotnot:
            f.texts[f"{f.post_names[pid]}: fotnot"] = p.fotnot
    ctx = Context(report)
    for m in ctx.goal_views()["matetal"]:
        out = o.matetal.get(m["id"])
        f.metrics[m["id"]] = {"namn": m["namn"], "utfall": m["utfall"], "mal": m["mal"], "historik": dict(m["historik"]),
                              "status": m["status"], "status_text": f"{m['status_symbol']} {m['status_text']}",
                              "kategori": m["kategori"]}
        if out and out.kommentar:
            f.texts[f"Mätetal {m['namn']}: kommentar"] = out.kommentar
        if out and out.saknas:
            f.texts[f"Mätetal {m['namn']}: varför utfall saknas"] = out.saknas
    for kat in ("verksamhet", "finansiell"):
        s = G.summarise(ctx.statuses(kategori=kat))
        for st in G.STATUSES:
            f.goal_summary[(kat, st)] = s[st]
    for aid, a in org.omraden.items():
        ass = o.omraden.get(aid)
        word = org.bedomning.get(ass.bedomning, ass.bedomning) if ass and ass.bedomning else ""
        f.areas[aid] = (a.namn, word)
        if ass and ass.text:
            f.texts[f"Område {a.namn}: text"] = ass.text
    for aid, a in b.uppdrag.items():
        out = o.uppdrag.get(aid)
        f.assignments[aid] = (a.text, org.uppdragsstatus.get(out.status, out.status) if out else "")
        if out and out.kommentar:
            f.texts[f"Uppdrag {_short(a.text)}: kommentar"] = out.kommentar
        for c, t in (out.kommentarer.items() if out else ()):
            who = b.namnder[c].kortnamn or b.namnder[c].namn if c in b.namnder else c
            f.texts[f"Uppdrag {_short(a.text)}: kommentar ({who})"] = t
    for aid, act in b.aktiviteter.items():
        out = o.aktiviteter.get(aid)
        if out and out.kommentar:
            f.texts[f"Aktivitet {_short(act.text)}: kommentar"] = out.kommentar
    f.committees = {cid: c.namn for cid, c in b.namnder.items()}
    for tid, t in {**b.tabeller, **o.tabeller}.items():
        f.tables[tid] = t.rubrik
        if t.text:
            f.texts[f"Tabell {t.rubrik}: text"] = t.text
    for tid, t in o.texter.items():
        f.texts[f"Text {tid}"] = t
    return f


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# -- comparing -----------------------------------------------------------------
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


def compare(rid: str, a: Facts, b: Facts) -> ReportDiff:
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

    for mid in sorted(set(a.metrics) & set(b.metrics), key=lambda m: b.metrics[m]["namn"]):
        ma, mb = a.metrics[mid], b.metrics[mid]
        for fld, label in (("utfall", "utfall"), ("mal", "mål")):
            if ma[fld] != mb[fld]:
                d.metrics.append({"metric": mid, "name": mb["namn"], "field": label,
                                  "before": ma[fld] or DASH, "after": mb[fld] or DASH})
        for year in sorted(set(ma["historik"]) | set(mb["historik"]), reverse=True):
            x, y = ma["historik"].get(year, ""), mb["historik"].get(year, "")
            if x != y:
                d.metrics.append({"metric": mid, "name": mb["namn"], "field": f"historik {year}",
                                  "before": x or DASH, "after": y or DASH})
        if ma["status"] != mb["status"]:
            d.statuses.append({"kind": "mätetal", "id": mid, "name": mb["namn"], "before": ma["status"],
                               "after": mb["status"], "before_text": ma["status_text"], "after_text": mb["status_text"]})
    for aid in sorted(set(a.areas) & set(b.areas)):
        if a.areas[aid][1] != b.areas[aid][1]:
            d.statuses.append({"kind": "område", "id": aid, "name": b.areas[aid][0], "before": a.areas[aid][1],
                               "after": b.areas[aid][1], "before_text": a.areas[aid][1] or DASH,
                               "after_text": b.areas[aid][1] or DASH})
    for aid in sorted(set(a.assignments) & set(b.assignments)):
        if a.assignments[aid][1] != b.assignments[aid][1]:
            d.statuses.append({"kind": "uppdrag", "id": aid, "name": _short(b.assignments[aid][0]),
                               "before": a.assignments[aid][1], "after": b.assignments[aid][1],
                               "before_text": a.assignments[aid][1] or DASH, "after_text": b.assignments[aid][1] or DASH})
    for key in sorted(set(a.goal_summary) | set(b.goal_summary)):
        x, y = a.goal_summary.get(key, 0), b.goal_summary.get(key, 0)
        if x != y:
            d.goal_summary.append({"category": key[0], "status": key[1], "before": x, "after": y})

    def added_removed(kind: str, before: dict, after: dict, name=lambda v: v):
        for k in sorted(set(after) - set(before)):
            d.added.append({"kind": kind, "id": k, "name": name(after[k])})
        for k in sorted(set(before) - set(after)):
            d.removed.append({"kind": kind, "id": k, "name": name(before[k])})

    added_removed("nämnd", a.committees, b.committees)
    added_removed("mätetal", a.metrics, b.metrics, lambda m: m["namn"])
    added_removed("uppdrag", a.assignments, b.assignments, lambda t: _short(t[0]))
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
    return words if len(words) <= limit else words[: limit // 2] + ["…"] + words[-limit // 2:]


# -- the command ---------------------------------------------------------------
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


def _load_side(root: Path | None, ids: list[str]) -> dict:
    """{report id: (Facts or None, errors)} for one side; a report missing there is absent.

    A report that loads but breaks a rule still has figures worth comparing: its
    errors go with the facts, so that a change that introduces them is seen."""
    from ..project import load_project
    from .check import check_report

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
    with tempfile.TemporaryDirectory(prefix="rapport-diff-") as tmp:
        tmp = Path(tmp)
        known = _ids(root)
        revs, wanted = split_args(repo, list(args), known)
        if revs:
            sha_a = repo.commit(revs[0])
            before = Side(revs[0], sha_a)
        else:
            sha_a, label = repo.default_base(base)
            before = Side(label, sha_a)
        before.short = repo.short(sha_a)
        if len(revs) == 2:
            after = Side(revs[1], repo.commit(revs[1]))
            after.short = repo.short(after.rev)
        else:
            after = Side("arbetskopian", WORKTREE, "arbetskopian")
        roots = {}
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


# -- output --------------------------------------------------------------------
SECTIONS = (("figures", "Ändrade siffror"), ("derived", "Härledda siffror som ändrades som följd"),
            ("metrics", "Mätetal"), ("statuses", "Status som ändrades"),
            ("goal_summary", "Måluppfyllelse"), ("added", "Tillagt"), ("removed", "Borttaget"),
            ("texts", "Texter"), ("header", "Rapportens uppgifter"))
STATE_TEXT = {"added": "ny rapport", "removed": "rapporten är borttagen", "unchanged": "inga ändringar",
              "unreadable": "kunde inte läsas"}


def _side_name(s: Side) -> str:
    return s.label if s.rev is None else (f"{s.short} ({s.label})" if s.label not in (s.short, s.rev) else s.short)


def _counts(r: ReportDiff) -> str:
    parts = []
    for key, one, many in (("figures", "ändrad siffra", "ändrade siffror"), ("derived", "härledd", "härledda"),
                           ("metrics", "mätetalsvärde", "mätetalsvärden"), ("statuses", "status", "status"),
                           ("added", "tillagd", "tillagda"), ("removed", "borttagen", "borttagna"),
                           ("texts", "text", "texter")):
        n = len(getattr(r, key))
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "ändrad"


def _line(kind: str, c: dict, words) -> str:
    if kind in ("figures", "derived"):
        delta = f" ({c['difference']})" if c["difference"] else ""
        return f"{c['post_name']}, {c['column_name']}: {c['before_text'] or '(ingen)'} → {c['after_text'] or '(ingen)'}{delta}"
    if kind == "metrics":
        return f"{c['name']}, {c['field']}: {c['before']} → {c['after']}"
    if kind == "statuses":
        colour = ""
        if c["kind"] == "mätetal":
            colour = f" ({STATUS_COLOUR.get(c['before'], c['before'])} → {STATUS_COLOUR.get(c['after'], c['after'])})"
        return f"{c['name']} ({c['kind']}): {c['before_text']} → {c['after_text']}{colour}"
    if kind == "goal_summary":
        cat = {"verksamhet": "verksamhetens mätetal", "finansiell": "finansiella mätetal"}.get(c["category"], c["category"])
        return f"{cat}, {STATUS_COLOUR.get(c['status'], c['status'])}: {c['before']} → {c['after']}"
    if kind in ("added", "removed"):
        return f"{c['kind']} {c['name']}" + (f" ({c['id']})" if c["id"] != c["name"] else "")
    if kind == "texts":
        return f"{c['where']}: {words(c['words'])}"
    if kind == "header":
        return f"{c['field']}: {c['before']} → {c['after']}"
    raise ValueError(kind)


def _words_text(ops) -> str:
    return " ".join(w if op == "=" else f"[-{w}-]" if op == "-" else f"{{+{w}+}}" for op, w in ops)


def render_text(res: DiffResult) -> str:
    from ..diagnostics import render_text as diag_text

    out = [f"Jämför {_side_name(res.before)} med {_side_name(res.after)}."]
    if not res.reports:
        out.append("Inga rapporter att jämföra.")
    for r in res.reports:
        head = f"{r.id}" + (f" ({r.title})" if r.title else "")
        if r.state != "changed":
            out.append(f"\n{head}: {STATE_TEXT[r.state]}")
            for side, ds in r.problems.items():
                out.append(f"  i {side}:")
                out.append("\n".join("    " + line for line in diag_text(ds).splitlines()))
            continue
        out.append(f"\n{head}: {_counts(r)}")
        for side, ds in r.problems.items():
            out.append(f"  Fel i {side} (rapport check visar dem):")
            out.append("\n".join("    " + line for line in diag_text(ds).splitlines()))
        for key, label in SECTIONS:
            items = getattr(r, key)
            if items:
                out.append(f"  {label}:")
                out += [f"    {_line(key, c, _words_text)}" for c in items]
    return "\n".join(out) + "\n"


MD_MARKER = "<!-- rapport-diff -->"
MD_FOLD = 10  # longer lists are folded into <details>
MD_MAX_ROWS = 300  # a PR comment holds 65 536 characters


def _md(s) -> str:
    s = str(s)
    for ch in "\\`*_[]<>|~":
        s = s.replace(ch, "\\" + ch)
    return s


def _words_md(ops) -> str:
    return " ".join(_md(w) if op == "=" else f"~~{_md(w)}~~" if op == "-" else f"**{_md(w)}**" for op, w in ops)


def _md_table(items: list) -> list[str]:
    rows = ["| Post | Kolumn | Före | Efter | Skillnad |", "|:--|:--|--:|--:|--:|"]
    for c in items[:MD_MAX_ROWS]:
        rows.append(f"| {_md(c['post_name'])} | {_md(c['column_name'])} | {_md(c['before_text'] or DASH)} | "
                    f"{_md(c['after_text'] or DASH)} | {_md(c['difference'])} |")
    if len(items) > MD_MAX_ROWS:
        rows.append(f"| … och {len(items) - MD_MAX_ROWS} till | | | | |")
    return rows


def render_markdown(res: DiffResult) -> str:
    def side(s: Side) -> str:
        return s.label if s.rev is None else f"`{s.short}`" + (f" ({_md(s.label)})" if s.label not in (s.short, s.rev) else "")

    out = [MD_MARKER, "### Vad ändringen gör med rapporterna", "",
           f"Jämför {side(res.before)} med {side(res.after)}.", ""]
    quiet = []
    for r in res.reports:
        if r.state == "unchanged":
            quiet.append(r.id)
            continue
        out.append(f"#### {_md(r.id)}" + (f": {_md(r.title)}" if r.title else ""))
        out.append("")
        if r.state != "changed":
            out.append(f"*{STATE_TEXT[r.state].capitalize()}.*")
            out.append("")
        for s, ds in r.problems.items():
            out.append(f"**Fel i {_md(s)}** (`rapport check` visar dem)")
            out.append("")
            out += [f"- `{d.file}:{d.line}` {d.code} {_md(d.message)}" for d in ds[:20]]
            if len(ds) > 20:
                out.append(f"- … och {len(ds) - 20} till")
            out.append("")
        if r.state != "changed":
            continue
        for key, label in SECTIONS:
            items = getattr(r, key)
            if not items:
                continue
            out.append(f"**{label} ({len(items)})**")
            out.append("")
            body = _md_table(items) if key in ("figures", "derived") else \
                [f"- {_md_line(key, c)}" for c in items[:MD_MAX_ROWS]]
            if len(items) > MD_FOLD:
                out += [f"<details><summary>Visa {len(items)}</summary>", ""] + body + ["", "</details>"]
            else:
                out += body
            out.append("")
    if quiet:
        out.append("Oförändrade: " + ", ".join(_md(q) for q in quiet) + ".")
    if not res.reports:
        out.append("Inga rapporter att jämföra.")
    return "\n".join(out).rstrip() + "\n"


def _md_line(kind: str, c: dict) -> str:
    if kind == "texts":
        return f"*{_md(c['where'])}*: {_words_md(c['words'])}"
    return _md(_line(kind, c, _words_text))


def render_json(res: DiffResult) -> str:
    return json.dumps(res.as_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
