"""Shared fixtures: the repository's own example project, and throwaway copies of it."""
from __future__ import annotations

import difflib
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _hypothesis_outside_the_tree() -> None:
    """Hypothesis keeps its example database and a cache of constants in ./.hypothesis by
    default: in the working tree. The fuzz test needs neither kept between runs."""
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "regionrapport-hypothesis")


_hypothesis_outside_the_tree()
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="Write tests/golden/ from the current code instead of comparing with it (make golden).")


def compare_golden(path: Path, text: str, update: bool) -> None:
    """The text must equal the file byte for byte; with `update`, the file is (re)written instead."""
    name = path.relative_to(GOLDEN).as_posix() if path.is_relative_to(GOLDEN) else str(path)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            path.write_bytes(text.encode("utf-8"))
        return
    assert path.exists(), f"tests/golden/{name} is missing: run `make golden` and commit it"
    expected = path.read_bytes().decode("utf-8")
    if text != expected:
        lines = list(difflib.unified_diff(expected.splitlines(), text.splitlines(), f"golden/{name}", "now",
                                          lineterm="", n=1))
        shown = "\n".join(lines[:80]) + ("\n..." if len(lines) > 80 else "")
        pytest.fail(f"tests/golden/{name} differs from what the code produces now. If the change is "
                    f"intended, run `make golden` and commit the new snapshot.\n{shown}", pytrace=False)


@pytest.fixture
def golden(request):
    """`golden(name, text)`: the text must equal tests/golden/NAME byte for byte.

    After an intended change to templates, data or rules, `make golden` (pytest
    --update-golden) writes the new snapshots; review them with `git diff tests/golden`."""
    update = request.config.getoption("--update-golden")
    return lambda name, text: compare_golden(GOLDEN / name, text, update)


# Not the tests' doing: the interpreter's, pytest's and the installation's own folders.
_NOT_THE_TREE = {".git", ".venv", ".venv-lock", ".pytest_cache", ".ruff_cache", ".mypy_cache", "__pycache__"}


def _tree_state(root: Path) -> dict[str, tuple]:
    """Every file of the working tree with its size and modification time, and every folder."""
    state = {}
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _NOT_THE_TREE and not d.endswith(".egg-info")]
        for name in dirs + files:
            p = os.path.join(here, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            # A folder counts by being there: its time changes with any entry, e.g. an
            # interpreter's __pycache__ (not the tests' doing), and what the tests add is
            # listed itself.
            state[os.path.relpath(p, root)] = ("folder",) if stat.S_ISDIR(st.st_mode) else \
                (st.st_mode, st.st_size, st.st_mtime_ns)
    return state


@pytest.fixture(scope="session", autouse=True)
def tests_write_nothing_into_the_tree(request):
    """Tests write under tmp_path only: a cache stamp left under an example's out/ made the
    next run replay a check instead of running it. Compared at the end of the session: any
    file or folder of the working tree added, removed or changed fails the run (except
    with --update-golden, whose purpose is to write tests/golden/)."""
    before = _tree_state(ROOT)
    yield
    if request.config.getoption("--update-golden"):
        return
    after = _tree_state(ROOT)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        pytest.fail("Testerna skrev i arbetskatalogen: " + ", ".join(changed[:20]), pytrace=False)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The Kronoberg example project at the repository root."""
    return ROOT


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A writable copy of the example project (organisation, data, templates)."""
    dst = tmp_path / "proj"
    dst.mkdir()
    shutil.copy(ROOT / "organisation.yaml", dst / "organisation.yaml")
    shutil.copytree(ROOT / "data", dst / "data")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", dst / "templates")
    return dst


@pytest.fixture
def project_with_warning(project_copy) -> Path:
    """The example with one metric left out of the interim report: a warning (RR303), no error."""
    f = project_copy / "data" / "outcomes" / "delar-mars-2025.yaml"
    text = f.read_text(encoding="utf-8")
    block = re.search(r"^  besvarade_samtal:\n(?:    .*\n|      .*\n)+", text, re.M)
    assert block, "the example no longer has besvarade_samtal"
    f.write_text(text.replace(block.group(0), ""), encoding="utf-8")
    return project_copy


@pytest.fixture(scope="session")
def build_example(repo_root, tmp_path_factory):
    """Build one report of a project under the repository through the CLI, as a user runs it:
    build_example("examples/region-norrby", "tertial2-2025") -> {fmt: Path}."""
    def build(project: str, report_id: str) -> dict[str, Path]:
        out = tmp_path_factory.mktemp(Path(project).name)
        proc = subprocess.run([sys.executable, "-m", "regionrapport.cli", "build", "--project", str(repo_root / project),
                               report_id, "--out", str(out)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return {fmt: out / report_id / f"{report_id}.{fmt}" for fmt in ("md", "docx", "pdf")}

    return build


@pytest.fixture(scope="session")
def built_report(tmp_path_factory):
    """delar-mars-2025 built once for the whole session: {fmt: Path}."""
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    out = tmp_path_factory.mktemp("out")
    project = load_project(ROOT)
    res = build(project, "delar-mars-2025", ("md", "docx", "pdf"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}
