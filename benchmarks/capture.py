"""Run one real `rapport build` and record the tool calls it makes, with copies of their inputs.

    python benchmarks/capture.py PROJECT REPORT DEST [force]

The bare-tools baseline of benchmarks/run.py must do exactly the conversions
the build does: the same pandoc flags, template, Lua filter, reference document
(a per-build copy lives only in the build's scratch folder) and typst options.
Rather than restating them here, where they would drift from
render/pandoc.py, this wrapper watches the build: every pandoc process it
starts and every typst.compile it calls is written to DEST/calls.json, and the
scratch folder is copied to DEST/scratch at that moment (it is deleted when the
build ends). Paths, outputs included, are rewritten to the copy.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def main(project: str, report: str, dest: str, force: str = "") -> int:
    dest_p = Path(dest).resolve()
    scratch = dest_p / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    calls: list[dict] = []
    seen_dirs: dict[str, str] = {}

    def snapshot(folder: Path) -> str:
        """Copy the build's scratch folder (Markdown, reference document, charts) as it is now.

        One copy per scratch folder, refreshed at each call, so that the bare pandoc
        writes its typst file where the bare typst compile then reads it.
        """
        target = seen_dirs.setdefault(str(folder), str(scratch / str(len(seen_dirs))))
        shutil.copytree(folder, target, dirs_exist_ok=True)
        return target

    def rewrite(arg: str, folder: str, copy: str) -> str:
        return arg.replace(folder, copy) if folder in arg else arg

    real_popen = subprocess.Popen

    class RecordingPopen(real_popen):
        def __init__(self, args, *a, **kw):
            args_s = [str(x) for x in args] if isinstance(args, (list, tuple)) else []
            md = next((x for x in args_s[1:] if x.endswith(".md") and Path(x).is_file()), None)
            # Only conversions count; `pandoc --version` (the cache's tool stamp) and the like do not.
            if args_s and "pandoc" in Path(args_s[0]).name and md is not None:
                folder = str(Path(md).resolve().parent)
                copy = snapshot(Path(folder))
                new = [rewrite(x, folder, copy) for x in args_s]
                env = kw.get("env") or {}
                cwd = rewrite(str(kw.get("cwd") or os.getcwd()), folder, copy)
                calls.append({"tool": "pandoc", "args": new, "cwd": cwd, "SOURCE_DATE_EPOCH": env.get("SOURCE_DATE_EPOCH")})
            super().__init__(args, *a, **kw)

    subprocess.Popen = RecordingPopen

    import typst

    real_compile = typst.compile

    def recording_compile(src, *a, **kw):
        folder = str(Path(kw.get("root") or Path(src).parent).resolve())
        copy = snapshot(Path(folder))
        args = {k: (rewrite(v, folder, copy) if isinstance(v, str) else v) for k, v in kw.items()}
        args["output"] = str(Path(copy) / (Path(str(src)).stem + ".bare.pdf"))
        json.dumps(args)  # every option must survive the trip to a fresh process
        calls.append({"tool": "typst", "src": rewrite(str(Path(src).resolve()), folder, copy), "positional": list(a),
                      "kwargs": args})
        return real_compile(src, *a, **kw)

    typst.compile = recording_compile

    from regionrapport.cli import main as cli

    os.chdir(project)
    argv = ["build", report, "--format", "md,docx,pdf"] + (["--force"] if force == "force" else [])
    try:
        cli(argv, prog_name="rapport", standalone_mode=False)
    except SystemExit as e:
        if e.code not in (0, None):
            if not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
            return e.code if isinstance(e.code, int) else 1
    (dest_p / "calls.json").write_text(json.dumps(calls, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
