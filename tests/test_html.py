"""`rapport build --format html`: one self-contained, accessible page per report.

Read as markup here (html.parser); the same page in a real browser, with an
accessibility check, is tests/test_browser.py.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main

from tests.test_untrusted import MARKER, _hostile_markdown, _png, _style, put_in_comment, secret  # noqa: F401 - fixture

REPORT = "delar-mars-2025"
ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return CliRunner().invoke(main, list(args))


class Page(HTMLParser):
    """What the tests ask of a page: its elements with their attributes, in order, and the text inside some."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.text: dict[int, str] = {}  # index into tags -> text inside (for th, caption, span, a, h1-h3)
        self._open: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("th", "caption", "span", "a", "h1", "h2", "h3", "title", "script", "style"):
            self._open.append(len(self.tags) - 1)
            self.text[len(self.tags) - 1] = ""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if self._open and self.tags[self._open[-1]][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for i in self._open:
            self.text[i] += data

    def find(self, tag: str) -> list[tuple[int, dict]]:
        return [(i, a) for i, (t, a) in enumerate(self.tags) if t == tag]


@pytest.fixture(scope="module")
def page_html(tmp_path_factory) -> tuple[str, str]:
    """The example built to HTML twice, into two folders: (first page, second page's bytes equal?)."""
    out1, out2 = tmp_path_factory.mktemp("html1"), tmp_path_factory.mktemp("html2")
    for out in (out1, out2):
        r = run("build", "--project", str(ROOT), "--out", str(out), "--format", "md,html", REPORT)
        assert r.exit_code == 0, r.output
    first = (out1 / REPORT / f"{REPORT}.html").read_bytes()
    second = (out2 / REPORT / f"{REPORT}.html").read_bytes()
    assert first == second, "two builds of the same input differ"
    return first.decode("utf-8"), (out1 / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")


def md_tables(md: str) -> int:
    """Pipe tables in the Markdown: one delimiter row each."""
    return len(re.findall(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$", md, flags=re.M))


def test_page_has_every_table_with_caption_and_scoped_headers(page_html):
    html, md = page_html
    page = Page(html)
    tables = page.find("table")
    assert len(tables) == md_tables(md) == 37
    # every table has a caption, as its first child, with the Markdown's caption text
    for i, _ in tables:
        assert page.tags[i + 1][0] == "caption", page.tags[i + 1]
    captions = [page.text[i].strip() for i, _ in page.find("caption")]
    assert "Förvaltning av finansiella medel (mnkr)" in captions
    assert "Vården är till för alla" in captions
    ths = page.find("th")
    assert all(a.get("scope") in ("col", "row") for _, a in ths), [a for _, a in ths if "scope" not in a][:3]
    rows = [page.text[i].strip() for i, a in ths if a["scope"] == "row"]
    cols = [page.text[i].strip() for i, a in ths if a["scope"] == "col"]
    assert "Mätetal" in cols and "Status" in cols
    assert "Hälso- och sjukvårdsnämnd" in rows  # a committee names its row
    assert all(rows), "no empty row header"
    # "Finansiering, prognos för helåret" mixes mnkr and percent: its corner cell names no
    # unit, and an empty header cell would name nothing (axe: empty-table-header)
    assert all(cols), "no empty column header"


def test_page_is_swedish_with_one_title_a_toc_and_real_headings(page_html):
    html, md = page_html
    page = Page(html)
    assert page.tags[0] == ("html", {"lang": "sv"})
    h1 = page.find("h1")
    assert [page.text[i] for i, _ in h1] == ["Delårsrapport per mars 2025"]
    assert page.text[page.find("title")[0][0]] == "Delårsrapport per mars 2025"
    heads = [page.text[i] for i, _ in page.find("h2")]
    assert "Förvaltningsberättelse" in heads and "Måluppfyllelse" in heads
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)), "ids are unique"
    nav = next(i for i, (t, a) in enumerate(page.tags) if t == "nav")
    main = next(i for i, (t, a) in enumerate(page.tags) if t == "main")
    toc = [(a["href"], page.text[i]) for i, a in page.find("a") if nav < i < main]
    assert len(toc) == len(re.findall(r"^##? ", md, flags=re.M)) and all(href[1:] in ids for href, _ in toc), "every contents link leads to a heading"
    assert ("#förvaltningsberättelse", "Förvaltningsberättelse") in toc
    assert ("#händelser-av-väsentlig-betydelse", "Händelser av väsentlig betydelse") in toc


def test_status_is_text_and_colour_and_charts_are_embedded_with_alt_text(page_html):
    html, _ = page_html
    page = Page(html)
    statuses = [(a["class"], page.text[i]) for i, a in page.find("span") if a.get("class", "").startswith("status-")]
    assert ("status-gron", "●\xa0Målet uppfyllt") in statuses or any(
        c == "status-gron" and "uppfyllt" in t for c, t in statuses), statuses[:5]
    assert {c for c, _ in statuses} >= {"status-gron", "status-rod", "status-saknas"}
    assert all(t.strip() for _, t in statuses), "a status is never colour alone"
    # the colours: the organisation's accent and the status colours, yellow darkened to 4.5:1 on white
    assert "--accent: #1f4e79;" in html and ".status-gron { color: var(--status-gron); }" in html
    assert "--status-gul: #f9a825" not in html
    imgs = [a for _, a in page.find("img")]
    assert len(imgs) == 4  # the logo and the three charts
    assert all(a["src"].startswith("data:image/png;base64,") for a in imgs)
    assert all(len(a.get("alt", "")) > 20 for a in imgs)
    assert any(a["alt"].startswith("Liggande stapeldiagram över nettokostnad per nämnd") for a in imgs)


def test_page_is_self_contained_with_a_print_stylesheet(page_html):
    html, _ = page_html
    assert "@media print" in html and "@page { size: A4" in html
    assert '"Liberation Sans", Arial' in html
    assert not re.search(r'(?:src|href)="(?!#|data:|https?://)', html), "nothing but the page and data: URIs"
    assert not re.search(r'(?:src)="https?://', html) and "<link" not in html
    assert "<script" not in html  # a built page runs nothing (the preview adds its own)


HOSTILE = ('Före <script>alert("x")</script> <img src="file:///etc/passwd" onerror="alert(1)"> '
           '[klicka](javascript:alert(1)) [data](data:text/html,<b>x</b>) [VB](  JaVaScRiPt:alert(2)) '
           '<a href="javascript:alert(3)">a</a> [bra](#förvaltningsberättelse) [webb](https://example.org/x) '
           '`<iframe src=x>`{=html} efter')


def _html_convert(folder: Path, md: str) -> str:
    from regionrapport.render.html import convert, finish_html

    style, date = _style(), dt.date(2025, 4, 24)
    out = folder / "r.html"
    out.write_text(convert(md, style, date, folder), encoding="utf-8")
    finish_html(out, style, folder, "Org")
    return out.read_text(encoding="utf-8")


def _active(html: str) -> list[str]:
    """Whatever in the page could run, load or open something."""
    page = Page(html)
    found = []
    for tag, a in page.tags:
        if tag in ("script", "iframe", "object", "embed", "link", "base", "form", "meta") and tag != "meta":
            found.append(tag)
        for k, v in a.items():
            if k.startswith("on"):
                found.append(f"{tag} {k}")
            if k in ("href", "src", "action") and v and not re.match(r"^(#|https?://|mailto:|data:image/png;base64,)", v):
                found.append(f"{tag} {k}={v[:40]}")
    return found


def test_hostile_text_is_inert_in_the_page(tmp_path, secret):  # noqa: F811 - the fixture
    """pandoc's conversion alone (as when a text built by Jinja slips past the rules)."""
    folder = tmp_path / "bygge"
    folder.mkdir()
    chart = _png(8, 4)
    (folder / "diagram-namnder.png").write_bytes(chart)
    html = _html_convert(folder, _hostile_markdown(secret, folder) + "\n" + HOSTILE + "\n")
    assert _active(html) == []
    page = Page(html)
    assert [a["src"][:22] for _, a in page.find("img")] == ["data:image/png;base64,"]  # the chart only
    assert MARKER.decode() not in html and "HEMLIG" not in html.replace("SEVNTElH", "")
    # the text is kept, as text: a reader sees what was written
    assert "&lt;script&gt;alert" in html and "klicka" in html and "JaVaScRiPt" not in html
    hrefs = [a["href"] for _, a in page.find("a")]
    assert "#förvaltningsberättelse" in hrefs and "https://example.org/x" in hrefs


def test_links_to_anything_but_the_web_are_refused(project_copy, tmp_path):
    line = put_in_comment(project_copy, "Se [här](javascript:alert(1)) och [där](https://example.org).")
    r = run("build", "--project", str(project_copy), "--out", str(tmp_path / "ut"), "--format", "html", REPORT)
    assert r.exit_code == 1 and f"data/outcomes/{REPORT}.yaml:{line}:" in r.output and "RR720" in r.output
    assert not (tmp_path / "ut" / REPORT).exists()


def test_hostile_comment_builds_to_an_inert_page(project_copy, tmp_path):
    """Through the whole build: check lets these through (they embed nothing), the page runs none of them."""
    # (an <img> or a {=html} is refused by check: RR602, RR601, a javascript: link by RR720;
    # the links are put together by the text's own expressions here, past the rule)
    text = HOSTILE.replace("`<iframe src=x>`{=html} ", "").replace('<img src="file:///etc/passwd" onerror="alert(1)"> ', "")
    text = text.replace("](", '{{ "]" }}(')
    put_in_comment(project_copy, text)
    out = tmp_path / "ut"
    r = run("build", "--project", str(project_copy), "--out", str(out), "--format", "html", REPORT)
    assert r.exit_code == 0, r.output
    html = (out / REPORT / f"{REPORT}.html").read_text(encoding="utf-8")
    assert _active(html) == []
    assert "<p>Före &lt;script&gt;alert(“x”)&lt;/script&gt; klicka data VB &lt;a href=“javascript:alert(3)”&gt;" in html


def test_html_output_is_published_like_the_others(project_copy, tmp_path):
    """out/REPORT/ replaced whole: an html-only build after a full one leaves only the page."""
    out = tmp_path / "ut"
    r = run("build", "--project", str(project_copy), "--out", str(out), "--format", "md,html", REPORT)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (out / REPORT).iterdir()) == [f"{REPORT}.html", f"{REPORT}.md"]
    r = run("build", "--project", str(project_copy), "--out", str(out), "--format", "html", REPORT)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (out / REPORT).iterdir()) == [f"{REPORT}.html"]
    assert not any((out / ".rapport-tmp").iterdir()) if (out / ".rapport-tmp").exists() else True
    r = run("build", "--project", str(project_copy), "--out", str(out), "--format", "xml", REPORT)
    assert r.exit_code == 2 and "html" in r.output


