"""Shared fixtures: the repository's own example project, and throwaway copies of it."""
from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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


def _outputs_in_the_tree() -> set[Path]:
    return {p for d in [ROOT / "out", *ROOT.glob("examples/*/out")] for p in d.rglob("*")}


@pytest.fixture(scope="session", autouse=True)
def tests_write_nothing_into_the_tree():
    """Tests write under tmp_path only: nothing may appear in the project's out/ folders."""
    before = _outputs_in_the_tree()
    yield
    new = sorted(str(p.relative_to(ROOT)) for p in _outputs_in_the_tree() - before)
    assert not new, f"the tests wrote into the working tree: {new[:5]}"


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
def built_report(tmp_path_factory):
    """delar-mars-2025 built once for the whole session: {fmt: Path}."""
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    out = tmp_path_factory.mktemp("out")
    project = load_project(ROOT)
    res = build(project, "delar-mars-2025", ("md", "docx", "pdf"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}
