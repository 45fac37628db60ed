"""End-to-end: budget-2025, the budget proposal 2025–27, from the repository's YAML to Markdown, DOCX and PDF.

Figures asserted here are the source's own (../shared/sources/001_*.txt), or derived
from them where the tool computes what the source prints.
"""
from __future__ import annotations

import re

import pytest

from regionrapport.compute.derived import change_percent, share_percent
from mdtables import n, table_header, table_rows


@pytest.fixture(scope="module")
def budget(repo_root, tmp_path_factory):
    """budget-2025 built once in every format: {fmt: Path}."""
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    out = tmp_path_factory.mktemp("budget")
    res = build(load_project(repo_root), "budget-2025", ("md", "docx", "pdf"), out)
    assert not res.warnings, res.warnings
    return {p.suffix.lstrip("."): p for p in res.outputs}


@pytest.fixture(scope="module")
def md(budget) -> str:
    return budget["md"].read_text(encoding="utf-8")


YEARS = ["Utfall 2023", "Budget 2024", "Budget 2025", "Plan 2026", "Plan 2027"]


def test_driftramar_per_namnd(md):
    assert table_header(md, "Preliminära driftramar per nämnd") == ["mnkr", *YEARS]
    rows = table_rows(md, "Preliminära driftramar per nämnd")
    assert rows["Summa"] == [n("7 864"), n("8 167"), n("8 304"), n("8 664"), n("8 923")]
    assert rows["Hälso- och sjukvårdsnämnd"][2] == n("5 619")
    # each year against the year before, from the printed sums: 8304/8167, 8664/8304, 8923/8664;
    # like the source, none for Budget 2024 (a budget against an outcome)
    assert rows["Förändring jämfört med föregående år"] == ["", "", n("1,7 %"), n("4,3 %"), n("3,0 %")]
    # below one million: the source's 0,5 and 0,9, shown with the row's decimaler: 1, not as 1 and 1
    assert rows["Patientnämnden"][:2] == ["0,5", "0,9"]


def test_no_notes_for_the_editors(md):
    assert "källan" not in md and "i underlaget" not in md


def test_resultatbudget(md):
    rows = table_rows(md, "Resultatbudget")
    assert rows["Redovisat resultat"] == ["0", n("-142"), "202", "215", "214"]
    assert rows["Verksamhetens nettokostnader"][2] == n("-8 304")
    assert rows["Resultat efter balanskravsjusteringar"][0] == n("-146")
    # Result as a share of taxes, equalisation and grants, from the printed figures:
    # −146/7933, −142/8379, 202/8604, 215/8875, 214/9208. The source prints 2,4 % for 2025;
    # 202/8604 is 2,348 %, so we show 2,3 % (its 2,4 % must come from unrounded amounts).
    share = rows["Resultat i förhållande till skatteintäkter, kommunalekonomisk utjämning och generella statsbidrag"]
    assert share == [n("-1,8 %"), n("-1,7 %"), n("2,3 %"), n("2,4 %"), n("2,3 %")]


def test_finansiering_and_balance(md):
    fin = table_rows(md, "Finansiering")
    assert fin["Summa skatter, utjämningssystemet samt generella statsbidrag"][2] == n("8 604")
    assert fin["Summa"] == [n("7 719"), n("8 024"), n("8 506"), n("8 878"), n("9 136")]
    assert fin["Avräkning skatteintäkter"][1:] == ["–", "–", "–", "–"]
    bal = table_rows(md, "Balansbudget")
    assert bal["Summa"] == [n("8 584"), n("9 096"), n("9 988"), n("10 251"), n("10 511")]
    cash = table_rows(md, "Kassaflödesbudget")
    assert cash["Årets resultat"][2] == "202"  # the same post as Redovisat resultat
    assert cash["Förändring likvida medel"] == ["76", n("-203"), n("-207"), n("-188"), n("-49")]


