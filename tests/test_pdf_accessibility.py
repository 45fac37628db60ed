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


# -- row headers: the first column labels its row (render/pdftags.py) --------------------------
def _table_attrs(cell) -> dict:
    (attrs,) = [a.get_object() for a in cell["/A"] if a.get_object().get("/O") == "/Table"]
    return attrs


class _Texts:
    """The text of structure elements: each marked-content sequence's text, page by page (pypdf
    reads a page's content stream; only the pages asked for are read)."""

    def __init__(self, pdf: Path):
        import pypdf

        self.reader = pypdf.PdfReader(str(pdf))
        self.page_no = {p.indirect_reference.idnum: i for i, p in enumerate(self.reader.pages)}
        self.pages: dict[int, dict[int, str]] = {}

    def _page(self, no: int) -> dict[int, str]:
        if no not in self.pages:
            texts: dict[int, str] = {}
            stack: list = []

            def before(op, args, cm, tm):
                if op == b"BDC":
                    props = args[1].get_object() if len(args) > 1 else None
                    stack.append(props.get("/MCID") if hasattr(props, "get") else None)
                elif op == b"BMC":
                    stack.append(None)
                elif op == b"EMC" and stack:
                    stack.pop()

            def text(t, cm, tm, font, size):
                mcid = next((m for m in reversed(stack) if m is not None), None)
                if mcid is not None:
                    texts[mcid] = texts.get(mcid, "") + t

            self.reader.pages[no].extract_text(visitor_operand_before=before, visitor_text=text)
            self.pages[no] = texts
        return self.pages[no]

    def __call__(self, elem, page=None) -> str:
        """The element's text, its whitespace as one space, − as -."""
        elem = elem.get_object()
        page = elem.get("/Pg", page)
        kids = elem.get("/K", [])
        out = []
        for kid in (kids if isinstance(kids, list) else [kids]):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int):
                out.append(self._page(self.page_no[page.idnum])[kid] if page is not None else "")
            elif "/MCID" in kid:
                out.append(self._page(self.page_no[kid.get("/Pg", page).idnum])[kid["/MCID"]])
            elif "/S" in kid:
                out.append(self(kid, page))
        return " ".join(" ".join(out).replace("\xa0", " ").replace("−", "-").split())


def _name_tree(node, found: dict) -> dict:
    """A name tree's entries (its /Names, in its /Kids too) as {name: the object's reference}."""
    node = node.get_object()
    names = node.get("/Names", [])
    found.update({str(k): v for k, v in zip(names[::2], names[1::2], strict=True)})
    for kid in node.get("/Kids", []):
        _name_tree(kid, found)
    return found


def _caption_table(pdf: Path, caption: str):
    texts = _Texts(pdf)
    root = texts.reader.trailer["/Root"]
    for t in [e for e in _elements(root["/StructTreeRoot"], []) if e["/S"] == "/Table"]:
        caps = [k.get_object() for k in t["/K"] if k.get_object().get("/S") == "/Caption"]
        if caps and texts(caps[0]).split(": ", 1)[-1] == caption:  # after "Tabell 18 :"
            return t, texts
    raise AssertionError(f"no table captioned {caption!r}")


def _grid(table, part: str) -> list[list]:
    section = next(e for e in _elements(table["/K"], []) if e["/S"] == part)
    return [[c.get_object() for c in tr["/K"] if c.get_object()["/S"] in ("/TH", "/TD")]
            for tr in (k.get_object() for k in section["/K"]) if tr["/S"] == "/TR"]


def test_committee_names_are_row_headers_named_by_every_figure_of_their_row(built_report):
    """"Resultat per nämnd": the committee is the row's header, so a figure is announced with
    both its column and its committee. The figures are the interim report's (shared/sources
    000, "Resultat per nämnd": Hälso- och sjukvårdsnämnd, utfall −1 353, prognos helår −68)."""
    table, text = _caption_table(built_report["pdf"], "Resultat per nämnd (mnkr)")
    (head,) = _grid(table, "/THead")
    columns = [text(th) for th in head]
    # the last header is hyphenated on the page: "Prognos-" / "avvikelse"
    assert columns[:2] == ["mnkr", "Utfall"] and columns[-1].replace(" - ", "") == "Prognosavvikelse", columns
    col_id = [str(th["/ID"]) for th in head]
    body = _grid(table, "/TBody")
    row = next(r for r in body if text(r[0]) == "Hälso- och sjukvårdsnämnd")
    th = row[0]
    assert th["/S"] == "/TH"
    assert _table_attrs(th)["/Scope"] == "/Row"
    row_id = str(th["/ID"])
    id_tree = _name_tree(text.reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"], {})
    assert id_tree[row_id] == th.indirect_reference, "the row header's ID does not name it in the IDTree"
    assert id_tree[col_id[1]] == head[1].indirect_reference  # typst's own IDs are still there
    for column, figure in ((1, "-1 353"), (len(head) - 1, "-68")):
        cell = row[column]
        assert (cell["/S"], text(cell)) == ("/TD", figure)
        assert [str(h) for h in _table_attrs(cell)["/Headers"]] == [col_id[column], row_id]
    # every body row of the table has its own row header
    assert [r[0]["/S"] for r in body] == ["/TH"] * len(body)
    assert len({str(r[0]["/ID"]) for r in body}) == len(body)


def _typst_pdf(tmp_path: Path, body: str) -> bytes:
    import typst

    src = tmp_path / "t.typ"
    src.write_text('#set document(title: "Prov")\n#set text(lang: "sv")\n' + body, encoding="utf-8")
    return typst.compile(str(src), root=str(tmp_path), pdf_standards=["ua-1"], timestamp=0)


FIGURES_FIRST = """#table(
    columns: (50%, 50%),
    align: (right,right,),
    table.header([År], [mnkr],),
    [2024], [12],
    [2025], [14],
  )
"""
LABELS_FIRST = """#table(
    columns: (50%, 50%),
    align: (auto,right,),
    table.header([Nämnd], [mnkr],),
    [Kulturnämnd], [−18],
    [Trafiknämnd], [−79],
  )
"""


def _cells_of(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, str, list[str]]]]:
    """Per table, its body cells as (type, ID, headers)."""
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = []
    for t in _tables(path):
        out.append([(c["/S"], str(c.get("/ID", "")), [str(h) for h in _table_attrs(c).get("/Headers", [])])
                    for row in _grid(t, "/TBody") for c in row])
    return out


