"""JSON Schemas for the editor: in sync with the models, accepting the real data, catching real mistakes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from regionrapport.commands import schema as S

ROOT = Path(__file__).resolve().parent.parent
HEADER = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def as_editor_sees_it(path: Path):
    """YAML data as yaml-language-server hands it to the schema: keys are strings, dates are text."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def validator(kind: str):
    return jsonschema.Draft202012Validator(S.schema_for(kind))


def test_committed_schemas_match_the_models():
    assert not S.outdated(ROOT / "schemas"), "run 'rapport schema' and commit schemas/"


@pytest.mark.parametrize("kind", sorted(S.FILES))
def test_schema_is_valid_json_schema_with_descriptions(kind):
    s = S.schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(s)
    text = json.dumps(s, ensure_ascii=False)
    assert s["description"]
    assert text.count('"description"') > 10  # field documentation travels to the editor's hover text


def yaml_files_with_a_schema():
    out = []
    for p in sorted(ROOT.rglob("*.yaml")):
        # tests/fixtures/ holds frozen copies of older projects (test_migrate.py): their schema
        # line names the schema relative to where they once stood
        if any(part.startswith(".") or part in ("out", "node_modules", "fixtures") for part in p.relative_to(ROOT).parts):
            continue
        first = p.read_text(encoding="utf-8").split("\n", 1)[0]
        m = HEADER.match(first)
        if m:
            out.append((p, m.group(1)))
    return out


def test_every_example_file_names_its_schema():
    named = {p.relative_to(ROOT).as_posix() for p, _ in yaml_files_with_a_schema()}
    expected = {"organisation.yaml", *(p.relative_to(ROOT).as_posix() for p in (ROOT / "data").rglob("*.yaml"))}
    assert expected <= named


@pytest.mark.parametrize("path,ref", yaml_files_with_a_schema(), ids=lambda x: str(x)[-40:])
def test_files_validate_against_the_schema_they_name(path, ref):
    target = (path.parent / ref).resolve()
    assert target.is_file(), f"{path}: {ref} does not exist"
    kind = target.name.split(".")[0]
    errors = list(jsonschema.Draft202012Validator(json.loads(target.read_text(encoding="utf-8")))
                  .iter_errors(as_editor_sees_it(path)))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert kind in S.FILES


def errors_after(kind: str, path: Path, change) -> list[str]:
    data = as_editor_sees_it(path)
    change(data)
    return [e.message for e in validator(kind).iter_errors(data)]


def test_schema_underlines_the_usual_mistakes():
    out = ROOT / "data" / "outcomes" / "delar-mars-2025.yaml"
    budget = ROOT / "data" / "budget" / "budget-2025.yaml"

    def number_as_text(d):
        d["poster"]["sjukhusvard"]["utfall"] = "-1 048"

    def misspelled_key(d):
        d["matetal"]["besvarade_samtal"]["kommmentar"] = "x"

    def bad_id(d):
        d["uppdrag"]["Rekrytering-Läkare"] = {"status": "pagar"}

    def missing_required(d):
        del d["rapport"]["datum"]

    for change in (number_as_text, misspelled_key, bad_id, missing_required):
        assert errors_after("outcomes", out, change), change.__name__
    assert errors_after("outcomes", out, lambda d: None) == []

    def committee_figure_as_text(d):
        d["namnder"]["hsn"]["arsbudget"] = "5 506"

    def null_figure_is_fine(d):
        d["namnder"]["hsn"]["arsbudget"] = None

    assert errors_after("budget", budget, committee_figure_as_text)
    assert errors_after("budget", budget, null_figure_is_fine) == []
    assert errors_after("budget", budget, lambda d: d["mal"]["vard_for_alla"]["matetal"]["besvarade_samtal"]
                        .update(riktning="uppåt"))


def test_posts_and_committees_take_one_figure_per_column():
    for kind, name in (("budget", "Post"), ("budget", "Committee"), ("outcomes", "Post")):
        d = S.schema_for(kind)["$defs"][name]
        assert d["additionalProperties"]["anyOf"] == [{"type": "number"}, {"type": "null"}, {"const": "saknas"}]


def test_cli_writes_and_checks(tmp_path):
    env = {**os.environ, "CI": "1"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "regionrapport.cli", "schema", *a], cwd=ROOT,  # noqa: E731
                                    capture_output=True, text=True, env=env)
    r = run("--out", str(tmp_path / "s"), "--check")
    assert r.returncode == 1 and "rapport schema" in r.stderr
    r = run("--out", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == \
        ["budget.schema.json", "mappning.schema.json", "organisation.schema.json", "outcomes.schema.json"]
    assert run("--out", str(tmp_path / "s"), "--check").returncode == 0
    for p in (tmp_path / "s").iterdir():
        assert p.read_text(encoding="utf-8") == (ROOT / "schemas" / p.name).read_text(encoding="utf-8")
