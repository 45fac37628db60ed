"""Edit-to-updated-page of `rapport preview` for the main example (issue 17: at most 0.5 s).

    .venv/bin/python benchmarks/preview.py            # 10 edits, in headless Chromium when there is one
    .venv/bin/python benchmarks/preview.py --no-browser --edits 5

A copy of the project is previewed (commands.preview.Preview, on 127.0.0.1, any free
port); the page is open in headless Chromium (tests/browser.py). Each edit rewrites
one committee comment in data/outcomes/delar-mars-2025.yaml, as a save from an
editor does, and the clock runs from the write until the open page's text
(`document.body.innerText`, which the browser must lay out to answer) shows the new
words, asked of the page every 5 ms: the watcher's poll (POLL), the rebuild, the
page's long-poll answer with the new page, its swap into the open page and the
browser's layout. Without a browser the clock stops when the server has the new page.

Two runs: the preview as it is, and with every cache of the preview emptied before
each edit (the HTML pieces, so the whole page goes through pandoc as a build does;
the parsed YAML; the compiled texts), so the gain of the caches is measured, not
assumed (`--no-cold` skips that run). Prints the median, the 90th percentile and the
worst edit of each, when the new page was ready at the server (built: the watcher's
wait and the rebuild), the rebuild alone (check, Markdown, pandoc, page) as the
preview measured it, and the CPU time of that rebuild (its thread and its pandoc): on
a shared machine the wall times grow with the load, the CPU time hardly, and on an
idle 2-core machine the rebuild's wall time is about its CPU time (it runs one step
after another). The load averages before and after are printed with the results.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"
COMMENT = "Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"


def copy_project(dst: Path) -> Path:
    dst.mkdir(parents=True)
    shutil.copy(ROOT / "organisation.yaml", dst / "organisation.yaml")
    shutil.copytree(ROOT / "data", dst / "data")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", dst / "templates")
    return dst


def shown(page, word: str) -> bool:
    from tests.browser import BrowserError

    try:  # while the page reloads, it has no body or no context for a moment
        return bool(page.evaluate(f"!!document.body && document.body.innerText.includes('ligger {word}')"))
    except BrowserError:
        return False


def p90(values: list[float]) -> float:
    """The 90th percentile (statistics' 'inclusive' method: between two edits when it falls there)."""
    return statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]


def measure(proj: Path, edits: int, cold: bool, use_browser: bool) -> dict:
    from regionrapport.commands.preview import Preview

    pv = Preview(proj, REPORT, port=0).start()
    cpu: list[float] = []
    plain = pv.rebuild

    def counted() -> None:
        # CPU of the rebuild: the watcher thread's own and its pandoc's (waited-for children;
        # the browser, also a child, is not waited for until the end)
        t0, c0 = time.thread_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        plain()
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(time.thread_time() - t0 + (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime))

    pv.rebuild = counted  # type: ignore[method-assign]
    page = browser = None
    try:
        if use_browser:
            from tests.browser import Browser, find_chromium

            browser = Browser(find_chromium())  # type: ignore[arg-type]
            page = browser.page()
            page.goto(pv.url)
        f = proj / OUTCOMES
        src = f.read_text(encoding="utf-8")
        assert src.count(COMMENT) == 1
        total, rebuild, built = [], [], []
        for i in range(edits):
            if cold:
                from regionrapport.compute import texts
                from regionrapport.load import LoadMemo

                pv.html_cache.clear()
                pv.load_memo = LoadMemo()
                texts._compile.cache_clear()
            word = f"ändring{i}x"
            version = pv.version
            time.sleep(0.25)  # the watcher is somewhere in its poll, as for a person's save
            t0, m0 = time.perf_counter(), time.monotonic()
            f.write_text(src.replace(COMMENT, COMMENT.replace("ligger", f"ligger {word}")), encoding="utf-8")
            if page is not None:
                deadline = t0 + 30
                while not shown(page, word):
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"the page did not change within 30 s (edit {i})")
                    time.sleep(0.005)
            else:
                pv.wait_newer(version, 30)
            total.append(time.perf_counter() - t0)
            built.append(pv.built_at - m0)
            assert pv.ok, "the edited report does not build"
            rebuild.append(pv.last_seconds)
        f.write_text(src, encoding="utf-8")
        return {"median_s": statistics.median(total), "p90_s": p90(total), "worst_s": max(total),
                "rebuild_median_s": statistics.median(rebuild), "rebuild_cpu_median_s": statistics.median(cpu),
                "built_median_s": statistics.median(built),
                "edits": edits}
    finally:
        if page is not None:
            page.close()
        if browser is not None:
            browser.close()
        pv.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edits", type=int, default=10, help="edits per run (default 10)")
    ap.add_argument("--no-browser", action="store_true", help="stop the clock at the server, not in the page")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--no-cold", action="store_true", help="only the preview as it is, not the run without caches")
    args = ap.parse_args(argv)
    from tests.browser import find_chromium

    use_browser = not args.no_browser and find_chromium() is not None
    work = Path(tempfile.mkdtemp(prefix="rapport-bench-preview-"))
    load_before = os.getloadavg()
    runs = [("preview (its caches)", False)] + ([] if args.no_cold else [("without caches", True)])
    try:
        results = {}
        for name, cold in runs:
            results[name] = measure(copy_project(work / name.split()[0]), args.edits, cold, use_browser)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    where = "in headless Chromium" if use_browser else "at the server (no browser)"
    print(f"Edit to updated page, {REPORT}, {args.edits} edits, measured {where}:")
    print(f"{'':22} {'median':>8} {'p90':>8} {'worst':>8} {'built':>8} {'rebuild':>8} {'its CPU':>8}   (seconds)")
    for name, r in results.items():
        print(f"{name:22} {r['median_s']:8.3f} {r['p90_s']:8.3f} {r['worst_s']:8.3f} {r['built_median_s']:8.3f} "
              f"{r['rebuild_median_s']:8.3f} {r['rebuild_cpu_median_s']:8.3f}")
    la = " ".join(f"{x:.2f}" for x in load_before)
    lb = " ".join(f"{x:.2f}" for x in load_after)
    print(f"load average (1, 5, 15 min) before {la}, after {lb}, on {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps({"browser": use_browser, "load_before": load_before, "load_after": load_after,
                                         **results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
