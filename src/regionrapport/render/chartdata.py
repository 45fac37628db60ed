"""Charts' data, caption and alt text: plain dicts, cheap, computed with every Markdown render.

The templates under templates/sektioner/diagram_*.md.j2 place a chart with
`![caption](file){alt="..."}`; render/charts.py draws the ones the Markdown names.

Every chart's alt text states its data, so a reader who cannot see the image
gets the same figures. The numbers come from the ledger and the outcomes file,
never from the picture: a chart of the cost series shows what the source gives
(period totals), not invented monthly values.
"""
from __future__ import annotations

import re

from ..numbers import fmt_amount

FILE = "diagram-{id}.png"
CHART_IDS = ("namnder", "investeringar", "kostnader")  # every chart chart_views can make
COMMITTEES_TABLE = "resultat_per_namnd"
INVESTMENTS_TABLE = "investeringar_per_kategori"


# -- data -------------------------------------------------------------------------------
def chart_views(ctx) -> dict:
    """Every chart this report can show, by id: {fil, bildtext, alt, enhet, kategorier, serier, ...}."""
    views = {}
    for cid, make in zip(CHART_IDS, (_committees, _investments, _cost_series), strict=True):
        view = make(ctx)
        if view is not None:
            view["id"] = cid
            view["fil"] = FILE.format(id=cid)
            views[cid] = view
    return views


def _period(ctx) -> str:
    o = ctx.r.outcomes.rapport
    p = ctx.org.perioder.get(o.period)
    return f"{p.kort} {o.ar}" if p else f"{o.period} {o.ar}"


def _num(v: float | None) -> str:
    return fmt_amount(v, empty="uppgift saknas")


def _pairs_text(view: dict) -> str:
    """'Hälso- och sjukvårdsnämnd: utfall 1 353, budget 1 390; ...' for the alt text."""
    names = [s["namn"].lower() for s in view["serier"]]
    parts = []
    for i, cat in enumerate(view["kategorier"]):
        vals = ", ".join(f"{n} {_num(s['varden'][i])}" for n, s in zip(names, view["serier"], strict=False))
        parts.append(f"{cat}: {vals}")
    return "; ".join(parts)


def _committees(ctx) -> dict | None:
    """Net cost per committee, outcome and budget for the period (costs shown as positive amounts)."""
    r = ctx.r
    cats, outcome, budget, posts = [], [], [], []
    for cid, c in r.budget.namnder.items():
        u, b = r.ledger.value(cid, "utfall"), r.ledger.value(cid, "budget")
        if u is None and b is None:
            continue
        cats.append(c.namn)
        posts.append(cid)
        # Net costs are negative in the ledger; a cost bar grows to the right.
        outcome.append(-u if u is not None else None)
        budget.append(-b if b is not None else None)
    if not cats:
        return None
    unit = ctx.org.enhet
    period = _period(ctx)
    view = {"kategorier": cats, "poster": posts, "enhet": unit, "typ": "liggande",
            "serier": [{"namn": "Utfall", "kolumn": "utfall", "varden": outcome},
                       {"namn": "Budget", "kolumn": "budget", "varden": budget}],
            "tecken": -1,
            "bildtext": f"Nettokostnad per nämnd {period}, utfall och budget ({unit})."}
    view["alt"] = (f"Liggande stapeldiagram över nettokostnad per nämnd {period} i {unit}, utfall och budget. "
                   + _pairs_text(view) + ".")
    return view


def _investments(ctx) -> dict | None:
    """Investments per category: outcome for the period, annual budget and full-year forecast."""
    r = ctx.r
    t = r.outcomes.tabeller.get(INVESTMENTS_TABLE) or r.budget.tabeller.get(INVESTMENTS_TABLE)
    if t is None:
        return None
    cats, posts = [], []
    for row in t.rader:
        if isinstance(row, str):
            pid, name, style = row, None, "normal"
        elif getattr(row, "post", None):
            pid, name, style = row.post, row.namn, row.stil
        else:
            continue
        if style == "summa" or pid not in r.posts:
            continue
        posts.append(pid)
        cats.append((name or r.posts[pid].namn or pid).rstrip("*¹²³ "))
    if not posts or all(r.ledger.value(p, c) is None for p in posts for c in ("utfall", "arsbudget", "prognos")):
        return None
    cols = [("Utfall " + _period(ctx), "utfall"), ("Årsbudget", "arsbudget"), ("Prognos helår", "prognos")]
    unit = t.enhet or ctx.org.enhet
    view = {"kategorier": cats, "poster": posts, "enhet": unit, "typ": "liggande", "tecken": 1,
            "serier": [{"namn": n, "kolumn": c, "varden": [r.ledger.value(p, c) for p in posts]} for n, c in cols],
            "bildtext": f"Investeringar per kategori: utfall {_period(ctx)}, årsbudget och prognos för helåret ({unit})."}
    view["alt"] = (f"Liggande stapeldiagram över investeringar per kategori i {unit}: utfall {_period(ctx)}, "
                   "årsbudget och prognos för helåret. " + _pairs_text(view) + ".")
    return view


