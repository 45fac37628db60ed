"""The PDF is accessible as the law requires (lag 2018:1937, EN 301 549): the built PDFs of both
examples pass a PDF/UA-1 validator, and the same validator fails a PDF whose tagging is broken,
so that a change that breaks the tagging fails the suite (issue 17). What is and is not
verified: docs/accessibility.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from pdfua import failed_rules, pdfua_failures  # tests/ is on sys.path (rootdir conftest)

NORRBY = "examples/region-norrby"


def _build_pdf(project_dir: Path, report: str, out: Path) -> Path:
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    res = build(load_project(project_dir), report, ("pdf",), out)
    (pdf,) = res.outputs
    return pdf


@pytest.fixture(scope="module")
def norrby_pdf(repo_root, tmp_path_factory) -> Path:
    return _build_pdf(repo_root / NORRBY, "tertial2-2025", tmp_path_factory.mktemp("norrby-pdf"))


# -- the real outputs conform ----------------------------------------------------------------
def test_report_pdf_passes_pdf_ua_1(built_report):
    assert pdfua_failures(built_report["pdf"]) == []


def test_norrby_pdf_passes_pdf_ua_1(norrby_pdf):
    assert pdfua_failures(norrby_pdf) == []


# -- the check fails where the tagging is broken ---------------------------------------------
def test_the_same_report_compiled_without_pdf_ua_fails(repo_root, tmp_path, monkeypatch):
    """The build's own path, with typst told to write neither tags nor the PDF/UA mark."""
    import typst

    real = typst.compile

    def untagged(*args, **kwargs):
        kwargs.pop("pdf_standards", None)
        return real(*args, **{**kwargs, "pdf_tags": False})

    monkeypatch.setattr(typst, "compile", untagged)
    pdf = _build_pdf(repo_root / NORRBY, "tertial2-2025", tmp_path)
    rules = failed_rules(pdf)
    assert {"PDFUA1-STRUCT-TREE-ROOT-001",  # no structure tree
            "PDFUA1-TAGGED-DOCUMENT-001",  # MarkInfo /Marked is not true
            "PDFUA1-CONTENT-TAGGING-001",  # text that is neither tagged nor an artifact
            "PDFUA1-ID-SCHEMA-001"} <= rules, rules  # no pdfuaid in the XMP


def _mutated(src: Path, dst: Path, change) -> Path:
    """A copy of the PDF with one thing changed in its catalog or structure tree (pypdf)."""
    import pypdf

    w = pypdf.PdfWriter(clone_from=str(src))
    change(w._root_object)
    w.write(str(dst))
    return dst


def _elements(node, found: list) -> list:
    """Every structure element below a node of the structure tree."""
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            _elements(kid, found)
    elif hasattr(node, "keys") and ("/S" in node or node.get("/Type") == "/StructTreeRoot"):
        if "/S" in node:
            found.append(node)
        if "/K" in node:
            _elements(node["/K"], found)
    return found


def _strip_tree(root):
    from pypdf.generic import NameObject

    del root[NameObject("/StructTreeRoot")]


def _strip_alt(root):
    from pypdf.generic import NameObject

    figures = [e for e in _elements(root["/StructTreeRoot"], []) if e["/S"] == "/Figure"]
    assert figures
    for f in figures:
        for key in ("/Alt", "/ActualText"):
            f.pop(NameObject(key), None)


def _strip_lang(root):
    from pypdf.generic import NameObject

    del root[NameObject("/Lang")]


def _unmark(root):
    from pypdf.generic import BooleanObject, NameObject

    root["/MarkInfo"][NameObject("/Marked")] = BooleanObject(False)


def _no_display_title(root):
    from pypdf.generic import BooleanObject, NameObject

    root["/ViewerPreferences"][NameObject("/DisplayDocTitle")] = BooleanObject(False)


def _skip_heading_level(root):
    from pypdf.generic import NameObject

    first_h2 = next(e for e in _elements(root["/StructTreeRoot"], []) if e["/S"] == "/H2")
    first_h2[NameObject("/S")] = NameObject("/H4")  # H1 then H4


