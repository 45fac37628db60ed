"""Memory of `rapport build --all` workers: resident size after each report (issue 13).

    .venv/bin/python benchmarks/worker_memory.py            # 30 reports, -j 2, md+docx
    .venv/bin/python benchmarks/worker_memory.py -n 10 --without-collector

Copies the example project into a temporary folder with N copies of its interim report,
has every chart drawn afresh (the chart cache is bypassed: each report draws three),
turns the cyclic collector off as the console script does (_startup.prepare), and
builds them all in forked workers as `rapport build --all -j J --format md,docx` does. Each worker reports its
VmRSS after every report. `--without-collector` leaves the collector off in the workers,
as before the fix (build_all._worker_started), to compare.
"""
from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from regionrapport.commands import build_all  # noqa: E402


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


_real_build_one = build_all.build_one


def measured_build_one(*args):
    o = _real_build_one(*args)
    import os

    o.reason = f"{os.getpid()} {rss_kb()}"
    return o


class Collect(build_all.PlainReporter):
    def __init__(self):
        self.rows = []

    def done(self, o):
        if o.errors or o.crash:
            print(o.errors, o.crash, file=sys.stderr)
        self.rows.append(o.reason)

    def finish(self, s):
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=30, help="reports (default 30)")
    ap.add_argument("-j", type=int, default=2, help="workers (default 2)")
    ap.add_argument("--without-collector", action="store_true", help="leave the collector off in the workers")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proj = Path(tmp) / "proj"
        proj.mkdir()
        shutil.copy(ROOT / "organisation.yaml", proj / "organisation.yaml")
        shutil.copytree(ROOT / "data", proj / "data")
        src = proj / "data" / "outcomes" / "delar-mars-2025.yaml"
        text = src.read_text(encoding="utf-8")
        ids = []
        for i in range(args.n):
            rid = f"kopia-{i:03d}"
            (src.parent / f"{rid}.yaml").write_text(text, encoding="utf-8")
            ids.append(rid)
        build_all.build_one = measured_build_one
        from regionrapport.render import charts

        charts._draw_cached = lambda view, colours, cache: charts.draw(view, colours)  # every chart drawn
        if args.without_collector:
            build_all._worker_started = lambda: None
        gc.disable()  # as `rapport build` runs (_startup.prepare)
        rep = Collect()
        build_all.run(proj, ids, ("md", "docx"), None, False, True, args.j, rep)
    per_worker: dict[str, list[int]] = {}
    for row in rep.rows:
        pid, kb = row.split()
        per_worker.setdefault(pid, []).append(int(kb))
    collector = "off" if args.without_collector else "on"
    print(f"{args.n} reports, -j {args.j}, collector {collector} in the workers")
    for pid, kbs in per_worker.items():
        print(f"  worker {pid}: {len(kbs)} reports, RSS after the first {kbs[0] / 1024:.0f} MB, "
              f"after the last {kbs[-1] / 1024:.0f} MB, max {max(kbs) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
