"""`rapport new NEW --from OLD`: the next period's outcomes file, scaffolded from the last one.

The new file keeps OLD's structure, order and comments (tables, sections, which
posts and metrics exist, assignment statuses) and empties what belongs to the
period: figures (written `saknas`, not yet known, so that nothing derived from
them is read as zero; a "–" stays null), printed totals, metric outcomes,
assessments and comments. The
period, year and date are set. History is carried where it applies: a metric's
`historik` stays (the years before are still the years before); the report's own
outcome of the same year does not become history, since an interim figure is not
the year's. When the year moves on by one with the same period, last year's
figures become the new `..._fg_ar` figures (utfall -> utfall_fg_ar).

The transformation is textual: the YAML is composed (not loaded) so that every
value's exact position is known, and only those character ranges are replaced.
Everything else, comments and blank lines included, is copied as it is. The
result is loaded and validated before it is written; it is never written over
an existing file.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..compute.ledger import MISSING
from ..constants import MONTHS, is_report_id
from ..diagnostics import Collector, Diagnostic, ReportError, UsageProblem
from ..model.ledger import Post

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

# Post fields that are structure, not the period's figures.
# Every declared field of a post is structure or text, kept or emptied by name below;
# only the post's extra keys (one per column) are the period's figures.
POST_STRUCTURE = set(Post.model_fields) - {"tryckt", "tryckt_avviker", "kommentar", "fotnot"}


@dataclass
class Plan:
    """What the new report is: derived from the ids, the organisation and the options."""

    new_id: str
    from_id: str
    period: str
    year: int
    old_period: str
    old_year: int
    date: dt.date
    budget: str | None = None  # a new budget id, when the year moved on and that budget exists
    comparison: str | None = None  # rapport.jamforelse: the report made from, when it is a year before
    words: list[tuple[str, str]] = field(default_factory=list)  # (old, new) text replacements in titles and headers
    old_months: int = 0  # months of the old and the new period (0: unknown), for dates in headers
    new_months: int = 0

    @property
    def next_year_same_period(self) -> bool:
        return self.period == self.old_period and self.year == self.old_year + 1


@dataclass
class NewResult:
    path: Path
    notes: list[str]


def _period_from_id(report_id: str, periods: dict) -> str | None:
    tokens = re.split(r"[-_.]", report_id.lower())
    for t in tokens:
        if t in periods:
            return t
    for t in tokens:
        if len(t) >= 3 and not t.isdigit():
            hits = [p for p in periods if p.startswith(t)]
            if len(hits) == 1:
                return hits[0]
    return None


def _year_from_id(report_id: str) -> int | None:
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", report_id)
    return int(years[-1]) if years else None


def _case_like(template: str, word: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _replace_words(text: str, words: list[tuple[str, str]]) -> str:
    for old, new in words:
        def like(m: re.Match[str], new: str = new) -> str:
            return _case_like(m.group(0), new)

        text = re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", like, text, flags=re.IGNORECASE)
    return text


_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_LONG_DATE = re.compile(r"(?<![\w])(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})(?![\w])", re.IGNORECASE)


class YearOutOfRange(ValueError):
    """A year the new report would carry that no date can have (before 1 or after 9999)."""

    def __init__(self, year: int, written: str):
        super().__init__(written)
        self.year, self.written = year, written


def _period_end(year: int, months: int, written: str = "") -> dt.date:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise YearOutOfRange(year, written)
    return dt.date(year, months, calendar.monthrange(year, months)[1])


def _rewrite_text(text: str, plan: Plan) -> str:
    """A title or header for the new period: the period's words rewritten where they name it.

    A date is a period's when it is the last day of the old period, in the report's year or
    an earlier one ("2025-03-31", "31 mars 2024" beside a March report): it becomes the new
    period's last day of the same year (moved on as the report's year moves). Any other date
    is tied to a fixed day ("2024-12-31", "1 november 2024") and stays as written, words and
    year included. Outside dates the period's short name, its month and the year are
    rewritten as before ("Utfall jan–mar 2025" -> "Utfall jan–aug 2025")."""
    if not plan.old_months or not plan.new_months:
        return _replace_words(text, plan.words)
    shift = plan.year - plan.old_year
    out, pos = [], 0
    spans = sorted([(m.start(), m.end(), m, "iso") for m in _ISO_DATE.finditer(text)]
                   + [(m.start(), m.end(), m, "long") for m in _LONG_DATE.finditer(text)], key=lambda x: x[0])
    for start, end, m, kind in spans:
        if start < pos:
            continue
        try:
            if kind == "iso":
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            else:
                day = dt.date(int(m.group(3)), MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
        except ValueError:
            continue  # not a date after all: left to the word replacement
        out.append(_replace_words(text[pos:start], plan.words))
        if day.year <= plan.old_year and day == _period_end(day.year, plan.old_months):
            new = _period_end(day.year + shift, plan.new_months, m.group(0))
            out.append(new.isoformat() if kind == "iso"
                       else f"{new.day} {_case_like(m.group(2), MONTHS[new.month - 1])} {new.year}")
        else:
            out.append(m.group(0))  # a fixed date: as written
        pos = end
    out.append(_replace_words(text[pos:], plan.words))
    return "".join(out)


# -- ranges in the text ----------------------------------------------------------
def _content_end(node) -> int:
    """Where a node's own text ends: a block collection ends with its last value, not at the next key."""
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1])
    return node.end_mark.index


