"""A pull request's data cannot make the build read another file or reach the network
(docs/security.md): each leak vector is a located error from `check` and `build` (exit 1,
nothing written), and where the rule is bypassed the converters themselves still hold."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import struct
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main
from regionrapport.diagnostics import ReportError

REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"
# The committee comment that the report prints as a paragraph (a block text).
COMMENT = "    kommentar: >\n      Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the project whose content must never appear in any output."""
    p = tmp_path / "utanfor" / "hemlig.txt"
    p.parent.mkdir()
    p.write_text("HEMLIG-MARKOR-7f3a9c\n", encoding="utf-8")
    return p


MARKER = b"HEMLIG-MARKOR-7f3a9c"


def run(*args):
    return CliRunner().invoke(main, list(args))


def put_in_comment(root: Path, text: str) -> int:
    """Replace the start of the HSN committee's comment with `text` (a literal block); its line."""
    f = root / OUTCOMES
    src = f.read_text(encoding="utf-8")
    assert src.count(COMMENT) == 1
    block = "    kommentar: |\n" + "".join(f"      {line}\n" if line else "\n" for line in text.split("\n"))
    block += "      Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"
    f.write_text(src.replace(COMMENT, block), encoding="utf-8")
    return src[:src.index(COMMENT)].count("\n") + 1


def assert_refused(root: Path, code: str, file: str, line: int, tmp_path: Path):
    """check and build both give `code` at file:line, exit 1, write nothing and show no secret."""
    chk = run("check", "--project", str(root), "--no-cache", REPORT)
    assert chk.exit_code == 1, chk.output
    assert f"{file}:{line}:" in chk.output and code in chk.output, chk.output
    assert MARKER.decode() not in chk.output
    out = tmp_path / "ut"
    b = run("build", "--project", str(root), "--out", str(out), REPORT)
    assert b.exit_code == 1, b.output
    assert f"{file}:{line}:" in b.output and code in b.output, b.output
    assert MARKER.decode() not in b.output
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert written == []


VECTORS = {
    "image-absolute": ("RR602", "Se ![x]({secret})."),
    "image-proc-environ": ("RR602", "Se ![x](/proc/self/environ)."),
    "image-relative-out": ("RR602", "Se ![x]({relative})."),
    "image-url": ("RR602", "Se ![x](http://127.0.0.1:9/x.png)."),
    "image-reference": ("RR602", "Se ![x][ref].\n\n[ref]: {secret}"),
    "image-shortcut": ("RR602", "Se ![ref].\n\n[ref]: {secret}"),
    "html-img": ("RR602", 'Se <img src="{secret}">.'),
    "raw-typst-fence": ("RR601", '```{{=typst}}\n#read("{secret}")\n```'),
    "raw-typst-tilde-fence": ("RR601", '~~~ {{=typst}}\n#import "@preview/cetz:0.3.0"\n~~~'),
    "raw-typst-inline": ("RR601", '`#image("{secret}")`{{=typst}}'),
    "raw-openxml": ("RR601", '`<w:r><w:t>x</w:t></w:r>`{{=openxml}}'),
    "raw-html": ("RR601", "`<b>x</b>`{{=html}}"),
    "raw-latex": ("RR601", "```{{=latex}}\n\\input{{{secret}}}\n```"),
    "raw-tex": ("RR601", "`\\input{{{secret}}}`{{=tex}}"),
    "metadata-block": ("RR603", "Text.\n\n---\nlogotyp: {secret}\n---"),
}


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_leak_vector_is_a_located_error_from_check_and_build(name, project_copy, secret, tmp_path):
    code, text = VECTORS[name]
    relative = os.path.relpath(secret, project_copy / "data" / "outcomes")
    line = put_in_comment(project_copy, text.format(secret=secret, relative=relative))
    assert_refused(project_copy, code, OUTCOMES, line, tmp_path)


# -- paths in organisation.yaml and symlinks ------------------------------------------
def _png(width=4, height=2) -> bytes:
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\x00" + b"\x20\x40\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"tEXt", b"Comment\x00" + MARKER) + chunk(b"IEND", b""))


