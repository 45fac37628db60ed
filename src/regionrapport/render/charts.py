"""Charts drawn with matplotlib: only those the Markdown names, so matplotlib is imported
only when a report has charts. Their data, captions and alt text are render/chartdata.py's.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..numbers import fmt_amount, fmt_number, fmt_percent
from .chartdata import CHART_IDS, FILE, chart_views, charts_in, series_values  # noqa: F401  (the data half, re-exported)

DPI = 200
WIDTH_CM = 16.0


def chart_files() -> list[str]:
    """The file names of every chart a build may draw: the only images the converters
    accept (status.lua drops any other image, so a text cannot name a file to embed)."""
    return [FILE.format(id=cid) for cid in CHART_IDS]


def write_charts(report, md: str, folder: Path, cache: Path | None = None) -> list[Path]:
    """Draw the charts the Markdown names into `folder`; nothing (and no matplotlib) when there are none.

    With `cache` (a folder), a chart drawn before from the same data, colours and
    tool version is copied from there instead of drawn again (see `_draw_cached`).
    """
    from .context import Context

    if "](diagram-" not in md:
        return []
    ctx = Context(report)
    views = chart_views(ctx)
    wanted = charts_in(md, views)
    if not wanted:
        return []
    colours = _palette(report.org)
    out = []
    for cid in wanted:
        path = folder / views[cid]["fil"]
        path.write_bytes(_draw_cached(views[cid], colours, cache))
        out.append(path)
    return out


CACHE_KEEP = 200  # charts kept in the cache; the least recently drawn go first
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(chart|png)$")  # .png: entries of earlier versions, pruned
_MAGIC = b"rapport-diagram-1 "


def _sealed(key: str, png: bytes) -> bytes:
    """A cache entry: a header with the digest of the key and the picture, then the PNG.

    The digest covers the key, so an entry is valid only under its own name: a truncated
    file, a file copied over another entry or two entries swapped all fail the check.
    """
    import hashlib

    seal = hashlib.sha256(key.encode("ascii") + b"\0" + png).hexdigest().encode("ascii")
    return _MAGIC + seal + b"\n" + png


def _opened(key: str, data: bytes) -> bytes | None:
    """The PNG of an intact entry for `key`, or None."""
    head, sep, png = data.partition(b"\n")
    if not sep or not head.startswith(_MAGIC) or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return png if _sealed(key, png) == data else None


def _draw_cached(view: dict, colours: list[str], cache: Path | None) -> bytes:
    """draw(), remembered by what it draws.

    Importing matplotlib and drawing three charts is most of a build's own time
    (~0.9 s of ~1.8 s for the example, docs/performance.md) and an edit seldom
    changes a chart. The key is everything the picture depends on: the view (data,
    labels, caption), the palette and the tool's fingerprint (its code, with this
    module, and the installed matplotlib), so a hit is the PNG a fresh draw would make.

    An entry is used only when its content matches the digest it was stored with
    (`_sealed`); anything else (truncated, swapped, edited, a link) is removed and
    the chart drawn afresh, so a damaged cache costs one drawing, never a broken build
    or the wrong chart. The cache folder is a real folder inside out/ (the build refuses
    a link there, commands/outdir.py); pruning removes only the cache's own entries.
    """
    if cache is None or cache.is_symlink() or not cache.is_dir():
        return draw(view, colours)
    import hashlib
    import json
    import os

    from ..fingerprint import tool_fingerprint

    blob = json.dumps({"view": view, "colours": colours, "tool": tool_fingerprint()}, sort_keys=True,
                      ensure_ascii=False, default=str)
    key = hashlib.sha256(blob.encode("utf-8")).hexdigest()
    hit = cache / (key + ".chart")
    try:
        if not hit.is_symlink():
            png = _opened(key, hit.read_bytes())
            if png is not None:
                os.utime(hit)  # recently used: kept when the cache is pruned
                return png
        hit.unlink()  # damaged: never used, drawn again below
    except OSError:
        pass
    data = draw(view, colours)
    try:
        tmp = cache / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(_sealed(key, data))
        os.replace(tmp, hit)  # whole or not at all: a parallel build may read it
        _prune(cache)
    except OSError:
        pass  # a read-only or full output folder: draw every time
    return data


def _prune(cache: Path) -> None:
    """Keep the CACHE_KEEP most recently used entries; touch nothing but the cache's own
    regular files (never a link, never a file of another name)."""
    import os
    import stat

    entries: list[tuple[float, str]] = []
    legacy: list[tuple[float, str]] = []
    for e in os.scandir(cache):
        if _ENTRY.match(e.name):
            st = e.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode):
                (legacy if e.name.endswith(".png") else entries).append((st.st_mtime, e.path))
    entries.sort()
    for _, path in legacy + entries[:max(0, len(entries) - CACHE_KEEP)]:
        os.unlink(path)  # earlier versions' unsealed entries, then the least recently used


def _palette(org) -> list[str]:
    # Defaults reach 3:1 contrast against white (WCAG for graphical objects).
    accent = org.farger.get("accent", "#1f4e79")
    return [accent, org.farger.get("diagram2", "#7f8fa0"), org.farger.get("diagram3", "#c46a00")]


def bar_label(v: float | None, unit: str) -> str:
    """A bar's figure as the tables print it: whole units ("−1 956"), one decimal where the
    value has one ("7,5"), up to two below one unit ("0,01"), a percentage with its sign ("4,3 %")."""
    if v is None:
        return "saknas"
    if abs(v - round(v)) < 1e-9:
        decimals = 0
    elif abs(v) < 1:
        # a figure below one unit keeps what it has, up to two decimals (Patientnämnden's
        # 0,01 mnkr, not "0"), as the tables print it with `decimaler`
        decimals = 1 if abs(v * 10 - round(v * 10)) < 1e-9 else 2
    else:
        decimals = 1
    if unit.strip().lower() in ("%", "procent"):
        return fmt_percent(v, decimals)
    return fmt_number(v, decimals)


def draw(view: dict, colours: list[str]) -> bytes:
    """One chart as PNG bytes: fixed size, fixed dpi, no date or software stamp (same input, same bytes)."""
    import io
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from matplotlib import font_manager

    from ..style import FONT, FONT_FILES, FONTS

    # The house typeface of both outputs (resources/fonts), registered once per process.
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for name in FONT_FILES.values():
        if str(FONTS / name) not in known:
            font_manager.fontManager.addfont(str(FONTS / name))

    cats, series = view["kategorier"], view["serier"]
    n = len(series)
    current = view.get("aktuell_serie")
    if current is not None and any(s["namn"] == current for s in series):
        others = iter(colours[1:] or colours)
        series_colours = [colours[0] if s["namn"] == current else next(others, colours[-1]) for s in series]
    else:
        series_colours = [colours[j % len(colours)] for j in range(n)]
    with plt.rc_context({"font.family": FONT, "font.size": 8, "axes.edgecolor": "#8c8c8c", "axes.linewidth": 0.6,
                         "xtick.color": "#404040", "ytick.color": "#404040", "svg.hashsalt": "regionrapport"}):
        horizontal = view["typ"] == "liggande"
        labels = [textwrap.fill(c, 34) for c in cats]
        # Room per category for its bars and for its label's lines.
        per_cat = [max(0.3 * (n + 0.8), 0.45 * (lab.count("\n") + 1) + 0.25) for lab in labels]
        height_cm = max(6.0, 2.0 + sum(per_cat)) if horizontal else 7.5
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, height_cm / 2.54))
        band = 0.8
        bar = band / n
        values_all = [v for s in series for v in s["varden"] if v is not None]
        # The axis spans zero and every value, a negative one too (a deviation, a net cost
        # drawn as stored), with room for the value labels beyond each bar's end.
        top = max([0.0, *values_all]) or (0.0 if values_all and min(values_all) < 0 else 1.0)
        low = min([0.0, *values_all])
        for j, s in enumerate(series):
            pos = [i - band / 2 + bar * (j + 0.5) for i in range(len(cats))]
            vals = [v if v is not None else 0 for v in s["varden"]]
            colour = series_colours[j]
            if horizontal:
                bars = ax.barh(pos, vals, height=bar * 0.92, color=colour, label=s["namn"])
            else:
                bars = ax.bar(pos, vals, width=bar * 0.92, color=colour, label=s["namn"])
            for b, v in zip(bars, s["varden"], strict=False):
                # Every bar carries its figure as the tables print it ("−1 956", "4,3"): the
                # reader reads the value, not the gridlines. Beyond the bar's end, on either side of zero.
                label = bar_label(v, view["enhet"])
                below = v is not None and v < 0
                if horizontal:
                    ax.annotate(label, (b.get_x() + b.get_width(), b.get_y() + b.get_height() / 2),
                                xytext=(-3 if below else 3, 0), textcoords="offset points", va="center",
                                ha="right" if below else "left", fontsize=6.5, color="#262626")
                else:
                    ax.annotate(label, (b.get_x() + b.get_width() / 2, b.get_y() + b.get_height()),
                                xytext=(0, -2 if below else 2), textcoords="offset points",
                                va="top" if below else "bottom", ha="center", fontsize=7, color="#262626")
        fmt = FuncFormatter(lambda x, _: fmt_amount(x))
        if horizontal:
            ax.set_yticks(range(len(cats)), labels)
            ax.invert_yaxis()
            ax.xaxis.set_major_formatter(fmt)
            ax.set_xlim(low * 1.15, top * 1.12)
            if low < 0:
                ax.axvline(0, color="#8c8c8c", linewidth=0.6)
            ax.set_xlabel(view["enhet"])
            ax.grid(axis="x", color="#e0e0e0", linewidth=0.5)
        else:
            ax.set_xticks(range(len(cats)), cats)
            ax.yaxis.set_major_formatter(fmt)
            ax.set_ylim(low * 1.15, top * 1.15)
            if low < 0:
                ax.axhline(0, color="#8c8c8c", linewidth=0.6)
            ax.set_ylabel(view["enhet"])
            ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        # Above the plot, in one row: never on top of a bar.
        ax.legend(frameon=False, fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=n,
                  borderaxespad=0.3, handlelength=1.4)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()
