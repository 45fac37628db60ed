"""End-to-end: delar-mars-2025 from the repository's YAML to Markdown, DOCX and PDF, with real figures."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mdtables import n, table_rows
from regionrapport.numbers import NBSP


def section(md: str, heading: str) -> str:
    start = md.index(heading)
    nxt = re.search(r"^#{1,2} ", md[start + len(heading):], re.M)
    return md[start: start + len(heading) + (nxt.start() if nxt else len(md))]


def test_built_markdown_is_the_golden_one(built_report, golden):
    """The build writes exactly the Markdown the golden test renders (tests/test_golden.py)."""
    golden("reports/delar-mars-2025.md", built_report["md"].read_text(encoding="utf-8"))


def test_docx_and_pdf_are_whole_documents(built_report):
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(built_report["docx"]) as z:
        assert z.testzip() is None
        assert "Region Kronoberg" in z.read("docProps/core.xml").decode("utf-8") + z.read("word/document.xml").decode("utf-8")
    pdf = PdfReader(built_report["pdf"])
    assert len(pdf.pages) >= 10
    assert "Delårsrapport" in pdf.pages[0].extract_text()


def test_result_per_committee_figures(built_report):
    rows = table_rows(built_report["md"].read_text(encoding="utf-8"), "Resultat per nämnd")
    # columns: Utfall | Budget | Avvik. | Utfall fg år | Årsbudget | Prognosavvikelse
    assert rows["Verksamhetens nettokostnad"][:3] == [n("-1 956"), n("-2 098"), "143"]
    assert rows["Hälso- och sjukvårdsnämnd"][:3] == [n("-1 353"), n("-1 390"), "36"]
    assert rows["Resultat efter balanskravsjusteringar"][:3] == ["100", n("-53"), "153"]
    # FV's budget is stored once (−371, the sum of its units), not −372 as one source table prints
    assert rows["Nämnden för folkhälsa och vårdval"][1] == n("-371")
    # the forecast deviation of redovisat resultat is derived: 82 − 17 − 18 − 115 = −68 (the source prints −66)
    assert rows["Redovisat resultat"][5] == n("-68")


def test_same_quantity_same_figure_in_every_table(built_report):
    md = built_report["md"].read_text(encoding="utf-8")
    rows = [line for line in md.splitlines() if line.startswith("| **Verksamhetens nettokostnad")]
    assert len(rows) >= 3  # resultat per nämnd, driftredovisning, resultaträkning, resultatanalys
    for line in rows:
        assert n("-1 956") in line and n("-2 098") in line and n("-2 099") not in line


def test_driftredovisning_shows_units(built_report):
    md = section(built_report["md"].read_text(encoding="utf-8"), "## Driftredovisning")
    line = next(x for x in md.splitlines() if "*Sjukhusvård*" in x)
    assert n("-1 048") in line and n("-1 032") in line


def test_swedish_number_format_in_markdown(built_report):
    md = built_report["md"].read_text(encoding="utf-8")
    assert "-1 956" not in md and "-1956" not in md  # never a hyphen-minus or a missing separator
    assert n("-1 956") in md
    assert re.search(r"\d,\d\u00a0%", md), "percentages use a decimal comma and a no-break space"
    assert "87,6\u00a0%" in md


def test_docx_contains_the_figures(built_report):
    import docx

    d = docx.Document(str(built_report["docx"]))
    cells = {c.text.strip() for t in d.tables for row in t.rows for c in row.cells}
    assert n("-1 956") in cells and n("-1 353") in cells and "153" in cells
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "Resultat per nämnd" in headings


def test_pdf_contains_the_figures(built_report):
    from pypdf import PdfReader

    reader = PdfReader(str(built_report["pdf"]))
    assert len(reader.pages) >= 10
    text = "\n".join(p.extract_text() for p in reader.pages).replace(NBSP, " ")
    assert "Resultat per nämnd" in text
    for figure in ("−1 956", "−1 353", "−2 098"):
        assert figure in text


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("bad", ["../x", "a/b", "..", "x.yaml"])
def test_report_id_must_be_a_plain_name(bad, project_copy):
    r = run_cli("build", bad, "--format", "md", cwd=project_copy)
    assert r.returncode == 2  # a usage error, as in rapport check
    assert "Traceback" not in r.stderr and "RR110" in r.stderr
    assert not (project_copy / "out").exists()


def test_bad_input_writes_nothing_and_keeps_old_output(project_copy):
    ok = run_cli("build", "delar-mars-2025", "--format", "md", cwd=project_copy)
    assert ok.returncode == 0, ok.stderr
    out = project_copy / "out" / "delar-mars-2025" / "delar-mars-2025.md"
    before = out.read_bytes()
    f = project_copy / "data" / "outcomes" / "delar-mars-2025.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  sjukhusvard:\n    utfall: -1048", "  sjukhusvard:\n    utfal: -1048", 1),
                 encoding="utf-8")
    r = run_cli("build", "delar-mars-2025", "--format", "md", cwd=project_copy)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert re.search(r"data/outcomes/delar-mars-2025\.yaml:\d+:\d+: RR010 .*utfal", r.stderr)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["delar-mars-2025.md"]  # no scratch folder left behind


def test_missing_report_is_one_clear_line(project_copy):
    r = run_cli("build", "delar-mars-2024", cwd=project_copy)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "RR001" in r.stderr and "delar-mars-2025" in r.stderr  # did-you-mean


def test_every_heading_starts_a_block(built_report):
    """Pandoc reads '## X' as a heading only after a blank line; otherwise it silently joins the paragraph."""
    lines = built_report["md"].read_text(encoding="utf-8").splitlines()
    in_meta = lines[0] == "---"
    for i, line in enumerate(lines[1:], 1):
        if in_meta:
            in_meta = line != "---"
            continue
        if line.startswith("#"):
            assert lines[i - 1] == "", f"line {i + 1}: heading {line!r} follows text"


def test_area_headings_reach_the_docx(built_report):
    import docx

    d = docx.Document(str(built_report["docx"]))
    headings = {p.text for p in d.paragraphs if p.style.name.startswith("Heading")}
    assert {"Kollektivtrafik", "Regional utveckling", "Medarbetare", "Ekonomi"} <= headings


def test_hired_staff_table_sums_are_derived(built_report):
    rows = table_rows(built_report["md"].read_text(encoding="utf-8"), "Kostnad för hyrpersonal inom HSN")
    # the row sums come from the report's own relation, the Summa row from the posts; both match the print
    assert rows["Sjukhusvård"][3] == n("22 686")
    assert rows["Summa"][:4] == [n("24 549"), n("13 429"), n("1 288"), n("39 265")]
    assert rows["Summa"][7] == n("60 527")
