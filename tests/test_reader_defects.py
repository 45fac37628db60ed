"""Small defects a reader of the printed reports would notice, each pinned by its own figures.

Expected values come from the example YAML or the sources, worked by hand.
"""
from __future__ import annotations

import pytest

from regionrapport.diagnostics import Collector
from regionrapport.project import load_project, load_report
from regionrapport.render.context import Context

NORRBY = "examples/region-norrby"


def _context(root, report_id: str) -> Context:
    c = Collector()
    report = load_report(load_project(root), report_id, c)
    assert report is not None and not c.errors, c.errors
    return Context(report)


@pytest.fixture(scope="module")
def norrby_forecast(repo_root):
    return _context(repo_root / NORRBY, "prognos-oktober-2025")


def test_a_breakdown_rows_footnote_reads_as_a_sentence(norrby_forecast):
    """The post `forsakring` (prognos-oktober-2025.yaml) is named "varav försäkringsersättning
    efter vattenskadan" in the table; its footnote opens with the label, so it starts upper case."""
    view = norrby_forecast.table_view("prognos_resultat")
    row = next(r for r in view["rader"] if r["label"].startswith("varav försäkring"))
    assert row["stil"] == "varav"  # the table keeps the label as written
    assert ("Varav försäkringsersättning efter vattenskadan: Ersättningen är beslutad av försäkringsbolaget "
            "men ännu inte utbetald.") in view["fotnoter"]


