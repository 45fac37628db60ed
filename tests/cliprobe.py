"""Run the CLI in a fresh interpreter, where the modules a command imports can be counted."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fresh_run(cwd: Path, args: list[str], after: str, before: str = "") -> subprocess.CompletedProcess:
    """`rapport ARGS` in a new interpreter, through the console script's own path (cli.entry,
    with the start-up tricks of _startup.py) but leaving by an ordinary exit, so that `after`
    (code that prints what the test asserts) runs once the command has ended. `before` runs
    first. stdout starts with 'EXIT <code>'."""
    script = "\n".join([
        "import os, sys",
        "os.environ['RAPPORT_FAST_EXIT'] = '0'",
        before,
        "from regionrapport.cli import entry",
        f"sys.argv = ['rapport', *{list(args)!r}]",
        "try:",
        "    entry()",
        "except SystemExit as e:",
        "    code = e.code",
        "print('EXIT', code)",
        after,
    ])
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True)
