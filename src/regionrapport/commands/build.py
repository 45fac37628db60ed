"""`rapport build`: check, render Markdown, convert to DOCX and PDF, write atomically."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..constants import FORMATS
from ..diagnostics import ReportError
from ..fingerprint import file_hash, tool_fingerprint, tree_files
from ..project import Project
from .check import check_report


@dataclass
class BuildResult:
    report_id: str
    outputs: list[Path] = field(default_factory=list)
    warnings: list = field(default_factory=list)
    skipped: bool = False
    inputs: list[Path] = field(default_factory=list)  # files the build read (Report.files), for the cache


def build(project: Project, report_id: str, formats=FORMATS, out_root: Path | None = None,
          strict: bool = False, slots=None) -> BuildResult:
    """`slots` (commands.slots) holds this report's slot; its conversions overlap only
    when a second slot is free. None: no limit (overlap), for callers outside the CLI."""
    report, diags = check_report(project, report_id)
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    if errors or (strict and warnings) or report is None:
        raise ReportError(errors + (warnings if strict else []))

    from ..render.markdown import render_markdown

    md = render_markdown(report)
    out_dir = (out_root or project.root / "out") / report_id
    out_dir.mkdir(parents=True, exist_ok=True)
    # Everything is written into a scratch folder beside the outputs and moved into
    # place only when every format has succeeded: never a half-written report.
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_id}-", dir=out_dir))
    try:
        files = {"md": tmp / f"{report_id}.md"}
        files["md"].write_text(md, encoding="utf-8")
        if "docx" in formats or "pdf" in formats:
            from ..render.charts import write_charts  # matplotlib itself only when the Markdown shows a chart

            # Into the scratch folder, before pandoc embeds them (DOCX) and typst compiles them (PDF).
            charts_cache = out_dir.parent / ".rapport-cache" / "charts"  # beside the build cache's stamps
            _convert(project, report, formats, tmp, files, lambda: write_charts(report, md, tmp, charts_cache),
                     slots)
        outputs = []
        for fmt in FORMATS:
            if fmt in formats:
                final = out_dir / f"{report_id}.{fmt}"
                os.replace(files[fmt], final)
                outputs.append(final)
        return BuildResult(report_id, outputs, warnings, inputs=list(report.files))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cached_build(project, report_id: str, formats=FORMATS, out_root: Path | None = None, strict: bool = False,
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

    inputs = input_digests(project, read, before)
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
    Stamp(list(formats), tool_fingerprint(), inputs, outputs,
          [w.as_dict() for w in res.warnings]).write(stamp_path(out_root, report_id))
    return res


def _convert(project, report, formats, tmp: Path, files: dict, draw_charts=lambda: None, slots=None) -> None:
    """With a second slot the critical path is pandoc -> typst, then typst compile, and
    the DOCX runs beside it; without one, the conversions run one after another.

    pandoc's typst writer only names the chart files, so it starts first and (with a
    second slot) runs while Python draws the charts; the DOCX (which embeds them) and
    the typst compile (which reads them) start once they are there.
    """
    from ..render import pandoc as P

    date = report.outcomes.rapport.datum
    style = P.prepare_style(report, tmp)  # logo and personalised reference document in tmp
    both = "docx" in formats and "pdf" in formats
    overlap = both and (slots is None or slots.try_acquire())
    procs = []
    try:
        if "pdf" in formats:
            typ = tmp / f"{report.id}.typ"
            typst_proc = P.start_pandoc(files["md"], "typst", style, date, P.typst_args(style, date), typ)
            procs.append((typst_proc, "typst"))
            if not overlap:
                P.finish(typst_proc, "typst")
        draw_charts()
        if "docx" in formats:
            files["docx"] = tmp / f"{report.id}.docx"
            procs.append((P.start_pandoc(files["md"], "docx", style, date, P.docx_args(style), files["docx"]), "docx"))
            if not overlap:
                P.finish(procs[-1][0], "docx")
        if "pdf" in formats:
            if overlap:
                P.finish(typst_proc, "typst")
            files["pdf"] = tmp / f"{report.id}.pdf"
            files["pdf"].write_bytes(P.compile_pdf(typ, date, tmp))
        if overlap:
            for proc, what in procs:
                if what != "typst":
                    P.finish(proc, what)
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if overlap and slots is not None:
            slots.release()
