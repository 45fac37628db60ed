"""Benchmarks of issue 8: `rapport build` and `rapport check` against the bare tools.

    .venv/bin/python benchmarks/run.py            # or: make bench
    .venv/bin/python benchmarks/run.py --quick    # a smoke run: tiny sizes, one run each

Every command runs as a subprocess of the real CLI (the `rapport` beside this
interpreter) in a temporary copy of the project, so the times are what a user
sees: interpreter start, imports, pandoc and typst included. Each figure is the
minimum of N runs after one warm-up run (the minimum is the least disturbed
by other load; the warm-up fills the page cache and writes .pyc files).
Absolute times depend on the machine; the ratios are measured side by side in
one run and are what docs/performance.md reports.

1. full build (md, docx, pdf) / the bare tools doing the same conversions one
   after another (pandoc -> docx; pandoc -> typst; typst compile). The tool calls
   and their inputs are recorded from a real build (benchmarks/capture.py), so
   the flags, template, filter and reference document are the build's own.
2. `rapport check` / `python -c "import pydantic, yaml, click"`: as a user runs it
   again on unchanged input (a clean check is remembered), and 2b with
   `--no-cache`, which does all the work of a check after an edit.
3. no-op rebuild (nothing changed) / full build (`--force`).
4. a synthetic organisation (benchmarks/generate.py) at 1x, 10x, 30x and 100x:
   check and build-to-Markdown. Growth is judged by the marginal cost of one
   more 1x of data at the top of the range against the bottom: 1.0 is linear.
5. `rapport build --all` of 20 reports with -j 2 / with -j 1 (-j counts conversions
   as make -j counts recipes: -j 1 runs one process at a time). The CPU time of
   each run (user + system, children included) is reported beside the wall time.
6. `rapport import` of a SIE 4 file with 1 000 000 #TRANS lines (benchmarks/sie_generate.py)
   into the example report (--dry-run, so every run does the same work) / a plain read of
   the same file line by line in Python, the floor of any reader. Target: at most 5 s,
   memory bounded: the peak RSS of the import is reported beside the file's size.
7. `rapport build --format md,xlsx` / `--format md` (both --force), for the example and the
   largest synthetic organisation: what the Excel workbook adds to a build.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py)
import sie_generate  # noqa: E402  (benchmarks/sie_generate.py)

REPORT = "delar-mars-2025"
FLOOR = "import pydantic, yaml, click"
# Files and folders an organisation.yaml may name besides data/ and templates/.
ORG_PATH_KEYS = ("logotyp", "referensdokument", "typstmall")


class BenchError(RuntimeError):
    pass


@dataclass
class Result:
    key: str
    title: str
    ours: float | None = None  # seconds, or a growth factor for measurement 4
    base: float | None = None
    ratio: float | None = None
    target: str = ""
    limit: float | None = None
    met: bool | None = None
    note: str = ""
    detail: dict = field(default_factory=dict)

    def judge(self) -> None:
        if self.ours is not None and self.base:
            self.ratio = self.ours / self.base
        if self.ratio is not None and self.limit is not None:
            self.met = self.ratio <= self.limit


# -- running things ------------------------------------------------------------
def rapport_exe() -> str:
    exe = Path(sys.executable).parent / "rapport"
    if exe.exists():
        return str(exe)
    found = shutil.which("rapport")
    if not found:
        raise BenchError("rapport finns inte bredvid tolken eller på PATH: kör 'make bench' (installerar paketet).")
    return found


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[-1500:]
        raise BenchError(f"{' '.join(cmd)} (i {cwd}) gav slutkod {proc.returncode}:\n{tail}")
    return elapsed


def cpu_of_children() -> float:
    """User + system CPU seconds of every finished child process (and theirs) so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best_of(fn, n: int, warmup: bool = True) -> float:
    """Minimum wall time of n calls of fn() (fn returns its own elapsed seconds)."""
    if warmup:
        fn()
    return min(fn() for _ in range(max(1, n)))


