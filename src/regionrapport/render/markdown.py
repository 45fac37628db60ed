"""Jinja environment and Markdown helpers (pipe tables that line up)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from jinja2 import (ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound)

from ..diagnostics import Diagnostic, ReportError
from .context import Context

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _width(s: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in s)


def _pad(s: str, w: int, right: bool) -> str:
    gap = " " * max(0, w - _width(s))
    return gap + s if right else s + gap


def escape_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def pipe_table(headers: list[str], rows: list[list[str]], numeric: list[bool], widths: list[int] | None = None,
               first_header: str = "") -> str:
    """A pandoc pipe table. Numeric columns are right-aligned.

    With `widths` (relative), the separator line gets proportional dashes and the
    table is made wider than pandoc's --columns, so long text cells wrap with
    those proportions; without, the table is padded to line up as plain text.
    """
    headers = [escape_cell(h) for h in headers]
    cells = [[escape_cell(c) for c in r] for r in rows]
    if widths:
        dashes = [max(3, round(210 * w / sum(widths))) for w in widths]
        seps = [("-" * (d - 1) + ":") if num else "-" * d for d, num in zip(dashes, numeric)]
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(seps) + "|"]
        for r in cells:
            lines.append("| " + " | ".join(r) + " |")
        return "\n".join(lines)
    w = [max([_width(h)] + [_width(r[i]) for r in cells] + [3]) for i, h in enumerate(headers)]
    sep = ["-" * (w[i] + 1) + ":" if numeric[i] else "-" * (w[i] + 2) for i in range(len(w))]
    out = ["| " + " | ".join(_pad(h, w[i], numeric[i]) for i, h in enumerate(headers)) + " |",
           "|" + "|".join(sep) + "|"]
    for r in cells:
        out.append("| " + " | ".join(_pad(c, w[i], numeric[i]) for i, c in enumerate(r)) + " |")
    return "\n".join(out)


def amounts_table(view: dict) -> str:
    """Render a table view from Context.table_view."""
    headers = [view["enhet"]] + view["kolumner"]
    numeric = [False] + [not t for t in view["textkolumner"]]
    rows = []
    for r in view["rader"]:
        label = r["label"]
        if r["stil"] == "varav":
            label = "\u2003" * max(1, r["niva"]) + f"*{label}*"
            cells = r["cells"]
        elif r["stil"] == "kursiv":
            label = f"*{label}*"
            cells = [f"*{c}*" if c else c for c in r["cells"]]
        elif r["stil"] in ("summa", "rubrik"):
            label = f"**{label}**"
            cells = [f"**{c}**" if c and r["stil"] == "summa" else c for c in r["cells"]]
        else:
            cells = r["cells"]
        rows.append([label] + cells)
    widths = None
    if any(view["textkolumner"]):
        widths = [24] + [9 if not t else 40 for t in view["textkolumner"]]
    return pipe_table(headers, rows, numeric, widths)


def status_span(m: dict) -> str:
    return f"[{m['status_symbol']} {m['status_text']}]{{.status-{m['status']}}}"


def _bytecode_cache():
    """Compiled templates kept between runs in the user's temporary folder.

    Compiling the built-in templates cost about two thirds of rendering the
    example's Markdown (~30 ms a build). Jinja keys each entry by the template's
    name and checks its source, so an edited template is compiled afresh.
    """
    try:
        return FileSystemBytecodeCache()
    except Exception:  # noqa: BLE001 - no safe temporary folder: compile every time, as before
        return None


def make_env(project_templates: Path | None) -> Environment:
    loaders = []
    if project_templates is not None and project_templates.is_dir():
        loaders.append(FileSystemLoader(str(project_templates)))
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache())
    env.globals.update(pipe_table=pipe_table, amounts_table=amounts_table, status_span=status_span)
    env.filters["cell"] = escape_cell
    return env


def render_markdown(report, env: Environment | None = None) -> str:
    ctx = Context(report)
    data = ctx.build()
    env = env or make_env(report.project.templates_dir)
    helpers = {"tabell": ctx.table_view, **ctx.helpers()}
    env.globals.update(helpers)
    try:
        return _render(report, env, data)
    finally:
        # The helpers are bound to this report's Context; left in the environment they
        # tie the report into Jinja's reference cycles, so it outlived the build until a
        # full garbage collection (~0.4 s at 100x the example, at exit).
        for key in helpers:
            env.globals.pop(key, None)


def _render(report, env: Environment, data: dict) -> str:
    typ = report.outcomes.rapport.typ
    name = f"{typ}.md.j2"
    # A kind declared in organisation.yaml (rapporttyper) needs no template of its
    # own: the generic one renders its section list.
    names = [name, "rapport.md.j2"] if typ in report.org.rapporttyper else [name]
    try:
        text = env.select_template(names).render(**data)
    except TemplateNotFound as e:
        raise ReportError([report.smap.diag(("rapport", "typ"), "RR501",
                                            f"Mallen '{e.name}' finns varken i templates/ eller bland de inbyggda mallarna.",
                                            "Skapa mallen i projektets templates/ eller välj en annan rapport.typ.")])
    except KeyError as e:
        raise ReportError([report.smap.diag(("rapport", "sektioner"), "RR502", f"Sektionen hänvisar till tabellen {e}, som inte finns.",
                                            "Kontrollera tabellens id under 'tabeller'.")])
    except TemplateError as e:
        lineno = getattr(e, "lineno", None) or 1
        fname = getattr(e, "filename", None) or name
        raise ReportError([Diagnostic(str(fname), lineno, 1, "RR503", f"Mallfel: {e.message if hasattr(e, 'message') else e}",
                                      "Rätta mallen; en variabel som inte finns är ett fel, inte en tom sträng.")])
    # One blank line between blocks is enough; keeps diffs of the .md small.
    lines, blank = [], 0
    for line in text.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
