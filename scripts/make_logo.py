"""Draw data/bilder/logotyp.png: a plain stand-in wordmark for the Kronoberg example.

    .venv/bin/python scripts/make_logo.py

The example has no rights to Region Kronoberg's real logo, so this draws a simple
wordmark in the house typeface and accent colour to show where a logo goes (the
title page of the PDF and the DOCX). A real project puts its own file there and
names it in organisation.yaml (logotyp). Re-running gives the same bytes.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from regionrapport.render.pandoc import DEFAULT_ACCENT, FONT, FONT_FILES, FONTS  # noqa: E402

OUT = ROOT / "data" / "bilder" / "logotyp.png"


def main() -> None:
    for name in FONT_FILES.values():
        font_manager.fontManager.addfont(str(FONTS / name))
    fig = plt.figure(figsize=(4.3, 1.6), dpi=200)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 4.3)
    ax.set_ylim(0, 1.6)
    ax.axis("off")
    ax.add_patch(Rectangle((0.1, 0.25), 1.1, 1.1, color=DEFAULT_ACCENT))
    ax.text(0.65, 0.78, "RK", color="white", ha="center", va="center", fontsize=30, fontweight="bold",
            family=FONT)
    ax.text(1.45, 1.0, "Region", color=DEFAULT_ACCENT, ha="left", va="center", fontsize=26, family=FONT)
    ax.text(1.45, 0.5, "Kronoberg", color=DEFAULT_ACCENT, ha="left", va="center", fontsize=26,
            fontweight="bold", family=FONT)
    OUT.parent.mkdir(exist_ok=True)
    fig.savefig(OUT, dpi=200, transparent=False, facecolor="white", metadata={"Software": None})
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} byte")


if __name__ == "__main__":
    main()
