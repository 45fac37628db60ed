"""Parse stage: files -> validated models + source maps -> one in-memory report.

Nothing here renders. `load_report` gathers every problem it can find into the
collector and returns None when the report cannot be built at all.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import model as m
from .compute import Ledger, PostDef, parse_relation
from .compute.ledger import DECL, MISSING, SUMMA, VARAV, Where
from .constants import ORG_FILE, REPORT_ID, is_report_id, report_ids, retired_key
from .diagnostics import Collector, Diagnostic, ReportError
from .load import Loaded, SourceMap, load_file, surprise_hint, yaml11_surprise
from .numbers import fmt_plain

MAX_NAME = m.base.MAX_NAME  # a report or budget id names a file: far below any file system's limit


@dataclass
class Project:
    root: Path
    org: m.Organisation
    org_smap: SourceMap
    org_digest: str = ""  # sha256 of the organisation.yaml bytes this project was validated from

    @property
    def outcomes_dir(self) -> Path:
        return self.root / "data" / "outcomes"

    @property
    def budget_dir(self) -> Path:
        return self.root / "data" / "budget"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def report_ids(self) -> list[str]:
        return report_ids(self.root)


@dataclass
class Report:
    id: str
    project: Project
    outcomes: m.Outcomes
    budget: m.Budget
    smap: SourceMap  # outcomes file
    budget_smap: SourceMap
    budget_id: str
    ledger: Ledger
    columns: dict[str, m.organisation.Column]
    posts: dict[str, PostDef]
    files: list[Path] = field(default_factory=list)  # every input file, for the build cache
    digests: dict[Path, str] = field(default_factory=dict)  # file -> sha256 of the bytes parsed (cache key)
    earlier: Report | None = None  # rapport.jamforelse: the earlier report whose goal summary is shown
    _org: m.Organisation | None = field(default=None, repr=False)

    @property
    def org(self) -> m.Organisation:
        """organisation.yaml, with the budget's own areas (`omraden`) when it declares them: one
        year's document may name its areas differently without changing the profile."""
        if self.budget.omraden is None:
            return self.project.org
        if self._org is None:
            self._org = self.project.org.model_copy(update={"omraden": dict(self.budget.omraden)})
        return self._org


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ORG_FILE).is_file():
            return d
    raise ReportError([Diagnostic(ORG_FILE, 1, 1, "RR001",
                                  f"Hittar ingen {ORG_FILE} i {here} eller någon mapp ovanför.",
                                  "Kör kommandot i projektmappen, ange --project DIR, eller skapa ett projekt med 'rapport init'.")])


def validate_report_id(report_id: str) -> None:
    if len(report_id) > MAX_NAME:
        raise ReportError([Diagnostic(report_id[:40] + "…", 1, 1, "RR110",
                                      f"Rapportnamnet är {len(report_id)} tecken långt; gränsen är {MAX_NAME}.",
                                      "Ange namnet på en fil i data/outcomes/ utan .yaml, t.ex. delar-mars-2025.")])
    if not is_report_id(report_id) or report_id.endswith(".yaml"):
        raise ReportError([Diagnostic(report_id, 1, 1, "RR110",
                                      f"'{report_id}' är inget rapportnamn.",
                                      "Ange namnet på en fil i data/outcomes/ utan .yaml, t.ex. delar-mars-2025.")])


# --- pydantic errors -> diagnostics -------------------------------------------
_NUMBER_AS_TEXT = re.compile(r"^\s*[−-]?\s*\d[\d\s\u00a0]*([,.]\d+)?\s*(%|mnkr|tkr)?\s*$")


def _vocabulary() -> list[str]:
    words: set[str] = set()
    for mod in (m.documents, m.goals, m.ledger, m.organisation):
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel):
                words.update(obj.model_fields)
    return sorted(words)


def _fields_at(model_cls, loc: tuple) -> list[str]:
    """Field names of the model that a pydantic loc points into (for 'did you mean')."""
    import typing

    def models_in(tp):
        out = []
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        for arg in typing.get_args(tp) if origin is not None else ():
            out += models_in(arg)
        return out

    current = [model_cls]
    for part in loc[:-1]:
        nxt = []
        for mc in current:
            f = mc.model_fields.get(part) if isinstance(part, str) else None
            if f is not None:
                nxt += models_in(f.annotation)
            else:
                nxt.append(mc)  # a dict key or list index: stay with the same candidates
        current = [c for c in nxt if c is not None] or current
    return sorted({name for mc in current for name in mc.model_fields})


