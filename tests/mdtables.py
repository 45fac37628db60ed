"""Reading the built Markdown as a reader would: figures in Swedish form, pipe tables by caption."""
from __future__ import annotations

from regionrapport.numbers import MINUS, NBSP


def n(text: str) -> str:
    """'-1 956' written plainly in a test -> '−1 956' as the report prints it (U+2212, no-break space)."""
    return text.replace("-", MINUS).replace(" ", NBSP)


def _cells(line: str) -> list[str]:
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def _table_lines(md: str, caption: str) -> list[str]:
    """The pipe-table lines (header, rule, rows) of the table captioned `caption`."""
    lines = md.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith(": " + caption))
    last = end - 1
    while not lines[last].startswith("|"):
        last -= 1  # the blank line between table and caption
    first = last
    while lines[first - 1].startswith("|"):
        first -= 1
    return lines[first: last + 1]


def table_header(md: str, caption: str) -> list[str]:
    return [c.strip() for c in _table_lines(md, caption)[0].strip().strip("|").split("|")]


def table_rows(md: str, caption: str) -> dict[str, list[str]]:
    """label -> cells of the table captioned `caption`, bold/italic markup and indentation stripped."""
    rows = {}
    for line in _table_lines(md, caption)[2:]:
        cells = _cells(line)
        rows[cells[0].strip("\u2003 *")] = cells[1:]
    return rows
