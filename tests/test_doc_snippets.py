"""The YAML snippets in docs/yaml-format.md and docs/statutory.md are what a newcomer copies:
each parses, and each top-level key holds what the model accepts there (a whole file's key
such as `mal:` against that field; a fragment such as one post or one metric against a Post
or a Metric). A snippet that elides with `...` is only parsed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from regionrapport import model as m
from regionrapport.model import goals, ledger

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["docs/yaml-format.md", "docs/statutory.md"]
FILES = [m.Organisation, m.Budget, m.Outcomes]


def _fragment(value) -> list:
    """What a fragment is, by its keys (a Post takes any column, so it is tried last)."""
    keys = set(value) if isinstance(value, dict) else set()
    if keys & {"matetal", "framgangsfaktorer"}:
        return [goals.Goal]
    if keys & {"riktning", "enhet", "berakning", "marginal", "information"}:
        return [goals.Metric]
    if keys & {"bedomd_status", "skal", "historik"}:
        return [goals.MetricOutcome]
    return [ledger.Post]


def _blocks():
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for b in re.finditer(r"```ya?ml\n(.*?)```", text, re.S):
            yield pytest.param(b.group(1), id=f"{doc}:{text[:b.start()].count(chr(10)) + 2}")


def _fits(value, types) -> list[str]:
    problems = []
    for t in types:
        try:
            TypeAdapter(t).validate_python(value)
            return []
        except ValidationError as e:
            problems.append(f"{getattr(t, '__name__', t)}: {str(e).splitlines()[:3]}")
    return problems


@pytest.mark.parametrize("snippet", list(_blocks()))
def test_a_documented_snippet_is_valid(snippet):
    data = yaml.safe_load(snippet)
    if "..." in snippet or not isinstance(data, dict):
        return
    for key, value in data.items():
        fields = [f.annotation for M in FILES if (f := M.model_fields.get(key)) is not None]
        if key == "rapport":  # the header shown in part (its other keys are elsewhere)
            continue
        problems = _fits(value, fields or _fragment(value))
        assert not problems, f"'{key}' in the snippet is not what the model accepts: {problems}"