def _is_tag(cur, loc: tuple, i: int) -> bool:
    """Whether loc[i] is a union member's tag that happens to be a key of `cur` too.

    A section entry's kind is told by its key (`{tabell: x, lagkrav: ...}` is the member
    tagged 'tabell'), so pydantic's loc reads `..., 17, 'tabell', 'lagkrav'`: 'tabell' is
    the tag, not the way down, when the next segment is a key beside it and its own value
    is a scalar that has no keys."""
    part = loc[i]
    return (isinstance(cur, dict) and part in cur and i + 1 < len(loc) and not isinstance(cur[part], (dict, list))
            and loc[i + 1] in cur)


def _data_path(data, loc: tuple) -> tuple:
    """The part of a pydantic loc that names real keys in the data."""
    path, cur = [], data
    for i, part in enumerate(loc):
        if _is_tag(cur, loc, i):
            continue
        if isinstance(cur, dict) and part in cur:
            path.append(part)
            cur = cur[part]
        elif isinstance(cur, dict) and isinstance(part, str) and part.isdigit() and int(part) in cur:
            path.append(int(part))
            cur = cur[int(part)]
        elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
            path.append(part)
            cur = cur[part]
        else:
            continue
    return tuple(path)


_NUMBER_ERRORS = ("float_type", "int_type", "float_parsing", "int_parsing", "int_from_float")
_KINDS = {"float_type": "ett tal", "float_parsing": "ett tal", "int_type": "ett heltal", "int_parsing": "ett heltal",
          "int_from_float": "ett heltal", "string_type": "en text", "dict_type": "en mappning (nyckel: värde)",
          "list_type": "en lista", "tuple_type": "en lista", "bool_type": "sant/falskt (true/false)",
          "bool_parsing": "sant/falskt (true/false)", "date_type": "ett datum (ÅÅÅÅ-MM-DD)",
          "date_parsing": "ett datum (ÅÅÅÅ-MM-DD)", "date_from_datetime_parsing": "ett datum (ÅÅÅÅ-MM-DD)",
          "date_from_datetime_inexact": "ett datum utan klockslag (ÅÅÅÅ-MM-DD)",
          "model_type": "en mappning (nyckel: värde)", "model_attributes_type": "en mappning (nyckel: värde)"}


def describe_value(value) -> str:
    """A value as the analyst typed it, in words: "texten 'tjugo'", "talet 3", "en lista"."""
    if value is None:
        return "inget värde (null)"
    if isinstance(value, bool):
        return "sant/falskt"
    if isinstance(value, (int, float)):
        return f"talet {value:g}"
    if isinstance(value, str):
        return f"texten '{value[:40]}'"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, dict):
        return "en mappning"
    return f"'{str(value)[:40]}'"


def swedish_number_hint(text: object) -> str | None:
    if not isinstance(text, str) or not _NUMBER_AS_TEXT.match(text):
        return None
    t = text.replace("\u00a0", "").replace(" ", "").replace("−", "-").replace("%", "").replace("mnkr", "").replace("tkr", "")
    t = t.replace(",", ".")
    try:
        float(t)
    except ValueError:
        return None
    return t


def _union_points(data, loc: tuple, missing: bool) -> list[tuple]:
    """(data path, member) for each union member a pydantic loc passes through.

    A loc segment that names no key in the data is a union member's tag
    ('float', 'AtLeast', ...), unless it is the missing key of a 'missing' error."""
    out: list[tuple] = []
    path: list = []
    cur = data
    for i, part in enumerate(loc):
        if _is_tag(cur, loc, i):
            out.append((tuple(path), part))
        elif (isinstance(cur, dict) and part in cur) or (isinstance(cur, list) and isinstance(part, int) and part < len(cur)):
            path.append(part)
            cur = cur[part]
        elif i < len(loc) - 1 or not missing:
            out.append((tuple(path), part))
    return out


