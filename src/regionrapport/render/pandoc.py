"""Markdown -> DOCX and Markdown -> typst -> PDF, with the bundled pandoc and the typst package.

One pandoc call per output (per-section calls cost 45–85 ms each). The DOCX and
the typst conversions run as two concurrent processes, and typst compiles
while the DOCX process is still running, so the build costs about as much as
its slowest path.
"""
from __future__ import annotations

import calendar
import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, ReportError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
READER = "markdown-citations-raw_html-raw_tex-tex_math_dollars"


def pandoc_path() -> str:
    import pypandoc  # heavy-ish: only on the build path

    return pypandoc.get_pandoc_path()


@dataclass
class Style:
    reference_doc: Path
    typst_template: Path
    lua_filter: Path
    accent: str = "#1f4e79"


def default_style(project_root: Path, org) -> Style:
    def pick(user: str | None, default: Path) -> Path:
        if user:
            p = (project_root / user)
            if not p.is_file():
                raise ReportError([Diagnostic("organisation.yaml", 1, 1, "RR504", f"Filen {user} finns inte.",
                                              "Ange en sökväg relativt projektmappen, eller ta bort nyckeln för standardutseendet.")])
            return p
        return default

    return Style(
        reference_doc=pick(org.referensdokument, RESOURCES / "reference.docx"),
        typst_template=pick(org.typstmall, RESOURCES / "rapport.typ"),
        lua_filter=RESOURCES / "status.lua",
        accent=org.farger.get("accent", "#1f4e79"),
    )


def _env(date: dt.date) -> dict:
    env = dict(os.environ)
    # Byte-identical DOCX: pandoc stamps the time unless told otherwise.
    env["SOURCE_DATE_EPOCH"] = str(calendar.timegm(date.timetuple()))
    return env


def start_pandoc(md_file: Path, to: str, style: Style, date: dt.date, extra: list[str], out: Path):
    """Start pandoc on a Markdown file; output and messages go to files (no pipe can fill up)."""
    args = [pandoc_path(), str(md_file), "-f", READER, "-t", to, "--columns=200", "--lua-filter",
            str(style.lua_filter), "--toc", "--toc-depth=2", *extra, "-o", str(out)]
    err = open(out.with_suffix(out.suffix + ".log"), "w+b")
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=_env(date))
    proc.errfile = err
    return proc


def finish(proc, what: str) -> None:
    proc.wait()
    proc.errfile.seek(0)
    err = proc.errfile.read().decode("utf-8", "replace").strip()
    proc.errfile.close()
    if proc.returncode != 0:
        raise ReportError([Diagnostic(what, 1, 1, "RR505", f"pandoc misslyckades ({what}): {err[:500]}",
                                      "Kontrollera den genererade Markdown-filen; ofta är det en mall som skrivit fel syntax.")])


def docx_args(style: Style) -> list[str]:
    return ["--reference-doc", str(style.reference_doc)]


def typst_args(style: Style, date: dt.date) -> list[str]:
    return ["--template", str(style.typst_template), "-M", f"accent={style.accent.lstrip('#')}",
            "-M", f"date-iso={date.isoformat()}", "-M", f"date-year={date.year}",
            "-M", f"date-month={date.month}", "-M", f"date-day={date.day}"]


def compile_pdf(src: Path, date: dt.date, root: Path) -> bytes:
    """Compile pandoc's typst output; images are named relative to the build folder."""
    import typst

    ts = calendar.timegm(date.timetuple())
    try:
        return typst.compile(str(src), root=str(root), timestamp=ts, pdf_standards=["ua-1"])
    except Exception as e:  # typst raises its own error type with the compiler's message
        raise ReportError([Diagnostic("_rapport.typ", 1, 1, "RR506", f"typst misslyckades: {str(e)[:800]}",
                                      "Kör 'rapport build --format md' och granska Markdown-filen.")])
