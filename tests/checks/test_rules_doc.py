"""docs/rules.md is generated from the rules; every code the program can emit is a rule."""
from __future__ import annotations

import re
from pathlib import Path

from regionrapport.checks import RULES
from regionrapport.checks.__main__ import rules_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_rules_md_matches_the_code():
    on_disk = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == rules_markdown(), "docs/rules.md is stale: run `python -m regionrapport.checks > docs/rules.md`"


def test_every_rule_says_what_is_wrong_and_how_to_fix_it():
    for code, r in RULES.items():
        assert re.fullmatch(r"RR\d{3}", code)
        assert r.summary and "\n" not in r.summary, code
        problem, _, fix = r.doc.partition("Fix:")
        assert len(problem.split()) >= 8 and len(fix.split()) >= 3, f"{code}: docstring needs the problem and 'Fix: ...'"


def test_every_code_in_the_source_is_documented():
    src = ROOT / "src" / "regionrapport"
    used = {c for p in src.rglob("*.py") for c in re.findall(r"[\"'](RR\d{3})[\"']", p.read_text(encoding="utf-8"))}
    assert used, "the scan found no codes at all"
    assert sorted(used - set(RULES)) == []


def test_every_rule_has_its_section():
    """Every code in the index links to a section of its own (a code outside every group would
    be listed but never explained)."""
    from regionrapport.checks import RULES

    text = rules_markdown()
    missing = [c for c in RULES if f"\n### {c}\n" not in text]
    assert not missing, f"rules without a section in docs/rules.md (add their group to GROUPS): {missing}"
