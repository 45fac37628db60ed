"""Run the CLI in a fresh interpreter, where the modules a command imports can be counted."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fresh_run(cwd: Path, args: list[str], after: str, before: str = "") -> subprocess.CompletedProcess:
    """`rapport ARGS` in a new interpreter; `before` runs first, `after` (code that prints
    what the test asserts) once the command has ended. stdout starts with 'EXIT <code>'."""
    script = "\n".join([
        "import os, sys",
        before,
        "from regionrapport.cli import main",
        "try:",
        f"    main({list(args)!r})",
        "except SystemExit as e:",
        "    code = e.code",
        "print('EXIT', code)",
        after,
    ])
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True)