def test_change_of_frames_in_tenths(md):
    rows = table_rows(md, "Förändring driftramar 2025–2027 jämfört med 2024")
    assert rows["Resursförändring inkl. LPIK-uppräkning"] == ["51,0", "87,2", "153,3"]
    assert rows["Summa förändringar jämfört med 2024"] == ["137,8", "497,2", "756,5"]


def test_investments_and_companies(md):
    inv = table_rows(md, "Investeringsbudget")
    assert inv["Summa"][1:] == [n("1 011"), "696", "586", "476"]
    ramar = table_rows(md, "Investeringsramar 2025–2027")
    assert ramar["Fastighetsinvesteringar beslutade av RF"] == ["247", "134", "93"]
    companies = md[md.index("## Koncernföretagens ekonomi"):]
    assert "| Årets resultat" in companies
    assert n("-12,4") in companies  # Växjö Småland Airport 2023, in tenths as the source gives it


def test_goal_tables_per_perspective(md):
    goals = md[md.index("# Mål och mått"): md.index("# Prioriterade uppdrag")]
    assert [line for line in goals.splitlines() if line.startswith("## ")][:4] == [
        "## Invånare", "## Processutveckling och produktion", "## Medarbetare", "## Ekonomi"]
    assert table_header(md, "En hållbar ekonomi i balans") == ["Mätetal", "Bokslut 2023", "Målvärde 2025", "Målvärde 2027"]
    rows = table_rows(md, "En hållbar ekonomi i balans")
    assert rows["Soliditet (%)"] == [n("32 %"), "Ökande trend", "Ökande trend"]
    assert rows["Resultat (%) i förhållande till skatteintäkter, kommunalekonomisk utjämning och generella statsbidrag"] \
        == [n("-1,8 %"), n("2,4 %"), n("2,3 %")]
    care = table_rows(md, "Förtroendet för verksamheten ska vara högt")
    assert care["Namngiven vård- och läkarkontakt inom primärvården"] == [n("17,5 %"), n("22 %"), n("28 %")]


def test_prioritised_assignments(md):
    assert table_header(md, "Prioriterade uppdrag: hälso- och sjukvård samt tandvård") == \
        ["Uppdrag", "Ansvarig nämnd", "Tidplan", "Finansiering"]
    rows = table_rows(md, "Prioriterade uppdrag: hälso- och sjukvård samt tandvård")
    assert rows["Primärvårdssatsning för att till 2027 ligga på rikssnittet för anslagen"] == \
        ["FV", "2025–2027", "45 Mkr/2025 75 Mkr/2026 105 Mkr/2027 Primärvårdssatsning"]
    assert rows["Framtagande av gemensam plan \"primärvården som nav\""][0] == "HSN, FV"
    eco = table_rows(md, "Prioriterade uppdrag: ekonomi")
    assert eco["Utveckla styrmodell med samband mellan ekonomi, prestation och kvalitet"] == ["RS", "2025", "Inom ram"]


def test_report_texts_introduce_their_tables(md):
    section = md[md.index("## Resultatbudget"): md.index("## Kassaflödesbudget")]
    text_at, table_at = section.index("Efter två svaga år"), section.index("| mnkr")
    assert text_at < table_at


def test_tax_rate_and_borrowing_limit_from_the_source(md):
    # "Skattesatsen i Region Kronoberg för 2025 fastställs till 12,00 procent" (p. 38);
    # "låneram på 1 500 miljoner kronor" (p. 51)
    tax = md[md.index("### Skattesats"):md.index("### Utjämning")]
    assert "12,00 procent" in tax
    loan = md[md.index("## Låneram"):md.index("## Koncernföretagens ekonomi")]
    assert n("1 500") + " mnkr" in loan