def _set_org(root: Path, line: str) -> int:
    f = root / "organisation.yaml"
    src = f.read_text(encoding="utf-8")
    # the example names its own logo: the line replaces it (a key given twice is RR005)
    src = re.sub(rf"^{re.escape(line.split(':')[0])}:.*\n", "", src, flags=re.M)
    assert src.count("\nperspektiv:\n") == 1
    f.write_text(src.replace("\nperspektiv:\n", f"\n{line}\nperspektiv:\n"), encoding="utf-8")
    return src[:src.index("\nperspektiv:\n")].count("\n") + 2


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlinked-file", "symlinked-folder"])
def test_logo_outside_the_project_is_refused(how, project_copy, tmp_path):
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / "logo.png").write_bytes(_png())  # a real PNG that would be embedded
    if how == "absolute":
        value = str(outside / "logo.png")
    elif how == "dotdot":
        value = os.path.relpath(outside / "logo.png", project_copy)
    elif how == "symlinked-file":
        (project_copy / "bilder").mkdir()
        (project_copy / "bilder" / "logo.png").symlink_to(outside / "logo.png")
        value = "bilder/logo.png"
    else:
        (project_copy / "bilder").symlink_to(outside, target_is_directory=True)
        value = "bilder/logo.png"
    line = _set_org(project_copy, f"logotyp: {value}")
    assert_refused(project_copy, "RR604", "organisation.yaml", line, tmp_path)


def test_logo_inside_the_project_through_a_symlink_is_fine(project_copy, tmp_path):
    (project_copy / "bilder").mkdir()
    (project_copy / "bilder" / "riktig.png").write_bytes(_png())
    (project_copy / "bilder" / "logo.png").symlink_to(project_copy / "bilder" / "riktig.png")
    _set_org(project_copy, "logotyp: bilder/logo.png")
    r = run("check", "--project", str(project_copy), "--no-cache", REPORT)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("key,name", [("referensdokument", "ref.docx"), ("typstmall", "mall.typ")])
def test_style_files_outside_the_project_are_refused(key, name, project_copy, tmp_path):
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / name).write_bytes(MARKER)
    line = _set_org(project_copy, f"{key}: {outside / name}")
    assert_refused(project_copy, "RR604", "organisation.yaml", line, tmp_path)


def test_report_file_symlinked_out_is_refused_before_it_is_read(project_copy, secret, tmp_path):
    # A syntax error would quote the line: the file must not be read at all.
    (project_copy / "data" / "outcomes" / "stulen.yaml").symlink_to(secret)
    r = run("check", "--project", str(project_copy), "--no-cache", "stulen")
    assert r.exit_code == 1, r.output
    assert "data/outcomes/stulen.yaml:1:1: RR605" in r.output
    assert MARKER.decode() not in r.output
    r = run("check", "--project", str(project_copy), "--no-cache", "--all")
    assert r.exit_code == 1 and "RR605" in r.output and MARKER.decode() not in r.output


def test_budget_symlinked_out_is_refused(project_copy, tmp_path):
    budget = project_copy / "data" / "budget" / "budget-2025.yaml"
    outside = tmp_path / "utanfor.yaml"
    shutil.move(budget, outside)  # the same, valid budget, but outside the project
    budget.symlink_to(outside)
    r = run("check", "--project", str(project_copy), "--no-cache", REPORT)
    assert r.exit_code == 1, r.output
    assert "data/budget/budget-2025.yaml:1:1: RR605" in r.output
    b = run("build", "--project", str(project_copy), "--out", str(tmp_path / "ut"), REPORT)
    assert b.exit_code == 1 and "RR605" in b.output
    assert not (tmp_path / "ut").exists() or not any(p.is_file() for p in (tmp_path / "ut").rglob("*"))


