"""The rule registry: every rule's code, summary and documentation, and its check function.

The rule modules import `rule` and `documented` from here (not from the package,
whose __init__ imports them in turn: that would be an import cycle).
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable


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
