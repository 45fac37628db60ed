"""One revision's facts: everything of one report that a reviewer compares, keyed by stable ids.

Figures are the ledger's values, statuses and counts compute/goals.py's typed
results; the texts beside them (a figure as the report prints it, a status's
word) are only for showing what changed, never for deciding whether it did.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...compute import goals as G
from ...headers import fill_header, header_values


@dataclass(frozen=True)
class MetricFacts:
    """One metric's values as compute/goals.py evaluates them, and how the report prints them."""

    name: str
    category: str
    outcome: float | None
    target: object  # a number, a target object (model.goals) or None; compared as such
    history: dict  # year -> outcome
    status: G.Status
    outcome_text: str = ""
    target_text: str = ""
    history_text: dict = field(default_factory=dict)  # year -> as printed
    status_text: str = ""  # symbol and word, e.g. "◐ Delvis uppfyllt"


@dataclass
class Facts:
    """Everything of one report that a reviewer compares, keyed by stable ids."""

    title: str = ""
    header: dict = field(default_factory=dict)  # field -> text
    post_names: dict = field(default_factory=dict)  # post id -> display name
    col_names: dict = field(default_factory=dict)  # column id -> header
    col_format: dict = field(default_factory=dict)  # column id -> belopp | procent | decimal
    figures: dict = field(default_factory=dict)  # (post, column) -> (value or None, stored: bool)
    metrics: dict = field(default_factory=dict)  # metric id -> MetricFacts
    goal_summary: dict = field(default_factory=dict)  # kategori -> G.StatusCounts
    areas: dict = field(default_factory=dict)  # area id -> (name, assessment word)
    assignments: dict = field(default_factory=dict)  # id -> (text, status word)
    committees: dict = field(default_factory=dict)  # id -> name
    tables: dict = field(default_factory=dict)  # id -> heading
    texts: dict = field(default_factory=dict)  # where (display) -> raw text


CATEGORIES = ("verksamhet", "finansiell")


def extract(report) -> Facts:  # noqa: C901 - one section per kind of fact; to split
    from ...render.context import fmt_metric, fmt_target_dir

    f = Facts()
    o, b, org = report.outcomes, report.budget, report.org
    ar = o.rapport.ar
    f.title = o.rapport.titel
    f.header = {k: str(getattr(o.rapport, k)) for k in ("titel", "typ", "budget", "ar", "period", "datum")}
    for cid, c in report.columns.items():
        f.col_names[cid] = fill_header(c.rubrik, header_values(ar, org.perioder.get(o.rapport.period)))
        f.col_format[cid] = c.format
    ledger = report.ledger
    for pid, p in report.posts.items():
        f.post_names[pid] = p.namn or pid
        for col in report.columns:
            v = ledger.get(pid, col)
            stored = col in p.values or col in p.tryckt
            if v is None and not (col in p.values and p.values[col] is None):
                continue  # no figure at all in this cell
            f.figures[(pid, col)] = (None if v is None or v.how == "saknas" else v.v, stored)
        if p.kommentar:
            f.texts[f"{f.post_names[pid]}: kommentar"] = p.kommentar
        if p.fotnot:
            f.texts[f"{f.post_names[pid]}: fotnot"] = p.fotnot
    results = G.evaluate(report)
    for res in results:
        words = getattr(org.status, res.status.value)
        judged = ""
        if res.computed is not None:  # an analyst's judgement: the diff says so beside the colour
            judged = f" (bedömd; beräknad {getattr(org.status, res.computed.value).text})"
        f.metrics[res.id] = MetricFacts(
            name=res.name, category=res.category, outcome=res.outcome,
            target=(res.target, res.higher_better) if getattr(res.target, "typ", None) == "trend" else res.target,
            history=dict(res.history), status=res.status,
            outcome_text=fmt_metric(res.outcome, res.unit),
            target_text=fmt_target_dir(res.target, res.unit, res.higher_better),
            history_text={y: fmt_metric(v, res.unit) for y, v in res.history.items()},
            status_text=f"{words.symbol} {words.text}{judged}" if not res.information else "information")
        out = o.matetal.get(res.id)
        if out and out.kommentar:
            f.texts[f"Mätetal {res.name}: kommentar"] = out.kommentar
        if out and out.saknas:
            f.texts[f"Mätetal {res.name}: varför utfall saknas"] = out.saknas
        if out and out.skal:
            f.texts[f"Mätetal {res.name}: skäl för bedömd status"] = out.skal
    for kat in CATEGORIES:
        f.goal_summary[kat] = G.count(results, category=kat)
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
            f.texts[f"Uppdrag {short(a.text)}: kommentar"] = out.kommentar
        for c, t in (out.kommentarer.items() if out else ()):
            who = b.namnder[c].kortnamn or b.namnder[c].namn if c in b.namnder else c
            f.texts[f"Uppdrag {short(a.text)}: kommentar ({who})"] = t
    for aid, act in b.aktiviteter.items():
        out = o.aktiviteter.get(aid)
        if out and out.kommentar:
            f.texts[f"Aktivitet {short(act.text)}: kommentar"] = out.kommentar
    f.committees = {cid: c.namn for cid, c in b.namnder.items()}
    for tid, t in {**b.tabeller, **o.tabeller}.items():
        f.tables[tid] = t.rubrik
        if t.text:
            f.texts[f"Tabell {t.rubrik}: text"] = t.text
    for tid, t in o.texter.items():
        f.texts[f"Text {tid}"] = t
    return f


def short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