def paired(fa, fb, n: int, warmup: bool = True) -> tuple[float, float]:
    """Minimum wall times of fa() and fb(), run alternately (a, b, a, b ...).

    Alternating puts both sides under the same conditions when the machine's load
    changes during the run (other processes, thermal state), which one block after
    the other would not.
    """
    if warmup:
        fa(), fb()
    ta, tb = [], []
    for _ in range(max(1, n)):
        ta.append(fa())
        tb.append(fb())
    return min(ta), min(tb)


def env_without_colour() -> dict:
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    return env


# -- the project copy ----------------------------------------------------------
def copy_project(dst: Path, src: Path = ROOT) -> Path:
    """organisation.yaml, data/, templates/ and any file organisation.yaml names."""
    import yaml

    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "organisation.yaml", dst / "organisation.yaml")
    for d in ("data", "templates", "import"):
        if (src / d).is_dir():
            shutil.copytree(src / d, dst / d)
    org = yaml.safe_load((src / "organisation.yaml").read_text(encoding="utf-8")) or {}
    for key in ORG_PATH_KEYS:
        rel = org.get(key)
        if isinstance(rel, str) and (src / rel).exists() and not (dst / rel).exists():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            if (src / rel).is_dir():
                shutil.copytree(src / rel, dst / rel)
            else:
                shutil.copy(src / rel, dst / rel)
    return dst


def cli_features(rapport: str) -> dict:
    out = subprocess.run([rapport, "build", "--help"], capture_output=True, text=True).stdout
    check = subprocess.run([rapport, "check", "--help"], capture_output=True, text=True).stdout
    return {"force": "--force" in out, "jobs": "--jobs" in out or " -j" in out, "no_cache": "--no-cache" in check}


# -- the machine -----------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count()
    info = {"nproc": cores, "cpu": cpu or "?", "python": platform.python_version(),
            "platform": platform.platform(), "date": dt.date.today().isoformat(), "loadavg_start": _load()}
    try:
        import pypandoc

        info["pandoc"] = subprocess.run([pypandoc.get_pandoc_path(), "--version"], capture_output=True,
                                        text=True).stdout.split("\n", 1)[0]
    except Exception:  # noqa: BLE001 - informative only
        pass
    try:
        from importlib.metadata import version

        info["typst"] = "typst (PyPI) " + version("typst")
    except Exception:  # noqa: BLE001
        pass
    return info


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


