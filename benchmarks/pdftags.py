"""What the PDF's row headers (render/pdftags.py) cost a build: docs/performance.md.

    .venv/bin/python benchmarks/pdftags.py [-n 5] [--report delar-mars-2025]

Runs `rapport build REPORT --force` as a user does (a fresh interpreter each time, into a
temporary folder whose charts are drawn by a warm-up build), alternating the build as it
is with one whose row-header step is switched off (typst's PDF written as it comes, no
pikepdf import), for `--format md,pdf` and `--format md,docx,pdf`; then the step alone
in process, on typst's PDF of the report. Prints the minimum and median of each, wall
time and CPU time (the build and the pandoc processes it ran), and the load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


OFF = "from regionrapport.render import pdftags; pdftags.add_row_headers = lambda pdf, typ: pdf; pdftags.preload = " \
      "lambda: None; "
RUN = "import sys; from regionrapport.cli import entry; sys.argv = ['rapport', *sys.argv[1:]]; entry()"


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU time (user + system, the process and the pandoc processes it waited for)."""
    import subprocess

    w = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - w
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed: {argv}")
    return wall, ru.ru_utime + ru.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=5, help="runs of each (default 5)")
    ap.add_argument("--report", default="delar-mars-2025")
    args = ap.parse_args()

    load_start = os.getloadavg()[0]
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        build = ["build", args.report, "--force", "--out", tmp, "--format"]
        timed([sys.executable, "-c", RUN, *build, "md,docx,pdf"])  # warm-up: the charts, the page cache
        for _ in range(args.n):
            for formats in ("md,pdf", "md,docx,pdf"):
                for variant, code in (("without", OFF + RUN), ("with", RUN)):
                    results.setdefault((formats, variant), []).append(
                        timed([sys.executable, "-c", code, *build, formats]))
        # the step alone, in process, on typst's own PDF of the report and the source it came from
        from regionrapport.project import load_project
        from regionrapport.render import pdftags

        raw, typ = _typst_output(load_project(ROOT), args.report, Path(tmp))
        for _ in range(args.n):  # a fresh interpreter each: what the build's thread imports
            bare = timed([sys.executable, "-c", "pass"])
            full = timed([sys.executable, "-c", "import pikepdf"])
            results.setdefault(("import pikepdf (a fresh interpreter, less one that imports nothing)", ""),
                               []).append((full[0] - bare[0], full[1] - bare[1]))
        for _ in range(args.n):
            w, c = time.perf_counter(), time.process_time()
            tagged = pdftags.add_row_headers(raw, typ)
            results.setdefault(("the step alone (in process)", ""), []).append(
                (time.perf_counter() - w, time.process_time() - c))
    print(f"load average {load_start:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; "
          f"{args.n} runs each; the PDF {len(raw) / 1e6:.2f} MB as typst wrote it, {len(tagged) / 1e6:.2f} MB after")
    print("| build | row headers | wall min | wall median | CPU min | CPU median |")
    print("|---|---|---:|---:|---:|---:|")
    for (what, variant), runs in results.items():
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        print(f"| {what} | {variant} | {min(walls) * 1000:.0f} ms | {statistics.median(walls) * 1000:.0f} ms | "
              f"{min(cpus) * 1000:.0f} ms | {statistics.median(cpus) * 1000:.0f} ms |")


def _typst_output(project, report: str, out: Path) -> tuple[bytes, str]:
    """typst's PDF before the row headers, and the typst source it was compiled from."""
    from regionrapport.commands.build import build
    from regionrapport.render import pandoc

    kept: dict = {}
    real = pandoc.compile_pdf

    def keep(src, date, root):
        kept["typ"] = Path(src).read_text(encoding="utf-8")
        kept["pdf"] = real(src, date, root)
        return kept["pdf"]

    pandoc.compile_pdf = keep
    try:
        build(project, report, ("md", "pdf"), out)
    finally:
        pandoc.compile_pdf = real
    return kept["pdf"], kept["typ"]


if __name__ == "__main__":
    sys.exit(main())
