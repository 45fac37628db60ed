"""End-to-end: the fictional Region Norrby (examples/region-norrby), built with configuration and
two template overrides only, next to the Kronoberg example at the repository root."""
from __future__ import annotations

import subprocess
import sys

import pytest

from mdtables import n, table_header, table_rows

NORRBY = "examples/region-norrby"


@pytest.fixture(scope="module")
def norrby(build_example):
    """tertial2-2025 built once through the CLI, as a user runs it: {fmt: Path}."""
    return build_example(NORRBY, "tertial2-2025")


@pytest.fixture(scope="module")
def md(norrby) -> str:
    return norrby["md"].read_text(encoding="utf-8")


def test_check_is_clean(repo_root):
    # --no-cache: a clean check would otherwise leave its stamp in the example's out/
    proc = subprocess.run([sys.executable, "-m", "regionrapport.cli", "check", "--strict", "--no-cache", "--project",
                           str(repo_root / NORRBY)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 fel, 0 varningar" in proc.stderr


def test_committee_deviations_with_breakdown(md):
    rows = table_rows(md, "Nämndernas avvikelser")
    assert table_header(md, "Nämndernas avvikelser") == ["mkr", "Periodavvikelse", "Prognosavvikelse"]
    assert rows["Hälso- och vårdnämnden"] == [n("-30"), n("-75")]
    assert rows["Summa nämnder"] == [n("-1"), n("-43")]
    # each committee is followed by its two "varav" rows, which add up to it
    lines = [line for line in md.splitlines() if "varav verksamhetsområden" in line or "varav centralt" in line]
    assert len(lines) == 8
    hvn = md[md.index("| Hälso- och vårdnämnden"):].splitlines()
    assert "*varav verksamhetsområden*" in hvn[1] and n("-48") in hvn[1] and n("-95") in hvn[1]
    assert "*varav centralt*" in hvn[2] and "18" in hvn[2] and "20" in hvn[2]


def test_result_with_derived_share(md):
    rows = table_rows(md, "Resultat i sammandrag")
    assert table_header(md, "Resultat i sammandrag")[1:] == ["Utfall", "Budget", "Periodavvikelse", "Årsbudget", "Prognos", "Prognosavvikelse"]
    assert rows["Årets resultat"] == ["104", "66", "38", "100", "109", "9"]
    # 104 / (3371 + 1502), 66 / (3353 + 1493), 100 / 7270, 109 / 7307
    assert rows["Resultat i procent av skatter och statsbidrag"] == \
        [n("2,1 %"), n("1,4 %"), "", n("1,4 %"), n("1,5 %"), ""]


def test_goal_table_shape_and_status_words(md):
    rows = table_rows(md, "Invånarna har god tillgång till vård")
    assert table_header(md, "Invånarna har god tillgång till vård") == ["Mätetal", "Målvärde", "Resultat", "Analys"]
    assert rows["Andel som fått ett första besök i specialiserad vård inom 90 dagar"][:2] == \
        [n("80 %"), "[◐ " + n("76 %") + "]{.status-gul}"]  # 76/80 = 0,95: yellow from 90 % in Norrby
    assert rows["Väntetid till medicinsk bedömning i primärvården"][1] == "[○ " + n("4 dagar") + "]{.status-rod}"
    assert "◐ Delvis uppfyllt (minst 90 procent av målvärdet)" in md  # Norrby's own legend text


def test_goal_summary_override(md):
    rows = table_rows(md, "Mätetal per område och bedömning, tertial 2 2025")
    assert table_header(md, "Mätetal per område och bedömning, tertial 2 2025") == ["Område", "● Uppfyllt", "◐ Delvis uppfyllt", "○ Inte uppfyllt", "– Ej mätt", "Antal mätetal"]
    assert rows["Hälsa och vård"] == ["1", "1", "1", "0", "3"]
    assert rows["Hela regionen"] == ["4", "3", "2", "1", "10"]
    assert "## Nämndernas kommentarer" in md and "### Hälso- och vårdnämnden (HVN)" in md  # the second override


def test_no_word_of_the_other_organisation(md, built_report):
    kronoberg = built_report["md"].read_text(encoding="utf-8")
    for word in ("Kronoberg", "Målet uppfyllt", "Otillfredsställande", "delår per mars", "mnkr"):
        assert word not in md, word
        assert word in kronoberg, word  # ... where they do belong
    for word in ("Norrby", "Periodavvikelse", "Ej mätt", "tertial 2"):
        assert word in md and word not in kronoberg, word


def test_docx_and_pdf(norrby):
    import docx
    import pypdf

    doc = docx.Document(str(norrby["docx"]))
    cells = {c.text.strip() for t in doc.tables for row in t.rows for c in row.cells}  # varav rows are indented
    assert {"Periodavvikelse", "Prognosavvikelse", "varav centralt", "Analys"} <= cells
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(norrby["pdf"])).pages)
    assert "Region Norrby" in text and "Tertialrapport 2 2025" in text