def _no_pdfua_id(root):
    meta = root["/Metadata"].get_object()
    xmp = meta.get_data()
    assert b"pdfuaid:part" in xmp
    meta.set_data(xmp.replace(b"pdfuaid:part", b"pdfuaidx:part"))


@pytest.mark.parametrize(("change", "rule"), [
    (_strip_tree, "PDFUA1-STRUCT-TREE-ROOT-001"),  # the StructTreeRoot stripped
    (_strip_lang, "PDFUA1-TEXT-LANGUAGE-001"),  # no document language
    (_unmark, "PDFUA1-TAGGED-DOCUMENT-001"),  # MarkInfo /Marked false
    (_no_display_title, "PDFUA1-VIEWER-PREFERENCES-001"),  # the viewer shows the file name
    (_skip_heading_level, "PDFUA1-HEADING-NESTING-001"),  # a heading level skipped
    (_no_pdfua_id, "PDFUA1-ID-PART-001"),  # the PDF/UA identification gone from the XMP
])
def test_a_pdf_with_broken_tagging_fails(norrby_pdf, tmp_path, change, rule):
    """Norrby's PDF (9 pages; pypdf rewrites the 26 of the main example in seconds, not one)."""
    pdf = _mutated(norrby_pdf, tmp_path / "broken.pdf", change)
    assert rule in failed_rules(pdf)


def test_a_chart_without_alternative_text_fails(built_report, tmp_path):
    """The main example has the charts (Norrby has none)."""
    pdf = _mutated(built_report["pdf"], tmp_path / "broken.pdf", _strip_alt)
    assert failed_rules(pdf) == {"PDFUA1-FIGURE-ALTERNATIVE-TEXT-001"}


def test_an_unchanged_copy_still_passes(norrby_pdf, tmp_path):
    """The mutations above fail for what they change, not for pypdf's rewriting of the file."""
    pdf = _mutated(norrby_pdf, tmp_path / "copy.pdf", lambda root: None)
    assert pdfua_failures(pdf) == []


# -- what the validator cannot judge: the structure says what the page shows ------------------
def _tables(pdf: Path) -> list:
    import pypdf

    root = pypdf.PdfReader(str(pdf)).trailer["/Root"]
    return [e for e in _elements(root["/StructTreeRoot"], []) if e["/S"] == "/Table"]


def _cells(element, kinds=("/TH", "/TD")) -> list:
    return [e for e in _elements(element["/K"], []) if e["/S"] in kinds]


@pytest.mark.parametrize("which", ["main", "norrby"])
def test_every_table_has_a_header_row_of_column_headers(built_report, norrby_pdf, which):
    """Each table is Table > THead > TR > TH (scope Column) over TBody rows of cells that name
    their column's header: a screen reader announces the column with every figure."""
    pdf = built_report["pdf"] if which == "main" else norrby_pdf
    tables = _tables(pdf)
    assert len(tables) >= (30 if which == "main" else 8)
    for t in tables:
        parts = [e["/S"] for e in _elements(t["/K"], []) if e["/S"] in ("/THead", "/TBody", "/TFoot")]
        assert parts[:2] == ["/THead", "/TBody"], parts
        head = next(e for e in _elements(t["/K"], []) if e["/S"] == "/THead")
        ths = _cells(head, ("/TH",))
        assert ths and not _cells(head, ("/TD",))
        for th in ths:
            scope = [a.get_object().get("/Scope") for a in th["/A"] if a.get_object().get("/O") == "/Table"]
            assert scope == ["/Column"], scope
        body = next(e for e in _elements(t["/K"], []) if e["/S"] == "/TBody")
        for td in _cells(body, ("/TD",)):
            headers = [a.get_object().get("/Headers") for a in td["/A"] if a.get_object().get("/O") == "/Table"]
            assert headers and list(headers[0]), "a data cell that names no column header"
