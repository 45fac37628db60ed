"""Markdown -> one self-contained, accessible HTML page (`rapport build --format html`).

The page comes from the same Markdown as the DOCX and the PDF, through the same
pandoc call (`start_pandoc`: --sandbox, the Markdown reader without raw HTML, and
status.lua with its guard) and the template resources/rapport.html. What pandoc's
HTML writer cannot be told is added here, on pandoc's output, whose structure is
its own (every text from the data is escaped by pandoc, so no text can add a tag
or an attribute that the rewrites below would read):

- `<th scope="col">` in a table's header rows and `<th scope="row">` for the row
  headers status.lua marks (the first column);
- the stylesheet (resources/rapport.css) inline, after the organisation's colours as
  CSS custom properties (accent, headings, header tint, status colours darkened
  to 4.5:1 against white where needed, as in the DOCX and PDF);
- the charts and the logo as data: URIs, so the page is one file: the only images
  are the build's own charts (status.lua drops every other image before pandoc
  writes the page) and the logo organisation.yaml names inside the project.

The typeface is named, not embedded: "Liberation Sans", then Arial (same metrics)
and the system's sans-serif. Embedding the four vendored faces would add about
2.2 MB of base64 to every page (the example page is about 0.4 MB with its charts);
a reader's browser always has a sans-serif, and the figures line up with
`tabular-nums` in any of them.

The page holds no script and loads nothing: no external URL, no web font.
`rapport preview` adds its own small reload script when it serves the page
(commands/preview.py); a built page never has it.

**Pieces, and a cache for the preview.** pandoc's HTML writer takes most of a
rebuild (about 0.4 s of CPU for the example, more with the Lua filter), and an edit
usually changes one section. So the Markdown is cut before every chapter and
section heading (`#`, `##`; never inside a fenced block): the pieces whose HTML is
not in `cache` (a dict the caller keeps, keyed by the piece and every pandoc
option) are converted in one pandoc call, divided by a marker div with a random
class no text can know, and the title block (the template, filled from the
metadata) in another. A build keeps no cache and so converts everything, in those
same two calls; `rapport preview` keeps one for its lifetime, so after an edit only
the changed pieces go through pandoc. pandoc numbers no headings here
(`-auto_identifiers`): the ids and the contents list are made once for the whole
page below, so a piece converts the same wherever it stands.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html as _html
import re
import secrets
import unicodedata
from pathlib import Path

from ..style import LOGO_TYPES, RESOURCES, Style

TEMPLATE = RESOURCES / "rapport.html"
STYLESHEET = RESOURCES / "rapport.css"
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


# The title is the page's one <h1>; the report's chapters (# in the Markdown) are <h2>.
BODY_ARGS = ["--shift-heading-level-by=1"]
READER_HTML = "markdown-citations-raw_html-raw_tex-tex_math_dollars-auto_identifiers"
TOC_LEVELS = (2, 3)  # chapters and sections, as in the DOCX and the PDF


def html_args(style: Style) -> list[str]:
    """pandoc's options for the title block (the template; after start_pandoc's own)."""
    return ["--template", str(TEMPLATE), "-V", "lang=sv"]


def split_markdown(md: str) -> tuple[str, list[str]]:
    """The metadata block, and the body cut before each `#` and `##` heading outside a fence."""
    meta, body = "", md
    m = re.match(r"---\n.*?\n---\n", md, flags=re.S)
    if m:
        meta, body = m.group(0), md[m.end():]
    pieces: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in body.splitlines(keepends=True):
        f = re.match(r"\s{0,3}(`{3,}|~{3,})", line)
        if f:
            mark = f.group(1)[0] * 3
            fence = None if fence and mark == fence else (fence or mark)
        if fence is None and re.match(r"##? ", line) and current:
            pieces.append("".join(current))
            current = []
        current.append(line)
    if current:
        pieces.append("".join(current))
    return meta, pieces


def _key(args: list[str], text: str) -> str:
    return hashlib.sha256(("\0".join(args) + "\0\0" + text).encode("utf-8")).hexdigest()


def _pandoc_html(folder: Path, name: str, text: str, style: Style, date: dt.date, extra: list[str]) -> str:
    from .pandoc import finish, start_pandoc

    src, out = folder / f"{name}.md", folder / f"{name}.html"
    src.write_text(text, encoding="utf-8")
    finish(start_pandoc(src, "html5", style, date, extra, out, reader=READER_HTML), "html")
    return out.read_text(encoding="utf-8")


def convert(md: str, style: Style, date: dt.date, folder: Path, cache: dict | None = None) -> str:
    """The page's HTML before finish_html: the title block with the body and contents list in it."""
    cache = {} if cache is None else cache
    meta, pieces = split_markdown(md)
    from .pandoc import _status_meta

    # everything a piece's HTML depends on besides its text (start_pandoc's options included)
    fixed = [READER_HTML, *BODY_ARGS, *style.images, *_status_meta(style), str(style.lua_filter)]
    keys = [_key(fixed, p) for p in pieces]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    if todo:
        cut = f"rr-snitt-{secrets.token_hex(8)}"
        joined = f"\n\n::: {{.{cut}}}\n:::\n\n".join(pieces[i] for i in todo)
        out = _pandoc_html(folder, "delar", joined, style, date, BODY_ARGS)
        parts = re.split(rf'<div class="{cut}">\s*</div>\n?', out)
        if len(parts) != len(todo):  # not reached: the class is random and pandoc keeps every div
            raise AssertionError(f"{len(parts)} HTML pieces for {len(todo)} Markdown pieces")
        for i, part in zip(todo, parts, strict=True):
            cache[keys[i]] = part.strip("\n") + "\n"
    body = "".join(cache[k] for k in keys)
    head_key = _key([*html_args(style), str(TEMPLATE), str(date)], meta)
    if head_key not in cache:
        cache[head_key] = _pandoc_html(folder, "titel", meta + "\n", style, date, html_args(style))
    if len(cache) > 4 * (len(keys) + 1) + 64:  # a long session: keep what this page uses
        for k in [k for k in cache if k not in keys and k != head_key]:
            del cache[k]
    body, toc = _headings(body)
    page = cache[head_key]
    page = page.replace("<!--rr-innehall-->", toc, 1)
    return page.replace("<!--rr-brodtext-->", body, 1)


