"""`rapport build`: check, render Markdown, convert to DOCX and PDF, write atomically."""
from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..constants import DEFAULT_FORMATS, FORMATS
from ..diagnostics import ReportError
from ..fingerprint import file_hash, tool_fingerprint, tree_files
from ..project import Project
from . import outdir
from .check import check_report


@dataclass
class BuildResult:
    report_id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    skipped: bool = False
    inputs: list[Path] = field(default_factory=list)  # files the build read (Report.files), for the cache
    digests: dict = field(default_factory=dict)  # Report.digests: the bytes those files held when parsed


def build(project: Project, report_id: str, formats=DEFAULT_FORMATS, out_root: Path | None = None,
          strict: bool = False, slots=None, html_cache: dict | None = None) -> BuildResult:
    """`slots` (commands.slots) holds this report's slot; its conversions overlap only
    when a second slot is free. None: no limit (overlap), for callers outside the CLI.
    `html_cache`: the HTML of Markdown pieces converted before (render/html.py; the preview's)."""
    report, diags = check_report(project, report_id)
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    if errors or (strict and warnings) or report is None:
        raise ReportError(errors + (warnings if strict else []))

    from ..render.markdown import render_markdown

    tables: list | None = [] if "xlsx" in formats else None  # the tables as the templates wrote them
    md = render_markdown(report, tables=tables)
    out_root = Path(out_root or project.root / "out")
    # Everything is written into a scratch folder and the finished set replaces
    # out/REPORT/ as a whole, only when every format has succeeded (commands/outdir.py):
    # never a half-written report, never new Markdown beside an old PDF.
    scratch = outdir.start(out_root, report_id)
    try:
        outdir.cache_folder(out_root)  # where the stamp goes: a real folder, not a link out of out/
        # Work files carry no report id: only the final names do, so an id as long as the
        # file system allows still fits (REPORT.docx, not REPORT.docx.log).
        files = {"md": scratch / "rapport.md"}
        files["md"].write_text(md, encoding="utf-8")
        if "docx" in formats or "pdf" in formats or "html" in formats:
            from ..render.charts import write_charts  # matplotlib itself only when the Markdown shows a chart

            # Into the scratch folder, before pandoc embeds them (DOCX, HTML) and typst compiles them (PDF).
            charts_cache = outdir.cache_folder(out_root, "charts")  # beside the build cache's stamps
            _convert(project, report, formats, scratch, files,
                     lambda: write_charts(report, md, scratch, charts_cache), slots, html_cache)
        if tables is not None:
            from ..render.xlsx import workbook_bytes  # openpyxl only for a build that asks for xlsx

            files["xlsx"] = scratch / "rapport.xlsx"
            files["xlsx"].write_bytes(workbook_bytes(report, md, tables))
        final = {f"{report_id}.{fmt}": files[fmt] for fmt in FORMATS if fmt in formats}
        outputs = outdir.publish(scratch, out_root, report_id, final)
        return BuildResult(report_id, outputs, warnings, inputs=list(report.files), digests=dict(report.digests))
    except OSError as e:
        raise outdir.write_problem(e, out_root / report_id) from None
    finally:
        outdir.discard(scratch)


def cached_build(project, report_id: str, formats=DEFAULT_FORMATS, out_root: Path | None = None, strict: bool = False,
                 force: bool = False, slots=None):
    """`commands.build.build` behind the cache: returns its BuildResult, with `skipped=True`
    (and the last build's outputs and warnings) when nothing it depends on has changed."""
    from .cache import (Stamp, input_digests, inputs_before, outputs_of, replayed_warnings, stale_reason,
                        stamp_path)

    root = project.root
    out_root = Path(out_root) if out_root else root / "out"
    formats = tuple(f for f in FORMATS if f in formats)
    if not force and stale_reason(root, out_root, report_id, formats) is None:
        warnings = replayed_warnings(out_root, report_id)
        if strict and warnings:
            raise ReportError(warnings)
        return BuildResult(report_id, outputs_of(out_root, report_id), warnings, skipped=True)

    before = inputs_before(project, report_id, stamp_path(out_root, report_id))
    res = build(project, report_id, formats, out_root, strict, slots)
    read = list(getattr(res, "inputs", None) or ())
    if not read:
        return res  # a build that does not say what it read cannot be cached safely

    inputs = input_digests(project, read, before, getattr(res, "digests", None))
    out_dir = out_root / report_id
    outputs = {}
    # Every file in the report's folder, not only the documents: the Markdown refers to
    # the chart images beside it, and a deleted image must rebuild too.
    for p in [*map(Path, res.outputs), *tree_files(out_dir)]:
        try:
            name = p.resolve().relative_to(out_dir.resolve()).as_posix()
        except ValueError:
            continue
        digest = file_hash(p)
        if digest is not None:
            outputs[name] = digest
    stamp = stamp_path(out_root, report_id)
    try:
        Stamp(list(formats), tool_fingerprint(), inputs, outputs, [w.as_dict() for w in res.warnings]).write(stamp)
    except OSError:
        # Built but not remembered (a full disk): the old stamp must not vouch for the
        # new outputs either. It would not (their digests differ), but remove it anyway.
        with contextlib.suppress(OSError):
            stamp.unlink(missing_ok=True)
    return res