def test_template_symlinked_out_is_refused_by_check_and_build(project_copy, tmp_path):
    """A section template linked to a file outside: its text would be printed in the report."""
    outside = tmp_path / "utanfor.md.j2"
    outside.write_text(MARKER.decode() + "\n", encoding="utf-8")
    sections = project_copy / "templates" / "sektioner"
    sections.mkdir(parents=True, exist_ok=True)
    (sections / "stulen.md.j2").symlink_to(outside)
    f = project_copy / "organisation.yaml"
    src = f.read_text(encoding="utf-8")
    first = "      - {tabell: finansiering_prognos}\n"
    assert first in src
    f.write_text(src.replace(first, first + "      - stulen\n", 1), encoding="utf-8")
    r = run("check", "--project", str(project_copy), "--no-cache", REPORT)
    assert r.exit_code == 1, r.output
    assert "templates/sektioner/stulen.md.j2:1:1: RR605" in r.output
    out = tmp_path / "ut"
    b = run("build", "--project", str(project_copy), "--out", str(out), REPORT)
    assert b.exit_code == 1 and "RR605" in b.output and MARKER.decode() not in b.output
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_template_loader_refuses_a_link_out_even_without_check(project_copy, tmp_path):
    from regionrapport.render.markdown import make_env

    outside = tmp_path / "utanfor.md.j2"
    outside.write_text("HEMLIG", encoding="utf-8")
    (project_copy / "templates").mkdir(exist_ok=True)
    (project_copy / "templates" / "x.md.j2").symlink_to(outside)
    with pytest.raises(ReportError) as e:
        make_env(project_copy / "templates").get_template("x.md.j2")
    assert e.value.diagnostics[0].code == "RR605"


# -- the converters hold where the rule is bypassed ------------------------------------------
def _style(images=("diagram-namnder.png",)):
    from regionrapport.render import pandoc as P

    return P.Style(reference_doc=P.RESOURCES / "reference.docx", typst_template=P.RESOURCES / "rapport.typ",
                   lua_filter=P.RESOURCES / "status.lua", images=tuple(images))


def _convert(folder: Path, md: str, to: str) -> Path:
    from regionrapport.render import pandoc as P

    src = folder / "r.md"
    src.write_text(md, encoding="utf-8")
    style, date = _style(), dt.date(2025, 4, 24)
    out = folder / f"r.{'docx' if to == 'docx' else 'typ'}"
    extra = P.docx_args(style) if to == "docx" else P.typst_args(style, date)
    P.finish(P.start_pandoc(src, to, style, date, extra, out), to)
    return out


def _hostile_markdown(secret: Path, folder: Path) -> str:
    relative = os.path.relpath(secret, folder)
    return f"""---
title: Test
---

# Rubrik

Bild: ![a]({secret}) och ![b]({relative}) och ![c](/proc/self/environ) och ![d](http://127.0.0.1:9/d.png).

Referens: ![e][ref] och ![ref].

[ref]: {secret}

Data: ![f](data:text/plain;base64,SEVNTElH)

`<w:r><w:t>{MARKER.decode()}</w:t></w:r>`{{=openxml}} `#read("{secret}")`{{=typst}} `x`{{=html}}

```{{=typst}}
#import "@preview/cetz:0.3.0"
#read("{secret}")
```

```{{=latex}}
\\input{{{secret}}}
```

![Diagrammet](diagram-namnder.png){{alt="Diagram"}}
"""


def test_docx_conversion_embeds_no_file_but_the_allowed_chart(tmp_path, secret):
    folder = tmp_path / "bygge"
    folder.mkdir()
    chart = _png(8, 4)
    (folder / "diagram-namnder.png").write_bytes(chart)
    docx = _convert(folder, _hostile_markdown(secret, folder), "docx")
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    media = [n for n in parts if n.startswith("word/media/")]
    assert len(media) == 1 and parts[media[0]] == chart, "the chart, and only the chart, is embedded"
    for name, data in parts.items():
        if name != media[0]:
            assert MARKER not in data, name
        assert b"HEMLIG" not in data.replace(chart, b""), name  # nor the data: URI's text
        assert b"INCLUDETEXT" not in data and b"#read" not in data, name
    xml = parts["word/document.xml"].decode("utf-8")
    assert "Rubrik" in xml and "Bild:" in xml  # the text around the images is kept


def test_typst_conversion_drops_raw_typst_and_foreign_images(tmp_path, secret):
    from regionrapport.render import pandoc as P

    folder = tmp_path / "bygge"
    folder.mkdir()
    (folder / "diagram-namnder.png").write_bytes(_png(8, 4))
    typ = _convert(folder, _hostile_markdown(secret, folder), "typst")
    src = typ.read_text(encoding="utf-8")
    assert "@preview" not in src and "#read(" not in src
    assert str(secret) not in src and "environ" not in src and "127.0.0.1" not in src
    assert '#image("diagram-namnder.png", alt: "Diagram"' in src
    pdf = P.compile_pdf(typ, dt.date(2025, 4, 24), folder)
    assert pdf.startswith(b"%PDF") and MARKER not in pdf