# -- the measurements ------------------------------------------------------------
class Bench:
    def __init__(self, work: Path, repeat: int, quick: bool, scales: list[int], n_reports: int, log=print):
        self.work = work
        self.repeat = repeat
        self.quick = quick
        self.scales = scales
        self.n_reports = n_reports
        self.log = log
        self.rapport = rapport_exe()
        self.py = sys.executable
        self.env = env_without_colour()
        self.features = cli_features(self.rapport)
        self.proj = copy_project(work / "proj")

    def best(self, cmd: list[str], cwd: Path, n: int | None = None) -> float:
        return best_of(lambda: run(cmd, cwd, self.env), n or self.repeat, warmup=not self.quick)

    def force(self) -> list[str]:
        return ["--force"] if self.features["force"] else []

    # 1 ------------------------------------------------------------------------
    def full_build(self) -> Result:
        # The capture below is itself a build, so the timed builds find its charts in
        # out/.rapport-cache/charts, as any rebuild does; row 1b is the build without them.
        r = Result("build", f"1. `rapport build {REPORT} --force` (md, docx, pdf; charts from an earlier build) "
                            "/ bare tools in sequence", target="≤ 1.0×", limit=1.0)
        cmd = [self.rapport, "build", REPORT, *self.force()]
        if not self.features["force"]:
            # No cache in this version: every build is a full one, but start from an empty out/.
            shutil.rmtree(self.proj / "out", ignore_errors=True)
        calls = self.capture()
        steps = self.bare_steps(calls)
        step_times: dict[str, list[float]] = {name: [] for name, *_ in steps}

        def bare() -> float:
            total = 0.0
            for name, cmd_, cwd, env in steps:
                t = run(cmd_, cwd, env)
                step_times[name].append(t)
                total += t
            return total

        r.ours, r.base = paired(lambda cmd=cmd: run(cmd, self.proj, self.env), bare, self.repeat, warmup=not self.quick)
        r.detail["bare_steps"] = {k: min(v) for k, v in step_times.items()}
        total = r.base
        # The typst step is a fresh interpreter calling the typst binding (no typst CLI here);
        # a native `typst compile` would not pay for the interpreter and the import.
        t_imp = self.best([self.py, "-c", "import typst"], self.proj)
        r.detail["typst_interpreter_and_import"] = t_imp
        r.detail["ratio_without_typst_startup"] = r.ours / max(1e-9, total - t_imp)
        r.note = "bare: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in r.detail["bare_steps"].items())
        r.judge()
        return r

    def cold_build(self, bare: float | None) -> Result:
        """A full build that also draws its charts: the first build of a fresh clone."""
        r = Result("build_cold", "1b. the same with charts drawn too (first build of a fresh clone: no out/)",
                   target="(information)")
        out = self.proj / "out"

        def cold() -> float:
            shutil.rmtree(out, ignore_errors=True)
            return run([self.rapport, "build", REPORT, *self.force()], self.proj, self.env)

        r.ours = best_of(cold, self.repeat, warmup=not self.quick)
        r.base = bare
        r.judge()
        return r

    def capture(self) -> list[dict]:
        dest = self.work / "capture"
        shutil.rmtree(dest, ignore_errors=True)
        force = "force" if self.features["force"] else ""
        run([self.py, str(HERE / "capture.py"), str(self.proj), REPORT, str(dest), force], self.proj, self.env)
        calls = json.loads((dest / "calls.json").read_text(encoding="utf-8"))
        if not any(c["tool"] == "typst" for c in calls) or sum(c["tool"] == "pandoc" for c in calls) < 2:
            raise BenchError(f"capture: väntade två pandoc-anrop och en typst-kompilering, fick {calls}")
        return calls

    def bare_steps(self, calls: list[dict]) -> list[tuple]:
        steps = []
        for c in calls:
            if c["tool"] == "pandoc":
                env = dict(self.env)
                if c.get("SOURCE_DATE_EPOCH"):
                    env["SOURCE_DATE_EPOCH"] = c["SOURCE_DATE_EPOCH"]
                to = c["args"][c["args"].index("-t") + 1] if "-t" in c["args"] else "?"
                steps.append((f"pandoc → {to.split('+')[0]}", c["args"], Path(c["cwd"]), env))
            else:
                code = ("import json, sys, typst; c = json.loads(sys.argv[1]); "
                        "typst.compile(c['src'], *c['positional'], **c['kwargs'])")
                steps.append(("typst compile", [self.py, "-c", code, json.dumps(c)], Path(c["src"]).parent, self.env))
        # Docx first, then typst, then the compile: the order the issue names.
        order = {"pandoc → docx": 0, "pandoc → typst": 1, "typst compile": 2}
        return sorted(steps, key=lambda s: order.get(s[0], 9))

    # 2 ------------------------------------------------------------------------
    def check(self) -> list[Result]:
        out = []
        variants = [("check", f"2. `rapport check {REPORT}` (run again, input unchanged)", [])]
        if self.features["no_cache"]:
            variants.append(("check_cold", f"2b. `rapport check {REPORT} --no-cache` (all the work of a check "
                                           "after an edit)", ["--no-cache"]))
        for key, title, extra in variants:
            r = Result(key, f"{title} / `python -c \"{FLOOR}\"`", target="≤ 1.5×", limit=1.5)
            cmd = [self.rapport, "check", REPORT, *extra]
            r.ours, r.base = paired(lambda cmd=cmd: run(cmd, self.proj, self.env),
                                    lambda: run([self.py, "-c", FLOOR], self.proj, self.env), self.repeat,
                                    warmup=not self.quick)
            r.judge()
            out.append(r)
        return out

    # 3 ------------------------------------------------------------------------
    def noop(self, full: float | None) -> Result:
        r = Result("noop", "3. no-op rebuild / full build", target="≤ 0.1×", limit=0.1)
        if not self.features["force"]:
            r.note = "pending: this version has no build cache (`--force` missing), so every build is full"
        cmd = [self.rapport, "build", REPORT]
        run(cmd, self.proj, self.env)  # whatever the state, the next builds find nothing changed
        r.ours = self.best(cmd, self.proj)
        # The full build of measurement 1 (after which the outputs are as it left them).
        r.base = full if full is not None else self.best([self.rapport, "build", REPORT, *self.force()], self.proj)
        r.judge()
        if not self.features["force"]:
            r.met = None
        return r

    # 4 ------------------------------------------------------------------------
    def scaling(self) -> list[Result]:
        counts, cmds = {}, {}
        for s in self.scales:
            d = self.work / f"syntet-{s}x"
            shutil.rmtree(d, ignore_errors=True)
            counts[s] = generate.generate(d, s)
            rid = counts[s]["report"]
            # --no-cache: the growth of the work itself, not of replaying a remembered check.
            nocache = ["--no-cache"] if self.features["no_cache"] else []
            cmds[s] = {"check": ([self.rapport, "check", rid, *nocache], d),
                       "md": ([self.rapport, "build", rid, "--format", "md", *self.force()], d)}
        # Rounds over every size, so that a change in the machine's load touches all
        # sizes alike instead of bending the curve.
        times: dict[str, dict[int, float]] = {"check": {}, "md": {}}
        for i in range(self.repeat + (0 if self.quick else 1)):
            for s in self.scales:
                for key, (cmd, d) in cmds[s].items():
                    t = run(cmd, d, self.env)
                    if i > 0 or self.quick:  # the first round warms up
                        times[key][s] = min(times[key].get(s, t), t)
        for s in self.scales:
            self.log(f"   {s}x: check {times['check'][s]:.2f} s, build md {times['md'][s]:.2f} s")
        out = []
        lo, hi = self.scales[0], self.scales[-1]
        mid = self.scales[-2] if len(self.scales) >= 3 else None
        for key, what in (("check", "check"), ("md", "build to Markdown")):
            t = times[key]
            r = Result(f"scale_{key}", f"4. synthetic {hi}× vs {lo}×, {what}: cost per 1× of data, "
                                       f"{mid}→{hi} / {lo}→{mid}", target="≤ 1.25 (linear: 1.0)", limit=1.25)
            r.detail = {"seconds": {str(k): v for k, v in t.items()}, "counts": {str(k): v for k, v in counts.items()},
                        f"t{hi}/t{lo}": t[hi] / t[lo]}
            if mid is not None:
                first = (t[mid] - t[lo]) / (mid - lo)
                last = (t[hi] - t[mid]) / (hi - mid)
                r.detail["ms_per_1x"] = {f"{lo}→{mid}": first * 1000, f"{mid}→{hi}": last * 1000}
                # t(s) - t(lo) ~ (s - lo)^k: 1 is linear, 2 quadratic.
                if t[mid] > t[lo] and t[hi] > t[lo]:
                    r.detail["exponent"] = (math.log((t[hi] - t[lo]) / (t[mid] - t[lo]))
                                            / math.log((hi - lo) / (mid - lo)))
                r.ours, r.base = last, first
                r.judge()
            else:
                r.ours, r.base = t[hi], t[lo]
                r.ratio = t[hi] / t[lo]
                r.met = None
            marg = ", ".join(f"{k}: {v:.1f} ms" for k, v in r.detail.get("ms_per_1x", {}).items())
            r.note = (f"{hi}× takes {t[hi] / t[lo]:.1f}× the time of {lo}× ({t[lo]:.2f} s → {t[hi]:.2f} s)"
                      + (f"; marginal cost per 1× of data {marg}" if marg else "")
                      + (f"; growth exponent {r.detail['exponent']:.2f}" if "exponent" in r.detail else ""))
            out.append(r)
        return out

    # 5 ------------------------------------------------------------------------
    def parallel(self) -> Result:
        n = self.n_reports
        r = Result("jobs", f"5. `rapport build --all` of {n} reports: -j 2 / -j 1", target="≤ 0.6×", limit=0.6)
        if not self.features["jobs"]:
            r.note = "pending: this version has no `build --all -j`"
            return r
        d = self.work / "many"
        shutil.rmtree(d, ignore_errors=True)
        copy_project(d)
        outcomes = d / "data" / "outcomes"
        src = (outcomes / f"{REPORT}.yaml").read_text(encoding="utf-8")
        for p in outcomes.glob("*.yaml"):
            p.unlink()
        for i in range(n):
            (outcomes / f"delar-{i + 1:02d}.yaml").write_text(src, encoding="utf-8")
        reps = max(1, min(self.repeat, 3))
        cpu = {1: [], 2: []}

        def build_all(j: int) -> float:
            c0 = cpu_of_children()
            t = run([self.rapport, "build", "--all", "-j", str(j), *self.force()], d, self.env)
            cpu[j].append(cpu_of_children() - c0)
            return t

        r.base, r.ours = paired(lambda: build_all(1), lambda: build_all(2), reps, warmup=not self.quick)
        r.detail = {"cpu_seconds": {"j1": min(cpu[1]), "j2": min(cpu[2])}}
        r.note = (f"-j 1 {r.base:.1f} s wall ({min(cpu[1]):.1f} s CPU), "
                  f"-j 2 {r.ours:.1f} s wall ({min(cpu[2]):.1f} s CPU)")
        r.judge()
        return r


    # 7 ------------------------------------------------------------------------
    def xlsx(self) -> list[Result]:
        """The workbook's cost: `--format md,xlsx` against `--format md`, both --force, for the
        example and for the largest synthetic organisation (its tables grow with the committees)."""
        out = []
        size = max(self.scales)
        big = self.work / f"xlsx-{size}x"
        shutil.rmtree(big, ignore_errors=True)
        big_report = generate.generate(big, size)["report"]
        for key, proj, report, what in (("xlsx", self.proj, REPORT, REPORT),
                                        (f"xlsx_{size}x", big, big_report, f"the synthetic organisation at {size}×")):
            r = Result(key, f"7. `rapport build --format md,xlsx --force`, {what} / the same with `--format md`",
                       target="(information)")
            md = [self.rapport, "build", report, "--format", "md", *self.force()]
            both = [self.rapport, "build", report, "--format", "md,xlsx", *self.force()]
            r.ours, r.base = paired(lambda cmd=both, d=proj: run(cmd, d, self.env),
                                    lambda cmd=md, d=proj: run(cmd, d, self.env), self.repeat, warmup=not self.quick)
            r.note = f"the workbook adds {(r.ours - r.base) * 1000:.0f} ms"
            r.judge()
            out.append(r)
        return out