# -- charts: the figures on the bars -----------------------------------------------------
def _drawn_labels(view, monkeypatch):
    """Draw `view` and return (the texts annotated on it, the value axis' limits)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure
    from matplotlib.axes import Axes

    from regionrapport.render import charts

    seen, limits = [], []
    annotate, tight = Axes.annotate, matplotlib.figure.Figure.tight_layout

    def record(self, text, *a, **k):
        seen.append(text)
        return annotate(self, text, *a, **k)

    def layout(fig, *a, **k):
        ax = fig.axes[0]
        limits.append(ax.get_xlim() if view["typ"] == "liggande" else ax.get_ylim())
        return tight(fig, *a, **k)

    monkeypatch.setattr(Axes, "annotate", record)
    monkeypatch.setattr(matplotlib.figure.Figure, "tight_layout", layout)
    png = charts.draw(view, ["#1f4e79", "#7f8fa0", "#c46a00"])
    assert png.startswith(b"\x89PNG")
    return seen, limits[0]


def test_the_cost_chart_carries_its_figures(repo_root, monkeypatch):
    """The cost chart of delar-mars-2025 (Resultatanalys, source 000 ~line 1938): hyrpersonal
    61 (2024) and 40 (2025), köpt vård 169 and 183, läkemedel 239 and 240, on the bars and in
    the alt text."""
    from regionrapport.render.chartdata import chart_views

    view = chart_views(_context(repo_root, "delar-mars-2025"))["kostnader"]
    labels, (low, high) = _drawn_labels(view, monkeypatch)
    assert sorted(labels) == sorted(["61", "169", "239", "40", "183", "240"])
    assert low == 0 and high > 240
    assert "Hyrpersonal: 2024 61, 2025 40; Köpt vård: 2024 169, 2025 183; Läkemedel: 2024 239, 2025 240" in view["alt"]


def test_a_negative_bar_is_drawn_and_labelled_in_swedish(monkeypatch):
    """Net costs as stored (Verksamhetens nettokostnad −1 956 against a budget of −2 098,
    source 000 ~line 1956) and a share (4,3 %): the axis reaches below zero, and the labels
    read as the tables print them, with the minus sign U+2212 and a decimal comma."""
    view = {"kategorier": ["Verksamhetens nettokostnad"], "enhet": "mnkr", "typ": "staende",
            "serier": [{"namn": "Utfall", "varden": [-1956]}, {"namn": "Budget", "varden": [-2098]}]}
    labels, (low, high) = _drawn_labels(view, monkeypatch)
    assert labels == ["\u22121\u00a0956", "\u22122\u00a0098"]
    assert low <= -2098 and high >= 0
    share = {"kategorier": ["Skatter"], "enhet": "%", "typ": "liggande",
             "serier": [{"namn": "Förändring", "varden": [4.3]}, {"namn": "Fg år", "varden": [-2.8]}]}
    labels, (low, high) = _drawn_labels(share, monkeypatch)
    assert labels == ["4,3\u00a0%", "\u22122,8\u00a0%"]
    assert low <= -2.8 and high >= 4.3


def test_a_figure_below_one_unit_keeps_its_decimals_on_the_bar(repo_root, monkeypatch):
    """Patientnämnden's net cost jan–mar 2025 is 0,01 mnkr against a budget of 0,2 (source 000,
    Driftredovisning: −0,01 and −0,2); the committee chart printed "0" for the first."""
    from regionrapport.render.chartdata import chart_views

    view = chart_views(_context(repo_root, "delar-mars-2025"))["namnder"]
    labels, _limits = _drawn_labels(view, monkeypatch)
    assert "0,01" in labels and "0,2" in labels and "0" not in labels
    assert "1\u00a0353" in labels  # Hälso- och sjukvårdsnämnd, whole as before


# -- a target in a narrow column -----------------------------------------------------------
def test_a_target_is_never_broken_after_hogst(repo_root):
    """Sjövalla's Väntetid till särskilt boende has `mal: {hogst: 60}` in dagar
    (examples/sjovalla-kommun/data/budget/budget-2026.yaml): the Mål column prints
    "högst 60 dagar" as one unbreakable piece, and the column is measured to hold it."""
    from regionrapport.render.markdown import measure_columns

    ctx = _context(repo_root / "examples" / "sjovalla-kommun", "tertial2-2026")
    metric = next(m for v in ctx.goal_views().values() if isinstance(v, dict) for m in _metrics(v)
                  if m.get("namn") == "Väntetid till särskilt boende")
    assert metric["mal"] == "högst\u00a060\u00a0dagar"
    _longest, word = measure_columns(["Mätetal", "Mål 2026"], [["Väntetid till särskilt boende", metric["mal"]]])
    assert word[1] == len("högst 60 dagar")


def test_a_metric_whose_name_states_its_unit_prints_bare_figures(repo_root):
    """The interim report's Ekonomi table (source 000, lines 1419-1424) prints "Genomsnittlig
    likviditet (mnkr)" with "1 924  1 505  1 590  500": the unit is in the name, not repeated in
    each cell, where it cost the comment column its width. A percentage keeps its sign
    ("30,3 %"), and running text keeps the unit (the goal's own text says "1 924 mnkr")."""
    ctx = _context(repo_root, "delar-mars-2025")
    metrics = {m["namn"]: m for v in ctx.goal_views().values() if isinstance(v, dict) for m in _metrics(v)}
    liq = metrics["Genomsnittlig likviditet (mnkr)"]
    assert (liq["utfall"], liq["historik"][2024], liq["historik"][2023], liq["mal"]) == (
        "1\u00a0924", "1\u00a0505", "1\u00a0590", "500")
    assert metrics["Soliditet (%)"]["utfall"] == "30,3\u00a0%"


def _metrics(view):
    """Every metric dict under a goal view, however deep (areas, goals, metrics)."""
    out, stack = [], [view]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if "namn" in v and "mal" in v and "status" in v:
                out.append(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return out


# -- HTML: status symbols and words --------------------------------------------------------
def test_html_status_symbol_has_one_font_and_the_word_wraps(tmp_path):
    """◐ came from a fallback font (Arial has none) or as Liberation's hairline half, small
    beside ● and ○; and a status never wrapped ("Delvis tillfredsställande" widened its
    column past the page). The symbol gets a span of its own, set in one symbol-complete
    font; the word wraps, the symbol tied to it."""
    import subprocess

    from regionrapport.render import pandoc as P

    src = tmp_path / "s.md"
    src.write_text("| Mätetal | Status |\n|---|---|\n| A | [◐ Delvis tillfredsställande]{.status-gul} |\n"
                   "| B | [● Målet uppfyllt]{.status-gron} |\n", encoding="utf-8")
    html = subprocess.run([P.pandoc_path(), str(src), "-f", P.READER, "-t", "html", "--wrap=none", "--lua-filter",
                           str(P.RESOURCES / "status.lua")], check=True, capture_output=True, text=True).stdout
    assert '<span class="status-gul"><span class="rr-symbol">◐</span>\u00a0Delvis tillfredsställande</span>' in html
    assert '<span class="status-gron"><span class="rr-symbol">●</span>\u00a0Målet uppfyllt</span>' in html
    css = (P.RESOURCES / "rapport.css").read_text(encoding="utf-8")
    status_rule = next(line for line in css.splitlines() if line.startswith('[class^="status-"]'))
    assert "nowrap" not in status_rule
    symbol_rule = css[css.index(".rr-symbol {"):]
    symbol_rule = symbol_rule[:symbol_rule.index("}")]
    assert symbol_rule.index('"DejaVu Sans"') < symbol_rule.index('"Liberation Sans"')  # Liberation's ◐ is a hairline


# -- the PDF: no half-empty page under a short table ---------------------------------------
def test_the_second_goal_table_follows_the_first_on_its_page(built_report):
    """delar-mars-2025, Hälso- och sjukvård samt tandvård: Tabell 3 (one metric) and Tabell 4
    (six metrics, kept whole as every table of up to 15 rows). Tabell 4 once did not fit under
    Tabell 3 and left half of page 4 empty: its text columns wrapped a word a line while the
    short columns kept width they did not use (status.lua, widen_narrow)."""
    import pypdf

    pages = [p.extract_text() for p in pypdf.PdfReader(str(built_report["pdf"])).pages]
    at = {n: next(i for i, t in enumerate(pages) if f"Tabell {n}:" in t) for n in (3, 4)}
    assert at[3] == at[4], at
    # kept whole: the table's last metric is on the same page as its caption
    assert pages[at[4]].rstrip().rsplit("\n", 1)[0].endswith("över målnivån.")  # its last row's comment