def test_typst_reads_nothing_outside_its_root(tmp_path, secret):
    """Even typst code that names a file outside the scratch folder cannot read it."""
    from regionrapport.render import pandoc as P

    folder = tmp_path / "bygge"
    folder.mkdir()
    typ = folder / "r.typ"
    typ.write_text(f'#read("{secret}")\n#read("../utanfor/hemlig.txt")\n', encoding="utf-8")
    with pytest.raises(ReportError) as e:
        P.compile_pdf(typ, dt.date(2025, 4, 24), folder)
    assert e.value.diagnostics[0].code == "RR506"
    assert MARKER.decode() not in e.value.diagnostics[0].message


class _Listener:
    """A local TCP port that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_typst_package_import_never_reaches_the_network(tmp_path, monkeypatch):
    """A package import fails at once with a clear message; not even a proxy set in the
    environment (here a local listener standing in for the network) is contacted."""
    from regionrapport.render import pandoc as P

    listener = _Listener()
    for var in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(var, listener.url)
    monkeypatch.setenv("NO_PROXY", "packages.typst.org")
    folder = tmp_path / "bygge"
    folder.mkdir()
    typ = folder / "r.typ"
    typ.write_text('#import "@preview/cetz:0.3.0"\nHej\n', encoding="utf-8")
    start = time.monotonic()
    try:
        with pytest.raises(ReportError) as e:
            P.compile_pdf(typ, dt.date(2025, 4, 24), folder)
    finally:
        listener.close()
    d = e.value.diagnostics[0]
    assert d.code == "RR506" and "hämtar inget från nätet" in d.message
    assert "Connection refused" in d.message  # the dead proxy, not a name lookup or a download
    assert listener.hits == 0
    assert time.monotonic() - start < 10
    packages = folder / ".typst-paket"
    assert not packages.exists() or not any(packages.iterdir())  # nothing was cached


def test_pandoc_runs_sandboxed(tmp_path):
    """The command line itself: --sandbox, no resource path, the allow-list of images."""
    from regionrapport.render import pandoc as P

    folder = tmp_path / "bygge"
    folder.mkdir()
    captured = {}

    class Fake:
        def __init__(self, args, **kw):
            captured["args"] = args

    real = P.subprocess.Popen
    P.subprocess.Popen = Fake
    try:
        (folder / "r.md").write_text("x", encoding="utf-8")
        P.start_pandoc(folder / "r.md", "docx", _style(), dt.date(2025, 4, 24), [], folder / "r.docx")
    finally:
        P.subprocess.Popen = real
    args = captured["args"]
    assert "--sandbox" in args and "--resource-path" not in args
    assert "rr-bilder=diagram-namnder.png" in args


def test_a_text_built_by_jinja_still_cannot_embed_a_file(project_copy, secret, tmp_path):
    """The static rule sees the text as written; an image put together by Jinja passes
    it, and the build's converters drop it: the DOCX and PDF hold no byte of the file."""
    # (the link's bracket too comes from an expression: a link to a file path is RR720)
    put_in_comment(project_copy, '{{ "!" }}[x{{ "]" }}(' + str(secret) + ') och {{ "`#read(\\"' + str(secret)
                   + '\\")`{" }}=typst}')
    out = tmp_path / "ut"
    b = run("build", "--project", str(project_copy), "--out", str(out), REPORT)
    assert b.exit_code == 0, b.output
    md = (out / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")
    assert f"![x]({secret})" in md and f'`#read("{secret}")`{{=typst}}' in md  # the rule was bypassed
    docx = out / REPORT / f"{REPORT}.docx"
    with zipfile.ZipFile(docx) as z:
        for n in z.namelist():
            assert MARKER not in z.read(n), n
        media = [n for n in z.namelist() if n.startswith("word/media/") and "logotyp" not in n]
    assert len(media) == 3  # the example's three charts (and its logo), nothing more
    import pypdf

    text = "".join(p.extract_text() for p in pypdf.PdfReader(out / REPORT / f"{REPORT}.pdf").pages)
    assert MARKER.decode() not in text


# -- metadata: the organisation's name, the title, period and decision ----------------
# Written between YAML quotes as they were, a `"` in the name ended the metadata string
# (pandoc failed: a data-only pull request broke every build while check passed); pasted
# into typst's `author: "..."`, it ended the typst string and what followed was typst code.
HOSTILE_NAME = 'Region "Q" #text(fill: red)[INJ] ) ] \\ *fet* <b>x</b> & $x$ @ref'
HOSTILE_TITLE = 'Delår "T") #set page(fill: red) ] #[ // #read("/etc/passwd")'
HOSTILE_DNR = 'RS 2025/1 "x" ] #(1 + 1) \\'


def _plain(s: str) -> str:
    """PDF text as written: typst prints a straight quote as a typographic one."""
    return " ".join(s.replace("\u201d", '"').replace("\u201c", '"').split())


def test_hostile_name_and_title_are_printed_as_written(project_copy, tmp_path):
    org = project_copy / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    assert text.count("namn: Region Kronoberg\n") == 1
    org.write_text(text.replace("namn: Region Kronoberg\n", f"namn: '{HOSTILE_NAME}'\n"), encoding="utf-8")
    outcomes = project_copy / OUTCOMES
    text = outcomes.read_text(encoding="utf-8")
    assert text.count("  titel: Delårsrapport per mars 2025\n") == 1
    outcomes.write_text(text.replace("  titel: Delårsrapport per mars 2025\n",
                                     f"  titel: '{HOSTILE_TITLE}'\n  diarienummer: '{HOSTILE_DNR}'\n"), encoding="utf-8")
    assert run("check", "--project", str(project_copy), "--no-cache", REPORT).exit_code == 0
    out = tmp_path / "ut"
    b = run("build", "--project", str(project_copy), "--out", str(out), REPORT)
    assert b.exit_code == 0, b.output
    import pypdf

    reader = pypdf.PdfReader(out / REPORT / f"{REPORT}.pdf")
    assert reader.metadata.author == HOSTILE_NAME  # typst's string was not left
    assert reader.metadata.title.replace("\u201d", '"') == HOSTILE_TITLE
    first = _plain(reader.pages[0].extract_text())
    assert _plain(HOSTILE_NAME) in first and _plain(HOSTILE_TITLE) in first  # no markup ran, no character lost
    assert _plain(HOSTILE_DNR) in first
    assert "/etc/passwd" in first and "root:" not in first
    # the running header of a body page carries both as well, and the page is not red
    assert _plain(HOSTILE_NAME) in _plain(reader.pages[2].extract_text())
    with zipfile.ZipFile(out / REPORT / f"{REPORT}.docx") as z:
        headers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header")]
        import xml.dom.minidom

        for n in z.namelist():
            if n.endswith(".xml"):
                xml.dom.minidom.parseString(z.read(n))  # every part is well-formed XML
    texts = ["".join(t.firstChild.data for t in xml.dom.minidom.parseString(h).getElementsByTagName("w:t") if t.firstChild)
             for h in headers]
    assert any(HOSTILE_NAME in t for t in texts) and any(HOSTILE_TITLE in t for t in texts), texts


def test_reference_header_fills_each_placeholder_once(tmp_path):
    """A name holding another placeholder stays text: no title or logo is pasted into it."""
    from regionrapport.render import pandoc as P

    data = P.personalise_reference(_style(), "A {{titel}} B {{logotyp}} <&>", "Titeln", dt.date(2025, 4, 24))
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        header = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header"))
    assert "A {{titel}} B {{logotyp}} &lt;&amp;&gt;" in header and "Titeln" in header
    assert "<wp:inline" not in header


def test_project_templates_run_in_jinja_sandbox(project_copy, tmp_path):
    """A project template is code (docs/security.md), and still reaches no Python internals:
    the classic escape from a template is refused as a located template error (RR503)."""
    (project_copy / "templates" / "sektioner").mkdir(parents=True, exist_ok=True)
    (project_copy / "templates" / "sektioner" / "malsammanfattning.md.j2").write_text(
        "# Inledning\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    out = tmp_path / "ut"
    b = run("build", "--project", str(project_copy), "--out", str(out), "--format", "md", REPORT)
    assert b.exit_code == 1, b.output
    assert "RR503" in b.output and "templates/sektioner/malsammanfattning.md.j2:3:" in b.output and "unsafe" in b.output
    assert "Traceback" not in b.output and not (out / REPORT).exists()
