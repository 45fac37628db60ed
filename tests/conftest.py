"""Shared fixtures: the repository's own example project, and throwaway copies of it."""
from __future__ import annotations

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


@pytest.fixture(scope="session")
def built_report(tmp_path_factory):
    """delar-mars-2025 built once for the whole session: {fmt: Path}."""
    from regionrapport.commands.build import build
    from regionrapport.project import load_project

    out = tmp_path_factory.mktemp("out")
    project = load_project(ROOT)
    res = build(project, "delar-mars-2025", ("md", "docx", "pdf"), out)
    return {p.suffix.lstrip("."): p for p in res.outputs}
