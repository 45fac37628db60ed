"""`rapport schema`: JSON Schemas of the three file kinds, for the analyst's editor.

The schemas are generated from the pydantic models (model/*.py), descriptions
included, so the editor's hover text is the models' own documentation and the
two cannot drift (tests/test_schema.py compares the committed files with a fresh
generation). Each example YAML file names its schema on its first line:

    # yaml-language-server: $schema=../../schemas/outcomes.schema.json

which VS Code's YAML extension (and any editor using yaml-language-server) reads
to autocomplete keys and underline mistakes as they are typed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .. import model as m
from ..model.base import ID_RE
from ..model.mapping import Mapping

if TYPE_CHECKING:
    from pydantic import BaseModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"

FILES: dict[str, tuple[type[BaseModel], str, str]] = {
    "organisation": (m.Organisation, "organisation.yaml",
                     "The organisation's own words and rules: name, perspectives, areas, periods, "
                     "traffic-light thresholds, status words, columns, relations and report kinds."),
    "budget": (m.Budget, "data/budget/ID.yaml",
               "A budget: committees and units, annual figures, tables, goals and metrics, assignments."),
    "outcomes": (m.Outcomes, "data/outcomes/ID.yaml",
                 "One report: which budget it follows, the period's figures, metric outcomes, "
                 "assessments, assignment statuses and comments."),
    "mappning": (Mapping, "import/mappning.yaml",
                 "The account mapping of `rapport import`: which accounts and objects (ansvar) of a ledger "
                 "export make up which post, the unit, the sign and which amount each column takes."),
}

# Posts and committees hold one figure per column id besides their named fields.
FIGURE = {"anyOf": [{"type": "number"}, {"type": "null"}, {"const": "saknas"}],
          "description": "A figure in the column of this id (a YAML number; null for '–', nothing; "
                         "saknas for a figure not yet known)."}


def _open_models() -> set[str]:
    """Names of the models that accept extra keys (pydantic extra='allow')."""
    names = set()
    for mod in (m.documents, m.goals, m.ledger, m.organisation):
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, m.base.BaseModel) and obj.model_config.get("extra") == "allow":
                names.add(obj.__name__)
    return names


def _tidy(node, open_models: set[str], name: str | None = None) -> None:
    """Make the generated schema say what validation does, and read well on hover."""
    if isinstance(node, list):
        for x in node:
            _tidy(x, open_models)
        return
    if not isinstance(node, dict):
        return
    if name in open_models and node.get("additionalProperties") is True:
        node["additionalProperties"] = FIGURE
        node["propertyNames"] = {"pattern": ID_RE.pattern}
    # A dict keyed by Id: pydantic rejects a key that is not an id; so does the editor.
    if "patternProperties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    for prop in (node.get("properties") or {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)  # "Malvarden": pydantic's title-cased key says less than the key itself
    for key, value in node.items():
        if key == "$defs":
            for def_name, d in value.items():
                _tidy(d, open_models, def_name)
        else:
            _tidy(value, open_models)


def schema_for(kind: str) -> dict:
    model, path, description = FILES[kind]
    s = model.model_json_schema(mode="validation")
    _tidy(s, _open_models(), model.__name__)
    return {"$schema": DIALECT, "title": f"regionrapport: {path}",
            "description": description, **{k: v for k, v in s.items() if k not in ("title", "description")}}


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in FILES:
        p = out_dir / f"{kind}.schema.json"
        p.write_text(render(kind), encoding="utf-8")
        written.append(p)
    return written


def outdated(out_dir: Path) -> list[Path]:
    """The schema files under out_dir that differ from what the models give (missing ones included)."""
    stale = []
    for kind in FILES:
        p = out_dir / f"{kind}.schema.json"
        if not p.is_file() or p.read_text(encoding="utf-8") != render(kind):
            stale.append(p)
    return stale