def _convert(project, report, formats, tmp: Path, files: dict, draw_charts=lambda: None, slots=None,
             html_cache: dict | None = None) -> None:
    """With a second slot the critical path is pandoc -> typst, then typst compile, and
    the DOCX runs beside it; without one, the conversions run one after another.

    pandoc's typst writer only names the chart files, so it starts first and (with a
    second slot) runs while Python draws the charts; the DOCX (which embeds them) and
    the typst compile (which reads them) start once they are there. typst compiles with
    the GIL released, so with a second slot the DOCX is finished (restamp_docx: its
    settings, rows and fonts) in a thread beside the compile, and pikepdf is imported in
    another; after the compile only the PDF's row headers (render/pdftags.py) remain.
    """
    from ..render import pandoc as P

    date = report.outcomes.rapport.datum
    style = P.prepare_style(report, tmp)  # logo and personalised reference document in tmp
    toc = report.org.layout(report.outcomes.rapport.typ)["innehall"]
    both = "docx" in formats and "pdf" in formats
    overlap = both and (slots is None or slots.try_acquire())
    procs = []
    docx_beside: _Beside | None = None
    try:
        if "pdf" in formats:
            typ = tmp / "rapport.typ"
            typst_proc = P.start_pandoc(files["md"], "typst", style, date, P.typst_args(style, date), typ, toc=toc)
            procs.append((typst_proc, "typst"))
            if not overlap:
                P.finish(typst_proc, "typst")
        draw_charts()
        if "html" in formats:
            # One conversion beside the typst one at most; the page embeds the charts just drawn.
            from ..render.html import convert, finish_html

            files["html"] = tmp / "rapport.html"
            files["html"].write_text(convert(files["md"].read_text(encoding="utf-8"), style, date, tmp, html_cache),
                                     encoding="utf-8", newline="\n")
            finish_html(files["html"], style, tmp, report.org.namn)
        if "docx" in formats:
            files["docx"] = tmp / "rapport.docx"
            procs.append((P.start_pandoc(files["md"], "docx", style, date, P.docx_args(style), files["docx"],
                                        toc=toc), "docx"))
            if not overlap:
                P.finish(procs[-1][0], "docx")
        if "pdf" in formats:
            from ..render import pdftags

            if overlap:
                P.finish(typst_proc, "typst")
                docx_beside = _Beside(P.finish, procs[-1][0], "docx") if "docx" in formats else None
            files["pdf"] = tmp / "rapport.pdf"
            pdftags.preload()
            pdf = P.compile_pdf(typ, date, tmp)
            files["pdf"].write_bytes(pdftags.add_row_headers(pdf, typ.read_text(encoding="utf-8")))
        if docx_beside is not None:
            docx_beside.result()
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if docx_beside is not None:
            docx_beside.join()  # nothing of it writes into the scratch folder once this returns
        if overlap and slots is not None:
            slots.release()


class _Beside(threading.Thread):
    """A call run in a thread beside the main one; result() waits and raises what it raised."""

    def __init__(self, fn, *args) -> None:
        super().__init__(name=getattr(fn, "__name__", "beside"), daemon=True)
        self.fn, self.args = fn, args
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.fn(*self.args)
        except BaseException as e:  # noqa: BLE001 - handed to the main thread by result()
            self.error = e

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error