def test_kapiteringsersattning_from_the_source(md):
    assert "## Kapiteringsersättning till vårdval primärvård och barntandvård" in md
    care = table_rows(md, "Vårdersättning per listad och år")
    assert care == {"Vårdersättning 2024": [n("5 308")], "Indexreglering (LPIK)": [n("-69")],
                    "Resursförstärkning primärvård": ["222"], "Resurstillskott läkemedel": ["74"],
                    "Ortopedtekniska hjälpmedel": ["15"], "Inkontinensartiklar": ["10"],
                    "Vårdersättning 2025": [n("5 560")], "Inklusive 2 % momsersättning": [n("5 671")]}
    teeth = table_rows(md, "Barntandvårdspeng per barn och år")
    assert teeth == {"Barntandvårdspeng 3–19 år": [n("1 733"), n("-24"), n("1 709")],
                     "Områdesansvar 0–2 år": ["349", n("-5"), "344"],
                     "Områdesansvar 3–19 år": ["218", n("-3"), "215"]}
    text = md[md.index("## Kapiteringsersättning"):md.index("### Vårdersättning")]
    assert n("-1,3") in text and n("-1,4") in text  # LPIK adjustments (p. 47)


def test_narrative_chapters_are_there(md):
    heads = [line for line in md.splitlines() if line.startswith("# ")]
    assert heads[:4] == ["# Inledning", "# Verksamhetsområden", "# Mål och mått", "# Prioriterade uppdrag"]
    areas = md[md.index("# Verksamhetsområden"):md.index("# Mål och mått")]
    for name in ("Hälso- och sjukvård samt tandvård", "Kollektivtrafik", "Regional utveckling", "Kultur",
                 "Medarbetare", "Ekonomi", "Stöd- och serviceverksamheter"):
        assert f"## {name}\n" in areas, name
    # the primary-care rise 2025–2027 comes from the FV change rows (45 / 75 / 105 mnkr, p. 15 and 45)
    assert "med 45, 75 och 105 mnkr åren 2025–2027" in " ".join(areas.split())
    assert "Allians för Kronoberg" in md[:md.index("# Verksamhetsområden")]


def test_source_wording_and_no_editors_notes(md):
    rows = table_rows(md, "Förändring driftramar 2025–2027 jämfört med 2024")
    assert rows["Budgetflytt från nämnden för folkhälsa och vårdval (inkontinensartiklar)"] == \
        [n("-2,0"), n("-2,0"), n("-2,0")]
    body = md.split("---", 2)[2]
    assert not re.search(r"\b(källan|underlaget)\b", body, re.I)  # notes on the source stay in the YAML
    inv = table_rows(md, "Investeringsbudget")
    assert inv["Övrigt, ej specificerat"][0] == "57"
    assert inv["Summa"][0] == "553"  # the printed total, now with rows that add up to it


def test_docx_and_pdf(budget):
    import docx
    import pypdf

    doc = docx.Document(str(budget["docx"]))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert n("8 304") in cells and "Målvärde 2027" in cells
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(budget["pdf"])).pages)
    assert "Förändring jämfört med föregående år" in text
    assert "Inom ram" in text


# -- the derived-row rules, on small figures -------------------------------------------
def lookup(table):
    return lambda post, col: table.get(post, {}).get(col)


def test_change_percent_rules():
    figures = {"x": {"a": 100, "b": 110, "c": 99, "d": None, "e": 5},
               "cost": {"a": -200, "b": -210}, "flip": {"a": -10, "b": 20}, "zero": {"a": 0, "b": 5}}
    got = change_percent(lookup(figures), "x", ["a", "b", "c", "d", "e"])
    assert got["a"] is None and got["b"] == pytest.approx(10) and got["c"] == pytest.approx(-10)
    assert got["d"] is None and got["e"] is None  # nothing to compare with on either side of a gap
    assert change_percent(lookup(figures), "cost", ["a", "b"])["b"] == pytest.approx(5)  # a growing cost: +5 %
    assert change_percent(lookup(figures), "flip", ["a", "b"])["b"] is None  # across zero: no meaning
    assert change_percent(lookup(figures), "zero", ["a", "b"])["b"] is None