def slug(text: str) -> str:
    """An id from a heading's text, as pandoc makes one: lower case, letters, digits, _-. and hyphens for spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(c for c in text if c.isalnum() or c in "_-. " or c.isspace())
    kept = re.sub(r"\s+", "-", kept.strip())
    while kept and not kept[0].isalpha():  # an id starts with a letter
        kept = kept[1:]
    return kept or "avsnitt"


def _headings(body: str) -> tuple[str, str]:
    """Ids on the headings (unique in the page) and the nested contents list of levels TOC_LEVELS."""
    seen: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []

    def one(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        text = _html.unescape(re.sub(r"<[^>]*>", "", inner))
        existing = re.search(r'\bid="([^"]*)"', attrs)
        if existing:
            ident = existing.group(1)
        else:
            base = slug(text)
            n = seen.get(base, 0)
            ident = base if n == 0 else f"{base}-{n}"
            seen[base] = n + 1
            attrs = f' id="{ident}"' + attrs
        if level in TOC_LEVELS:
            entries.append((level, ident, _html.escape(" ".join(text.split()), quote=False)))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    body = re.sub(r"<h([2-6])((?:\s[^>]*)?)>(.*?)</h\1>", one, body, flags=re.S)
    return body, _toc(entries)


def _toc(entries: list[tuple[int, str, str]]) -> str:
    out, depth = [], 0
    top = TOC_LEVELS[0]
    for level, ident, text in entries:
        d = level - top + 1
        if d > depth:
            out.append("\n<ul>" * (d - depth))
        else:
            out.append("</li>")
            for _ in range(depth - d):
                out.append("\n</ul></li>")
        depth = d
        out.append(f'\n<li><a href="#{_html.escape(ident)}">{text}</a>')
    if depth:
        out.append("</li>")
        out.append("\n</ul></li>" * (depth - 1))
        out.append("\n</ul>")
    return "".join(out).lstrip("\n") + ("\n" if out else "")


def stylesheet(style: Style) -> str:
    """The organisation's colours as custom properties, then the house stylesheet."""
    from .pandoc import header_tint, text_colour

    props = [f"--accent: {style.accent};", f"--rubrik: {style.heading};", f"--tint: {header_tint(style.accent)};"]
    rules = []
    for key, colour in style.status_colours.items():
        if _KEY.match(key):  # the keys are identifiers in organisation.yaml; anything else gets no colour
            props.append(f"--status-{key}: {text_colour(colour)};")
            rules.append(f".status-{key} {{ color: var(--status-{key}); }}")
    return ":root { " + " ".join(props) + " }\n" + STYLESHEET.read_text(encoding="utf-8") + "\n".join(rules) + "\n"


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _scopes(html: str) -> str:
    """scope="col" on the header cells of <thead>, scope="row" on those of <tbody>."""
    def one(m: re.Match) -> str:
        part = m.group(0)
        scope = "col" if part.startswith("<thead") else "row"
        return re.sub(r"<th(?=[\s>])", f'<th scope="{scope}"', part)

    html = re.sub(r"<thead>.*?</thead>|<tbody>.*?</tbody>", one, html, flags=re.S)
    # A row without a label (a blank first cell) has no header, nor has the corner cell
    # above the labels of a table whose columns differ in unit: an empty <th> names nothing.
    return re.sub(r'<th scope="(?:row|col)"( style="[^"]*")?></th>', r"<td\1></td>", html)


def finish_html(path: Path, style: Style, folder: Path, organisation: str) -> None:
    """Make pandoc's page (at `path`) self-contained and accessible, in place."""
    html = path.read_text(encoding="utf-8")
    html = _scopes(html)
    html = html.replace("/*rr-style*/", stylesheet(style), 1)

    def chart(m: re.Match) -> str:
        name = m.group(1)
        if name in style.images and (folder / name).is_file():
            return 'src="' + _data_uri(folder / name, "image/png") + '"'
        return 'src=""'  # not reached: status.lua keeps only the charts

    html = re.sub(r'src="([^"]*)"', chart, html)
    logo = ""
    if style.logo_in_build and (folder / style.logo_in_build).is_file():
        mime = LOGO_TYPES.get(Path(style.logo_in_build).suffix.lower(), "image/png")
        from .pandoc import escape

        alt = escape(f"Logotyp, {organisation}").replace('"', "&quot;")
        logo = f'<img class="logotyp" src="{_data_uri(folder / style.logo_in_build, mime)}" alt="{alt}">'
    html = html.replace("<!--rr-logotyp-->", logo, 1)
    path.write_text(html, encoding="utf-8", newline="\n")
