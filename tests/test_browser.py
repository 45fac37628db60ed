"""The HTML page and the preview in a real browser: headless Chromium (tests/browser.py).

One browser for the whole module. Without Chromium these tests are skipped with a
message saying how to install it (`make test` installs it where it can: as root with
apt-get, see the Makefile's `browser` step).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main

from tests.browser import INSTALL_HINT, Browser, find_chromium

REPORT = "delar-mars-2025"
ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = f"data/outcomes/{REPORT}.yaml"

pytestmark = pytest.mark.skipif(find_chromium() is None, reason=INSTALL_HINT)


@pytest.fixture(scope="module")
def browser():
    b = Browser(find_chromium())  # type: ignore[arg-type]
    yield b
    b.close()


@pytest.fixture
def page(browser):
    p = browser.page()
    yield p
    p.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The example's page and Markdown, built once."""
    out = tmp_path_factory.mktemp("html")
    r = CliRunner().invoke(main, ["build", "--project", str(ROOT), "--out", str(out), "--format", "md,html", REPORT])
    assert r.exit_code == 0, r.output
    return out / REPORT / f"{REPORT}.html", (out / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")


def md_tables(md: str) -> int:
    return len(re.findall(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$", md, flags=re.M))


def test_page_renders_every_table_and_chart(page, built):
    html_file, md = built
    page.goto(html_file.as_uri())
    shown = page.evaluate("""(() => {
        const tables = [...document.querySelectorAll('table')];
        return {tables: tables.length,
                drawn: tables.filter(t => t.getBoundingClientRect().height > 20 && t.rows.length > 1).length,
                captions: tables.filter(t => t.caption && t.caption.textContent.trim()).length,
                images: [...document.images].filter(i => i.complete && i.naturalWidth > 100).length,
                lang: document.documentElement.lang,
                font: getComputedStyle(document.body).fontFamily};
    })()""")
    assert shown["tables"] == md_tables(md) == 37
    assert shown["drawn"] == shown["captions"] == 37  # each laid out with its rows and caption
    assert shown["images"] == 4  # the three charts and the logo, decoded from their data: URIs
    assert shown["lang"] == "sv" and shown["font"].startswith('"Liberation Sans"')
    # the status colour: "Målet uppfyllt" in green (the text-safe one), as text beside the colour
    green = page.evaluate("(() => { const s = document.querySelector('.status-gron');"
                          " return [s.textContent, getComputedStyle(s).color]; })()")
    assert "uppfyllt" in green[0] and green[1] == "rgb(46, 125, 50)"  # #2e7d32


def test_page_has_no_accessibility_violation(page, built):
    """Asked: no serious or critical one. Found: none at all, so any new one fails."""
    html_file, _ = built
    page.goto(html_file.as_uri())
    violations = page.axe()
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    assert violations == []
    assert page.evaluate("typeof axe.version") == "string"  # axe ran (vendored axe-core)


def test_norrby_page_in_its_own_colours_has_no_accessibility_violation(page, tmp_path):
    r = CliRunner().invoke(main, ["build", "--project", str(ROOT / "examples" / "region-norrby"), "--out",
                                  str(tmp_path), "--format", "html", "tertial2-2025"])
    assert r.exit_code == 0, r.output
    page.goto((tmp_path / "tertial2-2025" / "tertial2-2025.html").as_uri())
    assert page.axe() == []


def test_axe_finds_what_it_should(page, tmp_path):
    """The check can fail: a page with an image without alt text and an unlabelled table header."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><main>'
                   '<img src="data:image/png;base64,iVBORw0KGgo="><p style="color:#bbb">ljus text</p>'
                   '</main></body></html>', encoding="utf-8")
    page.goto(bad.as_uri())
    found = {v["id"]: v["impact"] for v in page.axe()}
    assert found.get("image-alt") == "critical" and found.get("html-has-lang") == "serious"
    assert found.get("color-contrast") == "serious"


@pytest.fixture
def preview(project_copy):
    from regionrapport.commands.preview import Preview

    pv = Preview(project_copy, REPORT, port=0).start()
    yield pv
    pv.stop()


def test_preview_reloads_after_an_edit_and_shows_errors(page, preview, project_copy):
    assert preview.ok, preview.page[:2000]
    page.goto(preview.url)
    assert page.evaluate("document.querySelectorAll('table').length") == 37
    assert page.evaluate("document.body.innerText.includes('Hälso- och sjukvården ligger 36')")
    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    old = "Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"
    assert src.count(old) == 1
    # a saved edit: the open page changes by itself, in place (no reload: what the page's
    # window holds survives), and then holds what a fresh load of the new page holds
    page.evaluate("window.rrSamma = 1; true")
    f.write_text(src.replace(old, old.replace("ligger", "ligger nu")), encoding="utf-8")
    page.wait_for("document.body.innerText.includes('Hälso- och sjukvården ligger nu 36')", 30)
    assert page.evaluate("window.rrSamma") == 1
    patched = page.evaluate("document.documentElement.outerHTML")
    page.goto(preview.url)
    fresh = page.evaluate("document.documentElement.outerHTML")
    # the update script removes itself from the document; the blank lines around it aside,
    # the page updated in place is the page loaded afresh
    assert "<script" not in patched and "<script" not in fresh
    assert re.sub(r">\s+<", "><", patched) == re.sub(r">\s+<", "><", fresh)
    # an error: the page shows it, located and escaped, instead of the last report
    bad = src.replace("    utfall: 1", "    utfal: 1", 1)
    assert bad != src
    line = bad[:bad.index("    utfal: 1")].count("\n") + 1
    f.write_text(bad, encoding="utf-8")
    page.wait_for("document.querySelector('h1') && document.querySelector('h1').textContent === 'Fel i underlaget'", 30)
    text = page.evaluate("document.body.innerText")
    assert f"{OUTCOMES}:{line}:" in text and "RR010" in text and "Tips:" in text
    assert page.evaluate("document.querySelectorAll('table').length") == 0
    # fixed: the report is back
    f.write_text(src, encoding="utf-8")
    page.wait_for("document.querySelectorAll('table').length === 37", 30)


def test_preview_runs_no_script_from_the_data(page, preview, project_copy):
    """Even served, a text's markup is text, and the page's policy would not run it anyway.
    (The link is put together past RR720 by the text's own expression.)"""
    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    old = "      Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"
    f.write_text(src.replace(old, "      Nu <script>window.rrHacked = 1</script> [a{{ ']' }}(javascript:window.rrHacked=2)\n" + old),
                 encoding="utf-8")
    page.goto(preview.url)
    page.wait_for("document.body.innerText.includes('Nu <script>')", 30)
    page.evaluate("document.querySelectorAll('a').forEach(a => a.click()); true")
    assert page.evaluate("typeof window.rrHacked") == "undefined"
