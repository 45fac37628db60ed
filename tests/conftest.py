"""Shared fixtures: the repository's own example project, and throwaway copies of it."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
