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
"""
from __future__ import annotations

import base64
import re
from pathlib import Path

from ..style import LOGO_TYPES, RESOURCES, Style

TEMPLATE = RESOURCES / "rapport.html"
STYLESHEET = RESOURCES / "rapport.css"
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def html_args(style: Style) -> list[str]:
    """pandoc's options for the page (after start_pandoc's own)."""
    # The title is the page's one <h1>; the report's chapters (# in the Markdown) are <h2>.
    return ["--template", str(TEMPLATE), "--shift-heading-level-by=1", "--toc-depth=3", "--section-divs",
            "-V", "lang=sv", "-M", "toc-title=Innehåll"]


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
    # A row without a label (a blank first cell) has no header: an empty <th> names nothing.
    return re.sub(r'<th scope="row"( style="[^"]*")?></th>', r"<td\1></td>", html)


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