@pytest.mark.parametrize("example", ["budget-2025"])
def test_budget_builds_to_html(example, tmp_path):
    out = tmp_path / "ut"
    r = run("build", "--project", str(ROOT), "--out", str(out), "--format", "html", example)
    assert r.exit_code == 0, r.output
    page = Page((out / example / f"{example}.html").read_text(encoding="utf-8"))
    assert len(page.find("table")) == 28 and len(page.find("h1")) == 1


def test_norrby_builds_to_html_in_its_own_colours(tmp_path):
    src = ROOT / "examples" / "region-norrby"
    proj = tmp_path / "norrby"
    shutil.copytree(src, proj, ignore=shutil.ignore_patterns("out"))
    r = run("build", "--project", str(proj), "--format", "html", "tertial2-2025")
    assert r.exit_code == 0, r.output
    html = (proj / "out" / "tertial2-2025" / "tertial2-2025.html").read_text(encoding="utf-8")
    assert "--accent: #2f5d50;" in html  # Norrby's own accent
    assert _active(html) == []


def test_preview_cache_converts_only_the_changed_piece_and_gives_the_cold_page(tmp_path, monkeypatch):
    """The preview's shortcut changes nothing in the page: cached pieces + one converted = a cold conversion."""
    from regionrapport.render import html as H

    md = (ROOT / "tests" / "golden" / "reports" / f"{REPORT}.md").read_text(encoding="utf-8")
    style, date = _style(), dt.date(2025, 4, 24)
    cache: dict = {}
    H.convert(md, style, date, tmp_path, cache)
    calls: list[str] = []
    real = H._pandoc_html

    def counting(folder, name, text, *args):
        calls.append(text)
        return real(folder, name, text, *args)

    monkeypatch.setattr(H, "_pandoc_html", counting)
    old = "Hälso- och sjukvården ligger"
    assert md.count(old) == 1
    edited = md.replace(old, "Hälso- och sjukvården (ändrad) ligger")
    warm = H.convert(edited, style, date, tmp_path, cache)
    assert len(calls) == 1 and "(ändrad)" in calls[0] and "rr-snitt" not in calls[0]  # one piece, one call
    assert len(calls[0]) < len(md) / 5
    calls.clear()
    assert H.convert(edited, style, date, tmp_path) == warm  # without a cache: everything converted
    assert len(calls) == 2  # the pieces in one call, the title block in another
    assert "Hälso- och sjukvården (ändrad) ligger" in warm
