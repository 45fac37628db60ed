"""`rapport init`: a new project from the installed package that checks and builds out of the box."""
from __future__ import annotations

import subprocess
import sys

import pytest

from mdtables import n, table_rows
from regionrapport.commands.init import InitRefused, default_name, init


def rapport(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project made by `rapport init` through the CLI, as a new user runs it."""
    target = tmp_path_factory.mktemp("init") / "region-vastby"
    proc = rapport("init", str(target), "--name", "Region Västby", "--ar", "2026")
    assert proc.returncode == 0, proc.stderr
    return target


def test_files(project):
    made = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert made == [".github/workflows/rapport-kommentar.yml", ".github/workflows/rapport.yml", ".gitignore",
                    "README.md", "data/budget/budget-2026.yaml", "data/outcomes/delar-augusti-2026.yaml",
                    "organisation.yaml", "templates/README.md"]
    org = (project / "organisation.yaml").read_text(encoding="utf-8")
    assert 'namn: "Region Västby"' in org and "__" not in org
    assert "rapport build delar-augusti-2026" in (project / "README.md").read_text(encoding="utf-8")


def test_check_is_clean(project):
    proc = rapport("check", "--all", "--strict", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 fel, 0 varningar" in proc.stderr


def test_builds_in_every_format(project):
    proc = rapport("build", "delar-augusti-2026", "--format", "md,docx,pdf", cwd=project)
    assert proc.returncode == 0, proc.stderr
    out = project / "out" / "delar-augusti-2026"
    md = (out / "delar-augusti-2026.md").read_text(encoding="utf-8")
    import docx
    from pypdf import PdfReader

    body = "\n".join(p.text for p in docx.Document(out / "delar-augusti-2026.docx").paragraphs)
    assert "Årets resultat" in body or "Resultat" in body
    pdf_text = "".join(page.extract_text() for page in PdfReader(out / "delar-augusti-2026.pdf").pages)
    assert "Region Västby" in pdf_text
    assert 'author: "Region Västby"' in md  # the organisation's own document: it is the author
    # the example figures add up: −672 + 470 + 214 − 2 = 10
    line = next(x for x in md.splitlines() if x.startswith("| **Årets resultat**"))
    assert "**10**" in line and "**15**" in line


def test_existing_project_is_refused_and_untouched(project):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    proc = rapport("init", str(project), "--name", "Region Annan")
    assert proc.returncode == 2
    assert "innehåller redan ett projekt" in proc.stderr and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_name_from_the_folder_and_bad_input(tmp_path):
    assert default_name(tmp_path / "region-x") == "Region X"
    assert default_name(tmp_path / "vastby_kommun") == "Vastby Kommun"
    with pytest.raises(InitRefused):
        init(tmp_path / "a", 'Region "X"', 2026)
    with pytest.raises(InitRefused):
        init(tmp_path / "b", "Region X", 26)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InitRefused):
        init(tmp_path / "file", "Region X", 2026)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_interim_report_is_a_complete_statutory_report(project, tmp_path):
    """The skeleton's interim report per August is marked statutory, so the check above requires every
    part (RR700–RR711); its balansräkning and kassaflödesanalys follow the statute's layout, totals derived."""
    assert "lagstadgad: true" in (project / "organisation.yaml").read_text(encoding="utf-8")
    proc = rapport("build", "delar-augusti-2026", "--format", "md", "--out", str(tmp_path), cwd=project)
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "delar-augusti-2026" / "delar-augusti-2026.md").read_text(encoding="utf-8")
    assets = table_rows(md, "Balansräkning – tillgångar")
    claims = table_rows(md, "Balansräkning – eget kapital, avsättningar och skulder")
    assert assets["Summa anläggningstillgångar"] == ["788", "780"]
    assert assets["Summa tillgångar"] == claims["Summa eget kapital, avsättningar och skulder"] == [n("1 168"), n("1 146")]
    assert claims["Summa eget kapital"] == ["330", "320"]  # up by the period's result, 10
    cash = table_rows(md, "Kassaflödesanalys")
    assert cash["Kassaflöde från den löpande verksamheten"] == ["48"]
    assert cash["Periodens kassaflöde"] == ["5"]  # 90 − 85: the change in kassa och bank
    assert [cash["Likvida medel vid periodens början"], cash["Likvida medel vid periodens slut"]] == [["85"], ["90"]]
    assert table_rows(md, "Resultaträkning")["Årets resultat"] == ["10", "10", "12"]