class Editor:
    def __init__(self, text: str):
        self.text = text
        self.edits: list[tuple[int, int, str]] = []

    def value(self, key, node, replacement: str) -> None:
        """Replace a value, from just after its key: block scalars and block mappings become one line."""
        start, end = key.end_mark.index, _content_end(node)
        old = self.text[start:end]
        tail = old[len(old.rstrip("\n")):]  # a block scalar owns its line break: keep it
        self.edits.append((start, end, ": " + replacement + tail))

    def scalar(self, node, replacement: str) -> None:
        self.edits.append((node.start_mark.index, node.end_mark.index, replacement))

    def apply(self) -> str:
        out, pos = [], 0
        for start, end, rep in sorted(self.edits):
            if start < pos:
                continue  # nested in a range already replaced
            out.append(self.text[pos:start])
            out.append(rep)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


def _items(node):
    return node.value if isinstance(node, MappingNode) else []


def _is_number(node) -> bool:
    return isinstance(node, ScalarNode) and node.tag in NUMBER_TAGS


def _is_null(node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _empty(ed: Editor, key, node, replacement: str = "null") -> None:
    if _is_null(node):
        return
    if isinstance(node, ScalarNode) and not node.style:
        ed.scalar(node, replacement)
    else:
        ed.value(key, node, replacement)


def _null_numbers(ed: Editor, node) -> None:
    """Sections this tool does not know: keep the structure, empty every figure."""
    if _is_number(node):
        ed.scalar(node, "null")
    elif isinstance(node, MappingNode):
        for _, v in node.value:
            _null_numbers(ed, v)
    elif isinstance(node, SequenceNode):
        for v in node.value:
            _null_numbers(ed, v)


def transform(text: str, plan: Plan) -> str:  # noqa: C901 - the whole copy-and-clear pass over a report; to split
    root = yaml.compose(text, Loader=_Loader)
    ed = Editor(text)
    raw = lambda n: text[n.start_mark.index:n.end_mark.index]  # noqa: E731

    for key, node in _items(root):
        section = key.value
        if section == "rapport":
            for k, v in _items(node):
                if k.value == "period":
                    ed.scalar(v, plan.period)
                elif k.value == "ar":
                    ed.scalar(v, str(plan.year))
                elif k.value == "datum":
                    ed.scalar(v, plan.date.isoformat())
                elif k.value == "budget" and plan.budget:
                    ed.scalar(v, plan.budget)
                elif k.value == "jamforelse" and plan.comparison:
                    ed.scalar(v, plan.comparison)
                elif k.value in ("titel", "undertitel") and isinstance(v, ScalarNode):
                    ed.scalar(v, _rewrite_text(raw(v), plan))
                elif k.value in ("beslut", "diarienummer"):
                    _empty(ed, k, v)
        elif section == "kolumner":
            for _, col in _items(node):
                for k, v in _items(col):
                    if k.value == "rubrik" and isinstance(v, ScalarNode):
                        ed.scalar(v, _rewrite_text(raw(v), plan))
        elif section == "poster":
            for _, post in _items(node):
                fields = {k.value: v for k, v in _items(post)}
                for k, v in _items(post):
                    name = k.value
                    if name in POST_STRUCTURE:
                        continue
                    if name in ("tryckt", "tryckt_avviker"):  # a printed figure and why it is kept belong to the period
                        if _items(v):
                            ed.value(k, v, "{}")
                    elif name in ("kommentar", "fotnot"):
                        _empty(ed, k, v)
                    elif isinstance(v, ScalarNode):
                        carried = _carried(name, fields) if plan.next_year_same_period else None
                        if carried is not None:
                            ed.scalar(v, raw(carried))
                        elif not _is_null(v):
                            # Not yet known, which is not "–": what is derived from it stays empty too.
                            ed.scalar(v, MISSING)
        elif section == "tabeller":
            for _, table in _items(node):
                for k, v in _items(table):
                    if k.value == "text":
                        _empty(ed, k, v)
                    elif k.value == "rubrik" and isinstance(v, ScalarNode):
                        ed.scalar(v, _rewrite_text(raw(v), plan))
                    elif k.value == "kolumner":
                        for ref in v.value if isinstance(v, SequenceNode) else []:
                            for rk, rv in _items(ref):  # {kolumn: utfall, rubrik: "Utfall jan–mar"}
                                if rk.value == "rubrik" and isinstance(rv, ScalarNode):
                                    ed.scalar(rv, _rewrite_text(raw(rv), plan))
        elif section == "matetal":
            for _, metric in _items(node):
                for k, v in _items(metric):
                    if k.value in ("utfall", "kommentar", "saknas", "bedomd_status", "skal"):  # a judgement belongs to its period
                        _empty(ed, k, v)
        elif section == "omraden":
            for _, area in _items(node):
                for k, v in _items(area):
                    if k.value in ("bedomning", "text"):
                        _empty(ed, k, v)
        elif section == "uppdrag":
            for _, a in _items(node):
                for k, v in _items(a):
                    if k.value == "kommentar":
                        _empty(ed, k, v)
                    elif k.value == "kommentarer":
                        for ck, cv in _items(v):  # one (empty) comment per responsible committee stays
                            _empty(ed, ck, cv, '""')
        elif section == "aktiviteter":
            for _, a in _items(node):
                for k, v in _items(a):
                    if k.value == "kommentar":
                        _empty(ed, k, v)
        elif section == "texter":
            for k, v in _items(node):
                _empty(ed, k, v, '""')
        elif section == "serier":
            for _, s in _items(node):
                for k, v in _items(s):
                    if k.value == "period":
                        ed.scalar(v, plan.period)
                    elif k.value == "varden":
                        for _, x in _items(v):
                            if not _is_null(x):
                                ed.scalar(x, "null")
                    elif k.value in ("kalla", "anmarkning"):
                        _empty(ed, k, v)
        else:
            _null_numbers(ed, node)
    return _with_header(ed.apply(), plan)


def _carried(column: str, fields: dict):
    """Last year's figure for a `..._fg_ar` column: the same post's figure in the column without it."""
    for suffix, source_suffix in (("_fg2_ar", "_fg_ar"), ("_fg_ar", "")):
        if column.endswith(suffix):
            src = fields.get(column[: -len(suffix)] + source_suffix)
            return src if _is_number(src) else None
    return None


def _with_header(text: str, plan: Plan) -> str:
    note = (f"# Skapad med 'rapport new {plan.new_id} --from {plan.from_id}': samma struktur som\n"
            f"# {plan.from_id}, men periodens siffror, utfall, bedömningar och kommentarer är\n"
            "# tömda (null, och periodens belopp 'saknas') och tryckta summor borttagna (tryckt: {}).\n"
            f"# Kontrollera datum ({plan.date.isoformat()}) och titel. Tills allt är ifyllt kan\n"
            f"# 'rapport check {plan.new_id}' rapportera summor, mätetal och texter som saknas.\n")
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("# yaml-language-server:"):
        return lines[0] + note + "".join(lines[1:])
    return note + text


def _comparison(plan: Plan, old: str | None) -> list[str]:
    """rapport.jamforelse is the same period a year before: the report made from, when that
    is what it is; else the user must say which (the old one is a year off). The notes."""
    if old is None:
        return []
    if plan.next_year_same_period:
        plan.comparison = plan.from_id
        return [f"Jämförelserapporten är nu {plan.from_id} (samma period året före)."]
    if plan.year != plan.old_year or plan.period != plan.old_period:
        return [f"Jämförelserapporten är fortfarande {old}: ändra rapport.jamforelse till samma period året "
                "före, eller ta bort den."]
    return []


# -- the command -------------------------------------------------------------------
def _new_year(new_id: str, old_year: int, loaded, name: str) -> int:
    """The year in the new report's name (the old report's when it names none)."""
    named = _year_from_id(new_id)
    year = old_year if named is None else named
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        ar = loaded.smap.keys.get(("rapport", "ar"))
        raise _year_problem(name, ar.line if ar else 1, YearOutOfRange(year, str(year)), new_id)
    return year


def _transformed(text: str, plan: Plan, name: str) -> str:
    try:
        return transform(text, plan)
    except YearOutOfRange as e:  # a header's date moved with the year, past year 1
        at = text.find(e.written)
        raise _year_problem(name, text.count("\n", 0, at) + 1 if at >= 0 else 1, e, plan.new_id) from None


def _year_problem(name: str, line: int, e: YearOutOfRange, new_id: str) -> ReportError:
    """RR575: the new report's year, or a date moved with it, is not a year a date can have."""
    what = (f"året {e.year} i namnet '{new_id}'" if e.written == str(e.year)
            else f"datumet '{e.written}' flyttat till år {e.year}")
    return ReportError([Diagnostic(name, line, 1, "RR575",
                                   f"Den nya rapporten kan inte få {what}: ett år måste ligga mellan "
                                   f"{dt.MINYEAR} och {dt.MAXYEAR}.",
                                   "Kontrollera årtalet i den nya rapportens namn (t.ex. delar-mars-2026); "
                                   "ett datum i rubrikerna flyttas lika många år som rapporten.")])


def new_report(project, new_id: str, from_id: str, period: str | None = None, date: dt.date | None = None) -> NewResult:
    from .. import model as m
    from ..load import decode, load_text, read_bytes
    from ..project import validate, validate_report_id

    validate_report_id(new_id)
    validate_report_id(from_id)
    outcomes = project.outcomes_dir
    src, dst = outcomes / f"{from_id}.yaml", outcomes / f"{new_id}.yaml"
    if dst.exists():
        raise UsageProblem(f"{dst.relative_to(project.root)} finns redan; rapport new skriver aldrig över en fil.",
                           "Välj ett annat namn, eller ta bort filen först om den verkligen ska ersättas.")
    if not src.is_file():
        known = ", ".join(project.report_ids()) or "(inga)"
        raise UsageProblem(f"Rapporten '{from_id}' finns inte i data/outcomes/.", f"Rapporter: {known}")
    # Through the loader's own steps: size limit, UTF-8 (RR002 at the line), syntax.
    name = f"data/outcomes/{from_id}.yaml"
    text = decode(read_bytes(src, name, project.root), name)
    collector = Collector()
    loaded = load_text(text, name)
    old = validate(m.Outcomes, loaded, collector)
    if old is None:
        raise ReportError(collector.errors)

    periods = project.org.perioder
    period = period or _period_from_id(new_id, periods)
    if period is None:
        raise UsageProblem(f"Kan inte avgöra perioden av namnet '{new_id}'.",
                           "Ange den med --period, en av: " + ", ".join(periods))
    if period not in periods:
        raise UsageProblem(f"Perioden '{period}' finns inte i organisation.yaml.", "Perioder: " + ", ".join(periods))
    year = _new_year(new_id, old.rapport.ar, loaded, name)
    months = periods[period].manader
    plan = Plan(new_id, from_id, period, year, old.rapport.period, old.rapport.ar,
                date or _period_end(year, months))
    notes = []
    if year != old.rapport.ar:
        candidate = old.rapport.budget.replace(str(old.rapport.ar), str(year))
        if candidate != old.rapport.budget and (project.budget_dir / f"{candidate}.yaml").is_file():
            plan.budget = candidate
        else:
            notes.append(f"Budgeten är fortfarande {old.rapport.budget}: ändra rapport.budget om {year} har en egen.")
        if not plan.next_year_same_period:
            notes.append("Mätetalens historik behöver årets nya föregående år.")
    notes += _comparison(plan, old.rapport.jamforelse)
    old_p, new_p = periods.get(old.rapport.period), periods[period]
    plan.old_months, plan.new_months = (old_p.manader if old_p else 0), new_p.manader
    if old_p is not None and old_p.kort != new_p.kort:
        plan.words.append((old_p.kort, new_p.kort))
    if old.rapport.period in MONTHS and period in MONTHS:
        plan.words.append((old.rapport.period, period))
    if year != old.rapport.ar:
        plan.words.append((str(old.rapport.ar), str(year)))

    result = _transformed(text, plan, name)
    # The scaffold must load and validate as it stands (its sums may not add up until filled in).
    collector = Collector()
    name = f"data/outcomes/{new_id}.yaml"
    try:
        loaded = load_text(result, name)
    except ReportError as e:  # pragma: no cover - a bug in transform(), not the user's input
        raise ReportError(e.diagnostics) from e
    if validate(m.Outcomes, loaded, collector) is None:  # pragma: no cover - likewise
        raise ReportError(collector.errors)
    assert is_report_id(new_id)
    with open(dst, "x", encoding="utf-8") as f:  # "x": another process may not have made it meanwhile
        f.write(result)
    if date is None:
        notes.insert(0, f"Datum satt till periodens sista dag, {plan.date.isoformat()}: ändra till rapportens datum.")
    return NewResult(dst, notes)
