"""Goal follow-up of the Kronoberg example: statuses computed from the real figures."""
from __future__ import annotations

import re

import pytest

from regionrapport.diagnostics import Collector
from regionrapport.project import load_project, load_report
from regionrapport.render.context import Context


@pytest.fixture(scope="module")
def ctx(repo_root):
    project = load_project(repo_root)
    c = Collector()
    report = load_report(project, "delar-mars-2025", c)
    assert not c.errors, c.errors
    return Context(report)


def test_report_wide_summary_matches_the_source(ctx):
    """'Av 27 verksamhetsmässiga resultatmål har 16 helt eller delvis tillfredsställande
    måluppfyllelse och sex saknar utfall'; of the five financial targets all but one are met."""
    v = ctx.sammanfattning(kategori="verksamhet")
    assert v["antal"] == 27
    assert v["uppfyllda_eller_delvis"] == 16
    assert v["saknas"] == 6
    f = ctx.sammanfattning(kategori="finansiell")
    assert (f["antal"], f["gron"]) == (5, 4)


def test_statuses_are_computed_below_the_render_layer(ctx):
    """compute/goals.evaluate gives typed results; the render layer only formats them."""
    from regionrapport.compute import goals as G

    results = {r.id: r for r in G.evaluate(ctx.r)}
    assert results["besvarade_samtal"].status is G.Status.YELLOW   # 87,6 / 95 = 92 %
    assert results["besvarade_samtal"].outcome == 87.6 and results["besvarade_samtal"].trend is G.Trend.DOWN
    assert results["aterinskrivning_65_ar"].status is G.Status.RED  # lower is better: 12 / 16 = 75 %
    assert results["aterinskrivning_65_ar"].trend is G.Trend.UP     # 16,2 → 16
    v = G.count(results.values(), category="verksamhet")
    assert (v.total, v.met_or_partly, v.missing) == (27, 16, 6)   # the source's 27 / 16 / six
    f = G.count(results.values(), category="finansiell")
    assert (f.total, f.green) == (5, 4)


def test_goal_level_count_used_in_the_assessment(ctx):
    # "För målet Vården är till för alla uppnås målnivån i tre av sex mätetal."
    assert (ctx.texts.uppfyllda("vard_for_alla"), ctx.texts.antal("vard_for_alla")) == (3, 6)


def by_id(ctx):
    return {m["id"]: m for m in ctx.goal_views()["matetal"]}


def test_individual_statuses_and_trends(ctx):
    m = by_id(ctx)
    assert m["besvarade_samtal"]["status"] == "gul"          # 87,6 / 95 = 92 %
    assert m["besvarade_samtal"]["trend"] == "ned"           # 93 → 87,6
    assert m["forsta_besok_90_dagar"]["status"] == "gron"    # 81 vs 73
    assert m["aterinskrivning_65_ar"]["status"] == "rod"     # lower is better: 12 / 16 = 75 %
    assert m["aterinskrivning_65_ar"]["trend"] == "upp"      # 16,2 → 16: better
    assert m["sjukfranvaro"]["status"] == "rod"              # 5 / 6,6 = 76 %
    assert m["fortroende_hsv"]["status"] == "saknas"
    assert m["soliditet"]["status"] == "gul"                 # the one financial target not met


def test_rendered_goal_table_has_all_four_statuses_readable_without_colour(repo_root, built_report):
    md = built_report["md"].read_text(encoding="utf-8")
    org = ctx_org_words(repo_root)
    for status, word in org.items():
        assert re.search(r"\[. " + re.escape(word) + r"\]\{\.status-" + status + r"\}", md), status
    # a table in the health-care area holds green, yellow, red and missing rows
    area = md[md.index("## Hälso- och sjukvård"): md.index("## Kollektivtrafik")]
    for status in org:
        assert "{.status-" + status + "}" in area


def ctx_org_words(repo_root):
    project = load_project(repo_root)
    s = project.org.status
    return {k: getattr(s, k).text for k in ("gron", "gul", "rod", "saknas")}


def test_status_words_reach_docx_and_pdf(built_report):
    import docx
    from pypdf import PdfReader

    d = docx.Document(str(built_report["docx"]))
    runs = [r for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    styled = {r.style.name for r in runs if r.style is not None and r.style.name.startswith("Status")}
    assert {"Status gron", "Status gul", "Status rod", "Status saknas"} <= styled
    text = "\n".join(p.extract_text() for p in PdfReader(str(built_report["pdf"])).pages)
    assert "Otillfredsställande" in text and "Målet uppfyllt" in text


def test_assignment_appendix_lists_every_assignment_with_committee(ctx, built_report):
    md = built_report["md"].read_text(encoding="utf-8")
    appendix = md[md.index("# Bilaga – Uppdrag"):]
    budget = ctx.r.budget
    assert len(budget.uppdrag) >= 40
    for a in budget.uppdrag.values():
        assert a.text.replace("|", "\\|") in appendix
    # an assignment with several committees has one row per committee, each with its own comment
    multi = [k for k, a in budget.uppdrag.items() if len(a.ansvar) > 1]
    assert multi
    views = ctx.assignment(multi[0])
    assert len(views["namnder"]) == len(budget.uppdrag[multi[0]].ansvar)


def test_financial_result_share_is_computed_not_typed(ctx):
    """'Resultat (%) i förhållande till skatteintäkter ...' = resultat efter balanskravsjusteringar
    / skatter och statsbidrag: 100 / 2 135 = 4,68 %, printed 4,7 % as the source does."""
    m = by_id(ctx)["resultat_andel_skatteintakter"]
    led = ctx.r.ledger
    assert led.value("resultat_efter_bkj", "utfall") == 100 and led.value("skatter_och_statsbidrag", "utfall") == 2135
    assert m["utfall"] == "4,7\u00a0%" and m["status"] == "gron"
    assert ctx.r.outcomes.matetal["resultat_andel_skatteintakter"].utfall is None  # not typed in the report