def test_a_table_whose_first_column_holds_figures_is_left_alone(tmp_path):
    """Only a first column of labels is a row header (as the DOCX's "First column"); a table
    whose first column holds figures keeps its data cells, in a PDF that still conforms."""
    from regionrapport.render.pdftags import add_row_headers

    src = FIGURES_FIRST + "\n" + LABELS_FIRST
    before = _typst_pdf(tmp_path, src)
    after = add_row_headers(before, src)
    figures, labels = _cells_of(after, tmp_path)
    assert figures == _cells_of(before, tmp_path)[0]
    assert [kind for kind, _, _ in figures] == ["/TD"] * 4
    assert [kind for kind, _, _ in labels] == ["/TH", "/TD", "/TH", "/TD"]
    for th, td in (labels[0:2], labels[2:4]):  # the figure names its column's header, then its row's
        assert th[1] and td[2][1:] == [th[1]] and len(td[2]) == 2, (th, td)
    (tmp_path / "after.pdf").write_bytes(after)
    assert pdfua_failures(tmp_path / "after.pdf") == []
    # a document with only the first kind is not rewritten at all
    only = _typst_pdf(tmp_path, FIGURES_FIRST)
    assert add_row_headers(only, FIGURES_FIRST) is only


def test_a_source_that_does_not_match_the_pdf_leaves_it_as_typst_wrote_it(tmp_path):
    """The tables are paired by order with the typst source; where the counts or widths differ
    (a template that makes tables of its own), nothing is guessed."""
    from regionrapport.render.pdftags import add_row_headers

    pdf = _typst_pdf(tmp_path, LABELS_FIRST)
    assert add_row_headers(pdf, LABELS_FIRST + LABELS_FIRST) is pdf  # two tables named, one in the PDF
    wider = LABELS_FIRST.replace("columns: (50%, 50%)", "columns: (40%, 30%, 30%)")
    assert add_row_headers(pdf, wider) is pdf  # three columns named, two in the PDF


@pytest.mark.parametrize("which", ["main", "norrby"])
def test_every_header_a_cell_names_is_a_header_cell_of_its_table(built_report, norrby_pdf, which):
    """Every ID in a cell's /Headers resolves, through the IDTree, to a TH of the same table
    (the validator does not check this: a cell naming an ID that no element has passes it),
    and every body row of these examples' tables starts with its row header."""
    import pypdf

    pdf = built_report["pdf"] if which == "main" else norrby_pdf
    root = pypdf.PdfReader(str(pdf)).trailer["/Root"]
    ids = _name_tree(root["/StructTreeRoot"]["/IDTree"], {})
    tables = [e for e in _elements(root["/StructTreeRoot"], []) if e["/S"] == "/Table"]
    row_headers = 0
    for t in tables:
        ths = {c.indirect_reference for c in _cells(t, ("/TH",))}
        for row in _grid(t, "/TBody"):
            assert row[0]["/S"] == "/TH" and _table_attrs(row[0])["/Scope"] == "/Row", "a row without its header"
            row_headers += 1
            for cell in row:
                for name in _table_attrs(cell).get("/Headers", []):
                    assert ids.get(str(name)) in ths, f"{name} names no header cell of its table"
    assert row_headers >= (300 if which == "main" else 40)


def test_tables_are_found_below_a_structure_tree_deeper_than_python_recurses():
    """The structure tree is as deep as the data's nesting (quotes in lists in quotes ...),
    which a pull request chooses: 5 000 levels of Div above a Table, and a second Table
    after them, are found in document order without a RecursionError."""
    import pikepdf

    from regionrapport.render import pdftags

    pdf = pikepdf.new()
    first = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Table))
    node = first
    for _ in range(5000):
        node = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Div, K=pikepdf.Array([node])))
    second = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Table))
    root = pikepdf.Dictionary(K=pikepdf.Array([node, second]))
    assert [t.objgen for t in pdftags._tables(root)] == [first.objgen, second.objgen]
