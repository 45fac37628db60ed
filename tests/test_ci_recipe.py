"""The CI recipe (docs/security.md): the job that handles a pull request's content is
read-only and holds no secrets; the comment is posted by a separate workflow that never
checks out or runs that content; a data repository installs a pinned release."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from regionrapport import __version__
from regionrapport.commands.init import plan

ROOT = Path(__file__).resolve().parent.parent
REPO = ROOT / ".github" / "workflows"
SCAFFOLD = ROOT / "src" / "regionrapport" / "scaffold" / "github" / "workflows"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def scaffolded(name: str) -> tuple[str, dict]:
    files = plan(Path("/p"), "Region X", 2026)
    text = files[Path("/p/.github/workflows") / name]
    data = yaml.safe_load(text)
    data["on"] = data.pop(True, data.get("on"))
    return text, data


def build_workflows():
    return [("repo", REPO / "rapport.yml", load(REPO / "rapport.yml")),
            ("scaffold", SCAFFOLD / "rapport.yml", scaffolded("rapport.yml")[1])]


@pytest.mark.parametrize("where,path,wf", build_workflows(), ids=["repo", "scaffold"])
def test_the_job_that_handles_pull_requests_is_read_only(where, path, wf):
    assert "pull_request" in wf["on"] and "pull_request_target" not in wf["on"]
    assert wf["permissions"] == {"contents": "read"}
    for job in wf["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        checkout = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout")]
        assert checkout and all(s["with"]["persist-credentials"] is False for s in checkout)
        for step in job["steps"]:
            if "run" in step:
                assert "${{" not in step["run"], "values reach scripts through env, never pasted in"
        assert not any("github-script" in str(s.get("uses", "")) for s in job["steps"])
    assert "secrets." not in path.read_text(encoding="utf-8")


def test_data_repository_installs_a_pinned_release():
    text, wf = scaffolded("rapport.yml")
    assert wf["env"]["RAPPORT"] == f"regionrapport=={__version__}"
    install = [s for s in wf["jobs"]["rapport"]["steps"] if "Install" in s.get("name", "")]
    assert install and install[0]["run"].strip() == 'pip install "$RAPPORT"'
    assert install[0]["working-directory"] == "${{ runner.temp }}"  # not in the pull request's checkout
    assert "pip install ." not in text and "python -m" not in text.replace("`python -m`", "")


@pytest.mark.parametrize("path", [REPO / "rapport-kommentar.yml", SCAFFOLD / "rapport-kommentar.yml"],
                         ids=["repo", "scaffold"])
def test_the_comment_is_posted_by_a_workflow_that_runs_nothing_from_the_pull_request(path):
    wf = load(path)
    assert list(wf["on"]) == ["workflow_run"] and wf["on"]["workflow_run"]["workflows"] == ["rapport"]
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    uses = [s.get("uses", "") for s in job["steps"]]
    assert not any(u.startswith("actions/checkout") for u in uses)
    assert not any("run" in s for s in job["steps"]), "no shell step: the artifact is only read as data"
    script = next(s for s in job["steps"] if "github-script" in s.get("uses", ""))["with"]["script"]
    # the pull request comes from the API by the built commit, not from the artifact
    assert "run.head_sha" in script and "pulls.list" in script
    assert not re.search(r"issue_number:\s*(?:text|body|Number\()", script)
    assert "secrets." not in path.read_text(encoding="utf-8")


def test_both_copies_of_the_comment_workflow_are_the_same():
    assert (REPO / "rapport-kommentar.yml").read_text(encoding="utf-8") == \
        (SCAFFOLD / "rapport-kommentar.yml").read_text(encoding="utf-8")


def test_the_build_uploads_the_diff_for_the_comment_workflow():
    for _, _, wf in build_workflows():
        steps = wf["jobs"]["rapport"]["steps"]
        upload = [s for s in steps if s.get("with", {}).get("name") == "rapport-diff"]
        assert upload and upload[0]["with"]["path"] == "rapport-diff.md"
