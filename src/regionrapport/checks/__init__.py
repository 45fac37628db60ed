"""Consistency rules. Each rule has a code, a one-line summary and a docstring
that says what is wrong and how to fix it; docs/rules.md is generated from them.

Rules RR0xx are raised while loading and validating (load.py, project.py);
they are registered here so that every code a user can see is documented.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..diagnostics import Collector


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    doc: str
    func: Callable | None = None


RULES: dict[str, Rule] = {}


def rule(code: str, summary: str):
    """Register a check function `f(report, collector)` under a code."""

    def deco(f):
        RULES[code] = Rule(code, summary, (f.__doc__ or "").strip(), f)
        return f

    return deco


def documented(code: str, summary: str, doc: str) -> None:
    """Register a rule that is enforced elsewhere (the loader, pydantic)."""
    RULES[code] = Rule(code, summary, doc.strip())


def run_model_checks(report, collector: Collector) -> None:
    for r in sorted(RULES.values(), key=lambda r: r.code):
        if r.func is not None:
            r.func(report, collector)


from . import loading, references, sums, goals, periods, rendering, untrusted  # noqa: E402,F401  (registration)
