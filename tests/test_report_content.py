"""The interim report's restored sections and figures (issue 14), read from the built Markdown.

Every expected figure is typed from the source (../shared/sources/000_912304ec16dde85c.txt),
or, where the source contradicts itself, from the choice docs/kallan.md records. The
headings are those docs/coverage.md lists for each section of the source.
"""
from __future__ import annotations

import re

import pytest

from mdtables import n, table_rows
from regionrapport.numbers import NBSP


@pytest.fixture(scope="module")
def md(built_report) -> str:
    return built_report["md"].read_text(encoding="utf-8")


def flat(text: str) -> str:
    """Running text as one line, no-break spaces as spaces: what a reader reads."""
    return " ".join(text.replace(NBSP, " ").split())


def part(md: str, heading: str) -> str:
    """From a heading to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = md.index(heading + "\n")
    nxt = re.search(rf"^#{{1,{level}}} ", md[start + len(heading):], re.M)
    return md[start: start + len(heading) + (nxt.start() if nxt else len(md))]


SECTIONS_IN_SOURCE_ORDER = [
    "# Regiondirektören sammanfattar",
    "# Förvaltningsberättelse",
    "## Den kommunala koncernen",
    "### Nämnder och styrelse",
    "### Koncernföretag",
    "### Uppdragsföretag",
    "## Viktiga förhållanden för resultat och ekonomisk ställning",
    "### Förvaltning av finansiella medel",
    "### Likvida medel och kapitalförvaltning",
    "### Pensionsmedelsförvaltning",
    "### Pensionsförpliktelser",
    "## Händelser av väsentlig betydelse",
    "# Måluppfyllelse",
    "## Förväntad utveckling enligt målen om god ekonomisk hushållning",
    "## Ekonomisk ställning",
    "## Resultat per nämnd",
    "## Kommentarer per nämnd",
    "## Resultatanalys",
    "## Intäkter",
    "### Övriga intäkter januari–mars",
    "## Kostnader",
    "### Kostnad för hyrpersonal inom HSN per verksamhetsområde och yrkeskategori, jan–mar",
    "### Läkemedel",
    "### Övriga kostnader januari–mars",
    "## Finansiering, prognos för helåret",
    "## Kostnadsutveckling",
    "## Balanskravsutredning",
    "## Väsentliga personalförhållanden",
    "### Obligatorisk sjukfrånvaroredovisning",
    "#### Sjukfrånvaro i procent av ordinarie arbetstid",
    "#### Sjukfrånvarodagar per snittanställd",
    "#### Anställningsflöde, sjuksköterskor och specialistsjuksköterskor (tillsvidareanställda)",
    "#### Överenskommen och faktisk sysselsättningsgrad",
    "## Helårsprognosen mot budget för den löpande verksamheten",
    "# Drifts- och resultatredovisning",
    "# Investeringsredovisning",
    "## Pågående investeringar – kommentarer",
    "# Bilaga – Uppdrag",
]


def test_every_section_of_the_source_in_its_order(md):
    at = [md.find("\n" + h + "\n") for h in SECTIONS_IN_SOURCE_ORDER]
    missing = [h for h, i in zip(SECTIONS_IN_SOURCE_ORDER, at, strict=True) if i < 0]
    assert not missing, missing
    assert at == sorted(at), "the sections follow the source's order"


def test_summary_and_the_group(md):
    summary = flat(part(md, "# Regiondirektören sammanfattar"))
    assert "Andreas Liljenrud" in summary and "Kompetensförsörjningen" in summary
    group = flat(part(md, "## Den kommunala koncernen"))
    for name in ("Regionstyrelsen", "Hälso- och sjukvårdsnämnden", "Patientnämnden",
                 "Samverkansnämnden för Region Blekinge och Region Kronoberg"):
        assert name in group
    companies = table_rows(md, "Koncernföretag")
    assert companies["AB Destination Småland"][0] == "100"
    assert companies["Kulturparken Småland AB"][0] == "59"
    assert companies["ALMI Företagspartner Kronobergs län AB"][0] == "49"
    assert companies["Stiftelsen Musik i Kronoberg"][0] == "–"  # a foundation: no share
    assert "delårsrapporten per augusti" in flat(part(md, "### Uppdragsföretag"))


def test_liquid_assets_and_pensions(md):
    text = flat(part(md, "## Viktiga förhållanden för resultat och ekonomisk ställning"))
    # from the posts of the table: 820 / 469, 1 094 -> 1 102, 2 741 -> 2 810
    for figure in ("820 mnkr", "469 mnkr", "1 094 mnkr", "1 102 mnkr", "2 741 mnkr", "2 810 mnkr"):
        assert figure in text, figure
    assert "7 035 mnkr" in text and "40 procent" in text
    assert "Ansvarsförbindelsen, 2,6 miljarder kronor" in text
    assert "Inga händelser av väsentlig betydelse" in flat(part(md, "## Händelser av väsentlig betydelse"))


def test_expected_development_and_financial_position(md):
    text = flat(part(md, "## Förväntad utveckling enligt målen om god ekonomisk hushållning"))
    # the source: 16 of 27 operational goals met fully or partly, six without outcome
    assert "Av de 27 verksamhetsmässiga målen har 16 en helt eller delvis" in text
    assert "6 saknar ännu utfall" in text
    position = flat(part(md, "## Ekonomisk ställning"))
    assert "262 mnkr" in position and "3,5 procent" in position
    # from the metrics, as the goal table shows them
    assert "1 924 mnkr" in position and "30,3 %" in position and "283 %" in position


def test_budgeted_result_row(md):
    for caption, label in (("Resultat per nämnd", "Budgeterat resultat"), ("Resultatanalys", "Årets budgeterade resultat")):
        rows = table_rows(md, caption)
        assert rows[label][-1] == "172" and set(rows[label][:-1]) == {""}, caption
        # the forecast column adds up: -68 + 117 + 33 + 172, to within the ledger's rounding
        # (docs/kallan.md: the parts' annual budgets sum to -8 333 where -8 334 is printed)
        last = int(rows["Resultat efter balanskravsjusteringar"][-1])
        assert abs(last - (-68 + 117 + 33 + 172)) <= 1, caption


def test_cost_rows_have_their_forecast(md):
    rows = table_rows(md, "Resultatanalys")
    printed = {"Personal": "80", "Hyrpersonal": n("-5"), "Köpt vård": "5", "Offentligt finansierad privat vård": "0",
               "Trafik": "70", "Läkemedel": "10", "Material och förbrukningsinventarier": "0", "Övriga kostnader": "34"}
    for label, figure in printed.items():
        assert rows[label][4] == figure, label
    # the part of the forecast not split by cost type is a row of its own, so the column adds up to 126
    assert rows["Prognos ej fördelad på kostnadsslag"][4] == n("-68")
    assert rows["Prognos ej fördelad på kostnadsslag"][:4] == ["–"] * 4  # missing, not zero
    assert rows["Summa kostnader"][4] == "126"
    assert 80 - 5 + 5 + 0 + 70 + 10 + 0 + 34 - 68 == 126


def test_committee_comments_carry_their_figures(md):
    text = flat(part(md, "## Kommentarer per nämnd"))
    assert "Hälso- och sjukvården ligger 36 mnkr före budget" in text
    assert "prognosen −68 mnkr" in text
    assert "1,9 procent" in text and "119 mnkr" in text and "71 mnkr" in text
    assert "överskott: 34 mnkr" in text           # TN, the table's deviation (source text: "drygt 33")
    assert "58,8 %" in text and "52,8 procent" in text and "49,6 procent" in text
    assert "överskott på 20 mnkr" in text          # FV
    assert "48 mnkr bättre än budget" in text      # RS, the table's deviation (source text: 50)
    assert "väntas 70 mnkr bättre" in text
    assert "{{" not in md and "}}" not in md


def test_income_and_cost_texts(md):
    income = flat(part(md, "## Intäkter"))
    assert "173 mnkr för året, varav 43 mnkr" in income
    assert "### Sålda tjänster" in part(md, "## Intäkter")
    costs = flat(part(md, "## Kostnader"))
    assert "Personalkostnaderna är 36 mnkr lägre än budget" in costs
    assert "3,8 procent" in costs and "förstärkts med 80 mnkr" in costs
    assert "Linjetrafiken kostar 22 mnkr mindre" in costs
    assert "ligger 19 mnkr över utfallet" in costs   # läkemedel, the table's 19 (source text: 20)


def test_unspecified_rest_of_other_income(md):
    rows = table_rows(md, "Övriga intäkter januari–mars")
    # the source's rows give 74 / 150 under a total of 76 / 154: the rest is a row of its own
    assert rows["Övrigt, ej specificerat"][:3] == ["2", "4", n("-2")]
    assert rows["Totalt övriga intäkter"][:3] == ["76", "154", n("-78")]
    figures = [int(r[0].replace("−", "-")) for k, r in rows.items() if k != "Totalt övriga intäkter"]
    assert sum(figures) == 76


def test_staff_tables(md):
    sick = table_rows(md, "Sjukfrånvaro i procent av ordinarie arbetstid")
    assert sick["Totalt"] == ["6,6\u00a0%", "5,8\u00a0%"] and sick["Kvinnor"] == ["7,3\u00a0%", "6,6\u00a0%"]
    days = table_rows(md, "Sjukfrånvarodagar per snittanställd (dagar)")
    assert days["1–14 dagar"] == ["1,9", "1,5"] and days["Mer än 14 dagar"] == ["2,5", "2,4"]
    flow = table_rows(md, "Anställningsflöde, sjuksköterskor och specialistsjuksköterskor (tillsvidareanställda) (antal)")
    assert flow["Nyanställda"] == ["34", "42"] and flow["Totalt"] == ["48", "54"]
    assert flow["Avgångar"] == ["22", "31"] and flow["Netto"] == ["26", "23"]
    ssg = table_rows(md, "Överenskommen och faktisk sysselsättningsgrad (procent)")
    assert ssg["Region Kronoberg"] == [x.replace(" ", NBSP) for x in
                                       ("97,1 %", "86,2 %", "97,0 %", "85,5 %", "96,9 %", "85,1 %")]
    assert ssg["Kultur"][0] == "88,9\u00a0%"


def test_sick_leave_2024_is_one_figure(md):
    # 5,5 % (goal table) and 5,8 % (sick-leave table) in the source; docs/kallan.md: 5,8 % in both
    goal = next(line for line in md.splitlines() if line.startswith("| Sjukfrånvaro"))
    assert "5,8\u00a0%" in goal and "5,5\u00a0%" not in goal


def test_forecast_against_budget(md):
    text = flat(part(md, "## Helårsprognosen mot budget för den löpande verksamheten"))
    assert "100 mnkr, 153 mnkr bättre än budget" in text
    assert "47 mnkr bättre än budget" in text  # derived (docs/kallan.md; the source's "ca 30")


def test_investment_comments_are_shown(md):
    rows = table_rows(md, "Pågående investeringar – kommentarer (mnkr)")
    assert rows["Ombyggnation VC Teleborg"] == ["Projekteringen har blivit dyrare, och den kommande upphandlingen kan ändra prognosen."]


def test_small_committee_shows_decimals(md):
    rows = table_rows(md, "Driftredovisning (mnkr)")
    assert rows["Patientnämnden"][:4] == [n("-0,01"), n("-0,20"), "0,19", n("-0,20")]
    rows = table_rows(md, "Resultat per nämnd (mnkr)")
    assert rows["Patientnämnden"][0] == n("-0,01")


def test_labels_and_dashes_as_the_source_prints_them(md):
    finansiering = table_rows(md, "Finansiering (mnkr)")
    assert "Kostnadsutjämningsavgift" in finansiering and "Kostnadsutjämningsbidrag" not in finansiering
    # "–" in the source: no adjustment last year, shown as missing
    assert table_rows(md, "Resultat per nämnd (mnkr)")["Övriga balanskravsjusteringar²"][3] == "–"


@pytest.mark.parametrize("note", ["källans", "källan", "i underlaget", "Underlaget innehåller", "går ihop med den"])
def test_no_notes_for_the_editors_in_the_published_text(md, note):
    assert note not in md
