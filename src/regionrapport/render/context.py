"""Build the plain-dict context the templates see. Templates never see models or the ledger.

Every derived figure the report shows is computed here or in compute/: table
cells, deviations, statuses, trends and counts. A newcomer looking for where a
figure comes from starts at `table_view` (amounts) or `goal_views` (metrics).
"""
from __future__ import annotations

import datetime as dt
import re


from ..compute import derived as D
from ..compute import goals as G
from ..constants import MONTHS
from ..model.organisation import section_views
from ..numbers import DASH, fmt_amount, fmt_metric, fmt_number, fmt_percent, unit_in_name
from ..headers import fill_header, header_values
from .chartdata import chart_views
from ..compute.texts import TextHelpers

TREND = {"upp": ("↑", "förbättring"), "ned": ("↓", "försämring"), "oforandrad": ("→", "oförändrat")}


def names_unit(text: str, unit: str) -> bool:
    """Whether a heading already names the unit as a word ("Resultaträkning (mnkr)", "… i procent …")."""
    words = {unit.lower()} | ({"%", "procent"} if unit.lower() in ("%", "procent") else set())
    return any(re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text.lower()) for w in words if w)


_MD_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+!|~^$@&=])")


def escape_markdown(text: str) -> str:
    """A name from the data as literal Markdown text (a '*' in it is no emphasis)."""
    return _MD_MARKUP.sub(r"\\\1", text)


def sentence_start(label: str) -> str:
    """A row's label where it opens a sentence (a footnote, a comment): "varav hyrpersonal"
    becomes "Varav hyrpersonal"; the table itself keeps the label as written."""
    return label[:1].upper() + label[1:]


