"""Test-only helper: render a DOCX the way a reader sees it, with LibreOffice (headless) -> PDF -> PNG.

Tests that need it skip cleanly where LibreOffice is not installed
(Debian: `apt-get install libreoffice-writer`). Also usable by hand, to look at pages:

    .venv/bin/python tests/docx_render.py out/delar-mars-2025/delar-mars-2025.docx /tmp/sidor [first last]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, outdir: Path, timeout: int = 240) -> Path:
    """Convert with a throwaway user profile, so parallel runs and a desktop LibreOffice don't collide."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        env = dict(os.environ, HOME=profile)
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                       check=True, capture_output=True, timeout=timeout, env=env)
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no PDF for {docx}")
    return pdf


def pdf_to_png(pdf: Path, outdir: Path, first: int | None = None, last: int | None = None,
               dpi: int = 70) -> list[Path]:
    """Pages as PNG with poppler's pdftoppm (for looking at them, not for asserting)."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed")
    args = ["pdftoppm", "-r", str(dpi), "-png"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([*args, str(pdf), str(outdir / pdf.stem)], check=True, capture_output=True)
    return sorted(outdir.glob(pdf.stem + "-*.png"))


if __name__ == "__main__":
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    rng = [int(x) for x in sys.argv[3:5]] + [None, None]
    pdf = docx_to_pdf(src, dst)
    for p in pdf_to_png(pdf, dst, rng[0], rng[1]):
        print(p)