# -- output ----------------------------------------------------------------------
def import_bench(work: Path, proj: Path, rapport: str, env: dict, repeat: int, n_trans: int) -> Result:
    """Measurement 6: a year's SIE 4 file through `rapport import`, against a plain read of it."""
    count = f"{n_trans:,}".replace(",", " ")
    r = Result("import", f"6. `rapport import` of a SIE 4 file, {count} #TRANS lines / plain read of the file",
               target="≤ 5 s", limit=None)
    sie = work / "huvudbok.se"
    sie_generate.generate(sie, n_trans)
    cmd = [rapport, "import", str(sie), "--into", REPORT, "--dry-run"]
    floor = [sys.executable, "-c", f"for line in open({str(sie)!r}, 'rb'): pass"]
    walls, cpus, rss = [], [], []
    floors, floor_cpus = [], []
    load_start = _load()  # the machine may be shared: wall times are only as good as this
    for i in range(max(1, repeat) + 1):
        for which, c in (("ours", cmd), ("floor", floor)):
            t0 = time.perf_counter()
            proc = subprocess.Popen(c, cwd=proj, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            out, err = proc.stdout.read(), proc.stderr.read()
            proc.stdout.close(), proc.stderr.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise BenchError(f"{' '.join(c)} misslyckades:\n{(err or out).decode('utf-8', 'replace')[-1500:]}")
            if i == 0:
                continue  # warm-up: page cache, .pyc files
            if which == "ours":
                walls.append(wall)
                cpus.append(usage.ru_utime + usage.ru_stime)
                rss.append(usage.ru_maxrss)
            else:
                floors.append(wall)
                floor_cpus.append(usage.ru_utime + usage.ru_stime)
    r.ours, r.base = min(walls), min(floors)
    r.judge()
    r.met = r.ours <= 5.0
    size = sie.stat().st_size
    r.detail = {"trans_lines": n_trans, "file_mb": round(size / 1e6, 1), "cpu_s": round(min(cpus), 3),
                "floor_cpu_s": round(min(floor_cpus), 3), "peak_rss_mb": round(max(rss) / 1024, 1),
                "loadavg": f"{load_start} → {_load()}"}
    r.note = (f"CPU {min(cpus):.2f} s (floor {min(floor_cpus):.2f} s), peak RSS {max(rss) / 1024:.0f} MB for a "
              f"{size / 1e6:.0f} MB file; load average {load_start} → {_load()}")
    return r


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"


def table(results: list[Result]) -> str:
    lines = ["| Measurement | Ours | Baseline | Ratio | Target | Met |", "|---|---:|---:|---:|---|---|"]
    for r in results:
        if r.key.startswith("scale_"):
            ours = f"{r.ours * 1000:.1f} ms/1×" if r.ours is not None else "–"
            base = f"{r.base * 1000:.1f} ms/1×" if r.base is not None else "–"
        else:
            ours, base = fmt_s(r.ours), fmt_s(r.base)
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "–"
        met = {True: "yes", False: "**no**", None: "pending" if "pending" in r.note else "–"}[r.met]
        lines.append(f"| {r.title} | {ours} | {base} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmarks of issue 8 (see the module docstring).")
    ap.add_argument("--repeat", "-n", type=int, default=5, help="runs per measurement; the minimum counts (default 5)")
    ap.add_argument("--quick", action="store_true", help="smoke run: one run each, no warm-up, tiny sizes")
    ap.add_argument("--scales", default="1,10,30,100", help="synthetic sizes for measurement 4 (default 1,10,30,100)")
    ap.add_argument("--reports", type=int, default=20, help="reports for measurement 5 (default 20)")
    ap.add_argument("--only", default="1,2,3,4,5,6,7", help="which measurements to run, e.g. 1,3")
    ap.add_argument("--trans", type=int, default=1_000_000, help="#TRANS lines of the SIE file of measurement 6")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.scales, args.reports = 1, "1,2,3", min(args.reports, 2)
        args.trans = min(args.trans, 20_000)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    only = {int(s) for s in args.only.split(",") if s.strip()}

    # The package's .pyc files, as a user has them after the first run: an editable
    # install is not compiled by pip, and where PYTHONDONTWRITEBYTECODE is set no run
    # would write them, so every measured run would compile the source again.
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "regionrapport"), quiet=1)
    info = machine()
    print(f"# {info['date']}: {info['nproc']} cores, {info['cpu']}, Python {info['python']}; "
          f"{info.get('pandoc', '')}; {info.get('typst', '')}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    results: list[Result] = []
    try:
        b = Bench(work, args.repeat, args.quick, scales, args.reports, log=lambda s: print(s, flush=True))
        print(f"# rapport: {b.rapport}; build --force: {b.features['force']}, build --all -j: {b.features['jobs']}; "
              f"minimum of {args.repeat} run(s)", flush=True)
        full = None
        bare = None
        steps = [(1, b.full_build), (1, lambda: b.cold_build(bare)), (2, b.check), (3, lambda: b.noop(full)),
                 (4, b.scaling), (5, b.parallel),
                 (6, lambda: import_bench(work, b.proj, b.rapport, b.env, args.repeat, args.trans)),
                 (7, b.xlsx)]
        for num, fn in steps:
            if num not in only:
                continue
            print(f"-- measurement {num}", flush=True)
            got = fn()
            for r in (got if isinstance(got, list) else [got]):
                results.append(r)
                if r.key == "build":
                    full, bare = r.ours, r.base
                ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "–"
                print(f"   {r.title}: {fmt_s(r.ours) if not r.key.startswith('scale_') else ''} {ratio} "
                      f"(target {r.target}) {r.note}", flush=True)
    except BenchError as e:
        print(f"benchmark failed: {e}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"# kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    info["loadavg_end"] = _load()
    print()
    print(f"# load average (1, 5, 15 min) at start {info['loadavg_start']}, at end {info['loadavg_end']}")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "repeat": args.repeat, "quick": args.quick,
                                         "results": [asdict(r) for r in results]}, indent=2, ensure_ascii=False),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