def swedish_date(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fmt_target(target, unit: str, bare: bool = False) -> str:
    if target is None:
        return ""
    if isinstance(target, (int, float)):
        return fmt_metric(target, unit, bare)
    # "högst 60 dagar" is one figure to the reader: never broken after "högst" (no-break space)
    if hasattr(target, "minst"):
        return "minst\u00a0" + fmt_metric(target.minst, unit, bare)
    if hasattr(target, "hogst"):
        return "högst\u00a0" + fmt_metric(target.hogst, unit, bare)
    if hasattr(target, "intervall"):
        return f"{fmt_metric(target.intervall[0], unit, bare)}–{fmt_metric(target.intervall[1], unit, bare)}"
    return {"trend": "trend i önskad riktning", "budget": "inte överstiga budget"}[target.typ]


def fmt_target_dir(target, unit: str, higher: bool, bare: bool = False) -> str:
    if getattr(target, "typ", None) == "trend":
        return "Ökande trend" if higher else "Minskande trend"
    return fmt_target(target, unit, bare)


class Context:
    def __init__(self, report):
        self.r = report
        self.org = report.org
        self.ar = report.outcomes.rapport.ar
        self._goal_views = None
        self._results: tuple | None = None  # see results()
        # Indexes and memos: areas, goals and texts each look up their own slice once,
        # so a 100x organisation costs 100x, not 100x squared (benchmarks/, measurement 4).
        self._groups: dict = {}
        self._statuses: dict = {}
        self._assignment_views: dict = {}
        self._commented: set[str] = set()  # posts whose commentary a table has already shown
        self._in_comment_column: set[str] | None = None
        self.texts = TextHelpers(report, self.statuses)
        self._header_values = header_values(self.ar, self.org.perioder.get(report.outcomes.rapport.period))

    # -- amounts ------------------------------------------------------------
    def header(self, col_id: str, override: str | None = None) -> str:
        c = self.r.columns.get(col_id)
        text = override or (c.rubrik if c else col_id)
        return fill_header(text, self._header_values)

    def cell(self, pid: str, col: str, decimals: int | None = None, row_format: str | None = None,
             table_decimals: int | None = None) -> str:
        text = self._cell(pid, col, decimals, row_format, table_decimals)
        c = self.r.columns.get(col)
        if (c is not None and c.plustecken and (self.r.ledger.value(pid, col) or 0) > 0
                and any(ch in "123456789" for ch in text)):  # 0 stays 0, also when 0,4 rounds to it
            return "+" + text
        return text

    def _cell(self, pid: str, col: str, decimals: int | None = None, row_format: str | None = None,
              table_decimals: int | None = None) -> str:
        """One figure as the table prints it; a missing figure is "–" in every format.

        `decimals` is the row's or post's setting, then the column's and the table's (belopp). A column or row with a
        format of its own (procent, decimal) has one decimal unless its own `decimaler` says
        otherwise, so trailing zeros stay as the source prints them ("11,0 %")."""
        v = self.r.ledger.value(pid, col)
        c = self.r.columns.get(col)
        if v is None:
            # "–" for a figure that is "–" or not yet known; a percentage or decimal column
            # the post has no figure in at all stays empty, as the sources print it
            own_format = row_format or (c.format if c is not None else "belopp")
            if own_format != "belopp" and self.r.ledger.get(pid, col) is None:
                return ""
            return DASH
        if row_format in ("procent", "decimal"):
            d = decimals if decimals is not None else 1
            return fmt_percent(v, d) if row_format == "procent" else fmt_number(v, d)
        if c is not None and c.format in ("procent", "decimal"):
            d = c.decimaler if c.decimaler is not None else 1
            return fmt_percent(v, d) if c.format == "procent" else fmt_number(v, d)
        if decimals is None:
            decimals = c.decimaler if c is not None and c.decimaler is not None else table_decimals
        return fmt_number(v, decimals or 0)

    def column_unit(self, col_id: str, table_unit: str) -> str:
        """The unit of a table column's figures: its own, '%' for a percentage, else the table's."""
        c = self.r.columns.get(col_id)
        if c is None:
            return table_unit
        if c.enhet:
            return c.enhet
        return "%" if c.format == "procent" else table_unit

    def table_columns(self, t, unit: str) -> tuple[list[tuple[str, str]], bool]:
        """A table's (column id, header) pairs, and whether its figure columns differ in unit."""
        col_ids = [c if isinstance(c, str) else c.kolumn for c in t.kolumner]
        # A table whose figure columns differ in unit (a percentage beside amounts) claims
        # no unit for the whole: a column with a unit of its own names it in its header.
        same = {unit, "%"} if unit.lower() in ("%", "procent") else {unit}
        mixed = any(self.column_unit(cid, unit) not in same for cid in col_ids if cid != "kommentar")
        cols = []
        for c in t.kolumner:
            cid, over = (c, None) if isinstance(c, str) else (c.kolumn, c.rubrik)
            if cid == "kommentar":
                cols.append((cid, over or "Kommentar"))
                continue
            head = self.header(cid, over)
            col_unit = self.column_unit(cid, unit)
            if mixed and col_unit not in ("%", unit) and not names_unit(head, col_unit):
                head = f"{head}, {col_unit}"  # a percentage's cells carry their own "%"
            cols.append((cid, head))
        return cols, mixed

    def table_view(self, tid: str) -> dict:
        t = self.r.outcomes.tabeller.get(tid) or self.r.budget.tabeller.get(tid)
        if t is None:
            raise KeyError(tid)
        unit = t.enhet or self.org.enhet
        cols, mixed = self.table_columns(t, unit)
        col_ids = [c for c, _ in cols]
        rows: list[dict] = []
        comments: list[str] = []
        post_notes: list[str] = []
        has_comment_column = "kommentar" in col_ids

        def add(pid, label, style, depth, decimals=None, source=None, row_format=None):
            # the row and, with visa_varav, its breakdown under it (bounded; RR625 in `rapport check`)
            for i, (p, below) in enumerate(D.post_rows(pid, self.r.posts, t.visa_varav, D.MAX_TABLE_ROWS - len(rows))):
                post = self.r.posts[p]
                # The most specific setting wins: the row's, the post's, then the column's and
                # the table's (in _cell; else whole units).
                own = decimals if i == 0 else None
                d = next((x for x in (own, post.decimaler) if x is not None), None)
                fmt = row_format if i == 0 else None
                cells = []
                for cid, _ in cols:
                    if cid == "kommentar":
                        cells.append(self.text(post.kommentar or "", inline=True))
                    elif i == 0 and source is not None:  # the row shows other columns of its post, or nothing
                        cells.append(self.cell(p, source[cid], d, fmt, t.decimaler) if cid in source else "")
                    else:
                        cells.append(self.cell(p, cid, d, fmt, t.decimaler))
                shown_label = (label if i == 0 else None) or post.namn or p
                rows.append({"label": shown_label, "cells": cells,
                             "stil": style if i == 0 else "varav", "niva": depth + below, "post": p})
                # A post's own footnote goes under every table that shows it; its commentary (a
                # committee's is the committee section's) under the first table, when no
                # comment column shows it.
                if post.fotnot:
                    note = f"{sentence_start(shown_label)}: {self.text(post.fotnot.strip(), inline=True)}"
                    if note not in post_notes:
                        post_notes.append(note)
                if (post.kommentar and not has_comment_column and p not in self.r.budget.namnder
                        and p not in self._commented and p not in self.commented_in_column()):
                    self._commented.add(p)
                    comments.append(f"**{escape_markdown(sentence_start(shown_label))}.** {self.text(post.kommentar.strip())}")

        for row in t.rader:
            if isinstance(row, str):
                add(row, None, "normal", 0)
            elif row.rubrik is not None:
                rows.append({"label": row.rubrik, "cells": [""] * len(cols), "stil": "rubrik", "niva": 0, "post": None})
            elif row.forandring is not None or row.andel is not None:
                rows.append(self.derived_row(row, [c for c, _ in cols]))
            else:
                add(row.post, row.namn, row.stil, 1 if row.stil == "varav" else 0, row.decimaler, row.kolumnkalla,
                    row.format)
        del add  # a closure over self is a reference cycle: it kept the report for the collector
        notes = [self.text(f, inline=True) for f in t.fotnoter] + post_notes + self.published_notes(rows, cols)
        return {
            "id": tid, "rubrik": t.rubrik, "text": self.text(t.text) if t.text else "",
            "kolumner": [h for _, h in cols], "kolumn_ids": [c for c, _ in cols],
            "textkolumner": [c == "kommentar" for c, _ in cols],
            "rader": rows, "fotnoter": notes, "kommentarer": comments,
            # Over the labels the unit of the whole table, unless its columns differ in unit.
            "enhet": "" if mixed else unit,
            # The caption: the heading and the unit, unless the heading already names it
            # ("Resultaträkning (mnkr)" gets no second "(mnkr)"); where columns differ in unit,
            # the unit of its amounts ("belopp i mnkr"), a percentage carrying its own "%".
            "bildtext": (t.rubrik if names_unit(t.rubrik, unit)
                         else f"{t.rubrik} (belopp i {unit})" if mixed else f"{t.rubrik} ({unit})"),
        }

    def commented_in_column(self) -> set[str]:
        """Posts that a table with a comment column shows (their commentary is shown there)."""
        if self._in_comment_column is None:
            found: set[str] = set()
            for t in (*self.r.budget.tabeller.values(), *self.r.outcomes.tabeller.values()):
                if "kommentar" not in [c if isinstance(c, str) else c.kolumn for c in t.kolumner]:
                    continue
                for row in t.rader:
                    pid = row if isinstance(row, str) else row.post
                    if pid in self.r.posts:
                        found.update(p for p, _ in D.post_rows(pid, self.r.posts, t.visa_varav))
            self._in_comment_column = found
        return self._in_comment_column

    def published_notes(self, rows: list[dict], cols: list[tuple[str, str]]) -> list[str]:
        """A footnote for each printed figure reproduced as published against its parts
        (`tryckt_avviker`): the reader learns what the parts give, and why."""
        notes = []
        for row in rows:
            if row["post"] is None:
                continue
            for cid, header in cols:
                v = self.r.ledger.get(row["post"], cid)
                if v is None or v.avviker is None or v.computed is None:
                    continue
                note = (f"{sentence_start(row['label'])}, {header.lower()}: {fmt_amount(v.v)} som i den publicerade källan; "
                        f"delarna ger {fmt_amount(v.computed)}. {self.text(v.avviker.strip(), inline=True)}")
                if note not in notes:
                    notes.append(note)
        return notes

    def derived_row(self, row, col_ids: list[str]) -> dict:
        """A percent row computed from the figures the table shows (compute/derived.py)."""
        figures = [c for c in col_ids if c != "kommentar"]
        if row.forandring is not None:
            values = D.change_percent(self.r.ledger.value, row.forandring, figures)
            label = row.namn or "Förändring, %"
        else:
            part, whole = row.andel
            values = D.share_percent(self.r.ledger.value, part, whole, figures)
            label = row.namn or f"{self.r.ledger.name(part)} i procent av {self.r.ledger.name(whole).lower()}"
        shown = set(row.kolumner) if row.kolumner is not None else set(figures)
        cells = [fmt_percent(values[c], 1) if c in shown and values.get(c) is not None else "" for c in col_ids]
        return {"label": label, "cells": cells, "stil": row.stil, "niva": 1 if row.stil == "varav" else 0, "post": None}

    # -- goals --------------------------------------------------------------
    def goal_views(self) -> dict:
        if self._goal_views is not None:
            return self._goal_views
        org, b, o = self.org, self.r.budget, self.r.outcomes
        status_words = org.status
        areas: dict[str, dict] = {}
        all_metrics = []
        # The history columns are the earlier years the report gives outcomes for,
        # newest first: as many as the data has, the same in every goal table.
        history_years = sorted({y for m in o.matetal.values() for y in m.historik if y < self.ar}, reverse=True)
        by_goal = self.results()[1]["goal"]
        for gid, g in b.mal.items():
            metrics = []
            all_of_goal = g.all_metrics()
            for res in by_goal.get(gid, []):
                mt, out = all_of_goal[res.id], o.matetal.get(res.id)
                unit, higher = res.unit, res.higher_better
                sw = getattr(status_words, res.status.value)
                tr = res.trend.value if res.trend else None
                share = res.judgement.share
                # a name that states its unit, "Genomsnittlig likviditet (mnkr)", has bare cells
                bare = unit_in_name(res.name, unit)
                view = {
                    "id": res.id, "mal_id": gid, "omrade": g.omrade, "namn": res.name, "kategori": res.category,
                    "enhet": unit, "riktning": mt.riktning,
                    "utfall": fmt_metric(res.outcome, unit, bare),
                    "historik": {y: fmt_metric(v, unit, bare) for y, v in res.history.items()},
                    "historik_ar": history_years,
                    "mal": fmt_target_dir(mt.mal, unit, higher, bare),
                    "malvarden": {y: fmt_target_dir(t, unit, higher, bare) for y, t in mt.malvarden.items()},
                    "bokslut": {y: fmt_metric(v, unit, bare) for y, v in mt.bokslut.items()},
                    "status": res.status.value, "status_text": sw.text, "status_symbol": sw.symbol,
                    "status_farg": sw.farg,
                    "andel": fmt_percent(100 * share, 0) if share is not None else "",
                    "trend": tr, "trend_symbol": TREND[tr][0] if tr else "", "trend_text": TREND[tr][1] if tr else "",
                    "kommentar": self.text(out.kommentar, inline=True) if out and out.kommentar else "",
                    "saknas": out.saknas if out and out.saknas else "",
                    "information": res.information, "framgangsfaktor": res.factor,
                    # an analyst's judgement: shown with its reason and the status the rules give
                    "bedomd": res.overridden, "skal": self.text(res.reason, inline=True) if res.overridden else "",
                    "beraknad_status_text": getattr(status_words, res.computed.value).text if res.computed else "",
                }
                if res.information:
                    view.update(mal="", status="information", status_text="", status_symbol="", andel="")
                metrics.append(view)
                all_metrics.append(view)
            area = areas.setdefault(g.omrade, {"id": g.omrade, "mal": []})
            area_def = org.omraden.get(g.omrade) if g.omrade else None
            factors = [{"id": fid, "namn": f.namn, "matetal": [v for v in metrics if v["framgangsfaktor"] == fid],
                        "uppdrag": [self.assignment(k) for k in self._group(b.uppdrag, "mal").get(fid, [])]}
                       for fid, f in g.framgangsfaktorer.items()]
            area["mal"].append({"id": gid, "namn": g.namn, "matetal": metrics, "omrade": g.omrade,
                                "omrade_namn": area_def.namn if area_def else (g.omrade or ""),
                                "perspektiv": g.perspektiv or (area_def.perspektiv if area_def else None),
                                "egna_matetal": [v for v in metrics if v["framgangsfaktor"] is None],
                                "framgangsfaktorer": factors,
                                "uppdrag": [self.assignment(k) for k in self._group(b.uppdrag, "mal").get(gid, [])]})
        self._goal_views = {"omraden": areas, "matetal": all_metrics}
        return self._goal_views

    def results(self) -> tuple[list, dict]:
        """compute/goals.py's MetricResult of every metric, and the same grouped by goal and by area."""
        if self._results is None:
            results = G.evaluate(self.r)
            by: dict = {"goal": {}, "area": {}}
            for res in results:
                by["goal"].setdefault(res.goal, []).append(res)
                by["area"].setdefault(res.area, []).append(res)
            self._results = (results, by)
        return self._results

    def statuses(self, mal=None, omrade=None, kategori=None) -> G.StatusCounts:
        """The status counts of the metrics of one goal, area and/or category (compute/goals.py)."""
        key = (mal, omrade, kategori)
        if key not in self._statuses:
            # Narrowed by the goal's or area's own group first: linear in the metrics, not quadratic.
            results, by = self.results()
            if mal is not None:
                results = by["goal"].get(mal, [])
            elif omrade is not None:
                results = by["area"].get(omrade, [])
            self._statuses[key] = G.count(results, goal=mal, area=omrade, category=kategori)
        return self._statuses[key]

    def _group(self, items, key: str) -> dict:
        """Metric views (dicts) or budget items (models) grouped by one field, in their order; built once."""
        memo = (id(items), key)
        if memo not in self._groups:
            groups: dict = {}
            for k, item in (items.items() if isinstance(items, dict) else enumerate(items)):
                value = item[key] if isinstance(item, dict) else getattr(item, key)
                groups.setdefault(value, []).append(item if isinstance(item, dict) else k)
            self._groups[memo] = (items, groups)  # holding items keeps its id from being reused
        return self._groups[memo][1]

    # Template helpers: counts inside prose come from the data (compute/texts.py; an id
    # that names nothing is an error, never a silent 0).
    def sammanfattning(self, kategori=None, omrade=None) -> dict:
        return G.summary_view(self.statuses(None, omrade, kategori))

    def belopp(self, post: str, kolumn: str = "utfall", decimaler: int | None = None) -> str:
        return self.texts.belopp(post, kolumn, decimaler)

    def matetal(self, metric: str) -> str:
        return self.texts.matetal(metric)

    def text(self, source: str | None, inline: bool = False) -> str:
        """Render an analyst's text (compute/texts.py); `rapport check` renders every data
        text the same way (checks/texts.py), so a build meets no broken one."""
        return self.texts.text(source, inline)

    def helpers(self) -> dict:
        return self.texts.helpers()

    # -- the whole context --------------------------------------------------
    def build(self) -> dict:
        r, org, o, b = self.r, self.org, self.r.outcomes, self.r.budget
        period = org.perioder.get(o.rapport.period)
        sections = o.rapport.sektioner
        if sections is None:
            kind = org.rapporttyper.get(o.rapport.typ)
            sections = kind.sektioner if kind else []
        committees = []
        for cid, c in b.namnder.items():
            p = r.posts.get(cid)
            committees.append({"id": cid, "namn": c.namn, "kortnamn": c.kortnamn or "",
                               "kommentar": self.text(p.kommentar) if p and p.kommentar else "",
                               "utfall": self.belopp(cid, "utfall"), "avvikelse": self.belopp(cid, "avvikelse"),
                               "prognos_avvikelse": self.belopp(cid, "prognos_avvikelse")})
        gv = self.goal_views()
        areas = []
        for aid, a in org.omraden.items():
            view = gv["omraden"].get(aid, {"id": aid, "mal": []})
            ass = o.omraden.get(aid)
            areas.append({
                "id": aid, "namn": a.namn, "perspektiv": org.perspektiv.get(a.perspektiv, a.perspektiv),
                "mal": view["mal"],
                "bedomning": org.bedomning.get(ass.bedomning, "") if ass and ass.bedomning else "",
                "bedomning_id": ass.bedomning if ass else None,
                "text": self.text(ass.text) if ass and ass.text else "",
                "uppdrag": [self.assignment(k) for k in self._group(b.uppdrag, "omrade").get(aid, [])],
                "aktiviteter": [{"text": b.aktiviteter[k].text, "kommentar": self.text(o.aktiviteter[k].kommentar, inline=True)
                                 if k in o.aktiviteter and o.aktiviteter[k].kommentar else ""}
                                for k in self._group(b.aktiviteter, "omrade").get(aid, [])],
                "sammanfattning": self.sammanfattning(omrade=aid),
            })
        assignments_by_persp = []
        for pid, pname in org.perspektiv.items():
            items = [self.assignment(k) for k in self._group(b.uppdrag, "perspektiv").get(pid, [])]
            if items:
                assignments_by_persp.append({"id": pid, "namn": pname, "uppdrag": items})
        status_rows = []
        for kat in ("verksamhet", "finansiell"):
            s = self.sammanfattning(kategori=kat)
            status_rows.append({"kategori": kat, **s})
        data = {
            "org": {"namn": org.namn, "enhet": org.enhet, "farger": dict(org.farger),
                    "status": {s.value: getattr(org.status, s.value).model_dump() for s in G.STATUSES},
                    "malkolumner": list(org.malkolumner), "malrubriker": dict(org.malrubriker),
                    "uppdragsvisning": org.uppdragsvisning, "uppdragskolumner": list(org.uppdragskolumner or []),
                    "uppdragsrubriker": dict(org.uppdragsrubriker),
                    "texter": {k: self.text(v) for k, v in org.texter.items()}},
            "rapport": {"id": r.id, "titel": o.rapport.titel, "undertitel": o.rapport.undertitel or "",
                        "typ": o.rapport.typ, "ar": o.rapport.ar, "fg_ar": o.rapport.ar - 1,
                        "period": period.namn if period else o.rapport.period,
                        "period_kort": period.kort if period else "", "beslut": o.rapport.beslut or "",
                        "utgivare": o.rapport.utgivare or "", "beslutande": o.rapport.beslutande or "",
                        "diarienummer": o.rapport.diarienummer or "",
                        "datum": swedish_date(o.rapport.datum), "datum_iso": o.rapport.datum.isoformat(),
                        **org.layout(o.rapport.typ)},
            "budget": {"id": r.budget_id, "titel": b.titel, "ar": b.ar},
            "sektioner": section_views(sections),
            "namnder": committees,
            "omraden": areas,
            "uppdrag_per_perspektiv": assignments_by_persp,
            **self.budget_views(),
            "malsammanfattning": status_rows,
            "malhierarki": self.hierarchy_views(sections),
            "jamforelse": self.comparison_view(),
            "texter": {k: self.text(v) for k, v in o.texter.items()},
            "serier": {k: v.model_dump() for k, v in o.serier.items()},
            "diagram": chart_views(self),  # data, caption and alt text per chart (chartdata.py); drawn by charts.py
        }
        return data

    def hierarchy_views(self, sections) -> list[dict]:
        """Perspective -> goal -> success factor -> metrics, with assignments at each level
        (section malhierarki; `{perspektiv: id}` in the section list places one perspective
        elsewhere, e.g. beside the income statement, and malhierarki then leaves it out)."""
        org, b = self.org, self.r.budget
        placed = {s.perspektiv for s in sections if getattr(s, "perspektiv", None)}
        goals = [g for a in self.goal_views()["omraden"].values() for g in a["mal"]]
        order = {gid: i for i, gid in enumerate(b.mal)}
        out = []
        for pid, pname in org.perspektiv.items():
            mine = sorted((g for g in goals if g["perspektiv"] == pid), key=lambda g: order[g["id"]])
            own = [self.assignment(k) for k, a in b.uppdrag.items() if a.mal is None and a.perspektiv == pid]
            counts = G.count([r for r in self.results()[0] if r.goal in {g["id"] for g in mine}])
            if mine or own:
                out.append({"id": pid, "namn": pname, "mal": mine, "uppdrag": own, "placerad": pid in placed,
                            "sammanfattning": G.summary_view(counts)})
        return out

    def comparison_view(self) -> dict | None:
        """The earlier report's goal summary (rapport.jamforelse), computed from its own data file
        with its own budget: what a reader compares this period's counts with."""
        e = self.r.earlier
        if e is None:
            return None
        results = G.evaluate(e)
        view = {"id": e.id, "titel": e.outcomes.rapport.titel, "ar": e.outcomes.rapport.ar,
                "alla": G.summary_view(G.count(results))}
        for kat in ("verksamhet", "finansiell"):
            view[kat] = G.summary_view(G.count(results, category=kat))
        return view

    def perspective(self, pid: str) -> dict:
        """One perspective's hierarchy, for a `{perspektiv: id}` section."""
        for p in self.hierarchy_views([]):
            if p["id"] == pid:
                return p
        return {"id": pid, "namn": self.org.perspektiv.get(pid, pid), "mal": [], "uppdrag": [], "placerad": True,
                "sammanfattning": G.summary_view(G.StatusCounts())}

    def budget_views(self) -> dict:
        """What a budget document shows: goals per perspective with their closing outcomes
        (bokslut) and target values per year, and assignments per area."""
        org, b = self.org, self.r.budget
        goals = [g for a in self.goal_views()["omraden"].values() for g in a["mal"]]
        per_persp = []
        for pid, pname in org.perspektiv.items():
            mine = [g for g in goals if g["perspektiv"] == pid]
            if mine:
                per_persp.append({"id": pid, "namn": pname, "mal": mine})
        metrics = [mt for g in b.mal.values() for mt in g.matetal.values()]
        per_area = []
        for aid, a in [*list(org.omraden.items()), (None, None)]:
            ids = (self._group(b.uppdrag, "omrade").get(aid, []) if aid
                   else [k for k, u in b.uppdrag.items() if u.omrade not in org.omraden])
            items = [self.assignment(k) for k in ids]
            if items:
                per_area.append({"id": aid, "namn": a.namn if a else "", "uppdrag": items})
        return {
            "mal_per_perspektiv": per_persp,
            # The years of the budget's goal table: closing outcomes, then this year's
            # target (mal) and the later target values (malvarden).
            "malar": {"bokslut": sorted({y for mt in metrics for y in mt.bokslut}),
                      "malvarden": [b.ar, *sorted({y for mt in metrics for y in mt.malvarden if y != b.ar})]},
            "uppdrag_per_omrade": per_area,
        }

    def assignment(self, aid: str) -> dict:
        """One assignment's view; made once, as it is listed both per area and per perspective."""
        if aid in self._assignment_views:
            return self._assignment_views[aid]
        b, o, org = self.r.budget, self.r.outcomes, self.org
        a = b.uppdrag[aid]
        out = o.uppdrag.get(aid)
        committees = []
        for c in a.ansvar:
            c_model = b.namnder.get(c)
            other = b.ansvariga.get(c)  # a responsible body that is no committee (a beredning)
            name = c_model.namn if c_model else (other or c)
            committees.append({"id": c, "namn": name,
                               "kortnamn": (c_model.kortnamn or c_model.namn) if c_model else name,
                               "kommentar": self.text(out.kommentarer.get(c), inline=True) if out and out.kommentarer.get(c) else ""})
        view = {"id": aid, "text": a.text, "perspektiv": org.perspektiv.get(a.perspektiv or "", ""),
                "omrade": a.omrade, "tidplan": a.tidplan or "", "finansiering": a.finansiering or "",
                "status": org.uppdragsstatus.get(out.status, out.status) if out else "",
                "kommentar": self.text(out.kommentar, inline=True) if out and out.kommentar else "",
                "namnder": committees, "ansvarig": ", ".join(c["namn"] for c in committees),
                "analys": " ".join(x for x in ([self.text(out.kommentar, inline=True)] if out and out.kommentar else [])
                                   + [c["kommentar"] for c in committees if c["kommentar"]])}
        self._assignment_views[aid] = view
        return view