def test_committee_headings_stay_with_their_text_in_the_pdf(norrby, md):
    # "### Kultur- och utvecklingsnämnden (KUN)", its one italic line ("Periodavvikelse 3 mkr, ...")
    # and then its text: the heading stuck only to the italic line, so both ended page 4 and the
    # text began page 5. A heading is on the page where the first words of its text are.
    import re

    import pypdf

    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(str(norrby["pdf"])).pages]
    found = re.findall(r"^### (.+)\n\n\*[^*\n]+\*\n\n(\S+ \S+ \S+)", md.replace("\u00a0", " "), flags=re.M)
    assert len(found) == 4, found  # HVN, TMN, KUN, RS
    for heading, words in found:
        on = [i + 1 for i, text in enumerate(pages) if heading in text]
        text_on = [i + 1 for i, text in enumerate(pages) if words in text]
        assert len(on) == 1 and on == text_on[:1], (heading, on, words, text_on)


def _amount(cell: str) -> int:
    return int(cell.replace("\u2212", "-").replace("\u00a0", "").replace(" ", ""))


def test_statutory_income_statement_beside_the_same_period_last_year(md):
    """The resultaträkning (5 kap. LKBR) has the same period last year beside the period (RKR R17)."""
    assert table_header(md, "Resultaträkning")[1:] == ["Utfall jan–aug 2025", "Utfall jan–aug 2024", "Prognos 2025"]
    rows = table_rows(md, "Resultaträkning")
    # the intäkter, kostnader and avskrivningar give the committees' sum (kontroll) and last year's figure
    assert rows["Verksamhetens nettokostnad"] == [n("-4 751"), n("-4 520"), n("-7 168")]
    assert rows["Verksamhetens resultat"] == ["122", "148", "139"]
    assert rows["Resultat efter finansiella poster"] == ["104", "123", "109"]
    assert rows["Årets resultat"] == ["104", "123", "109"]


def test_statutory_balance_sheet_balances_beside_last_year_end(md):
    """The balansräkning in the layout of 6 kap. LKBR (assets; equity, provisions and liabilities),
    the last year-end beside it; every total derived."""
    assets, claims = "Balansräkning – tillgångar", "Balansräkning – eget kapital, avsättningar och skulder"
    assert table_header(md, assets)[1:] == table_header(md, claims)[1:] == ["31 aug 2025", "31 dec 2024"]
    assert md.index(assets) < md.index(claims)
    rows = table_rows(md, assets)
    assert list(rows)[:7] == ["Anläggningstillgångar", "Immateriella anläggningstillgångar",
                              "Materiella anläggningstillgångar", "Mark, byggnader och tekniska anläggningar",
                              "Maskiner och inventarier", "Finansiella anläggningstillgångar", "Summa anläggningstillgångar"]
    assert list(rows).index("Bidrag till infrastruktur") < list(rows).index("Omsättningstillgångar")
    assert rows["Materiella anläggningstillgångar"] == [n("5 200"), n("5 110")]
    assert rows["Summa anläggningstillgångar"] == [n("5 402"), n("5 313")]
    assert rows["Summa omsättningstillgångar"] == [n("3 031"), n("2 863")]
    assert rows["Summa tillgångar"] == [n("8 551"), n("8 299")]
    other = table_rows(md, claims)
    assert [k for k in other if not other[k][0]] == ["Eget kapital", "Avsättningar", "Skulder"]  # the headings
    assert other["Summa eget kapital"] == [n("2 715"), n("2 611")]
    assert other["Summa avsättningar"] == [n("3 035"), n("2 953")]
    assert other["Summa skulder"] == [n("2 801"), n("2 735")]
    assert other["Summa eget kapital, avsättningar och skulder"] == rows["Summa tillgångar"]
    # the period's result is the change in equity, and the same figure as in the resultaträkning
    equity = [_amount(c) for c in other["Summa eget kapital"]]
    assert equity[0] - equity[1] == _amount(other["Årets resultat"][0]) == \
        _amount(table_rows(md, "Resultaträkning")["Årets resultat"][0]) == 104


def test_statutory_cash_flow_ends_in_the_change_of_liquid_assets(md):
    """The kassaflödesanalys in the layout of 8 kap. LKBR: its three flows add up to the period's
    cash flow, which is the change in kassa och bank between the balance sheet's two columns."""
    rows = table_rows(md, "Kassaflödesanalys")
    assert rows["Medel från verksamheten före förändring av rörelsekapital"] == ["396"]
    assert rows["Kassaflöde från den löpande verksamheten"] == ["396"]
    assert rows["Kassaflöde från investeringsverksamheten"] == [n("-294")]
    assert rows["Kassaflöde från finansieringsverksamheten"] == [n("-30")]
    assert rows["Periodens kassaflöde"] == ["72"]
    assert rows["Likvida medel vid periodens början"] == ["540"]
    assert rows["Likvida medel vid periodens slut"] == ["612"]
    bank = table_rows(md, "Balansräkning – tillgångar")["Kassa och bank"]
    assert [rows["Likvida medel vid periodens slut"][0], rows["Likvida medel vid periodens början"][0]] == bank
    assert _amount(bank[0]) - _amount(bank[1]) == 72


def test_statutory_management_report_sections(md):
    """The simplified förvaltningsberättelse has the parts RKR R17 names, in the report."""
    fb = md[md.index("# Förvaltningsberättelse"):md.index("# Nämndernas ekonomi")]
    for heading in ("## Händelser av väsentlig betydelse", "## Resultat i sammandrag", "## Balanskravsutredning",
                    "## God ekonomisk hushållning", "## Förväntad utveckling"):
        assert heading in fb
    assert table_rows(md, "Balanskravsutredning")["Balanskravsresultat"] == ["87", "92"]
    assert "prognosen för helåret 92 mkr" in fb.replace("\u00a0", " ")