def _best_union_branches(data, errors: list) -> list[tuple]:
    """Keep, for every union, only the errors of the member that came closest.

    pydantic reports a failing union once per member; the analyst needs the one
    that explains the value (`mal: {minst: "x"}`: minst is not a number), not
    that it is also not a number, not a trend target and not a range."""
    items = [(e, _data_path(data, tuple(e["loc"])), _union_points(data, tuple(e["loc"]), e["type"] == "missing")) for e in errors]
    cost: dict[tuple, dict] = {}
    for e, path, points in items:
        # Every union on the way counts: a section entry's (told by its key) and, inside
        # it, a value's (`lagkrav: x` or a list of them).
        for at, member in dict(points).items():
            if e["type"] in ("value_error", "assertion_error"):
                weight = 1  # the member's shape fitted; only its own validator objected
            elif e["type"] in ("missing", "extra_forbidden"):
                weight = 9
            else:
                weight = 10 if path == at else 1
            branch = cost.setdefault(at, {})
            branch[member] = branch.get(member, 0) + weight
    best = {at: min(branches, key=branches.__getitem__) for at, branches in cost.items()}  # ties: first member
    return [(e, path) for e, path, points in items if all(best[at] == member for at, member in dict(points).items())]


def pydantic_diagnostics(err: ValidationError, data, smap: SourceMap, model_cls=None) -> list[Diagnostic]:  # noqa: C901 - one branch per pydantic error type
    out: list[Diagnostic] = []
    seen: set = set()
    errors = _best_union_branches(data, err.errors())
    missing_explained: set = set()
    # A misspelt required key (`datm:`) is both unknown and missing: say it once, as the typo.
    missing = {(p, e["loc"][-1]) for e, p in errors if e["type"] == "missing"}
    for e, path in errors:
        if e["type"] == "extra_forbidden" and path:
            wanted = [k for p, k in missing if p == path[:-1]]
            close = difflib.get_close_matches(str(path[-1]), wanted, n=1, cutoff=0.6)
            if close:
                missing_explained.add((path[:-1], close[0]))
    for e, path in errors:
        loc = tuple(e["loc"])
        if path in seen:
            continue  # a union gives one error per member: one message is enough
        typ = e["type"]
        name = ".".join(str(p) for p in path)
        if loc and loc[-1] == "[key]":  # a bad mapping key: point at the key, not its value
            seen.add(path)
            value = e.get("input")
            if typ == "string_pattern_mismatch":
                out.append(smap.diag(path, "RR015", f"{name}: '{value}' är inget giltigt id.",
                                     "Id skrivs med små bokstäver a–z, siffror och understreck, t.ex. halso_och_sjukvard.",
                                     prefer="key"))
            elif typ == "string_too_long":
                out.append(smap.diag(path, "RR015", f"{'.'.join(map(str, path[:-1]))}: id:t '{str(value)[:40]}…' är "
                                     f"{len(str(value))} tecken långt; gränsen är {(e.get('ctx') or {}).get('max_length')}.",
                                     "Välj ett kortare id.", prefer="key"))
            else:
                kind = _KINDS.get(typ, "ett giltigt värde")
                out.append(smap.diag(path, "RR011", f"{'.'.join(map(str, path[:-1])) or 'filens översta nivå'}: nyckeln "
                                     f"{describe_value(value)} ska vara {kind}.", "Se docs/yaml-format.md.", prefer="key"))
            continue
        if typ == "missing" and (path, loc[-1]) in missing_explained:
            continue
        if typ == "extra_forbidden":
            seen.add(path)
            key = path[-1] if path else loc[-1]
            vocab = _fields_at(model_cls, loc) if model_cls else _vocabulary()
            wanted = [k for p, k in missing if p == path[:-1]]
            close = difflib.get_close_matches(str(key), wanted, n=1, cutoff=0.6) \
                or difflib.get_close_matches(str(key), [w for w in vocab if w != key], n=1, cutoff=0.6)
            retired = retired_key(path)
            if retired is not None:  # an older form of the format: `rapport migrate` rewrites it
                hint = (f"'{key}' är en äldre form som inte längre läses; 'rapport migrate --write' skriver om den "
                        f"(steget {retired}, docs/yaml-format.md).")
            elif key in vocab:  # valid in another member of a union, not together with its neighbours
                hint = f"'{key}' kan inte kombineras med de övriga nycklarna här; se docs/yaml-format.md."
            else:
                hint = f"Menade du '{close[0]}'?" if close else "Ta bort nyckeln eller kontrollera stavningen mot docs/yaml-format.md."
            where = '.'.join(map(str, path[:-1])) or 'filens översta nivå'
            what = f"Nyckeln '{key}' passar inte här" if key in vocab else f"Okänd nyckel '{key}'"
            out.append(smap.diag(path, "RR010", f"{what} i {where}.", hint, prefer="key"))
            continue
        if typ == "missing":
            seen.add((*path, loc[-1]))
            where = name or "filens översta nivå"
            out.append(smap.diag(path, "RR013", f"'{loc[-1]}' saknas i {where}.",
                                 "Lägg till värdet; se docs/yaml-format.md för vad som krävs.", prefer="key"))
            continue
        seen.add(path)
        value = e.get("input")
        surprise = yaml11_surprise(smap.raw.get(path), value)
        if surprise:
            out.append(smap.diag(path, "RR014", f"{name}: {surprise}.", surprise_hint(smap.raw[path])))
            continue
        num = swedish_number_hint(value) if typ in _NUMBER_ERRORS else None
        if num is not None:
            out.append(smap.diag(path, "RR012", f"{name}: talet är skrivet som text ('{value}').",
                                 f"Skriv det som ett YAML-tal utan citattecken, mellanslag och enhet: {num}"))
            continue
        if typ == "string_pattern_mismatch":
            out.append(smap.diag(path, "RR015", f"{name}: '{value}' är inget giltigt id.",
                                 "Id skrivs med små bokstäver a–z, siffror och understreck, t.ex. halso_och_sjukvard."))
            continue
        if typ == "literal_error":
            allowed = re.findall(r"'([^']*)'", (e.get("ctx") or {}).get("expected", ""))
            close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
            out.append(smap.diag(path, "RR016", f"{name}: {describe_value(value)} är inget tillåtet värde.",
                                 (f"Menade du '{close[0]}'? " if close else "") + "Tillåtna värden: " + ", ".join(allowed) + "."))
            continue
        expected = _KINDS.get(typ)
        if expected:
            out.append(smap.diag(path, "RR011", f"{name}: väntade {expected}, fick {describe_value(value)}.",
                                 "Se docs/yaml-format.md för fältets typ."))
            continue
        ctx = e.get("ctx") or {}
        if typ == "string_too_long":
            out.append(smap.diag(path, "RR016", f"{name}: texten är {len(value)} tecken lång; gränsen är "
                                 f"{ctx.get('max_length')} tecken.", "Korta texten; se docs/security.md om gränserna."))
            continue
        bound = {"greater_than_equal": ("minst", "ge"), "greater_than": ("större än", "gt"),
                 "less_than_equal": ("högst", "le"), "less_than": ("mindre än", "lt")}.get(typ)
        if bound:
            out.append(smap.diag(path, "RR016", f"{name}: {describe_value(value)} är utanför tillåtet intervall; "
                                 f"värdet ska vara {bound[0]} {ctx.get(bound[1])}.", "Se docs/yaml-format.md."))
            continue
        msg = str(e.get("msg", "ogiltigt värde"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]  # our own validators speak Swedish already
        out.append(smap.diag(path, "RR016", f"{name}: {msg}.", "Se docs/yaml-format.md."))
    return out


def validate(model_cls, loaded: Loaded, collector: Collector):
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        collector.add(loaded.smap.diag((), "RR011", "Filen ska vara en mappning (nyckel: värde) på översta nivån."))
        return None
    try:
        return model_cls.model_validate(data)
    except ValidationError as err:
        collector.extend(pydantic_diagnostics(err, data, loaded.smap, model_cls))
        return None


# --- project and report ----------------------------------------------------
def load_project(root: Path | None = None) -> Project:
    root = find_root(root)
    collector = Collector()
    loaded = load_file(root / ORG_FILE, root)
    org = validate(m.Organisation, loaded, collector)
    if org is not None:
        for i, r in enumerate(org.relationer):
            try:
                parse_relation(r)
            except ValueError as e:
                collector.add(loaded.smap.diag(("relationer", i), "RR016", str(e)))
    if collector.errors:
        raise ReportError(collector.errors)
    return Project(root, org, loaded.smap, loaded.digest)


def report_path_problem(project: Project, report_id: str) -> list[Diagnostic]:
    """Why report_id names no report file (an invalid name, a missing file), or []."""
    try:
        validate_report_id(report_id)
    except ReportError as e:
        return e.diagnostics
    if (project.outcomes_dir / f"{report_id}.yaml").is_file():
        return []
    known = project.report_ids()
    close = difflib.get_close_matches(report_id, known, n=1)
    return [Diagnostic(f"data/outcomes/{report_id}.yaml", 1, 1, "RR001", f"Rapporten '{report_id}' finns inte.",
                       (f"Menade du '{close[0]}'? " if close else "")
                       + ("Rapporter: " + ", ".join(known) if known else "Skapa den med 'rapport new'."))]


def load_report(project: Project, report_id: str, collector: Collector, earlier: bool = True) -> Report | None:
    """The report and its budget. `earlier`: also load the report it compares with
    (rapport.jamforelse), one level only: that report's own comparison is not followed."""
    problem = report_path_problem(project, report_id)
    if problem:
        raise ReportError(problem)
    path = project.outcomes_dir / f"{report_id}.yaml"
    try:
        out_loaded = load_file(path, project.root)
    except ReportError as e:
        collector.extend(e.diagnostics)
        return None
    outcomes = validate(m.Outcomes, out_loaded, collector)
    # The budget file: found through the outcomes file, even when that failed validation.
    budget_id = None
    if isinstance(out_loaded.data, dict) and isinstance(out_loaded.data.get("rapport"), dict):
        budget_id = out_loaded.data["rapport"].get("budget")
    budget = budget_loaded = None
    if isinstance(budget_id, str) and len(budget_id) > MAX_NAME:
        pass  # refused by the model (rapport.budget is at most MAX_NAME characters)
    elif isinstance(budget_id, str):
        bpath = project.budget_dir / f"{budget_id}.yaml"
        if not REPORT_ID.match(budget_id) or not bpath.is_file():
            known = sorted(p.stem for p in project.budget_dir.glob("*.yaml"))
            close = difflib.get_close_matches(budget_id, known, n=1)
            collector.add(out_loaded.smap.diag(("rapport", "budget"), "RR104",
                                               f"Budgetfilen '{budget_id}' finns inte i data/budget/.",
                                               (f"Menade du '{close[0]}'?" if close else "Budgetar: " + ", ".join(known))))
        else:
            try:
                budget_loaded = load_file(bpath, project.root)
                budget = validate(m.Budget, budget_loaded, collector)
            except ReportError as e:
                collector.extend(e.diagnostics)
    if outcomes is None or budget is None:
        return None
    report = assemble(project, report_id, outcomes, budget, out_loaded, budget_loaded, collector)
    if earlier and outcomes.rapport.jamforelse is not None:
        load_earlier(report, collector)
    return report


def load_earlier(report: Report, collector: Collector) -> None:
    """rapport.jamforelse: the earlier report, loaded and checked as any report (the same safe
    loader), without its own comparison. Any problem in it is one error here, at the key, naming
    the first problem where it stands."""
    other = report.outcomes.rapport.jamforelse or ""
    path = ("rapport", "jamforelse")
    if other == report.id:
        collector.add(report.smap.diag(path, "RR545", f"Rapporten jämförs med sig själv ('{other}').",
                                       "Ange en tidigare rapport, t.ex. samma period föregående år."))
        return
    problem = report_path_problem(report.project, other)
    if problem:
        collector.add(report.smap.diag(path, "RR545", f"Jämförelserapporten '{other}' finns inte: {problem[0].message}",
                                       problem[0].hint))
        return
    sub = Collector()
    try:
        earlier = load_report(report.project, other, sub, earlier=False)
    except ReportError as e:
        sub.extend(e.diagnostics)
        earlier = None
    if sub.errors or earlier is None:
        # An error this report's own check already gives (in organisation.yaml, or a budget
        # both reports share) is said once, where it stands, not again through the key.
        own = [d for d in sub.errors if d not in collector._seen]
        if sub.errors and not own:
            return
        first = sorted(own)[0] if own else None
        where = f" {first.file}:{first.line}:{first.col}: {first.code} {first.message}" if first else ""
        collector.add(report.smap.diag(path, "RR545", f"Jämförelserapporten '{other}' kan inte läsas:{where}",
                                       "Rätta den tidigare rapporten (rapport check " + other + "), eller ta bort "
                                       "'jamforelse'."))
        return
    report.earlier = earlier
    for f in earlier.files:
        if f not in report.files:
            report.files.append(f)
    for f, d in earlier.digests.items():
        report.digests.setdefault(f, d)


def assemble(project, report_id, outcomes, budget, out_loaded, budget_loaded, collector) -> Report:
    from .checks import run_model_checks

    org = project.org
    columns = dict(org.kolumner)
    columns.update(budget.kolumner)
    columns.update(outcomes.kolumner)
    posts = merge_posts(budget, outcomes, budget_loaded.smap, out_loaded.smap, columns, collector)
    relations = [parse_relation(r) for r in org.relationer]
    relations = [r for r in relations if all(c in columns for c in r.columns)]
    # A file's own relations are about its own columns: every column must exist.
    for doc, smap in ((budget, budget_loaded.smap), (outcomes, out_loaded.smap)):
        for i, text in enumerate(doc.relationer):
            try:
                rel = parse_relation(text)
            except ValueError as e:
                collector.add(smap.diag(("relationer", i), "RR016", str(e)))
                continue
            unknown = [c for c in rel.columns if c not in columns]
            if unknown:
                collector.add(smap.diag(("relationer", i), "RR108", f"Relationen '{text}' nämner okänd kolumn: {', '.join(unknown)}.",
                                        "Deklarera kolumnen under 'kolumner'."))
                continue
            relations.append(rel)
    ledger = Ledger(posts, relations, org.avrundning, fmt=fmt_plain)
    files = [project.root / ORG_FILE, project.outcomes_dir / f"{report_id}.yaml",
             project.budget_dir / f"{outcomes.rapport.budget}.yaml"]
    report = Report(report_id, project, outcomes, budget, out_loaded.smap, budget_loaded.smap,
                    outcomes.rapport.budget, ledger, columns, posts, files=files,
                    digests={f: d for f, d in zip(files, (project.org_digest, out_loaded.digest, budget_loaded.digest), strict=False)
                             if d})
    run_model_checks(report, collector)
    return report


def merge_posts(budget: m.Budget, outcomes: m.Outcomes, bsmap: SourceMap, osmap: SourceMap,
                columns: dict, collector: Collector) -> dict[str, PostDef]:
    """One namespace of posts: committees, units and posts from both files."""
    posts: dict[str, PostDef] = {}

    def declare(pid: str, smap: SourceMap, path: tuple, kind: str) -> PostDef | None:
        if pid in posts and posts[pid].kind != "post":
            first = posts[pid].where.get(DECL)
            fl = first[0].pos(first[1], "key").line if first else "?"
            collector.add(smap.diag(path, "RR106", f"Id '{pid}' är redan deklarerat (rad {fl} i {first[0].file if first else '?'}).",
                                    "Varje nämnd, enhet och post behöver ett eget id.", prefer="key"))
            return None
        p = posts.setdefault(pid, PostDef(pid, kind=kind))
        p.kind = kind if kind != "post" else p.kind
        p.where.setdefault(DECL, (smap, path))
        return p

    for cid, c in budget.namnder.items():
        p = declare(cid, bsmap, ("namnder", cid), "namnd")
        if p is None:
            continue
        p.namn, p.kortnamn, p.kommentar, p.utan_utfall = c.namn, c.kortnamn, c.kommentar, c.utan_utfall
        if c.varav:
            p.varav, p.varav_fullstandig = list(c.varav.rader), c.varav.fullstandig
            p.where[VARAV] = (bsmap, ("namnder", cid, "varav"))
        _store_values(p, c.values(), bsmap, ("namnder", cid), columns, collector)
        for uid, uname in c.enheter.items():
            u = declare(uid, bsmap, ("namnder", cid, "enheter", uid), "enhet")
            if u is not None:
                u.namn = uname

    for smap, src in ((bsmap, budget.poster), (osmap, outcomes.poster)):
        for pid, post in src.items():
            p = posts.get(pid) or PostDef(pid)
            posts[pid] = p
            _merge_post(p, post, smap, columns, collector)
    return posts


def _merge_post(p: PostDef, post, smap: SourceMap, columns: dict, collector: Collector) -> None:
    """One file's entry under 'poster' into the post (the budget's first, then the outcomes')."""
    pid = p.id
    p.where.setdefault(DECL, (smap, ("poster", pid)))
    base = ("poster", pid)
    for attr in ("namn", "kommentar", "fotnot", "decimaler"):
        v = getattr(post, attr)
        if v is not None:
            setattr(p, attr, v)
    if post.summa is not None:
        if p.summa is not None:
            collector.add(smap.diag((*base, "summa"), "RR106", f"{pid}: 'summa' anges i både budget och utfall.",
                                    "Ange summan på ett ställe."))
        p.summa = list(post.summa)
        p.where[SUMMA] = (smap, (*base, "summa"))
    for i, alt in enumerate(post.kontroll):
        p.where[Where("kontroll", len(p.kontroll))] = (smap, (*base, "kontroll", i))
        p.kontroll.append(list(alt))
    for col, v in post.tryckt.items():
        p.tryckt[col] = v
        p.where[Where("tryckt", col)] = (smap, (*base, "tryckt", col))
        if col not in columns:
            collector.add(_unknown_column(smap, (*base, "tryckt", col), col, columns))
    for col, why in post.tryckt_avviker.items():
        p.tryckt_avviker[col] = why
        p.where[Where("avviker", col)] = (smap, (*base, "tryckt_avviker", col))
        if col not in post.tryckt:
            collector.add(smap.diag((*base, "tryckt_avviker", col), "RR533",
                                    f"{p.namn or pid}, {col}: 'tryckt_avviker' utan tryckt värde i kolumnen.",
                                    f"Ange källans siffra under 'tryckt: {{{col}: ...}}', eller ta bort raden.",
                                    prefer="key"))
    if post.varav is not None:
        p.varav, p.varav_fullstandig = list(post.varav.rader), post.varav.fullstandig
        p.where[VARAV] = (smap, (*base, "varav"))
    _store_values(p, post.values(), smap, base, columns, collector)


def _unknown_column(smap, path, col, columns, owner: str = "") -> Diagnostic:
    close = difflib.get_close_matches(str(col), list(columns) + list(m.Post.model_fields), n=1, cutoff=0.6)
    return smap.diag(path, "RR010", f"{owner + ': ' if owner else ''}okänd nyckel '{col}' (ingen sådan kolumn eller egenskap).",
                     f"Menade du '{close[0]}'?" if close else "Kolumner deklareras under 'kolumner' i organisation.yaml.",
                     prefer="key")


def _store_values(p: PostDef, values: dict, smap: SourceMap, base: tuple, columns: dict, collector: Collector) -> None:
    for col, v in values.items():
        path = (*base, col)
        if col not in columns:
            collector.add(_unknown_column(smap, path, col, columns, p.namn or p.id))
            continue
        if v is not None and v != MISSING and (isinstance(v, bool) or not isinstance(v, (int, float))):
            surprise = yaml11_surprise(smap.raw.get(path), v)
            num = swedish_number_hint(v)
            if surprise:
                collector.add(smap.diag(path, "RR014", f"{p.namn or p.id}, {col}: {surprise}.", surprise_hint(smap.raw[path])))
            elif num is not None:
                collector.add(smap.diag(path, "RR012", f"{p.namn or p.id}, {col}: talet är skrivet som text ('{v}').",
                                        f"Skriv det som ett YAML-tal utan citattecken, mellanslag och enhet: {num}"))
            else:
                collector.add(smap.diag(path, "RR011", f"{p.namn or p.id}, {col}: väntade ett tal, fick {describe_value(v)}.",
                                        "Skriv ett tal, null för \"–\" (inget) eller saknas för en siffra som inte är känd än."))
            continue
        if col in p.values:
            other = p.where.get(Where("val", col))
            collector.add(smap.diag(path, "RR106",
                                    f"{p.namn or p.id}, {col}: värdet anges två gånger (även i {other[0].file if other else '?'}).",
                                    "Varje siffra lagras en gång: ta bort den ena.", prefer="key"))
            continue
        p.values[col] = v
        p.where[Where("val", col)] = (smap, path)