def test_share_percent_rules():
    figures = {"res": {"a": 202, "b": -146, "c": 1}, "base": {"a": 8604, "b": 7933, "c": 0}}
    got = share_percent(lookup(figures), "res", "base", ["a", "b", "c"])
    assert got["a"] == pytest.approx(2.3477, abs=1e-4)
    assert got["b"] == pytest.approx(-1.8404, abs=1e-4)
    assert got["c"] is None
    # a cost against a larger cost (both negative): a positive share, 240 / 260 (source 000, Läkemedel)
    costs = {"lakemedel": {"a": -240}, "budget": {"a": -260}}
    assert share_percent(lookup(costs), "lakemedel", "budget", ["a"])["a"] == pytest.approx(92.3077, abs=1e-4)


def test_derived_row_with_unknown_post_is_reported(project_copy):
    from regionrapport.commands.check import check
    from regionrapport.project import load_project

    f = project_copy / "data" / "budget" / "budgetforslag-2025-2027.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("- forandring: driftramar_summa", "- forandring: driftramar_sum", 1)
                 .replace("kolumner: [budget_2025, plan_2026, plan_2027]\n    fotnoter",
                          "kolumner: [budget_2025, plan_2028]\n    fotnoter", 1), encoding="utf-8")
    diags = check(load_project(project_copy), ["budget-2025"]).diagnostics
    found = {(d.code, d.message) for d in diags}
    assert any(code == "RR101" and "'driftramar_sum'" in msg for code, msg in found), found
    assert any(code == "RR108" and "'plan_2028'" in msg for code, msg in found), found
    hint = next(d.hint for d in diags if d.code == "RR101")
    assert "driftramar_summa" in hint


def test_row_with_two_kinds_is_refused(project_copy):
    from regionrapport.commands.check import check
    from regionrapport.project import load_project

    f = project_copy / "data" / "budget" / "budgetforslag-2025-2027.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("- forandring: driftramar_summa", "- forandring: driftramar_summa\n        post: hsn", 1),
                 encoding="utf-8")
    diags = check(load_project(project_copy), ["budget-2025"]).diagnostics
    row_line = f.read_text(encoding="utf-8").splitlines().index("      - forandring: driftramar_summa") + 1
    assert [(d.severity, d.line) for d in diags] == [("error", row_line)], diags


def test_proposal_and_adopted_budget_agree_on_financing(repo_root):
    """The proposal (budgetforslag-2025-2027) and the adopted budget the interim report follows
    (budget-2025) are separate documents, kept as separate budget files. Where they describe the
    same thing, the financing of 2025, they must give the same figures; the committees' frames
    differ because the adopted budget is not the proposal."""
    from regionrapport.diagnostics import Collector
    from regionrapport.project import load_project, load_report

    project = load_project(repo_root)
    proposal = load_report(project, "budget-2025", Collector()).ledger
    adopted = load_report(project, "delar-mars-2025", Collector()).ledger
    same = {  # proposal post -> adopted post
        "preliminarskatt": "preliminarskatt", "skatteintakter": "skatteintakter",
        "inkomstutjamningsbidrag": "inkomstutjamningsbidrag", "kostnadsutjamningsavgift": "kostnadsutjamningsbidrag",
        "strukturbidrag": "strukturbidrag", "regleringsavgift_bidrag": "regleringsavgift_bidrag",
        "bidrag_lakemedelsformanen": "lakemedelsbidrag", "ovriga_statsbidrag": "ovriga_generella_statsbidrag",
        "generella_statsbidrag_och_utjamning": "generella_statsbidrag",
        "skatter_utjamning_statsbidrag": "skatter_och_statsbidrag",
        "finansiella_intakter": "finansiella_intakter", "finansiella_kostnader": "finansiella_kostnader",
        "finansiell_del_pensioner": "finansiell_del_pensioner",
    }
    for p, a in same.items():
        assert proposal.value(p, "budget_2025") == adopted.value(a, "arsbudget"), (p, a)
    assert proposal.value("skatter_utjamning_statsbidrag", "budget_2025") == 8604
    assert proposal.value("hsn", "budget_2025") == 5619 and adopted.value("hsn", "arsbudget") == -5506