def series_values(s, ledger) -> dict:
    """A series' values: its own `varden`, and the figures of its `post` in the columns it names."""
    out = dict(s.varden)
    if s.post is not None:
        for key, col in s.kolumner.items():
            v = ledger.value(s.post, col)
            out[key] = None if v is None else s.tecken * v
    return out


def _cost_series(ctx) -> dict | None:
    """The series of the outcomes file (`serier`), one group of bars per series, one bar per year.

    In the example these are the costs of hired staff, purchased care and
    medicines, which the source shows as monthly curves but gives only as
    January–March totals: the caption says so, and no monthly value is drawn.
    """
    o, org = ctx.r.outcomes, ctx.org
    # All series of one unit share the chart (the first series' unit decides).
    series = list(o.serier.items())
    series = [(k, s) for k, s in series if series and s.enhet == series[0][1].enhet]
    if not series:
        return None
    values = {k: series_values(s, ctx.r.ledger) for k, s in series}
    years = sorted({y for k, _ in series for y in values[k]}, key=str)
    known = [y for y in years if any(values[k].get(y) is not None for k, _ in series)]
    if not known:
        return None  # a new period's file before its figures are filled in: nothing to draw
    periods = {s.period for _, s in series}
    period = org.perioder.get(next(iter(periods))) if len(periods) == 1 and None not in periods else None
    span = period.kort if period else "perioden"
    totals_only = any(s.endast_summor for _, s in series)
    unit = series[0][1].enhet
    # "Kostnad för hyrpersonal", "Kostnad för läkemedel": the shared words go to the caption once.
    prefix = "Kostnad för " if all(s.namn.startswith("Kostnad för ") for _, s in series) else ""
    cats = [s.namn[len(prefix):] for _, s in series]
    cats = [c[:1].upper() + c[1:] for c in cats]
    view = {"kategorier": cats, "poster": [k for k, _ in series], "enhet": unit, "typ": "staende", "tecken": 1,
            "serier": [{"namn": str(y), "kolumn": str(y), "varden": [values[k].get(y) for k, _ in series]}
                       for y in known],
            "endast_summor": totals_only,
            # the report's year in the accent colour, earlier years in the other colours
            "aktuell_serie": str(ctx.ar)}
    years_text = _join([str(y) for y in known])
    what = prefix + _join([c[:1].lower() + c[1:] for c in cats]) if prefix else _join(cats)
    caption = f"{what}, ackumulerat {span} {years_text} ({unit})."
    # Notes on the source (no monthly values, a year it does not give) belong in the YAML and
    # docs/kallan.md, not in the caption: the reader is told what the bars show, nothing more.
    if totals_only:
        caption += f" Staplarna visar summan för {span} varje år."
    view["bildtext"] = caption
    per_cat = []
    for i, cat in enumerate(cats):
        per_cat.append(f"{cat}: " + ", ".join(f"{y} {_num(s['varden'][i])}" for y, s in zip(known, view["serier"], strict=False)))
    view["alt"] = (f"Stapeldiagram över {what[:1].lower() + what[1:]} i {unit}, ackumulerat {span}, per år. " + "; ".join(per_cat) + "."
                   + (f" Varje stapel är summan för {span}." if totals_only else ""))
    return view


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


# -- drawing ---------------------------------------------------------------------------
def charts_in(md: str, views: dict) -> list[str]:
    """Ids of the charts the Markdown shows, in order of appearance."""
    names = {v["fil"]: cid for cid, v in views.items()}
    found = []
    for m in re.finditer(r"\]\((diagram-[\w-]+\.png)\)", md):
        cid = names.get(m.group(1))
        if cid and cid not in found:
            found.append(cid)
    return found
