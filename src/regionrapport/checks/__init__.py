"""Consistency rules. Each rule has a code, a one-line summary and a docstring
that says what is wrong and how to fix it; docs/rules.md is generated from them.

Rules RR0xx are raised while loading and validating (load.py, project.py);
they are registered here so that every code a user can see is documented.
"""
from __future__ import annotations

from ..diagnostics import Collector
from .registry import RULES, Rule, documented, rule  # noqa: F401  (the registry, for callers)


def run_model_checks(report, collector: Collector) -> None:
    for r in sorted(RULES.values(), key=lambda r: r.code):
        if r.func is not None:
            r.func(report, collector)


from . import loading, references, sums, goals, periods, rendering, texts, unshown, untrusted, importing, output, headers, statutory, hierarchy, posttexts  # noqa: E402,F401  (registration)
